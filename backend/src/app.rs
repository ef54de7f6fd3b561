//! The router: every door, the static UI and the request guards.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, get_service, post};
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::security::Guard;
use crate::store::Store;
use crate::target::Target;
use crate::{api, events, wire};

/// Largest request body accepted (CustomCertificate alone may be 2 MiB).
pub const BODY_LIMIT: usize = 8 * 1024 * 1024;

/// Settings the doors need besides the target.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Region reported by `/api/config`.
    pub region: String,
    /// Account id reported by `/api/config`.
    pub account_id: String,
    /// Built console (`cargo xtask ui` or Trunk output); `None` serves no UI.
    pub ui_dir: Option<PathBuf>,
    /// Who may call which door: hosts, origins, the console session.
    pub guard: Arc<Guard>,
}

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    /// What executes operations.
    pub target: Arc<dyn Target>,
    /// The journal behind the live door.
    pub store: Arc<dyn Store>,
    /// Settings.
    pub settings: Arc<Settings>,
    /// The wire door's rate limit, when on.
    pub throttle: Option<Arc<crate::throttle::TokenBucket>>,
    /// The SigV4 check of the wire door (`serve --require-sigv4`).
    pub verifier: Option<Arc<crate::sigv4::Verifier>>,
    /// The simulator behind `/api/sim` (none in upstream mode).
    pub control: Option<Arc<crate::sim::Simulator>>,
    /// The open event streams and their limit.
    pub live: Arc<events::LiveStreams>,
}

/// Builds the whole application.
pub fn app(state: AppState) -> Router {
    let api_routes = Router::new()
        .route("/", post(wire::handle))
        .route(shared::console::HEALTH_PATH, get(api::health))
        .route(shared::console::CONFIG_PATH, get(api::config))
        .route(
            shared::console::SESSION_PATH,
            post(crate::security::sign_in).delete(crate::security::sign_out),
        )
        .nest("/api/sim", crate::sim_api::routes())
        .route(shared::console::OPERATION_ROUTE, post(api::operation))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(60),
        ));
    let mut router = api_routes.route(shared::console::EVENTS_PATH, get(events::stream));
    if let Some(dir) = &state.settings.ui_dir {
        // Client-side routes (deep links) get index.html with 200, as does `/`
        // (whose POST is the wire door).
        let index = ServeFile::new(dir.join("index.html"));
        router = router
            .route("/", get_service(index.clone()))
            .fallback_service(
                // `cargo xtask` writes .br/.gz beside each asset at build time.
                ServeDir::new(dir)
                    .precompressed_br()
                    .precompressed_gzip()
                    .fallback(index),
            )
            .layer(axum::middleware::from_fn_with_state(
                Arc::new(dir.clone()),
                cache_control,
            ));
    }
    let guard = Arc::clone(&state.settings.guard);
    router
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(
            crate::errors_layer::protocol_errors,
        ))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(
            guard,
            crate::security::guard,
        ))
        // Last resort: a handler that panics answers 500 InternalFailure.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            crate::errors_layer::panic_response,
        ))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
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

/// Caching of the console's files. A release build keeps its files under
/// `/pkg-<hash>/`, whose contents never change, so browsers may keep them for
/// a year; a file a build does not have is a 404 there (never the page, which
/// would then be cached under that name). The page itself (index.html, on `/`
/// and every deep link) is revalidated on each visit, so a new build is
/// picked up at once. API answers are left alone.
async fn cache_control(
    axum::extract::State(ui_dir): axum::extract::State<Arc<PathBuf>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{HeaderValue, Method, StatusCode, header};
    use axum::response::IntoResponse;
    let path = request.uri().path();
    let is_read = matches!(*request.method(), Method::GET | Method::HEAD);
    let policy = if !is_read || path.starts_with("/api/") {
        None
    } else if path.starts_with("/pkg-") {
        if !is_build_file(&ui_dir, path) {
            return (StatusCode::NOT_FOUND, "not found").into_response();
        }
        Some("public, max-age=31536000, immutable")
    } else {
        Some("no-cache")
    };
    let mut response = next.run(request).await;
    if let Some(policy) = policy
        && response.status().is_success()
    {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

/// True if `path` (`/pkg-.../file`) names a file of the UI directory; paths
/// that climb out of it never do.
fn is_build_file(ui_dir: &std::path::Path, path: &str) -> bool {
    let relative = path.trim_start_matches('/');
    let plain = relative
        .split('/')
        .all(|segment| !segment.is_empty() && segment != "." && segment != "..")
        && !relative.contains(['\\', '%']);
    plain && ui_dir.join(relative).is_file()
}
