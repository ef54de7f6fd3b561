//! Synthetic states for the bench: an account of any size, cloned from a
//! small real one (an export of a `--seed-demo` account), in the format
//! `--load-state` reads.

use serde_json::{Value, json};

use crate::{Error, Result};

/// Servers' share of the resources; backups, events and CloudHSM backups
/// have the rest in equal parts.
const SERVER_SHARE: usize = 10;

/// How many of each kind a state of about `resources` holds:
/// `(servers, backups, events, CloudHSM backups)`.
pub(crate) fn mix(resources: usize) -> (usize, usize, usize, usize) {
    let servers = (resources / SERVER_SHARE).max(1);
    let each = resources.saturating_sub(servers) / 3;
    (servers, each, each, each)
}

/// The name of the `i`-th synthetic server.
pub(crate) fn server_name(i: usize) -> String {
    format!("bench-{i:06}")
}

/// A state document of about `resources` records made from `template` (an
/// exported account with at least one server, one backup and one event).
///
/// # Errors
/// When the template lacks one of them.
pub(crate) fn state(template: &str, resources: usize) -> Result<String> {
    let mut doc: Value = serde_json::from_str(template)
        .map_err(|e| Error::new(format!("the template state is not JSON: {e}")))?;
    let ops = &doc["opsworkscm"];
    let first = |key: &str| -> Result<Value> {
        ops[key]
            .get(0)
            .cloned()
            .ok_or_else(|| Error::new(format!("the template state has no {key}")))
    };
    let (server, backup, event) = (first("servers")?, first("backups")?, first("events")?);
    let server_of = |record: &Value, path: &[&str]| -> Result<String> {
        path.iter()
            .fold(record, |v, k| &v[*k])
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| Error::new("the template record has no server name"))
    };
    let server_tpl = serde_json::to_string(&server).unwrap_or_default();
    let server_name_tpl = server_of(&server, &["server", "ServerName"])?;
    let backup_tpl = serde_json::to_string(&backup).unwrap_or_default();
    let backup_server = server_of(&backup, &["backup", "ServerName"])?;
    let backup_id = server_of(&backup, &["backup", "BackupId"])?;
    let stamp = backup_id
        .strip_prefix(&format!("{backup_server}-"))
        .ok_or_else(|| Error::new("the template backup id does not start with its server"))?
        .to_owned();
    let event_tpl = serde_json::to_string(&event).unwrap_or_default();
    let event_server = server_of(&event, &["event", "ServerName"])?;

    let (servers, backups, events, hsm_backups) = mix(resources);
    let clone = |text: &str, from: &str, to: &str| -> Value {
        serde_json::from_str(&text.replace(from, to)).unwrap_or(Value::Null)
    };
    let servers_out: Vec<Value> = (0..servers)
        .map(|i| clone(&server_tpl, &server_name_tpl, &server_name(i)))
        .collect();
    let backups_out: Vec<Value> = (0..backups)
        .map(|i| {
            let text = backup_tpl
                .replace(
                    &stamp,
                    &format!("{}{:06}", &stamp[..stamp.len().min(11)], i),
                )
                .replace(&backup_server, &server_name(i % servers));
            serde_json::from_str(&text).unwrap_or(Value::Null)
        })
        .collect();
    let events_out: Vec<Value> = (0..events)
        .map(|i| {
            let mut event = clone(&event_tpl, &event_server, &server_name(i % servers));
            event["seq"] = json!(i / servers + 1);
            event
        })
        .collect();
    let hsm_out: Vec<Value> = (0..hsm_backups).map(hsm_backup).collect();
    doc["opsworkscm"]["servers"] = Value::Array(servers_out);
    doc["opsworkscm"]["backups"] = Value::Array(backups_out);
    doc["opsworkscm"]["events"] = Value::Array(events_out);
    doc["opsworkscm"]["nodeAssociations"] = json!([]);
    doc["cloudhsmv2"] = json!({ "clusters": [], "backups": hsm_out });
    Ok(doc.to_string())
}

/// Eleven lowercase base-36 digits of `n`: the tail of a CloudHSM id.
fn id_tail(n: usize) -> String {
    let digits = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut n = n;
    let mut tail = vec![b'0'; 11];
    for slot in tail.iter_mut().rev() {
        *slot = digits[n % 36];
        n /= 36;
    }
    String::from_utf8(tail).unwrap_or_default()
}

/// A READY CloudHSM backup of a deleted cluster (backups outlive theirs).
fn hsm_backup(i: usize) -> Value {
    let id = format!("backup-{}", id_tail(i));
    json!({
        "region": "us-east-1",
        "backup": {
            "BackupId": id,
            "BackupArn": format!("arn:aws:cloudhsm:us-east-1:123456789012:backup/{id}"),
            "BackupState": "READY",
            "ClusterId": format!("cluster-{}", id_tail(i / 4)),
            "CreateTimestamp": 1_796_000_000 + i,
            "NeverExpires": false,
            "TagList": [],
            "HsmType": "hsm2m.medium",
            "Mode": "FIPS",
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_eleven_digits_and_distinct() {
        assert_eq!(id_tail(0), "00000000000");
        assert_eq!(id_tail(35), "0000000000z");
        assert_ne!(id_tail(36), id_tail(1));
    }

    #[test]
    fn a_state_holds_the_mix_it_was_asked_for() {
        let template = r#"{"opsworkscm":{"servers":[{"server":{"ServerName":"t-srv","ServerArn":"arn/t-srv"}}],
            "backups":[{"backup":{"ServerName":"t-srv","BackupId":"t-srv-20261205072902651"}}],
            "events":[{"seq":1,"event":{"ServerName":"t-srv"}}],"nodeAssociations":[]}}"#;
        let doc: Value = serde_json::from_str(&state(template, 1000).unwrap()).unwrap();
        let ops = &doc["opsworkscm"];
        assert_eq!(ops["servers"].as_array().unwrap().len(), 100);
        assert_eq!(ops["backups"].as_array().unwrap().len(), 300);
        assert_eq!(ops["servers"][7]["server"]["ServerArn"], "arn/bench-000007");
        let ids: std::collections::BTreeSet<&str> = ops["backups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["backup"]["BackupId"].as_str().unwrap())
            .collect();
        assert_eq!(ids.len(), 300, "backup ids are distinct");
        assert_eq!(doc["cloudhsmv2"]["backups"].as_array().unwrap().len(), 300);
    }
}
