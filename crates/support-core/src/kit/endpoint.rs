//! An adapter's way to its provider once configured: base URL, HTTP client and runtime together.

use std::fmt;

use serde_json::Value;

use crate::http::HttpRuntime;
use crate::kit::page::{ListingPage, PageShape};
use crate::upload::Download;
use crate::{Error, ErrorKind, Operation, Result};

/// The base URL, `reqwest` client and [`HttpRuntime`] an adapter sends through, built by
/// [`Connection::finish`](super::Connection::finish). The generated client is made from the same
/// three ([`Endpoint::client`]); hand-built requests, for endpoints the generated client does not
/// cover as the adapter needs, go through [`Endpoint::get`] and [`Endpoint::get_json`] with the
/// same credentials, retries and tracing. `Debug` never shows a secret.
#[derive(Clone)]
pub struct Endpoint {
    base_url: String,
    http: reqwest::Client,
    runtime: HttpRuntime,
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint")
            .field("base_url", &self.base_url)
            .field("runtime", &self.runtime)
            .finish_non_exhaustive()
    }
}

impl Endpoint {
    /// An endpoint from its parts; the base URL is used as given.
    pub fn new(base_url: String, http: reqwest::Client, runtime: HttpRuntime) -> Self {
        Self {
            base_url,
            http,
            runtime,
        }
    }

    /// The base URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The base URL's host (`acme.zendesk.com`), for messages that name the account; the whole base
    /// URL when it has none.
    pub fn host(&self) -> String {
        reqwest::Url::parse(&self.base_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| self.base_url.clone())
    }

    /// The HTTP client.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The runtime: credentials, retries, classification, tracing.
    pub fn runtime(&self) -> &HttpRuntime {
        &self.runtime
    }

    /// A generated client over this endpoint: `endpoint.client(Client::new_with_client)`.
    pub fn client<C>(&self, new: impl FnOnce(&str, reqwest::Client, HttpRuntime) -> C) -> C {
        new(&self.base_url, self.http.clone(), self.runtime.clone())
    }

    /// A GET request to `path` (below the base URL) with `query`.
    pub fn get(
        &self,
        operation: Operation,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<reqwest::Request> {
        self.http
            .get(format!("{}{path}", self.base_url))
            .query(query)
            .build()
            .map_err(|e| self.runtime.transport_error(operation, e))
    }

    /// Sends [`Endpoint::get`] through the runtime and returns the JSON answer.
    pub async fn get_json(
        &self,
        operation: Operation,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Value> {
        let request = self.get(operation, path, query)?;
        self.runtime.send_json(&self.http, operation, request).await
    }

    /// Sends [`Endpoint::get`] for one page of a listing and returns the page, checked against
    /// `shape` (see [`HttpRuntime::run_page`]).
    pub async fn get_page<T: serde::de::DeserializeOwned + Send + 'static>(
        &self,
        operation: Operation,
        shape: PageShape,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<ListingPage<T>> {
        let request = self.get(operation, path, query)?;
        self.runtime
            .send_page(&self.http, operation, shape, request)
            .await
    }

    /// Streams the file at `url` (an attachment's URL as the provider gave it) through the runtime.
    /// The credentials go only to the account itself (the base URL's scheme, host and port); a
    /// file served from elsewhere, such as a signed storage URL, is fetched without them, so a
    /// URL in provider data can never draw the credentials to another host.
    pub async fn download(&self, operation: Operation, url: &str) -> Result<Download> {
        let target = reqwest::Url::parse(url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .ok_or_else(|| {
                Error::new(ErrorKind::InvalidInput, self.runtime.provider())
                    .with_operation(operation)
                    .with_message(format!(
                        "`{url}` is not an http(s) URL to download; pass an attachment as the \
                         adapter listed it"
                    ))
            })?;
        let own =
            reqwest::Url::parse(&self.base_url).is_ok_and(|base| base.origin() == target.origin());
        let request = self
            .http
            .get(target)
            .build()
            .map_err(|e| self.runtime.transport_error(operation, e))?;
        self.runtime
            .send_download(&self.http, operation, request, own)
            .await
    }
}

#[cfg(test)]
mod tests {
    use httpmock::prelude::*;

    use super::*;
    use crate::http::Credentials;

    fn endpoint(base_url: String) -> Endpoint {
        let runtime = HttpRuntime::builder("acme")
            .credentials(Credentials::bearer("s3cr3t"))
            .request_timeout(None)
            .build();
        Endpoint::new(base_url, reqwest::Client::new(), runtime)
    }

    const OP: Operation = Operation::DownloadAttachment;

    #[tokio::test(start_paused = true)]
    async fn a_download_streams_the_file_and_is_retried_like_a_read() {
        let server = MockServer::start_async().await;
        let busy = server
            .mock_async(|when, then| {
                when.method(GET)
                    .path("/files/1")
                    .header("authorization", "Bearer s3cr3t");
                then.status(503).body("busy");
            })
            .await;
        let endpoint = endpoint(server.base_url());
        let error = endpoint
            .download(OP, &server.url("/files/1"))
            .await
            .unwrap_err();
        assert!(
            matches!(error.kind(), ErrorKind::Provider { .. }),
            "{error}"
        );
        assert!(busy.calls_async().await > 1, "a download is retried");
        busy.delete_async().await;
        server
            .mock_async(|when, then| {
                when.method(GET)
                    .path("/files/1")
                    .header("authorization", "Bearer s3cr3t");
                then.status(200)
                    .header("content-type", "application/pdf")
                    .body(vec![7u8; 100_000]);
            })
            .await;
        let download = endpoint
            .download(OP, &server.url("/files/1"))
            .await
            .unwrap();
        assert_eq!(download.content_type.as_deref(), Some("application/pdf"));
        assert_eq!(download.length, Some(100_000));
        assert_eq!(download.bytes().await.unwrap(), vec![7u8; 100_000]);
    }

    #[tokio::test]
    async fn credentials_go_to_the_account_only() {
        let account = MockServer::start_async().await;
        let storage = MockServer::start_async().await;
        let signed = storage
            .mock_async(|when, then| {
                when.method(GET)
                    .path("/bucket/f.png")
                    .header_missing("authorization");
                then.status(200).body("png");
            })
            .await;
        let endpoint = endpoint(account.base_url());
        let download = endpoint
            .download(OP, &storage.url("/bucket/f.png?X-Amz-Signature=abc"))
            .await
            .unwrap();
        assert_eq!(download.bytes().await.unwrap(), "png");
        signed.assert_async().await;
        let missing = account
            .mock_async(|when, then| {
                when.method(GET).path("/gone");
                then.status(404).body("{}");
            })
            .await;
        let error = endpoint
            .download(OP, &account.url("/gone"))
            .await
            .unwrap_err();
        assert_eq!(error.kind(), &ErrorKind::NotFound);
        missing.assert_async().await;
        for bad in ["ftp://example.com/f", "not a url", "file:///etc/passwd"] {
            let error = endpoint.download(OP, bad).await.unwrap_err();
            assert_eq!(error.kind(), &ErrorKind::InvalidInput, "{bad}");
        }
    }
}
