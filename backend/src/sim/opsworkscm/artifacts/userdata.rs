//! EC2 user data scripts, as exported by `ExportServerEngineAttribute` with
//! `ExportAttributeName=Userdata` (the caller base64-encodes the result).
//!
//! Each script is a bash script that installs the AWS CLI and the engine's
//! agent, trusts the server's root CA (embedded; a `ROOT_CA_URL` setting
//! downloads another one for custom domains), creates the node's key or CSR,
//! calls `aws opsworks-cm associate-node`, waits with
//! `aws opsworks-cm wait node-associated` and runs the agent once.
//!
//! Every value that comes from the caller is inserted only as a
//! single-quoted shell word (see [`shell_quote`]), so it can never run as code.

mod scripts;

use self::scripts::{CHEF_TEMPLATE, COMMON_FUNCTIONS, PUPPET_TEMPLATE};
use super::fill_template;

/// Inputs of a Chef node user data script.
#[derive(Debug, Clone, Copy)]
pub struct ChefUserdata<'a> {
    /// The OpsWorks CM server name.
    pub server_name: &'a str,
    /// The AWS region of the server.
    pub region: &'a str,
    /// The server endpoint (host name, or the custom domain).
    pub endpoint: &'a str,
    /// The server's root CA certificate PEM, embedded in the script.
    pub ca_cert_pem: &'a str,
    /// The `RunList` input attribute: comma-separated run list items such as
    /// `recipe[apache2],role[web]`.
    pub run_list: Option<&'a str>,
    /// The `OrganizationName` input attribute (`default` unless given).
    pub organization: &'a str,
    /// The `NodeEnvironment` input attribute.
    pub node_environment: Option<&'a str>,
    /// The `NodeClientVersion` input attribute (e.g. `13.8.5`); `None` or
    /// empty installs the latest chef-client.
    pub chef_client_version: Option<&'a str>,
}

/// Inputs of a Puppet node user data script.
#[derive(Debug, Clone, Copy)]
pub struct PuppetUserdata<'a> {
    /// The OpsWorks CM server name.
    pub server_name: &'a str,
    /// The AWS region of the server.
    pub region: &'a str,
    /// The server endpoint (host name, or the custom domain).
    pub endpoint: &'a str,
    /// The server's CA certificate PEM, embedded in the script.
    pub ca_cert_pem: &'a str,
}

/// Quotes `value` as one bash word: `'...'`, with each `'` written as
/// `'\''`. NUL characters, which bash cannot hold, are dropped.
pub fn shell_quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        match c {
            '\'' => out.push_str("'\\''"),
            '\0' => {}
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// Splits a comma-separated run list into its trimmed, non-empty items.
pub fn parse_run_list(run_list: &str) -> Vec<String> {
    run_list
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The run list as a compact JSON array, e.g. `["recipe[apache2]","role[web]"]`.
pub fn run_list_json(run_list: &str) -> String {
    let items: Vec<String> = parse_run_list(run_list)
        .iter()
        .map(|item| json_string(item))
        .collect();
    format!("[{}]", items.join(","))
}

fn json_string(s: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The delimiter of the heredoc that embeds the CA certificate.
const CA_HEREDOC_END: &str = "OPSWORKS_CM_ROOT_CA";

/// The CA PEM as a heredoc body: trimmed, without carriage returns, NULs or
/// any line that would end the heredoc early.
fn heredoc_body(pem: &str) -> String {
    pem.trim()
        .lines()
        .map(|line| line.trim_end_matches('\r').replace('\0', ""))
        .filter(|line| line.trim() != CA_HEREDOC_END)
        .collect::<Vec<_>>()
        .join("\n")
}

fn common_functions(ca_cert_pem: &str) -> String {
    fill_template(COMMON_FUNCTIONS, &[("CA_PEM", &heredoc_body(ca_cert_pem))])
}

/// The user data script for a Chef node.
pub fn chef_userdata(u: &ChefUserdata<'_>) -> String {
    let run_list = run_list_json(u.run_list.unwrap_or(""));
    let common = common_functions(u.ca_cert_pem);
    fill_template(
        CHEF_TEMPLATE,
        &[
            ("SERVER_NAME", &shell_quote(u.server_name)),
            ("ENDPOINT", &shell_quote(u.endpoint)),
            ("REGION", &shell_quote(u.region)),
            ("ORGANIZATION", &shell_quote(u.organization)),
            (
                "NODE_ENVIRONMENT",
                &shell_quote(u.node_environment.unwrap_or("")),
            ),
            (
                "CHEF_CLIENT_VERSION",
                &shell_quote(u.chef_client_version.unwrap_or("").trim()),
            ),
            ("RUN_LIST", &shell_quote(&run_list)),
            ("COMMON_FUNCTIONS", &common),
        ],
    )
}

/// The user data script for a Puppet node.
pub fn puppet_userdata(u: &PuppetUserdata<'_>) -> String {
    let common = common_functions(u.ca_cert_pem);
    fill_template(
        PUPPET_TEMPLATE,
        &[
            ("SERVER_NAME", &shell_quote(u.server_name)),
            ("ENDPOINT", &shell_quote(u.endpoint)),
            ("REGION", &shell_quote(u.region)),
            ("COMMON_FUNCTIONS", &common),
        ],
    )
}

#[cfg(test)]
mod tests;
