//! Pages loaded on their first visit, so the first load carries only the app
//! shell, the servers list and the server overview.
//!
//! With the `split` feature (release builds made by `cargo xtask`), each
//! page's view function is a wasm-split point: wasm-split moves it, with the
//! code only it uses, into the WASM chunk of its group, which the router
//! fetches when one of the group's routes is first matched. Pages are grouped
//! (the server tabs load together, as do the CloudHSM pages) so that a visit
//! fetches a few files, not dozens of tiny shared chunks. Without the feature
//! (`trunk serve`), the same routes render their pages directly, so
//! development needs no split step.
//!
//! A chunk that cannot be fetched (the backend went away, or was updated
//! since the page loaded and no longer has this build's files) shows
//! [`LoadFailed`] with a Reload button instead of aborting the whole app.

use leptos::prelude::*;
use leptos_router::LazyRoute;

use crate::components::list::EmptyState;
use crate::pages::cloudhsm::{
    HsmBackupPage, HsmBackupsPage, HsmClusterPage, HsmClustersPage, HsmCreateClusterPage,
};
use crate::pages::opsworkscm::account::AccountPage;
use crate::pages::opsworkscm::backups::BackupsPage;
use crate::pages::opsworkscm::create_server::CreateServerPage;
use crate::pages::opsworkscm::server_backups::BackupsTab;
use crate::pages::opsworkscm::server_events::EventsTab;
use crate::pages::opsworkscm::server_nodes::NodesTab;
use crate::pages::opsworkscm::server_settings::{SettingsTab, TagsTab};
use crate::pages::requests::RequestsPage;
use crate::pages::simulator::SimulatorPage;

/// A page's chunk could not be fetched or instantiated.
#[derive(Debug, Clone, Copy)]
pub struct ChunkLoadFailed;

impl From<leptos::wasm_split::SplitLoaderError> for ChunkLoadFailed {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        Self
    }
}

/// Declares each `$route`, a [`LazyRoute`] rendering the component `$page`
/// through `$view`, whose code lives in the chunk `$group` in split builds.
/// (`$view` is named by the caller: wasm-split derives the link symbols from
/// the function's name, so each must be unique.)
macro_rules! lazy_pages {
    ($($(#[$doc:meta])* $group:ident: $view:ident, $route:ident => $page:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $route;

        #[cfg_attr(
            feature = "split",
            leptos::wasm_split::wasm_split($group, wasm_split_path = ::leptos::wasm_split, fallible)
        )]
        fn $view() -> Result<AnyView, ChunkLoadFailed> {
            Ok(view! { <$page /> }.into_any())
        }

        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            async fn view(_this: Self) -> AnyView {
                #[cfg(feature = "split")]
                let page = $view().await;
                #[cfg(not(feature = "split"))]
                let page = $view();
                page.unwrap_or_else(|ChunkLoadFailed| view! { <LoadFailed /> }.into_any())
            }
        }
    )*};
}

lazy_pages! {
    /// `/servers/new`: the create-server wizard.
    wizard: create_server_view, CreateServerRoute => CreateServerPage;
    /// `/servers/:name/backups`: a server's backups, create and restore.
    server_tabs: backups_tab_view, BackupsTabRoute => BackupsTab;
    /// `/servers/:name/nodes`: associate and disassociate nodes.
    server_tabs: nodes_tab_view, NodesTabRoute => NodesTab;
    /// `/servers/:name/events`: a server's events, paged.
    server_tabs: events_tab_view, EventsTabRoute => EventsTab;
    /// `/servers/:name/settings`: windows, backups, credentials, userdata.
    server_tabs: settings_tab_view, SettingsTabRoute => SettingsTab;
    /// `/servers/:name/tags`: a server's tags.
    server_tabs: tags_tab_view, TagsTabRoute => TagsTab;
    /// `/backups`: the backups of every server.
    account_pages: backups_view, BackupsRoute => BackupsPage;
    /// `/account`: the account's limits.
    account_pages: account_view, AccountRoute => AccountPage;
    /// `/requests`: the calls the doors answered, live.
    requests: requests_view, RequestsRoute => RequestsPage;
    /// `/simulator`: the simulator's controls.
    simulator: simulator_view, SimulatorRoute => SimulatorPage;
    /// `/cloudhsm`, `/cloudhsm/clusters`: CloudHSM clusters of a region.
    cloudhsm: hsm_clusters_view, HsmClustersRoute => HsmClustersPage;
    /// `/cloudhsm/clusters/new`: create a cluster, also from a backup.
    cloudhsm: hsm_create_cluster_view, HsmCreateClusterRoute => HsmCreateClusterPage;
    /// `/cloudhsm/clusters/:id`: a cluster, its HSMs, settings and tags.
    cloudhsm: hsm_cluster_view, HsmClusterRoute => HsmClusterPage;
    /// `/cloudhsm/backups`: CloudHSM backups of a region.
    cloudhsm: hsm_backups_view, HsmBackupsRoute => HsmBackupsPage;
    /// `/cloudhsm/backups/:id`: a backup: delete, restore, copy, tags.
    cloudhsm: hsm_backup_view, HsmBackupRoute => HsmBackupPage;
}

/// Shown in place of a page whose chunk did not load.
#[component]
pub fn LoadFailed() -> impl IntoView {
    let reload = |_| {
        let _ = window().location().reload();
    };
    view! {
        <section class="panel" role="alert" aria-labelledby="load-failed-heading">
            <EmptyState title="This page could not be loaded" heading_id="load-failed-heading">
                <p>
                    "The console could not fetch this page's code. The backend may be down, \
                     or it was updated since this page was opened."
                </p>
                <button type="button" class="btn btn-primary" on:click=reload>
                    "Reload"
                </button>
            </EmptyState>
        </section>
    }
}
