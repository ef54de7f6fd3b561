//! The doors a request can come through, and a refusal in each door's own
//! format: what the guard, the wire door and a group's forwarding share.

use axum::http::{HeaderName, Method, StatusCode};
use axum::response::Response;
use shared::error::ErrorCode;

use super::render::{aws_json_error, console_error};
use crate::error::ServiceError;

/// `X-Amz-Target`, named once (a name given as text is parsed per call).
pub(crate) const X_AMZ_TARGET: HeaderName = HeaderName::from_static("x-amz-target");

/// Which door a path belongs to, for the checks and the error format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Door {
    /// `/api/...`: errors as the console envelope.
    Console,
    /// `POST /`: errors as AWS JSON 1.1.
    Wire,
    /// The console's files.
    Page,
}

impl Door {
    /// The door a call with `method` to `path` goes through.
    pub(crate) fn of(method: &Method, path: &str) -> Self {
        // `/metrics` is read like the console's API: same origin rules, and
        // the session (or the console token as a bearer token, as Prometheus
        // sends it) where the console needs one.
        if path.starts_with("/api/") || path == super::METRICS_PATH {
            Door::Console
        } else if path == "/" && method == Method::POST {
            Door::Wire
        } else {
            Door::Page
        }
    }
}

/// A refusal in `door`'s format.
pub(crate) fn refuse(door: Door, code: ErrorCode, message: String, status: StatusCode) -> Response {
    let error = ServiceError::new(code, message).with_status(status.as_u16());
    let request_id = uuid::Uuid::new_v4().to_string();
    match door {
        Door::Console => console_error(&error, &request_id),
        Door::Wire | Door::Page => aws_json_error(&error, &request_id),
    }
}
