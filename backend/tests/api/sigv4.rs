//! `serve --require-sigv4`: requests signed by `aws-sdk-opsworkscm` pass,
//! everything else gets the error AWS JSON services answer.

use std::sync::Arc;

use aws_sdk_opsworkscm::error::ProvideErrorMetadata;
use backend::clock::{Clock, ManualClock, SystemClock};

use crate::helpers::{ErrCode, TestApp, client_with, code, raw};

const PAIRS: &[(&str, &str)] = &[("AKIDALICE", "alice-secret"), ("AKIDBOB", "bob-secret")];

async fn app() -> TestApp {
    TestApp::spawn_requiring_sigv4(PAIRS, Arc::new(SystemClock)).await
}

#[tokio::test]
async fn sdk_requests_signed_with_any_configured_key_pass() {
    let app = app().await;
    for (id, secret) in PAIRS {
        let client = client_with(app.addr, id, secret, "us-east-1");
        let servers = client.describe_servers().send().await.unwrap();
        assert!(servers.servers().is_empty());
    }
    let alice = client_with(app.addr, "AKIDALICE", "alice-secret", "us-east-1");
    alice
        .create_backup()
        .server_name("nope")
        .send()
        .await
        .map(|_| ())
        .map_err(|e| assert_eq!(code(&e), "ResourceNotFoundException"))
        .unwrap_err();
}

#[tokio::test]
async fn a_wrong_secret_is_an_invalid_signature() {
    let app = app().await;
    let client = client_with(app.addr, "AKIDALICE", "bob-secret", "us-east-1");
    let err = client.describe_servers().send().await.unwrap_err();
    assert_eq!(code(&err), "InvalidSignatureException");
    let message = err.message().unwrap_or_default().to_owned();
    assert!(
        message.contains("does not match the signature you provided"),
        "{message}"
    );
}

#[tokio::test]
async fn an_unknown_key_is_an_unrecognized_client() {
    let app = app().await;
    let client = client_with(app.addr, "AKIDMALLORY", "whatever", "us-east-1");
    assert_eq!(
        client.describe_servers().send().await.err_code(),
        "UnrecognizedClientException"
    );
}

#[tokio::test]
async fn another_region_in_the_scope_is_refused() {
    let app = app().await;
    let client = client_with(app.addr, "AKIDALICE", "alice-secret", "eu-west-1");
    let err = client.describe_servers().send().await.unwrap_err();
    assert_eq!(code(&err), "InvalidSignatureException");
    let message = err.message().unwrap_or_default().to_owned();
    assert!(message.contains("valid region"), "{message}");
}

#[tokio::test]
async fn a_clock_skew_over_fifteen_minutes_is_refused() {
    let ahead = ManualClock::new(SystemClock.now() + chrono::TimeDelta::minutes(20));
    let app = TestApp::spawn_requiring_sigv4(PAIRS, Arc::new(ahead)).await;
    let client = client_with(app.addr, "AKIDALICE", "alice-secret", "us-east-1");
    let err = client.describe_servers().send().await.unwrap_err();
    assert_eq!(code(&err), "InvalidSignatureException");
    let message = err.message().unwrap_or_default().to_owned();
    assert!(message.contains("Signature expired"), "{message}");
}

#[tokio::test]
async fn unsigned_requests_are_missing_a_token_with_403() {
    let app = app().await;
    let response = raw(
        app.addr,
        "POST",
        "/",
        &[
            ("X-Amz-Target", "OpsWorksCM_V2016_11_01.DescribeServers"),
            ("Content-Type", "application/x-amz-json-1.1"),
        ],
        "{}",
    )
    .await;
    assert_eq!(response.status, 403);
    assert_eq!(
        response.json()["__type"],
        "MissingAuthenticationTokenException"
    );
    assert_eq!(response.json()["message"], "Missing Authentication Token");
}
