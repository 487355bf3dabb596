//! Route tables: method, path pattern with id captures, the query parameters and body a route
//! accepts, and its handler.

use std::fmt;

use httpmock::HttpMockRequest;
use serde_json::Value;

use super::http::{Reply, Req, header};
use crate::world::IdScheme;

/// A handler: the provider's state (locked) and the request.
pub type Handler<S> = fn(&mut S, &Req) -> Reply;

/// A check run before the handler; an `Err` is the provider's error answer (a 415 for a body that
/// is not JSON, a 400 for an unknown parameter).
pub type Check = fn(&Req) -> Result<(), Reply>;

/// One endpoint. Requests outside its method, path, [`Params`] or [`BodyRule`] do not match it:
/// when no route matches they get httpmock's 404, which is how an unexpected request shows.
pub struct Route<S: 'static> {
    /// The method.
    pub method: &'static str,
    /// The path, `{}` for an id segment (spelled as the world's [`IdScheme`] spells ids).
    pub pattern: &'static str,
    /// The query parameters it accepts.
    pub params: Params,
    /// What its body must be.
    pub body: BodyRule,
    /// Checks answered with the provider's error rather than a non-match.
    pub check: Option<Check>,
    /// The handler.
    pub handler: Handler<S>,
}

impl<S> Clone for Route<S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S> Copy for Route<S> {}

impl<S> fmt::Debug for Route<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Route")
            .field("method", &self.method)
            .field("pattern", &self.pattern)
            .field("params", &self.params)
            .field("body", &self.body)
            .finish_non_exhaustive()
    }
}

impl<S> Route<S> {
    /// A `GET` that takes any query parameters (its handler checks them).
    pub const fn get(pattern: &'static str, handler: Handler<S>) -> Self {
        Self::new("GET", pattern, Params::ANY, BodyRule::Any, handler)
    }

    /// A route with every part given, without a check.
    pub const fn new(
        method: &'static str,
        pattern: &'static str,
        params: Params,
        body: BodyRule,
        handler: Handler<S>,
    ) -> Self {
        Self {
            method,
            pattern,
            params,
            body,
            check: None,
            handler,
        }
    }

    /// The route with `check` run before its handler.
    pub const fn checked(mut self, check: Check) -> Self {
        self.check = Some(check);
        self
    }

    /// The ids `request` (whose path is already normalised to `path`) captures when it is for this
    /// route, else `None`.
    pub fn matches(
        &self,
        request: &HttpMockRequest,
        path: &str,
        ids: IdScheme,
    ) -> Option<Vec<String>> {
        if !request.method().as_str().eq_ignore_ascii_case(self.method) {
            return None;
        }
        let captured = match_path(self.pattern, path, ids)?;
        (self.params.accept(&request.query_params()) && self.body.accept(request))
            .then_some(captured)
    }

    /// The answer: the check's error, or the handler's.
    pub fn answer(&self, state: &mut S, req: &Req) -> Reply {
        if let Some(check) = self.check
            && let Err(reply) = check(req)
        {
            return reply;
        }
        (self.handler)(state, req)
    }
}

/// Matches a path against a pattern whose `{}` segments are ids spelled as `ids` spells them;
/// returns the ids.
pub fn match_path(pattern: &str, path: &str, ids: IdScheme) -> Option<Vec<String>> {
    let mut wanted = pattern.split('/');
    let mut got = path.split('/');
    let mut captured = Vec::new();
    loop {
        match (wanted.next(), got.next()) {
            (None, None) => return Some(captured),
            (Some("{}"), Some(segment)) => {
                if !ids.matches(segment) {
                    return None;
                }
                captured.push(segment.to_owned());
            }
            (Some(w), Some(g)) if w == g => {}
            _ => return None,
        }
    }
}

/// The query parameters a route accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    /// Names allowed once.
    pub allowed: &'static [&'static str],
    /// Names that must be present (once).
    pub required: &'static [&'static str],
    /// Names allowed several times (`role[]`).
    pub repeatable: &'static [&'static str],
    /// Anything goes: the handler checks the parameters and answers with the provider's error.
    pub any: bool,
}

impl Params {
    /// No parameters at all.
    pub const NONE: Params = Params::new(&[], &[], &[]);

    /// Any parameters.
    pub const ANY: Params = Params {
        allowed: &[],
        required: &[],
        repeatable: &[],
        any: true,
    };

    /// Allowed once, required, repeatable.
    pub const fn new(
        allowed: &'static [&'static str],
        required: &'static [&'static str],
        repeatable: &'static [&'static str],
    ) -> Params {
        Params {
            allowed,
            required,
            repeatable,
            any: false,
        }
    }

    /// These, each at most once.
    pub const fn allowed(allowed: &'static [&'static str]) -> Params {
        Params::new(allowed, &[], &[])
    }

    /// Whether `params` are acceptable.
    pub fn accept(&self, params: &[(String, String)]) -> bool {
        if self.any {
            return true;
        }
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

/// What a request's body must be for the route to match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyRule {
    /// Nothing checked (reads; writes whose handler or check answers with the provider's error).
    Any,
    /// `Content-Type: application/json` and a JSON object.
    JsonObject,
    /// `Content-Type: application/json` and a JSON object whose member of this name is an object
    /// (Zendesk's `{"ticket": {...}}`).
    JsonObjectWith(&'static str),
}

impl BodyRule {
    /// Whether `request`'s body follows the rule.
    pub fn accept(self, request: &HttpMockRequest) -> bool {
        let json = || {
            let json_type = header(request.headers_vec(), "content-type")
                .is_some_and(|t| t.trim().starts_with("application/json"));
            let body: Option<Value> = serde_json::from_slice(request.body_ref()).ok();
            body.filter(|b| json_type && b.is_object())
        };
        match self {
            BodyRule::Any => true,
            BodyRule::JsonObject => json().is_some(),
            BodyRule::JsonObjectWith(member) => json()
                .as_ref()
                .and_then(|b| b.get(member))
                .is_some_and(Value::is_object),
        }
    }
}

/// The members of a JSON object body that are not in `allowed`, in the object's order: what a
/// provider answers with its "unknown field" error.
pub fn unknown_members<'a>(
    object: &'a serde_json::Map<String, Value>,
    allowed: &[&str],
) -> Vec<&'a str> {
    object
        .keys()
        .map(String::as_str)
        .filter(|k| !allowed.contains(k))
        .collect()
}
