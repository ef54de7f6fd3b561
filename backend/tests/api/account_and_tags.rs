//! DescribeAccountAttributes and tagging.

use crate::helpers::{assert_fails, assert_fails_saying};
use aws_sdk_opsworkscm::types::Tag;

use crate::helpers::*;

fn tag(k: &str, v: &str) -> Tag {
    Tag::builder().key(k).value(v).build().unwrap()
}

#[tokio::test]
async fn account_attributes_report_limits_and_usage() {
    let app = TestApp::spawn().await;
    app.create_chef("a1").await;
    app.create_puppet("a2").await;
    assert_eq!(
        app.limit_and_usage("ServerLimit").await,
        (Some(10), Some(2))
    );
    assert_eq!(
        app.limit_and_usage("ManualBackupLimit").await,
        (Some(50), Some(0))
    );
}

#[tokio::test]
async fn tags_on_servers_and_backups_round_trip_and_paginate() {
    let app = TestApp::spawn().await;
    let server = member!(
        app.create_request("Puppet", "t").tags(tag("team", "ops")),
        server
    );
    let arn = server.server_arn.unwrap();
    let list = |arn: String| app.client.list_tags_for_resource().resource_arn(arn).send();
    let tags = list(arn.clone()).await.unwrap().tags.unwrap();
    assert_eq!(tags, [tag("team", "ops")]);

    app.client
        .tag_resource()
        .resource_arn(&arn)
        .tags(tag("team", "platform"))
        .tags(tag("env", "dev"))
        .send()
        .await
        .unwrap();
    let tags = list(arn.clone()).await.unwrap().tags.unwrap();
    assert_eq!(tags, [tag("env", "dev"), tag("team", "platform")]);

    app.client
        .untag_resource()
        .resource_arn(&arn)
        .tag_keys("env")
        .tag_keys("absent")
        .send()
        .await
        .unwrap();
    assert_eq!(
        list(arn.clone()).await.unwrap().tags.unwrap(),
        [tag("team", "platform")]
    );

    // 50 tags at most per resource.
    let mut many = app.client.tag_resource().resource_arn(&arn);
    for i in 0..49 {
        many = many.tags(tag(&format!("k{i:02}"), "v"));
    }
    many.send().await.unwrap();
    assert_fails!(
        app.client
            .tag_resource()
            .resource_arn(&arn)
            .tags(tag("one-more", "v")),
        "ValidationException"
    );

    // Pagination over 50 tags.
    let first = app
        .client
        .list_tags_for_resource()
        .resource_arn(&arn)
        .max_results(20)
        .send()
        .await
        .unwrap();
    assert_eq!(first.tags.unwrap().len(), 20);
    let all: Vec<Tag> = every_item!(
        app.client
            .list_tags_for_resource()
            .resource_arn(&arn)
            .max_results(20)
    );
    assert_eq!(all.len(), 50);

    // Backups have tags too.
    app.advance(61).await;
    let backup = member!(
        app.create_backup("t").tags(tag("kind", "pre-upgrade")),
        backup
    );
    let backup_tags = list(backup.backup_arn.unwrap())
        .await
        .unwrap()
        .tags
        .unwrap();
    assert_eq!(backup_tags, [tag("kind", "pre-upgrade")]);

    assert_eq!(
        list("arn:aws:opsworks-cm:us-east-1:123456789012:server/none/x".into())
            .await
            .err_code(),
        "ResourceNotFoundException"
    );
    assert_eq!(
        list("not-an-arn".into()).await.err_code(),
        "ValidationException"
    );
    assert_fails!(
        app.client
            .tag_resource()
            .resource_arn(&arn)
            .tags(tag("aws:reserved", "x")),
        "ValidationException"
    );
}

#[tokio::test]
async fn tag_keys_and_values_are_trimmed_and_bounded_as_the_reference_says() {
    let app = TestApp::spawn().await;
    let server = member!(
        app.create_request("Chef", "trim")
            .tags(tag("  team ", " ops  ")),
        server
    );
    let arn = server.server_arn.unwrap();
    let list = || {
        app.client
            .list_tags_for_resource()
            .resource_arn(&arn)
            .send()
    };
    assert_eq!(list().await.unwrap().tags.unwrap(), [tag("team", "ops")]);

    // " team" after trimming is the same key: it overwrites, not duplicates.
    app.client
        .tag_resource()
        .resource_arn(&arn)
        .tags(tag(" team", "platform "))
        .send()
        .await
        .unwrap();
    assert_eq!(
        list().await.unwrap().tags.unwrap(),
        [tag("team", "platform")]
    );
    // Two keys equal once trimmed are a duplicate.
    assert_fails_saying!(
        app.client
            .tag_resource()
            .resource_arn(&arn)
            .tags(tag("a", "1"))
            .tags(tag(" a ", "2")),
        "ValidationException",
        "more than once"
    );
    // A key of only spaces is empty once trimmed.
    assert_fails_saying!(
        app.client
            .tag_resource()
            .resource_arn(&arn)
            .tags(tag("   ", "v")),
        "ValidationException",
        "empty"
    );
    // 127 / 255 characters are the most (the model's 128 / 256 are refused).
    let key127 = "k".repeat(127);
    let value255 = "v".repeat(255);
    app.client
        .tag_resource()
        .resource_arn(&arn)
        .tags(tag(&key127, &value255))
        .send()
        .await
        .unwrap();
    assert_fails_saying!(
        app.client
            .tag_resource()
            .resource_arn(&arn)
            .tags(tag(&"k".repeat(128), "v")),
        "ValidationException",
        "127"
    );
    assert_fails_saying!(
        app.client
            .tag_resource()
            .resource_arn(&arn)
            .tags(tag("long", &"v".repeat(256))),
        "ValidationException",
        "255"
    );
    // Surrounding spaces do not count against the limit (the wire still
    // bounds the untrimmed key at the model's 128).
    app.client
        .tag_resource()
        .resource_arn(&arn)
        .tags(tag(&format!("{key127} "), " x "))
        .send()
        .await
        .unwrap();
    // Untagging with the untrimmed key removes the trimmed tag.
    app.client
        .untag_resource()
        .resource_arn(&arn)
        .tag_keys(" team ")
        .tag_keys(&key127)
        .send()
        .await
        .unwrap();
    assert_eq!(list().await.unwrap().tags.unwrap(), []);
}
