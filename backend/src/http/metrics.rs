//! `GET /metrics`: Prometheus text format, through the `metrics` facade and
//! `metrics-exporter-prometheus`: calls by door, service, operation and
//! code with their latency, transitions in flight, live streams open and
//! store commit latency.

use std::cell::RefCell;
use std::sync::OnceLock;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use rustc_hash::FxHashMap;
use shared::requests::Door;
use shared::service::{Call, Service};

use super::AppState;

/// Histogram buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// The process's recorder, installed by the first router built; `None` if
/// another recorder was installed first.
fn handle() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            PrometheusBuilder::new()
                .set_buckets(&BUCKETS)
                .ok()?
                .install_recorder()
                .ok()
        })
        .as_ref()
}

/// Installs the recorder (idempotent).
pub fn install() {
    let _ = handle();
}

/// The metric handles of one `(door, service, operation)`: its latency
/// histogram and a counter per answer code.
struct CallMetrics {
    duration: metrics::Histogram,
    by_code: Vec<(String, metrics::Counter)>,
}

thread_local! {
    /// Handles this thread has used so far, so a call costs a map lookup
    /// rather than building and hashing a labelled key in the registry
    /// (which was a tenth of the wire door's time), and takes no lock that
    /// every worker thread shares. The label set is bounded as the
    /// registry's is: known operations, `unknown`, and the codes answered.
    static HANDLES: RefCell<FxHashMap<CallKey, CallMetrics>> = RefCell::default();
}

/// The door, service and operation (`None`: unknown) of [`HANDLES`].
type CallKey = (Door, Option<Service>, Option<Call>);

/// Counts one answered call (of `door`, to the service and operation
/// named, answered with `code`: an AWS error code or the HTTP status) and
/// its latency. Unknown operations count as `unknown`, so clients cannot
/// grow the label set without bound.
pub fn record_call(door: Door, (service, operation): (&str, &str), code: &str, elapsed: Duration) {
    let service = Service::ALL
        .into_iter()
        .find(|s| s.endpoint_prefix() == service);
    let call = service.and_then(|service| Call::from_name(service, operation));
    HANDLES.with_borrow_mut(|handles| {
        count(handles, (door, service, call), code, elapsed);
    });
}

/// [`record_call`] with this thread's `handles`.
fn count(
    handles: &mut FxHashMap<CallKey, CallMetrics>,
    (door, service, call): CallKey,
    code: &str,
    elapsed: Duration,
) {
    let metrics = handles
        .entry((door, service, call))
        .or_insert_with(|| CallMetrics {
            duration: metrics::histogram!(
                "cmconsole_request_duration_seconds",
                "service" => service_label(service),
                "operation" => operation_label(call),
            ),
            by_code: Vec::new(),
        });
    metrics.duration.record(elapsed.as_secs_f64());
    if let Some((_, counter)) = metrics.by_code.iter().find(|(c, _)| c == code) {
        counter.increment(1);
        return;
    }
    let door = match door {
        Door::Wire => "wire",
        Door::Console => "console",
    };
    let counter = metrics::counter!(
        "cmconsole_requests_total",
        "door" => door,
        "service" => service_label(service),
        "operation" => operation_label(call),
        "code" => code.to_owned(),
    );
    counter.increment(1);
    metrics.by_code.push((code.to_owned(), counter));
}

fn service_label(service: Option<Service>) -> &'static str {
    service.map_or("unknown", Service::endpoint_prefix)
}

fn operation_label(call: Option<Call>) -> &'static str {
    call.map_or("unknown", Call::name)
}

/// Records how long one store commit took.
pub fn record_commit(elapsed: Duration) {
    metrics::histogram!("cmconsole_store_commit_seconds").record(elapsed.as_secs_f64());
}

/// `GET /metrics`.
pub async fn render(State(app): State<AppState>) -> Response {
    let Some(handle) = handle() else {
        return (StatusCode::SERVICE_UNAVAILABLE, "metrics are not recorded").into_response();
    };
    metrics::gauge!("cmconsole_sse_clients").set(app.live.open_count() as f64);
    if let Some(sim) = &app.control {
        for (service, count) in sim.transitions_in_flight() {
            metrics::gauge!(
                "cmconsole_transitions_in_flight",
                "service" => service.endpoint_prefix(),
            )
            .set(count as f64);
        }
    }
    let mut response = handle.render().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}
