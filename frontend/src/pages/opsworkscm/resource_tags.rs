//! The tags of an OpsWorks CM server or backup by its ARN
//! (ListTagsForResource, TagResource, UntagResource), as the server's Tags
//! tab and a backup's Tags dialog show them.

use leptos::prelude::*;
use shared::opsworkscm::Operation;

use crate::api::{ApiError, opsworkscm};
use crate::components::cli::cli_command;
use crate::components::tags_panel::{ResourceTags, TagRule, Tagged, TagsResult};

/// A server or backup, by its ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
struct OpsWorksResource(String);

impl Tagged for OpsWorksResource {
    /// OpsWorks CM's own tag rule (trimmed, 127/255 characters).
    const RULE: Option<TagRule> = Some(shared::opsworkscm::check_tag);

    async fn list(&self) -> TagsResult {
        let tags = opsworkscm::list_tags(&self.0).await?;
        Ok(tags.into_iter().map(|t| (t.key, t.value)).collect())
    }

    async fn tag(&self, key: &str, value: &str) -> Result<(), ApiError> {
        opsworkscm::tag_resource(&self.0, key, value).await
    }

    async fn untag(&self, key: &str) -> Result<(), ApiError> {
        opsworkscm::untag_resource(&self.0, key).await
    }

    fn tag_cli(&self, key: &str, value: &str) -> Option<String> {
        let request = opsworkscm::tag_resource_request(&self.0, key, value).ok()?;
        Some(cli_command(Operation::TagResource, &request))
    }

    fn untag_cli(&self, key: &str) -> Option<String> {
        let request = opsworkscm::untag_resource_request(&self.0, key).ok()?;
        Some(cli_command(Operation::UntagResource, &request))
    }

    fn list_cli(&self) -> Option<String> {
        let request = opsworkscm::list_tags_request(&self.0).ok()?;
        Some(cli_command(Operation::ListTagsForResource, &request))
    }
}

/// A Tags panel for the resource `arn` names, checked by OpsWorks CM's
/// own tag rule.
#[component]
pub fn OpsWorksTags(
    /// The server's or backup's ARN.
    #[prop(into)]
    arn: Signal<String>,
) -> impl IntoView {
    let resource = Signal::derive(move || OpsWorksResource(arn.get()));
    view! { <ResourceTags resource=resource /> }
}
