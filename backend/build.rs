//! Embeds the built console in release builds: every file of
//! `frontend/dist` (or of `CMCONSOLE_EMBED_UI`), precompressed copies
//! included, becomes a byte slice of the binary, so `cmconsole serve` needs
//! nothing beside it. Development builds embed nothing unless
//! `CMCONSOLE_EMBED_UI` names a directory; they serve `--ui-dir`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-env-changed=CMCONSOLE_EMBED_UI");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let release = std::env::var("PROFILE").is_ok_and(|p| p == "release");
    let dir = match std::env::var_os("CMCONSOLE_EMBED_UI") {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ if release => Some(manifest.join("../frontend/dist")),
        _ => None,
    };
    let mut files = Vec::new();
    if let Some(dir) = &dir {
        println!("cargo:rerun-if-changed={}", dir.display());
        if dir.join("index.html").is_file() {
            collect(dir, dir, &mut files);
            files.sort();
        } else {
            println!(
                "cargo:warning=no built console in {} (run `cargo xtask ui` first): this binary serves the console only with --ui-dir",
                dir.display()
            );
        }
    }
    let mut code =
        String::from("/// The embedded console: (path below the console root, bytes).\n");
    code.push_str("pub(super) static FILES: &[(&str, &[u8])] = &[\n");
    for (relative, absolute) in &files {
        writeln!(code, "    ({relative:?}, include_bytes!({absolute:?})),").expect("a String");
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets it"));
    std::fs::write(out.join("embedded_ui.rs"), code).expect("OUT_DIR is writable");
}

/// Every file below `dir` as (`a/b.js`, absolute path).
fn collect(root: &Path, dir: &Path, into: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, into);
        } else if let Ok(relative) = path.strip_prefix(root) {
            let relative = relative.to_string_lossy().replace('\\', "/");
            let absolute = std::fs::canonicalize(&path).unwrap_or(path);
            into.push((relative, absolute.to_string_lossy().into_owned()));
        }
    }
}
