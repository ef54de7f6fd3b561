//! The CloudHSM clusters of a region at `/cloudhsm` and
//! `/cloudhsm/clusters`: oldest first (as DescribeClusters lists them), text
//! filter with match count, live states (transitional ones spin).

use leptos::prelude::*;
use shared::cloudhsmv2::{Cluster, ClusterState, Operation};

use super::{
    RegionLoadError, Section, SectionNav, cluster_href, in_region, retention_text, use_region,
    use_region_snapshot,
};
use crate::api::cloudhsm;
use crate::components::cli::{CopyAsCli, cli_command_in};
use crate::components::list::EmptyState;
use crate::components::panel::{Level, Panel};
use crate::components::resource_table::{
    ListControls, ListRow, ResourceTable, list_columns, time_key,
};
use crate::components::status::{StatusIndicator, cluster_state_view};
use crate::format;
use crate::live::{LiveStore, Snapshot};

list_columns! {
    /// The columns of the clusters list.
    COLUMNS = [
        "Cluster ID" => BY_ID,
        "State" => BY_STATE,
        "HSM type" => BY_TYPE,
        "Mode",
        "HSMs",
        "Created" => BY_CREATED,
        "Backup retention",
        "VPC",
    ]
}

/// A cluster as the list's controls see it: found by id, state, HSM type,
/// mode, VPC or source backup; sorted by id, state, HSM type or creation.
fn list_row(cluster: &Cluster) -> ListRow {
    let text = |value: Option<&str>| value.unwrap_or_default().to_owned();
    let id = text(cluster.cluster_id.as_deref());
    let state = text(cluster.state.map(|s| s.as_str()));
    let hsm_type = text(cluster.hsm_type.as_deref());
    ListRow {
        search: vec![
            id.clone(),
            state.clone(),
            hsm_type.clone(),
            text(cluster.mode.map(|m| m.as_str())),
            text(cluster.vpc_id.as_deref()),
            text(cluster.source_backup_id.as_deref()),
        ],
        sort: vec![
            id.clone(),
            state,
            hsm_type,
            time_key(cluster.create_timestamp),
        ],
        key: id,
    }
}

/// The clusters list.
#[component]
pub fn HsmClustersPage() -> impl IntoView {
    let region = use_region();
    let snapshot = use_region_snapshot(region);
    let hsm = LiveStore::expect().cloudhsm();
    // Oldest first, as DescribeClusters lists them.
    let controls = ListControls::new(BY_CREATED, true);
    // DescribeClusters' `states` filter.
    let state = RwSignal::new(None::<ClusterState>);
    // DescribeClusters' `vpcIds` filter, among the VPCs of the region's clusters.
    let vpc = RwSignal::new(None::<String>);
    let vpcs = Memo::new(move |_| {
        let mut vpcs = std::collections::BTreeSet::new();
        hsm.for_each_cluster(&region.get(), |c| {
            vpcs.extend(c.vpc_id.clone());
        });
        vpcs.into_iter().collect::<Vec<_>>()
    });
    let all = Memo::new(move |_| {
        let mut count = 0;
        hsm.for_each_cluster(&region.get(), |_| count += 1);
        count
    });
    let listing = Memo::new(move |_| {
        let mut rows = Vec::new();
        let wanted = state.get();
        let in_vpc = vpc.get();
        hsm.for_each_cluster(&region.get(), |cluster| {
            if wanted.is_none_or(|s| cluster.state == Some(s))
                && in_vpc
                    .as_ref()
                    .is_none_or(|v| cluster.vpc_id.as_ref() == Some(v))
            {
                rows.push(list_row(cluster));
            }
        });
        controls.list(rows)
    });
    let total = Signal::derive(move || all.get());
    let state_menu = move || {
        view! {
            <label for="cluster-state-filter">"State"</label>
            <select
                id="cluster-state-filter"
                on:change=move |ev| state.set(ClusterState::from_name(&event_target_value(&ev)))
            >
                <option value="all" selected=move || state.get().is_none()>"All states"</option>
                {ClusterState::ALL
                    .into_iter()
                    .map(|s| view! { <option value=s.as_str() selected=move || state.get() == Some(s)>{s.as_str()}</option> })
                    .collect_view()}
            </select>
            <label for="cluster-vpc-filter">"VPC"</label>
            <select
                id="cluster-vpc-filter"
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    vpc.set((value != "all").then_some(value));
                }
            >
                <option value="all" selected=move || vpc.with(Option::is_none)>"All VPCs"</option>
                {move || {
                    vpcs.get()
                        .into_iter()
                        .map(|v| {
                            let (value, label) = (v.clone(), v.clone());
                            let is_chosen = move || vpc.with(|c| c.as_deref() == Some(v.as_str()));
                            view! { <option value=value selected=is_chosen>{label}</option> }
                        })
                        .collect_view()
                }}
            </select>
        }
        .into_any()
    };
    let create_href = move || in_region("/cloudhsm/clusters/new", &region.get());
    view! {
        <SectionNav region=region current=Section::Clusters />
        <Panel id="hsm-clusters-heading" title="Clusters" level=Level::H2 count=total actions=move || view! {
                <div class="actions" role="toolbar" aria-label="Cluster actions">
                    <button
                        type="button"
                        class="btn"
                        on:click=move |_| hsm.reload(&region.get_untracked())
                    >
                        "Refresh"
                    </button>
                    <a class="btn btn-primary" href=create_href>
                        "Create cluster"
                    </a>
                </div>
            }>
            <div class="panel-cli">
                <CopyAsCli command=Signal::derive(move || {
                    cloudhsm::describe_clusters_request(state.get(), vpc.get().as_deref())
                        .ok()
                        .map(|request| cli_command_in(Operation::DescribeClusters, &region.get(), &request))
                }) />
            </div>
            <RegionLoadError region=region snapshot=snapshot section=Section::Clusters />
            <ResourceTable
                controls=controls
                listing=listing
                label="Find clusters"
                labelledby="hsm-clusters-heading"
                columns=COLUMNS
                no_matches="No cluster matches the filters."
                also_clear=Callback::new(move |()| {
                    state.set(None);
                    vpc.set(None);
                })
                total=total
                filters=Box::new(state_menu)
            >
                <For each=move || listing.with(|l| l.keys.clone()) key=String::clone let:id>
                    {hsm
                        .cluster_signal(&region.get_untracked(), &id)
                        .map(|cluster| view! { <ClusterRow region=region cluster=cluster /> })}
                </For>
            </ResourceTable>
            {move || {
                let total = total.get();
                match snapshot.get() {
                    Snapshot::Loading if total == 0 => {
                        view! { <p class="loading" role="status">"Loading clusters…"</p> }.into_any()
                    }
                    Snapshot::Ready if total == 0 => {
                        view! {
                            <EmptyState
                                title="No clusters"
                                detail=format!(
                                    "No CloudHSM cluster in {}. Clusters created with the AWS CLI, an SDK or this console appear here.",
                                    region.get(),
                                )
                            >
                                <a class="btn btn-primary" href=create_href>
                                    "Create cluster"
                                </a>
                            </EmptyState>
                        }
                            .into_any()
                    }
                    _ => ().into_any(),
                }
            }}
        </Panel>
    }
}

/// One cluster; reads only its own signal.
#[component]
fn ClusterRow(region: Memo<String>, cluster: ArcRwSignal<Cluster>) -> impl IntoView {
    let id = cluster.with_untracked(|c| c.cluster_id.clone().unwrap_or_default());
    let state = {
        let cluster = cluster.clone();
        Signal::derive(move || cluster_state_view(cluster.with(|c| c.state)))
    };
    let read = move |f: fn(&Cluster) -> String| {
        let cluster = cluster.clone();
        move || cluster.with(f)
    };
    view! {
        <tr>
            <th scope="row">
                <a href=cluster_href(&region.get_untracked(), &id) class="mono">{id.clone()}</a>
            </th>
            <td aria-live="polite">
                <StatusIndicator status=state />
            </td>
            <td>{read(|c| format::or_dash(c.hsm_type.as_deref()))}</td>
            <td>{read(|c| c.mode.map_or("-".to_owned(), |m| m.as_str().to_owned()))}</td>
            <td>{read(|c| c.hsms.len().to_string())}</td>
            <td class="nowrap">{read(|c| format::time(c.create_timestamp))}</td>
            <td>{read(retention_text)}</td>
            <td class="mono">{read(|c| format::or_dash(c.vpc_id.as_deref()))}</td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::cloudhsmv2::{ClusterMode, ClusterState};

    #[test]
    fn clusters_are_found_by_id_state_type_mode_and_vpc() {
        let cluster = Cluster {
            cluster_id: Some("cluster-igklspoyj5v".to_owned()),
            state: Some(ClusterState::Uninitialized),
            hsm_type: Some("hsm2m.medium".to_owned()),
            mode: Some(ClusterMode::NonFips),
            vpc_id: Some("vpc-0a1b2c".to_owned()),
            ..Cluster::default()
        };
        let row = list_row(&cluster);
        for text in [
            "cluster-igklspoyj5v",
            "UNINITIALIZED",
            "hsm2m.medium",
            "NON_FIPS",
            "vpc-0a1b2c",
        ] {
            assert!(row.search.iter().any(|s| s == text), "{text}");
        }
        assert_eq!(row.sort[BY_STATE], "UNINITIALIZED");
    }
}
