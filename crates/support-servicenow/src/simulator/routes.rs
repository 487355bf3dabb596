//! ServiceNow's endpoints, in matching order: method, path (`{}` for a sys_id), the query
//! parameters each accepts, and its handler. Table API reads are one generic handler over the
//! instance's tables (`store.rs`) and encoded queries (`query.rs`).

use serde_json::{Map, Value, json};
use support_conformance::sim::{BodyRule, Params, QueryEncoding, Route, with_query};

use super::http::{self, Reply, Req, TokenKind, bad_request, error, no_record};
use super::query;
use super::store::{CASES, Row, SimState};

/// Parameters of a Table API listing.
const LIST: Params = Params::allowed(&[
    "sysparm_query",
    "sysparm_limit",
    "sysparm_offset",
    "sysparm_fields",
    "sysparm_display_value",
    "sysparm_exclude_reference_link",
    "sysparm_no_count",
    "sysparm_suppress_pagination_header",
    "sysparm_view",
    "sysparm_query_category",
    "sysparm_query_no_domain",
]);

/// Parameters of a Table API read of one record.
const ONE: Params = Params::allowed(&[
    "sysparm_fields",
    "sysparm_display_value",
    "sysparm_exclude_reference_link",
    "sysparm_view",
    "sysparm_query_no_domain",
]);

/// Parameters of a Table API write.
const WRITE: Params = Params::allowed(&[
    "sysparm_fields",
    "sysparm_display_value",
    "sysparm_exclude_reference_link",
    "sysparm_input_display_value",
    "sysparm_view",
]);

/// Parameters of the case activities endpoint.
const ACTIVITIES: Params = Params::allowed(&[
    "sysparm_activity_type",
    "sysparm_limit",
    "sysparm_offset",
    "activity_type",
    "limit",
    "offset",
]);

/// The Table API's default `sysparm_limit`.
pub const DEFAULT_LIMIT: usize = 10_000;

macro_rules! routes {
    (tables: [$($t:literal),* $(,)?], others: [$($r:expr),* $(,)?]) => {
        &[
            $(
                Route::new("GET", concat!("/api/now/table/", $t), LIST, BodyRule::Any, table_list)
                    .checked(http::json_accept),
                Route::new("GET", concat!("/api/now/table/", $t, "/{}"), ONE, BodyRule::Any, table_get)
                    .checked(http::json_accept),
            )*
            $($r),*
        ]
    };
}

/// Every endpoint the simulator serves.
pub static ROUTES: &[Route<SimState>] = routes!(
    tables: [
        "sn_customerservice_case",
        "sys_user",
        "sys_user_has_role",
        "sys_user_group",
        "sys_user_grmember",
        "sys_choice",
        "label",
        "label_entry",
        "kb_knowledge",
        "kb_category",
        "contract_sla",
        "task_sla",
        "asmt_assessment_instance",
        "asmt_metric_result",
        "sys_attachment",
    ],
    others: [
        Route::new("POST", "/api/now/table/sn_customerservice_case", WRITE, BodyRule::Any, case_create)
            .checked(http::json_accept),
        Route::new("PATCH", "/api/now/table/sn_customerservice_case/{}", WRITE, BodyRule::Any, case_update)
            .checked(http::json_accept),
        Route::new("POST", "/api/now/table/label", WRITE, BodyRule::Any, label_create)
            .checked(http::json_accept),
        Route::new("POST", "/api/now/table/label_entry", WRITE, BodyRule::Any, label_entry_create)
            .checked(http::json_accept),
        Route::new("DELETE", "/api/now/table/label_entry/{}", Params::NONE, BodyRule::Any, label_entry_delete)
            .checked(http::json_accept),
        Route::new("GET", "/api/sn_customerservice/case/{}/activities", ACTIVITIES, BodyRule::Any, activities)
            .checked(http::json_accept),
        Route::new("GET", "/api/now/attachment/{}/file", Params::NONE, BodyRule::Any, attachment_file),
        Route::new("POST", "/oauth_token.do", Params::NONE, BodyRule::Any, oauth_token),
    ]
);

/// The table a Table API path names.
fn table_of(req: &Req) -> String {
    req.path
        .strip_prefix("/api/now/table/")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default()
        .to_owned()
}

/// How values come back (`sysparm_display_value`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Display {
    /// Values (`false`, the default).
    Value,
    /// Display values (`true`).
    Label,
    /// Both, as `{"display_value", "value"}` (`all`).
    All,
}

/// How a record is rendered: the display mode, reference links, the fields asked for.
struct Shape {
    display: Display,
    links: bool,
    fields: Option<Vec<String>>,
}

fn boolean(req: &Req, name: &str) -> Result<bool, Reply> {
    match req.param(name) {
        None => Ok(false),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
        Some(v) => Err(bad_request(
            "Invalid request",
            format!("{name} must be true or false, not {v:?}"),
        )),
    }
}

fn shape(req: &Req) -> Result<Shape, Reply> {
    let display = match req.param("sysparm_display_value") {
        None => Display::Value,
        Some(v) if v.eq_ignore_ascii_case("false") => Display::Value,
        Some(v) if v.eq_ignore_ascii_case("true") => Display::Label,
        Some(v) if v.eq_ignore_ascii_case("all") => Display::All,
        Some(v) => {
            return Err(bad_request(
                "Invalid request",
                format!("sysparm_display_value must be true, false or all, not {v:?}"),
            ));
        }
    };
    let links = !boolean(req, "sysparm_exclude_reference_link")?;
    let fields = req.param("sysparm_fields").map(|f| {
        f.split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    });
    Ok(Shape {
        display,
        links,
        fields,
    })
}

/// One record as the Table API returns it.
fn render(state: &SimState, table: &str, row: &Row, shape: &Shape) -> Value {
    let fields: Vec<String> = match &shape.fields {
        // Unknown fields are left out, as ServiceNow does.
        Some(fields) => fields
            .iter()
            .filter(|f| SimState::knows(table, f))
            .cloned()
            .collect(),
        None => row.keys().cloned().collect(),
    };
    let mut out = Map::new();
    for field in fields {
        let value = state.value(table, row, &field);
        let label = state.display(table, row, &field);
        // The record a reference points at: the last hop of a dot-walk that ends on a reference.
        let target = reference_target(table, &field);
        let link = target
            .filter(|_| shape.links && !value.is_empty())
            .map(|t| format!("{}/api/now/table/{t}/{value}", state.base_url));
        let rendered = match (shape.display, link) {
            (Display::Value, None) => Value::String(value),
            (Display::Value, Some(link)) => json!({"link": link, "value": value}),
            (Display::Label, None) => Value::String(label),
            (Display::Label, Some(link)) => json!({"link": link, "display_value": label}),
            (Display::All, None) => json!({"display_value": label, "value": value}),
            (Display::All, Some(link)) => {
                json!({"display_value": label, "link": link, "value": value})
            }
        };
        out.insert(field, rendered);
    }
    Value::Object(out)
}

/// The table a (dot-walked) field refers to, when it ends on a reference.
fn reference_target(table: &str, field: &str) -> Option<&'static str> {
    let mut current = table;
    let mut parts = field.split('.').peekable();
    while let Some(part) = parts.next() {
        let target = super::store::reference(current, part)?;
        if parts.peek().is_none() {
            return Some(target);
        }
        current = target;
    }
    None
}

fn number_param(req: &Req, name: &str, default: usize, min: usize) -> Result<usize, Reply> {
    match req.param(name) {
        None => Ok(default),
        Some(text) => match text.trim().parse::<usize>() {
            Ok(n) if n >= min => Ok(n),
            _ => Err(bad_request(
                "Invalid request",
                format!("{name} must be a number of at least {min}, not {text:?}"),
            )),
        },
    }
}

/// The URL of this listing at another offset.
fn page_url(state: &SimState, req: &Req, offset: usize, limit: usize) -> String {
    let mut params: Vec<(String, String)> = req
        .params
        .iter()
        .filter(|(k, _)| k != "sysparm_offset" && k != "sysparm_limit")
        .cloned()
        .collect();
    params.push(("sysparm_limit".into(), limit.to_string()));
    params.push(("sysparm_offset".into(), offset.to_string()));
    with_query(
        &format!("{}{}", state.base_url, req.path),
        &params,
        QueryEncoding::Percent,
    )
}

/// The `Link` header of a page at `offset` of `limit` rows over `total` rows, and whether rows
/// follow it; `total` is `None` under `sysparm_no_count` (no `last` then).
fn links(
    state: &SimState,
    req: &Req,
    offset: usize,
    limit: usize,
    total: usize,
    counted: bool,
) -> String {
    let mut out = vec![format!(
        "<{}>;rel=\"first\"",
        page_url(state, req, 0, limit)
    )];
    if offset > 0 {
        let prev = offset.saturating_sub(limit);
        out.push(format!(
            "<{}>;rel=\"prev\"",
            page_url(state, req, prev, limit)
        ));
    }
    if offset.saturating_add(limit) < total {
        out.push(format!(
            "<{}>;rel=\"next\"",
            page_url(state, req, offset + limit, limit)
        ));
    }
    if counted {
        let last = if total == 0 {
            0
        } else {
            (total - 1) / limit * limit
        };
        out.push(format!(
            "<{}>;rel=\"last\"",
            page_url(state, req, last, limit)
        ));
    }
    out.join(",")
}

/// Paging headers of a listing: `X-Total-Count` (unless `sysparm_no_count`) and `Link` (unless
/// `sysparm_suppress_pagination_header`).
fn paged(
    reply: Reply,
    state: &SimState,
    req: &Req,
    offset: usize,
    limit: usize,
    total: usize,
) -> Result<Reply, Reply> {
    let counted = !boolean(req, "sysparm_no_count")?;
    let mut reply = reply;
    if counted {
        reply = reply.with_header("x-total-count", total.to_string());
    }
    if !boolean(req, "sysparm_suppress_pagination_header")? {
        reply = reply.with_header("link", links(state, req, offset, limit, total, counted));
    }
    Ok(reply)
}

fn table_list(state: &mut SimState, req: &Req) -> Reply {
    let reply = list_rows(state, req).unwrap_or_else(|e| e);
    if table_of(req) == CASES && reply.status == 200 {
        state.case_pages += 1;
        state.run_hooks();
    }
    reply
}

fn list_rows(state: &mut SimState, req: &Req) -> Result<Reply, Reply> {
    let table = table_of(req);
    let shape = shape(req)?;
    let limit = number_param(req, "sysparm_limit", DEFAULT_LIMIT, 1)?;
    let offset = number_param(req, "sysparm_offset", 0, 0)?;
    let text = req.param("sysparm_query").unwrap_or("");
    let parsed = query::parse(text, |f| SimState::knows(&table, f));
    state.ignored_terms.extend(parsed.ignored.iter().cloned());
    let strict_miss = state.strict_queries && !parsed.ignored.is_empty();
    let mut rows: Vec<&Row> = state
        .rows(&table)
        .iter()
        .filter(|row| !strict_miss && parsed.matches(|f| state.value(&table, row, f)))
        .collect();
    for (field, descending) in parsed.order.iter().rev() {
        rows.sort_by(|a, b| {
            let order = query::compare(
                &state.value(&table, a, field),
                &state.value(&table, b, field),
            );
            if *descending { order.reverse() } else { order }
        });
    }
    let total = rows.len();
    // `sysparm_limit` is applied first; ACLs then drop the rows the user may not read.
    let page: Vec<Value> = rows
        .into_iter()
        .skip(offset)
        .take(limit)
        .filter(|row| {
            table != CASES
                || !row
                    .get("sys_id")
                    .is_some_and(|id| state.hidden.contains(id))
        })
        .map(|row| render(state, &table, row, &shape))
        .collect();
    let reply = Reply::ok(json!({ "result": page }));
    paged(reply, state, req, offset, limit, total)
}

fn visible<'a>(state: &'a SimState, table: &str, sys_id: &str) -> Option<&'a Row> {
    if table == CASES && state.hidden.contains(sys_id) {
        return None;
    }
    state.find(table, sys_id)
}

fn table_get(state: &mut SimState, req: &Req) -> Reply {
    let table = table_of(req);
    let shape = match shape(req) {
        Ok(shape) => shape,
        Err(reply) => return reply,
    };
    match visible(state, &table, req.id(0)) {
        Some(row) => Reply::ok(json!({"result": render(state, &table, row, &shape)})),
        None => no_record(),
    }
}

/// The JSON object body of a write: 400 when it is not declared JSON (writes require
/// `Content-Type`) or is not an object.
fn object_body(req: &Req) -> Result<Map<String, Value>, Reply> {
    if !req.declares_json() {
        return Err(bad_request(
            "Invalid request",
            "Content-Type must be application/json",
        ));
    }
    match req.json() {
        Some(Value::Object(map)) => Ok(map),
        _ => Err(bad_request(
            "Exception while reading request",
            "The payload is not valid JSON.",
        )),
    }
}

/// A body value as the string ServiceNow stores (numbers and booleans as text, null as empty).
fn text(value: &Value) -> Result<String, ()> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null => Ok(String::new()),
        _ => Err(()),
    }
}

/// Case fields a write may set.
const CASE_WRITABLE: &[&str] = &[
    "short_description",
    "description",
    "state",
    "priority",
    "contact_type",
    "category",
    "contact",
    "account",
    "assigned_to",
    "assignment_group",
    "close_notes",
    "resolution_code",
    "correlation_id",
    "comments",
    "work_notes",
];

/// Checks a case write's members: known and writable, strings (or numbers), choices from the
/// choice list, references to existing records.
fn case_fields(
    state: &SimState,
    body: &Map<String, Value>,
) -> Result<Vec<(String, String)>, Reply> {
    let mut out = Vec::new();
    for (name, value) in body {
        if !CASE_WRITABLE.contains(&name.as_str()) {
            return Err(bad_request(
                "Invalid request",
                format!("Field {name} is not a writable field of {CASES}"),
            ));
        }
        let Ok(value) = text(value) else {
            return Err(bad_request(
                "Invalid request",
                format!("Field {name} must be a string"),
            ));
        };
        if !value.is_empty()
            && state.has_choices(CASES, name)
            && state.choice_label(CASES, name, &value).is_none()
        {
            return Err(bad_request(
                "Invalid request",
                format!("{value:?} is not a choice of {name}"),
            ));
        }
        if let Some(target) = super::store::reference(CASES, name)
            && !value.is_empty()
            && state.find(target, &value).is_none()
        {
            return Err(bad_request(
                "Invalid request",
                format!("{name}: no {target} record with sys_id {value}"),
            ));
        }
        out.push((name.clone(), value));
    }
    Ok(out)
}

/// Applies checked fields to a case at `now`: journal fields become entries, resolving and
/// closing stamp their times.
fn apply(state: &mut SimState, sys_id: &str, fields: Vec<(String, String)>, now: &str) {
    let me = state.me.clone();
    for (name, value) in fields {
        if name == "comments" || name == "work_notes" {
            if !value.trim().is_empty() {
                state.journal_entry(sys_id, &name, &value, &me, now.to_owned());
            }
            continue;
        }
        let Some(row) = state.find_mut(CASES, sys_id) else {
            return;
        };
        if name == "state" {
            let active = !matches!(value.as_str(), "3" | "6" | "7");
            row.insert("active".into(), active.to_string());
            match value.as_str() {
                "6" => {
                    row.insert("resolved_at".into(), now.to_owned());
                }
                "3" | "7" => {
                    row.insert("closed_at".into(), now.to_owned());
                }
                _ => {}
            }
        }
        row.insert(name, value);
    }
    if let Some(row) = state.find_mut(CASES, sys_id) {
        row.insert("sys_updated_on".into(), now.to_owned());
        row.insert("sys_updated_by".into(), http::USER.into());
        let count: u64 = row
            .get("sys_mod_count")
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        row.insert("sys_mod_count".into(), (count + 1).to_string());
    }
}

/// Resolving or closing needs resolution notes (the case's data policy).
fn resolution_notes(
    state: &SimState,
    sys_id: Option<&str>,
    fields: &[(String, String)],
) -> Result<(), Reply> {
    let get = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let Some(next) = get("state") else {
        return Ok(());
    };
    if !matches!(next.as_str(), "3" | "6") {
        return Ok(());
    }
    let notes = get("close_notes").unwrap_or_else(|| {
        sys_id
            .and_then(|id| state.find(CASES, id))
            .and_then(|r| r.get("close_notes").cloned())
            .unwrap_or_default()
    });
    if notes.trim().is_empty() {
        return Err(bad_request(
            "Data Policy Exception",
            "The following fields are mandatory: Resolution notes",
        ));
    }
    Ok(())
}

fn case_create(state: &mut SimState, req: &Req) -> Reply {
    (|| {
        let shape = shape(req)?;
        let body = object_body(req)?;
        let fields = case_fields(state, &body)?;
        let subject = fields
            .iter()
            .find(|(n, _)| n == "short_description")
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default();
        if subject.is_empty() {
            return Err(bad_request(
                "Data Policy Exception",
                "The following fields are mandatory: Short description",
            ));
        }
        resolution_notes(state, None, &fields)?;
        let number = state.next_case;
        state.next_case += 1;
        let now = state.creation_time();
        let sys_id = state.id(support_conformance::world::Entity::Ticket, number);
        let mut row = Row::new();
        for (k, v) in [
            ("sys_id", sys_id.clone()),
            ("number", super::store::case_number(number)),
            ("state", "1".into()),
            ("priority", "4".into()),
            ("active", "true".into()),
            ("opened_at", now.clone()),
            ("sys_class_name", CASES.into()),
            ("sys_created_on", now.clone()),
            ("sys_updated_on", now.clone()),
            ("sys_created_by", http::USER.into()),
            ("sys_updated_by", http::USER.into()),
            ("sys_mod_count", "0".into()),
        ] {
            row.insert(k.into(), v);
        }
        state.insert(CASES, row);
        apply(state, &sys_id, fields, &now);
        if let Some(row) = state.find_mut(CASES, &sys_id) {
            row.insert("sys_updated_on".into(), now.clone());
            row.insert("sys_mod_count".into(), "0".into());
        }
        let row = state.find(CASES, &sys_id).cloned().unwrap_or_default();
        Ok(created(state, CASES, &row, &shape))
    })()
    .unwrap_or_else(|e| e)
}

/// `201 Created` with the record, and its URL in `Location`.
fn created(state: &SimState, table: &str, row: &Row, shape: &Shape) -> Reply {
    let sys_id = row.get("sys_id").cloned().unwrap_or_default();
    Reply::created(json!({"result": render(state, table, row, shape)})).with_header(
        "location",
        format!("{}/api/now/table/{table}/{sys_id}", state.base_url),
    )
}

fn case_update(state: &mut SimState, req: &Req) -> Reply {
    (|| {
        let shape = shape(req)?;
        let sys_id = req.id(0).to_owned();
        if visible(state, CASES, &sys_id).is_none() {
            return Err(no_record());
        }
        let body = object_body(req)?;
        let fields = case_fields(state, &body)?;
        if fields
            .iter()
            .any(|(n, v)| n == "short_description" && v.trim().is_empty())
        {
            return Err(bad_request(
                "Data Policy Exception",
                "The following fields are mandatory: Short description",
            ));
        }
        resolution_notes(state, Some(&sys_id), &fields)?;
        let now = state.tick();
        apply(state, &sys_id, fields, &now);
        let row = state.find(CASES, &sys_id).cloned().unwrap_or_default();
        Ok(Reply::ok(
            json!({"result": render(state, CASES, &row, &shape)}),
        ))
    })()
    .unwrap_or_else(|e| e)
}

fn label_create(state: &mut SimState, req: &Req) -> Reply {
    (|| {
        let shape = shape(req)?;
        let body = object_body(req)?;
        let allowed = ["name", "type", "viewable_by", "active", "owner"];
        let mut row = Row::new();
        for (name, value) in &body {
            if !allowed.contains(&name.as_str()) {
                return Err(bad_request(
                    "Invalid request",
                    format!("Field {name} is not a writable field of label"),
                ));
            }
            let value = text(value)
                .map_err(|()| bad_request("Invalid request", format!("{name} must be a string")))?;
            row.insert(name.clone(), value);
        }
        let name = row
            .get("name")
            .map(|n| n.trim().to_owned())
            .unwrap_or_default();
        if name.is_empty() {
            return Err(bad_request(
                "Data Policy Exception",
                "The following fields are mandatory: Name",
            ));
        }
        if state.label_named(&name).is_some() {
            return Err(error(
                403,
                "Operation Failed",
                format!("A tag named {name} already exists"),
            ));
        }
        let sys_id = state.id(support_conformance::world::Entity::Tag, state.next_label);
        state.next_label += 1;
        let now = state.tick();
        row.insert("sys_id".into(), sys_id.clone());
        row.insert("name".into(), name);
        row.entry("type".into())
            .or_insert_with(|| "standard".into());
        row.entry("viewable_by".into())
            .or_insert_with(|| "me".into());
        row.entry("active".into()).or_insert_with(|| "true".into());
        row.entry("owner".into())
            .or_insert_with(|| state.me.clone());
        row.insert("sys_created_on".into(), now.clone());
        row.insert("sys_updated_on".into(), now);
        state.insert("label", row);
        let row = state.find("label", &sys_id).cloned().unwrap_or_default();
        Ok(created(state, "label", &row, &shape))
    })()
    .unwrap_or_else(|e| e)
}

fn label_entry_create(state: &mut SimState, req: &Req) -> Reply {
    (|| {
        let shape = shape(req)?;
        let body = object_body(req)?;
        let allowed = ["label", "table", "table_key", "title"];
        let mut fields = std::collections::BTreeMap::new();
        for (name, value) in &body {
            if !allowed.contains(&name.as_str()) {
                return Err(bad_request(
                    "Invalid request",
                    format!("Field {name} is not a writable field of label_entry"),
                ));
            }
            let value = text(value)
                .map_err(|()| bad_request("Invalid request", format!("{name} must be a string")))?;
            fields.insert(name.clone(), value);
        }
        let get = |n: &str| fields.get(n).cloned().unwrap_or_default();
        let (label, table, key) = (get("label"), get("table"), get("table_key"));
        if state.find("label", &label).is_none() {
            return Err(bad_request(
                "Invalid request",
                format!("label: no label record with sys_id {label:?}"),
            ));
        }
        if table != CASES || visible(state, CASES, &key).is_none() {
            return Err(bad_request(
                "Invalid request",
                format!("table_key: no {table} record with sys_id {key:?}"),
            ));
        }
        let exists = state
            .rows("label_entry")
            .iter()
            .any(|e| e.get("label") == Some(&label) && e.get("table_key") == Some(&key));
        if exists {
            return Err(error(
                403,
                "Operation Failed",
                "The record is already tagged with this label",
            ));
        }
        let name = state
            .find("label", &label)
            .and_then(|l| l.get("name").cloned())
            .unwrap_or_default();
        let sys_id = state.tag_case(&key, &name).unwrap_or_default();
        let now = state.tick();
        if let Some(row) = state.find_mut("label_entry", &sys_id) {
            row.insert("sys_created_on".into(), now.clone());
            row.insert("sys_updated_on".into(), now);
        }
        let row = state
            .find("label_entry", &sys_id)
            .cloned()
            .unwrap_or_default();
        Ok(created(state, "label_entry", &row, &shape))
    })()
    .unwrap_or_else(|e| e)
}

fn label_entry_delete(state: &mut SimState, req: &Req) -> Reply {
    let sys_id = req.id(0);
    let Some(rows) = state.tables.get_mut("label_entry") else {
        return no_record();
    };
    let before = rows.len();
    rows.retain(|r| r.get("sys_id").map(String::as_str) != Some(sys_id));
    if rows.len() == before {
        return no_record();
    }
    Reply::empty(204)
}

const ACTIVITY_TYPES: &[&str] = &["comments", "work_notes", "attachment"];

fn activities(state: &mut SimState, req: &Req) -> Reply {
    (|| {
        let id = req.id(0).to_owned();
        let Some(case) = visible(state, CASES, &id).cloned() else {
            return Err(no_record());
        };
        let types: Vec<String> = match req
            .param("sysparm_activity_type")
            .or_else(|| req.param("activity_type"))
        {
            None => ACTIVITY_TYPES.iter().map(|t| (*t).to_owned()).collect(),
            Some(list) => list.split(',').map(|t| t.trim().to_owned()).collect(),
        };
        if let Some(bad) = types.iter().find(|t| !ACTIVITY_TYPES.contains(&t.as_str())) {
            return Err(bad_request(
                "Invalid request",
                format!("sysparm_activity_type {bad:?} is not one of comments, work_notes, attachment"),
            ));
        }
        // The Case API takes every parameter by its short name too (`limit`).
        let limit = match req.param("limit") {
            Some(_) => number_param(req, "limit", DEFAULT_LIMIT, 1)?,
            None => number_param(req, "sysparm_limit", DEFAULT_LIMIT, 1)?,
        };
        let offset = match req.param("offset") {
            Some(_) => number_param(req, "offset", 0, 0)?,
            None => number_param(req, "sysparm_offset", 0, 0)?,
        };
        let user = |sys_id: &str| state.find("sys_user", sys_id).cloned().unwrap_or_default();
        let mut entries: Vec<(String, usize, Value)> = Vec::new();
        for (k, entry) in state.journal.iter().enumerate() {
            if entry.case != id || !types.contains(&entry.element) {
                continue;
            }
            let who = user(&entry.user);
            let name = who.get("name").cloned().unwrap_or_default();
            let label = if entry.element == "comments" { "Additional comments" } else { "Work notes" };
            entries.push((
                entry.created_on.clone(),
                k,
                json!({
                    "sys_id": entry.sys_id,
                    "element": entry.element,
                    "field_label": label,
                    "value": entry.value,
                    "sys_created_on": entry.created_on,
                    "sys_created_on_adjusted": entry.created_on,
                    "user_sys_id": entry.user,
                    // The Case API documents `login_name` as the full user name, as `name`.
                    "login_name": name,
                    "name": name,
                    "initials": name.split_whitespace().filter_map(|w| w.chars().next()).collect::<String>(),
                    "contains_code": "false",
                }),
            ));
        }
        if types.iter().any(|t| t == "attachment") {
            for (k, file) in state.rows("sys_attachment").iter().enumerate() {
                if file.get("table_sys_id") != Some(&id) {
                    continue;
                }
                let get = |n: &str| file.get(n).cloned().unwrap_or_default();
                let login = get("sys_created_by");
                let who = state
                    .rows("sys_user")
                    .iter()
                    .find(|u| u.get("user_name") == Some(&login))
                    .cloned()
                    .unwrap_or_default();
                let name = who.get("name").cloned().unwrap_or_default();
                let size: u64 = get("size_bytes").parse().unwrap_or_default();
                entries.push((
                    get("sys_created_on"),
                    usize::MAX / 2 + k,
                    json!({
                        "sys_id": get("sys_id"),
                        "element": "attachment",
                        "field_label": "Attachment",
                        "value": get("file_name"),
                        "sys_created_on": get("sys_created_on"),
                        "sys_created_on_adjusted": get("sys_created_on"),
                        "user_sys_id": who.get("sys_id").cloned().unwrap_or_default(),
                        "login_name": name,
                        "name": name,
                        "initials": name.split_whitespace().filter_map(|w| w.chars().next()).collect::<String>(),
                        "contains_code": "false",
                        "attachment": {
                            "sys_id": get("sys_id"),
                            "file_name": get("file_name"),
                            "content_type": get("content_type"),
                            "size_bytes": size,
                            "size": format!("{size} B"),
                            "state": "available",
                            "path": format!("{}.iix", get("sys_id")),
                        },
                    }),
                ));
            }
        }
        // Oldest first; at the same second, journal entries before files.
        entries.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        let total = entries.len();
        let page: Vec<Value> = entries.into_iter().skip(offset).take(limit).map(|e| e.2).collect();
        let number = case.get("number").cloned().unwrap_or_default();
        let reply = Reply::ok(json!({
            "result": {
                "display_value": number,
                "number": number,
                "short_description": case.get("short_description").cloned().unwrap_or_default(),
                "sys_created_on": case.get("sys_created_on").cloned().unwrap_or_default(),
                "sys_id": id,
                "label": "Case",
                "table": CASES,
                "entries": page,
                "journal_fields": [
                    {"name": "comments", "label": "Additional comments", "can_read": true, "can_write": true},
                    {"name": "work_notes", "label": "Work notes", "can_read": true, "can_write": true},
                ],
            }
        }));
        Ok(reply.with_header("x-total-count", total.to_string()).with_header(
            "link",
            links(state, req, offset, limit, total, true),
        ))
    })()
    .unwrap_or_else(|e| e)
}

fn attachment_file(state: &mut SimState, req: &Req) -> Reply {
    let sys_id = req.id(0);
    match (
        state.find("sys_attachment", sys_id),
        state.files.get(sys_id),
    ) {
        (Some(row), Some(bytes)) => Reply::file(
            row.get("content_type").cloned().unwrap_or_default(),
            bytes.clone(),
        ),
        _ => no_record(),
    }
}

/// Decodes an `application/x-www-form-urlencoded` body.
fn form(body: &[u8]) -> Vec<(String, String)> {
    fn decode(text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < bytes.len() => {
                    let hex = |b: u8| (b as char).to_digit(16);
                    match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                        (Some(h), Some(l)) => {
                            out.push((h * 16 + l) as u8);
                            i += 2;
                        }
                        _ => out.push(b'%'),
                    }
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    String::from_utf8_lossy(body)
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// `POST /oauth_token.do`: the client credentials, password and refresh token grants, from a
/// form-urlencoded body only.
fn oauth_token(_state: &mut SimState, req: &Req) -> Reply {
    let form_type = req.header("content-type").is_some_and(|t| {
        t.trim()
            .to_ascii_lowercase()
            .starts_with("application/x-www-form-urlencoded")
    });
    if !form_type {
        return http::oauth_error(
            400,
            "invalid_request",
            "the token request must be application/x-www-form-urlencoded",
        );
    }
    let fields = form(&req.body);
    let get = |n: &str| fields.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
    let host = req.header("host").unwrap_or_default().to_owned();
    if get("client_id") != Some(http::CLIENT_ID)
        || get("client_secret") != Some(http::CLIENT_SECRET)
    {
        return http::oauth_error(401, "access_denied", "invalid client credentials");
    }
    let scope = get("scope").unwrap_or("useraccount").to_owned();
    let refresh = match get("grant_type") {
        Some("client_credentials") => None,
        Some("password") => {
            if get("username") != Some(http::USER) || get("password") != Some(http::PASSWORD) {
                return http::oauth_error(401, "access_denied", "invalid user credentials");
            }
            Some(http::issue(&host, TokenKind::Refresh))
        }
        Some("refresh_token") => {
            let token = get("refresh_token").unwrap_or_default();
            if !http::live(&host, token, TokenKind::Refresh) {
                return http::oauth_error(401, "access_denied", "invalid refresh token");
            }
            Some(token.to_owned())
        }
        Some(other) => {
            return http::oauth_error(
                400,
                "unsupported_grant_type",
                &format!("grant type {other} is not supported"),
            );
        }
        None => return http::oauth_error(400, "invalid_request", "grant_type is required"),
    };
    let access = http::issue(&host, TokenKind::Access);
    let mut body = json!({
        "access_token": access,
        "scope": scope,
        "token_type": "Bearer",
        "expires_in": http::TOKEN_LIFESPAN,
    });
    if let (Some(refresh), Some(object)) = (refresh, body.as_object_mut()) {
        object.insert("refresh_token".into(), Value::String(refresh));
    }
    Reply::ok(body)
}
