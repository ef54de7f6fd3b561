//! The console a release build embeds (see `backend/build.rs`): each file
//! with its content type, the precompressed copy the browser accepts, an
//! `ETag` for revalidation, and `index.html` for every deep link.

use std::hash::{Hash, Hasher};

use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

mod files {
    include!(concat!(env!("OUT_DIR"), "/embedded_ui.rs"));
}

/// Whether this binary carries a console.
pub(super) fn is_present() -> bool {
    file("index.html").is_some()
}

/// The bytes of the embedded file `relative` (`pkg-.../frontend.js`).
pub(super) fn file(relative: &str) -> Option<&'static [u8]> {
    files::FILES
        .binary_search_by_key(&relative, |(name, _)| name)
        .ok()
        .map(|i| files::FILES[i].1)
}

/// `GET`/`HEAD` of any path the API does not claim: the file it names, or
/// `index.html` (a deep link into the console).
pub(super) async fn serve(method: Method, uri: Uri, headers: HeaderMap) -> Response {
    if !matches!(method, Method::GET | Method::HEAD) {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let relative = uri.path().trim_start_matches('/');
    let name = match file(relative) {
        Some(_) if !relative.is_empty() => relative,
        _ => "index.html",
    };
    let Some(plain) = file(name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (body, encoding) = ["br", "gzip"]
        .into_iter()
        .filter(|encoding| accepts(&headers, encoding))
        .find_map(|encoding| {
            let suffix = if encoding == "br" { "br" } else { "gz" };
            file(&format!("{name}.{suffix}")).map(|bytes| (bytes, Some(encoding)))
        })
        .unwrap_or((plain, None));
    let etag = entity_tag(body);
    let mut response = if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|tag| tag.as_bytes() == etag.as_bytes())
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = body.into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(content_type(name)),
        );
        if let Some(encoding) = encoding {
            response
                .headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        response
    };
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Ok(etag) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, etag);
    }
    response
}

/// Whether `Accept-Encoding` lists `encoding` with a non-zero weight.
fn accepts(headers: &HeaderMap, encoding: &str) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|item| {
            let mut parts = item.split(';').map(str::trim);
            parts.next() == Some(encoding)
                && parts.all(|p| p.strip_prefix("q=").is_none_or(|q| q.parse() != Ok(0.0)))
        })
}

/// A strong entity tag for `body`.
fn entity_tag(body: &[u8]) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut hasher);
    format!("\"{:016x}-{:x}\"", hasher.finish(), body.len())
}

/// The media type of a console file, by its extension.
fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(encoding: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, encoding.parse().unwrap());
        headers
    }

    #[test]
    fn accept_encoding_is_read_with_its_weights() {
        assert!(accepts(&with("gzip, deflate, br"), "br"));
        assert!(accepts(&with("br;q=0.5"), "br"));
        assert!(!accepts(&with("br;q=0"), "br"));
        assert!(!accepts(&with("gzip"), "br"));
        assert!(!accepts(&HeaderMap::new(), "gzip"));
    }

    #[test]
    fn files_get_their_media_types() {
        assert_eq!(content_type("pkg-1/frontend_bg.wasm"), "application/wasm");
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("pkg-1/x"), "application/octet-stream");
    }

    #[test]
    fn an_entity_tag_changes_with_the_content() {
        assert_ne!(entity_tag(b"a"), entity_tag(b"b"));
        assert_eq!(entity_tag(b"a"), entity_tag(b"a"));
    }
}
