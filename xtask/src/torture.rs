//! `cargo xtask torture`: does anything a client sends, a crash or a crowd
//! lose data or stop the service? Four scenarios against the release
//! binary, each printing figures (never timed assertions):
//!
//! - `crash`: hundreds of clients write to both services through the wire
//!   door while the server is killed with SIGKILL and restarted, several
//!   times; then every acknowledged write must be there and every transition
//!   in flight must finish.
//! - `live`: a client follows `/api/events` over thousands of events,
//!   reconnecting with `Last-Event-ID` at random points and across a kill;
//!   it must miss nothing and see nothing twice.
//! - `fuzz`: valid requests to every operation of both services on both
//!   doors, mutated field by field; no panic, no 5xx, still alive.
//! - `overload`: a thousand busy connections, slowloris sockets and
//!   thousands of event streams while a probe times `/api/health` and
//!   DescribeServers.
//!
//! `crash`, `live` and `fuzz` fail the command when their zero figures are
//! not zero; `cargo xtask test` runs their short versions.

mod crash;
mod fuzz;
mod live;
mod overload;

use std::time::Duration;

use crate::harness::Scratch;
use crate::tools;
use crate::{Error, Result};

/// How hard and how long each scenario runs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scale {
    /// Concurrent writers (crash).
    pub(crate) writers: usize,
    /// SIGKILLs (crash, live).
    pub(crate) kills: usize,
    /// Events to follow (live).
    pub(crate) events: usize,
    /// How long to fuzz.
    pub(crate) fuzz_time: Duration,
    /// How long to overload.
    pub(crate) overload_time: Duration,
}

impl Scale {
    /// The figures the issue asks for.
    const FULL: Self = Self {
        writers: 200,
        kills: 5,
        events: 10_000,
        fuzz_time: Duration::from_secs(600),
        overload_time: Duration::from_secs(30),
    };
    /// Small enough for every `cargo xtask test`.
    const SHORT: Self = Self {
        writers: 40,
        kills: 2,
        events: 1_500,
        fuzz_time: Duration::from_secs(20),
        overload_time: Duration::from_secs(5),
    };
}

const USAGE: &str = "\
usage: cargo xtask torture [crash|live|fuzz|overload|all] [--short] [--fuzz-seconds N]

  all (default)     every scenario, one after the other
  --short           the small versions `cargo xtask test` runs
  --fuzz-seconds N  how long to fuzz (default 600, 20 with --short)
";

/// Parses the arguments, builds the release backend and runs the scenarios.
pub(crate) fn torture(extra: &[String]) -> Result {
    let mut scenarios: Vec<&str> = Vec::new();
    let mut scale = Scale::FULL;
    let mut fuzz_seconds = None;
    let mut args = extra.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "crash" | "live" | "fuzz" | "overload" => scenarios.push(arg),
            "all" => scenarios.extend(["crash", "live", "fuzz", "overload"]),
            "--short" => scale = Scale::SHORT,
            "--fuzz-seconds" => {
                let value = args.next().and_then(|v| v.parse::<u64>().ok());
                fuzz_seconds =
                    Some(value.filter(|v| (1..=86_400).contains(v)).ok_or_else(|| {
                        Error::new(format!("--fuzz-seconds takes 1-86400\n{USAGE}"))
                    })?);
            }
            other => return Err(Error::new(format!("unknown argument `{other}`\n{USAGE}"))),
        }
    }
    if let Some(seconds) = fuzz_seconds {
        scale.fuzz_time = Duration::from_secs(seconds);
    }
    if scenarios.is_empty() {
        scenarios.extend(["crash", "live", "fuzz", "overload"]);
    }
    tools::run(&mut tools::build_backend())?;
    let binary = tools::backend_binary();
    let mut failures = Vec::new();
    for scenario in scenarios {
        println!("\n== torture: {scenario}");
        let scratch = Scratch::new(&format!("torture-{scenario}"))?;
        let outcome = match scenario {
            "crash" => crash::run(&binary, &scratch, scale),
            "live" => live::run(&binary, &scratch, scale),
            "fuzz" => fuzz::run(&binary, &scratch, scale),
            _ => overload::run(&binary, &scratch, scale),
        };
        if let Err(err) = outcome {
            println!("!! {scenario}: {err}");
            failures.push(format!("{scenario}: {err}"));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(Error::new(failures.join("\n")))
    }
}

/// A small, fast pseudo-random generator (xorshift64*), seeded differently
/// in every run.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    /// Seeded from the process's random hash keys and `salt`.
    pub(crate) fn new(salt: u64) -> Self {
        use std::hash::{BuildHasher, Hasher};
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(salt);
        Self(hasher.finish() | 1)
    }

    /// The next 64 random bits.
    pub(crate) fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n` > 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A duration between `low` and `high`.
    pub(crate) fn between(&mut self, low: Duration, high: Duration) -> Duration {
        let span = high.saturating_sub(low).as_millis().max(1) as u64;
        low + Duration::from_millis(self.next() % span)
    }

    /// One of `items`.
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A zero figure the scenario promises, checked at its end.
pub(crate) fn expect_zero(what: &str, value: usize) -> Result {
    if value == 0 {
        Ok(())
    } else {
        Err(Error::new(format!("{what}: {value}, expected 0")))
    }
}

/// The flags every scenario that stores its state starts the backend with:
/// that state under `data`, simulated time 600 times faster than real, no
/// throttling; `more` after them.
pub(crate) fn stored_fast_args<'a>(data: &'a str, more: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["--data-dir", data, "--speed", "600", "--rate-limit", "0"];
    args.extend_from_slice(more);
    args
}
