//! The 19 operations of the `OpsWorksCM_V2016_11_01` target.

use crate::wire_enum::wire_enum;

/// The `X-Amz-Target` prefix: `OpsWorksCM_V2016_11_01.<Operation>`.
pub const TARGET_PREFIX: &str = "OpsWorksCM_V2016_11_01";

wire_enum! {
    /// An OpsWorks CM API operation.
    pub enum Operation {
        AssociateNode = "AssociateNode",
        CreateBackup = "CreateBackup",
        CreateServer = "CreateServer",
        DeleteBackup = "DeleteBackup",
        DeleteServer = "DeleteServer",
        DescribeAccountAttributes = "DescribeAccountAttributes",
        DescribeBackups = "DescribeBackups",
        DescribeEvents = "DescribeEvents",
        DescribeNodeAssociationStatus = "DescribeNodeAssociationStatus",
        DescribeServers = "DescribeServers",
        DisassociateNode = "DisassociateNode",
        ExportServerEngineAttribute = "ExportServerEngineAttribute",
        ListTagsForResource = "ListTagsForResource",
        RestoreServer = "RestoreServer",
        StartMaintenance = "StartMaintenance",
        TagResource = "TagResource",
        UntagResource = "UntagResource",
        UpdateServer = "UpdateServer",
        UpdateServerEngineAttributes = "UpdateServerEngineAttributes",
    }
}

impl Operation {
    /// Looks an operation up by its exact name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::lookup(name)
    }

    /// Parses an `X-Amz-Target` header value (`OpsWorksCM_V2016_11_01.Name`).
    #[must_use]
    pub fn from_target(target: &str) -> Option<Self> {
        let name = target.strip_prefix(TARGET_PREFIX)?.strip_prefix('.')?;
        Self::lookup(name)
    }

    /// The `X-Amz-Target` header value for this operation.
    #[must_use]
    pub fn target(self) -> String {
        let name = self.as_str();
        format!("{TARGET_PREFIX}.{name}")
    }

    /// True when the operation changes state (creates, deletes, updates,
    /// tags or starts work); false for Describe*, ListTagsForResource and
    /// ExportServerEngineAttribute.
    #[must_use]
    pub fn is_mutating(self) -> bool {
        !matches!(
            self,
            Self::DescribeAccountAttributes
                | Self::DescribeBackups
                | Self::DescribeEvents
                | Self::DescribeNodeAssociationStatus
                | Self::DescribeServers
                | Self::ExportServerEngineAttribute
                | Self::ListTagsForResource
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_operations_round_trip() {
        assert_eq!(Operation::ALL.len(), 19);
        for op in Operation::ALL {
            assert_eq!(Operation::from_name(op.as_str()), Some(op));
            assert_eq!(op.as_str().parse::<Operation>().unwrap(), op);
            assert_eq!(Operation::from_target(&op.target()), Some(op));
            let json = serde_json::to_string(&op).unwrap();
            assert_eq!(serde_json::from_str::<Operation>(&json).unwrap(), op);
        }
        assert_eq!(Operation::from_name("describeServers"), None);
        assert_eq!(
            Operation::from_target("BaldrApiService.DescribeBackups"),
            None
        );
        assert_eq!(
            Operation::CreateServer.target(),
            "OpsWorksCM_V2016_11_01.CreateServer"
        );
    }

    #[test]
    fn mutating() {
        assert!(Operation::CreateServer.is_mutating());
        assert!(Operation::TagResource.is_mutating());
        assert!(Operation::UpdateServer.is_mutating());
        assert!(!Operation::DescribeServers.is_mutating());
        assert!(!Operation::ListTagsForResource.is_mutating());
        assert_eq!(
            Operation::ALL.iter().filter(|op| op.is_mutating()).count(),
            12
        );
    }
}
