//! A throwaway PostgreSQL server for the tests: a new cluster in a
//! temporary directory on a free loopback port, run as the `postgres` user
//! when xtask runs as root (PostgreSQL refuses root), stopped and deleted
//! when dropped. The tests find it through `CMCONSOLE_TEST_DATABASE_URL`.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;

use crate::tools::{self, cmd};
use crate::{Error, Result};

/// The variable the backend's tests read the server's URL from.
pub(crate) const TEST_DATABASE_ENV: &str = "CMCONSOLE_TEST_DATABASE_URL";

/// A running throwaway server.
pub(crate) struct Throwaway {
    dir: PathBuf,
    bin: PathBuf,
    as_postgres: bool,
    /// `postgres://postgres@127.0.0.1:PORT/postgres` (trust login).
    pub(crate) url: String,
}

/// The directory of `initdb` and `pg_ctl`: the newest Debian
/// `/usr/lib/postgresql/N/bin`, else wherever `pg_ctl` is on the PATH.
pub(crate) fn bin_dir() -> Option<PathBuf> {
    let newest = std::fs::read_dir("/usr/lib/postgresql")
        .ok()
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version: u32 = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .max_by_key(|(version, _)| *version)
        .map(|(_, bin)| bin);
    newest.or_else(|| {
        std::env::var_os("PATH").and_then(|path| {
            std::env::split_paths(&path)
                .find(|dir| dir.join("pg_ctl").exists() && dir.join("initdb").exists())
        })
    })
}

impl Throwaway {
    /// Creates and starts a cluster.
    ///
    /// # Errors
    /// When PostgreSQL is not installed or does not start.
    pub(crate) fn start() -> Result<Self> {
        let bin = bin_dir().ok_or_else(|| Error::new("PostgreSQL (initdb, pg_ctl) not found"))?;
        let as_postgres = tools::is_root();
        let dir = make_temp_dir()?;
        let port = free_port()?;
        let server = Self {
            url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
            dir,
            bin,
            as_postgres,
        };
        if as_postgres {
            tools::run_quiet(cmd("chown").args(["postgres:postgres"]).arg(&server.dir))?;
        }
        let data = server.dir.join("data");
        tools::run_quiet(
            server
                .pg("initdb")
                .args([
                    "-A",
                    "trust",
                    "-U",
                    "postgres",
                    "-E",
                    "UTF8",
                    "--no-locale",
                    "-N",
                    "-D",
                ])
                .arg(&data)
                .stdout(std::process::Stdio::null()),
        )?;
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -k {} -c fsync=off -c max_connections=300",
            server.dir.display()
        );
        tools::run_quiet(
            server
                .pg("pg_ctl")
                .args(["-w", "-t", "60", "-D"])
                .arg(&data)
                .arg("-l")
                .arg(server.dir.join("server.log"))
                .args(["-o", &options, "start"])
                .stdout(std::process::Stdio::null()),
        )?;
        println!("xtask: throwaway PostgreSQL at {}", server.url);
        Ok(server)
    }

    /// `bin/program`, as the `postgres` user when xtask is root.
    fn pg(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if self.as_postgres {
            let mut command = cmd("runuser");
            command.args(["-u", "postgres", "--"]).arg(path);
            command
        } else {
            Command::new(path)
        }
    }
}

impl Drop for Throwaway {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let _ = self
            .pg("pg_ctl")
            .args(["-w", "-m", "immediate", "-D"])
            .arg(&data)
            .arg("stop")
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `cargo xtask postgres -- COMMAND...`: runs COMMAND with
/// [`TEST_DATABASE_ENV`] naming a throwaway server, stopped afterwards.
pub(crate) fn with_server(command: &[String]) -> Result {
    let Some((program, args)) = command.split_first() else {
        return Err(Error::new(
            "`cargo xtask postgres` needs a command (cargo xtask postgres -- cargo test -p backend)",
        ));
    };
    let server = Throwaway::start()?;
    tools::run(cmd(program).args(args).env(TEST_DATABASE_ENV, &server.url))
}

/// A new private directory under the system's temporary directory.
fn make_temp_dir() -> Result<PathBuf> {
    let template = std::env::temp_dir().join("cmconsole-postgres-XXXXXX");
    let out = cmd("mktemp")
        .arg("-d")
        .arg(&template)
        .output()
        .map_err(|e| Error::new(format!("cannot run mktemp: {e}")))?;
    if !out.status.success() {
        return Err(Error::new("mktemp could not make a temporary directory"));
    }
    Ok(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

/// A loopback port nothing listens on right now.
fn free_port() -> Result<u16> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .map_err(|e| Error::new(format!("no free port: {e}")))
}
