//! The Backups page at `/backups`: every backup of every server, live from
//! the store, newest first; found by id, server, type, status or
//! description, sortable and paged like every list.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_router::components::A;
use shared::opsworkscm::{Backup, Operation};

use crate::api;
use crate::components::cli::{CopyAsCli, cli_command};
use crate::components::list::EmptyState;
use crate::components::panel::{Level, Panel};
use crate::components::resource_table::{
    ListControls, ListRow, Listing, ResourceTable, list_columns, time_key,
};
use crate::components::status::{StatusIndicator, backup_status_view};
use crate::format;
use crate::live::{LiveStore, Snapshot};

list_columns! {
    /// The columns of the Backups page.
    pub(crate) COLUMNS = [
        "Backup ID" => BY_ID,
        "Server" => BY_SERVER,
        "Type" => BY_TYPE,
        "Status" => BY_STATUS,
        "Created" => BY_CREATED,
        "Description",
    ]
}

/// A backup as the list's controls see it.
pub(crate) fn list_row(backup: &Backup) -> ListRow {
    let text = |value: Option<&str>| value.unwrap_or_default().to_owned();
    let id = text(backup.backup_id.as_deref());
    let server = text(backup.server_name.as_deref());
    let kind = text(backup.backup_type.map(|t| t.as_str()));
    let status = text(backup.status.map(|s| s.as_str()));
    ListRow {
        search: vec![
            id.clone(),
            server.clone(),
            kind.clone(),
            status.clone(),
            text(backup.description.as_deref()),
        ],
        sort: vec![
            id.clone(),
            server,
            kind,
            status,
            time_key(backup.created_at),
        ],
        key: id,
    }
}

/// The listing `controls` make of `backups`, and the backups of its page,
/// in order (the Backups page and a server's Backups tab).
pub(crate) fn backup_listing(
    backups: Memo<Vec<Backup>>,
    controls: ListControls,
) -> (Memo<Listing>, impl Fn() -> Vec<Backup> + Copy) {
    let listing =
        Memo::new(move |_| backups.with(|all| controls.list(all.iter().map(list_row).collect())));
    let page_rows = move || {
        backups.with(|all| {
            let by_id: BTreeMap<&str, &Backup> = all
                .iter()
                .filter_map(|b| Some((b.backup_id.as_deref()?, b)))
                .collect();
            listing.with(|l| {
                l.keys
                    .iter()
                    .filter_map(|id| by_id.get(id.as_str()).map(|b| (*b).clone()))
                    .collect()
            })
        })
    };
    (listing, page_rows)
}

/// The backup id typed in the list's filter when it names one of `backups`
/// exactly: the list's command then reads that backup (`BackupId`).
pub(crate) fn found_id(backups: Memo<Vec<Backup>>, controls: ListControls) -> Option<String> {
    let typed = controls.filter.with(|f| f.trim().to_owned());
    backups
        .with(|all| {
            all.iter()
                .any(|b| b.backup_id.as_deref() == Some(typed.as_str()))
        })
        .then_some(typed)
}

/// The list of all backups.
#[component]
pub fn BackupsPage() -> impl IntoView {
    let live = LiveStore::expect();
    let backups = Memo::new(move |_| live.all_backups());
    let controls = ListControls::new(BY_CREATED, false);
    let (listing, page_rows) = backup_listing(backups, controls);
    view! {
        <Panel id="all-backups-heading" title="Backups" level=Level::H2 count=Signal::derive(move || backups.with(Vec::len))>
            <div class="panel-cli">
                <CopyAsCli command=Signal::derive(move || {
                    api::opsworkscm::describe_backups_request("", found_id(backups, controls).as_deref())
                        .ok()
                        .map(|request| cli_command(Operation::DescribeBackups, &request))
                }) />
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
                <ResourceTable
                    controls=controls
                    listing=listing
                    label="Find backups"
                    labelledby="all-backups-heading"
                    columns=COLUMNS
                    no_matches="No backup matches the filter."
                >
                    <For
                        each=page_rows
                        key=|b| (b.backup_id.clone(), b.status, b.description.clone())
                        let:backup
                    >
                        <BackupLine backup=backup />
                    </For>
                </ResourceTable>
            </Show>
        </Panel>
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

#[cfg(test)]
mod tests {
    use super::*;
    use shared::opsworkscm::{BackupStatus, BackupType};

    #[test]
    fn backups_are_found_by_id_server_type_status_and_description() {
        let backup = Backup {
            backup_id: Some("web-20260101000000000".to_owned()),
            server_name: Some("web".to_owned()),
            backup_type: Some(BackupType::Manual),
            status: Some(BackupStatus::Ok),
            description: Some("nightly".to_owned()),
            ..Backup::default()
        };
        let row = list_row(&backup);
        assert_eq!(row.key, "web-20260101000000000");
        for text in ["web", "MANUAL", "OK", "nightly"] {
            assert!(row.search.iter().any(|s| s == text), "{text}");
        }
        assert_eq!(row.sort[BY_SERVER], "web");
        assert_eq!(row.sort[BY_CREATED], "");
    }
}
