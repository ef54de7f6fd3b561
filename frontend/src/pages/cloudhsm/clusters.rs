//! The CloudHSM clusters of a region at `/cloudhsm` and
//! `/cloudhsm/clusters`: oldest first (as DescribeClusters lists them), text
//! filter with match count, live states (transitional ones spin).

use leptos::prelude::*;
use shared::cloudhsmv2::Cluster;

use super::{
    RegionLoadError, Section, SectionNav, cluster_href, in_region, retention_text, use_region,
    use_region_snapshot,
};
use crate::components::list::{CountHeading, EmptyState, TableHead};
use crate::components::status::{StatusIndicator, cluster_state_view};
use crate::format;
use crate::live::{LiveStore, Snapshot};

/// True when the (lower-case) query occurs in the cluster's id, state, HSM
/// type, mode, VPC or source backup.
fn matches(cluster: &Cluster, query: &str) -> bool {
    if query.is_empty() {
        return true;
    }
    let fields = [
        cluster.cluster_id.as_deref(),
        cluster.state.map(|s| s.as_str()),
        cluster.hsm_type.as_deref(),
        cluster.mode.map(|m| m.as_str()),
        cluster.vpc_id.as_deref(),
        cluster.source_backup_id.as_deref(),
    ];
    fields
        .into_iter()
        .flatten()
        .any(|field| field.to_ascii_lowercase().contains(query))
}

/// The clusters list.
#[component]
pub fn HsmClustersPage() -> impl IntoView {
    let region = use_region();
    let snapshot = use_region_snapshot(region);
    let hsm = LiveStore::expect().cloudhsm();
    let filter = RwSignal::new(String::new());
    // (matching ids oldest first, total)
    let listing = Memo::new(move |_| {
        let query = filter.with(|q| q.trim().to_ascii_lowercase());
        let mut rows = Vec::new();
        let mut total = 0;
        hsm.for_each_cluster(&region.get(), |cluster| {
            total += 1;
            if matches(cluster, &query) {
                rows.push((
                    cluster.create_timestamp,
                    cluster.cluster_id.clone().unwrap_or_default(),
                ));
            }
        });
        rows.sort();
        (
            rows.into_iter().map(|(_, id)| id).collect::<Vec<_>>(),
            total,
        )
    });
    let total = Signal::derive(move || listing.with(|l| l.1));
    let shown = move || listing.with(|l| l.0.len());
    let create_href = move || in_region("/cloudhsm/clusters/new", &region.get());
    view! {
        <SectionNav region=region current=Section::Clusters />
        <section class="panel" aria-labelledby="hsm-clusters-heading">
            <div class="panel-header">
                <CountHeading id="hsm-clusters-heading" title="Clusters" count=total />
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
            </div>
            <div class="toolbar">
                <input
                    type="search"
                    class="filter"
                    aria-label="Find clusters"
                    placeholder="Find clusters"
                    prop:value=move || filter.get()
                    on:input=move |ev| filter.set(event_target_value(&ev))
                />
                <span class="muted match-count" aria-live="polite">
                    {move || {
                        filter
                            .with(|q| !q.trim().is_empty())
                            .then(|| {
                                let n = shown();
                                if n == 1 { "1 match".to_owned() } else { format!("{n} matches") }
                            })
                    }}
                </span>
            </div>
            <RegionLoadError region=region snapshot=snapshot section=Section::Clusters />
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
                    _ if total > 0 && shown() == 0 => {
                        view! {
                            <EmptyState title="No matches" detail="No cluster matches the filter.">
                                <button type="button" class="btn" on:click=move |_| filter.set(String::new())>
                                    "Clear filter"
                                </button>
                            </EmptyState>
                        }
                            .into_any()
                    }
                    _ => ().into_any(),
                }
            }}
            <Show when=move || { shown() > 0 }>
                <div class="table-scroll">
                    <table class="table" aria-labelledby="hsm-clusters-heading">
                        <TableHead columns=&[
                            "Cluster ID",
                            "State",
                            "HSM type",
                            "Mode",
                            "HSMs",
                            "Created",
                            "Backup retention",
                            "VPC",
                        ] />
                        <tbody>
                            <For each=move || listing.with(|l| l.0.clone()) key=String::clone let:id>
                                {hsm
                                    .cluster_signal(&region.get_untracked(), &id)
                                    .map(|cluster| view! { <ClusterRow region=region cluster=cluster /> })}
                            </For>
                        </tbody>
                    </table>
                </div>
            </Show>
        </section>
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
    fn filter_looks_at_id_state_type_mode_and_vpc() {
        let cluster = Cluster {
            cluster_id: Some("cluster-igklspoyj5v".to_owned()),
            state: Some(ClusterState::Uninitialized),
            hsm_type: Some("hsm2m.medium".to_owned()),
            mode: Some(ClusterMode::NonFips),
            vpc_id: Some("vpc-0a1b2c".to_owned()),
            ..Cluster::default()
        };
        for query in ["", "igkls", "uninit", "hsm2m", "non_fips", "vpc-0a"] {
            assert!(matches(&cluster, query), "{query}");
        }
        assert!(!matches(&cluster, "active"));
    }
}
