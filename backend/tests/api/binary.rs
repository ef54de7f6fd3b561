//! The real `cmconsole` binary as a test runs it: on a free loopback port,
//! with an environment of the test's own, its output kept, killed on drop;
//! and the calls a client of it makes (console with a session, SDKs signing
//! with the local key pair).

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use crate::helpers::{RawResponse, client_with, post_json, raw};

/// The local pair clients sign the wire door with (never real credentials).
pub(crate) const LOCAL_KEY: &str = "AKIDLOCALPROXY";
pub(crate) const LOCAL_SECRET: &str = "local-proxy-secret-6f1ed002ab55";
/// The console token (`CMCONSOLE_TOKEN`) of every binary a test starts.
pub(crate) const CONSOLE_TOKEN: &str = "console-token-1f3870be274f6c49b3e3";

/// A running binary, its address and everything it printed.
pub(crate) struct Binary {
    child: Child,
    pub(crate) addr: SocketAddr,
    output: Arc<Mutex<String>>,
    cookie: tokio::sync::OnceCell<String>,
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // The catch-panic layer is a last resort that must never fire.
        if !std::thread::panicking() {
            let output = self.output();
            assert!(
                !output.contains("a request handler panicked"),
                "the binary caught a panic:\n{output}"
            );
        }
    }
}

impl Binary {
    /// `cmconsole serve --listen 127.0.0.1:0 --ui-dir /nonexistent ARGS`
    /// with [`CONSOLE_TOKEN`] and an environment holding nothing else but
    /// PATH and no instance metadata.
    pub(crate) fn command(args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_cmconsole"));
        command
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--ui-dir",
                "/nonexistent",
            ])
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("CMCONSOLE_TOKEN", CONSOLE_TOKEN)
            .env("AWS_EC2_METADATA_DISABLED", "true");
        command
    }

    /// Runs `command`, reads the address it listens on and keeps its output.
    pub(crate) fn spawn(mut command: Command) -> Self {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let output = Arc::new(Mutex::new(String::new()));
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let addr = line
            .trim()
            .rsplit("http://")
            .next()
            .unwrap()
            .parse()
            .unwrap_or_else(|e| panic!("{e}: {line}"));
        output.lock().unwrap().push_str(&line);
        drain(stdout, &output);
        drain(BufReader::new(child.stderr.take().unwrap()), &output);
        Self {
            child,
            addr,
            output,
            cookie: tokio::sync::OnceCell::new(),
        }
    }

    /// Sends SIGTERM and waits (up to 30 s) for the process to end; returns
    /// how long it took.
    pub(crate) fn terminate(&mut self) -> std::time::Duration {
        let started = std::time::Instant::now();
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        loop {
            if self.child.try_wait().unwrap().is_some() {
                return started.elapsed();
            }
            assert!(
                started.elapsed() < std::time::Duration::from_secs(30),
                "still running 30 s after SIGTERM"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// A console-door GET with the session cookie.
    pub(crate) async fn console_get(&self, path: &str) -> RawResponse {
        let cookie = self.cookie().await;
        raw(self.addr, "GET", path, &[("Cookie", cookie.as_str())], "").await
    }

    /// Everything it printed so far (stdout and stderr).
    pub(crate) fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// `name=value` of the session cookie, signed in once with the token.
    pub(crate) async fn cookie(&self) -> String {
        self.cookie
            .get_or_init(|| async {
                let body = format!(r#"{{"token":"{CONSOLE_TOKEN}"}}"#);
                let answer = post_json(self.addr, "/api/session", &body).await;
                assert_eq!(answer.status, 204, "{}", answer.body);
                let set = answer.header("set-cookie").expect("a session cookie");
                set.split(';').next().unwrap().to_owned()
            })
            .await
            .clone()
    }

    /// A console-door POST of JSON with the session cookie.
    pub(crate) async fn console_at(
        &self,
        path: &str,
        extra: &[(&str, &str)],
        body: &str,
    ) -> RawResponse {
        let cookie = self.cookie().await;
        let mut headers = vec![
            ("Content-Type", "application/json"),
            ("Cookie", cookie.as_str()),
        ];
        headers.extend_from_slice(extra);
        raw(self.addr, "POST", path, &headers, body).await
    }

    /// An OpsWorks CM operation on the console door, with the session.
    pub(crate) async fn console(&self, operation: &str, body: &str) -> RawResponse {
        self.console_at(&format!("/api/opsworks-cm/{operation}"), &[], body)
            .await
    }

    /// An OpsWorks CM SDK client signing with the local pair.
    pub(crate) fn sdk(&self) -> aws_sdk_opsworkscm::Client {
        client_with(self.addr, LOCAL_KEY, LOCAL_SECRET, "us-east-1")
    }

    /// A CloudHSM v2 SDK client signing with the local pair.
    pub(crate) fn hsm(&self, region: &str) -> aws_sdk_cloudhsmv2::Client {
        crate::cloudhsm::hsm_client_signed(self.addr, region, LOCAL_KEY, LOCAL_SECRET)
    }
}

fn drain(mut reader: impl Read + Send + 'static, into: &Arc<Mutex<String>>) {
    let into = Arc::clone(into);
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            into.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
}
