//! RestoreServer and CreateServer from a backup bring back the server as it
//! was at the backup, on a new EC2 instance; a failed restore changes nothing.

use aws_sdk_opsworkscm::types::ServerStatus;

use crate::helpers::*;

/// Associates Chef node `node` with `server` and lets it finish.
async fn associate(app: &TestApp, server: &str, node: &str) {
    app.associate_node(server)
        .node_name(node)
        .engine_attributes(ea("CHEF_ORGANIZATION", "default"))
        .engine_attributes(ea("CHEF_NODE_PUBLIC_KEY", &node_public_key()))
        .send()
        .await
        .unwrap();
    app.advance(16).await;
}

/// Whether `node` is associated with `server` now: DisassociateNode answers
/// ResourceNotFoundException for a node that is not (the request is then
/// left to finish, so only call it last).
async fn is_associated(app: &TestApp, server: &str, node: &str) -> bool {
    let result = app
        .disassociate_node(server)
        .node_name(node)
        .engine_attributes(ea("CHEF_ORGANIZATION", "default"))
        .send()
        .await;
    match result {
        Ok(_) => true,
        Err(err) => {
            assert_eq!(code(&err), "ResourceNotFoundException");
            false
        }
    }
}

async fn post_fault(app: &TestApp, body: &str) {
    let response = post_json(app.addr, "/api/sim/faults", body).await;
    assert!(response.status < 300, "{}", response.body);
}

/// A HEALTHY Chef Automate 12 server with settings of its own, node `n1`
/// associated, and a finished backup; returns the backup id.
async fn server_with_backup(app: &TestApp, name: &str) -> String {
    app.create_request("ChefAutomate", name)
        .engine_version("12")
        .preferred_maintenance_window("Mon:08:00")
        .preferred_backup_window("02:00")
        .disable_automated_backup(false)
        .backup_retention_count(5)
        .key_pair("original")
        .security_group_ids("sg-0aaaaaaaaaaaaaaaa")
        .subnet_ids("subnet-0aaaaaaaaaaaaaaaa")
        .send()
        .await
        .unwrap();
    app.advance(61).await;
    associate(app, name, "n1").await;
    let id = app.start_backup(name).await;
    app.advance(31).await;
    id
}

#[tokio::test]
async fn a_restore_brings_back_the_server_as_it_was_at_the_backup_on_a_new_instance() {
    let app = TestApp::spawn().await;
    let id = server_with_backup(&app, "r").await;
    let before = app.server("r").await;

    // Everything changes after the backup: a major upgrade, new settings,
    // another node in place of the first.
    app.start_maintenance("r")
        .engine_attributes(ea("CHEF_MAJOR_UPGRADE", "true"))
        .send()
        .await
        .unwrap();
    app.advance(61).await;
    assert_eq!(app.server("r").await.engine_version.as_deref(), Some("2"));
    app.update_server("r")
        .preferred_maintenance_window("Fri:22:00")
        .preferred_backup_window("14:30")
        .disable_automated_backup(true)
        .backup_retention_count(2)
        .send()
        .await
        .unwrap();
    associate(&app, "r", "n2").await;

    let restoring = member!(app.restore_server("r").backup_id(&id), server);
    assert_eq!(restoring.status, Some(ServerStatus::Restoring));
    // Until the new instance is up, the server is described as it is.
    assert_eq!(restoring.engine_version.as_deref(), Some("2"));
    assert_fails_saying!(
        app.delete_backup(&id),
        "InvalidStateException",
        "being restored"
    );
    app.advance(61).await;

    let after = app.server("r").await;
    assert_eq!(after.status, Some(ServerStatus::Healthy));
    assert_eq!(
        after.engine_version.as_deref(),
        Some("12"),
        "from before the upgrade"
    );
    assert_eq!(
        after.preferred_maintenance_window.as_deref(),
        Some("Mon:08:00")
    );
    assert_eq!(after.preferred_backup_window.as_deref(), Some("02:00"));
    assert_eq!(after.disable_automated_backup, Some(false));
    assert_eq!(after.backup_retention_count, Some(5));
    assert_eq!(after.key_pair.as_deref(), Some("original"));
    assert_eq!(after.security_group_ids, before.security_group_ids);
    assert_eq!(after.subnet_ids, before.subnet_ids);
    assert_eq!(after.endpoint, before.endpoint, "the endpoint is kept");
    assert_eq!(after.server_arn, before.server_arn);

    // The new instance, and the old one kept, then terminated.
    let events = app.event_messages("r").await;
    let started = events
        .iter()
        .find(|m| m.starts_with(&format!("Restore from backup {id} started")))
        .unwrap();
    let new_instance = instance_in(started);
    let done = &events[0];
    assert!(
        done.contains(&format!("new instance {new_instance}")),
        "{done}"
    );
    assert!(done.contains("will be terminated"), "{done}");
    let old_instance = instance_in(done.split("previous instance").nth(1).unwrap());
    assert_ne!(old_instance, new_instance);
    app.advance(3601).await;
    assert_eq!(
        app.event_messages("r").await[0],
        format!("The previous EC2 instance {old_instance} was terminated.")
    );

    // The nodes are those associated at the backup.
    assert!(
        !is_associated(&app, "r", "n2").await,
        "n2 came after the backup"
    );
    assert!(
        is_associated(&app, "r", "n1").await,
        "n1 was there at the backup"
    );
}

/// The first EC2 instance id (`i-` and 17 hex digits) in `text`.
fn instance_in(text: &str) -> String {
    let at = text.find("i-").expect("an instance id");
    text[at..at + 19].to_owned()
}

#[tokio::test]
async fn the_request_overrides_the_backups_instance_type_and_key_pair() {
    let app = TestApp::spawn().await;
    let id = server_with_backup(&app, "o").await;
    app.restore_server("o")
        .backup_id(&id)
        .instance_type("r5.2xlarge")
        .key_pair("rescue")
        .send()
        .await
        .unwrap();
    app.advance(61).await;
    let s = app.server("o").await;
    assert_eq!(s.instance_type.as_deref(), Some("r5.2xlarge"));
    assert_eq!(s.key_pair.as_deref(), Some("rescue"));
    assert_eq!(s.engine_version.as_deref(), Some("12"));
}

#[tokio::test]
async fn a_failed_restore_leaves_the_server_as_it_was_on_its_old_instance() {
    let app = TestApp::spawn().await;
    let id = server_with_backup(&app, "f").await;
    app.update_server("f")
        .backup_retention_count(9)
        .send()
        .await
        .unwrap();
    post_fault(
        &app,
        r#"{"kind":"restore-fails","reason":"the engine did not start","count":1}"#,
    )
    .await;
    app.restore_server("f").backup_id(&id).send().await.unwrap();
    app.advance(61).await;
    let s = app.server("f").await;
    assert_eq!(
        s.status,
        Some(ServerStatus::Healthy),
        "the old instance serves"
    );
    assert_eq!(s.backup_retention_count, Some(9), "nothing was restored");
    let reason = s.status_reason.unwrap();
    assert!(reason.contains("the engine did not start"), "{reason}");
    let events = app.event_messages("f").await;
    assert!(
        events[0].contains("failed: the engine did not start")
            && events[0].contains("keeps serving"),
        "{events:?}"
    );
    // The fault was used up: a second attempt restores.
    app.restore_server("f").backup_id(&id).send().await.unwrap();
    app.advance(61).await;
    let s = app.server("f").await;
    assert_eq!(s.backup_retention_count, Some(5));
    assert_eq!(s.status_reason, None);
}

#[tokio::test]
async fn a_server_created_from_a_backup_starts_from_its_contents() {
    let app = TestApp::spawn().await;
    let id = server_with_backup(&app, "src").await;
    assert_fails_saying!(
        app.create_request("ChefAutomate", "wrong-version")
            .backup_id(&id)
            .engine_version("2"),
        "ValidationException",
        "version 12"
    );
    let created = member!(
        app.create_request("ChefAutomate", "copy")
            .backup_id(&id)
            .preferred_backup_window("05:00"),
        server
    );
    assert_eq!(created.engine_version.as_deref(), Some("12"));
    assert_eq!(
        created.preferred_maintenance_window.as_deref(),
        Some("Mon:08:00"),
        "from the backup"
    );
    assert_eq!(
        created.preferred_backup_window.as_deref(),
        Some("05:00"),
        "the request wins"
    );
    assert_eq!(created.backup_retention_count, Some(5));
    assert_eq!(created.disable_automated_backup, Some(false));
    assert_eq!(created.key_pair.as_deref(), Some("original"));
    assert_eq!(
        created.security_group_ids.as_deref(),
        Some(&["sg-0aaaaaaaaaaaaaaaa".to_owned()][..])
    );
    app.advance(61).await;
    assert!(
        is_associated(&app, "copy", "n1").await,
        "the backup's nodes"
    );
}
