//! `cargo xtask`: the project's automation, std only so it builds in seconds.
//!
//! - `cargo xtask run [-- SERVE ARGS]`: build the UI and the backend, then run
//!   `cmconsole serve` on the embedded simulator.
//! - `cargo xtask test`: every gate CI runs (fmt, clippy, tests, UI build, e2e).
//! - `cargo xtask bench [-- SERVE ARGS]`: cold start, idle RSS, read and write
//!   throughput of the release backend on loopback (informational).
//! - `cargo xtask torture [crash|live|fuzz|overload] [--short]`: kill -9
//!   under load, follow the event stream across kills, fuzz both doors,
//!   overload; prints figures and fails on a lost write or a panic.
//! - `cargo xtask conformance`: every operation and documented error through
//!   aws-sdk-rust, boto3 and the AWS CLI; rewrites the README's table.
//! - `cargo xtask ui`: only build the console (release) into `frontend/dist`.
//! - `cargo xtask postgres -- COMMAND...`: run COMMAND beside a throwaway
//!   PostgreSQL server (how the PostgreSQL tests run by hand).
//! - `cargo xtask tools`: only install the missing tools.
//!
//! Missing tools (wasm32 target, trunk, wasm-split, wasm-bindgen, wasm-opt, Chromium) are
//! installed first, each skipped when already present at the pinned version.

mod bench;
mod harness;
mod postgres;
mod run;
mod test;
mod tools;
mod torture;
mod ui;

use std::fmt;
use std::process::ExitCode;

/// A failure of an xtask command, already worded for the user.
#[derive(Debug)]
pub(crate) struct Error(String);

impl Error {
    pub(crate) fn new(msg: impl Into<String>) -> Self {
        Self(msg.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        Self(err.to_string())
    }
}

/// Result of an xtask step.
pub(crate) type Result<T = ()> = std::result::Result<T, Error>;

const USAGE: &str = "\
usage: cargo xtask <command> [-- args]

commands:
  run   [-- SERVE ARGS]  build the UI and backend (release), then run
                         `cmconsole serve SERVE ARGS` (the console is built in)
  test                   fmt, clippy (native + wasm32), cargo test, UI build,
                         release backend, short torture runs, Playwright e2e,
                         real clients; stops at the first failure
  conformance            run the conformance matrix (aws-sdk-rust, boto3,
                         AWS CLI) and rewrite the README's table from it
  ui                     build the console only (release, split into chunks,
                         precompressed) into frontend/dist
  bench [--against moto] [-- SERVE ARGS]
                         cold start, idle RSS, read/write throughput; the
                         same at 10, 1,000 and 100,000 resources on SQLite
                         and PostgreSQL with follower lag; the wire door
                         against a bare axum handler (and moto)
                         (informational)
  torture [SCENARIO] [--short]
                         crash, live stream, fuzz and overload scenarios
                         against the release backend (see the README's
                         reliability section); prints figures
  postgres -- COMMAND...  run COMMAND with a throwaway PostgreSQL server
                         named by CMCONSOLE_TEST_DATABASE_URL, e.g.
                         `cargo xtask postgres -- cargo test -p backend`
  tools                  install the missing tools only
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest = args.get(1..).unwrap_or_default();
    let result = match args.first().map(String::as_str) {
        Some("run") => run::run(strip_separator(rest)),
        Some("test") => test::test(strip_separator(rest)),
        Some("conformance") => test::conformance(strip_separator(rest)),
        Some("bench") => match rest {
            [flag, against, rest @ ..] if flag == "--against" && against == "moto" => {
                bench::bench(strip_separator(rest), true)
            }
            [flag, ..] if flag == "--against" => Err(Error::new(
                "`--against` takes `moto` (the only other emulator compared)",
            )),
            _ => bench::bench(strip_separator(rest), false),
        },
        Some("torture") => torture::torture(strip_separator(rest)),
        Some("ui") => tools::ensure(tools::Needs::Ui).and_then(|()| ui::build_release()),
        Some("tools") => tools::ensure(tools::Needs::All),
        Some("postgres") => postgres::with_server(strip_separator(rest)),
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            Ok(())
        }
        None => {
            eprint!("{USAGE}");
            Err(Error::new("no command given"))
        }
        Some(other) => {
            eprint!("{USAGE}");
            Err(Error::new(format!("unknown command `{other}`")))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: error: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Drops one leading `--`, so `cargo xtask run -- --speed 10` and
/// `cargo xtask run --speed 10` mean the same.
fn strip_separator(args: &[String]) -> &[String] {
    match args.first() {
        Some(first) if first == "--" => &args[1..],
        _ => args,
    }
}
