//! SETUP, RUNNING and TERMINATED happen as they did on AWS, and every rule
//! of the reference that names them holds: creation goes CREATING → SETUP →
//! RUNNING → HEALTHY; a server whose EC2 instance was terminated outside the
//! service is TERMINATED until RestoreServer or DeleteServer.

use crate::helpers::*;

#[tokio::test]
async fn creation_goes_through_setup_and_running_before_healthy() {
    let app = TestApp::spawn().await;
    app.create_chef("staged").await;
    assert_eq!(app.status("staged").await, "CREATING");
    app.advance(31).await;
    assert_eq!(app.status("staged").await, "SETUP");
    // Nothing but changes of settings while the engine is being set up.
    assert_fails_saying!(
        app.create_backup("staged"),
        "InvalidStateException",
        "SETUP"
    );
    app.update_server("staged")
        .backup_retention_count(4)
        .send()
        .await
        .unwrap();
    app.advance(20).await;
    let running = app.server("staged").await;
    assert_eq!(running.status.unwrap().as_str(), "RUNNING");
    // "Backups can be created for servers in RUNNING, HEALTHY, and UNHEALTHY
    // states"; nodes wait for HEALTHY; so does maintenance.
    assert_fails_saying!(
        app.associate_node("staged")
            .node_name("n1")
            .engine_attributes(ea("CHEF_ORGANIZATION", "default"))
            .engine_attributes(ea("CHEF_NODE_PUBLIC_KEY", &node_public_key())),
        "InvalidStateException",
        "RUNNING"
    );
    assert_fails_saying!(
        app.start_maintenance("staged"),
        "InvalidStateException",
        "RUNNING"
    );
    app.create_backup("staged").send().await.unwrap();
    assert_eq!(app.status("staged").await, "BACKING_UP");
    // The first health check passes during the backup; the server is HEALTHY
    // once the backup is done.
    app.advance(31).await;
    assert_eq!(app.status("staged").await, "HEALTHY");
    let events = app.event_messages("staged").await;
    let order: Vec<usize> = [
        "creation started",
        "EC2 instance i-",
        "Chef Automate is set up",
        "creation completed",
    ]
    .iter()
    .map(|needle| {
        events
            .iter()
            .rposition(|e| e.contains(needle))
            .unwrap_or_else(|| panic!("no event says {needle:?}: {events:?}"))
    })
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] > w[1]),
        "newest first, in order: {events:?}"
    );
}

#[tokio::test]
async fn a_running_server_can_be_restored() {
    let app = TestApp::spawn().await;
    app.healthy_chef("source").await;
    let backup = app.start_backup("source").await;
    app.advance(31).await;
    app.create_chef("fresh").await;
    app.advance(51).await;
    assert_eq!(app.status("fresh").await, "RUNNING");
    // Another server's backup is refused, RUNNING is not.
    assert_fails_saying!(
        app.restore_server("fresh").backup_id(&backup),
        "ValidationException",
        "source"
    );
    let own = app.start_backup("fresh").await;
    app.advance(31).await;
    app.restore_server("fresh")
        .backup_id(&own)
        .send()
        .await
        .unwrap();
    assert_eq!(app.status("fresh").await, "RESTORING");
    app.advance(61).await;
    assert_eq!(app.status("fresh").await, "HEALTHY");
}

#[tokio::test]
async fn a_terminated_instance_leaves_only_restore_or_delete() {
    let app = TestApp::spawn().await;
    app.healthy_chef("lost").await;
    let backup = app.start_backup("lost").await;
    app.advance(31).await;
    let instance_event = app
        .event_messages("lost")
        .await
        .into_iter()
        .find(|e| e.contains("EC2 instance i-"))
        .unwrap();
    let r = app.set_health("lost", r#"{"status":"TERMINATED"}"#).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let server = app.server("lost").await;
    assert_eq!(server.status.unwrap().as_str(), "TERMINATED");
    let reason = server.status_reason.unwrap();
    assert!(reason.contains("terminated outside"), "{reason}");
    assert!(
        instance_event.contains(reason.split_whitespace().nth(2).unwrap()),
        "the reason names the instance: {reason} / {instance_event}"
    );

    // Nothing else changes a TERMINATED server.
    for (err, what) in [
        (
            app.create_backup("lost").send().await.err_code(),
            "CreateBackup",
        ),
        (
            app.update_server("lost")
                .backup_retention_count(2)
                .send()
                .await
                .err_code(),
            "UpdateServer",
        ),
        (
            app.start_maintenance("lost").send().await.err_code(),
            "StartMaintenance",
        ),
        (
            app.update_server_engine_attributes("lost")
                .attribute_name("CHEF_PIVOTAL_KEY")
                .send()
                .await
                .err_code(),
            "UpdateServerEngineAttributes",
        ),
        (
            app.export_server_engine_attribute("lost")
                .export_attribute_name("Userdata")
                .send()
                .await
                .err_code(),
            "ExportServerEngineAttribute",
        ),
        (
            app.associate_node("lost")
                .node_name("n1")
                .engine_attributes(ea("CHEF_ORGANIZATION", "default"))
                .engine_attributes(ea("CHEF_NODE_PUBLIC_KEY", &node_public_key()))
                .send()
                .await
                .err_code(),
            "AssociateNode",
        ),
    ] {
        assert_eq!(err, "InvalidStateException", "{what}");
    }
    // Neither health nor time brings it back.
    let r = app.set_health("lost", r#"{"status":"HEALTHY"}"#).await;
    assert_eq!(r.json()["code"], "InvalidStateException", "{}", r.body);
    app.advance(7 * 86_400).await;
    assert_eq!(app.status("lost").await, "TERMINATED");

    // RestoreServer "from TERMINATED" gives it a new instance.
    app.restore_server("lost")
        .backup_id(&backup)
        .send()
        .await
        .unwrap();
    assert_eq!(app.status("lost").await, "RESTORING");
    app.advance(61).await;
    let restored = app.server("lost").await;
    assert_eq!(restored.status.unwrap().as_str(), "HEALTHY");
    assert!(restored.status_reason.is_none());
    let done = app.event_messages("lost").await.remove(0);
    assert!(done.contains("completed"), "{done}");
    assert!(
        !done.contains("retired"),
        "a terminated instance is not retired again: {done}"
    );

    // A TERMINATED server can also be deleted.
    app.set_health("lost", r#"{"status":"TERMINATED"}"#).await;
    app.delete_server("lost").send().await.unwrap();
    app.advance(31).await;
    assert_eq!(
        app.client
            .describe_servers()
            .server_name("lost")
            .send()
            .await
            .err_code(),
        "ResourceNotFoundException"
    );
}

#[tokio::test]
async fn a_terminated_server_does_not_recover_on_its_own() {
    let app = TestApp::spawn().await;
    app.healthy_chef("kept").await;
    let r = app
        .set_health(
            "kept",
            r#"{"status":"TERMINATED","recoverAfterSeconds":60}"#,
        )
        .await;
    assert_eq!(r.json()["code"], "ValidationException", "{}", r.body);
    assert_eq!(app.status("kept").await, "HEALTHY", "nothing changed");
    let r = app
        .set_health(
            "kept",
            r#"{"status":"TERMINATED","reason":"Terminated by an AWS Config rule"}"#,
        )
        .await;
    assert_eq!(r.json()["StatusReason"], "Terminated by an AWS Config rule");
}
