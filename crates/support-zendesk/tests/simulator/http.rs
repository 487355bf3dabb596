//! Requests as the handlers see them, answers, Zendesk's error bodies, and the route matching.

use httpmock::{HttpMockRequest, HttpMockResponse};
use serde_json::{Value, json};

/// A request, with the numeric path segments its route captured.
#[derive(Clone, Debug)]
pub struct Req {
    pub method: String,
    /// The path without an optional `.json` suffix.
    pub path: String,
    pub ids: Vec<u64>,
    pub params: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Req {
    pub fn from_mock(request: &HttpMockRequest, ids: Vec<u64>) -> Self {
        Self {
            method: request.method().as_str().to_ascii_uppercase(),
            path: normalized_path(request.uri().path()),
            ids,
            params: request.query_params(),
            headers: request.headers_vec().clone(),
            body: request.body_vec(),
        }
    }

    /// The single value of a query parameter.
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

    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    pub fn id(&self, index: usize) -> u64 {
        self.ids.get(index).copied().unwrap_or_default()
    }
}

pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// A path with Zendesk's optional `.json` suffix removed.
pub fn normalized_path(path: &str) -> String {
    path.strip_suffix(".json").unwrap_or(path).to_owned()
}

/// Matches a path against a pattern whose `{}` segments are numeric ids; returns the ids.
pub fn match_path(pattern: &str, path: &str) -> Option<Vec<u64>> {
    let path = normalized_path(path);
    let mut wanted = pattern.split('/');
    let mut got = path.split('/');
    let mut ids = Vec::new();
    loop {
        match (wanted.next(), got.next()) {
            (None, None) => return Some(ids),
            (Some("{}"), Some(segment)) => {
                if segment.is_empty() || !segment.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                ids.push(segment.parse().ok()?);
            }
            (Some(w), Some(g)) if w == g => {}
            _ => return None,
        }
    }
}

/// The query parameters a route accepts.
#[derive(Clone, Copy, Debug)]
pub struct Params {
    /// Names allowed once.
    pub allowed: &'static [&'static str],
    /// Names that must be present.
    pub required: &'static [&'static str],
    /// Names allowed several times (`role[]`).
    pub repeatable: &'static [&'static str],
}

impl Params {
    pub const NONE: Params = Params {
        allowed: &[],
        required: &[],
        repeatable: &[],
    };

    pub const fn allowed(allowed: &'static [&'static str]) -> Params {
        Params {
            allowed,
            required: &[],
            repeatable: &[],
        }
    }

    pub fn accept(&self, params: &[(String, String)]) -> bool {
        let known = params.iter().all(|(name, _)| {
            let name = name.as_str();
            if self.repeatable.contains(&name) {
                return true;
            }
            (self.allowed.contains(&name) || self.required.contains(&name))
                && params.iter().filter(|(n, _)| n == name).count() == 1
        });
        known
            && self
                .required
                .iter()
                .all(|r| params.iter().any(|(n, _)| n == r))
    }
}

/// What a write's body must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyRule {
    /// Nothing checked (reads).
    Any,
    /// `Content-Type: application/json` and a JSON object with a `ticket` object.
    TicketObject,
}

impl BodyRule {
    pub fn accept(self, request: &HttpMockRequest) -> bool {
        match self {
            BodyRule::Any => true,
            BodyRule::TicketObject => {
                let json_type = header(request.headers_vec(), "content-type")
                    .is_some_and(|t| t.trim().starts_with("application/json"));
                let body: Option<Value> = serde_json::from_slice(request.body_ref()).ok();
                json_type
                    && body
                        .as_ref()
                        .and_then(|b| b.get("ticket"))
                        .is_some_and(Value::is_object)
            }
        }
    }
}

/// An answer: status, JSON body, extra headers.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub headers: Vec<(String, String)>,
}

impl Reply {
    pub fn new(status: u16, body: Value) -> Self {
        Self {
            status,
            body,
            headers: Vec::new(),
        }
    }

    pub fn ok(body: Value) -> Self {
        Self::new(200, body)
    }

    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    pub fn into_response(self) -> HttpMockResponse {
        let mut builder = HttpMockResponse::builder()
            .status(self.status)
            .header("content-type", "application/json; charset=utf-8")
            .header("x-rate-limit", "700")
            .header("x-rate-limit-remaining", "699");
        for (name, value) in self.headers {
            builder = builder.header(name, value);
        }
        builder.body(self.body.to_string()).build()
    }
}

/// 404 for a record that does not exist.
pub fn not_found() -> Reply {
    Reply::new(
        404,
        json!({"error": "RecordNotFound", "description": "Not found"}),
    )
}

/// 400 with an error code and description.
pub fn bad_request(error: &str, description: impl Into<String>) -> Reply {
    Reply::new(
        400,
        json!({"error": error, "description": description.into()}),
    )
}

/// 422 `RecordInvalid` with one entry per `(field, description, error)`.
pub fn record_invalid(details: &[(String, String, String)]) -> Reply {
    let mut fields = serde_json::Map::new();
    for (field, description, error) in details {
        let entry = fields
            .entry(field.clone())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(items) = entry {
            items.push(json!({"description": description, "error": error}));
        }
    }
    Reply::new(
        422,
        json!({
            "error": "RecordInvalid",
            "description": "Record validation errors",
            "details": Value::Object(fields),
        }),
    )
}

/// The 401 Zendesk answers to missing or wrong credentials.
pub fn unauthenticated() -> HttpMockResponse {
    Reply::new(401, json!({"error": "Couldn't authenticate you"}))
        .with_header("www-authenticate", r#"Basic realm="Web Password""#)
        .into_response()
}
