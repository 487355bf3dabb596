//! Requests as a simulator's handlers see them, and the answers they give.

use httpmock::{HttpMockRequest, HttpMockResponse};
use serde_json::Value;

/// A request, with the path ids its route captured (as strings: providers' ids need not be
/// numbers).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Req {
    /// The method, upper case.
    pub method: String,
    /// The path, after the provider's normaliser (Zendesk's optional `.json` suffix dropped).
    pub path: String,
    /// The `{}` segments of the route's pattern, in order.
    pub ids: Vec<String>,
    /// Query parameters in order, repeated ones repeated.
    pub params: Vec<(String, String)>,
    /// Headers as sent.
    pub headers: Vec<(String, String)>,
    /// The raw body.
    pub body: Vec<u8>,
}

impl Req {
    /// The request httpmock received, with the normalised path and the route's captures.
    pub fn from_mock(request: &HttpMockRequest, path: String, ids: Vec<String>) -> Self {
        Self {
            method: request.method().as_str().to_ascii_uppercase(),
            path,
            ids,
            params: request.query_params(),
            headers: request.headers_vec().clone(),
            body: request.body_vec(),
        }
    }

    /// The value of a query parameter (the first, when repeated).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a (repeatable) query parameter.
    pub fn params_named(&self, name: &str) -> Vec<&str> {
        self.params
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// A header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// The body as JSON, when it is JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// Whether the request declares a JSON body (`Content-Type: application/json`, any case and
    /// parameters).
    pub fn declares_json(&self) -> bool {
        self.header("content-type").is_some_and(|t| {
            t.trim()
                .to_ascii_lowercase()
                .starts_with("application/json")
        })
    }

    /// The path id at `index` (empty when the route captured fewer).
    pub fn id(&self, index: usize) -> &str {
        self.ids.get(index).map_or("", String::as_str)
    }

    /// The path id at `index` as an integer, for providers with numeric ids (0 when it is not one:
    /// no record has it, so the handler answers not found).
    pub fn num(&self, index: usize) -> u64 {
        self.id(index).parse().unwrap_or_default()
    }

    /// The query parameters that are not in `allowed`, and those in `allowed` given more than once,
    /// each named once, in the order they first appear.
    pub fn param_problems(&self, allowed: &[&str]) -> Vec<ParamProblem> {
        let mut problems = Vec::new();
        for (i, (name, _)) in self.params.iter().enumerate() {
            if self.params[..i].iter().any(|(n, _)| n == name) {
                continue;
            }
            if !allowed.contains(&name.as_str()) {
                problems.push(ParamProblem::Unknown(name.clone()));
            } else if self.params.iter().filter(|(n, _)| n == name).count() > 1 {
                problems.push(ParamProblem::Repeated(name.clone()));
            }
        }
        problems
    }
}

/// What is wrong with a query parameter (see [`Req::param_problems`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamProblem {
    /// The endpoint does not take it.
    Unknown(String),
    /// The endpoint takes it once, and got it several times.
    Repeated(String),
}

/// A header, by case-insensitive name.
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// An answer: status, JSON body (`None`: empty), headers of its own.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    /// The status.
    pub status: u16,
    /// The body.
    pub body: Option<Value>,
    /// Headers beyond the provider's common ones.
    pub headers: Vec<(String, String)>,
    /// A file's bytes and content type, served instead of `body` ([`Reply::file`]).
    pub file: Option<(String, Vec<u8>)>,
}

impl Reply {
    /// A JSON answer.
    pub fn new(status: u16, body: Value) -> Self {
        Self {
            status,
            body: Some(body),
            headers: Vec::new(),
            file: None,
        }
    }

    /// An answer without a body (`204 No Content`).
    pub fn empty(status: u16) -> Self {
        Self {
            status,
            body: None,
            headers: Vec::new(),
            file: None,
        }
    }

    /// `200` serving a file: its bytes as they are, with its content type (an attachment's URL).
    pub fn file(content_type: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            status: 200,
            body: None,
            headers: Vec::new(),
            file: Some((content_type.into(), bytes.into())),
        }
    }

    /// `200` with this body.
    pub fn ok(body: Value) -> Self {
        Self::new(200, body)
    }

    /// `201` with this body.
    pub fn created(body: Value) -> Self {
        Self::new(201, body)
    }

    /// The answer with one more header.
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    /// The response httpmock sends: JSON content type, `common` headers (the provider's rate-limit
    /// headers, say), then the answer's own.
    pub fn into_response(self, common: &[(&str, &str)]) -> HttpMockResponse {
        let content_type = match &self.file {
            Some((content_type, _)) => content_type.clone(),
            None => "application/json; charset=utf-8".to_owned(),
        };
        let mut builder = HttpMockResponse::builder()
            .status(self.status)
            .header("content-type", content_type);
        for (name, value) in common {
            builder = builder.header(*name, *value);
        }
        for (name, value) in self.headers {
            builder = builder.header(name, value);
        }
        match self.file {
            Some((_, bytes)) => builder.body(bytes).build(),
            None => builder
                .body(self.body.map(|b| b.to_string()).unwrap_or_default())
                .build(),
        }
    }
}

/// How a simulator spells a query string in the links it hands out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryEncoding {
    /// RFC 3986: unreserved characters stay, everything else is `%XX` (space is `%20`).
    Percent,
    /// `application/x-www-form-urlencoded`, as browsers and Rails write it (space is `+`).
    Form,
}

/// Encodes a query component.
pub fn encode_component(text: &str, encoding: QueryEncoding) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        let keep = match encoding {
            QueryEncoding::Percent => {
                byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
            }
            QueryEncoding::Form => {
                byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'*')
            }
        };
        if keep {
            out.push(byte as char);
        } else if byte == b' ' && encoding == QueryEncoding::Form {
            out.push('+');
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `base?name=value&...` with every pair encoded; `base` alone without pairs.
pub fn with_query(base: &str, params: &[(String, String)], encoding: QueryEncoding) -> String {
    if params.is_empty() {
        return base.to_owned();
    }
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                encode_component(k, encoding),
                encode_component(v, encoding)
            )
        })
        .collect();
    format!("{base}?{}", query.join("&"))
}

/// The `Authorization` header of HTTP Basic credentials.
pub fn basic_authorization(user: &str, password: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

/// The user and password of an HTTP Basic `Authorization` header; `None` for anything else.
pub fn basic_credentials(authorization: Option<&str>) -> Option<(String, String)> {
    use base64::Engine;
    // Schemes are case-insensitive (RFC 9110): `BASIC` is Basic.
    let encoded = support_core::http::authorization_param(authorization?, "Basic")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}
