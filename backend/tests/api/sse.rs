//! The live door: events carry journal ids, and a reconnect with
//! Last-Event-ID receives exactly what it missed.

use crate::helpers::*;

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
