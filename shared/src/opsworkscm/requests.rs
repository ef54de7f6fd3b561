//! Request (input) structures of the 19 operations.
//!
//! Constrained members use the validating newtypes, so deserialization fails
//! with the AWS constraint text. Required members are not `Option`; optional
//! lists are `Option<Vec<_>>` so an absent list differs from an empty one.
//! Unknown members are ignored.

use super::members::{
    AttributeName, BackupId, BackupRetentionCount, CustomCertificate, CustomDomain,
    CustomPrivateKey, EngineAttributeName, EngineAttributeValue, InstanceProfileArn, KeyPair,
    MaxResults, NextToken, NodeName, OpsWorksCmArn, ServerName, ServiceRoleArn, Text, TimeWindow,
};
use super::model::{EngineAttribute, Tag};
use crate::validation::{TagKey, TagValue};
use serde::{Deserialize, Serialize};

/// An engine attribute sent to the service (`EngineAttribute` input).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EngineAttributeInput {
    /// Attribute name.
    pub name: Option<EngineAttributeName>,
    /// Attribute value (sensitive).
    pub value: Option<EngineAttributeValue>,
}

impl EngineAttributeInput {
    /// The value for `name` in a list of attributes (first match).
    #[must_use]
    pub fn find<'a>(attributes: &'a [Self], name: &str) -> Option<&'a str> {
        attributes
            .iter()
            .find(|a| a.name.as_ref().is_some_and(|n| n.as_str() == name))
            .and_then(|a| a.value.as_ref().map(EngineAttributeValue::as_str))
    }
}

impl From<EngineAttributeInput> for EngineAttribute {
    fn from(input: EngineAttributeInput) -> Self {
        Self {
            name: input.name.map(String::from),
            value: input.value.map(String::from),
        }
    }
}

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

/// AssociateNode input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssociateNodeRequest {
    /// The server.
    pub server_name: ServerName,
    /// The node to associate.
    pub node_name: NodeName,
    /// Chef: `CHEF_ORGANIZATION`, `CHEF_AUTOMATE_NODE_PUBLIC_KEY`; Puppet: `PUPPET_NODE_CSR`.
    pub engine_attributes: Vec<EngineAttributeInput>,
}

/// CreateBackup input.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateBackupRequest {
    /// The server to back up.
    pub server_name: ServerName,
    /// A description of the backup.
    pub description: Option<Text>,
    /// Tags for the backup (at most 200).
    pub tags: Option<Vec<TagInput>>,
}

/// CreateServer input.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateServerRequest {
    /// Defaults to true.
    pub associate_public_ip_address: Option<bool>,
    /// A custom endpoint domain (requires certificate and key).
    pub custom_domain: Option<CustomDomain>,
    /// PEM certificate for the custom domain.
    pub custom_certificate: Option<CustomCertificate>,
    /// PEM private key for the custom domain.
    pub custom_private_key: Option<CustomPrivateKey>,
    /// Disables automated backups.
    pub disable_automated_backup: Option<bool>,
    /// `ChefAutomate` or `Puppet`.
    pub engine: Text,
    /// `Single` or `Monolithic`.
    pub engine_model: Option<Text>,
    /// `2` (Chef), `2019` or `2017` (Puppet).
    pub engine_version: Option<Text>,
    /// Admin password, pivotal key, r10k settings.
    pub engine_attributes: Option<Vec<EngineAttributeInput>>,
    /// Number of automated backups to keep (at least 1).
    pub backup_retention_count: Option<BackupRetentionCount>,
    /// The new server's name.
    pub server_name: ServerName,
    /// IAM instance profile for the EC2 instance.
    pub instance_profile_arn: InstanceProfileArn,
    /// EC2 instance type, e.g. `m5.large`.
    pub instance_type: Text,
    /// EC2 key pair for SSH access.
    pub key_pair: Option<KeyPair>,
    /// Weekly maintenance window.
    pub preferred_maintenance_window: Option<TimeWindow>,
    /// Daily or weekly backup window.
    pub preferred_backup_window: Option<TimeWindow>,
    /// Security group ids.
    pub security_group_ids: Option<Vec<Text>>,
    /// IAM service role for OpsWorks CM.
    pub service_role_arn: ServiceRoleArn,
    /// Subnet ids.
    pub subnet_ids: Option<Vec<Text>>,
    /// Tags for the server (at most 200).
    pub tags: Option<Vec<TagInput>>,
    /// Create the server from this backup.
    pub backup_id: Option<BackupId>,
}

/// DeleteBackup input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteBackupRequest {
    /// The backup to delete.
    pub backup_id: BackupId,
}

/// DeleteServer input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteServerRequest {
    /// The server to delete.
    pub server_name: ServerName,
}

/// DescribeAccountAttributes input (no members).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DescribeAccountAttributesRequest {}

/// DescribeBackups input.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeBackupsRequest {
    /// Only this backup.
    pub backup_id: Option<BackupId>,
    /// Only this server's backups.
    pub server_name: Option<ServerName>,
    /// Pagination token ("not currently implemented" by the service).
    pub next_token: Option<NextToken>,
    /// Page size ("not currently implemented" by the service).
    pub max_results: Option<MaxResults>,
}

/// DescribeEvents input.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeEventsRequest {
    /// The server.
    pub server_name: ServerName,
    /// Pagination token.
    pub next_token: Option<NextToken>,
    /// Page size.
    pub max_results: Option<MaxResults>,
}

/// DescribeNodeAssociationStatus input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeNodeAssociationStatusRequest {
    /// Token from AssociateNode or DisassociateNode.
    pub node_association_status_token: Text,
    /// The server.
    pub server_name: ServerName,
}

/// DescribeServers input.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeServersRequest {
    /// Only this server.
    pub server_name: Option<ServerName>,
    /// Pagination token ("not currently implemented" by the service).
    pub next_token: Option<NextToken>,
    /// Page size ("not currently implemented" by the service).
    pub max_results: Option<MaxResults>,
}

/// DisassociateNode input.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DisassociateNodeRequest {
    /// The server.
    pub server_name: ServerName,
    /// The node to disassociate.
    pub node_name: NodeName,
    /// Chef: `CHEF_ORGANIZATION`.
    pub engine_attributes: Option<Vec<EngineAttributeInput>>,
}

/// ExportServerEngineAttribute input.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExportServerEngineAttributeRequest {
    /// `Userdata`.
    pub export_attribute_name: Text,
    /// The server.
    pub server_name: ServerName,
    /// `RunList`, `OrganizationName`, `NodeEnvironment`, `NodeClientVersion`.
    pub input_attributes: Option<Vec<EngineAttributeInput>>,
}

/// ListTagsForResource input.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsForResourceRequest {
    /// Server or backup ARN.
    pub resource_arn: OpsWorksCmArn,
    /// Pagination token.
    pub next_token: Option<NextToken>,
    /// Page size.
    pub max_results: Option<MaxResults>,
}

/// RestoreServer input.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RestoreServerRequest {
    /// The backup to restore.
    pub backup_id: BackupId,
    /// The server to restore onto.
    pub server_name: ServerName,
    /// New EC2 instance type.
    pub instance_type: Option<Text>,
    /// New EC2 key pair.
    pub key_pair: Option<KeyPair>,
}

/// StartMaintenance input.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartMaintenanceRequest {
    /// The server.
    pub server_name: ServerName,
    /// Chef: `CHEF_MAJOR_UPGRADE`.
    pub engine_attributes: Option<Vec<EngineAttributeInput>>,
}

/// TagResource input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagResourceRequest {
    /// Server or backup ARN.
    pub resource_arn: OpsWorksCmArn,
    /// Tags to add or overwrite (at most 200).
    pub tags: Vec<TagInput>,
}

/// UntagResource input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UntagResourceRequest {
    /// Server or backup ARN.
    pub resource_arn: OpsWorksCmArn,
    /// Keys to remove (at most 200).
    pub tag_keys: Vec<TagKey>,
}

/// UpdateServer input.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateServerRequest {
    /// Disables automated backups.
    pub disable_automated_backup: Option<bool>,
    /// Number of automated backups to keep (model `Integer`, no minimum).
    pub backup_retention_count: Option<i64>,
    /// The server.
    pub server_name: ServerName,
    /// Weekly maintenance window.
    pub preferred_maintenance_window: Option<TimeWindow>,
    /// Daily or weekly backup window.
    pub preferred_backup_window: Option<TimeWindow>,
}

/// UpdateServerEngineAttributes input.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateServerEngineAttributesRequest {
    /// The server.
    pub server_name: ServerName,
    /// `CHEF_PIVOTAL_KEY` or `PUPPET_ADMIN_PASSWORD`.
    pub attribute_name: AttributeName,
    /// The new value (model `AttributeValue`, max 10000; kept redacted in `Debug`).
    pub attribute_value: Option<EngineAttributeValue>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_server_minimal_and_full() {
        let json = serde_json::json!({
            "Engine": "ChefAutomate",
            "ServerName": "web",
            "InstanceProfileArn": "arn:aws:iam::123456789012:instance-profile/p",
            "InstanceType": "m5.large",
            "ServiceRoleArn": "arn:aws:iam::123456789012:role/r",
            "PreferredMaintenanceWindow": "Tue:03:00",
            "BackupRetentionCount": 3,
            "EngineAttributes": [{"Name": "CHEF_AUTOMATE_ADMIN_PASSWORD", "Value": "Passw0rd!"}],
            "Tags": [{"Key": "Stage", "Value": "prod"}],
            "SomethingNew": {"ignored": true}
        });
        let request: CreateServerRequest = serde_json::from_value(json).unwrap();
        assert_eq!(request.server_name.as_str(), "web");
        assert_eq!(
            request.preferred_maintenance_window.unwrap().to_string(),
            "Tue:03:00"
        );
        assert_eq!(request.backup_retention_count.unwrap().get(), 3);
        assert_eq!(request.subnet_ids, None);
        let attributes = request.engine_attributes.clone().unwrap();
        assert_eq!(
            EngineAttributeInput::find(&attributes, "CHEF_AUTOMATE_ADMIN_PASSWORD"),
            Some("Passw0rd!")
        );
        assert!(!format!("{request:?}").contains("Passw0rd"));
        let round: CreateServerRequest =
            serde_json::from_value(serde_json::to_value(&request).unwrap()).unwrap();
        assert_eq!(round, request);
    }

    #[test]
    fn invalid_server_name_fails_with_constraint() {
        let error = serde_json::from_str::<DeleteServerRequest>(r#"{"ServerName": "1bad"}"#)
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with(
                r"Value '1bad' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][a-zA-Z0-9\-]*"
            ),
            "{error}"
        );
    }

    #[test]
    fn missing_required_member_fails() {
        assert!(serde_json::from_str::<DeleteServerRequest>("{}").is_err());
        assert!(
            serde_json::from_str::<AssociateNodeRequest>(r#"{"ServerName":"a","NodeName":"n"}"#)
                .is_err()
        );
    }

    #[test]
    fn optional_members_and_unknown_fields() {
        let request: DescribeServersRequest =
            serde_json::from_str(r#"{"Foo": 1, "ServerName": null}"#).unwrap();
        assert_eq!(request, DescribeServersRequest::default());
        assert_eq!(serde_json::to_string(&request).unwrap(), "{}");
        let request: DescribeAccountAttributesRequest =
            serde_json::from_str(r#"{"X": [1]}"#).unwrap();
        assert_eq!(serde_json::to_string(&request).unwrap(), "{}");
        let error =
            serde_json::from_str::<DescribeEventsRequest>(r#"{"ServerName":"a","MaxResults":0}"#)
                .unwrap_err()
                .to_string();
        assert!(
            error.contains("Member must have value greater than or equal to 1"),
            "{error}"
        );
    }

    #[test]
    fn absent_list_differs_from_empty() {
        let absent: StartMaintenanceRequest =
            serde_json::from_str(r#"{"ServerName":"a"}"#).unwrap();
        let empty: StartMaintenanceRequest =
            serde_json::from_str(r#"{"ServerName":"a","EngineAttributes":[]}"#).unwrap();
        assert_eq!(absent.engine_attributes, None);
        assert_eq!(empty.engine_attributes, Some(vec![]));
    }

    #[test]
    fn tags_and_arns() {
        let request: TagResourceRequest = serde_json::from_str(
            r#"{"ResourceArn":"arn:aws:opsworks-cm:us-east-1:123456789012:server/web/x","Tags":[{"Key":"Größe","Value":""}]}"#,
        )
        .unwrap();
        assert_eq!(Tag::from(request.tags[0].clone()), Tag::new("Größe", ""));
        assert!(
            serde_json::from_str::<UntagResourceRequest>(
                r#"{"ResourceArn":"arn:aws:s3:::b","TagKeys":[]}"#
            )
            .is_err()
        );
        assert!(
            serde_json::from_str::<TagResourceRequest>(
                r#"{"ResourceArn":"arn:aws:opsworks-cm:us-east-1:123456789012:server/web/x","Tags":[{"Key":"a*","Value":""}]}"#
            )
            .is_err()
        );
    }

    #[test]
    fn invalid_window_rejected() {
        let error = serde_json::from_str::<UpdateServerRequest>(
            r#"{"ServerName":"a","PreferredBackupWindow":"25:00"}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("Value '25:00' failed to satisfy constraint"),
            "{error}"
        );
    }
}
