//! The wire door against its ceiling and against moto: the same CloudHSM
//! DescribeBackups load, from the same load generator in the same run, on
//! cmconsole, on a bare axum handler answering the very bytes cmconsole
//! answers (the most this machine's HTTP stack serves), on the same handler
//! reading each request's body first (what any handler that decodes its
//! request pays before doing anything), and with
//! `--against moto` on moto's server (installed from PyPI into a
//! temporary virtualenv).

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{LoadStats, load_for};
use crate::harness::{Backend, Conn, Scratch, free_port};
use crate::tools::{self, cmd};

use crate::{Error, Result};

/// Load time of each of the three runs.
const LOAD_TIME: Duration = Duration::from_secs(5);
/// The share of the bare handler's rate the wire door should reach.
pub(crate) const TARGET_SHARE: f64 = 0.80;

/// A CloudHSM DescribeBackups call as an SDK sends it (moto routes by the
/// credential scope's service; neither cmconsole on loopback nor the bare
/// handler checks the signature).
fn describe_backups(addr: SocketAddr) -> Vec<u8> {
    let body = "{}";
    format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nX-Amz-Target: BaldrApiService.DescribeBackups\r\n\
         Content-Type: application/x-amz-json-1.1\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential=AKIDBENCH/20260101/us-east-1/cloudhsmv2/aws4_request, SignedHeaders=host;x-amz-target, Signature=00\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// What the runs measured.
pub(crate) struct Ceiling {
    pub(crate) cmconsole: LoadStats,
    pub(crate) bare: LoadStats,
    /// The bare handler reading each body before answering.
    pub(crate) bare_reading: LoadStats,
    pub(crate) moto: Option<Result<LoadStats>>,
}

/// Runs the loads; `moto` adds moto's.
pub(crate) fn run(
    binary: &Path,
    extra: &[String],
    scratch: &Scratch,
    moto: bool,
) -> Result<Ceiling> {
    let server = Backend::spawn(binary, &["--in-memory"], extra, scratch)?;
    server.wait_healthy(Instant::now())?;
    let request = describe_backups(server.addr);
    let (status, body) = Conn::connect(server.addr)?.call(&request)?;
    if status != 200 {
        return Err(Error::new(format!(
            "DescribeBackups: HTTP {status}: {}",
            String::from_utf8_lossy(&body)
        )));
    }
    let cmconsole = load_for(server.addr, LOAD_TIME, |_, _| request.clone());
    drop(server);

    let body_file = scratch.path.join("describe-backups.json");
    std::fs::write(&body_file, &body)?;
    let bare_load = |read_body: bool| -> Result<LoadStats> {
        let mut handler = Spawned::bare(&body_file, read_body)?;
        let addr = handler.addr;
        let stats = load_for(addr, LOAD_TIME, |_, _| describe_backups(addr));
        handler.stop();
        Ok(stats)
    };
    let bare = bare_load(false)?;
    let bare_reading = bare_load(true)?;
    let moto = moto.then(|| {
        let mut server = Spawned::moto(scratch)?;
        let addr = server.addr;
        let stats = load_for(addr, LOAD_TIME, |_, _| describe_backups(addr));
        server.stop();
        Ok(stats)
    });
    Ok(Ceiling {
        cmconsole,
        bare,
        bare_reading,
        moto,
    })
}

/// A server process the bench started, stopped when dropped.
struct Spawned {
    child: Child,
    addr: SocketAddr,
}

impl Spawned {
    /// The bare handler (built with the backend by [`bench`](super::bench)),
    /// reading each request's body first when `read_body`.
    fn bare(body: &Path, read_body: bool) -> Result<Self> {
        let binary = tools::target_dir().join("release").join("bare-handler");
        let addr = free_port()?;
        let mut child = Command::new(binary)
            .arg(body)
            .arg(addr.to_string())
            .args(read_body.then_some("--read-body"))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let mut line = String::new();
        if let Some(out) = child.stdout.take() {
            BufReader::new(out).read_line(&mut line)?;
        }
        if !line.starts_with("listening") {
            let _ = child.kill();
            return Err(Error::new("the bare handler did not start"));
        }
        Ok(Self { child, addr })
    }

    /// moto's server from a virtualenv in `scratch` (pip from PyPI).
    fn moto(scratch: &Scratch) -> Result<Self> {
        let venv = scratch.path.join("moto-venv");
        println!("  installing moto[server] into {}", venv.display());
        tools::run(cmd("python3").args(["-m", "venv"]).arg(&venv))?;
        tools::run(Command::new(venv.join("bin").join("pip")).args([
            "install",
            "--quiet",
            "moto[server]",
        ]))?;
        let addr = free_port()?;
        let child = Command::new(venv.join("bin").join("moto_server"))
            .args(["-H", "127.0.0.1", "-p", &addr.port().to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let mut server = Self { child, addr };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(mut conn) = Conn::connect(addr)
                && conn
                    .call(&describe_backups(addr))
                    .is_ok_and(|(s, _)| s == 200)
            {
                return Ok(server);
            }
            if Instant::now() > deadline {
                server.stop();
                return Err(Error::new("moto_server did not answer within 60 s"));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        self.stop();
    }
}
