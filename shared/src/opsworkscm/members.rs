//! The constrained members of OpsWorks CM's requests: names, ARNs, the
//! custom domain's certificate and key, the admin password, time windows
//! and bounded integers, each a newtype parsed from the wire (the machinery
//! they are built with is `crate::validation`'s).

mod arns;
mod certificates;
mod names;
mod password;
mod tags;
mod time_window;

pub use arns::{ArnParts, InstanceProfileArn, OpsWorksCmArn, ServiceRoleArn};
pub use certificates::{CustomCertificate, CustomDomain, CustomPrivateKey};
pub use names::{
    AttributeName, BackupId, EngineAttributeName, EngineAttributeValue, KeyPair, NextToken,
    NodeName, ServerName, Text,
};
pub use password::AdminPassword;
pub use tags::{TAG_KEY_MAX, TAG_VALUE_MAX, check_tag};
pub use time_window::TimeWindow;

use crate::validation::bounded_u32;

bounded_u32!(
    /// `MaxResults`: a page size of at least 1 (up to an AWS `Integer`).
    MaxResults,
    1 ..= 2147483647
);
bounded_u32!(
    /// `BackupRetentionCountDefinition` (CreateServer): at least 1 (up to
    /// an AWS `Integer`).
    BackupRetentionCount,
    1 ..= 2147483647
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_results() {
        assert_eq!(MaxResults::parse(1).unwrap().get(), 1);
        assert_eq!(
            MaxResults::parse(0).unwrap_err().to_string(),
            "Value '0' failed to satisfy constraint: Member must have value greater than or equal to 1"
        );
        assert!(MaxResults::parse(-5).is_err());
        assert!(MaxResults::parse(i64::from(i32::MAX) + 1).is_err());
        let parsed: MaxResults = serde_json::from_str("25").unwrap();
        assert_eq!(parsed.get(), 25);
        assert_eq!(serde_json::to_string(&parsed).unwrap(), "25");
        let error = serde_json::from_str::<MaxResults>("0")
            .unwrap_err()
            .to_string();
        assert!(error.contains("greater than or equal to 1"), "{error}");
        assert!(BackupRetentionCount::parse(0).is_err());
        assert_eq!(BackupRetentionCount::parse(30).unwrap().to_string(), "30");
    }
}
