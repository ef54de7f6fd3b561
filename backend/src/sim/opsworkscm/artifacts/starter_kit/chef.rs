//! The Chef starter kit's files: a knife configuration for the `pivotal`
//! user, its key, the server's root CA, a Berksfile, an example role and a
//! README.

use super::{CHEF_CA_FILE_NAME, ChefKit, KitFile, fill, pem_file, ruby_quote};

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

pub(super) fn chef_files(kit: &ChefKit<'_>) -> Vec<KitFile> {
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
