//! The create-server wizard at `/servers/new`: four steps ("Step N of 4"),
//! then "Review and create". Every field is checked as you go with the
//! `shared` validators (the same ones the simulator uses); a step cannot be
//! left while it has errors. After CreateServer answers, a panel shows the
//! one-time secrets and offers the starter kit.

mod created;
mod form;

use std::sync::Arc;

use leptos::prelude::*;
use shared::opsworkscm::{
    AdminPassword, CreateServerRequest, EngineAttributeValue, EngineKind, Operation, Server,
};

use self::created::created_panel;
use self::form::{
    Check, Form, PASSWORD_SPECIALS, REVIEW, STEP_TITLES, STEPS, TagRow, engine_label,
    instance_types,
};
use crate::Config;
use crate::api::{self, ApiError};
use crate::components::cli::CopyAsCli;
use crate::components::flash::Flashes;
use crate::format;
use crate::live::LiveStore;

/// The wizard page.
#[component]
pub fn CreateServerPage() -> impl IntoView {
    let config = expect_context::<Config>();
    let flashes = Flashes::expect();
    let live = LiveStore::expect();
    let account_id = Signal::derive(move || config.account_id().unwrap_or_default());
    let form = Form::new(account_id);
    let step = RwSignal::new(1u8);
    // Highest step whose errors are shown even for untouched fields (after Next).
    let attempted = RwSignal::new(0u8);

    let action_slot: StoredValue<Option<Action<CreateServerRequest, Result<Server, ApiError>>>> =
        StoredValue::new(None);
    let create = Action::new_local(move |request: &CreateServerRequest| {
        let request = request.clone();
        async move {
            let result = api::create_server(&request).await;
            match &result {
                Ok(server) => live.upsert_server(server.clone()),
                Err(err) => {
                    let title = format!("Could not create server {}", request.server_name);
                    let retry: Arc<dyn Fn() + Send + Sync> = Arc::new(move || {
                        if let Some(action) = action_slot.get_value() {
                            action.dispatch(request.clone());
                        }
                    });
                    flashes.error(title, err, Some(retry));
                }
            }
            result
        }
    });
    action_slot.set_value(Some(create));
    let created = move || create.value().get().and_then(Result::ok);
    let server_error = move || create.value().get().and_then(Result::err);

    let next = move |_| {
        let current = step.get_untracked();
        attempted.update(|a| *a = (*a).max(current));
        if form.step_error(current).is_none() {
            step.set(current + 1);
        }
    };
    let previous = move |_| step.update(|s| *s = s.saturating_sub(1).max(1));
    let submit = move |_| match form.request() {
        Ok(request) => {
            create.dispatch(request);
        }
        Err(_) => attempted.set(STEPS),
    };

    view! {
        <Show
            when=move || created().is_none()
            fallback=move || {
                created().map(created_panel)
            }
        >
            <section class="panel wizard" aria-labelledby="wizard-heading">
                <div class="panel-header">
                    <div>
                        <p class="muted step-count">
                            {move || {
                                let s = step.get();
                                if s <= STEPS {
                                    format!("Step {s} of {STEPS}")
                                } else {
                                    "Last step".to_owned()
                                }
                            }}
                        </p>
                        <h2 id="wizard-heading">
                            {move || {
                                let s = step.get();
                                if s <= STEPS {
                                    STEP_TITLES[usize::from(s - 1)].to_owned()
                                } else {
                                    "Review and create".to_owned()
                                }
                            }}
                        </h2>
                    </div>
                </div>
                <div class="wizard-layout">
                    <ol class="steps" aria-label="Steps">
                        {STEP_TITLES
                            .iter()
                            .enumerate()
                            .map(|(i, title)| {
                                let n = i as u8 + 1;
                                view! {
                                    <li
                                        class:current=move || step.get() == n
                                        aria-current=move || (step.get() == n).then_some("step")
                                    >
                                        {*title}
                                    </li>
                                }
                            })
                            .collect_view()}
                        <li
                            class:current=move || step.get() == REVIEW
                            aria-current=move || (step.get() == REVIEW).then_some("step")
                        >
                            "Review and create"
                        </li>
                    </ol>
                <form class="form" on:submit=|ev| ev.prevent_default() novalidate>
                    {move || match step.get() {
                        1 => view! { <EngineStep form=form /> }.into_any(),
                        2 => {
                            view! { <ServerStep form=form show=Signal::derive(move || attempted.get() >= 2) /> }
                                .into_any()
                        }
                        3 => {
                            view! { <NetworkStep form=form show=Signal::derive(move || attempted.get() >= 3) /> }
                                .into_any()
                        }
                        4 => {
                            view! { <BackupStep form=form show=Signal::derive(move || attempted.get() >= 4) /> }
                                .into_any()
                        }
                        _ => view! { <Review form=form step=step /> }.into_any(),
                    }}
                    {move || {
                        server_error()
                            .map(|err| {
                                view! {
                                    <p class="form-error">
                                        "The service refused the request: "
                                        <strong>{err.code().unwrap_or("Error").to_owned()}</strong>
                                        " " {err.message()}
                                    </p>
                                }
                            })
                    }}
                    <div class="wizard-actions">
                        <a href="/servers" class="btn btn-link">
                            "Cancel"
                        </a>
                        <Show when=move || { step.get() > 1 }>
                            <button type="button" class="btn" on:click=previous>
                                "Previous"
                            </button>
                        </Show>
                        <Show
                            when=move || { step.get() <= STEPS }
                            fallback=move || {
                                view! {
                                    <button
                                        type="button"
                                        class="btn btn-primary"
                                        aria-busy=move || create.pending().get().to_string()
                                        disabled=move || create.pending().get()
                                        on:click=submit
                                    >
                                        "Create server"
                                    </button>
                                }
                            }
                        >
                            <button type="button" class="btn btn-primary" on:click=next>
                                {move || if step.get() == STEPS { "Review and create" } else { "Next" }}
                            </button>
                        </Show>
                    </div>
                </form>
                </div>
            </section>
        </Show>
    }
}

/// A labelled text input with hint and inline error.
#[component]
fn TextField(
    id: &'static str,
    label: &'static str,
    #[prop(into)] value: Signal<String>,
    on_input: Callback<String>,
    #[prop(into)] error: Signal<Check>,
    /// Show the error even if the field was not edited (after Next).
    #[prop(into)]
    show: Signal<bool>,
    #[prop(optional)] hint: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] placeholder: &'static str,
) -> impl IntoView {
    // Errors show as you type (once the field was edited) or after Next.
    // Not on blur: an error appearing on blur moves the buttons below while
    // the pointer is on its way to them, and the click is lost.
    let dirty = RwSignal::new(false);
    let visible_error = move || {
        if dirty.get() || show.get() {
            error.get()
        } else {
            None
        }
    };
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if !hint.is_empty() {
                ids.push(hint_id.clone());
            }
            if visible_error().is_some() {
                ids.push(error_id.clone());
            }
            ids.join(" ")
        }
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {(!hint.is_empty()).then(|| view! { <p class="hint" id=hint_id.clone()>{hint}</p> })}
            <input
                id=id
                type=kind
                placeholder=placeholder
                autocomplete="off"
                aria-invalid=move || visible_error().is_some().to_string()
                aria-describedby=described
                prop:value=move || value.get()
                on:input=move |ev| {
                    dirty.set(true);
                    on_input.run(event_target_value(&ev));
                }
            />
            {move || visible_error().map(|e| view! { <p class="field-error" id=error_id.clone()>{e}</p> })}
        </div>
    }
}

/// A setter callback for a string signal.
fn setter(signal: RwSignal<String>) -> Callback<String> {
    Callback::new(move |value| signal.set(value))
}

/// Step 1: engine and version.
#[component]
fn EngineStep(form: Form) -> impl IntoView {
    let choose = move |engine: EngineKind| {
        form.engine.set(engine);
        form.version.set(engine.default_version().to_owned());
        form.instance_type.set(instance_types(engine)[0].to_owned());
    };
    view! {
        <fieldset class="field">
            <legend>"Engine"</legend>
            {EngineKind::ALL
                .into_iter()
                .map(|engine| {
                    let id = format!("engine-{}", engine.engine_name());
                    view! {
                        <div class="choice">
                            <input
                                type="radio"
                                id=id.clone()
                                name="engine"
                                prop:checked=move || form.engine.get() == engine
                                on:change=move |_| choose(engine)
                            />
                            <label for=id>{engine_label(engine)}</label>
                        </div>
                    }
                })
                .collect_view()}
        </fieldset>
        <div class="field">
            <label for="engine-version">"Engine version"</label>
            <select
                id="engine-version"
                on:change=move |ev| form.version.set(event_target_value(&ev))
            >
                {move || {
                    form.engine
                        .get()
                        .valid_versions()
                        .iter()
                        .map(|v| {
                            let v = *v;
                            view! {
                                <option value=v selected=move || form.version.get() == v>
                                    {v}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
        </div>
    }
}

/// Step 2: name, instance, IAM and admin password.
#[component]
fn ServerStep(form: Form, show: Signal<bool>) -> impl IntoView {
    let password = form.password;
    let rule = move |ok: fn(&str) -> bool, text: &'static str| {
        view! {
            <li class=move || if password.with(|p| ok(p)) { "rule ok" } else { "rule" }>
                <span aria-hidden="true">{move || if password.with(|p| ok(p)) { "✓ " } else { "○ " }}</span>
                {text}
                <span class="visually-hidden">
                    {move || if password.with(|p| ok(p)) { " (met)" } else { " (not met)" }}
                </span>
            </li>
        }
    };
    view! {
        <TextField
            id="server-name"
            label="Server name"
            hint="1 to 40 characters: letters, numbers and hyphens, starting with a letter."
            value=form.name
            on_input=setter(form.name)
            error=Signal::derive(move || form.check_name())
            show=show
        />
        <div class="field">
            <label for="instance-type">"Instance type"</label>
            <select
                id="instance-type"
                on:change=move |ev| form.instance_type.set(event_target_value(&ev))
            >
                {move || {
                    instance_types(form.engine.get())
                        .iter()
                        .map(|t| {
                            let t = *t;
                            view! {
                                <option value=t selected=move || form.instance_type.get() == t>
                                    {t}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
        </div>
        <TextField
            id="key-pair"
            label="SSH key pair (optional)"
            value=form.key_pair
            on_input=setter(form.key_pair)
            error=Signal::derive(move || form.check_key_pair())
            show=show
        />
        <TextField
            id="instance-profile-arn"
            label="Instance profile ARN"
            hint="IAM instance profile of the server's EC2 instance."
            value=Signal::derive(move || form.instance_profile_value())
            on_input=Callback::new(move |v| form.instance_profile.set(Some(v)))
            error=Signal::derive(move || form.check_instance_profile())
            show=show
        />
        <TextField
            id="service-role-arn"
            label="Service role ARN"
            hint="IAM role OpsWorks CM assumes to manage the server."
            value=Signal::derive(move || form.service_role_value())
            on_input=Callback::new(move |v| form.service_role.set(Some(v)))
            error=Signal::derive(move || form.check_service_role())
            show=show
        />
        <TextField
            id="admin-password"
            label="Admin password (optional)"
            hint="Leave empty to have one generated; it is shown once after creation."
            kind="password"
            value=form.password
            on_input=setter(form.password)
            error=Signal::derive(move || form.check_password())
            show=show
        />
        <div class="password-rules" aria-live="polite">
            <p class="hint">{AdminPassword::rules()}</p>
            <ul>
                {rule(|p| (8..=32).contains(&p.len()), "8 to 32 characters")}
                {rule(|p| p.chars().any(|c| c.is_ascii_lowercase()), "a lower-case letter")}
                {rule(|p| p.chars().any(|c| c.is_ascii_uppercase()), "an upper-case letter")}
                {rule(|p| p.chars().any(|c| c.is_ascii_digit()), "a number")}
                {rule(
                    |p| p.chars().any(|c| PASSWORD_SPECIALS.contains(c)),
                    "a special character from !/@#$%^&+=_",
                )}
                {rule(
                    |p| {
                        !p.is_empty()
                            && p
                                .chars()
                                .all(|c| c.is_ascii_alphanumeric() || PASSWORD_SPECIALS.contains(c))
                    },
                    "no other characters",
                )}
            </ul>
        </div>
    }
}

/// Step 3: subnets, security groups, public IP.
#[component]
fn NetworkStep(form: Form, show: Signal<bool>) -> impl IntoView {
    view! {
        <TextField
            id="subnets"
            label="Subnets (optional)"
            hint="Subnet ids, comma separated. Empty: the default VPC's subnet."
            placeholder="subnet-0123456789abcdef0"
            value=form.subnets
            on_input=setter(form.subnets)
            error=Signal::derive(move || form.check_subnets())
            show=show
        />
        <TextField
            id="security-groups"
            label="Security groups (optional)"
            hint="Security group ids, comma separated. Empty: a default group is created."
            placeholder="sg-0123456789abcdef0"
            value=form.security_groups
            on_input=setter(form.security_groups)
            error=Signal::derive(move || form.check_security_groups())
            show=show
        />
        <div class="field choice">
            <input
                type="checkbox"
                id="public-ip"
                prop:checked=move || form.public_ip.get()
                on:change=move |ev| form.public_ip.set(event_target_checked(&ev))
            />
            <label for="public-ip">"Associate a public IP address"</label>
        </div>
    }
}

/// Step 4: maintenance window, automated backups, tags.
#[component]
fn BackupStep(form: Form, show: Signal<bool>) -> impl IntoView {
    view! {
        <TextField
            id="maintenance-window"
            label="Maintenance window (optional)"
            hint="Weekly, in UTC: DDD:HH:MM, e.g. Mon:08:00. Empty: chosen for you."
            placeholder="Mon:08:00"
            value=form.maintenance_window
            on_input=setter(form.maintenance_window)
            error=Signal::derive(move || form.check_maintenance_window())
            show=show
        />
        <div class="field choice">
            <input
                type="checkbox"
                id="automated-backups"
                prop:checked=move || form.automated_backups.get()
                on:change=move |ev| form.automated_backups.set(event_target_checked(&ev))
            />
            <label for="automated-backups">"Enable automated backups"</label>
        </div>
        <Show when=move || form.automated_backups.get()>
            <TextField
                id="backup-window"
                label="Backup window (optional)"
                hint="Daily HH:MM or weekly DDD:HH:MM, in UTC. Empty: chosen for you."
                placeholder="02:00"
                value=form.backup_window
                on_input=setter(form.backup_window)
                error=Signal::derive(move || form.check_backup_window())
                show=show
            />
            <TextField
                id="retention"
                label="Backups to keep"
                kind="number"
                value=form.retention
                on_input=setter(form.retention)
                error=Signal::derive(move || form.check_retention())
                show=show
            />
        </Show>
        <fieldset class="field tags">
            <legend>"Tags"</legend>
            <For each=move || form.tags.get() key=|row| row.id let:row>
                <TagEditorRow form=form row=row show=show />
            </For>
            <button type="button" class="btn btn-small" on:click=move |_| form.add_tag()>
                "Add tag"
            </button>
        </fieldset>
    }
}

#[component]
fn TagEditorRow(form: Form, row: TagRow, show: Signal<bool>) -> impl IntoView {
    let key_id = format!("tag-key-{}", row.id);
    let value_id = format!("tag-value-{}", row.id);
    let error = move || {
        if show.get() || !row.key.with(String::is_empty) {
            Form::check_tag_key(&row.key.get()).or_else(|| Form::check_tag_value(&row.value.get()))
        } else {
            None
        }
    };
    view! {
        <div class="tag-row">
            <div>
                <label for=key_id.clone()>"Key"</label>
                <input
                    id=key_id
                    type="text"
                    prop:value=move || row.key.get()
                    on:input=move |ev| row.key.set(event_target_value(&ev))
                />
            </div>
            <div>
                <label for=value_id.clone()>"Value"</label>
                <input
                    id=value_id
                    type="text"
                    prop:value=move || row.value.get()
                    on:input=move |ev| row.value.set(event_target_value(&ev))
                />
            </div>
            <button type="button" class="btn btn-small" on:click=move |_| form.remove_tag(row.id)>
                "Remove"
            </button>
            {move || error().map(|e| view! { <p class="field-error">{e}</p> })}
        </div>
    }
}

/// `aws opsworks-cm create-server --cli-input-json '...'` for the request,
/// with the admin password replaced by a placeholder.
fn cli_command(request: &CreateServerRequest) -> String {
    let mut request = request.clone();
    if let Some(attributes) = request.engine_attributes.as_mut() {
        for attribute in attributes {
            attribute.value = EngineAttributeValue::parse("REPLACE_WITH_ADMIN_PASSWORD").ok();
        }
    }
    crate::components::cli::cli_command(Operation::CreateServer, &request)
}

/// The review page: every choice, with Edit links back to its step.
#[component]
fn Review(form: Form, step: RwSignal<u8>) -> impl IntoView {
    let or_default = |value: String, default: &'static str| {
        if value.trim().is_empty() {
            default.to_owned()
        } else {
            value
        }
    };
    let section = move |n: u8, rows: Vec<(&'static str, String)>| {
        view! {
            <section class="review-section" aria-label=STEP_TITLES[usize::from(n - 1)]>
                <div class="review-header">
                    <h3>{format!("Step {n}: {}", STEP_TITLES[usize::from(n - 1)])}</h3>
                    <button type="button" class="btn btn-small" on:click=move |_| step.set(n)>
                        "Edit"
                    </button>
                </div>
                <dl class="details">
                    {rows
                        .into_iter()
                        .map(|(k, v)| view! { <div><dt>{k}</dt><dd>{v}</dd></div> })
                        .collect_view()}
                </dl>
            </section>
        }
    };
    let automated = form.automated_backups.get_untracked();
    let tags = form
        .tags
        .get_untracked()
        .iter()
        .map(|t| format!("{}={}", t.key.get_untracked(), t.value.get_untracked()))
        .collect::<Vec<_>>();
    let cli = untrack(|| form.request())
        .ok()
        .map(|request| cli_command(&request));
    let cli_view = view! { <CopyAsCli command=Signal::stored(cli) /> };
    untrack(move || {
        view! {
            {section(
                1,
                vec![
                    ("Engine", engine_label(form.engine.get()).to_owned()),
                    ("Engine version", form.version.get()),
                ],
            )}
            {section(
                2,
                vec![
                    ("Server name", form.name.get()),
                    ("Instance type", form.instance_type.get()),
                    ("SSH key pair", or_default(form.key_pair.get(), "None")),
                    ("Instance profile ARN", form.instance_profile_value()),
                    ("Service role ARN", form.service_role_value()),
                    (
                        "Admin password",
                        if form.password.with(String::is_empty) {
                            "Generated (shown once after creation)".to_owned()
                        } else {
                            "Set by you".to_owned()
                        },
                    ),
                ],
            )}
            {section(
                3,
                vec![
                    ("Subnets", or_default(form.subnets.get(), "Default")),
                    ("Security groups", or_default(form.security_groups.get(), "Default")),
                    (
                        "Public IP address",
                        if form.public_ip.get() { "Yes" } else { "No" }.to_owned(),
                    ),
                ],
            )}
            {section(
                4,
                vec![
                    (
                        "Maintenance window",
                        or_default(form.maintenance_window.get(), "Chosen for you"),
                    ),
                    (
                        "Automated backups",
                        if automated { "Enabled" } else { "Disabled" }.to_owned(),
                    ),
                    (
                        "Backup window",
                        if automated {
                            or_default(form.backup_window.get(), "Chosen for you")
                        } else {
                            "-".to_owned()
                        },
                    ),
                    (
                        "Backups to keep",
                        if automated { or_default(form.retention.get(), "1") } else { "-".to_owned() },
                    ),
                    ("Tags", format::list(&tags)),
                ],
            )}
            {cli_view}
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_command_hides_the_password_and_quotes_for_the_shell() {
        let form = Form::new(Signal::stored("123456789012".to_owned()));
        form.name.set("web".to_owned());
        form.password.set("Str0ng!Passw0rd".to_owned());
        // Key pair names may hold a quote: the JSON must stay one shell word.
        form.key_pair.set("ops's key".to_owned());
        let command = cli_command(&form.request().unwrap());
        assert!(command.starts_with("aws opsworks-cm create-server --cli-input-json '{"));
        assert!(command.contains(r#""ServerName":"web""#));
        assert!(command.contains("REPLACE_WITH_ADMIN_PASSWORD"));
        assert!(!command.contains("Str0ng"));
        assert!(command.contains(r#""KeyPair":"ops'\''s key""#));
    }
}
