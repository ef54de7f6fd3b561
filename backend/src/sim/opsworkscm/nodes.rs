//! Node association: AssociateNode, DisassociateNode,
//! DescribeNodeAssociationStatus.
//!
//! A Chef node brings its public key; a Puppet node brings a CSR that the
//! server's own CA really signs, the certificate being returned as
//! `PUPPET_NODE_CERT` once the association has succeeded.

use shared::opsworkscm::{
    AssociateNodeRequest, AssociateNodeResponse, DescribeNodeAssociationStatusRequest,
    DescribeNodeAssociationStatusResponse, DisassociateNodeRequest, DisassociateNodeResponse,
    EngineKind, NodeAssociationStatus, ServerStatus, attributes,
};

use super::artifacts;
use super::durations;
use super::lifecycle::require_status;
use super::naming;
use super::records::RecordChanges as _;
use super::records::{AssociationKind, AssociationRecord};
use super::servers::{attribute_pairs, server_mut};
use crate::error::ServiceError;
use crate::sim::OpsWorksCm;
use crate::sim::Simulator;
use crate::target::RequestContext;
use shared::operation::Handles;
use shared::opsworkscm::ops;

fn find<'a>(pairs: &'a [(String, String)], names: &[&str]) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(n, _)| names.contains(&n.as_str()))
        .map(|(_, v)| v.as_str())
}

fn check_known(pairs: &[(String, String)], allowed: &[&str]) -> Result<(), ServiceError> {
    match pairs.iter().find(|(n, _)| !allowed.contains(&n.as_str())) {
        Some((name, _)) => Err(ServiceError::validation(format!(
            "Engine attribute '{name}' is not supported here; supported: {}.",
            allowed.join(", ")
        ))),
        None => Ok(()),
    }
}

fn check_organization(pairs: &[(String, String)]) -> Result<String, ServiceError> {
    let org = find(pairs, &[attributes::CHEF_ORGANIZATION]).ok_or_else(|| {
        ServiceError::validation("The engine attribute CHEF_ORGANIZATION is required.")
    })?;
    if org != "default" {
        return Err(ServiceError::validation(format!(
            "CHEF_ORGANIZATION '{org}' does not exist; the only organization is 'default'."
        )));
    }
    Ok(org.to_owned())
}

impl Simulator {
    async fn begin_association(
        &self,
        name: &str,
        node: &str,
        kind: AssociationKind,
        organization: Option<String>,
        certificate: Option<String>,
    ) -> Result<String, ServiceError> {
        let now = self.now();
        let due = self.due_in(durations::NODE);
        let token = naming::random_token();
        self.mutate(|state, changes| {
            let rec = server_mut(state, name)?;
            let verb = match kind {
                AssociationKind::Associate => "associate a node with",
                AssociationKind::Disassociate => "disassociate a node from",
            };
            require_status(rec, &[ServerStatus::Healthy], verb)?;
            if kind == AssociationKind::Disassociate && !rec.nodes.contains_key(node) {
                return Err(ServiceError::not_found(format!(
                    "Node {node} is not associated with server {name}."
                )));
            }
            state.opsworkscm.associations.insert(
                token.clone(),
                AssociationRecord {
                    token: token.clone(),
                    server_name: name.to_owned(),
                    node_name: node.to_owned(),
                    kind,
                    status: NodeAssociationStatus::InProgress,
                    certificate,
                    organization,
                    created_at: now,
                    due: Some(due),
                    order: state.journal_seq + 1,
                },
            );
            changes.association_changed(state, &token);
            let message = match kind {
                AssociationKind::Associate => format!("Association of node {node} started."),
                AssociationKind::Disassociate => format!("Disassociation of node {node} started."),
            };
            changes.event(state, name, now, message, None);
            Ok(token.clone())
        })
        .await
    }
}

impl Handles<ops::AssociateNode> for OpsWorksCm<'_> {
    /// AssociateNode.
    async fn handle(
        &self,
        _ctx: &RequestContext,
        req: AssociateNodeRequest,
    ) -> Result<AssociateNodeResponse, ServiceError> {
        let name = req.server_name.as_str().to_owned();
        let node = req.node_name.as_str().to_owned();
        let pairs = attribute_pairs(Some(&req.engine_attributes));
        let (engine, ca) = self.read(|state| {
            let rec =
                state.opsworkscm.servers.get(&name).ok_or_else(|| {
                    ServiceError::not_found(format!("Server {name} does not exist."))
                })?;
            require_status(rec, &[ServerStatus::Healthy], "associate a node with")?;
            let engine = rec.server.engine.as_deref().and_then(EngineKind::parse);
            Ok::<_, ServiceError>((engine, (rec.ca_cert_pem.clone(), rec.ca_key_pem.clone())))
        })?;
        let (organization, certificate) = match engine.unwrap_or(EngineKind::Chef) {
            EngineKind::Chef => {
                let keys = [
                    attributes::CHEF_NODE_PUBLIC_KEY,
                    attributes::CHEF_AUTOMATE_NODE_PUBLIC_KEY,
                ];
                check_known(&pairs, &[attributes::CHEF_ORGANIZATION, keys[0], keys[1]])?;
                let org = check_organization(&pairs)?;
                let key = find(&pairs, &keys).ok_or_else(|| {
                    ServiceError::validation(
                        "The engine attribute CHEF_NODE_PUBLIC_KEY is required.",
                    )
                })?;
                artifacts::keys::parse_public_key(key).map_err(|e| {
                    ServiceError::validation(e.for_attribute("CHEF_NODE_PUBLIC_KEY").to_string())
                })?;
                (Some(org), None)
            }
            EngineKind::Puppet => {
                check_known(&pairs, &[attributes::PUPPET_NODE_CSR])?;
                let csr = find(&pairs, &[attributes::PUPPET_NODE_CSR])
                    .ok_or_else(|| {
                        ServiceError::validation(
                            "The engine attribute PUPPET_NODE_CSR is required.",
                        )
                    })?
                    .to_owned();
                let now = self.now();
                let node_name = node.clone();
                let still_healthy = |state: &crate::sim::State| {
                    let rec = state.opsworkscm.servers.get(&name).ok_or_else(|| {
                        ServiceError::not_found(format!("Server {name} does not exist."))
                    })?;
                    require_status(rec, &[ServerStatus::Healthy], "associate a node with")
                };
                let cert = self
                    .crypto(still_healthy, move || {
                        let ca = artifacts::ca::ServerCa::from_pem(&ca.0, &ca.1)
                            .map_err(|e| ServiceError::internal(&e))?;
                        ca.sign_node_csr(&csr, &node_name, now).map_err(|e| {
                            if e.is_validation() {
                                ServiceError::validation(e.to_string())
                            } else {
                                ServiceError::internal(&e)
                            }
                        })
                    })
                    .await?;
                (None, Some(cert))
            }
        };
        self.begin_association(
            &name,
            &node,
            AssociationKind::Associate,
            organization,
            certificate,
        )
        .await
        .map(|token| AssociateNodeResponse {
            node_association_status_token: Some(token),
        })
    }
}

impl Handles<ops::DisassociateNode> for OpsWorksCm<'_> {
    /// DisassociateNode.
    async fn handle(
        &self,
        _ctx: &RequestContext,
        req: DisassociateNodeRequest,
    ) -> Result<DisassociateNodeResponse, ServiceError> {
        let name = req.server_name.as_str().to_owned();
        let node = req.node_name.as_str().to_owned();
        let pairs = attribute_pairs(req.engine_attributes.as_deref());
        let engine = self.read(|state| {
            state
                .opsworkscm
                .servers
                .get(&name)
                .map(|rec| rec.server.engine.as_deref().and_then(EngineKind::parse))
                .ok_or_else(|| ServiceError::not_found(format!("Server {name} does not exist.")))
        })?;
        let organization = match engine.unwrap_or(EngineKind::Chef) {
            EngineKind::Chef => {
                check_known(&pairs, &[attributes::CHEF_ORGANIZATION])?;
                Some(check_organization(&pairs)?)
            }
            EngineKind::Puppet => {
                check_known(&pairs, &[])?;
                None
            }
        };
        self.begin_association(
            &name,
            &node,
            AssociationKind::Disassociate,
            organization,
            None,
        )
        .await
        .map(|token| DisassociateNodeResponse {
            node_association_status_token: Some(token),
        })
    }
}

impl Handles<ops::DescribeNodeAssociationStatus> for OpsWorksCm<'_> {
    /// DescribeNodeAssociationStatus.
    async fn handle(
        &self,
        _ctx: &RequestContext,
        req: DescribeNodeAssociationStatusRequest,
    ) -> Result<DescribeNodeAssociationStatusResponse, ServiceError> {
        let name = req.server_name.as_str();
        let token = req.node_association_status_token.as_str();
        self.read(|state| {
            if !state.opsworkscm.servers.contains_key(name) {
                return Err(ServiceError::not_found(format!("Server {name} does not exist.")));
            }
            let rec = state
                .opsworkscm
                .associations
                .get(token)
                .filter(|a| a.server_name == name)
                .ok_or_else(|| {
                    ServiceError::not_found(format!(
                        "No recent association or disassociation request with this token was found for server {name}."
                    ))
                })?;
            Ok(DescribeNodeAssociationStatusResponse {
                node_association_status: Some(rec.status),
                engine_attributes: rec.engine_attributes(),
            })
        })
    }
}
