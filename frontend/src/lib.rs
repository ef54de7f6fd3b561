//! The cmconsole browser console: the [`App`] root with its header, flash
//! messages and router.
//!
//! Client-side rendered with Leptos; built by Trunk in development and by
//! `cargo xtask ui` for release, with the pages of [`lazy_pages`] split off.
//! It talks to the backend through the typed client in [`api`] and stays
//! current through the live store in [`live`]. Routes: `/` and `/servers` (list), `/servers/new`
//! (wizard), `/servers/:name/{overview,backups,nodes,events,settings,tags}` (details), `/backups`
//! (every backup), `/account` (limits), `/simulator` (simulator controls,
//! linked in simulator mode only) and the CloudHSM section under `/cloudhsm`
//! (see [`pages::cloudhsm`]).

pub mod api;
pub mod components;
pub mod format;
pub mod lazy_pages;
pub mod live;
pub mod pages;

use leptos::prelude::*;
use leptos_router::components::{A, ParentRoute, Route, Router, Routes};
use leptos_router::{Lazy, path};

use crate::api::ConsoleConfig;
use crate::components::flash::{FlashBar, Flashes};
use crate::components::list::EmptyState;
use crate::lazy_pages::{
    AccountRoute, BackupsRoute, BackupsTabRoute, CreateServerRoute, EventsTabRoute, HsmBackupRoute,
    HsmBackupsRoute, HsmClusterRoute, HsmClustersRoute, HsmCreateClusterRoute, NodesTabRoute,
    SettingsTabRoute, SimulatorRoute, TagsTabRoute,
};
use crate::live::{Connection, LiveStore, provide_live_store};
use crate::pages::server_details::{OverviewTab, ServerDetailsPage};
use crate::pages::servers::ServersPage;

/// What `/api/config` said, shared with the pages (the wizard uses the account id).
#[derive(Clone, Copy)]
pub struct Config(pub LocalResource<Result<ConsoleConfig, api::ApiError>>);

impl Config {
    /// The account id once the config has loaded.
    pub fn account_id(&self) -> Option<String> {
        self.0.get().and_then(Result::ok).map(|cfg| cfg.account_id)
    }

    /// True once the config has loaded and the backend runs the simulator.
    pub fn is_simulator(&self) -> bool {
        self.0
            .get()
            .is_some_and(|cfg| cfg.is_ok_and(|cfg| cfg.mode == "simulator"))
    }
}

/// Root component: top bar (product, region, mode, live indicator), flash
/// messages and the routed page.
#[component]
pub fn App() -> impl IntoView {
    let config = LocalResource::new(api::get_config);
    provide_context(Config(config));
    provide_context(Flashes::new());
    let live = provide_live_store();
    view! {
        <Router>
            <header class="topbar">
                <h1 class="brand">
                    <A href="/servers">"cmconsole"</A>
                </h1>
                <nav class="topnav" aria-label="Main">
                    <A href="/servers">"Servers"</A>
                    <A href="/backups">"Backups"</A>
                    <A href="/cloudhsm">"CloudHSM"</A>
                    <A href="/account">"Account"</A>
                    <Show when=move || Config(config).is_simulator()>
                        <A href="/simulator">"Simulator"</A>
                    </Show>
                </nav>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match config.await {
                            Ok(cfg) => view! { <ContextBar cfg=cfg /> }.into_any(),
                            Err(err) => {
                                view! {
                                    <span class="context context-error">
                                        "backend unavailable: " {err.to_string()}
                                    </span>
                                }
                                    .into_any()
                            }
                        }
                    })}
                </Transition>
                <LiveIndicator live=live />
            </header>
            <main class="content">
                <FlashBar />
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=ServersPage />
                    <Route path=path!("/servers") view=ServersPage />
                    <Route path=path!("/servers/new") view={Lazy::<CreateServerRoute>::new()} />
                    <ParentRoute path=path!("/servers/:name") view=ServerDetailsPage>
                        <Route path=path!("") view=OverviewTab />
                        <Route path=path!("overview") view=OverviewTab />
                        <Route path=path!("backups") view={Lazy::<BackupsTabRoute>::new()} />
                        <Route path=path!("nodes") view={Lazy::<NodesTabRoute>::new()} />
                        <Route path=path!("events") view={Lazy::<EventsTabRoute>::new()} />
                        <Route path=path!("settings") view={Lazy::<SettingsTabRoute>::new()} />
                        <Route path=path!("tags") view={Lazy::<TagsTabRoute>::new()} />
                    </ParentRoute>
                    <Route path=path!("/backups") view={Lazy::<BackupsRoute>::new()} />
                    <Route path=path!("/account") view={Lazy::<AccountRoute>::new()} />
                    <Route path=path!("/simulator") view={Lazy::<SimulatorRoute>::new()} />
                    <Route path=path!("/cloudhsm") view={Lazy::<HsmClustersRoute>::new()} />
                    <Route path=path!("/cloudhsm/clusters") view={Lazy::<HsmClustersRoute>::new()} />
                    <Route
                        path=path!("/cloudhsm/clusters/new")
                        view={Lazy::<HsmCreateClusterRoute>::new()}
                    />
                    <Route path=path!("/cloudhsm/clusters/:id") view={Lazy::<HsmClusterRoute>::new()} />
                    <Route path=path!("/cloudhsm/backups") view={Lazy::<HsmBackupsRoute>::new()} />
                    <Route path=path!("/cloudhsm/backups/:id") view={Lazy::<HsmBackupRoute>::new()} />
                </Routes>
            </main>
        </Router>
    }
}

/// Region, account and mode of the backend, shown in the top bar.
#[component]
fn ContextBar(cfg: ConsoleConfig) -> impl IntoView {
    view! {
        <dl class="context" aria-label="Environment">
            <div>
                <dt>"Region"</dt>
                <dd>{cfg.region}</dd>
            </div>
            <div>
                <dt>"Account"</dt>
                <dd>{cfg.account_id}</dd>
            </div>
            <div>
                <dt>"Mode"</dt>
                <dd class=format!("mode mode-{}", cfg.mode)>{cfg.mode.clone()}</dd>
            </div>
        </dl>
    }
}

/// Connection state of the live stream; announced politely when it changes.
#[component]
fn LiveIndicator(live: LiveStore) -> impl IntoView {
    let state = move || live.connection();
    view! {
        <p
            class=move || {
                format!(
                    "live live-{}",
                    match state() {
                        Connection::Live => "on",
                        Connection::Connecting => "connecting",
                        Connection::Reconnecting => "off",
                    },
                )
            }
            role="status"
            aria-live="polite"
            aria-label="Live updates"
        >
            {move || state().label()}
        </p>
    }
}

/// Unknown paths.
#[component]
fn NotFound() -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="not-found-heading">
            <EmptyState title="Page not found" heading_id="not-found-heading">
                <p>
                    <A href="/servers">"Go to the servers list"</A>
                </p>
            </EmptyState>
        </section>
    }
}
