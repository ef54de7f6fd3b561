//! The command line of the `cmconsole` binary: its commands and flags, each
//! bounded and parsed here; [`crate::startup`] builds what they ask for.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::builder::{BoolishValueParser, RangedU64ValueParser};
use clap::{Args, Parser, Subcommand};

use crate::throttle::RateLimit;

/// Longest piece of a command-line value an error message repeats.
const ECHOED: usize = 64;

/// Ends the process for a command line `err` refused (or for `--help`
/// and `--version`), as clap does, but with any value longer than
/// [`ECHOED`] characters cut short in the message: a flag or variable
/// given a megabyte is named, not printed back whole.
pub fn exit_on(err: &clap::Error) -> ! {
    if !err.use_stderr() {
        err.exit(); // help or version, as written
    }
    eprint!("{}", shorten_long_words(&err.render().to_string(), ECHOED));
    std::process::exit(err.exit_code())
}

/// `text` with every run of more than `limit` non-blank characters cut
/// to its first `limit`, followed by how long it was.
fn shorten_long_words(text: &str, limit: usize) -> String {
    let mut out = String::with_capacity(text.len().min(4096));
    let mut rest = text;
    while !rest.is_empty() {
        let blank = rest
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(rest.len());
        out.push_str(&rest[..blank]);
        rest = &rest[blank..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..end];
        let chars = word.chars().count();
        if chars > limit {
            out.extend(word.chars().take(limit));
            out.push_str(&format!("... ({chars} characters)"));
        } else {
            out.push_str(word);
        }
        rest = &rest[end..];
    }
    out
}
use crate::upstream::Endpoint;

/// cmconsole: a local AWS OpsWorks CM simulator and web console.
#[derive(Debug, Parser)]
#[command(name = "cmconsole", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
#[allow(
    clippy::large_enum_variant,
    reason = "parsed once at start; boxing would only add noise"
)]
pub enum Command {
    /// Serve the console, the AWS wire protocol and the live event stream.
    Serve(ServeArgs),
    /// Export or import the state of a running cmconsole (simulator mode).
    State(StateArgs),
}

/// Flags of `cmconsole state`.
#[derive(Debug, Clone, Args)]
pub struct StateArgs {
    /// Export or import.
    #[command(subcommand)]
    pub command: StateCommand,
    /// The running cmconsole.
    #[arg(
        long,
        global = true,
        default_value = "http://127.0.0.1:8080",
        env = "CMCONSOLE_ENDPOINT"
    )]
    pub endpoint: String,
    /// Only this service (`opsworks-cm` or `cloudhsmv2`).
    #[arg(long, global = true, env = "CMCONSOLE_STATE_SERVICE")]
    pub service: Option<String>,
    /// Only this region.
    #[arg(long, global = true, env = "CMCONSOLE_STATE_REGION")]
    pub region: Option<String>,
    /// File whose first line is the console token, for an instance that
    /// asks for a session; `CMCONSOLE_TOKEN` may hold the token instead.
    #[arg(long, global = true, env = "CMCONSOLE_TOKEN_FILE")]
    pub token_file: Option<PathBuf>,
}

/// `cmconsole state` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum StateCommand {
    /// Write the state (a versioned JSON snapshot) to FILE (`-`: standard output).
    Export {
        /// Where to write.
        file: PathBuf,
    },
    /// Load the snapshot in FILE (`-`: standard input), replacing the
    /// state of the services it holds.
    Import {
        /// What to read.
        file: PathBuf,
        /// Keep what is there; records with the same id are replaced.
        #[arg(long)]
        merge: bool,
    },
}

/// Flags of `cmconsole serve`. Each may also be given as the environment
/// variable `--help` names beside it (`CMCONSOLE_` and the flag in upper
/// case: `CMCONSOLE_LISTEN=127.0.0.1:0`); a flag wins over its variable.
/// Switches take `true`/`false` (or `1`/`0`, `yes`/`no`); repeatable flags
/// take a comma-separated list.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "CMCONSOLE_LISTEN")]
    pub listen: SocketAddr,
    /// Directory of the database (default: the platform data directory).
    #[arg(long, env = "CMCONSOLE_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Keep everything in memory; nothing survives a restart.
    #[arg(long, env = "CMCONSOLE_IN_MEMORY", value_parser = BoolishValueParser::new())]
    pub in_memory: bool,
    /// Keep the state in PostgreSQL instead of SQLite
    /// (`postgres://user:password@host:5432/database`; `sslmode=require` for
    /// TLS). Its schema is created or migrated at start.
    #[arg(long, value_parser = DatabaseUrl::new, env = "CMCONSOLE_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<DatabaseUrl>,
    /// With `--database-url`: the URL the other instances on the database
    /// reach this one at, to forward writes while it leads
    /// (default: `http://` and the listen address, `127.0.0.1` for an
    /// unspecified one).
    #[arg(long, value_parser = parse_advertise_url, env = "CMCONSOLE_ADVERTISE_URL")]
    pub advertise_url: Option<String>,
    /// Time factor for simulated durations (60 makes a 60 s transition take 1 s).
    #[arg(long, value_parser = parse_speed, env = "CMCONSOLE_SPEED")]
    pub speed: Option<f64>,
    /// Region in ARNs, endpoints and `/api/config`.
    #[arg(long, default_value = "us-east-1", value_parser = parse_region, env = "CMCONSOLE_REGION")]
    pub region: String,
    /// Twelve-digit account id in ARNs.
    #[arg(long, default_value = "123456789012", value_parser = parse_account, env = "CMCONSOLE_ACCOUNT_ID")]
    pub account_id: String,
    /// Directory of the built console, for console development (default:
    /// the console built into a release binary, else `frontend/dist`).
    #[arg(long, env = "CMCONSOLE_UI_DIR")]
    pub ui_dir: Option<PathBuf>,
    /// Maximum number of servers (ServerLimit), 1-1000000.
    #[arg(long, default_value_t = 10, value_parser = count_up_to(1_000_000), env = "CMCONSOLE_SERVER_LIMIT")]
    pub server_limit: usize,
    /// Maximum number of manual backups (ManualBackupLimit), 1-1000000.
    #[arg(long, default_value_t = 50, value_parser = count_up_to(1_000_000), env = "CMCONSOLE_MANUAL_BACKUP_LIMIT")]
    pub manual_backup_limit: usize,
    /// CloudHSM quota: clusters per region (the documented default is 4).
    #[arg(long, default_value_t = 4, value_parser = count_up_to(1_000_000), env = "CMCONSOLE_HSM_CLUSTER_LIMIT")]
    pub hsm_cluster_limit: usize,
    /// CloudHSM quota: HSMs per region (the documented default is 6).
    #[arg(long, default_value_t = 6, value_parser = count_up_to(1_000_000), env = "CMCONSOLE_HSM_LIMIT")]
    pub hsm_limit: usize,
    /// CloudHSM backups a region may hold before CopyBackupToRegion into it
    /// is refused with CloudHsmResourceLimitExceededException.
    #[arg(long, default_value_t = 1_000, value_parser = count_up_to(1_000_000), env = "CMCONSOLE_HSM_BACKUP_LIMIT")]
    pub hsm_backup_limit: usize,
    /// Wire-door rate limit per account: `RPS/BURST`, `RPS`, or `0` for none.
    #[arg(long, default_value = "5/10", env = "CMCONSOLE_RATE_LIMIT")]
    pub rate_limit: RateLimit,
    /// JSON file with a list of faults to inject from the start (the bodies
    /// `POST /api/sim/faults` takes).
    #[arg(long, env = "CMCONSOLE_FAULTS_FILE")]
    pub faults_file: Option<PathBuf>,
    /// A directory of scripts to run, in name order, once the server is
    /// ready (its executable files; `AWS_ENDPOINT_URL`, credentials and the
    /// region are in their environment). Their outcome is at `/api/init`.
    #[arg(long, env = "CMCONSOLE_INIT_DIR")]
    pub init_dir: Option<PathBuf>,
    /// Seed every random choice of the simulator (ids, ARNs, endpoints,
    /// default windows, passwords, keys, request ids), so the same calls
    /// give the same answers; `POST /api/sim/seed` changes it later.
    #[arg(long, env = "CMCONSOLE_SEED")]
    pub seed: Option<u64>,
    /// A state snapshot (`cmconsole state export` output) to load at start,
    /// replacing the state of the services it holds.
    #[arg(long, env = "CMCONSOLE_LOAD_STATE")]
    pub load_state: Option<PathBuf>,
    /// Fill an empty account with demo Chef and Puppet servers at start.
    #[arg(long, env = "CMCONSOLE_SEED_DEMO", value_parser = BoolishValueParser::new())]
    pub seed_demo: bool,
    /// Forward every call to this AWS-compatible endpoint instead of the
    /// simulator: an `http(s)://` URL, or `aws` for the service's regional
    /// AWS endpoint. Credentials come from the standard AWS chain.
    #[arg(long, value_parser = Endpoint::parse, env = "CMCONSOLE_UPSTREAM")]
    pub upstream: Option<Endpoint>,
    /// The shared-config profile whose credentials sign upstream calls.
    #[arg(long, requires = "upstream", env = "CMCONSOLE_PROFILE")]
    pub profile: Option<String>,
    /// Client-side rate limit of upstream calls: `RPS/BURST`, `RPS`, or `0`.
    #[arg(
        long,
        default_value = "5/1",
        requires = "upstream",
        env = "CMCONSOLE_UPSTREAM_RATE"
    )]
    pub upstream_rate: RateLimit,
    /// Seconds between upstream polls while something is in transition.
    #[arg(long, default_value_t = 2.0, value_parser = parse_poll_seconds, requires = "upstream", env = "CMCONSOLE_POLL_FAST")]
    pub poll_fast: f64,
    /// Seconds between upstream polls when everything is settled.
    #[arg(long, default_value_t = 30.0, value_parser = parse_poll_seconds, requires = "upstream", env = "CMCONSOLE_POLL_SLOW")]
    pub poll_slow: f64,
    /// Check SigV4 signatures on the wire door, as AWS does, against the
    /// `--access-key-id`/`--secret-access-key` pairs (a pair is generated
    /// and printed when none is given). Always on in upstream mode and on a
    /// non-loopback `--listen`.
    #[arg(long, env = "CMCONSOLE_REQUIRE_SIGV4", value_parser = BoolishValueParser::new())]
    pub require_sigv4: bool,
    /// An access key id clients sign wire-door calls with (repeatable;
    /// pairs with the `--secret-access-key` in the same position). Giving
    /// one turns SigV4 checking on.
    #[arg(
        long = "access-key-id",
        requires = "secret_access_key",
        env = "CMCONSOLE_ACCESS_KEY_ID",
        value_delimiter = ','
    )]
    pub access_key_id: Vec<String>,
    /// The secret of the `--access-key-id` in the same position.
    #[arg(
        long = "secret-access-key",
        requires = "access_key_id",
        env = "CMCONSOLE_SECRET_ACCESS_KEY",
        value_delimiter = ',',
        hide_env_values = true
    )]
    pub secret_access_key: Vec<String>,
    /// Make the console ask for a session even in simulator mode on
    /// loopback (always on in upstream mode and on a non-loopback `--listen`).
    #[arg(long, env = "CMCONSOLE_REQUIRE_SESSION", value_parser = BoolishValueParser::new())]
    pub require_session: bool,
    /// File whose first line is the console token (at least 16 of
    /// `A-Z a-z 0-9 - _ . ~`); `CMCONSOLE_TOKEN` may hold it instead.
    /// Without either, a random token is made at each start. Giving one
    /// turns the session on.
    #[arg(long, env = "CMCONSOLE_TOKEN_FILE")]
    pub token_file: Option<PathBuf>,
    /// Another origin whose pages may call `/api/` (repeatable), e.g.
    /// `http://127.0.0.1:8081` for `trunk serve`.
    #[arg(long = "allow-origin", value_parser = parse_allowed_origin, env = "CMCONSOLE_ALLOW_ORIGIN", value_delimiter = ',')]
    pub allow_origin: Vec<crate::security::same_origin::OriginParts>,
    /// Another host name requests may address besides loopback names and
    /// the listen address (repeatable), e.g. the machine's DNS name.
    #[arg(long = "allowed-host", value_parser = parse_host_name, env = "CMCONSOLE_ALLOWED_HOST", value_delimiter = ',')]
    pub allowed_host: Vec<String>,
    /// Connections served at once (1-65536); one more is answered 503
    /// ServiceUnavailable with Retry-After.
    #[arg(long, default_value_t = crate::serving::DEFAULT_MAX_CONNECTIONS, value_parser = count_up_to(65_536), env = "CMCONSOLE_MAX_CONNECTIONS")]
    pub max_connections: usize,
    /// Live event streams (`/api/events`) open at once (1-100000); one more
    /// is answered 503 ServiceUnavailable with Retry-After.
    #[arg(long, default_value_t = crate::http::live::DEFAULT_MAX_STREAMS, value_parser = count_up_to(100_000), env = "CMCONSOLE_MAX_EVENT_STREAMS")]
    pub max_event_streams: usize,
    /// Seconds a client has to send a request's headers, and that an idle
    /// keep-alive connection stays open (0.1-300).
    #[arg(long, default_value_t = crate::serving::DEFAULT_HEADER_TIMEOUT_SECONDS, value_parser = parse_header_timeout, env = "CMCONSOLE_HEADER_TIMEOUT")]
    pub header_timeout: f64,
}

impl ServeArgs {
    /// Flags that cannot go together. Checked after parsing rather than by
    /// clap, which would count a switch set to `false` in the environment
    /// as given.
    ///
    /// # Errors
    /// A sentence naming the two flags.
    pub fn check_conflicts(&self) -> Result<(), String> {
        let conflicts = [
            (
                self.in_memory && self.data_dir.is_some(),
                "--in-memory",
                "--data-dir",
            ),
            (
                self.database_url.is_some() && self.in_memory,
                "--database-url",
                "--in-memory",
            ),
            (
                self.database_url.is_some() && self.data_dir.is_some(),
                "--database-url",
                "--data-dir",
            ),
            (
                self.upstream.is_some() && self.seed_demo,
                "--upstream",
                "--seed-demo",
            ),
            (
                self.upstream.is_some() && self.faults_file.is_some(),
                "--upstream",
                "--faults-file",
            ),
            (
                self.upstream.is_some() && self.load_state.is_some(),
                "--upstream",
                "--load-state",
            ),
            (
                self.upstream.is_some() && self.seed.is_some(),
                "--upstream",
                "--seed",
            ),
        ];
        match conflicts.into_iter().find(|(both, _, _)| *both) {
            Some((_, a, b)) => Err(format!("the argument '{a}' cannot be used with '{b}'")),
            None => Ok(()),
        }
    }
}

/// A count from 1 to `max`.
fn count_up_to(max: u64) -> RangedU64ValueParser<usize> {
    RangedU64ValueParser::new().range(1..=max)
}

/// `--database-url` as given: it may hold a password, so it is never
/// printed (not by `Debug`, not in an error, which clap would make
/// repeat the value: it is checked by [`DatabaseUrl::config`] instead).
#[derive(Clone)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    fn new(s: &str) -> Result<Self, std::convert::Infallible> {
        Ok(Self(s.to_owned()))
    }

    /// The connection settings: a `postgres://` (or `postgresql://`) URL or
    /// a `key=value` connection string naming a host.
    ///
    /// # Errors
    /// A sentence that does not repeat the URL.
    pub fn config(&self) -> Result<tokio_postgres::Config, String> {
        let config: tokio_postgres::Config = self
            .0
            .parse()
            .map_err(|err| format!("--database-url is not a PostgreSQL connection URL ({err})"))?;
        if config.get_hosts().is_empty() && config.get_hostaddrs().is_empty() {
            return Err(
                "--database-url names no host (postgres://user:password@host:5432/database)".into(),
            );
        }
        Ok(config)
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DatabaseUrl(..)")
    }
}

fn parse_header_timeout(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("not a number: {s}"))?;
    if (0.1..=300.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{s} is outside 0.1-300 seconds"))
    }
}

fn parse_region(s: &str) -> Result<String, String> {
    if crate::upstream::partition::is_region(s) {
        Ok(s.to_owned())
    } else {
        Err(format!(
            "'{s}' is not an AWS region name (like us-east-1, cn-north-1 or us-gov-west-1)"
        ))
    }
}

fn parse_allowed_origin(s: &str) -> Result<crate::security::same_origin::OriginParts, String> {
    crate::security::same_origin::parse_origin(s)
        .ok_or_else(|| format!("'{s}' is not an origin like http://127.0.0.1:8081"))
}

fn parse_host_name(s: &str) -> Result<String, String> {
    let ok = !s.is_empty()
        && s.len() <= 253
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b':' | b'[' | b']'));
    ok.then(|| s.to_ascii_lowercase())
        .ok_or_else(|| format!("'{s}' is not a host name"))
}

fn parse_speed(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("'{s}' is not a number"))?;
    crate::sim::bounds::check_speed(v).map(|()| v)
}

/// Seconds between upstream polls: from 50 ms to an hour.
fn parse_poll_seconds(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("'{s}' is not a number"))?;
    if v.is_finite() && (0.05..=3600.0).contains(&v) {
        Ok(v)
    } else {
        Err("the poll interval must be from 0.05 to 3600 seconds".into())
    }
}

fn parse_account(s: &str) -> Result<String, String> {
    if s.len() == 12 && s.chars().all(|c| c.is_ascii_digit()) {
        Ok(s.to_owned())
    } else {
        Err("the account id must be twelve digits".into())
    }
}

/// An `http://host:port` URL other instances can reach this one at.
fn parse_advertise_url(text: &str) -> Result<String, String> {
    let uri: http::Uri = text.parse().map_err(|_| format!("'{text}' is not a URL"))?;
    if uri.scheme_str() != Some("http") || uri.host().is_none() {
        return Err(format!(
            "'{text}' is not an http://host:port URL (instances talk plain HTTP to each other)"
        ));
    }
    if uri.path() != "/" && !uri.path().is_empty() {
        return Err(format!(
            "'{text}' has a path; give scheme, host and port only"
        ));
    }
    Ok(text.trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_words_are_cut_and_their_length_said_while_the_rest_stays() {
        let long = "x".repeat(1000);
        let message =
            format!("error: invalid value '{long}' for '--region <REGION>'\n\n  tip: see --help\n");
        let shown = shorten_long_words(&message, 10);
        assert_eq!(
            shown,
            "error: invalid value 'xxxxxxxxx... (1002 characters) for '--region <REGION>'\n\n  tip: see --help\n"
        );
        assert_eq!(shorten_long_words("a  b\n", 10), "a  b\n");
        let wide = "é".repeat(20);
        assert_eq!(
            shorten_long_words(&wide, 5),
            "ééééé... (20 characters)",
            "cut on characters, not bytes"
        );
    }
}
