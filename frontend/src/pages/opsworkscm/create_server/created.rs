//! The panel shown after CreateServer: the one-time secrets (admin password,
//! Chef pivotal key) and the starter kit download, with a warning that they
//! are shown only once.

use leptos::prelude::*;
use shared::opsworkscm::Server;
use shared::opsworkscm::attributes::{
    CHEF_AUTOMATE_ADMIN_PASSWORD, CHEF_AUTOMATE_PIVOTAL_KEY, CHEF_STARTER_KIT,
    PUPPET_ADMIN_PASSWORD, PUPPET_STARTER_KIT,
};

use crate::components::download::{decode_base64, save_file};
use crate::components::status::{StatusIndicator, server_status_view};
use crate::live::LiveStore;

/// The panel for the server CreateServer just returned (secrets included).
pub(super) fn created_panel(server: Server) -> AnyView {
    view! { <CreatedPanel server=server /> }.into_any()
}

/// After CreateServer: the one-time secrets and the starter kit.
#[component]
fn CreatedPanel(server: Server) -> impl IntoView {
    let live = LiveStore::expect();
    let name = server.server_name.clone().unwrap_or_default();
    let attribute = |wanted: &str| {
        server
            .engine_attributes
            .iter()
            .find(|a| a.name.as_deref() == Some(wanted))
            .and_then(|a| a.value.clone())
    };
    let password =
        attribute(CHEF_AUTOMATE_ADMIN_PASSWORD).or_else(|| attribute(PUPPET_ADMIN_PASSWORD));
    let pivotal_key = attribute(CHEF_AUTOMATE_PIVOTAL_KEY);
    let starter_kit = attribute(CHEF_STARTER_KIT).or_else(|| attribute(PUPPET_STARTER_KIT));
    let download_error = RwSignal::new(None::<String>);
    let status = {
        let name = name.clone();
        let initial = server.status;
        Signal::derive(move || {
            server_status_view(live.server(&name).and_then(|s| s.status).or(initial))
        })
    };
    let kit_file = format!("{name}-starter-kit.zip");
    let download_kit = move |_| {
        let Some(kit) = starter_kit.as_deref() else {
            return;
        };
        let result = decode_base64(kit)
            .ok_or_else(|| "the starter kit is not valid base64".to_owned())
            .and_then(|bytes| save_file(&kit_file, "application/zip", &bytes));
        download_error.set(result.err());
    };
    let credentials = password.clone().map(|password| {
        let name = name.clone();
        move |_| {
            let text = format!("Server: {name}\nUser: admin\nPassword: {password}\n");
            let result = save_file(
                &format!("{name}-credentials.txt"),
                "text/plain",
                text.as_bytes(),
            );
            download_error.set(result.err());
        }
    });
    view! {
        <section class="panel created" aria-labelledby="created-heading">
            <div class="panel-header">
                <h2 id="created-heading">{format!("Server {name} is being created")}</h2>
                <StatusIndicator status=status />
            </div>
            <div class="created-body">
                <div class="warning" role="note">
                    <p class="flash-title">"Save these credentials now: they are shown only once."</p>
                    <p>
                        "cmconsole does not keep the admin password, the pivotal key or the starter kit. "
                        "When you leave this page you cannot see or download them again."
                    </p>
                </div>
                <dl class="details">
                    <div>
                        <dt>"Sign-in user"</dt>
                        <dd class="mono">"admin"</dd>
                    </div>
                    <div>
                        <dt id="admin-password-label">"Admin password"</dt>
                        <dd class="mono" aria-labelledby="admin-password-label">
                            {password.clone().unwrap_or_else(|| "The password you chose".to_owned())}
                        </dd>
                    </div>
                </dl>
                {pivotal_key.map(|key| {
                    view! {
                        <div class="field">
                            <label for="pivotal-key">"Chef pivotal key"</label>
                            <textarea id="pivotal-key" class="mono secret" readonly rows="8">
                                {key}
                            </textarea>
                        </div>
                    }
                })}
                <div class="actions">
                    <button type="button" class="btn btn-primary" on:click=download_kit>
                        "Download starter kit"
                    </button>
                    {credentials.map(|download| view! {
                        <button type="button" class="btn" on:click=download>
                            "Download sign-in credentials"
                        </button>
                    })}
                    <a href=format!("/servers/{name}") class="btn">"View server"</a>
                    <a href="/servers" class="btn btn-link">"Go to servers"</a>
                </div>
                {move || download_error.get().map(|e| view! { <p class="form-error">{e}</p> })}
            </div>
        </section>
    }
}
