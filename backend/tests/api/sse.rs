//! The live door: events carry journal ids, and a reconnect with
//! Last-Event-ID receives exactly what it missed.

use backend::sim::SimConfig;

use crate::databases::{Database, on_each_database};
use crate::helpers::*;

on_each_database!(
    reconnecting_with_last_event_id_replays_exactly_the_missed_events => replays_exactly_the_missed_events,
    event_ids_carry_an_epoch_that_survives_a_restart_of_the_same_database => epoch_survives_a_restart,
);

async fn replays_exactly_the_missed_events(db: Database) {
    let app = TestApp::spawn_with(db.open().await, SimConfig::default()).await;
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
    app.delete_server("live-2").send().await.unwrap();
    app.advance(31).await;

    let mut resumed = SseClient::connect(app.addr, Some(&second.event_id)).await;
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
    app.create_backup("live-1").send().await.unwrap();
    let next = resumed.next().await;
    assert_eq!(next.id, ids.last().unwrap() + 1);
    assert!(next.kind == "server" || next.kind == "backup");
}

#[tokio::test]
async fn a_position_the_journal_cannot_serve_gets_a_reset_event() {
    let app = TestApp::spawn().await;
    app.create_chef("r").await;
    let mut live = SseClient::connect(app.addr, None).await;
    app.create_chef("probe").await;
    let epoch = live.next().await.event_id;
    let epoch = epoch.split('-').next().unwrap();
    // The client's last id is ahead of this journal.
    let mut client = SseClient::connect(app.addr, Some(&format!("{epoch}-10000"))).await;
    let first = client.next().await;
    assert_eq!(first.kind, "reset");
    app.delete_server("r").send().await.unwrap();
    let next = client.next().await;
    assert_eq!(
        next.kind, "server",
        "then live events from the journal's head"
    );
}

#[tokio::test]
async fn an_id_from_another_journal_gets_a_reset_not_a_silent_gap() {
    let app = TestApp::spawn().await;
    app.create_chef("a").await;
    app.create_chef("b").await;
    // As after an in-memory restart: a small id of the journal before, which
    // this journal also has, must not be taken for one of this journal's.
    for presented in ["0123456789abcdef-2", "2"] {
        let mut client = SseClient::connect(app.addr, Some(presented)).await;
        let first = client.next().await;
        assert_eq!(first.kind, "reset", "{presented}");
        app.create_chef(&format!("after-{}", presented.len())).await;
        let next = client.next().await;
        assert_eq!(next.kind, "server", "then live events from the head");
        assert_eq!(next.data["Status"], "CREATING");
    }
}

async fn epoch_survives_a_restart(db: Database) {
    let before = {
        let app = TestApp::spawn_with(db.open().await, SimConfig::default()).await;
        let mut live = SseClient::connect(app.addr, None).await;
        app.create_chef("e").await;
        live.next().await.event_id
    };
    let app = TestApp::spawn_with(db.open().await, SimConfig::default()).await;
    app.create_chef("f").await;
    let mut resumed = SseClient::connect(app.addr, Some(&before)).await;
    let next = resumed.next().await;
    assert_ne!(next.kind, "reset", "same journal: replay, not reset");
    assert_eq!(
        next.event_id.split('-').next(),
        before.split('-').next(),
        "same epoch"
    );
}

#[tokio::test]
async fn streams_beyond_the_limit_get_503_with_retry_after_and_a_freed_slot_is_reused() {
    let app = TestApp::spawn_with_stream_limit(2).await;
    let first = SseClient::connect(app.addr, None).await;
    let _second = SseClient::connect(app.addr, None).await;
    let (head, _) = SseClient::open(app.addr, None, &[]).await;
    assert!(
        head.starts_with("HTTP/1.1 503") || head.starts_with("HTTP/1.0 503"),
        "{head}"
    );
    assert!(
        head.to_ascii_lowercase().contains("retry-after: 5"),
        "{head}"
    );
    drop(first);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let (head, _) = SseClient::open(app.addr, None, &[]).await;
        if head.contains(" 200 ") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the slot was never freed"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
