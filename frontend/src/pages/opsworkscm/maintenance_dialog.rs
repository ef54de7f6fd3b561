//! The Start maintenance dialog of a server's page: what maintenance does,
//! and for a Chef Automate 12 server the `CHEF_MAJOR_UPGRADE` to Chef
//! Automate 2, with the request as Copy as CLI.

use leptos::prelude::*;
use shared::opsworkscm::{EngineKind, Operation};

use crate::api;
use crate::components::cli::{CopyAsCli, cli_command};
use crate::components::field::CheckboxField;
use crate::components::flash::{Flashes, OpTexts};
use crate::components::modal::FormModal;
use crate::live::LiveStore;

/// Asks whether to upgrade (Chef 12 only), then starts maintenance.
#[component]
pub fn MaintenanceDialog(
    /// Whether the dialog is shown; set to false when it closes.
    open: RwSignal<bool>,
    /// The server.
    server: String,
) -> impl IntoView {
    let flashes = Flashes::expect();
    let live = LiveStore::expect();
    let upgradable = {
        let server = server.clone();
        Memo::new(move |_| {
            live.server(&server).is_some_and(|s| {
                s.engine.as_deref().and_then(EngineKind::parse) == Some(EngineKind::Chef)
                    && s.engine_version.as_deref() == Some("12")
            })
        })
    };
    let major_upgrade = RwSignal::new(false);
    let cli = {
        let server = server.clone();
        Signal::derive(move || {
            api::opsworkscm::start_maintenance_request(
                &server,
                upgradable.get() && major_upgrade.get(),
            )
            .ok()
            .map(|request| cli_command(Operation::StartMaintenance, &request))
        })
    };
    let title = format!("Start maintenance on {server}");
    let submit = Callback::new(move |()| {
        let upgrade = upgradable.get_untracked() && major_upgrade.get_untracked();
        let server = server.clone();
        let started = if upgrade {
            format!("Maintenance of {server} started, with the upgrade to Chef Automate 2")
        } else {
            format!("Maintenance of {server} started")
        };
        flashes.track(
            OpTexts::new(
                format!("Starting maintenance on {server}"),
                started,
                format!("Could not start maintenance on {server}"),
            ),
            move || {
                let server = server.clone();
                async move { api::opsworkscm::start_maintenance(&server, upgrade).await }
            },
        );
        true
    });
    view! {
        <FormModal
            open=open
            title_id="maintenance-title"
            title=title
            submit_label="Start maintenance"
            on_submit=submit
        >
            <p>
                "The server goes UNDER_MAINTENANCE while operating system and engine "
                "updates are applied, then reports the MaintenanceStatus."
            </p>
            <Show when=move || upgradable.get()>
                <CheckboxField
                    id="maintenance-major-upgrade"
                    label="Upgrade to Chef Automate 2 (CHEF_MAJOR_UPGRADE)"
                    checked=major_upgrade
                    hint="A one-way upgrade from Chef Automate 12; take a backup first: restoring it brings version 12 back."
                />
            </Show>
            <CopyAsCli command=cli />
        </FormModal>
    }
}
