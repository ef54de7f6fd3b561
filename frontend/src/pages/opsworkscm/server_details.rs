//! Server details at `/servers/:name`: a header with name, status and actions,
//! and tabs with their own URLs: Overview (every Server field) here;
//! Backups, Nodes, Events, Settings and Tags in their own modules.

use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_location, use_navigate, use_params_map};
use shared::opsworkscm::EngineKind;
use shared::opsworkscm::{Operation, Server};

use super::delete_server_dialog::DeleteServerDialog;
use super::maintenance_dialog::MaintenanceDialog;
use crate::api;
use crate::components::cli::{CopyAsCli, cli_command};

use crate::components::key_value::KeyValueGrid;
use crate::components::page::{Breadcrumbs, NotFound, PageHeader, Tab, Tabs};
use crate::components::status::server_status_view;
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
    let params = use_params_map();
    let name = Memo::new(move |_| params.with(|p| p.get("name").unwrap_or_default()));
    provide_context(CurrentServer(name));
    let exists = move || live.has_server(&name.get());
    let status =
        Signal::derive(move || server_status_view(live.server(&name.get()).and_then(|s| s.status)));
    let delete_open = RwSignal::new(false);
    let navigate = use_navigate();
    let leave = Callback::new(move |()| navigate("/servers", Default::default()));
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
        <DeleteServerDialog open=delete_open name=name confirmed=leave />
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
            <div class="panel-cli">
                <CopyAsCli command=Signal::derive(move || {
                    api::opsworkscm::describe_server_request(&name.get())
                        .ok()
                        .map(|request| cli_command(Operation::DescribeServers, &request))
                }) />
            </div>
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
