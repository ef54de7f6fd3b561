//! Initializing an UNINITIALIZED cluster: its CSR to download and sign with
//! your CA, then the signed certificate and the CA's certificate (the trust
//! anchor), pasted or read from files (InitializeCluster).

use leptos::prelude::*;
use shared::cloudhsmv2::{Cert, ClusterId, InitializeClusterRequest, ops};

use super::{Current, PanelForm};
use crate::components::field::{FormFooter, PemField};
use crate::components::flash::OpTexts;
use crate::components::panel::Panel;
use crate::components::text_output::{FileOffer, TextOutput};

/// A PEM certificate for field `what`, or what is wrong with it.
fn check_certificate(pem: &str, what: &str) -> Result<Cert, String> {
    let pem = pem.trim();
    if pem.is_empty() {
        return Err(format!("Paste the {what} (PEM) or choose its file."));
    }
    if !pem.contains("-----BEGIN CERTIFICATE-----") {
        return Err(format!(
            "The {what} must be a PEM certificate (-----BEGIN CERTIFICATE-----)."
        ));
    }
    Cert::parse(format!("{pem}\n")).map_err(|e| e.to_string())
}

/// The InitializeCluster request of the form.
fn initialize_request(
    cluster_id: &str,
    signed: &str,
    anchor: &str,
) -> Result<InitializeClusterRequest, String> {
    Ok(InitializeClusterRequest {
        cluster_id: ClusterId::parse(cluster_id).map_err(|e| e.to_string())?,
        signed_cert: check_certificate(signed, "signed cluster certificate")?,
        trust_anchor: check_certificate(anchor, "trust anchor")?,
    })
}

/// The Initialize panel (shown while the cluster is UNINITIALIZED).
#[component]
pub fn InitializePanel(
    /// The cluster of the page.
    current: Current,
) -> impl IntoView {
    let Current {
        region,
        id,
        cluster,
    } = current;
    let csr = Memo::new(move |_| {
        cluster.with(|c| {
            c.as_ref()
                .and_then(|c| c.certificates.as_ref())
                .and_then(|c| c.cluster_csr.clone())
        })
    });
    let signed = RwSignal::new(String::new());
    let anchor = RwSignal::new(String::new());
    let form = PanelForm::new();
    let (attempted, error) = (form.attempted(), form.error());
    let request = move || initialize_request(&id.get(), &signed.get(), &anchor.get());
    let texts = move |_: &InitializeClusterRequest| {
        let target = id.get_untracked();
        OpTexts::new(
            format!("Initializing cluster {target}"),
            format!("Initialization of cluster {target} started"),
            format!("Could not initialize cluster {target}"),
        )
    };
    let (submit, cli) = form.operation::<ops::InitializeCluster, _>(region, request, texts, || {});
    view! {
        <Panel id="initialize-heading" title="Initialize cluster">
            {move || match csr.get() {
                None => view! {
                    <p class="info">
                        "The cluster's certificate signing request (CSR) appears here once its first HSM is ACTIVE: create an HSM above, then sign the CSR with your certificate authority."
                    </p>
                }
                .into_any(),
                Some(csr) => view! {
                    <ol class="steps-text">
                        <li>"Download the cluster CSR and sign it with your certificate authority (CA)."</li>
                        <li>"Give the signed certificate and your CA's certificate (the trust anchor)."</li>
                    </ol>
                    <TextOutput
                        label="Cluster CSR".to_owned()
                        text=csr
                        file=Some(FileOffer {
                            name: format!("{}_ClusterCsr.csr", id.get_untracked()),
                            mime: "application/pkcs10",
                        })
                    />
                }
                .into_any(),
            }}
            <Show when=move || csr.with(Option::is_some)>
            <form class="form" on:submit=submit novalidate aria-labelledby="initialize-heading">
                <PemField
                    id="initialize-signed-cert"
                    label="Signed cluster certificate"
                    upload_label="Upload signed certificate"
                    accept=".pem,.crt,.cer,.txt"
                    value=signed
                    error=Signal::derive(move || check_certificate(&signed.get(), "signed cluster certificate").err())
                    show=attempted
                />
                <PemField
                    id="initialize-trust-anchor"
                    label="Trust anchor (CA certificate)"
                    upload_label="Upload trust anchor"
                    accept=".pem,.crt,.cer,.txt"
                    value=anchor
                    error=Signal::derive(move || check_certificate(&anchor.get(), "trust anchor").err())
                    show=attempted
                />
                <FormFooter failure="Could not initialize the cluster" error=error submit="Initialize" cli=cli />
            </form>
            </Show>
        </Panel>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEM: &str =
        "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----";

    #[test]
    fn certificates_must_be_pem() {
        let request = initialize_request("cluster-igklspoyj5v", PEM, PEM).unwrap();
        assert!(request.signed_cert.as_str().ends_with("-----\n"));
        assert!(
            initialize_request("cluster-igklspoyj5v", "", PEM)
                .unwrap_err()
                .contains("Paste")
        );
        assert!(
            initialize_request(
                "cluster-igklspoyj5v",
                PEM,
                "-----BEGIN CERTIFICATE REQUEST-----"
            )
            .unwrap_err()
            .contains("trust anchor")
        );
        assert!(check_certificate("-----BEGIN CERTIFICATE-----\n*\n", "x").is_err());
    }
}
