//! Enum members of the CloudHSM v2 model.

use crate::wire_enum::wire_enum;

wire_enum! {
    /// `BackupState`.
    pub enum BackupState {
        CreateInProgress = "CREATE_IN_PROGRESS",
        Ready = "READY",
        Deleted = "DELETED",
        PendingDeletion = "PENDING_DELETION",
    }
}

wire_enum! {
    /// `ClusterState`.
    pub enum ClusterState {
        CreateInProgress = "CREATE_IN_PROGRESS",
        Uninitialized = "UNINITIALIZED",
        InitializeInProgress = "INITIALIZE_IN_PROGRESS",
        Initialized = "INITIALIZED",
        Active = "ACTIVE",
        UpdateInProgress = "UPDATE_IN_PROGRESS",
        ModifyInProgress = "MODIFY_IN_PROGRESS",
        RollbackInProgress = "ROLLBACK_IN_PROGRESS",
        DeleteInProgress = "DELETE_IN_PROGRESS",
        Deleted = "DELETED",
        Degraded = "DEGRADED",
    }
}

wire_enum! {
    /// `HsmState`.
    pub enum HsmState {
        CreateInProgress = "CREATE_IN_PROGRESS",
        Active = "ACTIVE",
        Degraded = "DEGRADED",
        DeleteInProgress = "DELETE_IN_PROGRESS",
        Deleted = "DELETED",
    }
}

wire_enum! {
    /// `ClusterMode`.
    pub enum ClusterMode {
        Fips = "FIPS",
        NonFips = "NON_FIPS",
    }
}

wire_enum! {
    /// `NetworkType`.
    pub enum NetworkType {
        Ipv4 = "IPV4",
        Dualstack = "DUALSTACK",
    }
}

wire_enum! {
    /// `BackupPolicy`.
    pub enum BackupPolicy {
        Default = "DEFAULT",
    }
}

wire_enum! {
    /// `BackupRetentionType`.
    pub enum BackupRetentionType {
        Days = "DAYS",
    }
}

macro_rules! from_name {
    ($($name:ident),*) => {$(
        impl $name {
            /// Looks a value up by its exact wire string.
            #[must_use]
            pub fn from_name(name: &str) -> Option<Self> {
                Self::lookup(name)
            }
        }
    )*};
}

from_name!(
    BackupState,
    ClusterState,
    HsmState,
    ClusterMode,
    NetworkType,
    BackupPolicy,
    BackupRetentionType
);

impl ClusterState {
    /// True in the states that change on their own (`*_IN_PROGRESS`).
    /// UNINITIALIZED and INITIALIZED wait for the customer, so they are settled.
    #[must_use]
    pub fn is_transitional(self) -> bool {
        matches!(
            self,
            Self::CreateInProgress
                | Self::InitializeInProgress
                | Self::UpdateInProgress
                | Self::ModifyInProgress
                | Self::RollbackInProgress
                | Self::DeleteInProgress
        )
    }
}

impl HsmState {
    /// True in the states that change on their own.
    #[must_use]
    pub fn is_transitional(self) -> bool {
        matches!(self, Self::CreateInProgress | Self::DeleteInProgress)
    }
}

impl BackupState {
    /// True in the states that change on their own: CREATE_IN_PROGRESS;
    /// not PENDING_DELETION, which lasts seven days unless restored.
    #[must_use]
    pub fn is_transitional(self) -> bool {
        self == Self::CreateInProgress
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_the_in_progress_states_are_transitional() {
        for state in ClusterState::ALL {
            assert_eq!(
                state.is_transitional(),
                state.as_str().ends_with("_IN_PROGRESS"),
                "{state}"
            );
        }
        for state in HsmState::ALL {
            assert_eq!(
                state.is_transitional(),
                state.as_str().ends_with("_IN_PROGRESS"),
                "{state}"
            );
        }
        for state in BackupState::ALL {
            assert_eq!(
                state.is_transitional(),
                state.as_str().ends_with("_IN_PROGRESS"),
                "{state}"
            );
        }
    }

    #[test]
    fn wire_names() {
        assert_eq!(BackupState::PendingDeletion.as_str(), "PENDING_DELETION");
        assert_eq!(ClusterState::ALL.len(), 11);
        assert_eq!(HsmState::ALL.len(), 5);
        assert_eq!(
            serde_json::to_string(&ClusterMode::NonFips).unwrap(),
            "\"NON_FIPS\""
        );
        assert_eq!(BackupState::from_name("READY"), Some(BackupState::Ready));
        let err = serde_json::from_str::<NetworkType>("\"IPV6\"").unwrap_err();
        assert!(
            err.to_string()
                .contains("Member must satisfy enum value set: [IPV4, DUALSTACK]"),
            "{err}"
        );
    }
}
