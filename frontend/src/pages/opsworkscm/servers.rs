//! The Servers list: header with count, action stripe enabled by the selected
//! row, text filter with match count, sortable columns, pagination, empty and
//! no-match states. Rows are keyed by server name and each reads its own
//! server signal, so a status change re-renders that row only.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::opsworkscm::{DescribeServersRequest, Operation, Server};

use super::delete_server_dialog::DeleteServerDialog;
use crate::api;
use crate::components::backup_flash::create_backup_tracked;
use crate::components::cli::{CopyAsCli, cli_command};
use crate::components::flash::{Flashes, LoadFailed, OpTexts};
use crate::components::list::EmptyState;
use crate::components::panel::{Level, Panel};
use crate::components::resource_table::{
    ListControls, ListRow, ResourceTable, list_columns, time_key,
};
use crate::components::status::{StatusIndicator, server_status_view};
use crate::format;
use crate::live::{LiveStore, Snapshot};

list_columns! {
    /// The columns of the servers list (after the selection).
    COLUMNS = [
        "Name" => BY_NAME,
        "Engine",
        "Status" => BY_STATUS,
        "Endpoint",
        "Created" => BY_CREATED,
        "Maintenance",
    ]
}

/// A server as the list's controls see it: found by name, engine, status
/// or endpoint; sorted by name, status or creation time.
fn list_row(server: &Server) -> ListRow {
    let name = server.server_name.clone().unwrap_or_default();
    let status = server.status.map_or("", |s| s.as_str()).to_owned();
    ListRow {
        search: [
            server.engine.as_deref(),
            server.status.map(|s| s.as_str()),
            server.endpoint.as_deref(),
        ]
        .into_iter()
        .flatten()
        .map(str::to_owned)
        .chain([name.clone()])
        .collect(),
        sort: vec![name.clone(), status, time_key(server.created_at)],
        key: name,
    }
}

/// The list page at `/` and `/servers`.
#[component]
pub fn ServersPage() -> impl IntoView {
    let live = LiveStore::expect();
    let flashes = Flashes::expect();
    let navigate = use_navigate();

    let controls = ListControls::new(BY_CREATED, false);
    let selected = RwSignal::new(None::<String>);
    let delete_open = RwSignal::new(false);
    let delete_target = RwSignal::new(String::new());

    let listing = Memo::new(move |_| {
        let mut rows = Vec::new();
        live.for_each_server(|server| rows.push(list_row(server)));
        controls.list(rows)
    });
    // The selection only counts while its server exists.
    let selection = Memo::new(move |_| selected.get().filter(|name| live.has_server(name)));
    let no_selection = move || selection.with(Option::is_none);

    let view_details = {
        let navigate = navigate.clone();
        move |_| {
            if let Some(name) = selection.get_untracked() {
                navigate(&format!("/servers/{name}"), Default::default());
            }
        }
    };
    let create_backup = move |_| {
        if let Some(name) = selection.get_untracked() {
            create_backup_tracked(flashes, live, name, String::new(), Vec::new());
        }
    };
    let start_maintenance = move |_| {
        if let Some(name) = selection.get_untracked() {
            flashes.track(
                OpTexts::new(
                    format!("Starting maintenance on {name}"),
                    format!("Maintenance of {name} started"),
                    format!("Could not start maintenance on {name}"),
                ),
                move || {
                    let name = name.clone();
                    async move { api::opsworkscm::start_maintenance(&name, false).await }
                },
            );
        }
    };
    let ask_delete = move |_| {
        if let Some(name) = selection.get_untracked() {
            delete_target.set(name);
            delete_open.set(true);
        }
    };
    let go_create = {
        let navigate = navigate.clone();
        Callback::new(move |_: leptos::ev::MouseEvent| navigate("/servers/new", Default::default()))
    };

    view! {
        <Panel id="servers-heading" title="Servers" level=Level::H2 count=Signal::derive(move || live.server_count()) actions=move || view! {
                <div class="actions" role="toolbar" aria-label="Server actions">
                    <button type="button" class="btn" on:click=move |_| live.reload()>
                        "Refresh"
                    </button>
                    <button type="button" class="btn" disabled=no_selection on:click=view_details>
                        "View details"
                    </button>
                    <button type="button" class="btn" disabled=no_selection on:click=create_backup>
                        "Create backup"
                    </button>
                    <button
                        type="button"
                        class="btn"
                        disabled=no_selection
                        on:click=start_maintenance
                    >
                        "Start maintenance"
                    </button>
                    <button type="button" class="btn" disabled=no_selection on:click=ask_delete>
                        "Delete"
                    </button>
                    <button type="button" class="btn btn-primary" on:click=move |ev| go_create.run(ev)>
                        "Create server"
                    </button>
                </div>
            }>
            <div class="panel-cli">
                <CopyAsCli command=Signal::derive(|| {
                    Some(cli_command(Operation::DescribeServers, &DescribeServersRequest::default()))
                }) />
            </div>
            <ResourceTable
                controls=controls
                listing=listing
                label="Find servers"
                labelledby="servers-heading"
                columns=COLUMNS
                no_matches="No server matches the filter."
                selectable=true
            >
                <For each=move || listing.with(|l| l.keys.clone()) key=String::clone let:name>
                    {live
                        .server_signal(&name)
                        .map(|server| view! { <ServerRow name=name server=server selected=selected /> })}
                </For>
            </ResourceTable>
            {move || match live.snapshot() {
                Snapshot::Loading if live.server_count() == 0 => {
                    view! { <p class="loading" role="status">"Loading servers…"</p> }.into_any()
                }
                Snapshot::Failed(err) if live.server_count() == 0 => {
                    view! {
                        <LoadFailed
                            title="Could not load servers"
                            detail=err.to_string()
                            retry=Some(Callback::new(move |()| live.reload()))
                        />
                    }
                        .into_any()
                }
                _ => ().into_any(),
            }}
            <Show when=move || live.snapshot() == Snapshot::Ready && live.server_count() == 0>
                <EmptyState
                    title="No servers yet"
                    detail="Servers created with the AWS CLI, an SDK or this console appear here."
                >
                    <button type="button" class="btn btn-primary" on:click=move |ev| go_create.run(ev)>
                        "Create server"
                    </button>
                </EmptyState>
            </Show>
        </Panel>
        <DeleteServerDialog open=delete_open name=delete_target />
    }
}

/// One server row; reads only its own server signal.
#[component]
fn ServerRow(
    name: String,
    server: ArcRwSignal<Server>,
    selected: RwSignal<Option<String>>,
) -> impl IntoView {
    let is_selected = {
        let name = name.clone();
        move || selected.with(|s| s.as_deref() == Some(name.as_str()))
    };
    let select = {
        let name = name.clone();
        move |_| selected.set(Some(name.clone()))
    };
    let status = {
        let server = server.clone();
        Signal::derive(move || server.with(|s| server_status_view(s.status)))
    };
    let engine = {
        let server = server.clone();
        move || {
            server.with(|s| {
                format!(
                    "{} {}",
                    s.engine.as_deref().unwrap_or("-"),
                    s.engine_version.as_deref().unwrap_or("")
                )
                .trim_end()
                .to_owned()
            })
        }
    };
    let endpoint = {
        let server = server.clone();
        // With a custom domain, that is the address users browse to.
        move || {
            server.with(|s| format::or_dash(s.custom_domain.as_deref().or(s.endpoint.as_deref())))
        }
    };
    let created = {
        let server = server.clone();
        move || server.with(|s| format::time(s.created_at))
    };
    let maintenance = move || {
        server.with(|s| {
            s.maintenance_status
                .map_or_else(|| "-".to_owned(), |m| m.as_str().to_owned())
        })
    };
    let row_class = {
        let is_selected = is_selected.clone();
        move || if is_selected() { "selected" } else { "" }
    };
    view! {
        <tr class=row_class>
            <td class="select-col">
                <input
                    type="radio"
                    name="server-selection"
                    aria-label=format!("Select {name}")
                    prop:checked=is_selected
                    on:change=select
                />
            </td>
            <th scope="row">
                <A href=format!("/servers/{name}")>{name.clone()}</A>
            </th>
            <td class="nowrap">{engine}</td>
            <td>
                <StatusIndicator status=status />
            </td>
            <td class="mono">{endpoint}</td>
            <td class="nowrap">{created}</td>
            <td>{maintenance}</td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::opsworkscm::ServerStatus;

    #[test]
    fn servers_are_found_by_name_engine_status_and_endpoint() {
        let server = Server {
            server_name: Some("Web-1".to_owned()),
            engine: Some("ChefAutomate".to_owned()),
            status: Some(ServerStatus::Healthy),
            endpoint: Some("web-1-abc.us-east-1.opsworks-cm.io".to_owned()),
            ..Server::default()
        };
        let row = list_row(&server);
        assert_eq!(row.key, "Web-1");
        for text in [
            "Web-1",
            "ChefAutomate",
            "HEALTHY",
            "web-1-abc.us-east-1.opsworks-cm.io",
        ] {
            assert!(row.search.iter().any(|s| s == text), "{text}");
        }
        assert_eq!(row.sort[BY_STATUS], "HEALTHY");
    }
}
