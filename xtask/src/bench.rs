//! `cargo xtask bench`: how fast the release backend starts, how little it
//! idles at, and how many reads and durable writes it serves on loopback;
//! how that grows with the state, on SQLite and PostgreSQL ([`scale`]); and
//! the wire door against a bare handler and moto ([`ceiling`]).
//!
//! Informational: figures are printed next to their targets and never fail the
//! command. The load generator is closed-loop: `CONNECTIONS` keep-alive HTTP/1.1
//! connections on std threads, each sending one hand-written request and
//! reading the whole response before the next, for `LOAD_TIME`.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

mod ceiling;
mod scale;
mod synth;

use crate::harness::{Backend, Conn, Scratch, clip, json_strings, wire_request};
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
const WRITE_SPEED: &str = "10000";
/// Pause before sending a write again that met a backup still in progress.
const RETRY_PAUSE: Duration = Duration::from_micros(500);
const HEALTHY_TIMEOUT: Duration = Duration::from_secs(60);

/// Builds the release backend and runs every measurement; `extra` is appended
/// to each `cmconsole serve` (e.g. to lift throttling); `against_moto` adds
/// moto's server to the ceiling run.
pub(crate) fn bench(extra: &[String], against_moto: bool) -> Result {
    // The ceiling's bare handler with it: its features are a subset of
    // the backend's, so it reuses the backend's build.
    tools::run(tools::build_backend().args(["-p", "bare-handler"]))?;
    let binary = tools::backend_binary();
    let scratch = Scratch::new("bench")?;
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

    println!("\n==> the wire door against its ceiling (CloudHSM DescribeBackups)");
    match ceiling::run(&binary, extra, &scratch, against_moto) {
        Ok(found) => {
            found.cmconsole.print_errors("cmconsole", &mut problems);
            found.bare.print_errors("bare handler", &mut problems);
            found
                .bare_reading
                .print_errors("bare handler reading bodies", &mut problems);
            let (ours, bare) = (found.cmconsole.per_second(), found.bare.per_second());
            let reading = found.bare_reading.per_second();
            table.info("wire door DescribeBackups", ours, "req/s");
            table.info("bare axum handler", bare, "req/s");
            table.info("  the same, reading each body", reading, "req/s");
            table.info(
                "  reading bodies / bare handler",
                reading / bare.max(f64::EPSILON),
                "x",
            );
            table.higher(
                "wire door / bare handler",
                ours / bare.max(f64::EPSILON),
                "x",
                ceiling::TARGET_SHARE,
            );
            match found.moto {
                Some(Ok(moto)) => {
                    moto.print_errors("moto", &mut problems);
                    table.info("moto DescribeBackups", moto.per_second(), "req/s");
                    table.info(
                        "wire door / moto",
                        ours / moto.per_second().max(f64::EPSILON),
                        "x",
                    );
                }
                Some(Err(err)) => problems.push(format!("moto: {err}")),
                None => {}
            }
        }
        Err(err) => problems.push(format!("ceiling: {err}")),
    }

    println!("\n==> how cost grows with the state (SQLite and PostgreSQL)");
    match template_state(&binary, extra, &scratch) {
        Ok(template) => scale::run(&binary, extra, &scratch, &template, &mut problems),
        Err(err) => problems.push(format!("scale: {err}")),
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

/// The state of a `--seed-demo` account, as `GET /api/sim/state` exports
/// it: what the synthetic states are cloned from.
fn template_state(binary: &Path, extra: &[String], scratch: &Scratch) -> Result<String> {
    let server = Backend::spawn(binary, &["--in-memory", "--seed-demo"], extra, scratch)?;
    server.wait_healthy(Instant::now())?;
    let request = format!(
        "GET {} HTTP/1.1\r\nHost: {}\r\n\r\n",
        "/api/sim/state", server.addr
    );
    let (status, body) = Conn::connect(server.addr)?.call(request.as_bytes())?;
    if status != 200 {
        return Err(Error::new(format!("GET /api/sim/state: HTTP {status}")));
    }
    Ok(String::from_utf8_lossy(&body).into_owned())
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
            "1000000",
        ],
        extra,
        scratch,
    )?;
    server.wait_healthy(Instant::now())?;
    let names: Vec<String> = (0..CONNECTIONS).map(|i| format!("write-{i:02}")).collect();
    create_servers(server.addr, &names)?;
    wait_all_healthy(server.addr, names.len())?;
    let addr = server.addr;
    Ok(on_every_connection(|conn, barrier| {
        backup_pairs(addr, &names[conn], barrier)
    }))
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
    load_for(addr, LOAD_TIME, request)
}

/// [`load`] for `time`.
fn load_for<F>(addr: SocketAddr, time: Duration, request: F) -> LoadStats
where
    F: Fn(usize, u64) -> Vec<u8> + Sync,
{
    let request = &request;
    on_every_connection(|conn, barrier| worker(addr, conn, time, request, barrier))
}

/// Runs `work(connection, barrier)` on `CONNECTIONS` threads at once (each
/// waits at the shared barrier before it starts) and adds up what they
/// measured, latencies sorted.
fn on_every_connection<W>(work: W) -> LoadStats
where
    W: Fn(usize, &Barrier) -> LoadStats + Sync,
{
    let barrier = Barrier::new(CONNECTIONS);
    let (work, barrier) = (&work, &barrier);
    let results: Vec<LoadStats> = thread::scope(|scope| {
        let handles: Vec<_> = (0..CONNECTIONS)
            .map(|conn| scope.spawn(move || work(conn, barrier)))
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

fn worker<F>(
    addr: SocketAddr,
    conn_id: usize,
    time: Duration,
    request: &F,
    barrier: &Barrier,
) -> LoadStats
where
    F: Fn(usize, u64) -> Vec<u8> + Sync,
{
    let mut stats = LoadStats::default();
    let mut conn = Conn::reader(addr);
    barrier.wait();
    let start = Instant::now();
    let deadline = start + time;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_nearest_rank() {
        let stats = LoadStats {
            latencies_us: (1..=100).collect(),
            ..LoadStats::default()
        };
        assert_eq!(stats.percentile(0.50), Duration::from_micros(50));
        assert_eq!(stats.percentile(0.99), Duration::from_micros(99));
    }
}
