//! The Simulator panel at `/simulator` (simulator mode only): move the
//! simulated clock and set its speed, inject and remove faults, change a
//! server's health, reset or seed the account. Calls go to `/api/sim/...`;
//! outcomes show as flash messages.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::error::ErrorCode;
use shared::opsworkscm::{Operation, ServerName};

use crate::api::sim::{self, Clock, FAULT_KINDS, Fault, HealthChange, NewFault};
use crate::components::flash::{Flashes, OpTexts};
use crate::components::modal::ConfirmDelete;
use crate::live::LiveStore;

/// How often the clock and the fault list are re-read (time moves on its own).
const POLL: std::time::Duration = std::time::Duration::from_secs(5);

/// Health statuses the simulator accepts.
const HEALTH_STATUSES: [&str; 3] = ["UNHEALTHY", "CONNECTION_LOST", "HEALTHY"];

/// The simulator's control panel.
#[component]
pub fn SimulatorPage() -> impl IntoView {
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
fn optional_number<T: std::str::FromStr>(text: &str) -> Result<Option<T>, ()> {
    let text = text.trim();
    if text.is_empty() {
        Ok(None)
    } else {
        text.parse().map(Some).map_err(|_| ())
    }
}

/// Blank becomes `None`.
fn optional_text(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// A labelled input of a form with its inline error.
#[component]
fn Field(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] placeholder: &'static str,
    #[prop(optional)] step: Option<&'static str>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let described = {
        let error_id = error_id.clone();
        move || error.get().map(|_| error_id.clone())
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                id=id
                type=kind
                step=step
                placeholder=placeholder
                autocomplete="off"
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=described
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            {move || error.get().map(|e| view! { <p class="field-error" id=error_id.clone()>{e}</p> })}
        </div>
    }
}

/// A labelled select over fixed `(value, label)` options.
#[component]
fn SelectField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id on:change=move |ev| value.set(event_target_value(&ev))>
                {move || {
                    options
                        .get()
                        .into_iter()
                        .map(|(v, text)| {
                            let selected = value.get_untracked() == v;
                            view! {
                                <option value=v selected=selected>
                                    {text}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
        </div>
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
    let speed_error = Signal::derive(move || {
        if !tried.get() {
            return None;
        }
        match optional_number::<f64>(&speed.get()) {
            Ok(Some(s)) if s.is_finite() && s > 0.0 => None,
            _ => Some("Enter a positive number, e.g. 60.".to_owned()),
        }
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
                format!("Setting the speed to {value}"),
                format!("Speed set to {value}"),
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
        <section class="panel" aria-labelledby="clock-heading">
            <div class="panel-header">
                <h2 id="clock-heading">"Simulator"</h2>
            </div>
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
                            {move || clock.get().map(|c| format!("×{}", c.speed)).unwrap_or_default()}
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
                    <Field
                        id="sim-speed-input"
                        label="Speed"
                        value=speed
                        error=speed_error
                        kind="number"
                        step="any"
                        placeholder="e.g. 60"
                    />
                    <button type="submit" class="btn">"Set speed"</button>
                </form>
            </div>
        </section>
    }
}

/// Human scope of a fault.
fn scope(fault: &Fault) -> String {
    let operation = fault.operation.as_deref().unwrap_or("any operation");
    match &fault.server_name {
        Some(server) => format!("{operation} on {server}"),
        None => format!("{operation}, any server"),
    }
}

/// What a fault does beyond its kind (code, delay or reason).
fn fault_detail(fault: &Fault) -> Option<String> {
    match (&fault.code, fault.millis, &fault.reason) {
        (Some(code), _, _) => Some(match &fault.message {
            Some(message) => format!("{code}: {message}"),
            None => code.clone(),
        }),
        (_, Some(millis), _) => Some(format!("{millis} ms")),
        (_, _, Some(reason)) => Some(reason.clone()),
        _ => None,
    }
}

/// Count and probability of a fault.
fn frequency(fault: &Fault) -> String {
    let count = fault
        .count
        .map_or_else(|| "unlimited".to_owned(), |c| format!("{c}×"));
    let probability = fault
        .probability
        .map_or_else(|| "always".to_owned(), |p| format!("p = {p}"));
    format!("{count}, {probability}")
}

/// The active faults and the form that adds one.
#[component]
fn FaultsPanel(faults: RwSignal<Vec<Fault>>) -> impl IntoView {
    let flashes = Flashes::expect();
    let remove = move |id: u64| {
        flashes.track(
            OpTexts::new(
                format!("Removing fault {id}"),
                format!("Fault {id} removed"),
                format!("Could not remove fault {id}"),
            ),
            move || async move {
                sim::remove_fault(id).await?;
                faults.try_update(|list| list.retain(|f| f.id != id));
                Ok(())
            },
        );
    };
    view! {
        <section class="panel" aria-labelledby="faults-heading">
            <div class="panel-header">
                <h2 id="faults-heading">
                    "Active faults " <span class="count">{move || format!("({})", faults.with(Vec::len))}</span>
                </h2>
            </div>
            <Show
                when=move || faults.with(|f| !f.is_empty())
                fallback=|| {
                    view! {
                        <div class="empty">
                            <p class="empty-title">"No active faults"</p>
                            <p class="muted">"Operations run as the service would run them."</p>
                        </div>
                    }
                }
            >
                <table class="table" aria-labelledby="faults-heading">
                    <thead>
                        <tr>
                            <th scope="col">"ID"</th>
                            <th scope="col">"Kind"</th>
                            <th scope="col">"Scope"</th>
                            <th scope="col">"Count / probability"</th>
                            <th scope="col">"Fired"</th>
                            <th scope="col">
                                <span class="visually-hidden">"Actions"</span>
                            </th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=move || faults.get() key=|f| (f.id, f.fired) let:fault>
                            {
                                let id = fault.id;
                                view! {
                                    <tr>
                                        <th scope="row">{id}</th>
                                        <td>
                                            {fault.kind.clone()}
                                            {fault_detail(&fault)
                                                .map(|d| view! { <span class="hint">{d}</span> })}
                                        </td>
                                        <td>{scope(&fault)}</td>
                                        <td>{frequency(&fault)}</td>
                                        <td>{fault.fired}</td>
                                        <td>
                                            <button
                                                type="button"
                                                class="btn btn-small"
                                                aria-label=format!("Remove fault {id}")
                                                on:click=move |_| remove(id)
                                            >
                                                "Remove"
                                            </button>
                                        </td>
                                    </tr>
                                }
                            }
                        </For>
                    </tbody>
                </table>
            </Show>
            <AddFault faults=faults />
        </section>
    }
}

/// The "Add fault" form with its inline checks.
#[component]
fn AddFault(faults: RwSignal<Vec<Fault>>) -> impl IntoView {
    let flashes = Flashes::expect();
    let kind = RwSignal::new(FAULT_KINDS[0].to_owned());
    let operation = RwSignal::new(String::new());
    let server = RwSignal::new(String::new());
    let count = RwSignal::new(String::new());
    let probability = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let message = RwSignal::new(String::new());
    let millis = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let tried = RwSignal::new(false);

    let shown = move |check: Option<String>| check.filter(|_| tried.get());
    let server_error = Signal::derive(move || {
        shown(
            optional_text(&server.get())
                .and_then(|name| ServerName::parse(name).err().map(|e| e.to_string())),
        )
    });
    let count_error = Signal::derive(move || {
        shown(match optional_number::<u32>(&count.get()) {
            Ok(Some(0)) | Err(()) => {
                Some("Enter a whole number of at least 1, or leave it blank.".to_owned())
            }
            Ok(_) => None,
        })
    });
    let probability_error = Signal::derive(move || {
        shown(match optional_number::<f64>(&probability.get()) {
            Ok(Some(p)) if !(0.0..=1.0).contains(&p) => {
                Some("Enter a number between 0 and 1.".to_owned())
            }
            Err(()) => Some("Enter a number between 0 and 1.".to_owned()),
            Ok(_) => None,
        })
    });
    let code_error = Signal::derive(move || {
        shown(match optional_text(&code.get()) {
            None => Some("Enter an AWS error code, e.g. ThrottlingException.".to_owned()),
            Some(c) if ErrorCode::from_code(&c).is_none() => {
                Some(format!("{c} is not a known AWS error code."))
            }
            Some(_) => None,
        })
    });
    let millis_error = Signal::derive(move || {
        shown(match optional_number::<u64>(&millis.get()) {
            Ok(Some(_)) => None,
            _ => Some("Enter the delay in milliseconds, e.g. 800.".to_owned()),
        })
    });
    let is_error = move || kind.with(|k| k == "error");
    let is_latency = move || kind.with(|k| k == "latency");
    let has_errors = move || {
        server_error.get().is_some()
            || count_error.get().is_some()
            || probability_error.get().is_some()
            || (is_error() && code_error.get().is_some())
            || (is_latency() && millis_error.get().is_some())
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        if has_errors() {
            return;
        }
        let kind_value = kind.get_untracked();
        let mut fault = NewFault {
            kind: kind_value.clone(),
            operation: optional_text(&operation.get_untracked()),
            server_name: optional_text(&server.get_untracked()),
            count: optional_number(&count.get_untracked()).ok().flatten(),
            probability: optional_number(&probability.get_untracked()).ok().flatten(),
            ..NewFault::default()
        };
        match kind_value.as_str() {
            "error" => {
                fault.code = optional_text(&code.get_untracked());
                fault.message = optional_text(&message.get_untracked());
            }
            "latency" => fault.millis = optional_number(&millis.get_untracked()).ok().flatten(),
            _ => fault.reason = optional_text(&reason.get_untracked()),
        }
        flashes.track(
            OpTexts::new(
                format!("Adding a {kind_value} fault"),
                format!("{kind_value} fault added"),
                format!("Could not add the {kind_value} fault"),
            ),
            move || {
                let fault = fault.clone();
                async move {
                    let added = sim::add_fault(&fault).await?;
                    faults.try_update(|list| {
                        if !list.iter().any(|f| f.id == added.id) {
                            list.push(added.clone());
                        }
                    });
                    Ok(added)
                }
            },
        );
        tried.set(false);
    };

    let kinds = Signal::derive(|| {
        FAULT_KINDS
            .iter()
            .map(|k| ((*k).to_owned(), (*k).to_owned()))
            .collect::<Vec<_>>()
    });
    let operations = Signal::derive(|| {
        std::iter::once((String::new(), "Any operation".to_owned()))
            .chain(
                Operation::ALL
                    .iter()
                    .map(|op| (op.as_str().to_owned(), op.as_str().to_owned())),
            )
            .collect::<Vec<_>>()
    });
    let no_error = Signal::derive(|| None::<String>);

    view! {
        <form class="form sim-form" on:submit=submit novalidate aria-labelledby="add-fault-heading">
            <h3 id="add-fault-heading">"Add fault"</h3>
            <div class="sim-fields">
                <SelectField id="fault-kind" label="Kind" value=kind options=kinds />
                <SelectField id="fault-operation" label="Operation" value=operation options=operations />
                <Field
                    id="fault-server"
                    label="Server name"
                    value=server
                    error=server_error
                    placeholder="Any server"
                />
                <Field
                    id="fault-count"
                    label="Count"
                    value=count
                    error=count_error
                    kind="number"
                    placeholder="Unlimited"
                />
                <Field
                    id="fault-probability"
                    label="Probability"
                    value=probability
                    error=probability_error
                    kind="number"
                    step="any"
                    placeholder="Always (1)"
                />
                <Show when=is_error>
                    <Field
                        id="fault-code"
                        label="Error code"
                        value=code
                        error=code_error
                        placeholder="ThrottlingException"
                    />
                    <Field
                        id="fault-message"
                        label="Error message"
                        value=message
                        error=no_error
                        placeholder="Optional"
                    />
                </Show>
                <Show when=is_latency>
                    <Field
                        id="fault-millis"
                        label="Delay (milliseconds)"
                        value=millis
                        error=millis_error
                        kind="number"
                        placeholder="800"
                    />
                </Show>
                <Show when=move || !is_error() && !is_latency()>
                    <Field
                        id="fault-reason"
                        label="Reason"
                        value=reason
                        error=no_error
                        placeholder="Optional"
                    />
                </Show>
            </div>
            <button type="submit" class="btn btn-primary">"Add fault"</button>
        </form>
    }
}

/// Changes a server's health (UNHEALTHY, CONNECTION_LOST, HEALTHY).
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
    let status = RwSignal::new(HEALTH_STATUSES[0].to_owned());
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
            .map(|s| ((*s).to_owned(), (*s).to_owned()))
            .collect::<Vec<_>>()
    });
    let server_error = Signal::derive(move || {
        (tried.get() && server.with(String::is_empty)).then(|| "Choose a server.".to_owned())
    });
    let recover_error = Signal::derive(move || {
        if !tried.get() {
            return None;
        }
        match optional_number::<f64>(&recover.get()) {
            Ok(Some(s)) if !(s.is_finite() && s > 0.0) => {
                Some("Enter a positive number of seconds, or leave it blank.".to_owned())
            }
            Err(()) => Some("Enter a positive number of seconds, or leave it blank.".to_owned()),
            Ok(_) => None,
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        if server_error.get_untracked().is_some() || recover_error.get_untracked().is_some() {
            return;
        }
        let name = server.get_untracked();
        let change = HealthChange {
            status: status.get_untracked(),
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
        <section class="panel" aria-labelledby="health-heading">
            <div class="panel-header">
                <h2 id="health-heading">"Server health"</h2>
            </div>
            <form class="form sim-form" on:submit=submit novalidate aria-labelledby="health-heading">
                <div class="field">
                    <label for="health-server">"Server"</label>
                    <select
                        id="health-server"
                        aria-invalid=move || server_error.get().is_some().to_string()
                        aria-describedby=move || server_error.get().map(|_| "health-server-error")
                        on:change=move |ev| server.set(event_target_value(&ev))
                    >
                        {move || {
                            server_options
                                .get()
                                .into_iter()
                                .map(|(v, text)| {
                                    let selected = server.get_untracked() == v;
                                    view! {
                                        <option value=v selected=selected>
                                            {text}
                                        </option>
                                    }
                                })
                                .collect_view()
                        }}
                    </select>
                    {move || {
                        server_error
                            .get()
                            .map(|e| view! { <p class="field-error" id="health-server-error">{e}</p> })
                    }}
                </div>
                <SelectField id="health-status" label="Status" value=status options=statuses />
                <Field
                    id="health-reason"
                    label="Reason"
                    value=reason
                    error=Signal::derive(|| None::<String>)
                    placeholder="Optional"
                />
                <Field
                    id="health-recover"
                    label="Recover after (seconds)"
                    value=recover
                    error=recover_error
                    kind="number"
                    step="any"
                    placeholder="Never"
                />
                <button type="submit" class="btn btn-primary">"Set health"</button>
            </form>
        </section>
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
        <section class="panel" aria-labelledby="sim-account-heading">
            <div class="panel-header">
                <h2 id="sim-account-heading">"Account"</h2>
            </div>
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
        </section>
    }
}
