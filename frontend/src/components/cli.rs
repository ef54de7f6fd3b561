//! "Copy as CLI": the `aws opsworks-cm ...` command equivalent to what a form
//! is about to send, as `--cli-input-json` with the exact request body.

use leptos::prelude::*;
use serde::Serialize;
use shared::opsworkscm::Operation;

use crate::components::clipboard::CopyButton;

/// The AWS CLI sub-command of an operation: `CreateServer` → `create-server`.
#[must_use]
pub fn cli_operation(operation: Operation) -> String {
    let mut out = String::new();
    for (i, c) in operation.as_str().chars().enumerate() {
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

/// `aws opsworks-cm <op> --cli-input-json '<request>'`, the JSON quoted as
/// one POSIX shell word. Compact JSON: it reuses the serializer the API client
/// already has (no pretty printer in the WASM). Secrets must be replaced by
/// the caller before this is called.
#[must_use]
pub fn cli_command<T: Serialize>(operation: Operation, request: &T) -> String {
    let body = serde_json::to_string(request).unwrap_or_default();
    format!(
        "aws opsworks-cm {} --cli-input-json '{}'",
        cli_operation(operation),
        body.replace('\'', "'\\''")
    )
}

/// A collapsed "Copy as CLI" section showing `command` with a copy button.
/// `command` is `None` while the form does not hold a valid request.
#[component]
pub fn CopyAsCli(
    /// The command for the form's current values, `None` when invalid.
    #[prop(into)]
    command: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <details class="cli">
            <summary>"Copy as CLI"</summary>
            {move || match command.get() {
                Some(text) => {
                    view! {
                        <pre class="mono" aria-label="AWS CLI command">{text.clone()}</pre>
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
}
