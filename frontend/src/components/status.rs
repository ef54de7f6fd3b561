//! Status indicators: a tone (pending, in-progress, success, error, stopped)
//! per server, backup or node association status, and per CloudHSM cluster,
//! HSM or backup state, with a spinner for transitional states.

use leptos::prelude::*;
use shared::cloudhsmv2::{BackupState, ClusterState, HsmState};
use shared::opsworkscm::{BackupStatus, NodeAssociationStatus, ServerStatus};

/// Colour family of a server status.
pub fn server_tone(status: ServerStatus) -> &'static str {
    match status {
        ServerStatus::Healthy | ServerStatus::Running => "success",
        s if s.is_transitional() => "in-progress",
        ServerStatus::Failed | ServerStatus::Unhealthy | ServerStatus::ConnectionLost => "error",
        _ => "stopped",
    }
}

/// Colour family of a backup status.
pub fn backup_tone(status: BackupStatus) -> &'static str {
    match status {
        BackupStatus::Ok => "success",
        s if s.is_transitional() => "in-progress",
        _ => "error",
    }
}

/// `(tone, label)` of a node association status.
pub fn association_status_view(status: NodeAssociationStatus) -> (&'static str, String) {
    let tone = match status {
        NodeAssociationStatus::Success => "success",
        NodeAssociationStatus::InProgress => "in-progress",
        NodeAssociationStatus::Failed => "error",
    };
    (tone, status.as_str().to_owned())
}

/// A status label with its tone; `status` is read reactively.
#[component]
pub fn StatusIndicator(
    /// `(tone, label)` of the current status.
    #[prop(into)]
    status: Signal<(&'static str, String)>,
) -> impl IntoView {
    view! {
        <span class=move || format!("status status-{}", status.get().0)>
            {move || status.get().1}
        </span>
    }
}

/// `(tone, label)` for an optional server status.
pub fn server_status_view(status: Option<ServerStatus>) -> (&'static str, String) {
    status.map_or(("pending", "-".to_owned()), |s| {
        (server_tone(s), s.as_str().to_owned())
    })
}

/// `(tone, label)` for an optional backup status.
pub fn backup_status_view(status: Option<BackupStatus>) -> (&'static str, String) {
    status.map_or(("pending", "-".to_owned()), |s| {
        (backup_tone(s), s.as_str().to_owned())
    })
}

/// Colour family of a CloudHSM cluster state: the `*_IN_PROGRESS` states
/// spin; UNINITIALIZED and INITIALIZED wait for the user (an HSM, the
/// initialization).
pub fn cluster_tone(state: ClusterState) -> &'static str {
    match state {
        s if s.is_transitional() => "in-progress",
        ClusterState::Active => "success",
        ClusterState::Uninitialized | ClusterState::Initialized => "pending",
        ClusterState::Degraded => "error",
        _ => "stopped",
    }
}

/// Colour family of a CloudHSM backup state: PENDING_DELETION waits for its
/// deadline (or a restore).
pub fn hsm_backup_tone(state: BackupState) -> &'static str {
    match state {
        s if s.is_transitional() => "in-progress",
        BackupState::Ready => "success",
        BackupState::PendingDeletion => "pending",
        _ => "stopped",
    }
}

/// Colour family of an HSM state.
pub fn hsm_tone(state: HsmState) -> &'static str {
    match state {
        s if s.is_transitional() => "in-progress",
        HsmState::Active => "success",
        HsmState::Degraded => "error",
        _ => "stopped",
    }
}

/// `(tone, label)` for an optional CloudHSM cluster state.
pub fn cluster_state_view(state: Option<ClusterState>) -> (&'static str, String) {
    state.map_or(("pending", "-".to_owned()), |s| {
        (cluster_tone(s), s.as_str().to_owned())
    })
}

/// `(tone, label)` for an optional CloudHSM backup state.
pub fn hsm_backup_state_view(state: Option<BackupState>) -> (&'static str, String) {
    state.map_or(("pending", "-".to_owned()), |s| {
        (hsm_backup_tone(s), s.as_str().to_owned())
    })
}

/// `(tone, label)` for an optional HSM state.
pub fn hsm_state_view(state: Option<HsmState>) -> (&'static str, String) {
    state.map_or(("pending", "-".to_owned()), |s| {
        (hsm_tone(s), s.as_str().to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitional_states_spin() {
        for status in ServerStatus::ALL {
            let tone = server_tone(status);
            assert_eq!(tone == "in-progress", status.is_transitional(), "{status}");
        }
        assert_eq!(server_tone(ServerStatus::Healthy), "success");
        assert_eq!(server_tone(ServerStatus::Terminated), "stopped");
        assert_eq!(backup_tone(BackupStatus::Ok), "success");
        assert_eq!(
            association_status_view(NodeAssociationStatus::InProgress).0,
            "in-progress"
        );
        assert_eq!(
            association_status_view(NodeAssociationStatus::Failed),
            ("error", "FAILED".to_owned())
        );
    }

    #[test]
    fn cloudhsm_states_in_progress_spin() {
        for state in ClusterState::ALL {
            let spins = cluster_tone(state) == "in-progress";
            assert_eq!(spins, state.as_str().ends_with("_IN_PROGRESS"), "{state}");
        }
        for state in HsmState::ALL {
            let spins = hsm_tone(state) == "in-progress";
            assert_eq!(spins, state.as_str().ends_with("_IN_PROGRESS"), "{state}");
        }
        assert_eq!(
            hsm_backup_tone(BackupState::CreateInProgress),
            "in-progress"
        );
        assert_eq!(
            hsm_backup_state_view(Some(BackupState::PendingDeletion)),
            ("pending", "PENDING_DELETION".to_owned())
        );
        assert_eq!(cluster_state_view(None).1, "-");
    }
}
