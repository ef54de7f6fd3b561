//! The sign-in page, shown instead of the console when the backend says the
//! browser has no session (upstream mode, a listener beyond loopback, or
//! `--require-session`): paste the console token cmconsole printed at start.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiError;
use crate::api::session;
use crate::components::field::{FormError, TextField};
use crate::components::panel::{Level, Panel};

/// The sign-in form.
#[component]
pub fn SignInPage() -> impl IntoView {
    let token = RwSignal::new(String::new());
    let submitted = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let refused = RwSignal::new(None::<ApiError>);
    let missing = Signal::derive(move || {
        token
            .get()
            .trim()
            .is_empty()
            .then(|| "Paste the console token.".to_owned())
    });
    let link_rejected = session::link_was_rejected();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        if missing.get_untracked().is_some() || busy.get_untracked() {
            return;
        }
        busy.set(true);
        refused.set(None);
        spawn_local(async move {
            match session::sign_in(&token.get_untracked()).await {
                Ok(()) => session::restart_console(),
                Err(error) => {
                    refused.set(Some(error));
                    busy.set(false);
                }
            }
        });
    };
    view! {
        <Panel id="sign-in-heading" title="Sign in to cmconsole" level=Level::H2 class="sign-in">
            <form class="form" on:submit=submit novalidate>
                <p>
                    "This console holds credentials or is reachable from other machines, so it needs the console token. "
                    "cmconsole printed a link with it when it started ("
                    <code>"open the console: http://…/?token=…"</code>
                    "), or read it from "<code>"--token-file"</code>" or "<code>"CMCONSOLE_TOKEN"</code>"."
                </p>
                {link_rejected
                    .then(|| {
                        view! {
                            <div class="flash flash-error form-alert" role="alert">
                                <div class="flash-body">
                                    <p class="flash-title">"The link's token was not accepted"</p>
                                    <p class="flash-detail">
                                        "It is not the token of this cmconsole (was it restarted with a new one?). Paste the current token below."
                                    </p>
                                </div>
                            </div>
                        }
                    })}
                <TextField
                    id="console-token"
                    label="Console token"
                    value=token
                    error=missing
                    show=submitted
                    kind="password"
                />
                <FormError title="Could not sign in" error=refused />
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" aria-busy=move || busy.get().to_string()>
                        "Sign in"
                    </button>
                </div>
            </form>
        </Panel>
    }
}
