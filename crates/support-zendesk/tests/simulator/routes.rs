//! The mocks: authentication first, then one mock per endpoint that checks method, path and query
//! parameters (and a write's body) and answers from the shared state. Anything else matches no mock
//! and gets httpmock's 404.

use httpmock::{HttpMockRequest, MockServer};
use serde_json::{Value, json};

use super::http::{
    BodyRule, Params, Reply, Req, bad_request, header, match_path, not_found, unauthenticated,
};
use super::paging::{CursorRules, SortKey, by_id, by_time_then_id, cursor_page, offset_page};
use super::search;
use super::store::{RecordedRequest, Shared, SimState, lock};
use super::writes;

/// A handler: the state (locked) and the request.
pub type Handler = fn(&mut SimState, &Req) -> Reply;

/// One endpoint.
#[derive(Clone, Copy, Debug)]
pub struct Route {
    pub method: &'static str,
    /// Path with `{}` for numeric ids; `.json` may follow it.
    pub pattern: &'static str,
    pub params: Params,
    pub body: BodyRule,
    pub handler: Handler,
}

const CURSOR: &[&str] = &["page[size]", "page[after]", "page[before]"];

const fn cursor_params() -> Params {
    Params::allowed(CURSOR)
}

/// Every endpoint the simulator serves.
#[rustfmt::skip]
pub const ROUTES: &[Route] = &[
    Route { method: "GET", pattern: "/api/v2/users/me", params: Params::NONE, body: BodyRule::Any, handler: users_me },
    Route { method: "GET", pattern: "/api/v2/users", params: Params { allowed: &["role", "page[size]", "page[after]", "page[before]"], required: &[], repeatable: &["role[]"] }, body: BodyRule::Any, handler: list_users },
    Route { method: "GET", pattern: "/api/v2/group_memberships", params: cursor_params(), body: BodyRule::Any, handler: list_memberships },
    Route { method: "GET", pattern: "/api/v2/groups", params: cursor_params(), body: BodyRule::Any, handler: list_groups },
    Route { method: "GET", pattern: "/api/v2/tickets", params: Params::allowed(&["external_id", "page[size]", "page[after]", "page[before]"]), body: BodyRule::Any, handler: list_tickets },
    Route { method: "POST", pattern: "/api/v2/tickets", params: Params::NONE, body: BodyRule::TicketObject, handler: writes::create_ticket },
    Route { method: "GET", pattern: "/api/v2/tickets/{}", params: Params::NONE, body: BodyRule::Any, handler: show_ticket },
    Route { method: "PUT", pattern: "/api/v2/tickets/{}", params: Params::NONE, body: BodyRule::TicketObject, handler: writes::update_ticket },
    Route { method: "GET", pattern: "/api/v2/tickets/{}/comments", params: Params::allowed(&["sort_order", "page[size]", "page[after]", "page[before]"]), body: BodyRule::Any, handler: list_comments },
    Route { method: "GET", pattern: "/api/v2/tickets/{}/tags", params: Params::NONE, body: BodyRule::Any, handler: ticket_tags },
    Route { method: "GET", pattern: "/api/v2/search/export", params: Params { allowed: &["filter[type]", "page[size]", "page[after]"], required: &["query"], repeatable: &[] }, body: BodyRule::Any, handler: search_export },
    Route { method: "GET", pattern: "/api/v2/search", params: Params { allowed: &["page", "per_page"], required: &["query"], repeatable: &[] }, body: BodyRule::Any, handler: search_offset },
    Route { method: "GET", pattern: "/api/v2/tags", params: cursor_params(), body: BodyRule::Any, handler: list_tags },
    Route { method: "GET", pattern: "/api/v2/help_center/articles/search", params: Params::allowed(&["query", "category", "section", "label_names", "locale", "page", "per_page"]), body: BodyRule::Any, handler: search_articles },
    Route { method: "GET", pattern: "/api/v2/help_center/articles", params: cursor_params(), body: BodyRule::Any, handler: list_articles },
    Route { method: "GET", pattern: "/api/v2/help_center/articles/{}", params: Params::NONE, body: BodyRule::Any, handler: show_article },
    Route { method: "GET", pattern: "/api/v2/help_center/categories/{}/articles", params: cursor_params(), body: BodyRule::Any, handler: list_category_articles },
    Route { method: "GET", pattern: "/api/v2/help_center/sections", params: cursor_params(), body: BodyRule::Any, handler: list_sections },
    Route { method: "GET", pattern: "/api/v2/help_center/sections/{}", params: Params::NONE, body: BodyRule::Any, handler: show_section },
    Route { method: "GET", pattern: "/api/v2/slas/policies", params: Params::NONE, body: BodyRule::Any, handler: list_slas },
    Route { method: "GET", pattern: "/api/v2/slas/policies/{}", params: Params::NONE, body: BodyRule::Any, handler: show_sla },
    Route { method: "GET", pattern: "/api/v2/satisfaction_ratings", params: Params::allowed(&["score", "start_time", "end_time", "page[size]", "page[after]", "page[before]"]), body: BodyRule::Any, handler: list_ratings },
    Route { method: "GET", pattern: "/api/v2/custom_statuses", params: Params::allowed(&["status_categories", "active", "default"]), body: BodyRule::Any, handler: custom_statuses },
];

impl Route {
    /// The path ids when `request` is for this route, else `None`.
    pub fn matches(&self, request: &HttpMockRequest) -> Option<Vec<u64>> {
        if !request.method().as_str().eq_ignore_ascii_case(self.method) {
            return None;
        }
        let ids = match_path(self.pattern, request.uri().path())?;
        (self.params.accept(&request.query_params()) && self.body.accept(request)).then_some(ids)
    }
}

/// The `Authorization` header the simulator accepts.
pub fn authorization(email: &str, token: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{email}/token:{token}"))
    )
}

/// Registers the simulator on `server`: the 401 for wrong or missing credentials first, then every
/// route, answering from `state`. Call on a fresh server (after any fault mock).
///
/// Synchronous on purpose: httpmock 0.9's `mock_async` future is not provably `Send` (rustc's
/// "`Send` is not general enough"), so it cannot be awaited inside `Simulator::port_with_fault`.
/// The local server's registration is in-memory, so the blocking call returns at once.
pub fn serve_world(server: &MockServer, state: Shared, expected_authorization: String) {
    server.mock(move |when, then| {
        when.is_true(move |request: &HttpMockRequest| {
            header(request.headers_vec(), "authorization") != Some(expected_authorization.as_str())
        });
        then.respond_with(|_: &HttpMockRequest| unauthenticated());
    });
    for route in ROUTES {
        let route = *route;
        let state = state.clone();
        server.mock(move |when, then| {
            when.is_true(move |request: &HttpMockRequest| route.matches(request).is_some());
            then.respond_with(move |request: &HttpMockRequest| {
                let ids = route.matches(request).unwrap_or_default();
                let req = Req::from_mock(request, ids);
                let mut st = lock(&state);
                let reply = (route.handler)(&mut st, &req);
                st.log.push(RecordedRequest {
                    method: req.method.clone(),
                    path: req.path.clone(),
                    query: req.params.clone(),
                    idempotency_key: req.header("idempotency-key").map(str::to_owned),
                    body: req.json(),
                    status: reply.status,
                });
                reply.into_response()
            });
        });
    }
}

// ----- users and groups -----

fn users_me(st: &mut SimState, _req: &Req) -> Reply {
    match st.users.get(&super::store::ME) {
        Some(me) => Reply::ok(json!({"user": st.user_json(me)})),
        None => not_found(),
    }
}

const ROLES: [&str; 3] = ["admin", "agent", "end-user"];

fn list_users(st: &mut SimState, req: &Req) -> Reply {
    let mut roles: Vec<&str> = req.params_named("role[]");
    roles.extend(req.param("role"));
    if let Some(bad) = roles.iter().find(|r| !ROLES.contains(r)) {
        return bad_request(
            "InvalidValue",
            format!("role {bad:?} is not one of admin, agent, end-user"),
        );
    }
    let items = st
        .users
        .values()
        .filter(|u| roles.is_empty() || roles.contains(&u.role.as_str()))
        .map(|u| (by_id(u.id), st.user_json(u)))
        .collect();
    cursor_page(st, req, "users", items, CursorRules::STANDARD)
}

fn list_memberships(st: &mut SimState, req: &Req) -> Reply {
    let items = st
        .memberships
        .iter()
        .map(|m| (by_id(m.id), st.membership_json(m)))
        .collect();
    cursor_page(st, req, "group_memberships", items, CursorRules::STANDARD)
}

fn list_groups(st: &mut SimState, req: &Req) -> Reply {
    let items = st
        .groups
        .iter()
        .map(|g| (by_id(g.id), st.group_json(g)))
        .collect();
    cursor_page(st, req, "groups", items, CursorRules::STANDARD)
}

// ----- tickets -----

fn list_tickets(st: &mut SimState, req: &Req) -> Reply {
    let external = req.param("external_id");
    let items = st
        .tickets
        .values()
        .filter(|t| external.is_none_or(|x| t.external_id.as_deref() == Some(x)))
        .map(|t| (by_id(t.id), st.ticket_json(t)))
        .collect();
    cursor_page(st, req, "tickets", items, CursorRules::STANDARD)
}

fn show_ticket(st: &mut SimState, req: &Req) -> Reply {
    match st.tickets.get(&req.id(0)) {
        Some(t) => Reply::ok(json!({"ticket": st.ticket_json(t)})),
        None => not_found(),
    }
}

fn list_comments(st: &mut SimState, req: &Req) -> Reply {
    let ticket_id = req.id(0);
    if !st.tickets.contains_key(&ticket_id) {
        return not_found();
    }
    let descending = match req.param("sort_order") {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(other) => {
            return bad_request(
                "InvalidValue",
                format!("sort_order {other:?} is not asc or desc"),
            );
        }
    };
    let items = st
        .comments
        .iter()
        .filter(|c| c.ticket_id == ticket_id)
        .map(|c| {
            let (time, _, id) = by_time_then_id(&c.created_at, c.id);
            let key: SortKey = if descending {
                (-time, String::new(), -id)
            } else {
                (time, String::new(), id)
            };
            (key, st.comment_json(c))
        })
        .collect();
    cursor_page(st, req, "comments", items, CursorRules::STANDARD)
}

fn ticket_tags(st: &mut SimState, req: &Req) -> Reply {
    match st.tickets.get(&req.id(0)) {
        Some(t) => Reply::ok(json!({"tags": t.tags})),
        None => not_found(),
    }
}

fn invalid_search(description: impl Into<String>) -> Reply {
    bad_request("InvalidSearch", description)
}

fn search_results(st: &SimState, search: &search::TicketSearch) -> Vec<(SortKey, Value)> {
    st.tickets
        .values()
        .filter(|t| search.matches(t))
        .map(|t| {
            let mut json = st.ticket_json(t);
            if let Value::Object(map) = &mut json {
                map.insert("result_type".into(), json!("ticket"));
            }
            (by_time_then_id(&t.created_at, t.id), json)
        })
        .collect()
}

/// `GET /api/v2/search/export`: cursor-paged, one object type named by `filter[type]`, ordered by
/// `created_at`. The vendor documentation: "Searches with type in the query string will result in
/// an error."
fn search_export(st: &mut SimState, req: &Req) -> Reply {
    match req.param("filter[type]") {
        None => return invalid_search("filter[type] is required by the export search"),
        Some("ticket") => {}
        Some(other) => {
            return invalid_search(format!(
                "filter[type]={other}: the simulator only exports tickets"
            ));
        }
    }
    let query = req.param("query").unwrap_or_default();
    let search = match search::parse(query, st) {
        Ok(search) => search,
        Err(why) => return invalid_search(why),
    };
    if search.typed {
        return invalid_search(
            "the export search takes its type from filter[type]; `type:` in the query is an error",
        );
    }
    let items = search_results(st, &search);
    let mut reply = cursor_page(st, req, "results", items, CursorRules::SEARCH_EXPORT);
    if let Value::Object(map) = &mut reply.body
        && reply.status == 200
    {
        map.insert("facets".into(), Value::Null);
    }
    reply
}

/// `GET /api/v2/search`: offset-paged, every object type unless the query names one; the
/// simulator holds tickets only, so it requires `type:ticket`.
fn search_offset(st: &mut SimState, req: &Req) -> Reply {
    let query = req.param("query").unwrap_or_default();
    let search = match search::parse(query, st) {
        Ok(search) => search,
        Err(why) => return invalid_search(why),
    };
    if !search.typed {
        return invalid_search("the simulator serves ticket searches only: add type:ticket");
    }
    let mut items = search_results(st, &search);
    items.sort_by(|a, b| a.0.cmp(&b.0));
    let items = items.into_iter().map(|(_, v)| v).collect();
    match offset_page(st, req, items, 100, 100) {
        Ok(page) => Reply::ok(json!({
            "results": page.items,
            "facets": null,
            "next_page": page.next_page,
            "previous_page": page.previous_page,
            "count": page.count,
        })),
        Err(reply) => reply,
    }
}

/// `GET /api/v2/tags`: the most used first.
fn list_tags(st: &mut SimState, req: &Req) -> Reply {
    let items = st
        .tag_counts
        .iter()
        .map(|(name, count)| {
            (
                (-(*count as i64), name.clone(), 0),
                json!({"name": name, "count": count}),
            )
        })
        .collect();
    cursor_page(st, req, "tags", items, CursorRules::STANDARD)
}

// ----- Help Center -----

fn list_articles(st: &mut SimState, req: &Req) -> Reply {
    let items = st
        .articles
        .iter()
        .map(|a| (by_id(a.id), st.article_json(a)))
        .collect();
    cursor_page(st, req, "articles", items, CursorRules::STANDARD)
}

fn list_category_articles(st: &mut SimState, req: &Req) -> Reply {
    let category = req.id(0);
    let sections: Vec<u64> = st
        .sections
        .iter()
        .filter(|s| s.category_id == category)
        .map(|s| s.id)
        .collect();
    if sections.is_empty() {
        return not_found();
    }
    let items = st
        .articles
        .iter()
        .filter(|a| sections.contains(&a.section_id))
        .map(|a| (by_id(a.id), st.article_json(a)))
        .collect();
    cursor_page(st, req, "articles", items, CursorRules::STANDARD)
}

fn show_article(st: &mut SimState, req: &Req) -> Reply {
    match st.articles.iter().find(|a| a.id == req.id(0)) {
        Some(a) => Reply::ok(json!({"article": st.article_json(a)})),
        None => not_found(),
    }
}

fn snippet(text: &str, term: &str) -> String {
    let lower = text.to_lowercase();
    match lower.find(&term.to_lowercase()) {
        Some(at) if text.is_char_boundary(at) && text.is_char_boundary(at + term.len()) => format!(
            "{}<em>{}</em>{}",
            &text[..at],
            &text[at..at + term.len()],
            &text[at + term.len()..]
        ),
        _ => text.to_owned(),
    }
}

/// `GET /api/v2/help_center/articles/search`: offset-paged (25 by default, at most 100); needs
/// one of query, category, section or label_names. A result matches when the query occurs,
/// case-insensitively, in the title or body.
fn search_articles(st: &mut SimState, req: &Req) -> Reply {
    let query = req.param("query").map(str::trim).filter(|q| !q.is_empty());
    let number = |name: &str| -> Result<Option<u64>, Reply> {
        match req.param(name) {
            None => Ok(None),
            Some(text) => text.parse().map(Some).map_err(|_| {
                bad_request(
                    "InvalidValue",
                    format!("{name} must be a numeric id, got {text:?}"),
                )
            }),
        }
    };
    let (category, section) = match (number("category"), number("section")) {
        (Ok(c), Ok(s)) => (c, s),
        (Err(reply), _) | (_, Err(reply)) => return reply,
    };
    let labels = req.param("label_names");
    if query.is_none() && category.is_none() && section.is_none() && labels.is_none() {
        return bad_request(
            "InvalidValue",
            "specify at least one of query, category, section or label_names",
        );
    }
    let locale = req.param("locale").map(str::to_ascii_lowercase);
    let items: Vec<Value> = st
        .articles
        .iter()
        .filter(|a| {
            let section_of = st.sections.iter().find(|s| s.id == a.section_id);
            let text = SimState::article_text(a);
            query.is_none_or(|q| {
                let q = q.to_lowercase();
                a.title.to_lowercase().contains(&q) || text.to_lowercase().contains(&q)
            }) && category.is_none_or(|c| section_of.is_some_and(|s| s.category_id == c))
                && section.is_none_or(|s| a.section_id == s)
                && labels.is_none()
                && locale.as_deref().is_none_or(|l| a.locale == l)
        })
        .map(|a| {
            let mut json = st.article_json(a);
            if let Value::Object(map) = &mut json {
                map.insert("result_type".into(), json!("article"));
                let text = SimState::article_text(a);
                map.insert(
                    "snippet".into(),
                    json!(query.map_or(text.clone(), |q| snippet(&text, q))),
                );
            }
            json
        })
        .collect();
    match offset_page(st, req, items, 25, 100) {
        Ok(page) => Reply::ok(json!({
            "results": page.items,
            "page": page.page,
            "per_page": page.per_page,
            "page_count": page.page_count,
            "count": page.count,
            "next_page": page.next_page,
            "previous_page": page.previous_page,
        })),
        Err(reply) => reply,
    }
}

fn list_sections(st: &mut SimState, req: &Req) -> Reply {
    let items = st
        .sections
        .iter()
        .map(|s| (by_id(s.id), st.section_json(s)))
        .collect();
    cursor_page(st, req, "sections", items, CursorRules::STANDARD)
}

fn show_section(st: &mut SimState, req: &Req) -> Reply {
    match st.sections.iter().find(|s| s.id == req.id(0)) {
        Some(s) => Reply::ok(json!({"section": st.section_json(s)})),
        None => not_found(),
    }
}

// ----- SLA, CSAT, custom statuses -----

fn list_slas(st: &mut SimState, _req: &Req) -> Reply {
    let policies: Vec<Value> = st.slas.iter().map(|p| st.sla_json(p)).collect();
    let count = policies.len();
    Reply::ok(json!({
        "sla_policies": policies,
        "next_page": null,
        "previous_page": null,
        "count": count,
    }))
}

fn show_sla(st: &mut SimState, req: &Req) -> Reply {
    match st.slas.iter().find(|p| p.id == req.id(0)) {
        Some(p) => Reply::ok(json!({"sla_policy": st.sla_json(p)})),
        None => not_found(),
    }
}

/// `GET /api/v2/satisfaction_ratings`, with the documented `score`, `start_time` and `end_time`
/// (Unix seconds, inclusive) filters.
fn list_ratings(st: &mut SimState, req: &Req) -> Reply {
    let epoch = |name: &str| -> Result<Option<i64>, Reply> {
        match req.param(name) {
            None => Ok(None),
            Some(text) => text.trim().parse().map(Some).map_err(|_| {
                bad_request(
                    "InvalidValue",
                    format!("{name} must be Unix seconds, got {text:?}"),
                )
            }),
        }
    };
    let (start, end) = match (epoch("start_time"), epoch("end_time")) {
        (Ok(s), Ok(e)) => (s, e),
        (Err(reply), _) | (_, Err(reply)) => return reply,
    };
    let score = req.param("score");
    let known = [
        "offered",
        "unoffered",
        "received",
        "received_with_comment",
        "received_without_comment",
        "good",
        "good_with_comment",
        "good_without_comment",
        "bad",
        "bad_with_comment",
        "bad_without_comment",
    ];
    if let Some(score) = score
        && !known.contains(&score)
    {
        return bad_request(
            "InvalidValue",
            format!("score {score:?} is not a rating score filter"),
        );
    }
    let items = st
        .ratings
        .iter()
        .filter(|r| {
            let commented = r.comment.as_deref().is_some_and(|c| !c.is_empty());
            let by_score = match score {
                None | Some("received") => true,
                Some("offered" | "unoffered") => r.score == score.unwrap_or_default(),
                Some("received_with_comment") => commented,
                Some("received_without_comment") => !commented,
                Some(s) => {
                    let (base, rest) = s.split_once('_').unwrap_or((s, ""));
                    r.score == base
                        && match rest {
                            "with_comment" => commented,
                            "without_comment" => !commented,
                            _ => true,
                        }
                }
            };
            let at = r.created_at.timestamp();
            by_score && start.is_none_or(|s| at >= s) && end.is_none_or(|e| at <= e)
        })
        .map(|r| (by_id(r.id), st.rating_json(r)))
        .collect();
    cursor_page(
        st,
        req,
        "satisfaction_ratings",
        items,
        CursorRules::STANDARD,
    )
}

fn custom_statuses(_st: &mut SimState, _req: &Req) -> Reply {
    Reply::ok(json!({"custom_statuses": []}))
}
