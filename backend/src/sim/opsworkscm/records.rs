//! What the simulator keeps per OpsWorks CM server, backup, event and node
//! association request, and how changes to them become durable records and
//! journal entries.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use shared::events::{BackupDeleted, OpsWorksCmEvent, ServerDeleted};
use shared::opsworkscm::{
    Backup, BackupType, EngineAttribute, NodeAssociationStatus, Server, ServerEvent, Tag,
};

use super::backup_table::{BackupTable, Filed};
use crate::sim::State;
use crate::sim::changes::{Changes, corrupt_record, decode_record, prefixed};
use crate::store::{RecordKind, StoreError, Write};

/// A server's transition that completes when the clock reaches `due`.
pub(crate) type Pending = crate::sim::pending::Pending<Action>;

/// The asynchronous work a server can be doing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub(crate) enum Action {
    /// CREATING → SETUP: the stack and its EC2 instance are up.
    Create,
    /// SETUP → RUNNING: the engine is installed and configured; the first
    /// health check (`recover_at`) then makes the server HEALTHY.
    Setup,
    /// BACKING_UP → previous status; the backup becomes OK.
    Backup {
        /// The backup being taken.
        backup_id: String,
    },
    /// UNDER_MAINTENANCE → HEALTHY with MaintenanceStatus.
    Maintenance,
    /// RESTORING → the server as it was at the backup, on a new instance
    /// (or, should the restore fail, back to where it was).
    Restore {
        /// The backup being restored.
        backup_id: String,
        /// InstanceType of the new instance, when the request chose one.
        #[serde(default)]
        instance_type: Option<String>,
        /// KeyPair of the new instance, when the request chose one.
        #[serde(default)]
        key_pair: Option<String>,
        /// The status the server returns to should the restore fail.
        #[serde(default)]
        previous_status: Option<shared::opsworkscm::ServerStatus>,
        /// The EC2 instance being configured.
        #[serde(default)]
        new_instance_id: Option<String>,
    },
    /// MODIFYING → HEALTHY.
    Modify {
        /// The engine attribute being changed.
        attribute: String,
    },
    /// DELETING → gone.
    Delete,
}

/// A node managed by a server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct NodeRecord {
    /// When the association succeeded.
    #[serde(with = "shared::time::epoch_seconds")]
    pub(crate) associated_at: DateTime<Utc>,
    /// Chef organization, for Chef nodes.
    pub(crate) organization: Option<String>,
}

/// What a backup holds of its server beyond what DescribeBackups shows: the
/// settings and engine data a restore brings back.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct ServerSnapshot {
    /// DisableAutomatedBackup at the time of the backup.
    pub(crate) disable_automated_backup: Option<bool>,
    /// BackupRetentionCount at the time of the backup.
    pub(crate) backup_retention_count: Option<i64>,
    /// The nodes associated at the time of the backup.
    pub(crate) nodes: BTreeMap<String, NodeRecord>,
    /// The pivotal user's key at the time of the backup (Chef).
    pub(crate) pivotal_key_fingerprint: Option<String>,
}

impl ServerSnapshot {
    /// What `rec` holds now.
    pub(crate) fn of(rec: &ServerRecord) -> Self {
        Self {
            disable_automated_backup: rec.server.disable_automated_backup,
            backup_retention_count: rec.server.backup_retention_count,
            nodes: rec.nodes.clone(),
            pivotal_key_fingerprint: rec.pivotal_key_fingerprint.clone(),
        }
    }
}

/// An EC2 instance a restore replaced: kept stopped, then terminated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct RetiredInstance {
    /// Its instance id.
    pub(crate) id: String,
    /// When it is terminated.
    #[serde(with = "shared::time::epoch_seconds")]
    pub(crate) terminate_at: DateTime<Utc>,
}

/// A server with the internal state that Describe does not show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ServerRecord {
    /// What DescribeServers returns.
    pub(crate) server: Server,
    /// The server's CA certificate (PEM).
    pub(crate) ca_cert_pem: String,
    /// The server's CA private key (PEM); never returned.
    pub(crate) ca_key_pem: String,
    /// SHA-256 fingerprint of the current pivotal public key (Chef).
    pub(crate) pivotal_key_fingerprint: Option<String>,
    /// User tags.
    pub(crate) tags: Vec<Tag>,
    /// Associated nodes by name.
    pub(crate) nodes: BTreeMap<String, NodeRecord>,
    /// The transition in progress, if any.
    pub(crate) pending: Option<Pending>,
    /// Status to return to after a backup.
    pub(crate) resume_status: Option<shared::opsworkscm::ServerStatus>,
    /// Start of the next PreferredMaintenanceWindow.
    #[serde(default, with = "shared::time::epoch_seconds_option")]
    pub(crate) next_maintenance: Option<DateTime<Utc>>,
    /// When an UNHEALTHY or CONNECTION_LOST server recovers.
    #[serde(default, with = "shared::time::epoch_seconds_option")]
    pub(crate) recover_at: Option<DateTime<Utc>>,
    /// Start of the next automated backup window, when automated backups are on.
    #[serde(default, with = "shared::time::epoch_seconds_option")]
    pub(crate) next_automated_backup: Option<DateTime<Utc>>,
    /// The EC2 instance serving the server (none for servers stored before
    /// it was kept, until their next restore).
    #[serde(default)]
    pub(crate) instance_id: Option<String>,
    /// The instance the last restore replaced, until it is terminated.
    #[serde(default)]
    pub(crate) retired_instance: Option<RetiredInstance>,
}

impl ServerRecord {
    /// The server's name.
    pub(crate) fn name(&self) -> &str {
        self.server.server_name.as_deref().unwrap_or_default()
    }

    /// Plans the next scheduled maintenance: the next start of
    /// PreferredMaintenanceWindow strictly after `after`.
    pub(crate) fn plan_maintenance(&mut self, after: DateTime<Utc>) {
        self.next_maintenance = self
            .server
            .preferred_maintenance_window
            .as_deref()
            .and_then(|w| shared::opsworkscm::TimeWindow::parse(w).ok())
            .map(|window| window.next_start_after(after));
    }

    /// Plans the next automated backup strictly after `after`: the next start
    /// of PreferredBackupWindow, or none when automated backups are disabled.
    pub(crate) fn plan_automated_backup(&mut self, after: DateTime<Utc>) {
        let enabled = self.server.disable_automated_backup == Some(false);
        let window = self
            .server
            .preferred_backup_window
            .as_deref()
            .and_then(|w| shared::opsworkscm::TimeWindow::parse(w).ok());
        self.next_automated_backup = match window {
            Some(window) if enabled => Some(window.next_start_after(after)),
            _ => None,
        };
    }
}

/// A backup with its tags and pending deletion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct BackupRecord {
    /// What DescribeBackups returns.
    pub(crate) backup: Backup,
    /// User tags.
    pub(crate) tags: Vec<Tag>,
    /// When a DELETING backup disappears.
    #[serde(default, with = "shared::time::epoch_seconds_option")]
    pub(crate) delete_due: Option<DateTime<Utc>>,
    /// The server's settings and engine data the backup holds (none for
    /// backups stored before they were kept: a restore then brings back
    /// what DescribeBackups shows).
    #[serde(default)]
    pub(crate) snapshot: Option<ServerSnapshot>,
}

impl Filed for BackupRecord {
    fn server(&self) -> &str {
        self.backup.server_name.as_deref().unwrap_or_default()
    }

    fn is_manual(&self) -> bool {
        self.backup.backup_type == Some(BackupType::Manual)
    }
}

/// A server event and its position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct EventRecord {
    /// Account-wide increasing sequence number.
    pub(crate) seq: u64,
    /// What DescribeEvents returns.
    pub(crate) event: ServerEvent,
}

/// Whether a request associates or disassociates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum AssociationKind {
    /// AssociateNode.
    Associate,
    /// DisassociateNode.
    Disassociate,
}

/// An AssociateNode / DisassociateNode request and its outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct AssociationRecord {
    /// The status token handed to the caller.
    pub(crate) token: String,
    /// Server name.
    pub(crate) server_name: String,
    /// Node name.
    pub(crate) node_name: String,
    /// Associate or disassociate.
    pub(crate) kind: AssociationKind,
    /// Current status.
    pub(crate) status: NodeAssociationStatus,
    /// The node certificate signed for a Puppet CSR, shown once SUCCESS.
    pub(crate) certificate: Option<String>,
    /// Chef organization, for Chef associations.
    pub(crate) organization: Option<String>,
    /// When the request was made.
    #[serde(with = "shared::time::epoch_seconds")]
    pub(crate) created_at: DateTime<Utc>,
    /// When an IN_PROGRESS request completes.
    #[serde(default, with = "shared::time::epoch_seconds_option")]
    pub(crate) due: Option<DateTime<Utc>>,
    /// Position among the account's requests (the journal id of its first
    /// entry), so the oldest is known even among requests made in the same
    /// instant; 0 for requests stored before it was kept.
    #[serde(default)]
    pub(crate) order: u64,
}

impl AssociationRecord {
    /// Result attributes: `PUPPET_NODE_CERT` once a Puppet association succeeded.
    pub(crate) fn engine_attributes(&self) -> Vec<EngineAttribute> {
        match (&self.certificate, self.status) {
            (Some(cert), NodeAssociationStatus::Success) => vec![EngineAttribute {
                name: Some(shared::opsworkscm::attributes::PUPPET_NODE_CERT.to_owned()),
                value: Some(cert.clone()),
            }],
            _ => Vec::new(),
        }
    }

    /// The live-stream payload for this record.
    pub(crate) fn view(&self) -> shared::events::NodeAssociation {
        shared::events::NodeAssociation {
            server_name: self.server_name.clone(),
            node_name: self.node_name.clone(),
            node_association_status_token: self.token.clone(),
            node_association_status: self.status,
            engine_attributes: self.engine_attributes(),
            created_at: self.created_at,
        }
    }
}

/// A resource already serialized as Describe returns it.
///
/// DescribeServers is the hottest read; caching each server's JSON when it
/// changes turns a list into a copy of bytes instead of a clone and a
/// serialization of every server on every call.
#[derive(Debug, Clone)]
pub(crate) struct CachedJson(Arc<RawValue>);

impl CachedJson {
    /// Serializes `value` once.
    pub(crate) fn of(value: &impl Serialize) -> Self {
        let text = serde_json::to_string(value).expect("views serialize to JSON");
        let raw = RawValue::from_string(text).expect("serde_json output is valid JSON");
        Self(Arc::from(raw))
    }
}

impl Serialize for CachedJson {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

/// Events kept per server: DescribeEvents shows the newest this many; older
/// ones are pruned as new ones arrive.
pub(crate) const MAX_EVENTS_PER_SERVER: usize = 1_000;
/// Finished AssociateNode/DisassociateNode requests kept per server (their
/// tokens then answer ResourceNotFoundException); requests in progress are
/// never pruned.
pub(crate) const MAX_FINISHED_ASSOCIATIONS_PER_SERVER: usize = 200;

/// Every OpsWorks CM record the simulator holds.
#[derive(Debug, Default, Clone)]
pub(crate) struct Records {
    /// Servers by name.
    pub(crate) servers: BTreeMap<String, ServerRecord>,
    /// Each server as DescribeServers returns it, kept in step with `servers`.
    pub(crate) server_views: HashMap<String, CachedJson>,
    /// Backups by id and by server.
    pub(crate) backups: BackupTable<BackupRecord>,
    /// Events per server, oldest first.
    pub(crate) events: HashMap<String, Vec<EventRecord>>,
    /// Node association requests by token.
    pub(crate) associations: HashMap<String, AssociationRecord>,
    /// Last event sequence number handed out.
    pub(crate) event_seq: u64,
}

impl Records {
    /// How many manual backups there are (what ManualBackupLimit counts).
    pub(crate) fn manual_backups(&self) -> usize {
        self.backups.manual()
    }

    /// Inserts or replaces the record `key` of `kind` from its stored form.
    pub(crate) fn put(
        &mut self,
        kind: RecordKind,
        key: &str,
        body: &str,
    ) -> Result<(), StoreError> {
        match kind {
            RecordKind::Server => {
                let rec: ServerRecord = decode_record(kind, key, body)?;
                let name = rec.name().to_owned();
                self.server_views
                    .insert(name.clone(), CachedJson::of(&rec.server));
                self.servers.insert(name, rec);
            }
            RecordKind::Backup => {
                let rec: BackupRecord = decode_record(kind, key, body)?;
                self.backups
                    .insert(rec.backup.backup_id.clone().unwrap_or_default(), rec);
            }
            RecordKind::ServerEvent => {
                let rec: EventRecord = decode_record(kind, key, body)?;
                self.event_seq = self.event_seq.max(rec.seq);
                let events = self
                    .events
                    .entry(rec.event.server_name.clone().unwrap_or_default())
                    .or_default();
                match events.binary_search_by_key(&rec.seq, |e| e.seq) {
                    Ok(at) => events[at] = rec,
                    Err(at) => events.insert(at, rec),
                }
            }
            RecordKind::NodeAssociation => {
                let rec: AssociationRecord = decode_record(kind, key, body)?;
                self.associations.insert(rec.token.clone(), rec);
            }
            _ => return Err(corrupt_record(kind, key)),
        }
        Ok(())
    }

    /// Removes the record `key` of `kind`, if present.
    pub(crate) fn delete(&mut self, kind: RecordKind, key: &str) {
        match kind {
            RecordKind::Server => {
                self.servers.remove(key);
                self.server_views.remove(key);
            }
            RecordKind::Backup => {
                self.backups.remove(key);
            }
            RecordKind::ServerEvent => {
                let Some((server, seq)) = event_key_parts(key) else {
                    return;
                };
                if let Some(events) = self.events.get_mut(server) {
                    events.retain(|e| e.seq != seq);
                    if events.is_empty() {
                        self.events.remove(server);
                    }
                }
            }
            RecordKind::NodeAssociation => {
                self.associations.remove(key);
            }
            _ => {}
        }
    }

    /// Removes every record of `kind` whose key starts with `prefix`.
    pub(crate) fn delete_prefix(&mut self, kind: RecordKind, prefix: &str) {
        let keys: Vec<String> = match kind {
            RecordKind::Server => prefixed(self.servers.keys(), prefix),
            RecordKind::Backup => prefixed(self.backups.keys(), prefix),
            RecordKind::ServerEvent => {
                let servers: Vec<String> = self.events.keys().cloned().collect();
                for server in servers {
                    if let Some(events) = self.events.get_mut(&server) {
                        events.retain(|e| !event_key(&server, e.seq).starts_with(prefix));
                        if events.is_empty() {
                            self.events.remove(&server);
                        }
                    }
                }
                Vec::new()
            }
            RecordKind::NodeAssociation => prefixed(self.associations.keys(), prefix),
            _ => Vec::new(),
        };
        for key in keys {
            self.delete(kind, &key);
        }
    }
}

/// The store key of a server's event: `server/sequence` (zero-padded, so
/// keys sort in the order the events happened).
pub(crate) fn event_key(server: &str, seq: u64) -> String {
    format!("{server}/{seq:020}")
}

/// `server/sequence` split back into its parts.
fn event_key_parts(key: &str) -> Option<(&str, u64)> {
    let (server, seq) = key.rsplit_once('/')?;
    Some((server, seq.parse().ok()?))
}

/// How changes to OpsWorks CM records become durable records and journal
/// entries (in scope only in OpsWorks CM's modules, so its names need no
/// service prefix).
pub(crate) trait RecordChanges {
    /// Removes every server (with its events and requests) and backup.
    fn remove_all(&mut self, state: &mut State);
    /// Persists the server `name` as it now is in `state` and announces it.
    fn server_changed(&mut self, state: &mut State, name: &str);
    /// Removes the server `name`, its events and its association requests.
    fn server_removed(&mut self, state: &mut State, name: &str);
    /// Persists the backup `id` as it now is and announces it.
    fn backup_changed(&mut self, state: &mut State, id: &str);
    /// Removes the backup `id`.
    fn backup_removed(&mut self, state: &mut State, id: &str);
    /// Records a server event.
    fn event(
        &mut self,
        state: &mut State,
        server_name: &str,
        at: DateTime<Utc>,
        message: impl Into<String>,
        log_url: Option<String>,
    );
    /// Persists the association request `token` and announces it; prunes
    /// the server's oldest finished requests beyond the cap.
    fn association_changed(&mut self, state: &mut State, token: &str);
}

impl RecordChanges for Changes {
    fn remove_all(&mut self, state: &mut State) {
        let servers = |s: &State| s.opsworkscm.servers.keys().cloned().collect();
        self.remove_each(state, servers, Self::server_removed);
        let backups = |s: &State| s.opsworkscm.backups.keys().cloned().collect();
        self.remove_each(state, backups, Self::backup_removed);
    }

    fn server_changed(&mut self, state: &mut State, name: &str) {
        let Some(rec) = state.opsworkscm.servers.get(name) else {
            return;
        };
        let view = CachedJson::of(&rec.server);
        state.opsworkscm.server_views.insert(name.to_owned(), view);
        self.record_changed(
            state,
            (RecordKind::Server, name),
            |s| s.opsworkscm.servers.get(name),
            |rec| OpsWorksCmEvent::Server(rec.server.clone()),
        );
    }

    fn server_removed(&mut self, state: &mut State, name: &str) {
        state.opsworkscm.servers.remove(name);
        state.opsworkscm.server_views.remove(name);
        state.opsworkscm.events.remove(name);
        let tokens: Vec<String> = state
            .opsworkscm
            .associations
            .values()
            .filter(|a| a.server_name == name)
            .map(|a| a.token.clone())
            .collect();
        for token in tokens {
            state.opsworkscm.associations.remove(&token);
            self.batch_mut().delete(RecordKind::NodeAssociation, token);
        }
        self.batch_mut().delete(RecordKind::Server, name);
        self.batch_mut().writes.push(Write::DeletePrefix {
            kind: RecordKind::ServerEvent,
            prefix: format!("{name}/"),
        });
        let view = ServerDeleted {
            server_name: name.to_owned(),
        };
        self.journal(state, OpsWorksCmEvent::ServerDeleted(view));
    }

    fn backup_changed(&mut self, state: &mut State, id: &str) {
        self.record_changed(
            state,
            (RecordKind::Backup, id),
            |s| s.opsworkscm.backups.get(id),
            |rec| OpsWorksCmEvent::Backup(rec.backup.clone()),
        );
    }

    fn backup_removed(&mut self, state: &mut State, id: &str) {
        self.record_removed(
            state,
            (RecordKind::Backup, id),
            |s| s.opsworkscm.backups.remove(id),
            |rec| {
                OpsWorksCmEvent::BackupDeleted(BackupDeleted {
                    backup_id: id.to_owned(),
                    server_name: rec.backup.server_name.unwrap_or_default(),
                })
            },
        );
    }

    fn event(
        &mut self,
        state: &mut State,
        server_name: &str,
        at: DateTime<Utc>,
        message: impl Into<String>,
        log_url: Option<String>,
    ) {
        state.opsworkscm.event_seq += 1;
        let rec = EventRecord {
            seq: state.opsworkscm.event_seq,
            event: ServerEvent {
                created_at: Some(at),
                server_name: Some(server_name.to_owned()),
                message: Some(message.into()),
                log_url,
            },
        };
        self.batch_mut().put(
            RecordKind::ServerEvent,
            event_key(server_name, rec.seq),
            &rec,
        );
        let view = rec.event.clone();
        let events = state
            .opsworkscm
            .events
            .entry(server_name.to_owned())
            .or_default();
        events.push(rec);
        if let Some(excess) = events.len().checked_sub(MAX_EVENTS_PER_SERVER) {
            for old in events.drain(..excess) {
                self.batch_mut()
                    .delete(RecordKind::ServerEvent, event_key(server_name, old.seq));
            }
        }
        self.journal(state, OpsWorksCmEvent::ServerEvent(view));
    }

    fn association_changed(&mut self, state: &mut State, token: &str) {
        let Some(rec) = state.opsworkscm.associations.get(token) else {
            return;
        };
        let server = rec.server_name.clone();
        let mut finished: Vec<(DateTime<Utc>, u64, String)> = state
            .opsworkscm
            .associations
            .values()
            .filter(|a| a.server_name == server && a.due.is_none() && a.token != token)
            .map(|a| (a.created_at, a.order, a.token.clone()))
            .collect();
        if let Some(excess) = finished
            .len()
            .checked_sub(MAX_FINISHED_ASSOCIATIONS_PER_SERVER)
            .filter(|e| *e > 0)
        {
            finished.sort();
            for (_, _, old) in finished.into_iter().take(excess) {
                state.opsworkscm.associations.remove(&old);
                self.batch_mut().delete(RecordKind::NodeAssociation, old);
            }
        }
        let Some(rec) = state.opsworkscm.associations.get(token) else {
            return;
        };
        self.batch_mut()
            .put(RecordKind::NodeAssociation, token, rec);
        let view = rec.view();
        self.journal(state, OpsWorksCmEvent::NodeAssociation(view));
    }
}
