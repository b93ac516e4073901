use std::process::ExitCode;

fn main() -> ExitCode {
    gridprice::cli::run()
}
