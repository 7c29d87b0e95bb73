//! Parsing column types as a schema file spells them (`varchar(255)`, `numeric(10,2)`, `pet_type[]`).

use super::model::{BUILTIN_TYPES, ColumnType};
use crate::diagnostic::{Explain, did_you_mean};

/// Why a type did not parse, with the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeError {
    pub(crate) message: String,
    pub(crate) help: String,
}

/// What is wrong with the type (the fix is [`Explain::help`]).
impl std::fmt::Display for TypeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl Explain for TypeError {
    fn code(&self) -> &'static str {
        "unknown-type"
    }

    fn help(&self) -> Option<String> {
        Some(self.help.clone())
    }
}

/// Common spellings from other tools and dialects, and the type to write instead.
const ALIASES: &[(&str, &str)] = &[
    ("int", "integer"),
    ("int2", "smallint"),
    ("int4", "integer"),
    ("int8", "bigint"),
    ("i16", "smallint"),
    ("i32", "integer"),
    ("i64", "bigint"),
    ("serial", "integer` with `identity = true"),
    ("serial4", "integer` with `identity = true"),
    ("bigserial", "bigint` with `identity = true"),
    ("serial8", "bigint` with `identity = true"),
    ("smallserial", "smallint` with `identity = true"),
    ("float", "double"),
    ("float4", "real"),
    ("float8", "double"),
    ("f32", "real"),
    ("f64", "double"),
    ("double precision", "double"),
    ("decimal", "numeric"),
    ("bool", "boolean"),
    ("string", "text"),
    ("str", "text"),
    ("character varying", "varchar"),
    ("character", "char"),
    ("blob", "bytea"),
    ("bytes", "bytea"),
    ("binary", "bytea"),
    ("datetime", "timestamptz"),
    ("timestamp with time zone", "timestamptz"),
    ("timestamp without time zone", "timestamp"),
    ("time without time zone", "time"),
];

/// PostgreSQL's own types the language does not model, which a column may still have: they are
/// kept as written ([`ColumnType::Other`]) and the SQL uses them verbatim, with their parameters
/// (`bit(8)`) and as arrays (`tsvector[]`).
pub const VERBATIM_TYPES: &[&str] = &[
    "tsvector",
    "tsquery",
    "money",
    "point",
    "line",
    "lseg",
    "box",
    "path",
    "polygon",
    "circle",
    "cidr",
    "macaddr",
    "macaddr8",
    "bit",
    "bit varying",
    "xml",
    "int4range",
    "int8range",
    "numrange",
    "tsrange",
    "tstzrange",
    "daterange",
    "int4multirange",
    "int8multirange",
    "nummultirange",
    "tsmultirange",
    "tstzmultirange",
    "datemultirange",
    "time with time zone",
    "pg_lsn",
    "pg_snapshot",
    "txid_snapshot",
    "oid",
    "regclass",
    "regtype",
    "regproc",
    "name",
    "\"char\"",
    "jsonpath",
];

/// Parses a column's type as a schema declares it: a type [`parse_type`] knows, or else, kept
/// verbatim as [`ColumnType::Other`], one of PostgreSQL's [`VERBATIM_TYPES`] or a type the
/// schema lists in `external_types` (a type an extension or a domain defines), with its
/// parameters and as a one-dimensional array.
pub fn parse_column_type<'a>(
    raw: &str,
    enums: impl IntoIterator<Item = &'a str> + Clone,
    external: &[String],
) -> Result<ColumnType, TypeError> {
    let err = match parse_type(raw, enums) {
        Ok(ty) => return Ok(ty),
        Err(e) => e,
    };
    let s = raw.trim();
    let (elem, array) = match s.strip_suffix("[]") {
        Some(inner) => (inner.trim_end(), true),
        None => (s, false),
    };
    let base = elem.split('(').next().unwrap_or(elem).trim_end();
    let known = VERBATIM_TYPES.contains(&base) || external.iter().any(|e| e == base);
    if !known || elem.ends_with("[]") || base.is_empty() {
        // A name like no known one may be a type the database defines: say how to use it.
        if !err.help.starts_with("use one of") || base.is_empty() {
            return Err(err);
        }
        return Err(TypeError {
            help: format!(
                "{}; a type the database defines (an extension's, a domain) is listed at the top of the schema: `external_types = [\"{base}\"]`",
                err.help
            ),
            ..err
        });
    }
    let other = ColumnType::Other(elem.to_string());
    Ok(if array {
        ColumnType::Array(Box::new(other))
    } else {
        other
    })
}

/// Parses a type name. `enums` are the enum names declared in the schema.
pub fn parse_type<'a>(
    raw: &str,
    enums: impl IntoIterator<Item = &'a str> + Clone,
) -> Result<ColumnType, TypeError> {
    let s = raw.trim();
    if let Some(inner) = s.strip_suffix("[]") {
        if inner.trim_end().ends_with("[]") {
            return Err(TypeError {
                message: format!("multi-dimensional array type `{s}` is not supported"),
                help: format!(
                    "use a one-dimensional array such as `{}[]`",
                    inner.trim_end_matches("[]")
                ),
            });
        }
        let elem = parse_type(inner, enums)?;
        return Ok(ColumnType::Array(Box::new(elem)));
    }

    let (base, params) = match s.find('(') {
        Some(open) => {
            let Some(body) = s[open + 1..].strip_suffix(')') else {
                return Err(TypeError {
                    message: format!("type `{s}` has an unclosed `(`"),
                    help: "write parameters as `varchar(255)` or `numeric(10,2)`".into(),
                });
            };
            let params = body
                .split(',')
                .map(|p| p.trim().parse::<u32>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| TypeError {
                    message: format!("type `{s}` has parameters that are not whole numbers"),
                    help: "write parameters as `varchar(255)` or `numeric(10,2)`".into(),
                })?;
            (s[..open].trim(), Some(params))
        }
        None => (s, None),
    };

    let no_params = |ty: ColumnType| -> Result<ColumnType, TypeError> {
        match &params {
            None => Ok(ty),
            Some(_) => Err(TypeError {
                message: format!("type `{base}` takes no parameters"),
                help: format!("write `{base}`"),
            }),
        }
    };

    match base {
        "smallint" => no_params(ColumnType::SmallInt),
        "integer" => no_params(ColumnType::Integer),
        "bigint" => no_params(ColumnType::BigInt),
        "real" => no_params(ColumnType::Real),
        "double" => no_params(ColumnType::Double),
        "boolean" => no_params(ColumnType::Boolean),
        "text" => no_params(ColumnType::Text),
        "bytea" => no_params(ColumnType::Bytea),
        "date" => no_params(ColumnType::Date),
        "time" | "timestamp" | "timestamptz" => {
            let ty = match base {
                "time" => ColumnType::Time,
                "timestamp" => ColumnType::Timestamp,
                _ => ColumnType::Timestamptz,
            };
            match params.as_deref() {
                None => Ok(ty),
                Some([p]) if *p <= 6 => Ok(ColumnType::Precise(Box::new(ty), *p)),
                Some(_) => Err(TypeError {
                    message: format!("type `{s}` takes one precision, from 0 to 6"),
                    help: format!(
                        "write `{base}(p)` with p the fractional-second digits, e.g. `{base}(3)`, or `{base}`"
                    ),
                }),
            }
        }
        "interval" => no_params(ColumnType::Interval),
        "uuid" => no_params(ColumnType::Uuid),
        "json" => no_params(ColumnType::Json),
        "jsonb" => no_params(ColumnType::Jsonb),
        "inet" => no_params(ColumnType::Inet),
        "numeric" => match params.as_deref() {
            None => Ok(ColumnType::Numeric(None)),
            Some([p]) => numeric(s, *p, 0),
            Some([p, scale]) => numeric(s, *p, *scale),
            Some(_) => Err(TypeError {
                message: format!("type `{s}` takes at most two parameters"),
                help: "write `numeric(precision, scale)`, e.g. `numeric(10,2)`".into(),
            }),
        },
        "varchar" => match params.as_deref() {
            None => Ok(ColumnType::Varchar(None)),
            Some([n]) => length(s, *n, 10_485_760).map(|n| ColumnType::Varchar(Some(n))),
            Some(_) => Err(TypeError {
                message: format!("type `{s}` takes one parameter"),
                help: "write `varchar(n)`, e.g. `varchar(255)`".into(),
            }),
        },
        "char" => match params.as_deref() {
            None => Ok(ColumnType::Char(1)),
            Some([n]) => length(s, *n, 10_485_760).map(ColumnType::Char),
            Some(_) => Err(TypeError {
                message: format!("type `{s}` takes one parameter"),
                help: "write `char(n)`, e.g. `char(2)`".into(),
            }),
        },
        name => {
            if let Some(e) = enums.clone().into_iter().find(|e| *e == name) {
                return no_params(ColumnType::Enum(e.to_string()));
            }
            Err(unknown_type(s, name, enums))
        }
    }
}

fn numeric(s: &str, precision: u32, scale: u32) -> Result<ColumnType, TypeError> {
    if !(1..=1000).contains(&precision) {
        return Err(TypeError {
            message: format!("`{s}`: numeric precision must be between 1 and 1000"),
            help: "write e.g. `numeric(10,2)`, or `numeric` for any precision".into(),
        });
    }
    if scale > precision {
        return Err(TypeError {
            message: format!(
                "`{s}`: numeric scale {scale} is larger than its precision {precision}"
            ),
            help: format!(
                "the scale counts digits after the point and must be at most {precision}"
            ),
        });
    }
    Ok(ColumnType::Numeric(Some((precision, scale))))
}

fn length(s: &str, n: u32, max: u32) -> Result<u32, TypeError> {
    if n == 0 || n > max {
        return Err(TypeError {
            message: format!("`{s}`: length must be between 1 and {max}"),
            help: "give a positive length, or use `text` for strings of any length".into(),
        });
    }
    Ok(n)
}

fn unknown_type<'a>(
    s: &str,
    name: &str,
    enums: impl IntoIterator<Item = &'a str> + Clone,
) -> TypeError {
    let lower = name.to_ascii_lowercase();
    if let Some((_, fix)) = ALIASES.iter().find(|(alias, _)| *alias == lower) {
        return TypeError {
            message: format!("unknown type `{s}`"),
            help: format!("write `{fix}` (types use PostgreSQL's canonical spelling)"),
        };
    }
    if BUILTIN_TYPES.contains(&lower.as_str()) {
        return TypeError {
            message: format!("unknown type `{s}`"),
            help: format!("type names are lower case: write `{lower}`"),
        };
    }
    if let Some(e) = did_you_mean(name, enums.clone()) {
        return TypeError {
            message: format!("unknown type `{s}`"),
            help: format!("did you mean the enum `{e}`?"),
        };
    }
    if let Some(t) = did_you_mean(name, BUILTIN_TYPES.iter().copied()) {
        return TypeError {
            message: format!("unknown type `{s}`"),
            help: format!("did you mean `{t}`?"),
        };
    }
    let enum_list: Vec<&str> = enums.into_iter().collect();
    let mut help = format!(
        "use one of {}, `T[]`, or a declared enum",
        BUILTIN_TYPES
            .iter()
            .map(|t| format!("`{t}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if enum_list.is_empty() {
        help.push_str(" (declare one under [enums.NAME])");
    } else {
        help.push_str(&format!(
            " ({})",
            enum_list
                .iter()
                .map(|e| format!("`{e}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    TypeError {
        message: format!("unknown type `{s}`"),
        help,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<ColumnType, TypeError> {
        parse_type(s, ["pet_type"])
    }

    #[test]
    fn time_types_take_a_precision() {
        for (written, base, precision) in [
            ("timestamp(6)", ColumnType::Timestamp, 6),
            ("timestamptz(0)", ColumnType::Timestamptz, 0),
            ("time(3)", ColumnType::Time, 3),
        ] {
            let ty = p(written).expect(written);
            assert_eq!(ty, ColumnType::Precise(Box::new(base.clone()), precision));
            assert_eq!(ty.to_string(), written, "prints as written");
            assert_eq!(ty.without_precision(), &base);
        }
        assert_eq!(p("timestamp"), Ok(ColumnType::Timestamp));
        assert!(p("timestamp(7)").is_err());
        assert!(p("timestamp(1,2)").is_err());
        assert!(
            ColumnType::Precise(Box::new(ColumnType::Timestamptz), 3)
                .can_reference(&ColumnType::Timestamp)
        );
    }

    #[test]
    fn parses_and_prints_back() {
        for s in [
            "smallint",
            "integer",
            "bigint",
            "real",
            "double",
            "numeric",
            "numeric(10,2)",
            "numeric(7)",
            "boolean",
            "text",
            "varchar",
            "varchar(255)",
            "char(3)",
            "bytea",
            "date",
            "time",
            "timestamp",
            "timestamptz",
            "interval",
            "uuid",
            "json",
            "jsonb",
            "inet",
            "pet_type",
            "text[]",
            "pet_type[]",
        ] {
            assert_eq!(p(s).expect(s).to_string(), s);
        }
        assert_eq!(p("char").unwrap_or(ColumnType::Text), ColumnType::Char(1));
    }

    #[test]
    fn verbatim_types_pass_through() {
        let ext = ["citext".to_string(), "year".to_string()];
        let v = |s: &str| parse_column_type(s, ["pet_type"], &ext);
        for s in [
            "tsvector",
            "money",
            "tstzrange",
            "bit(8)",
            "bit varying(10)",
            "point[]",
            "citext",
            "citext[]",
            "year",
        ] {
            let ty = v(s).expect(s);
            assert!(ty.is_other(), "{s}");
            assert_eq!(ty.to_string(), s);
        }
        assert_eq!(v("integer"), Ok(ColumnType::Integer));
        // Typos are still typos; a name like no known type may be the database's own.
        let e = v("intger").unwrap_err();
        assert_eq!(e.help, "did you mean `integer`?");
        let e = v("ltree").unwrap_err();
        assert!(e.help.contains("external_types = [\"ltree\"]"), "{e}");
        assert!(v("tsvector[][]").is_err());
    }

    #[test]
    fn rejects_with_fixes() {
        assert!(p("int").unwrap_err().help.contains("`integer`"));
        assert!(p("serial").unwrap_err().help.contains("identity = true"));
        assert!(p("pet_typ").unwrap_err().help.contains("enum `pet_type`"));
        assert!(p("TEXT").unwrap_err().help.contains("lower case"));
        assert!(p("varchar(0)").is_err());
        assert!(p("numeric(5,6)").is_err());
        assert!(p("text(5)").is_err());
        assert!(p("text[][]").is_err());
        assert!(p("varchar(ten)").is_err());
    }
}
