//! The console door: `POST /api/<service>/<Operation>` with the same shapes
//! as the wire door and errors as the console envelope, plus `/api/health`
//! and `/api/config`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared::error::ErrorCode;

use super::AppState;
use super::render::console_error;
use super::requests::CallRecord;
use crate::error::ServiceError;
use crate::target::{RequestContext, Service};
use shared::requests::Door;

/// The console door's region header: which region a CloudHSM operation
/// addresses (the simulator's `--region` without it).
pub const REGION_HEADER: &str = shared::console::REGION_HEADER;

/// `POST /api/{service}/{operation}`.
pub async fn operation(
    State(app): State<AppState>,
    Path((service, operation)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let ctx = RequestContext {
        request_id: app.request_id(),
        access_key_id: None,
        region: headers
            .get(REGION_HEADER)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_owned()),
    };
    let result = match Service::from_console_segment(&service) {
        Some(service) => match crate::target::resolve(service, &operation) {
            Ok(call) => app.target.call(&ctx, call, &body).await,
            Err(err) => Err(err),
        },
        None => Err(ServiceError::new(
            ErrorCode::UnknownOperationException,
            format!("Unknown service '{service}'."),
        )),
    };
    let service = Service::from_console_segment(&service)
        .map(|s| s.endpoint_prefix().to_owned())
        .unwrap_or_default();
    let record = CallRecord::of(Door::Console, (service, operation), &ctx, &body, &result)
        .in_region(&app.settings.region);
    let mut response = match result {
        Ok(body) => {
            let mut response = (StatusCode::OK, body).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
        }
        Err(err) => console_error(&err, &ctx.request_id),
    };
    response.extensions_mut().insert(record);
    response
}

/// `GET` and `HEAD /api/health`: version, mode, the store, each service,
/// uptime and the journal head; 503 while the backend is starting.
pub async fn health(State(app): State<AppState>) -> Response {
    use shared::console::{Health, HealthStatus, ServiceStatus, StoreHealth};
    let head = app.store.journal_bounds().await;
    let services = app.target.services();
    let starting = services
        .iter()
        .any(|(_, s)| s.status == ServiceStatus::Starting);
    let failing = head.is_err()
        || services
            .iter()
            .any(|(_, s)| s.status == ServiceStatus::Failing);
    let status = if starting {
        HealthStatus::Starting
    } else if failing {
        HealthStatus::Degraded
    } else {
        HealthStatus::Ok
    };
    let health = Health {
        status,
        version: env!("CARGO_PKG_VERSION").to_owned(),
        mode: app.target.mode().to_owned(),
        store: StoreHealth {
            kind: app.store.describe(),
            status: if head.is_ok() { "ok" } else { "failing" }.to_owned(),
        },
        services: services
            .into_iter()
            .map(|(service, health)| (service.endpoint_prefix().to_owned(), health))
            .collect(),
        uptime_seconds: app.settings.started.elapsed().as_secs(),
        journal_head: head.map_or(0, |(_, newest)| newest),
        role: app.cluster.as_ref().map(|c| c.describe().to_owned()),
    };
    let code = if status == HealthStatus::Starting {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    (code, Json(health)).into_response()
}

/// `GET /api/init`: how `--init-dir`'s scripts went.
pub async fn init(State(app): State<AppState>) -> Json<shared::console::InitReport> {
    Json(
        app.init
            .as_ref()
            .map_or_else(crate::init_hooks::InitHooks::none, |hooks| hooks.report()),
    )
}

/// `GET /api/config`: mode, region, account, version and whether the
/// console needs a session (never secrets).
pub async fn config(State(app): State<AppState>) -> Json<shared::console::ConsoleConfig> {
    Json(shared::console::ConsoleConfig {
        mode: app.target.mode().to_owned(),
        region: app.settings.region.clone(),
        account_id: app.settings.account_id.clone(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        session: app.settings.guard.session.is_some(),
        endpoint: app.settings.endpoint.clone(),
    })
}
