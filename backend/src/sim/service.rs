//! What the simulator's two services share: a handler type over the
//! simulator for each ([`super::OpsWorksCm`], [`super::CloudHsm`]) that
//! decodes and answers AWS JSON, the injected request faults, the work each
//! schedules, and the simulator as a [`Target`].

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use shared::error::ErrorCode;

use super::Simulator;
use super::State;
use super::changes::Changes;
use super::faults::FaultKind;
use crate::error::ServiceError;
use crate::target::{Call, RequestContext, Target};

/// Declares a service's handler type: a borrowed simulator (which it derefs
/// to) answering the service's operations in AWS JSON, given `$context`.
macro_rules! service_handler {
    ($(#[$meta:meta])* $name:ident, $context:ty) => {
        $(#[$meta])*
        #[derive(Clone, Copy)]
        pub struct $name<'a>(&'a $crate::sim::Simulator);

        impl std::ops::Deref for $name<'_> {
            type Target = $crate::sim::Simulator;

            fn deref(&self) -> &$crate::sim::Simulator {
                self.0
            }
        }

        impl shared::operation::ServiceHandler for $name<'_> {
            type Context = $context;
            type Error = $crate::error::ServiceError;

            fn decode<T: serde::de::DeserializeOwned>(
                body: &[u8],
            ) -> Result<T, $crate::error::ServiceError> {
                $crate::aws_json::parse_request(body)
            }

            fn encode<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, $crate::error::ServiceError> {
                $crate::aws_json::encode_response(value)
            }
        }
    };
}

pub(crate) use service_handler;

/// The work a service schedules on the simulated clock.
pub(crate) trait Scheduled {
    /// The earliest time anything of the service is due.
    fn next_due(state: &State) -> Option<DateTime<Utc>>;

    /// One piece of the service's due work.
    type Due;

    /// Every piece of work due at or before `now`, each with its time, in
    /// the order the service made them (work due at one time runs in it).
    fn due(state: &State, now: DateTime<Utc>) -> Vec<(DateTime<Utc>, Self::Due)>;

    /// Completes the piece `item` due at `at`; `until` is where the clock
    /// now stands, so periodic work whose result would be gone by then
    /// (pruned by retention) may be skipped.
    fn complete(
        &self,
        state: &mut State,
        changes: &mut Changes,
        item: Self::Due,
        at: DateTime<Utc>,
        until: DateTime<Utc>,
    );

    /// Completes everything of the service due at or before `now` (the
    /// earliest due time of either service), each at its own time, earliest
    /// first. Returns how many items ran.
    fn complete_due(
        &self,
        state: &mut State,
        changes: &mut Changes,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> usize {
        let mut due = Self::due(state, now);
        due.sort_by_key(|(at, _)| *at);
        let count = due.len();
        for (at, item) in due {
            self.complete(state, changes, item, at, until);
        }
        count
    }
}

impl Simulator {
    /// Applies injected latency and error faults for a request of operation
    /// `op` (of either service).
    pub(crate) async fn injected_request_faults(
        &self,
        op: &str,
        body: &[u8],
    ) -> Result<(), ServiceError> {
        if self.faults().is_empty() {
            return Ok(());
        }
        let server = if self.faults().any_server_scoped() {
            serde_json::from_slice::<serde_json::Value>(body)
                .ok()
                .and_then(|v| v.get("ServerName")?.as_str().map(str::to_owned))
        } else {
            None
        };
        let server = server.as_deref();
        if let Some(FaultKind::Latency { millis }) =
            self.faults()
                .fire(|k| matches!(k, FaultKind::Latency { .. }), op, server)
        {
            tokio::time::sleep(std::time::Duration::from_millis(millis)).await;
        }
        if let Some(FaultKind::Error { code, message }) =
            self.faults()
                .fire(|k| matches!(k, FaultKind::Error { .. }), op, server)
        {
            let code = ErrorCode::from_code(&code).unwrap_or(ErrorCode::InternalFailure);
            let message = message
                .unwrap_or_else(|| format!("Injected fault: {op} answered {}.", code.as_str()));
            return Err(ServiceError::new(code, message));
        }
        Ok(())
    }
}

impl Target for Simulator {
    fn mode(&self) -> &'static str {
        "simulator"
    }

    fn services(&self) -> Vec<(shared::service::Service, shared::console::ServiceHealth)> {
        shared::service::Service::ALL
            .into_iter()
            .map(|service| {
                let health = shared::console::ServiceHealth {
                    status: shared::console::ServiceStatus::Simulated,
                    detail: None,
                };
                (service, health)
            })
            .collect()
    }

    fn call<'a>(
        &'a self,
        ctx: &'a RequestContext,
        call: Call,
        body: &'a [u8],
    ) -> BoxFuture<'a, Result<Vec<u8>, ServiceError>> {
        Box::pin(self.randomly(async move {
            match call {
                Call::OpsWorksCm(op) => self.opsworkscm().serve(ctx, op, body).await,
                Call::CloudHsmV2(op) => self.cloudhsm().serve(ctx, op, body).await,
            }
        }))
    }
}
