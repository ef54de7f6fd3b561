//! The cmconsole browser console: the [`App`] root, its header and the Servers list.
//!
//! Client-side rendered with Leptos and built by Trunk; it talks to the backend
//! only through the typed client in [`api`].

pub mod api;

use leptos::prelude::*;

use shared::opsworkscm::{Server, ServerStatus};

use crate::api::{ApiError, ConsoleConfig};

/// Root component: the top bar (product, region, mode) and the Servers page.
#[component]
pub fn App() -> impl IntoView {
    let config = LocalResource::new(api::get_config);
    view! {
        <header class="topbar">
            <h1 class="brand">"cmconsole"</h1>
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
        </header>
        <main class="content">
            <ServersPage />
        </main>
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

/// The Servers list: count, Refresh, then a table, the empty state or an error banner.
#[component]
fn ServersPage() -> impl IntoView {
    let servers = LocalResource::new(api::describe_servers);
    let (pending, set_pending) = signal(false);
    let count = move || {
        servers
            .get()
            .and_then(Result::ok)
            .map(|list| format!("({})", list.len()))
    };
    view! {
        <section class="panel" aria-labelledby="servers-heading">
            <div class="panel-header">
                <h2 id="servers-heading">
                    "Servers " <span class="count">{count}</span>
                </h2>
                <div class="actions">
                    <button
                        type="button"
                        class="btn"
                        aria-busy=move || pending.get().to_string()
                        on:click=move |_| servers.refetch()
                    >
                        "Refresh"
                    </button>
                </div>
            </div>
            <Transition
                fallback=|| view! { <p class="loading" role="status">"Loading servers…"</p> }
                set_pending=set_pending
            >
                {move || Suspend::new(async move {
                    match servers.await {
                        Ok(list) if list.is_empty() => view! { <EmptyState /> }.into_any(),
                        Ok(list) => view! { <ServersTable servers=list /> }.into_any(),
                        Err(err) => view! { <ErrorBanner err=err /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// Shown when the account has no servers.
#[component]
fn EmptyState() -> impl IntoView {
    view! {
        <div class="empty">
            <p class="empty-title">"No servers yet"</p>
            <p class="muted">
                "Servers created with the AWS CLI, an SDK or this console appear here."
            </p>
        </div>
    }
}

/// A failed call, with the AWS error code and request id when the backend sent them.
#[component]
fn ErrorBanner(err: ApiError) -> impl IntoView {
    let request_id = err
        .request_id()
        .map(|id| view! { <p class="muted">"Request id: " {id.to_owned()}</p> });
    view! {
        <div class="flash flash-error" role="alert">
            <p class="flash-title">"Could not load servers"</p>
            <p>{err.to_string()}</p>
            {request_id}
        </div>
    }
}

/// The servers as a table: name, engine, status, endpoint.
#[component]
fn ServersTable(servers: Vec<Server>) -> impl IntoView {
    let rows = servers
        .into_iter()
        .map(|server| {
            let tone = server.status.map_or("pending", status_tone);
            let status = server.status.map_or("-", ServerStatus::as_str);
            let name = server.server_name.unwrap_or_default();
            let engine = server.engine.unwrap_or_default();
            let endpoint = server.endpoint.unwrap_or_else(|| "-".to_owned());
            view! {
                <tr>
                    <th scope="row">{name}</th>
                    <td>{engine}</td>
                    <td>
                        <span class=format!("status status-{tone}")>{status}</span>
                    </td>
                    <td class="mono">{endpoint}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="table" aria-labelledby="servers-heading">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Engine"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Endpoint"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// Colour family of a server status: success, in-progress, error or stopped.
fn status_tone(status: ServerStatus) -> &'static str {
    match status {
        ServerStatus::Healthy | ServerStatus::Running => "success",
        ServerStatus::Creating
        | ServerStatus::BackingUp
        | ServerStatus::Modifying
        | ServerStatus::Restoring
        | ServerStatus::UnderMaintenance
        | ServerStatus::Setup
        | ServerStatus::Deleting => "in-progress",
        ServerStatus::Failed | ServerStatus::Unhealthy | ServerStatus::ConnectionLost => "error",
        ServerStatus::Terminated => "stopped",
    }
}
