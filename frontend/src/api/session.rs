//! The console session: signing in with the console token (the sign-in
//! page), signing out, and starting the console over when an answer says
//! the session is gone (the backend restarted with a new token, or the
//! session expired), so the sign-in page shows instead of broken pages.

use gloo_net::http::Request;
use shared::console::SESSION_PATH;

use super::ApiError;
use super::http::{fetch_text, post_text};
pub use super::restart::restart_console;

/// The code of the answer to a call without a valid session (HTTP 401).
pub const UNAUTHORIZED: &str = "UnauthorizedException";

/// `POST /api/session`: a right token sets the session cookie.
pub async fn sign_in(token: &str) -> Result<(), ApiError> {
    let body = serde_json::json!({ "token": token.trim() }).to_string();
    post_text(SESSION_PATH.to_owned(), body, None).await?;
    Ok(())
}

/// `DELETE /api/session`: ends the session in this browser.
pub async fn sign_out() -> Result<(), ApiError> {
    fetch_text(Request::delete(SESSION_PATH)).await?;
    Ok(())
}

/// True when `error` says the call needs a session.
pub fn is_unauthorized(error: &ApiError) -> bool {
    error.code() == Some(UNAUTHORIZED)
}

/// Checks whether the session still holds (the live stream failed, which
/// may be a lost session) and starts over if it does not.
pub fn probe() {
    wasm_bindgen_futures::spawn_local(async {
        if let Err(error) = super::get_config().await
            && is_unauthorized(&error)
        {
            restart_console();
        }
    });
}

/// Whether the page was opened from a sign-in link whose token was refused.
pub fn link_was_rejected() -> bool {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .is_some_and(|query| query.contains("signin=rejected"))
}
