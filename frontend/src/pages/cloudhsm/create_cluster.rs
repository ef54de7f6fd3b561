//! Create a CloudHSM cluster at `/cloudhsm/clusters/new`: HSM type, subnets,
//! network type, mode, backup retention, tags and an optional source backup
//! (`?sourceBackupId=` fills it: "Create cluster from this backup"), checked
//! by the `shared` validators as you type; the service's refusal is shown in
//! the form. Once created, the cluster's page opens.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::cloudhsmv2::{
    BackupArn, BackupRetentionPolicyInput, BackupRetentionType, BackupRetentionValue, ClusterMode,
    CreateClusterRequest, HsmType, NetworkType, Operation, SubnetId, SubnetIds,
};

use super::{RegionPicker, Section, cluster_href, in_region, region_error, use_region};
use crate::api::{ApiError, cloudhsm};
use crate::components::cli::cli_command_in;
use crate::components::field::{FormFooter, SelectField, TextField, plain_options};
use crate::components::flash::{Completion, Flashes, OpTexts};
use crate::components::page::Breadcrumbs;
use crate::components::panel::{Level, Panel};
use crate::components::tag_editor::{TagDrafts, TagEditor};
use crate::format;
use crate::live::LiveStore;

/// Default backup retention of a new cluster, in days (the service's).
const DEFAULT_RETENTION_DAYS: &str = "90";

/// The subnets of the field: one per Availability Zone, 1 to 10, none twice.
fn check_subnets(text: &str) -> Result<SubnetIds, String> {
    let items = format::split_list(text);
    if items.is_empty() {
        return Err("Enter at least one subnet id, e.g. subnet-0a1b2c3d.".to_owned());
    }
    let mut subnets = Vec::new();
    for item in items {
        let subnet = SubnetId::parse(item.clone()).map_err(|_| {
            format!("{item} is not a subnet id: subnet- and 8 to 17 hexadecimal digits.")
        })?;
        if subnets.contains(&subnet) {
            return Err(format!(
                "{item} is listed twice: give one subnet per Availability Zone."
            ));
        }
        subnets.push(subnet);
    }
    SubnetIds::new(subnets).map_err(|_| "Give at most 10 subnets.".to_owned())
}

/// The optional source backup: a backup id or backup ARN.
fn check_source(text: &str) -> Result<Option<BackupArn>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    BackupArn::parse(text)
        .map(Some)
        .map_err(|_| format!("{text} is not a backup id (backup-…) or backup ARN."))
}

/// The retention policy: a whole number of days from 7 to 379.
fn check_retention(text: &str) -> Result<BackupRetentionPolicyInput, String> {
    let text = text.trim();
    let range = format!(
        "Enter a whole number of days from {} to {}.",
        BackupRetentionValue::MIN_DAYS,
        BackupRetentionValue::MAX_DAYS
    );
    let value = BackupRetentionValue::parse(text).map_err(|_| range.clone())?;
    value.days().map_err(|_| range)?;
    Ok(BackupRetentionPolicyInput {
        r#type: Some(BackupRetentionType::Days),
        value: Some(value),
    })
}

/// What the form holds.
#[derive(Clone, Copy)]
struct Fields {
    hsm_type: RwSignal<String>,
    subnets: RwSignal<String>,
    network_type: RwSignal<String>,
    mode: RwSignal<String>,
    source: RwSignal<String>,
    retention: RwSignal<String>,
    tags: TagDrafts,
}

impl Fields {
    /// The CreateCluster request, or the first problem (tracked).
    fn request(&self) -> Result<CreateClusterRequest, String> {
        let tags = self.tags.pairs()?;
        Ok(CreateClusterRequest {
            backup_retention_policy: Some(check_retention(&self.retention.get())?),
            hsm_type: HsmType::parse(self.hsm_type.get()).map_err(|e| e.to_string())?,
            source_backup_id: check_source(&self.source.get())?,
            subnet_ids: check_subnets(&self.subnets.get())?,
            network_type: NetworkType::from_name(&self.network_type.get()),
            tag_list: cloudhsm::tag_list(tags).map_err(|e| e.message())?,
            mode: ClusterMode::from_name(&self.mode.get()),
        })
    }
}

/// The create-cluster form.
#[component]
pub fn HsmCreateClusterPage() -> impl IntoView {
    let region = use_region();
    let flashes = Flashes::expect();
    let hsm = LiveStore::expect().cloudhsm();
    let query = use_query_map();
    let navigate = use_navigate();
    let fields = Fields {
        hsm_type: RwSignal::new(HsmType::OFFERED[1].to_owned()),
        subnets: RwSignal::new(String::new()),
        network_type: RwSignal::new(NetworkType::Ipv4.as_str().to_owned()),
        mode: RwSignal::new(String::new()),
        source: RwSignal::new(
            query
                .with_untracked(|q| q.get("sourceBackupId"))
                .unwrap_or_default(),
        ),
        retention: RwSignal::new(DEFAULT_RETENTION_DAYS.to_owned()),
        tags: TagDrafts::default(),
    };
    let attempted = RwSignal::new(false);
    let sending = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let created = RwSignal::new(None::<String>);
    // Once created, its page (the flash says so too).
    Effect::new(move |_| {
        if let Some(id) = created.get() {
            navigate(
                &cluster_href(&region.get_untracked(), &id),
                NavigateOptions::default(),
            );
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        attempted.set(true);
        let region = region.get_untracked();
        if region_error(&region).is_some() {
            return;
        }
        let Ok(request) = untrack(|| fields.request()) else {
            return;
        };
        error.set(None);
        sending.set(true);
        let source = request
            .source_backup_id
            .as_ref()
            .map(|s| s.backup_id().to_owned());
        let pending = match &source {
            Some(backup) => format!("Creating a cluster from backup {backup} in {region}"),
            None => format!("Creating a cluster in {region}"),
        };
        flashes.track_until(
            OpTexts::new(
                pending,
                format!("Cluster created in {region}"),
                format!("Could not create the cluster in {region}"),
            ),
            move || {
                let (region, request) = (region.clone(), request.clone());
                async move {
                    let result = cloudhsm::create_cluster(&region, &request).await;
                    sending.try_set(false);
                    error.try_set(result.as_ref().err().cloned());
                    // Its page shows it at once, even before its first event.
                    if let Ok(cluster) = &result {
                        hsm.add_created_cluster(&region, cluster.clone());
                    }
                    result
                }
            },
            move |cluster| {
                let id = cluster.cluster_id.clone().unwrap_or_default();
                created.try_set(Some(id.clone()));
                Completion {
                    done: format!(
                        "Cluster {id} created: {}",
                        cluster.state.map_or("", |s| s.as_str())
                    ),
                    outcome: Signal::stored(Some(Ok(()))),
                }
            },
        );
    };
    let field_error =
        move |check: fn(&Fields) -> Option<String>| Signal::derive(move || check(&fields));
    let cli = Signal::derive(move || {
        fields
            .request()
            .ok()
            .map(|request| cli_command_in(Operation::CreateCluster, &region.get(), &request))
    });
    view! {
        <Breadcrumbs
            list_href=Signal::derive(move || in_region("/cloudhsm/clusters", &region.get()))
            list="CloudHSM clusters"
            current="Create cluster".to_owned()
        />
        <Panel id="create-cluster-heading" title="Create cluster" level=Level::H2 actions=move || view! {
                <RegionPicker region=region section=Section::Clusters />
            }>
            <form class="form" on:submit=submit novalidate>
                <SelectField
                    id="cluster-hsm-type"
                    label="HSM type"
                    value=fields.hsm_type
                    options=Signal::stored(plain_options(HsmType::OFFERED))
                />
                <TextField
                    id="cluster-subnets"
                    label="Subnet IDs"
                    hint="One subnet per Availability Zone, in one VPC; separate them with commas (1 to 10)."
                    placeholder="subnet-0a1b2c3d, subnet-4e5f6a7b"
                    value=fields.subnets
                    error=field_error(|f| check_subnets(&f.subnets.get()).err())
                    show=attempted
                />
                <SelectField
                    id="cluster-network-type"
                    label="Network type"
                    value=fields.network_type
                    options=Signal::stored(plain_options(NetworkType::ALL.map(NetworkType::as_str)))
                />
                <SelectField
                    id="cluster-mode"
                    label="Mode"
                    hint="NON_FIPS is available for hsm2m.medium only. A cluster restored from a backup has the backup's mode."
                    value=fields.mode
                    options=Signal::stored(
                        std::iter::once((String::new(), "Default (FIPS, or the backup's mode)".to_owned()))
                            .chain(plain_options(ClusterMode::ALL.map(ClusterMode::as_str)))
                            .collect::<Vec<_>>(),
                    )
                />
                <TextField
                    id="cluster-source-backup"
                    label="Source backup (optional)"
                    hint="Restore the cluster from a READY backup of this region: its id or ARN."
                    placeholder="backup-ro5c4er4aac"
                    value=fields.source
                    error=field_error(|f| check_source(&f.source.get()).err())
                    show=attempted
                />
                <TextField
                    id="cluster-retention"
                    label="Backup retention (days)"
                    hint="Backups older than this are deleted (7 to 379 days); the cluster's newest backup is always kept."
                    kind="number"
                    value=fields.retention
                    error=field_error(|f| check_retention(&f.retention.get()).err())
                    show=attempted
                />
                <TagEditor tags=fields.tags show=attempted />
                <FormFooter
                    failure="Could not create the cluster"
                    error=error
                    submit="Create cluster"
                    busy=sending
                    cli=cli
                >
                    <a class="btn btn-link" href=move || in_region("/cloudhsm/clusters", &region.get())>
                        "Cancel"
                    </a>
                </FormFooter>
            </form>
        </Panel>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> Fields {
        Fields {
            hsm_type: RwSignal::new("hsm2m.medium".to_owned()),
            subnets: RwSignal::new("subnet-0a1b2c3d, subnet-4e5f6a7b".to_owned()),
            network_type: RwSignal::new("IPV4".to_owned()),
            mode: RwSignal::new(String::new()),
            source: RwSignal::new(String::new()),
            retention: RwSignal::new("90".to_owned()),
            tags: TagDrafts::default(),
        }
    }

    #[test]
    fn the_form_makes_the_request() {
        let f = fields();
        let json = serde_json::to_value(f.request().unwrap()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "BackupRetentionPolicy": {"Type": "DAYS", "Value": "90"},
                "HsmType": "hsm2m.medium",
                "SubnetIds": ["subnet-0a1b2c3d", "subnet-4e5f6a7b"],
                "NetworkType": "IPV4"
            })
        );
        f.source.set("backup-ro5c4er4aac".to_owned());
        f.mode.set("NON_FIPS".to_owned());
        f.tags.add_filled("team", "pki");
        let json = serde_json::to_value(f.request().unwrap()).unwrap();
        assert_eq!(json["SourceBackupId"], "backup-ro5c4er4aac");
        assert_eq!(json["Mode"], "NON_FIPS");
        assert_eq!(
            json["TagList"],
            serde_json::json!([{"Key": "team", "Value": "pki"}])
        );
    }

    #[test]
    fn fields_are_checked_with_the_model_constraints() {
        assert!(check_subnets("").is_err());
        assert!(
            check_subnets("subnet-xyz")
                .unwrap_err()
                .contains("subnet-xyz")
        );
        assert!(
            check_subnets("subnet-0a1b2c3d subnet-0a1b2c3d")
                .unwrap_err()
                .contains("twice")
        );
        let eleven: Vec<String> = (0..11).map(|i| format!("subnet-0a1b2c{i:02}")).collect();
        assert!(
            check_subnets(&eleven.join(","))
                .unwrap_err()
                .contains("at most 10")
        );
        assert_eq!(check_source("  ").unwrap(), None);
        assert!(
            check_source("arn:aws:cloudhsm:eu-west-1:123456789012:backup/backup-ro5c4er4aac")
                .is_ok()
        );
        assert!(check_source("backup-1").is_err());
        assert!(check_retention("7").is_ok());
        assert!(check_retention("379").is_ok());
        for bad in ["6", "380", "x", "", "1000"] {
            assert!(check_retention(bad).is_err(), "{bad}");
        }
    }
}
