//! The "Disassociate a node" form and its confirmation: node name and, on
//! Chef, the organization. The associations list opens the same
//! confirmation for one of its nodes.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::opsworkscm::attributes::DEFAULT_CHEF_ORGANIZATION;
use shared::opsworkscm::{EngineKind, Operation};

use super::requests::{check_node_name, check_organization, disassociate_request};
use crate::api::ApiError;
use crate::api::opsworkscm::nodes;
use crate::components::cli::cli_command;
use crate::components::field::{FormFooter, TextField};
use crate::components::modal::ConfirmDelete;
use crate::components::panel::Panel;
use crate::live::LiveStore;
use crate::live::opsworkscm::associations::NodeAction;

/// The form's state, shared with the associations list (its Disassociate buttons).
#[derive(Clone, Copy)]
pub struct Disassociation {
    node_name: RwSignal<String>,
    organization: RwSignal<String>,
    confirm_open: RwSignal<bool>,
}

/// Empty node name, the default organization, not confirming.
impl Default for Disassociation {
    fn default() -> Self {
        Self {
            node_name: RwSignal::new(String::new()),
            organization: RwSignal::new(DEFAULT_CHEF_ORGANIZATION.to_owned()),
            confirm_open: RwSignal::new(false),
        }
    }
}

impl Disassociation {
    /// Asks to confirm the disassociation of `node`.
    pub fn ask(&self, node: String) {
        self.node_name.set(node);
        self.confirm_open.set(true);
    }
}

/// The disassociate form of `server`, whose engine is `engine`.
#[component]
pub fn DisassociateNodeForm(
    /// The server in the URL.
    server: Memo<String>,
    /// Its engine (Chef also names the organization).
    engine: EngineKind,
    /// The form's state, shared with the associations list.
    state: Disassociation,
) -> impl IntoView {
    let live = LiveStore::expect();
    let Disassociation {
        node_name,
        organization,
        confirm_open,
    } = state;
    let attempted = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let request =
        move || disassociate_request(&server.get(), engine, &node_name.get(), &organization.get());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        attempted.set(true);
        if untrack(request).is_ok() {
            confirm_open.set(true);
        }
    };
    let confirm = Callback::new(move |()| {
        let request = match untrack(request) {
            Ok(request) => request,
            Err(message) => {
                error.set(Some(ApiError::Invalid(message)));
                return;
            }
        };
        error.set(None);
        spawn_local(async move {
            match nodes::disassociate_node(&request).await {
                Ok(token) => live.associations().start(
                    NodeAction::Disassociate,
                    request.server_name.as_str(),
                    request.node_name.as_str(),
                    token,
                ),
                Err(err) => error.set(Some(err)),
            }
        });
    });
    let organization_field = (engine == EngineKind::Chef).then(|| {
        view! {
            <TextField
                id="disassociate-organization"
                label="Chef organization"
                value=organization
                error=Signal::derive(move || check_organization(&organization.get()))
                show=attempted
            />
        }
    });
    view! {
        <Panel id="disassociate-heading" title="Disassociate a node">
            <form class="form" on:submit=submit novalidate>
                <p class="hint">
                    "After a node is disassociated, its key pair no longer gives access to the server's API."
                </p>
                <TextField
                    id="disassociate-node-name"
                    label="Node to disassociate"
                    value=node_name
                    error=Signal::derive(move || check_node_name(&node_name.get()))
                    show=attempted
                />
                {organization_field}
                <FormFooter
                    failure="Could not disassociate the node"
                    error=error
                    submit="Disassociate node"
                    class="btn"
                    cli=Signal::derive(move || {
                        request().ok().map(|request| cli_command(Operation::DisassociateNode, &request))
                    })
                />
            </form>
        </Panel>
        <ConfirmDelete
            open=confirm_open
            title=Signal::derive(move || format!("Disassociate {}", node_name.get().trim()))
            message=Signal::derive(move || {
                format!(
                    "Node {} will be disassociated from {}: its key pair stops working with the server.",
                    node_name.get().trim(),
                    server.get(),
                )
            })
            on_confirm=confirm
            action="Disassociate"
        />
    }
}
