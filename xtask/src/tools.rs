//! Tool installation and command running: the pinned versions live here.
//!
//! Every install is idempotent: a tool already present at the right version is
//! left alone, so `cargo xtask run|test` stay fast on a machine that has them.
//! Versions and the reasons for them are in `shared/TOOLCHAIN.md`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::{Error, Result};

/// Trunk version: 0.22 needs a newer rustc than this project's.
pub(crate) const TRUNK_VERSION: &str = "0.21.14";
/// npm `binaryen` version providing `wasm-opt` (Debian's 108 miscompiles the bundle).
pub(crate) const BINARYEN_VERSION: &str = "132.0.0";
/// `wasm_split_cli_support` version providing `wasm-split-cli` (what
/// `cargo leptos --split` uses), which splits the release WASM into chunks.
pub(crate) const WASM_SPLIT_VERSION: &str = "0.2.4";
/// WASM target of the frontend.
pub(crate) const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// Where the e2e tests expect the browser.
pub(crate) const CHROMIUM: &str = "/usr/bin/chromium";

/// Which tools a command needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Needs {
    /// Building the UI: wasm target, wasm-split, wasm-bindgen, wasm-opt, brotli
    /// (the release build does not use Trunk).
    Ui,
    /// Running the tests: also Chromium, openssl, npm; Trunk is installed
    /// in the background meanwhile ([`spawn_trunk_install`]).
    Tests,
    /// Everything `Tests` needs, Trunk included (the test suite proves
    /// `trunk build` still works).
    All,
}

/// The repository root (the parent of `xtask/`): from the `CARGO_MANIFEST_DIR`
/// that `cargo run` sets, else from where this binary was compiled.
pub(crate) fn root() -> PathBuf {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest.parent().map(Path::to_path_buf).unwrap_or(manifest)
}

/// `$CARGO_HOME/bin`, or `~/.cargo/bin`.
fn cargo_bin_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        return PathBuf::from(home).join("bin");
    }
    let home = std::env::var_os("HOME").unwrap_or_else(|| OsString::from("/root"));
    PathBuf::from(home).join(".cargo").join("bin")
}

/// PATH for every child: cargo's bin dir first, then the inherited PATH, then
/// npm's global bin dir (where `wasm-opt` lands) if it is not there yet.
fn child_path() -> &'static OsString {
    static PATH: OnceLock<OsString> = OnceLock::new();
    PATH.get_or_init(|| {
        let inherited = std::env::var_os("PATH").unwrap_or_default();
        let cargo_bin = cargo_bin_dir();
        let mut dirs = vec![cargo_bin.clone()];
        dirs.extend(std::env::split_paths(&inherited).filter(|d| *d != cargo_bin));
        let npm_bin = Path::new("/usr/local/bin").to_path_buf();
        if !dirs.contains(&npm_bin) {
            dirs.push(npm_bin);
        }
        std::env::join_paths(dirs).unwrap_or(inherited)
    })
}

/// A command with the project's PATH, run from the repository root.
pub(crate) fn cmd(program: &str) -> Command {
    let mut command = Command::new(program);
    command.env("PATH", child_path()).current_dir(root());
    command
}

/// Renders a command as a shell line for messages.
pub(crate) fn show(command: &Command) -> String {
    let mut line = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
    }
    line
}

/// Runs `command` with inherited stdio; an error names the command and its exit status.
pub(crate) fn run(command: &mut Command) -> Result {
    println!("$ {}", show(command));
    run_quiet(command)
}

/// [`run`] without echoing the command line (for commands run per file).
pub(crate) fn run_quiet(command: &mut Command) -> Result {
    let status = command
        .status()
        .map_err(|e| Error::new(format!("cannot start `{}`: {e}", show(command))))?;
    if status.success() {
        Ok(())
    } else {
        Err(Error::new(format!("`{}` failed ({status})", show(command))))
    }
}

/// Runs `command` quietly and returns its output, or `None` if it cannot start.
fn probe(command: &mut Command) -> Option<Output> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .ok()
}

/// First line of `program --version`, if it runs and succeeds.
fn version_of(program: &str) -> Option<String> {
    let out = probe(cmd(program).arg("--version"))?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    Some(text.lines().next().unwrap_or_default().trim().to_owned())
}

/// Times `f` and prints what was installed.
fn installing(what: &str, f: impl FnOnce() -> Result) -> Result {
    println!("xtask: installing {what}");
    let start = Instant::now();
    f()?;
    println!(
        "xtask: installed {what} in {}",
        fmt_duration(start.elapsed())
    );
    Ok(())
}

/// `12.3s` / `2m05s`.
pub(crate) fn fmt_duration(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs < 60.0 {
        format!("{secs:.1}s")
    } else {
        let whole = d.as_secs();
        format!("{}m{:02}s", whole / 60, whole % 60)
    }
}

/// Installs whatever `needs` requires and is missing or at the wrong version.
pub(crate) fn ensure(needs: Needs) -> Result {
    let start = Instant::now();
    ensure_apt_packages(needs)?;
    ensure_npm()?;
    ensure_wasm_target()?;
    let bindgen = wasm_bindgen_version()?;
    if needs == Needs::All {
        ensure_trunk(false)?;
        check_trunk_toml(&bindgen)?;
    }
    ensure_wasm_bindgen(&bindgen)?;
    ensure_wasm_split()?;
    ensure_wasm_opt()?;
    println!("xtask: tools ready ({})", fmt_duration(start.elapsed()));
    Ok(())
}

/// Whether xtask runs as root.
pub(crate) fn is_root() -> bool {
    probe(Command::new("id").arg("-u"))
        .map(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
        .unwrap_or(false)
}

/// `apt-get ARGS`, through sudo when not root.
fn apt_get(args: &[&str]) -> Command {
    let mut command = if is_root() {
        cmd("apt-get")
    } else {
        let mut sudo = cmd("sudo");
        sudo.arg("apt-get");
        sudo
    };
    command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
    command
}

fn apt_install(packages: &[&str]) -> Result {
    run(&mut apt_get(&["update"]))?;
    let mut args = vec!["install", "-y"];
    args.extend_from_slice(packages);
    run(&mut apt_get(&args))
}

/// Debian packages: brotli (the UI is served precompressed) always; with
/// [`Needs::Tests`] also Chromium (browser tests), openssl (the node tests
/// make real CSRs and keys with it) and PostgreSQL (the store tests run on
/// a throwaway server too).
fn ensure_apt_packages(needs: Needs) -> Result {
    let has_brotli = version_of("brotli").is_some();
    let has_chromium = Path::new(CHROMIUM).exists();
    // `openssl --version` is not a command; `openssl version` is.
    let has_openssl =
        || probe(cmd("openssl").arg("version")).is_some_and(|out| out.status.success());
    let missing: Vec<&str> = match needs {
        Needs::Ui => [("brotli", has_brotli)].to_vec(),
        Needs::Tests | Needs::All => [
            ("brotli", has_brotli),
            ("chromium", has_chromium),
            ("openssl", has_openssl()),
            ("postgresql", crate::postgres::bin_dir().is_some()),
        ]
        .to_vec(),
    }
    .into_iter()
    .filter_map(|(package, present)| (!present).then_some(package))
    .collect();
    if missing.is_empty() {
        println!("xtask: apt packages present");
        return Ok(());
    }
    installing(&format!("{} (apt)", missing.join(", ")), || {
        apt_install(&missing)
    })?;
    if needs != Needs::Ui && !Path::new(CHROMIUM).exists() {
        return Err(Error::new(format!(
            "apt installed chromium but {CHROMIUM} is still missing"
        )));
    }
    Ok(())
}

/// npm installs `wasm-opt` and runs Playwright.
fn ensure_npm() -> Result {
    if version_of("npm").is_some() {
        return Ok(());
    }
    installing("nodejs and npm (apt)", || apt_install(&["nodejs", "npm"]))
}

fn ensure_wasm_target() -> Result {
    let installed = probe(cmd("rustup").args(["target", "list", "--installed"]))
        .map(|out| {
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .any(|l| l.trim() == WASM_TARGET)
        })
        .unwrap_or(false);
    if installed {
        println!("xtask: rust target {WASM_TARGET} present");
        return Ok(());
    }
    installing(&format!("rust target {WASM_TARGET}"), || {
        run(cmd("rustup").args(["target", "add", WASM_TARGET]))
    })
}

/// Installs Trunk (when missing) on a thread of its own, its output kept in
/// `target/xtask-trunk-install.log`, while the test steps before the one
/// that needs it run: compiling it is the longest install on a fresh
/// machine.
pub(crate) fn spawn_trunk_install() -> std::thread::JoinHandle<Result> {
    std::thread::spawn(|| {
        ensure_trunk(true)?;
        check_trunk_toml(&wasm_bindgen_version()?)
    })
}

/// Installs Trunk at [`TRUNK_VERSION`] unless present; `quiet` sends the
/// install's output to a log file instead of the terminal.
fn ensure_trunk(quiet: bool) -> Result {
    let want = format!("trunk {TRUNK_VERSION}");
    match version_of("trunk") {
        Some(v) if v == want => {
            println!("xtask: {v} present");
            return Ok(());
        }
        Some(v) => println!("xtask: found `{v}`, need {want}"),
        None => {}
    }
    installing(&want, || {
        let mut install = cargo_install();
        install.args(["trunk", "--version", TRUNK_VERSION, "--locked"]);
        if !quiet {
            return run(&mut install);
        }
        let log_path = target_dir().join("xtask-trunk-install.log");
        let _ = std::fs::create_dir_all(target_dir());
        let log = std::fs::File::create(&log_path)
            .map_err(|e| Error::new(format!("cannot write {}: {e}", log_path.display())))?;
        let err = log
            .try_clone()
            .map_err(|e| Error::new(format!("cannot write {}: {e}", log_path.display())))?;
        install.stdout(log).stderr(err);
        run_quiet(&mut install)
            .map_err(|e| Error::new(format!("{e}; its output is in {}", log_path.display())))
    })?;
    expect_version("trunk", &want)
}

/// The `wasm-bindgen` version in Cargo.lock: the CLI must match it exactly.
pub(crate) fn wasm_bindgen_version() -> Result<String> {
    let path = root().join("Cargo.lock");
    let lock = std::fs::read_to_string(&path)
        .map_err(|e| Error::new(format!("cannot read {}: {e}", path.display())))?;
    lock_version(&lock, "wasm-bindgen").ok_or_else(|| {
        Error::new("Cargo.lock has no `wasm-bindgen` package: is the frontend a workspace member?")
    })
}

/// Version of package `name` in a Cargo.lock text.
fn lock_version(lock: &str, name: &str) -> Option<String> {
    let wanted = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == wanted {
            let version = lines.next()?.trim();
            let value = version.strip_prefix("version = \"")?.strip_suffix('"')?;
            return Some(value.to_owned());
        }
    }
    None
}

/// Trunk is told the wasm-bindgen version in `frontend/Trunk.toml`; with
/// `TRUNK_OFFLINE` a mismatch fails the build late and obscurely, so check it now.
fn check_trunk_toml(bindgen: &str) -> Result {
    let path = root().join("frontend/Trunk.toml");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Error::new(format!("cannot read {}: {e}", path.display())))?;
    let pinned = text.lines().find_map(|line| {
        let (key, value) = line.split_once('=')?;
        (key.trim() == "wasm_bindgen").then(|| value.trim().trim_matches('"').to_owned())
    });
    match pinned {
        Some(v) if v == bindgen => Ok(()),
        Some(v) => Err(Error::new(format!(
            "frontend/Trunk.toml pins wasm_bindgen = \"{v}\" but Cargo.lock has wasm-bindgen {bindgen}; \
             set it to \"{bindgen}\""
        ))),
        None => Err(Error::new(format!(
            "frontend/Trunk.toml has no [tools] wasm_bindgen; add wasm_bindgen = \"{bindgen}\""
        ))),
    }
}

fn ensure_wasm_bindgen(version: &str) -> Result {
    let want = format!("wasm-bindgen {version}");
    match version_of("wasm-bindgen") {
        Some(v) if v == want => {
            println!("xtask: {v} present");
            return Ok(());
        }
        Some(v) => println!("xtask: found `{v}`, need {want}"),
        None => {}
    }
    // Not --locked: its lockfile wants a crate version the registry lacks.
    installing(&format!("wasm-bindgen-cli {version}"), || {
        run(cargo_install().args(["wasm-bindgen-cli", "--version", version]))
    })?;
    expect_version("wasm-bindgen", &want)
}

/// `cargo install` for a build tool, compiled for a quick install rather
/// than the last bit of speed: Trunk's own release profile asks for fat LTO
/// in one codegen unit, which took most of its 10-18 minutes on two
/// cores. The variables override the installed crate's profile.
fn cargo_install() -> Command {
    let mut install = cmd("cargo");
    install
        .arg("install")
        .env("CARGO_PROFILE_RELEASE_LTO", "off")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16");
    install
}

/// `wasm-split-cli` has no `--version`; `cargo install --list` says which
/// version of its crate put it in cargo's bin dir.
fn ensure_wasm_split() -> Result {
    let want = format!("wasm_split_cli_support v{WASM_SPLIT_VERSION}:");
    let installed = || {
        probe(cmd("cargo").args(["install", "--list"])).is_some_and(|out| {
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .any(|line| line.trim() == want)
        }) && cargo_bin_dir().join("wasm-split-cli").exists()
    };
    if installed() {
        println!("xtask: wasm-split-cli {WASM_SPLIT_VERSION} present");
        return Ok(());
    }
    installing(&format!("wasm-split-cli {WASM_SPLIT_VERSION}"), || {
        run(cargo_install().args([
            "wasm_split_cli_support",
            "--version",
            WASM_SPLIT_VERSION,
            "--features",
            "build-binary",
            "--locked",
        ]))
    })?;
    if installed() {
        Ok(())
    } else {
        Err(Error::new(format!(
            "after installing, `cargo install --list` does not show {want} with wasm-split-cli"
        )))
    }
}

fn ensure_wasm_opt() -> Result {
    let major = BINARYEN_VERSION
        .split('.')
        .next()
        .unwrap_or(BINARYEN_VERSION);
    let want = format!("version {major}");
    match version_of("wasm-opt") {
        Some(v) if v.contains(&want) => {
            println!("xtask: {v} present");
            return Ok(());
        }
        Some(v) => println!("xtask: found `{v}`, need wasm-opt {want}"),
        None => {}
    }
    installing(
        &format!("wasm-opt (npm binaryen@{BINARYEN_VERSION})"),
        || run(cmd("npm").args(["install", "-g", &format!("binaryen@{BINARYEN_VERSION}")])),
    )?;
    expect_version("wasm-opt", &want)
}

/// After an install: the tool found first on PATH must now report `want`.
fn expect_version(program: &str, want: &str) -> Result {
    match version_of(program) {
        Some(v) if v.contains(want) => Ok(()),
        found => {
            let which = probe(cmd("which").arg(program))
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
                .unwrap_or_default();
            Err(Error::new(format!(
                "after installing, `{program} --version` says {found:?} (found at `{which}`), \
                 expected `{want}`: another {program} earlier on PATH?"
            )))
        }
    }
}

/// `trunk build` (development profile, no chunk splitting) in `frontend/`,
/// offline (tools come from PATH), into `target/trunk-dev` so the release
/// `frontend/dist` stays as it is: proves `trunk serve` still builds.
pub(crate) fn trunk_build_dev() -> Command {
    let mut command = cmd("trunk");
    command
        .args(["build", "--dist"])
        .arg(target_dir().join("trunk-dev"))
        .current_dir(root().join("frontend"))
        .env("TRUNK_OFFLINE", "true")
        .env("TRUNK_SKIP_VERSION_CHECK", "true");
    command
}

/// `cargo build --release -p backend`.
pub(crate) fn build_backend() -> Command {
    let mut command = cmd("cargo");
    command.args(["build", "--release", "-p", "backend"]);
    command
}

/// Cargo's target dir: `CARGO_TARGET_DIR`, else `target/` in the root.
pub(crate) fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| {
            if dir.is_absolute() {
                dir
            } else {
                root().join(dir)
            }
        })
        .unwrap_or_else(|| root().join("target"))
}

/// Path of the release `cmconsole` binary.
pub(crate) fn backend_binary() -> PathBuf {
    target_dir().join("release").join("cmconsole")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_versions_in_a_lockfile() {
        let lock = "[[package]]\nname = \"wasm-bindgen-macro\"\nversion = \"0.2.1\"\n\n\
                    [[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n";
        assert_eq!(
            lock_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(lock_version(lock, "trunk"), None);
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(fmt_duration(Duration::from_millis(1500)), "1.5s");
        assert_eq!(fmt_duration(Duration::from_secs(125)), "2m05s");
    }
}
