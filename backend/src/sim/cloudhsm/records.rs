//! What the simulator keeps per cluster and per backup, and how changes to
//! them become durable records and journal entries.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shared::cloudhsmv2::{Backup, BackupState, Cluster, ClusterState, HsmState};
use shared::events::{
    CloudHsmEvent, ClusterChanged, ClusterDeleted, HsmBackupChanged, HsmBackupDeleted,
};

use super::{backup_not_found, cluster_not_found};
use crate::error::ServiceError;
use crate::sim::State;
use crate::sim::changes::{Changes, corrupt_record, decode_record, prefixed};
use crate::sim::pending::Pending;
use crate::store::{RecordKind, StoreError};

/// Default retention of a new cluster's backups, in days.
pub(crate) const DEFAULT_RETENTION_DAYS: u32 = 90;

/// What a cluster is doing until `due`.
pub(crate) type ClusterPending = Pending<ClusterAction>;

/// A cluster's asynchronous steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub(crate) enum ClusterAction {
    /// CREATE_IN_PROGRESS → UNINITIALIZED (or INITIALIZED from a backup).
    Create,
    /// INITIALIZE_IN_PROGRESS → INITIALIZED.
    Initialize,
    /// INITIALIZED → ACTIVE once an HSM is ACTIVE.
    Activate,
    /// MODIFY_IN_PROGRESS → ACTIVE with the new HSM type.
    Modify {
        /// The new HSM type.
        hsm_type: String,
    },
    /// DELETE_IN_PROGRESS → gone.
    Delete,
}

/// What an HSM is doing until `due`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct HsmPending {
    /// When the step completes.
    #[serde(with = "shared::time::epoch_seconds")]
    pub(crate) due: DateTime<Utc>,
    /// True for DELETE_IN_PROGRESS → gone, false for CREATE_IN_PROGRESS → ACTIVE.
    pub(crate) delete: bool,
}

/// A cluster with the internal state DescribeClusters does not show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ClusterRecord {
    /// The cluster's region.
    pub(crate) region: String,
    /// What DescribeClusters returns (HSMs and tags included).
    pub(crate) cluster: Cluster,
    /// The cluster's step in progress.
    pub(crate) pending: Option<ClusterPending>,
    /// HSM steps in progress, by HSM id.
    #[serde(default)]
    pub(crate) hsm_pending: BTreeMap<String, HsmPending>,
    /// When the next daily backup is due.
    #[serde(default, with = "shared::time::epoch_seconds_option")]
    pub(crate) next_daily_backup: Option<DateTime<Utc>>,
}

impl ClusterRecord {
    /// The cluster's id.
    pub(crate) fn id(&self) -> &str {
        self.cluster.cluster_id.as_deref().unwrap_or_default()
    }

    /// The cluster's state.
    pub(crate) fn state(&self) -> ClusterState {
        self.cluster.state.unwrap_or(ClusterState::Active)
    }

    /// Days the retention policy keeps backups.
    pub(crate) fn retention_days(&self) -> u32 {
        self.cluster
            .backup_retention_policy
            .as_ref()
            .and_then(|p| p.value.as_deref())
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_RETENTION_DAYS)
    }

    /// Whether at least one HSM is ACTIVE.
    pub(crate) fn has_active_hsm(&self) -> bool {
        self.cluster
            .hsms
            .iter()
            .any(|h| h.state == Some(HsmState::Active))
    }
}

/// A backup with the internal state DescribeBackups does not show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct BackupRecord {
    /// The backup's region.
    pub(crate) region: String,
    /// What DescribeBackups returns (tags included).
    pub(crate) backup: Backup,
    /// When a CREATE_IN_PROGRESS backup becomes READY.
    #[serde(default, with = "shared::time::epoch_seconds_option")]
    pub(crate) ready_due: Option<DateTime<Utc>>,
    /// The resource policy PutResourcePolicy attached (JSON, as given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) resource_policy: Option<String>,
    /// When RestoreBackup last made it READY: the retention policy cannot
    /// expire it before then, however old it is.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "shared::time::epoch_seconds_option"
    )]
    pub(crate) restored_at: Option<DateTime<Utc>>,
}

impl BackupRecord {
    /// The backup's state.
    pub(crate) fn state(&self) -> BackupState {
        self.backup.backup_state.unwrap_or(BackupState::Ready)
    }

    /// When a PENDING_DELETION backup is deleted for good.
    pub(crate) fn purge_due(&self) -> Option<DateTime<Utc>> {
        (self.state() == BackupState::PendingDeletion)
            .then_some(self.backup.delete_timestamp)
            .flatten()
    }
}

/// Every CloudHSM v2 record the simulator holds, every region's.
#[derive(Debug, Default, Clone)]
pub(crate) struct Records {
    /// Clusters by id.
    pub(crate) clusters: BTreeMap<String, ClusterRecord>,
    /// Backups by id.
    pub(crate) backups: BTreeMap<String, BackupRecord>,
}

impl Records {
    /// The cluster `id` of `region`, or `CloudHsmResourceNotFoundException`.
    pub(crate) fn cluster(&self, region: &str, id: &str) -> Result<&ClusterRecord, ServiceError> {
        let found = self.clusters.get(id).filter(|c| c.region == region);
        found.ok_or_else(|| cluster_not_found(id))
    }

    /// [`Records::cluster`], to change it.
    pub(crate) fn cluster_mut(
        &mut self,
        region: &str,
        id: &str,
    ) -> Result<&mut ClusterRecord, ServiceError> {
        let found = self.clusters.get_mut(id).filter(|c| c.region == region);
        found.ok_or_else(|| cluster_not_found(id))
    }

    /// The backup `id` of `region`, or `CloudHsmResourceNotFoundException`.
    pub(crate) fn backup(&self, region: &str, id: &str) -> Result<&BackupRecord, ServiceError> {
        let found = self.backups.get(id).filter(|b| b.region == region);
        found.ok_or_else(|| backup_not_found(id))
    }

    /// [`Records::backup`], to change it.
    pub(crate) fn backup_mut(
        &mut self,
        region: &str,
        id: &str,
    ) -> Result<&mut BackupRecord, ServiceError> {
        let found = self.backups.get_mut(id).filter(|b| b.region == region);
        found.ok_or_else(|| backup_not_found(id))
    }

    /// Inserts or replaces the record `key` of `kind` from its stored form.
    pub(crate) fn put(
        &mut self,
        kind: RecordKind,
        key: &str,
        body: &str,
    ) -> Result<(), StoreError> {
        match kind {
            RecordKind::HsmCluster => {
                let rec = decode_record(kind, key, body)?;
                self.clusters.insert(key.to_owned(), rec);
            }
            RecordKind::HsmBackup => {
                let rec = decode_record(kind, key, body)?;
                self.backups.insert(key.to_owned(), rec);
            }
            _ => return Err(corrupt_record(kind, key)),
        }
        Ok(())
    }

    /// Removes the record `key` of `kind`, if present.
    pub(crate) fn delete(&mut self, kind: RecordKind, key: &str) {
        match kind {
            RecordKind::HsmCluster => {
                self.clusters.remove(key);
            }
            RecordKind::HsmBackup => {
                self.backups.remove(key);
            }
            _ => {}
        }
    }

    /// Removes every record of `kind` whose key starts with `prefix`.
    pub(crate) fn delete_prefix(&mut self, kind: RecordKind, prefix: &str) {
        let keys = match kind {
            RecordKind::HsmCluster => prefixed(self.clusters.keys(), prefix),
            RecordKind::HsmBackup => prefixed(self.backups.keys(), prefix),
            _ => Vec::new(),
        };
        for key in keys {
            self.delete(kind, &key);
        }
    }
}

/// How changes to CloudHSM records become durable records and journal
/// entries (in scope only in CloudHSM's modules, so its names need no
/// service prefix).
pub(crate) trait RecordChanges {
    /// Removes every cluster and backup of every region.
    fn remove_all(&mut self, state: &mut State);
    /// Persists the cluster `id` as it now is and announces it.
    fn cluster_changed(&mut self, state: &mut State, id: &str);
    /// Removes the cluster `id`.
    fn cluster_removed(&mut self, state: &mut State, id: &str);
    /// Persists the backup `id` as it now is without announcing it: for
    /// changes DescribeBackups does not show (its resource policy).
    fn backup_stored(&mut self, state: &State, id: &str);
    /// Persists the backup `id` as it now is and announces it.
    fn backup_changed(&mut self, state: &mut State, id: &str);
    /// Removes the backup `id`.
    fn backup_removed(&mut self, state: &mut State, id: &str);
}

impl RecordChanges for Changes {
    fn remove_all(&mut self, state: &mut State) {
        let clusters = |s: &State| s.cloudhsm.clusters.keys().cloned().collect();
        self.remove_each(state, clusters, Self::cluster_removed);
        let backups = |s: &State| s.cloudhsm.backups.keys().cloned().collect();
        self.remove_each(state, backups, Self::backup_removed);
    }

    fn cluster_changed(&mut self, state: &mut State, id: &str) {
        self.record_changed(
            state,
            (RecordKind::HsmCluster, id),
            |s| s.cloudhsm.clusters.get(id),
            |rec| {
                CloudHsmEvent::Cluster(ClusterChanged {
                    region: rec.region.clone(),
                    cluster: rec.cluster.clone(),
                })
            },
        );
    }

    fn cluster_removed(&mut self, state: &mut State, id: &str) {
        self.record_removed(
            state,
            (RecordKind::HsmCluster, id),
            |s| s.cloudhsm.clusters.remove(id),
            |rec| {
                CloudHsmEvent::ClusterDeleted(ClusterDeleted {
                    cluster_id: id.to_owned(),
                    region: rec.region,
                })
            },
        );
    }

    fn backup_stored(&mut self, state: &State, id: &str) {
        if let Some(rec) = state.cloudhsm.backups.get(id) {
            self.batch_mut().put(RecordKind::HsmBackup, id, rec);
        }
    }

    fn backup_changed(&mut self, state: &mut State, id: &str) {
        self.record_changed(
            state,
            (RecordKind::HsmBackup, id),
            |s| s.cloudhsm.backups.get(id),
            |rec| {
                CloudHsmEvent::HsmBackup(HsmBackupChanged {
                    region: rec.region.clone(),
                    backup: rec.backup.clone(),
                })
            },
        );
    }

    fn backup_removed(&mut self, state: &mut State, id: &str) {
        self.record_removed(
            state,
            (RecordKind::HsmBackup, id),
            |s| s.cloudhsm.backups.remove(id),
            |rec| {
                CloudHsmEvent::HsmBackupDeleted(HsmBackupDeleted {
                    backup_id: id.to_owned(),
                    cluster_id: rec.backup.cluster_id,
                    region: rec.region,
                })
            },
        );
    }
}
