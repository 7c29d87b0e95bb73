//! `migrate`: check, generate, diff and apply database schema migrations.

mod cli;
mod commands;
mod output;
mod report;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // A statement squawk's parser gives up on is a lint finding, not a panic message.
    migrate_core::lint::quiet_parser_panics();
    let cli = cli::Cli::parse();
    let out = output::Output::new(&cli.global);
    let code = commands::run(cli, &out);
    ExitCode::from(code as u8)
}
