//! The cluster's certificates: the CSR its first HSM makes, and the checks
//! InitializeCluster applies to the certificate the customer's CA issued.

use rcgen::{CertificateParams, DnType};
use x509_parser::prelude::FromDer as _;

use crate::sim::crypto::pem_decode;

/// A fresh cluster CSR (PEM) whose subject names the cluster, signed by a new
/// ECDSA P-256 key that stays "inside the HSM" (it is not kept).
pub(crate) fn cluster_csr(cluster_id: &str) -> Result<String, String> {
    let key = crate::sim::crypto::signing_key()
        .map_err(|e| format!("generating the cluster key: {e}"))?;
    let mut params = CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::CommonName, cluster_id);
    params
        .distinguished_name
        .push(DnType::OrganizationName, "AWS CloudHSM (cmconsole)");
    params
        .serialize_request(&key)
        .and_then(|csr| csr.pem())
        .map_err(|e| format!("writing the cluster CSR: {e}"))
}

fn certificate_der(pem: &str, member: &str) -> Result<Vec<u8>, String> {
    let block = pem_decode(pem).map_err(|e| format!("{member} is not a PEM certificate: {e}."))?;
    if block.label != "CERTIFICATE" {
        return Err(format!(
            "{member} must be a PEM 'CERTIFICATE' block, not '{}'.",
            block.label
        ));
    }
    Ok(block.der)
}

/// Checks InitializeCluster's certificates against the cluster's CSR: the
/// signed certificate carries the CSR's public key and its signature
/// verifies under the trust anchor's key.
pub(crate) fn check_initialization(
    csr_pem: &str,
    signed_cert: &str,
    trust_anchor: &str,
) -> Result<(), String> {
    let csr = pem_decode(csr_pem).map_err(|e| format!("stored cluster CSR: {e}"))?;
    let (_, csr) = x509_parser::certification_request::X509CertificationRequest::from_der(&csr.der)
        .map_err(|e| format!("stored cluster CSR: {e}"))?;
    let signed_der = certificate_der(signed_cert, "SignedCert")?;
    let (_, signed) = x509_parser::parse_x509_certificate(&signed_der)
        .map_err(|e| format!("SignedCert is not a valid X.509 certificate: {e}."))?;
    let anchor_der = certificate_der(trust_anchor, "TrustAnchor")?;
    let (_, anchor) = x509_parser::parse_x509_certificate(&anchor_der)
        .map_err(|e| format!("TrustAnchor is not a valid X.509 certificate: {e}."))?;
    if signed.public_key().raw != csr.certification_request_info.subject_pki.raw {
        return Err(
            "SignedCert was not issued for this cluster's CSR: its public key differs.".to_owned(),
        );
    }
    signed
        .verify_signature(Some(anchor.public_key()))
        .map_err(|_| "SignedCert was not signed by the TrustAnchor.".to_owned())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{BasicConstraints, CertificateSigningRequestParams, IsCa, Issuer, KeyPair};

    fn ca() -> (String, Issuer<'static, KeyPair>) {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let mut params = CertificateParams::default();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let cert = params.self_signed(&key).unwrap();
        (cert.pem(), Issuer::new(params, key))
    }

    #[test]
    fn a_csr_signed_by_the_anchor_initializes_and_others_do_not() {
        let csr = cluster_csr("cluster-igklspoyj5v").unwrap();
        assert!(csr.starts_with("-----BEGIN CERTIFICATE REQUEST-----"));
        let (anchor, issuer) = ca();
        let signed = CertificateSigningRequestParams::from_pem(&csr)
            .unwrap()
            .signed_by(&issuer)
            .unwrap()
            .pem();
        check_initialization(&csr, &signed, &anchor).unwrap();

        let (other_anchor, _) = ca();
        let err = check_initialization(&csr, &signed, &other_anchor).unwrap_err();
        assert!(err.contains("not signed by the TrustAnchor"), "{err}");

        let other_csr = cluster_csr("cluster-aaaaaaaaaaa").unwrap();
        let err = check_initialization(&other_csr, &signed, &anchor).unwrap_err();
        assert!(err.contains("public key differs"), "{err}");

        let err = check_initialization(&csr, &csr, &anchor).unwrap_err();
        assert!(err.contains("'CERTIFICATE' block"), "{err}");
        let err = check_initialization(&csr, "MIIB", &anchor).unwrap_err();
        assert!(err.contains("not a PEM certificate"), "{err}");
    }
}
