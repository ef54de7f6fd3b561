//! Reusable pieces of the console: status indicators, flash messages, the
//! "Copy as CLI" section, the delete confirmation modal and the file download
//! helper.

pub mod cli;
pub mod download;
pub mod flash;
pub mod modal;
pub mod status;
