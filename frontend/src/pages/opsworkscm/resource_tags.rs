//! The tags of an OpsWorks CM server or backup by its ARN
//! (ListTagsForResource, TagResource, UntagResource), as the server's Tags
//! tab and a backup's Tags dialog show them.

use leptos::prelude::*;
use shared::opsworkscm::Operation;

use crate::api;
use crate::components::cli::cli_command;
use crate::components::tags_panel::{TagsPanel, tag_changes};

/// A Tags panel for the resource `arn` names, checked by OpsWorks CM's
/// own tag rule (trimmed, 127/255 characters).
#[component]
pub fn OpsWorksTags(
    /// The server's or backup's ARN.
    #[prop(into)]
    arn: Signal<String>,
) -> impl IntoView {
    let refresh = RwSignal::new(0_u64);
    let tags = LocalResource::new(move || {
        let arn = arn.get();
        let _ = refresh.get();
        async move {
            let tags = api::opsworkscm::list_tags(&arn).await?;
            Ok(tags.into_iter().map(|t| (t.key, t.value)).collect())
        }
    });
    let (save, remove) = tag_changes(
        refresh,
        move |k, v| {
            let target = arn.get_untracked();
            move || {
                let (target, k, v) = (target.clone(), k.clone(), v.clone());
                async move { api::opsworkscm::tag_resource(&target, &k, &v).await }
            }
        },
        move |k| {
            let target = arn.get_untracked();
            move || {
                let (target, k) = (target.clone(), k.clone());
                async move { api::opsworkscm::untag_resource(&target, &k).await }
            }
        },
    );
    let cli = Callback::new(move |(k, v): (String, String)| {
        api::opsworkscm::tag_resource_request(&arn.get(), &k, &v)
            .ok()
            .map(|request| cli_command(Operation::TagResource, &request))
    });
    let remove_cli = Callback::new(move |k: String| {
        api::opsworkscm::untag_resource_request(&arn.get(), &k)
            .ok()
            .map(|request| cli_command(Operation::UntagResource, &request))
    });
    let list_cli = Signal::derive(move || {
        api::opsworkscm::list_tags_request(&arn.get())
            .ok()
            .map(|request| cli_command(Operation::ListTagsForResource, &request))
    });
    view! {
        <TagsPanel
            tags=tags
            on_save=save
            on_remove=remove
            cli=cli
            remove_cli=remove_cli
            list_cli=list_cli
            rule=shared::opsworkscm::check_tag
        />
    }
}
