//! The AWS OpsWorks CM API (2016-11-01): operations, enums, output data
//! types, request and response structures, and well-known attribute names.
//!
//! Output types hold plain `String`s; request types hold the validating
//! newtypes of [`crate::validation`] (re-exported here), so deserializing a
//! request checks every length and pattern constraint of the model.

pub mod attributes;
mod engine;
mod enums;
mod members;
mod model;
mod operation;
mod requests;
mod responses;

pub use engine::EngineKind;
pub use enums::{BackupStatus, BackupType, MaintenanceStatus, NodeAssociationStatus, ServerStatus};
pub use model::{AccountAttribute, Backup, EngineAttribute, Server, ServerEvent, Tag};
pub use operation::{Handler, Operation, TARGET_PREFIX, dispatch, ops};
pub use requests::*;
pub use responses::*;

pub use crate::validation::{TagKey, TagValue};
pub use members::{
    AdminPassword, ArnParts, AttributeName, BackupId, BackupRetentionCount, CustomCertificate,
    CustomDomain, CustomPrivateKey, EngineAttributeName, EngineAttributeValue, InstanceProfileArn,
    KeyPair, MaxResults, NextToken, NodeName, OpsWorksCmArn, ServerName, ServiceRoleArn,
    TAG_KEY_MAX, TAG_VALUE_MAX, Text, TimeWindow, check_tag,
};
