//! The routes: one per endpoint, matching method, path (with Zendesk's optional `.json` suffix),
//! the query parameters it allows and requires, and for writes a JSON body with a `ticket` object;
//! the handlers answer from the account. The kit serves them after the credentials check; anything
//! else matches no route and gets httpmock's 404.

use serde_json::{Value, json};
use support_conformance::sim::{self, BodyRule, Params};

use super::http::{Reply, Req, bad_request, not_found};
use super::paging::{CursorRules, SortKey, by_id, by_time_then_id, cursor_page, offset_page};
use super::search;
use super::store::SimState;
use super::writes;

/// One endpoint.
pub type Route = sim::Route<SimState>;

const CURSOR: &[&str] = &["page[size]", "page[after]", "page[before]"];

const fn cursor_params() -> Params {
    Params::allowed(CURSOR)
}

/// Every endpoint the simulator serves.
#[rustfmt::skip]
pub const ROUTES: &[Route] = &[
    Route::new("GET", "/api/v2/users/me", Params::NONE, BodyRule::Any, users_me),
    Route::new("GET", "/api/v2/users", Params::new(&["role", "page[size]", "page[after]", "page[before]"], &[], &["role[]"]), BodyRule::Any, list_users),
    Route::new("GET", "/api/v2/group_memberships", cursor_params(), BodyRule::Any, list_memberships),
    Route::new("GET", "/api/v2/groups", cursor_params(), BodyRule::Any, list_groups),
    Route::new("GET", "/api/v2/tickets", Params::allowed(&["external_id", "include", "page[size]", "page[after]", "page[before]"]), BodyRule::Any, list_tickets),
    Route::new("POST", "/api/v2/tickets", Params::NONE, BodyRule::JsonObjectWith("ticket"), writes::create_ticket),
    Route::new("GET", "/api/v2/tickets/{}", Params::allowed(&["include"]), BodyRule::Any, show_ticket),
    Route::new("PUT", "/api/v2/tickets/{}", Params::NONE, BodyRule::JsonObjectWith("ticket"), writes::update_ticket),
    Route::new("GET", "/api/v2/tickets/{}/comments", Params::allowed(&["sort_order", "include", "include_inline_images", "page[size]", "page[after]", "page[before]"]), BodyRule::Any, list_comments),
    Route::new("GET", "/api/v2/tickets/{}/tags", Params::NONE, BodyRule::Any, ticket_tags),
    Route::new("POST", "/api/v2/uploads", Params::new(&["token"], &["filename"], &[]), BodyRule::Any, writes::upload),
    Route::new("GET", "/attachments/token/{}/", Params::allowed(&["name"]), BodyRule::Any, attachment_content),
    Route::new("GET", "/api/v2/search/export", Params::new(&["filter[type]", "page[size]", "page[after]"], &["query"], &[]), BodyRule::Any, search_export),
    Route::new("GET", "/api/v2/search", Params::new(&["page", "per_page"], &["query"], &[]), BodyRule::Any, search_offset),
    Route::new("GET", "/api/v2/tags", cursor_params(), BodyRule::Any, list_tags),
    Route::new("GET", "/api/v2/help_center/articles/search", Params::allowed(&["query", "category", "section", "label_names", "locale", "page", "per_page"]), BodyRule::Any, search_articles),
    Route::new("GET", "/api/v2/help_center/articles", cursor_params(), BodyRule::Any, list_articles),
    Route::new("GET", "/api/v2/help_center/articles/{}", Params::NONE, BodyRule::Any, show_article),
    Route::new("GET", "/api/v2/help_center/categories/{}/articles", cursor_params(), BodyRule::Any, list_category_articles),
    Route::new("GET", "/api/v2/help_center/sections", cursor_params(), BodyRule::Any, list_sections),
    Route::new("GET", "/api/v2/help_center/sections/{}", Params::NONE, BodyRule::Any, show_section),
    Route::new("GET", "/api/v2/slas/policies", Params::NONE, BodyRule::Any, list_slas),
    Route::new("GET", "/api/v2/slas/policies/{}", Params::NONE, BodyRule::Any, show_sla),
    Route::new("GET", "/api/v2/satisfaction_ratings", Params::allowed(&["score", "start_time", "end_time", "page[size]", "page[after]", "page[before]"]), BodyRule::Any, list_ratings),
    Route::new("GET", "/api/v2/custom_statuses", Params::allowed(&["status_categories", "active", "default"]), BodyRule::Any, custom_statuses),
];

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

/// The sideloads the side-loading guide lists for tickets.
const TICKET_SIDELOADS: [&str; 12] = [
    "users",
    "groups",
    "organizations",
    "last_audits",
    "metric_sets",
    "dates",
    "sharing_agreements",
    "comment_count",
    "incident_counts",
    "ticket_forms",
    "metric_events",
    "slas",
];

/// The sideloads of `include` (comma-separated), each one of `known`; an unknown name is refused
/// rather than ignored, so a typo in the adapter shows.
fn sideloads<'r>(req: &'r Req, known: &[&str]) -> Result<Vec<&'r str>, Reply> {
    let names: Vec<&str> = req
        .param("include")
        .map(|i| i.split(',').map(str::trim).collect())
        .unwrap_or_default();
    match names.iter().find(|n| !known.contains(n)) {
        Some(bad) => Err(bad_request(
            "InvalidValue",
            format!("include={bad} is not a sideload of this endpoint"),
        )),
        None => Ok(names),
    }
}

fn list_tickets(st: &mut SimState, req: &Req) -> Reply {
    let include = match sideloads(req, &TICKET_SIDELOADS) {
        Ok(include) => include,
        Err(reply) => return reply,
    };
    let external = req.param("external_id");
    let items = st
        .tickets
        .values()
        .filter(|t| external.is_none_or(|x| t.external_id.as_deref() == Some(x)))
        .map(|t| (by_id(t.id), st.ticket_json_including(t, &include)))
        .collect();
    cursor_page(st, req, "tickets", items, CursorRules::STANDARD)
}

fn show_ticket(st: &mut SimState, req: &Req) -> Reply {
    let include = match sideloads(req, &TICKET_SIDELOADS) {
        Ok(include) => include,
        Err(reply) => return reply,
    };
    match st.tickets.get(&req.num(0)) {
        Some(t) => Reply::ok(json!({"ticket": st.ticket_json_including(t, &include)})),
        None => not_found(),
    }
}

/// The sideloads the side-loading guide lists for ticket comments.
const COMMENT_SIDELOADS: [&str; 1] = ["users"];

fn list_comments(st: &mut SimState, req: &Req) -> Reply {
    let include = match sideloads(req, &COMMENT_SIDELOADS) {
        Ok(include) => include,
        Err(reply) => return reply,
    };
    let ticket_id = req.num(0);
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
    let mut reply = cursor_page(st, req, "comments", items, CursorRules::STANDARD);
    // The `users` sideload: the authors of the page's comments.
    if include.contains(&"users")
        && reply.status == 200
        && let Some(Value::Object(map)) = &mut reply.body
    {
        let mut authors: Vec<u64> = map
            .get("comments")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|c| c.get("author_id").and_then(Value::as_u64))
            .collect();
        authors.sort_unstable();
        authors.dedup();
        let users: Vec<Value> = authors
            .iter()
            .filter_map(|id| st.users.get(id))
            .map(|u| st.user_json(u))
            .collect();
        map.insert("users".into(), Value::Array(users));
    }
    reply
}

/// An attachment's `content_url`: the file's bytes.
fn attachment_content(st: &mut SimState, req: &Req) -> Reply {
    match st.attachment_by_token(req.num(0)) {
        Some(a) => Reply::file(a.content_type.clone(), a.content.clone()),
        None => not_found(),
    }
}

fn ticket_tags(st: &mut SimState, req: &Req) -> Reply {
    match st.tickets.get(&req.num(0)) {
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
    if let Some(Value::Object(map)) = &mut reply.body
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
    let category = req.num(0);
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
    match st.articles.iter().find(|a| a.id == req.num(0)) {
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
    match st.sections.iter().find(|s| s.id == req.num(0)) {
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
    match st.slas.iter().find(|p| p.id == req.num(0)) {
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
