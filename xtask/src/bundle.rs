//! Bundling a vendor description split over several files (Zoho Desk: one file per resource, with
//! `$ref`s such as `./Common.json#/components/parameters/orgId`) into one self-contained document
//! before derivation.
//!
//! - A `$ref` into the document itself (`./Ticket.json#/...` inside `Ticket.json`) becomes local.
//! - A `$ref` to another file's component schema imports that schema (and, transitively, what it
//!   refers to) under its own name, or `{FileStem}{name}` when the name is taken here.
//! - Any other `$ref` into another file (parameters, responses, request bodies) is replaced by
//!   its target, whose own references are bundled in turn.
//! - A `$ref` into a file that is not among the vendor files, or to a pointer that file does not
//!   define, cannot be resolved: it is pruned (dropped from a list such as `parameters`, made a
//!   free-form schema `{}` elsewhere) and reported on stderr.
//!
//! A document with local `$ref`s only comes out unchanged.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_yaml::{Mapping, Value};

use crate::yaml::{get, key};

const SCHEMAS: &str = "/components/schemas/";
/// Marks a pruned reference until the final pass removes it.
const PRUNED: &str = "x-xtask-pruned";

/// Bundles `doc`, read from `path`, with the sibling files its `$ref`s name.
pub fn bundle(doc: &mut Value, path: &Path) -> Result<()> {
    let file = file_name(path);
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut bundler = Bundler {
        dir,
        file: file.clone(),
        own_schemas: schema_names(doc),
        docs: BTreeMap::new(),
        imported: BTreeMap::new(),
        taken: BTreeSet::new(),
        new_schemas: Vec::new(),
        pruned: BTreeSet::new(),
    };
    bundler.process(doc, &file, 0)?;
    if !bundler.new_schemas.is_empty() {
        let Some(root) = doc.as_mapping_mut() else {
            bail!("{file}: not a mapping");
        };
        let components = root
            .entry(key("components"))
            .or_insert_with(|| Value::Mapping(Mapping::new()));
        let Some(components) = components.as_mapping_mut() else {
            bail!("{file}: components is not a mapping");
        };
        let schemas = components
            .entry(key("schemas"))
            .or_insert_with(|| Value::Mapping(Mapping::new()));
        let Some(schemas) = schemas.as_mapping_mut() else {
            bail!("{file}: components.schemas is not a mapping");
        };
        for (name, def) in std::mem::take(&mut bundler.new_schemas) {
            schemas.insert(key(&name), def);
        }
    }
    drop_pruned(doc);
    for target in &bundler.pruned {
        eprintln!("note: {file}: pruned unresolvable $ref {target}");
    }
    Ok(())
}

struct Bundler {
    dir: PathBuf,
    /// The file being bundled.
    file: String,
    /// Its own component schema names.
    own_schemas: BTreeSet<String>,
    /// Sibling files read so far (`None`: absent).
    docs: BTreeMap<String, Option<Value>>,
    /// (file, schema) → the name it is imported under.
    imported: BTreeMap<(String, String), String>,
    /// Names given to imports.
    taken: BTreeSet<String>,
    new_schemas: Vec<(String, Value)>,
    pruned: BTreeSet<String>,
}

impl Bundler {
    /// Bundles the references in `value`, which comes from `from` (whose local refs were already
    /// made `./{from}#...` when `from` is not the file being bundled).
    fn process(&mut self, value: &mut Value, from: &str, depth: usize) -> Result<()> {
        if depth > 64 {
            bail!("{from}: $ref nesting too deep");
        }
        match value {
            Value::Mapping(map) => {
                if let Some(target) = map.get("$ref").and_then(Value::as_str).map(str::to_owned) {
                    return self.reference(value, &target, depth);
                }
                for (_, child) in map.iter_mut() {
                    self.process(child, from, depth)?;
                }
            }
            Value::Sequence(items) => {
                for item in items {
                    self.process(item, from, depth)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn reference(&mut self, value: &mut Value, target: &str, depth: usize) -> Result<()> {
        if target.starts_with('#') {
            return Ok(());
        }
        let (file_part, pointer) = target.split_once('#').unwrap_or((target, ""));
        let file = file_part.trim_start_matches("./").to_owned();
        if file == self.file {
            set_ref(value, format!("#{pointer}"));
            return Ok(());
        }
        if let Some(name) = pointer.strip_prefix(SCHEMAS) {
            return match self.import_schema(&file, name, depth)? {
                Some(local) => {
                    set_ref(value, format!("#{SCHEMAS}{local}"));
                    Ok(())
                }
                None => {
                    self.prune(value, target);
                    Ok(())
                }
            };
        }
        let Some(mut node) = self.lookup(&file, pointer)? else {
            self.prune(value, target);
            return Ok(());
        };
        relocalize(&mut node, &file);
        self.process(&mut node, &file, depth + 1)?;
        *value = node;
        Ok(())
    }

    fn import_schema(&mut self, file: &str, name: &str, depth: usize) -> Result<Option<String>> {
        let id = (file.to_owned(), name.to_owned());
        if let Some(local) = self.imported.get(&id) {
            return Ok(Some(local.clone()));
        }
        let Some(mut def) = self.lookup(file, &format!("{SCHEMAS}{name}"))? else {
            return Ok(None);
        };
        let local = if self.own_schemas.contains(name) || self.taken.contains(name) {
            format!("{}{name}", file.trim_end_matches(".json"))
        } else {
            name.to_owned()
        };
        if self.own_schemas.contains(&local) || !self.taken.insert(local.clone()) {
            bail!("{}: imported schema name {local} is taken", self.file);
        }
        self.imported.insert(id, local.clone());
        relocalize(&mut def, file);
        self.process(&mut def, file, depth + 1)?;
        self.new_schemas.push((local.clone(), def));
        Ok(Some(local))
    }

    /// The node at `pointer` in the sibling `file`, or `None` when either is absent.
    fn lookup(&mut self, file: &str, pointer: &str) -> Result<Option<Value>> {
        if !self.docs.contains_key(file) {
            let path = self.dir.join(file);
            let doc = if path.is_file() {
                let text = fs::read_to_string(&path)
                    .with_context(|| format!("reading {}", path.display()))?;
                Some(
                    serde_yaml::from_str::<Value>(&text)
                        .with_context(|| format!("parsing {}", path.display()))?,
                )
            } else {
                None
            };
            self.docs.insert(file.to_owned(), doc);
        }
        let Some(Some(doc)) = self.docs.get(file) else {
            return Ok(None);
        };
        let mut node = doc;
        for part in pointer.trim_start_matches('/').split('/') {
            let part = part.replace("~1", "/").replace("~0", "~");
            match get(node, &part) {
                Some(next) => node = next,
                None => return Ok(None),
            }
        }
        Ok(Some(node.clone()))
    }

    fn prune(&mut self, value: &mut Value, target: &str) {
        self.pruned.insert(target.to_owned());
        let mut marker = Mapping::new();
        marker.insert(key(PRUNED), Value::Bool(true));
        *value = Value::Mapping(marker);
    }
}

fn set_ref(value: &mut Value, target: String) {
    if let Some(map) = value.as_mapping_mut() {
        map.insert(key("$ref"), Value::String(target));
    }
}

/// Makes the local refs of a node taken from `file` say so (`#/x` → `./{file}#/x`).
fn relocalize(value: &mut Value, file: &str) {
    match value {
        Value::Mapping(map) => {
            for (name, child) in map.iter_mut() {
                if name.as_str() == Some("$ref")
                    && let Some(target) = child.as_str()
                    && target.starts_with('#')
                {
                    *child = Value::String(format!("./{file}{target}"));
                } else {
                    relocalize(child, file);
                }
            }
        }
        Value::Sequence(items) => items.iter_mut().for_each(|item| relocalize(item, file)),
        _ => {}
    }
}

fn is_pruned(value: &Value) -> bool {
    get(value, PRUNED).is_some()
}

/// Drops pruned items from lists and makes the remaining markers free-form schemas.
fn drop_pruned(value: &mut Value) {
    match value {
        Value::Mapping(map) => {
            for (_, child) in map.iter_mut() {
                if is_pruned(child) {
                    *child = Value::Mapping(Mapping::new());
                } else {
                    drop_pruned(child);
                }
            }
        }
        Value::Sequence(items) => {
            items.retain(|item| !is_pruned(item));
            items.iter_mut().for_each(drop_pruned);
        }
        _ => {}
    }
}

fn schema_names(doc: &Value) -> BTreeSet<String> {
    get(doc, "components")
        .and_then(|c| get(c, "schemas"))
        .and_then(Value::as_mapping)
        .map(|schemas| {
            schemas
                .keys()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Whether a document refers to other files at all.
pub fn has_external_refs(value: &Value) -> bool {
    match value {
        Value::Mapping(map) => map.iter().any(|(name, child)| {
            if name.as_str() == Some("$ref") {
                child.as_str().is_some_and(|t| !t.starts_with('#'))
            } else {
                has_external_refs(child)
            }
        }),
        Value::Sequence(items) => items.iter().any(has_external_refs),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::get_str;

    #[test]
    fn sibling_files_are_bundled_and_missing_ones_pruned() {
        let dir = std::env::temp_dir().join(format!("xtask-bundle-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(
            dir.join("Common.json"),
            r##"{"components": {
                "parameters": {"orgId": {"name": "orgId", "in": "query", "schema": {"type": "string"}}},
                "schemas": {"err": {"type": "object", "properties": {"d": {"$ref": "#/components/schemas/detail"}}},
                            "detail": {"type": "string"}}}}"##,
        )
        .unwrap();
        let mut doc: Value = serde_yaml::from_str(
            r##"{"paths": {"/t": {"get": {
                "parameters": [{"$ref": "./Common.json#/components/parameters/orgId"},
                               {"$ref": "./Missing.json#/components/parameters/x"}],
                "responses": {"200": {"content": {"application/json": {"schema":
                    {"$ref": "./Own.json#/components/schemas/detail"}}}},
                              "400": {"content": {"application/json": {"schema":
                    {"$ref": "./Common.json#/components/schemas/err"}}}}}}}},
              "components": {"schemas": {"detail": {"type": "integer"},
                "t": {"properties": {"gone": {"$ref": "./Missing.json#/components/schemas/y"}}}}}}"##,
        )
        .unwrap();
        bundle(&mut doc, &dir.join("Own.json")).unwrap();
        let op = &doc["paths"]["/t"]["get"];
        let params = op["parameters"].as_sequence().unwrap();
        assert_eq!(params.len(), 1, "the unresolvable parameter is dropped");
        assert_eq!(get_str(&params[0], "name"), Some("orgId"));
        let ok = &op["responses"]["200"]["content"]["application/json"]["schema"];
        assert_eq!(get_str(ok, "$ref"), Some("#/components/schemas/detail"));
        let err = &op["responses"]["400"]["content"]["application/json"]["schema"];
        assert_eq!(get_str(err, "$ref"), Some("#/components/schemas/err"));
        let schemas = &doc["components"]["schemas"];
        // Common's `detail` collides with the file's own and is imported under a prefix.
        assert_eq!(
            get_str(&schemas["err"]["properties"]["d"], "$ref"),
            Some("#/components/schemas/Commondetail")
        );
        assert_eq!(get_str(&schemas["Commondetail"], "type"), Some("string"));
        assert_eq!(get_str(&schemas["detail"], "type"), Some("integer"));
        assert_eq!(
            schemas["t"]["properties"]["gone"],
            Value::Mapping(Mapping::new())
        );
        assert!(!has_external_refs(&doc));
        fs::remove_dir_all(&dir).ok();
    }
}
