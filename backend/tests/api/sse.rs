//! The live door: events carry journal ids, and a reconnect with
//! Last-Event-ID receives exactly what it missed.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::helpers::*;

#[derive(Debug)]
struct SseEvent {
    id: u64,
    kind: String,
    data: serde_json::Value,
}

struct SseClient {
    reader: BufReader<TcpStream>,
}

impl SseClient {
    async fn connect(addr: SocketAddr, last_event_id: Option<u64>) -> Self {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let resume = last_event_id
            .map(|id| format!("Last-Event-ID: {id}\r\n"))
            .unwrap_or_default();
        // HTTP/1.0: the body is delimited by the connection, not chunked.
        let request = format!(
            "GET /api/events HTTP/1.0\r\nHost: {addr}\r\nAccept: text/event-stream\r\n{resume}\r\n"
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut reader = BufReader::new(stream);
        let mut status = String::new();
        reader.read_line(&mut status).await.unwrap();
        assert!(status.contains(" 200 "), "{status}");
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).await.unwrap();
            if line == "\r\n" || line == "\n" {
                break;
            }
        }
        Self { reader }
    }

    async fn next(&mut self) -> SseEvent {
        tokio::time::timeout(Duration::from_secs(10), self.read_event())
            .await
            .expect("an event within 10 s")
    }

    async fn read_event(&mut self) -> SseEvent {
        let (mut id, mut kind, mut data) = (None, String::new(), String::new());
        loop {
            let mut line = String::new();
            let n = self.reader.read_line(&mut line).await.unwrap();
            assert!(n > 0, "stream ended");
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                if id.is_some() || !kind.is_empty() {
                    let data = serde_json::from_str(&data).unwrap();
                    return SseEvent {
                        id: id.unwrap_or(0),
                        kind,
                        data,
                    };
                }
                continue;
            }
            if let Some(v) = line.strip_prefix("id:") {
                id = Some(v.trim().parse().unwrap());
            } else if let Some(v) = line.strip_prefix("event:") {
                kind = v.trim().to_owned();
            } else if let Some(v) = line.strip_prefix("data:") {
                data.push_str(v.trim_start());
            }
        }
    }
}

#[tokio::test]
async fn reconnecting_with_last_event_id_replays_exactly_the_missed_events() {
    let app = TestApp::spawn().await;
    let mut live = SseClient::connect(app.addr, None).await;
    app.create_chef("live-1").await;
    let first = live.next().await;
    assert_eq!(first.kind, "server");
    assert_eq!(first.data["ServerName"], "live-1");
    assert_eq!(first.data["Status"], "CREATING");
    assert!(
        first.data.get("EngineAttributes").is_none(),
        "no one-time secrets on the stream"
    );
    let second = live.next().await;
    assert_eq!(second.kind, "server-event");
    assert_eq!(second.id, first.id + 1);
    drop(live);

    // Changes while disconnected: a server, a transition, a deletion.
    app.create_puppet("live-2").await;
    app.advance(61).await;
    app.client
        .delete_server()
        .server_name("live-2")
        .send()
        .await
        .unwrap();
    app.advance(31).await;

    let mut resumed = SseClient::connect(app.addr, Some(second.id)).await;
    let mut missed = Vec::new();
    loop {
        let e = resumed.next().await;
        let done = e.kind == "server-deleted";
        missed.push(e);
        if done {
            break;
        }
    }
    let ids: Vec<u64> = missed.iter().map(|e| e.id).collect();
    let expected: Vec<u64> = (second.id + 1..=second.id + ids.len() as u64).collect();
    assert_eq!(ids, expected, "no gaps, no duplicates");
    let kinds: Vec<&str> = missed.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds.first(), Some(&"server"));
    assert!(kinds.contains(&"server-event"));
    assert!(missed.iter().any(|e| e.kind == "server"
        && e.data["ServerName"] == "live-1"
        && e.data["Status"] == "HEALTHY"));
    assert_eq!(missed.last().unwrap().data["ServerName"], "live-2");

    // And the stream goes on live after the replay.
    app.client
        .create_backup()
        .server_name("live-1")
        .send()
        .await
        .unwrap();
    let next = resumed.next().await;
    assert_eq!(next.id, ids.last().unwrap() + 1);
    assert!(next.kind == "server" || next.kind == "backup");
}

#[tokio::test]
async fn a_position_the_journal_cannot_serve_gets_a_reset_event() {
    let app = TestApp::spawn().await;
    app.create_chef("r").await;
    // As after an in-memory restart: the client's last id is ahead of the journal.
    let mut client = SseClient::connect(app.addr, Some(10_000)).await;
    let first = client.next().await;
    assert_eq!(first.kind, "reset");
    app.client
        .delete_server()
        .server_name("r")
        .send()
        .await
        .unwrap();
    let next = client.next().await;
    assert_eq!(
        next.kind, "server",
        "then live events from the journal's head"
    );
}
