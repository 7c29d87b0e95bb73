//! `embed_migrations!()`: the migration directory as a `migrate_core::Migrator`.

use std::path::PathBuf;

use migrate_core::config::{CONFIG_FILE, Config};
use migrate_core::migration::manifest::MANIFEST_FILE;
use migrate_core::migration::{MigrationDir, SNAPSHOT_FILE};
use proc_macro2::{Span, TokenStream};
use quote::quote;

use crate::ctxt::Ctxt;
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
    // The dialect, when the crate's migrate.toml names it: what the runner will refuse in a file
    // (transaction control, `COPY … FROM STDIN`) depends on it.
    let mut dialect = None;
    let config_path = base.dir.join(CONFIG_FILE);
    let dir = match lit {
        Some(lit) => {
            if config_path.is_file() {
                dialect = Config::load(&config_path).ok().map(|c| c.dialect);
            }
            base.resolve(lit).map_err(|e| cx.push(e)).ok()?
        }
        None => {
            if config_path.is_file() {
                tracked.push(config_path.clone());
                match Config::load(&config_path) {
                    Ok(c) => {
                        dialect = Some(c.dialect);
                        c.migrations
                    }
                    Err(d) => {
                        for e in base.diagnostics(span, &d) {
                            cx.push(e);
                        }
                        return None;
                    }
                }
            } else {
                base.dir.join("migrations")
            }
        }
    };
    if !dir.is_dir() {
        cx.error(
            span,
            format!(
                "no migration directory `{}`\n  help: create it with `migrate init` or `migrate generate`, or name the directory: \
                 `embed_migrations!(\"path/to/migrations\")`",
                base.show(&dir)
            ),
        );
        return None;
    }
    let mdir = match MigrationDir::open(&dir) {
        Ok(d) => d,
        Err(e) => {
            cx.error(span, base.clean(&e.to_string()));
            return None;
        }
    };
    let statements = dialect
        .map(|d| mdir.verify_statements(d))
        .unwrap_or_default();
    for p in mdir.verify().iter().chain(&statements) {
        cx.error(
            span,
            base.clean(&format!("{}\n  help: {}", p.message(), p.help())),
        );
    }
    if cx.has_errors() {
        return None;
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
        quote! {
            ::migrate_core::EmbeddedMigration {
                version: #version,
                name: #name,
                content: #content,
                checksum: #checksum,
                no_transaction: #no_transaction,
            }
        }
    });
    let migrations: Vec<TokenStream> = migrations.collect();
    let track = input::track(&tracked);
    Some(quote!({
        #track
        ::migrate_core::Migrator::new(&[#(#migrations),*])
    }))
}
