//! The empty state of a list or page ("No servers yet", "No matches", …)
//! with an optional action.

use leptos::prelude::*;

/// The empty state of a list (or of a page with nothing to show): a title,
/// an explanation and an optional action (the children, e.g. a "Create
/// server" button or a link).
#[component]
pub fn EmptyState(
    /// What is (not) there, e.g. "No servers yet".
    title: &'static str,
    /// One sentence under the title.
    #[prop(optional, into)]
    detail: String,
    /// The title is the page's heading (`<h2 id=…>`) rather than a paragraph.
    #[prop(optional)]
    heading_id: Option<&'static str>,
    /// An action under the text.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let title = match heading_id {
        Some(id) => view! { <h2 id=id class="empty-title">{title}</h2> }.into_any(),
        None => view! { <p class="empty-title">{title}</p> }.into_any(),
    };
    view! {
        <div class="empty">
            {title}
            {(!detail.is_empty()).then(|| view! { <p class="muted">{detail}</p> })}
            {children.map(|children| children())}
        </div>
    }
}
