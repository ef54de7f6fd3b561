//! What can be done to a CloudHSM backup, from the backups list and from the
//! backup's page: delete (the modal explains the seven-day window), restore a
//! PENDING_DELETION backup, copy it to another region (then find the copy
//! and follow it to READY), switch "Never expires", and the deadline of a
//! backup pending deletion with the time left.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use shared::cloudhsmv2::{BackupState, CopyBackupToRegionRequest, Operation, Region};

use super::{REGIONS, backup_href, deletion_deadline, in_region, time_left};
use crate::api::cloudhsm::{self, CopiedBackup};
use crate::api::{ApiError, invalid};
use crate::components::cli::{CopyAsCli, cli_command_in};
use crate::components::flash::{Completion, Flashes, OpTexts};
use crate::components::modal::{ConfirmDelete, FormModal};
use crate::components::status::{StatusIndicator, hsm_backup_state_view};
use crate::components::tag_editor::{TagDrafts, TagEditor};
use crate::format;
use crate::live::LiveStore;

/// Restores a PENDING_DELETION backup (it is READY again), with a flash.
pub fn restore_backup(flashes: Flashes, region: String, id: String) {
    flashes.track(
        OpTexts::new(
            format!("Restoring backup {id}"),
            format!("Backup {id} restored"),
            format!("Could not restore backup {id}"),
        ),
        move || {
            let (region, id) = (region.clone(), id.clone());
            async move { cloudhsm::restore_backup(&region, &id).await }
        },
    );
}

/// Deletes a READY backup (it goes PENDING_DELETION), with a flash that
/// says until when it can be restored, as the service answered.
pub fn delete_backup(flashes: Flashes, region: String, id: String) {
    let done_id = id.clone();
    flashes.track_until(
        OpTexts::new(
            format!("Deleting backup {id}"),
            format!("Backup {id} is pending deletion"),
            format!("Could not delete backup {id}"),
        ),
        move || {
            let (region, id) = (region.clone(), id.clone());
            async move { cloudhsm::delete_backup(&region, &id).await }
        },
        move |backup| Completion {
            done: match backup.delete_timestamp {
                Some(at) => format!(
                    "Backup {done_id} is pending deletion: restore it before {}",
                    format::time(Some(at))
                ),
                None => format!("Backup {done_id} is pending deletion"),
            },
            outcome: Signal::stored(Some(Ok(()))),
        },
    );
}

/// The delete modal of the backup in `target`: it says what PENDING_DELETION
/// means and until when the backup could be restored, then asks for `confirm`.
#[component]
pub fn DeleteBackupDialog(
    /// Whether the modal is shown.
    open: RwSignal<bool>,
    /// The backup to delete.
    target: RwSignal<String>,
    /// Its region.
    region: Memo<String>,
    /// The clock deadlines are counted against.
    now: Signal<DateTime<Utc>>,
) -> impl IntoView {
    let flashes = Flashes::expect();
    let confirm = Callback::new(move |()| {
        delete_backup(flashes, region.get_untracked(), target.get_untracked());
    });
    view! {
        <ConfirmDelete
            open=open
            title=Signal::derive(move || format!("Delete backup {}", target.get()))
            message=Signal::derive(move || {
                format!(
                    "Backup {} goes to PENDING_DELETION now and is deleted for good after {} days, on {}. Until then you can restore it with Restore; while it is pending deletion it cannot be copied or used to create a cluster.",
                    target.get(),
                    super::PENDING_DELETION_DAYS,
                    format::time(Some(deletion_deadline(now.get()))),
                )
            })
            on_confirm=confirm
            cli=Signal::derive(move || {
                cloudhsm::delete_backup_request(&target.get())
                    .ok()
                    .map(|request| cli_command_in(Operation::DeleteBackup, &region.get(), &request))
            })
        />
    }
}

/// When a PENDING_DELETION backup is deleted for good, and the time left
/// (counted against `now`): `2026-12-01 10:00:00 UTC (6 days 23 hours left)`.
#[component]
pub fn DeletionDeadline(
    /// The backup's DeleteTimestamp.
    #[prop(into)]
    deadline: Signal<Option<DateTime<Utc>>>,
    /// The clock.
    now: Signal<DateTime<Utc>>,
) -> impl IntoView {
    move || {
        deadline.get().map(|at| {
            view! {
                <span class="deadline">
                    <time class="nowrap">{format::time(Some(at))}</time>
                    " "
                    <span class="time-left">{move || format!("({})", time_left(at, now.get()))}</span>
                </span>
            }
        })
    }
}

/// The "Never expires" switch of a backup (ModifyBackupAttributes): shows
/// the store's value, or the value just asked for until the store changes.
#[component]
pub fn NeverExpiresSwitch(
    /// The backup's region.
    region: Memo<String>,
    /// The backup.
    backup_id: String,
    /// NeverExpires as the store has it (tracked).
    #[prop(into)]
    stored: Signal<bool>,
) -> impl IntoView {
    let flashes = Flashes::expect();
    // `(asked for, stored when asked)`: shown while the store still says the old value.
    let pending = RwSignal::new(None::<(bool, bool)>);
    let checked = move || match pending.get() {
        Some((want, was)) if stored.get() == was => want,
        _ => stored.get(),
    };
    let name = format!("Never expires: {backup_id}");
    let change = move |ev: leptos::ev::Event| {
        let want = event_target_checked(&ev);
        pending.set(Some((want, stored.get_untracked())));
        let (region, id) = (region.get_untracked(), backup_id.clone());
        let (doing, done) = if want {
            (
                format!("Setting backup {id} to never expire"),
                format!("Backup {id} never expires"),
            )
        } else {
            (
                format!("Letting backup {id} expire"),
                format!("Backup {id} follows its cluster's retention policy"),
            )
        };
        flashes.track(
            OpTexts::new(doing, done, format!("Could not change backup {id}")),
            move || {
                let (region, id) = (region.clone(), id.clone());
                async move {
                    let result = cloudhsm::set_never_expires(&region, &id, want).await;
                    if result.is_err() {
                        pending.try_set(None);
                    }
                    result
                }
            },
        );
    };
    view! {
        <label class="switch">
            <input
                type="checkbox"
                role="switch"
                aria-label=name
                prop:checked=checked
                on:change=change
            />
            <span aria-hidden="true">{move || if checked() { "Yes" } else { "No" }}</span>
        </label>
    }
}

/// The CopyBackupToRegion request of the dialog's fields.
fn copy_request(
    backup_id: &str,
    destination: &str,
    tags: &TagDrafts,
) -> Result<CopyBackupToRegionRequest, ApiError> {
    let pairs = tags.pairs().map_err(ApiError::Invalid)?;
    Ok(CopyBackupToRegionRequest {
        destination_region: Region::parse(destination).map_err(invalid)?,
        backup_id: shared::cloudhsmv2::BackupId::parse(backup_id).map_err(invalid)?,
        tag_list: cloudhsm::tag_list(pairs)?,
    })
}

/// "Copy to region": the destination region and optional tags for the copy;
/// the flash follows the copy until it is READY in its region.
#[component]
pub fn CopyBackupDialog(
    /// Whether the dialog is shown.
    open: RwSignal<bool>,
    /// The source backup's region.
    region: String,
    /// The source backup.
    backup_id: String,
    /// The copies made from the page: this one is added once the service accepted it.
    copies: RwSignal<Vec<CopiedBackup>>,
) -> impl IntoView {
    let flashes = Flashes::expect();
    let hsm = LiveStore::expect().cloudhsm();
    let destinations: Vec<&'static str> =
        REGIONS.iter().copied().filter(|r| *r != region).collect();
    let destination = RwSignal::new(destinations.first().copied().unwrap_or_default().to_owned());
    let tags = TagDrafts::default();
    let attempted = RwSignal::new(false);
    let cli = {
        let (region, backup_id) = (region.clone(), backup_id.clone());
        Signal::derive(move || {
            copy_request(&backup_id, &destination.get(), &tags)
                .ok()
                .map(|request| cli_command_in(Operation::CopyBackupToRegion, &region, &request))
        })
    };
    let title = format!("Copy backup {backup_id} to another region");
    let submit = Callback::new(move |()| {
        attempted.set(true);
        let Ok(request) = untrack(|| copy_request(&backup_id, &destination.get(), &tags)) else {
            return false;
        };
        let (source, dest) = (backup_id.clone(), destination.get_untracked());
        let region = region.clone();
        flashes.track_until(
            OpTexts::new(
                format!("Copying backup {source} to {dest}"),
                format!("Copy of backup {source} to {dest} started"),
                format!("Could not copy backup {source} to {dest}"),
            ),
            move || {
                let (region, request) = (region.clone(), request.clone());
                async move {
                    let copied = cloudhsm::copy_backup_to_region(&region, &request).await?;
                    // Follow the destination region so the copy's state arrives live.
                    hsm.watch(&copied.destination_region);
                    copies.try_update(|list| list.push(copied.clone()));
                    Ok(copied)
                }
            },
            move |copied: &CopiedBackup| {
                let dest = copied.destination_region.clone();
                match copied.backup_id.clone() {
                    Some(id) => Completion {
                        done: format!("Copy {id} of backup {source} is READY in {dest}"),
                        outcome: Signal::derive(move || {
                            (hsm.backup_state(&dest, &id) == Some(BackupState::Ready))
                                .then_some(Ok(()))
                        }),
                    },
                    None => Completion {
                        done: format!("Copy of backup {source} to {dest} started"),
                        outcome: Signal::stored(Some(Ok(()))),
                    },
                }
            },
        );
        true
    });
    view! {
        <FormModal
            open=open
            title_id="copy-title"
            title=title
            submit_label="Copy"
            on_submit=submit
        >
            <p>
                "A copy is made in the destination region (CREATE_IN_PROGRESS, then READY). "
                "It keeps the source backup's tags unless you give tags for it here."
            </p>
            <label for="copy-destination">"Destination region"</label>
            <select
                id="copy-destination"
                autofocus
                on:change=move |ev| destination.set(event_target_value(&ev))
            >
                {destinations
                    .into_iter()
                    .map(|r| {
                        view! {
                            <option value=r selected=move || destination.get() == r>
                                {r}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <TagEditor tags=tags show=attempted legend="Tags for the copy (optional)" />
            <CopyAsCli command=cli />
        </FormModal>
    }
}

/// The copies made from this page: the new backup's id, its live state and a
/// link to it in its region.
#[component]
pub fn CopyNotices(
    /// The copies, newest last.
    copies: RwSignal<Vec<CopiedBackup>>,
) -> impl IntoView {
    let hsm = LiveStore::expect().cloudhsm();
    let items =
        move || -> Vec<(usize, CopiedBackup)> { copies.get().into_iter().enumerate().collect() };
    view! {
        <div class="copy-notices" aria-live="polite">
            <For
                each=items
                key=|(i, copy)| (*i, copy.backup_id.clone())
                let:item
            >
                {
                    let (index, copy) = item;
                    let source = copy.destination.source_backup.clone().unwrap_or_default();
                    let dest = copy.destination_region.clone();
                    let body = match copy.backup_id.clone() {
                        Some(id) => {
                            let state = {
                                let (dest, id) = (dest.clone(), id.clone());
                                Signal::derive(move || hsm_backup_state_view(hsm.backup_state(&dest, &id)))
                            };
                            view! {
                                <p class="flash-title">
                                    {format!("Backup {source} copied to {dest} as ")}
                                    <span class="mono">{id.clone()}</span>
                                </p>
                                <p>
                                    <StatusIndicator status=state />
                                    " "
                                    <a href=backup_href(&dest, &id)>{format!("View {id} in {dest}")}</a>
                                </p>
                            }
                                .into_any()
                        }
                        None => {
                            view! {
                                <p class="flash-title">{format!("Backup {source} is being copied to {dest}")}</p>
                                <p>
                                    "The copy is not listed there yet. "
                                    <a href=in_region("/cloudhsm/backups", &dest)>{format!("View the backups of {dest}")}</a>
                                </p>
                            }
                                .into_any()
                        }
                    };
                    view! {
                        <div class="info copy-notice" role="group" aria-label=format!("Copy of {source}")>
                            <div class="flash-body">{body}</div>
                            <button
                                type="button"
                                class="btn-icon"
                                aria-label="Dismiss"
                                on:click=move |_| copies.update(|list| {
                                    if index < list.len() {
                                        list.remove(index);
                                    }
                                })
                            >
                                "×"
                            </button>
                        </div>
                    }
                }
            </For>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_requests_name_the_destination_and_optional_tags() {
        let tags = TagDrafts::default();
        let request = copy_request("backup-ro5c4er4aac", "eu-west-1", &tags).unwrap();
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            serde_json::json!({"DestinationRegion": "eu-west-1", "BackupId": "backup-ro5c4er4aac"})
        );
        tags.add_filled("env", "dr");
        let request = copy_request("backup-ro5c4er4aac", "eu-west-1", &tags).unwrap();
        assert_eq!(
            serde_json::to_value(&request).unwrap()["TagList"],
            serde_json::json!([{"Key": "env", "Value": "dr"}])
        );
        assert!(copy_request("backup-ro5c4er4aac", "mars-1", &TagDrafts::default()).is_err());
    }
}
