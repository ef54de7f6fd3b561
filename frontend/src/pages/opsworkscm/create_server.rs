//! The create-server wizard at `/servers/new`: four steps ("Step N of 4"),
//! then "Review and create". Every field is checked as you go with the
//! `shared` validators (the same ones the simulator uses); a step cannot be
//! left while it has errors. After CreateServer answers, a panel shows the
//! one-time secrets and offers the starter kit.

mod created;
pub mod custom_domain;
pub mod form;
pub mod r10k;
pub mod review;
pub mod steps;

use std::sync::Arc;

use leptos::prelude::*;
use shared::opsworkscm::{CreateServerRequest, EngineKind, Server};

use self::created::created_panel;
use self::form::{Form, REVIEW, STEP_TITLES, STEPS};
use self::review::Review;
use self::steps::{BackupStep, EngineStep, NetworkStep, ServerStep};
use crate::Config;
use crate::api::{self, ApiError};
use crate::components::busy_button::BusyButton;
use crate::components::flash::Flashes;
use crate::live::LiveStore;

/// `/servers/new?backupId=ID` (from a backup's "New server" action) starts
/// the wizard from that backup, with its engine chosen once it is known.
fn preselect_backup(form: Form, live: LiveStore) {
    let Some(id) = leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get("backupId"))
        .filter(|id| !id.is_empty())
    else {
        return;
    };
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        let engine = live
            .all_backups()
            .into_iter()
            .find(|b| b.backup_id.as_deref() == Some(id.as_str()))
            .and_then(|b| b.engine.as_deref().and_then(EngineKind::parse));
        let Some(engine) = engine else {
            return false;
        };
        if engine != form.engine.get_untracked() {
            form.engine.set(engine);
            form.instance_type
                .set(self::form::instance_types(engine)[0].to_owned());
        }
        form.backup_id.set(id.clone());
        true
    });
}

/// The wizard page.
#[component]
pub fn CreateServerPage() -> impl IntoView {
    let config = expect_context::<Config>();
    let flashes = Flashes::expect();
    let live = LiveStore::expect();
    let account_id = Signal::derive(move || config.account_id().unwrap_or_default());
    let form = Form::new(account_id);
    preselect_backup(form, live);
    let step = RwSignal::new(1u8);
    // Highest step whose errors are shown even for untouched fields (after Next).
    let attempted = RwSignal::new(0u8);

    let action_slot: StoredValue<Option<Action<CreateServerRequest, Result<Server, ApiError>>>> =
        StoredValue::new(None);
    let create = Action::new_local(move |request: &CreateServerRequest| {
        let request = request.clone();
        async move {
            let result = api::opsworkscm::create_server(&request).await;
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
                                    <BusyButton
                                        busy=create.pending()
                                        class="btn btn-primary"
                                        kind="button"
                                        on_click=submit
                                    >
                                        "Create server"
                                    </BusyButton>
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
