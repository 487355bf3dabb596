//! [`RawJson`]: the provider's JSON for one object, kept beside its canonical mapping.

use std::fmt;
use std::sync::OnceLock;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use serde_json::value::RawValue;

/// The provider's JSON for one object, as received: the `raw` of every canonical object.
///
/// Listings keep each item as the exact text the provider sent, cut out of the page without
/// building a [`Value`] for it: most callers never look at `raw`, and building a `Value` per item
/// costs more than the rest of the mapping. It dereferences to that [`Value`]: the first read
/// (`raw["id"]`, `raw.get("via")`, [`value`](Self::value)) parses it once and keeps the result. Objects read one at a
/// time keep the [`Value`] their answer was parsed into. Either way, `raw` is what the provider sent:
/// equality compares JSON values, not spellings, and [`Display`](fmt::Display) prints JSON text.
///
/// ```
/// use support_core::RawJson;
///
/// let raw = RawJson::from_text(r#"{"id": 42, "via": {"channel": "email"}}"#).unwrap();
/// assert_eq!(raw["via"]["channel"], "email");
/// assert_eq!(raw.get("id").and_then(|id| id.as_u64()), Some(42));
///
/// #[derive(serde::Deserialize)]
/// struct Via { channel: String }
/// #[derive(serde::Deserialize)]
/// struct Native { via: Via }
/// let native: Native = raw.decode().unwrap();
/// assert_eq!(native.via.channel, "email");
/// assert_eq!(raw, serde_json::json!({"id": 42, "via": {"channel": "email"}}));
/// ```
#[derive(Clone)]
pub struct RawJson(Repr);

#[derive(Clone)]
enum Repr {
    /// The text as received, and its value once asked for.
    Text {
        text: Box<RawValue>,
        parsed: OnceLock<Value>,
    },
    /// One item of a listing page: its bytes within the page's body, which the page's items share
    /// instead of each copying its own, and its value once asked for.
    Slice {
        bytes: Bytes,
        parsed: OnceLock<Value>,
    },
    /// A value parsed already.
    Value(Value),
}

impl RawJson {
    /// One JSON value cut out of a page body by the page reader, which found where it starts and
    /// ends.
    pub(crate) fn from_page(bytes: Bytes) -> Self {
        Self(Repr::Slice {
            bytes,
            parsed: OnceLock::new(),
        })
    }

    /// The JSON text as bytes, when it was kept as received.
    fn received(&self) -> Option<&[u8]> {
        match &self.0 {
            Repr::Text { text, .. } => Some(text.get().as_bytes()),
            Repr::Slice { bytes, .. } => Some(bytes),
            Repr::Value(_) => None,
        }
    }

    /// JSON text, checked to be JSON; kept as it is.
    pub fn from_text(text: &str) -> Result<Self, serde_json::Error> {
        RawValue::from_string(text.to_owned()).map(Self::from)
    }

    /// The JSON value, parsed on first use and kept. Text that `serde_json` cannot turn into a
    /// value although it is JSON (nesting past its depth limit) reads as `null`.
    pub fn value(&self) -> &Value {
        match &self.0 {
            Repr::Value(value) => value,
            Repr::Text { text, parsed } => {
                parsed.get_or_init(|| serde_json::from_str(text.get()).unwrap_or(Value::Null))
            }
            Repr::Slice { bytes, parsed } => {
                parsed.get_or_init(|| serde_json::from_slice(bytes).unwrap_or(Value::Null))
            }
        }
    }

    /// The JSON value, owned.
    pub fn into_value(self) -> Value {
        match self.0 {
            Repr::Value(value) => value,
            Repr::Text { text, parsed } => match parsed.into_inner() {
                Some(value) => value,
                None => serde_json::from_str(text.get()).unwrap_or(Value::Null),
            },
            Repr::Slice { bytes, parsed } => match parsed.into_inner() {
                Some(value) => value,
                None => serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            },
        }
    }

    /// Whether this is JSON `null` (what an object made without a provider answer holds).
    pub fn is_null(&self) -> bool {
        match &self.0 {
            Repr::Value(value) => value.is_null(),
            Repr::Text { text, .. } => text.get().trim() == "null",
            Repr::Slice { bytes, .. } => bytes.trim_ascii() == b"null",
        }
    }

    /// A typed view of it: straight from the text when it was kept as text, so a caller's own
    /// struct for provider fields the canonical model does not carry costs one decode.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        match &self.0 {
            Repr::Value(value) => T::deserialize(value),
            Repr::Text { text, parsed } => match parsed.get() {
                Some(value) => T::deserialize(value),
                None => serde_json::from_str(text.get()),
            },
            Repr::Slice { bytes, parsed } => match parsed.get() {
                Some(value) => T::deserialize(value),
                None => serde_json::from_slice(bytes),
            },
        }
    }
}

impl Default for RawJson {
    fn default() -> Self {
        Self(Repr::Value(Value::Null))
    }
}

impl From<Value> for RawJson {
    fn from(value: Value) -> Self {
        Self(Repr::Value(value))
    }
}

impl From<Box<RawValue>> for RawJson {
    fn from(text: Box<RawValue>) -> Self {
        Self(Repr::Text {
            text,
            parsed: OnceLock::new(),
        })
    }
}

impl From<&RawValue> for RawJson {
    fn from(text: &RawValue) -> Self {
        Self::from(text.to_owned())
    }
}

impl std::ops::Deref for RawJson {
    type Target = Value;

    /// The JSON value (see [`RawJson::value`]): `raw["id"]`, `raw.get("via")`, `raw.as_object()`.
    fn deref(&self) -> &Value {
        self.value()
    }
}

impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        match (self.received(), other.received()) {
            (Some(a), Some(b)) if a == b => true,
            _ => self.value() == other.value(),
        }
    }
}

impl PartialEq<Value> for RawJson {
    fn eq(&self, other: &Value) -> bool {
        self.value() == other
    }
}

impl fmt::Display for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Value(value) => write!(f, "{value}"),
            Repr::Text { text, .. } => f.write_str(text.get()),
            Repr::Slice { bytes, .. } => f.write_str(&String::from_utf8_lossy(bytes)),
        }
    }
}

impl fmt::Debug for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// JSON text kept as received is written as it was received (serde_json embeds it verbatim, and
/// `serde_json::to_value` reads it back); a value is written as a value. Formats other than JSON
/// know nothing of embedded JSON text: serialize [`RawJson::value`] for them.
impl Serialize for RawJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Repr::Value(value) => value.serialize(serializer),
            Repr::Text { text, .. } => text.serialize(serializer),
            Repr::Slice { bytes, .. } => {
                match std::str::from_utf8(bytes)
                    .ok()
                    .and_then(|text| serde_json::from_str::<&RawValue>(text).ok())
                {
                    Some(text) => text.serialize(serializer),
                    None => self.value().serialize(serializer),
                }
            }
        }
    }
}

impl<'de> Deserialize<'de> for RawJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Value::deserialize(deserializer).map(Self::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(json: &str) -> RawJson {
        RawJson::from_text(json).expect("JSON")
    }

    #[test]
    fn text_reads_as_the_value_it_spells() {
        let raw = text(r#"{ "id" : 7, "tags": ["a", "b"], "n": null }"#);
        assert_eq!(raw["id"], 7);
        assert_eq!(raw["tags"][1], "b");
        assert_eq!(raw["missing"], Value::Null);
        assert_eq!(raw.pointer("/tags/0"), Some(&json!("a")));
        assert_eq!(raw.get("n"), Some(&Value::Null));
        assert!(!raw.is_null());
        assert!(text(" null ").is_null());
        assert!(RawJson::default().is_null());
        assert_eq!(
            raw.clone().into_value(),
            json!({"id": 7, "tags": ["a", "b"], "n": null})
        );
        assert_eq!(
            raw.value(),
            &json!({"id": 7, "tags": ["a", "b"], "n": null})
        );
        assert_eq!(raw.into_value()["id"], 7);
        assert!(RawJson::from_text("{").is_err());
    }

    #[test]
    fn equality_is_of_values_not_spellings() {
        let spaced = text(r#"{"a": 1, "b": [true]}"#);
        let tight = text(r#"{"b":[true],"a":1}"#);
        assert_eq!(spaced, tight);
        assert_eq!(spaced, RawJson::from(json!({"a": 1, "b": [true]})));
        assert_eq!(spaced, json!({"a": 1, "b": [true]}));
        assert_ne!(spaced, text(r#"{"a": 2, "b": [true]}"#));
        assert_ne!(spaced, json!({"a": 1}));
        assert_ne!(RawJson::from(json!(1)), json!(2));
        // Text borrowed from elsewhere is kept too.
        let borrowed: &RawValue = serde_json::from_str(r#"{"k": [1]}"#).unwrap();
        let owned = RawJson::from(borrowed);
        assert_eq!(owned.to_string(), r#"{"k": [1]}"#);
        assert_eq!(owned, json!({"k": [1]}));
    }

    #[test]
    fn items_cut_from_a_page_read_as_the_text_they_are() {
        let shape = crate::kit::page::PageShape::bare_array();
        let page = shape
            .read::<serde::de::IgnoredAny>(&Bytes::from_static(br#"[ null , {"id": 1}, "null"]"#))
            .unwrap();
        let raws = page.into_raws();
        assert!(raws[0].is_null());
        assert!(!raws[1].is_null());
        assert!(!raws[2].is_null());
        assert_eq!(raws[1], json!({"id": 1}));
        assert_ne!(raws[1], raws[2]);
        assert_eq!(raws[2].to_string(), r#""null""#);
        assert_eq!(raws[1].decode::<Value>().unwrap()["id"], 1);
        assert_eq!(raws[1].clone().into_value(), json!({"id": 1}));
        assert_eq!(serde_json::to_string(&raws[1]).unwrap(), r#"{"id": 1}"#);
    }

    #[test]
    fn text_is_kept_as_received() {
        let spelled = r#"{"b":1,"a":{"z":null,"y":1.50}}"#;
        let raw = text(spelled);
        assert_eq!(raw.to_string(), spelled);
        assert_eq!(format!("{raw:?}"), spelled);
        assert_eq!(serde_json::to_string(&raw).unwrap(), spelled);
        // The value is built on demand and does not change what is kept.
        let _ = raw.value();
        assert_eq!(raw.to_string(), spelled);
        let back: RawJson = serde_json::from_str(spelled).unwrap();
        assert_eq!(back, raw);
    }

    #[test]
    fn typed_views_decode_from_text_or_value() {
        #[derive(Deserialize, PartialEq, Debug)]
        struct Item {
            id: u64,
        }
        assert_eq!(
            text(r#"{"id": 3}"#).decode::<Item>().unwrap(),
            Item { id: 3 }
        );
        assert_eq!(
            RawJson::from(json!({"id": 4})).decode::<Item>().unwrap(),
            Item { id: 4 }
        );
        let parsed = text(r#"{"id": 5}"#);
        let _ = parsed.value();
        assert_eq!(parsed.decode::<Item>().unwrap(), Item { id: 5 });
        assert!(text(r#"{"id": "x"}"#).decode::<Item>().is_err());
    }

    #[test]
    fn objects_serialize_with_raw_json_embedded() {
        #[derive(Serialize)]
        struct Holder {
            raw: RawJson,
        }
        let holder = Holder {
            raw: text(r#"{"x": [1, 2]}"#),
        };
        assert_eq!(
            serde_json::to_value(&holder).unwrap(),
            json!({"raw": {"x": [1, 2]}})
        );
        assert_eq!(
            serde_json::to_string(&holder).unwrap(),
            r#"{"raw":{"x": [1, 2]}}"#
        );
    }
}
