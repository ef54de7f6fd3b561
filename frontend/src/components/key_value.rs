//! A key/value grid (`<dl>`): the labelled facts of one resource, as the
//! details pages show them.

use leptos::prelude::*;

/// One fact: its label, its value, and whether the value is code-like
/// (ids, ARNs, addresses: shown in monospace).
pub type KeyValue = (&'static str, String, bool);

/// The grid of `rows`, then any further facts given as children (each a
/// `<div><dt>…</dt><dd>…</dd></div>`, for values that are links or views).
#[component]
pub fn KeyValueGrid(
    /// The facts, in order.
    rows: Vec<KeyValue>,
    /// Facts whose values are views.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    view! {
        <dl class="details details-grid">
            {rows
                .into_iter()
                .map(|(label, value, mono)| {
                    view! {
                        <div>
                            <dt>{label}</dt>
                            <dd class:mono=mono>{value}</dd>
                        </div>
                    }
                })
                .collect_view()}
            {children.map(|children| children())}
        </dl>
    }
}
