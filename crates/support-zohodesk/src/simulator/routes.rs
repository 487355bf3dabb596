//! Zoho Desk's endpoints, in matching order: method, path (`{}` for an id), and a handler that
//! checks the query parameters and body it accepts (answering Zoho's 422) before answering.
//!
//! Parameters and bodies are those of Zoho's description (`v1.0/*.json`); where the description
//! and the HTML documentation disagree, the documentation wins and the handler says so.

use serde_json::{Map, Value, json};
use support_conformance::sim::{BodyRule, ParamProblem, Params, Route};

use super::http::{self, Reply, Req};
use super::multipart;
use super::store::{self, CHANNELS, PRIORITIES, STATUSES, SimState, StoredFile};

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

const fn patch(
    pattern: &'static str,
    handler: fn(&mut SimState, &Req) -> Reply,
) -> Route<SimState> {
    Route::new("PATCH", pattern, Params::ANY, BodyRule::Any, handler)
}

/// Every endpoint the simulator serves.
pub static ROUTES: &[Route<SimState>] = &[
    post(TOKEN_PATH, oauth_token),
    get("/api/v1/organizations", organizations),
    get(MYINFO, myinfo),
    get("/api/v1/tickets/search", search_tickets),
    get("/api/v1/tickets", list_tickets),
    post("/api/v1/tickets", create_ticket),
    post("/api/v1/closeTickets", close_tickets),
    get("/api/v1/tickets/{}", show_ticket),
    patch("/api/v1/tickets/{}", update_ticket),
    post("/api/v1/tickets/{}/move", move_ticket),
    get("/api/v1/tickets/{}/comments", list_comments),
    post("/api/v1/tickets/{}/comments", add_comment),
    get("/api/v1/tickets/{}/comments/{}", show_comment),
    get("/api/v1/tickets/{}/threads", list_threads),
    get("/api/v1/tickets/{}/threads/{}", show_thread),
    post("/api/v1/tickets/{}/sendReply", send_reply),
    get("/api/v1/tickets/{}/tags", ticket_tags),
    post("/api/v1/tickets/{}/associateTag", associate_tag),
    post("/api/v1/tickets/{}/dissociateTag", dissociate_tag),
    get("/api/v1/tickets/{}/attachments", list_attachments),
    post("/api/v1/tickets/{}/attachments", attach_to_ticket),
    get(
        "/api/v1/tickets/{}/attachments/{}/content",
        ticket_file_content,
    ),
    get(
        "/api/v1/tickets/{}/comments/{}/attachments/{}/content",
        comment_file_content,
    ),
    get(
        "/api/v1/tickets/{}/threads/{}/attachments/{}/content",
        thread_file_content,
    ),
    post("/api/v1/uploads", upload_file),
    get("/api/v1/uploads/{}/content", upload_content),
    get("/api/v1/ticketTags", department_tags),
    get("/api/v1/tags/search", search_tags),
    get("/api/v1/tags/{}/tickets", tickets_by_tag),
    get("/api/v1/departments", list_departments),
    get("/api/v1/organizationFields", organization_fields),
    get("/api/v1/agents", list_agents),
    get("/api/v1/agents/{}", show_agent),
    get("/api/v1/departments/{}", show_department),
    get("/api/v1/contacts/{}", show_contact),
    get("/api/v1/articles", list_articles),
    get("/api/v1/articles/{}", show_article),
    get("/api/v1/accounts/{}/sla", account_slas),
];

/// Zoho's 422 for the first query parameter not in `allowed` (or repeated). `orgId` is allowed
/// everywhere: the description models it as a query parameter (the documentation: a header).
fn check_params(req: &Req, allowed: &[&str]) -> Result<(), Reply> {
    let mut all = allowed.to_vec();
    all.push("orgId");
    match req.param_problems(&all).into_iter().next() {
        None => Ok(()),
        Some(ParamProblem::Unknown(name)) => Err(http::unknown_param(&name)),
        Some(ParamProblem::Repeated(name)) => Err(http::bad_param(&name)),
    }
}

/// `from` (an index from `first`, default `first`) and `limit` (1..=`max`, default `default`),
/// as a 0-based offset and a count, with the organization's `from` cap (`from` + `limit` past
/// `SimState::from_cap` is refused); Zoho's 422 naming the parameter otherwise.
fn window_from(
    state: &SimState,
    req: &Req,
    first: usize,
    default: usize,
    max: usize,
) -> Result<(usize, usize), Reply> {
    let from = match req.param("from") {
        None => first,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if n >= first => n,
            _ => return Err(http::bad_param("from")),
        },
    };
    let limit = match req.param("limit") {
        None => default,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => n,
            _ => return Err(http::bad_param("limit")),
        },
    };
    let offset = from - first;
    if offset + limit > state.from_cap {
        return Err(http::bad_param("from"));
    }
    Ok((offset, limit))
}

/// [`window_from`] with a 0-based `from`.
fn window(
    state: &SimState,
    req: &Req,
    default: usize,
    max: usize,
) -> Result<(usize, usize), Reply> {
    window_from(state, req, 0, default, max)
}

/// A page of `items`: `{"data": [...]}`, or 204 with no body when it is empty.
fn page(items: Vec<Value>, offset: usize, limit: usize) -> Reply {
    let data: Vec<Value> = items.into_iter().skip(offset).take(limit).collect();
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

/// `Err(bad_param(name))` unless every comma-separated value of `name` is in `allowed`.
fn check_values(req: &Req, name: &str, allowed: &[&str]) -> Result<(), Reply> {
    match req.param(name) {
        Some(v)
            if comma_list(v).is_empty() || comma_list(v).iter().any(|w| !allowed.contains(w)) =>
        {
            Err(http::bad_param(name))
        }
        _ => Ok(()),
    }
}

/// `sortBy` among `allowed`, with `-` for descending when `signed`; `default` without one.
fn sort_key<'a>(
    req: &'a Req,
    allowed: &[&str],
    signed: bool,
    default: (bool, &'a str),
) -> Result<(bool, &'a str), Reply> {
    let Some(value) = req.param("sortBy") else {
        return Ok(default);
    };
    let (desc, key) = match value.strip_prefix('-') {
        Some(key) if signed => (true, key),
        _ => (false, value),
    };
    if allowed.contains(&key) {
        Ok((desc, key))
    } else {
        Err(http::bad_param("sortBy"))
    }
}

/// Sorts records by a time (or other string) field, then id.
fn sort_by_field(items: &mut [Value], field: &str, desc: bool) {
    items.sort_by(|a, b| {
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
}

/// The body as a JSON object whose members are all in `allowed`; Zoho's 422 otherwise.
fn body_with(req: &Req, allowed: &[&str]) -> Result<Map<String, Value>, Reply> {
    let body = http::json_object(req)?;
    match body.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(http::invalid_data(k, "invalid")),
        None => Ok(body),
    }
}

// ---- OAuth and organization ----

/// `POST /oauth/v2/token`: the refresh-token grant (parameters in the form body or the query
/// string, as Zoho Accounts takes both; the client in the body or HTTP Basic). Answers
/// `access_token`, `expires_in` (seconds), `api_domain`, `token_type`; errors are 200
/// `{"error": code}` as Zoho Accounts answers them (`invalid_client`, `invalid_code` for a bad
/// refresh token, `unsupported_grant_type`).
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
        "scope": http::SCOPES,
    }))
}

/// `GET /api/v1/organizations`: the organizations the token reaches (no `orgId` needed).
fn organizations(_state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &[]) {
        return r;
    }
    Reply::ok(json!({"data": [{
        "id": http::ORG_ID, "companyName": "Simulated Org", "portalName": "simulated",
        "isDefault": "true", "edition": "ENTERPRISE", "isAdminInOrg": true,
        "portalURL": "https://desk.zoho.com/support/simulated/ShowHomePage.do",
    }]}))
}

/// `GET /api/v1/myinfo`: the token's agent (the administrator).
fn myinfo(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &["include"]) {
        return r;
    }
    if let Err(r) = check_values(
        req,
        "include",
        &[
            "profile",
            "role",
            "associatedDepartments",
            "associatedChatDepartments",
        ],
    ) {
        return r;
    }
    match state.agents.first() {
        Some(a) => Reply::ok(a.clone()),
        None => http::not_found(),
    }
}

// ---- tickets ----

/// The members a ticket creation takes (the description's `createTicket` body, and `teamId`,
/// `entitySkills`, `secondaryContacts`, `accountId` of the documentation).
const CREATE_FIELDS: &[&str] = &[
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
    "classification",
    "dueDate",
    "cf",
    "customFields",
    "language",
    "productId",
    "entitySkills",
    "secondaryContacts",
    "accountId",
    "uploads",
];

/// The members an update takes (the description's `updateTicket` body, and `teamId`,
/// `accountId`). Not `departmentId`: a ticket changes department by `POST .../move`.
const UPDATE_FIELDS: &[&str] = &[
    "subject",
    "contactId",
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
    "classification",
    "dueDate",
    "cf",
    "customFields",
    "language",
    "productId",
    "resolution",
    "sharedDepartments",
    "uploads",
    "accountId",
];

/// The members of a ticket in a listing (the description's `ticketListViewArray` item): no
/// `modifiedTime`, `description` or custom fields unless `fields` names them.
const LIST_VIEW: &[&str] = &[
    "id",
    "ticketNumber",
    "subject",
    "status",
    "statusType",
    "priority",
    "channel",
    "departmentId",
    "assigneeId",
    "teamId",
    "contactId",
    "accountId",
    "email",
    "phone",
    "createdTime",
    "customerResponseTime",
    "closedTime",
    "onholdTime",
    "dueDate",
    "responseDueDate",
    "isSpam",
    "category",
    "subCategory",
    "language",
    "webUrl",
    "threadCount",
    "commentCount",
    "lastThread",
    "productId",
];

/// `fields`: up to 30 more members of the ticket for each listed one (not `description`, a
/// multi-line text); Zoho's 422 naming `fields` for anything else.
fn extra_fields(req: &Req) -> Result<Vec<String>, Reply> {
    const MORE: &[&str] = &[
        "modifiedTime",
        "isEscalated",
        "cf",
        "layoutId",
        "resolution",
    ];
    let Some(value) = req.param("fields") else {
        return Ok(Vec::new());
    };
    let list = comma_list(value);
    let known = |f: &&str| LIST_VIEW.contains(f) || MORE.contains(f) || f.starts_with("cf_");
    if list.is_empty() || list.len() > 30 || !list.iter().all(known) {
        return Err(http::bad_param("fields"));
    }
    Ok(list.into_iter().map(str::to_owned).collect())
}

/// A ticket as a listing shows it, with the `fields` asked for.
fn list_view(ticket: &Value, fields: &[String]) -> Value {
    let mut view = serde_json::Map::new();
    for key in LIST_VIEW {
        view.insert((*key).to_owned(), ticket[*key].clone());
    }
    view.insert(
        "customerResponseTime".to_owned(),
        ticket["createdTime"].clone(),
    );
    for field in fields {
        match field.strip_prefix("cf_") {
            Some(_) => {
                view.insert(field.clone(), ticket["cf"][field.as_str()].clone());
            }
            None => {
                view.insert(field.clone(), ticket[field.as_str()].clone());
            }
        }
    }
    Value::Object(view)
}

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
                    .map(|a| {
                        json!({"id": a["id"], "firstName": a["firstName"], "lastName": a["lastName"],
                               "email": a["emailId"], "photoURL": null})
                    })
                    .unwrap_or(Value::Null);
            }
            "departments" => {
                t["department"] = t["departmentId"]
                    .as_str()
                    .and_then(|id| state.department(id))
                    .map(|d| json!({"id": d["id"], "name": d["name"]}))
                    .unwrap_or(Value::Null);
            }
            "team" => t["team"] = Value::Null,
            "isRead" => t["isRead"] = json!(false),
            _ => {}
        }
    }
    t
}

/// Whether the ticket passes the filters both listings take (`departmentId`, `status` as
/// labels or status types, `priority`, `channel`).
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
    let channel = req.param("channel").is_none_or(|c| {
        t["channel"]
            .as_str()
            .is_some_and(|l| comma_list(c).contains(&l))
    });
    department && status && priority && channel
}

/// The filter values both listings check: known departments, status labels and types,
/// priorities, channels.
fn check_filters(state: &SimState, req: &Req) -> Result<(), Reply> {
    if let Some(d) = req.param("departmentId")
        && d != "allDepartment"
        && state.department(d).is_none()
    {
        return Err(http::bad_param("departmentId"));
    }
    let mut labels: Vec<&str> = STATUSES.iter().map(|(l, _)| *l).collect();
    labels.extend(state.tickets.iter().filter_map(|t| t["status"].as_str()));
    check_values(req, "status", &labels)?;
    check_values(req, "priority", PRIORITIES)?;
    check_values(req, "channel", CHANNELS)
}

fn expire_mid_listing(state: &mut SimState, req: &Req, more: bool) {
    if more && state.expire_tokens_mid_listing {
        state.expire_tokens_mid_listing = false;
        http::expire(req.header("host").unwrap_or_default());
    }
}

/// `GET /api/v1/tickets`: `from` (0-based), `limit` (1..=100, default 25), `sortBy`
/// (`createdTime`, `dueDate`, `recentThread`; `-` descending; without one, newest first),
/// filters, `fields`. Items are list views (no `modifiedTime`, `description` or tags). An empty
/// page is 204.
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
    let (offset, limit) = match window(state, req, 25, 100) {
        Ok(w) => w,
        Err(r) => return r,
    };
    let include = req.param("include");
    let checks = check_values(
        req,
        "include",
        &[
            "contacts",
            "products",
            "departments",
            "team",
            "assignee",
            "isRead",
        ],
    )
    .and_then(|()| check_filters(state, req));
    if let Err(r) = checks {
        return r;
    }
    let fields = match extra_fields(req) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let (desc, key) = match sort_key(
        req,
        &["createdTime", "dueDate", "recentThread"],
        true,
        (true, "createdTime"),
    ) {
        Ok(k) => k,
        Err(r) => return r,
    };
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
    let field = if key == "recentThread" {
        "modifiedTime"
    } else {
        key
    };
    sort_by_field(&mut tickets, field, desc);
    let total = tickets.len();
    let tickets: Vec<Value> = tickets
        .iter()
        .map(|t| with_includes(state, &list_view(t, &fields), include))
        .collect();
    let reply = page(tickets, offset, limit);
    expire_mid_listing(state, req, offset + limit < total);
    reply
}

/// A `createdTimeRange` / `modifiedTimeRange` value: two ISO times separated by a comma.
fn time_range(value: &str) -> Option<(String, String)> {
    let (a, b) = value.split_once(',')?;
    let ok = |t: &str| {
        t.len() >= 20 && t.ends_with('Z') && t.as_bytes()[4] == b'-' && t.as_bytes()[10] == b'T'
    };
    let (a, b) = (store::iso_millis(a.trim()), store::iso_millis(b.trim()));
    (ok(&a) && ok(&b) && a <= b).then_some((a, b))
}

/// `GET /api/v1/tickets/search` (the documentation's Search API, not in the description):
/// exact filters (`id`, `ticketNumber`, `departmentId`, `assigneeId`, `contactId`, `status`,
/// `priority`, `channel`, `tag`), `subject` (wildcard with `*`),
/// `createdTimeRange` / `modifiedTimeRange` (inclusive), `sortBy` (`createdTime`, `modifiedTime`,
/// ...; `-` descending; default relevance, here creation order). Answers `{data, count}`, 204
/// when nothing matches.
fn search_tickets(state: &mut SimState, req: &Req) -> Reply {
    const ALLOWED: &[&str] = &[
        "from",
        "limit",
        "id",
        "ticketNumber",
        "subject",
        "description",
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
        "accountId",
        "productId",
        "productName",
        "phone",
        "tag",
        "customerResponseTimeRange",
    ];
    if let Err(r) = check_params(req, ALLOWED) {
        return r;
    }
    let (offset, limit) = match window(state, req, 10, 100) {
        Ok(w) => w,
        Err(r) => return r,
    };
    if let Err(r) = check_filters(state, req) {
        return r;
    }
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
    let (desc, key) = match sort_key(
        req,
        &[
            "createdTime",
            "modifiedTime",
            "customerResponseTime",
            "dueDate",
        ],
        true,
        (false, "createdTime"),
    ) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let wildcard = |value: &str, text: &str| {
        let text = text.to_lowercase();
        let value = value.to_lowercase();
        match value.strip_suffix('*') {
            Some(prefix) => text.contains(prefix),
            None => text == value,
        }
    };
    let mut tickets: Vec<Value> = state
        .tickets
        .iter()
        .filter(|t| matches_common(t, req))
        .filter(|t| {
            [
                ("ticketNumber", "ticketNumber"),
                ("id", "id"),
                ("assigneeId", "assigneeId"),
                ("contactId", "contactId"),
            ]
            .iter()
            .all(|(param, field)| {
                req.param(param)
                    .is_none_or(|v| comma_list(v).iter().any(|x| t[*field] == *x))
            })
        })
        .filter(|t| {
            // `tag`: tickets carrying any of the names (any case).
            req.param("tag").is_none_or(|names| {
                state
                    .tags
                    .get(t["id"].as_str().unwrap_or_default())
                    .is_some_and(|tags| {
                        comma_list(names)
                            .iter()
                            .any(|n| tags.iter().any(|x| x.eq_ignore_ascii_case(n)))
                    })
            })
        })
        .filter(|t| {
            req.param("subject")
                .is_none_or(|s| t["subject"].as_str().is_some_and(|x| wildcard(s, x)))
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
    sort_by_field(&mut tickets, key, desc);
    let count = tickets.len();
    let tickets: Vec<Value> = tickets.iter().map(|t| list_view(t, &[])).collect();
    let reply = page(tickets, offset, limit);
    if reply.status == 204 {
        return reply;
    }
    expire_mid_listing(state, req, offset + limit < count);
    match reply.body {
        Some(mut body) => {
            body["count"] = json!(count);
            Reply::ok(body)
        }
        None => reply,
    }
}

/// `GET /api/v1/tickets/{id}`.
fn show_ticket(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &["include"]) {
        return r;
    }
    let include = req.param("include");
    if let Err(r) = check_values(
        req,
        "include",
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
        Some(t) => {
            let mut t = with_includes(state, t, include);
            let tags = state.tags.get(req.id(0)).map_or(0, Vec::len);
            t["tagCount"] = json!(tags.to_string());
            Reply::ok(t)
        }
        None => http::not_found(),
    }
}

/// Checks a ticket body's values against the layout; the first problem as Zoho's 422.
fn check_ticket_body(state: &SimState, body: &Map<String, Value>) -> Result<(), Reply> {
    let label = |field: &str, allowed: &[&str], nullable: bool| match body.get(field) {
        Some(Value::Null) if nullable => Ok(()),
        Some(v) if !v.as_str().is_some_and(|v| allowed.contains(&v)) => {
            Err(http::invalid_data(field, "invalid"))
        }
        _ => Ok(()),
    };
    let statuses: Vec<&str> = STATUSES.iter().map(|(l, _)| *l).collect();
    label("priority", PRIORITIES, true)?;
    label("status", &statuses, false)?;
    label("channel", CHANNELS, false)?;
    if let Some(d) = body.get("departmentId")
        && d.as_str().is_none_or(|d| state.department(d).is_none())
    {
        return Err(http::invalid_data("departmentId", "invalid"));
    }
    if let Some(a) = body.get("assigneeId")
        && !(a.is_null() || a.as_str().is_some_and(|a| state.agent(a).is_some()))
    {
        return Err(http::invalid_data("assigneeId", "invalid"));
    }
    // The organization has no teams.
    if body.get("teamId").is_some_and(|t| !t.is_null()) {
        return Err(http::invalid_data("teamId", "invalid"));
    }
    if let Some(c) = body.get("contactId")
        && !c.as_str().is_some_and(|c| state.contacts.contains_key(c))
    {
        return Err(http::invalid_data("contactId", "invalid"));
    }
    if let Some(s) = body.get("subject")
        && s.as_str().is_none_or(|s| s.trim().is_empty())
    {
        return Err(http::invalid_data("subject", "invalid"));
    }
    if let Some(d) = body.get("description")
        && !(d.is_null() || d.is_string())
    {
        return Err(http::invalid_data("description", "invalid"));
    }
    Ok(())
}

fn apply(ticket: &mut Value, body: &Map<String, Value>, now: &str) {
    for (k, v) in body {
        if k == "contact" || k == "uploads" {
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

/// The contact of a creation: `contactId`, or `contact` (`email` or `lastName` required; an
/// existing contact with that e-mail is reused, else one is created).
fn creation_contact(state: &mut SimState, body: &Map<String, Value>) -> Result<String, Reply> {
    match (body.get("contactId"), body.get("contact")) {
        (Some(id), _) => Ok(id.as_str().unwrap_or_default().to_owned()),
        (None, Some(Value::Object(c))) => {
            const CONTACT: &[&str] = &["firstName", "lastName", "email", "phone", "mobile"];
            if let Some(k) = c.keys().find(|k| !CONTACT.contains(&k.as_str())) {
                return Err(http::invalid_data(&format!("contact/{k}"), "invalid"));
            }
            let email = c.get("email").and_then(Value::as_str);
            if email.is_some_and(|e| !e.contains('@')) {
                return Err(http::invalid_data("contact/email", "invalid"));
            }
            let last_name = c.get("lastName").and_then(Value::as_str);
            let existing = email
                .and_then(|e| {
                    state.contacts.values().find(|x| {
                        x["email"]
                            .as_str()
                            .is_some_and(|x| x.eq_ignore_ascii_case(e))
                    })
                })
                .map(|x| x["id"].as_str().unwrap_or_default().to_owned());
            match (existing, email, last_name) {
                (Some(id), _, _) => Ok(id),
                (None, None, None) => Err(http::invalid_data("contact/lastName", "missing")),
                (None, _, _) => {
                    let id = state.new_id();
                    let last = last_name
                        .map(str::to_owned)
                        .or_else(|| email.map(|e| e.split('@').next().unwrap_or(e).to_owned()));
                    state.contacts.insert(
                        id.clone(),
                        json!({"id": id, "email": email, "lastName": last,
                               "firstName": c.get("firstName"), "phone": c.get("phone"),
                               "mobile": c.get("mobile"), "accountId": null, "type": null,
                               "isSpam": false}),
                    );
                    Ok(id)
                }
            }
        }
        (None, Some(_)) => Err(http::invalid_data("contact", "invalid")),
        (None, None) => Err(http::invalid_data("contactId", "missing")),
    }
}

/// `POST /api/v1/tickets`: `subject`, `departmentId` and a contact (`contactId`, or `contact`
/// with `email` or `lastName`) required. No tags: they are applied by `associateTag`.
fn create_ticket(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &[]) {
        return r;
    }
    let body = match body_with(req, CREATE_FIELDS) {
        Ok(b) => b,
        Err(r) => return r,
    };
    for required in ["subject", "departmentId"] {
        if body.get(required).is_none_or(Value::is_null) {
            return http::invalid_data(required, "missing");
        }
    }
    if let Err(r) = check_ticket_body(state, &body) {
        return r;
    }
    let uploads = match referenced_uploads(state, &body, "uploads") {
        Ok(u) => u,
        Err(r) => return r,
    };
    let contact_id = match creation_contact(state, &body) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let id = state.new_ticket_id();
    let now = state.creation_time();
    let email = state.contacts.get(&contact_id).map(|c| c["email"].clone());
    let mut ticket = json!({
        "id": id, "ticketNumber": store::ticket_number(&id), "subject": null, "description": null,
        "status": "Open", "statusType": "Open", "priority": null, "channel": "Email",
        "departmentId": null, "assigneeId": null, "teamId": null, "contactId": contact_id,
        "email": email, "createdTime": now, "modifiedTime": now, "closedTime": null,
        "dueDate": null, "isEscalated": false, "isSpam": false, "category": null,
        "language": "English",
        "webUrl": format!("https://desk.zoho.com/support/sim/ShowHomePage.do#Cases/dv/{id}"),
        "threadCount": "1", "commentCount": "0", "cf": {},
    });
    apply(&mut ticket, &body, &now);
    for upload in take_uploads(state, &uploads) {
        attach_upload(state, &id, upload, true);
    }
    state.tags.insert(id, Vec::new());
    state.tickets.push(ticket.clone());
    Reply::ok(ticket)
}

/// `PATCH /api/v1/tickets/{id}`: the members given change (`assigneeId` null unassigns).
fn update_ticket(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &[]) {
        return r;
    }
    let body = match body_with(req, UPDATE_FIELDS) {
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

/// `POST /api/v1/tickets/{id}/move` `{"departmentId"}`: the ticket goes to another department
/// (200, no body). Its tags become tags of that department too.
fn move_ticket(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &[]) {
        return r;
    }
    let body = match body_with(req, &["departmentId", "forumId"]) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Some(department) = body.get("departmentId").and_then(Value::as_str) else {
        return http::invalid_data("departmentId", "missing");
    };
    if state.department(department).is_none() {
        return http::invalid_data("departmentId", "invalid");
    }
    if state.ticket(req.id(0)).is_none() {
        return http::not_found();
    }
    let now = state.now();
    let tags = state.tags.get(req.id(0)).cloned().unwrap_or_default();
    state.register_tags(department, &tags, &now);
    if let Some(t) = state.ticket_mut(req.id(0)) {
        t["departmentId"] = json!(department);
        t["modifiedTime"] = json!(now);
    }
    Reply::empty(200)
}

/// `POST /api/v1/closeTickets` `{"ids": [...]}`: closes each (200, no body: the description's
/// `emptyResponse`); an id of no ticket is 422 naming `ids`, and nothing is closed.
fn close_tickets(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &[]) {
        return r;
    }
    let body = match body_with(req, &["ids"]) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Some(ids) = body
        .get("ids")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
    else {
        return http::invalid_data("ids", "missing");
    };
    let ids: Vec<String> = ids
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    if ids.len() != body["ids"].as_array().map_or(0, Vec::len)
        || ids.iter().any(|id| state.ticket(id).is_none())
    {
        return http::invalid_data("ids", "invalid");
    }
    let now = state.now();
    let mut change = Map::new();
    change.insert("status".into(), json!("Closed"));
    for id in &ids {
        if let Some(t) = state.ticket_mut(id) {
            apply(t, &change, &now);
        }
    }
    Reply::empty(200)
}

// ---- conversations ----

/// `GET /api/v1/tickets/{id}/comments`: oldest first (`sortBy=commentedTime`, `-` for newest
/// first); `limit` 1..=100 (default 50).
fn list_comments(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &["include", "limit", "from", "sortBy"]) {
        return r;
    }
    if let Err(r) = check_values(req, "include", &["mentions", "plainText"]) {
        return r;
    }
    let (offset, limit) = match window(state, req, 50, 100) {
        Ok(w) => w,
        Err(r) => return r,
    };
    let (desc, key) = match sort_key(req, &["commentedTime"], true, (false, "commentedTime")) {
        Ok(k) => k,
        Err(r) => return r,
    };
    if state.ticket(req.id(0)).is_none() {
        return http::not_found();
    }
    let mut list: Vec<Value> = state
        .comments
        .iter()
        .filter(|c| c["ticketId"] == req.id(0))
        .cloned()
        .collect();
    sort_by_field(&mut list, key, desc);
    page(list, offset, limit)
}

/// `POST /api/v1/tickets/{id}/comments`: `content` required; `isPublic` (default false: a
/// private note), `contentType` (`html`, the default, or `plainText`), `attachmentIds` (ids of
/// uploads not yet used: each becomes one of the comment's `attachments`, keeping its id, as
/// `TicketComment.json`'s request and answer examples show; an unknown or used id is 422 naming
/// `attachmentIds`, and nothing is written).
fn add_comment(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &["parentConversationId"]) {
        return r;
    }
    let body = match body_with(
        req,
        &["content", "isPublic", "contentType", "attachmentIds"],
    ) {
        Ok(b) => b,
        Err(r) => return r,
    };
    if state.ticket(req.id(0)).is_none() {
        return http::not_found();
    }
    let Some(content) = body
        .get("content")
        .and_then(Value::as_str)
        .filter(|c| !c.trim().is_empty())
    else {
        return http::invalid_data("content", "missing");
    };
    let content_type = match body.get("contentType") {
        None | Some(Value::Null) => "html",
        Some(Value::String(t)) if t == "html" || t == "plainText" => t.as_str(),
        Some(_) => return http::invalid_data("contentType", "invalid"),
    };
    let public = match body.get("isPublic") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return http::invalid_data("isPublic", "invalid"),
    };
    let uploads = match referenced_uploads(state, &body, "attachmentIds") {
        Ok(u) => u,
        Err(r) => return r,
    };
    let id = state.new_comment_id();
    let now = state.now();
    let author = state.agents.first().cloned().unwrap_or(Value::Null);
    let ticket = req.id(0);
    let attachments = file_records(
        state,
        &uploads,
        &format!("{API}/tickets/{ticket}/comments/{id}"),
    );
    let comment = json!({
        "id": id, "ticketId": ticket, "content": content, "contentType": content_type,
        "isPublic": public, "commentedTime": now, "modifiedTime": null,
        "commenterId": author["id"],
        "commenter": {"id": author["id"], "name": author["name"], "photoURL": null, "type": "AGENT"},
        "attachments": attachments, "mention": [],
    });
    state.comments.push(comment.clone());
    if let Some(t) = state.ticket_mut(req.id(0)) {
        let n: u64 = t["commentCount"]
            .as_str()
            .and_then(|n| n.parse().ok())
            .unwrap_or_default();
        t["commentCount"] = json!((n + 1).to_string());
    }
    Reply::ok(comment)
}

/// `GET /api/v1/tickets/{id}/comments/{commentId}`.
fn show_comment(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &["include"]) {
        return r;
    }
    if let Err(r) = check_values(req, "include", &["mentions", "plainText"]) {
        return r;
    }
    match state
        .comments
        .iter()
        .find(|c| c["ticketId"] == req.id(0) && c["id"] == req.id(1))
    {
        Some(c) => Reply::ok(c.clone()),
        None => http::not_found(),
    }
}

fn thread_summary(thread: &Value) -> Value {
    let mut t = thread.clone();
    if let Some(map) = t.as_object_mut() {
        map.remove("content");
        // A summary counts the files (`hasAttach`, `attachmentCount`); a thread read alone lists
        // them (`Thread.json`).
        map.remove("attachments");
    }
    t
}

/// `GET /api/v1/tickets/{id}/threads`: summaries, oldest first (no `content`: read one thread
/// for it). Each ticket's first thread is its description (`isDescriptionThread`), not one of
/// the world's comments.
fn list_threads(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &["limit", "from", "sortBy"]) {
        return r;
    }
    let (offset, limit) = match window(state, req, 50, 200) {
        Ok(w) => w,
        Err(r) => return r,
    };
    let (desc, key) = match sort_key(req, &["createdTime"], true, (false, "createdTime")) {
        Ok(k) => k,
        Err(r) => return r,
    };
    if state.ticket(req.id(0)).is_none() {
        return http::not_found();
    }
    let mut list: Vec<Value> = state
        .threads
        .iter()
        .filter(|c| c["ticketId"] == req.id(0))
        .map(thread_summary)
        .collect();
    sort_by_field(&mut list, key, desc);
    page(list, offset, limit)
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
/// and `fromEmailAddress`); `attachmentIds` references uploads as a comment's do (the thread
/// read alone lists them in `attachments`).
fn send_reply(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &["parentConversationId", "impersonatedUserId"]) {
        return r;
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
    let body = match body_with(req, FIELDS) {
        Ok(b) => b,
        Err(r) => return r,
    };
    if state.ticket(req.id(0)).is_none() {
        return http::not_found();
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
    let uploads = match referenced_uploads(state, &body, "attachmentIds") {
        Ok(u) => u,
        Err(r) => return r,
    };
    let id = state.new_comment_id();
    let now = state.now();
    let author = state.agents.first().cloned().unwrap_or(Value::Null);
    let attachments = file_records(
        state,
        &uploads,
        &format!("{API}/tickets/{}/threads/{id}", req.id(0)),
    );
    let thread = json!({
        "id": id, "ticketId": req.id(0), "channel": channel, "direction": "out",
        "isDescriptionThread": false, "canReply": true,
        "visibility": "public", "summary": content, "content": content,
        "contentType": if content_type == "plainText" { "text/plain" } else { "text/html" },
        "createdTime": now,
        "author": {"id": author["id"], "name": author["name"], "type": "AGENT", "email": author["emailId"]},
        "to": body.get("to"), "fromEmailAddress": body.get("fromEmailAddress"),
        "hasAttach": !attachments.is_empty(), "attachmentCount": attachments.len().to_string(),
        "attachments": attachments, "status": "SUCCESS",
    });
    state.threads.push(thread.clone());
    Reply::ok(thread_summary(&thread))
}

// ---- tags ----

/// Whether `name` is a tag name Zoho accepts: 3 to 100 characters, letters, digits, spaces and
/// `_ . - + %` (the description's pattern; any non-ASCII letter too).
fn valid_tag(name: &str) -> bool {
    let n = name.chars().count();
    (3..=100).contains(&n)
        && name != "null"
        && name.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '_' | '.' | '-' | '+' | '%')
                || c.is_whitespace()
                || !c.is_ascii()
        })
}

/// `{"tags": [...]}`: the names, else Zoho's 422.
fn tag_body(req: &Req) -> Result<Vec<String>, Reply> {
    let body = body_with(req, &["tags"])?;
    let Some(list) = body.get("tags").and_then(Value::as_array) else {
        return Err(http::invalid_data("tags", "missing"));
    };
    let tags: Vec<String> = list
        .iter()
        .filter_map(Value::as_str)
        .map(|s| s.trim().to_owned())
        .collect();
    let valid = !tags.is_empty() && tags.len() == list.len() && tags.iter().all(|t| valid_tag(t));
    if valid {
        Ok(tags)
    } else {
        Err(http::invalid_data("tags", "invalid"))
    }
}

/// The ticket's department and tag records.
fn ticket_tag_records(state: &SimState, ticket: &str) -> Vec<Value> {
    let department = state
        .ticket(ticket)
        .and_then(|t| t["departmentId"].as_str())
        .unwrap_or_default();
    state
        .tags
        .get(ticket)
        .map(|tags| {
            tags.iter()
                .map(|t| state.tag_record(department, t))
                .collect()
        })
        .unwrap_or_default()
}

/// `GET /api/v1/tickets/{id}/tags`: `{"tags": [{id, name, tagType}]}`.
fn ticket_tags(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &[]) {
        return r;
    }
    if state.ticket(req.id(0)).is_none() {
        return http::not_found();
    }
    Reply::ok(json!({"tags": ticket_tag_records(state, req.id(0))}))
}

/// `POST /api/v1/tickets/{id}/associateTag` `{"tags": [...]}`: applies the tags (creating those
/// the department does not have yet); answers the ticket's tags, `{"data": [...]}`.
fn associate_tag(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &[]) {
        return r;
    }
    let tags = match tag_body(req) {
        Ok(t) => t,
        Err(r) => return r,
    };
    let Some((department, changed)) = state.ticket(req.id(0)).map(|t| {
        (
            t["departmentId"].as_str().unwrap_or_default().to_owned(),
            t["modifiedTime"].as_str().unwrap_or_default().to_owned(),
        )
    }) else {
        return http::not_found();
    };
    // Tagging is no change of the ticket: its `modifiedTime` stays, and the write clock too.
    state.register_tags(&department, &tags, &changed);
    let list = state.tags.entry(req.id(0).to_owned()).or_default();
    for t in tags {
        if !list.iter().any(|x| x.eq_ignore_ascii_case(&t)) {
            list.push(t);
        }
    }
    Reply::ok(json!({"data": ticket_tag_records(state, req.id(0))}))
}

/// `POST /api/v1/tickets/{id}/dissociateTag` `{"tags": [...]}`: removes them (200, no body);
/// the tags stay in the department.
fn dissociate_tag(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &[]) {
        return r;
    }
    let tags = match tag_body(req) {
        Ok(t) => t,
        Err(r) => return r,
    };
    if state.ticket(req.id(0)).is_none() {
        return http::not_found();
    }
    if let Some(list) = state.tags.get_mut(req.id(0)) {
        list.retain(|x| !tags.iter().any(|t| t.eq_ignore_ascii_case(x)));
    }
    Reply::empty(200)
}

/// `GET /api/v1/ticketTags?departmentId=`: the department's tags with their `ticketCount`
/// (`departmentId` required; `limit` 1..=100, default 10; `sortBy` `createdTime` or `count`,
/// both descending; without one, by count).
fn department_tags(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &["departmentId", "limit", "from", "sortBy"]) {
        return r;
    }
    let Some(department) = req.param("departmentId").map(str::to_owned) else {
        return http::bad_param("departmentId");
    };
    if state.department(&department).is_none() {
        return http::bad_param("departmentId");
    }
    let (offset, limit) = match window(state, req, 10, 100) {
        Ok(w) => w,
        Err(r) => return r,
    };
    let (_, key) = match sort_key(req, &["createdTime", "count"], false, (true, "count")) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let mut tags: Vec<(usize, String, Value)> = state
        .department_tags
        .get(&department)
        .into_iter()
        .flatten()
        .map(|t| {
            let count = state.tag_count(&department, &t.name);
            let record = json!({"id": t.id, "name": t.name, "tagType": "MANUAL",
                                "ticketCount": count.to_string()});
            (count, t.created.clone(), record)
        })
        .collect();
    if key == "count" {
        tags.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then_with(|| a.2["name"].as_str().cmp(&b.2["name"].as_str()))
        });
    } else {
        tags.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then_with(|| a.2["name"].as_str().cmp(&b.2["name"].as_str()))
        });
    }
    page(tags.into_iter().map(|(_, _, r)| r).collect(), offset, limit)
}

/// `GET /api/v1/tags/search?departmentId=&searchVal=`: the department's tags whose name holds
/// `searchVal` (any case); `{"data": [{id, name, tagType}]}`, 204 when none.
fn search_tags(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &["searchVal", "departmentId", "limit", "from"]) {
        return r;
    }
    let Some(department) = req.param("departmentId").map(str::to_owned) else {
        return http::bad_param("departmentId");
    };
    if state.department(&department).is_none() {
        return http::bad_param("departmentId");
    }
    let (offset, limit) = match window(state, req, 10, 100) {
        Ok(w) => w,
        Err(r) => return r,
    };
    let term = req.param("searchVal").unwrap_or_default().to_lowercase();
    let list: Vec<Value> = state
        .department_tags
        .get(&department)
        .into_iter()
        .flatten()
        .filter(|t| t.name.to_lowercase().contains(&term))
        .map(|t| json!({"id": t.id, "name": t.name, "tagType": "MANUAL"}))
        .collect();
    page(list, offset, limit)
}

/// `GET /api/v1/tags/{tagId}/tickets`: the tickets of the tag's department carrying it (a tag
/// id is a department's); `sortBy` `createdTime`, `dueDate`, `recentThread`, `ticketNumber`
/// (`-` descending; default creation order), the filters of the documentation (`status`,
/// `priority`, `channel`, `assignee`). 404 for an id of no tag.
fn tickets_by_tag(state: &mut SimState, req: &Req) -> Reply {
    const ALLOWED: &[&str] = &[
        "include",
        "limit",
        "from",
        "sortBy",
        "assignee",
        "channel",
        "status",
        "receivedInDays",
        "priority",
    ];
    if let Err(r) = check_params(req, ALLOWED) {
        return r;
    }
    let (offset, limit) = match window(state, req, 10, 100) {
        Ok(w) => w,
        Err(r) => return r,
    };
    let include = req.param("include");
    let checks = check_values(
        req,
        "include",
        &[
            "contacts",
            "products",
            "departments",
            "team",
            "assignee",
            "isRead",
        ],
    )
    .and_then(|()| check_filters(state, req));
    if let Err(r) = checks {
        return r;
    }
    let (desc, key) = match sort_key(
        req,
        &["createdTime", "dueDate", "recentThread", "ticketNumber"],
        true,
        (false, "createdTime"),
    ) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let Some((department, name)) = state.department_tags.iter().find_map(|(d, list)| {
        list.iter()
            .find(|t| t.id == req.id(0))
            .map(|t| (d.clone(), t.name.clone()))
    }) else {
        return http::not_found();
    };
    let mut tickets: Vec<Value> = state
        .tickets
        .iter()
        .filter(|t| t["departmentId"] == department.as_str())
        .filter(|t| {
            state
                .tags
                .get(t["id"].as_str().unwrap_or_default())
                .is_some_and(|tags| tags.iter().any(|x| x.eq_ignore_ascii_case(&name)))
        })
        .filter(|t| matches_common(t, req))
        .filter(|t| {
            req.param("assignee").is_none_or(|a| match a {
                "Unassigned" => t["assigneeId"].is_null(),
                ids => comma_list(ids).iter().any(|id| t["assigneeId"] == *id),
            })
        })
        .cloned()
        .collect();
    let field = if key == "recentThread" {
        "modifiedTime"
    } else {
        key
    };
    sort_by_field(&mut tickets, field, desc);
    let tickets: Vec<Value> = tickets
        .iter()
        .map(|t| with_includes(state, &list_view(t, &[]), include))
        .collect();
    page(tickets, offset, limit)
}

// ---- attachments ----

/// `GET /api/v1/tickets/{id}/attachments`: the ticket's own files (attached with `POST
/// .../attachments` or referenced by `uploads` on creation; a comment's files are listed on the
/// comment only: assumed, Zoho does not say), `{id, name, size, href, isPublic, previewurl,
/// creatorId, createdTime}` (`TicketAttachment.json`), `creator` with `include=creator`. `href`
/// is on the API host and downloads with the same credentials and `orgId`.
fn list_attachments(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &["include", "limit", "isPublic", "from", "sortBy"]) {
        return r;
    }
    let (offset, limit) = match window(state, req, 25, 100) {
        Ok(w) => w,
        Err(r) => return r,
    };
    let (desc, key) = match sort_key(req, &["createdTime"], true, (false, "createdTime")) {
        Ok(k) => k,
        Err(r) => return r,
    };
    if let Err(r) = check_values(req, "isPublic", &["true", "false"]) {
        return r;
    }
    if state.ticket(req.id(0)).is_none() {
        return http::not_found();
    }
    let mut list: Vec<Value> = state
        .attachments
        .iter()
        .filter(|a| a["ticketId"] == req.id(0))
        .filter(|a| {
            req.param("isPublic").is_none_or(|p| {
                a["isPublic"].as_bool().map(|b| b.to_string()).as_deref() == Some(p)
            })
        })
        .cloned()
        .collect();
    sort_by_field(&mut list, key, desc);
    let creator = req.param("include").is_some_and(|i| i == "creator");
    for a in &mut list {
        if let Some(map) = a.as_object_mut() {
            map.remove("ticketId");
            if !creator {
                map.remove("creator");
            }
        }
    }
    page(list, offset, limit)
}

/// The ids of the uploads a write references in `field` (`attachmentIds` of a comment or a
/// reply, `uploads` of a new ticket): 422 `INVALID_DATA` naming `field` when it is not an array
/// of distinct ids of uploads not yet used. Checked before anything is written; [`take_uploads`]
/// uses them once the write is sure.
fn referenced_uploads(
    state: &SimState,
    body: &Map<String, Value>,
    field: &str,
) -> Result<Vec<String>, Reply> {
    let items = match body.get(field) {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(http::invalid_data(field, "invalid")),
    };
    let mut wanted = Vec::new();
    for item in items {
        let id = match item {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => return Err(http::invalid_data(field, "invalid")),
        };
        if !state.uploads.contains_key(&id) || wanted.contains(&id) {
            return Err(http::invalid_data(field, "invalid"));
        }
        wanted.push(id);
    }
    Ok(wanted)
}

/// Takes these uploads out of the pending ones (their records, in order).
fn take_uploads(state: &mut SimState, ids: &[String]) -> Vec<Value> {
    ids.iter()
        .filter_map(|id| state.uploads.remove(id))
        .collect()
}

/// The uploads as files of the comment or thread at `owner` (its path): `{id, name, size, href,
/// previewurl}`, the upload's id kept, `href` `{owner}/attachments/{id}/content`.
fn file_records(state: &mut SimState, uploads: &[String], owner: &str) -> Vec<Value> {
    take_uploads(state, uploads)
        .into_iter()
        .map(|u| {
            let file = u["id"].as_str().unwrap_or_default();
            json!({
                "id": u["id"], "name": u["name"], "size": u["size"], "previewurl": null,
                "href": state.href(&format!("{owner}/attachments/{file}/content")),
            })
        })
        .collect()
}

/// Makes an upload one of the ticket's own files (its id kept).
fn attach_upload(state: &mut SimState, ticket: &str, upload: Value, public: bool) -> Value {
    let file = upload["id"].as_str().unwrap_or_default().to_owned();
    let creator = state.agents.first().cloned().unwrap_or(Value::Null);
    let record = json!({
        "id": file, "ticketId": ticket, "name": upload["name"], "size": upload["size"],
        "isPublic": public, "previewurl": null, "createdTime": upload["createdTime"],
        "creatorId": upload["creatorId"],
        "creator": {"id": creator["id"], "name": creator["name"], "photoURL": null, "type": "AGENT"},
        "href": state.href(&format!("{API}/tickets/{ticket}/attachments/{file}/content")),
    });
    state.attachments.push(record.clone());
    record
}

// ---- files ----

/// Stores the request's one `file` part: its record as `POST /api/v1/uploads` answers it
/// (`Upload.json`'s example: `{id, name, size (a string), creatorId, createdTime, isPublic:
/// false, href, previewurl}`; `href` is `/api/v1/uploads/{id}/content`: the example's path ends
/// in `/contents`, its description says "API endpoint URL to access the uploaded file").
fn store_upload(state: &mut SimState, req: &Req) -> Result<Value, Reply> {
    let part = multipart::one_file(req)?;
    let id = state.new_id();
    // An upload is no write of a record: the write clock (the world's expected times) stays.
    let now = state.creation_time();
    let creator = state
        .agents
        .first()
        .map(|a| a["id"].clone())
        .unwrap_or(Value::Null);
    state.files.insert(
        id.clone(),
        StoredFile {
            content_type: part.content_type,
            bytes: part.bytes.clone(),
        },
    );
    Ok(json!({
        "id": id, "name": part.file_name, "size": part.bytes.len().to_string(),
        "creatorId": creator, "createdTime": now, "isPublic": false, "previewurl": null,
        "href": state.href(&format!("{API}/uploads/{id}/content")),
    }))
}

/// `POST /api/v1/uploads` (multipart, one part `file`): a temporary attachment, referenced
/// afterwards by id (`attachmentIds` of a new comment, `uploads` of a new ticket). No query
/// parameters.
fn upload_file(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &[]) {
        return r;
    }
    match store_upload(state, req) {
        Ok(record) => {
            let id = record["id"].as_str().unwrap_or_default().to_owned();
            state.uploads.insert(id, record.clone());
            Reply::ok(record)
        }
        Err(r) => r,
    }
}

/// `POST /api/v1/tickets/{id}/attachments?isPublic=` (multipart, one part `file`): attaches a
/// file to the ticket directly (`createTicketAttachment`); `isPublic` defaults to false.
fn attach_to_ticket(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &["isPublic"]) {
        return r;
    }
    if let Err(r) = check_values(req, "isPublic", &["true", "false"]) {
        return r;
    }
    if state.ticket(req.id(0)).is_none() {
        return http::not_found();
    }
    let public = req.param("isPublic") == Some("true");
    match store_upload(state, req) {
        Ok(upload) => {
            let mut record = attach_upload(state, req.id(0), upload, public);
            if let Some(map) = record.as_object_mut() {
                map.remove("ticketId");
                map.remove("creator");
            }
            Reply::ok(record)
        }
        Err(r) => r,
    }
}

/// A stored file's bytes, with the content type it was uploaded with.
fn file_content(state: &SimState, id: &str) -> Reply {
    match state.files.get(id) {
        Some(file) => Reply::file(file.content_type.clone(), file.bytes.clone()),
        None => http::not_found(),
    }
}

/// `GET /api/v1/tickets/{id}/attachments/{attachmentId}/content`: a ticket's own file (the
/// request's credentials and `orgId` checked as on every route).
fn ticket_file_content(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &[]) {
        return r;
    }
    let (ticket, file) = (req.id(0), req.id(1));
    if !state
        .attachments
        .iter()
        .any(|a| a["ticketId"] == ticket && a["id"] == file)
    {
        return http::not_found();
    }
    file_content(state, file)
}

/// `GET /api/v1/tickets/{id}/comments/{commentId}/attachments/{attachmentId}/content`: a
/// comment's file (the `href` of `TicketComment.json`'s example).
fn comment_file_content(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &[]) {
        return r;
    }
    let (ticket, comment, file) = (req.id(0), req.id(1), req.id(2));
    let listed = state.comments.iter().any(|c| {
        c["ticketId"] == ticket
            && c["id"] == comment
            && c["attachments"]
                .as_array()
                .is_some_and(|files| files.iter().any(|f| f["id"] == file))
    });
    if !listed {
        return http::not_found();
    }
    file_content(state, file)
}

/// `GET /api/v1/tickets/{id}/threads/{threadId}/attachments/{attachmentId}/content`: a reply's
/// file (assumed by analogy with the comments' `href`: the description has the thread
/// attachment's path, `deleteAttachment`, but no example `href`).
fn thread_file_content(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &[]) {
        return r;
    }
    let (ticket, thread, file) = (req.id(0), req.id(1), req.id(2));
    let listed = state.threads.iter().any(|t| {
        t["ticketId"] == ticket
            && t["id"] == thread
            && t["attachments"]
                .as_array()
                .is_some_and(|files| files.iter().any(|f| f["id"] == file))
    });
    if !listed {
        return http::not_found();
    }
    file_content(state, file)
}

/// `GET /api/v1/uploads/{id}/content`: an upload's bytes (the `href` its upload answered), while
/// it is still a pending upload.
fn upload_content(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &[]) {
        return r;
    }
    if !state.uploads.contains_key(req.id(0)) {
        return http::not_found();
    }
    file_content(state, req.id(0))
}

// ---- organization setup ----

/// `GET /api/v1/departments` (`limit` 1..=200, default 10).
fn list_departments(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(
        req,
        &["chatStatus", "searchStr", "isEnabled", "limit", "from"],
    ) {
        return r;
    }
    let (offset, limit) = match window(state, req, 10, 200) {
        Ok(w) => w,
        Err(r) => return r,
    };
    if let Err(r) = check_values(req, "isEnabled", &["true", "false"]) {
        return r;
    }
    let list: Vec<Value> = state
        .departments
        .iter()
        .filter(|d| {
            req.param("isEnabled").is_none_or(|e| {
                d["isEnabled"].as_bool().map(|b| b.to_string()).as_deref() == Some(e)
            })
        })
        .cloned()
        .collect();
    page(list, offset, limit)
}

/// `GET /api/v1/organizationFields?module=tickets`: the ticket layout's fields; `status` lists
/// its values with their status types, `priority` and `channel` theirs. (Documented outside the
/// description; the shape of `allowedValues` is assumed.)
fn organization_fields(_state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &["module", "apiNames"]) {
        return r;
    }
    if req.param("module") != Some("tickets") {
        return http::bad_param("module");
    }
    let values = |list: &[&str]| list.iter().map(|v| json!({"value": v})).collect::<Vec<_>>();
    Reply::ok(json!({"data": [
        {"apiName": "status", "displayLabel": "Status", "type": "Picklist", "isCustomField": false,
         "allowedValues": STATUSES.iter().map(|(v, t)| json!({"value": v, "statusType": t})).collect::<Vec<_>>()},
        {"apiName": "priority", "displayLabel": "Priority", "type": "Picklist", "isCustomField": false,
         "allowedValues": values(PRIORITIES)},
        {"apiName": "channel", "displayLabel": "Channel", "type": "Picklist", "isCustomField": false,
         "allowedValues": values(CHANNELS)},
    ]}))
}

/// `GET /api/v1/agents` (`limit` 1..=200, default 10; `status` ACTIVE or DISABLED;
/// `departmentIds` comma-separated).
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
    let (offset, limit) = match window(state, req, 10, 200) {
        Ok(w) => w,
        Err(r) => return r,
    };
    let checks = check_values(req, "status", &["ACTIVE", "DISABLED"])
        .and_then(|()| check_values(req, "include", &["profile", "role"]))
        .and_then(|()| check_values(req, "isConfirmed", &["true", "false"]));
    if let Err(r) = checks {
        return r;
    }
    let list: Vec<Value> = state
        .agents
        .iter()
        .filter(|a| req.param("status").is_none_or(|s| a["status"] == s))
        .filter(|a| {
            req.param("departmentIds").is_none_or(|ids| {
                comma_list(ids).iter().any(|d| {
                    a["associatedDepartmentIds"]
                        .as_array()
                        .is_some_and(|l| l.iter().any(|x| x == d))
                })
            })
        })
        .cloned()
        .collect();
    page(list, offset, limit)
}

/// `GET /api/v1/agents/{id}`.
fn show_agent(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &["include"]) {
        return r;
    }
    if let Err(r) = check_values(req, "include", &["profile", "role"]) {
        return r;
    }
    match state.agent(req.id(0)) {
        Some(a) => Reply::ok(a.clone()),
        None => http::not_found(),
    }
}

/// `GET /api/v1/departments/{id}`.
fn show_department(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &[]) {
        return r;
    }
    match state.department(req.id(0)) {
        Some(d) => Reply::ok(d.clone()),
        None => http::not_found(),
    }
}

/// `GET /api/v1/contacts/{id}` (a ticket's requester).
fn show_contact(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &["include"]) {
        return r;
    }
    match state.contacts.get(req.id(0)) {
        Some(c) => Reply::ok(c.clone()),
        None => http::not_found(),
    }
}

// ---- knowledge and SLAs ----

/// `GET /api/v1/articles`: `from` counts from 1 (the description's minimum), `limit` 1..=50
/// (default 10); `status` (comma-separated: Draft, Published, Review, Expired, Unpublished),
/// `categoryId`, `authorId`, `permission`; `sortBy` `createdTime`, `modifiedTime`, ... (`-`
/// descending; default creation order). Items without `answer` (read one article for it).
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
    let (offset, limit) = match window_from(state, req, 1, 10, 50) {
        Ok(w) => w,
        Err(r) => return r,
    };
    let checks = check_values(
        req,
        "status",
        &["Draft", "Published", "Review", "Expired", "Unpublished"],
    )
    .and_then(|()| check_values(req, "permission", &["ALL", "REGISTEREDUSERS", "AGENTS"]));
    if let Err(r) = checks {
        return r;
    }
    let (desc, key) = match sort_key(
        req,
        &[
            "createdTime",
            "modifiedTime",
            "likeCount",
            "viewCount",
            "feedbackCount",
            "dislikeCount",
            "position",
        ],
        true,
        (false, "createdTime"),
    ) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let mut list: Vec<Value> = state
        .articles
        .iter()
        .filter(|a| {
            req.param("status").is_none_or(|s| {
                a["status"]
                    .as_str()
                    .is_some_and(|x| comma_list(s).contains(&x))
            })
        })
        .filter(|a| req.param("categoryId").is_none_or(|c| a["categoryId"] == c))
        .filter(|a| req.param("authorId").is_none_or(|c| a["authorId"] == c))
        .map(|a| {
            let mut a = a.clone();
            if let Some(m) = a.as_object_mut() {
                m.remove("answer");
            }
            a
        })
        .collect();
    sort_by_field(&mut list, key, desc);
    page(list, offset, limit)
}

/// `GET /api/v1/articles/{id}` (drafts too), with `answer`, the body in HTML.
fn show_article(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &["version"]) {
        return r;
    }
    match state.articles.iter().find(|a| a["id"] == req.id(0)) {
        Some(a) => Reply::ok(a.clone()),
        None => http::not_found(),
    }
}

/// `GET /api/v1/accounts/{id}/sla`: the SLAs bound to an account (`{data: [{id, slaName,
/// department, isActive}]}`; no targets).
fn account_slas(state: &mut SimState, req: &Req) -> Reply {
    if let Err(r) = check_params(req, &["departmentId", "limit", "from", "status"]) {
        return r;
    }
    let (offset, limit) = match window(state, req, 10, 100) {
        Ok(w) => w,
        Err(r) => return r,
    };
    if let Err(r) = check_values(req, "status", &["ACTIVE", "INACTIVE"]) {
        return r;
    }
    if req.id(0) != state.account_slas.0 {
        return http::not_found();
    }
    let list: Vec<Value> = state
        .account_slas
        .1
        .iter()
        .filter(|s| {
            req.param("departmentId")
                .is_none_or(|d| s["department"]["id"] == d)
        })
        .filter(|s| {
            req.param("status")
                .is_none_or(|st| s["isActive"] == (st == "ACTIVE"))
        })
        .cloned()
        .collect();
    page(list, offset, limit)
}
