//! cmconsole backend: AWS OpsWorks CM and CloudHSM v2, simulated or proxied
//! to a real endpoint, behind the doors of [`http`] (see ARCHITECTURE.md):
//! the wire door for SDKs and the CLI, the console door, the simulator
//! controls and the live event stream.
//!
//! [`serving`] accepts connections within limits; [`security`] decides who
//! may call each door (hosts, same-origin rules, the console session),
//! checked by [`http::guard`] before any handler runs; [`logging`] keeps
//! secrets out of the log. [`cli`] reads the flags and [`startup`] builds
//! what they ask for.
//!
//! The doors reach one [`target::Target`]: the [`sim::Simulator`], which
//! keeps its state durable in a [`store::Store`] and reads time from an
//! injected [`clock::Clock`], or the signing proxy in [`upstream`].
//! Instances sharing a PostgreSQL database elect a leader, and the others
//! follow it ([`cluster`]).

// Each operation's handler names the concrete type it answers with; callers
// rely only on the table's `impl Encodes<Output>` (see `shared::operation`).
#![allow(refining_impl_trait)]

pub mod aws_json;
pub mod cli;
pub mod clock;
pub mod cluster;
pub mod error;
pub mod http;
pub mod init_hooks;
pub mod logging;
pub mod security;
pub mod serving;
pub mod sigv4;
pub mod sim;
pub mod startup;
pub mod state_file;
pub mod store;
pub mod supervise;
pub mod target;
pub mod throttle;
pub mod upstream;
