//! Node associations and disassociations started from this console (for the
//! browser session), kept current by the stream's `node-association` events
//! and, as a fallback, by polling DescribeNodeAssociationStatus.

use std::collections::VecDeque;
use std::time::Duration;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::events::NodeAssociation;
use shared::opsworkscm::attributes::PUPPET_NODE_CERT;
use shared::opsworkscm::{EngineAttribute, NodeAssociationStatus};

use crate::api::opsworkscm::nodes::describe_node_association_status;

/// How often a running association is polled (the stream is usually faster).
const POLL_INTERVAL: Duration = Duration::from_secs(5);
/// Stream updates kept for tokens not tracked yet (an event can beat the response).
const EARLY_CAPACITY: usize = 64;

/// What a tracked request does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeAction {
    /// AssociateNode.
    Associate,
    /// DisassociateNode.
    Disassociate,
}

impl NodeAction {
    /// Label for the list.
    pub fn label(self) -> &'static str {
        match self {
            Self::Associate => "Associate",
            Self::Disassociate => "Disassociate",
        }
    }
}

/// One association or disassociation started from this console.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackedAssociation {
    /// Association or disassociation.
    pub action: NodeAction,
    /// The server.
    pub server_name: String,
    /// The node.
    pub node_name: String,
    /// NodeAssociationStatusToken.
    pub token: String,
    /// Latest known status.
    pub status: NodeAssociationStatus,
    /// `PUPPET_NODE_CERT`, once a Puppet association succeeded.
    pub certificate: Option<String>,
    /// When the service started it (from the stream; simulated time).
    pub started_at: Option<DateTime<Utc>>,
}

impl TrackedAssociation {
    /// Takes a newer report: a finished request never goes back to IN_PROGRESS.
    fn update(&mut self, status: NodeAssociationStatus, attributes: &[EngineAttribute]) {
        if self.status == NodeAssociationStatus::InProgress {
            self.status = status;
        }
        if let Some(cert) = attributes
            .iter()
            .find(|a| a.name.as_deref() == Some(PUPPET_NODE_CERT))
            .and_then(|a| a.value.clone())
        {
            self.certificate = Some(cert);
        }
    }
}

/// The tracked requests (a `Copy` handle, part of the live store).
#[derive(Clone, Copy, Default)]
pub struct Associations {
    tracked: RwSignal<Vec<TrackedAssociation>>,
    early: StoredValue<VecDeque<NodeAssociation>>,
}

impl Associations {
    /// Starts tracking the request that answered `token`, then follows it
    /// until it succeeds or fails.
    pub fn start(&self, action: NodeAction, server_name: &str, node_name: &str, token: String) {
        self.track(action, server_name, node_name, token.clone());
        self.follow(server_name.to_owned(), token);
    }

    /// Adds the entry, with whatever the stream already said about it.
    fn track(&self, action: NodeAction, server_name: &str, node_name: &str, token: String) {
        let mut entry = TrackedAssociation {
            action,
            server_name: server_name.to_owned(),
            node_name: node_name.to_owned(),
            token: token.clone(),
            status: NodeAssociationStatus::InProgress,
            certificate: None,
            started_at: None,
        };
        self.early.update_value(|early| {
            for event in early
                .iter()
                .filter(|e| e.node_association_status_token == token)
            {
                entry.started_at = Some(event.created_at);
                entry.update(event.node_association_status, &event.engine_attributes);
            }
            early.retain(|e| e.node_association_status_token != token);
        });
        self.tracked.update(|list| list.push(entry));
    }

    /// Applies a `node-association` event of the stream.
    pub fn apply_event(&self, event: NodeAssociation) {
        let token = event.node_association_status_token.clone();
        let known = self.with_entry(&token, |entry| {
            entry.started_at = entry.started_at.or(Some(event.created_at));
            entry.update(event.node_association_status, &event.engine_attributes);
        });
        if !known {
            self.early.update_value(|early| {
                if early.len() == EARLY_CAPACITY {
                    early.pop_front();
                }
                early.push_back(event);
            });
        }
    }

    /// The tracked requests of one server, newest first (tracked).
    pub fn of_server(&self, server_name: &str) -> Vec<TrackedAssociation> {
        self.tracked.with(|list| {
            list.iter()
                .rev()
                .filter(|a| a.server_name == server_name)
                .cloned()
                .collect()
        })
    }

    /// Runs `f` on the entry of `token` if it changes it; false when not tracked.
    fn with_entry(&self, token: &str, f: impl FnOnce(&mut TrackedAssociation)) -> bool {
        let Some(index) = self
            .tracked
            .with_untracked(|list| list.iter().position(|a| a.token == token))
        else {
            return false;
        };
        let mut entry = self.tracked.with_untracked(|list| list[index].clone());
        f(&mut entry);
        if self.tracked.with_untracked(|list| list[index] != entry) {
            self.tracked.update(|list| list[index] = entry);
        }
        true
    }

    fn in_progress(&self, token: &str) -> bool {
        self.tracked.with_untracked(|list| {
            list.iter()
                .any(|a| a.token == token && a.status == NodeAssociationStatus::InProgress)
        })
    }

    /// Asks DescribeNodeAssociationStatus now and again every
    /// [`POLL_INTERVAL`] while the request runs (covers a dropped stream).
    fn follow(self, server_name: String, token: String) {
        spawn_local(async move {
            if let Ok(answer) = describe_node_association_status(&server_name, &token).await
                && let Some(status) = answer.node_association_status
            {
                self.with_entry(&token, |entry| {
                    entry.update(status, &answer.engine_attributes)
                });
            }
            if self.in_progress(&token) {
                set_timeout(move || self.follow(server_name, token), POLL_INTERVAL);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn event(token: &str, status: NodeAssociationStatus, cert: Option<&str>) -> NodeAssociation {
        NodeAssociation {
            server_name: "pup".to_owned(),
            node_name: "node1".to_owned(),
            node_association_status_token: token.to_owned(),
            node_association_status: status,
            engine_attributes: cert
                .map(|c| vec![EngineAttribute::new(PUPPET_NODE_CERT, c)])
                .unwrap_or_default(),
            created_at: Utc.timestamp_opt(100, 0).unwrap(),
        }
    }

    fn entry(status: NodeAssociationStatus) -> TrackedAssociation {
        TrackedAssociation {
            action: NodeAction::Associate,
            server_name: "pup".to_owned(),
            node_name: "node1".to_owned(),
            token: "t1".to_owned(),
            status,
            certificate: None,
            started_at: None,
        }
    }

    #[test]
    fn a_finished_request_never_goes_back_to_in_progress() {
        let mut done = entry(NodeAssociationStatus::Success);
        done.update(NodeAssociationStatus::InProgress, &[]);
        assert_eq!(done.status, NodeAssociationStatus::Success);
        let mut running = entry(NodeAssociationStatus::InProgress);
        running.update(
            NodeAssociationStatus::Success,
            &[EngineAttribute::new(PUPPET_NODE_CERT, "PEM")],
        );
        assert_eq!(running.status, NodeAssociationStatus::Success);
        assert_eq!(running.certificate.as_deref(), Some("PEM"));
    }

    #[test]
    fn stream_events_update_tracked_requests_only() {
        let associations = Associations::default();
        associations
            .tracked
            .set(vec![entry(NodeAssociationStatus::InProgress)]);
        associations.apply_event(event("t1", NodeAssociationStatus::Success, Some("CERT")));
        associations.apply_event(event("other", NodeAssociationStatus::Success, None));
        let list = associations.of_server("pup");
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].status, NodeAssociationStatus::Success);
        assert_eq!(list[0].certificate.as_deref(), Some("CERT"));
        assert_eq!(list[0].started_at, Some(Utc.timestamp_opt(100, 0).unwrap()));
        assert!(associations.of_server("web").is_empty());
        // The untracked one waits in case its AssociateNode answer is still on its way.
        assert_eq!(associations.early.with_value(VecDeque::len), 1);
    }

    #[test]
    fn an_event_that_beat_the_answer_is_not_lost() {
        let associations = Associations::default();
        associations.apply_event(event("t1", NodeAssociationStatus::Success, Some("CERT")));
        associations.track(NodeAction::Associate, "pup", "node1", "t1".to_owned());
        let list = associations.of_server("pup");
        assert_eq!(list[0].status, NodeAssociationStatus::Success);
        assert_eq!(list[0].certificate.as_deref(), Some("CERT"));
        assert_eq!(associations.early.with_value(VecDeque::len), 0);
    }

    #[test]
    fn early_events_are_bounded() {
        let associations = Associations::default();
        for i in 0..(EARLY_CAPACITY + 5) {
            associations.apply_event(event(
                &format!("t{i}"),
                NodeAssociationStatus::InProgress,
                None,
            ));
        }
        assert_eq!(associations.early.with_value(VecDeque::len), EARLY_CAPACITY);
    }
}
