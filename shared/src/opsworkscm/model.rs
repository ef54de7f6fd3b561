//! Output data types: servers, backups, events, account attributes, engine
//! attributes and tags, as the service returns them.

use super::enums::{BackupStatus, BackupType, MaintenanceStatus, ServerStatus};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A configuration management server (`Server`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Server {
    /// Whether the EC2 instance has a public IP address.
    pub associate_public_ip_address: Option<bool>,
    /// Number of automated backups to keep.
    pub backup_retention_count: Option<i64>,
    /// The server's name.
    pub server_name: Option<String>,
    /// Creation time.
    #[serde(default, with = "crate::time::epoch_seconds_option")]
    pub created_at: Option<DateTime<Utc>>,
    /// ARN of the server's CloudFormation stack.
    pub cloud_formation_stack_arn: Option<String>,
    /// The custom domain, when one was given.
    pub custom_domain: Option<String>,
    /// Whether automated backups are disabled.
    pub disable_automated_backup: Option<bool>,
    /// The server's endpoint host name.
    pub endpoint: Option<String>,
    /// `ChefAutomate` or `Puppet`.
    pub engine: Option<String>,
    /// `Single` or `Monolithic`.
    pub engine_model: Option<String>,
    /// Engine attributes (only returned by CreateServer).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub engine_attributes: Vec<EngineAttribute>,
    /// Engine version.
    pub engine_version: Option<String>,
    /// IAM instance profile ARN.
    pub instance_profile_arn: Option<String>,
    /// EC2 instance type.
    pub instance_type: Option<String>,
    /// EC2 key pair name.
    pub key_pair: Option<String>,
    /// Result of the last maintenance run.
    pub maintenance_status: Option<MaintenanceStatus>,
    /// Weekly maintenance window, `DDD:HH:MM` (UTC).
    pub preferred_maintenance_window: Option<String>,
    /// Backup window, `HH:MM` or `DDD:HH:MM` (UTC).
    pub preferred_backup_window: Option<String>,
    /// Security group ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_group_ids: Vec<String>,
    /// IAM service role ARN.
    pub service_role_arn: Option<String>,
    /// Lifecycle status.
    pub status: Option<ServerStatus>,
    /// Why the server is in its status: a message or escaped JSON health results.
    pub status_reason: Option<String>,
    /// Subnet ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subnet_ids: Vec<String>,
    /// The server's ARN.
    pub server_arn: Option<String>,
}

/// A backup of a server (`Backup`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Backup {
    /// The backup's ARN.
    pub backup_arn: Option<String>,
    /// `ServerName-yyyyMMddHHmmssSSS`.
    pub backup_id: Option<String>,
    /// Automated or manual.
    pub backup_type: Option<BackupType>,
    /// Creation time.
    #[serde(default, with = "crate::time::epoch_seconds_option")]
    pub created_at: Option<DateTime<Utc>>,
    /// User description.
    pub description: Option<String>,
    /// Engine of the backed-up server.
    pub engine: Option<String>,
    /// Engine model of the backed-up server.
    pub engine_model: Option<String>,
    /// Engine version of the backed-up server.
    pub engine_version: Option<String>,
    /// IAM instance profile ARN of the server.
    pub instance_profile_arn: Option<String>,
    /// EC2 instance type of the server.
    pub instance_type: Option<String>,
    /// EC2 key pair of the server.
    pub key_pair: Option<String>,
    /// Backup window of the server.
    pub preferred_backup_window: Option<String>,
    /// Maintenance window of the server.
    pub preferred_maintenance_window: Option<String>,
    /// Size in bytes (deprecated in the model).
    #[serde(rename = "S3DataSize")]
    pub s3_data_size: Option<i64>,
    /// S3 URL of the data (deprecated in the model).
    #[serde(rename = "S3DataUrl")]
    pub s3_data_url: Option<String>,
    /// S3 URL of the backup log.
    #[serde(rename = "S3LogUrl")]
    pub s3_log_url: Option<String>,
    /// Security group ids of the server.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_group_ids: Vec<String>,
    /// Name of the backed-up server.
    pub server_name: Option<String>,
    /// IAM service role ARN of the server.
    pub service_role_arn: Option<String>,
    /// Backup status.
    pub status: Option<BackupStatus>,
    /// Details of the status.
    pub status_description: Option<String>,
    /// Subnet ids of the server.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subnet_ids: Vec<String>,
    /// Version of the backup tools.
    pub tools_version: Option<String>,
    /// ARN of the user who requested the backup.
    pub user_arn: Option<String>,
}

/// An event of a server (`ServerEvent`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServerEvent {
    /// When the event happened.
    #[serde(default, with = "crate::time::epoch_seconds_option")]
    pub created_at: Option<DateTime<Utc>>,
    /// The server.
    pub server_name: Option<String>,
    /// What happened.
    pub message: Option<String>,
    /// S3 URL of the event's log.
    pub log_url: Option<String>,
}

/// An account limit and its usage (`AccountAttribute`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountAttribute {
    /// `ServerLimit` or `ManualBackupLimit`.
    pub name: Option<String>,
    /// The limit.
    pub maximum: Option<i64>,
    /// Current usage.
    pub used: Option<i64>,
}

/// An engine attribute as returned by the service (`EngineAttribute`).
///
/// `Debug` redacts the value (the model marks it sensitive).
#[serde_with::skip_serializing_none]
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EngineAttribute {
    /// Attribute name.
    pub name: Option<String>,
    /// Attribute value (sensitive).
    pub value: Option<String>,
}

impl EngineAttribute {
    /// An attribute with both members set.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: Some(name.into()),
            value: Some(value.into()),
        }
    }
}

impl std::fmt::Debug for EngineAttribute {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineAttribute")
            .field("name", &self.name)
            .field("value", &self.value.as_ref().map(|_| "***"))
            .finish()
    }
}

/// A resource tag as returned by ListTagsForResource (`Tag`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    /// Tag key.
    pub key: String,
    /// Tag value.
    pub value: String,
}

impl Tag {
    /// A tag.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            value: value.into(),
        }
    }
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

    fn sorted(names: &[&str]) -> Vec<String> {
        let mut names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        names.sort();
        names
    }

    fn some(s: &str) -> Option<String> {
        Some(s.to_owned())
    }

    #[test]
    fn server_member_names() {
        let server = Server {
            associate_public_ip_address: Some(true),
            backup_retention_count: Some(1),
            server_name: some("web"),
            created_at: Some(Utc.timestamp_opt(1_469_799_527, 520_000_000).unwrap()),
            cloud_formation_stack_arn: some("arn:aws:cloudformation:x"),
            custom_domain: some("chef.example.com"),
            disable_automated_backup: Some(false),
            endpoint: some("web-abc.us-east-1.opsworks-cm.io"),
            engine: some("ChefAutomate"),
            engine_model: some("Single"),
            engine_attributes: vec![EngineAttribute::new("CHEF_STARTER_KIT", "UEsDB")],
            engine_version: some("2"),
            instance_profile_arn: some("arn:aws:iam::123456789012:instance-profile/p"),
            instance_type: some("m5.large"),
            key_pair: some("kp"),
            maintenance_status: Some(MaintenanceStatus::Success),
            preferred_maintenance_window: some("Tue:03:00"),
            preferred_backup_window: some("04:00"),
            security_group_ids: vec!["sg-1".to_owned()],
            service_role_arn: some("arn:aws:iam::123456789012:role/r"),
            status: Some(ServerStatus::Healthy),
            status_reason: some("ok"),
            subnet_ids: vec!["subnet-1".to_owned()],
            server_arn: some("arn:aws:opsworks-cm:us-east-1:123456789012:server/web/id"),
        };
        let json = serde_json::to_value(&server).unwrap();
        assert_eq!(
            keys(&json),
            sorted(&[
                "AssociatePublicIpAddress",
                "BackupRetentionCount",
                "ServerName",
                "CreatedAt",
                "CloudFormationStackArn",
                "CustomDomain",
                "DisableAutomatedBackup",
                "Endpoint",
                "Engine",
                "EngineModel",
                "EngineAttributes",
                "EngineVersion",
                "InstanceProfileArn",
                "InstanceType",
                "KeyPair",
                "MaintenanceStatus",
                "PreferredMaintenanceWindow",
                "PreferredBackupWindow",
                "SecurityGroupIds",
                "ServiceRoleArn",
                "Status",
                "StatusReason",
                "SubnetIds",
                "ServerArn",
            ])
        );
        assert_eq!(json["CreatedAt"], serde_json::json!(1_469_799_527.52));
        assert_eq!(json["Status"], "HEALTHY");
        assert_eq!(
            json["EngineAttributes"],
            serde_json::json!([{"Name": "CHEF_STARTER_KIT", "Value": "UEsDB"}])
        );
        let back: Server = serde_json::from_value(json).unwrap();
        assert_eq!(back, server);
        assert_eq!(serde_json::to_string(&Server::default()).unwrap(), "{}");
    }

    #[test]
    fn backup_member_names() {
        let backup = Backup {
            backup_arn: some("arn"),
            backup_id: some("web-20240101000000000"),
            backup_type: Some(BackupType::Manual),
            created_at: Some(Utc.timestamp_opt(1_700_000_000, 0).unwrap()),
            description: some("d"),
            engine: some("Puppet"),
            engine_model: some("Monolithic"),
            engine_version: some("2019"),
            instance_profile_arn: some("ip"),
            instance_type: some("m5.xlarge"),
            key_pair: some("kp"),
            preferred_backup_window: some("04:00"),
            preferred_maintenance_window: some("Wed:05:00"),
            s3_data_size: Some(1024),
            s3_data_url: some("s3://b/d"),
            s3_log_url: some("https://log"),
            security_group_ids: vec!["sg".to_owned()],
            server_name: some("web"),
            service_role_arn: some("sr"),
            status: Some(BackupStatus::InProgress),
            status_description: some("sd"),
            subnet_ids: vec!["subnet".to_owned()],
            tools_version: some("1"),
            user_arn: some("arn:aws:iam::123456789012:user/u"),
        };
        let json = serde_json::to_value(&backup).unwrap();
        assert_eq!(
            keys(&json),
            sorted(&[
                "BackupArn",
                "BackupId",
                "BackupType",
                "CreatedAt",
                "Description",
                "Engine",
                "EngineModel",
                "EngineVersion",
                "InstanceProfileArn",
                "InstanceType",
                "KeyPair",
                "PreferredBackupWindow",
                "PreferredMaintenanceWindow",
                "S3DataSize",
                "S3DataUrl",
                "S3LogUrl",
                "SecurityGroupIds",
                "ServerName",
                "ServiceRoleArn",
                "Status",
                "StatusDescription",
                "SubnetIds",
                "ToolsVersion",
                "UserArn",
            ])
        );
        assert_eq!(json["CreatedAt"], serde_json::json!(1_700_000_000));
        assert_eq!(json["Status"], "IN_PROGRESS");
        assert_eq!(json["BackupType"], "MANUAL");
        assert_eq!(serde_json::from_value::<Backup>(json).unwrap(), backup);
    }

    #[test]
    fn event_account_attribute_and_tag_names() {
        let event = ServerEvent {
            created_at: Some(Utc.timestamp_opt(1, 0).unwrap()),
            server_name: some("web"),
            message: some("m"),
            log_url: some("l"),
        };
        assert_eq!(
            keys(&serde_json::to_value(&event).unwrap()),
            sorted(&["CreatedAt", "ServerName", "Message", "LogUrl"])
        );
        let attribute = AccountAttribute {
            name: some("ServerLimit"),
            maximum: Some(10),
            used: Some(2),
        };
        assert_eq!(
            serde_json::to_value(&attribute).unwrap(),
            serde_json::json!({"Name": "ServerLimit", "Maximum": 10, "Used": 2})
        );
        assert_eq!(
            serde_json::to_value(Tag::new("k", "")).unwrap(),
            serde_json::json!({"Key": "k", "Value": ""})
        );
    }

    #[test]
    fn engine_attribute_debug_redacts_value() {
        let attribute = EngineAttribute::new("CHEF_AUTOMATE_ADMIN_PASSWORD", "Passw0rd!");
        let debug = format!("{attribute:?}");
        assert!(debug.contains("CHEF_AUTOMATE_ADMIN_PASSWORD"));
        assert!(!debug.contains("Passw0rd"), "{debug}");
    }
}
