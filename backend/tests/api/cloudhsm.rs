//! CloudHSM v2 through the real `aws-sdk-cloudhsmv2` client: clusters, HSMs,
//! initialization, quotas, regions and the errors of each.

use crate::helpers::{assert_fails, assert_fails_saying};
use aws_sdk_cloudhsmv2::Client;
use aws_sdk_cloudhsmv2::config::retry::RetryConfig;
use aws_sdk_cloudhsmv2::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_cloudhsmv2::types::{
    BackupPolicy, BackupRetentionPolicy, BackupRetentionType, BackupState, Cluster, ClusterMode,
    ClusterState, HsmState, NetworkType, Tag,
};
use rcgen::{
    BasicConstraints, CertificateParams, CertificateSigningRequestParams, IsCa, Issuer, KeyPair,
};

use crate::helpers::*;

pub(crate) const SUBNET_A: &str = "subnet-0a1b2c3d4e5f60718";
pub(crate) const SUBNET_B: &str = "subnet-0a1b2c3d4e5f60719";

/// A CloudHSM client for `region` (retries off, so injected 500s show).
pub(crate) fn hsm_client(app: &TestApp, region: &str) -> Client {
    hsm_client_at(app.addr, region)
}

/// A CloudHSM client of the backend at `addr`, for `region`.
pub(crate) fn hsm_client_at(addr: std::net::SocketAddr, region: &str) -> Client {
    hsm_client_signed(addr, region, "AKIDTEST", "test-secret")
}

/// A client of `addr` in `region` signing with `key`/`secret`.
pub(crate) fn hsm_client_signed(
    addr: std::net::SocketAddr,
    region: &str,
    key: &str,
    secret: &str,
) -> Client {
    let config = aws_sdk_cloudhsmv2::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_owned()))
        .credentials_provider(Credentials::new(key, secret, None, None, "test"))
        .endpoint_url(format!("http://{addr}"))
        .retry_config(RetryConfig::disabled())
        .build();
    Client::from_conf(config)
}

pub(crate) async fn create_cluster(hsm: &Client) -> Cluster {
    cluster_created(
        hsm.create_cluster()
            .hsm_type("hsm2m.medium")
            .subnet_ids(SUBNET_A)
            .subnet_ids(SUBNET_B),
    )
    .await
}

pub(crate) async fn cluster(hsm: &Client, id: &str) -> Cluster {
    let mut clusters = member!(
        hsm.describe_clusters()
            .filters("clusterIds", vec![id.to_owned()]),
        clusters
    );
    assert_eq!(clusters.len(), 1, "cluster {id}");
    clusters.remove(0)
}

/// Signs `csr` with a fresh CA: `(signed certificate, trust anchor)`, PEM.
pub(crate) fn sign_csr(csr: &str) -> (String, String) {
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut params = CertificateParams::default();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let anchor = params.self_signed(&key).unwrap().pem();
    let issuer = Issuer::new(params, key);
    let signed = CertificateSigningRequestParams::from_pem(csr)
        .unwrap()
        .signed_by(&issuer)
        .unwrap()
        .pem();
    (signed, anchor)
}

/// An ACTIVE cluster with one ACTIVE HSM and its first backup READY.
pub(crate) async fn active_cluster(app: &TestApp, hsm: &Client) -> (String, String) {
    let id = create_cluster(hsm).await.cluster_id.unwrap();
    app.advance(61).await;
    let hsm_id = activate(app, hsm, &id).await;
    (id, hsm_id)
}

/// A fresh backend with an ACTIVE us-east-1 cluster (one ACTIVE HSM, its
/// first backup READY): the app, its us-east-1 client and the cluster's id.
pub(crate) async fn app_with_active_cluster() -> (TestApp, Client, String) {
    let app = TestApp::spawn().await;
    let hsm = hsm_client(&app, "us-east-1");
    let (cluster_id, _) = active_cluster(&app, &hsm).await;
    (app, hsm, cluster_id)
}

/// Takes the UNINITIALIZED cluster `id` of `app` to ACTIVE with one ACTIVE
/// HSM and its first backup READY; returns the HSM's id.
pub(crate) async fn activate(app: &TestApp, hsm: &Client, id: &str) -> String {
    let az = format!("{}a", region_of(hsm));
    let hsm_id = hsm
        .create_hsm()
        .cluster_id(id)
        .availability_zone(az)
        .send()
        .await
        .unwrap()
        .hsm
        .unwrap()
        .hsm_id;
    app.advance(61).await;
    let csr = cluster(hsm, id)
        .await
        .certificates
        .unwrap()
        .cluster_csr
        .unwrap();
    let (signed, anchor) = sign_csr(&csr);
    hsm.initialize_cluster()
        .cluster_id(id)
        .signed_cert(signed)
        .trust_anchor(anchor)
        .send()
        .await
        .unwrap();
    app.advance(31).await;
    app.advance(11).await;
    app.advance(31).await;
    assert_eq!(cluster(hsm, id).await.state, Some(ClusterState::Active));
    hsm_id
}

fn region_of(hsm: &Client) -> String {
    hsm.config().region().unwrap().to_string()
}

pub(crate) async fn backups_of(
    hsm: &Client,
    cluster_id: &str,
) -> Vec<aws_sdk_cloudhsmv2::types::Backup> {
    backups_by(hsm, "clusterIds", vec![cluster_id.to_owned()]).await
}

/// Every backup DescribeBackups lists in `hsm`'s region.
pub(crate) async fn all_hsm_backups(hsm: &Client) -> Vec<aws_sdk_cloudhsmv2::types::Backup> {
    hsm.describe_backups()
        .send()
        .await
        .unwrap()
        .backups
        .unwrap()
}

/// The cluster a CreateCluster `request` made.
pub(crate) async fn cluster_created(
    request: aws_sdk_cloudhsmv2::operation::create_cluster::builders::CreateClusterFluentBuilder,
) -> Cluster {
    request.send().await.unwrap().cluster.unwrap()
}

/// The backups DescribeBackups lists with filter `name` of `values`.
pub(crate) async fn backups_by(
    hsm: &Client,
    name: &str,
    values: Vec<String>,
) -> Vec<aws_sdk_cloudhsmv2::types::Backup> {
    hsm.describe_backups()
        .filters(name, values)
        .send()
        .await
        .unwrap()
        .backups
        .unwrap()
}

#[tokio::test]
async fn a_cluster_goes_from_creation_through_initialization_to_active_and_away() {
    let app = TestApp::spawn().await;
    let hsm = hsm_client(&app, "us-east-1");
    let created = cluster_created(
        hsm.create_cluster()
            .hsm_type("hsm2m.medium")
            .subnet_ids(SUBNET_A)
            .subnet_ids(SUBNET_B)
            .network_type(NetworkType::Ipv4)
            .tag_list(Tag::builder().key("team").value("pki").build().unwrap()),
    )
    .await;
    let id = created.cluster_id.clone().unwrap();
    assert!(id.starts_with("cluster-") && id.len() == 19, "{id}");
    assert_eq!(created.state, Some(ClusterState::CreateInProgress));
    assert_eq!(created.backup_policy, Some(BackupPolicy::Default));
    assert_eq!(
        created.backup_retention_policy,
        Some(
            BackupRetentionPolicy::builder()
                .r#type(BackupRetentionType::Days)
                .value("90")
                .build()
        )
    );
    assert_eq!(created.mode, Some(ClusterMode::Fips));
    assert_eq!(created.hsm_type.as_deref(), Some("hsm2m.medium"));
    let mapping = created.subnet_mapping.clone().unwrap();
    assert_eq!(
        mapping.get("us-east-1a").map(String::as_str),
        Some(SUBNET_A)
    );
    assert_eq!(
        mapping.get("us-east-1b").map(String::as_str),
        Some(SUBNET_B)
    );
    assert!(created.vpc_id.unwrap().starts_with("vpc-"));
    assert!(created.security_group.unwrap().starts_with("sg-"));
    assert_eq!(
        created.create_timestamp.unwrap().secs(),
        app.sim.now().timestamp()
    );
    assert_eq!(created.tag_list.unwrap()[0].key, "team");

    assert_fails!(
        hsm.create_hsm()
            .cluster_id(&id)
            .availability_zone("us-east-1a"),
        "CloudHsmInvalidRequestException",
        "not while creating"
    );
    app.advance(61).await;
    assert_eq!(
        cluster(&hsm, &id).await.state,
        Some(ClusterState::Uninitialized)
    );

    assert_fails_saying!(
        hsm.initialize_cluster()
            .cluster_id(&id)
            .signed_cert("x")
            .trust_anchor("y"),
        "CloudHsmInvalidRequestException",
        "no CSR yet"
    );

    assert_fails!(
        hsm.create_hsm()
            .cluster_id(&id)
            .availability_zone("us-east-1c"),
        "CloudHsmInvalidRequestException",
        "no subnet in that zone"
    );
    let new_hsm = member!(
        hsm.create_hsm()
            .cluster_id(&id)
            .availability_zone("us-east-1b")
            .ip_address("10.0.1.17"),
        hsm
    );
    assert!(new_hsm.hsm_id.starts_with("hsm-"));
    assert_eq!(new_hsm.state, Some(HsmState::CreateInProgress));
    assert_eq!(new_hsm.subnet_id.as_deref(), Some(SUBNET_B));
    assert_eq!(new_hsm.eni_ip.as_deref(), Some("10.0.1.17"));
    assert!(new_hsm.eni_id.as_deref().unwrap().starts_with("eni-"));
    app.advance(61).await;
    let uninitialized = cluster(&hsm, &id).await;
    assert_eq!(
        uninitialized.hsms.as_ref().unwrap()[0].state,
        Some(HsmState::Active)
    );
    let csr = uninitialized.certificates.unwrap().cluster_csr.unwrap();
    assert!(csr.starts_with("-----BEGIN CERTIFICATE REQUEST-----"));

    // A certificate for another key, or from another CA, does not initialize.
    let (signed, anchor) = sign_csr(&csr);
    let (_, other_anchor) = sign_csr(&csr);
    assert_fails!(
        hsm.initialize_cluster()
            .cluster_id(&id)
            .signed_cert(&signed)
            .trust_anchor(other_anchor),
        "CloudHsmInvalidRequestException"
    );
    let started = hsm
        .initialize_cluster()
        .cluster_id(&id)
        .signed_cert(&signed)
        .trust_anchor(&anchor)
        .send()
        .await
        .unwrap();
    assert_eq!(started.state, Some(ClusterState::InitializeInProgress));
    assert!(started.state_message.unwrap().contains("initializing"));
    app.advance(31).await;
    let initialized = cluster(&hsm, &id).await;
    assert_eq!(initialized.state, Some(ClusterState::Initialized));
    assert_eq!(
        initialized
            .certificates
            .unwrap()
            .cluster_certificate
            .as_deref(),
        Some(signed.as_str())
    );
    assert!(backups_of(&hsm, &id).await.is_empty());
    app.advance(11).await;
    assert_eq!(cluster(&hsm, &id).await.state, Some(ClusterState::Active));
    let backups = backups_of(&hsm, &id).await;
    assert_eq!(backups.len(), 1, "activation takes a backup");
    assert_eq!(backups[0].backup_state, Some(BackupState::CreateInProgress));

    // Deleting: HSMs first, then the cluster; its backups stay.
    assert_eq!(
        hsm.delete_cluster().cluster_id(&id).send().await.err_code(),
        "CloudHsmInvalidRequestException",
        "HSMs remain"
    );
    assert_eq!(
        hsm.delete_hsm().cluster_id(&id).send().await.err_code(),
        "CloudHsmInvalidRequestException",
        "which HSM?"
    );
    assert_fails!(
        hsm.delete_hsm().cluster_id(&id).eni_ip("10.9.9.9"),
        "CloudHsmResourceNotFoundException"
    );
    let deleted = hsm
        .delete_hsm()
        .cluster_id(&id)
        .eni_ip("10.0.1.17")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.hsm_id.as_deref(), Some(new_hsm.hsm_id.as_str()));
    let deleting = cluster(&hsm, &id).await;
    assert_eq!(
        deleting.hsms.unwrap()[0].state,
        Some(HsmState::DeleteInProgress)
    );
    assert_eq!(
        backups_of(&hsm, &id).await.len(),
        2,
        "removing an HSM takes a backup"
    );
    app.advance(31).await;
    assert!(cluster(&hsm, &id).await.hsms.unwrap().is_empty());
    let gone = hsm.delete_cluster().cluster_id(&id).send().await.unwrap();
    assert_eq!(
        gone.cluster.unwrap().state,
        Some(ClusterState::DeleteInProgress)
    );
    assert_eq!(
        hsm.delete_cluster().cluster_id(&id).send().await.err_code(),
        "CloudHsmInvalidRequestException",
        "already deleting"
    );
    app.advance(31).await;
    let listed = hsm.describe_clusters().send().await.unwrap();
    assert!(listed.clusters.unwrap().is_empty());
    assert_fails!(
        hsm.delete_cluster().cluster_id(&id),
        "CloudHsmResourceNotFoundException"
    );
    let backups = backups_of(&hsm, &id).await;
    assert_eq!(backups.len(), 2);
    assert!(
        backups
            .iter()
            .all(|b| b.backup_state == Some(BackupState::Ready))
    );
}

#[tokio::test]
async fn bad_cluster_requests_are_invalid_requests() {
    let app = TestApp::spawn().await;
    let hsm = hsm_client(&app, "us-east-1");
    let cases = [
        hsm.create_cluster()
            .hsm_type("hsm9.huge")
            .subnet_ids(SUBNET_A),
        hsm.create_cluster().hsm_type("hsm1").subnet_ids(SUBNET_A),
        hsm.create_cluster()
            .hsm_type("hsm1.medium")
            .subnet_ids("subnet-xyz"),
        hsm.create_cluster()
            .hsm_type("hsm1.medium")
            .subnet_ids(SUBNET_A)
            .subnet_ids(SUBNET_A),
        hsm.create_cluster()
            .hsm_type("hsm1.medium")
            .subnet_ids(SUBNET_A)
            .mode(ClusterMode::NonFips),
        hsm.create_cluster()
            .hsm_type("hsm1.medium")
            .subnet_ids(SUBNET_A)
            .backup_retention_policy(
                BackupRetentionPolicy::builder()
                    .r#type(BackupRetentionType::Days)
                    .value("6")
                    .build(),
            ),
        hsm.create_cluster()
            .hsm_type("hsm1.medium")
            .subnet_ids(SUBNET_A)
            .backup_retention_policy(
                BackupRetentionPolicy::builder()
                    .r#type(BackupRetentionType::Days)
                    .value("380")
                    .build(),
            ),
        hsm.create_cluster()
            .hsm_type("hsm1.medium")
            .subnet_ids(SUBNET_A)
            .source_backup_id("backup-notabackup"),
    ];
    for (i, request) in cases.into_iter().enumerate() {
        let err = request.send().await.unwrap_err();
        assert_eq!(
            code(&err),
            "CloudHsmInvalidRequestException",
            "case {i}: {err:?}"
        );
    }
    assert_fails!(
        hsm.create_cluster()
            .hsm_type("hsm1.medium")
            .subnet_ids(SUBNET_A)
            .source_backup_id("backup-abcdefghijk"),
        "CloudHsmResourceNotFoundException"
    );
    assert_fails!(
        hsm.create_cluster()
            .hsm_type("hsm1.medium")
            .subnet_ids(SUBNET_A)
            .tag_list(Tag::builder().key("aws:owner").value("x").build().unwrap()),
        "CloudHsmTagException"
    );
    assert_fails!(
        hsm.describe_clusters()
            .filters("colour", vec!["red".to_owned()]),
        "CloudHsmInvalidRequestException"
    );
    assert_fails!(
        hsm.describe_clusters()
            .filters("states", vec!["SLEEPING".to_owned()]),
        "CloudHsmInvalidRequestException"
    );
    assert_fails!(
        hsm.describe_clusters().max_results(26),
        "CloudHsmInvalidRequestException"
    );
    assert_fails!(
        hsm.delete_cluster().cluster_id("cluster-abcdefghijk"),
        "CloudHsmResourceNotFoundException"
    );
    assert_fails!(
        hsm.delete_cluster().cluster_id("cluster-1"),
        "CloudHsmInvalidRequestException"
    );
    let id = create_cluster(&hsm).await.cluster_id.unwrap();
    assert_eq!(
        hsm.modify_cluster().cluster_id(&id).send().await.err_code(),
        "CloudHsmInvalidRequestException",
        "nothing to modify"
    );
}

#[tokio::test]
async fn describe_clusters_filters_and_pages() {
    let app = TestApp::spawn().await;
    let hsm = hsm_client(&app, "us-east-1");
    let first = create_cluster(&hsm).await.cluster_id.unwrap();
    app.advance(61).await;
    let second = cluster_created(
        hsm.create_cluster()
            .hsm_type("hsm1.medium")
            .subnet_ids("subnet-0ffffffff"),
    )
    .await;
    let third = create_cluster(&hsm).await.cluster_id.unwrap();

    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let page = hsm
            .describe_clusters()
            .max_results(1)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        let clusters = page.clusters.unwrap();
        assert!(clusters.len() <= 1);
        seen.extend(clusters.into_iter().map(|c| c.cluster_id.unwrap()));
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    // Oldest first; clusters created at the same time in id order.
    let mut same_time = [second.cluster_id.clone().unwrap(), third.clone()];
    same_time.sort();
    assert_eq!(
        seen,
        [first.clone(), same_time[0].clone(), same_time[1].clone()]
    );

    let by_state = member!(
        hsm.describe_clusters()
            .filters("states", vec!["CREATE_IN_PROGRESS".to_owned()]),
        clusters
    );
    assert_eq!(by_state.len(), 2);
    let by_vpc = member!(
        hsm.describe_clusters()
            .filters("vpcIds", vec![second.vpc_id.clone().unwrap()]),
        clusters
    );
    assert_eq!(by_vpc.len(), 1);
    assert_eq!(by_vpc[0].cluster_id, second.cluster_id);
    assert_fails!(
        hsm.describe_clusters().max_results(1).next_token("forged"),
        "CloudHsmInvalidRequestException"
    );
}

#[tokio::test]
async fn regions_are_separate_and_quotas_hold_per_region() {
    let app = TestApp::spawn().await;
    let east = hsm_client(&app, "us-east-1");
    let west = hsm_client(&app, "eu-west-1");
    let mut ids = Vec::new();
    for _ in 0..4 {
        ids.push(create_cluster(&east).await.cluster_id.unwrap());
    }
    assert_fails!(
        east.create_cluster()
            .hsm_type("hsm1.medium")
            .subnet_ids(SUBNET_A),
        "CloudHsmResourceLimitExceededException"
    );
    let other = create_cluster(&west).await;
    assert!(other.subnet_mapping.unwrap().contains_key("eu-west-1a"));
    assert_eq!(
        west.describe_clusters()
            .send()
            .await
            .unwrap()
            .clusters
            .unwrap()
            .len(),
        1
    );
    assert_fails!(
        west.delete_cluster().cluster_id(&ids[0]),
        "CloudHsmResourceNotFoundException",
        "another region's cluster"
    );

    // Six HSMs per region.
    app.advance(61).await;
    for i in 0..6 {
        let zone = if i % 2 == 0 {
            "us-east-1a"
        } else {
            "us-east-1b"
        };
        east.create_hsm()
            .cluster_id(&ids[i % 2])
            .availability_zone(zone)
            .send()
            .await
            .unwrap();
    }
    assert_fails!(
        east.create_hsm()
            .cluster_id(&ids[2])
            .availability_zone("us-east-1a"),
        "CloudHsmResourceLimitExceededException"
    );
    west.create_hsm()
        .cluster_id(other.cluster_id.as_deref().unwrap())
        .availability_zone("eu-west-1a")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn hsms_per_cluster_are_limited_and_addresses_unique() {
    let app = TestApp::spawn_with_hsm_quotas(backend::sim::CloudHsmQuotas {
        hsms_per_cluster: 2,
        hsm_limit: 10,
        ..Default::default()
    })
    .await;
    let hsm = hsm_client(&app, "us-east-1");
    let id = create_cluster(&hsm).await.cluster_id.unwrap();
    app.advance(61).await;
    let first = member!(
        hsm.create_hsm()
            .cluster_id(&id)
            .availability_zone("us-east-1a"),
        hsm
    );
    assert_fails!(
        hsm.create_hsm()
            .cluster_id(&id)
            .availability_zone("us-east-1a")
            .ip_address(first.eni_ip.unwrap()),
        "CloudHsmInvalidRequestException",
        "address in use"
    );
    hsm.create_hsm()
        .cluster_id(&id)
        .availability_zone("us-east-1a")
        .send()
        .await
        .unwrap();
    assert_fails!(
        hsm.create_hsm()
            .cluster_id(&id)
            .availability_zone("us-east-1b"),
        "CloudHsmResourceLimitExceededException"
    );
    assert_fails!(
        hsm.delete_hsm().cluster_id(&id).hsm_id(&first.hsm_id),
        "CloudHsmInvalidRequestException",
        "still being created"
    );
}

#[tokio::test]
async fn modify_cluster_changes_retention_and_migrates_the_hsm_type() {
    let app = TestApp::spawn().await;
    let hsm = hsm_client(&app, "us-east-1");
    let id = cluster_created(
        hsm.create_cluster()
            .hsm_type("hsm1.medium")
            .subnet_ids(SUBNET_A),
    )
    .await
    .cluster_id
    .unwrap();
    let modified = member!(
        hsm.modify_cluster()
            .cluster_id(&id)
            .backup_retention_policy(
                BackupRetentionPolicy::builder()
                    .r#type(BackupRetentionType::Days)
                    .value("30")
                    .build(),
            ),
        cluster
    );
    assert_eq!(
        modified.backup_retention_policy.unwrap().value.as_deref(),
        Some("30")
    );
    assert_fails!(
        hsm.modify_cluster()
            .cluster_id(&id)
            .hsm_type("hsm2m.medium"),
        "CloudHsmInvalidRequestException",
        "not ACTIVE yet"
    );

    app.advance(61).await;
    hsm.create_hsm()
        .cluster_id(&id)
        .availability_zone("us-east-1a")
        .send()
        .await
        .unwrap();
    app.advance(61).await;
    let csr = cluster(&hsm, &id)
        .await
        .certificates
        .unwrap()
        .cluster_csr
        .unwrap();
    let (signed, anchor) = sign_csr(&csr);
    hsm.initialize_cluster()
        .cluster_id(&id)
        .signed_cert(signed)
        .trust_anchor(anchor)
        .send()
        .await
        .unwrap();
    app.advance(31).await;
    app.advance(11).await;
    let modified_at = app.sim.now();
    let migrating = member!(
        hsm.modify_cluster()
            .cluster_id(&id)
            .hsm_type("hsm2m.medium"),
        cluster
    );
    assert_eq!(migrating.state, Some(ClusterState::ModifyInProgress));
    app.advance(61).await;
    let migrated = cluster(&hsm, &id).await;
    assert_eq!(migrated.state, Some(ClusterState::Active));
    assert_eq!(migrated.hsm_type.as_deref(), Some("hsm2m.medium"));
    assert_eq!(
        migrated.hsms.unwrap()[0].hsm_type.as_deref(),
        Some("hsm2m.medium")
    );
    assert_eq!(
        migrated.hsm_type_rollback_expiration.unwrap().secs(),
        (modified_at + chrono::Duration::seconds(60) + chrono::Duration::days(7)).timestamp(),
        "seven days after the migration finished"
    );
    assert_fails!(
        hsm.modify_cluster().cluster_id(&id).hsm_type("hsm1.medium"),
        "CloudHsmInvalidRequestException",
        "no way back"
    );
}

#[tokio::test]
async fn the_wire_and_console_doors_speak_cloudhsm_errors() {
    let app = TestApp::spawn().await;
    let target = |op: &str| format!("BaldrApiService.{op}");
    let call = |op: String, body: &'static str| {
        let addr = app.addr;
        async move {
            raw(
                addr,
                "POST",
                "/",
                &[
                    ("X-Amz-Target", &op),
                    ("Content-Type", "application/x-amz-json-1.1"),
                ],
                body,
            )
            .await
        }
    };
    let r = call(target("DescribeBackups"), "{}").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("content-type"), Some("application/x-amz-json-1.1"));
    assert_eq!(r.json(), serde_json::json!({"Backups": []}));
    let r = call(target("DescribeHsms"), "{}").await;
    assert_eq!(r.json()["__type"], "UnknownOperationException");
    let r = call(target("DeleteBackup"), "{not json").await;
    assert_eq!(r.json()["__type"], "SerializationException");
    let r = call(target("DeleteBackup"), "{}").await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["__type"], "CloudHsmInvalidRequestException");
    assert!(
        r.json()["message"].as_str().unwrap().contains("backupId"),
        "{}",
        r.body
    );
    let r = call(target("DeleteBackup"), r#"{"BackupId":"backup-1"}"#).await;
    assert_eq!(r.json()["__type"], "CloudHsmInvalidRequestException");
    assert_eq!(
        r.header("x-amzn-errortype"),
        Some("CloudHsmInvalidRequestException")
    );
    let r = call(
        target("DeleteBackup"),
        r#"{"BackupId":"backup-abcdefghijk"}"#,
    )
    .await;
    assert_eq!(r.json()["__type"], "CloudHsmResourceNotFoundException");
    assert_eq!(r.json()["message"], "Backup backup-abcdefghijk not found.");

    // An unsigned request addresses --region; a signed one its scope's region.
    let west = hsm_client(&app, "eu-west-1");
    create_cluster(&west).await;
    let r = call(target("DescribeClusters"), "{}").await;
    assert_eq!(r.json()["Clusters"], serde_json::json!([]));
    let signed = raw(
        app.addr,
        "POST",
        "/",
        &[
            ("X-Amz-Target", "BaldrApiService.DescribeClusters"),
            ("Content-Type", "application/x-amz-json-1.1"),
            ("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20261124/eu-west-1/cloudhsm/aws4_request, SignedHeaders=host, Signature=0"),
        ],
        "{}",
    )
    .await;
    assert_eq!(signed.json()["Clusters"].as_array().unwrap().len(), 1);

    // The console door: the same operations, the region in X-Cmconsole-Region.
    let console = |region: &'static str| {
        let addr = app.addr;
        async move {
            raw(
                addr,
                "POST",
                "/api/cloudhsmv2/DescribeClusters",
                &[
                    ("Content-Type", "application/json"),
                    ("X-Cmconsole-Region", region),
                ],
                "{}",
            )
            .await
        }
    };
    let r = console("eu-west-1").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let listed = r.json();
    assert_eq!(
        listed["Clusters"][0]["SubnetMapping"]["eu-west-1a"],
        SUBNET_A
    );
    assert_eq!(listed["Clusters"][0]["State"], "CREATE_IN_PROGRESS");
    assert!(listed["Clusters"][0]["CreateTimestamp"].is_number());
    let r = console("mars-1").await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["code"], "CloudHsmInvalidRequestException");
    let r = post_json(
        app.addr,
        "/api/cloudhsmv2/DeleteCluster",
        r#"{"ClusterId":"cluster-abcdefghijk"}"#,
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["code"], "CloudHsmResourceNotFoundException");
    assert!(r.json()["requestId"].is_string());
}

#[tokio::test]
async fn injected_faults_answer_every_cloudhsm_error() {
    let app = TestApp::spawn().await;
    let hsm = hsm_client(&app, "us-east-1");
    for (code_name, status) in [
        ("CloudHsmInternalFailureException", 500),
        ("CloudHsmAccessDeniedException", 400),
        ("CloudHsmServiceException", 400),
    ] {
        let body = format!(
            r#"{{"kind":"error","code":"{code_name}","operation":"DescribeBackups","count":1}}"#
        );
        let r = post_json(app.addr, "/api/sim/faults", &body).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let err = hsm.describe_backups().send().await.unwrap_err();
        assert_eq!(code(&err), code_name);
        assert_eq!(err.raw_response().unwrap().status().as_u16(), status);
        let service = err.into_service_error();
        match code_name {
            "CloudHsmInternalFailureException" => {
                assert!(service.is_cloud_hsm_internal_failure_exception())
            }
            "CloudHsmAccessDeniedException" => {
                assert!(service.is_cloud_hsm_access_denied_exception())
            }
            _ => assert!(service.is_cloud_hsm_service_exception()),
        }
        hsm.describe_backups().send().await.unwrap();
    }
}
