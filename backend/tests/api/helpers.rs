//! Test harness: spawns the app with a manual clock and builds SDK clients.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_opsworkscm::Client;
use aws_sdk_opsworkscm::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_opsworkscm::types::{AccountAttribute, Backup, EngineAttribute, Server};
use backend::clock::{Clock, ManualClock};
use backend::http::{App, AppState, Settings, router};
use backend::security::Guard;
use backend::sim::{SimConfig, Simulator};
use backend::store::{SqliteStore, Store};
use chrono::TimeZone;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

pub(crate) const INSTANCE_PROFILE: &str =
    "arn:aws:iam::123456789012:instance-profile/aws-opsworks-cm-ec2-role";
pub(crate) const SERVICE_ROLE: &str = "arn:aws:iam::123456789012:role/aws-opsworks-cm-service-role";

/// What a test may add to the default app.
#[derive(Default)]
struct Options {
    ui_dir: Option<std::path::PathBuf>,
    throttle: Option<Arc<backend::throttle::TokenBucket>>,
    verifier: Option<Arc<backend::sigv4::Verifier>>,
    guard: Option<Guard>,
    max_event_streams: Option<usize>,
}

/// A running server plus the handles a test needs.
pub(crate) struct TestApp {
    pub addr: SocketAddr,
    pub sim: Arc<Simulator>,
    pub clock: ManualClock,
    pub client: Client,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
        // The catch-panic layer is a last resort that must never fire.
        if !std::thread::panicking() {
            assert_eq!(
                backend::http::errors::panics_caught(),
                0,
                "a request handler panicked (see the log)"
            );
        }
    }
}

impl TestApp {
    /// In-memory store, default limits.
    pub(crate) async fn spawn() -> Self {
        Self::spawn_with(
            Arc::new(SqliteStore::in_memory().unwrap()),
            SimConfig::default(),
        )
        .await
    }

    /// A file-backed store at `path`.
    pub(crate) async fn spawn_at(path: &Path) -> Self {
        Self::spawn_with(
            Arc::new(SqliteStore::open(path).unwrap()),
            SimConfig::default(),
        )
        .await
    }

    pub(crate) async fn spawn_with(store: Arc<dyn Store>, config: SimConfig) -> Self {
        let start = chrono::Utc
            .with_ymd_and_hms(2026, 11, 24, 12, 0, 0)
            .unwrap();
        Self::spawn_at_time(store, config, ManualClock::new(start)).await
    }

    /// Serves the UI from `ui_dir` too.
    pub(crate) async fn spawn_with_ui(store: Arc<dyn Store>, ui_dir: &Path) -> Self {
        let start = chrono::Utc
            .with_ymd_and_hms(2026, 11, 24, 12, 0, 0)
            .unwrap();
        let options = Options {
            ui_dir: Some(ui_dir.to_owned()),
            ..Options::default()
        };
        Self::start(
            store,
            SimConfig::default(),
            ManualClock::new(start),
            options,
        )
        .await
    }

    pub(crate) async fn spawn_at_time(
        store: Arc<dyn Store>,
        config: SimConfig,
        clock: ManualClock,
    ) -> Self {
        Self::start(store, config, clock, Options::default()).await
    }

    /// With at most `limit` event streams open at once.
    pub(crate) async fn spawn_with_stream_limit(limit: usize) -> Self {
        Self::spawn_with_options(Options {
            max_event_streams: Some(limit),
            ..Options::default()
        })
        .await
    }

    /// With the wire door throttled at `limit`.
    pub(crate) async fn spawn_throttled(limit: &str) -> Self {
        let bucket = Arc::new(backend::throttle::TokenBucket::new(limit.parse().unwrap()));
        Self::spawn_with_options(Options {
            throttle: Some(bucket),
            ..Options::default()
        })
        .await
    }

    /// With the wire door requiring SigV4 with `pairs`, judged by `verifier_clock`.
    pub(crate) async fn spawn_requiring_sigv4(
        pairs: &[(&str, &str)],
        verifier_clock: Arc<dyn Clock>,
    ) -> Self {
        let pairs = pairs
            .iter()
            .map(|(id, secret)| ((*id).to_owned(), (*secret).to_owned()));
        Self::spawn_with_options(Options {
            verifier: Some(Arc::new(backend::sigv4::Verifier::new(
                pairs,
                verifier_clock,
            ))),
            ..Options::default()
        })
        .await
    }

    /// With `guard` in front of every door and the wire door's `verifier`
    /// (what `serve` builds from its flags, e.g. for a non-loopback listen).
    pub(crate) async fn spawn_guarded(
        guard: Guard,
        verifier: Option<Arc<backend::sigv4::Verifier>>,
    ) -> Self {
        Self::spawn_with_options(Options {
            guard: Some(guard),
            verifier,
            ..Options::default()
        })
        .await
    }

    /// In-memory store, default limits, the test clock's start, `options`.
    async fn spawn_with_options(options: Options) -> Self {
        let start = chrono::Utc
            .with_ymd_and_hms(2026, 11, 24, 12, 0, 0)
            .unwrap();
        Self::start(
            Arc::new(SqliteStore::in_memory().unwrap()),
            SimConfig::default(),
            ManualClock::new(start),
            options,
        )
        .await
    }

    async fn start(
        store: Arc<dyn Store>,
        config: SimConfig,
        clock: ManualClock,
        options: Options,
    ) -> Self {
        let region = config.region.clone();
        let account_id = config.account_id.clone();
        let sim = Simulator::open(Arc::clone(&store), Arc::new(clock.clone()), config)
            .await
            .unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = AppState::from(App {
            target: sim.clone(),
            store,
            settings: Arc::new(Settings {
                region,
                account_id,
                ui: options
                    .ui_dir
                    .map(backend::http::static_files::UiSource::Dir),
                endpoint: Some(format!("http://{addr}")),
                started: std::time::Instant::now(),
                guard: Arc::new(options.guard.unwrap_or_else(Guard::loopback)),
            }),
            throttle: options.throttle,
            verifier: options.verifier,
            control: Some(sim.clone()),
            live: Arc::new(backend::http::live::LiveStreams::new(
                options
                    .max_event_streams
                    .unwrap_or(backend::http::live::DEFAULT_MAX_STREAMS),
            )),
            init: None,
            requests: Arc::default(),
            cluster: None,
        });
        let live = Arc::clone(&state.live);
        let server = tokio::spawn(backend::serving::serve(
            listener,
            router(state),
            backend::serving::Limits::default(),
            live,
            std::future::pending(),
        ));
        let client = client_for(addr);
        Self {
            addr,
            sim,
            clock,
            client,
            server,
        }
    }

    /// Moves simulated time forward and completes whatever fell due.
    pub(crate) async fn advance(&self, seconds: u64) {
        self.clock.advance(Duration::from_secs(seconds));
        self.sim.run_due().await.unwrap();
    }

    /// CreateServer with the required members filled in.
    pub(crate) fn create_request(
        &self,
        engine: &str,
        name: &str,
    ) -> aws_sdk_opsworkscm::operation::create_server::builders::CreateServerFluentBuilder {
        create_request_on(&self.client, engine, name)
    }

    pub(crate) async fn create_chef(&self, name: &str) -> Server {
        self.create_request("ChefAutomate", name)
            .send()
            .await
            .unwrap()
            .server
            .unwrap()
    }

    pub(crate) async fn create_puppet(&self, name: &str) -> Server {
        self.create_request("Puppet", name)
            .send()
            .await
            .unwrap()
            .server
            .unwrap()
    }

    /// A HEALTHY Chef server.
    pub(crate) async fn healthy_chef(&self, name: &str) -> Server {
        self.create_chef(name).await;
        self.advance(61).await;
        self.server(name).await
    }

    pub(crate) async fn server(&self, name: &str) -> Server {
        self.servers_listed(Some(name)).await.remove(0)
    }

    /// Every server DescribeServers lists.
    pub(crate) async fn all_servers(&self) -> Vec<Server> {
        self.servers_listed(None).await
    }

    async fn servers_listed(&self, name: Option<&str>) -> Vec<Server> {
        let request = self
            .client
            .describe_servers()
            .set_server_name(name.map(Into::into));
        request.send().await.unwrap().servers.unwrap()
    }

    /// DescribeAccountAttributes' attributes.
    pub(crate) async fn account_attributes(&self) -> Vec<AccountAttribute> {
        self.client
            .describe_account_attributes()
            .send()
            .await
            .unwrap()
            .attributes
            .unwrap()
    }

    /// Account attribute `name` as (maximum, used).
    pub(crate) async fn limit_and_usage(&self, name: &str) -> (Option<i32>, Option<i32>) {
        let attrs = self.account_attributes().await;
        let attr = attrs
            .iter()
            .find(|a| a.name.as_deref() == Some(name))
            .unwrap_or_else(|| panic!("no account attribute {name}"));
        (attr.maximum, attr.used)
    }

    /// The backup `id` as DescribeBackups returns it.
    pub(crate) async fn backup(&self, id: &str) -> Backup {
        backups_listed(self.client.describe_backups().backup_id(id))
            .await
            .remove(0)
    }

    /// Every backup DescribeBackups lists (newest first).
    pub(crate) async fn all_backups(&self) -> Vec<Backup> {
        backups_listed(self.client.describe_backups()).await
    }

    /// The backups DescribeBackups lists for the server `name`.
    pub(crate) async fn backups_of(&self, name: &str) -> Vec<Backup> {
        backups_listed(self.client.describe_backups().server_name(name)).await
    }

    /// `POST /api/sim/servers/{server}/health` with `body`.
    pub(crate) async fn set_health(&self, server: &str, body: &str) -> RawResponse {
        post_json(
            self.addr,
            &format!("/api/sim/servers/{server}/health"),
            body,
        )
        .await
    }

    pub(crate) async fn status(&self, name: &str) -> String {
        self.server(name).await.status.unwrap().as_str().to_owned()
    }

    pub(crate) async fn event_messages(&self, name: &str) -> Vec<String> {
        self.client
            .describe_events()
            .server_name(name)
            .send()
            .await
            .unwrap()
            .server_events
            .unwrap()
            .into_iter()
            .filter_map(|e| e.message)
            .collect()
    }
}

impl TestApp {
    /// A backend on an in-memory store whose CloudHSM quotas are `quotas`.
    pub(crate) async fn spawn_with_hsm_quotas(quotas: backend::sim::CloudHsmQuotas) -> Self {
        let config = SimConfig {
            cloudhsm: quotas,
            ..SimConfig::default()
        };
        Self::spawn_with(Arc::new(SqliteStore::in_memory().unwrap()), config).await
    }

    /// Starts a manual backup of server `name` and returns its id (the
    /// backup runs until the clock moves on).
    pub(crate) async fn start_backup(&self, name: &str) -> String {
        self.create_backup(name)
            .send()
            .await
            .unwrap()
            .backup
            .unwrap()
            .backup_id
            .unwrap()
    }
}

/// Declares `TestApp` methods for requests tests make again and again: the
/// SDK's fluent builder with the one member that names the resource set
/// (`app.create_backup("web")` for
/// `app.client.create_backup().server_name("web")`).
macro_rules! request_shortcuts {
    ($($op:ident($member:ident) -> $builder:ident;)+) => {
        impl TestApp {
            $(
                #[doc = concat!("`", stringify!($op), "` with `", stringify!($member), "` set.")]
                pub(crate) fn $op(&self, value: &str) -> aws_sdk_opsworkscm::operation::$op::builders::$builder {
                    self.client.$op().$member(value)
                }
            )+
        }
    };
}

request_shortcuts! {
    create_backup(server_name) -> CreateBackupFluentBuilder;
    delete_backup(backup_id) -> DeleteBackupFluentBuilder;
    delete_server(server_name) -> DeleteServerFluentBuilder;
    describe_events(server_name) -> DescribeEventsFluentBuilder;
    start_maintenance(server_name) -> StartMaintenanceFluentBuilder;
    update_server(server_name) -> UpdateServerFluentBuilder;
    update_server_engine_attributes(server_name) -> UpdateServerEngineAttributesFluentBuilder;
    restore_server(server_name) -> RestoreServerFluentBuilder;
    export_server_engine_attribute(server_name) -> ExportServerEngineAttributeFluentBuilder;
    associate_node(server_name) -> AssociateNodeFluentBuilder;
    disassociate_node(server_name) -> DisassociateNodeFluentBuilder;
}

/// CreateServer to `client` with the required members filled in.
pub(crate) fn create_request_on(
    client: &Client,
    engine: &str,
    name: &str,
) -> aws_sdk_opsworkscm::operation::create_server::builders::CreateServerFluentBuilder {
    client
        .create_server()
        .engine(engine)
        .server_name(name)
        .instance_profile_arn(INSTANCE_PROFILE)
        .instance_type("m5.large")
        .service_role_arn(SERVICE_ROLE)
}

/// A Chef server `name` created through the wire door at `addr` (raw
/// JSON, no SDK): its ARN.
pub(crate) async fn create_chef_via_wire(addr: SocketAddr, name: &str) -> String {
    let body = serde_json::json!({
        "Engine": "ChefAutomate", "ServerName": name, "InstanceType": "m5.large",
        "InstanceProfileArn": INSTANCE_PROFILE, "ServiceRoleArn": SERVICE_ROLE,
    });
    let r = wire(addr, "CreateServer", &body.to_string()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["Server"]["ServerArn"].as_str().unwrap().to_owned()
}

/// The ARNs of the servers DescribeServers lists through the wire door at
/// `addr`, in its order.
pub(crate) async fn server_arns_via_wire(addr: SocketAddr) -> Vec<String> {
    let r = wire(addr, "DescribeServers", "{}").await;
    r.json()["Servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["ServerArn"].as_str().unwrap().to_owned())
        .collect()
}

/// AssociateNode and DisassociateNode requests, sent for their status token.
pub(crate) trait TokenRequest {
    /// Sends the request and yields its NodeAssociationStatusToken.
    async fn token(self) -> String;
}

macro_rules! token_request {
    ($($builder:ty),*) => {$(
        impl TokenRequest for $builder {
            async fn token(self) -> String {
                self.send().await.unwrap().node_association_status_token.unwrap()
            }
        }
    )*};
}

token_request!(
    aws_sdk_opsworkscm::operation::associate_node::builders::AssociateNodeFluentBuilder,
    aws_sdk_opsworkscm::operation::disassociate_node::builders::DisassociateNodeFluentBuilder
);

/// The backups a DescribeBackups `request` lists.
async fn backups_listed(
    request: aws_sdk_opsworkscm::operation::describe_backups::builders::DescribeBackupsFluentBuilder,
) -> Vec<Backup> {
    request.send().await.unwrap().backups.unwrap()
}

/// An SDK client pointed at `addr` with test credentials.
pub(crate) fn client_for(addr: SocketAddr) -> Client {
    client_with(addr, "AKIDTEST", "test-secret", "us-east-1")
}

/// An SDK client signing with `access_key_id`/`secret` for `region`.
pub(crate) fn client_with(
    addr: SocketAddr,
    access_key_id: &str,
    secret: &str,
    region: &str,
) -> Client {
    let config = aws_sdk_opsworkscm::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_owned()))
        .credentials_provider(Credentials::new(access_key_id, secret, None, None, "test"))
        .endpoint_url(format!("http://{addr}"))
        .build();
    Client::from_conf(config)
}

/// An engine attribute `name` = `value`.
pub(crate) fn ea(name: &str, value: &str) -> EngineAttribute {
    EngineAttribute::builder().name(name).value(value).build()
}

/// The value of engine attribute `name`.
pub(crate) fn attr<'a>(attrs: &'a [EngineAttribute], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|a| a.name.as_deref() == Some(name))
        .and_then(|a| a.value.as_deref())
}

/// The AWS error code of an SDK error.
pub(crate) fn code<E, R>(err: &aws_sdk_opsworkscm::error::SdkError<E, R>) -> String
where
    E: aws_sdk_opsworkscm::error::ProvideErrorMetadata,
{
    use aws_sdk_opsworkscm::error::ProvideErrorMetadata;
    err.code().unwrap_or("<none>").to_owned()
}

/// A raw HTTP/1.1 response.
pub(crate) struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl RawResponse {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// Sends one request with `Connection: close` and reads the whole response.
pub(crate) async fn raw(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> RawResponse {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
        request.push_str(&format!("Host: {addr}\r\n"));
    }
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).await.unwrap();
    parse_response(&bytes)
}

fn parse_response(bytes: &[u8]) -> RawResponse {
    let text = String::from_utf8_lossy(bytes);
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_owned()
    };
    RawResponse {
        status,
        headers,
        body,
    }
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.push_str(&rest[..size]);
        body = &rest[size + 2..];
    }
    out
}

/// POSTs a JSON `body` to `path` (a console or simulator-control door).
pub(crate) async fn post_json(addr: SocketAddr, path: &str, body: &str) -> RawResponse {
    raw(
        addr,
        "POST",
        path,
        &[("Content-Type", "application/json")],
        body,
    )
    .await
}

/// GETs `path` with no extra headers.
pub(crate) async fn get(addr: SocketAddr, path: &str) -> RawResponse {
    raw(addr, "GET", path, &[], "").await
}

/// Calls an operation through the wire door with raw HTTP.
pub(crate) async fn wire(addr: SocketAddr, operation: &str, body: &str) -> RawResponse {
    let target = format!("OpsWorksCM_V2016_11_01.{operation}");
    raw(
        addr,
        "POST",
        "/",
        &[
            ("X-Amz-Target", &target),
            ("Content-Type", "application/x-amz-json-1.1"),
        ],
        body,
    )
    .await
}

/// One server-sent event.
#[derive(Debug)]
pub(crate) struct SseEvent {
    /// The journal position (after the epoch).
    pub id: u64,
    /// The SSE id as sent: `EPOCH-ID`.
    pub event_id: String,
    pub kind: String,
    pub data: serde_json::Value,
}

/// A raw client of `GET /api/events`.
pub(crate) struct SseClient {
    reader: BufReader<TcpStream>,
}

impl SseClient {
    pub(crate) async fn connect(addr: SocketAddr, last_event_id: Option<&str>) -> Self {
        Self::connect_with(addr, last_event_id, &[]).await
    }

    /// [`Self::connect`] with `extra` headers (a session cookie).
    pub(crate) async fn connect_with(
        addr: SocketAddr,
        last_event_id: Option<&str>,
        extra: &[(&str, &str)],
    ) -> Self {
        let (status, reader) = Self::open(addr, last_event_id, extra).await;
        assert!(status.contains(" 200 "), "{status}");
        reader
    }

    /// Sends the request; returns the status line and the reader past the
    /// response headers.
    pub(crate) async fn open(
        addr: SocketAddr,
        last_event_id: Option<&str>,
        extra: &[(&str, &str)],
    ) -> (String, Self) {
        Self::open_path(addr, "/api/events", last_event_id, extra).await
    }

    /// A stream of `path` (one of the server-sent event doors).
    pub(crate) async fn open_path(
        addr: SocketAddr,
        path: &str,
        last_event_id: Option<&str>,
        extra: &[(&str, &str)],
    ) -> (String, Self) {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let mut resume = last_event_id
            .map(|id| format!("Last-Event-ID: {id}\r\n"))
            .unwrap_or_default();
        for (name, value) in extra {
            resume.push_str(&format!("{name}: {value}\r\n"));
        }
        // HTTP/1.0: the body is delimited by the connection, not chunked.
        let request = format!(
            "GET {path} HTTP/1.0\r\nHost: {addr}\r\nAccept: text/event-stream\r\n{resume}\r\n"
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut reader = BufReader::new(stream);
        let mut status = String::new();
        reader.read_line(&mut status).await.unwrap();
        let mut head = status.clone();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).await.unwrap();
            if line == "\r\n" || line == "\n" || line.is_empty() {
                break;
            }
            head.push_str(&line);
        }
        (head, Self { reader })
    }

    /// Whether the server ended the stream (within 10 s).
    pub(crate) async fn ends(&mut self) -> bool {
        let mut rest = Vec::new();
        tokio::time::timeout(
            Duration::from_secs(10),
            tokio::io::AsyncReadExt::read_to_end(&mut self.reader, &mut rest),
        )
        .await
        .is_ok()
    }

    pub(crate) async fn next(&mut self) -> SseEvent {
        self.next_within(Duration::from_secs(10)).await
    }

    /// The next event, which must come within `limit`.
    pub(crate) async fn next_within(&mut self, limit: Duration) -> SseEvent {
        tokio::time::timeout(limit, self.read_event())
            .await
            .expect("an event in time")
    }

    async fn read_event(&mut self) -> SseEvent {
        let (mut id, mut kind, mut data) = (None, String::new(), String::new());
        loop {
            let mut line = String::new();
            let n = self.reader.read_line(&mut line).await.unwrap();
            assert!(n > 0, "stream ended");
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                if id.is_some() || !kind.is_empty() {
                    let data = serde_json::from_str(&data).unwrap();
                    let event_id: String = id.unwrap_or_default();
                    return SseEvent {
                        id: event_id
                            .rsplit('-')
                            .next()
                            .and_then(|n| n.parse().ok())
                            .unwrap_or(0),
                        event_id,
                        kind,
                        data,
                    };
                }
                continue;
            }
            if let Some(v) = line.strip_prefix("id:") {
                id = Some(v.trim().to_owned());
            } else if let Some(v) = line.strip_prefix("event:") {
                kind = v.trim().to_owned();
            } else if let Some(v) = line.strip_prefix("data:") {
                data.push_str(v.trim_start());
            }
        }
    }
}

/// A fresh RSA public key in PEM, as a Chef node sends it.
pub(crate) fn node_public_key() -> String {
    let key = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
    use aws_lc_rs::encoding::AsDer;
    use aws_lc_rs::signature::KeyPair as _;
    let der = key.public_key().as_der().unwrap();
    let b64 = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(der.as_ref())
    };
    let body: Vec<String> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect();
    format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        body.join("\n")
    )
}

/// Sends the request a fluent builder holds and asserts that it fails with
/// the AWS error code `code` (and an optional message, as `assert_eq!`).
macro_rules! assert_fails {
    ($request:expr, $code:expr $(, $($message:tt)+)?) => {
        assert_eq!(
            $crate::helpers::ErrCode::err_code($request.send().await),
            $code
            $(, $($message)+)?
        )
    };
}
pub(crate) use assert_fails;

/// Every item the SDK's paginator over `request` yields, page after page.
macro_rules! every_item {
    ($request:expr) => {
        $request
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .unwrap()
    };
}

pub(crate) use every_item;

/// The member `field` of the answer to `request`, which must succeed and
/// carry it (`member!(app.client.create_backup().server_name("web"), backup)`).
macro_rules! member {
    ($request:expr, $field:ident) => {
        $request.send().await.unwrap().$field.unwrap()
    };
}

pub(crate) use member;

/// Sends the request a fluent builder holds and asserts that it fails with
/// the AWS error code `code` and a message containing `says`.
macro_rules! assert_fails_saying {
    ($request:expr, $code:expr, $says:expr) => {{
        let err = $request
            .send()
            .await
            .expect_err("the call should have failed");
        let (code, message) = $crate::helpers::code_and_message(&err);
        assert_eq!(code, $code, "{message}");
        assert!(
            message.contains($says),
            "{code}: {message:?} should say {:?}",
            $says
        );
    }};
}
pub(crate) use assert_fails_saying;

/// The AWS error code and message of a failed call.
pub(crate) fn code_and_message<E, R>(
    err: &aws_sdk_opsworkscm::error::SdkError<E, R>,
) -> (String, String)
where
    E: aws_sdk_opsworkscm::error::ProvideErrorMetadata,
{
    use aws_sdk_opsworkscm::error::ProvideErrorMetadata;
    (
        err.code().unwrap_or("<none>").to_owned(),
        err.message().unwrap_or_default().to_owned(),
    )
}

/// The AWS error code of a call that must fail.
pub(crate) trait ErrCode {
    /// The error's code; panics when the call succeeded.
    fn err_code(self) -> String;
}

impl<T: std::fmt::Debug, E, R> ErrCode for Result<T, aws_sdk_opsworkscm::error::SdkError<E, R>>
where
    E: aws_sdk_opsworkscm::error::ProvideErrorMetadata + std::fmt::Debug,
    R: std::fmt::Debug,
{
    fn err_code(self) -> String {
        code(&self.expect_err("the call should have failed"))
    }
}
