//! `cmconsole state export|import FILE`: moves a state snapshot between a
//! file and a running cmconsole, through its `/api/sim/state` door (signing
//! in with the console token when the instance asks for a session).

use std::path::PathBuf;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Method, Request, StatusCode, header};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use crate::cli::{StateArgs, StateCommand};

/// Why a state command failed.
#[derive(Debug, thiserror::Error)]
pub enum StateFileError {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    File {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The instance could not be reached.
    #[error("cannot reach cmconsole at {endpoint}: {reason}")]
    Unreachable {
        /// Where it was looked for.
        endpoint: String,
        /// Why.
        reason: String,
    },
    /// The instance refused.
    #[error("cmconsole answered {status}: {message}")]
    Refused {
        /// The HTTP status.
        status: StatusCode,
        /// Its error message.
        message: String,
    },
}

/// Runs `cmconsole state ...`.
///
/// # Errors
/// A file that cannot be read or written, an instance that cannot be
/// reached or refuses (its message is passed on).
pub async fn run(args: StateArgs, token: Option<String>) -> Result<(), StateFileError> {
    let remote = Remote::new(args.endpoint.trim_end_matches('/').to_owned(), token);
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let Some(service) = &args.service {
        query.append_pair("service", service);
    }
    if let Some(region) = &args.region {
        query.append_pair("region", region);
    }
    match args.command {
        StateCommand::Export { file } => {
            let path = format!("/api/sim/state?{}", query.finish());
            let snapshot = remote.send(Method::GET, &path, Bytes::new()).await?;
            write(&file, &snapshot)?;
            eprintln!("cmconsole: exported the state to {}", file.display());
        }
        StateCommand::Import { file, merge } => {
            query.append_pair("mode", if merge { "merge" } else { "replace" });
            let body = read(&file)?;
            let path = format!("/api/sim/state?{}", query.finish());
            let answer = remote.send(Method::POST, &path, body.into()).await?;
            let records = serde_json::from_slice::<serde_json::Value>(&answer)
                .ok()
                .and_then(|v| v["records"].as_u64())
                .unwrap_or(0);
            eprintln!(
                "cmconsole: imported {records} records from {}",
                file.display()
            );
        }
    }
    Ok(())
}

/// Reads FILE, or standard input for `-`.
pub fn read(file: &PathBuf) -> Result<Vec<u8>, StateFileError> {
    let result = if file.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes).map(|_| bytes)
    } else {
        std::fs::read(file)
    };
    result.map_err(|source| StateFileError::File {
        path: file.clone(),
        source,
    })
}

/// Writes FILE, or standard output for `-`.
fn write(file: &PathBuf, bytes: &[u8]) -> Result<(), StateFileError> {
    let result = if file.as_os_str() == "-" {
        std::io::Write::write_all(&mut std::io::stdout(), bytes)
    } else {
        std::fs::write(file, bytes)
    };
    result.map_err(|source| StateFileError::File {
        path: file.clone(),
        source,
    })
}

/// A running cmconsole.
struct Remote {
    endpoint: String,
    token: Option<String>,
    client: Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>,
}

impl Remote {
    fn new(endpoint: String, token: Option<String>) -> Self {
        let client = Client::builder(TokioExecutor::new()).build_http();
        Self {
            endpoint,
            token,
            client,
        }
    }

    /// Sends one request; signs in first when the instance asks for a
    /// session and a token was given.
    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Bytes,
    ) -> Result<Vec<u8>, StateFileError> {
        let (status, answer) = self
            .request(method.clone(), path, body.clone(), None)
            .await?;
        if status != StatusCode::UNAUTHORIZED {
            return check(status, answer);
        }
        let Some(token) = &self.token else {
            return check(status, answer);
        };
        let sign_in = serde_json::json!({ "token": token }).to_string();
        let (signed, _, cookie) = self
            .exchange(Method::POST, "/api/session", sign_in.into(), None)
            .await?;
        let Some(cookie) = cookie.filter(|_| signed.is_success()) else {
            return Err(StateFileError::Refused {
                status: signed,
                message: "the console token was not accepted".to_owned(),
            });
        };
        let (status, answer) = self.request(method, path, body, Some(&cookie)).await?;
        check(status, answer)
    }

    async fn request(
        &self,
        method: Method,
        path: &str,
        body: Bytes,
        cookie: Option<&str>,
    ) -> Result<(StatusCode, Vec<u8>), StateFileError> {
        let (status, answer, _) = self.exchange(method, path, body, cookie).await?;
        Ok((status, answer))
    }

    /// One exchange: status, body and the session cookie, if one was set.
    async fn exchange(
        &self,
        method: Method,
        path: &str,
        body: Bytes,
        cookie: Option<&str>,
    ) -> Result<(StatusCode, Vec<u8>, Option<String>), StateFileError> {
        let unreachable = |reason: String| StateFileError::Unreachable {
            endpoint: self.endpoint.clone(),
            reason,
        };
        let mut request = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.endpoint))
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let request = request
            .body(Full::new(body))
            .map_err(|e| unreachable(e.to_string()))?;
        let response = self
            .client
            .request(request)
            .await
            .map_err(|e| unreachable(e.to_string()))?;
        let status = response.status();
        let cookie = response
            .headers()
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(str::to_owned);
        let bytes = response
            .into_body()
            .collect()
            .await
            .map_err(|e| unreachable(e.to_string()))?
            .to_bytes();
        Ok((status, bytes.to_vec(), cookie))
    }
}

/// The body of a success; the message of anything else.
fn check(status: StatusCode, answer: Vec<u8>) -> Result<Vec<u8>, StateFileError> {
    if status.is_success() {
        return Ok(answer);
    }
    let message = serde_json::from_slice::<serde_json::Value>(&answer)
        .ok()
        .and_then(|v| v["message"].as_str().map(str::to_owned))
        .unwrap_or_else(|| String::from_utf8_lossy(&answer).into_owned());
    Err(StateFileError::Refused { status, message })
}
