//! Puppet's r10k settings in the wizard: the control repository's git URL
//! (`PUPPET_R10K_REMOTE`) and, for a private repository, the SSH private key
//! (`PUPPET_R10K_PRIVATE_KEY`), pasted or read from a file. Chef servers have
//! neither: the fields are hidden and nothing is sent.

use leptos::prelude::*;
use shared::opsworkscm::attributes::{PUPPET_R10K_PRIVATE_KEY, PUPPET_R10K_REMOTE};
use shared::opsworkscm::{
    EngineAttributeInput, EngineAttributeName, EngineAttributeValue, EngineKind,
};

use super::form::{Check, Form, message};
use crate::components::field::PemField;
use crate::components::field::TextField;

/// Schemes git accepts for a remote, besides the scp-like `user@host:path`.
const GIT_SCHEMES: [&str; 7] = [
    "ssh://",
    "git+ssh://",
    "ssh+git://",
    "git://",
    "https://",
    "http://",
    "file://",
];

/// True for a git remote URL: `scheme://host/path` or `[user@]host:path`.
fn is_git_url(url: &str) -> bool {
    if url.is_empty() || url.chars().any(char::is_whitespace) {
        return false;
    }
    if let Some(scheme) = GIT_SCHEMES.iter().find(|s| url.starts_with(**s)) {
        return url.len() > scheme.len() + 1;
    }
    // scp-like syntax: a host before the first ':', no '/' before it, a path after.
    match url.split_once(':') {
        Some((host, path)) => {
            let host = host.rsplit('@').next().unwrap_or(host);
            !host.is_empty() && !host.contains('/') && !path.is_empty()
        }
        None => false,
    }
}

/// True for a PEM private key block: `-----BEGIN … PRIVATE KEY-----` … `-----END … PRIVATE KEY-----`.
fn is_pem_private_key(text: &str) -> bool {
    let mut lines = text.trim().lines();
    let key_line = |line: Option<&str>, start: &str| {
        line.is_some_and(|l| {
            l.trim_end().starts_with(start) && l.trim_end().ends_with("PRIVATE KEY-----")
        })
    };
    let first = lines.next();
    let last = lines.next_back();
    key_line(first, "-----BEGIN ") && key_line(last, "-----END ")
}

impl Form {
    fn is_puppet(&self) -> bool {
        self.engine.get() == EngineKind::Puppet
    }

    pub(super) fn check_r10k_remote(&self) -> Check {
        let value = self.r10k_remote.get();
        let value = value.trim();
        if !self.is_puppet() {
            return None;
        }
        if value.is_empty() {
            return (!self.r10k_private_key.with(|k| k.trim().is_empty()))
                .then(|| "Enter the control repository the r10k private key opens.".to_owned());
        }
        if let Err(err) = EngineAttributeValue::parse(value) {
            return Some(message(err));
        }
        (!is_git_url(value)).then(|| {
            "Enter a git URL, e.g. ssh://git@github.com/example/control-repo.git or git@github.com:example/control-repo.git.".to_owned()
        })
    }

    pub(super) fn check_r10k_private_key(&self) -> Check {
        let value = self.r10k_private_key.get();
        let value = value.trim();
        if !self.is_puppet() || value.is_empty() {
            return None;
        }
        if let Err(err) = EngineAttributeValue::parse(value) {
            return Some(message(err));
        }
        (!is_pem_private_key(value)).then(|| {
            "Paste a PEM private key: -----BEGIN … PRIVATE KEY----- to -----END … PRIVATE KEY-----.".to_owned()
        })
    }

    /// The r10k engine attributes to send (none for Chef or when left empty).
    pub(super) fn r10k_attributes(&self) -> Result<Vec<EngineAttributeInput>, String> {
        if !self.is_puppet() {
            return Ok(Vec::new());
        }
        [
            (PUPPET_R10K_REMOTE, self.r10k_remote.get()),
            (PUPPET_R10K_PRIVATE_KEY, self.r10k_private_key.get()),
        ]
        .into_iter()
        .filter(|(_, value)| !value.trim().is_empty())
        .map(|(name, value)| {
            Ok(EngineAttributeInput {
                name: Some(EngineAttributeName::parse(name).map_err(message)?),
                value: Some(EngineAttributeValue::parse(value.trim()).map_err(message)?),
            })
        })
        .collect()
    }
}

/// The r10k fields of step 2 (Puppet only).
#[component]
pub fn R10kFields(
    /// The wizard's inputs.
    form: Form,
    /// Show errors of untouched fields too (after Next).
    show: Signal<bool>,
) -> impl IntoView {
    view! {
        <fieldset class="field group">
            <legend>"r10k (optional)"</legend>
            <p class="hint">
                "Puppet Enterprise deploys your code from a control repository with r10k. "
                "Giving a remote opens TCP port 8170."
            </p>
            <TextField
                id="r10k-remote"
                label="r10k remote"
                hint="Git URL of the control repository."
                placeholder="ssh://git@github.com/example/control-repo.git"
                value=form.r10k_remote
                error=Signal::derive(move || form.check_r10k_remote())
                show=show
            />
            <PemField
                id="r10k-private-key"
                label="r10k private key"
                upload_label="Upload r10k key file"
                hint="Only for a private repository: the SSH private key, PEM encoded."
                accept=""
                value=form.r10k_private_key
                error=Signal::derive(move || form.check_r10k_private_key())
                show=show
            />
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_urls() {
        for ok in [
            "ssh://git@your.git-repo.com:user/control-repo.git",
            "https://github.com/example/control-repo.git",
            "git@github.com:example/control-repo.git",
            "gitlab.example.com:ops/control.git",
            "file:///srv/control-repo.git",
        ] {
            assert!(is_git_url(ok), "{ok}");
        }
        for bad in [
            "",
            "control-repo",
            "https://",
            "git@github.com:",
            "/srv/repo.git",
            "ssh://host/with space",
            "a/b:c",
        ] {
            assert!(!is_git_url(bad), "{bad}");
        }
    }

    #[test]
    fn pem_private_keys() {
        assert!(is_pem_private_key(
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----\n"
        ));
        assert!(is_pem_private_key(
            "\r\n-----BEGIN RSA PRIVATE KEY-----\r\nMIIE\r\n-----END RSA PRIVATE KEY-----\r\n"
        ));
        assert!(!is_pem_private_key("ssh-rsa AAAAB3Nza user@host"));
        assert!(!is_pem_private_key(
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"
        ));
        assert!(!is_pem_private_key("-----BEGIN PRIVATE KEY-----"));
    }

    fn puppet_form() -> Form {
        let form = Form::new(Signal::stored("123456789012".to_owned()));
        form.engine.set(EngineKind::Puppet);
        form.name.set("pup".to_owned());
        form
    }

    #[test]
    fn r10k_attributes_reach_the_request_for_puppet_only() {
        let form = puppet_form();
        form.r10k_remote
            .set(" git@github.com:example/control-repo.git ".to_owned());
        form.r10k_private_key.set(
            "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n".to_owned(),
        );
        let request = serde_json::to_value(form.request().unwrap()).unwrap();
        assert_eq!(
            request["EngineAttributes"],
            serde_json::json!([
                {"Name": "PUPPET_R10K_REMOTE", "Value": "git@github.com:example/control-repo.git"},
                {"Name": "PUPPET_R10K_PRIVATE_KEY", "Value": "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----"},
            ])
        );
        // Switching to Chef drops them (and their errors).
        form.engine.set(EngineKind::Chef);
        form.r10k_remote.set("not a url".to_owned());
        let request = serde_json::to_value(form.request().unwrap()).unwrap();
        assert!(request.get("EngineAttributes").is_none());
    }

    #[test]
    fn r10k_errors() {
        let form = puppet_form();
        form.r10k_remote.set("control-repo".to_owned());
        assert!(form.step_error(2).unwrap().contains("git URL"));
        form.r10k_remote.set(String::new());
        form.r10k_private_key.set("ssh-rsa AAAA".to_owned());
        assert!(form.check_r10k_private_key().unwrap().contains("PEM"));
        assert!(
            form.check_r10k_remote()
                .unwrap()
                .contains("control repository")
        );
    }
}
