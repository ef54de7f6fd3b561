//! Backup operations: create, delete, describe.

use shared::opsworkscm::{
    Backup, BackupStatus, BackupType, CreateBackupRequest, CreateBackupResponse,
    DeleteBackupRequest, DeleteBackupResponse, DescribeBackupsRequest, DescribeBackupsResponse,
    ServerStatus,
};

use super::durations;
use super::lifecycle::require_status;
use super::naming;
use super::records::RecordChanges as _;
use super::records::{Action, BackupRecord, Pending, ServerSnapshot};
use super::servers::server_mut;
use super::tags;
use crate::error::ServiceError;
use crate::sim::OpsWorksCm;
use crate::sim::Simulator;
use crate::sim::State;
use crate::sim::changes::Changes;
use crate::target::RequestContext;
use shared::operation::Handles;
use shared::opsworkscm::ops;

/// Tools version reported on backups.
const TOOLS_VERSION: &str = "2.1.4280";

impl Simulator {
    /// Starts a backup of `server` (already checked) at `now`: the server
    /// goes BACKING_UP and the backup IN_PROGRESS until the transition
    /// completes.
    #[expect(
        clippy::too_many_arguments,
        reason = "all backup fields come from different places"
    )]
    pub(crate) fn start_backup(
        &self,
        state: &mut State,
        changes: &mut Changes,
        server: &str,
        now: chrono::DateTime<chrono::Utc>,
        backup_type: BackupType,
        description: Option<String>,
        user_arn: Option<String>,
        tags: Vec<shared::opsworkscm::Tag>,
    ) -> Result<Backup, ServiceError> {
        let mut id = naming::backup_id(server, now);
        // Two backups in the same millisecond would collide; nudge the later one.
        let mut bump = 1;
        while state.opsworkscm.backups.contains_key(&id) {
            id = naming::backup_id(server, now + chrono::Duration::milliseconds(bump));
            bump += 1;
        }
        let due = self.due_after(now, durations::BACKUP);
        let rec = server_mut(state, server)?;
        let s = &rec.server;
        let backup = Backup {
            backup_arn: Some(naming::backup_arn(&self.config, &id)),
            backup_id: Some(id.clone()),
            backup_type: Some(backup_type),
            created_at: Some(now),
            description,
            engine: s.engine.clone(),
            engine_model: s.engine_model.clone(),
            engine_version: s.engine_version.clone(),
            instance_profile_arn: s.instance_profile_arn.clone(),
            instance_type: s.instance_type.clone(),
            key_pair: s.key_pair.clone(),
            preferred_backup_window: s.preferred_backup_window.clone(),
            preferred_maintenance_window: s.preferred_maintenance_window.clone(),
            s3_data_size: Some(0),
            s3_data_url: Some(naming::backup_object_url(
                &self.config,
                server,
                &id,
                "backup.tar.gz",
            )),
            s3_log_url: Some(naming::backup_object_url(
                &self.config,
                server,
                &id,
                "backup.log",
            )),
            security_group_ids: s.security_group_ids.clone(),
            server_name: Some(server.to_owned()),
            service_role_arn: s.service_role_arn.clone(),
            status: Some(BackupStatus::InProgress),
            status_description: Some("Backup in progress.".to_owned()),
            subnet_ids: s.subnet_ids.clone(),
            tools_version: Some(TOOLS_VERSION.to_owned()),
            user_arn,
        };
        let snapshot = ServerSnapshot::of(rec);
        rec.resume_status = rec.server.status;
        rec.server.status = Some(ServerStatus::BackingUp);
        rec.pending = Some(Pending {
            due,
            action: Action::Backup {
                backup_id: id.clone(),
            },
        });
        state.opsworkscm.backups.insert(
            id.clone(),
            BackupRecord {
                backup: backup.clone(),
                tags,
                delete_due: None,
                snapshot: Some(snapshot),
            },
        );
        changes.server_changed(state, server);
        changes.backup_changed(state, &id);
        let kind = match backup_type {
            BackupType::Manual => "Manual",
            BackupType::Automated => "Automated",
        };
        changes.event(
            state,
            server,
            now,
            format!("{kind} backup {id} started."),
            backup.s3_log_url.clone(),
        );
        Ok(backup)
    }
}

impl Handles<ops::CreateBackup> for OpsWorksCm<'_> {
    /// CreateBackup: a manual backup.
    async fn handle(
        &self,
        ctx: &RequestContext,
        req: CreateBackupRequest,
    ) -> Result<CreateBackupResponse, ServiceError> {
        let user_tags =
            tags::check_new_tags(req.tags.as_deref(), self.config.opsworkscm.tag_limit)?;
        let name = req.server_name.as_str().to_owned();
        let description = req.description.as_ref().map(|d| d.as_str().to_owned());
        let user_arn = match &ctx.access_key_id {
            Some(akid) => format!("arn:aws:iam::{}:user/{akid}", self.config.account_id),
            None => format!("arn:aws:iam::{}:root", self.config.account_id),
        };
        self.mutate(|state, changes| {
            let manual = state.opsworkscm.manual_backups();
            let rec = server_mut(state, &name)?;
            require_status(
                rec,
                &[
                    ServerStatus::Running,
                    ServerStatus::Healthy,
                    ServerStatus::Unhealthy,
                ],
                "back up",
            )?;
            if manual >= self.config.opsworkscm.manual_backup_limit {
                return Err(ServiceError::limit_exceeded(format!(
                    "The maximum number of manual backups ({}) has been reached.",
                    self.config.opsworkscm.manual_backup_limit
                )));
            }
            let backup = self.start_backup(
                state,
                changes,
                &name,
                self.now(),
                BackupType::Manual,
                description,
                Some(user_arn),
                user_tags,
            )?;
            Ok(CreateBackupResponse {
                backup: Some(backup),
            })
        })
        .await
    }
}

/// The server a restore from backup `id` is running on, if any.
fn restoring_from<'a>(state: &'a State, id: &str) -> Option<&'a str> {
    state.opsworkscm.servers.values().find_map(|rec| {
        match rec.pending.as_ref().map(|p| &p.action) {
            Some(Action::Restore { backup_id, .. }) if backup_id == id => Some(rec.name()),
            _ => None,
        }
    })
}

impl Handles<ops::DeleteBackup> for OpsWorksCm<'_> {
    /// DeleteBackup.
    async fn handle(
        &self,
        _ctx: &RequestContext,
        req: DeleteBackupRequest,
    ) -> Result<DeleteBackupResponse, ServiceError> {
        let id = req.backup_id.as_str().to_owned();
        let now = self.now();
        let due = self.due_in(durations::DELETE_BACKUP);
        self.mutate(|state, changes| {
            if let Some(server) = restoring_from(state, &id) {
                return Err(ServiceError::invalid_state(format!(
                    "Backup {id} is being restored to server {server} and cannot be deleted until the restore ends."
                )));
            }
            let rec =
                state.opsworkscm.backups.get_mut(&id).ok_or_else(|| {
                    ServiceError::not_found(format!("Backup {id} does not exist."))
                })?;
            match rec.backup.status {
                Some(BackupStatus::Deleting) => {
                    return Err(ServiceError::invalid_state(format!(
                        "Backup {id} is already being deleted."
                    )));
                }
                Some(BackupStatus::InProgress) => {
                    return Err(ServiceError::invalid_state(format!(
                        "Backup {id} is still in progress and cannot be deleted yet."
                    )));
                }
                _ => {}
            }
            rec.backup.status = Some(BackupStatus::Deleting);
            rec.backup.status_description = Some("Backup deletion in progress.".to_owned());
            rec.delete_due = Some(due);
            let server = rec.backup.server_name.clone().unwrap_or_default();
            changes.backup_changed(state, &id);
            if state.opsworkscm.servers.contains_key(&server) {
                changes.event(
                    state,
                    &server,
                    now,
                    format!("Deletion of backup {id} started."),
                    None,
                );
            }
            Ok(DeleteBackupResponse {})
        })
        .await
    }
}

impl Handles<ops::DescribeBackups> for OpsWorksCm<'_> {
    /// DescribeBackups: newest first.
    async fn handle(
        &self,
        _ctx: &RequestContext,
        req: DescribeBackupsRequest,
    ) -> Result<DescribeBackupsResponse, ServiceError> {
        self.read(|state| {
            if let Some(id) = &req.backup_id
                && !state.opsworkscm.backups.contains_key(id.as_str())
            {
                return Err(ServiceError::not_found(format!(
                    "Backup {id} does not exist."
                )));
            }
            if let Some(name) = &req.server_name {
                // Backups listed under a name no server has now answer
                // instead of ResourceNotFound.
                if !state.opsworkscm.servers.contains_key(name.as_str())
                    && !state.opsworkscm.backups.any_of_server(name.as_str())
                {
                    return Err(ServiceError::not_found(format!(
                        "Server {name} does not exist."
                    )));
                }
            }
            let backups = &state.opsworkscm.backups;
            // One backup, one server's, or all: never more read than asked.
            let chosen: Box<dyn Iterator<Item = &BackupRecord>> =
                match (&req.backup_id, &req.server_name) {
                    (Some(id), _) => Box::new(backups.get(id.as_str()).into_iter()),
                    (None, Some(name)) => Box::new(backups.of_server(name.as_str())),
                    (None, None) => Box::new(backups.values()),
                };
            let mut items: Vec<((i64, String), Backup)> = chosen
                .filter(|b| {
                    req.server_name
                        .as_ref()
                        .is_none_or(|n| b.backup.server_name.as_deref() == Some(n.as_str()))
                })
                .map(|b| {
                    let millis = b.backup.created_at.map_or(0, |t| t.timestamp_millis());
                    (
                        (-millis, b.backup.backup_id.clone().unwrap_or_default()),
                        b.backup.clone(),
                    )
                })
                .collect();
            items.sort_by(|a, b| a.0.cmp(&b.0));
            // MaxResults and NextToken are "not currently implemented for
            // DescribeBackups requests" (the reference): accepted within the
            // model's bounds and ignored, as AWS did.
            Ok(DescribeBackupsResponse {
                backups: items.into_iter().map(|(_, backup)| backup).collect(),
                next_token: None,
            })
        })
    }
}
