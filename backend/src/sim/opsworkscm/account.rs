//! DescribeAccountAttributes and DescribeEvents.

use shared::opsworkscm::{
    AccountAttribute, DescribeAccountAttributesRequest, DescribeAccountAttributesResponse,
    DescribeEventsRequest, DescribeEventsResponse, ServerEvent,
};

use crate::error::ServiceError;
use crate::sim::OpsWorksCm;
use crate::sim::pagination::{PageRequest, page};
use crate::target::RequestContext;
use shared::operation::Handles;
use shared::opsworkscm::{Operation, ops};

impl Handles<ops::DescribeAccountAttributes> for OpsWorksCm<'_> {
    /// DescribeAccountAttributes: ServerLimit and ManualBackupLimit with usage.
    async fn handle(
        &self,
        _ctx: &RequestContext,
        _req: DescribeAccountAttributesRequest,
    ) -> Result<DescribeAccountAttributesResponse, ServiceError> {
        let (servers, manual) = self.read(|state| {
            let manual = state.opsworkscm.manual_backups();
            (state.opsworkscm.servers.len(), manual)
        });
        let attr = |name: &str, max: usize, used: usize| AccountAttribute {
            name: Some(name.to_owned()),
            maximum: Some(max as i64),
            used: Some(used as i64),
        };
        Ok(DescribeAccountAttributesResponse {
            attributes: vec![
                attr("ServerLimit", self.config.opsworkscm.server_limit, servers),
                attr(
                    "ManualBackupLimit",
                    self.config.opsworkscm.manual_backup_limit,
                    manual,
                ),
            ],
        })
    }
}

impl Handles<ops::DescribeEvents> for OpsWorksCm<'_> {
    /// DescribeEvents: newest first, paginated.
    async fn handle(
        &self,
        _ctx: &RequestContext,
        req: DescribeEventsRequest,
    ) -> Result<DescribeEventsResponse, ServiceError> {
        let now = self.now();
        let name = req.server_name.as_str();
        self.read(|state| {
            if !state.opsworkscm.servers.contains_key(name) {
                return Err(ServiceError::not_found(format!(
                    "Server {name} does not exist."
                )));
            }
            let items: Vec<(i64, ServerEvent)> = state
                .opsworkscm
                .events
                .get(name)
                .map(|events| {
                    events
                        .iter()
                        .rev()
                        .map(|e| (-(e.seq as i64), e.event.clone()))
                        .collect()
                })
                .unwrap_or_default();
            let (server_events, next_token) = page(
                &PageRequest::new(
                    &state.token_key,
                    format!("{}|{name}", Operation::DescribeEvents),
                    req.max_results,
                    req.next_token.as_ref(),
                    now,
                ),
                items,
            )?;
            Ok(DescribeEventsResponse {
                server_events,
                next_token,
            })
        })
    }
}
