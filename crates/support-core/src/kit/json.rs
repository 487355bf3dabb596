//! Accessors over a provider's JSON as received.
//!
//! Mapping code reads documented fields directly where a generated type would be too strict or too
//! loose; these helpers read them the same way in every adapter. A field that is absent, `null` or of
//! another type reads as `None`: mapping decides whether that is an error.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{Error, ErrorKind, FieldValue, Operation, RawJson};

/// An integer field; numeric strings (`"42"`) count, since several providers quote their ids.
pub fn int(raw: &Value, field: &str) -> Option<i64> {
    match raw.get(field)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A string field.
pub fn text(raw: &Value, field: &str) -> Option<String> {
    raw.get(field)?.as_str().map(str::to_owned)
}

/// A boolean field.
pub fn boolean(raw: &Value, field: &str) -> Option<bool> {
    raw.get(field)?.as_bool()
}

/// An id field as text, whether the provider sends a number (`42`) or a string (`"0061t00000AbCdE"`,
/// a 32-hex `sys_id`, a long numeric string): ids are opaque to the port.
pub fn id_text(raw: &Value, field: &str) -> Option<String> {
    match raw.get(field)? {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        _ => None,
    }
}

/// An RFC 3339 timestamp field, in UTC.
pub fn time(raw: &Value, field: &str) -> Option<DateTime<Utc>> {
    parse_time(raw.get(field)?.as_str())
}

/// An RFC 3339 timestamp, in UTC; `None` for no text or text that is not one.
pub fn parse_time(text: Option<&str>) -> Option<DateTime<Utc>> {
    let text = text?;
    utc_seconds(text).or_else(|| {
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    })
}

/// The form nearly every provider writes, `2024-03-01T09:30:00Z`, read without the general RFC 3339
/// parser (a listing reads several per item); `None` for anything else, which that parser reads.
fn utc_seconds(text: &str) -> Option<DateTime<Utc>> {
    let b = text.as_bytes();
    if b.len() != 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'Z'
    {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0u32, |n, &digit| {
            digit
                .is_ascii_digit()
                .then(|| n * 10 + u32::from(digit - b'0'))
        })
    };
    let year = i32::try_from(number(0..4)?).ok()?;
    chrono::NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)?
        .and_hms_opt(number(11..13)?, number(14..16)?, number(17..19)?)
        .map(|t| t.and_utc())
}

/// The decimal text of a provider's numeric code (a status, priority or source code), as the
/// native value of a [`Mapped`](crate::Mapped): borrowed for the small codes providers define, so
/// that mapping them does not allocate; written out for any other.
pub fn code_text(code: i64) -> Cow<'static, str> {
    const SMALL: [&str; 32] = [
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16",
        "17", "18", "19", "20", "21", "22", "23", "24", "25", "26", "27", "28", "29", "30", "31",
    ];
    match usize::try_from(code).ok().and_then(|i| SMALL.get(i)) {
        Some(text) => Cow::Borrowed(text),
        None => Cow::Owned(code.to_string()),
    }
}

/// A timestamp field as [`time`] reads one, for typed views decoded straight from text: an RFC 3339
/// time in UTC, or `None` for anything else (absent, `null`, another type, text that is not a
/// time), never an error, so one loosely written item does not fail its page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LooseTime(pub Option<DateTime<Utc>>);

impl<'de> serde::Deserialize<'de> for LooseTime {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Any value is accepted (and skipped); only a string can be a time.
        struct Loose;
        impl<'de> serde::de::Visitor<'de> for Loose {
            type Value = LooseTime;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a timestamp")
            }
            fn visit_str<E>(self, text: &str) -> Result<LooseTime, E> {
                Ok(LooseTime(parse_time(Some(text))))
            }
            fn visit_bool<E>(self, _: bool) -> Result<LooseTime, E> {
                Ok(LooseTime(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<LooseTime, E> {
                Ok(LooseTime(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<LooseTime, E> {
                Ok(LooseTime(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<LooseTime, E> {
                Ok(LooseTime(None))
            }
            fn visit_unit<E>(self) -> Result<LooseTime, E> {
                Ok(LooseTime(None))
            }
            fn visit_none<E>(self) -> Result<LooseTime, E> {
                Ok(LooseTime(None))
            }
            fn visit_some<D: serde::Deserializer<'de>>(
                self,
                deserializer: D,
            ) -> Result<LooseTime, D::Error> {
                deserializer.deserialize_any(self)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<LooseTime, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(LooseTime(None))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<LooseTime, A::Error> {
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(LooseTime(None))
            }
        }
        deserializer.deserialize_any(Loose)
    }
}

/// A custom field's value decoded straight from text into the [`FieldValue`] that
/// [`FieldValue::from_json`] gives the same JSON, without building the value first: scalars and
/// lists of strings get their own variant, any other structure stays JSON.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldValueView(pub FieldValue);

impl<'de> serde::Deserialize<'de> for FieldValueView {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Typed;
        impl<'de> serde::de::Visitor<'de> for Typed {
            type Value = FieldValueView;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a custom field value")
            }
            fn visit_bool<E>(self, b: bool) -> Result<FieldValueView, E> {
                Ok(FieldValueView(FieldValue::Bool(b)))
            }
            fn visit_i64<E>(self, n: i64) -> Result<FieldValueView, E> {
                Ok(FieldValueView(FieldValue::Integer(n)))
            }
            fn visit_u64<E>(self, n: u64) -> Result<FieldValueView, E> {
                Ok(FieldValueView(match i64::try_from(n) {
                    Ok(n) => FieldValue::Integer(n),
                    Err(_) => FieldValue::Number(n as f64),
                }))
            }
            fn visit_f64<E>(self, n: f64) -> Result<FieldValueView, E> {
                Ok(FieldValueView(FieldValue::Number(n)))
            }
            fn visit_str<E>(self, text: &str) -> Result<FieldValueView, E> {
                Ok(FieldValueView(FieldValue::Text(text.to_owned())))
            }
            fn visit_string<E>(self, text: String) -> Result<FieldValueView, E> {
                Ok(FieldValueView(FieldValue::Text(text)))
            }
            fn visit_unit<E>(self) -> Result<FieldValueView, E> {
                Ok(FieldValueView(FieldValue::Null))
            }
            fn visit_none<E>(self) -> Result<FieldValueView, E> {
                Ok(FieldValueView(FieldValue::Null))
            }
            fn visit_some<D: serde::Deserializer<'de>>(
                self,
                deserializer: D,
            ) -> Result<FieldValueView, D::Error> {
                deserializer.deserialize_any(self)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                seq: A,
            ) -> Result<FieldValueView, A::Error> {
                let items = Value::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))?;
                Ok(FieldValueView(FieldValue::from_json_owned(items)))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<FieldValueView, A::Error> {
                let object = Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(FieldValueView(FieldValue::Json(object)))
            }
        }
        deserializer.deserialize_any(Typed)
    }
}

/// The typed view of a JSON object; a mismatch is a decode error naming the object and its `id`
/// (when it has one) and keeping an excerpt of it.
///
/// The policy for items of a page: an item that does not have its documented shape fails its page
/// with this error, which names the item so it can be found; fields a provider is known to write
/// loosely (timestamps, for instance) are read leniently by the adapter before they get here, and
/// its README says which.
pub fn decode<T: DeserializeOwned>(
    provider: &'static str,
    operation: Operation,
    what: &str,
    raw: &Value,
) -> Result<T, Error> {
    T::deserialize(raw).map_err(|error| misshapen(provider, operation, what, raw, &error))
}

/// [`decode`] for an object kept as [`RawJson`]: a listing's item is decoded straight from the text
/// the provider sent, without building a value for it first.
pub fn decode_raw<T: DeserializeOwned>(
    provider: &'static str,
    operation: Operation,
    what: &str,
    raw: &RawJson,
) -> Result<T, Error> {
    raw.decode()
        .map_err(|error| misshapen(provider, operation, what, raw.value(), &error))
}

/// The decode error for `raw`, a `what` (`ticket`) that did not have its documented shape: names
/// it by its `id` when it has one and keeps an excerpt of it, as [`decode`] and [`decode_raw`] do.
pub fn misshapen(
    provider: &'static str,
    operation: Operation,
    what: &str,
    raw: &Value,
    error: &dyn std::fmt::Display,
) -> Error {
    let named = match raw.get("id").filter(|id| !id.is_null()) {
        Some(Value::String(id)) => format!("{what} {id}"),
        Some(id) => format!("{what} {id}"),
        None => what.to_owned(),
    };
    Error::new(ErrorKind::Decode, provider)
        .with_operation(operation)
        .with_message(format!(
            "a {provider} {named} did not have its documented shape: {error}"
        ))
        .with_body_excerpt(raw.to_string().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn code_texts_are_the_codes_in_decimal_and_small_ones_are_borrowed() {
        for code in [-1, 0, 1, 9, 10, 31, 32, 1000, i64::MIN, i64::MAX] {
            let text = code_text(code);
            assert_eq!(text, code.to_string());
            assert_eq!(
                matches!(text, Cow::Borrowed(_)),
                (0..32).contains(&code),
                "{code}"
            );
        }
    }

    #[test]
    fn field_values_read_from_text_are_typed_as_from_json_types_them() {
        for text in [
            "null",
            "true",
            "-7",
            "18446744073709551615",
            "2.5",
            "\"EU\"",
            "\"caf\\u00e9\"",
            "[]",
            "[\"a\", \"b\"]",
            "[\"a\", 1]",
            "{\"k\": [1, {\"n\": null}]}",
        ] {
            let value: Value = serde_json::from_str(text).unwrap();
            let view: FieldValueView = serde_json::from_str(text).unwrap();
            assert_eq!(view.0, FieldValue::from_json(&value), "{text}");
        }
    }

    #[test]
    fn fields_read_leniently_and_absent_ones_are_none() {
        let raw = json!({
            "id": 42, "quoted": "17", "sys_id": "9d385017c611228701d22104cc95c371",
            "name": "Ada", "on": true, "at": "2024-05-01T10:00:00+02:00", "nothing": null,
            "list": [1, 2]
        });
        assert_eq!(int(&raw, "id"), Some(42));
        assert_eq!(int(&raw, "quoted"), Some(17));
        assert_eq!(int(&raw, "name"), None);
        assert_eq!(text(&raw, "name").as_deref(), Some("Ada"));
        assert_eq!(text(&raw, "nothing"), None);
        assert_eq!(boolean(&raw, "on"), Some(true));
        assert_eq!(id_text(&raw, "id").as_deref(), Some("42"));
        assert_eq!(
            id_text(&raw, "sys_id").as_deref(),
            Some("9d385017c611228701d22104cc95c371")
        );
        assert_eq!(id_text(&raw, "nothing"), None);
        assert_eq!(
            time(&raw, "at").map(|t| t.to_rfc3339()),
            Some("2024-05-01T08:00:00+00:00".to_owned())
        );
        for field in ["at", "name", "id", "on", "nothing", "list", "missing"] {
            let loose = serde_json::from_str::<LooseTime>(&raw[field].to_string()).unwrap();
            assert_eq!(loose.0, time(&raw, field), "{field}");
        }
        let nested: LooseTime = serde_json::from_str(r#"{"a": [1, {"b": 2}]}"#).unwrap();
        assert_eq!(nested, LooseTime(None));
    }

    #[test]
    fn shape_mismatches_are_decode_errors_with_the_operation() {
        let op = Operation::ListTickets;
        let err = decode::<Vec<u8>>("p", op, "ticket", &json!("x")).unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Decode);
        assert!(err.body_excerpt().is_some());
        let raw = RawJson::from_text(r#"{"id": 8, "priority": 5}"#).unwrap();
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Ticket {
            id: u64,
            priority: Option<String>,
        }
        let err = decode_raw::<Ticket>("p", op, "ticket", &raw).unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Decode);
        assert!(
            err.to_string()
                .contains("a p ticket 8 did not have its documented shape"),
            "{err}"
        );
        assert!(
            err.body_excerpt()
                .unwrap_or_default()
                .contains("\"priority\":5")
        );
        let fine = RawJson::from_text(r#"{"id": 9}"#).unwrap();
        assert_eq!(
            decode_raw::<Ticket>("p", op, "ticket", &fine).unwrap().id,
            9
        );
    }

    #[test]
    fn times_read_as_rfc_3339_reads_them() {
        for (text, read) in [
            ("2024-03-01T09:30:05Z", Some("2024-03-01T09:30:05+00:00")),
            (
                "2024-03-01T09:30:05.250Z",
                Some("2024-03-01T09:30:05.250+00:00"),
            ),
            (
                "2024-03-01T11:30:05+02:00",
                Some("2024-03-01T09:30:05+00:00"),
            ),
            ("2024-03-01t09:30:05z", Some("2024-03-01T09:30:05+00:00")),
            ("2016-12-31T23:59:60Z", Some("2016-12-31T23:59:60+00:00")),
            ("2024-02-30T09:30:05Z", None),
            ("2024-03-01T24:00:00Z", None),
            ("2024-03-01 09:30:05Z", Some("2024-03-01T09:30:05+00:00")),
            ("+024-03-01T09:30:05Z", None),
            ("2024-03-01T09:30:0xZ", None),
            ("", None),
        ] {
            let parsed = parse_time(Some(text));
            assert_eq!(parsed.map(|t| t.to_rfc3339()).as_deref(), read, "{text}");
        }
    }

    proptest::proptest! {
        /// The quick reading of the common form agrees with the general parser on every text of
        /// that shape.
        #[test]
        fn the_common_form_reads_as_the_general_parser_reads_it(
            digits in proptest::collection::vec(proptest::sample::select(b"0123456789+- ".to_vec()), 14),
        ) {
            let d = |i: usize| char::from(digits[i]);
            let text = format!(
                "{}{}{}{}-{}{}-{}{}T{}{}:{}{}:{}{}Z",
                d(0), d(1), d(2), d(3), d(4), d(5), d(6), d(7), d(8), d(9), d(10), d(11), d(12), d(13)
            );
            let general = DateTime::parse_from_rfc3339(&text).ok().map(|t| t.with_timezone(&Utc));
            proptest::prop_assert_eq!(parse_time(Some(&text)), general);
        }
    }
}
