//! Starting the console over when an answer says the session is gone (the
//! backend restarted with a new token, or the session expired), so the
//! sign-in page shows instead of broken pages.

use shared::console::{CONFIG_PATH, SESSION_PATH};

/// Paths whose 401 is an answer to show, not a lost session.
const SIGN_IN_PATHS: [&str; 2] = [CONFIG_PATH, SESSION_PATH];

/// After an answer with `status` to `url`: a 401 anywhere but the sign-in
/// calls means the session is gone.
pub(super) fn notice(status: u16, url: &str) {
    if status == 401 && !SIGN_IN_PATHS.iter().any(|path| url.ends_with(path)) {
        restart_console();
    }
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
