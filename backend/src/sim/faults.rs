//! The simulator's active faults and how they fire: make operations fail,
//! slow down, or make lifecycle steps end badly, scoped to an operation
//! and/or a server, a number of times or with a probability. What a fault
//! is, and the rule a request is checked against, live in
//! [`shared::sim_control::faults`].

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rand::Rng;
use shared::error::ErrorCode;
pub use shared::sim_control::faults::{Fault, FaultKind, FaultSpec};

use crate::error::ServiceError;

/// Most faults active at once: every request scans the list.
pub const MAX_FAULTS: usize = 100;

/// The active faults.
#[derive(Debug, Default)]
pub struct Faults {
    inner: Mutex<(u64, Vec<Fault>)>,
    /// How many faults are active, kept beside the list so that a call,
    /// in the common case of none, looks at no lock (shared by every
    /// worker thread) at all.
    active: AtomicUsize,
}

impl Faults {
    /// Checks and adds a fault.
    pub fn add(&self, spec: FaultSpec) -> Result<Fault, ServiceError> {
        spec.check().map_err(ServiceError::validation)?;
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.1.len() >= MAX_FAULTS {
            return Err(ServiceError::new(
                ErrorCode::LimitExceededException,
                format!("At most {MAX_FAULTS} faults can be active at once; remove some first."),
            ));
        }
        inner.0 += 1;
        let fault = Fault {
            id: inner.0,
            spec,
            fired: 0,
        };
        inner.1.push(fault.clone());
        self.counted(&inner.1);
        Ok(fault)
    }

    /// Every active fault.
    pub fn list(&self) -> Vec<Fault> {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .1
            .clone()
    }

    /// Removes fault `id`; false when there was none.
    pub fn remove(&self, id: u64) -> bool {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let before = inner.1.len();
        inner.1.retain(|f| f.id != id);
        self.counted(&inner.1);
        inner.1.len() != before
    }

    /// Removes every fault.
    pub fn clear(&self) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.1.clear();
        self.counted(&inner.1);
    }

    /// Notes the list's length after a change (made under its lock).
    fn counted(&self, list: &[Fault]) {
        self.active.store(list.len(), Ordering::Release);
    }

    /// Whether a fault waits for a health check.
    pub fn any_health_faults(&self) -> bool {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .1
            .iter()
            .any(|f| f.spec.kind.is_health())
    }

    /// Whether no fault is injected (the common case: a call then needs
    /// no further look at the list).
    pub fn is_empty(&self) -> bool {
        self.active.load(Ordering::Acquire) == 0
    }

    /// Whether any fault is scoped to a server (so requests must be read for it).
    pub fn any_server_scoped(&self) -> bool {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .1
            .iter()
            .any(|f| f.spec.server_name.is_some())
    }

    /// Fires the first fault that `wanted` accepts and whose scope matches
    /// `operation` and `server`, counting it down; returns what it does.
    pub fn fire(
        &self,
        wanted: impl Fn(&FaultKind) -> bool,
        operation: &str,
        server: Option<&str>,
    ) -> Option<FaultKind> {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let list = &mut inner.1;
        let index = list.iter().position(|f| {
            wanted(&f.spec.kind)
                && f.spec.operation.as_deref().is_none_or(|op| op == operation)
                && f.spec
                    .server_name
                    .as_deref()
                    .is_none_or(|s| Some(s) == server)
        })?;
        let fault = &mut list[index];
        if let Some(p) = fault.spec.probability
            && super::random::with(|rng| rng.random::<f64>()) >= p
        {
            return None;
        }
        fault.fired += 1;
        let kind = fault.spec.kind.clone();
        if fault.spec.count.is_some_and(|c| fault.fired >= c) {
            list.remove(index);
            self.counted(list);
        }
        Some(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(kind: FaultKind) -> FaultSpec {
        FaultSpec::new(kind)
    }

    #[test]
    fn counted_faults_fire_that_many_times_within_their_scope() {
        let faults = Faults::default();
        let mut s = spec(FaultKind::CreateFails { reason: None });
        s.count = Some(2);
        s.server_name = Some("a".into());
        faults.add(s).unwrap();
        let is_create = |k: &FaultKind| matches!(k, FaultKind::CreateFails { .. });
        assert!(
            faults.fire(is_create, "CreateServer", Some("b")).is_none(),
            "other server"
        );
        assert!(faults.fire(is_create, "CreateServer", Some("a")).is_some());
        assert!(faults.fire(is_create, "CreateServer", Some("a")).is_some());
        assert!(
            faults.fire(is_create, "CreateServer", Some("a")).is_none(),
            "used up"
        );
        assert!(faults.list().is_empty());
        assert!(faults.is_empty(), "a used-up fault is no longer counted");
    }

    #[test]
    fn is_empty_follows_every_change_to_the_list() {
        let faults = Faults::default();
        assert!(faults.is_empty());
        let id = faults
            .add(spec(FaultKind::Latency { millis: 1 }))
            .unwrap()
            .id;
        faults.add(spec(FaultKind::Latency { millis: 2 })).unwrap();
        assert!(!faults.is_empty());
        assert!(faults.remove(id));
        assert!(!faults.is_empty(), "one left");
        faults.clear();
        assert!(faults.is_empty());
    }

    #[test]
    fn bad_specs_are_refused() {
        let faults = Faults::default();
        let mut bad_p = spec(FaultKind::Latency { millis: 1 });
        bad_p.probability = Some(2.0);
        assert!(faults.add(bad_p).is_err());
        assert!(faults.list().is_empty());
    }

    #[test]
    fn probability_zero_never_fires_and_faults_can_be_removed() {
        let faults = Faults::default();
        let mut s = spec(FaultKind::Latency { millis: 5 });
        s.probability = Some(0.0);
        let id = faults.add(s).unwrap().id;
        let any = |_: &FaultKind| true;
        assert!((0..100).all(|_| faults.fire(any, "DescribeServers", None).is_none()));
        assert!(faults.remove(id));
        assert!(!faults.remove(id));
    }
}
