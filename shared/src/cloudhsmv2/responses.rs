//! Response (output) structures. Result lists (`Backups`, `Clusters`,
//! `TagList`) are always serialized (`[]` when empty); empty responses
//! serialize as `{}`.

use serde::{Deserialize, Serialize};

use super::enums::ClusterState;
use super::model::{Backup, Cluster, DestinationBackup, Hsm, Tag};

/// Declares a response wrapping one optional structure member.
macro_rules! single_member_response {
    ($(#[$meta:meta])* $name:ident { $field:ident: $ty:ty }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
        #[serde(rename_all = "PascalCase")]
        pub struct $name {
            #[doc = concat!("The `", stringify!($ty), "`.")]
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub $field: Option<$ty>,
        }
    };
}

single_member_response!(
    /// CopyBackupToRegion output.
    CopyBackupToRegionResponse { destination_backup: DestinationBackup }
);
single_member_response!(
    /// CreateCluster output.
    CreateClusterResponse { cluster: Cluster }
);
single_member_response!(
    /// CreateHsm output.
    CreateHsmResponse { hsm: Hsm }
);
single_member_response!(
    /// DeleteBackup output.
    DeleteBackupResponse { backup: Backup }
);
single_member_response!(
    /// DeleteCluster output.
    DeleteClusterResponse { cluster: Cluster }
);
single_member_response!(
    /// DeleteHsm output.
    DeleteHsmResponse { hsm_id: String }
);
single_member_response!(
    /// ModifyBackupAttributes output.
    ModifyBackupAttributesResponse { backup: Backup }
);
single_member_response!(
    /// ModifyCluster output.
    ModifyClusterResponse { cluster: Cluster }
);
single_member_response!(
    /// RestoreBackup output.
    RestoreBackupResponse { backup: Backup }
);

/// DeleteResourcePolicy output.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteResourcePolicyResponse {
    /// The backup whose policy was deleted.
    pub resource_arn: Option<String>,
    /// The policy it had (absent when it had none).
    pub policy: Option<String>,
}

/// DescribeBackups output.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeBackupsResponse {
    /// A page of backups.
    #[serde(default)]
    pub backups: Vec<Backup>,
    /// Token for the next page.
    pub next_token: Option<String>,
}

/// DescribeClusters output.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeClustersResponse {
    /// A page of clusters.
    #[serde(default)]
    pub clusters: Vec<Cluster>,
    /// Token for the next page.
    pub next_token: Option<String>,
}

/// GetResourcePolicy output.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetResourcePolicyResponse {
    /// The policy attached to the backup (absent when it has none).
    pub policy: Option<String>,
}

/// InitializeCluster output.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InitializeClusterResponse {
    /// The cluster's state (INITIALIZE_IN_PROGRESS).
    pub state: Option<ClusterState>,
    /// Why the cluster is in that state.
    pub state_message: Option<String>,
}

/// ListTags output.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsResponse {
    /// A page of tags.
    #[serde(default)]
    pub tag_list: Vec<Tag>,
    /// Token for the next page.
    pub next_token: Option<String>,
}

/// PutResourcePolicy output.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutResourcePolicyResponse {
    /// The backup the policy is attached to.
    pub resource_arn: Option<String>,
    /// The policy now attached.
    pub policy: Option<String>,
}

/// TagResource output (no members).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TagResourceResponse {}

/// UntagResource output (no members).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UntagResourceResponse {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_lists_and_responses() {
        assert_eq!(
            serde_json::to_value(DescribeBackupsResponse::default()).unwrap(),
            serde_json::json!({"Backups": []})
        );
        assert_eq!(
            serde_json::to_value(TagResourceResponse {}).unwrap(),
            serde_json::json!({})
        );
        assert_eq!(
            serde_json::to_value(DeleteHsmResponse {
                hsm_id: Some("hsm-ucx4b7ydvdr".into())
            })
            .unwrap(),
            serde_json::json!({"HsmId": "hsm-ucx4b7ydvdr"})
        );
    }
}
