//! The Backups tab of the server details page: the server's backups, newest
//! first; Create backup (description and tags, CreateBackup), and on each
//! row Restore (RestoreServer), New server (CreateServer from the backup),
//! Tags (ListTagsForResource, TagResource, UntagResource on the backup's
//! ARN) and Delete.

use leptos::prelude::*;
use shared::opsworkscm::{Backup, Operation};

use super::backups::{BY_CREATED, BY_ID, BY_STATUS, BY_TYPE, backup_listing, found_id};
use super::resource_tags::OpsWorksTags;
use super::server_details::current;
use crate::api;
use crate::components::backup_flash::create_backup_tracked;
use crate::components::cli::{CopyAsCli, cli_command};
use crate::components::flash::{Flashes, OpTexts};
use crate::components::modal::{ConfirmDelete, ContentModal, FormModal};
use crate::components::panel::Panel;
use crate::components::resource_table::{Column, ListControls, ResourceTable};
use crate::components::status::{StatusIndicator, backup_status_view};
use crate::components::tag_editor::{TagDrafts, TagEditor};
use crate::format;
use crate::live::LiveStore;

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
    let create_open = RwSignal::new(false);
    let delete_open = RwSignal::new(false);
    let delete_target = RwSignal::new(String::new());
    let tags_of = RwSignal::new(None::<(String, String)>);
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
    let tags_open = RwSignal::new(false);
    let show_tags = Callback::new(move |target: (String, String)| {
        tags_of.set(Some(target));
        tags_open.set(true);
    });
    let restore_open = RwSignal::new(false);
    let restore_target = RwSignal::new(String::new());
    let ask_restore = Callback::new(move |id: String| {
        restore_target.set(id);
        restore_open.set(true);
    });

    view! {
        <Panel id="backups-heading" title="Backups" count=Signal::derive(move || backups.with(Vec::len)) actions=move || view! {
                <button type="button" class="btn btn-primary" on:click=move |_| create_open.set(true)>
                    "Create backup"
                </button>
            }>
            <div class="panel-cli">
                <CopyAsCli command=Signal::derive(move || {
                    api::opsworkscm::describe_backups_request(&name.get(), found_id(backups, controls).as_deref())
                        .ok()
                        .map(|request| cli_command(Operation::DescribeBackups, &request))
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
                        <BackupRow backup=backup on_delete=ask_delete on_restore=ask_restore on_tags=show_tags />
                    </For>
                </ResourceTable>
            </Show>
        </Panel>
        <ConfirmDelete
            open=delete_open
            title=Signal::derive(move || format!("Delete backup {}", delete_target.get()))
            message=Signal::derive(|| "The backup and its data are removed.".to_owned())
            on_confirm=confirm_delete
            cli=Signal::derive(move || {
                api::opsworkscm::delete_backup_request(&delete_target.get())
                    .ok()
                    .map(|request| cli_command(Operation::DeleteBackup, &request))
            })
        />
        <Show when=move || restore_open.get()>
            <RestoreDialog open=restore_open server=name.get_untracked() backup_id=restore_target.get_untracked() />
        </Show>
        <Show when=move || create_open.get()>
            <CreateBackupDialog open=create_open server=name.get_untracked() />
        </Show>
        <Show when=move || tags_open.get()>
            {move || tags_of.get().map(|(id, arn)| view! {
                <BackupTagsDialog open=tags_open backup_id=id arn=arn />
            })}
        </Show>
    }
}

/// Asks for a description and tags, then starts the backup.
#[component]
fn CreateBackupDialog(open: RwSignal<bool>, server: String) -> impl IntoView {
    let flashes = Flashes::expect();
    let live = LiveStore::expect();
    let description = RwSignal::new(String::new());
    let tags = TagDrafts::with_rule(shared::opsworkscm::check_tag);
    let attempted = RwSignal::new(false);
    let title = format!("Create a backup of {server}");
    let cli = {
        let server = server.clone();
        Signal::derive(move || {
            let tags = tags.pairs().ok()?;
            api::opsworkscm::create_backup_request(&server, &description.get(), &tags)
                .ok()
                .map(|request| cli_command(Operation::CreateBackup, &request))
        })
    };
    let submit = Callback::new(move |()| {
        attempted.set(true);
        let Ok(tags) = tags.pairs() else {
            return false;
        };
        create_backup_tracked(
            flashes,
            live,
            server.clone(),
            description.get_untracked(),
            tags,
        );
        true
    });
    view! {
        <FormModal
            open=open
            title_id="create-backup-title"
            title=title
            submit_label="Create backup"
            on_submit=submit
        >
            <p>"The server goes BACKING_UP until the backup is OK; it cannot be changed meanwhile."</p>
            <label for="backup-description">"Description (optional)"</label>
            <input
                id="backup-description"
                type="text"
                autocomplete="off"
                autofocus
                prop:value=move || description.get()
                on:input=move |ev| description.set(event_target_value(&ev))
            />
            <TagEditor tags=tags show=attempted legend="Tags (optional)" />
            <CopyAsCli command=cli />
        </FormModal>
    }
}

/// The tags of one backup, editable.
#[component]
fn BackupTagsDialog(open: RwSignal<bool>, backup_id: String, arn: String) -> impl IntoView {
    view! {
        <ContentModal open=open title_id="backup-tags-title" title=format!("Tags of backup {backup_id}")>
            <OpsWorksTags arn=Signal::stored(arn) />
        </ContentModal>
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
    on_tags: Callback<(String, String)>,
) -> impl IntoView {
    let id = backup.backup_id.clone().unwrap_or_default();
    let tags_target = (id.clone(), backup.backup_arn.clone().unwrap_or_default());
    let tags_label = format!("Tags of backup {id}");
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
                    aria-label=tags_label
                    on:click=move |_| on_tags.run(tags_target.clone())
                >
                    "Tags"
                </button>
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
