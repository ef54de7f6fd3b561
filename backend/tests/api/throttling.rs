//! The wire door's rate limit and the SDK's retry through it.

use std::time::Duration;

use aws_sdk_opsworkscm::config::retry::RetryConfig;
use aws_sdk_opsworkscm::config::{BehaviorVersion, Credentials, Region};

use crate::helpers::*;

#[tokio::test]
async fn bursts_beyond_the_limit_are_throttled_in_the_protocols_format() {
    let app = TestApp::spawn_throttled("1/3").await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let r = wire(app.addr, "DescribeServers", "{}").await;
        statuses.push((r.status, r.json().get("__type").cloned()));
    }
    assert!(statuses[..3].iter().all(|(s, _)| *s == 200), "{statuses:?}");
    assert_eq!(statuses[4].0, 400);
    assert_eq!(
        statuses[4].1,
        Some(serde_json::json!("ThrottlingException"))
    );
    // The console door is not throttled.
    let r = post_json(app.addr, "/api/opsworks-cm/DescribeServers", "{}").await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn the_sdk_standard_retry_succeeds_through_throttles() {
    let app = TestApp::spawn_throttled("20/1").await;
    let config = aws_sdk_opsworkscm::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            "AKIDTEST",
            "test-secret",
            None,
            None,
            "test",
        ))
        .endpoint_url(format!("http://{}", app.addr))
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(10)
                .with_initial_backoff(Duration::from_millis(20)),
        )
        .build();
    let client = aws_sdk_opsworkscm::Client::from_conf(config);
    // Eight back-to-back calls against a bucket of one: most are throttled at
    // first, and every one succeeds after the SDK's retries.
    for _ in 0..8 {
        client.describe_account_attributes().send().await.unwrap();
    }
    // Without retries the same burst fails with the throttling code.
    let no_retry = aws_sdk_opsworkscm::Client::from_conf(
        client
            .config()
            .to_builder()
            .retry_config(RetryConfig::disabled())
            .build(),
    );
    let mut codes = Vec::new();
    for _ in 0..3 {
        if let Err(err) = no_retry.describe_account_attributes().send().await {
            codes.push(code(&err));
        }
    }
    assert!(
        codes.iter().any(|c| c == "ThrottlingException"),
        "{codes:?}"
    );
}
