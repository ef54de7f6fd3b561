//! The Credentials panel of the Settings tab: UpdateServerEngineAttributes
//! to reset a Chef server's pivotal key (`CHEF_PIVOTAL_KEY`, sent without a
//! value so the service generates the pair, or with the user's own public
//! key) and to reset the admin
//! password (`CHEF_AUTOMATE_ADMIN_PASSWORD` or `PUPPET_ADMIN_PASSWORD`),
//! generated or chosen. What the service generates is shown once.

use leptos::prelude::*;
use shared::opsworkscm::attributes::{
    CHEF_AUTOMATE_ADMIN_PASSWORD, CHEF_PIVOTAL_KEY, PUPPET_ADMIN_PASSWORD,
};
use shared::opsworkscm::{
    AdminPassword, AttributeName, EngineAttributeValue, EngineKind, Operation, ServerName,
    UpdateServerEngineAttributesRequest,
};

use crate::api::ApiError;
use crate::api::opsworkscm::engine_attributes;
use crate::components::busy_button::BusyButton;
use crate::components::cli::{CopyAsCli, cli_command};
use crate::components::field::{FormError, PemField, RadioGroup, TextField};
use crate::components::modal::ConfirmDelete;
use crate::components::panel::Panel;
use crate::components::password_rules::PasswordRules;
use crate::components::submission::Submission;
use crate::components::text_output::{FileOffer, OneTimeSecret};
use crate::pages::opsworkscm::server_details::{current, current_engine};

/// Placeholder for a chosen password in the CLI command.
const PASSWORD_PLACEHOLDER: &str = "REPLACE_WITH_ADMIN_PASSWORD";

/// The admin password attribute of an engine.
fn password_attribute(engine: EngineKind) -> &'static str {
    match engine {
        EngineKind::Chef => CHEF_AUTOMATE_ADMIN_PASSWORD,
        EngineKind::Puppet => PUPPET_ADMIN_PASSWORD,
    }
}

/// UpdateServerEngineAttributes for `attribute`, with `value` or none (the
/// service generates one and returns it once).
fn reset_request(
    server: &str,
    attribute: &str,
    value: Option<&str>,
) -> Result<UpdateServerEngineAttributesRequest, String> {
    Ok(UpdateServerEngineAttributesRequest {
        server_name: ServerName::parse(server).map_err(|e| e.to_string())?,
        attribute_name: AttributeName::parse(attribute).map_err(|e| e.to_string())?,
        attribute_value: value
            .map(EngineAttributeValue::parse)
            .transpose()
            .map_err(|e| e.to_string())?,
    })
}

/// The admin password request: a chosen password must meet the rules.
fn password_request(
    server: &str,
    engine: EngineKind,
    chosen: Option<&str>,
) -> Result<UpdateServerEngineAttributesRequest, String> {
    if let Some(password) = chosen {
        AdminPassword::parse(password).map_err(|_| AdminPassword::rules().to_owned())?;
    }
    reset_request(server, password_attribute(engine), chosen)
}

/// The command for `request`, with a chosen secret replaced by a placeholder.
fn reset_cli(request: &UpdateServerEngineAttributesRequest) -> String {
    let mut request = request.clone();
    if request.attribute_value.is_some() {
        request.attribute_value = EngineAttributeValue::parse(PASSWORD_PLACEHOLDER).ok();
    }
    cli_command(Operation::UpdateServerEngineAttributes, &request)
}

/// Sends the request; the answer is the generated value, if the service made one.
async fn send_reset(
    request: UpdateServerEngineAttributesRequest,
) -> Result<Option<String>, ApiError> {
    let server = engine_attributes::update_server_engine_attributes(&request).await?;
    Ok(server
        .engine_attributes
        .into_iter()
        .find(|a| a.name.as_deref() == Some(request.attribute_name.as_str()))
        .and_then(|a| a.value))
}

/// The Credentials panel, per engine.
#[component]
pub fn CredentialsPanel() -> impl IntoView {
    let server = current();
    let engine = current_engine();
    move || {
        engine.get().map(|engine| {
            view! {
                <Panel id="credentials-heading" title="Credentials">
                    <div class="form">
                        <p class="hint">
                            "Changes go through UpdateServerEngineAttributes: the server is MODIFYING for a while, "
                            "one change at a time, and only from HEALTHY or UNHEALTHY."
                        </p>
                        {(engine == EngineKind::Chef).then(|| view! { <PivotalKeyReset server=server /> })}
                        <AdminPasswordReset server=server engine=engine />
                    </div>
                </Panel>
            }
        })
    }
}

/// What is wrong with a pasted pivotal public key, if anything (empty: the
/// service generates the pair).
fn check_own_public_key(key: &str) -> Option<String> {
    let key = key.trim();
    let acceptable = key.is_empty()
        || key.starts_with("-----BEGIN PUBLIC KEY-----")
        || key.starts_with("-----BEGIN RSA PUBLIC KEY-----");
    (!acceptable).then(|| {
        "Paste an RSA public key in PEM (-----BEGIN PUBLIC KEY-----), e.g. from openssl rsa -pubout; never the private key."
            .to_owned()
    })
}

/// Resets the Chef pivotal key after a confirmation: to a pair the service
/// generates (its private key shown once) or to the user's own public key.
#[component]
fn PivotalKeyReset(server: Memo<String>) -> impl IntoView {
    let confirm_open = RwSignal::new(false);
    let form = Submission::default();
    let Submission { sending, error, .. } = form;
    let secret = RwSignal::new(None::<String>);
    let own_key = RwSignal::new(String::new());
    let replaced = RwSignal::new(false);
    let own_key_error = Signal::derive(move || own_key.with(|k| check_own_public_key(k)));
    let request = move || {
        if let Some(problem) = own_key_error.get() {
            return Err(problem);
        }
        let key = own_key.get();
        let key = key.trim();
        reset_request(
            &server.get(),
            CHEF_PIVOTAL_KEY,
            (!key.is_empty()).then_some(key),
        )
    };
    let confirm = Callback::new(move |()| {
        secret.set(None);
        replaced.set(false);
        let own = !own_key.with_untracked(|k| k.trim().is_empty());
        form.send(
            request,
            move |request| async move {
                let generated = send_reset(request).await?;
                if own {
                    return Ok(None);
                }
                generated.map(Some).ok_or_else(|| {
                    ApiError::Decode("the service generated no pivotal key".to_owned())
                })
            },
            move |key: Option<String>| match key {
                Some(key) => secret.set(Some(key)),
                None => {
                    own_key.set(String::new());
                    replaced.set(true);
                }
            },
        );
    });
    view! {
        <fieldset class="field credential" aria-labelledby="pivotal-heading">
            <h4 id="pivotal-heading">"Pivotal key"</h4>
            <p class="hint">
                "The pivotal user's key signs knife and Chef API calls. A reset generates a new key pair: "
                "the old key, and the starter kits holding it, stop working."
            </p>
            <PemField
                id="own-pivotal-key"
                label="Your own public key (optional)"
                upload_label="Upload public key file"
                accept=".pem,.pub"
                value=own_key
                error=own_key_error
                show=Signal::derive(|| false)
                hint="Leave empty to have the service generate the pair; or paste the public half of a key you keep."
            />
            <div>
                <BusyButton
                    busy=sending
                    kind="button"
                    on_click=move |_| {
                        if own_key_error.get_untracked().is_none() {
                            confirm_open.set(true);
                        }
                    }
                >
                    "Reset pivotal key"
                </BusyButton>
            </div>
            <FormError title="Could not reset the pivotal key" error=error />
            <Show when=move || replaced.get()>
                <p class="info" role="status">
                    "The pivotal key is now your own: sign knife and Chef API calls with its private key."
                </p>
            </Show>
            {move || {
                secret.get().map(|key| {
                    view! {
                        <OneTimeSecret
                            title="New pivotal key".to_owned()
                            secret=key
                            file=Some(FileOffer {
                                name: format!("{}-pivotal.pem", server.get_untracked()),
                                mime: "application/x-pem-file",
                            })
                            on_done=Callback::new(move |()| secret.set(None))
                        />
                    }
                })
            }}
            <CopyAsCli command=Signal::derive(move || {
                request()
                    .ok()
                    .map(|r| cli_command(Operation::UpdateServerEngineAttributes, &r))
            }) />
        </fieldset>
        <ConfirmDelete
            open=confirm_open
            title=Signal::derive(move || format!("Reset the pivotal key of {}", server.get()))
            message=Signal::derive(move || {
                if own_key.with(|k| k.trim().is_empty()) {
                    "A new pivotal key pair is generated and the current key stops working. The new private key is shown once."
                        .to_owned()
                } else {
                    "The pivotal key becomes the public key you gave and the current key stops working."
                        .to_owned()
                }
            })
            on_confirm=confirm
            action="Reset"
        />
    }
}

/// Resets the admin password: generated (shown once) or chosen (checked as you type).
#[component]
fn AdminPasswordReset(server: Memo<String>, engine: EngineKind) -> impl IntoView {
    let choose = RwSignal::new(false);
    let password = RwSignal::new(String::new());
    let form = Submission::default();
    let (attempted, sending, error) = (form.attempted, form.sending, form.error);
    let secret = RwSignal::new(None::<String>);
    let applied = RwSignal::new(false);
    let request = move || {
        let chosen = choose.get().then(|| password.get());
        password_request(&server.get(), engine, chosen.as_deref())
    };
    let password_error = Signal::derive(move || {
        AdminPassword::parse(password.get())
            .err()
            .map(|_| "The password does not meet the rules below.".to_owned())
    });
    let cleared = move || {
        secret.set(None);
        applied.set(false);
    };
    let submit = form.on_submit(request, cleared, send_reset, move |answer| match answer {
        Some(generated) => secret.set(Some(generated)),
        None => {
            applied.set(true);
            password.set(String::new());
            form.attempted.set(false);
        }
    });
    view! {
        <form class="credential" on:submit=submit novalidate aria-labelledby="password-heading">
            <h4 id="password-heading">"Admin password"</h4>
            <p class="hint">
                {format!(
                    "Signs the admin user in to the {} console ({}).",
                    match engine {
                        EngineKind::Chef => "Chef Automate",
                        EngineKind::Puppet => "Puppet Enterprise",
                    },
                    password_attribute(engine),
                )}
            </p>
            <RadioGroup
                name="password-mode"
                legend="New password"
                choices=vec![
                    (false, "password-generate", "Generate a password (shown once)"),
                    (true, "password-choose", "Choose a password"),
                ]
                value=choose
            />
            <Show when=move || choose.get()>
                <TextField
                    id="new-admin-password"
                    label="New admin password"
                    kind="password"
                    value=password
                    error=password_error
                    show=attempted
                />
                <PasswordRules password=password />
            </Show>
            <FormError title="Could not reset the admin password" error=error />
            {move || {
                applied
                    .get()
                    .then(|| {
                        view! {
                            <p class="info" role="status">
                                "The new password is being applied while the server is MODIFYING."
                            </p>
                        }
                    })
            }}
            {move || {
                secret.get().map(|generated| {
                    view! {
                        <OneTimeSecret
                            title="New admin password".to_owned()
                            secret=generated
                            file=None
                            on_done=Callback::new(move |()| secret.set(None))
                        />
                    }
                })
            }}
            <div class="form-actions">
                <BusyButton busy=sending>
                    "Reset admin password"
                </BusyButton>
            </div>
            <CopyAsCli command=Signal::derive(move || request().ok().map(|r| reset_cli(&r))) />
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pivotal_key_reset_sends_no_value() {
        let request = reset_request("chef-1", CHEF_PIVOTAL_KEY, None).unwrap();
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            serde_json::json!({"ServerName": "chef-1", "AttributeName": "CHEF_PIVOTAL_KEY"})
        );
        assert_eq!(
            reset_cli(&request),
            r#"aws opsworks-cm update-server-engine-attributes --cli-input-json '{"ServerName":"chef-1","AttributeName":"CHEF_PIVOTAL_KEY"}'"#
        );
    }

    #[test]
    fn a_chosen_password_is_checked_and_hidden_in_the_command() {
        assert!(password_request("pup", EngineKind::Puppet, Some("weak")).is_err());
        let request = password_request("pup", EngineKind::Puppet, Some("Str0ng!Passw0rd")).unwrap();
        assert_eq!(request.attribute_name.as_str(), PUPPET_ADMIN_PASSWORD);
        let command = reset_cli(&request);
        assert!(command.contains(PASSWORD_PLACEHOLDER), "{command}");
        assert!(!command.contains("Str0ng"), "{command}");
        let generated = password_request("chef", EngineKind::Chef, None).unwrap();
        assert_eq!(
            generated.attribute_name.as_str(),
            CHEF_AUTOMATE_ADMIN_PASSWORD
        );
        assert_eq!(generated.attribute_value, None);
    }
}
