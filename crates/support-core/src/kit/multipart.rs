//! `multipart/form-data` request bodies, for the uploads a generated client (JSON only) cannot
//! send: text fields and files, each file held in memory or streamed.
//!
//! A form whose files are all held in memory becomes a body that can be sent again, so the runtime
//! may repeat a write the provider provably did not process (a 429, a connection never made); a
//! streamed file makes a body that is sent once.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::{Bytes, BytesMut};
use futures::{StreamExt, TryStreamExt, stream};

use crate::{Operation, Result, Upload};

/// A `multipart/form-data` body being built.
///
/// ```
/// use support_core::kit::multipart::MultipartForm;
/// use support_core::{Operation, Upload};
///
/// let mut form = MultipartForm::new("acme");
/// form.text("folderPath", "/support");
/// form.file("file", "acme", Operation::AddComment, &Upload::bytes("a.txt", "text/plain", "abc"))?;
/// assert!(form.content_type().starts_with("multipart/form-data; boundary=support-acme-"));
/// let (body, length) = form.finish();
/// assert_eq!(body.as_bytes().map(|b| b.len() as u64), Some(length));
/// # Ok::<(), support_core::Error>(())
/// ```
pub struct MultipartForm {
    boundary: String,
    pieces: Vec<Piece>,
    length: u64,
}

enum Piece {
    Bytes(Bytes),
    Stream(reqwest::Body),
}

impl fmt::Debug for MultipartForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MultipartForm")
            .field("boundary", &self.boundary)
            .field("length", &self.length)
            .finish_non_exhaustive()
    }
}

/// A name or file name as a quoted header parameter: quotes and line breaks are replaced, as
/// browsers do, so that they cannot end the header.
fn quoted(text: &str) -> String {
    text.replace('"', "%22").replace(['\r', '\n'], " ")
}

impl MultipartForm {
    /// An empty form whose boundary names `provider` (`support-{provider}-…`), with the time and a
    /// per-process counter, which no file is likely to contain.
    pub fn new(provider: &str) -> Self {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        Self {
            boundary: format!("support-{provider}-{nanos:x}-{count:x}"),
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
    pub fn text(&mut self, name: &str, value: &str) {
        self.push(format!(
            "--{}\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\n{value}\r\n",
            self.boundary,
            quoted(name)
        ));
    }

    /// A file in the field `name`, with its file name and content type. Fails as
    /// [`Upload::body`] does (a streamed file already taken).
    pub fn file(
        &mut self,
        name: &str,
        provider: &'static str,
        operation: Operation,
        file: &Upload,
    ) -> Result<()> {
        self.push(format!(
            "--{}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
            self.boundary,
            quoted(name),
            quoted(file.file_name()),
            file.content_type().replace(['\r', '\n'], "")
        ));
        let body = file.body(provider, operation)?;
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

    /// The boundary between the parts.
    pub fn boundary(&self) -> &str {
        &self.boundary
    }

    /// The `Content-Type` header of the body.
    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    /// The body, ended, and its length in bytes: held in memory (and so replayable) when every file
    /// was, streamed otherwise.
    pub fn finish(mut self) -> (reqwest::Body, u64) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_and_files_in_one_replayable_body() {
        let mut form = MultipartForm::new("acme");
        form.text("na\"me", "value");
        form.file(
            "attachments[]",
            "acme",
            Operation::AddComment,
            &Upload::bytes("a\"b\r\n.txt", "text/plain\r\nX: y", "abc"),
        )
        .unwrap();
        let boundary = form.boundary().to_owned();
        let (body, length) = form.finish();
        let bytes = body.as_bytes().expect("held in memory").to_vec();
        assert_eq!(bytes.len() as u64, length);
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"na%22me\"\r\n\r\nvalue\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"attachments[]\"; \
                 filename=\"a%22b  .txt\"\r\nContent-Type: text/plainX: y\r\n\r\nabc\r\n--{boundary}--\r\n"
            )
        );
    }

    #[test]
    fn a_streamed_file_makes_a_streamed_body_of_the_announced_length() {
        let chunks = stream::iter([Ok(Bytes::from_static(b"ab")), Ok(Bytes::from_static(b"c"))]);
        let mut form = MultipartForm::new("acme");
        form.file(
            "file",
            "acme",
            Operation::CreateTicket,
            &Upload::stream("a.txt", "text/plain", 3, chunks),
        )
        .unwrap();
        let boundary = form.boundary().to_owned();
        let (body, length) = form.finish();
        assert!(body.as_bytes().is_none(), "a streamed file is sent once");
        let expected = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\
             Content-Type: text/plain\r\n\r\nabc\r\n--{boundary}--\r\n"
        );
        assert_eq!(length, expected.len() as u64);
    }

    #[test]
    fn boundaries_differ_from_form_to_form() {
        let first = MultipartForm::new("acme");
        let second = MultipartForm::new("acme");
        assert_ne!(first.boundary(), second.boundary());
        assert!(first.boundary().starts_with("support-acme-"));
    }
}
