//! Request (input) structures. Required members are not `Option`; unknown
//! members are ignored.

use serde::{Deserialize, Serialize};

use super::enums::{BackupRetentionType, ClusterMode, NetworkType};
use super::ids::{
    AvailabilityZone, BackupArn, BackupId, BackupRetentionValue, BackupsMaxResults, Cert,
    CloudHsmArn, ClusterId, ClustersMaxResults, EniId, HsmId, HsmType, IpAddress, NextToken,
    Region, ResourceId, SubnetId, TagsMaxResults,
};
use super::lists::{BoundedList, Filters};
use super::model::Tag;
use super::policy::ResourcePolicy;
use crate::validation::{TagKey, TagValue};

/// A tag sent to the service (`Tag` input).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagInput {
    /// Tag key, 1-128 characters.
    pub key: TagKey,
    /// Tag value, 0-256 characters.
    pub value: TagValue,
}

impl From<TagInput> for Tag {
    fn from(input: TagInput) -> Self {
        Self {
            key: input.key.into(),
            value: input.value.into(),
        }
    }
}

/// `TagList` input: 1-50 tags.
pub type TagList = BoundedList<TagInput, 1, 50>;
/// `TagKeyList` input: 1-50 keys.
pub type TagKeyList = BoundedList<TagKey, 1, 50>;
/// `SubnetIds` input: 1-10 subnets.
pub type SubnetIds = BoundedList<SubnetId, 1, 10>;

/// `BackupRetentionPolicy` input.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BackupRetentionPolicyInput {
    /// Only `DAYS`.
    pub r#type: Option<BackupRetentionType>,
    /// Days to keep backups, 7-379.
    pub value: Option<BackupRetentionValue>,
}

impl BackupRetentionPolicyInput {
    /// The number of days the policy keeps backups.
    ///
    /// # Errors
    /// When Type or Value is missing or Value is out of range, in the
    /// service's words.
    pub fn days(&self) -> Result<u32, String> {
        if self.r#type.is_none() {
            return Err(
                "Invalid backup retention policy: Type is required and must be DAYS.".into(),
            );
        }
        match &self.value {
            Some(value) => value.days(),
            None => Err("Invalid backup retention policy: Value is required.".into()),
        }
    }
}

/// CopyBackupToRegion input.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CopyBackupToRegionRequest {
    /// Where to copy the backup.
    pub destination_region: Region,
    /// The backup to copy.
    pub backup_id: BackupId,
    /// Tags for the copy (default: the source backup's tags).
    pub tag_list: Option<TagList>,
}

/// CreateCluster input.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateClusterRequest {
    /// How long backups are kept (default 90 days).
    pub backup_retention_policy: Option<BackupRetentionPolicyInput>,
    /// `hsm1.medium` or `hsm2m.medium`.
    pub hsm_type: HsmType,
    /// Restore the cluster from this backup (id or ARN).
    pub source_backup_id: Option<BackupArn>,
    /// One subnet per Availability Zone, all in one VPC.
    pub subnet_ids: SubnetIds,
    /// `IPV4` (default) or `DUALSTACK`.
    pub network_type: Option<NetworkType>,
    /// Tags for the cluster.
    pub tag_list: Option<TagList>,
    /// `FIPS` (default) or `NON_FIPS`.
    pub mode: Option<ClusterMode>,
}

/// CreateHsm input.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateHsmRequest {
    /// The HSM's cluster.
    pub cluster_id: ClusterId,
    /// One of the cluster's Availability Zones.
    pub availability_zone: AvailabilityZone,
    /// An address from the zone's subnet (default: one is chosen).
    pub ip_address: Option<IpAddress>,
}

/// DeleteBackup input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteBackupRequest {
    /// The backup to delete.
    pub backup_id: BackupId,
}

/// DeleteCluster input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteClusterRequest {
    /// The cluster to delete.
    pub cluster_id: ClusterId,
}

/// DeleteHsm input: the cluster plus one of HsmId, EniId or EniIp.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteHsmRequest {
    /// The HSM's cluster.
    pub cluster_id: ClusterId,
    /// The HSM.
    pub hsm_id: Option<HsmId>,
    /// The HSM's network interface.
    pub eni_id: Option<EniId>,
    /// The HSM's IP address.
    pub eni_ip: Option<IpAddress>,
}

/// DeleteResourcePolicy input. The model marks no member required; the
/// service answers a missing ResourceArn as an invalid request.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteResourcePolicyRequest {
    /// The backup whose policy to delete.
    pub resource_arn: Option<CloudHsmArn>,
}

/// DescribeBackups input.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeBackupsRequest {
    /// Pagination token.
    pub next_token: Option<NextToken>,
    /// Page size, 1-50.
    pub max_results: Option<BackupsMaxResults>,
    /// `backupIds`, `sourceBackupIds`, `clusterIds`, `states`, `neverExpires`.
    pub filters: Option<Filters>,
    /// Only backups other accounts shared with this one.
    pub shared: Option<bool>,
    /// Oldest first instead of newest first.
    pub sort_ascending: Option<bool>,
}

/// DescribeClusters input.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeClustersRequest {
    /// `clusterIds`, `vpcIds`, `states`.
    pub filters: Option<Filters>,
    /// Pagination token.
    pub next_token: Option<NextToken>,
    /// Page size, 1-25.
    pub max_results: Option<ClustersMaxResults>,
}

/// GetResourcePolicy input. The model marks no member required; the
/// service answers a missing ResourceArn as an invalid request.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetResourcePolicyRequest {
    /// The backup whose policy to read.
    pub resource_arn: Option<CloudHsmArn>,
}

/// InitializeCluster input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InitializeClusterRequest {
    /// The cluster to initialize.
    pub cluster_id: ClusterId,
    /// The cluster certificate: the cluster CSR signed by the customer's CA (PEM).
    pub signed_cert: Cert,
    /// The customer's CA certificate (PEM).
    pub trust_anchor: Cert,
}

/// ListTags input.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsRequest {
    /// A cluster id or backup id.
    pub resource_id: ResourceId,
    /// Pagination token.
    pub next_token: Option<NextToken>,
    /// Page size, 1-100.
    pub max_results: Option<TagsMaxResults>,
}

/// ModifyBackupAttributes input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ModifyBackupAttributesRequest {
    /// The backup.
    pub backup_id: BackupId,
    /// Exempt the backup from the cluster's retention policy.
    pub never_expires: bool,
}

/// ModifyCluster input.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ModifyClusterRequest {
    /// A new HSM type.
    pub hsm_type: Option<HsmType>,
    /// A new retention policy.
    pub backup_retention_policy: Option<BackupRetentionPolicyInput>,
    /// The cluster.
    pub cluster_id: ClusterId,
}

/// PutResourcePolicy input. The model marks no member required; the
/// service answers a missing ResourceArn or Policy as an invalid request.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutResourcePolicyRequest {
    /// The backup to attach the policy to (only backups take policies).
    pub resource_arn: Option<CloudHsmArn>,
    /// The policy document (JSON), replacing any policy the backup had.
    pub policy: Option<ResourcePolicy>,
}

/// RestoreBackup input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RestoreBackupRequest {
    /// A backup in PENDING_DELETION.
    pub backup_id: BackupId,
}

/// TagResource input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagResourceRequest {
    /// A cluster id or backup id.
    pub resource_id: ResourceId,
    /// Tags to add or overwrite.
    pub tag_list: TagList,
}

/// UntagResource input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UntagResourceRequest {
    /// A cluster id or backup id.
    pub resource_id: ResourceId,
    /// Keys of the tags to remove.
    pub tag_key_list: TagKeyList,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_cluster_parses_and_checks_constraints() {
        let req: CreateClusterRequest = serde_json::from_str(
            r#"{"HsmType":"hsm2m.medium","SubnetIds":["subnet-0a1b2c3d"],
                "BackupRetentionPolicy":{"Type":"DAYS","Value":"30"},
                "TagList":[{"Key":"team","Value":"pki"}],"Mode":"NON_FIPS","Unknown":1}"#,
        )
        .unwrap();
        assert_eq!(req.subnet_ids.len(), 1);
        assert_eq!(req.backup_retention_policy.unwrap().days(), Ok(30));
        assert_eq!(req.mode, Some(ClusterMode::NonFips));
        for bad in [
            r#"{"HsmType":"hsm1.medium","SubnetIds":[]}"#,
            r#"{"HsmType":"bad","SubnetIds":["subnet-0a1b2c3d"]}"#,
            r#"{"HsmType":"hsm1.medium","SubnetIds":["subnet-xyz"]}"#,
            r#"{"HsmType":"hsm1.medium","SubnetIds":["subnet-0a1b2c3d"],"TagList":[]}"#,
            r#"{"HsmType":"hsm1.medium","SubnetIds":["subnet-0a1b2c3d"],"Mode":"fips"}"#,
            r#"{"SubnetIds":["subnet-0a1b2c3d"]}"#,
        ] {
            assert!(
                serde_json::from_str::<CreateClusterRequest>(bad).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn retention_policy_days() {
        let policy = BackupRetentionPolicyInput {
            r#type: Some(BackupRetentionType::Days),
            value: Some(BackupRetentionValue::parse("6").unwrap()),
        };
        assert!(policy.days().unwrap_err().contains("between 7 and 379"));
        let untyped = BackupRetentionPolicyInput {
            r#type: None,
            value: Some(BackupRetentionValue::parse("9").unwrap()),
        };
        assert!(untyped.days().is_err());
    }

    #[test]
    fn resource_policy_requests_check_the_arn_and_the_length() {
        let arn = "arn:aws:cloudhsm:us-east-1:123456789012:backup/backup-ro5c4er4aac";
        let req: PutResourcePolicyRequest =
            serde_json::from_str(&format!(r#"{{"ResourceArn":"{arn}","Policy":"{{}}"}}"#)).unwrap();
        assert_eq!(req.resource_arn.unwrap().as_str(), arn);
        assert_eq!(req.policy.unwrap().as_str(), "{}");
        let empty: GetResourcePolicyRequest = serde_json::from_str("{}").unwrap();
        assert_eq!(empty.resource_arn, None);
        for bad in [
            r#"{"ResourceArn":"backup-ro5c4er4aac"}"#,
            r#"{"ResourceArn":"arn:aws:cloudhsm:us-east-1:123456789012:backup/backup-ro5c4er4aac","Policy":""}"#,
        ] {
            assert!(
                serde_json::from_str::<PutResourcePolicyRequest>(bad).is_err(),
                "{bad}"
            );
        }
        assert!(
            serde_json::from_str::<DeleteResourcePolicyRequest>(r#"{"ResourceArn":"x"}"#).is_err()
        );
    }

    #[test]
    fn describe_backups_round_trips() {
        let req: DescribeBackupsRequest = serde_json::from_str(
            r#"{"Filters":{"states":["READY"]},"MaxResults":5,"SortAscending":true}"#,
        )
        .unwrap();
        assert_eq!(req.max_results.unwrap().get(), 5);
        let json = serde_json::to_value(&req).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"Filters":{"states":["READY"]},"MaxResults":5,"SortAscending":true})
        );
        assert!(serde_json::from_str::<DescribeBackupsRequest>(r#"{"MaxResults":51}"#).is_err());
    }
}
