//! The wizard's four steps: engine and version; server (name, instance, IAM,
//! admin password, Puppet's r10k, custom domain); network; backups,
//! maintenance and tags.

use leptos::prelude::*;
use shared::opsworkscm::{BackupStatus, EngineKind};

use super::custom_domain::CustomDomainFields;
use super::form::{Form, engine_label, instance_types};
use super::r10k::R10kFields;
use crate::components::field::{
    CheckboxField, FieldValue, RadioGroup, SelectField, TextField, plain_options,
};
use crate::components::password_rules::PasswordRules;
use crate::components::tag_editor::TagEditor;
use crate::format;
use crate::live::LiveStore;

/// Step 1: engine and version.
#[component]
pub fn EngineStep(
    /// The wizard's inputs.
    form: Form,
) -> impl IntoView {
    let choose = Callback::new(move |engine: EngineKind| {
        form.backup_id.set(String::new());
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
        <BackupSource form=form />
    }
}

/// `BackupId`: start the server from one of the account's OK backups of the
/// chosen engine (its engine version, settings and nodes), or empty.
#[component]
fn BackupSource(form: Form) -> impl IntoView {
    let live = LiveStore::expect();
    let usable = Memo::new(move |_| {
        let engine = form.engine.get();
        live.all_backups()
            .into_iter()
            .filter(|b| b.status == Some(BackupStatus::Ok))
            .filter(|b| b.engine.as_deref().and_then(EngineKind::parse) == Some(engine))
            .collect::<Vec<_>>()
    });
    let options = Signal::derive(move || {
        std::iter::once((String::new(), "None: a new, empty server".to_owned()))
            .chain(usable.get().into_iter().map(|b| {
                let id = b.backup_id.clone().unwrap_or_default();
                let label = format!(
                    "{id} ({}, {}, version {})",
                    b.server_name.as_deref().unwrap_or("-"),
                    format::time(b.created_at),
                    b.engine_version.as_deref().unwrap_or("-")
                );
                (id, label)
            }))
            .collect::<Vec<_>>()
    });
    // The server runs the backup's engine version.
    Effect::new(move |_| {
        let id = form.backup_id.get();
        if id.is_empty() {
            return;
        }
        let version = usable.with(|list| {
            list.iter()
                .find(|b| b.backup_id.as_deref() == Some(id.as_str()))
                .and_then(|b| b.engine_version.clone())
        });
        if let Some(version) = version {
            form.version.set(version);
        }
    });
    view! {
        <SelectField
            id="source-backup"
            label="Start from a backup (optional)"
            value=form.backup_id
            options=options
            hint="The new server gets the backup's engine version, settings and nodes; what you set in the next steps overrides them."
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
