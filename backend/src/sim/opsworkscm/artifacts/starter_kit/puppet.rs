//! The Puppet starter kit's files: PE client tools settings, the CA
//! certificate, a minimal control repository and its SSH key, and a README.

use super::{KitFile, PuppetKit, fill, json_quote, pem_file};

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

pub(super) fn puppet_files(kit: &PuppetKit<'_>) -> Vec<KitFile> {
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
