//! Names of engine attributes, export attributes and account attributes.

/// Chef: the pivotal user's private key (CreateServer input and output).
pub const CHEF_AUTOMATE_PIVOTAL_KEY: &str = "CHEF_AUTOMATE_PIVOTAL_KEY";
/// Chef: the pivotal key reset by UpdateServerEngineAttributes.
pub const CHEF_PIVOTAL_KEY: &str = "CHEF_PIVOTAL_KEY";
/// Chef: the Automate dashboard admin password (CreateServer input).
pub const CHEF_AUTOMATE_ADMIN_PASSWORD: &str = "CHEF_AUTOMATE_ADMIN_PASSWORD";
/// Chef: the legacy Automate 1 (delivery) admin password.
pub const CHEF_DELIVERY_ADMIN_PASSWORD: &str = "CHEF_DELIVERY_ADMIN_PASSWORD";
/// Chef: the starter kit, a base64 ZIP (CreateServer output).
pub const CHEF_STARTER_KIT: &str = "CHEF_STARTER_KIT";
/// Puppet: the Puppet Enterprise console admin password.
pub const PUPPET_ADMIN_PASSWORD: &str = "PUPPET_ADMIN_PASSWORD";
/// Puppet: the starter kit, a base64 ZIP (CreateServer output).
pub const PUPPET_STARTER_KIT: &str = "PUPPET_STARTER_KIT";
/// Puppet: the r10k control repository URL.
pub const PUPPET_R10K_REMOTE: &str = "PUPPET_R10K_REMOTE";
/// Puppet: the SSH key for a private r10k repository.
pub const PUPPET_R10K_PRIVATE_KEY: &str = "PUPPET_R10K_PRIVATE_KEY";
/// Puppet: the API CA certificate.
pub const PUPPET_API_CA_CERT: &str = "PUPPET_API_CA_CERT";
/// Puppet: the certificate revocation list.
pub const PUPPET_API_CRL: &str = "PUPPET_API_CRL";
/// Chef association: the organization (only `default` exists).
pub const CHEF_ORGANIZATION: &str = "CHEF_ORGANIZATION";
/// Chef association: the node's public key (legacy name).
pub const CHEF_NODE_PUBLIC_KEY: &str = "CHEF_NODE_PUBLIC_KEY";
/// Chef association: the node's public key.
pub const CHEF_AUTOMATE_NODE_PUBLIC_KEY: &str = "CHEF_AUTOMATE_NODE_PUBLIC_KEY";
/// Puppet association: the node's certificate signing request.
pub const PUPPET_NODE_CSR: &str = "PUPPET_NODE_CSR";
/// Puppet association result: the signed node certificate.
pub const PUPPET_NODE_CERT: &str = "PUPPET_NODE_CERT";
/// StartMaintenance: `true` upgrades Chef to Automate 2.
pub const CHEF_MAJOR_UPGRADE: &str = "CHEF_MAJOR_UPGRADE";

/// The only ExportAttributeName: node user data (a base64 shell script).
pub const USERDATA: &str = "Userdata";
/// Userdata input: the Chef run list.
pub const RUN_LIST: &str = "RunList";
/// Userdata input: the Chef organization.
pub const ORGANIZATION_NAME: &str = "OrganizationName";
/// Userdata input: the Chef environment.
pub const NODE_ENVIRONMENT: &str = "NodeEnvironment";
/// Userdata input: the chef-client version.
pub const NODE_CLIENT_VERSION: &str = "NodeClientVersion";

/// The default Chef organization.
pub const DEFAULT_CHEF_ORGANIZATION: &str = "default";

/// Account attribute: maximum number of servers.
pub const SERVER_LIMIT: &str = "ServerLimit";
/// Account attribute: maximum number of manual backups.
pub const MANUAL_BACKUP_LIMIT: &str = "ManualBackupLimit";
