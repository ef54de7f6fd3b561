//! The embedded AWS OpsWorks CM simulator (`OpsWorksCM_V2016_11_01`):
//! Chef Automate and Puppet Enterprise servers, their backups, events,
//! engine attributes and node associations, with the account's limits.
//!
//! Each operation is an `impl Handles<ops::Name> for OpsWorksCm` in the
//! module of its resource; [`lifecycle`] completes what they start when it
//! falls due. Records share the simulator's state, store, journal and
//! scheduler with CloudHSM v2.

mod account;
pub(crate) mod artifacts;
pub(crate) mod backup_table;
mod backups;
pub(crate) mod durations;
pub(crate) mod health;
pub(crate) mod lifecycle;
pub(crate) mod naming;
mod nodes;
pub(crate) mod records;
mod restore;
mod server_updates;
pub(crate) mod servers;
mod tags;
mod userdata_export;

use shared::opsworkscm::{Operation, dispatch};

use super::Simulator;
use super::service::service_handler;
use crate::error::ServiceError;
use crate::target::RequestContext;

/// OpsWorks CM's account limits.
#[derive(Debug, Clone)]
pub struct Quotas {
    /// Maximum number of servers (ServerLimit).
    pub server_limit: usize,
    /// Maximum number of manual backups (ManualBackupLimit).
    pub manual_backup_limit: usize,
    /// Maximum number of user tags per resource.
    pub tag_limit: usize,
}

impl Default for Quotas {
    fn default() -> Self {
        Self {
            server_limit: 10,
            manual_backup_limit: 50,
            tag_limit: 50,
        }
    }
}

service_handler! {
    /// The simulator's OpsWorks CM service: the handler of its 19 operations.
    OpsWorksCm, RequestContext
}

impl Simulator {
    /// The OpsWorks CM service of this simulator.
    #[must_use]
    pub fn opsworkscm(&self) -> OpsWorksCm<'_> {
        OpsWorksCm(self)
    }
}

impl OpsWorksCm<'_> {
    /// Executes one OpsWorks CM operation: injected faults first, then the
    /// operation's handler.
    ///
    /// # Errors
    /// The operation's error in OpsWorks CM's terms.
    pub async fn serve(
        &self,
        ctx: &RequestContext,
        op: Operation,
        body: &[u8],
    ) -> Result<Vec<u8>, ServiceError> {
        self.injected_request_faults(op.as_str(), body).await?;
        dispatch(self, ctx, op, body).await
    }
}
