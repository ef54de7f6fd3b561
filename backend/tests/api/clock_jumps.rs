//! A clock jump plays the time it skips as if it had passed: every due
//! action runs at its own time, in order, with its own timestamps.

use std::sync::Arc;

use aws_sdk_opsworkscm::types::{Backup, BackupStatus, BackupType};
use backend::clock::ManualClock;
use backend::sim::SimConfig;
use backend::store::SqliteStore;
use chrono::{TimeZone, Timelike, Utc};

use crate::helpers::*;

/// A test app whose clock starts at 08:05 UTC.
async fn app_at_0805() -> TestApp {
    let start = Utc.with_ymd_and_hms(2026, 11, 24, 8, 5, 0).unwrap();
    TestApp::spawn_at_time(
        Arc::new(SqliteStore::in_memory().unwrap()),
        SimConfig::default(),
        ManualClock::new(start),
    )
    .await
}

/// A HEALTHY Chef server with automated backups at 03:00 keeping
/// `retention`, and maintenance on Wednesdays at 04:00.
async fn server(app: &TestApp, name: &str, retention: i32) {
    app.create_request("ChefAutomate", name)
        .preferred_backup_window("03:00")
        .preferred_maintenance_window("Wed:04:00")
        .disable_automated_backup(false)
        .backup_retention_count(retention)
        .send()
        .await
        .unwrap();
    app.advance(61).await;
}

/// The server's automated backups, oldest first.
async fn automated(app: &TestApp, name: &str) -> Vec<Backup> {
    let mut backups: Vec<Backup> = app
        .backups_of(name)
        .await
        .into_iter()
        .filter(|b| b.backup_type == Some(BackupType::Automated))
        .collect();
    backups.reverse();
    backups
}

fn created(backup: &Backup) -> chrono::DateTime<Utc> {
    Utc.timestamp_opt(backup.created_at.unwrap().secs(), 0)
        .unwrap()
}

#[tokio::test]
async fn each_day_jumped_takes_its_backup_at_03_00() {
    let app = app_at_0805().await;
    server(&app, "daily", 5).await;
    for _ in 0..3 {
        app.advance(86_400).await;
    }
    let backups = automated(&app, "daily").await;
    let times: Vec<String> = backups.iter().map(|b| created(b).to_rfc3339()).collect();
    assert_eq!(
        times,
        [
            "2026-11-25T03:00:00+00:00",
            "2026-11-26T03:00:00+00:00",
            "2026-11-27T03:00:00+00:00",
        ]
    );
    assert!(backups.iter().all(|b| b.status == Some(BackupStatus::Ok)));
}

#[tokio::test]
async fn one_long_jump_runs_every_window_it_crosses_in_order() {
    let app = app_at_0805().await;
    server(&app, "jump", 2).await;
    // Ten days at once: ten backup windows, retention 2, and the
    // Wednesday maintenance windows (Nov 25 and Dec 2).
    app.advance(10 * 86_400).await;
    let backups = automated(&app, "jump").await;
    let times: Vec<String> = backups.iter().map(|b| created(b).to_rfc3339()).collect();
    assert_eq!(
        times,
        ["2026-12-03T03:00:00+00:00", "2026-12-04T03:00:00+00:00"],
        "the last two windows, each at its own time"
    );
    let events = member!(
        app.client.describe_events().server_name("jump"),
        server_events
    );
    let at = |e: &aws_sdk_opsworkscm::types::ServerEvent| {
        Utc.timestamp_opt(e.created_at.unwrap().secs(), 0).unwrap()
    };
    let maintenance: Vec<String> = events
        .iter()
        .filter(|e| {
            e.message
                .as_deref()
                .is_some_and(|m| m.starts_with("Scheduled maintenance started"))
        })
        .map(|e| at(e).to_rfc3339())
        .collect();
    assert_eq!(
        maintenance,
        ["2026-12-02T04:00:00+00:00", "2026-11-25T04:00:00+00:00"],
        "each maintenance in its window"
    );
    // Events are in the order things happened.
    let times: Vec<_> = events.iter().map(at).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    // Backup starts carry their window's time.
    let started: Vec<u32> = events
        .iter()
        .filter(|e| {
            e.message
                .as_deref()
                .is_some_and(|m| m.starts_with("Automated backup") && m.ends_with("started."))
        })
        .map(|e| at(e).hour())
        .collect();
    assert!(
        !started.is_empty() && started.iter().all(|h| *h == 3),
        "{started:?}"
    );
}

#[tokio::test]
async fn a_ten_year_jump_keeps_only_what_the_retention_would_keep() {
    let app = app_at_0805().await;
    server(&app, "decade", 1).await;
    app.advance(10 * 365 * 86_400).await;
    let backups = automated(&app, "decade").await;
    assert_eq!(backups.len(), 1);
    let last = created(&backups[0]);
    assert_eq!((last.hour(), last.minute()), (3, 0));
    let now =
        Utc.with_ymd_and_hms(2026, 11, 24, 8, 6, 1).unwrap() + chrono::Duration::days(10 * 365);
    assert!(
        now - last < chrono::Duration::days(1),
        "the last window: {last}"
    );
    assert_eq!(app.status("decade").await, "HEALTHY");
}
