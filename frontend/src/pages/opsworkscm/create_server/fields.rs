//! The wizard's text input: a labelled [`TextField`] whose value may be
//! derived (the default IAM ARNs follow the account id until edited), with
//! hint and inline error wired up with `aria-describedby`. PEM blocks use the
//! shared [`PemField`](crate::components::field::PemField).

use leptos::prelude::*;

use super::form::Check;

/// A setter callback for a string signal.
pub(super) fn setter(signal: RwSignal<String>) -> Callback<String> {
    Callback::new(move |value| signal.set(value))
}

/// A labelled text input with hint and inline error.
#[component]
pub fn TextField(
    /// Element id (the label points at it; `{id}-hint`, `{id}-error` follow).
    id: &'static str,
    /// Visible label.
    label: &'static str,
    /// The value shown (it may be derived, e.g. a default ARN).
    #[prop(into)]
    value: Signal<String>,
    /// Called with the new text on input.
    on_input: Callback<String>,
    /// What the validator says about the value; `None` is valid.
    #[prop(into)]
    error: Signal<Check>,
    /// Show the error even if the field was not edited (after Next).
    #[prop(into)]
    show: Signal<bool>,
    /// A sentence under the label.
    #[prop(optional)]
    hint: &'static str,
    /// Input type (`text`, `password`, `number`).
    #[prop(default = "text")]
    kind: &'static str,
    /// Placeholder text.
    #[prop(optional)]
    placeholder: &'static str,
) -> impl IntoView {
    // Errors show as you type (once the field was edited) or after Next.
    // Not on blur: an error appearing on blur moves the buttons below while
    // the pointer is on its way to them, and the click is lost.
    let dirty = RwSignal::new(false);
    let visible_error = move || (dirty.get() || show.get()).then(|| error.get()).flatten();
    let described = move || {
        let mut ids = Vec::new();
        if !hint.is_empty() {
            ids.push(format!("{id}-hint"));
        }
        if visible_error().is_some() {
            ids.push(format!("{id}-error"));
        }
        ids.join(" ")
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {(!hint.is_empty()).then(|| view! { <p class="hint" id=format!("{id}-hint")>{hint}</p> })}
            <input
                id=id
                type=kind
                placeholder=placeholder
                autocomplete="off"
                aria-invalid=move || visible_error().is_some().to_string()
                aria-describedby=described
                prop:value=move || value.get()
                on:input=move |ev| {
                    dirty.set(true);
                    on_input.run(event_target_value(&ev));
                }
            />
            {move || visible_error().map(|e| view! { <p class="field-error" id=format!("{id}-error")>{e}</p> })}
        </div>
    }
}
