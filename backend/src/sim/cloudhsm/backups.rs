//! Backup operations: DescribeBackups, DeleteBackup, RestoreBackup,
//! CopyBackupToRegion, ModifyBackupAttributes; and the backups the service
//! takes by itself.

use chrono::{DateTime, Utc};
use shared::cloudhsmv2::{
    Backup, BackupState, CopyBackupToRegionRequest, CopyBackupToRegionResponse,
    DeleteBackupRequest, DeleteBackupResponse, DescribeBackupsRequest, DescribeBackupsResponse,
    DestinationBackup, ModifyBackupAttributesRequest, ModifyBackupAttributesResponse,
    RestoreBackupRequest, RestoreBackupResponse,
};

use super::durations;
use super::lifecycle::PENDING_DELETION_DAYS;
use super::records::BackupRecord;
use super::records::RecordChanges as _;
use super::{invalid, new_id, tags};
use crate::error::ServiceError;
use crate::sim::CloudHsm;
use crate::sim::Simulator;
use crate::sim::State;
use crate::sim::changes::Changes;
use crate::sim::pagination::{PageRequest, page};
use shared::cloudhsmv2::{Operation, ops};
use shared::operation::Handles;

/// `arn:aws:cloudhsm:REGION:ACCOUNT:backup/ID`.
pub(super) fn backup_arn(region: &str, account: &str, id: &str) -> String {
    format!("arn:aws:cloudhsm:{region}:{account}:backup/{id}")
}

const FILTERS: [&str; 5] = [
    "backupIds",
    "sourceBackupIds",
    "clusterIds",
    "states",
    "neverExpires",
];

impl Simulator {
    /// Starts a backup of cluster `cluster_id` (CREATE_IN_PROGRESS until
    /// READY); returns its id.
    pub(super) fn start_cluster_backup(
        &self,
        state: &mut State,
        changes: &mut Changes,
        cluster_id: &str,
        now: DateTime<Utc>,
    ) -> Option<String> {
        let rec = state.cloudhsm.clusters.get(cluster_id)?;
        let region = rec.region.clone();
        let (hsm_type, mode) = (rec.cluster.hsm_type.clone(), rec.cluster.mode);
        let id = new_id("backup", |id| state.cloudhsm.backups.contains_key(id));
        let backup = Backup {
            backup_arn: Some(backup_arn(&region, &self.config.account_id, &id)),
            backup_id: id.clone(),
            backup_state: Some(BackupState::CreateInProgress),
            cluster_id: Some(cluster_id.to_owned()),
            create_timestamp: Some(now),
            never_expires: Some(false),
            hsm_type,
            mode,
            ..Backup::default()
        };
        state.cloudhsm.backups.insert(
            id.clone(),
            BackupRecord {
                region,
                backup,
                ready_due: Some(self.due_after(now, durations::BACKUP)),
                resource_policy: None,
                restored_at: None,
            },
        );
        changes.backup_changed(state, &id);
        Some(id)
    }
}

impl Handles<ops::DescribeBackups> for CloudHsm<'_> {
    /// DescribeBackups: the region's backups, newest first (oldest first
    /// with SortAscending), filtered by `backupIds`, `sourceBackupIds`,
    /// `clusterIds`, `states` and `neverExpires`.
    async fn handle(
        &self,
        region: &str,
        req: DescribeBackupsRequest,
    ) -> Result<DescribeBackupsResponse, ServiceError> {
        let filters = req.filters.clone().unwrap_or_default();
        for name in filters.names() {
            if !FILTERS.contains(&name) {
                return Err(invalid(format!(
                    "Invalid filter name {name}. Valid filters for DescribeBackups: {}.",
                    FILTERS.join(", ")
                )));
            }
        }
        let states = match filters.get("states") {
            Some(values) => Some(
                values
                    .iter()
                    .map(|v| {
                        BackupState::from_name(v)
                            .ok_or_else(|| invalid(format!("Invalid value {v} for filter states.")))
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            None => None,
        };
        let never_expires = match filters.get("neverExpires") {
            Some(values) => Some(
                values
                    .iter()
                    .map(|v| match v.as_str() {
                        "true" => Ok(true),
                        "false" => Ok(false),
                        _ => Err(invalid(format!(
                            "Invalid value {v} for filter neverExpires: use true or false."
                        ))),
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            None => None,
        };
        let matches = |values: Option<&[String]>, value: Option<&str>| {
            values.is_none_or(|values| value.is_some_and(|v| values.iter().any(|x| x == v)))
        };
        let ascending = req.sort_ascending == Some(true);
        let shared = req.shared == Some(true);
        let now = self.now();
        self.read(|state| {
            let mut items: Vec<((i64, String), Backup)> = state
                .cloudhsm
                .backups
                .values()
                // No account shares backups with this one (no AWS RAM here).
                .filter(|_| !shared)
                .filter(|b| b.region == region)
                .filter(|b| matches(filters.get("backupIds"), Some(&b.backup.backup_id)))
                .filter(|b| {
                    matches(
                        filters.get("sourceBackupIds"),
                        b.backup.source_backup.as_deref(),
                    )
                })
                .filter(|b| matches(filters.get("clusterIds"), b.backup.cluster_id.as_deref()))
                .filter(|b| states.as_ref().is_none_or(|s| s.contains(&b.state())))
                .filter(|b| {
                    never_expires
                        .as_ref()
                        .is_none_or(|n| n.contains(&b.backup.never_expires.unwrap_or(false)))
                })
                .map(|b| {
                    let millis = b
                        .backup
                        .create_timestamp
                        .map_or(0, |t| t.timestamp_millis());
                    let key = if ascending { millis } else { -millis };
                    ((key, b.backup.backup_id.clone()), b.backup.clone())
                })
                .collect();
            items.sort_by(|a, b| a.0.cmp(&b.0));
            // Joined, not `format!`ed: this is on every DescribeBackups.
            let scope = [
                Operation::DescribeBackups.as_str(),
                region,
                &filters.canonical(),
                if ascending { "true" } else { "false" },
                if shared { "true" } else { "false" },
            ]
            .join("|");
            let (backups, next_token) = page(
                &PageRequest {
                    key: &state.token_key,
                    scope,
                    max_results: req.max_results.map(|m| m.get()),
                    next_token: req.next_token.as_ref().map(|t| t.as_str()),
                    now,
                },
                items,
            )?;
            Ok(DescribeBackupsResponse {
                backups,
                next_token,
            })
        })
    }
}

impl Handles<ops::DeleteBackup> for CloudHsm<'_> {
    /// DeleteBackup: a READY backup goes PENDING_DELETION for seven days,
    /// during which RestoreBackup brings it back.
    async fn handle(
        &self,
        region: &str,
        req: DeleteBackupRequest,
    ) -> Result<DeleteBackupResponse, ServiceError> {
        let id = req.backup_id.as_str();
        let delete_at = self.now() + chrono::Duration::days(PENDING_DELETION_DAYS);
        self.mutate(|state, changes| {
            let rec = state.cloudhsm.backup_mut(region, id)?;
            match rec.state() {
                BackupState::Ready => {}
                BackupState::PendingDeletion => {
                    return Err(invalid(format!(
                        "Backup {id} is already in state PENDING_DELETION."
                    )));
                }
                other => {
                    return Err(invalid(format!(
                        "Backup {id} is in state {} and cannot be deleted; only READY backups can.",
                        other.as_str()
                    )));
                }
            }
            rec.backup.backup_state = Some(BackupState::PendingDeletion);
            rec.backup.delete_timestamp = Some(delete_at);
            let backup = rec.backup.clone();
            changes.backup_changed(state, id);
            Ok(DeleteBackupResponse {
                backup: Some(backup),
            })
        })
        .await
    }
}

impl Handles<ops::RestoreBackup> for CloudHsm<'_> {
    /// RestoreBackup: a PENDING_DELETION backup is READY again.
    async fn handle(
        &self,
        region: &str,
        req: RestoreBackupRequest,
    ) -> Result<RestoreBackupResponse, ServiceError> {
        let id = req.backup_id.as_str();
        let now = self.now();
        self.mutate(|state, changes| {
            let rec = state.cloudhsm.backup_mut(region, id)?;
            if rec.state() != BackupState::PendingDeletion {
                return Err(invalid(format!(
                    "Backup {id} is in state {}; only a backup in state PENDING_DELETION can be restored.",
                    rec.state().as_str()
                )));
            }
            rec.backup.backup_state = Some(BackupState::Ready);
            rec.backup.delete_timestamp = None;
            rec.restored_at = Some(now);
            let backup = rec.backup.clone();
            changes.backup_changed(state, id);
            Ok(RestoreBackupResponse {
                backup: Some(backup),
            })
        })
        .await
    }
}

impl Handles<ops::ModifyBackupAttributes> for CloudHsm<'_> {
    /// ModifyBackupAttributes: sets NeverExpires.
    async fn handle(
        &self,
        region: &str,
        req: ModifyBackupAttributesRequest,
    ) -> Result<ModifyBackupAttributesResponse, ServiceError> {
        let id = req.backup_id.as_str();
        self.mutate(|state, changes| {
            let rec = state.cloudhsm.backup_mut(region, id)?;
            let changed = rec.backup.never_expires != Some(req.never_expires);
            rec.backup.never_expires = Some(req.never_expires);
            let backup = rec.backup.clone();
            if changed {
                changes.backup_changed(state, id);
            }
            Ok(ModifyBackupAttributesResponse {
                backup: Some(backup),
            })
        })
        .await
    }
}

impl Handles<ops::CopyBackupToRegion> for CloudHsm<'_> {
    /// CopyBackupToRegion: a new backup in DestinationRegion
    /// (CREATE_IN_PROGRESS until READY) naming its source; the source's tags
    /// unless TagList is given.
    async fn handle(
        &self,
        region: &str,
        req: CopyBackupToRegionRequest,
    ) -> Result<CopyBackupToRegionResponse, ServiceError> {
        let id = req.backup_id.as_str();
        let destination = req.destination_region.as_str();
        if destination == region {
            return Err(invalid(format!(
                "DestinationRegion {destination} is the backup's own region: copy it to another region."
            )));
        }
        let new_tags = match &req.tag_list {
            Some(list) => Some(tags::check_new_tags(Some(list))?),
            None => None,
        };
        let now = self.now();
        let due = self.due_in(durations::COPY_BACKUP);
        self.mutate(|state, changes| {
            let source = state.cloudhsm.backup_mut(region, id)?;
            if source.state() != BackupState::Ready {
                return Err(invalid(format!(
                    "Backup {id} is in state {}; only READY backups can be copied.",
                    source.state().as_str()
                )));
            }
            let source = source.backup.clone();
            let in_destination = state
                .cloudhsm
                .backups
                .values()
                .filter(|b| b.region == destination)
                .count();
            if in_destination >= self.config.cloudhsm.backup_limit {
                return Err(super::limit_exceeded(format!(
                    "The number of backups in {destination} would exceed the limit of {}.",
                    self.config.cloudhsm.backup_limit
                )));
            }
            let copy_id = new_id("backup", |id| state.cloudhsm.backups.contains_key(id));
            let backup = Backup {
                backup_arn: Some(backup_arn(destination, &self.config.account_id, &copy_id)),
                backup_id: copy_id.clone(),
                backup_state: Some(BackupState::CreateInProgress),
                // "A copied backup is no longer associated with a cluster"
                // (the user guide); SourceCluster says where it came from.
                cluster_id: None,
                create_timestamp: Some(now),
                copy_timestamp: Some(now),
                never_expires: Some(false),
                source_region: Some(region.to_owned()),
                source_backup: Some(id.to_owned()),
                source_cluster: source.cluster_id.clone(),
                delete_timestamp: None,
                tag_list: new_tags.unwrap_or_else(|| source.tag_list.clone()),
                hsm_type: source.hsm_type.clone(),
                mode: source.mode,
            };
            state.cloudhsm.backups.insert(
                copy_id.clone(),
                BackupRecord {
                    region: destination.to_owned(),
                    backup,
                    ready_due: Some(due),
                    // A copy is a new resource: the source's policy stays behind.
                    resource_policy: None,
                    restored_at: None,
                },
            );
            changes.backup_changed(state, &copy_id);
            Ok(CopyBackupToRegionResponse {
                destination_backup: Some(DestinationBackup {
                    create_timestamp: Some(now),
                    source_region: Some(region.to_owned()),
                    source_backup: Some(id.to_owned()),
                    source_cluster: source.cluster_id,
                }),
            })
        })
        .await
    }
}
