//! Several instances on one PostgreSQL database (`serve --database-url`).
//!
//! Every instance campaigns for the lead ([`crate::store::leader`]); what
//! it does follows from the outcome ([`duties`]):
//!
//! - the **leader** runs the simulator's writes and its scheduler (in
//!   upstream mode, the poller and all signing), its store fenced at its
//!   term so it writes nothing once a successor has taken over;
//! - a **follower** loads the state, replays the leader's changes as they
//!   commit (`LISTEN` as the wake-up, the change log as the truth), serves
//!   Describe, List and Get calls, the console and the event stream from
//!   that state, and forwards every other call to the leader ([`forward`]).
//!
//! A forwarded call carries an HMAC over a secret the instances share in
//! the database, so the leader runs it without checking again what the
//! follower checked (Host, origin, session); the leader answers with the
//! change-log position the call committed up to, and the follower answers
//! its client once it has replayed that far: a client reads its own
//! writes on any instance.

mod duties;
pub mod forward;

use std::sync::Arc;

use tokio::sync::watch;

use crate::store::PostgresStore;
use crate::store::leader::Election;

pub use duties::{Duties, LeaderWork};

/// What this instance does now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duty {
    /// Neither leads nor follows yet (connecting, or taking over).
    Starting,
    /// Leads: runs every call itself.
    Leading,
    /// Follows: replays the leader's changes, forwards its writes.
    Following,
}

/// This instance's place among those on its database.
pub struct Cluster {
    election: Election,
    duty: watch::Sender<Duty>,
    /// The newest change-log position this instance has (replayed or
    /// written).
    applied: watch::Sender<u64>,
    key: aws_lc_rs::hmac::Key,
    store: Arc<PostgresStore>,
    /// Upstream mode: every call is forwarded (only the leader signs).
    upstream: bool,
    client: forward::Client,
}

impl Cluster {
    /// Joins the instances on `store`'s database, campaigning with the
    /// connection settings `config` and advertising `address` (the URL
    /// the others reach this instance at). Nothing runs until
    /// [`Duties::start`].
    pub fn join(
        store: Arc<PostgresStore>,
        config: tokio_postgres::Config,
        address: String,
        upstream: bool,
    ) -> Arc<Self> {
        let key = aws_lc_rs::hmac::Key::new(
            aws_lc_rs::hmac::HMAC_SHA256,
            store.cluster_secret().as_bytes(),
        );
        Arc::new(Self {
            election: Election::start(config, address),
            duty: watch::Sender::new(Duty::Starting),
            applied: watch::Sender::new(0),
            key,
            store,
            upstream,
            client: forward::client(),
        })
    }

    /// What this instance does now.
    pub fn duty(&self) -> Duty {
        *self.duty.borrow()
    }

    /// Waits until this instance leads or follows (the election has
    /// decided and the state is loaded), and says which.
    pub async fn ready(&self) -> Duty {
        let mut duty = self.duty.subscribe();
        let ready = duty.wait_for(|duty| *duty != Duty::Starting).await;
        ready.map_or(Duty::Starting, |duty| *duty)
    }

    /// What the health check says: `leader`, `follower` or `starting`.
    pub fn describe(&self) -> &'static str {
        match self.duty() {
            Duty::Starting => "starting",
            Duty::Leading => "leader",
            Duty::Following => "follower",
        }
    }
}
