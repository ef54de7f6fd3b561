//! The simulator's control door, `/api/sim/...` (simulator mode only): read
//! and move the simulated clock, set the speed, inject faults, change a
//! server's health, reset the account, seed a demo account. Its paths and
//! bodies are [`shared::sim_control`]'s; errors use the console's envelope.

use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use serde::{Deserialize, Serialize};
use shared::sim_control::faults::{FaultList, FaultSpec};
use shared::sim_control::{
    Advance, ClockView, Done, HealthChange, Imported, SeedChange, Seeded, SpeedChange, paths,
};

use super::AppState;
use super::render::console_error;
use crate::error::ServiceError;
use crate::sim::Simulator;
use crate::sim::snapshot::{ImportMode, Scope};

/// The routes, to be nested under [`shared::sim_control::PREFIX`].
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(paths::CLOCK, get(clock))
        .route(paths::ADVANCE, post(advance))
        .route(paths::SPEED, post(speed))
        .route(paths::RESET, post(reset))
        .route(
            paths::STATE,
            get(export_state)
                .post(import_state)
                .layer(axum::extract::DefaultBodyLimit::max(STATE_LIMIT)),
        )
        .route(paths::SEED_DEMO, post(seed_demo))
        .route(paths::SEED, post(seed))
        .route(paths::FAULTS, get(list_faults).post(add_fault))
        .route(paths::FAULT_ROUTE, delete(remove_fault))
        .route(paths::HEALTH_ROUTE, post(health))
}

async fn list_faults(State(app): State<AppState>) -> Response {
    answer(simulator(&app).map(|sim| FaultList {
        faults: sim.faults().list(),
    }))
}

async fn add_fault(State(app): State<AppState>, body: Json<FaultSpec>) -> Response {
    answer(simulator(&app).and_then(|sim| sim.add_fault(body.0)))
}

async fn remove_fault(State(app): State<AppState>, Path(id): Path<u64>) -> Response {
    answer(simulator(&app).and_then(|sim| {
        if sim.faults().remove(id) {
            Ok(Done {})
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
    body: Json<HealthChange>,
) -> Response {
    let Json(HealthChange {
        status,
        reason,
        recover_after_seconds,
    }) = body;
    let result = async {
        simulator(&app)?
            .set_health(&name, status, reason, recover_after_seconds)
            .await
    };
    answer(result.await)
}

fn simulator(app: &AppState) -> Result<&Simulator, ServiceError> {
    app.control.as_deref().ok_or_else(|| {
        ServiceError::new(
            shared::error::ErrorCode::UnknownOperationException,
            "Simulator controls exist only in simulator mode.",
        )
    })
}

fn answer(result: Result<impl Serialize, ServiceError>) -> Response {
    match result {
        Ok(body) => Json(body).into_response(),
        Err(err) => console_error(&err, &uuid::Uuid::new_v4().to_string()),
    }
}

fn clock_view(sim: &Simulator, completed: Option<u64>) -> ClockView {
    let now = sim.now();
    ClockView {
        now: now.timestamp_millis() as f64 / 1000.0,
        iso: now.to_rfc3339(),
        speed: sim.speed(),
        completed,
    }
}

async fn clock(State(app): State<AppState>) -> Response {
    answer(simulator(&app).map(|sim| clock_view(sim, None)))
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
        Ok(clock_view(sim, Some(completed as u64)))
    };
    answer(result.await)
}

async fn speed(State(app): State<AppState>, body: Json<SpeedChange>) -> Response {
    let result = async {
        let sim = simulator(&app)?;
        sim.set_speed(body.speed).await?;
        Ok(clock_view(sim, None))
    };
    answer(result.await)
}

/// Largest state snapshot `POST /api/sim/state` takes.
const STATE_LIMIT: usize = 64 * 1024 * 1024;

/// `POST /api/sim/reset`: everything and every fault, or only the records
/// of `?service=` and/or `?region=`.
async fn reset(State(app): State<AppState>, Query(scope): Query<Scope>) -> Response {
    let result = async {
        let sim = simulator(&app)?;
        if scope == Scope::default() {
            sim.reset().await?;
            sim.faults().clear();
        } else {
            sim.reset_scope(&scope).await?;
        }
        Ok(Done {})
    };
    answer(result.await)
}

/// `GET /api/sim/state`.
async fn export_state(State(app): State<AppState>, Query(scope): Query<Scope>) -> Response {
    answer(simulator(&app).and_then(|sim| sim.export_state(&scope)))
}

/// What `POST /api/sim/state` takes in its query.
#[derive(Debug, Deserialize)]
struct ImportQuery {
    #[serde(default)]
    mode: ImportMode,
    service: Option<String>,
    region: Option<String>,
}

/// `POST /api/sim/state`.
async fn import_state(
    State(app): State<AppState>,
    Query(query): Query<ImportQuery>,
    body: axum::body::Bytes,
) -> Response {
    let result = async {
        let sim = simulator(&app)?;
        let snapshot = crate::sim::snapshot::parse(&body)?;
        let scope = Scope {
            service: query.service,
            region: query.region,
        };
        let records = sim.import_state(snapshot, query.mode, &scope).await?;
        Ok(Imported { records })
    };
    answer(result.await)
}

/// `POST /api/sim/seed`.
async fn seed(State(app): State<AppState>, body: Json<SeedChange>) -> Response {
    let result = async {
        simulator(&app)?.reseed(body.seed).await?;
        Ok(body.0)
    };
    answer(result.await)
}

async fn seed_demo(State(app): State<AppState>) -> Response {
    let result = async {
        let servers = simulator(&app)?.seed_demo().await?;
        Ok(Seeded { servers })
    };
    answer(result.await)
}
