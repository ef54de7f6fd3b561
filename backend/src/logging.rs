//! The operator's log: `RUST_LOG` (default `warn,backend=info`) on stderr,
//! with the crates that would print secrets at their most verbose levels
//! capped, so no level up to `RUST_LOG=trace` shows a credential, a
//! signature or a session token.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::Directive;

/// Crates capped at `info` whatever `RUST_LOG` says: `aws_sigv4` traces
/// canonical requests (with `x-amz-security-token`) and strings to sign;
/// the credential chain and its HTTP runtime log credentials' debug forms
/// and raw SSO / metadata answers.
const CAPPED: [&str; 5] = [
    "aws_sigv4",
    "aws_config",
    "aws_credential_types",
    "aws_smithy_runtime",
    "aws_runtime",
];

/// The filter for `rust_log` (the `RUST_LOG` value, if any).
pub fn filter(rust_log: Option<&str>) -> EnvFilter {
    let mut filter = rust_log
        .and_then(|value| EnvFilter::try_new(value).ok())
        .unwrap_or_else(|| EnvFilter::new("warn,backend=info"));
    for target in CAPPED {
        if let Ok(directive) = format!("{target}=info").parse::<Directive>() {
            filter = filter.add_directive(directive);
        }
    }
    filter
}

/// Installs the log on stderr.
pub fn init() {
    tracing_subscriber::fmt()
        .with_env_filter(filter(std::env::var("RUST_LOG").ok().as_deref()))
        .with_writer(std::io::stderr)
        .init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_printing_crates_stay_at_info_even_when_asked_for_trace() {
        let filter = filter(Some("trace,aws_sigv4=trace")).to_string();
        assert!(filter.contains("aws_sigv4=info"), "{filter}");
        assert!(!filter.contains("aws_sigv4=trace"), "{filter}");
        assert!(filter.contains("aws_config=info"), "{filter}");
    }
}
