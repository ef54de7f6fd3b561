//! The frame of a resource's page: breadcrumbs back to its list, a header
//! with the resource's name, live status and actions, a tab strip, and the
//! state of a resource that is not there.

use leptos::prelude::*;

use super::status::StatusIndicator;

/// `List › current`: a link back to the list, then where the page is.
#[component]
pub fn Breadcrumbs(
    /// The list's address.
    #[prop(into)]
    list_href: Signal<String>,
    /// The list's name, e.g. "Servers".
    #[prop(into)]
    list: String,
    /// This page, e.g. a server's name.
    #[prop(into)]
    current: Signal<String>,
) -> impl IntoView {
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumbs">
            <a href=move || list_href.get()>{list}</a>
            <span aria-hidden="true">" › "</span>
            <span>{move || current.get()}</span>
        </nav>
    }
}

/// `<h2 id=id>name</h2>`, the live status and the page's actions.
#[component]
pub fn PageHeader(
    /// Element id of the heading.
    id: &'static str,
    /// The resource's name.
    #[prop(into)]
    title: Signal<String>,
    /// The name is an identifier, shown in a monospace font.
    #[prop(optional)]
    mono: bool,
    /// `(tone, label)` of the resource's status.
    #[prop(into)]
    status: Signal<(&'static str, String)>,
    /// The actions (buttons) at the end of the header.
    children: Children,
) -> impl IntoView {
    view! {
        <div class="page-header">
            <h2 id=id class=mono.then_some("mono")>{move || title.get()}</h2>
            <span aria-live="polite">
                <StatusIndicator status=status />
            </span>
            <div class="actions">{children()}</div>
        </div>
    }
}

/// A resource that is not there: what is missing, why it may be, and the
/// way back to its list.
#[component]
pub fn NotFound(
    /// E.g. "Server web-1 not found".
    #[prop(into)]
    title: Signal<String>,
    /// One sentence, e.g. "It may have been deleted."
    #[prop(into)]
    hint: String,
    /// The list's address.
    #[prop(into)]
    back_href: Signal<String>,
    /// E.g. "Go to the servers list".
    #[prop(into)]
    back: String,
) -> impl IntoView {
    view! {
        <section class="panel">
            <div class="empty">
                <h2 class="empty-title">{move || title.get()}</h2>
                <p class="muted">{hint}</p>
                <a href=move || back_href.get()>{back}</a>
            </div>
        </section>
    }
}

/// One tab of a [`Tabs`] strip: a link, and whether it is the page shown.
#[derive(Clone, Copy)]
pub struct Tab {
    /// Visible label.
    pub label: &'static str,
    /// Where it leads.
    pub href: Signal<String>,
    /// Whether it is the tab shown (`aria-current="page"`).
    pub current: Signal<bool>,
}

impl Tab {
    /// A tab leading to `href`, current while `current` holds.
    pub fn new(
        label: &'static str,
        href: impl Fn() -> String + Send + Sync + 'static,
        current: impl Fn() -> bool + Send + Sync + 'static,
    ) -> Self {
        Self {
            label,
            href: Signal::derive(href),
            current: Signal::derive(current),
        }
    }
}

/// A resource page's tab strip: a navigation landmark named `label`, its
/// tabs as links (each a URL of its own), the current one marked.
#[component]
pub fn Tabs(
    /// The landmark's name ("Server sections").
    label: &'static str,
    /// The tabs, in order.
    tabs: Vec<Tab>,
) -> impl IntoView {
    view! {
        <nav class="tabs" aria-label=label>
            {tabs
                .into_iter()
                .map(|tab| {
                    view! {
                        <a href=tab.href aria-current=move || tab.current.get().then_some("page")>
                            {tab.label}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}
