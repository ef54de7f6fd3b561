//! Typed client for the console door (`/api/...`) of the cmconsole backend.
//!
//! Every operation is `POST /api/<service>/<Operation>` with the operation's
//! request shape as JSON (`opsworks-cm` here, `cloudhsmv2` in [`cloudhsm`],
//! which names its region in `X-Cmconsole-Region`); a non-2xx answer carries
//! the console error envelope `{code, message, requestId}`.

pub mod cloudhsm;
pub mod engine_attributes;
pub mod nodes;
pub mod session;
pub mod sim;

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use gloo_net::http::{Request, RequestBuilder};
use serde::{Serialize, de::DeserializeOwned};
pub use shared::console::ConsoleConfig;
use shared::console::REGION_HEADER;
pub use shared::error::ErrorEnvelope;
use shared::opsworkscm::{
    AccountAttribute, Backup, BackupId, CreateBackupRequest, CreateBackupResponse,
    CreateServerRequest, CreateServerResponse, DeleteBackupRequest, DeleteBackupResponse,
    DeleteServerRequest, DeleteServerResponse, DescribeAccountAttributesRequest,
    DescribeAccountAttributesResponse, DescribeBackupsRequest, DescribeBackupsResponse,
    DescribeEventsRequest, DescribeEventsResponse, DescribeServersRequest, DescribeServersResponse,
    KeyPair, ListTagsForResourceRequest, ListTagsForResourceResponse, MaxResults, NextToken,
    RestoreServerRequest, RestoreServerResponse, Server, ServerName, StartMaintenanceRequest,
    StartMaintenanceResponse, Tag, TagInput, TagResourceRequest, TagResourceResponse, Text,
    UntagResourceRequest, UntagResourceResponse, UpdateServerRequest, UpdateServerResponse,
};
use shared::validation::{OpsWorksCmArn, TagKey, TagValue};

/// Why a call to the backend failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The backend answered with an error envelope.
    Service(ErrorEnvelope),
    /// The backend answered non-2xx without an envelope (e.g. a proxy error page).
    Http {
        /// HTTP status code.
        status: u16,
        /// Start of the response body.
        body: String,
    },
    /// The request could not be sent or the connection failed.
    Network(String),
    /// A 2xx response whose body is not the expected shape.
    Decode(String),
    /// The input was refused before sending (a `shared` validator said no).
    Invalid(String),
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Service(env) => write!(f, "{}: {}", env.code, env.message),
            Self::Http { status, body } if body.is_empty() => write!(f, "HTTP {status}"),
            Self::Http { status, body } => write!(f, "HTTP {status}: {body}"),
            Self::Network(msg) => write!(f, "cannot reach the backend: {msg}"),
            Self::Decode(msg) => write!(f, "unexpected response: {msg}"),
            Self::Invalid(msg) => write!(f, "invalid input: {msg}"),
        }
    }
}

impl std::error::Error for ApiError {}

impl ApiError {
    /// The AWS error code (e.g. `InvalidStateException`), when the backend sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Service(env) => Some(&env.code),
            _ => None,
        }
    }

    /// The message without the code.
    pub fn message(&self) -> String {
        match self {
            Self::Service(env) => env.message.clone(),
            other => other.to_string(),
        }
    }

    /// The request id to quote in a bug report, when the backend gave one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Service(env) if !env.request_id.is_empty() => Some(&env.request_id),
            _ => None,
        }
    }
}

/// Calls `POST /api/opsworks-cm/<operation>` with `req` as JSON.
pub async fn post_json<Req, Resp>(operation: &str, req: &Req) -> Result<Resp, ApiError>
where
    Req: Serialize + ?Sized,
    Resp: DeserializeOwned,
{
    let body = serde_json::to_string(req).map_err(unserializable)?;
    let text = post_text(format!("/api/opsworks-cm/{operation}"), body, None).await?;
    serde_json::from_str(&text).map_err(undecodable)
}

/// The answer body of a request, or why there is none. Boxed (and built by
/// plain functions) so the HTTP exchange is compiled once rather than into
/// every typed call: a smaller WASM.
type BodyFuture = Pin<Box<dyn Future<Output = Result<String, ApiError>>>>;

/// `POST url` with a JSON `body` (and, for a CloudHSM call, the region it
/// addresses): the 2xx body, or the error the answer says.
fn post_text(url: String, body: String, region: Option<String>) -> BodyFuture {
    Box::pin(async move {
        let mut request = Request::post(&url).header("Content-Type", "application/json");
        if let Some(region) = &region {
            request = request.header(REGION_HEADER, region);
        }
        let response = request
            .body(body)
            .map_err(|e| ApiError::Network(e.to_string()))?
            .send()
            .await
            .map_err(|e| ApiError::Network(e.to_string()))?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| ApiError::Network(e.to_string()))?;
        if response.ok() {
            Ok(text)
        } else {
            session::notice(status, &url);
            Err(error_from_body(status, &text))
        }
    })
}

/// Sends a request without a body (`GET`, `DELETE`): the 2xx body (empty if
/// it cannot be read), or the error the answer says.
fn fetch_text(request: RequestBuilder) -> BodyFuture {
    Box::pin(async move {
        let response = request
            .send()
            .await
            .map_err(|e| ApiError::Network(e.to_string()))?;
        let status = response.status();
        let ok = response.ok();
        let url = response.url();
        let body = response.text().await.unwrap_or_default();
        if ok {
            Ok(body)
        } else {
            session::notice(status, &url);
            Err(error_from_body(status, &body))
        }
    })
}

/// A request body that does not serialize.
fn unserializable(error: serde_json::Error) -> ApiError {
    ApiError::Invalid(error.to_string())
}

/// A 2xx body that is not the expected shape.
fn undecodable(error: serde_json::Error) -> ApiError {
    ApiError::Decode(error.to_string())
}

/// Reads `GET /api/config`.
pub async fn get_config() -> Result<ConsoleConfig, ApiError> {
    let text = fetch_text(Request::get(shared::console::CONFIG_PATH)).await?;
    serde_json::from_str(&text).map_err(undecodable)
}

/// Lists the servers (the service returns them all in one page).
pub async fn describe_servers() -> Result<Vec<Server>, ApiError> {
    let page: DescribeServersResponse =
        post_json("DescribeServers", &DescribeServersRequest::default()).await?;
    Ok(page.servers)
}

/// The account's limits and their usage (ServerLimit, ManualBackupLimit).
pub async fn describe_account_attributes() -> Result<Vec<AccountAttribute>, ApiError> {
    let response: DescribeAccountAttributesResponse = post_json(
        "DescribeAccountAttributes",
        &DescribeAccountAttributesRequest::default(),
    )
    .await?;
    Ok(response.attributes)
}

/// Lists every backup of every server (newest first).
pub async fn describe_backups() -> Result<Vec<Backup>, ApiError> {
    let page: DescribeBackupsResponse =
        post_json("DescribeBackups", &DescribeBackupsRequest::default()).await?;
    Ok(page.backups)
}

/// One page of a server's events (newest first): at most `max_results`
/// events after `next_token` (the first page when `None`).
pub async fn describe_events_page(
    server_name: &str,
    next_token: Option<&str>,
    max_results: i64,
) -> Result<DescribeEventsResponse, ApiError> {
    let request = DescribeEventsRequest {
        server_name: server_name_of(server_name)?,
        next_token: next_token
            .map(NextToken::parse)
            .transpose()
            .map_err(invalid)?,
        max_results: Some(MaxResults::parse(max_results).map_err(invalid)?),
    };
    post_json("DescribeEvents", &request).await
}

/// Creates a server; the answer carries the one-time secrets in `EngineAttributes`.
pub async fn create_server(request: &CreateServerRequest) -> Result<Server, ApiError> {
    let response: CreateServerResponse = post_json("CreateServer", request).await?;
    response
        .server
        .ok_or_else(|| ApiError::Decode("CreateServer answered without a Server".to_owned()))
}

/// The CreateBackup request for `server_name`, with an optional description.
pub fn create_backup_request(
    server_name: &str,
    description: &str,
) -> Result<CreateBackupRequest, ApiError> {
    let description = description.trim();
    Ok(CreateBackupRequest {
        server_name: server_name_of(server_name)?,
        description: (!description.is_empty())
            .then(|| Text::parse(description))
            .transpose()
            .map_err(invalid)?,
        tags: None,
    })
}

/// Starts a manual backup of `server_name`, with an optional description.
pub async fn create_backup(server_name: &str, description: &str) -> Result<Backup, ApiError> {
    let request = create_backup_request(server_name, description)?;
    let response: CreateBackupResponse = post_json("CreateBackup", &request).await?;
    response
        .backup
        .ok_or_else(|| ApiError::Decode("CreateBackup answered without a Backup".to_owned()))
}

/// Deletes a backup.
pub async fn delete_backup(backup_id: &str) -> Result<(), ApiError> {
    let request = DeleteBackupRequest {
        backup_id: BackupId::parse(backup_id).map_err(invalid)?,
    };
    let _: DeleteBackupResponse = post_json("DeleteBackup", &request).await?;
    Ok(())
}

/// Deletes a server (it goes DELETING, then disappears).
pub async fn delete_server(server_name: &str) -> Result<(), ApiError> {
    let request = DeleteServerRequest {
        server_name: server_name_of(server_name)?,
    };
    let _: DeleteServerResponse = post_json("DeleteServer", &request).await?;
    Ok(())
}

/// Starts maintenance on a server now.
pub async fn start_maintenance(server_name: &str) -> Result<(), ApiError> {
    let request = StartMaintenanceRequest {
        server_name: server_name_of(server_name)?,
        engine_attributes: None,
    };
    let _: StartMaintenanceResponse = post_json("StartMaintenance", &request).await?;
    Ok(())
}

/// The RestoreServer request; empty instance type and key pair keep the server's own.
pub fn restore_server_request(
    server_name: &str,
    backup_id: &str,
    instance_type: &str,
    key_pair: &str,
) -> Result<RestoreServerRequest, ApiError> {
    let (instance_type, key_pair) = (instance_type.trim(), key_pair.trim());
    Ok(RestoreServerRequest {
        backup_id: BackupId::parse(backup_id).map_err(invalid)?,
        server_name: server_name_of(server_name)?,
        instance_type: (!instance_type.is_empty())
            .then(|| Text::parse(instance_type))
            .transpose()
            .map_err(invalid)?,
        key_pair: (!key_pair.is_empty())
            .then(|| KeyPair::parse(key_pair))
            .transpose()
            .map_err(invalid)?,
    })
}

/// Restores a server from one of its backups, optionally on a new instance type or key pair.
pub async fn restore_server(
    server_name: &str,
    backup_id: &str,
    instance_type: &str,
    key_pair: &str,
) -> Result<(), ApiError> {
    let request = restore_server_request(server_name, backup_id, instance_type, key_pair)?;
    let _: RestoreServerResponse = post_json("RestoreServer", &request).await?;
    Ok(())
}

/// Lists every tag of a server or backup (follows the pages).
pub async fn list_tags(resource_arn: &str) -> Result<Vec<Tag>, ApiError> {
    let arn = arn_of(resource_arn)?;
    let mut tags = Vec::new();
    let mut next_token = None;
    loop {
        let request = ListTagsForResourceRequest {
            resource_arn: arn.clone(),
            next_token: next_token.take(),
            max_results: None,
        };
        let page: ListTagsForResourceResponse = post_json("ListTagsForResource", &request).await?;
        tags.extend(page.tags);
        match page.next_token {
            Some(token) if !token.is_empty() => {
                next_token = Some(
                    shared::validation::NextToken::parse(token)
                        .map_err(|e| ApiError::Decode(e.to_string()))?,
                );
            }
            _ => return Ok(tags),
        }
    }
}

/// The TagResource request adding one tag (overwriting the value of an existing key).
pub fn tag_resource_request(
    resource_arn: &str,
    key: &str,
    value: &str,
) -> Result<TagResourceRequest, ApiError> {
    Ok(TagResourceRequest {
        resource_arn: arn_of(resource_arn)?,
        tags: vec![TagInput {
            key: TagKey::parse(key).map_err(invalid)?,
            value: TagValue::parse(value).map_err(invalid)?,
        }],
    })
}

/// Adds a tag, overwriting the value of an existing key.
pub async fn tag_resource(resource_arn: &str, key: &str, value: &str) -> Result<(), ApiError> {
    let request = tag_resource_request(resource_arn, key, value)?;
    let _: TagResourceResponse = post_json("TagResource", &request).await?;
    Ok(())
}

/// Removes a tag.
pub async fn untag_resource(resource_arn: &str, key: &str) -> Result<(), ApiError> {
    let request = UntagResourceRequest {
        resource_arn: arn_of(resource_arn)?,
        tag_keys: vec![TagKey::parse(key).map_err(invalid)?],
    };
    let _: UntagResourceResponse = post_json("UntagResource", &request).await?;
    Ok(())
}

/// Changes a server's windows and automated backup settings.
pub async fn update_server(request: &UpdateServerRequest) -> Result<(), ApiError> {
    let _: UpdateServerResponse = post_json("UpdateServer", request).await?;
    Ok(())
}

/// A `shared` validator's refusal as an [`ApiError::Invalid`].
pub(crate) fn invalid(error: shared::validation::ValidationError) -> ApiError {
    ApiError::Invalid(error.to_string())
}

fn arn_of(arn: &str) -> Result<OpsWorksCmArn, ApiError> {
    OpsWorksCmArn::parse(arn).map_err(invalid)
}

fn server_name_of(name: &str) -> Result<ServerName, ApiError> {
    ServerName::parse(name).map_err(invalid)
}

/// Maps a non-2xx body to an [`ApiError`]: the envelope when it parses, else the raw text.
fn error_from_body(status: u16, body: &str) -> ApiError {
    match serde_json::from_str::<ErrorEnvelope>(body) {
        Ok(envelope) => ApiError::Service(envelope),
        Err(_) => ApiError::Http {
            status,
            body: body.chars().take(200).collect(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_bodies_become_service_errors() {
        let err = error_from_body(
            400,
            r#"{"code":"ResourceNotFoundException","message":"no server web-1","requestId":"r-1"}"#,
        );
        assert_eq!(err.request_id(), Some("r-1"));
        assert_eq!(
            err.to_string(),
            "ResourceNotFoundException: no server web-1"
        );
    }

    #[test]
    fn other_bodies_keep_the_status() {
        let err = error_from_body(502, "Bad Gateway");
        assert_eq!(err.to_string(), "HTTP 502: Bad Gateway");
    }

    #[test]
    fn servers_parse_with_missing_optional_fields() {
        let page: DescribeServersResponse = serde_json::from_str(
            r#"{"Servers":[{"ServerName":"web-1","Engine":"ChefAutomate","Status":"CREATING"}]}"#,
        )
        .unwrap();
        assert_eq!(page.servers[0].server_name.as_deref(), Some("web-1"));
        assert_eq!(page.servers[0].endpoint, None);
    }
}
