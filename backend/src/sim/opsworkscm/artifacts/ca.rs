//! The per-server certificate authority.
//!
//! Each simulated server owns a self-signed CA. Its certificate is the root
//! CA shipped in starter kits and user data (`opsworks-cm-ca-2020-root.pem`),
//! is returned for Puppet servers as `PUPPET_API_CA_CERT`, and signs the
//! CSRs that Puppet nodes send in `PUPPET_NODE_CSR`.

use chrono::{DateTime, Duration, Utc};
use rcgen::{
    BasicConstraints, CertificateParams, CertificateSigningRequestParams, DnType,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose, PublicKeyData, SerialNumber,
    SubjectPublicKeyInfo,
};
use x509_parser::prelude::FromDer as _;

use super::{ArtifactError, pem_decode};

/// Validity of the CA certificate, in days (ten years).
pub const CA_VALIDITY_DAYS: i64 = 3650;
/// Validity of node certificates, in days (five years).
pub const NODE_CERT_VALIDITY_DAYS: i64 = 1826;
/// The attribute named in CSR validation errors.
const CSR_ATTRIBUTE: &str = "PUPPET_NODE_CSR";

/// A server's certificate authority: its certificate and signing key.
#[derive(Clone)]
pub struct ServerCa {
    cert_pem: String,
    key_pem: String,
    subject: String,
}

impl std::fmt::Debug for ServerCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerCa")
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

fn cert_err(context: &str, e: impl std::fmt::Display) -> ArtifactError {
    ArtifactError::Certificate(format!("{context}: {e}"))
}

fn csr_err(reason: impl Into<String>) -> ArtifactError {
    ArtifactError::InvalidCsr {
        attribute: CSR_ATTRIBUTE.to_owned(),
        reason: reason.into(),
    }
}

/// Sets `not_before = from` and `not_after = from + days` (whole seconds),
/// converting chrono times to the `time` type rcgen uses.
fn set_validity(
    params: &mut CertificateParams,
    from: DateTime<Utc>,
    days: i64,
) -> Result<(), ArtifactError> {
    let convert = |t: DateTime<Utc>| {
        x509_parser::time::ASN1Time::from_timestamp(t.timestamp())
            .map(|a| a.to_datetime())
            .map_err(|e| cert_err("validity time out of range", e))
    };
    let until = from
        .checked_add_signed(Duration::days(days))
        .ok_or_else(|| cert_err("validity time out of range", "overflow"))?;
    params.not_before = convert(from)?;
    params.not_after = convert(until)?;
    Ok(())
}

/// A random positive 128-bit serial number.
fn random_serial() -> SerialNumber {
    let mut bytes: [u8; 16] = crate::sim::random::bytes();
    bytes[0] = (bytes[0] & 0x7f) | 0x01;
    SerialNumber::from_slice(&bytes)
}

impl ServerCa {
    /// Generates a self-signed ECDSA P-256 CA named `common_name`, valid for
    /// [`CA_VALIDITY_DAYS`] from `now`.
    pub fn generate(common_name: &str, now: DateTime<Utc>) -> Result<Self, ArtifactError> {
        let key = super::keys::signing_key()?;
        let mut params = CertificateParams::default();
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        params
            .distinguished_name
            .push(DnType::OrganizationName, "AWS OpsWorks CM (cmconsole)");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        set_validity(&mut params, now, CA_VALIDITY_DAYS)?;
        params.serial_number = Some(random_serial());
        let cert = params
            .self_signed(&key)
            .map_err(|e| cert_err("self-signing the CA", e))?;
        Self::from_pem(&cert.pem(), &key.serialize_pem())
    }

    /// Reloads a CA saved with [`ServerCa::cert_pem`] and [`ServerCa::key_pem`].
    /// Checks that the certificate is a CA certificate and matches the key.
    pub fn from_pem(cert_pem: &str, key_pem: &str) -> Result<Self, ArtifactError> {
        let stored = |e: String| ArtifactError::InvalidStoredMaterial(format!("CA: {e}"));
        let block = pem_decode(cert_pem).map_err(stored)?;
        if block.label != "CERTIFICATE" {
            return Err(stored(format!(
                "expected a 'CERTIFICATE' PEM block, found '{}'",
                block.label
            )));
        }
        let (_, cert) = x509_parser::parse_x509_certificate(&block.der)
            .map_err(|e| stored(format!("certificate: {e}")))?;
        if !cert.is_ca() {
            return Err(stored("the certificate is not a CA certificate".to_owned()));
        }
        let key = KeyPair::from_pem(key_pem).map_err(|e| stored(format!("key: {e}")))?;
        if key.public_key_raw() != cert.public_key().subject_public_key.data.as_ref() {
            return Err(stored("the key does not match the certificate".to_owned()));
        }
        // Make sure rcgen can use it as an issuer.
        Issuer::from_ca_cert_der(&block.der.as_slice().into(), &key)
            .map_err(|e| stored(format!("issuer: {e}")))?;
        Ok(Self {
            cert_pem: cert_pem.trim().to_owned() + "\n",
            key_pem: key_pem.trim().to_owned() + "\n",
            subject: cert.subject().to_string(),
        })
    }

    /// The CA certificate as PEM.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The CA private key as PKCS#8 PEM (for persistence; never shown to users).
    pub fn key_pem(&self) -> &str {
        &self.key_pem
    }

    /// Signs a node's CSR (`PUPPET_NODE_CSR`) and returns the node
    /// certificate as PEM (`PUPPET_NODE_CERT`).
    ///
    /// The CSR's self-signature is verified. The certificate is a leaf (not a
    /// CA, whatever the CSR asks for) valid for [`NODE_CERT_VALIDITY_DAYS`]
    /// from `now`, for client and server authentication, with the CSR's
    /// common name (or `node_name` when the CSR has none) and a random serial.
    pub fn sign_node_csr(
        &self,
        csr_pem: &str,
        node_name: &str,
        now: DateTime<Utc>,
    ) -> Result<String, ArtifactError> {
        let block = pem_decode(csr_pem).map_err(csr_err)?;
        if block.label != "CERTIFICATE REQUEST" && block.label != "NEW CERTIFICATE REQUEST" {
            return Err(csr_err(format!(
                "expected a 'CERTIFICATE REQUEST' PEM block, found '{}'",
                block.label
            )));
        }
        let common_name = csr_der_common_name(&block.der)?;
        let cn = match common_name.as_deref() {
            Some(cn) if !cn.trim().is_empty() => cn.to_owned(),
            _ => node_name.to_owned(),
        };
        let params = leaf_params(&cn, now)?;
        let key = KeyPair::from_pem(&self.key_pem)
            .map_err(|e| ArtifactError::InvalidStoredMaterial(format!("CA key: {e}")))?;
        let ca_der = pem_decode(&self.cert_pem).map_err(ArtifactError::InvalidStoredMaterial)?;
        let issuer = Issuer::from_ca_cert_der(&ca_der.der.as_slice().into(), key)
            .map_err(|e| ArtifactError::InvalidStoredMaterial(format!("CA: {e}")))?;

        match CertificateSigningRequestParams::from_der(&block.der.as_slice().into()) {
            Ok(csr) => issue(&params, &csr.public_key, &issuer),
            // rcgen only understands a few requested extensions; agents may
            // ask for others (e.g. Puppet's pp_* OIDs). Those are ignored, but
            // the request must still be well formed and correctly signed.
            Err(rcgen::Error::UnsupportedExtension) => {
                let (_, csr) =
                    x509_parser::certification_request::X509CertificationRequest::from_der(
                        &block.der,
                    )
                    .map_err(|_| csr_err("the request could not be parsed"))?;
                csr.verify_signature()
                    .map_err(|_| csr_err("its signature does not verify"))?;
                let spki =
                    SubjectPublicKeyInfo::from_der(csr.certification_request_info.subject_pki.raw)
                        .map_err(|e| csr_err(format!("unsupported public key ({e})")))?;
                issue(&params, &spki, &issuer)
            }
            Err(rcgen::Error::InvalidCertificationRequestSignature) => {
                Err(csr_err("its signature does not verify"))
            }
            Err(rcgen::Error::UnsupportedSignatureAlgorithm) => {
                Err(csr_err("its signature algorithm is not supported"))
            }
            Err(rcgen::Error::CouldNotParseCertificationRequest) => {
                Err(csr_err("the request could not be parsed"))
            }
            Err(e) => Err(csr_err(e.to_string())),
        }
    }
}

fn issue(
    params: &CertificateParams,
    public_key: &impl PublicKeyData,
    issuer: &Issuer<'_, KeyPair>,
) -> Result<String, ArtifactError> {
    params
        .signed_by(public_key, issuer)
        .map(|c| c.pem())
        .map_err(|e| cert_err("signing the node certificate", e))
}

fn leaf_params(common_name: &str, now: DateTime<Utc>) -> Result<CertificateParams, ArtifactError> {
    let mut params = CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::CommonName, common_name);
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    params.use_authority_key_identifier_extension = true;
    set_validity(&mut params, now, NODE_CERT_VALIDITY_DAYS)?;
    params.serial_number = Some(random_serial());
    Ok(params)
}

fn csr_der_common_name(der: &[u8]) -> Result<Option<String>, ArtifactError> {
    let (rest, csr) = x509_parser::certification_request::X509CertificationRequest::from_der(der)
        .map_err(|_| csr_err("the request could not be parsed"))?;
    if !rest.is_empty() {
        return Err(csr_err("trailing data after the request"));
    }
    let cn = csr
        .certification_request_info
        .subject
        .iter_common_name()
        .next()
        .map(|cn| {
            cn.as_str()
                .map(str::to_owned)
                .map_err(|_| csr_err("the subject common name is not a string"))
        })
        .transpose()?;
    Ok(cn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use chrono::TimeZone as _;
    use x509_parser::certificate::X509Certificate;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 5, 6, 7, 8, 9).unwrap()
    }

    fn parse_cert(pem: &str) -> Vec<u8> {
        let block = pem_decode(pem).unwrap();
        assert_eq!(block.label, "CERTIFICATE");
        block.der
    }

    fn node_csr(cn: &str) -> String {
        let mut params = CertificateParams::default();
        params.distinguished_name = rcgen::DistinguishedName::new();
        params.distinguished_name.push(DnType::CommonName, cn);
        let key = KeyPair::generate().unwrap();
        params.serialize_request(&key).unwrap().pem().unwrap()
    }

    fn check_leaf(ca: &ServerCa, cert_pem: &str, expected_cn: &str) {
        let leaf_der = parse_cert(cert_pem);
        let ca_der = parse_cert(ca.cert_pem());
        let (_, leaf) = X509Certificate::from_der(&leaf_der).unwrap();
        let (_, ca_cert) = X509Certificate::from_der(&ca_der).unwrap();
        assert_eq!(leaf.issuer(), ca_cert.subject());
        leaf.verify_signature(Some(ca_cert.public_key()))
            .expect("signed by the CA");
        assert!(leaf.verify_signature(None).is_err(), "not self-signed");
        assert!(!leaf.is_ca());
        let cn = leaf.subject().iter_common_name().next().unwrap();
        assert_eq!(cn.as_str().unwrap(), expected_cn);
        assert_eq!(leaf.validity().not_before.timestamp(), now().timestamp());
        assert_eq!(
            leaf.validity().not_after.timestamp(),
            (now() + Duration::days(NODE_CERT_VALIDITY_DAYS)).timestamp()
        );
    }

    #[test]
    fn generated_ca_is_a_ca_and_reloads() {
        let ca = ServerCa::generate("myserver CA", now()).unwrap();
        let der = parse_cert(ca.cert_pem());
        let (_, cert) = X509Certificate::from_der(&der).unwrap();
        assert!(cert.is_ca());
        assert_eq!(cert.subject(), cert.issuer());
        cert.verify_signature(None).expect("self-signed");
        assert_eq!(cert.validity().not_before.timestamp(), now().timestamp());
        assert_eq!(
            cert.validity().not_after.timestamp(),
            (now() + Duration::days(CA_VALIDITY_DAYS)).timestamp()
        );
        assert!(ca.subject.contains("CN=myserver CA"), "{}", ca.subject);
        assert!(ca.key_pem().contains("PRIVATE KEY"));
        assert!(!format!("{ca:?}").contains("PRIVATE"));

        let reloaded = ServerCa::from_pem(ca.cert_pem(), ca.key_pem()).unwrap();
        assert_eq!(reloaded.cert_pem(), ca.cert_pem());
        let cert = reloaded
            .sign_node_csr(&node_csr("i-1"), "i-1", now())
            .unwrap();
        check_leaf(&ca, &cert, "i-1");
    }

    #[test]
    fn from_pem_rejects_mismatches() {
        let a = ServerCa::generate("a", now()).unwrap();
        let b = ServerCa::generate("b", now()).unwrap();
        let err = ServerCa::from_pem(a.cert_pem(), b.key_pem()).unwrap_err();
        assert!(err.to_string().contains("does not match"), "{err}");
        assert!(ServerCa::from_pem("nope", a.key_pem()).is_err());
        assert!(ServerCa::from_pem(a.cert_pem(), "nope").is_err());
        // A leaf certificate is not a CA.
        let leaf = a.sign_node_csr(&node_csr("n"), "n", now()).unwrap();
        assert!(ServerCa::from_pem(&leaf, a.key_pem()).is_err());
    }

    #[test]
    fn signs_ecdsa_and_rsa_csrs() {
        let ca = ServerCa::generate("ca", now()).unwrap();
        let cert = ca
            .sign_node_csr(&node_csr("i-44de882p"), "i-44de882p", now())
            .unwrap();
        check_leaf(&ca, &cert, "i-44de882p");

        let rsa =
            KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_2048).unwrap();
        let mut params = CertificateParams::default();
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(DnType::CommonName, "rsa-node");
        let csr = params.serialize_request(&rsa).unwrap().pem().unwrap();
        let cert = ca.sign_node_csr(&csr, "ignored", now()).unwrap();
        check_leaf(&ca, &cert, "rsa-node");
        let csr_der = pem_decode(&csr).unwrap().der;
        assert_eq!(
            csr_der_common_name(&csr_der).unwrap().as_deref(),
            Some("rsa-node")
        );
    }

    #[test]
    fn csr_without_cn_uses_node_name_and_ca_request_is_ignored() {
        let ca = ServerCa::generate("ca", now()).unwrap();
        let mut params = CertificateParams::default();
        params.distinguished_name = rcgen::DistinguishedName::new();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let key = KeyPair::generate().unwrap();
        let csr = params.serialize_request(&key).unwrap().pem().unwrap();
        let cert = ca.sign_node_csr(&csr, "i-0abc", now()).unwrap();
        check_leaf(&ca, &cert, "i-0abc");
    }

    #[test]
    fn csr_with_unknown_extension_is_signed() {
        let ca = ServerCa::generate("ca", now()).unwrap();
        let mut params = CertificateParams::default();
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(DnType::CommonName, "pp-node");
        // Puppet's pp_instance_id (1.3.6.1.4.1.34380.1.1.2), a UTF8String.
        params
            .custom_extensions
            .push(rcgen::CustomExtension::from_oid_content(
                &[1, 3, 6, 1, 4, 1, 34380, 1, 1, 2],
                vec![0x0c, 0x03, b'i', b'-', b'1'],
            ));
        let key = KeyPair::generate().unwrap();
        let csr = params.serialize_request(&key).unwrap().pem().unwrap();
        let cert = ca.sign_node_csr(&csr, "x", now()).unwrap();
        check_leaf(&ca, &cert, "pp-node");

        // ...but its signature is still checked.
        let tampered = tamper(&csr);
        assert!(ca.sign_node_csr(&tampered, "x", now()).is_err());
    }

    /// Flips one bit in the signed part of the CSR's DER and re-encodes it.
    fn tamper(csr_pem: &str) -> String {
        let mut block = pem_decode(csr_pem).unwrap();
        let i = block.der.len() / 3;
        block.der[i] ^= 0x01;
        super::super::pem_encode(&block.label, &block.der)
    }

    #[test]
    fn bad_csrs_are_rejected() {
        let ca = ServerCa::generate("ca", now()).unwrap();
        let csr = node_csr("node");

        // Flip a character in the base64 body (inside the signed info).
        let mut lines: Vec<String> = csr.lines().map(str::to_owned).collect();
        let line = &mut lines[3];
        let c = line.remove(10);
        line.insert(10, if c == 'A' { 'B' } else { 'A' });
        let flipped = lines.join("\n");
        let err = ca.sign_node_csr(&flipped, "node", now()).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("PUPPET_NODE_CSR is not a valid PEM certificate signing request: "),
            "{err}"
        );
        assert!(err.is_validation());

        let err = ca.sign_node_csr(&tamper(&csr), "node", now()).unwrap_err();
        assert!(err.is_validation(), "{err}");

        let not_csr = [
            String::new(),
            "csr-pem".to_owned(),
            ca.cert_pem().to_owned(),
            KeyPair::generate().unwrap().public_key_pem(),
            "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"
                .to_owned(),
            base64::engine::general_purpose::STANDARD.encode(&csr),
        ];
        for case in not_csr {
            let err = ca.sign_node_csr(&case, "node", now()).expect_err(&case);
            assert!(err.is_validation(), "{err}");
        }
        let err = ca.sign_node_csr(ca.cert_pem(), "node", now()).unwrap_err();
        assert!(err.to_string().contains("found 'CERTIFICATE'"), "{err}");
    }

    #[test]
    fn openssl_csr_is_signed_when_available() {
        let script = "set -e; d=$(mktemp -d); \
            openssl req -new -newkey rsa:2048 -nodes -keyout \"$d/k\" -subj /CN=i-0openssl \
            -out \"$d/r\" 2>/dev/null; cat \"$d/r\"; rm -rf \"$d\"";
        let Ok(out) = std::process::Command::new("sh")
            .arg("-c")
            .arg(script)
            .output()
        else {
            return;
        };
        let csr = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() || !csr.contains("CERTIFICATE REQUEST") {
            return; // openssl not installed
        }
        let ca = ServerCa::generate("ca", now()).unwrap();
        let cert = ca.sign_node_csr(&csr, "i-0openssl", now()).unwrap();
        check_leaf(&ca, &cert, "i-0openssl");
    }
}
