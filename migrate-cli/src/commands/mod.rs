//! One module per command; each returns the process exit code.

mod check;
mod init;

use std::path::{Path, PathBuf};

use migrate_core::config::{CONFIG_FILE, Config};

use crate::cli::{Cli, Command, Global};
use crate::output::Output;

/// Exit codes: 0 success; 1 a check found something, a change was refused, or a migration failed;
/// 2 usage, configuration or connection error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    Found = 1,
    Usage = 2,
}

pub fn run(cli: Cli, out: &Output) -> Exit {
    match cli.command {
        Command::Init(args) => init::run(&args, out),
        Command::Check => check::run(&cli.global, out),
    }
}

/// Loads migrate.toml (from `--config` or the working directory); on failure reports and gives
/// the exit code.
pub fn load_config(global: &Global, out: &Output) -> Result<Config, Exit> {
    let path: PathBuf = global.config.clone().unwrap_or_else(|| PathBuf::from(CONFIG_FILE));
    if global.config.is_none() && !Path::new(CONFIG_FILE).exists() {
        out.error(
            "no migrate.toml in the current directory",
            Some("run `migrate init` to create one, or pass `--config PATH`"),
        );
        return Err(Exit::Usage);
    }
    let config = Config::load(&path).map_err(|diags| {
        report(out, &diags);
        Exit::Usage
    })?;
    if let Some(env) = &global.env
        && let Err(d) = config.environment(env)
    {
        out.error(&d.message, d.help.as_deref());
        return Err(Exit::Usage);
    }
    Ok(config)
}

/// Prints diagnostics for a person, or as one JSON document.
pub fn report(out: &Output, diags: &migrate_core::Diagnostics) {
    if out.json() {
        let errors: Vec<_> = diags.iter().map(crate::output::diagnostic_json).collect();
        println!("{}", serde_json::json!({ "ok": false, "errors": errors }));
    } else {
        for d in diags.iter() {
            out.diagnostic(d);
        }
    }
}
