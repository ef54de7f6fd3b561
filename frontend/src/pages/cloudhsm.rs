//! The CloudHSM section: clusters (list, details, create) and backups (list,
//! details) of one region at a time, live from the store.
//!
//! Routes: `/cloudhsm` and `/cloudhsm/clusters` ([`HsmClustersPage`]),
//! `/cloudhsm/clusters/new` ([`HsmCreateClusterPage`], `?sourceBackupId=`
//! restores a backup), `/cloudhsm/clusters/:id` ([`HsmClusterPage`]),
//! `/cloudhsm/backups` ([`HsmBackupsPage`], `?state=` and `?filter=` are
//! its filters) and `/cloudhsm/backups/:id` ([`HsmBackupPage`]). Every page
//! reads its region from `?region=` (the console's region without it) and
//! sends it as `X-Cmconsole-Region`, so a deep link or a reload stays in the
//! region. Each page is a self-contained component without props.
//!
//! This module holds what the pages share: the region in the URL and its
//! picker, the section tabs, the clock that deadlines are counted against
//! (the simulator's, in simulator mode) and how time left is written.

pub mod backup;
pub mod backup_actions;
pub mod backup_policy;
pub mod backups;
pub mod cluster;
pub mod clusters;
pub mod create_cluster;
pub mod shared_backups;
pub mod tags;

use chrono::{DateTime, Duration, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::cloudhsmv2::Region;

pub use self::backup::HsmBackupPage;
pub use self::backups::HsmBackupsPage;
pub use self::cluster::HsmClusterPage;
pub use self::clusters::HsmClustersPage;
pub use self::create_cluster::HsmCreateClusterPage;
use crate::Config;
use crate::api::sim;
use crate::components::flash::LoadFailed;
use crate::components::page::{Breadcrumbs, NotFound, Tab, Tabs};
use crate::live::{LiveStore, Snapshot};

/// Regions offered by the pickers (where AWS offers CloudHSM); a region in
/// the URL that is not listed is offered too.
pub const REGIONS: [&str; 20] = [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "sa-east-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "eu-south-1",
    "af-south-1",
    "me-south-1",
    "ap-east-1",
    "ap-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-southeast-1",
    "ap-southeast-2",
];

/// How long a deleted backup stays PENDING_DELETION (and can be restored).
pub const PENDING_DELETION_DAYS: i64 = 7;

/// The section's two lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// `/cloudhsm/clusters`.
    Clusters,
    /// `/cloudhsm/backups`.
    Backups,
}

impl Section {
    fn path(self) -> &'static str {
        match self {
            Self::Clusters => "/cloudhsm/clusters",
            Self::Backups => "/cloudhsm/backups",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Clusters => "Clusters",
            Self::Backups => "Backups",
        }
    }

    /// What the section lists, e.g. "clusters" in "Could not load clusters".
    fn plural(self) -> &'static str {
        match self {
            Self::Clusters => "clusters",
            Self::Backups => "backups",
        }
    }

    /// One of what it lists, e.g. "cluster".
    fn singular(self) -> &'static str {
        match self {
            Self::Clusters => "cluster",
            Self::Backups => "backup",
        }
    }

    /// Why one of its resources may be missing from its region.
    fn missing_hint(self) -> &'static str {
        match self {
            Self::Clusters => "It may have been deleted, or be in another region.",
            Self::Backups => {
                "It may have been deleted for good (7 days after its deletion), or be in another region."
            }
        }
    }
}

/// `path?region=<region>`.
pub fn in_region(path: &str, region: &str) -> String {
    format!("{path}?region={region}")
}

/// The details page of a cluster.
pub fn cluster_href(region: &str, id: &str) -> String {
    in_region(&format!("/cloudhsm/clusters/{id}"), region)
}

/// The details page of a backup.
pub fn backup_href(region: &str, id: &str) -> String {
    in_region(&format!("/cloudhsm/backups/{id}"), region)
}

/// The region the page works in: `?region=`, else the console's region once
/// `/api/config` answered (empty until then).
pub fn use_region() -> Memo<String> {
    let query = use_query_map();
    let config = use_context::<Config>();
    Memo::new(move |_| {
        query
            .with(|q| q.get("region"))
            .filter(|r| !r.is_empty())
            .or_else(|| {
                config
                    .and_then(|c| c.0.get())
                    .and_then(Result::ok)
                    .map(|c| c.region)
            })
            .unwrap_or_default()
    })
}

/// Why `region` cannot be used, if it cannot.
pub fn region_error(region: &str) -> Option<String> {
    Region::parse(region)
        .err()
        .map(|_| format!("{region} is not an AWS Region name (e.g. us-east-1)."))
}

/// Keeps the store's copy of `region` current while the page is shown, and
/// says how its snapshot is doing (tracked).
pub fn use_region_snapshot(region: Memo<String>) -> Signal<Snapshot> {
    let hsm = LiveStore::expect().cloudhsm();
    Effect::new(move |_| {
        let region = region.get();
        if !region.is_empty() && region_error(&region).is_none() {
            hsm.watch(&region);
        }
    });
    Signal::derive(move || {
        let region = region.get();
        match region_error(&region) {
            Some(_) if !region.is_empty() => Snapshot::Failed(crate::api::ApiError::Invalid(
                region_error(&region).unwrap_or_default(),
            )),
            _ if region.is_empty() => Snapshot::Loading,
            _ => hsm.region_state(&region),
        }
    })
}

/// The region picker: choosing a region opens `section`'s list there.
#[component]
pub fn RegionPicker(
    /// The page's region.
    region: Memo<String>,
    /// The list a change of region opens.
    section: Section,
) -> impl IntoView {
    let navigate = use_navigate();
    let options = move || {
        let current = region.get();
        let mut list: Vec<String> = REGIONS.iter().map(|r| (*r).to_owned()).collect();
        if !current.is_empty() && !list.contains(&current) {
            list.insert(0, current);
        }
        list
    };
    view! {
        <div class="region-picker">
            <label for="hsm-region">"Region"</label>
            <select
                id="hsm-region"
                on:change=move |ev| {
                    let chosen = event_target_value(&ev);
                    navigate(&in_region(section.path(), &chosen), Default::default());
                }
            >
                {move || {
                    let current = region.get();
                    options()
                        .into_iter()
                        .map(|r| {
                            let selected = r == current;
                            view! {
                                <option value=r.clone() selected=selected>
                                    {r.clone()}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
        </div>
    }
}

/// The section's tabs (Clusters, Backups) in the page's region, and the
/// region picker.
#[component]
pub fn SectionNav(
    /// The page's region.
    region: Memo<String>,
    /// The section the page belongs to.
    current: Section,
) -> impl IntoView {
    let tab = move |section: Section| {
        Tab::new(
            section.label(),
            move || in_region(section.path(), &region.get()),
            move || section == current,
        )
    };
    view! {
        <div class="section-bar">
            <Tabs label="CloudHSM sections" tabs=vec![tab(Section::Clusters), tab(Section::Backups)] />
            <RegionPicker region=region section=current />
        </div>
    }
}

/// The snapshot of the page's region failed or cannot be taken: the error
/// and a Retry.
#[component]
pub fn RegionLoadError(
    /// The page's region.
    region: Memo<String>,
    /// The snapshot state.
    snapshot: Signal<Snapshot>,
    /// The section whose resources were being loaded.
    section: Section,
) -> impl IntoView {
    let hsm = LiveStore::expect().cloudhsm();
    move || match snapshot.get() {
        Snapshot::Failed(err) => {
            let detail = err.to_string();
            let retry = region_error(&region.get_untracked())
                .is_none()
                .then(|| Callback::new(move |()| hsm.reload(&region.get_untracked())));
            let title = format!(
                "Could not load {} of {}",
                section.plural(),
                region.get_untracked()
            );
            view! { <LoadFailed title=title detail=detail retry=retry /> }.into_any()
        }
        _ => ().into_any(),
    }
}

/// The frame of a cluster's or backup's page: breadcrumbs back to its list,
/// the section's tabs and region picker, the region's load error, then the
/// page's content once the resource is in the store. Until then:
/// "Loading…" while the region's snapshot loads, nothing more if it failed,
/// else that the resource is not in this region.
#[component]
pub fn ResourcePage(
    /// The section the resource belongs to.
    section: Section,
    /// The page's region.
    region: Memo<String>,
    /// The resource's id.
    id: Memo<String>,
    /// The region's snapshot state.
    snapshot: Signal<Snapshot>,
    /// Whether the store has the resource.
    found: Signal<bool>,
    /// The page's content, shown while the resource is found.
    children: ChildrenFn,
) -> impl IntoView {
    let list_href = Signal::derive(move || in_region(section.path(), &region.get()));
    let missing = move || match snapshot.get() {
        Snapshot::Loading => view! {
            <p class="loading" role="status">{format!("Loading {}…", section.singular())}</p>
        }
        .into_any(),
        Snapshot::Failed(_) => ().into_any(),
        Snapshot::Ready => view! {
            <NotFound
                title=Signal::derive(move || {
                    let mut kind = section.singular().to_owned();
                    kind[..1].make_ascii_uppercase();
                    format!("{kind} {} not found in {}", id.get(), region.get())
                })
                hint=section.missing_hint()
                back_href=list_href
                back=format!("Go to the {} list", section.plural())
            />
        }
        .into_any(),
    };
    view! {
        <Breadcrumbs list_href=list_href list=format!("CloudHSM {}", section.plural()) current=id />
        <SectionNav region=region current=section />
        <RegionLoadError region=region snapshot=snapshot section=section />
        <Show when=move || found.get() fallback=missing>
            {children()}
        </Show>
    }
}

/// The clock deadlines are counted against: the simulated clock in
/// simulator mode (read from `/api/sim/clock` now and then; it runs at the
/// speed of real time between reads), else the browser's. Ticks every second.
pub fn use_now() -> Signal<DateTime<Utc>> {
    let config = use_context::<Config>();
    // Simulated time minus the browser's, in milliseconds.
    let offset = RwSignal::new(0_i64);
    let tick = RwSignal::new(browser_now_ms());
    let sync = move || {
        if config.is_some_and(|c| untrack(|| c.is_simulator())) {
            spawn_local(async move {
                if let Ok(clock) = sim::clock().await {
                    let sim_ms = (clock.now * 1000.0) as i64;
                    offset.try_set(sim_ms - browser_now_ms());
                }
            });
        }
    };
    // Once the config says simulator mode, and again every few seconds
    // (the simulated clock can be advanced from the Simulator panel or the API).
    Effect::new(move |_| {
        if config.is_some_and(|c| c.is_simulator()) {
            sync();
        }
    });
    if let Ok(handle) = set_interval_with_handle(
        move || {
            let now = browser_now_ms();
            tick.try_set(now);
            if now / 1000 % 5 == 0 {
                sync();
            }
        },
        std::time::Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }
    Signal::derive(move || {
        DateTime::from_timestamp_millis(tick.get() + offset.get()).unwrap_or_default()
    })
}

/// Milliseconds since the epoch on the browser's clock.
fn browser_now_ms() -> i64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0
    }
}

/// `1 day`, `2 days`.
fn count(n: i64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

/// How long until `deadline`, in its two largest units: `6 days 23 hours
/// left`, `3 hours 5 minutes left`, `42 seconds left`; `due now` once passed.
pub fn time_left(deadline: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (deadline - now).num_seconds();
    if secs <= 0 {
        return "due now".to_owned();
    }
    let (days, hours, minutes) = (secs / 86_400, secs % 86_400 / 3_600, secs % 3_600 / 60);
    let text = if days > 0 {
        if hours > 0 {
            format!("{} {}", count(days, "day"), count(hours, "hour"))
        } else {
            count(days, "day")
        }
    } else if hours > 0 {
        if minutes > 0 {
            format!("{} {}", count(hours, "hour"), count(minutes, "minute"))
        } else {
            count(hours, "hour")
        }
    } else if minutes > 0 {
        count(minutes, "minute")
    } else {
        count(secs, "second")
    };
    format!("{text} left")
}

/// When a backup deleted at `now` is deleted for good.
pub fn deletion_deadline(now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::days(PENDING_DELETION_DAYS)
}

/// The "Retention" column: `90 days`, or `-`.
pub fn retention_text(cluster: &shared::cloudhsmv2::Cluster) -> String {
    cluster
        .backup_retention_policy
        .as_ref()
        .and_then(|p| p.value.as_deref())
        .map_or_else(|| "-".to_owned(), |days| format!("{days} days"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(secs, 0).unwrap()
    }

    #[test]
    fn time_left_reads_in_its_two_largest_units() {
        let now = at(1_000_000);
        let left = |secs: i64| time_left(now + Duration::seconds(secs), now);
        // A backup deleted a few seconds ago.
        assert_eq!(left(7 * 86_400 - 5), "6 days 23 hours left");
        assert_eq!(left(7 * 86_400), "7 days left");
        assert_eq!(left(86_400 + 3_600), "1 day 1 hour left");
        assert_eq!(left(3 * 3_600 + 5 * 60 + 9), "3 hours 5 minutes left");
        assert_eq!(left(2 * 3_600), "2 hours left");
        assert_eq!(left(61), "1 minute left");
        assert_eq!(left(42), "42 seconds left");
        assert_eq!(left(0), "due now");
        assert_eq!(left(-30), "due now");
    }

    #[test]
    fn deadlines_are_seven_days_after_the_deletion() {
        assert_eq!(deletion_deadline(at(0)), at(7 * 86_400));
    }

    #[test]
    fn regions_are_checked_and_linked() {
        assert_eq!(region_error("eu-west-1"), None);
        assert!(region_error("mars-1").unwrap().contains("mars-1"));
        for region in REGIONS {
            assert_eq!(region_error(region), None, "{region}");
        }
        assert_eq!(
            backup_href("eu-west-1", "backup-ro5c4er4aac"),
            "/cloudhsm/backups/backup-ro5c4er4aac?region=eu-west-1"
        );
        assert_eq!(
            cluster_href("us-east-1", "cluster-igklspoyj5v"),
            "/cloudhsm/clusters/cluster-igklspoyj5v?region=us-east-1"
        );
    }
}
