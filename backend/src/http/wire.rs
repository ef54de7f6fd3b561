//! The wire door: `POST /` speaking AWS JSON 1.1 exactly as AWS SDKs expect.
//!
//! `X-Amz-Target: <prefix>.<Operation>` selects the operation; responses are
//! `application/x-amz-json-1.1` with an `x-amzn-RequestId`; errors are
//! `{"__type": "<Code>", "message": "..."}` with the code's HTTP status.
//! Signed and unsigned requests are both accepted, unless `serve
//! --require-sigv4` gave a [`crate::sigv4::Verifier`].

use std::panic::AssertUnwindSafe;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use futures_util::FutureExt;
use shared::error::ErrorCode;
use tracing::Instrument;

use shared::requests::Door;

use super::door::X_AMZ_TARGET;
use super::errors::{self, REQUEST_TIMEOUT};
use super::render::{aws_json_answer, aws_json_error};
use super::requests::{self, CallRecord};
use super::{AppState, BODY_LIMIT, guard};
use crate::cluster::forward;
use crate::error::ServiceError;
use crate::sigv4::SignedParts;
use crate::target::{RequestContext, Service};

/// Handles `POST /`: the whole door in one function rather than a stack of
/// layers, since this is the door that carries load (see the README's
/// performance table). In order: a call forwarded by another instance of
/// the group is admitted ([`forward::admitted`]); the guard's checks
/// ([`guard::check`]); a follower hands a write to the leader
/// ([`forward::routed`]); the call runs, a panic answering 500 and a call
/// past [`REQUEST_TIMEOUT`] 408, both in AWS JSON; the answer is logged
/// and counted ([`requests::log`]) and carries the version header.
pub async fn door(State(app): State<AppState>, request: Request) -> Response {
    let started = Instant::now();
    let span = super::request_span(&request);
    let (mut response, record) = admitted(&app, request).instrument(span).await;
    if let Some(record) = record {
        requests::log(&app, record, response.status(), started);
    }
    response
        .headers_mut()
        .insert(super::VERSION_HEADER, super::VERSION);
    tracing::debug!(
        status = response.status().as_u16(),
        latency_ms = started.elapsed().as_secs_f64() * 1000.0,
        "finished processing request"
    );
    response
}

/// An answer, and what the request log keeps of it when the call ran here.
type Answered = (Response, Option<CallRecord>);

/// The guard's checks, after a forwarded call's admission when this
/// instance shares its database.
async fn admitted(app: &AppState, request: Request) -> Answered {
    let Some(cluster) = &app.cluster else {
        return match guard::check(&app.settings.guard, &request) {
            Some(refusal) => (refusal, None),
            None => contained(app, request).await,
        };
    };
    let (request, stamp) = match forward::admitted(cluster, request).await {
        Ok(admitted) => admitted,
        Err(refusal) => return (refusal, None),
    };
    if let Some(refusal) = guard::check(&app.settings.guard, &request) {
        return (refusal, None);
    }
    let mut record = None;
    let response = forward::routed(cluster, request, async |request| {
        let (response, here) = contained(app, request).await;
        record = here;
        response
    })
    .await;
    let response = match stamp {
        Some(stamp) => stamp.on(response),
        None => response,
    };
    (response, record)
}

/// Runs the call; a panic or a timeout is answered too.
async fn contained(app: &AppState, request: Request) -> Answered {
    let call = AssertUnwindSafe(handle(app, request)).catch_unwind();
    match tokio::time::timeout(REQUEST_TIMEOUT, call).await {
        Ok(Ok(answered)) => answered,
        Ok(Err(panic)) => (errors::panic_response(panic), None),
        Err(_) => {
            let request_id = uuid::Uuid::new_v4().to_string();
            (aws_json_error(&errors::timed_out(), &request_id), None)
        }
    }
}

/// Reads the body and answers the call.
async fn handle(app: &AppState, request: Request) -> Answered {
    let (parts, body) = request.into_parts();
    let body = match read_body(body).await {
        Ok(body) => body,
        Err(err) => {
            return (
                aws_json_error(&err, &uuid::Uuid::new_v4().to_string()),
                None,
            );
        }
    };
    let (method, uri, headers) = (&parts.method, &parts.uri, &parts.headers);
    let (access_key_id, region) = credential(headers);
    let mut ctx = RequestContext {
        request_id: app.request_id(),
        access_key_id,
        region,
    };
    let target = parse_target(headers);
    let result = answer(app, &mut ctx, &target, method, uri, headers, &body).await;
    let (service, operation) = match &target {
        Ok((service, operation)) => (service.endpoint_prefix().to_owned(), operation.clone()),
        Err(_) => (String::new(), String::new()),
    };
    let record = CallRecord::of(Door::Wire, (service, operation), &ctx, &body, &result)
        .in_region(&app.settings.region);
    let response = match result {
        Ok(body) => aws_json_answer(StatusCode::OK, &ctx.request_id, body, None),
        Err(err) => aws_json_error(&err, &ctx.request_id),
    };
    (response, Some(record))
}

/// The request body, at most [`BODY_LIMIT`] bytes. A body that arrives in
/// one piece (an SDK's usually does) is taken as it is, not copied.
///
/// # Errors
/// `ValidationException` (413) when it is too large; `SerializationException`
/// (400) when it is cut off.
async fn read_body(body: axum::body::Body) -> Result<Bytes, ServiceError> {
    use http_body_util::BodyExt;
    let mut body = http_body_util::Limited::new(body, BODY_LIMIT);
    let mut first = Bytes::new();
    let mut joined: Option<bytes::BytesMut> = None;
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame.map_err(|err| unreadable(&*err))?.into_data() else {
            continue; // trailers
        };
        match &mut joined {
            Some(joined) => joined.extend_from_slice(&data),
            None if first.is_empty() => first = data,
            None => {
                let mut both = bytes::BytesMut::from(&first[..]);
                both.extend_from_slice(&data);
                joined = Some(both);
            }
        }
    }
    Ok(joined.map_or(first, bytes::BytesMut::freeze))
}

/// Why a body could not be read: too large (413), or cut off (400).
fn unreadable(err: &(dyn std::error::Error + 'static)) -> ServiceError {
    if err.is::<http_body_util::LengthLimitError>() {
        errors::body_too_large()
    } else {
        ServiceError::new(
            ErrorCode::SerializationException,
            format!("The request body could not be read: {err}"),
        )
    }
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
        .get(X_AMZ_TARGET)
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

/// The access key id and the region of a SigV4 `Authorization` header's
/// `Credential=AKID/DATE/REGION/SERVICE/aws4_request`, each when present
/// and well formed.
///
/// Byte scans rather than `str::split` with a pattern: this runs on every
/// call, and a substring searcher's set-up cost more than the rest of it.
fn credential(headers: &HeaderMap) -> (Option<String>, Option<String>) {
    const KEY: &[u8] = b"Credential=";
    let Some(auth) = headers
        .get(header::AUTHORIZATION)
        .map(HeaderValue::as_bytes)
    else {
        return (None, None);
    };
    // SigV4 puts it right after the algorithm; look further only if not.
    let after_algorithm = auth.iter().position(|&b| b == b' ').map_or(0, |i| i + 1);
    let start = if auth[after_algorithm..].starts_with(KEY) {
        after_algorithm + KEY.len()
    } else {
        match auth.windows(KEY.len()).position(|w| w == KEY) {
            Some(i) => i + KEY.len(),
            None => return (None, None),
        }
    };
    let rest = &auth[start..];
    let scope = &rest[..rest
        .iter()
        .position(|&b| b == b',' || b == b' ')
        .unwrap_or(rest.len())];
    let mut parts = scope.split(|&b| b == b'/');
    let akid = parts
        .next()
        .filter(|a| !a.is_empty() && a.iter().all(u8::is_ascii_alphanumeric));
    let region = parts
        .nth(1)
        .filter(|r| !r.is_empty())
        .and_then(|r| std::str::from_utf8(r).ok());
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    (akid.map(text), region.map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn streamed(pieces: Vec<Bytes>) -> axum::body::Body {
        axum::body::Body::from_stream(futures_util::stream::iter(
            pieces.into_iter().map(Ok::<_, std::convert::Infallible>),
        ))
    }

    #[tokio::test]
    async fn a_body_in_pieces_is_joined_and_one_in_a_piece_kept() {
        let pieces = vec![
            Bytes::from_static(b"{\"Ser"),
            Bytes::new(),
            Bytes::from_static(b"verName\":"),
            Bytes::from_static(b"\"web\"}"),
        ];
        let joined = read_body(streamed(pieces)).await.unwrap();
        assert_eq!(&joined[..], br#"{"ServerName":"web"}"#);
        let one = Bytes::from_static(b"{}");
        let kept = read_body(streamed(vec![one.clone()])).await.unwrap();
        assert_eq!(kept.as_ptr(), one.as_ptr(), "not copied");
        assert!(read_body(streamed(vec![])).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_body_over_the_limit_in_pieces_is_refused_with_413() {
        let piece = Bytes::from(vec![b' '; 1024 * 1024]);
        let pieces = vec![piece; BODY_LIMIT / (1024 * 1024) + 1];
        let err = read_body(streamed(pieces)).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::ValidationException);
        assert_eq!(err.status(), 413);
    }

    #[test]
    fn access_key_id_is_read_from_a_sigv4_header() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/opsworks-cm/aws4_request, SignedHeaders=host, Signature=abc"),
        );
        let (akid, region) = credential(&headers);
        assert_eq!(akid.as_deref(), Some("AKIDEXAMPLE"));
        assert_eq!(region.as_deref(), Some("us-east-1"));
    }

    #[test]
    fn region_is_read_from_the_credential_scope() {
        let mut headers = HeaderMap::new();
        assert_eq!(credential(&headers).1, None);
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-2/cloudhsm/aws4_request, SignedHeaders=host, Signature=abc"),
        );
        assert_eq!(credential(&headers).1.as_deref(), Some("eu-west-2"));
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("AWS4-HMAC-SHA256 Credential=AKID/20260101"),
        );
        assert_eq!(credential(&headers).1, None);
    }

    #[test]
    fn the_credential_is_found_anywhere_in_the_header_and_checked() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::AUTHORIZATION, HeaderValue::from_static(value));
            credential(&headers)
        };
        let found = with(
            "AWS4-HMAC-SHA256 SignedHeaders=host, Credential=AKID2/20260101/ap-south-1/cloudhsm/aws4_request, Signature=abc",
        );
        assert_eq!(found.0.as_deref(), Some("AKID2"));
        assert_eq!(found.1.as_deref(), Some("ap-south-1"));
        assert_eq!(
            with("AWS4-HMAC-SHA256  Credential=AKID3/d/eu-north-1/x/aws4_request")
                .0
                .as_deref(),
            Some("AKID3")
        );
        assert_eq!(
            with("AWS4-HMAC-SHA256 Credential=AK-ID/d/us-east-1/x/y"),
            (None, Some("us-east-1".into()))
        );
        assert_eq!(with("AWS4-HMAC-SHA256 Signature=abc"), (None, None));
        assert_eq!(with("Credential="), (None, None));
    }
}
