//! Resource policies: PutResourcePolicy, GetResourcePolicy,
//! DeleteResourcePolicy.
//!
//! Only backups take a policy (the ARN pattern also admits clusters and
//! HSMs, which the service refuses); only a READY backup can be shared, and
//! only by its own account in its own region. The policy is kept with the
//! backup record, goes when the backup is purged and is not copied by
//! CopyBackupToRegion. A policy does not make the backup show up under
//! DescribeBackups `Shared`: that lists backups other accounts share with
//! this one, and a policy-made share reaches them only once AWS RAM promotes
//! it, which is outside this simulator.

use shared::cloudhsmv2::{
    ArnResourceType, BackupState, CloudHsmArn, DeleteResourcePolicyRequest,
    DeleteResourcePolicyResponse, GetResourcePolicyRequest, GetResourcePolicyResponse,
    PutResourcePolicyRequest, PutResourcePolicyResponse,
};

use super::backups::backup_arn;
use super::records::BackupRecord;
use super::records::RecordChanges as _;
use super::{access_denied, invalid, not_found};
use crate::error::ServiceError;
use crate::sim::CloudHsm;
use shared::cloudhsmv2::ops;
use shared::operation::Handles;

/// The AWS message for a member a request must carry.
fn missing(member: &str) -> ServiceError {
    invalid(format!(
        "1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
    ))
}

/// The backup a policy request names, after checking that the ARN names a
/// backup of this account in the request's region.
fn backup_id<'a>(
    arn: Option<&'a CloudHsmArn>,
    region: &str,
    account: &str,
) -> Result<&'a str, ServiceError> {
    let arn = arn.ok_or_else(|| missing("resourceArn"))?;
    let parts = arn.parts();
    if parts.resource_type != ArnResourceType::Backup {
        return Err(invalid(format!(
            "Invalid resource ARN {arn}: resource policies are supported only for backups, not for a {}.",
            parts.resource_type.as_str()
        )));
    }
    let id = parts.resource_id;
    if parts.account != account {
        return Err(access_denied(format!(
            "Backup {id} belongs to account {}: only the account that owns a backup can manage its resource policy.",
            parts.account
        )));
    }
    if parts.region != region {
        return Err(not_found(format!(
            "Backup {id} not found in {region}: the ARN names region {}.",
            parts.region
        )));
    }
    Ok(id)
}

/// The backup's ARN as DescribeBackups shows it.
fn arn_of(rec: &BackupRecord, account: &str) -> String {
    rec.backup
        .backup_arn
        .clone()
        .unwrap_or_else(|| backup_arn(&rec.region, account, &rec.backup.backup_id))
}

impl Handles<ops::PutResourcePolicy> for CloudHsm<'_> {
    /// PutResourcePolicy: attaches `Policy` to a READY backup, replacing
    /// the policy it had.
    async fn handle(
        &self,
        region: &str,
        req: PutResourcePolicyRequest,
    ) -> Result<PutResourcePolicyResponse, ServiceError> {
        let account = self.config.account_id.as_str();
        let arn = req
            .resource_arn
            .as_ref()
            .ok_or_else(|| missing("resourceArn"))?;
        let policy = req.policy.ok_or_else(|| missing("policy"))?;
        policy
            .check_document()
            .map_err(|err| invalid(err.to_string()))?;
        let id = backup_id(Some(arn), region, account)?;
        let policy = policy.into_inner();
        self.mutate(|state, changes| {
            let rec = state.cloudhsm.backup_mut(region, id)?;
            if rec.state() != BackupState::Ready {
                return Err(invalid(format!(
                    "Backup {id} is in state {}; only a READY backup can be shared.",
                    rec.state().as_str()
                )));
            }
            let resource_arn = arn_of(rec, account);
            if rec.resource_policy.as_deref() != Some(policy.as_str()) {
                rec.resource_policy = Some(policy.clone());
                changes.backup_stored(state, id);
            }
            Ok(PutResourcePolicyResponse {
                resource_arn: Some(resource_arn),
                policy: Some(policy),
            })
        })
        .await
    }
}

impl Handles<ops::GetResourcePolicy> for CloudHsm<'_> {
    /// GetResourcePolicy: the backup's policy; no `Policy` member when it
    /// has none.
    async fn handle(
        &self,
        region: &str,
        req: GetResourcePolicyRequest,
    ) -> Result<GetResourcePolicyResponse, ServiceError> {
        let id = backup_id(req.resource_arn.as_ref(), region, &self.config.account_id)?;
        self.read(|state| {
            let rec = state.cloudhsm.backup(region, id)?;
            Ok(GetResourcePolicyResponse {
                policy: rec.resource_policy.clone(),
            })
        })
    }
}

impl Handles<ops::DeleteResourcePolicy> for CloudHsm<'_> {
    /// DeleteResourcePolicy: removes the backup's policy and answers it;
    /// a backup without one answers without `Policy`.
    async fn handle(
        &self,
        region: &str,
        req: DeleteResourcePolicyRequest,
    ) -> Result<DeleteResourcePolicyResponse, ServiceError> {
        let account = self.config.account_id.as_str();
        let id = backup_id(req.resource_arn.as_ref(), region, account)?;
        self.mutate(|state, changes| {
            let rec = state.cloudhsm.backup_mut(region, id)?;
            let resource_arn = arn_of(rec, account);
            let policy = rec.resource_policy.take();
            if policy.is_some() {
                changes.backup_stored(state, id);
            }
            Ok(DeleteResourcePolicyResponse {
                resource_arn: Some(resource_arn),
                policy,
            })
        })
        .await
    }
}
