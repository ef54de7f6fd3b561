//! The session door: `POST /api/session` signs a browser in with the
//! console token, `DELETE` signs it out.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared::error::ErrorCode;

use super::AppState;
use super::render::console_error;
use crate::error::ServiceError;

/// `POST /api/session {"token": "..."}`: the sign-in page's call. A right
/// token starts a session (204 with the cookie); a wrong one is 401.
pub async fn sign_in(State(app): State<AppState>, body: axum::body::Bytes) -> Response {
    #[derive(serde::Deserialize)]
    struct SignIn {
        token: String,
    }
    let request_id = uuid::Uuid::new_v4().to_string();
    let Some(session) = &app.settings.guard.session else {
        let error = ServiceError::validation(
            "This console needs no sign-in: cmconsole was started without a console session.",
        );
        return console_error(&error, &request_id);
    };
    let token = match serde_json::from_slice::<SignIn>(&body) {
        Ok(sign_in) => sign_in.token,
        Err(_) => {
            let error = ServiceError::validation("Send {\"token\": \"...\"}.");
            return console_error(&error, &request_id);
        }
    };
    if !session.accepts_token(token.trim()) {
        tracing::info!("refused a console sign-in with a wrong token");
        let error = ServiceError::new(
            ErrorCode::UnauthorizedException,
            "This token is not the console token cmconsole printed at start.",
        );
        return console_error(&error, &request_id);
    }
    with_cookie(StatusCode::NO_CONTENT, &session.start_cookie())
}

/// `DELETE /api/session`: signs this browser out.
pub async fn sign_out(State(app): State<AppState>) -> Response {
    match &app.settings.guard.session {
        Some(session) => with_cookie(StatusCode::NO_CONTENT, &session.end_cookie()),
        None => StatusCode::NO_CONTENT.into_response(),
    }
}

fn with_cookie(status: StatusCode, cookie: &str) -> Response {
    let mut response = status.into_response();
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}
