//! Files going to the provider ([`Upload`], attached to a new comment or ticket) and coming back
//! from it ([`Download`], an attachment's bytes as a stream).

use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures::stream::{BoxStream, Stream, StreamExt};

use crate::capabilities::Operation;
use crate::error::{Error, ErrorKind, Result};

/// A stream of a file's bytes, as an application hands it over.
pub type ByteStream = BoxStream<'static, std::io::Result<Bytes>>;

/// A file to attach to a [`NewComment`](crate::NewComment) or [`NewTicket`](crate::NewTicket).
///
/// Its content is bytes in memory, which can be sent again when a write is retried, or a stream of a
/// declared length, which is read once: a write carrying a stream is never retried, and sending it a
/// second time is an [`ErrorKind::InvalidInput`] error. Sizes are checked against the provider's
/// documented limits ([`UploadLimits`]) before anything is sent.
///
/// ```
/// use support_core::Upload;
///
/// let file = Upload::bytes("screenshot.png", "image/png", vec![0x89, b'P', b'N', b'G']);
/// assert_eq!((file.file_name(), file.content_type(), file.len()), ("screenshot.png", "image/png", 4));
/// assert!(file.is_replayable());
/// ```
#[derive(Clone)]
pub struct Upload {
    file_name: String,
    content_type: String,
    length: u64,
    content: Content,
}

#[derive(Clone)]
enum Content {
    Bytes(Bytes),
    /// Taken by the first send.
    Stream(Arc<Mutex<Option<ByteStream>>>),
}

impl Upload {
    /// A file held in memory.
    pub fn bytes(
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        content: impl Into<Bytes>,
    ) -> Self {
        let content = content.into();
        Self {
            file_name: file_name.into(),
            content_type: content_type.into(),
            length: content.len() as u64,
            content: Content::Bytes(content),
        }
    }

    /// A file read from a stream of `length` bytes (the providers need the size up front, and the
    /// size limits are checked against it). A stream that ends early or runs long fails the write.
    pub fn stream(
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        length: u64,
        content: impl Stream<Item = std::io::Result<Bytes>> + Send + 'static,
    ) -> Self {
        Self {
            file_name: file_name.into(),
            content_type: content_type.into(),
            length,
            content: Content::Stream(Arc::new(Mutex::new(Some(content.boxed())))),
        }
    }

    /// The file name the provider shows.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The MIME type (`image/png`, `application/pdf`, ...).
    pub fn content_type(&self) -> &str {
        &self.content_type
    }

    /// The size in bytes.
    pub fn len(&self) -> u64 {
        self.length
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.length == 0
    }

    /// Whether the content can be sent more than once (bytes in memory, not a stream).
    pub fn is_replayable(&self) -> bool {
        matches!(self.content, Content::Bytes(_))
    }

    /// The content as a request body: bytes can be taken any number of times, a stream once (its
    /// length is checked as it is read).
    pub fn body(&self, provider: &'static str, operation: Operation) -> Result<reqwest::Body> {
        match &self.content {
            Content::Bytes(bytes) => Ok(reqwest::Body::from(bytes.clone())),
            Content::Stream(slot) => {
                let stream = slot
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .take()
                    .ok_or_else(|| self.sent_already(provider, operation))?;
                Ok(reqwest::Body::wrap_stream(exact_length(
                    stream,
                    self.length,
                    self.file_name.clone(),
                )))
            }
        }
    }
}

impl Upload {
    /// The whole content in memory: bytes as they are, a stream read to its end (once, like
    /// [`body`](Self::body); its length is checked). For adapters (and test doubles) that keep the
    /// file rather than send it; a stream that fails or is not its declared length is an
    /// [`ErrorKind::InvalidInput`] error naming the file.
    pub async fn read_all(&self, provider: &'static str, operation: Operation) -> Result<Bytes> {
        let stream = match &self.content {
            Content::Bytes(bytes) => return Ok(bytes.clone()),
            Content::Stream(slot) => slot.lock().unwrap_or_else(PoisonError::into_inner).take(),
        };
        let stream = stream.ok_or_else(|| self.sent_already(provider, operation))?;
        let capacity = self.length.min(64 * 1024 * 1024) as usize;
        let mut all = BytesMut::with_capacity(capacity);
        let mut chunks = std::pin::pin!(exact_length(stream, self.length, self.file_name.clone()));
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk.map_err(|error| {
                Error::new(ErrorKind::InvalidInput, provider)
                    .with_operation(operation)
                    .with_message(format!("reading `{}` failed: {error}", self.file_name))
            })?;
            all.extend_from_slice(&chunk);
        }
        Ok(all.freeze())
    }

    fn sent_already(&self, provider: &'static str, operation: Operation) -> Error {
        Error::new(ErrorKind::InvalidInput, provider)
            .with_operation(operation)
            .with_message(format!(
                "`{}` is a stream and was sent already; a streamed file can be sent once: attach it \
                 again from its source, or as bytes to allow retries",
                self.file_name
            ))
    }
}

/// Passes a stream through, failing it when it yields more or fewer bytes than declared.
fn exact_length(
    stream: ByteStream,
    declared: u64,
    file_name: String,
) -> impl Stream<Item = std::io::Result<Bytes>> + Send + 'static {
    let mut seen = 0u64;
    let mut ended = false;
    let chunks = stream
        .map(Some)
        .chain(futures::stream::once(async { None }));
    chunks.filter_map(move |chunk| {
        let item = match chunk {
            _ if ended => None,
            Some(Ok(bytes)) => {
                seen += bytes.len() as u64;
                if seen > declared {
                    ended = true;
                    Some(Err(length_error(&file_name, declared, "more")))
                } else {
                    Some(Ok(bytes))
                }
            }
            Some(Err(error)) => {
                ended = true;
                Some(Err(error))
            }
            None if seen < declared => Some(Err(length_error(&file_name, declared, "fewer"))),
            None => None,
        };
        futures::future::ready(item)
    })
}

fn length_error(file_name: &str, declared: u64, which: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!("the stream of `{file_name}` yielded {which} than the {declared} bytes declared"),
    )
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Upload")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("len", &self.length)
            .field("replayable", &self.is_replayable())
            .finish()
    }
}

/// Equal when name, type and content are: bytes by value, streams only to their own copies.
impl PartialEq for Upload {
    fn eq(&self, other: &Self) -> bool {
        self.file_name == other.file_name
            && self.content_type == other.content_type
            && self.length == other.length
            && match (&self.content, &other.content) {
                (Content::Bytes(a), Content::Bytes(b)) => a == b,
                (Content::Stream(a), Content::Stream(b)) => Arc::ptr_eq(a, b),
                _ => false,
            }
    }
}

/// The sizes of files a provider accepts, as it documents them; checked before anything is sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct UploadLimits {
    /// The largest file, in bytes.
    pub per_file: Option<u64>,
    /// The largest total of the files of one comment or ticket, in bytes.
    pub per_write: Option<u64>,
}

impl UploadLimits {
    /// No documented limit.
    pub const fn none() -> Self {
        Self {
            per_file: None,
            per_write: None,
        }
    }

    /// Each file at most `bytes`.
    pub const fn per_file(mut self, bytes: u64) -> Self {
        self.per_file = Some(bytes);
        self
    }

    /// The files of one write at most `bytes` together.
    pub const fn per_write(mut self, bytes: u64) -> Self {
        self.per_write = Some(bytes);
        self
    }

    /// Checks the files of one write, naming the first that is too large (or the total) and the
    /// limit, so the caller knows what to shrink.
    pub fn check(
        &self,
        provider: &'static str,
        operation: Operation,
        files: &[Upload],
    ) -> Result<()> {
        let too_large = |what: String| {
            Error::new(ErrorKind::InvalidInput, provider)
                .with_operation(operation)
                .with_message(what)
        };
        if let Some(limit) = self.per_file
            && let Some(file) = files.iter().find(|file| file.len() > limit)
        {
            return Err(too_large(format!(
                "`{}` is {} bytes; {provider} accepts files of at most {limit} bytes: send a smaller \
                 file or a link to it",
                file.file_name,
                file.len()
            )));
        }
        let total: u64 = files.iter().map(Upload::len).sum();
        if let Some(limit) = self.per_write
            && total > limit
        {
            return Err(too_large(format!(
                "the {} files come to {total} bytes; {provider} accepts at most {limit} bytes of \
                 files on one comment or ticket: split them across comments",
                files.len()
            )));
        }
        Ok(())
    }
}

/// An attachment's bytes, streamed from the provider: a [`Stream`] of chunks, read with the
/// adapter's credentials.
///
/// Memory stays bounded by the chunk size whatever the file's size, as long as the chunks are
/// consumed as they come (written to a file, forwarded); [`Download::bytes`] gathers them all.
///
/// ```no_run
/// use futures::TryStreamExt;
/// use support_core::{Document, SupportPort};
///
/// async fn save(port: &dyn SupportPort, file: &Document) -> support_core::Result<u64> {
///     let mut download = port.download_attachment(file).await?;
///     let mut written = 0;
///     while let Some(chunk) = download.try_next().await? {
///         written += chunk.len() as u64; // write `chunk` somewhere
///     }
///     Ok(written)
/// }
/// ```
pub struct Download {
    /// The MIME type the provider sent, when it sent one.
    pub content_type: Option<String>,
    /// The size in bytes the provider announced, when it did.
    pub length: Option<u64>,
    chunks: BoxStream<'static, Result<Bytes>>,
}

impl Download {
    /// A download from a stream of chunks.
    pub fn new(
        content_type: Option<String>,
        length: Option<u64>,
        chunks: impl Stream<Item = Result<Bytes>> + Send + 'static,
    ) -> Self {
        Self {
            content_type,
            length,
            chunks: chunks.boxed(),
        }
    }

    /// A download of bytes already in memory.
    pub fn from_bytes(content_type: Option<String>, bytes: Bytes) -> Self {
        let length = Some(bytes.len() as u64);
        Self::new(
            content_type,
            length,
            futures::stream::once(async move { Ok(bytes) }),
        )
    }

    /// Every chunk, gathered in memory.
    pub async fn bytes(mut self) -> Result<Bytes> {
        // An announced length is trusted for the first allocation only up to a bound.
        const MAX_UPFRONT: u64 = 1 << 26;
        let capacity = self.length.unwrap_or(0).min(MAX_UPFRONT) as usize;
        let mut all = BytesMut::with_capacity(capacity);
        while let Some(chunk) = self.chunks.next().await {
            all.extend_from_slice(&chunk?);
        }
        Ok(all.freeze())
    }
}

impl Stream for Download {
    type Item = Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.chunks.poll_next_unpin(cx)
    }
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("content_type", &self.content_type)
            .field("length", &self.length)
            .finish_non_exhaustive()
    }
}

/// The media type of a file extension (`pdf`, `PNG`), for providers that report none; `None` when
/// unknown.
pub fn media_type_for_extension(extension: &str) -> Option<&'static str> {
    Some(match extension.to_ascii_lowercase().as_str() {
        "pdf" => "application/pdf",
        "txt" | "text" | "log" => "text/plain",
        "csv" => "text/csv",
        "htm" | "html" => "text/html",
        "json" => "application/json",
        "xml" => "application/xml",
        "zip" => "application/zip",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "mp4" => "video/mp4",
        "mov" => "video/quicktime",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "eml" => "message/rfc822",
        _ => return None,
    })
}

/// The media type of a file name by its extension (`invoice.PDF`); `None` without a known one.
pub fn media_type_for_file_name(file_name: &str) -> Option<&'static str> {
    let (_, extension) = file_name.rsplit_once('.')?;
    media_type_for_extension(extension)
}

#[cfg(test)]
mod tests {
    use futures::TryStreamExt;

    use super::*;

    #[test]
    fn media_types_come_from_extensions_in_any_case() {
        assert_eq!(
            media_type_for_file_name("invoice-2024-03.PDF"),
            Some("application/pdf")
        );
        assert_eq!(
            media_type_for_file_name("notes.tar.txt"),
            Some("text/plain")
        );
        assert_eq!(media_type_for_file_name("README"), None);
        assert_eq!(media_type_for_file_name("data.unknownext"), None);
        assert_eq!(media_type_for_extension("Docx").map(|t| t.len()), Some(71));
    }

    const OP: Operation = Operation::AddComment;

    fn chunks(parts: &[&'static [u8]]) -> impl Stream<Item = std::io::Result<Bytes>> + Send {
        futures::stream::iter(
            parts
                .iter()
                .map(|part| Ok(Bytes::from_static(part)))
                .collect::<Vec<_>>(),
        )
    }

    async fn sent(body: reqwest::Body) -> std::result::Result<Vec<u8>, String> {
        let mut stream = http_body_util::BodyDataStream::new(body);
        let mut all = Vec::new();
        let chain = |error: reqwest::Error| {
            let mut text = error.to_string();
            let mut source = std::error::Error::source(&error);
            while let Some(cause) = source {
                text = format!("{text}: {cause}");
                source = cause.source();
            }
            text
        };
        while let Some(chunk) = stream.try_next().await.map_err(chain)? {
            all.extend_from_slice(&chunk);
        }
        Ok(all)
    }

    #[tokio::test]
    async fn bytes_are_sent_as_often_as_asked_and_a_stream_once() {
        let file = Upload::bytes("a.txt", "text/plain", "hello");
        for _ in 0..2 {
            assert_eq!(
                sent(file.body("acme", OP).unwrap()).await.unwrap(),
                b"hello"
            );
        }
        let streamed = Upload::stream("b.txt", "text/plain", 6, chunks(&[b"hel", b"lo!"]));
        assert!(!streamed.is_replayable());
        let copy = streamed.clone();
        assert_eq!(copy, streamed);
        assert_eq!(
            sent(streamed.body("acme", OP).unwrap()).await.unwrap(),
            b"hello!"
        );
        let again = copy.body("acme", OP).unwrap_err();
        assert_eq!(again.kind(), &ErrorKind::InvalidInput);
        assert!(
            again
                .to_string()
                .contains("`b.txt` is a stream and was sent already"),
            "{again}"
        );
    }

    #[tokio::test]
    async fn read_all_gathers_bytes_or_a_stream_once_and_checks_its_length() {
        let file = Upload::bytes("a.txt", "text/plain", "hello");
        assert_eq!(file.read_all("acme", OP).await.unwrap(), "hello");
        assert_eq!(file.read_all("acme", OP).await.unwrap(), "hello");
        let streamed = Upload::stream("b.txt", "text/plain", 6, chunks(&[b"hel", b"lo!"]));
        assert_eq!(streamed.read_all("acme", OP).await.unwrap(), "hello!");
        let again = streamed.read_all("acme", OP).await.unwrap_err();
        assert_eq!(again.kind(), &ErrorKind::InvalidInput);
        assert!(again.to_string().contains("was sent already"), "{again}");
        let short = Upload::stream("s.bin", "application/octet-stream", 10, chunks(&[b"abc"]));
        let error = short.read_all("acme", OP).await.unwrap_err();
        assert_eq!(error.kind(), &ErrorKind::InvalidInput);
        assert!(
            error.to_string().contains("reading `s.bin` failed")
                && error
                    .to_string()
                    .contains("fewer than the 10 bytes declared"),
            "{error}"
        );
    }

    #[tokio::test]
    async fn a_stream_that_is_not_its_declared_length_fails_the_send() {
        let short = Upload::stream("s.bin", "application/octet-stream", 10, chunks(&[b"abc"]));
        let error = sent(short.body("acme", OP).unwrap()).await.unwrap_err();
        assert!(
            error.contains("fewer than the 10 bytes declared"),
            "{error}"
        );
        let long = Upload::stream(
            "l.bin",
            "application/octet-stream",
            2,
            chunks(&[b"ab", b"c"]),
        );
        let error = sent(long.body("acme", OP).unwrap()).await.unwrap_err();
        assert!(error.contains("more than the 2 bytes declared"), "{error}");
        let exact = Upload::stream(
            "e.bin",
            "application/octet-stream",
            3,
            chunks(&[b"ab", b"c"]),
        );
        assert_eq!(sent(exact.body("acme", OP).unwrap()).await.unwrap(), b"abc");
    }

    #[test]
    fn a_file_says_what_it_is() {
        let file = Upload::bytes("a.txt", "text/plain", "hello");
        assert_eq!(
            (file.file_name(), file.content_type(), file.len()),
            ("a.txt", "text/plain", 5)
        );
        assert!(file.is_replayable() && !file.is_empty());
        assert!(Upload::bytes("empty.txt", "text/plain", "").is_empty());
        assert_eq!(
            format!("{file:?}"),
            r#"Upload { file_name: "a.txt", content_type: "text/plain", len: 5, replayable: true }"#
        );
    }

    #[test]
    fn files_are_equal_when_name_type_and_content_are() {
        let file = Upload::bytes("a.txt", "text/plain", "hello");
        assert_eq!(file, Upload::bytes("a.txt", "text/plain", "hello"));
        for other in [
            Upload::bytes("b.txt", "text/plain", "hello"),
            Upload::bytes("a.txt", "text/html", "hello"),
            Upload::bytes("a.txt", "text/plain", "hellos"),
            Upload::bytes("a.txt", "text/plain", "HELLO"),
            Upload::stream("a.txt", "text/plain", 5, chunks(&[b"hello"])),
        ] {
            assert_ne!(file, other, "{other:?}");
        }
        let streamed = Upload::stream("a.txt", "text/plain", 5, chunks(&[b"hello"]));
        assert_ne!(
            streamed,
            Upload::stream("a.txt", "text/plain", 5, chunks(&[b"hello"]))
        );
    }

    #[tokio::test]
    async fn nothing_follows_a_failed_chunk() {
        let broken = futures::stream::iter([
            Ok(Bytes::from_static(b"ab")),
            Err(std::io::Error::other("disk gone")),
            Ok(Bytes::from_static(b"cd")),
        ]);
        let items: Vec<std::io::Result<Bytes>> =
            exact_length(broken.boxed(), 4, "f".into()).collect().await;
        assert_eq!(items.len(), 2, "{items:?}");
        assert!(items[1].is_err());
        let long = chunks(&[b"abc", b"d", b"e"]);
        let items: Vec<std::io::Result<Bytes>> =
            exact_length(long.boxed(), 2, "f".into()).collect().await;
        assert_eq!(items.len(), 1, "{items:?}");
        assert!(items[0].is_err());
    }

    #[test]
    fn limits_name_the_file_or_the_total_that_is_too_large() {
        let files = [
            Upload::bytes("small.txt", "text/plain", vec![0; 10]),
            Upload::bytes("big.bin", "application/octet-stream", vec![0; 30]),
        ];
        let limits = UploadLimits::none().per_file(20).per_write(35);
        let error = limits.check("acme", OP, &files).unwrap_err();
        assert_eq!(error.kind(), &ErrorKind::InvalidInput);
        assert!(
            error.to_string().contains("`big.bin` is 30 bytes"),
            "{error}"
        );
        assert!(error.to_string().contains("at most 20 bytes"), "{error}");
        let error = UploadLimits::none()
            .per_write(39)
            .check("acme", OP, &files)
            .unwrap_err();
        assert!(error.to_string().contains("come to 40 bytes"), "{error}");
        assert!(
            UploadLimits::none()
                .per_file(30)
                .per_write(40)
                .check("acme", OP, &files)
                .is_ok()
        );
        assert!(UploadLimits::none().check("acme", OP, &files).is_ok());
    }

    #[tokio::test]
    async fn a_download_streams_its_chunks_or_gathers_them() {
        let parts =
            futures::stream::iter([Ok(Bytes::from_static(b"ab")), Ok(Bytes::from_static(b"cd"))]);
        let download = Download::new(Some("text/plain".into()), Some(4), parts);
        assert_eq!(
            format!("{download:?}"),
            "Download { content_type: Some(\"text/plain\"), length: Some(4), .. }"
        );
        assert_eq!(download.bytes().await.unwrap(), Bytes::from_static(b"abcd"));
        let chunks: Vec<Bytes> = Download::from_bytes(None, Bytes::from_static(b"xyz"))
            .try_collect()
            .await
            .unwrap();
        assert_eq!(chunks, [Bytes::from_static(b"xyz")]);
    }
}
