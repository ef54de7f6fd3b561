//! The simulator's OpsWorks CM handler, the injected request faults of both
//! services, and the simulator as a [`Target`].

use std::ops::Deref;

use futures_util::future::BoxFuture;
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::error::ErrorCode;
use shared::operation::ServiceHandler;
use shared::opsworkscm::{Operation, dispatch};

use super::Simulator;
use super::faults::FaultKind;
use crate::error::ServiceError;
use crate::protocol::{encode_response, parse_request};
use crate::target::{Call, RequestContext, Target};

/// The simulator's OpsWorks CM service: the handler of its 19 operations
/// (each an `impl Handles<ops::Name>` in the module of its resource).
#[derive(Clone, Copy)]
pub struct OpsWorksCm<'a>(&'a Simulator);

impl Deref for OpsWorksCm<'_> {
    type Target = Simulator;

    fn deref(&self) -> &Simulator {
        self.0
    }
}

impl ServiceHandler for OpsWorksCm<'_> {
    type Context = RequestContext;
    type Error = ServiceError;

    fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, ServiceError> {
        parse_request(body)
    }

    fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, ServiceError> {
        encode_response(value)
    }
}

impl Simulator {
    /// The OpsWorks CM service of this simulator.
    #[must_use]
    pub fn opsworkscm(&self) -> OpsWorksCm<'_> {
        OpsWorksCm(self)
    }

    /// Executes one OpsWorks CM operation.
    pub async fn handle(
        &self,
        ctx: &RequestContext,
        op: Operation,
        body: &[u8],
    ) -> Result<Vec<u8>, ServiceError> {
        self.injected_request_faults(op.as_str(), body).await?;
        dispatch(&self.opsworkscm(), ctx, op, body).await
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

    fn call<'a>(
        &'a self,
        ctx: &'a RequestContext,
        call: Call,
        body: &'a [u8],
    ) -> BoxFuture<'a, Result<Vec<u8>, ServiceError>> {
        Box::pin(async move {
            match call {
                Call::OpsWorksCm(op) => self.handle(ctx, op, body).await,
                Call::CloudHsmV2(op) => self.handle_cloudhsm(ctx, op, body).await,
            }
        })
    }
}
