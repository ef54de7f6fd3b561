//! A client follows `/api/events` while writers make thousands of changes,
//! reconnecting with `Last-Event-ID` at random points and across kills;
//! afterwards every event the journal holds must have reached it exactly once.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use super::{Rng, Scale, expect_zero};
use crate::harness::{Backend, Conn, Scratch, wire_request};
use crate::{Error, Result};

const WRITERS: usize = 4;

/// What the follower saw.
#[derive(Debug, Default)]
struct Seen {
    /// Every id received, in order (`EPOCH-POSITION`).
    ids: Vec<String>,
    /// `reset` events (the server could not replay from our position).
    resets: usize,
    /// Reconnections made.
    reconnects: usize,
    /// The id each reconnection resumed after.
    resumed_after: Vec<String>,
}

/// Runs the scenario; fails when an event was lost or seen twice.
pub(super) fn run(binary: &Path, scratch: &Scratch, scale: Scale) -> Result {
    let data = scratch.path.join("data");
    let data = data.to_string_lossy();
    let args = super::stored_fast_args(&data, &[]);
    let mut backend = Backend::start(binary, &args, scratch)?;
    let addr = backend.addr;
    let stop = Arc::new(AtomicBool::new(false));
    // The follower starts first: it sees the journal from its first entry.
    let received = Arc::new(AtomicUsize::new(0));
    let follower = {
        let stop = Arc::clone(&stop);
        let received = Arc::clone(&received);
        thread::spawn(move || follow(addr, &stop, &received))
    };
    thread::sleep(Duration::from_millis(300));
    let names: Vec<String> = (0..WRITERS).map(|i| format!("live-{i}")).collect();
    for name in &names {
        let body = format!(
            r#"{{"Engine":"ChefAutomate","ServerName":"{name}","InstanceType":"m5.large","InstanceProfileArn":"arn:aws:iam::123456789012:instance-profile/p","ServiceRoleArn":"arn:aws:iam::123456789012:role/r"}}"#
        );
        let (status, answer) =
            Conn::connect(addr)?.call(&wire_request(addr, "CreateServer", &body))?;
        if status != 200 {
            return Err(Error::new(format!(
                "CreateServer: {status} {}",
                String::from_utf8_lossy(&answer)
            )));
        }
    }
    thread::sleep(Duration::from_secs(1)); // HEALTHY after a simulated minute
    let written = Arc::new(AtomicUsize::new(0));
    let writers: Vec<_> = names
        .into_iter()
        .map(|name| {
            let stop = Arc::clone(&stop);
            let written = Arc::clone(&written);
            thread::spawn(move || update_until_stopped(addr, &name, &stop, &written))
        })
        .collect();
    // Kill at evenly spread points of the run.
    let mut kills_done = 0;
    let deadline = Instant::now() + Duration::from_secs(600);
    while received.load(Ordering::SeqCst) < scale.events {
        let due = (kills_done + 1) * scale.events / (scale.kills + 1);
        if kills_done < scale.kills && received.load(Ordering::SeqCst) >= due {
            backend.kill9();
            kills_done += 1;
            println!(
                "kill -9 #{kills_done} after {} events",
                received.load(Ordering::SeqCst)
            );
            thread::sleep(Duration::from_millis(300));
            backend.restart()?;
        }
        if Instant::now() > deadline {
            return Err(Error::new("the events did not arrive within ten minutes"));
        }
        thread::sleep(Duration::from_millis(20));
    }
    stop.store(true, Ordering::SeqCst);
    for writer in writers {
        let _ = writer.join();
    }
    let seen = follower
        .join()
        .map_err(|_| Error::new("the follower panicked"))??;
    // The journal's own account: everything after position 0, replayed.
    let epoch = seen
        .ids
        .last()
        .and_then(|id| id.split_once('-'))
        .map(|(e, _)| e.to_owned())
        .ok_or_else(|| Error::new("no event was received"))?;
    let journal = replay_all(addr, &format!("{epoch}-0"))?;
    let unique: BTreeSet<&String> = seen.ids.iter().collect();
    let duplicated = seen.ids.len() - unique.len();
    let lost = journal.iter().filter(|id| !unique.contains(id)).count();
    let out_of_order = seen
        .ids
        .windows(2)
        .filter(|w| position(&w[0]) >= position(&w[1]))
        .count();
    println!(
        "followed {} events ({} writes acknowledged), {} reconnects, {kills_done} kills",
        seen.ids.len(),
        written.load(Ordering::SeqCst),
        seen.reconnects
    );
    println!("events lost: {lost}, duplicated: {duplicated}");
    let missing: Vec<&String> = journal
        .iter()
        .filter(|id| !unique.contains(id))
        .take(20)
        .collect();
    if !missing.is_empty() {
        println!(
            "  first lost: {missing:?}; reconnected after: {:?}",
            seen.resumed_after
        );
    }
    println!("out of order: {out_of_order}, resets: {}", seen.resets);
    expect_zero("events lost", lost)?;
    expect_zero("events duplicated", duplicated)?;
    expect_zero("events out of order", out_of_order)?;
    expect_zero("resets", seen.resets)
}

fn position(id: &str) -> u64 {
    id.rsplit('-')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or(0)
}

/// A writer: UpdateServer with a changing retention count, as fast as answered.
fn update_until_stopped(addr: SocketAddr, name: &str, stop: &AtomicBool, written: &AtomicUsize) {
    let mut conn: Option<Conn> = None;
    let mut n = 0usize;
    while !stop.load(Ordering::SeqCst) {
        n += 1;
        let body = format!(
            r#"{{"ServerName":"{name}","BackupRetentionCount":{}}}"#,
            n % 30 + 1
        );
        if conn.is_none() {
            conn = Conn::connect(addr).ok();
            if conn.is_none() {
                thread::sleep(Duration::from_millis(50));
                continue;
            }
        }
        match conn
            .as_mut()
            .map(|c| c.call(&wire_request(addr, "UpdateServer", &body)))
        {
            Some(Ok((200, _))) => {
                written.fetch_add(1, Ordering::SeqCst);
            }
            Some(Ok(_)) => {}
            _ => conn = None,
        }
    }
}

/// The follower: reads the stream, reconnects with `Last-Event-ID` every
/// few hundred events and whenever the connection drops.
fn follow(addr: SocketAddr, stop: &AtomicBool, received: &AtomicUsize) -> Result<Seen> {
    let mut seen = Seen::default();
    let mut rng = Rng::new(7);
    let mut last: Option<String> = None;
    while !stop.load(Ordering::SeqCst) {
        let Ok(mut stream) = open(addr, last.as_deref()) else {
            thread::sleep(Duration::from_millis(50));
            continue;
        };
        seen.reconnects += 1;
        seen.resumed_after.push(last.clone().unwrap_or_default());
        let hang_up_after = 50 + rng.below(400);
        let mut this_connection = 0;
        loop {
            match next_event(&mut stream) {
                Ok(Some((kind, id))) => {
                    if kind == "reset" {
                        seen.resets += 1;
                        continue;
                    }
                    if let Some(id) = id {
                        seen.ids.push(id.clone());
                        last = Some(id);
                        received.fetch_add(1, Ordering::SeqCst);
                        this_connection += 1;
                    }
                    if this_connection >= hang_up_after {
                        break; // hang up at a random point
                    }
                }
                Ok(None) => {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                }
                Err(_) => break, // dropped (the server was killed)
            }
        }
    }
    // Drain what is left after the writers stopped.
    if let Ok(mut stream) = open(addr, last.as_deref()) {
        while let Ok(Some((kind, id))) = next_event(&mut stream) {
            match (kind.as_str(), id) {
                ("reset", _) => seen.resets += 1,
                (_, Some(id)) => seen.ids.push(id),
                _ => {}
            }
        }
    }
    Ok(seen)
}

/// Every id the journal replays after `from`, until a second passes quietly.
fn replay_all(addr: SocketAddr, from: &str) -> Result<Vec<String>> {
    let mut stream = open(addr, Some(from))?;
    let mut ids = Vec::new();
    while let Some((kind, id)) = next_event(&mut stream)? {
        if kind == "reset" {
            return Err(Error::new("the journal could not replay from its start"));
        }
        ids.extend(id);
    }
    Ok(ids)
}

/// An open event stream; keeps a line cut by a read timeout until its end arrives.
struct Stream {
    reader: BufReader<TcpStream>,
    partial: String,
}

/// Opens the stream, resuming after `last`.
fn open(addr: SocketAddr, last: Option<&str>) -> std::io::Result<Stream> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
    stream.set_read_timeout(Some(Duration::from_secs(1)))?;
    let resume = last
        .map(|id| format!("Last-Event-ID: {id}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "GET /api/events HTTP/1.0\r\nHost: {addr}\r\nAccept: text/event-stream\r\n{resume}\r\n"
    )?;
    let mut reader = BufReader::new(stream);
    let mut status = String::new();
    reader.read_line(&mut status)?;
    if !status.contains(" 200 ") {
        return Err(std::io::Error::other(status));
    }
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            return Ok(Stream {
                reader,
                partial: String::new(),
            });
        }
    }
}

/// The next event's kind and id; `None` after a quiet second.
fn next_event(stream: &mut Stream) -> std::io::Result<Option<(String, Option<String>)>> {
    let (mut kind, mut id) = (String::new(), None);
    loop {
        match stream.reader.read_line(&mut stream.partial) {
            Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Ok(_) if !stream.partial.ends_with('\n') => continue,
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                if kind.is_empty() && id.is_none() {
                    return Ok(None);
                }
                continue;
            }
            Err(e) => return Err(e),
        }
        let line = std::mem::take(&mut stream.partial);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if !kind.is_empty() || id.is_some() {
                return Ok(Some((kind, id)));
            }
            continue;
        }
        if let Some(v) = line.strip_prefix("id:") {
            id = Some(v.trim().to_owned());
        } else if let Some(v) = line.strip_prefix("event:") {
            kind = v.trim().to_owned();
        }
    }
}
