//! The one error type every target returns: an AWS error code and a message.
//!
//! Each door renders it in its own format: the wire door as
//! `{"__type", "message"}`, the console door as the shared envelope.

use shared::error::ErrorCode;

/// An error answered to a client, carrying the exact AWS error code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", self.code_str())]
pub struct ServiceError {
    /// AWS error code (`__type` on the wire); for an upstream error whose
    /// code this crate does not know, the closest known one.
    pub code: ErrorCode,
    /// Human-readable message.
    pub message: String,
    /// The code and HTTP status sent as they are: an upstream endpoint's
    /// own, or a status chosen by the door (see [`Self::with_status`]).
    upstream: Option<Box<(String, u16)>>,
}

impl ServiceError {
    /// An error with `code` and `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            upstream: None,
        }
    }

    /// An error answered by an upstream endpoint: its `code` (short form,
    /// any namespace stripped), `message` and HTTP `status` are kept.
    pub fn from_upstream(code: &str, message: impl Into<String>, status: u16) -> Self {
        let short = code.rsplit('#').next().unwrap_or(code);
        let short = short.split(':').next().unwrap_or(short).trim();
        let known = ErrorCode::from_code(short).unwrap_or(if status >= 500 {
            ErrorCode::InternalFailure
        } else {
            ErrorCode::ValidationException
        });
        Self {
            code: known,
            message: message.into(),
            upstream: Some(Box::new((short.to_owned(), status))),
        }
    }

    /// The same error answered with HTTP `status` instead of its code's.
    #[must_use]
    pub fn with_status(mut self, status: u16) -> Self {
        let code = self.code_str().to_owned();
        self.upstream = Some(Box::new((code, status)));
        self
    }

    /// The code sent on the wire: the upstream's own, else [`Self::code`].
    pub fn code_str(&self) -> &str {
        match &self.upstream {
            Some(upstream) => &upstream.0,
            None => self.code.as_str(),
        }
    }

    /// `ValidationException`.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ValidationException, message)
    }

    /// `ResourceNotFoundException`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ResourceNotFoundException, message)
    }

    /// `InvalidStateException`.
    pub fn invalid_state(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidStateException, message)
    }

    /// `LimitExceededException`.
    pub fn limit_exceeded(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::LimitExceededException, message)
    }

    /// `ResourceAlreadyExistsException`.
    pub fn already_exists(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ResourceAlreadyExistsException, message)
    }

    /// `InvalidNextTokenException`.
    pub fn invalid_next_token() -> Self {
        Self::new(
            ErrorCode::InvalidNextTokenException,
            "The NextToken is not valid: it was not returned by a previous call with the same parameters, or it has expired.",
        )
    }

    /// An opaque `InternalFailure`; the cause is logged, never sent.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal failure");
        Self::new(
            ErrorCode::InternalFailure,
            "The request processing has failed because of an unknown error.",
        )
    }

    /// HTTP status for this error (the upstream's, when passed through).
    pub fn status(&self) -> u16 {
        match &self.upstream {
            Some(upstream) => upstream.1,
            None => self.code.http_status(),
        }
    }
}

impl From<crate::store::StoreError> for ServiceError {
    fn from(err: crate::store::StoreError) -> Self {
        Self::internal(&err)
    }
}

/// A `ValidationException` for a required member that is missing.
pub fn missing_member(member: &str) -> ServiceError {
    ServiceError::validation(format!(
        "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
        lower_first(member)
    ))
}

/// AWS names members in validation messages in lowerCamelCase.
pub fn lower_first(member: &str) -> String {
    let mut chars = member.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
