//! Freshdesk's offset pagination: `page` (from 1) and `per_page` (30 by default, at most 100); a
//! bare JSON array, and a `Link: <next page URL>; rel="next"` header while a further page exists.

use serde_json::Value;

use super::http::{FieldError, Reply, Req, validation_failed, with_query};
use super::store::SimState;

/// The default page size.
pub const DEFAULT_PER_PAGE: usize = 30;
/// The largest page size.
pub const MAX_PER_PAGE: usize = 100;

/// `page`: 1 when absent, a positive integer otherwise.
pub fn page_number(req: &Req, max: Option<usize>) -> Result<usize, Reply> {
    let Some(text) = req.param("page") else {
        return Ok(1);
    };
    let message = match max {
        Some(max) => format!("It should be a Positive Integer less than or equal to {max}"),
        None => "It should be a Positive Integer".to_owned(),
    };
    match text.trim().parse::<usize>() {
        Ok(page) if page >= 1 && max.is_none_or(|m| page <= m) => Ok(page),
        _ => Err(validation_failed(vec![FieldError::invalid(
            "page", message,
        )])),
    }
}

/// `per_page`: 30 when absent, `1..=100` otherwise.
pub fn per_page(req: &Req) -> Result<usize, Reply> {
    let Some(text) = req.param("per_page") else {
        return Ok(DEFAULT_PER_PAGE);
    };
    match text.trim().parse::<usize>() {
        Ok(n) if (1..=MAX_PER_PAGE).contains(&n) => Ok(n),
        _ => Err(validation_failed(vec![FieldError::invalid(
            "per_page",
            format!("It should be a Positive Integer less than or equal to {MAX_PER_PAGE}"),
        )])),
    }
}

/// The URL of this listing at another page: the request's parameters in order, `page` replaced.
pub fn page_link(state: &SimState, req: &Req, page: usize) -> String {
    let mut params: Vec<(String, String)> = Vec::new();
    let mut placed = false;
    for (name, value) in &req.params {
        if name == "page" {
            if !placed {
                params.push(("page".into(), page.to_string()));
                placed = true;
            }
        } else {
            params.push((name.clone(), value.clone()));
        }
    }
    if !placed {
        params.push(("page".into(), page.to_string()));
    }
    with_query(&state.url(&req.path), &params)
}

/// One page of `items` (already in order) as a bare array, with the `Link` header when a further
/// page exists.
pub fn offset_page(state: &SimState, req: &Req, items: Vec<Value>) -> Reply {
    let (page, size) = match (page_number(req, None), per_page(req)) {
        (Ok(page), Ok(size)) => (page, size),
        (Err(reply), _) | (_, Err(reply)) => return reply,
    };
    let total = items.len();
    let start = (page - 1).saturating_mul(size);
    let slice: Vec<Value> = items.into_iter().skip(start).take(size).collect();
    let reply = Reply::ok(Value::Array(slice));
    if start.saturating_add(size) < total {
        let next = page_link(state, req, page + 1);
        reply.with_header("link", format!("<{next}>; rel=\"next\""))
    } else {
        reply
    }
}
