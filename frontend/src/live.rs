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
//! Each server lives in its own signal inside a keyed map: a status change
//! touches that server's signal only, so only its row re-renders.
//! `node-association` events update the node requests started from this
//! console ([`associations`]). CloudHSM clusters and backups are kept per
//! region, for the regions the CloudHSM pages asked for ([`cloudhsm`]).

pub mod associations;
pub mod cloudhsm;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::events::{EventKind, OpsWorksCmEvent};
use shared::opsworkscm::{Backup, BackupStatus, Server};
use shared::service::Service;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{EventSource, MessageEvent};

use self::associations::Associations;
use self::cloudhsm::{HsmFeed, HsmStore};
use crate::api::{self, ApiError};

/// Path of the live door.
const EVENTS_URL: &str = shared::console::EVENTS_PATH;
/// Delay before replacing an `EventSource` the browser closed.
const RECONNECT_DELAY: Duration = Duration::from_secs(2);

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

impl Default for LiveStore {
    fn default() -> Self {
        Self::new()
    }
}

impl LiveStore {
    /// An empty store, not yet connected.
    pub fn new() -> Self {
        Self {
            servers: RwSignal::new(BTreeMap::new()),
            backups: RwSignal::new(BTreeMap::new()),
            server_event_ticks: RwSignal::new(BTreeMap::new()),
            associations: Associations::new(),
            cloudhsm: StoredValue::new(None),
            owner: StoredValue::new(Owner::current()),
            connection: RwSignal::new(Connection::Connecting),
            snapshot: RwSignal::new(Snapshot::Loading),
            stream: StoredValue::new_local(None),
        }
    }

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
                load_snapshot(&stream.inner);
            }
        });
    }

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

    /// The CloudHSM clusters and backups, per region (created on first use:
    /// only the CloudHSM pages ask).
    pub fn cloudhsm(&self) -> HsmStore {
        let existing = self.cloudhsm.with_value(|feed| {
            feed.as_ref()
                .and_then(|feed| feed.as_any().downcast_ref::<HsmStore>().copied())
        });
        existing.unwrap_or_else(|| {
            let store = match self.owner.get_value() {
                Some(owner) => owner.with(HsmStore::new),
                None => HsmStore::new(),
            };
            self.cloudhsm.set_value(Some(Arc::new(store)));
            store
        })
    }

    /// Hands a CloudHSM event to the CloudHSM store, if there is one.
    fn apply_cloudhsm(&self, kind: EventKind, data: &str) {
        if let Some(feed) = self.cloudhsm.get_value() {
            feed.apply(kind, data);
        }
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

    fn remove_server(&self, name: &str) {
        if self.server_signal(name).is_some() {
            self.servers.update(|map| {
                map.remove(name);
            });
        }
    }

    fn upsert_backup(&self, backup: Backup) {
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
    fn replace_all(&self, servers: Vec<Server>, backups: Vec<Backup>) {
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

    /// Applies one OpsWorks CM event.
    fn apply_opsworkscm(&self, event: OpsWorksCmEvent) {
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

/// Non-reactive side of the connection: the `EventSource`, its handlers, the
/// last journal id and the buffer used while a snapshot is in flight.
struct Stream {
    store: LiveStore,
    source: Option<EventSource>,
    handlers: Vec<Closure<dyn FnMut(MessageEvent)>>,
    last_event_id: Option<String>,
    /// `Some` while a snapshot request is in flight: events wait here.
    buffer: Option<Vec<(EventKind, String)>>,
    closed: bool,
}

type Shared = Rc<RefCell<Stream>>;

/// The live connection; dropping it (or [`LiveConnection::close`]) ends the stream.
pub struct LiveConnection {
    inner: Shared,
}

impl LiveConnection {
    /// Opens the stream feeding `store` and loads the first snapshot once it is open.
    pub fn open(store: LiveStore) -> Self {
        let inner = Rc::new(RefCell::new(Stream {
            store,
            source: None,
            handlers: Vec::new(),
            last_event_id: None,
            buffer: None,
            closed: false,
        }));
        connect(&inner);
        Self { inner }
    }

    /// Closes the `EventSource` for good.
    pub fn close(&self) {
        let mut stream = self.inner.borrow_mut();
        stream.closed = true;
        if let Some(source) = stream.source.take() {
            source.close();
        }
        stream.handlers.clear();
    }
}

impl Drop for LiveConnection {
    fn drop(&mut self) {
        self.close();
    }
}

/// Creates an `EventSource`, resuming after the last id we saw (if any).
fn connect(inner: &Shared) {
    let url = match &inner.borrow().last_event_id {
        Some(id) => format!("{EVENTS_URL}?lastEventId={id}"),
        None => EVENTS_URL.to_owned(),
    };
    let Ok(source) = EventSource::new(&url) else {
        inner
            .borrow()
            .store
            .connection
            .set(Connection::Reconnecting);
        schedule_reconnect(inner);
        return;
    };
    let mut handlers: Vec<Closure<dyn FnMut(MessageEvent)>> = Vec::new();

    let on_open = {
        let inner = Rc::clone(inner);
        Closure::<dyn FnMut(MessageEvent)>::new(move |_: MessageEvent| {
            let store = inner.borrow().store;
            // First open: the initial snapshot. Reopen after an outage: the
            // replay (Last-Event-ID) brings what was missed, and a fresh snapshot
            // also covers a backend that lost its journal (in-memory restart).
            store.connection.set(Connection::Live);
            load_snapshot(&inner);
        })
    };
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    handlers.push(on_open);

    let on_error = {
        let inner = Rc::clone(inner);
        Closure::<dyn FnMut(MessageEvent)>::new(move |_: MessageEvent| {
            let (store, closed_by_browser) = {
                let stream = inner.borrow();
                let closed = stream
                    .source
                    .as_ref()
                    .is_some_and(|s| s.ready_state() == EventSource::CLOSED);
                (stream.store, closed)
            };
            store.connection.set(Connection::Reconnecting);
            if closed_by_browser {
                // The browser gave up (e.g. an HTTP error): replace the source
                // ourselves, unless the error was a lost session.
                if let Some(source) = inner.borrow_mut().source.take() {
                    source.close();
                }
                crate::api::session::probe();
                schedule_reconnect(&inner);
            }
        })
    };
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    handlers.push(on_error);

    for kind in EventKind::ALL {
        let inner = Rc::clone(inner);
        let handler = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let id = event.last_event_id();
            let data = event.data().as_string().unwrap_or_default();
            let mut stream = inner.borrow_mut();
            if !id.is_empty() {
                stream.last_event_id = Some(id);
            }
            match stream.buffer.as_mut() {
                Some(buffer) => buffer.push((kind, data)),
                None => {
                    let store = stream.store;
                    drop(stream);
                    store.apply(kind, &data);
                }
            }
        });
        let _ = source
            .add_event_listener_with_callback(kind.as_str(), handler.as_ref().unchecked_ref());
        handlers.push(handler);
    }

    let on_reset = {
        let inner = Rc::clone(inner);
        Closure::<dyn FnMut(MessageEvent)>::new(move |_: MessageEvent| load_snapshot(&inner))
    };
    let _ = source.add_event_listener_with_callback("reset", on_reset.as_ref().unchecked_ref());
    handlers.push(on_reset);

    let mut stream = inner.borrow_mut();
    stream.source = Some(source);
    stream.handlers = handlers;
}

fn schedule_reconnect(inner: &Shared) {
    let inner = Rc::downgrade(inner);
    set_timeout(
        move || {
            if let Some(inner) = inner.upgrade()
                && !inner.borrow().closed
            {
                connect(&inner);
            }
        },
        RECONNECT_DELAY,
    );
}

/// Requests DescribeServers + DescribeBackups, buffering events meanwhile;
/// reloads the CloudHSM regions in view too (they buffer their own events).
fn load_snapshot(inner: &Shared) {
    let store = {
        let mut stream = inner.borrow_mut();
        if stream.buffer.is_some() {
            return; // one in flight already
        }
        stream.buffer = Some(Vec::new());
        stream.store
    };
    if let Some(feed) = store.cloudhsm.get_value() {
        feed.reload_watched();
    }
    let inner = Rc::clone(inner);
    spawn_local(async move {
        let result = match api::opsworkscm::describe_servers().await {
            Ok(servers) => api::opsworkscm::describe_backups()
                .await
                .map(|backups| (servers, backups)),
            Err(err) => Err(err),
        };
        let buffered = inner.borrow_mut().buffer.take().unwrap_or_default();
        match result {
            Ok((servers, backups)) => {
                store.replace_all(servers, backups);
                store.snapshot.set(Snapshot::Ready);
            }
            Err(err) => store.snapshot.set(Snapshot::Failed(err)),
        }
        for (kind, data) in buffered {
            store.apply(kind, &data);
        }
    });
}

/// Opens the live connection for the lifetime of the calling component and
/// provides the store as context. Closes the stream in `on_cleanup`.
pub fn provide_live_store() -> LiveStore {
    let store = LiveStore::new();
    provide_context(store);
    store.stream.set_value(Some(LiveConnection::open(store)));
    let stream = store.stream;
    on_cleanup(move || {
        stream.try_update_value(|stream| {
            if let Some(stream) = stream.take() {
                stream.close();
            }
        });
    });
    store
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
        let store = LiveStore::new();
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
        let store = LiveStore::new();
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
        let store = LiveStore::new();
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
        let store = LiveStore::new();
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
        let store = LiveStore::new();
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
        let store = LiveStore::new();
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
