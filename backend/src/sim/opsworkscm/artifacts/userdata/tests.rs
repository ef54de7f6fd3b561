//! Tests of the user data scripts: their quoting, and each script run by
//! bash against a fake `aws`.

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
