//! HubSpot's file manager (Files API v3) as the simulator serves it: a file's details
//! (`GET /files/v3/files/{fileId}`), its signed URL (`GET /files/v3/files/{fileId}/signed-url`,
//! on the kit's signed storage, another origin) and uploads (`POST /files/v3/files`,
//! multipart/form-data with `file`, `options` (JSON with the required `access`) and exactly one of
//! `folderId` and `folderPath`). The details' `url` of a private file is its storage URL without a
//! signature: fetched as it is, storage answers 403.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use support_conformance::sim::storage;

use super::http::{Reply, Req, invalid, not_found};
use super::store::{SimState, hs_time};

/// The upload path.
pub const FILES: &str = "/files/v3/files";

/// One stored file.
#[derive(Clone, Debug)]
pub struct SimFile {
    /// The numeric id.
    pub id: String,
    /// The name without its extension, as HubSpot keeps it.
    pub name: String,
    /// The extension, without the dot.
    pub extension: String,
    /// The size in bytes.
    pub size: u64,
    /// The signed storage URL.
    pub signed_url: String,
    /// `access`: `PRIVATE`, `PUBLIC_INDEXABLE` or `PUBLIC_NOT_INDEXABLE`.
    pub access: String,
    /// When it was uploaded.
    pub created: DateTime<Utc>,
}

impl SimFile {
    /// Stores `bytes` under the account's storage prefix and describes the file.
    pub fn store(
        prefix: &str,
        id: &str,
        file_name: &str,
        content_type: &str,
        bytes: Vec<u8>,
        access: &str,
        created: DateTime<Utc>,
    ) -> Self {
        let (name, extension) = match file_name.rsplit_once('.') {
            Some((name, ext)) if !name.is_empty() => (name.to_owned(), ext.to_owned()),
            _ => (file_name.to_owned(), String::new()),
        };
        let size = bytes.len() as u64;
        let signed_url = storage::put(prefix, id, file_name, content_type, bytes);
        Self {
            id: id.to_owned(),
            name,
            extension,
            size,
            signed_url,
            access: access.to_owned(),
            created,
        }
    }

    /// The file's details, as `GET /files/v3/files/{fileId}` answers them.
    pub fn render(&self) -> Value {
        let unsigned = self
            .signed_url
            .split_once('?')
            .map_or(self.signed_url.as_str(), |(u, _)| u);
        json!({
            "id": self.id,
            "name": self.name,
            "extension": self.extension,
            "size": self.size,
            "type": if self.extension.eq_ignore_ascii_case("pdf") { "DOCUMENT" } else { "OTHER" },
            "access": self.access,
            "url": unsigned,
            "path": format!("/support-attachments/{}.{}", self.name, self.extension),
            "parentFolderId": "190411",
            "isUsableInContent": true,
            "archived": false,
            "createdAt": hs_time(&self.created),
            "updatedAt": hs_time(&self.created),
        })
    }

    /// The file as a thread message's attachment.
    pub fn as_message_attachment(&self) -> Value {
        json!({
            "type": "FILE",
            "fileId": self.id,
            "fileUsageType": "OTHER",
            "name": format!("{}.{}", self.name, self.extension),
            "url": self.signed_url.split_once('?').map_or(self.signed_url.as_str(), |(u, _)| u),
        })
    }
}

pub fn file_get(state: &mut SimState, req: &Req) -> Reply {
    match state.files.get(req.id(0)) {
        Some(file) => Reply::ok(file.render()),
        None => not_found(),
    }
}

pub fn file_signed_url(state: &mut SimState, req: &Req) -> Reply {
    let Some(file) = state.files.get(req.id(0)) else {
        return not_found();
    };
    if let Some(seconds) = req.param("expirationSeconds")
        && seconds.parse::<u64>().is_err()
    {
        return invalid(format!(
            "expirationSeconds must be a number, got {seconds:?}"
        ));
    }
    Reply::ok(json!({
        "url": file.signed_url,
        "expiresAt": hs_time(&(file.created + chrono::Duration::days(3650))),
        "name": file.name,
        "extension": file.extension,
        "size": file.size,
        "type": if file.extension.eq_ignore_ascii_case("pdf") { "DOCUMENT" } else { "OTHER" },
    }))
}

/// One part of a multipart form: name, file name, content type, bytes.
type Part = (String, Option<String>, Option<String>, Vec<u8>);

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn parameter(disposition: &str, name: &str) -> Option<String> {
    let key = format!("{name}=\"");
    let start = disposition.find(&key)? + key.len();
    let end = disposition[start..].find('"')? + start;
    Some(disposition[start..end].to_owned())
}

/// The parts of a `multipart/form-data` body.
fn parts(req: &Req) -> Result<Vec<Part>, Reply> {
    let content_type = req.header("content-type").unwrap_or_default();
    if !content_type
        .trim()
        .to_ascii_lowercase()
        .starts_with("multipart/form-data")
    {
        return Err(Reply::new(
            415,
            json!({"status": "error", "category": "UNSUPPORTED_MEDIA_TYPE",
                "message": "uploads are multipart/form-data",
                "correlationId": super::http::correlation_id()}),
        ));
    }
    let Some(boundary) = content_type
        .split(';')
        .map(str::trim)
        .find_map(|p| p.strip_prefix("boundary="))
        .map(|b| b.trim_matches('"').to_owned())
    else {
        return Err(invalid("the multipart form has no boundary"));
    };
    let delimiter = format!("--{boundary}").into_bytes();
    let body = req.body.as_slice();
    if !body.starts_with(&delimiter) {
        return Err(invalid("the form does not start with its boundary"));
    }
    let mut rest = &body[delimiter.len()..];
    let mut out = Vec::new();
    loop {
        if rest.starts_with(b"--") {
            break;
        }
        let Some(after) = rest.strip_prefix(b"\r\n") else {
            return Err(invalid("a boundary not followed by a line break"));
        };
        let Some(head_end) = find(after, b"\r\n\r\n") else {
            return Err(invalid("a part without headers"));
        };
        let head = String::from_utf8_lossy(&after[..head_end]).into_owned();
        let content = &after[head_end + 4..];
        let mut next = b"\r\n".to_vec();
        next.extend_from_slice(&delimiter);
        let Some(content_end) = find(content, &next) else {
            return Err(invalid("a part that is never closed"));
        };
        let value = content[..content_end].to_vec();
        rest = &content[content_end + next.len()..];
        let mut disposition = None;
        let mut part_type = None;
        for line in head.split("\r\n") {
            let Some((name, v)) = line.split_once(':') else {
                return Err(invalid("a malformed part header"));
            };
            match name.trim().to_ascii_lowercase().as_str() {
                "content-disposition" => disposition = Some(v.trim().to_owned()),
                "content-type" => part_type = Some(v.trim().to_owned()),
                _ => {}
            }
        }
        let Some(disposition) = disposition.filter(|d| d.starts_with("form-data")) else {
            return Err(invalid("a part that is not form-data"));
        };
        let Some(name) = parameter(&disposition, "name") else {
            return Err(invalid("a part without a name"));
        };
        out.push((name, parameter(&disposition, "filename"), part_type, value));
    }
    Ok(out)
}

/// `POST /files/v3/files`: stores the `file` part; `options.access` is required, and exactly
/// one of `folderId` and `folderPath`.
pub fn file_upload(state: &mut SimState, req: &Req) -> Reply {
    let parts = match parts(req) {
        Ok(parts) => parts,
        Err(reply) => return reply,
    };
    let known = [
        "file",
        "options",
        "folderId",
        "folderPath",
        "fileName",
        "charsetHunch",
    ];
    if let Some(extra) = parts.iter().find(|p| !known.contains(&p.0.as_str())) {
        return invalid(format!("Unrecognized field \"{}\"", extra.0));
    }
    let text = |name: &str| {
        parts
            .iter()
            .find(|p| p.0 == name)
            .map(|p| String::from_utf8_lossy(&p.3).into_owned())
    };
    let Some(options) = text("options").and_then(|o| serde_json::from_str::<Value>(&o).ok()) else {
        return invalid("options is required: a JSON object with access");
    };
    let Some(access) = options.get("access").and_then(Value::as_str) else {
        return invalid("options.access is required");
    };
    if !["PRIVATE", "PUBLIC_INDEXABLE", "PUBLIC_NOT_INDEXABLE"].contains(&access) {
        return invalid(format!("{access} is not a valid access"));
    }
    if text("folderId").is_some() == text("folderPath").is_some() {
        return invalid("exactly one of folderId and folderPath is required");
    }
    let Some(file) = parts.iter().find(|p| p.0 == "file") else {
        return invalid("file is required");
    };
    let Some(original) = file.1.clone() else {
        return invalid("file must be a file part");
    };
    let file_name = text("fileName").unwrap_or(original);
    let content_type = file
        .2
        .clone()
        .unwrap_or_else(|| "application/octet-stream".into());
    let created = state.clock.tick();
    let id = state.next_file_id.to_string();
    state.next_file_id += 1;
    let stored = SimFile::store(
        &state.storage_prefix,
        &id,
        &file_name,
        &content_type,
        file.3.clone(),
        access,
        created,
    );
    let rendered = stored.render();
    state.files.insert(id, stored);
    Reply::created(rendered)
}
