//! The HTTP layer: the doors and what stands before them.
//!
//! - [`wire`]: `POST /`, AWS JSON 1.1 for real SDKs and the CLI;
//! - [`console`]: `POST /api/<service>/<Operation>` for the browser console,
//!   plus `/api/health` and `/api/config`;
//! - [`sim_control`]: `/api/sim/...`, the simulator's clock, faults, health
//!   and account;
//! - [`live`]: `GET /api/events`, the live server-sent event stream;
//! - [`session`]: `/api/session`, the console's sign-in and sign-out;
//! - [`static_files`]: the built console.
//!
//! [`guard`] decides who may call each door before any handler runs;
//! [`errors`] gives plumbing errors and panics the protocol's own shape,
//! rendered by [`render`] (one renderer per protocol). The doors share
//! [`AppState`]; [`router`] composes them.

pub mod console;
pub mod door;
pub mod errors;
pub mod guard;
pub mod live;
pub mod metrics;
pub mod render;
pub mod requests;
pub mod session;
pub mod sim_control;
pub(crate) mod state;
pub mod static_files;
pub mod wire;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue};
use axum::routing::{get, post};
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use state::{App, AppState, BODY_LIMIT, Settings};

/// The header every answer carries with [`VERSION`].
const VERSION_HEADER: HeaderName = HeaderName::from_static(shared::console::VERSION_HEADER);
/// This build's version.
const VERSION: HeaderValue = HeaderValue::from_static(env!("CARGO_PKG_VERSION"));

/// `GET`: Prometheus metrics.
pub const METRICS_PATH: &str = "/metrics";

/// Builds the whole application.
pub fn router(state: AppState) -> Router {
    metrics::install();
    let api_routes = Router::new()
        // Reached through `door` below; here for the methods `/` refuses.
        .route("/", post(wire::door))
        .route(shared::console::HEALTH_PATH, get(console::health))
        .route(shared::console::CONFIG_PATH, get(console::config))
        .route(shared::console::INIT_PATH, get(console::init))
        .route(shared::requests::REQUESTS_PATH, get(requests::list))
        .route(
            shared::requests::REQUESTS_STREAM_PATH,
            get(requests::stream),
        )
        .route(METRICS_PATH, get(metrics::render))
        .route(
            shared::console::SESSION_PATH,
            post(session::sign_in).delete(session::sign_out),
        )
        .nest(shared::sim_control::PREFIX, sim_control::routes())
        .route(shared::console::OPERATION_ROUTE, post(console::operation))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            requests::observe,
        ))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            errors::REQUEST_TIMEOUT,
        ));
    let mut router = api_routes.route(shared::console::EVENTS_PATH, get(live::stream));
    if let Some(source) = &state.settings.ui {
        router = static_files::serve_ui(router, source);
    }
    let guard = Arc::clone(&state.settings.guard);
    let mut router = router
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(errors::protocol_errors))
        .layer(CompressionLayer::new());
    if let Some(cluster) = &state.cluster {
        // After the guard: a follower hands writes to the leader.
        router = router.layer(axum::middleware::from_fn_with_state(
            Arc::clone(cluster),
            crate::cluster::forward::route,
        ));
    }
    router = router.layer(axum::middleware::from_fn_with_state(guard, guard::guard));
    if let Some(cluster) = &state.cluster {
        // Before the guard: a call forwarded by another instance.
        router = router.layer(axum::middleware::from_fn_with_state(
            Arc::clone(cluster),
            crate::cluster::forward::admit,
        ));
    }
    let other_doors = router
        // Last resort: a handler that panics answers 500 InternalFailure.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            errors::panic_response,
        ))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(SetResponseHeaderLayer::overriding(VERSION_HEADER, VERSION))
        .with_state(state.clone());
    // `POST /` goes straight to the wire door, which runs the same checks
    // itself in one step (see `wire::door`); everything else, `/`'s other
    // methods included, through the layers above.
    Router::new()
        .route("/", post(wire::door).fallback_service(other_doors.clone()))
        .fallback_service(other_doors)
        .with_state(state)
}

/// The span of one request: method and path only. Never the query (a
/// sign-in link carries the console token there) nor any header.
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    tracing::debug_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
    )
}
