//! The Copy button of commands, scripts and secrets: writes to the clipboard
//! and says whether it worked.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen_futures::JsFuture;

/// What the last click did.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Copied {
    /// This text is on the clipboard.
    Text(String),
    /// The browser refused (no permission, insecure context).
    Refused,
}

/// A button copying `text`; it reads "Copied" while the clipboard holds the
/// current text, and says so when the browser refuses.
#[component]
pub fn CopyButton(
    /// What to copy.
    #[prop(into)]
    text: Signal<String>,
    /// Button text, e.g. "Copy command".
    label: &'static str,
    /// What is copied, e.g. "userdata script": names the button ("Copy
    /// userdata script", then "Copied userdata script") where the caption
    /// alone is ambiguous on the page.
    #[prop(optional, into)]
    what: Option<String>,
) -> impl IntoView {
    let copied = RwSignal::new(None::<Copied>);
    let copy = move |_| {
        let value = text.get_untracked();
        let Some(window) = web_sys::window() else {
            copied.set(Some(Copied::Refused));
            return;
        };
        let promise = window.navigator().clipboard().write_text(&value);
        spawn_local(async move {
            let outcome = match JsFuture::from(promise).await {
                Ok(_) => Copied::Text(value),
                Err(_) => Copied::Refused,
            };
            copied.set(Some(outcome));
        });
    };
    let caption = move || match copied.get() {
        Some(Copied::Text(done)) if text.with(|t| *t == done) => "Copied",
        Some(Copied::Refused) => "Copy failed: select the text and copy it",
        _ => label,
    };
    let name = move || {
        what.as_ref().map(|what| match caption() {
            "Copied" => format!("Copied {what}"),
            c if c == label => format!("Copy {what}"),
            c => c.to_owned(),
        })
    };
    view! {
        <button type="button" class="btn btn-small" aria-label=name on:click=copy>
            {caption}
        </button>
    }
}
