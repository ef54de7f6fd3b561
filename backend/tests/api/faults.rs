//! Injected faults and server health, through `/api/sim`.

use crate::helpers::*;

#[tokio::test]
async fn an_error_fault_answers_its_code_a_given_number_of_times() {
    let app = TestApp::spawn().await;
    let r = post_json(
        app.addr,
        "/api/sim/faults",
        r#"{"kind":"error","code":"InternalFailure","operation":"DescribeServers","count":1}"#,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id = r.json()["id"].as_u64().unwrap();
    let listed = get(app.addr, "/api/sim/faults").await.json();
    assert_eq!(listed["faults"][0]["id"], id);
    let failed = wire(app.addr, "DescribeServers", "{}").await;
    assert_eq!(failed.status, 500);
    assert_eq!(failed.json()["__type"], "InternalFailure");
    assert_eq!(
        wire(app.addr, "DescribeServers", "{}").await.status,
        200,
        "count used up"
    );
    assert_eq!(
        wire(app.addr, "DescribeAccountAttributes", "{}")
            .await
            .status,
        200
    );

    // A throttling fault scoped to one server, removed by id.
    let r = post_json(
        app.addr,
        "/api/sim/faults",
        r#"{"kind":"error","code":"ThrottlingException","serverName":"x"}"#,
    )
    .await;
    let id = r.json()["id"].as_u64().unwrap();
    let r = wire(app.addr, "DescribeEvents", r#"{"ServerName":"x"}"#).await;
    assert_eq!(r.json()["__type"], "ThrottlingException");
    let r = wire(app.addr, "DescribeEvents", r#"{"ServerName":"y"}"#).await;
    assert_eq!(
        r.json()["__type"],
        "ResourceNotFoundException",
        "other servers are untouched"
    );
    let path = format!("/api/sim/faults/{id}");
    let remove = || raw(app.addr, "DELETE", &path, &[], "");
    assert_eq!(remove().await.status, 200);
    assert_eq!(remove().await.json()["code"], "ResourceNotFoundException");

    for bad in [
        r#"{"kind":"error","code":"NotACode"}"#,
        r#"{"kind":"latency","millis":1,"probability":3}"#,
        r#"{"kind":"nope"}"#,
        "{",
    ] {
        let r = post_json(app.addr, "/api/sim/faults", bad).await;
        assert_eq!(r.status, 400, "{bad}");
        assert!(r.json()["code"].as_str().is_some(), "{bad}: {}", r.body);
    }
}

#[tokio::test]
async fn lifecycle_faults_end_creation_backup_and_association_failed() {
    let app = TestApp::spawn().await;
    post_json(
        app.addr,
        "/api/sim/faults",
        r#"{"kind":"create-fails","serverName":"doomed","reason":"Subnet has no free addresses"}"#,
    )
    .await;
    app.create_chef("doomed").await;
    app.create_puppet("fine").await;
    app.advance(61).await;
    let doomed = app.server("doomed").await;
    assert_eq!(doomed.status.unwrap().as_str(), "FAILED");
    assert_eq!(
        doomed.status_reason.as_deref(),
        Some("Subnet has no free addresses")
    );
    assert!(app.event_messages("doomed").await[0].contains("Subnet has no free addresses"));
    assert_eq!(app.status("fine").await, "HEALTHY");

    post_json(
        app.addr,
        "/api/sim/faults",
        r#"{"kind":"backup-fails","count":1}"#,
    )
    .await;
    let id = app.start_backup("fine").await;
    app.advance(31).await;
    let backup = app.backup(&id).await;
    assert_eq!(backup.status.unwrap().as_str(), "FAILED");
    assert_eq!(app.status("fine").await, "HEALTHY");

    post_json(
        app.addr,
        "/api/sim/faults",
        r#"{"kind":"node-association-fails"}"#,
    )
    .await;
    let csr = {
        let key = rcgen::KeyPair::generate().unwrap();
        rcgen::CertificateParams::new(vec!["n1".to_owned()])
            .unwrap()
            .serialize_request(&key)
            .unwrap()
            .pem()
            .unwrap()
    };
    let token = app
        .associate_node("fine")
        .node_name("n1")
        .engine_attributes(
            aws_sdk_opsworkscm::types::EngineAttribute::builder()
                .name("PUPPET_NODE_CSR")
                .value(csr)
                .build(),
        )
        .token()
        .await;
    app.advance(16).await;
    let status = app
        .client
        .describe_node_association_status()
        .server_name("fine")
        .node_association_status_token(token)
        .send()
        .await
        .unwrap();
    assert_eq!(status.node_association_status.unwrap().as_str(), "FAILED");
}

#[tokio::test]
async fn a_server_loses_health_with_a_reason_and_recovers() {
    let app = TestApp::spawn().await;
    app.healthy_chef("sick").await;
    let r = app
        .set_health(
            "sick",
            r#"{"status":"UNHEALTHY","recoverAfterSeconds":300}"#,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let s = app.server("sick").await;
    assert_eq!(s.status.unwrap().as_str(), "UNHEALTHY");
    let reason: serde_json::Value =
        serde_json::from_str(s.status_reason.as_deref().unwrap()).unwrap();
    assert!(
        reason["healthChecks"].is_array(),
        "a JSON health-check block"
    );
    // Backups are allowed while UNHEALTHY, and the server goes back to UNHEALTHY after.
    app.create_backup("sick").send().await.unwrap();
    app.advance(31).await;
    assert_eq!(app.status("sick").await, "UNHEALTHY");
    app.advance(300).await;
    assert_eq!(app.status("sick").await, "HEALTHY");
    assert!(app.server("sick").await.status_reason.is_none());

    let r = app
        .set_health(
            "sick",
            r#"{"status":"CONNECTION_LOST","reason":"Instance stopped"}"#,
        )
        .await;
    assert_eq!(r.json()["Status"], "CONNECTION_LOST");
    assert_eq!(
        app.create_backup("sick").send().await.err_code(),
        "InvalidStateException"
    );
    let r = app.set_health("sick", r#"{"status":"HEALTHY"}"#).await;
    assert_eq!(r.json()["Status"], "HEALTHY");
    let r = app.set_health("sick", r#"{"status":"DELETING"}"#).await;
    assert_eq!(r.json()["code"], "ValidationException");
    let r = app.set_health("none", r#"{"status":"UNHEALTHY"}"#).await;
    assert_eq!(r.json()["code"], "ResourceNotFoundException");
}

#[tokio::test]
async fn maintenance_runs_in_its_window_and_can_fail() {
    let app = TestApp::spawn().await;
    // The test clock starts on Tuesday 2026-11-24 at 12:00 UTC.
    app.create_request("ChefAutomate", "weekly")
        .preferred_maintenance_window("Tue:13:00")
        .send()
        .await
        .unwrap();
    app.advance(61).await;
    app.advance(59 * 60).await; // 13:00:01
    assert_eq!(app.status("weekly").await, "UNDER_MAINTENANCE");
    app.advance(60).await;
    let s = app.server("weekly").await;
    assert_eq!(s.status.unwrap().as_str(), "HEALTHY");
    assert_eq!(s.maintenance_status.unwrap().as_str(), "SUCCESS");
    assert!(
        app.event_messages("weekly")
            .await
            .iter()
            .any(|m| m.contains("Scheduled maintenance started"))
    );

    post_json(
        app.addr,
        "/api/sim/faults",
        r#"{"kind":"maintenance-fails","reason":"yum could not reach its mirror"}"#,
    )
    .await;
    app.advance(7 * 24 * 3600).await; // next Tuesday 13:01
    app.advance(60).await;
    let s = app.server("weekly").await;
    assert_eq!(s.status.unwrap().as_str(), "HEALTHY");
    assert_eq!(s.maintenance_status.unwrap().as_str(), "FAILED");
    assert!(app.event_messages("weekly").await[0].contains("yum could not reach its mirror"));
}

#[tokio::test]
async fn health_faults_fire_at_the_next_health_check() {
    let app = TestApp::spawn().await;
    app.healthy_chef("flaky").await;
    app.healthy_chef("solid").await;
    let r = post_json(app.addr,
        "/api/sim/faults",
        r#"{"kind":"connection-lost","serverName":"flaky","count":1,"reason":"Instance stopped","recoverAfterSeconds":120}"#,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        app.status("flaky").await,
        "HEALTHY",
        "not before the health check"
    );
    app.advance(61).await;
    let s = app.server("flaky").await;
    assert_eq!(s.status.unwrap().as_str(), "CONNECTION_LOST");
    assert_eq!(s.status_reason.as_deref(), Some("Instance stopped"));
    assert_eq!(app.status("solid").await, "HEALTHY", "scoped to one server");
    let faults = get(app.addr, "/api/sim/faults").await.json();
    assert_eq!(faults["faults"], serde_json::json!([]), "count used up");
    app.advance(121).await;
    assert_eq!(app.status("flaky").await, "HEALTHY", "recovered");

    post_json(
        app.addr,
        "/api/sim/faults",
        r#"{"kind":"unhealthy","count":2}"#,
    )
    .await;
    app.advance(61).await;
    assert_eq!(app.status("flaky").await, "UNHEALTHY");
    assert_eq!(app.status("solid").await, "UNHEALTHY");
}

#[tokio::test]
async fn the_fault_list_is_capped() {
    let app = TestApp::spawn().await;
    let body = r#"{"kind":"latency","millis":1,"operation":"DescribeServers"}"#;
    for _ in 0..100 {
        assert_eq!(
            post_json(app.addr, "/api/sim/faults", body).await.status,
            200
        );
    }
    let refused = post_json(app.addr, "/api/sim/faults", body).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert_eq!(refused.json()["code"], "LimitExceededException");
    let listed = get(app.addr, "/api/sim/faults").await.json();
    assert_eq!(listed["faults"].as_array().unwrap().len(), 100);
}
