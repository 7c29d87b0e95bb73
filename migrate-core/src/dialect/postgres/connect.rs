//! PostgreSQL connection options from a URL: TLS as libpq does it (`sslmode`, `sslrootcert`), and
//! errors that say what to change.
//!
//! | `sslmode` | encrypted | server certificate checked |
//! |---|---|---|
//! | `disable` | never | — |
//! | `allow` | never (the server may not refuse plaintext) | — |
//! | `prefer` (default) | when the server offers TLS | no |
//! | `require` | always | no; as `verify-ca` when `sslrootcert` is given, like libpq |
//! | `verify-ca` | always | signed by a trusted CA |
//! | `verify-full` | always | signed by a trusted CA, for the host name connected to |
//!
//! Trusted CAs are the Mozilla roots built in (webpki) plus the PEM file `sslrootcert` names.

use std::path::Path;

use sqlx::ConnectOptions;
use sqlx::postgres::{PgConnectOptions, PgSslMode};

use crate::db::DbError;
use crate::redact::{redact_url, scrub};

/// The `sslmode` values, as libpq spells them.
pub(super) const SSL_MODES: &[&str] = &[
    "disable",
    "allow",
    "prefer",
    "require",
    "verify-ca",
    "verify-full",
];

/// Connection options for a `postgres://` URL, checked before anything is sent: the URL parses
/// the way its author meant (no unencoded `#`, `?`, `/` or `@` in the password), `sslmode` is one
/// libpq knows, and `sslrootcert` is a readable file.
pub(super) fn pg_options(url: &str) -> Result<PgConnectOptions, DbError> {
    let shown = redact_url(url);
    let parsed = url::Url::parse(url).map_err(|e| {
        DbError::new(format!(
            "the database URL `{shown}` is not a valid URL: {e}"
        ))
        .with_help(ENCODE_HELP)
    })?;
    if let Some(part) = misread_part(&parsed) {
        return Err(DbError::new(format!(
            "the database URL `{shown}` has an `@` in its {part}: a character of the password \
             (`/`, `?`, `#` or `@`) is probably not percent-encoded, so the URL reads otherwise \
             than meant"
        ))
        .with_help(ENCODE_HELP));
    }
    let mode = query(&parsed, &["sslmode", "ssl-mode"])
        .or_else(|| std::env::var("PGSSLMODE").ok().filter(|m| !m.is_empty()));
    if let Some(mode) = &mode
        && !SSL_MODES.contains(&mode.to_ascii_lowercase().as_str())
    {
        return Err(
            DbError::new(format!("unknown sslmode `{mode}` in `{shown}`")).with_help(format!(
                "use one of {}: `require` to always encrypt, `verify-full` with \
                 `sslrootcert=/path/to/root.crt` to also check the server's certificate",
                SSL_MODES.join(", ")
            )),
        );
    }
    let root_cert = query(&parsed, &["sslrootcert", "ssl-root-cert", "ssl-ca"]).or_else(|| {
        std::env::var("PGSSLROOTCERT")
            .ok()
            .filter(|c| !c.is_empty())
    });
    if let Some(path) = &root_cert
        && let Err(e) = std::fs::metadata(Path::new(path)).and_then(|m| {
            if m.is_file() {
                Ok(())
            } else {
                Err(std::io::Error::other("not a file"))
            }
        })
    {
        return Err(
            DbError::new(format!("cannot read sslrootcert `{path}`: {e}")).with_help(
                "point sslrootcert at the PEM file of the certificate authority that signed the \
                 server's certificate (a path relative to the working directory, or absolute)",
            ),
        );
    }
    let mut opts = PgConnectOptions::from_url(&parsed).map_err(|e| {
        DbError::new(format!(
            "the database URL `{shown}` is not valid: {}",
            scrub(&e.to_string(), url)
        ))
        .with_help("use postgres://user:password@host:5432/database?sslmode=require")
    })?;
    // libpq: "if a root CA file exists, sslmode=require behaves like verify-ca".
    if root_cert.is_some() && matches!(opts.get_ssl_mode(), PgSslMode::Require) {
        opts = opts.ssl_mode(PgSslMode::VerifyCa);
    }
    Ok(opts)
}

const ENCODE_HELP: &str = "percent-encode special characters in the user name, password and \
     database name: `@` as %40, `:` as %3A, `/` as %2F, `?` as %3F, `#` as %23, `%` as %25 \
     (e.g. postgres://app:ab%23cd@host:5432/db)";

/// The part of a parsed URL where an `@` shows that the password was cut short by an unencoded
/// `/`, `?` or `#`: the path, a query key, or the fragment.
fn misread_part(url: &url::Url) -> Option<&'static str> {
    if url.path().contains('@') {
        return Some("database name");
    }
    if url.fragment().is_some_and(|f| f.contains('@')) {
        return Some("fragment");
    }
    if url.query_pairs().any(|(k, _)| k.contains('@')) {
        return Some("query string");
    }
    None
}

/// The value of the first of `keys` among the query parameters.
fn query(url: &url::Url, keys: &[&str]) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| keys.contains(&k.as_ref()))
        .map(|(_, v)| v.into_owned())
}

/// What to do about a failed connection whose error text is `error`, when it is about TLS.
/// `opts` are the options it was made with.
pub(super) fn tls_help(error: &str, opts: &PgConnectOptions) -> Option<&'static str> {
    let name_mismatch = error.contains("NotValidForName") || error.contains("not valid for name");
    if name_mismatch && matches!(opts.get_ssl_mode(), PgSslMode::VerifyCa) {
        // sqlx 0.8 skips the host name check by the error variant rustls used before 0.23.24;
        // rustls now reports another one, so the check is not skipped (launchbadge/sqlx#3793).
        return Some(
            "the server's certificate does not name the host in the URL, and `verify-ca` (also \
             what `require` with `sslrootcert` means) checks the host name too in this version \
             of `migrate`: connect with a host name the certificate lists",
        );
    }
    tls_help_text(error)
}

fn tls_help_text(error: &str) -> Option<&'static str> {
    if error.contains("server does not support TLS") {
        return Some(
            "the server does not accept TLS connections: enable TLS on it (`ssl = on` with a \
             certificate), or, on a network you trust, connect with `sslmode=prefer` or \
             `sslmode=disable`",
        );
    }
    if error.contains("NotValidForName") || error.contains("not valid for name") {
        return Some(
            "the server's certificate does not name the host in the URL: connect with a host \
             name the certificate lists, or use `sslmode=verify-ca`, which checks the \
             certificate authority only",
        );
    }
    if error.contains("invalid peer certificate") || error.contains("UnknownIssuer") {
        return Some(
            "the server's certificate is not signed by a trusted certificate authority: add \
             `sslrootcert=/path/to/root.crt` (the PEM file of the CA that signed it) to the URL, \
             or use `sslmode=require` to encrypt without checking the certificate",
        );
    }
    if error.contains("no encryption") {
        return Some(
            "the server accepts only encrypted connections: use `sslmode=require`, or \
             `sslmode=verify-full` with `sslrootcert=...`",
        );
    }
    if error.contains("TLS") || error.contains("tls") || error.contains("certificate") {
        return Some(
            "TLS could not be set up: check `sslmode` and `sslrootcert` in the URL, and the \
             server's `ssl` settings",
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_follow_sslmode() {
        let mode = |url: &str| pg_options(url).map(|o| format!("{:?}", o.get_ssl_mode()));
        assert_eq!(
            mode("postgres://u@h/db?sslmode=disable").as_deref(),
            Ok("Disable")
        );
        assert_eq!(
            mode("postgres://u@h/db?sslmode=require").as_deref(),
            Ok("Require")
        );
        assert_eq!(
            mode("postgres://u@h/db?sslmode=verify-full").as_deref(),
            Ok("VerifyFull")
        );
        // libpq: require with a root certificate checks the certificate authority.
        let ca = tempfile::NamedTempFile::new().expect("file");
        let url = format!(
            "postgres://u@h/db?sslmode=require&sslrootcert={}",
            ca.path().display()
        );
        assert_eq!(mode(&url).as_deref(), Ok("VerifyCa"));
    }

    #[test]
    fn bad_urls_are_refused_without_the_password() {
        for url in [
            "postgres://app:ab#SECRET@host/db",
            "postgres://app:12/SECRET@host/db",
            "postgres://app:12#SECRET@host/db",
            "postgres://app:12?SECRET@host/db",
            "postgres://app:SECRET@host/db?sslmode=sometimes",
            "postgres://app:SECRET@host/db?sslmode=verify-full&sslrootcert=/no/such/root.crt",
        ] {
            let e = pg_options(url).expect_err(url);
            assert!(!e.message.contains("SECRET"), "{}", e.message);
            assert!(e.help.is_some(), "{url}");
        }
        let e = pg_options("postgres://app:ab#SECRET@host/db").expect_err("refused");
        assert!(e.help.as_deref().unwrap_or("").contains("%23"), "{e:?}");
        // An `@` in a parameter's value is fine, and so are sockets and IPv6 hosts.
        for url in [
            "postgres://u:pw@h/db?application_name=me@ci",
            "postgres:///db?host=/var/run/postgresql",
            "postgres://%2Fvar%2Frun%2Fpostgresql/db",
            "postgresql://u:p%23w@[::1]:5433/db?sslmode=prefer",
        ] {
            assert!(pg_options(url).is_ok(), "{url}");
        }
    }
}
