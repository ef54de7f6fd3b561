//! The release build of the browser console, split into lazily loaded chunks.
//!
//! Trunk 0.21 cannot split a WASM module, so release builds go through the
//! same steps as `cargo leptos --split`, run here:
//!
//! 1. `cargo build` the frontend for wasm32 with the `split` feature (its
//!    build script links with `--emit-relocs`, which wasm-split needs);
//! 2. `wasm-split-cli` moves the code reachable only from the split points in
//!    `frontend/src/lazy_pages.rs` into chunks, and leaves the main module;
//! 3. `wasm-bindgen` makes the JS glue for the main module, keeping the
//!    linker's exports that the chunks import;
//! 4. `wasm-opt` optimizes every module;
//! 5. `index.html` is made from `frontend/index.html` (the page `trunk serve`
//!    uses) with its two Trunk links replaced by the built files;
//! 6. every text and WASM file gets `.br` and `.gz` twins, which the backend
//!    serves as they are, and the first load is weighed against its budget.
//!
//! All files of one build live in `dist/pkg-<hash>/`, so a browser holding an
//! older build never mixes its files with a newer one's.

use std::collections::hash_map::DefaultHasher;
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::tools::{self, cmd, run, run_quiet};
use crate::{Error, Result};

/// Budget for the first load (index, JS, main WASM, CSS; brotli, as served).
pub(crate) const FIRST_LOAD_BUDGET: u64 = 250_000;

/// `wasm-opt` level. After brotli, `-O1` is the smallest (about 1 % below
/// `-Oz`, `-Os`, `-O2` or `--converge`, although its raw file is larger).
const WASM_OPT_LEVEL: &str = "-O1";

/// WASM features rustc's wasm32 target emits, which wasm-opt must accept.
const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-reference-types",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-multivalue",
];

/// Name of the frontend binary, its JS glue and main module.
const NAME: &str = "frontend";

/// Builds the split console into `frontend/dist`, precompresses it and
/// checks the first-load budget.
pub(crate) fn build_release() -> Result {
    let wasm = build_wasm()?;
    let dist = tools::root().join("frontend").join("dist");
    let css = stylesheet_source()?;
    let id = build_id(&[&fs::read(&wasm)?, &fs::read(&css)?]);
    let pkg_name = format!("pkg-{id}");

    if dist.exists() {
        fs::remove_dir_all(&dist)?;
    }
    let pkg = dist.join(&pkg_name);
    fs::create_dir_all(&pkg)?;
    split(&wasm, &pkg)?;
    optimize_all(&pkg)?;
    fs::copy(&css, pkg.join("console.css"))?;
    let template = fs::read_to_string(index_template())?;
    fs::write(dist.join("index.html"), index_html(&template, &pkg_name)?)?;
    precompress(&dist)?;

    let report = Report::measure(&dist, &pkg_name)?;
    report.print();
    report.check_budget()
}

/// `cargo build` of the split frontend; returns the linked `.wasm`.
fn build_wasm() -> Result<PathBuf> {
    run(cmd("cargo").args([
        "build",
        "-p",
        NAME,
        "--bin",
        NAME,
        "--target",
        tools::WASM_TARGET,
        "--profile",
        "wasm-release",
        "--features",
        "split",
    ]))?;
    Ok(tools::target_dir()
        .join(tools::WASM_TARGET)
        .join("wasm-release")
        .join(format!("{NAME}.wasm")))
}

/// wasm-split, then wasm-bindgen on the main module, leaving every module,
/// the loader (`__wasm_split.js`) and the glue in `pkg`.
fn split(wasm: &Path, pkg: &Path) -> Result {
    let staging = tools::target_dir().join("ui-split");
    if staging.exists() {
        fs::remove_dir_all(&staging)?;
    }
    fs::create_dir_all(&staging)?;
    run(cmd("wasm-split-cli").arg(wasm).arg(&staging).args([
        "--target",
        "web",
        "--out-name",
        NAME,
    ]))?;

    let main = staging.join(format!("{NAME}.wasm"));
    run(cmd("wasm-bindgen")
        .args([
            "--target",
            "web",
            "--keep-lld-exports",
            "--no-demangle",
            "--no-typescript",
            "--out-name",
            NAME,
            "--out-dir",
        ])
        .arg(pkg)
        .arg(&main))?;
    fs::remove_file(&main)?;

    // The chunks and their loader sit beside the glue: the loader imports
    // `./frontend.js` and fetches `./<chunk>.wasm` relative to itself.
    for entry in fs::read_dir(&staging)? {
        let path = entry?.path();
        if let Some(file) = path.file_name() {
            fs::copy(&path, pkg.join(file))?;
        }
    }
    Ok(())
}

/// `wasm-opt` on every module in `pkg`: the main module in the background
/// (it takes longest) while the chunks go one by one.
fn optimize_all(pkg: &Path) -> Result {
    let main = pkg.join(format!("{NAME}_bg.wasm"));
    let mut main_job = wasm_opt(&main);
    println!("$ {}", tools::show(&main_job));
    let mut child = main_job
        .spawn()
        .map_err(|e| Error::new(format!("cannot start `{}`: {e}", tools::show(&main_job))))?;
    let chunks = files_with_extension(pkg, "wasm")?
        .into_iter()
        .filter(|path| *path != main);
    let chunk_result = chunks
        .map(|chunk| run(&mut wasm_opt(&chunk)))
        .collect::<Result<Vec<()>>>();
    let status = child.wait()?;
    chunk_result?;
    if status.success() {
        Ok(())
    } else {
        Err(Error::new(format!(
            "`{}` failed ({status})",
            tools::show(&main_job)
        )))
    }
}

fn wasm_opt(file: &Path) -> Command {
    let mut command = cmd("wasm-opt");
    command
        .arg(WASM_OPT_LEVEL)
        .args(WASM_FEATURES)
        .arg(file)
        .arg("-o")
        .arg(file);
    command
}

/// `frontend/index.html`, the page Trunk builds in development.
fn index_template() -> PathBuf {
    tools::root().join("frontend").join("index.html")
}

/// The stylesheet named by the template's `<link data-trunk rel="css">`.
fn stylesheet_source() -> Result<PathBuf> {
    let template = fs::read_to_string(index_template())?;
    let href = template
        .lines()
        .find(|line| line.contains("data-trunk") && line.contains(r#"rel="css""#))
        .and_then(|line| attribute(line, "href"))
        .ok_or_else(|| {
            Error::new("frontend/index.html has no <link data-trunk rel=\"css\" href=...>")
        })?;
    Ok(tools::root().join("frontend").join(href))
}

/// The value of `name="..."` in one line of HTML.
fn attribute<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let start = line.find(&format!("{name}=\""))? + name.len() + 2;
    let len = line[start..].find('"')?;
    Some(&line[start..start + len])
}

/// The template with its Trunk links replaced by this build's files.
fn index_html(template: &str, pkg: &str) -> Result<String> {
    let mut out = String::with_capacity(template.len() + 512);
    let (mut css, mut rust) = (false, false);
    for line in template.lines() {
        let indent = &line[..line.len() - line.trim_start().len()];
        if line.contains("data-trunk") && line.contains(r#"rel="css""#) {
            out.push_str(&format!(
                "{indent}<link rel=\"stylesheet\" href=\"/{pkg}/console.css\" />\n"
            ));
            css = true;
        } else if line.contains("data-trunk") && line.contains(r#"rel="rust""#) {
            out.push_str(&format!(
                "{indent}<link rel=\"modulepreload\" href=\"/{pkg}/{NAME}.js\" />\n\
                 {indent}<link rel=\"preload\" href=\"/{pkg}/{NAME}_bg.wasm\" as=\"fetch\" type=\"application/wasm\" crossorigin />\n\
                 {indent}<script type=\"module\">\n\
                 {indent}  import init from \"/{pkg}/{NAME}.js\";\n\
                 {indent}  await init({{ module_or_path: \"/{pkg}/{NAME}_bg.wasm\" }});\n\
                 {indent}</script>\n"
            ));
            rust = true;
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    if css && rust {
        Ok(out)
    } else {
        Err(Error::new(
            "frontend/index.html must have one <link data-trunk rel=\"css\"> and one <link data-trunk rel=\"rust\">",
        ))
    }
}

/// 16 hex digits identifying a build's contents.
fn build_id(parts: &[&[u8]]) -> String {
    let mut hasher = DefaultHasher::new();
    for part in parts {
        part.hash(&mut hasher);
    }
    format!("{:016x}", hasher.finish())
}

/// Files directly in `dir` whose name ends in `.ext`, sorted.
fn files_with_extension(dir: &Path, ext: &str) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_file() && path.extension().is_some_and(|e| e == ext) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Writes `.br` (brotli -q 11) and `.gz` (gzip -9) beside every served text
/// and WASM file under `dist` (best ratio, no compression per request).
fn precompress(dist: &Path) -> Result {
    let mut dirs = vec![dist.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path
                .extension()
                .is_some_and(|e| ["wasm", "js", "css", "html"].iter().any(|x| e == *x))
            {
                run_quiet(cmd("brotli").args(["-f", "-q", "11", "-k"]).arg(&path))?;
                run_quiet(cmd("gzip").args(["-f", "-9", "-k"]).arg(&path))?;
            }
        }
    }
    Ok(())
}

/// Brotli sizes of a build: what the first load fetches, and each chunk.
struct Report {
    /// (file, brotli bytes) fetched by the first load.
    first_load: Vec<(String, u64)>,
    /// (chunk file, brotli bytes), fetched when a lazy page is first visited.
    chunks: Vec<(String, u64)>,
}

impl Report {
    fn measure(dist: &Path, pkg_name: &str) -> Result<Self> {
        let pkg = dist.join(pkg_name);
        let brotli_size = |path: &Path| -> Result<u64> {
            let mut br = path.as_os_str().to_owned();
            br.push(".br");
            Ok(fs::metadata(PathBuf::from(br))?.len())
        };
        let eager = [
            dist.join("index.html"),
            pkg.join(format!("{NAME}.js")),
            pkg.join(format!("{NAME}_bg.wasm")),
            pkg.join("__wasm_split.js"),
            pkg.join("console.css"),
        ];
        let mut first_load = Vec::new();
        for path in &eager {
            first_load.push((file_name(path), brotli_size(path)?));
        }
        let mut chunks = Vec::new();
        for path in files_with_extension(&pkg, "wasm")? {
            if !eager.contains(&path) {
                chunks.push((file_name(&path), brotli_size(&path)?));
            }
        }
        Ok(Self { first_load, chunks })
    }

    fn first_load_total(&self) -> u64 {
        self.first_load.iter().map(|(_, size)| size).sum()
    }

    fn print(&self) {
        for (file, size) in &self.first_load {
            println!("  first load  {size:>8}  {file}");
        }
        for (file, size) in &self.chunks {
            println!("  lazy chunk  {size:>8}  {file}");
        }
        let lazy: u64 = self.chunks.iter().map(|(_, size)| size).sum();
        println!(
            "UI first load, brotli: {} bytes (budget {FIRST_LOAD_BUDGET}); {} lazy chunks, {lazy} bytes in all",
            self.first_load_total(),
            self.chunks.len(),
        );
    }

    fn check_budget(&self) -> Result {
        let total = self.first_load_total();
        if total <= FIRST_LOAD_BUDGET {
            Ok(())
        } else {
            Err(Error::new(format!(
                "the console's first load is {total} bytes (brotli), over its budget of \
                 {FIRST_LOAD_BUDGET}: move the new code behind a lazy route (frontend/src/lazy_pages.rs)"
            )))
        }
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "<head>\n    <title>t</title>\n    \
        <link data-trunk rel=\"css\" href=\"../style/console.css\" />\n    \
        <link data-trunk rel=\"rust\" data-bin=\"frontend\" />\n  </head>\n";

    #[test]
    fn the_index_loads_this_builds_files() {
        let html = index_html(TEMPLATE, "pkg-0123").unwrap();
        assert!(html.contains("<title>t</title>"));
        assert!(html.contains(r#"<link rel="stylesheet" href="/pkg-0123/console.css" />"#));
        assert!(html.contains(r#"import init from "/pkg-0123/frontend.js";"#));
        assert!(html.contains(r#"module_or_path: "/pkg-0123/frontend_bg.wasm""#));
        assert!(!html.contains("data-trunk"));
    }

    #[test]
    fn a_template_without_trunk_links_is_refused() {
        assert!(index_html("<head></head>", "pkg-1").is_err());
    }

    #[test]
    fn attributes_are_read_from_a_line() {
        let line = r#"<link data-trunk rel="css" href="../style/console.css" />"#;
        assert_eq!(attribute(line, "href"), Some("../style/console.css"));
        assert_eq!(attribute(line, "rel"), Some("css"));
        assert_eq!(attribute(line, "src"), None);
    }

    #[test]
    fn build_ids_follow_the_contents() {
        assert_eq!(build_id(&[b"a", b"b"]), build_id(&[b"a", b"b"]));
        assert_ne!(build_id(&[b"a", b"b"]), build_id(&[b"a", b"c"]));
        assert_eq!(build_id(&[b"x"]).len(), 16);
    }

    #[test]
    fn the_budget_counts_the_first_load_only() {
        let report = Report {
            first_load: vec![("a".into(), FIRST_LOAD_BUDGET - 1), ("b".into(), 1)],
            chunks: vec![("c".into(), 10 * FIRST_LOAD_BUDGET)],
        };
        assert!(report.check_budget().is_ok());
        let over = Report {
            first_load: vec![("a".into(), FIRST_LOAD_BUDGET + 1)],
            chunks: vec![],
        };
        assert!(over.check_budget().is_err());
    }
}
