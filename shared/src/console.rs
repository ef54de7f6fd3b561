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

/// `GET`: `{"status": "ok"}` while the backend serves.
pub const HEALTH_PATH: &str = "/api/health";

/// The console door's route for every operation of every service.
pub const OPERATION_ROUTE: &str = "/api/{service}/{operation}";

/// `POST`: operation `operation` of `service` (`/api/opsworks-cm/CreateBackup`).
#[must_use]
pub fn operation_path(service: crate::service::Service, operation: &str) -> String {
    format!("/api/{}/{operation}", service.console_segment())
}

/// What `GET /api/config` says about the backend.
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
        };
        let json = serde_json::to_value(&config).unwrap();
        assert_eq!(json["accountId"], "123456789012");
        assert_eq!(
            serde_json::from_value::<ConsoleConfig>(json).unwrap(),
            config
        );
    }
}
