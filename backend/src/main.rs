//! `cmconsole` binary: parses the command line and runs the server.

use clap::{CommandFactory, Parser};

use backend::cli::{Cli, Command};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    backend::logging::init();
    let cli = Cli::try_parse().unwrap_or_else(|err| backend::cli::exit_on(&err));
    let result = match cli.command {
        Command::Serve(args) => {
            if let Err(conflict) = args.check_conflicts() {
                Cli::command()
                    .error(clap::error::ErrorKind::ArgumentConflict, conflict)
                    .exit();
            }
            backend::startup::serve(args)
                .await
                .map_err(|e| e.to_string())
        }
        Command::State(args) => {
            let token = backend::startup::console_token(args.token_file.as_deref());
            match token {
                Ok(token) => backend::state_file::run(args, token)
                    .await
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            }
        }
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("cmconsole: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
