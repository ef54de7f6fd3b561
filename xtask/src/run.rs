//! `cargo xtask run`: build the console (release) and serve it on the simulator.

use std::time::Instant;

use crate::tools::{self, Needs};
use crate::{Error, Result, ui};

/// Default `--listen` of `cmconsole serve`.
const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// Ensures the tools, builds UI and backend, then replaces this process with
/// `cmconsole serve --ui-dir frontend/dist EXTRA...`.
pub(crate) fn run(extra: &[String]) -> Result {
    let start = Instant::now();
    tools::ensure(Needs::Ui)?;
    ui::build_release()?;
    tools::run(&mut tools::build_backend())?;
    println!("xtask: built in {}", tools::fmt_duration(start.elapsed()));

    let binary = tools::backend_binary();
    let mut serve = tools::cmd(&binary.to_string_lossy());
    serve.arg("serve");
    if !extra
        .iter()
        .any(|a| a == "--ui-dir" || a.starts_with("--ui-dir="))
    {
        serve
            .arg("--ui-dir")
            .arg(tools::root().join("frontend").join("dist"));
    }
    serve.args(extra);

    let listen = listen_addr(extra).unwrap_or(DEFAULT_LISTEN);
    println!("xtask: starting the console at http://{listen}/ (Ctrl-C to stop)");
    println!("$ {}", tools::show(&serve));
    exec(serve)
}

/// The value of `--listen` in `args`, either `--listen X` or `--listen=X`.
fn listen_addr(args: &[String]) -> Option<&str> {
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == "--listen" {
            return iter.next().map(String::as_str);
        }
        if let Some(value) = arg.strip_prefix("--listen=") {
            return Some(value);
        }
    }
    None
}

#[cfg(unix)]
fn exec(mut command: std::process::Command) -> Result {
    use std::os::unix::process::CommandExt;
    let err = command.exec();
    Err(Error::new(format!(
        "cannot start `{}`: {err}",
        tools::show(&command)
    )))
}

#[cfg(not(unix))]
fn exec(mut command: std::process::Command) -> Result {
    let status = command.status()?;
    if status.success() {
        Ok(())
    } else {
        Err(Error::new(format!("cmconsole exited with {status}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn finds_the_listen_address() {
        assert_eq!(listen_addr(&args(&["--speed", "5"])), None);
        assert_eq!(
            listen_addr(&args(&["--listen", "0.0.0.0:9"])),
            Some("0.0.0.0:9")
        );
        assert_eq!(
            listen_addr(&args(&["--listen=127.0.0.1:1"])),
            Some("127.0.0.1:1")
        );
    }
}
