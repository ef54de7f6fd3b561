//! The Simulator panel at `/simulator` (simulator mode only): move the
//! simulated clock and set its speed, inject and remove faults, change a
//! server's health, reset or seed the account. Calls go to `/api/sim/...`;
//! outcomes show as flash messages. When `/api/config` says the backend runs
//! in upstream mode there is no simulator: the page says so and calls nothing.

pub mod faults;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::opsworkscm::ServerStatus;

use self::faults::FaultsPanel;
use crate::Config;
use crate::api::sim::{self, Clock, Fault, HealthChange};
use crate::components::field::{SelectField, TextField};
use crate::components::flash::{Flashes, OpTexts};
use crate::components::list::EmptyState;
use crate::components::modal::ConfirmDelete;
use crate::components::panel::{Level, Panel};
use crate::format;
use crate::live::LiveStore;

/// How often the clock and the fault list are re-read (time moves on its own).
const POLL: std::time::Duration = std::time::Duration::from_secs(5);

/// Health statuses the simulator accepts.
/// The states the health control sets, with what each option says.
const HEALTH_STATUSES: [(&str, &str); 4] = [
    ("UNHEALTHY", "UNHEALTHY"),
    ("CONNECTION_LOST", "CONNECTION_LOST"),
    ("HEALTHY", "HEALTHY"),
    (
        "TERMINATED",
        "TERMINATED (its EC2 instance terminated: only restore or delete helps)",
    ),
];

/// What `/simulator` shows for the backend's mode.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Availability {
    /// `/api/config` has not answered yet.
    Loading,
    /// Simulator mode: the panel.
    Available,
    /// Another mode (upstream): no simulator behind `/api/sim`.
    Unavailable(String),
    /// `/api/config` failed: the mode is unknown.
    Unknown(String),
}

fn availability(config: Option<Result<String, String>>) -> Availability {
    match config {
        None => Availability::Loading,
        Some(Ok(mode)) if mode == "simulator" => Availability::Available,
        Some(Ok(mode)) => Availability::Unavailable(mode),
        Some(Err(err)) => Availability::Unknown(err),
    }
}

/// `/simulator`: the control panel in simulator mode, an explanation otherwise.
#[component]
pub fn SimulatorPage() -> impl IntoView {
    let config = expect_context::<Config>();
    let state = Memo::new(move |_| {
        availability(
            config
                .0
                .get()
                .map(|result| result.map(|cfg| cfg.mode).map_err(|err| err.to_string())),
        )
    });
    move || {
        match state.get() {
        Availability::Loading => {
            view! { <p class="loading" role="status">"Loading…"</p> }.into_any()
        }
        Availability::Available => view! { <SimulatorPanel /> }.into_any(),
        Availability::Unavailable(mode) => view! {
            <Notice
                title="The simulator panel is only available in simulator mode"
                detail=format!(
                    "This backend runs in {mode} mode: it forwards every call to AWS (or another endpoint), so there is no simulated clock, fault or server health to control. Start cmconsole without --upstream to use the simulator.",
                )
            />
        }
            .into_any(),
        Availability::Unknown(err) => view! {
            <Notice
                title="The simulator panel needs to know the backend's mode"
                detail=format!("/api/config did not answer ({err}); reload the page once the backend is back.")
            />
        }
            .into_any(),
    }
    }
}

/// A page-sized notice instead of the panel, with a way back to the list.
#[component]
fn Notice(title: &'static str, detail: String) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="sim-notice-heading">
            <EmptyState title=title detail=detail heading_id="sim-notice-heading">
                <p>
                    <a href="/servers">"Go to the servers list"</a>
                </p>
            </EmptyState>
        </section>
    }
}

/// The simulator's control panel.
#[component]
fn SimulatorPanel() -> impl IntoView {
    let flashes = Flashes::expect();
    let clock = RwSignal::new(None::<Clock>);
    let faults = RwSignal::new(Vec::<Fault>::new());
    let refresh = move |first: bool| {
        spawn_local(async move {
            match sim::clock().await {
                Ok(c) => {
                    clock.try_set(Some(c));
                }
                // Said once; polling quietly retries.
                Err(err) if first => {
                    flashes.error("Could not read the simulated clock", &err, None)
                }
                Err(_) => {}
            }
            if let Ok(list) = sim::faults().await {
                faults.try_set(list);
            }
        });
    };
    refresh(true);
    if let Ok(handle) = set_interval_with_handle(move || refresh(false), POLL) {
        on_cleanup(move || handle.clear());
    }
    view! {
        <div class="simulator">
            <ClockPanel clock=clock />
            <FaultsPanel faults=faults />
            <div class="simulator-grid">
                <HealthPanel />
                <AccountPanel faults=faults />
            </div>
        </div>
    }
}

/// Parses an optional number field: `Ok(None)` when blank.
fn optional_number<T: FieldNumber>(text: &str) -> Result<Option<T>, ()> {
    let text = text.trim();
    if text.is_empty() {
        Ok(None)
    } else {
        T::parse_field(text).map(Some).ok_or(())
    }
}

/// A number a field holds, read as `str::parse` reads it.
trait FieldNumber: Sized {
    fn parse_field(text: &str) -> Option<Self>;
}

impl FieldNumber for u32 {
    fn parse_field(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

impl FieldNumber for u64 {
    fn parse_field(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

/// Through [`format::parse_number`]: the same answers, a smaller WASM.
impl FieldNumber for f64 {
    fn parse_field(text: &str) -> Option<Self> {
        format::parse_number(text)
    }
}

/// Blank becomes `None`.
fn optional_text(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// Checks an optional "recover after (seconds)" field: blank, or a
/// positive number of seconds within the simulator's bounds (ten years).
fn check_recovery(text: &str) -> Option<String> {
    match optional_number::<f64>(text) {
        Ok(Some(s)) if shared::sim_control::bounds::check_seconds("", s, false).is_ok() => None,
        Ok(None) => None,
        _ => Some(
            "Enter a positive number of seconds up to ten years (315360000), or leave it blank."
                .to_owned(),
        ),
    }
}

/// Simulated time with +1 minute / hour / day and the speed.
#[component]
fn ClockPanel(clock: RwSignal<Option<Clock>>) -> impl IntoView {
    let flashes = Flashes::expect();
    let advance = move |seconds: f64, label: &'static str| {
        flashes.track(
            OpTexts::new(
                format!("Advancing the clock by {label}"),
                format!("Simulated clock advanced by {label}"),
                format!("Could not advance the clock by {label}"),
            ),
            move || async move {
                let c = sim::advance(seconds).await?;
                clock.try_set(Some(c.clone()));
                Ok(c)
            },
        );
    };
    let speed = RwSignal::new(String::new());
    let tried = RwSignal::new(false);
    // Blank is only wrong once submitted (the field is cleared after a change).
    let speed_error = Signal::derive(move || match optional_number::<f64>(&speed.get()) {
        Ok(Some(s)) if shared::sim_control::bounds::check_speed(s).is_ok() => None,
        Ok(None) if !tried.get() => None,
        _ => Some("Enter a number from 0.001 to 10000, e.g. 60.".to_owned()),
    });
    let set_speed = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        if speed_error.get_untracked().is_some() {
            return;
        }
        let Ok(Some(value)) = optional_number::<f64>(&speed.get_untracked()) else {
            return;
        };
        flashes.track(
            OpTexts::new(
                format!("Setting the speed to {}", format::number(value)),
                format!("Speed set to {}", format::number(value)),
                "Could not set the speed",
            ),
            move || async move {
                let c = sim::set_speed(value).await?;
                clock.try_set(Some(c.clone()));
                Ok(c)
            },
        );
        tried.set(false);
        speed.set(String::new());
    };
    view! {
        <Panel id="clock-heading" title="Simulator" level=Level::H2>
            <div class="form clock">
                <dl class="details">
                    <div>
                        <dt>"Simulated time"</dt>
                        <dd>
                            <time class="mono" data-testid="sim-time">
                                {move || clock.get().map(|c| c.iso).unwrap_or_else(|| "…".to_owned())}
                            </time>
                        </dd>
                    </div>
                    <div>
                        <dt>"Speed"</dt>
                        <dd data-testid="sim-speed">
                            {move || clock.get().map(|c| format!("×{}", format::number(c.speed))).unwrap_or_default()}
                        </dd>
                    </div>
                </dl>
                <div class="actions" role="group" aria-label="Advance the clock">
                    <button type="button" class="btn" on:click=move |_| advance(60.0, "1 minute")>
                        "+1 minute"
                    </button>
                    <button type="button" class="btn" on:click=move |_| advance(3600.0, "1 hour")>
                        "+1 hour"
                    </button>
                    <button type="button" class="btn" on:click=move |_| advance(86_400.0, "1 day")>
                        "+1 day"
                    </button>
                </div>
                <form class="inline-form" on:submit=set_speed novalidate>
                    <TextField
                        id="sim-speed-input"
                        label="Speed"
                        value=speed
                        error=speed_error
                        show=tried
                        kind="number"
                        placeholder="e.g. 60"
                    />
                    <button type="submit" class="btn">"Set speed"</button>
                </form>
            </div>
        </Panel>
    }
}

/// Changes a server's health (UNHEALTHY, CONNECTION_LOST, HEALTHY) or
/// terminates its instance (TERMINATED).
#[component]
fn HealthPanel() -> impl IntoView {
    let flashes = Flashes::expect();
    let live = LiveStore::expect();
    let names = Memo::new(move |_| {
        let mut names = Vec::new();
        live.for_each_server(|s| {
            if let Some(name) = &s.server_name {
                names.push(name.clone());
            }
        });
        names
    });
    let server = RwSignal::new(String::new());
    let status = RwSignal::new(HEALTH_STATUSES[0].0.to_owned());
    let reason = RwSignal::new(String::new());
    let recover = RwSignal::new(String::new());
    let tried = RwSignal::new(false);
    let server_options = Signal::derive(move || {
        std::iter::once((String::new(), "Choose a server".to_owned()))
            .chain(names.get().into_iter().map(|n| (n.clone(), n)))
            .collect::<Vec<_>>()
    });
    let statuses = Signal::derive(|| {
        HEALTH_STATUSES
            .iter()
            .map(|(value, label)| ((*value).to_owned(), (*label).to_owned()))
            .collect::<Vec<_>>()
    });
    let server_error = Signal::derive(move || {
        (tried.get() && server.with(String::is_empty)).then(|| "Choose a server.".to_owned())
    });
    let recover_error = Signal::derive(move || {
        let terminated = status.with(|s| s == "TERMINATED");
        if terminated && !recover.with(|r| r.trim().is_empty()) {
            return Some("A TERMINATED server does not recover on its own.".to_owned());
        }
        check_recovery(&recover.get())
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        if server_error.get_untracked().is_some() || recover_error.get_untracked().is_some() {
            return;
        }
        let name = server.get_untracked();
        let Ok(status) = status.get_untracked().parse::<ServerStatus>() else {
            return;
        };
        let change = HealthChange {
            status,
            reason: optional_text(&reason.get_untracked()),
            recover_after_seconds: optional_number(&recover.get_untracked()).ok().flatten(),
        };
        flashes.track(
            OpTexts::new(
                format!("Setting {name} to {}", change.status),
                format!("{name} is now {}", change.status),
                format!("Could not change the health of {name}"),
            ),
            move || {
                let (name, change) = (name.clone(), change.clone());
                async move { sim::set_health(&name, &change).await }
            },
        );
        tried.set(false);
    };
    view! {
        <Panel id="health-heading" title="Server health" level=Level::H2>
            <form class="form sim-form" on:submit=submit novalidate aria-labelledby="health-heading">
                <SelectField
                    id="health-server"
                    label="Server"
                    value=server
                    options=server_options
                    error=server_error
                />
                <SelectField id="health-status" label="Status" value=status options=statuses />
                <TextField
                    id="health-reason"
                    label="Reason"
                    value=reason
                    error=Signal::derive(|| None::<String>)
                    show=tried
                    placeholder="Optional"
                />
                <TextField
                    id="health-recover"
                    label="Recover after (seconds)"
                    value=recover
                    error=recover_error
                    show=tried
                    kind="number"
                    placeholder="Never"
                />
                <button type="submit" class="btn btn-primary">"Set health"</button>
            </form>
        </Panel>
    }
}

/// Reset and seed the account.
#[component]
fn AccountPanel(faults: RwSignal<Vec<Fault>>) -> impl IntoView {
    let flashes = Flashes::expect();
    let live = LiveStore::expect();
    let confirm_open = RwSignal::new(false);
    let reset = Callback::new(move |()| {
        flashes.track(
            OpTexts::new(
                "Resetting the account",
                "Account reset",
                "Could not reset the account",
            ),
            move || async move {
                sim::reset().await?;
                faults.try_set(Vec::new());
                live.reload();
                Ok(())
            },
        );
    });
    let seed = move |_| {
        flashes.track(
            OpTexts::new(
                "Seeding the demo account",
                "Demo account seeded",
                "Could not seed the demo account",
            ),
            move || async move {
                let servers = sim::seed_demo().await?;
                live.reload();
                Ok(servers)
            },
        );
    };
    view! {
        <Panel id="sim-account-heading" title="Account" level=Level::H2>
            <div class="form sim-account">
                <p class="hint">
                    "Reset deletes every server, backup, event, node association and fault. Seed fills an empty account with demo Chef and Puppet servers."
                </p>
                <div class="actions">
                    <button type="button" class="btn btn-primary btn-danger" on:click=move |_| confirm_open.set(true)>
                        "Reset account"
                    </button>
                    <button type="button" class="btn" on:click=seed>
                        "Seed demo account"
                    </button>
                </div>
            </div>
            <ConfirmDelete
                open=confirm_open
                title="Reset the simulated account"
                message="Every server, backup, event, node association and fault is deleted."
                action="Reset"
                on_confirm=reset
            />
        </Panel>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_panel_needs_simulator_mode() {
        assert_eq!(availability(None), Availability::Loading);
        assert_eq!(
            availability(Some(Ok("simulator".to_owned()))),
            Availability::Available
        );
        assert_eq!(
            availability(Some(Ok("upstream".to_owned()))),
            Availability::Unavailable("upstream".to_owned())
        );
        assert_eq!(
            availability(Some(Err("HTTP 502".to_owned()))),
            Availability::Unknown("HTTP 502".to_owned())
        );
    }

    #[test]
    fn recovery_is_blank_or_positive() {
        assert_eq!(check_recovery(""), None);
        assert_eq!(check_recovery(" 90 "), None);
        for bad in ["0", "-1", "soon", "inf", "1e300", "315360001"] {
            assert!(check_recovery(bad).is_some(), "{bad}");
        }
    }
}
