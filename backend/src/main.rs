//! `cmconsole` binary: parses the command line and runs the server.

use clap::Parser;
use tracing_subscriber::EnvFilter;

use backend::cli::{Cli, Command};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("warn,backend=info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => backend::cli::serve(args).await,
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("cmconsole: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
