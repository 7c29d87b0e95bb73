//! Checksums of migration files.
//!
//! A file's checksum is the SHA-256 of its content, hex-encoded (64 lower-case digits), after two
//! normalisations that keep a checkout's line endings and an editor's byte-order mark from counting
//! as edits: a leading UTF-8 byte-order mark is removed, and every CRLF becomes LF. Nothing else is
//! normalised: any other change to a file, whitespace included, changes its checksum.

use std::borrow::Cow;

use sha2::{Digest, Sha256};

/// The UTF-8 byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The bytes a checksum is taken of: without a leading BOM, with CRLF as LF.
pub(crate) fn normalize(content: &[u8]) -> Cow<'_, [u8]> {
    let content = content.strip_prefix(BOM).unwrap_or(content);
    if !content.windows(2).any(|w| w == b"\r\n") {
        return Cow::Borrowed(content);
    }
    let mut out = Vec::with_capacity(content.len());
    let mut i = 0;
    while i < content.len() {
        if content[i] == b'\r' && content.get(i + 1) == Some(&b'\n') {
            i += 1;
            continue;
        }
        out.push(content[i]);
        i += 1;
    }
    Cow::Owned(out)
}

/// The checksum of a migration file's content (see the module docs).
pub(crate) fn file_checksum(content: &[u8]) -> String {
    sha256_hex(&normalize(content))
}

/// SHA-256 of `bytes`, as 64 lower-case hex digits.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    to_hex(&Sha256::digest(bytes))
}

/// Lower-case hex of `bytes`.
pub(crate) fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
    out
}

/// Whether `s` looks like a checksum: 64 lower-case hex digits.
pub(crate) fn is_checksum(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vectors() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(to_hex(&[0x00, 0x0f, 0xa0, 0xff]), "000fa0ff");
        assert!(is_checksum(&sha256_hex(b"x")));
        assert!(!is_checksum("E3B0"));
    }

    #[test]
    fn bom_and_crlf_do_not_count() {
        let lf = file_checksum(b"CREATE TABLE t ();\nSELECT 1;\n");
        assert_eq!(file_checksum(b"CREATE TABLE t ();\r\nSELECT 1;\r\n"), lf);
        assert_eq!(
            file_checksum(b"\xEF\xBB\xBFCREATE TABLE t ();\r\nSELECT 1;\n"),
            lf
        );
        // Everything else does.
        assert_ne!(file_checksum(b"CREATE TABLE t ();\nSELECT 1; \n"), lf);
        assert_ne!(file_checksum(b"CREATE TABLE t ();\rSELECT 1;\r"), lf);
        assert_ne!(file_checksum(b"CREATE TABLE t ();\nSELECT 1;"), lf);
        // Only a leading BOM is removed.
        assert_ne!(
            file_checksum(b"CREATE\xEF\xBB\xBF TABLE t ();\nSELECT 1;\n"),
            lf
        );
    }

    #[test]
    fn normalize_edge_cases() {
        assert_eq!(&*normalize(b""), b"");
        assert_eq!(&*normalize(b"\xEF\xBB\xBF"), b"");
        assert_eq!(&*normalize(b"\r"), b"\r");
        assert_eq!(&*normalize(b"\r\r\n"), b"\r\n");
        assert_eq!(&*normalize(b"a\r\n\r\nb"), b"a\n\nb");
        assert!(matches!(normalize(b"plain\n"), Cow::Borrowed(_)));
    }
}
