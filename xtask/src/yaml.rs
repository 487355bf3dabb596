//! Small helpers over `serde_yaml::Value`, the representation `derive-spec` works on
//! (its `Mapping` keeps insertion order, so the output order is whatever we decide).

use serde_yaml::{Mapping, Value};

/// A string key.
pub fn key(name: &str) -> Value {
    Value::String(name.to_owned())
}

/// `value[name]` when `value` is a mapping.
pub fn get<'a>(value: &'a Value, name: &str) -> Option<&'a Value> {
    value.as_mapping()?.get(name)
}

/// `value[name]` as a string.
pub fn get_str<'a>(value: &'a Value, name: &str) -> Option<&'a str> {
    get(value, name)?.as_str()
}

/// The mapping key as text (status codes may be parsed as numbers).
pub fn key_text(key: &Value) -> Option<String> {
    match key {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// Visits `schema` and every schema nested in it (properties, items, additionalProperties,
/// not, allOf/oneOf/anyOf arms), parents before children. Property *names* are never visited
/// as schema keywords, so a property called `title` or `description` survives.
pub fn walk_schemas(schema: &mut Value, visit: &mut dyn FnMut(&mut Value)) {
    visit(schema);
    let Some(map) = schema.as_mapping_mut() else {
        return;
    };
    if let Some(Value::Mapping(properties)) = map.get_mut("properties") {
        for (_, property) in properties.iter_mut() {
            walk_schemas(property, visit);
        }
    }
    for single in ["items", "additionalProperties", "not"] {
        if let Some(child @ Value::Mapping(_)) = map.get_mut(single) {
            walk_schemas(child, visit);
        }
    }
    for list in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Sequence(arms)) = map.get_mut(list) {
            for arm in arms {
                walk_schemas(arm, visit);
            }
        }
    }
}

/// Collects every `$ref` target found anywhere in `value`.
pub fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Mapping(map) => {
            for (name, child) in map {
                if name.as_str() == Some("$ref") {
                    if let Some(target) = child.as_str() {
                        out.push(target.to_owned());
                    }
                } else {
                    collect_refs(child, out);
                }
            }
        }
        Value::Sequence(items) => items.iter().for_each(|item| collect_refs(item, out)),
        Value::Tagged(tagged) => collect_refs(&tagged.value, out),
        _ => {}
    }
}

/// Rewrites every `$ref` target through `rename`.
pub fn rewrite_refs(value: &mut Value, rename: &dyn Fn(&str) -> Option<String>) {
    match value {
        Value::Mapping(map) => {
            for (name, child) in map.iter_mut() {
                if name.as_str() == Some("$ref") {
                    if let Some(new) = child.as_str().and_then(rename) {
                        *child = Value::String(new);
                    }
                } else {
                    rewrite_refs(child, rename);
                }
            }
        }
        Value::Sequence(items) => items.iter_mut().for_each(|item| rewrite_refs(item, rename)),
        _ => {}
    }
}

/// Sorts the keys of every mapping in `value` (sequences keep their order).
pub fn sort_keys(value: &mut Value) {
    match value {
        Value::Mapping(map) => {
            let mut entries: Vec<(Value, Value)> = std::mem::take(map).into_iter().collect();
            entries.sort_by_key(|(name, _)| key_text(name).unwrap_or_default());
            for (name, mut child) in entries {
                sort_keys(&mut child);
                map.insert(name, child);
            }
        }
        Value::Sequence(items) => items.iter_mut().for_each(sort_keys),
        _ => {}
    }
}

/// Builds a mapping from `(key, value)` pairs.
pub fn mapping<const N: usize>(entries: [(&str, Value); N]) -> Value {
    let mut map = Mapping::new();
    for (name, value) in entries {
        map.insert(key(name), value);
    }
    Value::Mapping(map)
}
