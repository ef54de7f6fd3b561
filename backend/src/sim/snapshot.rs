//! The simulated state as one versioned JSON document: what
//! `GET /api/sim/state` and `cmconsole state export` give, and what
//! `POST /api/sim/state`, `cmconsole state import` and `serve --load-state`
//! take back (replacing or merging), scoped by service and region; and the
//! reset that empties such a scope.
//!
//! A snapshot holds every record as the store keeps it (what Describe
//! shows plus the internal state: pending transitions and their due times,
//! a backup's contents, node associations), so a reset and an import give
//! back identical Describe and List answers. Faults, the clock and the
//! pagination key are the running instance's own and are not part of it.

use serde::{Deserialize, Serialize};
use shared::service::Service;

use super::changes::Changes;
use super::cloudhsm::records::{
    BackupRecord as HsmBackupRecord, ClusterRecord, RecordChanges as _,
};
use super::opsworkscm::records::{
    AssociationRecord, BackupRecord, EventRecord, ServerRecord, event_key,
};
use super::{Simulator, State};
use crate::error::ServiceError;
use crate::store::RecordKind;

/// What the `format` member of every snapshot says.
pub(crate) const FORMAT: &str = "cmconsole-state";

/// The snapshot schema this build writes and the newest it reads.
pub(crate) const SCHEMA: u32 = 1;

/// Which part of the state a reset, an export or an import touches: every
/// service and region unless narrowed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub(crate) struct Scope {
    /// One service (`opsworks-cm`, `cloudhsmv2`).
    #[serde(default)]
    pub(crate) service: Option<String>,
    /// One region.
    #[serde(default)]
    pub(crate) region: Option<String>,
}

/// [`Scope`] checked against the simulator.
#[derive(Clone, Copy)]
struct Bounds<'a> {
    service: Option<Service>,
    region: Option<&'a str>,
    /// The simulator's `--region`: the only region OpsWorks CM lives in.
    home: &'a str,
}

impl<'a> Bounds<'a> {
    fn of(scope: &'a Scope, home: &'a str) -> Result<Self, ServiceError> {
        let service = match scope.service.as_deref() {
            None => None,
            Some(name) => Some(Service::from_console_segment(name).ok_or_else(|| {
                ServiceError::validation(format!(
                    "service must be opsworks-cm or cloudhsmv2, not '{name}'."
                ))
            })?),
        };
        if let Some(region) = scope.region.as_deref()
            && !crate::upstream::partition::is_region(region)
        {
            return Err(ServiceError::validation(format!(
                "'{region}' is not an AWS region name."
            )));
        }
        Ok(Self {
            service,
            region: scope.region.as_deref(),
            home,
        })
    }

    fn opsworkscm(&self) -> bool {
        self.service.is_none_or(|s| s == Service::OpsWorksCm)
            && self.region.is_none_or(|r| r == self.home)
    }

    fn cloudhsm(&self) -> bool {
        self.service.is_none_or(|s| s == Service::CloudHsmV2)
    }

    fn cloudhsm_region(&self, region: &str) -> bool {
        self.cloudhsm() && self.region.is_none_or(|r| r == region)
    }
}

/// The whole document.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct StateSnapshot {
    /// Always [`FORMAT`].
    pub(crate) format: String,
    /// The schema it is written in ([`SCHEMA`] for this build).
    pub(crate) schema: u32,
    /// The cmconsole that wrote it.
    pub(crate) cmconsole_version: String,
    /// The account in its ARNs.
    pub(crate) account_id: String,
    /// When it was taken, on the simulated clock.
    #[serde(with = "shared::time::epoch_seconds")]
    pub(crate) simulated_time: chrono::DateTime<chrono::Utc>,
    /// OpsWorks CM's records, when in scope.
    pub(crate) opsworkscm: Option<OpsWorksCmState>,
    /// CloudHSM v2's records, when in scope.
    pub(crate) cloudhsmv2: Option<CloudHsmState>,
}

/// OpsWorks CM's records.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct OpsWorksCmState {
    /// The region they live in.
    pub(crate) region: String,
    /// Servers with their pending transitions, nodes and key material.
    pub(crate) servers: Vec<ServerRecord>,
    /// Backups with their tags and contents.
    pub(crate) backups: Vec<BackupRecord>,
    /// Server events.
    pub(crate) events: Vec<EventRecord>,
    /// Node association and disassociation requests.
    pub(crate) node_associations: Vec<AssociationRecord>,
}

/// CloudHSM v2's records, each naming its region.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct CloudHsmState {
    /// Clusters with their HSMs and pending steps.
    pub(crate) clusters: Vec<ClusterRecord>,
    /// Backups with their policies.
    pub(crate) backups: Vec<HsmBackupRecord>,
}

/// How an import treats what is already there.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ImportMode {
    /// Empty the snapshot's services (within the scope) first.
    #[default]
    Replace,
    /// Add the snapshot's records, replacing those with the same key, and
    /// keep the rest.
    Merge,
}

/// Just the header, read before the rest so a newer schema is refused with
/// its own message rather than a parse error.
#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    schema: Option<u32>,
}

/// Parses a snapshot, refusing other documents and newer schemas clearly.
///
/// # Errors
/// `ValidationException` naming what is wrong and where.
pub(crate) fn parse(bytes: &[u8]) -> Result<StateSnapshot, ServiceError> {
    let header: Header = serde_json::from_slice(bytes)
        .map_err(|e| ServiceError::validation(format!("The state is not JSON: {e}.")))?;
    if header.format.as_deref() != Some(FORMAT) {
        return Err(ServiceError::validation(format!(
            "This is not a cmconsole state snapshot (its \"format\" must be \"{FORMAT}\")."
        )));
    }
    match header.schema {
        Some(schema) if schema > SCHEMA => {
            return Err(ServiceError::validation(format!(
                "This snapshot has schema {schema}, newer than the {SCHEMA} this cmconsole ({}) reads: import it with a newer cmconsole.",
                env!("CARGO_PKG_VERSION")
            )));
        }
        Some(0) | None => {
            return Err(ServiceError::validation(
                "The snapshot has no valid \"schema\".",
            ));
        }
        Some(_) => {}
    }
    let deserializer = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        ServiceError::validation(format!(
            "The snapshot does not fit schema {SCHEMA} at {}: {}.",
            e.path(),
            e.inner()
        ))
    })
}

impl Simulator {
    /// The state within `scope`, as a snapshot.
    ///
    /// # Errors
    /// `ValidationException` for a scope naming no known service or region.
    pub(crate) fn export_state(&self, scope: &Scope) -> Result<StateSnapshot, ServiceError> {
        let bounds = Bounds::of(scope, &self.config.region)?;
        let simulated_time = self.now();
        Ok(self.read(|state| StateSnapshot {
            format: FORMAT.to_owned(),
            schema: SCHEMA,
            cmconsole_version: env!("CARGO_PKG_VERSION").to_owned(),
            account_id: self.config.account_id.clone(),
            simulated_time,
            opsworkscm: bounds
                .opsworkscm()
                .then(|| opsworkscm_of(state, bounds.home)),
            cloudhsmv2: bounds.cloudhsm().then(|| cloudhsm_of(state, &bounds)),
        }))
    }

    /// Brings `snapshot` in: in `Replace` mode the services it holds are
    /// emptied within `scope` first. Only records within `scope` are taken.
    /// Returns how many records were written.
    ///
    /// # Errors
    /// `ValidationException` when the snapshot is for another account or
    /// OpsWorks CM region, or its records contradict each other; nothing
    /// changes then.
    pub(crate) async fn import_state(
        &self,
        snapshot: StateSnapshot,
        mode: ImportMode,
        scope: &Scope,
    ) -> Result<usize, ServiceError> {
        let bounds = Bounds::of(scope, &self.config.region)?;
        if snapshot.account_id != self.config.account_id {
            return Err(ServiceError::validation(format!(
                "The snapshot is of account {}, this simulator's is {} (--account-id).",
                snapshot.account_id, self.config.account_id
            )));
        }
        let records = records_of(&snapshot, &bounds)?;
        // Checked on a scratch state first: a bad record changes nothing.
        let mut scratch = State::default();
        for (kind, key, body) in &records {
            scratch.put_record(*kind, key, body).map_err(|e| {
                ServiceError::validation(format!("The snapshot's record is not valid: {e}."))
            })?;
        }
        let count = records.len();
        self.mutate(|state, changes| {
            if mode == ImportMode::Replace {
                let emptied = Bounds {
                    service: match (&snapshot.opsworkscm, &snapshot.cloudhsmv2) {
                        (Some(_), None) => Some(Service::OpsWorksCm),
                        (None, Some(_)) => Some(Service::CloudHsmV2),
                        _ => bounds.service,
                    },
                    ..bounds
                };
                remove_within(state, changes, &emptied);
            }
            for (kind, key, body) in records {
                state
                    .put_record(kind, &key, &body)
                    .map_err(|e| ServiceError::internal(&e))?;
                announce(state, changes, kind, key, body);
            }
            Ok(())
        })
        .await?;
        Ok(count)
    }

    /// Deletes every server, backup, event, node association, cluster and
    /// CloudHSM backup within `scope`.
    ///
    /// # Errors
    /// `ValidationException` for a scope naming no known service or region.
    pub(crate) async fn reset_scope(&self, scope: &Scope) -> Result<(), ServiceError> {
        let bounds = Bounds::of(scope, &self.config.region)?;
        self.mutate(|state, changes| {
            remove_within(state, changes, &bounds);
            Ok(())
        })
        .await
    }
}

fn opsworkscm_of(state: &State, region: &str) -> OpsWorksCmState {
    let records = &state.opsworkscm;
    let mut events: Vec<EventRecord> = records.events.values().flatten().cloned().collect();
    events.sort_by_key(|e| e.seq);
    let mut node_associations: Vec<AssociationRecord> =
        records.associations.values().cloned().collect();
    node_associations.sort_by(|a, b| a.token.cmp(&b.token));
    OpsWorksCmState {
        region: region.to_owned(),
        servers: records.servers.values().cloned().collect(),
        backups: records.backups.values().cloned().collect(),
        events,
        node_associations,
    }
}

fn cloudhsm_of(state: &State, bounds: &Bounds<'_>) -> CloudHsmState {
    let records = &state.cloudhsm;
    CloudHsmState {
        clusters: records
            .clusters
            .values()
            .filter(|c| bounds.cloudhsm_region(&c.region))
            .cloned()
            .collect(),
        backups: records
            .backups
            .values()
            .filter(|b| bounds.cloudhsm_region(&b.region))
            .cloned()
            .collect(),
    }
}

/// The snapshot's records within `bounds` as the store keeps them:
/// (kind, key, body), keys derived from the records themselves.
fn records_of(
    snapshot: &StateSnapshot,
    bounds: &Bounds<'_>,
) -> Result<Vec<(RecordKind, String, String)>, ServiceError> {
    let mut out = Vec::new();
    let mut push = |kind: RecordKind, key: String, body: String| out.push((kind, key, body));
    if let Some(ops) = snapshot.opsworkscm.as_ref().filter(|_| bounds.opsworkscm()) {
        if ops.region != bounds.home {
            return Err(ServiceError::validation(format!(
                "The snapshot's OpsWorks CM servers live in {}, this simulator's in {} (--region).",
                ops.region, bounds.home
            )));
        }
        for server in &ops.servers {
            push(RecordKind::Server, server.name().to_owned(), json(server));
        }
        for backup in &ops.backups {
            let id = backup.backup.backup_id.clone().unwrap_or_default();
            push(RecordKind::Backup, id, json(backup));
        }
        for event in &ops.events {
            let server = event.event.server_name.as_deref().unwrap_or_default();
            push(
                RecordKind::ServerEvent,
                event_key(server, event.seq),
                json(event),
            );
        }
        for association in &ops.node_associations {
            push(
                RecordKind::NodeAssociation,
                association.token.clone(),
                json(association),
            );
        }
    }
    if let Some(hsm) = &snapshot.cloudhsmv2 {
        for cluster in hsm
            .clusters
            .iter()
            .filter(|c| bounds.cloudhsm_region(&c.region))
        {
            push(
                RecordKind::HsmCluster,
                cluster.id().to_owned(),
                json(cluster),
            );
        }
        for backup in hsm
            .backups
            .iter()
            .filter(|b| bounds.cloudhsm_region(&b.region))
        {
            let id = backup.backup.backup_id.clone();
            push(RecordKind::HsmBackup, id, json(backup));
        }
    }
    if let Some((kind, _, _)) = out.iter().find(|(_, key, _)| key.is_empty()) {
        return Err(ServiceError::validation(format!(
            "A {} record of the snapshot has no id.",
            kind.as_str()
        )));
    }
    Ok(out)
}

/// A record as the store keeps it.
fn json(record: &impl Serialize) -> String {
    serde_json::to_string(record).expect("records serialize to JSON")
}

/// Writes an imported record and announces what the console lists.
fn announce(state: &mut State, changes: &mut Changes, kind: RecordKind, key: String, body: String) {
    match kind {
        RecordKind::Server => {
            super::opsworkscm::records::RecordChanges::server_changed(changes, state, &key);
        }
        RecordKind::Backup => {
            super::opsworkscm::records::RecordChanges::backup_changed(changes, state, &key);
        }
        RecordKind::HsmCluster => {
            super::cloudhsm::records::RecordChanges::cluster_changed(changes, state, &key);
        }
        RecordKind::HsmBackup => {
            super::cloudhsm::records::RecordChanges::backup_changed(changes, state, &key);
        }
        RecordKind::ServerEvent | RecordKind::NodeAssociation | RecordKind::Meta => {
            changes
                .batch_mut()
                .writes
                .push(crate::store::Write::Put { kind, key, body });
        }
    }
}

/// The ids of the CloudHSM records of `records` in a region within `bounds`.
fn in_regions<T>(
    records: &std::collections::BTreeMap<String, T>,
    region: impl Fn(&T) -> &String,
    bounds: &Bounds<'_>,
) -> Vec<String> {
    let within = records
        .iter()
        .filter(|(_, r)| bounds.cloudhsm_region(region(r)));
    within.map(|(id, _)| id.clone()).collect()
}

/// Removes every record within `bounds`, announcing each removal.
fn remove_within(state: &mut State, changes: &mut Changes, bounds: &Bounds<'_>) {
    if bounds.opsworkscm() {
        super::opsworkscm::records::RecordChanges::remove_all(changes, state);
    }
    if bounds.cloudhsm() {
        let clusters = |s: &State| in_regions(&s.cloudhsm.clusters, |c| &c.region, bounds);
        changes.remove_each(state, clusters, |c, s, id| c.cluster_removed(s, id));
        let backups = |s: &State| in_regions(&s.cloudhsm.backups, |b| &b.region, bounds);
        changes.remove_each(state, backups, |c, s, id| {
            super::cloudhsm::records::RecordChanges::backup_removed(c, s, id);
        });
    }
}
