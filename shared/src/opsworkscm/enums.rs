//! Enum members of the OpsWorks CM model.

use crate::wire_enum::wire_enum;

wire_enum! {
    /// `ServerStatus`.
    pub enum ServerStatus {
        BackingUp = "BACKING_UP",
        ConnectionLost = "CONNECTION_LOST",
        Creating = "CREATING",
        Deleting = "DELETING",
        Modifying = "MODIFYING",
        Failed = "FAILED",
        Healthy = "HEALTHY",
        Running = "RUNNING",
        Restoring = "RESTORING",
        Setup = "SETUP",
        UnderMaintenance = "UNDER_MAINTENANCE",
        Unhealthy = "UNHEALTHY",
        Terminated = "TERMINATED",
    }
}

impl ServerStatus {
    /// Looks a status up by its exact wire string.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::lookup(name)
    }

    /// True while an operation is in progress on the server.
    #[must_use]
    pub fn is_transitional(self) -> bool {
        matches!(
            self,
            Self::Creating
                | Self::BackingUp
                | Self::Modifying
                | Self::Restoring
                | Self::UnderMaintenance
                | Self::Deleting
                | Self::Setup
        )
    }
}

wire_enum! {
    /// `BackupStatus`.
    pub enum BackupStatus {
        InProgress = "IN_PROGRESS",
        Ok = "OK",
        Failed = "FAILED",
        Deleting = "DELETING",
    }
}

impl BackupStatus {
    /// Looks a status up by its exact wire string.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::lookup(name)
    }

    /// True while the backup is being taken or deleted.
    #[must_use]
    pub fn is_transitional(self) -> bool {
        matches!(self, Self::InProgress | Self::Deleting)
    }
}

wire_enum! {
    /// `BackupType`.
    pub enum BackupType {
        Automated = "AUTOMATED",
        Manual = "MANUAL",
    }
}

wire_enum! {
    /// `MaintenanceStatus`: the result of the last maintenance run.
    pub enum MaintenanceStatus {
        Success = "SUCCESS",
        Failed = "FAILED",
    }
}

wire_enum! {
    /// `NodeAssociationStatus`.
    pub enum NodeAssociationStatus {
        Success = "SUCCESS",
        Failed = "FAILED",
        InProgress = "IN_PROGRESS",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names() {
        assert_eq!(ServerStatus::ALL.len(), 13);
        assert_eq!(
            serde_json::to_string(&ServerStatus::UnderMaintenance).unwrap(),
            r#""UNDER_MAINTENANCE""#
        );
        assert_eq!(serde_json::to_string(&BackupStatus::Ok).unwrap(), r#""OK""#);
        assert_eq!(
            serde_json::from_str::<NodeAssociationStatus>(r#""IN_PROGRESS""#).unwrap(),
            NodeAssociationStatus::InProgress
        );
        for status in ServerStatus::ALL {
            assert_eq!(status.to_string().parse::<ServerStatus>().unwrap(), status);
        }
        assert_eq!(
            "MANUALLY".parse::<BackupType>().unwrap_err().to_string(),
            "Value 'MANUALLY' failed to satisfy constraint: Member must satisfy enum value set: [AUTOMATED, MANUAL]"
        );
        assert!(serde_json::from_str::<MaintenanceStatus>(r#""success""#).is_err());
    }

    #[test]
    fn transitional() {
        let transitional: Vec<_> = ServerStatus::ALL
            .into_iter()
            .filter(|s| s.is_transitional())
            .collect();
        assert_eq!(transitional.len(), 7);
        assert!(!ServerStatus::Healthy.is_transitional());
        assert!(ServerStatus::Setup.is_transitional());
    }
}
