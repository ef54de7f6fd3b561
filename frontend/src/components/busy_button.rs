//! A button that is disabled and marked `aria-busy` while its request runs.

use leptos::prelude::*;

/// A button (`kind` "submit" or "button") that cannot be pressed again, and
/// says so to assistive technology, while `busy`.
#[component]
pub fn BusyButton(
    /// True while the button's request runs.
    #[prop(into)]
    busy: Signal<bool>,
    /// CSS classes.
    #[prop(default = "btn")]
    class: &'static str,
    /// The button's `type`.
    #[prop(default = "submit")]
    kind: &'static str,
    /// What a click does, besides submitting its form for `kind="submit"`.
    #[prop(optional, into)]
    on_click: Option<Callback<leptos::ev::MouseEvent>>,
    /// The label.
    children: Children,
) -> impl IntoView {
    view! {
        <button
            type=kind
            class=class
            disabled=move || busy.get()
            aria-busy=move || busy.get().to_string()
            on:click=move |ev| {
                if let Some(on_click) = on_click {
                    on_click.run(ev);
                }
            }
        >
            {children()}
        </button>
    }
}
