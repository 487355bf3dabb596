//! A raw HTTP client for a simulator's own tests: requests with the accepted credentials, answers
//! as status, headers and JSON.

use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder};
use serde_json::Value;

/// A client of one simulator server.
#[derive(Clone, Debug)]
pub struct SimClient {
    /// The URL paths are appended to (the API root).
    pub base: String,
    /// The HTTP client, for requests built by hand (no or other credentials, odd bodies).
    pub http: reqwest::Client,
    authorization: String,
}

/// An answer: status, headers, and the body as JSON (`Null` when it is not JSON).
#[derive(Clone, Debug)]
pub struct Answer {
    /// The status.
    pub status: u16,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub json: Value,
}

impl Answer {
    /// A header's value, when present and ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl SimClient {
    /// A client of the server at `base` sending this `Authorization` value.
    pub fn new(base: impl Into<String>, authorization: impl Into<String>) -> Self {
        Self {
            base: base.into(),
            http: reqwest::Client::new(),
            authorization: authorization.into(),
        }
    }

    /// The `Authorization` value it sends.
    pub fn authorization(&self) -> &str {
        &self.authorization
    }

    /// Sends a request built by hand.
    pub async fn send(&self, request: RequestBuilder) -> Answer {
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => panic!("the simulator does not answer: {error}"),
        };
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.unwrap_or_default();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Answer {
            status,
            headers,
            json,
        }
    }

    /// `GET base+path?query`, with the credentials.
    pub async fn get(&self, path: &str, query: &[(&str, &str)]) -> Answer {
        self.send(
            self.http
                .get(format!("{}{path}", self.base))
                .query(query)
                .header("authorization", &self.authorization),
        )
        .await
    }

    /// `GET url` (a link the simulator handed out), with the credentials.
    pub async fn get_url(&self, url: &str) -> Answer {
        self.send(
            self.http
                .get(url)
                .header("authorization", &self.authorization),
        )
        .await
    }

    /// A JSON write with the credentials.
    pub async fn write(&self, method: Method, path: &str, body: &Value) -> Answer {
        self.write_with(method, path, body, &[]).await
    }

    /// A JSON write with the credentials and these headers.
    pub async fn write_with(
        &self,
        method: Method,
        path: &str,
        body: &Value,
        headers: &[(&str, &str)],
    ) -> Answer {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("authorization", &self.authorization)
            .json(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request).await
    }

    /// `POST` JSON with the credentials.
    pub async fn post(&self, path: &str, body: &Value) -> Answer {
        self.write(Method::POST, path, body).await
    }

    /// `PUT` JSON with the credentials.
    pub async fn put(&self, path: &str, body: &Value) -> Answer {
        self.write(Method::PUT, path, body).await
    }

    /// Asserts that `GET path` is answered with the provider's 401 `body` for each of these
    /// `Authorization` values (`None`: no header at all).
    pub async fn assert_unauthenticated(
        &self,
        path: &str,
        authorizations: &[Option<String>],
        body: &Value,
    ) {
        for authorization in authorizations {
            let mut request = self.http.get(format!("{}{path}", self.base));
            if let Some(value) = authorization {
                request = request.header("authorization", value);
            }
            let answer = self.send(request).await;
            assert_eq!(answer.status, 401, "{path} with {authorization:?}");
            assert_eq!(&answer.json, body, "{path} with {authorization:?}");
        }
    }

    /// Asserts that each `GET path` is the provider's 404 with `body` (a record that does not
    /// exist).
    pub async fn assert_not_found(&self, paths: &[&str], body: &Value) {
        for path in paths {
            let answer = self.get(path, &[]).await;
            assert_eq!(answer.status, 404, "{path}");
            assert_eq!(&answer.json, body, "{path}");
        }
    }

    /// Asserts that no route serves these `GET`s (path and query): httpmock's own 404, without
    /// the provider's not-found `body`.
    pub async fn assert_unserved(&self, requests: &[(&str, &[(&str, &str)])], body: &Value) {
        for (path, query) in requests {
            let answer = self.get(path, query).await;
            assert_eq!(answer.status, 404, "{path} {query:?}");
            assert_ne!(&answer.json, body, "{path} {query:?} reached a route");
        }
    }
}
