//! The wizard's last page, "Review and create": every choice grouped by step
//! with an Edit button back to it, and the equivalent `aws opsworks-cm
//! create-server` command with every secret replaced by a placeholder.

use leptos::prelude::*;
use serde_json::Value;
use shared::opsworkscm::attributes::{
    CHEF_AUTOMATE_ADMIN_PASSWORD, PUPPET_ADMIN_PASSWORD, PUPPET_R10K_REMOTE,
};
use shared::opsworkscm::{CreateServerRequest, EngineKind, Operation};

use super::form::{Form, STEP_TITLES, engine_label};
use crate::components::cli::CopyAsCli;
use crate::format;

/// What replaces the admin password in the command.
const PASSWORD_PLACEHOLDER: &str = "REPLACE_WITH_ADMIN_PASSWORD";
/// What replaces `CustomPrivateKey` in the command.
const CUSTOM_KEY_PLACEHOLDER: &str = "REPLACE_WITH_CUSTOM_PRIVATE_KEY";

/// `aws opsworks-cm create-server --cli-input-json '...'` for the request.
/// Secrets never reach it: the admin password, any engine attribute but the
/// r10k remote (e.g. `PUPPET_R10K_PRIVATE_KEY` becomes
/// `REPLACE_WITH_PUPPET_R10K_PRIVATE_KEY`) and `CustomPrivateKey` are placeholders.
pub(super) fn cli_command(request: &CreateServerRequest) -> String {
    let mut json = serde_json::to_value(request).unwrap_or_default();
    if let Some(attributes) = json
        .get_mut("EngineAttributes")
        .and_then(Value::as_array_mut)
    {
        for attribute in attributes {
            let name = attribute["Name"].as_str().unwrap_or_default().to_owned();
            let placeholder = match name.as_str() {
                PUPPET_R10K_REMOTE => continue,
                CHEF_AUTOMATE_ADMIN_PASSWORD | PUPPET_ADMIN_PASSWORD => {
                    PASSWORD_PLACEHOLDER.to_owned()
                }
                other => format!("REPLACE_WITH_{other}"),
            };
            attribute["Value"] = Value::String(placeholder);
        }
    }
    if let Some(key) = json.get_mut("CustomPrivateKey") {
        *key = Value::String(CUSTOM_KEY_PLACEHOLDER.to_owned());
    }
    crate::components::cli::cli_command(Operation::CreateServer, &json)
}

/// Blank values read as `default`.
fn or_default(value: String, default: &'static str) -> String {
    if value.trim().is_empty() {
        default.to_owned()
    } else {
        value
    }
}

/// A secret is only said to be there.
fn provided(value: &str) -> String {
    if value.trim().is_empty() {
        "None"
    } else {
        "Provided (not shown)"
    }
    .to_owned()
}

/// "N certificates (PEM)" for a certificate or chain.
fn certificates(pem: &str) -> String {
    match pem.matches("-----BEGIN CERTIFICATE-----").count() {
        0 => "None".to_owned(),
        1 => "1 certificate (PEM)".to_owned(),
        n => format!("{n} certificates (PEM chain)"),
    }
}

/// Step 2's rows: name, instance, IAM, password, r10k (Puppet) and custom domain.
fn server_rows(form: Form) -> Vec<(&'static str, String)> {
    let mut rows = vec![
        ("Server name", form.name.get()),
        ("Instance type", form.instance_type.get()),
        ("SSH key pair", or_default(form.key_pair.get(), "None")),
        ("Instance profile ARN", form.instance_profile_value()),
        ("Service role ARN", form.service_role_value()),
        (
            "Admin password",
            if form.password.with(String::is_empty) {
                "Generated (shown once after creation)".to_owned()
            } else {
                "Set by you".to_owned()
            },
        ),
    ];
    if form.engine.get() == EngineKind::Puppet {
        rows.push(("r10k remote", or_default(form.r10k_remote.get(), "None")));
        rows.push(("r10k private key", provided(&form.r10k_private_key.get())));
    }
    rows.extend([
        (
            "Custom domain",
            or_default(form.custom_domain.get(), "None (generated endpoint)"),
        ),
        (
            "Custom certificate",
            certificates(&form.custom_certificate.get()),
        ),
        (
            "Custom private key",
            provided(&form.custom_private_key.get()),
        ),
    ]);
    rows
}

/// The review page: every choice, with Edit links back to its step.
#[component]
pub fn Review(
    /// The wizard's inputs.
    form: Form,
    /// The wizard's current step (Edit goes back to one).
    step: RwSignal<u8>,
) -> impl IntoView {
    let section = move |n: u8, rows: Vec<(&'static str, String)>| {
        view! {
            <section class="review-section" aria-label=STEP_TITLES[usize::from(n - 1)]>
                <div class="review-header">
                    <h3>{format!("Step {n}: {}", STEP_TITLES[usize::from(n - 1)])}</h3>
                    <button type="button" class="btn btn-small" on:click=move |_| step.set(n)>
                        "Edit"
                    </button>
                </div>
                <dl class="details">
                    {rows
                        .into_iter()
                        .map(|(k, v)| view! { <div><dt>{k}</dt><dd>{v}</dd></div> })
                        .collect_view()}
                </dl>
            </section>
        }
    };
    let automated = form.automated_backups.get_untracked();
    let tags = form.tags.summary();
    let cli = untrack(|| form.request())
        .ok()
        .map(|request| cli_command(&request));
    let cli_view = view! { <CopyAsCli command=Signal::stored(cli) /> };
    untrack(move || {
        view! {
            {section(
                1,
                vec![
                    ("Engine", engine_label(form.engine.get()).to_owned()),
                    ("Engine version", form.version.get()),
                    ("Start from backup", or_default(form.backup_id.get(), "None")),
                ],
            )}
            {section(2, server_rows(form))}
            {section(
                3,
                vec![
                    ("Subnets", or_default(form.subnets.get(), "Default")),
                    ("Security groups", or_default(form.security_groups.get(), "Default")),
                    (
                        "Public IP address",
                        if form.public_ip.get() { "Yes" } else { "No" }.to_owned(),
                    ),
                ],
            )}
            {section(
                4,
                vec![
                    (
                        "Maintenance window",
                        or_default(form.maintenance_window.get(), "Chosen for you"),
                    ),
                    (
                        "Automated backups",
                        if automated { "Enabled" } else { "Disabled" }.to_owned(),
                    ),
                    (
                        "Backup window",
                        if automated {
                            or_default(form.backup_window.get(), "Chosen for you")
                        } else {
                            "-".to_owned()
                        },
                    ),
                    (
                        "Backups to keep",
                        if automated { or_default(form.retention.get(), "1") } else { "-".to_owned() },
                    ),
                    ("Tags", format::list(&tags)),
                ],
            )}
            {cli_view}
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_command_hides_the_password_and_quotes_for_the_shell() {
        let form = Form::new(Signal::stored("123456789012".to_owned()));
        form.name.set("web".to_owned());
        form.password.set("Str0ng!Passw0rd".to_owned());
        // Key pair names may hold a quote: the JSON must stay one shell word.
        form.key_pair.set("ops's key".to_owned());
        let command = cli_command(&form.request().unwrap());
        assert!(command.starts_with("aws opsworks-cm create-server --cli-input-json '{"));
        assert!(command.contains(r#""ServerName":"web""#));
        assert!(command.contains(PASSWORD_PLACEHOLDER));
        assert!(!command.contains("Str0ng"));
        assert!(command.contains(r#""KeyPair":"ops'\''s key""#));
    }

    #[test]
    fn cli_command_keeps_the_r10k_remote_and_hides_the_keys() {
        let form = Form::new(Signal::stored("123456789012".to_owned()));
        form.engine.set(EngineKind::Puppet);
        form.name.set("pup".to_owned());
        form.r10k_remote
            .set("git@github.com:example/control.git".to_owned());
        form.r10k_private_key.set(
            "-----BEGIN RSA PRIVATE KEY-----\nSECRET1\n-----END RSA PRIVATE KEY-----".to_owned(),
        );
        form.custom_domain.set("puppet.example.com".to_owned());
        form.custom_certificate
            .set("-----BEGIN CERTIFICATE-----\nPUBLIC\n-----END CERTIFICATE-----".to_owned());
        form.custom_private_key
            .set("-----BEGIN PRIVATE KEY-----\nSECRET2\n-----END PRIVATE KEY-----".to_owned());
        let command = cli_command(&form.request().unwrap());
        assert!(command.contains("git@github.com:example/control.git"));
        assert!(command.contains("REPLACE_WITH_PUPPET_R10K_PRIVATE_KEY"));
        assert!(command.contains(&format!(r#""CustomPrivateKey":"{CUSTOM_KEY_PLACEHOLDER}""#)));
        assert!(command.contains(r#""CustomDomain":"puppet.example.com""#));
        assert!(command.contains("PUBLIC"));
        assert!(!command.contains("SECRET"));
    }

    #[test]
    fn certificate_summary_counts_the_chain() {
        let one = "-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n";
        assert_eq!(certificates(""), "None");
        assert_eq!(certificates(one), "1 certificate (PEM)");
        assert_eq!(certificates(&one.repeat(3)), "3 certificates (PEM chain)");
    }
}
