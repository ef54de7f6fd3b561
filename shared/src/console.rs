//! The console door's own contract, written once for the backend that
//! serves it and the browser that calls it: paths, the region header, and
//! what `GET /api/config` says.

use serde::{Deserialize, Serialize};

/// Header naming the region of a CloudHSM call on the console door
/// (HTTP header names are case-insensitive; this is the canonical form).
pub const REGION_HEADER: &str = "x-cmconsole-region";

/// `GET`: what [`ConsoleConfig`] says.
pub const CONFIG_PATH: &str = "/api/config";

/// `GET`: the live event stream.
pub const EVENTS_PATH: &str = "/api/events";

/// `POST` to sign in, `DELETE` to sign out.
pub const SESSION_PATH: &str = "/api/session";

/// `GET` or `HEAD`: what [`Health`] says; 503 while the backend is starting.
pub const HEALTH_PATH: &str = "/api/health";

/// `GET`: what [`InitReport`] says about `--init-dir`'s scripts.
pub const INIT_PATH: &str = "/api/init";

/// Header on every answer of the backend: its version.
pub const VERSION_HEADER: &str = "x-cmconsole-version";

/// The console door's route for every operation of every service.
pub const OPERATION_ROUTE: &str = "/api/{service}/{operation}";

/// `POST`: operation `operation` of `service` (`/api/opsworks-cm/CreateBackup`).
#[must_use]
pub fn operation_path(service: crate::service::Service, operation: &str) -> String {
    format!("/api/{}/{operation}", service.console_segment())
}

/// What `GET /api/config` says about the backend.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsoleConfig {
    /// `simulator` or `upstream`.
    pub mode: String,
    /// AWS region the backend answers for.
    pub region: String,
    /// Account id used in ARNs.
    pub account_id: String,
    /// Backend version.
    pub version: String,
    /// True when the console needs a session (then it offers Sign out).
    #[serde(default)]
    pub session: bool,
    /// The URL clients on this machine reach the backend at
    /// (`http://127.0.0.1:43121`, the port bound for `--listen ...:0`): what
    /// `AWS_ENDPOINT_URL` should say.
    pub endpoint: Option<String>,
}

/// Overall state of the backend in [`Health`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HealthStatus {
    /// Serving; every service and the store answer.
    Ok,
    /// Serving, but a service or the store is failing.
    Degraded,
    /// Not ready yet (upstream mode before its first poll).
    Starting,
}

/// State of one service in [`Health`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ServiceStatus {
    /// Answered by the simulator.
    Simulated,
    /// Upstream, and its last poll succeeded.
    Reachable,
    /// Upstream, and its last poll failed.
    Failing,
    /// Upstream, not polled yet.
    Starting,
}

/// One service's line in [`Health`].
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceHealth {
    /// How it is doing.
    pub status: ServiceStatus,
    /// Why it is failing, when it is.
    pub detail: Option<String>,
}

/// The store's line in [`Health`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoreHealth {
    /// What and where: `sqlite file /path/cmconsole.sqlite3`, `in memory`.
    pub kind: String,
    /// `ok` when it answered a read just now, else `failing`.
    pub status: String,
}

/// Where the init scripts are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InitStatus {
    /// No `--init-dir`.
    None,
    /// Some script has not finished yet.
    Running,
    /// Every script ran (some may have failed).
    Done,
}

/// How one init script went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScriptStatus {
    /// Waiting for the scripts before it.
    Pending,
    /// Running now.
    Running,
    /// Exited with status 0.
    Succeeded,
    /// Exited with another status, was killed, or could not start.
    Failed,
    /// Ran past the time limit and was killed.
    #[serde(rename = "timed-out")]
    TimedOut,
}

/// One init script in [`InitReport`].
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InitScript {
    /// Its file name.
    pub name: String,
    /// How it went.
    pub status: ScriptStatus,
    /// Its exit code, once it exited.
    pub exit_code: Option<i32>,
    /// Seconds it ran, once it finished.
    pub seconds: Option<f64>,
    /// The end of what it printed (stdout and stderr), at most 16 KiB.
    #[serde(default)]
    pub output: String,
}

/// What `GET /api/init` says.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InitReport {
    /// Whether they are running or done.
    pub status: InitStatus,
    /// The directory.
    pub dir: Option<String>,
    /// Every executable file, in the order they run (name order).
    pub scripts: Vec<InitScript>,
}

/// What `GET /api/health` says.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    /// Overall state; `starting` answers 503.
    pub status: HealthStatus,
    /// Backend version.
    pub version: String,
    /// `simulator` or `upstream`.
    pub mode: String,
    /// The store.
    pub store: StoreHealth,
    /// Each service by its endpoint prefix (`opsworks-cm`, `cloudhsmv2`).
    pub services: std::collections::BTreeMap<String, ServiceHealth>,
    /// Seconds since the backend started.
    pub uptime_seconds: u64,
    /// The newest journal entry's id (what the live stream has reached).
    pub journal_head: u64,
    /// Among instances sharing a PostgreSQL database: `leader`, `follower`
    /// or `starting` (absent for a lone instance).
    pub role: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_travels_in_camel_case() {
        let config = ConsoleConfig {
            mode: "simulator".to_owned(),
            region: "us-east-1".to_owned(),
            account_id: "123456789012".to_owned(),
            version: "0.1.0".to_owned(),
            session: true,
            endpoint: Some("http://127.0.0.1:8080".to_owned()),
        };
        let json = serde_json::to_value(&config).unwrap();
        assert_eq!(json["accountId"], "123456789012");
        assert_eq!(
            serde_json::from_value::<ConsoleConfig>(json).unwrap(),
            config
        );
    }
}
