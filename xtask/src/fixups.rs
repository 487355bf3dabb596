//! Mechanical rewrites that turn a vendor OpenAPI subset into something progenitor 0.15 accepts
//! and whose generated types decode real payloads. Each function is one fix-up; the comment on
//! its first line says why it exists. See `shared/notes/progenitor.md`.

use std::collections::BTreeMap;

use serde_yaml::{Mapping, Value};

use crate::yaml::{self, get, get_str, key, walk_schemas};

/// Keys that only document (or that progenitor/typify would turn into doc comments or type names).
fn is_doc_key(name: &str) -> bool {
    matches!(
        name,
        "description" | "summary" | "example" | "examples" | "title" | "externalDocs"
    ) || name.starts_with("x-")
}

/// Drops documentation keys from a schema tree: they bloat the output, and a `title` equal to
/// another type's name makes typify emit duplicate types (progenitor notes, item 7).
pub fn strip_schema_docs(schema: &mut Value) {
    walk_schemas(schema, &mut |node| {
        if let Some(map) = node.as_mapping_mut() {
            map.retain(|name, _| !name.as_str().is_some_and(is_doc_key));
        }
    });
}

/// Keeps only the parameter keys that shape the generated method, and strips its schema.
pub fn strip_parameter(parameter: &mut Value) {
    if let Some(map) = parameter.as_mapping_mut() {
        map.retain(|name, _| {
            matches!(
                name.as_str(),
                Some("name" | "in" | "required" | "schema" | "style" | "explode")
            )
        });
        if let Some(schema) = map.get_mut("schema") {
            strip_schema_docs(schema);
        }
    }
}

/// progenitor rejects `style: deepObject` (notes, items 2 and 6): a query parameter `page` whose
/// schema is (or has a oneOf/anyOf arm that is) an object becomes one plain query parameter per
/// property, named `page[size]`, `page[after]`, `page[before]` verbatim on the wire. Non-object
/// arms (Zendesk's legacy offset `page=<n>`) are dropped with it. Returns whether any expanded
/// parameter carries a cursor (`after`/`before`), i.e. whether the operation is cursor-paged.
pub fn expand_deep_object_params(parameters: Vec<Value>) -> (Vec<Value>, bool) {
    let mut out = Vec::with_capacity(parameters.len());
    let mut cursor_paged = false;
    for parameter in parameters {
        if get_str(&parameter, "style") != Some("deepObject") {
            out.push(parameter);
            continue;
        }
        let name = get_str(&parameter, "name").unwrap_or_default().to_owned();
        let Some(object) = get(&parameter, "schema").and_then(object_arm) else {
            // A deepObject without an object schema has nothing to expand: drop it.
            continue;
        };
        let Some(Value::Mapping(properties)) =
            object.as_mapping().and_then(|m| m.get("properties"))
        else {
            continue;
        };
        for (property, schema) in properties {
            let Some(property) = property.as_str() else {
                continue;
            };
            cursor_paged |= matches!(property, "after" | "before");
            out.push(yaml::mapping([
                ("name", Value::String(format!("{name}[{property}]"))),
                ("in", key("query")),
                ("schema", schema.clone()),
            ]));
        }
    }
    (out, cursor_paged)
}

/// The object schema of a deepObject parameter: itself, or its first object oneOf/anyOf arm.
fn object_arm(schema: &Value) -> Option<&Value> {
    if get(schema, "properties").is_some() {
        return Some(schema);
    }
    ["oneOf", "anyOf"]
        .iter()
        .filter_map(|list| get(schema, list)?.as_sequence())
        .flatten()
        .find(|arm| get(arm, "properties").is_some())
}

/// The identifier progenitor derives from a parameter name (heck snake case after replacing
/// non-identifier characters), e.g. `role[]` -> `role`, `page[size]` -> `page_size`.
pub fn rust_param_name(name: &str) -> String {
    let mut out = String::new();
    let mut previous: Option<char> = None;
    for ch in name.chars() {
        if ch.is_ascii_alphanumeric() {
            if ch.is_ascii_uppercase()
                && previous.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
            {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
        previous = Some(ch);
    }
    out.trim_matches('_').to_owned()
}

/// Two parameters with the same Rust name make the generated builder fail to compile (notes,
/// item 7: `role` and `role[]`): keep the one whose wire name already is the Rust name (else
/// the first) and drop the others.
pub fn drop_colliding_params(parameters: &mut Vec<Value>) {
    let names: Vec<(String, String)> = parameters
        .iter()
        .map(|p| {
            let wire = get_str(p, "name").unwrap_or_default().to_owned();
            (rust_param_name(&wire), wire)
        })
        .collect();
    let keep: Vec<bool> = names
        .iter()
        .enumerate()
        .map(|(index, (rust, _))| {
            let winner = names
                .iter()
                .enumerate()
                .filter(|(_, (other, _))| other == rust)
                .min_by_key(|(i, (other, wire))| (wire != other, *i))
                .map(|(i, _)| i);
            winner == Some(index)
        })
        .collect();
    let mut flags = keep.into_iter();
    parameters.retain(|_| flags.next().unwrap_or(true));
}

/// Enum values that cannot become Rust variant names (`=`, `!=`, two values mapping to the same
/// name) make typify fail (notes, item 4): such an enum becomes a plain string.
pub fn plain_string_enums(schema: &mut Value) {
    walk_schemas(schema, &mut |node| {
        let Some(map) = node.as_mapping_mut() else {
            return;
        };
        let Some(Value::Sequence(values)) = map.get("enum") else {
            return;
        };
        let mut seen = std::collections::BTreeSet::new();
        let representable = values.iter().all(|value| match value {
            Value::String(text) => variant_name(text).is_some_and(|name| seen.insert(name)),
            Value::Null => true,
            _ => false,
        });
        if !representable {
            map.shift_remove("enum");
        }
    });
}

/// The PascalCase variant name typify would derive, or `None` when there is no usable one.
fn variant_name(value: &str) -> Option<String> {
    if !value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ' '))
    {
        return None;
    }
    let name: String = value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + &chars.as_str().to_ascii_lowercase()
            })
        })
        .collect();
    name.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        .then_some(name)
}

/// 3.1-style null (`type: [T, "null"]`, a `{type: "null"}` oneOf/anyOf arm) makes typify panic
/// inside a 3.0 document (notes, item 1): rewrite it as 3.0 `nullable: true`.
pub fn null_arms_to_nullable(schema: &mut Value) {
    walk_schemas(schema, &mut |node| {
        let Some(map) = node.as_mapping_mut() else {
            return;
        };
        if let Some(Value::Sequence(types)) = map.get("type").cloned() {
            let rest: Vec<Value> = types
                .into_iter()
                .filter(|t| t.as_str() != Some("null"))
                .collect();
            if let [single] = rest.as_slice() {
                map.insert(key("type"), single.clone());
                map.insert(key("nullable"), Value::Bool(true));
            }
        }
        for list in ["oneOf", "anyOf"] {
            let Some(Value::Sequence(arms)) = map.get_mut(list) else {
                continue;
            };
            let before = arms.len();
            arms.retain(|arm| get_str(arm, "type") != Some("null"));
            if arms.len() == before {
                continue;
            }
            map.insert(key("nullable"), Value::Bool(true));
        }
    });
}

/// progenitor reads OpenAPI 3.0 only, whose schemas are not JSON Schema 2020-12 (OpenAPI 3.1's):
/// a schema from a 3.1 vendor document (Freshdesk's draft) is rewritten to its 3.0 equivalent.
/// `type: [T, "null"]` becomes `type: T` + `nullable: true` (several non-null types become an
/// `anyOf` of one arm per type); `const: v` becomes `enum: [v]`; a numeric `exclusiveMinimum`/
/// `exclusiveMaximum` becomes `minimum`/`maximum` plus the 3.0 boolean flag (kept inclusive bound
/// when it is the stricter one); `examples` and the JSON Schema identifiers (`$schema`, `$id`,
/// `$anchor`, `$comment`) are dropped.
pub fn openapi_31_to_30(schema: &mut Value) {
    walk_schemas(schema, &mut |node| {
        let Some(map) = node.as_mapping_mut() else {
            return;
        };
        for dropped in ["examples", "$schema", "$id", "$anchor", "$comment"] {
            map.shift_remove(dropped);
        }
        if let Some(Value::Sequence(types)) = map.get("type").cloned() {
            let nullable = types.iter().any(|t| t.as_str() == Some("null"));
            let rest: Vec<Value> = types
                .into_iter()
                .filter(|t| t.as_str() != Some("null"))
                .collect();
            match rest.as_slice() {
                [] => {}
                [single] => {
                    map.insert(key("type"), single.clone());
                }
                several => {
                    map.shift_remove("type");
                    let arms = several
                        .iter()
                        .map(|t| yaml::mapping([("type", t.clone())]))
                        .collect();
                    map.insert(key("anyOf"), Value::Sequence(arms));
                }
            }
            if nullable {
                map.insert(key("nullable"), Value::Bool(true));
            }
        }
        if let Some(value) = map.shift_remove("const")
            && !map.contains_key("enum")
        {
            map.insert(key("enum"), Value::Sequence(vec![value]));
        }
        for (exclusive, inclusive, stricter) in [
            (
                "exclusiveMinimum",
                "minimum",
                f64::ge as fn(&f64, &f64) -> bool,
            ),
            (
                "exclusiveMaximum",
                "maximum",
                f64::le as fn(&f64, &f64) -> bool,
            ),
        ] {
            let Some(bound) = map.get(exclusive).and_then(Value::as_f64) else {
                continue;
            };
            let value = map.shift_remove(exclusive).unwrap_or(Value::Null);
            let keep_inclusive = map
                .get(inclusive)
                .and_then(Value::as_f64)
                .is_some_and(|current| !stricter(&bound, &current));
            if !keep_inclusive {
                map.insert(key(inclusive), value);
                map.insert(key(exclusive), Value::Bool(true));
            }
        }
    });
}

/// A query parameter the API takes as a comma-separated list (`include=requester,stats`) but
/// whose vendor schema is a single-value enum would only let the caller send one value: it
/// becomes a plain string.
pub fn list_param_to_string(schema: &mut Value) {
    if let Some(map) = schema.as_mapping_mut() {
        map.shift_remove("enum");
        map.shift_remove("default");
    }
}

/// Real payloads omit fields the vendor marks `required` (SLA policies without `title` on some
/// plans, unassigned satisfaction ratings, ...); a missing required field would fail the whole
/// decode, so no component schema keeps `required`.
pub fn relax_required(schema: &mut Value) {
    walk_schemas(schema, &mut |node| {
        if let Some(map) = node.as_mapping_mut() {
            map.shift_remove("required");
        }
    });
}

/// A closed enum rejects any value added later (a new ticket status, priority, via channel):
/// component schemas keep enum values open by turning them into plain strings.
pub fn open_enums(schema: &mut Value) {
    walk_schemas(schema, &mut |node| {
        if let Some(map) = node.as_mapping_mut() {
            map.shift_remove("enum");
        }
    });
}

/// Zendesk sends `null` for many absent values the vendor schema does not mark nullable; an
/// inline array or object property that is not nullable would reject `null`, so every inline
/// property becomes nullable (`$ref` properties are already `Option` once not required).
pub fn nullable_properties(schema: &mut Value) {
    walk_schemas(schema, &mut |node| {
        let Some(Value::Mapping(properties)) =
            node.as_mapping_mut().and_then(|m| m.get_mut("properties"))
        else {
            return;
        };
        for (_, property) in properties.iter_mut() {
            if let Some(map) = property.as_mapping_mut()
                && !map.contains_key("$ref")
            {
                map.insert(key("nullable"), Value::Bool(true));
            }
        }
    });
}

/// typify types a `format: uuid` string as `uuid::Uuid`, which needs a crate no adapter depends
/// on and refuses ids that are not UUIDs (Intercom documents a contact's 24-character hex id as
/// `format: uuid` with `maxLength: 24`): such strings stay plain strings, without the length
/// bounds that came with the format (the API checks its ids itself).
pub fn plain_uuid_strings(schema: &mut Value) {
    walk_schemas(schema, &mut |node| {
        if let Some(map) = node.as_mapping_mut()
            && get_str_map(map, "format") == Some("uuid")
        {
            for key in ["format", "minLength", "maxLength"] {
                map.shift_remove(key);
            }
        }
    });
}

/// A union whose arms only listed which properties are required (`anyOf: [{required: [email]},
/// {required: [external_id]}]`) is empty once `required` is relaxed, and typify would then type
/// the object as its empty arms, losing its properties: the empty union is dropped.
pub fn drop_empty_unions(schema: &mut Value) {
    walk_schemas(schema, &mut |node| {
        let Some(map) = node.as_mapping_mut() else {
            return;
        };
        for list in ["anyOf", "oneOf"] {
            let empty = match map.get(list) {
                Some(Value::Sequence(arms)) => arms
                    .iter()
                    .all(|arm| arm.as_mapping().is_some_and(Mapping::is_empty)),
                _ => false,
            };
            if empty && map.contains_key("properties") {
                map.shift_remove(list);
            }
        }
    });
}

/// typify turns an integer `minimum: 1` into `NonZeroU64`, which makes builder calls such as
/// `page_size(100)` awkward; the API validates bounds itself, so parameters drop the bounds.
pub fn drop_integer_bounds(schema: &mut Value) {
    walk_schemas(schema, &mut |node| {
        if let Some(map) = node.as_mapping_mut()
            && get_str_map(map, "type") == Some("integer")
        {
            for bound in ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"] {
                map.shift_remove(bound);
            }
        }
    });
}

/// A parameter typed "string or integer" (Zoho Desk's ids: `type: [string, integer]`) is text on
/// the wire either way: made a plain string, which every parameter location can print.
pub fn string_or_integer_param(schema: &mut Value) {
    let Some(map) = schema.as_mapping_mut() else {
        return;
    };
    let Some(Value::Sequence(arms)) = map.get("anyOf") else {
        return;
    };
    let types: Vec<Option<&str>> = arms
        .iter()
        .map(|arm| arm.as_mapping().and_then(|arm| get_str_map(arm, "type")))
        .collect();
    let simple = arms
        .iter()
        .all(|arm| arm.as_mapping().is_some_and(|arm| arm.len() == 1));
    if simple
        && types.len() == 2
        && types.contains(&Some("string"))
        && types.contains(&Some("integer"))
    {
        map.shift_remove("anyOf");
        map.shift_remove("format");
        map.insert(Value::String("type".into()), Value::String("string".into()));
    }
}

/// String `pattern`s are validation only, and progenitor would enforce them with the `regress`
/// crate on every value decoded (Zoho Desk declares `([0-9]+)` on ids it also sends as numbers):
/// dropped; the provider validates what it receives.
pub fn drop_string_patterns(schema: &mut Value) {
    walk_schemas(schema, &mut |node| {
        if let Some(map) = node.as_mapping_mut() {
            map.shift_remove("pattern");
        }
    });
}

fn get_str_map<'a>(map: &'a Mapping, name: &str) -> Option<&'a str> {
    map.get(name)?.as_str()
}

/// The vendor's list envelopes (`TicketsResponse`, `UsersResponse`, ...) omit the cursor
/// `meta`/`links` that every cursor-paged response carries (the vendor's own parameter text says
/// "it should be a `meta.after_cursor` value from a previous request"), so the adapter could not
/// paginate: compose the envelope with the vendor's own cursor schema, as the vendor itself does
/// for other cursor-paged responses (`allOf: [<envelope>, CursorPaginationMeta]`).
/// Returns false when the envelope already has `meta`.
pub fn compose_cursor_envelope(envelope: &mut Value, cursor_ref: &str) -> bool {
    if get(envelope, "properties")
        .and_then(|p| get(p, "meta"))
        .is_some()
    {
        return false;
    }
    let original = std::mem::take(envelope);
    *envelope = yaml::mapping([(
        "allOf",
        Value::Sequence(vec![original, yaml::mapping([("$ref", key(cursor_ref))])]),
    )]);
    true
}

/// A polymorphic result item (Zendesk search returns whole tickets, users, groups, organizations
/// under one `SearchResultObject` that lists only their shared fields) would lose every other
/// field: `additionalProperties: {}` makes typify keep them in a flattened `extra` map, so the
/// adapter can re-decode a result as the full object (e.g. a ticket).
pub fn keep_unknown_fields(schema: &mut Value) {
    if let Some(map) = schema.as_mapping_mut() {
        map.insert(key("additionalProperties"), Value::Mapping(Mapping::new()));
    }
}

/// Replaces the schema at `path` (property names, descending through array `items` and through
/// the arms of `allOf`/`anyOf`/`oneOf`) with an empty schema, which typify turns into
/// `serde_json::Value`: for vendor types narrower than the payloads the provider really sends. A
/// segment `[]` names the items of the array reached so far (`["users", "[]"]`: each user, the
/// list staying a list). Returns whether the path was found (in every arm that has it).
pub fn free_form(schema: &mut Value, path: &[&str]) -> bool {
    let Some((first, rest)) = path.split_first() else {
        *schema = Value::Mapping(Mapping::new());
        return true;
    };
    let Some(map) = schema.as_mapping_mut() else {
        return false;
    };
    if *first == "[]" {
        return map
            .get_mut(key("items"))
            .is_some_and(|items| free_form(items, rest));
    }
    if let Some(items) = map.get_mut(key("items")) {
        return free_form(items, path);
    }
    let mut found = match map
        .get_mut(key("properties"))
        .and_then(Value::as_mapping_mut)
        .and_then(|props| props.get_mut(key(first)))
    {
        Some(property) => free_form(property, rest),
        None => false,
    };
    for list in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Sequence(arms)) = map.get_mut(key(list)) {
            for arm in arms {
                found |= free_form(arm, path);
            }
        }
    }
    found
}

/// Prefix of a local component-schema `$ref`.
pub const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// typify turns `anyOf: [UserForAdmin, UserForEndUser]` into an untagged enum of anonymous
/// variants whose first arm (every field optional once `required` is relaxed) matches every
/// payload. When one `$ref` arm has every property of every other arm (same type and format),
/// the union is that arm: the schema becomes a copy of it, a plain struct.
pub fn collapse_covering_unions(schemas: &mut BTreeMap<String, Value>) {
    let names: Vec<String> = schemas.keys().cloned().collect();
    for name in names {
        let covering = {
            let Some(arms) = ["anyOf", "oneOf"]
                .iter()
                .find_map(|list| get(&schemas[&name], list)?.as_sequence())
            else {
                continue;
            };
            let targets: Option<Vec<&Value>> = arms
                .iter()
                .map(|arm| schemas.get(get_str(arm, "$ref")?.strip_prefix(SCHEMA_PREFIX)?))
                .collect();
            let Some(targets) = targets else { continue };
            targets
                .iter()
                .find(|candidate| targets.iter().all(|other| covers(candidate, other)))
                .map(|candidate| (*candidate).clone())
        };
        if let Some(copy) = covering {
            schemas.insert(name, copy);
        }
    }
}

/// Whether object schema `a` has every property of `b` with the same type, format and `$ref`.
fn covers(a: &Value, b: &Value) -> bool {
    let plain_object = |s: &Value| {
        ["anyOf", "oneOf", "allOf", "required"]
            .iter()
            .all(|k| get(s, k).is_none())
    };
    let (Some(Value::Mapping(pa)), Some(Value::Mapping(pb))) =
        (get(a, "properties"), get(b, "properties"))
    else {
        return false;
    };
    plain_object(a)
        && plain_object(b)
        && pb.iter().all(|(name, sb)| {
            pa.get(name).is_some_and(|sa| {
                ["type", "format", "$ref"]
                    .iter()
                    .all(|k| get(sa, k) == get(sb, k))
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).unwrap()
    }

    #[test]
    fn free_form_descends_through_properties_and_items() {
        let mut schema = yaml(
            "type: object
properties:
  events:
    type: array
    items:
      type: object
      properties:
        value:
          oneOf: [{type: string}, {type: integer}]",
        );
        assert!(free_form(&mut schema, &["events", "value"]));
        let value = &schema["properties"]["events"]["items"]["properties"]["value"];
        assert_eq!(value, &Value::Mapping(Mapping::new()));
        assert!(!free_form(&mut schema, &["events", "missing"]));
    }

    #[test]
    fn free_form_descends_through_composition_arms_and_array_items() {
        let mut schema = yaml(
            "allOf:
- type: object
  properties:
    users:
      type: array
      items: {$ref: '#/components/schemas/UserObject'}
- $ref: '#/components/schemas/CursorPaginationMeta'",
        );
        assert!(free_form(&mut schema, &["users", "[]"]));
        let users = &schema["allOf"][0]["properties"]["users"];
        assert_eq!(users["type"], key("array"));
        assert_eq!(users["items"], Value::Mapping(Mapping::new()));
        assert!(!free_form(&mut schema, &["meta", "[]"]));
        assert!(!free_form(&mut schema, &["users", "[]", "id"]));
    }

    #[test]
    fn rust_names_match_progenitor() {
        assert_eq!(rust_param_name("role[]"), "role");
        assert_eq!(rust_param_name("page[size]"), "page_size");
        assert_eq!(rust_param_name("filter[type]"), "filter_type");
        assert_eq!(rust_param_name("sortBy"), "sort_by");
    }

    #[test]
    fn deep_object_page_expands_and_role_collision_drops() {
        let params = vec![
            yaml(
                "{name: page, in: query, style: deepObject, schema: {oneOf: [{type: integer}, {type: object, properties: {after: {type: string}, size: {type: integer}}}]}}",
            ),
            yaml("{name: role, in: query, schema: {type: string}}"),
            yaml("{name: 'role[]', in: query, schema: {type: array, items: {type: string}}}"),
        ];
        let (mut params, cursor) = expand_deep_object_params(params);
        drop_colliding_params(&mut params);
        let names: Vec<_> = params.iter().map(|p| get_str(p, "name").unwrap()).collect();
        assert!(cursor);
        assert_eq!(names, ["page[after]", "page[size]", "role"]);
    }

    #[test]
    fn doc_keys_go_but_properties_named_like_them_stay() {
        let mut schema = yaml(
            "{type: object, description: d, x-foo: 1, properties: {title: {type: string, example: t}, description: {type: string}}}",
        );
        strip_schema_docs(&mut schema);
        assert_eq!(
            schema,
            yaml(
                "{type: object, properties: {title: {type: string}, description: {type: string}}}"
            )
        );
    }

    #[test]
    fn openapi_31_schemas_become_30() {
        let mut schema = yaml(
            "type: object
$schema: https://json-schema.org/draft/2020-12/schema
properties:
  a: {type: [string, 'null'], examples: [x]}
  b: {type: [string, integer]}
  c: {const: fixed}
  d: {type: number, exclusiveMinimum: 0}
  e: {type: number, minimum: 5, exclusiveMinimum: 0, exclusiveMaximum: 10}
  f: {type: string, nullable: true}",
        );
        openapi_31_to_30(&mut schema);
        assert_eq!(
            schema,
            yaml(
                "type: object
properties:
  a: {type: string, nullable: true}
  b: {anyOf: [{type: string}, {type: integer}]}
  c: {enum: [fixed]}
  d: {type: number, minimum: 0, exclusiveMinimum: true}
  e: {type: number, minimum: 5, maximum: 10, exclusiveMaximum: true}
  f: {type: string, nullable: true}"
            )
        );
        let mut include = yaml("{type: string, enum: [requester, stats]}");
        list_param_to_string(&mut include);
        assert_eq!(include, yaml("{type: string}"));
    }

    #[test]
    fn enums_and_nulls() {
        let mut schema = yaml("{type: string, enum: ['=', '!=']}");
        plain_string_enums(&mut schema);
        assert_eq!(schema, yaml("{type: string}"));
        let mut schema = yaml("{type: string, enum: [asc, desc]}");
        plain_string_enums(&mut schema);
        assert_eq!(schema, yaml("{type: string, enum: [asc, desc]}"));
        let mut schema = yaml("{oneOf: [{type: string}, {type: 'null'}]}");
        null_arms_to_nullable(&mut schema);
        assert_eq!(schema, yaml("{oneOf: [{type: string}], nullable: true}"));
    }
}
