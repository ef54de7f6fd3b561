//! Typed client for AWS CloudHSM v2 on the console door:
//! `POST /api/cloudhsmv2/<Operation>` with `X-Cmconsole-Region: <region>`
//! naming the region the call addresses (the simulator keeps every region).
//!
//! The `*_request` functions build a request from what a form holds, checked
//! by the `shared` validators; the pages also render them as "Copy as CLI".

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use shared::cloudhsmv2::{
    Backup, BackupId, BackupState, BackupsMaxResults, Cluster, ClusterId, ClusterState,
    ClustersMaxResults, CopyBackupToRegionRequest, CreateClusterRequest, DeleteBackupRequest,
    DeleteClusterRequest, DeleteHsmRequest, DescribeBackupsRequest, DescribeClustersRequest,
    DestinationBackup, EniId, FilterField, Filters, HsmId, IpAddress, ListTagsRequest,
    ModifyBackupAttributesRequest, NextToken, ResourceId, RestoreBackupRequest, Tag, TagInput,
    TagKeyList, TagList, TagResourceRequest, TagsMaxResults, UntagResourceRequest, ops,
};
use shared::validation::{TagKey, TagValue};

use super::{ApiError, invalid};
use shared::operation::ApiOperation;

/// Calls CloudHSM v2 operation `O` in `region` with `input`.
pub async fn call<O>(region: &str, input: &O::Input) -> Result<O::Output, ApiError>
where
    O: ApiOperation<Name = shared::cloudhsmv2::Operation>,
{
    super::http::call::<O>(Some(region), input).await
}

/// A `NextToken` the service sent, to send back.
fn next_token(token: Option<String>) -> Result<Option<NextToken>, ApiError> {
    match token {
        Some(token) if !token.is_empty() => NextToken::parse(token)
            .map(Some)
            .map_err(|e| ApiError::Decode(e.to_string())),
        _ => Ok(None),
    }
}

/// Every cluster of `region` (follows the pages).
pub async fn describe_clusters(region: &str) -> Result<Vec<Cluster>, ApiError> {
    let mut clusters = Vec::new();
    let mut token = None;
    loop {
        let request = DescribeClustersRequest {
            filters: None,
            next_token: token.take(),
            max_results: Some(ClustersMaxResults::parse(25).map_err(invalid)?),
        };
        let page = call::<ops::DescribeClusters>(region, &request).await?;
        clusters.extend(page.clusters);
        token = next_token(page.next_token)?;
        if token.is_none() {
            return Ok(clusters);
        }
    }
}

/// Every backup of `region` matching `filters` (all of them when `None`),
/// newest first (follows the pages).
pub async fn describe_backups(
    region: &str,
    filters: Option<Filters>,
) -> Result<Vec<Backup>, ApiError> {
    describe_backups_of(region, filters, None).await
}

/// Every backup of other accounts shared with this one in `region`
/// (DescribeBackups with `Shared`; follows the pages).
pub async fn describe_shared_backups(region: &str) -> Result<Vec<Backup>, ApiError> {
    describe_backups_of(region, None, Some(true)).await
}

/// The DescribeBackups request listing the backups shared with this account.
#[must_use]
pub fn shared_backups_request() -> DescribeBackupsRequest {
    DescribeBackupsRequest {
        shared: Some(true),
        ..DescribeBackupsRequest::default()
    }
}

async fn describe_backups_of(
    region: &str,
    filters: Option<Filters>,
    shared: Option<bool>,
) -> Result<Vec<Backup>, ApiError> {
    let mut backups = Vec::new();
    let mut token = None;
    loop {
        let request = DescribeBackupsRequest {
            next_token: token.take(),
            max_results: Some(BackupsMaxResults::parse(50).map_err(invalid)?),
            filters: filters.clone(),
            shared,
            sort_ascending: None,
        };
        let page = call::<ops::DescribeBackups>(region, &request).await?;
        backups.extend(page.backups);
        token = next_token(page.next_token)?;
        if token.is_none() {
            return Ok(backups);
        }
    }
}

/// The DescribeClusters request reading the one cluster `cluster_id`.
pub fn describe_cluster_request(cluster_id: &str) -> Result<DescribeClustersRequest, ApiError> {
    Ok(DescribeClustersRequest {
        filters: Some(filter("clusterIds", vec![cluster_id.to_owned()])?),
        ..DescribeClustersRequest::default()
    })
}

/// The DescribeBackups request with the one filter `name` of `value`
/// (`backupIds` for a backup's page, `clusterIds` for a cluster's backups).
pub fn describe_backups_by(name: &str, value: &str) -> Result<DescribeBackupsRequest, ApiError> {
    Ok(DescribeBackupsRequest {
        filters: Some(filter(name, vec![value.to_owned()])?),
        ..DescribeBackupsRequest::default()
    })
}

/// The DescribeClusters request a clusters list stands for: its state and
/// VPC filters.
pub fn describe_clusters_request(
    state: Option<ClusterState>,
    vpc: Option<&str>,
) -> Result<DescribeClustersRequest, ApiError> {
    Ok(DescribeClustersRequest {
        filters: filters_of([
            ("states", state.map(|s| s.as_str().to_owned())),
            ("vpcIds", vpc.map(str::to_owned)),
        ])?,
        next_token: None,
        max_results: None,
    })
}

/// The filters of a backups list, as DescribeBackups takes them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackupFilters {
    /// `states`.
    pub state: Option<BackupState>,
    /// `neverExpires`.
    pub never_expires: Option<bool>,
    /// `sourceBackupIds`: the copies of this backup.
    pub source_backup: Option<String>,
}

impl BackupFilters {
    /// Whether `backup` passes every filter, as DescribeBackups judges it.
    #[must_use]
    pub fn matches(&self, backup: &Backup) -> bool {
        self.state.is_none_or(|s| backup.backup_state == Some(s))
            && self
                .never_expires
                .is_none_or(|n| backup.never_expires.unwrap_or(false) == n)
            && self
                .source_backup
                .as_deref()
                .is_none_or(|s| backup.source_backup.as_deref() == Some(s))
    }
}

/// The DescribeBackups request a backups list stands for: its filters, and
/// oldest first when sorted by creation ascending (the service lists newest
/// first unless `SortAscending` is set).
pub fn describe_backups_request(
    wanted: &BackupFilters,
    oldest_first: bool,
) -> Result<DescribeBackupsRequest, ApiError> {
    Ok(DescribeBackupsRequest {
        next_token: None,
        max_results: None,
        filters: filters_of([
            ("states", wanted.state.map(|s| s.as_str().to_owned())),
            ("neverExpires", wanted.never_expires.map(|n| n.to_string())),
            ("sourceBackupIds", wanted.source_backup.clone()),
        ])?,
        shared: None,
        sort_ascending: oldest_first.then_some(true),
    })
}

/// `Filters` with one value for each `(name, value)` that has one; `None`
/// when none has.
fn filters_of<const N: usize>(
    pairs: [(&str, Option<String>); N],
) -> Result<Option<Filters>, ApiError> {
    let mut map = BTreeMap::new();
    for (name, value) in pairs {
        if let Some(value) = value {
            map.insert(FilterField::parse(name).map_err(invalid)?, vec![value]);
        }
    }
    (!map.is_empty())
        .then(|| Filters::new(map))
        .transpose()
        .map_err(invalid)
}

/// `Filters` with one filter `name` of `values`.
pub fn filter(name: &str, values: Vec<String>) -> Result<Filters, ApiError> {
    let mut map = BTreeMap::new();
    map.insert(FilterField::parse(name).map_err(invalid)?, values);
    Filters::new(map).map_err(invalid)
}

/// Creates a cluster; the answer is the new cluster (CREATE_IN_PROGRESS).
pub async fn create_cluster(
    region: &str,
    request: &CreateClusterRequest,
) -> Result<Cluster, ApiError> {
    let response = call::<ops::CreateCluster>(region, request).await?;
    response
        .cluster
        .ok_or_else(|| ApiError::Decode("CreateCluster answered without a Cluster".to_owned()))
}

/// The DeleteCluster request for `cluster_id`.
pub fn delete_cluster_request(cluster_id: &str) -> Result<DeleteClusterRequest, ApiError> {
    Ok(DeleteClusterRequest {
        cluster_id: ClusterId::parse(cluster_id).map_err(invalid)?,
    })
}

/// Deletes a cluster without HSMs (it goes DELETE_IN_PROGRESS, then away).
pub async fn delete_cluster(region: &str, cluster_id: &str) -> Result<(), ApiError> {
    let request = delete_cluster_request(cluster_id)?;
    call::<ops::DeleteCluster>(region, &request).await?;
    Ok(())
}

/// How DeleteHsm names the HSM: by its id, or by its network interface's
/// id or IP address (the request takes exactly one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HsmRef {
    /// `HsmId`.
    Id(String),
    /// `EniId`.
    EniId(String),
    /// `EniIp`.
    EniIp(String),
}

/// The DeleteHsm request for the HSM `hsm` names in `cluster_id`.
pub fn delete_hsm_request(cluster_id: &str, hsm: &HsmRef) -> Result<DeleteHsmRequest, ApiError> {
    let mut request = DeleteHsmRequest {
        cluster_id: ClusterId::parse(cluster_id).map_err(invalid)?,
        hsm_id: None,
        eni_id: None,
        eni_ip: None,
    };
    match hsm {
        HsmRef::Id(id) => request.hsm_id = Some(HsmId::parse(id.as_str()).map_err(invalid)?),
        HsmRef::EniId(eni) => request.eni_id = Some(EniId::parse(eni.as_str()).map_err(invalid)?),
        HsmRef::EniIp(ip) => request.eni_ip = Some(IpAddress::parse(ip.as_str()).map_err(invalid)?),
    }
    Ok(request)
}

/// Deletes an HSM of a cluster.
pub async fn delete_hsm(region: &str, cluster_id: &str, hsm: &HsmRef) -> Result<(), ApiError> {
    let request = delete_hsm_request(cluster_id, hsm)?;
    call::<ops::DeleteHsm>(region, &request).await?;
    Ok(())
}

fn backup_id_of(backup_id: &str) -> Result<BackupId, ApiError> {
    BackupId::parse(backup_id).map_err(invalid)
}

/// The DeleteBackup request for `backup_id`.
pub fn delete_backup_request(backup_id: &str) -> Result<DeleteBackupRequest, ApiError> {
    Ok(DeleteBackupRequest {
        backup_id: backup_id_of(backup_id)?,
    })
}

/// Deletes a READY backup: it stays PENDING_DELETION for seven days.
pub async fn delete_backup(region: &str, backup_id: &str) -> Result<Backup, ApiError> {
    let request = delete_backup_request(backup_id)?;
    let response = call::<ops::DeleteBackup>(region, &request).await?;
    response
        .backup
        .ok_or_else(|| ApiError::Decode("DeleteBackup answered without a Backup".to_owned()))
}

/// The RestoreBackup request for `backup_id`.
pub fn restore_backup_request(backup_id: &str) -> Result<RestoreBackupRequest, ApiError> {
    Ok(RestoreBackupRequest {
        backup_id: backup_id_of(backup_id)?,
    })
}

/// Restores a PENDING_DELETION backup: it is READY again.
pub async fn restore_backup(region: &str, backup_id: &str) -> Result<Backup, ApiError> {
    let request = restore_backup_request(backup_id)?;
    let response = call::<ops::RestoreBackup>(region, &request).await?;
    response
        .backup
        .ok_or_else(|| ApiError::Decode("RestoreBackup answered without a Backup".to_owned()))
}

/// The ModifyBackupAttributes request setting NeverExpires.
pub fn never_expires_request(
    backup_id: &str,
    never_expires: bool,
) -> Result<ModifyBackupAttributesRequest, ApiError> {
    Ok(ModifyBackupAttributesRequest {
        backup_id: backup_id_of(backup_id)?,
        never_expires,
    })
}

/// Exempts a backup from its cluster's retention policy (or not).
pub async fn set_never_expires(
    region: &str,
    backup_id: &str,
    never_expires: bool,
) -> Result<Backup, ApiError> {
    let request = never_expires_request(backup_id, never_expires)?;
    let response = call::<ops::ModifyBackupAttributes>(region, &request).await?;
    response.backup.ok_or_else(|| {
        ApiError::Decode("ModifyBackupAttributes answered without a Backup".to_owned())
    })
}

/// What CopyBackupToRegion started, with the new backup's id once found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopiedBackup {
    /// The region the copy is made in.
    pub destination_region: String,
    /// The copy's id, found with DescribeBackups in the destination region
    /// (the service does not return it); `None` when it is not listed yet.
    pub backup_id: Option<String>,
    /// The service's answer.
    pub destination: DestinationBackup,
}

/// Copies a READY backup to another region, then looks the copy up there.
pub async fn copy_backup_to_region(
    region: &str,
    request: &CopyBackupToRegionRequest,
) -> Result<CopiedBackup, ApiError> {
    let response = call::<ops::CopyBackupToRegion>(region, request).await?;
    let destination = response.destination_backup.ok_or_else(|| {
        ApiError::Decode("CopyBackupToRegion answered without a DestinationBackup".to_owned())
    })?;
    let destination_region = request.destination_region.to_string();
    let source = request.backup_id.to_string();
    let copies = describe_backups(
        &destination_region,
        Some(filter("sourceBackupIds", vec![source])?),
    )
    .await?;
    Ok(CopiedBackup {
        backup_id: pick_copy(&copies, destination.create_timestamp),
        destination_region,
        destination,
    })
}

/// Of the copies of one source backup, the one the copy created at
/// `created` made (copies made earlier have other timestamps); the newest
/// when none matches exactly.
pub fn pick_copy(copies: &[Backup], created: Option<DateTime<Utc>>) -> Option<String> {
    let same_time = |b: &&Backup| {
        created.is_some() && (b.copy_timestamp == created || b.create_timestamp == created)
    };
    copies
        .iter()
        .find(same_time)
        .or_else(|| copies.iter().max_by_key(|b| b.create_timestamp))
        .map(|b| b.backup_id.clone())
}

fn resource_of(resource_id: &str) -> Result<ResourceId, ApiError> {
    ResourceId::parse(resource_id).map_err(invalid)
}

/// Every tag of a cluster or backup (follows the pages).
pub async fn list_tags(region: &str, resource_id: &str) -> Result<Vec<Tag>, ApiError> {
    let resource = resource_of(resource_id)?;
    let mut tags = Vec::new();
    let mut token = None;
    loop {
        let request = ListTagsRequest {
            resource_id: resource.clone(),
            next_token: token.take(),
            max_results: Some(TagsMaxResults::parse(100).map_err(invalid)?),
        };
        let page = call::<ops::ListTags>(region, &request).await?;
        tags.extend(page.tag_list);
        token = next_token(page.next_token)?;
        if token.is_none() {
            return Ok(tags);
        }
    }
}

/// A `TagList` from key and value pairs; `None` when there are none.
pub fn tag_list(pairs: Vec<(TagKey, TagValue)>) -> Result<Option<TagList>, ApiError> {
    if pairs.is_empty() {
        return Ok(None);
    }
    let tags = pairs
        .into_iter()
        .map(|(key, value)| TagInput { key, value })
        .collect();
    TagList::new(tags).map(Some).map_err(invalid)
}

/// The TagResource request adding one tag (overwriting the value of an existing key).
pub fn tag_resource_request(
    resource_id: &str,
    key: &str,
    value: &str,
) -> Result<TagResourceRequest, ApiError> {
    let pair = (
        TagKey::parse(key).map_err(invalid)?,
        TagValue::parse(value).map_err(invalid)?,
    );
    Ok(TagResourceRequest {
        resource_id: resource_of(resource_id)?,
        tag_list: tag_list(vec![pair])?
            .ok_or_else(|| ApiError::Invalid("no tag to add".to_owned()))?,
    })
}

/// Adds a tag to a cluster or backup, overwriting the value of an existing key.
pub async fn tag_resource(
    region: &str,
    resource_id: &str,
    key: &str,
    value: &str,
) -> Result<(), ApiError> {
    let request = tag_resource_request(resource_id, key, value)?;
    call::<ops::TagResource>(region, &request).await?;
    Ok(())
}

/// The ListTags request for the first page of a cluster's or backup's tags.
pub fn list_tags_request(resource_id: &str) -> Result<ListTagsRequest, ApiError> {
    Ok(ListTagsRequest {
        resource_id: resource_of(resource_id)?,
        next_token: None,
        max_results: None,
    })
}

/// The UntagResource request removing the tag of `key`.
pub fn untag_resource_request(
    resource_id: &str,
    key: &str,
) -> Result<UntagResourceRequest, ApiError> {
    Ok(UntagResourceRequest {
        resource_id: resource_of(resource_id)?,
        tag_key_list: TagKeyList::new(vec![TagKey::parse(key).map_err(invalid)?])
            .map_err(invalid)?,
    })
}

/// Removes a tag from a cluster or backup.
pub async fn untag_resource(region: &str, resource_id: &str, key: &str) -> Result<(), ApiError> {
    let request = untag_resource_request(resource_id, key)?;
    call::<ops::UntagResource>(region, &request).await?;
    Ok(())
}

/// The ARN a resource-policy request names, checked.
fn policy_arn_of(arn: &str) -> Result<shared::cloudhsmv2::CloudHsmArn, ApiError> {
    shared::cloudhsmv2::CloudHsmArn::parse(arn).map_err(invalid)
}

/// The PutResourcePolicy request for the backup `arn`: `document` must be a
/// policy document (JSON with Allow or Deny statements, 1-20000 characters).
pub fn put_policy_request(
    arn: &str,
    document: &str,
) -> Result<shared::cloudhsmv2::PutResourcePolicyRequest, ApiError> {
    let policy = shared::cloudhsmv2::ResourcePolicy::parse(document).map_err(invalid)?;
    policy
        .check_document()
        .map_err(|e| ApiError::Invalid(e.to_string()))?;
    Ok(shared::cloudhsmv2::PutResourcePolicyRequest {
        resource_arn: Some(policy_arn_of(arn)?),
        policy: Some(policy),
    })
}

/// The GetResourcePolicy request for the backup `arn`.
pub fn get_policy_request(
    arn: &str,
) -> Result<shared::cloudhsmv2::GetResourcePolicyRequest, ApiError> {
    Ok(shared::cloudhsmv2::GetResourcePolicyRequest {
        resource_arn: Some(policy_arn_of(arn)?),
    })
}

/// The DeleteResourcePolicy request for the backup `arn`.
pub fn delete_policy_request(
    arn: &str,
) -> Result<shared::cloudhsmv2::DeleteResourcePolicyRequest, ApiError> {
    Ok(shared::cloudhsmv2::DeleteResourcePolicyRequest {
        resource_arn: Some(policy_arn_of(arn)?),
    })
}

/// The backup's resource policy, `None` when it has none.
pub async fn get_resource_policy(region: &str, arn: &str) -> Result<Option<String>, ApiError> {
    Ok(
        call::<ops::GetResourcePolicy>(region, &get_policy_request(arn)?)
            .await?
            .policy,
    )
}

/// Attaches (or replaces) the backup's resource policy.
pub async fn put_resource_policy(
    region: &str,
    request: &shared::cloudhsmv2::PutResourcePolicyRequest,
) -> Result<(), ApiError> {
    call::<ops::PutResourcePolicy>(region, request).await?;
    Ok(())
}

/// Removes the backup's resource policy.
pub async fn delete_resource_policy(region: &str, arn: &str) -> Result<(), ApiError> {
    call::<ops::DeleteResourcePolicy>(region, &delete_policy_request(arn)?).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_backups_list_stands_for_a_describe_backups_call() {
        let all = describe_backups_request(&BackupFilters::default(), false).unwrap();
        assert_eq!(serde_json::to_string(&all).unwrap(), "{}");
        let ready = BackupFilters {
            state: Some(BackupState::Ready),
            ..BackupFilters::default()
        };
        let ready_oldest = describe_backups_request(&ready, true).unwrap();
        assert_eq!(
            serde_json::to_string(&ready_oldest).unwrap(),
            r#"{"Filters":{"states":["READY"]},"SortAscending":true}"#
        );
        let kept_copies = BackupFilters {
            never_expires: Some(true),
            source_backup: Some("backup-234567abcdefg".to_owned()),
            ..BackupFilters::default()
        };
        let kept = describe_backups_request(&kept_copies, false).unwrap();
        assert_eq!(
            serde_json::to_string(&kept).unwrap(),
            r#"{"Filters":{"neverExpires":["true"],"sourceBackupIds":["backup-234567abcdefg"]}}"#
        );
    }

    fn copy(id: &str, created: i64, copied: Option<i64>) -> Backup {
        let at = |s: i64| Utc.timestamp_opt(s, 0).unwrap();
        Backup {
            backup_id: id.to_owned(),
            create_timestamp: Some(at(created)),
            copy_timestamp: copied.map(at),
            ..Backup::default()
        }
    }

    #[test]
    fn the_copy_made_now_is_picked_among_earlier_copies() {
        let copies = [
            copy("backup-aaaaaaaaaaa", 100, Some(100)),
            copy("backup-bbbbbbbbbbb", 300, Some(300)),
            copy("backup-ccccccccccc", 200, Some(200)),
        ];
        let at = Utc.timestamp_opt(200, 0).unwrap();
        assert_eq!(
            pick_copy(&copies, Some(at)).as_deref(),
            Some("backup-ccccccccccc")
        );
        // No exact match (or no timestamp in the answer): the newest.
        assert_eq!(
            pick_copy(&copies, None).as_deref(),
            Some("backup-bbbbbbbbbbb")
        );
        assert_eq!(pick_copy(&[], None), None);
    }

    #[test]
    fn requests_are_checked_before_sending() {
        assert!(delete_backup_request("backup-ro5c4er4aac").is_ok());
        assert!(matches!(
            delete_backup_request("backup-1"),
            Err(ApiError::Invalid(_))
        ));
        let request = tag_resource_request("cluster-igklspoyj5v", "team", "pki").unwrap();
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            serde_json::json!({"ResourceId": "cluster-igklspoyj5v", "TagList": [{"Key": "team", "Value": "pki"}]})
        );
        assert!(tag_resource_request("hsm-ucx4b7ydvdr", "team", "pki").is_err());
        assert_eq!(
            serde_json::to_value(never_expires_request("backup-ro5c4er4aac", true).unwrap())
                .unwrap(),
            serde_json::json!({"BackupId": "backup-ro5c4er4aac", "NeverExpires": true})
        );
        assert_eq!(tag_list(vec![]).unwrap(), None);
    }

    #[test]
    fn filters_name_one_field() {
        let filters = filter("sourceBackupIds", vec!["backup-ro5c4er4aac".to_owned()]).unwrap();
        assert_eq!(
            serde_json::to_value(&filters).unwrap(),
            serde_json::json!({"sourceBackupIds": ["backup-ro5c4er4aac"]})
        );
    }

    #[test]
    fn a_policy_must_be_a_policy_document() {
        let arn = "arn:aws:cloudhsm:us-east-1:123456789012:backup/backup-ro5c4er4aac";
        let refused = |doc: &str| super::put_policy_request(arn, doc).unwrap_err().to_string();
        assert!(refused("{").contains("not valid JSON"));
        assert!(refused("{}").contains("at least one Statement"));
        assert!(refused(r#"{"Statement":{"Effect":"Maybe"}}"#).contains("Allow or Deny"));
        let request =
            super::put_policy_request(arn, r#"{"Statement":{"Effect":"Allow"}}"#).unwrap();
        assert_eq!(serde_json::to_value(&request).unwrap()["ResourceArn"], arn);
        assert!(
            super::put_policy_request("arn:nope", r#"{"Statement":{"Effect":"Allow"}}"#).is_err()
        );
    }
}
