//! Request guards: only loopback-style `Host` names are served, which stops
//! DNS-rebinding pages from reaching the console or the wire door.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Host names a request may address.
#[derive(Debug, Clone)]
pub struct AllowedHosts {
    names: Arc<Vec<String>>,
}

impl AllowedHosts {
    /// `localhost`, `127.0.0.1`, `[::1]` and the host of the listen address.
    pub fn for_listen_host(listen_host: &str) -> Self {
        let mut names = vec![
            "localhost".to_owned(),
            "127.0.0.1".to_owned(),
            "::1".to_owned(),
        ];
        let listen = listen_host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        if !names.contains(&listen) {
            names.push(listen);
        }
        Self {
            names: Arc::new(names),
        }
    }

    /// Whether the `Host` header value `host` (with optional port) is allowed.
    pub fn allows(&self, host: &str) -> bool {
        let name = strip_port(host).to_ascii_lowercase();
        self.names.contains(&name)
    }
}

fn strip_port(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name,
        _ => host,
    }
}

/// Middleware rejecting requests whose `Host` is not allowed.
pub async fn check_host(
    State(allowed): State<AllowedHosts>,
    request: Request,
    next: Next,
) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| request.uri().host());
    match host {
        Some(host) if allowed.allows(host) => next.run(request).await,
        _ => (
            StatusCode::FORBIDDEN,
            axum::Json(json!({
                "__type": "AccessDeniedException",
                "code": "AccessDeniedException",
                "message": "This Host header is not allowed; address cmconsole as localhost or 127.0.0.1.",
            })),
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_with_ports_are_allowed_and_others_refused() {
        let allowed = AllowedHosts::for_listen_host("127.0.0.1");
        for ok in [
            "localhost",
            "localhost:8080",
            "127.0.0.1:1",
            "[::1]:80",
            "LOCALHOST",
        ] {
            assert!(allowed.allows(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:8080",
            "127.0.0.1.evil.example",
            "localhost.evil",
        ] {
            assert!(!allowed.allows(bad), "{bad}");
        }
    }
}
