//! The operations of the `BaldrApiService` target that cmconsole serves.

#[allow(clippy::wildcard_imports)]
use super::*;
use crate::operation::operations;

operations! {
    /// A CloudHSM v2 API operation (all 18 of the 2017-04-28 model).
    service CloudHsmV2, target "BaldrApiService";
    CopyBackupToRegion: CopyBackupToRegionRequest => CopyBackupToRegionResponse,
    CreateCluster: CreateClusterRequest => CreateClusterResponse,
    CreateHsm: CreateHsmRequest => CreateHsmResponse,
    DeleteBackup: DeleteBackupRequest => DeleteBackupResponse,
    DeleteCluster: DeleteClusterRequest => DeleteClusterResponse,
    DeleteHsm: DeleteHsmRequest => DeleteHsmResponse,
    DeleteResourcePolicy: DeleteResourcePolicyRequest => DeleteResourcePolicyResponse,
    DescribeBackups: DescribeBackupsRequest => DescribeBackupsResponse,
    DescribeClusters: DescribeClustersRequest => DescribeClustersResponse,
    GetResourcePolicy: GetResourcePolicyRequest => GetResourcePolicyResponse,
    InitializeCluster: InitializeClusterRequest => InitializeClusterResponse,
    ListTags: ListTagsRequest => ListTagsResponse,
    ModifyBackupAttributes: ModifyBackupAttributesRequest => ModifyBackupAttributesResponse,
    ModifyCluster: ModifyClusterRequest => ModifyClusterResponse,
    PutResourcePolicy: PutResourcePolicyRequest => PutResourcePolicyResponse,
    RestoreBackup: RestoreBackupRequest => RestoreBackupResponse,
    TagResource: TagResourceRequest => TagResourceResponse,
    UntagResource: UntagResourceRequest => UntagResourceResponse,
}

impl Operation {
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
