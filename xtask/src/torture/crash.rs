//! Writers on both services while the server is killed (SIGKILL) and
//! restarted: after the last restart every acknowledged write must be
//! present and every transition in flight must have finished.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use super::{Rng, Scale, expect_zero};
use crate::harness::{Backend, Conn, Scratch, hsm_request, json_strings, wire_request};
use crate::{Error, Result};

const INSTANCE_PROFILE: &str = "arn:aws:iam::123456789012:instance-profile/torture";
const SERVICE_ROLE: &str = "arn:aws:iam::123456789012:role/torture";
const SUBNET: &str = "subnet-0a1b2c3d4e5f60718";
/// Statuses of a transition in flight.
const IN_FLIGHT: [&str; 6] = [
    "CREATING",
    "BACKING_UP",
    "RESTORING",
    "MODIFYING",
    "UNDER_MAINTENANCE",
    "CREATE_IN_PROGRESS",
];

/// One write the server acknowledged with 200.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Ack {
    /// CreateServer of this name.
    Server(String),
    /// TagResource of (server ARN, key).
    ServerTag(String, String),
    /// CreateBackup answered this backup id.
    Backup(String),
    /// CreateCluster answered this cluster id.
    Cluster(String),
    /// TagResource of (cluster id, key).
    ClusterTag(String, String),
}

/// Runs the scenario; fails when a write was lost or a transition stuck.
pub(super) fn run(binary: &Path, scratch: &Scratch, scale: Scale) -> Result {
    let data = scratch.path.join("data");
    let data = data.to_string_lossy();
    let args = super::stored_fast_args(
        &data,
        &[
            "--server-limit",
            "1000000",
            "--manual-backup-limit",
            "1000000",
            "--hsm-cluster-limit",
            "1000000",
            "--max-connections",
            "4096",
        ],
    );
    let mut backend = Backend::start(binary, &args, scratch)?;
    let addr = backend.addr;
    let acks = Arc::new(Mutex::new(Vec::<Ack>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..scale.writers)
        .map(|id| {
            let acks = Arc::clone(&acks);
            let stop = Arc::clone(&stop);
            thread::spawn(move || write_until_stopped(addr, id, &acks, &stop))
        })
        .collect();
    let mut rng = Rng::new(1);
    for kill in 1..=scale.kills {
        thread::sleep(rng.between(Duration::from_millis(1500), Duration::from_millis(4000)));
        let before = acks.lock().map_or(0, |a| a.len());
        backend.kill9();
        println!("kill -9 #{kill} after {before} acknowledged writes");
        backend.restart()?;
    }
    thread::sleep(Duration::from_secs(1));
    stop.store(true, Ordering::SeqCst);
    for writer in writers {
        let _ = writer.join();
    }
    // One more kill with nothing running, then check from a fresh start.
    backend.kill9();
    backend.restart()?;
    let acks = acks.lock().map(|a| a.clone()).unwrap_or_default();
    let lost = lost_writes(addr, &acks)?;
    let stuck = stuck_transitions(addr)?;
    println!("acknowledged writes lost: {} of {}", lost.len(), acks.len());
    for ack in lost.iter().take(10) {
        println!("  lost: {ack:?}");
    }
    println!("transitions still in flight after 60 s: {stuck}");
    let panics = backend.log_text().matches("panicked").count();
    println!("panics in the server log: {panics}");
    expect_zero("acknowledged writes lost", lost.len())?;
    expect_zero("transitions stuck", stuck)?;
    expect_zero("panics", panics)?;
    if acks.is_empty() {
        return Err(Error::new("no write was acknowledged at all"));
    }
    Ok(())
}

/// One writer: create a server, tag it, back it up; create a cluster, tag
/// it; again, until told to stop. Connection errors (the server is down)
/// leave the write unacknowledged and are retried with a new one.
fn write_until_stopped(
    addr: std::net::SocketAddr,
    id: usize,
    acks: &Mutex<Vec<Ack>>,
    stop: &AtomicBool,
) {
    let mut conn: Option<Conn> = None;
    let mut round = 0usize;
    let ack = |a: Ack| {
        if let Ok(mut acks) = acks.lock() {
            acks.push(a);
        }
    };
    while !stop.load(Ordering::SeqCst) {
        round += 1;
        let name = format!("t{id}-{round}");
        let create = format!(
            r#"{{"Engine":"ChefAutomate","ServerName":"{name}","InstanceType":"m5.large","InstanceProfileArn":"{INSTANCE_PROFILE}","ServiceRoleArn":"{SERVICE_ROLE}"}}"#
        );
        let Some(body) = call(
            &mut conn,
            addr,
            &wire_request(addr, "CreateServer", &create),
        ) else {
            continue;
        };
        ack(Ack::Server(name.clone()));
        let Some(arn) = json_strings(&body, "ServerArn").into_iter().next() else {
            continue;
        };
        for n in 0..2 {
            let key = format!("k{n}");
            let tag =
                format!(r#"{{"ResourceArn":"{arn}","Tags":[{{"Key":"{key}","Value":"v"}}]}}"#);
            if call(&mut conn, addr, &wire_request(addr, "TagResource", &tag)).is_some() {
                ack(Ack::ServerTag(arn.clone(), key));
            }
        }
        let cluster = format!(r#"{{"HsmType":"hsm1.medium","SubnetIds":["{SUBNET}"]}}"#);
        if let Some(body) = call(
            &mut conn,
            addr,
            &hsm_request(addr, "CreateCluster", &cluster),
        ) && let Some(cluster_id) = json_strings(&body, "ClusterId").into_iter().next()
        {
            ack(Ack::Cluster(cluster_id.clone()));
            let key = format!("w{id}");
            let tag = format!(
                r#"{{"ResourceId":"{cluster_id}","TagList":[{{"Key":"{key}","Value":"v"}}]}}"#
            );
            if call(&mut conn, addr, &hsm_request(addr, "TagResource", &tag)).is_some() {
                ack(Ack::ClusterTag(cluster_id, key));
            }
        }
        // By now the server is usually HEALTHY (a simulated minute at 600x).
        let backup = format!(r#"{{"ServerName":"{name}"}}"#);
        if let Some(body) = call(
            &mut conn,
            addr,
            &wire_request(addr, "CreateBackup", &backup),
        ) && let Some(backup_id) = json_strings(&body, "BackupId").into_iter().next()
        {
            ack(Ack::Backup(backup_id));
        }
    }
}

/// Sends `request`; the body of a 200, or `None` (not acknowledged).
fn call(conn: &mut Option<Conn>, addr: std::net::SocketAddr, request: &[u8]) -> Option<String> {
    if conn.is_none() {
        match Conn::connect(addr) {
            Ok(fresh) => *conn = Some(fresh),
            Err(_) => {
                thread::sleep(Duration::from_millis(50));
                return None;
            }
        }
    }
    let open = conn.as_mut()?;
    match open.call(request) {
        Ok((200, body)) => {
            if open.closed {
                *conn = None;
            }
            Some(String::from_utf8_lossy(&body).into_owned())
        }
        Ok(_) => {
            if open.closed {
                *conn = None;
            }
            None
        }
        Err(_) => {
            *conn = None;
            None
        }
    }
}

/// The acknowledged writes the restarted server does not have.
fn lost_writes(addr: std::net::SocketAddr, acks: &[Ack]) -> Result<Vec<Ack>> {
    let mut conn = Conn::connect(addr)?;
    let servers: BTreeSet<String> = list_all(&mut conn, addr, "opsworks", "ServerName")?;
    let backups: BTreeSet<String> = list_all(&mut conn, addr, "opsworks-backups", "BackupId")?;
    let clusters: BTreeSet<String> = list_all(&mut conn, addr, "cloudhsm", "ClusterId")?;
    let mut lost = Vec::new();
    for ack in acks {
        let present = match ack {
            Ack::Server(name) => servers.contains(name),
            Ack::Backup(id) => backups.contains(id),
            Ack::Cluster(id) => clusters.contains(id),
            Ack::ServerTag(arn, key) => {
                let body = format!(r#"{{"ResourceArn":"{arn}"}}"#);
                let (_, answer) = conn.call(&wire_request(addr, "ListTagsForResource", &body))?;
                json_strings(&String::from_utf8_lossy(&answer), "Key").contains(key)
            }
            Ack::ClusterTag(id, key) => {
                let body = format!(r#"{{"ResourceId":"{id}"}}"#);
                let (_, answer) = conn.call(&hsm_request(addr, "ListTags", &body))?;
                json_strings(&String::from_utf8_lossy(&answer), "Key").contains(key)
            }
        };
        if !present {
            lost.push(ack.clone());
        }
    }
    Ok(lost)
}

/// Every `field` of every item of a paginated Describe.
fn list_all(
    conn: &mut Conn,
    addr: std::net::SocketAddr,
    what: &str,
    field: &str,
) -> Result<BTreeSet<String>> {
    let mut found = BTreeSet::new();
    let mut token: Option<String> = None;
    loop {
        let next = token
            .as_ref()
            .map(|t| format!(r#","NextToken":"{t}""#))
            .unwrap_or_default();
        let request = match what {
            "opsworks" => wire_request(
                addr,
                "DescribeServers",
                &format!(r#"{{"MaxResults":100{next}}}"#),
            ),
            "opsworks-backups" => wire_request(
                addr,
                "DescribeBackups",
                &format!(r#"{{"MaxResults":100{next}}}"#),
            ),
            // CloudHSM pages at most 25.
            _ => hsm_request(
                addr,
                "DescribeClusters",
                &format!(r#"{{"MaxResults":25{next}}}"#),
            ),
        };
        let (status, body) = conn.call(&request)?;
        let body = String::from_utf8_lossy(&body).into_owned();
        if status != 200 {
            return Err(Error::new(format!("listing {what}: {status} {body}")));
        }
        found.extend(json_strings(&body, field));
        token = json_strings(&body, "NextToken").into_iter().next();
        if token.is_none() {
            return Ok(found);
        }
    }
}

/// How many resources are still in a transition 60 s after the restart.
fn stuck_transitions(addr: std::net::SocketAddr) -> Result<usize> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let mut conn = Conn::connect(addr)?;
        let mut stuck = 0;
        for (request, field) in [
            (wire_request(addr, "DescribeServers", "{}"), "Status"),
            (wire_request(addr, "DescribeBackups", "{}"), "Status"),
            (hsm_request(addr, "DescribeClusters", "{}"), "State"),
        ] {
            let (_, body) = conn.call(&request)?;
            stuck += json_strings(&String::from_utf8_lossy(&body), field)
                .iter()
                .filter(|s| IN_FLIGHT.contains(&s.as_str()) || s.as_str() == "IN_PROGRESS")
                .count();
        }
        if stuck == 0 || Instant::now() > deadline {
            return Ok(stuck);
        }
        thread::sleep(Duration::from_millis(250));
    }
}
