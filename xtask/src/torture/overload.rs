//! A crowd: a thousand busy connections, slowloris sockets and thousands of
//! event streams at once, while a probe times `/api/health` and
//! DescribeServers on fresh connections. Figures only: how many were
//! served, refused (503) or cut off, and what the probe saw.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use super::Scale;
use crate::Result;
use crate::harness::{Backend, Conn, Scratch, wire_request};

const BUSY_CONNECTIONS: usize = 1_000;
const BUSY_THREADS: usize = 20;
const SLOWLORIS: usize = 500;
const EVENT_STREAMS: usize = 5_000;

#[derive(Debug, Default)]
struct Tally {
    ok: AtomicUsize,
    refused: AtomicUsize,
    failed: AtomicUsize,
}

impl Tally {
    fn count(&self, status: Option<u16>) {
        match status {
            Some(200..=299) => self.ok.fetch_add(1, Ordering::Relaxed),
            Some(503) => self.refused.fetch_add(1, Ordering::Relaxed),
            _ => self.failed.fetch_add(1, Ordering::Relaxed),
        };
    }

    fn line(&self, what: &str) -> String {
        format!(
            "{what}: {} served, {} refused with 503, {} failed or cut off",
            self.ok.load(Ordering::Relaxed),
            self.refused.load(Ordering::Relaxed),
            self.failed.load(Ordering::Relaxed)
        )
    }
}

/// Runs the scenario for `scale.overload_time`.
pub(super) fn run(binary: &Path, scratch: &Scratch, scale: Scale) -> Result {
    let args = ["--in-memory", "--rate-limit", "0", "--seed-demo"];
    let mut backend = Backend::start(binary, &args, scratch)?;
    let addr = backend.addr;
    let rss_start = backend.rss_kb().unwrap_or(0);
    let stop = Arc::new(AtomicBool::new(false));
    let busy = Arc::new(Tally::default());
    let streams = Arc::new(Tally::default());
    let held = Arc::new(Mutex::new(Vec::<TcpStream>::new()));
    let slow_cut = Arc::new(AtomicUsize::new(0));

    let mut threads = Vec::new();
    for t in 0..BUSY_THREADS {
        let (stop, busy) = (Arc::clone(&stop), Arc::clone(&busy));
        threads.push(thread::spawn(move || {
            busy_connections(addr, BUSY_CONNECTIONS / BUSY_THREADS, t, &busy, &stop);
        }));
    }
    {
        let (stop, slow_cut) = (Arc::clone(&stop), Arc::clone(&slow_cut));
        threads.push(thread::spawn(move || slowloris(addr, &slow_cut, &stop)));
    }
    for _ in 0..8 {
        let (stop, streams, held) = (Arc::clone(&stop), Arc::clone(&streams), Arc::clone(&held));
        threads.push(thread::spawn(move || {
            open_streams(addr, EVENT_STREAMS / 8, &streams, &held, &stop);
        }));
    }
    let probe = probe(addr, scale.overload_time);
    stop.store(true, Ordering::SeqCst);
    for thread in threads {
        let _ = thread.join();
    }
    let rss_end = backend.rss_kb().unwrap_or(0);
    let alive = backend.is_alive();
    drop(held);
    println!(
        "{BUSY_CONNECTIONS} busy connections, {SLOWLORIS} slowloris sockets, {EVENT_STREAMS} event streams for {:?}",
        scale.overload_time
    );
    println!("{}", busy.line("busy DescribeServers calls"));
    println!("{}", streams.line("event streams"));
    println!(
        "slowloris sockets cut off by the server: {} of {SLOWLORIS}",
        slow_cut.load(Ordering::Relaxed)
    );
    println!("{probe}");
    println!(
        "alive: {}, RSS {:.1} MB at start, {:.1} MB under load",
        if alive { "yes" } else { "no" },
        rss_start as f64 / 1024.0,
        rss_end as f64 / 1024.0
    );
    Ok(())
}

fn busy_connections(addr: SocketAddr, count: usize, salt: usize, tally: &Tally, stop: &AtomicBool) {
    let request = wire_request(addr, "DescribeServers", "{}");
    let mut conns: Vec<Option<Conn>> = (0..count).map(|_| None).collect();
    let mut i = salt;
    while !stop.load(Ordering::Relaxed) {
        i = (i + 1) % count;
        let slot = &mut conns[i];
        if slot.is_none() {
            *slot = Conn::connect(addr).ok();
        }
        let status = slot
            .as_mut()
            .and_then(|c| c.call(&request).ok())
            .map(|(s, _)| s);
        if status.is_none() || slot.as_ref().is_some_and(|c| c.closed) {
            *slot = None;
        }
        tally.count(status);
        if status.is_none() {
            thread::sleep(Duration::from_millis(10));
        }
    }
}

/// Opens sockets that send a header byte a second and never finish.
fn slowloris(addr: SocketAddr, cut: &AtomicUsize, stop: &AtomicBool) {
    let mut sockets: Vec<Option<TcpStream>> = (0..SLOWLORIS)
        .map(|_| {
            let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
            s.write_all(b"GET /api/health HTTP/1.1\r\n").ok()?;
            Some(s)
        })
        .collect();
    while !stop.load(Ordering::Relaxed) {
        for slot in &mut sockets {
            if let Some(socket) = slot
                && socket.write_all(b"X").is_err()
            {
                cut.fetch_add(1, Ordering::Relaxed);
                *slot = None;
            }
        }
        thread::sleep(Duration::from_secs(1));
    }
}

fn open_streams(
    addr: SocketAddr,
    count: usize,
    tally: &Tally,
    held: &Mutex<Vec<TcpStream>>,
    stop: &AtomicBool,
) {
    for _ in 0..count {
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let opened = (|| {
            let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
            s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
            s.write_all(
                format!(
                    "GET /api/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
                )
                .as_bytes(),
            )
            .ok()?;
            let mut head = [0u8; 12];
            s.read_exact(&mut head).ok()?;
            let status = std::str::from_utf8(&head[9..12])
                .ok()?
                .parse::<u16>()
                .ok()?;
            Some((status, s))
        })();
        match opened {
            Some((status, socket)) => {
                tally.count(Some(status));
                if status == 200
                    && let Ok(mut held) = held.lock()
                {
                    held.push(socket);
                }
            }
            None => tally.count(None),
        }
    }
}

/// Times `/api/health` and DescribeServers on fresh connections, five a second.
fn probe(addr: SocketAddr, time: Duration) -> String {
    let started = Instant::now();
    let mut health = Vec::new();
    let mut describe = Vec::new();
    let mut failures = 0;
    let health_request = format!("GET /api/health HTTP/1.1\r\nHost: {addr}\r\n\r\n").into_bytes();
    let describe_request = wire_request(addr, "DescribeServers", "{}");
    while started.elapsed() < time {
        for (request, latencies) in [
            (&health_request, &mut health),
            (&describe_request, &mut describe),
        ] {
            let begun = Instant::now();
            match Conn::connect(addr).and_then(|mut c| c.call(request)) {
                Ok((200, _)) => latencies.push(begun.elapsed()),
                _ => failures += 1,
            }
        }
        thread::sleep(Duration::from_millis(200));
    }
    format!(
        "probe: /api/health {}, DescribeServers {}, {failures} failed",
        summary(&mut health),
        summary(&mut describe)
    )
}

fn summary(latencies: &mut [Duration]) -> String {
    if latencies.is_empty() {
        return "no answer".to_owned();
    }
    latencies.sort();
    let at = |q: f64| {
        latencies[((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len()) - 1]
    };
    format!(
        "p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} answers)",
        at(0.5).as_secs_f64() * 1000.0,
        at(0.99).as_secs_f64() * 1000.0,
        latencies[latencies.len() - 1].as_secs_f64() * 1000.0,
        latencies.len()
    )
}
