//! Typed clients for the console door of the cmconsole backend, one module
//! per service ([`opsworkscm`], [`cloudhsm`]) over one transport ([`http`]),
//! plus the simulator's control door ([`sim`]) and the console session
//! ([`session`]).

pub mod cloudhsm;
pub mod http;
pub mod opsworkscm;
pub mod requests;
mod restart;
pub mod session;
pub mod sim;

use gloo_net::http::Request;
pub use http::{ApiError, invalid};
pub use shared::console::ConsoleConfig;
pub use shared::error::ErrorEnvelope;

use http::{fetch_text, undecodable};

/// Reads `GET /api/config`.
pub async fn get_config() -> Result<ConsoleConfig, ApiError> {
    let text = fetch_text(Request::get(shared::console::CONFIG_PATH)).await?;
    serde_json::from_str(&text).map_err(undecodable)
}
