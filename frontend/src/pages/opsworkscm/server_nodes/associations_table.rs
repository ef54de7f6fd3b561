//! The node requests started from this console for the server, with their
//! live status; a signed Puppet certificate can be downloaded, an associated
//! node disassociated.

use leptos::prelude::*;
use shared::opsworkscm::NodeAssociationStatus;

use super::disassociate_form::Disassociation;
use crate::components::download::save_file;
use crate::components::panel::Panel;
use crate::components::status::{StatusIndicator, association_status_view};
use crate::format;
use crate::live::LiveStore;
use crate::live::opsworkscm::associations::{NodeAction, TrackedAssociation};

/// The list of node requests of `server`.
#[component]
pub fn AssociationsTable(
    /// The server in the URL.
    server: Memo<String>,
    /// The disassociate form, opened by a row's Disassociate button.
    disassociation: Disassociation,
) -> impl IntoView {
    let live = LiveStore::expect();
    let rows = Memo::new(move |_| live.associations().of_server(&server.get()));
    let download_error = RwSignal::new(None::<String>);
    view! {
        <Panel id="associations-heading" title="Node associations" count=Signal::derive(move || rows.with(Vec::len))>
            {move || download_error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <Show
                when=move || rows.with(|r| !r.is_empty())
                fallback=|| {
                    view! {
                        <div class="empty">
                            <p class="empty-title">"No node requests yet"</p>
                            <p class="muted">
                                "The service keeps no list of nodes. Associations and disassociations started here "
                                "are followed live for this browser session."
                            </p>
                        </div>
                    }
                }
            >
                <table class="table" aria-labelledby="associations-heading" aria-live="polite">
                    <thead>
                        <tr>
                            <th scope="col">"Node"</th>
                            <th scope="col">"Request"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Started"</th>
                            <th scope="col">"Token"</th>
                            <th scope="col">
                                <span class="visually-hidden">"Actions"</span>
                            </th>
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=move || rows.get()
                            key=|a| (a.token.clone(), a.status, a.certificate.is_some(), a.started_at)
                            let:association
                        >
                            <AssociationRow
                                association=association
                                disassociation=disassociation
                                download_error=download_error
                            />
                        </For>
                    </tbody>
                </table>
            </Show>
        </Panel>
    }
}

#[component]
fn AssociationRow(
    association: TrackedAssociation,
    disassociation: Disassociation,
    download_error: RwSignal<Option<String>>,
) -> impl IntoView {
    let node = association.node_name.clone();
    let download = association.certificate.clone().map(|certificate| {
        let file_name = format!("{node}.pem");
        let label = format!("Download certificate of {node}");
        view! {
            <button
                type="button"
                class="btn btn-small"
                aria-label=label
                on:click=move |_| {
                    download_error.set(
                        save_file(&file_name, "application/x-pem-file", certificate.as_bytes()).err(),
                    );
                }
            >
                "Download certificate"
            </button>
        }
    });
    let associated = association.action == NodeAction::Associate
        && association.status == NodeAssociationStatus::Success;
    let disassociate = associated.then(|| {
        let node = node.clone();
        view! {
            <button
                type="button"
                class="btn btn-small"
                aria-label=format!("Disassociate {node}")
                on:click=move |_| disassociation.ask(node.clone())
            >
                "Disassociate"
            </button>
        }
    });
    view! {
        <tr>
            <th scope="row" class="mono">{node.clone()}</th>
            <td>{association.action.label()}</td>
            <td>
                <StatusIndicator status=Signal::stored(association_status_view(association.status)) />
            </td>
            <td class="nowrap">{format::time(association.started_at)}</td>
            <td class="mono token">{association.token.clone()}</td>
            <td>
                <div class="row-actions">{download} {disassociate}</div>
            </td>
        </tr>
    }
}
