//! Tags on clusters and backups: TagResource, UntagResource, ListTags.
//! Unlike OpsWorks CM, CloudHSM also returns tags in DescribeClusters and
//! DescribeBackups (`TagList`).

use shared::cloudhsmv2::{
    ListTagsRequest, ListTagsResponse, Tag, TagInput, TagResourceRequest, TagResourceResponse,
    UntagResourceRequest, UntagResourceResponse,
};

use shared::validation::TagKey;

use super::records::RecordChanges as _;
use super::{limit_exceeded, tag_error};
use crate::error::ServiceError;
use crate::sim::CloudHsm;
use crate::sim::State;
use crate::sim::changes::Changes;
use crate::sim::pagination::{PageRequest, page};
use shared::cloudhsmv2::{Operation, ops};
use shared::operation::Handles;

/// Most tags a cluster or backup may have.
pub(crate) const TAG_LIMIT: usize = 50;

/// Checks the tags of a request: no reserved `aws:` keys, no key twice (the
/// shared rules, answered with CloudHsmTagException; the limit of 50 is
/// counted with the resource's existing tags by TagResource).
pub(super) fn check_new_tags(tags: Option<&[TagInput]>) -> Result<Vec<Tag>, ServiceError> {
    let tags = tags.unwrap_or_default();
    shared::validation::check_tag_set(tags.iter().map(|t| t.key.as_str()), None)
        .map_err(|violation| tag_error(violation.to_string()))?;
    Ok(tags.iter().cloned().map(Into::into).collect())
}

/// The tags of resource `id` (a cluster or a backup) in `region`.
fn tags_mut<'a>(
    state: &'a mut State,
    region: &str,
    id: &str,
) -> Result<&'a mut Vec<Tag>, ServiceError> {
    if id.starts_with("cluster-") {
        Ok(&mut state.cloudhsm.cluster_mut(region, id)?.cluster.tag_list)
    } else {
        Ok(&mut state.cloudhsm.backup_mut(region, id)?.backup.tag_list)
    }
}

fn persist(state: &mut State, changes: &mut Changes, id: &str) {
    if id.starts_with("cluster-") {
        changes.cluster_changed(state, id);
    } else {
        changes.backup_changed(state, id);
    }
}

impl Handles<ops::TagResource> for CloudHsm<'_> {
    /// TagResource: adds or overwrites tags, at most 50 per resource.
    async fn handle(
        &self,
        region: &str,
        req: TagResourceRequest,
    ) -> Result<TagResourceResponse, ServiceError> {
        let new_tags = check_new_tags(Some(&req.tag_list))?;
        let id = req.resource_id.as_str();
        self.mutate(|state, changes| {
            let tags = tags_mut(state, region, id)?;
            let mut merged = tags.clone();
            for tag in new_tags {
                match merged.iter_mut().find(|t| t.key == tag.key) {
                    Some(existing) => existing.value = tag.value,
                    None => merged.push(tag),
                }
            }
            if merged.len() > TAG_LIMIT {
                return Err(limit_exceeded(format!(
                    "Resource {id} can have at most {TAG_LIMIT} tags; this request would give it {}.",
                    merged.len()
                )));
            }
            if *tags != merged {
                *tags = merged;
                persist(state, changes, id);
            }
            Ok(TagResourceResponse {})
        })
        .await
    }
}

impl Handles<ops::UntagResource> for CloudHsm<'_> {
    /// UntagResource: removes tags by key; unknown keys are ignored, and
    /// `aws:` keys belong to AWS (CloudHsmTagException).
    async fn handle(
        &self,
        region: &str,
        req: UntagResourceRequest,
    ) -> Result<UntagResourceResponse, ServiceError> {
        let id = req.resource_id.as_str();
        let keys: Vec<&str> = req.tag_key_list.iter().map(TagKey::as_str).collect();
        if let Some(reserved) = keys.iter().find(|k| TagKey::is_reserved(k)) {
            return Err(tag_error(format!(
                "Tag key {reserved} is reserved for AWS: tags whose keys start with aws: cannot be removed."
            )));
        }
        self.mutate(|state, changes| {
            let tags = tags_mut(state, region, id)?;
            let before = tags.len();
            tags.retain(|t| !keys.contains(&t.key.as_str()));
            if tags.len() != before {
                persist(state, changes, id);
            }
            Ok(UntagResourceResponse {})
        })
        .await
    }
}

impl Handles<ops::ListTags> for CloudHsm<'_> {
    /// ListTags, paginated in key order.
    async fn handle(
        &self,
        region: &str,
        req: ListTagsRequest,
    ) -> Result<ListTagsResponse, ServiceError> {
        let id = req.resource_id.as_str();
        let now = self.now();
        self.read(|state| {
            let tags = if req.resource_id.is_cluster() {
                &state.cloudhsm.cluster(region, id)?.cluster.tag_list
            } else {
                &state.cloudhsm.backup(region, id)?.backup.tag_list
            };
            let mut items: Vec<(String, Tag)> =
                tags.iter().map(|t| (t.key.clone(), t.clone())).collect();
            items.sort_by(|a, b| a.0.cmp(&b.0));
            let (tag_list, next_token) = page(
                &PageRequest {
                    key: &state.token_key,
                    scope: format!("{}|{region}|{id}", Operation::ListTags),
                    max_results: req.max_results.map(|m| m.get()),
                    next_token: req.next_token.as_ref().map(|t| t.as_str()),
                    now,
                },
                items,
            )?;
            Ok(ListTagsResponse {
                tag_list,
                next_token,
            })
        })
    }
}
