//! Which protections a `cmconsole serve` runs with, decided from its flags
//! before it listens, and the lines that tell the operator about them.
//!
//! Exposed (upstream mode, always, or a non-loopback `--listen`): the
//! console needs a session and the wire door SigV4 from a local key pair;
//! no flag turns either off. A simulator on loopback keeps moto's and
//! LocalStack's defaults (no session, any credentials) unless asked.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use super::StartError;
use crate::cli::ServeArgs;
use crate::clock::SystemClock;
use crate::security::secrets::{self, Secret};
use crate::security::{AllowedHosts, ConsoleSession, Guard};
use crate::sigv4::Verifier;

/// The environment variable that may hold the console token.
pub const TOKEN_ENV: &str = "CMCONSOLE_TOKEN";

/// Where the console token came from.
#[derive(Debug)]
enum TokenOrigin {
    /// Made at this start: printed in the sign-in URL.
    Generated,
    /// `--token-file` or [`TOKEN_ENV`]: never printed.
    Given(&'static str),
}

/// The local key pairs of the wire door.
#[derive(Debug)]
struct WireKeys {
    pairs: Vec<(String, Secret)>,
    /// True when cmconsole made the (one) pair, which is then printed.
    generated: bool,
}

/// The protections of one `serve`.
#[derive(Debug)]
pub struct Protections {
    exposed: bool,
    token: Option<(Secret, TokenOrigin)>,
    wire: Option<WireKeys>,
    extra_origins: Vec<crate::security::same_origin::OriginParts>,
    extra_hosts: Vec<String>,
}

impl Protections {
    /// Decides from `args`; `token_env` is the value of [`TOKEN_ENV`].
    ///
    /// # Errors
    /// An unreadable or unacceptable token, or keys that do not pair up.
    pub fn decide(args: &ServeArgs, token_env: Option<String>) -> Result<Self, StartError> {
        let exposed = args.upstream.is_some() || !args.listen.ip().is_loopback();
        let given = given_token(args.token_file.as_deref(), token_env)?;
        let token = match given {
            Some(given) => Some(given),
            None if exposed || args.require_session => {
                Some((secrets::random_token(), TokenOrigin::Generated))
            }
            None => None,
        };
        if args.access_key_id.len() != args.secret_access_key.len() {
            return Err(StartError::Keys(format!(
                "{} --access-key-id but {} --secret-access-key",
                args.access_key_id.len(),
                args.secret_access_key.len()
            )));
        }
        let wire = if !args.access_key_id.is_empty() {
            Some(WireKeys {
                pairs: args
                    .access_key_id
                    .iter()
                    .cloned()
                    .zip(args.secret_access_key.iter().map(Secret::new))
                    .collect(),
                generated: false,
            })
        } else if exposed || args.require_sigv4 {
            let (id, secret) = secrets::random_key_pair();
            Some(WireKeys {
                pairs: vec![(id, secret)],
                generated: true,
            })
        } else {
            None
        };
        Ok(Self {
            exposed,
            token,
            wire,
            extra_origins: args.allow_origin.clone(),
            extra_hosts: args.allowed_host.clone(),
        })
    }

    /// The access key ids clients sign with (none when SigV4 is off).
    pub fn local_key_ids(&self) -> Vec<&str> {
        self.wire
            .iter()
            .flat_map(|w| w.pairs.iter().map(|(id, _)| id.as_str()))
            .collect()
    }

    /// The wire door's SigV4 verifier, when SigV4 is on.
    pub fn verifier(&self) -> Option<Arc<Verifier>> {
        let wire = self.wire.as_ref()?;
        let pairs = wire
            .pairs
            .iter()
            .map(|(id, secret)| (id.clone(), secret.expose().to_owned()));
        Some(Arc::new(Verifier::new(pairs, Arc::new(SystemClock))))
    }

    /// What init scripts find in their environment to call this instance:
    /// the wire door's first local key pair (or dummy credentials when it
    /// takes any) and the console token, when there is one.
    pub fn client_env(&self) -> Vec<(String, String)> {
        let (id, secret) = match self.wire.as_ref().and_then(|w| w.pairs.first()) {
            Some((id, secret)) => (id.clone(), secret.expose().to_owned()),
            None => ("test".to_owned(), "test".to_owned()),
        };
        let mut env = vec![
            ("AWS_ACCESS_KEY_ID".to_owned(), id),
            ("AWS_SECRET_ACCESS_KEY".to_owned(), secret),
        ];
        if let Some((token, _)) = &self.token {
            env.push((TOKEN_ENV.to_owned(), token.expose().to_owned()));
        }
        env
    }

    /// The request guard for a console listening on `addr`.
    pub fn guard(&self, addr: SocketAddr) -> Guard {
        Guard {
            hosts: AllowedHosts::with_extra(&addr.ip().to_string(), &self.extra_hosts),
            extra_origins: self.extra_origins.clone(),
            session: self.token.as_ref().map(|(token, _)| {
                Arc::new(ConsoleSession::new(
                    token.clone(),
                    addr.port(),
                    Arc::new(SystemClock),
                ))
            }),
        }
    }

    /// What `serve` prints after its `listening on` line: the protections
    /// that are on and, once, the secrets it made (never those it was given).
    pub fn banner(&self, addr: SocketAddr, mode: &str) -> String {
        let mut on = vec!["same-origin checks on /api/".to_owned()];
        if self.token.is_some() {
            on.push("console session required".to_owned());
        }
        match &self.wire {
            Some(wire) => on.push(format!(
                "SigV4 required on the wire door ({} key pair{})",
                wire.pairs.len(),
                if wire.pairs.len() == 1 { "" } else { "s" }
            )),
            None => on.push("wire door accepts any credentials".to_owned()),
        }
        let why = if self.exposed && mode != "upstream" {
            " (listening beyond loopback)"
        } else {
            ""
        };
        let mut lines = vec![format!("{mode} mode{why}; protections: {}", on.join(", "))];
        let url = browser_url(addr);
        match &self.token {
            Some((token, TokenOrigin::Generated)) => {
                lines.push(format!("open the console: {url}/?token={}", token.expose()))
            }
            Some((_, TokenOrigin::Given(from))) => lines.push(format!(
                "open the console: {url}/ and sign in with the token from {from}"
            )),
            None => lines.push(format!("open the console: {url}/")),
        }
        if let Some(wire) = &self.wire
            && wire.generated
            && let Some((id, secret)) = wire.pairs.first()
        {
            lines.push(format!(
                "sign wire-door calls with: AWS_ACCESS_KEY_ID={id} AWS_SECRET_ACCESS_KEY={}",
                secret.expose()
            ));
        }
        lines.join("\n")
    }
}

/// `http://HOST:PORT` a browser on this machine can open: an unspecified
/// listen address (`0.0.0.0`, `[::]`) is reached through loopback.
pub(super) fn browser_url(addr: SocketAddr) -> String {
    let ip = addr.ip();
    let host = if ip.is_unspecified() {
        if ip.is_ipv4() {
            "127.0.0.1".to_owned()
        } else {
            "[::1]".to_owned()
        }
    } else if ip.is_ipv6() {
        format!("[{ip}]")
    } else {
        ip.to_string()
    };
    format!("http://{host}:{}", addr.port())
}

/// The token from `--token-file`, else from [`TOKEN_ENV`].
fn given_token(
    file: Option<&Path>,
    env: Option<String>,
) -> Result<Option<(Secret, TokenOrigin)>, StartError> {
    let (text, from) = match (file, env) {
        (Some(path), _) => {
            let text = std::fs::read_to_string(path).map_err(|err| {
                StartError::Token(format!("cannot read {}: {err}", path.display()))
            })?;
            (text, "--token-file")
        }
        (None, Some(text)) => (text, TOKEN_ENV),
        (None, None) => return Ok(None),
    };
    let line = text.lines().next().unwrap_or("").trim();
    let token = secrets::check_token(line)
        .map_err(|err| StartError::Token(format!("from {from}: {err}")))?;
    Ok(Some((token, TokenOrigin::Given(from))))
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    fn args(flags: &[&str]) -> ServeArgs {
        let mut argv = vec!["cmconsole", "serve"];
        argv.extend_from_slice(flags);
        match Cli::parse_from(argv).command {
            Command::Serve(args) => args,
            Command::State(_) => panic!("`cmconsole serve` parses as serve"),
        }
    }

    #[test]
    fn a_loopback_simulator_is_open_as_moto_is() {
        let p = Protections::decide(&args(&[]), None).unwrap();
        assert!(p.token.is_none() && p.wire.is_none());
        let banner = p.banner("127.0.0.1:8080".parse().unwrap(), "simulator");
        assert!(
            banner.contains("wire door accepts any credentials"),
            "{banner}"
        );
        assert!(banner.contains("open the console: http://127.0.0.1:8080/"));
    }

    #[test]
    fn upstream_and_non_loopback_always_need_a_session_and_sigv4() {
        for flags in [
            &["--upstream", "aws"][..],
            &["--listen", "0.0.0.0:8080"][..],
        ] {
            let p = Protections::decide(&args(flags), None).unwrap();
            let (token, _) = p.token.as_ref().expect("session");
            assert!(p.wire.as_ref().is_some_and(|w| w.generated));
            let banner = p.banner("0.0.0.0:8080".parse().unwrap(), "simulator");
            assert!(
                banner.contains(&format!("http://127.0.0.1:8080/?token={}", token.expose())),
                "{banner}"
            );
            assert!(banner.contains("AWS_ACCESS_KEY_ID=CMC"), "{banner}");
        }
    }

    #[test]
    fn given_secrets_are_used_and_never_printed() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token");
        std::fs::write(&file, "file-token-0123456789\n").unwrap();
        let p = Protections::decide(
            &args(&[
                "--upstream",
                "aws",
                "--token-file",
                file.to_str().unwrap(),
                "--access-key-id",
                "AKIDLOCAL",
                "--secret-access-key",
                "local-secret",
            ]),
            Some("env-token-is-ignored-here".into()),
        )
        .unwrap();
        assert_eq!(
            p.token.as_ref().unwrap().0.expose(),
            "file-token-0123456789"
        );
        assert_eq!(p.local_key_ids(), ["AKIDLOCAL"]);
        let banner = p.banner("127.0.0.1:8080".parse().unwrap(), "upstream");
        assert!(!banner.contains("file-token") && !banner.contains("local-secret"));
        assert!(banner.contains("sign in with the token from --token-file"));

        let from_env =
            Protections::decide(&args(&[]), Some("env-token-0123456789".into())).unwrap();
        assert!(
            from_env.token.is_some(),
            "a given token turns the session on"
        );
        assert!(matches!(
            Protections::decide(&args(&[]), Some("short".into())),
            Err(StartError::Token(_))
        ));
    }

    #[test]
    fn sessions_and_sigv4_can_be_asked_for_on_loopback() {
        let p =
            Protections::decide(&args(&["--require-session", "--require-sigv4"]), None).unwrap();
        assert!(p.token.is_some() && p.wire.is_some());
    }
}
