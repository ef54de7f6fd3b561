//! CloudHSM clusters and backups in the live store, keyed by region and id.
//!
//! The simulator keeps every region, so the store loads a region's snapshot
//! (DescribeClusters + DescribeBackups) the first time a page asks for it
//! ([`HsmStore::watch`]) and again whenever the stream reopens. From then on
//! the stream's `cluster`, `cluster-deleted`, `hsm-backup` and
//! `hsm-backup-deleted` events (each naming its region) keep it current;
//! events of regions no page asked for are ignored. Events arriving while a
//! region's snapshot is in flight are applied and kept, then applied again on
//! top of the snapshot, in journal order, so a stale snapshot cannot undo them.
//!
//! Each cluster and backup lives in its own signal: a state change touches
//! that item's signal only, so only its row re-renders.
//!
//! The live store holds this store behind the [`HsmFeed`] trait, created by
//! the first CloudHSM page shown ([`LiveStore::cloudhsm`](super::LiveStore::cloudhsm)):
//! until then CloudHSM events are ignored, and the code of this store (the
//! CloudHSM models' decoders, their API calls) loads with the CloudHSM pages,
//! not with the console's first page.

use std::any::Any;
use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::cloudhsmv2::{Backup, BackupState, Cluster};
use shared::events::{CloudHsmEvent, EventKind};

use super::Snapshot;
use crate::api::{ApiError, cloudhsm};

/// `(region, id)`.
type Key = (String, String);

/// A CloudHSM event of the stream, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HsmChange {
    /// `cluster`: the cluster's new state, in `region`.
    Cluster {
        /// The cluster's region.
        region: String,
        /// The cluster.
        cluster: Cluster,
    },
    /// `cluster-deleted`.
    ClusterGone {
        /// The cluster's region.
        region: String,
        /// The deleted cluster.
        cluster_id: String,
    },
    /// `hsm-backup`: the backup's new state, in `region`.
    Backup {
        /// The backup's region.
        region: String,
        /// The backup.
        backup: Backup,
    },
    /// `hsm-backup-deleted`.
    BackupGone {
        /// The backup's region.
        region: String,
        /// The deleted backup.
        backup_id: String,
    },
}

impl HsmChange {
    fn region(&self) -> &str {
        match self {
            Self::Cluster { region, .. }
            | Self::ClusterGone { region, .. }
            | Self::Backup { region, .. }
            | Self::BackupGone { region, .. } => region,
        }
    }
}

impl HsmChange {
    /// The change a CloudHSM event carries.
    pub fn from_event(event: CloudHsmEvent) -> Self {
        match event {
            CloudHsmEvent::Cluster(changed) => Self::Cluster {
                region: changed.region,
                cluster: changed.cluster,
            },
            CloudHsmEvent::HsmBackup(changed) => Self::Backup {
                region: changed.region,
                backup: changed.backup,
            },
            CloudHsmEvent::ClusterDeleted(gone) => Self::ClusterGone {
                region: gone.region,
                cluster_id: gone.cluster_id,
            },
            CloudHsmEvent::HsmBackupDeleted(gone) => Self::BackupGone {
                region: gone.region,
                backup_id: gone.backup_id,
            },
        }
    }
}

/// What the live store asks of the CloudHSM store, without knowing its type.
pub trait HsmFeed: Send + Sync {
    /// Applies one event of the stream.
    fn apply(&self, kind: EventKind, data: &str);
    /// Reloads every watched region (the stream reopened).
    fn reload_watched(&self);
    /// The store itself.
    fn as_any(&self) -> &dyn Any;
}

impl HsmFeed for HsmStore {
    fn apply(&self, kind: EventKind, data: &str) {
        HsmStore::apply(self, kind, data);
    }

    fn reload_watched(&self) {
        HsmStore::reload_watched(self);
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The CloudHSM part of the live store (a `Copy` handle).
#[derive(Clone, Copy, Default)]
pub struct HsmStore {
    clusters: RwSignal<BTreeMap<Key, ArcRwSignal<Cluster>>>,
    backups: RwSignal<BTreeMap<Key, ArcRwSignal<Backup>>>,
    /// The regions pages asked for, with the state of their snapshot.
    regions: RwSignal<BTreeMap<String, Snapshot>>,
    /// Events of a region whose snapshot is in flight.
    buffers: StoredValue<BTreeMap<String, Vec<HsmChange>>>,
}

impl HsmStore {
    /// Keeps `region` current from now on: loads its snapshot the first time.
    pub fn watch(&self, region: &str) {
        let known = self
            .regions
            .with_untracked(|regions| regions.contains_key(region));
        if !known {
            self.load(region.to_owned());
        }
    }

    /// Loads a fresh snapshot of `region` (the Refresh button).
    pub fn reload(&self, region: &str) {
        self.load(region.to_owned());
    }

    /// Reloads every watched region (the stream reopened, or the journal was
    /// pruned past our position).
    pub fn reload_watched(&self) {
        let regions: Vec<String> = self
            .regions
            .with_untracked(|regions| regions.keys().cloned().collect());
        for region in regions {
            self.load(region);
        }
    }

    /// The state of `region`'s snapshot (tracked); `Loading` before [`watch`](Self::watch).
    pub fn region_state(&self, region: &str) -> Snapshot {
        self.regions
            .with(|regions| regions.get(region).cloned())
            .unwrap_or(Snapshot::Loading)
    }

    /// Calls `f` on every cluster of `region` (tracks the map and each cluster).
    pub fn for_each_cluster(&self, region: &str, mut f: impl FnMut(&Cluster)) {
        self.clusters.with(|map| {
            for ((r, _), cluster) in map.iter() {
                if r == region {
                    cluster.with(&mut f);
                }
            }
        });
    }

    /// The signal of one cluster, without tracking the map (for a row that exists).
    pub fn cluster_signal(&self, region: &str, id: &str) -> Option<ArcRwSignal<Cluster>> {
        self.clusters
            .with_untracked(|map| map.get(&key(region, id)).cloned())
    }

    /// One cluster (tracks its presence and its state).
    pub fn cluster(&self, region: &str, id: &str) -> Option<Cluster> {
        self.clusters
            .with(|map| map.get(&key(region, id)).cloned())
            .map(|cluster| cluster.get())
    }

    /// Calls `f` on every backup of `region` (tracks the map and each backup).
    pub fn for_each_backup(&self, region: &str, mut f: impl FnMut(&Backup)) {
        self.backups.with(|map| {
            for ((r, _), backup) in map.iter() {
                if r == region {
                    backup.with(&mut f);
                }
            }
        });
    }

    /// The signal of one backup, without tracking the map (for a row that exists).
    pub fn backup_signal(&self, region: &str, id: &str) -> Option<ArcRwSignal<Backup>> {
        self.backups
            .with_untracked(|map| map.get(&key(region, id)).cloned())
    }

    /// One backup (tracks its presence and its state).
    pub fn backup(&self, region: &str, id: &str) -> Option<Backup> {
        self.backups
            .with(|map| map.get(&key(region, id)).cloned())
            .map(|backup| backup.get())
    }

    /// The state of one backup (tracked); `None` while it is not known.
    pub fn backup_state(&self, region: &str, id: &str) -> Option<BackupState> {
        self.backup(region, id).and_then(|b| b.backup_state)
    }

    /// Starts loading `region` unless a load is in flight.
    fn load(&self, region: String) {
        if !self.begin_load(&region) {
            return;
        }
        let store = *self;
        spawn_local(async move {
            let result = async {
                let clusters = cloudhsm::describe_clusters(&region).await?;
                let backups = cloudhsm::describe_backups(&region, None).await?;
                Ok((clusters, backups))
            };
            store.finish_load(&region, result.await);
        });
    }

    /// Watches `region` as if an empty snapshot had loaded (tests of the live store).
    #[cfg(test)]
    pub(crate) fn mark_loaded(&self, region: &str) {
        assert!(self.begin_load(region));
        self.finish_load(region, Ok((Vec::new(), Vec::new())));
    }

    /// Marks `region` loading and starts buffering its events; false when a
    /// load is already in flight.
    fn begin_load(&self, region: &str) -> bool {
        let in_flight = self
            .buffers
            .with_value(|buffers| buffers.contains_key(region));
        if in_flight {
            return false;
        }
        self.buffers.update_value(|buffers| {
            buffers.insert(region.to_owned(), Vec::new());
        });
        let loaded = self
            .regions
            .with_untracked(|regions| regions.get(region) == Some(&Snapshot::Ready));
        // A reload keeps showing what is there; only a first load says "Loading".
        if !loaded {
            self.regions.update(|regions| {
                regions.insert(region.to_owned(), Snapshot::Loading);
            });
        }
        true
    }

    /// Takes the snapshot (or its failure) of `region`, then replays the
    /// events that arrived meanwhile.
    fn finish_load(&self, region: &str, result: Result<(Vec<Cluster>, Vec<Backup>), ApiError>) {
        let buffered = self
            .buffers
            .try_update_value(|buffers| buffers.remove(region))
            .flatten()
            .unwrap_or_default();
        let state = match result {
            Ok((clusters, backups)) => {
                self.replace_region(region, clusters, backups);
                Snapshot::Ready
            }
            Err(err) => Snapshot::Failed(err),
        };
        for change in buffered {
            self.apply_change(change);
        }
        self.regions.try_update(|regions| {
            regions.insert(region.to_owned(), state);
        });
    }

    /// Replaces the content of `region`, keeping the signals of items that stay.
    fn replace_region(&self, region: &str, clusters: Vec<Cluster>, backups: Vec<Backup>) {
        let cluster_ids: Vec<String> = clusters
            .iter()
            .filter_map(|c| c.cluster_id.clone())
            .collect();
        let gone_clusters = self
            .clusters
            .with_untracked(|map| gone(map.keys(), region, &cluster_ids));
        if !gone_clusters.is_empty() {
            self.clusters.update(|map| {
                for k in &gone_clusters {
                    map.remove(k);
                }
            });
        }
        for cluster in clusters {
            self.upsert_cluster(region, cluster);
        }
        let backup_ids: Vec<String> = backups.iter().map(|b| b.backup_id.clone()).collect();
        let gone_backups = self
            .backups
            .with_untracked(|map| gone(map.keys(), region, &backup_ids));
        if !gone_backups.is_empty() {
            self.backups.update(|map| {
                for k in &gone_backups {
                    map.remove(k);
                }
            });
        }
        for backup in backups {
            self.upsert_backup(region, backup);
        }
    }

    /// Adds a cluster the service just created (its answer), unless the
    /// stream already brought it (then the stream's state is newer or equal).
    pub fn add_created_cluster(&self, region: &str, cluster: Cluster) {
        let known = cluster
            .cluster_id
            .as_deref()
            .is_some_and(|id| self.cluster_signal(region, id).is_some());
        let watched = self
            .regions
            .with_untracked(|regions| regions.contains_key(region));
        if watched && !known {
            self.upsert_cluster(region, cluster);
        }
    }

    /// Inserts or updates a cluster; an unchanged cluster notifies nobody.
    fn upsert_cluster(&self, region: &str, mut cluster: Cluster) {
        let Some(id) = cluster.cluster_id.clone() else {
            return;
        };
        // The precrypto officer's default password never enters the store.
        cluster.pre_co_password = None;
        match self.cluster_signal(region, &id) {
            Some(existing) => {
                if existing.with_untracked(|current| current != &cluster) {
                    existing.set(cluster);
                }
            }
            None => self.clusters.update(|map| {
                map.insert(key(region, &id), ArcRwSignal::new(cluster));
            }),
        }
    }

    /// Inserts or updates a backup; an unchanged backup notifies nobody.
    fn upsert_backup(&self, region: &str, backup: Backup) {
        let id = backup.backup_id.clone();
        if id.is_empty() {
            return;
        }
        match self.backup_signal(region, &id) {
            Some(existing) => {
                if existing.with_untracked(|current| current != &backup) {
                    existing.set(backup);
                }
            }
            None => self.backups.update(|map| {
                map.insert(key(region, &id), ArcRwSignal::new(backup));
            }),
        }
    }

    fn remove<T>(map: RwSignal<BTreeMap<Key, T>>, k: Key)
    where
        T: Send + Sync + 'static,
    {
        if map.with_untracked(|m| m.contains_key(&k)) {
            map.update(|m| {
                m.remove(&k);
            });
        }
    }

    /// Applies one CloudHSM event of the stream (other kinds are ignored).
    pub fn apply(&self, kind: EventKind, data: &str) {
        if let Some(event) = CloudHsmEvent::parse(kind, data) {
            let change = HsmChange::from_event(event);
            self.apply_change(change);
        }
    }

    /// Applies a change of a watched region; keeps it while the region's
    /// snapshot is in flight, to apply again on top of the snapshot.
    fn apply_change(&self, change: HsmChange) {
        let region = change.region().to_owned();
        let watched = self
            .regions
            .with_untracked(|regions| regions.contains_key(&region));
        if !watched {
            return;
        }
        self.buffers.update_value(|buffers| {
            if let Some(buffer) = buffers.get_mut(&region) {
                buffer.push(change.clone());
            }
        });
        match change {
            HsmChange::Cluster { cluster, .. } => self.upsert_cluster(&region, cluster),
            HsmChange::ClusterGone { cluster_id, .. } => {
                Self::remove(self.clusters, key(&region, &cluster_id));
            }
            HsmChange::Backup { backup, .. } => self.upsert_backup(&region, backup),
            HsmChange::BackupGone { backup_id, .. } => {
                Self::remove(self.backups, key(&region, &backup_id));
            }
        }
    }
}

/// The keys of `region` whose id is not in `ids`.
fn gone<'a>(keys: impl Iterator<Item = &'a Key>, region: &str, ids: &[String]) -> Vec<Key> {
    keys.filter(|(r, id)| r == region && !ids.contains(id))
        .cloned()
        .collect()
}

fn key(region: &str, id: &str) -> Key {
    (region.to_owned(), id.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    fn cluster_event(region: &str, id: &str, state: &str) -> String {
        format!(
            r#"{{"Region":"{region}","ClusterId":"{id}","State":"{state}","Hsms":[],"SubnetMapping":{{}},"TagList":[]}}"#
        )
    }

    fn backup_event(region: &str, id: &str, state: &str) -> String {
        format!(r#"{{"Region":"{region}","BackupId":"{id}","BackupState":"{state}","TagList":[]}}"#)
    }

    fn backup_ids(store: &HsmStore, region: &str) -> Vec<String> {
        let mut ids = Vec::new();
        store.for_each_backup(region, |b| ids.push(b.backup_id.clone()));
        ids
    }

    /// The change an event of `kind` with `data` carries, if it parses.
    fn decode(kind: EventKind, data: &str) -> Option<HsmChange> {
        CloudHsmEvent::parse(kind, data).map(HsmChange::from_event)
    }

    /// A store watching `region` with an empty snapshot loaded.
    fn watching(region: &str) -> HsmStore {
        let store = HsmStore::default();
        assert!(store.begin_load(region));
        store.finish_load(region, Ok((vec![], vec![])));
        store
    }

    #[test]
    fn events_are_keyed_by_region_and_id() {
        let store = watching("us-east-1");
        assert!(store.begin_load("eu-west-1"));
        store.finish_load("eu-west-1", Ok((vec![], vec![])));
        store.apply(
            EventKind::HsmBackup,
            &backup_event("us-east-1", "backup-aaaaaaaaaaa", "CREATE_IN_PROGRESS"),
        );
        store.apply(
            EventKind::HsmBackup,
            &backup_event("eu-west-1", "backup-bbbbbbbbbbb", "READY"),
        );
        let signal = store
            .backup_signal("us-east-1", "backup-aaaaaaaaaaa")
            .unwrap();
        store.apply(
            EventKind::HsmBackup,
            &backup_event("us-east-1", "backup-aaaaaaaaaaa", "READY"),
        );
        // Same signal, new state: the row updates in place.
        assert!(
            store
                .backup_signal("us-east-1", "backup-aaaaaaaaaaa")
                .is_some_and(|s| s == signal)
        );
        assert_eq!(
            store.backup_state("us-east-1", "backup-aaaaaaaaaaa"),
            Some(BackupState::Ready)
        );
        assert_eq!(backup_ids(&store, "us-east-1"), ["backup-aaaaaaaaaaa"]);
        assert_eq!(backup_ids(&store, "eu-west-1"), ["backup-bbbbbbbbbbb"]);
        assert!(store.backup("eu-west-1", "backup-aaaaaaaaaaa").is_none());

        store.apply(
            EventKind::HsmBackupDeleted,
            r#"{"BackupId":"backup-aaaaaaaaaaa","ClusterId":null,"Region":"us-east-1"}"#,
        );
        assert!(backup_ids(&store, "us-east-1").is_empty());
        assert_eq!(backup_ids(&store, "eu-west-1").len(), 1);
    }

    #[test]
    fn clusters_come_and_go_without_their_password() {
        let store = watching("us-east-1");
        store.apply(EventKind::Cluster,
            r#"{"Region":"us-east-1","ClusterId":"cluster-aaaaaaaaaaa","State":"ACTIVE","PreCoPassword":"secret","Hsms":[],"SubnetMapping":{},"TagList":[]}"#,
        );
        let cluster = store.cluster("us-east-1", "cluster-aaaaaaaaaaa").unwrap();
        assert_eq!(cluster.pre_co_password, None);
        store.apply(
            EventKind::ClusterDeleted,
            r#"{"ClusterId":"cluster-aaaaaaaaaaa","Region":"us-east-1"}"#,
        );
        assert!(store.cluster("us-east-1", "cluster-aaaaaaaaaaa").is_none());
    }

    #[test]
    fn events_decode_with_their_region() {
        let change = decode(
            EventKind::HsmBackup,
            r#"{"Region":"eu-west-1","BackupId":"backup-ro5c4er4aac","BackupState":"PENDING_DELETION","DeleteTimestamp":1700000000,"SourceRegion":"us-east-1","TagList":[]}"#,
        )
        .unwrap();
        let HsmChange::Backup { region, backup } = change else {
            panic!("{change:?}");
        };
        assert_eq!(region, "eu-west-1");
        assert_eq!(backup.source_region.as_deref(), Some("us-east-1"));
        assert!(backup.delete_timestamp.is_some());
        assert_eq!(
            decode(
                EventKind::ClusterDeleted,
                r#"{"ClusterId":"cluster-igklspoyj5v","Region":"us-east-1"}"#
            ),
            Some(HsmChange::ClusterGone {
                region: "us-east-1".to_owned(),
                cluster_id: "cluster-igklspoyj5v".to_owned()
            })
        );
        assert_eq!(decode(EventKind::Cluster, r#"{"ClusterId":"x"}"#), None);
        assert_eq!(decode(EventKind::Server, "{}"), None);
    }

    #[test]
    fn regions_no_page_asked_for_are_ignored() {
        let store = watching("us-east-1");
        store.apply(
            EventKind::Cluster,
            &cluster_event("ap-south-1", "cluster-aaaaaaaaaaa", "ACTIVE"),
        );
        assert!(store.cluster("ap-south-1", "cluster-aaaaaaaaaaa").is_none());
        assert_eq!(store.region_state("ap-south-1"), Snapshot::Loading);
        assert_eq!(store.region_state("us-east-1"), Snapshot::Ready);
    }

    #[test]
    fn events_during_a_snapshot_win_over_it() {
        let store = HsmStore::default();
        assert!(store.begin_load("us-east-1"));
        // A second load while one is in flight does nothing.
        assert!(!store.begin_load("us-east-1"));
        store.apply(
            EventKind::HsmBackup,
            &backup_event("us-east-1", "backup-aaaaaaaaaaa", "PENDING_DELETION"),
        );
        store.apply(
            EventKind::HsmBackup,
            &backup_event("us-east-1", "backup-ccccccccccc", "READY"),
        );
        // The snapshot was taken before those events: it has the old state
        // and a backup that is gone since.
        let stale = |id: &str, state| Backup {
            backup_id: id.to_owned(),
            backup_state: Some(state),
            ..Backup::default()
        };
        store.finish_load(
            "us-east-1",
            Ok((
                vec![],
                vec![
                    stale("backup-aaaaaaaaaaa", BackupState::Ready),
                    stale("backup-bbbbbbbbbbb", BackupState::Ready),
                ],
            )),
        );
        assert_eq!(
            store.backup_state("us-east-1", "backup-aaaaaaaaaaa"),
            Some(BackupState::PendingDeletion)
        );
        assert_eq!(
            backup_ids(&store, "us-east-1"),
            [
                "backup-aaaaaaaaaaa",
                "backup-bbbbbbbbbbb",
                "backup-ccccccccccc"
            ]
        );
        // A reload replaces the region: what the snapshot lacks is gone.
        assert!(store.begin_load("us-east-1"));
        assert_eq!(store.region_state("us-east-1"), Snapshot::Ready);
        store.finish_load(
            "us-east-1",
            Ok((
                vec![],
                vec![stale("backup-ccccccccccc", BackupState::Ready)],
            )),
        );
        assert_eq!(backup_ids(&store, "us-east-1"), ["backup-ccccccccccc"]);
    }

    #[test]
    fn a_created_cluster_shows_unless_the_stream_was_faster() {
        let store = watching("us-east-1");
        let created = |state| Cluster {
            cluster_id: Some("cluster-aaaaaaaaaaa".to_owned()),
            state: Some(state),
            ..Cluster::default()
        };
        use shared::cloudhsmv2::ClusterState;
        store.add_created_cluster("us-east-1", created(ClusterState::CreateInProgress));
        assert!(store.cluster("us-east-1", "cluster-aaaaaaaaaaa").is_some());
        store.apply(
            EventKind::Cluster,
            &cluster_event("us-east-1", "cluster-aaaaaaaaaaa", "UNINITIALIZED"),
        );
        // A late answer does not undo the newer state.
        store.add_created_cluster("us-east-1", created(ClusterState::CreateInProgress));
        assert_eq!(
            store
                .cluster("us-east-1", "cluster-aaaaaaaaaaa")
                .and_then(|c| c.state),
            Some(ClusterState::Uninitialized)
        );
        // Unwatched regions are left alone.
        store.add_created_cluster("eu-west-1", created(ClusterState::CreateInProgress));
        assert!(store.cluster("eu-west-1", "cluster-aaaaaaaaaaa").is_none());
    }

    #[test]
    fn a_failed_snapshot_is_reported() {
        let store = HsmStore::default();
        assert!(store.begin_load("us-east-1"));
        store.finish_load("us-east-1", Err(ApiError::Network("down".to_owned())));
        assert!(matches!(
            store.region_state("us-east-1"),
            Snapshot::Failed(_)
        ));
        // It can be loaded again.
        assert!(store.begin_load("us-east-1"));
    }
}
