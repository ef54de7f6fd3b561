//! The bash templates of the user data scripts: the functions both share,
//! then one script per engine. `{{NAME}}` placeholders are filled by
//! [`super::chef_userdata`] and [`super::puppet_userdata`] with shell-quoted
//! words only.

/// Shell functions shared by both scripts.
pub(super) const COMMON_FUNCTIONS: &str = r#"aws_cli() {
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

pub(super) const CHEF_TEMPLATE: &str = r#"#!/bin/bash
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

pub(super) const PUPPET_TEMPLATE: &str = r#"#!/bin/bash
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
