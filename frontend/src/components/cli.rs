//! "Copy as CLI": the `aws <service> ...` command equivalent to what a form
//! is about to send, as `--cli-input-json` with the exact request body:
//! `aws opsworks-cm <op> --cli-input-json '...'`, and for CloudHSM, whose
//! console section works in a region of its choosing,
//! `aws cloudhsmv2 <op> --region <region> --cli-input-json '...'`.

use leptos::prelude::*;
use serde::Serialize;

use crate::components::clipboard::CopyButton;

/// An operation of a service the AWS CLI knows.
pub trait CliOperation: Copy {
    /// The CLI's name of the service: `opsworks-cm`, `cloudhsmv2`.
    const SERVICE: &'static str;

    /// The API name of the operation, e.g. `CreateServer`.
    fn api_name(self) -> &'static str;
}

impl CliOperation for shared::opsworkscm::Operation {
    const SERVICE: &'static str = "opsworks-cm";

    fn api_name(self) -> &'static str {
        self.as_str()
    }
}

impl CliOperation for shared::cloudhsmv2::Operation {
    const SERVICE: &'static str = "cloudhsmv2";

    fn api_name(self) -> &'static str {
        self.as_str()
    }
}

/// The AWS CLI sub-command of an operation: `CreateServer` → `create-server`.
#[must_use]
pub fn cli_operation(operation: impl CliOperation) -> String {
    kebab(operation.api_name())
}

fn kebab(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `aws <service> <op> --cli-input-json '<request>'`, the JSON quoted as
/// one POSIX shell word. Compact JSON: it reuses the serializer the API client
/// already has (no pretty printer in the WASM). Secrets must be replaced by
/// the caller before this is called.
#[must_use]
pub fn cli_command<O: CliOperation, T: Serialize>(operation: O, request: &T) -> String {
    let body = serde_json::to_string(request).unwrap_or_default();
    render(O::SERVICE, operation.api_name(), None, &body)
}

/// Like [`cli_command`], for a call addressed to `region`:
/// `aws <service> <op> --region <region> --cli-input-json '<request>'`.
#[must_use]
pub fn cli_command_in<O: CliOperation, T: Serialize>(
    operation: O,
    region: &str,
    request: &T,
) -> String {
    let body = serde_json::to_string(request).unwrap_or_default();
    render(O::SERVICE, operation.api_name(), Some(region), &body)
}

/// The command line; not generic, so it is compiled once.
fn render(service: &str, operation: &str, region: Option<&str>, body: &str) -> String {
    let region = region.map_or_else(String::new, |r| {
        // A region name is a plain word; anything else is quoted.
        let plain = !r.is_empty() && r.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        let r = if plain { r.to_owned() } else { shell_word(r) };
        format!(" --region {r}")
    });
    format!(
        "aws {service} {}{region} --cli-input-json {}",
        kebab(operation),
        shell_word(body)
    )
}

/// `text` as one POSIX shell word: single-quoted, each `'` as `'\''`.
fn shell_word(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// A collapsed "Copy as CLI" section showing `command` with a copy button.
/// `command` is `None` while the form does not hold a valid request.
#[component]
pub fn CopyAsCli(
    /// The command for the form's current values, `None` when invalid.
    #[prop(into)]
    command: Signal<Option<String>>,
    /// The summary; "Copy as CLI" when absent (a panel with several
    /// commands names each, e.g. "CLI to list the tags").
    #[prop(optional)]
    label: Option<&'static str>,
) -> impl IntoView {
    view! {
        <details class="cli">
            <summary>{label.unwrap_or("Copy as CLI")}</summary>
            {move || match command.get() {
                Some(text) => {
                    view! {
                        <pre class="mono" aria-label=label.unwrap_or("AWS CLI command")>{text.clone()}</pre>
                        <CopyButton text=Signal::stored(text) label="Copy command" />
                    }
                        .into_any()
                }
                None => {
                    view! {
                        <p class="muted">"Fix the fields above to see the command."</p>
                    }
                        .into_any()
                }
            }}
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::opsworkscm::Operation;

    #[test]
    fn operations_become_cli_sub_commands() {
        assert_eq!(cli_operation(Operation::CreateServer), "create-server");
        assert_eq!(
            cli_operation(Operation::DescribeNodeAssociationStatus),
            "describe-node-association-status"
        );
        assert_eq!(
            cli_operation(Operation::UpdateServerEngineAttributes),
            "update-server-engine-attributes"
        );
    }

    #[test]
    fn json_is_one_shell_word() {
        let command = cli_command(
            Operation::CreateBackup,
            &serde_json::json!({"ServerName": "web", "Description": "it's"}),
        );
        assert_eq!(
            command,
            r#"aws opsworks-cm create-backup --cli-input-json '{"Description":"it'\''s","ServerName":"web"}'"#
        );
    }

    #[test]
    fn cloudhsm_commands_name_the_service_and_region() {
        use shared::cloudhsmv2::Operation as Hsm;
        assert_eq!(
            cli_operation(Hsm::CopyBackupToRegion),
            "copy-backup-to-region"
        );
        assert_eq!(
            cli_operation(Hsm::ModifyBackupAttributes),
            "modify-backup-attributes"
        );
        let command = cli_command_in(
            Hsm::RestoreBackup,
            "eu-west-1",
            &serde_json::json!({"BackupId": "backup-ro5c4er4aac"}),
        );
        assert_eq!(
            command,
            r#"aws cloudhsmv2 restore-backup --region eu-west-1 --cli-input-json '{"BackupId":"backup-ro5c4er4aac"}'"#
        );
    }
}
