//! CloudHSM v2 backup resource policies through the real
//! `aws-sdk-cloudhsmv2` client: put, get, replace and delete, every error,
//! and what happens to a policy over a restart, a copy and a purge.

use aws_sdk_cloudhsmv2::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cloudhsmv2::types::BackupState;

use crate::cloudhsm::{
    active_cluster, app_with_active_cluster, backups_by, backups_of, hsm_client,
};
use crate::helpers::*;

const DAY: u64 = 24 * 3600;
const OTHER_ACCOUNT: &str = "111122223333";

/// A policy sharing `arn` with another account, spread over several lines
/// so a verbatim round trip is visible.
fn share_policy(arn: &str) -> String {
    format!(
        r#"{{
  "Version": "2012-10-17",
  "Statement": [{{
    "Effect": "Allow",
    "Principal": {{"AWS": "arn:aws:iam::{OTHER_ACCOUNT}:root"}},
    "Action": ["cloudhsm:CreateCluster", "cloudhsm:DescribeBackups"],
    "Resource": "{arn}"
  }}]
}}"#
    )
}

/// Code and message of a failed call.
fn failure<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> (String, String) {
    (
        err.code().unwrap_or("<none>").to_owned(),
        err.message().unwrap_or_default().to_owned(),
    )
}

/// An ACTIVE cluster's first READY backup: `(backup id, backup ARN)`.
async fn ready_backup(app: &TestApp, hsm: &aws_sdk_cloudhsmv2::Client) -> (String, String) {
    let (cluster_id, _) = active_cluster(app, hsm).await;
    let backup = backups_of(hsm, &cluster_id).await.remove(0);
    assert_eq!(backup.backup_state, Some(BackupState::Ready));
    (backup.backup_id, backup.backup_arn.unwrap())
}

async fn policy_of(hsm: &aws_sdk_cloudhsmv2::Client, arn: &str) -> Option<String> {
    hsm.get_resource_policy()
        .resource_arn(arn)
        .send()
        .await
        .unwrap()
        .policy
}

#[tokio::test]
async fn a_backup_policy_is_put_read_replaced_and_deleted() {
    let app = TestApp::spawn().await;
    let hsm = hsm_client(&app, "us-east-1");
    let (id, arn) = ready_backup(&app, &hsm).await;
    assert_eq!(policy_of(&hsm, &arn).await, None, "no policy yet");

    let first = share_policy(&arn);
    let put = put_policy(&hsm, &arn, &first).await;
    assert_eq!(put.resource_arn.as_deref(), Some(arn.as_str()));
    assert_eq!(put.policy.as_deref(), Some(first.as_str()));
    assert_eq!(
        policy_of(&hsm, &arn).await.as_deref(),
        Some(first.as_str()),
        "returned verbatim"
    );

    let second = r#"{"Statement":{"Effect":"Deny","Principal":"*","Action":"cloudhsm:*"}}"#;
    put_policy(&hsm, &arn, second).await;
    assert_eq!(
        policy_of(&hsm, &arn).await.as_deref(),
        Some(second),
        "replaced"
    );

    // The backup itself is unchanged, and a policy share is not a backup
    // shared with this account.
    let listed = backups_of(&hsm, &backup_cluster(&hsm, &id).await).await;
    assert!(listed.iter().any(|b| b.backup_id == id));
    let shared = hsm.describe_backups().shared(true).send().await.unwrap();
    assert!(shared.backups.unwrap().is_empty());

    let deleted = delete_policy(&hsm, &arn).await;
    assert_eq!(deleted.resource_arn.as_deref(), Some(arn.as_str()));
    assert_eq!(
        deleted.policy.as_deref(),
        Some(second),
        "answers what it removed"
    );
    assert_eq!(policy_of(&hsm, &arn).await, None);
    let again = delete_policy(&hsm, &arn).await;
    assert_eq!(again.resource_arn.as_deref(), Some(arn.as_str()));
    assert_eq!(again.policy, None, "nothing left to remove");
}

/// PutResourcePolicy of `policy` on the backup `arn`, which succeeds.
async fn put_policy(
    hsm: &aws_sdk_cloudhsmv2::Client,
    arn: &str,
    policy: &str,
) -> aws_sdk_cloudhsmv2::operation::put_resource_policy::PutResourcePolicyOutput {
    let request = hsm.put_resource_policy().resource_arn(arn).policy(policy);
    request.send().await.unwrap()
}

/// DeleteResourcePolicy of the backup `arn`, which succeeds.
async fn delete_policy(
    hsm: &aws_sdk_cloudhsmv2::Client,
    arn: &str,
) -> aws_sdk_cloudhsmv2::operation::delete_resource_policy::DeleteResourcePolicyOutput {
    hsm.delete_resource_policy()
        .resource_arn(arn)
        .send()
        .await
        .unwrap()
}

async fn backup_cluster(hsm: &aws_sdk_cloudhsmv2::Client, backup_id: &str) -> String {
    backups_by(hsm, "backupIds", vec![backup_id.to_owned()])
        .await
        .remove(0)
        .cluster_id
        .unwrap()
}

#[tokio::test]
async fn bad_policy_requests_are_answered_with_cloudhsm_errors() {
    let app = TestApp::spawn().await;
    let hsm = hsm_client(&app, "us-east-1");
    let (id, arn) = ready_backup(&app, &hsm).await;
    let policy = share_policy(&arn);
    let put = |arn: String, policy: String| {
        let hsm = hsm.clone();
        async move {
            let err = hsm
                .put_resource_policy()
                .resource_arn(arn)
                .policy(policy)
                .send()
                .await
                .unwrap_err();
            failure(&err)
        }
    };

    // Constraints of the model.
    let (code, message) = put("backup-abcdefghijk".into(), policy.clone()).await;
    assert_eq!(code, "CloudHsmInvalidRequestException");
    assert!(
        message.starts_with("1 validation error detected: Value 'backup-abcdefghijk' at 'resourceArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws"),
        "{message}"
    );
    let (code, message) = put(arn.clone(), String::new()).await;
    assert_eq!(code, "CloudHsmInvalidRequestException");
    assert!(
        message.contains("at 'policy' failed to satisfy constraint: Member must have length greater than or equal to 1"),
        "{message}"
    );
    let (code, message) = put(arn.clone(), "x".repeat(20_001)).await;
    assert_eq!(code, "CloudHsmInvalidRequestException");
    assert!(
        message.contains("Member must have length less than or equal to 20000"),
        "{message}"
    );

    // The document itself.
    for (text, expected) in [
        ("{\"Statement\": [", "not valid JSON"),
        ("[]", "must be a JSON object"),
        (r#"{"Version":"2012-10-17"}"#, "at least one Statement"),
        (
            r#"{"Statement":[{"Effect":"Maybe"}]}"#,
            "Effect of Allow or Deny",
        ),
    ] {
        let (code, message) = put(arn.clone(), text.to_owned()).await;
        assert_eq!(code, "CloudHsmInvalidRequestException", "{text}");
        assert!(message.contains(expected), "{text}: {message}");
    }

    // Only backups, of this account and region, that exist.
    for other in [
        "arn:aws:cloudhsm:us-east-1:123456789012:cluster/cluster-abcdefghijk",
        "arn:aws:cloudhsm:us-east-1:123456789012:hsm/hsm-abcdefghijk",
    ] {
        let (code, message) = put(other.into(), policy.clone()).await;
        assert_eq!(code, "CloudHsmInvalidRequestException", "{other}");
        assert!(message.contains("only for backups"), "{message}");
    }
    let foreign = arn.replace("123456789012", OTHER_ACCOUNT);
    let (code, _) = put(foreign.clone(), policy.clone()).await;
    assert_eq!(code, "CloudHsmAccessDeniedException");
    let unknown = arn.replace(&id, "backup-abcdefghijk");
    let (code, message) = put(unknown.clone(), policy.clone()).await;
    assert_eq!(code, "CloudHsmResourceNotFoundException");
    assert_eq!(message, "Backup backup-abcdefghijk not found.");
    let (code, _) = put(arn.replace("us-east-1", "eu-west-1"), policy.clone()).await;
    assert_eq!(
        code, "CloudHsmResourceNotFoundException",
        "ARN of another region"
    );
    let west = hsm_client(&app, "eu-west-1");
    for err in [
        failure(
            &west
                .get_resource_policy()
                .resource_arn(&arn)
                .send()
                .await
                .unwrap_err(),
        ),
        failure(
            &hsm.get_resource_policy()
                .resource_arn(&unknown)
                .send()
                .await
                .unwrap_err(),
        ),
        failure(
            &hsm.delete_resource_policy()
                .resource_arn(&unknown)
                .send()
                .await
                .unwrap_err(),
        ),
    ] {
        assert_eq!(err.0, "CloudHsmResourceNotFoundException", "{err:?}");
    }
    let (code, _) = failure(
        &hsm.delete_resource_policy()
            .resource_arn(&foreign)
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(code, "CloudHsmAccessDeniedException");

    // Missing members (the model marks none required; the service does).
    let target = |op: &str| format!("BaldrApiService.{op}");
    for (op, body, member) in [
        ("GetResourcePolicy", "{}".to_owned(), "resourceArn"),
        ("DeleteResourcePolicy", "{}".to_owned(), "resourceArn"),
        (
            "PutResourcePolicy",
            serde_json::json!({ "Policy": policy }).to_string(),
            "resourceArn",
        ),
        (
            "PutResourcePolicy",
            serde_json::json!({ "ResourceArn": arn }).to_string(),
            "policy",
        ),
    ] {
        let r = raw(
            app.addr,
            "POST",
            "/",
            &[
                ("X-Amz-Target", &target(op)),
                ("Content-Type", "application/x-amz-json-1.1"),
            ],
            &body,
        )
        .await;
        assert_eq!(r.status, 400, "{op}: {}", r.body);
        assert_eq!(r.json()["__type"], "CloudHsmInvalidRequestException");
        assert_eq!(
            r.json()["message"],
            format!(
                "1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
            ),
            "{op}"
        );
    }

    // Only a READY backup can be shared; a policy it has stays readable.
    put_policy(&hsm, &arn, &policy).await;
    hsm.delete_backup().backup_id(&id).send().await.unwrap();
    let (code, message) = put(arn.clone(), policy.clone()).await;
    assert_eq!(code, "CloudHsmInvalidRequestException");
    assert!(message.contains("PENDING_DELETION"), "{message}");
    assert_eq!(
        policy_of(&hsm, &arn).await.as_deref(),
        Some(policy.as_str())
    );

    // The console door answers the same, in the shared envelope.
    let r = post_json(
        app.addr,
        "/api/cloudhsmv2/GetResourcePolicy",
        &serde_json::json!({ "ResourceArn": unknown }).to_string(),
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.json()["code"], "CloudHsmResourceNotFoundException");
    let r = post_json(
        app.addr,
        "/api/cloudhsmv2/GetResourcePolicy",
        &serde_json::json!({ "ResourceArn": arn }).to_string(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json(), serde_json::json!({ "Policy": policy }));
}

#[tokio::test]
async fn a_backup_still_being_created_cannot_be_shared() {
    let (app, hsm, cluster_id) = app_with_active_cluster().await;
    // A daily backup starts CREATE_IN_PROGRESS a day after activation (at
    // its own time, even when the clock jumps past it): catch it while it
    // runs.
    app.advance(DAY - 120).await;
    let mut creating = None;
    for _ in 0..30 {
        app.advance(10).await;
        creating = backups_of(&hsm, &cluster_id)
            .await
            .into_iter()
            .find(|b| b.backup_state == Some(BackupState::CreateInProgress));
        if creating.is_some() {
            break;
        }
    }
    let creating = creating.expect("the daily backup is being created");
    let arn = creating.backup_arn.unwrap();
    let err = hsm
        .put_resource_policy()
        .resource_arn(&arn)
        .policy(share_policy(&arn))
        .send()
        .await
        .unwrap_err();
    let (code, message) = failure(&err);
    assert_eq!(code, "CloudHsmInvalidRequestException");
    assert!(message.contains("CREATE_IN_PROGRESS"), "{message}");
    app.advance(31).await;
    hsm.put_resource_policy()
        .resource_arn(&arn)
        .policy(share_policy(&arn))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn a_policy_survives_a_restart_is_not_copied_and_goes_with_its_backup() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite3");
    let (id, arn) = {
        let app = TestApp::spawn_at(&path).await;
        let hsm = hsm_client(&app, "us-east-1");
        let (id, arn) = ready_backup(&app, &hsm).await;
        hsm.put_resource_policy()
            .resource_arn(&arn)
            .policy(share_policy(&arn))
            .send()
            .await
            .unwrap();
        (id, arn)
    };
    {
        let app = TestApp::spawn_at(&path).await;
        let hsm = hsm_client(&app, "us-east-1");
        assert_eq!(
            policy_of(&hsm, &arn).await,
            Some(share_policy(&arn)),
            "a put is durable"
        );
        delete_policy(&hsm, &arn).await;
    }
    let app = TestApp::spawn_at(&path).await;
    let hsm = hsm_client(&app, "us-east-1");
    assert_eq!(policy_of(&hsm, &arn).await, None, "a delete is durable");
    hsm.put_resource_policy()
        .resource_arn(&arn)
        .policy(share_policy(&arn))
        .send()
        .await
        .unwrap();

    hsm.copy_backup_to_region()
        .backup_id(&id)
        .destination_region("eu-west-1")
        .send()
        .await
        .unwrap();
    app.advance(61).await;
    let west = hsm_client(&app, "eu-west-1");
    let copy = backups_by(&west, "sourceBackupIds", vec![id.clone()])
        .await
        .remove(0);
    let copy_arn = copy.backup_arn.unwrap();
    assert_eq!(
        policy_of(&west, &copy_arn).await,
        None,
        "a copy starts unshared"
    );

    hsm.delete_backup().backup_id(&id).send().await.unwrap();
    app.advance(8 * DAY).await;
    let err = hsm
        .get_resource_policy()
        .resource_arn(&arn)
        .send()
        .await
        .unwrap_err();
    assert_eq!(failure(&err).0, "CloudHsmResourceNotFoundException");
}
