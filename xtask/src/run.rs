//! `cargo xtask run`: build the console (release) and serve it on the simulator.

use std::time::Instant;

use crate::tools::{self, Needs};
use crate::{Error, Result, ui};

/// Default `--listen` of `cmconsole serve`.
const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// Ensures the tools, builds UI and backend (which embeds the UI), then
/// replaces this process with `cmconsole serve EXTRA...`.
pub(crate) fn run(extra: &[String]) -> Result {
    let start = Instant::now();
    // The backend's dependencies compile while the UI tools install (each
    // `cargo install` builds in a target directory of its own); the backend
    // is built again once the UI exists, which only re-embeds it.
    let mut warm_up = tools::build_backend();
    println!("$ {} (in the background)", tools::show(&warm_up));
    let warming = std::thread::spawn(move || tools::run_quiet(&mut warm_up));
    tools::ensure(Needs::Ui)?;
    let tools_ready = start.elapsed();
    warming
        .join()
        .map_err(|_| Error::new("the backend build thread panicked"))??;
    let backend_ready = start.elapsed();
    ui::build_release()?;
    let ui_ready = start.elapsed();
    tools::run(&mut tools::build_backend())?;
    println!(
        "xtask: built in {} (tools ready at {}, backend dependencies at {}, UI at {})",
        tools::fmt_duration(start.elapsed()),
        tools::fmt_duration(tools_ready),
        tools::fmt_duration(backend_ready),
        tools::fmt_duration(ui_ready),
    );

    let binary = tools::backend_binary();
    // The release binary embeds the console just built: nothing else to pass.
    let mut serve = tools::cmd(&binary.to_string_lossy());
    serve.arg("serve").args(extra);

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
