//! The built console: `index.html` on `/` and every deep link, its
//! precompressed files, and how long browsers may keep each; served from a
//! directory (`--ui-dir`) or from the copy a release build embeds.

mod embedded;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::routing::{get, get_service};
use tower_http::services::{ServeDir, ServeFile};

use super::AppState;

/// Where the console's files come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UiSource {
    /// A directory: `--ui-dir`, `cargo xtask ui` or Trunk output.
    Dir(PathBuf),
    /// The files a release build embedded in this binary.
    Embedded,
}

impl UiSource {
    /// The embedded console, when this binary has one.
    #[must_use]
    pub fn embedded() -> Option<Self> {
        embedded::is_present().then_some(Self::Embedded)
    }

    /// Whether `relative` (`pkg-.../frontend.js`) is one of the console's
    /// files; paths that climb out of a directory never are.
    fn has_file(&self, relative: &str) -> bool {
        match self {
            Self::Dir(dir) => is_build_file(dir, relative),
            Self::Embedded => embedded::file(relative).is_some(),
        }
    }
}

impl std::fmt::Display for UiSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Dir(dir) => write!(f, "{}", dir.display()),
            Self::Embedded => f.write_str("built into this binary"),
        }
    }
}

/// Adds the console from `source` to `router`.
pub fn serve_ui(router: Router<AppState>, source: &UiSource) -> Router<AppState> {
    // Client-side routes (deep links) get index.html with 200, as does `/`
    // (whose POST is the wire door).
    let router = match source {
        UiSource::Dir(dir) => {
            let index = ServeFile::new(dir.join("index.html"));
            router
                .route("/", get_service(index.clone()))
                .fallback_service(
                    // `cargo xtask` writes .br/.gz beside each asset at build time.
                    ServeDir::new(dir)
                        .precompressed_br()
                        .precompressed_gzip()
                        .fallback(index),
                )
        }
        UiSource::Embedded => router
            .route("/", get(embedded::serve))
            .fallback(embedded::serve),
    };
    router.layer(axum::middleware::from_fn_with_state(
        Arc::new(source.clone()),
        cache_control,
    ))
}

/// Caching of the console's files. A release build keeps its files under
/// `/pkg-<hash>/`, whose contents never change, so browsers may keep them for
/// a year; a file a build does not have is a 404 there (never the page, which
/// would then be cached under that name). The page itself (index.html, on `/`
/// and every deep link) is revalidated on each visit, so a new build is
/// picked up at once. API answers are left alone.
async fn cache_control(
    axum::extract::State(source): axum::extract::State<Arc<UiSource>>,
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
        if !source.has_file(path.trim_start_matches('/')) {
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

/// True if `relative` (`pkg-.../file`) names a file of the UI directory;
/// paths that climb out of it never do.
fn is_build_file(ui_dir: &Path, relative: &str) -> bool {
    let plain = relative
        .split('/')
        .all(|segment| !segment.is_empty() && segment != "." && segment != "..")
        && !relative.contains(['\\', '%']);
    plain && ui_dir.join(relative).is_file()
}
