//! The connection to the live door: one `EventSource`, reconnected with
//! the last journal id, feeding the [`LiveStore`]; a snapshot is loaded
//! each time it opens, with events buffered meanwhile.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::events::EventKind;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{EventSource, MessageEvent};

use super::{Connection, LiveStore, Snapshot};
use crate::api;

/// Path of the live door.
const EVENTS_URL: &str = shared::console::EVENTS_PATH;
/// Delay before replacing an `EventSource` the browser closed.
const RECONNECT_DELAY: Duration = Duration::from_secs(2);

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

    /// Loads a fresh snapshot; events keep flowing meanwhile.
    pub fn reload(&self) {
        load_snapshot(&self.inner);
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
    let store = LiveStore::default();
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
