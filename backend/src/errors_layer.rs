//! Turns the few errors produced by the HTTP plumbing itself (body too large,
//! method not allowed, timeout) into the protocol's own error format, so no
//! client ever sees a bare text body.

use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use shared::error::ErrorCode;

use crate::error::ServiceError;

/// Middleware: rewrites plumbing errors on the wire and console doors.
pub async fn protocol_errors(request: Request, next: Next) -> Response {
    let console = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    let status = response.status();
    let error = match status {
        _ if is_json => return response,
        // Extractor rejections (malformed JSON on the control door...).
        StatusCode::BAD_REQUEST
        | StatusCode::UNSUPPORTED_MEDIA_TYPE
        | StatusCode::UNPROCESSABLE_ENTITY => {
            let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024)
                .await
                .unwrap_or_default();
            let text = String::from_utf8_lossy(&bytes).trim().to_owned();
            let mut rewritten = shaped(
                console,
                &ServiceError::new(ErrorCode::SerializationException, text),
            );
            *rewritten.status_mut() = StatusCode::BAD_REQUEST;
            return rewritten;
        }
        StatusCode::PAYLOAD_TOO_LARGE => ServiceError::validation(format!(
            "The request body is larger than the limit of {} bytes.",
            crate::app::BODY_LIMIT
        )),
        StatusCode::METHOD_NOT_ALLOWED => ServiceError::new(
            ErrorCode::UnknownOperationException,
            "This method is not allowed here: operations are POST / (AWS JSON 1.1) or POST /api/<service>/<Operation>.",
        ),
        StatusCode::REQUEST_TIMEOUT => ServiceError::new(
            ErrorCode::InternalFailure,
            "The request took too long to process and was abandoned.",
        ),
        _ => return response,
    };
    let mut rewritten = shaped(console, &error);
    *rewritten.status_mut() = status;
    rewritten
}

fn shaped(console: bool, error: &ServiceError) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    if console {
        crate::api::envelope(error, &request_id)
    } else {
        crate::wire::error_response(error, &request_id)
    }
}
