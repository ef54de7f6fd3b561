//! Live event stream: the kinds and payloads the backend journals and
//! pushes to the console (server-sent events).

use crate::opsworkscm::{EngineAttribute, NodeAssociationStatus};
use crate::service::Service;
use crate::wire_enum::wire_enum;
use crate::{cloudhsmv2, opsworkscm};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Declares the live events of each service: each kind bound to its SSE
/// name and its payload type, generating [`EventKind`], one event enum per
/// service ([`OpsWorksCmEvent`], [`CloudHsmEvent`]) and [`LiveEvent`].
macro_rules! live_events {
    ($(
        $(#[$service_doc:meta])*
        service $service:ident => $events:ident {
            $($(#[$doc:meta])* $variant:ident = $wire:literal: $payload:ty,)+
        }
    )+) => {
        wire_enum! {
            /// What a journal entry carries; the SSE `event:` name.
            pub enum EventKind {
                $($($(#[$doc])* $variant = $wire,)+)+
            }
        }

        impl EventKind {
            /// The service whose resources events of this kind describe.
            #[must_use]
            pub fn service(self) -> Service {
                match self {
                    $($(Self::$variant => Service::$service,)+)+
                }
            }
        }

        $(
            $(#[$service_doc])*
            #[derive(Debug, Clone, PartialEq)]
            pub enum $events {
                $($(#[$doc])* $variant($payload),)+
            }

            impl $events {
                /// The event's kind (its SSE `event:` name).
                #[must_use]
                pub fn kind(&self) -> EventKind {
                    match self {
                        $(Self::$variant(_) => EventKind::$variant,)+
                    }
                }

                /// The payload as JSON (the SSE `data:`).
                ///
                /// # Errors
                /// When the payload cannot be represented as JSON.
                pub fn to_value(&self) -> Result<serde_json::Value, serde_json::Error> {
                    match self {
                        $(Self::$variant(payload) => serde_json::to_value(payload),)+
                    }
                }

                /// Parses the `data:` of an event of `kind`; `None` when the
                /// kind is another service's or the payload does not parse.
                #[must_use]
                pub fn parse(kind: EventKind, data: &str) -> Option<Self> {
                    match kind {
                        $(EventKind::$variant => <$payload as LivePayload>::parse(data).ok().map(Self::$variant),)+
                        #[allow(unreachable_patterns)]
                        _ => None,
                    }
                }
            }

            impl From<$events> for LiveEvent {
                fn from(event: $events) -> Self {
                    Self::$service(event)
                }
            }
        )+

        /// One live event of either service.
        #[derive(Debug, Clone, PartialEq)]
        pub enum LiveEvent {
            $(
                #[doc = concat!("An event of ", stringify!($service), ".")]
                $service($events),
            )+
        }

        impl LiveEvent {
            /// The event's kind (its SSE `event:` name).
            #[must_use]
            pub fn kind(&self) -> EventKind {
                match self {
                    $(Self::$service(event) => event.kind(),)+
                }
            }

            /// The payload as JSON (the SSE `data:`).
            ///
            /// # Errors
            /// When the payload cannot be represented as JSON.
            pub fn to_value(&self) -> Result<serde_json::Value, serde_json::Error> {
                match self {
                    $(Self::$service(event) => event.to_value(),)+
                }
            }

            /// Parses the `data:` of an event of `kind`; `None` when the
            /// payload does not parse.
            #[must_use]
            pub fn parse(kind: EventKind, data: &str) -> Option<Self> {
                match kind.service() {
                    $(Service::$service => $events::parse(kind, data).map(Self::$service),)+
                }
            }
        }
    };
}

/// A live event's payload, as the browser parses it.
pub trait LivePayload: Sized {
    /// Parses a payload from the `data:` of its event.
    ///
    /// # Errors
    /// When `data` does not have this shape.
    fn parse(data: &str) -> Result<Self, serde_json::Error>;
}

/// Payloads that parse with their own `Deserialize`.
macro_rules! plain_payloads {
    ($($payload:ty),+) => {
        $(impl LivePayload for $payload {
            fn parse(data: &str) -> Result<Self, serde_json::Error> {
                serde_json::from_str(data)
            }
        })+
    };
}

live_events! {
    /// An event about an OpsWorks CM resource.
    service OpsWorksCm => OpsWorksCmEvent {
        /// Data: a [`crate::opsworkscm::Server`].
        Server = "server": opsworkscm::Server,
        /// Data: a [`crate::opsworkscm::Backup`].
        Backup = "backup": opsworkscm::Backup,
        /// Data: a [`crate::opsworkscm::ServerEvent`].
        ServerEvent = "server-event": opsworkscm::ServerEvent,
        /// Data: a [`NodeAssociation`].
        NodeAssociation = "node-association": NodeAssociation,
        /// Data: a [`ServerDeleted`].
        ServerDeleted = "server-deleted": ServerDeleted,
        /// Data: a [`BackupDeleted`].
        BackupDeleted = "backup-deleted": BackupDeleted,
    }
    /// An event about a CloudHSM v2 resource; every payload names its region.
    service CloudHsmV2 => CloudHsmEvent {
        /// Data: a [`ClusterChanged`].
        Cluster = "cluster": ClusterChanged,
        /// Data: a [`ClusterDeleted`].
        ClusterDeleted = "cluster-deleted": ClusterDeleted,
        /// Data: an [`HsmBackupChanged`].
        HsmBackup = "hsm-backup": HsmBackupChanged,
        /// Data: an [`HsmBackupDeleted`].
        HsmBackupDeleted = "hsm-backup-deleted": HsmBackupDeleted,
    }
}

impl EventKind {
    /// Looks a kind up by its wire name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::lookup(name)
    }
}

plain_payloads!(
    opsworkscm::Server,
    opsworkscm::Backup,
    opsworkscm::ServerEvent,
    NodeAssociation,
    ServerDeleted,
    BackupDeleted,
    ClusterDeleted,
    HsmBackupDeleted
);

/// The region every regional payload names (the rest of it is the item
/// itself: parsing it twice spares the WASM serde's `flatten`).
#[derive(Deserialize)]
struct RegionOf {
    #[serde(rename = "Region")]
    region: String,
}

impl LivePayload for ClusterChanged {
    fn parse(data: &str) -> Result<Self, serde_json::Error> {
        Ok(Self {
            region: serde_json::from_str::<RegionOf>(data)?.region,
            cluster: serde_json::from_str(data)?,
        })
    }
}

impl LivePayload for HsmBackupChanged {
    fn parse(data: &str) -> Result<Self, serde_json::Error> {
        Ok(Self {
            region: serde_json::from_str::<RegionOf>(data)?.region,
            backup: serde_json::from_str(data)?,
        })
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
    /// The entry `id` announcing `event`.
    ///
    /// # Errors
    /// When the payload cannot be represented as JSON.
    pub fn new(id: u64, event: &LiveEvent) -> Result<Self, serde_json::Error> {
        Ok(Self {
            id,
            kind: event.kind(),
            data: event.to_value()?,
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
        let entry =
            JournalEntry::new(7, &OpsWorksCmEvent::BackupDeleted(payload.clone()).into()).unwrap();
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
            serde_json::from_value::<HsmBackupChanged>(json.clone()).unwrap(),
            changed
        );
        assert_eq!(
            CloudHsmEvent::parse(EventKind::HsmBackup, &json.to_string()).unwrap(),
            CloudHsmEvent::HsmBackup(changed)
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
            serde_json::from_value::<ClusterChanged>(json.clone()).unwrap(),
            cluster
        );
        let event = LiveEvent::parse(EventKind::Cluster, &json.to_string()).unwrap();
        assert_eq!(event.kind(), EventKind::Cluster);
        assert_eq!(event, CloudHsmEvent::Cluster(cluster).into());
        assert_eq!(EventKind::Cluster.service(), Service::CloudHsmV2);
        assert!(LiveEvent::parse(EventKind::Cluster, r#"{"ClusterId":"x"}"#).is_none());
        assert!(OpsWorksCmEvent::parse(EventKind::Cluster, &json.to_string()).is_none());
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
