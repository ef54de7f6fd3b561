//! What the doors talk to: the simulator or the upstream proxy.
//!
//! Both the wire door and the console door hand a parsed operation name and
//! the raw JSON body to the same [`Target`], so each operation has exactly one
//! implementation.

use futures_util::future::BoxFuture;

use crate::error::ServiceError;

pub use shared::service::{Call, Service};

/// The operation of `service` called `name`, or `UnknownOperationException`
/// (the answer of both doors, in either mode, before anything else runs).
pub fn resolve(service: Service, name: &str) -> Result<Call, ServiceError> {
    Call::from_name(service, name).ok_or_else(|| {
        ServiceError::new(
            shared::error::ErrorCode::UnknownOperationException,
            format!("Operation {name} is not supported by this service."),
        )
    })
}

/// Who is calling, as far as the doors can tell.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    /// The id returned in `x-amzn-RequestId`.
    pub request_id: String,
    /// The access key id from a SigV4 `Authorization` header, if any.
    pub access_key_id: Option<String>,
    /// The region the request addresses: the SigV4 credential scope's region
    /// on the wire door, the `X-Cmconsole-Region` header on the console door;
    /// `None` means the simulator's `--region`.
    pub region: Option<String>,
}

/// A backend that executes AWS operations.
pub trait Target: Send + Sync + 'static {
    /// `simulator` or `upstream`.
    fn mode(&self) -> &'static str;

    /// How each service is doing, for `/api/health`.
    fn services(&self) -> Vec<(Service, shared::console::ServiceHealth)>;

    /// Executes `call` with the JSON `body`, returning the JSON response
    /// body.
    fn call<'a>(
        &'a self,
        ctx: &'a RequestContext,
        call: Call,
        body: &'a [u8],
    ) -> BoxFuture<'a, Result<Vec<u8>, ServiceError>>;
}
