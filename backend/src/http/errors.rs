//! Turns the few errors produced by the HTTP plumbing itself (body too large,
//! method not allowed, timeout) into the protocol's own error format, so no
//! client ever sees a bare text body.

use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
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
        StatusCode::PAYLOAD_TOO_LARGE => body_too_large(),
        StatusCode::METHOD_NOT_ALLOWED => ServiceError::new(
            ErrorCode::UnknownOperationException,
            "This method is not allowed here: operations are POST / (AWS JSON 1.1) or POST /api/<service>/<Operation>.",
        ),
        StatusCode::REQUEST_TIMEOUT => timed_out(),
        _ => return response,
    };
    let mut rewritten = shaped(console, &error);
    *rewritten.status_mut() = status;
    rewritten
}

/// A request body over [`BODY_LIMIT`](crate::http::BODY_LIMIT) (HTTP 413).
pub(crate) fn body_too_large() -> ServiceError {
    ServiceError::validation(format!(
        "The request body is larger than the limit of {} bytes.",
        crate::http::BODY_LIMIT
    ))
    .with_status(StatusCode::PAYLOAD_TOO_LARGE.as_u16())
}

/// A request that ran past [`REQUEST_TIMEOUT`] (HTTP 408).
pub(crate) fn timed_out() -> ServiceError {
    ServiceError::new(
        ErrorCode::InternalFailure,
        "The request took too long to process and was abandoned.",
    )
    .with_status(StatusCode::REQUEST_TIMEOUT.as_u16())
}

/// How long a call may take before it is abandoned.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

fn shaped(console: bool, error: &ServiceError) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    if console {
        super::render::console_error(error, &request_id)
    } else {
        super::render::aws_json_error(error, &request_id)
    }
}

/// How many requests ended in a panic since the process started. The last
/// resort of [`panic_response`]: tests assert it stays 0.
static PANICS_CAUGHT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The number of panics [`panic_response`] answered so far.
pub fn panics_caught() -> usize {
    PANICS_CAUGHT.load(std::sync::atomic::Ordering::SeqCst)
}

/// The answer to a request whose handler panicked: 500 `InternalFailure`,
/// readable in both doors' formats (`__type` for AWS JSON, `code` and
/// `requestId` for the console envelope), never the panic's text. The
/// connection and the service stay up; the panic is logged.
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    PANICS_CAUGHT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let detail = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    let request_id = uuid::Uuid::new_v4().to_string();
    tracing::error!(%request_id, panic = %detail, "a request handler panicked");
    let message = "The request processing has failed because of an unknown error.";
    let body = serde_json::json!({
        "__type": ErrorCode::InternalFailure.as_str(),
        "code": ErrorCode::InternalFailure.as_str(),
        "message": message,
        "requestId": request_id,
    });
    let mut response = (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response();
    if let Ok(id) = axum::http::HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(super::render::REQUEST_ID, id);
    }
    response.headers_mut().insert(
        super::render::ERROR_TYPE,
        axum::http::HeaderValue::from_static(ErrorCode::InternalFailure.as_str()),
    );
    response
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt;
    use tower_http::catch_panic::CatchPanicLayer;

    use super::*;

    async fn boom() -> &'static str {
        panic!("boom with details")
    }

    #[tokio::test]
    async fn a_panicking_handler_is_a_500_internal_failure_in_both_formats() {
        let before = panics_caught();
        let app = Router::new()
            .route("/", get(boom))
            .layer(CatchPanicLayer::custom(panic_response));
        let response = app
            .oneshot(axum::http::Request::get("/").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let bytes = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(body["__type"], "InternalFailure");
        assert_eq!(body["code"], "InternalFailure");
        assert!(body["requestId"].is_string());
        assert!(
            !body.to_string().contains("boom"),
            "the panic text stays in the log"
        );
        assert!(panics_caught() > before);
    }
}
