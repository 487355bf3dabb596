//! The committed generation spec must stay a structural subset of the vendor descriptions:
//! every operation exists there (same path, method and operationId), every parameter exists on
//! that vendor operation (a `deepObject` parameter `page` counts as `page[<property>]`; a
//! provider's `added_params` count when they name a vendor `components.parameters` entry, its
//! `borrowed_params` when the donor vendor operation declares them), and
//! every property name of a component schema exists on the vendor schema of that name (looking
//! through its `$ref`s and allOf/oneOf/anyOf arms; a name carrying a source's collision prefix
//! maps back to that source's schema). Skips when `../shared` is absent.

use std::collections::BTreeSet;
use std::fs;

use serde_yaml::Value;

use crate::paths;
use crate::providers::{self, Provider, Source};
use crate::yaml::{get, get_str};

/// Every provider of the table: adding one there is enough to have its spec checked.
#[test]
fn every_spec_is_a_structural_subset_of_the_vendor_files() {
    for provider in providers::PROVIDERS {
        check_subset(provider);
    }
}

#[test]
fn skips_when_the_vendor_files_are_absent() {
    // No `vendor-specs/no-such-provider/`: must print a message and return, not fail.
    check_subset(&Provider {
        name: "no-such-provider",
        title: "",
        version: "",
        sources: &[],
        cursor_envelope_schema: None,
        keep_unknown_fields: &[],
        free_form: &[],
        list_params: &[],
        added_params: &[],
        borrowed_params: &[],
        required_params: &[],
        header_params: &[],
    });
}

/// Whether the vendor operation `donor` declares a parameter `name` (inline, not by `$ref`).
fn vendor_declares(doc: &Value, donor: &str, name: &str) -> bool {
    get(doc, "paths")
        .and_then(Value::as_mapping)
        .into_iter()
        .flat_map(|paths| paths.values())
        .filter_map(Value::as_mapping)
        .flat_map(|item| item.values())
        .filter(|op| get_str(op, "operationId") == Some(donor))
        .filter_map(|op| get(op, "parameters").and_then(Value::as_sequence))
        .flatten()
        .any(|p| get_str(p, "name") == Some(name))
}

fn load(path: &std::path::Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn check_subset(provider: &Provider) {
    let vendor_dir = paths::vendor_dir(provider.name);
    if !vendor_dir.is_dir() {
        println!(
            "skipping the {} subset check: {} is absent (shared/ is not beside the repository)",
            provider.name,
            vendor_dir.display()
        );
        return;
    }
    let subset = load(&paths::workspace_root().join(paths::spec_rel(provider.name)));
    let vendors: Vec<(&Source, Value)> = provider
        .sources
        .iter()
        .map(|source| {
            let path = vendor_dir.join(source.file);
            let mut doc = load(&path);
            // A description split over several files is compared as derive-spec reads it.
            if crate::bundle::has_external_refs(&doc) {
                crate::bundle::bundle(&mut doc, &path)
                    .unwrap_or_else(|e| panic!("{}: {e:#}", path.display()));
            }
            (source, doc)
        })
        .collect();
    let mut problems = Vec::new();

    let subset_paths = get(&subset, "paths")
        .and_then(Value::as_mapping)
        .expect("paths");
    for (path, item) in subset_paths {
        let path = path.as_str().expect("path key");
        for (method, operation) in item.as_mapping().expect("path item") {
            let method = method.as_str().expect("method key");
            let label = format!("{} {path}", method.to_uppercase());
            let found = vendors.iter().find_map(|(_, doc)| {
                let vendor_item = get(get(doc, "paths")?, path)?;
                Some((doc, vendor_item, get(vendor_item, method)?))
            });
            let Some((doc, vendor_item, vendor_op)) = found else {
                problems.push(format!("{label}: no such vendor operation"));
                continue;
            };
            if get_str(operation, "operationId") != get_str(vendor_op, "operationId") {
                problems.push(format!("{label}: operationId differs from the vendor's"));
            }
            let mut allowed = vendor_parameter_names(doc, vendor_item, vendor_op);
            let id = get_str(operation, "operationId").unwrap_or_default();
            for (_, component) in provider.added_params.iter().filter(|(op, _)| *op == id) {
                let added = get(doc, "components")
                    .and_then(|c| get(c, "parameters"))
                    .and_then(|p| get(p, component));
                allowed.extend(added.and_then(|p| get_str(p, "name")).map(str::to_owned));
            }
            for (_, donor, name) in provider.borrowed_params.iter().filter(|(op, ..)| *op == id) {
                if vendor_declares(doc, donor, name) {
                    allowed.insert((*name).to_owned());
                }
            }
            for parameter in get(operation, "parameters")
                .and_then(Value::as_sequence)
                .into_iter()
                .flatten()
            {
                let name = get_str(parameter, "name").unwrap_or_default();
                if !allowed.contains(name) {
                    problems.push(format!(
                        "{label}: parameter {name} is not a vendor parameter"
                    ));
                }
            }
        }
    }

    let schemas = get(&subset, "components")
        .and_then(|c| get(c, "schemas"))
        .and_then(Value::as_mapping)
        .expect("components.schemas");
    for (name, schema) in schemas {
        let name = name.as_str().expect("schema name");
        let mut ours = BTreeSet::new();
        property_names(schema, None, &mut ours, &mut BTreeSet::new());
        let candidates: Vec<BTreeSet<String>> = vendors
            .iter()
            .filter_map(|(source, doc)| {
                let vendor_schemas = get(get(doc, "components")?, "schemas")?;
                let vendor = get(vendor_schemas, name)
                    .or_else(|| get(vendor_schemas, name.strip_prefix(source.collision_prefix)?))?;
                let mut names = BTreeSet::new();
                property_names(vendor, Some(doc), &mut names, &mut BTreeSet::new());
                Some(names)
            })
            .collect();
        if candidates.is_empty() {
            problems.push(format!("schema {name}: no vendor schema of that name"));
        } else if !candidates.iter().any(|vendor| ours.is_subset(vendor)) {
            let missing: Vec<&String> = ours
                .iter()
                .filter(|n| !candidates.iter().any(|c| c.contains(*n)))
                .collect();
            problems.push(format!(
                "schema {name}: properties not in the vendor schema: {missing:?}"
            ));
        }
    }

    assert!(
        problems.is_empty(),
        "specs/{}.yaml is not a structural subset of the vendor files:\n{}",
        provider.name,
        problems.join("\n")
    );
}

/// Names a vendor operation accepts: its (and its path's) parameters, with every property of a
/// `deepObject` parameter's object schema as `name[property]`.
fn vendor_parameter_names(doc: &Value, item: &Value, operation: &Value) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for list in [get(item, "parameters"), get(operation, "parameters")] {
        for parameter in list.and_then(Value::as_sequence).into_iter().flatten() {
            let parameter = resolve(doc, parameter);
            let Some(name) = get_str(parameter, "name") else {
                continue;
            };
            names.insert(name.to_owned());
            if get_str(parameter, "style") == Some("deepObject") {
                let mut properties = BTreeSet::new();
                if let Some(schema) = get(parameter, "schema") {
                    property_names(schema, Some(doc), &mut properties, &mut BTreeSet::new());
                }
                names.extend(properties.into_iter().map(|p| format!("{name}[{p}]")));
            }
        }
    }
    names
}

fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    let Some(target) = get_str(value, "$ref").and_then(|t| t.strip_prefix("#/")) else {
        return value;
    };
    let mut node = doc;
    for part in target.split('/') {
        node = get(node, part).unwrap_or_else(|| panic!("dangling $ref #/{target}"));
    }
    resolve(doc, node)
}

/// Every property name declared anywhere in `schema`; with `doc`, `$ref`s are followed.
fn property_names(
    schema: &Value,
    doc: Option<&Value>,
    out: &mut BTreeSet<String>,
    seen: &mut BTreeSet<String>,
) {
    if let (Some(doc), Some(target)) = (doc, get_str(schema, "$ref")) {
        if seen.insert(target.to_owned()) {
            property_names(resolve(doc, schema), Some(doc), out, seen);
        }
        return;
    }
    if let Some(Value::Mapping(properties)) = get(schema, "properties") {
        for (name, property) in properties {
            if let Some(name) = name.as_str() {
                out.insert(name.to_owned());
            }
            property_names(property, doc, out, seen);
        }
    }
    for single in ["items", "additionalProperties", "not"] {
        if let Some(child @ Value::Mapping(_)) = get(schema, single) {
            property_names(child, doc, out, seen);
        }
    }
    for list in ["allOf", "oneOf", "anyOf"] {
        for arm in get(schema, list)
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
        {
            property_names(arm, doc, out, seen);
        }
    }
}
