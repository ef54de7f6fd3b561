//! HSM operations: CreateHsm and DeleteHsm.

use shared::cloudhsmv2::{
    ClusterState, CreateHsmRequest, CreateHsmResponse, DeleteHsmRequest, DeleteHsmResponse, Hsm,
    HsmState,
};

use super::durations;
use super::records::HsmPending;
use super::records::RecordChanges as _;
use super::{invalid, limit_exceeded, new_id, not_found};
use crate::error::ServiceError;
use crate::sim::CloudHsm;
use crate::sim::random::hex as random_hex;
use shared::cloudhsmv2::ops;
use shared::operation::Handles;

impl Handles<ops::CreateHsm> for CloudHsm<'_> {
    /// CreateHsm: a new HSM in one of the cluster's Availability Zones,
    /// CREATE_IN_PROGRESS until ACTIVE. Adding an HSM to an ACTIVE cluster
    /// takes a backup.
    async fn handle(
        &self,
        region: &str,
        req: CreateHsmRequest,
    ) -> Result<CreateHsmResponse, ServiceError> {
        let cluster_id = req.cluster_id.as_str();
        let zone = req.availability_zone.as_str();
        let now = self.now();
        let due = self.due_in(durations::CREATE_HSM);
        self.mutate(|state, changes| {
            let in_region: usize = state
                .cloudhsm
                .clusters
                .values()
                .filter(|c| c.region == region)
                .map(|c| c.cluster.hsms.len())
                .sum();
            let taken = |id: &str| {
                state
                    .cloudhsm
                    .clusters
                    .values()
                    .any(|c| c.cluster.hsms.iter().any(|h| h.hsm_id == id))
            };
            let hsm_id = new_id("hsm", taken);
            let rec = state.cloudhsm.cluster_mut(region, cluster_id)?;
            let allowed = [
                ClusterState::Uninitialized,
                ClusterState::Initialized,
                ClusterState::Active,
                ClusterState::Degraded,
            ];
            if !allowed.contains(&rec.state()) {
                return Err(invalid(format!(
                    "Cannot create an HSM in cluster {cluster_id} in state {}. Allowed states: UNINITIALIZED, INITIALIZED, ACTIVE, DEGRADED.",
                    rec.state().as_str()
                )));
            }
            let subnet = rec.cluster.subnet_mapping.get(zone).cloned().ok_or_else(|| {
                let zones: Vec<&str> = rec.cluster.subnet_mapping.keys().map(String::as_str).collect();
                invalid(format!(
                    "Cluster {cluster_id} has no subnet in Availability Zone {zone}. Its Availability Zones are: {}.",
                    zones.join(", ")
                ))
            })?;
            if rec.cluster.hsms.len() >= self.config.cloudhsm.hsms_per_cluster {
                return Err(limit_exceeded(format!(
                    "Cluster {cluster_id} already has the maximum of {} HSMs.",
                    self.config.cloudhsm.hsms_per_cluster
                )));
            }
            if in_region >= self.config.cloudhsm.hsm_limit {
                return Err(limit_exceeded(format!(
                    "The number of HSMs in {region} would exceed the limit of {}.",
                    self.config.cloudhsm.hsm_limit
                )));
            }
            let used = |ip: &str| rec.cluster.hsms.iter().any(|h| h.eni_ip.as_deref() == Some(ip));
            let ip = match &req.ip_address {
                Some(ip) if used(ip.as_str()) => {
                    return Err(invalid(format!(
                        "IP address {ip} is already used by another HSM of cluster {cluster_id}."
                    )));
                }
                Some(ip) => ip.to_string(),
                None => {
                    let zone_index = rec.cluster.subnet_mapping.keys().position(|z| z == zone).unwrap_or(0);
                    (4..=250)
                        .map(|host| format!("10.0.{zone_index}.{host}"))
                        .find(|ip| !used(ip))
                        .unwrap_or_else(|| format!("10.0.{zone_index}.251"))
                }
            };
            let hsm = Hsm {
                availability_zone: Some(zone.to_owned()),
                cluster_id: Some(cluster_id.to_owned()),
                subnet_id: Some(subnet),
                eni_id: Some(format!("eni-{}", random_hex(17))),
                eni_ip: Some(ip),
                eni_ip_v6: None,
                hsm_id: hsm_id.clone(),
                hsm_type: rec.cluster.hsm_type.clone(),
                state: Some(HsmState::CreateInProgress),
                state_message: Some("Creating HSM.".to_owned()),
            };
            rec.cluster.hsms.push(hsm.clone());
            rec.hsm_pending
                .insert(hsm_id, HsmPending { due, delete: false });
            let active = rec.state() == ClusterState::Active;
            if active {
                self.start_cluster_backup(state, changes, cluster_id, now);
            }
            changes.cluster_changed(state, cluster_id);
            Ok(CreateHsmResponse { hsm: Some(hsm) })
        })
        .await
    }
}

impl Handles<ops::DeleteHsm> for CloudHsm<'_> {
    /// DeleteHsm: the HSM named by HsmId, EniId or EniIp goes
    /// DELETE_IN_PROGRESS, then leaves the cluster. Removing an HSM from an
    /// ACTIVE cluster takes a backup first.
    async fn handle(
        &self,
        region: &str,
        req: DeleteHsmRequest,
    ) -> Result<DeleteHsmResponse, ServiceError> {
        let cluster_id = req.cluster_id.as_str();
        if req.hsm_id.is_none() && req.eni_id.is_none() && req.eni_ip.is_none() {
            return Err(invalid(
                "Specify the HSM to delete with HsmId, EniId or EniIp.",
            ));
        }
        let now = self.now();
        let due = self.due_in(durations::DELETE_HSM);
        self.mutate(|state, changes| {
            let rec = state.cloudhsm.cluster_mut(region, cluster_id)?;
            let hsm = rec
                .cluster
                .hsms
                .iter_mut()
                .find(|h| {
                    req.hsm_id.as_ref().is_none_or(|id| h.hsm_id == id.as_str())
                        && req
                            .eni_id
                            .as_ref()
                            .is_none_or(|eni| h.eni_id.as_deref() == Some(eni.as_str()))
                        && req
                            .eni_ip
                            .as_ref()
                            .is_none_or(|ip| h.eni_ip.as_deref() == Some(ip.as_str()))
                })
                .ok_or_else(|| {
                    not_found(format!("No matching HSM found in cluster {cluster_id}."))
                })?;
            let hsm_state = hsm.state.unwrap_or(HsmState::Active);
            if !matches!(hsm_state, HsmState::Active | HsmState::Degraded) {
                return Err(invalid(format!(
                    "HSM {} is in state {} and cannot be deleted now.",
                    hsm.hsm_id,
                    hsm_state.as_str()
                )));
            }
            hsm.state = Some(HsmState::DeleteInProgress);
            hsm.state_message = Some("Deleting HSM.".to_owned());
            let hsm_id = hsm.hsm_id.clone();
            rec.hsm_pending
                .insert(hsm_id.clone(), HsmPending { due, delete: true });
            if rec.state() == ClusterState::Active {
                self.start_cluster_backup(state, changes, cluster_id, now);
            }
            changes.cluster_changed(state, cluster_id);
            Ok(DeleteHsmResponse {
                hsm_id: Some(hsm_id),
            })
        })
        .await
    }
}
