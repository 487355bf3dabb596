//! Zoho Desk's endpoints, in matching order: method, path (`{}` for an id), the query parameters
//! and body each accepts (checked by the handler, which answers Zoho's 422), and its handler.

use serde_json::{Map, Value, json};
use support_conformance::sim::{BodyRule, Params, Route};

use super::http::{self, Reply, Req};
use super::store::{self, PRIORITIES, STATUSES, SimState};

/// The API root.
pub const API: &str = "/api/v1";
/// The connection check.
pub const MYINFO: &str = "/api/v1/myinfo";
/// The token endpoint.
pub use super::http::TOKEN_PATH;

const fn get(pattern: &'static str, handler: fn(&mut SimState, &Req) -> Reply) -> Route<SimState> {
    Route::new("GET", pattern, Params::ANY, BodyRule::Any, handler)
}

const fn post(pattern: &'static str, handler: fn(&mut SimState, &Req) -> Reply) -> Route<SimState> {
    Route::new("POST", pattern, Params::ANY, BodyRule::Any, handler)
}

/// Every endpoint the simulator serves.
pub static ROUTES: &[Route<SimState>] = &[
    Route::new(
        "GET",
        super::SCAFFOLD_PING,
        Params::NONE,
        BodyRule::Any,
        scaffold_ping,
    ),
    post(TOKEN_PATH, oauth_token),
    get("/api/v1/organizations", organizations),
    get(MYINFO, myinfo),
    get("/api/v1/tickets/search", search_tickets),
    get("/api/v1/tickets", list_tickets),
    post("/api/v1/tickets", create_ticket),
    post("/api/v1/closeTickets", close_tickets),
    get("/api/v1/tickets/{}", show_ticket),
    Route::new(
        "PATCH",
        "/api/v1/tickets/{}",
        Params::ANY,
        BodyRule::Any,
        update_ticket,
    ),
    get("/api/v1/tickets/{}/comments", list_comments),
    post("/api/v1/tickets/{}/comments", add_comment),
    get("/api/v1/tickets/{}/threads", list_threads),
    get("/api/v1/tickets/{}/threads/{}", show_thread),
    post("/api/v1/tickets/{}/sendReply", send_reply),
    get("/api/v1/tickets/{}/tags", ticket_tags),
    post("/api/v1/tickets/{}/associateTag", associate_tag),
    post("/api/v1/tickets/{}/dissociateTag", dissociate_tag),
    get("/api/v1/tickets/{}/attachments", list_attachments),
    get("/api/v1/ticketTags", department_tags),
    get("/api/v1/departments", list_departments),
    get("/api/v1/organizationFields", organization_fields),
    get("/api/v1/agents", list_agents),
    get("/api/v1/articles", list_articles),
    get("/api/v1/articles/{}", show_article),
    get("/api/v1/accounts/{}/sla", account_slas),
];

/// Zoho's 422 for the first query parameter not in `allowed` (or repeated).
fn check_params(req: &Req, allowed: &[&str]) -> Result<(), Reply> {
    let mut all = allowed.to_vec();
    all.push("orgId");
    match req.param_problems(&all).into_iter().next() {
        None => Ok(()),
        Some(support_conformance::sim::ParamProblem::Unknown(name)) => {
            Err(http::unknown_param(&name))
        }
        Some(support_conformance::sim::ParamProblem::Repeated(name)) => Err(http::bad_param(&name)),
    }
}

/// `from` (0-based index, default 0) and `limit` (1..=`max`, default `default`), with the
/// organization's `from` cap; Zoho's 422 naming the parameter otherwise.
fn window(
    state: &SimState,
    req: &Req,
    default: usize,
    max: usize,
) -> Result<(usize, usize), Reply> {
    let from = match req.param("from") {
        None => 0,
        Some(v) => v.parse::<usize>().map_err(|_| http::bad_param("from"))?,
    };
    let limit = match req.param("limit") {
        None => default,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => n,
            _ => return Err(http::bad_param("limit")),
        },
    };
    if from + limit > state.from_cap {
        return Err(http::bad_param("from"));
    }
    Ok((from, limit))
}

/// A page of `items`: `{"data": [...]}`, or 204 with no body when it is empty.
fn page(items: Vec<Value>, from: usize, limit: usize) -> Reply {
    let data: Vec<Value> = items.into_iter().skip(from).take(limit).collect();
    if data.is_empty() {
        Reply::empty(204)
    } else {
        Reply::ok(json!({"data": data}))
    }
}

fn comma_list(value: &str) -> Vec<&str> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// The scaffold's placeholder connection check; removed with [`super::SCAFFOLD_PING`] at merge.
fn scaffold_ping(_state: &mut SimState, _req: &Req) -> Reply {
    Reply::ok(json!({"ok": true}))
}

// ---- OAuth and organization ----

/// `POST /oauth/v2/token`: the refresh-token grant (parameters in the form body or the query
/// string, as Zoho Accounts takes both). Answers `access_token`, `expires_in` (seconds),
/// `api_domain`, `token_type`; errors are 200 `{"error": code}` as Zoho Accounts answers them.
fn oauth_token(_state: &mut SimState, req: &Req) -> Reply {
    let mut fields = http::form(&req.body);
    fields.extend(req.params.iter().cloned());
    let get = |n: &str| fields.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
    let basic = support_conformance::sim::basic_credentials(req.header("authorization"));
    let (id, secret) = match &basic {
        Some((id, secret)) => (Some(id.as_str()), Some(secret.as_str())),
        None => (get("client_id"), get("client_secret")),
    };
    if id != Some(http::CLIENT_ID) || secret != Some(http::CLIENT_SECRET) {
        return http::oauth_error("invalid_client");
    }
    match get("grant_type") {
        Some("refresh_token") if get("refresh_token") == Some(http::REFRESH_TOKEN) => {}
        Some("refresh_token") => return http::oauth_error("invalid_code"),
        _ => return http::oauth_error("unsupported_grant_type"),
    }
    let host = req.header("host").unwrap_or_default().to_owned();
    Reply::ok(json!({
        "access_token": http::issue(&host),
        "api_domain": format!("http://{host}"),
        "token_type": "Bearer",
        "expires_in": 3600,
        "scope": "Desk.tickets.ALL Desk.basic.READ Desk.settings.READ Desk.articles.READ",
    }))
}

fn organizations(_state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &[]) {
        return r;
    }
    Reply::ok(json!({"data": [{
        "id": http::ORG_ID, "companyName": "Simulated Org", "portalName": "simulated",
        "isDefault": true, "edition": "ENTERPRISE", "portalURL": "https://desk.zoho.com/support/simulated",
    }]}))
}

fn myinfo(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &["include"]) {
        return r;
    }
    match state.agents.first() {
        Some(a) => Reply::ok(a.clone()),
        None => http::not_found(),
    }
}

// ---- tickets ----

const TICKET_FIELDS: &[&str] = &[
    "subject",
    "departmentId",
    "contactId",
    "contact",
    "description",
    "priority",
    "status",
    "channel",
    "assigneeId",
    "teamId",
    "email",
    "phone",
    "category",
    "subCategory",
    "dueDate",
    "cf",
    "language",
    "classification",
    "productId",
    "resolution",
    "accountId",
];

fn with_includes(state: &SimState, ticket: &Value, include: Option<&str>) -> Value {
    let mut t = ticket.clone();
    for what in include.map(comma_list).unwrap_or_default() {
        match what {
            "contacts" => {
                t["contact"] = t["contactId"]
                    .as_str()
                    .and_then(|id| state.contacts.get(id).cloned())
                    .unwrap_or(Value::Null);
            }
            "assignee" => {
                t["assignee"] = t["assigneeId"]
                    .as_str()
                    .and_then(|id| state.agent(id))
                    .map(|a| json!({"id": a["id"], "firstName": a["firstName"], "lastName": a["lastName"], "emailId": a["emailId"]}))
                    .unwrap_or(Value::Null);
            }
            "departments" => {
                t["department"] = t["departmentId"]
                    .as_str()
                    .and_then(|id| state.department(id))
                    .map(|d| json!({"id": d["id"], "name": d["name"]}))
                    .unwrap_or(Value::Null);
            }
            _ => {}
        }
    }
    t
}

fn check_include(include: Option<&str>, allowed: &[&str]) -> Result<(), Reply> {
    match include {
        Some(v) if comma_list(v).iter().any(|w| !allowed.contains(w)) => {
            Err(http::bad_param("include"))
        }
        _ => Ok(()),
    }
}

/// Sorts tickets by `sortBy` (`createdTime`, `dueDate`, `recentThread`, `modifiedTime` where
/// taken; a leading `-` for descending); Zoho's default order is newest first by creation.
fn sort_tickets(
    tickets: &mut [Value],
    sort_by: Option<&str>,
    allowed: &[&str],
) -> Result<(), Reply> {
    let (desc, key) = match sort_by {
        None => (true, "createdTime"),
        Some(s) => match s.strip_prefix('-') {
            Some(k) => (true, k),
            None => (false, s),
        },
    };
    if !allowed.contains(&key) {
        return Err(http::bad_param("sortBy"));
    }
    let field = match key {
        "recentThread" | "modifiedTime" => "modifiedTime",
        other => other,
    };
    tickets.sort_by(|a, b| {
        let ka = (
            a[field].as_str().unwrap_or_default(),
            a["id"].as_str().unwrap_or_default(),
        );
        let kb = (
            b[field].as_str().unwrap_or_default(),
            b["id"].as_str().unwrap_or_default(),
        );
        if desc { kb.cmp(&ka) } else { ka.cmp(&kb) }
    });
    Ok(())
}

fn matches_common(t: &Value, req: &Req) -> bool {
    let department = req
        .param("departmentId")
        .is_none_or(|d| d == "allDepartment" || t["departmentId"] == d);
    let status = req.param("status").is_none_or(|s| {
        let list = comma_list(s);
        t["status"].as_str().is_some_and(|l| list.contains(&l))
            || t["statusType"]
                .as_str()
                .is_some_and(|ty| list.contains(&ty))
    });
    let priority = req.param("priority").is_none_or(|p| {
        t["priority"]
            .as_str()
            .is_some_and(|l| comma_list(p).contains(&l))
    });
    let channel = req.param("channel").is_none_or(|c| t["channel"] == c);
    department && status && priority && channel
}

fn expire_mid_listing(state: &mut SimState, req: &Req, more: bool) {
    if more && state.expire_tokens_mid_listing {
        state.expire_tokens_mid_listing = false;
        http::expire(req.header("host").unwrap_or_default());
    }
}

/// `GET /api/v1/tickets`.
fn list_tickets(state: &mut SimState, req: &Req) -> Reply {
    const ALLOWED: &[&str] = &[
        "include",
        "departmentId",
        "departmentIds",
        "dueDate",
        "limit",
        "channel",
        "from",
        "sortBy",
        "assignee",
        "teamIds",
        "receivedInDays",
        "closedTime",
        "status",
        "priority",
        "viewId",
        "fields",
    ];
    if let Err(r) = check_params(req, ALLOWED) {
        return r;
    }
    let (from, limit) = match window(state, req, 25, 100) {
        Ok(w) => w,
        Err(r) => return r,
    };
    let include = req.param("include");
    if let Err(r) = check_include(
        include,
        &[
            "contacts",
            "products",
            "departments",
            "team",
            "assignee",
            "isRead",
        ],
    ) {
        return r;
    }
    if let Some(s) = req.param("status")
        && comma_list(s)
            .iter()
            .any(|l| store::status_type(l).is_none() && !["Open", "On Hold", "Closed"].contains(l))
    {
        return http::bad_param("status");
    }
    let mut tickets: Vec<Value> = state
        .tickets
        .iter()
        .filter(|t| matches_common(t, req))
        .filter(|t| {
            req.param("assignee").is_none_or(|a| match a {
                "Unassigned" => t["assigneeId"].is_null(),
                ids => comma_list(ids).iter().any(|id| t["assigneeId"] == *id),
            })
        })
        .cloned()
        .collect();
    if let Err(r) = sort_tickets(
        &mut tickets,
        req.param("sortBy"),
        &["createdTime", "dueDate", "recentThread"],
    ) {
        return r;
    }
    let total = tickets.len();
    let tickets: Vec<Value> = tickets
        .iter()
        .map(|t| with_includes(state, t, include))
        .collect();
    let reply = page(tickets, from, limit);
    expire_mid_listing(state, req, from + limit < total);
    reply
}

/// A `createdTimeRange` / `modifiedTimeRange` value: two ISO times separated by a comma.
fn time_range(value: &str) -> Option<(String, String)> {
    let (a, b) = value.split_once(',')?;
    let ok = |t: &str| {
        t.len() >= 20 && t.ends_with('Z') && t.as_bytes()[4] == b'-' && t.as_bytes()[10] == b'T'
    };
    (ok(a) && ok(b) && a <= b).then(|| (a.to_owned(), b.to_owned()))
}

/// `GET /api/v1/tickets/search`: the filters, `ticketNumber`, `createdTimeRange`,
/// `modifiedTimeRange` (inclusive), `sortBy` (`createdTime`, `modifiedTime`, `-` descending).
/// Answers `{data, count}`, 204 when nothing matches.
fn search_tickets(state: &mut SimState, req: &Req) -> Reply {
    const ALLOWED: &[&str] = &[
        "from",
        "limit",
        "id",
        "ticketNumber",
        "subject",
        "departmentId",
        "assigneeId",
        "contactId",
        "status",
        "priority",
        "channel",
        "email",
        "createdTimeRange",
        "modifiedTimeRange",
        "dueDateRange",
        "sortBy",
        "_all",
        "category",
        "accountName",
        "contactName",
    ];
    if let Err(r) = check_params(req, ALLOWED) {
        return r;
    }
    let (from, limit) = match window(state, req, 10, 100) {
        Ok(w) => w,
        Err(r) => return r,
    };
    let mut ranges = Vec::new();
    for (param, field) in [
        ("createdTimeRange", "createdTime"),
        ("modifiedTimeRange", "modifiedTime"),
    ] {
        if let Some(v) = req.param(param) {
            match time_range(v) {
                Some(r) => ranges.push((field, r)),
                None => return http::bad_param(param),
            }
        }
    }
    let mut tickets: Vec<Value> = state
        .tickets
        .iter()
        .filter(|t| matches_common(t, req))
        .filter(|t| {
            req.param("ticketNumber")
                .is_none_or(|n| t["ticketNumber"] == n)
        })
        .filter(|t| req.param("id").is_none_or(|n| t["id"] == n))
        .filter(|t| req.param("assigneeId").is_none_or(|n| t["assigneeId"] == n))
        .filter(|t| req.param("contactId").is_none_or(|n| t["contactId"] == n))
        .filter(|t| {
            req.param("subject").is_none_or(|s| {
                t["subject"].as_str().is_some_and(|x| {
                    x.to_lowercase()
                        .contains(&s.trim_matches('*').to_lowercase())
                })
            })
        })
        .filter(|t| {
            ranges.iter().all(|(field, (a, b))| {
                t[*field]
                    .as_str()
                    .is_some_and(|x| x >= a.as_str() && x <= b.as_str())
            })
        })
        .cloned()
        .collect();
    if let Err(r) = sort_tickets(
        &mut tickets,
        req.param("sortBy"),
        &[
            "createdTime",
            "modifiedTime",
            "customerResponseTime",
            "dueDate",
        ],
    ) {
        return r;
    }
    let count = tickets.len();
    match page(tickets, from, limit) {
        r if r.status == 204 => r,
        Reply {
            body: Some(mut body),
            ..
        } => {
            body["count"] = json!(count.to_string());
            expire_mid_listing(state, req, from + limit < count);
            Reply::ok(body)
        }
        r => r,
    }
}

fn show_ticket(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &["include"]) {
        return r;
    }
    let include = req.param("include");
    if let Err(r) = check_include(
        include,
        &[
            "contacts",
            "products",
            "assignee",
            "departments",
            "contract",
            "isRead",
            "team",
            "skills",
        ],
    ) {
        return r;
    }
    match state.ticket(req.id(0)) {
        Some(t) => Reply::ok(with_includes(state, t, include)),
        None => http::not_found(),
    }
}

/// Checks a ticket body's members against the layout; the first problem as Zoho's 422.
fn check_ticket_body(state: &SimState, body: &Map<String, Value>) -> Result<(), Reply> {
    if let Some(k) = body.keys().find(|k| !TICKET_FIELDS.contains(&k.as_str())) {
        return Err(http::invalid_data(k, "invalid"));
    }
    if let Some(p) = body.get("priority")
        && !(p.is_null() || p.as_str().is_some_and(|p| PRIORITIES.contains(&p)))
    {
        return Err(http::invalid_data("priority", "invalid"));
    }
    if let Some(s) = body.get("status")
        && !s
            .as_str()
            .is_some_and(|s| STATUSES.iter().any(|(l, _)| *l == s))
    {
        return Err(http::invalid_data("status", "invalid"));
    }
    if let Some(d) = body.get("departmentId")
        && !d.as_str().is_some_and(|d| state.department(d).is_some())
    {
        return Err(http::invalid_data("departmentId", "invalid"));
    }
    if let Some(a) = body.get("assigneeId")
        && !(a.is_null() || a.as_str().is_some_and(|a| state.agent(a).is_some()))
    {
        return Err(http::invalid_data("assigneeId", "invalid"));
    }
    if let Some(c) = body.get("contactId")
        && !c.as_str().is_some_and(|c| state.contacts.contains_key(c))
    {
        return Err(http::invalid_data("contactId", "invalid"));
    }
    if let Some(s) = body.get("subject")
        && !s.as_str().is_some_and(|s| !s.trim().is_empty())
    {
        return Err(http::invalid_data("subject", "invalid"));
    }
    Ok(())
}

fn apply(ticket: &mut Value, body: &Map<String, Value>, now: &str) {
    for (k, v) in body {
        if k == "contact" {
            continue;
        }
        ticket[k.as_str()] = v.clone();
    }
    if let Some(label) = body.get("status").and_then(Value::as_str) {
        let ty = store::status_type(label);
        ticket["statusType"] = json!(ty);
        ticket["closedTime"] = if ty == Some("Closed") {
            json!(now)
        } else {
            Value::Null
        };
    }
    ticket["modifiedTime"] = json!(now);
}

/// `POST /api/v1/tickets`: `subject`, `departmentId` and a contact (`contactId`, or `contact`
/// with `email` or `lastName`) required.
fn create_ticket(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &[]) {
        return r;
    }
    let body = match http::json_object(req) {
        Ok(b) => b,
        Err(r) => return r,
    };
    for required in ["subject", "departmentId"] {
        if !body.contains_key(required) {
            return http::invalid_data(required, "missing");
        }
    }
    if let Err(r) = check_ticket_body(state, &body) {
        return r;
    }
    let contact_id = match (body.get("contactId"), body.get("contact")) {
        (Some(id), _) => id.as_str().unwrap_or_default().to_owned(),
        (None, Some(Value::Object(c))) => {
            let email = c.get("email").and_then(Value::as_str);
            let existing = email
                .and_then(|e| state.contacts.values().find(|x| x["email"] == e))
                .map(|x| x["id"].clone());
            match existing {
                Some(id) => id.as_str().unwrap_or_default().to_owned(),
                None if email.is_some() || c.get("lastName").is_some() => {
                    let id = state.new_id();
                    state.contacts.insert(id.clone(), json!({"id": id, "email": email, "lastName": c.get("lastName"), "firstName": c.get("firstName")}));
                    id
                }
                None => return http::invalid_data("contact", "missing"),
            }
        }
        _ => return http::invalid_data("contactId", "missing"),
    };
    let id = state.new_id();
    let now = state.now();
    let email = state.contacts.get(&contact_id).map(|c| c["email"].clone());
    let mut ticket = json!({
        "id": id, "ticketNumber": store::ticket_number(&id), "subject": null, "description": null,
        "status": "Open", "statusType": "Open", "priority": null, "channel": "Email",
        "departmentId": null, "assigneeId": null, "teamId": null, "contactId": contact_id,
        "email": email, "createdTime": now, "modifiedTime": now, "closedTime": null,
        "dueDate": null, "isEscalated": false, "isSpam": false, "category": null,
        "webUrl": format!("https://desk.zoho.com/support/sim/ShowHomePage.do#Cases/dv/{id}"),
        "threadCount": "0", "commentCount": "0", "cf": {},
    });
    apply(&mut ticket, &body, &now);
    state.tags.insert(id, Vec::new());
    state.tickets.push(ticket.clone());
    Reply::ok(ticket)
}

/// `PATCH /api/v1/tickets/{id}`.
fn update_ticket(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &[]) {
        return r;
    }
    let body = match http::json_object(req) {
        Ok(b) => b,
        Err(r) => return r,
    };
    if state.ticket(req.id(0)).is_none() {
        return http::not_found();
    }
    if let Err(r) = check_ticket_body(state, &body) {
        return r;
    }
    let now = state.now();
    match state.ticket_mut(req.id(0)) {
        Some(t) => {
            apply(t, &body, &now);
            Reply::ok(t.clone())
        }
        None => http::not_found(),
    }
}

/// `POST /api/v1/closeTickets` `{"ids": [...]}`: one result per id (assumed shape of the
/// description's `MassActionResponse`: `{"results": [{"id", "success", "errors"}]}`).
fn close_tickets(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &[]) {
        return r;
    }
    let body = match http::json_object(req) {
        Ok(b) => b,
        Err(r) => return r,
    };
    if let Some(k) = body.keys().find(|k| *k != "ids") {
        return http::invalid_data(k, "invalid");
    }
    let Some(ids) = body
        .get("ids")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty() && a.iter().all(Value::is_string))
    else {
        return http::invalid_data("ids", "missing");
    };
    let now = state.now();
    let mut results = Vec::new();
    for id in ids.iter().filter_map(Value::as_str) {
        let success = match state.ticket_mut(id) {
            Some(t) => {
                let mut change = Map::new();
                change.insert("status".into(), json!("Closed"));
                apply(t, &change, &now);
                true
            }
            None => false,
        };
        results.push(json!({"id": id, "success": success, "errors": if success { Value::Null } else { json!({"errorCode": "RESOURCE_NOT_FOUND"}) }}));
    }
    Reply::ok(json!({"results": results}))
}

// ---- conversations ----

fn by_ticket(
    items: &[Value],
    ticket: &str,
    time_field: &str,
    req: &Req,
) -> Result<Vec<Value>, Reply> {
    let mut list: Vec<Value> = items
        .iter()
        .filter(|c| c["ticketId"] == ticket)
        .cloned()
        .collect();
    let (desc, key) = match req.param("sortBy") {
        None => (true, time_field),
        Some(s) => match s.strip_prefix('-') {
            Some(k) => (true, k),
            None => (false, s),
        },
    };
    if key != time_field {
        return Err(http::bad_param("sortBy"));
    }
    list.sort_by(|a, b| {
        let ka = (
            a[key].as_str().unwrap_or_default(),
            a["id"].as_str().unwrap_or_default(),
        );
        let kb = (
            b[key].as_str().unwrap_or_default(),
            b["id"].as_str().unwrap_or_default(),
        );
        if desc { kb.cmp(&ka) } else { ka.cmp(&kb) }
    });
    Ok(list)
}

/// `GET /api/v1/tickets/{id}/comments` (newest first by default; `limit` 1..=100, default 50).
fn list_comments(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &["include", "limit", "from", "sortBy"]) {
        return r;
    }
    if state.ticket(req.id(0)).is_none() {
        return http::not_found();
    }
    let (from, limit) = match window(state, req, 50, 100) {
        Ok(w) => w,
        Err(r) => return r,
    };
    match by_ticket(&state.comments, req.id(0), "commentedTime", req) {
        Ok(list) => page(list, from, limit),
        Err(r) => r,
    }
}

/// `POST /api/v1/tickets/{id}/comments`: `content` required; `isPublic`, `contentType`
/// (`html` or `plainText`), `attachmentIds`.
fn add_comment(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &["parentConversationId"]) {
        return r;
    }
    let body = match http::json_object(req) {
        Ok(b) => b,
        Err(r) => return r,
    };
    if state.ticket(req.id(0)).is_none() {
        return http::not_found();
    }
    if let Some(k) = body
        .keys()
        .find(|k| !["content", "isPublic", "contentType", "attachmentIds"].contains(&k.as_str()))
    {
        return http::invalid_data(k, "invalid");
    }
    let Some(content) = body
        .get("content")
        .and_then(Value::as_str)
        .filter(|c| !c.trim().is_empty())
    else {
        return http::invalid_data("content", "missing");
    };
    let content_type = body.get("contentType").map_or(Some("html"), Value::as_str);
    if !matches!(content_type, Some("html" | "plainText")) {
        return http::invalid_data("contentType", "invalid");
    }
    let public = match body.get("isPublic") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return http::invalid_data("isPublic", "invalid"),
    };
    let id = state.new_id();
    let now = state.now();
    let author = state
        .agents
        .first()
        .map(|a| a["id"].clone())
        .unwrap_or(Value::Null);
    let comment = json!({
        "id": id, "ticketId": req.id(0), "content": content, "contentType": content_type,
        "isPublic": public, "commentedTime": now, "modifiedTime": null, "commenterId": author,
        "commenter": {"id": author, "type": "AGENT"}, "attachments": [], "mention": [],
        "impersonatedUser": null,
    });
    state.comments.push(comment.clone());
    Reply::ok(comment)
}

fn thread_summary(thread: &Value) -> Value {
    let mut t = thread.clone();
    if let Some(map) = t.as_object_mut() {
        map.remove("content");
    }
    t
}

/// `GET /api/v1/tickets/{id}/threads`: summaries (no `content`; read one thread for it).
fn list_threads(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &["limit", "from", "sortBy"]) {
        return r;
    }
    if state.ticket(req.id(0)).is_none() {
        return http::not_found();
    }
    let (from, limit) = match window(state, req, 50, 200) {
        Ok(w) => w,
        Err(r) => return r,
    };
    match by_ticket(&state.threads, req.id(0), "createdTime", req) {
        Ok(list) => page(list.iter().map(thread_summary).collect(), from, limit),
        Err(r) => r,
    }
}

fn show_thread(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &["include"]) {
        return r;
    }
    match state
        .threads
        .iter()
        .find(|t| t["ticketId"] == req.id(0) && t["id"] == req.id(1))
    {
        Some(t) => Reply::ok(t.clone()),
        None => http::not_found(),
    }
}

/// `POST /api/v1/tickets/{id}/sendReply`: `channel` and `content` required (`EMAIL` needs `to`
/// and `fromEmailAddress`).
fn send_reply(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &["parentConversationId", "impersonatedUserId"]) {
        return r;
    }
    let body = match http::json_object(req) {
        Ok(b) => b,
        Err(r) => return r,
    };
    if state.ticket(req.id(0)).is_none() {
        return http::not_found();
    }
    const FIELDS: &[&str] = &[
        "channel",
        "content",
        "contentType",
        "to",
        "cc",
        "bcc",
        "fromEmailAddress",
        "attachmentIds",
        "isForward",
        "inReplyToThreadId",
    ];
    if let Some(k) = body.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return http::invalid_data(k, "invalid");
    }
    let Some(channel) = body.get("channel").and_then(Value::as_str) else {
        return http::invalid_data("channel", "missing");
    };
    let Some(content) = body
        .get("content")
        .and_then(Value::as_str)
        .filter(|c| !c.trim().is_empty())
    else {
        return http::invalid_data("content", "missing");
    };
    if channel == "EMAIL" {
        for required in ["to", "fromEmailAddress"] {
            if !body
                .get(required)
                .and_then(Value::as_str)
                .is_some_and(|v| v.contains('@'))
            {
                return http::invalid_data(required, "missing");
            }
        }
    }
    let content_type = body
        .get("contentType")
        .and_then(Value::as_str)
        .unwrap_or("html");
    let id = state.new_id();
    let now = state.now();
    let author = state
        .agents
        .first()
        .map(|a| a["id"].clone())
        .unwrap_or(Value::Null);
    let thread = json!({
        "id": id, "ticketId": req.id(0), "channel": channel, "direction": "out",
        "isPrivate": false, "visibility": "public", "summary": content, "content": content,
        "contentType": if content_type == "plainText" { "text/plain" } else { "text/html" },
        "createdTime": now, "author": {"id": author, "type": "AGENT"},
        "to": body.get("to"), "fromEmailAddress": body.get("fromEmailAddress"),
        "hasAttach": false, "attachmentCount": "0", "status": "SUCCESS",
    });
    state.threads.push(thread.clone());
    Reply::ok(thread)
}

// ---- tags ----

fn tag_id(name: &str) -> String {
    let mut h: u64 = 1469598103934665603;
    for b in name.to_lowercase().bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(1099511628211);
    }
    format!("41508681{:011}", h % 100_000_000_000)
}

fn tag_record(name: &str) -> Value {
    json!({"id": tag_id(name), "name": name, "tagType": "MANUAL"})
}

fn ticket_tags(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &[]) {
        return r;
    }
    match state.tags.get(req.id(0)) {
        Some(tags) => {
            Reply::ok(json!({"data": tags.iter().map(|t| tag_record(t)).collect::<Vec<_>>()}))
        }
        None => http::not_found(),
    }
}

fn tag_body(req: &Req) -> Result<Vec<String>, Reply> {
    let body = http::json_object(req)?;
    if let Some(k) = body.keys().find(|k| *k != "tags") {
        return Err(http::invalid_data(k, "invalid"));
    }
    let tags: Vec<String> = body
        .get("tags")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(|s| s.trim().to_owned())
                .collect()
        })
        .unwrap_or_default();
    let valid = !tags.is_empty()
        && body
            .get("tags")
            .and_then(Value::as_array)
            .is_some_and(|a| a.len() == tags.len())
        && tags
            .iter()
            .all(|t| !t.is_empty() && t.chars().count() <= 50 && !t.contains(','));
    if valid {
        Ok(tags)
    } else {
        Err(http::invalid_data("tags", "invalid"))
    }
}

/// `POST /api/v1/tickets/{id}/associateTag` `{"tags": [...]}`: the ticket's tags after.
fn associate_tag(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &[]) {
        return r;
    }
    let tags = match tag_body(req) {
        Ok(t) => t,
        Err(r) => return r,
    };
    match state.tags.get_mut(req.id(0)) {
        Some(list) => {
            for t in tags {
                if !list.iter().any(|x| x.eq_ignore_ascii_case(&t)) {
                    list.push(t);
                }
            }
            Reply::ok(json!({"data": list.iter().map(|t| tag_record(t)).collect::<Vec<_>>()}))
        }
        None => http::not_found(),
    }
}

fn dissociate_tag(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &[]) {
        return r;
    }
    let tags = match tag_body(req) {
        Ok(t) => t,
        Err(r) => return r,
    };
    match state.tags.get_mut(req.id(0)) {
        Some(list) => {
            list.retain(|x| !tags.iter().any(|t| t.eq_ignore_ascii_case(x)));
            Reply::empty(204)
        }
        None => http::not_found(),
    }
}

/// `GET /api/v1/ticketTags?departmentId=`: the tags on the department's tickets (required;
/// `limit` 1..=100).
fn department_tags(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &["departmentId", "limit", "from", "sortBy"]) {
        return r;
    }
    let Some(department) = req.param("departmentId") else {
        return http::bad_param("departmentId");
    };
    if state.department(department).is_none() {
        return http::bad_param("departmentId");
    }
    let (from, limit) = match window(state, req, 10, 100) {
        Ok(w) => w,
        Err(r) => return r,
    };
    let mut names: Vec<String> = Vec::new();
    for t in state
        .tickets
        .iter()
        .filter(|t| t["departmentId"] == department)
    {
        for tag in state
            .tags
            .get(t["id"].as_str().unwrap_or_default())
            .into_iter()
            .flatten()
        {
            if !names.iter().any(|n| n.eq_ignore_ascii_case(tag)) {
                names.push(tag.clone());
            }
        }
    }
    names.sort();
    page(names.iter().map(|n| tag_record(n)).collect(), from, limit)
}

// ---- attachments ----

/// `GET /api/v1/tickets/{id}/attachments`: `href` downloads from the file store (another origin).
fn list_attachments(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &["include", "limit", "isPublic", "from", "sortBy"]) {
        return r;
    }
    if state.ticket(req.id(0)).is_none() {
        return http::not_found();
    }
    let (from, limit) = match window(state, req, 25, 100) {
        Ok(w) => w,
        Err(r) => return r,
    };
    let list: Vec<Value> = state
        .attachments
        .iter()
        .filter(|a| a["ticketId"] == req.id(0))
        .filter(|a| {
            req.param("isPublic")
                .is_none_or(|p| a["isPublic"].to_string() == p)
        })
        .cloned()
        .collect();
    page(list, from, limit)
}

// ---- organization setup ----

fn list_departments(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(
        req,
        &["chatStatus", "searchStr", "isEnabled", "limit", "from"],
    ) {
        return r;
    }
    let (from, limit) = match window(state, req, 10, 200) {
        Ok(w) => w,
        Err(r) => return r,
    };
    page(state.departments.clone(), from, limit)
}

/// `GET /api/v1/organizationFields?module=tickets`: the ticket layout's fields; `status` lists
/// its values with their status types (incl. the custom `Awaiting Vendor`, type On Hold),
/// `priority` its values. (Assumed shape: `allowedValues` of `{value, statusType}`.)
fn organization_fields(_state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &["module", "apiNames"]) {
        return r;
    }
    if req.param("module") != Some("tickets") {
        return http::bad_param("module");
    }
    let channels: Vec<Value> = [
        "Email", "Phone", "Chat", "Web", "Forums", "Twitter", "Facebook",
    ]
    .iter()
    .map(|v| json!({"value": v}))
    .collect();
    Reply::ok(json!({"data": [
        {"apiName": "status", "displayLabel": "Status", "type": "Picklist", "isCustomField": false,
         "allowedValues": STATUSES.iter().map(|(v, t)| json!({"value": v, "statusType": t})).collect::<Vec<_>>()},
        {"apiName": "priority", "displayLabel": "Priority", "type": "Picklist", "isCustomField": false,
         "allowedValues": PRIORITIES.iter().map(|v| json!({"value": v})).collect::<Vec<_>>()},
        {"apiName": "channel", "displayLabel": "Channel", "type": "Picklist", "isCustomField": false,
         "allowedValues": channels},
    ]}))
}

/// `GET /api/v1/agents` (`limit` 1..=200, default 10; `status` ACTIVE or DISABLED).
fn list_agents(state: &mut SimState, req: &Req) -> Reply {
    const ALLOWED: &[&str] = &[
        "include",
        "roleIds",
        "searchStr",
        "limit",
        "rolePermissionType",
        "profileIds",
        "from",
        "isConfirmed",
        "departmentIds",
        "status",
    ];
    if let Err(r) = check_params(req, ALLOWED) {
        return r;
    }
    let (from, limit) = match window(state, req, 10, 200) {
        Ok(w) => w,
        Err(r) => return r,
    };
    if let Some(s) = req.param("status")
        && !["ACTIVE", "DISABLED"].contains(&s)
    {
        return http::bad_param("status");
    }
    let list: Vec<Value> = state
        .agents
        .iter()
        .filter(|a| req.param("status").is_none_or(|s| a["status"] == s))
        .cloned()
        .collect();
    page(list, from, limit)
}

// ---- knowledge and SLAs ----

fn list_articles(state: &mut SimState, req: &Req) -> Reply {
    const ALLOWED: &[&str] = &[
        "permission",
        "authorId",
        "limit",
        "from",
        "sortBy",
        "modifiedTimeRange",
        "expiryTimeRange",
        "categoryId",
        "status",
    ];
    if let Err(r) = check_params(req, ALLOWED) {
        return r;
    }
    let (from, limit) = match window(state, req, 10, 50) {
        Ok(w) => w,
        Err(r) => return r,
    };
    let list: Vec<Value> = state
        .articles
        .iter()
        .filter(|a| {
            req.param("status").is_none_or(|s| {
                a["status"]
                    .as_str()
                    .is_some_and(|x| x.eq_ignore_ascii_case(s))
            })
        })
        .filter(|a| req.param("categoryId").is_none_or(|c| a["categoryId"] == c))
        .map(|a| {
            let mut a = a.clone();
            if let Some(m) = a.as_object_mut() {
                m.remove("answer");
            }
            a
        })
        .collect();
    page(list, from, limit)
}

fn show_article(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &["version", "locale"]) {
        return r;
    }
    match state.articles.iter().find(|a| a["id"] == req.id(0)) {
        Some(a) => Reply::ok(a.clone()),
        None => http::not_found(),
    }
}

/// `GET /api/v1/accounts/{id}/sla`: the SLAs bound to an account (`{data: [{id, name,
/// department, isActive}]}`, no targets).
fn account_slas(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &["departmentId", "limit", "from", "status"]) {
        return r;
    }
    if req.id(0) != state.account_slas.0 {
        return http::not_found();
    }
    let (from, limit) = match window(state, req, 10, 100) {
        Ok(w) => w,
        Err(r) => return r,
    };
    page(state.account_slas.1.clone(), from, limit)
}
