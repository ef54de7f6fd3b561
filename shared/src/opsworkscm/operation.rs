//! The 19 operations of the `OpsWorksCM_V2016_11_01` target.

#[allow(clippy::wildcard_imports)]
use super::*;
use crate::operation::operations;

operations! {
    /// An OpsWorks CM API operation.
    service OpsWorksCm, target "OpsWorksCM_V2016_11_01";
    AssociateNode: AssociateNodeRequest => AssociateNodeResponse,
    CreateBackup: CreateBackupRequest => CreateBackupResponse,
    CreateServer: CreateServerRequest => CreateServerResponse,
    DeleteBackup: DeleteBackupRequest => DeleteBackupResponse,
    DeleteServer: DeleteServerRequest => DeleteServerResponse,
    DescribeAccountAttributes: DescribeAccountAttributesRequest => DescribeAccountAttributesResponse,
    DescribeBackups: DescribeBackupsRequest => DescribeBackupsResponse,
    DescribeEvents: DescribeEventsRequest => DescribeEventsResponse,
    DescribeNodeAssociationStatus: DescribeNodeAssociationStatusRequest => DescribeNodeAssociationStatusResponse,
    DescribeServers: DescribeServersRequest => DescribeServersResponse,
    DisassociateNode: DisassociateNodeRequest => DisassociateNodeResponse,
    ExportServerEngineAttribute: ExportServerEngineAttributeRequest => ExportServerEngineAttributeResponse,
    ListTagsForResource: ListTagsForResourceRequest => ListTagsForResourceResponse,
    RestoreServer: RestoreServerRequest => RestoreServerResponse,
    StartMaintenance: StartMaintenanceRequest => StartMaintenanceResponse,
    TagResource: TagResourceRequest => TagResourceResponse,
    UntagResource: UntagResourceRequest => UntagResourceResponse,
    UpdateServer: UpdateServerRequest => UpdateServerResponse,
    UpdateServerEngineAttributes: UpdateServerEngineAttributesRequest => UpdateServerEngineAttributesResponse,
}

impl Operation {
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
