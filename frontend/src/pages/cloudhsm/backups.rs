//! The CloudHSM backups of a region at `/cloudhsm/backups`: a state filter
//! with a count per state (kept in `?state=`), a Never expires filter (kept
//! in `?neverExpires=`), the copies of one backup (`?sourceBackupId=`, from
//! a copy's "its copies here"), a text filter with its match
//! count (`?filter=` fills it), sortable columns (newest first), pages,
//! live. The action stripe works on the selected
//! backup (Copy to region, Create cluster, Delete for a READY one; Restore
//! for one pending deletion); each PENDING_DELETION row shows its deadline,
//! the time left and Restore; each row its Never expires switch and, for a
//! copy, its source. Copy as CLI gives the DescribeBackups call the list
//! stands for (its state filter; `SortAscending` when sorted oldest first).

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::cloudhsmv2::{Backup, BackupState, Operation};

use super::backup_actions::{
    CopyBackupDialog, CopyNotices, DeleteBackupDialog, DeletionDeadline, NeverExpiresSwitch,
    restore_backup,
};
use super::shared_backups::SharedBackups;
use super::{
    RegionLoadError, Section, SectionNav, backup_href, cluster_href, in_region, use_now,
    use_region, use_region_snapshot,
};
use crate::api::cloudhsm::{self, BackupFilters, CopiedBackup};
use crate::components::cli::{CopyAsCli, cli_command_in};
use crate::components::flash::Flashes;
use crate::components::list::EmptyState;
use crate::components::panel::{Level, Panel};
use crate::components::resource_table::{
    ListControls, ListRow, ResourceTable, list_columns, time_key,
};
use crate::components::status::{StatusIndicator, hsm_backup_state_view};
use crate::format;
use crate::live::{LiveStore, Snapshot};

list_columns! {
    /// The columns of the backups list (after the selection).
    COLUMNS = [
        "Backup ID" => BY_ID,
        "State" => BY_STATE,
        "Cluster" => BY_CLUSTER,
        "Created" => BY_CREATED,
        "Never expires",
        "Deletion" => BY_DELETION,
    ]
}

/// A backup as the list's controls see it: found by id, cluster, state,
/// HSM type or source; sorted by id, state, cluster, creation or deletion
/// date.
fn list_row(backup: &Backup) -> ListRow {
    let text = |value: Option<&str>| value.unwrap_or_default().to_owned();
    let state = text(backup.backup_state.map(|s| s.as_str()));
    let cluster = text(backup.cluster_id.as_deref());
    let deletion = (backup.backup_state == Some(BackupState::PendingDeletion))
        .then_some(backup.delete_timestamp)
        .flatten();
    ListRow {
        key: backup.backup_id.clone(),
        search: vec![
            backup.backup_id.clone(),
            cluster.clone(),
            state.clone(),
            text(backup.hsm_type.as_deref()),
            text(backup.source_region.as_deref()),
            text(backup.source_backup.as_deref()),
            text(backup.source_cluster.as_deref()),
        ],
        sort: vec![
            backup.backup_id.clone(),
            state,
            cluster,
            time_key(backup.create_timestamp),
            time_key(deletion),
        ],
    }
}

/// Backups of the region in all and per state (in `BackupState::ALL` order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Counts {
    total: usize,
    per_state: [usize; 4],
}

/// The state filter's value for `state` (`all` for none).
fn state_value(state: Option<BackupState>) -> &'static str {
    state.map_or("all", |s| s.as_str())
}

/// The backups list.
#[component]
pub fn HsmBackupsPage() -> impl IntoView {
    let region = use_region();
    let snapshot = use_region_snapshot(region);
    let hsm = LiveStore::expect().cloudhsm();
    let flashes = Flashes::expect();
    let now = use_now();
    let query = use_query_map();
    let navigate = use_navigate();
    // The list's DescribeBackups filters, kept in the URL: `?state=`,
    // `?neverExpires=true|false`, `?sourceBackupId=` (the copies of one
    // backup in this region).
    let filters = Memo::new(move |_| {
        query.with(|q| BackupFilters {
            state: q.get("state").and_then(|s| BackupState::from_name(&s)),
            never_expires: q.get("neverExpires").and_then(|v| v.parse().ok()),
            source_backup: q.get("sourceBackupId"),
        })
    });
    let state = Memo::new(move |_| filters.with(|f| f.state));
    // Newest first, as DescribeBackups lists them.
    let controls = ListControls::new(BY_CREATED, false);
    controls.filter.set(
        query
            .with_untracked(|q| q.get("filter"))
            .unwrap_or_default(),
    );
    let counts = Memo::new(move |_| {
        let mut counts = Counts::default();
        hsm.for_each_backup(&region.get(), |backup| {
            counts.total += 1;
            if let Some(i) = BackupState::ALL
                .iter()
                .position(|s| Some(*s) == backup.backup_state)
            {
                counts.per_state[i] += 1;
            }
        });
        counts
    });
    let listing = Memo::new(move |_| {
        let mut rows = Vec::new();
        filters.with(|wanted| {
            hsm.for_each_backup(&region.get(), |backup| {
                if wanted.matches(backup) {
                    rows.push(list_row(backup));
                }
            });
        });
        controls.list(rows)
    });
    // The filters live in the URL; a change to one keeps the others.
    let choose = Callback::new(move |wanted: BackupFilters| {
        let mut url = in_region("/cloudhsm/backups", &region.get_untracked());
        if let Some(state) = wanted.state {
            url.push_str(&format!("&state={}", state.as_str()));
        }
        if let Some(never) = wanted.never_expires {
            url.push_str(&format!("&neverExpires={never}"));
        }
        if let Some(source) = wanted.source_backup {
            url.push_str(&format!("&sourceBackupId={source}"));
        }
        controls.page.set(0);
        navigate(
            &url,
            NavigateOptions {
                replace: true,
                scroll: false,
                ..NavigateOptions::default()
            },
        );
    });

    let delete_open = RwSignal::new(false);
    let delete_target = RwSignal::new(String::new());
    let copy_open = RwSignal::new(false);
    let copy_target = RwSignal::new(String::new());
    let copies = RwSignal::new(Vec::<CopiedBackup>::new());
    let selected = RwSignal::new(None::<String>);
    // The selection counts while its backup is listed, with its state.
    let selection = Memo::new(move |_| {
        let id = selected.get()?;
        listing
            .with(|l| l.keys.contains(&id))
            .then(|| hsm.backup_state(&region.get(), &id))
            .flatten()
            .map(|state| (id, state))
    });
    let selected_in =
        move |state: BackupState| selection.with(|s| s.as_ref().map(|s| s.1) == Some(state));
    let restore = Callback::new(move |id: String| {
        restore_backup(flashes, region.get_untracked(), id);
    });
    let with_selection = move |f: fn(String, RwSignal<String>, RwSignal<bool>), target, open| {
        move |_| {
            if let Some((id, _)) = selection.get_untracked() {
                f(id, target, open);
            }
        }
    };
    let open_dialog = |id: String, target: RwSignal<String>, open: RwSignal<bool>| {
        target.set(id);
        open.set(true);
    };
    let create_href = move || {
        selection.with(|s| {
            s.as_ref().map(|(id, _)| {
                in_region("/cloudhsm/clusters/new", &region.get())
                    + &format!("&sourceBackupId={id}")
            })
        })
    };

    let change = move |edit: fn(&mut BackupFilters, String), value: String| {
        let mut wanted = filters.get_untracked();
        edit(&mut wanted, value);
        choose.run(wanted);
    };
    let choose_state = move |value: String| {
        change(|f, v| f.state = BackupState::from_name(&v), value);
    };
    let choose_never = move |value: String| change(|f, v| f.never_expires = v.parse().ok(), value);
    let all_copies = move |_| change(|f, _| f.source_backup = None, String::new());
    let never_expires = Memo::new(move |_| filters.with(|f| f.never_expires));
    let state_menu = view! {
        <label for="backup-state-filter">"State"</label>
        <select id="backup-state-filter" on:change=move |ev| choose_state(event_target_value(&ev))>
            <option value=state_value(None) selected=move || state.get().is_none()>
                {move || format!("All states ({})", counts.with(|c| c.total))}
            </option>
            {BackupState::ALL
                .into_iter()
                .enumerate()
                .map(|(i, s)| {
                    view! {
                        <option value=state_value(Some(s)) selected=move || state.get() == Some(s)>
                            {move || format!("{} ({})", s.as_str(), counts.with(|c| c.per_state[i]))}
                        </option>
                    }
                })
                .collect_view()}
        </select>
        <label for="backup-never-filter">"Never expires"</label>
        <select id="backup-never-filter" on:change=move |ev| choose_never(event_target_value(&ev))>
            <option value="any" selected=move || never_expires.get().is_none()>"Any"</option>
            <option value="true" selected=move || never_expires.get() == Some(true)>"Yes"</option>
            <option value="false" selected=move || never_expires.get() == Some(false)>"No"</option>
        </select>
        {move || filters.with(|f| f.source_backup.clone()).map(|s| view! {
            <button type="button" class="btn btn-small" on:click=all_copies aria-label=format!("Stop showing only the copies of {s}")>
                {format!("Copies of {s} ✕")}
            </button>
        })}
    };

    view! {
        <SectionNav region=region current=Section::Backups />
        <Panel id="hsm-backups-heading" title="Backups" level=Level::H2 count=Signal::derive(move || counts.with(|c| c.total)) actions=move || view! {
                <div class="actions" role="toolbar" aria-label="Backup actions">
                    <button
                        type="button"
                        class="btn"
                        on:click=move |_| hsm.reload(&region.get_untracked())
                    >
                        "Refresh"
                    </button>
                    <button
                        type="button"
                        class="btn"
                        disabled=move || !selected_in(BackupState::PendingDeletion)
                        on:click=move |_| {
                            if let Some((id, _)) = selection.get_untracked() {
                                restore.run(id);
                            }
                        }
                    >
                        "Restore"
                    </button>
                    <button
                        type="button"
                        class="btn"
                        disabled=move || !selected_in(BackupState::Ready)
                        on:click=with_selection(open_dialog, copy_target, copy_open)
                    >
                        "Copy to region"
                    </button>
                    <Show
                        when=move || selected_in(BackupState::Ready)
                        fallback=|| {
                            view! {
                                <button type="button" class="btn" disabled=true>
                                    "Create cluster"
                                </button>
                            }
                        }
                    >
                        <a class="btn" href=create_href>
                            "Create cluster"
                        </a>
                    </Show>
                    <button
                        type="button"
                        class="btn"
                        disabled=move || !selected_in(BackupState::Ready)
                        on:click=with_selection(open_dialog, delete_target, delete_open)
                    >
                        "Delete"
                    </button>
                </div>
            }>
            <p class="muted section-intro">
                "Backups are taken when a cluster becomes active and daily after. A deleted backup stays "
                "PENDING_DELETION for 7 days and can be restored until its deletion date."
            </p>
            <div class="panel-cli">
                <CopyAsCli command=Signal::derive(move || {
                    let oldest_first = controls.sort.with(|(column, ascending)| *column == BY_CREATED && *ascending);
                    filters.with(|f| cloudhsm::describe_backups_request(f, oldest_first))
                        .ok()
                        .map(|request| cli_command_in(Operation::DescribeBackups, &region.get(), &request))
                }) />
            </div>
            <CopyNotices copies=copies />
            <RegionLoadError region=region snapshot=snapshot section=Section::Backups />
            <ResourceTable
                controls=controls
                listing=listing
                label="Find backups"
                labelledby="hsm-backups-heading"
                columns=COLUMNS
                no_matches="No backup matches the filters."
                selectable=true
                also_clear=Callback::new(move |()| choose.run(BackupFilters::default()))
                total=Signal::derive(move || counts.with(|c| c.total))
                filters=Box::new(move || state_menu.into_any())
            >
                <For each=move || listing.with(|l| l.keys.clone()) key=String::clone let:id>
                    {hsm
                        .backup_signal(&region.get_untracked(), &id)
                        .map(|backup| {
                            view! {
                                <BackupRow region=region backup=backup now=now selected=selected restore=restore />
                            }
                        })}
                </For>
            </ResourceTable>
            {move || {
                let total = counts.with(|c| c.total);
                match snapshot.get() {
                    Snapshot::Loading if total == 0 => {
                        view! { <p class="loading" role="status">"Loading backups…"</p> }.into_any()
                    }
                    Snapshot::Ready if total == 0 => {
                        view! {
                            <EmptyState
                                title="No backups"
                                detail=format!(
                                    "No CloudHSM backup in {}. A cluster is backed up when it becomes active, and copies of backups from other regions appear here too.",
                                    region.get(),
                                )
                            />
                        }
                            .into_any()
                    }
                    _ => ().into_any(),
                }
            }}
        </Panel>
        <SharedBackups region=region />
        <DeleteBackupDialog open=delete_open target=delete_target region=region now=now />
        <Show when=move || copy_open.get()>
            <CopyBackupDialog
                open=copy_open
                region=region.get_untracked()
                backup_id=copy_target.get_untracked()
                copies=copies
            />
        </Show>
    }
}

/// One backup; reads only its own signal.
#[component]
fn BackupRow(
    region: Memo<String>,
    backup: ArcRwSignal<Backup>,
    now: Signal<DateTime<Utc>>,
    selected: RwSignal<Option<String>>,
    restore: Callback<String>,
) -> impl IntoView {
    let id = backup.with_untracked(|b| b.backup_id.clone());
    let is_selected = {
        let id = id.clone();
        move || selected.with(|s| s.as_deref() == Some(id.as_str()))
    };
    let state = {
        let backup = backup.clone();
        Signal::derive(move || backup.with(|b| b.backup_state))
    };
    // A copy's cluster is in the source region.
    let cluster = {
        let backup = backup.clone();
        move || {
            backup.with(|b| {
                let cluster = b.cluster_id.clone().map(|cluster| {
                    let region = b
                        .source_region
                        .clone()
                        .unwrap_or_else(|| region.get_untracked());
                    let href = cluster_href(&region, &cluster);
                    view! { <a href=href class="mono">{cluster}</a> }
                });
                let source = match (&b.source_region, &b.source_backup) {
                    (Some(r), Some(s)) => Some(view! {
                        <span class="sub">
                            "Copy of " <a href=backup_href(r, s) class="mono">{s.clone()}</a>
                            {format!(" in {r} · ")}
                            <a href=format!("{}&sourceBackupId={s}", in_region("/cloudhsm/backups", &region.get_untracked()))>
                                "its copies here"
                            </a>
                        </span>
                    }),
                    _ => None,
                };
                view! { {cluster} {source} }
            })
        }
    };
    let created = {
        let backup = backup.clone();
        move || backup.with(|b| format::time(b.create_timestamp))
    };
    let never_expires = {
        let backup = backup.clone();
        Signal::derive(move || backup.with(|b| b.never_expires == Some(true)))
    };
    let deadline = Signal::derive(move || {
        backup.with(|b| {
            (b.backup_state == Some(BackupState::PendingDeletion))
                .then_some(b.delete_timestamp)
                .flatten()
        })
    });
    let deletion = {
        let id = id.clone();
        move || match deadline.get() {
            Some(_) => {
                let restore_id = id.clone();
                view! {
                    <div class="deletion">
                        <DeletionDeadline deadline=deadline now=now />
                        <button
                            type="button"
                            class="btn btn-small"
                            aria-label=format!("Restore backup {id}")
                            on:click=move |_| restore.run(restore_id.clone())
                        >
                            "Restore"
                        </button>
                    </div>
                }
                .into_any()
            }
            None => view! { "-" }.into_any(),
        }
    };
    let row_class = {
        let is_selected = is_selected.clone();
        move || if is_selected() { "selected" } else { "" }
    };
    let select = {
        let id = id.clone();
        move |_| selected.set(Some(id.clone()))
    };
    view! {
        <tr class=row_class>
            <td class="select-col">
                <input
                    type="radio"
                    name="backup-selection"
                    aria-label=format!("Select {id}")
                    prop:checked=is_selected
                    on:change=select
                />
            </td>
            <th scope="row">
                <a href=backup_href(&region.get_untracked(), &id) class="mono">{id.clone()}</a>
            </th>
            <td aria-live="polite">
                <StatusIndicator status=Signal::derive(move || hsm_backup_state_view(state.get())) />
            </td>
            <td class="cluster-cell">{cluster}</td>
            <td class="nowrap">{created}</td>
            <td>
                <NeverExpiresSwitch region=region backup_id=id.clone() stored=never_expires />
            </td>
            <td>{deletion}</td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backup(id: &str, state: BackupState) -> Backup {
        Backup {
            backup_id: id.to_owned(),
            backup_state: Some(state),
            cluster_id: Some("cluster-igklspoyj5v".to_owned()),
            source_region: Some("us-east-1".to_owned()),
            ..Backup::default()
        }
    }

    #[test]
    fn backups_are_found_by_id_cluster_state_and_source() {
        let pending = backup("backup-ro5c4er4aac", BackupState::PendingDeletion);
        let row = list_row(&pending);
        for text in [
            "backup-ro5c4er4aac",
            "cluster-igklspoyj5v",
            "PENDING_DELETION",
            "us-east-1",
        ] {
            assert!(row.search.iter().any(|s| s == text), "{text}");
        }
        assert_eq!(row.sort[BY_STATE], "PENDING_DELETION");
        assert_eq!(state_value(None), "all");
        assert_eq!(state_value(Some(BackupState::Ready)), "READY");
    }
}
