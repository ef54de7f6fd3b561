//! The Simulator panel's faults: the active ones in a table with Remove
//! (found, sorted and paged with the list kit), and
//! the "Add fault" form, whose inputs follow the kind (an error code, a
//! delay, a failure reason, a health reason and recovery time).

use leptos::prelude::*;
use shared::error::ErrorCode;
use shared::opsworkscm::{Operation, ServerName};

use super::{check_recovery, optional_number, optional_text};
use crate::api::sim::{
    self, FAULT_KINDS, Fault, FaultFields, FaultInputs, FaultKind, FaultSpec, fault_inputs,
};
use crate::components::field::{SelectField, TextField};
use crate::components::flash::{Flashes, OpTexts};
use crate::components::list::EmptyState;
use crate::components::panel::{Level, Panel};
use crate::components::resource_table::{
    ListControls, ListRow, ResourceTable, list_columns, page_of,
};
use crate::format;

list_columns! {
    /// The columns of the faults table.
    COLUMNS = [
        "ID" => BY_ID,
        "Kind" => BY_KIND,
        "Scope",
        "Count / probability",
        "Fired" => BY_FIRED,
        "",
    ]
}

/// A fault as the list's controls see it: found by kind, detail or scope;
/// sorted by id, kind or times fired (numbers zero-padded).
fn list_row(fault: &Fault) -> ListRow {
    ListRow {
        key: fault.id.to_string(),
        search: vec![
            fault.spec.kind.name().to_owned(),
            fault_detail(fault).unwrap_or_default(),
            scope(fault),
        ],
        sort: vec![
            format!("{:020}", fault.id),
            fault.spec.kind.name().to_owned(),
            format!("{:010}", fault.fired),
        ],
    }
}

/// Human scope of a fault.
fn scope(fault: &Fault) -> String {
    let spec = &fault.spec;
    let operation = match spec.kind.inputs() {
        FaultInputs::Error | FaultInputs::Latency => {
            spec.operation.as_deref().unwrap_or("any operation")
        }
        FaultInputs::Reason => "its lifecycle step",
        FaultInputs::Health => "health checks",
    };
    match &spec.server_name {
        Some(server) => format!("{operation} on {server}"),
        None => format!("{operation}, any server"),
    }
}

/// What a fault does beyond its kind (code, delay, reason, recovery).
fn fault_detail(fault: &Fault) -> Option<String> {
    match &fault.spec.kind {
        FaultKind::Error { code, message } => Some(match message {
            Some(message) => format!("{code}: {message}"),
            None => code.clone(),
        }),
        FaultKind::Latency { millis } => Some(format!("{millis} ms")),
        FaultKind::Unhealthy {
            reason,
            recover_after_seconds,
        }
        | FaultKind::ConnectionLost {
            reason,
            recover_after_seconds,
        } => {
            let recovery =
                recover_after_seconds.map(|s| format!("recovers after {} s", format::number(s)));
            match (reason.clone(), recovery) {
                (Some(reason), Some(recovery)) => Some(format!("{reason}; {recovery}")),
                (reason, recovery) => reason.or(recovery),
            }
        }
        other => other.reason().map(str::to_owned),
    }
}

/// Count and probability of a fault.
fn frequency(fault: &Fault) -> String {
    let count = fault
        .spec
        .count
        .map_or_else(|| "unlimited".to_owned(), |c| format!("{c}×"));
    let probability = fault.spec.probability.map_or_else(
        || "always".to_owned(),
        |p| format!("p = {}", format::number(p)),
    );
    format!("{count}, {probability}")
}

/// The active faults and the form that adds one.
#[component]
pub fn FaultsPanel(
    /// The active faults (polled by the page, updated by Add and Remove).
    faults: RwSignal<Vec<Fault>>,
) -> impl IntoView {
    let flashes = Flashes::expect();
    // Oldest first; every fault on one page (at most 100 are active).
    let controls = ListControls::new(BY_ID, true).showing_all();
    let listing =
        Memo::new(move |_| controls.list(faults.with(|f| f.iter().map(list_row).collect())));
    let shown = move || {
        listing.with(|l| faults.with(|f| page_of(l, f, |fault, key| fault.id.to_string() == key)))
    };
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
        <Panel id="faults-heading" title="Active faults" level=Level::H2 count=Signal::derive(move || faults.with(Vec::len))>
            <Show
                when=move || faults.with(|f| !f.is_empty())
                fallback=|| {
                    view! {
                        <EmptyState
                            title="No active faults"
                            detail="Operations run as the service would run them."
                        />
                    }
                }
            >
                <ResourceTable
                    controls=controls
                    listing=listing
                    label="Find faults"
                    labelledby="faults-heading"
                    columns=COLUMNS
                    no_matches="No fault matches the filter."
                >
                    <For each=shown key=|f| (f.id, f.fired) let:fault>
                        {
                            let id = fault.id;
                            view! {
                                <tr>
                                    <th scope="row">{id}</th>
                                    <td>
                                        {fault.spec.kind.name()}
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
                </ResourceTable>
            </Show>
            <AddFault faults=faults />
        </Panel>
    }
}

/// The inputs of the "Add fault" form, as typed.
#[derive(Clone, Copy)]
struct FaultForm {
    kind: RwSignal<String>,
    operation: RwSignal<String>,
    server: RwSignal<String>,
    count: RwSignal<String>,
    probability: RwSignal<String>,
    code: RwSignal<String>,
    message: RwSignal<String>,
    millis: RwSignal<String>,
    reason: RwSignal<String>,
    recover: RwSignal<String>,
}

impl FaultForm {
    fn new() -> Self {
        let text = || RwSignal::new(String::new());
        Self {
            kind: RwSignal::new(FAULT_KINDS[0].name.to_owned()),
            operation: text(),
            server: text(),
            count: text(),
            probability: text(),
            code: text(),
            message: text(),
            millis: text(),
            reason: text(),
            recover: text(),
        }
    }

    fn inputs(&self) -> FaultInputs {
        self.kind.with(|k| fault_inputs(k))
    }

    fn server_error(&self) -> Option<String> {
        optional_text(&self.server.get())
            .and_then(|name| ServerName::parse(name).err().map(|e| e.to_string()))
    }

    fn count_error(&self) -> Option<String> {
        match optional_number::<u32>(&self.count.get()) {
            Ok(Some(0)) | Err(()) => {
                Some("Enter a whole number of at least 1, or leave it blank.".to_owned())
            }
            Ok(_) => None,
        }
    }

    fn probability_error(&self) -> Option<String> {
        match optional_number::<f64>(&self.probability.get()) {
            Ok(Some(p)) if (0.0..=1.0).contains(&p) => None,
            Ok(None) => None,
            _ => Some("Enter a number between 0 and 1.".to_owned()),
        }
    }

    fn code_error(&self) -> Option<String> {
        if self.inputs() != FaultInputs::Error {
            return None;
        }
        match optional_text(&self.code.get()) {
            None => Some("Enter an AWS error code, e.g. ThrottlingException.".to_owned()),
            Some(c) if ErrorCode::from_code(&c).is_none() => {
                Some(format!("{c} is not a known AWS error code."))
            }
            Some(_) => None,
        }
    }

    fn millis_error(&self) -> Option<String> {
        if self.inputs() != FaultInputs::Latency {
            return None;
        }
        match optional_number::<u64>(&self.millis.get()) {
            Ok(Some(_)) => None,
            _ => Some("Enter the delay in milliseconds, e.g. 800.".to_owned()),
        }
    }

    fn recover_error(&self) -> Option<String> {
        if self.inputs() != FaultInputs::Health {
            return None;
        }
        check_recovery(&self.recover.get())
    }

    /// The fault to add, or `None` while an input is wrong (untracked).
    fn fault(&self) -> Option<FaultSpec> {
        untrack(|| {
            let errors = [
                self.server_error(),
                self.count_error(),
                self.probability_error(),
                self.code_error(),
                self.millis_error(),
                self.recover_error(),
            ];
            if errors.iter().any(Option::is_some) {
                return None;
            }
            let per_operation = matches!(self.inputs(), FaultInputs::Error | FaultInputs::Latency);
            let fields = FaultFields {
                code: optional_text(&self.code.get()),
                message: optional_text(&self.message.get()),
                millis: optional_number(&self.millis.get()).ok().flatten(),
                reason: optional_text(&self.reason.get()),
                recover_after_seconds: optional_number(&self.recover.get()).ok().flatten(),
            };
            let fault = FaultSpec {
                kind: FaultKind::from_fields(&self.kind.get(), fields)?,
                operation: optional_text(&self.operation.get()).filter(|_| per_operation),
                server_name: optional_text(&self.server.get()),
                count: optional_number(&self.count.get()).ok().flatten(),
                probability: optional_number(&self.probability.get()).ok().flatten(),
            };
            Some(fault)
        })
    }
}

/// The "Add fault" form with its inline checks.
#[component]
fn AddFault(faults: RwSignal<Vec<Fault>>) -> impl IntoView {
    let flashes = Flashes::expect();
    let form = FaultForm::new();
    let tried = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        let Some(fault) = form.fault() else {
            return;
        };
        let kind = fault.kind.name();
        flashes.track(
            OpTexts::new(
                format!("Adding a {kind} fault"),
                format!("{kind} fault added"),
                format!("Could not add the {kind} fault"),
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
            .map(|k| (k.name.to_owned(), format!("{}: {}", k.name, k.summary)))
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
    let show = Signal::from(tried);
    let no_error = Signal::derive(|| None::<String>);
    let is = move |inputs: FaultInputs| move || form.inputs() == inputs;
    let per_operation = move || matches!(form.inputs(), FaultInputs::Error | FaultInputs::Latency);
    let has_reason = move || matches!(form.inputs(), FaultInputs::Reason | FaultInputs::Health);

    view! {
        <form class="form sim-form" on:submit=submit novalidate aria-labelledby="add-fault-heading">
            <h3 id="add-fault-heading">"Add fault"</h3>
            <div class="field-grid">
                <SelectField id="fault-kind" label="Kind" value=form.kind options=kinds />
                <Show when=per_operation>
                    <SelectField
                        id="fault-operation"
                        label="Operation"
                        value=form.operation
                        options=operations
                    />
                </Show>
                <TextField
                    id="fault-server"
                    label="Server name"
                    value=form.server
                    error=Signal::derive(move || form.server_error())
                    show=show
                    placeholder="Any server"
                />
                <TextField
                    id="fault-count"
                    label="Count"
                    value=form.count
                    error=Signal::derive(move || form.count_error())
                    show=show
                    kind="number"
                    placeholder="Unlimited"
                />
                <TextField
                    id="fault-probability"
                    label="Probability"
                    value=form.probability
                    error=Signal::derive(move || form.probability_error())
                    show=show
                    kind="number"
                    placeholder="Always (1)"
                />
                <Show when=is(FaultInputs::Error)>
                    <TextField
                        id="fault-code"
                        label="Error code"
                        value=form.code
                        error=Signal::derive(move || form.code_error())
                        show=show
                        placeholder="ThrottlingException"
                    />
                    <TextField
                        id="fault-message"
                        label="Error message"
                        value=form.message
                        error=no_error
                        show=show
                        placeholder="Optional"
                    />
                </Show>
                <Show when=is(FaultInputs::Latency)>
                    <TextField
                        id="fault-millis"
                        label="Delay (milliseconds)"
                        value=form.millis
                        error=Signal::derive(move || form.millis_error())
                        show=show
                        kind="number"
                        placeholder="800"
                    />
                </Show>
                <Show when=has_reason>
                    <TextField
                        id="fault-reason"
                        label="Reason"
                        value=form.reason
                        error=no_error
                        show=show
                        placeholder="Optional"
                    />
                </Show>
                <Show when=is(FaultInputs::Health)>
                    <TextField
                        id="fault-recover"
                        label="Recover after (seconds)"
                        value=form.recover
                        error=Signal::derive(move || form.recover_error())
                        show=show
                        kind="number"
                        placeholder="Never"
                    />
                </Show>
            </div>
            <button type="submit" class="btn btn-primary">"Add fault"</button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_sends_its_own_inputs() {
        let form = FaultForm::new();
        form.operation.set("CreateBackup".to_owned());
        form.reason.set("disk full".to_owned());
        form.code.set("ThrottlingException".to_owned());
        form.recover.set("300".to_owned());

        form.kind.set("unhealthy".to_owned());
        let fault = form.fault().unwrap();
        assert_eq!(
            fault.kind,
            FaultKind::Unhealthy {
                reason: Some("disk full".to_owned()),
                recover_after_seconds: Some(300.0)
            }
        );
        // Health checks are no operation: an operation would never match.
        assert_eq!(fault.operation, None);

        form.kind.set("backup-fails".to_owned());
        let fault = form.fault().unwrap();
        assert_eq!(
            fault.kind,
            FaultKind::BackupFails {
                reason: Some("disk full".to_owned())
            }
        );
        assert_eq!(fault.operation, None);

        form.kind.set("error".to_owned());
        let fault = form.fault().unwrap();
        assert_eq!(fault.operation.as_deref(), Some("CreateBackup"));
        assert_eq!(
            fault.kind,
            FaultKind::Error {
                code: "ThrottlingException".to_owned(),
                message: None
            }
        );
    }

    #[test]
    fn wrong_inputs_of_the_chosen_kind_block_it() {
        let form = FaultForm::new();
        form.kind.set("connection-lost".to_owned());
        form.recover.set("-5".to_owned());
        assert!(form.fault().is_none());
        // The recovery time does not matter for a latency fault.
        form.kind.set("latency".to_owned());
        form.millis.set("800".to_owned());
        assert!(form.fault().is_some());
        form.probability.set("2".to_owned());
        assert!(form.fault().is_none());
    }

    #[test]
    fn health_faults_are_described_by_reason_and_recovery() {
        let fault = Fault {
            id: 1,
            spec: FaultSpec {
                server_name: Some("web".to_owned()),
                count: Some(1),
                ..FaultSpec::new(FaultKind::Unhealthy {
                    reason: Some("Disk is full".to_owned()),
                    recover_after_seconds: Some(120.0),
                })
            },
            fired: 0,
        };
        assert_eq!(
            fault_detail(&fault).as_deref(),
            Some("Disk is full; recovers after 120 s")
        );
        assert_eq!(scope(&fault), "health checks on web");
        assert_eq!(frequency(&fault), "1×, always");
    }
}
