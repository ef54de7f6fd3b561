//! Starter kits: the ZIP files returned as `CHEF_STARTER_KIT` and
//! `PUPPET_STARTER_KIT` (base64-encoded by the caller).
//!
//! Both unpack into one top folder, [`STARTER_KIT_DIR`]. The Chef kit holds a
//! knife configuration for the `pivotal` user, that user's private key and
//! the server's root CA; the Puppet kit holds PE client tools settings, the
//! CA certificate, a minimal control repository and its SSH key.

use std::io::Write as _;

use chrono::{DateTime, Datelike as _, Timelike as _, Utc};
use zip::write::SimpleFileOptions;

use super::{ArtifactError, fill_template as fill};

/// The folder every starter kit unpacks into.
pub const STARTER_KIT_DIR: &str = "starter_kit";
/// File name of the server's root CA inside the Chef kit's `.chef/ca_certs/`
/// (and in user data scripts).
pub const CHEF_CA_FILE_NAME: &str = "opsworks-cm-ca-2020-root.pem";

/// What goes into a Chef starter kit.
#[derive(Debug, Clone, Copy)]
pub struct ChefKit<'a> {
    /// The OpsWorks CM server name.
    pub server_name: &'a str,
    /// The server endpoint (host name, or the custom domain).
    pub endpoint: &'a str,
    /// The Chef organization; OpsWorks CM always uses `default`.
    pub organization: &'a str,
    /// The pivotal user's private key PEM, or `None` when the user supplied
    /// their own `CHEF_PIVOTAL_KEY` public key (the README then says where to
    /// put the matching private key).
    pub pivotal_key_pem: Option<&'a str>,
    /// The server's root CA certificate PEM.
    pub ca_cert_pem: &'a str,
}

/// What goes into a Puppet starter kit.
#[derive(Debug, Clone, Copy)]
pub struct PuppetKit<'a> {
    /// The OpsWorks CM server name.
    pub server_name: &'a str,
    /// The server endpoint (host name, or the custom domain).
    pub endpoint: &'a str,
    /// The server's CA certificate PEM (`PUPPET_API_CA_CERT`).
    pub ca_cert_pem: &'a str,
    /// The `PUPPET_R10K_REMOTE` given at creation, if any.
    pub r10k_remote: Option<&'a str>,
    /// A private key PEM for the control repository (shipped as
    /// `.ssh/control-repo`); generate one with
    /// [`super::keys::generate_rsa_private_key`].
    pub control_repo_key_pem: &'a str,
}

/// Builds the Chef starter kit ZIP with file times set to `generated_at`.
pub fn chef_starter_kit_at(
    kit: &ChefKit<'_>,
    generated_at: DateTime<Utc>,
) -> Result<Vec<u8>, ArtifactError> {
    build_zip(&chef_files(kit), zip_time(generated_at))
}

/// Builds the Puppet starter kit ZIP with file times set to `generated_at`.
pub fn puppet_starter_kit_at(
    kit: &PuppetKit<'_>,
    generated_at: DateTime<Utc>,
) -> Result<Vec<u8>, ArtifactError> {
    build_zip(&puppet_files(kit), zip_time(generated_at))
}

/// One entry of a kit: a path below [`STARTER_KIT_DIR`] (a trailing `/`
/// marks a folder), its contents and its Unix mode.
struct KitFile {
    path: String,
    contents: String,
    mode: u32,
}

impl KitFile {
    fn new(path: &str, contents: impl Into<String>) -> Self {
        Self {
            path: path.to_owned(),
            contents: contents.into(),
            mode: 0o644,
        }
    }

    fn secret(path: &str, contents: impl Into<String>) -> Self {
        Self {
            mode: 0o600,
            ..Self::new(path, contents)
        }
    }

    fn dir(path: &str) -> Self {
        Self {
            mode: 0o755,
            ..Self::new(path, "")
        }
    }
}

fn zip_time(t: DateTime<Utc>) -> zip::DateTime {
    let part = |v: u32| u8::try_from(v).unwrap_or(0);
    u16::try_from(t.year())
        .ok()
        .and_then(|year| {
            zip::DateTime::from_date_and_time(
                year,
                part(t.month()),
                part(t.day()),
                part(t.hour()),
                part(t.minute()),
                part(t.second() & !1),
            )
            .ok()
        })
        .unwrap_or_default()
}

fn build_zip(files: &[KitFile], modified: zip::DateTime) -> Result<Vec<u8>, ArtifactError> {
    let archive_err = |e: &dyn std::fmt::Display| ArtifactError::Archive(e.to_string());
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let base = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(modified);
    writer
        .add_directory(format!("{STARTER_KIT_DIR}/"), base.unix_permissions(0o755))
        .map_err(|e| archive_err(&e))?;
    for file in files {
        let name = format!("{STARTER_KIT_DIR}/{}", file.path);
        let options = base.unix_permissions(file.mode);
        if file.path.ends_with('/') {
            writer
                .add_directory(name, options)
                .map_err(|e| archive_err(&e))?;
        } else {
            writer
                .start_file(name, options)
                .map_err(|e| archive_err(&e))?;
            writer
                .write_all(file.contents.as_bytes())
                .map_err(|e| archive_err(&e))?;
        }
    }
    let cursor = writer.finish().map_err(|e| archive_err(&e))?;
    Ok(cursor.into_inner())
}

/// A Ruby single-quoted string literal.
fn ruby_quote(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// A JSON string literal.
fn json_quote(s: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// PEM text with a single trailing newline.
fn pem_file(pem: &str) -> String {
    format!("{}\n", pem.trim())
}

const CHEF_CONFIG_RB: &str = r#"# Knife configuration for the AWS OpsWorks for Chef Automate server @SERVER_NAME@.
# Run knife (and berks) from the folder that contains this .chef folder.
current_dir = File.dirname(__FILE__)

log_level                :info
log_location             STDOUT
node_name                'pivotal'
client_key               File.join(current_dir, 'private.pem')
chef_server_url          @SERVER_URL@
trusted_certs_dir        File.join(current_dir, 'ca_certs')
ssl_ca_file              File.join(current_dir, 'ca_certs', '@CA_FILE@')
cookbook_path            [File.join(current_dir, '..', 'cookbooks'), File.join(current_dir, '..', 'berks-cookbooks')]
"#;

const CHEF_BERKSFILE: &str = r#"# Cookbook dependencies. Install them with `berks install`, then upload them
# to the Chef server with
#   SSL_CERT_FILE='.chef/ca_certs/@CA_FILE@' berks upload
source 'https://supermarket.chef.io'

cookbook 'chef-client'
"#;

const CHEF_ROLE: &str = r#"# An example role. Upload it with
#   knife role from file roles/opsworks-example-role.rb
name 'opsworks-example-role'
description 'Example role for nodes of the AWS OpsWorks for Chef Automate server @SERVER_NAME@'
default_attributes(
  'chef_client' => {
    'interval' => 1800
  }
)
run_list 'recipe[chef-client]'
"#;

const CHEF_README: &str = r#"# Starter kit for the AWS OpsWorks for Chef Automate server `@SERVER_NAME@`

The Chef Infra Server API of this server is at
`https://@ENDPOINT@/organizations/@ORGANIZATION@`; the Chef Automate dashboard
is at `https://@ENDPOINT@`.

## Contents

| Path | What it is |
| --- | --- |
| `.chef/config.rb` | knife configuration: user `pivotal`, organization `@ORGANIZATION@` |
| `.chef/knife.rb` | the same configuration, for knife versions that read only `knife.rb` |
| `.chef/private.pem` | the private key of the `pivotal` user |
| `.chef/ca_certs/@CA_FILE@` | the server's root CA certificate, so knife trusts the server |
| `Berksfile` | cookbook dependencies (the `chef-client` cookbook) |
| `roles/opsworks-example-role.rb` | an example role that runs `chef-client` |
| `cookbooks/` | put your own cookbooks here |

@KEY_NOTE@

Install [Chef Workstation](https://docs.chef.io/workstation/) (it provides
`knife` and `berks`), then run every command below from this folder.

## Check the connection

```sh
knife ssl check
knife client list
knife node list
```

## Upload cookbooks and the example role

```sh
berks install
SSL_CERT_FILE='.chef/ca_certs/@CA_FILE@' berks upload
knife role from file roles/opsworks-example-role.rb
```

## Add nodes

### Automatically, from EC2 user data

Export a user data script, then launch instances with it. The instance
profile of the nodes must allow `opsworks-cm:AssociateNode` and
`opsworks-cm:DescribeNodeAssociationStatus`.

```sh
aws opsworks-cm export-server-engine-attribute \
  --server-name @SERVER_NAME@ \
  --export-attribute-name Userdata \
  --input-attributes "Name=RunList,Value=role[opsworks-example-role]" \
                     "Name=OrganizationName,Value=@ORGANIZATION@" \
  --query EngineAttribute.Value --output text | base64 --decode > userdata.sh

aws ec2 run-instances --user-data file://userdata.sh ...
```

### Manually, with the AWS CLI

On the node, create a key pair (`openssl genrsa -out /etc/chef/client.pem 2048`
and `openssl rsa -in /etc/chef/client.pem -pubout -out client.pub`), then:

```sh
aws opsworks-cm associate-node --server-name @SERVER_NAME@ --node-name NODE_NAME \
  --engine-attributes "Name=CHEF_ORGANIZATION,Value=@ORGANIZATION@" \
                      "Name=CHEF_NODE_PUBLIC_KEY,Value=$(cat client.pub)"
aws opsworks-cm wait node-associated --server-name @SERVER_NAME@ \
  --node-association-status-token TOKEN_FROM_ASSOCIATE_NODE
```

### With knife bootstrap

```sh
knife bootstrap NODE_ADDRESS --connection-user ec2-user --sudo \
  --ssh-identity-file ~/.ssh/YOUR_EC2_KEY.pem --node-name NODE_NAME \
  --run-list 'role[opsworks-example-role]'
```

## Remove nodes

```sh
aws opsworks-cm disassociate-node --server-name @SERVER_NAME@ --node-name NODE_NAME \
  --engine-attributes "Name=CHEF_ORGANIZATION,Value=@ORGANIZATION@"
```
"#;

fn chef_files(kit: &ChefKit<'_>) -> Vec<KitFile> {
    let server_url = format!(
        "https://{}/organizations/{}",
        kit.endpoint, kit.organization
    );
    let key_note = match kit.pivotal_key_pem {
        Some(_) => {
            "Keep `.chef/private.pem` secret. Downloading a new starter kit, or resetting \
             `CHEF_PIVOTAL_KEY` with `aws opsworks-cm update-server-engine-attributes`, \
             replaces the pivotal key; this one then stops working."
        }
        None => {
            "This kit has no `.chef/private.pem`: the server was created with your own \
             `CHEF_PIVOTAL_KEY`. Copy the matching private key to `.chef/private.pem`."
        }
    };
    let values = [
        ("SERVER_NAME", kit.server_name),
        ("ENDPOINT", kit.endpoint),
        ("ORGANIZATION", kit.organization),
        ("CA_FILE", CHEF_CA_FILE_NAME),
        ("KEY_NOTE", key_note),
    ];
    let config = fill(
        &fill(CHEF_CONFIG_RB, &[("SERVER_URL", &ruby_quote(&server_url))]),
        &values,
    );
    let mut files = vec![
        KitFile::new("README.md", fill(CHEF_README, &values)),
        KitFile::dir(".chef/"),
        KitFile::new(".chef/config.rb", config.clone()),
        KitFile::new(".chef/knife.rb", config),
        KitFile::dir(".chef/ca_certs/"),
        KitFile::new(
            &format!(".chef/ca_certs/{CHEF_CA_FILE_NAME}"),
            pem_file(kit.ca_cert_pem),
        ),
        KitFile::new("Berksfile", fill(CHEF_BERKSFILE, &values)),
        KitFile::dir("roles/"),
        KitFile::new("roles/opsworks-example-role.rb", fill(CHEF_ROLE, &values)),
        KitFile::dir("cookbooks/"),
    ];
    if let Some(key) = kit.pivotal_key_pem {
        files.insert(4, KitFile::secret(".chef/private.pem", pem_file(key)));
    }
    files
}

const PUPPET_README: &str = r#"# Starter kit for the AWS OpsWorks for Puppet Enterprise server `@SERVER_NAME@`

## Sign in to the Puppet Enterprise console

Open <https://@ENDPOINT@> and sign in as `admin` with the
`PUPPET_ADMIN_PASSWORD` returned when the server was created. To set a new
one:

```sh
aws opsworks-cm update-server-engine-attributes --server-name @SERVER_NAME@ \
  --attribute-name PUPPET_ADMIN_PASSWORD --attribute-value 'NEW_PASSWORD'
```

## Contents

| Path | What it is |
| --- | --- |
| `ca.pem` | the server's CA certificate (also `PUPPET_API_CA_CERT` in DescribeServers) |
| `.config/puppetlabs/client-tools/*.conf` | settings for the PE client tools (`puppet-access`, `puppet-code`, `puppet-query`, `puppet-job`) |
| `control-repo/` | a minimal control repository (`Puppetfile`, `environment.conf`, `manifests/site.pp`, Hiera data) |
| `.ssh/control-repo` | a private SSH key for the control repository; keep it secret |

## Set up the PE client tools

Install the Puppet Enterprise client tools, then, from this folder:

```sh
mkdir -p ~/.puppetlabs/client-tools
cp ca.pem ~/.puppetlabs/ca.pem
cp .config/puppetlabs/client-tools/*.conf ~/.puppetlabs/client-tools/
puppet-access login --username admin --lifetime 8h
```

## Deploy code

@R10K_NOTE@

Push `control-repo/` as the `production` branch of your control repository,
using the key in `.ssh/control-repo` (add its public key,
`ssh-keygen -y -f .ssh/control-repo`, as a deploy key of the repository):

```sh
cd control-repo
git init && git checkout -b production
git add . && git commit -m "Initial control repository"
git remote add origin @R10K_REMOTE@
GIT_SSH_COMMAND='ssh -i ../.ssh/control-repo' git push -u origin production
cd ..
puppet-code deploy --all --wait
```

## Add nodes

### Automatically, from EC2 user data

Export a user data script, then launch instances with it. The instance
profile of the nodes must allow `opsworks-cm:AssociateNode` and
`opsworks-cm:DescribeNodeAssociationStatus`.

```sh
aws opsworks-cm export-server-engine-attribute \
  --server-name @SERVER_NAME@ --export-attribute-name Userdata \
  --query EngineAttribute.Value --output text | base64 --decode > userdata.sh
aws ec2 run-instances --user-data file://userdata.sh ...
```

### Manually, with the AWS CLI

Install the agent from `https://@ENDPOINT@:8140/packages/current/install.bash`
(trusting `ca.pem`), create a certificate signing request for the node, then
sign it through OpsWorks CM instead of `puppet cert sign`:

```sh
aws opsworks-cm associate-node --server-name @SERVER_NAME@ --node-name NODE_NAME \
  --engine-attributes "Name=PUPPET_NODE_CSR,Value=$(cat NODE_NAME.csr.pem)"
aws opsworks-cm wait node-associated --server-name @SERVER_NAME@ \
  --node-association-status-token TOKEN_FROM_ASSOCIATE_NODE
aws opsworks-cm describe-node-association-status --server-name @SERVER_NAME@ \
  --node-association-status-token TOKEN_FROM_ASSOCIATE_NODE \
  --query "EngineAttributes[?Name=='PUPPET_NODE_CERT'].Value" --output text
```

Install the returned `PUPPET_NODE_CERT` as the node's certificate, then run
`puppet agent -t`.
"#;

const PUPPET_CODE_CONF: &str = r#"{
  "cacert": "~/.puppetlabs/ca.pem",
  "token-file": "~/.puppetlabs/token",
  "service-url": @URL@
}
"#;

const PUPPET_ACCESS_CONF: &str = r#"{
  "certificate-file": "~/.puppetlabs/ca.pem",
  "token-file": "~/.puppetlabs/token",
  "service-url": @URL@
}
"#;

const PUPPETDB_CONF: &str = r#"{
  "puppetdb": {
    "server_urls": @URL@,
    "cacert": "~/.puppetlabs/ca.pem"
  }
}
"#;

const ORCHESTRATOR_CONF: &str = r#"{
  "options": {
    "service-url": @URL@,
    "cacert": "~/.puppetlabs/ca.pem",
    "token-file": "~/.puppetlabs/token"
  }
}
"#;

const CONTROL_REPO_README: &str = r#"# Control repository for `@SERVER_NAME@`

Code Manager deploys each branch of this repository as a Puppet environment;
`production` is the default one.

- `Puppetfile`: modules to install from the Puppet Forge or Git.
- `environment.conf`: where modules are found (`site/` for your own).
- `manifests/site.pp`: node definitions and classification.
- `hiera.yaml` and `hieradata/`: data for your classes.

Deploy with `puppet-code deploy production --wait`.
"#;

const CONTROL_REPO_PUPPETFILE: &str = r#"# Modules for this environment, installed by Code Manager (r10k).
forge 'https://forge.puppet.com'

mod 'puppetlabs-stdlib', :latest
"#;

const CONTROL_REPO_ENVIRONMENT_CONF: &str = r#"# Per-environment settings.
modulepath = site:modules:$basemodulepath
"#;

const CONTROL_REPO_SITE_PP: &str = r#"# The main manifest: applied to every node of every run.
# Nodes without a more specific definition use `node default`.
node default {
  notify { "This node (${trusted['certname']}) is managed by the AWS OpsWorks CM server @SERVER_NAME@.":
    message => lookup('message', String, 'first', 'Hello from Puppet'),
  }
}
"#;

const CONTROL_REPO_HIERA_YAML: &str = r#"---
version: 5
defaults:
  datadir: hieradata
  data_hash: yaml_data
hierarchy:
  - name: "Per-node data"
    path: "nodes/%{trusted.certname}.yaml"
  - name: "Common data"
    path: "common.yaml"
"#;

const CONTROL_REPO_COMMON_YAML: &str = r#"---
# Data shared by every node.
message: "Hello from the AWS OpsWorks CM server @SERVER_NAME@"
"#;

fn puppet_files(kit: &PuppetKit<'_>) -> Vec<KitFile> {
    let r10k_note = match kit.r10k_remote {
        Some(remote) => format!(
            "Code Manager deploys from the control repository `{remote}` (`PUPPET_R10K_REMOTE`)."
        ),
        None => "No control repository was configured for this server. Create the server \
                 with `PUPPET_R10K_REMOTE` (and `PUPPET_R10K_PRIVATE_KEY` for a private \
                 repository) to let Code Manager deploy from it."
            .to_owned(),
    };
    let remote = kit.r10k_remote.unwrap_or("YOUR_CONTROL_REPOSITORY_URL");
    let values = [
        ("SERVER_NAME", kit.server_name),
        ("ENDPOINT", kit.endpoint),
        ("R10K_NOTE", r10k_note.as_str()),
        ("R10K_REMOTE", remote),
    ];
    let url = |template: &str, url: String| fill(template, &[("URL", &json_quote(&url))]);
    let endpoint = kit.endpoint;
    let tools = ".config/puppetlabs/client-tools";
    vec![
        KitFile::new("README.md", fill(PUPPET_README, &values)),
        KitFile::new("ca.pem", pem_file(kit.ca_cert_pem)),
        KitFile::dir(".config/"),
        KitFile::dir(".config/puppetlabs/"),
        KitFile::dir(&format!("{tools}/")),
        KitFile::new(
            &format!("{tools}/puppet-code.conf"),
            url(
                PUPPET_CODE_CONF,
                format!("https://{endpoint}:8170/code-manager"),
            ),
        ),
        KitFile::new(
            &format!("{tools}/puppet-access.conf"),
            url(
                PUPPET_ACCESS_CONF,
                format!("https://{endpoint}:4433/rbac-api"),
            ),
        ),
        KitFile::new(
            &format!("{tools}/puppetdb.conf"),
            url(PUPPETDB_CONF, format!("https://{endpoint}:8081")),
        ),
        KitFile::new(
            &format!("{tools}/orchestrator.conf"),
            url(ORCHESTRATOR_CONF, format!("https://{endpoint}:8143")),
        ),
        KitFile::dir(".ssh/"),
        KitFile::secret(".ssh/control-repo", pem_file(kit.control_repo_key_pem)),
        KitFile::dir("control-repo/"),
        KitFile::new("control-repo/README.md", fill(CONTROL_REPO_README, &values)),
        KitFile::new("control-repo/Puppetfile", CONTROL_REPO_PUPPETFILE),
        KitFile::new(
            "control-repo/environment.conf",
            CONTROL_REPO_ENVIRONMENT_CONF,
        ),
        KitFile::dir("control-repo/manifests/"),
        KitFile::new(
            "control-repo/manifests/site.pp",
            fill(CONTROL_REPO_SITE_PP, &values),
        ),
        KitFile::new("control-repo/hiera.yaml", CONTROL_REPO_HIERA_YAML),
        KitFile::dir("control-repo/hieradata/"),
        KitFile::new(
            "control-repo/hieradata/common.yaml",
            fill(CONTROL_REPO_COMMON_YAML, &values),
        ),
        KitFile::dir("control-repo/site/"),
    ]
}

/// Reads every file of a ZIP archive into a map from entry name to
/// contents (folders are listed with empty contents). For tests.
#[cfg(test)]
pub(crate) fn read_zip_entries(
    bytes: &[u8],
) -> std::collections::BTreeMap<String, (Vec<u8>, Option<u32>)> {
    use std::io::Read as _;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("valid ZIP");
    let mut out = std::collections::BTreeMap::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("entry");
        let mut data = Vec::new();
        entry.read_to_end(&mut data).expect("readable entry");
        out.insert(entry.name().to_owned(), (data, entry.unix_mode()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CA: &str = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";
    const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIIEfake\n-----END PRIVATE KEY-----";

    fn text(
        entries: &std::collections::BTreeMap<String, (Vec<u8>, Option<u32>)>,
        name: &str,
    ) -> String {
        let (data, _) = entries
            .get(name)
            .unwrap_or_else(|| panic!("{name} missing from {:?}", entries.keys()));
        String::from_utf8(data.clone()).unwrap()
    }

    /// A fixed generation time for the kits.
    fn at() -> DateTime<Utc> {
        use chrono::TimeZone as _;
        Utc.with_ymd_and_hms(2024, 2, 29, 13, 14, 15).unwrap()
    }

    fn chef_kit(key: Option<&'static str>) -> ChefKit<'static> {
        ChefKit {
            server_name: "MyChef",
            endpoint: "mychef-abcdefghijklmnop.us-east-1.opsworks.io",
            organization: "default",
            pivotal_key_pem: key,
            ca_cert_pem: CA,
        }
    }

    #[test]
    fn chef_kit_contents() {
        let zip = chef_starter_kit_at(&chef_kit(Some(KEY)), at()).unwrap();
        let entries = read_zip_entries(&zip);
        for name in [
            "starter_kit/",
            "starter_kit/README.md",
            "starter_kit/.chef/config.rb",
            "starter_kit/.chef/knife.rb",
            "starter_kit/.chef/private.pem",
            "starter_kit/.chef/ca_certs/opsworks-cm-ca-2020-root.pem",
            "starter_kit/Berksfile",
            "starter_kit/roles/opsworks-example-role.rb",
            "starter_kit/cookbooks/",
        ] {
            assert!(entries.contains_key(name), "{name} missing");
        }
        let config = text(&entries, "starter_kit/.chef/config.rb");
        assert!(config.contains(
            "chef_server_url          'https://mychef-abcdefghijklmnop.us-east-1.opsworks.io/organizations/default'"
        ), "{config}");
        assert!(config.contains("node_name                'pivotal'"));
        assert!(config.contains("File.join(current_dir, 'private.pem')"));
        assert!(config.contains("File.join(current_dir, 'ca_certs')"));
        assert!(config.contains("cookbook_path"));
        assert_eq!(config, text(&entries, "starter_kit/.chef/knife.rb"));
        assert_eq!(
            text(
                &entries,
                "starter_kit/.chef/ca_certs/opsworks-cm-ca-2020-root.pem"
            ),
            CA
        );
        assert_eq!(
            text(&entries, "starter_kit/.chef/private.pem"),
            format!("{KEY}\n")
        );
        assert_eq!(
            entries["starter_kit/.chef/private.pem"]
                .1
                .map(|m| m & 0o777),
            Some(0o600)
        );
        let readme = text(&entries, "starter_kit/README.md");
        for needle in [
            "knife ssl check",
            "knife node list",
            "berks install",
            "berks upload",
            "knife bootstrap",
            "export-server-engine-attribute",
            "associate-node",
            "MyChef",
        ] {
            assert!(readme.contains(needle), "README lacks {needle}");
        }
        assert!(!readme.contains('@'), "unfilled placeholder in README");
        let berks = text(&entries, "starter_kit/Berksfile");
        assert!(berks.contains("source 'https://supermarket.chef.io'"));
        assert!(berks.contains("cookbook 'chef-client'"));
    }

    #[test]
    fn chef_kit_without_key() {
        let zip = chef_starter_kit_at(&chef_kit(None), at()).unwrap();
        let entries = read_zip_entries(&zip);
        assert!(!entries.contains_key("starter_kit/.chef/private.pem"));
        assert!(text(&entries, "starter_kit/README.md").contains("CHEF_PIVOTAL_KEY"));
    }

    #[test]
    fn chef_kit_quotes_ruby_values() {
        let kit = ChefKit {
            endpoint: "evil.example.com'; system('id'); '",
            ..chef_kit(None)
        };
        let entries = read_zip_entries(&chef_starter_kit_at(&kit, at()).unwrap());
        let config = text(&entries, "starter_kit/.chef/config.rb");
        assert!(
            config.contains(
                r"'https://evil.example.com\'; system(\'id\'); \'/organizations/default'"
            )
        );
    }

    #[test]
    fn kit_times() {
        let zip = chef_starter_kit_at(&chef_kit(Some(KEY)), at()).unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
        let entry = archive.by_name("starter_kit/README.md").unwrap();
        let t = entry.last_modified().unwrap();
        assert_eq!(
            (
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            ),
            (2024, 2, 29, 13, 14, 14)
        );
        assert_eq!(entry.compression(), zip::CompressionMethod::Deflated);
    }

    #[test]
    fn puppet_kit_contents() {
        let kit = PuppetKit {
            server_name: "MyPuppet",
            endpoint: "mypuppet-abcdefghijklmnop.us-west-2.opsworks.io",
            ca_cert_pem: CA,
            r10k_remote: Some("ssh://git@example.com/user/control-repo.git"),
            control_repo_key_pem: KEY,
        };
        let zip = puppet_starter_kit_at(&kit, at()).unwrap();
        let entries = read_zip_entries(&zip);
        for name in [
            "starter_kit/README.md",
            "starter_kit/ca.pem",
            "starter_kit/.config/puppetlabs/client-tools/puppet-code.conf",
            "starter_kit/.config/puppetlabs/client-tools/puppet-access.conf",
            "starter_kit/.config/puppetlabs/client-tools/puppetdb.conf",
            "starter_kit/.config/puppetlabs/client-tools/orchestrator.conf",
            "starter_kit/.ssh/control-repo",
            "starter_kit/control-repo/Puppetfile",
            "starter_kit/control-repo/environment.conf",
            "starter_kit/control-repo/manifests/site.pp",
            "starter_kit/control-repo/hieradata/common.yaml",
            "starter_kit/control-repo/hiera.yaml",
            "starter_kit/control-repo/README.md",
        ] {
            assert!(entries.contains_key(name), "{name} missing");
        }
        assert_eq!(text(&entries, "starter_kit/ca.pem"), CA);
        assert_eq!(
            text(&entries, "starter_kit/.ssh/control-repo"),
            format!("{KEY}\n")
        );
        assert_eq!(
            entries["starter_kit/.ssh/control-repo"]
                .1
                .map(|m| m & 0o777),
            Some(0o600)
        );
        let code = text(
            &entries,
            "starter_kit/.config/puppetlabs/client-tools/puppet-code.conf",
        );
        assert!(code.contains(
            r#""service-url": "https://mypuppet-abcdefghijklmnop.us-west-2.opsworks.io:8170/code-manager""#
        ), "{code}");
        assert!(code.contains(r#""cacert""#));
        let readme = text(&entries, "starter_kit/README.md");
        for needle in [
            "https://mypuppet-abcdefghijklmnop.us-west-2.opsworks.io",
            "admin",
            "PUPPET_ADMIN_PASSWORD",
            "puppet-access login",
            "puppet-code deploy",
            "associate-node",
            "PUPPET_NODE_CSR",
            "ssh://git@example.com/user/control-repo.git",
        ] {
            assert!(readme.contains(needle), "README lacks {needle}");
        }
        let site = text(&entries, "starter_kit/control-repo/manifests/site.pp");
        assert!(site.contains("node default"));
        assert!(site.contains("${trusted['certname']}"));
    }

    #[test]
    fn puppet_conf_is_json_escaped() {
        let kit = PuppetKit {
            server_name: "p",
            endpoint: "a\"b\\c",
            ca_cert_pem: CA,
            r10k_remote: None,
            control_repo_key_pem: KEY,
        };
        let entries = read_zip_entries(&puppet_starter_kit_at(&kit, at()).unwrap());
        let db = text(
            &entries,
            "starter_kit/.config/puppetlabs/client-tools/puppetdb.conf",
        );
        assert!(
            db.contains(r#""server_urls": "https://a\"b\\c:8081""#),
            "{db}"
        );
        assert!(text(&entries, "starter_kit/README.md").contains("PUPPET_R10K_REMOTE"));
    }

    #[test]
    fn json_quote_escapes_controls() {
        assert_eq!(json_quote("a\u{1}\n\"\\"), r#""a\u0001\n\"\\""#);
        assert_eq!(ruby_quote(r"it's \ ok"), r"'it\'s \\ ok'");
    }
}
