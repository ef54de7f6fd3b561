//! The simulator control door `/api/sim`: clock, speed, reset, demo seed.

use crate::helpers::*;

async fn post(app: &TestApp, path: &str, body: &str) -> RawResponse {
    raw(
        app.addr,
        "POST",
        path,
        &[("Content-Type", "application/json")],
        body,
    )
    .await
}

#[tokio::test]
async fn advancing_the_clock_completes_what_fell_due() {
    let app = TestApp::spawn().await;
    let before = raw(app.addr, "GET", "/api/sim/clock", &[], "").await.json();
    assert_eq!(before["speed"], 1.0);
    app.create_chef("timed").await;
    let r = post(&app, "/api/sim/clock/advance", r#"{"seconds": 61}"#).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let after = r.json();
    assert_eq!(
        after["now"].as_f64().unwrap() - before["now"].as_f64().unwrap(),
        61.0
    );
    assert!(after["completed"].as_u64().unwrap() >= 1);
    assert_eq!(app.status("timed").await, "HEALTHY");
    let r = post(&app, "/api/sim/clock/advance", r#"{"seconds": -5}"#).await;
    assert_eq!(
        (r.status, r.json()["code"].as_str()),
        (400, Some("ValidationException"))
    );
}

#[tokio::test]
async fn the_speed_applies_to_transitions_started_afterwards() {
    let app = TestApp::spawn().await;
    let r = post(&app, "/api/sim/speed", r#"{"speed": 60}"#).await;
    assert_eq!(r.json()["speed"], 60.0);
    app.create_chef("fast").await;
    app.advance(1).await; // 60 s of work at speed 60
    assert_eq!(app.status("fast").await, "HEALTHY");
    let r = post(&app, "/api/sim/speed", r#"{"speed": 0}"#).await;
    assert_eq!(r.json()["code"], "ValidationException");
}

#[tokio::test]
async fn seed_demo_fills_the_account_and_reset_empties_it() {
    let app = TestApp::spawn().await;
    let r = post(&app, "/api/sim/seed-demo", "").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.json()["servers"],
        serde_json::json!(["chef-prod", "chef-dev", "puppet-prod"])
    );
    let servers = app
        .client
        .describe_servers()
        .send()
        .await
        .unwrap()
        .servers
        .unwrap();
    assert_eq!(servers.len(), 3);
    assert!(
        servers
            .iter()
            .all(|s| s.status.as_ref().unwrap().as_str() == "HEALTHY")
    );
    let dev = app.server("chef-dev").await;
    assert_eq!(dev.maintenance_status.unwrap().as_str(), "SUCCESS");
    let backups = app
        .client
        .describe_backups()
        .send()
        .await
        .unwrap()
        .backups
        .unwrap();
    assert_eq!(backups.len(), 2);
    assert!(
        backups
            .iter()
            .all(|b| b.status.as_ref().unwrap().as_str() == "OK")
    );
    assert!(
        app.event_messages("puppet-prod")
            .await
            .iter()
            .any(|m| m.contains("web-01"))
    );
    let again = post(&app, "/api/sim/seed-demo", "").await;
    assert_eq!(again.json()["code"], "ResourceAlreadyExistsException");

    let r = post(&app, "/api/sim/reset", "").await;
    assert_eq!(r.status, 200);
    assert!(
        app.client
            .describe_servers()
            .send()
            .await
            .unwrap()
            .servers
            .unwrap()
            .is_empty()
    );
    assert!(
        app.client
            .describe_backups()
            .send()
            .await
            .unwrap()
            .backups
            .unwrap()
            .is_empty()
    );
    let attrs = app
        .client
        .describe_account_attributes()
        .send()
        .await
        .unwrap()
        .attributes
        .unwrap();
    assert!(attrs.iter().all(|a| a.used == Some(0)));
}
