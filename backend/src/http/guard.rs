//! The guard: every check of [`crate::security`], in its order, before any
//! door's handler runs; a refusal is answered in the door's own format.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use shared::error::ErrorCode;

use super::door::{Door, refuse};
use crate::security::{ConsoleSession, Guard, same_origin};

/// Console paths that need no session: probes and the sign-in call itself.
const OPEN_PATHS: [&str; 2] = [shared::console::HEALTH_PATH, shared::console::SESSION_PATH];
/// The query parameter of the printed sign-in URL.
const TOKEN_PARAM: &str = "token";
/// Added to the page's URL when a `?token=` was refused, so the sign-in
/// page can say so.
const REJECTED_PARAM: &str = "signin=rejected";

/// The middleware: runs every check of the module doc, in that order.
pub async fn guard(State(guard): State<Arc<Guard>>, request: Request, next: Next) -> Response {
    match check(&guard, &request) {
        Some(answer) => answer,
        None => next.run(request).await,
    }
}

/// Every check of the module doc, in that order: `Some` answer when the
/// request goes no further (a refusal, or the redirect of a sign-in
/// link), `None` when it may reach its door. The wire door calls this
/// itself (see [`super::wire::door`]); every other door through
/// [`guard`].
pub(crate) fn check(guard: &Guard, request: &Request) -> Option<Response> {
    if request
        .extensions()
        .get::<crate::cluster::forward::Forwarded>()
        .is_some()
    {
        // Checked by the instance that forwarded it (see `cluster`).
        return None;
    }
    let path = request.uri().path();
    let door = Door::of(request.method(), path);
    if request
        .headers()
        .contains_key(crate::cluster::forward::FORWARDED_HEADER)
    {
        // Not admitted by `cluster::forward::admit`: not from this group.
        return Some(crate::cluster::forward::refuse_forged(door));
    }
    let headers = request.headers();
    let Some(host) = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| request.uri().host())
        .filter(|host| guard.hosts.allows(host))
    else {
        return Some(refuse(
            door,
            ErrorCode::AccessDeniedException,
            "This Host header is not allowed; address cmconsole as localhost or 127.0.0.1 (or a name given with --allowed-host).".to_owned(),
            StatusCode::FORBIDDEN,
        ));
    };
    if door != Door::Page
        && let Err(why) = same_origin::check(headers, host, &guard.extra_origins)
    {
        tracing::info!(path, "refused a cross-site request");
        return Some(refuse(
            door,
            ErrorCode::AccessDeniedException,
            why.message(),
            StatusCode::FORBIDDEN,
        ));
    }
    if door == Door::Console {
        if !same_origin::is_json_or_not_post(request.method(), headers) {
            return Some(refuse(
                door,
                ErrorCode::UnsupportedMediaTypeException,
                "Console requests must be sent with Content-Type: application/json.".to_owned(),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ));
        }
        if let Some(session) = &guard.session
            && !OPEN_PATHS.contains(&path)
            && !session.admits(headers)
            && !(path == super::METRICS_PATH
                && bearer(headers).is_some_and(|t| session.accepts_token(t)))
        {
            return Some(refuse(
                door,
                ErrorCode::UnauthorizedException,
                "Sign in first: open the URL cmconsole printed at start, or paste its token in the console.".to_owned(),
                StatusCode::UNAUTHORIZED,
            ));
        }
    }
    if door == Door::Page
        && matches!(*request.method(), Method::GET | Method::HEAD)
        && let Some(query) = request.uri().query()
        && let Some(token) = query_value(query, TOKEN_PARAM)
    {
        return Some(exchange_token(
            guard.session.as_deref(),
            path,
            query,
            &token,
        ));
    }
    None
}

/// `GET /page?token=...`: a valid token starts a session; either way the
/// browser is sent to the same page without the token, so it stays out of
/// the address bar and the history.
fn exchange_token(
    session: Option<&ConsoleSession>,
    path: &str,
    query: &str,
    token: &str,
) -> Response {
    let rest: Vec<&str> = query
        .split('&')
        .filter(|pair| pair.split('=').next() != Some(TOKEN_PARAM) && !pair.is_empty())
        .collect();
    let mut rest = rest.join("&");
    let cookie = match session {
        Some(session) if session.accepts_token(token) => Some(session.start_cookie()),
        Some(_) => {
            tracing::info!("refused a console sign-in link with a wrong token");
            if !rest.is_empty() {
                rest.push('&');
            }
            rest.push_str(REJECTED_PARAM);
            None
        }
        None => None,
    };
    let location = if rest.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{rest}")
    };
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    if let Ok(location) = HeaderValue::from_str(&location) {
        headers.insert(header::LOCATION, location);
    }
    if let Some(cookie) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        headers.insert(header::SET_COOKIE, cookie);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The token of an `Authorization: Bearer ...` header.
fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(str::trim)
}

/// The percent-decoded value of `name` in a query string.
fn query_value(query: &str, name: &str) -> Option<String> {
    form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_read_and_removed_from_the_query() {
        assert_eq!(
            query_value("a=1&token=abc%2Dd&b=2", "token").as_deref(),
            Some("abc-d")
        );
        assert_eq!(query_value("tokens=1", "token"), None);
        let response = exchange_token(None, "/servers", "region=eu-west-1&token=x", "x");
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            response.headers()[header::LOCATION],
            "/servers?region=eu-west-1"
        );
        assert!(response.headers().get(header::SET_COOKIE).is_none());
    }
}
