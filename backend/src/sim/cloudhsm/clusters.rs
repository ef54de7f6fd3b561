//! Cluster operations: CreateCluster, DescribeClusters, InitializeCluster,
//! ModifyCluster, DeleteCluster.

use std::collections::BTreeMap;

use shared::cloudhsmv2::{
    BackupPolicy, BackupRetentionPolicy, BackupRetentionType, BackupState, Cluster, ClusterMode,
    ClusterState, CreateClusterRequest, CreateClusterResponse, DeleteClusterRequest,
    DeleteClusterResponse, DescribeClustersRequest, DescribeClustersResponse, HsmType,
    InitializeClusterRequest, InitializeClusterResponse, ModifyClusterRequest,
    ModifyClusterResponse, NetworkType,
};

use super::durations;
use super::records::RecordChanges as _;
use super::records::{ClusterAction, ClusterPending, ClusterRecord, DEFAULT_RETENTION_DAYS};
use super::{certs, invalid, limit_exceeded, new_id, not_found, tags};
use crate::error::ServiceError;
use crate::sim::CloudHsm;
use crate::sim::pagination::{PageRequest, page};
use crate::sim::random::hex as random_hex;
use shared::cloudhsmv2::{Operation, ops};
use shared::operation::Handles;

fn require_state(
    rec: &ClusterRecord,
    allowed: &[ClusterState],
    action: &str,
) -> Result<(), ServiceError> {
    let state = rec.state();
    if allowed.contains(&state) {
        return Ok(());
    }
    let names: Vec<&str> = allowed.iter().map(|s| s.as_str()).collect();
    Err(invalid(format!(
        "Cannot {action} cluster {} in state {}. Allowed states: {}.",
        rec.id(),
        state.as_str(),
        names.join(", ")
    )))
}

fn retention_policy(days: u32) -> BackupRetentionPolicy {
    BackupRetentionPolicy {
        r#type: Some(BackupRetentionType::Days),
        value: Some(days.to_string()),
    }
}

fn check_hsm_type(hsm_type: &HsmType) -> Result<(), ServiceError> {
    if HsmType::OFFERED.contains(&hsm_type.as_str()) {
        Ok(())
    } else {
        Err(invalid(format!(
            "HsmType {hsm_type} is not supported. Supported HSM types: {}.",
            HsmType::OFFERED.join(", ")
        )))
    }
}

/// The VPC of a subnet. The simulator cannot look subnets up, so the VPC is
/// derived from the first subnet: the same subnets always give the same VPC.
fn vpc_of(subnet: &str) -> String {
    let digest = crate::sim::crypto::sha256_hex(subnet.as_bytes());
    format!("vpc-{}", &digest[..17])
}

impl Handles<ops::CreateCluster> for CloudHsm<'_> {
    /// CreateCluster: CREATE_IN_PROGRESS until the cluster is UNINITIALIZED
    /// (INITIALIZED when restored from a backup).
    async fn handle(
        &self,
        region: &str,
        req: CreateClusterRequest,
    ) -> Result<CreateClusterResponse, ServiceError> {
        check_hsm_type(&req.hsm_type)?;
        let days = match &req.backup_retention_policy {
            Some(policy) => policy.days().map_err(invalid)?,
            None => DEFAULT_RETENTION_DAYS,
        };
        let tag_list = tags::check_new_tags(req.tag_list.as_deref())?;
        let mut subnet_mapping = BTreeMap::new();
        for (i, subnet) in req.subnet_ids.iter().enumerate() {
            if req.subnet_ids[..i].contains(subnet) {
                return Err(invalid(format!(
                    "Subnet {subnet} is listed more than once: specify one subnet per Availability Zone."
                )));
            }
            let zone = char::from(b'a' + u8::try_from(i).unwrap_or(0));
            subnet_mapping.insert(format!("{region}{zone}"), subnet.to_string());
        }
        let source = req.source_backup_id.as_ref();
        if let Some((arn_region, account)) = source.and_then(|s| s.region_and_account())
            && (arn_region != region || account != self.config.account_id)
        {
            return Err(not_found(format!(
                "Backup {} not found in region {region} of account {}.",
                source.map(|s| s.as_str()).unwrap_or_default(),
                self.config.account_id
            )));
        }
        let now = self.now();
        let due = self.due_in(durations::CREATE_CLUSTER);
        self.mutate(|state, changes| {
            let in_region = state.cloudhsm.clusters.values().filter(|c| c.region == region).count();
            if in_region >= self.config.cloudhsm.cluster_limit {
                return Err(limit_exceeded(format!(
                    "The number of clusters in {region} would exceed the limit of {}.",
                    self.config.cloudhsm.cluster_limit
                )));
            }
            let mut mode = req.mode;
            let source_backup_id = match source {
                Some(source) => {
                    let id = source.backup_id();
                    let backup = state.cloudhsm.backup(region, id)?;
                    if backup.state() != BackupState::Ready {
                        return Err(invalid(format!(
                            "Backup {id} is in state {} and cannot be restored into a cluster; it must be READY.",
                            backup.state().as_str()
                        )));
                    }
                    match (mode, backup.backup.mode) {
                        (Some(asked), Some(had)) if asked != had => {
                            return Err(invalid(format!(
                                "Mode {} does not match the mode {} of backup {id}.",
                                asked.as_str(),
                                had.as_str()
                            )));
                        }
                        (None, had) => mode = had,
                        _ => {}
                    }
                    Some(id.to_owned())
                }
                None => None,
            };
            let mode = mode.unwrap_or(ClusterMode::Fips);
            if mode == ClusterMode::NonFips && req.hsm_type.as_str() != "hsm2m.medium" {
                return Err(invalid(
                    "NON_FIPS mode is only available for clusters of HsmType hsm2m.medium.",
                ));
            }
            let id = new_id("cluster", |id| state.cloudhsm.clusters.contains_key(id));
            let first_subnet = req.subnet_ids[0].as_str();
            let cluster = Cluster {
                backup_policy: Some(BackupPolicy::Default),
                backup_retention_policy: Some(retention_policy(days)),
                cluster_id: Some(id.clone()),
                create_timestamp: Some(now),
                hsms: Vec::new(),
                hsm_type: Some(req.hsm_type.to_string()),
                security_group: Some(format!("sg-{}", random_hex(17))),
                source_backup_id,
                state: Some(ClusterState::CreateInProgress),
                subnet_mapping,
                vpc_id: Some(vpc_of(first_subnet)),
                network_type: Some(req.network_type.unwrap_or(NetworkType::Ipv4)),
                tag_list,
                mode: Some(mode),
                ..Cluster::default()
            };
            state.cloudhsm.clusters.insert(
                id.clone(),
                ClusterRecord {
                    region: region.to_owned(),
                    cluster: cluster.clone(),
                    pending: Some(ClusterPending {
                        due,
                        action: ClusterAction::Create,
                    }),
                    hsm_pending: BTreeMap::new(),
                    next_daily_backup: None,
                },
            );
            changes.cluster_changed(state, &id);
            Ok(CreateClusterResponse {
                cluster: Some(cluster),
            })
        })
        .await
    }
}

impl Handles<ops::DescribeClusters> for CloudHsm<'_> {
    /// DescribeClusters: the region's clusters, oldest first, filtered by
    /// `clusterIds`, `vpcIds` and `states`.
    async fn handle(
        &self,
        region: &str,
        req: DescribeClustersRequest,
    ) -> Result<DescribeClustersResponse, ServiceError> {
        let filters = req.filters.unwrap_or_default();
        for name in filters.names() {
            if !["clusterIds", "vpcIds", "states"].contains(&name) {
                return Err(invalid(format!(
                    "Invalid filter name {name}. Valid filters for DescribeClusters: clusterIds, states, vpcIds."
                )));
            }
        }
        let states = match filters.get("states") {
            Some(values) => Some(
                values
                    .iter()
                    .map(|v| {
                        ClusterState::from_name(v)
                            .ok_or_else(|| invalid(format!("Invalid value {v} for filter states.")))
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            None => None,
        };
        let ids = filters.get("clusterIds");
        let vpcs = filters.get("vpcIds");
        let now = self.now();
        self.read(|state| {
            let mut items: Vec<((i64, String), Cluster)> = state
                .cloudhsm
                .clusters
                .values()
                .filter(|c| c.region == region)
                .filter(|c| ids.is_none_or(|ids| ids.iter().any(|i| i == c.id())))
                .filter(|c| {
                    vpcs.is_none_or(|vpcs| {
                        vpcs.iter()
                            .any(|v| Some(v.as_str()) == c.cluster.vpc_id.as_deref())
                    })
                })
                .filter(|c| states.as_ref().is_none_or(|s| s.contains(&c.state())))
                .map(|c| {
                    let millis = c
                        .cluster
                        .create_timestamp
                        .map_or(0, |t| t.timestamp_millis());
                    ((millis, c.id().to_owned()), c.cluster.clone())
                })
                .collect();
            items.sort_by(|a, b| a.0.cmp(&b.0));
            let scope = format!(
                "{}|{region}|{}",
                Operation::DescribeClusters,
                filters.canonical()
            );
            let (clusters, next_token) = page(
                &PageRequest {
                    key: &state.token_key,
                    scope,
                    max_results: req.max_results.map(|m| m.get()),
                    next_token: req.next_token.as_ref().map(|t| t.as_str()),
                    now,
                },
                items,
            )?;
            Ok(DescribeClustersResponse {
                clusters,
                next_token,
            })
        })
    }
}

impl Handles<ops::InitializeCluster> for CloudHsm<'_> {
    /// InitializeCluster: the cluster CSR signed by the customer's CA moves
    /// an UNINITIALIZED cluster to INITIALIZE_IN_PROGRESS.
    async fn handle(
        &self,
        region: &str,
        req: InitializeClusterRequest,
    ) -> Result<InitializeClusterResponse, ServiceError> {
        let id = req.cluster_id.as_str();
        let due = self.due_in(durations::INITIALIZE);
        let message = "Cluster is initializing. State will change to INITIALIZED upon completion.";
        self.mutate(|state, changes| {
            let rec = state.cloudhsm.cluster_mut(region, id)?;
            require_state(rec, &[ClusterState::Uninitialized], "initialize")?;
            let csr = rec
                .cluster
                .certificates
                .as_ref()
                .and_then(|c| c.cluster_csr.clone())
                .ok_or_else(|| {
                    invalid(format!(
                        "Cluster {id} has no CSR yet: create an HSM and wait until it is ACTIVE before initializing the cluster."
                    ))
                })?;
            certs::check_initialization(&csr, req.signed_cert.as_str(), req.trust_anchor.as_str())
                .map_err(invalid)?;
            let certificates = rec.cluster.certificates.get_or_insert_default();
            certificates.cluster_certificate = Some(req.signed_cert.to_string());
            rec.cluster.state = Some(ClusterState::InitializeInProgress);
            rec.cluster.state_message = Some(message.to_owned());
            rec.pending = Some(ClusterPending {
                due,
                action: ClusterAction::Initialize,
            });
            changes.cluster_changed(state, id);
            Ok(InitializeClusterResponse {
                state: Some(ClusterState::InitializeInProgress),
                state_message: Some(message.to_owned()),
            })
        })
        .await
    }
}

impl Handles<ops::ModifyCluster> for CloudHsm<'_> {
    /// ModifyCluster: a new backup retention policy (at once) and/or a new
    /// HSM type (hsm1.medium → hsm2m.medium, MODIFY_IN_PROGRESS → ACTIVE).
    async fn handle(
        &self,
        region: &str,
        req: ModifyClusterRequest,
    ) -> Result<ModifyClusterResponse, ServiceError> {
        let id = req.cluster_id.as_str();
        let days = match &req.backup_retention_policy {
            Some(policy) => Some(policy.days().map_err(invalid)?),
            None => None,
        };
        if let Some(hsm_type) = &req.hsm_type {
            check_hsm_type(hsm_type)?;
        }
        if days.is_none() && req.hsm_type.is_none() {
            return Err(invalid(
                "Specify BackupRetentionPolicy or HsmType: there is nothing to modify.",
            ));
        }
        let due = self.due_in(durations::MODIFY_CLUSTER);
        self.mutate(|state, changes| {
            let rec = state.cloudhsm.cluster_mut(region, id)?;
            let current = rec.cluster.hsm_type.clone().unwrap_or_default();
            let new_type = req
                .hsm_type
                .as_ref()
                .map(|t| t.to_string())
                .filter(|t| *t != current);
            if let Some(new_type) = &new_type {
                if !(current == "hsm1.medium" && new_type == "hsm2m.medium") {
                    return Err(invalid(format!(
                        "Cluster {id} cannot change HsmType from {current} to {new_type}: only hsm1.medium clusters can migrate, to hsm2m.medium."
                    )));
                }
                require_state(rec, &[ClusterState::Active], "change the HSM type of")?;
                if rec.hsm_pending.values().any(|p| !p.delete) || rec.pending.is_some() {
                    return Err(invalid(format!(
                        "Cluster {id} has an operation in progress; try again when it is done."
                    )));
                }
            }
            require_state(
                rec,
                &[
                    ClusterState::CreateInProgress,
                    ClusterState::Uninitialized,
                    ClusterState::InitializeInProgress,
                    ClusterState::Initialized,
                    ClusterState::Active,
                    ClusterState::Degraded,
                    ClusterState::ModifyInProgress,
                ],
                "modify",
            )?;
            if let Some(days) = days {
                rec.cluster.backup_retention_policy = Some(retention_policy(days));
            }
            if let Some(hsm_type) = new_type {
                rec.cluster.state = Some(ClusterState::ModifyInProgress);
                rec.pending = Some(ClusterPending {
                    due,
                    action: ClusterAction::Modify { hsm_type },
                });
            }
            let cluster = rec.cluster.clone();
            changes.cluster_changed(state, id);
            Ok(ModifyClusterResponse {
                cluster: Some(cluster),
            })
        })
        .await
    }
}

impl Handles<ops::DeleteCluster> for CloudHsm<'_> {
    /// DeleteCluster: a cluster without HSMs goes DELETE_IN_PROGRESS, then
    /// away. Its backups stay.
    async fn handle(
        &self,
        region: &str,
        req: DeleteClusterRequest,
    ) -> Result<DeleteClusterResponse, ServiceError> {
        let id = req.cluster_id.as_str();
        let due = self.due_in(durations::DELETE_CLUSTER);
        self.mutate(|state, changes| {
            let rec = state.cloudhsm.cluster_mut(region, id)?;
            require_state(
                rec,
                &[
                    ClusterState::Uninitialized,
                    ClusterState::Initialized,
                    ClusterState::Active,
                    ClusterState::Degraded,
                ],
                "delete",
            )?;
            if !rec.cluster.hsms.is_empty() {
                return Err(invalid(format!(
                    "Cluster {id} still has {} HSM(s). Delete all HSMs before deleting the cluster.",
                    rec.cluster.hsms.len()
                )));
            }
            rec.cluster.state = Some(ClusterState::DeleteInProgress);
            rec.cluster.state_message = None;
            rec.next_daily_backup = None;
            rec.pending = Some(ClusterPending {
                due,
                action: ClusterAction::Delete,
            });
            let cluster = rec.cluster.clone();
            changes.cluster_changed(state, id);
            Ok(DeleteClusterResponse {
                cluster: Some(cluster),
            })
        })
        .await
    }
}
