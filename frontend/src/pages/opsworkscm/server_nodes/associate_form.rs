//! The "Associate a node" form: node name, then the Chef organization and
//! public key or the Puppet CSR (pasted or read from a file).

use leptos::prelude::*;
use shared::opsworkscm::attributes::DEFAULT_CHEF_ORGANIZATION;
use shared::opsworkscm::{EngineKind, Operation};

use super::requests::{
    AssociateFields, associate_request, check_csr, check_node_name, check_organization,
    check_public_key,
};
use crate::api::opsworkscm::nodes;
use crate::components::cli::cli_command;
use crate::components::field::{FormFooter, PemField, TextField};
use crate::components::panel::Panel;
use crate::components::submission::Submission;
use crate::live::LiveStore;
use crate::live::opsworkscm::associations::NodeAction;

/// The associate form of `server`, whose engine is `engine`.
#[component]
pub fn AssociateNodeForm(
    /// The server in the URL.
    server: Memo<String>,
    /// Its engine (which attributes the form asks for).
    engine: EngineKind,
) -> impl IntoView {
    let live = LiveStore::expect();
    let node_name = RwSignal::new(String::new());
    let organization = RwSignal::new(DEFAULT_CHEF_ORGANIZATION.to_owned());
    let public_key = RwSignal::new(String::new());
    let csr = RwSignal::new(String::new());
    let form = Submission::default();
    let (attempted, sending, error) = (form.attempted, form.sending, form.error);
    let fields = move || AssociateFields {
        node_name: node_name.get(),
        organization: organization.get(),
        public_key: public_key.get(),
        csr: csr.get(),
    };
    let request = move || associate_request(&server.get(), engine, &fields());
    let submit = form.on_submit(
        request,
        || {},
        |request| async move {
            let token = nodes::associate_node(&request).await?;
            Ok((request, token))
        },
        move |(request, token)| {
            live.associations().start(
                NodeAction::Associate,
                request.server_name.as_str(),
                request.node_name.as_str(),
                token,
            );
        },
    );
    let engine_fields = match engine {
        EngineKind::Chef => view! {
            <TextField
                id="associate-organization"
                label="Chef organization"
                hint="The service creates one organization, default."
                value=organization
                error=Signal::derive(move || check_organization(&organization.get()))
                show=attempted
            />
            <PemField
                id="associate-public-key"
                label="Node public key"
                hint="The PEM public key of the node's client key (openssl rsa -in client.pem -pubout)."
                upload_label="Upload public key file"
                accept=".pem,.pub,.key,.txt"
                value=public_key
                error=Signal::derive(move || check_public_key(&public_key.get()))
                show=attempted
            />
        }
        .into_any(),
        EngineKind::Puppet => view! {
            <PemField
                id="associate-csr"
                label="Certificate signing request (CSR)"
                hint="The node's PEM CSR; the server's CA signs it and returns the node certificate."
                upload_label="Upload CSR file"
                accept=".pem,.csr,.txt"
                value=csr
                error=Signal::derive(move || check_csr(&csr.get()))
                show=attempted
            />
        }
        .into_any(),
    };
    view! {
        <Panel id="associate-heading" title="Associate a node">
            <form class="form" on:submit=submit novalidate>
                <TextField
                    id="associate-node-name"
                    label="Node name"
                    hint="Letters, digits and - _ : . such as an EC2 instance id or a host name."
                    placeholder="i-0123456789abcdef0"
                    value=node_name
                    error=Signal::derive(move || check_node_name(&node_name.get()))
                    show=attempted
                />
                {engine_fields}
                <FormFooter
                    failure="Could not associate the node"
                    error=error
                    submit="Associate node"
                    busy=sending
                    cli=Signal::derive(move || {
                        request().ok().map(|request| cli_command(Operation::AssociateNode, &request))
                    })
                />
            </form>
        </Panel>
    }
}
