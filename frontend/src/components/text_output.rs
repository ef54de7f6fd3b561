//! Text the service handed back, shown read-only with Copy and Download:
//! a userdata script, and one-time secrets (a new pivotal key or admin
//! password) with a warning that they are shown once.

use leptos::prelude::*;

use crate::components::clipboard::CopyButton;
use crate::components::download::save_file;

/// How the text is offered as a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileOffer {
    /// File name, e.g. `web-1-userdata.sh`.
    pub name: String,
    /// MIME type, e.g. `text/x-shellscript`.
    pub mime: &'static str,
}

/// `text` in a labelled `<pre>`, with Copy and (when `file` is given) Download.
#[component]
pub fn TextOutput(
    /// Accessible name of the text, e.g. "Userdata script"; ASCII, since the
    /// Copy button names it in ASCII lower case.
    label: String,
    /// The text.
    text: String,
    /// Offer the text as this file (`None`: no Download button).
    file: Option<FileOffer>,
) -> impl IntoView {
    let download_error = RwSignal::new(None::<String>);
    let download = file.map(|file| {
        let text = text.clone();
        let action = format!("Download {}", file.name);
        view! {
            <button
                type="button"
                class="btn btn-small"
                aria-label=action
                on:click=move |_| {
                    download_error.set(save_file(&file.name, file.mime, text.as_bytes()).err());
                }
            >
                "Download"
            </button>
        }
    });
    // Not `to_lowercase`: it would bring Unicode's case tables into the WASM.
    let what = label.to_ascii_lowercase();
    view! {
        <div class="text-output">
            <pre class="mono" aria-label=label.clone() tabindex="0">{text.clone()}</pre>
            <div class="actions">
                <CopyButton text=Signal::stored(text) label="Copy" what=what />
                {download}
            </div>
            {move || download_error.get().map(|e| view! { <p class="form-error">{e}</p> })}
        </div>
    }
}

/// A secret the service returned once: a warning, the secret, and a
/// "Done" button that hides it for good.
#[component]
pub fn OneTimeSecret(
    /// What it is, e.g. "New pivotal key".
    title: String,
    /// The secret.
    secret: String,
    /// Offer it as a file (keys), or not (passwords).
    file: Option<FileOffer>,
    /// Called when the user is done with it.
    on_done: Callback<()>,
) -> impl IntoView {
    let region = title.clone();
    view! {
        <div class="one-time-secret" role="region" aria-label=region>
            <div class="warning" role="note">
                <p class="flash-title">{format!("{title}: shown once")}</p>
                <p>
                    "Save it now. cmconsole does not keep it, and the service never returns it again: "
                    "when you leave this page it is gone."
                </p>
            </div>
            <TextOutput label=title text=secret file=file />
            <button type="button" class="btn" on:click=move |_| on_done.run(())>
                "I have saved it"
            </button>
        </div>
    }
}
