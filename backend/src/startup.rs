//! The composition root: builds what `cmconsole serve` asks for (store,
//! simulator or upstream proxy, poller, protections, the HTTP layer) and
//! serves it until a signal ends it.

mod protections;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

pub use protections::{Protections, TOKEN_ENV};

use crate::cli::ServeArgs;
use crate::clock::{Clock, SimClock, SystemClock};
use crate::cluster::{Cluster, Duties, Duty};
use crate::http::static_files::UiSource;
use crate::http::{App, AppState, Settings, router};
use crate::sim::{CloudHsmQuotas, OpsWorksCmQuotas, SimConfig, Simulator};
use crate::store::{PostgresStore, SqliteStore, Store};
use crate::target::Target;
use crate::throttle::TokenBucket;
use crate::upstream::{
    ClientSettings, CredentialSource, Endpoint, PollIntervals, Poller, UpstreamClient,
    UpstreamTarget, Watch,
};

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
    /// `--database-url` is not a usable connection URL.
    #[error("{0}")]
    DatabaseUrl(String),
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
    /// The state snapshot given with `--load-state` could not be loaded.
    #[error("cannot load the state from {path}: {reason}")]
    State {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The `--init-dir` could not be read.
    #[error("cannot read the init directory {path}: {source}")]
    InitDir {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
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

/// The console token a client command signs in with: the first line of
/// `file`, else [`TOKEN_ENV`]; `None` when neither is given.
///
/// # Errors
/// When `file` cannot be read.
pub fn console_token(file: Option<&std::path::Path>) -> Result<Option<String>, StartError> {
    let text = match file {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|err| StartError::Token(format!("cannot read {}: {err}", path.display())))?,
        None => match std::env::var(TOKEN_ENV) {
            Ok(text) => text,
            Err(_) => return Ok(None),
        },
    };
    Ok(Some(text.lines().next().unwrap_or("").trim().to_owned()))
}

/// Opens the store the flags ask for.
pub async fn open_store(args: &ServeArgs) -> Result<Arc<dyn Store>, StartError> {
    if let Some(url) = &args.database_url {
        let config = url.config().map_err(StartError::DatabaseUrl)?;
        return Ok(Arc::new(PostgresStore::connect(config).await?));
    }
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

/// What the doors talk to, the journal behind the live door, the
/// simulator's controls (none upstream) and, among instances sharing a
/// database, what this one runs as leader or follower.
type Backing = (
    Arc<dyn Target>,
    Arc<dyn Store>,
    Option<Arc<Simulator>>,
    Option<Duties>,
);

/// The store the flags ask for and, with `--database-url`, this
/// instance's place among those sharing the database.
async fn store_and_cluster(
    args: &ServeArgs,
    advertise: String,
) -> Result<(Arc<dyn Store>, Option<Arc<Cluster>>), StartError> {
    let Some(url) = &args.database_url else {
        // Upstream, the truth lives upstream: the journal is kept in memory.
        let store: Arc<dyn Store> = match args.upstream {
            Some(_) => Arc::new(SqliteStore::in_memory()?),
            None => open_store(args).await?,
        };
        return Ok((store, None));
    };
    let config = url.config().map_err(StartError::DatabaseUrl)?;
    let store = Arc::new(PostgresStore::connect(config.clone()).await?);
    let cluster = Cluster::join(
        Arc::clone(&store),
        config,
        advertise,
        args.upstream.is_some(),
    );
    Ok((store, Some(cluster)))
}

/// The simulator's settings from the flags.
fn sim_config(args: &ServeArgs) -> SimConfig {
    SimConfig {
        region: args.region.clone(),
        account_id: args.account_id.clone(),
        speed: args.speed,
        opsworkscm: OpsWorksCmQuotas {
            server_limit: args.server_limit,
            manual_backup_limit: args.manual_backup_limit,
            ..OpsWorksCmQuotas::default()
        },
        cloudhsm: CloudHsmQuotas {
            cluster_limit: args.hsm_cluster_limit,
            hsm_limit: args.hsm_limit,
            backup_limit: args.hsm_backup_limit,
            ..CloudHsmQuotas::default()
        },
        seed: args.seed,
    }
}

/// The simulator on `store`, with its faults; alone it also loads the
/// state it is given and starts its scheduler, while among several
/// instances that is the leader's work ([`Duties`]).
async fn simulator(
    args: &ServeArgs,
    store: Arc<dyn Store>,
    clustered: bool,
) -> Result<Backing, StartError> {
    let clock: Arc<dyn Clock> = Arc::new(SimClock::new());
    let config = sim_config(args);
    let sim = if clustered {
        Simulator::open_follower(Arc::clone(&store), clock, config).await?
    } else {
        Simulator::open(Arc::clone(&store), clock, config).await?
    };
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
    if !clustered {
        prepare(&sim, args).await?;
        sim.spawn_scheduler();
        return Ok((sim.clone(), store, Some(sim), None));
    }
    let leader_sim = Arc::clone(&sim);
    let duties = Duties {
        sim: Some(Arc::clone(&sim)),
        lead: Box::new(move || {
            let sim = Arc::clone(&leader_sim);
            Box::pin(async move {
                sim.reload(true).await?;
                Ok(sim.spawn_scheduler())
            })
        }),
    };
    Ok((sim.clone(), store, Some(sim), Some(duties)))
}

/// Loads `--load-state` and seeds `--seed-demo` into a simulator that
/// leads (alone, or elected among several).
async fn prepare(sim: &Simulator, args: &ServeArgs) -> Result<(), StartError> {
    if let Some(path) = &args.load_state {
        let failed = |reason: String| StartError::State {
            path: path.clone(),
            reason,
        };
        let bytes = crate::state_file::read(path).map_err(|e| failed(e.to_string()))?;
        let snapshot = crate::sim::snapshot::parse(&bytes).map_err(|e| failed(e.message))?;
        let scope = crate::sim::snapshot::Scope::default();
        let mode = crate::sim::snapshot::ImportMode::Replace;
        let records = sim
            .import_state(snapshot, mode, &scope)
            .await
            .map_err(|e| failed(e.message))?;
        tracing::info!(records, path = %path.display(), "loaded the state");
    }
    if args.seed_demo && sim.server_count() == 0 {
        sim.seed_demo().await.map_err(StartError::Seed)?;
    }
    Ok(())
}

/// The signing proxy to `endpoint` and its poller, journaling in `store`
/// (in memory unless a database is shared: a restart then starts a fresh
/// journal and browsers reload their snapshot). Among several instances
/// only the leader polls and signs.
async fn upstream(
    args: &ServeArgs,
    endpoint: &Endpoint,
    local_key_ids: &[&str],
    store: Arc<dyn Store>,
    clustered: bool,
) -> Result<Backing, StartError> {
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
    let poller = {
        let (client, store, watch) = (Arc::clone(&client), Arc::clone(&store), Arc::clone(&watch));
        move || {
            let (client, store, watch) =
                (Arc::clone(&client), Arc::clone(&store), Arc::clone(&watch));
            Box::pin(async move { Ok(Poller::new(client, store, watch, intervals).await?.spawn()) })
                as futures_util::future::BoxFuture<'static, _>
        }
    };
    let duties = if clustered {
        Some(Duties {
            sim: None,
            lead: Box::new(poller),
        })
    } else {
        poller().await?;
        None
    };
    let target = Arc::new(UpstreamTarget::new(client, watch, wall));
    Ok((target, store, None, duties))
}

/// The start of the first line `serve` prints, once its state is loaded and
/// its port accepts connections; the bound address follows
/// (`cmconsole listening on http://127.0.0.1:43121`).
pub const READY_PREFIX: &str = "cmconsole listening on http://";

/// Runs `cmconsole serve` until Ctrl-C or SIGTERM.
pub async fn serve(args: ServeArgs) -> Result<(), StartError> {
    let protections = Protections::decide(&args, std::env::var(TOKEN_ENV).ok())?;
    let listener = TcpListener::bind(args.listen)
        .await
        .map_err(|source| StartError::Bind {
            addr: args.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(StartError::Serve)?;
    let advertise = args
        .advertise_url
        .clone()
        .unwrap_or_else(|| protections::browser_url(addr));
    let (store, cluster) = store_and_cluster(&args, advertise).await?;
    let clustered = cluster.is_some();
    let (target, store, control, duties) = match &args.upstream {
        Some(endpoint) => {
            let keys = protections.local_key_ids();
            upstream(&args, endpoint, &keys, store, clustered).await?
        }
        None => simulator(&args, store, clustered).await?,
    };
    if let (Some(cluster), Some(duties)) = (&cluster, duties) {
        duties.start(Arc::clone(cluster));
        if cluster.ready().await == Duty::Leading
            && let Some(sim) = &control
        {
            prepare(sim, &args).await?;
        } else if args.load_state.is_some() || args.seed_demo {
            tracing::info!("another instance leads: --load-state and --seed-demo are its work");
        }
    }
    let ui = ui_source(args.ui_dir.clone());
    let endpoint = protections::browser_url(addr);
    let init =
        match &args.init_dir {
            Some(dir) => Some(crate::init_hooks::InitHooks::list(dir).map_err(|source| {
                StartError::InitDir {
                    path: dir.clone(),
                    source,
                }
            })?),
            None => None,
        };
    let mut init_env = protections.client_env();
    init_env.extend([
        ("AWS_ENDPOINT_URL".to_owned(), endpoint.clone()),
        ("CMCONSOLE_ENDPOINT".to_owned(), endpoint.clone()),
        ("AWS_REGION".to_owned(), args.region.clone()),
        ("AWS_DEFAULT_REGION".to_owned(), args.region.clone()),
    ]);
    let state = AppState::from(App {
        target,
        store,
        settings: Arc::new(Settings {
            region: args.region,
            account_id: args.account_id,
            ui: ui.clone(),
            endpoint: Some(endpoint),
            started: std::time::Instant::now(),
            guard: Arc::new(protections.guard(addr)),
        }),
        verifier: protections.verifier(),
        control,
        throttle: args
            .rate_limit
            .is_enabled()
            .then(|| Arc::new(TokenBucket::new(args.rate_limit))),
        live: Arc::new(crate::http::live::LiveStreams::new(args.max_event_streams)),
        init: init.clone(),
        requests: Arc::default(),
        cluster,
    });
    // Whoever started us may have closed stdout after the first line:
    // printing is best effort, never a reason to stop.
    let console = match &ui {
        Some(source) => format!("console files: {source}"),
        None => "no console files: run `cargo xtask ui` or pass --ui-dir".to_owned(),
    };
    // The first line is the ready line scripts wait for (fixed wording).
    let banner = format!(
        "{READY_PREFIX}{addr}\n{}\n{console}\n",
        protections.banner(addr, state.target.mode())
    );
    let mut stdout = std::io::stdout().lock();
    let _ = std::io::Write::write_all(&mut stdout, banner.as_bytes());
    let _ = std::io::Write::flush(&mut stdout);
    drop(stdout);
    if let Some(init) = &init {
        init.spawn(init_env);
    }
    let limits = crate::serving::Limits {
        max_connections: args.max_connections,
        header_timeout: Duration::from_secs_f64(args.header_timeout),
    };
    let live = Arc::clone(&state.live);
    crate::serving::serve(listener, router(state), limits, live, shutdown_signal()).await;
    Ok(())
}

/// Where the console comes from: `--ui-dir`, else the copy built into a
/// release binary, else `frontend/dist` below the working directory (a
/// development build run from the repository).
fn ui_source(ui_dir: Option<PathBuf>) -> Option<UiSource> {
    ui_dir
        .map(UiSource::Dir)
        .or_else(UiSource::embedded)
        .or_else(|| {
            let dist = PathBuf::from("frontend/dist");
            dist.join("index.html")
                .is_file()
                .then_some(UiSource::Dir(dist))
        })
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
