//! The Settings tab (UpdateServer: windows and automated backups; then the
//! credentials and userdata panels) and the Tags tab (ListTagsForResource,
//! TagResource, UntagResource) of the server details page.

use leptos::prelude::*;
use shared::opsworkscm::{Operation, UpdateServerRequest};
use shared::opsworkscm::{ServerName, TimeWindow};

use crate::api;
use crate::components::cli::{CopyAsCli, cli_command};
use crate::components::field::{CheckboxField, TextField};
use crate::components::flash::{Flashes, OpTexts};
use crate::components::panel::Panel;
use crate::live::LiveStore;
use crate::pages::opsworkscm::resource_tags::OpsWorksTags;
use crate::pages::opsworkscm::server_credentials::CredentialsPanel;
use crate::pages::opsworkscm::server_details::current;
use crate::pages::opsworkscm::server_userdata::UserdataPanel;

/// An optional window: empty means "not sent".
fn window_of(value: &str) -> Result<Option<TimeWindow>, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    TimeWindow::parse(value)
        .map(Some)
        .map_err(|_| format!("{value} is not a window: use HH:MM or Ddd:HH:MM (e.g. Mon:08:00)"))
}

/// The backup retention count: an integer of at least 1.
fn retention_of(value: &str) -> Result<i64, String> {
    match value.trim().parse::<i64>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err("Enter a whole number of at least 1".to_owned()),
    }
}

/// Settings tab: the UpdateServer form, prefilled from the server.
#[component]
pub fn SettingsTab() -> impl IntoView {
    let live = LiveStore::expect();
    let flashes = Flashes::expect();
    let name = current();
    let server = live.server(&name.get_untracked()).unwrap_or_default();
    let maintenance = RwSignal::new(server.preferred_maintenance_window.unwrap_or_default());
    let backup = RwSignal::new(server.preferred_backup_window.unwrap_or_default());
    let automated = RwSignal::new(!server.disable_automated_backup.unwrap_or(false));
    let retention = RwSignal::new(
        server
            .backup_retention_count
            .map_or(String::new(), |n| n.to_string()),
    );
    let attempted = RwSignal::new(false);
    // The request the fields make, or `None` while one is invalid (tracked).
    let request = move || {
        let m = window_of(&maintenance.get()).ok()?;
        let b = window_of(&backup.get()).ok()?;
        let r = retention_of(&retention.get()).ok()?;
        Some(UpdateServerRequest {
            disable_automated_backup: Some(!automated.get()),
            backup_retention_count: Some(r),
            server_name: ServerName::parse(name.get()).ok()?,
            preferred_maintenance_window: m,
            preferred_backup_window: b,
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        attempted.set(true);
        let Some(request) = untrack(request) else {
            return;
        };
        let target = name.get_untracked();
        flashes.track(
            OpTexts::new(
                format!("Saving settings of {target}"),
                format!("Settings of {target} saved"),
                format!("Could not save settings of {target}"),
            ),
            move || {
                let request = request.clone();
                async move { api::opsworkscm::update_server(&request).await }
            },
        );
    };
    view! {
        <div class="tab-stack">
            <Panel id="settings-heading" title="Settings">
                <form class="form" on:submit=submit novalidate>
                    <TextField
                        id="settings-maintenance"
                        label="Maintenance window"
                        placeholder="Mon:08:00"
                        value=maintenance
                        error=Signal::derive(move || window_of(&maintenance.get()).err())
                        show=attempted
                    />
                    <TextField
                        id="settings-backup"
                        label="Backup window"
                        placeholder="08:00"
                        value=backup
                        error=Signal::derive(move || window_of(&backup.get()).err())
                        show=attempted
                    />
                    <CheckboxField id="settings-automated" label="Automated backups" checked=automated />
                    <TextField
                        id="settings-retention"
                        label="Backups to keep"
                        kind="number"
                        value=retention
                        error=Signal::derive(move || retention_of(&retention.get()).err())
                        show=attempted
                    />
                    <div class="form-actions">
                        <button type="submit" class="btn btn-primary">"Save"</button>
                    </div>
                    <CopyAsCli command=Signal::derive(move || {
                        request().map(|request| cli_command(Operation::UpdateServer, &request))
                    }) />
                </form>
            </Panel>
            <CredentialsPanel />
            <UserdataPanel />
        </div>
    }
}

/// Tags tab: the server's tags; add or edit (TagResource overwrites) and remove.
#[component]
pub fn TagsTab() -> impl IntoView {
    let live = LiveStore::expect();
    let name = current();
    let arn = Signal::derive(move || {
        live.server(&name.get())
            .and_then(|s| s.server_arn)
            .unwrap_or_default()
    });
    view! { <OpsWorksTags arn=arn /> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_and_retention_are_checked() {
        assert!(window_of("Mon:08:00").unwrap().is_some());
        assert!(window_of("08:00").unwrap().is_some());
        assert!(window_of("").unwrap().is_none());
        assert!(window_of("Funday").is_err());
        assert_eq!(retention_of("3"), Ok(3));
        assert!(retention_of("0").is_err());
        assert!(retention_of("x").is_err());
    }
}
