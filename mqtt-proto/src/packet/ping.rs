//! PINGREQ (section 3.12) and PINGRESP (section 3.13): keep-alive probes.
//!
//! Both are a bare fixed header: [`Packet::PingReq`](crate::Packet::PingReq) is `C0 00` and
//! [`Packet::PingResp`](crate::Packet::PingResp) is `D0 00`. Their remaining length must be 0; any
//! body is reported as [`DecodeError::TrailingBytes`](crate::DecodeError::TrailingBytes) by
//! [`Packet::decode`](crate::Packet::decode), which requires every packet body to be fully
//! consumed. They have no fields, so they are unit variants of [`Packet`](crate::Packet) and this
//! module has no code.
