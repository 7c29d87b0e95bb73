//! Durations as `migrate.toml` and `-- migrate:` directives write them, parsed once into a
//! [`Duration`].
//!
//! A duration is a whole number with a unit: `500ms`, `5s`, `10min` (or `10m`), `2h`; a bare
//! number is milliseconds. `0` means "none": no timeout, or waiting for good. Every duration is at
//! most `MAX`, the longest `lock_timeout` and `statement_timeout` PostgreSQL accepts and the
//! longest busy timeout SQLite accepts: a longer one is an error where it is written, never a
//! timeout silently dropped or refused by the database when the first migration runs.

use std::time::Duration;

/// The longest duration: 2147483647 ms (about 24 days), PostgreSQL's limit for
/// `lock_timeout` and `statement_timeout` and SQLite's for `busy_timeout`.
pub(crate) const MAX: Duration = Duration::from_millis(i32::MAX as u64);

/// The units, for help texts.
pub(crate) const UNITS: &str = "ms, s, min, h";

/// Why a text is not a duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    /// Not a number with a known unit.
    #[error("not a duration")]
    Malformed,
    /// Longer than `MAX`.
    #[error("longer than the longest timeout, 2147483647 ms (about 24 days)")]
    TooLong,
}

/// Parses `500ms`, `5s`, `10min` (or `10m`), `2h`, or a bare number of milliseconds. Spaces
/// around the text and between the number and its unit are allowed.
pub fn parse(s: &str) -> Result<Duration, DurationError> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (digits, unit) = s.split_at(split);
    if digits.is_empty() {
        return Err(DurationError::Malformed);
    }
    let factor: u64 = match unit.trim() {
        "" | "ms" => 1,
        "s" => 1_000,
        "min" | "m" => 60_000,
        "h" => 3_600_000,
        _ => return Err(DurationError::Malformed),
    };
    // All digits: a parse failure can only be an overflow.
    let n: u64 = digits.parse().map_err(|_| DurationError::TooLong)?;
    let ms = n.checked_mul(factor).ok_or(DurationError::TooLong)?;
    let d = Duration::from_millis(ms);
    if d > MAX {
        return Err(DurationError::TooLong);
    }
    Ok(d)
}

/// `None` for zero, which turns a timeout off.
pub(crate) fn nonzero(d: Duration) -> Option<Duration> {
    (!d.is_zero()).then_some(d)
}

/// Whole milliseconds, as SQL settings and events take them (saturating; every parsed duration
/// fits).
pub fn as_millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(s: &str) -> Result<u64, DurationError> {
        parse(s).map(as_millis)
    }

    #[test]
    fn units() {
        assert_eq!(ms("5s"), Ok(5_000));
        assert_eq!(ms("250ms"), Ok(250));
        assert_eq!(ms("250"), Ok(250));
        assert_eq!(ms("10min"), Ok(600_000));
        assert_eq!(ms("10m"), Ok(600_000));
        assert_eq!(ms(" 2 h "), Ok(7_200_000));
        assert_eq!(ms("0"), Ok(0));
        assert_eq!(ms("0ms"), Ok(0));
    }

    #[test]
    fn malformed() {
        for s in ["", "s", "5 parsecs", "-5s", "5.5s", "soon", "5s5"] {
            assert_eq!(parse(s), Err(DurationError::Malformed), "{s:?}");
        }
    }

    #[test]
    fn too_long_is_an_error_not_no_timeout() {
        // Overflows u64 as digits, as milliseconds, or only PostgreSQL's limit.
        for s in [
            "99999999999999999999s",
            "99999999999999999h",
            "2147483648ms",
            "597h",
        ] {
            assert_eq!(parse(s), Err(DurationError::TooLong), "{s:?}");
        }
        assert_eq!(ms("2147483647"), Ok(2_147_483_647));
        assert_eq!(ms("596h"), Ok(596 * 3_600_000));
    }

    #[test]
    fn zero_is_none() {
        assert_eq!(nonzero(Duration::ZERO), None);
        assert_eq!(
            nonzero(Duration::from_secs(1)),
            Some(Duration::from_secs(1))
        );
    }
}
