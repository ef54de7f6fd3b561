//! What every door shares: the target, the journal, the settings and the
//! limits.

use std::sync::Arc;

use crate::security::Guard;
use crate::store::Store;
use crate::target::Target;

/// Largest request body accepted (CustomCertificate alone may be 2 MiB).
pub const BODY_LIMIT: usize = 8 * 1024 * 1024;

/// Settings the doors need besides the target.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Region reported by `/api/config`.
    pub region: String,
    /// Account id reported by `/api/config`.
    pub account_id: String,
    /// Where the console's files come from; `None` serves no console.
    pub ui: Option<super::static_files::UiSource>,
    /// Who may call which door: hosts, origins, the console session.
    pub guard: Arc<Guard>,
    /// The URL clients on this machine reach the backend at, for
    /// `/api/config` (`http://127.0.0.1:43121`).
    pub endpoint: Option<String>,
    /// When the backend started serving, for `/api/health`'s uptime.
    pub started: std::time::Instant,
}

impl AppState {
    /// The id of a request's answer: the simulator's (seeded by `--seed`),
    /// else a random UUID.
    pub fn request_id(&self) -> String {
        match &self.control {
            Some(sim) => sim.request_id(),
            None => uuid::Uuid::new_v4().to_string(),
        }
    }
}

/// Shared state of every handler: one reference-counted [`App`], so the
/// clone each extractor and middleware takes is one counter, not one per
/// part.
#[derive(Clone)]
pub struct AppState(Arc<App>);

impl From<App> for AppState {
    fn from(app: App) -> Self {
        Self(Arc::new(app))
    }
}

impl std::ops::Deref for AppState {
    type Target = App;

    fn deref(&self) -> &App {
        &self.0
    }
}

/// What every door shares.
pub struct App {
    /// What executes operations.
    pub target: Arc<dyn Target>,
    /// The journal behind the live door.
    pub store: Arc<dyn Store>,
    /// Settings.
    pub settings: Arc<Settings>,
    /// The wire door's rate limit, when on.
    pub throttle: Option<Arc<crate::throttle::TokenBucket>>,
    /// The SigV4 check of the wire door (`serve --require-sigv4`).
    pub verifier: Option<Arc<crate::sigv4::Verifier>>,
    /// The simulator behind `/api/sim` (none in upstream mode).
    pub control: Option<Arc<crate::sim::Simulator>>,
    /// The open event streams and their limit.
    pub live: Arc<super::live::LiveStreams>,
    /// The calls the doors answered, newest last.
    pub requests: Arc<super::requests::RequestLog>,
    /// `--init-dir`'s scripts, when given.
    pub init: Option<Arc<crate::init_hooks::InitHooks>>,
    /// The instances sharing this one's database, when it shares one.
    pub cluster: Option<Arc<crate::cluster::Cluster>>,
}
