//! The operations of the `BaldrApiService` target that cmconsole serves.

use crate::wire_enum::wire_enum;

/// The `X-Amz-Target` prefix: `BaldrApiService.<Operation>`.
pub const TARGET_PREFIX: &str = "BaldrApiService";

wire_enum! {
    /// A CloudHSM v2 API operation (all 18 of the 2017-04-28 model).
    pub enum Operation {
        CopyBackupToRegion = "CopyBackupToRegion",
        CreateCluster = "CreateCluster",
        CreateHsm = "CreateHsm",
        DeleteBackup = "DeleteBackup",
        DeleteCluster = "DeleteCluster",
        DeleteHsm = "DeleteHsm",
        DeleteResourcePolicy = "DeleteResourcePolicy",
        DescribeBackups = "DescribeBackups",
        DescribeClusters = "DescribeClusters",
        GetResourcePolicy = "GetResourcePolicy",
        InitializeCluster = "InitializeCluster",
        ListTags = "ListTags",
        ModifyBackupAttributes = "ModifyBackupAttributes",
        ModifyCluster = "ModifyCluster",
        PutResourcePolicy = "PutResourcePolicy",
        RestoreBackup = "RestoreBackup",
        TagResource = "TagResource",
        UntagResource = "UntagResource",
    }
}

impl Operation {
    /// Looks an operation up by its exact name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::lookup(name)
    }

    /// The `X-Amz-Target` header value for this operation.
    #[must_use]
    pub fn target(self) -> String {
        let name = self.as_str();
        format!("{TARGET_PREFIX}.{name}")
    }

    /// True when the operation changes state; false for DescribeBackups,
    /// DescribeClusters, GetResourcePolicy and ListTags.
    #[must_use]
    pub fn is_mutating(self) -> bool {
        !matches!(
            self,
            Self::DescribeBackups
                | Self::DescribeClusters
                | Self::GetResourcePolicy
                | Self::ListTags
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_round_trip() {
        assert_eq!(Operation::ALL.len(), 18);
        for op in Operation::ALL {
            assert_eq!(Operation::from_name(op.as_str()), Some(op));
        }
        assert_eq!(
            Operation::RestoreBackup.target(),
            "BaldrApiService.RestoreBackup"
        );
        assert_eq!(Operation::from_name("DescribeServers"), None);
        assert_eq!(
            Operation::ALL.iter().filter(|op| op.is_mutating()).count(),
            14
        );
    }
}
