//! The CloudHSM backups of a region at `/cloudhsm/backups`: a state filter
//! with a count per state (kept in `?state=`), a text filter (`?filter=`
//! fills it), newest first, live. The action stripe works on the selected
//! backup (Copy to region, Create cluster, Delete for a READY one; Restore
//! for one pending deletion); each PENDING_DELETION row shows its deadline,
//! the time left and Restore; each row its Never expires switch and, for a
//! copy, its source.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::cloudhsmv2::{Backup, BackupState};

use super::backup_actions::{
    CopyBackupDialog, CopyNotices, DeleteBackupDialog, DeletionDeadline, NeverExpiresSwitch,
    restore_backup,
};
use super::{
    RegionLoadError, Section, SectionNav, backup_href, cluster_href, in_region, use_now,
    use_region, use_region_snapshot,
};
use crate::api::cloudhsm::CopiedBackup;
use crate::components::flash::Flashes;
use crate::components::list::EmptyState;
use crate::components::panel::{Level, Panel};
use crate::components::status::{StatusIndicator, hsm_backup_state_view};
use crate::format;
use crate::live::{LiveStore, Snapshot};

/// True when the backup is in `state` (any when `None`) and the
/// (lower-case) query occurs in its id, cluster, state, HSM type or source.
fn matches(backup: &Backup, state: Option<BackupState>, query: &str) -> bool {
    if state.is_some_and(|s| backup.backup_state != Some(s)) {
        return false;
    }
    if query.is_empty() {
        return true;
    }
    let fields = [
        Some(backup.backup_id.as_str()),
        backup.cluster_id.as_deref(),
        backup.backup_state.map(|s| s.as_str()),
        backup.hsm_type.as_deref(),
        backup.source_region.as_deref(),
        backup.source_backup.as_deref(),
        backup.source_cluster.as_deref(),
    ];
    fields
        .into_iter()
        .flatten()
        .any(|field| field.to_ascii_lowercase().contains(query))
}

/// What the table shows: the matching ids, newest first, and the counts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Listing {
    ids: Vec<String>,
    total: usize,
    /// Backups per state, in `BackupState::ALL` order.
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
    let state = Memo::new(move |_| {
        query
            .with(|q| q.get("state"))
            .and_then(|s| BackupState::from_name(&s))
    });
    let text = RwSignal::new(
        query
            .with_untracked(|q| q.get("filter"))
            .unwrap_or_default(),
    );

    let listing = Memo::new(move |_| {
        let region = region.get();
        let (state, query) = (state.get(), text.with(|q| q.trim().to_ascii_lowercase()));
        let mut rows = Vec::new();
        let mut listing = Listing::default();
        hsm.for_each_backup(&region, |backup| {
            listing.total += 1;
            if let Some(i) = BackupState::ALL
                .iter()
                .position(|s| Some(*s) == backup.backup_state)
            {
                listing.per_state[i] += 1;
            }
            if matches(backup, state, &query) {
                rows.push((backup.create_timestamp, backup.backup_id.clone()));
            }
        });
        rows.sort_by(|a, b| b.cmp(a));
        listing.ids = rows.into_iter().map(|(_, id)| id).collect();
        listing
    });
    let choose_state = Callback::new(move |value: String| {
        let mut url = in_region("/cloudhsm/backups", &region.get_untracked());
        if value != "all" {
            url.push_str(&format!("&state={value}"));
        }
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
            .with(|l| l.ids.contains(&id))
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
    let filtered = move || state.get().is_some() || text.with(|q| !q.trim().is_empty());

    view! {
        <SectionNav region=region current=Section::Backups />
        <Panel id="hsm-backups-heading" title="Backups" level=Level::H2 count=Signal::derive(move || listing.with(|l| l.total)) actions=move || view! {
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
            <CopyNotices copies=copies />
            <div class="toolbar">
                <label for="backup-state-filter">"State"</label>
                <select
                    id="backup-state-filter"
                    on:change=move |ev| choose_state.run(event_target_value(&ev))
                >
                    <option value=state_value(None) selected=move || state.get().is_none()>
                        {move || format!("All states ({})", listing.with(|l| l.total))}
                    </option>
                    {BackupState::ALL
                        .into_iter()
                        .enumerate()
                        .map(|(i, s)| {
                            view! {
                                <option value=state_value(Some(s)) selected=move || state.get() == Some(s)>
                                    {move || format!("{} ({})", s.as_str(), listing.with(|l| l.per_state[i]))}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <input
                    type="search"
                    class="filter"
                    aria-label="Find backups"
                    placeholder="Find backups by id, cluster or source"
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                />
                <span class="muted match-count" aria-live="polite">
                    {move || {
                        filtered()
                            .then(|| {
                                let n = listing.with(|l| l.ids.len());
                                if n == 1 { "1 match".to_owned() } else { format!("{n} matches") }
                            })
                    }}
                </span>
            </div>
            <RegionLoadError region=region snapshot=snapshot section=Section::Backups />
            {move || {
                let loading = snapshot.get() == Snapshot::Loading;
                let (total, shown) = listing.with(|l| (l.total, l.ids.len()));
                if loading && total == 0 {
                    view! { <p class="loading" role="status">"Loading backups…"</p> }.into_any()
                } else if matches!(snapshot.get(), Snapshot::Ready) && total == 0 {
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
                } else if total > 0 && shown == 0 {
                    view! {
                        <EmptyState title="No matches" detail="No backup matches the filters.">
                            <button
                                type="button"
                                class="btn"
                                on:click=move |_| {
                                    text.set(String::new());
                                    choose_state.run("all".to_owned());
                                }
                            >
                                "Clear filters"
                            </button>
                        </EmptyState>
                    }
                        .into_any()
                } else {
                    ().into_any()
                }
            }}
            <Show when=move || listing.with(|l| !l.ids.is_empty())>
                <div class="table-scroll">
                    <table class="table" aria-labelledby="hsm-backups-heading">
                        <thead>
                            <tr>
                                <th scope="col" class="select-col">
                                    <span class="visually-hidden">"Selected"</span>
                                </th>
                                <th scope="col">"Backup ID"</th>
                                <th scope="col">"State"</th>
                                <th scope="col">"Cluster"</th>
                                <th scope="col">"Created"</th>
                                <th scope="col">"Never expires"</th>
                                <th scope="col">"Deletion"</th>
                            </tr>
                        </thead>
                        <tbody>
                            <For each=move || listing.with(|l| l.ids.clone()) key=String::clone let:id>
                                {hsm
                                    .backup_signal(&region.get_untracked(), &id)
                                    .map(|backup| {
                                        view! {
                                            <BackupRow
                                                region=region
                                                backup=backup
                                                now=now
                                                selected=selected
                                                restore=restore
                                            />
                                        }
                                    })}
                            </For>
                        </tbody>
                    </table>
                </div>
            </Show>
        </Panel>
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
                            {format!(" in {r}")}
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
    fn filters_look_at_the_state_and_the_text() {
        let pending = backup("backup-ro5c4er4aac", BackupState::PendingDeletion);
        assert!(matches(&pending, None, ""));
        assert!(matches(&pending, Some(BackupState::PendingDeletion), ""));
        assert!(!matches(&pending, Some(BackupState::Ready), ""));
        for query in ["ro5c", "igkls", "pending", "us-east"] {
            assert!(matches(&pending, None, query), "{query}");
        }
        assert!(!matches(&pending, None, "eu-west"));
        assert_eq!(state_value(None), "all");
        assert_eq!(state_value(Some(BackupState::Ready)), "READY");
    }
}
