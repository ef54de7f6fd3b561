//! The ceiling the bench compares the wire door with: a bare axum handler
//! answering every `POST /` with the same bytes, on the same runtime and
//! HTTP stack as `cmconsole serve`.
//!
//! `bare-handler BODY_FILE LISTEN_ADDR [--read-body]`: prints `listening
//! on http://ADDR` once ready. With `--read-body` it reads each request's
//! body before answering, as any handler that decodes its request must:
//! the part of the ceiling no such handler can have.

use std::net::SocketAddr;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(file), Some(addr)) = (args.next(), args.next()) else {
        return Err("usage: bare-handler BODY_FILE LISTEN_ADDR [--read-body]".into());
    };
    let read_body = match args.next().as_deref() {
        None => false,
        Some("--read-body") => true,
        Some(other) => return Err(format!("unknown argument {other}").into()),
    };
    let body = Bytes::from(std::fs::read(file)?);
    let addr: SocketAddr = addr.parse()?;
    let app = if read_body {
        Router::new().route(
            "/",
            post(move |request: Bytes| {
                let body = body.clone();
                async move {
                    std::hint::black_box(request);
                    answer(body)
                }
            }),
        )
    } else {
        Router::new().route(
            "/",
            post(move || {
                let body = body.clone();
                async move { answer(body) }
            }),
        )
    };
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}

/// The fixed answer: `body` with the headers cmconsole's answer carries.
fn answer(body: Bytes) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/x-amz-json-1.1"),
            ),
            (
                header::HeaderName::from_static("x-amzn-requestid"),
                HeaderValue::from_static("00000000-0000-4000-8000-000000000000"),
            ),
        ],
        body,
    )
        .into_response()
}
