//! Writes with files: `multipart/form-data` on replies, notes and ticket creation, as Freshdesk
//! takes them. The form is parsed strictly (every part a `form-data` part with a name; files only
//! as `attachments[]`, each with a file name and a content type; the closing boundary present),
//! its fields become the JSON body the endpoint checks as it checks JSON (`name[]` an array,
//! `name[key]` an object member, numbers and booleans from their text), and its files become the
//! record's attachments. More than 20 MB of files is Freshdesk's 400.

use serde_json::{Map, Value};

use super::http::{FieldError, Reply, Req, validation_failed};
use super::store::SimState;

/// Freshdesk's limit on the files of one request.
pub const MAX_FILES_BYTES: usize = 20 * 1024 * 1024;

/// Fields whose form text is a number.
const INTEGERS: &[&str] = &[
    "status",
    "priority",
    "source",
    "requester_id",
    "responder_id",
    "group_id",
    "company_id",
    "product_id",
    "email_config_id",
    "user_id",
];
/// Fields whose form text is a boolean.
const BOOLEANS: &[&str] = &["private", "incoming"];

/// A file part.
#[derive(Clone, Debug, PartialEq)]
pub struct FilePart {
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Whether the request declares a multipart form.
pub fn declares_form(req: &Req) -> bool {
    req.header("content-type").is_some_and(|t| {
        t.trim()
            .to_ascii_lowercase()
            .starts_with("multipart/form-data")
    })
}

fn bad_form(message: &str) -> Reply {
    validation_failed(vec![FieldError::invalid("attachments", message)])
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A header parameter (`name="…"`) of a `Content-Disposition`.
fn parameter(disposition: &str, name: &str) -> Option<String> {
    let key = format!("{name}=\"");
    let start = disposition.find(&key)? + key.len();
    let end = disposition[start..].find('"')? + start;
    Some(disposition[start..end].to_owned())
}

/// The form's fields as a JSON body, and its files.
pub fn parse(req: &Req) -> Result<(Map<String, Value>, Vec<FilePart>), Reply> {
    let content_type = req.header("content-type").unwrap_or_default();
    let Some(boundary) = content_type
        .split(';')
        .map(str::trim)
        .find_map(|p| p.strip_prefix("boundary="))
        .map(|b| b.trim_matches('"').to_owned())
    else {
        return Err(bad_form("the multipart form has no boundary"));
    };
    let delimiter = format!("--{boundary}").into_bytes();
    let body = req.body.as_slice();
    if !body.starts_with(&delimiter) {
        return Err(bad_form("the form does not start with its boundary"));
    }
    let mut rest = &body[delimiter.len()..];
    let mut fields = Map::new();
    let mut files = Vec::new();
    loop {
        if rest.starts_with(b"--") {
            if rest != b"--\r\n" && rest != b"--" {
                return Err(bad_form("bytes after the closing boundary"));
            }
            break;
        }
        let Some(after) = rest.strip_prefix(b"\r\n") else {
            return Err(bad_form("a boundary not followed by a line break"));
        };
        let Some(head_end) = find(after, b"\r\n\r\n") else {
            return Err(bad_form("a part without headers"));
        };
        let head = String::from_utf8_lossy(&after[..head_end]).into_owned();
        let content = &after[head_end + 4..];
        let mut next = b"\r\n".to_vec();
        next.extend_from_slice(&delimiter);
        let Some(content_end) = find(content, &next) else {
            return Err(bad_form("a part that is never closed"));
        };
        let value = &content[..content_end];
        rest = &content[content_end + next.len()..];
        let mut disposition = None;
        let mut part_type = None;
        for line in head.split("\r\n") {
            let Some((name, v)) = line.split_once(':') else {
                return Err(bad_form("a malformed part header"));
            };
            match name.trim().to_ascii_lowercase().as_str() {
                "content-disposition" => disposition = Some(v.trim().to_owned()),
                "content-type" => part_type = Some(v.trim().to_owned()),
                _ => {}
            }
        }
        let Some(disposition) = disposition.filter(|d| d.starts_with("form-data")) else {
            return Err(bad_form("a part that is not form-data"));
        };
        let Some(name) = parameter(&disposition, "name") else {
            return Err(bad_form("a part without a name"));
        };
        if let Some(file_name) = parameter(&disposition, "filename") {
            if name != "attachments[]" {
                return Err(validation_failed(vec![FieldError::invalid_field(&name)]));
            }
            let Some(content_type) = part_type else {
                return Err(bad_form("a file without a content type"));
            };
            files.push(FilePart {
                file_name,
                content_type,
                bytes: value.to_vec(),
            });
            continue;
        }
        let Ok(text) = String::from_utf8(value.to_vec()) else {
            return Err(validation_failed(vec![FieldError::invalid(
                &name,
                "It should be text",
            )]));
        };
        add_field(&mut fields, &name, text)?;
    }
    let total: usize = files.iter().map(|f| f.bytes.len()).sum();
    if total > MAX_FILES_BYTES {
        return Err(validation_failed(vec![FieldError::invalid(
            "attachments",
            "The cumulative size of the attachments should not exceed 20 MB",
        )]));
    }
    Ok((fields, files))
}

fn typed(name: &str, text: String) -> Result<Value, Reply> {
    if INTEGERS.contains(&name) {
        return text.trim().parse::<u64>().map(Value::from).map_err(|_| {
            validation_failed(vec![FieldError::invalid(
                name,
                "It should be a Positive Integer",
            )])
        });
    }
    if BOOLEANS.contains(&name) {
        return match text.as_str() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(validation_failed(vec![FieldError::invalid(
                name,
                "It should be a Boolean",
            )])),
        };
    }
    Ok(Value::String(text))
}

fn add_field(fields: &mut Map<String, Value>, name: &str, text: String) -> Result<(), Reply> {
    if let Some(list) = name.strip_suffix("[]") {
        let entry = fields
            .entry(list.to_owned())
            .or_insert_with(|| Value::Array(Vec::new()));
        let Value::Array(items) = entry else {
            return Err(validation_failed(vec![FieldError::invalid(
                list,
                "given as a list and a value",
            )]));
        };
        items.push(Value::String(text));
        return Ok(());
    }
    if let Some((object, key)) = name.split_once('[')
        && let Some(key) = key.strip_suffix(']')
    {
        let entry = fields
            .entry(object.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        let Value::Object(members) = entry else {
            return Err(validation_failed(vec![FieldError::invalid(
                object,
                "given as an object and a value",
            )]));
        };
        members.insert(key.to_owned(), Value::String(text));
        return Ok(());
    }
    if fields.contains_key(name) {
        return Err(validation_failed(vec![FieldError::invalid(
            name,
            "It should be given only once",
        )]));
    }
    fields.insert(name.to_owned(), typed(name, text)?);
    Ok(())
}

/// A write that takes files: a JSON request goes to `handler` as it is; a form is parsed, its
/// fields handed to `handler` as the JSON body, and its files attached to what it created
/// (`attach` finds the record by the created id).
pub fn with_files(
    st: &mut SimState,
    req: &Req,
    handler: fn(&mut SimState, &Req) -> Reply,
    attach: fn(&mut SimState, u64, Vec<u64>),
    json_of: fn(&SimState, u64) -> Option<Value>,
) -> Reply {
    if !declares_form(req) {
        return handler(st, req);
    }
    let (fields, files) = match parse(req) {
        Ok(form) => form,
        Err(reply) => return reply,
    };
    let mut as_json = req.clone();
    as_json.body = Value::Object(fields).to_string().into_bytes();
    as_json
        .headers
        .retain(|(name, _)| !name.eq_ignore_ascii_case("content-type"));
    as_json
        .headers
        .push(("content-type".into(), "application/json".into()));
    let reply = handler(st, &as_json);
    if reply.status != 201 {
        return reply;
    }
    let Some(id) = reply
        .body
        .as_ref()
        .and_then(|b| b.get("id"))
        .and_then(Value::as_u64)
    else {
        return reply;
    };
    let at = st.now;
    let ids = files
        .into_iter()
        .map(|f| st.store_attachment(&f.file_name, &f.content_type, f.bytes, at))
        .collect();
    attach(st, id, ids);
    match json_of(st, id) {
        Some(json) => Reply::created(json),
        None => reply,
    }
}
