//! The routes: one per endpoint (method and path), whose handler checks the query parameters
//! (and, for writes, the body) as Freshdesk does and answers from the account. The kit serves them
//! after the credentials check; any other method or path matches no route and gets httpmock's 404:
//! that is how an unexpected request shows.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};
use support_conformance::sim::{self, BodyRule, Params};

use super::form;
use super::http::{
    FieldError, Reply, Req, ReqExt, invalid_content_type, invalid_json, invalid_value, not_found,
    validation_failed,
};
use super::paging::{offset_page, page_number};
use super::search;
use super::store::{ME, SimState, TicketRec, attachment_token, time};
use super::writes;

/// One endpoint.
pub type Route = sim::Route<SimState>;

const fn get(pattern: &'static str, handler: sim::Handler<SimState>) -> Route {
    Route::get(pattern, handler)
}

/// A write: its body is checked as Freshdesk checks it before the handler runs.
const fn write(
    method: &'static str,
    pattern: &'static str,
    handler: sim::Handler<SimState>,
) -> Route {
    Route::new(method, pattern, Params::ANY, BodyRule::Any, handler).checked(write_body)
}

/// A write that also takes `multipart/form-data` with files (`form.rs`).
const fn write_with_files(
    method: &'static str,
    pattern: &'static str,
    handler: sim::Handler<SimState>,
) -> Route {
    Route::new(method, pattern, Params::ANY, BodyRule::Any, handler).checked(write_or_form_body)
}

fn write_or_form_body(req: &Req) -> Result<(), Reply> {
    if form::declares_form(req) {
        return req.check_params(&[]);
    }
    write_body(req)
}

/// Freshdesk's answers to a write without `Content-Type: application/json` (415), without a JSON
/// object body (400 `invalid_json`), or with query parameters (400 `invalid_field`).
fn write_body(req: &Req) -> Result<(), Reply> {
    if !req.declares_json() {
        return Err(invalid_content_type());
    }
    if !req.json().is_some_and(|b| b.is_object()) {
        return Err(invalid_json());
    }
    req.check_params(&[])
}

/// The paging parameters every list takes.
const PAGING: [&str; 2] = ["page", "per_page"];

/// Every endpoint the simulator serves, under `/api/v2`.
pub const ROUTES: &[Route] = &[
    get("/api/v2/agents/me", agents_me),
    get("/api/v2/agents", list_agents),
    get("/api/v2/agents/{}", show_agent),
    get("/api/v2/roles", list_roles),
    get("/api/v2/roles/{}", show_role),
    get("/api/v2/groups", list_groups),
    get("/api/v2/groups/{}", show_group),
    get("/api/v2/ticket_fields", ticket_fields),
    get("/api/v2/tickets", list_tickets),
    write_with_files("POST", "/api/v2/tickets", create_ticket),
    get("/api/v2/tickets/{}", show_ticket),
    write("PUT", "/api/v2/tickets/{}", writes::update_ticket),
    get("/api/v2/tickets/{}/conversations", list_conversations),
    write_with_files("POST", "/api/v2/tickets/{}/reply", reply),
    write_with_files("POST", "/api/v2/tickets/{}/notes", note),
    get("/api/v2/search/tickets", search_tickets),
    get("/api/v2/solutions/categories", list_categories),
    get("/api/v2/solutions/categories/{}", show_category),
    get("/api/v2/solutions/categories/{}/folders", list_folders),
    get("/api/v2/solutions/folders/{}", show_folder),
    get("/api/v2/solutions/folders/{}/articles", list_articles),
    get("/api/v2/solutions/articles/{}", show_article),
    get("/api/v2/sla_policies", list_slas),
    get("/api/v2/sla_policies/{}", show_sla),
    get("/api/v2/surveys/satisfaction_ratings", list_ratings),
    // Not under the API: an attachment's link, answered with its signed storage URL.
    get("/attachments/{}", attachment),
];

// ----- files -----

fn attach_to_ticket(st: &mut SimState, id: u64, files: Vec<u64>) {
    if let Some(t) = st.tickets.get_mut(&id) {
        t.attachment_ids.extend(files);
    }
}

fn ticket_by_id(st: &SimState, id: u64) -> Option<Value> {
    st.tickets.get(&id).map(|t| st.ticket_json(t, true))
}

fn attach_to_conversation(st: &mut SimState, id: u64, files: Vec<u64>) {
    if let Some(c) = st.conversations.iter_mut().find(|c| c.id == id) {
        c.attachment_ids.extend(files);
    }
}

fn conversation_by_id(st: &SimState, id: u64) -> Option<Value> {
    st.conversations
        .iter()
        .find(|c| c.id == id)
        .map(|c| st.conversation_json(c))
}

fn create_ticket(st: &mut SimState, req: &Req) -> Reply {
    form::with_files(
        st,
        req,
        writes::create_ticket,
        attach_to_ticket,
        ticket_by_id,
    )
}

fn reply(st: &mut SimState, req: &Req) -> Reply {
    form::with_files(
        st,
        req,
        writes::reply,
        attach_to_conversation,
        conversation_by_id,
    )
}

fn note(st: &mut SimState, req: &Req) -> Reply {
    form::with_files(
        st,
        req,
        writes::note,
        attach_to_conversation,
        conversation_by_id,
    )
}

/// `GET /attachments/{id}?token=…`: no credentials needed (the token is the signature); 302 to
/// the file in storage, 403 without the right token, 404 for no such file.
fn attachment(st: &mut SimState, req: &Req) -> Reply {
    if let Err(reply) = req.check_params(&["token"]) {
        return reply;
    }
    let id = req.num(0);
    if req.param("token") != Some(attachment_token(id).as_str()) {
        return Reply::new(
            403,
            json!({"code": "access_denied", "message": "The link is not signed"}),
        );
    }
    match st.attachments.get(&id) {
        Some(a) => Reply::new(302, json!({})).with_header("location", a.storage_url.clone()),
        None => not_found(),
    }
}

/// Parses a time parameter: ISO 8601 (`2026-01-05T08:00:00Z`) or a date (its midnight, UTC).
pub fn parse_time(field: &str, text: &str) -> Result<DateTime<Utc>, Reply> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Some(t) = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
    {
        return Ok(t.and_utc());
    }
    Err(invalid_value(
        field,
        format!("It should be in the 'valid date time' format, got {text:?}"),
    ))
}

fn id_param(req: &Req, name: &str) -> Result<Option<u64>, Reply> {
    match req.param(name) {
        None => Ok(None),
        Some(text) => text
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| invalid_value(name, "It should be a Positive Integer")),
    }
}

fn choice<'a>(req: &'a Req, name: &str, allowed: &[&str]) -> Result<Option<&'a str>, Reply> {
    match req.param(name) {
        Some(value) if !allowed.contains(&value) => Err(invalid_value(
            name,
            format!("It should be one of these values: '{}'", allowed.join(",")),
        )),
        other => Ok(other),
    }
}

// ----- agents, roles, groups -----

fn agents_me(st: &mut SimState, req: &Req) -> Reply {
    if let Err(reply) = req.check_params(&[]) {
        return reply;
    }
    match st.agents.get(&ME) {
        Some(me) => Reply::ok(st.agent_json(me)),
        None => not_found(),
    }
}

fn list_agents(st: &mut SimState, req: &Req) -> Reply {
    if let Err(reply) = req.check_params(&["email", "mobile", "phone", "state", "page", "per_page"])
    {
        return reply;
    }
    let state = match choice(req, "state", &["fulltime", "occasional"]) {
        Ok(state) => state,
        Err(reply) => return reply,
    };
    let email = req.param("email");
    let by_phone = req.param("mobile").is_some() || req.param("phone").is_some();
    let items = st
        .agents
        .values()
        .filter(|a| email.is_none_or(|e| a.email.eq_ignore_ascii_case(e)))
        .filter(|_| !by_phone && state != Some("occasional"))
        .map(|a| st.agent_json(a))
        .collect();
    offset_page(st, req, items)
}

fn show_agent(st: &mut SimState, req: &Req) -> Reply {
    if let Err(reply) = req.check_params(&[]) {
        return reply;
    }
    match st.agents.get(&req.num(0)) {
        Some(a) => Reply::ok(st.agent_json(a)),
        None => not_found(),
    }
}

fn list_roles(st: &mut SimState, req: &Req) -> Reply {
    if let Err(reply) = req.check_params(&PAGING) {
        return reply;
    }
    let items = st.roles_json();
    offset_page(st, req, items)
}

fn show_role(st: &mut SimState, req: &Req) -> Reply {
    if let Err(reply) = req.check_params(&[]) {
        return reply;
    }
    st.roles_json()
        .into_iter()
        .find(|r| r["id"] == json!(req.num(0)))
        .map_or_else(not_found, Reply::ok)
}

fn list_groups(st: &mut SimState, req: &Req) -> Reply {
    if let Err(reply) = req.check_params(&PAGING) {
        return reply;
    }
    let items = st.groups.iter().map(|g| st.group_json(g)).collect();
    offset_page(st, req, items)
}

fn show_group(st: &mut SimState, req: &Req) -> Reply {
    if let Err(reply) = req.check_params(&[]) {
        return reply;
    }
    match st.groups.iter().find(|g| g.id == req.num(0)) {
        Some(g) => Reply::ok(st.group_json(g)),
        None => not_found(),
    }
}

// ----- tickets -----

fn ticket_fields(st: &mut SimState, req: &Req) -> Reply {
    if let Err(reply) = req.check_params(&["type"]) {
        return reply;
    }
    let kind = req.param("type");
    let fields: Vec<Value> = st
        .ticket_fields_json()
        .into_iter()
        .filter(|f| kind.is_none_or(|k| f["type"] == json!(k)))
        .collect();
    Reply::ok(Value::Array(fields))
}

/// The `include` values a request asked for, each one of `allowed`.
fn includes(req: &Req, allowed: &[&str]) -> Result<Vec<String>, Reply> {
    let Some(text) = req.param("include") else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for item in text.split(',').map(str::trim) {
        if !allowed.contains(&item) {
            return Err(invalid_value(
                "include",
                format!("It should be one of these values: '{}'", allowed.join(",")),
            ));
        }
        out.push(item.to_owned());
    }
    Ok(out)
}

/// A ticket with the embedded objects `include` asked for.
fn ticket_with(st: &SimState, t: &TicketRec, description: bool, include: &[String]) -> Value {
    let mut json = st.ticket_json(t, description);
    let Value::Object(map) = &mut json else {
        return json;
    };
    for item in include {
        match item.as_str() {
            "requester" => {
                let requester = st
                    .contacts
                    .get(&t.requester_id)
                    .map(|c| (c.name.clone(), c.email.clone()))
                    .or_else(|| {
                        st.agents
                            .get(&t.requester_id)
                            .map(|a| (a.name.clone(), a.email.clone()))
                    });
                if let Some((name, email)) = requester {
                    map.insert(
                        "requester".into(),
                        json!({"id": t.requester_id, "name": name, "email": email, "mobile": null, "phone": null}),
                    );
                }
            }
            "company" => {
                let company = t
                    .company_id
                    .and_then(|id| st.companies.iter().find(|c| c.id == id))
                    .map(|c| json!({"id": c.id, "name": c.name}));
                map.insert("company".into(), company.unwrap_or_else(|| json!({})));
            }
            "stats" => {
                map.insert(
                    "stats".into(),
                    json!({
                        "agent_responded_at": null,
                        "requester_responded_at": null,
                        "first_responded_at": null,
                        "status_updated_at": time(&t.updated_at),
                        "reopened_at": null,
                        "resolved_at": t.resolved_at.as_ref().map(time),
                        "closed_at": t.closed_at.as_ref().map(time),
                        "pending_since": if t.status == 3 { Some(time(&t.updated_at)) } else { None },
                    }),
                );
            }
            "conversations" => {
                let mut items: Vec<_> = st
                    .conversations
                    .iter()
                    .filter(|c| c.ticket_id == t.id)
                    .collect();
                items.sort_by_key(|c| (c.created_at, c.id));
                let items: Vec<Value> = items
                    .into_iter()
                    .take(10)
                    .map(|c| st.conversation_json(c))
                    .collect();
                map.insert("conversations".into(), Value::Array(items));
            }
            _ => {}
        }
    }
    json
}

/// `GET /api/v2/tickets`. Without `updated_since`, only tickets created in the 30 days before the
/// account's "now" are listed (Freshdesk's documented default); `updated_since` lists every ticket
/// updated at or after it. Ordered by `order_by` (`created_at` by default) and `order_type`
/// (`desc` by default), ties by id in the same direction. `description` only with
/// `include=description`.
fn list_tickets(st: &mut SimState, req: &Req) -> Reply {
    if let Err(reply) = req.check_params(&[
        "filter",
        "requester_id",
        "email",
        "company_id",
        "updated_since",
        "order_by",
        "order_type",
        "include",
        "page",
        "per_page",
    ]) {
        return reply;
    }
    let filter = match choice(
        req,
        "filter",
        &["new_and_my_open", "watching", "spam", "deleted"],
    ) {
        Ok(filter) => filter,
        Err(reply) => return reply,
    };
    let order_by = match choice(
        req,
        "order_by",
        &["created_at", "due_by", "updated_at", "status"],
    ) {
        Ok(order) => order.unwrap_or("created_at"),
        Err(reply) => return reply,
    };
    let descending = match choice(req, "order_type", &["asc", "desc"]) {
        Ok(order) => order != Some("asc"),
        Err(reply) => return reply,
    };
    let include = match includes(req, &["requester", "stats", "description"]) {
        Ok(include) => include,
        Err(reply) => return reply,
    };
    let (requester, company) = match (id_param(req, "requester_id"), id_param(req, "company_id")) {
        (Ok(r), Ok(c)) => (r, c),
        (Err(reply), _) | (_, Err(reply)) => return reply,
    };
    let email_requester = match req.param("email") {
        None => None,
        Some(email) => match st.user_id_by_email(email) {
            Some(id) => Some(id),
            None => {
                return invalid_value("email", "There is no contact matching the given email");
            }
        },
    };
    let since = match req.param("updated_since") {
        None => None,
        Some(text) => match parse_time("updated_since", text) {
            Ok(t) => Some(t),
            Err(reply) => return reply,
        },
    };
    let window_start = st.now - chrono::Duration::days(30);
    let mut tickets: Vec<&TicketRec> = st
        .tickets
        .values()
        .filter(|t| match since {
            Some(since) => t.updated_at >= since,
            None => t.created_at >= window_start,
        })
        .filter(|t| requester.is_none_or(|r| t.requester_id == r))
        .filter(|t| email_requester.is_none_or(|r| t.requester_id == r))
        .filter(|t| company.is_none_or(|c| t.company_id == Some(c)))
        .filter(|t| match filter {
            None => true,
            Some("new_and_my_open") => t.status == 2 && t.responder_id.is_none_or(|r| r == ME),
            Some(_) => false,
        })
        .collect();
    tickets.sort_by(|a, b| {
        let key = |t: &TicketRec| match order_by {
            "updated_at" => (t.updated_at.timestamp(), t.id),
            "due_by" => (t.due_by.timestamp(), t.id),
            "status" => (t.status as i64, t.id),
            _ => (t.created_at.timestamp(), t.id),
        };
        let ordering = key(a).cmp(&key(b));
        if descending {
            ordering.reverse()
        } else {
            ordering
        }
    });
    let description = include.iter().any(|i| i == "description");
    let items = tickets
        .into_iter()
        .map(|t| ticket_with(st, t, description, &include))
        .collect();
    offset_page(st, req, items)
}

fn show_ticket(st: &mut SimState, req: &Req) -> Reply {
    if let Err(reply) = req.check_params(&["include"]) {
        return reply;
    }
    let include = match includes(req, &["conversations", "requester", "company", "stats"]) {
        Ok(include) => include,
        Err(reply) => return reply,
    };
    match st.tickets.get(&req.num(0)) {
        Some(t) => Reply::ok(ticket_with(st, t, true, &include)),
        None => not_found(),
    }
}

/// `GET /api/v2/tickets/{id}/conversations`: oldest first. The ticket's description is not one.
fn list_conversations(st: &mut SimState, req: &Req) -> Reply {
    if let Err(reply) = req.check_params(&PAGING) {
        return reply;
    }
    let ticket_id = req.num(0);
    if !st.tickets.contains_key(&ticket_id) {
        return not_found();
    }
    let mut items: Vec<_> = st
        .conversations
        .iter()
        .filter(|c| c.ticket_id == ticket_id)
        .collect();
    items.sort_by_key(|c| (c.created_at, c.id));
    let items = items.into_iter().map(|c| st.conversation_json(c)).collect();
    offset_page(st, req, items)
}

/// The fixed page size of the ticket search.
pub const SEARCH_PAGE_SIZE: usize = 30;
/// The last page of the ticket search.
pub const SEARCH_MAX_PAGE: usize = 10;
/// The longest query (between the double quotes).
pub const SEARCH_MAX_QUERY: usize = 512;

/// `GET /api/v2/search/tickets?query="..."&page=P`: 30 results a page, pages 1 to 10, `total` the
/// full count; most recently updated first.
fn search_tickets(st: &mut SimState, req: &Req) -> Reply {
    if let Err(reply) = req.check_params(&["query", "page"]) {
        return reply;
    }
    let Some(raw) = req.param("query") else {
        return validation_failed(vec![FieldError::missing(
            "query",
            "It should be a/an String",
        )]);
    };
    let Some(query) = raw
        .strip_prefix('"')
        .and_then(|q| q.strip_suffix('"'))
        .filter(|_| raw.len() >= 2)
    else {
        return invalid_value("query", "It should be enclosed in double quotes");
    };
    if query.chars().count() > SEARCH_MAX_QUERY {
        return invalid_value(
            "query",
            format!("It should have at most {SEARCH_MAX_QUERY} characters"),
        );
    }
    let page = match page_number(req, Some(SEARCH_MAX_PAGE)) {
        Ok(page) => page,
        Err(reply) => return reply,
    };
    let expr = match search::parse(query) {
        Ok(expr) => expr,
        Err(why) => return invalid_value("query", format!("Invalid query: {why}")),
    };
    let mut matched: Vec<&TicketRec> = st.tickets.values().filter(|t| expr.matches(t)).collect();
    matched.sort_by_key(|t| std::cmp::Reverse((t.updated_at, t.id)));
    let total = matched.len();
    let results: Vec<Value> = matched
        .into_iter()
        .skip((page - 1) * SEARCH_PAGE_SIZE)
        .take(SEARCH_PAGE_SIZE)
        .map(|t| st.ticket_json(t, false))
        .collect();
    Reply::ok(json!({"results": results, "total": total}))
}

// ----- solutions -----

fn list_categories(st: &mut SimState, req: &Req) -> Reply {
    if let Err(reply) = req.check_params(&PAGING) {
        return reply;
    }
    let items = st.categories.iter().map(|c| st.category_json(c)).collect();
    offset_page(st, req, items)
}

fn show_category(st: &mut SimState, req: &Req) -> Reply {
    if let Err(reply) = req.check_params(&[]) {
        return reply;
    }
    match st.categories.iter().find(|c| c.id == req.num(0)) {
        Some(c) => Reply::ok(st.category_json(c)),
        None => not_found(),
    }
}

fn list_folders(st: &mut SimState, req: &Req) -> Reply {
    if let Err(reply) = req.check_params(&PAGING) {
        return reply;
    }
    let category = req.num(0);
    if !st.categories.iter().any(|c| c.id == category) {
        return not_found();
    }
    let items = st
        .folders
        .iter()
        .filter(|f| f.category_id == category)
        .map(|f| st.folder_json(f))
        .collect();
    offset_page(st, req, items)
}

fn show_folder(st: &mut SimState, req: &Req) -> Reply {
    if let Err(reply) = req.check_params(&[]) {
        return reply;
    }
    match st.folders.iter().find(|f| f.id == req.num(0)) {
        Some(f) => Reply::ok(st.folder_json(f)),
        None => not_found(),
    }
}

fn list_articles(st: &mut SimState, req: &Req) -> Reply {
    if let Err(reply) = req.check_params(&PAGING) {
        return reply;
    }
    let folder = req.num(0);
    if !st.folders.iter().any(|f| f.id == folder) {
        return not_found();
    }
    let items = st
        .articles
        .iter()
        .filter(|a| a.folder_id == folder)
        .map(|a| st.article_json(a))
        .collect();
    offset_page(st, req, items)
}

fn show_article(st: &mut SimState, req: &Req) -> Reply {
    if let Err(reply) = req.check_params(&[]) {
        return reply;
    }
    match st.articles.iter().find(|a| a.id == req.num(0)) {
        Some(a) => Reply::ok(st.article_json(a)),
        None => not_found(),
    }
}

// ----- SLA, CSAT -----

fn list_slas(st: &mut SimState, req: &Req) -> Reply {
    if let Err(reply) = req.check_params(&PAGING) {
        return reply;
    }
    let items = st.slas.iter().map(|p| st.sla_json(p)).collect();
    offset_page(st, req, items)
}

fn show_sla(st: &mut SimState, req: &Req) -> Reply {
    if let Err(reply) = req.check_params(&[]) {
        return reply;
    }
    match st.slas.iter().find(|p| p.id == req.num(0)) {
        Some(p) => Reply::ok(st.sla_json(p)),
        None => not_found(),
    }
}

/// `GET /api/v2/surveys/satisfaction_ratings`: ratings created at or after `created_since`, by
/// default the 30 days before the account's "now"; oldest first.
fn list_ratings(st: &mut SimState, req: &Req) -> Reply {
    if let Err(reply) = req.check_params(&["created_since", "page", "per_page"]) {
        return reply;
    }
    let since = match req.param("created_since") {
        None => st.now - chrono::Duration::days(30),
        Some(text) => match parse_time("created_since", text) {
            Ok(t) => t,
            Err(reply) => return reply,
        },
    };
    let mut ratings: Vec<_> = st
        .ratings
        .iter()
        .filter(|r| r.created_at >= since)
        .collect();
    ratings.sort_by_key(|r| (r.created_at, r.id));
    let items = ratings.into_iter().map(|r| st.rating_json(r)).collect();
    offset_page(st, req, items)
}
