//! The HSMs of a cluster: their zones, network interfaces and live states,
//! found, sorted and paged with the list kit, Delete (typed confirmation) and the Create HSM form (an Availability Zone
//! of the cluster's subnets, an optional IP address).

use leptos::prelude::*;
use shared::cloudhsmv2::{
    AvailabilityZone, ClusterId, CreateHsmRequest, Hsm, IpAddress, Operation, ops,
};

use super::{Current, PanelForm};
use crate::api::cloudhsm;
use crate::components::cli::cli_command_in;
use crate::components::field::{FormFooter, SelectField, TextField};
use crate::components::flash::{Flashes, OpTexts};
use crate::components::modal::ConfirmDelete;
use crate::components::panel::Panel;
use crate::components::resource_table::{
    ListControls, ListRow, ResourceTable, list_columns, page_of,
};
use crate::components::status::{StatusIndicator, hsm_state_view};
use crate::format;

list_columns! {
    /// The columns of the HSMs table.
    COLUMNS = [
        "HSM ID" => BY_ID,
        "Availability Zone" => BY_ZONE,
        "Subnet",
        "ENI",
        "IP address" => BY_IP,
        "State" => BY_STATE,
        "",
    ]
}

/// An HSM as the list's controls see it: found by id, zone, subnet, ENI,
/// address or state; sorted by id, zone, address (numerically) or state.
fn list_row(hsm: &Hsm) -> ListRow {
    let text = |value: Option<&str>| value.unwrap_or_default().to_owned();
    let ip = text(hsm.eni_ip.as_deref());
    // Each octet zero-padded, so that addresses sort as numbers.
    let ip_key = ip
        .split('.')
        .map(|octet| format!("{octet:0>3}"))
        .collect::<Vec<_>>()
        .join(".");
    let state = text(hsm.state.map(|s| s.as_str()));
    let zone = text(hsm.availability_zone.as_deref());
    ListRow {
        key: hsm.hsm_id.clone(),
        search: vec![
            hsm.hsm_id.clone(),
            zone.clone(),
            text(hsm.subnet_id.as_deref()),
            text(hsm.eni_id.as_deref()),
            ip,
            state.clone(),
        ],
        sort: vec![hsm.hsm_id.clone(), zone, ip_key, state],
    }
}

/// The CreateHsm request for the form's zone and optional IP address.
fn create_hsm_request(cluster_id: &str, zone: &str, ip: &str) -> Result<CreateHsmRequest, String> {
    let ip = ip.trim();
    Ok(CreateHsmRequest {
        cluster_id: ClusterId::parse(cluster_id).map_err(|e| e.to_string())?,
        availability_zone: AvailabilityZone::parse(zone)
            .map_err(|_| "Choose an Availability Zone of the cluster.".to_owned())?,
        ip_address: (!ip.is_empty())
            .then(|| IpAddress::parse(ip))
            .transpose()
            .map_err(|_| format!("{ip} is not an IPv4 address, e.g. 10.0.0.12."))?,
    })
}

/// The HSMs panel.
#[component]
pub fn HsmsPanel(
    /// The cluster of the page.
    current: Current,
) -> impl IntoView {
    let flashes = Flashes::expect();
    let Current {
        region,
        id,
        cluster,
    } = current;
    let hsms = Memo::new(move |_| {
        cluster
            .with(|c| c.as_ref().map(|c| c.hsms.clone()))
            .unwrap_or_default()
    });
    // Oldest first, as DescribeClusters lists them.
    let controls = ListControls::new(BY_ID, true).showing_all();
    let listing =
        Memo::new(move |_| controls.list(hsms.with(|h| h.iter().map(list_row).collect())));
    let shown =
        move || listing.with(|l| hsms.with(|h| page_of(l, h, |hsm, key| hsm.hsm_id == key)));
    let zones = Memo::new(move |_| {
        cluster
            .with(|c| {
                c.as_ref().map(|c| {
                    c.subnet_mapping
                        .iter()
                        .map(|(z, s)| (z.clone(), s.clone()))
                        .collect()
                })
            })
            .unwrap_or_else(Vec::<(String, String)>::new)
    });
    let zone = RwSignal::new(
        zones
            .with_untracked(|z| z.first().map(|(z, _)| z.clone()))
            .unwrap_or_default(),
    );
    let ip = RwSignal::new(String::new());
    let form = PanelForm::new();
    let (attempted, error) = (form.attempted(), form.error());
    let request = move || create_hsm_request(&id.get(), &zone.get(), &ip.get());
    let texts = move |request: &CreateHsmRequest| {
        let (zone, target) = (request.availability_zone.to_string(), id.get_untracked());
        OpTexts::new(
            format!("Creating an HSM in {zone}"),
            format!("HSM creation in {zone} started for cluster {target}"),
            format!("Could not create an HSM in {zone}"),
        )
    };
    let cleared = move || {
        ip.set(String::new());
        form.reset();
    };
    let (submit, cli) = form.operation::<ops::CreateHsm, _>(region, request, texts, cleared);
    let delete_open = RwSignal::new(false);
    let delete_target = RwSignal::new(String::new());
    // How the DeleteHsm request names it: `id`, `eni` or `ip`.
    let delete_by = RwSignal::new("id".to_owned());
    let target_ref = move || {
        let hsm_id = delete_target.get();
        hsms.with(|all| {
            all.iter()
                .find(|h| h.hsm_id == hsm_id)
                .and_then(|h| hsm_ref(h, &delete_by.get()))
        })
    };
    let confirm_delete = Callback::new(move |()| {
        let (region, cluster_id, hsm_id) = (
            region.get_untracked(),
            id.get_untracked(),
            delete_target.get_untracked(),
        );
        let Some(by) = untrack(target_ref) else {
            return;
        };
        flashes.track(
            OpTexts::new(
                format!("Deleting HSM {hsm_id}"),
                format!("Deletion of HSM {hsm_id} started"),
                format!("Could not delete HSM {hsm_id}"),
            ),
            move || {
                let (region, cluster_id, by) = (region.clone(), cluster_id.clone(), by.clone());
                async move { cloudhsm::delete_hsm(&region, &cluster_id, &by).await }
            },
        );
    });
    let ask_delete = Callback::new(move |hsm_id: String| {
        delete_target.set(hsm_id);
        delete_by.set("id".to_owned());
        delete_open.set(true);
    });
    view! {
        <Panel id="hsms-heading" title="HSMs" count=Signal::derive(move || hsms.with(Vec::len))>
            <Show
                when=move || hsms.with(|h| !h.is_empty())
                fallback=|| {
                    view! {
                        <p class="muted empty-inline">
                            "No HSMs yet. Create one in an Availability Zone of the cluster: the first ACTIVE HSM makes the cluster's CSR."
                        </p>
                    }
                }
            >
                <ResourceTable
                    controls=controls
                    listing=listing
                    label="Find HSMs"
                    labelledby="hsms-heading"
                    columns=COLUMNS
                    no_matches="No HSM matches the filter."
                >
                    <For
                        each=shown
                        key=|h| (h.hsm_id.clone(), h.state, h.state_message.clone())
                        let:hsm
                    >
                        <HsmRow hsm=hsm on_delete=ask_delete />
                    </For>
                </ResourceTable>
            </Show>
            <form class="form inline-fields" on:submit=submit novalidate aria-labelledby="create-hsm-heading">
                <h4 id="create-hsm-heading">"Create HSM"</h4>
                <SelectField
                    id="hsm-zone"
                    label="Availability Zone"
                    value=zone
                    options=Signal::derive(move || {
                        zones
                            .get()
                            .into_iter()
                            .map(|(z, subnet)| (z.clone(), format!("{z} ({subnet})")))
                            .collect::<Vec<_>>()
                    })
                />
                <TextField
                    id="hsm-ip"
                    label="IP address (optional)"
                    hint="An address of the zone's subnet; empty: one is chosen for you."
                    placeholder="10.0.0.12"
                    value=ip
                    error=Signal::derive(move || {
                        let ip = ip.get();
                        create_hsm_request(&id.get(), &zone.get(), &ip)
                            .err()
                            .filter(|_| !ip.trim().is_empty())
                    })
                    show=attempted
                />
                <FormFooter failure="Could not create the HSM" error=error submit="Create HSM" cli=cli />
            </form>
        </Panel>
        <ConfirmDelete
            open=delete_open
            title=Signal::derive(move || format!("Delete HSM {}", delete_target.get()))
            message=Signal::derive(move || {
                format!(
                    "HSM {} goes DELETE_IN_PROGRESS and is removed from cluster {}. The keys stay on the cluster's other HSMs and in its backups.",
                    delete_target.get(),
                    id.get(),
                )
            })
            on_confirm=confirm_delete
            cli=Signal::derive(move || {
                cloudhsm::delete_hsm_request(&id.get(), &target_ref()?)
                    .ok()
                    .map(|request| cli_command_in(Operation::DeleteHsm, &region.get(), &request))
            })
        >
            <label for="delete-hsm-by">"Name the HSM by"</label>
            <select id="delete-hsm-by" on:change=move |ev| delete_by.set(event_target_value(&ev))>
                <option value="id" selected=move || delete_by.get() == "id">"HSM ID (HsmId)"</option>
                <option value="eni" selected=move || delete_by.get() == "eni">"Network interface ID (EniId)"</option>
                <option value="ip" selected=move || delete_by.get() == "ip">"IP address (EniIp)"</option>
            </select>
        </ConfirmDelete>
    }
}

/// How DeleteHsm names `hsm` for the choice `by` (`id`, `eni` or `ip`);
/// `None` when the HSM has no such interface yet.
fn hsm_ref(hsm: &Hsm, by: &str) -> Option<cloudhsm::HsmRef> {
    match by {
        "eni" => hsm.eni_id.clone().map(cloudhsm::HsmRef::EniId),
        "ip" => hsm.eni_ip.clone().map(cloudhsm::HsmRef::EniIp),
        _ => Some(cloudhsm::HsmRef::Id(hsm.hsm_id.clone())),
    }
}

#[component]
fn HsmRow(hsm: Hsm, on_delete: Callback<String>) -> impl IntoView {
    let id = hsm.hsm_id.clone();
    let ip = match (&hsm.eni_ip, &hsm.eni_ip_v6) {
        (Some(v4), Some(v6)) => format!("{v4}, {v6}"),
        (Some(v4), None) => v4.clone(),
        (None, Some(v6)) => v6.clone(),
        (None, None) => "-".to_owned(),
    };
    let deletable = hsm.state == Some(shared::cloudhsmv2::HsmState::Active)
        || hsm.state == Some(shared::cloudhsmv2::HsmState::Degraded);
    let message = hsm.state_message.clone();
    view! {
        <tr>
            <th scope="row" class="mono">{id.clone()}</th>
            <td>{format::or_dash(hsm.availability_zone.as_deref())}</td>
            <td class="mono">{format::or_dash(hsm.subnet_id.as_deref())}</td>
            <td class="mono">{format::or_dash(hsm.eni_id.as_deref())}</td>
            <td class="mono">{ip}</td>
            <td>
                <StatusIndicator status=Signal::stored(hsm_state_view(hsm.state)) />
                {message.map(|m| view! { <p class="hint">{m}</p> })}
            </td>
            <td>
                <button
                    type="button"
                    class="btn btn-small"
                    aria-label=format!("Delete HSM {id}")
                    disabled=!deletable
                    on:click=move |_| on_delete.run(id.clone())
                >
                    "Delete"
                </button>
            </td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_hsm_requests_check_zone_and_address() {
        let request = create_hsm_request("cluster-igklspoyj5v", "us-east-1a", "").unwrap();
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            serde_json::json!({"ClusterId": "cluster-igklspoyj5v", "AvailabilityZone": "us-east-1a"})
        );
        let request =
            create_hsm_request("cluster-igklspoyj5v", "us-east-1a", " 10.0.0.12 ").unwrap();
        assert_eq!(request.ip_address.unwrap().as_str(), "10.0.0.12");
        assert!(create_hsm_request("cluster-igklspoyj5v", "", "").is_err());
        assert!(
            create_hsm_request("cluster-igklspoyj5v", "us-east-1a", "10.0.0")
                .unwrap_err()
                .contains("10.0.0")
        );
    }
}
