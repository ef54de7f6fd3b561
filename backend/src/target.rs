//! What the doors talk to: the simulator or the upstream proxy.
//!
//! Both the wire door and the console door hand a parsed operation name and
//! the raw JSON body to the same [`Target`], so each operation has exactly one
//! implementation.

use futures_util::future::BoxFuture;

use crate::error::ServiceError;

/// Which AWS service a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// AWS OpsWorks CM (`OpsWorksCM_V2016_11_01`).
    OpsWorksCm,
    /// AWS CloudHSM v2 (`BaldrApiService`).
    CloudHsmV2,
}

impl Service {
    /// Every service.
    pub const ALL: [Self; 2] = [Self::OpsWorksCm, Self::CloudHsmV2];

    /// The path segment of the console door (`/api/<segment>/<Operation>`).
    pub fn console_segment(self) -> &'static str {
        match self {
            Self::OpsWorksCm => "opsworks-cm",
            Self::CloudHsmV2 => "cloudhsmv2",
        }
    }

    /// The first label of the service's AWS endpoint host name.
    pub fn endpoint_prefix(self) -> &'static str {
        match self {
            Self::OpsWorksCm => "opsworks-cm",
            Self::CloudHsmV2 => "cloudhsmv2",
        }
    }

    /// The name SigV4 credential scopes carry for this service.
    pub fn signing_name(self) -> &'static str {
        match self {
            Self::OpsWorksCm => "opsworks-cm",
            // CloudHSM v2's endpoint prefix and signing name differ.
            Self::CloudHsmV2 => "cloudhsm",
        }
    }

    /// Whether one simulator answers this service in several regions (the
    /// region then comes from each request's credential scope).
    pub fn is_multi_region(self) -> bool {
        matches!(self, Self::CloudHsmV2)
    }

    /// The `X-Amz-Target` prefix of the wire door.
    pub fn target_prefix(self) -> &'static str {
        match self {
            Self::OpsWorksCm => shared::opsworkscm::TARGET_PREFIX,
            Self::CloudHsmV2 => shared::cloudhsmv2::TARGET_PREFIX,
        }
    }

    /// Finds the service for an `X-Amz-Target` prefix.
    pub fn from_target_prefix(prefix: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|service| service.target_prefix() == prefix)
    }

    /// Finds the service for a console path segment.
    pub fn from_console_segment(segment: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|service| service.console_segment() == segment)
    }
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

    /// Executes `operation` of `service` with the JSON `body`, returning the
    /// JSON response body.
    fn call<'a>(
        &'a self,
        ctx: &'a RequestContext,
        service: Service,
        operation: &'a str,
        body: &'a [u8],
    ) -> BoxFuture<'a, Result<Vec<u8>, ServiceError>>;
}
