//! Same-origin rules for the browser doors (`/api/...`): a browser request
//! from any other site is refused before a handler runs, and every POST must
//! be `application/json`, which no cross-site page can send without a CORS
//! preflight (cmconsole grants none). Together they stop CSRF: a form,
//! `navigator.sendBeacon` or a `no-cors` fetch from another page.

use axum::http::{HeaderMap, Method, header};

/// Why a browser request is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrossSite {
    /// `Sec-Fetch-Site` says another site sent it.
    FetchSite(String),
    /// `Origin` names another origin (or `null`).
    Origin(String),
}

impl CrossSite {
    /// The message answered with the 403.
    pub fn message(&self) -> String {
        match self {
            Self::FetchSite(site) => format!(
                "Cross-site requests are refused (Sec-Fetch-Site: {site}): only the console's own pages may call /api/."
            ),
            Self::Origin(origin) => format!(
                "Requests from the origin '{origin}' are refused: only the console's own origin may call /api/ (see --allow-origin)."
            ),
        }
    }
}

/// An origin as `(scheme, host, port)`, lowercase, with the default port
/// filled in.
pub type OriginParts = (String, String, u16);

/// Parses `scheme://host[:port]` (an `Origin` value or `--allow-origin`).
pub fn parse_origin(origin: &str) -> Option<OriginParts> {
    let (scheme, rest) = origin.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.is_empty() || rest.contains(['/', '?', '#', '@']) {
        return None;
    }
    let (host, port) = match rest.strip_prefix('[') {
        Some(bracketed) => {
            let (host, tail) = bracketed.split_once(']')?;
            (host, tail.strip_prefix(':'))
        }
        None => match rest.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (rest, None),
        },
    };
    let port = match port {
        Some(port) => port.parse().ok()?,
        None => default_port,
    };
    let host = host.to_ascii_lowercase();
    Some((scheme, host, port))
}

/// `Sec-Fetch-Site`, named once (a name given as text is parsed per call).
const SEC_FETCH_SITE: axum::http::HeaderName =
    axum::http::HeaderName::from_static("sec-fetch-site");

/// Checks the request's `Sec-Fetch-Site` and `Origin` against the console's
/// own origin (`http://` + the request's `host`) and the `allowed` extras.
///
/// # Errors
/// When a browser says another site sent the request.
pub fn check(headers: &HeaderMap, host: &str, allowed: &[OriginParts]) -> Result<(), CrossSite> {
    if let Some(site) = headers.get(SEC_FETCH_SITE) {
        let site = String::from_utf8_lossy(site.as_bytes()).to_ascii_lowercase();
        if matches!(site.trim(), "cross-site" | "same-site") {
            return Err(CrossSite::FetchSite(site));
        }
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        // SDKs, the CLI, curl and same-origin GETs send none.
        return Ok(());
    };
    let origin = String::from_utf8_lossy(origin.as_bytes()).trim().to_owned();
    let own = parse_origin(&format!("http://{host}"));
    match parse_origin(&origin) {
        Some(parts) if Some(&parts) == own.as_ref() || allowed.contains(&parts) => Ok(()),
        _ => Err(CrossSite::Origin(origin)),
    }
}

/// Whether a request with `method` and `headers` may reach a console
/// handler as far as its body's type goes: every POST must say
/// `application/json` (parameters such as `charset` allowed), bodiless or not.
pub fn is_json_or_not_post(method: &Method, headers: &HeaderMap) -> bool {
    if method != Method::POST {
        return true;
    }
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn own_origin_and_no_origin_pass_foreign_ones_do_not() {
        let host = "127.0.0.1:8080";
        assert!(check(&headers(&[]), host, &[]).is_ok());
        assert!(check(&headers(&[("origin", "http://127.0.0.1:8080")]), host, &[]).is_ok());
        assert!(
            check(
                &headers(&[
                    ("origin", "http://127.0.0.1:8080"),
                    ("sec-fetch-site", "same-origin")
                ]),
                host,
                &[]
            )
            .is_ok()
        );
        assert!(check(&headers(&[("sec-fetch-site", "none")]), host, &[]).is_ok());
        for bad in [
            "http://evil.example",
            "http://127.0.0.1:8081",
            "https://127.0.0.1:8080",
            "null",
            "http://127.0.0.1:8080@evil.example",
        ] {
            let mut map = HeaderMap::new();
            map.insert("origin", HeaderValue::from_str(bad).unwrap());
            assert!(check(&map, host, &[]).is_err(), "{bad}");
        }
        for site in ["cross-site", "same-site", "Cross-Site"] {
            let mut map = HeaderMap::new();
            map.insert("sec-fetch-site", HeaderValue::from_str(site).unwrap());
            assert!(check(&map, host, &[]).is_err(), "{site}");
        }
    }

    #[test]
    fn default_ports_and_allowed_extras_match() {
        assert_eq!(
            parse_origin("http://LocalHost"),
            Some(("http".into(), "localhost".into(), 80))
        );
        assert_eq!(
            parse_origin("http://[::1]:9000"),
            Some(("http".into(), "::1".into(), 9000))
        );
        assert!(
            check(
                &headers(&[("origin", "http://localhost")]),
                "localhost:80",
                &[]
            )
            .is_ok()
        );
        let trunk = parse_origin("http://127.0.0.1:8081").unwrap();
        assert!(
            check(
                &headers(&[("origin", "http://127.0.0.1:8081")]),
                "127.0.0.1:8080",
                &[trunk]
            )
            .is_ok()
        );
        assert_eq!(parse_origin("ftp://x"), None);
        assert_eq!(parse_origin("http://x/path"), None);
    }

    #[test]
    fn every_post_must_be_json() {
        let post = Method::POST;
        assert!(is_json_or_not_post(&Method::GET, &headers(&[])));
        assert!(!is_json_or_not_post(&post, &headers(&[])));
        assert!(!is_json_or_not_post(
            &post,
            &headers(&[("content-type", "text/plain")])
        ));
        assert!(!is_json_or_not_post(
            &post,
            &headers(&[("content-type", "application/x-www-form-urlencoded")])
        ));
        assert!(!is_json_or_not_post(
            &post,
            &headers(&[("content-type", "application/jsonp")])
        ));
        assert!(is_json_or_not_post(
            &post,
            &headers(&[("content-type", "application/json")])
        ));
        assert!(is_json_or_not_post(
            &post,
            &headers(&[("content-type", "Application/JSON; charset=utf-8")])
        ));
    }
}
