//! Typed client for the console door (`/api/...`) of the cmconsole backend.
//!
//! Every operation is `POST /api/opsworks-cm/<Operation>` with the operation's
//! request shape as JSON; a non-2xx answer carries the console error envelope
//! `{code, message, requestId}`.

use std::fmt;

use gloo_net::http::{Request, Response};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
pub use shared::error::ErrorEnvelope;
use shared::opsworkscm::{DescribeServersRequest, DescribeServersResponse, Server};

/// Why a call to the backend failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The backend answered with an error envelope.
    Service(ErrorEnvelope),
    /// The backend answered non-2xx without an envelope (e.g. a proxy error page).
    Http {
        /// HTTP status code.
        status: u16,
        /// Start of the response body.
        body: String,
    },
    /// The request could not be sent or the connection failed.
    Network(String),
    /// A 2xx response whose body is not the expected shape.
    Decode(String),
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Service(env) => write!(f, "{}: {}", env.code, env.message),
            Self::Http { status, body } if body.is_empty() => write!(f, "HTTP {status}"),
            Self::Http { status, body } => write!(f, "HTTP {status}: {body}"),
            Self::Network(msg) => write!(f, "cannot reach the backend: {msg}"),
            Self::Decode(msg) => write!(f, "unexpected response: {msg}"),
        }
    }
}

impl std::error::Error for ApiError {}

impl ApiError {
    /// The request id to quote in a bug report, when the backend gave one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Service(env) if !env.request_id.is_empty() => Some(&env.request_id),
            _ => None,
        }
    }
}

/// What `GET /api/config` says about the backend.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsoleConfig {
    /// `simulator` or `upstream`.
    pub mode: String,
    /// AWS region the backend answers for.
    pub region: String,
    /// Account id used in ARNs.
    pub account_id: String,
    /// Backend version.
    pub version: String,
}

/// Calls `POST /api/opsworks-cm/<operation>` with `req` as JSON.
pub async fn post_json<Req, Resp>(operation: &str, req: &Req) -> Result<Resp, ApiError>
where
    Req: Serialize + ?Sized,
    Resp: DeserializeOwned,
{
    let url = format!("/api/opsworks-cm/{operation}");
    let request = Request::post(&url)
        .json(req)
        .map_err(|e| ApiError::Network(e.to_string()))?;
    let response = request
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    decode(response).await
}

/// Reads `GET /api/config`.
pub async fn get_config() -> Result<ConsoleConfig, ApiError> {
    let response = Request::get("/api/config")
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    decode(response).await
}

/// Lists the servers (the service returns them all in one page).
pub async fn describe_servers() -> Result<Vec<Server>, ApiError> {
    let page: DescribeServersResponse =
        post_json("DescribeServers", &DescribeServersRequest::default()).await?;
    Ok(page.servers)
}

async fn decode<Resp: DeserializeOwned>(response: Response) -> Result<Resp, ApiError> {
    if response.ok() {
        return response
            .json::<Resp>()
            .await
            .map_err(|e| ApiError::Decode(e.to_string()));
    }
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    Err(error_from_body(status, &body))
}

/// Maps a non-2xx body to an [`ApiError`]: the envelope when it parses, else the raw text.
fn error_from_body(status: u16, body: &str) -> ApiError {
    match serde_json::from_str::<ErrorEnvelope>(body) {
        Ok(envelope) => ApiError::Service(envelope),
        Err(_) => ApiError::Http {
            status,
            body: body.chars().take(200).collect(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_bodies_become_service_errors() {
        let err = error_from_body(
            400,
            r#"{"code":"ResourceNotFoundException","message":"no server web-1","requestId":"r-1"}"#,
        );
        assert_eq!(err.request_id(), Some("r-1"));
        assert_eq!(
            err.to_string(),
            "ResourceNotFoundException: no server web-1"
        );
    }

    #[test]
    fn other_bodies_keep_the_status() {
        let err = error_from_body(502, "Bad Gateway");
        assert_eq!(err.to_string(), "HTTP 502: Bad Gateway");
    }

    #[test]
    fn servers_parse_with_missing_optional_fields() {
        let page: DescribeServersResponse = serde_json::from_str(
            r#"{"Servers":[{"ServerName":"web-1","Engine":"ChefAutomate","Status":"CREATING"}]}"#,
        )
        .unwrap();
        assert_eq!(page.servers[0].server_name.as_deref(), Some("web-1"));
        assert_eq!(page.servers[0].endpoint, None);
    }
}
