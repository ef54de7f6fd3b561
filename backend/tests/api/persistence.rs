//! State survives restarts, including `kill -9`, and in-flight transitions
//! complete afterwards.

use std::time::{Duration, Instant};

use aws_sdk_opsworkscm::types::Tag;
use backend::clock::{Clock, ManualClock};
use backend::sim::SimConfig;

use crate::binary::Binary;
use crate::databases::{Database, on_each_database};
use crate::helpers::*;

on_each_database!(
    acknowledged_state_and_pending_transitions_survive_a_restart => state_and_transitions_survive_a_restart,
    a_killed_process_loses_no_acknowledged_write => killed_process_loses_no_acknowledged_write,
);

async fn state_and_transitions_survive_a_restart(db: Database) {
    let (clock_now, arn) = {
        let app = TestApp::spawn_with(db.open().await, SimConfig::default()).await;
        let server = app.healthy_chef("keep").await;
        app.client
            .tag_resource()
            .resource_arn(server.server_arn.clone().unwrap())
            .tags(Tag::builder().key("k").value("v").build().unwrap())
            .send()
            .await
            .unwrap();
        app.create_backup("keep").send().await.unwrap();
        app.create_puppet("half-made").await;
        (app.clock.now(), server.server_arn.unwrap())
    };
    // Reopen the same database with a clock where we left off.
    let app = TestApp::spawn_at_time(
        db.open().await,
        SimConfig::default(),
        ManualClock::new(clock_now),
    )
    .await;
    let server = app.server("keep").await;
    assert_eq!(server.server_arn.as_deref(), Some(arn.as_str()));
    assert_eq!(app.status("keep").await, "BACKING_UP");
    assert_eq!(app.status("half-made").await, "CREATING");
    let tags = member!(app.client.list_tags_for_resource().resource_arn(&arn), tags);
    assert_eq!(tags.len(), 1);
    app.advance(61).await;
    assert_eq!(
        app.status("keep").await,
        "HEALTHY",
        "the backup completed after the restart"
    );
    assert_eq!(
        app.status("half-made").await,
        "HEALTHY",
        "creation completed after the restart"
    );
    let backups = app.backups_of("keep").await;
    assert_eq!(backups[0].status.as_ref().unwrap().as_str(), "OK");
    let events = app.event_messages("keep").await;
    assert!(events.len() >= 4, "{events:?}");
}

/// The binary keeping its state in `db`, killed (SIGKILL) on drop.
fn start(db: &Database) -> Binary {
    let mut command = Binary::command(&["--speed", "30", "--rate-limit", "0"]);
    command.args(db.serve_args());
    Binary::spawn(command)
}

async fn killed_process_loses_no_acknowledged_write(db: Database) {
    let process = start(&db);
    let addr = process.addr;
    let mut created = Vec::new();
    for i in 0..5 {
        created.push(create_chef_via_wire(addr, &format!("k{i}")).await);
    }
    drop(process); // SIGKILL: no graceful shutdown.

    let process = start(&db);
    let addr = process.addr;
    assert_eq!(server_arns_via_wire(addr).await, created);
    // The creations that were in flight finish (60 s / speed 30 = 2 s).
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let r = wire(addr, "DescribeServers", "{}").await;
        let healthy = r.json()["Servers"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["Status"] == "HEALTHY");
        if healthy {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "servers did not become HEALTHY after restart"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn the_moved_clock_and_the_speed_survive_a_kill() {
    let dir = tempfile::tempdir().unwrap();
    let start = |speed: Option<&str>| {
        let mut args = vec!["--rate-limit", "0"];
        if let Some(speed) = speed {
            args.extend(["--speed", speed]);
        }
        let mut command = Binary::command(&args);
        command.arg("--data-dir").arg(dir.path());
        Binary::spawn(command)
    };
    let process = start(None);
    let r = process
        .console_at("/api/sim/clock/advance", &[], r#"{"seconds": 86400}"#)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let moved_to = r.json()["now"].as_f64().unwrap();
    let r = process
        .console_at("/api/sim/speed", &[], r#"{"speed": 30}"#)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    // A creation due a simulated minute after the jump (2 s at speed 30).
    let body = serde_json::json!({
        "Engine": "ChefAutomate", "ServerName": "after-jump", "InstanceType": "m5.large",
        "InstanceProfileArn": INSTANCE_PROFILE, "ServiceRoleArn": SERVICE_ROLE,
    });
    let r = wire(process.addr, "CreateServer", &body.to_string()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    drop(process); // SIGKILL

    let process = start(None);
    let clock = process.console_get("/api/sim/clock").await.json();
    assert_eq!(clock["speed"], 30.0, "the speed set before the kill");
    assert!(
        clock["now"].as_f64().unwrap() >= moved_to,
        "the clock is still a day ahead: {clock}"
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let r = wire(process.addr, "DescribeServers", "{}").await;
        if r.json()["Servers"][0]["Status"] == "HEALTHY" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the creation due after the jump stalled after the restart"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    drop(process);

    // --speed on the command line wins over the stored speed.
    let process = start(Some("5"));
    let clock = process.console_get("/api/sim/clock").await.json();
    assert_eq!(clock["speed"], 5.0);
}
