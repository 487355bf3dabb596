//! An adapter's way to its provider once configured: base URL, HTTP client and runtime together.

use std::fmt;

use serde_json::Value;

use crate::http::HttpRuntime;
use crate::kit::page::{ListingPage, PageShape};
use crate::{Operation, Result};

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
}
