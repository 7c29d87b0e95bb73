//! `migrate`: check, generate, diff and apply database schema migrations.

mod cli;
mod commands;
mod dotenv;
mod output;
mod report;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // A statement squawk's parser gives up on is a lint finding, not a panic message.
    migrate_core::lint::quiet_parser_panics();
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    let out = output::Output::new(&cli.global);
    let code = commands::run(cli, &out);
    ExitCode::from(code as u8)
}

/// A command line clap cannot read: for people as clap prints it; with `--format json` as one
/// JSON object, like every other error. Help and version go to stdout either way.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let informational = matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    if informational || !cli::json_requested(std::env::args_os().skip(1)) {
        e.exit()
    }
    let rendered = e.render().to_string();
    let mut lines = rendered.lines().filter(|l| !l.trim().is_empty());
    let message = lines
        .next()
        .unwrap_or("invalid command line")
        .trim_start_matches("error: ")
        .to_string();
    let help = lines.map(str::trim).collect::<Vec<_>>().join("\n");
    let failure = report::Failure::new(&message, (!help.is_empty()).then_some(help.as_str()));
    println!("{}", report::to_json(&failure));
    ExitCode::from(commands::Exit::Usage as u8)
}
