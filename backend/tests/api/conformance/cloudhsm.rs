//! The 18 CloudHSM v2 operations through `aws-sdk-cloudhsmv2`: a case's
//! JSON input onto the typed builder (every member of the model), chosen
//! members of the typed output back to JSON.

use aws_sdk_cloudhsmv2::Client;
use aws_sdk_cloudhsmv2::types::{
    Backup, BackupRetentionPolicy, BackupRetentionType, Cluster, ClusterMode, NetworkType, Tag,
};
use serde_json::{Value, json};

use super::input::{Input, text};
use super::{Outcome, failure};

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
            let send = c
                .copy_backup_to_region()
                .set_destination_region(i.string("DestinationRegion"))
                .set_backup_id(i.string("BackupId"))
                .set_tag_list(tags(&i));
            i.finish();
            let out = send.send().await.map_err(failure)?;
            let dest = out.destination_backup();
            json!({"DestinationBackup": {
                "SourceBackup": dest.and_then(|d| d.source_backup()),
                "SourceRegion": dest.and_then(|d| d.source_region()),
                "SourceCluster": dest.and_then(|d| d.source_cluster()),
            }})
        }
        "CreateCluster" => {
            let send = c
                .create_cluster()
                .set_backup_retention_policy(retention(&i))
                .set_hsm_type(i.string("HsmType"))
                .set_source_backup_id(i.string("SourceBackupId"))
                .set_subnet_ids(i.strings("SubnetIds"))
                .set_network_type(
                    i.string("NetworkType")
                        .map(|t| NetworkType::from(t.as_str())),
                )
                .set_tag_list(tags(&i))
                .set_mode(i.string("Mode").map(|m| ClusterMode::from(m.as_str())));
            i.finish();
            let out = send.send().await.map_err(failure)?;
            json!({"Cluster": cluster(out.cluster())})
        }
        "CreateHsm" => {
            let send = c
                .create_hsm()
                .set_cluster_id(i.string("ClusterId"))
                .set_availability_zone(i.string("AvailabilityZone"))
                .set_ip_address(i.string("IpAddress"));
            i.finish();
            let out = send.send().await.map_err(failure)?;
            let hsm = out.hsm();
            json!({"Hsm": {
                "HsmId": hsm.map(|h| h.hsm_id()),
                "State": hsm.and_then(|h| h.state()).map(|s| s.as_str()),
            }})
        }
        "DeleteBackup" => {
            let send = c.delete_backup().set_backup_id(i.string("BackupId"));
            i.finish();
            let out = send.send().await.map_err(failure)?;
            json!({"Backup": backup(out.backup())})
        }
        "DeleteCluster" => {
            let send = c.delete_cluster().set_cluster_id(i.string("ClusterId"));
            i.finish();
            let out = send.send().await.map_err(failure)?;
            json!({"Cluster": cluster(out.cluster())})
        }
        "DeleteHsm" => {
            let send = c
                .delete_hsm()
                .set_cluster_id(i.string("ClusterId"))
                .set_hsm_id(i.string("HsmId"))
                .set_eni_id(i.string("EniId"))
                .set_eni_ip(i.string("EniIp"));
            i.finish();
            let out = send.send().await.map_err(failure)?;
            json!({"HsmId": out.hsm_id()})
        }
        "DeleteResourcePolicy" => {
            let send = c
                .delete_resource_policy()
                .set_resource_arn(i.string("ResourceArn"));
            i.finish();
            let out = send.send().await.map_err(failure)?;
            json!({"ResourceArn": out.resource_arn(), "Policy": out.policy()})
        }
        "DescribeBackups" => {
            let send = c
                .describe_backups()
                .set_next_token(i.string("NextToken"))
                .set_max_results(i.int("MaxResults"))
                .set_filters(i.filters("Filters"))
                .set_shared(i.boolean("Shared"))
                .set_sort_ascending(i.boolean("SortAscending"));
            i.finish();
            let out = send.send().await.map_err(failure)?;
            let backups: Vec<Value> = out.backups().iter().map(|b| backup(Some(b))).collect();
            json!({"Backups": backups})
        }
        "DescribeClusters" => {
            let send = c
                .describe_clusters()
                .set_filters(i.filters("Filters"))
                .set_next_token(i.string("NextToken"))
                .set_max_results(i.int("MaxResults"));
            i.finish();
            let out = send.send().await.map_err(failure)?;
            let clusters: Vec<Value> = out.clusters().iter().map(|c| cluster(Some(c))).collect();
            json!({"Clusters": clusters})
        }
        "GetResourcePolicy" => {
            let send = c
                .get_resource_policy()
                .set_resource_arn(i.string("ResourceArn"));
            i.finish();
            let out = send.send().await.map_err(failure)?;
            json!({"Policy": out.policy()})
        }
        "InitializeCluster" => {
            let send = c
                .initialize_cluster()
                .set_cluster_id(i.string("ClusterId"))
                .set_signed_cert(i.string("SignedCert"))
                .set_trust_anchor(i.string("TrustAnchor"));
            i.finish();
            let out = send.send().await.map_err(failure)?;
            json!({"State": out.state().map(|s| s.as_str()), "StateMessage": out.state_message()})
        }
        "ListTags" => {
            let send = c
                .list_tags()
                .set_resource_id(i.string("ResourceId"))
                .set_next_token(i.string("NextToken"))
                .set_max_results(i.int("MaxResults"));
            i.finish();
            let out = send.send().await.map_err(failure)?;
            let tags: Vec<Value> = out
                .tag_list()
                .iter()
                .map(|t| json!({"Key": t.key(), "Value": t.value()}))
                .collect();
            json!({"TagList": tags})
        }
        "ModifyBackupAttributes" => {
            let send = c
                .modify_backup_attributes()
                .set_backup_id(i.string("BackupId"))
                .set_never_expires(i.boolean("NeverExpires"));
            i.finish();
            let out = send.send().await.map_err(failure)?;
            json!({"Backup": backup(out.backup())})
        }
        "ModifyCluster" => {
            let send = c
                .modify_cluster()
                .set_hsm_type(i.string("HsmType"))
                .set_backup_retention_policy(retention(&i))
                .set_cluster_id(i.string("ClusterId"));
            i.finish();
            let out = send.send().await.map_err(failure)?;
            json!({"Cluster": cluster(out.cluster())})
        }
        "PutResourcePolicy" => {
            let send = c
                .put_resource_policy()
                .set_resource_arn(i.string("ResourceArn"))
                .set_policy(i.string("Policy"));
            i.finish();
            let out = send.send().await.map_err(failure)?;
            json!({"ResourceArn": out.resource_arn(), "Policy": out.policy()})
        }
        "RestoreBackup" => {
            let send = c.restore_backup().set_backup_id(i.string("BackupId"));
            i.finish();
            let out = send.send().await.map_err(failure)?;
            json!({"Backup": backup(out.backup())})
        }
        "TagResource" => {
            let send = c
                .tag_resource()
                .set_resource_id(i.string("ResourceId"))
                .set_tag_list(tags(&i));
            i.finish();
            send.send().await.map_err(failure)?;
            json!({})
        }
        "UntagResource" => {
            let send = c
                .untag_resource()
                .set_resource_id(i.string("ResourceId"))
                .set_tag_key_list(i.strings("TagKeyList"));
            i.finish();
            send.send().await.map_err(failure)?;
            json!({})
        }
        other => panic!("no CloudHSM v2 operation {other}"),
    };
    Ok(response)
}
