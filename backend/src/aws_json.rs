//! The AWS JSON 1.1 protocol both services speak: its content type, request
//! bodies decoded the way an AWS JSON service does, answers encoded.
//!
//! Requests deserialize straight into the `shared` request types, whose
//! constrained members are validating newtypes. A body that is not JSON, or a
//! member of the wrong JSON type, is a `SerializationException`; a value that
//! breaks a constraint or a missing required member is a `ValidationException`
//! naming the member, in AWS's own wording.

use serde::de::DeserializeOwned;
use serde_path_to_error::{Path, Segment};
use shared::error::ErrorCode;

use crate::error::{ServiceError, lower_first};

/// Content type of AWS JSON 1.1.
pub const AMZ_JSON: &str = "application/x-amz-json-1.1";

/// Serializes a response body.
pub fn encode_response<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, ServiceError> {
    serde_json::to_vec(value).map_err(|e| ServiceError::internal(&e))
}

/// Parses a request body; an empty body counts as `{}`.
pub fn parse_request<T: DeserializeOwned>(body: &[u8]) -> Result<T, ServiceError> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ServiceError::new(
            ErrorCode::SerializationException,
            "Start of structure or map found where not expected: the request body must be a JSON object.",
        ));
    }
    // Most requests are valid: decode them without tracking the path, and
    // decode again, tracking it, only to name the member an error is at.
    if let Ok(request) = T::deserialize(&mut serde_json::Deserializer::from_slice(body)) {
        return Ok(request);
    }
    let de = &mut serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize(de) {
        Ok(request) => Ok(request),
        Err(err) => Err(classify(err.inner(), &aws_path(err.path()))),
    }
}

fn classify(err: &serde_json::Error, path: &str) -> ServiceError {
    use serde_json::error::Category;
    let message = strip_position(&err.to_string());
    match err.classify() {
        Category::Syntax | Category::Eof | Category::Io => ServiceError::new(
            ErrorCode::SerializationException,
            format!("The request body is not valid JSON: {message}"),
        ),
        Category::Data => data_error(&message, path),
    }
}

fn data_error(message: &str, path: &str) -> ServiceError {
    if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or_default();
        let full = join(path, &lower_first(field));
        return ServiceError::validation(format!(
            "1 validation error detected: Value null at '{full}' failed to satisfy constraint: Member must not be null"
        ));
    }
    if message.starts_with("invalid type:") || message.starts_with("invalid length") {
        return ServiceError::new(
            ErrorCode::SerializationException,
            format!("Unexpected value at '{path}': {message}"),
        );
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let value = rest.split('`').next().unwrap_or_default();
        let expected: Vec<&str> = rest.split('`').skip(2).step_by(2).collect();
        return ServiceError::validation(format!(
            "1 validation error detected: Value '{value}' at '{path}' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
            expected.join(", ")
        ));
    }
    if message.contains(" failed to satisfy constraint") {
        let located = message.replacen(
            " failed to satisfy constraint",
            &format!(" at '{path}' failed to satisfy constraint"),
            1,
        );
        return ServiceError::validation(format!("1 validation error detected: {located}"));
    }
    ServiceError::validation(format!("Invalid value at '{path}': {message}"))
}

/// serde_json appends " at line L column C"; AWS messages do not.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

fn aws_path(path: &Path) -> String {
    let mut out = String::new();
    for segment in path.iter() {
        let part = match segment {
            Segment::Seq { index } => (index + 1).to_string(),
            Segment::Map { key } => lower_first(key),
            Segment::Enum { variant } => lower_first(variant),
            Segment::Unknown => continue,
        };
        out = join(&out, &part);
    }
    out
}

fn join(path: &str, member: &str) -> String {
    if path.is_empty() {
        member.to_owned()
    } else {
        format!("{path}.{member}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::opsworkscm::{CreateBackupRequest, DescribeEventsRequest};

    #[test]
    fn invalid_name_is_a_validation_error_naming_the_member() {
        let err = parse_request::<CreateBackupRequest>(br#"{"ServerName":"1bad"}"#).unwrap_err();
        assert_eq!(err.code, ErrorCode::ValidationException);
        assert!(err.message.starts_with("1 validation error detected: Value '1bad' at 'serverName' failed to satisfy constraint"), "{}", err.message);
    }

    #[test]
    fn missing_required_member_is_a_validation_error() {
        let err = parse_request::<DescribeEventsRequest>(b"{}").unwrap_err();
        assert_eq!(err.code, ErrorCode::ValidationException);
        assert!(
            err.message.contains("Value null at 'serverName'"),
            "{}",
            err.message
        );
    }

    #[test]
    fn wrong_json_type_and_bad_json_are_serialization_errors() {
        for body in [&br#"{"ServerName": 5}"#[..], b"{not json", b"[1]", b"\"x\""] {
            let err = parse_request::<CreateBackupRequest>(body).unwrap_err();
            assert_eq!(err.code, ErrorCode::SerializationException, "{body:?}");
        }
    }

    #[test]
    fn empty_body_is_an_empty_object_and_unknown_members_are_ignored() {
        let err = parse_request::<CreateBackupRequest>(b"").unwrap_err();
        assert!(err.message.contains("serverName"));
        let ok: CreateBackupRequest =
            parse_request(br#"{"ServerName":"web-1","Unknown":1}"#).unwrap();
        assert_eq!(ok.server_name.as_str(), "web-1");
    }
}
