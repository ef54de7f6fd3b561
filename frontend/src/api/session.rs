//! The console session: signing in with the console token (the sign-in
//! page), signing out, and starting the console over when an answer says
//! the session is gone (the backend restarted with a new token, or the
//! session expired), so the sign-in page shows instead of broken pages.

use gloo_net::http::Request;
use shared::console::{CONFIG_PATH, SESSION_PATH};

use super::ApiError;
use super::http::{fetch_text, post_text};

/// The code of the answer to a call without a valid session (HTTP 401).
pub const UNAUTHORIZED: &str = "UnauthorizedException";

/// Paths whose 401 is an answer to show, not a lost session.
const SIGN_IN_PATHS: [&str; 2] = [CONFIG_PATH, SESSION_PATH];

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

/// Loads the current page afresh, without a `signin=` note in its query:
/// the console starts over (on the sign-in page when there is no session).
pub fn restart_console() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let path = location.pathname().unwrap_or_else(|_| "/".to_owned());
    let query: Vec<String> = location
        .search()
        .unwrap_or_default()
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| !pair.is_empty() && !pair.starts_with("signin="))
        .map(str::to_owned)
        .collect();
    let target = if query.is_empty() {
        path
    } else {
        format!("{path}?{}", query.join("&"))
    };
    let _ = location.replace(&target);
}

/// After an answer with `status` to `url`: a 401 anywhere but the sign-in
/// calls means the session is gone.
pub(super) fn notice(status: u16, url: &str) {
    if status == 401 && !SIGN_IN_PATHS.iter().any(|path| url.ends_with(path)) {
        restart_console();
    }
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
