//! The Servers list: header with count, action stripe enabled by the selected
//! row, text filter with match count, sortable columns, pagination, empty and
//! no-match states. Rows are keyed by server name and each reads its own
//! server signal, so a status change re-renders that row only.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::opsworkscm::Server;

use crate::api;
use crate::components::backup_flash::create_backup_tracked;
use crate::components::flash::{Flashes, OpTexts};
use crate::components::list::{CountHeading, EmptyState};
use crate::components::modal::ConfirmDelete;
use crate::components::status::{StatusIndicator, server_status_view};
use crate::format;
use crate::live::{LiveStore, Snapshot};

/// Page sizes offered by the pagination; `None` shows every server on one page.
const PAGE_SIZES: [Option<usize>; 5] = [Some(10), Some(20), Some(50), Some(100), None];
/// The page size option that shows every server.
const ALL: &str = "all";

/// A column the list can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SortColumn {
    Name,
    Status,
    Created,
}

/// What the table shows: the page's names and the counts around them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Listing {
    names: Vec<String>,
    matches: usize,
    total: usize,
    page: usize,
    pages: usize,
}

/// One server reduced to what filtering and sorting need.
struct SortRow {
    name: String,
    status: &'static str,
    created: Option<DateTime<Utc>>,
}

/// True when the (lower-case) query occurs in the name, engine, status or endpoint.
fn matches_query(server: &Server, query: &str) -> bool {
    if query.is_empty() {
        return true;
    }
    let fields = [
        server.server_name.as_deref(),
        server.engine.as_deref(),
        server.status.map(|s| s.as_str()),
        server.endpoint.as_deref(),
    ];
    fields
        .into_iter()
        .flatten()
        .any(|field| field.to_ascii_lowercase().contains(query))
}

/// Page `page` (clamped to the last) of `names`, `size` names a page (every
/// name when `None`): the page's names, the page shown and the page count.
fn paginate(names: Vec<String>, size: Option<usize>, page: usize) -> (Vec<String>, usize, usize) {
    let size = size.unwrap_or(names.len()).max(1);
    let pages = names.len().div_ceil(size).max(1);
    let page = page.min(pages - 1);
    let names = names.into_iter().skip(page * size).take(size).collect();
    (names, page, pages)
}

/// The list page at `/` and `/servers`.
#[component]
pub fn ServersPage() -> impl IntoView {
    let live = LiveStore::expect();
    let flashes = Flashes::expect();
    let navigate = use_navigate();

    let filter = RwSignal::new(String::new());
    let sort = RwSignal::new((SortColumn::Created, false));
    let page = RwSignal::new(0usize);
    let page_size = RwSignal::new(PAGE_SIZES[0]);
    let selected = RwSignal::new(None::<String>);
    let delete_open = RwSignal::new(false);
    let delete_target = RwSignal::new(String::new());

    let listing = Memo::new(move |_| {
        let query = filter.with(|q| q.trim().to_ascii_lowercase());
        let mut rows = Vec::new();
        let mut total = 0;
        live.for_each_server(|server| {
            total += 1;
            if matches_query(server, &query) {
                rows.push(SortRow {
                    name: server.server_name.clone().unwrap_or_default(),
                    status: server.status.map_or("", |s| s.as_str()),
                    created: server.created_at,
                });
            }
        });
        let (column, ascending) = sort.get();
        rows.sort_by(|a, b| {
            let order = match column {
                SortColumn::Name => a.name.cmp(&b.name),
                SortColumn::Status => a.status.cmp(b.status).then_with(|| a.name.cmp(&b.name)),
                SortColumn::Created => a.created.cmp(&b.created).then_with(|| a.name.cmp(&b.name)),
            };
            if ascending { order } else { order.reverse() }
        });
        let matches = rows.len();
        let names = rows.into_iter().map(|r| r.name).collect();
        let (names, page, pages) = paginate(names, page_size.get(), page.get());
        Listing {
            names,
            matches,
            total,
            page,
            pages,
        }
    });
    // The selection only counts while its server exists.
    let selection = Memo::new(move |_| selected.get().filter(|name| live.has_server(name)));
    let no_selection = move || selection.with(Option::is_none);

    let view_details = {
        let navigate = navigate.clone();
        move |_| {
            if let Some(name) = selection.get_untracked() {
                navigate(&format!("/servers/{name}"), Default::default());
            }
        }
    };
    let create_backup = move |_| {
        if let Some(name) = selection.get_untracked() {
            create_backup_tracked(flashes, live, name, String::new());
        }
    };
    let start_maintenance = move |_| {
        if let Some(name) = selection.get_untracked() {
            flashes.track(
                OpTexts::new(
                    format!("Starting maintenance on {name}"),
                    format!("Maintenance of {name} started"),
                    format!("Could not start maintenance on {name}"),
                ),
                move || {
                    let name = name.clone();
                    async move { api::opsworkscm::start_maintenance(&name).await }
                },
            );
        }
    };
    let ask_delete = move |_| {
        if let Some(name) = selection.get_untracked() {
            delete_target.set(name);
            delete_open.set(true);
        }
    };
    let confirm_delete = Callback::new(move |()| {
        let name = delete_target.get_untracked();
        flashes.track(
            OpTexts::new(
                format!("Deleting {name}"),
                format!("Deletion of {name} started"),
                format!("Could not delete {name}"),
            ),
            move || {
                let name = name.clone();
                async move { api::opsworkscm::delete_server(&name).await }
            },
        );
    });
    let go_create = {
        let navigate = navigate.clone();
        Callback::new(move |_: leptos::ev::MouseEvent| navigate("/servers/new", Default::default()))
    };

    view! {
        <section class="panel" aria-labelledby="servers-heading">
            <div class="panel-header">
                <CountHeading
                    id="servers-heading"
                    title="Servers"
                    count=Signal::derive(move || live.server_count())
                />
                <div class="actions" role="toolbar" aria-label="Server actions">
                    <button type="button" class="btn" on:click=move |_| live.reload()>
                        "Refresh"
                    </button>
                    <button type="button" class="btn" disabled=no_selection on:click=view_details>
                        "View details"
                    </button>
                    <button type="button" class="btn" disabled=no_selection on:click=create_backup>
                        "Create backup"
                    </button>
                    <button
                        type="button"
                        class="btn"
                        disabled=no_selection
                        on:click=start_maintenance
                    >
                        "Start maintenance"
                    </button>
                    <button type="button" class="btn" disabled=no_selection on:click=ask_delete>
                        "Delete"
                    </button>
                    <button type="button" class="btn btn-primary" on:click=move |ev| go_create.run(ev)>
                        "Create server"
                    </button>
                </div>
            </div>
            <div class="toolbar">
                <input
                    type="search"
                    class="filter"
                    aria-label="Find servers"
                    placeholder="Find servers"
                    prop:value=move || filter.get()
                    on:input=move |ev| {
                        filter.set(event_target_value(&ev));
                        page.set(0);
                    }
                />
                <span class="muted match-count" aria-live="polite">
                    {move || {
                        filter
                            .with(|q| !q.trim().is_empty())
                            .then(|| {
                                let n = listing.with(|l| l.matches);
                                if n == 1 { "1 match".to_owned() } else { format!("{n} matches") }
                            })
                    }}
                </span>
                <Pagination listing=listing page=page page_size=page_size />
            </div>
            {move || match live.snapshot() {
                Snapshot::Loading if live.server_count() == 0 => {
                    view! { <p class="loading" role="status">"Loading servers…"</p> }.into_any()
                }
                Snapshot::Failed(err) if live.server_count() == 0 => {
                    view! {
                        <div class="flash flash-error" role="alert">
                            <div class="flash-body">
                                <p class="flash-title">"Could not load servers"</p>
                                <p class="flash-detail">{err.to_string()}</p>
                            </div>
                            <div class="flash-actions">
                                <button type="button" class="btn btn-small" on:click=move |_| live.reload()>
                                    "Retry"
                                </button>
                            </div>
                        </div>
                    }
                        .into_any()
                }
                _ => ().into_any(),
            }}
            <Show when=move || {
                live.server_count() > 0 && listing.with(|l| l.matches > 0)
            }>
                <ServersTable listing=listing selected=selected sort=sort />
            </Show>
            <Show when=move || live.snapshot() == Snapshot::Ready && live.server_count() == 0>
                <EmptyState
                    title="No servers yet"
                    detail="Servers created with the AWS CLI, an SDK or this console appear here."
                >
                    <button type="button" class="btn btn-primary" on:click=move |ev| go_create.run(ev)>
                        "Create server"
                    </button>
                </EmptyState>
            </Show>
            <Show when=move || {
                live.server_count() > 0 && listing.with(|l| l.matches == 0)
            }>
                <EmptyState title="No matches" detail="No server matches the filter.">
                    <button type="button" class="btn" on:click=move |_| filter.set(String::new())>
                        "Clear filter"
                    </button>
                </EmptyState>
            </Show>
        </section>
        <ConfirmDelete
            open=delete_open
            title=Signal::derive(move || format!("Delete {}", delete_target.get()))
            message=Signal::derive(move || {
                format!(
                    "Deleting {} stops and removes the server and its events. Its backups are kept.",
                    delete_target.get(),
                )
            })
            on_confirm=confirm_delete
        />
    }
}

/// Previous / next page and the page size.
#[component]
fn Pagination(
    listing: Memo<Listing>,
    page: RwSignal<usize>,
    page_size: RwSignal<Option<usize>>,
) -> impl IntoView {
    view! {
        <nav class="pagination" aria-label="Pagination">
            <button
                type="button"
                class="btn-icon"
                aria-label="Previous page"
                disabled=move || listing.with(|l| l.page == 0)
                on:click=move |_| page.set(listing.with_untracked(|l| l.page.saturating_sub(1)))
            >
                "‹"
            </button>
            <span>{move || listing.with(|l| format!("Page {} of {}", l.page + 1, l.pages))}</span>
            <button
                type="button"
                class="btn-icon"
                aria-label="Next page"
                disabled=move || listing.with(|l| l.page + 1 >= l.pages)
                on:click=move |_| page.set(listing.with_untracked(|l| l.page + 1))
            >
                "›"
            </button>
            <label for="page-size">"Page size"</label>
            <select
                id="page-size"
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    let size = if value == ALL { Some(None) } else { value.parse().ok().map(Some) };
                    if let Some(size) = size {
                        page_size.set(size);
                        page.set(0);
                    }
                }
            >
                {PAGE_SIZES
                    .into_iter()
                    .map(|size| {
                        let (value, label) = match size {
                            Some(n) => (n.to_string(), n.to_string()),
                            None => (ALL.to_owned(), "All".to_owned()),
                        };
                        view! {
                            <option value=value selected=move || page_size.get() == size>
                                {label}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </nav>
    }
}

/// The table of the current page; one keyed row per server.
#[component]
fn ServersTable(
    listing: Memo<Listing>,
    selected: RwSignal<Option<String>>,
    sort: RwSignal<(SortColumn, bool)>,
) -> impl IntoView {
    let live = LiveStore::expect();
    view! {
        <table class="table" aria-labelledby="servers-heading">
            <thead>
                <tr>
                    <th scope="col" class="select-col">
                        <span class="visually-hidden">"Selected"</span>
                    </th>
                    <SortHeader label="Name" column=SortColumn::Name sort=sort />
                    <th scope="col">"Engine"</th>
                    <SortHeader label="Status" column=SortColumn::Status sort=sort />
                    <th scope="col">"Endpoint"</th>
                    <SortHeader label="Created" column=SortColumn::Created sort=sort />
                    <th scope="col">"Maintenance"</th>
                </tr>
            </thead>
            <tbody>
                <For each=move || listing.with(|l| l.names.clone()) key=String::clone let:name>
                    {live
                        .server_signal(&name)
                        .map(|server| view! { <ServerRow name=name server=server selected=selected /> })}
                </For>
            </tbody>
        </table>
    }
}

/// A column header that sorts on click and says how (`aria-sort`).
#[component]
fn SortHeader(
    label: &'static str,
    column: SortColumn,
    sort: RwSignal<(SortColumn, bool)>,
) -> impl IntoView {
    let state = move || {
        let (current, ascending) = sort.get();
        match (current == column, ascending) {
            (false, _) => "none",
            (true, true) => "ascending",
            (true, false) => "descending",
        }
    };
    view! {
        <th scope="col" aria-sort=state>
            <button
                type="button"
                class="sort"
                on:click=move |_| {
                    sort.update(|(current, ascending)| {
                        if *current == column {
                            *ascending = !*ascending;
                        } else {
                            *current = column;
                            *ascending = true;
                        }
                    })
                }
            >
                {label}
                <span class="sort-arrow" aria-hidden="true">
                    {move || match state() {
                        "ascending" => "▲",
                        "descending" => "▼",
                        _ => "↕",
                    }}
                </span>
            </button>
        </th>
    }
}

/// One server row; reads only its own server signal.
#[component]
fn ServerRow(
    name: String,
    server: ArcRwSignal<Server>,
    selected: RwSignal<Option<String>>,
) -> impl IntoView {
    let is_selected = {
        let name = name.clone();
        move || selected.with(|s| s.as_deref() == Some(name.as_str()))
    };
    let select = {
        let name = name.clone();
        move |_| selected.set(Some(name.clone()))
    };
    let status = {
        let server = server.clone();
        Signal::derive(move || server.with(|s| server_status_view(s.status)))
    };
    let engine = {
        let server = server.clone();
        move || {
            server.with(|s| {
                format!(
                    "{} {}",
                    s.engine.as_deref().unwrap_or("-"),
                    s.engine_version.as_deref().unwrap_or("")
                )
                .trim_end()
                .to_owned()
            })
        }
    };
    let endpoint = {
        let server = server.clone();
        // With a custom domain, that is the address users browse to.
        move || {
            server.with(|s| format::or_dash(s.custom_domain.as_deref().or(s.endpoint.as_deref())))
        }
    };
    let created = {
        let server = server.clone();
        move || server.with(|s| format::time(s.created_at))
    };
    let maintenance = move || {
        server.with(|s| {
            s.maintenance_status
                .map_or_else(|| "-".to_owned(), |m| m.as_str().to_owned())
        })
    };
    let row_class = {
        let is_selected = is_selected.clone();
        move || if is_selected() { "selected" } else { "" }
    };
    view! {
        <tr class=row_class>
            <td class="select-col">
                <input
                    type="radio"
                    name="server-selection"
                    aria-label=format!("Select {name}")
                    prop:checked=is_selected
                    on:change=select
                />
            </td>
            <th scope="row">
                <A href=format!("/servers/{name}")>{name.clone()}</A>
            </th>
            <td class="nowrap">{engine}</td>
            <td>
                <StatusIndicator status=status />
            </td>
            <td class="mono">{endpoint}</td>
            <td class="nowrap">{created}</td>
            <td>{maintenance}</td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::opsworkscm::ServerStatus;

    #[test]
    fn pages_of_ten_and_all() {
        let names: Vec<String> = (0..12).map(|i| format!("s{i:02}")).collect();
        let (page, current, pages) = paginate(names.clone(), Some(10), 1);
        assert_eq!(
            (page, current, pages),
            (vec!["s10".to_owned(), "s11".to_owned()], 1, 2)
        );
        // Past the end: the last page.
        assert_eq!(paginate(names.clone(), Some(10), 7).1, 1);
        let (page, current, pages) = paginate(names, None, 3);
        assert_eq!((page.len(), current, pages), (12, 0, 1));
        assert_eq!(paginate(Vec::new(), None, 0), (Vec::new(), 0, 1));
    }

    #[test]
    fn filter_looks_at_name_engine_status_and_endpoint() {
        let server = Server {
            server_name: Some("Web-1".to_owned()),
            engine: Some("ChefAutomate".to_owned()),
            status: Some(ServerStatus::Healthy),
            endpoint: Some("web-1-abc.us-east-1.opsworks-cm.io".to_owned()),
            ..Server::default()
        };
        for query in ["", "web-1", "chef", "healthy", "opsworks-cm.io"] {
            assert!(matches_query(&server, query), "{query}");
        }
        assert!(!matches_query(&server, "puppet"));
    }
}
