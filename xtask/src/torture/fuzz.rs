//! Valid requests to every operation of both services, on both doors,
//! mutated field by field (wrong types; huge, negative, NaN numbers; long
//! strings; bad UTF-8; deep nesting; truncated bodies; wrong headers).
//! Every answer must be a clear 4xx or 2xx: no panic, no 5xx, no dropped
//! connection without an answer, and the process alive at the end.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use super::{Rng, Scale, expect_zero};
use crate::harness::{Backend, Conn, Scratch};
use crate::{Error, Result};

const WORKERS: usize = 4;
const OPSWORKS: &str = "OpsWorksCM_V2016_11_01";
const CLOUDHSM: &str = "BaldrApiService";
const ARN: &str = r#""arn:aws:opsworks-cm:us-east-1:123456789012:server/fuzz/0b8b8a0e-3d5c-4c7a-9b3e-000000000000""#;

/// A valid request: service target prefix, operation, fields (JSON text).
type Template = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const TEMPLATES: &[Template] = &[
    (
        OPSWORKS,
        "AssociateNode",
        &[
            ("ServerName", r#""fuzz""#),
            ("NodeName", r#""node-1""#),
            (
                "EngineAttributes",
                r#"[{"Name":"CHEF_ORGANIZATION","Value":"default"},{"Name":"CHEF_NODE_PUBLIC_KEY","Value":"x"}]"#,
            ),
        ],
    ),
    (
        OPSWORKS,
        "CreateBackup",
        &[
            ("ServerName", r#""fuzz""#),
            ("Description", r#""d""#),
            ("Tags", r#"[{"Key":"k","Value":"v"}]"#),
        ],
    ),
    (
        OPSWORKS,
        "CreateServer",
        &[
            ("Engine", r#""ChefAutomate""#),
            ("ServerName", r#""fuzz""#),
            ("InstanceType", r#""m5.large""#),
            (
                "InstanceProfileArn",
                r#""arn:aws:iam::123456789012:instance-profile/p""#,
            ),
            ("ServiceRoleArn", r#""arn:aws:iam::123456789012:role/r""#),
            ("BackupRetentionCount", "10"),
            ("PreferredMaintenanceWindow", r#""Mon:08:00""#),
            ("PreferredBackupWindow", r#""03:00""#),
            (
                "EngineAttributes",
                r#"[{"Name":"CHEF_AUTOMATE_ADMIN_PASSWORD","Value":"Abcdefgh1!"}]"#,
            ),
            ("Tags", r#"[{"Key":"k","Value":"v"}]"#),
        ],
    ),
    (
        OPSWORKS,
        "DeleteBackup",
        &[("BackupId", r#""fuzz-20260101000000000""#)],
    ),
    (OPSWORKS, "DeleteServer", &[("ServerName", r#""gone""#)]),
    (OPSWORKS, "DescribeAccountAttributes", &[]),
    (
        OPSWORKS,
        "DescribeBackups",
        &[
            ("ServerName", r#""fuzz""#),
            ("MaxResults", "5"),
            ("NextToken", r#""abc""#),
        ],
    ),
    (
        OPSWORKS,
        "DescribeEvents",
        &[("ServerName", r#""fuzz""#), ("MaxResults", "5")],
    ),
    (
        OPSWORKS,
        "DescribeNodeAssociationStatus",
        &[
            ("ServerName", r#""fuzz""#),
            ("NodeAssociationStatusToken", r#""tok""#),
        ],
    ),
    (
        OPSWORKS,
        "DescribeServers",
        &[("ServerName", r#""fuzz""#), ("MaxResults", "10")],
    ),
    (
        OPSWORKS,
        "DisassociateNode",
        &[("ServerName", r#""fuzz""#), ("NodeName", r#""node-1""#)],
    ),
    (
        OPSWORKS,
        "ExportServerEngineAttribute",
        &[
            ("ServerName", r#""fuzz""#),
            ("ExportAttributeName", r#""Userdata""#),
            ("InputAttributes", r#"[{"Name":"RunList","Value":"r"}]"#),
        ],
    ),
    (
        OPSWORKS,
        "ListTagsForResource",
        &[("ResourceArn", ARN), ("MaxResults", "5")],
    ),
    (
        OPSWORKS,
        "RestoreServer",
        &[
            ("ServerName", r#""fuzz""#),
            ("BackupId", r#""fuzz-20260101000000000""#),
            ("InstanceType", r#""m5.large""#),
        ],
    ),
    (
        OPSWORKS,
        "StartMaintenance",
        &[
            ("ServerName", r#""fuzz""#),
            (
                "EngineAttributes",
                r#"[{"Name":"CHEF_MAJOR_UPGRADE","Value":"true"}]"#,
            ),
        ],
    ),
    (
        OPSWORKS,
        "TagResource",
        &[
            ("ResourceArn", ARN),
            ("Tags", r#"[{"Key":"k","Value":"v"}]"#),
        ],
    ),
    (
        OPSWORKS,
        "UntagResource",
        &[("ResourceArn", ARN), ("TagKeys", r#"["k"]"#)],
    ),
    (
        OPSWORKS,
        "UpdateServer",
        &[
            ("ServerName", r#""fuzz""#),
            ("BackupRetentionCount", "3"),
            ("DisableAutomatedBackup", "false"),
            ("PreferredBackupWindow", r#""04:00""#),
        ],
    ),
    (
        OPSWORKS,
        "UpdateServerEngineAttributes",
        &[
            ("ServerName", r#""fuzz""#),
            ("AttributeName", r#""CHEF_PIVOTAL_KEY""#),
        ],
    ),
    (
        CLOUDHSM,
        "CopyBackupToRegion",
        &[
            ("DestinationRegion", r#""us-west-2""#),
            ("BackupId", r#""backup-abcdefghijk""#),
            ("TagList", r#"[{"Key":"k","Value":"v"}]"#),
        ],
    ),
    (
        CLOUDHSM,
        "CreateCluster",
        &[
            ("HsmType", r#""hsm1.medium""#),
            ("SubnetIds", r#"["subnet-0a1b2c3d4e5f60718"]"#),
            ("BackupRetentionPolicy", r#"{"Type":"DAYS","Value":"90"}"#),
            ("TagList", r#"[{"Key":"k","Value":"v"}]"#),
        ],
    ),
    (
        CLOUDHSM,
        "CreateHsm",
        &[
            ("ClusterId", r#""cluster-abcdefghijk""#),
            ("AvailabilityZone", r#""us-east-1a""#),
            ("IpAddress", r#""10.0.0.5""#),
        ],
    ),
    (
        CLOUDHSM,
        "DeleteBackup",
        &[("BackupId", r#""backup-abcdefghijk""#)],
    ),
    (
        CLOUDHSM,
        "DeleteCluster",
        &[("ClusterId", r#""cluster-abcdefghijk""#)],
    ),
    (
        CLOUDHSM,
        "DeleteHsm",
        &[
            ("ClusterId", r#""cluster-abcdefghijk""#),
            ("HsmId", r#""hsm-abcdefghijk""#),
        ],
    ),
    (
        CLOUDHSM,
        "DeleteResourcePolicy",
        &[(
            "ResourceArn",
            r#""arn:aws:cloudhsm:us-east-1:123456789012:backup/backup-abcdefghijk""#,
        )],
    ),
    (
        CLOUDHSM,
        "DescribeBackups",
        &[
            ("MaxResults", "5"),
            ("Filters", r#"{"states":["READY"]}"#),
            ("Shared", "false"),
            ("SortAscending", "true"),
        ],
    ),
    (
        CLOUDHSM,
        "DescribeClusters",
        &[
            ("MaxResults", "5"),
            ("Filters", r#"{"clusterIds":["cluster-abcdefghijk"]}"#),
        ],
    ),
    (
        CLOUDHSM,
        "GetResourcePolicy",
        &[(
            "ResourceArn",
            r#""arn:aws:cloudhsm:us-east-1:123456789012:backup/backup-abcdefghijk""#,
        )],
    ),
    (
        CLOUDHSM,
        "InitializeCluster",
        &[
            ("ClusterId", r#""cluster-abcdefghijk""#),
            (
                "SignedCert",
                r#""-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----""#,
            ),
            (
                "TrustAnchor",
                r#""-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----""#,
            ),
        ],
    ),
    (
        CLOUDHSM,
        "ListTags",
        &[
            ("ResourceId", r#""cluster-abcdefghijk""#),
            ("MaxResults", "5"),
        ],
    ),
    (
        CLOUDHSM,
        "ModifyBackupAttributes",
        &[
            ("BackupId", r#""backup-abcdefghijk""#),
            ("NeverExpires", "true"),
        ],
    ),
    (
        CLOUDHSM,
        "ModifyCluster",
        &[
            ("ClusterId", r#""cluster-abcdefghijk""#),
            ("BackupRetentionPolicy", r#"{"Type":"DAYS","Value":"30"}"#),
        ],
    ),
    (
        CLOUDHSM,
        "PutResourcePolicy",
        &[
            (
                "ResourceArn",
                r#""arn:aws:cloudhsm:us-east-1:123456789012:backup/backup-abcdefghijk""#,
            ),
            ("Policy", r#""{}""#),
        ],
    ),
    (
        CLOUDHSM,
        "RestoreBackup",
        &[("BackupId", r#""backup-abcdefghijk""#)],
    ),
    (
        CLOUDHSM,
        "TagResource",
        &[
            ("ResourceId", r#""cluster-abcdefghijk""#),
            ("TagList", r#"[{"Key":"k","Value":"v"}]"#),
        ],
    ),
    (
        CLOUDHSM,
        "UntagResource",
        &[
            ("ResourceId", r#""cluster-abcdefghijk""#),
            ("TagKeyList", r#"["k"]"#),
        ],
    ),
];

/// Simulator-control calls (the console's third door): path and fields.
const CONTROLS: &[(&str, &[(&str, &str)])] = &[
    ("/api/sim/speed", &[("speed", "2")]),
    ("/api/sim/clock/advance", &[("seconds", "60")]),
    (
        "/api/sim/servers/fuzz/health",
        &[
            ("status", r#""UNHEALTHY""#),
            ("reason", r#""r""#),
            ("recoverAfterSeconds", "30"),
        ],
    ),
];

/// Values that replace a field's valid one.
fn bad_value(rng: &mut Rng) -> Vec<u8> {
    let long = |n: usize| format!("\"{}\"", "a".repeat(n)).into_bytes();
    match rng.below(22) {
        0 => b"\"s\"".to_vec(),
        1 => b"1".to_vec(),
        2 => b"true".to_vec(),
        3 => b"null".to_vec(),
        4 => b"[]".to_vec(),
        5 => b"{}".to_vec(),
        6 => b"1e308".to_vec(),
        7 => b"-1e308".to_vec(),
        8 => b"18446744073709551616".to_vec(),
        9 => b"-1".to_vec(),
        10 => b"NaN".to_vec(),
        11 => b"1e99999".to_vec(),
        12 => long(1 + rng.below(300)),
        13 => long(100_000),
        14 => b"\"\xff\xfe\xfd\"".to_vec(),
        15 => b"\"\\u0000\\ud800\"".to_vec(),
        16 => {
            let depth = 1 + rng.below(5000);
            let mut nested = "[".repeat(depth);
            nested.push_str(&"]".repeat(depth));
            nested.into_bytes()
        }
        17 => b"[{\"Name\":1,\"Value\":[]}]".to_vec(),
        18 => b"\"\xe2\x80\xae\xf0\x9f\x92\xa5\"".to_vec(),
        19 => b"0.000000000000000000000000001".to_vec(),
        20 => b"-0".to_vec(),
        _ => b"[{\"Key\":\"aws:x\",\"Value\":\"\"}]".to_vec(),
    }
}

/// A body: the template's fields with one changed, dropped or doubled (or
/// none, sometimes), or an invalid body altogether.
fn body(fields: &[(&str, &str)], rng: &mut Rng) -> Vec<u8> {
    match rng.below(12) {
        0 => return Vec::new(),
        1 => return b"not json".to_vec(),
        2 => return b"[]".to_vec(),
        _ => {}
    }
    let target = if fields.is_empty() {
        None
    } else {
        Some(rng.below(fields.len()))
    };
    let action = rng.below(6);
    let mut out = b"{".to_vec();
    let mut first = true;
    for (i, (name, value)) in fields.iter().enumerate() {
        let value: Vec<u8> = match (target == Some(i), action) {
            (true, 0) => continue,                  // dropped
            (true, 1) => value.as_bytes().to_vec(), // kept: a valid call now and then
            (true, _) => bad_value(rng),
            _ => value.as_bytes().to_vec(),
        };
        if !first {
            out.push(b',');
        }
        first = false;
        out.extend_from_slice(format!("\"{name}\":").as_bytes());
        out.extend_from_slice(&value);
        if target == Some(i) && action == 2 {
            out.extend_from_slice(format!(",\"{name}\":").as_bytes()); // doubled
            out.extend_from_slice(&bad_value(rng));
        }
    }
    if rng.below(8) == 0 {
        if !first {
            out.push(b',');
        }
        out.extend_from_slice(b"\"Unknown\":");
        out.extend_from_slice(&bad_value(rng));
    }
    out.push(b'}');
    out
}

/// One request: door, headers and body, with its framing maybe broken.
struct Request {
    bytes: Vec<u8>,
    /// The body is cut short and the write side closed after sending.
    truncated: bool,
    label: String,
}

fn request(addr: SocketAddr, rng: &mut Rng) -> Request {
    let use_control = rng.below(12) == 0;
    let (path, mut headers, fields, label): (String, Vec<String>, &[(&str, &str)], String) =
        if use_control {
            let (path, fields) = *rng.pick(CONTROLS);
            (
                path.to_owned(),
                vec!["Content-Type: application/json".to_owned()],
                fields,
                path.to_owned(),
            )
        } else {
            let (prefix, op, fields) = *rng.pick(TEMPLATES);
            if rng.below(2) == 0 {
                let target = match rng.below(20) {
                    0 => format!("{prefix}.Nope"),
                    1 => format!(
                        "{}.{op}",
                        if prefix == OPSWORKS {
                            CLOUDHSM
                        } else {
                            OPSWORKS
                        }
                    ),
                    _ => format!("{prefix}.{op}"),
                };
                let content_type = match rng.below(20) {
                    0 => "text/plain",
                    1 => "application/json",
                    _ => "application/x-amz-json-1.1",
                };
                let mut headers = vec![format!("Content-Type: {content_type}")];
                if rng.below(30) != 0 {
                    headers.push(format!("X-Amz-Target: {target}"));
                }
                ("/".to_owned(), headers, fields, format!("wire {op}"))
            } else {
                let service = if prefix == OPSWORKS {
                    "opsworks-cm"
                } else {
                    "cloudhsmv2"
                };
                let content_type = if rng.below(20) == 0 {
                    "text/plain"
                } else {
                    "application/json"
                };
                (
                    format!("/api/{service}/{op}"),
                    vec![format!("Content-Type: {content_type}")],
                    fields,
                    format!("console {op}"),
                )
            }
        };
    let body = body(fields, rng);
    let truncated = rng.below(25) == 0 && !body.is_empty();
    match rng.below(40) {
        0 => headers.push(format!("X-Padding: {}", "p".repeat(200_000))),
        1 => headers.push("Content-Length: 5".to_owned()),
        _ => {}
    }
    let mut bytes = format!("POST {path} HTTP/1.1\r\nHost: {addr}\r\n").into_bytes();
    for header in headers {
        bytes.extend_from_slice(header.as_bytes());
        bytes.extend_from_slice(b"\r\n");
    }
    let sent = if truncated {
        &body[..rng.below(body.len())]
    } else {
        &body[..]
    };
    bytes.extend_from_slice(
        format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    );
    bytes.extend_from_slice(sent);
    Request {
        bytes,
        truncated,
        label,
    }
}

/// What the fuzzers found.
#[derive(Debug, Default)]
struct Findings {
    requests: AtomicUsize,
    server_errors: AtomicUsize,
    no_answer: AtomicUsize,
    cut_off: AtomicUsize,
    examples: Mutex<Vec<String>>,
}

/// Runs the scenario for `scale.fuzz_time`.
pub(super) fn run(binary: &Path, scratch: &Scratch, scale: Scale) -> Result {
    let args = ["--in-memory", "--rate-limit", "0", "--seed-demo"];
    let mut backend = Backend::start(binary, &args, scratch)?;
    let addr = backend.addr;
    // A server named `fuzz` so that valid calls reach deep into the handlers.
    let create = r#"{"Engine":"ChefAutomate","ServerName":"fuzz","InstanceType":"m5.large","InstanceProfileArn":"arn:aws:iam::123456789012:instance-profile/p","ServiceRoleArn":"arn:aws:iam::123456789012:role/r"}"#;
    let _ = Conn::connect(addr)?.call(&crate::harness::wire_request(addr, "CreateServer", create));
    let rss_start = backend.rss_kb().unwrap_or(0);
    let findings = Arc::new(Findings::default());
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..WORKERS)
        .map(|n| {
            let findings = Arc::clone(&findings);
            let stop = Arc::clone(&stop);
            thread::spawn(move || fuzz_until_stopped(addr, n as u64, &findings, &stop))
        })
        .collect();
    thread::sleep(scale.fuzz_time);
    stop.store(true, Ordering::SeqCst);
    for worker in workers {
        let _ = worker.join();
    }
    let alive = backend.is_alive();
    let health = Conn::connect(addr)
        .and_then(|mut c| {
            c.call(format!("GET /api/health HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
        })
        .map(|(status, _)| status)
        .unwrap_or(0);
    let rss_end = backend.rss_kb().unwrap_or(0);
    let panics = backend.log_text().matches("panicked").count();
    let requests = findings.requests.load(Ordering::SeqCst);
    let server_errors = findings.server_errors.load(Ordering::SeqCst);
    let no_answer = findings.no_answer.load(Ordering::SeqCst);
    println!(
        "{requests} requests in {:?} on both doors and the simulator controls",
        scale.fuzz_time
    );
    println!("panics: {panics}, 5xx: {server_errors}, closed without an answer: {no_answer}");
    println!(
        "answered early, before the client finished sending (not counted): {}",
        findings.cut_off.load(Ordering::SeqCst)
    );
    println!(
        "alive: {}, /api/health: {health}, RSS {:.1} MB at start, {:.1} MB at end",
        if alive { "yes" } else { "no" },
        rss_start as f64 / 1024.0,
        rss_end as f64 / 1024.0
    );
    if let Ok(examples) = findings.examples.lock() {
        for example in examples.iter().take(10) {
            println!("  {example}");
        }
    }
    expect_zero("panics", panics)?;
    expect_zero("5xx answers", server_errors)?;
    expect_zero("requests closed without an answer", no_answer)?;
    if !alive || health != 200 {
        return Err(Error::new("the service did not survive"));
    }
    Ok(())
}

fn fuzz_until_stopped(addr: SocketAddr, salt: u64, findings: &Findings, stop: &AtomicBool) {
    let mut rng = Rng::new(salt + 100);
    while !stop.load(Ordering::SeqCst) {
        let request = request(addr, &mut rng);
        findings.requests.fetch_add(1, Ordering::SeqCst);
        match send(addr, &request) {
            Ok(Ending::CutOffWhileSending) => {
                findings.cut_off.fetch_add(1, Ordering::SeqCst);
            }
            Ok(Ending::Answer(status)) if status >= 500 => {
                findings.server_errors.fetch_add(1, Ordering::SeqCst);
                note(
                    findings,
                    format!(
                        "{status} for {}: {}",
                        request.label,
                        preview(&request.bytes)
                    ),
                );
            }
            Ok(_) => {}
            Err(err) => {
                findings.no_answer.fetch_add(1, Ordering::SeqCst);
                note(
                    findings,
                    format!(
                        "no answer ({err}) for {}: {}",
                        request.label,
                        preview(&request.bytes)
                    ),
                );
            }
        }
    }
}

fn note(findings: &Findings, example: String) {
    if let Ok(mut examples) = findings.examples.lock()
        && examples.len() < 50
    {
        examples.push(example);
    }
}

fn preview(bytes: &[u8]) -> String {
    String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).replace("\r\n", " | ")
}

/// How a request ended.
enum Ending {
    /// An answer with this status.
    Answer(u16),
    /// The server answered (or closed) before the client finished sending an
    /// oversized or invalid request, so the client's write failed: the
    /// early answer, if any, was lost to the reset. Not a failure.
    CutOffWhileSending,
}

/// Sends one request on a fresh connection and reads how it ended.
/// A truncated body must still get an answer (400) or a clean close.
fn send(addr: SocketAddr, request: &Request) -> std::io::Result<Ending> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(20)))?;
    stream.set_write_timeout(Some(Duration::from_secs(20)))?;
    let mut sent = stream.write_all(&request.bytes);
    if sent.is_ok() && request.truncated {
        sent = stream.shutdown(Shutdown::Write);
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let status = std::str::from_utf8(&answer[..answer.len().min(64)])
        .ok()
        .and_then(|head| head.split_whitespace().nth(1))
        .and_then(|code| code.parse().ok());
    match (status, sent) {
        (Some(status), _) => Ok(Ending::Answer(status)),
        // A body cut short: hyper closes without an answer, which is a
        // clear end for a client that stopped sending.
        (None, Ok(())) if request.truncated => Ok(Ending::Answer(400)),
        (None, Err(_)) => Ok(Ending::CutOffWhileSending),
        (None, Ok(())) => Err(std::io::Error::other("connection closed without an answer")),
    }
}
