//! `schema!()`: the schema's Rust items, and the refusal of unacknowledged unsafe changes.

use migrate_core::config::Dialect;
use migrate_core::generate::plan;
use migrate_core::migration::MigrationError;
use migrate_core::schema::Schema;
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::parse::{Parse, ParseStream};

use crate::codegen;
use crate::ctxt::Ctxt;
use crate::error::{MacroError, explained};
use crate::input::{self, Base, Env, Source};

/// `schema!()`, `schema!("path")`, `schema!("path", dialect = "postgres")`.
#[derive(Default)]
pub(crate) struct Args {
    pub path: Option<syn::LitStr>,
    pub dialect: Option<(syn::Ident, syn::LitStr)>,
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Args> {
        let mut args = Args::default();
        if input.peek(syn::LitStr) {
            args.path = Some(input.parse()?);
            if input.is_empty() {
                return Ok(args);
            }
            input.parse::<syn::Token![,]>()?;
        }
        while !input.is_empty() {
            let key: syn::Ident = input.parse()?;
            if key != "dialect" {
                return Err(explained(
                    key.span(),
                    &MacroError::UnknownArgument {
                        key: key.to_string(),
                    },
                ));
            }
            if args.dialect.is_some() {
                return Err(syn::Error::new(key.span(), "`dialect` is given twice"));
            }
            input.parse::<syn::Token![=]>()?;
            let value: syn::LitStr = input.parse()?;
            args.dialect = Some((key, value));
            if input.is_empty() {
                break;
            }
            input.parse::<syn::Token![,]>()?;
        }
        Ok(args)
    }
}

pub(crate) fn expand(input: TokenStream, env: &Env) -> TokenStream {
    let args: Args = match syn::parse2(input) {
        Ok(a) => a,
        Err(e) => return e.into_compile_error(),
    };
    let cx = Ctxt::new();
    let items = expand_args(&args, env, &cx);
    let errors = cx.check();
    quote!(#errors #items)
}

/// The expansion for parsed arguments; errors go to `cx`.
pub(crate) fn expand_args(args: &Args, env: &Env, cx: &Ctxt) -> TokenStream {
    let span = args
        .path
        .as_ref()
        .map_or_else(Span::call_site, syn::LitStr::span);
    let (base, source) = match env
        .base(span)
        .and_then(|base| Source::find(&base, args.path.as_ref(), span).map(|s| (base, s)))
    {
        Ok(found) => found,
        Err(e) => {
            cx.push(e);
            return TokenStream::new();
        }
    };
    let dialect = match &args.dialect {
        None => None,
        Some((key, _)) if matches!(source, Source::Config(_)) => {
            cx.explain(key.span(), &MacroError::DialectFromConfig);
            None
        }
        Some((_, value)) => match Dialect::parse(&value.value()) {
            Some(d) => Some(d),
            None => {
                cx.explain(
                    value.span(),
                    &MacroError::UnknownDialect {
                        name: value.value(),
                    },
                );
                None
            }
        },
    };
    let dialects = input::dialects(&source, dialect);
    expand_source(&base, &source, &dialects, span, cx)
}

/// Loads, checks against the snapshot, and generates.
pub(crate) fn expand_source(
    base: &Base,
    source: &Source,
    dialects: &[Dialect],
    span: Span,
    cx: &Ctxt,
) -> TokenStream {
    let loaded = input::load_schema(source.schema_path());
    let mut tracked: Vec<std::path::PathBuf> =
        source.config_path().map(Into::into).into_iter().collect();
    tracked.extend(loaded.files.iter().cloned());

    // The snapshot: what the migrations have made of the database so far.
    let mut warning = TokenStream::new();
    let snapshot: Option<Result<Schema, MigrationError>> = match source {
        Source::Config(config) => {
            let (snapshot, files, stale) = input::load_snapshot(&config.migrations);
            tracked.extend(files);
            // No database here to replay the directory on: the snapshot stands in, and the
            // compiler says so, as `build.rs` does.
            if stale {
                let text = migrate_core::build::stale_snapshot_warning(
                    "`schema!` checked the schema against the snapshot",
                );
                warning = crate::warning::deprecated_item(0, &text, span, "migrate_stale_snapshot");
            }
            Some(snapshot)
        }
        Source::Schema(_) => None,
    };

    let items = match (&loaded.schema, &snapshot) {
        (Ok(declared), snapshot) => {
            if let (Source::Config(config), Some(snapshot)) = (source, snapshot) {
                match snapshot {
                    Ok(current) => {
                        let p = plan(config.dialect, current, declared, None);
                        for refusal in p.refusals() {
                            cx.error(span, base.explain(refusal).trim_end());
                        }
                    }
                    Err(e) => cx.error(span, base.explain(e)),
                }
            }
            codegen::schema_items(declared, dialects, cx)
        }
        (Err(diags), snapshot) => {
            for e in base.diagnostics(span, diags) {
                cx.push(e);
            }
            // The last migrated schema stands in for the broken one, so that code using its
            // items does not add errors of its own.
            match snapshot {
                Some(Ok(current)) => {
                    let quiet = Ctxt::new();
                    let items = codegen::schema_items(current, dialects, &quiet);
                    drop(quiet.check());
                    items
                }
                _ => TokenStream::new(),
            }
        }
    };
    let track = input::track(&tracked);
    quote!(#track #warning #items)
}
