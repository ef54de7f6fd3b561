//! Checking the SigV4 `Authorization` header of a wire-door request the way
//! AWS JSON services do, with their error codes and messages.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use shared::error::ErrorCode;

use super::canonical::{
    ALGORITHM, SignedParts, canonical_request, same_signature, signature, string_to_sign,
};
use crate::clock::Clock;
use crate::error::ServiceError;

/// How far a request's time may be from the verifier's clock.
pub const MAX_SKEW: TimeDelta = TimeDelta::minutes(15);

const AMZ_DATE_FORMAT: &str = "%Y%m%dT%H%M%SZ";

/// Why a request is not authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthError {
    /// No `Authorization` header at all.
    Missing,
    /// The header lacks parts or is malformed.
    Incomplete(String),
    /// The access key id is not one the verifier knows.
    UnknownAccessKey,
    /// Scope, date or signature do not check out.
    Invalid(String),
}

impl From<AuthError> for ServiceError {
    fn from(err: AuthError) -> Self {
        match err {
            AuthError::Missing => ServiceError::new(
                ErrorCode::MissingAuthenticationTokenException,
                "Missing Authentication Token",
            ),
            AuthError::Incomplete(message) => {
                ServiceError::new(ErrorCode::IncompleteSignatureException, message)
            }
            AuthError::UnknownAccessKey => ServiceError::new(
                ErrorCode::UnrecognizedClientException,
                "The security token included in the request is invalid.",
            ),
            AuthError::Invalid(message) => {
                ServiceError::new(ErrorCode::InvalidSignatureException, message)
            }
        }
    }
}

/// The parts of an `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...` header.
#[derive(Debug)]
struct Authorization<'a> {
    access_key_id: &'a str,
    date: &'a str,
    region: &'a str,
    service: &'a str,
    signed_headers: Vec<&'a str>,
    signature: &'a str,
}

fn parse_authorization(header: &str) -> Result<Authorization<'_>, AuthError> {
    let (algorithm, rest) = header.trim().split_once(' ').unwrap_or((header.trim(), ""));
    if algorithm != ALGORITHM {
        return Err(AuthError::Incomplete(format!(
            "Unsupported AWS 'algorithm': '{algorithm}'. Authorization={header}"
        )));
    }
    let mut fields: HashMap<&str, &str> = HashMap::new();
    for part in rest.split(',') {
        if let Some((k, v)) = part.trim().split_once('=') {
            fields.insert(k.trim(), v.trim());
        }
    }
    let missing: Vec<String> = ["Credential", "Signature", "SignedHeaders"]
        .into_iter()
        .filter(|k| fields.get(k).is_none_or(|v| v.is_empty()))
        .map(|k| format!("Authorization header requires '{k}' parameter."))
        .collect();
    if !missing.is_empty() {
        return Err(AuthError::Incomplete(format!(
            "{} Authorization={header}",
            missing.join(" ")
        )));
    }
    let credential: Vec<&str> = fields["Credential"].split('/').collect();
    let [access_key_id, date, region, service, terminator] = credential[..] else {
        return Err(AuthError::Incomplete(format!(
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{}'",
            fields["Credential"]
        )));
    };
    if terminator != "aws4_request" {
        return Err(AuthError::Invalid(format!(
            "Credential should be scoped with a valid terminator: 'aws4_request', not '{terminator}'."
        )));
    }
    Ok(Authorization {
        access_key_id,
        date,
        region,
        service,
        signed_headers: fields["SignedHeaders"].split(';').collect(),
        signature: fields["Signature"],
    })
}

/// Verifies SigV4 signatures against a fixed set of access keys.
pub struct Verifier {
    keys: HashMap<String, String>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secrets stay out of every log line.
        f.debug_struct("Verifier")
            .field("access_key_ids", &self.keys.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Verifier {
    /// A verifier accepting the `(access key id, secret access key)` pairs,
    /// judging request times by `clock` (the wall clock in `serve`, never the
    /// simulated one, which may have been moved forward).
    pub fn new(pairs: impl IntoIterator<Item = (String, String)>, clock: Arc<dyn Clock>) -> Self {
        Self {
            keys: pairs.into_iter().collect(),
            clock,
        }
    }

    /// Checks the request; on success returns the caller's access key id.
    ///
    /// `service` is the signing name the credential scope must carry;
    /// `region`, when given, the only region it may name.
    ///
    /// # Errors
    /// The [`AuthError`] AWS would answer with.
    pub fn verify(
        &self,
        parts: &SignedParts<'_>,
        service: &str,
        region: Option<&str>,
    ) -> Result<String, AuthError> {
        let header = header(parts, "authorization").ok_or(AuthError::Missing)?;
        let auth = parse_authorization(header)?;
        let secret = self
            .keys
            .get(auth.access_key_id)
            .ok_or(AuthError::UnknownAccessKey)?;
        if !auth.signed_headers.contains(&"host") {
            return Err(AuthError::Incomplete(
                "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
                    .to_owned(),
            ));
        }
        let (amz_date, time) = request_time(parts, header)?;
        self.check_time(&amz_date, time)?;
        check_scope(&auth, &amz_date, service, region)?;
        let scope = format!(
            "{}/{}/{}/aws4_request",
            auth.date, auth.region, auth.service
        );
        let canonical = canonical_request(parts, &auth.signed_headers);
        let to_sign = string_to_sign(&amz_date, &scope, &canonical);
        let expected = signature(secret, auth.date, auth.region, auth.service, &to_sign);
        if same_signature(&expected, auth.signature) {
            Ok(auth.access_key_id.to_owned())
        } else {
            Err(AuthError::Invalid(
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.".to_owned(),
            ))
        }
    }

    fn check_time(&self, amz_date: &str, time: DateTime<Utc>) -> Result<(), AuthError> {
        let now = self.clock.now();
        let fmt = |t: DateTime<Utc>| t.format(AMZ_DATE_FORMAT).to_string();
        if time < now - MAX_SKEW {
            return Err(AuthError::Invalid(format!(
                "Signature expired: {amz_date} is now earlier than {} ({} - 15 min.)",
                fmt(now - MAX_SKEW),
                fmt(now)
            )));
        }
        if time > now + MAX_SKEW {
            return Err(AuthError::Invalid(format!(
                "Signature not yet current: {amz_date} is still later than {} ({} + 15 min.)",
                fmt(now + MAX_SKEW),
                fmt(now)
            )));
        }
        Ok(())
    }
}

fn check_scope(
    auth: &Authorization<'_>,
    amz_date: &str,
    service: &str,
    region: Option<&str>,
) -> Result<(), AuthError> {
    if !amz_date.starts_with(auth.date) || auth.date.len() != 8 {
        return Err(AuthError::Invalid(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{}', from '{amz_date}'.",
            auth.date,
            amz_date.get(..8).unwrap_or(amz_date)
        )));
    }
    if region.is_some_and(|r| r != auth.region) {
        return Err(AuthError::Invalid(format!(
            "Credential should be scoped to a valid region, not '{}'. ",
            auth.region
        )));
    }
    if auth.service != service {
        return Err(AuthError::Invalid(format!(
            "Credential should be scoped to correct service: '{service}'. "
        )));
    }
    Ok(())
}

/// The request time from `X-Amz-Date` (or `Date`), with its `YYYYMMDDTHHMMSSZ` form.
fn request_time(
    parts: &SignedParts<'_>,
    authorization: &str,
) -> Result<(String, DateTime<Utc>), AuthError> {
    if let Some(value) = header(parts, "x-amz-date") {
        let time = NaiveDateTime::parse_from_str(value.trim(), AMZ_DATE_FORMAT)
            .map_err(|_| {
                AuthError::Incomplete(format!(
                    "Date must be in ISO-8601 'basic format'. Got '{value}'. See http://en.wikipedia.org/wiki/ISO_8601"
                ))
            })?
            .and_utc();
        return Ok((value.trim().to_owned(), time));
    }
    if let Some(value) = header(parts, "date")
        && let Ok(time) = DateTime::parse_from_rfc2822(value.trim())
    {
        let time = time.with_timezone(&Utc);
        return Ok((time.format(AMZ_DATE_FORMAT).to_string(), time));
    }
    Err(AuthError::Incomplete(format!(
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization={authorization}"
    )))
}

fn header<'a>(parts: &SignedParts<'a>, name: &str) -> Option<&'a str> {
    parts
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}
