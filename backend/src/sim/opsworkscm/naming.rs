//! Names the service makes up: ARNs, endpoints, ids, S3 locations.

use crate::sim::SimConfig;
use crate::sim::random;
use chrono::{DateTime, Utc};

pub(crate) use crate::sim::random::hex as random_hex;

/// `n` random lowercase letters.
pub(crate) fn random_lower(n: usize) -> String {
    random::chars(b"abcdefghijklmnopqrstuvwxyz", n)
}

/// An opaque random token.
pub(crate) fn random_token() -> String {
    random::chars(
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        40,
    )
}

/// `arn:aws:opsworks-cm:REGION:ACCOUNT:server/NAME/UUID`.
pub(crate) fn server_arn(config: &SimConfig, name: &str, uuid: &str) -> String {
    format!(
        "arn:aws:opsworks-cm:{}:{}:server/{name}/{uuid}",
        config.region, config.account_id
    )
}

/// `arn:aws:opsworks-cm:REGION:ACCOUNT:backup/BACKUP_ID`.
pub(crate) fn backup_arn(config: &SimConfig, backup_id: &str) -> String {
    format!(
        "arn:aws:opsworks-cm:{}:{}:backup/{backup_id}",
        config.region, config.account_id
    )
}

/// The CloudFormation stack that "runs" the server.
pub(crate) fn stack_arn(config: &SimConfig, name: &str, uuid: &str) -> String {
    format!(
        "arn:aws:cloudformation:{}:{}:stack/aws-opsworks-cm-instance-{}-{}/{uuid}",
        config.region,
        config.account_id,
        name.to_lowercase(),
        random_digits(13)
    )
}

fn random_digits(n: usize) -> String {
    random::chars(b"0123456789", n)
}

/// `<name>-<random>.<region>.opsworks-cm.io`, as the service named endpoints.
pub(crate) fn endpoint(config: &SimConfig, name: &str) -> String {
    format!(
        "{}-{}.{}.opsworks-cm.io",
        name.to_lowercase(),
        random_lower(16),
        config.region
    )
}

/// A security group id like `sg-0123456789abcdef0`.
pub(crate) fn security_group_id() -> String {
    format!("sg-{}", random_hex(17))
}

/// An EC2 instance id like `i-0123456789abcdef0`.
pub(crate) fn instance_id() -> String {
    format!("i-{}", random_hex(17))
}

/// A subnet id like `subnet-0123456789abcdef0`.
pub(crate) fn subnet_id() -> String {
    format!("subnet-{}", random_hex(17))
}

/// `ServerName-yyyyMMddHHmmssSSS`.
pub(crate) fn backup_id(server_name: &str, at: DateTime<Utc>) -> String {
    format!("{server_name}-{}", at.format("%Y%m%d%H%M%S%3f"))
}

/// The S3 bucket the service keeps backups in.
pub(crate) fn backup_bucket(config: &SimConfig) -> String {
    format!(
        "opsworks-cm-{}-{}-backups",
        config.region, config.account_id
    )
}

/// `https://s3.amazonaws.com/BUCKET/SERVER/BACKUP/<file>`.
pub(crate) fn backup_object_url(
    config: &SimConfig,
    server: &str,
    backup_id: &str,
    file: &str,
) -> String {
    format!(
        "https://s3.amazonaws.com/{}/{server}/{backup_id}/{file}",
        backup_bucket(config)
    )
}

/// Where the log of a lifecycle step lives.
pub(crate) fn event_log_url(
    config: &SimConfig,
    server: &str,
    step: &str,
    at: DateTime<Utc>,
) -> String {
    format!(
        "https://s3.amazonaws.com/opsworks-cm-{}-{}-logs/{server}/{step}-{}.log",
        config.region,
        config.account_id,
        at.format("%Y%m%dT%H%M%SZ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn backup_ids_follow_the_documented_format() {
        let at =
            Utc.with_ymd_and_hms(2026, 3, 4, 5, 6, 7).unwrap() + chrono::Duration::milliseconds(89);
        assert_eq!(backup_id("web-1", at), "web-1-20260304050607089");
    }

    #[test]
    fn server_arns_name_region_account_server_and_uuid() {
        let config = SimConfig::default();
        assert_eq!(
            server_arn(&config, "web", "u-1"),
            "arn:aws:opsworks-cm:us-east-1:123456789012:server/web/u-1"
        );
    }
}
