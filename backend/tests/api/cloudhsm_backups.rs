//! CloudHSM v2 backups through the real `aws-sdk-cloudhsmv2` client: the
//! seven-day deletion window, restore, copies between regions, filters,
//! pagination, retention, NeverExpires, tags and persistence.

use crate::helpers::assert_fails;
use aws_sdk_cloudhsmv2::types::{BackupRetentionPolicy, BackupRetentionType, BackupState, Tag};

use crate::cloudhsm::{
    active_cluster, all_hsm_backups, app_with_active_cluster, backups_by, backups_of, cluster,
    cluster_created, hsm_client,
};
use crate::helpers::*;

const DAY: u64 = 24 * 3600;

#[tokio::test]
async fn a_deleted_backup_can_be_restored_for_seven_days_then_it_is_gone() {
    let (app, hsm, cluster_id) = app_with_active_cluster().await;
    let backup = backups_of(&hsm, &cluster_id).await.remove(0);
    let id = backup.backup_id.clone();
    assert!(id.starts_with("backup-") && id.len() == 18, "{id}");
    assert_eq!(backup.backup_state, Some(BackupState::Ready));
    assert_eq!(backup.cluster_id.as_deref(), Some(cluster_id.as_str()));
    assert_eq!(backup.never_expires, Some(false));
    assert_eq!(backup.hsm_type.as_deref(), Some("hsm2m.medium"));
    assert_eq!(
        backup.backup_arn.as_deref(),
        Some(format!("arn:aws:cloudhsm:us-east-1:123456789012:backup/{id}").as_str())
    );
    assert!(backup.delete_timestamp.is_none());

    assert_fails!(
        hsm.restore_backup().backup_id(&id),
        "CloudHsmInvalidRequestException"
    );
    let deleted = member!(hsm.delete_backup().backup_id(&id), backup);
    assert_eq!(deleted.backup_state, Some(BackupState::PendingDeletion));
    let delete_at = app.sim.now() + chrono::Duration::days(7);
    assert_eq!(
        deleted.delete_timestamp.unwrap().secs(),
        delete_at.timestamp()
    );
    assert_eq!(
        hsm.delete_backup().backup_id(&id).send().await.err_code(),
        "CloudHsmInvalidRequestException",
        "already pending"
    );

    app.advance(3 * DAY).await;
    let restored = member!(hsm.restore_backup().backup_id(&id), backup);
    assert_eq!(restored.backup_state, Some(BackupState::Ready));
    assert!(restored.delete_timestamp.is_none());
    assert_eq!(
        hsm.restore_backup().backup_id(&id).send().await.err_code(),
        "CloudHsmInvalidRequestException",
        "only PENDING_DELETION"
    );

    hsm.delete_backup().backup_id(&id).send().await.unwrap();
    let pending = backups_by(&hsm, "states", vec!["PENDING_DELETION".to_owned()]).await;
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].backup_id, id);
    app.advance(7 * DAY - 1).await;
    let still = backups_by(&hsm, "backupIds", vec![id.clone()]).await;
    assert_eq!(still[0].backup_state, Some(BackupState::PendingDeletion));
    app.advance(2).await;
    let gone = backups_by(&hsm, "backupIds", vec![id.clone()]).await;
    assert!(gone.is_empty());
    assert_fails!(
        hsm.restore_backup().backup_id(&id),
        "CloudHsmResourceNotFoundException"
    );
    assert_fails!(
        hsm.delete_backup().backup_id("backup-bad1"),
        "CloudHsmInvalidRequestException"
    );
}

#[tokio::test]
async fn a_backup_copied_to_another_region_shows_there_with_its_source() {
    let app = TestApp::spawn().await;
    let east = hsm_client(&app, "us-east-1");
    let west = hsm_client(&app, "eu-west-1");
    let (cluster_id, _) = active_cluster(&app, &east).await;
    let source = backups_of(&east, &cluster_id).await.remove(0).backup_id;
    east.tag_resource()
        .resource_id(&source)
        .tag_list(Tag::builder().key("env").value("prod").build().unwrap())
        .send()
        .await
        .unwrap();

    let copied = member!(
        east.copy_backup_to_region()
            .backup_id(&source)
            .destination_region("eu-west-1"),
        destination_backup
    );
    assert_eq!(copied.source_region.as_deref(), Some("us-east-1"));
    assert_eq!(copied.source_backup.as_deref(), Some(source.as_str()));
    assert_eq!(copied.source_cluster.as_deref(), Some(cluster_id.as_str()));
    assert_eq!(
        copied.create_timestamp.unwrap().secs(),
        app.sim.now().timestamp()
    );

    let in_west = backups_by(&west, "sourceBackupIds", vec![source.clone()]).await;
    assert_eq!(in_west.len(), 1);
    let copy = &in_west[0];
    assert_ne!(copy.backup_id, source);
    assert_eq!(copy.backup_state, Some(BackupState::CreateInProgress));
    assert_eq!(copy.source_region.as_deref(), Some("us-east-1"));
    assert_eq!(copy.source_cluster.as_deref(), Some(cluster_id.as_str()));
    assert_eq!(
        copy.cluster_id, None,
        "a copy is no longer associated with a cluster"
    );
    assert!(
        backups_of(&west, &cluster_id).await.is_empty(),
        "nor found under its source's cluster"
    );
    assert!(copy.copy_timestamp.is_some());
    assert!(
        copy.backup_arn
            .as_deref()
            .unwrap()
            .starts_with("arn:aws:cloudhsm:eu-west-1:")
    );
    let tags = copy.tag_list.as_ref().unwrap();
    assert_eq!(
        (tags[0].key.as_str(), tags[0].value.as_str()),
        ("env", "prod")
    );
    let copy_id = copy.backup_id.clone();
    assert!(
        backups_by(&east, "backupIds", vec![copy_id.clone()])
            .await
            .is_empty(),
        "the copy lives in eu-west-1 only"
    );
    assert_fails!(
        east.delete_backup().backup_id(&copy_id),
        "CloudHsmResourceNotFoundException"
    );
    app.advance(61).await;
    let ready = backups_by(&west, "backupIds", vec![copy_id.clone()]).await;
    assert_eq!(ready[0].backup_state, Some(BackupState::Ready));

    // A TagList replaces the source's tags.
    east.copy_backup_to_region()
        .backup_id(&source)
        .destination_region("ap-northeast-1")
        .tag_list(Tag::builder().key("copy").value("2").build().unwrap())
        .send()
        .await
        .unwrap();
    let tokyo = hsm_client(&app, "ap-northeast-1");
    let there = all_hsm_backups(&tokyo).await;
    let tags = there[0].tag_list.as_ref().unwrap();
    assert_eq!(tags.len(), 1);
    assert_eq!(tags[0].key, "copy");

    // A cluster restored from the copy in eu-west-1 (by ARN) is INITIALIZED.
    let arn = ready[0].backup_arn.clone().unwrap();
    let restored = cluster_created(
        west.create_cluster()
            .hsm_type("hsm2m.medium")
            .subnet_ids(crate::cloudhsm::SUBNET_A)
            .source_backup_id(&arn),
    )
    .await;
    assert_eq!(restored.source_backup_id.as_deref(), Some(copy_id.as_str()));
    app.advance(61).await;
    let restored = cluster(&west, restored.cluster_id.as_deref().unwrap()).await;
    assert_eq!(
        restored.state,
        Some(aws_sdk_cloudhsmv2::types::ClusterState::Initialized)
    );
    assert_fails!(
        east.create_cluster()
            .hsm_type("hsm2m.medium")
            .subnet_ids(crate::cloudhsm::SUBNET_A)
            .source_backup_id(&arn),
        "CloudHsmResourceNotFoundException",
        "the ARN names eu-west-1"
    );

    // Bad copies.
    assert_fails!(
        east.copy_backup_to_region()
            .backup_id(&source)
            .destination_region("us-east-1"),
        "CloudHsmInvalidRequestException",
        "same region"
    );
    assert_fails!(
        east.copy_backup_to_region()
            .backup_id(&source)
            .destination_region("moon-1"),
        "CloudHsmInvalidRequestException",
        "not a region"
    );
    assert_fails!(
        east.copy_backup_to_region()
            .backup_id("backup-abcdefghijk")
            .destination_region("eu-west-1"),
        "CloudHsmResourceNotFoundException"
    );
    east.delete_backup()
        .backup_id(&source)
        .send()
        .await
        .unwrap();
    assert_fails!(
        east.copy_backup_to_region()
            .backup_id(&source)
            .destination_region("eu-west-1"),
        "CloudHsmInvalidRequestException",
        "only READY backups"
    );
}

#[tokio::test]
async fn daily_backups_filter_sort_and_page() {
    let (app, hsm, cluster_id) = app_with_active_cluster().await;
    for _ in 0..4 {
        app.advance(DAY).await;
        app.advance(31).await;
    }
    let all = backups_of(&hsm, &cluster_id).await;
    assert_eq!(all.len(), 5, "activation plus four daily backups");
    let created: Vec<i64> = all
        .iter()
        .map(|b| b.create_timestamp.unwrap().secs())
        .collect();
    assert!(
        created.windows(2).all(|w| w[0] > w[1]),
        "newest first: {created:?}"
    );

    let mut walked = Vec::new();
    let mut token = None;
    loop {
        let page = hsm
            .describe_backups()
            .sort_ascending(true)
            .max_results(2)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        let backups = page.backups.unwrap();
        assert!(backups.len() <= 2);
        walked.extend(
            backups
                .into_iter()
                .map(|b| b.create_timestamp.unwrap().secs()),
        );
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    let mut ascending = created.clone();
    ascending.reverse();
    assert_eq!(walked, ascending);

    let oldest = all.last().unwrap().backup_id.clone();
    hsm.modify_backup_attributes()
        .backup_id(&oldest)
        .never_expires(true)
        .send()
        .await
        .unwrap();
    let kept = backups_by(&hsm, "neverExpires", vec!["true".to_owned()]).await;
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].backup_id, oldest);
    assert_eq!(kept[0].never_expires, Some(true));
    let two = member!(
        hsm.describe_backups()
            .filters(
                "backupIds",
                vec![all[0].backup_id.clone(), all[1].backup_id.clone()],
            )
            .filters("states", vec!["READY".to_owned()]),
        backups
    );
    assert_eq!(two.len(), 2);
    let none = backups_by(&hsm, "clusterIds", vec!["cluster-abcdefghijk".to_owned()]).await;
    assert!(none.is_empty());
    let shared = hsm.describe_backups().shared(true).send().await.unwrap();
    assert!(
        shared.backups.unwrap().is_empty(),
        "no account shares backups here"
    );

    for (name, value) in [
        ("colour", "red"),
        ("states", "GONE"),
        ("neverExpires", "maybe"),
    ] {
        assert_fails!(
            hsm.describe_backups().filters(name, vec![value.to_owned()]),
            "CloudHsmInvalidRequestException",
            "{name}={value}"
        );
    }
    assert_fails!(
        hsm.describe_backups().max_results(51),
        "CloudHsmInvalidRequestException"
    );
    let first = hsm.describe_backups().max_results(1).send().await.unwrap();
    assert_fails!(
        hsm.describe_backups()
            .max_results(1)
            .sort_ascending(true)
            .next_token(first.next_token.unwrap()),
        "CloudHsmInvalidRequestException",
        "token of other parameters"
    );
}

#[tokio::test]
async fn the_retention_policy_expires_old_backups_but_not_the_last_or_exempt_ones() {
    let (app, hsm, cluster_id) = app_with_active_cluster().await;
    daily_backups(&app, 9).await;
    let all = backups_of(&hsm, &cluster_id).await;
    assert_eq!(all.len(), 10);
    let exempt = all.last().unwrap().backup_id.clone();
    hsm.modify_backup_attributes()
        .backup_id(&exempt)
        .never_expires(true)
        .send()
        .await
        .unwrap();
    let refused = keep_backups_for(&hsm, &cluster_id, "6").await.unwrap_err();
    assert_eq!(
        aws_sdk_cloudhsmv2::error::ProvideErrorMetadata::code(&refused),
        Some("CloudHsmInvalidRequestException"),
        "{refused:?}"
    );
    keep_backups_for(&hsm, &cluster_id, "7").await.unwrap();
    app.advance(1).await;
    let now = app.sim.now();
    let after = backups_of(&hsm, &cluster_id).await;
    for backup in &after {
        let age = now.timestamp() - backup.create_timestamp.unwrap().secs();
        let expected = if age > 7 * DAY as i64 && backup.backup_id != exempt {
            BackupState::PendingDeletion
        } else {
            BackupState::Ready
        };
        assert_eq!(
            backup.backup_state,
            Some(expected),
            "{} aged {age}s",
            backup.backup_id
        );
    }
    let pending = after
        .iter()
        .filter(|b| b.backup_state == Some(BackupState::PendingDeletion))
        .count();
    assert_eq!(pending, 2, "days 0 and 1 expire; day 0 is exempt");

    // Once only one backup is left READY, it is never expired.
    for backup in after.iter().skip(1) {
        if backup.backup_state == Some(BackupState::Ready) && backup.backup_id != exempt {
            hsm.delete_backup()
                .backup_id(&backup.backup_id)
                .send()
                .await
                .unwrap();
        }
    }
    hsm.modify_backup_attributes()
        .backup_id(&exempt)
        .never_expires(false)
        .send()
        .await
        .unwrap();
    app.advance(1).await;
    let newest = &backups_of(&hsm, &cluster_id).await[0];
    assert_eq!(
        newest.backup_state,
        Some(BackupState::Ready),
        "the last backup stays"
    );
    let exempt_now = backups_by(&hsm, "backupIds", vec![exempt.clone()]).await;
    assert_eq!(
        exempt_now[0].backup_state,
        Some(BackupState::PendingDeletion)
    );
}

#[tokio::test]
async fn clusters_and_backups_are_tagged_listed_and_untagged() {
    let (app, hsm, cluster_id) = app_with_active_cluster().await;
    let backup_id = backups_of(&hsm, &cluster_id).await.remove(0).backup_id;
    for resource in [&cluster_id, &backup_id] {
        let mut request = hsm.tag_resource().resource_id(resource);
        for i in 0..5 {
            request = request.tag_list(
                Tag::builder()
                    .key(format!("k{i}"))
                    .value(format!("v{i}"))
                    .build()
                    .unwrap(),
            );
        }
        request.send().await.unwrap();
        let mut keys = Vec::new();
        let mut token = None;
        loop {
            let page = hsm
                .list_tags()
                .resource_id(resource)
                .max_results(2)
                .set_next_token(token)
                .send()
                .await
                .unwrap();
            keys.extend(page.tag_list.into_iter().map(|t| t.key));
            token = page.next_token;
            if token.is_none() {
                break;
            }
        }
        assert_eq!(keys, ["k0", "k1", "k2", "k3", "k4"]);
        hsm.untag_resource()
            .resource_id(resource)
            .tag_key_list("k1")
            .tag_key_list("nope")
            .send()
            .await
            .unwrap();
        let left = hsm.list_tags().resource_id(resource).send().await.unwrap();
        assert_eq!(left.tag_list.len(), 4);
    }
    let described = cluster(&hsm, &cluster_id).await;
    assert_eq!(
        described.tag_list.unwrap().len(),
        4,
        "Describe shows tags too"
    );

    let mut request = hsm.tag_resource().resource_id(&cluster_id);
    for i in 0..47 {
        request = request.tag_list(
            Tag::builder()
                .key(format!("x{i}"))
                .value("")
                .build()
                .unwrap(),
        );
    }
    assert_eq!(
        request.send().await.err_code(),
        "CloudHsmResourceLimitExceededException",
        "4 + 47 > 50"
    );
    assert_fails!(
        hsm.tag_resource()
            .resource_id(&cluster_id)
            .tag_list(Tag::builder().key("aws:x").value("1").build().unwrap()),
        "CloudHsmTagException"
    );
    assert_fails!(
        hsm.tag_resource()
            .resource_id(&cluster_id)
            .tag_list(Tag::builder().key("bad*key").value("1").build().unwrap()),
        "CloudHsmInvalidRequestException"
    );
    assert_fails!(
        hsm.list_tags().resource_id("hsm-abcdefghijk"),
        "CloudHsmInvalidRequestException"
    );
    assert_fails!(
        hsm.list_tags().resource_id("backup-abcdefghijk"),
        "CloudHsmResourceNotFoundException"
    );
    let west = hsm_client(&app, "eu-west-1");
    assert_fails!(
        west.list_tags().resource_id(&cluster_id),
        "CloudHsmResourceNotFoundException",
        "other region"
    );
    let body = format!(r#"{{"ResourceId":"{cluster_id}","TagKeyList":[]}}"#);
    let r = raw(
        app.addr,
        "POST",
        "/",
        &[
            ("X-Amz-Target", "BaldrApiService.UntagResource"),
            ("Content-Type", "application/x-amz-json-1.1"),
        ],
        &body,
    )
    .await;
    assert_eq!(
        r.json()["__type"],
        "CloudHsmInvalidRequestException",
        "{}",
        r.body
    );
    assert!(
        r.json()["message"].as_str().unwrap().contains("tagKeyList"),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn cloudhsm_records_survive_a_restart_and_pending_steps_complete() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite3");
    let (cluster_id, backup_id) = {
        let app = TestApp::spawn_at(&path).await;
        let hsm = hsm_client(&app, "us-east-1");
        let (cluster_id, _) = active_cluster(&app, &hsm).await;
        let backup_id = backups_of(&hsm, &cluster_id).await.remove(0).backup_id;
        hsm.delete_backup()
            .backup_id(&backup_id)
            .send()
            .await
            .unwrap();
        (cluster_id, backup_id)
    };
    let app = TestApp::spawn_at(&path).await;
    let hsm = hsm_client(&app, "us-east-1");
    assert_eq!(
        cluster(&hsm, &cluster_id).await.state,
        Some(aws_sdk_cloudhsmv2::types::ClusterState::Active)
    );
    let backup = backups_by(&hsm, "backupIds", vec![backup_id.clone()]).await;
    assert_eq!(backup[0].backup_state, Some(BackupState::PendingDeletion));
    app.advance(8 * DAY).await;
    let gone = backups_by(&hsm, "backupIds", vec![backup_id]).await;
    assert!(gone.is_empty());
}

#[tokio::test]
async fn copies_into_a_full_region_are_refused_with_the_resource_limit_error() {
    let app = TestApp::spawn_with_hsm_quotas(backend::sim::CloudHsmQuotas {
        backup_limit: 2,
        ..Default::default()
    })
    .await;
    let east = hsm_client(&app, "us-east-1");
    let (cluster_id, _) = active_cluster(&app, &east).await;
    let source = backups_of(&east, &cluster_id).await.remove(0).backup_id;
    let copy = || {
        east.copy_backup_to_region()
            .backup_id(&source)
            .destination_region("eu-west-1")
            .send()
    };
    copy().await.unwrap();
    copy().await.unwrap();
    assert_eq!(
        copy().await.err_code(),
        "CloudHsmResourceLimitExceededException"
    );
    let west = hsm_client(&app, "eu-west-1");
    let there = all_hsm_backups(&west).await;
    assert_eq!(there.len(), 2, "nothing half-made");
}

/// The race AWS warns of: a backup the retention policy expired is expired
/// again right after RestoreBackup, unless NeverExpires exempts it first.
#[tokio::test]
async fn a_restored_expired_backup_expires_again_unless_it_never_expires() {
    let (app, hsm, cluster_id) = app_with_active_cluster().await;
    daily_backups(&app, 9).await;
    keep_backups_for(&hsm, &cluster_id, "7").await.unwrap();
    app.advance(1).await;
    let expired: Vec<String> = backups_of(&hsm, &cluster_id)
        .await
        .into_iter()
        .filter(|b| b.backup_state == Some(BackupState::PendingDeletion))
        .map(|b| b.backup_id)
        .collect();
    assert!(expired.len() >= 2, "{expired:?}");
    let state_of = |id: String| {
        let hsm = &hsm;
        async move { backups_by(hsm, "backupIds", vec![id]).await.remove(0) }
    };

    let restored = member!(hsm.restore_backup().backup_id(&expired[0]), backup);
    assert_eq!(restored.backup_state, Some(BackupState::Ready));
    app.advance(1).await;
    let again = state_of(expired[0].clone()).await;
    assert_eq!(
        again.backup_state,
        Some(BackupState::PendingDeletion),
        "the retention policy deleted it again"
    );
    assert!(
        again.delete_timestamp.unwrap().secs() >= app.sim.now().timestamp() + 7 * DAY as i64 - 2,
        "a new seven-day window"
    );

    hsm.modify_backup_attributes()
        .backup_id(&expired[1])
        .never_expires(true)
        .send()
        .await
        .unwrap();
    hsm.restore_backup()
        .backup_id(&expired[1])
        .send()
        .await
        .unwrap();
    app.advance(DAY).await;
    assert_eq!(
        state_of(expired[1].clone()).await.backup_state,
        Some(BackupState::Ready),
        "exempt first, it stays"
    );
}

/// ModifyCluster setting the retention policy of `cluster_id` to `days`.
async fn keep_backups_for(
    hsm: &aws_sdk_cloudhsmv2::Client,
    cluster_id: &str,
    days: &str,
) -> Result<(), aws_sdk_cloudhsmv2::Error> {
    hsm.modify_cluster()
        .cluster_id(cluster_id)
        .backup_retention_policy(
            BackupRetentionPolicy::builder()
                .r#type(BackupRetentionType::Days)
                .value(days)
                .build(),
        )
        .send()
        .await?;
    Ok(())
}

/// Lets `days` days pass one at a time (each takes its daily backup), then
/// the 31 seconds the last one needs to be READY.
async fn daily_backups(app: &TestApp, days: u32) {
    for _ in 0..days {
        app.advance(DAY).await;
    }
    app.advance(31).await;
}
