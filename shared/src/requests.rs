//! The request log's contract: what `GET /api/requests` lists and
//! `GET /api/requests/stream` streams, for the backend that keeps the log
//! and the console page that shows it.

use serde::{Deserialize, Serialize};

/// `GET`: the newest logged calls ([`RequestList`]), filtered by the
/// query (`service`, `operation`, `errors=true`, `limit`).
pub const REQUESTS_PATH: &str = "/api/requests";

/// `GET`: server-sent events, one `request` event per call as it ends.
pub const REQUESTS_STREAM_PATH: &str = "/api/requests/stream";

/// The SSE `event:` name of a logged call.
pub const REQUEST_EVENT: &str = "request";

/// Calls the log keeps (the oldest go first).
pub const LOG_CAPACITY: usize = 1000;

/// Which door a call came through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Door {
    /// `POST /`, AWS JSON 1.1 from SDKs and the CLI.
    Wire,
    /// `POST /api/<service>/<Operation>`, from the console.
    Console,
}

/// The resource a call named or made, for a link to its page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceRef {
    /// `server`, `backup`, `cluster`, `hsm-backup` or `arn`.
    pub kind: String,
    /// Its name, id or ARN.
    pub id: String,
}

/// One logged call.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestEntry {
    /// Increasing position in the log.
    pub id: u64,
    /// When it ended (wall clock, RFC 3339).
    pub time: String,
    /// Which door.
    pub door: Door,
    /// The region it addressed.
    pub region: String,
    /// The service's endpoint prefix (`opsworks-cm`, `cloudhsmv2`), empty
    /// when the call named none.
    pub service: String,
    /// The operation as named (even an unknown one).
    pub operation: String,
    /// The HTTP status answered.
    pub status: u16,
    /// The AWS error code, for an error.
    pub error_code: Option<String>,
    /// Milliseconds from the request to the answer's headers.
    pub latency_ms: f64,
    /// The answer's request id.
    pub request_id: String,
    /// The resource it named or made.
    pub resource: Option<ResourceRef>,
}

/// What `GET /api/requests` answers: newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestList {
    /// The calls.
    pub requests: Vec<RequestEntry>,
}
