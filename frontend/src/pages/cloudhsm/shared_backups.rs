//! The "Shared with this account" panel of the backups list: the backups
//! other accounts share with this one through a resource policy
//! (DescribeBackups with `Shared`), read on request since they are not
//! this account's to follow live, with the command.

use leptos::prelude::*;
use shared::cloudhsmv2::{Backup, Operation};

use crate::api::cloudhsm;
use crate::components::cli::{CopyAsCli, cli_command_in};
use crate::components::panel::Panel;
use crate::format;

/// The backups shared with this account in `region`, listed on "Show".
#[component]
pub fn SharedBackups(
    /// The page's region.
    region: Memo<String>,
) -> impl IntoView {
    let asked = RwSignal::new(false);
    let shared = LocalResource::new(move || {
        let (region, asked) = (region.get(), asked.get());
        async move {
            if asked {
                cloudhsm::describe_shared_backups(&region).await.map(Some)
            } else {
                Ok(None)
            }
        }
    });
    let list = move || {
        match shared.get() {
        None | Some(Ok(None)) => ().into_any(),
        Some(Err(err)) => view! {
            <p class="field-error" role="alert">{format!("Could not list shared backups: {err}")}</p>
        }
        .into_any(),
        Some(Ok(Some(backups))) if backups.is_empty() => view! {
            <p class="muted">
                {format!("No other account shares a backup with this one in {}.", region.get())}
            </p>
        }
        .into_any(),
        Some(Ok(Some(backups))) => view! {
            <table class="table" aria-labelledby="shared-backups-heading">
                <thead>
                    <tr>
                        <th scope="col">"Backup ID"</th>
                        <th scope="col">"Backup ARN"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Created"</th>
                    </tr>
                </thead>
                <tbody>{backups.into_iter().map(shared_row).collect_view()}</tbody>
            </table>
        }
        .into_any(),
    }
    };
    view! {
        <div class="shared-backups">
        <Panel id="shared-backups-heading" title="Shared with this account">
            <div class="shared-backups-body">
            <p class="muted">
                "Backups of other accounts whose resource policy shares them with this account. They can restore a new cluster here."
            </p>
            <div class="form-actions">
                <button type="button" class="btn" on:click=move |_| {
                    if asked.get_untracked() {
                        shared.refetch();
                    } else {
                        asked.set(true);
                    }
                }>
                    "Show shared backups"
                </button>
            </div>
            {list}
            <CopyAsCli command=Signal::derive(move || {
                Some(cli_command_in(
                    Operation::DescribeBackups,
                    &region.get(),
                    &cloudhsm::shared_backups_request(),
                ))
            }) />
            </div>
        </Panel>
        </div>
    }
}

fn shared_row(backup: Backup) -> impl IntoView {
    view! {
        <tr>
            <th scope="row" class="mono">{backup.backup_id.clone()}</th>
            <td class="mono">{format::or_dash(backup.backup_arn.as_deref())}</td>
            <td>{backup.backup_state.map_or("-", |s| s.as_str())}</td>
            <td class="nowrap">{format::time(backup.create_timestamp)}</td>
        </tr>
    }
}
