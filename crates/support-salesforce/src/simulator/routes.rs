//! Salesforce's endpoints, in matching order: method, path (`{}` for an id), the query parameters
//! (`Params`) and body (`BodyRule`) each accepts, and its handler.

use std::cmp::Ordering;

use serde_json::{Map, Value, json};
use support_conformance::sim::{BodyRule, Params, Route};

use super::http::{
    self, DATA, Reply, Req, bad_request, invalid_field, json_object, malformed_query, not_found,
};
use super::query::{self, Soql};
use super::store::{
    CREATABLE, CUSTOM_FIELDS, MAX_BATCH, ORIGINS, PRIORITIES, Row, SCHEMA, STATUSES, SimState,
    UPDATABLE, fields_of, sf_time,
};

/// `GET /query?q=`.
pub const QUERY: &str = "/services/data/v64.0/query";
/// The scaffold adapter's placeholder connection check (not a Salesforce endpoint): served until
/// the adapter's own check lands, then to be removed.
/// The OAuth 2.0 token endpoint (on the login host or My Domain; here the instance itself).
pub const TOKEN_PATH: &str = "/services/oauth2/token";
/// `GET /limits`.
pub const LIMITS: &str = "/services/data/v64.0/limits";
/// The sObject rows root.
pub const SOBJECTS: &str = "/services/data/v64.0/sobjects";

/// Every endpoint the simulator serves.
pub static ROUTES: &[Route<SimState>] = &[
    Route::new("GET", QUERY, Params::ANY, BodyRule::Any, run_query),
    Route::new(
        "GET",
        "/services/data/v64.0/query/{}",
        Params::NONE,
        BodyRule::Any,
        query_more,
    ),
    Route::new("POST", TOKEN_PATH, Params::NONE, BodyRule::Any, oauth_token),
    Route::new("GET", LIMITS, Params::NONE, BodyRule::Any, limits),
    Route::new(
        "GET",
        "/services/data/v64.0/sobjects/Case/describe",
        Params::NONE,
        BodyRule::Any,
        describe_case,
    ),
    Route::new(
        "GET",
        "/services/data/v64.0/sobjects/ContentVersion/{}/VersionData",
        Params::NONE,
        BodyRule::Any,
        version_data,
    ),
    Route::new(
        "GET",
        "/services/data/v64.0/sobjects/Attachment/{}/Body",
        Params::NONE,
        BodyRule::Any,
        attachment_body,
    ),
    Route::new(
        "POST",
        "/services/data/v64.0/sobjects/ContentVersion",
        Params::NONE,
        BodyRule::Any,
        create,
    ),
    Route::new(
        "POST",
        "/services/data/v64.0/sobjects/Case",
        Params::NONE,
        BodyRule::Any,
        create,
    ),
    Route::new(
        "POST",
        "/services/data/v64.0/sobjects/CaseComment",
        Params::NONE,
        BodyRule::Any,
        create,
    ),
    Route::new(
        "POST",
        "/services/data/v64.0/sobjects/Topic",
        Params::NONE,
        BodyRule::Any,
        create,
    ),
    Route::new(
        "POST",
        "/services/data/v64.0/sobjects/TopicAssignment",
        Params::NONE,
        BodyRule::Any,
        create,
    ),
    Route::new(
        "PATCH",
        "/services/data/v64.0/sobjects/Case/{}",
        Params::NONE,
        BodyRule::Any,
        update,
    ),
    Route::new(
        "PATCH",
        "/services/data/v64.0/sobjects/CaseComment/{}",
        Params::NONE,
        BodyRule::Any,
        update,
    ),
    Route::new(
        "PATCH",
        "/services/data/v64.0/sobjects/Topic/{}",
        Params::NONE,
        BodyRule::Any,
        update,
    ),
    Route::new(
        "GET",
        "/services/data/v64.0/sobjects/Case/{}",
        Params::allowed(&["fields"]),
        BodyRule::Any,
        get_row,
    ),
    Route::new(
        "GET",
        "/services/data/v64.0/sobjects/CaseComment/{}",
        Params::allowed(&["fields"]),
        BodyRule::Any,
        get_row,
    ),
    Route::new(
        "GET",
        "/services/data/v64.0/sobjects/EmailMessage/{}",
        Params::allowed(&["fields"]),
        BodyRule::Any,
        get_row,
    ),
    Route::new(
        "GET",
        "/services/data/v64.0/sobjects/User/{}",
        Params::allowed(&["fields"]),
        BodyRule::Any,
        get_row,
    ),
    Route::new(
        "GET",
        "/services/data/v64.0/sobjects/Contact/{}",
        Params::allowed(&["fields"]),
        BodyRule::Any,
        get_row,
    ),
    Route::new(
        "GET",
        "/services/data/v64.0/sobjects/Group/{}",
        Params::allowed(&["fields"]),
        BodyRule::Any,
        get_row,
    ),
    Route::new(
        "GET",
        "/services/data/v64.0/sobjects/Topic/{}",
        Params::allowed(&["fields"]),
        BodyRule::Any,
        get_row,
    ),
    Route::new(
        "GET",
        "/services/data/v64.0/sobjects/TopicAssignment/{}",
        Params::allowed(&["fields"]),
        BodyRule::Any,
        get_row,
    ),
    Route::new(
        "GET",
        "/services/data/v64.0/sobjects/Knowledge__kav/{}",
        Params::allowed(&["fields"]),
        BodyRule::Any,
        get_row,
    ),
    Route::new(
        "GET",
        "/services/data/v64.0/sobjects/Entitlement/{}",
        Params::allowed(&["fields"]),
        BodyRule::Any,
        get_row,
    ),
    Route::new(
        "GET",
        "/services/data/v64.0/sobjects/SlaProcess/{}",
        Params::allowed(&["fields"]),
        BodyRule::Any,
        get_row,
    ),
    Route::new(
        "GET",
        "/services/data/v64.0/sobjects/MilestoneType/{}",
        Params::allowed(&["fields"]),
        BodyRule::Any,
        get_row,
    ),
    Route::new(
        "GET",
        "/services/data/v64.0/sobjects/CaseMilestone/{}",
        Params::allowed(&["fields"]),
        BodyRule::Any,
        get_row,
    ),
    Route::new(
        "DELETE",
        "/services/data/v64.0/sobjects/TopicAssignment/{}",
        Params::NONE,
        BodyRule::Any,
        delete,
    ),
];

/// The object named in an sObject path (`/sobjects/{Object}[/{id}]`).
fn object_of(req: &Req) -> &'static str {
    let name = req
        .path
        .strip_prefix(SOBJECTS)
        .and_then(|rest| rest.trim_start_matches('/').split('/').next())
        .unwrap_or_default();
    fields_of(name).map(|(n, _)| n).unwrap_or("")
}

fn attributes(object: &str, id: &str) -> Value {
    json!({"type": object, "url": format!("{SOBJECTS}/{object}/{id}")})
}

/// `GET /sobjects/Case/describe`: the object's fields (name, label, type, custom, createable,
/// updateable), the org's custom fields among them.
fn describe_case(_state: &mut SimState, _req: &Req) -> Reply {
    let Some((_, fields)) = fields_of("Case") else {
        return not_found();
    };
    let writable =
        |table: &[(&str, &'static [&'static str])], f: &str| allowed(table, "Case").contains(&f);
    let fields: Vec<Value> = fields
        .iter()
        .map(|name| {
            let custom = CUSTOM_FIELDS.iter().find(|(n, _, _)| n == name);
            let (label, kind) = match custom {
                Some((_, label, kind)) => ((*label).to_owned(), *kind),
                None => (
                    (*name).to_owned(),
                    if *name == "Id" { "id" } else { "string" },
                ),
            };
            json!({
                "name": name, "label": label, "type": kind, "custom": custom.is_some(),
                "createable": writable(CREATABLE, name), "updateable": writable(UPDATABLE, name),
                "externalId": *name == "Legacy_Id__c", "nillable": *name != "Id",
            })
        })
        .collect();
    Reply::ok(json!({"name": "Case", "label": "Case", "custom": false, "fields": fields}))
}

/// `GET /sobjects/ContentVersion/{id}/VersionData`: the version's bytes.
fn version_data(state: &mut SimState, req: &Req) -> Reply {
    blob(state, "ContentVersion", req.id(0), |row| {
        let ext = lookup(row, "FileExtension");
        match ext.as_str() {
            Some("txt") => "text/plain".to_owned(),
            Some("pdf") => "application/pdf".to_owned(),
            _ => "application/octet-stream".to_owned(),
        }
    })
}

/// `GET /sobjects/Attachment/{id}/Body`: the attachment's bytes, with its content type.
fn attachment_body(state: &mut SimState, req: &Req) -> Reply {
    blob(state, "Attachment", req.id(0), |row| {
        lookup(row, "ContentType")
            .as_str()
            .unwrap_or("application/octet-stream")
            .to_owned()
    })
}

fn blob(state: &SimState, object: &str, id: &str, content_type: impl Fn(&Row) -> String) -> Reply {
    let Some(row) = state.find(object, id) else {
        return not_found();
    };
    let key = lookup(row, "Id").as_str().unwrap_or_default().to_owned();
    match state.blobs.get(&key) {
        Some(bytes) => Reply::file(content_type(row), bytes.clone()),
        None => not_found(),
    }
}

fn limits(state: &mut SimState, _req: &Req) -> Reply {
    Reply::ok(json!({
        "DailyApiRequests": {"Max": http::DAILY_LIMIT, "Remaining": http::DAILY_LIMIT.saturating_sub(state.api_used)},
    }))
}

/// The value of `field` (`Owner.Name` follows `OwnerId`) of a row.
fn value_of(state: &SimState, row: &Row, field: &str) -> Value {
    match field.split_once('.') {
        None => lookup(row, field),
        Some((relation, rest)) => {
            let Some(id) = lookup(row, &relation_key(relation))
                .as_str()
                .map(str::to_owned)
            else {
                return Value::Null;
            };
            match state.find_any(&id) {
                Some((_, target)) => value_of(state, target, rest),
                None => Value::Null,
            }
        }
    }
}

fn lookup(row: &Row, field: &str) -> Value {
    row.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(field))
        .map(|(_, v)| v.clone())
        .unwrap_or(Value::Null)
}

/// The id field a relationship follows (`Owner` -> `OwnerId`, `Foo__r` -> `Foo__c`).
fn relation_key(relation: &str) -> String {
    match relation.strip_suffix("__r") {
        Some(custom) => format!("{custom}__c"),
        None => format!("{relation}Id"),
    }
}

/// Whether `field` exists on `object` (relationships: on some object the id may point to).
fn known_field(object: &str, field: &str) -> bool {
    let Some((_, fields)) = fields_of(object) else {
        return false;
    };
    match field.split_once('.') {
        None => fields.iter().any(|f| f.eq_ignore_ascii_case(field)),
        Some((relation, rest)) => {
            let key = relation_key(relation);
            fields.iter().any(|f| f.eq_ignore_ascii_case(&key))
                && SCHEMA.iter().any(|(o, _)| known_field(o, rest))
        }
    }
}

/// A record of a query answer: `attributes` and the selected fields (relationships nested).
fn record(state: &SimState, object: &str, row: &Row, fields: &[String]) -> Value {
    let id = lookup(row, "Id");
    let mut out = Map::new();
    out.insert(
        "attributes".into(),
        attributes(object, id.as_str().unwrap_or_default()),
    );
    for field in fields {
        put(state, object, row, field, &mut out);
    }
    Value::Object(out)
}

fn canonical_name(object: &str, field: &str) -> String {
    fields_of(object)
        .and_then(|(_, fs)| fs.iter().find(|f| f.eq_ignore_ascii_case(field)))
        .map(|f| (*f).to_owned())
        .unwrap_or_else(|| field.to_owned())
}

fn put(state: &SimState, object: &str, row: &Row, field: &str, out: &mut Map<String, Value>) {
    match field.split_once('.') {
        None => {
            out.insert(canonical_name(object, field), lookup(row, field));
        }
        Some((relation, rest)) => {
            let target = lookup(row, &relation_key(relation))
                .as_str()
                .and_then(|id| state.find_any(id));
            let Some((target_object, target_row)) = target else {
                out.entry(relation.to_owned()).or_insert(Value::Null);
                return;
            };
            let entry = out.entry(relation.to_owned()).or_insert_with(|| {
                let id = lookup(target_row, "Id");
                json!({"attributes": attributes(target_object, id.as_str().unwrap_or_default())})
            });
            if let Value::Object(nested) = entry {
                put(state, target_object, target_row, rest, nested);
            }
        }
    }
}

fn run_query(state: &mut SimState, req: &Req) -> Reply {
    if req.params.iter().any(|(name, _)| name != "q") || req.params_named("q").len() != 1 {
        return malformed_query("the query resource takes one parameter, q");
    }
    let q = req.param("q").unwrap_or_default().to_owned();
    state.queries.push(q.clone());
    let soql = match query::parse(&q) {
        Ok(soql) => soql,
        Err(detail) => return malformed_query(&detail),
    };
    // SOQL reference, OFFSET: at most 2,000 rows; not in a semi-join.
    if soql.offset.is_some_and(|n| n > 2000) {
        return bad_request(
            "NUMBER_OUTSIDE_VALID_RANGE",
            "Maximum SOQL offset allowed is 2000",
            &[],
        );
    }
    if let Some(cond) = &soql.filter {
        let mut subs = Vec::new();
        query::sub_queries(cond, &mut subs);
        if subs.iter().any(|sub| sub.offset.is_some()) {
            return malformed_query("OFFSET is not allowed in a semi-join");
        }
    }
    let object = match check_names(&soql) {
        Ok(object) => object,
        Err(reply) => return reply,
    };
    // Object Reference, ContentDocumentLink: a query must filter on ContentDocumentId or
    // LinkedEntityId (`=` one id, or `IN` several).
    if object == "ContentDocumentLink" {
        let mut named = Vec::new();
        if let Some(cond) = &soql.filter {
            query::cond_fields(cond, &mut named);
        }
        if !named.iter().any(|f| {
            f.eq_ignore_ascii_case("LinkedEntityId") || f.eq_ignore_ascii_case("ContentDocumentId")
        }) {
            return malformed_query(
                "Implementation restriction: ContentDocumentLink requires a filter by a single Id \
                 on ContentDocumentId or LinkedEntityId using the equals operator or multiple \
                 Id's using the IN operator.",
            );
        }
    }
    // `Sforce-Query-Options: batchSize=n` asks for batches of n (200 to 2,000; a request, not a
    // promise); `SimState::batch_size` caps it for tests.
    let asked = req.header("sforce-query-options").and_then(|v| {
        v.split(',')
            .find_map(|o| o.trim().strip_prefix("batchSize="))
            .map(str::to_owned)
    });
    let size = match asked {
        None => MAX_BATCH,
        Some(n) => match n.trim().parse::<usize>() {
            Ok(n) => n.clamp(200, MAX_BATCH),
            Err(_) => {
                return bad_request("INVALID_QUERY_OPTIONS", "batchSize must be a number", &[]);
            }
        },
    };
    let reply = answer_query(state, object, &soql, size.min(state.batch_size));
    expire_mid_listing(state, req, &reply);
    reply
}

/// The `expire_tokens_mid_listing` hook.
fn expire_mid_listing(state: &mut SimState, req: &Req, reply: &Reply) {
    let more = reply
        .body
        .as_ref()
        .is_some_and(|b| b.get("nextRecordsUrl").is_some());
    if more && state.expire_tokens_mid_listing {
        state.expire_tokens_mid_listing = false;
        http::expire(req.header("host").unwrap_or_default());
    }
}

/// The values a semi-join's query selects (unknown objects or fields select nothing; they are
/// checked before).
fn semi_join(state: &SimState, sub: &Soql) -> Vec<Value> {
    let Some((object, _)) = fields_of(&sub.object) else {
        return Vec::new();
    };
    state
        .rows(object)
        .iter()
        .filter(|row| {
            sub.filter.as_ref().is_none_or(|cond| {
                query::eval(cond, &|field| value_of(state, row, field), &|inner| {
                    semi_join(state, inner)
                })
            })
        })
        .map(|row| value_of(state, row, &sub.fields[0]))
        .collect()
}

/// The first unknown object or field of a query (semi-joins included), as the 400 it is.
fn check_names(soql: &Soql) -> Result<&'static str, Reply> {
    let Some((object, _)) = fields_of(&soql.object) else {
        return Err(bad_request(
            "INVALID_TYPE",
            &format!("sObject type '{}' is not supported.", soql.object),
            &[],
        ));
    };
    let mut named = soql.fields.clone();
    if let Some(cond) = &soql.filter {
        query::cond_fields(cond, &mut named);
        let mut subs = Vec::new();
        query::sub_queries(cond, &mut subs);
        for sub in subs {
            check_names(sub)?;
        }
    }
    named.extend(soql.order.iter().map(|(f, _, _)| f.clone()));
    if let Some(bad) = named.iter().find(|f| !known_field(object, f)) {
        return Err(invalid_field(object, bad));
    }
    Ok(object)
}

fn answer_query(state: &mut SimState, object: &'static str, soql: &Soql, size: usize) -> Reply {
    let mut rows: Vec<&Row> = state
        .rows(object)
        .iter()
        .filter(|row| {
            soql.filter.as_ref().is_none_or(|cond| {
                query::eval(cond, &|field| value_of(state, row, field), &|sub| {
                    semi_join(state, sub)
                })
            })
        })
        .collect();
    if !soql.order.is_empty() {
        rows.sort_by(|a, b| {
            soql.order
                .iter()
                .map(|(f, desc, nulls_last)| {
                    let (x, y) = (value_of(state, a, f), value_of(state, b, f));
                    let o = query::order_values(&x, &y, *nulls_last);
                    if *desc && !x.is_null() && !y.is_null() {
                        o.reverse()
                    } else {
                        o
                    }
                })
                .find(|o| *o != Ordering::Equal)
                .unwrap_or(Ordering::Equal)
        });
    }
    let rows: Vec<&Row> = rows
        .into_iter()
        .skip(soql.offset.unwrap_or(0))
        .take(soql.limit.unwrap_or(usize::MAX))
        .collect();
    let records: Vec<Value> = rows
        .iter()
        .map(|row| record(state, object, row, &soql.fields))
        .collect();
    if soql.offset.is_some() {
        // With OFFSET only the first batch is returned; there is no cursor to the rest.
        let mut records = records;
        records.truncate(size.max(1));
        return batch(state, records, 0, size);
    }
    batch(state, records, 0, size)
}

/// One batch of a query's records from `offset`; the rest stay behind a locator.
fn batch(state: &mut SimState, records: Vec<Value>, offset: usize, size: usize) -> Reply {
    let total = records.len();
    let size = size.max(1);
    let end = (offset + size).min(total);
    let page: Vec<Value> = records.get(offset..end).unwrap_or_default().to_vec();
    let mut body = json!({"totalSize": total, "done": end >= total, "records": page});
    if end < total {
        state.next += 1;
        let locator = super::store::new_id("QueryLocator", state.next);
        body["nextRecordsUrl"] = json!(format!("{DATA}/query/{locator}-{end}"));
        state.cursors.insert(locator, (records, end, size));
    }
    Reply::ok(body)
}

fn query_more(state: &mut SimState, req: &Req) -> Reply {
    let locator = req.id(0).to_owned();
    // A locator may be read again while its cursor lives (the port pages within a batch).
    match state.cursors.get(&locator).cloned() {
        Some((records, offset, size)) => {
            let reply = batch(state, records, offset, size);
            expire_mid_listing(state, req, &reply);
            reply
        }
        None => bad_request("INVALID_QUERY_LOCATOR", "invalid query locator", &[]),
    }
}

fn get_row(state: &mut SimState, req: &Req) -> Reply {
    let object = object_of(req);
    let Some(row) = state.find(object, req.id(0)).cloned() else {
        return not_found();
    };
    let fields: Vec<String> = match req.param("fields") {
        Some(list) => list.split(',').map(|f| f.trim().to_owned()).collect(),
        None => fields_of(object)
            .map(|(_, fs)| fs.iter().map(|f| (*f).to_owned()).collect())
            .unwrap_or_default(),
    };
    if let Some(bad) = fields.iter().find(|f| !known_field(object, f)) {
        return invalid_field(object, bad);
    }
    Reply::ok(record(state, object, &row, &fields))
}

fn allowed(table: &[(&str, &'static [&'static str])], object: &str) -> &'static [&'static str] {
    table
        .iter()
        .find(|(o, _)| *o == object)
        .map(|(_, f)| *f)
        .unwrap_or(&[])
}

/// The checks of a write body: known, writable fields; picklist values; references.
fn check_body(
    state: &SimState,
    object: &str,
    body: &Map<String, Value>,
    writable: &[&str],
) -> Result<(), Reply> {
    for (field, value) in body {
        if !known_field(object, field) {
            return Err(invalid_field(object, field));
        }
        if !writable.iter().any(|w| w == field) {
            return Err(bad_request(
                "INVALID_FIELD_FOR_INSERT_UPDATE",
                &format!(
                    "Unable to create/update fields: {field}. Please check the security settings of this field and verify that it is read/write for your profile or permission set."
                ),
                &[field],
            ));
        }
        let text = value.as_str();
        let picklist: Option<Vec<&str>> = match (object, field.as_str()) {
            ("Case", "Status") => Some(STATUSES.iter().map(|(s, _)| *s).collect()),
            ("Case", "Priority") => Some(PRIORITIES.to_vec()),
            ("Case", "Origin") => Some(ORIGINS.to_vec()),
            _ => None,
        };
        if let Some(values) = picklist
            && !value.is_null()
            && !text.is_some_and(|t| values.contains(&t))
        {
            return Err(bad_request(
                "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                &format!("{field}: bad value for restricted picklist field: {value}"),
                &[field],
            ));
        }
        let reference: Option<&[&str]> = match field.as_str() {
            "OwnerId" => Some(&["User", "Group"]),
            "ContactId" => Some(&["Contact"]),
            "ParentId" => Some(&["Case"]),
            "EntityId" => Some(&["Case"]),
            "TopicId" => Some(&["Topic"]),
            "EntitlementId" => Some(&["Entitlement"]),
            "FirstPublishLocationId" => Some(&["Case", "EmailMessage", "User"]),
            _ => None,
        };
        if let Some(targets) = reference
            && !value.is_null()
        {
            let found = text.and_then(|id| state.find_any(id)).filter(|(o, row)| {
                targets.contains(o)
                    && (*o != "Group" || lookup(row, "Type") == json!("Queue"))
                    && (*o != "User" || lookup(row, "IsActive") == json!(true))
            });
            if found.is_none() {
                return Err(bad_request(
                    "FIELD_INTEGRITY_EXCEPTION",
                    &format!("{field}: id value of incorrect type: {value}"),
                    &[field],
                ));
            }
        }
        if field == "Subject" && text.is_some_and(|t| t.chars().count() > 255) {
            return Err(bad_request(
                "STRING_TOO_LONG",
                "Subject: data value too large",
                &[field],
            ));
        }
        if field == "CommentBody" && text.is_some_and(|t| t.len() > 4000) {
            return Err(bad_request(
                "STRING_TOO_LONG",
                "Body: data value too large",
                &[field],
            ));
        }
        let number = CUSTOM_FIELDS
            .iter()
            .any(|(name, _, kind)| name == field && *kind == "double");
        if number {
            if !value.is_null() && !value.is_number() {
                return Err(bad_request(
                    "JSON_PARSER_ERROR",
                    &format!("Cannot deserialize instance of double from {value}"),
                    &[field],
                ));
            }
            continue;
        }
        let boolean = matches!(field.as_str(), "IsPublished");
        if boolean && !value.is_boolean() {
            return Err(bad_request(
                "JSON_PARSER_ERROR",
                &format!("Cannot deserialize instance of boolean from {value}"),
                &[field],
            ));
        }
        if !boolean && !value.is_null() && text.is_none() {
            return Err(bad_request(
                "JSON_PARSER_ERROR",
                &format!("Cannot deserialize instance of string from {value}"),
                &[field],
            ));
        }
    }
    Ok(())
}

/// Applies a case's assignment rule unless the request turns it off (`Sforce-Auto-Assign: FALSE`):
/// the org's rule sends every case it runs on to the first queue.
fn assignment_rule(state: &mut SimState, req: &Req, id: &str) {
    let header = req.header("sforce-auto-assign").map(str::to_owned);
    state
        .auto_assign
        .push((req.method.clone(), req.path.clone(), header.clone()));
    if header.is_some_and(|h| h.trim().eq_ignore_ascii_case("false")) {
        return;
    }
    let queue = state
        .rows("Group")
        .iter()
        .find(|g| lookup(g, "Type") == json!("Queue"))
        .and_then(|g| lookup(g, "Id").as_str().map(str::to_owned));
    if let (Some(queue), Some(row)) = (queue, state.find_mut("Case", id)) {
        row.insert("OwnerId".into(), json!(queue));
    }
}

fn status_closed(status: &Value) -> bool {
    STATUSES
        .iter()
        .any(|(s, closed)| *closed && status.as_str() == Some(*s))
}

fn create(state: &mut SimState, req: &Req) -> Reply {
    let object = object_of(req);
    let body = match json_object(req) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    if let Err(reply) = check_body(state, object, &body, allowed(CREATABLE, object)) {
        return reply;
    }
    let mut row: Row = body.clone();
    match object {
        "Case" => {
            if !row.contains_key("Status") {
                row.insert("Status".into(), json!(STATUSES[0].0));
            }
            let closed = status_closed(&row["Status"]);
            let at = sf_time(&state.clock.creation_time());
            state.next += 1;
            row.insert(
                "CaseNumber".into(),
                json!(format!("{:08}", 1000 + state.next)),
            );
            row.insert("IsClosed".into(), json!(closed));
            row.insert(
                "ClosedDate".into(),
                if closed { json!(at) } else { Value::Null },
            );
            row.insert("CreatedDate".into(), json!(at));
            row.insert("LastModifiedDate".into(), json!(at));
            row.entry("Priority").or_insert(json!("Medium"));
            row.insert("IsDeleted".into(), json!(false));
            row.insert("IsEscalated".into(), json!(false));
        }
        "CaseComment" => {
            if !row.get("ParentId").is_some_and(Value::is_string) {
                return bad_request(
                    "REQUIRED_FIELD_MISSING",
                    "Required fields are missing: [ParentId]",
                    &["ParentId"],
                );
            }
            row.entry("IsPublished").or_insert(json!(false));
            let at = sf_time(&state.clock.tick());
            row.insert("CreatedDate".into(), json!(at));
            row.insert("CreatedById".into(), json!(state.api_user.clone()));
            row.insert("IsDeleted".into(), json!(false));
        }
        "Topic" => {
            let name = row
                .get("Name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            if name.trim().is_empty() {
                return bad_request(
                    "REQUIRED_FIELD_MISSING",
                    "Required fields are missing: [Name]",
                    &["Name"],
                );
            }
            if state.rows("Topic").iter().any(|t| {
                lookup(t, "Name")
                    .as_str()
                    .is_some_and(|n| n.eq_ignore_ascii_case(&name))
            }) {
                return bad_request("DUPLICATE_VALUE", "duplicate value found: Name", &["Name"]);
            }
            row.insert("TalkingAbout".into(), json!(0));
            row.insert(
                "CreatedDate".into(),
                json!(sf_time(&state.clock.creation_time())),
            );
        }
        "TopicAssignment" => {
            let (Some(topic), Some(entity)) = (
                row.get("TopicId")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                row.get("EntityId")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            ) else {
                return bad_request(
                    "REQUIRED_FIELD_MISSING",
                    "Required fields are missing: [TopicId, EntityId]",
                    &["TopicId", "EntityId"],
                );
            };
            let taken = state.rows("TopicAssignment").iter().any(|a| {
                lookup(a, "TopicId")
                    .as_str()
                    .is_some_and(|t| ids_equal(t, &topic))
                    && lookup(a, "EntityId")
                        .as_str()
                        .is_some_and(|e| ids_equal(e, &entity))
            });
            if taken {
                return bad_request(
                    "DUPLICATE_VALUE",
                    "duplicate value found: TopicId",
                    &["TopicId"],
                );
            }
            row.insert("EntityType".into(), json!("Case"));
            row.insert(
                "CreatedDate".into(),
                json!(sf_time(&state.clock.creation_time())),
            );
        }
        "ContentVersion" => {
            return create_version(state, row);
        }
        _ => return not_found(),
    }
    // References are stored as 18-character ids, as Salesforce stores them.
    for (_, value) in row.iter_mut() {
        if let Some(id) = value.as_str()
            && id.len() == 15
            && let Some((_, target)) = state.find_any(id)
        {
            *value = lookup(target, "Id");
        }
    }
    let id = state.insert(object, row);
    if object == "Case" {
        assignment_rule(state, req, &id);
    }
    Reply::created(json!({"id": id, "success": true, "errors": []}))
}

/// A new `ContentVersion` (REST API, "Insert or Update Blob Data": `VersionData` base64 in a JSON
/// body): `PathOnClient` is required and names the file's extension; the version gets a new
/// `ContentDocument`, linked to the `FirstPublishLocationId` record when one is given.
fn create_version(state: &mut SimState, mut row: Row) -> Reply {
    use base64::Engine as _;
    let Some(path) = row
        .get("PathOnClient")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .filter(|p| !p.trim().is_empty())
    else {
        return bad_request(
            "REQUIRED_FIELD_MISSING",
            "Required fields are missing: [PathOnClient]",
            &["PathOnClient"],
        );
    };
    let Some(bytes) = row
        .get("VersionData")
        .and_then(Value::as_str)
        .and_then(|data| base64::engine::general_purpose::STANDARD.decode(data).ok())
    else {
        return bad_request(
            "REQUIRED_FIELD_MISSING",
            "Required fields are missing: [VersionData] (base64)",
            &["VersionData"],
        );
    };
    let extension = path
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    let file_type = match extension.as_str() {
        "txt" => "TEXT",
        "pdf" => "PDF",
        _ => "UNKNOWN",
    };
    let title = row
        .get("Title")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| path.clone());
    let at = sf_time(&state.clock.tick());
    let location = row
        .get("FirstPublishLocationId")
        .and_then(Value::as_str)
        .and_then(|id| state.find_any(id))
        .map(|(_, target)| lookup(target, "Id"));
    let document = state.insert(
        "ContentDocument",
        super::store::row_of(json!({
            "Title": title, "FileExtension": extension, "FileType": file_type,
            "ContentSize": bytes.len(), "LatestPublishedVersionId": null, "CreatedDate": at,
        })),
    );
    row.insert("ContentDocumentId".into(), json!(document));
    row.insert("Title".into(), json!(title));
    row.insert("FileExtension".into(), json!(extension));
    row.insert("FileType".into(), json!(file_type));
    row.insert("ContentSize".into(), json!(bytes.len()));
    row.insert("IsLatest".into(), json!(true));
    row.insert("CreatedDate".into(), json!(at));
    if let Some(location) = &location {
        row.insert("FirstPublishLocationId".into(), location.clone());
    }
    let version = state.insert("ContentVersion", row);
    if let Some(row) = state.find_mut("ContentVersion", &version) {
        row.insert(
            "VersionData".into(),
            json!(format!(
                "{DATA}/sobjects/ContentVersion/{version}/VersionData"
            )),
        );
    }
    if let Some(doc) = state.find_mut("ContentDocument", &document) {
        doc.insert("LatestPublishedVersionId".into(), json!(version));
    }
    state.blobs.insert(version.clone(), bytes);
    if let Some(location) = location {
        state.insert(
            "ContentDocumentLink",
            super::store::row_of(json!({
                "LinkedEntityId": location, "ContentDocumentId": document,
                "ShareType": "V", "Visibility": "AllUsers",
            })),
        );
    }
    Reply::created(json!({"id": version, "success": true, "errors": []}))
}

fn ids_equal(a: &str, b: &str) -> bool {
    match (a.len(), b.len()) {
        (15, 18) => b.starts_with(a),
        (18, 15) => a.starts_with(b),
        _ => a.eq_ignore_ascii_case(b),
    }
}

fn update(state: &mut SimState, req: &Req) -> Reply {
    let object = object_of(req);
    let id = req.id(0).to_owned();
    if state.find(object, &id).is_none() {
        return not_found();
    }
    let body = match json_object(req) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    if let Err(reply) = check_body(state, object, &body, allowed(UPDATABLE, object)) {
        return reply;
    }
    let at = sf_time(&state.clock.tick());
    let mut resolved = Map::new();
    for (field, value) in body {
        let value = match value.as_str().filter(|v| v.len() == 15) {
            Some(short) => state
                .find_any(short)
                .map(|(_, target)| lookup(target, "Id"))
                .unwrap_or(value),
            None => value,
        };
        resolved.insert(field, value);
    }
    let Some(row) = state.find_mut(object, &id) else {
        return not_found();
    };
    for (field, value) in resolved {
        row.insert(field, value);
    }
    if object == "Case" {
        let closed = status_closed(&row["Status"]);
        let was = row
            .get("IsClosed")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        row.insert("IsClosed".into(), json!(closed));
        if closed && !was {
            row.insert("ClosedDate".into(), json!(at));
        } else if !closed {
            row.insert("ClosedDate".into(), Value::Null);
        }
        row.insert("LastModifiedDate".into(), json!(at));
        assignment_rule(state, req, &id);
    }
    Reply::empty(204)
}

fn delete(state: &mut SimState, req: &Req) -> Reply {
    let object = object_of(req);
    let id = req.id(0).to_owned();
    let Some(rows) = state.objects.get_mut(object) else {
        return not_found();
    };
    let before = rows.len();
    rows.retain(|r| !super::store::same_id(r, &id));
    if rows.len() == before {
        return not_found();
    }
    Reply::empty(204)
}

/// `POST /services/oauth2/token`: the refresh-token and client-credentials grants, from a
/// form-urlencoded body. The answer has no `expires_in` (Salesforce sends none); its
/// `instance_url` is this server.
fn oauth_token(_state: &mut SimState, req: &Req) -> Reply {
    let form_type = req.header("content-type").is_some_and(|t| {
        t.trim()
            .to_ascii_lowercase()
            .starts_with("application/x-www-form-urlencoded")
    });
    if !form_type {
        return http::oauth_error("invalid_request", "unsupported content type");
    }
    let fields = form(&req.body);
    let get = |n: &str| fields.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
    let basic = support_conformance::sim::basic_credentials(req.header("authorization"));
    let (id, secret) = match &basic {
        Some((id, secret)) => (Some(id.as_str()), Some(secret.as_str())),
        None => (get("client_id"), get("client_secret")),
    };
    if id != Some(http::CLIENT_ID) {
        return http::oauth_error("invalid_client_id", "client identifier invalid");
    }
    match get("grant_type") {
        Some("refresh_token") => {
            if secret.is_some_and(|s| s != http::CLIENT_SECRET) {
                return http::oauth_error("invalid_client", "invalid client credentials");
            }
            if get("refresh_token") != Some(http::REFRESH_TOKEN) {
                return http::oauth_error("invalid_grant", "expired access/refresh token");
            }
        }
        Some("client_credentials") => {
            if secret != Some(http::CLIENT_SECRET) {
                return http::oauth_error("invalid_client", "invalid client credentials");
            }
        }
        Some(_) => return http::oauth_error("unsupported_grant_type", "grant type not supported"),
        None => return http::oauth_error("invalid_request", "grant_type is required"),
    }
    let host = req.header("host").unwrap_or_default().to_owned();
    let token = http::issue(&host);
    Reply::ok(json!({
        "access_token": token,
        "signature": "c2lnbmF0dXJl",
        "scope": "api refresh_token",
        "instance_url": format!("http://{host}"),
        "id": format!("http://{host}/id/00Dsim000000001AAA/005sim000000001AAA"),
        "token_type": "Bearer",
        "issued_at": "1767600000000",
    }))
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
