//! Time and account control of the simulator (`/api/sim/...`, `--seed-demo`):
//! move the clock, change the speed, empty the account, seed a demo account.

use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::json;
use shared::opsworkscm::{BackupType, Operation, Server, ServerStatus};

use super::Simulator;
use super::changes::ClockSetting;
use super::opsworkscm::artifacts;
use super::{cloudhsm, opsworkscm};
use crate::error::ServiceError;
use crate::target::RequestContext;

/// Names of the servers `seed_demo` creates.
pub const DEMO_SERVERS: [&str; 3] = ["chef-prod", "chef-dev", "puppet-prod"];

impl Simulator {
    /// Sets the time factor for durations started from now on.
    ///
    /// The speed is stored with the state, so it survives a restart (unless
    /// `--speed` is given again).
    pub async fn set_speed(&self, speed: f64) -> Result<(), ServiceError> {
        super::bounds::check_speed(speed).map_err(ServiceError::validation)?;
        let setting = ClockSetting {
            speed,
            ..self.clock_setting(0)
        };
        self.mutate(|_, changes| {
            changes.clock(&setting);
            Ok(())
        })
        .await?;
        self.speed.store(speed.to_bits(), Ordering::Relaxed);
        Ok(())
    }

    /// Moves simulated time forward and completes what fell due, in order.
    pub async fn advance_clock(&self, by: Duration) -> Result<usize, ServiceError> {
        super::bounds::check_seconds("seconds", by.as_secs_f64(), true)
            .map_err(ServiceError::validation)?;
        let target = chrono::Duration::from_std(by)
            .ok()
            .and_then(|by| self.now().checked_add_signed(by));
        if target.is_none_or(|t| t > super::bounds::latest_time()) {
            return Err(ServiceError::validation(
                "The simulated clock cannot go past the year 9000.",
            ));
        }
        // Stored first: the clock moves only once the move is durable, so a
        // restart never finds due work stalled behind a forgotten jump.
        let ahead_ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        let setting = self.clock_setting(ahead_ms);
        self.mutate(|_, changes| {
            changes.clock(&setting);
            Ok(())
        })
        .await?;
        if !self.clock.advance(by) {
            return Err(ServiceError::validation("This clock cannot be moved."));
        }
        self.wake.notify_one();
        self.run_due().await
    }

    /// Deletes every server, backup, event and node association.
    pub async fn reset(&self) -> Result<(), ServiceError> {
        self.mutate(|state, changes| {
            opsworkscm::records::RecordChanges::remove_all(changes, state);
            cloudhsm::records::RecordChanges::remove_all(changes, state);
            Ok(())
        })
        .await
    }

    /// Makes a settled server UNHEALTHY or CONNECTION_LOST (with a reason,
    /// recovering after `recover_after_seconds` of simulated time when
    /// given), or HEALTHY again; or terminates its EC2 instance outside the
    /// service (TERMINATED), after which only RestoreServer or DeleteServer
    /// helps.
    pub async fn set_health(
        &self,
        name: &str,
        status: ServerStatus,
        reason: Option<String>,
        recover_after_seconds: Option<f64>,
    ) -> Result<Server, ServiceError> {
        use ServerStatus as S;
        if !matches!(
            status,
            S::Healthy | S::Unhealthy | S::ConnectionLost | S::Terminated
        ) {
            return Err(ServiceError::validation(
                "status must be HEALTHY, UNHEALTHY, CONNECTION_LOST or TERMINATED.",
            ));
        }
        if status == S::Terminated && recover_after_seconds.is_some() {
            return Err(ServiceError::validation(
                "A TERMINATED server does not recover on its own: restore a backup to it or delete it.",
            ));
        }
        if let Some(seconds) = recover_after_seconds {
            super::bounds::check_seconds("recoverAfterSeconds", seconds, false)
                .map_err(ServiceError::validation)?;
        }
        super::bounds::check_text("reason", reason.as_deref()).map_err(ServiceError::validation)?;
        let now = self.now();
        let recover_at =
            recover_after_seconds.map(|s| super::opsworkscm::lifecycle::after_seconds(now, s));
        self.mutate(|state, changes| {
            let rec = super::opsworkscm::servers::server_mut(state, name)?;
            super::opsworkscm::lifecycle::require_status(
                rec,
                &[S::Healthy, S::Unhealthy, S::ConnectionLost, S::Running],
                "change the health of",
            )?;
            if status == S::Terminated {
                super::opsworkscm::health::terminate_instance(state, changes, name, reason, now);
            } else {
                super::opsworkscm::health::change_health(
                    state, changes, name, status, reason, recover_at, now,
                );
            }
            Ok(state.opsworkscm.servers[name].server.clone())
        })
        .await
    }

    /// Adds a fault; health faults start the minute health checks.
    pub fn add_fault(
        &self,
        spec: super::faults::FaultSpec,
    ) -> Result<super::faults::Fault, ServiceError> {
        let fault = self.faults.add(spec)?;
        if fault.spec.kind.is_health() {
            let first = self.due_in(super::opsworkscm::durations::HEALTH_CHECK);
            self.with_working(|state| {
                state.next_health_check =
                    Some(state.next_health_check.map_or(first, |t| t.min(first)));
            });
            self.wake.notify_one();
        }
        Ok(fault)
    }

    /// Completes every transition in progress at once, including those the
    /// completed ones start (a creation's SETUP and first health check).
    async fn finish_everything_now(&self) -> Result<(), ServiceError> {
        /// More rounds than any chain of transitions has steps.
        const ROUNDS: usize = 8;
        let now = self.now();
        self.mutate(|state, changes| {
            for _ in 0..ROUNDS {
                let mut waiting = false;
                for rec in state.opsworkscm.servers.values_mut() {
                    if let Some(p) = rec.pending.as_mut() {
                        p.due = p.due.min(now);
                        waiting = true;
                    }
                    if rec.server.status == Some(ServerStatus::Running)
                        && let Some(at) = rec.recover_at.as_mut()
                    {
                        *at = (*at).min(now);
                        waiting = true;
                    }
                }
                for rec in state.opsworkscm.associations.values_mut() {
                    waiting |= rec.due.is_some();
                    rec.due = rec.due.map(|d| d.min(now));
                }
                if !waiting {
                    break;
                }
                super::complete_due(self, state, changes, now);
            }
            Ok(())
        })
        .await
    }

    /// Fills an empty account with Chef and Puppet servers, backups, events
    /// and associated nodes, all made through the ordinary operations.
    pub async fn seed_demo(&self) -> Result<Vec<String>, ServiceError> {
        self.randomly(self.seed_demo_servers()).await
    }

    async fn seed_demo_servers(&self) -> Result<Vec<String>, ServiceError> {
        let taken = self.read(|state| {
            DEMO_SERVERS
                .iter()
                .any(|n| state.opsworkscm.servers.contains_key(*n))
        });
        if taken {
            return Err(ServiceError::already_exists(
                "The demo servers already exist; reset the account before seeding it again.",
            ));
        }
        let ctx = RequestContext::default();
        let call = |op: Operation, body: serde_json::Value| {
            let ctx = &ctx;
            async move {
                self.opsworkscm()
                    .serve(ctx, op, body.to_string().as_bytes())
                    .await
            }
        };
        let role = format!(
            "arn:aws:iam::{}:role/aws-opsworks-cm-service-role",
            self.config.account_id
        );
        let profile = format!(
            "arn:aws:iam::{}:instance-profile/aws-opsworks-cm-ec2-role",
            self.config.account_id
        );
        let server = |engine: &str, name: &str, extra: serde_json::Value| {
            let mut body = json!({
                "Engine": engine, "ServerName": name, "InstanceType": "m5.large",
                "InstanceProfileArn": profile, "ServiceRoleArn": role,
            });
            if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
                body.extend(extra.clone());
            }
            body
        };
        call(
            Operation::CreateServer,
            server("ChefAutomate", "chef-prod", json!({
                "DisableAutomatedBackup": false, "BackupRetentionCount": 3,
                "PreferredBackupWindow": "02:00", "PreferredMaintenanceWindow": "Sun:04:00",
                "KeyPair": "ops-admin", "Tags": [{"Key": "env", "Value": "production"}, {"Key": "team", "Value": "platform"}],
            })),
        )
        .await?;
        call(
            Operation::CreateServer,
            server("ChefAutomate", "chef-dev", json!({"EngineVersion": "2"})),
        )
        .await?;
        call(
            Operation::CreateServer,
            server(
                "Puppet",
                "puppet-prod",
                json!({"Tags": [{"Key": "env", "Value": "production"}]}),
            ),
        )
        .await?;
        self.finish_everything_now().await?;

        call(
            Operation::CreateBackup,
            json!({"ServerName": "chef-prod", "Description": "Before the cookbook upgrade"}),
        )
        .await?;
        self.mutate(|state, changes| {
            self.start_backup(
                state,
                changes,
                "puppet-prod",
                self.now(),
                BackupType::Automated,
                None,
                None,
                Vec::new(),
            )
        })
        .await?;
        self.finish_everything_now().await?;

        let node_key = self
            .crypto(
                |_| Ok(()),
                || {
                    artifacts::keys::generate_rsa_private_key()
                        .map_err(|e| ServiceError::internal(&e))
                },
            )
            .await?;
        call(
            Operation::AssociateNode,
            json!({"ServerName": "chef-prod", "NodeName": "i-0a1b2c3d4e5f60718", "EngineAttributes": [
                {"Name": "CHEF_ORGANIZATION", "Value": "default"},
                {"Name": "CHEF_NODE_PUBLIC_KEY", "Value": node_key.public_key_pem()},
            ]}),
        )
        .await?;
        let csr = demo_csr("web-01.example.com")?;
        call(
            Operation::AssociateNode,
            json!({"ServerName": "puppet-prod", "NodeName": "web-01", "EngineAttributes": [
                {"Name": "PUPPET_NODE_CSR", "Value": csr},
            ]}),
        )
        .await?;
        call(
            Operation::StartMaintenance,
            json!({"ServerName": "chef-dev"}),
        )
        .await?;
        self.finish_everything_now().await?;
        Ok(DEMO_SERVERS.iter().map(|s| (*s).to_owned()).collect())
    }
}

/// A CSR as a Puppet agent would send it.
fn demo_csr(common_name: &str) -> Result<String, ServiceError> {
    let key = rcgen::KeyPair::generate().map_err(|e| ServiceError::internal(&e))?;
    let mut params = rcgen::CertificateParams::new(vec![common_name.to_owned()])
        .map_err(|e| ServiceError::internal(&e))?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, common_name);
    params
        .serialize_request(&key)
        .and_then(|csr| csr.pem())
        .map_err(|e| ServiceError::internal(&e))
}
