//! The `multipart/form-data` body of a file upload, parsed strictly as Zoho's description takes
//! it (`Upload.json` `uploadFileRequest`, `TicketAttachment.json` `createTicketAttachment`): one
//! part, named `file`, with a file name; `additionalProperties: false`, so any other part is
//! refused. The part's `Content-Type` (default `application/octet-stream`) is kept and served
//! back when the file is downloaded. Every problem is 422 `INVALID_DATA` naming `file`.

use super::http::{self, Reply, Req};

/// The one file of an upload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilePart {
    /// The part's file name.
    pub file_name: String,
    /// The part's content type.
    pub content_type: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A parameter (`name="…"`) of a `Content-Disposition`.
fn parameter(disposition: &str, name: &str) -> Option<String> {
    disposition.split(';').map(str::trim).find_map(|p| {
        let (key, value) = p.split_once('=')?;
        (key.trim().eq_ignore_ascii_case(name)).then(|| value.trim().trim_matches('"').to_owned())
    })
}

fn bad(error_type: &str) -> Reply {
    http::invalid_data("file", error_type)
}

/// The one `file` part of the request's form, or Zoho's 422 naming `file` (`missing` when the
/// request is no multipart form or holds no file, `invalid` when it is malformed or holds anything
/// else).
pub fn one_file(req: &Req) -> Result<FilePart, Reply> {
    let content_type = req.header("content-type").unwrap_or_default();
    if !content_type
        .trim()
        .to_ascii_lowercase()
        .starts_with("multipart/form-data")
    {
        return Err(bad("missing"));
    }
    let Some(boundary) = content_type
        .split(';')
        .map(str::trim)
        .find_map(|p| p.strip_prefix("boundary="))
        .map(|b| b.trim_matches('"').to_owned())
        .filter(|b| !b.is_empty())
    else {
        return Err(bad("invalid"));
    };
    let delimiter = format!("--{boundary}").into_bytes();
    let body = req.body.as_slice();
    if !body.starts_with(&delimiter) {
        return Err(bad("invalid"));
    }
    let mut rest = &body[delimiter.len()..];
    let mut files = Vec::new();
    loop {
        if let Some(tail) = rest.strip_prefix(b"--") {
            if !tail.is_empty() && tail != b"\r\n" {
                return Err(bad("invalid"));
            }
            break;
        }
        let Some(after) = rest.strip_prefix(b"\r\n") else {
            return Err(bad("invalid"));
        };
        let Some(head_end) = find(after, b"\r\n\r\n") else {
            return Err(bad("invalid"));
        };
        let head = String::from_utf8_lossy(&after[..head_end]).into_owned();
        let content = &after[head_end + 4..];
        let mut next = b"\r\n".to_vec();
        next.extend_from_slice(&delimiter);
        let Some(content_end) = find(content, &next) else {
            return Err(bad("invalid"));
        };
        let value = &content[..content_end];
        rest = &content[content_end + next.len()..];
        let mut disposition = None;
        let mut part_type = None;
        for line in head.split("\r\n") {
            let Some((name, v)) = line.split_once(':') else {
                return Err(bad("invalid"));
            };
            match name.trim().to_ascii_lowercase().as_str() {
                "content-disposition" => disposition = Some(v.trim().to_owned()),
                "content-type" => part_type = Some(v.trim().to_owned()),
                _ => {}
            }
        }
        let Some(disposition) = disposition.filter(|d| d.starts_with("form-data")) else {
            return Err(bad("invalid"));
        };
        if parameter(&disposition, "name").as_deref() != Some("file") {
            return Err(bad("invalid"));
        }
        let Some(file_name) = parameter(&disposition, "filename").filter(|n| !n.is_empty()) else {
            return Err(bad("invalid"));
        };
        files.push(FilePart {
            file_name,
            content_type: part_type.unwrap_or_else(|| "application/octet-stream".into()),
            bytes: value.to_vec(),
        });
    }
    match files.len() {
        0 => Err(bad("missing")),
        1 => Ok(files.remove(0)),
        _ => Err(bad("invalid")),
    }
}
