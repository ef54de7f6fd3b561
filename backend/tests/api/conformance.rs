//! The conformance matrix, aws-sdk-rust half: every case of
//! `e2e/clients/conformance/cases.json` (every operation of both services,
//! its happy path and each error its model documents) called through
//! `aws-sdk-opsworkscm` and `aws-sdk-cloudhsmv2`, each on a fresh backend,
//! responses parsed into the SDKs' own types. Results go to
//! `target/conformance/aws-sdk-rust.json`, one of the three columns of the
//! README's table (`cargo xtask conformance`); any case that does not end
//! as its row says fails this test.

/// Sends the SDK request `builder` once every member of `input` is mapped
/// (see [`input::Input::finish`]); the typed output, or returns the failure.
macro_rules! send {
    ($input:expr, $builder:expr) => {{
        let builder = $builder;
        $input.finish();
        builder.send().await.map_err($crate::conformance::failure)?
    }};
}

mod cloudhsm;
mod input;
mod opsworkscm;

use std::collections::BTreeMap;
use std::fmt::Debug;

use aws_sdk_opsworkscm::error::{ProvideErrorMetadata, SdkError};
use serde_json::{Value, json};
use shared::sim_control::faults::FaultSpec;

use crate::helpers::TestApp;

const CASES: &str = include_str!("../../../e2e/clients/conformance/cases.json");
const FIXTURES: &str = include_str!("../../../e2e/clients/conformance/fixtures.json");
const SERVICES: [&str; 2] = ["opsworkscm", "cloudhsmv2"];

/// A service error as the SDK surfaced it.
#[derive(Debug)]
pub(crate) struct Failure {
    code: String,
    /// Whether the SDK matched the code to one of the operation's modeled
    /// error variants (not its catch-all `Unhandled`).
    modeled: bool,
    message: String,
}

/// What a dispatched call ends with: chosen members of the typed output, as
/// JSON the cases' dotted paths read, or the failure.
pub(crate) type Outcome = Result<Value, Failure>;

/// The failure an SDK call ended with.
pub(crate) fn failure<E, R>(err: SdkError<E, R>) -> Failure
where
    E: ProvideErrorMetadata + Debug,
    R: Debug,
{
    match err.as_service_error() {
        Some(service) => {
            let code = service.code().unwrap_or_default().to_owned();
            // Each modeled variant is named after its error code.
            let modeled = format!("{service:?}").starts_with(&format!("{code}("));
            Failure {
                modeled,
                message: service.message().unwrap_or_default().to_owned(),
                code,
            }
        }
        None => Failure {
            code: "client error".to_owned(),
            modeled: false,
            message: format!("{err:?}"),
        },
    }
}

/// Replaces `$name` in every string of `value` with `vars[name]`, again
/// while a replacement brings in more names (the policy names the ARN).
fn substitute(value: &Value, vars: &BTreeMap<String, String>) -> Value {
    match value {
        Value::String(s) => {
            let mut text = s.clone();
            for _ in 0..3 {
                let next = replace_vars(&text, vars);
                if next == text {
                    break;
                }
                text = next;
            }
            Value::String(text)
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| substitute(v, vars)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), substitute(v, vars)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn replace_vars(text: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let len = after
            .find(|c: char| !(c.is_ascii_lowercase() || c == '_'))
            .unwrap_or(after.len());
        match vars.get(&after[..len]) {
            Some(value) if len > 0 => out.push_str(value),
            _ => out.push_str(&rest[at..=at + len]),
        }
        rest = &after[len..];
    }
    out.push_str(rest);
    out
}

/// The value at dotted `path` (list items by index).
fn lookup<'a>(mut doc: &'a Value, path: &str) -> Option<&'a Value> {
    for part in path.split('.') {
        doc = match part.parse::<usize>() {
            Ok(i) => doc.get(i)?,
            Err(_) => doc.get(part)?,
        };
    }
    (!doc.is_null() && doc != "").then_some(doc)
}

/// One case's run: a fresh backend, its setup, its call.
struct Run<'a> {
    app: TestApp,
    hsm: aws_sdk_cloudhsmv2::Client,
    fixtures: &'a Value,
    vars: BTreeMap<String, String>,
}

impl Run<'_> {
    async fn call(&self, service: &str, op: &str, input: &Value) -> Outcome {
        let input = substitute(input, &self.vars);
        match service {
            "opsworkscm" => opsworkscm::call(&self.app.client, op, &input).await,
            _ => cloudhsm::call(&self.hsm, op, &input).await,
        }
    }

    async fn steps(&mut self, service: &str, steps: &[Value]) {
        for step in steps {
            if let Some(name) = step.as_str().or_else(|| step["use"].as_str()) {
                let fixture = self.fixtures["fixtures"][name].clone();
                let steps = fixture.as_array().expect("a known fixture");
                Box::pin(self.steps(service, steps)).await;
            } else if let Some(seconds) = step["advance"].as_u64() {
                self.app.advance(seconds).await;
            } else if let Some(times) = step["repeat"].as_u64() {
                let inner = step["steps"].as_array().expect("repeat steps");
                for i in 0..times {
                    self.vars.insert("i".to_owned(), i.to_string());
                    Box::pin(self.steps(service, inner)).await;
                }
            } else if let Some(csr) = step["sign_csr"].as_str() {
                let csr = substitute(&json!(csr), &self.vars);
                let (signed, anchor) = crate::cloudhsm::sign_csr(csr.as_str().unwrap_or_default());
                let made = json!({"signed": signed, "anchor": anchor});
                self.save(&step["save"], &made);
            } else {
                let op = step["call"].as_str().expect("a step calls an operation");
                let service = step["service"].as_str().unwrap_or(service);
                let response = self
                    .call(service, op, &step["input"])
                    .await
                    .unwrap_or_else(|f| panic!("setup {op} failed: {f:?}"));
                self.save(&step["save"], &response);
            }
        }
    }

    fn save(&mut self, save: &Value, from: &Value) {
        for (var, path) in save.as_object().into_iter().flatten() {
            let path = path.as_str().unwrap_or_default();
            let value = lookup(from, path).unwrap_or_else(|| panic!("no {path} in {from}"));
            let value = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            self.vars.insert(var.clone(), value);
        }
    }
}

/// Runs one case; "pass" or what went wrong.
async fn run_case(service: &str, case: &Value, fixtures: &Value) -> String {
    let app = TestApp::spawn().await;
    let hsm = crate::cloudhsm::hsm_client(&app, "us-east-1");
    let mut vars: BTreeMap<String, String> = fixtures["vars"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
        .collect();
    let window = app.sim.now() + chrono::Duration::days(3);
    vars.insert(
        "maintenance_window".to_owned(),
        window.format("%a:%H:00").to_string(),
    );
    let mut run = Run {
        app,
        hsm,
        fixtures,
        vars,
    };
    let given = case["given"].as_array().cloned().unwrap_or_default();
    run.steps(service, &given).await;
    let op = case["op"].as_str().unwrap_or_default();
    let expect = case["expect"].as_str().unwrap_or_default();
    if case["inject"].as_bool() == Some(true) {
        let spec: FaultSpec =
            serde_json::from_value(json!({"kind": "error", "code": expect, "operation": op}))
                .expect("a fault spec");
        run.app.sim.add_fault(spec).expect("the fault is accepted");
    }
    match run.call(service, op, &case["input"]).await {
        Err(failure) if expect == "ok" => format!("failed with {failure:?}"),
        Err(failure) if failure.code != expect => {
            format!("got {}: {}", failure.code, failure.message)
        }
        Err(failure) if !failure.modeled => format!("{} not a modeled error", failure.code),
        Err(_) => "pass".to_owned(),
        Ok(_) if expect != "ok" => "succeeded".to_owned(),
        Ok(response) => {
            let absent: Vec<&str> = case["returns"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .filter(|path| lookup(&response, path).is_none())
                .collect();
            if absent.is_empty() {
                "pass".to_owned()
            } else {
                format!("response lacks {}", absent.join(", "))
            }
        }
    }
}

#[tokio::test]
async fn every_operation_and_documented_error_through_aws_sdk_rust() {
    let cases: Value = serde_json::from_str(CASES).expect("cases.json parses");
    let fixtures: Value = serde_json::from_str(FIXTURES).expect("fixtures.json parses");
    let mut results = serde_json::Map::new();
    let mut failed = Vec::new();
    for service in SERVICES {
        for case in cases[service].as_array().expect("a list of cases") {
            if case.get("not_produced").is_some() {
                continue;
            }
            let id = format!("{service} {} {}", case["op"], case["expect"]).replace('"', "");
            let outcome = run_case(service, case, &fixtures).await;
            if outcome != "pass" {
                failed.push(format!("{id}: {outcome}"));
            }
            results.insert(id, Value::String(outcome));
        }
    }
    let label = format!(
        "aws-sdk-rust (opsworkscm {}, cloudhsmv2 {})",
        aws_sdk_opsworkscm::meta::PKG_VERSION,
        aws_sdk_cloudhsmv2::meta::PKG_VERSION
    );
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/conformance");
    std::fs::create_dir_all(&dir).expect("target/conformance");
    let report = json!({"client": label, "results": results});
    std::fs::write(
        dir.join("aws-sdk-rust.json"),
        serde_json::to_string_pretty(&report).expect("json"),
    )
    .expect("write the results");
    assert!(failed.is_empty(), "cases failed:\n{}", failed.join("\n"));
}
