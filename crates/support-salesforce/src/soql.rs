//! SOQL literals and Salesforce ids: everything that enters a query string passes through here.
//!
//! String literals are single-quoted with backslash escapes (SOQL and SOSL Reference, "Quoted
//! String Escape Sequences"): `\'`, `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`; a backslash before any
//! other character is an error, so every other character is sent as it is. Ids are checked to be
//! 15 or 18 alphanumeric characters before use, and emitted as 18.

/// The REST API version, as it appears in `specs/salesforce.yaml`'s paths.
pub const API_VERSION: &str = "v64.0";

/// `value` as a quoted SOQL string literal: a value such as `x' OR Name != '` stays one literal.
pub(crate) fn literal(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            other => out.push(other),
        }
    }
    out.push('\'');
    out
}

/// `value` as a quoted literal for `LIKE '%…%'`: a literal whose `%` and `_` match themselves.
pub(crate) fn like_contains(value: &str) -> String {
    let quoted = literal(value);
    let inner = quoted
        .strip_prefix('\'')
        .and_then(|q| q.strip_suffix('\''))
        .unwrap_or_default()
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("'%{inner}%'")
}

const SUFFIX_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

/// The 18-character form of a Salesforce id given with 15 (case-sensitive) or 18 (case-insensitive)
/// characters; `None` for anything else. An 18-character id typed in any case gets the case of its
/// first 15 characters back from its suffix.
pub fn id18(id: &str) -> Option<String> {
    let id = id.trim();
    if !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let mut base: Vec<u8> = match id.len() {
        15 => id.as_bytes().to_vec(),
        18 => {
            let (head, suffix) = id.as_bytes().split_at(15);
            let mut head = head.to_vec();
            for (chunk, s) in suffix.iter().enumerate() {
                let bits = SUFFIX_ALPHABET
                    .iter()
                    .position(|a| *a == s.to_ascii_uppercase())?;
                for i in 0..5 {
                    let b = &mut head[chunk * 5 + i];
                    if b.is_ascii_alphabetic() {
                        *b = if bits & (1 << i) != 0 {
                            b.to_ascii_uppercase()
                        } else {
                            b.to_ascii_lowercase()
                        };
                    }
                }
            }
            head
        }
        _ => return None,
    };
    let mut suffix = Vec::with_capacity(3);
    for chunk in base.chunks(5) {
        let bits = chunk
            .iter()
            .enumerate()
            .filter(|(_, b)| b.is_ascii_uppercase())
            .fold(0usize, |acc, (i, _)| acc | (1 << i));
        suffix.push(SUFFIX_ALPHABET[bits]);
    }
    base.extend(suffix);
    String::from_utf8(base).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_quotes_and_backslashes() {
        assert_eq!(literal("x' OR Name != '"), r"'x\' OR Name != \''");
        assert_eq!(literal("a\\b\"c\nd"), r#"'a\\b\"c\nd'"#);
        assert_eq!(literal("plain"), "'plain'");
        assert_eq!(like_contains("50%_off'"), r"'%50\%\_off\'%'");
    }

    #[test]
    fn ids_are_emitted_with_18_characters() {
        // Pairs as Salesforce shows them (15 -> 18), computed with the documented algorithm in
        // Python: 500xx000000bAbc -> suffix from the uppercase bits of each 5-character chunk.
        assert_eq!(
            id18("001000000000001").as_deref(),
            Some("001000000000001AAA")
        );
        assert_eq!(
            id18("500Dn000004CaSe").as_deref(),
            Some("500Dn000004CaSeIAK")
        );
        assert_eq!(
            id18("500dn000004case iak").as_deref(),
            None,
            "spaces are not id characters"
        );
        assert_eq!(
            id18("500DN000004CASEIAK").as_deref(),
            Some("500Dn000004CaSeIAK")
        );
        assert_eq!(id18("500"), None);
    }
}

#[cfg(test)]
mod spec {
    #[test]
    fn the_api_version_is_the_one_of_the_spec_paths() {
        let spec = include_str!("../../../specs/salesforce.yaml");
        let paths: Vec<&str> = spec
            .lines()
            .filter(|l| l.starts_with("  /services/data/"))
            .collect();
        assert!(!paths.is_empty());
        for path in paths {
            assert!(
                path.starts_with(&format!("  /services/data/{}/", super::API_VERSION)),
                "{path}"
            );
        }
    }
}
