//! Requests as the handlers see them, answers, Freshdesk's error bodies, credentials and route
//! matching.

use base64::Engine;
use httpmock::{HttpMockRequest, HttpMockResponse};
use serde_json::{Value, json};

/// A request, with the numeric path segments its route captured.
#[derive(Clone, Debug)]
pub struct Req {
    pub method: String,
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
            path: request.uri().path().to_owned(),
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

    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    pub fn id(&self, index: usize) -> u64 {
        self.ids.get(index).copied().unwrap_or_default()
    }

    /// Freshdesk's 400 for query parameters the endpoint does not take, or takes once but got twice.
    pub fn check_params(&self, allowed: &[&str]) -> Result<(), Reply> {
        let mut errors = Vec::new();
        for (i, (name, _)) in self.params.iter().enumerate() {
            let repeated = self.params[..i].iter().any(|(n, _)| n == name);
            if repeated {
                continue;
            }
            if !allowed.contains(&name.as_str()) {
                errors.push(FieldError::invalid_field(name));
            } else if self.params.iter().filter(|(n, _)| n == name).count() > 1 {
                errors.push(FieldError::new(
                    name,
                    "It should be given only once",
                    "invalid_value",
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(validation_failed(errors))
        }
    }
}

pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Matches a path against a pattern whose `{}` segments are numeric ids; returns the ids.
pub fn match_path(pattern: &str, path: &str) -> Option<Vec<u64>> {
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

/// An answer: status, JSON body (`None`: empty), extra headers.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    pub status: u16,
    pub body: Option<Value>,
    pub headers: Vec<(String, String)>,
}

impl Reply {
    pub fn new(status: u16, body: Value) -> Self {
        Self {
            status,
            body: Some(body),
            headers: Vec::new(),
        }
    }

    pub fn ok(body: Value) -> Self {
        Self::new(200, body)
    }

    pub fn created(body: Value) -> Self {
        Self::new(201, body)
    }

    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    pub fn into_response(self) -> HttpMockResponse {
        let mut builder = HttpMockResponse::builder()
            .status(self.status)
            .header("content-type", "application/json; charset=utf-8")
            .header("x-ratelimit-total", "700")
            .header("x-ratelimit-remaining", "699")
            .header("x-ratelimit-used-currentrequest", "1");
        for (name, value) in self.headers {
            builder = builder.header(name, value);
        }
        let body = self.body.map(|b| b.to_string()).unwrap_or_default();
        builder.body(body).build()
    }
}

/// One entry of a validation error.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
    pub code: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>, code: &str) -> Self {
        Self {
            field: field.to_owned(),
            message: message.into(),
            code: code.to_owned(),
        }
    }

    /// A field the endpoint does not know.
    pub fn invalid_field(field: &str) -> Self {
        Self::new(
            field,
            "Unexpected/invalid field in request",
            "invalid_field",
        )
    }

    /// A mandatory field that is absent.
    pub fn missing(field: &str, message: impl Into<String>) -> Self {
        Self::new(field, message, "missing_field")
    }

    /// A value outside what the field accepts.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::new(field, message, "invalid_value")
    }

    /// A value of the wrong JSON type.
    pub fn mismatch(field: &str, got: &Value, wanted: &str) -> Self {
        let got = match got {
            Value::Null => "Null",
            Value::Bool(_) => "Boolean",
            Value::Number(_) => "Integer",
            Value::String(_) => "String",
            Value::Array(_) => "Array",
            Value::Object(_) => "key/value pair",
        };
        Self::new(
            field,
            format!("Value set is of type {got}.It should be a/an {wanted}"),
            "datatype_mismatch",
        )
    }
}

/// 400 `Validation failed` with one entry per field.
pub fn validation_failed(errors: Vec<FieldError>) -> Reply {
    let errors: Vec<Value> = errors
        .into_iter()
        .map(|e| json!({"field": e.field, "message": e.message, "code": e.code}))
        .collect();
    Reply::new(
        400,
        json!({"description": "Validation failed", "errors": errors}),
    )
}

/// 400 for one field.
pub fn invalid_value(field: &str, message: impl Into<String>) -> Reply {
    validation_failed(vec![FieldError::invalid(field, message)])
}

/// 404 for a record that does not exist.
pub fn not_found() -> Reply {
    Reply::new(
        404,
        json!({"code": "not_found", "message": "The requested resource could not be found"}),
    )
}

/// 415 for a write whose body is not declared JSON.
pub fn invalid_content_type() -> Reply {
    Reply::new(
        415,
        json!({
            "code": "invalid_content_type",
            "message": "Content-Type header should have application/json",
        }),
    )
}

/// 400 for a write whose body is not a JSON object.
pub fn invalid_json() -> Reply {
    Reply::new(
        400,
        json!({"code": "invalid_json", "message": "Request body has invalid json format"}),
    )
}

/// The 401 Freshdesk answers to missing or wrong credentials.
pub fn unauthenticated() -> HttpMockResponse {
    Reply::new(
        401,
        json!({
            "code": "invalid_credentials",
            "message": "You have to be logged in to perform this action.",
        }),
    )
    .into_response()
}

/// The `Authorization` header of an API key: Basic, the key as user name, `X` as password.
pub fn authorization(api_key: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{api_key}:X"))
    )
}

/// Whether an `Authorization` header carries `api_key`: Basic with the key as user name and any
/// password (Freshdesk ignores it; `X` by convention).
pub fn authorizes(header: Option<&str>, api_key: &str) -> bool {
    let Some(encoded) = header.and_then(|h| h.strip_prefix("Basic ")) else {
        return false;
    };
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else {
        return false;
    };
    let Ok(text) = String::from_utf8(decoded) else {
        return false;
    };
    text.split_once(':')
        .is_some_and(|(user, _)| user == api_key)
}

/// Percent-encodes a query component (RFC 3986 unreserved characters stay).
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `path?name=value&...` with every pair encoded.
pub fn with_query(base: &str, params: &[(String, String)]) -> String {
    if params.is_empty() {
        return base.to_owned();
    }
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
        .collect();
    format!("{base}?{}", query.join("&"))
}
