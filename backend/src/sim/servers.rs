//! Server operations: create, describe, update, maintain, restore, delete,
//! engine attributes and userdata export.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use rand::Rng;
use shared::opsworkscm::BackupStatus;
use shared::opsworkscm::{
    CreateServerRequest, CreateServerResponse, DeleteServerRequest, DeleteServerResponse,
    DescribeServersRequest, EngineAttribute, EngineKind, ExportServerEngineAttributeRequest,
    ExportServerEngineAttributeResponse, RestoreServerRequest, RestoreServerResponse, Server,
    ServerStatus, StartMaintenanceRequest, StartMaintenanceResponse,
    UpdateServerEngineAttributesRequest, UpdateServerEngineAttributesResponse, UpdateServerRequest,
    UpdateServerResponse, attributes,
};
use shared::validation::AdminPassword;

use super::artifacts;
use super::lifecycle::{durations, require_status};
use super::naming;
use super::pagination::{PageRequest, page};
use super::state::{Action, CachedJson, Pending, ServerRecord, State};
use super::{Simulator, tags};
use crate::error::ServiceError;
use crate::target::RequestContext;

use ServerStatus as S;

/// DescribeServersResponse with pre-serialized servers (same JSON shape).
#[derive(serde::Serialize)]
pub(crate) struct ServersPage {
    #[serde(rename = "Servers")]
    servers: Vec<CachedJson>,
    #[serde(rename = "NextToken", skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

/// One-time secrets and key material prepared outside the state lock.
struct Provisioned {
    ca: artifacts::ca::ServerCa,
    pivotal_fingerprint: Option<String>,
    one_time: Vec<EngineAttribute>,
    endpoint: String,
}

fn attribute(name: &str, value: impl Into<String>) -> EngineAttribute {
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

fn engine_of(rec: &ServerRecord) -> EngineKind {
    rec.server
        .engine
        .as_deref()
        .and_then(EngineKind::parse)
        .unwrap_or(EngineKind::Chef)
}

fn random_maintenance_window() -> String {
    let mut rng = rand::rng();
    let day = ["Tue", "Wed", "Fri"][rng.random_range(0..3)];
    format!("{day}:{:02}:00", rng.random_range(0..24))
}

fn random_backup_window() -> String {
    let mut rng = rand::rng();
    format!(
        "{:02}:{:02}",
        rng.random_range(0..24),
        rng.random_range(0..4) * 15
    )
}

fn check_puppet_password(value: &str) -> Result<(), ServiceError> {
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

fn check_chef_password(value: &str) -> Result<(), ServiceError> {
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

fn engine_label(engine: EngineKind) -> &'static str {
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
        endpoint,
    })
}

impl Simulator {
    /// CreateServer.
    pub(crate) async fn create_server(
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
        let version = req
            .engine_version
            .as_ref()
            .map_or(engine.default_version(), |v| v.as_str())
            .to_owned();
        if !engine.valid_versions().contains(&version.as_str()) {
            return Err(ServiceError::validation(format!(
                "EngineVersion '{version}' is not valid for {}; valid values: {}.",
                engine_label(engine),
                engine.valid_versions().join(", ")
            )));
        }
        let retention = req.backup_retention_count.map(i64::from).unwrap_or(1);
        if retention < 1 {
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
        let user_tags = tags::check_new_tags(req.tags.as_deref(), self.config.tag_limit)?;
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

        let now = self.now();
        let endpoint = match &req.custom_domain {
            Some(domain) => domain.as_str().to_owned(),
            None => naming::endpoint(&self.config, &name),
        };
        let prov = {
            let name = name.clone();
            tokio::task::spawn_blocking(move || provision(engine, &name, endpoint, &inputs, now))
                .await
                .map_err(|e| ServiceError::internal(&e))??
        };

        let uuid = uuid::Uuid::new_v4().to_string();
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
            disable_automated_backup: Some(req.disable_automated_backup.unwrap_or(true)),
            endpoint: Some(prov.endpoint.clone()),
            engine: Some(req.engine.as_str().to_owned()),
            engine_model: Some(model.to_owned()),
            engine_attributes,
            engine_version: Some(version),
            instance_profile_arn: Some(req.instance_profile_arn.as_str().to_owned()),
            instance_type: Some(req.instance_type.as_str().to_owned()),
            key_pair: req.key_pair.as_ref().map(|k| k.as_str().to_owned()),
            maintenance_status: None,
            preferred_maintenance_window: Some(
                req.preferred_maintenance_window
                    .as_ref()
                    .map_or_else(random_maintenance_window, |w| w.to_string()),
            ),
            preferred_backup_window: Some(
                req.preferred_backup_window
                    .as_ref()
                    .map_or_else(random_backup_window, |w| w.to_string()),
            ),
            security_group_ids: match req.security_group_ids.as_deref() {
                Some(ids) if !ids.is_empty() => ids.iter().map(|s| s.as_str().to_owned()).collect(),
                _ => vec![naming::security_group_id()],
            },
            service_role_arn: Some(req.service_role_arn.as_str().to_owned()),
            status: Some(S::Creating),
            status_reason: None,
            subnet_ids: match req.subnet_ids.as_deref() {
                Some(ids) if !ids.is_empty() => ids.iter().map(|s| s.as_str().to_owned()).collect(),
                _ => vec![naming::subnet_id()],
            },
            server_arn: Some(naming::server_arn(&self.config, &name, &uuid)),
        };
        let record = ServerRecord {
            server,
            ca_cert_pem: prov.ca.cert_pem().to_owned(),
            ca_key_pem: prov.ca.key_pem().to_owned(),
            pivotal_key_fingerprint: prov.pivotal_fingerprint,
            tags: user_tags,
            nodes: Default::default(),
            pending: Some(Pending {
                due: self.due_in(durations::CREATE),
                action: Action::Create,
            }),
            resume_status: None,
            next_automated_backup: None,
        };
        let mut record = record;
        record.plan_automated_backup(now);
        let from_backup = req.backup_id.as_ref().map(|b| b.as_str().to_owned());
        let created = self
            .mutate(|state, changes| {
                self.check_can_create(state, &name, from_backup.as_deref(), engine)?;
                let view = record.server.clone();
                state.servers.insert(name.clone(), record);
                changes.server_changed(state, &name);
                let message = match &from_backup {
                    Some(b) => format!("Server creation started from backup {b}."),
                    None => format!(
                        "Server creation started: launching the {} instance.",
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

    fn check_can_create(
        &self,
        state: &State,
        name: &str,
        backup_id: Option<&str>,
        engine: EngineKind,
    ) -> Result<(), ServiceError> {
        if state.servers.contains_key(name) {
            return Err(ServiceError::already_exists(format!(
                "A server named {name} already exists in this account and region."
            )));
        }
        if state.servers.len() >= self.config.server_limit {
            return Err(ServiceError::limit_exceeded(format!(
                "The maximum number of servers ({}) has been reached.",
                self.config.server_limit
            )));
        }
        if let Some(id) = backup_id {
            let backup = state
                .backups
                .get(id)
                .ok_or_else(|| ServiceError::not_found(format!("Backup {id} does not exist.")))?;
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

    /// DescribeServers, answered from each server's cached JSON.
    pub(crate) async fn describe_servers(
        &self,
        _ctx: &RequestContext,
        req: DescribeServersRequest,
    ) -> Result<ServersPage, ServiceError> {
        let now = self.now();
        self.read(|state| {
            let items: Vec<(String, CachedJson)> = match &req.server_name {
                Some(name) => {
                    let view = state.server_views.get(name.as_str()).ok_or_else(|| {
                        ServiceError::not_found(format!("Server {name} does not exist."))
                    })?;
                    vec![(name.as_str().to_owned(), view.clone())]
                }
                None => state
                    .servers
                    .keys()
                    .filter_map(|k| Some((k.clone(), state.server_views.get(k)?.clone())))
                    .collect(),
            };
            let scope = format!(
                "DescribeServers|{}",
                req.server_name.as_ref().map_or("", |n| n.as_str())
            );
            let (servers, next_token) = page(
                &PageRequest::new(
                    &state.token_key,
                    scope,
                    req.max_results,
                    req.next_token.as_ref(),
                    now,
                ),
                items,
            )?;
            Ok(ServersPage {
                servers,
                next_token,
            })
        })
    }

    /// UpdateServer (synchronous).
    pub(crate) async fn update_server(
        &self,
        _ctx: &RequestContext,
        req: UpdateServerRequest,
    ) -> Result<UpdateServerResponse, ServiceError> {
        if let Some(count) = req.backup_retention_count
            && count < 1
        {
            return Err(ServiceError::validation(
                "1 validation error detected: Value at 'backupRetentionCount' failed to satisfy constraint: Member must have value greater than or equal to 1",
            ));
        }
        let now = self.now();
        let name = req.server_name.as_str().to_owned();
        self.mutate(|state, changes| {
            let rec = server_mut(state, &name)?;
            require_status(
                rec,
                &[
                    S::Healthy,
                    S::Unhealthy,
                    S::ConnectionLost,
                    S::Running,
                    S::BackingUp,
                    S::UnderMaintenance,
                    S::Modifying,
                    S::Restoring,
                    S::Creating,
                    S::Setup,
                ],
                "update",
            )?;
            let mut changed = Vec::new();
            if let Some(disable) = req.disable_automated_backup {
                rec.server.disable_automated_backup = Some(disable);
                changed.push(format!("DisableAutomatedBackup={disable}"));
            }
            if let Some(count) = req.backup_retention_count {
                rec.server.backup_retention_count = Some(count);
                changed.push(format!("BackupRetentionCount={count}"));
            }
            if let Some(w) = &req.preferred_maintenance_window {
                rec.server.preferred_maintenance_window = Some(w.to_string());
                changed.push(format!("PreferredMaintenanceWindow={w}"));
            }
            if let Some(w) = &req.preferred_backup_window {
                rec.server.preferred_backup_window = Some(w.to_string());
                changed.push(format!("PreferredBackupWindow={w}"));
            }
            if req.disable_automated_backup.is_some() || req.preferred_backup_window.is_some() {
                rec.plan_automated_backup(now);
            }
            let view = rec.server.clone();
            if !changed.is_empty() {
                changes.server_changed(state, &name);
                changes.event(
                    state,
                    &name,
                    now,
                    format!("Server settings updated: {}.", changed.join(", ")),
                    None,
                );
            }
            Ok(UpdateServerResponse { server: Some(view) })
        })
        .await
    }

    /// StartMaintenance.
    pub(crate) async fn start_maintenance(
        &self,
        _ctx: &RequestContext,
        req: StartMaintenanceRequest,
    ) -> Result<StartMaintenanceResponse, ServiceError> {
        let pairs = attribute_pairs(req.engine_attributes.as_deref());
        let now = self.now();
        let due = self.due_in(durations::MAINTENANCE);
        let name = req.server_name.as_str().to_owned();
        self.mutate(|state, changes| {
            let rec = server_mut(state, &name)?;
            let engine = engine_of(rec);
            let mut major_upgrade = false;
            for (attr, value) in &pairs {
                match (engine, attr.as_str()) {
                    (EngineKind::Chef, attributes::CHEF_MAJOR_UPGRADE) => {
                        major_upgrade = value.eq_ignore_ascii_case("true");
                    }
                    _ => {
                        return Err(ServiceError::validation(format!(
                            "Engine attribute '{attr}' is not supported by StartMaintenance for {}.",
                            engine_label(engine)
                        )));
                    }
                }
            }
            require_status(rec, &[S::Healthy, S::Unhealthy], "start maintenance on")?;
            rec.server.status = Some(S::UnderMaintenance);
            if major_upgrade && rec.server.engine_version.as_deref() == Some("12") {
                rec.server.engine_version = Some("2".to_owned());
            }
            rec.pending = Some(Pending {
                due,
                action: Action::Maintenance,
            });
            let view = rec.server.clone();
            changes.server_changed(state, &name);
            let message = if major_upgrade {
                "Maintenance started with a major upgrade to Chef Automate 2."
            } else {
                "Maintenance started: applying operating system and engine updates."
            };
            let log = naming::event_log_url(&self.config, &name, "maintenance", now);
            changes.event(state, &name, now, message, Some(log));
            Ok(StartMaintenanceResponse { server: Some(view) })
        })
        .await
    }

    /// RestoreServer.
    pub(crate) async fn restore_server(
        &self,
        _ctx: &RequestContext,
        req: RestoreServerRequest,
    ) -> Result<RestoreServerResponse, ServiceError> {
        let now = self.now();
        let due = self.due_in(durations::RESTORE);
        let name = req.server_name.as_str().to_owned();
        let backup_id = req.backup_id.as_str().to_owned();
        self.mutate(|state, changes| {
            let backup = state
                .backups
                .get(&backup_id)
                .ok_or_else(|| {
                    ServiceError::not_found(format!("Backup {backup_id} does not exist."))
                })?
                .backup
                .clone();
            let rec = server_mut(state, &name)?;
            if backup.server_name.as_deref() != Some(name.as_str()) {
                return Err(ServiceError::validation(format!(
                    "Backup {backup_id} was not taken from server {name}."
                )));
            }
            if backup.status != Some(BackupStatus::Ok) {
                return Err(ServiceError::invalid_state(format!(
                    "Backup {backup_id} is not in state OK and cannot be restored."
                )));
            }
            require_status(
                rec,
                &[
                    S::ConnectionLost,
                    S::Healthy,
                    S::Running,
                    S::Unhealthy,
                    S::Terminated,
                ],
                "restore",
            )?;
            if let Some(t) = &req.instance_type
                && t.as_str().trim().is_empty()
            {
                return Err(ServiceError::validation("InstanceType must not be empty."));
            }
            rec.server.instance_type = req
                .instance_type
                .as_ref()
                .map(|t| t.as_str().to_owned())
                .or(backup.instance_type.clone());
            if let Some(k) = &req.key_pair {
                rec.server.key_pair = Some(k.as_str().to_owned());
            }
            rec.server.status = Some(S::Restoring);
            rec.server.status_reason = None;
            rec.pending = Some(Pending {
                due,
                action: Action::Restore {
                    backup_id: backup_id.clone(),
                },
            });
            let view = rec.server.clone();
            changes.server_changed(state, &name);
            let log = naming::event_log_url(&self.config, &name, "restore", now);
            changes.event(
                state,
                &name,
                now,
                format!("Restore from backup {backup_id} started: replacing the server instance."),
                Some(log),
            );
            Ok(RestoreServerResponse { server: Some(view) })
        })
        .await
    }

    /// DeleteServer.
    pub(crate) async fn delete_server(
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
                && let Some(b) = state.backups.get_mut(&id)
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

    /// UpdateServerEngineAttributes.
    pub(crate) async fn update_server_engine_attributes(
        &self,
        _ctx: &RequestContext,
        req: UpdateServerEngineAttributesRequest,
    ) -> Result<UpdateServerEngineAttributesResponse, ServiceError> {
        let name = req.server_name.as_str().to_owned();
        let attr = req.attribute_name.as_str().to_owned();
        let value = req.attribute_value.as_ref().map(|v| v.as_str().to_owned());
        let engine =
            self.read(|state| {
                state.servers.get(&name).map(engine_of).ok_or_else(|| {
                    ServiceError::not_found(format!("Server {name} does not exist."))
                })
            })?;
        // Work out the new secret (and what to return once) before locking.
        let (fingerprint, one_time) = match (engine, attr.as_str()) {
            (
                EngineKind::Chef,
                attributes::CHEF_PIVOTAL_KEY | attributes::CHEF_AUTOMATE_PIVOTAL_KEY,
            ) => match &value {
                Some(public) if !public.trim().is_empty() => {
                    let parsed = artifacts::keys::parse_public_key(public)
                        .map_err(|e| ServiceError::validation(format!("{attr}: {e}")))?;
                    (Some(parsed.fingerprint_sha256), None)
                }
                _ => {
                    let key =
                        tokio::task::spawn_blocking(artifacts::keys::generate_rsa_private_key)
                            .await
                            .map_err(|e| ServiceError::internal(&e))?
                            .map_err(|e| ServiceError::internal(&e))?;
                    let parsed = artifacts::keys::parse_public_key(&key.public_key_pem())
                        .map_err(|e| ServiceError::internal(&e))?;
                    (
                        Some(parsed.fingerprint_sha256),
                        Some(attribute(&attr, key.private_key_pem())),
                    )
                }
            },
            (
                EngineKind::Chef,
                attributes::CHEF_AUTOMATE_ADMIN_PASSWORD | attributes::CHEF_DELIVERY_ADMIN_PASSWORD,
            ) => match &value {
                Some(v) => {
                    check_chef_password(v)?;
                    (None, None)
                }
                None => (
                    None,
                    Some(attribute(
                        &attr,
                        artifacts::password::generate_admin_password(),
                    )),
                ),
            },
            (EngineKind::Puppet, attributes::PUPPET_ADMIN_PASSWORD) => match &value {
                Some(v) => {
                    check_puppet_password(v)?;
                    (None, None)
                }
                None => (
                    None,
                    Some(attribute(
                        &attr,
                        artifacts::password::generate_puppet_admin_password(),
                    )),
                ),
            },
            _ => {
                return Err(ServiceError::validation(format!(
                    "Engine attribute '{attr}' cannot be updated on a {} server.",
                    engine_label(engine)
                )));
            }
        };
        let now = self.now();
        let due = self.due_in(durations::MODIFY);
        let mut server = self
            .mutate(|state, changes| {
                let rec = server_mut(state, &name)?;
                require_status(
                    rec,
                    &[S::Healthy, S::Unhealthy],
                    "update engine attributes of",
                )?;
                if fingerprint.is_some() {
                    rec.pivotal_key_fingerprint = fingerprint;
                }
                rec.server.status = Some(S::Modifying);
                rec.pending = Some(Pending {
                    due,
                    action: Action::Modify {
                        attribute: attr.clone(),
                    },
                });
                let view = rec.server.clone();
                changes.server_changed(state, &name);
                changes.event(
                    state,
                    &name,
                    now,
                    format!("Engine attribute {attr} update started."),
                    None,
                );
                Ok(view)
            })
            .await?;
        server.engine_attributes.extend(one_time);
        Ok(UpdateServerEngineAttributesResponse {
            server: Some(server),
        })
    }

    /// ExportServerEngineAttribute (`Userdata`).
    pub(crate) async fn export_server_engine_attribute(
        &self,
        _ctx: &RequestContext,
        req: ExportServerEngineAttributeRequest,
    ) -> Result<ExportServerEngineAttributeResponse, ServiceError> {
        if req.export_attribute_name.as_str() != attributes::USERDATA {
            return Err(ServiceError::validation(format!(
                "ExportAttributeName '{}' is not supported; the only supported value is Userdata.",
                req.export_attribute_name
            )));
        }
        let name = req.server_name.as_str().to_owned();
        let rec =
            self.read(|state| {
                state.servers.get(&name).cloned().ok_or_else(|| {
                    ServiceError::not_found(format!("Server {name} does not exist."))
                })
            })?;
        if let Some(status) = rec.server.status
            && matches!(
                status,
                S::Creating | S::Terminated | S::Failed | S::Deleting
            )
        {
            return Err(ServiceError::invalid_state(format!(
                "Cannot export Userdata of server {name} while it is in state {}.",
                status.as_str()
            )));
        }
        let mut inputs = std::collections::HashMap::new();
        for (k, v) in attribute_pairs(req.input_attributes.as_deref()) {
            match k.as_str() {
                attributes::RUN_LIST
                | attributes::ORGANIZATION_NAME
                | attributes::NODE_ENVIRONMENT
                | attributes::NODE_CLIENT_VERSION => {
                    inputs.insert(k, v);
                }
                _ => {
                    return Err(ServiceError::validation(format!(
                        "Input attribute '{k}' is not supported; use RunList, OrganizationName, NodeEnvironment or NodeClientVersion."
                    )));
                }
            }
        }
        if let Some(v) = inputs.get(attributes::NODE_CLIENT_VERSION) {
            let ok = v.is_empty()
                || (v.split('.').count() == 3
                    && v.split('.')
                        .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit())));
            if !ok {
                return Err(ServiceError::validation(
                    "NodeClientVersion must be three numbers separated by dots, such as 13.8.5.",
                ));
            }
        }
        let endpoint = rec.server.endpoint.clone().unwrap_or_default();
        let script = match engine_of(&rec) {
            EngineKind::Chef => {
                artifacts::userdata::chef_userdata(&artifacts::userdata::ChefUserdata {
                    server_name: &name,
                    region: &self.config.region,
                    endpoint: &endpoint,
                    ca_cert_pem: &rec.ca_cert_pem,
                    run_list: inputs
                        .get(attributes::RUN_LIST)
                        .map(String::as_str)
                        .filter(|s| !s.is_empty()),
                    organization: inputs
                        .get(attributes::ORGANIZATION_NAME)
                        .map(String::as_str)
                        .filter(|s| !s.is_empty())
                        .unwrap_or("default"),
                    node_environment: inputs
                        .get(attributes::NODE_ENVIRONMENT)
                        .map(String::as_str)
                        .filter(|s| !s.is_empty()),
                    chef_client_version: inputs
                        .get(attributes::NODE_CLIENT_VERSION)
                        .map(String::as_str)
                        .filter(|s| !s.is_empty()),
                })
            }
            EngineKind::Puppet => {
                artifacts::userdata::puppet_userdata(&artifacts::userdata::PuppetUserdata {
                    server_name: &name,
                    region: &self.config.region,
                    endpoint: &endpoint,
                    ca_cert_pem: &rec.ca_cert_pem,
                })
            }
        };
        Ok(ExportServerEngineAttributeResponse {
            engine_attribute: Some(attribute(attributes::USERDATA, BASE64.encode(script))),
            server_name: Some(name),
        })
    }
}

/// The server `name`, or `ResourceNotFoundException`.
pub(crate) fn server_mut<'a>(
    state: &'a mut State,
    name: &str,
) -> Result<&'a mut ServerRecord, ServiceError> {
    state
        .servers
        .get_mut(name)
        .ok_or_else(|| ServiceError::not_found(format!("Server {name} does not exist.")))
}
