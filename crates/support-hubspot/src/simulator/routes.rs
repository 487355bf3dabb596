//! HubSpot's endpoints, in matching order: method, path (`{}` for an id), the query parameters
//! (`Params`) and body (`BodyRule`) each accepts, and its handler.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use support_conformance::sim::{BodyRule, Params, Route};

use super::files;
use super::http::{self, Reply, Req, invalid, not_found};
use super::store::{
    CUSTOM_PROPERTIES, CrmObject, PIPELINE, READ_ONLY, SEARCH_CAP, STAGES, SimState,
    TICKET_PROPERTIES, hs_time,
};

/// The tickets collection.
pub const TICKETS: &str = "/crm/v3/objects/tickets";
/// Ticket search.
pub const SEARCH: &str = "/crm/v3/objects/tickets/search";
/// Contacts: created by e-mail address when a ticket's requester is new.
pub const CONTACTS: &str = "/crm/v3/objects/contacts";
/// The contact search (a requester looked up by e-mail address).
pub const CONTACT_SEARCH: &str = "/crm/v3/objects/contacts/search";
/// Owners.
pub const OWNERS: &str = "/crm/v3/owners";
/// Ticket pipelines.
pub const PIPELINES: &str = "/crm/v3/pipelines/tickets";
/// Ticket property definitions.
pub const PROPERTIES: &str = "/crm/v3/properties/tickets";
/// Notes.
pub const NOTES: &str = "/crm/v3/objects/notes";
/// Feedback submissions.
pub const FEEDBACK: &str = "/crm/v3/objects/feedback_submissions";
/// Site search.
pub const SITE_SEARCH: &str = "/cms/site-search/v3/search";

/// Object tags of tickets (beta).
pub const TAGS: &str = "/crm/object-tags/2026-09-beta/0-5";

/// The largest `limit` of a CRM list (tickets, notes, feedback, owners).
pub const LIST_MAX: usize = 100;
/// The largest `limit` of a search page.
pub const SEARCH_MAX: usize = 200;
/// Filter groups a search takes (HubSpot changelog, August 2024).
pub const MAX_GROUPS: usize = 5;
/// Filters one group takes.
pub const MAX_GROUP_FILTERS: usize = 10;
/// Filters one search takes in all.
pub const MAX_FILTERS: usize = 25;
/// The association type id of note -> ticket.
pub const NOTE_TO_TICKET: u64 = 228;
/// The association type id of ticket -> contact.
pub const TICKET_TO_CONTACT: u64 = 16;

const LIST: Params = Params::new(
    &[
        "limit",
        "after",
        "archived",
        "properties",
        "propertiesWithHistory",
        "associations",
    ],
    &[],
    &[],
);
const ONE: Params = Params::new(
    &[
        "archived",
        "properties",
        "propertiesWithHistory",
        "associations",
        "idProperty",
    ],
    &[],
    &[],
);

/// Every endpoint the simulator serves.
pub static ROUTES: &[Route<SimState>] = &[
    Route::new(
        "POST",
        SEARCH,
        Params::NONE,
        BodyRule::JsonObject,
        ticket_search,
    ),
    Route::new("GET", TICKETS, LIST, BodyRule::Any, ticket_list),
    Route::new(
        "POST",
        CONTACT_SEARCH,
        Params::NONE,
        BodyRule::JsonObject,
        contact_search,
    ),
    Route::new(
        "POST",
        CONTACTS,
        Params::NONE,
        BodyRule::JsonObjectWith("properties"),
        contact_create,
    ),
    Route::new(
        "GET",
        "/crm/v3/objects/contacts/{}",
        ONE,
        BodyRule::Any,
        contact_get,
    ),
    Route::new(
        "GET",
        "/crm/v3/objects/tickets/{}",
        ONE,
        BodyRule::Any,
        ticket_get,
    ),
    Route::new(
        "POST",
        TICKETS,
        Params::NONE,
        BodyRule::JsonObjectWith("properties"),
        ticket_create,
    ),
    Route::new(
        "PATCH",
        "/crm/v3/objects/tickets/{}",
        Params::allowed(&["idProperty"]),
        BodyRule::JsonObjectWith("properties"),
        ticket_update,
    ),
    Route::new("GET", PIPELINES, Params::NONE, BodyRule::Any, pipelines),
    Route::new(
        "GET",
        PROPERTIES,
        Params::allowed(&["archived", "properties", "dataSensitivity", "locale"]),
        BodyRule::Any,
        property_list,
    ),
    Route::new(
        "POST",
        "/crm/v3/objects/tickets/batch/read",
        Params::allowed(&["archived"]),
        BodyRule::JsonObject,
        tickets_batch_read,
    ),
    Route::new(
        "GET",
        OWNERS,
        Params::allowed(&["email", "limit", "after", "archived"]),
        BodyRule::Any,
        owners,
    ),
    Route::new(
        "POST",
        NOTES,
        Params::NONE,
        BodyRule::JsonObjectWith("properties"),
        note_create,
    ),
    Route::new(
        "GET",
        "/crm/v4/objects/tickets/{}/associations/notes",
        Params::allowed(&["limit", "after"]),
        BodyRule::Any,
        ticket_notes,
    ),
    Route::new(
        "GET",
        "/crm/v4/objects/ticket/{}/associations/note",
        Params::allowed(&["limit", "after"]),
        BodyRule::Any,
        ticket_notes,
    ),
    Route::new(
        "POST",
        "/crm/v3/objects/notes/batch/read",
        Params::allowed(&["archived"]),
        BodyRule::JsonObject,
        notes_batch_read,
    ),
    Route::new("GET", FEEDBACK, LIST, BodyRule::Any, feedback_list),
    Route::new(
        "GET",
        SITE_SEARCH,
        Params::new(
            &[
                "q",
                "type",
                "limit",
                "offset",
                "domain",
                "pathPrefix",
                "language",
                "property",
                "length",
                "matchPrefix",
                "autocomplete",
                "popularityBoost",
                "boostLimit",
                "boostRecent",
                "tableId",
                "hubdbQuery",
                "groupId",
                "analytics",
            ],
            &[],
            &[],
        ),
        BodyRule::Any,
        site_search,
    ),
    Route::new(
        "GET",
        "/cms/v3/site-search/indexed-data/{}",
        Params::allowed(&["type"]),
        BodyRule::Any,
        indexed_data,
    ),
    Route::new("GET", TAGS, Params::NONE, BodyRule::Any, tags_list),
    Route::new("POST", TAGS, Params::NONE, BodyRule::JsonObject, tag_create),
    Route::new("POST", TOKEN_PATH, Params::NONE, BodyRule::Any, oauth_token),
    Route::new(
        "GET",
        THREADS,
        Params::allowed(&[
            "associatedTicketId",
            "associatedContactId",
            "association",
            "threadStatus",
            "inboxId",
            "limit",
            "after",
            "sort",
            "archived",
        ]),
        BodyRule::Any,
        threads,
    ),
    Route::new(
        "GET",
        "/conversations/v3/conversations/threads/{}/messages",
        Params::allowed(&["limit", "after", "sort", "archived", "property"]),
        BodyRule::Any,
        messages,
    ),
    Route::new(
        "POST",
        "/conversations/v3/conversations/threads/{}/messages",
        Params::NONE,
        BodyRule::JsonObject,
        message_create,
    ),
    Route::new(
        "GET",
        "/files/v3/files/{}/signed-url",
        Params::allowed(&["expirationSeconds", "size", "upscale"]),
        BodyRule::Any,
        files::file_signed_url,
    ),
    Route::new(
        "GET",
        "/files/v3/files/{}",
        Params::allowed(&["properties"]),
        BodyRule::Any,
        files::file_get,
    ),
    Route::new(
        "POST",
        files::FILES,
        Params::NONE,
        BodyRule::Any,
        files::file_upload,
    ),
];

/// Inbox threads.
pub const THREADS: &str = "/conversations/v3/conversations/threads";

/// HubSpot's OAuth token endpoint (v1).
pub const TOKEN_PATH: &str = "/oauth/v1/token";

fn daily(state: &SimState) -> Option<Reply> {
    state.daily_limit_spent.then(http::daily_limit)
}

/// `limit` between 1 and `max` (default `default`), else HubSpot's 400.
fn limit(req: &Req, default: usize, max: usize) -> Result<usize, Reply> {
    match req.param("limit") {
        None => Ok(default),
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(invalid(format!(
                "limit must be between 1 and {max}, got {v:?}"
            ))),
        },
    }
}

/// `after` as an offset (the simulator's cursors are offsets; opaque to clients).
fn after(value: Option<&str>) -> Result<usize, Reply> {
    match value {
        None => Ok(0),
        Some(v) => v
            .parse::<usize>()
            .map_err(|_| invalid(format!("after must be a valid paging cursor, got {v:?}"))),
    }
}

/// Properties asked for with `properties=a,b` (repeated or comma-separated); unknown names are
/// ignored by HubSpot's reads (they come back absent).
fn asked(req: &Req, known: &[&str]) -> Vec<String> {
    req.params_named("properties")
        .iter()
        .flat_map(|p| p.split(','))
        .map(str::trim)
        .filter(|p| !p.is_empty() && known.contains(p))
        .map(str::to_owned)
        .collect()
}

/// A page of CRM objects with HubSpot's `paging.next`.
fn page(base: &str, objects: Vec<Value>, start: usize, limit: usize) -> Value {
    let total = objects.len();
    let results: Vec<Value> = objects.into_iter().skip(start).take(limit).collect();
    let mut body = json!({ "results": results });
    if start + limit < total {
        let next = (start + limit).to_string();
        body["paging"] = json!({"next": {"after": next, "link": format!("{base}?after={next}")}});
    }
    body
}

/// `archived=true` lists archived objects only (the account has none).
fn archived(req: &Req) -> bool {
    req.param("archived")
        .is_some_and(|a| a.eq_ignore_ascii_case("true"))
}

fn ticket_list(state: &mut SimState, req: &Req) -> Reply {
    if let Some(r) = daily(state) {
        return r;
    }
    let (limit, start) = match (limit(req, 10, LIST_MAX), after(req.param("after"))) {
        (Ok(l), Ok(a)) => (l, a),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let props = asked(req, TICKET_PROPERTIES);
    let all: Vec<Value> = if archived(req) {
        Vec::new()
    } else {
        state
            .tickets
            .values()
            .map(|t| {
                let mut body = t.render(&props);
                with_contacts(state, req, &t.id, &mut body);
                body
            })
            .collect()
    };
    Reply::ok(page(TICKETS, all, start, limit))
}

fn ticket_get(state: &mut SimState, req: &Req) -> Reply {
    if let Some(r) = daily(state) {
        return r;
    }
    let props = asked(req, TICKET_PROPERTIES);
    let Some(t) = state.ticket(req.id(0)) else {
        return not_found();
    };
    let mut body = t.render(&props);
    with_contacts(state, req, &t.id, &mut body);
    Reply::ok(body)
}

/// Adds the ticket's contact association to `body` when the request's `associations` names
/// contacts, as HubSpot's ticket reads and listings do.
fn with_contacts(state: &SimState, req: &Req, id: &str, body: &mut Value) {
    let wants_contacts = req
        .params_named("associations")
        .iter()
        .flat_map(|a| a.split(','))
        .any(|a| a.trim() == "contacts" || a.trim() == "contact");
    if wants_contacts && let Some(contact) = state.requesters.get(id) {
        body["associations"] = json!({"contacts": {"results": [
            {"id": contact, "type": "ticket_to_contact"},
        ]}});
    }
}

/// Checks a `properties` object of a ticket write: known, writable, string values, a stage of
/// the ticket's pipeline, a known priority and owner.
fn ticket_properties(state: &SimState, body: &Value) -> Result<BTreeMap<String, String>, Reply> {
    let Some(props) = body.get("properties").and_then(Value::as_object) else {
        return Err(invalid("properties must be an object"));
    };
    let mut out = BTreeMap::new();
    for (name, value) in props {
        if !TICKET_PROPERTIES.contains(&name.as_str()) {
            return Err(http::error_with(
                400,
                "VALIDATION_ERROR",
                "PROPERTY_DOESNT_EXIST",
                format!("Property \"{name}\" does not exist"),
                json!({"propertyName": [name]}),
            ));
        }
        if READ_ONLY.contains(&name.as_str()) {
            return Err(http::error_with(
                400,
                "VALIDATION_ERROR",
                "READ_ONLY_VALUE",
                format!("{name} is a read only property; its value cannot be set."),
                json!({"propertyName": [name]}),
            ));
        }
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => String::new(),
            _ => return Err(invalid(format!("{name} must be a string"))),
        };
        if let Some(def) = CUSTOM_PROPERTIES.iter().find(|d| d.0 == name)
            && !text.is_empty()
        {
            let values: Vec<&str> = if def.3 == "checkbox" {
                text.split(';').collect()
            } else {
                vec![text.as_str()]
            };
            let valid = match def.2 {
                "number" => text.parse::<f64>().is_ok(),
                "bool" => text == "true" || text == "false",
                "enumeration" => values.iter().all(|v| def.4.contains(v)),
                "date" => chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d").is_ok(),
                _ => true,
            };
            if !valid {
                return Err(http::error_with(
                    400,
                    "VALIDATION_ERROR",
                    "INVALID_OPTION",
                    format!("Property values were not valid: {text} is not a valid {name}"),
                    json!({"propertyName": [name]}),
                ));
            }
        }
        out.insert(name.clone(), text);
    }
    if let Some(stage) = out.get("hs_pipeline_stage")
        && SimState::stage(stage).is_none()
    {
        return Err(invalid(format!(
            "Property values were not valid: {stage} is not a valid pipeline stage"
        )));
    }
    if let Some(pipeline) = out.get("hs_pipeline")
        && pipeline != PIPELINE
    {
        return Err(invalid(format!("{pipeline} is not a valid pipeline")));
    }
    if let Some(p) = out.get("hs_ticket_priority")
        && !p.is_empty()
        && !["LOW", "MEDIUM", "HIGH", "URGENT"].contains(&p.as_str())
    {
        return Err(invalid(format!("{p} was not one of the allowed options")));
    }
    if let Some(owner) = out.get("hubspot_owner_id")
        && !owner.is_empty()
        && !state.owner_exists(owner)
    {
        return Err(invalid(format!("{owner} is not a valid owner id")));
    }
    Ok(out)
}

fn ticket_create(state: &mut SimState, req: &Req) -> Reply {
    if let Some(r) = daily(state) {
        return r;
    }
    let body = req.json().unwrap_or_default();
    if let Some(extra) = body.as_object().and_then(|o| {
        o.keys()
            .find(|k| !["properties", "associations", "objectWriteTraceId"].contains(&k.as_str()))
    }) {
        return invalid(format!("Unrecognized field \"{extra}\""));
    }
    let mut props = match ticket_properties(state, &body) {
        Ok(p) => p,
        Err(e) => return e,
    };
    if props.get("subject").is_none_or(String::is_empty)
        || props.get("hs_pipeline_stage").is_none_or(String::is_empty)
    {
        return http::error_with(
            400,
            "VALIDATION_ERROR",
            "REQUIRED_PROPERTY",
            "subject and hs_pipeline_stage are required",
            json!({"properties": ["subject", "hs_pipeline_stage"]}),
        );
    }
    props
        .entry("hs_pipeline".into())
        .or_insert_with(|| PIPELINE.into());
    props.retain(|_, v| !v.is_empty());
    // The requester: a contact associated in the same request (type 16, ticket to contact).
    let mut requester = None;
    for association in body
        .get("associations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let to = association
            .get("to")
            .and_then(|t| t.get("id"))
            .and_then(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .or_else(|| v.as_u64().map(|n| n.to_string()))
            });
        let contact_type = association
            .get("types")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .any(|t| t.get("associationTypeId").and_then(Value::as_u64) == Some(TICKET_TO_CONTACT));
        match to {
            Some(to) if contact_type => requester = Some(to),
            _ => {
                return invalid(
                    "associations must name an object and a type (16: ticket to contact)",
                );
            }
        }
    }
    let at = state.clock.tick();
    let id = state.add_ticket(props, at);
    if let Some(contact) = requester {
        state.requesters.insert(id.clone(), contact);
    }
    let all: Vec<String> = TICKET_PROPERTIES.iter().map(|s| (*s).to_owned()).collect();
    let Some(t) = state.ticket(&id) else {
        return not_found();
    };
    Reply::created(t.render(&all))
}

/// `POST /crm/v3/objects/contacts/search`: only the `email` EQ filter the adapter sends.
fn contact_search(state: &mut SimState, req: &Req) -> Reply {
    if let Some(r) = daily(state) {
        return r;
    }
    let body = req.json().unwrap_or_default();
    let filters: Vec<&Value> = body
        .get("filterGroups")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|g| g.get("filters").and_then(Value::as_array))
        .flatten()
        .collect();
    let email = match filters.as_slice() {
        [f] if f.get("propertyName").and_then(Value::as_str) == Some("email")
            && f.get("operator").and_then(Value::as_str) == Some("EQ") =>
        {
            f.get("value").and_then(Value::as_str).unwrap_or_default()
        }
        _ => return invalid("the simulator's contact search takes one filter: email EQ"),
    };
    let results: Vec<Value> = state
        .contact_by_email(email)
        .map(|id| json!({"id": id, "properties": {"email": email, "hs_object_id": id}, "archived": false}))
        .into_iter()
        .collect();
    Reply::ok(json!({"total": results.len(), "results": results}))
}

/// `GET /crm/v3/objects/contacts/{id}`: a world customer or a created contact, with the
/// properties asked for (`email`, `firstname`, `lastname`) plus `hs_object_id`, `createdate` and
/// `lastmodifieddate`; an unknown id is HubSpot's 404.
fn contact_get(state: &mut SimState, req: &Req) -> Reply {
    if let Some(r) = daily(state) {
        return r;
    }
    let id = req.id(0);
    let known: Option<BTreeMap<String, String>> = state
        .world
        .customers
        .iter()
        .find(|c| c.id == id)
        .map(|c| {
            let (first, last) = c.name.split_once(' ').unwrap_or((c.name.as_str(), ""));
            [
                ("email", c.email.clone()),
                ("firstname", first.to_owned()),
                ("lastname", last.to_owned()),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect()
        })
        .or_else(|| {
            state
                .new_contacts
                .iter()
                .find(|c| c.0 == id)
                .map(|c| c.2.clone())
        });
    let Some(props) = known else {
        return not_found();
    };
    let asked = asked(req, &["email", "firstname", "lastname"]);
    let mut properties = Map::new();
    properties.insert("hs_object_id".into(), json!(id));
    properties.insert("createdate".into(), json!("2025-01-01T00:00:00.000Z"));
    properties.insert("lastmodifieddate".into(), json!("2025-01-01T00:00:00.000Z"));
    for name in asked {
        properties.insert(name.clone(), json!(props.get(&name)));
    }
    Reply::ok(json!({
        "id": id,
        "properties": properties,
        "createdAt": "2025-01-01T00:00:00.000Z",
        "updatedAt": "2025-01-01T00:00:00.000Z",
        "archived": false,
    }))
}

/// `POST /crm/v3/objects/contacts`: a contact with a unique `email`; a taken address is HubSpot's
/// 409.
fn contact_create(state: &mut SimState, req: &Req) -> Reply {
    if let Some(r) = daily(state) {
        return r;
    }
    let body = req.json().unwrap_or_default();
    let Some(properties) = body.get("properties").and_then(Value::as_object) else {
        return invalid("properties must be an object");
    };
    let mut props = BTreeMap::new();
    for (name, value) in properties {
        let Some(value) = value.as_str() else {
            return invalid(format!("property {name} must be a string"));
        };
        props.insert(name.clone(), value.to_owned());
    }
    let email = props.get("email").cloned().unwrap_or_default();
    if state.contact_by_email(&email).is_some() {
        return http::error_with(
            409,
            "CONFLICT",
            "CONFLICT",
            "Contact already exists",
            json!({}),
        );
    }
    let id = (7_000_000_001u64 + state.new_contacts.len() as u64).to_string();
    state.new_contacts.push((id.clone(), email, props.clone()));
    props.insert("hs_object_id".into(), id.clone());
    Reply::created(json!({"id": id, "properties": props, "archived": false}))
}

fn ticket_update(state: &mut SimState, req: &Req) -> Reply {
    if let Some(r) = daily(state) {
        return r;
    }
    let body = req.json().unwrap_or_default();
    if let Some(extra) = body.as_object().and_then(|o| {
        o.keys()
            .find(|k| !["properties", "objectWriteTraceId"].contains(&k.as_str()))
    }) {
        return invalid(format!("Unrecognized field \"{extra}\""));
    }
    let props = match ticket_properties(state, &body) {
        Ok(p) => p,
        Err(e) => return e,
    };
    if state.ticket(req.id(0)).is_none() {
        return not_found();
    }
    let at = state.clock.tick();
    let Some(t) = state.ticket_mut(req.id(0)) else {
        return not_found();
    };
    for (name, value) in props {
        if value.is_empty() {
            t.properties.remove(&name);
        } else {
            t.properties.insert(name, value);
        }
    }
    let closed = t
        .properties
        .get("hs_pipeline_stage")
        .and_then(|s| SimState::stage(s))
        .is_some_and(|s| s.3 == Some("CLOSED"));
    if closed {
        t.properties
            .entry("closed_date".into())
            .or_insert_with(|| hs_time(&at));
    } else {
        t.properties.remove("closed_date");
    }
    t.updated = at;
    let all: Vec<String> = TICKET_PROPERTIES.iter().map(|s| (*s).to_owned()).collect();
    Reply::ok(t.render(&all))
}

/// A time value of a search filter: epoch milliseconds or ISO 8601.
fn filter_time(value: &str) -> Option<DateTime<Utc>> {
    if let Ok(ms) = value.parse::<i64>() {
        return DateTime::from_timestamp_millis(ms);
    }
    DateTime::parse_from_rfc3339(value)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The value of `name` on `t` for searching.
fn search_value(t: &CrmObject, name: &str) -> Option<String> {
    match name {
        "hs_object_id" => Some(t.id.clone()),
        "createdate" => Some(hs_time(&t.created)),
        "hs_lastmodifieddate" => Some(hs_time(&t.updated)),
        _ => t.properties.get(name).cloned(),
    }
}

fn compare(name: &str, have: &str, want: &str) -> Option<std::cmp::Ordering> {
    if ["createdate", "hs_lastmodifieddate", "closed_date"].contains(&name) {
        return Some(filter_time(have)?.cmp(&filter_time(want)?));
    }
    if let (Ok(a), Ok(b)) = (have.parse::<u128>(), want.parse::<u128>()) {
        return Some(a.cmp(&b));
    }
    Some(have.cmp(want))
}

/// Whether `t` passes one filter; `Err` for a filter HubSpot refuses.
fn passes(t: &CrmObject, filter: &Value) -> Result<bool, Reply> {
    let name = filter
        .get("propertyName")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let op = filter
        .get("operator")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !TICKET_PROPERTIES.contains(&name) {
        return Err(invalid(format!(
            "There was a problem with the request: unknown property {name:?}"
        )));
    }
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let value = filter.get("value").and_then(text);
    let have = search_value(t, name);
    use std::cmp::Ordering::{Equal, Greater, Less};
    let cmp = |want: &Option<String>| -> Result<Option<std::cmp::Ordering>, Reply> {
        let want = want
            .as_ref()
            .ok_or_else(|| invalid(format!("operator {op} needs a value")))?;
        Ok(have.as_deref().and_then(|h| compare(name, h, want)))
    };
    Ok(match op {
        "EQ" => cmp(&value)? == Some(Equal),
        "NEQ" => cmp(&value)? != Some(Equal),
        "LT" => cmp(&value)? == Some(Less),
        "LTE" => matches!(cmp(&value)?, Some(Less | Equal)),
        "GT" => cmp(&value)? == Some(Greater),
        "GTE" => matches!(cmp(&value)?, Some(Greater | Equal)),
        "BETWEEN" => {
            let high = filter.get("highValue").and_then(text);
            matches!(cmp(&value)?, Some(Greater | Equal))
                && matches!(cmp(&high)?, Some(Less | Equal))
        }
        "IN" | "NOT_IN" => {
            let values: Vec<String> = filter
                .get("values")
                .and_then(Value::as_array)
                .ok_or_else(|| invalid(format!("operator {op} needs values")))?
                .iter()
                .filter_map(text)
                .collect();
            let inside = have
                .as_ref()
                .is_some_and(|h| values.iter().any(|v| v.eq_ignore_ascii_case(h)));
            inside == (op == "IN")
        }
        "HAS_PROPERTY" => have.is_some(),
        "NOT_HAS_PROPERTY" => have.is_none(),
        _ => return Err(invalid(format!("Unknown operator {op:?}"))),
    })
}

fn ticket_search(state: &mut SimState, req: &Req) -> Reply {
    if let Some(r) = daily(state) {
        return r;
    }
    state.searches += 1;
    if state.search_throttled > 0 {
        state.search_throttled -= 1;
        return http::search_secondly_limit();
    }
    let body = req.json().unwrap_or_default();
    let Some(obj) = body.as_object() else {
        return invalid("body must be an object");
    };
    let allowed = [
        "filterGroups",
        "sorts",
        "query",
        "properties",
        "limit",
        "after",
    ];
    if let Some(extra) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        return invalid(format!("Unrecognized field \"{extra}\""));
    }
    let limit = match obj.get("limit") {
        None => 10,
        Some(v) => match v.as_u64().and_then(|n| usize::try_from(n).ok()) {
            Some(n) if (1..=SEARCH_MAX).contains(&n) => n,
            _ => return invalid(format!("limit must be between 1 and {SEARCH_MAX}")),
        },
    };
    let start = match obj.get("after") {
        None | Some(Value::Null) => 0,
        Some(Value::String(s)) => match after(Some(s)) {
            Ok(a) => a,
            Err(e) => return e,
        },
        Some(Value::Number(n)) => n
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(usize::MAX),
        Some(_) => return invalid("after must be a string"),
    };
    if start.saturating_add(limit) > SEARCH_CAP {
        return invalid(format!(
            "There was a problem with the request. The maximum number of results a search returns is {SEARCH_CAP}"
        ));
    }
    let groups: Vec<Value> = obj
        .get("filterGroups")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let sizes: Vec<usize> = groups
        .iter()
        .map(|g| {
            g.get("filters")
                .and_then(Value::as_array)
                .map_or(0, Vec::len)
        })
        .collect();
    if groups.len() > MAX_GROUPS
        || sizes.iter().any(|n| *n > MAX_GROUP_FILTERS)
        || sizes.iter().sum::<usize>() > MAX_FILTERS
    {
        return invalid(format!(
            "Too many filters: at most {MAX_GROUPS} filterGroups, {MAX_GROUP_FILTERS} filters in a group and {MAX_FILTERS} in all"
        ));
    }
    if obj
        .get("query")
        .and_then(Value::as_str)
        .is_some_and(|q| q.chars().count() > 3_000)
    {
        return invalid("query is longer than 3000 characters");
    }
    let mut hits = Vec::new();
    for t in state.tickets.values() {
        let mut any = groups.is_empty();
        for group in &groups {
            let filters = group
                .get("filters")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let mut all = true;
            for f in &filters {
                match passes(t, f) {
                    Ok(p) => all &= p,
                    Err(e) => return e,
                }
            }
            any |= all;
        }
        if any {
            hits.push(t.clone());
        }
    }
    let sorts: Vec<Value> = obj
        .get("sorts")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if sorts.len() > 1 {
        return invalid("Only one sort is supported");
    }
    if let Some(sort) = sorts.first() {
        let (name, descending) = match sort {
            Value::String(s) => (s.trim_start_matches('-').to_owned(), s.starts_with('-')),
            Value::Object(o) => (
                o.get("propertyName")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                o.get("direction").and_then(Value::as_str) == Some("DESCENDING"),
            ),
            _ => return invalid("sorts must be strings or objects"),
        };
        hits.sort_by(|a, b| {
            let (x, y) = (search_value(a, &name), search_value(b, &name));
            match (x, y) {
                (Some(x), Some(y)) => compare(&name, &x, &y).unwrap_or(std::cmp::Ordering::Equal),
                (x, y) => x.is_some().cmp(&y.is_some()),
            }
        });
        if descending {
            hits.reverse();
        }
    }
    let props: Vec<String> = obj
        .get("properties")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .filter(|p| TICKET_PROPERTIES.contains(p))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let total = hits.len();
    let results: Vec<Value> = hits
        .iter()
        .skip(start)
        .take(limit)
        .map(|t| t.render(&props))
        .collect();
    let mut out = json!({"total": total, "results": results});
    if start + limit < total {
        out["paging"] = json!({"next": {"after": (start + limit).to_string()}});
    }
    Reply::ok(out)
}

fn pipelines(state: &mut SimState, _req: &Req) -> Reply {
    if let Some(r) = daily(state) {
        return r;
    }
    let stages: Vec<Value> = STAGES
        .iter()
        .map(|(id, label, order, ticket_state)| {
            let mut metadata = Map::new();
            if let Some(s) = ticket_state {
                metadata.insert("ticketState".into(), json!(s));
            }
            json!({
                "id": id, "label": label, "displayOrder": order, "metadata": metadata,
                "archived": false, "createdAt": "1970-01-01T00:00:00Z", "updatedAt": "1970-01-01T00:00:00Z",
                "writePermissions": "CRM_PERMISSIONS_ENFORCEMENT",
            })
        })
        .collect();
    Reply::ok(json!({"results": [{
        "id": PIPELINE, "label": "Support Pipeline", "displayOrder": 0, "archived": false,
        "createdAt": "1970-01-01T00:00:00Z", "updatedAt": "1970-01-01T00:00:00Z",
        "stages": stages,
    }]}))
}

fn owners(state: &mut SimState, req: &Req) -> Reply {
    if let Some(r) = daily(state) {
        return r;
    }
    let (limit, start) = match (limit(req, 100, 500), after(req.param("after"))) {
        (Ok(l), Ok(a)) => (l, a),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let created = hs_time(&support_conformance::sim::setup_time());
    let all: Vec<Value> = state
        .world
        .agents
        .iter()
        .enumerate()
        .filter(|(_, a)| {
            req.param("email")
                .is_none_or(|e| e.eq_ignore_ascii_case(&a.email))
        })
        .map(|(n, a)| {
            let (first, last) = a.name.split_once(' ').unwrap_or((a.name.as_str(), ""));
            let teams: Vec<Value> = a
                .groups
                .iter()
                .enumerate()
                .filter_map(|(i, g)| {
                    let name = state.world.groups.iter().find(|x| &x.id == g)?.name.clone();
                    Some(json!({"id": g, "name": name, "primary": i == 0}))
                })
                .collect();
            json!({
                "id": a.id, "email": a.email, "firstName": first, "lastName": last,
                "userId": 9_000_000 + n, "type": "PERSON", "teams": teams, "archived": false,
                "createdAt": created, "updatedAt": created,
            })
        })
        .collect();
    Reply::ok(page(OWNERS, all, start, limit))
}

fn note_create(state: &mut SimState, req: &Req) -> Reply {
    if let Some(r) = daily(state) {
        return r;
    }
    let body = req.json().unwrap_or_default();
    if let Some(extra) = body.as_object().and_then(|o| {
        o.keys()
            .find(|k| !["properties", "associations"].contains(&k.as_str()))
    }) {
        return invalid(format!("Unrecognized field \"{extra}\""));
    }
    let props = body
        .get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let known = [
        "hs_timestamp",
        "hs_note_body",
        "hubspot_owner_id",
        "hs_attachment_ids",
    ];
    let mut out = BTreeMap::new();
    for (name, value) in &props {
        if !known.contains(&name.as_str()) {
            return http::error_with(
                400,
                "VALIDATION_ERROR",
                "PROPERTY_DOESNT_EXIST",
                format!("Property \"{name}\" does not exist"),
                json!({"propertyName": [name]}),
            );
        }
        let Some(text) = value
            .as_str()
            .map(str::to_owned)
            .or_else(|| value.as_i64().map(|n| n.to_string()))
        else {
            return invalid(format!("{name} must be a string"));
        };
        out.insert(name.clone(), text);
    }
    let Some(stamp) = out.get("hs_timestamp") else {
        return invalid("hs_timestamp is required");
    };
    let Some(at) = filter_time(stamp) else {
        return invalid(format!("{stamp} is not a valid timestamp"));
    };
    out.insert("hs_timestamp".into(), hs_time(&at));
    if out
        .get("hs_note_body")
        .is_some_and(|b| b.chars().count() > 65_536)
    {
        return invalid("hs_note_body is longer than 65536 characters");
    }
    if let Some(owner) = out.get("hubspot_owner_id")
        && !state.owner_exists(owner)
    {
        return invalid(format!("{owner} is not a valid owner id"));
    }
    if let Some(ids) = out.get("hs_attachment_ids")
        && let Some(missing) = ids
            .split(';')
            .map(str::trim)
            .find(|id| id.is_empty() || !state.files.contains_key(*id))
    {
        return invalid(format!(
            "hs_attachment_ids: {missing:?} is not a file of the account (ids separated by ;)"
        ));
    }
    let mut tickets = Vec::new();
    for a in body
        .get("associations")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
    {
        let to = a.pointer("/to/id").map(|v| {
            v.as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| v.to_string())
        });
        let types = a
            .get("types")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let ok_type = types.iter().any(|t| {
            t.get("associationCategory").and_then(Value::as_str) == Some("HUBSPOT_DEFINED")
                && t.get("associationTypeId").and_then(Value::as_u64) == Some(NOTE_TO_TICKET)
        });
        match to {
            Some(id) if ok_type && state.ticket(&id).is_some() => tickets.push(id),
            Some(id) if ok_type => return invalid(format!("No ticket with id {id}")),
            _ => {
                return invalid(
                    "associations must name an object and a type (228: note to ticket)",
                );
            }
        }
    }
    let created = state.clock.tick();
    let id = state.next_comment_id;
    state.next_comment_id += 1;
    let note = CrmObject {
        id: id.to_string(),
        properties: out,
        created,
        updated: created,
    };
    let rendered = note.render(&known.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
    state.notes.insert(id, note);
    for t in tickets {
        state
            .ticket_notes
            .entry(t)
            .or_default()
            .push(id.to_string());
    }
    Reply::created(rendered)
}

fn ticket_notes(state: &mut SimState, req: &Req) -> Reply {
    if let Some(r) = daily(state) {
        return r;
    }
    let (limit, start) = match (limit(req, 500, 500), after(req.param("after"))) {
        (Ok(l), Ok(a)) => (l, a),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    if state.ticket(req.id(0)).is_none() {
        return not_found();
    }
    let ids = state
        .ticket_notes
        .get(req.id(0))
        .cloned()
        .unwrap_or_default();
    let all: Vec<Value> = ids
        .iter()
        .map(|n| {
            json!({
                "toObjectId": n.parse::<u128>().unwrap_or_default(),
                "associationTypes": [{"category": "HUBSPOT_DEFINED", "typeId": 214, "label": null}],
            })
        })
        .collect();
    Reply::ok(page(req.path.as_str(), all, start, limit))
}

/// `GET /crm/v3/properties/tickets`: HubSpot's properties (`hubspotDefined: true`; those set by
/// HubSpot only read-only) and the account's own (no `hubspotDefined`; calculated ones
/// read-only).
fn property_list(state: &mut SimState, req: &Req) -> Reply {
    if let Some(r) = daily(state) {
        return r;
    }
    if archived(req) {
        return Reply::ok(json!({"results": []}));
    }
    let mut results = Vec::new();
    for name in TICKET_PROPERTIES {
        if let Some(def) = CUSTOM_PROPERTIES.iter().find(|d| d.0 == *name) {
            let options: Vec<Value> = def
                .4
                .iter()
                .enumerate()
                .map(|(n, v)| json!({"label": v, "value": v, "displayOrder": n, "hidden": false}))
                .collect();
            results.push(json!({
                "name": def.0, "label": def.1, "type": def.2, "fieldType": def.3,
                "groupName": "ticketinformation", "description": "", "options": options,
                "calculated": def.5, "externalOptions": false, "hidden": false,
                "archived": false, "formField": !def.5,
                "modificationMetadata": {"archivable": true, "readOnlyDefinition": false,
                    "readOnlyValue": def.5},
            }));
        } else {
            let read_only = READ_ONLY.contains(name);
            results.push(json!({
                "name": name, "label": name, "type": "string", "fieldType": "text",
                "groupName": "ticketinformation", "description": "", "options": [],
                "hubspotDefined": true, "calculated": false, "externalOptions": false,
                "hidden": false, "archived": false, "formField": false,
                "modificationMetadata": {"archivable": false, "readOnlyDefinition": true,
                    "readOnlyValue": read_only},
            }));
        }
    }
    Reply::ok(json!({ "results": results }))
}

/// `POST /crm/v3/objects/tickets/batch/read`: at most 100 ids, the properties in the body.
fn tickets_batch_read(state: &mut SimState, req: &Req) -> Reply {
    if let Some(r) = daily(state) {
        return r;
    }
    let body = req.json().unwrap_or_default();
    let Some(inputs) = body.get("inputs").and_then(Value::as_array) else {
        return invalid("inputs is required");
    };
    if inputs.len() > 100 {
        return invalid("Too many inputs: at most 100");
    }
    let props: Vec<String> = body
        .get("properties")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .filter(|p| TICKET_PROPERTIES.contains(p))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let results: Vec<Value> = inputs
        .iter()
        .filter_map(|i| i.get("id").and_then(Value::as_str))
        .filter_map(|id| state.ticket(id))
        .map(|t| t.render(&props))
        .collect();
    Reply::ok(json!({"status": "COMPLETE", "results": results}))
}

fn notes_batch_read(state: &mut SimState, req: &Req) -> Reply {
    if let Some(r) = daily(state) {
        return r;
    }
    let body = req.json().unwrap_or_default();
    let Some(inputs) = body.get("inputs").and_then(Value::as_array) else {
        return invalid("inputs is required");
    };
    if inputs.len() > 100 {
        return invalid("Too many inputs: at most 100");
    }
    let props: Vec<String> = body
        .get("properties")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let mut results = Vec::new();
    for input in inputs {
        let id = input.get("id").and_then(Value::as_str).unwrap_or_default();
        if let Some(note) = id.parse::<u128>().ok().and_then(|n| state.notes.get(&n)) {
            results.push(note.render(&props));
        }
    }
    Reply::ok(json!({"status": "COMPLETE", "results": results}))
}

fn feedback_list(state: &mut SimState, req: &Req) -> Reply {
    if let Some(r) = daily(state) {
        return r;
    }
    let (limit, start) = match (limit(req, 10, LIST_MAX), after(req.param("after"))) {
        (Ok(l), Ok(a)) => (l, a),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let known = [
        "hs_survey_type",
        "hs_value",
        "hs_content",
        "hs_survey_channel",
        "hs_submission_timestamp",
    ];
    let props = asked(req, &known);
    let wanted: Vec<String> = req
        .params_named("associations")
        .iter()
        .flat_map(|a| a.split(','))
        .map(|a| a.trim().to_owned())
        .collect();
    let all: Vec<Value> = if archived(req) {
        Vec::new()
    } else {
        state
            .feedback
            .values()
            .map(|f| {
                let mut out = f.render(&props);
                if let Some((ticket, contact)) = state.feedback_links.get(&f.id) {
                    let mut links = Map::new();
                    if wanted.iter().any(|w| w == "tickets" || w == "ticket") {
                        links.insert("tickets".into(), json!({"results": [{"id": ticket, "type": "feedback_submission_to_ticket"}]}));
                    }
                    if wanted.iter().any(|w| w == "contacts" || w == "contact") {
                        links.insert("contacts".into(), json!({"results": [{"id": contact, "type": "feedback_submission_to_contact"}]}));
                    }
                    if !links.is_empty() {
                        out["associations"] = Value::Object(links);
                    }
                }
                out
            })
            .collect()
    };
    Reply::ok(page(FEEDBACK, all, start, limit))
}

/// A published knowledge article as a site-search result.
fn article_result(state: &SimState, a: &support_conformance::world::ArticleFx) -> Value {
    let category = state
        .world
        .categories
        .iter()
        .find(|c| c.id == a.category)
        .map(|c| c.name.clone());
    json!({
        "id": a.id.parse::<u64>().unwrap_or_default(),
        "score": 1.0,
        "type": "KNOWLEDGE_ARTICLE",
        "domain": "support.example.com",
        "url": format!("https://support.example.com/kb/{}", a.id),
        "language": a.locale,
        "title": a.title,
        "description": a.body_html,
        "category": category,
        "publishedDate": a.created_at.timestamp_millis(),
    })
}

fn site_search(state: &mut SimState, req: &Req) -> Reply {
    if let Some(r) = daily(state) {
        return r;
    }
    if req.param("type").is_some_and(|t| {
        t != "KNOWLEDGE_ARTICLE"
            && t != "LANDING_PAGE"
            && t != "BLOG_POST"
            && t != "SITE_PAGE"
            && t != "LISTING_PAGE"
    }) {
        return invalid("type is not a valid content type");
    }
    let limit = match limit(req, 10, 100) {
        Ok(l) => l,
        Err(e) => return e,
    };
    let offset = match after(req.param("offset")) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let q = req.param("q").unwrap_or_default().to_lowercase();
    let hits: Vec<Value> = state
        .world
        .articles
        .iter()
        .filter(|a| a.published)
        .filter(|a| {
            q.is_empty()
                || a.title.to_lowercase().contains(&q)
                || a.body_html.to_lowercase().contains(&q)
        })
        .map(|a| article_result(state, a))
        .collect();
    let total = hits.len();
    let results: Vec<Value> = hits.into_iter().skip(offset).take(limit).collect();
    Reply::ok(
        json!({"total": total, "offset": offset, "limit": limit, "results": results, "searchTerm": q}),
    )
}

fn indexed_data(state: &mut SimState, req: &Req) -> Reply {
    if let Some(r) = daily(state) {
        return r;
    }
    let Some(a) = state
        .world
        .articles
        .iter()
        .find(|a| a.id == req.id(0) && a.published)
    else {
        return not_found();
    };
    Reply::ok(json!({
        "id": a.id,
        "type": "KNOWLEDGE_ARTICLE",
        "fields": {
            "title": {"name": "title", "value": a.title, "values": [a.title], "metadataField": false},
            "html": {"name": "html", "value": a.body_html, "values": [a.body_html], "metadataField": false},
            "language": {"name": "language", "value": a.locale, "values": [a.locale], "metadataField": true},
            "publishedDate": {"name": "publishedDate", "value": a.created_at.timestamp_millis(), "values": [a.created_at.timestamp_millis()], "metadataField": true},
        },
    }))
}

fn tags_list(state: &mut SimState, _req: &Req) -> Reply {
    if let Some(r) = daily(state) {
        return r;
    }
    let at = hs_time(&support_conformance::sim::setup_time());
    let results: Vec<Value> = state
        .world
        .tags
        .iter()
        .enumerate()
        .map(|(i, (name, n))| json!({
            "id": state.world.tag_id(name), "name": name, "usage": n, "color": "BLUE", "displayOrder": i,
            "filterBranch": {"filterBranchType": "AND", "filters": [], "filterBranches": []},
            "filterPipelineIds": [], "objectTypeId": "0-5", "createdAt": at, "updatedAt": at,
        }))
        .collect();
    Reply::ok(json!({"results": results}))
}

fn tag_create(state: &mut SimState, req: &Req) -> Reply {
    if let Some(r) = daily(state) {
        return r;
    }
    let body = req.json().unwrap_or_default();
    let allowed = [
        "name",
        "color",
        "displayOrder",
        "filterBranch",
        "filterPipelineIds",
        "description",
    ];
    if let Some(extra) = body
        .as_object()
        .and_then(|o| o.keys().find(|k| !allowed.contains(&k.as_str())))
    {
        return invalid(format!("Unrecognized field \"{extra}\""));
    }
    for required in [
        "name",
        "color",
        "displayOrder",
        "filterBranch",
        "filterPipelineIds",
    ] {
        if body.get(required).is_none_or(Value::is_null) {
            return invalid(format!("{required} is required"));
        }
    }
    let name = body["name"].as_str().unwrap_or_default().to_owned();
    if name.is_empty()
        || state.world.tags.iter().any(|(t, _)| *t == name)
        || state.new_tags.contains(&name)
    {
        return http::error(
            409,
            "CONFLICT",
            format!("A tag named {name:?} already exists"),
        );
    }
    state.new_tags.push(name);
    let id = state.next_id;
    state.next_id += 1;
    let at = hs_time(&state.clock.tick());
    let mut tag = body.clone();
    tag["id"] = json!(id.to_string());
    tag["objectTypeId"] = json!("0-5");
    tag["createdAt"] = json!(at);
    tag["updatedAt"] = json!(at);
    Reply::created(tag)
}

/// `POST /oauth/v1/token`: a form body with `grant_type=refresh_token`, the app's `client_id` and
/// `client_secret`, and a refresh token it holds.
fn oauth_token(_state: &mut SimState, req: &Req) -> Reply {
    let form_type = req
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    let form: Vec<(String, String)> = url_form(&req.body);
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let known_client = field("client_id") == Some(http::CLIENT_ID)
        && field("client_secret") == Some(http::CLIENT_SECRET);
    if !form_type || field("grant_type") != Some("refresh_token") || !known_client {
        return invalid("grant_type, client_id and client_secret must be valid");
    }
    if field("refresh_token") != Some(http::REFRESH_TOKEN) {
        return http::bad_refresh_token();
    }
    let host = req.header("host").unwrap_or_default();
    Reply::ok(json!({
        "token_type": "bearer",
        "refresh_token": http::REFRESH_TOKEN,
        "access_token": http::issue(host),
        "expires_in": http::TOKEN_LIFESPAN,
    }))
}

/// The pairs of an `application/x-www-form-urlencoded` body.
fn url_form(body: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(body);
    let decode = |s: &str| {
        let s = s.replace('+', " ");
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%'
                && i + 2 < bytes.len()
                && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    };
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn thread(state: &SimState, ticket: &str) -> Option<Value> {
    let id = state.thread_of(ticket)?;
    let t = state.ticket(ticket)?;
    let contact = state.requesters.get(ticket).cloned();
    Some(json!({
        "id": id,
        "status": "OPEN",
        "createdAt": hs_time(&t.created),
        "originalChannelId": super::store::CHANNEL_ID,
        "originalChannelAccountId": super::store::CHANNEL_ACCOUNT_ID,
        "associatedContactId": contact,
        "inboxId": "147",
        "spam": false,
        "archived": false,
        "threadAssociations": {"associatedTicketId": ticket},
    }))
}

fn threads(state: &mut SimState, req: &Req) -> Reply {
    if let Some(r) = daily(state) {
        return r;
    }
    let (limit, start) = match (limit(req, 100, 500), after(req.param("after"))) {
        (Ok(l), Ok(a)) => (l, a),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    if req.param("association").is_some_and(|a| a != "TICKET") {
        return invalid("association must be TICKET");
    }
    let all: Vec<Value> = match req.param("associatedTicketId") {
        Some(ticket) => thread(state, ticket).into_iter().collect(),
        None => state
            .tickets
            .keys()
            .filter_map(|n| thread(state, &n.to_string()))
            .collect(),
    };
    let all: Vec<Value> = if req.param("association").is_some() {
        all
    } else {
        all.into_iter()
            .map(|mut t| {
                if let Some(o) = t.as_object_mut() {
                    o.remove("threadAssociations");
                }
                t
            })
            .collect()
    };
    Reply::ok(page(THREADS, all, start, limit))
}

fn messages(state: &mut SimState, req: &Req) -> Reply {
    if let Some(r) = daily(state) {
        return r;
    }
    let (limit, start) = match (limit(req, 100, 500), after(req.param("after"))) {
        (Ok(l), Ok(a)) => (l, a),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    if state.ticket_of_thread(req.id(0)).is_none() {
        return not_found();
    }
    let all = state.messages.get(req.id(0)).cloned().unwrap_or_default();
    Reply::ok(page(req.path.as_str(), all, start, limit))
}

/// `POST .../threads/{id}/messages`: a `MESSAGE` to the customer (text, sender actor, channel,
/// channel account, recipients) or a `COMMENT` (internal; text only).
fn message_create(state: &mut SimState, req: &Req) -> Reply {
    if let Some(r) = daily(state) {
        return r;
    }
    let thread = req.id(0).to_owned();
    if state.ticket_of_thread(&thread).is_none() {
        return not_found();
    }
    let body = req.json().unwrap_or_default();
    let kind = body.get("type").and_then(Value::as_str).unwrap_or_default();
    let text = body
        .get("text")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if text.is_empty() {
        return invalid("text is required");
    }
    let html = body
        .get("richText")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| text.clone());
    let allowed: &[&str] = match kind {
        "MESSAGE" => &[
            "type",
            "text",
            "richText",
            "senderActorId",
            "channelId",
            "channelAccountId",
            "recipients",
            "attachments",
            "subject",
        ],
        "COMMENT" => &["type", "text", "richText", "attachments"],
        _ => return invalid("type must be MESSAGE or COMMENT"),
    };
    if let Some(extra) = body
        .as_object()
        .and_then(|o| o.keys().find(|k| !allowed.contains(&k.as_str())))
    {
        return invalid(format!("Unrecognized field \"{extra}\""));
    }
    let Some(attachments) = body.get("attachments").and_then(Value::as_array) else {
        return invalid("attachments is required (an array, possibly empty)");
    };
    let mut files = Vec::new();
    for a in attachments {
        if a.get("type").and_then(Value::as_str) != Some("FILE") {
            return invalid("attachments of a message are {type: FILE, fileId}");
        }
        if let Some(extra) = a
            .as_object()
            .and_then(|o| o.keys().find(|k| !["type", "fileId"].contains(&k.as_str())))
        {
            return invalid(format!("Unrecognized field \"{extra}\" of an attachment"));
        }
        match a
            .get("fileId")
            .and_then(Value::as_str)
            .and_then(|id| state.files.get(id))
        {
            Some(file) => files.push(file.as_message_attachment()),
            None => return invalid("attachments: fileId must name a file of the account"),
        }
    }
    let mut actor = String::new();
    if kind == "MESSAGE" {
        actor = body
            .get("senderActorId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let agents: Vec<String> = state
            .world
            .agents
            .iter()
            .map(|a| state.actor_of(&a.id))
            .collect();
        if !agents.contains(&actor) {
            return invalid("senderActorId must be an agent actor (A-{userId})");
        }
        if body.get("channelId").and_then(Value::as_str) != Some(super::store::CHANNEL_ID)
            || body.get("channelAccountId").and_then(Value::as_str)
                != Some(super::store::CHANNEL_ACCOUNT_ID)
        {
            return invalid("channelId and channelAccountId must be the thread's channel");
        }
        let recipients = body
            .get("recipients")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let addressed = recipients.iter().any(|r| {
            r.get("deliveryIdentifiers")
                .and_then(Value::as_array)
                .is_some_and(|d| {
                    d.iter().any(|i| {
                        i.get("type").is_some_and(Value::is_string)
                            && i.get("value").is_some_and(Value::is_string)
                    })
                })
        });
        if !addressed {
            return invalid("recipients must name at least one delivery identifier");
        }
    }
    let at = state.clock.tick();
    let id = state.next_comment_id;
    state.next_comment_id += 1;
    let mut message = super::store::message(&id.to_string(), &actor, "OUTGOING", &text, &html, &at);
    message["attachments"] = json!(files);
    if kind == "COMMENT" {
        message["type"] = json!("COMMENT");
        if let Some(o) = message.as_object_mut() {
            o.remove("direction");
            o.remove("recipients");
        }
    }
    state
        .messages
        .entry(thread)
        .or_default()
        .push(message.clone());
    Reply::created(message)
}
