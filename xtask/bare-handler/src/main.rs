//! The ceiling the bench compares the wire door with: a bare axum handler
//! answering every `POST /` with the same bytes, on the same runtime and
//! HTTP stack as `cmconsole serve`.
//!
//! `bare-handler BODY_FILE LISTEN_ADDR`: prints `listening on http://ADDR`
//! once ready.

use std::net::SocketAddr;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::post;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(file), Some(addr)) = (args.next(), args.next()) else {
        return Err("usage: bare-handler BODY_FILE LISTEN_ADDR".into());
    };
    let body = Bytes::from(std::fs::read(file)?);
    let addr: SocketAddr = addr.parse()?;
    let app = Router::new().route(
        "/",
        post(move || {
            let body = body.clone();
            async move {
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
        }),
    );
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
