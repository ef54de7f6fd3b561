//! Response (output) structures of the 19 operations.
//!
//! Result lists (`Servers`, `Backups`, `ServerEvents`, `Attributes`, `Tags`)
//! are always serialized, as the service does (`[]` when empty); empty
//! responses serialize as `{}`.

use super::enums::NodeAssociationStatus;
use super::model::{AccountAttribute, Backup, EngineAttribute, Server, ServerEvent, Tag};
use serde::{Deserialize, Serialize};

/// Declares a response wrapping one optional structure member.
macro_rules! single_member_response {
    ($(#[$meta:meta])* $name:ident { $field:ident: $ty:ty }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
        #[serde(rename_all = "PascalCase")]
        pub struct $name {
            #[doc = concat!("The `", stringify!($ty), "`.")]
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub $field: Option<$ty>,
        }
    };
}

/// Declares an empty response, serialized as `{}`.
macro_rules! empty_response {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
        pub struct $name {}
    };
}

/// AssociateNode output.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssociateNodeResponse {
    /// Token for DescribeNodeAssociationStatus.
    pub node_association_status_token: Option<String>,
}

single_member_response!(
    /// CreateBackup output.
    CreateBackupResponse { backup: Backup }
);
single_member_response!(
    /// CreateServer output (the only response with engine attributes).
    CreateServerResponse { server: Server }
);
empty_response!(
    /// DeleteBackup output.
    DeleteBackupResponse
);
empty_response!(
    /// DeleteServer output.
    DeleteServerResponse
);

/// DescribeAccountAttributes output.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeAccountAttributesResponse {
    /// `ServerLimit` and `ManualBackupLimit`.
    #[serde(default)]
    pub attributes: Vec<AccountAttribute>,
}

/// DescribeBackups output (newest first).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeBackupsResponse {
    /// The backups.
    #[serde(default)]
    pub backups: Vec<Backup>,
    /// Token of the next page.
    pub next_token: Option<String>,
}

/// DescribeEvents output (newest first).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeEventsResponse {
    /// The events.
    #[serde(default)]
    pub server_events: Vec<ServerEvent>,
    /// Token of the next page.
    pub next_token: Option<String>,
}

/// DescribeNodeAssociationStatus output.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeNodeAssociationStatusResponse {
    /// Association status.
    pub node_association_status: Option<NodeAssociationStatus>,
    /// E.g. `PUPPET_NODE_CERT` for Puppet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub engine_attributes: Vec<EngineAttribute>,
}

/// DescribeServers output.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeServersResponse {
    /// The servers.
    #[serde(default)]
    pub servers: Vec<Server>,
    /// Token of the next page.
    pub next_token: Option<String>,
}

/// DisassociateNode output.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DisassociateNodeResponse {
    /// Token for DescribeNodeAssociationStatus.
    pub node_association_status_token: Option<String>,
}

/// ExportServerEngineAttribute output.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExportServerEngineAttributeResponse {
    /// `Userdata` with a base64 script as value.
    pub engine_attribute: Option<EngineAttribute>,
    /// The server.
    pub server_name: Option<String>,
}

/// ListTagsForResource output.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsForResourceResponse {
    /// The tags.
    #[serde(default)]
    pub tags: Vec<Tag>,
    /// Token of the next page.
    pub next_token: Option<String>,
}

single_member_response!(
    /// RestoreServer output.
    RestoreServerResponse { server: Server }
);
single_member_response!(
    /// StartMaintenance output.
    StartMaintenanceResponse { server: Server }
);
empty_response!(
    /// TagResource output.
    TagResourceResponse
);
empty_response!(
    /// UntagResource output.
    UntagResourceResponse
);
single_member_response!(
    /// UpdateServer output.
    UpdateServerResponse { server: Server }
);
single_member_response!(
    /// UpdateServerEngineAttributes output.
    UpdateServerEngineAttributesResponse { server: Server }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_responses_are_empty_objects() {
        assert_eq!(
            serde_json::to_string(&DeleteServerResponse {}).unwrap(),
            "{}"
        );
        assert_eq!(
            serde_json::to_string(&TagResourceResponse {}).unwrap(),
            "{}"
        );
        assert_eq!(
            serde_json::to_string(&UpdateServerResponse::default()).unwrap(),
            "{}"
        );
        assert!(serde_json::from_str::<DeleteBackupResponse>(r#"{"x":1}"#).is_ok());
    }

    #[test]
    fn member_names() {
        let response = ExportServerEngineAttributeResponse {
            engine_attribute: Some(EngineAttribute::new("Userdata", "IyEv")),
            server_name: Some("web".to_owned()),
        };
        assert_eq!(
            serde_json::to_value(&response).unwrap(),
            serde_json::json!({"EngineAttribute": {"Name": "Userdata", "Value": "IyEv"}, "ServerName": "web"})
        );
        assert_eq!(
            serde_json::to_value(DescribeEventsResponse::default()).unwrap(),
            serde_json::json!({"ServerEvents": []})
        );
        assert_eq!(
            serde_json::to_value(ListTagsForResourceResponse {
                tags: vec![Tag::new("a", "b")],
                next_token: Some("t".to_owned())
            })
            .unwrap(),
            serde_json::json!({"Tags": [{"Key": "a", "Value": "b"}], "NextToken": "t"})
        );
        assert_eq!(
            serde_json::to_value(DescribeAccountAttributesResponse::default()).unwrap(),
            serde_json::json!({"Attributes": []})
        );
        assert_eq!(
            serde_json::to_value(AssociateNodeResponse {
                node_association_status_token: Some("tok".to_owned())
            })
            .unwrap(),
            serde_json::json!({"NodeAssociationStatusToken": "tok"})
        );
        assert_eq!(
            serde_json::to_value(DescribeNodeAssociationStatusResponse {
                node_association_status: Some(NodeAssociationStatus::Success),
                engine_attributes: vec![],
            })
            .unwrap(),
            serde_json::json!({"NodeAssociationStatus": "SUCCESS"})
        );
        let servers: DescribeServersResponse =
            serde_json::from_str(r#"{"Servers":[{"ServerName":"a","Status":"HEALTHY"}]}"#).unwrap();
        assert_eq!(servers.servers[0].server_name.as_deref(), Some("a"));
    }
}
