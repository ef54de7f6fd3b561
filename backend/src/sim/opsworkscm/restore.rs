//! How a restore ends: the server as it was at the backup on a new EC2
//! instance, the old instance kept stopped and then terminated; or, should
//! the restore fail, the old instance still serving and the server as it
//! was before.

use chrono::{DateTime, Utc};
use shared::opsworkscm::{Backup, Operation, ServerStatus};

use super::OpsWorksCm;
use super::durations;
use super::naming;
use super::records::{RetiredInstance, ServerRecord, ServerSnapshot};
use crate::sim::State;
use crate::sim::faults::FaultKind;

/// What a restore request chose for the new instance.
pub(crate) struct RestoreRequest {
    /// The backup restored.
    pub(crate) backup_id: String,
    /// InstanceType, when the request gave one.
    pub(crate) instance_type: Option<String>,
    /// KeyPair, when the request gave one.
    pub(crate) key_pair: Option<String>,
    /// The status to return to should the restore fail.
    pub(crate) previous_status: Option<ServerStatus>,
    /// The instance being configured.
    pub(crate) new_instance_id: Option<String>,
}

/// Sets `rec` to what `backup` (and its `snapshot`, when kept) holds, with
/// the request's instance type and key pair where it gave them. The
/// endpoint, name, ARN, engine attributes and tags stay.
fn apply_backup(
    rec: &mut ServerRecord,
    backup: &Backup,
    snapshot: Option<&ServerSnapshot>,
    request: &RestoreRequest,
) {
    let server = &mut rec.server;
    let keep_or = |held: &Option<String>, current: &mut Option<String>| {
        if held.is_some() {
            current.clone_from(held);
        }
    };
    keep_or(&backup.engine_version, &mut server.engine_version);
    keep_or(&backup.engine_model, &mut server.engine_model);
    keep_or(
        &backup.preferred_backup_window,
        &mut server.preferred_backup_window,
    );
    keep_or(
        &backup.preferred_maintenance_window,
        &mut server.preferred_maintenance_window,
    );
    keep_or(&backup.service_role_arn, &mut server.service_role_arn);
    keep_or(
        &backup.instance_profile_arn,
        &mut server.instance_profile_arn,
    );
    if !backup.security_group_ids.is_empty() {
        server
            .security_group_ids
            .clone_from(&backup.security_group_ids);
    }
    if !backup.subnet_ids.is_empty() {
        server.subnet_ids.clone_from(&backup.subnet_ids);
    }
    server.instance_type = request
        .instance_type
        .clone()
        .or_else(|| backup.instance_type.clone())
        .or(server.instance_type.take());
    server.key_pair = request.key_pair.clone().or_else(|| backup.key_pair.clone());
    if let Some(snapshot) = snapshot {
        server.disable_automated_backup = snapshot.disable_automated_backup;
        server.backup_retention_count = snapshot.backup_retention_count;
        rec.nodes.clone_from(&snapshot.nodes);
        if snapshot.pivotal_key_fingerprint.is_some() {
            rec.pivotal_key_fingerprint
                .clone_from(&snapshot.pivotal_key_fingerprint);
        }
    }
}

impl OpsWorksCm<'_> {
    /// Ends the restore of server `name` at `at`; returns the event message.
    pub(crate) fn complete_restore(
        &self,
        state: &mut State,
        name: &str,
        request: RestoreRequest,
        at: DateTime<Utc>,
    ) -> String {
        let backup_id = request.backup_id.as_str();
        let source = state
            .opsworkscm
            .backups
            .get(backup_id)
            .map(|b| (b.backup.clone(), b.snapshot.clone()));
        let failure = self.faults.fire(
            |k| matches!(k, FaultKind::RestoreFails { .. }),
            Operation::RestoreServer.as_str(),
            Some(name),
        );
        let retire_at = self.due_after(at, durations::RETIRE_INSTANCE);
        let first_check = self.due_after(at, durations::FIRST_HEALTH_CHECK);
        let Some(rec) = state.opsworkscm.servers.get_mut(name) else {
            return String::new();
        };
        let new_id = request
            .new_instance_id
            .clone()
            .unwrap_or_else(naming::instance_id);
        let reason = match (&source, failure) {
            (_, Some(FaultKind::RestoreFails { reason })) => {
                Some(reason.unwrap_or_else(|| {
                    "the new instance did not pass its health checks".to_owned()
                }))
            }
            (None, _) => Some("the backup no longer exists".to_owned()),
            _ => None,
        };
        if let Some(reason) = reason {
            // Traffic never switched: the server is as it was.
            let back = request.previous_status.unwrap_or(ServerStatus::Healthy);
            rec.server.status = Some(back);
            if back == ServerStatus::Running {
                // Still waiting for its first health check.
                rec.recover_at.get_or_insert(first_check);
            }
            rec.server.status_reason =
                Some(format!("Restore from backup {backup_id} failed: {reason}."));
            let kept = match (&rec.instance_id, back) {
                (Some(old), status) if status != ServerStatus::Terminated => {
                    format!(" Instance {old} keeps serving;")
                }
                _ => String::new(),
            };
            return format!(
                "Restore from backup {backup_id} failed: {reason}. The new instance {new_id} was terminated.{kept} the server is {}.",
                back.as_str()
            );
        }
        let (backup, snapshot) = source.expect("a missing backup fails the restore above");
        apply_backup(rec, &backup, snapshot.as_ref(), &request);
        rec.server.status = Some(ServerStatus::Healthy);
        rec.server.status_reason = None;
        rec.plan_automated_backup(at);
        rec.plan_maintenance(at);
        let old = rec.instance_id.replace(new_id.clone());
        let retired = match old {
            Some(old) if request.previous_status != Some(ServerStatus::Terminated) => {
                let note =
                    format!(" The previous instance {old} is stopped and will be terminated.");
                rec.retired_instance = Some(RetiredInstance {
                    id: old,
                    terminate_at: retire_at,
                });
                note
            }
            _ => String::new(),
        };
        let taken = backup
            .created_at
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .unwrap_or_default();
        format!(
            "Restore from backup {backup_id} completed: traffic switched to the new instance {new_id}, which holds the server as it was at {taken} (engine version {}, {} associated nodes).{retired} The server is HEALTHY.",
            rec.server.engine_version.as_deref().unwrap_or("unknown"),
            rec.nodes.len()
        )
    }
}

/// Terminates the instance a restore replaced; returns the event message.
pub(crate) fn terminate_retired(rec: &mut ServerRecord) -> Option<String> {
    let retired = rec.retired_instance.take()?;
    Some(format!(
        "The previous EC2 instance {} was terminated.",
        retired.id
    ))
}

/// When the instance a restore replaced is due to be terminated.
pub(crate) fn retire_due(rec: &ServerRecord) -> Option<DateTime<Utc>> {
    rec.retired_instance.as_ref().map(|r| r.terminate_at)
}
