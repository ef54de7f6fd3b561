//! Output data types: clusters, HSMs, backups, certificates, tags, as the
//! service returns them (member names and timestamps exactly as on the wire).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::enums::{
    BackupPolicy, BackupRetentionType, BackupState, ClusterMode, ClusterState, HsmState,
    NetworkType,
};

/// A tag (`Tag`): both members are required.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    /// Tag key.
    pub key: String,
    /// Tag value.
    pub value: String,
}

/// A backup of a cluster (`Backup`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Backup {
    /// The backup's id (required).
    pub backup_id: String,
    /// The backup's ARN.
    pub backup_arn: Option<String>,
    /// Lifecycle state.
    pub backup_state: Option<BackupState>,
    /// The cluster that was backed up.
    pub cluster_id: Option<String>,
    /// When the backup was created.
    #[serde(default, with = "crate::time::epoch_seconds_option")]
    pub create_timestamp: Option<DateTime<Utc>>,
    /// When the backup was copied from its source backup.
    #[serde(default, with = "crate::time::epoch_seconds_option")]
    pub copy_timestamp: Option<DateTime<Utc>>,
    /// Whether the cluster's retention policy leaves this backup alone.
    pub never_expires: Option<bool>,
    /// Region of the source backup of a copy.
    pub source_region: Option<String>,
    /// Id of the source backup of a copy.
    pub source_backup: Option<String>,
    /// Cluster of the source backup of a copy.
    pub source_cluster: Option<String>,
    /// When a PENDING_DELETION backup is deleted for good.
    #[serde(default, with = "crate::time::epoch_seconds_option")]
    pub delete_timestamp: Option<DateTime<Utc>>,
    /// The backup's tags (always present, `[]` when none).
    #[serde(default)]
    pub tag_list: Vec<Tag>,
    /// HSM type of the backed-up cluster.
    pub hsm_type: Option<String>,
    /// Mode of the backed-up cluster.
    pub mode: Option<ClusterMode>,
}

/// `BackupRetentionPolicy` as returned: `{"Type": "DAYS", "Value": "90"}`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BackupRetentionPolicy {
    /// Always `DAYS`.
    pub r#type: Option<BackupRetentionType>,
    /// Number of days, as a string.
    pub value: Option<String>,
}

/// A cluster's certificates (`Certificates`), all PEM.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Certificates {
    /// The cluster's certificate signing request, while UNINITIALIZED.
    pub cluster_csr: Option<String>,
    /// The certificate of the HSM that made the CSR.
    pub hsm_certificate: Option<String>,
    /// The HSM hardware certificate signed by AWS CloudHSM.
    pub aws_hardware_certificate: Option<String>,
    /// The HSM hardware certificate signed by the manufacturer.
    pub manufacturer_hardware_certificate: Option<String>,
    /// The cluster certificate the customer's CA issued (InitializeCluster).
    pub cluster_certificate: Option<String>,
}

/// A hardware security module (`Hsm`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Hsm {
    /// Availability Zone of the HSM.
    pub availability_zone: Option<String>,
    /// The HSM's cluster.
    pub cluster_id: Option<String>,
    /// The subnet of the HSM's network interface.
    pub subnet_id: Option<String>,
    /// The HSM's elastic network interface.
    pub eni_id: Option<String>,
    /// IPv4 address of the interface.
    pub eni_ip: Option<String>,
    /// IPv6 address of the interface (DUALSTACK clusters).
    pub eni_ip_v6: Option<String>,
    /// The HSM's id (required).
    pub hsm_id: String,
    /// HSM type.
    pub hsm_type: Option<String>,
    /// Lifecycle state.
    pub state: Option<HsmState>,
    /// Why the HSM is in its state.
    pub state_message: Option<String>,
}

/// A cluster of HSMs (`Cluster`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Cluster {
    /// Always `DEFAULT`.
    pub backup_policy: Option<BackupPolicy>,
    /// How long backups are kept.
    pub backup_retention_policy: Option<BackupRetentionPolicy>,
    /// The cluster's id.
    pub cluster_id: Option<String>,
    /// When the cluster was created.
    #[serde(default, with = "crate::time::epoch_seconds_option")]
    pub create_timestamp: Option<DateTime<Utc>>,
    /// The cluster's HSMs.
    #[serde(default)]
    pub hsms: Vec<Hsm>,
    /// HSM type of the cluster.
    pub hsm_type: Option<String>,
    /// Until when an HSM type change can be rolled back.
    #[serde(default, with = "crate::time::epoch_seconds_option")]
    pub hsm_type_rollback_expiration: Option<DateTime<Utc>>,
    /// Default password of the precrypto officer (never returned by cmconsole).
    pub pre_co_password: Option<String>,
    /// The security group the service created for the cluster.
    pub security_group: Option<String>,
    /// The backup the cluster was created from.
    pub source_backup_id: Option<String>,
    /// Lifecycle state.
    pub state: Option<ClusterState>,
    /// Why the cluster is in its state.
    pub state_message: Option<String>,
    /// Availability Zone to subnet id.
    #[serde(default)]
    pub subnet_mapping: BTreeMap<String, String>,
    /// The VPC of the cluster's subnets.
    pub vpc_id: Option<String>,
    /// `IPV4` or `DUALSTACK`.
    pub network_type: Option<NetworkType>,
    /// The cluster's certificates.
    pub certificates: Option<Certificates>,
    /// The cluster's tags (always present, `[]` when none).
    #[serde(default)]
    pub tag_list: Vec<Tag>,
    /// `FIPS` or `NON_FIPS`.
    pub mode: Option<ClusterMode>,
}

/// What CopyBackupToRegion started (`DestinationBackup`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DestinationBackup {
    /// When the destination backup was created.
    #[serde(default, with = "crate::time::epoch_seconds_option")]
    pub create_timestamp: Option<DateTime<Utc>>,
    /// The source backup's region.
    pub source_region: Option<String>,
    /// The source backup's id.
    pub source_backup: Option<String>,
    /// The source backup's cluster.
    pub source_cluster: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn keys(value: &serde_json::Value) -> Vec<String> {
        let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    }

    #[test]
    fn backup_member_names() {
        let at = Utc.timestamp_opt(1_700_000_000, 0).unwrap();
        let backup = Backup {
            backup_id: "backup-ro5c4er4aac".into(),
            backup_arn: Some("arn".into()),
            backup_state: Some(BackupState::PendingDeletion),
            cluster_id: Some("cluster-igklspoyj5v".into()),
            create_timestamp: Some(at),
            copy_timestamp: Some(at),
            never_expires: Some(false),
            source_region: Some("us-east-1".into()),
            source_backup: Some("backup-aaaaaaaaaaa".into()),
            source_cluster: Some("cluster-aaaaaaaaaaa".into()),
            delete_timestamp: Some(at),
            tag_list: vec![Tag {
                key: "k".into(),
                value: "v".into(),
            }],
            hsm_type: Some("hsm1.medium".into()),
            mode: Some(ClusterMode::Fips),
        };
        let json = serde_json::to_value(&backup).unwrap();
        assert_eq!(
            keys(&json),
            [
                "BackupArn",
                "BackupId",
                "BackupState",
                "ClusterId",
                "CopyTimestamp",
                "CreateTimestamp",
                "DeleteTimestamp",
                "HsmType",
                "Mode",
                "NeverExpires",
                "SourceBackup",
                "SourceCluster",
                "SourceRegion",
                "TagList"
            ]
        );
        assert_eq!(json["DeleteTimestamp"], serde_json::json!(1_700_000_000));
        assert_eq!(serde_json::from_value::<Backup>(json).unwrap(), backup);
    }

    #[test]
    fn cluster_and_hsm_member_names() {
        let cluster = Cluster {
            backup_retention_policy: Some(BackupRetentionPolicy {
                r#type: Some(BackupRetentionType::Days),
                value: Some("90".into()),
            }),
            hsms: vec![Hsm {
                hsm_id: "hsm-ucx4b7ydvdr".into(),
                eni_ip_v6: Some("::1".into()),
                ..Hsm::default()
            }],
            ..Cluster::default()
        };
        let json = serde_json::to_value(&cluster).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "BackupRetentionPolicy": {"Type": "DAYS", "Value": "90"},
                "Hsms": [{"HsmId": "hsm-ucx4b7ydvdr", "EniIpV6": "::1"}],
                "SubnetMapping": {},
                "TagList": []
            })
        );
    }
}
