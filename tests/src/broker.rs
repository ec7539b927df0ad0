//! A private Mosquitto per test that needs to stop and restart its broker
//! (persistence on, loopback only, free ports). Killed on drop.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A Mosquitto process with its own config and state directory.
#[derive(Debug)]
pub struct Broker {
    child: Option<Child>,
    dir: PathBuf,
    /// TCP listener port (MQTT).
    pub tcp_port: u16,
    /// WebSocket listener port.
    pub ws_port: u16,
    /// WebSocket listener that requires credentials (demo / demo-pass).
    pub ws_auth_port: u16,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("repo root")
        .to_path_buf()
}

impl Broker {
    /// Starts a new broker on free ports and waits (bounded) until it accepts.
    pub fn start() -> Self {
        let dir = std::env::temp_dir().join(format!(
            "mqtt-broker-{}-{}",
            std::process::id(),
            free_port()
        ));
        std::fs::create_dir_all(&dir).expect("state dir");
        let mut b = Self {
            child: None,
            dir,
            tcp_port: free_port(),
            ws_port: free_port(),
            ws_auth_port: free_port(),
        };
        let template = std::fs::read_to_string(repo_root().join("tests/broker/mosquitto.conf.in"))
            .expect("config");
        let conf = template
            .replace("@TCP_PORT@", &b.tcp_port.to_string())
            .replace("@WS_PORT@", &b.ws_port.to_string())
            .replace("@WS_AUTH_PORT@", &b.ws_auth_port.to_string())
            .replace("@DATA_DIR@", &b.dir.display().to_string());
        std::fs::write(b.dir.join("mosquitto.conf"), conf).expect("write config");
        let passwords = b.dir.join("passwords");
        std::fs::write(&passwords, "demo:demo-pass\n").expect("write passwords");
        let hashed = Command::new("mosquitto_passwd")
            .arg("-U")
            .arg(&passwords)
            .status()
            .expect("mosquitto_passwd");
        assert!(hashed.success(), "mosquitto_passwd -U failed");
        b.restart();
        b
    }

    /// `127.0.0.1:<tcp_port>`.
    pub fn tcp_addr(&self) -> String {
        format!("127.0.0.1:{}", self.tcp_port)
    }

    /// `ws://127.0.0.1:<ws_port>`.
    pub fn ws_url(&self) -> String {
        format!("ws://127.0.0.1:{}", self.ws_port)
    }

    /// Kills the process at once (SIGKILL): no goodbye to clients, state as last saved.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Stops gracefully (SIGTERM), which saves the persistent state.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = Command::new("kill").arg(c.id().to_string()).status();
            let _ = c.wait();
        }
    }

    /// (Re)starts the process with the same config and state, waiting until both ports accept.
    pub fn restart(&mut self) {
        self.kill();
        let bin = if Path::new("/usr/sbin/mosquitto").exists() {
            "/usr/sbin/mosquitto"
        } else {
            "mosquitto"
        };
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join("mosquitto.log"))
            .expect("log");
        let child = Command::new(bin)
            .arg("-c")
            .arg(self.dir.join("mosquitto.conf"))
            .stdout(Stdio::from(log.try_clone().expect("log")))
            .stderr(Stdio::from(log))
            .spawn()
            .expect("start mosquitto");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        for port in [self.tcp_port, self.ws_port, self.ws_auth_port] {
            while TcpStream::connect(("127.0.0.1", port)).is_err() {
                assert!(
                    Instant::now() < deadline,
                    "mosquitto did not start; log in {}",
                    self.dir.display()
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
