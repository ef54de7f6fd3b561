//! The routed pages: servers list, create-server wizard, server details
//! (with its tabs: nodes, events, settings with credentials and userdata,
//! tags), backups of every server, the account's limits, the simulator panel
//! and the CloudHSM section (clusters and backups, per region).

pub mod account;
pub mod backups;
pub mod cloudhsm;
pub mod create_server;
pub mod server_credentials;
pub mod server_details;
pub mod server_events;
pub mod server_nodes;
pub mod server_settings;
pub mod server_userdata;
pub mod servers;
pub mod sign_in;
pub mod simulator;
