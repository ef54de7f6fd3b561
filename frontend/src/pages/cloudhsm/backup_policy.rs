//! The Resource policy panel of a CloudHSM backup: GetResourcePolicy shows
//! the policy (or that there is none), PutResourcePolicy attaches or
//! replaces it from a JSON editor checked as you type, DeleteResourcePolicy
//! removes it; each with a flash, the put with Copy as CLI.

use leptos::prelude::*;
use shared::cloudhsmv2::{BackupState, Operation};

use crate::api::cloudhsm;
use crate::components::cli::{CopyAsCli, cli_command_in};
use crate::components::flash::{Flashes, OpTexts};
use crate::components::panel::Panel;

/// A policy that shares the backup with one other account, to start from.
const TEMPLATE: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": { "AWS": "arn:aws:iam::111122223333:root" },
      "Action": ["cloudhsm:CreateCluster", "cloudhsm:DescribeBackups"],
      "Resource": "*"
    }
  ]
}"#;

/// The policy of the backup `arn` in `region`; editable while it is READY.
#[component]
pub fn BackupPolicy(
    /// The backup's region.
    region: Memo<String>,
    /// The backup's ARN.
    arn: Memo<String>,
    /// The backup's state (a policy is attached to READY backups).
    state: Signal<Option<BackupState>>,
) -> impl IntoView {
    let flashes = Flashes::expect();
    let refresh = RwSignal::new(0_u64);
    let policy = LocalResource::new(move || {
        let (region, arn) = (region.get(), arn.get());
        let _ = refresh.get();
        async move { cloudhsm::get_resource_policy(&region, &arn).await }
    });
    let draft = RwSignal::new(String::new());
    // The editor starts from the attached policy, or from the template.
    Effect::new(move |_| {
        if let Some(Ok(current)) = policy.get() {
            draft.set(current.unwrap_or_else(|| TEMPLATE.to_owned()));
        }
    });
    let request = Signal::derive(move || cloudhsm::put_policy_request(&arn.get(), &draft.get()));
    let problem = Signal::derive(move || request.with(|r| r.as_ref().err().map(|e| e.to_string())));
    let cli = Signal::derive(move || {
        request
            .get()
            .ok()
            .map(|r| cli_command_in(Operation::PutResourcePolicy, &region.get(), &r))
    });
    let attached = move || matches!(policy.get(), Some(Ok(Some(_))));
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(request) = request.get_untracked() else {
            return;
        };
        let region = region.get_untracked();
        flashes.track(
            OpTexts::new(
                "Saving the resource policy",
                "Resource policy saved",
                "Could not save the resource policy",
            ),
            move || {
                let (region, request) = (region.clone(), request.clone());
                async move {
                    let result = cloudhsm::put_resource_policy(&region, &request).await;
                    refresh.try_update(|n| *n += 1);
                    result
                }
            },
        );
    };
    let delete = move |_| {
        let (region, arn) = (region.get_untracked(), arn.get_untracked());
        flashes.track(
            OpTexts::new(
                "Deleting the resource policy",
                "Resource policy deleted",
                "Could not delete the resource policy",
            ),
            move || {
                let (region, arn) = (region.clone(), arn.clone());
                async move {
                    let result = cloudhsm::delete_resource_policy(&region, &arn).await;
                    refresh.try_update(|n| *n += 1);
                    result
                }
            },
        );
    };
    let current = move || match policy.get() {
        None => view! { <p class="loading" role="status">"Loading the policy…"</p> }.into_any(),
        Some(Err(err)) => {
            view! { <p class="field-error">{format!("Could not read the policy: {err}")}</p> }
                .into_any()
        }
        Some(Ok(None)) => view! {
            <p>"No resource policy: only this account can use the backup."</p>
        }
        .into_any(),
        Some(Ok(Some(text))) => view! {
            <pre class="mono policy" aria-label="Attached policy">{text}</pre>
        }
        .into_any(),
    };
    let editable = move || state.get() == Some(BackupState::Ready);
    view! {
        <Panel id="policy-heading" title="Resource policy">
            <div class="policy-view">{current}</div>
            <CopyAsCli
                label="CLI to read the policy"
                command=Signal::derive(move || {
                    cloudhsm::get_policy_request(&arn.get())
                        .ok()
                        .map(|request| cli_command_in(Operation::GetResourcePolicy, &region.get(), &request))
                })
            />
            <Show
                when=editable
                fallback=|| view! { <p class="hint">"A policy can be attached to a READY backup."</p> }
            >
                <form class="form" on:submit=save novalidate aria-label="Resource policy">
                    <div class="field">
                        <label for="policy-document">"Policy document (JSON)"</label>
                        <p class="hint" id="policy-document-hint">
                            "An IAM-style policy: a Statement with Effect Allow or Deny, up to 20,000 characters. It shares the backup with other accounts."
                        </p>
                        <textarea
                            id="policy-document"
                            class="mono pem"
                            rows="12"
                            spellcheck="false"
                            aria-describedby="policy-document-hint"
                            aria-invalid=move || problem.get().is_some().to_string()
                            prop:value=move || draft.get()
                            on:input=move |ev| draft.set(event_target_value(&ev))
                        ></textarea>
                        {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
                    </div>
                    <div class="form-actions">
                        <button type="submit" class="btn btn-primary" disabled=move || problem.get().is_some()>
                            "Save policy"
                        </button>
                        <Show when=attached>
                            <button type="button" class="btn" on:click=delete>
                                "Delete policy"
                            </button>
                        </Show>
                    </div>
                    <CopyAsCli command=cli />
                    <Show when=attached>
                        <CopyAsCli
                            label="CLI to delete the policy"
                            command=Signal::derive(move || {
                                cloudhsm::delete_policy_request(&arn.get())
                                    .ok()
                                    .map(|request| cli_command_in(Operation::DeleteResourcePolicy, &region.get(), &request))
                            })
                        />
                    </Show>
                </form>
            </Show>
        </Panel>
    }
}
