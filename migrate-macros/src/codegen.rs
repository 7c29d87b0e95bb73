//! The Rust items of a schema: one struct per table, one enum per enum type.

use std::collections::BTreeMap;

use migrate_core::config::Dialect;
use migrate_core::dialect::{DialectOps, EnumStorage, SqlxEnum};
use migrate_core::schema::{Column, Enum, Schema, Table};
use proc_macro2::{Span, TokenStream};
use quote::quote;

use crate::ctxt::Ctxt;
use crate::error::MacroError;
use crate::names;
use crate::types::{self, EnumNames};

/// `#[doc = " line"]` for each line of `text`.
fn doc(text: &str) -> TokenStream {
    text.lines()
        .map(|l| {
            let l = format!(" {l}");
            quote!(#[doc = #l])
        })
        .collect()
}

/// Every item of the schema. Names that clash in Rust are reported to `cx`, and the clashing item
/// is left out.
pub(crate) fn schema_items(schema: &Schema, dialects: &[Dialect], cx: &Ctxt) -> TokenStream {
    let enums = EnumNames::of(schema);
    // Rust type names in use, with what uses them.
    let mut taken: BTreeMap<String, String> = BTreeMap::new();
    let mut out = TokenStream::new();
    for e in &schema.enums {
        let name = enums.get(&e.name);
        if let Some(other) = taken.insert(name.clone(), format!("enum `{}`", e.name)) {
            cx.explain(
                Span::call_site(),
                &MacroError::TypeNameTaken {
                    enum_name: e.name.clone(),
                    other,
                    rust: name.clone(),
                },
            );
            continue;
        }
        out.extend(enum_item(e, &name, dialects, cx));
    }
    for t in &schema.tables {
        if let Some(other) = taken.insert(t.model.clone(), format!("table `{}`", t.name)) {
            cx.explain(
                Span::call_site(),
                &MacroError::ModelTaken {
                    table: t.name.clone(),
                    model: t.model.clone(),
                    other,
                },
            );
            continue;
        }
        out.extend(table_item(t, &enums, dialects, cx));
    }
    for f in &schema.families {
        let model = &f.template.model;
        if let Some(other) = taken.insert(model.clone(), format!("family `{}`", f.name)) {
            cx.explain(
                Span::call_site(),
                &MacroError::ModelTaken {
                    table: f.name.clone(),
                    model: model.clone(),
                    other,
                },
            );
            continue;
        }
        out.extend(family_item(schema, f, &enums, dialects, cx));
    }
    out
}

/// The struct of a family's member rows (its `FromRow` impls, no `Table` impl: the table is
/// named at run time), the member pattern, and for each dialect the SQL that creates a member
/// and a function that runs it on the caller's sqlx connection.
fn family_item(
    schema: &Schema,
    f: &migrate_core::schema::Family,
    enums: &EnumNames,
    dialects: &[Dialect],
    cx: &Ctxt,
) -> TokenStream {
    let (row, from_row, _) = row_item(&f.template, enums, dialects, cx, "a member table of family");
    let name = names::type_ident(&f.template.model);
    let family = &f.name;
    let pattern = &f.pattern;
    let p = f.parsed_pattern();
    let (prefix, suffix) = (&p.prefix, &p.suffix);
    let columns = f.template.columns.iter().map(|c| &c.name);
    let one = dialects.len() == 1;
    let creators = dialects.iter().filter_map(|d| {
        let sql = match schema.create_member_sql(&f.name, *d, migrate_core::family::MEMBER) {
            Ok(sql) => sql,
            Err(e) => {
                cx.explain(Span::call_site(), &e);
                return None;
            }
        };
        let SqlxEnum { database, .. } = d.ops().sqlx_enum();
        let database = proc_macro2::Ident::new(database, Span::call_site());
        let suffix = if one {
            String::new()
        } else {
            format!("_{}", d.ops().name())
        };
        let sql_fn = proc_macro2::Ident::new(&format!("create_member_sql{suffix}"), Span::call_site());
        let run_fn = proc_macro2::Ident::new(&format!("create_member{suffix}"), Span::call_site());
        let title = d.ops().title();
        let sql_doc = format!(
            " The {title} SQL that creates the member table of `key` with the template's shape as declared \
             now (names quoted)."
        );
        let run_doc = format!(
            " Creates the member table of `key` on a {title} connection (`&mut *transaction` and a pooled `&mut *conn` are ones), with the SQL \
             of [`Self::{sql_fn}`]."
        );
        Some(quote! {
            #[doc = #sql_doc]
            pub fn #sql_fn(key: &str) -> ::std::string::String {
                ::migrate_core::family::bind(#sql, key)
            }

            #[doc = #run_doc]
            pub async fn #run_fn(
                conn: &mut <::sqlx::#database as ::sqlx::Database>::Connection,
                key: &str,
            ) -> ::core::result::Result<(), ::sqlx::Error> {
                let sql = Self::#sql_fn(key);
                ::sqlx::raw_sql(&sql).execute(&mut *conn).await.map(|_| ())
            }
        })
    });
    let about_pattern = format!(" The member tables' names: `{pattern}`.");
    quote! {
        #row

        #from_row

        #[allow(dead_code)]
        impl #name {
            /// The family's name (`[families.NAME]`).
            pub const FAMILY: &'static str = #family;
            #[doc = #about_pattern]
            pub const PATTERN: &'static str = #pattern;
            /// The template's columns, in order.
            pub const COLUMNS: &'static [&'static str] = &[#(#columns),*];

            /// The name of the member table of `key` (unquoted: quote it to use it in SQL).
            pub fn member_table(key: &str) -> ::std::string::String {
                ::std::format!("{}{}{}", #prefix, key, #suffix)
            }

            #(#creators)*
        }
    }
}

/// The struct of a table, with its `Table` impl and a `sqlx::FromRow` impl for each dialect.
pub(crate) fn table_item(
    t: &Table,
    enums: &EnumNames,
    dialects: &[Dialect],
    cx: &Ctxt,
) -> TokenStream {
    let (row, from_row, name) = row_item(t, enums, dialects, cx, "table");
    let table_name = &t.name;
    let columns = t.columns.iter().map(|c| &c.name);
    let pk_cols: Vec<&Column> = t
        .primary_key
        .iter()
        .flat_map(|pk| &pk.columns)
        .filter_map(|c| t.column(c))
        .collect();
    let pk_names = pk_cols.iter().map(|c| &c.name);
    let pk_type = pk_type(
        pk_cols
            .iter()
            .map(|c| types::tokens(&c.ty, enums))
            .collect(),
    );
    quote! {
        #row

        #[automatically_derived]
        impl ::migrate_core::Table for #name {
            const TABLE_NAME: &'static str = #table_name;
            const COLUMNS: &'static [&'static str] = &[#(#columns),*];
            const PRIMARY_KEY: &'static [&'static str] = &[#(#pk_names),*];
            type PrimaryKey = #pk_type;
        }

        #from_row
    }
}

/// The struct of a table's rows, its `sqlx::FromRow` impl for each dialect, and its name; `what`
/// names the table in the struct's doc comment (`table`, `a member table of family`).
fn row_item(
    t: &Table,
    enums: &EnumNames,
    dialects: &[Dialect],
    cx: &Ctxt,
    what: &str,
) -> (TokenStream, TokenStream, proc_macro2::Ident) {
    let name = names::type_ident(&t.model);
    let mut docs = t.comment.as_deref().map(doc).unwrap_or_default();
    if t.comment.is_some() {
        docs.extend(quote!(#[doc = ""]));
    }
    let about = format!(
        " A row of {what} `{}`, generated by `schema!` from the schema.",
        t.name
    );
    docs.extend(quote!(#[doc = #about]));

    let mut fields = Vec::new();
    // Each field with the column it is read from.
    let mut reads = Vec::new();
    let mut used: BTreeMap<String, &str> = BTreeMap::new();
    for c in &t.columns {
        let (ident, _) = names::field(&c.name);
        if let Some(other) = used.insert(ident.to_string(), &c.name) {
            cx.explain(
                Span::call_site(),
                &MacroError::FieldTaken {
                    table: t.name.clone(),
                    other: other.to_string(),
                    column: c.name.clone(),
                    field: ident.to_string(),
                },
            );
            continue;
        }
        fields.push(field(c, &ident, enums));
        let col = &c.name;
        reads.push(quote!(#ident: row.try_get(#col)?));
    }
    let decoded_by = |d: &&Dialect| t.columns.iter().all(|c| d.ops().sqlx_decodes(&c.ty));
    let from_row = dialects.iter().filter(decoded_by).map(|d| {
        let SqlxEnum { module, row, .. } = d.ops().sqlx_enum();
        let module = proc_macro2::Ident::new(module, Span::call_site());
        let row = proc_macro2::Ident::new(row, Span::call_site());
        let row = quote!(::sqlx::#module::#row);
        // What `#[derive(sqlx::FromRow)]` would write, for the dialect's row type only: no
        // bound per field for the compiler to prove on every build of the crate.
        quote! {
            #[automatically_derived]
            impl<'r> ::sqlx::FromRow<'r, #row> for #name {
                fn from_row(row: &'r #row) -> ::core::result::Result<Self, ::sqlx::Error> {
                    use ::sqlx::Row as _;
                    ::core::result::Result::Ok(#name { #(#reads,)* })
                }
            }
        }
    });

    let row = quote! {
        #docs
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq)]
        #[allow(dead_code)]
        pub struct #name {
            #(#fields)*
        }
    };
    (row, quote!(#(#from_row)*), name)
}

/// The primary key's Rust type: the column's, a tuple for several, `()` for none.
pub(crate) fn pk_type(mut types: Vec<TokenStream>) -> TokenStream {
    if types.len() == 1 {
        types.remove(0)
    } else {
        quote!((#(#types,)*))
    }
}

fn field(c: &Column, ident: &proc_macro2::Ident, enums: &EnumNames) -> TokenStream {
    let ty = types::column_tokens(&c.ty, c.nullable, enums);
    let mut docs = c.comment.as_deref().map(doc).unwrap_or_default();
    if c.comment.is_some() {
        docs.extend(quote!(#[doc = ""]));
    }
    let about = format!(
        " Column `{}`: `{}`{}.",
        c.name,
        c.ty,
        if c.nullable { ", nullable" } else { "" }
    );
    docs.extend(quote!(#[doc = #about]));
    quote! {
        #docs
        pub #ident: #ty,
    }
}

/// The Rust enum of an enum type, with its sqlx mapping for each dialect.
pub(crate) fn enum_item(e: &Enum, rust: &str, dialects: &[Dialect], cx: &Ctxt) -> TokenStream {
    let name = names::type_ident(rust);
    let sql_name = &e.name;
    let mut variants: Vec<(proc_macro2::Ident, &str)> = Vec::new();
    for label in &e.values {
        let v = names::upper_camel(label);
        if let Some((_, other)) = variants.iter().find(|(id, _)| *id == v) {
            cx.explain(
                Span::call_site(),
                &MacroError::VariantTaken {
                    enum_name: e.name.clone(),
                    other: other.to_string(),
                    label: label.clone(),
                    variant: v.to_string(),
                },
            );
            continue;
        }
        variants.push((names::type_ident(&v), label));
    }
    let mut docs = e.comment.as_deref().map(doc).unwrap_or_default();
    if e.comment.is_some() {
        docs.extend(quote!(#[doc = ""]));
    }
    let about = format!(
        " The enum type `{}`, generated by `schema!` from the schema.",
        e.name
    );
    docs.extend(quote!(#[doc = #about]));
    let idents: Vec<_> = variants.iter().map(|(v, _)| v).collect();
    let labels: Vec<&str> = variants.iter().map(|(_, l)| *l).collect();
    let variant_docs = labels.iter().map(|l| format!(" `{l}`"));
    let count = variants.len();

    let mut sqlx_impls = TokenStream::new();
    for d in dialects {
        sqlx_impls.extend(sqlx_impls_for(&name, sql_name, d.ops()));
    }

    quote! {
        #docs
        #[derive(
            ::core::fmt::Debug, ::core::clone::Clone, ::core::marker::Copy, ::core::cmp::PartialEq,
            ::core::cmp::Eq, ::core::hash::Hash, ::core::cmp::PartialOrd, ::core::cmp::Ord,
        )]
        #[allow(dead_code)]
        pub enum #name {
            #( #[doc = #variant_docs] #idents, )*
        }

        #[allow(dead_code)]
        impl #name {
            /// The SQL name of the enum type.
            pub const TYPE_NAME: &'static str = #sql_name;
            /// Every variant, in declaration order (the order PostgreSQL sorts them in).
            pub const ALL: [#name; #count] = [#(#name::#idents),*];
            /// Every label, in declaration order.
            pub const LABELS: [&'static str; #count] = [#(#labels),*];

            /// The label exactly as the database stores it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    #( #name::#idents => #labels, )*
                }
            }
        }

        #[automatically_derived]
        impl ::core::fmt::Display for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #[automatically_derived]
        impl ::core::str::FromStr for #name {
            type Err = ::migrate_core::rust_types::ParseEnumError;

            fn from_str(s: &str) -> ::core::result::Result<Self, Self::Err> {
                match s {
                    #( #labels => ::core::result::Result::Ok(#name::#idents), )*
                    _ => ::core::result::Result::Err(::migrate_core::rust_types::ParseEnumError::new(
                        #sql_name,
                        &#name::LABELS,
                        s,
                    )),
                }
            }
        }

        #sqlx_impls
    }
}

/// The sqlx impls of an enum type for one dialect, as its [`SqlxEnum`] describes them: `Type`
/// (and the array type, for a named database type), `Encode` and `Decode` as the label.
fn sqlx_impls_for(name: &proc_macro2::Ident, sql: &str, dialect: &dyn DialectOps) -> TokenStream {
    let SqlxEnum {
        database,
        module,
        type_info,
        storage,
        ..
    } = dialect.sqlx_enum();
    let db = proc_macro2::Ident::new(database, Span::call_site());
    let module = proc_macro2::Ident::new(module, Span::call_site());
    let type_info = proc_macro2::Ident::new(type_info, Span::call_site());
    let type_impls = match storage {
        EnumStorage::NamedType { array_trait } => {
            // Always quoted, so any enum name (upper case, spaces, a SQL keyword) resolves to
            // exactly the declared type.
            let type_name = dialect.quote_ident(sql);
            let array_trait = proc_macro2::Ident::new(array_trait, Span::call_site());
            quote! {
                #[automatically_derived]
                impl ::sqlx::Type<::sqlx::#db> for #name {
                    fn type_info() -> ::sqlx::#module::#type_info {
                        ::sqlx::#module::#type_info::with_name(#type_name)
                    }
                }

                #[automatically_derived]
                impl ::sqlx::#module::#array_trait for #name {
                    fn array_type_info() -> ::sqlx::#module::#type_info {
                        ::sqlx::#module::#type_info::array_of(#type_name)
                    }
                }
            }
        }
        EnumStorage::Text => quote! {
            #[automatically_derived]
            impl ::sqlx::Type<::sqlx::#db> for #name {
                fn type_info() -> ::sqlx::#module::#type_info {
                    <&str as ::sqlx::Type<::sqlx::#db>>::type_info()
                }

                fn compatible(ty: &::sqlx::#module::#type_info) -> bool {
                    <&str as ::sqlx::Type<::sqlx::#db>>::compatible(ty)
                }
            }
        },
    };
    quote! {
        #type_impls

        #[automatically_derived]
        impl<'q> ::sqlx::Encode<'q, ::sqlx::#db> for #name {
            fn encode_by_ref(
                &self,
                buf: &mut <::sqlx::#db as ::sqlx::Database>::ArgumentBuffer<'q>,
            ) -> ::core::result::Result<::sqlx::encode::IsNull, ::sqlx::error::BoxDynError> {
                <&str as ::sqlx::Encode<'q, ::sqlx::#db>>::encode(self.as_str(), buf)
            }
        }

        #[automatically_derived]
        impl<'r> ::sqlx::Decode<'r, ::sqlx::#db> for #name {
            fn decode(
                value: <::sqlx::#db as ::sqlx::Database>::ValueRef<'r>,
            ) -> ::core::result::Result<Self, ::sqlx::error::BoxDynError> {
                let s = <&'r str as ::sqlx::Decode<'r, ::sqlx::#db>>::decode(value)?;
                ::core::result::Result::Ok(<#name as ::core::str::FromStr>::from_str(s)?)
            }
        }
    }
}
