//! The request log (`/api/requests`): the calls the wire and console doors
//! answered, newest first. Its live stream is opened by the Requests page.

use gloo_net::http::Request;
pub use shared::requests::{Door, RequestEntry, RequestList, ResourceRef};

use super::ApiError;
use super::http::{fetch_text, undecodable};

/// The newest logged calls, newest first.
pub async fn list() -> Result<Vec<RequestEntry>, ApiError> {
    let text = fetch_text(Request::get(shared::requests::REQUESTS_PATH)).await?;
    let list: RequestList = serde_json::from_str(&text).map_err(undecodable)?;
    Ok(list.requests)
}
