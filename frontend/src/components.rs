//! Reusable pieces of the console, the kit every page is composed from:
//! the frame of a resource page (breadcrumbs, header with status and
//! actions, tab strip, not found: [`page`]), panels, lists that filter, sort
//! and page ([`resource_table`]), the key/value grid, form fields (text,
//! select, checkbox, radio group, PEM with file upload) and a form's
//! submission state and error box, status indicators, flash messages, the
//! busy-aware button, "Copy as CLI", read-only text and one-time secrets,
//! the delete confirmation modal, downloads, the password rules checklist,
//! and tags (a form's tag rows and a resource's Tags panel).

pub mod backup_flash;
pub mod busy_button;
pub mod cli;
pub mod clipboard;
pub mod download;
pub mod field;
pub mod flash;
pub mod key_value;
pub mod list;
pub mod modal;
pub mod page;
pub mod panel;
pub mod password_rules;
pub mod resource_table;
pub mod status;
pub mod submission;
pub mod tag_editor;
pub mod tags_panel;
pub mod text_output;
