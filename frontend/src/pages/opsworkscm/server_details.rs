//! Server details at `/servers/:name`: a header with name, status and actions,
//! and tabs with their own URLs: Overview (every Server field) and Backups
//! (the server's backups, newest first; create, delete, restore) here; Nodes,
//! Events, Settings and Tags in their own modules.

use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_location, use_navigate, use_params_map};
use shared::opsworkscm::EngineKind;
use shared::opsworkscm::{Backup, Operation, Server};

use super::backups::{BY_CREATED, BY_ID, BY_STATUS, BY_TYPE, backup_listing};
use super::maintenance_dialog::MaintenanceDialog;
use crate::api;
use crate::components::backup_flash::create_backup_tracked;
use crate::components::cli::{CopyAsCli, cli_command};
use crate::components::flash::{Flashes, OpTexts};
use crate::components::key_value::KeyValueGrid;
use crate::components::modal::{ConfirmDelete, FormModal};
use crate::components::page::{Breadcrumbs, NotFound, PageHeader, Tab, Tabs};
use crate::components::panel::Panel;
use crate::components::resource_table::{Column, ListControls, ResourceTable};
use crate::components::status::{StatusIndicator, backup_status_view, server_status_view};
use crate::format;
use crate::live::{LiveStore, Snapshot};

/// The server named in the URL, for the tabs.
#[derive(Clone, Copy)]
struct CurrentServer(Memo<String>);

/// The tab a details page address shows: the segment after the server's
/// name; none is the Overview.
fn tab_of(pathname: &str) -> &str {
    match pathname.split('/').nth(3) {
        None | Some("") => "overview",
        Some(tab) => tab,
    }
}

/// The details page frame: header, actions, tab links and the tab.
#[component]
pub fn ServerDetailsPage() -> impl IntoView {
    let live = LiveStore::expect();
    let flashes = Flashes::expect();
    let params = use_params_map();
    let name = Memo::new(move |_| params.with(|p| p.get("name").unwrap_or_default()));
    provide_context(CurrentServer(name));
    let exists = move || live.has_server(&name.get());
    let status =
        Signal::derive(move || server_status_view(live.server(&name.get()).and_then(|s| s.status)));
    let delete_open = RwSignal::new(false);
    let navigate = use_navigate();
    let confirm_delete = Callback::new(move |()| {
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
        navigate("/servers", Default::default());
    });
    let maintenance_open = RwSignal::new(false);
    let location = use_location();
    let tabs = [
        ("overview", "Overview"),
        ("backups", "Backups"),
        ("nodes", "Nodes"),
        ("events", "Events"),
        ("settings", "Settings"),
        ("tags", "Tags"),
    ]
    .map(|(path, label)| {
        Tab::new(
            label,
            move || format!("/servers/{}/{path}", name.get()),
            move || location.pathname.with(|at| tab_of(at) == path),
        )
    });
    view! {
        <Breadcrumbs list_href="/servers".to_owned() list="Servers" current=name />
        <Show
            when=exists
            fallback=move || {
                if live.snapshot() == Snapshot::Loading {
                    view! { <p class="loading" role="status">"Loading server…"</p> }.into_any()
                } else {
                    view! {
                        <NotFound
                            title=Signal::derive(move || format!("Server {} not found", name.get()))
                            hint="It may have been deleted."
                            back_href="/servers".to_owned()
                            back="Go to the servers list"
                        />
                    }
                        .into_any()
                }
            }
        >
            <PageHeader id="server-heading" title=name status=status>
                <button type="button" class="btn" on:click=move |_| maintenance_open.set(true)>
                    "Start maintenance"
                </button>
                <button type="button" class="btn" on:click=move |_| delete_open.set(true)>
                    "Delete"
                </button>
            </PageHeader>
            <Tabs label="Server sections" tabs=tabs.to_vec() />
            <Outlet />
        </Show>
        <Show when=move || maintenance_open.get()>
            <MaintenanceDialog open=maintenance_open server=name.get_untracked() />
        </Show>
        <ConfirmDelete
            open=delete_open
            title=Signal::derive(move || format!("Delete {}", name.get()))
            message=Signal::derive(move || {
                format!(
                    "Deleting {} stops and removes the server and its events. Its backups are kept.",
                    name.get(),
                )
            })
            on_confirm=confirm_delete
        />
    }
}

/// The server named in the URL (for tabs in other modules).
pub(crate) fn current() -> Memo<String> {
    expect_context::<CurrentServer>().0
}

/// The engine of the server in the URL, once its record is loaded.
pub(crate) fn current_engine() -> Memo<Option<EngineKind>> {
    let live = LiveStore::expect();
    let server = current();
    Memo::new(move |_| {
        live.server(&server.get())
            .and_then(|s| s.engine)
            .and_then(|engine| EngineKind::parse(&engine))
    })
}

/// Overview tab: every field of the Server.
#[component]
pub fn OverviewTab() -> impl IntoView {
    let live = LiveStore::expect();
    let name = current();
    let server = Memo::new(move |_| live.server(&name.get()));
    view! {
        <section class="panel" aria-label="Overview">
            {move || server.get().map(|s| view! { <ServerFields server=s /> })}
        </section>
    }
}

#[component]
fn ServerFields(server: Server) -> impl IntoView {
    let text = |v: &Option<String>| format::or_dash(v.as_deref());
    let yes_no = |v: Option<bool>| v.map_or("-", |b| if b { "Yes" } else { "No" }).to_owned();
    let automated = server
        .disable_automated_backup
        .map_or(
            "-",
            |disabled| if disabled { "Disabled" } else { "Enabled" },
        )
        .to_owned();
    let rows: Vec<(&'static str, String, bool)> = vec![
        ("Name", text(&server.server_name), false),
        (
            "Status",
            server
                .status
                .map_or("-".to_owned(), |s| s.as_str().to_owned()),
            false,
        ),
        ("Status reason", text(&server.status_reason), false),
        ("Engine", text(&server.engine), false),
        ("Engine model", text(&server.engine_model), false),
        ("Engine version", text(&server.engine_version), false),
        ("Endpoint", text(&server.endpoint), true),
        ("Custom domain", text(&server.custom_domain), true),
        ("Created", format::time(server.created_at), false),
        ("Server ARN", text(&server.server_arn), true),
        ("Instance type", text(&server.instance_type), false),
        ("SSH key pair", text(&server.key_pair), false),
        (
            "Instance profile ARN",
            text(&server.instance_profile_arn),
            true,
        ),
        ("Service role ARN", text(&server.service_role_arn), true),
        (
            "CloudFormation stack ARN",
            text(&server.cloud_formation_stack_arn),
            true,
        ),
        ("Subnets", format::list(&server.subnet_ids), true),
        (
            "Security groups",
            format::list(&server.security_group_ids),
            true,
        ),
        (
            "Public IP address",
            yes_no(server.associate_public_ip_address),
            false,
        ),
        (
            "Maintenance window",
            text(&server.preferred_maintenance_window),
            false,
        ),
        (
            "Last maintenance",
            server
                .maintenance_status
                .map_or("-".to_owned(), |m| m.as_str().to_owned()),
            false,
        ),
        ("Automated backups", automated, false),
        (
            "Backup window",
            text(&server.preferred_backup_window),
            false,
        ),
        (
            "Backups to keep",
            server
                .backup_retention_count
                .map_or("-".to_owned(), |n| n.to_string()),
            false,
        ),
    ];
    view! {
        <KeyValueGrid rows=rows />
    }
}

/// The columns of a server's Backups tab.
const BACKUP_COLUMNS: &[Column] = &[
    ("Backup ID", Some(BY_ID)),
    ("Type", Some(BY_TYPE)),
    ("Status", Some(BY_STATUS)),
    ("Created", Some(BY_CREATED)),
    ("Description", None),
    ("", None),
];

/// Backups tab: the server's backups, newest first; create and delete.
#[component]
pub fn BackupsTab() -> impl IntoView {
    let live = LiveStore::expect();
    let flashes = Flashes::expect();
    let name = current();
    let backups = Memo::new(move |_| live.backups_of(&name.get()));
    let controls = ListControls::new(BY_CREATED, false);
    let (listing, page_rows) = backup_listing(backups, controls);
    let description = RwSignal::new(String::new());
    let delete_open = RwSignal::new(false);
    let delete_target = RwSignal::new(String::new());

    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let target = name.get_untracked();
        let text = description.get_untracked();
        description.set(String::new());
        create_backup_tracked(flashes, live, target, text);
    };
    let confirm_delete = Callback::new(move |()| {
        let id = delete_target.get_untracked();
        flashes.track(
            OpTexts::new(
                format!("Deleting backup {id}"),
                format!("Deletion of backup {id} started"),
                format!("Could not delete backup {id}"),
            ),
            move || {
                let id = id.clone();
                async move { api::opsworkscm::delete_backup(&id).await }
            },
        );
    });
    let ask_delete = Callback::new(move |id: String| {
        delete_target.set(id);
        delete_open.set(true);
    });
    let restore_open = RwSignal::new(false);
    let restore_target = RwSignal::new(String::new());
    let ask_restore = Callback::new(move |id: String| {
        restore_target.set(id);
        restore_open.set(true);
    });

    view! {
        <Panel id="backups-heading" title="Backups" count=Signal::derive(move || backups.with(Vec::len)) actions=move || view! {
                <form class="inline-form" on:submit=create>
                    <label for="backup-description">"Backup description"</label>
                    <input
                        id="backup-description"
                        type="text"
                        placeholder="Optional"
                        prop:value=move || description.get()
                        on:input=move |ev| description.set(event_target_value(&ev))
                    />
                    <button type="submit" class="btn btn-primary">"Create backup"</button>
                </form>
            }>
            <div class="panel-cli">
                <CopyAsCli command=Signal::derive(move || {
                    api::opsworkscm::create_backup_request(&name.get(), &description.get())
                        .ok()
                        .map(|request| cli_command(Operation::CreateBackup, &request))
                }) />
            </div>
            <Show
                when=move || backups.with(|b| !b.is_empty())
                fallback=|| {
                    view! {
                        <div class="empty">
                            <p class="empty-title">"No backups"</p>
                            <p class="muted">"Manual and automated backups of this server appear here."</p>
                        </div>
                    }
                }
            >
                <ResourceTable
                    controls=controls
                    listing=listing
                    label="Find backups"
                    labelledby="backups-heading"
                    columns=BACKUP_COLUMNS
                    no_matches="No backup matches the filter."
                >
                    <For
                        each=page_rows
                        key=|b| (b.backup_id.clone(), b.status, b.description.clone())
                        let:backup
                    >
                        <BackupRow backup=backup on_delete=ask_delete on_restore=ask_restore />
                    </For>
                </ResourceTable>
            </Show>
        </Panel>
        <ConfirmDelete
            open=delete_open
            title=Signal::derive(move || format!("Delete backup {}", delete_target.get()))
            message=Signal::derive(|| "The backup and its data are removed.".to_owned())
            on_confirm=confirm_delete
        />
        <Show when=move || restore_open.get()>
            <RestoreDialog open=restore_open server=name.get_untracked() backup_id=restore_target.get_untracked() />
        </Show>
    }
}

/// Asks for the optional new instance type and key pair, then restores.
#[component]
fn RestoreDialog(open: RwSignal<bool>, server: String, backup_id: String) -> impl IntoView {
    let flashes = Flashes::expect();
    let instance_type = RwSignal::new(String::new());
    let key_pair = RwSignal::new(String::new());
    let title = format!("Restore {server} from {backup_id}");
    let cli = {
        let (server, backup_id) = (server.clone(), backup_id.clone());
        Signal::derive(move || {
            api::opsworkscm::restore_server_request(
                &server,
                &backup_id,
                &instance_type.get(),
                &key_pair.get(),
            )
            .ok()
            .map(|request| cli_command(Operation::RestoreServer, &request))
        })
    };
    let submit = {
        let (server, backup_id) = (server.clone(), backup_id.clone());
        Callback::new(move |()| {
            let (server, backup_id) = (server.clone(), backup_id.clone());
            let (instance_type, key_pair) =
                (instance_type.get_untracked(), key_pair.get_untracked());
            flashes.track(
                OpTexts::new(
                    format!("Restoring {server} from {backup_id}"),
                    format!("Restore of {server} started"),
                    format!("Could not restore {server}"),
                ),
                move || {
                    let (server, backup_id) = (server.clone(), backup_id.clone());
                    let (instance_type, key_pair) = (instance_type.clone(), key_pair.clone());
                    async move {
                        api::opsworkscm::restore_server(
                            &server,
                            &backup_id,
                            &instance_type,
                            &key_pair,
                        )
                        .await
                    }
                },
            );
            true
        })
    };
    view! {
        <FormModal
            open=open
            title_id="restore-title"
            title=title
            submit_label="Restore"
            on_submit=submit
        >
            <p>
                "The server goes RESTORING and comes back with the backup's data. "
                "Leave the fields empty to keep its instance type and key pair."
            </p>
            <label for="restore-instance-type">"Instance type (optional)"</label>
            <input
                id="restore-instance-type"
                type="text"
                autocomplete="off"
                autofocus
                prop:value=move || instance_type.get()
                on:input=move |ev| instance_type.set(event_target_value(&ev))
            />
            <label for="restore-key-pair">"SSH key pair (optional)"</label>
            <input
                id="restore-key-pair"
                type="text"
                autocomplete="off"
                prop:value=move || key_pair.get()
                on:input=move |ev| key_pair.set(event_target_value(&ev))
            />
            <CopyAsCli command=cli />
        </FormModal>
    }
}

#[component]
fn BackupRow(
    backup: Backup,
    on_delete: Callback<String>,
    on_restore: Callback<String>,
) -> impl IntoView {
    let id = backup.backup_id.clone().unwrap_or_default();
    let status = backup_status_view(backup.status);
    let kind = backup
        .backup_type
        .map_or("-".to_owned(), |t| t.as_str().to_owned());
    let label = format!("Delete backup {id}");
    let restore_label = format!("Restore from backup {id}");
    let restorable = backup.status == Some(shared::opsworkscm::BackupStatus::Ok);
    let restore_id = id.clone();
    let new_from = id.clone();
    view! {
        <tr>
            <th scope="row" class="mono">{id.clone()}</th>
            <td>{kind}</td>
            <td>
                <StatusIndicator status=Signal::stored(status) />
            </td>
            <td>{format::time(backup.created_at)}</td>
            <td>{format::or_dash(backup.description.as_deref())}</td>
            <td>
                <div class="row-actions">
                <button
                    type="button"
                    class="btn btn-small"
                    aria-label=restore_label
                    disabled=!restorable
                    on:click=move |_| on_restore.run(restore_id.clone())
                >
                    "Restore"
                </button>
                {restorable.then(|| view! {
                    <a
                        class="btn btn-small"
                        href=format!("/servers/new?backupId={new_from}")
                        aria-label=format!("New server from backup {new_from}")
                    >
                        "New server"
                    </a>
                })}
                <button
                    type="button"
                    class="btn btn-small"
                    aria-label=label
                    on:click=move |_| on_delete.run(id.clone())
                >
                    "Delete"
                </button>
            </div>
            </td>
        </tr>
    }
}
