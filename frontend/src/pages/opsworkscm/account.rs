//! The Account page at `/account`: the limits DescribeAccountAttributes
//! reports, each as used / maximum with a bar. Refetched when the number of
//! servers or backups changes.

use leptos::prelude::*;
use shared::opsworkscm::{AccountAttribute, DescribeAccountAttributesRequest, Operation};

use crate::api;
use crate::components::cli::{CopyAsCli, cli_command};
use crate::components::flash::LoadFailed;
use crate::components::panel::{Level, Panel};
use crate::live::LiveStore;

/// Human name of an account attribute.
fn label(name: &str) -> &str {
    match name {
        "ServerLimit" => "Servers",
        "ManualBackupLimit" => "Manual backups",
        other => other,
    }
}

/// The limits page.
#[component]
pub fn AccountPage() -> impl IntoView {
    let live = LiveStore::expect();
    let attributes = LocalResource::new(move || {
        // Usage changes with the number of servers and backups.
        let _ = (live.server_count(), live.backup_count());
        api::opsworkscm::describe_account_attributes()
    });
    view! {
        <Panel id="account-heading" title="Account limits" level=Level::H2>
            <div class="panel-cli">
                <CopyAsCli command=Signal::derive(|| {
                    Some(cli_command(
                        Operation::DescribeAccountAttributes,
                        &DescribeAccountAttributesRequest::default(),
                    ))
                }) />
            </div>
            <Transition fallback=|| view! { <p class="loading" role="status">"Loading limits…"</p> }>
                {move || Suspend::new(async move {
                    match attributes.await {
                        Ok(list) => {
                            view! {
                                <div class="limits">
                                    {list.into_iter().map(|a| view! { <Limit attribute=a /> }).collect_view()}
                                </div>
                            }
                                .into_any()
                        }
                        Err(err) => {
                            view! {
                                <LoadFailed title="Could not load the account limits" detail=err.to_string() />
                            }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </Panel>
    }
}

#[component]
fn Limit(attribute: AccountAttribute) -> impl IntoView {
    let name = attribute.name.unwrap_or_default();
    let used = attribute.used.unwrap_or(0);
    let maximum = attribute.maximum.unwrap_or(0);
    let label = label(&name).to_owned();
    view! {
        <div class="limit">
            <label for=format!("limit-{name}")>{label}</label>
            <meter
                id=format!("limit-{name}")
                min="0"
                max=maximum.to_string()
                value=used.to_string()
                high=(maximum * 8 / 10).to_string()
            >
                {format!("{used} of {maximum}")}
            </meter>
            <span class="muted">{format!("{used} of {maximum} used")}</span>
        </div>
    }
}
