//! `GET /metrics`: Prometheus text format, through the `metrics` facade and
//! `metrics-exporter-prometheus`: calls by door, service, operation and
//! code with their latency, transitions in flight, live streams open and
//! store commit latency.

use std::sync::OnceLock;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use shared::requests::Door;
use shared::service::Service;

use super::AppState;
use super::requests::CallRecord;

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

/// Counts one answered call and its latency. Unknown operations count as
/// `unknown`, so clients cannot grow the label set without bound.
pub fn record_call(record: &CallRecord, status: u16, elapsed: Duration) {
    let service = Service::ALL
        .into_iter()
        .find(|s| s.endpoint_prefix() == record.service);
    let operation = match service {
        Some(service) if crate::target::resolve(service, &record.operation).is_ok() => {
            record.operation.clone()
        }
        _ => "unknown".to_owned(),
    };
    let service = service.map_or("unknown", Service::endpoint_prefix);
    let door = match record.door {
        Door::Wire => "wire",
        Door::Console => "console",
    };
    let code = record
        .error_code
        .clone()
        .unwrap_or_else(|| status.to_string());
    metrics::counter!(
        "cmconsole_requests_total",
        "door" => door,
        "service" => service,
        "operation" => operation.clone(),
        "code" => code,
    )
    .increment(1);
    metrics::histogram!(
        "cmconsole_request_duration_seconds",
        "service" => service,
        "operation" => operation,
    )
    .record(elapsed.as_secs_f64());
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
