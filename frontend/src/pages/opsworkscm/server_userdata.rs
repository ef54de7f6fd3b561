//! The Userdata panel of the Settings tab: ExportServerEngineAttribute
//! (`Userdata`), the bash script a node runs as EC2 user data to install the
//! agent and associate itself. Chef takes RunList, OrganizationName,
//! NodeEnvironment and NodeClientVersion; Puppet ignores them.

use leptos::prelude::*;
use shared::opsworkscm::attributes::{
    DEFAULT_CHEF_ORGANIZATION, NODE_CLIENT_VERSION, NODE_ENVIRONMENT, ORGANIZATION_NAME, RUN_LIST,
    USERDATA,
};
use shared::opsworkscm::{
    EngineAttributeInput, EngineAttributeName, EngineAttributeValue, EngineKind,
    ExportServerEngineAttributeRequest, Operation, ServerName, Text,
};

use crate::api::opsworkscm::engine_attributes;
use crate::components::cli::cli_command;
use crate::components::field::{FormFooter, TextField};
use crate::components::panel::Panel;
use crate::components::submission::Submission;
use crate::components::text_output::{FileOffer, TextOutput};
use crate::pages::opsworkscm::server_details::{current, current_engine};

/// The Chef inputs, as typed (empty means "not sent").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct ChefInputs {
    run_list: String,
    organization: String,
    environment: String,
    client_version: String,
}

/// NodeClientVersion: empty (the latest) or three numbers separated by dots.
fn check_client_version(value: &str) -> Option<String> {
    let value = value.trim();
    let parts: Vec<&str> = value.split('.').collect();
    let ok = value.is_empty()
        || (parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit())));
    (!ok).then(|| "Three numbers separated by dots, such as 13.8.5.".to_owned())
}

/// The export request; Chef sends its non-empty inputs.
fn userdata_request(
    server: &str,
    engine: EngineKind,
    inputs: &ChefInputs,
) -> Result<ExportServerEngineAttributeRequest, String> {
    if let Some(error) = check_client_version(&inputs.client_version) {
        return Err(error);
    }
    let input_attributes = match engine {
        EngineKind::Chef => {
            let pairs = [
                (RUN_LIST, &inputs.run_list),
                (ORGANIZATION_NAME, &inputs.organization),
                (NODE_ENVIRONMENT, &inputs.environment),
                (NODE_CLIENT_VERSION, &inputs.client_version),
            ];
            let attributes = pairs
                .into_iter()
                .filter(|(_, value)| !value.trim().is_empty())
                .map(|(name, value)| {
                    Ok(EngineAttributeInput {
                        name: Some(EngineAttributeName::parse(name).map_err(|e| e.to_string())?),
                        value: Some(
                            EngineAttributeValue::parse(value.trim()).map_err(|e| e.to_string())?,
                        ),
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            (!attributes.is_empty()).then_some(attributes)
        }
        EngineKind::Puppet => None,
    };
    Ok(ExportServerEngineAttributeRequest {
        export_attribute_name: Text::parse(USERDATA).map_err(|e| e.to_string())?,
        server_name: ServerName::parse(server).map_err(|e| e.to_string())?,
        input_attributes,
    })
}

/// The Userdata panel.
#[component]
pub fn UserdataPanel() -> impl IntoView {
    let server = current();
    let engine = current_engine();
    move || {
        engine
            .get()
            .map(|engine| view! { <UserdataForm server=server engine=engine /> })
    }
}

#[component]
fn UserdataForm(server: Memo<String>, engine: EngineKind) -> impl IntoView {
    let run_list = RwSignal::new(String::new());
    let organization = RwSignal::new(DEFAULT_CHEF_ORGANIZATION.to_owned());
    let environment = RwSignal::new(String::new());
    let client_version = RwSignal::new(String::new());
    let form = Submission::default();
    let (attempted, sending, error) = (form.attempted, form.sending, form.error);
    let script = RwSignal::new(None::<String>);
    let request = move || {
        let inputs = ChefInputs {
            run_list: run_list.get(),
            organization: organization.get(),
            environment: environment.get(),
            client_version: client_version.get(),
        };
        userdata_request(&server.get(), engine, &inputs)
    };
    let submit = form.on_submit(
        request,
        || {},
        |request| async move { engine_attributes::export_userdata(&request).await },
        move |text| script.set(Some(text)),
    );
    let inputs = match engine {
        EngineKind::Chef => view! {
            <TextField
                id="userdata-run-list"
                label="Run list (optional)"
                hint="Roles and recipes in order, e.g. recipe[nginx],role[web]."
                value=run_list
                show=attempted
            />
            <TextField
                id="userdata-organization"
                label="Organization"
                value=organization
                show=attempted
            />
            <TextField
                id="userdata-environment"
                label="Node environment (optional)"
                hint="E.g. development, staging or production."
                value=environment
                show=attempted
            />
            <TextField
                id="userdata-client-version"
                label="Chef client version (optional)"
                hint="Empty installs the latest chef-client."
                placeholder="13.8.5"
                value=client_version
                error=Signal::derive(move || check_client_version(&client_version.get()))
                show=attempted
            />
        }
        .into_any(),
        EngineKind::Puppet => view! {
            <p class="hint">
                "Puppet servers take no inputs: the script installs the Puppet agent, sends its CSR with "
                "associate-node and waits for the signed certificate."
            </p>
        }
        .into_any(),
    };
    view! {
        <Panel id="userdata-heading" title="Node userdata">
            <form class="form" on:submit=submit novalidate>
                <p class="hint">
                    "A bash script for a node's EC2 user data: it installs the agent, trusts the server's CA "
                    "and associates the node with this server."
                </p>
                {inputs}
                <FormFooter
                    failure="Could not export the userdata"
                    error=error
                    submit="Export userdata"
                    class="btn"
                    busy=sending
                    cli=Signal::derive(move || {
                        request()
                            .ok()
                            .map(|r| cli_command(Operation::ExportServerEngineAttribute, &r))
                    })
                />
            </form>
            {move || {
                script.get().map(|text| {
                    view! {
                        <div class="form">
                            <TextOutput
                                label="Userdata script".to_owned()
                                text=text
                                file=Some(FileOffer {
                                    name: format!("{}-userdata.sh", server.get_untracked()),
                                    mime: "text/x-shellscript",
                                })
                            />
                        </div>
                    }
                })
            }}
        </Panel>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chef_sends_only_what_was_filled() {
        let inputs = ChefInputs {
            run_list: "recipe[nginx],role[web]".to_owned(),
            organization: "default".to_owned(),
            client_version: "13.8.5".to_owned(),
            ..ChefInputs::default()
        };
        let request = userdata_request("chef", EngineKind::Chef, &inputs).unwrap();
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            serde_json::json!({
                "ExportAttributeName": "Userdata",
                "ServerName": "chef",
                "InputAttributes": [
                    {"Name": "RunList", "Value": "recipe[nginx],role[web]"},
                    {"Name": "OrganizationName", "Value": "default"},
                    {"Name": "NodeClientVersion", "Value": "13.8.5"}
                ]
            })
        );
    }

    #[test]
    fn puppet_sends_no_inputs_and_versions_are_checked() {
        let inputs = ChefInputs {
            run_list: "recipe[x]".to_owned(),
            ..ChefInputs::default()
        };
        let request = userdata_request("pup", EngineKind::Puppet, &inputs).unwrap();
        assert_eq!(request.input_attributes, None);
        assert!(check_client_version("13.8").is_some());
        assert!(check_client_version("13.8.x").is_some());
        assert_eq!(check_client_version(""), None);
        assert_eq!(check_client_version("14.0.1"), None);
    }
}
