//! How long each CloudHSM v2 transition takes, nominally: seconds of
//! simulated time (a run at `--speed N` takes them N times faster).

/// CREATE_IN_PROGRESS → UNINITIALIZED.
pub(crate) const CREATE_CLUSTER: f64 = 60.0;
/// INITIALIZE_IN_PROGRESS → INITIALIZED.
pub(crate) const INITIALIZE: f64 = 30.0;
/// INITIALIZED → ACTIVE (the cluster's activation).
pub(crate) const ACTIVATE: f64 = 10.0;
/// MODIFY_IN_PROGRESS → ACTIVE.
pub(crate) const MODIFY_CLUSTER: f64 = 60.0;
/// DELETE_IN_PROGRESS → gone.
pub(crate) const DELETE_CLUSTER: f64 = 30.0;
/// An HSM's CREATE_IN_PROGRESS → ACTIVE.
pub(crate) const CREATE_HSM: f64 = 60.0;
/// An HSM's DELETE_IN_PROGRESS → gone.
pub(crate) const DELETE_HSM: f64 = 30.0;
/// A backup's CREATE_IN_PROGRESS → READY.
pub(crate) const BACKUP: f64 = 30.0;
/// A copy's CREATE_IN_PROGRESS → READY in the destination region.
pub(crate) const COPY_BACKUP: f64 = 60.0;
