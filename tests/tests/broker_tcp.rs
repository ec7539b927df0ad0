//! The real Mosquitto over TCP.

use mqtt_tests::{connect_tcp, read_frame, send};

#[test]
fn mosquitto_accepts_mqtt_311_and_50_connect() {
    // 3.1.1: CONNECT, clean session, keep-alive 10, client id "t4".
    let mut s = connect_tcp();
    send(
        &mut s,
        &[
            0x10, 14, 0, 4, b'M', b'Q', b'T', b'T', 4, 0x02, 0, 10, 0, 2, b't', b'4',
        ],
    );
    assert_eq!(read_frame(&mut s), vec![0x20, 2, 0, 0]);

    // 5.0: CONNECT, clean start, keep-alive 10, no properties, client id "t5".
    let mut s = connect_tcp();
    send(
        &mut s,
        &[
            0x10, 15, 0, 4, b'M', b'Q', b'T', b'T', 5, 0x02, 0, 10, 0, 0, 2, b't', b'5',
        ],
    );
    let connack = read_frame(&mut s);
    assert_eq!(&connack[..1], &[0x20]);
    assert_eq!(
        connack[2..4],
        [0, 0],
        "session present 0, reason Success: {connack:02x?}"
    );
}
