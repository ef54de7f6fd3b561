//! The routed pages, one module per service: [`opsworkscm`] (servers list,
//! create-server wizard, server details with its tabs: nodes, events,
//! settings with credentials and userdata, tags; backups of every server; the
//! account's limits) and [`cloudhsm`] (clusters and backups, per region),
//! plus the simulator panel and the sign-in page.

pub mod cloudhsm;
pub mod opsworkscm;
pub mod requests;
pub mod sign_in;
pub mod simulator;
