//! Status indicators: a tone (pending, in-progress, success, error, stopped)
//! per server, backup or node association status, with a spinner for
//! transitional states.

use leptos::prelude::*;
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
        BackupStatus::InProgress | BackupStatus::Deleting => "in-progress",
        BackupStatus::Failed => "error",
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
}
