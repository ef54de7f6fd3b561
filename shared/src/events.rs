//! Live event stream: the kinds and payloads the backend journals and
//! pushes to the console (server-sent events).

use crate::cloudhsmv2;
use crate::opsworkscm::{EngineAttribute, NodeAssociationStatus};
use crate::wire_enum::wire_enum;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

wire_enum! {
    /// What a journal entry carries; the SSE `event:` name.
    pub enum EventKind {
        /// Data: a [`crate::opsworkscm::Server`].
        Server = "server",
        /// Data: a [`crate::opsworkscm::Backup`].
        Backup = "backup",
        /// Data: a [`crate::opsworkscm::ServerEvent`].
        ServerEvent = "server-event",
        /// Data: a [`NodeAssociation`].
        NodeAssociation = "node-association",
        /// Data: a [`ServerDeleted`].
        ServerDeleted = "server-deleted",
        /// Data: a [`BackupDeleted`].
        BackupDeleted = "backup-deleted",
        /// Data: a [`ClusterChanged`] (CloudHSM v2).
        Cluster = "cluster",
        /// Data: a [`ClusterDeleted`] (CloudHSM v2).
        ClusterDeleted = "cluster-deleted",
        /// Data: an [`HsmBackupChanged`] (CloudHSM v2).
        HsmBackup = "hsm-backup",
        /// Data: an [`HsmBackupDeleted`] (CloudHSM v2).
        HsmBackupDeleted = "hsm-backup-deleted",
    }
}

impl EventKind {
    /// Looks a kind up by its wire name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::lookup(name)
    }
}

/// A server is gone (deletion finished).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServerDeleted {
    /// The deleted server.
    pub server_name: String,
}

/// A backup is gone (deletion finished).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BackupDeleted {
    /// The deleted backup.
    pub backup_id: String,
    /// Its server.
    pub server_name: String,
}

/// A CloudHSM cluster changed: the cluster as DescribeClusters returns it,
/// plus its region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ClusterChanged {
    /// The cluster's region.
    pub region: String,
    /// The cluster.
    #[serde(flatten)]
    pub cluster: cloudhsmv2::Cluster,
}

/// A CloudHSM cluster is gone (deletion finished).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ClusterDeleted {
    /// The deleted cluster.
    pub cluster_id: String,
    /// Its region.
    pub region: String,
}

/// A CloudHSM backup changed: the backup as DescribeBackups returns it, plus
/// its region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HsmBackupChanged {
    /// The backup's region.
    pub region: String,
    /// The backup.
    #[serde(flatten)]
    pub backup: cloudhsmv2::Backup,
}

/// A CloudHSM backup is gone (deleted for good, or expired).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HsmBackupDeleted {
    /// The deleted backup.
    pub backup_id: String,
    /// The cluster it was a backup of.
    pub cluster_id: Option<String>,
    /// Its region.
    pub region: String,
}

/// A node association or disassociation changed status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NodeAssociation {
    /// The server.
    pub server_name: String,
    /// The node.
    pub node_name: String,
    /// The token returned by AssociateNode or DisassociateNode.
    pub node_association_status_token: String,
    /// Current status.
    pub node_association_status: NodeAssociationStatus,
    /// Result attributes (e.g. `PUPPET_NODE_CERT`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub engine_attributes: Vec<EngineAttribute>,
    /// When the request was made.
    #[serde(with = "crate::time::epoch_seconds")]
    pub created_at: DateTime<Utc>,
}

/// One entry of the backend's event journal, in order of `id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// Monotonic id (the SSE `id:`; replay after it).
    pub id: u64,
    /// The payload's kind.
    pub kind: EventKind,
    /// The payload, shaped per `kind`.
    pub data: serde_json::Value,
}

impl JournalEntry {
    /// Builds an entry from any serializable payload.
    ///
    /// # Errors
    /// When the payload cannot be represented as JSON.
    pub fn new<T: Serialize>(
        id: u64,
        kind: EventKind,
        data: &T,
    ) -> Result<Self, serde_json::Error> {
        Ok(Self {
            id,
            kind,
            data: serde_json::to_value(data)?,
        })
    }

    /// Decodes the payload.
    ///
    /// # Errors
    /// When `data` does not have the shape of `T`.
    pub fn decode<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        T::deserialize(&self.data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn kinds_round_trip() {
        let names: Vec<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "server",
                "backup",
                "server-event",
                "node-association",
                "server-deleted",
                "backup-deleted",
                "cluster",
                "cluster-deleted",
                "hsm-backup",
                "hsm-backup-deleted"
            ]
        );
        for kind in EventKind::ALL {
            assert_eq!(EventKind::from_name(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{kind}\""));
        }
        assert_eq!(EventKind::from_name("Server"), None);
    }

    #[test]
    fn journal_entry_json() {
        let payload = BackupDeleted {
            backup_id: "web-1".to_owned(),
            server_name: "web".to_owned(),
        };
        let entry = JournalEntry::new(7, EventKind::BackupDeleted, &payload).unwrap();
        assert_eq!(
            serde_json::to_value(&entry).unwrap(),
            serde_json::json!({"id": 7, "kind": "backup-deleted", "data": {"BackupId": "web-1", "ServerName": "web"}})
        );
        assert_eq!(entry.decode::<BackupDeleted>().unwrap(), payload);
    }

    #[test]
    fn cloudhsm_payloads_carry_the_region() {
        let changed = HsmBackupChanged {
            region: "eu-west-1".to_owned(),
            backup: cloudhsmv2::Backup {
                backup_id: "backup-ro5c4er4aac".to_owned(),
                backup_state: Some(cloudhsmv2::BackupState::Ready),
                ..cloudhsmv2::Backup::default()
            },
        };
        let json = serde_json::to_value(&changed).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"Region": "eu-west-1", "BackupId": "backup-ro5c4er4aac", "BackupState": "READY", "TagList": []})
        );
        assert_eq!(
            serde_json::from_value::<HsmBackupChanged>(json).unwrap(),
            changed
        );
        let cluster = ClusterChanged {
            region: "us-east-1".to_owned(),
            cluster: cloudhsmv2::Cluster {
                cluster_id: Some("cluster-igklspoyj5v".to_owned()),
                ..cloudhsmv2::Cluster::default()
            },
        };
        let json = serde_json::to_value(&cluster).unwrap();
        assert_eq!(json["Region"], "us-east-1");
        assert_eq!(json["ClusterId"], "cluster-igklspoyj5v");
        assert_eq!(
            serde_json::from_value::<ClusterChanged>(json).unwrap(),
            cluster
        );
    }

    #[test]
    fn node_association_json() {
        let association = NodeAssociation {
            server_name: "web".to_owned(),
            node_name: "i-1".to_owned(),
            node_association_status_token: "tok".to_owned(),
            node_association_status: NodeAssociationStatus::InProgress,
            engine_attributes: vec![],
            created_at: Utc.timestamp_opt(10, 0).unwrap(),
        };
        assert_eq!(
            serde_json::to_value(&association).unwrap(),
            serde_json::json!({
                "ServerName": "web",
                "NodeName": "i-1",
                "NodeAssociationStatusToken": "tok",
                "NodeAssociationStatus": "IN_PROGRESS",
                "CreatedAt": 10
            })
        );
        let deleted = ServerDeleted {
            server_name: "web".to_owned(),
        };
        assert_eq!(
            serde_json::to_value(deleted).unwrap(),
            serde_json::json!({"ServerName": "web"})
        );
    }
}
