//! A CloudHSM cluster at `/cloudhsm/clusters/:id`: every Cluster field,
//! its HSMs (create, delete), the initialization of an UNINITIALIZED
//! cluster, its certificates, backup retention and HSM type (ModifyCluster),
//! its backups, its tags, and Delete with a typed confirmation.

pub mod hsms;
pub mod initialize;
pub mod settings;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use shared::cloudhsmv2::{Backup, Certificates, Cluster, ClusterState, Operation};
use shared::operation::ApiOperation;

use self::hsms::HsmsPanel;
use self::initialize::InitializePanel;
use self::settings::ModifyClusterPanel;
use super::tags::HsmTags;
use super::{
    ResourcePage, Section, backup_href, in_region, retention_text, use_region, use_region_snapshot,
};
use crate::api::{ApiError, cloudhsm};
use crate::components::cli::{CopyAsCli, cli_command_in};
use crate::components::flash::{Flashes, OpTexts};
use crate::components::key_value::KeyValueGrid;
use crate::components::modal::ConfirmDelete;
use crate::components::page::PageHeader;
use crate::components::panel::Panel;
use crate::components::resource_table::{
    ListControls, ListRow, ResourceTable, list_columns, page_of, time_key,
};
use crate::components::status::{StatusIndicator, cluster_state_view, hsm_backup_state_view};
use crate::format;
use crate::live::LiveStore;

/// The cluster in the URL, for the panels.
#[derive(Clone, Copy)]
pub struct Current {
    region: Memo<String>,
    id: Memo<String>,
    /// The cluster as the store has it (tracked); `None` once gone.
    cluster: Memo<Option<Cluster>>,
}

/// What each form of the cluster page keeps: whether Submit was pressed
/// (inline errors show from then on) and the service's refusal of the last
/// request, shown in the form as well as in its flash.
#[derive(Clone, Copy)]
pub(crate) struct PanelForm {
    /// Submit was pressed.
    attempted: RwSignal<bool>,
    /// The service refused the last request.
    error: RwSignal<Option<ApiError>>,
    flashes: Flashes,
}

impl PanelForm {
    /// A form not yet submitted (call in the component).
    pub(crate) fn new() -> Self {
        Self {
            attempted: RwSignal::new(false),
            error: RwSignal::new(None),
            flashes: Flashes::expect(),
        }
    }

    /// On Submit: inline errors show from now on; the request when it is
    /// valid, with the last refusal cleared.
    fn begin<R, E>(self, request: impl Fn() -> Result<R, E>) -> Option<R> {
        self.attempted.set(true);
        let request = untrack(request).ok()?;
        self.error.set(None);
        Some(request)
    }

    /// Hides inline errors again (after a send that cleared the inputs).
    pub(crate) fn reset(self) {
        self.attempted.set(false);
    }

    /// Runs `op` under a flash with `texts`; a refusal also shows in the form.
    fn send<F, Fut, T>(self, texts: OpTexts, op: F)
    where
        F: Fn() -> Fut + Clone + Send + Sync + 'static,
        Fut: Future<Output = Result<T, ApiError>> + 'static,
        T: 'static,
    {
        let error = self.error;
        self.flashes.track(texts, move || {
            let attempt = op();
            async move {
                let result = attempt.await;
                error.try_set(result.as_ref().err().cloned());
                result
            }
        });
    }

    /// The Submit handler and "Copy as CLI" command of a form sending
    /// operation `O` in `region`: Submit checks `request` (inline errors
    /// show from then on) and sends a valid one under a flash with the
    /// texts `texts` writes for it, then runs `sent` (to clear inputs).
    pub(crate) fn operation<O, E>(
        self,
        region: Memo<String>,
        request: impl Fn() -> Result<O::Input, E> + Copy + Send + Sync + 'static,
        texts: impl Fn(&O::Input) -> OpTexts + Copy + 'static,
        sent: impl Fn() + Copy + 'static,
    ) -> (
        impl Fn(leptos::ev::SubmitEvent) + Copy + 'static,
        Signal<Option<String>>,
    )
    where
        O: ApiOperation<Name = shared::cloudhsmv2::Operation>,
        O::Input: Clone + Send + Sync + 'static,
    {
        let submit = move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let Some(request) = self.begin(request) else {
                return;
            };
            let region = region.get_untracked();
            self.send(texts(&request), move || {
                let (region, request) = (region.clone(), request.clone());
                async move { cloudhsm::call::<O>(&region, &request).await }
            });
            sent();
        };
        let cli = Signal::derive(move || {
            request()
                .ok()
                .map(|r| cli_command_in(O::NAME, &region.get(), &r))
        });
        (submit, cli)
    }

    /// Whether Submit was pressed (for the fields' inline errors).
    pub(crate) fn attempted(self) -> RwSignal<bool> {
        self.attempted
    }

    /// The service's refusal of the last request (for [`FormError`](crate::components::field::FormError)).
    pub(crate) fn error(self) -> RwSignal<Option<ApiError>> {
        self.error
    }
}

/// The cluster details page.
#[component]
pub fn HsmClusterPage() -> impl IntoView {
    let region = use_region();
    let snapshot = use_region_snapshot(region);
    let hsm = LiveStore::expect().cloudhsm();
    let flashes = Flashes::expect();
    let navigate = use_navigate();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let cluster = Memo::new(move |_| hsm.cluster(&region.get(), &id.get()));
    let current = Current {
        region,
        id,
        cluster,
    };
    let state = Signal::derive(move || cluster.with(|c| c.as_ref().and_then(|c| c.state)));
    let delete_open = RwSignal::new(false);
    let confirm_delete = Callback::new(move |()| {
        let (region, target) = (region.get_untracked(), id.get_untracked());
        flashes.track(
            OpTexts::new(
                format!("Deleting cluster {target}"),
                format!("Deletion of cluster {target} started"),
                format!("Could not delete cluster {target}"),
            ),
            {
                let region = region.clone();
                move || {
                    let (region, target) = (region.clone(), target.clone());
                    async move { cloudhsm::delete_cluster(&region, &target).await }
                }
            },
        );
        navigate(
            &in_region("/cloudhsm/clusters", &region),
            Default::default(),
        );
    });
    view! {
        <ResourcePage
            section=Section::Clusters
            region=region
            id=id
            snapshot=snapshot
            found=Signal::derive(move || cluster.with(Option::is_some))
        >
            <PageHeader
                id="hsm-cluster-heading"
                title=id
                mono=true
                status=Signal::derive(move || cluster_state_view(state.get()))
            >
                <button type="button" class="btn" on:click=move |_| delete_open.set(true)>
                    "Delete cluster"
                </button>
            </PageHeader>
            <div class="tab-stack">
                <Panel id="hsm-cluster-details-heading" title="Details">
                    {move || cluster.get().map(|c| view! { <ClusterFields cluster=c /> })}
                    <div class="panel-cli">
                        <CopyAsCli command=Signal::derive(move || {
                            cloudhsm::describe_cluster_request(&id.get())
                                .ok()
                                .map(|request| cli_command_in(Operation::DescribeClusters, &region.get(), &request))
                        }) />
                    </div>
                </Panel>
                <HsmsPanel current=current />
                <Show when=move || state.get() == Some(ClusterState::Uninitialized)>
                    <InitializePanel current=current />
                </Show>
                <ModifyClusterPanel current=current />
                <ClusterBackups current=current />
                <CertificatesPanel current=current />
                <HsmTags region=region resource_id=id />
            </div>
        </ResourcePage>
        <ConfirmDelete
            open=delete_open
            title=Signal::derive(move || format!("Delete cluster {}", id.get()))
            message=Signal::derive(move || {
                format!(
                    "Cluster {} goes DELETE_IN_PROGRESS and is removed. Delete its HSMs first: a cluster with HSMs cannot be deleted. Its backups are kept and can restore a new cluster.",
                    id.get(),
                )
            })
            on_confirm=confirm_delete
            cli=Signal::derive(move || {
                cloudhsm::delete_cluster_request(&id.get())
                    .ok()
                    .map(|request| cli_command_in(Operation::DeleteCluster, &region.get(), &request))
            })
        />
    }
}

/// Every field of the Cluster (the HSMs, certificates and tags have panels of their own).
#[component]
fn ClusterFields(cluster: Cluster) -> impl IntoView {
    let text = |v: &Option<String>| format::or_dash(v.as_deref());
    let subnets: Vec<String> = cluster
        .subnet_mapping
        .iter()
        .map(|(zone, subnet)| format!("{zone}: {subnet}"))
        .collect();
    let rows: Vec<(&'static str, String, bool)> = vec![
        ("Cluster ID", text(&cluster.cluster_id), true),
        (
            "State",
            cluster
                .state
                .map_or("-".to_owned(), |s| s.as_str().to_owned()),
            false,
        ),
        ("State message", text(&cluster.state_message), false),
        ("HSM type", text(&cluster.hsm_type), false),
        (
            "HSM type rollback until",
            format::time(cluster.hsm_type_rollback_expiration),
            false,
        ),
        (
            "Mode",
            cluster
                .mode
                .map_or("-".to_owned(), |m| m.as_str().to_owned()),
            false,
        ),
        ("HSMs", cluster.hsms.len().to_string(), false),
        ("Created", format::time(cluster.create_timestamp), false),
        ("VPC", text(&cluster.vpc_id), true),
        ("Subnets", format::list(&subnets), true),
        (
            "Network type",
            cluster
                .network_type
                .map_or("-".to_owned(), |n| n.as_str().to_owned()),
            false,
        ),
        ("Security group", text(&cluster.security_group), true),
        (
            "Backup policy",
            cluster
                .backup_policy
                .map_or("-".to_owned(), |p| p.as_str().to_owned()),
            false,
        ),
        ("Backup retention", retention_text(&cluster), false),
        ("Source backup", text(&cluster.source_backup_id), true),
    ];
    view! {
        <KeyValueGrid rows=rows />
    }
}

list_columns! {
    /// The columns of a cluster's backups.
    BACKUP_COLUMNS = [
        "Backup ID" => BY_BACKUP_ID,
        "State" => BY_BACKUP_STATE,
        "Created" => BY_BACKUP_CREATED,
        "Never expires",
    ]
}

/// A backup of the cluster as the list's controls see it: found by id or
/// state; sorted by id, state or creation.
fn backup_row(backup: &Backup) -> ListRow {
    let state = backup
        .backup_state
        .map(|s| s.as_str().to_owned())
        .unwrap_or_default();
    ListRow {
        key: backup.backup_id.clone(),
        search: vec![backup.backup_id.clone(), state.clone()],
        sort: vec![
            backup.backup_id.clone(),
            state,
            time_key(backup.create_timestamp),
        ],
    }
}

/// The cluster's backups in its region, newest first, live.
#[component]
fn ClusterBackups(current: Current) -> impl IntoView {
    let hsm = LiveStore::expect().cloudhsm();
    let Current { region, id, .. } = current;
    let backups = Memo::new(move |_| {
        let id = id.get();
        let mut list: Vec<Backup> = Vec::new();
        hsm.for_each_backup(&region.get(), |b| {
            if b.cluster_id.as_deref() == Some(id.as_str()) {
                list.push(b.clone());
            }
        });
        list
    });
    let controls = ListControls::new(BY_BACKUP_CREATED, false);
    let listing =
        Memo::new(move |_| controls.list(backups.with(|b| b.iter().map(backup_row).collect())));
    let shown =
        move || listing.with(|l| backups.with(|b| page_of(l, b, |b, key| b.backup_id == key)));
    view! {
        <Panel id="hsm-cluster-backups-heading" title="Backups" count=Signal::derive(move || backups.with(Vec::len)) actions=move || view! {
                <a
                    class="btn"
                    href=move || format!("{}&filter={}", in_region("/cloudhsm/backups", &region.get()), id.get())
                >
                    "Manage backups"
                </a>
            }>
            <div class="panel-cli">
                <CopyAsCli command=Signal::derive(move || {
                    cloudhsm::describe_backups_by("clusterIds", &id.get())
                        .ok()
                        .map(|request| cli_command_in(Operation::DescribeBackups, &region.get(), &request))
                }) />
            </div>
            <Show
                when=move || backups.with(|b| !b.is_empty())
                fallback=|| {
                    view! {
                        <p class="muted empty-inline">
                            "The service backs the cluster up when it becomes active (an initialized cluster with an ACTIVE HSM), then daily."
                        </p>
                    }
                }
            >
                <ResourceTable
                    controls=controls
                    listing=listing
                    label="Find backups of the cluster"
                    labelledby="hsm-cluster-backups-heading"
                    columns=BACKUP_COLUMNS
                    no_matches="No backup matches the filter."
                >
                    <For
                        each=shown
                        key=|b| (b.backup_id.clone(), b.backup_state, b.never_expires)
                        let:backup
                    >
                        <tr>
                            <th scope="row">
                                <a href=backup_href(&region.get_untracked(), &backup.backup_id) class="mono">
                                    {backup.backup_id.clone()}
                                </a>
                            </th>
                            <td>
                                <StatusIndicator status=Signal::stored(hsm_backup_state_view(backup.backup_state)) />
                            </td>
                            <td class="nowrap">{format::time(backup.create_timestamp)}</td>
                            <td>{if backup.never_expires == Some(true) { "Yes" } else { "No" }}</td>
                        </tr>
                    </For>
                </ResourceTable>
            </Show>
        </Panel>
    }
}

/// The cluster's certificates: which exist, each viewable.
#[component]
fn CertificatesPanel(current: Current) -> impl IntoView {
    let certificates = Memo::new(move |_| {
        current
            .cluster
            .with(|c| c.as_ref().and_then(|c| c.certificates.clone()))
            .unwrap_or_default()
    });
    let row = move |label: &'static str, pick: fn(&Certificates) -> Option<String>| {
        move || {
            let pem = certificates.with(pick);
            view! {
                <div>
                    <dt>{label}</dt>
                    <dd>
                        {match pem {
                            Some(pem) => view! {
                                <details class="cert">
                                    <summary>"Present: show PEM"</summary>
                                    <pre class="mono" tabindex="0" aria-label=format!("{label} (PEM)")>{pem}</pre>
                                </details>
                            }
                            .into_any(),
                            None => view! { <span class="muted">"Not issued"</span> }.into_any(),
                        }}
                    </dd>
                </div>
            }
        }
    };
    view! {
        <Panel id="hsm-certificates-heading" title="Certificates">
            <dl class="details">
                {row("Cluster CSR", |c| c.cluster_csr.clone())}
                {row("Cluster certificate", |c| c.cluster_certificate.clone())}
                {row("HSM certificate", |c| c.hsm_certificate.clone())}
                {row("AWS hardware certificate", |c| c.aws_hardware_certificate.clone())}
                {row("Manufacturer hardware certificate", |c| c.manufacturer_hardware_certificate.clone())}
            </dl>
        </Panel>
    }
}
