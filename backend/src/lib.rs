//! cmconsole backend: AWS OpsWorks CM and CloudHSM v2, simulated or proxied
//! to a real endpoint, behind four doors (see ARCHITECTURE.md).
//!
//! - [`wire`]: `POST /`, AWS JSON 1.1 for real SDKs and the CLI;
//! - [`api`]: `POST /api/<service>/<Operation>` for the browser console;
//! - [`sim_api`]: `/api/sim/...`, the simulator's clock, faults and account;
//! - [`events`]: `GET /api/events`, the live server-sent event stream.
//!
//! [`serving`] accepts connections within limits; [`security`] decides who
//! may call each door before any handler runs (hosts, same-origin rules, the
//! console session); [`logging`] keeps secrets out of the log.
//!
//! The doors reach one [`target::Target`]: the [`sim::Simulator`], which
//! keeps its state durable in a [`store::Store`] and reads time from an
//! injected [`clock::Clock`], or the signing proxy in [`upstream`].

// Each operation's handler names the concrete type it answers with; callers
// rely only on the table's `impl Encodes<Output>` (see `shared::operation`).
#![allow(refining_impl_trait)]

pub mod api;
pub mod app;
pub mod cli;
pub mod clock;
pub mod error;
pub mod errors_layer;
pub mod events;
pub mod logging;
pub mod protocol;
pub mod security;
pub mod serving;
pub mod sigv4;
pub mod sim;
pub mod sim_api;
pub mod store;
pub mod supervise;
pub mod target;
pub mod throttle;
pub mod upstream;
pub mod wire;
