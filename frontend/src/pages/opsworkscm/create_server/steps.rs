//! The wizard's four steps: engine and version; server (name, instance, IAM,
//! admin password, Puppet's r10k, custom domain); network; backups,
//! maintenance and tags.

use leptos::prelude::*;
use shared::opsworkscm::EngineKind;

use super::custom_domain::CustomDomainFields;
use super::form::{Form, engine_label, instance_types};
use super::r10k::R10kFields;
use crate::components::field::{
    CheckboxField, FieldValue, RadioGroup, SelectField, TextField, plain_options,
};
use crate::components::password_rules::PasswordRules;
use crate::components::tag_editor::TagEditor;

/// Step 1: engine and version.
#[component]
pub fn EngineStep(
    /// The wizard's inputs.
    form: Form,
) -> impl IntoView {
    let choose = Callback::new(move |engine: EngineKind| {
        form.version.set(engine.default_version().to_owned());
        form.instance_type.set(instance_types(engine)[0].to_owned());
    });
    let choices = vec![
        (
            EngineKind::Chef,
            "engine-ChefAutomate",
            engine_label(EngineKind::Chef),
        ),
        (
            EngineKind::Puppet,
            "engine-Puppet",
            engine_label(EngineKind::Puppet),
        ),
    ];
    view! {
        <RadioGroup name="engine" legend="Engine" choices value=form.engine on_choose=choose />
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
            error=Signal::derive(move || form.check_key_pair())
            show=show
        />
        <TextField
            id="instance-profile-arn"
            label="Instance profile ARN"
            hint="IAM instance profile of the server's EC2 instance."
            value=FieldValue::derived(
                move || form.instance_profile_value(),
                Callback::new(move |v| form.instance_profile.set(Some(v))),
            )
            error=Signal::derive(move || form.check_instance_profile())
            show=show
        />
        <TextField
            id="service-role-arn"
            label="Service role ARN"
            hint="IAM role OpsWorks CM assumes to manage the server."
            value=FieldValue::derived(
                move || form.service_role_value(),
                Callback::new(move |v| form.service_role.set(Some(v))),
            )
            error=Signal::derive(move || form.check_service_role())
            show=show
        />
        <TextField
            id="admin-password"
            label="Admin password (optional)"
            hint="Leave empty to have one generated; it is shown once after creation."
            kind="password"
            value=form.password
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
            error=Signal::derive(move || form.check_subnets())
            show=show
        />
        <TextField
            id="security-groups"
            label="Security groups (optional)"
            hint="Security group ids, comma separated. Empty: a default group is created."
            placeholder="sg-0123456789abcdef0"
            value=form.security_groups
            error=Signal::derive(move || form.check_security_groups())
            show=show
        />
        <CheckboxField id="public-ip" label="Associate a public IP address" checked=form.public_ip />
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
            error=Signal::derive(move || form.check_maintenance_window())
            show=show
        />
        <CheckboxField
            id="automated-backups"
            label="Enable automated backups"
            checked=form.automated_backups
        />
        <Show when=move || form.automated_backups.get()>
            <TextField
                id="backup-window"
                label="Backup window (optional)"
                hint="Daily HH:MM or weekly DDD:HH:MM, in UTC. Empty: chosen for you."
                placeholder="02:00"
                value=form.backup_window
                error=Signal::derive(move || form.check_backup_window())
                show=show
            />
            <TextField
                id="retention"
                label="Backups to keep"
                kind="number"
                value=form.retention
                error=Signal::derive(move || form.check_retention())
                show=show
            />
        </Show>
        <TagEditor tags=form.tags show=show />
    }
}
