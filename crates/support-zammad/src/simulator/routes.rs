//! Zammad's endpoints, in matching order: method, path (`{}` for an id), the query parameters
//! (`Params`) and body (`BodyRule`) each accepts, and its handler. Paths from
//! `config/routes/*.rb`; behaviour from the controllers named on each handler.

use serde_json::{Map, Value, json};
use support_conformance::sim::{BodyRule, Params, Route};

use super::http::{self, Reply, Req};
use super::query;
use super::store::{
    ARTICLE_TYPES, ArticleSeed, KB_LOCALE, KNOWLEDGE_BASE, PRIORITIES, ROLES, SENDERS, STATES,
    SYSTEM_USER, SimState, StoredFile, TicketSeed, article_json, attachment_json, display_from,
    ticket_json, ts,
};

/// The API root.
pub const API: &str = "/api/v1";

const PAGING: &[&str] = &["page", "per_page", "limit"];
const SEARCH: &[&str] = &[
    "query",
    "page",
    "per_page",
    "limit",
    "sort_by",
    "order_by",
    "with_total_count",
    "only_total_count",
];
const USER_SEARCH: &[&str] = &[
    "query",
    "page",
    "per_page",
    "limit",
    "sort_by",
    "order_by",
    "with_total_count",
    "only_total_count",
];

/// Every endpoint the simulator serves.
pub static ROUTES: &[Route<SimState>] = &[
    Route::new("GET", "/api/v1/users/me", Params::NONE, BodyRule::Any, me),
    Route::new(
        "GET",
        "/api/v1/users/search",
        Params::new(USER_SEARCH, &[], &["permissions[]", "role_ids[]"]),
        BodyRule::Any,
        users_search,
    ),
    Route::new("GET", "/api/v1/users/{}", Params::NONE, BodyRule::Any, user),
    Route::new(
        "GET",
        "/api/v1/roles",
        Params::allowed(PAGING),
        BodyRule::Any,
        roles,
    ),
    Route::new(
        "GET",
        "/api/v1/groups",
        Params::allowed(PAGING),
        BodyRule::Any,
        groups,
    ),
    Route::new(
        "GET",
        "/api/v1/ticket_states",
        Params::allowed(PAGING),
        BodyRule::Any,
        ticket_states,
    ),
    Route::new(
        "GET",
        "/api/v1/ticket_priorities",
        Params::allowed(PAGING),
        BodyRule::Any,
        ticket_priorities,
    ),
    Route::new(
        "GET",
        "/api/v1/tickets/search",
        Params::allowed(SEARCH),
        BodyRule::Any,
        tickets_search,
    ),
    Route::new(
        "GET",
        "/api/v1/tickets",
        Params::allowed(PAGING),
        BodyRule::Any,
        tickets,
    ),
    Route::new(
        "GET",
        "/api/v1/tickets/{}",
        Params::NONE,
        BodyRule::Any,
        ticket,
    ),
    Route::new(
        "POST",
        "/api/v1/tickets",
        Params::NONE,
        BodyRule::JsonObject,
        create_ticket,
    ),
    Route::new(
        "PUT",
        "/api/v1/tickets/{}",
        Params::NONE,
        BodyRule::JsonObject,
        update_ticket,
    ),
    Route::new(
        "GET",
        "/api/v1/ticket_articles/by_ticket/{}",
        Params::NONE,
        BodyRule::Any,
        articles_by_ticket,
    ),
    Route::new(
        "GET",
        "/api/v1/ticket_articles/{}",
        Params::NONE,
        BodyRule::Any,
        article,
    ),
    Route::new(
        "POST",
        "/api/v1/ticket_articles",
        Params::NONE,
        BodyRule::JsonObject,
        create_article,
    ),
    Route::new(
        "GET",
        "/api/v1/ticket_attachment/{}/{}/{}",
        Params::allowed(&["disposition", "view"]),
        BodyRule::Any,
        attachment,
    ),
    Route::new(
        "GET",
        "/api/v1/tag_list",
        Params::allowed(&["limit"]),
        BodyRule::Any,
        tag_list,
    ),
    Route::new(
        "POST",
        "/api/v1/tag_list",
        Params::NONE,
        BodyRule::JsonObject,
        create_tag,
    ),
    Route::new(
        "GET",
        "/api/v1/tags",
        Params::new(&[], &["object", "o_id"], &[]),
        BodyRule::Any,
        ticket_tags,
    ),
    Route::new(
        "POST",
        "/api/v1/tags/add",
        Params::NONE,
        BodyRule::JsonObject,
        tag_add,
    ),
    Route::new(
        "DELETE",
        "/api/v1/tags/remove",
        Params::NONE,
        BodyRule::JsonObject,
        tag_remove,
    ),
    Route::new(
        "POST",
        "/api/v1/knowledge_bases/search",
        Params::NONE,
        BodyRule::JsonObject,
        kb_search,
    ),
    Route::new(
        "POST",
        "/api/v1/knowledge_bases/init",
        Params::NONE,
        BodyRule::Any,
        kb_init,
    ),
    Route::new(
        "GET",
        "/api/v1/knowledge_bases/{}/answers/{}",
        Params::allowed(&["include_contents"]),
        BodyRule::Any,
        kb_answer,
    ),
    Route::new(
        "GET",
        "/api/v1/slas",
        Params::allowed(PAGING),
        BodyRule::Any,
        slas,
    ),
    Route::new("GET", "/api/v1/slas/{}", Params::NONE, BodyRule::Any, sla),
    Route::new(
        "GET",
        "/api/v1/calendars",
        Params::allowed(PAGING),
        BodyRule::Any,
        calendars,
    ),
    Route::new(
        "GET",
        "/api/v1/calendars/{}",
        Params::NONE,
        BodyRule::Any,
        calendar,
    ),
];

// ----- paging -----

/// Ruby's `String#to_i`: the leading integer, else 0.
fn ruby_to_i(text: &str) -> i64 {
    let text = text.trim_start();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text.strip_prefix('+').unwrap_or(text)),
    };
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    digits[..end].parse::<i64>().map_or(0, |n| sign * n)
}

/// `CanPaginate::Pagination`: `per_page` (or `limit`, else `default`) capped at `max`, `page`
/// from 1; a negative offset or limit is the database's error (422).
fn paging(req: &Req, default: i64, max: i64) -> Result<(usize, usize), Reply> {
    let limit = req
        .param("per_page")
        .or_else(|| req.param("limit"))
        .map_or(default, ruby_to_i)
        .min(max);
    let page = req.param("page").map_or(1, ruby_to_i);
    let offset = (page - 1) * limit;
    if limit < 0 || offset < 0 {
        return Err(http::unprocessable(
            "PG::InvalidRowCountInResultOffsetClause: ERROR:  OFFSET must not be negative",
        ));
    }
    Ok((offset as usize, limit as usize))
}

fn page_of(items: Vec<Value>, offset: usize, limit: usize) -> Vec<Value> {
    items.into_iter().skip(offset).take(limit).collect()
}

/// Generic index endpoints (`model_index_render`): default 500, max 1000, ordered by id.
fn index(req: &Req, records: Vec<Value>) -> Reply {
    match paging(req, 500, 1000) {
        Ok((offset, limit)) => Reply::ok(Value::Array(page_of(records, offset, limit))),
        Err(reply) => reply,
    }
}

// ----- users, roles, groups -----

/// `users_controller.rb#me`: the user the credentials act as.
fn me(state: &mut SimState, _req: &Req) -> Reply {
    match state.users.get(&state.me) {
        Some(user) => Reply::ok(user.clone()),
        None => http::not_found("User", &state.me.to_string()),
    }
}

fn user(state: &mut SimState, req: &Req) -> Reply {
    match state.users.get(&req.num(0)) {
        Some(user) => Reply::ok(user.clone()),
        None => http::not_found("User", req.id(0)),
    }
}

/// `users_controller.rb#search`: `permissions[]` (users of the roles holding them), `role_ids[]`,
/// optional `query`; user 1 never; default 50 a page, at most 200; default order active, then
/// `updated_at` descending (ties by id here).
fn users_search(state: &mut SimState, req: &Req) -> Reply {
    let (offset, limit) = match paging(req, 50, 200) {
        Ok(p) => p,
        Err(reply) => return reply,
    };
    let permissions = req.params_named("permissions[]");
    let role_ids: Vec<u64> = req
        .params_named("role_ids[]")
        .iter()
        .map(|r| ruby_to_i(r) as u64)
        .collect();
    let words = req.param("query").unwrap_or("").replace('*', "");
    let words = words.trim().to_lowercase();
    let mut found: Vec<Value> = state
        .users
        .values()
        .filter(|u| SimState::num(u, "id") != SYSTEM_USER)
        .filter(|u| {
            permissions.is_empty() || permissions.iter().any(|p| state.has_permission(u, p))
        })
        .filter(|u| {
            role_ids.is_empty()
                || u["role_ids"].as_array().is_some_and(|r| {
                    r.iter()
                        .any(|r| role_ids.contains(&r.as_u64().unwrap_or(0)))
                })
        })
        .filter(|u| {
            words.is_empty()
                || ["firstname", "lastname", "email", "login"].iter().any(|f| {
                    u[*f]
                        .as_str()
                        .is_some_and(|v| v.to_lowercase().contains(&words))
                })
        })
        .cloned()
        .collect();
    sort_records(&mut found, req, |u, field| match field {
        "id" => json!(u["id"]),
        other => u.get(other).cloned().unwrap_or(Value::Null),
    });
    let total = found.len();
    if req.param("only_total_count").is_some() {
        return Reply::ok(json!({"total_count": total}));
    }
    let page = page_of(found, offset, limit);
    if req.param("with_total_count").is_some() {
        return Reply::ok(json!({"records": page, "total_count": total}));
    }
    Reply::ok(Value::Array(page))
}

/// Orders records by `sort_by`/`order_by` when given (default: as they are, by id).
fn sort_records(records: &mut [Value], req: &Req, value: impl Fn(&Value, &str) -> Value) {
    let Some(field) = req.param("sort_by") else {
        return;
    };
    let desc = req
        .param("order_by")
        .is_some_and(|o| o.eq_ignore_ascii_case("desc"));
    records.sort_by(|a, b| {
        let o = cmp_json(&value(a, field), &value(b, field))
            .then_with(|| SimState::num(a, "id").cmp(&SimState::num(b, "id")));
        if desc { o.reverse() } else { o }
    });
}

fn cmp_json(a: &Value, b: &Value) -> std::cmp::Ordering {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .unwrap_or(0.0)
            .total_cmp(&y.as_f64().unwrap_or(0.0)),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Null, Value::Null) => std::cmp::Ordering::Equal,
        (Value::Null, _) => std::cmp::Ordering::Less,
        (_, Value::Null) => std::cmp::Ordering::Greater,
        _ => std::cmp::Ordering::Equal,
    }
}

fn roles(_state: &mut SimState, req: &Req) -> Reply {
    let setup = ts(&support_conformance::sim::setup_time());
    let records = ROLES
        .iter()
        .map(|(id, name, permissions)| {
            json!({
                "id": id, "name": name, "preferences": {}, "default_at_signup": *id == 3,
                "active": true, "note": "", "updated_by_id": 1, "created_by_id": 1,
                "created_at": setup, "updated_at": setup,
                "permission_ids": (1..=permissions.len()).collect::<Vec<_>>(),
                "knowledge_base_permission_ids": [], "group_ids": {},
            })
        })
        .collect();
    index(req, records)
}

fn groups(state: &mut SimState, req: &Req) -> Reply {
    index(req, state.groups.values().cloned().collect())
}

/// `GET /ticket_states`: `state_type_id`, no type names (there is no state type route).
fn ticket_states(_state: &mut SimState, req: &Req) -> Reply {
    let setup = ts(&support_conformance::sim::setup_time());
    let records = STATES
        .iter()
        .map(|(id, name, type_id, next, active)| {
            json!({
                "id": id, "state_type_id": type_id, "name": name, "next_state_id": next,
                "ignore_escalation": matches!(type_id, 3..=7),
                "default_create": *id == 1, "default_follow_up": *id == 2,
                "note": null, "active": active, "updated_by_id": 1, "created_by_id": 1,
                "created_at": setup, "updated_at": setup,
            })
        })
        .collect();
    index(req, records)
}

fn ticket_priorities(_state: &mut SimState, req: &Req) -> Reply {
    let setup = ts(&support_conformance::sim::setup_time());
    let records = PRIORITIES
        .iter()
        .map(|(id, name)| {
            json!({
                "id": id, "name": name, "default_create": *id == 2,
                "ui_icon": if *id == 1 { json!("low-priority") } else if *id >= 3 { json!("important") } else { json!(null) },
                "ui_color": if *id == 1 { json!("low-priority") } else if *id >= 3 { json!("high-priority") } else { json!(null) },
                "note": null, "active": true, "updated_by_id": 1, "created_by_id": 1,
                "created_at": setup, "updated_at": setup,
            })
        })
        .collect();
    index(req, records)
}

// ----- tickets -----

/// Counts a ticket listing page and runs the hooks due.
fn page_answered(state: &mut SimState) {
    state.ticket_pages += 1;
    state.run_hooks();
}

/// `tickets_controller.rb#index`: every ticket, `id` ascending, default and at most 100 a page.
fn tickets(state: &mut SimState, req: &Req) -> Reply {
    let (offset, limit) = match paging(req, 100, 100) {
        Ok(p) => p,
        Err(reply) => return reply,
    };
    let page = page_of(state.tickets.values().cloned().collect(), offset, limit);
    page_answered(state);
    Reply::ok(Value::Array(page))
}

/// `tickets_controller.rb#search` over the index: `query` (see `query.rs`; blank: every
/// ticket, by the database), default 50 a page, at most 200, `sort_by`/`order_by` (default
/// `updated_at` descending); a bare array, or `{records, total_count}` with `with_total_count`.
fn tickets_search(state: &mut SimState, req: &Req) -> Reply {
    let (offset, limit) = match paging(req, 50, 200) {
        Ok(p) => p,
        Err(reply) => return reply,
    };
    let text = req.param("query").unwrap_or("");
    let parsed = match query::parse(text) {
        Ok(q) => q,
        Err(e) => {
            return http::unprocessable(&format!("Unable to process search query '{text}': {e}"));
        }
    };
    let blank = matches!(parsed, query::Query::All);
    let mut found = if blank {
        // Without a query Zammad searches the database, which holds every ticket.
        state.tickets.values().cloned().collect()
    } else {
        state.search(&parsed)
    };
    let field = req.param("sort_by").unwrap_or("updated_at").to_owned();
    let desc = req
        .param("order_by")
        .map_or(req.param("sort_by").is_none(), |o| {
            o.eq_ignore_ascii_case("desc")
        });
    found.sort_by(|a, b| {
        let key = |t: &Value| t.get(field.as_str()).cloned().unwrap_or(Value::Null);
        let o = cmp_json(&key(a), &key(b))
            .then_with(|| SimState::num(a, "id").cmp(&SimState::num(b, "id")));
        if desc { o.reverse() } else { o }
    });
    let total = found.len();
    page_answered(state);
    if req.param("only_total_count").is_some() {
        return Reply::ok(json!({"total_count": total}));
    }
    let page = page_of(found, offset, limit);
    if req.param("with_total_count").is_some() {
        return Reply::ok(json!({"records": page, "total_count": total}));
    }
    Reply::ok(Value::Array(page))
}

fn ticket(state: &mut SimState, req: &Req) -> Reply {
    match state.tickets.get(&req.num(0)) {
        Some(t) => Reply::ok(t.clone()),
        None => http::not_found("Ticket", req.id(0)),
    }
}

/// Ticket attributes a write may carry (the simulator refuses others: stricter than Zammad,
/// which drops what it does not know).
const TICKET_WRITE: &[&str] = &[
    "title",
    "group_id",
    "group",
    "state_id",
    "state",
    "priority_id",
    "priority",
    "owner_id",
    "owner",
    "customer_id",
    "customer",
    "organization_id",
    "pending_time",
    "note",
    "article",
    "number",
    "tags",
];

/// An id given as a number or a numeric string.
fn given_id(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// `association_name_to_id_convert` and the id columns: resolves `{name}_id` or `{name}` to an
/// id, or the 422 Zammad answers.
fn lookup(
    body: &Map<String, Value>,
    key: &str,
    by_name: impl Fn(&str) -> Option<u64>,
    exists: impl Fn(u64) -> bool,
) -> Result<Option<u64>, Reply> {
    if let Some(value) = body.get(&format!("{key}_id")).filter(|v| !v.is_null()) {
        return match given_id(value).filter(|id| exists(*id)) {
            Some(id) => Ok(Some(id)),
            None => Err(http::unprocessable(&format!(
                "Invalid value for param '{key}_id': {value}"
            ))),
        };
    }
    if let Some(value) = body.get(key).filter(|v| !v.is_null()) {
        let name = value.as_str().unwrap_or_default();
        return match by_name(name) {
            Some(id) => Ok(Some(id)),
            None => Err(http::unprocessable(&format!(
                "No lookup value found for '{key}': {value}"
            ))),
        };
    }
    Ok(None)
}

struct TicketFields {
    state: Option<u64>,
    priority: Option<u64>,
    group: Option<u64>,
    owner: Option<u64>,
    customer: Option<u64>,
}

fn ticket_fields(state: &mut SimState, body: &Map<String, Value>) -> Result<TicketFields, Reply> {
    if let Some(unknown) = body.keys().find(|k| !TICKET_WRITE.contains(&k.as_str())) {
        return Err(http::unprocessable(&format!(
            "unknown attribute '{unknown}' for Ticket."
        )));
    }
    let state_id = lookup(
        body,
        "state",
        |n| STATES.iter().find(|s| s.1 == n).map(|s| s.0),
        |id| STATES.iter().any(|s| s.0 == id),
    )?;
    let priority = lookup(
        body,
        "priority",
        |n| PRIORITIES.iter().find(|p| p.1 == n).map(|p| p.0),
        |id| PRIORITIES.iter().any(|p| p.0 == id),
    )?;
    let groups = state.groups.clone();
    let group = lookup(
        body,
        "group",
        |n| {
            groups
                .values()
                .find(|g| g["name"] == n)
                .map(|g| SimState::num(g, "id"))
        },
        |id| groups.contains_key(&id),
    )?;
    let users = state.users.clone();
    let by_login = |n: &str| {
        users
            .values()
            .find(|u| u["login"] == n || u["email"] == n)
            .map(|u| SimState::num(u, "id"))
    };
    let owner = lookup(body, "owner", by_login, |id| {
        id == SYSTEM_USER
            || users
                .get(&id)
                .is_some_and(|u| state.has_permission(u, "ticket.agent"))
    })?;
    // `customer_id: "guess:{email}"` finds the user by e-mail or creates a customer.
    let customer = match body.get("customer_id").and_then(Value::as_str) {
        Some(guess) if guess.starts_with("guess:") => {
            let email = guess.trim_start_matches("guess:").trim().to_lowercase();
            if !email.contains('@') || email.starts_with('@') || email.ends_with('@') {
                return Err(Reply::new(
                    422,
                    json!({"error": format!("Invalid email '{email}' of customer")}),
                ));
            }
            Some(find_or_create_customer(state, &email))
        }
        _ => lookup(body, "customer", by_login, |id| users.contains_key(&id))?,
    };
    Ok(TicketFields {
        state: state_id,
        priority,
        group,
        owner,
        customer,
    })
}

fn find_or_create_customer(state: &mut SimState, email: &str) -> u64 {
    if let Some(u) = state.users.values().find(|u| {
        u["email"]
            .as_str()
            .is_some_and(|e| e.eq_ignore_ascii_case(email))
    }) {
        return SimState::num(u, "id");
    }
    let id = state.users.keys().max().copied().unwrap_or(1000).max(1000) + 1;
    let mut record = state.users.get(&SYSTEM_USER).cloned().unwrap_or(json!({}));
    record["id"] = json!(id);
    record["login"] = json!(email);
    record["email"] = json!(email);
    record["firstname"] = json!("");
    record["lastname"] = json!("");
    record["role_ids"] = json!([3]);
    state.users.insert(id, record);
    id
}

fn state_type(state_id: u64) -> u64 {
    STATES.iter().find(|s| s.0 == state_id).map_or(0, |s| s.2)
}

/// Core workflow: a pending state needs `pending_time`.
fn check_pending(ticket: &Value) -> Result<(), Reply> {
    let pending = matches!(state_type(SimState::num(ticket, "state_id")), 3 | 4);
    if pending && ticket["pending_time"].is_null() {
        return Err(http::unprocessable(
            "Missing required value for field 'pending_time'!",
        ));
    }
    Ok(())
}

/// `tickets_controller.rb#create`.
fn create_ticket(state: &mut SimState, req: &Req) -> Reply {
    let body = req
        .json()
        .and_then(|b| b.as_object().cloned())
        .unwrap_or_default();
    let fields = match ticket_fields(state, &body) {
        Ok(f) => f,
        Err(reply) => return reply,
    };
    let title = body
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim();
    if title.is_empty() {
        return http::unprocessable("Missing required value for field 'title'!");
    }
    if fields.group.is_none() {
        // `tickets.group_id` is required: Zammad answers the model's validation.
        return http::unprocessable("Group can't be blank");
    }
    let Some(customer) = fields.customer else {
        return http::unprocessable("Missing required value for field 'customer_id'!");
    };
    if let Some(tags) = body.get("tags").filter(|t| !t.is_string() && !t.is_null()) {
        return http::unprocessable(&format!("Invalid value for param 'tags': {tags}"));
    }
    let article = match body.get("article") {
        None | Some(Value::Null) => None,
        Some(Value::Object(a)) => Some(a.clone()),
        Some(other) => {
            return http::unprocessable(&format!("Invalid value for param 'article': {other}"));
        }
    };
    // Validate the article before anything is stored (one transaction in Zammad).
    let parsed_article = match &article {
        Some(a) => match parse_article(state, a, false) {
            Ok(p) => Some(p),
            Err(reply) => return reply,
        },
        None => None,
    };
    let id = state.next_ticket;
    let now = state.creation_time();
    let organization = state
        .users
        .get(&customer)
        .and_then(|u| u["organization_id"].as_u64());
    let mut ticket = ticket_json(TicketSeed {
        id,
        title: title.to_owned(),
        state: fields.state.unwrap_or(1),
        priority: fields.priority.unwrap_or(2),
        group: fields.group,
        owner: fields.owner.filter(|o| *o != SYSTEM_USER),
        customer,
        organization,
        article_type: 0,
        created: now.clone(),
        updated: now.clone(),
        created_by: state.me,
    });
    ticket["create_article_type_id"] = json!(parsed_article.as_ref().map(|a| a.type_id));
    ticket["create_article_sender_id"] = json!(parsed_article.as_ref().map(|a| a.sender_id));
    if let Some(p) = body.get("pending_time") {
        ticket["pending_time"] = p.clone();
    }
    if let Err(reply) = check_pending(&ticket) {
        return reply;
    }
    state.next_ticket += 1;
    state.tickets.insert(id, ticket);
    if let Some(tags) = body.get("tags").and_then(Value::as_str) {
        for tag in tags.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            state.add_tag(id, tag);
        }
    }
    if let Some(parsed) = parsed_article {
        store_article(state, id, parsed, now, state.me);
    }
    Reply::created(state.tickets[&id].clone())
}

/// `tickets_controller.rb#update` (also closing and assigning).
fn update_ticket(state: &mut SimState, req: &Req) -> Reply {
    let id = req.num(0);
    if !state.tickets.contains_key(&id) {
        return http::not_found("Ticket", req.id(0));
    }
    let body = req
        .json()
        .and_then(|b| b.as_object().cloned())
        .unwrap_or_default();
    if body.contains_key("tags") {
        // Zammad's update ignores `tags` (only creation reads them): refused here so that a
        // change of tags that would be lost shows.
        return http::unprocessable("unknown attribute 'tags' for Ticket.");
    }
    let fields = match ticket_fields(state, &body) {
        Ok(f) => f,
        Err(reply) => return reply,
    };
    let mut ticket = state.tickets[&id].clone();
    if let Some(title) = body.get("title") {
        let title = title.as_str().unwrap_or("").trim();
        if title.is_empty() {
            return http::unprocessable("Missing required value for field 'title'!");
        }
        ticket["title"] = json!(title);
    }
    let set = |ticket: &mut Value, key: &str, v: Option<u64>| {
        if let Some(v) = v {
            ticket[key] = json!(v);
        }
    };
    set(&mut ticket, "state_id", fields.state);
    set(&mut ticket, "priority_id", fields.priority);
    set(&mut ticket, "group_id", fields.group);
    set(&mut ticket, "owner_id", fields.owner);
    set(&mut ticket, "customer_id", fields.customer);
    if let Some(p) = body.get("pending_time") {
        ticket["pending_time"] = p.clone();
    }
    if let Err(reply) = check_pending(&ticket) {
        return reply;
    }
    let parsed_article = match body.get("article") {
        Some(Value::Object(a)) => match parse_article(state, a, false) {
            Ok(p) => Some(p),
            Err(reply) => return reply,
        },
        _ => None,
    };
    let now = state.tick();
    if matches!(state_type(SimState::num(&ticket, "state_id")), 5 | 6)
        && ticket["close_at"].is_null()
    {
        ticket["close_at"] = json!(now);
    }
    ticket["updated_at"] = json!(now);
    ticket["updated_by_id"] = json!(state.me);
    state.tickets.insert(id, ticket);
    if let Some(parsed) = parsed_article {
        store_article(state, id, parsed, now, state.me);
    }
    Reply::ok(state.tickets[&id].clone())
}

// ----- articles -----

/// `ticket_articles_controller.rb#index_by_ticket`: every article of the ticket, oldest first,
/// not paginated, with association names.
fn articles_by_ticket(state: &mut SimState, req: &Req) -> Reply {
    let id = req.num(0);
    if !state.tickets.contains_key(&id) {
        return http::not_found("Ticket", req.id(0));
    }
    let list: Vec<Value> = state
        .articles
        .values()
        .filter(|a| SimState::num(a, "ticket_id") == id)
        .cloned()
        .collect();
    Reply::ok(Value::Array(list))
}

fn article(state: &mut SimState, req: &Req) -> Reply {
    match state.articles.get(&req.num(0)) {
        Some(a) => Reply::ok(a.clone()),
        None => http::not_found("Ticket::Article", req.id(0)),
    }
}

const ARTICLE_WRITE: &[&str] = &[
    "ticket_id",
    "body",
    "content_type",
    "type",
    "type_id",
    "internal",
    "sender",
    "sender_id",
    "to",
    "cc",
    "subject",
    "from",
    "reply_to",
    "in_reply_to",
    "time_unit",
    "attachments",
    "preferences",
    "subtype",
    "form_id",
];

struct NewArticle {
    type_id: u64,
    sender_id: u64,
    to: String,
    subject: Option<String>,
    content_type: String,
    body: String,
    internal: bool,
    files: Vec<(String, String, Vec<u8>)>,
}

/// `creates_ticket_articles.rb#article_create`'s checks.
fn parse_article(
    _state: &SimState,
    a: &Map<String, Value>,
    with_ticket: bool,
) -> Result<NewArticle, Reply> {
    if let Some(unknown) = a.keys().find(|k| {
        !ARTICLE_WRITE.contains(&k.as_str()) || (!with_ticket && k.as_str() == "ticket_id")
    }) {
        return Err(http::unprocessable(&format!(
            "unknown attribute '{unknown}' for Ticket::Article."
        )));
    }
    let body = match a.get("body") {
        Some(Value::String(b)) if !b.is_empty() => b.clone(),
        _ => {
            return Err(http::unprocessable(
                "Need at least an 'article body' field.",
            ));
        }
    };
    let type_id = match (a.get("type_id"), a.get("type")) {
        (Some(id), _) if !id.is_null() => given_id(id)
            .filter(|id| ARTICLE_TYPES.iter().any(|t| t.0 == *id))
            .ok_or_else(|| {
                http::unprocessable(&format!("Invalid value for param 'type_id': {id}"))
            })?,
        (_, Some(name)) if !name.is_null() => ARTICLE_TYPES
            .iter()
            .find(|t| Some(t.1) == name.as_str())
            .map(|t| t.0)
            .ok_or_else(|| {
                http::unprocessable(&format!("No lookup value found for 'type': {name}"))
            })?,
        _ => 10,
    };
    let sender_id = match (a.get("sender_id"), a.get("sender")) {
        (Some(id), _) if !id.is_null() => given_id(id)
            .filter(|id| SENDERS.iter().any(|s| s.0 == *id))
            .ok_or_else(|| {
                http::unprocessable(&format!("Invalid value for param 'sender_id': {id}"))
            })?,
        (_, Some(name)) if !name.is_null() => SENDERS
            .iter()
            .find(|s| Some(s.1) == name.as_str())
            .map(|s| s.0)
            .ok_or_else(|| {
                http::unprocessable(&format!("No lookup value found for 'sender': {name}"))
            })?,
        _ => 1,
    };
    let internal = match a.get("internal") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            return Err(http::unprocessable(&format!(
                "Invalid value for param 'internal': {other}"
            )));
        }
    };
    let content_type = match a.get("content_type") {
        None | Some(Value::Null) => "text/plain".to_owned(),
        Some(Value::String(c)) if c == "text/html" || c == "text/plain" => c.clone(),
        Some(other) => {
            return Err(http::unprocessable(&format!(
                "Invalid value for param 'content_type': {other}"
            )));
        }
    };
    let mut files = Vec::new();
    match a.get("attachments") {
        None | Some(Value::Null) => {}
        Some(Value::Array(list)) => {
            for (i, item) in list.iter().enumerate() {
                let field = |k: &str| item.get(k).and_then(Value::as_str).map(str::to_owned);
                let (Some(filename), Some(data), Some(mime)) =
                    (field("filename"), field("data"), field("mime-type"))
                else {
                    return Err(http::unprocessable(&format!(
                        "Attachment needs 'filename', 'data' and 'mime-type' params (index {i})."
                    )));
                };
                let Some(bytes) = base64_strict(&data.replace(['\n', '\r'], "")) else {
                    return Err(http::unprocessable(&format!(
                        "Invalid base64 for attachment with index '{i}'"
                    )));
                };
                files.push((filename, mime, bytes));
            }
        }
        Some(other) => {
            return Err(http::unprocessable(&format!(
                "Invalid value for param 'attachments': {other}"
            )));
        }
    }
    Ok(NewArticle {
        type_id,
        sender_id,
        to: a.get("to").and_then(Value::as_str).unwrap_or("").to_owned(),
        subject: a.get("subject").and_then(Value::as_str).map(str::to_owned),
        content_type,
        body,
        internal,
        files,
    })
}

/// Strict base64 (RFC 4648, padded), as Ruby's `Base64.strict_decode64`.
fn base64_strict(text: &str) -> Option<Vec<u8>> {
    fn value(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for (n, chunk) in bytes.chunks(4).enumerate() {
        let last = n + 1 == bytes.len() / 4;
        let pad = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return None;
        }
        let mut acc = 0u32;
        for &c in &chunk[..4 - pad] {
            acc = (acc << 6) | value(c)?;
        }
        acc <<= 6 * pad as u32;
        let three = [(acc >> 16) as u8, (acc >> 8) as u8, acc as u8];
        out.extend_from_slice(&three[..3 - pad]);
    }
    Some(out)
}

fn store_article(
    state: &mut SimState,
    ticket: u64,
    new: NewArticle,
    at: String,
    author: u64,
) -> u64 {
    let id = state.next_article;
    state.next_article += 1;
    let attachments = new
        .files
        .into_iter()
        .map(|(filename, mime, bytes)| {
            let file_id = state.next_file;
            state.next_file += 1;
            let entry = attachment_json(file_id, &filename, &mime, bytes.len());
            state.files.insert(
                file_id,
                StoredFile {
                    article: id,
                    filename,
                    content_type: mime,
                    bytes,
                },
            );
            entry
        })
        .collect();
    let from = state
        .users
        .get(&author)
        .map(display_from)
        .unwrap_or_default();
    let mut article = article_json(ArticleSeed {
        id,
        ticket,
        type_id: new.type_id,
        sender_id: new.sender_id,
        from,
        to: new.to,
        subject: new.subject,
        content_type: new.content_type,
        body: new.body,
        internal: new.internal,
        author,
        at,
        attachments,
    });
    state.name_writers(&mut article);
    state.articles.insert(id, article);
    if let Some(t) = state.tickets.get_mut(&ticket) {
        let count = SimState::num(t, "article_count") + 1;
        t["article_count"] = json!(count);
        if let Some(ids) = t["article_ids"].as_array_mut() {
            ids.push(json!(id));
        }
    }
    id
}

/// `ticket_articles_controller.rb#create`.
fn create_article(state: &mut SimState, req: &Req) -> Reply {
    let body = req
        .json()
        .and_then(|b| b.as_object().cloned())
        .unwrap_or_default();
    let Some(ticket) = body.get("ticket_id").and_then(given_id) else {
        return http::not_found("Ticket", "");
    };
    if !state.tickets.contains_key(&ticket) {
        return http::not_found("Ticket", &ticket.to_string());
    }
    let author = match req.header("from") {
        None => state.me,
        Some(from) => match on_behalf_of(state, from) {
            Ok(user) => user,
            Err(reply) => return reply,
        },
    };
    let mut parsed = match parse_article(state, &body, true) {
        Ok(p) => p,
        Err(reply) => return reply,
    };
    if holds_role(state, author, CUSTOMER_ROLE) && !holds_role(state, author, AGENT_ROLE) {
        // A customer writes public notes (or web articles), as the customer.
        if parsed.type_id != WEB_TYPE {
            parsed.type_id = NOTE_TYPE;
        }
        parsed.internal = false;
        if !body.contains_key("sender") && !body.contains_key("sender_id") {
            parsed.sender_id = CUSTOMER_SENDER;
        }
    }
    let at = state.tick();
    let id = store_article(state, ticket, parsed, at, author);
    Reply::created(state.articles[&id].clone())
}

const AGENT_ROLE: u64 = 2;
const CUSTOMER_ROLE: u64 = 3;
const ADMIN_ROLE: u64 = 1;
const NOTE_TYPE: u64 = 10;
const WEB_TYPE: u64 = 11;
const CUSTOMER_SENDER: u64 = 2;

fn holds_role(state: &SimState, user: u64, role: u64) -> bool {
    state
        .users
        .get(&user)
        .and_then(|u| u.get("role_ids"))
        .and_then(Value::as_array)
        .is_some_and(|roles| roles.iter().any(|r| r.as_u64() == Some(role)))
}

/// `application_controller/has_user.rb#current_user_on_behalf`: the `From` header names the user
/// (id, login or e-mail) the request acts for; only a user who may impersonate (an admin here)
/// may send it.
fn on_behalf_of(state: &SimState, from: &str) -> Result<u64, Reply> {
    if !holds_role(state, state.me, ADMIN_ROLE) {
        return Err(http::forbidden_because(
            "Current user has no permission to use 'From'/'X-On-Behalf-Of'!",
        ));
    }
    let wanted = from.trim().to_lowercase();
    state
        .users
        .iter()
        .find(|(id, user)| {
            id.to_string() == wanted
                || user["login"].as_str().map(str::to_lowercase).as_deref() == Some(&wanted)
                || user["email"].as_str().map(str::to_lowercase).as_deref() == Some(&wanted)
        })
        .map(|(id, _)| *id)
        .ok_or_else(|| http::forbidden_because(&format!("No such user '{from}'")))
}

/// `ticket_articles_controller.rb#attachment`: the file's bytes (`Content-Type` from its
/// preferences, `disposition` `inline` by default or `attachment`). An article of another
/// ticket, or a file of another article, is 403; a missing article or ticket 404.
fn attachment(state: &mut SimState, req: &Req) -> Reply {
    let (ticket, article, file) = (req.num(0), req.num(1), req.num(2));
    let disposition = req.param("disposition").unwrap_or("inline");
    if disposition != "inline" && disposition != "attachment" {
        return http::forbidden_because(&format!(
            "Invalid disposition {disposition} requested. Only inline, attachment are valid."
        ));
    }
    if !state.tickets.contains_key(&ticket) {
        return http::not_found("Ticket", req.id(0));
    }
    let Some(owner) = state
        .articles
        .get(&article)
        .map(|a| SimState::num(a, "ticket_id"))
    else {
        return http::not_found("Ticket::Article", req.id(1));
    };
    if owner != ticket {
        return http::forbidden_because("No access, article_id/ticket_id is not matching.");
    }
    match state.files.get(&file) {
        Some(f) if f.article == article => Reply::file(f.content_type.clone(), f.bytes.clone())
            .with_header(
                "content-disposition",
                format!("{disposition}; filename=\"{}\"", f.filename),
            ),
        _ => http::forbidden_because("Requested file id is not linked with article_id."),
    }
}

// ----- tags -----

/// `tags_controller.rb#admin_list`: `[{id, name, count}]` by name, `limit` (default 5000).
fn tag_list(state: &mut SimState, req: &Req) -> Reply {
    let limit = req.param("limit").map_or(5000, ruby_to_i).max(0) as usize;
    let mut items = state.tag_items.clone();
    items.sort_by(|a, b| a.1.cmp(&b.1));
    let list: Vec<Value> = items
        .into_iter()
        .take(limit)
        .map(|(id, name)| json!({"id": id, "name": name, "count": state.tag_count(&name)}))
        .collect();
    Reply::ok(Value::Array(list))
}

/// `tags_controller.rb#admin_create`: `{}`.
fn create_tag(state: &mut SimState, req: &Req) -> Reply {
    let body = req.json().unwrap_or_default();
    match body.get("name").and_then(Value::as_str).map(str::trim) {
        Some(name) if !name.is_empty() => {
            state.tag_item(name);
            Reply::ok(json!({}))
        }
        _ => http::unprocessable("Name can't be blank"),
    }
}

fn tag_target(body: &Value) -> Result<(u64, String), Reply> {
    if body.get("object").and_then(Value::as_str) != Some("Ticket") {
        return Err(http::unprocessable(&format!(
            "Invalid value for param 'object': {}",
            body.get("object").cloned().unwrap_or(Value::Null)
        )));
    }
    let Some(o_id) = body.get("o_id").and_then(given_id) else {
        return Err(http::unprocessable("Need o_id param."));
    };
    match body.get("item").and_then(Value::as_str).map(str::trim) {
        Some(item) if !item.is_empty() => Ok((o_id, item.to_owned())),
        _ => Err(http::unprocessable("Need item param.")),
    }
}

/// `GET /tags?object=Ticket&o_id=`: `{"tags": [...]}`.
fn ticket_tags(state: &mut SimState, req: &Req) -> Reply {
    if req.param("object") != Some("Ticket") {
        return http::unprocessable("Invalid value for param 'object'");
    }
    let id = req.param("o_id").map_or(0, ruby_to_i) as u64;
    if !state.tickets.contains_key(&id) {
        return http::not_found("Ticket", &id.to_string());
    }
    Reply::ok(json!({"tags": state.tags_of(id)}))
}

/// `POST /tags/add`: `true` (201).
fn tag_add(state: &mut SimState, req: &Req) -> Reply {
    let (id, item) = match tag_target(&req.json().unwrap_or_default()) {
        Ok(t) => t,
        Err(reply) => return reply,
    };
    if !state.tickets.contains_key(&id) {
        return http::not_found("Ticket", &id.to_string());
    }
    state.add_tag(id, &item);
    Reply::created(json!(true))
}

/// `DELETE /tags/remove`: `true` (200).
fn tag_remove(state: &mut SimState, req: &Req) -> Reply {
    let (id, item) = match tag_target(&req.json().unwrap_or_default()) {
        Ok(t) => t,
        Err(reply) => return reply,
    };
    if !state.tickets.contains_key(&id) {
        return http::not_found("Ticket", &id.to_string());
    }
    if let Some(tags) = state.ticket_tags.get_mut(&id) {
        tags.retain(|t| t != &item);
    }
    Reply::ok(json!(true))
}

// ----- knowledge base -----

const KB_SEARCH: &[&str] = &[
    "knowledge_base_id",
    "locale",
    "query",
    "flavor",
    "index",
    "limit",
    "scope_id",
    "highlight_enabled",
    "include_locale",
    "url_type",
    "exclude_ids",
    "page",
    "per_page",
    "include_tags",
    "include_subtitle",
];

fn strip_html(html: &str) -> String {
    support_conformance::world::strip_tags(html)
}

/// `knowledge_base/search_controller.rb#search` (@2026: `CanPaginate` over the body's `page`,
/// `per_page` or `limit`, default 100, at most 1000; order `updated_at` descending; the database
/// fallback's `%query%` over titles and bodies, so a blank query matches everything). The
/// credentials' user is an editor: drafts are found too. `{result: [{id, type}], details}`;
/// answer details carry `subtitle` only with `include_subtitle`, `tags` with `include_tags`.
fn kb_search(state: &mut SimState, req: &Req) -> Reply {
    let body = req.json().unwrap_or_default();
    let obj = body.as_object().cloned().unwrap_or_default();
    if let Some(unknown) = obj.keys().find(|k| !KB_SEARCH.contains(&k.as_str())) {
        return http::unprocessable(&format!("unknown parameter '{unknown}'"));
    }
    if let Some(kb) = obj.get("knowledge_base_id").filter(|v| !v.is_null())
        && given_id(kb) != Some(KNOWLEDGE_BASE)
    {
        // No such active knowledge base: nothing is found.
        return Reply::ok(json!({"result": [], "details": []}));
    }
    if let Some(locale) = obj.get("locale").and_then(Value::as_str)
        && locale != "en-us"
    {
        return Reply::ok(json!({"result": [], "details": []}));
    }
    let words = obj
        .get("query")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_lowercase();
    let indexes: Vec<String> = match obj.get("index") {
        Some(Value::String(i)) => vec![i.clone()],
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(|i| i.as_str().map(str::to_owned))
            .collect(),
        _ => vec![
            "KnowledgeBase::Answer::Translation".into(),
            "KnowledgeBase::Category::Translation".into(),
        ],
    };
    let scope = obj.get("scope_id").and_then(given_id);
    if scope.is_some_and(|s| !state.kb_categories.contains_key(&s)) {
        return Reply::ok(json!({"result": [], "details": []}));
    }
    let agent_urls = obj.get("url_type").and_then(Value::as_str) == Some("agent");
    let with_subtitle = obj.get("include_subtitle").is_some_and(truthy);
    let with_tags = obj.get("include_tags").is_some_and(truthy);
    let number = |key: &str| {
        obj.get(key).map(|v| match v {
            Value::Number(n) => n.as_i64().unwrap_or(0),
            Value::String(s) => ruby_to_i(s),
            _ => 0,
        })
    };
    let limit = number("per_page")
        .or_else(|| number("limit"))
        .unwrap_or(100)
        .min(1000);
    let page = number("page").unwrap_or(1);
    if limit < 0 || page < 1 {
        return http::unprocessable("Invalid pagination");
    }
    let offset = ((page - 1) * limit) as usize;
    let mut hits: Vec<(String, Value, String, u64)> = Vec::new();
    if indexes
        .iter()
        .any(|i| i == "KnowledgeBase::Answer::Translation")
    {
        for t in state.kb_answer_translations.values() {
            let answer = SimState::num(t, "answer_id");
            let a = &state.kb_answers[&answer];
            let category = SimState::num(a, "category_id");
            if scope.is_some_and(|s| s != category) {
                continue;
            }
            let content = state
                .kb_contents
                .get(&SimState::num(t, "content_id"))
                .and_then(|c| c["body"].as_str())
                .unwrap_or("")
                .to_owned();
            let title = t["title"].as_str().unwrap_or("").to_owned();
            if !words.is_empty()
                && !title.to_lowercase().contains(&words)
                && !strip_html(&content).to_lowercase().contains(&words)
            {
                continue;
            }
            let tid = SimState::num(t, "id");
            let subtitle = state
                .kb_categories
                .get(&category)
                .and_then(|c| c["translation_ids"][0].as_u64())
                .and_then(|ct| state.kb_category_translations.get(&ct))
                .and_then(|ct| ct["title"].as_str())
                .unwrap_or("")
                .to_owned();
            let url = if agent_urls {
                format!(
                    "/api/v1/knowledge_bases/{KNOWLEDGE_BASE}/answers/{answer}?include_contents={tid}"
                )
            } else {
                format!("/help/en-us/{category}/{answer}")
            };
            let mut text = strip_html(&content);
            if text.chars().count() > 100 {
                text = text.chars().take(97).collect::<String>() + "...";
            }
            let updated = t["updated_at"].as_str().unwrap_or("").to_owned();
            let mut detail = json!({
                "id": tid, "type": "KnowledgeBase::Answer::Translation",
                "icon": "knowledge-base-answer", "date": updated, "url": url,
                "title": title, "body": text,
            });
            if with_subtitle {
                detail["subtitle"] = json!(subtitle);
            }
            if with_tags {
                detail["tags"] = a["tags"].clone();
            }
            hits.push((
                "KnowledgeBase::Answer::Translation".into(),
                detail,
                updated,
                tid,
            ));
        }
    }
    if indexes
        .iter()
        .any(|i| i == "KnowledgeBase::Category::Translation")
    {
        for t in state.kb_category_translations.values() {
            let title = t["title"].as_str().unwrap_or("").to_owned();
            if !words.is_empty() && !title.to_lowercase().contains(&words) {
                continue;
            }
            let tid = SimState::num(t, "id");
            let category = SimState::num(t, "category_id");
            let updated = t["updated_at"].as_str().unwrap_or("").to_owned();
            hits.push((
                "KnowledgeBase::Category::Translation".into(),
                json!({
                    "id": tid, "type": "KnowledgeBase::Category::Translation",
                    "fontName": "FontAwesome", "date": updated,
                    "url": format!("/help/en-us/{category}"), "icon": "f115",
                    "title": title,
                }),
                updated,
                tid,
            ));
        }
    }
    hits.sort_by(|a, b| b.2.cmp(&a.2).then(b.3.cmp(&a.3)));
    if let Some(exclude) = obj.get("exclude_ids").and_then(Value::as_array) {
        let index = obj.get("index").and_then(Value::as_str).unwrap_or("");
        let ids: Vec<u64> = exclude.iter().filter_map(given_id).collect();
        hits.retain(|h| !(h.0 == index && ids.contains(&h.3)));
    }
    let hits: Vec<_> = hits.into_iter().skip(offset).take(limit as usize).collect();
    let result: Vec<Value> = hits
        .iter()
        .map(|h| json!({"id": h.3, "type": h.0}))
        .collect();
    let details: Vec<Value> = hits.into_iter().map(|h| h.1).collect();
    Reply::ok(json!({"result": result, "details": details}))
}

fn truthy(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::String(s) => s == "true" || s == "1",
        Value::Number(n) => n.as_i64() == Some(1),
        _ => false,
    }
}

fn assets_insert(assets: &mut Map<String, Value>, class: &str, record: &Value) {
    let id = SimState::num(record, "id").to_string();
    let entry = assets.entry(class.to_owned()).or_insert_with(|| json!({}));
    entry[id] = record.clone();
}

fn kb_locale() -> Value {
    json!({"id": KB_LOCALE, "knowledge_base_id": KNOWLEDGE_BASE, "system_locale_id": 1, "primary": true})
}

/// `knowledge_bases_controller.rb#init`: the knowledge base's assets (an editor sees every
/// answer); `answer_translation_content_ids` adds those contents.
fn kb_init(state: &mut SimState, req: &Req) -> Reply {
    let body = req.json().unwrap_or_default();
    let mut assets = Map::new();
    let setup = ts(&support_conformance::sim::setup_time());
    assets_insert(
        &mut assets,
        "KnowledgeBase",
        &json!({
            "id": KNOWLEDGE_BASE, "iconset": "FontAwesome", "color_highlight": "#38ae6a",
            "color_header": "#f9fafb", "color_header_link": "hsl(206,8%,50%)",
            "homepage_layout": "grid", "category_layout": "grid", "active": true,
            "custom_address": null, "show_feed_icon": false, "created_at": setup,
            "updated_at": setup, "translation_ids": [1], "kb_locale_ids": [KB_LOCALE],
            "category_ids": state.kb_categories.keys().collect::<Vec<_>>(),
        }),
    );
    assets_insert(&mut assets, "KnowledgeBaseLocale", &kb_locale());
    for c in state.kb_categories.values() {
        assets_insert(&mut assets, "KnowledgeBaseCategory", c);
    }
    for c in state.kb_category_translations.values() {
        assets_insert(&mut assets, "KnowledgeBaseCategoryTranslation", c);
    }
    for a in state.kb_answers.values() {
        assets_insert(&mut assets, "KnowledgeBaseAnswer", a);
    }
    for t in state.kb_answer_translations.values() {
        assets_insert(&mut assets, "KnowledgeBaseAnswerTranslation", t);
    }
    if let Some(ids) = body
        .get("answer_translation_content_ids")
        .and_then(Value::as_array)
    {
        for id in ids.iter().filter_map(given_id) {
            if let Some(c) = state.kb_contents.get(&id) {
                assets_insert(&mut assets, "KnowledgeBaseAnswerTranslationContent", c);
            }
        }
    }
    Reply::ok(Value::Object(assets))
}

/// `knowledge_base/answers_controller.rb#show`: `{id, assets}`; `include_contents` names
/// translation **content** ids (comma-separated) whose bodies are added.
fn kb_answer(state: &mut SimState, req: &Req) -> Reply {
    if req.num(0) != KNOWLEDGE_BASE {
        return http::not_found("KnowledgeBase", req.id(0));
    }
    let id = req.num(1);
    let Some(answer) = state.kb_answers.get(&id) else {
        return http::not_found("KnowledgeBase::Answer", req.id(1));
    };
    let mut assets = Map::new();
    assets_insert(&mut assets, "KnowledgeBaseAnswer", answer);
    for t in answer["translation_ids"].as_array().into_iter().flatten() {
        if let Some(t) = t
            .as_u64()
            .and_then(|t| state.kb_answer_translations.get(&t))
        {
            assets_insert(&mut assets, "KnowledgeBaseAnswerTranslation", t);
        }
    }
    if let Some(c) = state
        .kb_categories
        .get(&SimState::num(answer, "category_id"))
    {
        assets_insert(&mut assets, "KnowledgeBaseCategory", c);
        for t in c["translation_ids"].as_array().into_iter().flatten() {
            if let Some(t) = t
                .as_u64()
                .and_then(|t| state.kb_category_translations.get(&t))
            {
                assets_insert(&mut assets, "KnowledgeBaseCategoryTranslation", t);
            }
        }
    }
    assets_insert(&mut assets, "KnowledgeBaseLocale", &kb_locale());
    if let Some(ids) = req.param("include_contents") {
        for content in ids.split(',').map(ruby_to_i) {
            if let Some(c) = state.kb_contents.get(&(content as u64)) {
                assets_insert(&mut assets, "KnowledgeBaseAnswerTranslationContent", c);
            }
        }
    }
    Reply::ok(json!({"id": id, "assets": assets}))
}

// ----- SLAs -----

fn slas(state: &mut SimState, req: &Req) -> Reply {
    index(req, state.slas.values().cloned().collect())
}

fn sla(state: &mut SimState, req: &Req) -> Reply {
    match state.slas.get(&req.num(0)) {
        Some(s) => Reply::ok(s.clone()),
        None => http::not_found("Sla", req.id(0)),
    }
}

fn calendars(state: &mut SimState, req: &Req) -> Reply {
    index(req, state.calendars.values().cloned().collect())
}

fn calendar(state: &mut SimState, req: &Req) -> Reply {
    match state.calendars.get(&req.num(0)) {
        Some(c) => Reply::ok(c.clone()),
        None => http::not_found("Calendar", req.id(0)),
    }
}
