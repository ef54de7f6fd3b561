//! Changing an existing server: UpdateServer, StartMaintenance,
//! RestoreServer and UpdateServerEngineAttributes.

use shared::opsworkscm::{
    BackupStatus, EngineKind, RestoreServerRequest, RestoreServerResponse, ServerStatus,
    StartMaintenanceRequest, StartMaintenanceResponse, UpdateServerEngineAttributesRequest,
    UpdateServerEngineAttributesResponse, UpdateServerRequest, UpdateServerResponse, attributes,
};

use super::artifacts;
use super::durations;
use super::lifecycle::require_status;
use super::naming;
use super::records::{Action, Pending};
use super::servers::{
    attribute, attribute_pairs, check_chef_password, check_puppet_password, engine_label,
    engine_of, server_mut,
};
use crate::error::ServiceError;
use crate::target::RequestContext;

use super::records::RecordChanges as _;
use crate::sim::OpsWorksCm;
use ServerStatus as S;
use shared::operation::Handles;
use shared::opsworkscm::ops;

impl Handles<ops::UpdateServer> for OpsWorksCm<'_> {
    /// UpdateServer (synchronous).
    async fn handle(
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
                    // Not BACKING_UP: "while the server is in the BACKING_UP
                    // state, the server cannot be changed" (CreateBackup).
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
            if req.preferred_maintenance_window.is_some() {
                rec.plan_maintenance(now);
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
}

impl Handles<ops::StartMaintenance> for OpsWorksCm<'_> {
    /// StartMaintenance.
    async fn handle(
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
                        major_upgrade = match value.to_ascii_lowercase().as_str() {
                            "true" => true,
                            "false" => false,
                            _ => {
                                return Err(ServiceError::validation(format!(
                                    "CHEF_MAJOR_UPGRADE must be true or false, not '{value}'."
                                )));
                            }
                        };
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
}

impl Handles<ops::RestoreServer> for OpsWorksCm<'_> {
    /// RestoreServer.
    async fn handle(
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
                .opsworkscm
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
            // The server's configuration changes only once the new instance
            // is up: should the restore fail, the old one keeps serving.
            let previous_status = rec.server.status;
            let new_instance = naming::instance_id();
            let instance_type = req
                .instance_type
                .as_ref()
                .map(|t| t.as_str().to_owned())
                .or(backup.instance_type.clone())
                .unwrap_or_default();
            let old = match (&rec.instance_id, previous_status) {
                (_, Some(S::Terminated)) | (None, _) => String::new(),
                (Some(old), _) => format!(" Instance {old} keeps serving until it succeeds."),
            };
            rec.server.status = Some(S::Restoring);
            rec.server.status_reason = None;
            rec.pending = Some(Pending {
                due,
                action: Action::Restore {
                    backup_id: backup_id.clone(),
                    instance_type: req.instance_type.as_ref().map(|t| t.as_str().to_owned()),
                    key_pair: req.key_pair.as_ref().map(|k| k.as_str().to_owned()),
                    previous_status,
                    new_instance_id: Some(new_instance.clone()),
                },
            });
            let view = rec.server.clone();
            changes.server_changed(state, &name);
            let log = naming::event_log_url(&self.config, &name, "restore", now);
            changes.event(
                state,
                &name,
                now,
                format!(
                    "Restore from backup {backup_id} started: launching EC2 instance {new_instance} ({instance_type}) from the backup.{old}"
                ),
                Some(log),
            );
            Ok(RestoreServerResponse { server: Some(view) })
        })
        .await
    }
}

impl Handles<ops::UpdateServerEngineAttributes> for OpsWorksCm<'_> {
    /// UpdateServerEngineAttributes.
    async fn handle(
        &self,
        _ctx: &RequestContext,
        req: UpdateServerEngineAttributesRequest,
    ) -> Result<UpdateServerEngineAttributesResponse, ServiceError> {
        let name = req.server_name.as_str().to_owned();
        let attr = req.attribute_name.as_str().to_owned();
        let value = req.attribute_value.as_ref().map(|v| v.as_str().to_owned());
        // Cheap checks first: a server that does not exist or cannot be
        // changed now costs no key.
        let settled = |state: &crate::sim::State| {
            let rec =
                state.opsworkscm.servers.get(&name).ok_or_else(|| {
                    ServiceError::not_found(format!("Server {name} does not exist."))
                })?;
            require_status(
                rec,
                &[S::Healthy, S::Unhealthy],
                "update engine attributes of",
            )?;
            Ok::<_, ServiceError>(engine_of(rec))
        };
        let engine = self.read(settled)?;
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
                    let key = self
                        .crypto(
                            |state| settled(state).map(drop),
                            || {
                                artifacts::keys::generate_rsa_private_key()
                                    .map_err(|e| ServiceError::internal(&e))
                            },
                        )
                        .await?;
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
}
