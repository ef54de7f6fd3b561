//! The 18 CloudHSM v2 operations through `aws-sdk-cloudhsmv2`: a case's
//! JSON input onto the typed builder (every member of the model), chosen
//! members of the typed output back to JSON.

use aws_sdk_cloudhsmv2::Client;
use aws_sdk_cloudhsmv2::types::{
    Backup, BackupRetentionPolicy, BackupRetentionType, Cluster, ClusterMode, NetworkType, Tag,
};
use serde_json::{Value, json};

use super::Outcome;
use super::input::{Input, text};

fn tags(input: &Input<'_>) -> Option<Vec<Tag>> {
    input.list("TagList", |v| {
        Tag::builder()
            .set_key(text(v, "Key"))
            .set_value(text(v, "Value"))
            .build()
            .expect("Key and Value")
    })
}

fn retention(input: &Input<'_>) -> Option<BackupRetentionPolicy> {
    input.structure("BackupRetentionPolicy").map(|p| {
        let policy = BackupRetentionPolicy::builder()
            .set_type(
                p.string("Type")
                    .map(|t| BackupRetentionType::from(t.as_str())),
            )
            .set_value(p.string("Value"))
            .build();
        p.finish();
        policy
    })
}

fn backup(b: Option<&Backup>) -> Value {
    b.map_or(Value::Null, |b| {
        json!({
            "BackupId": b.backup_id(),
            "BackupArn": b.backup_arn(),
            "BackupState": b.backup_state().map(|s| s.as_str()),
            "ClusterId": b.cluster_id(),
            "NeverExpires": b.never_expires(),
            "DeleteTimestamp": b.delete_timestamp().map(ToString::to_string),
        })
    })
}

fn cluster(c: Option<&Cluster>) -> Value {
    c.map_or(Value::Null, |c| {
        json!({
            "ClusterId": c.cluster_id(),
            "State": c.state().map(|s| s.as_str()),
            "Certificates": {"ClusterCsr": c.certificates().and_then(|x| x.cluster_csr())},
            "BackupRetentionPolicy": {"Value": c.backup_retention_policy().and_then(|p| p.value())},
        })
    })
}

/// Calls operation `op` with `input`.
pub(crate) async fn call(c: &Client, op: &str, input: &Value) -> Outcome {
    let i = Input::new(input);
    let response = match op {
        "CopyBackupToRegion" => {
            let out = send!(
                i,
                c.copy_backup_to_region()
                    .set_destination_region(i.string("DestinationRegion"))
                    .set_backup_id(i.string("BackupId"))
                    .set_tag_list(tags(&i))
            );
            let dest = out.destination_backup();
            json!({"DestinationBackup": {
                "SourceBackup": dest.and_then(|d| d.source_backup()),
                "SourceRegion": dest.and_then(|d| d.source_region()),
                "SourceCluster": dest.and_then(|d| d.source_cluster()),
            }})
        }
        "CreateCluster" => {
            let out = send!(
                i,
                c.create_cluster()
                    .set_backup_retention_policy(retention(&i))
                    .set_hsm_type(i.string("HsmType"))
                    .set_source_backup_id(i.string("SourceBackupId"))
                    .set_subnet_ids(i.strings("SubnetIds"))
                    .set_network_type(
                        i.string("NetworkType")
                            .map(|t| NetworkType::from(t.as_str())),
                    )
                    .set_tag_list(tags(&i))
                    .set_mode(i.string("Mode").map(|m| ClusterMode::from(m.as_str())))
            );
            json!({"Cluster": cluster(out.cluster())})
        }
        "CreateHsm" => {
            let out = send!(
                i,
                c.create_hsm()
                    .set_cluster_id(i.string("ClusterId"))
                    .set_availability_zone(i.string("AvailabilityZone"))
                    .set_ip_address(i.string("IpAddress"))
            );
            let hsm = out.hsm();
            json!({"Hsm": {
                "HsmId": hsm.map(|h| h.hsm_id()),
                "State": hsm.and_then(|h| h.state()).map(|s| s.as_str()),
            }})
        }
        "DeleteBackup" => {
            let out = send!(i, c.delete_backup().set_backup_id(i.string("BackupId")));
            json!({"Backup": backup(out.backup())})
        }
        "DeleteCluster" => {
            let out = send!(i, c.delete_cluster().set_cluster_id(i.string("ClusterId")));
            json!({"Cluster": cluster(out.cluster())})
        }
        "DeleteHsm" => {
            let out = send!(
                i,
                c.delete_hsm()
                    .set_cluster_id(i.string("ClusterId"))
                    .set_hsm_id(i.string("HsmId"))
                    .set_eni_id(i.string("EniId"))
                    .set_eni_ip(i.string("EniIp"))
            );
            json!({"HsmId": out.hsm_id()})
        }
        "DeleteResourcePolicy" => {
            let out = send!(
                i,
                c.delete_resource_policy()
                    .set_resource_arn(i.string("ResourceArn"))
            );
            json!({"ResourceArn": out.resource_arn(), "Policy": out.policy()})
        }
        "DescribeBackups" => {
            let out = send!(
                i,
                c.describe_backups()
                    .set_next_token(i.string("NextToken"))
                    .set_max_results(i.int("MaxResults"))
                    .set_filters(i.filters("Filters"))
                    .set_shared(i.boolean("Shared"))
                    .set_sort_ascending(i.boolean("SortAscending"))
            );
            let backups: Vec<Value> = out.backups().iter().map(|b| backup(Some(b))).collect();
            json!({"Backups": backups})
        }
        "DescribeClusters" => {
            let out = send!(
                i,
                c.describe_clusters()
                    .set_filters(i.filters("Filters"))
                    .set_next_token(i.string("NextToken"))
                    .set_max_results(i.int("MaxResults"))
            );
            let clusters: Vec<Value> = out.clusters().iter().map(|c| cluster(Some(c))).collect();
            json!({"Clusters": clusters})
        }
        "GetResourcePolicy" => {
            let out = send!(
                i,
                c.get_resource_policy()
                    .set_resource_arn(i.string("ResourceArn"))
            );
            json!({"Policy": out.policy()})
        }
        "InitializeCluster" => {
            let out = send!(
                i,
                c.initialize_cluster()
                    .set_cluster_id(i.string("ClusterId"))
                    .set_signed_cert(i.string("SignedCert"))
                    .set_trust_anchor(i.string("TrustAnchor"))
            );
            json!({"State": out.state().map(|s| s.as_str()), "StateMessage": out.state_message()})
        }
        "ListTags" => {
            let out = send!(
                i,
                c.list_tags()
                    .set_resource_id(i.string("ResourceId"))
                    .set_next_token(i.string("NextToken"))
                    .set_max_results(i.int("MaxResults"))
            );
            let tags: Vec<Value> = out
                .tag_list()
                .iter()
                .map(|t| json!({"Key": t.key(), "Value": t.value()}))
                .collect();
            json!({"TagList": tags})
        }
        "ModifyBackupAttributes" => {
            let out = send!(
                i,
                c.modify_backup_attributes()
                    .set_backup_id(i.string("BackupId"))
                    .set_never_expires(i.boolean("NeverExpires"))
            );
            json!({"Backup": backup(out.backup())})
        }
        "ModifyCluster" => {
            let out = send!(
                i,
                c.modify_cluster()
                    .set_hsm_type(i.string("HsmType"))
                    .set_backup_retention_policy(retention(&i))
                    .set_cluster_id(i.string("ClusterId"))
            );
            json!({"Cluster": cluster(out.cluster())})
        }
        "PutResourcePolicy" => {
            let out = send!(
                i,
                c.put_resource_policy()
                    .set_resource_arn(i.string("ResourceArn"))
                    .set_policy(i.string("Policy"))
            );
            json!({"ResourceArn": out.resource_arn(), "Policy": out.policy()})
        }
        "RestoreBackup" => {
            let out = send!(i, c.restore_backup().set_backup_id(i.string("BackupId")));
            json!({"Backup": backup(out.backup())})
        }
        "TagResource" => {
            send!(
                i,
                c.tag_resource()
                    .set_resource_id(i.string("ResourceId"))
                    .set_tag_list(tags(&i))
            );
            json!({})
        }
        "UntagResource" => {
            send!(
                i,
                c.untag_resource()
                    .set_resource_id(i.string("ResourceId"))
                    .set_tag_key_list(i.strings("TagKeyList"))
            );
            json!({})
        }
        other => panic!("no CloudHSM v2 operation {other}"),
    };
    Ok(response)
}
