//! The frame of a resource's page: breadcrumbs back to its list, a header
//! with the resource's name, live status and actions, and the state of a
//! resource that is not there.

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
