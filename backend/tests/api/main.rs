//! Integration tests: the real server on 127.0.0.1:0, driven by the real
//! `aws-sdk-opsworkscm` client and by raw HTTP, with a manual clock.

mod binary;
mod databases;
mod helpers;

mod account_and_tags;
mod adoption;
mod architecture;
mod backups;
mod clock_jumps;
mod cloudhsm;
mod cloudhsm_backups;
mod cloudhsm_policies;
mod cluster;
mod conformance;
mod faults;
mod limits;
mod nodes;
mod observability;
mod persistence;
mod postgres;
mod restore;
mod seed;
mod server_states;
mod servers;
mod sigv4;
mod sim_control;
mod sse;
mod state;
mod store_contract;
mod store_failure;
mod throttling;
mod trust_boundary;
mod upstream;
mod userdata;
mod wire_format;
