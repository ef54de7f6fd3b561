//! Typed client for AWS OpsWorks CM on the console door
//! (`POST /api/opsworks-cm/<Operation>`).
//!
//! The `*_request` functions build a request from what a form holds, checked
//! by the `shared` validators; the pages also render them as "Copy as CLI".

pub mod engine_attributes;
pub mod nodes;

use shared::opsworkscm::OpsWorksCmArn;
use shared::opsworkscm::{
    AccountAttribute, Backup, BackupId, CreateBackupRequest, CreateServerRequest,
    DeleteBackupRequest, DeleteServerRequest, DescribeAccountAttributesRequest,
    DescribeBackupsRequest, DescribeEventsRequest, DescribeEventsResponse, DescribeServersRequest,
    EngineAttributeInput, EngineAttributeName, EngineAttributeValue, KeyPair,
    ListTagsForResourceRequest, MaxResults, NextToken, RestoreServerRequest, Server, ServerName,
    StartMaintenanceRequest, Tag, TagInput, TagResourceRequest, Text, UntagResourceRequest,
    UpdateServerRequest, ops,
};
use shared::validation::{TagKey, TagValue};

use super::ApiError;
use super::http::invalid;

/// Calls OpsWorks CM operation `O` with `input`.
pub async fn call<O>(input: &O::Input) -> Result<O::Output, ApiError>
where
    O: shared::operation::ApiOperation<Name = shared::opsworkscm::Operation>,
{
    super::http::call::<O>(None, input).await
}

/// Lists the servers (the service returns them all in one page).
pub async fn describe_servers() -> Result<Vec<Server>, ApiError> {
    let page = call::<ops::DescribeServers>(&DescribeServersRequest::default()).await?;
    Ok(page.servers)
}

/// The account's limits and their usage (ServerLimit, ManualBackupLimit).
pub async fn describe_account_attributes() -> Result<Vec<AccountAttribute>, ApiError> {
    let response =
        call::<ops::DescribeAccountAttributes>(&DescribeAccountAttributesRequest::default())
            .await?;
    Ok(response.attributes)
}

/// Lists every backup of every server (newest first).
pub async fn describe_backups() -> Result<Vec<Backup>, ApiError> {
    let page = call::<ops::DescribeBackups>(&DescribeBackupsRequest::default()).await?;
    Ok(page.backups)
}

/// One page of a server's events (newest first): at most `max_results`
/// events after `next_token` (the first page when `None`).
pub async fn describe_events_page(
    server_name: &str,
    next_token: Option<&str>,
    max_results: i64,
) -> Result<DescribeEventsResponse, ApiError> {
    let request = describe_events_request(server_name, next_token, max_results)?;
    call::<ops::DescribeEvents>(&request).await
}

/// The DescribeEvents request for one page of a server's events.
pub fn describe_events_request(
    server_name: &str,
    next_token: Option<&str>,
    max_results: i64,
) -> Result<DescribeEventsRequest, ApiError> {
    Ok(DescribeEventsRequest {
        server_name: server_name_of(server_name)?,
        next_token: next_token
            .map(NextToken::parse)
            .transpose()
            .map_err(invalid)?,
        max_results: Some(MaxResults::parse(max_results).map_err(invalid)?),
    })
}

/// The DescribeBackups request listing the backups of `server_name` (of
/// every server when it is empty), or the one backup `backup_id`.
pub fn describe_backups_request(
    server_name: &str,
    backup_id: Option<&str>,
) -> Result<DescribeBackupsRequest, ApiError> {
    Ok(DescribeBackupsRequest {
        server_name: (!server_name.is_empty())
            .then(|| server_name_of(server_name))
            .transpose()?,
        backup_id: backup_id
            .map(BackupId::parse)
            .transpose()
            .map_err(invalid)?,
        ..DescribeBackupsRequest::default()
    })
}

/// The DescribeServers request reading the one server `server_name`.
pub fn describe_server_request(server_name: &str) -> Result<DescribeServersRequest, ApiError> {
    Ok(DescribeServersRequest {
        server_name: Some(server_name_of(server_name)?),
        ..DescribeServersRequest::default()
    })
}

/// Creates a server; the answer carries the one-time secrets in `EngineAttributes`.
pub async fn create_server(request: &CreateServerRequest) -> Result<Server, ApiError> {
    let response = call::<ops::CreateServer>(request).await?;
    response
        .server
        .ok_or_else(|| ApiError::Decode("CreateServer answered without a Server".to_owned()))
}

/// The CreateBackup request for `server_name`, with an optional description
/// and the tags the backup starts with.
pub fn create_backup_request(
    server_name: &str,
    description: &str,
    tags: &[(TagKey, TagValue)],
) -> Result<CreateBackupRequest, ApiError> {
    let description = description.trim();
    Ok(CreateBackupRequest {
        server_name: server_name_of(server_name)?,
        description: (!description.is_empty())
            .then(|| Text::parse(description))
            .transpose()
            .map_err(invalid)?,
        tags: (!tags.is_empty()).then(|| {
            tags.iter()
                .map(|(key, value)| TagInput {
                    key: key.clone(),
                    value: value.clone(),
                })
                .collect()
        }),
    })
}

/// Starts a manual backup of `server_name`, with an optional description
/// and tags.
pub async fn create_backup(
    server_name: &str,
    description: &str,
    tags: &[(TagKey, TagValue)],
) -> Result<Backup, ApiError> {
    let request = create_backup_request(server_name, description, tags)?;
    let response = call::<ops::CreateBackup>(&request).await?;
    response
        .backup
        .ok_or_else(|| ApiError::Decode("CreateBackup answered without a Backup".to_owned()))
}

/// The DeleteBackup request for `backup_id`.
pub fn delete_backup_request(backup_id: &str) -> Result<DeleteBackupRequest, ApiError> {
    Ok(DeleteBackupRequest {
        backup_id: BackupId::parse(backup_id).map_err(invalid)?,
    })
}

/// Deletes a backup.
pub async fn delete_backup(backup_id: &str) -> Result<(), ApiError> {
    call::<ops::DeleteBackup>(&delete_backup_request(backup_id)?).await?;
    Ok(())
}

/// The DeleteServer request for `server_name`.
pub fn delete_server_request(server_name: &str) -> Result<DeleteServerRequest, ApiError> {
    Ok(DeleteServerRequest {
        server_name: server_name_of(server_name)?,
    })
}

/// Deletes a server (it goes DELETING, then disappears).
pub async fn delete_server(server_name: &str) -> Result<(), ApiError> {
    call::<ops::DeleteServer>(&delete_server_request(server_name)?).await?;
    Ok(())
}

/// The StartMaintenance request; `major_upgrade` adds Chef's
/// `CHEF_MAJOR_UPGRADE=true` (Chef Automate 12 to 2).
pub fn start_maintenance_request(
    server_name: &str,
    major_upgrade: bool,
) -> Result<StartMaintenanceRequest, ApiError> {
    let engine_attributes = if major_upgrade {
        Some(vec![EngineAttributeInput {
            name: Some(
                EngineAttributeName::parse(shared::opsworkscm::attributes::CHEF_MAJOR_UPGRADE)
                    .map_err(invalid)?,
            ),
            value: Some(EngineAttributeValue::parse("true").map_err(invalid)?),
        }])
    } else {
        None
    };
    Ok(StartMaintenanceRequest {
        server_name: server_name_of(server_name)?,
        engine_attributes,
    })
}

/// Starts maintenance on a server now (with a Chef major upgrade when asked).
pub async fn start_maintenance(server_name: &str, major_upgrade: bool) -> Result<(), ApiError> {
    let request = start_maintenance_request(server_name, major_upgrade)?;
    call::<ops::StartMaintenance>(&request).await?;
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
    call::<ops::RestoreServer>(&request).await?;
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
        let page = call::<ops::ListTagsForResource>(&request).await?;
        tags.extend(page.tags);
        match page.next_token {
            Some(token) if !token.is_empty() => {
                next_token = Some(
                    shared::opsworkscm::NextToken::parse(token)
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
    call::<ops::TagResource>(&request).await?;
    Ok(())
}

/// The ListTagsForResource request for the first page of a resource's tags.
pub fn list_tags_request(resource_arn: &str) -> Result<ListTagsForResourceRequest, ApiError> {
    Ok(ListTagsForResourceRequest {
        resource_arn: arn_of(resource_arn)?,
        next_token: None,
        max_results: None,
    })
}

/// The UntagResource request removing the tag of `key`.
pub fn untag_resource_request(
    resource_arn: &str,
    key: &str,
) -> Result<UntagResourceRequest, ApiError> {
    Ok(UntagResourceRequest {
        resource_arn: arn_of(resource_arn)?,
        tag_keys: vec![TagKey::parse(key).map_err(invalid)?],
    })
}

/// Removes a tag.
pub async fn untag_resource(resource_arn: &str, key: &str) -> Result<(), ApiError> {
    call::<ops::UntagResource>(&untag_resource_request(resource_arn, key)?).await?;
    Ok(())
}

/// Changes a server's windows and automated backup settings.
pub async fn update_server(request: &UpdateServerRequest) -> Result<(), ApiError> {
    call::<ops::UpdateServer>(request).await?;
    Ok(())
}

fn arn_of(arn: &str) -> Result<OpsWorksCmArn, ApiError> {
    OpsWorksCmArn::parse(arn).map_err(invalid)
}

pub(crate) fn server_name_of(name: &str) -> Result<ServerName, ApiError> {
    ServerName::parse(name).map_err(invalid)
}

#[cfg(test)]
mod tests {
    use shared::opsworkscm::DescribeServersResponse;

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
