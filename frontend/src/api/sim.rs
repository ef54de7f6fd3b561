//! Typed client for the simulator's control door, `/api/sim/...` (simulator
//! mode only): the simulated clock and its speed, injected faults, server
//! health, resetting and seeding the account.

use gloo_net::http::Request;
use serde::{Deserialize, Serialize};

use super::ApiError;
use super::http::{fetch_text, post_text, undecodable, unserializable};

/// The simulated clock (`GET /api/sim/clock` and the answers that move it).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Clock {
    /// Simulated time, epoch seconds.
    pub now: f64,
    /// Simulated time, RFC 3339.
    pub iso: String,
    /// Time factor of transitions started from now on.
    pub speed: f64,
    /// How many due transitions an advance completed.
    #[serde(default)]
    pub completed: Option<u64>,
}

/// An active fault, as `GET /api/sim/faults` lists it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
    /// Identifier for removal.
    pub id: u64,
    /// One of [`FAULT_KINDS`].
    pub kind: String,
    /// Only this operation; any when absent.
    #[serde(default)]
    pub operation: Option<String>,
    /// Only this server; any when absent.
    #[serde(default)]
    pub server_name: Option<String>,
    /// Firings left before it is removed; unlimited when absent.
    #[serde(default)]
    pub count: Option<u32>,
    /// Chance of firing on each match; always when absent.
    #[serde(default)]
    pub probability: Option<f64>,
    /// How many times it has fired.
    #[serde(default)]
    pub fired: u32,
    /// AWS error code (`error`).
    #[serde(default)]
    pub code: Option<String>,
    /// Error message (`error`).
    #[serde(default)]
    pub message: Option<String>,
    /// Added delay (`latency`).
    #[serde(default)]
    pub millis: Option<u64>,
    /// Failure reason (the `*-fails` kinds) or StatusReason (health kinds).
    #[serde(default)]
    pub reason: Option<String>,
    /// Simulated seconds until a server recovers (health kinds).
    #[serde(default)]
    pub recover_after_seconds: Option<f64>,
}

/// A fault to add (`POST /api/sim/faults`); absent members are left out.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewFault {
    /// The fault kind (see [`FAULT_KINDS`]).
    pub kind: String,
    /// Only this operation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// Only this server.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_name: Option<String>,
    /// How many times it fires.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// Chance of firing on each match (0 to 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    /// AWS error code (`error`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Error message (`error`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Added delay (`latency`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub millis: Option<u64>,
    /// Failure reason (the `*-fails` kinds) or StatusReason (health kinds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Simulated seconds until a server recovers (health kinds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recover_after_seconds: Option<f64>,
}

/// What a fault kind takes besides its server, count and probability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultInputs {
    /// An operation, an AWS error `code` and an optional `message`.
    Error,
    /// An operation and a delay in `millis`.
    Latency,
    /// An optional `reason`; it fires in its own lifecycle step, not per operation.
    Reason,
    /// An optional `reason` and `recoverAfterSeconds`; it fires at health checks.
    Health,
}

/// A fault kind the simulator knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaultKindInfo {
    /// The `kind` member.
    pub kind: &'static str,
    /// What it does, for the menu.
    pub summary: &'static str,
    /// Which inputs it takes.
    pub inputs: FaultInputs,
}

const fn kind(kind: &'static str, summary: &'static str, inputs: FaultInputs) -> FaultKindInfo {
    FaultKindInfo {
        kind,
        summary,
        inputs,
    }
}

/// Every fault kind of the simulator (`backend/src/sim/faults.rs`), in menu order.
pub const FAULT_KINDS: [FaultKindInfo; 8] = [
    kind(
        "error",
        "the operation answers an AWS error",
        FaultInputs::Error,
    ),
    kind(
        "latency",
        "the operation answers late",
        FaultInputs::Latency,
    ),
    kind(
        "create-fails",
        "the next server creation ends FAILED",
        FaultInputs::Reason,
    ),
    kind(
        "backup-fails",
        "the next backup ends FAILED",
        FaultInputs::Reason,
    ),
    kind(
        "maintenance-fails",
        "the next maintenance ends FAILED",
        FaultInputs::Reason,
    ),
    kind(
        "node-association-fails",
        "the next node association ends FAILED",
        FaultInputs::Reason,
    ),
    kind(
        "unhealthy",
        "a HEALTHY server goes UNHEALTHY at the next health check",
        FaultInputs::Health,
    ),
    kind(
        "connection-lost",
        "a HEALTHY server goes CONNECTION_LOST at the next health check",
        FaultInputs::Health,
    ),
];

/// The inputs of fault kind `kind` (`Reason` for an unknown one).
#[must_use]
pub fn fault_inputs(kind: &str) -> FaultInputs {
    FAULT_KINDS
        .iter()
        .find(|k| k.kind == kind)
        .map_or(FaultInputs::Reason, |k| k.inputs)
}

/// A health change (`POST /api/sim/servers/{name}/health`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HealthChange {
    /// `UNHEALTHY`, `CONNECTION_LOST` or `HEALTHY`.
    pub status: String,
    /// StatusReason of the server.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Simulated seconds until the server recovers on its own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recover_after_seconds: Option<f64>,
}

#[derive(Deserialize)]
struct FaultList {
    faults: Vec<Fault>,
}

#[derive(Deserialize)]
struct Seeded {
    servers: Vec<String>,
}

async fn post<Resp: serde::de::DeserializeOwned>(
    path: &str,
    body: &impl Serialize,
) -> Result<Resp, ApiError> {
    let body = serde_json::to_string(body).map_err(unserializable)?;
    let text = post_text(format!("/api/sim/{path}"), body, None).await?;
    serde_json::from_str(&text).map_err(undecodable)
}

/// Reads the simulated clock.
pub async fn clock() -> Result<Clock, ApiError> {
    let text = fetch_text(Request::get("/api/sim/clock")).await?;
    serde_json::from_str(&text).map_err(undecodable)
}

/// Moves simulated time forward by `seconds`; what fell due completes.
pub async fn advance(seconds: f64) -> Result<Clock, ApiError> {
    post("clock/advance", &serde_json::json!({ "seconds": seconds })).await
}

/// Sets the time factor for transitions started from now on.
pub async fn set_speed(speed: f64) -> Result<Clock, ApiError> {
    post("speed", &serde_json::json!({ "speed": speed })).await
}

/// Lists the active faults.
pub async fn faults() -> Result<Vec<Fault>, ApiError> {
    let text = fetch_text(Request::get("/api/sim/faults")).await?;
    let list: FaultList = serde_json::from_str(&text).map_err(undecodable)?;
    Ok(list.faults)
}

/// Adds a fault and returns it with its id.
pub async fn add_fault(fault: &NewFault) -> Result<Fault, ApiError> {
    post("faults", fault).await
}

/// Removes a fault.
pub async fn remove_fault(id: u64) -> Result<(), ApiError> {
    let text = fetch_text(Request::delete(&format!("/api/sim/faults/{id}"))).await?;
    let _: serde_json::Value = serde_json::from_str(&text).map_err(undecodable)?;
    Ok(())
}

/// Deletes every server, backup, event, node association and fault.
pub async fn reset() -> Result<(), ApiError> {
    let _: serde_json::Value = post("reset", &serde_json::json!({})).await?;
    Ok(())
}

/// Fills an empty account with the demo servers; returns their names.
pub async fn seed_demo() -> Result<Vec<String>, ApiError> {
    let seeded: Seeded = post("seed-demo", &serde_json::json!({})).await?;
    Ok(seeded.servers)
}

/// Changes the health of a server (it may recover on its own later).
pub async fn set_health(server_name: &str, change: &HealthChange) -> Result<(), ApiError> {
    let path = format!("servers/{server_name}/health");
    let _: serde_json::Value = post(&path, change).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_parse_with_null_members() {
        let list: FaultList = serde_json::from_str(
            r#"{"faults":[{"id":3,"kind":"create-fails","reason":"no subnet","operation":null,"serverName":"web-1","count":1,"probability":null,"fired":0}]}"#,
        )
        .unwrap();
        assert_eq!(list.faults[0].server_name.as_deref(), Some("web-1"));
        assert_eq!(list.faults[0].reason.as_deref(), Some("no subnet"));
    }

    #[test]
    fn health_faults_carry_their_recovery() {
        let fault = NewFault {
            kind: "connection-lost".to_owned(),
            recover_after_seconds: Some(300.0),
            ..NewFault::default()
        };
        assert_eq!(
            serde_json::to_string(&fault).unwrap(),
            r#"{"kind":"connection-lost","recoverAfterSeconds":300.0}"#
        );
        assert_eq!(fault_inputs("connection-lost"), FaultInputs::Health);
        assert_eq!(fault_inputs("error"), FaultInputs::Error);
        let listed: Fault = serde_json::from_str(
            r#"{"id":1,"kind":"unhealthy","recoverAfterSeconds":60,"fired":0}"#,
        )
        .unwrap();
        assert_eq!(listed.recover_after_seconds, Some(60.0));
    }

    #[test]
    fn new_faults_leave_out_absent_members() {
        let fault = NewFault {
            kind: "latency".to_owned(),
            millis: Some(800),
            ..NewFault::default()
        };
        assert_eq!(
            serde_json::to_string(&fault).unwrap(),
            r#"{"kind":"latency","millis":800}"#
        );
    }
}
