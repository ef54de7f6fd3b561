//! Several instances on one PostgreSQL database: one leads, the others
//! follow, serve reads and the event stream and forward writes; the
//! leader's death (kill -9, under load) loses no acknowledged write, and
//! the event streams on the survivors miss nothing and repeat nothing.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::binary::Binary;
use crate::databases::Database;
use crate::helpers::*;

fn start(url: &str) -> Binary {
    let mut command = Binary::command(&["--rate-limit", "0", "--server-limit", "1000"]);
    command.env("CMCONSOLE_DATABASE_URL", url);
    Binary::spawn(command)
}

/// What `/api/health` says the instance is.
async fn role(instance: &Binary) -> String {
    let health = instance.console_get("/api/health").await;
    health.json()["role"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Waits (up to 15 s) until exactly one of `instances` leads and the others
/// follow; returns the leader's index.
pub(crate) async fn settled_leader(instances: &[&Binary]) -> usize {
    let started = std::time::Instant::now();
    loop {
        let mut roles = Vec::new();
        for instance in instances {
            roles.push(role(instance).await);
        }
        let leaders: Vec<usize> = (0..roles.len()).filter(|i| roles[*i] == "leader").collect();
        if leaders.len() == 1
            && roles.iter().filter(|r| *r == "follower").count() == roles.len() - 1
        {
            return leaders[0];
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "no settled leader: {roles:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// CreateServer through `instance`'s wire door with an SDK client.
async fn create(instance: &aws_sdk_opsworkscm::Client, name: &str) -> bool {
    create_request_on(instance, "ChefAutomate", name)
        .send()
        .await
        .is_ok()
}

/// The server names DescribeServers lists on `instance`.
async fn listed(instance: &Binary) -> BTreeSet<String> {
    let servers = instance.sdk().describe_servers().send().await.unwrap();
    servers
        .servers()
        .iter()
        .filter_map(|s| s.server_name().map(str::to_owned))
        .collect()
}

/// Every event an instance's stream delivers, collected in the background.
struct Collector {
    ids: Arc<Mutex<Vec<u64>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Collector {
    async fn open(instance: &Binary) -> Self {
        let cookie = instance.cookie().await;
        let mut stream =
            SseClient::connect_with(instance.addr, None, &[("Cookie", cookie.as_str())]).await;
        let ids = Arc::new(Mutex::new(Vec::new()));
        let into = Arc::clone(&ids);
        let task = tokio::spawn(async move {
            loop {
                let event = stream.next_within(Duration::from_secs(120)).await;
                into.lock().unwrap().push(event.id);
            }
        });
        Self { ids, task }
    }

    /// The ids seen, once the stream has reached `head` (within 15 s).
    async fn up_to(&self, head: u64) -> Vec<u64> {
        let started = std::time::Instant::now();
        loop {
            let ids = self.ids.lock().unwrap().clone();
            if ids.last().is_some_and(|last| *last >= head)
                || started.elapsed() > Duration::from_secs(15)
            {
                self.task.abort();
                return ids;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

#[tokio::test]
async fn three_instances_share_one_state_and_lose_nothing_when_the_leader_is_killed() {
    let Some(db) = Database::postgres().await else {
        return eprintln!("skipped: no test PostgreSQL");
    };
    let mut instances: Vec<Option<Binary>> = (0..3).map(|_| Some(start(db.url()))).collect();
    let all: Vec<&Binary> = instances.iter().flatten().collect();
    let leader = settled_leader(&all).await;
    let mut collectors = Vec::new();
    for instance in &all {
        collectors.push(Collector::open(instance).await);
    }

    // Writes through each instance are read back on it at once.
    for (i, instance) in all.iter().enumerate() {
        let name = format!("via-{i}");
        assert!(
            create(&instance.sdk(), &name).await,
            "create through instance {i}"
        );
        assert!(
            listed(instance).await.contains(&name),
            "read-your-write on instance {i}"
        );
    }

    // Load through every instance while the leader is killed.
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(Mutex::new(BTreeSet::new()));
    let mut loaders = Vec::new();
    for (i, instance) in all.iter().enumerate() {
        let (client, stop, acknowledged) =
            (instance.sdk(), Arc::clone(&stop), Arc::clone(&acknowledged));
        loaders.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                let name = format!("load-{i}-{n}");
                if create(&client, &name).await {
                    acknowledged.lock().unwrap().insert(name);
                }
                n += 1;
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    drop(all);
    // Its stream ends with it.
    collectors[leader].task.abort();
    let killed = instances[leader].take().expect("the leader runs");
    drop(killed); // SIGKILL
    let survivors: Vec<&Binary> = instances.iter().flatten().collect();
    let failed_over = std::time::Instant::now();
    settled_leader(&survivors).await;
    eprintln!("a new leader after {:?}", failed_over.elapsed());
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stop.store(true, Ordering::SeqCst);
    for loader in loaders {
        loader.await.unwrap();
    }

    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() > 10,
        "the load did little: {acknowledged:?}"
    );
    eprintln!("{} creates acknowledged under load", acknowledged.len());
    let survivors_ids: Vec<usize> = (0..3).filter(|i| *i != leader).collect();
    let mut heads = Vec::new();
    for instance in &survivors {
        let names = listed(instance).await;
        let missing: Vec<&String> = acknowledged.difference(&names).collect();
        assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
        for i in 0..3 {
            assert!(names.contains(&format!("via-{i}")));
        }
        let health = instance.console_get("/api/health").await;
        heads.push(health.json()["journalHead"].as_u64().unwrap());
    }
    assert_eq!(heads[0], heads[1], "the survivors agree on the journal");
    for (collector, i) in collectors
        .iter()
        .zip(0..)
        .filter(|(_, i)| survivors_ids.contains(i))
    {
        let ids = collector.up_to(heads[0]).await;
        assert!(!ids.is_empty(), "instance {i} streamed nothing");
        let expected: Vec<u64> = (ids[0]..ids[0] + ids.len() as u64).collect();
        assert_eq!(ids, expected, "instance {i}: every event once, in order");
        assert_eq!(ids.last(), Some(&heads[0]), "instance {i} reached the head");
        eprintln!("instance {i} streamed events {}..={}", ids[0], heads[0]);
    }
}

#[tokio::test]
async fn a_forwarded_call_not_signed_by_the_group_is_refused() {
    let app = TestApp::spawn().await;
    let answer = raw(
        app.addr,
        "POST",
        "/",
        &[
            ("X-Amz-Target", "OpsWorksCM_V2016_11_01.DeleteServer"),
            ("Content-Type", "application/x-amz-json-1.1"),
            ("x-cmconsole-forwarded", "1.00"),
        ],
        r#"{"ServerName":"x"}"#,
    )
    .await;
    assert_eq!(answer.status, 403, "{}", answer.body);
    assert_eq!(answer.json()["__type"], "AccessDeniedException");
    let Some(db) = Database::postgres().await else {
        return eprintln!("skipped on PostgreSQL: no test PostgreSQL");
    };
    let instance = start(db.url());
    let now = backend::clock::Clock::now(&backend::clock::SystemClock).timestamp();
    let forged = format!("{now}.{}", "ab".repeat(32));
    let cookie = instance.cookie().await;
    let answer = raw(
        instance.addr,
        "POST",
        "/api/sim/reset",
        &[
            ("Content-Type", "application/json"),
            ("Cookie", cookie.as_str()),
            ("x-cmconsole-forwarded", forged.as_str()),
        ],
        "{}",
    )
    .await;
    assert_eq!(answer.status, 403, "{}", answer.body);
    assert_eq!(answer.json()["code"], "AccessDeniedException");
}
