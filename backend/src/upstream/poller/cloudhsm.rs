//! The CloudHSM v2 half of the poller: clusters and backups, per region.
//!
//! CloudHSM is regional and the console may use any region, so the poller
//! follows the regions it has seen: `--region`, and every region a CloudHSM
//! call forwarded through cmconsole succeeded in (plus a copy's
//! destination). Each region is listed with DescribeClusters and
//! DescribeBackups (every page) and diffed with its previous listing; the
//! differences are journaled as `cluster`, `cluster-deleted`, `hsm-backup`
//! and `hsm-backup-deleted` with exactly the payloads the simulator journals
//! (the item as Describe returns it plus its `Region`).
//!
//! Cadence: a region is listed at once after a change made through
//! cmconsole in it, on every poll while something in it is in transition,
//! when it was never listed or failed last time, and otherwise once per
//! slow interval (a sweep that catches changes made elsewhere).
//! PENDING_DELETION does not count as a transition: it lasts seven days.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use serde_json::Value;
use shared::events::{CloudHsmEvent, ClusterDeleted, HsmBackupDeleted, LiveEvent};

use shared::cloudhsmv2::{BackupState, ClusterState, HsmState};

use super::{Describe, Watch, diff, typed};
use crate::error::ServiceError;
use crate::target::Call;
use crate::upstream::client::UpstreamClient;
use shared::cloudhsmv2::Operation;

/// Most regions followed (AWS has fewer; this bounds what callers can add).
const MAX_REGIONS: usize = 64;

/// The regions the doors have used, and those changed since the last poll.
#[derive(Debug, Default)]
pub(super) struct Regions {
    known: BTreeSet<String>,
    changed: BTreeSet<String>,
}

impl Watch {
    /// A CloudHSM call in `region` succeeded: follow the region from now on
    /// and, when the call `changed` something there, poll it at once.
    /// Strings that are not region names are ignored.
    pub fn follow_cloudhsm_region(&self, region: &str, changed: bool) {
        if !crate::upstream::partition::is_region(region) {
            return;
        }
        let mut regions = self.hsm_regions.lock().unwrap_or_else(|e| e.into_inner());
        if !regions.known.contains(region) {
            if regions.known.len() >= MAX_REGIONS {
                tracing::warn!(region, "not following another CloudHSM region");
                return;
            }
            regions.known.insert(region.to_owned());
        }
        if changed {
            regions.changed.insert(region.to_owned());
            drop(regions);
            self.kick();
        }
    }

    /// Every followed region, and those changed since the last call.
    fn take_cloudhsm_regions(&self) -> (BTreeSet<String>, BTreeSet<String>) {
        let mut regions = self.hsm_regions.lock().unwrap_or_else(|e| e.into_inner());
        let changed = std::mem::take(&mut regions.changed);
        (regions.known.clone(), changed)
    }

    /// Marks `regions` changed again (their changes were not journaled).
    fn rechange_cloudhsm_regions(&self, regions: impl IntoIterator<Item = String>) {
        self.hsm_regions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .changed
            .extend(regions);
    }
}

/// One region's clusters and backups, each already shaped as its journal
/// payload (the Describe item plus `Region`), by id.
#[derive(Debug, Default, Clone, PartialEq)]
struct RegionListing {
    clusters: BTreeMap<String, Value>,
    backups: BTreeMap<String, Value>,
}

impl RegionListing {
    /// Whether anything listed is in transition.
    fn busy(&self) -> bool {
        self.clusters.values().any(cluster_in_transition)
            || self.backups.values().any(|b| {
                b["BackupState"]
                    .as_str()
                    .and_then(BackupState::from_name)
                    .is_some_and(BackupState::is_transitional)
            })
    }
}

/// What one CloudHSM poll found, to journal and then [`HsmPoller::settle`].
#[derive(Debug, Default)]
pub(super) struct HsmRound {
    /// Journal entries, in order.
    pub(super) changes: Vec<LiveEvent>,
    listed: Vec<(String, RegionListing)>,
    failed: BTreeSet<String>,
    changed: BTreeSet<String>,
    swept_at: Option<Instant>,
}

impl HsmRound {
    /// How the round went: `None` when it listed no region, else an error
    /// naming the regions that could not be listed.
    pub(super) fn outcome(&self) -> Option<Result<(), String>> {
        if self.failed.is_empty() {
            return (!self.listed.is_empty()).then_some(Ok(()));
        }
        let regions: Vec<&str> = self.failed.iter().map(String::as_str).collect();
        Some(Err(format!("listing failed in {}", regions.join(", "))))
    }
}

/// What the CloudHSM half of the poller saw last.
#[derive(Debug)]
pub(super) struct HsmPoller {
    seen: BTreeMap<String, RegionListing>,
    failed: BTreeSet<String>,
    rounds: u64,
    last_sweep: Option<Instant>,
    sweep_every: Duration,
}

impl HsmPoller {
    /// A poller that lists every followed region at least every `sweep_every`.
    pub(super) fn new(sweep_every: Duration) -> Self {
        Self {
            seen: BTreeMap::new(),
            failed: BTreeSet::new(),
            rounds: 0,
            last_sweep: None,
            sweep_every,
        }
    }

    /// Whether anything seen is in transition.
    pub(super) fn busy(&self) -> bool {
        self.seen.values().any(RegionListing::busy)
    }

    /// Lists the regions due and diffs them with what was seen; the first
    /// round only records (nothing is replayed). A region that cannot be
    /// listed is logged and skipped.
    pub(super) async fn poll(&self, client: &UpstreamClient, watch: &Watch) -> HsmRound {
        let (known, changed) = watch.take_cloudhsm_regions();
        let now = Instant::now();
        let sweep = self
            .last_sweep
            .is_none_or(|at| now.duration_since(at) >= self.sweep_every);
        let baseline = self.rounds == 0;
        let mut round = HsmRound {
            swept_at: sweep.then_some(now),
            ..HsmRound::default()
        };
        for region in known.iter().filter(|r| sweep || self.due(r, &changed)) {
            match list_region(client, region).await {
                Ok(listing) => {
                    if !baseline {
                        let before = self.seen.get(region).cloned().unwrap_or_default();
                        diff_region(region, &before, &listing, &mut round.changes);
                    }
                    round.listed.push((region.clone(), listing));
                }
                Err(err) => {
                    tracing::warn!(region, error = %err, "listing CloudHSM in a region failed");
                    round.failed.insert(region.clone());
                }
            }
        }
        round.changed = changed;
        round
    }

    /// Whether `region` is due outside a sweep.
    fn due(&self, region: &str, changed: &BTreeSet<String>) -> bool {
        changed.contains(region)
            || self.failed.contains(region)
            || self.seen.get(region).is_none_or(RegionListing::busy)
    }

    /// Takes `round` as seen once its changes are journaled; when they were
    /// not, forgets it so the next round finds the same changes again.
    pub(super) fn settle(&mut self, round: HsmRound, watch: &Watch, journaled: bool) {
        if !journaled {
            let listed = round.listed.into_iter().map(|(region, _)| region);
            watch.rechange_cloudhsm_regions(listed.chain(round.changed));
            return;
        }
        self.rounds += 1;
        for (region, listing) in round.listed {
            self.failed.remove(&region);
            self.seen.insert(region, listing);
        }
        self.failed.extend(round.failed);
        if round.swept_at.is_some() {
            self.last_sweep = round.swept_at;
        }
    }
}

/// Both lists of one region, shaped as journal payloads.
async fn list_region(client: &UpstreamClient, region: &str) -> Result<RegionListing, ServiceError> {
    let list = |operation, items, key| Describe {
        call: Call::CloudHsmV2(operation),
        region: Some(region),
        items,
        key,
    };
    let clusters = list(Operation::DescribeClusters, "Clusters", "ClusterId")
        .all(client)
        .await?;
    let backups = list(Operation::DescribeBackups, "Backups", "BackupId")
        .all(client)
        .await?;
    let shape = |items: BTreeMap<String, Value>| {
        items
            .into_iter()
            .map(|(id, item)| (id, with_region(item, region)))
            .collect()
    };
    Ok(RegionListing {
        clusters: shape(clusters),
        backups: shape(backups),
    })
}

/// The simulator's `ClusterChanged` / `HsmBackupChanged` payload for a
/// Describe item: the item with its `Region`.
fn with_region(mut item: Value, region: &str) -> Value {
    if let Some(object) = item.as_object_mut() {
        object.insert("Region".to_owned(), Value::String(region.to_owned()));
    }
    item
}

/// Appends the journal entries that turn `before` into `after` in `region`.
fn diff_region(
    region: &str,
    before: &RegionListing,
    after: &RegionListing,
    changes: &mut Vec<LiveEvent>,
) {
    diff(
        &before.clusters,
        &after.clusters,
        changes,
        |cluster| typed(cluster, |c| CloudHsmEvent::Cluster(c).into()),
        |id, _| {
            CloudHsmEvent::ClusterDeleted(ClusterDeleted {
                cluster_id: id.to_owned(),
                region: region.to_owned(),
            })
            .into()
        },
    );
    diff(
        &before.backups,
        &after.backups,
        changes,
        |backup| typed(backup, |b| CloudHsmEvent::HsmBackup(b).into()),
        |id, old| {
            CloudHsmEvent::HsmBackupDeleted(HsmBackupDeleted {
                backup_id: id.to_owned(),
                cluster_id: old["ClusterId"].as_str().map(str::to_owned),
                region: region.to_owned(),
            })
            .into()
        },
    );
}

/// Whether the cluster, or one of its HSMs, is in a state that changes on
/// its own (the cluster may stay UNINITIALIZED while its first HSM is made).
fn cluster_in_transition(cluster: &Value) -> bool {
    let state = |v: &Value| v["State"].as_str().map(str::to_owned);
    state(cluster)
        .as_deref()
        .and_then(ClusterState::from_name)
        .is_some_and(ClusterState::is_transitional)
        || cluster["Hsms"].as_array().is_some_and(|hsms| {
            hsms.iter().any(|h| {
                state(h)
                    .as_deref()
                    .and_then(HsmState::from_name)
                    .is_some_and(HsmState::is_transitional)
            })
        })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use serde_json::json;
    use shared::cloudhsmv2::{Backup, BackupState, Cluster, ClusterState, Hsm, HsmState, Tag};
    use shared::events::{ClusterChanged, EventKind, HsmBackupChanged};

    use super::*;

    fn cluster(id: &str, state: ClusterState) -> Cluster {
        Cluster {
            cluster_id: Some(id.to_owned()),
            state: Some(state),
            create_timestamp: Some(chrono::Utc.timestamp_millis_opt(1_700_000_000_250).unwrap()),
            hsm_type: Some("hsm2m.medium".to_owned()),
            ..Cluster::default()
        }
    }

    fn backup(id: &str, state: BackupState) -> Backup {
        Backup {
            backup_id: id.to_owned(),
            backup_state: Some(state),
            cluster_id: Some("cluster-igklspoyj5v".to_owned()),
            tag_list: vec![Tag {
                key: "team".to_owned(),
                value: "pki".to_owned(),
            }],
            ..Backup::default()
        }
    }

    /// A payload as the simulator's journal holds it.
    fn payload(view: &impl serde::Serialize) -> Value {
        serde_json::to_value(view).unwrap()
    }

    /// A listing of `region` as the upstream's Describe answers give it.
    fn listing(region: &str, clusters: &[Cluster], backups: &[Backup]) -> RegionListing {
        let described = |v: Value| with_region(v, region);
        RegionListing {
            clusters: clusters
                .iter()
                .map(|c| (c.cluster_id.clone().unwrap(), described(payload(c))))
                .collect(),
            backups: backups
                .iter()
                .map(|b| (b.backup_id.clone(), described(payload(b))))
                .collect(),
        }
    }

    #[test]
    fn payloads_are_the_simulators() {
        let c = cluster("cluster-igklspoyj5v", ClusterState::Active);
        assert_eq!(
            with_region(payload(&c), "eu-west-1"),
            payload(&ClusterChanged {
                region: "eu-west-1".to_owned(),
                cluster: c,
            })
        );
        let b = backup("backup-ro5c4er4aac", BackupState::PendingDeletion);
        assert_eq!(
            with_region(payload(&b), "eu-west-1"),
            payload(&HsmBackupChanged {
                region: "eu-west-1".to_owned(),
                backup: b,
            })
        );
    }

    #[test]
    fn diffs_journal_changes_and_deletions_with_the_region() {
        let before = listing(
            "eu-west-1",
            &[
                cluster("cluster-aaaaaaaaaaa", ClusterState::CreateInProgress),
                cluster("cluster-bbbbbbbbbbb", ClusterState::DeleteInProgress),
            ],
            &[
                backup("backup-aaaaaaaaaaa", BackupState::Ready),
                backup("backup-bbbbbbbbbbb", BackupState::PendingDeletion),
            ],
        );
        let after = listing(
            "eu-west-1",
            &[cluster("cluster-aaaaaaaaaaa", ClusterState::Uninitialized)],
            &[backup("backup-aaaaaaaaaaa", BackupState::PendingDeletion)],
        );
        let mut changes = Vec::new();
        diff_region("eu-west-1", &before, &after, &mut changes);
        let kinds: Vec<EventKind> = changes.iter().map(LiveEvent::kind).collect();
        assert_eq!(
            kinds,
            [
                EventKind::Cluster,
                EventKind::ClusterDeleted,
                EventKind::HsmBackup,
                EventKind::HsmBackupDeleted
            ]
        );
        let data: Vec<Value> = changes.iter().map(|e| e.to_value().unwrap()).collect();
        assert_eq!(data[0]["State"], "UNINITIALIZED");
        assert_eq!(data[0]["Region"], "eu-west-1");
        assert_eq!(
            data[1],
            json!({"ClusterId": "cluster-bbbbbbbbbbb", "Region": "eu-west-1"})
        );
        assert_eq!(data[2]["BackupState"], "PENDING_DELETION");
        assert_eq!(
            changes[3],
            LiveEvent::from(CloudHsmEvent::HsmBackupDeleted(HsmBackupDeleted {
                backup_id: "backup-bbbbbbbbbbb".to_owned(),
                cluster_id: Some("cluster-igklspoyj5v".to_owned()),
                region: "eu-west-1".to_owned(),
            }))
        );
        let mut none = Vec::new();
        diff_region("eu-west-1", &after, &after, &mut none);
        assert!(none.is_empty(), "nothing changed");
    }

    #[test]
    fn transitions_keep_a_region_busy_but_pending_deletion_does_not() {
        let busy = |clusters: &[Cluster], backups: &[Backup]| {
            listing("us-east-1", clusters, backups).busy()
        };
        assert!(busy(
            &[cluster(
                "cluster-aaaaaaaaaaa",
                ClusterState::CreateInProgress
            )],
            &[]
        ));
        assert!(busy(
            &[cluster(
                "cluster-aaaaaaaaaaa",
                ClusterState::DeleteInProgress
            )],
            &[]
        ));
        assert!(!busy(
            &[cluster("cluster-aaaaaaaaaaa", ClusterState::Initialized)],
            &[]
        ));
        let mut creating_hsm = cluster("cluster-aaaaaaaaaaa", ClusterState::Uninitialized);
        creating_hsm.hsms = vec![Hsm {
            hsm_id: "hsm-aaaaaaaaaaa".to_owned(),
            state: Some(HsmState::CreateInProgress),
            ..Hsm::default()
        }];
        assert!(busy(&[creating_hsm], &[]), "an HSM being created");
        assert!(busy(
            &[],
            &[backup("backup-aaaaaaaaaaa", BackupState::CreateInProgress)]
        ));
        assert!(!busy(
            &[cluster("cluster-aaaaaaaaaaa", ClusterState::Active)],
            &[
                backup("backup-aaaaaaaaaaa", BackupState::Ready),
                backup("backup-bbbbbbbbbbb", BackupState::PendingDeletion),
            ]
        ));
    }

    #[test]
    fn regions_are_followed_when_they_look_like_regions() {
        let watch = Watch::default();
        watch.follow_cloudhsm_region("us-east-1", false);
        watch.follow_cloudhsm_region("eu-west-1", true);
        watch.follow_cloudhsm_region("mars-1", true);
        watch.follow_cloudhsm_region("", false);
        let (known, changed) = watch.take_cloudhsm_regions();
        assert_eq!(
            known.into_iter().collect::<Vec<_>>(),
            ["eu-west-1", "us-east-1"]
        );
        assert_eq!(changed.into_iter().collect::<Vec<_>>(), ["eu-west-1"]);
        let (_, changed) = watch.take_cloudhsm_regions();
        assert!(changed.is_empty(), "taken");
    }

    #[test]
    fn due_regions_outside_a_sweep() {
        let mut poller = HsmPoller::new(Duration::from_secs(30));
        let settled = listing(
            "us-east-1",
            &[cluster("cluster-aaaaaaaaaaa", ClusterState::Active)],
            &[],
        );
        let creating = listing(
            "eu-west-1",
            &[cluster(
                "cluster-bbbbbbbbbbb",
                ClusterState::CreateInProgress,
            )],
            &[],
        );
        poller.seen.insert("us-east-1".to_owned(), settled);
        poller.seen.insert("eu-west-1".to_owned(), creating);
        poller.failed.insert("ap-south-1".to_owned());
        let none = BTreeSet::new();
        assert!(!poller.due("us-east-1", &none), "settled");
        assert!(poller.due("eu-west-1", &none), "in transition");
        assert!(poller.due("ap-south-1", &none), "failed last time");
        assert!(poller.due("ca-central-1", &none), "never listed");
        let changed = BTreeSet::from(["us-east-1".to_owned()]);
        assert!(
            poller.due("us-east-1", &changed),
            "changed through cmconsole"
        );
    }

    #[test]
    fn an_unjournaled_round_is_found_again() {
        let watch = Watch::default();
        let mut poller = HsmPoller::new(Duration::from_secs(30));
        let round = HsmRound {
            listed: vec![("eu-west-1".to_owned(), RegionListing::default())],
            changed: BTreeSet::from(["us-east-1".to_owned()]),
            swept_at: Some(Instant::now()),
            ..HsmRound::default()
        };
        poller.settle(round, &watch, false);
        assert!(poller.seen.is_empty());
        assert!(poller.last_sweep.is_none());
        assert_eq!(poller.rounds, 0, "the next round is still the baseline");
        watch.follow_cloudhsm_region("eu-west-1", false);
        let (_, changed) = watch.take_cloudhsm_regions();
        assert_eq!(
            changed.into_iter().collect::<Vec<_>>(),
            ["eu-west-1", "us-east-1"]
        );
    }
}
