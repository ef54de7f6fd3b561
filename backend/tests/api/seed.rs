//! `--seed` (and `POST /api/sim/seed`): two simulators with one seed answer
//! one sequence of calls byte for byte alike (ids, ARNs, endpoints, default
//! windows, passwords, keys, certificates, request ids); another seed, or
//! none, does not.

use std::sync::Arc;

use backend::sim::SimConfig;
use backend::store::SqliteStore;

use crate::helpers::*;

async fn seeded(seed: Option<u64>) -> TestApp {
    let config = SimConfig {
        seed,
        ..SimConfig::default()
    };
    TestApp::spawn_with(Arc::new(SqliteStore::in_memory().unwrap()), config).await
}

/// One call on the wire door: its request id and body.
async fn call(app: &TestApp, target: &str, body: &str) -> String {
    let r = raw(
        app.addr,
        "POST",
        "/",
        &[
            ("X-Amz-Target", target),
            ("Content-Type", "application/x-amz-json-1.1"),
        ],
        body,
    )
    .await;
    format!(
        "{} {}\n{}",
        r.status,
        r.header("x-amzn-RequestId").unwrap_or_default(),
        r.body
    )
}

/// A sequence touching every kind of generated value.
async fn session(app: &TestApp) -> Vec<String> {
    let ops = |op: &str| format!("OpsWorksCM_V2016_11_01.{op}");
    let hsm = |op: &str| format!("BaldrApiService.{op}");
    let create = |name: &str, engine: &str| {
        format!(
            r#"{{"ServerName":"{name}","Engine":"{engine}","InstanceProfileArn":"{INSTANCE_PROFILE}","InstanceType":"m5.large","ServiceRoleArn":"{SERVICE_ROLE}"}}"#
        )
    };
    let mut answers = vec![
        call(app, &ops("CreateServer"), &create("chef", "ChefAutomate")).await,
        call(app, &ops("CreateServer"), &create("puppet", "Puppet")).await,
    ];
    app.advance(61).await;
    answers.push(call(app, &ops("CreateBackup"), r#"{"ServerName":"chef"}"#).await);
    answers.push(call(app, &ops("DescribeServers"), r#"{"MaxResults":1}"#).await);
    answers.push(
        call(
            app,
            &ops("UpdateServerEngineAttributes"),
            r#"{"ServerName":"chef","AttributeName":"CHEF_PIVOTAL_KEY"}"#,
        )
        .await,
    );
    answers.push(call(app, &ops("DescribeServers"), r#"{"ServerName":"nope"}"#).await);

    let cluster = call(
        app,
        &hsm("CreateCluster"),
        r#"{"HsmType":"hsm1.medium","SubnetIds":["subnet-0a1b2c3d"]}"#,
    )
    .await;
    let id = cluster
        .split("\"ClusterId\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    answers.push(cluster);
    app.advance(61).await;
    answers.push(
        call(
            app,
            &hsm("CreateHsm"),
            &format!(r#"{{"ClusterId":"{id}","AvailabilityZone":"us-east-1a"}}"#),
        )
        .await,
    );
    app.advance(61).await;
    answers.push(call(app, &hsm("DescribeClusters"), "{}").await);
    answers
}

#[tokio::test]
async fn one_seed_gives_byte_identical_answers_and_another_does_not() {
    let first = session(&seeded(Some(42)).await).await;
    let second = session(&seeded(Some(42)).await).await;
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(a, b);
    }
    assert!(
        first[0].contains("CHEF_AUTOMATE_PIVOTAL_KEY"),
        "{}",
        first[0]
    );
    assert!(first[1].contains("PUPPET_API_CA_CERT"), "{}", first[1]);
    assert!(first[8].contains("ClusterCsr"), "{}", first[8]);

    let other = session(&seeded(Some(43)).await).await;
    assert_ne!(first[0], other[0]);
    let unseeded = session(&seeded(None).await).await;
    assert_ne!(first[0], unseeded[0]);
}

#[tokio::test]
async fn seeding_at_run_time_starts_the_choices_over() {
    let app = seeded(None).await;
    let seed = |n: u64| {
        let body = format!(r#"{{"seed":{n}}}"#);
        async move { post_json(app.addr, "/api/sim/seed", &body).await }
    };
    assert_eq!(seed(7).await.status, 200);
    let first = call(
        &app,
        "BaldrApiService.CreateCluster",
        r#"{"HsmType":"hsm1.medium","SubnetIds":["subnet-0a1b2c3d"]}"#,
    )
    .await;
    // The same seed after a reset: the same cluster id, ARNs and request id.
    post_json(app.addr, "/api/sim/reset", "").await;
    seed(7).await;
    let again = call(
        &app,
        "BaldrApiService.CreateCluster",
        r#"{"HsmType":"hsm1.medium","SubnetIds":["subnet-0a1b2c3d"]}"#,
    )
    .await;
    assert_eq!(first, again);

    let r = post_json(app.addr, "/api/sim/seed", r#"{"seed":-1}"#).await;
    assert_eq!(r.status, 400, "{}", r.body);
    let r = post_json(app.addr, "/api/sim/seed", r#"{"seed":null}"#).await;
    assert_eq!(r.status, 200, "{}", r.body);
}
