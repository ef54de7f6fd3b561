//! The one shape both services give their asynchronous work: a step that
//! completes when the simulated clock reaches `due`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A step of a resource (`action`, its service's enum) that completes when
/// the clock reaches `due`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Pending<A> {
    /// When the step completes.
    #[serde(with = "shared::time::epoch_seconds")]
    pub(crate) due: DateTime<Utc>,
    /// The step.
    pub(crate) action: A,
}
