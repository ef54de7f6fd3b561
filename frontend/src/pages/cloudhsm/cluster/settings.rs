//! A cluster's backup retention and HSM type (ModifyCluster): the retention
//! changes at once; hsm1.medium clusters can migrate to hsm2m.medium
//! (MODIFY_IN_PROGRESS, then ACTIVE).

use leptos::prelude::*;
use shared::cloudhsmv2::{
    BackupRetentionPolicyInput, BackupRetentionType, BackupRetentionValue, ClusterId, HsmType,
    ModifyClusterRequest, ops,
};

use super::{Current, PanelForm};
use crate::components::field::{FormFooter, SelectField, TextField, plain_options};
use crate::components::flash::OpTexts;
use crate::components::panel::Panel;

/// The HSM type hsm1.medium clusters can migrate to.
const MIGRATION_TARGET: &str = "hsm2m.medium";

/// What the panel's fields ask for: the retention in days and the HSM type
/// (sent only when it differs from `current_type`).
fn modify_request(
    cluster_id: &str,
    days: &str,
    hsm_type: &str,
    current_type: &str,
) -> Result<ModifyClusterRequest, String> {
    let range = format!(
        "Enter a whole number of days from {} to {}.",
        BackupRetentionValue::MIN_DAYS,
        BackupRetentionValue::MAX_DAYS
    );
    let value = BackupRetentionValue::parse(days.trim()).map_err(|_| range.clone())?;
    value.days().map_err(|_| range)?;
    Ok(ModifyClusterRequest {
        hsm_type: (hsm_type != current_type)
            .then(|| HsmType::parse(hsm_type))
            .transpose()
            .map_err(|e| e.to_string())?,
        backup_retention_policy: Some(BackupRetentionPolicyInput {
            r#type: Some(BackupRetentionType::Days),
            value: Some(value),
        }),
        cluster_id: ClusterId::parse(cluster_id).map_err(|e| e.to_string())?,
    })
}

/// The "Backup retention and HSM type" panel, prefilled from the cluster.
#[component]
pub fn ModifyClusterPanel(
    /// The cluster of the page.
    current: Current,
) -> impl IntoView {
    let Current {
        region,
        id,
        cluster,
    } = current;
    let current_type = Memo::new(move |_| {
        cluster
            .with(|c| c.as_ref().and_then(|c| c.hsm_type.clone()))
            .unwrap_or_default()
    });
    let days = RwSignal::new(
        cluster
            .with_untracked(|c| {
                c.as_ref()
                    .and_then(|c| c.backup_retention_policy.as_ref())
                    .and_then(|p| p.value.clone())
            })
            .unwrap_or_default(),
    );
    let hsm_type = RwSignal::new(current_type.get_untracked());
    let form = PanelForm::new();
    let (attempted, error) = (form.attempted(), form.error());
    let request =
        move || modify_request(&id.get(), &days.get(), &hsm_type.get(), &current_type.get());
    let texts = move |_: &ModifyClusterRequest| {
        let target = id.get_untracked();
        OpTexts::new(
            format!("Saving cluster {target}"),
            format!("Cluster {target} saved"),
            format!("Could not save cluster {target}"),
        )
    };
    let (submit, cli) = form.operation::<ops::ModifyCluster, _>(region, request, texts, || {});
    let types = move || {
        let current = current_type.get();
        let mut list = vec![current.clone()];
        if current == "hsm1.medium" {
            list.push(MIGRATION_TARGET.to_owned());
        }
        list
    };
    view! {
        <Panel id="modify-cluster-heading" title="Backup retention and HSM type">
            <form class="form" on:submit=submit novalidate aria-labelledby="modify-cluster-heading">
                <TextField
                    id="modify-retention"
                    label="Backup retention (days)"
                    hint="7 to 379 days. Backups marked Never expires, and the cluster's newest backup, are kept."
                    kind="number"
                    value=days
                    error=Signal::derive(move || {
                        modify_request(&id.get(), &days.get(), &current_type.get(), &current_type.get()).err()
                    })
                    show=attempted
                />
                <SelectField
                    id="modify-hsm-type"
                    label="HSM type"
                    hint="hsm1.medium clusters can migrate to hsm2m.medium while ACTIVE; the change can be rolled back for 7 days."
                    value=hsm_type
                    options=Signal::derive(move || plain_options(types()))
                />
                <FormFooter failure="Could not save the cluster" error=error submit="Save" cli=cli />
            </form>
        </Panel>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hsm_type_is_sent_only_when_it_changes() {
        let same =
            modify_request("cluster-igklspoyj5v", "30", "hsm1.medium", "hsm1.medium").unwrap();
        assert_eq!(
            serde_json::to_value(&same).unwrap(),
            serde_json::json!({
                "BackupRetentionPolicy": {"Type": "DAYS", "Value": "30"},
                "ClusterId": "cluster-igklspoyj5v"
            })
        );
        let migrate =
            modify_request("cluster-igklspoyj5v", "30", "hsm2m.medium", "hsm1.medium").unwrap();
        assert_eq!(migrate.hsm_type.unwrap().as_str(), "hsm2m.medium");
        assert!(modify_request("cluster-igklspoyj5v", "6", "hsm1.medium", "hsm1.medium").is_err());
    }
}
