//! placeholder; the codec is being written
#![no_std]
extern crate alloc;
