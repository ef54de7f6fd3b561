//! "Create backup" as both the servers list and the server's Backups tab do
//! it: a flash that stays in progress until the backup is OK (or FAILED).

use leptos::prelude::*;
use shared::validation::{TagKey, TagValue};

use crate::api;
use crate::components::flash::{Completion, Flashes, OpTexts};
use crate::live::LiveStore;

/// Starts a backup of `server` with `description` and `tags`, tracked to
/// completion.
pub fn create_backup_tracked(
    flashes: Flashes,
    live: LiveStore,
    server: String,
    description: String,
    tags: Vec<(TagKey, TagValue)>,
) {
    flashes.track_until(
        OpTexts::new(
            format!("Starting a backup of {server}"),
            format!("Backup of {server} started"),
            format!("Could not back up {server}"),
        ),
        {
            let server = server.clone();
            move || {
                let (server, description, tags) =
                    (server.clone(), description.clone(), tags.clone());
                async move { api::opsworkscm::create_backup(&server, &description, &tags).await }
            }
        },
        move |backup| {
            let id = backup.backup_id.clone().unwrap_or_default();
            Completion {
                done: format!("Backup {id} of {server} completed"),
                outcome: Signal::derive(move || live.backup_outcome(&id)),
            }
        },
    );
}
