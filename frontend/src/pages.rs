//! The routed pages: servers list, create-server wizard, server details,
//! backups of every server and the account's limits.

pub mod account;
pub mod backups;
pub mod create_server;
pub mod server_details;
pub mod servers;
