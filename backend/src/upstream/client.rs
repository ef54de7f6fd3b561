//! The signing HTTP client of upstream mode: one AWS JSON 1.1 call, signed
//! with SigV4, paced by a client-side token bucket and retried in the SDKs'
//! standard mode.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use http::{HeaderValue, Request, Uri, header};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use shared::error::ErrorCode;
use shared::operation::{ApiOperation, OperationName};

use super::credentials::CredentialSource;
use super::retry::{MAX_ATTEMPTS, Outcome, RetryQuota, backoff, classify};
use crate::aws_json::AMZ_JSON;
use crate::clock::Clock;
use crate::error::ServiceError;
use crate::target::{Call, Service};
use crate::throttle::TokenBucket;

/// Longest an upstream answer may take.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
/// Largest upstream answer accepted.
const MAX_RESPONSE: usize = 16 * 1024 * 1024;
/// Longest a call waits for its turn under `--upstream-rate`; a call that
/// would wait longer is refused with ThrottlingException, so a burst of
/// console calls cannot lock upstream mode for minutes.
const MAX_QUEUE_WAIT: Duration = Duration::from_secs(10);

/// Where requests go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// Every service at this URL (an AWS-compatible endpoint).
    Url(Uri),
    /// Each service's regional AWS endpoint.
    Aws,
}

impl Endpoint {
    /// Parses `--upstream`: `aws`, or an `http(s)://` URL.
    ///
    /// # Errors
    /// When the value is neither.
    pub fn parse(value: &str) -> Result<Self, String> {
        if value == "aws" {
            return Ok(Self::Aws);
        }
        let uri: Uri = value
            .parse()
            .map_err(|_| format!("'{value}' is not a URL"))?;
        match (uri.scheme_str(), uri.authority()) {
            (Some("http" | "https"), Some(_)) => Ok(Self::Url(uri)),
            _ => Err(format!("'{value}' is not an http(s) URL or 'aws'")),
        }
    }

    /// The URL for `service` in `region`; `None` when `region` is not a
    /// region of the partition table (then nothing may be sent).
    pub fn uri_for(&self, service: Service, region: &str) -> Option<String> {
        if !super::partition::is_region(region) {
            return None;
        }
        match self {
            Self::Url(uri) => Some(uri.to_string()),
            Self::Aws => super::partition::endpoint_url(service.endpoint_prefix(), region),
        }
    }
}

/// Settings of the upstream client.
#[derive(Debug, Clone)]
pub struct ClientSettings {
    /// Where to send requests.
    pub endpoint: Endpoint,
    /// The region to sign for.
    pub region: String,
    /// The client-side rate limit (the console never exceeds it).
    pub rate: crate::throttle::RateLimit,
}

/// A failed attempt.
enum AttemptError {
    /// The upstream answered with an error.
    Answer(ServiceError),
    /// No answer: connection failure or timeout.
    Transport(String),
    /// Not worth another attempt (no credentials, bad request).
    Local(ServiceError),
}

/// Sends signed AWS JSON 1.1 calls to the upstream endpoint.
pub struct UpstreamClient {
    http: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    settings: ClientSettings,
    credentials: CredentialSource,
    rate: TokenBucket,
    quota: RetryQuota,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for UpstreamClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UpstreamClient")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl UpstreamClient {
    /// A client signing with `credentials`; `clock` is the wall clock used
    /// for signature times.
    pub fn new(
        settings: ClientSettings,
        credentials: CredentialSource,
        clock: Arc<dyn Clock>,
    ) -> Self {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let builder = hyper_rustls::HttpsConnectorBuilder::new();
        let tls = builder
            .with_provider_and_native_roots(Arc::clone(&provider))
            .unwrap_or_else(|err| {
                // No system roots: plain http still works, https fails clearly.
                tracing::warn!(error = %err, "no system TLS roots; https upstreams will fail");
                let config = rustls::ClientConfig::builder_with_provider(provider)
                    .with_safe_default_protocol_versions()
                    .expect("aws-lc-rs supports the default TLS versions")
                    .with_root_certificates(rustls::RootCertStore::empty())
                    .with_no_client_auth();
                hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(config)
            });
        let connector = tls.https_or_http().enable_http1().build();
        Self {
            http: Client::builder(TokioExecutor::new()).build(connector),
            rate: TokenBucket::new(settings.rate),
            settings,
            credentials,
            quota: RetryQuota::default(),
            clock,
        }
    }

    /// The region requests are signed for.
    pub fn region(&self) -> &str {
        &self.settings.region
    }

    /// Calls operation `O` with `input` in `region` (the configured one when
    /// `None`) and decodes its output.
    ///
    /// # Errors
    /// As [`Self::call`]; an output that does not decode is `InternalFailure`.
    pub async fn invoke<O: ApiOperation>(
        &self,
        region: Option<&str>,
        input: &O::Input,
    ) -> Result<O::Output, ServiceError> {
        let body = serde_json::to_vec(input).map_err(|err| ServiceError::internal(&err))?;
        let answer = self.call(O::NAME.call(), region, &body).await?;
        serde_json::from_slice(&answer).map_err(|err| ServiceError::internal(&err))
    }

    /// Calls `call` with the JSON `body` in `region` (the
    /// configured one when `None`); returns the JSON answer, or the
    /// upstream's error with its code, message and status.
    ///
    /// # Errors
    /// The upstream's error, or `InternalFailure` (HTTP 502) when it cannot
    /// be reached after the retries.
    pub async fn call(
        &self,
        call: Call,
        region: Option<&str>,
        body: &[u8],
    ) -> Result<Vec<u8>, ServiceError> {
        let service = call.service();
        let operation = call.name();
        let region = region.unwrap_or(&self.settings.region);
        let Some(endpoint) = self.settings.endpoint.uri_for(service, region) else {
            // Checked before anything is signed or any connection opened.
            return Err(not_a_region(service, region));
        };
        let mut spent = 0;
        let mut attempt = 1;
        loop {
            let Some(wait) = self.rate.reserve_within(Instant::now(), MAX_QUEUE_WAIT) else {
                return Err(queue_full());
            };
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
            let result = self
                .attempt(service, &endpoint, region, operation, body)
                .await;
            let outcome = match &result {
                Ok(_) => Outcome::Success,
                Err(AttemptError::Answer(err)) => classify(err.status(), Some(err.code_str())),
                Err(AttemptError::Transport(_)) => Outcome::Retryable { timeout: true },
                Err(AttemptError::Local(_)) => Outcome::Final,
            };
            if let Outcome::Retryable { timeout } = outcome
                && attempt < MAX_ATTEMPTS
                && let Some(cost) = self.quota.acquire(timeout)
            {
                spent += cost;
                let delay = backoff(attempt, rand::random::<f64>());
                tracing::debug!(operation, attempt, ?delay, "retrying upstream call");
                tokio::time::sleep(delay).await;
                attempt += 1;
                continue;
            }
            return match result {
                Ok(answer) => {
                    self.quota.release(spent);
                    Ok(answer)
                }
                Err(AttemptError::Answer(err) | AttemptError::Local(err)) => Err(err),
                Err(AttemptError::Transport(reason)) => Err(ServiceError::from_upstream(
                    ErrorCode::InternalFailure.as_str(),
                    format!("The upstream endpoint {endpoint} cannot be reached: {reason}"),
                    502,
                )),
            };
        }
    }

    async fn attempt(
        &self,
        service: Service,
        uri: &str,
        region: &str,
        operation: &str,
        body: &[u8],
    ) -> Result<Vec<u8>, AttemptError> {
        let request = self
            .signed_request(service, uri, region, operation, body)
            .await?;
        let response = tokio::time::timeout(ATTEMPT_TIMEOUT, self.http.request(request))
            .await
            .map_err(|_| AttemptError::Transport("timed out".to_owned()))?
            .map_err(|err| AttemptError::Transport(transport_reason(&err)))?;
        let status = response.status().as_u16();
        let error_type = response
            .headers()
            .get("x-amzn-errortype")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = Limited::new(response.into_body(), MAX_RESPONSE)
            .collect()
            .await
            .map_err(|err| AttemptError::Transport(format!("reading the answer failed: {err}")))?
            .to_bytes();
        if (200..300).contains(&status) {
            return Ok(bytes.to_vec());
        }
        Err(AttemptError::Answer(parse_error(
            status,
            error_type.as_deref(),
            &bytes,
        )))
    }

    async fn signed_request(
        &self,
        service: Service,
        uri: &str,
        region: &str,
        operation: &str,
        body: &[u8],
    ) -> Result<Request<Full<Bytes>>, AttemptError> {
        let parsed: Uri = uri
            .parse()
            .map_err(|_| AttemptError::Local(ServiceError::internal(&"bad upstream URL")))?;
        let host = parsed
            .authority()
            .map(|a| a.as_str().to_owned())
            .unwrap_or_default();
        let target = format!("{}.{operation}", service.target_prefix());
        let mut request = Request::post(parsed)
            .header(header::HOST, &host)
            .header(header::CONTENT_TYPE, AMZ_JSON)
            .header("x-amz-target", &target)
            .body(Full::new(Bytes::copy_from_slice(body)))
            .map_err(|err| AttemptError::Local(ServiceError::internal(&err)))?;
        let credentials = self.credentials.get().await.map_err(AttemptError::Local)?;
        let identity: Identity = credentials.into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(region)
            .name(service.signing_name())
            .time(SystemTime::from(self.clock.now()))
            .settings(SigningSettings::default())
            .build()
            .map_err(|err| AttemptError::Local(ServiceError::internal(&err)))?
            .into();
        let headers = [
            ("host", host.as_str()),
            ("content-type", AMZ_JSON),
            ("x-amz-target", target.as_str()),
        ];
        let signable =
            SignableRequest::new("POST", uri, headers.into_iter(), SignableBody::Bytes(body))
                .map_err(|err| AttemptError::Local(ServiceError::internal(&err)))?;
        let (instructions, _signature) = sign(signable, &params)
            .map_err(|err| AttemptError::Local(ServiceError::internal(&err)))?
            .into_parts();
        instructions.apply_to_request_http1x(&mut request);
        request.headers_mut().insert(
            header::USER_AGENT,
            HeaderValue::from_static(concat!("cmconsole/", env!("CARGO_PKG_VERSION"))),
        );
        Ok(request)
    }
}

/// ThrottlingException (the awsJson error both services' SDKs retry) for a call that would
/// wait more than [`MAX_QUEUE_WAIT`] for its turn.
fn queue_full() -> ServiceError {
    ServiceError::new(
        ErrorCode::ThrottlingException,
        format!(
            "Too many calls are waiting for the upstream rate limit (--upstream-rate); \
             none waits more than {} seconds. Try again later.",
            MAX_QUEUE_WAIT.as_secs()
        ),
    )
}

/// The service's own validation error for a region that is not one.
pub(super) fn not_a_region(service: Service, region: &str) -> ServiceError {
    let code = match service {
        Service::OpsWorksCm => ErrorCode::ValidationException,
        Service::CloudHsmV2 => ErrorCode::CloudHsmInvalidRequestException,
    };
    let shown: String = region.chars().take(64).collect();
    ServiceError::new(
        code,
        format!(
            "'{shown}' is not an AWS region name (like us-east-1, cn-north-1 or us-gov-west-1)."
        ),
    )
}

/// The cause of a transport failure, without any request detail.
fn transport_reason(err: &hyper_util::client::legacy::Error) -> String {
    use std::error::Error as _;
    let mut reason = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        reason = format!("{reason}: {cause}");
        source = cause.source();
    }
    reason
}

/// Reads an AWS JSON error answer: code from `x-amzn-errortype` or `__type`
/// (or `code`), message from `message` or `Message`.
fn parse_error(status: u16, error_type: Option<&str>, body: &[u8]) -> ServiceError {
    let json: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let text = |key: &str| json.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    let code = error_type
        .map(str::to_owned)
        .or_else(|| text("__type"))
        .or_else(|| text("code"))
        .unwrap_or_else(|| {
            if status >= 500 {
                ErrorCode::InternalFailure.as_str().to_owned()
            } else {
                format!("Http{status}")
            }
        });
    let message = text("message")
        .or_else(|| text("Message"))
        .unwrap_or_else(|| String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned());
    ServiceError::from_upstream(&code, message, status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upstream_values() {
        assert_eq!(Endpoint::parse("aws"), Ok(Endpoint::Aws));
        assert!(matches!(
            Endpoint::parse("http://127.0.0.1:9000"),
            Ok(Endpoint::Url(_))
        ));
        assert!(Endpoint::parse("ftp://x").is_err());
        assert!(Endpoint::parse("nope").is_err());
        assert_eq!(
            Endpoint::Aws
                .uri_for(Service::OpsWorksCm, "eu-west-1")
                .as_deref(),
            Some("https://opsworks-cm.eu-west-1.amazonaws.com/")
        );
        let url = Endpoint::parse("http://127.0.0.1:9000").unwrap();
        assert_eq!(
            url.uri_for(Service::CloudHsmV2, "x@127.0.0.1:9999#"),
            None,
            "a custom endpoint still needs a real region to sign for"
        );
    }

    #[test]
    fn errors_keep_the_upstream_code_message_and_status() {
        let err = parse_error(
            400,
            None,
            br#"{"__type":"com.amazonaws.opsworkscm#ResourceNotFoundException","message":"no such server"}"#,
        );
        assert_eq!(err.code_str(), "ResourceNotFoundException");
        assert_eq!(err.code, ErrorCode::ResourceNotFoundException);
        assert_eq!(err.message, "no such server");
        assert_eq!(err.status(), 400);
        let err = parse_error(403, Some("SomeNewException"), br#"{"Message":"odd"}"#);
        assert_eq!(
            (err.code_str(), err.message.as_str(), err.status()),
            ("SomeNewException", "odd", 403)
        );
        let err = parse_error(503, None, b"<html>busy</html>");
        assert_eq!((err.code_str(), err.status()), ("InternalFailure", 503));
    }
}
