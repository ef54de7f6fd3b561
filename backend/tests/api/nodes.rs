//! Node association with real keys and CSRs.

use crate::helpers::assert_fails;
use aws_sdk_opsworkscm::types::NodeAssociationStatus;
use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair};
use x509_parser::pem::parse_x509_pem;

use crate::helpers::*;

fn node_csr(cn: &str) -> String {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec![cn.to_owned()]).unwrap();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    params.distinguished_name = dn;
    params.serialize_request(&key).unwrap().pem().unwrap()
}

#[tokio::test]
async fn a_chef_node_associates_with_its_public_key_and_disassociates() {
    let app = TestApp::spawn().await;
    app.create_chef("c").await;
    let key = node_public_key();
    assert_fails!(
        app.associate_node("c")
            .node_name("i-0a1b2c3d")
            .engine_attributes(ea("CHEF_ORGANIZATION", "default"))
            .engine_attributes(ea("CHEF_NODE_PUBLIC_KEY", &key)),
        "InvalidStateException",
        "only HEALTHY servers"
    );
    app.advance(61).await;

    let token = app
        .associate_node("c")
        .node_name("i-0a1b2c3d")
        .engine_attributes(ea("CHEF_ORGANIZATION", "default"))
        .engine_attributes(ea("CHEF_NODE_PUBLIC_KEY", &key))
        .token()
        .await;
    let status = |token: String| {
        app.client
            .describe_node_association_status()
            .server_name("c")
            .node_association_status_token(token)
            .send()
    };
    assert_eq!(
        status(token.clone()).await.unwrap().node_association_status,
        Some(NodeAssociationStatus::InProgress)
    );
    app.advance(16).await;
    assert_eq!(
        status(token.clone()).await.unwrap().node_association_status,
        Some(NodeAssociationStatus::Success)
    );
    assert_eq!(
        status("unknown".into()).await.err_code(),
        "ResourceNotFoundException"
    );

    for (attrs, why) in [
        (
            vec![
                ea("CHEF_ORGANIZATION", "default"),
                ea("CHEF_NODE_PUBLIC_KEY", "garbage"),
            ],
            "malformed key",
        ),
        (
            vec![
                ea("CHEF_ORGANIZATION", "other"),
                ea("CHEF_NODE_PUBLIC_KEY", &key),
            ],
            "unknown organization",
        ),
        (
            vec![ea("CHEF_NODE_PUBLIC_KEY", &key)],
            "missing organization",
        ),
        (vec![ea("PUPPET_NODE_CSR", "x")], "Puppet attribute on Chef"),
    ] {
        assert_fails!(
            app.associate_node("c")
                .node_name("n2")
                .set_engine_attributes(Some(attrs)),
            "ValidationException",
            "{why}"
        );
    }
    assert_fails!(
        app.associate_node("c")
            .node_name("bad name!")
            .engine_attributes(ea("CHEF_ORGANIZATION", "default")),
        "ValidationException"
    );

    let token = app
        .disassociate_node("c")
        .node_name("i-0a1b2c3d")
        .engine_attributes(ea("CHEF_ORGANIZATION", "default"))
        .token()
        .await;
    app.advance(16).await;
    assert_eq!(
        status(token).await.unwrap().node_association_status,
        Some(NodeAssociationStatus::Success)
    );
    assert_fails!(
        app.disassociate_node("c")
            .node_name("i-0a1b2c3d")
            .engine_attributes(ea("CHEF_ORGANIZATION", "default")),
        "ResourceNotFoundException",
        "no longer associated"
    );
}

#[tokio::test]
async fn a_puppet_csr_is_signed_by_the_servers_own_ca() {
    let app = TestApp::spawn().await;
    app.create_puppet("p").await;
    app.advance(61).await;
    let ca_pem = attr(
        &app.server("p").await.engine_attributes.unwrap(),
        "PUPPET_API_CA_CERT",
    )
    .unwrap()
    .to_owned();
    let token = app
        .associate_node("p")
        .node_name("web-01.example.com")
        .engine_attributes(ea("PUPPET_NODE_CSR", &node_csr("web-01.example.com")))
        .token()
        .await;
    let describe = || {
        app.client
            .describe_node_association_status()
            .server_name("p")
            .node_association_status_token(&token)
            .send()
    };
    let pending = describe().await.unwrap();
    assert!(
        pending.engine_attributes.unwrap_or_default().is_empty(),
        "no certificate before SUCCESS"
    );
    app.advance(16).await;
    let done = describe().await.unwrap();
    assert_eq!(
        done.node_association_status,
        Some(NodeAssociationStatus::Success)
    );
    let cert_pem = attr(&done.engine_attributes.unwrap(), "PUPPET_NODE_CERT")
        .unwrap()
        .to_owned();

    let (_, ca_block) = parse_x509_pem(ca_pem.as_bytes()).unwrap();
    let ca = ca_block.parse_x509().unwrap();
    let (_, cert_block) = parse_x509_pem(cert_pem.as_bytes()).unwrap();
    let cert = cert_block.parse_x509().unwrap();
    assert_eq!(cert.issuer(), ca.subject());
    assert!(cert.subject().to_string().contains("web-01.example.com"));
    cert.verify_signature(Some(ca.public_key()))
        .expect("signed by the server CA");

    // A tampered or malformed CSR is refused.
    let mut tampered = node_csr("n");
    let mid = tampered.len() / 2;
    let flipped = if &tampered[mid..=mid] == "A" {
        "B"
    } else {
        "A"
    };
    tampered.replace_range(mid..=mid, flipped);
    for bad in [
        tampered.as_str(),
        "-----BEGIN CERTIFICATE REQUEST-----\nzz\n-----END CERTIFICATE REQUEST-----",
        "nope",
    ] {
        assert_fails!(
            app.associate_node("p")
                .node_name("n")
                .engine_attributes(ea("PUPPET_NODE_CSR", bad)),
            "ValidationException"
        );
    }
}

#[tokio::test]
async fn finished_association_requests_and_old_events_are_pruned_to_their_caps() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    let app = TestApp::spawn_at(&db).await;
    app.healthy_chef("busy").await;
    let key = node_public_key();
    let mut tokens = Vec::new();
    for n in 0..600 {
        let token = app
            .associate_node("busy")
            .node_name(format!("i-{n:08x}"))
            .engine_attributes(ea("CHEF_ORGANIZATION", "default"))
            .engine_attributes(ea("CHEF_NODE_PUBLIC_KEY", &key))
            .token()
            .await;
        tokens.push(token);
    }
    app.advance(16).await;
    let status = |token: &str| {
        app.client
            .describe_node_association_status()
            .server_name("busy")
            .node_association_status_token(token)
            .send()
    };
    assert_eq!(
        status(&tokens[0]).await.err_code(),
        "ResourceNotFoundException",
        "the oldest is pruned"
    );
    assert_eq!(
        status(tokens.last().unwrap())
            .await
            .unwrap()
            .node_association_status,
        Some(NodeAssociationStatus::Success),
        "the newest is kept"
    );
    let events = app.event_messages("busy").await;
    assert!(
        events.len() <= 1_000,
        "at most 1,000 events per server, got {}",
        events.len()
    );
    assert!(events.len() >= 600, "{}", events.len());
    // The store pruned the same: read back, the state is as it was.
    drop(app);
    let app = TestApp::spawn_at(&db).await;
    assert_eq!(app.event_messages("busy").await, events);
    assert_fails!(
        app.client
            .describe_node_association_status()
            .server_name("busy")
            .node_association_status_token(&tokens[0]),
        "ResourceNotFoundException"
    );
}
