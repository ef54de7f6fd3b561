//! The 19 OpsWorks CM operations through `aws-sdk-opsworkscm`: a case's
//! JSON input onto the typed builder (every member of the model), chosen
//! members of the typed output back to JSON.

use aws_sdk_opsworkscm::Client;
use aws_sdk_opsworkscm::types::{Backup, EngineAttribute, Server, Tag};
use serde_json::{Value, json};

use super::Outcome;
use super::input::{Input, text};

fn attributes(input: &Input<'_>, name: &str) -> Option<Vec<EngineAttribute>> {
    input.list(name, |v| {
        EngineAttribute::builder()
            .set_name(text(v, "Name"))
            .set_value(text(v, "Value"))
            .build()
    })
}

fn tags(input: &Input<'_>) -> Option<Vec<Tag>> {
    input.list("Tags", |v| {
        Tag::builder()
            .set_key(text(v, "Key"))
            .set_value(text(v, "Value"))
            .build()
            .expect("Key and Value")
    })
}

fn server(s: Option<&Server>) -> Value {
    s.map_or(Value::Null, |s| {
        let attrs: Vec<Value> = s
            .engine_attributes()
            .iter()
            .map(|a| json!({"Name": a.name(), "Value": a.value()}))
            .collect();
        json!({
            "ServerName": s.server_name(),
            "ServerArn": s.server_arn(),
            "Status": s.status().map(|v| v.as_str()),
            "BackupRetentionCount": s.backup_retention_count(),
            "EngineAttributes": attrs,
        })
    })
}

fn backup(b: &Backup) -> Value {
    json!({"BackupId": b.backup_id(), "Status": b.status().map(|v| v.as_str())})
}

/// Calls operation `op` with `input`.
pub(crate) async fn call(c: &Client, op: &str, input: &Value) -> Outcome {
    let i = Input::new(input);
    let server_name = || i.string("ServerName");
    let response = match op {
        "AssociateNode" => {
            let out = send!(
                i,
                c.associate_node()
                    .set_server_name(server_name())
                    .set_node_name(i.string("NodeName"))
                    .set_engine_attributes(attributes(&i, "EngineAttributes"))
            );
            json!({"NodeAssociationStatusToken": out.node_association_status_token()})
        }
        "CreateBackup" => {
            let out = send!(
                i,
                c.create_backup()
                    .set_server_name(server_name())
                    .set_description(i.string("Description"))
                    .set_tags(tags(&i))
            );
            json!({"Backup": out.backup().map(backup)})
        }
        "CreateServer" => {
            let out = send!(
                i,
                c.create_server()
                    .set_associate_public_ip_address(i.boolean("AssociatePublicIpAddress"))
                    .set_custom_domain(i.string("CustomDomain"))
                    .set_custom_certificate(i.string("CustomCertificate"))
                    .set_custom_private_key(i.string("CustomPrivateKey"))
                    .set_disable_automated_backup(i.boolean("DisableAutomatedBackup"))
                    .set_engine(i.string("Engine"))
                    .set_engine_model(i.string("EngineModel"))
                    .set_engine_version(i.string("EngineVersion"))
                    .set_engine_attributes(attributes(&i, "EngineAttributes"))
                    .set_backup_retention_count(i.int("BackupRetentionCount"))
                    .set_server_name(server_name())
                    .set_instance_profile_arn(i.string("InstanceProfileArn"))
                    .set_instance_type(i.string("InstanceType"))
                    .set_key_pair(i.string("KeyPair"))
                    .set_preferred_maintenance_window(i.string("PreferredMaintenanceWindow"))
                    .set_preferred_backup_window(i.string("PreferredBackupWindow"))
                    .set_security_group_ids(i.strings("SecurityGroupIds"))
                    .set_service_role_arn(i.string("ServiceRoleArn"))
                    .set_subnet_ids(i.strings("SubnetIds"))
                    .set_tags(tags(&i))
                    .set_backup_id(i.string("BackupId"))
            );
            json!({"Server": server(out.server())})
        }
        "DeleteBackup" => {
            send!(i, c.delete_backup().set_backup_id(i.string("BackupId")));
            json!({})
        }
        "DeleteServer" => {
            send!(i, c.delete_server().set_server_name(server_name()));
            json!({})
        }
        "DescribeAccountAttributes" => {
            let out = send!(i, c.describe_account_attributes());
            let attrs: Vec<Value> = out
                .attributes()
                .iter()
                .map(|a| json!({"Name": a.name(), "Maximum": a.maximum(), "Used": a.used()}))
                .collect();
            json!({"Attributes": attrs})
        }
        "DescribeBackups" => {
            let out = send!(
                i,
                c.describe_backups()
                    .set_backup_id(i.string("BackupId"))
                    .set_server_name(server_name())
                    .set_next_token(i.string("NextToken"))
                    .set_max_results(i.int("MaxResults"))
            );
            let backups: Vec<Value> = out.backups().iter().map(backup).collect();
            json!({"Backups": backups})
        }
        "DescribeEvents" => {
            let out = send!(
                i,
                c.describe_events()
                    .set_server_name(server_name())
                    .set_next_token(i.string("NextToken"))
                    .set_max_results(i.int("MaxResults"))
            );
            let events: Vec<Value> = out
                .server_events()
                .iter()
                .map(|e| {
                    json!({"Message": e.message(), "CreatedAt": e.created_at().map(ToString::to_string)})
                })
                .collect();
            json!({"ServerEvents": events})
        }
        "DescribeNodeAssociationStatus" => {
            let out = send!(
                i,
                c.describe_node_association_status()
                    .set_node_association_status_token(i.string("NodeAssociationStatusToken"))
                    .set_server_name(server_name())
            );
            json!({"NodeAssociationStatus": out.node_association_status().map(|s| s.as_str())})
        }
        "DescribeServers" => {
            let out = send!(
                i,
                c.describe_servers()
                    .set_server_name(server_name())
                    .set_next_token(i.string("NextToken"))
                    .set_max_results(i.int("MaxResults"))
            );
            let servers: Vec<Value> = out.servers().iter().map(|s| server(Some(s))).collect();
            json!({"Servers": servers})
        }
        "DisassociateNode" => {
            let out = send!(
                i,
                c.disassociate_node()
                    .set_server_name(server_name())
                    .set_node_name(i.string("NodeName"))
                    .set_engine_attributes(attributes(&i, "EngineAttributes"))
            );
            json!({"NodeAssociationStatusToken": out.node_association_status_token()})
        }
        "ExportServerEngineAttribute" => {
            let out = send!(
                i,
                c.export_server_engine_attribute()
                    .set_export_attribute_name(i.string("ExportAttributeName"))
                    .set_server_name(server_name())
                    .set_input_attributes(attributes(&i, "InputAttributes"))
            );
            let attr = out.engine_attribute();
            json!({"EngineAttribute": {
                "Name": attr.and_then(|a| a.name()),
                "Value": attr.and_then(|a| a.value()),
            }})
        }
        "ListTagsForResource" => {
            let out = send!(
                i,
                c.list_tags_for_resource()
                    .set_resource_arn(i.string("ResourceArn"))
                    .set_next_token(i.string("NextToken"))
                    .set_max_results(i.int("MaxResults"))
            );
            let tags: Vec<Value> = out
                .tags()
                .iter()
                .map(|t| json!({"Key": t.key(), "Value": t.value()}))
                .collect();
            json!({"Tags": tags})
        }
        "RestoreServer" => {
            let out = send!(
                i,
                c.restore_server()
                    .set_backup_id(i.string("BackupId"))
                    .set_server_name(server_name())
                    .set_instance_type(i.string("InstanceType"))
                    .set_key_pair(i.string("KeyPair"))
            );
            json!({"Server": server(out.server())})
        }
        "StartMaintenance" => {
            let out = send!(
                i,
                c.start_maintenance()
                    .set_server_name(server_name())
                    .set_engine_attributes(attributes(&i, "EngineAttributes"))
            );
            json!({"Server": server(out.server())})
        }
        "TagResource" => {
            send!(
                i,
                c.tag_resource()
                    .set_resource_arn(i.string("ResourceArn"))
                    .set_tags(tags(&i))
            );
            json!({})
        }
        "UntagResource" => {
            send!(
                i,
                c.untag_resource()
                    .set_resource_arn(i.string("ResourceArn"))
                    .set_tag_keys(i.strings("TagKeys"))
            );
            json!({})
        }
        "UpdateServer" => {
            let out = send!(
                i,
                c.update_server()
                    .set_disable_automated_backup(i.boolean("DisableAutomatedBackup"))
                    .set_backup_retention_count(i.int("BackupRetentionCount"))
                    .set_server_name(server_name())
                    .set_preferred_maintenance_window(i.string("PreferredMaintenanceWindow"))
                    .set_preferred_backup_window(i.string("PreferredBackupWindow"))
            );
            json!({"Server": server(out.server())})
        }
        "UpdateServerEngineAttributes" => {
            let out = send!(
                i,
                c.update_server_engine_attributes()
                    .set_server_name(server_name())
                    .set_attribute_name(i.string("AttributeName"))
                    .set_attribute_value(i.string("AttributeValue"))
            );
            json!({"Server": server(out.server())})
        }
        other => panic!("no OpsWorks CM operation {other}"),
    };
    Ok(response)
}
