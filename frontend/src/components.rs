//! Reusable pieces of the console: status indicators, flash messages, the
//! delete confirmation modal and the file download helper.

pub mod download;
pub mod flash;
pub mod modal;
pub mod status;
