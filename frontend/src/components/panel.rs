//! A Cloudscape container: a `<section>` named by its heading, with the
//! heading (and an optional count and actions) in a header row above the
//! content.

use leptos::prelude::*;

/// The heading level of a panel: `H2` for the main panel of a page, `H3`
/// for a panel inside a tab or below the page's own heading.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Level {
    /// `<h2>`.
    H2,
    /// `<h3>`.
    #[default]
    H3,
}

/// `<section class="panel" aria-labelledby=id>` with a header row holding
/// `<hN id=id>title (count)</hN>` and the actions, then the children.
#[component]
pub fn Panel(
    /// Element id of the heading, which names the section (and the tables
    /// that point their `aria-labelledby` at it).
    id: &'static str,
    /// The heading text.
    title: &'static str,
    /// The heading level.
    #[prop(optional)]
    level: Level,
    /// How many items the panel lists, shown as "(n)" after the title.
    #[prop(optional, into)]
    count: Option<Signal<usize>>,
    /// More classes for the section, e.g. `sign-in`.
    #[prop(optional)]
    class: &'static str,
    /// Controls at the end of the header row (buttons, a picker).
    #[prop(optional, into)]
    actions: Option<ViewFnOnce>,
    /// The content.
    children: Children,
) -> impl IntoView {
    let count = count.map(|count| {
        view! { " " <span class="count">{move || format!("({})", count.get())}</span> }
    });
    let heading = match level {
        Level::H2 => view! { <h2 id=id>{title}{count}</h2> }.into_any(),
        Level::H3 => view! { <h3 id=id>{title}{count}</h3> }.into_any(),
    };
    let class = if class.is_empty() {
        "panel".to_owned()
    } else {
        format!("panel {class}")
    };
    view! {
        <section class=class aria-labelledby=id>
            <div class="panel-header">{heading} {actions.map(ViewFnOnce::run)}</div>
            {children()}
        </section>
    }
}
