//! Freshdesk's error bodies and credentials; requests and answers are the kit's.

use serde_json::{Value, json};
use support_conformance::sim::{ParamProblem, basic_authorization, basic_credentials};

pub use support_conformance::sim::{Reply, Req};

/// Freshdesk's checks of a request's query parameters.
pub trait ReqExt {
    /// Freshdesk's 400 for query parameters the endpoint does not take, or takes once but got
    /// twice.
    fn check_params(&self, allowed: &[&str]) -> Result<(), Reply>;
}

impl ReqExt for Req {
    fn check_params(&self, allowed: &[&str]) -> Result<(), Reply> {
        let errors: Vec<FieldError> = self
            .param_problems(allowed)
            .iter()
            .map(|problem| match problem {
                ParamProblem::Unknown(name) => FieldError::invalid_field(name),
                ParamProblem::Repeated(name) => {
                    FieldError::new(name, "It should be given only once", "invalid_value")
                }
            })
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(validation_failed(errors))
        }
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
pub fn unauthenticated() -> Reply {
    Reply::new(
        401,
        json!({
            "code": "invalid_credentials",
            "message": "You have to be logged in to perform this action.",
        }),
    )
}

/// The `Authorization` header of an API key: Basic, the key as user name, `X` as password.
pub fn authorization(api_key: &str) -> String {
    basic_authorization(api_key, "X")
}

/// Whether an `Authorization` header carries `api_key`: Basic with the key as user name and any
/// password (Freshdesk ignores it; `X` by convention).
pub fn authorizes(header: Option<&str>, api_key: &str) -> bool {
    basic_credentials(header).is_some_and(|(user, _)| user == api_key)
}
