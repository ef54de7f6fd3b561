//! The live store: servers and backups kept current by the backend's event stream.
//!
//! One browser `EventSource` on `/api/events` feeds a reactive store. A snapshot
//! (DescribeServers + DescribeBackups) is requested each time the stream opens,
//! so nothing falls between the two; events arriving while a snapshot is in
//! flight are buffered and applied on top of it, in journal order (the last
//! event of a resource is its newest state). The browser reconnects on its own
//! and sends `Last-Event-ID`, so missed events are replayed; when it gives up
//! (the stream is closed), a new `EventSource` resumes with `?lastEventId=`.
//! Ids are `EPOCH-N` and opaque here. A `reset` event (our position was pruned
//! from the journal, or belongs to another journal, e.g. the backend restarted
//! in memory) reloads the snapshot.
//!
//! The stream and its snapshots are in [`connection`]; each service keeps
//! its own part of the store and parses its own events: [`opsworkscm`]
//! (each server in its own signal, so a status change re-renders one row;
//! backups; node requests started from this console) and [`cloudhsm`]
//! (clusters and backups per region, for the regions the CloudHSM pages
//! asked for).

pub mod cloudhsm;
pub mod connection;
pub mod opsworkscm;

use std::collections::BTreeMap;
use std::sync::Arc;

use leptos::prelude::*;
use shared::events::{EventKind, OpsWorksCmEvent};
use shared::opsworkscm::{Backup, Server};
use shared::service::Service;

use self::cloudhsm::{HsmFeed, HsmStore};
use self::opsworkscm::associations::Associations;
use crate::api::ApiError;
pub use connection::{LiveConnection, provide_live_store};

/// State of the connection to the live stream, shown in the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    /// First connection attempt.
    Connecting,
    /// Events flow.
    Live,
    /// The stream dropped; the browser (or we) are reconnecting.
    Reconnecting,
}

impl Connection {
    /// Label for the header indicator.
    pub fn label(self) -> &'static str {
        match self {
            Self::Connecting => "Connecting",
            Self::Live => "Live",
            Self::Reconnecting => "Reconnecting",
        }
    }
}

/// Whether the store holds a complete snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Snapshot {
    /// The first snapshot has not arrived yet.
    Loading,
    /// Servers and backups are loaded and kept current.
    Ready,
    /// The last snapshot request failed.
    Failed(ApiError),
}

/// The reactive store of servers and backups (a `Copy` handle; provided as context).
#[derive(Clone, Copy)]
pub struct LiveStore {
    servers: RwSignal<BTreeMap<String, ArcRwSignal<Server>>>,
    backups: RwSignal<BTreeMap<String, Backup>>,
    server_event_ticks: RwSignal<BTreeMap<String, u32>>,
    associations: Associations,
    /// The CloudHSM store, once a CloudHSM page created it (behind a trait
    /// object, so its code is not part of the first load).
    cloudhsm: StoredValue<Option<Arc<dyn HsmFeed>>>,
    /// The owner the store was made in: the CloudHSM store is made in it
    /// too, so it outlives the page that asked for it.
    owner: StoredValue<Option<Owner>>,
    connection: RwSignal<Connection>,
    snapshot: RwSignal<Snapshot>,
    stream: StoredValue<Option<LiveConnection>, LocalStorage>,
}

/// An empty store, not yet connected (made in the current owner).
impl Default for LiveStore {
    fn default() -> Self {
        Self {
            servers: RwSignal::new(BTreeMap::new()),
            backups: RwSignal::new(BTreeMap::new()),
            server_event_ticks: RwSignal::new(BTreeMap::new()),
            associations: Associations::default(),
            cloudhsm: StoredValue::new(None),
            owner: StoredValue::new(Owner::current()),
            connection: RwSignal::new(Connection::Connecting),
            snapshot: RwSignal::new(Snapshot::Loading),
            stream: StoredValue::new_local(None),
        }
    }
}

impl LiveStore {
    /// The store provided by [`App`](crate::App).
    pub fn expect() -> Self {
        expect_context::<Self>()
    }

    /// Connection state (tracked).
    pub fn connection(&self) -> Connection {
        self.connection.get()
    }

    /// Snapshot state (tracked).
    pub fn snapshot(&self) -> Snapshot {
        self.snapshot.get()
    }

    /// Loads a fresh snapshot (the Refresh button); events keep flowing meanwhile.
    pub fn reload(&self) {
        self.stream.with_value(|stream| {
            if let Some(stream) = stream {
                stream.reload();
            }
        });
    }

    /// The CloudHSM clusters and backups, per region (created on first use:
    /// only the CloudHSM pages ask).
    pub fn cloudhsm(&self) -> HsmStore {
        let existing = self.cloudhsm.with_value(|feed| {
            feed.as_ref()
                .and_then(|feed| feed.as_any().downcast_ref::<HsmStore>().copied())
        });
        existing.unwrap_or_else(|| {
            let store = match self.owner.get_value() {
                Some(owner) => owner.with(HsmStore::default),
                None => HsmStore::default(),
            };
            self.cloudhsm.set_value(Some(Arc::new(store)));
            store
        })
    }

    /// Applies one event of the stream: OpsWorks CM's here, CloudHSM's in
    /// the CloudHSM store (which parses its own, in its own chunk).
    fn apply(&self, kind: EventKind, data: &str) {
        match kind.service() {
            Service::OpsWorksCm => {
                if let Some(event) = OpsWorksCmEvent::parse(kind, data) {
                    self.apply_opsworkscm(event);
                }
            }
            Service::CloudHsmV2 => self.apply_cloudhsm(kind, data),
        }
    }

    /// Hands a CloudHSM event to the CloudHSM store, if there is one.
    fn apply_cloudhsm(&self, kind: EventKind, data: &str) {
        if let Some(feed) = self.cloudhsm.get_value() {
            feed.apply(kind, data);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::opsworkscm::ServerStatus;

    fn server(name: &str, status: &str) -> String {
        format!(r#"{{"ServerName":"{name}","Engine":"ChefAutomate","Status":"{status}"}}"#)
    }

    #[test]
    fn events_insert_update_and_remove_servers() {
        let store = LiveStore::default();
        store.apply(EventKind::Server, &server("web", "CREATING"));
        store.apply(EventKind::Server, &server("db", "CREATING"));
        let web = store.server_signal("web").unwrap();
        store.apply(EventKind::Server, &server("web", "HEALTHY"));
        // Same signal (pointer-equal handle), new state: the row updates in place.
        assert!(store.server_signal("web").is_some_and(|s| s == web));
        assert_eq!(
            store.server("web").and_then(|s| s.status),
            Some(ServerStatus::Healthy)
        );
        store.apply(EventKind::ServerDeleted, r#"{"ServerName":"web"}"#);
        assert!(!store.has_server("web"));
        assert_eq!(store.server_count(), 1);
    }

    #[test]
    fn snapshot_replaces_and_keeps_existing_signals() {
        let store = LiveStore::default();
        store.apply(EventKind::Server, &server("stale", "HEALTHY"));
        store.apply(EventKind::Server, &server("kept", "CREATING"));
        let kept = store.server_signal("kept").unwrap();
        let parse = |json: &str| serde_json::from_str::<Server>(json).unwrap();
        store.replace_all(vec![parse(&server("kept", "HEALTHY"))], vec![]);
        assert!(!store.has_server("stale"));
        assert!(store.server_signal("kept").is_some_and(|s| s == kept));
        assert_eq!(kept.get_untracked().status, Some(ServerStatus::Healthy));
    }

    #[test]
    fn backups_of_a_server_newest_first() {
        let store = LiveStore::default();
        for (id, at) in [("web-1", 10), ("web-2", 30), ("db-1", 20)] {
            let server = id.split('-').next().unwrap();
            store.apply(EventKind::Backup,
                &format!(
                    r#"{{"BackupId":"{id}","ServerName":"{server}","CreatedAt":{at},"Status":"OK"}}"#
                ),
            );
        }
        let ids: Vec<_> = store
            .backups_of("web")
            .into_iter()
            .filter_map(|b| b.backup_id)
            .collect();
        assert_eq!(ids, ["web-2", "web-1"]);
        store.apply(
            EventKind::BackupDeleted,
            r#"{"BackupId":"web-2","ServerName":"web"}"#,
        );
        assert_eq!(store.backups_of("web").len(), 1);
    }

    #[test]
    fn backup_outcome_follows_the_status() {
        let store = LiveStore::default();
        let backup = |status: &str| {
            format!(
                r#"{{"BackupId":"web-1","ServerName":"web","Status":"{status}","StatusDescription":"disk full"}}"#
            )
        };
        assert_eq!(store.backup_outcome("web-1"), None);
        store.apply(EventKind::Backup, &backup("IN_PROGRESS"));
        assert_eq!(store.backup_outcome("web-1"), None);
        store.apply(EventKind::Backup, &backup("OK"));
        assert_eq!(store.backup_outcome("web-1"), Some(Ok(())));
        store.apply(EventKind::Backup, &backup("FAILED"));
        assert_eq!(
            store.backup_outcome("web-1"),
            Some(Err("disk full".to_owned()))
        );
    }

    #[test]
    fn server_events_bump_the_tick_of_their_server() {
        let store = LiveStore::default();
        assert_eq!(store.server_event_tick("web"), 0);
        store.apply(
            EventKind::ServerEvent,
            r#"{"ServerName":"web","Message":"created","CreatedAt":1}"#,
        );
        assert_eq!(store.server_event_tick("web"), 1);
        assert_eq!(store.server_event_tick("db"), 0);
    }

    #[test]
    fn cloudhsm_events_reach_the_cloudhsm_store_once_a_page_created_it() {
        let store = LiveStore::default();
        let event = r#"{"Region":"us-east-1","ClusterId":"cluster-aaaaaaaaaaa","State":"ACTIVE","Hsms":[],"SubnetMapping":{},"TagList":[]}"#;
        // No CloudHSM page yet: nothing to feed.
        store.apply(EventKind::Cluster, event);
        assert!(store.cloudhsm.with_value(Option::is_none));
        let hsm = store.cloudhsm();
        // The same store every time.
        assert!(store.cloudhsm().region_state("us-east-1") == Snapshot::Loading);
        hsm.mark_loaded("us-east-1");
        store.apply(EventKind::Cluster, event);
        assert!(
            store
                .cloudhsm()
                .cluster("us-east-1", "cluster-aaaaaaaaaaa")
                .is_some()
        );
    }
}
