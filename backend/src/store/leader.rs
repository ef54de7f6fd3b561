//! Which of the instances sharing one PostgreSQL database leads.
//!
//! Each instance campaigns on a dedicated session: the one holding the
//! advisory lock [`LEADER_LOCK`] leads. On winning it bumps the term in
//! `cmconsole_leader` and advertises its address there; its store then
//! checks that term in every commit ([`super::PostgresStore::fence`]), so
//! once a successor has bumped the term the old leader cannot write, even
//! if it has not noticed yet. A leader that dies loses the lock with its
//! session, and the next candidate to try (every [`RETRY`]) takes over.
//!
//! The store must have been opened on the database first: it creates the
//! table.

use std::time::Duration;

use tokio::sync::watch;
use tokio_postgres::{Client, Config};

use super::postgres::{connect, tls_connector};

/// Advisory lock key of the leadership ("cmclead" in ASCII).
pub const LEADER_LOCK: i64 = 0x0063_6d63_6c65_6164;

/// How often a candidate tries for the lock, and a leader checks its session.
pub const RETRY: Duration = Duration::from_secs(1);

/// What this instance is, as far as it knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// Not connected to the database: neither leads nor knows who does.
    Unknown,
    /// Leads, in `term`.
    Leader {
        /// The term this instance won (increases with each takeover).
        term: i64,
    },
    /// Another instance leads, reachable at `leader` when it has said.
    Follower {
        /// The leader's advertised address.
        leader: Option<String>,
    },
}

/// A running campaign; dropping it ends it (and gives up the lead).
pub struct Election {
    role: watch::Receiver<Role>,
    task: tokio::task::JoinHandle<()>,
}

impl Election {
    /// Campaigns for the database `config` names, advertising `address`
    /// (where followers reach this instance) when it wins.
    pub fn start(config: Config, address: String) -> Self {
        let (tx, role) = watch::channel(Role::Unknown);
        let task = tokio::spawn(campaign(config, address, tx));
        Self { role, task }
    }

    /// The role now, and each change of it.
    pub fn role(&self) -> watch::Receiver<Role> {
        self.role.clone()
    }
}

impl Drop for Election {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn campaign(config: Config, address: String, role: watch::Sender<Role>) {
    let tls = tls_connector();
    loop {
        match connect(&config, &tls).await {
            Ok(client) => {
                if let Err(err) = hold(&client, &address, &role).await {
                    tracing::warn!(error = %err, "the leadership session ended");
                }
            }
            Err(err) => tracing::warn!(error = %err, "cannot reach the database to campaign"),
        }
        // Whatever this instance was, it no longer knows.
        role.send_replace(Role::Unknown);
        tokio::time::sleep(RETRY).await;
    }
}

/// Campaigns on `client` until its session fails.
async fn hold(
    client: &Client,
    address: &str,
    role: &watch::Sender<Role>,
) -> Result<(), tokio_postgres::Error> {
    loop {
        let won: bool = client
            .query_one("SELECT pg_try_advisory_lock($1)", &[&LEADER_LOCK])
            .await?
            .get(0);
        if won {
            let term: i64 = client
                .query_one(
                    "UPDATE cmconsole_leader SET term = term + 1, address = $1, since = now()
                     RETURNING term",
                    &[&address],
                )
                .await?
                .get(0);
            tracing::info!(term, "leading the instances on this database");
            role.send_replace(Role::Leader { term });
            // The lock lives as long as this session: keep checking it.
            loop {
                tokio::time::sleep(RETRY).await;
                client.simple_query("SELECT 1").await?;
            }
        }
        let leader: Option<String> = client
            .query_opt(
                "SELECT address FROM cmconsole_leader WHERE term > 0 AND address <> ''",
                &[],
            )
            .await?
            .map(|row| row.get(0));
        let follower = Role::Follower { leader };
        role.send_if_modified(|now| {
            let changed = *now != follower;
            *now = follower.clone();
            changed
        });
        tokio::time::sleep(RETRY).await;
    }
}
