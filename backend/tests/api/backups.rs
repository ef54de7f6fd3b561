//! Backups: create, describe (newest first), delete, restore, limits.

use crate::helpers::{assert_fails, assert_fails_saying};
use aws_sdk_opsworkscm::types::{BackupStatus, BackupType, ServerStatus};

use crate::helpers::*;

#[tokio::test]
async fn a_manual_backup_runs_while_the_server_is_backing_up() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.create_backup("b").send().await.err_code(),
        "ResourceNotFoundException"
    );
    app.create_chef("b").await;
    assert_eq!(
        app.create_backup("b").send().await.err_code(),
        "InvalidStateException",
        "not while CREATING"
    );
    app.advance(61).await;

    let backup = member!(app.create_backup("b").description("before upgrade"), backup);
    let id = backup.backup_id.clone().unwrap();
    // ServerName-yyyyMMddHHmmssSSS at the simulated time.
    assert_eq!(id, "b-20261124120101000");
    assert_eq!(backup.status, Some(BackupStatus::InProgress));
    assert_eq!(backup.backup_type, Some(BackupType::Manual));
    assert_eq!(backup.description.as_deref(), Some("before upgrade"));
    assert_eq!(
        backup.user_arn.as_deref(),
        Some("arn:aws:iam::123456789012:user/AKIDTEST")
    );
    #[expect(
        deprecated,
        reason = "S3DataUrl is deprecated in the model but still returned"
    )]
    let data_url = backup.s3_data_url.clone().unwrap();
    assert!(data_url.contains(&id));
    assert!(backup.s3_log_url.unwrap().ends_with(".log"));
    assert!(backup.tools_version.is_some());
    assert_eq!(backup.engine.as_deref(), Some("ChefAutomate"));
    assert_eq!(backup.instance_type.as_deref(), Some("m5.large"));
    assert_eq!(
        backup.backup_arn.unwrap(),
        format!("arn:aws:opsworks-cm:us-east-1:123456789012:backup/{id}")
    );
    assert_eq!(app.status("b").await, "BACKING_UP");
    assert_eq!(
        app.create_backup("b").send().await.err_code(),
        "InvalidStateException",
        "one backup at a time"
    );
    // "While the server is in the BACKING_UP state, the server cannot be
    // changed" (CreateBackup): UpdateServer is refused until it ends.
    assert_fails_saying!(
        app.update_server("b").backup_retention_count(3),
        "InvalidStateException",
        "BACKING_UP"
    );

    app.advance(31).await;
    assert_eq!(app.status("b").await, "HEALTHY");
    app.update_server("b")
        .backup_retention_count(3)
        .send()
        .await
        .unwrap();
    let described = app.backup(&id).await;
    assert_eq!(described.status, Some(BackupStatus::Ok));

    // A second backup is listed first.
    app.advance(5).await;
    app.create_backup("b").send().await.unwrap();
    app.advance(31).await;
    let listed = app.backups_of("b").await;
    assert_eq!(listed.len(), 2);
    assert!(listed[0].created_at.unwrap().secs() > listed[1].created_at.unwrap().secs());
    assert_fails!(
        app.client
            .describe_backups()
            .backup_id("b-20000101000000000"),
        "ResourceNotFoundException"
    );
}

#[tokio::test]
async fn deleting_a_backup_is_asynchronous_and_not_repeatable() {
    let app = TestApp::spawn().await;
    app.healthy_chef("d").await;
    let id = app.start_backup("d").await;
    assert_eq!(
        app.delete_backup(&id).send().await.err_code(),
        "InvalidStateException",
        "still in progress"
    );
    app.advance(31).await;
    app.delete_backup(&id).send().await.unwrap();
    let b = app.backup(&id).await;
    assert_eq!(b.status, Some(BackupStatus::Deleting));
    assert_eq!(
        app.delete_backup(&id).send().await.err_code(),
        "InvalidStateException"
    );
    app.advance(11).await;
    assert_fails!(
        app.client.describe_backups().backup_id(&id),
        "ResourceNotFoundException"
    );
    assert_eq!(
        app.delete_backup(&id).send().await.err_code(),
        "ResourceNotFoundException"
    );
    assert_eq!(
        app.delete_backup("bad id!").send().await.err_code(),
        "ValidationException"
    );
}

#[tokio::test]
async fn restore_uses_a_backup_of_the_same_server_and_keeps_the_endpoint() {
    let app = TestApp::spawn().await;
    let a = app.healthy_chef("ra").await;
    app.healthy_chef("rb").await;
    let id = app.start_backup("ra").await;
    app.advance(31).await;
    assert_fails!(
        app.restore_server("rb").backup_id(&id),
        "ValidationException",
        "backup of another server"
    );
    assert_fails!(
        app.restore_server("ra").backup_id("ra-20000101000000000"),
        "ResourceNotFoundException"
    );
    let s = member!(
        app.restore_server("ra")
            .backup_id(&id)
            .instance_type("r5.2xlarge")
            .key_pair("rescue"),
        server
    );
    assert_eq!(s.status, Some(ServerStatus::Restoring));
    assert_fails!(
        app.restore_server("ra").backup_id(&id),
        "InvalidStateException",
        "already restoring"
    );
    app.advance(61).await;
    let s = app.server("ra").await;
    assert_eq!(s.status, Some(ServerStatus::Healthy));
    assert_eq!(s.instance_type.as_deref(), Some("r5.2xlarge"));
    assert_eq!(s.key_pair.as_deref(), Some("rescue"));
    assert_eq!(s.endpoint, a.endpoint, "RestoreServer keeps the endpoint");
    let events = app.event_messages("ra").await;
    assert!(
        events[0].contains(&format!("Restore from backup {id} completed")),
        "{events:?}"
    );

    // A new server can be created from the backup.
    app.delete_server("rb").send().await.unwrap();
    app.advance(31).await;
    let created = app
        .create_request("ChefAutomate", "from-backup")
        .backup_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(created.server.unwrap().status, Some(ServerStatus::Creating));
}

#[tokio::test]
async fn the_manual_backup_limit_is_enforced() {
    let store = std::sync::Arc::new(backend::store::SqliteStore::in_memory().unwrap());
    let config = backend::sim::SimConfig {
        opsworkscm: backend::sim::OpsWorksCmQuotas {
            manual_backup_limit: 2,
            ..Default::default()
        },
        ..Default::default()
    };
    let app = TestApp::spawn_with(store, config).await;
    app.healthy_chef("l").await;
    for _ in 0..2 {
        app.create_backup("l").send().await.unwrap();
        app.advance(31).await;
    }
    assert_eq!(
        app.create_backup("l").send().await.err_code(),
        "LimitExceededException"
    );
    assert_eq!(
        app.limit_and_usage("ManualBackupLimit").await,
        (Some(2), Some(2))
    );
}

#[tokio::test]
async fn automated_backups_run_in_the_backup_window_and_honour_retention() {
    let app = TestApp::spawn().await;
    app.create_request("ChefAutomate", "auto")
        .disable_automated_backup(false)
        .backup_retention_count(2)
        .preferred_backup_window("12:30") // the test clock starts at 12:00 UTC
        .preferred_maintenance_window("Sat:23:00")
        .send()
        .await
        .unwrap();
    app.advance(61).await;
    app.create_backup("auto").send().await.unwrap();
    app.advance(31).await;
    app.advance(28 * 60 + 30).await; // 12:30:02: the window has opened
    assert_eq!(app.status("auto").await, "BACKING_UP");
    let backups = || async { app.backups_of("auto").await };
    let newest = backups().await.remove(0);
    assert_eq!(newest.backup_type, Some(BackupType::Automated));
    assert_eq!(newest.user_arn, None, "no requester for automated backups");
    assert_eq!(newest.description, None);
    app.advance(31).await;
    assert_eq!(app.status("auto").await, "HEALTHY");

    // Three days pass one by one: retention keeps the two newest automated backups.
    for _ in 0..3 {
        app.advance(24 * 3600).await;
        app.advance(31).await;
    }
    let all = backups().await;
    let automated: Vec<_> = all
        .iter()
        .filter(|b| b.backup_type == Some(BackupType::Automated))
        .collect();
    assert_eq!(automated.len(), 2, "{all:?}");
    assert_eq!(
        all.iter()
            .filter(|b| b.backup_type == Some(BackupType::Manual))
            .count(),
        1,
        "manual backups are never pruned"
    );
    let events = app.event_messages("auto").await;
    assert!(
        events
            .iter()
            .any(|e| e.contains("Automated backup") && e.contains("deleted")),
        "{events:?}"
    );

    // A clock jump over several windows runs one backup, not a burst.
    let before = backups().await.len();
    app.advance(5 * 24 * 3600).await;
    app.advance(31).await;
    let after = backups().await;
    let ok_automated = after
        .iter()
        .filter(|b| b.backup_type == Some(BackupType::Automated))
        .count();
    assert_eq!(ok_automated, 2);
    assert!(after.len() <= before + 1);

    // Turning automated backups off stops them.
    app.update_server("auto")
        .disable_automated_backup(true)
        .send()
        .await
        .unwrap();
    let count = backups().await.len();
    app.advance(3 * 24 * 3600).await;
    assert_eq!(backups().await.len(), count);
}
