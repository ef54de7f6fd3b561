//! Live updates in upstream mode: a poller lists OpsWorks CM servers,
//! backups, recent events and watched node associations ([`opsworkscm`]),
//! and CloudHSM v2
//! clusters and backups in every region the console has used
//! ([`cloudhsm`]), diffs them with what it saw last and journals the
//! differences, so the browser's event stream behaves as in simulator mode.
//! It polls fast while anything is in transition and slowly once all is
//! settled, and at once after a change made through the console or the wire
//! door. The two services are polled independently: one failing does not
//! stop the other's updates.

mod cloudhsm;
mod opsworkscm;

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use shared::console::{ServiceHealth, ServiceStatus};
use shared::events::{JournalEntry, LiveEvent};
use shared::service::Service;
use tokio::sync::Notify;

use super::client::UpstreamClient;
use crate::error::ServiceError;
use crate::store::{Batch, Store};
use crate::target::Call;

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

/// What the doors tell the poller: poll now, follow this association, and
/// watch CloudHSM in this region.
#[derive(Debug, Default)]
pub struct Watch {
    kick: Notify,
    /// What the last poll of each service found (none before the first).
    outcomes: Mutex<BTreeMap<Service, ServiceHealth>>,
    associations: Mutex<Vec<opsworkscm::Association>>,
    hsm_regions: Mutex<cloudhsm::Regions>,
}

impl Watch {
    /// Something changed upstream: poll soon.
    pub fn kick(&self) {
        self.kick.notify_one();
    }

    /// How each service's last poll went; `starting` before its first.
    pub fn health(&self) -> Vec<(Service, ServiceHealth)> {
        let outcomes = self.outcomes.lock().unwrap_or_else(|e| e.into_inner());
        Service::ALL
            .into_iter()
            .map(|service| {
                let health = outcomes.get(&service).cloned().unwrap_or(ServiceHealth {
                    status: ServiceStatus::Starting,
                    detail: None,
                });
                (service, health)
            })
            .collect()
    }

    /// Records how a poll of `service` went.
    fn record(&self, service: Service, outcome: Result<(), String>) {
        let health = match outcome {
            Ok(()) => ServiceHealth {
                status: ServiceStatus::Reachable,
                detail: None,
            },
            Err(detail) => ServiceHealth {
                status: ServiceStatus::Failing,
                detail: Some(detail),
            },
        };
        self.outcomes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(service, health);
    }
}

/// The poller; [`Poller::spawn`] runs it until the process ends.
pub struct Poller {
    client: Arc<UpstreamClient>,
    store: Arc<dyn Store>,
    watch: Arc<Watch>,
    intervals: PollIntervals,
    opsworks: opsworkscm::OpsWorksPoller,
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
            opsworks: opsworkscm::OpsWorksPoller::default(),
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
        if let Some(outcome) = round.outcome() {
            self.watch.record(Service::CloudHsmV2, outcome);
        }
        let journaled = self.journal(std::mem::take(&mut round.changes)).await;
        self.hsm.settle(round, &self.watch, journaled.is_ok());
        let opsworks_busy = self.poll_opsworks().await;
        self.watch.record(
            Service::OpsWorksCm,
            opsworks_busy
                .as_ref()
                .map(|_| ())
                .map_err(|err| err.message.clone()),
        );
        journaled?;
        Ok(opsworks_busy? || self.hsm.busy())
    }

    /// The OpsWorks CM half of a poll: list and diff, journal, then take
    /// what was listed as seen.
    async fn poll_opsworks(&mut self) -> Result<bool, ServiceError> {
        let mut round = self.opsworks.poll(&self.client, &self.watch).await?;
        self.journal(std::mem::take(&mut round.changes)).await?;
        Ok(self.opsworks.settle(round, &self.watch))
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

/// The event `wrap` makes of an upstream item, typed as the console reads
/// it; an item that does not have the model's shape is logged and left out.
fn typed<T: DeserializeOwned>(item: &Value, wrap: fn(T) -> LiveEvent) -> Option<LiveEvent> {
    match T::deserialize(item) {
        Ok(payload) => Some(wrap(payload)),
        Err(err) => {
            tracing::warn!(error = %err, "an upstream item does not have the model's shape");
            None
        }
    }
}
