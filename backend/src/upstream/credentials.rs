//! AWS credentials from the standard chain (environment, shared config and
//! credentials files with profiles, SSO, web identity, container and
//! instance metadata), cached and refreshed before they expire.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use tokio::sync::Mutex;

use crate::clock::Clock;
use crate::error::ServiceError;

/// How long before expiry credentials are fetched anew.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// What callers are told when no credentials can be loaded.
pub const CREDENTIALS_UNAVAILABLE: &str = "cmconsole cannot load AWS credentials to sign this call upstream; the operator's log says why.";

/// A credentials provider with a refresh-ahead cache.
pub struct CredentialSource {
    provider: SharedCredentialsProvider,
    clock: Arc<dyn Clock>,
    cached: Mutex<Option<Credentials>>,
}

impl std::fmt::Debug for CredentialSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialSource").finish_non_exhaustive()
    }
}

impl CredentialSource {
    /// Wraps `provider`; `clock` decides when cached credentials are stale.
    pub fn new(provider: SharedCredentialsProvider, clock: Arc<dyn Clock>) -> Self {
        Self {
            provider,
            clock,
            cached: Mutex::new(None),
        }
    }

    /// The provider of the standard chain for `profile` (or the default).
    pub async fn standard_chain(
        profile: Option<&str>,
        region: &str,
    ) -> Option<SharedCredentialsProvider> {
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new(region.to_owned()));
        if let Some(profile) = profile {
            loader = loader.profile_name(profile);
        }
        loader.load().await.credentials_provider()
    }

    /// Current credentials, fetched when none are cached or the cached ones
    /// expire within [`REFRESH_MARGIN`].
    ///
    /// # Errors
    /// `UnrecognizedClientException` with a fixed message when the chain
    /// has none; why is in the operator's log only.
    pub async fn get(&self) -> Result<Credentials, ServiceError> {
        let mut cached = self.cached.lock().await;
        let now = SystemTime::from(self.clock.now());
        if let Some(creds) = cached.as_ref()
            && creds
                .expiry()
                .is_none_or(|expiry| expiry > now + REFRESH_MARGIN)
        {
            return Ok(creds.clone());
        }
        let fresh = self.provider.provide_credentials().await.map_err(|err| {
            // The error names the provider that failed and why (a file, a
            // profile, an endpoint), never a secret; callers get none of it.
            tracing::warn!(
                error = %aws_smithy_types::error::display::DisplayErrorContext(&err),
                "cannot load AWS credentials"
            );
            ServiceError::new(
                shared::error::ErrorCode::UnrecognizedClientException,
                CREDENTIALS_UNAVAILABLE,
            )
        })?;
        *cached = Some(fresh.clone());
        Ok(fresh)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use aws_credential_types::provider::future;
    use chrono::TimeZone;

    use super::*;
    use crate::clock::ManualClock;

    /// Hands out numbered credentials valid for one hour from `clock`.
    #[derive(Debug)]
    struct Numbered {
        calls: AtomicU32,
        clock: ManualClock,
    }

    impl ProvideCredentials for Numbered {
        fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
        where
            Self: 'a,
        {
            let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            let expiry = SystemTime::from(self.clock.now()) + Duration::from_secs(3600);
            future::ProvideCredentials::ready(Ok(Credentials::new(
                format!("AKID{n}"),
                "secret",
                Some("token".to_owned()),
                Some(expiry),
                "numbered",
            )))
        }
    }

    #[tokio::test]
    async fn credentials_are_cached_and_refreshed_before_expiry() {
        let clock = ManualClock::new(
            chrono::Utc
                .with_ymd_and_hms(2026, 11, 24, 12, 0, 0)
                .unwrap(),
        );
        let provider = Numbered {
            calls: AtomicU32::new(0),
            clock: clock.clone(),
        };
        let source = CredentialSource::new(
            SharedCredentialsProvider::new(provider),
            Arc::new(clock.clone()),
        );
        assert_eq!(source.get().await.unwrap().access_key_id(), "AKID1");
        clock.advance(Duration::from_secs(50 * 60));
        assert_eq!(
            source.get().await.unwrap().access_key_id(),
            "AKID1",
            "still 10 min left"
        );
        clock.advance(Duration::from_secs(6 * 60));
        assert_eq!(
            source.get().await.unwrap().access_key_id(),
            "AKID2",
            "4 min left: refreshed"
        );
    }
}
