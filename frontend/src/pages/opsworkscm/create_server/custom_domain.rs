//! The wizard's custom domain: `CustomDomain`, `CustomCertificate` and
//! `CustomPrivateKey`, all three or none (as the service requires), each
//! checked with its `shared` newtype. The certificate and key can be pasted
//! or read from a file.

use leptos::prelude::*;
use shared::opsworkscm::{CustomCertificate, CustomDomain, CustomPrivateKey};
use shared::validation::ValidationError;

use super::form::{Check, Form, message};
use crate::components::field::PemField;
use crate::components::field::TextField;

/// Why the three go together, said after each "missing" error.
const TOGETHER: &str = "a custom domain, its certificate and its private key go together.";

/// The custom domain members of CreateServer (all `None` or all `Some`).
#[derive(Debug, Default)]
pub(super) struct CustomDomainInput {
    pub(super) domain: Option<CustomDomain>,
    pub(super) certificate: Option<CustomCertificate>,
    pub(super) private_key: Option<CustomPrivateKey>,
}

/// A length error in AWS wording; any other (pattern) error as `text`.
fn explain(err: &ValidationError, text: &str) -> String {
    if err.constraint().contains("length") {
        format!("Too long: {}.", err.constraint())
    } else {
        text.to_owned()
    }
}

impl Form {
    /// The three values, trimmed.
    fn custom_values(&self) -> [String; 3] {
        [
            self.custom_domain.get(),
            self.custom_certificate.get(),
            self.custom_private_key.get(),
        ]
        .map(|v| v.trim().to_owned())
    }

    /// `Some(error)` when `value` is empty but another of the three is not.
    fn custom_missing(&self, value: &str, what: &str) -> Option<Check> {
        if !value.is_empty() {
            return None;
        }
        let any = self.custom_values().iter().any(|v| !v.is_empty());
        Some(any.then(|| format!("Add {what} too: {TOGETHER}")))
    }

    pub(super) fn check_custom_domain(&self) -> Check {
        let [domain, ..] = self.custom_values();
        if let Some(missing) = self.custom_missing(&domain, "the domain") {
            return missing;
        }
        CustomDomain::parse(domain).err().map(|err| {
            explain(
                &err,
                "Enter a fully qualified domain name such as chef.example.com: labels of letters, digits and inner hyphens.",
            )
        })
    }

    pub(super) fn check_custom_certificate(&self) -> Check {
        let [_, certificate, _] = self.custom_values();
        if let Some(missing) = self.custom_missing(&certificate, "the certificate") {
            return missing;
        }
        CustomCertificate::parse(certificate).err().map(|err| {
            explain(
                &err,
                "Paste a PEM certificate: -----BEGIN CERTIFICATE----- to -----END CERTIFICATE----- (a chain may follow).",
            )
        })
    }

    pub(super) fn check_custom_private_key(&self) -> Check {
        let [.., key] = self.custom_values();
        if let Some(missing) = self.custom_missing(&key, "the certificate's private key") {
            return missing;
        }
        CustomPrivateKey::parse(key).err().map(|err| {
            explain(
                &err,
                "Paste a PEM private key: -----BEGIN … PRIVATE KEY----- to -----END … PRIVATE KEY-----, each on its own line.",
            )
        })
    }

    /// The custom domain members to send; `Err` while they are incomplete or invalid.
    pub(super) fn custom_domain_request(&self) -> Result<CustomDomainInput, String> {
        let [domain, certificate, key] = self.custom_values();
        if domain.is_empty() && certificate.is_empty() && key.is_empty() {
            return Ok(CustomDomainInput::default());
        }
        if let Some(error) = self
            .check_custom_domain()
            .or_else(|| self.check_custom_certificate())
            .or_else(|| self.check_custom_private_key())
        {
            return Err(error);
        }
        Ok(CustomDomainInput {
            domain: Some(CustomDomain::parse(domain).map_err(message)?),
            certificate: Some(CustomCertificate::parse(certificate).map_err(message)?),
            private_key: Some(CustomPrivateKey::parse(key).map_err(message)?),
        })
    }
}

/// The custom domain fields of step 2 (both engines).
#[component]
pub fn CustomDomainFields(
    /// The wizard's inputs.
    form: Form,
    /// Show errors of untouched fields too (after Next).
    show: Signal<bool>,
) -> impl IntoView {
    view! {
        <fieldset class="field group">
            <legend>"Custom domain (optional)"</legend>
            <p class="hint">
                "Serve the server under your own name with your own HTTPS certificate. "
                "Give all three, or none for a generated endpoint."
            </p>
            <TextField
                id="custom-domain"
                label="Custom domain"
                hint="The server's endpoint becomes this name; the certificate must be valid for it."
                placeholder="chef.example.com"
                value=form.custom_domain
                error=Signal::derive(move || form.check_custom_domain())
                show=show
            />
            <PemField
                id="custom-certificate"
                label="Custom certificate"
                upload_label="Upload certificate file"
                hint="PEM certificate, self-signed or a chain, currently valid."
                accept=".pem,.crt,.cer"
                value=form.custom_certificate
                error=Signal::derive(move || form.check_custom_certificate())
                show=show
            />
            <PemField
                id="custom-private-key"
                label="Custom private key"
                upload_label="Upload private key file"
                hint="The certificate's private key, PEM, without a passphrase. Sent once; never shown again."
                accept=".pem,.key"
                value=form.custom_private_key
                error=Signal::derive(move || form.check_custom_private_key())
                show=show
            />
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CERT: &str = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";

    fn form() -> Form {
        let form = Form::new(Signal::stored("123456789012".to_owned()));
        form.name.set("web".to_owned());
        form
    }

    #[test]
    fn all_three_reach_the_request() {
        let form = form();
        form.custom_domain.set("chef.example.com".to_owned());
        form.custom_certificate.set(CERT.to_owned());
        form.custom_private_key.set(KEY.to_owned());
        assert_eq!(form.step_error(2), None);
        let request = serde_json::to_value(form.request().unwrap()).unwrap();
        assert_eq!(request["CustomDomain"], "chef.example.com");
        assert_eq!(request["CustomCertificate"], CERT.trim());
        assert_eq!(request["CustomPrivateKey"], KEY.trim());
    }

    #[test]
    fn none_sends_none() {
        let request = serde_json::to_value(form().request().unwrap()).unwrap();
        for member in ["CustomDomain", "CustomCertificate", "CustomPrivateKey"] {
            assert!(request.get(member).is_none(), "{member}");
        }
    }

    #[test]
    fn a_certificate_without_key_or_domain_names_what_is_missing() {
        let form = form();
        form.custom_certificate.set(CERT.to_owned());
        assert_eq!(form.check_custom_certificate(), None);
        assert!(
            form.check_custom_private_key()
                .unwrap()
                .contains("private key too")
        );
        assert!(form.check_custom_domain().unwrap().contains("domain too"));
        assert!(form.step_error(2).is_some());
        assert!(form.request().is_err());
    }

    #[test]
    fn malformed_values_are_explained() {
        let form = form();
        form.custom_domain.set("localhost".to_owned());
        form.custom_certificate.set("MIIB".to_owned());
        form.custom_private_key
            .set("  -----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----".to_owned());
        assert!(
            form.check_custom_domain()
                .unwrap()
                .contains("fully qualified")
        );
        assert!(
            form.check_custom_certificate()
                .unwrap()
                .contains("PEM certificate")
        );
        // Trimmed before the check: leading spaces are fine.
        assert_eq!(form.check_custom_private_key(), None);
        form.custom_private_key.set(format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----",
            "A".repeat(5000)
        ));
        assert!(form.check_custom_private_key().unwrap().contains("4096"));
    }
}
