//! MaxResults / NextToken pagination with signed, position-based tokens.
//!
//! A token names the last item returned (its sort key), the request it
//! belongs to and when it was issued, signed with HMAC-SHA256 under a key kept
//! in the store. Continuing after a position rather than an offset keeps pages
//! stable while other requests add or remove items: nothing that existed for
//! the whole walk is skipped or repeated. A token that does not verify, that
//! belongs to other request parameters or that is older than a day is
//! answered with `InvalidNextTokenException`.

use aws_lc_rs::{constant_time, hmac};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::ServiceError;

/// How long a token stays valid.
const TOKEN_LIFETIME_SECS: i64 = 24 * 3600;

#[derive(serde::Serialize, serde::Deserialize)]
struct Payload<K> {
    /// Request scope: operation and filters.
    s: String,
    /// Sort key of the last item returned.
    k: K,
    /// Issue time, epoch seconds.
    t: i64,
}

/// One page request.
pub(crate) struct PageRequest<'a> {
    /// Signing key.
    pub(crate) key: &'a [u8],
    /// What the token must belong to (operation and filters).
    pub(crate) scope: String,
    /// MaxResults, if given.
    pub(crate) max_results: Option<u32>,
    /// NextToken, if given.
    pub(crate) next_token: Option<&'a str>,
    /// The current time.
    pub(crate) now: DateTime<Utc>,
}

impl<'a> PageRequest<'a> {
    /// A page request from a Describe/List call's MaxResults and NextToken.
    pub(crate) fn new(
        key: &'a [u8],
        scope: String,
        max_results: Option<shared::opsworkscm::MaxResults>,
        next_token: Option<&'a shared::opsworkscm::NextToken>,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            key,
            scope,
            max_results: max_results.map(|m| m.get()),
            next_token: next_token.map(|t| t.as_str()),
            now,
        }
    }
}

/// Returns the page of `items` (sorted ascending by key) that `req` asks for,
/// and the token for the next page if there is one.
pub(crate) fn page<K, T>(
    req: &PageRequest<'_>,
    items: Vec<(K, T)>,
) -> Result<(Vec<T>, Option<String>), ServiceError>
where
    K: Ord + Clone + Serialize + DeserializeOwned,
{
    let after: Option<K> = match req.next_token {
        Some(token) => Some(open(req, token)?),
        None => None,
    };
    let remaining = items
        .into_iter()
        .filter(|(k, _)| after.as_ref().is_none_or(|a| k > a));
    let limit = req.max_results.map_or(usize::MAX, |m| m as usize);
    let mut out = Vec::new();
    let mut last_key = None;
    let mut more = false;
    for (k, item) in remaining {
        if out.len() == limit {
            more = true;
            break;
        }
        last_key = Some(k);
        out.push(item);
    }
    let next = match (more, last_key) {
        (true, Some(k)) => Some(seal(req, k)),
        _ => None,
    };
    Ok((out, next))
}

fn seal<K: Serialize>(req: &PageRequest<'_>, k: K) -> String {
    let payload = Payload {
        s: req.scope.clone(),
        k,
        t: req.now.timestamp(),
    };
    let json = serde_json::to_vec(&payload).expect("token payloads serialize");
    let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, req.key), &json);
    format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(&json),
        URL_SAFE_NO_PAD.encode(tag.as_ref())
    )
}

fn open<K: DeserializeOwned>(req: &PageRequest<'_>, token: &str) -> Result<K, ServiceError> {
    let invalid = ServiceError::invalid_next_token;
    let (body, tag) = token.split_once('.').ok_or_else(invalid)?;
    let json = URL_SAFE_NO_PAD.decode(body).map_err(|_| invalid())?;
    let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| invalid())?;
    let expected = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, req.key), &json);
    constant_time::verify_slices_are_equal(expected.as_ref(), &tag).map_err(|_| invalid())?;
    let payload: Payload<K> = serde_json::from_slice(&json).map_err(|_| invalid())?;
    let age = req.now.timestamp() - payload.t;
    if payload.s != req.scope || !(0..=TOKEN_LIFETIME_SECS).contains(&age) {
        return Err(invalid());
    }
    Ok(payload.k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn req<'a>(token: Option<&'a str>, max: Option<u32>, now: DateTime<Utc>) -> PageRequest<'a> {
        PageRequest {
            key: b"k",
            scope: "DescribeServers".into(),
            max_results: max,
            next_token: token,
            now,
        }
    }

    fn items(names: &[&str]) -> Vec<(String, String)> {
        names
            .iter()
            .map(|n| (n.to_string(), n.to_string()))
            .collect()
    }

    #[test]
    fn walks_pages_and_stays_stable_when_items_change_between_calls() {
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let (first, token) = page(&req(None, Some(2), now), items(&["a", "b", "c", "d"])).unwrap();
        assert_eq!(first, ["a", "b"]);
        let token = token.unwrap();
        // "b" deleted and "aa" added before the next call: no repeats, no skips.
        let (second, token) = page(
            &req(Some(&token), Some(2), now),
            items(&["a", "aa", "c", "d"]),
        )
        .unwrap();
        assert_eq!(second, ["c", "d"]);
        assert!(token.is_none());
    }

    #[test]
    fn forged_foreign_and_stale_tokens_are_rejected() {
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let (_, token) = page(&req(None, Some(1), now), items(&["a", "b"])).unwrap();
        let token = token.unwrap();
        let forged = format!("{token}x");
        for bad in [forged.as_str(), "garbage", "a.b"] {
            let err = page(&req(Some(bad), None, now), items(&["a"])).unwrap_err();
            assert_eq!(
                err.code,
                shared::error::ErrorCode::InvalidNextTokenException
            );
        }
        let mut other = req(Some(&token), None, now);
        other.scope = "DescribeBackups".into();
        assert!(page(&other, items(&["a"])).is_err());
        let later = now + chrono::Duration::days(2);
        assert!(page(&req(Some(&token), None, later), items(&["a"])).is_err());
    }
}
