//! `cmconsole` binary: parses the command line and runs the server.

use clap::Parser;

use backend::cli::{Cli, Command};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    backend::logging::init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => backend::startup::serve(args).await,
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("cmconsole: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
