//! The routed pages: servers list, create-server wizard, server details,
//! backups of every server, the account's limits and the simulator panel.

pub mod account;
pub mod backups;
pub mod create_server;
pub mod server_details;
pub mod server_settings;
pub mod servers;
pub mod simulator;
