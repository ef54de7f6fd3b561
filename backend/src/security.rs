//! Who may call which door (SECURITY.md states the same to users); the
//! middleware that checks it before any handler runs is
//! [`crate::http::guard`]:
//!
//! 1. [`host`]: the `Host` must be an allowed name (stops DNS rebinding);
//! 2. [`same_origin`]: browser doors (`/api/...`) refuse other sites (403)
//!    and POSTs that are not `application/json` (415); the wire door refuses
//!    other sites too (SDKs and the CLI send no `Origin`);
//! 3. [`session`]: when the console needs a session, `/api/...` without a
//!    valid one is 401 (`/api/health` and the sign-in call stay open), and a
//!    page opened with `?token=` is exchanged for the session cookie.
//!
//! SigV4 on the wire door is the [`crate::sigv4::Verifier`]'s, in the door.

pub mod host;
pub mod same_origin;
pub mod secrets;
pub mod session;

use std::sync::Arc;

pub use host::AllowedHosts;
pub use secrets::Secret;
pub use session::ConsoleSession;

/// Everything the guard checks, decided at start.
#[derive(Debug, Clone)]
pub struct Guard {
    /// Host names requests may address.
    pub hosts: AllowedHosts,
    /// Origins besides the console's own that may call `/api/`
    /// (`--allow-origin`, e.g. a `trunk serve` page), parsed once at start.
    pub extra_origins: Vec<same_origin::OriginParts>,
    /// The console session, when the console needs one.
    pub session: Option<Arc<ConsoleSession>>,
}

impl Guard {
    /// Loopback names only, no extra origins, no session: the defaults of a
    /// simulator on loopback.
    pub fn loopback() -> Self {
        Self {
            hosts: AllowedHosts::for_listen_host("127.0.0.1"),
            extra_origins: Vec::new(),
            session: None,
        }
    }
}
