//! Every diagnostic of the schema loader, proved on a small bad schema.
//!
//! In each case's text, `»` marks where the diagnostic must point (its line and column) and `«`,
//! when present, where its `related` location must point. The markers are removed before loading.
//! Each case holds exactly one mistake, so it must produce exactly one diagnostic.

use migrate_core::diagnostic::{Diagnostics, Location, SourceFile};
use migrate_core::schema::{load_sources, load_str};

const HERE: char = '»';
const THERE: char = '«';

/// A marker's file, line and column (1-based, in characters) in the text without markers.
type Mark = (String, usize, usize);

fn strip_markers(path: &str, text: &str) -> (String, Option<Mark>, Option<Mark>) {
    let (mut out, mut here, mut there) = (String::new(), None, None);
    let (mut line, mut col) = (1, 1);
    for ch in text.chars() {
        match ch {
            HERE => here = Some((path.to_string(), line, col)),
            THERE => there = Some((path.to_string(), line, col)),
            '\n' => {
                out.push(ch);
                line += 1;
                col = 1;
            }
            _ => {
                out.push(ch);
                col += 1;
            }
        }
    }
    (out, here, there)
}

fn show(diags: &Diagnostics) -> String {
    diags
        .iter()
        .map(|d| format!("[{}] {:?}\n{}", d.code, d.line_col(), d.render(false)))
        .collect::<Vec<_>>()
        .join("\n")
}

fn place(loc: &Location) -> Mark {
    let (line, col) = loc.line_col();
    (loc.path().display().to_string(), line, col)
}

fn check(files: &[(&str, &str)], code: &str, message: &str, help: &str) {
    let (mut sources, mut here, mut there) = (Vec::new(), None, None);
    for (path, text) in files {
        let (text, h, t) = strip_markers(path, text);
        here = here.or(h);
        there = there.or(t);
        sources.push(SourceFile::new(*path, text));
    }
    let here = here.expect("the case marks its spot with »");
    let diags = match load_sources(sources) {
        Ok(_) => panic!("expected `{code}`, but the schema loaded"),
        Err(d) => d,
    };
    assert_eq!(
        diags.len(),
        1,
        "expected one diagnostic, got:\n{}",
        show(&diags)
    );
    let d = &diags.0[0];
    assert_eq!(d.code, code, "\n{}", show(&diags));
    assert_eq!(
        d.location.as_ref().map(place),
        Some(here.clone()),
        "wrong position:\n{}",
        show(&diags)
    );
    let (path, line, col) = here;
    assert!(
        d.render(false).contains(&format!("{path}:{line}:{col}")),
        "{}",
        show(&diags)
    );
    assert!(
        d.message.contains(message),
        "message lacks {message:?}:\n{}",
        show(&diags)
    );
    let h = d
        .help
        .as_deref()
        .unwrap_or_else(|| panic!("no help:\n{}", show(&diags)));
    assert!(h.contains(help), "help lacks {help:?}:\n{}", show(&diags));
    match (there, &d.related) {
        (None, None) => {}
        (Some(there), Some((loc, label))) => {
            assert_eq!(
                place(loc),
                there,
                "wrong related position:\n{}",
                show(&diags)
            );
            assert!(!label.is_empty());
        }
        (there, related) => panic!(
            "related: expected {there:?}, got {related:?}\n{}",
            show(&diags)
        ),
    }
}

/// `case! { name, code, message, help, text }`, or `files [(path, text), ...]` for several files.
macro_rules! case {
    ($name:ident, $code:literal, $message:literal, $help:literal, files $files:expr) => {
        #[test]
        fn $name() {
            check(&$files, $code, $message, $help);
        }
    };
    ($name:ident, $code:literal, $message:literal, $help:literal, $text:expr) => {
        #[test]
        fn $name() {
            check(&[("case.toml", $text)], $code, $message, $help);
        }
    };
}

// TOML syntax.

case! {toml_unclosed_table_header, "toml-syntax", "unclosed table, expected `]`", "close the table header with `]`", r#"
[tables.pets»
model = "Pet"
columns = { id = "uuid" }
"#}

case! {toml_missing_equals, "toml-syntax", "expected `=`", "`key = value`", r#"
[tables.pets]
model »"Pet"
columns = { id = "uuid" }
"#}

case! {toml_duplicate_key, "toml-syntax", "duplicate key", "remove or rename one of them", r#"
[tables.pets]
model = "Pet"
»model = "Dog"
columns = { id = "uuid" }
"#}

case! {toml_unquoted_string, "toml-syntax", "must be quoted", "model = \"Pet\"", r#"
[tables.pets]
model = »Pet
columns = { id = "uuid" }
"#}

case! {toml_missing_comma, "toml-syntax", "missing comma", "separate the entries with `,`", r#"
[tables.pets]
model = "Pet"
columns = { id = { type = "uuid" »primary_key = true } }
"#}

case! {toml_unclosed_string, "toml-syntax", "invalid basic string", "end the string with the quote it starts with", r#"
[tables.pets]
model = "Pet»
columns = { id = "uuid" }
"#}

// Unknown keys, at every level, with the closest known key.

case! {unknown_top_key, "unknown-key", "unknown key `tabels`", "did you mean `tables`?", r#"
[»tabels.pets]
model = "Pet"
"#}

case! {unknown_enum_key, "unknown-key", "in enum `kind`", "did you mean `comment`?", r#"
[enums.kind]
values = ["A"]
»coment = "What kind."
"#}

case! {unknown_table_key, "unknown-key", "in table `pets`", "did you mean `comment`?", r#"
[tables.pets]
model = "Pet"
»commnet = "All pets."
columns = { id = "uuid" }
"#}

case! {unknown_column_key, "unknown-key", "in column `pets.name`", "did you mean `nullable`?", r#"
[tables.pets]
model = "Pet"
columns = { name = { type = "text", »nulable = true } }
"#}

case! {unknown_index_key, "unknown-key", "in an index of `pets`", "did you mean `unique`?", r#"
[tables.pets]
model = "Pet"
columns = { name = "text" }

[[tables.pets.indexes]]
columns = ["name"]
»uniqe = true
"#}

case! {unknown_check_key, "unknown-key", "in a check of `pets`", "did you mean `expr`?", r#"
[tables.pets]
model = "Pet"
columns = { weight = "integer" }

[[tables.pets.checks]]
name = "pets_weight_positive"
»expression = "weight > 0"
"#}

case! {unknown_foreign_key_key, "unknown-key", "in a foreign key of `cats`", "did you mean `on_delete`?", r#"
[tables.pets]
model = "Pet"
columns = { id = { type = "uuid", primary_key = true } }

[tables.cats]
model = "Cat"
columns = { pet_id = "uuid" }

[[tables.cats.foreign_keys]]
columns = ["pet_id"]
references = { table = "pets", columns = ["id"] }
»on_delet = "cascade"
"#}

case! {unknown_references_key, "unknown-key", "in `references`", "did you mean `table`?", r#"
[tables.pets]
model = "Pet"
columns = { id = { type = "uuid", primary_key = true } }

[tables.cats]
model = "Cat"
columns = { pet_id = "uuid" }

[[tables.cats.foreign_keys]]
columns = ["pet_id"]
references = { »tabel = "pets", columns = ["id"] }
"#}

// Values of the wrong kind.

case! {wrong_kind_boolean, "wrong-kind", "`nullable` must be true or false, found a string", "nullable = true", r#"
[tables.pets]
model = "Pet"
columns = { name = { type = "text", nullable = »"yes" } }
"#}

case! {wrong_kind_model, "wrong-kind", "`model` must be a string, found an integer", "model = \"Pet\"", r#"
[tables.pets]
model = »5
columns = { id = "uuid" }
"#}

case! {wrong_kind_type, "wrong-kind", "`type` must be a string, found an array", "type = \"text\"", r#"
[tables.pets]
model = "Pet"
columns = { id = { type = »["uuid"] } }
"#}

case! {wrong_kind_values, "wrong-kind", "`values` must be an array of strings, found a string", "values = [", r#"
[enums.kind]
values = »"CAT, DOG"
"#}

case! {wrong_kind_columns, "wrong-kind", "must be a table, found an array", "[tables.pets.columns]", r#"
[tables.pets]
model = "Pet"
columns = »["id", "name"]
"#}

case! {wrong_kind_index_column, "wrong-kind", "each entry of `columns` must be a column name or a key table, found an integer", "columns = [", r#"
[tables.pets]
model = "Pet"
columns = { name = "text" }
indexes = [{ columns = ["name", »2] }]
"#}

// Types.

case! {type_typo, "unknown-type", "unknown type `integr`", "did you mean `integer`?", r#"
[tables.pets]
model = "Pet"
columns = { weight = { type = »"integr" } }
"#}

case! {type_alias_int, "unknown-type", "unknown type `int`", "write `integer`", r#"
[tables.pets]
model = "Pet"
columns = { weight = »"int" }
"#}

case! {type_alias_serial, "unknown-type", "unknown type `serial`", "`integer` with `identity = true`", r#"
[tables.pets]
model = "Pet"
columns = { id = { type = »"serial", primary_key = true } }
"#}

case! {type_alias_string, "unknown-type", "unknown type `string`", "write `text`", r#"
[tables.pets]
model = "Pet"
columns = { name = { type = »"string" } }
"#}

case! {type_upper_case, "unknown-type", "unknown type `TEXT`", "lower case: write `text`", r#"
[tables.pets]
model = "Pet"
columns = { name = { type = »"TEXT" } }
"#}

case! {type_enum_near_miss, "unknown-type", "unknown type `pet_typ`", "did you mean the enum `pet_type`?", r#"
[enums.pet_type]
values = ["CAT", "DOG"]

[tables.pets]
model = "Pet"
columns = { type = { type = »"pet_typ" } }
"#}

case! {type_unknown_enum, "unknown-type", "unknown type `mood`", "declare one under [enums.NAME]", r#"
[tables.pets]
model = "Pet"
columns = { mood = { type = »"mood" } }
"#}

case! {type_varchar_zero, "unknown-type", "length must be between 1", "give a positive length", r#"
[tables.pets]
model = "Pet"
columns = { name = { type = »"varchar(0)" } }
"#}

case! {type_numeric_scale, "unknown-type", "scale 6 is larger than its precision 5", "at most 5", r#"
[tables.pets]
model = "Pet"
columns = { weight = { type = »"numeric(5,6)" } }
"#}

case! {type_text_params, "unknown-type", "type `text` takes no parameters", "write `text`", r#"
[tables.pets]
model = "Pet"
columns = { name = { type = »"text(5)" } }
"#}

case! {type_nested_array, "unknown-type", "multi-dimensional array", "`text[]`", r#"
[tables.pets]
model = "Pet"
columns = { tags = { type = »"text[][]" } }
"#}

// References.

case! {references_unknown_table, "unknown-table", "references table `owner`", "did you mean `owners`?", r#"
[tables.owners]
model = "Owner"
columns = { id = { type = "uuid", primary_key = true } }

[tables.pets]
model = "Pet"
columns = { owner_id = { type = "uuid", references = "»owner.id" } }
"#}

case! {references_unknown_column, "unknown-column", "references `owners.idd`", "did you mean `id`?", r#"
[tables.owners]
model = "Owner"
columns = { id = { type = "uuid", primary_key = true } }

[tables.pets]
model = "Pet"
columns = { owner_id = { type = "uuid", references = "owners.»idd" } }
"#}

case! {references_malformed, "bad-reference", "must name a table and a column", "references = \"pets.id\"", r#"
[tables.pets]
model = "Pet"
columns = { id = { type = "uuid", primary_key = true } }

[tables.cats]
model = "Cat"
columns = { pet_id = { type = "uuid", references = »"pets" } }
"#}

case! {references_type_mismatch, "fk-type-mismatch", "`cats.pet_id` is `integer`", "of type `uuid`", r#"
[tables.pets]
model = "Pet"
columns = { id = { type = "uuid", primary_key = true } }

[tables.cats]
model = "Cat"
columns = { pet_id = { type = "integer", references = »"pets.id" } }
"#}

case! {references_not_a_key, "fk-not-key", "neither its primary key nor unique", "add a unique index", r#"
[tables.pets]
model = "Pet"
columns = { id = { type = "uuid", primary_key = true }, name = "text" }

[tables.cats]
model = "Cat"
columns = { pet_name = { type = "text", references = »"pets.name" } }
"#}

case! {foreign_key_arity, "fk-arity", "has 2 column(s) but references 1", "as many referenced columns", r#"
[tables.orders]
model = "Order"
columns = { id = { type = "uuid", primary_key = true } }

[tables.lines]
model = "Line"
columns = { order_id = "uuid", shop_id = "uuid" }
foreign_keys = [»{ columns = ["order_id", "shop_id"], references = { table = "orders", columns = ["id"] } }]
"#}

// Duplicates and name clashes.

case! {duplicate_table_across_files, "duplicate-table", "table `pets` is declared twice", "declare each table once", files [
    ("a.toml", "[tables.«pets]\nmodel = \"Pet\"\ncolumns = { id = \"uuid\" }\n"),
    ("b.toml", "[tables.»pets]\nmodel = \"Pet\"\ncolumns = { id = \"uuid\" }\n"),
]}

case! {duplicate_enum_across_files, "duplicate-enum", "enum `kind` is declared twice", "keep one declaration", files [
    ("a.toml", "[enums.«kind]\nvalues = [\"A\"]\n"),
    ("b.toml", "[enums.»kind]\nvalues = [\"B\"]\n"),
]}

case! {duplicate_index_name, "duplicate-name", "named `pets_name_idx`", "give the index its own `name`", r#"
[tables.pets]
model = "Pet"
columns = { name = "text", nickname = "text" }
indexes = [
    { name = «"pets_name_idx", columns = ["name"] },
    { name = »"pets_name_idx", columns = ["nickname"] },
]
"#}

case! {index_named_like_a_table, "duplicate-name", "like the table `owners`", "share one namespace", r#"
[tables.«owners]
model = "Owner"
columns = { id = "uuid" }

[tables.pets]
model = "Pet"
columns = { name = "text" }
indexes = [{ name = »"owners", columns = ["name"] }]
"#}

case! {duplicate_constraint_name, "duplicate-constraint", "two constraints named `pets_check`", "its own name", r#"
[tables.pets]
model = "Pet"
columns = { weight = "integer" }
checks = [
    { name = «"pets_check", expr = "weight > 0" },
    { name = »"pets_check", expr = "weight < 1000" },
]
"#}

case! {duplicate_enum_value, "duplicate-enum-value", "lists `CAT` twice", "remove the second one", r#"
[enums.kind]
values = [«"CAT", "DOG", »"CAT"]
"#}

case! {empty_enum, "empty-enum", "enum `kind` has no values", "values = [\"A\", \"B\"]", r#"
[enums.kind]
values = »[]
"#}

// Models.

case! {missing_model, "missing-model", "table `pets` has no `model`", "add `model = \"Pet\"`", r#"
[tables.»pets]
columns = { id = "uuid" }
"#}

case! {bad_model_name, "bad-model", "not a Rust type name", "such as `Pet`", r#"
[tables.pets]
model = »"pet"
columns = { id = "uuid" }
"#}

case! {duplicate_model, "duplicate-model", "model `Pet` is used by two tables", "its own model name", r#"
[tables.pets]
model = «"Pet"
columns = { id = "uuid" }

[tables.animals]
model = »"Pet"
columns = { id = "uuid" }
"#}

// Primary keys.

case! {nullable_primary_key_column, "nullable-primary-key", "`pets.id` is nullable", "remove `nullable = true`", r#"
[tables.pets]
model = "Pet"
columns = { id = { type = "uuid", primary_key = true, nullable = »true } }
"#}

case! {nullable_primary_key_table, "nullable-primary-key", "`pets.id` is nullable", "remove `nullable = true`", r#"
[tables.pets]
model = "Pet"
primary_key = [»"id"]
columns = { id = { type = "uuid", nullable = «true } }
"#}

case! {several_primary_key_columns, "composite-primary-key", "several columns", "primary_key = [\"a\", \"b\"]", r#"
[tables.pets]
model = "Pet"
columns = { a = { type = "uuid", primary_key = true }, b = { type = "uuid", primary_key = »true } }
"#}

case! {primary_key_twice, "duplicate-primary-key", "declares its primary key twice", "keep either", r#"
[tables.pets]
model = "Pet"
primary_key = «["id"]
columns = { id = { type = "uuid", primary_key = »true } }
"#}

case! {primary_key_unknown_column, "unknown-column", "names `idd`", "did you mean `id`?", r#"
[tables.pets]
model = "Pet"
primary_key = [»"idd"]
columns = { id = "uuid" }
"#}

// Indexes and checks.

case! {index_unknown_column, "unknown-column", "an index of `pets` names `nmae`", "did you mean `name`?", r#"
[tables.pets]
model = "Pet"
columns = { name = "text" }
indexes = [{ columns = [»"nmae"] }]
"#}

case! {index_no_columns, "empty-index", "lists no columns", "columns = [\"name\"]", r#"
[tables.pets]
model = "Pet"
columns = { name = "text" }
indexes = [{ columns = »[] }]
"#}

case! {check_unknown_column, "unknown-column", "check uses `wieght`", "did you mean `weight`?", r#"
[tables.pets]
model = "Pet"
columns = { weight = "integer" }
checks = [{ name = "pets_weight_positive", expr = "»wieght > 0" }]
"#}

case! {check_unknown_column_later_in_expr, "unknown-column", "check uses `hieght`", "did you mean `height`?", r#"
[tables.pets]
model = "Pet"
columns = { weight = "integer", height = "integer" }
checks = [{ name = "pets_size", expr = "weight > 0 AND »hieght > 0" }]
"#}

case! {check_missing_name, "missing-key", "has no `name`", "name = \"pets_weight_positive\"", r#"
[tables.pets]
model = "Pet"
columns = { weight = "integer" }
checks = [»{ expr = "weight > 0" }]
"#}

// Identifiers over PostgreSQL's 63 bytes.

case! {table_name_too_long, "name-too-long", "is 68 bytes long", "63 bytes or fewer", r#"
[tables.»pets_and_all_the_other_animals_that_the_shop_has_ever_sold_to_anyone]
model = "Pet"
columns = { id = "uuid" }
"#}

case! {column_name_too_long, "name-too-long", "is 67 bytes long", "63 bytes or fewer", r#"
[tables.pets]
model = "Pet"
columns = { »weight_in_grams_as_measured_at_the_last_visit_to_the_veterinarian_x = "integer" }
"#}

case! {enum_label_too_long, "name-too-long", "is 66 bytes long", "63 bytes or fewer", r#"
[enums.kind]
values = ["CAT", »"GUINEA_PIG_OF_THE_LONG_HAIRED_VARIETY_FROM_THE_HIGHLANDS_OF_PERU_X"]
"#}

case! {derived_foreign_key_name_too_long, "name-too-long", "generated foreign key name", "constraint = \"...\"", r#"
[tables.clinics]
model = "Clinic"
columns = { id = { type = "uuid", primary_key = true } }

[tables.veterinary_appointments_history]
model = "Appointment"
columns = { primary_veterinarian_clinic_id = { type = "uuid", references = »"clinics.id" } }
"#}

// NUL bytes and control characters in schema strings that reach SQL (enum labels are names).

case! {comment_with_nul, "nul-byte", "column comment contains a NUL byte", "SQLite stops reading a statement at one", r#"
[tables.pets]
model = "Pet"
[tables.pets.columns]
id = { type = "uuid", primary_key = true, comment = »"bad\u0000" }
"#}

case! {comment_with_bell, "control-character", "table comment contains the control character U+0007", "tabs and line breaks are the only control characters allowed here", r#"
[tables.pets]
model = "Pet"
comment = »"ring \u0007"
[tables.pets.columns]
id = { type = "uuid", primary_key = true }
"#}

case! {default_with_nul, "nul-byte", "default contains a NUL byte", "remove it", r#"
[tables.pets]
model = "Pet"
[tables.pets.columns]
id = { type = "uuid", primary_key = true }
name = { type = "text", default = »"'a\u0000b'" }
"#}

case! {backfill_with_nul, "nul-byte", "backfill contains a NUL byte", "remove it", r#"
[tables.pets]
model = "Pet"
[tables.pets.columns]
id = { type = "uuid", primary_key = true }
name = { type = "text", backfill = »"'\u0000'" }
"#}

case! {check_with_nul, "nul-byte", "check expression contains a NUL byte", "remove it", r#"
[tables.pets]
model = "Pet"
[tables.pets.columns]
id = { type = "uuid", primary_key = true }
name = { type = "text" }
[[tables.pets.checks]]
name = "pets_name_set"
expr = »"name <> '\u0000'"
"#}

case! {index_predicate_with_nul, "nul-byte", "index predicate (`where`) contains a NUL byte", "remove it", r#"
[tables.pets]
model = "Pet"
[tables.pets.columns]
id = { type = "uuid", primary_key = true }
name = { type = "text" }
[[tables.pets.indexes]]
columns = ["name"]
where = »"name <> '\u0000'"
"#}

#[test]
fn tabs_and_line_breaks_lay_out_comments_and_expressions() {
    let ok = "[tables.pets]\nmodel = \"Pet\"\ncomment = \"line one\\nline two\\twith a tab\"\n[tables.pets.columns]\nid = { type = \"uuid\", primary_key = true }\nname = { type = \"text\", default = \"'a'\\n\\t|| 'b'\" }\n";
    if let Err(e) = load_str("s.toml", ok) {
        panic!("{e}");
    }
}

// Acknowledged drops that contradict declarations, and renames.

case! {dropped_column_still_declared, "drop-declared", "`pets.nick` is in `drop_columns`", "remove the column's declaration", r#"
[tables.pets]
model = "Pet"
drop_columns = [»"nick"]
columns = { name = "text", «nick = "text" }
"#}

case! {dropped_table_still_declared, "drop-declared", "table `pets` is in `drop_tables`", "remove the table's declaration", r#"
drop_tables = [»"pets"]

[tables.«pets]
model = "Pet"
columns = { id = "uuid" }
"#}

case! {dropped_enum_still_declared, "drop-declared", "enum `kind` is in `drop_enums`", "remove the enum's declaration", r#"
drop_enums = [»"kind"]

[enums.«kind]
values = ["A"]
"#}

case! {renamed_from_still_declared, "rename-clash", "renamed from `nick`, but `nick` is still declared", "remove the old column", r#"
[tables.pets]
model = "Pet"
columns = { nick = "text", nickname = { type = "text", renamed_from = »"nick" } }
"#}

// Identity, defaults and foreign-key actions.

case! {identity_on_text, "identity-type", "identity needs an integer type", "type = \"bigint\"", r#"
[tables.pets]
model = "Pet"
columns = { id = { type = "text", identity = »true } }
"#}

case! {identity_with_default, "identity-default", "also has a default", "remove `default`", r#"
[tables.pets]
model = "Pet"
columns = { id = { type = "bigint", identity = true, default = »"0" } }
"#}

case! {set_null_on_not_null, "set-null-not-null", "`set null` on `cats.pet_id`, which is NOT NULL", "nullable = true", r#"
[tables.pets]
model = "Pet"
columns = { id = { type = "uuid", primary_key = true } }

[tables.cats]
model = "Cat"
columns = { pet_id = { type = "uuid", references = "pets.id", on_delete = »"set null" } }
"#}

case! {constraint_without_references, "fk-without-references", "`constraint` on `cats.pet_id` needs `references`", "add `references = \"table.column\"`", r#"
[tables.cats]
model = "Cat"
columns = { pet_id = { type = "uuid", constraint = »"cats_pet_fkey" } }
"#}

case! {on_delete_without_references, "fk-without-references", "`on_delete` on `cats.pet_id` needs `references`", "or remove `on_delete`", r#"
[tables.cats]
model = "Cat"
columns = { pet_id = { type = "uuid", on_delete = »"cascade" } }
"#}

case! {unknown_strategy, "unknown-strategy", "unknown strategy `expand_contract`", "did you mean `strategy = \"expand-contract\"`?", r#"
[tables.pets]
model = "Pet"
columns = { nickname = { type = "text", renamed_from = "nick", strategy = »"expand_contract" } }
"#}

case! {strategy_without_change, "strategy-without-change", "`strategy = \"expand-contract\"` on `pets.nickname` has no acknowledged change", "put `strategy` beside the acknowledgement", r#"
[tables.pets]
model = "Pet"
columns = { nickname = { type = "text", strategy = »"expand-contract" } }
"#}

case! {table_strategy_without_change, "strategy-without-change", "on table `pets` has no acknowledged change", "`renamed_from` or `drop_columns`", r#"
[tables.pets]
model = "Pet"
strategy = »"expand-contract"
columns = { id = "uuid" }
"#}

case! {unknown_on_delete_action, "unknown-action", "unknown foreign-key action `cascad`", "did you mean `\"cascade\"`?", r#"
[tables.pets]
model = "Pet"
columns = { id = { type = "uuid", primary_key = true } }

[tables.cats]
model = "Cat"
columns = { pet_id = { type = "uuid", references = "pets.id", on_delete = »"cascad" } }
"#}

case! {unknown_index_method, "unknown-method", "unknown index method `gist2`", "did you mean `gist`?", r#"
[tables.pets]
model = "Pet"
columns = { name = "text" }
indexes = [{ columns = ["name"], method = »"gist2" }]
"#}

case! {unique_hash_index, "unique-hash", "only btree indexes enforce uniqueness", "remove `method = \"hash\"`", r#"
[tables.pets]
model = "Pet"
columns = { name = "text" }
indexes = [{ columns = ["name"], unique = true, method = »"hash" }]
"#}

case! {unquoted_text_default, "unquoted-default", "the SQL expression `active`, not a string", "default = \"'active'\"", r#"
[tables.pets]
model = "Pet"
columns = { status = { type = "text", default = »"active" } }
"#}

case! {enum_default_not_a_label, "unknown-enum-value", "`DOGG`, which is not a label of enum `kind`", "did you mean `'DOG'`?", r#"
[enums.kind]
values = ["CAT", "DOG"]

[tables.pets]
model = "Pet"
columns = { kind = { type = "kind", default = »"'DOGG'" } }
"#}

// Tables and columns.

case! {table_without_columns, "no-columns", "table `pets` has no columns", "[tables.pets.columns]", r#"
[tables.»pets]
model = "Pet"
"#}

case! {generated_with_a_default, "generated-default", "generated column `pets.total` also has `default`", "remove `default`", r#"
[tables.pets]
model = "Pet"
columns = { n = "integer", total = { type = "integer", default = "0", generated = »"n * 2" } }
"#}

case! {generated_names_a_missing_column, "unknown-column", "the expression of `pets.total` uses `m`", "the columns of `pets` are", r#"
[tables.pets]
model = "Pet"
columns = { n = "integer", total = { type = "integer", generated = "»m * 2" } }
"#}

case! {on_delete_columns_without_set_null, "on-delete-columns-action", "without `on_delete = \"set null\"`", "remove `on_delete_columns`", r#"
[tables.users]
model = "User"
primary_key = ["tenant_id", "id"]
columns = { tenant_id = "integer", id = "integer" }

[tables.posts]
model = "Post"
columns = { tenant_id = "integer", author_id = { type = "integer", nullable = true } }

[[tables.posts.foreign_keys]]
columns = ["tenant_id", "author_id"]
references = { table = "users", columns = ["tenant_id", "id"] }
on_delete_columns = »["author_id"]
"#}

case! {on_delete_columns_outside_the_key, "on-delete-columns-action", "names `id`, which is not one of its columns", "`tenant_id`, `author_id`", r#"
[tables.users]
model = "User"
primary_key = ["tenant_id", "id"]
columns = { tenant_id = "integer", id = "integer" }

[tables.posts]
model = "Post"
columns = { tenant_id = "integer", id = "integer", author_id = { type = "integer", nullable = true } }

[[tables.posts.foreign_keys]]
columns = ["tenant_id", "author_id"]
references = { table = "users", columns = ["tenant_id", "id"] }
on_delete = "set null"
on_delete_columns = [»"id"]
"#}

case! {column_without_type, "missing-type", "column `pets.name` has no `type`", "name = { type = \"text\" }", r#"
[tables.pets]
model = "Pet"
columns = { name = »{ nullable = true } }
"#}

case! {table_named_like_an_enum, "name-clash", "same name as an enum", "rename the table or the enum", r#"
[enums.«kind]
values = ["A"]

[tables.»kind]
model = "Kind"
columns = { id = "uuid" }
"#}

// One mistake, one diagnostic: what a misspelled or unreadable key holds is not reported again.

case! {misspelled_model_is_not_also_missing, "unknown-key", "unknown key `modle`", "did you mean `model`?", r#"
[tables.pets]
»modle = "Pet"
columns = { id = "uuid" }
"#}

case! {misspelled_type_is_not_also_missing, "unknown-key", "unknown key `tpye`", "did you mean `type`?", r#"
[tables.pets]
model = "Pet"
columns = { id = { »tpye = "uuid" } }
"#}

case! {misspelled_index_columns_is_not_also_missing, "unknown-key", "unknown key `column`", "did you mean `columns`?", r#"
[tables.pets]
model = "Pet"
columns = { name = "text" }
indexes = [{ »column = ["name"] }]
"#}

case! {index_without_columns, "missing-key", "an index of `pets` has no `columns`", "columns = [\"name\"]", r#"
[tables.pets]
model = "Pet"
columns = { name = "text" }
indexes = [»{ unique = true }]
"#}

case! {foreign_key_references_as_a_string, "wrong-kind", "`references` must be a table, found a string", "references = { table = \"orders\"", r#"
[tables.pets]
model = "Pet"
columns = { id = { type = "uuid", primary_key = true } }

[tables.cats]
model = "Cat"
columns = { pet_id = "uuid" }
foreign_keys = [{ columns = ["pet_id"], references = »"pets.id" }]
"#}

case! {foreign_key_without_references, "missing-key", "has no `references`", "references = { table = \"orders\"", r#"
[tables.cats]
model = "Cat"
columns = { pet_id = "uuid" }
foreign_keys = [»{ columns = ["pet_id"] }]
"#}

case! {referenced_column_of_unknown_type, "unknown-type", "unknown type `uuidd`", "did you mean `uuid`?", r#"
[tables.pets]
model = "Pet"
columns = { id = { type = »"uuidd", primary_key = true } }

[tables.cats]
model = "Cat"
columns = { pet_id = { type = "uuid", references = "pets.id" } }
"#}

case! {foreign_key_column_of_unknown_type, "unknown-type", "unknown type `uuidd`", "did you mean `uuid`?", r#"
[tables.pets]
model = "Pet"
columns = { id = { type = "uuid", primary_key = true } }

[tables.cats]
model = "Cat"
columns = { pet_id = »"uuidd" }
foreign_keys = [{ columns = ["pet_id"], references = { table = "pets", columns = ["id"] } }]
"#}

case! {column_of_the_wrong_kind, "wrong-kind", "column `id` must be a table, found an integer", "id = { type = \"text\" }", r#"
[tables.pets]
model = "Pet"
primary_key = ["id"]
columns = { id = »5 }
"#}

case! {references_without_column, "bad-reference", "must name a table and a column", "references = \"table.column\"", r#"
[tables.pets]
model = "Pet"
columns = { id = { type = "uuid", primary_key = true } }

[tables.cats]
model = "Cat"
columns = { pet_id = { type = "uuid", references = »"pets." } }
"#}

case! {derived_primary_key_name_too_long, "name-too-long", "generated primary key name", "primary_key_name = \"...\"", r#"
[tables.»veterinary_appointments_history_of_every_pet_in_the_shop_xyz]
model = "Appointment"
columns = { id = { type = "uuid", primary_key = true } }
"#}

case! {misspelled_columns_is_not_also_missing, "unknown-key", "unknown key `colums`", "did you mean `columns`?", r#"
[tables.pets]
model = "Pet"
»colums = { id = "uuid" }
"#}

// More of what the loader checks.

case! {check_in_a_header_without_name, "missing-key", "a check of `pets` has no `name`", "name = \"pets_weight_positive\"", r#"
[tables.pets]
model = "Pet"
columns = { weight = "integer" }

»[[tables.pets.checks]]
expr = "weight > 0"
"#}

case! {check_with_empty_expr, "empty-check", "has an empty `expr`", "expr = \"weight > 0\"", r#"
[tables.pets]
model = "Pet"
columns = { weight = "integer" }
checks = [{ name = "pets_weight_positive", expr = »" " }]
"#}

case! {partial_index_unknown_column, "unknown-column", "index predicate uses `deleted`", "did you mean `deleted_at`?", r#"
[tables.pets]
model = "Pet"
columns = { name = "text", deleted_at = { type = "timestamptz", nullable = true } }
indexes = [{ columns = ["name"], where = "»deleted IS NULL" }]
"#}

case! {index_column_twice, "duplicate-key-column", "appears twice in an index", "list each column once", r#"
[tables.pets]
model = "Pet"
columns = { name = "text" }
indexes = [{ columns = ["name", »"name"] }]
"#}

case! {empty_primary_key, "empty-primary-key", "lists no columns", "primary_key = [\"a\", \"b\"]", r#"
[tables.pets]
model = "Pet"
primary_key = »[]
columns = { id = "uuid" }
"#}

case! {identity_nullable, "identity-nullable", "is nullable", "remove `nullable = true`", r#"
[tables.pets]
model = "Pet"
columns = { id = { type = "bigint", identity = true, nullable = »true } }
"#}

case! {identity_bad_value, "bad-identity", "must be true, \"by default\" or \"always\"", "identity = \"always\"", r#"
[tables.pets]
model = "Pet"
columns = { id = { type = "bigint", identity = »"sometimes" } }
"#}

case! {empty_default, "empty-default", "the default of `pets.name` is empty", "default = \"''\"", r#"
[tables.pets]
model = "Pet"
columns = { name = { type = "text", default = »"" } }
"#}

case! {dropped_enum_value_still_listed, "drop-declared", "`DOG` is in `drop_values` of enum `kind`", "remove it from `values`", r#"
[enums.kind]
values = ["CAT", "DOG"]
drop_values = [»"DOG"]
"#}

case! {type_changed_from_unknown_type, "unknown-type", "unknown type `bigint4`", "did you mean `bigint`?", r#"
[tables.pets]
model = "Pet"
columns = { weight = { type = "integer", type_changed_from = »"bigint4" } }
"#}

case! {wrong_kind_default, "wrong-kind", "must be a SQL expression string", "default = \"now()\"", r#"
[tables.pets]
model = "Pet"
columns = { tags = { type = "text[]", default = »["a"] } }
"#}

// Several mistakes at once.

#[test]
fn a_foreign_key_with_a_wrong_type_and_set_null_on_not_null_reports_both() {
    let src = r#"
[tables.owners]
model = "Owner"
columns = { id = { type = "uuid", primary_key = true } }

[tables.pets]
model = "Pet"
columns = { id = { type = "uuid", primary_key = true }, owner_id = { type = "bigint", references = "owners.id", on_delete = "set null" } }

[[tables.pets.foreign_keys]]
columns = ["id"]
references = { table = "owners", columns = ["id"] }
on_delete = "set null"
"#;
    let diags = load_str("schema.toml", src).unwrap_err();
    let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
    assert_eq!(
        codes.iter().filter(|c| **c == "set-null-not-null").count(),
        2,
        "{}",
        show(&diags)
    );
    assert!(codes.contains(&"fk-type-mismatch"), "{}", show(&diags));
}

#[test]
fn acknowledgements_in_the_wrong_place_say_where_they_go() {
    let src = r#"
[enums.plan]
values = ["free"]
drop_columns = ["x"]

[tables.pets]
model = "Pet"
type_changed_from = "integer"

[tables.pets.columns]
id = { type = "uuid", primary_key = true }
drop_columns = ["bio"]
backfill = "0"
"#;
    let diags = load_str("schema.toml", src).unwrap_err();
    let got: Vec<(&str, usize, String)> = diags
        .iter()
        .map(|d| {
            (
                d.code,
                d.line_col().unwrap().0,
                d.help.clone().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(got.len(), 4, "{}", show(&diags));
    assert_eq!(got[0].1, 4, "{}", show(&diags));
    assert!(
        got[0].2.contains("goes under [tables.NAME]"),
        "{}",
        show(&diags)
    );
    assert_eq!(got[1].1, 8);
    assert!(got[1].2.contains("goes on the column"), "{}", show(&diags));
    assert_eq!(
        (got[2].0, got[2].1),
        ("misplaced-acknowledgement", 12),
        "{}",
        show(&diags)
    );
    assert!(
        got[2]
            .2
            .contains("goes under [tables.pets], before its [tables.pets.columns] header"),
        "{}",
        show(&diags)
    );
    assert!(
        !show(&diags).contains("must be a table"),
        "{}",
        show(&diags)
    );
    assert_eq!((got[3].0, got[3].1), ("misplaced-acknowledgement", 13));
    assert!(got[3].2.contains("goes on the column"), "{}", show(&diags));
}

#[test]
fn a_table_without_columns_gets_a_help_that_says_so() {
    let src = "[[tables.pets.checks]]\nname = \"c\"\nexpr = \"weight > 0\"\n";
    let diags = load_str("schema.toml", src).unwrap_err();
    assert!(
        diags
            .iter()
            .all(|d| d.help.as_deref().is_some_and(|h| !h.ends_with("are "))),
        "{}",
        show(&diags)
    );
}

#[test]
fn every_error_of_a_file_is_reported_at_once_in_order() {
    let src = r#"
[enums.kind]
values = []

[tables.pets]
modle = "Pet"

[tables.pets.columns]
id = { type = "uuid", primary_key = true, nullable = true }
owner = { type = "integr", references = "owners.id" }
status = { type = "text", default = "active" }

[[tables.pets.checks]]
name = "pets_weight_positive"
expr = "wieght > 0"
"#;
    let diags = load_str("schema.toml", src).unwrap_err();
    let got: Vec<(&str, (usize, usize))> = diags
        .iter()
        .map(|d| (d.code, d.line_col().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            ("empty-enum", (3, 10)),
            ("unknown-key", (6, 1)),
            ("nullable-primary-key", (9, 54)),
            ("unknown-type", (10, 18)),
            ("unknown-table", (10, 42)),
            ("unquoted-default", (11, 37)),
            ("unknown-column", (15, 9)),
        ],
        "\n{}",
        show(&diags)
    );
    assert!(diags.iter().all(|d| d.help.is_some()), "{}", show(&diags));
}

#[test]
fn errors_of_every_file_are_reported_sorted_by_file() {
    let diags = load_sources(vec![
        SourceFile::new(
            "b.toml",
            "[tables.pets]\nmodel = \"pet\"\ncolumns = { id = \"uuid\" }\n",
        ),
        SourceFile::new(
            "a.toml",
            "[tables.owners]\nmodel = \"Owner\"\ncolumns = { id = \"int\" }\n",
        ),
    ])
    .unwrap_err();
    let got: Vec<_> = diags
        .iter()
        .map(|d| d.to_string().lines().next().unwrap().to_string())
        .collect();
    assert_eq!(
        got,
        [
            "a.toml:3:18: unknown type `int`",
            "b.toml:2:9: model `pet` is not a Rust type name",
        ]
    );
}

#[test]
fn a_syntax_error_is_reported_alone() {
    // What the parser recovers after a syntax error is incomplete; checking it would report
    // `model` and `columns` as missing.
    let diags = load_sources(vec![
        SourceFile::new("a.toml", "[tables.pets]\nmodel \"Pet\"\ncolumns = { id = \"uuid\" }\n"),
        SourceFile::new("b.toml", "[tables.cats]\nmodel = \"Cat\"\ncolumns = { pet_id = { type = \"uuid\", references = \"pets.id\" } }\n"),
    ])
    .unwrap_err();
    assert_eq!(diags.len(), 1, "{}", show(&diags));
    assert_eq!(diags.0[0].code, "toml-syntax");
}

// What must stay valid.

#[test]
fn reserved_words_and_hostile_names_are_valid() {
    let src = r#"
[tables.user]
model = "User"
[tables.user.columns]
id = { type = "uuid", primary_key = true }
order = "integer"
select = "text"
group = { type = "text", nullable = true }
"first name" = "text"
"it's \"quoted\"" = "text"

[tables.order]
model = "Order"
columns = { id = { type = "uuid", primary_key = true }, user = { type = "uuid", references = "user.id" } }
indexes = [{ columns = ["user"] }]
checks = [{ name = "order_user_set", expr = "\"user\" IS NOT NULL" }]

[tables.select]
model = "Select"
columns = { from = "text", where = "text", table = "text" }

[tables.group]
model = "Group"
columns = { by = "text" }

[tables."my\"table"]
model = "MyTable"
columns = { "the value" = "text" }
checks = [{ name = "my table value", expr = "\"the value\" <> ''" }]

[tables."table with spaces"]
model = "TableWithSpaces"
columns = { "column with spaces" = "text" }
indexes = [{ name = "an index with spaces", columns = ["column with spaces"] }]

[tables.a_table_whose_name_is_exactly_sixty_three_bytes_long_no_pk_xxxx]
model = "Long"
columns = { id = "uuid" }
"#;
    let schema = load_str("schema.toml", src).unwrap_or_else(|e| panic!("{}", show(&e)));
    let names: Vec<&str> = schema.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "user",
            "order",
            "select",
            "group",
            "my\"table",
            "table with spaces",
            "a_table_whose_name_is_exactly_sixty_three_bytes_long_no_pk_xxxx",
        ]
    );
    let user = schema.table("user").unwrap();
    let columns: Vec<&str> = user.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        columns,
        [
            "id",
            "order",
            "select",
            "group",
            "first name",
            "it's \"quoted\""
        ]
    );
    assert_eq!(
        schema.table("order").unwrap().foreign_keys[0].ref_table,
        "user"
    );
}

#[test]
fn byte_order_mark_and_crlf_keep_line_and_column() {
    let src = "\u{feff}[tabels.x]\r\nkey = 1\r\n\r\n[tables.pets]\r\nmodel = \"Pet\"\r\n\
               columns = { id = { type = \"integr\" }, weight = \"integer\" }\r\n\
               checks = [{ name = \"pets_weight\", expr = \"wieght > 0\" }]\r\n";
    let diags = load_str("schema.toml", src).unwrap_err();
    let got: Vec<(&str, (usize, usize))> = diags
        .iter()
        .map(|d| (d.code, d.line_col().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            ("unknown-key", (1, 2)),
            ("unknown-type", (6, 27)),
            ("unknown-column", (7, 43))
        ],
        "\n{}",
        show(&diags)
    );
    for d in diags.iter() {
        let text = d.render(false);
        let (line, col) = d.line_col().unwrap();
        assert!(
            text.contains(&format!("schema.toml:{line}:{col}")),
            "{text}"
        );
        assert!(!text.contains('\r'), "{text:?}");
        assert!(!text.contains('\u{feff}'), "{text:?}");
    }
}

#[test]
fn top_level_key_after_a_header_explains_toml_scoping() {
    let src = "[tables.pets]\nmodel = \"Pet\"\ncolumns = { id = { type = \"uuid\", primary_key = true } }\n\ndrop_tables = [\"visits\"]\n";
    let err = migrate_core::schema::load_str("s.toml", src).unwrap_err();
    assert_eq!(err.len(), 1);
    let d = &err.0[0];
    assert_eq!(d.code, "unknown-key");
    assert_eq!(d.line_col(), Some((5, 1)));
    assert!(
        d.help
            .as_deref()
            .unwrap_or("")
            .contains("above the first `[header]`"),
        "{d}"
    );
}

#[test]
fn enum_names_must_be_usable_as_types_and_unique_indexes_btree() {
    let shadow = "[enums.text]\nvalues = [\"a\"]\n";
    let e = migrate_core::schema::load_str("s.toml", shadow).unwrap_err();
    assert_eq!(
        (e.0[0].code, e.0[0].line_col()),
        ("enum-shadows-type", Some((1, 8)))
    );
    let brackets = "[enums.\"kind[]\"]\nvalues = [\"a\"]\n";
    let e = migrate_core::schema::load_str("s.toml", brackets).unwrap_err();
    assert_eq!(e.0[0].code, "bad-name");
    let gin = "[tables.t]\nmodel = \"T\"\ncolumns = { id = { type = \"jsonb\", primary_key = true } }\n[[tables.t.indexes]]\ncolumns = [\"id\"]\nunique = true\nmethod = \"gin\"\n";
    let e = migrate_core::schema::load_str("s.toml", gin).unwrap_err();
    assert_eq!(
        (e.0[0].code, e.0[0].line_col()),
        ("unique-hash", Some((7, 10)))
    );
    assert!(e.0[0].message.contains("gin"), "{}", e.0[0]);
}

#[test]
fn loader_gaps_found_in_review() {
    let load = |src: &str| migrate_core::schema::load_str("s.toml", src);
    // Hexadecimal defaults become decimal SQL.
    let s = load("[tables.t]\nmodel = \"T\"\ncolumns = { id = { type = \"integer\", primary_key = true }, f = { type = \"integer\", default = 0xff } }\n").unwrap();
    assert_eq!(s.tables[0].columns[1].default.as_deref(), Some("255"));
    // `inf` is no SQL number.
    let e = load("[tables.t]\nmodel = \"T\"\ncolumns = { id = { type = \"double\", primary_key = true, default = inf } }\n").unwrap_err();
    assert_eq!(e.0[0].code, "bad-default");
    // `Self` is no struct name.
    let e = load("[tables.t]\nmodel = \"Self\"\ncolumns = { id = \"integer\" }\n").unwrap_err();
    assert_eq!(e.0[0].code, "bad-model");
    // A check may not take the primary key's name.
    let e = load("[tables.t]\nmodel = \"T\"\ncolumns = { id = { type = \"integer\", primary_key = true } }\n[[tables.t.checks]]\nname = \"t_pkey\"\nexpr = \"id > 0\"\n").unwrap_err();
    assert_eq!(e.0[0].code, "duplicate-constraint");
    // An empty foreign key is an error, not silently nothing.
    let e = load("[tables.t]\nmodel = \"T\"\ncolumns = { id = { type = \"integer\", primary_key = true } }\n[[tables.t.foreign_keys]]\ncolumns = []\nreferences = { table = \"t\", columns = [] }\n").unwrap_err();
    assert_eq!(
        (e.0[0].code, e.0[0].line_col()),
        ("empty-foreign-key", Some((5, 11)))
    );
    // A table renamed from one that is still declared.
    let e = load("[tables.a]\nmodel = \"A\"\ncolumns = { id = \"integer\" }\n[tables.b]\nmodel = \"B\"\nrenamed_from = \"a\"\ncolumns = { id = \"integer\" }\n").unwrap_err();
    assert_eq!(
        (e.0[0].code, e.0[0].line_col()),
        ("rename-clash", Some((6, 16)))
    );
    // A column moving off an enum that the same change drops can say where it came from.
    let s = load("drop_enums = [\"mood\"]\n[tables.t]\nmodel = \"T\"\ncolumns = { m = { type = \"text\", type_changed_from = \"mood\" } }\n").unwrap();
    assert_eq!(
        s.tables[0].columns[0].type_changed_from,
        Some(migrate_core::schema::ColumnType::Enum("mood".into()))
    );
}
