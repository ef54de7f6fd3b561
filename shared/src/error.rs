//! Error codes sent on the wire and the console's JSON error body.

use crate::wire_enum::wire_enum;
use serde::{Deserialize, Serialize};

wire_enum! {
    /// Every error code the simulator sends: OpsWorks CM's modelled errors,
    /// the awsJson protocol's common errors and CloudHSM v2's errors.
    pub enum ErrorCode {
        ValidationException = "ValidationException",
        ResourceNotFoundException = "ResourceNotFoundException",
        ResourceAlreadyExistsException = "ResourceAlreadyExistsException",
        InvalidStateException = "InvalidStateException",
        LimitExceededException = "LimitExceededException",
        InvalidNextTokenException = "InvalidNextTokenException",
        UnknownOperationException = "UnknownOperationException",
        SerializationException = "SerializationException",
        InternalFailure = "InternalFailure",
        ThrottlingException = "ThrottlingException",
        AccessDeniedException = "AccessDeniedException",
        MissingAuthenticationTokenException = "MissingAuthenticationTokenException",
        UnrecognizedClientException = "UnrecognizedClientException",
        InvalidSignatureException = "InvalidSignatureException",
        IncompleteSignatureException = "IncompleteSignatureException",
        CloudHsmAccessDeniedException = "CloudHsmAccessDeniedException",
        CloudHsmInternalFailureException = "CloudHsmInternalFailureException",
        CloudHsmInvalidRequestException = "CloudHsmInvalidRequestException",
        CloudHsmResourceLimitExceededException = "CloudHsmResourceLimitExceededException",
        CloudHsmResourceNotFoundException = "CloudHsmResourceNotFoundException",
        CloudHsmServiceException = "CloudHsmServiceException",
        CloudHsmTagException = "CloudHsmTagException",
        /// Console door only: no valid session (HTTP 401).
        UnauthorizedException = "UnauthorizedException",
        /// Console door only: a POST that is not `application/json` (HTTP 415).
        UnsupportedMediaTypeException = "UnsupportedMediaTypeException",
        /// Too busy to take this request now: a connection or event-stream
        /// limit is reached, or the service is stopping (HTTP 503, with
        /// `Retry-After`).
        ServiceUnavailable = "ServiceUnavailable",
    }
}

impl ErrorCode {
    /// Parses a code as clients do: exact shape name, also accepting the
    /// `namespace#Name` and `Name:extra` forms of the awsJson protocol.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        let code = code.rsplit('#').next().unwrap_or(code);
        let code = code.split(':').next().unwrap_or(code);
        Self::lookup(code.trim())
    }

    /// True for server-side faults (retryable 500s).
    #[must_use]
    pub fn is_server_fault(self) -> bool {
        matches!(
            self,
            Self::InternalFailure | Self::CloudHsmInternalFailureException
        )
    }

    /// The HTTP status: 500 for server faults, 403 for a request without
    /// credentials, 401/415/503 for the console's session, media type and
    /// capacity answers, 400 otherwise.
    #[must_use]
    pub fn http_status(self) -> u16 {
        if self.is_server_fault() {
            500
        } else if self == Self::MissingAuthenticationTokenException {
            403
        } else if self == Self::UnauthorizedException {
            401
        } else if self == Self::UnsupportedMediaTypeException {
            415
        } else if self == Self::ServiceUnavailable {
            503
        } else {
            400
        }
    }
}

/// The console API's JSON error body: `{"code","message","requestId"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorEnvelope {
    /// An [`ErrorCode`] string (kept as text so unknown codes survive).
    pub code: String,
    /// Human-readable message.
    pub message: String,
    /// The request id, as in `x-amzn-RequestId`.
    #[serde(rename = "requestId")]
    pub request_id: String,
}

impl ErrorEnvelope {
    /// Builds an envelope for a known code.
    pub fn new(code: ErrorCode, message: impl Into<String>, request_id: impl Into<String>) -> Self {
        Self {
            code: code.as_str().to_owned(),
            message: message.into(),
            request_id: request_id.into(),
        }
    }

    /// The code, when it is one this crate knows.
    #[must_use]
    pub fn error_code(&self) -> Option<ErrorCode> {
        ErrorCode::from_code(&self.code)
    }
}

impl std::fmt::Display for ErrorEnvelope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (code, message) = (&self.code, &self.message);
        write!(f, "{code}: {message}")
    }
}

impl std::error::Error for ErrorEnvelope {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_code(code.as_str()), Some(code));
            assert_eq!(serde_json::to_string(&code).unwrap(), format!("\"{code}\""));
        }
        assert_eq!(
            ErrorCode::from_code("com.amazonaws.opsworkscm#ResourceNotFoundException"),
            Some(ErrorCode::ResourceNotFoundException)
        );
        assert_eq!(
            ErrorCode::from_code("ValidationException:http://internal.amazon.com/"),
            Some(ErrorCode::ValidationException)
        );
        assert_eq!(ErrorCode::from_code("Nope"), None);
    }

    #[test]
    fn statuses() {
        assert_eq!(ErrorCode::InternalFailure.http_status(), 500);
        assert_eq!(
            ErrorCode::CloudHsmInternalFailureException.http_status(),
            500
        );
        assert!(ErrorCode::CloudHsmInternalFailureException.is_server_fault());
        assert_eq!(ErrorCode::ThrottlingException.http_status(), 400);
        assert_eq!(ErrorCode::CloudHsmServiceException.http_status(), 400);
        assert!(!ErrorCode::ValidationException.is_server_fault());
    }

    #[test]
    fn envelope_field_names() {
        let envelope = ErrorEnvelope::new(ErrorCode::InvalidStateException, "busy", "req-1");
        assert_eq!(
            serde_json::to_value(&envelope).unwrap(),
            serde_json::json!({"code": "InvalidStateException", "message": "busy", "requestId": "req-1"})
        );
        assert_eq!(
            envelope.error_code(),
            Some(ErrorCode::InvalidStateException)
        );
    }
}
