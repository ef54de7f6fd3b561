//! The pieces of a Signature Version 4 computation: canonical request,
//! string to sign, signing key and signature, as AWS documents them for
//! every service but S3 (paths normalized, then URI-encoded once more).

use aws_lc_rs::{digest, hmac};

/// The only algorithm AWS JSON services accept on the `Authorization` header.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// A received request as far as signing is concerned.
#[derive(Debug, Clone, Copy)]
pub struct SignedParts<'a> {
    /// HTTP method, e.g. `POST`.
    pub method: &'a str,
    /// Request path exactly as received (still percent-encoded).
    pub path: &'a str,
    /// Raw query string without `?` (empty when none).
    pub query: &'a str,
    /// Every header, name and value, in the order received.
    pub headers: &'a [(String, String)],
    /// The body.
    pub body: &'a [u8],
}

/// The canonical request for `parts` over the `signed_headers` (lowercase names).
pub fn canonical_request(parts: &SignedParts<'_>, signed_headers: &[&str]) -> String {
    let mut out = String::with_capacity(256);
    out.push_str(parts.method);
    out.push('\n');
    out.push_str(&canonical_uri(parts.path));
    out.push('\n');
    out.push_str(&canonical_query(parts.query));
    out.push('\n');
    for name in signed_headers {
        out.push_str(name);
        out.push(':');
        out.push_str(&canonical_header_value(parts.headers, name));
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&signed_headers.join(";"));
    out.push('\n');
    out.push_str(&hex_sha256(parts.body));
    out
}

/// `AWS4-HMAC-SHA256\n<amz-date>\n<scope>\n<hash of the canonical request>`.
pub fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
        hex_sha256(canonical_request.as_bytes())
    )
}

/// The hex signature of `string_to_sign` with the key derived from `secret`
/// for `date` (`YYYYMMDD`), `region` and `service`.
pub fn signature(
    secret: &str,
    date: &str,
    region: &str,
    service: &str,
    string_to_sign: &str,
) -> String {
    let k_date = hmac_sha256(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac_sha256(&k_date, region.as_bytes());
    let k_service = hmac_sha256(&k_region, service.as_bytes());
    let k_signing = hmac_sha256(&k_service, b"aws4_request");
    hex(&hmac_sha256(&k_signing, string_to_sign.as_bytes()))
}

/// Constant-time comparison of two signatures.
pub fn same_signature(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
    let key = hmac::Key::new(hmac::HMAC_SHA256, key);
    hmac::sign(&key, data).as_ref().to_vec()
}

/// Lowercase hex of the SHA-256 of `data`.
pub fn hex_sha256(data: &[u8]) -> String {
    hex(digest::digest(&digest::SHA256, data).as_ref())
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// The path with `.`/`..` segments resolved and repeated slashes merged,
/// each byte outside the unreserved set percent-encoded (so an already
/// encoded `%20` becomes `%2520`, as the SDKs sign it).
fn canonical_uri(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let mut out = String::from("/");
    out.push_str(
        &segments
            .iter()
            .map(|s| uri_encode(s.as_bytes()))
            .collect::<Vec<_>>()
            .join("/"),
    );
    if segments.last().is_some() && path.ends_with('/') {
        out.push('/');
    }
    out
}

/// Every `key=value` pair decoded, re-encoded canonically and sorted.
fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (
                uri_encode(&percent_decode(k)),
                uri_encode(&percent_decode(v)),
            )
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// The values of header `name` joined with `,`, each trimmed and with runs of
/// spaces folded to one.
fn canonical_header_value(headers: &[(String, String)], name: &str) -> String {
    headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join(",")
}

fn uri_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex_pair = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex_pair) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalized_and_encoded() {
        assert_eq!(canonical_uri("/"), "/");
        assert_eq!(canonical_uri(""), "/");
        assert_eq!(canonical_uri("/a/./b/../c//d/"), "/a/c/d/");
        assert_eq!(canonical_uri("/foo%20bar"), "/foo%2520bar");
        assert_eq!(canonical_uri("/ሴ"), "/%E1%88%B4");
    }

    #[test]
    fn queries_are_sorted_and_reencoded() {
        assert_eq!(canonical_query("b=2&a=1&a=0"), "a=0&a=1&b=2");
        assert_eq!(canonical_query("k=a%20b&e"), "e=&k=a%20b");
        assert_eq!(canonical_query(""), "");
    }

    #[test]
    fn header_values_are_trimmed_and_joined() {
        let headers = vec![
            ("My-Header".to_owned(), "  a   b ".to_owned()),
            ("my-header".to_owned(), "c".to_owned()),
        ];
        assert_eq!(canonical_header_value(&headers, "my-header"), "a b,c");
    }

    #[test]
    fn signatures_compare_in_full() {
        assert!(same_signature("abcd", "abcd"));
        assert!(!same_signature("abcd", "abce"));
        assert!(!same_signature("abcd", "abc"));
    }
}
