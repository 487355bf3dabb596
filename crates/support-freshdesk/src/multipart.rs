//! `multipart/form-data` bodies: how Freshdesk takes files on replies, notes and new tickets
//! (`attachments[]`), with the other fields of the JSON body as form fields.
//!
//! Built by hand (the generated client speaks JSON only). Files held in memory make a body that
//! can be sent again, so the runtime may repeat a write Freshdesk provably did not process (429, a
//! connection never made); a streamed file makes a body that is sent once.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::{Bytes, BytesMut};
use futures::{StreamExt, TryStreamExt, stream};
use serde_json::Value;
use support_core::{Operation, Result, Upload};

use crate::PROVIDER;

/// The field that carries files.
const FILES: &str = "attachments[]";

/// A form being built.
pub(crate) struct Form {
    boundary: String,
    pieces: Vec<Piece>,
    length: u64,
}

enum Piece {
    Bytes(Bytes),
    Stream(reqwest::Body),
}

impl std::fmt::Debug for Form {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Form")
            .field("boundary", &self.boundary)
            .field("length", &self.length)
            .finish_non_exhaustive()
    }
}

/// A boundary no file is likely to contain: the time and a per-process counter.
fn boundary() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("support-freshdesk-{nanos:x}-{count:x}")
}

/// A name or file name as a quoted header parameter: quotes and line breaks are replaced, as
/// browsers do, so they cannot end the header.
fn quoted(text: &str) -> String {
    text.replace('"', "%22").replace(['\r', '\n'], " ")
}

impl Form {
    pub(crate) fn new() -> Self {
        Self {
            boundary: boundary(),
            pieces: Vec::new(),
            length: 0,
        }
    }

    fn push(&mut self, bytes: impl Into<Bytes>) {
        let bytes = bytes.into();
        self.length += bytes.len() as u64;
        match self.pieces.last_mut() {
            Some(Piece::Bytes(last)) => {
                let mut joined = BytesMut::from(&last[..]);
                joined.extend_from_slice(&bytes);
                *last = joined.freeze();
            }
            _ => self.pieces.push(Piece::Bytes(bytes)),
        }
    }

    /// A text field.
    pub(crate) fn text(&mut self, name: &str, value: &str) {
        self.push(format!(
            "--{}\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\n{value}\r\n",
            self.boundary,
            quoted(name)
        ));
    }

    /// The fields of a JSON body, as Freshdesk reads them from a form: scalars as they are, arrays
    /// as `name[]` once per item, objects (`custom_fields`) as `name[key]`; `null` is left out.
    pub(crate) fn json_fields(&mut self, body: &Value) {
        let Some(fields) = body.as_object() else {
            return;
        };
        for (name, value) in fields {
            match value {
                Value::Null => {}
                Value::Array(items) => {
                    for item in items {
                        self.text(&format!("{name}[]"), &scalar(item));
                    }
                }
                Value::Object(entries) => {
                    for (key, item) in entries {
                        self.text(&format!("{name}[{key}]"), &scalar(item));
                    }
                }
                other => self.text(name, &scalar(other)),
            }
        }
    }

    /// A file of `attachments[]`.
    pub(crate) fn file(&mut self, operation: Operation, file: &Upload) -> Result<()> {
        self.push(format!(
            "--{}\r\nContent-Disposition: form-data; name=\"{FILES}\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
            self.boundary,
            quoted(file.file_name()),
            file.content_type().replace(['\r', '\n'], "")
        ));
        let body = file.body(PROVIDER, operation)?;
        match body.as_bytes() {
            Some(bytes) => self.push(Bytes::copy_from_slice(bytes)),
            None => {
                self.length += file.len();
                self.pieces.push(Piece::Stream(body));
            }
        }
        self.push("\r\n");
        Ok(())
    }

    /// The `Content-Type` header.
    pub(crate) fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    /// The body, ended, and its length in bytes.
    pub(crate) fn finish(mut self) -> (reqwest::Body, u64) {
        let end = format!("--{}--\r\n", self.boundary);
        self.push(end);
        let length = self.length;
        if let [Piece::Bytes(bytes)] = self.pieces.as_slice() {
            return (reqwest::Body::from(bytes.clone()), length);
        }
        let chunks = stream::iter(self.pieces).flat_map(|piece| match piece {
            Piece::Bytes(bytes) => stream::once(async move { Ok(bytes) }).boxed(),
            Piece::Stream(body) => http_body_util::BodyDataStream::new(body)
                .map_err(std::io::Error::other)
                .boxed(),
        });
        (reqwest::Body::wrap_stream(chunks), length)
    }
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_and_files_are_parts_of_one_replayable_body() {
        let mut form = Form::new();
        form.json_fields(
            &json!({"body": "<p>hi</p>", "private": true, "cc_emails": ["a@x", "b@x"],
                                  "custom_fields": {"cf_a": 1}, "group_id": null}),
        );
        form.file(
            Operation::AddComment,
            &Upload::bytes("a\"b.txt", "text/plain", "abc"),
        )
        .unwrap();
        let boundary = form.boundary.clone();
        let (body, length) = form.finish();
        let bytes = body.as_bytes().expect("bytes in memory are replayable");
        assert_eq!(bytes.len() as u64, length);
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        for part in [
            "name=\"body\"\r\n\r\n<p>hi</p>\r\n",
            "name=\"private\"\r\n\r\ntrue\r\n",
            "name=\"cc_emails[]\"\r\n\r\na@x\r\n",
            "name=\"cc_emails[]\"\r\n\r\nb@x\r\n",
            "name=\"custom_fields[cf_a]\"\r\n\r\n1\r\n",
            "name=\"attachments[]\"; filename=\"a%22b.txt\"\r\nContent-Type: text/plain\r\n\r\nabc\r\n",
        ] {
            assert!(text.contains(part), "{part:?} in {text}");
        }
        assert!(!text.contains("group_id"));
        assert!(text.ends_with(&format!("--{boundary}--\r\n")));
    }
}
