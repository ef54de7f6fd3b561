//! Routes an operation name and JSON body to the simulator method that
//! implements it.

use futures_util::future::BoxFuture;
use shared::opsworkscm::Operation;

use super::Simulator;
use super::faults::FaultKind;
use crate::error::ServiceError;
use crate::protocol::parse_request;
use crate::target::{RequestContext, Service, Target};
use shared::error::ErrorCode;

/// Parses the request, runs the method and serializes the response.
macro_rules! route {
    ($sim:expr, $ctx:expr, $op:expr, $body:expr, { $($name:ident => $method:ident),* $(,)? }) => {
        match $op {
            $(Operation::$name => {
                let request = parse_request($body)?;
                let response = $sim.$method($ctx, request).await?;
                serde_json::to_vec(&response).map_err(|e| ServiceError::internal(&e))
            })*
        }
    };
}

impl Simulator {
    /// Executes one OpsWorks CM operation.
    pub async fn handle(
        &self,
        ctx: &RequestContext,
        op: Operation,
        body: &[u8],
    ) -> Result<Vec<u8>, ServiceError> {
        self.injected_request_faults(op.as_str(), body).await?;
        route!(self, ctx, op, body, {
            AssociateNode => associate_node,
            CreateBackup => create_backup,
            CreateServer => create_server,
            DeleteBackup => delete_backup,
            DeleteServer => delete_server,
            DescribeAccountAttributes => describe_account_attributes,
            DescribeBackups => describe_backups,
            DescribeEvents => describe_events,
            DescribeNodeAssociationStatus => describe_node_association_status,
            DescribeServers => describe_servers,
            DisassociateNode => disassociate_node,
            ExportServerEngineAttribute => export_server_engine_attribute,
            ListTagsForResource => list_tags_for_resource,
            RestoreServer => restore_server,
            StartMaintenance => start_maintenance,
            TagResource => tag_resource,
            UntagResource => untag_resource,
            UpdateServer => update_server,
            UpdateServerEngineAttributes => update_server_engine_attributes,
        })
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
        service: Service,
        operation: &'a str,
        body: &'a [u8],
    ) -> BoxFuture<'a, Result<Vec<u8>, ServiceError>> {
        Box::pin(async move {
            match service {
                Service::OpsWorksCm => {
                    let op = Operation::from_name(operation)
                        .ok_or_else(|| unknown_operation(operation))?;
                    self.handle(ctx, op, body).await
                }
                Service::CloudHsmV2 => {
                    let op = shared::cloudhsmv2::Operation::from_name(operation)
                        .ok_or_else(|| unknown_operation(operation))?;
                    self.handle_cloudhsm(ctx, op, body).await
                }
            }
        })
    }
}

/// `UnknownOperationException` for `operation`.
pub(crate) fn unknown_operation(operation: &str) -> ServiceError {
    ServiceError::new(
        shared::error::ErrorCode::UnknownOperationException,
        format!("Operation {operation} is not supported by this service."),
    )
}
