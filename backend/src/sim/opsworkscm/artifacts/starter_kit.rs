//! Starter kits: the ZIP files returned as `CHEF_STARTER_KIT` and
//! `PUPPET_STARTER_KIT` (base64-encoded by the caller).
//!
//! Both unpack into one top folder, [`STARTER_KIT_DIR`]. The Chef kit holds a
//! knife configuration for the `pivotal` user, that user's private key and
//! the server's root CA; the Puppet kit holds PE client tools settings, the
//! CA certificate, a minimal control repository and its SSH key.

use std::io::Write as _;

use chrono::{DateTime, Datelike as _, Timelike as _, Utc};
use zip::write::SimpleFileOptions;

mod chef;
mod puppet;

use self::chef::chef_files;
use self::puppet::puppet_files;
use super::{ArtifactError, fill_template as fill};

/// The folder every starter kit unpacks into.
pub const STARTER_KIT_DIR: &str = "starter_kit";
/// File name of the server's root CA inside the Chef kit's `.chef/ca_certs/`
/// (and in user data scripts).
pub const CHEF_CA_FILE_NAME: &str = "opsworks-cm-ca-2020-root.pem";

/// What goes into a Chef starter kit.
#[derive(Debug, Clone, Copy)]
pub struct ChefKit<'a> {
    /// The OpsWorks CM server name.
    pub server_name: &'a str,
    /// The server endpoint (host name, or the custom domain).
    pub endpoint: &'a str,
    /// The Chef organization; OpsWorks CM always uses `default`.
    pub organization: &'a str,
    /// The pivotal user's private key PEM, or `None` when the user supplied
    /// their own `CHEF_PIVOTAL_KEY` public key (the README then says where to
    /// put the matching private key).
    pub pivotal_key_pem: Option<&'a str>,
    /// The server's root CA certificate PEM.
    pub ca_cert_pem: &'a str,
}

/// What goes into a Puppet starter kit.
#[derive(Debug, Clone, Copy)]
pub struct PuppetKit<'a> {
    /// The OpsWorks CM server name.
    pub server_name: &'a str,
    /// The server endpoint (host name, or the custom domain).
    pub endpoint: &'a str,
    /// The server's CA certificate PEM (`PUPPET_API_CA_CERT`).
    pub ca_cert_pem: &'a str,
    /// The `PUPPET_R10K_REMOTE` given at creation, if any.
    pub r10k_remote: Option<&'a str>,
    /// A private key PEM for the control repository (shipped as
    /// `.ssh/control-repo`); generate one with
    /// [`super::keys::generate_rsa_private_key`].
    pub control_repo_key_pem: &'a str,
}

/// Builds the Chef starter kit ZIP with file times set to `generated_at`.
pub fn chef_starter_kit_at(
    kit: &ChefKit<'_>,
    generated_at: DateTime<Utc>,
) -> Result<Vec<u8>, ArtifactError> {
    build_zip(&chef_files(kit), zip_time(generated_at))
}

/// Builds the Puppet starter kit ZIP with file times set to `generated_at`.
pub fn puppet_starter_kit_at(
    kit: &PuppetKit<'_>,
    generated_at: DateTime<Utc>,
) -> Result<Vec<u8>, ArtifactError> {
    build_zip(&puppet_files(kit), zip_time(generated_at))
}

/// One entry of a kit: a path below [`STARTER_KIT_DIR`] (a trailing `/`
/// marks a folder), its contents and its Unix mode.
struct KitFile {
    path: String,
    contents: String,
    mode: u32,
}

impl KitFile {
    fn new(path: &str, contents: impl Into<String>) -> Self {
        Self {
            path: path.to_owned(),
            contents: contents.into(),
            mode: 0o644,
        }
    }

    fn secret(path: &str, contents: impl Into<String>) -> Self {
        Self {
            mode: 0o600,
            ..Self::new(path, contents)
        }
    }

    fn dir(path: &str) -> Self {
        Self {
            mode: 0o755,
            ..Self::new(path, "")
        }
    }
}

fn zip_time(t: DateTime<Utc>) -> zip::DateTime {
    let part = |v: u32| u8::try_from(v).unwrap_or(0);
    u16::try_from(t.year())
        .ok()
        .and_then(|year| {
            zip::DateTime::from_date_and_time(
                year,
                part(t.month()),
                part(t.day()),
                part(t.hour()),
                part(t.minute()),
                part(t.second() & !1),
            )
            .ok()
        })
        .unwrap_or_default()
}

fn build_zip(files: &[KitFile], modified: zip::DateTime) -> Result<Vec<u8>, ArtifactError> {
    let archive_err = |e: &dyn std::fmt::Display| ArtifactError::Archive(e.to_string());
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let base = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(modified);
    writer
        .add_directory(format!("{STARTER_KIT_DIR}/"), base.unix_permissions(0o755))
        .map_err(|e| archive_err(&e))?;
    for file in files {
        let name = format!("{STARTER_KIT_DIR}/{}", file.path);
        let options = base.unix_permissions(file.mode);
        if file.path.ends_with('/') {
            writer
                .add_directory(name, options)
                .map_err(|e| archive_err(&e))?;
        } else {
            writer
                .start_file(name, options)
                .map_err(|e| archive_err(&e))?;
            writer
                .write_all(file.contents.as_bytes())
                .map_err(|e| archive_err(&e))?;
        }
    }
    let cursor = writer.finish().map_err(|e| archive_err(&e))?;
    Ok(cursor.into_inner())
}

/// A Ruby single-quoted string literal.
fn ruby_quote(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// A JSON string literal.
fn json_quote(s: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// PEM text with a single trailing newline.
fn pem_file(pem: &str) -> String {
    format!("{}\n", pem.trim())
}

/// Reads every file of a ZIP archive into a map from entry name to
/// contents (folders are listed with empty contents). For tests.
#[cfg(test)]
pub(crate) fn read_zip_entries(
    bytes: &[u8],
) -> std::collections::BTreeMap<String, (Vec<u8>, Option<u32>)> {
    use std::io::Read as _;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("valid ZIP");
    let mut out = std::collections::BTreeMap::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("entry");
        let mut data = Vec::new();
        entry.read_to_end(&mut data).expect("readable entry");
        out.insert(entry.name().to_owned(), (data, entry.unix_mode()));
    }
    out
}

#[cfg(test)]
mod tests;
