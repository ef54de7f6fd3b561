//! Admin passwords: generation.
//!
//! The rules a password must follow (8 to 32 characters from letters, digits
//! and `!/@#$%^&+=_`, with at least one lower-case letter, one upper-case
//! letter, one digit and one special character) live in one place,
//! `shared::opsworkscm::AdminPassword`; generated passwords satisfy them.

use rand::Rng as _;
use rand::seq::{IndexedRandom as _, SliceRandom as _};

use crate::sim::random;

/// The special characters allowed in Chef Automate admin passwords.
pub const SPECIAL_CHARACTERS: &str = "!/@#$%^&+=_";

const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS: &[u8] = b"0123456789";

fn generate() -> String {
    random::with(|rng| generate_with(rng))
}

fn generate_with(rng: &mut dyn rand::RngCore) -> String {
    let mut rng = rng;
    let special = SPECIAL_CHARACTERS.as_bytes();
    let all: Vec<u8> = [LOWER, UPPER, DIGITS, special].concat();
    let len = rng.random_range(16..=24);
    let mut chars: Vec<u8> = [LOWER, UPPER, DIGITS, special]
        .iter()
        .filter_map(|class| class.choose(&mut rng).copied())
        .collect();
    while chars.len() < len {
        if let Some(c) = all.choose(&mut rng) {
            chars.push(*c);
        }
    }
    chars.shuffle(&mut rng);
    chars.into_iter().map(char::from).collect()
}

/// Generates a Chef Automate admin password: 16 to 24 characters that
/// satisfy `shared::opsworkscm::AdminPassword`.
pub fn generate_admin_password() -> String {
    generate()
}

/// Generates a Puppet Enterprise admin password (ASCII; the same shape as
/// [`generate_admin_password`], so it also satisfies the Chef rules).
pub fn generate_puppet_admin_password() -> String {
    generate()
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::opsworkscm::AdminPassword;

    #[test]
    fn generated_passwords_follow_the_rules() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..1000 {
            for pw in [generate_admin_password(), generate_puppet_admin_password()] {
                assert!((16..=24).contains(&pw.len()), "{pw}");
                assert!(AdminPassword::parse(&pw).is_ok(), "{pw}");
                assert!(pw.chars().any(|c| c.is_ascii_lowercase()));
                assert!(pw.chars().any(|c| c.is_ascii_uppercase()));
                assert!(pw.chars().any(|c| c.is_ascii_digit()));
                assert!(pw.chars().any(|c| SPECIAL_CHARACTERS.contains(c)));
                seen.insert(pw);
            }
        }
        assert_eq!(seen.len(), 2000, "passwords repeat");
    }
}
