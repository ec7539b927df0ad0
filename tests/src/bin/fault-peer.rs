//! The fault-injecting MQTT peer as a process, for the browser tests.
//!
//! ```text
//! fault-peer --ws-port N --tcp-port M [--tcp-default SCENARIO] [--quiet] [--list]
//! ```
//!
//! Listens on 127.0.0.1 (port 0: any free port), prints the addresses on stderr and `ready` on
//! stdout once both listeners accept, then serves until killed. Each WebSocket connection runs
//! the scenario named by its URL path (`ws://127.0.0.1:N/<scenario>`), each TCP connection the
//! one named by its client id (`<scenario>[/anything]`) or `--tcp-default`. `--list` prints the
//! scenario names and exits. See `mqtt_tests::fault_peer`.
#![forbid(unsafe_code)]

use std::io::Write;
use std::process::ExitCode;

use mqtt_tests::fault_peer::{scenarios, FaultPeer, PeerOptions};

fn main() -> ExitCode {
    let mut options = PeerOptions {
        verbose: true,
        ..PeerOptions::default()
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut port = |name: &str| -> Result<u16, String> {
            args.next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{name} needs a port number"))
        };
        let parsed = match arg.as_str() {
            "--ws-port" => port("--ws-port").map(|p| options.ws_port = p),
            "--tcp-port" => port("--tcp-port").map(|p| options.tcp_port = p),
            "--tcp-default" => match args.next() {
                Some(name) if scenarios::script(&name).is_some() => {
                    options.tcp_default = Some(name);
                    Ok(())
                }
                other => Err(format!("--tcp-default: no scenario {other:?}")),
            },
            "--quiet" => {
                options.verbose = false;
                Ok(())
            }
            "--list" => {
                for name in scenarios::names() {
                    println!("{name}");
                }
                return ExitCode::SUCCESS;
            }
            other => Err(format!("unknown argument {other:?}")),
        };
        if let Err(e) = parsed {
            eprintln!("fault-peer: {e}\nusage: fault-peer --ws-port N --tcp-port M [--tcp-default SCENARIO] [--quiet] [--list]");
            return ExitCode::from(2);
        }
    }
    let peer = match FaultPeer::start_with(options) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("fault-peer: cannot listen: {e}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!("fault-peer: ws {} tcp {}", peer.ws_url, peer.tcp_addr);
    println!("ready");
    let _ = std::io::stdout().flush();
    // Serve until killed: the listener threads never return on their own.
    loop {
        std::thread::park();
    }
}
