//! The request log (`/api/requests`, live at `/api/requests/stream`) and
//! `/metrics` in Prometheus text format.

use crate::helpers::*;

#[tokio::test]
async fn the_request_log_lists_wire_and_console_calls_newest_first_with_filters() {
    let app = TestApp::spawn().await;
    let ok = wire(app.addr, "DescribeServers", "{}").await;
    let missing = wire(app.addr, "DescribeServers", r#"{"ServerName":"nope"}"#).await;
    let created = post_json(
        app.addr,
        "/api/opsworks-cm/CreateServer",
        &format!(
            r#"{{"ServerName":"logged","Engine":"Puppet","InstanceProfileArn":"{INSTANCE_PROFILE}","InstanceType":"m5.large","ServiceRoleArn":"{SERVICE_ROLE}"}}"#
        ),
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.body);

    let listed = get(app.addr, "/api/requests").await.json();
    let entries = listed["requests"].as_array().unwrap();
    assert_eq!(entries.len(), 3, "{listed}");
    let (newest, failed, first) = (&entries[0], &entries[1], &entries[2]);
    assert_eq!(newest["door"], "console");
    assert_eq!(newest["operation"], "CreateServer");
    assert_eq!(newest["service"], "opsworks-cm");
    assert_eq!(newest["resource"]["kind"], "server");
    assert_eq!(newest["resource"]["id"], "logged");
    assert_eq!(failed["door"], "wire");
    assert_eq!(failed["status"], 400);
    assert_eq!(failed["errorCode"], "ResourceNotFoundException");
    assert_eq!(
        failed["requestId"].as_str(),
        missing.header("x-amzn-RequestId")
    );
    assert_eq!(first["status"], 200);
    assert_eq!(first["region"], "us-east-1");
    assert_eq!(first["requestId"].as_str(), ok.header("x-amzn-RequestId"));
    assert!(first["latencyMs"].as_f64().unwrap() >= 0.0);
    assert!(first["time"].as_str().unwrap().ends_with('Z'));

    let errors = get(app.addr, "/api/requests?errors=true").await.json();
    assert_eq!(errors["requests"].as_array().unwrap().len(), 1);
    let some = get(app.addr, "/api/requests?operation=DescribeServers&limit=1")
        .await
        .json();
    assert_eq!(some["requests"].as_array().unwrap().len(), 1);
    assert_eq!(
        some["requests"][0]["errorCode"],
        "ResourceNotFoundException"
    );
}

#[tokio::test]
async fn each_call_is_streamed_as_it_ends() {
    let app = TestApp::spawn().await;
    let (status, mut stream) =
        SseClient::open_path(app.addr, "/api/requests/stream", None, &[]).await;
    assert!(status.contains(" 200 "), "{status}");
    let hsm = crate::cloudhsm::hsm_client(&app, "eu-west-1");
    hsm.describe_clusters().send().await.unwrap();
    let event = stream.next().await;
    assert_eq!(event.kind, "request");
    assert_eq!(event.data["service"], "cloudhsmv2");
    assert_eq!(event.data["operation"], "DescribeClusters");
    assert_eq!(event.data["region"], "eu-west-1");
}

#[tokio::test]
async fn metrics_count_calls_latency_transitions_streams_and_commits() {
    let app = TestApp::spawn().await;
    app.create_chef("measured").await;
    wire(app.addr, "DescribeServers", r#"{"ServerName":"nope"}"#).await;
    wire(app.addr, "NoSuchThing", "{}").await;
    let _stream = SseClient::connect(app.addr, None).await;

    let r = get(app.addr, "/metrics").await;
    assert_eq!(r.status, 200);
    assert!(
        r.header("content-type").unwrap().starts_with("text/plain"),
        "{:?}",
        r.headers
    );
    let text = r.body;
    let has = |needle: &str| {
        assert!(
            text.lines().any(|l| l.contains(needle)),
            "{needle} in\n{text}"
        );
    };
    has(
        r#"cmconsole_requests_total{door="wire",service="opsworks-cm",operation="CreateServer",code="200"}"#,
    );
    has(r#"operation="DescribeServers",code="ResourceNotFoundException"}"#);
    has(r#"operation="unknown""#);
    has("cmconsole_request_duration_seconds_bucket{");
    has(r#"cmconsole_transitions_in_flight{service="opsworks-cm"} 1"#);
    has("cmconsole_sse_clients ");
    has("cmconsole_store_commit_seconds_count");
}
