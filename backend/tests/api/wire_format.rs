//! Byte-level checks of the wire door and the console door.

use crate::helpers::*;

#[tokio::test]
async fn errors_are_aws_json_with_type_message_and_request_id() {
    let app = TestApp::spawn().await;
    let r = wire(app.addr, "NoSuchOperation", "{}").await;
    assert_eq!(r.status, 400);
    assert_eq!(r.header("content-type"), Some("application/x-amz-json-1.1"));
    assert!(
        r.header("x-amzn-requestid")
            .is_some_and(|id| id.len() >= 32)
    );
    assert_eq!(r.json()["__type"], "UnknownOperationException");
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .contains("NoSuchOperation")
    );

    let r = raw(
        app.addr,
        "POST",
        "/",
        &[("X-Amz-Target", "SomethingElse_2020.DescribeServers")],
        "{}",
    )
    .await;
    assert_eq!(r.json()["__type"], "UnknownOperationException");
    let r = raw(app.addr, "POST", "/", &[], "{}").await;
    assert_eq!(r.json()["__type"], "UnknownOperationException");

    for body in ["{not json", "[]", r#"{"ServerName": 42}"#] {
        let r = wire(app.addr, "DescribeServers", body).await;
        assert_eq!(r.status, 400, "{body}");
        assert_eq!(r.json()["__type"], "SerializationException", "{body}");
    }
    let r = wire(app.addr, "DescribeServers", r#"{"ServerName": "1bad"}"#).await;
    assert_eq!(r.json()["__type"], "ValidationException");
    let message = r.json()["message"].as_str().unwrap().to_owned();
    assert!(
        message.contains("Value '1bad' at 'serverName' failed to satisfy constraint"),
        "{message}"
    );
    let r = wire(app.addr, "CreateBackup", "{}").await;
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .contains("Value null at 'serverName'")
    );
    let r = wire(app.addr, "DescribeServers", r#"{"ServerName": "missing"}"#).await;
    assert_eq!(r.json()["__type"], "ResourceNotFoundException");
    assert_eq!(
        r.header("x-amzn-errortype"),
        Some("ResourceNotFoundException")
    );
}

#[tokio::test]
async fn success_bodies_use_model_names_and_epoch_second_timestamps() {
    let app = TestApp::spawn().await;
    let r = wire(app.addr, "DescribeServers", "").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), serde_json::json!({"Servers": []}));
    let body = serde_json::json!({
        "Engine": "Puppet", "ServerName": "raw-1", "InstanceType": "m5.large",
        "InstanceProfileArn": INSTANCE_PROFILE, "ServiceRoleArn": SERVICE_ROLE,
    });
    let r = wire(app.addr, "CreateServer", &body.to_string()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let server = &r.json()["Server"];
    let now = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 24, 12, 0, 0).unwrap();
    assert_eq!(server["CreatedAt"].as_f64(), Some(now.timestamp() as f64));
    assert_eq!(server["Status"], "CREATING");
    for key in [
        "ServerArn",
        "Endpoint",
        "CloudFormationStackArn",
        "PreferredBackupWindow",
        "SecurityGroupIds",
        "EngineAttributes",
    ] {
        assert!(server.get(key).is_some(), "missing {key}");
    }
    let r = wire(app.addr, "DescribeAccountAttributes", "{}").await;
    assert_eq!(r.json()["Attributes"][0]["Name"], "ServerLimit");
    let r = wire(app.addr, "DeleteServer", r#"{"ServerName":"raw-1"}"#).await;
    assert_eq!((r.status, r.body.as_str()), (200, "{}"));
}

#[tokio::test]
async fn the_console_door_shares_the_dispatcher_and_uses_the_envelope() {
    let app = TestApp::spawn().await;
    let post = |path: &'static str, body: &'static str| post_json(app.addr, path, body);
    let r = post("/api/opsworks-cm/DescribeServers", "{}").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["Servers"], serde_json::json!([]));
    let r = post(
        "/api/opsworks-cm/DescribeEvents",
        r#"{"ServerName":"nope"}"#,
    )
    .await;
    assert_eq!(r.status, 400);
    let json = r.json();
    assert_eq!(json["code"], "ResourceNotFoundException");
    assert!(json["message"].as_str().unwrap().contains("nope"));
    assert!(json["requestId"].as_str().is_some_and(|s| !s.is_empty()));
    let r = post("/api/opsworks-cm/Bogus", "{}").await;
    assert_eq!(r.json()["code"], "UnknownOperationException");
    let r = post("/api/not-a-service/DescribeServers", "{}").await;
    assert_eq!(r.json()["code"], "UnknownOperationException");
}

#[tokio::test]
async fn health_config_host_check_and_body_limit() {
    let app = TestApp::spawn().await;
    let r = get(app.addr, "/api/health").await;
    assert_eq!((r.status, r.json()["status"].as_str()), (200, Some("ok")));
    let r = get(app.addr, "/api/config").await;
    let config = r.json();
    assert_eq!(config["mode"], "simulator");
    assert_eq!(config["region"], "us-east-1");
    assert_eq!(config["accountId"], "123456789012");
    let r = raw(
        app.addr,
        "GET",
        "/api/health",
        &[("Host", "attacker.example:8080")],
        "",
    )
    .await;
    assert_eq!(r.status, 403, "DNS rebinding guard");
    let r = raw(
        app.addr,
        "GET",
        "/api/health",
        &[("Host", "localhost:1234")],
        "",
    )
    .await;
    assert_eq!(r.status, 200);
    let huge = format!(
        r#"{{"ServerName":"x","Description":"{}"}}"#,
        "a".repeat(9 * 1024 * 1024)
    );
    let r = wire(app.addr, "CreateBackup", &huge).await;
    assert_eq!(r.status, 413);
    assert_eq!(
        r.json()["__type"],
        "ValidationException",
        "in the protocol's format"
    );
    let r = raw(app.addr, "PUT", "/", &[], "{}").await;
    assert_eq!(r.status, 405);
    assert_eq!(r.json()["__type"], "UnknownOperationException");
    let r = get(app.addr, "/api/opsworks-cm/DescribeServers").await;
    assert_eq!(r.status, 405);
    assert_eq!(
        r.json()["code"],
        "UnknownOperationException",
        "the console door's envelope"
    );
}

#[tokio::test]
async fn a_builds_files_are_cached_for_good_and_the_page_is_revalidated() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "<html>console</html>").unwrap();
    std::fs::create_dir(dir.path().join("pkg-0123")).unwrap();
    std::fs::write(dir.path().join("pkg-0123/app.js"), "main()").unwrap();
    let store = std::sync::Arc::new(backend::store::SqliteStore::in_memory().unwrap());
    let app = TestApp::spawn_with_ui(store, dir.path()).await;

    let r = get(app.addr, "/pkg-0123/app.js").await;
    assert_eq!((r.status, r.body.as_str()), (200, "main()"));
    assert_eq!(
        r.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    for path in ["/", "/servers/web-1/backups"] {
        let r = get(app.addr, path).await;
        assert_eq!(r.header("cache-control"), Some("no-cache"), "{path}");
    }
    // A file a build does not have is a 404, never the page under its name.
    for path in ["/pkg-9999/app.js", "/pkg-0123/../index.html", "/pkg-0123/"] {
        let r = get(app.addr, path).await;
        assert_eq!(r.status, 404, "{path}");
        assert_eq!(r.header("cache-control"), None, "{path}");
    }
    // API answers carry no caching policy of the UI's.
    let r = get(app.addr, "/api/health").await;
    assert_eq!(r.header("cache-control"), None);
}

#[tokio::test]
async fn the_ui_is_served_at_the_root_and_on_deep_links() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "<html>console</html>").unwrap();
    std::fs::write(dir.path().join("app.css"), "body{}").unwrap();
    let store = std::sync::Arc::new(backend::store::SqliteStore::in_memory().unwrap());
    let app = TestApp::spawn_with_ui(store, dir.path()).await;
    for path in ["/", "/servers/web-1/backups", "/index.html"] {
        let r = get(app.addr, path).await;
        assert_eq!(
            (r.status, r.body.as_str()),
            (200, "<html>console</html>"),
            "{path}"
        );
    }
    let r = get(app.addr, "/app.css").await;
    assert_eq!(r.body, "body{}");
    // POST / is still the wire door.
    let r = wire(app.addr, "DescribeServers", "{}").await;
    assert_eq!(r.json()["Servers"], serde_json::json!([]));
}
