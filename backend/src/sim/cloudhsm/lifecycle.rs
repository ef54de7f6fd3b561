//! How long CloudHSM things take and what happens when they are due:
//! cluster and HSM steps, backups becoming READY, daily backups, the
//! retention policy, and the end of the seven-day PENDING_DELETION window.

use chrono::{DateTime, Duration, Utc};
use shared::cloudhsmv2::{BackupState, ClusterState, HsmState};

use super::certs;
use super::durations;
use super::records::RecordChanges as _;
use super::records::{BackupRecord, ClusterAction, ClusterPending};
use crate::sim::CloudHsm;
use crate::sim::State;
use crate::sim::changes::Changes;
use crate::sim::service::Scheduled;

/// How long a deleted backup can be restored (documented; not scaled by
/// `--speed`, since DeleteTimestamp promises it).
pub(crate) const PENDING_DELETION_DAYS: i64 = 7;
/// Time between the service's periodic backups of a cluster.
const DAILY_BACKUP_HOURS: i64 = 24;
/// How long an HSM type change can be rolled back.
const ROLLBACK_DAYS: i64 = 7;

/// Backups the retention policy expires, with when: READY backups of an
/// existing cluster in its region, older than its policy, not NeverExpires
/// and not the cluster's newest backup (the service never deletes a
/// cluster's last backup).
fn expiries(state: &State) -> Vec<(DateTime<Utc>, String)> {
    let mut out = Vec::new();
    for cluster in state.cloudhsm.clusters.values() {
        let mut ready: Vec<(DateTime<Utc>, &BackupRecord)> = state
            .cloudhsm
            .backups
            .values()
            .filter(|b| b.region == cluster.region)
            .filter(|b| b.backup.cluster_id.as_deref() == Some(cluster.id()))
            .filter(|b| b.state() == BackupState::Ready)
            .filter_map(|b| Some((b.backup.create_timestamp?, b)))
            .collect();
        ready.sort_by(|a, b| (a.0, &a.1.backup.backup_id).cmp(&(b.0, &b.1.backup.backup_id)));
        ready.pop();
        let keep = Duration::days(i64::from(cluster.retention_days()));
        out.extend(
            ready
                .into_iter()
                .filter(|(_, b)| b.backup.never_expires != Some(true))
                .map(|(created, b)| {
                    // A restored backup the policy had expired is expired
                    // again as soon as it is READY (the race AWS warns of),
                    // not back at its old expiry time.
                    let due = created + keep;
                    (
                        b.restored_at.map_or(due, |r| r.max(due)),
                        b.backup.backup_id.clone(),
                    )
                }),
        );
    }
    out
}

/// The earliest time any CloudHSM work is due.
pub(crate) fn next_due(state: &State) -> Option<DateTime<Utc>> {
    let clusters = state.cloudhsm.clusters.values().flat_map(|c| {
        c.pending
            .as_ref()
            .map(|p| p.due)
            .into_iter()
            .chain(c.hsm_pending.values().map(|p| p.due))
            .chain(c.next_daily_backup)
    });
    let backups = state
        .cloudhsm
        .backups
        .values()
        .flat_map(|b| b.ready_due.into_iter().chain(b.purge_due()));
    clusters
        .chain(backups)
        .chain(expiries(state).into_iter().map(|(at, _)| at))
        .min()
}

/// A piece of CloudHSM v2 work due on the simulated clock.
pub(crate) enum Due {
    Cluster(String),
    Hsm(String, String),
    DailyBackup(String),
    Ready(String),
    Purge(String),
    Expire(String),
}

impl CloudHsm<'_> {
    fn complete_cluster(
        &self,
        state: &mut State,
        changes: &mut Changes,
        id: &str,
        at: DateTime<Utc>,
    ) {
        let activate_due = self.due_after(at, durations::ACTIVATE);
        let Some(rec) = state.cloudhsm.clusters.get_mut(id) else {
            return;
        };
        let Some(pending) = rec.pending.take() else {
            return;
        };
        let daily = at + Duration::hours(DAILY_BACKUP_HOURS);
        let mut backup = false;
        match pending.action {
            ClusterAction::Delete => {
                changes.cluster_removed(state, id);
                return;
            }
            ClusterAction::Create if rec.cluster.source_backup_id.is_some() => {
                rec.cluster.state = Some(ClusterState::Initialized);
                rec.next_daily_backup = Some(daily);
            }
            ClusterAction::Create => rec.cluster.state = Some(ClusterState::Uninitialized),
            ClusterAction::Initialize => {
                rec.cluster.state = Some(ClusterState::Initialized);
                rec.cluster.state_message = None;
                rec.next_daily_backup = Some(daily);
                rec.pending = Some(ClusterPending {
                    due: activate_due,
                    action: ClusterAction::Activate,
                });
            }
            ClusterAction::Activate => {
                if rec.has_active_hsm() {
                    rec.cluster.state = Some(ClusterState::Active);
                    backup = true;
                }
            }
            ClusterAction::Modify { hsm_type } => {
                rec.cluster.state = Some(ClusterState::Active);
                rec.cluster.hsm_type = Some(hsm_type.clone());
                rec.cluster.hsm_type_rollback_expiration = Some(at + Duration::days(ROLLBACK_DAYS));
                for hsm in &mut rec.cluster.hsms {
                    hsm.hsm_type = Some(hsm_type.clone());
                }
            }
        }
        if backup {
            self.start_cluster_backup(state, changes, id, at);
        }
        changes.cluster_changed(state, id);
    }

    fn complete_hsm(
        &self,
        state: &mut State,
        changes: &mut Changes,
        cluster_id: &str,
        hsm_id: &str,
        at: DateTime<Utc>,
    ) {
        let Some(rec) = state.cloudhsm.clusters.get_mut(cluster_id) else {
            return;
        };
        let Some(pending) = rec.hsm_pending.remove(hsm_id) else {
            return;
        };
        let mut backup = false;
        if pending.delete {
            rec.cluster.hsms.retain(|h| h.hsm_id != hsm_id);
        } else {
            if let Some(hsm) = rec.cluster.hsms.iter_mut().find(|h| h.hsm_id == hsm_id) {
                hsm.state = Some(HsmState::Active);
                hsm.state_message = None;
            }
            let certificates = rec.cluster.certificates.get_or_insert_default();
            if rec.cluster.state == Some(ClusterState::Uninitialized)
                && certificates.cluster_csr.is_none()
            {
                match certs::cluster_csr(cluster_id) {
                    Ok(csr) => certificates.cluster_csr = Some(csr),
                    Err(err) => {
                        tracing::error!(cluster = cluster_id, error = %err, "no cluster CSR")
                    }
                }
            }
            // An initialized cluster whose activation already ran becomes
            // ACTIVE with its first ACTIVE HSM.
            if rec.cluster.state == Some(ClusterState::Initialized) && rec.pending.is_none() {
                rec.cluster.state = Some(ClusterState::Active);
                backup = true;
            }
        }
        if backup {
            self.start_cluster_backup(state, changes, cluster_id, at);
        }
        changes.cluster_changed(state, cluster_id);
    }

    /// The periodic backup due at `now`: taken when the cluster has an
    /// ACTIVE HSM; the next is planned a day later. A clock jump to `until`
    /// takes only the backups the retention policy would not yet have
    /// expired and purged by then.
    fn daily_backup(
        &self,
        state: &mut State,
        changes: &mut Changes,
        id: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) {
        let Some(rec) = state.cloudhsm.clusters.get_mut(id) else {
            return;
        };
        let period = Duration::hours(DAILY_BACKUP_HOURS);
        let keep = usize::try_from(rec.retention_days())
            .unwrap_or(usize::MAX)
            .saturating_add(usize::try_from(PENDING_DELETION_DAYS).unwrap_or_default())
            .saturating_add(1);
        let kept = crate::sim::replay::first_kept(now, period, until, keep);
        if kept > now {
            rec.next_daily_backup = Some(kept);
            changes.cluster_changed(state, id);
            return;
        }
        rec.next_daily_backup = Some(now + period);
        let ready = matches!(
            rec.state(),
            ClusterState::Initialized | ClusterState::Active | ClusterState::Degraded
        ) && rec.has_active_hsm();
        if ready {
            self.start_cluster_backup(state, changes, id, now);
        }
        changes.cluster_changed(state, id);
    }
}

/// The retention policy deletes backup `id`: PENDING_DELETION, restorable
/// for seven days like a manually deleted one.
fn expire(state: &mut State, changes: &mut Changes, id: &str, at: DateTime<Utc>) {
    if !expiries(state)
        .iter()
        .any(|(when, b)| b == id && *when <= at)
    {
        return;
    }
    let Some(rec) = state.cloudhsm.backups.get_mut(id) else {
        return;
    };
    rec.backup.backup_state = Some(BackupState::PendingDeletion);
    rec.backup.delete_timestamp = Some(at + Duration::days(PENDING_DELETION_DAYS));
    changes.backup_changed(state, id);
}

impl Scheduled for CloudHsm<'_> {
    fn next_due(state: &State) -> Option<DateTime<Utc>> {
        next_due(state)
    }

    type Due = Due;

    fn due(state: &State, now: DateTime<Utc>) -> Vec<(DateTime<Utc>, Due)> {
        let mut due: Vec<(DateTime<Utc>, Due)> = Vec::new();
        for (id, rec) in &state.cloudhsm.clusters {
            if let Some(p) = rec.pending.as_ref().filter(|p| p.due <= now) {
                due.push((p.due, Due::Cluster(id.clone())));
            }
            for (hsm, p) in rec.hsm_pending.iter().filter(|(_, p)| p.due <= now) {
                due.push((p.due, Due::Hsm(id.clone(), hsm.clone())));
            }
            if let Some(at) = rec.next_daily_backup.filter(|at| *at <= now) {
                due.push((at, Due::DailyBackup(id.clone())));
            }
        }
        for (id, rec) in &state.cloudhsm.backups {
            if let Some(at) = rec.ready_due.filter(|at| *at <= now) {
                due.push((at, Due::Ready(id.clone())));
            }
            if let Some(at) = rec.purge_due().filter(|at| *at <= now) {
                due.push((at, Due::Purge(id.clone())));
            }
        }
        for (at, id) in expiries(state).into_iter().filter(|(at, _)| *at <= now) {
            due.push((at, Due::Expire(id)));
        }
        due
    }

    fn complete(
        &self,
        state: &mut State,
        changes: &mut Changes,
        item: Due,
        at: DateTime<Utc>,
        until: DateTime<Utc>,
    ) {
        match item {
            Due::Cluster(id) => self.complete_cluster(state, changes, &id, at),
            Due::Hsm(cluster, hsm) => self.complete_hsm(state, changes, &cluster, &hsm, at),
            Due::DailyBackup(id) => self.daily_backup(state, changes, &id, at, until),
            Due::Ready(id) => {
                if let Some(rec) = state.cloudhsm.backups.get_mut(&id) {
                    rec.ready_due = None;
                    rec.backup.backup_state = Some(BackupState::Ready);
                    changes.backup_changed(state, &id);
                }
            }
            Due::Purge(id) => {
                if state
                    .cloudhsm
                    .backups
                    .get(&id)
                    .and_then(|b| b.purge_due())
                    .is_some_and(|d| d <= at)
                {
                    changes.backup_removed(state, &id);
                }
            }
            Due::Expire(id) => expire(state, changes, &id, at),
        }
    }
}
