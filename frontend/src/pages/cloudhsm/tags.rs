//! The Tags panel of a CloudHSM cluster or backup: ListTags, TagResource
//! and UntagResource in the page's region.

use leptos::prelude::*;
use shared::cloudhsmv2::Operation;

use crate::api::{ApiError, cloudhsm};
use crate::components::cli::cli_command_in;
use crate::components::tags_panel::{ResourceTags, Tagged, TagsResult};

/// A cluster or backup (by id) in a region.
#[derive(Debug, Clone, PartialEq, Eq)]
struct HsmResource {
    region: String,
    id: String,
}

impl Tagged for HsmResource {
    async fn list(&self) -> TagsResult {
        let tags = cloudhsm::list_tags(&self.region, &self.id).await?;
        Ok(tags.into_iter().map(|t| (t.key, t.value)).collect())
    }

    async fn tag(&self, key: &str, value: &str) -> Result<(), ApiError> {
        cloudhsm::tag_resource(&self.region, &self.id, key, value).await
    }

    async fn untag(&self, key: &str) -> Result<(), ApiError> {
        cloudhsm::untag_resource(&self.region, &self.id, key).await
    }

    fn tag_cli(&self, key: &str, value: &str) -> Option<String> {
        let request = cloudhsm::tag_resource_request(&self.id, key, value).ok()?;
        Some(cli_command_in(
            Operation::TagResource,
            &self.region,
            &request,
        ))
    }

    fn untag_cli(&self, key: &str) -> Option<String> {
        let request = cloudhsm::untag_resource_request(&self.id, key).ok()?;
        Some(cli_command_in(
            Operation::UntagResource,
            &self.region,
            &request,
        ))
    }

    fn list_cli(&self) -> Option<String> {
        let request = cloudhsm::list_tags_request(&self.id).ok()?;
        Some(cli_command_in(Operation::ListTags, &self.region, &request))
    }
}

/// The tags of `resource_id` (a cluster or backup id) in `region`.
#[component]
pub fn HsmTags(
    /// The resource's region.
    region: Memo<String>,
    /// A cluster id or backup id.
    resource_id: Memo<String>,
) -> impl IntoView {
    let resource = Signal::derive(move || HsmResource {
        region: region.get(),
        id: resource_id.get(),
    });
    view! { <ResourceTags resource=resource /> }
}
