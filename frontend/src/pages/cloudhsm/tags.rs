//! The Tags panel of a CloudHSM cluster or backup: ListTags, TagResource
//! and UntagResource in the page's region.

use leptos::prelude::*;
use shared::cloudhsmv2::Operation;

use crate::api::cloudhsm;
use crate::components::cli::cli_command_in;
use crate::components::tags_panel::{TagsPanel, tag_changes};

/// The tags of `resource_id` (a cluster or backup id) in `region`.
#[component]
pub fn HsmTags(
    /// The resource's region.
    region: Memo<String>,
    /// A cluster id or backup id.
    resource_id: Memo<String>,
) -> impl IntoView {
    let refresh = RwSignal::new(0_u64);
    let tags = LocalResource::new(move || {
        let (region, id) = (region.get(), resource_id.get());
        let _ = refresh.get();
        async move {
            let tags = cloudhsm::list_tags(&region, &id).await?;
            Ok(tags.into_iter().map(|t| (t.key, t.value)).collect())
        }
    });
    let (save, remove) = tag_changes(
        refresh,
        move |k, v| {
            let (region, id) = (region.get_untracked(), resource_id.get_untracked());
            move || {
                let (region, id, k, v) = (region.clone(), id.clone(), k.clone(), v.clone());
                async move { cloudhsm::tag_resource(&region, &id, &k, &v).await }
            }
        },
        move |k| {
            let (region, id) = (region.get_untracked(), resource_id.get_untracked());
            move || {
                let (region, id, k) = (region.clone(), id.clone(), k.clone());
                async move { cloudhsm::untag_resource(&region, &id, &k).await }
            }
        },
    );
    let cli = Callback::new(move |(k, v): (String, String)| {
        cloudhsm::tag_resource_request(&resource_id.get(), &k, &v)
            .ok()
            .map(|request| cli_command_in(Operation::TagResource, &region.get(), &request))
    });
    let remove_cli = Callback::new(move |k: String| {
        cloudhsm::untag_resource_request(&resource_id.get(), &k)
            .ok()
            .map(|request| cli_command_in(Operation::UntagResource, &region.get(), &request))
    });
    let list_cli = Signal::derive(move || {
        cloudhsm::list_tags_request(&resource_id.get())
            .ok()
            .map(|request| cli_command_in(Operation::ListTags, &region.get(), &request))
    });
    view! {
        <TagsPanel
            tags=tags
            on_save=save
            on_remove=remove
            cli=cli
            remove_cli=remove_cli
            list_cli=list_cli
        />
    }
}
