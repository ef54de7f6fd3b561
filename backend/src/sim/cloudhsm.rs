//! The embedded AWS CloudHSM v2 simulator (`BaldrApiService`): clusters,
//! HSMs, the backup lifecycle and backup resource policies, in every region
//! at once.
//!
//! The region of a request is [`RequestContext::region`] (the SigV4
//! credential scope on the wire door, `X-Cmconsole-Region` on the console
//! door) or the simulator's `--region`. Each region has its own clusters and
//! backups; ids are unique across regions, and a resource of another region
//! is not found. Records share the simulator's state, store, journal and
//! scheduler with OpsWorks CM.

mod backups;
mod certs;
mod clusters;
mod durations;
mod hsms;
mod lifecycle;
mod policies;
pub(crate) mod records;
mod tags;

use shared::cloudhsmv2::{Operation, dispatch};
use shared::error::ErrorCode;

use super::Simulator;
use super::service::service_handler;
use crate::error::ServiceError;
use crate::target::RequestContext;

/// `CloudHsmInvalidRequestException`.
pub(crate) fn invalid(message: impl Into<String>) -> ServiceError {
    ServiceError::new(ErrorCode::CloudHsmInvalidRequestException, message)
}

/// `CloudHsmResourceNotFoundException`.
pub(crate) fn not_found(message: impl Into<String>) -> ServiceError {
    ServiceError::new(ErrorCode::CloudHsmResourceNotFoundException, message)
}

/// `CloudHsmResourceNotFoundException` for cluster `id`.
pub(crate) fn cluster_not_found(id: &str) -> ServiceError {
    not_found(format!("Cluster {id} not found."))
}

/// `CloudHsmResourceNotFoundException` for backup `id`.
pub(crate) fn backup_not_found(id: &str) -> ServiceError {
    not_found(format!("Backup {id} not found."))
}

/// `CloudHsmAccessDeniedException`.
pub(crate) fn access_denied(message: impl Into<String>) -> ServiceError {
    ServiceError::new(ErrorCode::CloudHsmAccessDeniedException, message)
}

/// `CloudHsmTagException`.
pub(crate) fn tag_error(message: impl Into<String>) -> ServiceError {
    ServiceError::new(ErrorCode::CloudHsmTagException, message)
}

/// `CloudHsmResourceLimitExceededException`.
pub(crate) fn limit_exceeded(message: impl Into<String>) -> ServiceError {
    ServiceError::new(ErrorCode::CloudHsmResourceLimitExceededException, message)
}

/// Maps the protocol's generic errors to the codes CloudHSM sends: a
/// constraint violation or a bad NextToken is `CloudHsmInvalidRequestException`,
/// an internal failure `CloudHsmInternalFailureException`. Malformed JSON
/// stays the protocol's `SerializationException`.
fn in_cloudhsm_terms(err: ServiceError) -> ServiceError {
    let code = match err.code {
        ErrorCode::ValidationException | ErrorCode::InvalidNextTokenException => {
            ErrorCode::CloudHsmInvalidRequestException
        }
        ErrorCode::InternalFailure => ErrorCode::CloudHsmInternalFailureException,
        ErrorCode::ResourceNotFoundException => ErrorCode::CloudHsmResourceNotFoundException,
        ErrorCode::LimitExceededException => ErrorCode::CloudHsmResourceLimitExceededException,
        ErrorCode::AccessDeniedException => ErrorCode::CloudHsmAccessDeniedException,
        other => other,
    };
    ServiceError::new(code, err.message)
}

/// CloudHSM v2's quotas, per region unless said otherwise.
#[derive(Debug, Clone)]
pub struct Quotas {
    /// Clusters per region (documented default 4).
    pub cluster_limit: usize,
    /// HSMs per region (documented default 6).
    pub hsm_limit: usize,
    /// HSMs per cluster (documented, fixed at 28).
    pub hsms_per_cluster: usize,
    /// Backups a region may hold before CopyBackupToRegion into it is
    /// refused (the simulator's own cap; AWS documents none).
    pub backup_limit: usize,
}

impl Default for Quotas {
    fn default() -> Self {
        Self {
            cluster_limit: 4,
            hsm_limit: 6,
            hsms_per_cluster: 28,
            backup_limit: 1_000,
        }
    }
}

service_handler! {
    /// The simulator's CloudHSM v2 service: the handler of its 18
    /// operations, called with the region the request addresses.
    CloudHsm, str
}

impl Simulator {
    /// The CloudHSM v2 service of this simulator.
    #[must_use]
    pub fn cloudhsm(&self) -> CloudHsm<'_> {
        CloudHsm(self)
    }
}

impl CloudHsm<'_> {
    /// Executes one CloudHSM v2 operation in the region the request
    /// addresses: injected faults first, then the operation's handler.
    ///
    /// # Errors
    /// The operation's error in CloudHSM's terms.
    pub async fn serve(
        &self,
        ctx: &RequestContext,
        op: Operation,
        body: &[u8],
    ) -> Result<Vec<u8>, ServiceError> {
        self.run(ctx, op, body).await.map_err(in_cloudhsm_terms)
    }

    async fn run(
        &self,
        ctx: &RequestContext,
        op: Operation,
        body: &[u8],
    ) -> Result<Vec<u8>, ServiceError> {
        self.injected_request_faults(op.as_str(), body).await?;
        let region = self.region_of(ctx)?;
        dispatch(self, region.as_str(), op, body).await
    }

    /// The region a request addresses; it must look like an AWS region
    /// (ARNs and CopyBackupToRegion name it).
    fn region_of(&self, ctx: &RequestContext) -> Result<String, ServiceError> {
        let region = ctx.region.as_deref().unwrap_or(&self.config.region);
        if shared::cloudhsmv2::ids::is_region(region) {
            Ok(region.to_owned())
        } else {
            Err(invalid(format!(
                "The region '{region}' is not a valid AWS Region name (e.g. us-east-1)."
            )))
        }
    }
}

/// A new id `<prefix>-` plus 11 random characters of `[a-z2-7]`, as the
/// service makes them (`cluster-igklspoyj5v`).
pub(crate) fn new_id(prefix: &str, taken: impl Fn(&str) -> bool) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";
    loop {
        let suffix = super::random::chars(ALPHABET, 11);
        let id = format!("{prefix}-{suffix}");
        if !taken(&id) {
            return id;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_match_the_model_patterns() {
        for _ in 0..50 {
            let cluster = new_id("cluster", |_| false);
            assert!(
                shared::cloudhsmv2::ClusterId::parse(&cluster).is_ok(),
                "{cluster}"
            );
            let backup = new_id("backup", |_| false);
            assert!(
                shared::cloudhsmv2::BackupId::parse(&backup).is_ok(),
                "{backup}"
            );
            let hsm = new_id("hsm", |_| false);
            assert!(shared::cloudhsmv2::HsmId::parse(&hsm).is_ok(), "{hsm}");
        }
    }

    #[test]
    fn generic_protocol_errors_become_cloudhsm_errors() {
        let mapped = in_cloudhsm_terms(ServiceError::validation("bad"));
        assert_eq!(mapped.code, ErrorCode::CloudHsmInvalidRequestException);
        assert_eq!(mapped.message, "bad");
        let mapped = in_cloudhsm_terms(ServiceError::new(ErrorCode::InternalFailure, "x"));
        assert_eq!(mapped.code, ErrorCode::CloudHsmInternalFailureException);
        assert_eq!(mapped.status(), 500);
        let kept = in_cloudhsm_terms(ServiceError::new(ErrorCode::SerializationException, "x"));
        assert_eq!(kept.code, ErrorCode::SerializationException);
    }
}
