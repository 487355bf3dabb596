//! `cargo xtask derive-spec [provider] [--check]`: derives `specs/<provider>.yaml` (every provider's
//! when none is named), the generation spec, from the vendor OpenAPI description(s) in
//! `../shared/vendor-specs/<provider>/`.
//!
//! The derivation is mechanical: the operations listed in `providers.rs`, their parameters,
//! one JSON request body, one JSON 2xx response, and the `$ref` closure of their schemas; no
//! documentation keys; the fix-ups of `fixups.rs`. The output is deterministic (sorted keys),
//! so `--check` compares bytes.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;

use anyhow::{Context, Result, anyhow, bail};
use serde_yaml::{Mapping, Value};

use crate::bundle;
use crate::cli::{Args, CliError};
use crate::fixups::{self, SCHEMA_PREFIX};
use crate::paths;
use crate::providers::{self, Provider, Source};
use crate::yaml::{self, collect_refs, get, get_str, key, key_text, rewrite_refs};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
const JSON: &str = "application/json";

/// Entry point of the subcommand.
pub fn run(raw: &[String]) -> Result<(), CliError> {
    let args = Args::parse(raw, &["--check"])?;
    let selected: Vec<&Provider> = match args.positional() {
        [] => providers::PROVIDERS.iter().collect(),
        [name] => vec![providers::find(name).ok_or_else(|| {
            CliError::usage(format!(
                "unknown provider `{name}` (known: {})",
                providers::names()
            ))
        })?],
        _ => return Err(CliError::usage("derive-spec takes at most one provider")),
    };
    for provider in selected {
        derive_one(provider, args.flag("--check"))?;
    }
    Ok(())
}

/// Derives one provider's spec and writes it, or (`check`) fails if the committed one differs.
fn derive_one(provider: &Provider, check: bool) -> Result<(), CliError> {
    let name = provider.name;
    let derived = derive(provider)?;
    let rel = paths::spec_rel(name);
    let target = paths::workspace_root().join(&rel);
    if check {
        let committed = fs::read_to_string(&target)
            .with_context(|| format!("reading {rel}; run `cargo xtask derive-spec {name}`"))?;
        if committed != derived {
            return Err(anyhow!(
                "{rel} differs from a fresh derivation; run `cargo xtask derive-spec {name}` \
                 (then `cargo xtask generate {name}`)"
            )
            .into());
        }
        println!("{rel} is up to date");
    } else {
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::write(&target, &derived).with_context(|| format!("writing {rel}"))?;
        println!("wrote {rel} ({} bytes)", derived.len());
    }
    Ok(())
}

/// Reads the provider's vendor documents and derives the spec text.
pub fn derive(provider: &Provider) -> Result<String> {
    let dir = paths::vendor_dir(provider.name);
    let docs = provider
        .sources
        .iter()
        .map(|source| {
            let path = dir.join(source.file);
            let text = fs::read_to_string(&path)
                .with_context(|| format!("reading vendor spec {}", path.display()))?;
            let mut doc = serde_yaml::from_str::<Value>(&text)
                .with_context(|| format!("parsing vendor spec {}", path.display()))?;
            // A description split over several files is bundled into one first.
            if bundle::has_external_refs(&doc) {
                bundle::bundle(&mut doc, &path)
                    .with_context(|| format!("bundling vendor spec {}", path.display()))?;
            }
            Ok(doc)
        })
        .collect::<Result<Vec<_>>>()?;
    derive_from_docs(provider, &docs)
}

/// One selected operation, already trimmed and fixed up.
struct Selected {
    path: String,
    method: &'static str,
    operation: Value,
    /// Takes cursor parameters (an expanded `deepObject` `page` with `after`/`before`).
    cursor_paged: bool,
}

/// Derives the spec from already-parsed vendor documents (one per `provider.sources` entry).
pub fn derive_from_docs(provider: &Provider, docs: &[Value]) -> Result<String> {
    let mut paths: BTreeMap<String, Mapping> = BTreeMap::new();
    let mut schemas: BTreeMap<String, Value> = BTreeMap::new();
    let mut envelopes: BTreeSet<String> = BTreeSet::new();
    let mut cursor_schema: Option<String> = None;

    for (source, doc) in provider.sources.iter().zip(docs) {
        let mut selected = select_operations(doc, source, provider)?;

        let mut roots = Vec::new();
        for op in &selected {
            collect_refs(&op.operation, &mut roots);
        }
        // The cursor envelope schema comes from the first source that defines it.
        let cursor_here = provider.cursor_envelope_schema.filter(|name| {
            cursor_schema.is_none()
                && get(doc, "components")
                    .and_then(|c| get(c, "schemas"))
                    .and_then(|s| get(s, name))
                    .is_some()
        });
        if let Some(name) = cursor_here {
            roots.push(format!("{SCHEMA_PREFIX}{name}"));
        }
        let mut closure = schema_closure(doc, roots, source.file)?;

        // Component-name collisions between sources: identical definitions are shared, a
        // different definition under a taken name gets this source's prefix.
        let rename: BTreeMap<String, String> = closure
            .iter()
            .filter(|(name, def)| schemas.get(*name).is_some_and(|taken| taken != *def))
            .map(|(name, _)| (name.clone(), format!("{}{name}", source.collision_prefix)))
            .collect();
        for (old, new) in &rename {
            if schemas.contains_key(new) || closure.contains_key(new) {
                bail!("{}: renamed component {new} is taken as well", source.file);
            }
            eprintln!(
                "note: {}: schema {old} collides with an earlier source's; renamed {new}",
                source.file
            );
        }
        let rewrite = |target: &str| {
            let name = target.strip_prefix(SCHEMA_PREFIX)?;
            rename.get(name).map(|new| format!("{SCHEMA_PREFIX}{new}"))
        };
        for op in &mut selected {
            rewrite_refs(&mut op.operation, &rewrite);
        }
        for def in closure.values_mut() {
            rewrite_refs(def, &rewrite);
        }
        if let Some(name) = cursor_here {
            cursor_schema = Some(rename.get(name).cloned().unwrap_or_else(|| name.to_owned()));
        }
        for (name, def) in closure {
            let name = rename.get(&name).cloned().unwrap_or(name);
            schemas.entry(name).or_insert(def);
        }

        for op in selected {
            if op.cursor_paged
                && let Some(envelope) = response_schema_ref(&op.operation)
            {
                envelopes.insert(envelope);
            }
            let methods = paths.entry(op.path.clone()).or_default();
            if methods.contains_key(op.method) {
                bail!("{} {} is selected twice", op.method, op.path);
            }
            methods.insert(key(op.method), op.operation);
        }
    }

    if let Some(cursor) = &cursor_schema {
        let cursor_ref = format!("{SCHEMA_PREFIX}{cursor}");
        for name in &envelopes {
            if let Some(envelope) = schemas.get_mut(name) {
                fixups::compose_cursor_envelope(envelope, &cursor_ref);
            }
        }
    }
    for def in schemas.values_mut() {
        schema_fixups(def);
    }
    for name in provider.keep_unknown_fields {
        let def = schemas
            .get_mut(*name)
            .ok_or_else(|| anyhow!("keep_unknown_fields: no schema {name} in the subset"))?;
        fixups::keep_unknown_fields(def);
    }
    for (name, path) in provider.free_form {
        let def = schemas
            .get_mut(*name)
            .ok_or_else(|| anyhow!("free_form: no schema {name} in the subset"))?;
        if !fixups::free_form(def, path) {
            return Err(anyhow!(
                "free_form: no property {} in {name}",
                path.join(".")
            ));
        }
    }
    for methods in paths.values_mut() {
        for (_, op) in methods.iter_mut() {
            inline_body_fixups(op);
        }
    }
    fixups::collapse_covering_unions(&mut schemas);
    prune_unreferenced(&paths, &mut schemas);
    assemble(provider, paths, schemas)
}

/// Lays the document out: `openapi`, `info` (ours), `paths`, `components.schemas`; everything
/// below the top level sorted by key; a `# @generated` header.
fn assemble(
    provider: &Provider,
    paths: BTreeMap<String, Mapping>,
    schemas: BTreeMap<String, Value>,
) -> Result<String> {
    let mut body = yaml::mapping([
        (
            "paths",
            Value::Mapping(
                paths
                    .into_iter()
                    .map(|(p, m)| (key(&p), Value::Mapping(m)))
                    .collect(),
            ),
        ),
        (
            "components",
            yaml::mapping([(
                "schemas",
                Value::Mapping(schemas.into_iter().map(|(n, d)| (key(&n), d)).collect()),
            )]),
        ),
    ]);
    if let Value::Mapping(sections) = &mut body {
        sections.values_mut().for_each(yaml::sort_keys);
    }
    let mut document = Mapping::new();
    document.insert(key("openapi"), key("3.0.3"));
    document.insert(
        key("info"),
        yaml::mapping([
            ("title", key(provider.title)),
            ("version", key(provider.version)),
        ]),
    );
    if let Value::Mapping(body) = body {
        document.extend(body);
    }
    let text = serde_yaml::to_string(&Value::Mapping(document))?;
    let files: Vec<&str> = provider.sources.iter().map(|s| s.file).collect();
    Ok(format!(
        "# @generated by `cargo xtask derive-spec {name}` from ../shared/vendor-specs/{name}/{{{files}}}.\n\
         # Do not edit: change xtask/src/providers.rs or xtask/src/fixups.rs and re-derive.\n{text}",
        name = provider.name,
        files = files.join(", "),
    ))
}

/// Drops component schemas no longer reachable from an operation (e.g. the arms of a union
/// collapsed by `fixups::collapse_covering_unions`).
fn prune_unreferenced(paths: &BTreeMap<String, Mapping>, schemas: &mut BTreeMap<String, Value>) {
    let mut todo = Vec::new();
    for methods in paths.values() {
        for op in methods.values() {
            collect_refs(op, &mut todo);
        }
    }
    let mut reachable = BTreeSet::new();
    while let Some(target) = todo.pop() {
        if let Some(name) = target.strip_prefix(SCHEMA_PREFIX)
            && reachable.insert(name.to_owned())
            && let Some(def) = schemas.get(name)
        {
            collect_refs(def, &mut todo);
        }
    }
    schemas.retain(|name, _| reachable.contains(name));
}

/// Fix-ups for every component schema (and inline body schemas).
fn schema_fixups(schema: &mut Value) {
    fixups::null_arms_to_nullable(schema);
    fixups::relax_required(schema);
    fixups::open_enums(schema);
    fixups::nullable_properties(schema);
    fixups::drop_integer_bounds(schema);
    fixups::plain_uuid_strings(schema);
    fixups::drop_empty_unions(schema);
    fixups::drop_string_patterns(schema);
}

/// Inline (non-`$ref`) request/response schemas get the component fix-ups too.
fn inline_body_fixups(operation: &mut Value) {
    let Some(map) = operation.as_mapping_mut() else {
        return;
    };
    if let Some(request) = map.get_mut("requestBody") {
        json_schema_fixups(request);
    }
    if let Some(Value::Mapping(responses)) = map.get_mut("responses") {
        responses.values_mut().for_each(json_schema_fixups);
    }
}

fn json_schema_fixups(body: &mut Value) {
    if let Some(schema) = body
        .as_mapping_mut()
        .and_then(|b| b.get_mut("content"))
        .and_then(|c| c.as_mapping_mut())
        .and_then(|c| c.get_mut(JSON))
        .and_then(|m| m.as_mapping_mut())
        .and_then(|m| m.get_mut("schema"))
        && get(schema, "$ref").is_none()
    {
        schema_fixups(schema);
    }
}

/// The component name of an operation's JSON 2xx response schema, when it is a `$ref`.
fn response_schema_ref(operation: &Value) -> Option<String> {
    let responses = get(operation, "responses")?.as_mapping()?;
    responses.values().find_map(|response| {
        let schema = get(get(get(response, "content")?, JSON)?, "schema")?;
        Some(
            get_str(schema, "$ref")?
                .strip_prefix(SCHEMA_PREFIX)?
                .to_owned(),
        )
    })
}

/// Finds the source's operations and trims each to what generation needs.
fn select_operations(doc: &Value, source: &Source, provider: &Provider) -> Result<Vec<Selected>> {
    let paths = get(doc, "paths")
        .and_then(Value::as_mapping)
        .ok_or_else(|| anyhow!("{}: no paths", source.file))?;
    let mut index: BTreeMap<&str, (&str, &'static str)> = BTreeMap::new();
    for (path, item) in paths {
        let Some(path) = path.as_str() else { continue };
        for method in METHODS {
            if let Some(id) = get(item, method).and_then(|op| get_str(op, "operationId")) {
                index.insert(id, (path, method));
            }
        }
    }
    source
        .operations
        .iter()
        .map(|id| {
            let (path, method) = index
                .get(id)
                .copied()
                .ok_or_else(|| anyhow!("{}: operationId {id} not found", source.file))?;
            let path_item = paths_item(paths, path)?;
            let operation = get(path_item, method).ok_or_else(|| anyhow!("indexed above"))?;
            trim_operation(doc, path, method, path_item, operation, provider).with_context(|| {
                format!("{}: {id} ({} {path})", source.file, method.to_uppercase())
            })
        })
        .collect()
}

fn paths_item<'a>(paths: &'a Mapping, path: &str) -> Result<&'a Value> {
    let item = paths.get(path).ok_or_else(|| anyhow!("no path {path}"))?;
    if get(item, "$ref").is_some() {
        bail!("path item {path} is a $ref (unsupported by progenitor)");
    }
    Ok(item)
}

fn trim_operation(
    doc: &Value,
    path: &str,
    method: &'static str,
    path_item: &Value,
    operation: &Value,
    provider: &Provider,
) -> Result<Selected> {
    let id = get_str(operation, "operationId").unwrap_or_default();
    let openapi_31 = is_openapi_31(doc);

    // Parameters: path-level first, operation-level overriding by (name, in), refs inlined.
    let mut parameters: Vec<Value> = Vec::new();
    for list in [get(path_item, "parameters"), get(operation, "parameters")] {
        for parameter in list.and_then(Value::as_sequence).into_iter().flatten() {
            let parameter = resolve(doc, parameter)?;
            let identity = |p: &Value| {
                (
                    get_str(p, "name").map(str::to_owned),
                    get_str(p, "in").map(str::to_owned),
                )
            };
            match parameters
                .iter_mut()
                .find(|p| identity(p) == identity(&parameter))
            {
                Some(existing) => *existing = parameter,
                None => parameters.push(parameter),
            }
        }
    }
    // Vendor component parameters the vendor operation omits (`Provider::added_params`).
    for (_, component) in provider.added_params.iter().filter(|(op, _)| *op == id) {
        let target = format!("#/components/parameters/{component}");
        let parameter = resolve(doc, &yaml::mapping([("$ref", key(&target))]))?;
        let name = get_str(&parameter, "name").unwrap_or_default();
        if parameters.iter().any(|p| get_str(p, "name") == Some(name)) {
            bail!("added parameter {component}: the vendor operation already has {name}");
        }
        parameters.push(parameter);
    }
    // Parameters documented for this operation but declared only on another vendor operation
    // (`Provider::borrowed_params`).
    for (_, donor, name) in provider.borrowed_params.iter().filter(|(op, ..)| *op == id) {
        if parameters.iter().any(|p| get_str(p, "name") == Some(*name)) {
            bail!("borrowed parameter {name}: the vendor operation already has it");
        }
        let parameter = donor_parameter(doc, donor, name)?;
        parameters.push(parameter);
    }
    for parameter in &mut parameters {
        if get_str(parameter, "name").is_some_and(|n| provider.header_params.contains(&n))
            && let Some(map) = parameter.as_mapping_mut()
        {
            map.insert(key("in"), key("header"));
            // `form` style is for queries; a header is `simple`, the default.
            map.remove("style");
            map.remove("explode");
        }
        // A style the parameter's location does not allow (Zoho Desk's `simple` query
        // parameters, `form` path parameters) is dropped for the location's default.
        let allowed: &[&str] = match get_str(parameter, "in") {
            Some("query") => &["form", "spaceDelimited", "pipeDelimited", "deepObject"],
            Some("path") => &["simple", "label", "matrix"],
            Some("cookie") => &["form"],
            _ => &["simple"],
        };
        if get_str(parameter, "style").is_some_and(|style| !allowed.contains(&style))
            && let Some(map) = parameter.as_mapping_mut()
        {
            map.remove("style");
            map.remove("explode");
        }
        if get_str(parameter, "name").is_some_and(|n| provider.required_params.contains(&n))
            && let Some(map) = parameter.as_mapping_mut()
        {
            map.insert(key("required"), Value::Bool(true));
        }
    }
    let (mut parameters, cursor_paged) = fixups::expand_deep_object_params(parameters);
    let mut list_params: Vec<&str> = provider
        .list_params
        .iter()
        .filter(|(op, _)| *op == id)
        .map(|(_, name)| *name)
        .collect();
    for parameter in &mut parameters {
        fixups::strip_parameter(parameter);
        let name = get_str(parameter, "name").unwrap_or_default().to_owned();
        let is_path = get_str(parameter, "in") == Some("path");
        let Some(schema) = parameter.as_mapping_mut().and_then(|p| p.get_mut("schema")) else {
            bail!("parameter {name:?} has no schema");
        };
        if openapi_31 {
            fixups::openapi_31_to_30(schema);
        }
        if let Some(index) = list_params.iter().position(|listed| *listed == name) {
            list_params.swap_remove(index);
            fixups::list_param_to_string(schema);
        }
        fixups::null_arms_to_nullable(schema);
        if is_path {
            // A path segment is never null, whatever the vendor's type says.
            if let Some(map) = schema.as_mapping_mut() {
                map.shift_remove("nullable");
            }
        }
        fixups::drop_string_patterns(schema);
        fixups::string_or_integer_param(schema);
        fixups::plain_string_enums(schema);
        fixups::drop_integer_bounds(schema);
        fixups::plain_uuid_strings(schema);
    }
    if let Some(missing) = list_params.first() {
        bail!("list_params: no parameter {missing}");
    }
    fixups::drop_colliding_params(&mut parameters);
    // Progenitor cannot send an optional header parameter (its generated code prints the
    // `Option`): such headers (Zoho Desk's `impersonatedUserId`) are left to hand-written calls.
    parameters.retain(|p| {
        get_str(p, "in") != Some("header")
            || get(p, "required").and_then(Value::as_bool) == Some(true)
    });

    let mut trimmed = Mapping::new();
    trimmed.insert(key("operationId"), key(id));
    if !parameters.is_empty() {
        trimmed.insert(key("parameters"), Value::Sequence(parameters));
    }

    // Request body: JSON only (other media types trip progenitor; hand-write those calls).
    if let Some(body) = get(operation, "requestBody") {
        let body = resolve(doc, body)?;
        if let Some(schema) = json_schema(&body, openapi_31) {
            let mut kept = Mapping::new();
            if let Some(required) = get(&body, "required") {
                kept.insert(key("required"), required.clone());
            }
            kept.insert(key("content"), json_content(schema));
            trimmed.insert(key("requestBody"), Value::Mapping(kept));
        }
    }

    // Responses: only the first 2xx, JSON only. Every error status then reaches the runtime
    // as `UnexpectedResponse` (status, headers, raw body), mapped by one classifier.
    let responses = get(operation, "responses")
        .and_then(Value::as_mapping)
        .ok_or_else(|| anyhow!("no responses"))?;
    let (status, response) = responses
        .iter()
        .filter_map(|(status, response)| Some((key_text(status)?, response)))
        .filter(|(status, _)| status.len() == 3 && status.starts_with('2'))
        .min_by(|a, b| a.0.cmp(&b.0))
        .ok_or_else(|| anyhow!("no 2xx response"))?;
    let response = resolve(doc, response)?;
    // OpenAPI requires a response `description`; ours is empty (vendor prose is dropped).
    let mut kept = yaml::mapping([("description", key(""))]);
    if let (Some(schema), Some(map)) = (json_schema(&response, openapi_31), kept.as_mapping_mut()) {
        map.insert(key("content"), json_content(schema));
    }
    trimmed.insert(key("responses"), yaml::mapping([(status.as_str(), kept)]));

    Ok(Selected {
        path: path.to_owned(),
        method,
        operation: Value::Mapping(trimmed),
        cursor_paged,
    })
}

/// `content.application/json.schema` of a request body or response, doc keys stripped (and
/// converted to OpenAPI 3.0 when it comes from a 3.1 document).
fn json_schema(body: &Value, openapi_31: bool) -> Option<Value> {
    let mut schema = get(get(get(body, "content")?, JSON)?, "schema")?.clone();
    fixups::strip_schema_docs(&mut schema);
    if openapi_31 {
        fixups::openapi_31_to_30(&mut schema);
    }
    Some(schema)
}

/// Whether a vendor document is OpenAPI 3.1 (JSON Schema 2020-12 schemas), whose schemas need
/// `fixups::openapi_31_to_30` before progenitor (3.0 only) can read the derived spec.
fn is_openapi_31(doc: &Value) -> bool {
    get_str(doc, "openapi").is_some_and(|version| version.starts_with("3.1"))
}

fn json_content(schema: Value) -> Value {
    yaml::mapping([(JSON, yaml::mapping([("schema", schema)]))])
}

/// The parameter `name` of the vendor operation `donor` (refs inlined), for
/// `Provider::borrowed_params`.
fn donor_parameter(doc: &Value, donor: &str, name: &str) -> Result<Value> {
    let paths = get(doc, "paths")
        .and_then(Value::as_mapping)
        .ok_or_else(|| anyhow!("no paths"))?;
    for item in paths.values() {
        for method in METHODS {
            let Some(operation) = get(item, method) else {
                continue;
            };
            if get_str(operation, "operationId") != Some(donor) {
                continue;
            }
            for parameter in get(operation, "parameters")
                .and_then(Value::as_sequence)
                .into_iter()
                .flatten()
            {
                let parameter = resolve(doc, parameter)?;
                if get_str(&parameter, "name") == Some(name) {
                    return Ok(parameter);
                }
            }
            bail!("borrowed parameter {name}: {donor} does not declare it");
        }
    }
    bail!("borrowed parameter {name}: no vendor operation {donor}")
}

/// Follows a local `$ref` (parameters, request bodies, responses) to its definition.
fn resolve(doc: &Value, value: &Value) -> Result<Value> {
    let mut current = value;
    for _ in 0..16 {
        let Some(target) = get_str(current, "$ref") else {
            return Ok(current.clone());
        };
        let mut node = doc;
        for part in target
            .strip_prefix("#/")
            .ok_or_else(|| anyhow!("non-local $ref {target}"))?
            .split('/')
        {
            node = get(node, part).ok_or_else(|| anyhow!("dangling $ref {target}"))?;
        }
        current = node;
    }
    bail!("$ref chain too long")
}

/// The transitive closure of component schemas reachable from `roots`, doc keys stripped.
fn schema_closure(
    doc: &Value,
    mut todo: Vec<String>,
    file: &str,
) -> Result<BTreeMap<String, Value>> {
    let defined = get(doc, "components")
        .and_then(|c| get(c, "schemas"))
        .ok_or_else(|| anyhow!("{file}: no components.schemas"))?;
    let openapi_31 = is_openapi_31(doc);
    let mut closure = BTreeMap::new();
    while let Some(target) = todo.pop() {
        let name = target
            .strip_prefix(SCHEMA_PREFIX)
            .ok_or_else(|| anyhow!("{file}: unsupported $ref {target} in a schema"))?;
        if closure.contains_key(name) {
            continue;
        }
        let mut def = get(defined, name)
            .ok_or_else(|| anyhow!("{file}: dangling $ref {target}"))?
            .clone();
        fixups::strip_schema_docs(&mut def);
        if openapi_31 {
            fixups::openapi_31_to_30(&mut def);
        }
        collect_refs(&def, &mut todo);
        closure.insert(name.to_owned(), def);
    }
    Ok(closure)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCES: &[Source] = &[
        Source {
            file: "a.yaml",
            collision_prefix: "A",
            operations: &["GetA"],
        },
        Source {
            file: "b.yaml",
            collision_prefix: "B",
            operations: &["GetB"],
        },
    ];
    const PROVIDER: Provider = Provider {
        name: "test",
        title: "t",
        version: "1",
        sources: SOURCES,
        cursor_envelope_schema: None,
        keep_unknown_fields: &[],
        free_form: &[],
        list_params: &[],
        added_params: &[],
        borrowed_params: &[],
        required_params: &[],
        header_params: &[],
    };

    fn doc(path: &str, id: &str, property: &str) -> Value {
        serde_yaml::from_str(&format!(
            "openapi: 3.0.3
paths:
  {path}:
    get:
      operationId: {id}
      responses:
        '404': {{description: nope}}
        '200':
          description: ok
          content:
            application/json: {{schema: {{$ref: '#/components/schemas/Thing'}}}}
            text/html: {{schema: {{type: string}}}}
components:
  schemas:
    Thing: {{type: object, title: Thing, properties: {{{property}: {{type: string}}}}}}
    Unused: {{type: string}}
"
        ))
        .unwrap()
    }

    #[test]
    fn openapi_31_sources_are_converted_and_parameters_fixed_up() {
        const PROVIDER_31: Provider = Provider {
            sources: &[Source {
                file: "c.yaml",
                collision_prefix: "C",
                operations: &["Search"],
            }],
            list_params: &[("Search", "include")],
            added_params: &[("Search", "page")],
            ..PROVIDER
        };
        let vendor: Value = serde_yaml::from_str(
            "openapi: 3.1.0
paths:
  /search:
    get:
      operationId: Search
      parameters:
      - {name: include, in: query, schema: {type: string, enum: [a, b]}}
      - {name: order, in: query, schema: {type: string, enum: [asc, desc]}}
      responses:
        '200':
          content:
            application/json: {schema: {$ref: '#/components/schemas/Hit'}}
components:
  parameters:
    page: {name: page, in: query, schema: {type: integer, minimum: 1}}
  schemas:
    Hit: {type: object, properties: {score: {type: [number, 'null'], exclusiveMinimum: 0}}}
",
        )
        .unwrap();
        let text = derive_from_docs(&PROVIDER_31, std::slice::from_ref(&vendor)).unwrap();
        let spec: Value = serde_yaml::from_str(&text).unwrap();
        let op = &spec["paths"]["/search"]["get"];
        let params = op["parameters"].as_sequence().unwrap();
        let names: Vec<_> = params.iter().map(|p| get_str(p, "name").unwrap()).collect();
        assert_eq!(names, ["include", "order", "page"]);
        assert_eq!(
            params[0]["schema"],
            serde_yaml::from_str::<Value>("{type: string}").unwrap()
        );
        assert!(
            get(&params[1]["schema"], "enum").is_some(),
            "other enums stay"
        );
        let score = &spec["components"]["schemas"]["Hit"]["properties"]["score"];
        assert_eq!(
            score,
            &serde_yaml::from_str::<Value>(
                "{type: number, nullable: true, minimum: 0, exclusiveMinimum: true}"
            )
            .unwrap()
        );

        // An added parameter the vendor operation already declares is a stale fix-up.
        let mut declared = vendor;
        let list = declared["paths"]["/search"]["get"]["parameters"]
            .as_sequence_mut()
            .unwrap();
        list.push(serde_yaml::from_str("{$ref: '#/components/parameters/page'}").unwrap());
        assert!(derive_from_docs(&PROVIDER_31, &[declared]).is_err());
    }

    #[test]
    fn colliding_component_names_are_prefixed_and_errors_dropped() {
        let text =
            derive_from_docs(&PROVIDER, &[doc("/a", "GetA", "x"), doc("/b", "GetB", "y")]).unwrap();
        let spec: Value = serde_yaml::from_str(&text).unwrap();
        let schemas = get(get(&spec, "components").unwrap(), "schemas").unwrap();
        let names: Vec<&str> = schemas
            .as_mapping()
            .unwrap()
            .keys()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(names, ["BThing", "Thing"]);
        let b = get(get(get(&spec, "paths").unwrap(), "/b").unwrap(), "get").unwrap();
        let responses = get(b, "responses").unwrap().as_mapping().unwrap();
        assert_eq!(responses.len(), 1, "only the 2xx response is kept");
        let content = get(get(get(b, "responses").unwrap(), "200").unwrap(), "content").unwrap();
        assert_eq!(
            content.as_mapping().unwrap().len(),
            1,
            "only application/json is kept"
        );
        assert_eq!(
            get_str(get(get(content, JSON).unwrap(), "schema").unwrap(), "$ref"),
            Some("#/components/schemas/BThing")
        );
        assert!(!text.contains("title: Thing"), "schema titles are dropped");
    }
}
