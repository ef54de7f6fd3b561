//! The live door: `GET /api/events`, server-sent events from the journal.
//!
//! Each event carries the journal id (`id:`), the resource kind (`event:`)
//! and the resource as Describe returns it (`data:`). A client that
//! reconnects with `Last-Event-ID` first gets every entry it missed from the
//! store, then live entries, with no gaps and no duplicates. Without it, the
//! stream starts with what happens next.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shared::error::ErrorCode;
use shared::events::JournalEntry;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};

use super::AppState;
use crate::error::ServiceError;
use crate::store::Store;

/// Entries fetched from the store per replay query.
const REPLAY_PAGE: usize = 500;
/// Event streams open at once unless `--max-event-streams` says otherwise.
pub const DEFAULT_MAX_STREAMS: usize = 512;
/// What a client refused for lack of a slot is told to wait, in seconds.
const RETRY_AFTER_SECONDS: u64 = 5;

/// The open event streams: how many may be open, and the signal that ends
/// them all when the service shuts down.
#[derive(Debug)]
pub struct LiveStreams {
    slots: Arc<Semaphore>,
    max: usize,
    closing: watch::Sender<bool>,
}

impl LiveStreams {
    /// At most `max` streams at once.
    pub fn new(max: usize) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(max)),
            max,
            closing: watch::Sender::new(false),
        }
    }

    /// How many streams are open now.
    pub fn open_count(&self) -> usize {
        self.max.saturating_sub(self.slots.available_permits())
    }

    /// A receiver that turns `true` when the service shuts down.
    pub(super) fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// Ends every open stream and refuses new ones (shutdown).
    pub fn close_all(&self) {
        self.closing.send_replace(true);
    }

    fn is_closing(&self) -> bool {
        *self.closing.borrow()
    }
}

impl Default for LiveStreams {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_STREAMS)
    }
}

/// Query parameters (for clients that cannot set headers).
#[derive(Debug, Deserialize)]
pub struct EventsQuery {
    /// Same as the `Last-Event-ID` header.
    #[serde(rename = "lastEventId")]
    last_event_id: Option<String>,
}

/// Where a client says it stopped: an id of this journal, or of another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resume {
    /// Start with what happens next.
    Fresh,
    /// Replay everything after this id of this journal.
    After(u64),
    /// An id of another journal (or not an id at all): start over.
    Foreign,
}

impl Resume {
    /// Reads `EPOCH-ID` against this journal's `epoch`.
    fn parse(presented: Option<&str>, epoch: &str) -> Self {
        let Some(presented) = presented.map(str::trim).filter(|p| !p.is_empty()) else {
            return Self::Fresh;
        };
        match presented.split_once('-') {
            Some((e, id)) if e == epoch => id.parse().map_or(Self::Foreign, Self::After),
            _ => Self::Foreign,
        }
    }
}

/// `GET /api/events`.
pub async fn stream(
    State(app): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<EventsQuery>,
) -> Response {
    let Some(slot) = open_slot(&app.live) else {
        return busy();
    };
    let presented = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or(query.last_event_id);
    let resume = Resume::parse(presented.as_deref(), app.store.epoch());
    // Subscribe before reading the store so nothing falls between the two.
    let live = app.store.subscribe();
    let feed = Feed {
        store: Arc::clone(&app.store),
        epoch: app.store.epoch().to_owned(),
        live,
        last: match resume {
            Resume::After(id) => Some(id),
            Resume::Fresh | Resume::Foreign => None,
        },
        replaying: matches!(resume, Resume::After(_)),
        buffer: VecDeque::new(),
        check_floor: resume != Resume::Fresh,
        foreign: resume == Resume::Foreign,
        closing: app.live.closing.subscribe(),
        _slot: slot,
    };
    let events = futures_util::stream::unfold(feed, |mut feed| async move {
        let event = feed.next().await?;
        Some((Ok::<_, Infallible>(event), feed))
    });
    Sse::new(events)
        .keep_alive(KeepAlive::default())
        .into_response()
}

pub(super) fn open_slot(live: &LiveStreams) -> Option<OwnedSemaphorePermit> {
    if live.is_closing() {
        return None;
    }
    Arc::clone(&live.slots).try_acquire_owned().ok()
}

/// 503 with `Retry-After`: every stream slot is taken (or we are stopping).
pub(super) fn busy() -> Response {
    let err = ServiceError::new(
        ErrorCode::ServiceUnavailable,
        "Too many event streams are open; try again later.",
    );
    let mut response = crate::http::render::console_error(&err, &uuid::Uuid::new_v4().to_string());
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
    response
}

struct Feed {
    store: Arc<dyn Store>,
    epoch: String,
    live: broadcast::Receiver<JournalEntry>,
    /// Id of the last entry sent (or the client's Last-Event-ID).
    last: Option<u64>,
    /// Whether older entries may still be waiting in the store.
    replaying: bool,
    buffer: VecDeque<JournalEntry>,
    /// Whether to check, before replaying, that the journal still holds
    /// everything after `last`.
    check_floor: bool,
    /// The client presented an id of another journal.
    foreign: bool,
    closing: watch::Receiver<bool>,
    /// Held while the stream is open.
    _slot: OwnedSemaphorePermit,
}

impl Feed {
    async fn next(&mut self) -> Option<Event> {
        if *self.closing.borrow() {
            return None;
        }
        let mut closing = self.closing.clone();
        tokio::select! {
            event = self.next_event() => event,
            _ = closing.wait_for(|closing| *closing) => None,
        }
    }

    async fn next_event(&mut self) -> Option<Event> {
        loop {
            if self.check_floor {
                self.check_floor = false;
                if let Some(reset) = self.reset_if_unreachable().await {
                    return Some(reset);
                }
            }
            if let Some(entry) = self.buffer.pop_front() {
                if self.last.is_some_and(|last| entry.id <= last) {
                    continue;
                }
                self.last = Some(entry.id);
                return Some(to_event(&self.epoch, &entry));
            }
            if self.replaying {
                let after = self.last.unwrap_or(0);
                match self.store.journal_since(after, REPLAY_PAGE).await {
                    Ok(page) => {
                        self.replaying = page.len() == REPLAY_PAGE;
                        self.buffer.extend(page);
                        continue;
                    }
                    Err(err) => {
                        tracing::warn!(error = %err, "event replay failed");
                        tokio::time::sleep(Duration::from_millis(200)).await;
                        return None;
                    }
                }
            }
            match self.live.recv().await {
                // A gap (entries committed by another instance before this
                // one announced anything, say after a failover): the
                // journal is the truth, so fill it from there.
                Ok(entry) if self.last.is_some_and(|last| entry.id > last + 1) => {
                    self.replaying = true;
                }
                Ok(entry) => self.buffer.push_back(entry),
                Err(RecvError::Lagged(_)) => {
                    // Fell behind the live channel: catch up from the store,
                    // unless what was missed has been pruned meanwhile.
                    self.replaying = true;
                    self.check_floor = true;
                }
                Err(RecvError::Closed) => return None,
            }
        }
    }

    /// When the client's position cannot be caught up event by event (it was
    /// pruned from the journal, it belongs to another journal, or it is ahead
    /// of this one), tell it to reload everything, then continue from the
    /// journal's head.
    async fn reset_if_unreachable(&mut self) -> Option<Event> {
        let (floor, head) = match self.store.journal_bounds().await {
            Ok(bounds) => bounds,
            Err(err) => {
                tracing::warn!(error = %err, "cannot read the journal's bounds");
                return Some(reset_event());
            }
        };
        if std::mem::take(&mut self.foreign) {
            self.last = Some(head);
            self.buffer.clear();
            return Some(reset_event());
        }
        let last = self.last?;
        let pruned = floor > last + 1;
        let ahead = last > head;
        (pruned || ahead).then(|| {
            self.last = Some(head);
            self.buffer.clear();
            reset_event()
        })
    }
}

fn reset_event() -> Event {
    Event::default().event("reset").data("{}")
}

/// The SSE id of `entry`: `EPOCH-ID`.
fn to_event(epoch: &str, entry: &JournalEntry) -> Event {
    Event::default()
        .id(format!("{epoch}-{}", entry.id))
        .event(entry.kind.as_str())
        .data(entry.data.to_string())
}

#[cfg(test)]
mod tests {
    use futures_util::future::BoxFuture;
    use serde_json::json;
    use shared::events::EventKind;

    use super::*;
    use crate::store::{Batch, Snapshot, StoreError};

    /// A journal holding ids `floor..=head` whose live channel holds one entry.
    struct PrunedJournal {
        floor: u64,
        head: u64,
        live: broadcast::Sender<JournalEntry>,
    }

    fn entry(id: u64) -> JournalEntry {
        JournalEntry {
            id,
            kind: EventKind::Server,
            data: json!({"ServerName": format!("s{id}")}),
        }
    }

    impl Store for PrunedJournal {
        fn load(&self) -> BoxFuture<'_, Result<Snapshot, StoreError>> {
            Box::pin(async { Ok(Snapshot::default()) })
        }
        fn commit(&self, _: Batch) -> BoxFuture<'static, Result<(), StoreError>> {
            Box::pin(async { Ok(()) })
        }
        fn journal_since(
            &self,
            after: u64,
            limit: usize,
        ) -> BoxFuture<'static, Result<Vec<JournalEntry>, StoreError>> {
            let from = after.max(self.floor - 1) + 1;
            let entries = (from..=self.head).take(limit).map(entry).collect();
            Box::pin(async move { Ok(entries) })
        }
        fn journal_bounds(&self) -> BoxFuture<'static, Result<(u64, u64), StoreError>> {
            let bounds = (self.floor, self.head);
            Box::pin(async move { Ok(bounds) })
        }
        fn subscribe(&self) -> broadcast::Receiver<JournalEntry> {
            self.live.subscribe()
        }
        fn epoch(&self) -> &str {
            "e"
        }
        fn describe(&self) -> String {
            "a pruned journal".to_owned()
        }
    }

    #[tokio::test]
    async fn a_stream_that_lags_behind_pruning_gets_a_reset_not_a_gap() {
        let (live, _) = broadcast::channel(1);
        let store = Arc::new(PrunedJournal {
            floor: 100,
            head: 200,
            live,
        });
        let slots = Arc::new(Semaphore::new(1));
        let mut feed = Feed {
            store: store.clone(),
            epoch: "e".to_owned(),
            live: store.subscribe(),
            last: Some(10),
            replaying: false,
            buffer: VecDeque::new(),
            check_floor: false,
            foreign: false,
            closing: watch::channel(false).1,
            _slot: slots.try_acquire_owned().unwrap(),
        };
        // The client was at 10, live; two entries overflow its channel while
        // the journal has meanwhile been pruned up to 99.
        store.live.send(entry(11)).unwrap();
        store.live.send(entry(12)).unwrap();
        let first = feed.next_event().await.unwrap();
        assert_eq!(format!("{first:?}"), format!("{:?}", reset_event()));
        assert_eq!(feed.last, Some(200), "then on from the journal's head");
    }

    #[test]
    fn an_event_id_resumes_only_in_its_own_journal() {
        assert_eq!(Resume::parse(None, "ab"), Resume::Fresh);
        assert_eq!(Resume::parse(Some(" "), "ab"), Resume::Fresh);
        assert_eq!(Resume::parse(Some("ab-7"), "ab"), Resume::After(7));
        assert_eq!(Resume::parse(Some("cd-7"), "ab"), Resume::Foreign);
        assert_eq!(Resume::parse(Some("7"), "ab"), Resume::Foreign);
        assert_eq!(Resume::parse(Some("ab-x"), "ab"), Resume::Foreign);
        assert_eq!(
            Resume::parse(Some("ab-99999999999999999999999"), "ab"),
            Resume::Foreign
        );
    }
}
