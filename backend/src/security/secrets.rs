//! Secrets cmconsole makes for itself (the console token, a local SigV4 key
//! pair) and a wrapper that keeps any secret out of `Debug` output.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::Rng;
use rand::distr::Alphanumeric;

/// Shortest console token accepted from `--token-file` or `CMCONSOLE_TOKEN`.
pub const MIN_TOKEN_LEN: usize = 16;

/// A secret string: `Debug` prints `Secret(…)`, never the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps `value`.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the few places that must use it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// A fresh console token: 32 random bytes, base64url (43 characters, safe
/// in a URL as it is).
pub fn random_token() -> Secret {
    let bytes: [u8; 32] = rand::rng().random();
    Secret(URL_SAFE_NO_PAD.encode(bytes))
}

/// A fresh local SigV4 key pair shaped like AWS's: a 20-character access
/// key id starting `CMC`, and a 40-character secret.
pub fn random_key_pair() -> (String, Secret) {
    let mut rng = rand::rng();
    let id: String = std::iter::repeat_with(|| rng.sample(Alphanumeric))
        .map(|b| char::from(b).to_ascii_uppercase())
        .take(17)
        .collect();
    let secret: String = std::iter::repeat_with(|| char::from(rng.sample(Alphanumeric)))
        .take(40)
        .collect();
    (format!("CMC{id}"), Secret(secret))
}

/// Why a console token given by the operator is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Shorter than [`MIN_TOKEN_LEN`].
    #[error("the console token must be at least {MIN_TOKEN_LEN} characters")]
    TooShort,
    /// Holds characters that cannot go into a URL or a header as they are.
    #[error("the console token may hold only letters, digits and - _ . ~")]
    BadCharacters,
}

/// Checks an operator-given token (already trimmed).
///
/// # Errors
/// When it is too short or holds other characters than URL-safe ones.
pub fn check_token(token: &str) -> Result<Secret, TokenError> {
    if token.chars().count() < MIN_TOKEN_LEN {
        return Err(TokenError::TooShort);
    }
    if !token
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
    {
        return Err(TokenError::BadCharacters);
    }
    Ok(Secret(token.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secrets_are_long_distinct_and_url_safe() {
        let (a, b) = (random_token(), random_token());
        assert_ne!(a, b);
        assert_eq!(a.expose().len(), 43);
        assert!(check_token(a.expose()).is_ok());
        let (id, secret) = random_key_pair();
        assert_eq!(id.len(), 20);
        assert!(id.starts_with("CMC") && id.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert!(!id.bytes().any(|b| b.is_ascii_lowercase()));
        assert_eq!(secret.expose().len(), 40);
    }

    #[test]
    fn operator_tokens_are_checked_and_never_debug_printed() {
        assert_eq!(check_token("short"), Err(TokenError::TooShort));
        assert_eq!(
            check_token("has spaces in it, a lot"),
            Err(TokenError::BadCharacters)
        );
        let token = check_token("a-long-enough-token").unwrap();
        assert!(!format!("{token:?}").contains("long-enough"));
    }
}
