//! The Delete server confirmation, the same from the servers list and the
//! details page: what deleting does, the typed name, "Copy as CLI", and the
//! DeleteServer call under a flash.

use leptos::prelude::*;
use shared::opsworkscm::Operation;

use crate::api;
use crate::components::cli::cli_command;
use crate::components::flash::{Flashes, OpTexts};
use crate::components::modal::ConfirmDelete;

/// Asks before deleting server `name`; once confirmed, deletes it under a
/// flash and runs `confirmed` (the details page leaves for the list).
#[component]
pub fn DeleteServerDialog(
    /// Whether the dialog is shown; set to false on close.
    open: RwSignal<bool>,
    /// The server to delete.
    #[prop(into)]
    name: Signal<String>,
    /// Runs once the deletion is sent.
    #[prop(optional)]
    confirmed: Option<Callback<()>>,
) -> impl IntoView {
    let flashes = Flashes::expect();
    let on_confirm = Callback::new(move |()| {
        let target = name.get_untracked();
        flashes.track(
            OpTexts::new(
                format!("Deleting {target}"),
                format!("Deletion of {target} started"),
                format!("Could not delete {target}"),
            ),
            move || {
                let target = target.clone();
                async move { api::opsworkscm::delete_server(&target).await }
            },
        );
        if let Some(confirmed) = confirmed {
            confirmed.run(());
        }
    });
    view! {
        <ConfirmDelete
            open=open
            title=Signal::derive(move || format!("Delete {}", name.get()))
            message=Signal::derive(move || {
                format!(
                    "Deleting {} stops and removes the server and its events. Its backups are kept.",
                    name.get(),
                )
            })
            on_confirm=on_confirm
            cli=Signal::derive(move || {
                api::opsworkscm::delete_server_request(&name.get())
                    .ok()
                    .map(|request| cli_command(Operation::DeleteServer, &request))
            })
        />
    }
}
