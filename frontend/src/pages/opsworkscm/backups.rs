//! The Backups page at `/backups`: every backup of every server, newest
//! first, live from the store.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::opsworkscm::Backup;

use crate::components::list::{CountHeading, EmptyState, TableHead};
use crate::components::status::{StatusIndicator, backup_status_view};
use crate::format;
use crate::live::{LiveStore, Snapshot};

/// The list of all backups.
#[component]
pub fn BackupsPage() -> impl IntoView {
    let live = LiveStore::expect();
    let backups = Memo::new(move |_| live.all_backups());
    view! {
        <section class="panel" aria-labelledby="all-backups-heading">
            <div class="panel-header">
                <CountHeading
                    id="all-backups-heading"
                    title="Backups"
                    count=Signal::derive(move || backups.with(Vec::len))
                />
            </div>
            <Show
                when=move || backups.with(|b| !b.is_empty())
                fallback=move || {
                    if live.snapshot() == Snapshot::Loading {
                        view! { <p class="loading" role="status">"Loading backups…"</p> }.into_any()
                    } else {
                        view! {
                            <EmptyState
                                title="No backups"
                                detail="Backups appear here when a server is backed up, manually or in its backup window."
                            />
                        }
                            .into_any()
                    }
                }
            >
                <table class="table" aria-labelledby="all-backups-heading">
                    <TableHead columns=&["Backup ID", "Server", "Type", "Status", "Created", "Description"] />
                    <tbody>
                        <For
                            each=move || backups.get()
                            key=|b| (b.backup_id.clone(), b.status, b.description.clone())
                            let:backup
                        >
                            <BackupLine backup=backup />
                        </For>
                    </tbody>
                </table>
            </Show>
        </section>
    }
}

#[component]
fn BackupLine(backup: Backup) -> impl IntoView {
    let server = backup.server_name.clone().unwrap_or_default();
    let status = backup_status_view(backup.status);
    view! {
        <tr>
            <th scope="row" class="mono">{format::or_dash(backup.backup_id.as_deref())}</th>
            <td>
                <A href=format!("/servers/{server}/backups")>{server.clone()}</A>
            </td>
            <td>{backup.backup_type.map_or("-", |t| t.as_str())}</td>
            <td>
                <StatusIndicator status=Signal::stored(status) />
            </td>
            <td class="nowrap">{format::time(backup.created_at)}</td>
            <td>{format::or_dash(backup.description.as_deref())}</td>
        </tr>
    }
}
