//! Constrained scalar members of the CloudHSM v2 model: ids, ARNs, regions,
//! certificates, page sizes. Each newtype's only constructor checks the
//! model's length and pattern (matched by hand, like Java's `String.matches`).

use crate::validation::matchers::{is_digits, is_java_space, is_single_line};
use crate::validation::{
    ValidationError, bounded_u32, check_length, check_pattern, string_newtype,
};

/// Pattern of `ClusterId`.
const CLUSTER_ID_PATTERN: &str = "cluster-[2-7a-zA-Z]{11,16}";
/// Pattern of `BackupId`.
const BACKUP_ID_PATTERN: &str = "backup-[2-7a-zA-Z]{11,16}";
/// Pattern of `HsmId`.
const HSM_ID_PATTERN: &str = "hsm-[2-7a-zA-Z]{11,16}";
/// Pattern of `ResourceId`.
const RESOURCE_ID_PATTERN: &str = "(?:cluster|backup)-[2-7a-zA-Z]{11,16}";
/// Pattern of `BackupArn`.
const BACKUP_ARN_PATTERN: &str = "^(arn:aws(-(us-gov))?:cloudhsm:([a-z]{2}(-(gov|isob|iso))?-(east|west|north|south|central){1,2}-[0-9]{1}):[0-9]{12}:backup/)?backup-[2-7a-zA-Z]{11,16}";
/// Pattern of `CloudHsmArn`.
const CLOUDHSM_ARN_PATTERN: &str = "arn:aws(-(us-gov))?:cloudhsm:([a-z]{2}(-(gov|isob|iso))?-(east|west|north|south|central){1,2}-[0-9]{1}):[0-9]{12}:(backup/backup|cluster/cluster|hsm/hsm)-[2-7a-zA-Z]{11,16}";
/// Pattern of `Region`.
const REGION_PATTERN: &str = r"[a-z]{2}(-(gov))?-(east|west|north|south|central){1,2}-\d";
/// Pattern of `ExternalAz`.
const AZ_PATTERN: &str = r"[a-z]{2}(-(gov))?-(east|west|north|south|central){1,2}-\d[a-z]";
/// Pattern of `SubnetId`.
const SUBNET_ID_PATTERN: &str = "subnet-[0-9a-fA-F]{8,17}";
/// Pattern of `EniId`.
const ENI_ID_PATTERN: &str = "eni-[0-9a-fA-F]{8,17}";
/// Pattern of `IpAddress`.
const IP_ADDRESS_PATTERN: &str = r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}";
/// Pattern of `HsmType`.
const HSM_TYPE_PATTERN: &str = r"((p|)hsm[0-9][a-z.]*\.[a-zA-Z]+)";
/// Pattern of `Cert`.
const CERT_PATTERN: &str = r"[a-zA-Z0-9+-/=\s]*";
/// Pattern of `Field` (filter names).
const FIELD_PATTERN: &str = "[a-zA-Z0-9_-]+";
/// Pattern of `BackupRetentionValue`.
const RETENTION_VALUE_PATTERN: &str = "[0-9]+";

/// The characters of generated ids: `[2-7a-zA-Z]` (base32 plus upper case).
#[must_use]
pub fn is_id_char(c: char) -> bool {
    c.is_ascii_alphabetic() || ('2'..='7').contains(&c)
}

/// `<prefix>-[2-7a-zA-Z]{11,16}`.
fn is_prefixed_id(s: &str, prefix: &str) -> bool {
    s.strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('-'))
        .is_some_and(|rest| (11..=16).contains(&rest.len()) && rest.chars().all(is_id_char))
}

/// `(east|west|north|south|central){1,2}`.
fn is_direction(word: &str) -> bool {
    const WORDS: [&str; 5] = ["east", "west", "north", "south", "central"];
    WORDS.iter().any(|first| {
        word.strip_prefix(first)
            .is_some_and(|rest| rest.is_empty() || WORDS.contains(&rest))
    })
}

/// `[a-z]{2}(-(<partition>))?-(east|...){1,2}-<last>` where `partitions`
/// lists the allowed optional middles and `last` checks the final part.
fn is_region_like(s: &str, partitions: &[&str], last: impl Fn(&str) -> bool) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let (head, rest) = match parts.as_slice() {
        [head, rest @ ..] => (*head, rest),
        [] => return false,
    };
    if head.len() != 2 || !head.bytes().all(|b| b.is_ascii_lowercase()) {
        return false;
    }
    let rest = match rest {
        [middle, rest @ ..] if partitions.contains(middle) => rest,
        rest => rest,
    };
    matches!(rest, [direction, tail] if is_direction(direction) && last(tail))
}

fn is_one_digit(s: &str) -> bool {
    s.len() == 1 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `s` matches the model's `Region` pattern.
#[must_use]
pub fn is_region(s: &str) -> bool {
    is_region_like(s, &["gov"], is_one_digit)
}

fn check_cluster_id(s: &str) -> Result<(), ValidationError> {
    check_pattern(s, CLUSTER_ID_PATTERN, is_prefixed_id(s, "cluster"))
}

fn check_backup_id(s: &str) -> Result<(), ValidationError> {
    check_pattern(s, BACKUP_ID_PATTERN, is_prefixed_id(s, "backup"))
}

fn check_hsm_id(s: &str) -> Result<(), ValidationError> {
    check_pattern(s, HSM_ID_PATTERN, is_prefixed_id(s, "hsm"))
}

fn check_resource_id(s: &str) -> Result<(), ValidationError> {
    let ok = is_prefixed_id(s, "cluster") || is_prefixed_id(s, "backup");
    check_pattern(s, RESOURCE_ID_PATTERN, ok)
}

/// Splits a backup ARN into `(region, account, backup id)`.
fn split_backup_arn(s: &str) -> Option<(&str, &str, &str)> {
    let rest = s
        .strip_prefix("arn:aws:cloudhsm:")
        .or_else(|| s.strip_prefix("arn:aws-us-gov:cloudhsm:"))?;
    let (region, rest) = rest.split_once(':')?;
    let (account, id) = rest.split_once(":backup/")?;
    let region_ok = is_region_like(region, &["gov", "isob", "iso"], is_one_digit);
    let account_ok = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    (region_ok && account_ok && is_prefixed_id(id, "backup")).then_some((region, account, id))
}

fn check_backup_arn(s: &str) -> Result<(), ValidationError> {
    let ok = is_prefixed_id(s, "backup") || split_backup_arn(s).is_some();
    check_pattern(s, BACKUP_ARN_PATTERN, ok)
}

/// The resource types a `CloudHsmArn` can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArnResourceType {
    /// `backup/backup-...`.
    Backup,
    /// `cluster/cluster-...`.
    Cluster,
    /// `hsm/hsm-...`.
    Hsm,
}

impl ArnResourceType {
    /// The ARN's resource type word (`backup`, `cluster`, `hsm`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Backup => "backup",
            Self::Cluster => "cluster",
            Self::Hsm => "hsm",
        }
    }
}

/// The parts of a CloudHSM ARN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CloudHsmArnParts<'a> {
    /// `us-east-1`.
    pub region: &'a str,
    /// Twelve digits.
    pub account: &'a str,
    /// What the ARN names.
    pub resource_type: ArnResourceType,
    /// `backup-...`, `cluster-...` or `hsm-...`.
    pub resource_id: &'a str,
}

/// Splits `arn:aws[-us-gov]:cloudhsm:REGION:ACCOUNT:TYPE/TYPE-ID` as the
/// `CloudHsmArn` pattern allows it.
fn split_cloudhsm_arn(s: &str) -> Option<CloudHsmArnParts<'_>> {
    let rest = s
        .strip_prefix("arn:aws:cloudhsm:")
        .or_else(|| s.strip_prefix("arn:aws-us-gov:cloudhsm:"))?;
    let (region, rest) = rest.split_once(':')?;
    let (account, resource) = rest.split_once(':')?;
    let (word, resource_id) = resource.split_once('/')?;
    let resource_type = [
        ArnResourceType::Backup,
        ArnResourceType::Cluster,
        ArnResourceType::Hsm,
    ]
    .into_iter()
    .find(|t| t.as_str() == word)?;
    let ok = is_region_like(region, &["gov", "isob", "iso"], is_one_digit)
        && is_digits(account, 12)
        && is_prefixed_id(resource_id, word);
    ok.then_some(CloudHsmArnParts {
        region,
        account,
        resource_type,
        resource_id,
    })
}

fn check_cloudhsm_arn(s: &str) -> Result<(), ValidationError> {
    check_pattern(s, CLOUDHSM_ARN_PATTERN, split_cloudhsm_arn(s).is_some())
}

fn check_region(s: &str) -> Result<(), ValidationError> {
    check_pattern(s, REGION_PATTERN, is_region(s))
}

fn check_az(s: &str) -> Result<(), ValidationError> {
    let last = |tail: &str| {
        let bytes = tail.as_bytes();
        bytes.len() == 2 && bytes[0].is_ascii_digit() && bytes[1].is_ascii_lowercase()
    };
    check_pattern(s, AZ_PATTERN, is_region_like(s, &["gov"], last))
}

fn is_hex_suffixed(s: &str, prefix: &str) -> bool {
    s.strip_prefix(prefix).is_some_and(|rest| {
        (8..=17).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

fn check_subnet_id(s: &str) -> Result<(), ValidationError> {
    check_pattern(s, SUBNET_ID_PATTERN, is_hex_suffixed(s, "subnet-"))
}

fn check_eni_id(s: &str) -> Result<(), ValidationError> {
    check_pattern(s, ENI_ID_PATTERN, is_hex_suffixed(s, "eni-"))
}

fn check_ip_address(s: &str) -> Result<(), ValidationError> {
    let parts: Vec<&str> = s.split('.').collect();
    let ok = parts.len() == 4
        && parts
            .iter()
            .all(|p| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
    check_pattern(s, IP_ADDRESS_PATTERN, ok)
}

fn check_hsm_type(s: &str) -> Result<(), ValidationError> {
    check_length(s, 0, 32)?;
    let body = s.strip_prefix('p').unwrap_or(s);
    let ok = body.strip_prefix("hsm").is_some_and(|rest| {
        let mut chars = rest.chars();
        let digit = chars.next().is_some_and(|c| c.is_ascii_digit());
        let rest = chars.as_str();
        // `[a-z.]*\.[a-zA-Z]+`: the last dot splits the two parts.
        digit
            && rest.rfind('.').is_some_and(|dot| {
                let (before, after) = (&rest[..dot], &rest[dot + 1..]);
                before.chars().all(|c| c.is_ascii_lowercase() || c == '.')
                    && !after.is_empty()
                    && after.chars().all(|c| c.is_ascii_alphabetic())
            })
    });
    check_pattern(s, HSM_TYPE_PATTERN, ok)
}

fn check_cert(s: &str) -> Result<(), ValidationError> {
    check_length(s, 0, 20_000)?;
    // `+-/` is the range U+002B..U+002F: `+ , - . /`.
    let ok = s.chars().all(|c| {
        c.is_ascii_alphanumeric() || ('+'..='/').contains(&c) || c == '=' || is_java_space(c)
    });
    check_pattern(s, CERT_PATTERN, ok)
}

fn check_next_token(s: &str) -> Result<(), ValidationError> {
    check_length(s, 0, 256)?;
    check_pattern(s, ".*", is_single_line(s))
}

fn check_field(s: &str) -> Result<(), ValidationError> {
    let ok = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    check_pattern(s, FIELD_PATTERN, ok)
}

fn check_retention_value(s: &str) -> Result<(), ValidationError> {
    check_length(s, 1, 3)?;
    check_pattern(
        s,
        RETENTION_VALUE_PATTERN,
        s.bytes().all(|b| b.is_ascii_digit()),
    )
}

string_newtype!(
    /// `ClusterId`: `cluster-[2-7a-zA-Z]{11,16}`.
    ClusterId,
    check_cluster_id
);
string_newtype!(
    /// `BackupId`: `backup-[2-7a-zA-Z]{11,16}`.
    BackupId,
    check_backup_id
);
string_newtype!(
    /// `HsmId`: `hsm-[2-7a-zA-Z]{11,16}`.
    HsmId,
    check_hsm_id
);
string_newtype!(
    /// `ResourceId` (tagging): a cluster id or a backup id.
    ResourceId,
    check_resource_id
);
string_newtype!(
    /// `BackupArn` (CreateCluster SourceBackupId): a backup id, or a backup ARN
    /// `arn:aws:cloudhsm:REGION:ACCOUNT:backup/backup-...`.
    BackupArn,
    check_backup_arn
);
string_newtype!(
    /// `CloudHsmArn` (resource policies): the ARN of a backup, cluster or
    /// HSM, `arn:aws:cloudhsm:REGION:ACCOUNT:backup/backup-...`.
    CloudHsmArn,
    check_cloudhsm_arn
);
string_newtype!(
    /// `Region`, e.g. `us-east-1`, `ap-northeast-2`, `us-gov-west-1`.
    Region,
    check_region
);
string_newtype!(
    /// `ExternalAz`: an Availability Zone such as `us-east-1a`.
    AvailabilityZone,
    check_az
);
string_newtype!(
    /// `SubnetId`: `subnet-[0-9a-fA-F]{8,17}`.
    SubnetId,
    check_subnet_id
);
string_newtype!(
    /// `EniId`: `eni-[0-9a-fA-F]{8,17}`.
    EniId,
    check_eni_id
);
string_newtype!(
    /// `IpAddress`: four dot-separated groups of one to three digits.
    IpAddress,
    check_ip_address
);
string_newtype!(
    /// `HsmType`: at most 32 characters, `((p|)hsm[0-9][a-z.]*\.[a-zA-Z]+)`
    /// (the service offers `hsm1.medium` and `hsm2m.medium`).
    HsmType,
    check_hsm_type
);
string_newtype!(
    /// `Cert`: a PEM certificate, at most 20000 characters of base64,
    /// `+,-./=` and white space.
    Cert,
    check_cert
);
string_newtype!(
    /// `NextToken`: at most 256 characters on one line.
    NextToken,
    check_next_token
);
string_newtype!(
    /// `Field`: a filter name, `[a-zA-Z0-9_-]+`.
    FilterField,
    check_field
);
string_newtype!(
    /// `BackupRetentionValue`: one to three digits (the service accepts 7-379 days).
    BackupRetentionValue,
    check_retention_value
);

impl BackupArn {
    /// The backup id: the whole value, or the part after `backup/` of an ARN.
    #[must_use]
    pub fn backup_id(&self) -> &str {
        split_backup_arn(self.as_str()).map_or(self.as_str(), |(_, _, id)| id)
    }

    /// The region and account of an ARN; `None` for a bare id.
    #[must_use]
    pub fn region_and_account(&self) -> Option<(&str, &str)> {
        split_backup_arn(self.as_str()).map(|(region, account, _)| (region, account))
    }
}

impl CloudHsmArn {
    /// The ARN's region, account, resource type and resource id.
    #[must_use]
    pub fn parts(&self) -> CloudHsmArnParts<'_> {
        // Every value was checked by `split_cloudhsm_arn` when it was made.
        split_cloudhsm_arn(self.as_str()).unwrap_or(CloudHsmArnParts {
            region: "",
            account: "",
            resource_type: ArnResourceType::Backup,
            resource_id: "",
        })
    }
}

impl ResourceId {
    /// True for a cluster id, false for a backup id.
    #[must_use]
    pub fn is_cluster(&self) -> bool {
        self.as_str().starts_with("cluster-")
    }
}

impl HsmType {
    /// The HSM types the service offers.
    pub const OFFERED: [&'static str; 2] = ["hsm1.medium", "hsm2m.medium"];
}

impl BackupRetentionValue {
    /// Fewest days a retention policy may keep backups.
    pub const MIN_DAYS: u32 = 7;
    /// Most days a retention policy may keep backups.
    pub const MAX_DAYS: u32 = 379;

    /// The number of days, when within [`Self::MIN_DAYS`]..=[`Self::MAX_DAYS`].
    ///
    /// # Errors
    /// A message in the service's words when the value is out of range.
    pub fn days(&self) -> Result<u32, String> {
        match self.as_str().parse::<u32>() {
            Ok(days) if (Self::MIN_DAYS..=Self::MAX_DAYS).contains(&days) => Ok(days),
            _ => Err(format!(
                "Invalid backup retention policy value {}: the value must be between {} and {} days.",
                self.as_str(),
                Self::MIN_DAYS,
                Self::MAX_DAYS
            )),
        }
    }
}

bounded_u32!(
    /// `BackupsMaxSize`: DescribeBackups page size, 1-50.
    BackupsMaxResults,
    1 ..= 50
);
bounded_u32!(
    /// `ClustersMaxSize`: DescribeClusters page size, 1-25.
    ClustersMaxResults,
    1 ..= 25
);
bounded_u32!(
    /// `MaxSize`: ListTags page size, 1-100.
    TagsMaxResults,
    1 ..= 100
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(ClusterId::parse("cluster-igklspoyj5v").is_ok());
        assert!(ClusterId::parse("cluster-ABCDEFGH234567xy").is_ok());
        for bad in [
            "cluster-short",
            "cluster-abcdefghijk1",
            "cluster-abcdefghijklmnopq",
            "backup-abcdefghijk",
            "",
        ] {
            let err = ClusterId::parse(bad).unwrap_err();
            assert_eq!(
                err.constraint(),
                "Member must satisfy regular expression pattern: cluster-[2-7a-zA-Z]{11,16}",
                "{bad}"
            );
        }
        assert!(BackupId::parse("backup-ro5c4er4aac").is_ok());
        assert!(BackupId::parse("backup-ro5c4er4aa8").is_err());
        assert!(HsmId::parse("hsm-ucx4b7ydvdr").is_ok());
        let cluster = ResourceId::parse("cluster-igklspoyj5v").unwrap();
        assert!(cluster.is_cluster());
        assert!(
            !ResourceId::parse("backup-ro5c4er4aac")
                .unwrap()
                .is_cluster()
        );
        assert!(ResourceId::parse("hsm-ucx4b7ydvdr").is_err());
    }

    #[test]
    fn backup_arns() {
        let bare = BackupArn::parse("backup-ro5c4er4aac").unwrap();
        assert_eq!(bare.backup_id(), "backup-ro5c4er4aac");
        assert_eq!(bare.region_and_account(), None);
        let arn =
            BackupArn::parse("arn:aws:cloudhsm:eu-west-1:123456789012:backup/backup-ro5c4er4aac")
                .unwrap();
        assert_eq!(arn.backup_id(), "backup-ro5c4er4aac");
        assert_eq!(
            arn.region_and_account(),
            Some(("eu-west-1", "123456789012"))
        );
        for bad in [
            "arn:aws:cloudhsm:eu-west-1:1234:backup/backup-ro5c4er4aac",
            "arn:aws:kms:eu-west-1:123456789012:backup/backup-ro5c4er4aac",
            "arn:aws:cloudhsm:eu-west-1:123456789012:cluster/backup-ro5c4er4aac",
        ] {
            assert!(BackupArn::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn cloudhsm_arns() {
        let arn =
            CloudHsmArn::parse("arn:aws:cloudhsm:eu-west-1:123456789012:backup/backup-ro5c4er4aac")
                .unwrap();
        assert_eq!(
            arn.parts(),
            CloudHsmArnParts {
                region: "eu-west-1",
                account: "123456789012",
                resource_type: ArnResourceType::Backup,
                resource_id: "backup-ro5c4er4aac",
            }
        );
        let cluster = CloudHsmArn::parse(
            "arn:aws-us-gov:cloudhsm:us-gov-west-1:123456789012:cluster/cluster-igklspoyj5v",
        )
        .unwrap();
        assert_eq!(cluster.parts().resource_type, ArnResourceType::Cluster);
        assert_eq!(cluster.parts().region, "us-gov-west-1");
        let hsm = CloudHsmArn::parse("arn:aws:cloudhsm:us-east-1:123456789012:hsm/hsm-ucx4b7ydvdr")
            .unwrap();
        assert_eq!(hsm.parts().resource_type, ArnResourceType::Hsm);
        for bad in [
            "backup-ro5c4er4aac",
            "arn:aws:cloudhsm:eu-west-1:12345678901:backup/backup-ro5c4er4aac",
            "arn:aws:cloudhsm:eu-west-1:123456789012:backup/cluster-ro5c4er4aac",
            "arn:aws:cloudhsm:eu-west-1:123456789012:backup/backup-short",
            "arn:aws:cloudhsm:eu-west-1:123456789012:server/backup-ro5c4er4aac",
            "arn:aws:kms:eu-west-1:123456789012:backup/backup-ro5c4er4aac",
            "arn:aws:cloudhsm:eu-west:123456789012:backup/backup-ro5c4er4aac",
            "arn:aws:cloudhsm:eu-west-1:123456789012:backup/backup-ro5c4er4aac/x",
        ] {
            let err = CloudHsmArn::parse(bad).unwrap_err();
            assert_eq!(
                err.constraint(),
                format!("Member must satisfy regular expression pattern: {CLOUDHSM_ARN_PATTERN}"),
                "{bad}"
            );
        }
    }

    #[test]
    fn regions_and_zones() {
        for ok in [
            "us-east-1",
            "ap-northeast-2",
            "us-gov-west-1",
            "eu-central-1",
            "ca-central-1",
        ] {
            assert!(Region::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "us-east-10",
            "useast-1",
            "us-up-1",
            "US-east-1",
            "local",
            "us-east-1a",
        ] {
            assert!(Region::parse(bad).is_err(), "{bad}");
        }
        assert!(AvailabilityZone::parse("us-east-1a").is_ok());
        assert!(AvailabilityZone::parse("us-east-1").is_err());
        assert!(AvailabilityZone::parse("us-east-1A").is_err());
    }

    #[test]
    fn network_members() {
        assert!(SubnetId::parse("subnet-0a1b2c3d").is_ok());
        assert!(SubnetId::parse("subnet-0a1b2c3").is_err());
        assert!(SubnetId::parse("subnet-0a1b2c3g").is_err());
        assert!(EniId::parse("eni-0123456789abcdef0").is_ok());
        assert!(IpAddress::parse("10.0.0.12").is_ok());
        assert!(IpAddress::parse("10.0.0").is_err());
        assert!(IpAddress::parse("10.0.0.1234").is_err());
    }

    #[test]
    fn hsm_types() {
        for ok in ["hsm1.medium", "hsm2m.medium", "phsm1.large", "hsm1.x.Big"] {
            assert!(HsmType::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "hsm1",
            "hsm1.",
            "hsmx.medium",
            "HSM1.medium",
            "hsm1.medium2",
        ] {
            assert!(HsmType::parse(bad).is_err(), "{bad}");
        }
        assert!(HsmType::parse(format!("hsm1.{}", "m".repeat(28))).is_err());
    }

    #[test]
    fn certs_tokens_fields_and_retention() {
        assert!(
            Cert::parse("-----BEGIN CERTIFICATE-----\nMIIB+/=\n-----END CERTIFICATE-----\n")
                .is_ok()
        );
        assert!(Cert::parse("not*pem").is_err());
        assert!(NextToken::parse("x".repeat(256)).is_ok());
        assert!(NextToken::parse("x".repeat(257)).is_err());
        assert!(FilterField::parse("clusterIds").is_ok());
        assert!(FilterField::parse("").is_err());
        assert!(FilterField::parse("a.b").is_err());
        assert_eq!(BackupRetentionValue::parse("90").unwrap().days(), Ok(90));
        assert!(BackupRetentionValue::parse("6").unwrap().days().is_err());
        assert!(BackupRetentionValue::parse("380").unwrap().days().is_err());
        assert!(BackupRetentionValue::parse("1000").is_err());
        assert!(BackupRetentionValue::parse("9a").is_err());
    }

    #[test]
    fn page_sizes() {
        assert_eq!(BackupsMaxResults::parse(50).unwrap().get(), 50);
        assert_eq!(
            BackupsMaxResults::parse(51).unwrap_err().constraint(),
            "Member must have value less than or equal to 50"
        );
        assert!(ClustersMaxResults::parse(26).is_err());
        assert!(TagsMaxResults::parse(0).is_err());
        assert!(TagsMaxResults::parse(100).is_ok());
    }
}
