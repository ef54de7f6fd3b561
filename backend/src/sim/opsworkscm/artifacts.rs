//! Engine artifacts that OpsWorks CM hands out or consumes: key pairs,
//! certificates, starter kits, user data scripts and passwords.
//!
//! Everything here is pure: no clock is read (callers pass `now`), nothing is
//! persisted, and no network is touched. The pieces are:
//!
//! - [`keys`]: RSA key generation (the Chef pivotal key, the Puppet
//!   control-repo key) and validation of user-supplied RSA public keys
//!   (`CHEF_PIVOTAL_KEY`, `CHEF_NODE_PUBLIC_KEY`).
//! - [`ca`]: the per-server certificate authority whose certificate is
//!   shipped in starter kits and user data, and which signs Puppet node CSRs
//!   (`PUPPET_NODE_CSR` → `PUPPET_NODE_CERT`).
//! - [`starter_kit`]: the `CHEF_STARTER_KIT` / `PUPPET_STARTER_KIT` ZIP files.
//! - [`userdata`]: the EC2 user data scripts returned by
//!   `ExportServerEngineAttribute` (`Userdata`).
//! - [`password`]: generation of admin passwords (the rules they follow live
//!   in `shared::opsworkscm::AdminPassword`).
//!
//! PEM armour, SHA-256 and the signing key are the simulator core's
//! (`crate::sim::crypto`, which CloudHSM uses too), re-exported here.
//!
//! Errors are reported as [`ArtifactError`]; the Display text of the
//! validation variants is meant to be returned verbatim as the message of an
//! AWS `ValidationException` (see [`ArtifactError::is_validation`]).
#![allow(
    unreachable_pub,
    reason = "declared as a private module of the simulator; `pub` marks its API"
)]

pub mod ca;
pub mod keys;
pub mod password;
pub mod starter_kit;
pub mod userdata;

pub(crate) use crate::sim::crypto::{pem_decode, pem_encode, sha256_hex};

/// Errors raised while building or validating engine artifacts.
///
/// Variants whose text starts with an attribute name describe bad user input
/// and map to a `ValidationException`; the others are internal failures.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArtifactError {
    /// A user-supplied RSA public key could not be accepted.
    #[error("{attribute} is not a valid RSA public key: {reason}")]
    InvalidPublicKey {
        /// The engine attribute (or other input) that carried the key.
        attribute: String,
        /// Why the key was rejected.
        reason: String,
    },
    /// A user-supplied certificate signing request could not be accepted.
    #[error("{attribute} is not a valid PEM certificate signing request: {reason}")]
    InvalidCsr {
        /// The engine attribute that carried the CSR.
        attribute: String,
        /// Why the CSR was rejected.
        reason: String,
    },
    /// Stored key material (a private key or CA certificate) could not be loaded.
    #[error("stored key material could not be loaded: {0}")]
    InvalidStoredMaterial(String),
    /// A key pair could not be generated.
    #[error("could not generate a key pair: {0}")]
    KeyGeneration(String),
    /// A certificate could not be built or signed.
    #[error("could not issue a certificate: {0}")]
    Certificate(String),
    /// A starter kit archive could not be written.
    #[error("could not build the starter kit archive: {0}")]
    Archive(String),
}

impl ArtifactError {
    /// Whether the error describes invalid user input (an AWS
    /// `ValidationException`) rather than an internal failure.
    pub fn is_validation(&self) -> bool {
        matches!(
            self,
            Self::InvalidPublicKey { .. } | Self::InvalidCsr { .. }
        )
    }

    /// Names the engine attribute in a validation error, e.g.
    /// `keys::parse_public_key(v).map_err(|e| e.for_attribute("CHEF_PIVOTAL_KEY"))`.
    /// Other errors are returned unchanged.
    pub fn for_attribute(self, name: &str) -> Self {
        match self {
            Self::InvalidPublicKey { reason, .. } => Self::InvalidPublicKey {
                attribute: name.to_owned(),
                reason,
            },
            Self::InvalidCsr { reason, .. } => Self::InvalidCsr {
                attribute: name.to_owned(),
                reason,
            },
            other => other,
        }
    }
}

/// Replaces each `@KEY@` of `text` whose key is in `values` by its value,
/// in one pass (values are never themselves searched for placeholders).
pub(crate) fn fill_template(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len() + 256);
    let mut rest = text;
    while let Some(at) = rest.find('@') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let replacement = after.find('@').and_then(|end| {
            let key = &after[..end];
            values
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (*v, end))
        });
        match replacement {
            Some((value, end)) => {
                out.push_str(value);
                rest = &after[end + 1..];
            }
            None => {
                out.push('@');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_attribute() {
        let err = ArtifactError::InvalidCsr {
            attribute: "CSR".into(),
            reason: "bad".into(),
        }
        .for_attribute("PUPPET_NODE_CSR");
        assert_eq!(
            err.to_string(),
            "PUPPET_NODE_CSR is not a valid PEM certificate signing request: bad"
        );
        assert!(err.is_validation());
        assert!(!ArtifactError::Archive("x".into()).is_validation());
    }

    #[test]
    fn fill_template_is_single_pass() {
        assert_eq!(
            fill_template("a @X@ b @Y@ c@d @Z@", &[("X", "@Y@"), ("Y", "y")]),
            "a @Y@ b y c@d @Z@"
        );
    }
}
