//! Upstream mode (`serve --upstream <URL>|aws`): the console door and the
//! wire door forward every call, signed with the caller-side AWS
//! credentials, to a real AWS-compatible endpoint; a [`Poller`] turns what
//! changes there into the same journal the simulator writes, so the live
//! stream works unchanged.
//!
//! Credentials, signatures and session tokens never leave this module: they
//! are not logged, not journaled and not answered to the browser.

mod client;
mod credentials;
pub mod partition;
mod poller;
mod retry;

use std::sync::Arc;

use futures_util::future::BoxFuture;
use serde_json::Value;
use shared::cloudhsmv2::Operation as HsmOperation;
use shared::opsworkscm::Operation;

pub use client::{ClientSettings, Endpoint, UpstreamClient};
pub use credentials::{CREDENTIALS_UNAVAILABLE, CredentialSource, REFRESH_MARGIN};
pub use poller::{PollIntervals, Poller, Watch};
pub use retry::{MAX_ATTEMPTS, RetryQuota};

use crate::clock::Clock;
use crate::error::ServiceError;
use crate::target::{Call, RequestContext, Target};

/// The [`Target`] of upstream mode.
pub struct UpstreamTarget {
    client: Arc<UpstreamClient>,
    watch: Arc<Watch>,
    clock: Arc<dyn Clock>,
}

impl UpstreamTarget {
    /// Forwards through `client`, telling `watch` what changed.
    pub fn new(client: Arc<UpstreamClient>, watch: Arc<Watch>, clock: Arc<dyn Clock>) -> Self {
        Self {
            client,
            watch,
            clock,
        }
    }

    /// After a successful CloudHSM call in `region`: follow the region (and
    /// a copy's destination), and poll at once when the call changed what
    /// DescribeClusters or DescribeBackups show.
    fn observe_cloudhsm(&self, operation: HsmOperation, region: &str, request: &[u8]) {
        let changed = operation.is_mutating()
            && !matches!(
                operation,
                HsmOperation::PutResourcePolicy | HsmOperation::DeleteResourcePolicy
            );
        self.watch.follow_cloudhsm_region(region, changed);
        if operation == HsmOperation::CopyBackupToRegion {
            let request: Value = serde_json::from_slice(request).unwrap_or_default();
            if let Some(destination) = request["DestinationRegion"].as_str() {
                self.watch.follow_cloudhsm_region(destination, true);
            }
        }
    }

    /// After a successful OpsWorks CM call: poll soon, and follow node
    /// associations.
    fn observe(&self, operation: Operation, request: &[u8], answer: &[u8]) {
        if !operation.is_mutating() {
            return;
        }
        if matches!(
            operation,
            Operation::AssociateNode | Operation::DisassociateNode
        ) {
            let request: Value = serde_json::from_slice(request).unwrap_or_default();
            let answer: Value = serde_json::from_slice(answer).unwrap_or_default();
            if let (Some(server), Some(node), Some(token)) = (
                request["ServerName"].as_str(),
                request["NodeName"].as_str(),
                answer["NodeAssociationStatusToken"].as_str(),
            ) {
                let now = self.clock.now().timestamp_millis() as f64 / 1000.0;
                self.watch.follow_association(server, node, token, now);
                return;
            }
        }
        self.watch.kick();
    }
}

impl Target for UpstreamTarget {
    fn mode(&self) -> &'static str {
        "upstream"
    }

    fn services(&self) -> Vec<(shared::service::Service, shared::console::ServiceHealth)> {
        self.watch.health()
    }

    fn call<'a>(
        &'a self,
        ctx: &'a RequestContext,
        call: Call,
        body: &'a [u8],
    ) -> BoxFuture<'a, Result<Vec<u8>, ServiceError>> {
        Box::pin(async move {
            let service = call.service();
            let operation = call.name();
            // A multi-region service is signed for the region the caller named.
            let region = ctx.region.as_deref().filter(|_| service.is_multi_region());
            let answer = self.client.call(call, region, body).await;
            match &answer {
                Ok(bytes) => match call {
                    Call::OpsWorksCm(op) => self.observe(op, body, bytes),
                    Call::CloudHsmV2(op) => {
                        let region = region.unwrap_or(self.client.region());
                        self.observe_cloudhsm(op, region, body);
                    }
                },
                Err(err) => tracing::info!(
                    request_id = %ctx.request_id,
                    operation,
                    code = err.code_str(),
                    "upstream answered with an error"
                ),
            }
            answer
        })
    }
}
