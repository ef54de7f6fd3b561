//! The AWS SDKs' "standard" retry mode: at most 3 attempts, exponential
//! backoff with full jitter capped at 20 s, and a retry quota that stops
//! retrying when the upstream keeps failing.

use std::sync::Mutex;
use std::time::Duration;

/// Attempts per request, the first included.
pub const MAX_ATTEMPTS: u32 = 3;
/// Longest wait between two attempts.
pub(super) const MAX_BACKOFF: Duration = Duration::from_secs(20);
const INITIAL_QUOTA: u32 = 500;
const RETRY_COST: u32 = 5;
const TIMEOUT_RETRY_COST: u32 = 10;
const NO_RETRY_INCREMENT: u32 = 1;

/// Throttling codes the SDKs retry. `LimitExceededException` is left out on
/// purpose: in OpsWorks CM it means a quota is used up (ServerLimit), which
/// no retry can fix.
const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// Transient error codes the SDKs retry.
const TRANSIENT_CODES: &[&str] = &["RequestTimeout", "RequestTimeoutException"];

/// How one attempt went, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    /// A 2xx answer.
    Success,
    /// An answer or failure worth another attempt.
    Retryable {
        /// The connection failed or timed out (costs more quota).
        timeout: bool,
    },
    /// An error no retry will change.
    Final,
}

/// Classifies an HTTP answer by its status and AWS error code.
pub(super) fn classify(status: u16, code: Option<&str>) -> Outcome {
    if (200..300).contains(&status) {
        return Outcome::Success;
    }
    let code = code.unwrap_or("");
    if THROTTLING_CODES.contains(&code)
        || TRANSIENT_CODES.contains(&code)
        || matches!(status, 500 | 502 | 503 | 504)
    {
        Outcome::Retryable { timeout: false }
    } else {
        Outcome::Final
    }
}

/// The retry quota shared by every request to one upstream.
#[derive(Debug)]
pub struct RetryQuota {
    tokens: Mutex<u32>,
}

impl Default for RetryQuota {
    fn default() -> Self {
        Self {
            tokens: Mutex::new(INITIAL_QUOTA),
        }
    }
}

impl RetryQuota {
    /// Takes the cost of a retry; `None` when the quota is used up.
    pub fn acquire(&self, timeout: bool) -> Option<u32> {
        let cost = if timeout {
            TIMEOUT_RETRY_COST
        } else {
            RETRY_COST
        };
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        (*tokens >= cost).then(|| {
            *tokens -= cost;
            cost
        })
    }

    /// A request succeeded: refunds what its retries cost, or adds the
    /// small increment when it needed none.
    pub fn release(&self, spent: u32) {
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        let refund = if spent == 0 {
            NO_RETRY_INCREMENT
        } else {
            spent
        };
        *tokens = (*tokens + refund).min(INITIAL_QUOTA);
    }

    /// Tokens left.
    pub fn available(&self) -> u32 {
        *self.tokens.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The wait before attempt `attempt + 1` (attempt counts from 1), given a
/// uniform random `jitter` in `[0, 1)`: `jitter * 2^attempt` s, capped.
pub(super) fn backoff(attempt: u32, jitter: f64) -> Duration {
    let base = 2f64.powi(i32::try_from(attempt).unwrap_or(i32::MAX).min(10));
    Duration::from_secs_f64((jitter.clamp(0.0, 1.0) * base).min(MAX_BACKOFF.as_secs_f64()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttles_and_server_errors_are_retried_client_errors_are_not() {
        assert_eq!(classify(200, None), Outcome::Success);
        assert_eq!(
            classify(400, Some("ThrottlingException")),
            Outcome::Retryable { timeout: false }
        );
        assert_eq!(classify(503, None), Outcome::Retryable { timeout: false });
        assert_eq!(
            classify(500, Some("InternalFailure")),
            Outcome::Retryable { timeout: false }
        );
        assert_eq!(classify(400, Some("ValidationException")), Outcome::Final);
        assert_eq!(
            classify(400, Some("LimitExceededException")),
            Outcome::Final
        );
        assert_eq!(
            classify(403, Some("InvalidSignatureException")),
            Outcome::Final
        );
    }

    #[test]
    fn backoff_grows_with_full_jitter_and_a_cap() {
        assert_eq!(backoff(1, 0.0), Duration::ZERO);
        assert_eq!(backoff(1, 0.5), Duration::from_secs(1));
        assert_eq!(backoff(2, 0.5), Duration::from_secs(2));
        assert_eq!(backoff(9, 0.99), MAX_BACKOFF);
    }

    #[test]
    fn the_quota_runs_out_and_refills_on_success() {
        let quota = RetryQuota::default();
        let mut spent = 0;
        while let Some(cost) = quota.acquire(false) {
            spent += cost;
        }
        assert_eq!(spent, INITIAL_QUOTA);
        assert_eq!(quota.acquire(true), None);
        quota.release(5);
        assert_eq!(quota.available(), 5);
        quota.release(0);
        assert_eq!(quota.available(), 6);
        assert_eq!(quota.acquire(false), Some(5));
    }
}
