//! Command-line interface of the `cmconsole` binary.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use tokio::net::TcpListener;

mod protections;

use std::time::Duration;

pub use protections::{Protections, TOKEN_ENV};

use crate::app::{AppState, Settings, app};

use crate::clock::{Clock, SimClock, SystemClock};
use crate::sim::{SimConfig, Simulator};
use crate::store::{SqliteStore, Store};
use crate::target::Target;
use crate::throttle::{RateLimit, TokenBucket};
use crate::upstream::{
    ClientSettings, CredentialSource, Endpoint, PollIntervals, Poller, UpstreamClient,
    UpstreamTarget, Watch,
};

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
pub enum Command {
    /// Serve the console, the AWS wire protocol and the live event stream.
    Serve(ServeArgs),
}

/// Flags of `cmconsole serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Directory of the database (default: the platform data directory).
    #[arg(long, conflicts_with = "in_memory")]
    pub data_dir: Option<PathBuf>,
    /// Keep everything in memory; nothing survives a restart.
    #[arg(long)]
    pub in_memory: bool,
    /// Time factor for simulated durations (60 makes a 60 s transition take 1 s).
    #[arg(long, value_parser = parse_speed)]
    pub speed: Option<f64>,
    /// Region in ARNs, endpoints and `/api/config`.
    #[arg(long, default_value = "us-east-1", value_parser = parse_region)]
    pub region: String,
    /// Twelve-digit account id in ARNs.
    #[arg(long, default_value = "123456789012", value_parser = parse_account)]
    pub account_id: String,
    /// Directory of the built console.
    #[arg(long, default_value = "frontend/dist")]
    pub ui_dir: PathBuf,
    /// Maximum number of servers (ServerLimit), 1-1000000.
    #[arg(long, default_value_t = 10, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1_000_000))]
    pub server_limit: usize,
    /// Maximum number of manual backups (ManualBackupLimit), 1-1000000.
    #[arg(long, default_value_t = 50, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1_000_000))]
    pub manual_backup_limit: usize,
    /// CloudHSM quota: clusters per region (the documented default is 4).
    #[arg(long, default_value_t = 4, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1_000_000))]
    pub hsm_cluster_limit: usize,
    /// CloudHSM quota: HSMs per region (the documented default is 6).
    #[arg(long, default_value_t = 6, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1_000_000))]
    pub hsm_limit: usize,
    /// CloudHSM backups a region may hold before CopyBackupToRegion into it
    /// is refused with CloudHsmResourceLimitExceededException.
    #[arg(long, default_value_t = 1_000, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1_000_000))]
    pub hsm_backup_limit: usize,
    /// Wire-door rate limit per account: `RPS/BURST`, `RPS`, or `0` for none.
    #[arg(long, default_value = "5/10")]
    pub rate_limit: RateLimit,
    /// JSON file with a list of faults to inject from the start (the bodies
    /// `POST /api/sim/faults` takes).
    #[arg(long)]
    pub faults_file: Option<PathBuf>,
    /// Fill an empty account with demo Chef and Puppet servers at start.
    #[arg(long)]
    pub seed_demo: bool,
    /// Forward every call to this AWS-compatible endpoint instead of the
    /// simulator: an `http(s)://` URL, or `aws` for the service's regional
    /// AWS endpoint. Credentials come from the standard AWS chain.
    #[arg(long, value_parser = Endpoint::parse, conflicts_with_all = ["seed_demo", "faults_file"])]
    pub upstream: Option<Endpoint>,
    /// The shared-config profile whose credentials sign upstream calls.
    #[arg(long, requires = "upstream")]
    pub profile: Option<String>,
    /// Client-side rate limit of upstream calls: `RPS/BURST`, `RPS`, or `0`.
    #[arg(long, default_value = "5/1", requires = "upstream")]
    pub upstream_rate: RateLimit,
    /// Seconds between upstream polls while something is in transition.
    #[arg(long, default_value_t = 2.0, value_parser = parse_poll_seconds, requires = "upstream")]
    pub poll_fast: f64,
    /// Seconds between upstream polls when everything is settled.
    #[arg(long, default_value_t = 30.0, value_parser = parse_poll_seconds, requires = "upstream")]
    pub poll_slow: f64,
    /// Check SigV4 signatures on the wire door, as AWS does, against the
    /// `--access-key-id`/`--secret-access-key` pairs (a pair is generated
    /// and printed when none is given). Always on in upstream mode and on a
    /// non-loopback `--listen`.
    #[arg(long)]
    pub require_sigv4: bool,
    /// An access key id clients sign wire-door calls with (repeatable;
    /// pairs with the `--secret-access-key` in the same position). Giving
    /// one turns SigV4 checking on.
    #[arg(long = "access-key-id", requires = "secret_access_key")]
    pub access_key_id: Vec<String>,
    /// The secret of the `--access-key-id` in the same position.
    #[arg(long = "secret-access-key", requires = "access_key_id")]
    pub secret_access_key: Vec<String>,
    /// Make the console ask for a session even in simulator mode on
    /// loopback (always on in upstream mode and on a non-loopback `--listen`).
    #[arg(long)]
    pub require_session: bool,
    /// File whose first line is the console token (at least 16 of
    /// `A-Z a-z 0-9 - _ . ~`); `CMCONSOLE_TOKEN` may hold it instead.
    /// Without either, a random token is made at each start. Giving one
    /// turns the session on.
    #[arg(long, env = "CMCONSOLE_TOKEN_FILE")]
    pub token_file: Option<PathBuf>,
    /// Another origin whose pages may call `/api/` (repeatable), e.g.
    /// `http://127.0.0.1:8081` for `trunk serve`.
    #[arg(long = "allow-origin", value_parser = parse_allowed_origin)]
    pub allow_origin: Vec<crate::security::same_origin::OriginParts>,
    /// Another host name requests may address besides loopback names and
    /// the listen address (repeatable), e.g. the machine's DNS name.
    #[arg(long = "allowed-host", value_parser = parse_host_name)]
    pub allowed_host: Vec<String>,
    /// Connections served at once (1-65536); one more is answered 503
    /// ServiceUnavailable with Retry-After.
    #[arg(long, default_value_t = crate::serving::DEFAULT_MAX_CONNECTIONS, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=65536))]
    pub max_connections: usize,
    /// Live event streams (`/api/events`) open at once (1-100000); one more
    /// is answered 503 ServiceUnavailable with Retry-After.
    #[arg(long, default_value_t = crate::events::DEFAULT_MAX_STREAMS, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=100_000))]
    pub max_event_streams: usize,
    /// Seconds a client has to send a request's headers, and that an idle
    /// keep-alive connection stays open (0.1-300).
    #[arg(long, default_value_t = crate::serving::DEFAULT_HEADER_TIMEOUT_SECONDS, value_parser = parse_header_timeout)]
    pub header_timeout: f64,
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

/// Errors that stop the server from starting.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The data directory could not be created.
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// No data directory could be determined.
    #[error("no platform data directory; pass --data-dir or --in-memory")]
    NoDataDir,
    /// The store failed to open.
    #[error("cannot open the store: {0}")]
    Store(#[from] crate::store::StoreError),
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The faults file could not be used.
    #[error("cannot load faults from {path}: {reason}")]
    Faults {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// Seeding the demo account failed.
    #[error("cannot seed the demo account: {0}")]
    Seed(crate::error::ServiceError),
    /// Upstream mode found no AWS credential chain.
    #[error("no AWS credential provider is configured")]
    NoCredentials,
    /// The SigV4 access keys are not in pairs, or reuse the real ones.
    #[error("wire-door keys: {0}")]
    Keys(String),
    /// The console token could not be read or is not acceptable.
    #[error("console token: {0}")]
    Token(String),
    /// Serving failed.
    #[error("server error: {0}")]
    Serve(std::io::Error),
}

/// Opens the store the flags ask for.
pub fn open_store(args: &ServeArgs) -> Result<Arc<dyn Store>, StartError> {
    if args.in_memory {
        return Ok(Arc::new(SqliteStore::in_memory()?));
    }
    let dir = match &args.data_dir {
        Some(dir) => dir.clone(),
        None => dirs::data_dir()
            .ok_or(StartError::NoDataDir)?
            .join("cmconsole"),
    };
    create_private_dir(&dir).map_err(|source| StartError::DataDir {
        path: dir.clone(),
        source,
    })?;
    Ok(Arc::new(SqliteStore::open(&dir.join("cmconsole.sqlite3"))?))
}

/// Creates `dir` (and missing parents) readable by its owner only: it
/// holds simulated CA keys and the NextToken key.
fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// What the doors talk to, the journal behind the live door, and the
/// simulator's controls (none upstream).
type Backing = (Arc<dyn Target>, Arc<dyn Store>, Option<Arc<Simulator>>);

/// The simulator, its store and its scheduler.
async fn simulator(args: &ServeArgs) -> Result<Backing, StartError> {
    let store = open_store(args)?;
    let config = SimConfig {
        region: args.region.clone(),
        account_id: args.account_id.clone(),
        speed: args.speed,
        server_limit: args.server_limit,
        manual_backup_limit: args.manual_backup_limit,
        hsm_cluster_limit: args.hsm_cluster_limit,
        hsm_limit: args.hsm_limit,
        hsm_backup_limit: args.hsm_backup_limit,
        ..SimConfig::default()
    };
    let sim = Simulator::open(Arc::clone(&store), Arc::new(SimClock::new()), config).await?;
    if let Some(path) = &args.faults_file {
        let text = std::fs::read_to_string(path).map_err(|source| StartError::Faults {
            path: path.clone(),
            reason: source.to_string(),
        })?;
        let specs: Vec<crate::sim::faults::FaultSpec> =
            serde_json::from_str(&text).map_err(|e| StartError::Faults {
                path: path.clone(),
                reason: e.to_string(),
            })?;
        for spec in specs {
            sim.add_fault(spec).map_err(|e| StartError::Faults {
                path: path.clone(),
                reason: e.message,
            })?;
        }
    }
    if args.seed_demo && sim.server_count() == 0 {
        sim.seed_demo().await.map_err(StartError::Seed)?;
    }
    sim.spawn_scheduler();
    Ok((sim.clone(), store, Some(sim)))
}

/// The signing proxy to `endpoint` and its poller, journaling in memory
/// (the truth lives upstream; a restart starts a fresh journal and browsers
/// reload their snapshot).
async fn upstream(
    args: &ServeArgs,
    endpoint: &Endpoint,
    local_key_ids: &[&str],
) -> Result<Backing, StartError> {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory()?);
    let wall: Arc<dyn Clock> = Arc::new(SystemClock);
    let provider = CredentialSource::standard_chain(args.profile.as_deref(), &args.region)
        .await
        .ok_or(StartError::NoCredentials)?;
    let credentials = CredentialSource::new(provider, Arc::clone(&wall));
    match credentials.get().await {
        // Clients reach cmconsole with a local key pair, never the real one.
        Ok(real) if local_key_ids.contains(&real.access_key_id()) => {
            return Err(StartError::Keys(
                "a --access-key-id is the access key of the AWS credentials that sign upstream calls; give clients a local key pair of their own".to_owned(),
            ));
        }
        Ok(_) => {}
        // Not fatal: the chain may work later (SSO login, metadata); every
        // call until then answers a fixed error (the cause is logged).
        Err(_) => tracing::warn!("no AWS credentials yet"),
    }
    let settings = ClientSettings {
        endpoint: endpoint.clone(),
        region: args.region.clone(),
        rate: args.upstream_rate,
    };
    let client = Arc::new(UpstreamClient::new(
        settings,
        credentials,
        Arc::clone(&wall),
    ));
    let watch = Arc::new(Watch::default());
    let intervals = PollIntervals {
        fast: Duration::from_secs_f64(args.poll_fast),
        slow: Duration::from_secs_f64(args.poll_slow),
    };
    Poller::new(
        Arc::clone(&client),
        Arc::clone(&store),
        Arc::clone(&watch),
        intervals,
    )
    .await?
    .spawn();
    let target = Arc::new(UpstreamTarget::new(client, watch, wall));
    Ok((target, store, None))
}

/// Runs `cmconsole serve` until Ctrl-C or SIGTERM.
pub async fn serve(args: ServeArgs) -> Result<(), StartError> {
    let protections = Protections::decide(&args, std::env::var(TOKEN_ENV).ok())?;
    let (target, store, control) = match &args.upstream {
        Some(endpoint) => upstream(&args, endpoint, &protections.local_key_ids()).await?,
        None => simulator(&args).await?,
    };
    let listener = TcpListener::bind(args.listen)
        .await
        .map_err(|source| StartError::Bind {
            addr: args.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(StartError::Serve)?;
    let state = AppState {
        target,
        store,
        settings: Arc::new(Settings {
            region: args.region,
            account_id: args.account_id,
            ui_dir: Some(args.ui_dir),
            guard: Arc::new(protections.guard(addr)),
        }),
        verifier: protections.verifier(),
        control,
        throttle: args
            .rate_limit
            .is_enabled()
            .then(|| Arc::new(TokenBucket::new(args.rate_limit))),
        live: Arc::new(crate::events::LiveStreams::new(args.max_event_streams)),
    };
    // Whoever started us may have closed stdout after the first line:
    // printing is best effort, never a reason to stop.
    let banner = format!(
        "cmconsole listening on http://{addr}\n{}\n",
        protections.banner(addr, state.target.mode())
    );
    let mut stdout = std::io::stdout().lock();
    let _ = std::io::Write::write_all(&mut stdout, banner.as_bytes());
    let _ = std::io::Write::flush(&mut stdout);
    drop(stdout);
    let limits = crate::serving::Limits {
        max_connections: args.max_connections,
        header_timeout: Duration::from_secs_f64(args.header_timeout),
    };
    let live = Arc::clone(&state.live);
    crate::serving::serve(listener, app(state), limits, live, shutdown_signal()).await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
