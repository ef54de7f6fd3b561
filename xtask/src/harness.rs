//! What the bench and the torture harness share: the release binary run on
//! a loopback port (started, killed, restarted), a scratch directory, and a
//! small keep-alive HTTP/1.1 client with hand-written requests (std only).

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::{Error, Result};

const STARTUP_TIMEOUT: Duration = Duration::from_secs(15);
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// A running `cmconsole serve` on a free loopback port; killed when dropped.
pub(crate) struct Backend {
    child: Child,
    /// Where it listens.
    pub(crate) addr: SocketAddr,
    log: PathBuf,
    /// How it was started, for [`Backend::restart`].
    command: Option<(PathBuf, Vec<String>)>,
}

impl Backend {
    pub(crate) fn spawn(
        binary: &Path,
        mode: &[&str],
        extra: &[String],
        scratch: &Scratch,
    ) -> Result<Self> {
        let addr = free_port()?;
        let log = scratch.path.join(format!("serve-{}.log", addr.port()));
        let out = File::create(&log)?;
        let mut command = Command::new(binary);
        command
            .arg("serve")
            .arg("--listen")
            .arg(addr.to_string())
            // Measure the server, not its documented 5 requests/s limit.
            .args(["--rate-limit", "0"])
            .args(mode)
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::from(out.try_clone()?))
            .stderr(Stdio::from(out));
        if std::env::var_os("RUST_LOG").is_none() {
            command.env("RUST_LOG", "warn");
        }
        let child = command
            .spawn()
            .map_err(|e| Error::new(format!("cannot start {}: {e}", binary.display())))?;
        Ok(Self {
            child,
            addr,
            log,
            command: None,
        })
    }

    /// `cmconsole serve --listen ADDR ARGS` on a free port, once it answers
    /// `/api/health`; restartable on the same port with [`Backend::restart`].
    /// Its output goes to a log in `scratch` (appended to across restarts).
    pub(crate) fn start(binary: &Path, args: &[&str], scratch: &Scratch) -> Result<Self> {
        let addr = free_port()?;
        let log = scratch.path.join(format!("serve-{}.log", addr.port()));
        let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        let child = Self::launch(binary, addr, &args, &log)?;
        let backend = Self {
            child,
            addr,
            log,
            command: Some((binary.to_owned(), args)),
        };
        backend.wait_healthy(Instant::now())?;
        Ok(backend)
    }

    fn launch(binary: &Path, addr: SocketAddr, args: &[String], log: &Path) -> Result<Child> {
        let out = OpenOptions::new().create(true).append(true).open(log)?;
        let mut command = Command::new(binary);
        command
            .arg("serve")
            .arg("--listen")
            .arg(addr.to_string())
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::from(out.try_clone()?))
            .stderr(Stdio::from(out));
        if std::env::var_os("RUST_LOG").is_none() {
            command.env("RUST_LOG", "warn");
        }
        command
            .spawn()
            .map_err(|e| Error::new(format!("cannot start {}: {e}", binary.display())))
    }

    /// SIGKILL: no shutdown, no flush, as a crash or an OOM kill.
    pub(crate) fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts the same command again on the same port, and waits until it
    /// answers `/api/health`.
    pub(crate) fn restart(&mut self) -> Result {
        let (binary, args) = self
            .command
            .clone()
            .ok_or_else(|| Error::new("this backend cannot be restarted"))?;
        let since = Instant::now();
        loop {
            let child = Self::launch(&binary, self.addr, &args, &self.log)?;
            self.child = child;
            // The port may still be held for a moment by the killed process.
            thread::sleep(Duration::from_millis(100));
            if self.is_alive() {
                return self.wait_healthy(since);
            }
            if since.elapsed() > STARTUP_TIMEOUT {
                return Err(Error::new(format!(
                    "the backend did not restart; log:\n{}",
                    self.log_tail()
                )));
            }
        }
    }

    /// Whether the process still runs.
    pub(crate) fn is_alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Everything it logged.
    pub(crate) fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Polls `GET /api/health` until it answers 200, for at most
    /// [`STARTUP_TIMEOUT`] after `since`.
    pub(crate) fn wait_healthy(&self, since: Instant) -> Result {
        self.wait_healthy_within(since, STARTUP_TIMEOUT)
    }

    /// Polls `GET /api/health` until it answers 200, for at most `limit`
    /// after `since`.
    pub(crate) fn wait_healthy_within(&self, since: Instant, limit: Duration) -> Result {
        let request =
            format!("GET /api/health HTTP/1.1\r\nHost: {}\r\n\r\n", self.addr).into_bytes();
        loop {
            if let Ok(mut conn) = Conn::connect(self.addr)
                && let Ok((200, _)) = conn.call(&request)
            {
                return Ok(());
            }
            if since.elapsed() > limit {
                return Err(Error::new(format!(
                    "no 200 from /api/health within {limit:?}; log:\n{}",
                    self.log_tail()
                )));
            }
            thread::sleep(Duration::from_millis(1));
        }
    }

    pub(crate) fn rss_kb(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    pub(crate) fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        // Exited already, or ours to end: this is the child we spawned.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

pub(crate) fn free_port() -> Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?)
}

/// A scratch directory under the system temp dir, removed when dropped.
pub(crate) struct Scratch {
    /// The directory.
    pub(crate) path: PathBuf,
}

impl Scratch {
    /// `cmconsole-NAME-PID` under the system temp dir, empty.
    pub(crate) fn new(name: &str) -> Result<Self> {
        let path = std::env::temp_dir().join(format!("cmconsole-{name}-{}", std::process::id()));
        if path.exists() {
            std::fs::remove_dir_all(&path)?;
        }
        std::fs::create_dir_all(&path)?;
        Ok(Self { path })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// A wire-door call: awsJson1.1 with `X-Amz-Target`.
pub(crate) fn wire_request(addr: SocketAddr, operation: &str, body: &str) -> Vec<u8> {
    format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nX-Amz-Target: OpsWorksCM_V2016_11_01.{operation}\r\n\
         Content-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A CloudHSM v2 wire-door call: awsJson1.1 with `X-Amz-Target: BaldrApiService.*`.
pub(crate) fn hsm_request(addr: SocketAddr, operation: &str, body: &str) -> Vec<u8> {
    format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nX-Amz-Target: BaldrApiService.{operation}\r\n\
         Content-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A keep-alive HTTP/1.1 client connection reading Content-Length or chunked bodies.
pub(crate) struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
    /// Read buffer, reused.
    scratch: Vec<u8>,
    /// Do not keep the bodies of successful answers (read load).
    discard_ok_bodies: bool,
    /// The server said `Connection: close`.
    pub(crate) closed: bool,
}

impl Conn {
    pub(crate) fn connect(addr: SocketAddr) -> io::Result<Self> {
        let stream = TcpStream::connect_timeout(&addr, IO_TIMEOUT)?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(IO_TIMEOUT))?;
        stream.set_write_timeout(Some(IO_TIMEOUT))?;
        Ok(Self {
            stream,
            buf: Vec::with_capacity(256 * 1024),
            scratch: vec![0; 256 * 1024],
            discard_ok_bodies: false,
            closed: false,
        })
    }

    /// A connection for the read load: bodies of 2xx answers are skipped.
    pub(crate) fn reader(addr: SocketAddr) -> io::Result<Self> {
        let mut conn = Self::connect(addr)?;
        conn.discard_ok_bodies = true;
        Ok(conn)
    }

    /// Sends one request and reads its response: (status, body).
    pub(crate) fn call(&mut self, request: &[u8]) -> io::Result<(u16, Vec<u8>)> {
        self.stream.write_all(request)?;
        self.read_response()
    }

    fn fill(&mut self) -> io::Result<()> {
        // Large reads: a full DescribeServers answer is ~90 KB, and syscalls,
        // not bytes, are what a closed-loop client on the same cores pays for.
        let chunk = &mut self.scratch[..];
        let n = self.stream.read(chunk)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed",
            ));
        }
        self.buf.extend_from_slice(&self.scratch[..n]);
        Ok(())
    }

    fn read_response(&mut self) -> io::Result<(u16, Vec<u8>)> {
        let head_end = loop {
            if let Some(pos) = find(&self.buf, b"\r\n\r\n") {
                break pos + 4;
            }
            self.fill()?;
        };
        let head = String::from_utf8_lossy(&self.buf[..head_end]).into_owned();
        self.buf.drain(..head_end);
        let mut lines = head.split("\r\n");
        let status: u16 = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| invalid("bad status line"))?;
        let mut length = None;
        let mut chunked = false;
        for line in lines {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            match name.trim().to_ascii_lowercase().as_str() {
                "content-length" => length = value.parse::<usize>().ok(),
                "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
                "connection" => self.closed = value.eq_ignore_ascii_case("close"),
                _ => {}
            }
        }
        let body = if chunked {
            self.read_chunked()?
        } else if let Some(len) = length {
            if self.discard_ok_bodies && (200..300).contains(&status) {
                self.skip(len)?;
                return Ok((status, Vec::new()));
            }
            while self.buf.len() < len {
                self.fill()?;
            }
            self.buf.drain(..len).collect()
        } else if status == 204 || status == 304 || (100..200).contains(&status) {
            Vec::new()
        } else {
            self.closed = true;
            while self.fill().is_ok() {}
            std::mem::take(&mut self.buf)
        };
        Ok((status, body))
    }

    /// Consumes `len` body bytes, reading them straight into the scratch
    /// buffer: one copy, as a real client that streams a body would make.
    fn skip(&mut self, len: usize) -> io::Result<()> {
        let buffered = self.buf.len().min(len);
        self.buf.drain(..buffered);
        let mut remaining = len - buffered;
        while remaining > 0 {
            let want = remaining.min(self.scratch.len());
            let n = self.stream.read(&mut self.scratch[..want])?;
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "connection closed",
                ));
            }
            remaining -= n;
        }
        Ok(())
    }

    fn read_line(&mut self) -> io::Result<String> {
        loop {
            if let Some(pos) = find(&self.buf, b"\r\n") {
                let line = String::from_utf8_lossy(&self.buf[..pos]).into_owned();
                self.buf.drain(..pos + 2);
                return Ok(line);
            }
            self.fill()?;
        }
    }

    fn read_chunked(&mut self) -> io::Result<Vec<u8>> {
        let mut body = Vec::new();
        loop {
            let line = self.read_line()?;
            let size_hex = line.split(';').next().unwrap_or_default().trim();
            let size =
                usize::from_str_radix(size_hex, 16).map_err(|_| invalid("bad chunk size"))?;
            if size == 0 {
                // Trailers, if any, end with an empty line.
                while !self.read_line()?.is_empty() {}
                return Ok(body);
            }
            while self.buf.len() < size + 2 {
                self.fill()?;
            }
            body.extend_from_slice(&self.buf[..size]);
            self.buf.drain(..size + 2);
        }
    }
}

fn invalid(msg: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.to_owned())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Every string value of `"key"` in a JSON text (no unescaping beyond `\"`).
pub(crate) fn json_strings(json: &str, key: &str) -> Vec<String> {
    let pattern = format!("\"{key}\"");
    let mut found = Vec::new();
    let mut rest = json;
    while let Some(pos) = rest.find(&pattern) {
        rest = &rest[pos + pattern.len()..];
        let after = rest.trim_start();
        let Some(after) = after.strip_prefix(':') else {
            continue;
        };
        let Some(value) = after.trim_start().strip_prefix('"') else {
            continue;
        };
        let mut out = String::new();
        let mut escaped = false;
        for ch in value.chars() {
            match (escaped, ch) {
                (true, c) => {
                    out.push(c);
                    escaped = false;
                }
                (false, '\\') => escaped = true,
                (false, '"') => break,
                (false, c) => out.push(c),
            }
        }
        found.push(out);
    }
    found
}

/// First 300 characters, for error messages.
pub(crate) fn clip(text: &str) -> String {
    text.chars().take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_reads_values_not_prefixes() {
        let body = r#"{"Servers":[{"Status":"HEALTHY","StatusReason":"x"},{"Status" : "CREATING"}],"NextToken":"a\"b"}"#;
        assert_eq!(json_strings(body, "Status"), vec!["HEALTHY", "CREATING"]);
        assert_eq!(json_strings(body, "NextToken"), vec!["a\"b"]);
    }

    /// A loopback server that answers one keep-alive connection with canned bytes.
    fn canned(responses: Vec<&'static [u8]>) -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            for response in responses {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf).unwrap();
                stream.write_all(response).unwrap();
            }
        });
        addr
    }

    #[test]
    fn reads_length_and_chunked_bodies_on_one_connection() {
        let addr = canned(vec![
            b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}",
            b"HTTP/1.1 400 Bad Request\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
        ]);
        let mut conn = Conn::connect(addr).unwrap();
        let request = wire_request(addr, "DescribeServers", "{}");
        assert_eq!(conn.call(&request).unwrap(), (200, b"{}".to_vec()));
        assert_eq!(conn.call(&request).unwrap(), (400, b"abcde".to_vec()));
    }
}
