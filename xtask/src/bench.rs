//! `cargo xtask bench`: how fast the release backend starts, how little it
//! idles at, and how many reads and durable writes it serves on loopback.
//!
//! Informational: figures are printed next to their targets and never fail the
//! command. The load generator is closed-loop: `CONNECTIONS` keep-alive HTTP/1.1
//! connections on std threads, each sending one hand-written request and
//! reading the whole response before the next, for `LOAD_TIME`.

use std::fs::File;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

use crate::tools;
use crate::{Error, Result};

const TARGET_COLD_START_MS: f64 = 100.0;
const TARGET_IDLE_RSS_MB: f64 = 30.0;
const TARGET_READS_PER_S: f64 = 20_000.0;
const TARGET_READ_P99_MS: f64 = 5.0;
const TARGET_WRITES_PER_S: f64 = 2_000.0;

const COLD_STARTS: usize = 5;
const CONNECTIONS: usize = 32;
const LOAD_TIME: Duration = Duration::from_secs(5);
const READ_SERVERS: usize = 100;
/// Simulated-time factor that makes CREATING → HEALTHY take milliseconds.
const SPEED: &str = "1000";
const SERVER_LIMIT: &str = "200";
/// For the write run: backups finish within a millisecond, so a connection
/// can delete the backup it just created almost at once.
const WRITE_SPEED: &str = "1000000";
/// Pause before sending a write again that met a backup still in progress.
const RETRY_PAUSE: Duration = Duration::from_micros(500);
const STARTUP_TIMEOUT: Duration = Duration::from_secs(15);
const HEALTHY_TIMEOUT: Duration = Duration::from_secs(60);
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// Builds the release backend and runs every measurement; `extra` is appended
/// to each `cmconsole serve` (e.g. to lift throttling).
pub(crate) fn bench(extra: &[String]) -> Result {
    tools::run(&mut tools::build_backend())?;
    let binary = tools::backend_binary();
    let scratch = Scratch::new()?;
    let mut table = Table::default();
    let mut problems: Vec<String> = Vec::new();
    println!(
        "xtask: bench on {} core(s); the load generator shares them with the server",
        thread::available_parallelism().map_or(1, |n| n.get())
    );

    println!("\n==> cold start and idle RSS");
    match cold_start(&binary, extra, &scratch) {
        Ok((median, rss_kb)) => {
            table.lower(
                "cold start (median of 5)",
                ms(median),
                "ms",
                TARGET_COLD_START_MS,
            );
            match rss_kb {
                Some(kb) => table.lower(
                    "idle RSS (1 s after start)",
                    kb as f64 / 1024.0,
                    "MB",
                    TARGET_IDLE_RSS_MB,
                ),
                None => problems.push("idle RSS: /proc/<pid>/status has no VmRSS".to_owned()),
            }
        }
        Err(err) => {
            table.print();
            return Err(Error::new(format!("the backend does not start: {err}")));
        }
    }

    println!("\n==> reads: DescribeServers over the wire door ({READ_SERVERS} servers, in memory)");
    match reads(&binary, extra, &scratch) {
        Ok((stats, single)) => {
            stats.print_errors("reads", &mut problems);
            single.print_errors("reads (one server)", &mut problems);
            table.info(
                "reads DescribeServers(ServerName)",
                single.per_second(),
                "req/s",
            );
            table.info("  its p99", ms(single.percentile(0.99)), "ms");
            table.higher(
                "reads DescribeServers",
                stats.per_second(),
                "req/s",
                TARGET_READS_PER_S,
            );
            table.info("reads p50", ms(stats.percentile(0.50)), "ms");
            table.lower(
                "reads p99",
                ms(stats.percentile(0.99)),
                "ms",
                TARGET_READ_P99_MS,
            );
        }
        Err(err) => problems.push(format!("reads: {err}")),
    }

    println!("\n==> durable writes: CreateBackup/DeleteBackup pairs (file-backed store)");
    match writes(&binary, extra, &scratch) {
        Ok(stats) => {
            stats.print_errors("writes", &mut problems);
            if stats.retried > 0 {
                println!(
                    "    {} InvalidStateException retries (backup still in progress), not counted",
                    stats.retried
                );
            }
            table.higher(
                "writes Create/DeleteBackup",
                stats.per_second(),
                "/s",
                TARGET_WRITES_PER_S,
            );
            table.info("writes p50", ms(stats.percentile(0.50)), "ms");
            table.info("writes p99", ms(stats.percentile(0.99)), "ms");
        }
        Err(err) => problems.push(format!("writes: {err}")),
    }

    println!();
    table.print();
    if problems.is_empty() {
        Ok(())
    } else {
        for problem in &problems {
            eprintln!("xtask: bench: {problem}");
        }
        Err(Error::new(
            "bench incomplete (see above); the figures printed are valid",
        ))
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Median time from spawn to the first 200 of `/api/health`, and VmRSS (kB) of
/// the last instance after one idle second.
fn cold_start(
    binary: &Path,
    extra: &[String],
    scratch: &Scratch,
) -> Result<(Duration, Option<u64>)> {
    let mut samples = Vec::with_capacity(COLD_STARTS);
    let mut rss = None;
    for round in 1..=COLD_STARTS {
        let start = Instant::now();
        let server = Backend::spawn(binary, &["--in-memory"], extra, scratch)?;
        server.wait_healthy(start)?;
        let took = start.elapsed();
        println!("  start {round}: {:.1} ms", ms(took));
        samples.push(took);
        if round == COLD_STARTS {
            thread::sleep(Duration::from_secs(1));
            rss = server.rss_kb();
        }
    }
    samples.sort();
    Ok((samples[samples.len() / 2], rss))
}

fn reads(binary: &Path, extra: &[String], scratch: &Scratch) -> Result<(LoadStats, LoadStats)> {
    let server = Backend::spawn(
        binary,
        &[
            "--in-memory",
            "--speed",
            SPEED,
            "--server-limit",
            SERVER_LIMIT,
        ],
        extra,
        scratch,
    )?;
    server.wait_healthy(Instant::now())?;
    let names: Vec<String> = (0..READ_SERVERS).map(|i| format!("bench-{i:03}")).collect();
    create_servers(server.addr, &names)?;
    wait_all_healthy(server.addr, names.len())?;
    let request = wire_request(server.addr, "DescribeServers", "{}");
    let all = load(server.addr, |_, _| request.clone());
    // The same door for one server: separates per-request cost from the
    // cost of moving ~90 KB per full listing.
    let one = wire_request(
        server.addr,
        "DescribeServers",
        r#"{"ServerName":"bench-042"}"#,
    );
    let single = load(server.addr, |_, _| one.clone());
    Ok((all, single))
}

fn writes(binary: &Path, extra: &[String], scratch: &Scratch) -> Result<LoadStats> {
    let data_dir = scratch.path.join("data");
    std::fs::create_dir_all(&data_dir)?;
    let data_dir = data_dir.to_string_lossy().into_owned();
    let server = Backend::spawn(
        binary,
        &[
            "--data-dir",
            &data_dir,
            "--speed",
            WRITE_SPEED,
            "--server-limit",
            SERVER_LIMIT,
            "--manual-backup-limit",
            "100000000",
        ],
        extra,
        scratch,
    )?;
    server.wait_healthy(Instant::now())?;
    let names: Vec<String> = (0..CONNECTIONS).map(|i| format!("write-{i:02}")).collect();
    create_servers(server.addr, &names)?;
    wait_all_healthy(server.addr, names.len())?;
    let addr = server.addr;
    let barrier = Barrier::new(CONNECTIONS);
    let barrier = &barrier;
    let results: Vec<LoadStats> = thread::scope(|scope| {
        let handles: Vec<_> = names
            .iter()
            .map(|name| scope.spawn(move || backup_pairs(addr, name, barrier)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| LoadStats::failed("worker panicked"))
            })
            .collect()
    });
    let mut total = LoadStats::default();
    for r in results {
        total.merge(r);
    }
    total.latencies_us.sort_unstable();
    Ok(total)
}

/// What one write attempt came to.
enum Attempt {
    /// 2xx: counted, with the response body.
    Done(Vec<u8>),
    /// InvalidStateException: the previous backup has not finished yet.
    Retry,
    /// Anything else (noted in the stats).
    Failed,
}

/// One connection's closed loop of CreateBackup then DeleteBackup of that
/// backup on its own server; each acknowledged call is one durable write.
fn backup_pairs(addr: SocketAddr, server: &str, barrier: &Barrier) -> LoadStats {
    let mut stats = LoadStats::default();
    let conn = Conn::connect(addr);
    barrier.wait();
    let Ok(mut conn) = conn else {
        return LoadStats::failed("connect failed");
    };
    let start = Instant::now();
    let deadline = start + LOAD_TIME;
    let create = wire_request(
        addr,
        "CreateBackup",
        &format!(r#"{{"ServerName":"{server}"}}"#),
    );
    'pairs: while Instant::now() < deadline {
        let body = match write_once(&mut conn, &create, &mut stats) {
            Attempt::Done(body) => body,
            Attempt::Retry => {
                // The previous backup finishes within a millisecond; do not
                // burn the cores the server needs while waiting for it.
                thread::sleep(RETRY_PAUSE);
                continue;
            }
            Attempt::Failed => break,
        };
        let Some(id) = json_strings(&String::from_utf8_lossy(&body), "BackupId").pop() else {
            stats.note_error("CreateBackup answered no BackupId".into());
            break;
        };
        let delete = wire_request(addr, "DeleteBackup", &format!(r#"{{"BackupId":"{id}"}}"#));
        while Instant::now() < deadline {
            match write_once(&mut conn, &delete, &mut stats) {
                Attempt::Done(_) => continue 'pairs,
                Attempt::Retry => thread::sleep(RETRY_PAUSE),
                Attempt::Failed => break 'pairs,
            }
        }
    }
    stats.elapsed = start.elapsed();
    stats
}

fn write_once(conn: &mut Conn, request: &[u8], stats: &mut LoadStats) -> Attempt {
    let sent = Instant::now();
    match conn.call(request) {
        Ok((status, body)) if (200..300).contains(&status) => {
            stats.ok += 1;
            let took = sent.elapsed();
            stats
                .latencies_us
                .push(u32::try_from(took.as_micros()).unwrap_or(u32::MAX));
            Attempt::Done(body)
        }
        Ok((_, body)) if String::from_utf8_lossy(&body).contains("InvalidStateException") => {
            stats.retried += 1;
            Attempt::Retry
        }
        Ok((status, body)) => {
            stats.note_error(format!(
                "HTTP {status}: {}",
                clip(&String::from_utf8_lossy(&body))
            ));
            Attempt::Failed
        }
        Err(err) => {
            stats.note_error(format!("I/O: {err}"));
            Attempt::Failed
        }
    }
}

/// Creates the servers through the wire door; returns their ARNs.
fn create_servers(addr: SocketAddr, names: &[String]) -> Result<Vec<String>> {
    let start = Instant::now();
    let mut conn = Conn::connect(addr)?;
    let mut arns = Vec::with_capacity(names.len());
    for name in names {
        let body = format!(
            r#"{{"Engine":"ChefAutomate","ServerName":"{name}","InstanceProfileArn":"arn:aws:iam::123456789012:instance-profile/aws-opsworks-cm-ec2-role","InstanceType":"m5.large","ServiceRoleArn":"arn:aws:iam::123456789012:role/aws-opsworks-cm-service-role"}}"#
        );
        let (status, body) = conn.call(&wire_request(addr, "CreateServer", &body))?;
        let body = String::from_utf8_lossy(&body);
        if status != 200 {
            return Err(Error::new(format!(
                "CreateServer {name}: HTTP {status}: {}",
                clip(&body)
            )));
        }
        let arn = json_strings(&body, "ServerArn")
            .into_iter()
            .next()
            .ok_or_else(|| {
                Error::new(format!(
                    "CreateServer {name}: no ServerArn in {}",
                    clip(&body)
                ))
            })?;
        arns.push(arn);
    }
    println!(
        "  created {} servers in {:.0} ms",
        names.len(),
        ms(start.elapsed())
    );
    Ok(arns)
}

/// Polls DescribeServers (all pages) until `expected` servers are HEALTHY.
fn wait_all_healthy(addr: SocketAddr, expected: usize) -> Result {
    let start = Instant::now();
    let mut conn = Conn::connect(addr)?;
    loop {
        let mut healthy = 0;
        let mut token: Option<String> = None;
        loop {
            let body = match &token {
                Some(t) => format!(r#"{{"NextToken":"{t}"}}"#),
                None => "{}".to_owned(),
            };
            let (status, resp) = conn.call(&wire_request(addr, "DescribeServers", &body))?;
            let resp = String::from_utf8_lossy(&resp);
            if status != 200 {
                return Err(Error::new(format!(
                    "DescribeServers: HTTP {status}: {}",
                    clip(&resp)
                )));
            }
            healthy += json_strings(&resp, "Status")
                .iter()
                .filter(|s| *s == "HEALTHY")
                .count();
            token = json_strings(&resp, "NextToken")
                .into_iter()
                .next()
                .filter(|t| !t.is_empty());
            if token.is_none() {
                break;
            }
        }
        if healthy >= expected {
            println!(
                "  {expected} servers HEALTHY after {:.0} ms",
                ms(start.elapsed())
            );
            return Ok(());
        }
        if start.elapsed() > HEALTHY_TIMEOUT {
            return Err(Error::new(format!(
                "only {healthy} of {expected} servers HEALTHY after {HEALTHY_TIMEOUT:?} (--speed {SPEED})"
            )));
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// Closed-loop load: `CONNECTIONS` threads, each building its `n`-th request with
/// `request(connection, n)` and waiting for the response before the next.
fn load<F>(addr: SocketAddr, request: F) -> LoadStats
where
    F: Fn(usize, u64) -> Vec<u8> + Sync,
{
    let barrier = Barrier::new(CONNECTIONS);
    let request = &request;
    let barrier = &barrier;
    let results: Vec<LoadStats> = thread::scope(|scope| {
        let handles: Vec<_> = (0..CONNECTIONS)
            .map(|conn| scope.spawn(move || worker(addr, conn, request, barrier)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| LoadStats::failed("worker panicked"))
            })
            .collect()
    });
    let mut total = LoadStats::default();
    for r in results {
        total.merge(r);
    }
    total.latencies_us.sort_unstable();
    total
}

fn worker<F>(addr: SocketAddr, conn_id: usize, request: &F, barrier: &Barrier) -> LoadStats
where
    F: Fn(usize, u64) -> Vec<u8> + Sync,
{
    let mut stats = LoadStats::default();
    let mut conn = Conn::reader(addr);
    barrier.wait();
    let start = Instant::now();
    let deadline = start + LOAD_TIME;
    let mut n: u64 = 0;
    while Instant::now() < deadline {
        let c = match &mut conn {
            Ok(c) => c,
            Err(err) => {
                stats.note_error(format!("connect: {err}"));
                thread::sleep(Duration::from_millis(10));
                conn = Conn::reader(addr);
                continue;
            }
        };
        let bytes = request(conn_id, n);
        n += 1;
        let sent = Instant::now();
        match c.call(&bytes) {
            Ok((status, body)) => {
                let took = sent.elapsed();
                if (200..300).contains(&status) {
                    stats.ok += 1;
                    stats
                        .latencies_us
                        .push(u32::try_from(took.as_micros()).unwrap_or(u32::MAX));
                } else if String::from_utf8_lossy(&body).contains("Throttling") {
                    stats.throttled += 1;
                } else {
                    stats.note_error(format!(
                        "HTTP {status}: {}",
                        clip(&String::from_utf8_lossy(&body))
                    ));
                }
                if c.closed {
                    conn = Conn::reader(addr);
                }
            }
            Err(err) => {
                stats.note_error(format!("I/O: {err}"));
                conn = Conn::reader(addr);
            }
        }
    }
    stats.elapsed = start.elapsed();
    stats
}

/// What one load run measured.
#[derive(Debug, Default)]
struct LoadStats {
    ok: u64,
    throttled: u64,
    /// Writes refused with InvalidStateException and sent again.
    retried: u64,
    failed: u64,
    first_error: Option<String>,
    latencies_us: Vec<u32>,
    elapsed: Duration,
}

impl LoadStats {
    fn failed(msg: &str) -> Self {
        let mut stats = Self::default();
        stats.note_error(msg.to_owned());
        stats
    }

    fn note_error(&mut self, msg: String) {
        self.failed += 1;
        self.first_error.get_or_insert(msg);
    }

    fn merge(&mut self, other: Self) {
        self.ok += other.ok;
        self.throttled += other.throttled;
        self.retried += other.retried;
        self.failed += other.failed;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
        self.latencies_us.extend(other.latencies_us);
        self.elapsed = self.elapsed.max(other.elapsed);
    }

    fn per_second(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64().max(f64::EPSILON)
    }

    fn percentile(&self, q: f64) -> Duration {
        if self.latencies_us.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((self.latencies_us.len() as f64 * q).ceil() as usize)
            .clamp(1, self.latencies_us.len());
        Duration::from_micros(u64::from(self.latencies_us[rank - 1]))
    }

    fn print_errors(&self, what: &str, problems: &mut Vec<String>) {
        println!(
            "  {} ok, {} throttled, {} failed in {:.1} s over {CONNECTIONS} connections",
            self.ok,
            self.throttled,
            self.failed,
            self.elapsed.as_secs_f64()
        );
        if self.throttled > 0 {
            problems.push(format!(
                "{what}: {} requests throttled; pass the backend's throttling flag after `--` to lift it",
                self.throttled
            ));
        }
        if let Some(err) = &self.first_error {
            problems.push(format!(
                "{what}: {} failed requests, first: {err}",
                self.failed
            ));
        }
    }
}

/// One figure: name, value, unit, and its target with `true` when higher is better.
type Row = (String, f64, &'static str, Option<(f64, bool)>);

/// The figures, each with its target when it has one.
#[derive(Debug, Default)]
struct Table {
    rows: Vec<Row>,
}

impl Table {
    /// A figure that should stay at or under `target`.
    fn lower(&mut self, name: &str, value: f64, unit: &'static str, target: f64) {
        self.rows
            .push((name.to_owned(), value, unit, Some((target, false))));
    }

    /// A figure that should reach `target`.
    fn higher(&mut self, name: &str, value: f64, unit: &'static str, target: f64) {
        self.rows
            .push((name.to_owned(), value, unit, Some((target, true))));
    }

    /// A figure without a target.
    fn info(&mut self, name: &str, value: f64, unit: &'static str) {
        self.rows.push((name.to_owned(), value, unit, None));
    }

    fn print(&self) {
        println!(
            "{:<28} {:>16} {:>18} {:>7}",
            "metric", "figure", "target", "ratio"
        );
        for (name, value, unit, target) in &self.rows {
            let figure = format!("{} {unit}", number(*value));
            match target {
                Some((target, higher)) => {
                    let bound = if *higher { ">=" } else { "<=" };
                    let met = if *higher {
                        value >= target
                    } else {
                        value <= target
                    };
                    println!(
                        "{name:<28} {figure:>16} {:>18} {:>7.2}  {}",
                        format!("{bound} {} {unit}", number(*target)),
                        value / target,
                        if met { "met" } else { "MISSED" }
                    );
                }
                None => println!("{name:<28} {figure:>16}"),
            }
        }
    }
}

fn number(value: f64) -> String {
    if value >= 100.0 || value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
    }
}

/// A running `cmconsole serve` on a free loopback port; killed when dropped.
struct Backend {
    child: Child,
    addr: SocketAddr,
    log: PathBuf,
}

impl Backend {
    fn spawn(binary: &Path, mode: &[&str], extra: &[String], scratch: &Scratch) -> Result<Self> {
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
        Ok(Self { child, addr, log })
    }

    /// Polls `GET /api/health` until it answers 200.
    fn wait_healthy(&self, since: Instant) -> Result {
        let request =
            format!("GET /api/health HTTP/1.1\r\nHost: {}\r\n\r\n", self.addr).into_bytes();
        loop {
            if let Ok(mut conn) = Conn::connect(self.addr)
                && let Ok((200, _)) = conn.call(&request)
            {
                return Ok(());
            }
            if since.elapsed() > STARTUP_TIMEOUT {
                return Err(Error::new(format!(
                    "no 200 from /api/health within {STARTUP_TIMEOUT:?}; log:\n{}",
                    self.log_tail()
                )));
            }
            thread::sleep(Duration::from_millis(1));
        }
    }

    fn rss_kb(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    fn log_tail(&self) -> String {
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

fn free_port() -> Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?)
}

/// A scratch directory under the system temp dir, removed when dropped.
struct Scratch {
    path: PathBuf,
}

impl Scratch {
    fn new() -> Result<Self> {
        let path = std::env::temp_dir().join(format!("cmconsole-bench-{}", std::process::id()));
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
fn wire_request(addr: SocketAddr, operation: &str, body: &str) -> Vec<u8> {
    format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nX-Amz-Target: OpsWorksCM_V2016_11_01.{operation}\r\n\
         Content-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A keep-alive HTTP/1.1 client connection reading Content-Length or chunked bodies.
struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
    /// Read buffer, reused.
    scratch: Vec<u8>,
    /// Do not keep the bodies of successful answers (read load).
    discard_ok_bodies: bool,
    /// The server said `Connection: close`.
    closed: bool,
}

impl Conn {
    fn connect(addr: SocketAddr) -> io::Result<Self> {
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
    fn reader(addr: SocketAddr) -> io::Result<Self> {
        let mut conn = Self::connect(addr)?;
        conn.discard_ok_bodies = true;
        Ok(conn)
    }

    /// Sends one request and reads its response: (status, body).
    fn call(&mut self, request: &[u8]) -> io::Result<(u16, Vec<u8>)> {
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
fn json_strings(json: &str, key: &str) -> Vec<String> {
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
fn clip(text: &str) -> String {
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

    #[test]
    fn percentiles_use_nearest_rank() {
        let stats = LoadStats {
            latencies_us: (1..=100).collect(),
            ..LoadStats::default()
        };
        assert_eq!(stats.percentile(0.50), Duration::from_micros(50));
        assert_eq!(stats.percentile(0.99), Duration::from_micros(99));
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
