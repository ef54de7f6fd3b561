//! ARN members: IAM instance profile and service role, OpsWorks CM resources.

use crate::validation::matchers::{is_digits, is_single_line};
use crate::validation::string_newtype;
use crate::validation::{ValidationError, check_length, check_pattern};

/// Pattern of `InstanceProfileArn`.
const INSTANCE_PROFILE_ARN_PATTERN: &str = "arn:aws:iam::[0-9]{12}:instance-profile/.*";
/// Pattern of `ServiceRoleArn`.
const SERVICE_ROLE_ARN_PATTERN: &str = "arn:aws:iam::[0-9]{12}:role/.*";
/// Pattern of `AWSOpsWorksCMResourceArn`.
const RESOURCE_ARN_PATTERN: &str = "arn:aws.*:opsworks-cm:.*:[0-9]{12}:.*";

/// `arn:aws:iam::[0-9]{12}:<kind>.*` on one line.
fn is_iam_arn(s: &str, kind: &str) -> bool {
    let Some(rest) = s.strip_prefix("arn:aws:iam::") else {
        return false;
    };
    let (Some(account), Some(tail)) = (rest.get(..12), rest.get(12..)) else {
        return false;
    };
    is_digits(account, 12)
        && tail.strip_prefix(':').is_some_and(|t| t.starts_with(kind))
        && is_single_line(s)
}

/// `:[0-9]{12}:` somewhere in `s`.
fn has_account_segment(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes.len() >= 14
        && (0..=bytes.len() - 14).any(|i| {
            bytes[i] == b':'
                && bytes[i + 13] == b':'
                && bytes[i + 1..i + 13].iter().all(u8::is_ascii_digit)
        })
}

/// `arn:aws.*:opsworks-cm:.*:[0-9]{12}:.*` on one line.
fn is_resource_arn(s: &str) -> bool {
    const SERVICE: &str = ":opsworks-cm:";
    if !s.starts_with("arn:aws") || !is_single_line(s) {
        return false;
    }
    s.match_indices(SERVICE)
        .any(|(i, _)| i >= "arn:aws".len() && has_account_segment(&s[i + SERVICE.len()..]))
}

fn check_instance_profile_arn(s: &str) -> Result<(), ValidationError> {
    check_length(s, 0, 10_000)?;
    check_pattern(
        s,
        INSTANCE_PROFILE_ARN_PATTERN,
        is_iam_arn(s, "instance-profile/"),
    )
}

fn check_service_role_arn(s: &str) -> Result<(), ValidationError> {
    check_length(s, 0, 10_000)?;
    check_pattern(s, SERVICE_ROLE_ARN_PATTERN, is_iam_arn(s, "role/"))
}

fn check_resource_arn(s: &str) -> Result<(), ValidationError> {
    check_pattern(s, RESOURCE_ARN_PATTERN, is_resource_arn(s))
}

string_newtype!(
    /// `InstanceProfileArn`: `arn:aws:iam::[0-9]{12}:instance-profile/.*`, at most 10000 characters.
    InstanceProfileArn,
    check_instance_profile_arn
);
string_newtype!(
    /// `ServiceRoleArn`: `arn:aws:iam::[0-9]{12}:role/.*`, at most 10000 characters.
    ServiceRoleArn,
    check_service_role_arn
);
string_newtype!(
    /// `AWSOpsWorksCMResourceArn`: `arn:aws.*:opsworks-cm:.*:[0-9]{12}:.*`.
    OpsWorksCmArn,
    check_resource_arn
);

/// The fields of an ARN with the standard layout
/// `arn:<partition>:opsworks-cm:<region>:<account>:<resource>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArnParts<'a> {
    /// `aws`, `aws-cn`, ...
    pub partition: &'a str,
    /// The region, e.g. `us-east-1`.
    pub region: &'a str,
    /// The 12-digit account id.
    pub account: &'a str,
    /// `server/NAME/UUID` or `backup/ID`.
    pub resource: &'a str,
}

impl ArnParts<'_> {
    /// The server name of a `server/NAME/...` resource.
    #[must_use]
    pub fn server_name(&self) -> Option<&str> {
        self.resource.strip_prefix("server/")?.split('/').next()
    }

    /// The backup id of a `backup/ID` resource.
    #[must_use]
    pub fn backup_id(&self) -> Option<&str> {
        self.resource.strip_prefix("backup/")
    }
}

impl OpsWorksCmArn {
    /// Splits an ARN with the standard 6-field layout; `None` for other
    /// strings the model's loose pattern lets through.
    #[must_use]
    pub fn parts(&self) -> Option<ArnParts<'_>> {
        let mut fields = self.0.splitn(6, ':');
        let (arn, partition, service, region, account, resource) = (
            fields.next()?,
            fields.next()?,
            fields.next()?,
            fields.next()?,
            fields.next()?,
            fields.next()?,
        );
        let standard = arn == "arn"
            && partition.starts_with("aws")
            && service == "opsworks-cm"
            && !region.is_empty()
            && is_digits(account, 12)
            && !resource.is_empty();
        standard.then_some(ArnParts {
            partition,
            region,
            account,
            resource,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iam_arns() {
        assert!(
            InstanceProfileArn::parse(
                "arn:aws:iam::123456789012:instance-profile/aws-opsworks-cm-ec2-role"
            )
            .is_ok()
        );
        assert!(InstanceProfileArn::parse("arn:aws:iam::123456789012:instance-profile/").is_ok());
        for bad in [
            "x",
            "arn:aws:iam::12345678901:instance-profile/a",
            "arn:aws:iam::123456789012:role/a",
            "arn:aws-cn:iam::123456789012:instance-profile/a",
            "arn:aws:iam::123456789012:instance-profile/a\nb",
        ] {
            assert_eq!(
                InstanceProfileArn::parse(bad).unwrap_err().constraint(),
                "Member must satisfy regular expression pattern: arn:aws:iam::[0-9]{12}:instance-profile/.*",
                "{bad}"
            );
        }
        assert!(
            ServiceRoleArn::parse(
                "arn:aws:iam::123456789012:role/service-role/aws-opsworks-cm-service-role"
            )
            .is_ok()
        );
        assert!(ServiceRoleArn::parse("arn:aws:iam::123456789012:instance-profile/a").is_err());
        assert!(
            ServiceRoleArn::parse(format!(
                "arn:aws:iam::123456789012:role/{}",
                "a".repeat(10_000)
            ))
            .is_err()
        );
    }

    #[test]
    fn resource_arns() {
        let arn =
            OpsWorksCmArn::parse("arn:aws:opsworks-cm:us-east-1:123456789012:server/web/0a1b-2c3d")
                .unwrap();
        let parts = arn.parts().unwrap();
        assert_eq!(parts.partition, "aws");
        assert_eq!(parts.region, "us-east-1");
        assert_eq!(parts.account, "123456789012");
        assert_eq!(parts.resource, "server/web/0a1b-2c3d");
        assert_eq!(parts.server_name(), Some("web"));
        assert_eq!(parts.backup_id(), None);

        let backup = OpsWorksCmArn::parse(
            "arn:aws-cn:opsworks-cm:cn-north-1:123456789012:backup/web-2024:1",
        )
        .unwrap();
        assert_eq!(backup.parts().unwrap().backup_id(), Some("web-2024:1"));

        let loose = OpsWorksCmArn::parse("arn:aws:opsworks-cm:::123456789012:").unwrap();
        assert_eq!(loose.parts(), None);
        let loose = OpsWorksCmArn::parse("arn:awsX:opsworks-cm:a:b:123456789012:c").unwrap();
        assert_eq!(loose.parts(), None);

        for bad in [
            "arn:aws:opsworks:us-east-1:123456789012:server/web",
            "arn:aws:opsworks-cm:us-east-1:12345678901:server/web",
            "arn:aws:opsworks-cm:us-east-1:123456789012",
            "aws:opsworks-cm:us-east-1:123456789012:x",
            "arn:aws:opsworks-cm:us-east-1:123456789012:x\n",
        ] {
            assert!(OpsWorksCmArn::parse(bad).is_err(), "{bad}");
        }
    }
}
