//! One error renderer per protocol: AWS JSON 1.1 for the wire door (and the
//! console's files), the console envelope for everything under `/api/`.

use axum::Json;
use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use shared::error::ErrorEnvelope;

use crate::aws_json::AMZ_JSON;
use crate::error::ServiceError;

/// `x-amzn-RequestId`.
pub(crate) const REQUEST_ID: HeaderName = HeaderName::from_static("x-amzn-requestid");
/// `x-amzn-ErrorType`.
pub(crate) const ERROR_TYPE: HeaderName = HeaderName::from_static("x-amzn-errortype");

/// Renders an error in AWS JSON 1.1 form: `{"__type", "message"}` with
/// the code's status and `x-amzn-ErrorType`.
pub fn aws_json_error(err: &ServiceError, request_id: &str) -> Response {
    let body = json!({"__type": err.code_str(), "message": err.message});
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::BAD_REQUEST);
    aws_json_answer(
        status,
        request_id,
        body.to_string().into_bytes(),
        Some(err.code_str()),
    )
}

/// An AWS JSON 1.1 answer: its body, content type, request id and, for an
/// error, its code.
pub fn aws_json_answer(
    status: StatusCode,
    request_id: &str,
    body: Vec<u8>,
    code: Option<&str>,
) -> Response {
    // Built by hand with constant header names: this is every wire answer.
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(AMZ_JSON));
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert(REQUEST_ID, id);
    }
    if let Some(code) = code
        && let Ok(code) = HeaderValue::from_str(code)
    {
        headers.insert(ERROR_TYPE, code);
    }
    response
}

/// Renders an error as the console envelope `{code, message, requestId}`
/// (shared with the browser) with the code's status.
pub fn console_error(err: &ServiceError, request_id: &str) -> Response {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let body = ErrorEnvelope {
        code: err.code_str().to_owned(),
        message: err.message.clone(),
        request_id: request_id.to_owned(),
    };
    (status, Json(body)).into_response()
}
