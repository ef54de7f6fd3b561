//! cmconsole backend: the AWS OpsWorks CM simulator behind three doors.
//!
//! - [`wire`]: `POST /`, AWS JSON 1.1 for real SDKs and the CLI;
//! - [`api`]: `POST /api/<service>/<Operation>` for the browser console;
//! - [`events`]: `GET /api/events`, the live server-sent event stream.
//!
//! [`security`] decides who may call each door before any handler runs
//! (hosts, same-origin rules, the console session); [`logging`] keeps
//! secrets out of the log.
//!
//! All three reach one [`target::Target`]: the [`sim::Simulator`], which
//! keeps its state durable in a [`store::Store`] and reads time from an
//! injected [`clock::Clock`].

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
