//! Typed client for the simulator's control door, `/api/sim/...` (simulator
//! mode only): the simulated clock and its speed, injected faults, server
//! health, resetting and seeding the account. Paths and bodies are
//! [`shared::sim_control`]'s, the ones the backend serves.

use gloo_net::http::{Request, RequestBuilder};
use serde::Serialize;
use serde::de::DeserializeOwned;
pub use shared::sim_control::faults::{
    FAULT_KINDS, Fault, FaultFields, FaultInputs, FaultKind, FaultSpec, fault_inputs,
};
use shared::sim_control::{
    Advance, Done, Seeded, SpeedChange, fault_path, faults::FaultList, health_path, path, paths,
};
pub use shared::sim_control::{ClockView as Clock, HealthChange};

use super::ApiError;
use super::http::{fetch_text, post_text, undecodable, unserializable};

async fn post<Resp: DeserializeOwned>(
    path: String,
    body: &impl Serialize,
) -> Result<Resp, ApiError> {
    let body = serde_json::to_string(body).map_err(unserializable)?;
    let text = post_text(path, body, None).await?;
    serde_json::from_str(&text).map_err(undecodable)
}

async fn get<Resp: DeserializeOwned>(request: RequestBuilder) -> Result<Resp, ApiError> {
    let text = fetch_text(request).await?;
    serde_json::from_str(&text).map_err(undecodable)
}

/// Reads the simulated clock.
pub async fn clock() -> Result<Clock, ApiError> {
    get(Request::get(&path(paths::CLOCK))).await
}

/// Moves simulated time forward by `seconds`; what fell due completes.
pub async fn advance(seconds: f64) -> Result<Clock, ApiError> {
    post(path(paths::ADVANCE), &Advance { seconds }).await
}

/// Sets the time factor for transitions started from now on.
pub async fn set_speed(speed: f64) -> Result<Clock, ApiError> {
    post(path(paths::SPEED), &SpeedChange { speed }).await
}

/// Lists the active faults.
pub async fn faults() -> Result<Vec<Fault>, ApiError> {
    let list: FaultList = get(Request::get(&path(paths::FAULTS))).await?;
    Ok(list.faults)
}

/// Adds a fault and returns it with its id.
pub async fn add_fault(fault: &FaultSpec) -> Result<Fault, ApiError> {
    post(path(paths::FAULTS), fault).await
}

/// Removes a fault.
pub async fn remove_fault(id: u64) -> Result<(), ApiError> {
    let Done {} = get(Request::delete(&fault_path(id))).await?;
    Ok(())
}

/// Deletes every server, backup, event, node association and fault.
pub async fn reset() -> Result<(), ApiError> {
    let Done {} = post(path(paths::RESET), &Done {}).await?;
    Ok(())
}

/// Fills an empty account with the demo servers; returns their names.
pub async fn seed_demo() -> Result<Vec<String>, ApiError> {
    let seeded: Seeded = post(path(paths::SEED_DEMO), &Done {}).await?;
    Ok(seeded.servers)
}

/// Changes the health of a server (it may recover on its own later).
pub async fn set_health(server_name: &str, change: &HealthChange) -> Result<(), ApiError> {
    let _: serde::de::IgnoredAny = post(health_path(server_name), change).await?;
    Ok(())
}
