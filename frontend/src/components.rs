//! Reusable pieces of the console: status indicators, flash messages, the
//! busy-aware button,
//! "Copy as CLI" section and the Copy button, labelled form fields (text, PEM
//! with file upload) and the form's error box, the password rules checklist,
//! read-only text and one-time secrets with Copy and Download, the delete
//! confirmation modal, the file download helper, the headings, table
//! heads and empty states of list pages, the list controls every resource
//! list shares (filter, sort, pagination: [`resource_table`]), the key/value
//! grid of a details page, the tag rows of a form and the Tags panel of a
//! resource.

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
