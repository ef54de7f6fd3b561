//! The service's own limits, on the real binary: a connection cap, header
//! and idle timeouts, and a shutdown that does not wait for open consoles.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::binary::Binary;
use crate::helpers::*;

/// Reads until the server closes the connection; returns what it sent and
/// how long that took (fails after `limit`).
async fn until_closed(stream: &mut TcpStream, limit: Duration) -> (String, Duration) {
    let started = Instant::now();
    let mut got = Vec::new();
    tokio::time::timeout(limit, stream.read_to_end(&mut got))
        .await
        .expect("the server closed the connection")
        .ok();
    (
        String::from_utf8_lossy(&got).into_owned(),
        started.elapsed(),
    )
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_disconnected() {
    let process = Binary::spawn(Binary::command(&["--header-timeout", "0.5"]));
    // Slowloris: half a request, then silence.
    let mut slow = TcpStream::connect(process.addr).await.unwrap();
    slow.write_all(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .await
        .unwrap();
    let (_, took) = until_closed(&mut slow, Duration::from_secs(10)).await;
    assert!(took >= Duration::from_millis(400), "{took:?}");
    // An idle keep-alive connection is closed after the same time.
    let mut idle = TcpStream::connect(process.addr).await.unwrap();
    idle.write_all(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    let (answer, _) = until_closed(&mut idle, Duration::from_secs(10)).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // And the service goes on.
    let r = wire(process.addr, "DescribeServers", "{}").await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn connections_beyond_the_cap_get_503_with_retry_after() {
    let process = Binary::spawn(Binary::command(&[
        "--max-connections",
        "2",
        "--header-timeout",
        "30",
    ]));
    let held = [
        TcpStream::connect(process.addr).await.unwrap(),
        TcpStream::connect(process.addr).await.unwrap(),
    ];
    // Both held connections are accepted before the third arrives.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut third = TcpStream::connect(process.addr).await.unwrap();
    let (answer, _) = until_closed(&mut third, Duration::from_secs(10)).await;
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("retry-after: 1"), "{answer}");
    assert!(answer.contains("ServiceUnavailable"), "{answer}");
    drop(held);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let mut fresh = TcpStream::connect(process.addr).await.unwrap();
        fresh
            .write_all(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let (answer, _) = until_closed(&mut fresh, Duration::from_secs(10)).await;
        if answer.starts_with("HTTP/1.1 200") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "slots were never freed: {answer}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn sigterm_ends_open_event_streams_and_the_process_promptly() {
    let mut process = Binary::spawn(Binary::command(&[]));
    let cookie = process.cookie().await;
    let mut streams = Vec::new();
    for _ in 0..3 {
        streams.push(
            SseClient::connect_with(process.addr, None, &[("Cookie", cookie.as_str())]).await,
        );
    }
    // An idle keep-alive connection too.
    let mut idle = TcpStream::connect(process.addr).await.unwrap();
    idle.write_all(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    let took = process.terminate();
    // Two seconds are promised; the rest is slack for a loaded machine.
    assert!(took < Duration::from_secs(5), "exit took {took:?}");
    for stream in &mut streams {
        assert!(stream.ends().await, "the event stream ended");
    }
}
