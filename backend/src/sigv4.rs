//! AWS Signature Version 4 on the wire door: `serve --require-sigv4` checks
//! every request's signature against the access keys it was given, with the
//! same errors AWS JSON services answer.

pub mod canonical;
mod verify;

pub use canonical::SignedParts;
pub use verify::{AuthError, MAX_SKEW, Verifier};

#[cfg(test)]
mod suite_tests;
