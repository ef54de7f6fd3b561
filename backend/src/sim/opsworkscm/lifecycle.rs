//! How long things take, which states allow what, and what happens when a
//! transition completes.

use chrono::{DateTime, Utc};
use shared::opsworkscm::{
    BackupStatus, BackupType, MaintenanceStatus, NodeAssociationStatus, Operation, ServerStatus,
};

use super::OpsWorksCm;
use super::durations;
use super::health::{change_health, recover, retire_instance};
use super::records::RecordChanges as _;
use super::records::{Action, AssociationKind, NodeRecord, ServerRecord};
use super::restore::{RestoreRequest, retire_due};
use super::servers::{engine_label, engine_of};
use crate::error::ServiceError;
use crate::sim::State;
use crate::sim::changes::Changes;
use crate::sim::faults::FaultKind;
use crate::sim::service::Scheduled;

/// Fails with `InvalidStateException` unless the server is in one of `allowed`.
pub(crate) fn require_status(
    rec: &ServerRecord,
    allowed: &[ServerStatus],
    action: &str,
) -> Result<(), ServiceError> {
    let status = rec.server.status.unwrap_or(ServerStatus::Healthy);
    if allowed.contains(&status) {
        return Ok(());
    }
    let names: Vec<&str> = allowed.iter().map(|s| s.as_str()).collect();
    Err(ServiceError::invalid_state(format!(
        "Cannot {action} server {} while it is in state {}. Allowed states: {}.",
        rec.name(),
        status.as_str(),
        names.join(", ")
    )))
}

/// The earliest time anything is due.
pub(crate) fn next_due(state: &State) -> Option<DateTime<Utc>> {
    let servers = state.opsworkscm.servers.values().flat_map(|s| {
        [
            s.pending.as_ref().map(|p| p.due),
            retire_due(s),
            s.next_automated_backup,
            s.next_maintenance,
            s.recover_at,
        ]
        .into_iter()
        .flatten()
    });
    let backups = state
        .opsworkscm
        .backups
        .values()
        .filter_map(|b| b.delete_due);
    let nodes = state.opsworkscm.associations.values().filter_map(|a| a.due);
    servers
        .chain(backups)
        .chain(nodes)
        .chain(state.next_health_check)
        .min()
}

/// A piece of OpsWorks CM work due on the simulated clock.
pub(crate) enum Due {
    HealthCheck,
    Server(String),
    ScheduledMaintenance(String),
    Recovery(String),
    RetireInstance(String),
    AutomatedBackup(String),
    BackupDeletion(String),
    Association(String),
}

impl OpsWorksCm<'_> {
    /// Starts the automated backup whose window opened at `now`, or records
    /// why it could not run; then plans the next window. A clock jump to
    /// `until` runs only the windows whose backups the retention count
    /// keeps: the older ones would have been pruned by then.
    fn automated_backup(
        &self,
        state: &mut State,
        changes: &mut Changes,
        name: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) {
        let Some(rec) = state.opsworkscm.servers.get_mut(name) else {
            return;
        };
        let keep = usize::try_from(rec.server.backup_retention_count.unwrap_or(1)).unwrap_or(1);
        if let Some(kept) = kept_window(
            rec.server.preferred_backup_window.as_deref(),
            now,
            until,
            keep,
        ) {
            rec.next_automated_backup = Some(kept);
            changes.server_changed(state, name);
            return;
        }
        rec.plan_automated_backup(now);
        let status = rec.server.status.unwrap_or(ServerStatus::Healthy);
        let ready = rec.pending.is_none()
            && matches!(
                status,
                ServerStatus::Healthy | ServerStatus::Unhealthy | ServerStatus::Running
            );
        if ready {
            if let Err(err) = self.start_backup(
                state,
                changes,
                name,
                now,
                BackupType::Automated,
                None,
                None,
                Vec::new(),
            ) {
                tracing::warn!(server = name, error = %err, "automated backup did not start");
            }
        } else {
            changes.server_changed(state, name);
            changes.event(
                state,
                name,
                now,
                format!(
                    "Automated backup skipped: the server is {}.",
                    status.as_str()
                ),
                None,
            );
        }
    }

    /// Runs the health check at `now`: health faults fire on HEALTHY
    /// servers; the next check is planned while health faults remain. Checks
    /// sample the present rather than replay the past: after a clock jump to
    /// `until` the next one is a check interval after `until`.
    fn health_check(
        &self,
        state: &mut State,
        changes: &mut Changes,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) {
        let healthy: Vec<String> = state
            .opsworkscm
            .servers
            .iter()
            .filter(|(_, s)| s.server.status == Some(ServerStatus::Healthy) && s.pending.is_none())
            .map(|(n, _)| n.clone())
            .collect();
        for name in healthy {
            let (status, reason, recover) =
                match self.faults.fire(FaultKind::is_health, "", Some(&name)) {
                    Some(FaultKind::Unhealthy {
                        reason,
                        recover_after_seconds,
                    }) => (ServerStatus::Unhealthy, reason, recover_after_seconds),
                    Some(FaultKind::ConnectionLost {
                        reason,
                        recover_after_seconds,
                    }) => (ServerStatus::ConnectionLost, reason, recover_after_seconds),
                    _ => continue,
                };
            let recover_at = recover.map(|s| after_seconds(now, s));
            change_health(state, changes, &name, status, reason, recover_at, now);
        }
        state.next_health_check = self
            .faults
            .any_health_faults()
            .then(|| self.due_after(now.max(until), durations::HEALTH_CHECK));
    }

    /// Starts the maintenance whose window opened at `now`, or records why
    /// it could not run; then plans the next window. A clock jump to `until`
    /// runs the last [`REPLAYED_MAINTENANCE_WINDOWS`] windows: the events of
    /// older ones would have been pruned, and each run's MaintenanceStatus
    /// replaces the last.
    fn scheduled_maintenance(
        &self,
        state: &mut State,
        changes: &mut Changes,
        name: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) {
        let due = self.due_after(now, durations::MAINTENANCE);
        let Some(rec) = state.opsworkscm.servers.get_mut(name) else {
            return;
        };
        if let Some(kept) = kept_window(
            rec.server.preferred_maintenance_window.as_deref(),
            now,
            until,
            REPLAYED_MAINTENANCE_WINDOWS,
        ) {
            rec.next_maintenance = Some(kept);
            changes.server_changed(state, name);
            return;
        }
        rec.plan_maintenance(now);
        let status = rec.server.status.unwrap_or(ServerStatus::Healthy);
        let message = if rec.pending.is_none()
            && matches!(status, ServerStatus::Healthy | ServerStatus::Unhealthy)
        {
            rec.server.status = Some(ServerStatus::UnderMaintenance);
            rec.pending = Some(super::records::Pending {
                due,
                action: Action::Maintenance,
            });
            "Scheduled maintenance started in the maintenance window.".to_owned()
        } else {
            format!(
                "Scheduled maintenance skipped: the server is {}.",
                status.as_str()
            )
        };
        changes.server_changed(state, name);
        changes.event(state, name, now, message, None);
    }

    fn complete_server(
        &self,
        state: &mut State,
        changes: &mut Changes,
        name: &str,
        at: DateTime<Utc>,
    ) {
        let Some(rec) = state.opsworkscm.servers.get_mut(name) else {
            return;
        };
        let Some(pending) = rec.pending.take() else {
            return;
        };
        let message = match pending.action {
            Action::Delete => {
                changes.server_removed(state, name);
                return;
            }
            Action::Create => match self.faults.fire(
                |k| matches!(k, FaultKind::CreateFails { .. }),
                Operation::CreateServer.as_str(),
                Some(name),
            ) {
                Some(FaultKind::CreateFails { reason }) => {
                    let reason = reason.unwrap_or_else(|| {
                        "The CloudFormation stack failed to create the server instance.".to_owned()
                    });
                    rec.server.status = Some(ServerStatus::Failed);
                    rec.server.status_reason = Some(reason.clone());
                    format!("Server creation failed: {reason}")
                }
                _ => {
                    rec.server.status = Some(ServerStatus::Setup);
                    rec.server.status_reason = None;
                    rec.pending = Some(super::records::Pending {
                        due: self.due_after(at, durations::SETUP),
                        action: Action::Setup,
                    });
                    format!(
                        "EC2 instance {} is running. Setting up {}.",
                        rec.instance_id.as_deref().unwrap_or("of the server"),
                        engine_label(engine_of(rec))
                    )
                }
            },
            Action::Setup => {
                rec.server.status = Some(ServerStatus::Running);
                rec.recover_at = Some(self.due_after(at, durations::FIRST_HEALTH_CHECK));
                format!(
                    "{} is set up. The server is RUNNING until its first health check passes.",
                    engine_label(engine_of(rec))
                )
            }
            Action::Maintenance => {
                rec.server.status = Some(ServerStatus::Healthy);
                match self.faults.fire(
                    |k| matches!(k, FaultKind::MaintenanceFails { .. }),
                    Operation::StartMaintenance.as_str(),
                    Some(name),
                ) {
                    Some(FaultKind::MaintenanceFails { reason }) => {
                        rec.server.maintenance_status = Some(MaintenanceStatus::Failed);
                        let reason = reason.unwrap_or_else(|| {
                            "an operating system update could not be applied".to_owned()
                        });
                        format!(
                            "Maintenance failed: {reason}. The server is HEALTHY; start maintenance again once the cause is fixed."
                        )
                    }
                    _ => {
                        rec.server.maintenance_status = Some(MaintenanceStatus::Success);
                        "Maintenance completed successfully. The server is HEALTHY.".to_owned()
                    }
                }
            }
            Action::Restore {
                backup_id,
                instance_type,
                key_pair,
                previous_status,
                new_instance_id,
            } => {
                let request = RestoreRequest {
                    backup_id,
                    instance_type,
                    key_pair,
                    previous_status,
                    new_instance_id,
                };
                self.complete_restore(state, name, request, at)
            }
            Action::Modify { attribute } => {
                rec.server.status = Some(ServerStatus::Healthy);
                format!("Engine attribute {attribute} updated. The server is HEALTHY.")
            }
            Action::Backup { backup_id } => {
                let resume = rec.resume_status.take().unwrap_or(ServerStatus::Healthy);
                rec.server.status = Some(resume);
                let retention = rec.server.backup_retention_count.unwrap_or(1).max(1);
                let failure = self.faults.fire(
                    |k| matches!(k, FaultKind::BackupFails { .. }),
                    Operation::CreateBackup.as_str(),
                    Some(name),
                );
                let Some(backup) = state.opsworkscm.backups.get_mut(&backup_id) else {
                    changes.server_changed(state, name);
                    return;
                };
                if let Some(FaultKind::BackupFails { reason }) = failure {
                    let reason = reason.unwrap_or_else(|| {
                        "The backup could not be uploaded to Amazon S3.".to_owned()
                    });
                    backup.backup.status = Some(BackupStatus::Failed);
                    backup.backup.status_description = Some(reason.clone());
                    changes.backup_changed(state, &backup_id);
                    changes.server_changed(state, name);
                    changes.event(
                        state,
                        name,
                        at,
                        format!("Backup {backup_id} failed: {reason}"),
                        None,
                    );
                    return;
                }
                backup.backup.status = Some(BackupStatus::Ok);
                backup.backup.status_description =
                    Some("Backup completed successfully.".to_owned());
                let automated = backup.backup.backup_type == Some(BackupType::Automated);
                changes.backup_changed(state, &backup_id);
                if automated {
                    prune_automated(state, changes, name, retention as usize, at);
                }
                format!("Backup {backup_id} completed successfully.")
            }
        };
        changes.server_changed(state, name);
        changes.event(state, name, at, message, None);
    }
}

/// Maintenance windows a clock jump replays at most, per server: with two
/// events each, the events of older runs would have been pruned
/// ([`super::records::MAX_EVENTS_PER_SERVER`]).
pub(crate) const REPLAYED_MAINTENANCE_WINDOWS: usize = super::records::MAX_EVENTS_PER_SERVER / 2;

/// Where a jump to `until` should resume a periodic `window` due at `now`
/// so that only the last `keep` occurrences run; `None` when this one runs.
fn kept_window(
    window: Option<&str>,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    keep: usize,
) -> Option<DateTime<Utc>> {
    let window = shared::opsworkscm::TimeWindow::parse(window?).ok()?;
    let kept = crate::sim::replay::first_kept(now, window.period(), until, keep);
    (kept > now).then_some(kept)
}

/// Deletes the oldest automated backups of `server` beyond `keep`.
pub(crate) fn prune_automated(
    state: &mut State,
    changes: &mut Changes,
    server: &str,
    keep: usize,
    at: DateTime<Utc>,
) {
    let mut automated: Vec<(DateTime<Utc>, String)> = state
        .opsworkscm
        .backups
        .of_server(server)
        .filter(|b| {
            b.backup.backup_type == Some(BackupType::Automated)
                && b.backup.status == Some(BackupStatus::Ok)
        })
        .map(|b| {
            (
                b.backup.created_at.unwrap_or(at),
                b.backup.backup_id.clone().unwrap_or_default(),
            )
        })
        .collect();
    automated.sort();
    let excess = automated.len().saturating_sub(keep);
    for (_, id) in automated.into_iter().take(excess) {
        changes.backup_removed(state, &id);
        changes.event(
            state,
            server,
            at,
            format!(
                "Automated backup {id} deleted: more than {keep} automated backups are retained."
            ),
            None,
        );
    }
}

fn complete_backup_deletion(state: &mut State, changes: &mut Changes, id: &str, at: DateTime<Utc>) {
    let Some(server) = state
        .opsworkscm
        .backups
        .get(id)
        .and_then(|b| b.backup.server_name.clone())
    else {
        return;
    };
    changes.backup_removed(state, id);
    if state.opsworkscm.servers.contains_key(&server) {
        changes.event(state, &server, at, format!("Backup {id} deleted."), None);
    }
}

impl OpsWorksCm<'_> {
    fn complete_association(
        &self,
        state: &mut State,
        changes: &mut Changes,
        token: &str,
        at: DateTime<Utc>,
    ) {
        let Some(rec) = state.opsworkscm.associations.get_mut(token) else {
            return;
        };
        rec.due = None;
        let (server, node, kind, org) = (
            rec.server_name.clone(),
            rec.node_name.clone(),
            rec.kind,
            rec.organization.clone(),
        );
        let Some(server_rec) = state.opsworkscm.servers.get_mut(&server) else {
            rec.status = NodeAssociationStatus::Failed;
            changes.association_changed(state, token);
            return;
        };
        if kind == AssociationKind::Associate
            && let Some(FaultKind::NodeAssociationFails { reason }) = self.faults.fire(
                |k| matches!(k, FaultKind::NodeAssociationFails { .. }),
                Operation::AssociateNode.as_str(),
                Some(&server),
            )
        {
            rec.status = NodeAssociationStatus::Failed;
            let reason = reason.unwrap_or_else(|| {
                "the node did not answer the server's configuration request".to_owned()
            });
            changes.association_changed(state, token);
            changes.event(
                state,
                &server,
                at,
                format!("Association of node {node} failed: {reason}"),
                None,
            );
            return;
        }
        rec.status = NodeAssociationStatus::Success;
        let message = match kind {
            AssociationKind::Associate => {
                server_rec.nodes.insert(
                    node.clone(),
                    NodeRecord {
                        associated_at: at,
                        organization: org,
                    },
                );
                format!("Node {node} associated with the server.")
            }
            AssociationKind::Disassociate => {
                server_rec.nodes.remove(&node);
                format!("Node {node} disassociated from the server.")
            }
        };
        changes.association_changed(state, token);
        changes.server_changed(state, &server);
        changes.event(state, &server, at, message, None);
    }
}

/// `seconds` (bounded by [`crate::sim::bounds`]) after `now`, saturating at
/// the latest simulated time instead of overflowing.
pub(crate) fn after_seconds(now: DateTime<Utc>, seconds: f64) -> DateTime<Utc> {
    crate::sim::bounds::add_millis(now, seconds * 1000.0)
}

impl Scheduled for OpsWorksCm<'_> {
    fn next_due(state: &State) -> Option<DateTime<Utc>> {
        next_due(state)
    }

    type Due = Due;

    fn due(state: &State, now: DateTime<Utc>) -> Vec<(DateTime<Utc>, Due)> {
        let mut due: Vec<(DateTime<Utc>, Due)> = Vec::new();
        for (name, rec) in &state.opsworkscm.servers {
            if let Some(p) = rec.pending.as_ref().filter(|p| p.due <= now) {
                due.push((p.due, Due::Server(name.clone())));
            }
            if let Some(at) = rec.next_maintenance.filter(|at| *at <= now) {
                due.push((at, Due::ScheduledMaintenance(name.clone())));
            }
            if let Some(at) = retire_due(rec).filter(|at| *at <= now) {
                due.push((at, Due::RetireInstance(name.clone())));
            }
            if let Some(at) = rec.recover_at.filter(|at| *at <= now) {
                due.push((at, Due::Recovery(name.clone())));
            }
            if let Some(at) = rec.next_automated_backup.filter(|at| *at <= now) {
                due.push((at, Due::AutomatedBackup(name.clone())));
            }
        }
        for (id, rec) in &state.opsworkscm.backups {
            if let Some(at) = rec.delete_due.filter(|d| *d <= now) {
                due.push((at, Due::BackupDeletion(id.clone())));
            }
        }
        // In the order they were made (the map has none), so requests due
        // at one time finish, and are pruned, oldest first in every run.
        let mut associations: Vec<_> = state
            .opsworkscm
            .associations
            .iter()
            .filter_map(|(token, rec)| Some((rec.due.filter(|d| *d <= now)?, rec.order, token)))
            .collect();
        associations.sort();
        for (at, _, token) in associations {
            due.push((at, Due::Association(token.clone())));
        }
        if let Some(at) = state.next_health_check.filter(|at| *at <= now) {
            due.push((at, Due::HealthCheck));
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
            Due::Server(name) => self.complete_server(state, changes, &name, at),
            Due::HealthCheck => self.health_check(state, changes, at, until),
            Due::AutomatedBackup(name) => self.automated_backup(state, changes, &name, at, until),
            Due::Recovery(name) => recover(state, changes, &name, at),
            Due::RetireInstance(name) => retire_instance(state, changes, &name, at),
            Due::ScheduledMaintenance(name) => {
                self.scheduled_maintenance(state, changes, &name, at, until)
            }
            Due::BackupDeletion(id) => complete_backup_deletion(state, changes, &id, at),
            Due::Association(token) => self.complete_association(state, changes, &token, at),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::opsworkscm::records::{BackupRecord, Pending};
    use chrono::TimeZone;
    use shared::opsworkscm::{Backup, Server};

    fn server(status: ServerStatus) -> ServerRecord {
        ServerRecord {
            server: Server {
                server_name: Some("s".into()),
                status: Some(status),
                ..Server::default()
            },
            ca_cert_pem: String::new(),
            ca_key_pem: String::new(),
            pivotal_key_fingerprint: None,
            tags: Vec::new(),
            nodes: Default::default(),
            pending: None,
            resume_status: None,
            next_automated_backup: None,
            recover_at: None,
            next_maintenance: None,
            instance_id: None,
            retired_instance: None,
        }
    }

    #[test]
    fn require_status_names_the_state_and_the_allowed_ones() {
        let rec = server(ServerStatus::BackingUp);
        assert!(require_status(&rec, &[ServerStatus::BackingUp], "x").is_ok());
        let err = require_status(
            &rec,
            &[ServerStatus::Healthy, ServerStatus::Unhealthy],
            "back up",
        )
        .unwrap_err();
        assert_eq!(err.code, shared::error::ErrorCode::InvalidStateException);
        assert!(err.message.contains("BACKING_UP") && err.message.contains("HEALTHY, UNHEALTHY"));
    }

    #[test]
    fn next_due_is_the_earliest_of_every_kind_of_pending_work() {
        let t = |s| Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, s).unwrap();
        let mut state = State::default();
        assert_eq!(next_due(&state), None);
        let mut rec = server(ServerStatus::Creating);
        rec.pending = Some(Pending {
            due: t(30),
            action: Action::Create,
        });
        rec.next_automated_backup = Some(t(20));
        state.opsworkscm.servers.insert("s".into(), rec);
        assert_eq!(next_due(&state), Some(t(20)));
        state.opsworkscm.backups.insert(
            "b".into(),
            BackupRecord {
                backup: Backup::default(),
                tags: Vec::new(),
                delete_due: Some(t(10)),
                snapshot: None,
            },
        );
        assert_eq!(next_due(&state), Some(t(10)));
    }

    #[test]
    fn pruning_keeps_the_newest_automated_backups_only() {
        let t = |s| Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, s).unwrap();
        let mut state = State::default();
        for (i, kind) in [
            BackupType::Automated,
            BackupType::Manual,
            BackupType::Automated,
            BackupType::Automated,
        ]
        .into_iter()
        .enumerate()
        {
            let id = format!("s-{i}");
            state.opsworkscm.backups.insert(
                id.clone(),
                BackupRecord {
                    backup: Backup {
                        backup_id: Some(id),
                        server_name: Some("s".into()),
                        backup_type: Some(kind),
                        status: Some(BackupStatus::Ok),
                        created_at: Some(t(i as u32)),
                        ..Backup::default()
                    },
                    tags: Vec::new(),
                    delete_due: None,
                    snapshot: None,
                },
            );
        }
        let mut changes = Changes::default();
        prune_automated(&mut state, &mut changes, "s", 1, t(59));
        let mut left: Vec<&String> = state.opsworkscm.backups.keys().collect();
        left.sort();
        assert_eq!(left, ["s-1", "s-3"]);
    }
}
