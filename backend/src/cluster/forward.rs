//! Forwarding between instances: a follower hands the calls that change
//! state to the leader ([`route`]), which admits them on the strength of
//! an HMAC over the secret the instances share ([`admit`]).
//!
//! The follower's guard has already decided who may call (Host, origin,
//! session); the wire door's SigV4 signature travels with the unchanged
//! request and the leader checks it as usual. The leader answers with the
//! change-log position the call committed up to ([`COMMIT_SEQ_HEADER`]);
//! the follower waits until it has replayed that far, so the client reads
//! its own write from any instance. While no instance leads (a takeover
//! takes a few seconds), a call that must be forwarded waits for the new
//! leader for up to [`FAILOVER_WAIT`], then is answered `503
//! ServiceUnavailable` in the door's own format, which AWS SDKs retry.

use std::sync::Arc;
use std::time::Duration;

use aws_lc_rs::{constant_time, digest, hmac};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::Full;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use shared::error::ErrorCode;

use super::{Cluster, Duty};
use crate::http::door::{Door, X_AMZ_TARGET, refuse};
use crate::store::leader::Role;

/// Request header: `<unix seconds>.<hex HMAC>` of a forwarded call.
/// A constant name: the guard looks for it on every request.
pub const FORWARDED_HEADER: HeaderName = HeaderName::from_static("x-cmconsole-forwarded");
/// Response header of a forwarded call: the change-log position it
/// committed up to.
pub const COMMIT_SEQ_HEADER: &str = "x-cmconsole-commit-seq";
/// Response header: the instance that got a forwarded call does not lead
/// (any more); the follower tries the leader again.
pub const NOT_LEADER_HEADER: &str = "x-cmconsole-not-leader";

/// How long a call waits for a leader during a takeover.
pub const FAILOVER_WAIT: Duration = Duration::from_secs(10);
/// How far a forwarded call's time may be from the leader's.
const MAX_SKEW_SECS: u64 = 60;
/// How long a follower waits to replay a forwarded write before answering.
const REPLAY_WAIT: Duration = Duration::from_secs(10);

/// The HTTP client followers forward with.
pub type Client = hyper_util::client::legacy::Client<HttpConnector, Full<Bytes>>;

/// A client for calls to the leader.
pub(super) fn client() -> Client {
    hyper_util::client::legacy::Client::builder(TokioExecutor::new()).build_http()
}

/// Marks a request the leader admitted as forwarded by a follower: the
/// guard has nothing left to check.
#[derive(Debug, Clone, Copy)]
pub struct Forwarded;

/// Whether a call to `path` with `method` (and, for the wire door, the
/// operation in `X-Amz-Target`) changes state, so a follower must forward
/// it. Upstream, every AWS call is the leader's (only it signs).
fn must_forward(method: &Method, path: &str, headers: &HeaderMap, upstream: bool) -> bool {
    let reads =
        |operation: &str| !upstream && shared::service::Service::is_read_operation(operation);
    if path == "/" && method == Method::POST {
        let target = headers.get(X_AMZ_TARGET).and_then(|v| v.to_str().ok());
        return !target
            .and_then(|t| t.split_once('.'))
            .is_some_and(|(_, op)| reads(op));
    }
    if path.starts_with(shared::sim_control::PREFIX) {
        // Faults and the clock live with the leader; so does every control.
        return true;
    }
    let console = path
        .strip_prefix("/api/")
        .and_then(|rest| rest.split_once('/'));
    match console {
        Some((service, operation))
            if method == Method::POST
                && shared::service::Service::from_console_segment(service).is_some() =>
        {
            !reads(operation)
        }
        _ => false,
    }
}

/// The follower's side (after the guard): runs a read here, hands a write
/// to the leader.
pub async fn route(State(cluster): State<Arc<Cluster>>, request: Request, next: Next) -> Response {
    routed(&cluster, request, async |request| next.run(request).await).await
}

/// What [`route`] does, for the wire door, which runs it itself: `here`
/// answers what this instance answers.
pub(crate) async fn routed(
    cluster: &Cluster,
    request: Request,
    here: impl AsyncFnOnce(Request) -> Response,
) -> Response {
    let door = Door::of(request.method(), request.uri().path());
    if request.extensions().get::<Forwarded>().is_some() && cluster.duty() != Duty::Leading {
        // Sent here as to the leader, which this instance is not (now).
        let mut response = unavailable(door, "This instance no longer leads; try again.");
        response
            .headers_mut()
            .insert(NOT_LEADER_HEADER, HeaderValue::from_static("1"));
        return response;
    }
    if cluster.duty() == Duty::Leading
        || !must_forward(
            request.method(),
            request.uri().path(),
            request.headers(),
            cluster.upstream,
        )
    {
        return here(request).await;
    }
    let (parts, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, crate::http::state::BODY_LIMIT).await {
        Ok(body) => body,
        Err(_) => {
            return refuse(
                door,
                ErrorCode::ValidationException,
                "The request body is too large.".to_owned(),
                StatusCode::PAYLOAD_TOO_LARGE,
            );
        }
    };
    let deadline = tokio::time::Instant::now() + FAILOVER_WAIT;
    loop {
        let Some(leader) = leader(cluster, deadline).await else {
            return unavailable(door, "No instance leads right now; try again shortly.");
        };
        let Some(address) = leader else {
            // This instance took the lead meanwhile.
            return here(Request::from_parts(parts, Body::from(body))).await;
        };
        match send(cluster, &address, &parts, &body).await {
            Ok(response) if response.headers().contains_key(NOT_LEADER_HEADER) => {}
            Ok(response) => return settle(cluster, response).await,
            // Not delivered: the leader is gone; wait for the next one.
            Err(err) if err.is_connect() => {}
            Err(err) => {
                tracing::warn!(error = %err, "a forwarded call failed");
                return unavailable(door, "The leading instance did not answer; try again.");
            }
        }
        if tokio::time::Instant::now() >= deadline {
            return unavailable(door, "No instance leads right now; try again shortly.");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Where to send a write: `Some(None)` here (this instance leads),
/// `Some(Some(url))` the leader's, `None` when no leader is known by
/// `deadline`.
async fn leader(cluster: &Cluster, deadline: tokio::time::Instant) -> Option<Option<String>> {
    let mut duty = cluster.duty.subscribe();
    let mut role = cluster.election.role();
    loop {
        if *duty.borrow_and_update() == Duty::Leading {
            return Some(None);
        }
        if let Role::Follower {
            leader: Some(address),
        } = &*role.borrow_and_update()
        {
            return Some(Some(address.clone()));
        }
        tokio::select! {
            _ = duty.changed() => {}
            _ = role.changed() => {}
            () = tokio::time::sleep_until(deadline) => return None,
        }
    }
}

/// Sends the call to the leader at `address`, signed.
async fn send(
    cluster: &Cluster,
    address: &str,
    parts: &axum::http::request::Parts,
    body: &Bytes,
) -> Result<hyper::Response<hyper::body::Incoming>, hyper_util::client::legacy::Error> {
    let path = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    let mut request = hyper::Request::new(Full::new(body.clone()));
    *request.method_mut() = parts.method.clone();
    *request.uri_mut() = format!("{}{path}", address.trim_end_matches('/'))
        .parse()
        .unwrap_or_default();
    let headers = request.headers_mut();
    for (name, value) in &parts.headers {
        if !is_hop_by_hop(name) && name != header::CONTENT_LENGTH {
            headers.append(name.clone(), value.clone());
        }
    }
    let signature = sign(&cluster.key, &parts.method, &path, unix_now(), body);
    if let Ok(value) = HeaderValue::from_str(&signature) {
        headers.insert(FORWARDED_HEADER, value);
    }
    cluster.client.request(request).await
}

/// The leader's answer as this instance's, once this instance has replayed
/// what the call committed.
async fn settle(cluster: &Cluster, response: hyper::Response<hyper::body::Incoming>) -> Response {
    let (mut parts, body) = response.into_parts();
    let position = parts
        .headers
        .remove(COMMIT_SEQ_HEADER)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if let Some(position) = position {
        let mut applied = cluster.applied.subscribe();
        let replayed = tokio::time::timeout(REPLAY_WAIT, applied.wait_for(|a| *a >= position));
        if replayed.await.is_err() {
            tracing::warn!(position, "answered a forwarded write before replaying it");
        }
    }
    let hop_by_hop: Vec<HeaderName> = parts
        .headers
        .keys()
        .filter(|name| is_hop_by_hop(name))
        .cloned()
        .collect();
    for name in hop_by_hop {
        parts.headers.remove(name);
    }
    Response::from_parts(parts, Body::new(body))
}

/// The leader's side (before the guard): a call with a valid
/// [`FORWARDED_HEADER`] is admitted as [`Forwarded`] and answered with
/// [`COMMIT_SEQ_HEADER`]; an invalid one is refused. (A lone instance has
/// no such layer: its guard refuses every such header.)
pub async fn admit(State(cluster): State<Arc<Cluster>>, request: Request, next: Next) -> Response {
    match admitted(&cluster, request).await {
        Ok((request, None)) => next.run(request).await,
        Ok((request, Some(stamp))) => stamp.on(next.run(request).await),
        Err(refusal) => refusal,
    }
}

/// What [`admit`] checks, for the wire door, which runs it itself: the
/// request, marked [`Forwarded`] with the [`CommitStamp`] its answer needs
/// when another instance forwarded it, or the refusal of a forged one.
pub(crate) async fn admitted(
    cluster: &Cluster,
    request: Request,
) -> Result<(Request, Option<CommitStamp<'_>>), Response> {
    let Some(presented) = request.headers().get(FORWARDED_HEADER).cloned() else {
        return Ok((request, None));
    };
    let door = Door::of(request.method(), request.uri().path());
    let refused = || refuse_forged(door);
    let (mut parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, crate::http::state::BODY_LIMIT).await else {
        return Err(refused());
    };
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let genuine = presented
        .to_str()
        .is_ok_and(|p| verify(&cluster.key, &parts.method, path, unix_now(), &body, p));
    if !genuine {
        tracing::warn!("refused a forwarded call with a bad signature");
        return Err(refused());
    }
    parts.headers.remove(FORWARDED_HEADER);
    parts.extensions.insert(Forwarded);
    Ok((
        Request::from_parts(parts, Body::from(body)),
        Some(CommitStamp(cluster)),
    ))
}

/// Adds [`COMMIT_SEQ_HEADER`] to the answer of a forwarded call.
pub(crate) struct CommitStamp<'a>(&'a Cluster);

impl CommitStamp<'_> {
    /// `response` with the position of the journal it left behind.
    pub(crate) fn on(self, mut response: Response) -> Response {
        if let Ok(value) = HeaderValue::from_str(&self.0.store.committed_seq().to_string()) {
            response.headers_mut().insert(COMMIT_SEQ_HEADER, value);
        }
        response
    }
}

/// The answer to a [`FORWARDED_HEADER`] that does not verify, or that a
/// lone instance (which admits none) receives.
pub(crate) fn refuse_forged(door: Door) -> Response {
    refuse(
        door,
        ErrorCode::AccessDeniedException,
        "This forwarded call is not signed by an instance of this group.".to_owned(),
        StatusCode::FORBIDDEN,
    )
}

fn unavailable(door: Door, message: &str) -> Response {
    let mut response = refuse(
        door,
        ErrorCode::ServiceUnavailable,
        message.to_owned(),
        StatusCode::SERVICE_UNAVAILABLE,
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response.into_response()
}

fn is_hop_by_hop(name: &HeaderName) -> bool {
    [
        header::CONNECTION,
        header::TRANSFER_ENCODING,
        header::TE,
        header::TRAILER,
        header::UPGRADE,
        header::PROXY_AUTHORIZATION,
        header::PROXY_AUTHENTICATE,
    ]
    .contains(name)
        || name.as_str() == "keep-alive"
}

/// The wall clock's Unix time (the simulated clock may run ahead).
fn unix_now() -> u64 {
    use crate::clock::Clock as _;
    u64::try_from(crate::clock::SystemClock.now().timestamp()).unwrap_or(0)
}

/// What the HMAC covers: the method, path and query, the time and the
/// body's digest.
fn signed_text(method: &Method, path: &str, time: u64, body: &[u8]) -> String {
    let digest = digest::digest(&digest::SHA256, body);
    let digest: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("cmconsole-forward-v1\n{method}\n{path}\n{time}\n{digest}")
}

/// The [`FORWARDED_HEADER`] value of a call made at `time`.
fn sign(key: &hmac::Key, method: &Method, path: &str, time: u64, body: &[u8]) -> String {
    let tag = hmac::sign(key, signed_text(method, path, time, body).as_bytes());
    let tag: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("{time}.{tag}")
}

/// Whether `presented` is [`sign`]'s value for this call, made within
/// [`MAX_SKEW_SECS`] of `now`.
fn verify(
    key: &hmac::Key,
    method: &Method,
    path: &str,
    now: u64,
    body: &[u8],
    presented: &str,
) -> bool {
    let Some((time, _)) = presented.split_once('.') else {
        return false;
    };
    let Ok(time) = time.parse::<u64>() else {
        return false;
    };
    if time.abs_diff(now) > MAX_SKEW_SECS {
        return false;
    }
    let expected = sign(key, method, path, time, body);
    constant_time::verify_slices_are_equal(expected.as_bytes(), presented.as_bytes()).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(secret: &str) -> hmac::Key {
        hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes())
    }

    #[test]
    fn only_the_same_call_signed_with_the_same_secret_recently_verifies() {
        let k = key("s3cret");
        let signed = sign(&k, &Method::POST, "/api/sim/clock", 1000, b"{}");
        let genuine = |key: &hmac::Key, method: Method, path: &str, now: u64, body: &[u8]| {
            verify(key, &method, path, now, body, &signed)
        };
        assert!(genuine(&k, Method::POST, "/api/sim/clock", 1010, b"{}"));
        assert!(!genuine(
            &key("other"),
            Method::POST,
            "/api/sim/clock",
            1010,
            b"{}"
        ));
        assert!(!genuine(&k, Method::POST, "/api/sim/faults", 1010, b"{}"));
        assert!(!genuine(&k, Method::DELETE, "/api/sim/clock", 1010, b"{}"));
        assert!(!genuine(&k, Method::POST, "/api/sim/clock", 1010, b"{ }"));
        assert!(!genuine(&k, Method::POST, "/api/sim/clock", 1061, b"{}"));
        for forged in ["1000.00", "garbage", ""] {
            assert!(!verify(
                &k,
                &Method::POST,
                "/api/sim/clock",
                1000,
                b"{}",
                forged
            ));
        }
    }

    #[test]
    fn writes_are_forwarded_and_reads_are_not() {
        let wire = |op: &str| {
            let mut headers = HeaderMap::new();
            headers.insert("x-amz-target", HeaderValue::from_str(op).unwrap());
            headers
        };
        let post = Method::POST;
        let none = HeaderMap::new();
        let forwarded =
            |h: &HeaderMap, path: &str, upstream| must_forward(&post, path, h, upstream);
        assert!(forwarded(
            &wire("OpsWorksCM_V2016_11_01.CreateServer"),
            "/",
            false
        ));
        assert!(!forwarded(
            &wire("OpsWorksCM_V2016_11_01.DescribeServers"),
            "/",
            false
        ));
        assert!(!forwarded(&wire("BaldrApiService.ListTags"), "/", false));
        assert!(forwarded(
            &wire("BaldrApiService.DescribeBackups"),
            "/",
            true
        ));
        assert!(
            forwarded(&none, "/", false),
            "no target: the leader answers the error"
        );
        assert!(forwarded(&none, "/api/opsworks-cm/DeleteServer", false));
        assert!(!forwarded(&none, "/api/opsworks-cm/DescribeEvents", false));
        assert!(!forwarded(&none, "/api/cloudhsmv2/DescribeClusters", false));
        assert!(forwarded(&none, "/api/sim/clock/advance", false));
        assert!(!forwarded(&none, "/api/session", false));
        assert!(!forwarded(&none, "/api/health", false));
        assert!(!must_forward(&Method::GET, "/api/events", &none, false));
    }
}
