//! `embed_migrations!()`: the migration directory as a `migrate_core::Migrator`.

use std::path::PathBuf;

use migrate_core::Explain;
use migrate_core::config::{CONFIG_FILE, Config, Dialect};
use migrate_core::diagnostic::plain;
use migrate_core::lint::{self, Level, LintOptions};
use migrate_core::migration::manifest::MANIFEST_FILE;
use migrate_core::migration::{MigrationDir, ProblemKind, SNAPSHOT_FILE};
use proc_macro2::{Span, TokenStream};
use quote::quote;

use crate::ctxt::Ctxt;
use crate::error::MacroError;
use crate::input::{self, Env};

pub(crate) fn expand(input: TokenStream, env: &Env) -> TokenStream {
    let lit: Option<syn::LitStr> = if input.is_empty() {
        None
    } else {
        match syn::parse2(input) {
            Ok(l) => Some(l),
            Err(e) => {
                return syn::Error::new(
                    e.span(),
                    "expected `embed_migrations!()` or `embed_migrations!(\"path/to/migrations\")`",
                )
                .into_compile_error();
            }
        }
    };
    let cx = Ctxt::new();
    let migrator = expand_path(lit.as_ref(), env, &cx);
    let errors = cx.check();
    match migrator {
        Some(m) if errors.is_empty() => m,
        // The migrator stays an expression of the right type, so nothing else fails after this.
        _ => quote!({
            #errors
            ::migrate_core::Migrator::new(&[])
        }),
    }
}

/// The `Migrator` expression, or `None` with the errors in `cx`.
pub(crate) fn expand_path(lit: Option<&syn::LitStr>, env: &Env, cx: &Ctxt) -> Option<TokenStream> {
    let span = lit.map_or_else(Span::call_site, syn::LitStr::span);
    let base = env.base(span).map_err(|e| cx.push(e)).ok()?;
    let mut tracked: Vec<PathBuf> = Vec::new();
    let config_path = base.dir.join(CONFIG_FILE);
    // The crate's configuration: its migration directory (without a path argument), its dialect
    // and its `[lint]` levels.
    let config = if config_path.is_file() {
        tracked.push(config_path.clone());
        match Config::load(&config_path) {
            Ok(c) => Some(c),
            Err(d) => {
                for e in base.diagnostics(span, &d) {
                    cx.push(e);
                }
                return None;
            }
        }
    } else {
        None
    };
    let dir = match (lit, &config) {
        (Some(lit), _) => base.resolve(lit).map_err(|e| cx.push(e)).ok()?,
        (None, Some(c)) => c.migrations.clone(),
        (None, None) => base.dir.join("migrations"),
    };
    if !dir.is_dir() {
        cx.explain(
            span,
            &MacroError::NoMigrationDir {
                path: base.show(&dir),
            },
        );
        return None;
    }
    // The migrations up to `lint_baseline` are released: what they hold that the runner refuses
    // today is a warning (they were applied as they are and cannot change); the runner still
    // refuses to run one where it is not applied.
    let baseline = config.as_ref().and_then(|c| c.lint_baseline);
    let mdir = match MigrationDir::open(&dir) {
        Ok(d) => d.with_baseline(baseline),
        Err(e) => {
            cx.error(span, base.explain(&e));
            return None;
        }
    };
    // What the runner will refuse in a file (transaction control, `COPY … FROM STDIN`) depends on
    // the dialect: checked when the crate's migrate.toml names it.
    let statements = config
        .as_ref()
        .map(|c| mdir.verify_statements(c.dialect))
        .unwrap_or_default();
    for p in mdir.verify().iter().chain(&statements) {
        cx.error(span, base.explain(p));
    }
    if cx.has_errors() {
        return None;
    }
    let mut warnings = lint_findings(&mdir, config.as_ref(), &base, span, cx);
    let released = mdir.released_problems(config.as_ref().map(|c| c.dialect));
    for (n, p) in released.iter().enumerate() {
        let help = match &p.kind {
            ProblemKind::Content(c) => c.help(),
            _ => p.help(),
        }
        .unwrap_or_default();
        let text = base.clean(&format!(
            "migrate: {p} (a warning: at or before `lint_baseline`, applied as it is; the runner refuses to \
             run it where it is not applied)\n  help: {help}"
        ));
        warnings.extend(crate::warning::deprecated(
            n,
            &text,
            span,
            "migrate_released_warning",
        ));
    }
    if cx.has_errors() {
        return None;
    }
    // The snapshot is not what is embedded, but `schema!` and the build check against it: a stale
    // one is said here too, where a project without `schema!` looks.
    if dir.join(SNAPSHOT_FILE).is_file() && !mdir.snapshot_is_current() {
        let text = migrate_core::build::stale_snapshot_warning(
            "`schema!` and the build check the schema against the snapshot",
        );
        warnings.extend(crate::warning::deprecated(
            0,
            &text,
            span,
            "migrate_stale_snapshot",
        ));
    }
    for f in [MANIFEST_FILE, SNAPSHOT_FILE] {
        let p = dir.join(f);
        if p.is_file() {
            tracked.push(p);
        }
    }
    let migrations = mdir.migrations().iter().map(|m| {
        tracked.push(m.path.clone());
        let version = m.version.as_u64();
        let name = &m.name;
        let content = &m.content;
        let checksum = &m.checksum;
        let no_transaction = m.no_transaction();
        let lock_timeout = duration_tokens(m.directives.lock_timeout);
        let statement_timeout = duration_tokens(m.directives.statement_timeout);
        quote! {
            ::migrate_core::EmbeddedMigration {
                version: #version,
                name: #name,
                content: #content,
                checksum: #checksum,
                no_transaction: #no_transaction,
                lock_timeout: #lock_timeout,
                statement_timeout: #statement_timeout,
            }
        }
    });
    let migrations: Vec<TokenStream> = migrations.collect();
    let track = input::track(&tracked);
    Some(quote!({
        #track
        #warnings
        ::migrate_core::Migrator::new(&[#(#migrations),*])
    }))
}

/// A directive's timeout as a constant expression: `Some(Duration::from_millis(ms))` or `None`.
fn duration_tokens(d: Option<std::time::Duration>) -> TokenStream {
    match d {
        Some(d) => {
            let ms = migrate_core::duration::as_millis(d);
            quote!(::core::option::Option::Some(::core::time::Duration::from_millis(#ms)))
        }
        None => quote!(::core::option::Option::None),
    }
}

/// Lints the unreleased migrations (after `lint_baseline`): an error-level finding is a compile
/// error; a warning-level one is a compiler warning, returned as tokens to put in the expansion.
///
/// A proc macro cannot emit a warning on stable Rust, so a warning is the use of a deprecated
/// constant whose deprecation note is the finding: the compiler prints it as a `deprecated`
/// warning at the macro call (the technique of the `proc-macro-warning` crate).
/// `#[allow(deprecated)]` on the item silences it; `[lint]` in migrate.toml sets the level.
fn lint_findings(
    dir: &MigrationDir,
    config: Option<&Config>,
    base: &crate::input::Base,
    span: Span,
    cx: &Ctxt,
) -> TokenStream {
    let options = config.map_or_else(
        || LintOptions::new(Dialect::DEFAULT),
        LintOptions::from_config,
    );
    let baseline = config.and_then(|c| c.lint_baseline);
    let mut warnings = TokenStream::new();
    let mut n = 0usize;
    for migration in lint::unreleased(dir.migrations(), baseline) {
        let report = lint::lint_migration(migration, &options);
        for f in &report.findings {
            let (line, col) = report.line_col(f);
            let text = base.clean(&format!(
                "migrate lint: {}:{line}:{col}: {}[{}]: {}",
                report.file.path.display(),
                f.level,
                f.rule,
                plain(f)
            ));
            match f.level {
                Level::Error => cx.error(span, text),
                Level::Warning | Level::Off => {
                    warnings.extend(crate::warning::deprecated(
                        n,
                        &text,
                        span,
                        "migrate_lint_warning",
                    ));
                    n += 1;
                }
            }
        }
    }
    warnings
}
