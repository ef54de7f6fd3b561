//! The OpsWorks CM half of the upstream poller: servers, backups, recent
//! events and the node associations the doors asked it to follow.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde_json::Value;
use shared::events::{BackupDeleted, LiveEvent, NodeAssociation, OpsWorksCmEvent, ServerDeleted};
use shared::opsworkscm::{
    DescribeEventsRequest, DescribeNodeAssociationStatusRequest,
    DescribeNodeAssociationStatusResponse, MaxResults, NodeAssociationStatus, Operation,
    ServerEvent, ServerName, Text, ops,
};

use super::{Describe, Watch, diff, typed};
use crate::error::ServiceError;
use crate::target::Call;
use crate::upstream::client::UpstreamClient;

/// Events read per server and poll (newest first).
const EVENTS_PER_POLL: i64 = 50;
/// Every this many polls, events are read for settled servers too.
const EVENT_SWEEP_EVERY: u64 = 5;

/// A node association or disassociation whose status is being followed.
#[derive(Debug, Clone)]
pub(super) struct Association {
    server_name: String,
    node_name: String,
    token: String,
    created_at: f64,
    last_status: Option<String>,
}

impl Watch {
    /// Follows the association `token` of `node_name` on `server_name`
    /// until it reaches SUCCESS or FAILED.
    pub fn follow_association(
        &self,
        server_name: &str,
        node_name: &str,
        token: &str,
        created_at: f64,
    ) {
        self.associations
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Association {
                server_name: server_name.to_owned(),
                node_name: node_name.to_owned(),
                token: token.to_owned(),
                created_at,
                last_status: None,
            });
        self.kick();
    }

    fn associations(&self) -> Vec<Association> {
        self.associations
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn update_association(&self, token: &str, status: &str, done: bool) {
        let mut list = self.associations.lock().unwrap_or_else(|e| e.into_inner());
        if done {
            list.retain(|a| a.token != token);
        } else if let Some(a) = list.iter_mut().find(|a| a.token == token) {
            a.last_status = Some(status.to_owned());
        }
    }
}

/// What the poller saw last.
#[derive(Debug, Default)]
struct Seen {
    polls: u64,
    servers: BTreeMap<String, Value>,
    backups: BTreeMap<String, Value>,
    events: HashMap<String, HashSet<String>>,
}

/// What one OpsWorks CM poll found, to journal and then
/// [`OpsWorksPoller::settle`].
#[derive(Debug, Default)]
pub(super) struct OpsWorksRound {
    /// Journal entries, in order.
    pub(super) changes: Vec<LiveEvent>,
    servers: BTreeMap<String, Value>,
    backups: BTreeMap<String, Value>,
    events: HashMap<String, HashSet<String>>,
    associations: Vec<(String, String, bool)>,
}

/// The OpsWorks CM half of the poller.
#[derive(Debug, Default)]
pub(super) struct OpsWorksPoller {
    seen: Seen,
}

impl OpsWorksPoller {
    /// Lists servers, backups, the events of servers that changed (of all
    /// servers every few polls) and the followed associations, and diffs
    /// them with what was seen; [`Self::settle`] takes them as seen once
    /// journaled.
    pub(super) async fn poll(
        &self,
        client: &UpstreamClient,
        watch: &Watch,
    ) -> Result<OpsWorksRound, ServiceError> {
        let first = self.seen.polls == 0;
        let servers = self
            .list(client, Operation::DescribeServers, "Servers", "ServerName")
            .await?;
        let backups = self
            .list(client, Operation::DescribeBackups, "Backups", "BackupId")
            .await?;
        let mut changes: Vec<LiveEvent> = Vec::new();
        let changed_servers = diff_servers(&self.seen.servers, &servers, &mut changes);
        diff(
            &self.seen.backups,
            &backups,
            &mut changes,
            |backup| typed(backup, |b| OpsWorksCmEvent::Backup(b).into()),
            |id, old| {
                OpsWorksCmEvent::BackupDeleted(BackupDeleted {
                    backup_id: id.to_owned(),
                    server_name: old["ServerName"].as_str().unwrap_or_default().to_owned(),
                })
                .into()
            },
        );
        let sweep = self.seen.polls.is_multiple_of(EVENT_SWEEP_EVERY);
        let mut events_now = HashMap::new();
        for (name, server) in &servers {
            if !(sweep || changed_servers.contains(name) || is_transitional(server)) {
                continue;
            }
            let fetched = events(client, name).await?;
            let known = self.seen.events.get(name);
            let baseline = first && known.is_none();
            let mut fresh: Vec<&ServerEvent> = fetched
                .iter()
                .filter(|e| !baseline && known.is_none_or(|k| !k.contains(&event_key(e))))
                .collect();
            fresh.sort_by_key(|e| e.created_at);
            changes.extend(
                fresh
                    .into_iter()
                    .map(|e| LiveEvent::from(OpsWorksCmEvent::ServerEvent(e.clone()))),
            );
            events_now.insert(
                name.clone(),
                fetched.iter().map(event_key).collect::<HashSet<_>>(),
            );
        }
        let mut settled = Vec::new();
        for association in watch.associations() {
            let status = association_status(client, &association).await?;
            let state = status.node_association_status;
            let name = state.map_or("", NodeAssociationStatus::as_str).to_owned();
            let done = matches!(
                state,
                Some(NodeAssociationStatus::Success | NodeAssociationStatus::Failed)
            );
            if let Some(state) = state
                && association.last_status.as_deref() != Some(name.as_str())
            {
                changes.push(LiveEvent::OpsWorksCm(OpsWorksCmEvent::NodeAssociation(
                    NodeAssociation {
                        server_name: association.server_name.clone(),
                        node_name: association.node_name.clone(),
                        node_association_status_token: association.token.clone(),
                        node_association_status: state,
                        engine_attributes: status.engine_attributes,
                        created_at: epoch(association.created_at),
                    },
                )));
            }
            let state = name;
            settled.push((association.token, state, done));
        }
        Ok(OpsWorksRound {
            changes,
            servers,
            backups,
            events: events_now,
            associations: settled,
        })
    }

    /// Takes `round` as seen (its changes are journaled); returns whether
    /// anything is in transition.
    pub(super) fn settle(&mut self, round: OpsWorksRound, watch: &Watch) -> bool {
        for (token, state, done) in round.associations {
            watch.update_association(&token, &state, done);
        }
        for (name, keys) in round.events {
            self.seen.events.entry(name).or_default().extend(keys);
        }
        let servers = round.servers;
        let backups = round.backups;
        self.seen
            .events
            .retain(|name, _| servers.contains_key(name));
        let busy = servers.values().any(is_transitional)
            || backups.values().any(|b| {
                b["Status"]
                    .as_str()
                    .and_then(shared::opsworkscm::BackupStatus::from_name)
                    .is_some_and(shared::opsworkscm::BackupStatus::is_transitional)
            })
            || !watch.associations().is_empty();
        self.seen.servers = servers;
        self.seen.backups = backups;
        self.seen.polls += 1;
        busy
    }

    /// Every OpsWorks CM item of a paginated Describe*, keyed by `key`.
    async fn list(
        &self,
        client: &UpstreamClient,
        operation: Operation,
        items: &str,
        key: &str,
    ) -> Result<BTreeMap<String, Value>, ServiceError> {
        let describe = Describe {
            call: Call::OpsWorksCm(operation),
            region: None,
            items,
            key,
        };
        describe.all(client).await
    }
}

/// A server's newest events (none once it is gone).
async fn events(
    client: &UpstreamClient,
    server_name: &str,
) -> Result<Vec<ServerEvent>, ServiceError> {
    let input = DescribeEventsRequest {
        server_name: ServerName::parse(server_name).map_err(refused)?,
        next_token: None,
        max_results: Some(MaxResults::parse(EVENTS_PER_POLL).map_err(refused)?),
    };
    match client.invoke::<ops::DescribeEvents>(None, &input).await {
        Ok(page) => Ok(page.server_events),
        // Deleted between the two calls.
        Err(err) if err.code_str() == "ResourceNotFoundException" => Ok(Vec::new()),
        Err(err) => Err(err),
    }
}

/// Where a followed association stands (FAILED once its server is gone).
async fn association_status(
    client: &UpstreamClient,
    association: &Association,
) -> Result<DescribeNodeAssociationStatusResponse, ServiceError> {
    let input = DescribeNodeAssociationStatusRequest {
        node_association_status_token: Text::parse(association.token.as_str()).map_err(refused)?,
        server_name: ServerName::parse(association.server_name.as_str()).map_err(refused)?,
    };
    match client
        .invoke::<ops::DescribeNodeAssociationStatus>(None, &input)
        .await
    {
        Ok(status) => Ok(status),
        // The server is gone: the association failed with it.
        Err(err) if err.code_str() == "ResourceNotFoundException" => {
            Ok(DescribeNodeAssociationStatusResponse {
                node_association_status: Some(NodeAssociationStatus::Failed),
                engine_attributes: Vec::new(),
            })
        }
        Err(err) => Err(err),
    }
}

/// The server events that turn `seen` into `listed`; returns the names of
/// the new or changed servers.
fn diff_servers(
    seen: &BTreeMap<String, Value>,
    listed: &BTreeMap<String, Value>,
    changes: &mut Vec<LiveEvent>,
) -> HashSet<String> {
    diff(
        seen,
        listed,
        changes,
        |server| typed(server, |s| OpsWorksCmEvent::Server(s).into()),
        |name, _| {
            OpsWorksCmEvent::ServerDeleted(ServerDeleted {
                server_name: name.to_owned(),
            })
            .into()
        },
    )
}

/// A name or token from upstream that this side's model refuses.
fn refused(err: shared::validation::ValidationError) -> ServiceError {
    ServiceError::validation(err.to_string())
}

/// A time in epoch seconds (fractions kept to the millisecond).
fn epoch(seconds: f64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis((seconds * 1000.0) as i64).unwrap_or_default()
}

fn is_transitional(server: &Value) -> bool {
    server["Status"]
        .as_str()
        .and_then(shared::opsworkscm::ServerStatus::from_name)
        .is_some_and(shared::opsworkscm::ServerStatus::is_transitional)
}

/// Events have no id: time and message tell them apart.
fn event_key(event: &ServerEvent) -> String {
    format!(
        "{}|{}",
        event.created_at.map_or(0, |t| t.timestamp_millis()),
        event.message.as_deref().unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use shared::events::EventKind;

    use super::*;

    #[test]
    fn diffs_report_new_changed_and_gone_servers() {
        let listing = |items: &[(&str, &str)]| -> BTreeMap<String, Value> {
            items
                .iter()
                .map(|(name, status)| {
                    (
                        (*name).to_owned(),
                        json!({"ServerName": name, "Status": status}),
                    )
                })
                .collect()
        };
        let old = listing(&[("a", "CREATING"), ("b", "HEALTHY")]);
        let new = listing(&[("a", "HEALTHY"), ("c", "CREATING")]);
        let mut changes = Vec::new();
        let changed = diff_servers(&old, &new, &mut changes);
        assert_eq!(changed, HashSet::from(["a".to_owned(), "c".to_owned()]));
        let kinds: Vec<EventKind> = changes.iter().map(LiveEvent::kind).collect();
        assert_eq!(
            kinds,
            [
                EventKind::Server,
                EventKind::Server,
                EventKind::ServerDeleted
            ]
        );
        assert_eq!(changes[2].to_value().unwrap(), json!({"ServerName": "b"}));
    }

    #[test]
    fn transitional_states_keep_the_poller_fast() {
        assert!(is_transitional(&json!({"Status": "CREATING"})));
        assert!(is_transitional(&json!({"Status": "UNDER_MAINTENANCE"})));
        assert!(!is_transitional(&json!({"Status": "HEALTHY"})));
        assert!(!is_transitional(&json!({})));
    }
}
