//! The request log: a bounded ring of the calls the wire and console doors
//! answered (time, door, region, service, operation, status, error code,
//! latency, request id, the resource named), at `GET /api/requests` and
//! streamed live at `GET /api/requests/stream`; and the request metrics
//! recorded from the same observation.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{Query, Request, State};
use axum::middleware::Next;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;
use shared::requests::{Door, LOG_CAPACITY, REQUEST_EVENT, RequestEntry, RequestList, ResourceRef};
use tokio::sync::broadcast;

use super::AppState;

/// What a door tells the log about the call it answered (a response
/// extension; the middleware adds status and latency).
#[derive(Debug, Clone)]
pub struct CallRecord {
    /// Which door.
    pub door: Door,
    /// The service's endpoint prefix, empty when the call named none.
    pub service: String,
    /// The operation as named.
    pub operation: String,
    /// The region addressed.
    pub region: String,
    /// The answer's request id.
    pub request_id: String,
    /// The AWS error code, for an error.
    pub error_code: Option<String>,
    /// The resource named or made.
    pub resource: Option<ResourceRef>,
}

impl CallRecord {
    /// What `door` answered to a call of `operation` of `service` (endpoint
    /// prefix, empty when it named none) with the request `body`: `result`.
    pub fn of(
        door: Door,
        (service, operation): (String, String),
        ctx: &crate::target::RequestContext,
        body: &[u8],
        result: &Result<Vec<u8>, crate::error::ServiceError>,
    ) -> Self {
        Self {
            door,
            region: ctx.region.clone().unwrap_or_default(),
            request_id: ctx.request_id.clone(),
            error_code: result.as_ref().err().map(|e| e.code_str().to_owned()),
            // A read's answer lists resources (and may be large): only a
            // write's answer names the one it made.
            resource: touched(
                body,
                result
                    .as_deref()
                    .ok()
                    .filter(|_| !shared::service::Service::is_read_operation(&operation)),
            ),
            service,
            operation,
        }
    }

    /// The same, with `home` as the region when the call named none.
    #[must_use]
    pub fn in_region(mut self, home: &str) -> Self {
        if self.region.is_empty() {
            home.clone_into(&mut self.region);
        }
        self
    }
}

/// The ring of logged calls and the channel that streams them.
#[derive(Debug)]
pub struct RequestLog {
    entries: Mutex<(u64, VecDeque<Logged>)>,
    live: broadcast::Sender<RequestEntry>,
}

impl Default for RequestLog {
    fn default() -> Self {
        Self {
            entries: Mutex::new((0, VecDeque::with_capacity(LOG_CAPACITY))),
            live: broadcast::Sender::new(256),
        }
    }
}

/// One call in the ring: its entry, and when it ended, written out only
/// when someone reads it (formatting it for every call cost more than
/// logging the rest).
#[derive(Debug)]
struct Logged {
    ended: chrono::DateTime<chrono::Utc>,
    entry: RequestEntry,
}

impl Logged {
    /// The entry with its time written out.
    fn written(&self) -> RequestEntry {
        RequestEntry {
            time: self
                .ended
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            ..self.entry.clone()
        }
    }
}

impl RequestLog {
    fn push(&self, record: CallRecord, status: u16, latency_ms: f64) {
        let ended = wall_clock_now();
        let live = {
            let mut guard = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            let (next, ring) = &mut *guard;
            *next += 1;
            let logged = Logged {
                ended,
                entry: RequestEntry {
                    id: *next,
                    time: String::new(),
                    door: record.door,
                    region: record.region,
                    service: record.service,
                    operation: record.operation,
                    status,
                    error_code: record.error_code,
                    latency_ms,
                    request_id: record.request_id,
                    resource: record.resource,
                },
            };
            if ring.len() == LOG_CAPACITY {
                ring.pop_front();
            }
            // Copied for the live stream only when someone listens.
            let copy = (self.live.receiver_count() > 0).then(|| logged.written());
            ring.push_back(logged);
            copy
        };
        if let Some(entry) = live {
            let _ = self.live.send(entry);
        }
    }

    /// The newest entries matching `filter`, newest first.
    fn list(&self, filter: &ListQuery) -> Vec<RequestEntry> {
        let guard = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        guard
            .1
            .iter()
            .rev()
            .filter(|logged| filter.matches(&logged.entry))
            .take(filter.limit.unwrap_or(LOG_CAPACITY).min(LOG_CAPACITY))
            .map(Logged::written)
            .collect()
    }
}

/// The wall-clock time of a call's end: the log says when it happened
/// for the person reading it, not the simulated time.
#[allow(
    clippy::disallowed_methods,
    reason = "the log tells real time, not the simulator's clock"
)]
fn wall_clock_now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

/// Records every answer a door marked with a [`CallRecord`]: in the log
/// and in the request metrics.
pub async fn observe(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let mut response = next.run(request).await;
    record(&app, &mut response, started);
    response
}

/// Logs and counts `response`, begun at `started`, if its door marked it
/// with a [`CallRecord`].
fn record(app: &AppState, response: &mut Response, started: Instant) {
    if let Some(record) = response.extensions_mut().remove::<CallRecord>() {
        log(app, record, response.status(), started);
    }
}

/// Logs and counts the call `record` describes, begun at `started` and
/// answered with `status`.
pub(crate) fn log(
    app: &AppState,
    record: CallRecord,
    status: axum::http::StatusCode,
    started: Instant,
) {
    let elapsed = started.elapsed();
    let code = record.error_code.as_deref().unwrap_or(status.as_str());
    let call = (record.service.as_str(), record.operation.as_str());
    super::metrics::record_call(record.door, call, code, elapsed);
    app.requests
        .push(record, status.as_u16(), elapsed.as_secs_f64() * 1000.0);
}

/// The query of `GET /api/requests`.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    service: Option<String>,
    operation: Option<String>,
    /// Only calls answered with an error.
    #[serde(default)]
    errors: bool,
    limit: Option<usize>,
}

impl ListQuery {
    fn matches(&self, entry: &RequestEntry) -> bool {
        self.service.as_deref().is_none_or(|s| s == entry.service)
            && self
                .operation
                .as_deref()
                .is_none_or(|o| o == entry.operation)
            && (!self.errors || entry.status >= 400)
    }
}

/// `GET /api/requests`.
pub async fn list(
    State(app): State<AppState>,
    Query(query): Query<ListQuery>,
) -> axum::Json<RequestList> {
    axum::Json(RequestList {
        requests: app.requests.list(&query),
    })
}

/// `GET /api/requests/stream`: each call as it ends.
pub async fn stream(State(app): State<AppState>) -> Response {
    let Some(slot) = super::live::open_slot(&app.live) else {
        return super::live::busy();
    };
    let receiver = app.requests.live.subscribe();
    let closing = app.live.closing();
    let events = futures_util::stream::unfold(
        (receiver, closing, slot),
        |(mut receiver, mut closing, slot)| async move {
            loop {
                let next = tokio::select! {
                    next = receiver.recv() => next,
                    _ = closing.wait_for(|closing| *closing) => return None,
                };
                match next {
                    Ok(entry) => {
                        let event = Event::default()
                            .event(REQUEST_EVENT)
                            .id(entry.id.to_string())
                            .json_data(&entry)
                            .unwrap_or_default();
                        return Some((Ok::<_, Infallible>(event), (receiver, closing, slot)));
                    }
                    // Missed some: the page lists again when it reconnects.
                    Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            }
        },
    );
    Sse::new(events)
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// The resource a call names (in its request) or makes (in its answer).
pub fn touched(request: &[u8], answer: Option<&[u8]>) -> Option<ResourceRef> {
    let named = serde_json::from_slice::<Named<'_>>(request)
        .ok()
        .and_then(|body| {
            [
                (body.backup_id, "backup"),
                (body.server_name, "server"),
                (body.cluster_id, "cluster"),
                (body.resource_arn, "arn"),
                (body.resource_id, "arn"),
            ]
            .into_iter()
            .find_map(|(member, kind)| match member? {
                Member::Text(id) => named_resource(kind, &id),
                Member::Other(_) => None,
            })
        });
    named.or_else(|| {
        let body = serde_json::from_slice::<Value>(answer?).ok()?;
        [
            ("/Server/ServerName", "server"),
            ("/Backup/BackupId", "backup"),
            ("/Cluster/ClusterId", "cluster"),
        ]
        .into_iter()
        .find_map(|(pointer, kind)| resource(kind, body.pointer(pointer)))
    })
}

/// The members of a request that name a resource, read without building
/// the whole body (every call is logged, reads included).
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Named<'a> {
    #[serde(borrow)]
    backup_id: Option<Member<'a>>,
    #[serde(borrow)]
    server_name: Option<Member<'a>>,
    #[serde(borrow)]
    cluster_id: Option<Member<'a>>,
    #[serde(borrow)]
    resource_arn: Option<Member<'a>>,
    #[serde(borrow)]
    resource_id: Option<Member<'a>>,
}

/// A member's value: text names a resource; anything else does not.
#[derive(Deserialize)]
#[serde(untagged)]
enum Member<'a> {
    Text(#[serde(borrow)] std::borrow::Cow<'a, str>),
    Other(serde::de::IgnoredAny),
}

fn resource(kind: &str, value: Option<&Value>) -> Option<ResourceRef> {
    named_resource(kind, value?.as_str()?)
}

fn named_resource(kind: &str, id: &str) -> Option<ResourceRef> {
    (!id.is_empty() && id.len() <= 2048).then(|| ResourceRef {
        kind: kind.to_owned(),
        id: id.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_resource_comes_from_the_request_else_the_answer() {
        let named = touched(br#"{"ServerName":"web","BackupId":"web-1"}"#, None).unwrap();
        assert_eq!(
            (named.kind.as_str(), named.id.as_str()),
            ("backup", "web-1")
        );
        let made = touched(b"{}", Some(br#"{"Cluster":{"ClusterId":"cluster-abc"}}"#)).unwrap();
        assert_eq!(
            (made.kind.as_str(), made.id.as_str()),
            ("cluster", "cluster-abc")
        );
        assert_eq!(touched(b"not json", Some(b"{}")), None);
        let past_a_number = touched(
            br#"{"BackupId":5,"Filters":{"x":[1]},"ServerName":"w\u0065b"}"#,
            None,
        )
        .unwrap();
        assert_eq!(
            (past_a_number.kind.as_str(), past_a_number.id.as_str()),
            ("server", "web")
        );
        assert_eq!(touched(br#"{"ServerName":""}"#, None), None);
    }

    #[test]
    fn the_ring_keeps_the_newest_and_filters() {
        let log = RequestLog::default();
        for i in 0..LOG_CAPACITY + 5 {
            let record = CallRecord {
                door: Door::Wire,
                service: "opsworks-cm".to_owned(),
                operation: if i % 2 == 0 { "A" } else { "B" }.to_owned(),
                region: "us-east-1".to_owned(),
                request_id: i.to_string(),
                error_code: None,
                resource: None,
            };
            log.push(record, if i % 3 == 0 { 400 } else { 200 }, 1.0);
        }
        let all = log.list(&ListQuery::default());
        assert_eq!(all.len(), LOG_CAPACITY);
        assert_eq!(all[0].id, (LOG_CAPACITY + 5) as u64, "newest first");
        let query = ListQuery {
            operation: Some("A".to_owned()),
            errors: true,
            limit: Some(3),
            ..ListQuery::default()
        };
        let some = log.list(&query);
        assert_eq!(some.len(), 3);
        assert!(some.iter().all(|e| e.operation == "A" && e.status == 400));
    }
}
