//! The simulator's control door, `/api/sim/...` (simulator mode only): read
//! and move the simulated clock, set the speed, reset the account, seed a
//! demo account. Errors use the console's envelope.

use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;

use crate::api::envelope;
use crate::app::AppState;
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
        Err(err) => envelope(&err, &uuid::Uuid::new_v4().to_string()),
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
        if !(seconds.is_finite() && (0.0..=10.0 * 365.0 * 86_400.0).contains(&seconds)) {
            return Err(ServiceError::validation(
                "seconds must be between 0 and ten years.",
            ));
        }
        let completed = sim.advance_clock(Duration::from_secs_f64(seconds)).await?;
        let mut view = clock_view(sim);
        view["completed"] = json!(completed);
        Ok(view)
    };
    answer(result.await)
}

async fn speed(State(app): State<AppState>, body: Json<Speed>) -> Response {
    answer(simulator(&app).and_then(|sim| {
        sim.set_speed(body.speed)?;
        Ok(clock_view(sim))
    }))
}

async fn reset(State(app): State<AppState>) -> Response {
    let result = async {
        simulator(&app)?.reset().await?;
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
