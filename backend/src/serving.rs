//! Accepting connections within limits.
//!
//! `axum::serve` takes every connection and waits for ever for headers. This
//! loop answers HTTP/1.1 itself (hyper) so that:
//! - at most `max_connections` are served at once; one more is answered
//!   `503 ServiceUnavailable` with `Retry-After` and closed, so a flood
//!   cannot exhaust file descriptors or memory;
//! - a client has `header_timeout` to send a request's headers, and an idle
//!   keep-alive connection is closed after the same time (slowloris);
//! - on shutdown the listener closes, event streams end, open requests get
//!   [`DRAIN`] to finish, and then whatever remains is dropped: Ctrl-C or
//!   SIGTERM ends the process within two seconds even with consoles open.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

use crate::http::live::LiveStreams;

/// How long open requests may take to finish once shutdown begins.
pub const DRAIN: Duration = Duration::from_millis(1500);

/// Connections served at once unless `--max-connections` says otherwise.
pub const DEFAULT_MAX_CONNECTIONS: usize = 4096;
/// Open files kept for everything but client connections (database, logs,
/// upstream connections, the listener).
const OTHER_FILES: u64 = 128;
/// Seconds to send a request's headers, and to stay idle between requests.
pub const DEFAULT_HEADER_TIMEOUT_SECONDS: f64 = 10.0;

/// The limits of [`serve`].
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Connections served at once.
    pub max_connections: usize,
    /// Time to send a request's headers; also the keep-alive idle timeout.
    pub header_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: DEFAULT_MAX_CONNECTIONS,
            header_timeout: Duration::from_secs_f64(DEFAULT_HEADER_TIMEOUT_SECONDS),
        }
    }
}

/// The answer to a connection over the limit.
const OVER_CAPACITY: &[u8] = concat!(
    "HTTP/1.1 503 Service Unavailable\r\n",
    "content-type: application/json\r\n",
    "retry-after: 1\r\n",
    "connection: close\r\n",
    "x-cmconsole-version: ",
    env!("CARGO_PKG_VERSION"),
    "\r\n",
    "content-length: 100\r\n",
    "\r\n",
    "{\"code\":\"ServiceUnavailable\",\"message\":\"Too many open connections; try again later.\",\"requestId\":\"\"}"
)
.as_bytes();

/// Serves `router` on `listener` within `limits` until `shutdown` resolves,
/// then drains (see the module doc).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    live: Arc<LiveStreams>,
    shutdown: impl Future<Output = ()>,
) {
    let slots = Arc::new(Semaphore::new(fit_to_file_limit(limits.max_connections)));
    let graceful = GracefulShutdown::new();
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        let tcp = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((tcp, _)) => tcp,
                Err(err) => {
                    // Out of file descriptors and the like: wait, then go on.
                    tracing::warn!(error = %err, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        if let Err(err) = tcp.set_nodelay(true) {
            tracing::debug!(error = %err, "cannot set TCP_NODELAY");
        }
        let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else {
            tokio::spawn(refuse(tcp));
            continue;
        };
        let service = TowerToHyperService::new(router.clone());
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(tcp), service));
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(error = %err, "connection ended with an error");
            }
            drop(slot);
        });
    }
    drop(listener);
    live.close_all();
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(DRAIN) => {
            tracing::warn!("requests still open at shutdown were cut off");
        }
    }
}

/// Makes room for `wanted` client connections: raises the soft limit on
/// open files towards the hard limit when it is too low, and returns how
/// many connections fit (fewer than `wanted` only when the hard limit is
/// lower, which is logged), so the cap, not `accept` failing, answers a crowd.
fn fit_to_file_limit(wanted: usize) -> usize {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, getrlimit, setrlimit};
        let needed = wanted as u64 + OTHER_FILES;
        let mut limit = getrlimit(Resource::Nofile);
        if limit.current.is_some_and(|soft| soft < needed) {
            let raised = limit.maximum.map_or(needed, |hard| hard.min(needed));
            limit.current = Some(raised);
            if setrlimit(Resource::Nofile, limit).is_err() {
                limit = getrlimit(Resource::Nofile);
            }
        }
        let room = limit.current.map_or(wanted, |soft| {
            soft.saturating_sub(OTHER_FILES).max(1) as usize
        });
        if room < wanted {
            tracing::warn!(
                wanted,
                room,
                "the open-file limit leaves room for fewer connections than --max-connections"
            );
        }
        room.min(wanted)
    }
    #[cfg(not(unix))]
    wanted
}

/// Answers a connection over the limit and closes it.
async fn refuse(mut tcp: TcpStream) {
    let answer = async {
        tcp.write_all(OVER_CAPACITY).await?;
        tcp.shutdown().await
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), answer).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_over_capacity_answer_is_well_formed() {
        let text = std::str::from_utf8(OVER_CAPACITY).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length: "))
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(body.len(), length);
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(json["code"], "ServiceUnavailable");
    }
}
