//! Injected faults as the control door takes and lists them: what a fault
//! does ([`FaultKind`]), where and how often ([`FaultSpec`]), and the rule
//! both the backend and the console's form check a request against
//! ([`FaultSpec::check`]).

use serde::{Deserialize, Serialize};

use super::bounds::{MAX_LATENCY_MILLIS, check_seconds, check_text};
use crate::error::ErrorCode;

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
    /// The next restore fails: the new instance is discarded and the server
    /// keeps its previous instance, configuration and state.
    #[serde(rename_all = "camelCase")]
    RestoreFails {
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

/// What a fault kind takes besides its server, count and probability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultInputs {
    /// An operation, an AWS error `code` and an optional `message`.
    Error,
    /// An operation and a delay in `millis`.
    Latency,
    /// An optional `reason`; it fires in its own lifecycle step, not per operation.
    Reason,
    /// An optional `reason` and `recoverAfterSeconds`; it fires at health checks.
    Health,
}

/// The inputs a fault kind may take, as a form gathers them: each kind
/// keeps those it takes ([`FaultKind::from_fields`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaultFields {
    /// AWS error code (`error`).
    pub code: Option<String>,
    /// Error message (`error`).
    pub message: Option<String>,
    /// Added delay (`latency`).
    pub millis: Option<u64>,
    /// Failure reason (the `*-fails` kinds) or StatusReason (health kinds).
    pub reason: Option<String>,
    /// Simulated seconds until a server recovers (health kinds).
    pub recover_after_seconds: Option<f64>,
}

/// A fault kind the simulator knows, for menus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaultKindInfo {
    /// The `kind` member.
    pub name: &'static str,
    /// What it does.
    pub summary: &'static str,
    /// Which inputs it takes.
    pub inputs: FaultInputs,
}

const fn info(name: &'static str, summary: &'static str, inputs: FaultInputs) -> FaultKindInfo {
    FaultKindInfo {
        name,
        summary,
        inputs,
    }
}

/// Every fault kind, in menu order.
pub const FAULT_KINDS: [FaultKindInfo; 9] = [
    info(
        "error",
        "the operation answers an AWS error",
        FaultInputs::Error,
    ),
    info(
        "latency",
        "the operation answers late",
        FaultInputs::Latency,
    ),
    info(
        "create-fails",
        "the next server creation ends FAILED",
        FaultInputs::Reason,
    ),
    info(
        "backup-fails",
        "the next backup ends FAILED",
        FaultInputs::Reason,
    ),
    info(
        "maintenance-fails",
        "the next maintenance ends FAILED",
        FaultInputs::Reason,
    ),
    info(
        "restore-fails",
        "the next restore fails; the server keeps its previous instance",
        FaultInputs::Reason,
    ),
    info(
        "node-association-fails",
        "the next node association ends FAILED",
        FaultInputs::Reason,
    ),
    info(
        "unhealthy",
        "a HEALTHY server goes UNHEALTHY at the next health check",
        FaultInputs::Health,
    ),
    info(
        "connection-lost",
        "a HEALTHY server goes CONNECTION_LOST at the next health check",
        FaultInputs::Health,
    ),
];

/// The inputs of the fault kind named `name` (`Reason` for an unknown one).
#[must_use]
pub fn fault_inputs(name: &str) -> FaultInputs {
    FAULT_KINDS
        .iter()
        .find(|k| k.name == name)
        .map_or(FaultInputs::Reason, |k| k.inputs)
}

impl FaultKind {
    /// The kind named `name` with the fields it takes from `fields`; `None`
    /// for an unknown name, or an error or latency fault without its code
    /// or delay.
    #[must_use]
    pub fn from_fields(name: &str, fields: FaultFields) -> Option<Self> {
        let FaultFields {
            code,
            message,
            millis,
            reason,
            recover_after_seconds,
        } = fields;
        Some(match name {
            "error" => Self::Error {
                code: code?,
                message,
            },
            "latency" => Self::Latency { millis: millis? },
            "create-fails" => Self::CreateFails { reason },
            "backup-fails" => Self::BackupFails { reason },
            "maintenance-fails" => Self::MaintenanceFails { reason },
            "restore-fails" => Self::RestoreFails { reason },
            "node-association-fails" => Self::NodeAssociationFails { reason },
            "unhealthy" => Self::Unhealthy {
                reason,
                recover_after_seconds,
            },
            "connection-lost" => Self::ConnectionLost {
                reason,
                recover_after_seconds,
            },
            _ => return None,
        })
    }

    /// The `kind` member.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::Error { .. } => "error",
            Self::Latency { .. } => "latency",
            Self::CreateFails { .. } => "create-fails",
            Self::BackupFails { .. } => "backup-fails",
            Self::MaintenanceFails { .. } => "maintenance-fails",
            Self::RestoreFails { .. } => "restore-fails",
            Self::NodeAssociationFails { .. } => "node-association-fails",
            Self::Unhealthy { .. } => "unhealthy",
            Self::ConnectionLost { .. } => "connection-lost",
        }
    }

    /// Which inputs it takes.
    #[must_use]
    pub fn inputs(&self) -> FaultInputs {
        fault_inputs(self.name())
    }

    /// Whether this fault acts at health checks.
    #[must_use]
    pub fn is_health(&self) -> bool {
        self.inputs() == FaultInputs::Health
    }

    /// Its reason, for the kinds that take one.
    #[must_use]
    pub fn reason(&self) -> Option<&str> {
        match self {
            Self::CreateFails { reason }
            | Self::BackupFails { reason }
            | Self::MaintenanceFails { reason }
            | Self::RestoreFails { reason }
            | Self::NodeAssociationFails { reason }
            | Self::Unhealthy { reason, .. }
            | Self::ConnectionLost { reason, .. } => reason.as_deref(),
            Self::Error { .. } | Self::Latency { .. } => None,
        }
    }

    /// Checks its code, numbers and texts.
    ///
    /// # Errors
    /// What is wrong, as a message for the client.
    pub fn check(&self) -> Result<(), String> {
        match self {
            Self::Error { code, .. } if ErrorCode::from_code(code).is_none() => {
                Err(format!("'{code}' is not a known AWS error code."))
            }
            Self::Error { message, .. } => check_text("message", message.as_deref()),
            Self::Latency { millis } if *millis > MAX_LATENCY_MILLIS => Err(format!(
                "millis must be at most {MAX_LATENCY_MILLIS} (one minute)."
            )),
            Self::Latency { .. } => Ok(()),
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
            other => check_text("reason", other.reason()),
        }
    }
}

/// A fault as requested (`POST /api/sim/faults`): what, where, how often.
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

impl FaultSpec {
    /// A fault of `kind` on any operation and server, always, until removed.
    #[must_use]
    pub fn new(kind: FaultKind) -> Self {
        Self {
            kind,
            operation: None,
            server_name: None,
            count: None,
            probability: None,
        }
    }

    /// Checks the request as the control door does before adding it.
    ///
    /// # Errors
    /// What is wrong, as a message for the client.
    pub fn check(&self) -> Result<(), String> {
        if let Some(op) = &self.operation
            && crate::opsworkscm::Operation::from_name(op).is_none()
            && crate::cloudhsmv2::Operation::from_name(op).is_none()
        {
            return Err(format!(
                "'{op}' is not an OpsWorks CM or CloudHSM v2 operation."
            ));
        }
        if self.count == Some(0) {
            return Err("count must be at least 1.".to_owned());
        }
        self.kind.check()?;
        if self.probability.is_some_and(|p| !(0.0..=1.0).contains(&p)) {
            return Err("probability must be between 0 and 1.".to_owned());
        }
        Ok(())
    }
}

/// An active fault (`GET /api/sim/faults`, and `POST`'s answer).
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

/// What `GET /api/sim/faults` answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultList {
    /// Every active fault, oldest first.
    pub faults: Vec<Fault>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_menu_kind_is_the_kind_it_names() {
        let fields = FaultFields {
            code: Some("ThrottlingException".to_owned()),
            millis: Some(5),
            ..FaultFields::default()
        };
        for info in FAULT_KINDS {
            let kind = FaultKind::from_fields(info.name, fields.clone()).unwrap();
            assert_eq!(kind.name(), info.name);
            assert_eq!(kind.inputs(), info.inputs);
            let json = serde_json::to_value(FaultSpec::new(kind)).unwrap();
            assert_eq!(json["kind"], info.name);
        }
        assert_eq!(FaultKind::from_fields("nope", fields), None);
    }

    #[test]
    fn kinds_keep_only_the_fields_they_take() {
        let fields = FaultFields {
            code: Some("ThrottlingException".to_owned()),
            reason: Some("disk full".to_owned()),
            recover_after_seconds: Some(300.0),
            ..FaultFields::default()
        };
        assert_eq!(
            FaultKind::from_fields("backup-fails", fields.clone()),
            Some(FaultKind::BackupFails {
                reason: Some("disk full".to_owned())
            })
        );
        assert_eq!(
            FaultKind::from_fields("latency", fields),
            None,
            "no delay given"
        );
    }

    #[test]
    fn faults_parse_with_null_members() {
        let list: FaultList = serde_json::from_str(
            r#"{"faults":[{"id":3,"kind":"create-fails","reason":"no subnet","operation":null,"serverName":"web-1","count":1,"probability":null,"fired":0}]}"#,
        )
        .unwrap();
        let fault = &list.faults[0];
        assert_eq!(fault.spec.server_name.as_deref(), Some("web-1"));
        assert_eq!(fault.spec.kind.reason(), Some("no subnet"));
    }

    #[test]
    fn bad_specs_are_refused_with_a_reason() {
        let bad_code = FaultSpec::new(FaultKind::Error {
            code: "Nope".into(),
            message: None,
        });
        assert!(bad_code.check().unwrap_err().contains("Nope"));
        let mut bad_op = FaultSpec::new(FaultKind::Latency { millis: 1 });
        bad_op.operation = Some("Nope".into());
        assert!(bad_op.check().is_err());
        let mut cloudhsm_op = FaultSpec::new(FaultKind::Latency { millis: 1 });
        cloudhsm_op.operation = Some("DescribeClusters".into());
        assert!(cloudhsm_op.check().is_ok());
        let mut bad_p = FaultSpec::new(FaultKind::Latency { millis: 1 });
        bad_p.probability = Some(2.0);
        assert!(bad_p.check().is_err());
        let mut zero = FaultSpec::new(FaultKind::Latency { millis: 1 });
        zero.count = Some(0);
        assert!(zero.check().is_err());
        let late = FaultSpec::new(FaultKind::Latency { millis: 60_001 });
        assert!(late.check().is_err());
        let long = FaultSpec::new(FaultKind::CreateFails {
            reason: Some("x".repeat(1025)),
        });
        assert!(long.check().is_err());
    }
}
