//! The cmconsole browser console: the [`App`] root with its header, flash
//! messages and router.
//!
//! Client-side rendered with Leptos; built by Trunk in development and by
//! `cargo xtask ui` for release, with the pages of [`lazy_pages`] split off.
//! It talks to the backend through the typed client in [`api`] and stays
//! current through the live store in [`live`]. Routes: `/` and `/servers` (list), `/servers/new`
//! (wizard), `/servers/:name/{overview,backups,nodes,events,settings,tags}` (details), `/backups`
//! (every backup), `/account` (limits), `/requests` (the request log),
//! `/simulator` (simulator controls,
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
    RequestsRoute, SettingsTabRoute, SimulatorRoute, TagsTabRoute,
};
use crate::live::{Connection, LiveStore, provide_live_store};
use crate::pages::opsworkscm::server_details::{OverviewTab, ServerDetailsPage};
use crate::pages::opsworkscm::servers::ServersPage;
use crate::pages::sign_in::SignInPage;

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

/// What the root shows, from what `/api/config` answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gate {
    /// No answer yet.
    Loading,
    /// 401: this browser has no session.
    SignIn,
    /// Anything else (a failed config shows in the top bar).
    Console,
}

/// Root component: the console, or the sign-in page when the backend
/// wants a session this browser does not have.
#[component]
pub fn App() -> impl IntoView {
    let config = LocalResource::new(api::get_config);
    provide_context(Config(config));
    provide_context(Flashes::default());
    let gate = Memo::new(move |_| match config.get() {
        None => Gate::Loading,
        Some(Err(error)) if api::session::is_unauthorized(&error) => Gate::SignIn,
        Some(_) => Gate::Console,
    });
    move || match gate.get() {
        Gate::Loading => ().into_any(),
        Gate::SignIn => view! {
            <header class="topbar">
                <h1 class="brand">"cmconsole"</h1>
            </header>
            <main class="content">
                <SignInPage />
            </main>
        }
        .into_any(),
        Gate::Console => view! { <Console config=config /> }.into_any(),
    }
}

/// The console: top bar (product, region, mode, live indicator, sign
/// out), flash messages and the routed page; its live stream opens here.
#[component]
fn Console(config: LocalResource<Result<ConsoleConfig, api::ApiError>>) -> impl IntoView {
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
                    <A href="/requests">"Requests"</A>
                    <Show when=move || Config(config).is_simulator()>
                        <A href="/simulator">"Simulator"</A>
                    </Show>
                </nav>
                <div class="topbar-end">
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
                    <Show when=move || {
                        config.get().is_some_and(|cfg| cfg.is_ok_and(|cfg| cfg.session))
                    }>
                        <SignOutButton />
                    </Show>
                </div>
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
                    <Route path=path!("/requests") view={Lazy::<RequestsRoute>::new()} />
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

/// Ends the session in this browser; the console starts over on the
/// sign-in page.
#[component]
fn SignOutButton() -> impl IntoView {
    let sign_out = move |_| {
        leptos::task::spawn_local(async {
            // Signed out or not, starting over shows what holds now.
            let _ = api::session::sign_out().await;
            api::session::restart_console();
        });
    };
    view! {
        <button type="button" class="btn sign-out" on:click=sign_out>
            "Sign out"
        </button>
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
