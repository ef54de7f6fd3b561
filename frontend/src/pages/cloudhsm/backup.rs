//! A CloudHSM backup at `/cloudhsm/backups/:id`: every Backup field (the
//! source region, backup and cluster of a copy), the deletion deadline with
//! the time left, Never expires, its actions, its tags and its resource
//! policy.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared::cloudhsmv2::{Backup, BackupState, Operation};

use super::backup_actions::{
    CopyBackupDialog, CopyNotices, DeleteBackupDialog, DeletionDeadline, NeverExpiresSwitch,
    restore_backup,
};
use super::backup_policy::BackupPolicy;
use super::tags::HsmTags;
use super::{
    ResourcePage, Section, backup_href, cluster_href, in_region, use_now, use_region,
    use_region_snapshot,
};
use crate::api::cloudhsm::{self, CopiedBackup};
use crate::components::cli::{CopyAsCli, cli_command_in};
use crate::components::flash::Flashes;
use crate::components::key_value::KeyValueGrid;
use crate::components::page::PageHeader;
use crate::components::panel::Panel;
use crate::components::status::hsm_backup_state_view;
use crate::format;
use crate::live::LiveStore;

/// The backup details page.
#[component]
pub fn HsmBackupPage() -> impl IntoView {
    let region = use_region();
    let snapshot = use_region_snapshot(region);
    let hsm = LiveStore::expect().cloudhsm();
    let flashes = Flashes::expect();
    let now = use_now();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let backup = Memo::new(move |_| hsm.backup(&region.get(), &id.get()));
    let state = Signal::derive(move || backup.with(|b| b.as_ref().and_then(|b| b.backup_state)));
    let arn = Memo::new(move |_| {
        backup.with(|b| {
            b.as_ref()
                .and_then(|b| b.backup_arn.clone())
                .unwrap_or_default()
        })
    });

    let delete_open = RwSignal::new(false);
    let delete_target = RwSignal::new(String::new());
    let copy_open = RwSignal::new(false);
    let copies = RwSignal::new(Vec::<CopiedBackup>::new());

    let actions = move || {
        let id = id.get();
        match state.get() {
            Some(BackupState::PendingDeletion) => view! {
                <button
                    type="button"
                    class="btn btn-primary"
                    on:click=move |_| restore_backup(flashes, region.get_untracked(), id.clone())
                >
                    "Restore"
                </button>
            }
            .into_any(),
            Some(BackupState::Ready) => {
                let create = in_region("/cloudhsm/clusters/new", &region.get_untracked())
                    + &format!("&sourceBackupId={id}");
                view! {
                    <button type="button" class="btn" on:click=move |_| copy_open.set(true)>
                        "Copy to region"
                    </button>
                    <a class="btn" href=create>
                        "Create cluster from this backup"
                    </a>
                    <button
                        type="button"
                        class="btn"
                        on:click=move |_| {
                            delete_target.set(id.clone());
                            delete_open.set(true);
                        }
                    >
                        "Delete"
                    </button>
                }
                .into_any()
            }
            _ => ().into_any(),
        }
    };

    view! {
        <ResourcePage
            section=Section::Backups
            region=region
            id=id
            snapshot=snapshot
            found=Signal::derive(move || backup.with(Option::is_some))
        >
            <PageHeader
                id="hsm-backup-heading"
                title=id
                mono=true
                status=Signal::derive(move || hsm_backup_state_view(state.get()))
            >
                {actions}
            </PageHeader>
            <CopyNotices copies=copies />
            <ExpiredRestoreNotice region=region backup=backup now=now />
            <div class="tab-stack">
            <Panel id="hsm-backup-details-heading" title="Details">
                {move || {
                    backup
                        .get()
                        .map(|b| view! { <BackupFields region=region backup=b now=now /> })
                }}
                <div class="panel-cli">
                <CopyAsCli command=Signal::derive(move || {
                    cloudhsm::describe_backups_by("backupIds", &id.get())
                        .ok()
                        .map(|request| cli_command_in(Operation::DescribeBackups, &region.get(), &request))
                }) />
                <CopyAsCli
                    label="CLI for the Never expires switch"
                    command=Signal::derive(move || {
                        let request = backup.with(|b| {
                            let b = b.as_ref()?;
                            let flipped = !b.never_expires.unwrap_or(false);
                            cloudhsm::never_expires_request(&b.backup_id, flipped).ok()
                        })?;
                        Some(cli_command_in(Operation::ModifyBackupAttributes, &region.get(), &request))
                    })
                />
                <Show when=move || state.get() == Some(BackupState::PendingDeletion)>
                    <CopyAsCli
                        label="CLI to restore"
                        command=Signal::derive(move || {
                            cloudhsm::restore_backup_request(&id.get())
                                .ok()
                                .map(|request| cli_command_in(Operation::RestoreBackup, &region.get(), &request))
                        })
                    />
                </Show>
                </div>
            </Panel>
            <HsmTags region=region resource_id=id />
            <BackupPolicy region=region arn=arn state=state />
            </div>
        </ResourcePage>
        <DeleteBackupDialog open=delete_open target=delete_target region=region now=now />
        <Show when=move || copy_open.get()>
            <CopyBackupDialog
                open=copy_open
                region=region.get_untracked()
                backup_id=id.get_untracked()
                copies=copies
            />
        </Show>
    }
}

/// Warns, on a backup the retention policy expired, that RestoreBackup alone
/// puts it straight back in PENDING_DELETION (the race AWS warns of) unless
/// Never expires is switched on first.
#[component]
fn ExpiredRestoreNotice(
    region: Memo<String>,
    backup: Memo<Option<Backup>>,
    now: Signal<chrono::DateTime<chrono::Utc>>,
) -> impl IntoView {
    let hsm = LiveStore::expect().cloudhsm();
    let expired_by = move || {
        let backup = backup.get()?;
        if backup.backup_state != Some(BackupState::PendingDeletion)
            || backup.never_expires == Some(true)
        {
            return None;
        }
        let cluster_id = backup.cluster_id.clone()?;
        let cluster = hsm.cluster(&region.get(), &cluster_id)?;
        let days: i64 = cluster
            .backup_retention_policy
            .as_ref()?
            .value
            .as_deref()?
            .parse()
            .ok()?;
        let created = backup.create_timestamp?;
        (created + chrono::Duration::days(days) <= now.get()).then_some((cluster_id, days))
    };
    move || {
        expired_by().map(|(cluster_id, days)| {
            view! {
                <div class="copy-notices">
                    <div class="warning" role="note" aria-label="Restoring an expired backup">
                        <p class="flash-title">"The retention policy expired this backup"</p>
                        <p>
                            {format!(
                                "It is older than the {days} days cluster {cluster_id} keeps backups. Restored as it is, it goes straight back to PENDING_DELETION: switch Never expires on first to keep it."
                            )}
                        </p>
                    </div>
                </div>
            }
        })
    }
}

/// Every field of the Backup.
#[component]
fn BackupFields(
    region: Memo<String>,
    backup: Backup,
    now: Signal<chrono::DateTime<chrono::Utc>>,
) -> impl IntoView {
    let text = |v: &Option<String>| format::or_dash(v.as_deref());
    // A copy's cluster is in the source region.
    let region_now = backup
        .source_region
        .clone()
        .unwrap_or_else(|| region.get_untracked());
    let cluster = backup.cluster_id.clone().map_or_else(
        || view! { "-" }.into_any(),
        |c| view! { <a href=cluster_href(&region_now, &c) class="mono">{c.clone()}</a> }.into_any(),
    );
    let source_backup = match (&backup.source_region, &backup.source_backup) {
        (Some(r), Some(s)) => view! {
            <a href=backup_href(r, s) class="mono">{s.clone()}</a>
        }
        .into_any(),
        _ => view! { "-" }.into_any(),
    };
    let deadline = (backup.backup_state == Some(BackupState::PendingDeletion))
        .then_some(backup.delete_timestamp)
        .flatten();
    let rows: Vec<(&'static str, String, bool)> = vec![
        ("Backup ID", backup.backup_id.clone(), true),
        ("Backup ARN", text(&backup.backup_arn), true),
        (
            "State",
            backup
                .backup_state
                .map_or("-".to_owned(), |s| s.as_str().to_owned()),
            false,
        ),
        ("HSM type", text(&backup.hsm_type), false),
        (
            "Mode",
            backup
                .mode
                .map_or("-".to_owned(), |m| m.as_str().to_owned()),
            false,
        ),
        ("Created", format::time(backup.create_timestamp), false),
        ("Copied", format::time(backup.copy_timestamp), false),
        ("Source region", text(&backup.source_region), false),
        ("Source cluster", text(&backup.source_cluster), true),
    ];
    let never_expires = backup.never_expires == Some(true);
    view! {
        <KeyValueGrid rows=rows>
            <div>
                <dt>"Cluster"</dt>
                <dd>{cluster}</dd>
            </div>
            <div>
                <dt>"Source backup"</dt>
                <dd>{source_backup}</dd>
            </div>
            <div>
                <dt>"Never expires"</dt>
                <dd>
                    <NeverExpiresSwitch
                        region=region
                        backup_id=backup.backup_id.clone()
                        stored=Signal::stored(never_expires)
                    />
                </dd>
            </div>
            <div>
                <dt>"Deleted for good on"</dt>
                <dd>
                    {match deadline {
                        Some(at) => view! { <DeletionDeadline deadline=Signal::stored(Some(at)) now=now /> }.into_any(),
                        None => view! { "-" }.into_any(),
                    }}
                </dd>
            </div>
        </KeyValueGrid>
    }
}
