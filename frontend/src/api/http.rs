//! The console door's transport: `POST /api/<service>/<Operation>` with an
//! operation's input as JSON, answered with its output or the console error
//! envelope `{code, message, requestId}`.
//!
//! [`call`] is typed by the operation table in `shared`: the operation's
//! name, service, input and output come from its marker type, so no caller
//! spells an operation name.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use gloo_net::http::{Request, RequestBuilder};
use shared::console::{REGION_HEADER, operation_path};
use shared::error::ErrorEnvelope;
use shared::operation::{ApiOperation, OperationName};

use super::restart;

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
    /// The input was refused before sending (a `shared` validator said no).
    Invalid(String),
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Service(env) => write!(f, "{}: {}", env.code, env.message),
            Self::Http { status, body } if body.is_empty() => write!(f, "HTTP {status}"),
            Self::Http { status, body } => write!(f, "HTTP {status}: {body}"),
            Self::Network(msg) => write!(f, "cannot reach the backend: {msg}"),
            Self::Decode(msg) => write!(f, "unexpected response: {msg}"),
            Self::Invalid(msg) => write!(f, "invalid input: {msg}"),
        }
    }
}

impl std::error::Error for ApiError {}

impl ApiError {
    /// The AWS error code (e.g. `InvalidStateException`), when the backend sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Service(env) => Some(&env.code),
            _ => None,
        }
    }

    /// The message without the code.
    pub fn message(&self) -> String {
        match self {
            Self::Service(env) => env.message.clone(),
            other => other.to_string(),
        }
    }

    /// The request id to quote in a bug report, when the backend gave one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Service(env) if !env.request_id.is_empty() => Some(&env.request_id),
            _ => None,
        }
    }
}

/// Calls operation `O` with `input` (in `region`, for a service that has
/// several); decodes its output.
pub async fn call<O: ApiOperation>(
    region: Option<&str>,
    input: &O::Input,
) -> Result<O::Output, ApiError> {
    let body = serde_json::to_string(input).map_err(unserializable)?;
    let url = operation_path(<O::Name as OperationName>::SERVICE, O::NAME.as_str());
    let text = post_text(url, body, region.map(str::to_owned)).await?;
    serde_json::from_str(&text).map_err(undecodable)
}

/// The answer body of a request, or why there is none. Boxed (and built by
/// plain functions) so the HTTP exchange is compiled once rather than into
/// every typed call: a smaller WASM.
pub(crate) type BodyFuture = Pin<Box<dyn Future<Output = Result<String, ApiError>>>>;

/// `POST url` with a JSON `body` (and, for a CloudHSM call, the region it
/// addresses): the 2xx body, or the error the answer says.
pub(crate) fn post_text(url: String, body: String, region: Option<String>) -> BodyFuture {
    Box::pin(async move {
        let mut request = Request::post(&url).header("Content-Type", "application/json");
        if let Some(region) = &region {
            request = request.header(REGION_HEADER, region);
        }
        let response = request
            .body(body)
            .map_err(|e| ApiError::Network(e.to_string()))?
            .send()
            .await
            .map_err(|e| ApiError::Network(e.to_string()))?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| ApiError::Network(e.to_string()))?;
        if response.ok() {
            Ok(text)
        } else {
            restart::notice(status, &url);
            Err(error_from_body(status, &text))
        }
    })
}

/// Sends a request without a body (`GET`, `DELETE`): the 2xx body (empty if
/// it cannot be read), or the error the answer says.
pub(crate) fn fetch_text(request: RequestBuilder) -> BodyFuture {
    Box::pin(async move {
        let response = request
            .send()
            .await
            .map_err(|e| ApiError::Network(e.to_string()))?;
        let status = response.status();
        let ok = response.ok();
        let url = response.url();
        let body = response.text().await.unwrap_or_default();
        if ok {
            Ok(body)
        } else {
            restart::notice(status, &url);
            Err(error_from_body(status, &body))
        }
    })
}

/// A request body that does not serialize.
pub(crate) fn unserializable(error: serde_json::Error) -> ApiError {
    ApiError::Invalid(error.to_string())
}

/// A 2xx body that is not the expected shape.
pub(crate) fn undecodable(error: serde_json::Error) -> ApiError {
    ApiError::Decode(error.to_string())
}

/// A `shared` validator's refusal as an [`ApiError::Invalid`].
pub fn invalid(error: shared::validation::ValidationError) -> ApiError {
    ApiError::Invalid(error.to_string())
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
}
