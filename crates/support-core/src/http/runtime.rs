//! The runtime behind every generated client: authentication, retries, timeouts, tracing, and the
//! mapping of failures to [`Error`].

use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use progenitor_client::{OperationInfo, ResponseValue};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use tracing::Instrument as _;

use super::credentials::{Credentials, Redactor};
use super::oauth::{Token, TokenAnswer, TokenSource};
use super::retry::{ResetHeader, RetryPolicy, is_throttled, is_transient, requested_wait};
use crate::capabilities::Operation;
use crate::error::{Error, ErrorKind, Result};
use crate::kit::page::{ListingPage, PageShape, PeekedPage, next_link};
use crate::upload::Download;

/// The most of an error body that is read to classify it.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// Put on a request by [`HttpRuntime::prepare`] under OAuth credentials, and replaced by
/// [`HttpRuntime::execute`] with the current token: only prepared requests get one.
const OAUTH_MARKER: HeaderName = HeaderName::from_static("x-support-port-oauth");

/// The token request's name in spans.
const TOKEN_INFO: OperationInfo = OperationInfo {
    operation_id: "oauth_token",
};

tokio::task_local! {
    static CALL: CallScope;
}

/// The port operation a request belongs to, and its idempotency key. Retry safety is decided from the
/// operation, not from the HTTP method: a `PUT` that adds a comment must never be repeated blindly.
#[derive(Clone, Debug)]
struct CallScope {
    operation: Operation,
    idempotency_key: Option<String>,
    /// What `execute` does with a successful answer.
    keep: Keep,
    /// What `execute` learned that the generated client's error cannot carry.
    notes: Arc<Mutex<Notes>>,
}

/// What `execute` does with a successful answer's body.
#[derive(Clone)]
enum Keep {
    /// Hands it to the generated client, which decodes its typed value.
    Nothing,
    /// Keeps it in the notes for the adapter, which maps from the provider's JSON; the generated
    /// client gets an empty stand-in, so the body is not decoded a second time into a typed value
    /// that nothing reads.
    Json,
    /// Reads it as a listing page and keeps the page, as for `Json`; an answer that is not a
    /// complete page is retried like any transient failure when the operation may be repeated.
    Page(PageReader),
    /// Hands a successful answer over unread, for its body to be streamed (a file download).
    Stream,
}

impl fmt::Debug for Keep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Keep::Nothing => f.write_str("Nothing"),
            Keep::Json => f.write_str("Json"),
            Keep::Page(_) => f.write_str("Page"),
            Keep::Stream => f.write_str("Stream"),
        }
    }
}

/// Reads a body as a listing page of one shape and item type ([`PageShape::read`]), inside the
/// retry loop, with the answer's headers (where some providers say there is a next page): `Err`
/// says why the body is not a page.
type PageReader = Arc<
    dyn Fn(StatusCode, &HeaderMap, &Bytes) -> std::result::Result<ReadPage, String> + Send + Sync,
>;

/// A page read by a [`PageReader`]: a `ListingPage<T>` of the item type the caller asked for.
struct ReadPage(Box<dyn std::any::Any + Send>);

impl fmt::Debug for ReadPage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReadPage")
    }
}

fn page_reader<T: serde::de::DeserializeOwned + Send + 'static>(shape: PageShape) -> Keep {
    Keep::Page(Arc::new(
        move |status: StatusCode, _: &HeaderMap, body: &Bytes| {
            if shape.is_no_content(status.as_u16(), body) {
                return Ok(ReadPage(Box::new(shape.empty_page::<T>())));
            }
            shape.read::<T>(body).map(|page| ReadPage(Box::new(page)))
        },
    ))
}

fn page_peeker(shape: PageShape) -> Keep {
    Keep::Page(Arc::new(
        move |_: StatusCode, headers: &HeaderMap, body: &Bytes| {
            shape
                .peek(body)
                .map(|page| ReadPage(Box::new(page.with_next_link(next_link(headers)))))
        },
    ))
}

impl CallScope {
    fn new(operation: Operation, idempotency_key: Option<String>) -> Self {
        Self {
            operation,
            idempotency_key,
            keep: Keep::Nothing,
            notes: Arc::default(),
        }
    }

    fn keeping(self, keep: Keep) -> Self {
        Self { keep, ..self }
    }

    fn lock(notes: &Mutex<Notes>) -> std::sync::MutexGuard<'_, Notes> {
        match notes.lock() {
            Ok(notes) => notes,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    fn take_notes(notes: &Mutex<Notes>) -> Notes {
        std::mem::take(&mut *Self::lock(notes))
    }
}

#[derive(Debug, Default)]
struct Notes {
    /// The body of the final successful response, when kept.
    body: Option<Bytes>,
    /// That body read as a listing page, when it is one.
    page: Option<ReadPage>,
    /// Why that body is not a listing page, when it is not.
    not_a_page: Option<String>,
    /// The status of the final successful response, when its body was kept.
    status: Option<u16>,
    /// The status of a success whose body could not be read, for a call that was not repeated: a
    /// write the provider applied but whose answer was lost.
    unread_success: Option<u16>,
    /// Why no OAuth token could be had for the request, which was then not sent.
    no_token: Option<Error>,
}

/// The status of the stand-in answer the generated client gets when the runtime keeps the body
/// itself: one that no operation documents, so the generated client decodes nothing.
const KEPT_BODY_STATUS: u16 = 599;

/// How [`HttpRuntime::attempts`] sends one request.
struct Plan<'a> {
    /// The port call's scope, which receives what the attempts learn; none for a native call or
    /// a token request.
    scope: Option<CallScope>,
    /// The port operation, for spans.
    operation: Option<Operation>,
    /// Whether the request may be sent again after a failure that may have reached the provider.
    repeatable: bool,
    /// The token source whose token each attempt carries, if any.
    oauth: Option<&'a TokenSource>,
    /// Whether the credentials are redacted from a success's body: not from a token answer,
    /// which may hold the refresh token that was sent.
    redact: bool,
}

/// Reads the requests left from a rate-limit header's value; see
/// [`HttpRuntimeBuilder::remaining_header_with`].
pub type RemainingParser = fn(&str) -> Option<u64>;

/// A failed response, as handed to an adapter's classifier.
#[derive(Debug)]
pub struct FailedResponse<'a> {
    /// The status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: &'a HeaderMap,
    /// The start of the body (up to 64 KiB).
    pub body: &'a [u8],
}

/// What an adapter's classifier learned from a failed response. Unset parts fall back to what the
/// status says.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Classification {
    /// The kind, when the status alone would mislead (a throttling 403, say).
    pub kind: Option<ErrorKind>,
    /// The provider's error code.
    pub code: Option<String>,
    /// The provider's message.
    pub message: Option<String>,
    /// The provider's request id.
    pub request_id: Option<String>,
    /// Whether asking again cannot help: a throttling answer whose body says the limit lasts
    /// (HubSpot's daily limit) ends the call at once instead of being retried. The classifier
    /// sees every 429 before the runtime decides on a retry.
    pub final_answer: bool,
}

impl Classification {
    /// Sets the message from the parts a provider's error body holds (a summary, a detail,
    /// per-field problems), joined with `: `; absent and blank parts are skipped, and no part at all
    /// leaves the message unset.
    pub fn with_message_parts(mut self, parts: impl IntoIterator<Item = Option<String>>) -> Self {
        let message = parts
            .into_iter()
            .flatten()
            .filter(|p| !p.trim().is_empty())
            .collect::<Vec<_>>()
            .join(": ");
        self.message = (!message.is_empty()).then_some(message);
        self
    }

    /// What `classifier` reads from a response of `status` with `body` and no headers: for
    /// adapters' tests of their classifier.
    pub fn sample(classifier: Classifier, status: u16, body: &str) -> Self {
        let headers = HeaderMap::new();
        classifier(&FailedResponse {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            headers: &headers,
            body: body.as_bytes(),
        })
    }
}

/// An adapter's one function that reads a failed response.
pub type Classifier = fn(&FailedResponse<'_>) -> Classification;

fn no_classification(_: &FailedResponse<'_>) -> Classification {
    Classification::default()
}

/// How requests to one provider account are made. It is the generated client's inner state, so every
/// generated call goes through it.
#[derive(Clone)]
pub struct HttpRuntime {
    inner: Arc<Settings>,
}

#[derive(Clone)]
struct Settings {
    provider: &'static str,
    credentials: Credentials,
    retry: RetryPolicy,
    request_timeout: Option<Duration>,
    idempotency_header: Option<HeaderName>,
    reset_headers: Vec<ResetHeader>,
    request_id_headers: Vec<HeaderName>,
    remaining_header: Option<(HeaderName, RemainingParser)>,
    strip_headers: Vec<HeaderName>,
    classifier: Classifier,
    /// Every spelling of the credentials, removed from each error made from a provider's answer
    /// (for OAuth, the token source's, which learns each token).
    redactor: Arc<Redactor>,
}

impl fmt::Debug for HttpRuntime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRuntime")
            .field("provider", &self.inner.provider)
            .field("credentials", &self.inner.credentials)
            .field("retry", &self.inner.retry)
            .field("request_timeout", &self.inner.request_timeout)
            .finish_non_exhaustive()
    }
}

/// Builds an [`HttpRuntime`].
#[derive(Clone)]
pub struct HttpRuntimeBuilder {
    settings: Settings,
}

impl fmt::Debug for HttpRuntimeBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRuntimeBuilder")
            .field("provider", &self.settings.provider)
            .field("credentials", &self.settings.credentials)
            .finish_non_exhaustive()
    }
}

impl HttpRuntime {
    /// Starts a runtime for a provider, with default retries, a 30 s request timeout and no credentials.
    pub fn builder(provider: &'static str) -> HttpRuntimeBuilder {
        HttpRuntimeBuilder {
            settings: Settings {
                provider,
                credentials: Credentials::None,
                retry: RetryPolicy::default(),
                request_timeout: Some(Duration::from_secs(30)),
                idempotency_header: None,
                reset_headers: Vec::new(),
                request_id_headers: vec![HeaderName::from_static("x-request-id")],
                remaining_header: None,
                // progenitor adds `api-version` with the spec's version to every request; providers
                // do not expect it.
                strip_headers: vec![HeaderName::from_static("api-version")],
                classifier: no_classification,
                redactor: Arc::default(),
            },
        }
    }

    /// The provider's name.
    pub fn provider(&self) -> &'static str {
        self.inner.provider
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// Runs one port operation's HTTP calls: `call` is the generated client's `send()` future. Requests
    /// made inside are retried as the operation allows and carry the idempotency key, if any, in the
    /// provider's idempotency header; a failure becomes an [`Error`] naming the operation.
    pub async fn run<T, E, F>(
        &self,
        operation: Operation,
        idempotency_key: Option<String>,
        call: F,
    ) -> Result<T>
    where
        F: Future<Output = std::result::Result<ResponseValue<T>, progenitor_client::Error<E>>>,
    {
        let scope = CallScope::new(operation, idempotency_key);
        let notes = scope.notes.clone();
        match CALL.scope(scope, call).await {
            Ok(value) => Ok(value.into_inner()),
            Err(error) => {
                let notes = CallScope::take_notes(&notes);
                if let Some(no_token) = notes.no_token {
                    return Err(no_token);
                }
                Err(self.failed(operation, notes.unread_success, error).await)
            }
        }
    }

    /// Like [`run`](Self::run) for an operation whose answer the adapter maps from the provider's
    /// JSON: returns the response body as JSON (`null` when it is empty), parsed once. The generated
    /// client's typed value is not decoded, since the JSON keeps everything the provider sent. A write
    /// whose success is not JSON fails with [`ErrorKind::OutcomeUnknown`].
    pub async fn run_json<T, E, F>(
        &self,
        operation: Operation,
        idempotency_key: Option<String>,
        call: F,
    ) -> Result<serde_json::Value>
    where
        F: Future<Output = std::result::Result<ResponseValue<T>, progenitor_client::Error<E>>>,
    {
        let scope = CallScope::new(operation, idempotency_key).keeping(Keep::Json);
        let notes = scope.notes.clone();
        let outcome = CALL.scope(scope, call).await;
        let kept = CallScope::take_notes(&notes);
        if let Some(no_token) = kept.no_token {
            return Err(no_token);
        }
        match (kept.body, outcome) {
            (Some(body), _) => self.json_of(operation, kept.status, &body),
            (None, Ok(_)) => Ok(serde_json::Value::Null),
            (None, Err(error)) => Err(self.failed(operation, kept.unread_success, error).await),
        }
    }

    fn json_of(
        &self,
        operation: Operation,
        status: Option<u16>,
        body: &[u8],
    ) -> Result<serde_json::Value> {
        if body.trim_ascii().is_empty() {
            return Ok(serde_json::Value::Null);
        }
        serde_json::from_slice(body).map_err(|error| {
            let mut error = Error::new(ErrorKind::Decode, self.inner.provider)
                .with_operation(operation)
                .with_message(format!("the response is not JSON: {error}"))
                .with_body_excerpt(body);
            if let Some(status) = status {
                error = error.with_status(status);
            }
            let error = self.redact(error);
            if operation.is_idempotent() {
                error
            } else {
                crate::kit::applied_but_unreadable(self.inner.provider, operation, error)
            }
        })
    }

    /// Like [`run_json`](Self::run_json), for one page of a listing, read with
    /// [`PageShape::read`]: the items are cut out as the provider's JSON text and nothing else
    /// decodes the body. An answer that is not a complete page as `shape` spells it (items absent
    /// or not an array, "more" without a way to get it) is retried like any transient failure when
    /// the operation is a read, then fails with [`ErrorKind::Decode`] naming the operation, with an
    /// excerpt of the body. A listing never ends early because a body was well-formed but wrong.
    pub async fn run_page<T, R, E, F>(
        &self,
        operation: Operation,
        shape: PageShape,
        call: F,
    ) -> Result<ListingPage<T>>
    where
        T: serde::de::DeserializeOwned + Send + 'static,
        F: Future<Output = std::result::Result<ResponseValue<R>, progenitor_client::Error<E>>>,
    {
        self.run_reading(operation, page_reader::<T>(shape), call)
            .await
    }

    /// Like [`run_page`](Self::run_page), but the page's items are not decoded yet: only what the
    /// page says about the next one is read ([`PageShape::peek`]), so that the next page can be
    /// asked for before this one's items are decoded ([`PeekedPage::read`]).
    pub async fn run_page_peeked<R, E, F>(
        &self,
        operation: Operation,
        shape: PageShape,
        call: F,
    ) -> Result<PeekedPage>
    where
        F: Future<Output = std::result::Result<ResponseValue<R>, progenitor_client::Error<E>>>,
    {
        self.run_reading(operation, page_peeker(shape), call).await
    }

    /// The items of a page read with [`run_page_peeked`](Self::run_page_peeked), decoded into `T`;
    /// a page that is not one after all is an [`ErrorKind::Decode`] error, as for
    /// [`run_page`](Self::run_page) (it is not asked for again: a listing reads it when the
    /// consumer reaches it).
    pub fn read_peeked<T: serde::de::DeserializeOwned>(
        &self,
        operation: Operation,
        page: &PeekedPage,
    ) -> Result<ListingPage<T>> {
        page.read::<T>()
            .map_err(|problem| self.not_a_page(operation, Some(&problem), None, page.body()))
    }

    /// [`read_peeked`](Self::read_peeked), each item mapped by `map` as soon as it is decoded
    /// ([`PeekedPage::read_mapped`]): a listing maps a page's items without first keeping all of
    /// their typed views. The first error of `map` is the result.
    pub fn read_peeked_mapped<T: serde::de::DeserializeOwned, U>(
        &self,
        operation: Operation,
        page: &PeekedPage,
        map: impl FnMut(crate::kit::page::PageItem<T>) -> Result<U>,
    ) -> Result<Vec<U>> {
        page.read_mapped(map)
            .map_err(|problem| self.not_a_page(operation, Some(&problem), None, page.body()))?
    }

    async fn run_reading<P: 'static, R, E, F>(
        &self,
        operation: Operation,
        reader: Keep,
        call: F,
    ) -> Result<P>
    where
        F: Future<Output = std::result::Result<ResponseValue<R>, progenitor_client::Error<E>>>,
    {
        let scope = CallScope::new(operation, None).keeping(reader);
        let notes = scope.notes.clone();
        let outcome = CALL.scope(scope, call).await;
        let mut kept = CallScope::take_notes(&notes);
        if let Some(no_token) = kept.no_token.take() {
            return Err(no_token);
        }
        if kept.page.is_none() && kept.body.is_none() {
            return match outcome {
                Ok(_) => Err(self.not_a_page(operation, None, None, &[])),
                Err(error) => Err(self.failed(operation, kept.unread_success, error).await),
            };
        }
        self.page_of(operation, kept)
    }

    /// The page `execute` read, or the error saying why the answer was not one.
    fn page_of<P: 'static>(&self, operation: Operation, kept: Notes) -> Result<P> {
        match kept.page.map(|page| page.0.downcast::<P>()) {
            Some(Ok(page)) => Ok(*page),
            _ => Err(self.not_a_page(
                operation,
                kept.not_a_page.as_deref(),
                kept.status,
                kept.body.as_deref().unwrap_or_default(),
            )),
        }
    }

    fn not_a_page(
        &self,
        operation: Operation,
        problem: Option<&str>,
        status: Option<u16>,
        body: &[u8],
    ) -> Error {
        let problem = problem.unwrap_or("it could not be read");
        let mut error = Error::new(ErrorKind::Decode, self.inner.provider)
            .with_operation(operation)
            .with_message(format!(
                "the answer is not a complete listing page: {problem}"
            ))
            .with_body_excerpt(body);
        if let Some(status) = status {
            error = error.with_status(status);
        }
        self.redact(error)
    }

    /// The port's error for a failed generated call: a write whose success could not be read is
    /// [`ErrorKind::OutcomeUnknown`], whatever the generated client made of it.
    async fn failed<E>(
        &self,
        operation: Operation,
        unread_success: Option<u16>,
        error: progenitor_client::Error<E>,
    ) -> Error {
        // A success the generated type cannot read: for a write, the provider applied it.
        let applied = !operation.is_idempotent()
            && matches!(error, progenitor_client::Error::InvalidResponsePayload(..));
        let error = self.error_from(operation, error).await;
        if applied {
            return crate::kit::applied_but_unreadable(self.inner.provider, operation, error);
        }
        self.lost_answer(operation, unread_success, error)
    }

    /// `error`, unless the call was a write whose success could not be read: then
    /// [`ErrorKind::OutcomeUnknown`] with the status the provider answered.
    fn lost_answer(
        &self,
        operation: Operation,
        unread_success: Option<u16>,
        error: Error,
    ) -> Error {
        match unread_success {
            Some(status) => Error::new(ErrorKind::OutcomeUnknown, self.inner.provider)
                .with_operation(operation)
                .with_status(status)
                .with_message(format!(
                    "the provider answered {status}, so the write was applied, but the answer was \
                     lost ({})",
                    error.message().unwrap_or("unreadable")
                ))
                .with_source(error),
            None => error,
        }
    }

    /// Sends a request built by hand (for endpoints the spec cannot describe) through the same
    /// credentials, retries and error classification, and returns the JSON body.
    pub async fn send_json(
        &self,
        client: &reqwest::Client,
        operation: Operation,
        request: reqwest::Request,
    ) -> Result<serde_json::Value> {
        let kept = self
            .send_kept(client, operation, Keep::Json, request)
            .await?;
        self.json_of(
            operation,
            kept.status,
            kept.body.as_deref().unwrap_or_default(),
        )
    }

    /// Like [`send_json`](Self::send_json), for one page of a listing: read and checked against
    /// `shape` as [`run_page`](Self::run_page) does.
    pub async fn send_page<T: serde::de::DeserializeOwned + Send + 'static>(
        &self,
        client: &reqwest::Client,
        operation: Operation,
        shape: PageShape,
        request: reqwest::Request,
    ) -> Result<ListingPage<T>> {
        let kept = self
            .send_kept(client, operation, page_reader::<T>(shape), request)
            .await?;
        self.page_of(operation, kept)
    }

    /// Sends a hand-built request and returns what `execute` kept of its successful answer.
    async fn send_kept(
        &self,
        client: &reqwest::Client,
        operation: Operation,
        keep: Keep,
        mut request: reqwest::Request,
    ) -> Result<Notes> {
        let scope = CallScope::new(operation, None).keeping(keep);
        let notes = scope.notes.clone();
        let info = OperationInfo {
            operation_id: "hand_built",
        };
        let outcome = CALL
            .scope(scope, async {
                self.prepare(&mut request);
                self.execute(client, request, &info).await
            })
            .await;
        if let Some(no_token) = CallScope::lock(&notes).no_token.take() {
            return Err(no_token);
        }
        let response = outcome.map_err(|error| {
            let unread = CallScope::lock(&notes).unread_success;
            self.lost_answer(operation, unread, self.transport_error(operation, error))
        })?;
        let status = response.status();
        if status.as_u16() == KEPT_BODY_STATUS {
            return Ok(CallScope::take_notes(&notes));
        }
        let headers = response.headers().clone();
        let body = read_bounded(response).await;
        Err(self.classify(operation, status, &headers, &body))
    }

    /// Sends a hand-built request for a file and streams its body: the request is retried as any
    /// read is until the provider answers with the file, whose chunks then come as they arrive
    /// (a body cut short ends the stream with a transport error). An error answer is classified
    /// as for every other call. The credentials go with it only when `authenticate` is set: a file
    /// served from elsewhere (a signed storage URL) must not receive them.
    pub async fn send_download(
        &self,
        client: &reqwest::Client,
        operation: Operation,
        mut request: reqwest::Request,
        authenticate: bool,
    ) -> Result<Download> {
        let scope = CallScope::new(operation, None).keeping(Keep::Stream);
        let notes = scope.notes.clone();
        let info = OperationInfo {
            operation_id: "download",
        };
        let outcome = CALL
            .scope(scope, async {
                if authenticate {
                    self.prepare(&mut request);
                }
                self.execute(client, request, &info).await
            })
            .await;
        if let Some(no_token) = CallScope::lock(&notes).no_token.take() {
            return Err(no_token);
        }
        let response = outcome.map_err(|error| self.transport_error(operation, error))?;
        let status = response.status();
        if !status.is_success() {
            let headers = response.headers().clone();
            let body = read_bounded(response).await;
            return Err(self.classify(operation, status, &headers, &body));
        }
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let length = response.content_length();
        let runtime = self.clone();
        let chunks = futures::StreamExt::map(response.bytes_stream(), move |chunk| {
            chunk.map_err(|error| runtime.transport_error(operation, error))
        });
        Ok(Download::new(content_type, length, chunks))
    }

    /// Runs any future in an operation's scope (for calls made without a generated client).
    pub async fn scoped<F: Future>(
        &self,
        operation: Operation,
        idempotency_key: Option<String>,
        call: F,
    ) -> F::Output {
        CALL.scope(CallScope::new(operation, idempotency_key), call)
            .await
    }

    /// The generated client's `pre` hook: strips headers the provider does not want, adds the credentials
    /// (as a sensitive header) and the idempotency key of the current operation.
    pub fn prepare(&self, request: &mut reqwest::Request) {
        let headers = request.headers_mut();
        for name in &self.inner.strip_headers {
            headers.remove(name);
        }
        if let Some((name, value)) = self.inner.credentials.header_pair() {
            headers.insert(name, value);
        }
        if matches!(self.inner.credentials, Credentials::OAuth(_)) {
            headers.insert(OAUTH_MARKER, HeaderValue::from_static("1"));
        }
        if let Some(header) = &self.inner.idempotency_header
            && let Ok(Some(key)) = CALL.try_with(|scope| scope.idempotency_key.clone())
            && let Ok(value) = HeaderValue::from_str(&key)
        {
            headers.insert(header.clone(), value);
        }
    }

    /// The generated client's `exec` hook: sends the request, retrying as the operation allows.
    ///
    /// Reads are retried on 429, 500/502/503/504, timeouts and connection failures, including a
    /// successful answer whose body is cut short, reset or stalled past the timeout after its headers
    /// (read whole here, inside the loop), and, for a listing run with
    /// [`run_page`](Self::run_page), an answer that is not a complete page. Writes are retried
    /// only when the provider provably did not process them (429; a connection that could not be
    /// established) or when they carry an idempotency key the provider honours; a write whose success
    /// could not be read fails with [`ErrorKind::OutcomeUnknown`]. Waits follow
    /// exponential backoff with jitter, or the provider's `Retry-After` / reset headers up to
    /// [`RetryPolicy::max_retry_after`]; a longer requested wait, or one past the total budget, ends the
    /// retries and the caller gets the throttling response as [`ErrorKind::RateLimited`].
    ///
    /// Under [`Credentials::OAuth`], each attempt of a request [`prepare`](Self::prepare)d for it
    /// carries the token source's current token, fetched first when there is none valid. A 401
    /// to a request that carried one drops that token and repeats the request once with a new one.
    /// When no token can be had the request is not sent: the port's call fails with the token
    /// endpoint's error, and a native caller gets a 401 answer that says why.
    pub async fn execute(
        &self,
        client: &reqwest::Client,
        mut request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let scope = CALL.try_with(Clone::clone).ok();
        let operation = scope.as_ref().map(|s| s.operation);
        let prepared = request.headers_mut().remove(OAUTH_MARKER).is_some();
        let oauth = match &self.inner.credentials {
            Credentials::OAuth(source) if prepared => Some(source),
            _ => None,
        };
        let repeatable = match &scope {
            Some(scope) => {
                scope.operation.is_idempotent()
                    || (scope.idempotency_key.is_some() && self.inner.idempotency_header.is_some())
            }
            // A native call outside the port: only the HTTP method tells.
            None => matches!(
                *request.method(),
                Method::GET | Method::HEAD | Method::OPTIONS
            ),
        };
        let plan = Plan {
            scope,
            operation,
            repeatable,
            oauth,
            redact: true,
        };
        self.attempts(client, request, info, plan).await
    }

    /// [`execute`](Self::execute)'s loop, for `plan`.
    async fn attempts(
        &self,
        client: &reqwest::Client,
        mut request: reqwest::Request,
        info: &OperationInfo,
        plan: Plan<'_>,
    ) -> reqwest::Result<reqwest::Response> {
        let Plan {
            scope,
            operation,
            repeatable,
            oauth,
            redact,
        } = plan;
        *request.timeout_mut() = self.inner.request_timeout;
        let policy = &self.inner.retry;
        let mut waited = Duration::ZERO;
        let mut attempt = 1u32;
        let mut max_attempts = policy.max_attempts;
        // Whether a refused token was renewed already: once per call.
        let mut renewed = false;
        loop {
            let mut token: Option<Token> = None;
            if let Some(source) = oauth {
                match self.token(client, source, operation).await {
                    Ok(fresh) => {
                        if let Some(value) = source.header_value(&fresh) {
                            request
                                .headers_mut()
                                .insert(reqwest::header::AUTHORIZATION, value);
                        }
                        token = Some(fresh);
                    }
                    Err(error) => return Ok(self.no_token(scope.as_ref(), error)),
                }
            }
            let span = tracing::debug_span!(
                "support.http",
                provider = self.inner.provider,
                operation = operation.map(Operation::name).unwrap_or("native"),
                endpoint = info.operation_id,
                method = %request.method(),
                path = request.url().path(),
                attempt,
                status = tracing::field::Empty,
                ratelimit_remaining = tracing::field::Empty,
                wait_ms = tracing::field::Empty,
            );
            // A body that cannot be cloned (a stream) can be sent only once.
            let (this_try, only_try) = match request.try_clone() {
                Some(copy) => (copy, false),
                None => {
                    let url = request.url().clone();
                    (
                        std::mem::replace(&mut request, reqwest::Request::new(Method::GET, url)),
                        true,
                    )
                }
            };
            if let Some(scope) = scope.as_ref() {
                // Only the last attempt's answer counts.
                let mut notes = CallScope::lock(&scope.notes);
                notes.body = None;
                notes.page = None;
                notes.not_a_page = None;
                notes.status = None;
            }
            let outcome = client.execute(this_try).instrument(span.clone()).await;
            // A token the API refused: drop it and repeat once with a new one. The request was
            // refused, not processed, so even a write may be repeated.
            if let (Ok(response), Some(source), Some(refused)) = (&outcome, oauth, &token)
                && response.status() == StatusCode::UNAUTHORIZED
                && !renewed
                && !only_try
            {
                span.record("status", 401u16);
                tracing::debug!(parent: &span, "the access token was refused; renewing it once");
                source.refused(refused);
                renewed = true;
                max_attempts = max_attempts.saturating_add(1);
                attempt += 1;
                continue;
            }
            // A success is read whole here, inside the retry loop: a body cut short, reset or stalled
            // after the headers is a transport failure like any other, and a listing's page is checked.
            let mut body_lost = None;
            let mut not_a_page = false;
            let mut final_answer = false;
            let outcome = match (outcome, scope.as_ref()) {
                (Ok(response), Some(scope))
                    if response.status().is_success() && matches!(scope.keep, Keep::Stream) =>
                {
                    Ok(response)
                }
                (Ok(response), Some(scope)) if response.status().is_success() => {
                    let status = response.status();
                    match read_whole(response, &self.redactor()).await {
                        Ok((response, body)) => match &scope.keep {
                            Keep::Nothing => Ok(response),
                            keep => {
                                let (page, problem) = match keep {
                                    Keep::Page(read) => {
                                        match read(status, response.headers(), &body) {
                                            Ok(page) => (Some(page), None),
                                            Err(problem) => {
                                                tracing::debug!(parent: &span, "not a complete page: {problem}");
                                                not_a_page = true;
                                                (None, Some(problem))
                                            }
                                        }
                                    }
                                    _ => (None, None),
                                };
                                let mut notes = CallScope::lock(&scope.notes);
                                notes.body = Some(body);
                                notes.page = page;
                                notes.not_a_page = problem;
                                notes.status = Some(status.as_u16());
                                Ok(kept_body_answer())
                            }
                        },
                        Err(error) => {
                            span.record("status", status.as_u16());
                            body_lost = Some(status.as_u16());
                            Err(error)
                        }
                    }
                }
                // A throttling answer is read whole so the classifier can say whether a retry
                // could help (a daily limit, say, lasts for hours).
                (Ok(response), _) if is_throttled(response.status()) && !only_try => {
                    let status = response.status();
                    match read_whole(response, &self.redactor()).await {
                        Ok((response, body)) => {
                            let found = (self.inner.classifier)(&FailedResponse {
                                status,
                                headers: response.headers(),
                                body: &body,
                            });
                            final_answer = found.final_answer;
                            Ok(response)
                        }
                        Err(error) => {
                            span.record("status", status.as_u16());
                            body_lost = Some(status.as_u16());
                            Err(error)
                        }
                    }
                }
                (Ok(response), None) if response.status().is_success() => {
                    let status = response.status();
                    let redactor = if redact {
                        self.redactor()
                    } else {
                        Arc::default()
                    };
                    match read_whole(response, &redactor).await {
                        Ok((response, _)) => Ok(response),
                        Err(error) => {
                            span.record("status", status.as_u16());
                            body_lost = Some(status.as_u16());
                            Err(error)
                        }
                    }
                }
                (other, _) => other,
            };
            let wait = match &outcome {
                // The provider answered but its answer was lost, or was no page: a read asks again;
                // a write must not be repeated.
                _ if only_try || final_answer => None,
                _ if body_lost.is_some() || not_a_page => {
                    repeatable.then(|| policy.backoff(attempt))
                }
                Ok(response) => {
                    span.record("status", response.status().as_u16());
                    if let Some(remaining) =
                        self.inner
                            .remaining_header
                            .as_ref()
                            .and_then(|(name, parse)| {
                                parse(response.headers().get(name)?.to_str().ok()?.trim())
                            })
                    {
                        span.record("ratelimit_remaining", remaining);
                    }
                    self.wait_after_status(response, repeatable, attempt)
                }
                // Nothing reached the provider: safe to repeat, even a write.
                Err(error) if error.is_connect() => Some(policy.backoff(attempt)),
                Err(error) if repeatable && (error.is_timeout() || error.is_request()) => {
                    Some(policy.backoff(attempt))
                }
                Err(_) => None,
            };
            match wait {
                Some(wait) if attempt < max_attempts && waited + wait <= policy.budget => {
                    span.record("wait_ms", wait.as_millis() as u64);
                    tracing::debug!(parent: &span, "retrying after {wait:?}");
                    tokio::time::sleep(wait).await;
                    waited += wait;
                    attempt += 1;
                }
                _ => {
                    if let (Some(status), Some(scope), false) =
                        (body_lost, scope.as_ref(), repeatable)
                    {
                        CallScope::lock(&scope.notes).unread_success = Some(status);
                    }
                    return outcome;
                }
            }
        }
    }

    /// A token from `source`: the cached one while valid, else one fetched from the token
    /// endpoint (one fetch for all the callers that need it at once).
    async fn token(
        &self,
        client: &reqwest::Client,
        source: &TokenSource,
        operation: Option<Operation>,
    ) -> Result<Token> {
        let provider = self.inner.provider;
        source
            .token(provider, operation, || {
                Box::pin(self.fetch_token(client, source, operation))
            })
            .await
    }

    /// Asks the token endpoint for a token, through the retry policy; the answer's JSON. A
    /// password grant renewing with its refresh token falls back to the password when the
    /// refresh token is refused.
    async fn fetch_token(
        &self,
        client: &reqwest::Client,
        source: &TokenSource,
        operation: Option<Operation>,
    ) -> Result<serde_json::Value> {
        let (grant, fallback) = source.next_grant();
        match self.request_token(client, source, operation, &grant).await {
            Err(error) if fallback && error.kind() == &ErrorKind::Unauthenticated => {
                tracing::debug!("the refresh token was refused; asking with the password grant");
                source.forget_refresh_token();
                self.request_token(client, source, operation, source.grant())
                    .await
            }
            outcome => outcome,
        }
    }

    /// One token request for `grant`, through the retry policy; the answer's JSON.
    async fn request_token(
        &self,
        client: &reqwest::Client,
        source: &TokenSource,
        operation: Option<Operation>,
        grant: &super::oauth::Grant,
    ) -> Result<serde_json::Value> {
        let provider = self.inner.provider;
        let with_operation = |error: Error| match operation {
            Some(operation) => error.with_operation(operation),
            None => error,
        };
        let url = source.token_endpoint().unwrap_or_default();
        let url = reqwest::Url::parse(url).map_err(|_| {
            with_operation(Error::configuration(
                provider,
                "the OAuth token endpoint is not an absolute URL: build the adapter with it, or \
                 give the TokenSource an absolute token_url()",
            ))
        })?;
        let (form, basic) = source
            .request_parts(provider, grant)
            .map_err(|error| self.redact(with_operation(error)))?;
        let mut request = reqwest::Request::new(Method::POST, url);
        let headers = request.headers_mut();
        headers.insert(
            reqwest::header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        headers.insert(
            reqwest::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        );
        if let Some(basic) = basic {
            headers.insert(reqwest::header::AUTHORIZATION, basic);
        }
        *request.body_mut() = Some(reqwest::Body::from(form));
        // Asking for a token changes nothing a repeat could harm: transient failures are retried.
        let plan = Plan {
            scope: None,
            operation,
            repeatable: true,
            oauth: None,
            redact: false,
        };
        let response = Box::pin(self.attempts(client, request, &TOKEN_INFO, plan))
            .await
            .map_err(|error| {
                let error =
                    self.transport_error(operation.unwrap_or(Operation::CheckConnection), error);
                let error = Error::new(error.kind().clone(), provider)
                    .with_message(format!(
                        "the OAuth token endpoint could not be reached: {}",
                        error.message().unwrap_or("no answer")
                    ))
                    .with_source(error);
                with_operation(error)
            })?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = read_bounded(response).await;
        if !status.is_success() {
            let fallback = default_kind(status, &headers, &self.inner.reset_headers);
            let error = source.refusal(provider, status, &headers, &body, fallback, grant);
            return Err(self.redact(with_operation(error)));
        }
        let answer: serde_json::Value = serde_json::from_slice(&body).map_err(|_| {
            // The body may hold the token: no excerpt.
            self.redact(with_operation(
                Error::new(ErrorKind::Unauthenticated, provider)
                    .with_status(status.as_u16())
                    .with_message(format!(
                        "the OAuth token endpoint's answer to the {} grant is not JSON",
                        grant.grant_type()
                    )),
            ))
        })?;
        // Some endpoints (Zoho Accounts) refuse a grant with 200 and `{"error": "invalid_code"}`:
        // a refusal like a 400, not an answer without a token.
        if answer.get("access_token").is_none()
            && answer
                .get("error")
                .and_then(serde_json::Value::as_str)
                .is_some_and(|e| !e.trim().is_empty())
        {
            let error = source.refusal(
                provider,
                status,
                &headers,
                &body,
                ErrorKind::Unauthenticated,
                grant,
            );
            return Err(self.redact(with_operation(error)));
        }
        Ok(answer)
    }

    /// What a request for which no token could be had gets instead of an answer: the port's call
    /// keeps the error in its notes; a native caller sees a 401 that says why.
    fn no_token(&self, scope: Option<&CallScope>, error: Error) -> reqwest::Response {
        let error = self.redact(error);
        let body = serde_json::json!({
            "error": "no_access_token",
            "error_description": error.to_string(),
        });
        tracing::debug!("no OAuth access token: {error}");
        if let Some(scope) = scope {
            CallScope::lock(&scope.notes).no_token = Some(error);
        }
        let mut answer = http::Response::new(Bytes::from(body.to_string()));
        *answer.status_mut() = StatusCode::UNAUTHORIZED;
        answer.headers_mut().insert(
            reqwest::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        reqwest::Response::from(answer)
    }

    /// The token source, under [`Credentials::OAuth`].
    pub fn token_source(&self) -> Option<&TokenSource> {
        match &self.inner.credentials {
            Credentials::OAuth(source) => Some(source),
            _ => None,
        }
    }

    /// Under [`Credentials::OAuth`], makes sure a token is held (fetching one if needed) and
    /// returns the non-secret fields of the token answer, such as Salesforce's `instance_url`;
    /// `None` under other credentials. `operation` names the call in errors and spans.
    pub async fn token_answer(
        &self,
        client: &reqwest::Client,
        operation: Operation,
    ) -> Result<Option<TokenAnswer>> {
        let Some(source) = self.token_source() else {
            return Ok(None);
        };
        self.token(client, source, Some(operation)).await?;
        Ok(source.answer())
    }

    fn wait_after_status(
        &self,
        response: &reqwest::Response,
        repeatable: bool,
        attempt: u32,
    ) -> Option<Duration> {
        let status = response.status();
        let policy = &self.inner.retry;
        let asked = || requested_wait(response.headers(), &self.inner.reset_headers);
        if is_throttled(status) {
            return match asked() {
                Some(wait) if wait > policy.max_retry_after => None,
                Some(wait) => Some(wait),
                None => Some(policy.backoff(attempt)),
            };
        }
        if repeatable && is_transient(status) {
            return match asked() {
                Some(wait) if wait > policy.max_retry_after => None,
                Some(wait) => Some(wait),
                None => Some(policy.backoff(attempt)),
            };
        }
        None
    }

    /// Removes every spelling of the credentials from an error's provider text (see
    /// [`Error::redacted`]). [`error_from`](Self::error_from), [`classify`](Self::classify),
    /// [`transport_error`](Self::transport_error) and [`send_json`](Self::send_json) apply it already;
    /// an adapter applies it to errors it makes itself from a provider's text.
    pub fn redact(&self, error: Error) -> Error {
        error.redacted(&self.redactor())
    }

    /// Every spelling of the credentials and, for OAuth, of the recent tokens.
    fn redactor(&self) -> Arc<Redactor> {
        match &self.inner.credentials {
            Credentials::OAuth(source) => source.redactor(),
            _ => self.inner.redactor.clone(),
        }
    }

    /// Turns a generated client's error into the port's [`Error`], without any secret.
    pub async fn error_from<E>(
        &self,
        operation: Operation,
        error: progenitor_client::Error<E>,
    ) -> Error {
        let error = self.error_from_unredacted(operation, error).await;
        self.redact(error)
    }

    async fn error_from_unredacted<E>(
        &self,
        operation: Operation,
        error: progenitor_client::Error<E>,
    ) -> Error {
        let provider = self.inner.provider;
        let base = |kind| Error::new(kind, provider).with_operation(operation);
        match error {
            progenitor_client::Error::InvalidRequest(message) => {
                base(ErrorKind::InvalidInput).with_message(message)
            }
            progenitor_client::Error::CommunicationError(source)
            | progenitor_client::Error::InvalidUpgrade(source)
            | progenitor_client::Error::ResponseBodyError(source) => {
                self.transport_error(operation, source)
            }
            progenitor_client::Error::ErrorResponse(response) => {
                let status = response.status();
                base(default_kind(
                    status,
                    response.headers(),
                    &self.inner.reset_headers,
                ))
                .with_status(status.as_u16())
            }
            progenitor_client::Error::InvalidResponsePayload(body, source) => {
                base(ErrorKind::Decode)
                    .with_message(format!(
                        "the response did not match the expected shape: {source}"
                    ))
                    .with_body_excerpt(&body)
                    .with_source(source)
            }
            progenitor_client::Error::UnexpectedResponse(response) => {
                let status = response.status();
                let headers = response.headers().clone();
                let body = read_bounded(response).await;
                self.classify(operation, status, &headers, &body)
            }
            progenitor_client::Error::Custom(message) => {
                base(ErrorKind::InvalidInput).with_message(message)
            }
        }
    }

    /// Classifies a failed response with the adapter's classifier, falling back to the status. The
    /// error carries no spelling of the credentials, even when the body echoes them.
    pub fn classify(
        &self,
        operation: Operation,
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Error {
        if status.is_success() {
            return self.redact(
                Error::new(ErrorKind::Decode, self.inner.provider)
                    .with_operation(operation)
                    .with_status(status.as_u16())
                    .with_message("the provider answered with an undocumented success status")
                    .with_body_excerpt(body),
            );
        }
        let failed = FailedResponse {
            status,
            headers,
            body,
        };
        let found = (self.inner.classifier)(&failed);
        let kind = found
            .kind
            .unwrap_or_else(|| default_kind(status, headers, &self.inner.reset_headers));
        let mut error = Error::new(kind, self.inner.provider)
            .with_operation(operation)
            .with_status(status.as_u16())
            .with_body_excerpt(body);
        if let Some(code) = found.code {
            error = error.with_code(code);
        }
        if let Some(message) = found.message {
            error = error.with_message(message);
        }
        let request_id = found.request_id.or_else(|| {
            self.inner
                .request_id_headers
                .iter()
                .find_map(|name| headers.get(name)?.to_str().ok().map(str::to_owned))
        });
        if let Some(id) = request_id {
            error = error.with_request_id(id);
        }
        self.redact(error)
    }

    /// Maps a transport failure (no usable response) to the port's [`Error`]. A write whose
    /// connection was made but brought back no answer (closed or reset before or within the answer's
    /// head) is [`ErrorKind::OutcomeUnknown`]: the provider may have applied it. One whose
    /// connection could not be made at all is [`ErrorKind::Transport`]: it was never sent.
    pub fn transport_error(&self, operation: Operation, source: reqwest::Error) -> Error {
        // A body cut short or reset after the headers is a transport failure (reqwest may call it a
        // decode or body error); JSON is never decoded by reqwest here.
        let kind = if source.is_timeout() {
            ErrorKind::Timeout
        } else if !operation.is_idempotent() && !source.is_connect() {
            ErrorKind::OutcomeUnknown
        } else {
            ErrorKind::Transport
        };
        // reqwest's message names the URL, never headers; strip it anyway so that no query string leaks.
        let after_headers = source.is_body() || source.is_decode();
        let mut message = source.without_url().to_string();
        if after_headers {
            message = format!("the answer was lost after its headers: {message}");
        } else if kind == ErrorKind::OutcomeUnknown {
            message = format!(
                "the connection brought back no answer, so the write may have been applied: \
                 {message}"
            );
        }
        let source = Error::new(kind.clone(), self.inner.provider).with_message(message.clone());
        self.redact(
            Error::new(kind, self.inner.provider)
                .with_operation(operation)
                .with_message(message)
                .with_source(source),
        )
    }
}

fn default_kind(
    status: StatusCode,
    headers: &HeaderMap,
    reset_headers: &[ResetHeader],
) -> ErrorKind {
    match status {
        StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => ErrorKind::InvalidInput,
        StatusCode::UNAUTHORIZED => ErrorKind::Unauthenticated,
        StatusCode::FORBIDDEN => ErrorKind::PermissionDenied,
        StatusCode::NOT_FOUND | StatusCode::GONE => ErrorKind::NotFound,
        StatusCode::CONFLICT | StatusCode::PRECONDITION_FAILED => ErrorKind::Conflict,
        StatusCode::TOO_MANY_REQUESTS => ErrorKind::RateLimited {
            retry_after: requested_wait(headers, reset_headers),
        },
        StatusCode::REQUEST_TIMEOUT => ErrorKind::Timeout,
        other => ErrorKind::Provider {
            status: other.as_u16(),
        },
    }
}

/// Reads a response's body whole, and hands back a response holding it: identical, except that any
/// spelling of the credentials the provider echoed is replaced by `[REDACTED]`, so
/// that neither a kept `raw` object, nor an error excerpt, nor a log line made from a success can
/// carry them.
/// The stand-in answer for a generated client whose body the runtime kept (see [`Keep`]).
fn kept_body_answer() -> reqwest::Response {
    let mut answer = http::Response::new(Bytes::new());
    *answer.status_mut() =
        StatusCode::from_u16(KEPT_BODY_STATUS).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    reqwest::Response::from(answer)
}

async fn read_whole(
    response: reqwest::Response,
    redactor: &Redactor,
) -> reqwest::Result<(reqwest::Response, Bytes)> {
    let status = response.status();
    let version = response.version();
    let mut headers = response.headers().clone();
    let mut body = response.bytes().await?;
    if let Some(clean) = redactor.redact_bytes(&body) {
        tracing::warn!("the provider's answer echoed the credentials; they were redacted from it");
        body = Bytes::from(clean);
        headers.remove(http::header::CONTENT_LENGTH);
    }
    let mut rebuilt = http::Response::new(body.clone());
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    Ok((reqwest::Response::from(rebuilt), body))
}

async fn read_bounded(mut response: reqwest::Response) -> Bytes {
    let mut body = Vec::new();
    while body.len() < ERROR_BODY_LIMIT {
        match response.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            _ => break,
        }
    }
    body.truncate(ERROR_BODY_LIMIT);
    Bytes::from(body)
}

impl HttpRuntimeBuilder {
    /// Sets the credentials.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.settings.credentials = credentials;
        self
    }

    /// Sets the retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.settings.retry = retry;
        self
    }

    /// Sets the per-attempt timeout (`None`: no timeout).
    pub fn request_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.settings.request_timeout = timeout;
        self
    }

    /// Names the header in which the provider accepts an idempotency key; writes that carry a key become
    /// safe to retry.
    pub fn idempotency_header(mut self, name: HeaderName) -> Self {
        self.settings.idempotency_header = Some(name);
        self
    }

    /// Adds a header that says when the provider's rate-limit window resets.
    pub fn reset_header(mut self, header: ResetHeader) -> Self {
        self.settings.reset_headers.push(header);
        self
    }

    /// Adds a header that carries the provider's request id (checked in order; `x-request-id` is
    /// always checked last).
    pub fn request_id_header(mut self, name: HeaderName) -> Self {
        self.settings.request_id_headers.insert(0, name);
        self
    }

    /// Names the header in which the provider reports the requests left in its rate-limit window;
    /// each request's span records it as `ratelimit_remaining`.
    pub fn remaining_header(mut self, name: HeaderName) -> Self {
        self.settings.remaining_header = Some((name, |value| value.parse().ok()));
        self
    }

    /// Like [`remaining_header`](Self::remaining_header), for a header that is not a bare number:
    /// `parse` reads the requests left from its value (Salesforce's `Sforce-Limit-Info:
    /// api-usage=18/15000`).
    pub fn remaining_header_with(mut self, name: HeaderName, parse: RemainingParser) -> Self {
        self.settings.remaining_header = Some((name, parse));
        self
    }

    /// Sets the adapter's classifier of failed responses.
    pub fn classifier(mut self, classifier: Classifier) -> Self {
        self.settings.classifier = classifier;
        self
    }

    /// Finishes the runtime.
    pub fn build(mut self) -> HttpRuntime {
        self.settings.redactor = Arc::new(self.settings.credentials.redactor());
        HttpRuntime {
            inner: Arc::new(self.settings),
        }
    }
}

/// Settings of the `reqwest::Client` an adapter hands to its generated client.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// Time allowed to establish a connection.
    pub connect_timeout: Duration,
    /// The `User-Agent` header.
    pub user_agent: String,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            user_agent: concat!("support-port/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

impl ClientConfig {
    /// Builds the client: connect timeout, user agent, JSON accept header. Request timeouts are applied
    /// per attempt by [`HttpRuntime::execute`].
    pub fn build(&self, provider: &'static str) -> Result<reqwest::Client> {
        let mut headers = HeaderMap::new();
        headers.insert(
            reqwest::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        );
        reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .user_agent(self.user_agent.clone())
            .default_headers(headers)
            .build()
            .map_err(|error| {
                Error::new(ErrorKind::Transport, provider).with_message(format!(
                    "could not build the HTTP client: {}",
                    error.without_url()
                ))
            })
    }
}

/// Implements the generated client's hooks with an [`HttpRuntime`] as its inner state:
/// `support_core::impl_client_hooks!(generated::Client);` in the adapter crate.
#[macro_export]
macro_rules! impl_client_hooks {
    ($client:ty) => {
        impl ::progenitor_client::ClientHooks<$crate::http::HttpRuntime> for $client {
            async fn pre<E>(
                &self,
                request: &mut ::reqwest::Request,
                _info: &::progenitor_client::OperationInfo,
            ) -> ::std::result::Result<(), ::progenitor_client::Error<E>> {
                ::progenitor_client::ClientInfo::inner(self).prepare(request);
                Ok(())
            }

            async fn exec(
                &self,
                request: ::reqwest::Request,
                info: &::progenitor_client::OperationInfo,
            ) -> ::reqwest::Result<::reqwest::Response> {
                let client = ::progenitor_client::ClientInfo::client(self);
                ::progenitor_client::ClientInfo::inner(self)
                    .execute(client, request, info)
                    .await
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status_and_body(response: &FailedResponse<'_>) -> Classification {
        Classification {
            code: Some(response.status.as_str().to_owned()),
            ..Classification::default()
        }
        .with_message_parts([
            Some(String::from_utf8_lossy(response.body).into_owned()),
            None,
            Some(" ".into()),
            Some("detail".into()),
        ])
    }

    #[test]
    fn classifiers_can_be_sampled_and_messages_join_present_parts() {
        let found = Classification::sample(status_and_body, 422, "invalid");
        assert_eq!(found.code.as_deref(), Some("422"));
        assert_eq!(found.message.as_deref(), Some("invalid: detail"));
        let none = Classification::default().with_message_parts([None, Some(String::new())]);
        assert_eq!(none.message, None);
    }
}
