//! `serve --init-dir DIR`: once the server is ready, the executable files of
//! DIR run one after another in name order (as LocalStack's `ready.d`), with
//! `AWS_ENDPOINT_URL`, credentials and the region in their environment, to
//! create what a demo or a test needs. Each outcome is logged and kept for
//! `GET /api/init`; a script that fails is reported and the next one runs.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use shared::console::{InitReport, InitScript, InitStatus, ScriptStatus};
use tokio::io::AsyncReadExt;

/// How long one script may run before it is killed.
pub const SCRIPT_TIME_LIMIT: Duration = Duration::from_secs(300);

/// How much of a script's output is kept (its end).
const OUTPUT_LIMIT: usize = 16 * 1024;

/// The scripts of one `--init-dir` and how they went.
#[derive(Debug)]
pub struct InitHooks {
    dir: PathBuf,
    report: Mutex<InitReport>,
}

impl InitHooks {
    /// What `GET /api/init` answers.
    pub fn report(&self) -> InitReport {
        self.report
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The report when there is no `--init-dir`.
    pub fn none() -> InitReport {
        InitReport {
            status: InitStatus::None,
            dir: None,
            scripts: Vec::new(),
        }
    }

    /// Lists the executable files of `dir`, in name order, to run later.
    ///
    /// # Errors
    /// When `dir` cannot be read.
    pub fn list(dir: &Path) -> std::io::Result<Arc<Self>> {
        let scripts = executables(dir)?;
        let hooks = Arc::new(Self {
            dir: dir.to_path_buf(),
            report: Mutex::new(InitReport {
                status: if scripts.is_empty() {
                    InitStatus::Done
                } else {
                    InitStatus::Running
                },
                dir: Some(dir.display().to_string()),
                scripts: scripts
                    .iter()
                    .map(|name| InitScript {
                        name: name.clone(),
                        status: ScriptStatus::Pending,
                        exit_code: None,
                        seconds: None,
                        output: String::new(),
                    })
                    .collect(),
            }),
        });
        Ok(hooks)
    }

    /// Runs the scripts one after another in the background, with `env`
    /// added to their environment.
    pub fn spawn(self: &Arc<Self>, env: Vec<(String, String)>) {
        let running = Arc::clone(self);
        tokio::spawn(async move { running.run_all(&env).await });
    }

    async fn run_all(&self, env: &[(String, String)]) {
        let count = self.report().scripts.len();
        for index in 0..count {
            let name = self.update(index, |s| s.status = ScriptStatus::Running);
            tracing::info!(script = %name, "init script started");
            let started = Instant::now();
            let (status, exit_code, output) = self.run_one(&name, env).await;
            let seconds = started.elapsed().as_secs_f64();
            match status {
                ScriptStatus::Succeeded => {
                    tracing::info!(script = %name, seconds, "init script succeeded");
                }
                _ => tracing::warn!(
                    script = %name,
                    ?exit_code,
                    seconds,
                    output = %output,
                    "init script failed"
                ),
            }
            self.update(index, |s| {
                s.status = status;
                s.exit_code = exit_code;
                s.seconds = Some(seconds);
                s.output = output;
            });
        }
        self.report.lock().unwrap_or_else(|e| e.into_inner()).status = InitStatus::Done;
    }

    /// Changes script `index` of the report; returns its name.
    fn update(&self, index: usize, change: impl FnOnce(&mut InitScript)) -> String {
        let mut report = self.report.lock().unwrap_or_else(|e| e.into_inner());
        let script = &mut report.scripts[index];
        change(script);
        script.name.clone()
    }

    async fn run_one(
        &self,
        name: &str,
        env: &[(String, String)],
    ) -> (ScriptStatus, Option<i32>, String) {
        let mut command = tokio::process::Command::new(self.dir.join(name));
        command
            .current_dir(&self.dir)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(err) => return (ScriptStatus::Failed, None, format!("cannot start: {err}")),
        };
        let output = Arc::new(Mutex::new(Vec::new()));
        let readers = [
            child.stdout.take().map(|o| collect(o, Arc::clone(&output))),
            child.stderr.take().map(|e| collect(e, Arc::clone(&output))),
        ];
        let waited = tokio::time::timeout(SCRIPT_TIME_LIMIT, child.wait()).await;
        let (status, code) = match waited {
            Ok(Ok(exit)) if exit.success() => (ScriptStatus::Succeeded, exit.code()),
            Ok(Ok(exit)) => (ScriptStatus::Failed, exit.code()),
            Ok(Err(_)) => (ScriptStatus::Failed, None),
            Err(_) => {
                let _ = child.kill().await;
                (ScriptStatus::TimedOut, None)
            }
        };
        for reader in readers.into_iter().flatten() {
            let _ = tokio::time::timeout(Duration::from_secs(1), reader).await;
        }
        let bytes = output.lock().unwrap_or_else(|e| e.into_inner()).clone();
        (status, code, String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// Appends what `from` yields to `into`, keeping its last [`OUTPUT_LIMIT`] bytes.
fn collect(
    mut from: impl tokio::io::AsyncRead + Unpin + Send + 'static,
    into: Arc<Mutex<Vec<u8>>>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut buf = [0u8; 4096];
        while let Ok(n) = from.read(&mut buf).await {
            if n == 0 {
                break;
            }
            let mut kept = into.lock().unwrap_or_else(|e| e.into_inner());
            kept.extend_from_slice(&buf[..n]);
            let excess = kept.len().saturating_sub(OUTPUT_LIMIT);
            kept.drain(..excess);
        }
    })
}

/// The executable regular files of `dir`, by name.
fn executables(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut names: Vec<String> = std::fs::read_dir(dir)?
        .flatten()
        .filter(|entry| is_executable(&entry.path()))
        .filter_map(|entry| entry.file_name().into_string().ok())
        .collect();
    names.sort();
    Ok(names)
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}
