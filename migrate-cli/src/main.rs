//! `migrate`: check, generate, diff and apply database schema migrations.

mod cli;
mod commands;
mod output;
mod report;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let out = output::Output::new(&cli.global);
    let code = commands::run(cli, &out);
    ExitCode::from(code as u8)
}
