//! How cost grows with the state: for 10, 1,000 and 100,000 resources,
//! on SQLite and on PostgreSQL side by side, the start-up time and RSS of
//! an instance opening that state, DescribeServers and DescribeBackups
//! (one server's, as the console asks) throughput and p99, durable write throughput, and (PostgreSQL) how long
//! a follower's event stream lags behind the leader's writes.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use super::synth::{self, server_name};
use super::{LoadStats, load_for, ms};
use crate::harness::{Backend, Conn, Scratch, wire_request};
use crate::postgres::Throwaway;
use crate::{Error, Result};

/// How long loading the largest state may take: it writes every record
/// (100,000 of them took 12 s into SQLite on a busy 2-core machine, longer
/// into PostgreSQL), and it is not one of the figures measured.
const LOAD_TIMEOUT: Duration = Duration::from_secs(300);

/// The sizes measured.
pub(crate) const SIZES: [usize; 3] = [10, 1_000, 100_000];
/// Load time of each measurement (shorter than the main bench's: there
/// are eighteen of them).
const LOAD_TIME: Duration = Duration::from_secs(2);
/// Writes timed from the leader's answer to the follower's event.
const LAG_SAMPLES: usize = 50;

/// The stores compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StoreKind {
    Sqlite,
    Postgres,
}

impl StoreKind {
    fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "SQLite",
            Self::Postgres => "PostgreSQL",
        }
    }
}

/// One size on one store.
#[derive(Debug, Default)]
pub(crate) struct Figures {
    pub(crate) start: Duration,
    pub(crate) rss_mb: f64,
    pub(crate) servers: LoadStats,
    pub(crate) backups: LoadStats,
    pub(crate) writes: LoadStats,
    /// Follower lag samples (PostgreSQL only).
    pub(crate) lag: Vec<Duration>,
}

/// Runs every size on both stores; prints each row as it comes and the
/// table at the end.
pub(crate) fn run(
    binary: &Path,
    extra: &[String],
    scratch: &Scratch,
    template: &str,
    problems: &mut Vec<String>,
) {
    let mut rows = Vec::new();
    for size in SIZES {
        let (servers, backups, events, hsm) = synth::mix(size);
        println!(
            "\n==> {size} resources ({servers} servers, {backups} backups, {events} events, {hsm} CloudHSM backups)"
        );
        let file = scratch.path.join(format!("state-{size}.json"));
        let written = synth::state(template, size)
            .and_then(|doc| std::fs::write(&file, doc).map_err(Error::from));
        if let Err(err) = written {
            problems.push(format!("{size} resources: {err}"));
            continue;
        }
        for store in [StoreKind::Sqlite, StoreKind::Postgres] {
            match measure(binary, extra, scratch, &file, size, store) {
                Ok(figures) => rows.push((size, store, figures)),
                Err(err) => problems.push(format!("{size} resources on {}: {err}", store.name())),
            }
        }
    }
    print_table(&rows);
}

/// The flags every instance of a size gets: limits that fit the state,
/// and time fast enough that a write's backup is done at once.
fn limits() -> Vec<String> {
    [
        "--server-limit",
        "1000000",
        "--manual-backup-limit",
        "1000000",
        "--hsm-backup-limit",
        "1000000",
    ]
    .map(str::to_owned)
    .to_vec()
}

fn measure(
    binary: &Path,
    extra: &[String],
    scratch: &Scratch,
    state: &Path,
    size: usize,
    store: StoreKind,
) -> Result<Figures> {
    let postgres = match store {
        StoreKind::Postgres => Some(Throwaway::start()?),
        StoreKind::Sqlite => None,
    };
    let data_dir = scratch.path.join(format!("data-{size}"));
    let _ = std::fs::remove_dir_all(&data_dir);
    let mut args = limits();
    match &postgres {
        Some(pg) => args.extend(["--database-url".to_owned(), pg.url.clone()]),
        None => args.extend(["--data-dir".to_owned(), data_dir.display().to_string()]),
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    // Load the state once, then measure an instance opening it.
    let loading = Instant::now();
    {
        let mut load_args = refs.clone();
        let state = state.display().to_string();
        load_args.extend(["--load-state", &state]);
        let loader = Backend::spawn(binary, &load_args, extra, scratch)?;
        loader.wait_healthy_within(loading, LOAD_TIMEOUT)?;
    }
    println!(
        "  {}: state loaded in {:.0} ms",
        store.name(),
        ms(loading.elapsed())
    );
    let started = Instant::now();
    let server = Backend::spawn(binary, &refs, extra, scratch)?;
    server.wait_healthy(started)?;
    let start = started.elapsed();
    thread::sleep(Duration::from_secs(1));
    let rss_mb = server.rss_kb().map_or(0.0, |kb| kb as f64 / 1024.0);
    let addr = server.addr;
    let (servers_n, ..) = synth::mix(size);
    let one = wire_request(
        addr,
        "DescribeServers",
        &format!(r#"{{"ServerName":"{}"}}"#, server_name(servers_n / 2)),
    );
    let servers = load_for(addr, LOAD_TIME, |_, _| one.clone());
    // One server's backups, as its console page asks (the unfiltered
    // listing returns every backup: AWS ignored MaxResults here).
    let page = wire_request(
        addr,
        "DescribeBackups",
        &format!(r#"{{"ServerName":"{}"}}"#, server_name(servers_n / 2)),
    );
    let backups = load_for(addr, LOAD_TIME, |_, _| page.clone());
    let writes = load_for(addr, LOAD_TIME, |conn, n| update(addr, servers_n, conn, n));
    let lag = match store {
        StoreKind::Postgres => follower_lag(binary, &refs, extra, scratch, addr, servers_n)?,
        StoreKind::Sqlite => Vec::new(),
    };
    let figures = Figures {
        start,
        rss_mb,
        servers,
        backups,
        writes,
        lag,
    };
    println!(
        "  {}: start {:.0} ms, RSS {:.0} MB, DescribeServers {:.0}/s, DescribeBackups {:.0}/s, writes {:.0}/s{}",
        store.name(),
        ms(figures.start),
        figures.rss_mb,
        figures.servers.per_second(),
        figures.backups.per_second(),
        figures.writes.per_second(),
        lag_text(&figures.lag),
    );
    for (what, stats) in [
        ("DescribeServers", &figures.servers),
        ("DescribeBackups", &figures.backups),
        ("writes", &figures.writes),
    ] {
        if let Some(err) = &stats.first_error {
            println!("    {what}: {} failed, first: {err}", stats.failed);
        }
    }
    Ok(figures)
}

/// A durable write: UpdateServer of connection `conn`'s server, a new
/// backup retention each time (journaled, committed before the answer).
fn update(addr: SocketAddr, servers: usize, conn: usize, n: u64) -> Vec<u8> {
    let name = server_name(conn % servers);
    let retention = 1 + n % 30;
    wire_request(
        addr,
        "UpdateServer",
        &format!(r#"{{"ServerName":"{name}","BackupRetentionCount":{retention}}}"#),
    )
}

/// Starts a follower on the leader's database and times, for each of
/// [`LAG_SAMPLES`] writes on the leader, the gap between the leader's
/// answer and the write's event on the follower's stream.
fn follower_lag(
    binary: &Path,
    args: &[&str],
    extra: &[String],
    scratch: &Scratch,
    leader: SocketAddr,
    servers: usize,
) -> Result<Vec<Duration>> {
    let started = Instant::now();
    let follower = Backend::spawn(binary, args, extra, scratch)?;
    follower.wait_healthy(started)?;
    let events = stream_events(follower.addr)?;
    // Whatever was in flight drains first.
    thread::sleep(Duration::from_millis(300));
    while events.try_recv().is_ok() {}
    let mut conn = Conn::connect(leader)?;
    let mut samples = Vec::with_capacity(LAG_SAMPLES);
    for n in 0..LAG_SAMPLES {
        let (status, body) = conn.call(&update(leader, servers, 0, n as u64 + 100))?;
        let answered = Instant::now();
        if status != 200 {
            return Err(Error::new(format!(
                "UpdateServer: HTTP {status}: {}",
                String::from_utf8_lossy(&body)
            )));
        }
        let seen = events
            .recv_timeout(Duration::from_secs(10))
            .map_err(|_| Error::new("the follower's stream showed no event within 10 s"))?;
        samples.push(seen.saturating_duration_since(answered));
        // One event per write; anything else queued is drained.
        thread::sleep(Duration::from_millis(5));
        while events.try_recv().is_ok() {}
    }
    samples.sort();
    Ok(samples)
}

/// Opens `/api/events` on `addr`; each event's arrival time comes out of
/// the channel.
fn stream_events(addr: SocketAddr) -> Result<mpsc::Receiver<Instant>> {
    let mut stream = TcpStream::connect(addr)?;
    stream.write_all(
        format!("GET /api/events HTTP/1.0\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n")
            .as_bytes(),
    )?;
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let reader = BufReader::new(stream);
        for line in reader.lines() {
            let Ok(line) = line else { return };
            if line.starts_with("id:") && tx.send(Instant::now()).is_err() {
                return;
            }
        }
    });
    Ok(rx)
}

fn lag_text(lag: &[Duration]) -> String {
    if lag.is_empty() {
        return String::new();
    }
    format!(
        ", follower lag p50 {:.1} ms p99 {:.1} ms",
        ms(percentile(lag, 0.50)),
        ms(percentile(lag, 0.99))
    )
}

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn print_table(rows: &[(usize, StoreKind, Figures)]) {
    println!(
        "\n{:>9} {:<10} {:>8} {:>7} {:>13} {:>8} {:>13} {:>8} {:>9} {:>15}",
        "resources",
        "store",
        "start ms",
        "RSS MB",
        "DescServers/s",
        "p99 ms",
        "DescBackups/s",
        "p99 ms",
        "writes/s",
        "lag p50/p99 ms"
    );
    for (size, store, f) in rows {
        let lag = if f.lag.is_empty() {
            "-".to_owned()
        } else {
            format!(
                "{:.1}/{:.1}",
                ms(percentile(&f.lag, 0.50)),
                ms(percentile(&f.lag, 0.99))
            )
        };
        println!(
            "{size:>9} {:<10} {:>8.0} {:>7.0} {:>13.0} {:>8.2} {:>13.0} {:>8.2} {:>9.0} {lag:>15}",
            store.name(),
            ms(f.start),
            f.rss_mb,
            f.servers.per_second(),
            ms(f.servers.percentile(0.99)),
            f.backups.per_second(),
            ms(f.backups.percentile(0.99)),
            f.writes.per_second(),
        );
    }
}
