//! The public SigV4 test suite (`backend/tests/sigv4-suite`, from the AWS
//! CRT `aws-signing-test-suite` as shipped in the `aws-sigv4` crate): every
//! normalized-path case must verify, and produce the suite's canonical request.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};

use super::canonical::{SignedParts, canonical_request};
use super::{AuthError, Verifier};
use crate::clock::ManualClock;

/// One suite case: the signed request and its context.
struct Case {
    name: String,
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    access_key_id: String,
    secret: String,
    region: String,
    service: String,
    time: DateTime<Utc>,
    canonical: String,
}

impl Case {
    fn parts(&self) -> SignedParts<'_> {
        SignedParts {
            method: &self.method,
            path: &self.path,
            query: &self.query,
            headers: &self.headers,
            body: &self.body,
        }
    }

    fn verifier(&self, skew: TimeDelta) -> Verifier {
        Verifier::new(
            [(self.access_key_id.clone(), self.secret.clone())],
            Arc::new(ManualClock::new(self.time + skew)),
        )
    }

    fn verify(&self) -> Result<String, AuthError> {
        self.verifier(TimeDelta::zero())
            .verify(&self.parts(), &self.service, Some(&self.region))
    }

    fn with_header(&self, name: &str, value: &str) -> Self {
        let mut headers = self.headers.clone();
        for (n, v) in &mut headers {
            if n.eq_ignore_ascii_case(name) {
                *v = value.to_owned();
            }
        }
        Self {
            headers,
            name: self.name.clone(),
            method: self.method.clone(),
            path: self.path.clone(),
            query: self.query.clone(),
            body: self.body.clone(),
            access_key_id: self.access_key_id.clone(),
            secret: self.secret.clone(),
            region: self.region.clone(),
            service: self.service.clone(),
            time: self.time,
            canonical: self.canonical.clone(),
        }
    }
}

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sigv4-suite")
}

fn load(dir: &Path) -> Case {
    let read = |file: &str| std::fs::read_to_string(dir.join(file)).unwrap();
    let context: serde_json::Value = serde_json::from_str(&read("context.json")).unwrap();
    let text = read("header-signed-request.txt");
    let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let request_line = lines.next().unwrap();
    let mut words = request_line.splitn(2, ' ');
    let method = words.next().unwrap().to_owned();
    let target = words.next().unwrap().trim_end_matches(" HTTP/1.1");
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with(' ') {
            // An obsolete folded line continues the previous header.
            let last = headers.last_mut().unwrap();
            last.1 = format!("{} {}", last.1, line.trim());
        } else {
            let (name, value) = line.split_once(':').unwrap();
            headers.push((name.to_owned(), value.to_owned()));
        }
    }
    let text = |key: &str| context[key].as_str().unwrap().to_owned();
    Case {
        name: dir.file_name().unwrap().to_string_lossy().into_owned(),
        method,
        path: path.to_owned(),
        query: query.to_owned(),
        headers,
        body: body.as_bytes().to_vec(),
        access_key_id: context["credentials"]["access_key_id"]
            .as_str()
            .unwrap()
            .to_owned(),
        secret: context["credentials"]["secret_access_key"]
            .as_str()
            .unwrap()
            .to_owned(),
        region: text("region"),
        service: text("service"),
        time: text("timestamp").parse().unwrap(),
        canonical: read("header-canonical-request.txt"),
    }
}

fn cases() -> Vec<Case> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(suite_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("context.json").exists())
        .collect();
    dirs.sort();
    dirs.iter().map(|d| load(d)).collect()
}

fn signed_headers(case: &Case) -> Vec<String> {
    let auth = &case
        .headers
        .iter()
        .find(|(n, _)| n == "Authorization")
        .unwrap()
        .1;
    let list = auth.split("SignedHeaders=").nth(1).unwrap();
    list.split(',')
        .next()
        .unwrap()
        .split(';')
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_suite_case_verifies_with_the_suites_canonical_request() {
    let cases = cases();
    assert!(
        cases.len() >= 30,
        "suite not found in {}",
        suite_dir().display()
    );
    for case in &cases {
        let names = signed_headers(case);
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        assert_eq!(
            canonical_request(&case.parts(), &names),
            case.canonical,
            "canonical request of {}",
            case.name
        );
        assert_eq!(case.verify(), Ok("AKIDEXAMPLE".to_owned()), "{}", case.name);
    }
}

fn vanilla() -> Case {
    load(&suite_dir().join("get-vanilla"))
}

fn message(err: AuthError) -> String {
    crate::error::ServiceError::from(err).to_string()
}

#[test]
fn a_wrong_secret_does_not_match() {
    let mut case = vanilla();
    case.secret = "not-the-secret".to_owned();
    let err = case.verify().unwrap_err();
    assert!(message(err).starts_with(
        "InvalidSignatureException: The request signature we calculated does not match"
    ));
}

#[test]
fn a_changed_request_does_not_match() {
    let mut case = vanilla();
    case.path = "/other".to_owned();
    assert!(matches!(case.verify(), Err(AuthError::Invalid(_))));
    let mut case = vanilla();
    case.body = b"{}".to_vec();
    assert!(matches!(case.verify(), Err(AuthError::Invalid(_))));
}

#[test]
fn unknown_keys_are_unrecognized_clients() {
    let mut case = vanilla();
    case.access_key_id = "AKIDOTHER".to_owned();
    assert_eq!(
        message(case.verify().unwrap_err()),
        "UnrecognizedClientException: The security token included in the request is invalid."
    );
}

#[test]
fn a_missing_header_is_a_missing_token() {
    let mut case = vanilla();
    case.headers.retain(|(n, _)| n != "Authorization");
    assert_eq!(
        message(case.verify().unwrap_err()),
        "MissingAuthenticationTokenException: Missing Authentication Token"
    );
}

#[test]
fn an_incomplete_header_says_what_is_missing() {
    let case = vanilla().with_header(
        "Authorization",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request",
    );
    let text = message(case.verify().unwrap_err());
    assert!(text.starts_with("IncompleteSignatureException: Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter."), "{text}");
}

#[test]
fn requests_older_or_newer_than_fifteen_minutes_are_refused() {
    let case = vanilla();
    let params = (&case.service, Some(case.region.as_str()));
    let at = |skew: i64| {
        case.verifier(TimeDelta::minutes(skew))
            .verify(&case.parts(), params.0, params.1)
    };
    assert!(at(14).is_ok());
    assert!(at(-14).is_ok());
    assert_eq!(
        message(at(16).unwrap_err()),
        "InvalidSignatureException: Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z (20150830T125200Z - 15 min.)"
    );
    assert!(message(at(-16).unwrap_err()).contains("Signature not yet current"));
}

#[test]
fn the_scope_must_name_this_region_and_service() {
    let case = vanilla();
    let verifier = case.verifier(TimeDelta::zero());
    let err = verifier
        .verify(&case.parts(), "service", Some("eu-west-1"))
        .unwrap_err();
    assert!(
        message(err).contains("Credential should be scoped to a valid region, not 'us-east-1'")
    );
    let err = verifier
        .verify(&case.parts(), "opsworks-cm", Some("us-east-1"))
        .unwrap_err();
    assert!(message(err).contains("Credential should be scoped to correct service: 'opsworks-cm'"));
    assert!(verifier.verify(&case.parts(), "service", None).is_ok());
}

#[test]
fn the_secret_never_shows_in_debug_output() {
    let case = vanilla();
    let text = format!("{:?}", case.verifier(TimeDelta::zero()));
    assert!(text.contains("AKIDEXAMPLE"));
    assert!(!text.contains(&case.secret));
}
