//! Server creation, description, lifecycle and their errors.

use crate::helpers::assert_fails;
use std::io::Read;

use aws_sdk_opsworkscm::types::ServerStatus;
use base64::Engine as _;

use crate::helpers::*;

fn unzip_names(b64: &str) -> (Vec<String>, zip::ZipArchive<std::io::Cursor<Vec<u8>>>) {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let names = archive.file_names().map(str::to_owned).collect();
    (names, archive)
}

#[tokio::test]
async fn chef_server_is_created_with_one_time_secrets_and_becomes_healthy() {
    let app = TestApp::spawn().await;
    let server = app.create_chef("chef-1").await;
    assert_eq!(server.status, Some(ServerStatus::Creating));
    let attrs = server.engine_attributes.clone().unwrap();
    let key = attr(&attrs, "CHEF_AUTOMATE_PIVOTAL_KEY").unwrap();
    assert!(key.contains("PRIVATE KEY-----"), "{key}");
    let password = attr(&attrs, "CHEF_AUTOMATE_ADMIN_PASSWORD").unwrap();
    assert!(shared::opsworkscm::AdminPassword::parse(password).is_ok());
    let (names, mut archive) = unzip_names(attr(&attrs, "CHEF_STARTER_KIT").unwrap());
    let config = names
        .iter()
        .find(|n| n.ends_with(".chef/config.rb"))
        .expect("config.rb in kit");
    let mut text = String::new();
    archive
        .by_name(config)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    let endpoint = server.endpoint.clone().unwrap();
    assert!(text.contains(&endpoint), "config.rb points at the endpoint");
    assert!(names.iter().any(|n| n.ends_with("README.md")));
    assert!(names.iter().any(|n| n.ends_with(".chef/private.pem")));

    // Documented defaults and generated names.
    assert_eq!(server.associate_public_ip_address, Some(true));
    assert_eq!(server.disable_automated_backup, Some(true));
    assert_eq!(server.backup_retention_count, Some(1));
    assert_eq!(server.engine_model.as_deref(), Some("Single"));
    assert_eq!(server.engine_version.as_deref(), Some("2"));
    let arn = server.server_arn.clone().unwrap();
    assert!(
        arn.starts_with("arn:aws:opsworks-cm:us-east-1:123456789012:server/chef-1/"),
        "{arn}"
    );
    assert!(
        endpoint.starts_with("chef-1-") && endpoint.ends_with(".us-east-1.opsworks-cm.io"),
        "{endpoint}"
    );
    assert!(
        server
            .cloud_formation_stack_arn
            .unwrap()
            .starts_with("arn:aws:cloudformation:us-east-1:123456789012:stack/")
    );
    let window = server.preferred_maintenance_window.unwrap();
    assert!(
        ["Tue:", "Wed:", "Fri:"]
            .iter()
            .any(|d| window.starts_with(d)),
        "{window}"
    );
    assert!(shared::opsworkscm::TimeWindow::parse(server.preferred_backup_window.unwrap()).is_ok());
    assert_eq!(server.security_group_ids.unwrap().len(), 1);

    // Secrets are returned once, never by Describe.
    let described = app.server("chef-1").await;
    assert!(described.engine_attributes.unwrap_or_default().is_empty());
    assert_eq!(described.status, Some(ServerStatus::Creating));

    app.advance(29).await;
    assert_eq!(app.status("chef-1").await, "CREATING");
    app.advance(32).await;
    assert_eq!(app.status("chef-1").await, "HEALTHY");
    let events = app.event_messages("chef-1").await;
    assert!(
        events[0].contains("creation completed"),
        "newest first: {events:?}"
    );
    assert!(events[3].contains("creation started"), "{events:?}");
}

#[tokio::test]
async fn puppet_server_returns_password_and_kit_and_describes_its_ca() {
    let app = TestApp::spawn().await;
    let server = app.create_puppet("puppet-1").await;
    let attrs = server.engine_attributes.unwrap();
    assert!(attr(&attrs, "PUPPET_ADMIN_PASSWORD").unwrap().len() >= 8);
    let (names, _) = unzip_names(attr(&attrs, "PUPPET_STARTER_KIT").unwrap());
    assert!(names.iter().any(|n| n.ends_with("README.md")), "{names:?}");
    assert_eq!(server.engine_model.as_deref(), Some("Monolithic"));
    assert_eq!(server.engine_version.as_deref(), Some("2019"));
    let described = app.server("puppet-1").await;
    let described_attrs = described.engine_attributes.unwrap();
    assert!(
        attr(&described_attrs, "PUPPET_API_CA_CERT")
            .unwrap()
            .contains("BEGIN CERTIFICATE")
    );
    assert!(attr(&described_attrs, "PUPPET_ADMIN_PASSWORD").is_none());
}

#[tokio::test]
async fn create_server_honours_every_given_parameter() {
    let app = TestApp::spawn().await;
    let server = member!(
        app.client
            .create_server()
            .engine("ChefAutomate")
            .engine_model("Single")
            .engine_version("2")
            .server_name("full")
            .instance_profile_arn(INSTANCE_PROFILE)
            .instance_type("r5.xlarge")
            .service_role_arn(SERVICE_ROLE)
            .key_pair("my-key")
            .associate_public_ip_address(false)
            .disable_automated_backup(false)
            .backup_retention_count(5)
            .preferred_maintenance_window("Mon:08:00")
            .preferred_backup_window("02:30")
            .security_group_ids("sg-0123456789abcdef0")
            .subnet_ids("subnet-01234567")
            .engine_attributes(
                aws_sdk_opsworkscm::types::EngineAttribute::builder()
                    .name("CHEF_AUTOMATE_ADMIN_PASSWORD")
                    .value("Sup3r$ecret")
                    .build(),
            ),
        server
    );
    assert_eq!(server.instance_type.as_deref(), Some("r5.xlarge"));
    assert_eq!(server.key_pair.as_deref(), Some("my-key"));
    assert_eq!(server.associate_public_ip_address, Some(false));
    assert_eq!(server.disable_automated_backup, Some(false));
    assert_eq!(server.backup_retention_count, Some(5));
    assert_eq!(
        server.preferred_maintenance_window.as_deref(),
        Some("Mon:08:00")
    );
    assert_eq!(server.preferred_backup_window.as_deref(), Some("02:30"));
    assert_eq!(server.security_group_ids.unwrap(), ["sg-0123456789abcdef0"]);
    assert_eq!(server.subnet_ids.unwrap(), ["subnet-01234567"]);
    let attrs = server.engine_attributes.unwrap();
    assert!(
        attr(&attrs, "CHEF_AUTOMATE_ADMIN_PASSWORD").is_none(),
        "a given password is not echoed"
    );
}

#[tokio::test]
async fn create_server_errors_follow_the_reference() {
    let app = TestApp::spawn().await;
    app.create_chef("dup").await;
    let base = || app.create_request("ChefAutomate", "");
    let weak = ea("CHEF_AUTOMATE_ADMIN_PASSWORD", "weak");
    let bad_key = ea("CHEF_PIVOTAL_KEY", "not a key");
    let refused = [
        (
            base().server_name("dup"),
            "ResourceAlreadyExistsException",
            "taken name",
        ),
        (
            base().server_name("1bad"),
            "ValidationException",
            "name pattern",
        ),
        (
            base().server_name("x".repeat(41)),
            "ValidationException",
            "name length",
        ),
        (
            base().server_name("ok").engine("Ansible"),
            "ValidationException",
            "engine",
        ),
        (
            base().server_name("ok").engine_version("99"),
            "ValidationException",
            "version",
        ),
        (
            base()
                .server_name("ok")
                .instance_profile_arn("arn:aws:iam::1:role/x"),
            "ValidationException",
            "instance profile ARN",
        ),
        (
            base()
                .server_name("ok")
                .preferred_backup_window("Mon:25:00"),
            "ValidationException",
            "backup window",
        ),
        (
            base().server_name("ok").backup_id("nope-20260101000000000"),
            "ResourceNotFoundException",
            "unknown backup",
        ),
        (
            base().server_name("ok").custom_domain("chef.example.com"),
            "ValidationException",
            "custom domain needs certificate and key",
        ),
        (
            base().server_name("ok").engine_attributes(weak),
            "ValidationException",
            "weak password",
        ),
        (
            base().server_name("ok").engine_attributes(bad_key),
            "ValidationException",
            "bad pivotal key",
        ),
    ];
    for (request, code, why) in refused {
        assert_fails!(request, code, "{why}");
    }
    assert_fails!(
        app.client.describe_servers().server_name("missing"),
        "ResourceNotFoundException"
    );
    // None of the refused requests left anything behind.
    let servers = app.all_servers().await;
    assert_eq!(servers.len(), 1);
}

#[tokio::test]
async fn the_server_limit_is_enforced() {
    let app = TestApp::spawn().await;
    for i in 0..10 {
        app.create_chef(&format!("s{i}")).await;
    }
    assert_fails!(
        app.create_request("Puppet", "eleven"),
        "LimitExceededException"
    );
}

#[tokio::test]
async fn maintenance_update_and_engine_attribute_reset_move_through_their_states() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.start_maintenance("m").send().await.err_code(),
        "ResourceNotFoundException"
    );
    app.create_chef("m").await;
    assert_eq!(
        app.start_maintenance("m").send().await.err_code(),
        "InvalidStateException",
        "not while CREATING"
    );
    app.advance(61).await;

    let s = member!(app.start_maintenance("m"), server);
    assert_eq!(s.status, Some(ServerStatus::UnderMaintenance));
    app.advance(61).await;
    let s = app.server("m").await;
    assert_eq!(s.status, Some(ServerStatus::Healthy));
    assert_eq!(s.maintenance_status.unwrap().as_str(), "SUCCESS");

    let s = member!(
        app.update_server("m")
            .backup_retention_count(3)
            .disable_automated_backup(false)
            .preferred_backup_window("Sun:03:15")
            .preferred_maintenance_window("Thu:04:00"),
        server
    );
    assert_eq!(s.backup_retention_count, Some(3));
    assert_eq!(s.preferred_backup_window.as_deref(), Some("Sun:03:15"));
    assert_eq!(
        s.status,
        Some(ServerStatus::Healthy),
        "UpdateServer is synchronous"
    );
    assert_fails!(
        app.update_server("m").backup_retention_count(0),
        "ValidationException"
    );

    let s = member!(
        app.update_server_engine_attributes("m")
            .attribute_name("CHEF_PIVOTAL_KEY"),
        server
    );
    assert_eq!(s.status, Some(ServerStatus::Modifying));
    let new_key = attr(s.engine_attributes.as_deref().unwrap(), "CHEF_PIVOTAL_KEY").unwrap();
    assert!(
        new_key.contains("PRIVATE KEY"),
        "a new pivotal key is returned once"
    );
    let keys_made = app.sim.crypto_runs();
    assert_fails!(
        app.update_server_engine_attributes("m")
            .attribute_name("CHEF_PIVOTAL_KEY"),
        "InvalidStateException",
        "one update at a time"
    );
    assert_eq!(
        app.sim.crypto_runs(),
        keys_made,
        "a refused update costs no key generation"
    );
    app.advance(21).await;
    assert_eq!(app.status("m").await, "HEALTHY");
    assert_fails!(
        app.update_server_engine_attributes("m")
            .attribute_name("PUPPET_ADMIN_PASSWORD"),
        "ValidationException",
        "not a Chef attribute"
    );
    assert_fails!(
        app.update_server_engine_attributes("m")
            .attribute_name("lower"),
        "ValidationException"
    );
}

#[tokio::test]
async fn delete_server_goes_through_deleting_and_removes_its_events() {
    let app = TestApp::spawn().await;
    app.healthy_chef("gone").await;
    app.delete_server("gone").send().await.unwrap();
    assert_eq!(app.status("gone").await, "DELETING");
    assert_eq!(
        app.delete_server("gone").send().await.err_code(),
        "InvalidStateException"
    );
    app.advance(31).await;
    assert_fails!(
        app.client.describe_servers().server_name("gone"),
        "ResourceNotFoundException"
    );
    assert_eq!(
        app.describe_events("gone").send().await.err_code(),
        "ResourceNotFoundException"
    );
    // The name is free again.
    app.create_chef("gone").await;
    let events = app.event_messages("gone").await;
    assert_eq!(events.len(), 1, "old events were deleted: {events:?}");
}

#[tokio::test]
async fn events_paginate_with_tokens_and_reject_forged_ones() {
    let app = TestApp::spawn().await;
    app.healthy_chef("ev").await;
    for _ in 0..3 {
        app.start_maintenance("ev").send().await.unwrap();
        app.advance(61).await;
    }
    let all = app.event_messages("ev").await;
    assert_eq!(all.len(), 10, "four of creation, two of each maintenance");
    let mut walked = Vec::new();
    let mut token = None;
    loop {
        let page = app
            .describe_events("ev")
            .max_results(3)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        let events = page.server_events.unwrap();
        assert!(events.len() <= 3);
        walked.extend(events.into_iter().filter_map(|e| e.message));
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(walked, all);
    assert_fails!(
        app.describe_events("ev").next_token("forged-token"),
        "InvalidNextTokenException"
    );

    // A token is bound to its request: another server's walk refuses it.
    app.healthy_chef("other").await;
    let first = app
        .describe_events("ev")
        .max_results(1)
        .send()
        .await
        .unwrap();
    assert_fails!(
        app.describe_events("other")
            .set_next_token(first.next_token.clone()),
        "InvalidNextTokenException"
    );

    // DescribeServers' MaxResults and NextToken are "not currently
    // implemented": every server comes back at once, with no NextToken, and
    // a token from elsewhere is ignored; the SDK paginator makes one call.
    for token in [None, first.next_token.clone(), Some("forged".to_owned())] {
        let all = app
            .client
            .describe_servers()
            .max_results(1)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        assert_eq!(all.next_token, None);
        let names: Vec<String> = all
            .servers
            .unwrap()
            .into_iter()
            .filter_map(|s| s.server_name)
            .collect();
        assert_eq!(names, ["ev", "other"]);
    }
    let paged: Vec<_> = every_item!(app.client.describe_servers().max_results(1));
    assert_eq!(paged.len(), 2);
    // The model's bound still holds.
    assert_eq!(
        wire(app.addr, "DescribeServers", r#"{"MaxResults":0}"#)
            .await
            .json()["__type"],
        "ValidationException"
    );
}

#[tokio::test]
async fn describe_backups_answers_every_backup_at_once() {
    let app = TestApp::spawn().await;
    app.healthy_chef("many").await;
    for _ in 0..3 {
        app.create_backup("many").send().await.unwrap();
        app.advance(31).await;
    }
    for token in [None, Some("forged".to_owned())] {
        let all = app
            .client
            .describe_backups()
            .server_name("many")
            .max_results(1)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        assert_eq!(all.next_token, None);
        let backups = all.backups.unwrap();
        assert_eq!(backups.len(), 3, "MaxResults is not implemented");
        assert!(
            backups
                .windows(2)
                .all(|w| w[0].created_at >= w[1].created_at),
            "newest first"
        );
    }
}

#[tokio::test]
async fn a_custom_domain_is_kept_beside_the_generated_endpoint_and_puppet_passwords_reset() {
    let app = TestApp::spawn().await;
    let certificate =
        "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ==\n-----END CERTIFICATE-----\n";
    let key = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n";
    let server = member!(
        app.create_request("Puppet", "custom")
            .custom_domain("puppet.example.com")
            .custom_certificate(certificate)
            .custom_private_key(key),
        server
    );
    assert_eq!(server.custom_domain.as_deref(), Some("puppet.example.com"));
    // "You cannot access the server by using the Endpoint value if the
    // server has a CustomDomain specified": the Endpoint stays generated.
    let endpoint = server.endpoint.as_deref().unwrap();
    assert!(
        endpoint.starts_with("custom-") && endpoint.ends_with(".us-east-1.opsworks-cm.io"),
        "{endpoint}"
    );
    assert_fails!(
        app.create_request("Puppet", "bad-domain")
            .custom_domain("-bad-.example")
            .custom_certificate(certificate)
            .custom_private_key(key),
        "ValidationException"
    );

    app.advance(61).await;
    let reset = member!(
        app.update_server_engine_attributes("custom")
            .attribute_name("PUPPET_ADMIN_PASSWORD"),
        server
    );
    assert_eq!(reset.status, Some(ServerStatus::Modifying));
    let password = attr(
        reset.engine_attributes.as_deref().unwrap(),
        "PUPPET_ADMIN_PASSWORD",
    )
    .unwrap();
    assert!(password.len() >= 8);
    app.advance(21).await;
    let described = app.server("custom").await;
    assert!(
        attr(
            described.engine_attributes.as_deref().unwrap(),
            "PUPPET_ADMIN_PASSWORD"
        )
        .is_none()
    );
    assert_fails!(
        app.update_server_engine_attributes("custom")
            .attribute_name("PUPPET_ADMIN_PASSWORD")
            .attribute_value("short"),
        "ValidationException"
    );
}
