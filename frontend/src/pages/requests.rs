//! The Requests page at `/requests`: the calls the wire door (SDKs, the
//! CLI) and the console door answered, newest first, as `GET /api/requests`
//! lists them and `GET /api/requests/stream` adds them live. Filters by
//! service, door and outcome plus the text filter; each call links to the
//! resource it named or made.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::requests::{Door, LOG_CAPACITY, REQUEST_EVENT, RequestEntry, ResourceRef};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{EventSource, MessageEvent};

use crate::api::{self, ApiError};
use crate::components::field::FormError;
use crate::components::panel::{Level, Panel};
use crate::components::resource_table::{ListControls, ListRow, ResourceTable, list_columns};
use crate::pages::cloudhsm::{backup_href, cluster_href};

list_columns! {
    /// The columns of the requests table.
    COLUMNS = [
        "Time" => BY_TIME,
        "Door" => BY_DOOR,
        "Region" => BY_REGION,
        "Service" => BY_SERVICE,
        "Operation" => BY_OPERATION,
        "Status" => BY_STATUS,
        "Latency" => BY_LATENCY,
        "Request ID",
        "Resource",
    ]
}

/// Which outcomes the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    All,
    Errors,
    Successes,
}

impl Outcome {
    fn parse(value: &str) -> Self {
        match value {
            "errors" => Self::Errors,
            "successes" => Self::Successes,
            _ => Self::All,
        }
    }

    fn matches(self, entry: &RequestEntry) -> bool {
        match self {
            Self::All => true,
            Self::Errors => entry.status >= 400,
            Self::Successes => entry.status < 400,
        }
    }
}

/// The page's own filters (the text filter is the list kit's).
#[derive(Debug, Clone, Copy)]
struct Filters {
    service: RwSignal<String>,
    door: RwSignal<String>,
    outcome: RwSignal<Outcome>,
}

impl Filters {
    fn matches(&self, entry: &RequestEntry) -> bool {
        let door = match entry.door {
            Door::Wire => "wire",
            Door::Console => "console",
        };
        self.service.with(|s| s.is_empty() || *s == entry.service)
            && self.door.with(|d| d.is_empty() || d == door)
            && self.outcome.get().matches(entry)
    }

    fn clear(&self) {
        self.service.set(String::new());
        self.door.set(String::new());
        self.outcome.set(Outcome::All);
    }
}

/// How the controls see a call: found by operation, service, error code,
/// request id or resource; sorted by its place in the log, door, region,
/// service, operation, status or latency.
fn list_row(entry: &RequestEntry) -> ListRow {
    let resource = entry
        .resource
        .as_ref()
        .map(|r| r.id.clone())
        .unwrap_or_default();
    ListRow {
        key: entry.id.to_string(),
        search: vec![
            entry.operation.clone(),
            entry.service.clone(),
            entry.error_code.clone().unwrap_or_default(),
            entry.request_id.clone(),
            resource,
        ],
        sort: vec![
            format!("{:020}", entry.id),
            door_label(entry.door).to_owned(),
            entry.region.clone(),
            entry.service.clone(),
            entry.operation.clone(),
            format!("{:03}", entry.status),
            format!("{:012.3}", entry.latency_ms),
        ],
    }
}

fn door_label(door: Door) -> &'static str {
    match door {
        Door::Wire => "wire",
        Door::Console => "console",
    }
}

/// Puts `entry` in front of `log` (once), keeping at most the backend's capacity.
fn prepend(log: &mut Vec<RequestEntry>, entry: RequestEntry) {
    if log.iter().any(|e| e.id == entry.id) {
        return;
    }
    log.insert(0, entry);
    log.truncate(LOG_CAPACITY);
}

/// The console page of the resource a call named or made, if it has one.
fn resource_href(entry: &RequestEntry, resource: &ResourceRef) -> Option<String> {
    let id = resource.id.as_str();
    match (entry.service.as_str(), resource.kind.as_str()) {
        ("opsworks-cm", "server") => Some(format!("/servers/{id}")),
        // Backup ids are `ServerName-yyyyMMddHHmmssSSS`.
        ("opsworks-cm", "backup") => id
            .rsplit_once('-')
            .map(|(server, _)| format!("/servers/{server}/backups")),
        ("cloudhsmv2", "cluster") => Some(cluster_href(&entry.region, id)),
        ("cloudhsmv2", "backup") => Some(backup_href(&entry.region, id)),
        (_, "arn") => arn_href(&entry.region, id),
        _ => None,
    }
}

/// The page of a resource ARN: an OpsWorks CM server, a CloudHSM cluster
/// or backup.
fn arn_href(region: &str, arn: &str) -> Option<String> {
    let resource = arn.splitn(6, ':').nth(5)?;
    let (kind, rest) = resource.split_once('/')?;
    let first = rest.split('/').next()?;
    match kind {
        "server" => Some(format!("/servers/{first}")),
        "cluster" => Some(cluster_href(region, first)),
        "backup" if first.starts_with("backup-") => Some(backup_href(region, first)),
        "backup" => first
            .rsplit_once('-')
            .map(|(server, _)| format!("/servers/{server}/backups")),
        _ => None,
    }
}

/// The live stream of the log while the page is open.
struct Stream {
    source: EventSource,
    _handlers: Vec<Closure<dyn FnMut(MessageEvent)>>,
}

/// Opens the stream: each call is put in front of `log`; each (re)open
/// lists again, so nothing missed while disconnected stays missing.
fn open_stream(log: RwSignal<Vec<RequestEntry>>, reload: impl Fn() + 'static) -> Option<Stream> {
    let source = EventSource::new(shared::requests::REQUESTS_STREAM_PATH).ok()?;
    let on_request = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let Some(text) = event.data().as_string() else {
            return;
        };
        if let Ok(entry) = serde_json::from_str::<RequestEntry>(&text) {
            log.try_update(|log| prepend(log, entry));
        }
    });
    let on_open = Closure::<dyn FnMut(MessageEvent)>::new(move |_| reload());
    source
        .add_event_listener_with_callback(REQUEST_EVENT, on_request.as_ref().unchecked_ref())
        .ok()?;
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    Some(Stream {
        source,
        _handlers: vec![on_request, on_open],
    })
}

/// `/requests`.
#[component]
pub fn RequestsPage() -> impl IntoView {
    let log = RwSignal::new(Vec::<RequestEntry>::new());
    let loaded = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let reload = move || {
        spawn_local(async move {
            match api::requests::list().await {
                Ok(fresh) => {
                    // Calls streamed while the list was on its way stay.
                    log.try_update(|log| {
                        let streamed: Vec<RequestEntry> = log
                            .iter()
                            .filter(|e| fresh.first().is_none_or(|newest| e.id > newest.id))
                            .cloned()
                            .collect();
                        *log = fresh;
                        for entry in streamed.into_iter().rev() {
                            prepend(log, entry);
                        }
                    });
                    error.try_set(None);
                }
                Err(err) => {
                    error.try_set(Some(err));
                }
            }
            loaded.try_set(true);
        });
    };
    reload();
    let stream = StoredValue::new_local(open_stream(log, reload));
    on_cleanup(move || {
        if let Some(Some(stream)) = stream.try_update_value(Option::take) {
            stream.source.close();
        }
    });

    let filters = Filters {
        service: RwSignal::new(String::new()),
        door: RwSignal::new(String::new()),
        outcome: RwSignal::new(Outcome::All),
    };
    let controls = ListControls::new(BY_TIME, false);
    let listing = Memo::new(move |_| {
        let rows = log.with(|log| {
            log.iter()
                .filter(|e| filters.matches(e))
                .map(list_row)
                .collect()
        });
        controls.list(rows)
    });
    let total = Signal::derive(move || log.with(Vec::len));
    let menus = move || view! { <FilterMenus filters=filters /> }.into_any();

    view! {
        <Panel id="requests-heading" title="Requests" level=Level::H2 actions=move || view! {
                <span class="count" role="status">
                    {move || match total.get() {
                        1 => "1 call".to_owned(),
                        n => format!("{n} calls"),
                    }}
                </span>
            }>
            <p class="muted section-intro">
                "Every call the AWS wire protocol (SDKs, the AWS CLI) and this console made, \
                 newest first, as it ends. The last " {LOG_CAPACITY} " are kept."
            </p>
            <FormError title="Could not load the requests" error=error />
            <ResourceTable
                controls=controls
                listing=listing
                label="Find requests"
                labelledby="requests-heading"
                columns=COLUMNS
                no_matches="No request matches the filters."
                also_clear=Callback::new(move |()| filters.clear())
                total=total
                filters=Box::new(menus)
            >
                <For each=move || listing.with(|l| l.keys.clone()) key=String::clone let:key>
                    {log.with_untracked(|log| log.iter().find(|e| e.id.to_string() == key).cloned())
                        .map(|entry| view! { <RequestRow entry=entry /> })}
                </For>
            </ResourceTable>
            <Show when=move || loaded.get() && total.get() == 0>
                <div class="empty">
                    <p class="empty-title">"No requests yet"</p>
                    <p>"Calls appear here as SDKs, the AWS CLI or this console make them."</p>
                </div>
            </Show>
        </Panel>
    }
}

/// The service, door and outcome menus before the text filter.
#[component]
fn FilterMenus(filters: Filters) -> impl IntoView {
    let (service, door, outcome) = (filters.service, filters.door, filters.outcome);
    view! {
        <label for="requests-service-filter">"Service"</label>
        <select
            id="requests-service-filter"
            on:change=move |ev| service.set(event_target_value(&ev))
        >
            <option value="" selected=move || service.with(String::is_empty)>"All services"</option>
            <option value="opsworks-cm" selected=move || service.with(|s| s == "opsworks-cm")>
                "OpsWorks CM"
            </option>
            <option value="cloudhsmv2" selected=move || service.with(|s| s == "cloudhsmv2")>
                "CloudHSM"
            </option>
        </select>
        <label for="requests-door-filter">"Door"</label>
        <select id="requests-door-filter" on:change=move |ev| door.set(event_target_value(&ev))>
            <option value="" selected=move || door.with(String::is_empty)>"Both doors"</option>
            <option value="wire" selected=move || door.with(|d| d == "wire")>"Wire (SDK, CLI)"</option>
            <option value="console" selected=move || door.with(|d| d == "console")>"Console"</option>
        </select>
        <label for="requests-outcome-filter">"Outcome"</label>
        <select
            id="requests-outcome-filter"
            on:change=move |ev| outcome.set(Outcome::parse(&event_target_value(&ev)))
        >
            <option value="all" selected=move || outcome.get() == Outcome::All>"All outcomes"</option>
            <option value="errors" selected=move || outcome.get() == Outcome::Errors>"Errors"</option>
            <option value="successes" selected=move || outcome.get() == Outcome::Successes>
                "Successes"
            </option>
        </select>
    }
}

/// One call.
#[component]
fn RequestRow(entry: RequestEntry) -> impl IntoView {
    let time = entry
        .time
        .get(11..23)
        .map_or_else(|| entry.time.clone(), str::to_owned);
    let status_class = if entry.status >= 400 {
        "status status-error"
    } else {
        "status status-ok"
    };
    let status = match &entry.error_code {
        Some(code) => format!("{} {code}", entry.status),
        None => entry.status.to_string(),
    };
    let resource = entry
        .resource
        .clone()
        .map(|resource| match resource_href(&entry, &resource) {
            Some(href) => view! { <a href=href class="mono">{resource.id}</a> }.into_any(),
            None => view! { <span class="mono">{resource.id}</span> }.into_any(),
        });
    view! {
        <tr>
            <td title=entry.time.clone()>{time}</td>
            <td>{door_label(entry.door)}</td>
            <td>{entry.region.clone()}</td>
            <td>{entry.service.clone()}</td>
            <th scope="row">{entry.operation.clone()}</th>
            <td class=status_class>{status}</td>
            <td class="num">{format!("{:.1} ms", entry.latency_ms)}</td>
            <td class="mono">{entry.request_id.clone()}</td>
            <td>{resource}</td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(service: &str, region: &str) -> RequestEntry {
        RequestEntry {
            id: 1,
            time: "2026-12-04T20:00:00.000Z".to_owned(),
            door: Door::Wire,
            region: region.to_owned(),
            service: service.to_owned(),
            operation: "X".to_owned(),
            status: 200,
            error_code: None,
            latency_ms: 1.0,
            request_id: "r".to_owned(),
            resource: None,
        }
    }

    fn resource(kind: &str, id: &str) -> ResourceRef {
        ResourceRef {
            kind: kind.to_owned(),
            id: id.to_owned(),
        }
    }

    #[test]
    fn each_resource_links_to_its_page() {
        let ops = entry("opsworks-cm", "us-east-1");
        let hsm = entry("cloudhsmv2", "eu-west-1");
        let href = |e: &RequestEntry, kind, id| resource_href(e, &resource(kind, id));
        assert_eq!(href(&ops, "server", "web").as_deref(), Some("/servers/web"));
        assert_eq!(
            href(&ops, "backup", "web-20260101000000000").as_deref(),
            Some("/servers/web/backups")
        );
        assert_eq!(
            href(&hsm, "cluster", "cluster-abc").as_deref(),
            Some("/cloudhsm/clusters/cluster-abc?region=eu-west-1")
        );
        assert_eq!(
            href(
                &hsm,
                "arn",
                "arn:aws:cloudhsm:eu-west-1:123456789012:backup/backup-xyz"
            )
            .as_deref(),
            Some("/cloudhsm/backups/backup-xyz?region=eu-west-1")
        );
        assert_eq!(
            href(
                &ops,
                "arn",
                "arn:aws:opsworks-cm:us-east-1:123456789012:server/web/uuid"
            )
            .as_deref(),
            Some("/servers/web")
        );
        assert_eq!(href(&ops, "arn", "not an arn"), None);
    }

    #[test]
    fn a_call_is_prepended_once_and_the_log_stays_bounded() {
        let mut log = Vec::new();
        for id in 1..=(LOG_CAPACITY as u64 + 2) {
            prepend(
                &mut log,
                RequestEntry {
                    id,
                    ..entry("opsworks-cm", "us-east-1")
                },
            );
        }
        prepend(
            &mut log,
            RequestEntry {
                id: 5,
                ..entry("opsworks-cm", "us-east-1")
            },
        );
        assert_eq!(log.len(), LOG_CAPACITY);
        assert_eq!(log[0].id, LOG_CAPACITY as u64 + 2);
    }
}
