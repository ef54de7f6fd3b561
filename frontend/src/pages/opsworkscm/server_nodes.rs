//! The Nodes tab of the server details page (`/servers/:name/nodes`):
//! associate a node (Chef: organization and public key; Puppet: CSR), follow
//! the requests started here live until SUCCESS or FAILED (downloading a
//! Puppet node's signed certificate), and disassociate a node.

pub mod associate_form;
pub mod associations_table;
pub mod disassociate_form;
mod requests;

use leptos::prelude::*;
use shared::opsworkscm::ServerStatus;

use self::associate_form::AssociateNodeForm;
use self::associations_table::AssociationsTable;
use self::disassociate_form::{DisassociateNodeForm, Disassociation};
use crate::live::LiveStore;
use crate::pages::opsworkscm::server_details::{current, current_engine};

/// Nodes tab.
#[component]
pub fn NodesTab() -> impl IntoView {
    let live = LiveStore::expect();
    let server = current();
    let engine = current_engine();
    let status = Memo::new(move |_| live.server(&server.get()).and_then(|s| s.status));
    let disassociation = Disassociation::default();
    let not_healthy = move || {
        status
            .get()
            .filter(|s| *s != ServerStatus::Healthy)
            .map(|s| {
                view! {
                    <p class="info" role="note">
                        {format!(
                            "Nodes can be associated and disassociated while the server is HEALTHY; it is {} now.",
                            s.as_str(),
                        )}
                    </p>
                }
            })
    };
    view! {
        <div class="tab-stack">
            {not_healthy}
            {move || {
                engine
                    .get()
                    .map(|engine| {
                        view! {
                            <div class="nodes-grid">
                                <AssociateNodeForm server=server engine=engine />
                                <DisassociateNodeForm server=server engine=engine state=disassociation />
                            </div>
                            <AssociationsTable server=server disassociation=disassociation />
                        }
                    })
            }}
        </div>
    }
}
