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
//!   in `shared::validation::AdminPassword`).
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
mod seeded_rsa;
pub mod starter_kit;
pub mod userdata;

use base64::Engine as _;

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

/// One decoded PEM block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PemBlock {
    /// The label between `-----BEGIN ` and `-----`, e.g. `PUBLIC KEY`.
    pub label: String,
    /// The decoded DER bytes.
    pub der: Vec<u8>,
}

/// Encodes DER bytes as a PEM block with 64-character lines and a trailing newline.
pub fn pem_encode(label: &str, der: &[u8]) -> String {
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = String::with_capacity(body.len() + body.len() / 64 + label.len() * 2 + 40);
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    let mut rest = body.as_str();
    while !rest.is_empty() {
        let (line, tail) = rest.split_at(rest.len().min(64));
        out.push_str(line);
        out.push('\n');
        rest = tail;
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

/// Decodes the first PEM block of `input` (text before it is ignored).
///
/// The error is a short human-readable reason, for use inside an
/// [`ArtifactError`] message.
pub fn pem_decode(input: &str) -> Result<PemBlock, String> {
    const BEGIN: &str = "-----BEGIN ";
    let start = input
        .find(BEGIN)
        .ok_or_else(|| "no '-----BEGIN' line found".to_owned())?;
    let after_begin = &input[start + BEGIN.len()..];
    let label_end = after_begin
        .find("-----")
        .ok_or_else(|| "malformed '-----BEGIN' line".to_owned())?;
    let label = after_begin[..label_end].trim().to_owned();
    if label.is_empty() || label.contains('\n') {
        return Err("malformed '-----BEGIN' line".to_owned());
    }
    let body_and_rest = &after_begin[label_end + 5..];
    let end_marker = format!("-----END {label}-----");
    let body_end = body_and_rest
        .find(&end_marker)
        .ok_or_else(|| format!("missing '{end_marker}' line"))?;
    let body = &body_and_rest[..body_end];
    if body.contains(':') {
        return Err("PEM headers (such as encryption) are not supported".to_owned());
    }
    let compact: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if compact.is_empty() {
        return Err("the PEM body is empty".to_owned());
    }
    let der = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|e| format!("the PEM body is not valid base64 ({e})"))?;
    Ok(PemBlock { label, der })
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

/// Lower-case hex SHA-256 digest of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    use std::fmt::Write as _;
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, data);
    digest
        .as_ref()
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_round_trip() {
        let der: Vec<u8> = (0..=255u8).collect();
        let pem = pem_encode("TEST DATA", &der);
        assert!(pem.lines().all(|l| l.len() <= 64));
        let block =
            pem_decode(&format!("junk before\r\n{}", pem.replace('\n', "\r\n"))).expect("decodes");
        assert_eq!(block.label, "TEST DATA");
        assert_eq!(block.der, der);
    }

    #[test]
    fn pem_decode_rejects_garbage() {
        assert!(pem_decode("hello").is_err());
        assert!(pem_decode("-----BEGIN X-----\n!!!\n-----END X-----").is_err());
        assert!(pem_decode("-----BEGIN X-----\nAAAA\n-----END Y-----").is_err());
        assert!(pem_decode("-----BEGIN X-----\n\n-----END X-----").is_err());
    }

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

    #[test]
    fn sha256_hex_known_value() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
