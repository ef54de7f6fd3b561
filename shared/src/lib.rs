//! Types shared by the cmconsole backend and the browser console.
//!
//! This crate is the serde-only boundary between the simulator and the WASM
//! console: wire models of the AWS OpsWorks CM API (`opsworkscm`) and of the
//! AWS CloudHSM v2 API (`cloudhsmv2`, with its own validators), the validating
//! newtypes for OpsWorks CM's constrained members (`validation`), error codes
//! and the console's error envelope (`error`), the epoch-seconds timestamp
//! format (`time`), the live event stream payloads (`events`), the two
//! services (`service`) and the typed operation table machinery (`operation`).

mod wire_enum;

pub mod cloudhsmv2;
pub mod console;
pub mod error;
pub mod events;
pub mod operation;
pub mod opsworkscm;
pub mod requests;
pub mod service;
pub mod sim_control;
pub mod time;
pub mod validation;
