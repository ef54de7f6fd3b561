//! The `Host` check: only loopback names, the listen address and names the
//! operator allows are served, which stops DNS-rebinding pages from reaching
//! the console or the wire door. (It stops pages, not people: anyone who
//! can connect may send any `Host`; sessions and SigV4 stop them.)

use std::sync::Arc;

/// Host names a request may address.
#[derive(Debug, Clone)]
pub struct AllowedHosts {
    names: Arc<Vec<String>>,
}

impl AllowedHosts {
    /// `localhost`, `127.0.0.1`, `[::1]` and the host of the listen address.
    pub fn for_listen_host(listen_host: &str) -> Self {
        Self::with_extra(listen_host, &[])
    }

    /// [`Self::for_listen_host`] plus the names in `extra` (`--allowed-host`).
    pub fn with_extra(listen_host: &str, extra: &[String]) -> Self {
        let mut names = vec![
            "localhost".to_owned(),
            "127.0.0.1".to_owned(),
            "::1".to_owned(),
        ];
        let listen = listen_host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        for name in std::iter::once(listen).chain(extra.iter().map(|n| n.to_ascii_lowercase())) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        Self {
            names: Arc::new(names),
        }
    }

    /// Whether the `Host` header value `host` (with optional port) is allowed.
    pub fn allows(&self, host: &str) -> bool {
        let name = strip_port(host);
        self.names.iter().any(|n| n.eq_ignore_ascii_case(name))
    }
}

/// `host` without its `:port`, and without the brackets of an IPv6 literal.
pub(super) fn strip_port(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name,
        _ => host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_with_ports_are_allowed_and_others_refused() {
        let allowed = AllowedHosts::for_listen_host("127.0.0.1");
        for ok in [
            "localhost",
            "localhost:8080",
            "127.0.0.1:1",
            "[::1]:80",
            "LOCALHOST",
        ] {
            assert!(allowed.allows(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:8080",
            "127.0.0.1.evil.example",
            "localhost.evil",
        ] {
            assert!(!allowed.allows(bad), "{bad}");
        }
    }
}
