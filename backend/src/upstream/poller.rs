//! Live updates in upstream mode: a poller lists OpsWorks CM servers,
//! backups, recent events and watched node associations, and CloudHSM v2
//! clusters and backups in every region the console has used
//! ([`cloudhsm`]), diffs them with what it saw last and journals the
//! differences, so the browser's event stream behaves as in simulator mode.
//! It polls fast while anything is in transition and slowly once all is
//! settled, and at once after a change made through the console or the wire
//! door. The two services are polled independently: one failing does not
//! stop the other's updates.

mod cloudhsm;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use shared::events::{
    BackupDeleted, JournalEntry, LiveEvent, NodeAssociation, OpsWorksCmEvent, ServerDeleted,
};
use shared::opsworkscm::{
    DescribeEventsRequest, DescribeNodeAssociationStatusRequest,
    DescribeNodeAssociationStatusResponse, MaxResults, NodeAssociationStatus, Operation,
    ServerEvent, ServerName, Text, ops,
};
use tokio::sync::Notify;

use super::client::UpstreamClient;
use crate::error::ServiceError;
use crate::store::{Batch, Store};
use crate::target::Call;

/// Events read per server and poll (newest first).
const EVENTS_PER_POLL: i64 = 50;
/// Every this many polls, events are read for settled servers too.
const EVENT_SWEEP_EVERY: u64 = 5;
/// Most pages read from one paginated Describe (a guard against a
/// NextToken that never ends).
const MAX_PAGES: usize = 1000;

/// How often to poll.
#[derive(Debug, Clone, Copy)]
pub struct PollIntervals {
    /// While something is in transition.
    pub fast: Duration,
    /// When everything is settled.
    pub slow: Duration,
}

impl Default for PollIntervals {
    fn default() -> Self {
        Self {
            fast: Duration::from_secs(2),
            slow: Duration::from_secs(30),
        }
    }
}

/// A node association or disassociation whose status is being followed.
#[derive(Debug, Clone)]
struct Association {
    server_name: String,
    node_name: String,
    token: String,
    created_at: f64,
    last_status: Option<String>,
}

/// What the doors tell the poller: poll now, follow this association, and
/// watch CloudHSM in this region.
#[derive(Debug, Default)]
pub struct Watch {
    kick: Notify,
    associations: Mutex<Vec<Association>>,
    hsm_regions: Mutex<cloudhsm::Regions>,
}

impl Watch {
    /// Something changed upstream: poll soon.
    pub fn kick(&self) {
        self.kick.notify_one();
    }

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

/// The poller; [`Poller::spawn`] runs it until the process ends.
pub struct Poller {
    client: Arc<UpstreamClient>,
    store: Arc<dyn Store>,
    watch: Arc<Watch>,
    intervals: PollIntervals,
    seen: Seen,
    hsm: cloudhsm::HsmPoller,
    next_id: u64,
    /// Batches committed so far (each its own store generation).
    commits: u64,
}

impl Poller {
    /// A poller journaling into `store` after its newest entry; it watches
    /// CloudHSM in the client's region from the start.
    ///
    /// # Errors
    /// When the store cannot say where its journal ends.
    pub async fn new(
        client: Arc<UpstreamClient>,
        store: Arc<dyn Store>,
        watch: Arc<Watch>,
        intervals: PollIntervals,
    ) -> Result<Self, crate::store::StoreError> {
        let (_, newest) = store.journal_bounds().await?;
        watch.follow_cloudhsm_region(client.region(), false);
        Ok(Self {
            hsm: cloudhsm::HsmPoller::new(intervals.slow),
            client,
            store,
            watch,
            intervals,
            seen: Seen::default(),
            next_id: newest + 1,
            commits: 0,
        })
    }

    /// Runs the poll loop in the background.
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        let poller = std::sync::Arc::new(tokio::sync::Mutex::new(self));
        crate::supervise::supervise("upstream poller", move || {
            let poller = std::sync::Arc::clone(&poller);
            async move { poller.lock().await.poll_forever().await }
        })
    }

    async fn poll_forever(&mut self) {
        loop {
            let busy = match self.poll_once().await {
                Ok(busy) => busy,
                Err(err) => {
                    tracing::warn!(error = %err, "polling the upstream failed");
                    true
                }
            };
            let wait = if busy {
                self.intervals.fast
            } else {
                self.intervals.slow
            };
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = self.watch.kick.notified() => {}
            }
        }
    }

    /// One poll of both services: list, diff, journal. Returns whether
    /// anything is in transition.
    ///
    /// The first poll records what exists without journaling it (CloudHSM)
    /// or journals it as it is (OpsWorks CM servers and backups; events are
    /// history and are not replayed).
    ///
    /// # Errors
    /// When OpsWorks CM or the store fails; that service's changes are not
    /// journaled then. A CloudHSM region that fails is logged and listed
    /// again next time.
    pub async fn poll_once(&mut self) -> Result<bool, ServiceError> {
        let mut round = self.hsm.poll(&self.client, &self.watch).await;
        let journaled = self.journal(std::mem::take(&mut round.changes)).await;
        self.hsm.settle(round, &self.watch, journaled.is_ok());
        let opsworks_busy = self.poll_opsworks().await;
        journaled?;
        Ok(opsworks_busy? || self.hsm.busy())
    }

    /// The OpsWorks CM half of a poll.
    async fn poll_opsworks(&mut self) -> Result<bool, ServiceError> {
        let first = self.seen.polls == 0;
        let servers = self
            .list(Operation::DescribeServers, "Servers", "ServerName")
            .await?;
        let backups = self
            .list(Operation::DescribeBackups, "Backups", "BackupId")
            .await?;
        let mut changes: Vec<LiveEvent> = Vec::new();
        let changed_servers = diff(
            &self.seen.servers,
            &servers,
            &mut changes,
            |server| typed(server, |s| OpsWorksCmEvent::Server(s).into()),
            |name, _| {
                OpsWorksCmEvent::ServerDeleted(ServerDeleted {
                    server_name: name.to_owned(),
                })
                .into()
            },
        );
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
            let fetched = self.events(name).await?;
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
        for association in self.watch.associations() {
            let status = self.association_status(&association).await?;
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
        self.journal(changes).await?;
        // Only once the journal has them are the changes "seen".
        for (token, state, done) in settled {
            self.watch.update_association(&token, &state, done);
        }
        for (name, keys) in events_now {
            self.seen.events.entry(name).or_default().extend(keys);
        }
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
            || !self.watch.associations().is_empty();
        self.seen.servers = servers;
        self.seen.backups = backups;
        self.seen.polls += 1;
        Ok(busy)
    }

    async fn journal(&mut self, changes: Vec<LiveEvent>) -> Result<(), ServiceError> {
        if changes.is_empty() {
            return Ok(());
        }
        // Each batch waits for the answer to the one before, so none is
        // built on a failed one: every batch is a generation of its own.
        self.commits += 1;
        let mut batch = Batch {
            generation: self.commits,
            ..Batch::default()
        };
        let mut id = self.next_id;
        for event in &changes {
            let entry = JournalEntry::new(id, event).map_err(|err| ServiceError::internal(&err))?;
            batch.journal.push(entry);
            id += 1;
        }
        self.store.commit(batch).await?;
        self.next_id = id;
        Ok(())
    }

    /// Every OpsWorks CM item of a paginated Describe*, keyed by `key`.
    async fn list(
        &self,
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
        describe.all(&self.client).await
    }

    async fn events(&self, server_name: &str) -> Result<Vec<ServerEvent>, ServiceError> {
        let input = DescribeEventsRequest {
            server_name: ServerName::parse(server_name).map_err(refused)?,
            next_token: None,
            max_results: Some(MaxResults::parse(EVENTS_PER_POLL).map_err(refused)?),
        };
        match self
            .client
            .invoke::<ops::DescribeEvents>(None, &input)
            .await
        {
            Ok(page) => Ok(page.server_events),
            // Deleted between the two calls.
            Err(err) if err.code_str() == "ResourceNotFoundException" => Ok(Vec::new()),
            Err(err) => Err(err),
        }
    }

    async fn association_status(
        &self,
        association: &Association,
    ) -> Result<DescribeNodeAssociationStatusResponse, ServiceError> {
        let input = DescribeNodeAssociationStatusRequest {
            node_association_status_token: Text::parse(association.token.as_str())
                .map_err(refused)?,
            server_name: ServerName::parse(association.server_name.as_str()).map_err(refused)?,
        };
        match self
            .client
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
}

/// One paginated Describe* call: where, what, and which member holds the
/// items and their ids.
struct Describe<'a> {
    call: Call,
    region: Option<&'a str>,
    items: &'a str,
    key: &'a str,
}

impl Describe<'_> {
    /// Every item of every page, keyed by `key`.
    async fn all(&self, client: &UpstreamClient) -> Result<BTreeMap<String, Value>, ServiceError> {
        let mut out = BTreeMap::new();
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let body = match &token {
                Some(t) => json!({"NextToken": t}),
                None => json!({}),
            };
            let answer = client
                .call(self.call, self.region, body.to_string().as_bytes())
                .await?;
            let page: Value =
                serde_json::from_slice(&answer).map_err(|err| ServiceError::internal(&err))?;
            for item in page[self.items].as_array().into_iter().flatten() {
                if let Some(id) = item[self.key].as_str() {
                    out.insert(id.to_owned(), item.clone());
                }
            }
            match page["NextToken"].as_str() {
                Some(next) if !next.is_empty() => token = Some(next.to_owned()),
                _ => return Ok(out),
            }
        }
        Err(ServiceError::internal(&format!(
            "{} returned more than {MAX_PAGES} pages",
            self.call.name()
        )))
    }
}

/// Appends the event `changed` makes of every new or changed item and the
/// one `gone` makes of every item that disappeared; returns the new or
/// changed keys.
fn diff(
    old: &BTreeMap<String, Value>,
    new: &BTreeMap<String, Value>,
    changes: &mut Vec<LiveEvent>,
    changed_event: impl Fn(&Value) -> Option<LiveEvent>,
    gone: impl Fn(&str, &Value) -> LiveEvent,
) -> HashSet<String> {
    let mut changed = HashSet::new();
    for (key, item) in new {
        if old.get(key) != Some(item) {
            changes.extend(changed_event(item));
            changed.insert(key.clone());
        }
    }
    for (key, item) in old {
        if !new.contains_key(key) {
            changes.push(gone(key, item));
        }
    }
    changed
}

/// A name or token from upstream that this side's model refuses.
fn refused(err: shared::validation::ValidationError) -> ServiceError {
    ServiceError::validation(err.to_string())
}

/// The event `wrap` makes of an upstream item, typed as the console reads
/// it; an item that does not have the model's shape is logged and left out.
pub(super) fn typed<T: DeserializeOwned>(
    item: &Value,
    wrap: fn(T) -> LiveEvent,
) -> Option<LiveEvent> {
    match T::deserialize(item) {
        Ok(payload) => Some(wrap(payload)),
        Err(err) => {
            tracing::warn!(error = %err, "an upstream item does not have the model's shape");
            None
        }
    }
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
    use shared::events::EventKind;

    use super::*;

    #[test]
    fn diffs_report_new_changed_and_gone_items() {
        let old: BTreeMap<String, Value> = [
            (
                "a".to_owned(),
                json!({"ServerName": "a", "Status": "CREATING"}),
            ),
            (
                "b".to_owned(),
                json!({"ServerName": "b", "Status": "HEALTHY"}),
            ),
        ]
        .into();
        let new: BTreeMap<String, Value> = [
            (
                "a".to_owned(),
                json!({"ServerName": "a", "Status": "HEALTHY"}),
            ),
            (
                "c".to_owned(),
                json!({"ServerName": "c", "Status": "CREATING"}),
            ),
        ]
        .into();
        let mut changes = Vec::new();
        let changed = diff(
            &old,
            &new,
            &mut changes,
            |server| typed(server, |s| OpsWorksCmEvent::Server(s).into()),
            |name, _| {
                OpsWorksCmEvent::ServerDeleted(ServerDeleted {
                    server_name: name.to_owned(),
                })
                .into()
            },
        );
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
