//! The simulator control door `/api/sim`: clock, speed, reset, demo seed.

use crate::helpers::*;

#[tokio::test]
async fn advancing_the_clock_completes_what_fell_due() {
    let app = TestApp::spawn().await;
    let before = get(app.addr, "/api/sim/clock").await.json();
    assert_eq!(before["speed"], 1.0);
    app.create_chef("timed").await;
    let r = post_json(app.addr, "/api/sim/clock/advance", r#"{"seconds": 61}"#).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let after = r.json();
    assert_eq!(
        after["now"].as_f64().unwrap() - before["now"].as_f64().unwrap(),
        61.0
    );
    assert!(after["completed"].as_u64().unwrap() >= 1);
    assert_eq!(app.status("timed").await, "HEALTHY");
    let r = post_json(app.addr, "/api/sim/clock/advance", r#"{"seconds": -5}"#).await;
    assert_eq!(
        (r.status, r.json()["code"].as_str()),
        (400, Some("ValidationException"))
    );
}

#[tokio::test]
async fn the_speed_applies_to_transitions_started_afterwards() {
    let app = TestApp::spawn().await;
    let r = post_json(app.addr, "/api/sim/speed", r#"{"speed": 60}"#).await;
    assert_eq!(r.json()["speed"], 60.0);
    app.create_chef("fast").await;
    app.advance(1).await; // 60 s of work at speed 60
    assert_eq!(app.status("fast").await, "HEALTHY");
    let r = post_json(app.addr, "/api/sim/speed", r#"{"speed": 0}"#).await;
    assert_eq!(r.json()["code"], "ValidationException");
}

#[tokio::test]
async fn seed_demo_fills_the_account_and_reset_empties_it() {
    let app = TestApp::spawn().await;
    let r = post_json(app.addr, "/api/sim/seed-demo", "").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.json()["servers"],
        serde_json::json!(["chef-prod", "chef-dev", "puppet-prod"])
    );
    let servers = app.all_servers().await;
    assert_eq!(servers.len(), 3);
    assert!(
        servers
            .iter()
            .all(|s| s.status.as_ref().unwrap().as_str() == "HEALTHY")
    );
    let dev = app.server("chef-dev").await;
    assert_eq!(dev.maintenance_status.unwrap().as_str(), "SUCCESS");
    let backups = app.all_backups().await;
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
    let again = post_json(app.addr, "/api/sim/seed-demo", "").await;
    assert_eq!(again.json()["code"], "ResourceAlreadyExistsException");

    let r = post_json(app.addr, "/api/sim/reset", "").await;
    assert_eq!(r.status, 200);
    assert!(app.all_servers().await.is_empty());
    assert!(app.all_backups().await.is_empty());
    let attrs = app.account_attributes().await;
    assert!(attrs.iter().all(|a| a.used == Some(0)));
}

/// Issue 14's first findings: numbers that used to panic the server are a
/// `ValidationException` now, and nothing changed.
#[tokio::test]
async fn out_of_bounds_numbers_are_validation_errors_not_panics() {
    let app = TestApp::spawn().await;
    app.create_chef("bounded").await;
    app.advance(61).await;
    let refused = |r: &RawResponse| {
        assert_eq!(r.status, 400, "{}", r.body);
        assert_eq!(r.json()["code"], "ValidationException", "{}", r.body);
    };
    // A speed of 1e-12 made every later CreateServer overflow a date.
    for body in [
        r#"{"speed": 1e-12}"#,
        r#"{"speed": 0}"#,
        r#"{"speed": -1}"#,
        r#"{"speed": 1e9}"#,
    ] {
        refused(&post_json(app.addr, "/api/sim/speed", body).await);
    }
    // recoverAfterSeconds 1e300 overflowed the recovery time.
    for recover in ["1e300", "0", "-1", "315360001"] {
        let body = format!(r#"{{"status":"UNHEALTHY","recoverAfterSeconds":{recover}}}"#);
        refused(&post_json(app.addr, "/api/sim/servers/bounded/health", &body).await);
        let fault = format!(r#"{{"kind":"unhealthy","recoverAfterSeconds":{recover}}}"#);
        refused(&post_json(app.addr, "/api/sim/faults", &fault).await);
    }
    let long = "x".repeat(1025);
    refused(
        &post_json(
            app.addr,
            "/api/sim/faults",
            &format!(r#"{{"kind":"error","code":"ThrottlingException","message":"{long}"}}"#),
        )
        .await,
    );
    refused(
        &post_json(
            app.addr,
            "/api/sim/faults",
            r#"{"kind":"latency","millis":3600000}"#,
        )
        .await,
    );
    refused(&post_json(app.addr, "/api/sim/clock/advance", r#"{"seconds": 1e300}"#).await);
    let faults = get(app.addr, "/api/sim/faults").await.json();
    assert_eq!(
        faults["faults"],
        serde_json::json!([]),
        "no fault was added"
    );
    assert_eq!(app.status("bounded").await, "HEALTHY", "health unchanged");

    // The service still works, at the speed it had.
    let clock = get(app.addr, "/api/sim/clock").await.json();
    assert_eq!(clock["speed"], 1.0);
    app.create_chef("after").await;
    app.advance(61).await;
    assert_eq!(app.status("after").await, "HEALTHY");
}

/// Ten-year advances accumulate; the clock stops at the year 9000 with an
/// error instead of overflowing (or making certificates X.509 cannot date).
#[tokio::test]
async fn the_clock_cannot_be_advanced_past_the_year_9000() {
    let app = TestApp::spawn().await;
    let ten_years = r#"{"seconds": 315360000}"#;
    let mut last = post_json(app.addr, "/api/sim/clock/advance", ten_years).await;
    let mut advances = 0;
    while last.status == 200 && advances < 1_000 {
        advances += 1;
        last = post_json(app.addr, "/api/sim/clock/advance", ten_years).await;
    }
    assert_eq!(last.status, 400, "{}", last.body);
    assert!(last.body.contains("9000"), "{}", last.body);
    assert!(advances > 600, "about 697 advances fit: {advances}");
    // Still serving, and time-based work still runs.
    app.create_chef("late").await;
    let r = post_json(app.addr, "/api/sim/clock/advance", r#"{"seconds": 61}"#).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(app.status("late").await, "HEALTHY");
}
