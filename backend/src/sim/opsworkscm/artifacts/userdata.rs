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

/// Shell functions shared by both scripts.
const COMMON_FUNCTIONS: &str = r#"aws_cli() {
  aws "${AWS_CLI_EXTRA_OPTS[@]}" --region "$REGION" opsworks-cm "$@"
}

install_packages() {
  if command -v apt-get >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
  elif command -v dnf >/dev/null 2>&1; then
    dnf install -y -q "$@"
  elif command -v yum >/dev/null 2>&1; then
    yum install -y -q "$@"
  elif command -v zypper >/dev/null 2>&1; then
    zypper --non-interactive install "$@"
  else
    echo "cannot install $*: no known package manager" >&2
    return 1
  fi
}

ensure_tools() {
  local missing=() tool
  for tool in curl unzip openssl; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    install_packages "${missing[@]}"
  fi
}

install_aws_cli() {
  if command -v aws >/dev/null 2>&1; then
    return 0
  fi
  local tmp
  tmp="$(mktemp -d)"
  curl -fsSL --retry 3 -o "$tmp/awscliv2.zip" \
    "https://awscli.amazonaws.com/awscli-exe-linux-$(uname -m).zip"
  unzip -q "$tmp/awscliv2.zip" -d "$tmp"
  "$tmp/aws/install" --update
  rm -rf "$tmp"
}

instance_id() {
  local token
  token="$(curl -fsS -m 5 -X PUT http://169.254.169.254/latest/api/token \
    -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' 2>/dev/null)" || token=''
  if [ -n "$token" ]; then
    curl -fsS -m 5 -H "X-aws-ec2-metadata-token: $token" \
      http://169.254.169.254/latest/meta-data/instance-id
  else
    curl -fsS -m 5 http://169.254.169.254/latest/meta-data/instance-id 2>/dev/null || hostname
  fi
}

write_root_ca() {
  mkdir -p "$(dirname "$CA_PATH")"
  if [ -n "$ROOT_CA_URL" ]; then
    curl -fsSL --retry 3 -o "$CA_PATH" "$ROOT_CA_URL"
  else
    cat > "$CA_PATH" <<'OPSWORKS_CM_ROOT_CA'
@CA_PEM@
OPSWORKS_CM_ROOT_CA
  fi
}
"#;

const CHEF_TEMPLATE: &str = r#"#!/bin/bash
# EC2 user data for a node of an AWS OpsWorks for Chef Automate server.
#
# Installs the AWS CLI and chef-client, creates the node's key pair,
# associates the node with the server (aws opsworks-cm associate-node),
# waits for the association and runs chef-client with the run list below.
# The instance profile must allow opsworks-cm:AssociateNode and
# opsworks-cm:DescribeNodeAssociationStatus.
set -e -o pipefail

# ---- Settings ----------------------------------------------------------------
# Extra options for every AWS CLI call, e.g. (--endpoint-url http://HOST:PORT)
# to reach a cmconsole simulator instead of AWS.
AWS_CLI_EXTRA_OPTS=()
CHEF_SERVER_NAME=@SERVER_NAME@
CHEF_SERVER_ENDPOINT=@ENDPOINT@
REGION=@REGION@

# The Chef organization (OpsWorks CM always creates "default"), the node
# environment (empty: _default), the chef-client version (empty: the latest)
# and the run list, a JSON array.
CHEF_ORGANIZATION=@ORGANIZATION@
CHEF_NODE_ENVIRONMENT=@NODE_ENVIRONMENT@
CHEF_CLIENT_VERSION=@CHEF_CLIENT_VERSION@
RUN_LIST=@RUN_LIST@

# The server's root CA certificate is embedded below. If the server uses a
# custom domain whose certificate another CA signed, set ROOT_CA_URL to the
# URL of that CA's PEM certificate to download it instead.
ROOT_CA_URL=''
# The node name defaults to the EC2 instance id.
NODE_NAME="${NODE_NAME:-}"
# ---- End of settings -----------------------------------------------------------

CHEF_DIR=/etc/chef
CA_PATH="$CHEF_DIR/opsworks-cm-ca-2020-root.pem"
export PATH="$PATH:/usr/local/bin:/opt/chef/bin"

@COMMON_FUNCTIONS@
ruby_quote() {
  local s="${1//\\/\\\\}"
  s="${s//\'/\\\'}"
  printf "'%s'" "$s"
}

json_quote() {
  local s="${1//\\/\\\\}"
  s="${s//\"/\\\"}"
  printf '"%s"' "$s"
}

install_chef_client() {
  if [ -z "$CHEF_CLIENT_VERSION" ] && command -v chef-client >/dev/null 2>&1; then
    return 0
  fi
  if [ -n "$CHEF_CLIENT_VERSION" ]; then
    curl -fsSL --retry 3 https://omnitruck.chef.io/install.sh | bash -s -- -v "$CHEF_CLIENT_VERSION"
  else
    curl -fsSL --retry 3 https://omnitruck.chef.io/install.sh | bash
  fi
}

generate_node_key() {
  mkdir -p "$CHEF_DIR"
  (umask 077 && openssl genrsa -out "$CHEF_DIR/client.pem" 2048 2>/dev/null)
  openssl rsa -in "$CHEF_DIR/client.pem" -pubout -out "$CHEF_DIR/client.pub" 2>/dev/null
}

write_chef_config() {
  {
    printf 'chef_server_url  %s\n' "$(ruby_quote "https://$CHEF_SERVER_ENDPOINT/organizations/$CHEF_ORGANIZATION")"
    printf 'node_name        %s\n' "$(ruby_quote "$NODE_NAME")"
    printf 'client_key       %s\n' "$(ruby_quote "$CHEF_DIR/client.pem")"
    printf 'ssl_ca_file      %s\n' "$(ruby_quote "$CA_PATH")"
    printf 'ssl_verify_mode  :verify_peer\n'
    printf 'chef_license     %s\n' "'accept'"
    if [ -n "$CHEF_NODE_ENVIRONMENT" ]; then
      printf 'environment      %s\n' "$(ruby_quote "$CHEF_NODE_ENVIRONMENT")"
    fi
  } > "$CHEF_DIR/client.rb"
  {
    printf '{\n  "run_list": %s' "$RUN_LIST"
    if [ -n "$CHEF_NODE_ENVIRONMENT" ]; then
      printf ',\n  "chef_environment": %s' "$(json_quote "$CHEF_NODE_ENVIRONMENT")"
    fi
    printf '\n}\n'
  } > "$CHEF_DIR/first-boot.json"
}

associate_node() {
  aws_cli associate-node \
    --server-name "$CHEF_SERVER_NAME" \
    --node-name "$NODE_NAME" \
    --engine-attributes \
      "Name=CHEF_ORGANIZATION,Value=$CHEF_ORGANIZATION" \
      "Name=CHEF_NODE_PUBLIC_KEY,Value='$(cat "$CHEF_DIR/client.pub")'" \
    --query NodeAssociationStatusToken \
    --output text
}

main() {
  ensure_tools
  install_aws_cli
  write_root_ca
  if [ -z "$NODE_NAME" ]; then
    NODE_NAME="$(instance_id)"
  fi
  install_chef_client
  generate_node_key
  write_chef_config
  local token
  token="$(associate_node)"
  aws_cli wait node-associated \
    --node-association-status-token "$token" \
    --server-name "$CHEF_SERVER_NAME"
  chef-client -j "$CHEF_DIR/first-boot.json"
}

main "$@"
"#;

const PUPPET_TEMPLATE: &str = r#"#!/bin/bash
# EC2 user data for a node of an AWS OpsWorks for Puppet Enterprise server.
#
# Installs the AWS CLI and the Puppet agent, creates the node's key and
# certificate signing request, has the server sign it (aws opsworks-cm
# associate-node with PUPPET_NODE_CSR), waits for the association, installs
# the signed PUPPET_NODE_CERT and runs the agent.
# The instance profile must allow opsworks-cm:AssociateNode and
# opsworks-cm:DescribeNodeAssociationStatus.
set -e -o pipefail

# ---- Settings ----------------------------------------------------------------
# Extra options for every AWS CLI call, e.g. (--endpoint-url http://HOST:PORT)
# to reach a cmconsole simulator instead of AWS.
AWS_CLI_EXTRA_OPTS=()
PUPPET_SERVER_NAME=@SERVER_NAME@
PUPPET_SERVER=@ENDPOINT@
REGION=@REGION@

# The server's CA certificate is embedded below. If the server uses a custom
# domain whose certificate another CA signed, set ROOT_CA_URL to the URL of
# that CA's PEM certificate to download it instead.
ROOT_CA_URL=''
# The node name (the Puppet certname) defaults to the EC2 instance id.
NODE_NAME="${NODE_NAME:-}"
# ---- End of settings -----------------------------------------------------------

PUPPET_BIN=/opt/puppetlabs/bin/puppet
PUPPET_SSL_DIR=/etc/puppetlabs/puppet/ssl
CA_PATH="$PUPPET_SSL_DIR/certs/ca.pem"
export PATH="$PATH:/usr/local/bin:/opt/puppetlabs/bin"

@COMMON_FUNCTIONS@
generate_csr() {
  mkdir -p "$PUPPET_SSL_DIR/private_keys" "$PUPPET_SSL_DIR/public_keys" \
    "$PUPPET_SSL_DIR/certificate_requests" "$PUPPET_SSL_DIR/certs"
  chmod 750 "$PUPPET_SSL_DIR/private_keys"
  local key="$PUPPET_SSL_DIR/private_keys/$NODE_NAME.pem"
  (umask 077 && openssl genrsa -out "$key" 2048 2>/dev/null)
  openssl rsa -in "$key" -pubout -out "$PUPPET_SSL_DIR/public_keys/$NODE_NAME.pem" 2>/dev/null
  openssl req -new -sha256 -key "$key" -subj "/CN=$NODE_NAME" \
    -out "$PUPPET_SSL_DIR/certificate_requests/$NODE_NAME.pem"
}

install_puppet_agent() {
  local installer
  installer="$(mktemp)"
  curl -fsSL --retry 3 --cacert "$CA_PATH" -o "$installer" \
    "https://$PUPPET_SERVER:8140/packages/current/install.bash"
  bash "$installer" "main:certname=$NODE_NAME" "main:server=$PUPPET_SERVER" "agent:splay=true"
  rm -f "$installer"
  "$PUPPET_BIN" resource service puppet ensure=stopped >/dev/null
}

associate_node() {
  aws_cli associate-node \
    --server-name "$PUPPET_SERVER_NAME" \
    --node-name "$NODE_NAME" \
    --engine-attributes \
      "Name=PUPPET_NODE_CSR,Value='$(cat "$PUPPET_SSL_DIR/certificate_requests/$NODE_NAME.pem")'" \
    --query NodeAssociationStatusToken \
    --output text
}

install_node_certificate() {
  local cert="$PUPPET_SSL_DIR/certs/$NODE_NAME.pem"
  aws_cli describe-node-association-status \
    --server-name "$PUPPET_SERVER_NAME" \
    --node-association-status-token "$1" \
    --query "EngineAttributes[?Name=='PUPPET_NODE_CERT'].Value" \
    --output text > "$cert"
  if ! grep -q 'BEGIN CERTIFICATE' "$cert"; then
    echo "the association returned no PUPPET_NODE_CERT" >&2
    return 1
  fi
}

main() {
  ensure_tools
  install_aws_cli
  write_root_ca
  if [ -z "$NODE_NAME" ]; then
    NODE_NAME="$(instance_id)"
  fi
  generate_csr
  install_puppet_agent
  local token
  token="$(associate_node)"
  aws_cli wait node-associated \
    --node-association-status-token "$token" \
    --server-name "$PUPPET_SERVER_NAME"
  install_node_certificate "$token"
  # puppet agent --test exits with 2 when it applied changes.
  "$PUPPET_BIN" agent --test || [ "$?" -eq 2 ]
  "$PUPPET_BIN" resource service puppet ensure=running enable=true
}

main "$@"
"#;

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
mod tests {
    use super::*;
    use std::io::Write as _;
    use std::path::{Path, PathBuf};
    use std::process::{Command, Stdio};

    const CA: &str = "-----BEGIN CERTIFICATE-----\nMIIBfakeCA==\n-----END CERTIFICATE-----\n";
    const EVIL: &str = "x'; rm -rf / #";

    fn chef(run_list: Option<&'static str>) -> ChefUserdata<'static> {
        ChefUserdata {
            server_name: "MyChef",
            region: "us-east-1",
            endpoint: "mychef-abcdefghijklmnop.us-east-1.opsworks.io",
            ca_cert_pem: CA,
            run_list,
            organization: "default",
            node_environment: None,
            chef_client_version: None,
        }
    }

    fn puppet() -> PuppetUserdata<'static> {
        PuppetUserdata {
            server_name: "MyPuppet",
            region: "us-west-2",
            endpoint: "mypuppet-abcdefghijklmnop.us-west-2.opsworks.io",
            ca_cert_pem: CA,
        }
    }

    /// Runs `script` with bash (arguments first), script text on stdin.
    fn bash(args: &[&str], script: &str) -> std::process::Output {
        let mut child = Command::new("bash")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("bash runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(script.as_bytes())
            .expect("write script");
        child.wait_with_output().expect("bash finishes")
    }

    fn assert_syntax_ok(script: &str) {
        let out = bash(&["-n"], script);
        assert!(
            out.status.success(),
            "bash -n: {}\n{script}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The script with its final `main "$@"` replaced by `tail`.
    fn with_tail(script: &str, tail: &str) -> String {
        let body = script
            .strip_suffix("main \"$@\"\n")
            .expect("script ends by calling main");
        format!("{body}{tail}\n")
    }

    fn scratch_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "cmconsole-userdata-{}-{:016x}",
            std::process::id(),
            rand::random::<u64>()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    fn have_openssl() -> bool {
        Command::new("openssl")
            .arg("version")
            .output()
            .is_ok_and(|o| o.status.success())
    }

    #[test]
    fn shell_quote_cases() {
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("abc"), "'abc'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("a\0b"), "'ab'");
        // Round trip through bash.
        for value in [
            EVIL,
            "$(id)",
            "`id`",
            "a\nb",
            "\\",
            "'",
            "''",
            "\"$HOME\"",
            "!x",
        ] {
            let out = bash(&[], &format!("printf '%s' {}", shell_quote(value)));
            assert_eq!(String::from_utf8_lossy(&out.stdout), value);
        }
    }

    #[test]
    fn run_list_as_json() {
        assert_eq!(
            run_list_json("recipe[apache2], role[web] ,,"),
            r#"["recipe[apache2]","role[web]"]"#
        );
        assert_eq!(run_list_json(""), "[]");
        assert_eq!(run_list_json(r#"a"b\c"#), r#"["a\"b\\c"]"#);
    }

    #[test]
    fn chef_script_shape() {
        let script = chef_userdata(&ChefUserdata {
            node_environment: Some("staging"),
            chef_client_version: Some("13.8.5"),
            ..chef(Some("recipe[apache2],role[web]"))
        });
        assert!(script.starts_with("#!/bin/bash\n"));
        assert!(script.contains("\nset -e -o pipefail\n"));
        assert_syntax_ok(&script);
        for needle in [
            "AWS_CLI_EXTRA_OPTS=()",
            "CHEF_SERVER_NAME='MyChef'",
            "CHEF_SERVER_ENDPOINT='mychef-abcdefghijklmnop.us-east-1.opsworks.io'",
            "REGION='us-east-1'",
            "CHEF_ORGANIZATION='default'",
            "CHEF_NODE_ENVIRONMENT='staging'",
            "CHEF_CLIENT_VERSION='13.8.5'",
            r#"RUN_LIST='["recipe[apache2]","role[web]"]'"#,
            "ROOT_CA_URL=''",
            "cat > \"$CA_PATH\" <<'OPSWORKS_CM_ROOT_CA'\n-----BEGIN CERTIFICATE-----\nMIIBfakeCA==\n-----END CERTIFICATE-----\nOPSWORKS_CM_ROOT_CA\n",
            "CA_PATH=\"$CHEF_DIR/opsworks-cm-ca-2020-root.pem\"",
            "https://omnitruck.chef.io/install.sh | bash -s -- -v \"$CHEF_CLIENT_VERSION\"",
            "openssl genrsa",
            "aws_cli associate-node",
            "Name=CHEF_NODE_PUBLIC_KEY",
            "aws_cli wait node-associated",
            "chef-client -j \"$CHEF_DIR/first-boot.json\"",
        ] {
            assert!(script.contains(needle), "missing {needle:?}");
        }
        for placeholder in ["@CA_PEM@", "@RUN_LIST@", "@COMMON_FUNCTIONS@", "@REGION@"] {
            assert!(!script.contains(placeholder), "{placeholder} left");
        }
    }

    #[test]
    fn puppet_script_shape() {
        let script = puppet_userdata(&puppet());
        assert!(script.starts_with("#!/bin/bash\n"));
        assert_syntax_ok(&script);
        for needle in [
            "PUPPET_SERVER_NAME='MyPuppet'",
            "PUPPET_SERVER='mypuppet-abcdefghijklmnop.us-west-2.opsworks.io'",
            "REGION='us-west-2'",
            "https://$PUPPET_SERVER:8140/packages/current/install.bash",
            "--cacert \"$CA_PATH\"",
            "openssl req -new",
            "Name=PUPPET_NODE_CSR",
            "aws_cli wait node-associated",
            "describe-node-association-status",
            "PUPPET_NODE_CERT",
            "agent --test",
        ] {
            assert!(script.contains(needle), "missing {needle:?}");
        }
    }

    #[test]
    fn hostile_values_stay_quoted() {
        let hostile = ChefUserdata {
            server_name: EVIL,
            region: "$(touch /tmp/pwned)",
            endpoint: "`id`\nrm -rf /",
            ca_cert_pem: "-----BEGIN CERTIFICATE-----\nOPSWORKS_CM_ROOT_CA\nrm -rf /\n-----END CERTIFICATE-----",
            run_list: Some(EVIL),
            organization: "org\"'\\",
            node_environment: Some("env'; echo hacked; '"),
            chef_client_version: Some("1; rm -rf /"),
        };
        let script = chef_userdata(&hostile);
        assert_syntax_ok(&script);
        assert!(
            script.contains(r#"RUN_LIST='["x'\''; rm -rf / #"]'"#),
            "{script}"
        );
        // The heredoc is not terminated early by the embedded value.
        assert_eq!(script.matches("\nOPSWORKS_CM_ROOT_CA\n").count(), 1);

        let tail = r#"printf '%s\0' "$CHEF_SERVER_NAME" "$REGION" "$CHEF_SERVER_ENDPOINT" \
  "$CHEF_ORGANIZATION" "$CHEF_NODE_ENVIRONMENT" "$CHEF_CLIENT_VERSION" "$RUN_LIST" \
  "$(ruby_quote "$CHEF_ORGANIZATION")" "$(json_quote "$CHEF_ORGANIZATION")""#;
        let out = bash(&[], &with_tail(&script, tail));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let values: Vec<String> = String::from_utf8(out.stdout)
            .unwrap()
            .split('\0')
            .map(str::to_owned)
            .collect();
        assert_eq!(
            values,
            [
                EVIL,
                "$(touch /tmp/pwned)",
                "`id`\nrm -rf /",
                "org\"'\\",
                "env'; echo hacked; '",
                "1; rm -rf /",
                r#"["x'; rm -rf / #"]"#,
                r#"'org"\'\\'"#,
                r#""org\"'\\""#,
                "",
            ]
        );

        let script = puppet_userdata(&PuppetUserdata {
            server_name: EVIL,
            region: "$(id)",
            endpoint: "'",
            ca_cert_pem: CA,
        });
        assert_syntax_ok(&script);
        let out = bash(
            &[],
            &with_tail(
                &script,
                r#"printf '%s\0' "$PUPPET_SERVER_NAME" "$REGION" "$PUPPET_SERVER""#,
            ),
        );
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            format!("{EVIL}\0$(id)\0'\0")
        );
    }

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// Runs the whole Chef script with the network-facing commands stubbed.
    #[test]
    fn chef_script_runs_with_stubs() {
        if !have_openssl() {
            return;
        }
        let dir = scratch_dir();
        let script = chef_userdata(&ChefUserdata {
            node_environment: Some("staging"),
            ..chef(Some("recipe[apache2],role[web]"))
        });
        let tail = format!(
            r#"CHEF_DIR={dir}
CA_PATH="$CHEF_DIR/ca.pem"
ensure_tools() {{ :; }}
install_aws_cli() {{ :; }}
install_chef_client() {{ :; }}
instance_id() {{ echo i-0123456789abcdef0; }}
aws() {{
  printf '%s\n' "$@" >> "$CHEF_DIR/aws.log"
  printf '==CALL==\n' >> "$CHEF_DIR/aws.log"
  case "$*" in *associate-node*) echo TOKEN-1 ;; esac
}}
chef-client() {{ printf '%s\n' "$@" > "$CHEF_DIR/chef-client.log"; }}
main"#,
            dir = shell_quote(&dir.display().to_string())
        );
        let out = bash(&[], &with_tail(&script, &tail));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(read(&dir.join("ca.pem")), CA);
        let client_rb = read(&dir.join("client.rb"));
        assert!(client_rb.contains(
            "chef_server_url  'https://mychef-abcdefghijklmnop.us-east-1.opsworks.io/organizations/default'"
        ), "{client_rb}");
        assert!(client_rb.contains("node_name        'i-0123456789abcdef0'"));
        assert!(client_rb.contains("environment      'staging'"));
        assert!(client_rb.contains("ssl_ca_file"));
        assert_eq!(
            read(&dir.join("first-boot.json")),
            "{\n  \"run_list\": [\"recipe[apache2]\",\"role[web]\"],\n  \"chef_environment\": \"staging\"\n}\n"
        );
        let public = read(&dir.join("client.pub"));
        assert!(super::super::keys::parse_public_key(&public).is_ok());
        let log = read(&dir.join("aws.log"));
        let calls: Vec<&str> = log.split("==CALL==\n").filter(|c| !c.is_empty()).collect();
        assert_eq!(calls.len(), 2, "{log}");
        assert!(calls[0].starts_with("--region\nus-east-1\nopsworks-cm\nassociate-node\n"));
        assert!(calls[0].contains("--server-name\nMyChef\n--node-name\ni-0123456789abcdef0\n"));
        assert!(calls[0].contains("Name=CHEF_ORGANIZATION,Value=default\n"));
        assert!(calls[0].contains(&format!(
            "Name=CHEF_NODE_PUBLIC_KEY,Value='{}'\n",
            public.trim_end()
        )));
        assert!(calls[1].contains(
            "wait\nnode-associated\n--node-association-status-token\nTOKEN-1\n--server-name\nMyChef\n"
        ), "{}", calls[1]);
        assert_eq!(
            read(&dir.join("chef-client.log")),
            format!("-j\n{}/first-boot.json\n", dir.display())
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Runs the whole Puppet script with the network-facing commands stubbed,
    /// signing the CSR with a real CA.
    #[test]
    fn puppet_script_runs_with_stubs() {
        use chrono::TimeZone as _;
        if !have_openssl() {
            return;
        }
        let now = chrono::Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap();
        let ca = super::super::ca::ServerCa::generate("test", now).unwrap();
        let dir = scratch_dir();
        let script = puppet_userdata(&PuppetUserdata {
            ca_cert_pem: ca.cert_pem(),
            ..puppet()
        });
        // First run: stop after the CSR is created, and sign it.
        let stubs = format!(
            r#"PUPPET_SSL_DIR={dir}
CA_PATH="$PUPPET_SSL_DIR/certs/ca.pem"
ensure_tools() {{ :; }}
install_aws_cli() {{ :; }}
install_puppet_agent() {{ :; }}
instance_id() {{ echo i-0puppet; }}
puppet_stub() {{ printf '%s\n' "$*" >> "$PUPPET_SSL_DIR/puppet.log"; [ "$1" != agent ] || return 2; }}
PUPPET_BIN=puppet_stub"#,
            dir = shell_quote(&dir.display().to_string())
        );
        let out = bash(
            &[],
            &with_tail(
                &script,
                &format!("{stubs}\nNODE_NAME=i-0puppet\ngenerate_csr"),
            ),
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let csr = read(&dir.join("certificate_requests/i-0puppet.pem"));
        let cert = ca.sign_node_csr(&csr, "i-0puppet", now).unwrap();
        std::fs::write(dir.join("signed.pem"), &cert).unwrap();

        let tail = format!(
            r#"{stubs}
generate_csr() {{ :; }}
aws() {{
  printf '%s\n' "$@" >> "$PUPPET_SSL_DIR/aws.log"
  printf '==CALL==\n' >> "$PUPPET_SSL_DIR/aws.log"
  case "$*" in
    *associate-node*) echo TOKEN-2 ;;
    *describe-node-association-status*) cat "$PUPPET_SSL_DIR/signed.pem" ;;
  esac
}}
main"#
        );
        let out = bash(&[], &with_tail(&script, &tail));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(read(&dir.join("certs/ca.pem")).trim(), ca.cert_pem().trim());
        assert_eq!(read(&dir.join("certs/i-0puppet.pem")), cert);
        let log = read(&dir.join("aws.log"));
        assert!(log.contains("Name=PUPPET_NODE_CSR,Value='-----BEGIN CERTIFICATE REQUEST-----"));
        assert!(log.contains("wait\nnode-associated\n--node-association-status-token\nTOKEN-2\n"));
        assert!(log.contains("EngineAttributes[?Name=='PUPPET_NODE_CERT'].Value"));
        assert_eq!(
            read(&dir.join("puppet.log")),
            "agent --test\nresource service puppet ensure=running enable=true\n"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
