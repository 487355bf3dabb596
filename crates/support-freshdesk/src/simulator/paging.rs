//! Freshdesk's offset pagination: `page` (from 1) and `per_page` (30 by default, at most 100); a
//! bare JSON array, and a `Link: <next page URL>; rel="next"` header while a further page exists.

use serde_json::Value;

use support_conformance::sim::QueryEncoding;
use support_conformance::sim::pager::{PageWindow, positive_param, replace_param};

use super::http::{FieldError, Reply, Req, validation_failed};
use super::store::SimState;

/// The default page size.
pub const DEFAULT_PER_PAGE: usize = 30;
/// The largest page size.
pub const MAX_PER_PAGE: usize = 100;

/// `page`: 1 when absent, a positive integer otherwise.
pub fn page_number(req: &Req, max: Option<usize>) -> Result<usize, Reply> {
    positive_param(req, "page", 1, max).map_err(|_| {
        let message = match max {
            Some(max) => format!("It should be a Positive Integer less than or equal to {max}"),
            None => "It should be a Positive Integer".to_owned(),
        };
        validation_failed(vec![FieldError::invalid("page", message)])
    })
}

/// `per_page`: 30 when absent, `1..=100` otherwise.
pub fn per_page(req: &Req) -> Result<usize, Reply> {
    positive_param(req, "per_page", DEFAULT_PER_PAGE, Some(MAX_PER_PAGE)).map_err(|_| {
        validation_failed(vec![FieldError::invalid(
            "per_page",
            format!("It should be a Positive Integer less than or equal to {MAX_PER_PAGE}"),
        )])
    })
}

/// The URL of this listing at another page: the request's parameters in order, `page` replaced.
pub fn page_link(state: &SimState, req: &Req, page: usize) -> String {
    replace_param(
        &state.url(&req.path),
        req,
        "page",
        page.to_string(),
        QueryEncoding::Percent,
    )
}

/// One page of `items` (already in order) as a bare array, with the `Link` header when a further
/// page exists.
pub fn offset_page(state: &SimState, req: &Req, items: Vec<Value>) -> Reply {
    let (page, size) = match (page_number(req, None), per_page(req)) {
        (Ok(page), Ok(size)) => (page, size),
        (Err(reply), _) | (_, Err(reply)) => return reply,
    };
    let window = PageWindow::new(page, size, items.len());
    let reply = Reply::ok(Value::Array(window.slice(items)));
    if window.has_next() {
        let next = page_link(state, req, page + 1);
        reply.with_header("link", format!("<{next}>; rel=\"next\""))
    } else {
        reply
    }
}
