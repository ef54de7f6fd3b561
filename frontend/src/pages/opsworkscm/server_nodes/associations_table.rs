//! The node requests started from this console for the server, with their
//! live status, found, sorted and paged with the list kit; a signed Puppet certificate can be downloaded, an associated
//! node disassociated.

use leptos::prelude::*;
use shared::opsworkscm::NodeAssociationStatus;

use super::disassociate_form::Disassociation;
use crate::components::download::save_file;
use crate::components::panel::Panel;
use crate::components::resource_table::{
    ListControls, ListRow, ResourceTable, list_columns, page_of, position_key,
};
use crate::components::status::{StatusIndicator, association_status_view};
use crate::format;
use crate::live::LiveStore;
use crate::live::opsworkscm::associations::{NodeAction, TrackedAssociation};

list_columns! {
    /// The columns of the node requests table.
    COLUMNS = [
        "Node" => BY_NODE,
        "Request" => BY_REQUEST,
        "Status" => BY_STATUS,
        "Started" => BY_STARTED,
        "Token",
        "",
    ]
}

/// The node request at `index` of `len` (newest first) as the list's
/// controls see it: found by node, request, status or token; sorted by
/// node, request, status or the order the requests started in (exact, even
/// within one millisecond).
fn list_row(index: usize, len: usize, association: &TrackedAssociation) -> ListRow {
    let request = association.action.label().to_owned();
    let status = association.status.as_str().to_owned();
    ListRow {
        key: association.token.clone(),
        search: vec![
            association.node_name.clone(),
            request.clone(),
            status.clone(),
            association.token.clone(),
        ],
        sort: vec![
            association.node_name.clone(),
            request,
            status,
            position_key(index, len),
        ],
    }
}

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
    // Newest first.
    let controls = ListControls::new(BY_STARTED, false);
    let listing = Memo::new(move |_| {
        controls.list(rows.with(|r| {
            r.iter()
                .enumerate()
                .map(|(i, a)| list_row(i, r.len(), a))
                .collect()
        }))
    });
    let shown = move || listing.with(|l| rows.with(|r| page_of(l, r, |a, key| a.token == key)));
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
                <ResourceTable
                    controls=controls
                    listing=listing
                    label="Find node requests"
                    labelledby="associations-heading"
                    columns=COLUMNS
                    no_matches="No node request matches the filter."
                    live=true
                >
                    <For
                        each=shown
                        key=|a| (a.token.clone(), a.status, a.certificate.is_some(), a.started_at)
                        let:association
                    >
                        <AssociationRow
                            association=association
                            disassociation=disassociation
                            download_error=download_error
                        />
                    </For>
                </ResourceTable>
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
