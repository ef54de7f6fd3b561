//! Custom domain, certificate and private key (CreateServer).

use crate::validation::matchers::{is_java_space, is_line_terminator};
use crate::validation::string_newtype;
use crate::validation::{ValidationError, check_length, check_pattern};

/// Pattern of `CustomDomain`.
const DOMAIN_PATTERN: &str =
    r"^(((?!-)[A-Za-z0-9-]{0,62}[A-Za-z0-9])\.)+((?!-)[A-Za-z0-9-]{1,62}[A-Za-z0-9])$";
/// Pattern of `CustomCertificate`.
const CERTIFICATE_PATTERN: &str =
    r"(?s)\s*-----BEGIN CERTIFICATE-----.+-----END CERTIFICATE-----\s*";
/// Pattern of `CustomPrivateKey`.
const PRIVATE_KEY_PATTERN: &str =
    r"(?ms)\s*^-----BEGIN (?-s:.*)PRIVATE KEY-----$.*?^-----END (?-s:.*)PRIVATE KEY-----$\s*";

/// A DNS label of `min..=63` characters: letters, digits and inner hyphens.
fn is_label(label: &str, min: usize) -> bool {
    (min..=63).contains(&label.len())
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

/// At least two labels; the last one has at least two characters.
fn is_domain(s: &str) -> bool {
    let labels: Vec<&str> = s.split('.').collect();
    match labels.split_last() {
        Some((last, first)) => {
            !first.is_empty() && is_label(last, 2) && first.iter().all(|l| is_label(l, 1))
        }
        None => false,
    }
}

fn is_certificate(s: &str) -> bool {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let t = s.trim_matches(is_java_space);
    t.len() > BEGIN.len() + END.len() && t.starts_with(BEGIN) && t.ends_with(END)
}

/// `-----<kind> <anything on the line>PRIVATE KEY-----`.
fn is_key_line(line: &str, kind: &str) -> bool {
    const TAIL: &str = "PRIVATE KEY-----";
    line.len() >= kind.len() + TAIL.len() && line.starts_with(kind) && line.ends_with(TAIL)
}

/// The multi-line private key pattern: a BEGIN line first, an END line last,
/// each starting a line, with Java whitespace around the block that keeps
/// `^` and `$` on line boundaries.
fn is_private_key(s: &str) -> bool {
    let start = s.find(|c| !is_java_space(c)).unwrap_or(s.len());
    let end = s.rfind(|c| !is_java_space(c)).map_or(0, |i| i + 1);
    if start >= end {
        return false;
    }
    let (lead, body, trail) = (&s[..start], &s[start..end], &s[end..]);
    let lead_ok = lead.is_empty() || lead.ends_with(['\n', '\r']);
    let trail_ok = trail.is_empty() || trail.starts_with(['\n', '\r']);
    let (Some(first_break), Some(last_break)) = (
        body.find(is_line_terminator),
        body.rfind(is_line_terminator),
    ) else {
        return false;
    };
    let last_start = last_break + body[last_break..].chars().next().map_or(1, char::len_utf8);
    lead_ok
        && trail_ok
        && is_key_line(&body[..first_break], "-----BEGIN ")
        && is_key_line(&body[last_start..], "-----END ")
}

fn check_domain(s: &str) -> Result<(), ValidationError> {
    check_length(s, 0, 253)?;
    check_pattern(s, DOMAIN_PATTERN, is_domain(s))
}

fn check_certificate(s: &str) -> Result<(), ValidationError> {
    check_length(s, 0, 2_097_152)?;
    check_pattern(s, CERTIFICATE_PATTERN, is_certificate(s))
}

fn check_private_key(s: &str) -> Result<(), ValidationError> {
    check_length(s, 0, 4096)?;
    check_pattern(s, PRIVATE_KEY_PATTERN, is_private_key(s))
}

string_newtype!(
    /// `CustomDomain`: a fully qualified host name, at most 253 characters.
    CustomDomain,
    check_domain
);
string_newtype!(
    /// `CustomCertificate`: a PEM certificate (or chain), at most 2097152 characters.
    CustomCertificate,
    check_certificate
);
string_newtype!(
    /// `CustomPrivateKey`: a PEM private key, at most 4096 characters.
    sensitive CustomPrivateKey,
    check_private_key
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain() {
        for ok in [
            "example.com",
            "chef.my-corp.example.com",
            "a.io",
            "1.example.com",
            &format!("{}.com", "a".repeat(63)),
        ] {
            assert!(CustomDomain::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "localhost",
            "example.c",
            "-a.com",
            "a-.com",
            "a..com",
            ".a.com",
            "a.com.",
            "a_b.com",
            "a.-com",
            &format!("{}.com", "a".repeat(64)),
        ] {
            assert!(CustomDomain::parse(bad).is_err(), "{bad}");
        }
        let long = format!("{}.com", vec!["a".repeat(62); 4].join("."));
        assert!(long.len() > 253);
        assert_eq!(
            CustomDomain::parse(long).unwrap_err().constraint(),
            "Member must have length less than or equal to 253"
        );
    }

    #[test]
    fn certificate() {
        let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        assert!(CustomCertificate::parse(pem).is_ok());
        assert!(CustomCertificate::parse(format!("  \n{pem}{pem}")).is_ok());
        assert!(
            CustomCertificate::parse("-----BEGIN CERTIFICATE----------END CERTIFICATE-----")
                .is_err()
        );
        assert!(
            CustomCertificate::parse("-----BEGIN CERTIFICATE-----x-----END CERTIFICATE-----")
                .is_ok()
        );
        assert!(
            CustomCertificate::parse("x-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----")
                .is_err()
        );
        assert!(
            CustomCertificate::parse("-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE----- x")
                .is_err()
        );
    }

    #[test]
    fn private_key() {
        let key = "-----BEGIN PRIVATE KEY-----\nMIIE\nabc\n-----END PRIVATE KEY-----";
        assert!(CustomPrivateKey::parse(key).is_ok());
        assert!(CustomPrivateKey::parse(format!("\n{key}\n")).is_ok());
        assert!(CustomPrivateKey::parse(format!("\r\n{key}\r\n  ")).is_ok());
        assert!(
            CustomPrivateKey::parse(
                "-----BEGIN RSA PRIVATE KEY-----\r\nx\r\n-----END RSA PRIVATE KEY-----"
            )
            .is_ok()
        );
        assert!(
            CustomPrivateKey::parse("-----BEGIN EC PRIVATE KEY-----\n-----END EC PRIVATE KEY-----")
                .is_ok()
        );
        for bad in [
            "",
            "-----BEGIN PRIVATE KEY----- -----END PRIVATE KEY-----",
            "  -----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----",
            "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY----- \n",
            "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----",
            "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----x",
        ] {
            assert!(CustomPrivateKey::parse(bad).is_err(), "{bad:?}");
        }
        let error = CustomPrivateKey::parse("secret material").unwrap_err();
        assert_eq!(error.value(), None);
        assert!(!error.to_string().contains("secret"));
        assert_eq!(
            format!("{:?}", CustomPrivateKey::parse(key).unwrap()),
            r#""***""#
        );
    }
}
