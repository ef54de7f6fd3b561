//! The wire door: `POST /` speaking AWS JSON 1.1 exactly as AWS SDKs expect.
//!
//! `X-Amz-Target: <prefix>.<Operation>` selects the operation; responses are
//! `application/x-amz-json-1.1` with an `x-amzn-RequestId`; errors are
//! `{"__type": "<Code>", "message": "..."}` with the code's HTTP status.
//! Signed and unsigned requests are both accepted, unless `serve
//! --require-sigv4` gave a [`crate::sigv4::Verifier`].

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::Response;
use shared::error::ErrorCode;

use shared::requests::Door;

use super::AppState;
use super::render::{aws_json_answer, aws_json_error};
use super::requests::CallRecord;
use crate::error::ServiceError;
use crate::sigv4::SignedParts;
use crate::target::{RequestContext, Service};

/// Handles `POST /`.
pub async fn handle(
    State(app): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut ctx = RequestContext {
        request_id: app.request_id().await,
        access_key_id: access_key_id(&headers),
        region: scope_region(&headers),
    };
    let target = parse_target(&headers);
    let result = answer(&app, &mut ctx, &target, &method, &uri, &headers, &body).await;
    let (service, operation) = match &target {
        Ok((service, operation)) => (service.endpoint_prefix().to_owned(), operation.clone()),
        Err(_) => (String::new(), String::new()),
    };
    let record = CallRecord::of(Door::Wire, (service, operation), &ctx, &body, &result)
        .in_region(&app.settings.region);
    let mut response = match result {
        Ok(body) => aws_json_answer(StatusCode::OK, &ctx.request_id, body, None),
        Err(err) => aws_json_error(&err, &ctx.request_id),
    };
    response.extensions_mut().insert(record);
    response
}

/// Authenticates, throttles and runs the call.
async fn answer(
    app: &AppState,
    ctx: &mut RequestContext,
    target: &Result<(Service, String), ServiceError>,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Vec<u8>, ServiceError> {
    if let Some(verifier) = &app.verifier {
        // AWS authenticates before it looks at the target or the rate.
        let service = target.as_ref().map_or(Service::OpsWorksCm, |(s, _)| *s);
        let header_list: Vec<(String, String)> = headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let parts = SignedParts {
            method: method.as_str(),
            path: uri.path(),
            query: uri.query().unwrap_or(""),
            headers: &header_list,
            body,
        };
        let region = (!service.is_multi_region()).then_some(app.settings.region.as_str());
        ctx.access_key_id = Some(verifier.verify(&parts, service.signing_name(), region)?);
    }
    if let Some(bucket) = &app.throttle
        && !bucket.try_acquire(std::time::Instant::now())
    {
        return Err(ServiceError::new(
            ErrorCode::ThrottlingException,
            "Rate exceeded",
        ));
    }
    let (service, operation) = target.as_ref().map_err(Clone::clone)?;
    let call = crate::target::resolve(*service, operation)?;
    app.target.call(ctx, call, body).await
}

fn parse_target(headers: &HeaderMap) -> Result<(Service, String), ServiceError> {
    let unknown = |what: &str| {
        ServiceError::new(
            ErrorCode::UnknownOperationException,
            format!("The X-Amz-Target header {what}."),
        )
    };
    let target = headers
        .get("x-amz-target")
        .ok_or_else(|| unknown("is missing"))?
        .to_str()
        .map_err(|_| unknown("is not valid text"))?;
    let (prefix, operation) = target.split_once('.').ok_or_else(|| {
        unknown(&format!(
            "'{target}' is not of the form <Service>.<Operation>"
        ))
    })?;
    let service = Service::from_target_prefix(prefix)
        .ok_or_else(|| unknown(&format!("names an unknown service '{prefix}'")))?;
    Ok((service, operation.to_owned()))
}

/// The `/`-separated parts of a SigV4 `Authorization` header's
/// `Credential=AKID/DATE/REGION/SERVICE/aws4_request`, if present.
fn credential_parts(headers: &HeaderMap) -> Option<Vec<&str>> {
    let auth = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let credential = auth.split("Credential=").nth(1)?.split([',', ' ']).next()?;
    Some(credential.split('/').collect())
}

/// The access key id of a SigV4 `Authorization` header, if present.
fn access_key_id(headers: &HeaderMap) -> Option<String> {
    let akid = *credential_parts(headers)?.first()?;
    (!akid.is_empty() && akid.chars().all(|c| c.is_ascii_alphanumeric())).then(|| akid.to_owned())
}

/// The region of a SigV4 credential scope, if present.
fn scope_region(headers: &HeaderMap) -> Option<String> {
    let region = *credential_parts(headers)?.get(2)?;
    (!region.is_empty()).then(|| region.to_owned())
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn access_key_id_is_read_from_a_sigv4_header() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/opsworks-cm/aws4_request, SignedHeaders=host, Signature=abc"),
        );
        assert_eq!(access_key_id(&headers).as_deref(), Some("AKIDEXAMPLE"));
        assert_eq!(scope_region(&headers).as_deref(), Some("us-east-1"));
    }

    #[test]
    fn region_is_read_from_the_credential_scope() {
        let mut headers = HeaderMap::new();
        assert_eq!(scope_region(&headers), None);
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-2/cloudhsm/aws4_request, SignedHeaders=host, Signature=abc"),
        );
        assert_eq!(scope_region(&headers).as_deref(), Some("eu-west-2"));
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("AWS4-HMAC-SHA256 Credential=AKID/20260101"),
        );
        assert_eq!(scope_region(&headers), None);
    }
}
