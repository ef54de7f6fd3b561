//! The AWS CloudHSM v2 API (2017-04-28, target `BaldrApiService`):
//! operations, enums, output data types, request and response structures, and
//! the validating newtypes of its constrained members.
//!
//! Output types hold plain `String`s; request types hold the validating
//! newtypes of [`ids`] and [`lists`], so deserializing a request checks every
//! length, range and pattern constraint of the model (botocore checks none of
//! the patterns client-side). The simulator answers a violation with
//! `CloudHsmInvalidRequestException`.

mod enums;
pub mod ids;
pub mod lists;
mod model;
mod operation;
mod policy;
mod requests;
mod responses;

pub use enums::{
    BackupPolicy, BackupRetentionType, BackupState, ClusterMode, ClusterState, HsmState,
    NetworkType,
};
pub use ids::{
    ArnResourceType, AvailabilityZone, BackupArn, BackupId, BackupRetentionValue,
    BackupsMaxResults, Cert, CloudHsmArn, CloudHsmArnParts, ClusterId, ClustersMaxResults, EniId,
    FilterField, HsmId, HsmType, IpAddress, NextToken, Region, ResourceId, SubnetId,
    TagsMaxResults,
};
pub use lists::{BoundedList, Filters};
pub use model::{
    Backup, BackupRetentionPolicy, Certificates, Cluster, DestinationBackup, Hsm, Tag,
};
pub use operation::{Handler, Operation, TARGET_PREFIX, dispatch, ops};
pub use policy::{PolicyDocumentError, ResourcePolicy};
pub use requests::*;
pub use responses::*;
