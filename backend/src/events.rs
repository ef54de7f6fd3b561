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

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use serde::Deserialize;
use shared::events::JournalEntry;
use tokio::sync::broadcast::{self, error::RecvError};

use crate::app::AppState;
use crate::store::Store;

/// Entries fetched from the store per replay query.
const REPLAY_PAGE: usize = 500;

/// Query parameters (for clients that cannot set headers).
#[derive(Debug, Deserialize)]
pub struct EventsQuery {
    /// Same as the `Last-Event-ID` header.
    #[serde(rename = "lastEventId")]
    last_event_id: Option<u64>,
}

/// `GET /api/events`.
pub async fn stream(
    State(app): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<EventsQuery>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let resume = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .or(query.last_event_id);
    // Subscribe before reading the store so nothing falls between the two.
    let live = app.store.subscribe();
    let feed = Feed {
        store: Arc::clone(&app.store),
        live,
        last: resume,
        replaying: resume.is_some(),
        buffer: VecDeque::new(),
        checked_floor: resume.is_none(),
    };
    let events = futures_util::stream::unfold(feed, |mut feed| async move {
        let event = feed.next().await?;
        Some((Ok(event), feed))
    });
    Sse::new(events).keep_alive(KeepAlive::default())
}

struct Feed {
    store: Arc<dyn Store>,
    live: broadcast::Receiver<JournalEntry>,
    /// Id of the last entry sent (or the client's Last-Event-ID).
    last: Option<u64>,
    /// Whether older entries may still be waiting in the store.
    replaying: bool,
    buffer: VecDeque<JournalEntry>,
    checked_floor: bool,
}

impl Feed {
    async fn next(&mut self) -> Option<Event> {
        if !self.checked_floor {
            self.checked_floor = true;
            if let Some(reset) = self.reset_if_unreachable().await {
                return Some(reset);
            }
        }
        loop {
            if let Some(entry) = self.buffer.pop_front() {
                if self.last.is_some_and(|last| entry.id <= last) {
                    continue;
                }
                self.last = Some(entry.id);
                return Some(to_event(&entry));
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
                        return None;
                    }
                }
            }
            match self.live.recv().await {
                Ok(entry) => self.buffer.push_back(entry),
                Err(RecvError::Lagged(_)) => self.replaying = true,
                Err(RecvError::Closed) => return None,
            }
        }
    }

    /// When the client's position cannot be caught up event by event (it was
    /// pruned from the journal, or it is ahead of it because the journal is
    /// not the one the client saw, e.g. an in-memory server restarted), tell
    /// it to reload everything, then continue from the journal's head.
    async fn reset_if_unreachable(&mut self) -> Option<Event> {
        let last = self.last?;
        let (floor, head) = self.store.journal_bounds().await.ok()?;
        let pruned = floor > last + 1;
        let ahead = last > head;
        (pruned || ahead).then(|| {
            self.last = Some(if ahead { head } else { floor - 1 });
            Event::default().event("reset").data("{}")
        })
    }
}

fn to_event(entry: &JournalEntry) -> Event {
    Event::default()
        .id(entry.id.to_string())
        .event(entry.kind.as_str())
        .data(entry.data.to_string())
}
