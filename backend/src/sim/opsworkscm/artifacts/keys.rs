//! RSA keys: generating key pairs (the Chef pivotal key, the Puppet
//! control-repo key) and validating user-supplied RSA public keys such as
//! `CHEF_PIVOTAL_KEY` and `CHEF_NODE_PUBLIC_KEY`.

use aws_lc_rs::encoding::AsDer as _;
use aws_lc_rs::signature::KeyPair as _;
use base64::Engine as _;
use x509_parser::prelude::FromDer as _;

use super::{ArtifactError, pem_decode, pem_encode, sha256_hex};
use crate::sim::crypto::RSA_ALGORITHM_IDENTIFIER;

/// The smallest RSA modulus accepted in a user-supplied public key, in bits.
pub const MIN_RSA_KEY_BITS: usize = 1024;

/// A generated RSA private key.
#[derive(Clone)]
pub struct RsaPrivateKey {
    pkcs8_der: Vec<u8>,
    spki_der: Vec<u8>,
}

impl std::fmt::Debug for RsaPrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RsaPrivateKey")
            .field("public_key_sha256", &sha256_hex(&self.spki_der))
            .finish_non_exhaustive()
    }
}

impl RsaPrivateKey {
    /// The private key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), which
    /// knife, chef-client, OpenSSH and Ruby's OpenSSL all read.
    pub fn private_key_pem(&self) -> String {
        pem_encode("PRIVATE KEY", &self.pkcs8_der)
    }

    /// The public key as SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`).
    pub fn public_key_pem(&self) -> String {
        pem_encode("PUBLIC KEY", &self.spki_der)
    }
}

/// Generates a 2048-bit RSA key pair (from the seeded generator in a
/// `--seed` run).
pub fn generate_rsa_private_key() -> Result<RsaPrivateKey, ArtifactError> {
    let pair = if crate::sim::random::is_seeded() {
        let der = crate::sim::random::with(|rng| crate::sim::crypto::seeded_rsa::pkcs8_der(rng));
        aws_lc_rs::rsa::KeyPair::from_pkcs8(&der)
            .map_err(|e| ArtifactError::KeyGeneration(format!("seeded RSA: {e}")))?
    } else {
        aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048)
            .map_err(|e| ArtifactError::KeyGeneration(format!("RSA: {e}")))?
    };
    let pkcs8 = pair
        .as_der()
        .map_err(|e| ArtifactError::KeyGeneration(format!("RSA PKCS#8 encoding: {e}")))?;
    let spki = pair
        .public_key()
        .as_der()
        .map_err(|e| ArtifactError::KeyGeneration(format!("RSA public key encoding: {e}")))?;
    Ok(RsaPrivateKey {
        pkcs8_der: pkcs8.as_ref().to_vec(),
        spki_der: spki.as_ref().to_vec(),
    })
}

/// A key that signs certificates and CSRs: ECDSA P-256, or in a `--seed`
/// run RSA 2048 from the seeded generator (ECDSA signatures draw a fresh
/// nonce from the operating system; RSA PKCS#1 v1.5 ones do not).
///
/// # Errors
/// When the key cannot be made.
pub fn signing_key() -> Result<rcgen::KeyPair, ArtifactError> {
    crate::sim::crypto::signing_key().map_err(ArtifactError::KeyGeneration)
}

/// A validated RSA public key in canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedPublicKey {
    /// The key as SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`).
    pub spki_pem: String,
    /// Lower-case hex SHA-256 of the SubjectPublicKeyInfo DER.
    pub fingerprint_sha256: String,
    /// The modulus size in bits.
    pub bits: usize,
}

fn invalid(reason: impl Into<String>) -> ArtifactError {
    ArtifactError::InvalidPublicKey {
        attribute: "The public key".to_owned(),
        reason: reason.into(),
    }
}

/// Parses and validates a user-supplied RSA public key.
///
/// Accepted forms: a PEM `PUBLIC KEY` (SubjectPublicKeyInfo) or
/// `RSA PUBLIC KEY` (PKCS#1) block, or the base64 encoding of such a PEM
/// text or of the DER of either structure (the API reference calls
/// `CHEF_PIVOTAL_KEY` "a base64-encoded RSA public key"). The key must be
/// RSA with a modulus of at least [`MIN_RSA_KEY_BITS`] bits.
///
/// Errors name "The public key"; use [`ArtifactError::for_attribute`] to
/// name the engine attribute instead.
pub fn parse_public_key(input: &str) -> Result<ParsedPublicKey, ArtifactError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(invalid("the value is empty"));
    }
    if trimmed.contains("-----BEGIN") {
        return parse_pem_public_key(trimmed);
    }
    if trimmed.starts_with("ssh-rsa ") {
        return Err(invalid(
            "OpenSSH keys are not supported; supply a PEM public key (openssl rsa -pubout)",
        ));
    }
    let compact: String = trimmed
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    let decoded = engine
        .decode(compact.as_bytes())
        .map_err(|_| invalid("expected a PEM public key or its base64 encoding"))?;
    if let Ok(text) = std::str::from_utf8(&decoded)
        && text.contains("-----BEGIN")
    {
        return parse_pem_public_key(text.trim());
    }
    // Raw DER: SubjectPublicKeyInfo first, then PKCS#1 RSAPublicKey.
    validate_spki(&decoded).or_else(|spki_err| {
        let wrapped = spki_from_pkcs1(&decoded);
        validate_spki(&wrapped).map_err(|_| spki_err)
    })
}

fn parse_pem_public_key(pem: &str) -> Result<ParsedPublicKey, ArtifactError> {
    let block = pem_decode(pem).map_err(invalid)?;
    match block.label.as_str() {
        "PUBLIC KEY" => validate_spki(&block.der),
        "RSA PUBLIC KEY" => validate_spki(&spki_from_pkcs1(&block.der)),
        label if label.contains("PRIVATE KEY") => Err(invalid(
            "a private key was supplied; supply only the public key",
        )),
        label => Err(invalid(format!(
            "expected a 'PUBLIC KEY' or 'RSA PUBLIC KEY' PEM block, found '{label}'"
        ))),
    }
}

fn validate_spki(der: &[u8]) -> Result<ParsedPublicKey, ArtifactError> {
    let (rest, spki) = x509_parser::x509::SubjectPublicKeyInfo::from_der(der)
        .map_err(|_| invalid("the key data is not a DER SubjectPublicKeyInfo structure"))?;
    if !rest.is_empty() {
        return Err(invalid("trailing data after the key"));
    }
    let bits = match spki.parsed() {
        Ok(x509_parser::public_key::PublicKey::RSA(rsa)) => {
            let exponent = rsa
                .try_exponent()
                .map_err(|_| invalid("the RSA public exponent is not usable"))?;
            if exponent < 3 || exponent % 2 == 0 {
                return Err(invalid("the RSA public exponent is not usable"));
            }
            rsa.key_size()
        }
        Ok(_) => return Err(invalid("the key is not an RSA key")),
        Err(_) => return Err(invalid("the RSA key data could not be parsed")),
    };
    if bits < MIN_RSA_KEY_BITS {
        return Err(invalid(format!(
            "the key has {bits} bits; at least {MIN_RSA_KEY_BITS} are required"
        )));
    }
    Ok(ParsedPublicKey {
        spki_pem: pem_encode("PUBLIC KEY", der),
        fingerprint_sha256: sha256_hex(der),
        bits,
    })
}

/// Wraps a PKCS#1 `RSAPublicKey` DER in a SubjectPublicKeyInfo DER.
fn spki_from_pkcs1(pkcs1: &[u8]) -> Vec<u8> {
    let mut bit_string = Vec::with_capacity(pkcs1.len() + 1);
    bit_string.push(0); // no unused bits
    bit_string.extend_from_slice(pkcs1);
    let mut body = RSA_ALGORITHM_IDENTIFIER.to_vec();
    der_tlv(0x03, &bit_string, &mut body);
    let mut out = Vec::with_capacity(body.len() + 4);
    der_tlv(0x30, &body, &mut out);
    out
}

fn der_tlv(tag: u8, value: &[u8], out: &mut Vec<u8>) {
    out.push(tag);
    let len = value.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(value);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    /// Key generation is the slow part of these tests; share one key.
    fn key() -> &'static RsaPrivateKey {
        static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
        KEY.get_or_init(|| generate_rsa_private_key().expect("key generation"))
    }

    /// The PKCS#1 RSAPublicKey inside the SubjectPublicKeyInfo.
    fn pkcs1_of(spki_der: &[u8]) -> Vec<u8> {
        let (_, spki) = x509_parser::x509::SubjectPublicKeyInfo::from_der(spki_der).unwrap();
        spki.subject_public_key.data.to_vec()
    }

    #[test]
    fn generated_key_round_trips() {
        let key = key();
        let pem = key.private_key_pem();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        let block = pem_decode(&pem).unwrap();
        let pair = aws_lc_rs::rsa::KeyPair::from_pkcs8(&block.der).unwrap();
        assert_eq!(pair.public_modulus_len(), 256);
        assert_eq!(pair.public_key().as_der().unwrap().as_ref(), key.spki_der);
        assert!(!format!("{key:?}").contains(&pem[30..60]));
    }

    #[test]
    fn public_key_pem_parses() {
        let key = key();
        let public = key.public_key_pem();
        assert!(public.starts_with("-----BEGIN PUBLIC KEY-----\n"));
        let parsed = parse_public_key(&public).unwrap();
        assert_eq!(parsed.bits, 2048);
        assert_eq!(parsed.spki_pem, public);
        assert_eq!(parsed.fingerprint_sha256, sha256_hex(&key.spki_der));
        assert_eq!(parsed.fingerprint_sha256.len(), 64);
    }

    #[test]
    fn other_encodings_are_accepted() {
        let key = key();
        let expected = parse_public_key(&key.public_key_pem()).unwrap();
        let b64 = base64::engine::general_purpose::STANDARD;
        // base64 of the PEM text
        let wrapped = b64.encode(key.public_key_pem());
        assert_eq!(parse_public_key(&wrapped).unwrap(), expected);
        // base64 of the DER, with line breaks
        let der_b64 = b64.encode(&key.spki_der);
        let folded = der_b64
            .as_bytes()
            .chunks(60)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(parse_public_key(&folded).unwrap(), expected);
        // PKCS#1 PEM and DER
        let pkcs1 = pkcs1_of(&key.spki_der);
        let pkcs1_pem = pem_encode("RSA PUBLIC KEY", &pkcs1);
        assert_eq!(parse_public_key(&pkcs1_pem).unwrap(), expected);
        assert_eq!(parse_public_key(&b64.encode(&pkcs1)).unwrap(), expected);
        // CRLF line endings and surrounding whitespace
        let crlf = format!("\n  {}  ", key.public_key_pem().replace('\n', "\r\n"));
        assert_eq!(parse_public_key(&crlf).unwrap(), expected);
    }

    #[test]
    fn garbage_is_rejected() {
        let key = key();
        let b64 = base64::engine::general_purpose::STANDARD;
        let cases = [
            String::new(),
            "   ".to_owned(),
            "not a key".to_owned(),
            "public-key-pem".to_owned(),
            b64.encode(b"hello world, this is not DER"),
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n".to_owned(),
            "-----BEGIN PUBLIC KEY-----\nnot base64 !!\n-----END PUBLIC KEY-----\n".to_owned(),
            key.private_key_pem(),
            pem_encode("CERTIFICATE", &key.spki_der),
            "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ user@host".to_owned(),
        ];
        for case in cases {
            let err = parse_public_key(&case).expect_err(&case);
            assert!(err.is_validation());
            let msg = err.for_attribute("CHEF_PIVOTAL_KEY").to_string();
            assert!(
                msg.starts_with("CHEF_PIVOTAL_KEY is not a valid RSA public key: "),
                "{msg}"
            );
        }
        let private = parse_public_key(&key.private_key_pem()).unwrap_err();
        assert!(private.to_string().contains("private key"));
        // A truncated key body is rejected.
        let der = &key.spki_der;
        let truncated = pem_encode("PUBLIC KEY", &der[..der.len() - 10]);
        assert!(parse_public_key(&truncated).is_err());
    }

    #[test]
    fn non_rsa_and_small_keys_are_rejected() {
        let ec = rcgen::KeyPair::generate().unwrap();
        let err = parse_public_key(&ec.public_key_pem()).unwrap_err();
        assert!(err.to_string().contains("not an RSA key"), "{err}");

        // A 512-bit modulus (0xC0 followed by zeros is fine for parsing).
        let mut modulus = vec![0u8; 65];
        modulus[1] = 0xc0;
        let mut seq = Vec::new();
        der_tlv(0x02, &modulus, &mut seq);
        der_tlv(0x02, &[0x01, 0x00, 0x01], &mut seq);
        let mut pkcs1 = Vec::new();
        der_tlv(0x30, &seq, &mut pkcs1);
        let err = parse_public_key(&pem_encode("RSA PUBLIC KEY", &pkcs1)).unwrap_err();
        assert!(err.to_string().contains("512 bits"), "{err}");
    }

    #[test]
    fn openssl_generated_key_is_accepted_when_available() {
        let Ok(out) = std::process::Command::new("sh")
            .arg("-c")
            .arg("openssl genrsa 2048 2>/dev/null | openssl rsa -pubout 2>/dev/null")
            .output()
        else {
            return;
        };
        let text = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() || !text.contains("BEGIN PUBLIC KEY") {
            return; // openssl not installed
        }
        assert_eq!(parse_public_key(&text).unwrap().bits, 2048);
    }
}
