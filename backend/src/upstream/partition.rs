//! The fixed partition table that turns a region into an AWS endpoint host.
//!
//! No request chooses where a signed request goes: a region must match one
//! partition's region pattern (botocore's `endpoints.json` `regionRegex`,
//! with `\w+` narrowed to lowercase letters) before any upstream call, and
//! the host is `<service prefix>.<region>.<the partition's DNS suffix>`.

/// One AWS partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    /// `aws`, `aws-cn` or `aws-us-gov`.
    pub name: &'static str,
    /// The DNS suffix of its endpoints.
    pub dns_suffix: &'static str,
    /// Region prefixes, each followed by `-<direction>-<number>`.
    prefixes: &'static [&'static str],
}

/// The partitions cmconsole signs for.
pub const PARTITIONS: [Partition; 3] = [
    Partition {
        name: "aws",
        dns_suffix: "amazonaws.com",
        prefixes: &["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"],
    },
    Partition {
        name: "aws-cn",
        dns_suffix: "amazonaws.com.cn",
        prefixes: &["cn"],
    },
    Partition {
        name: "aws-us-gov",
        dns_suffix: "amazonaws.com",
        prefixes: &["us-gov"],
    },
];

/// The partition `region` belongs to, if it is a region name at all:
/// `<prefix>-<letters>-<1 or 2 digits>`.
pub fn partition_of(region: &str) -> Option<&'static Partition> {
    PARTITIONS.iter().find(|partition| {
        partition.prefixes.iter().any(|prefix| {
            region
                .strip_prefix(prefix)
                .and_then(|rest| rest.strip_prefix('-'))
                .and_then(|rest| rest.split_once('-'))
                .is_some_and(|(direction, number)| {
                    !direction.is_empty()
                        && direction.bytes().all(|b| b.is_ascii_lowercase())
                        && (1..=2).contains(&number.len())
                        && number.bytes().all(|b| b.is_ascii_digit())
                })
        })
    })
}

/// Whether `region` is a region name of a known partition.
pub fn is_region(region: &str) -> bool {
    partition_of(region).is_some()
}

/// `https://<prefix>.<region>.<suffix>/` for a valid `region`.
pub fn endpoint_url(endpoint_prefix: &str, region: &str) -> Option<String> {
    let partition = partition_of(region)?;
    Some(format!(
        "https://{endpoint_prefix}.{region}.{}/",
        partition.dns_suffix
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_regions_map_to_their_partition() {
        for (region, partition) in [
            ("us-east-1", "aws"),
            ("eu-west-1", "aws"),
            ("ap-southeast-5", "aws"),
            ("mx-central-1", "aws"),
            ("cn-north-1", "aws-cn"),
            ("cn-northwest-1", "aws-cn"),
            ("us-gov-west-1", "aws-us-gov"),
        ] {
            assert_eq!(
                partition_of(region).map(|p| p.name),
                Some(partition),
                "{region}"
            );
        }
        assert_eq!(
            endpoint_url("cloudhsmv2", "cn-north-1").as_deref(),
            Some("https://cloudhsmv2.cn-north-1.amazonaws.com.cn/")
        );
    }

    #[test]
    fn anything_that_could_steer_the_host_is_refused() {
        for bad in [
            "x@127.0.0.1:9999#",
            "us-east-1.evil.example",
            "us-east-1/",
            "us-east-1:443",
            "US-EAST-1",
            "us-east-",
            "us-east-123",
            "zz-east-1",
            "",
            "us-east-1 ",
            "127.0.0.1",
        ] {
            assert!(!is_region(bad), "{bad:?}");
            assert!(endpoint_url("opsworks-cm", bad).is_none());
        }
    }
}
