//! The one error type of the port.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use crate::capabilities::Operation;
use crate::http::Redactor;

/// What went wrong, in terms a caller can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The object does not exist (or is not visible to these credentials).
    NotFound,
    /// The credentials were missing, wrong or expired.
    Unauthenticated,
    /// The credentials are valid but may not do this.
    PermissionDenied,
    /// The request was rejected as invalid (a validation error, a bad id, a bad cursor).
    InvalidInput,
    /// The object changed meanwhile, or the change conflicts with its state.
    Conflict,
    /// The provider throttled the request; wait `retry_after` when given.
    RateLimited {
        /// How long the provider asked to wait.
        retry_after: Option<Duration>,
    },
    /// The provider has no API for this operation.
    Unsupported,
    /// The adapter is not configured: a setting (account, credentials, URL) is missing or malformed.
    Configuration,
    /// No answer in time. For a write, the provider may or may not have applied it.
    Timeout,
    /// The connection failed.
    Transport,
    /// The provider answered with something that could not be understood: a body that is not the
    /// documented shape, or a listing page that is incomplete (no items, or "more" without a way to
    /// get it). Reads are retried on such pages before this is returned.
    Decode,
    /// A write was sent and the provider may have applied it, but what came of it cannot be told:
    /// the answer was cut short, reset or stalled after its headers, or it was a success that could
    /// not be read. When [`Error::status`] is a success (2xx), or the message says so, the provider
    /// did apply the write. Repeating the write may apply it twice: look first (fetch the ticket,
    /// list its comments).
    OutcomeUnknown,
    /// The provider failed with another status.
    Provider {
        /// The HTTP status.
        status: u16,
    },
}

impl ErrorKind {
    fn summary(&self) -> String {
        match self {
            ErrorKind::NotFound => "not found".into(),
            ErrorKind::Unauthenticated => "authentication failed".into(),
            ErrorKind::PermissionDenied => "permission denied".into(),
            ErrorKind::InvalidInput => "invalid input".into(),
            ErrorKind::Conflict => "conflict".into(),
            ErrorKind::RateLimited {
                retry_after: Some(wait),
            } => {
                format!("rate limited (retry after {} s)", wait.as_secs_f64().ceil())
            }
            ErrorKind::RateLimited { retry_after: None } => "rate limited".into(),
            ErrorKind::Unsupported => "unsupported".into(),
            ErrorKind::Configuration => "not configured".into(),
            ErrorKind::Timeout => "timed out".into(),
            ErrorKind::Transport => "connection failed".into(),
            ErrorKind::Decode => "unreadable response".into(),
            ErrorKind::OutcomeUnknown => "the write may have been applied".into(),
            ErrorKind::Provider { status } => format!("provider error (HTTP {status})"),
        }
    }

    fn hint(&self) -> &'static str {
        match self {
            ErrorKind::NotFound => "check the id, and that these credentials can see the object",
            ErrorKind::Unauthenticated => {
                "check the credentials and the account (subdomain or domain) they belong to"
            }
            ErrorKind::PermissionDenied => "use credentials whose role allows this operation",
            ErrorKind::InvalidInput => {
                "correct the request; the provider's details are in the message"
            }
            ErrorKind::Conflict => "fetch the object again and re-apply the change",
            ErrorKind::RateLimited { .. } => "wait before retrying, or lower the request rate",
            ErrorKind::Unsupported => "see the adapter's capabilities() for what it supports",
            ErrorKind::Configuration => "set the setting the message names",
            ErrorKind::Timeout => {
                "retry reads; for writes, check whether the change was applied before retrying"
            }
            ErrorKind::Transport => "check the base URL and network reachability",
            ErrorKind::Decode => {
                "the provider's response did not match its documented shape; report it with the excerpt"
            }
            ErrorKind::OutcomeUnknown => {
                "do not repeat the write blindly: check whether it was applied first"
            }
            ErrorKind::Provider { .. } => "the provider failed; retry later",
        }
    }
}

/// The most a body excerpt keeps.
pub const BODY_EXCERPT_LIMIT: usize = 512;

/// An error from an adapter, with enough context to act on it and nothing secret.
///
/// It carries the provider, the operation, the HTTP status, the provider's own error code and request id
/// when given, and a short excerpt of the response body. It never carries credentials or request
/// headers.
#[derive(Debug)]
pub struct Error {
    inner: Box<Inner>,
}

// Boxed so that `Result<T, Error>` stays one pointer wide on the happy path.
#[derive(Debug)]
struct Inner {
    kind: ErrorKind,
    provider: &'static str,
    operation: Option<Operation>,
    status: Option<u16>,
    code: Option<String>,
    request_id: Option<String>,
    message: Option<String>,
    body_excerpt: Option<String>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl Error {
    /// A new error of this kind from this provider.
    pub fn new(kind: ErrorKind, provider: &'static str) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                provider,
                operation: None,
                status: None,
                code: None,
                request_id: None,
                message: None,
                body_excerpt: None,
                source: None,
            }),
        }
    }

    /// The error an unsupported operation returns.
    pub fn unsupported(provider: &'static str, operation: Operation, why: &str) -> Self {
        Self::new(ErrorKind::Unsupported, provider)
            .with_operation(operation)
            .with_message(format!(
                "{provider} has no API for {}: {why}",
                operation.name()
            ))
    }

    /// A configuration error: a missing or malformed setting, named in the message.
    pub fn configuration(provider: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Configuration, provider).with_message(message)
    }

    /// An invalid-input error with a message.
    pub fn invalid_input(provider: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, provider).with_message(message)
    }

    /// Sets the operation, unless one is already set.
    pub fn with_operation(mut self, operation: Operation) -> Self {
        self.inner.operation.get_or_insert(operation);
        self
    }

    /// Sets the HTTP status.
    pub fn with_status(mut self, status: u16) -> Self {
        self.inner.status = Some(status);
        self
    }

    /// Sets the provider's error code.
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.inner.code = Some(code.into());
        self
    }

    /// Sets the provider's request id.
    pub fn with_request_id(mut self, request_id: impl Into<String>) -> Self {
        self.inner.request_id = Some(request_id.into());
        self
    }

    /// Sets the human-readable message.
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.inner.message = Some(message.into());
        self
    }

    /// Keeps a short excerpt of a response body (at most [`BODY_EXCERPT_LIMIT`] bytes, cut on a character
    /// boundary; invalid UTF-8 replaced).
    pub fn with_body_excerpt(mut self, body: &[u8]) -> Self {
        let text = String::from_utf8_lossy(body);
        let text = text.trim();
        if !text.is_empty() {
            let mut end = text.len().min(BODY_EXCERPT_LIMIT);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let mut excerpt = text[..end].to_owned();
            if end < text.len() {
                excerpt.push('…');
            }
            self.inner.body_excerpt = Some(excerpt);
        }
        self
    }

    /// Attaches the underlying cause.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }

    /// The same error with every secret `redactor` knows removed from what the provider's text could
    /// have put in it: the message, the body excerpt, the code, the request id, and the cause (replaced
    /// by its redacted text when it shows a secret). The runtime applies it to every error it makes
    /// from a response, so a provider that echoes the `Authorization` header leaks nothing.
    pub fn redacted(mut self, redactor: &Redactor) -> Self {
        if redactor.is_empty() {
            return self;
        }
        let inner = &mut *self.inner;
        for text in [&mut inner.message, &mut inner.code, &mut inner.request_id]
            .into_iter()
            .flatten()
        {
            if let Cow::Owned(clean) = redactor.redact(text) {
                *text = clean;
            }
        }
        if let Some(excerpt) = &mut inner.body_excerpt
            && let Cow::Owned(clean) = redactor.redact_excerpt(excerpt)
        {
            *excerpt = clean;
        }
        if let Some(source) = inner.source.take() {
            inner.source = Some(match source.downcast::<Error>() {
                Ok(error) => Box::new(error.redacted(redactor)),
                Err(source) => {
                    let shown = format!("{source} {source:?}");
                    if redactor.redact(&shown) == shown {
                        source
                    } else {
                        Box::new(RedactedCause(
                            redactor.redact(&source.to_string()).into_owned(),
                        ))
                    }
                }
            });
        }
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.inner.kind
    }

    /// The provider that failed.
    pub fn provider(&self) -> &'static str {
        self.inner.provider
    }

    /// The port operation that failed, when known.
    pub fn operation(&self) -> Option<Operation> {
        self.inner.operation
    }

    /// The HTTP status, when there was a response.
    pub fn status(&self) -> Option<u16> {
        self.inner.status
    }

    /// The provider's own error code (`RecordNotFound`, ...).
    pub fn code(&self) -> Option<&str> {
        self.inner.code.as_deref()
    }

    /// The provider's request id, for support tickets with the provider.
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }

    /// The message, when there is one beyond the kind.
    pub fn message(&self) -> Option<&str> {
        self.inner.message.as_deref()
    }

    /// A short excerpt of the response body.
    pub fn body_excerpt(&self) -> Option<&str> {
        self.inner.body_excerpt.as_deref()
    }

    /// How long the provider asked to wait, for a rate-limit error.
    pub fn retry_after(&self) -> Option<Duration> {
        match self.inner.kind {
            ErrorKind::RateLimited { retry_after } => retry_after,
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.inner.provider)?;
        if let Some(op) = self.inner.operation {
            write!(f, " {op}")?;
        }
        write!(f, ": {}", self.inner.kind.summary())?;
        let mut details = Vec::new();
        if let Some(status) = self.inner.status {
            details.push(format!("HTTP {status}"));
        }
        if let Some(code) = &self.inner.code {
            details.push(format!("code {code}"));
        }
        if let Some(id) = &self.inner.request_id {
            details.push(format!("request id {id}"));
        }
        if !details.is_empty() {
            write!(f, " ({})", details.join(", "))?;
        }
        if let Some(message) = &self.inner.message {
            write!(f, ": {message}")?;
        }
        write!(f, "; {}", self.inner.kind.hint())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|source| source as &(dyn std::error::Error + 'static))
    }
}

/// A cause whose text showed a secret, kept as its redacted text.
#[derive(Debug)]
struct RedactedCause(String);

impl fmt::Display for RedactedCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RedactedCause {}

/// The port's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_provider_operation_status_and_what_to_do() {
        let err = Error::new(ErrorKind::NotFound, "zendesk")
            .with_operation(Operation::GetTicket)
            .with_status(404)
            .with_code("RecordNotFound")
            .with_request_id("req-1")
            .with_message("Not found");
        assert_eq!(
            err.to_string(),
            "zendesk getTicket: not found (HTTP 404, code RecordNotFound, request id req-1): Not found; \
             check the id, and that these credentials can see the object"
        );
    }

    #[test]
    fn body_excerpts_are_bounded_and_cut_on_char_boundaries() {
        let body = "é".repeat(BODY_EXCERPT_LIMIT);
        let err = Error::new(ErrorKind::Decode, "t").with_body_excerpt(body.as_bytes());
        let excerpt = err.body_excerpt().unwrap();
        assert!(excerpt.len() <= BODY_EXCERPT_LIMIT + '…'.len_utf8());
        assert!(excerpt.ends_with('…'));
        let err = Error::new(ErrorKind::Decode, "t").with_body_excerpt(&[0xff, 0xfe, b'x']);
        assert!(err.body_excerpt().unwrap().ends_with('x'));
    }

    #[test]
    fn redaction_reaches_every_text_from_the_provider() {
        use crate::http::Credentials;

        let token = "s3cr3t-t0ken-9f2";
        let redactor = Credentials::bearer(token).redactor();
        let echo = format!("Bearer {token}");
        let cause = Error::new(ErrorKind::Transport, "t").with_message(echo.clone());
        let long_body = format!("{}{echo}", "x".repeat(BODY_EXCERPT_LIMIT - 12));
        let err = Error::new(ErrorKind::Unauthenticated, "t")
            .with_message(format!("bad header {echo}"))
            .with_code(token)
            .with_request_id(token)
            .with_body_excerpt(long_body.as_bytes())
            .with_source(cause)
            .redacted(&redactor);
        let mut shown = format!("{err} {err:?} {err:#?}");
        let mut cause = std::error::Error::source(&err);
        while let Some(source) = cause {
            shown.push_str(&format!(" {source} {source:?}"));
            cause = source.source();
        }
        // The excerpt cut the token short: its beginning is redacted too.
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(err.body_excerpt().unwrap().ends_with("[REDACTED]…"));
        assert_eq!(err.message(), Some("bad header Bearer [REDACTED]"));
    }

    #[test]
    fn the_first_operation_set_wins() {
        let err = Error::new(ErrorKind::Timeout, "t")
            .with_operation(Operation::AddComment)
            .with_operation(Operation::GetTicket);
        assert_eq!(err.operation(), Some(Operation::AddComment));
    }
}
