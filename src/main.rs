//! The `ehcsim` binary: parse arguments, dispatch, map failures to exit
//! codes (0 success, 2 bad input, 1 anything else, 130 interrupted).

mod cli;

use clap::Parser;

fn main() {
    let parsed = match cli::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // Help and version are successes; usage errors are bad input.
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    if let Err(failure) = cli::dispatch(parsed) {
        match &failure {
            cli::Failure::BadInput(e) | cli::Failure::Other(e) => eprintln!("error: {e:#}"),
            cli::Failure::Interrupted => {}
        }
        std::process::exit(failure.exit_code());
    }
}
