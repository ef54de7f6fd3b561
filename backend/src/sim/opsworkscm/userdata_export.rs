//! ExportServerEngineAttribute: the `Userdata` bootstrap script for nodes.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use shared::opsworkscm::{
    EngineKind, ExportServerEngineAttributeRequest, ExportServerEngineAttributeResponse,
    ServerStatus as S, attributes,
};

use super::artifacts;
use super::servers::{attribute, attribute_pairs, engine_of};
use crate::error::ServiceError;
use crate::sim::OpsWorksCm;
use crate::target::RequestContext;
use shared::operation::Handles;
use shared::opsworkscm::ops;

impl Handles<ops::ExportServerEngineAttribute> for OpsWorksCm<'_> {
    /// ExportServerEngineAttribute (`Userdata`).
    async fn handle(
        &self,
        _ctx: &RequestContext,
        req: ExportServerEngineAttributeRequest,
    ) -> Result<ExportServerEngineAttributeResponse, ServiceError> {
        if req.export_attribute_name.as_str() != attributes::USERDATA {
            return Err(ServiceError::validation(format!(
                "ExportAttributeName '{}' is not supported; the only supported value is Userdata.",
                req.export_attribute_name
            )));
        }
        let name = req.server_name.as_str().to_owned();
        let rec =
            self.read(|state| {
                state.opsworkscm.servers.get(&name).cloned().ok_or_else(|| {
                    ServiceError::not_found(format!("Server {name} does not exist."))
                })
            })?;
        if let Some(status) = rec.server.status
            && matches!(
                status,
                S::Creating | S::Terminated | S::Failed | S::Deleting
            )
        {
            return Err(ServiceError::invalid_state(format!(
                "Cannot export Userdata of server {name} while it is in state {}.",
                status.as_str()
            )));
        }
        let mut inputs = std::collections::HashMap::new();
        for (k, v) in attribute_pairs(req.input_attributes.as_deref()) {
            match k.as_str() {
                attributes::RUN_LIST
                | attributes::ORGANIZATION_NAME
                | attributes::NODE_ENVIRONMENT
                | attributes::NODE_CLIENT_VERSION => {
                    inputs.insert(k, v);
                }
                _ => {
                    return Err(ServiceError::validation(format!(
                        "Input attribute '{k}' is not supported; use RunList, OrganizationName, NodeEnvironment or NodeClientVersion."
                    )));
                }
            }
        }
        if let Some(v) = inputs.get(attributes::NODE_CLIENT_VERSION) {
            let ok = v.is_empty()
                || (v.split('.').count() == 3
                    && v.split('.')
                        .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit())));
            if !ok {
                return Err(ServiceError::validation(
                    "NodeClientVersion must be three numbers separated by dots, such as 13.8.5.",
                ));
            }
        }
        // Nodes register with the address users browse to.
        let endpoint = rec
            .server
            .custom_domain
            .clone()
            .or_else(|| rec.server.endpoint.clone())
            .unwrap_or_default();
        let script = match engine_of(&rec) {
            EngineKind::Chef => {
                artifacts::userdata::chef_userdata(&artifacts::userdata::ChefUserdata {
                    server_name: &name,
                    region: &self.config.region,
                    endpoint: &endpoint,
                    ca_cert_pem: &rec.ca_cert_pem,
                    run_list: inputs
                        .get(attributes::RUN_LIST)
                        .map(String::as_str)
                        .filter(|s| !s.is_empty()),
                    organization: inputs
                        .get(attributes::ORGANIZATION_NAME)
                        .map(String::as_str)
                        .filter(|s| !s.is_empty())
                        .unwrap_or("default"),
                    node_environment: inputs
                        .get(attributes::NODE_ENVIRONMENT)
                        .map(String::as_str)
                        .filter(|s| !s.is_empty()),
                    chef_client_version: inputs
                        .get(attributes::NODE_CLIENT_VERSION)
                        .map(String::as_str)
                        .filter(|s| !s.is_empty()),
                })
            }
            EngineKind::Puppet => {
                artifacts::userdata::puppet_userdata(&artifacts::userdata::PuppetUserdata {
                    server_name: &name,
                    region: &self.config.region,
                    endpoint: &endpoint,
                    ca_cert_pem: &rec.ca_cert_pem,
                })
            }
        };
        Ok(ExportServerEngineAttributeResponse {
            engine_attribute: Some(attribute(attributes::USERDATA, BASE64.encode(script))),
            server_name: Some(name),
        })
    }
}
