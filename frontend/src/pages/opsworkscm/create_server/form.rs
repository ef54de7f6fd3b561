//! The wizard's model: its inputs as signals, one check per field with the
//! `shared` validators, and the CreateServer request they make.

use leptos::prelude::*;
use shared::opsworkscm::attributes::{CHEF_AUTOMATE_ADMIN_PASSWORD, PUPPET_ADMIN_PASSWORD};
use shared::opsworkscm::{
    AdminPassword, BackupId, BackupRetentionCount, CreateServerRequest, EngineAttributeInput,
    EngineAttributeName, EngineAttributeValue, EngineKind, InstanceProfileArn, KeyPair, ServerName,
    ServiceRoleArn, TagInput, Text, TimeWindow,
};

use crate::components::tag_editor::TagDrafts;
use crate::format;

/// Number of steps before "Review and create".
pub(super) const STEPS: u8 = 4;
/// The review page comes after the last step.
pub(super) const REVIEW: u8 = STEPS + 1;
/// Step titles, in order.
pub(super) const STEP_TITLES: [&str; STEPS as usize] = [
    "Choose an engine",
    "Configure server",
    "Network",
    "Backups, maintenance and tags",
];

/// Instance types offered per engine, the default first.
pub(super) fn instance_types(engine: EngineKind) -> &'static [&'static str] {
    match engine {
        EngineKind::Chef => &["m5.large", "r5.xlarge", "r5.2xlarge"],
        EngineKind::Puppet => &["c5.xlarge", "c5.2xlarge", "c5.4xlarge"],
    }
}

/// Display name of an engine.
pub(super) fn engine_label(engine: EngineKind) -> &'static str {
    match engine {
        EngineKind::Chef => "Chef Automate",
        EngineKind::Puppet => "Puppet Enterprise",
    }
}

/// The wizard's inputs, as typed.
#[derive(Clone, Copy)]
pub struct Form {
    pub(super) engine: RwSignal<EngineKind>,
    pub(super) version: RwSignal<String>,
    pub(super) name: RwSignal<String>,
    pub(super) instance_type: RwSignal<String>,
    pub(super) key_pair: RwSignal<String>,
    /// `None` until edited: the default ARN for the account is shown.
    pub(super) instance_profile: RwSignal<Option<String>>,
    /// `None` until edited: the default ARN for the account is shown.
    pub(super) service_role: RwSignal<Option<String>>,
    pub(super) password: RwSignal<String>,
    /// Puppet only: `PUPPET_R10K_REMOTE`, the control repository's git URL.
    pub(super) r10k_remote: RwSignal<String>,
    /// Puppet only: `PUPPET_R10K_PRIVATE_KEY`, the SSH key of a private repository.
    pub(super) r10k_private_key: RwSignal<String>,
    /// `CustomDomain`, `CustomCertificate`, `CustomPrivateKey`: all three or none.
    pub(super) custom_domain: RwSignal<String>,
    pub(super) custom_certificate: RwSignal<String>,
    pub(super) custom_private_key: RwSignal<String>,
    pub(super) subnets: RwSignal<String>,
    pub(super) security_groups: RwSignal<String>,
    pub(super) public_ip: RwSignal<bool>,
    pub(super) maintenance_window: RwSignal<String>,
    pub(super) automated_backups: RwSignal<bool>,
    pub(super) backup_window: RwSignal<String>,
    pub(super) retention: RwSignal<String>,
    pub(super) tags: TagDrafts,
    /// `BackupId`: the backup the server starts from; empty for a new,
    /// empty server.
    pub(super) backup_id: RwSignal<String>,
    pub(super) account_id: Signal<String>,
}

/// What each field's validator says; `None` is valid.
pub(super) type Check = Option<String>;

pub(super) fn message(error: impl std::fmt::Display) -> String {
    error.to_string()
}

impl Form {
    pub(super) fn new(account_id: Signal<String>) -> Self {
        let engine = EngineKind::Chef;
        Self {
            engine: RwSignal::new(engine),
            version: RwSignal::new(engine.default_version().to_owned()),
            name: RwSignal::new(String::new()),
            instance_type: RwSignal::new(instance_types(engine)[0].to_owned()),
            key_pair: RwSignal::new(String::new()),
            instance_profile: RwSignal::new(None),
            service_role: RwSignal::new(None),
            password: RwSignal::new(String::new()),
            r10k_remote: RwSignal::new(String::new()),
            r10k_private_key: RwSignal::new(String::new()),
            custom_domain: RwSignal::new(String::new()),
            custom_certificate: RwSignal::new(String::new()),
            custom_private_key: RwSignal::new(String::new()),
            subnets: RwSignal::new(String::new()),
            security_groups: RwSignal::new(String::new()),
            public_ip: RwSignal::new(true),
            maintenance_window: RwSignal::new(String::new()),
            automated_backups: RwSignal::new(true),
            backup_window: RwSignal::new(String::new()),
            retention: RwSignal::new("1".to_owned()),
            tags: TagDrafts::with_rule(shared::opsworkscm::check_tag),
            backup_id: RwSignal::new(String::new()),
            account_id,
        }
    }

    pub(super) fn instance_profile_value(&self) -> String {
        self.instance_profile.get().unwrap_or_else(|| {
            format!(
                "arn:aws:iam::{}:instance-profile/aws-opsworks-cm-ec2-role",
                self.account_id.get()
            )
        })
    }

    pub(super) fn service_role_value(&self) -> String {
        self.service_role.get().unwrap_or_else(|| {
            format!(
                "arn:aws:iam::{}:role/aws-opsworks-cm-service-role",
                self.account_id.get()
            )
        })
    }

    pub(super) fn check_name(&self) -> Check {
        ServerName::parse(self.name.get()).err().map(message)
    }

    pub(super) fn check_instance_type(&self) -> Check {
        let value = self.instance_type.get();
        if value.trim().is_empty() {
            return Some("Choose an instance type.".to_owned());
        }
        Text::parse(value).err().map(message)
    }

    pub(super) fn check_key_pair(&self) -> Check {
        let value = self.key_pair.get();
        (!value.is_empty())
            .then(|| KeyPair::parse(value).err().map(message))
            .flatten()
    }

    pub(super) fn check_instance_profile(&self) -> Check {
        InstanceProfileArn::parse(self.instance_profile_value())
            .err()
            .map(message)
    }

    pub(super) fn check_service_role(&self) -> Check {
        ServiceRoleArn::parse(self.service_role_value())
            .err()
            .map(message)
    }

    pub(super) fn check_password(&self) -> Check {
        let value = self.password.get();
        (!value.is_empty())
            .then(|| AdminPassword::parse(value).err().map(message))
            .flatten()
    }

    pub(super) fn check_list(text: &str) -> Check {
        format::split_list(text)
            .into_iter()
            .find_map(|item| Text::parse(item).err().map(message))
    }

    pub(super) fn check_subnets(&self) -> Check {
        Self::check_list(&self.subnets.get())
    }

    pub(super) fn check_security_groups(&self) -> Check {
        Self::check_list(&self.security_groups.get())
    }

    pub(super) fn check_maintenance_window(&self) -> Check {
        let value = self.maintenance_window.get();
        if value.trim().is_empty() {
            return None;
        }
        match TimeWindow::parse(value.trim()) {
            Ok(window) if window.day().is_none() => Some(
                "The maintenance window is weekly: DDD:HH:MM in UTC, e.g. Mon:08:00.".to_owned(),
            ),
            Ok(_) => None,
            Err(err) => Some(message(err)),
        }
    }

    pub(super) fn check_backup_window(&self) -> Check {
        let value = self.backup_window.get();
        (!value.trim().is_empty())
            .then(|| TimeWindow::parse(value.trim()).err().map(message))
            .flatten()
    }

    pub(super) fn check_retention(&self) -> Check {
        let value = self.retention.get();
        if value.trim().is_empty() {
            return None;
        }
        match value.trim().parse::<i64>() {
            Ok(n) => BackupRetentionCount::parse(n).err().map(message),
            Err(_) => Some("Enter a whole number of backups, at least 1.".to_owned()),
        }
    }

    pub(super) fn check_tags(&self) -> Check {
        self.tags.error()
    }

    /// The first error of a step, if any (tracked).
    pub(super) fn step_error(&self, step: u8) -> Check {
        let checks: Vec<Check> = match step {
            1 => vec![],
            2 => vec![
                self.check_name(),
                self.check_instance_type(),
                self.check_key_pair(),
                self.check_instance_profile(),
                self.check_service_role(),
                self.check_password(),
                self.check_r10k_remote(),
                self.check_r10k_private_key(),
                self.check_custom_domain(),
                self.check_custom_certificate(),
                self.check_custom_private_key(),
            ],
            3 => vec![self.check_subnets(), self.check_security_groups()],
            4 => vec![
                self.check_maintenance_window(),
                self.check_backup_window(),
                self.check_retention(),
                self.check_tags(),
            ],
            _ => vec![],
        };
        checks.into_iter().flatten().next()
    }

    /// The CreateServer request, or the first error (untracked).
    pub(super) fn request(&self) -> Result<CreateServerRequest, String> {
        untrack(|| {
            if let Some(error) = (1..=STEPS).find_map(|step| self.step_error(step)) {
                return Err(error);
            }
            let engine = self.engine.get();
            let text = |value: String| Text::parse(value).map_err(message);
            let list = |value: String| -> Result<Option<Vec<Text>>, String> {
                let items = format::split_list(&value);
                if items.is_empty() {
                    return Ok(None);
                }
                items
                    .into_iter()
                    .map(text)
                    .collect::<Result<_, _>>()
                    .map(Some)
            };
            let optional = |value: String| {
                let value = value.trim().to_owned();
                (!value.is_empty()).then_some(value)
            };
            let password_name = match engine {
                EngineKind::Chef => CHEF_AUTOMATE_ADMIN_PASSWORD,
                EngineKind::Puppet => PUPPET_ADMIN_PASSWORD,
            };
            let mut engine_attributes = Vec::new();
            if let Some(password) = optional(self.password.get()) {
                engine_attributes.push(EngineAttributeInput {
                    name: Some(EngineAttributeName::parse(password_name).map_err(message)?),
                    value: Some(EngineAttributeValue::parse(password).map_err(message)?),
                });
            }
            engine_attributes.extend(self.r10k_attributes()?);
            let custom = self.custom_domain_request()?;
            let tags: Vec<TagInput> = self
                .tags
                .pairs()?
                .into_iter()
                .map(|(key, value)| TagInput { key, value })
                .collect();
            let automated = self.automated_backups.get();
            Ok(CreateServerRequest {
                associate_public_ip_address: Some(self.public_ip.get()),
                custom_domain: custom.domain,
                custom_certificate: custom.certificate,
                custom_private_key: custom.private_key,
                disable_automated_backup: Some(!automated),
                engine: text(engine.engine_name().to_owned())?,
                engine_model: Some(text(engine.default_model().to_owned())?),
                engine_version: Some(text(self.version.get())?),
                engine_attributes: (!engine_attributes.is_empty()).then_some(engine_attributes),
                backup_retention_count: match optional(self.retention.get()) {
                    Some(n) if automated => Some(
                        BackupRetentionCount::parse(n.parse::<i64>().map_err(message)?)
                            .map_err(message)?,
                    ),
                    _ => None,
                },
                server_name: ServerName::parse(self.name.get()).map_err(message)?,
                instance_profile_arn: InstanceProfileArn::parse(self.instance_profile_value())
                    .map_err(message)?,
                instance_type: text(self.instance_type.get())?,
                key_pair: optional(self.key_pair.get())
                    .map(KeyPair::parse)
                    .transpose()
                    .map_err(message)?,
                preferred_maintenance_window: optional(self.maintenance_window.get())
                    .map(TimeWindow::parse)
                    .transpose()
                    .map_err(message)?,
                preferred_backup_window: match optional(self.backup_window.get()) {
                    Some(window) if automated => Some(TimeWindow::parse(window).map_err(message)?),
                    _ => None,
                },
                security_group_ids: list(self.security_groups.get())?,
                service_role_arn: ServiceRoleArn::parse(self.service_role_value())
                    .map_err(message)?,
                subnet_ids: list(self.subnets.get())?,
                tags: (!tags.is_empty()).then_some(tags),
                backup_id: optional(self.backup_id.get())
                    .map(BackupId::parse)
                    .transpose()
                    .map_err(message)?,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> Form {
        Form::new(Signal::stored("123456789012".to_owned()))
    }

    #[test]
    fn defaults_build_a_request_with_the_account_arns() {
        let form = form();
        form.name.set("web-1".to_owned());
        let request = serde_json::to_value(form.request().unwrap()).unwrap();
        assert_eq!(request["ServerName"], "web-1");
        assert_eq!(request["Engine"], "ChefAutomate");
        assert_eq!(request["EngineModel"], "Single");
        assert_eq!(request["EngineVersion"], "2");
        assert_eq!(request["InstanceType"], "m5.large");
        assert_eq!(
            request["InstanceProfileArn"],
            "arn:aws:iam::123456789012:instance-profile/aws-opsworks-cm-ec2-role"
        );
        assert_eq!(
            request["ServiceRoleArn"],
            "arn:aws:iam::123456789012:role/aws-opsworks-cm-service-role"
        );
        assert_eq!(request["DisableAutomatedBackup"], false);
        assert!(request.get("EngineAttributes").is_none());
        assert!(request.get("Tags").is_none());
        assert!(request.get("BackupId").is_none());
        form.backup_id.set("web-0-20261201000000000".to_owned());
        let request = serde_json::to_value(form.request().unwrap()).unwrap();
        assert_eq!(request["BackupId"], "web-0-20261201000000000");
    }

    #[test]
    fn every_field_reaches_the_request() {
        let form = form();
        form.engine.set(EngineKind::Puppet);
        form.version.set("2017".to_owned());
        form.instance_type.set("c5.xlarge".to_owned());
        form.name.set("pup".to_owned());
        form.password.set("Str0ng!Passw0rd".to_owned());
        form.subnets.set("subnet-1, subnet-2".to_owned());
        form.security_groups.set("sg-1".to_owned());
        form.public_ip.set(false);
        form.maintenance_window.set("Mon:08:00".to_owned());
        form.backup_window.set("02:00".to_owned());
        form.retention.set("3".to_owned());
        form.tags.add_filled("team", "ops");
        let request = serde_json::to_value(form.request().unwrap()).unwrap();
        assert_eq!(request["Engine"], "Puppet");
        assert_eq!(request["EngineModel"], "Monolithic");
        assert_eq!(
            request["EngineAttributes"],
            serde_json::json!([{"Name": "PUPPET_ADMIN_PASSWORD", "Value": "Str0ng!Passw0rd"}])
        );
        assert_eq!(
            request["SubnetIds"],
            serde_json::json!(["subnet-1", "subnet-2"])
        );
        assert_eq!(request["SecurityGroupIds"], serde_json::json!(["sg-1"]));
        assert_eq!(request["AssociatePublicIpAddress"], false);
        assert_eq!(request["PreferredMaintenanceWindow"], "Mon:08:00");
        assert_eq!(request["PreferredBackupWindow"], "02:00");
        assert_eq!(request["BackupRetentionCount"], 3);
        assert_eq!(
            request["Tags"],
            serde_json::json!([{"Key": "team", "Value": "ops"}])
        );
    }

    #[test]
    fn tags_follow_the_opsworks_cm_limits_once_trimmed() {
        let form = form();
        form.tags.add_filled(&"k".repeat(127), &"v".repeat(255));
        assert_eq!(form.step_error(4), None);
        form.tags.add_filled(&"x".repeat(128), "");
        let error = form.step_error(4).unwrap();
        assert!(error.contains("the most is 127"), "{error}");
    }

    #[test]
    fn each_step_reports_its_first_error() {
        let form = form();
        assert_eq!(form.step_error(1), None);
        form.name.set("1bad".to_owned());
        assert!(form.step_error(2).unwrap().contains("'1bad'"));
        form.name.set("ok".to_owned());
        form.password.set("weak".to_owned());
        assert!(form.step_error(2).is_some());
        form.password.set(String::new());
        assert_eq!(form.step_error(2), None);
        form.maintenance_window.set("08:00".to_owned());
        assert!(form.step_error(4).unwrap().contains("weekly"));
        form.maintenance_window.set(String::new());
        form.retention.set("0".to_owned());
        assert!(form.step_error(4).is_some());
        form.retention.set("1".to_owned());
        form.tags.add_filled("aws:x", "");
        assert!(form.step_error(4).unwrap().contains("reserved"));
        assert!(form.request().is_err());
    }
}
