//! How long each OpsWorks CM transition takes, nominally: seconds of
//! simulated time (a run at `--speed N` takes them N times faster).

/// CREATING → SETUP (the stack and its instance).
pub(crate) const CREATE: f64 = 30.0;
/// SETUP → RUNNING (installing and configuring the engine).
pub(crate) const SETUP: f64 = 20.0;
/// RUNNING → HEALTHY (the first health check), so creation takes a
/// nominal minute in all.
pub(crate) const FIRST_HEALTH_CHECK: f64 = 10.0;
/// Between two health checks (while health faults wait).
pub(crate) const HEALTH_CHECK: f64 = 60.0;
/// A backup.
pub(crate) const BACKUP: f64 = 30.0;
/// Removing a backup.
pub(crate) const DELETE_BACKUP: f64 = 10.0;
/// UNDER_MAINTENANCE → HEALTHY.
pub(crate) const MAINTENANCE: f64 = 60.0;
/// RESTORING → HEALTHY.
pub(crate) const RESTORE: f64 = 60.0;
/// From a restore's end until the instance it replaced is terminated.
pub(crate) const RETIRE_INSTANCE: f64 = 3600.0;
/// MODIFYING → HEALTHY.
pub(crate) const MODIFY: f64 = 20.0;
/// DELETING → gone.
pub(crate) const DELETE: f64 = 30.0;
/// A node association or disassociation.
pub(crate) const NODE: f64 = 15.0;
