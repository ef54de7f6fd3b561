//! The simulator's control door, `/api/sim/...` (simulator mode only): read
//! and move the simulated clock, set the speed, reset the account, seed a
//! demo account. Errors use the console's envelope.

use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::Path;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use shared::opsworkscm::ServerStatus;

use crate::sim::faults::FaultSpec;
use serde::Deserialize;
use serde_json::json;

use super::AppState;
use super::render::console_error;
use crate::error::ServiceError;
use crate::sim::Simulator;

/// The routes, to be nested under `/api/sim`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/clock", get(clock))
        .route("/clock/advance", post(advance))
        .route("/speed", post(speed))
        .route("/reset", post(reset))
        .route("/seed-demo", post(seed_demo))
        .route("/faults", get(list_faults).post(add_fault))
        .route("/faults/{id}", delete(remove_fault))
        .route("/servers/{name}/health", post(health))
}

/// `POST /api/sim/servers/{name}/health` body.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    /// HEALTHY, UNHEALTHY or CONNECTION_LOST.
    status: ServerStatus,
    /// StatusReason: a message or a JSON health-check block.
    reason: Option<String>,
    /// Simulated seconds until the server recovers on its own.
    recover_after_seconds: Option<f64>,
}

async fn list_faults(State(app): State<AppState>) -> Response {
    answer(simulator(&app).map(|sim| json!({ "faults": sim.faults().list() })))
}

async fn add_fault(State(app): State<AppState>, body: Json<FaultSpec>) -> Response {
    answer(simulator(&app).and_then(|sim| {
        let fault = sim.add_fault(body.0)?;
        serde_json::to_value(fault).map_err(|e| ServiceError::internal(&e))
    }))
}

async fn remove_fault(State(app): State<AppState>, Path(id): Path<u64>) -> Response {
    answer(simulator(&app).and_then(|sim| {
        if sim.faults().remove(id) {
            Ok(json!({}))
        } else {
            Err(ServiceError::not_found(format!(
                "Fault {id} does not exist."
            )))
        }
    }))
}

async fn health(
    State(app): State<AppState>,
    Path(name): Path<String>,
    body: Json<Health>,
) -> Response {
    let result = async {
        let Json(Health {
            status,
            reason,
            recover_after_seconds,
        }) = body;
        let server = simulator(&app)?
            .set_health(&name, status, reason, recover_after_seconds)
            .await?;
        serde_json::to_value(server).map_err(|e| ServiceError::internal(&e))
    };
    answer(result.await)
}

/// `POST /api/sim/clock/advance` body.
#[derive(Debug, Deserialize)]
pub struct Advance {
    /// How many simulated seconds to jump forward.
    seconds: f64,
}

/// `POST /api/sim/speed` body.
#[derive(Debug, Deserialize)]
pub struct Speed {
    /// The new time factor.
    speed: f64,
}

fn simulator(app: &AppState) -> Result<&Simulator, ServiceError> {
    app.control.as_deref().ok_or_else(|| {
        ServiceError::new(
            shared::error::ErrorCode::UnknownOperationException,
            "Simulator controls exist only in simulator mode.",
        )
    })
}

fn answer(result: Result<serde_json::Value, ServiceError>) -> Response {
    match result {
        Ok(body) => Json(body).into_response(),
        Err(err) => console_error(&err, &uuid::Uuid::new_v4().to_string()),
    }
}

fn clock_view(sim: &Simulator) -> serde_json::Value {
    let now = sim.now();
    json!({
        "now": now.timestamp_millis() as f64 / 1000.0,
        "iso": now.to_rfc3339(),
        "speed": sim.speed(),
    })
}

async fn clock(State(app): State<AppState>) -> Response {
    answer(simulator(&app).map(clock_view))
}

async fn advance(State(app): State<AppState>, body: Json<Advance>) -> Response {
    let result = async {
        let sim = simulator(&app)?;
        let seconds = body.seconds;
        // Checked before Duration::from_secs_f64, which panics on NaN or
        // negative input.
        crate::sim::bounds::check_seconds("seconds", seconds, true)
            .map_err(ServiceError::validation)?;
        let completed = sim.advance_clock(Duration::from_secs_f64(seconds)).await?;
        let mut view = clock_view(sim);
        view["completed"] = json!(completed);
        Ok(view)
    };
    answer(result.await)
}

async fn speed(State(app): State<AppState>, body: Json<Speed>) -> Response {
    let result = async {
        let sim = simulator(&app)?;
        sim.set_speed(body.speed).await?;
        Ok(clock_view(sim))
    };
    answer(result.await)
}

async fn reset(State(app): State<AppState>) -> Response {
    let result = async {
        let sim = simulator(&app)?;
        sim.reset().await?;
        sim.faults().clear();
        Ok(json!({}))
    };
    answer(result.await)
}

async fn seed_demo(State(app): State<AppState>) -> Response {
    let result = async {
        let servers = simulator(&app)?.seed_demo().await?;
        Ok(json!({ "servers": servers }))
    };
    answer(result.await)
}
