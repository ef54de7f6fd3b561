//! The console door: `POST /api/<service>/<Operation>` with the same shapes
//! as the wire door and errors as the console envelope, plus `/api/health`
//! and `/api/config`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use shared::error::ErrorCode;

use super::AppState;
use super::render::console_error;
use crate::error::ServiceError;
use crate::target::{RequestContext, Service};

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
        request_id: uuid::Uuid::new_v4().to_string(),
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
    match result {
        Ok(body) => {
            let mut response = (StatusCode::OK, body).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
        }
        Err(err) => console_error(&err, &ctx.request_id),
    }
}

/// `GET /api/health`.
pub async fn health() -> Json<serde_json::Value> {
    Json(json!({"status": "ok"}))
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
    })
}
