//! What the Nodes forms check and send: the AssociateNode and
//! DisassociateNode requests built from the fields with the `shared`
//! validators, per engine (Chef: organization and public key; Puppet: CSR).

use shared::opsworkscm::attributes::{CHEF_NODE_PUBLIC_KEY, CHEF_ORGANIZATION, PUPPET_NODE_CSR};
use shared::opsworkscm::{
    AssociateNodeRequest, DisassociateNodeRequest, EngineAttributeInput, EngineAttributeName,
    EngineAttributeValue, EngineKind, NodeName, ServerName,
};

/// What a field's check says; `None` is valid.
pub(super) type Check = Option<String>;

/// PEM headers of a certificate signing request.
const CSR_HEADERS: [&str; 2] = [
    "-----BEGIN CERTIFICATE REQUEST-----",
    "-----BEGIN NEW CERTIFICATE REQUEST-----",
];

/// The node name: `NodeName` (letters, digits, `-_:.`).
pub(super) fn check_node_name(value: &str) -> Check {
    let value = value.trim();
    if value.is_empty() {
        return Some("Enter the node's name, e.g. its EC2 instance id.".to_owned());
    }
    NodeName::parse(value).err().map(|e| e.to_string())
}

/// The Chef organization (the service only has `default`).
pub(super) fn check_organization(value: &str) -> Check {
    if value.trim().is_empty() {
        return Some("Enter the Chef organization (default).".to_owned());
    }
    EngineAttributeValue::parse(value.trim())
        .err()
        .map(|e| e.to_string())
}

/// The Chef node's public key: a PEM public key, never a private key.
pub(super) fn check_public_key(value: &str) -> Check {
    let value = value.trim();
    if value.is_empty() {
        return Some("Paste the node's public key or upload its file.".to_owned());
    }
    if value.contains("PRIVATE KEY") {
        return Some(
            "This is a private key. Send the public key only: openssl rsa -in node.pem -pubout"
                .to_owned(),
        );
    }
    EngineAttributeValue::parse(value)
        .err()
        .map(|e| e.to_string())
}

/// The Puppet node's certificate signing request, in PEM.
pub(super) fn check_csr(value: &str) -> Check {
    let value = value.trim();
    if value.is_empty() {
        return Some("Paste the node's certificate signing request or upload its file.".to_owned());
    }
    if !CSR_HEADERS.iter().any(|header| value.starts_with(header)) {
        return Some(
            "Expected a PEM certificate signing request starting with -----BEGIN CERTIFICATE REQUEST-----."
                .to_owned(),
        );
    }
    EngineAttributeValue::parse(value)
        .err()
        .map(|e| e.to_string())
}

/// The associate form's fields, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct AssociateFields {
    pub(super) node_name: String,
    pub(super) organization: String,
    pub(super) public_key: String,
    pub(super) csr: String,
}

impl AssociateFields {
    /// The first error among the fields this engine uses.
    fn first_error(&self, engine: EngineKind) -> Check {
        let engine_checks = match engine {
            EngineKind::Chef => [
                check_organization(&self.organization),
                check_public_key(&self.public_key),
            ],
            EngineKind::Puppet => [check_csr(&self.csr), None],
        };
        check_node_name(&self.node_name).or(engine_checks.into_iter().flatten().next())
    }
}

fn attribute(name: &str, value: &str) -> Result<EngineAttributeInput, String> {
    Ok(EngineAttributeInput {
        name: Some(EngineAttributeName::parse(name).map_err(|e| e.to_string())?),
        value: Some(EngineAttributeValue::parse(value.trim()).map_err(|e| e.to_string())?),
    })
}

fn names(server: &str, node: &str) -> Result<(ServerName, NodeName), String> {
    Ok((
        ServerName::parse(server).map_err(|e| e.to_string())?,
        NodeName::parse(node.trim()).map_err(|e| e.to_string())?,
    ))
}

/// The AssociateNode request, or the first error.
pub(super) fn associate_request(
    server: &str,
    engine: EngineKind,
    fields: &AssociateFields,
) -> Result<AssociateNodeRequest, String> {
    if let Some(error) = fields.first_error(engine) {
        return Err(error);
    }
    let (server_name, node_name) = names(server, &fields.node_name)?;
    let engine_attributes = match engine {
        EngineKind::Chef => vec![
            attribute(CHEF_ORGANIZATION, &fields.organization)?,
            attribute(CHEF_NODE_PUBLIC_KEY, &fields.public_key)?,
        ],
        EngineKind::Puppet => vec![attribute(PUPPET_NODE_CSR, &fields.csr)?],
    };
    Ok(AssociateNodeRequest {
        server_name,
        node_name,
        engine_attributes,
    })
}

/// The DisassociateNode request (Chef names the organization), or the first error.
pub(super) fn disassociate_request(
    server: &str,
    engine: EngineKind,
    node: &str,
    organization: &str,
) -> Result<DisassociateNodeRequest, String> {
    if let Some(error) = check_node_name(node).or_else(|| match engine {
        EngineKind::Chef => check_organization(organization),
        EngineKind::Puppet => None,
    }) {
        return Err(error);
    }
    let (server_name, node_name) = names(server, node)?;
    Ok(DisassociateNodeRequest {
        server_name,
        node_name,
        engine_attributes: match engine {
            EngineKind::Chef => Some(vec![attribute(CHEF_ORGANIZATION, organization)?]),
            EngineKind::Puppet => None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSR: &str =
        "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n";
    const PUBLIC_KEY: &str = "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----";

    #[test]
    fn puppet_sends_the_csr_only() {
        let fields = AssociateFields {
            node_name: " node1.example.com ".to_owned(),
            organization: "default".to_owned(),
            csr: CSR.to_owned(),
            ..AssociateFields::default()
        };
        let request = associate_request("pup", EngineKind::Puppet, &fields).unwrap();
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            serde_json::json!({
                "ServerName": "pup",
                "NodeName": "node1.example.com",
                "EngineAttributes": [{"Name": "PUPPET_NODE_CSR", "Value": CSR.trim()}]
            })
        );
    }

    #[test]
    fn chef_sends_organization_and_public_key() {
        let fields = AssociateFields {
            node_name: "i-0abc".to_owned(),
            organization: "default".to_owned(),
            public_key: PUBLIC_KEY.to_owned(),
            ..AssociateFields::default()
        };
        let request = associate_request("chef", EngineKind::Chef, &fields).unwrap();
        let attributes = serde_json::to_value(&request.engine_attributes).unwrap();
        assert_eq!(
            attributes,
            serde_json::json!([
                {"Name": "CHEF_ORGANIZATION", "Value": "default"},
                {"Name": "CHEF_NODE_PUBLIC_KEY", "Value": PUBLIC_KEY}
            ])
        );
    }

    #[test]
    fn fields_are_checked_before_sending() {
        assert!(check_node_name("").is_some());
        assert!(
            check_node_name("bad name")
                .unwrap()
                .contains("failed to satisfy constraint")
        );
        assert_eq!(check_node_name("i-0abc:node_1.x"), None);
        assert!(check_csr("hello").unwrap().contains("CERTIFICATE REQUEST"));
        assert_eq!(check_csr(CSR), None);
        assert!(
            check_public_key("-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----")
                .unwrap()
                .contains("private key")
        );
        assert!(check_public_key(&"A".repeat(10_001)).is_some());
        assert!(check_organization(" ").is_some());
        let missing_key = AssociateFields {
            node_name: "n".to_owned(),
            organization: "default".to_owned(),
            ..AssociateFields::default()
        };
        assert!(associate_request("chef", EngineKind::Chef, &missing_key).is_err());
        // A Puppet form does not care about the Chef fields.
        let puppet = AssociateFields {
            csr: CSR.to_owned(),
            ..missing_key
        };
        assert!(associate_request("pup", EngineKind::Puppet, &puppet).is_ok());
    }

    #[test]
    fn disassociate_names_the_organization_on_chef_only() {
        let chef = disassociate_request("chef", EngineKind::Chef, "n1", "default").unwrap();
        assert_eq!(
            serde_json::to_value(&chef).unwrap()["EngineAttributes"],
            serde_json::json!([{"Name": "CHEF_ORGANIZATION", "Value": "default"}])
        );
        let puppet = disassociate_request("pup", EngineKind::Puppet, "n1", "").unwrap();
        assert_eq!(puppet.engine_attributes, None);
        assert!(disassociate_request("chef", EngineKind::Chef, "n1", "").is_err());
        assert!(disassociate_request("pup", EngineKind::Puppet, "", "").is_err());
    }
}
