//! The OpsWorks CM side of the live store: servers (each in its own
//! signal), backups, a tick per server for its events, and the node
//! requests started from this console ([`associations`]).

pub mod associations;

use std::collections::BTreeMap;

use leptos::prelude::*;
use shared::events::OpsWorksCmEvent;
use shared::opsworkscm::{Backup, BackupStatus, Server};

use self::associations::Associations;
use super::LiveStore;

impl LiveStore {
    /// Number of servers (tracked).
    pub fn server_count(&self) -> usize {
        self.servers.with(BTreeMap::len)
    }

    /// Calls `f` on every server, in name order (tracks the map and every server).
    pub fn for_each_server(&self, mut f: impl FnMut(&Server)) {
        self.servers.with(|map| {
            for server in map.values() {
                server.with(&mut f);
            }
        });
    }

    /// The signal of one server, without tracking the map (for a row that exists).
    pub fn server_signal(&self, name: &str) -> Option<ArcRwSignal<Server>> {
        self.servers.with_untracked(|map| map.get(name).cloned())
    }

    /// One server by name (tracks its presence and its state).
    pub fn server(&self, name: &str) -> Option<Server> {
        self.servers
            .with(|map| map.get(name).cloned())
            .map(|server| server.get())
    }

    /// True when a server of that name is in the store (tracked).
    pub fn has_server(&self, name: &str) -> bool {
        self.servers.with(|map| map.contains_key(name))
    }

    /// The backups of one server, newest first (tracked).
    pub fn backups_of(&self, server_name: &str) -> Vec<Backup> {
        let mut list: Vec<Backup> = self.backups.with(|map| {
            map.values()
                .filter(|b| b.server_name.as_deref() == Some(server_name))
                .cloned()
                .collect()
        });
        newest_first(&mut list);
        list
    }

    /// Number of backups (tracked).
    pub fn backup_count(&self) -> usize {
        self.backups.with(BTreeMap::len)
    }

    /// Every backup, newest first (tracked).
    pub fn all_backups(&self) -> Vec<Backup> {
        let mut list: Vec<Backup> = self.backups.with(|map| map.values().cloned().collect());
        newest_first(&mut list);
        list
    }

    /// How backup `backup_id` ended (tracked): `None` while it runs (or is not
    /// known yet), `Ok` once OK, `Err` with its StatusDescription once FAILED.
    pub fn backup_outcome(&self, backup_id: &str) -> Option<Result<(), String>> {
        self.backups.with(|map| {
            let backup = map.get(backup_id)?;
            match backup.status? {
                BackupStatus::Ok => Some(Ok(())),
                BackupStatus::Failed => Some(Err(backup
                    .status_description
                    .clone()
                    .unwrap_or_else(|| format!("Backup {backup_id} failed.")))),
                BackupStatus::InProgress | BackupStatus::Deleting => None,
            }
        })
    }

    /// Counts the `server-event`s seen for a server (tracked; a change means "refetch").
    pub fn server_event_tick(&self, server_name: &str) -> u32 {
        self.server_event_ticks
            .with(|ticks| ticks.get(server_name).copied().unwrap_or(0))
    }

    /// The node associations and disassociations started from this console.
    pub fn associations(&self) -> Associations {
        self.associations
    }

    /// Inserts or updates a server; an unchanged server notifies nobody.
    pub fn upsert_server(&self, mut server: Server) {
        let Some(name) = server.server_name.clone() else {
            return;
        };
        // One-time secrets never enter the store.
        server.engine_attributes.clear();
        match self.server_signal(&name) {
            Some(existing) => {
                if existing.with_untracked(|current| current != &server) {
                    existing.set(server);
                }
            }
            None => self.servers.update(|map| {
                map.insert(name, ArcRwSignal::new(server));
            }),
        }
    }

    pub(super) fn remove_server(&self, name: &str) {
        if self.server_signal(name).is_some() {
            self.servers.update(|map| {
                map.remove(name);
            });
        }
    }

    pub(super) fn upsert_backup(&self, backup: Backup) {
        let Some(id) = backup.backup_id.clone() else {
            return;
        };
        let unchanged = self
            .backups
            .with_untracked(|map| map.get(&id) == Some(&backup));
        if !unchanged {
            self.backups.update(|map| {
                map.insert(id, backup);
            });
        }
    }

    /// Replaces the content with a snapshot, keeping the signals of servers that stay.
    pub(super) fn replace_all(&self, servers: Vec<Server>, backups: Vec<Backup>) {
        let names: Vec<String> = servers
            .iter()
            .filter_map(|s| s.server_name.clone())
            .collect();
        let gone: Vec<String> = self.servers.with_untracked(|map| {
            map.keys()
                .filter(|name| !names.contains(name))
                .cloned()
                .collect()
        });
        for name in gone {
            self.remove_server(&name);
        }
        for server in servers {
            self.upsert_server(server);
        }
        // Inserted one by one (the last of a duplicate id wins, as with
        // `collect`): it spares the WASM a sort routine for this one type.
        let mut fresh = BTreeMap::new();
        for backup in backups {
            if let Some(id) = backup.backup_id.clone() {
                fresh.insert(id, backup);
            }
        }
        if self.backups.with_untracked(|map| map != &fresh) {
            self.backups.set(fresh);
        }
    }

    /// Applies one OpsWorks CM event.
    pub(super) fn apply_opsworkscm(&self, event: OpsWorksCmEvent) {
        match event {
            OpsWorksCmEvent::Server(server) => self.upsert_server(server),
            OpsWorksCmEvent::ServerDeleted(gone) => self.remove_server(&gone.server_name),
            OpsWorksCmEvent::Backup(backup) => self.upsert_backup(backup),
            OpsWorksCmEvent::BackupDeleted(gone) => {
                if self
                    .backups
                    .with_untracked(|map| map.contains_key(&gone.backup_id))
                {
                    self.backups.update(|map| {
                        map.remove(&gone.backup_id);
                    });
                }
            }
            OpsWorksCmEvent::ServerEvent(event) => {
                if let Some(name) = event.server_name {
                    self.server_event_ticks
                        .update(|ticks| *ticks.entry(name).or_default() += 1);
                }
            }
            OpsWorksCmEvent::NodeAssociation(association) => {
                self.associations.apply_event(association);
            }
        }
    }
}

/// Sorts backups newest first (then by id, descending); one sort routine
/// serves every backup list.
fn newest_first(list: &mut [Backup]) {
    list.sort_by(|a, b| {
        b.created_at
            .cmp(&a.created_at)
            .then_with(|| b.backup_id.cmp(&a.backup_id))
    });
}
