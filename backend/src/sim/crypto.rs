//! Cryptography both services use: PEM armour, SHA-256 digests, and the
//! keys that sign certificates and CSRs (seeded in a `--seed` run, so a
//! seeded simulator's certificates come out the same every time).

use base64::Engine as _;

pub(crate) mod seeded_rsa;

/// DER of the `rsaEncryption` AlgorithmIdentifier (OID 1.2.840.113549.1.1.1, NULL parameters).
pub(crate) const RSA_ALGORITHM_IDENTIFIER: [u8; 15] = [
    0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
];

/// One decoded PEM block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PemBlock {
    /// The label between `-----BEGIN ` and `-----`, e.g. `PUBLIC KEY`.
    pub(crate) label: String,
    /// The decoded DER bytes.
    pub(crate) der: Vec<u8>,
}

/// Encodes DER bytes as a PEM block with 64-character lines and a trailing newline.
pub(crate) fn pem_encode(label: &str, der: &[u8]) -> String {
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
/// The error is a short human-readable reason, for use inside the message
/// of the caller's own error (an invalid attribute, a refused certificate).
pub(crate) fn pem_decode(input: &str) -> Result<PemBlock, String> {
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

/// Lower-case hex SHA-256 digest of `data`.
pub(crate) fn sha256_hex(data: &[u8]) -> String {
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

/// A key that signs certificates and CSRs: ECDSA P-256, or in a `--seed`
/// run RSA 2048 from the seeded generator (ECDSA signatures draw a fresh
/// nonce from the operating system; RSA PKCS#1 v1.5 ones do not).
///
/// # Errors
/// When the key cannot be made: what went wrong, in words.
pub(crate) fn signing_key() -> Result<rcgen::KeyPair, String> {
    if crate::sim::random::is_seeded() {
        let der = crate::sim::random::with(|rng| seeded_rsa::pkcs8_der(rng));
        rcgen::KeyPair::try_from(der.as_slice()).map_err(|e| format!("seeded RSA: {e}"))
    } else {
        rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
            .map_err(|e| format!("ECDSA P-256: {e}"))
    }
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
    fn sha256_hex_known_value() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
