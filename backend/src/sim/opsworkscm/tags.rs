//! Tags on servers and backups: TagResource, UntagResource,
//! ListTagsForResource. Tags are not part of Describe results, as in AWS.

use shared::opsworkscm::{
    BackupStatus, ListTagsForResourceRequest, ListTagsForResourceResponse, ServerStatus, Tag,
    TagInput, TagResourceRequest, TagResourceResponse, UntagResourceRequest, UntagResourceResponse,
};

use super::records::RecordChanges as _;
use crate::error::ServiceError;
use crate::sim::OpsWorksCm;
use crate::sim::State;
use crate::sim::changes::Changes;
use crate::sim::pagination::{PageRequest, page};
use crate::target::RequestContext;
use shared::operation::Handles;
use shared::opsworkscm::{Operation, ops};

/// The resource an ARN names.
enum Resource {
    Server(String),
    Backup(String),
}

fn resolve(state: &State, arn: &str) -> Result<Resource, ServiceError> {
    if let Some((name, _)) = state
        .opsworkscm
        .servers
        .iter()
        .find(|(_, s)| s.server.server_arn.as_deref() == Some(arn))
    {
        return Ok(Resource::Server(name.clone()));
    }
    if let Some((id, _)) = state
        .opsworkscm
        .backups
        .iter()
        .find(|(_, b)| b.backup.backup_arn.as_deref() == Some(arn))
    {
        return Ok(Resource::Backup(id.clone()));
    }
    Err(ServiceError::not_found(format!(
        "Resource {arn} does not exist."
    )))
}

fn tags_mut<'a>(state: &'a mut State, resource: &Resource) -> &'a mut Vec<Tag> {
    match resource {
        Resource::Server(name) => {
            &mut state
                .opsworkscm
                .servers
                .get_mut(name)
                .expect("resolved")
                .tags
        }
        Resource::Backup(id) => &mut state.opsworkscm.backups.get_mut(id).expect("resolved").tags,
    }
}

fn persist(state: &mut State, changes: &mut Changes, resource: &Resource) {
    match resource {
        Resource::Server(name) => changes.server_changed(state, name),
        Resource::Backup(id) => changes.backup_changed(state, id),
    }
}

fn check_deletable(state: &State, resource: &Resource) -> Result<(), ServiceError> {
    let deleting = match resource {
        Resource::Server(name) => {
            state.opsworkscm.servers[name].server.status == Some(ServerStatus::Deleting)
        }
        Resource::Backup(id) => {
            state.opsworkscm.backups[id].backup.status == Some(BackupStatus::Deleting)
        }
    };
    if deleting {
        return Err(ServiceError::invalid_state(
            "The resource is being deleted; its tags cannot be changed.",
        ));
    }
    Ok(())
}

/// Checks the tags of a request as the reference describes them: leading
/// and trailing white space is trimmed from keys and values; then a key is
/// 1-127 characters and a value at most 255; no reserved `aws:` keys, no
/// duplicate keys (after trimming), at most `limit` (all answered with
/// ValidationException).
pub(crate) fn check_new_tags(
    tags: Option<&[TagInput]>,
    limit: usize,
) -> Result<Vec<Tag>, ServiceError> {
    let tags: Vec<Tag> = tags
        .unwrap_or_default()
        .iter()
        .map(|tag| Tag {
            key: tag.key.as_str().trim().to_owned(),
            value: tag.value.as_str().trim().to_owned(),
        })
        .collect();
    for tag in &tags {
        if let Some(problem) = shared::opsworkscm::check_tag(&tag.key, &tag.value) {
            return Err(ServiceError::validation(problem));
        }
    }
    shared::validation::check_tag_set(tags.iter().map(|t| t.key.as_str()), Some(limit))
        .map_err(|violation| ServiceError::validation(violation.to_string()))?;
    Ok(tags)
}

impl Handles<ops::TagResource> for OpsWorksCm<'_> {
    /// TagResource: adds or overwrites tags.
    async fn handle(
        &self,
        _ctx: &RequestContext,
        req: TagResourceRequest,
    ) -> Result<TagResourceResponse, ServiceError> {
        let new_tags = check_new_tags(Some(&req.tags), self.config.opsworkscm.tag_limit)?;
        let arn = req.resource_arn.as_str();
        self.mutate(|state, changes| {
            let resource = resolve(state, arn)?;
            check_deletable(state, &resource)?;
            let tags = tags_mut(state, &resource);
            let mut merged = tags.clone();
            for tag in new_tags {
                match merged.iter_mut().find(|t| t.key == tag.key) {
                    Some(existing) => existing.value = tag.value,
                    None => merged.push(tag),
                }
            }
            if merged.len() > self.config.opsworkscm.tag_limit {
                return Err(ServiceError::validation(format!(
                    "A resource can have at most {} tags; this request would make {}.",
                    self.config.opsworkscm.tag_limit,
                    merged.len()
                )));
            }
            if *tags != merged {
                *tags = merged;
                persist(state, changes, &resource);
            }
            Ok(TagResourceResponse {})
        })
        .await
    }
}

impl Handles<ops::UntagResource> for OpsWorksCm<'_> {
    /// UntagResource: removes tags by key; unknown keys are ignored.
    async fn handle(
        &self,
        _ctx: &RequestContext,
        req: UntagResourceRequest,
    ) -> Result<UntagResourceResponse, ServiceError> {
        let arn = req.resource_arn.as_str();
        // Keys are stored trimmed, so a key sent with white space around it
        // names the same tag.
        let keys: Vec<&str> = req.tag_keys.iter().map(|k| k.as_str().trim()).collect();
        self.mutate(|state, changes| {
            let resource = resolve(state, arn)?;
            check_deletable(state, &resource)?;
            let tags = tags_mut(state, &resource);
            let before = tags.len();
            tags.retain(|t| !keys.contains(&t.key.as_str()));
            if tags.len() != before {
                persist(state, changes, &resource);
            }
            Ok(UntagResourceResponse {})
        })
        .await
    }
}

impl Handles<ops::ListTagsForResource> for OpsWorksCm<'_> {
    /// ListTagsForResource, paginated in key order.
    async fn handle(
        &self,
        _ctx: &RequestContext,
        req: ListTagsForResourceRequest,
    ) -> Result<ListTagsForResourceResponse, ServiceError> {
        let now = self.now();
        let arn = req.resource_arn.as_str();
        self.read(|state| {
            let resource = resolve(state, arn)?;
            let tags = match &resource {
                Resource::Server(name) => &state.opsworkscm.servers[name].tags,
                Resource::Backup(id) => &state.opsworkscm.backups[id].tags,
            };
            let mut items: Vec<(String, Tag)> =
                tags.iter().map(|t| (t.key.clone(), t.clone())).collect();
            items.sort_by(|a, b| a.0.cmp(&b.0));
            let (tags, next_token) = page(
                &PageRequest::new(
                    &state.token_key,
                    format!("{}|{arn}", Operation::ListTagsForResource),
                    req.max_results,
                    req.next_token.as_ref(),
                    now,
                ),
                items,
            )?;
            Ok(ListTagsForResourceResponse { tags, next_token })
        })
    }
}
