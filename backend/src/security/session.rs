//! The console session: the operator proves they hold the console token
//! once (the printed `?token=` URL, or the sign-in page) and gets an
//! HttpOnly, SameSite=Strict cookie that every `/api/` call then carries.
//!
//! The cookie holds an expiry and an HMAC of it keyed by the token, so it
//! needs no server-side table, survives a restart with the same token
//! (`--token-file`) and dies with a new one. The cookie name carries the
//! listen port: browsers share cookies between ports of one host, so two
//! instances on one machine would otherwise sign each other out.

use std::sync::Arc;

use aws_lc_rs::{constant_time, hmac};
use axum::http::HeaderMap;
use axum::http::header;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::secrets::Secret;
use crate::clock::Clock;

/// How long a session lasts.
pub const SESSION_LIFETIME: chrono::TimeDelta = chrono::TimeDelta::days(7);

/// What [`ConsoleSession`] signs: this label and the expiry.
const LABEL: &str = "cmconsole-session-v1";

/// The console token and the cookies it vouches for.
pub struct ConsoleSession {
    token: Secret,
    key: hmac::Key,
    cookie_name: String,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for ConsoleSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsoleSession")
            .field("cookie_name", &self.cookie_name)
            .finish_non_exhaustive()
    }
}

impl ConsoleSession {
    /// Sessions for `token` on a console listening on `port`, with expiries
    /// judged by the wall `clock`.
    pub fn new(token: Secret, port: u16, clock: Arc<dyn Clock>) -> Self {
        let key = hmac::Key::new(hmac::HMAC_SHA256, token.expose().as_bytes());
        Self {
            token,
            key,
            cookie_name: format!("cmconsole_session_{port}"),
            clock,
        }
    }

    /// The console token (printed once at start when it was generated).
    pub fn token(&self) -> &Secret {
        &self.token
    }

    /// Whether `candidate` is the console token (constant time).
    pub fn accepts_token(&self, candidate: &str) -> bool {
        constant_time::verify_slices_are_equal(candidate.as_bytes(), self.token.expose().as_bytes())
            .is_ok()
    }

    /// A `Set-Cookie` value starting a session of [`SESSION_LIFETIME`].
    pub fn start_cookie(&self) -> String {
        let expiry = (self.clock.now() + SESSION_LIFETIME).timestamp();
        let value = format!("{expiry}.{}", self.mac(expiry));
        format!(
            "{}={value}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict",
            self.cookie_name,
            SESSION_LIFETIME.num_seconds()
        )
    }

    /// A `Set-Cookie` value ending the session in this browser.
    pub fn end_cookie(&self) -> String {
        format!(
            "{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict",
            self.cookie_name
        )
    }

    /// Whether the request's cookies hold a valid, unexpired session.
    pub fn admits(&self, headers: &HeaderMap) -> bool {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .filter(|(name, _)| *name == self.cookie_name)
            .any(|(_, value)| self.is_valid(value))
    }

    fn is_valid(&self, value: &str) -> bool {
        let Some((expiry, mac)) = value.split_once('.') else {
            return false;
        };
        let Ok(expiry) = expiry.parse::<i64>() else {
            return false;
        };
        let Ok(mac) = URL_SAFE_NO_PAD.decode(mac) else {
            return false;
        };
        hmac::verify(&self.key, &Self::message(expiry), &mac).is_ok()
            && expiry > self.clock.now().timestamp()
    }

    fn mac(&self, expiry: i64) -> String {
        URL_SAFE_NO_PAD.encode(hmac::sign(&self.key, &Self::message(expiry)))
    }

    fn message(expiry: i64) -> Vec<u8> {
        format!("{LABEL}:{expiry}").into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use axum::http::HeaderValue;
    use chrono::TimeZone;

    use super::*;
    use crate::clock::ManualClock;

    fn session(token: &str, clock: &ManualClock) -> ConsoleSession {
        ConsoleSession::new(Secret::new(token), 8080, Arc::new(clock.clone()))
    }

    fn with_cookie(set_cookie: &str) -> HeaderMap {
        let pair = set_cookie.split(';').next().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("other=1; {pair}")).unwrap(),
        );
        headers
    }

    #[test]
    fn a_started_session_is_admitted_until_it_expires() {
        let clock = ManualClock::new(chrono::Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap());
        let sessions = session("token-0123456789abcdef", &clock);
        let cookie = sessions.start_cookie();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
        assert!(cookie.starts_with("cmconsole_session_8080="));
        assert!(!cookie.contains("token-0123456789abcdef"));
        let headers = with_cookie(&cookie);
        assert!(sessions.admits(&headers));
        clock.advance(Duration::from_secs(7 * 24 * 3600 + 1));
        assert!(!sessions.admits(&headers), "expired");
    }

    #[test]
    fn cookies_of_another_token_forged_or_missing_are_refused() {
        let clock = ManualClock::new(chrono::Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap());
        let ours = session("token-0123456789abcdef", &clock);
        let theirs = session("other-token-0123456789", &clock);
        assert!(!ours.admits(&with_cookie(&theirs.start_cookie())));
        assert!(!ours.admits(&HeaderMap::new()));
        let forged = format!(
            "cmconsole_session_8080={}.AAAA",
            (clock.now() + SESSION_LIFETIME).timestamp()
        );
        assert!(!ours.admits(&with_cookie(&forged)));
        assert!(!ours.admits(&with_cookie("cmconsole_session_8080=garbage")));
        assert!(ours.accepts_token("token-0123456789abcdef"));
        assert!(!ours.accepts_token("token-0123456789abcdeF"));
        assert!(!ours.accepts_token(""));
    }
}
