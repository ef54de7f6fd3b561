//! The wizard's four steps: engine and version; server (name, instance, IAM,
//! admin password, Puppet's r10k, custom domain); network; backups,
//! maintenance and tags.

use leptos::prelude::*;
use shared::opsworkscm::EngineKind;

use super::custom_domain::CustomDomainFields;
use super::fields::{TextField, setter};
use super::form::{Form, engine_label, instance_types};
use super::r10k::R10kFields;
use crate::components::field::{SelectField, plain_options};
use crate::components::password_rules::PasswordRules;
use crate::components::tag_editor::TagEditor;

/// Step 1: engine and version.
#[component]
pub fn EngineStep(
    /// The wizard's inputs.
    form: Form,
) -> impl IntoView {
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
        <SelectField
            id="engine-version"
            label="Engine version"
            value=form.version
            options=Signal::derive(move || plain_options(form.engine.get().valid_versions()))
        />
    }
}

/// Step 2: name, instance, IAM, admin password, r10k (Puppet) and custom domain.
#[component]
pub fn ServerStep(
    /// The wizard's inputs.
    form: Form,
    /// Show errors of untouched fields too (after Next).
    show: Signal<bool>,
) -> impl IntoView {
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
        <SelectField
            id="instance-type"
            label="Instance type"
            value=form.instance_type
            options=Signal::derive(move || plain_options(instance_types(form.engine.get())))
        />
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
        <PasswordRules password=form.password />
        <Show when=move || form.engine.get() == EngineKind::Puppet>
            <R10kFields form=form show=show />
        </Show>
        <CustomDomainFields form=form show=show />
    }
}

/// Step 3: subnets, security groups, public IP.
#[component]
pub fn NetworkStep(
    /// The wizard's inputs.
    form: Form,
    /// Show errors of untouched fields too (after Next).
    show: Signal<bool>,
) -> impl IntoView {
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
pub fn BackupStep(
    /// The wizard's inputs.
    form: Form,
    /// Show errors of untouched fields too (after Next).
    show: Signal<bool>,
) -> impl IntoView {
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
        <TagEditor tags=form.tags show=show />
    }
}
