//! `#[derive(Model)]`: a hand-written struct checked against a table of the schema.

use migrate_core::diagnostic::{did_you_mean, plain};
use migrate_core::schema::{Schema, Table};
use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::ext::IdentExt;
use syn::meta::ParseNestedMeta;

use crate::codegen::pk_type;
use crate::ctxt::Ctxt;
use crate::error::MacroError;
use crate::input::{self, Env, Source};
use crate::types::{self, EnumNames};

const STRUCT_KEYS: &[&str] = &["table", "schema"];
const FIELD_KEYS: &[&str] = &["column", "skip", "unchecked"];

/// `#[model(...)]` on the struct.
#[derive(Default)]
struct StructAttrs {
    table: Option<syn::LitStr>,
    schema: Option<syn::LitStr>,
}

/// `#[model(...)]` on a field.
#[derive(Default)]
struct FieldAttrs {
    column: Option<syn::LitStr>,
    skip: Option<syn::Path>,
    unchecked: Option<syn::Path>,
}

/// A field that maps to a column.
struct Mapped<'a> {
    field: &'a syn::Field,
    column: String,
    /// Where a problem with the column name is shown.
    column_span: Span,
    unchecked: bool,
}

fn unknown_key(meta: &ParseNestedMeta<'_>, allowed: &[&str]) -> syn::Error {
    let key = meta.path.to_token_stream().to_string().replace(' ', "");
    let help = match did_you_mean(&key, allowed.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!(
            "the keys allowed here are {}",
            allowed
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    meta.error(plain(&MacroError::UnknownModelKey { key, help }))
}

fn set<T>(
    slot: &mut Option<T>,
    value: T,
    meta: &ParseNestedMeta<'_>,
    key: &str,
) -> syn::Result<()> {
    if slot.is_some() {
        return Err(meta.error(format!("`{key}` is given twice")));
    }
    *slot = Some(value);
    Ok(())
}

fn struct_attrs(attrs: &[syn::Attribute], cx: &Ctxt) -> StructAttrs {
    let mut out = StructAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("model")) {
        let r = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("table") {
                let v: syn::LitStr = meta.value()?.parse()?;
                set(&mut out.table, v, &meta, "table")
            } else if meta.path.is_ident("schema") {
                let v: syn::LitStr = meta.value()?.parse()?;
                set(&mut out.schema, v, &meta, "schema")
            } else {
                Err(unknown_key(&meta, STRUCT_KEYS))
            }
        });
        if let Err(e) = r {
            cx.push(e);
        }
    }
    out
}

fn field_attrs(attrs: &[syn::Attribute], cx: &Ctxt) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("model")) {
        let r = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("column") {
                let v: syn::LitStr = meta.value()?.parse()?;
                set(&mut out.column, v, &meta, "column")
            } else if meta.path.is_ident("skip") {
                set(&mut out.skip, meta.path.clone(), &meta, "skip")
            } else if meta.path.is_ident("unchecked") {
                set(&mut out.unchecked, meta.path.clone(), &meta, "unchecked")
            } else {
                Err(unknown_key(&meta, FIELD_KEYS))
            }
        });
        if let Err(e) = r {
            cx.push(e);
        }
    }
    if let (Some(skip), Some(_)) = (&out.skip, &out.column) {
        cx.error_spanned(skip, plain(&MacroError::SkippedColumn));
    }
    out
}

pub(crate) fn expand(input: TokenStream, env: &Env) -> TokenStream {
    let input: syn::DeriveInput = match syn::parse2(input) {
        Ok(i) => i,
        Err(e) => return e.into_compile_error(),
    };
    let cx = Ctxt::new();
    let body = expand_input(&input, env, &cx);
    let errors = cx.check();
    quote!(#errors #body)
}

fn expand_input(input: &syn::DeriveInput, env: &Env, cx: &Ctxt) -> TokenStream {
    let attrs = struct_attrs(&input.attrs, cx);
    let fields: Vec<&syn::Field> = match &input.data {
        syn::Data::Struct(syn::DataStruct {
            fields: syn::Fields::Named(named),
            ..
        }) => named.named.iter().collect(),
        _ => {
            cx.error(
                input.ident.span(),
                "#[derive(Model)] needs a struct with named fields, one per column",
            );
            Vec::new()
        }
    };
    let mapped: Vec<Mapped<'_>> = fields
        .iter()
        .filter_map(|f| {
            let a = field_attrs(&f.attrs, cx);
            if a.skip.is_some() {
                return None;
            }
            let ident = f.ident.as_ref()?;
            let (column, column_span) = match &a.column {
                Some(lit) => (lit.value(), lit.span()),
                None => (ident.unraw().to_string(), ident.span()),
            };
            Some(Mapped {
                field: f,
                column,
                column_span,
                unchecked: a.unchecked.is_some(),
            })
        })
        .collect();

    let table_name = match &attrs.table {
        Some(t) => Some(t.value()),
        None => {
            cx.explain(
                input.ident.span(),
                &MacroError::NoTable {
                    model: input.ident.to_string(),
                },
            );
            None
        }
    };

    let mut tracked = TokenStream::new();
    let schema = load(env, &attrs, input.ident.span(), cx, &mut tracked);
    let table = match (&schema, &table_name, &attrs.table) {
        (Some(schema), Some(name), Some(lit)) => find_table(schema, name, lit, cx),
        _ => None,
    };
    if let (Some(schema), Some(table)) = (&schema, table) {
        check_fields(schema, table, &mapped, cx);
    }

    let enums = schema.as_ref().map(EnumNames::of).unwrap_or_default();
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let table_lit = table_name.unwrap_or_default();
    let columns = mapped.iter().map(|m| &m.column);
    let (pk_names, pk) = match table {
        Some(t) => {
            let names: Vec<&String> = t.primary_key.iter().flat_map(|pk| &pk.columns).collect();
            let types = names
                .iter()
                .map(|c| match mapped.iter().find(|m| &&m.column == c) {
                    Some(m) => types::option_inner(&m.field.ty)
                        .unwrap_or(&m.field.ty)
                        .to_token_stream(),
                    None => t
                        .column(c)
                        .map(|col| types::tokens(&col.ty, &enums))
                        .unwrap_or_else(|| quote!(())),
                })
                .collect();
            (names, pk_type(types))
        }
        None => (Vec::new(), quote!(())),
    };
    quote! {
        const _: () = { #tracked };

        #[automatically_derived]
        impl #impl_generics ::migrate_core::Table for #ident #ty_generics #where_clause {
            const TABLE_NAME: &'static str = #table_lit;
            const COLUMNS: &'static [&'static str] = &[#(#columns),*];
            const PRIMARY_KEY: &'static [&'static str] = &[#(#pk_names),*];
            type PrimaryKey = #pk;
        }
    }
}

/// The schema the struct is checked against: `schema = "..."`, else the crate's migrate.toml.
fn load(
    env: &Env,
    attrs: &StructAttrs,
    span: Span,
    cx: &Ctxt,
    tracked: &mut TokenStream,
) -> Option<Schema> {
    let span = attrs.schema.as_ref().map_or(span, syn::LitStr::span);
    let base = env.base(span).map_err(|e| cx.push(e)).ok()?;
    let source = Source::find(&base, attrs.schema.as_ref(), span)
        .map_err(|e| cx.push(e))
        .ok()?;
    let loaded = input::load_schema(source.schema_path());
    let files: Vec<std::path::PathBuf> = source
        .config_path()
        .map(Into::into)
        .into_iter()
        .chain(loaded.files.iter().cloned())
        .collect();
    tracked.extend(input::track(&files));
    match loaded.schema {
        Ok(s) => Some(s),
        Err(diags) => {
            for e in base.diagnostics(span, &diags) {
                cx.push(e);
            }
            None
        }
    }
}

fn find_table<'s>(
    schema: &'s Schema,
    name: &str,
    lit: &syn::LitStr,
    cx: &Ctxt,
) -> Option<&'s Table> {
    if let Some(t) = schema.table(name) {
        return Some(t);
    }
    let tables = schema.tables.iter().map(|t| t.name.as_str());
    let help = match did_you_mean(name, tables) {
        Some(s) => format!("did you mean `{s}`?"),
        None if schema.tables.is_empty() => "the schema declares no tables".to_string(),
        None => format!(
            "the tables are {}",
            schema
                .tables
                .iter()
                .map(|t| format!("`{}`", t.name))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    cx.explain(
        lit.span(),
        &MacroError::UnknownTable {
            name: name.to_string(),
            help,
        },
    );
    None
}

fn check_fields(schema: &Schema, table: &Table, mapped: &[Mapped<'_>], cx: &Ctxt) {
    let enums = EnumNames::of(schema);
    for (i, m) in mapped.iter().enumerate() {
        if let Some(first) = mapped[..i].iter().find(|o| o.column == m.column) {
            let other = first
                .field
                .ident
                .as_ref()
                .map(|i| i.unraw().to_string())
                .unwrap_or_default();
            cx.explain(
                m.column_span,
                &MacroError::ColumnTaken {
                    table: table.name.clone(),
                    column: m.column.clone(),
                    field: other,
                },
            );
            continue;
        }
        let Some(col) = table.column(&m.column) else {
            let help = match did_you_mean(&m.column, table.columns.iter().map(|c| c.name.as_str()))
            {
                Some(s) => format!(
                    "did you mean `{s}`? (`#[model(column = \"{s}\")]` maps a field to a column of another name)"
                ),
                None => format!(
                    "map the field to a column with `#[model(column = \"...\")]`, or leave it out with `#[model(skip)]`; \
                     the columns of `{}` are {}",
                    table.name,
                    table
                        .columns
                        .iter()
                        .map(|c| format!("`{}`", c.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            cx.explain(
                m.column_span,
                &MacroError::UnknownColumn {
                    table: table.name.clone(),
                    column: m.column.clone(),
                    help,
                },
            );
            continue;
        };
        if m.unchecked {
            continue;
        }
        let ty = &m.field.ty;
        let expected = types::display_column(&col.ty, col.nullable, &enums);
        let (inner, is_option) = match types::option_inner(ty) {
            Some(inner) => (inner, true),
            None => (ty, false),
        };
        if col.nullable && !is_option {
            cx.error_spanned(
                ty,
                format!(
                    "column `{}.{}` is nullable: use `{expected}`",
                    table.name, col.name
                ),
            );
        } else if !col.nullable && is_option {
            cx.error_spanned(
                ty,
                format!(
                    "column `{}.{}` is NOT NULL: use `{expected}`",
                    table.name, col.name
                ),
            );
        } else if !types::matches(&col.ty, inner, &enums) {
            cx.error_spanned(
                ty,
                format!(
                    "column `{}.{}` is `{}`{}: use `{expected}`\n  \
                     note: the check reads the type as written; for a type alias or a newtype, add `#[model(unchecked)]`",
                    table.name,
                    col.name,
                    col.ty,
                    if col.nullable { ", nullable" } else { "" },
                ),
            );
        }
    }
}
