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

use crate::security::{AllowedHosts, check_host};
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
    /// Built console (Trunk output); `None` serves no UI.
    pub ui_dir: Option<PathBuf>,
    /// Host names requests may address.
    pub allowed_hosts: AllowedHosts,
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
}

/// Builds the whole application.
pub fn app(state: AppState) -> Router {
    let api_routes = Router::new()
        .route("/", post(wire::handle))
        .route("/api/health", get(api::health))
        .route("/api/config", get(api::config))
        .nest("/api/sim", crate::sim_api::routes())
        .route("/api/{service}/{operation}", post(api::operation))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(60),
        ));
    let mut router = api_routes.route("/api/events", get(events::stream));
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
            );
    }
    let allowed = state.settings.allowed_hosts.clone();
    router
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(
            crate::errors_layer::protocol_errors,
        ))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(allowed, check_host))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
