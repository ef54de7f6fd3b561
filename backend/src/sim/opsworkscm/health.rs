//! A settled server's health and instance: health changes (with their
//! recovery), the first health check of a new server, an instance
//! terminated outside the service, and the retirement of the instance a
//! restore replaced.

use chrono::{DateTime, Utc};
use shared::opsworkscm::ServerStatus;

use super::records::RecordChanges as _;
use super::restore::terminate_retired;
use crate::sim::State;
use crate::sim::changes::Changes;

/// Sets a settled server's health (HEALTHY, UNHEALTHY or CONNECTION_LOST)
/// with a StatusReason and an optional recovery time, with an event.
pub(crate) fn change_health(
    state: &mut State,
    changes: &mut Changes,
    name: &str,
    status: ServerStatus,
    reason: Option<String>,
    recover_at: Option<DateTime<Utc>>,
    at: DateTime<Utc>,
) {
    let Some(rec) = state.opsworkscm.servers.get_mut(name) else {
        return;
    };
    let reason = match status {
        ServerStatus::Healthy => None,
        ServerStatus::Unhealthy => Some(reason.unwrap_or_else(|| {
            r#"{"healthChecks":[{"name":"engine","status":"FAILED","message":"HTTP 502 from https://localhost/_status"}]}"#.to_owned()
        })),
        _ => Some(reason.unwrap_or_else(|| "The service lost its connection to the server instance.".to_owned())),
    };
    rec.server.status = Some(status);
    rec.server.status_reason = reason.clone();
    rec.recover_at = if status == ServerStatus::Healthy {
        None
    } else {
        recover_at
    };
    changes.server_changed(state, name);
    let message = match reason {
        None => "Health checks pass again. The server is HEALTHY.".to_owned(),
        Some(r) => format!("The server is {}: {r}", status.as_str()),
    };
    changes.event(state, name, at, message, None);
}

/// The server's EC2 instance is terminated outside the service: the server
/// is TERMINATED until a restore gives it a new instance or it is deleted.
pub(crate) fn terminate_instance(
    state: &mut State,
    changes: &mut Changes,
    name: &str,
    reason: Option<String>,
    at: DateTime<Utc>,
) {
    let Some(rec) = state.opsworkscm.servers.get_mut(name) else {
        return;
    };
    let instance = rec.instance_id.as_deref().unwrap_or("of the server");
    let reason = reason.unwrap_or_else(|| {
        format!(
            "EC2 instance {instance} was terminated outside AWS OpsWorks CM. Restore a backup to the server or delete it."
        )
    });
    rec.server.status = Some(ServerStatus::Terminated);
    rec.server.status_reason = Some(reason.clone());
    rec.recover_at = None;
    rec.resume_status = None;
    changes.server_changed(state, name);
    changes.event(
        state,
        name,
        at,
        format!("The server is TERMINATED: {reason}"),
        None,
    );
}

/// The instance a restore replaced is terminated.
pub(super) fn retire_instance(
    state: &mut State,
    changes: &mut Changes,
    name: &str,
    at: DateTime<Utc>,
) {
    let Some(message) = state
        .opsworkscm
        .servers
        .get_mut(name)
        .and_then(terminate_retired)
    else {
        return;
    };
    changes.server_changed(state, name);
    changes.event(state, name, at, message, None);
}

/// An UNHEALTHY or CONNECTION_LOST server is healthy again, or a RUNNING
/// one passes its first health check.
pub(super) fn recover(state: &mut State, changes: &mut Changes, name: &str, at: DateTime<Utc>) {
    let Some(rec) = state.opsworkscm.servers.get_mut(name) else {
        return;
    };
    rec.recover_at = None;
    let lost = |s: Option<ServerStatus>| {
        matches!(
            s,
            Some(ServerStatus::Unhealthy | ServerStatus::ConnectionLost | ServerStatus::Running)
        )
    };
    let first = rec.server.status == Some(ServerStatus::Running)
        || rec.resume_status == Some(ServerStatus::Running);
    if lost(rec.server.status) {
        rec.server.status = Some(ServerStatus::Healthy);
    } else if lost(rec.resume_status) {
        rec.resume_status = Some(ServerStatus::Healthy);
    } else {
        changes.server_changed(state, name);
        return;
    }
    rec.server.status_reason = None;
    changes.server_changed(state, name);
    let message = if first {
        "Server creation completed. The first health check passed; the server is now HEALTHY and ready to use."
    } else {
        "Health checks pass again. The server is HEALTHY."
    };
    changes.event(state, name, at, message, None);
}
