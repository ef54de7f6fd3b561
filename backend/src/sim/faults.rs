//! Injected faults: make operations fail, slow down, or make lifecycle steps
//! end badly, scoped to an operation and/or a server, a number of times or
//! with a probability. For testing automation against the hard cases.

use std::sync::Mutex;

use rand::Rng;
use serde::{Deserialize, Serialize};
use shared::error::ErrorCode;
use shared::opsworkscm::Operation;

use crate::error::ServiceError;

/// What a fault does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum FaultKind {
    /// The operation answers this AWS error instead of running.
    #[serde(rename_all = "camelCase")]
    Error {
        /// AWS error code, e.g. `ThrottlingException` or `InternalFailure` (HTTP 500).
        code: String,
        /// Message; a generic one when absent.
        message: Option<String>,
    },
    /// The operation answers this many milliseconds later.
    #[serde(rename_all = "camelCase")]
    Latency {
        /// Added delay.
        millis: u64,
    },
    /// The next server creation ends FAILED.
    #[serde(rename_all = "camelCase")]
    CreateFails {
        /// StatusReason of the failed server.
        reason: Option<String>,
    },
    /// The next backup ends FAILED.
    #[serde(rename_all = "camelCase")]
    BackupFails {
        /// StatusDescription of the failed backup.
        reason: Option<String>,
    },
    /// The next maintenance ends with MaintenanceStatus FAILED.
    #[serde(rename_all = "camelCase")]
    MaintenanceFails {
        /// Message of the server event.
        reason: Option<String>,
    },
    /// At the next health check (every simulated minute) a HEALTHY server
    /// goes UNHEALTHY.
    #[serde(rename_all = "camelCase")]
    Unhealthy {
        /// StatusReason; a JSON health-check block when absent.
        reason: Option<String>,
        /// Simulated seconds until it recovers; never when absent.
        recover_after_seconds: Option<f64>,
    },
    /// At the next health check a HEALTHY server goes CONNECTION_LOST.
    #[serde(rename_all = "camelCase")]
    ConnectionLost {
        /// StatusReason.
        reason: Option<String>,
        /// Simulated seconds until it recovers; never when absent.
        recover_after_seconds: Option<f64>,
    },
    /// The next node association ends FAILED.
    #[serde(rename_all = "camelCase")]
    NodeAssociationFails {
        /// Message of the server event.
        reason: Option<String>,
    },
}

impl FaultKind {
    /// Checks its numbers and texts against [`super::bounds`].
    ///
    /// # Errors
    /// What is out of bounds, as a message for the client.
    pub fn check_bounds(&self) -> Result<(), String> {
        use super::bounds::{MAX_LATENCY_MILLIS, check_seconds, check_text};
        match self {
            Self::Error { message, .. } => check_text("message", message.as_deref()),
            Self::Latency { millis } if *millis > MAX_LATENCY_MILLIS => Err(format!(
                "millis must be at most {MAX_LATENCY_MILLIS} (one minute)."
            )),
            Self::Latency { .. } => Ok(()),
            Self::CreateFails { reason }
            | Self::BackupFails { reason }
            | Self::MaintenanceFails { reason }
            | Self::NodeAssociationFails { reason } => check_text("reason", reason.as_deref()),
            Self::Unhealthy {
                reason,
                recover_after_seconds,
            }
            | Self::ConnectionLost {
                reason,
                recover_after_seconds,
            } => {
                check_text("reason", reason.as_deref())?;
                match recover_after_seconds {
                    Some(seconds) => check_seconds("recoverAfterSeconds", *seconds, false),
                    None => Ok(()),
                }
            }
        }
    }

    /// Whether this fault acts at health checks.
    pub fn is_health(&self) -> bool {
        matches!(self, Self::Unhealthy { .. } | Self::ConnectionLost { .. })
    }
}

/// A fault as requested: what, where, how often.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultSpec {
    /// What happens.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// Only this operation (e.g. `CreateServer`, or a CloudHSM v2 one such
    /// as `DescribeBackups`, which then fails in both services); any when absent.
    pub operation: Option<String>,
    /// Only this server; any when absent.
    pub server_name: Option<String>,
    /// How many times it fires before it is removed; unlimited when absent.
    pub count: Option<u32>,
    /// Chance of firing on each match (0 to 1); always when absent.
    pub probability: Option<f64>,
}

/// An active fault.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
    /// Identifier for removal.
    pub id: u64,
    /// The request.
    #[serde(flatten)]
    pub spec: FaultSpec,
    /// How many times it has fired.
    pub fired: u32,
}

/// Most faults active at once: every request scans the list.
pub const MAX_FAULTS: usize = 100;

/// The active faults.
#[derive(Debug, Default)]
pub struct Faults {
    inner: Mutex<(u64, Vec<Fault>)>,
}

impl Faults {
    /// Checks and adds a fault.
    pub fn add(&self, spec: FaultSpec) -> Result<Fault, ServiceError> {
        if let FaultKind::Error { code, .. } = &spec.kind
            && ErrorCode::from_code(code).is_none()
        {
            return Err(ServiceError::validation(format!(
                "'{code}' is not a known AWS error code."
            )));
        }
        if let Some(op) = &spec.operation
            && Operation::from_name(op).is_none()
            && shared::cloudhsmv2::Operation::from_name(op).is_none()
        {
            return Err(ServiceError::validation(format!(
                "'{op}' is not an OpsWorks CM or CloudHSM v2 operation."
            )));
        }
        if spec.count == Some(0) {
            return Err(ServiceError::validation("count must be at least 1."));
        }
        spec.kind.check_bounds().map_err(ServiceError::validation)?;
        if spec.probability.is_some_and(|p| !(0.0..=1.0).contains(&p)) {
            return Err(ServiceError::validation(
                "probability must be between 0 and 1.",
            ));
        }
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
        inner.1.len() != before
    }

    /// Removes every fault.
    pub fn clear(&self) {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .1
            .clear();
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
            && rand::rng().random::<f64>() >= p
        {
            return None;
        }
        fault.fired += 1;
        let kind = fault.spec.kind.clone();
        if fault.spec.count.is_some_and(|c| fault.fired >= c) {
            list.remove(index);
        }
        Some(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(kind: FaultKind) -> FaultSpec {
        FaultSpec {
            kind,
            operation: None,
            server_name: None,
            count: None,
            probability: None,
        }
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
    }

    #[test]
    fn bad_specs_are_refused() {
        let faults = Faults::default();
        let bad_code = spec(FaultKind::Error {
            code: "Nope".into(),
            message: None,
        });
        assert!(faults.add(bad_code).is_err());
        let mut bad_op = spec(FaultKind::Latency { millis: 1 });
        bad_op.operation = Some("Nope".into());
        assert!(faults.add(bad_op).is_err());
        let mut bad_p = spec(FaultKind::Latency { millis: 1 });
        bad_p.probability = Some(2.0);
        assert!(faults.add(bad_p).is_err());
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
