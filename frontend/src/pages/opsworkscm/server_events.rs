//! The Events tab of the server details page: DescribeEvents a page at a time
//! (newest first, "Load older events" follows NextToken), kept live: each
//! `server-event` for the server refetches the newest page and prepends what
//! is new, keeping the older pages already loaded. The events loaded are
//! filtered, sorted and paged with the list kit (all on one page until a
//! page size is chosen).

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::opsworkscm::{DescribeEventsResponse, Operation, ServerEvent};

use crate::api::{self, ApiError};
use crate::components::busy_button::BusyButton;
use crate::components::cli::{CopyAsCli, cli_command};
use crate::components::field::FormError;
use crate::components::panel::Panel;
use crate::components::resource_table::{
    ListControls, ListRow, Listing, ResourceTable, list_columns, position_key,
};
use crate::format;
use crate::live::LiveStore;
use crate::pages::opsworkscm::server_details::current;

/// Events per DescribeEvents page.
const PAGE_SIZE: i64 = 25;

list_columns! {
    /// The columns of the events table.
    COLUMNS = ["Time" => BY_TIME, "Message" => BY_MESSAGE, "Log"]
}

/// The event at `index` of a log of `len` events (newest first) as the
/// list's controls see it: found by message or log URL; sorted by its
/// place in time (exact, even within one second) or by message. Its key is
/// its index.
fn list_row(index: usize, len: usize, event: &ServerEvent) -> ListRow {
    let message = event.message.clone().unwrap_or_default();
    ListRow {
        key: index.to_string(),
        search: vec![message.clone(), event.log_url.clone().unwrap_or_default()],
        sort: vec![position_key(index, len), message],
    }
}

/// The events of a server loaded so far, newest first, and where the next
/// older page starts.
#[derive(Debug, Clone, Default, PartialEq)]
struct EventLog {
    server: String,
    events: Vec<ServerEvent>,
    next_token: Option<String>,
}

/// How a fresh newest page joined the log.
#[derive(Debug, Clone, PartialEq)]
enum Merged {
    /// New events went in front; the older pages stay.
    Prepended(EventLog),
    /// The log restarts from the fresh page.
    StartedOver(EventLog),
}

/// Puts a fresh newest page of `server` in front of `current`.
///
/// Events never change and keep their order, so the fresh page ends where
/// `current` begins: the smallest `j` with `fresh[j..]` lined up with the
/// start of `current` says that `fresh[..j]` is new. When nothing lines up,
/// more than a page arrived at once: start over from the fresh page.
fn merge_newest(server: &str, current: Option<&EventLog>, fresh: DescribeEventsResponse) -> Merged {
    let replace = |fresh: DescribeEventsResponse| {
        Merged::StartedOver(EventLog {
            server: server.to_owned(),
            events: fresh.server_events,
            next_token: fresh.next_token,
        })
    };
    let Some(current) = current.filter(|c| c.server == server && !c.events.is_empty()) else {
        return replace(fresh);
    };
    let lined_up = (0..fresh.server_events.len()).find(|&j| {
        fresh.server_events[j..]
            .iter()
            .zip(&current.events)
            .all(|(a, b)| a == b)
    });
    match lined_up {
        Some(j) => {
            let mut events = fresh.server_events[..j].to_vec();
            events.extend(current.events.iter().cloned());
            Merged::Prepended(EventLog {
                server: server.to_owned(),
                events,
                next_token: current.next_token.clone(),
            })
        }
        None => replace(fresh),
    }
}

/// Events tab.
#[component]
pub fn EventsTab() -> impl IntoView {
    let live = LiveStore::expect();
    let name = current();
    let stored = RwSignal::new(None::<EventLog>);
    // The log of the server in the URL; `None` while its first page loads.
    let log = Memo::new(move |_| {
        let server = name.get();
        stored.with(|l| l.clone().filter(|l| l.server == server))
    });
    let error = RwSignal::new(None::<ApiError>);
    let loading_older = RwSignal::new(false);
    // Bumped by every newest-page request (only the last one's answer counts)
    // and by every start-over (an older page for the old list is dropped).
    let head_request = StoredValue::new(0_u64);
    let generation = StoredValue::new(0_u64);

    let load_newest = move |server: String| {
        head_request.update_value(|n| *n += 1);
        let request = head_request.get_value();
        spawn_local(async move {
            let answer = api::opsworkscm::describe_events_page(&server, None, PAGE_SIZE).await;
            // Gone (the tab was left) or overtaken by a newer request.
            if head_request.try_get_value() != Some(request) {
                return;
            }
            match answer {
                Ok(page) => {
                    let Some(merged) = stored.try_with_untracked(|current| {
                        merge_newest(&server, current.as_ref(), page)
                    }) else {
                        return;
                    };
                    let merged = match merged {
                        Merged::Prepended(log) => log,
                        Merged::StartedOver(log) => {
                            generation.update_value(|g| *g += 1);
                            log
                        }
                    };
                    error.set(None);
                    stored.set(Some(merged));
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    // The server's events changed (or another server was opened): fetch the newest page.
    Effect::new(move |_| {
        let server = name.get();
        let _tick = live.server_event_tick(&server);
        load_newest(server);
    });
    let load_older = move |_| {
        let Some(token) = log.with_untracked(|l| l.as_ref().and_then(|l| l.next_token.clone()))
        else {
            return;
        };
        let server = name.get_untracked();
        let started_in = generation.get_value();
        loading_older.set(true);
        spawn_local(async move {
            let answer =
                api::opsworkscm::describe_events_page(&server, Some(&token), PAGE_SIZE).await;
            loading_older.set(false);
            // Gone, or the list started over since this page was asked for.
            if generation.try_get_value() != Some(started_in) {
                return;
            }
            match answer {
                Ok(page) => {
                    error.set(None);
                    stored.update(|l| {
                        if let Some(l) = l {
                            l.events.extend(page.server_events);
                            l.next_token = page.next_token;
                        }
                    });
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    let count = move || log.with(|l| l.as_ref().map_or(0, |l| l.events.len()));
    // Newest first, as DescribeEvents lists them.
    let controls = ListControls::new(BY_TIME, false).showing_all();
    let listing = Memo::new(move |_| {
        let rows = log.with(|l| {
            l.as_ref().map_or_else(Vec::new, |l| {
                let len = l.events.len();
                l.events
                    .iter()
                    .enumerate()
                    .map(|(i, e)| list_row(i, len, e))
                    .collect()
            })
        });
        controls.list(rows)
    });
    let has_older = move || log.with(|l| l.as_ref().is_some_and(|l| l.next_token.is_some()));

    view! {
        <Panel id="events-heading" title="Events" actions=move || view! {
                <span class="count" role="status">
                    {move || {
                        if has_older() {
                            format!("{} newest shown", count())
                        } else {
                            format!("{} shown, all loaded", count())
                        }
                    }}
                </span>
            }>
            <div class="panel-cli">
                <CopyAsCli command=Signal::derive(move || {
                    api::opsworkscm::describe_events_request(&name.get(), None, PAGE_SIZE)
                        .ok()
                        .map(|request| cli_command(Operation::DescribeEvents, &request))
                }) />
            </div>
            <FormError title="Could not load events" error=error />
            {move || match log.with(|l| l.as_ref().map(|l| l.events.is_empty())) {
                None => view! { <p class="loading" role="status">"Loading events…"</p> }.into_any(),
                Some(true) => {
                    view! { <div class="empty"><p class="empty-title">"No events"</p></div> }.into_any()
                }
                Some(false) => ().into_any(),
            }}
            <Show when=move || { count() > 0 }>
                <ResourceTable
                    controls=controls
                    listing=listing
                    label="Find events"
                    labelledby="events-heading"
                    columns=COLUMNS
                    no_matches="No loaded event matches the filter."
                >
                    <EventRows log=log listing=listing />
                </ResourceTable>
            </Show>
            <Show when=has_older>
                <div class="pager">
                    <BusyButton busy=loading_older kind="button" on_click=load_older>
                        {move || if loading_older.get() { "Loading…" } else { "Load older events" }}
                    </BusyButton>
                </div>
            </Show>
        </Panel>
    }
}

/// The rows of the loaded events on the controls' page.
#[component]
fn EventRows(log: Memo<Option<EventLog>>, listing: Memo<Listing>) -> impl IntoView {
    move || {
        let keys = listing.with(|l| l.keys.clone());
        log.with(|l| {
            let events = l.as_ref().map_or(&[][..], |l| &l.events[..]);
            keys.iter()
                .filter_map(|key| key.parse::<usize>().ok().and_then(|i| events.get(i)))
                .map(|event| {
                    view! {
                        <tr>
                            <td class="nowrap">{format::time(event.created_at)}</td>
                            <td>{format::or_dash(event.message.as_deref())}</td>
                            <td class="mono">{format::or_dash(event.log_url.as_deref())}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(n: u32) -> ServerEvent {
        ServerEvent {
            message: Some(format!("event {n}")),
            ..ServerEvent::default()
        }
    }

    #[test]
    fn events_sort_by_their_place_in_time_and_are_found_by_message() {
        let log: Vec<ServerEvent> = (0..12).rev().map(event).collect();
        let rows: Vec<ListRow> = log
            .iter()
            .enumerate()
            .map(|(i, e)| list_row(i, log.len(), e))
            .collect();
        // Index 0 is the newest, so it has the greatest place in time.
        assert!(rows[0].sort[BY_TIME] > rows[11].sort[BY_TIME]);
        assert!(rows[10].sort[BY_TIME] > rows[11].sort[BY_TIME]);
        assert_eq!(rows[0].search[0], "event 11");
    }

    fn page(numbers: &[u32], next_token: Option<&str>) -> DescribeEventsResponse {
        DescribeEventsResponse {
            server_events: numbers.iter().copied().map(event).collect(),
            next_token: next_token.map(str::to_owned),
        }
    }

    fn numbers(log: &EventLog) -> Vec<u32> {
        log.events
            .iter()
            .map(|e| e.message.as_deref().unwrap()[6..].parse().unwrap())
            .collect()
    }

    fn log(numbers: &[u32], next_token: Option<&str>) -> EventLog {
        EventLog {
            server: "web".to_owned(),
            events: numbers.iter().copied().map(event).collect(),
            next_token: next_token.map(str::to_owned),
        }
    }

    fn prepended(merged: Merged) -> EventLog {
        match merged {
            Merged::Prepended(log) => log,
            Merged::StartedOver(log) => panic!("started over: {log:?}"),
        }
    }

    fn started_over(merged: Merged) -> EventLog {
        match merged {
            Merged::StartedOver(log) => log,
            Merged::Prepended(log) => panic!("prepended: {log:?}"),
        }
    }

    #[test]
    fn first_page_is_taken_as_is() {
        let log = started_over(merge_newest("web", None, page(&[5, 4, 3], Some("t"))));
        assert_eq!(numbers(&log), [5, 4, 3]);
        assert_eq!(log.next_token.as_deref(), Some("t"));
    }

    #[test]
    fn another_server_starts_over() {
        let current = log(&[2, 1], None);
        let fresh = started_over(merge_newest("db", Some(&current), page(&[2, 1], None)));
        assert_eq!(fresh.server, "db");
    }

    #[test]
    fn new_events_are_prepended_and_older_pages_kept() {
        // Two pages loaded (5..1), the older page's token used up.
        let current = log(&[5, 4, 3, 2, 1], None);
        let merged = prepended(merge_newest(
            "web",
            Some(&current),
            page(&[7, 6, 5], Some("t-new")),
        ));
        assert_eq!(numbers(&merged), [7, 6, 5, 4, 3, 2, 1]);
        // The older pages' position is kept: the fresh page's token would repeat 4..1.
        assert_eq!(merged.next_token, None);
        let again = prepended(merge_newest("web", Some(&merged), page(&[7, 6, 5], None)));
        assert_eq!(again, merged);
    }

    #[test]
    fn repeated_messages_line_up_on_the_whole_overlap() {
        let current = log(&[1, 1, 2], None);
        let merged = prepended(merge_newest(
            "web",
            Some(&current),
            page(&[1, 1, 1, 2], None),
        ));
        assert_eq!(numbers(&merged), [1, 1, 1, 2]);
    }

    #[test]
    fn more_than_a_page_of_news_starts_over() {
        let current = log(&[3, 2, 1], None);
        let merged = started_over(merge_newest(
            "web",
            Some(&current),
            page(&[9, 8, 7], Some("t9")),
        ));
        assert_eq!(numbers(&merged), [9, 8, 7]);
        assert_eq!(merged.next_token.as_deref(), Some("t9"));
    }
}
