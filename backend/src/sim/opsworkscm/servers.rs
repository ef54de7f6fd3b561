//! Server operations: create, describe, update, maintain, restore, delete,
//! engine attributes and userdata export.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use rand::Rng as _;

use crate::sim::random;
use shared::opsworkscm::AdminPassword;
use shared::opsworkscm::BackupStatus;
use shared::opsworkscm::{
    CreateServerRequest, CreateServerResponse, DeleteServerRequest, DeleteServerResponse,
    DescribeServersRequest, EngineAttribute, EngineKind, Server, ServerStatus, attributes,
};

use super::artifacts;
use super::durations;
use super::naming;
use super::records::{Action, CachedJson, Pending, ServerRecord, ServerSnapshot};
use super::tags;
use crate::error::ServiceError;
use crate::sim::Simulator;
use crate::sim::State;
use crate::target::RequestContext;

use super::records::RecordChanges as _;
use crate::sim::OpsWorksCm;
use ServerStatus as S;
use shared::operation::{Encodes, Handles};
use shared::opsworkscm::DescribeServersResponse;
use shared::opsworkscm::ops;

/// DescribeServersResponse with pre-serialized servers (same JSON shape;
/// never a NextToken, see DescribeServers).
#[derive(serde::Serialize)]
pub struct ServersPage {
    #[serde(rename = "Servers")]
    servers: Vec<CachedJson>,
}

impl Encodes<DescribeServersResponse> for ServersPage {}

/// One-time secrets and key material prepared outside the state lock.
struct Provisioned {
    ca: artifacts::ca::ServerCa,
    pivotal_fingerprint: Option<String>,
    one_time: Vec<EngineAttribute>,
}

pub(crate) fn attribute(name: &str, value: impl Into<String>) -> EngineAttribute {
    EngineAttribute {
        name: Some(name.to_owned()),
        value: Some(value.into()),
    }
}

/// The engine attributes of a request as `(name, value)` pairs.
pub(crate) fn attribute_pairs(
    attrs: Option<&[shared::opsworkscm::EngineAttributeInput]>,
) -> Vec<(String, String)> {
    attrs
        .unwrap_or_default()
        .iter()
        .map(|a| {
            (
                a.name
                    .as_ref()
                    .map(|n| n.as_str().to_owned())
                    .unwrap_or_default(),
                a.value
                    .as_ref()
                    .map(|v| v.as_str().to_owned())
                    .unwrap_or_default(),
            )
        })
        .collect()
}

pub(crate) fn engine_of(rec: &ServerRecord) -> EngineKind {
    rec.server
        .engine
        .as_deref()
        .and_then(EngineKind::parse)
        .unwrap_or(EngineKind::Chef)
}

fn random_maintenance_window() -> String {
    random::with(|rng| {
        let day = ["Tue", "Wed", "Fri"][rng.random_range(0..3)];
        format!("{day}:{:02}:00", rng.random_range(0..24))
    })
}

fn random_backup_window() -> String {
    random::with(|rng| {
        format!(
            "{:02}:{:02}",
            rng.random_range(0..24),
            rng.random_range(0..4) * 15
        )
    })
}

pub(crate) fn check_puppet_password(value: &str) -> Result<(), ServiceError> {
    let ok =
        (8..=32).contains(&value.chars().count()) && value.chars().all(|c| c.is_ascii_graphic());
    if ok {
        Ok(())
    } else {
        Err(ServiceError::validation(
            "PUPPET_ADMIN_PASSWORD must be 8 to 32 printable ASCII characters without spaces.",
        ))
    }
}

pub(crate) fn check_chef_password(value: &str) -> Result<(), ServiceError> {
    AdminPassword::parse(value).map(|_| ()).map_err(|_| {
        ServiceError::validation(format!(
            "CHEF_AUTOMATE_ADMIN_PASSWORD does not meet the password rules: {}",
            AdminPassword::rules()
        ))
    })
}

fn check_private_key_pem(name: &str, value: &str) -> Result<(), ServiceError> {
    let trimmed = value.trim();
    if trimmed.starts_with("-----BEGIN")
        && trimmed.contains("PRIVATE KEY-----")
        && trimmed.ends_with("-----")
    {
        Ok(())
    } else {
        Err(ServiceError::validation(format!(
            "{name} must be a PEM-encoded private key."
        )))
    }
}

/// What CreateServer's engine attributes ask for, checked.
#[derive(Default)]
struct EngineInputs {
    pivotal_public_key: Option<String>,
    admin_password: Option<String>,
    r10k_remote: Option<String>,
}

fn parse_create_attributes(
    engine: EngineKind,
    pairs: Vec<(String, String)>,
) -> Result<EngineInputs, ServiceError> {
    let mut inputs = EngineInputs::default();
    for (name, value) in pairs {
        match (engine, name.as_str()) {
            (
                EngineKind::Chef,
                attributes::CHEF_AUTOMATE_PIVOTAL_KEY | attributes::CHEF_PIVOTAL_KEY,
            ) => {
                artifacts::keys::parse_public_key(&value)
                    .map_err(|e| ServiceError::validation(format!("{name}: {e}")))?;
                inputs.pivotal_public_key = Some(value);
            }
            (
                EngineKind::Chef,
                attributes::CHEF_AUTOMATE_ADMIN_PASSWORD | attributes::CHEF_DELIVERY_ADMIN_PASSWORD,
            ) => {
                check_chef_password(&value)?;
                inputs.admin_password = Some(value);
            }
            (EngineKind::Puppet, attributes::PUPPET_ADMIN_PASSWORD) => {
                check_puppet_password(&value)?;
                inputs.admin_password = Some(value);
            }
            (EngineKind::Puppet, attributes::PUPPET_R10K_REMOTE) => {
                if value.trim().is_empty() {
                    return Err(ServiceError::validation(
                        "PUPPET_R10K_REMOTE must not be empty.",
                    ));
                }
                inputs.r10k_remote = Some(value);
            }
            (EngineKind::Puppet, attributes::PUPPET_R10K_PRIVATE_KEY) => {
                check_private_key_pem(&name, &value)?;
            }
            _ => {
                return Err(ServiceError::validation(format!(
                    "Engine attribute '{name}' is not supported when creating a {} server.",
                    engine_label(engine)
                )));
            }
        }
    }
    Ok(inputs)
}

pub(crate) fn engine_label(engine: EngineKind) -> &'static str {
    match engine {
        EngineKind::Chef => "Chef Automate",
        EngineKind::Puppet => "Puppet Enterprise",
    }
}

/// Generates the CA, keys, password and starter kit for a new server.
fn provision(
    engine: EngineKind,
    name: &str,
    endpoint: String,
    inputs: &EngineInputs,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Provisioned, ServiceError> {
    let internal = |e: artifacts::ArtifactError| ServiceError::internal(&e);
    let ca = artifacts::ca::ServerCa::generate(&format!("{name} OpsWorks CM CA"), now)
        .map_err(internal)?;
    let mut one_time = Vec::new();
    let mut pivotal_fingerprint = None;
    match engine {
        EngineKind::Chef => {
            let private_pem = match &inputs.pivotal_public_key {
                Some(public) => {
                    let parsed = artifacts::keys::parse_public_key(public)
                        .map_err(|e| ServiceError::validation(e.to_string()))?;
                    pivotal_fingerprint = Some(parsed.fingerprint_sha256);
                    None
                }
                None => {
                    let key = artifacts::keys::generate_rsa_private_key().map_err(internal)?;
                    let parsed = artifacts::keys::parse_public_key(&key.public_key_pem())
                        .map_err(internal)?;
                    pivotal_fingerprint = Some(parsed.fingerprint_sha256);
                    Some(key.private_key_pem())
                }
            };
            let kit = artifacts::starter_kit::chef_starter_kit_at(
                &artifacts::starter_kit::ChefKit {
                    server_name: name,
                    endpoint: &endpoint,
                    organization: "default",
                    pivotal_key_pem: private_pem.as_deref(),
                    ca_cert_pem: ca.cert_pem(),
                },
                now,
            )
            .map_err(internal)?;
            if let Some(private) = private_pem {
                one_time.push(attribute(attributes::CHEF_AUTOMATE_PIVOTAL_KEY, private));
            }
            if inputs.admin_password.is_none() {
                one_time.push(attribute(
                    attributes::CHEF_AUTOMATE_ADMIN_PASSWORD,
                    artifacts::password::generate_admin_password(),
                ));
            }
            one_time.push(attribute(attributes::CHEF_STARTER_KIT, BASE64.encode(kit)));
        }
        EngineKind::Puppet => {
            let control_key = artifacts::keys::generate_rsa_private_key().map_err(internal)?;
            let kit = artifacts::starter_kit::puppet_starter_kit_at(
                &artifacts::starter_kit::PuppetKit {
                    server_name: name,
                    endpoint: &endpoint,
                    ca_cert_pem: ca.cert_pem(),
                    r10k_remote: inputs.r10k_remote.as_deref(),
                    control_repo_key_pem: &control_key.private_key_pem(),
                },
                now,
            )
            .map_err(internal)?;
            let password = inputs
                .admin_password
                .clone()
                .unwrap_or_else(artifacts::password::generate_puppet_admin_password);
            one_time.push(attribute(attributes::PUPPET_ADMIN_PASSWORD, password));
            one_time.push(attribute(
                attributes::PUPPET_STARTER_KIT,
                BASE64.encode(kit),
            ));
        }
    }
    Ok(Provisioned {
        ca,
        pivotal_fingerprint,
        one_time,
    })
}

/// The ids a request gives, else those a backup holds, else one made up.
fn given_or(
    given: Option<&[shared::opsworkscm::Text]>,
    held: Option<&[String]>,
    make: fn() -> String,
) -> Vec<String> {
    match (given, held) {
        (Some(ids), _) if !ids.is_empty() => ids.iter().map(|s| s.as_str().to_owned()).collect(),
        (_, Some(ids)) if !ids.is_empty() => ids.to_vec(),
        _ => vec![make()],
    }
}

impl Simulator {
    fn check_can_create(
        &self,
        state: &State,
        name: &str,
        backup_id: Option<&str>,
        engine: EngineKind,
    ) -> Result<(), ServiceError> {
        if state.opsworkscm.servers.contains_key(name) {
            return Err(ServiceError::already_exists(format!(
                "A server named {name} already exists in this account and region."
            )));
        }
        if state.opsworkscm.servers.len() >= self.config.opsworkscm.server_limit {
            return Err(ServiceError::limit_exceeded(format!(
                "The maximum number of servers ({}) has been reached.",
                self.config.opsworkscm.server_limit
            )));
        }
        if let Some(id) = backup_id {
            let backup =
                state.opsworkscm.backups.get(id).ok_or_else(|| {
                    ServiceError::not_found(format!("Backup {id} does not exist."))
                })?;
            if backup.backup.status != Some(BackupStatus::Ok) {
                return Err(ServiceError::validation(format!(
                    "Backup {id} is not in state OK and cannot be used to create a server."
                )));
            }
            let backup_engine = backup.backup.engine.as_deref().and_then(EngineKind::parse);
            if backup_engine.is_some_and(|e| e != engine) {
                return Err(ServiceError::validation(format!(
                    "Backup {id} was taken from a server with another engine."
                )));
            }
        }
        Ok(())
    }
}

impl Handles<ops::CreateServer> for OpsWorksCm<'_> {
    /// CreateServer.
    async fn handle(
        &self,
        _ctx: &RequestContext,
        req: CreateServerRequest,
    ) -> Result<CreateServerResponse, ServiceError> {
        let engine = EngineKind::parse(req.engine.as_str()).ok_or_else(|| {
            ServiceError::validation(format!(
                "Engine '{}' is not supported. Valid values: ChefAutomate, Puppet.",
                req.engine
            ))
        })?;
        let model = req
            .engine_model
            .as_ref()
            .map_or(engine.default_model(), |m| m.as_str());
        if model != engine.default_model() {
            return Err(ServiceError::validation(format!(
                "EngineModel '{model}' is not valid for {}; use {}.",
                engine_label(engine),
                engine.default_model()
            )));
        }
        let requested_version = req.engine_version.as_ref().map(|v| v.as_str());
        if let Some(version) = requested_version
            && !engine.valid_versions().contains(&version)
        {
            return Err(ServiceError::validation(format!(
                "EngineVersion '{version}' is not valid for {}; valid values: {}.",
                engine_label(engine),
                engine.valid_versions().join(", ")
            )));
        }
        if req
            .backup_retention_count
            .map(i64::from)
            .is_some_and(|count| count < 1)
        {
            return Err(ServiceError::validation(
                "1 validation error detected: Value at 'backupRetentionCount' failed to satisfy constraint: Member must have value greater than or equal to 1",
            ));
        }
        let custom = (
            req.custom_domain.as_ref(),
            req.custom_certificate.as_ref(),
            req.custom_private_key.as_ref(),
        );
        match custom {
            (None, None, None) | (Some(_), Some(_), Some(_)) => {}
            _ => {
                return Err(ServiceError::validation(
                    "CustomDomain, CustomCertificate and CustomPrivateKey must be specified together.",
                ));
            }
        }
        if req.instance_type.as_str().trim().is_empty() {
            return Err(ServiceError::validation("InstanceType must not be empty."));
        }
        let user_tags =
            tags::check_new_tags(req.tags.as_deref(), self.config.opsworkscm.tag_limit)?;
        let inputs =
            parse_create_attributes(engine, attribute_pairs(req.engine_attributes.as_deref()))?;
        let name = req.server_name.as_str().to_owned();

        // Cheap checks first so an obviously refused request costs no keys.
        self.read(|state| {
            self.check_can_create(
                state,
                &name,
                req.backup_id.as_ref().map(|b| b.as_str()),
                engine,
            )
        })?;
        // A server made from a backup starts from what the backup holds;
        // the request's own settings win where it gives them.
        let source = match &req.backup_id {
            Some(id) => self.read(|state| {
                state
                    .opsworkscm
                    .backups
                    .get(id.as_str())
                    .map(|b| (b.backup.clone(), b.snapshot.clone().unwrap_or_default()))
            }),
            None => None,
        };
        let (from, snapshot) = match source {
            Some((backup, snapshot)) => (Some(backup), snapshot),
            None => (None, ServerSnapshot::default()),
        };
        let from = from.as_ref();
        let version = match (
            requested_version,
            from.and_then(|b| b.engine_version.as_deref()),
        ) {
            (Some(asked), Some(held)) if asked != held => {
                return Err(ServiceError::validation(format!(
                    "Backup {} holds {} version {held}; omit EngineVersion or give {held}.",
                    from.and_then(|b| b.backup_id.as_deref())
                        .unwrap_or_default(),
                    engine_label(engine)
                )));
            }
            (Some(asked), _) => asked.to_owned(),
            (None, Some(held)) => held.to_owned(),
            (None, None) => engine.default_version().to_owned(),
        };
        let retention = req
            .backup_retention_count
            .map(i64::from)
            .or(snapshot.backup_retention_count)
            .unwrap_or(1);

        let now = self.now();
        // The generated DNS name stays the Endpoint; with a custom domain,
        // that is the address users (and the starter kit) browse to, and the
        // generated one no longer serves the engine.
        let generated_endpoint = naming::endpoint(&self.config, &name);
        let endpoint = match &req.custom_domain {
            Some(domain) => domain.as_str().to_owned(),
            None => generated_endpoint.clone(),
        };
        let prov = {
            let backup_id = req.backup_id.as_ref().map(|b| b.as_str());
            let recheck = |state: &State| self.check_can_create(state, &name, backup_id, engine);
            let name = name.clone();
            self.crypto(recheck, move || {
                provision(engine, &name, endpoint, &inputs, now)
            })
            .await?
        };

        let uuid = random::uuid().to_string();
        let mut engine_attributes = Vec::new();
        if engine == EngineKind::Puppet {
            engine_attributes.push(attribute(
                attributes::PUPPET_API_CA_CERT,
                prov.ca.cert_pem(),
            ));
        }
        let server = Server {
            associate_public_ip_address: Some(req.associate_public_ip_address.unwrap_or(true)),
            backup_retention_count: Some(retention),
            server_name: Some(name.clone()),
            created_at: Some(now),
            cloud_formation_stack_arn: Some(naming::stack_arn(&self.config, &name, &uuid)),
            custom_domain: req.custom_domain.as_ref().map(|d| d.as_str().to_owned()),
            disable_automated_backup: Some(
                req.disable_automated_backup
                    .or(snapshot.disable_automated_backup)
                    .unwrap_or(true),
            ),
            endpoint: Some(generated_endpoint),
            engine: Some(req.engine.as_str().to_owned()),
            engine_model: Some(model.to_owned()),
            engine_attributes,
            engine_version: Some(version),
            instance_profile_arn: Some(req.instance_profile_arn.as_str().to_owned()),
            instance_type: Some(req.instance_type.as_str().to_owned()),
            key_pair: req
                .key_pair
                .as_ref()
                .map(|k| k.as_str().to_owned())
                .or_else(|| from.and_then(|b| b.key_pair.clone())),
            maintenance_status: None,
            preferred_maintenance_window: Some(
                req.preferred_maintenance_window
                    .as_ref()
                    .map(|w| w.to_string())
                    .or_else(|| from.and_then(|b| b.preferred_maintenance_window.clone()))
                    .unwrap_or_else(random_maintenance_window),
            ),
            preferred_backup_window: Some(
                req.preferred_backup_window
                    .as_ref()
                    .map(|w| w.to_string())
                    .or_else(|| from.and_then(|b| b.preferred_backup_window.clone()))
                    .unwrap_or_else(random_backup_window),
            ),
            security_group_ids: given_or(
                req.security_group_ids.as_deref(),
                from.map(|b| b.security_group_ids.as_slice()),
                naming::security_group_id,
            ),
            service_role_arn: Some(req.service_role_arn.as_str().to_owned()),
            status: Some(S::Creating),
            status_reason: None,
            subnet_ids: given_or(
                req.subnet_ids.as_deref(),
                from.map(|b| b.subnet_ids.as_slice()),
                naming::subnet_id,
            ),
            server_arn: Some(naming::server_arn(&self.config, &name, &uuid)),
        };
        let record = ServerRecord {
            server,
            ca_cert_pem: prov.ca.cert_pem().to_owned(),
            ca_key_pem: prov.ca.key_pem().to_owned(),
            pivotal_key_fingerprint: prov.pivotal_fingerprint,
            tags: user_tags,
            nodes: snapshot.nodes,
            pending: Some(Pending {
                due: self.due_in(durations::CREATE),
                action: Action::Create,
            }),
            resume_status: None,
            next_automated_backup: None,
            recover_at: None,
            next_maintenance: None,
            instance_id: Some(naming::instance_id()),
            retired_instance: None,
        };
        let mut record = record;
        record.plan_automated_backup(now);
        record.plan_maintenance(now);
        let from_backup = req.backup_id.as_ref().map(|b| b.as_str().to_owned());
        let created = self
            .mutate(|state, changes| {
                self.check_can_create(state, &name, from_backup.as_deref(), engine)?;
                let view = record.server.clone();
                let record_instance = record.instance_id.clone().unwrap_or_default();
                state.opsworkscm.servers.insert(name.clone(), record);
                changes.server_changed(state, &name);
                let message = match &from_backup {
                    Some(b) => format!(
                        "Server creation started from backup {b}: launching EC2 instance {record_instance} with the backup's data and settings."
                    ),
                    None => format!(
                        "Server creation started: launching the {} instance {record_instance}.",
                        engine_label(engine)
                    ),
                };
                let log = naming::event_log_url(&self.config, &name, "create", now);
                changes.event(state, &name, now, message, Some(log));
                Ok(view)
            })
            .await?;
        let mut server = created;
        server.engine_attributes.extend(prov.one_time);
        Ok(CreateServerResponse {
            server: Some(server),
        })
    }
}

impl Handles<ops::DescribeServers> for OpsWorksCm<'_> {
    /// DescribeServers, answered from each server's cached JSON.
    async fn handle(
        &self,
        _ctx: &RequestContext,
        req: DescribeServersRequest,
    ) -> Result<ServersPage, ServiceError> {
        self.read(|state| {
            // MaxResults and NextToken are "not currently implemented for
            // DescribeServers requests" (the reference): accepted within the
            // model's bounds and ignored, as AWS did; one answer holds every
            // server, with no NextToken.
            let items: Vec<(String, CachedJson)> = match &req.server_name {
                Some(name) => {
                    let view = state
                        .opsworkscm
                        .server_views
                        .get(name.as_str())
                        .ok_or_else(|| {
                            ServiceError::not_found(format!("Server {name} does not exist."))
                        })?;
                    vec![(name.as_str().to_owned(), view.clone())]
                }
                None => state
                    .opsworkscm
                    .servers
                    .keys()
                    .filter_map(|k| {
                        Some((k.clone(), state.opsworkscm.server_views.get(k)?.clone()))
                    })
                    .collect(),
            };
            Ok(ServersPage {
                servers: items.into_iter().map(|(_, view)| view).collect(),
            })
        })
    }
}

impl Handles<ops::DeleteServer> for OpsWorksCm<'_> {
    /// DeleteServer.
    async fn handle(
        &self,
        _ctx: &RequestContext,
        req: DeleteServerRequest,
    ) -> Result<DeleteServerResponse, ServiceError> {
        let now = self.now();
        let due = self.due_in(durations::DELETE);
        let name = req.server_name.as_str().to_owned();
        self.mutate(|state, changes| {
            let rec = server_mut(state, &name)?;
            if rec.server.status == Some(S::Deleting) {
                return Err(ServiceError::invalid_state(format!(
                    "Server {name} is already being deleted."
                )));
            }
            let interrupted = match &rec.pending {
                Some(Pending {
                    action: Action::Backup { backup_id },
                    ..
                }) => Some(backup_id.clone()),
                _ => None,
            };
            rec.server.status = Some(S::Deleting);
            rec.pending = Some(Pending {
                due,
                action: Action::Delete,
            });
            changes.server_changed(state, &name);
            if let Some(id) = interrupted
                && let Some(b) = state.opsworkscm.backups.get_mut(&id)
            {
                b.backup.status = Some(BackupStatus::Failed);
                b.backup.status_description =
                    Some("The server was deleted while the backup was in progress.".into());
                changes.backup_changed(state, &id);
            }
            changes.event(
                state,
                &name,
                now,
                "Server deletion started: deleting the CloudFormation stack.",
                None,
            );
            Ok(DeleteServerResponse {})
        })
        .await
    }
}

/// The server `name`, or `ResourceNotFoundException`.
pub(crate) fn server_mut<'a>(
    state: &'a mut State,
    name: &str,
) -> Result<&'a mut ServerRecord, ServiceError> {
    state
        .opsworkscm
        .servers
        .get_mut(name)
        .ok_or_else(|| ServiceError::not_found(format!("Server {name} does not exist.")))
}
