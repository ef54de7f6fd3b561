//! The simulator's control door, `/api/sim/...` (simulator mode only): its
//! paths and every body it takes or answers, for the backend that serves
//! it and the console that calls it. The simulated clock and its speed,
//! injected faults ([`faults`]), server health, resetting and seeding the
//! account; the bounds of every number they carry ([`bounds`]).

pub mod bounds;
pub mod faults;

use serde::{Deserialize, Serialize};

use crate::opsworkscm::ServerStatus;

/// Where the control door is mounted.
pub const PREFIX: &str = "/api/sim";

/// The control door's paths, relative to [`PREFIX`].
pub mod paths {
    /// `GET`: the simulated clock.
    pub const CLOCK: &str = "/clock";
    /// `POST` [`Advance`](super::Advance): move the clock forward.
    pub const ADVANCE: &str = "/clock/advance";
    /// `POST` [`SpeedChange`](super::SpeedChange): set the time factor.
    pub const SPEED: &str = "/speed";
    /// `POST`: delete every record and fault; with `?service=` and/or
    /// `?region=`, only the records of that service and region.
    pub const RESET: &str = "/reset";
    /// `GET` the state as a versioned snapshot (`?service=`, `?region=`
    /// narrow it); `POST` one to import it (`?mode=replace` (default) or
    /// `merge`).
    pub const STATE: &str = "/state";
    /// `POST` a [`SeedChange`](super::SeedChange): start every random
    /// choice over from a seed (or go back to unseeded ones).
    pub const SEED: &str = "/seed";
    /// `POST`: fill an empty account with the demo servers.
    pub const SEED_DEMO: &str = "/seed-demo";
    /// `GET` the faults, `POST` a [`FaultSpec`](super::faults::FaultSpec).
    pub const FAULTS: &str = "/faults";
    /// `DELETE` one fault (axum route).
    pub const FAULT_ROUTE: &str = "/faults/{id}";
    /// `POST` a [`HealthChange`](super::HealthChange) (axum route).
    pub const HEALTH_ROUTE: &str = "/servers/{name}/health";
}

/// The full path of control `path` (one of [`paths`]).
#[must_use]
pub fn path(path: &str) -> String {
    format!("{PREFIX}{path}")
}

/// The full path that removes fault `id`.
#[must_use]
pub fn fault_path(id: u64) -> String {
    format!("{PREFIX}{}/{id}", paths::FAULTS)
}

/// The full path that changes server `name`'s health.
#[must_use]
pub fn health_path(name: &str) -> String {
    format!("{PREFIX}/servers/{name}/health")
}

/// `POST /api/sim/seed`'s body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedChange {
    /// The seed; `null` draws from the operating system again.
    pub seed: Option<u64>,
}

/// What importing a state snapshot did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Imported {
    /// Records written.
    pub records: usize,
}

/// The simulated clock, as the clock and speed controls answer it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClockView {
    /// Simulated time, epoch seconds.
    pub now: f64,
    /// Simulated time, RFC 3339.
    pub iso: String,
    /// Time factor of transitions started from now on.
    pub speed: f64,
    /// How many due transitions an advance completed (advances only).
    pub completed: Option<u64>,
}

/// `POST /api/sim/clock/advance`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Advance {
    /// How many simulated seconds to jump forward (see [`bounds::check_seconds`]).
    pub seconds: f64,
}

/// `POST /api/sim/speed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpeedChange {
    /// The new time factor (see [`bounds::SPEED`]).
    pub speed: f64,
}

/// `POST /api/sim/servers/{name}/health`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HealthChange {
    /// `HEALTHY`, `UNHEALTHY` or `CONNECTION_LOST`.
    pub status: ServerStatus,
    /// StatusReason: a message or a JSON health-check block.
    pub reason: Option<String>,
    /// Simulated seconds until the server recovers on its own.
    pub recover_after_seconds: Option<f64>,
}

/// What `POST /api/sim/seed-demo` answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Seeded {
    /// The demo servers created.
    pub servers: Vec<String>,
}

/// The empty answer of reset, fault removal and health changes' callers
/// that need nothing back.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Done {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_the_routes_with_their_values() {
        assert_eq!(path(paths::ADVANCE), "/api/sim/clock/advance");
        assert_eq!(fault_path(3), "/api/sim/faults/3");
        assert_eq!(
            format!("{PREFIX}{}", paths::HEALTH_ROUTE).replace("{name}", "web"),
            health_path("web")
        );
    }

    #[test]
    fn health_changes_leave_out_what_is_absent() {
        let change = HealthChange {
            status: ServerStatus::Unhealthy,
            reason: None,
            recover_after_seconds: Some(60.0),
        };
        assert_eq!(
            serde_json::to_string(&change).unwrap(),
            r#"{"status":"UNHEALTHY","recoverAfterSeconds":60.0}"#
        );
    }
}
