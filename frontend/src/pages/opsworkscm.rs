//! The OpsWorks CM pages: servers list, create-server wizard, server
//! details (with its tabs: nodes, events, settings with credentials and
//! userdata, tags), backups of every server and the account's limits.

pub mod account;
pub mod backups;
pub mod create_server;
pub mod delete_server_dialog;
pub mod maintenance_dialog;
pub mod resource_tags;
pub mod server_backups;
pub mod server_credentials;
pub mod server_details;
pub mod server_events;
pub mod server_nodes;
pub mod server_settings;
pub mod server_userdata;
pub mod servers;
