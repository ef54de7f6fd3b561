//! `cargo xtask test`: every gate, in order, stopping at the first failure.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::tools::{self, Needs};
use crate::{Error, Result, ui};

/// What a step does.
type Action = Box<dyn FnOnce() -> Result>;

/// One gate: a name for the summary and the action that decides it.
struct Step {
    name: &'static str,
    action: Option<Action>,
    /// Why the step is skipped, when it is.
    skip: Option<&'static str>,
}

impl Step {
    /// A step that runs `command`.
    fn run(name: &'static str, mut command: Command) -> Self {
        Self::call(name, move || tools::run(&mut command))
    }

    /// A step that calls `action`.
    fn call(name: &'static str, action: impl FnOnce() -> Result + 'static) -> Self {
        Self {
            name,
            action: Some(Box::new(action)),
            skip: None,
        }
    }

    /// A step that runs `command` unless `skip` gives a reason not to.
    fn unless(name: &'static str, skip: Option<&'static str>, command: Command) -> Self {
        Self {
            skip,
            ..Self::run(name, command)
        }
    }
}

/// Runs the tool check, then fmt, clippy, tests, UI and backend builds, e2e.
pub(crate) fn test(extra: &[String]) -> Result {
    if let Some(arg) = extra.first() {
        return Err(Error::new(format!(
            "`cargo xtask test` takes no arguments (got `{arg}`)"
        )));
    }
    let start = Instant::now();
    let mut summary: Vec<(&'static str, String, Duration)> = Vec::new();

    let trunk = tools::spawn_trunk_install();
    setup(&mut summary, start, "tools", || tools::ensure(Needs::Tests))?;
    let postgres = setup(
        &mut summary,
        start,
        "throwaway PostgreSQL",
        crate::postgres::Throwaway::start,
    )?;
    // The server lives until every step has run.
    run_steps(steps(trunk, &postgres.url), start, summary)
}

/// Runs a step whose result the later steps need, timed in `summary`; on
/// failure prints the summary and stops.
fn setup<T>(
    summary: &mut Vec<(&'static str, String, Duration)>,
    start: Instant,
    name: &'static str,
    action: impl FnOnce() -> Result<T>,
) -> Result<T> {
    let step_start = Instant::now();
    let result = action();
    summary.push((name, verdict(&result), step_start.elapsed()));
    result.map_err(|err| {
        print_summary(summary, start.elapsed());
        Error::new(format!("step `{name}` failed: {err}"))
    })
}

/// `cargo xtask conformance`: the aws-sdk-rust half of the conformance
/// matrix (a backend test), then the boto3 and AWS CLI half, which rewrites
/// the README's table from all three.
pub(crate) fn conformance(extra: &[String]) -> Result {
    if let Some(arg) = extra.first() {
        return Err(Error::new(format!(
            "`cargo xtask conformance` takes no arguments (got `{arg}`)"
        )));
    }
    let mut rust_half = tools::cmd("cargo");
    rust_half.args(["test", "-p", "backend", "--test", "api", "conformance"]);
    let mut steps = vec![
        Step::run("conformance: aws-sdk-rust", rust_half),
        Step::run("build backend (release)", tools::build_backend()),
    ];
    steps.extend(client_steps(Matrix::WriteReadme));
    run_steps(steps, Instant::now(), Vec::new())
}

/// Runs `steps` in order, stopping at the first failure; prints a summary.
fn run_steps(
    steps: Vec<Step>,
    start: Instant,
    mut summary: Vec<(&'static str, String, Duration)>,
) -> Result {
    for step in steps {
        println!("\n==> {}", step.name);
        let step_start = Instant::now();
        let result = match (step.skip, step.action) {
            (Some(reason), _) => {
                println!("skipped: {reason}");
                summary.push((step.name, "skipped".to_owned(), Duration::ZERO));
                continue;
            }
            (None, Some(action)) => action(),
            (None, None) => Ok(()),
        };
        if step.name == "npm ci" && result.is_ok() {
            remember_lockfile();
        }
        if step.name == CLIENTS_INSTALL && result.is_ok() {
            remember_requirements();
        }
        let took = step_start.elapsed();
        println!(
            "--> {} {} in {}",
            step.name,
            verdict(&result),
            tools::fmt_duration(took)
        );
        summary.push((step.name, verdict(&result), took));
        if let Err(err) = result {
            print_summary(&summary, start.elapsed());
            return Err(Error::new(format!("step `{}` failed: {err}", step.name)));
        }
    }
    print_summary(&summary, start.elapsed());
    Ok(())
}

fn verdict<T>(result: &Result<T>) -> String {
    if result.is_ok() {
        "ok".to_owned()
    } else {
        "FAILED".to_owned()
    }
}

fn steps(trunk: std::thread::JoinHandle<Result>, database_url: &str) -> Vec<Step> {
    let cargo = |args: &[&str]| {
        let mut command = tools::cmd("cargo");
        command.args(args);
        command
    };
    let e2e = tools::root().join("e2e");
    let mut npm_ci = tools::cmd("npm");
    npm_ci.arg("ci").current_dir(&e2e);
    let mut playwright = tools::cmd("npx");
    playwright
        .args(["playwright", "test"])
        .current_dir(&e2e)
        .env("CMCONSOLE_BIN", tools::backend_binary());

    let mut steps = vec![
        Step::run("fmt", cargo(&["fmt", "--all", "--", "--check"])),
        Step::run(
            "clippy (native)",
            // The frontend too: its unit tests (live store, wizard requests)
            // run natively, and only this pass lints them.
            cargo(&[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]),
        ),
        Step::run(
            "clippy (wasm32)",
            cargo(&[
                "clippy",
                "-p",
                "frontend",
                "-p",
                "shared",
                "--target",
                tools::WASM_TARGET,
                "--",
                "-D",
                "warnings",
            ]),
        ),
        Step::run("cargo test (SQLite and PostgreSQL)", {
            let mut test = cargo(&["test", "--workspace"]);
            test.env(crate::postgres::TEST_DATABASE_ENV, database_url);
            test
        }),
        Step::call("UI release build (split, precompressed)", ui::build_release),
        Step::call("trunk build (development)", move || {
            trunk
                .join()
                .map_err(|_| Error::new("the Trunk install thread panicked"))??;
            tools::run(&mut tools::trunk_build_dev())
        }),
        Step::run("build backend (release)", tools::build_backend()),
        Step::call("torture, short (crash, live stream, fuzz)", || {
            crate::torture::torture(&["crash", "live", "fuzz", "--short"].map(String::from))
        }),
        Step::unless(
            "npm ci",
            (!lockfile_changed(&e2e)).then_some("node_modules matches package-lock.json"),
            npm_ci,
        ),
        Step::run("playwright", playwright),
    ];
    steps.extend(client_steps(Matrix::Check));
    steps
}

/// What the conformance matrix does with the README's table.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Matrix {
    /// Fails when the table differs from this run's results.
    Check,
    /// Rewrites it.
    WriteReadme,
}

/// The real-client steps: the Python virtualenv and its pinned packages, the
/// boto3/CLI checks, the boto3 and CLI half of the conformance matrix.
fn client_steps(matrix: Matrix) -> Vec<Step> {
    let python = || tools::cmd(&venv_python().to_string_lossy());
    let mut conformance = python();
    conformance
        .arg(clients_dir().join("conformance").join("run.py"))
        .env("CMCONSOLE_BIN", tools::backend_binary());
    if matrix == Matrix::WriteReadme {
        conformance.arg("--write-readme");
    }
    vec![
        Step::unless(
            CLIENTS_VENV,
            venv_python().exists().then_some("virtualenv present"),
            {
                let mut venv = tools::cmd("python3");
                venv.args(["-m", "venv"]).arg(venv_dir());
                venv
            },
        ),
        Step::unless(
            CLIENTS_INSTALL,
            (!requirements_changed()).then_some("installed packages match requirements.txt"),
            {
                let mut pip = python();
                pip.args([
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    "-r",
                ])
                .arg(clients_dir().join("requirements.txt"));
                pip
            },
        ),
        Step::run("real clients (boto3, AWS CLI)", {
            let mut check = python();
            check
                .arg(clients_dir().join("check_real_clients.py"))
                .env("CMCONSOLE_BIN", tools::backend_binary());
            check
        }),
        Step::run(
            "conformance matrix (boto3, AWS CLI; README table)",
            conformance,
        ),
    ]
}

const CLIENTS_VENV: &str = "python venv for real clients";
const CLIENTS_INSTALL: &str = "pip install boto3/awscli/cryptography";

/// `e2e/clients`: the boto3 and AWS CLI checks and their pinned packages.
fn clients_dir() -> std::path::PathBuf {
    tools::root().join("e2e").join("clients")
}

fn venv_dir() -> std::path::PathBuf {
    tools::root().join("e2e").join(".venv")
}

fn venv_python() -> std::path::PathBuf {
    venv_dir().join("bin").join("python")
}

/// Copy of the requirements the last successful install used.
fn requirements_stamp() -> std::path::PathBuf {
    venv_dir().join(".xtask-requirements.txt")
}

fn requirements_changed() -> bool {
    let wanted = std::fs::read(clients_dir().join("requirements.txt")).ok();
    let installed = std::fs::read(requirements_stamp()).ok();
    wanted.is_none() || wanted != installed
}

fn remember_requirements() {
    if let Err(err) = std::fs::copy(clients_dir().join("requirements.txt"), requirements_stamp()) {
        eprintln!("xtask: warning: cannot record the installed requirements: {err}");
    }
}

/// Copy of the lockfile that the last successful `npm ci` installed.
const STAMP: &str = "node_modules/.xtask-package-lock.json";

/// True when `node_modules` is missing or was installed from another lockfile.
fn lockfile_changed(e2e: &Path) -> bool {
    let current = std::fs::read(e2e.join("package-lock.json")).ok();
    let installed = std::fs::read(e2e.join(STAMP)).ok();
    !e2e.join("node_modules").is_dir() || current.is_none() || current != installed
}

fn remember_lockfile() {
    let e2e = tools::root().join("e2e");
    if let Err(err) = std::fs::copy(e2e.join("package-lock.json"), e2e.join(STAMP)) {
        eprintln!("xtask: warning: cannot record the installed lockfile: {err}");
    }
}

fn print_summary(summary: &[(&'static str, String, Duration)], total: Duration) {
    println!("\n==> summary");
    for (name, verdict, took) in summary {
        println!(
            "  {name:<30} {verdict:<8} {:>8}",
            tools::fmt_duration(*took)
        );
    }
    println!(
        "  {:<30} {:<8} {:>8}",
        "total",
        "",
        tools::fmt_duration(total)
    );
}
