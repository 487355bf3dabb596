//! `POST /api/v2/tickets` and `PUT /api/v2/tickets/{id}`: validation as Zendesk answers it (422
//! `RecordInvalid` with per-field details), the stored effect, and the audit of the change.

use serde_json::{Map, Value, json};
use support_conformance::world::strip_tags;

use super::http::{Reply, Req, bad_request, not_found, record_invalid};
use super::store::{
    CommentRec, IdempotentCreate, ME, SimState, TicketRec, UserRec, comment_html, escape_html, time,
};

const PRIORITIES: [&str; 4] = ["low", "normal", "high", "urgent"];
/// Statuses a request may set (`closed` is Zendesk's own, after `solved`).
const SETTABLE_STATUSES: [&str; 5] = ["new", "open", "pending", "hold", "solved"];
const TYPES: [&str; 4] = ["question", "incident", "problem", "task"];

/// Validation failures: `(field, description, error)`.
type Errors = Vec<(String, String, String)>;

fn invalid(errors: &mut Errors, field: &str, description: impl Into<String>, error: &str) {
    errors.push((field.to_owned(), description.into(), error.to_owned()));
}

fn title(field: &str) -> String {
    let mut chars = field.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// A string field: absent or null is `None`; anything but a string is invalid.
fn text(t: &Map<String, Value>, name: &str, errors: &mut Errors) -> Option<Option<String>> {
    match t.get(name)? {
        Value::Null => Some(None),
        Value::String(s) => Some(Some(s.clone())),
        _ => {
            invalid(
                errors,
                name,
                format!("{}: is not a string", title(name)),
                "InvalidValue",
            );
            None
        }
    }
}

/// An id field: absent is `None`, null `Some(None)`; anything but a non-negative integer is invalid.
fn id_field(t: &Map<String, Value>, name: &str, errors: &mut Errors) -> Option<Option<u64>> {
    match t.get(name)? {
        Value::Null => Some(None),
        Value::Number(n) if n.as_u64().is_some() => Some(n.as_u64()),
        _ => {
            invalid(
                errors,
                name,
                format!("{}: is not a number", title(name)),
                "InvalidValue",
            );
            None
        }
    }
}

/// An enumerated string field; `None` when absent.
fn choice(
    t: &Map<String, Value>,
    name: &str,
    allowed: &[&str],
    errors: &mut Errors,
) -> Option<Option<String>> {
    let value = text(t, name, errors)?;
    if let Some(v) = &value
        && !allowed.contains(&v.as_str())
    {
        invalid(
            errors,
            name,
            format!("{}: {v} is not valid", title(name)),
            "InvalidValue",
        );
        return None;
    }
    Some(value)
}

fn tag_list(value: &Value, field: &str, errors: &mut Errors) -> Option<Vec<String>> {
    let tags: Vec<String> = match value {
        Value::Null => Vec::new(),
        Value::String(s) => s.split_whitespace().map(str::to_owned).collect(),
        Value::Array(items) => {
            let strings: Option<Vec<String>> = items
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect();
            let Some(strings) = strings else {
                invalid(errors, field, "Tags: must be strings", "InvalidValue");
                return None;
            };
            strings
        }
        _ => {
            invalid(
                errors,
                field,
                "Tags: must be a list or a string",
                "InvalidValue",
            );
            return None;
        }
    };
    let mut unique = Vec::new();
    for tag in tags {
        if !tag.is_empty() && !unique.contains(&tag) {
            unique.push(tag);
        }
    }
    Some(unique)
}

/// A comment of a request body.
#[derive(Clone, Debug, PartialEq)]
struct NewComment {
    text: String,
    html: String,
    public: bool,
    author_id: Option<u64>,
    /// Upload tokens whose files the comment carries.
    uploads: Vec<String>,
}

fn comment(value: &Value, errors: &mut Errors) -> Option<NewComment> {
    let Value::Object(c) = value else {
        invalid(
            errors,
            "comment",
            "Comment: must be an object",
            "InvalidValue",
        );
        return None;
    };
    let body = text(c, "body", errors)
        .flatten()
        .filter(|b| !b.trim().is_empty());
    let html = text(c, "html_body", errors)
        .flatten()
        .filter(|h| !strip_tags(h).trim().is_empty());
    let public = match c.get("public") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            invalid(
                errors,
                "comment",
                "Comment: public must be true or false",
                "InvalidValue",
            );
            true
        }
    };
    let author_id = id_field(c, "author_id", errors).flatten();
    let uploads = match c.get("uploads") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(tokens)) if tokens.iter().all(Value::is_string) => tokens
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Some(_) => {
            invalid(
                errors,
                "comment",
                "Comment: uploads must be a list of upload tokens",
                "InvalidValue",
            );
            Vec::new()
        }
    };
    let (text, html) = match (body, html) {
        (_, Some(html)) => (strip_tags(&html), html),
        (Some(body), None) => {
            let inner = format!("<p>{}</p>", escape_html(&body).replace('\n', "<br>"));
            (body, inner)
        }
        (None, None) => return None,
    };
    Some(NewComment {
        text,
        html: comment_html(&html),
        public,
        author_id,
        uploads,
    })
}

/// The files of the upload tokens a comment names, taken from the pending uploads (a token is
/// used once); an unknown token is a validation error.
fn take_uploads(
    st: &mut SimState,
    tokens: &[String],
    errors: &mut Errors,
) -> Vec<super::store::AttachmentRec> {
    if let Some(unknown) = tokens.iter().find(|t| !st.uploads.contains_key(*t)) {
        invalid(
            errors,
            "comment",
            format!("Comment: upload token {unknown} is invalid or expired"),
            "InvalidValue",
        );
        return Vec::new();
    }
    if !errors.is_empty() {
        return Vec::new();
    }
    tokens
        .iter()
        .filter_map(|t| st.uploads.remove(t))
        .flatten()
        .collect()
}

fn check_assignment(st: &SimState, assignee: Option<u64>, group: Option<u64>, errors: &mut Errors) {
    if let Some(agent) = assignee
        && !st.users.get(&agent).is_some_and(UserRec::is_agent)
    {
        invalid(errors, "assignee", "Assignee: is invalid", "InvalidValue");
        return;
    }
    if let Some(group) = group
        && !st.groups.iter().any(|g| g.id == group)
    {
        invalid(errors, "group", "Group: is invalid", "InvalidValue");
        return;
    }
    if let (Some(agent), Some(group)) = (assignee, group)
        && !st.groups_of(agent).contains(&group)
    {
        invalid(
            errors,
            "assignee",
            "Assignee: is not a member of the group",
            "InvalidValue",
        );
    }
}

fn custom_fields(value: &Value, errors: &mut Errors) -> Option<Vec<Value>> {
    let ok = value.as_array().is_some_and(|items| {
        items
            .iter()
            .all(|f| f.get("id").and_then(Value::as_u64).is_some())
    });
    if !ok {
        invalid(
            errors,
            "custom_fields",
            "Custom fields: each needs a numeric id",
            "InvalidValue",
        );
        return None;
    }
    value.as_array().cloned()
}

fn merge_fields(current: &mut Vec<Value>, changes: Vec<Value>) {
    for change in changes {
        let id = change.get("id").cloned();
        match current.iter_mut().find(|f| f.get("id").cloned() == id) {
            Some(field) => *field = change,
            None => current.push(change),
        }
    }
}

fn comment_event(st: &SimState, c: &CommentRec) -> Value {
    json!({
        "id": c.id,
        "type": "Comment",
        "author_id": c.author_id,
        "body": c.body,
        "html_body": c.html_body,
        "plain_body": c.body,
        "public": c.public,
        "attachments": c.attachments.iter().map(|a| st.attachment_json(a)).collect::<Vec<_>>(),
        "audit_id": c.audit_id,
        "created_at": time(&c.created_at),
    })
}

fn id_text(id: Option<u64>) -> Value {
    id.map_or(Value::Null, |id| json!(id.to_string()))
}

fn audit(st: &mut SimState, ticket_id: u64, at: &str, events: Vec<Value>) -> Value {
    let id = st.next_audit_id;
    st.next_audit_id += 1;
    json!({
        "id": id,
        "ticket_id": ticket_id,
        "created_at": at,
        "author_id": ME,
        "metadata": {"system": {}, "custom": {}},
        "via": {"channel": "api", "source": {"from": {}, "to": {}, "rel": null}},
        "events": events,
    })
}

fn field_event(
    st: &mut SimState,
    kind: &str,
    field: &str,
    value: Value,
    previous: Option<Value>,
) -> Value {
    let id = st.next_event_id;
    st.next_event_id += 1;
    let mut event = json!({"id": id, "type": kind, "field_name": field, "value": value});
    if let (Some(previous), Value::Object(map)) = (previous, &mut event) {
        map.insert("previous_value".into(), previous);
    }
    event
}

fn ticket_location(st: &SimState, id: u64) -> String {
    st.url(&format!("/api/v2/tickets/{id}.json"))
}

/// `POST /api/v2/tickets`, honouring `Idempotency-Key`: a repeated key returns the ticket first
/// created with it (`x-idempotency-lookup: hit`); the same key with another body is an error.
pub fn create_ticket(st: &mut SimState, req: &Req) -> Reply {
    let body = req.json().unwrap_or(Value::Null);
    let key = req.header("idempotency-key").map(str::to_owned);
    if let Some(key) = &key
        && let Some(first) = st.idempotency.get(key)
    {
        if first.request != body {
            return bad_request(
                "IdempotentRequestError",
                "The request body differs from the first request with this Idempotency-Key",
            )
            .with_header("x-idempotency-lookup", "hit");
        }
        let id = first.response["ticket"]["id"].as_u64().unwrap_or_default();
        return Reply::new(first.status, first.response.clone())
            .with_header("location", ticket_location(st, id))
            .with_header("x-idempotency-lookup", "hit");
    }
    let reply = create(st, &body);
    match key {
        Some(key) => {
            if reply.status == 201 {
                st.idempotency.insert(
                    key,
                    IdempotentCreate {
                        request: body,
                        status: reply.status,
                        response: reply.body.clone().unwrap_or_default(),
                    },
                );
            }
            reply.with_header("x-idempotency-lookup", "miss")
        }
        None => reply,
    }
}

fn create(st: &mut SimState, body: &Value) -> Reply {
    let empty = Map::new();
    let t = body
        .get("ticket")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut errors = Errors::new();
    let subject = text(t, "subject", &mut errors)
        .flatten()
        .unwrap_or_default();
    if subject.trim().is_empty() {
        invalid(
            &mut errors,
            "subject",
            "Subject: cannot be blank",
            "BlankValue",
        );
    }
    let opening = t.get("comment").and_then(|c| comment(c, &mut errors));
    if opening.is_none() {
        invalid(
            &mut errors,
            "description",
            "Description: cannot be blank",
            "BlankValue",
        );
    }
    let priority = choice(t, "priority", &PRIORITIES, &mut errors).flatten();
    let status = choice(t, "status", &SETTABLE_STATUSES, &mut errors).flatten();
    let kind = choice(t, "type", &TYPES, &mut errors).flatten();
    let tags = t
        .get("tags")
        .and_then(|v| tag_list(v, "tags", &mut errors))
        .unwrap_or_default();
    let external_id = text(t, "external_id", &mut errors).flatten();
    let fields = t
        .get("custom_fields")
        .and_then(|v| custom_fields(v, &mut errors))
        .unwrap_or_default();
    let assignee = id_field(t, "assignee_id", &mut errors).flatten();
    let group = id_field(t, "group_id", &mut errors).flatten();
    check_assignment(st, assignee, group, &mut errors);
    // The requester: by id, by e-mail (an unknown address becomes a new end user), or the caller.
    let mut new_requester: Option<(String, String)> = None;
    let requester = match (id_field(t, "requester_id", &mut errors), t.get("requester")) {
        (Some(Some(id)), _) => {
            if !st.users.contains_key(&id) {
                invalid(
                    &mut errors,
                    "requester",
                    "Requester: is invalid",
                    "InvalidValue",
                );
            }
            id
        }
        (_, Some(Value::Object(r))) => {
            let email = r.get("email").and_then(Value::as_str).unwrap_or_default();
            let name = r.get("name").and_then(Value::as_str);
            if !email.contains('@') {
                invalid(
                    &mut errors,
                    "requester",
                    "Requester: Email is invalid",
                    "InvalidValue",
                );
                ME
            } else if let Some(user) = st.user_by_email(email) {
                user.id
            } else {
                let name = name
                    .map(str::to_owned)
                    .unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_owned());
                new_requester = Some((name, email.to_owned()));
                0
            }
        }
        (_, Some(Value::Null) | None) => ME,
        (_, Some(_)) => {
            invalid(
                &mut errors,
                "requester",
                "Requester: must be an object",
                "InvalidValue",
            );
            ME
        }
    };
    if let Some(author) = opening.as_ref().and_then(|c| c.author_id)
        && !st.users.contains_key(&author)
    {
        invalid(
            &mut errors,
            "comment",
            "Comment: author is invalid",
            "InvalidValue",
        );
    }
    let tokens = opening
        .as_ref()
        .map(|c| c.uploads.clone())
        .unwrap_or_default();
    let files = take_uploads(st, &tokens, &mut errors);
    let Some(opening) = opening.filter(|_| errors.is_empty()) else {
        return record_invalid(&errors);
    };

    let at = st.clock.creation_time();
    let requester = match new_requester {
        Some((name, email)) => {
            let id = st.next_user_id;
            st.next_user_id += 1;
            st.users.insert(
                id,
                UserRec {
                    id,
                    name,
                    email,
                    role: "end-user".into(),
                    organization_id: None,
                    default_group_id: None,
                    created_at: at,
                },
            );
            id
        }
        None => requester,
    };
    let id = st.next_ticket_id;
    st.next_ticket_id += 1;
    let ticket = TicketRec {
        id,
        external_id,
        kind,
        subject,
        description: opening.text.clone(),
        priority,
        status: status.unwrap_or_else(|| if assignee.is_some() { "open" } else { "new" }.into()),
        requester_id: requester,
        submitter_id: ME,
        assignee_id: assignee,
        group_id: group,
        organization_id: st.users.get(&requester).and_then(|u| u.organization_id),
        tags,
        custom_fields: fields,
        channel: "api".into(),
        created_at: at,
        updated_at: at,
        first_reply_breach_at: None,
    };
    let audit_id = st.next_audit_id;
    let first = CommentRec {
        id: st.next_opening_comment_id,
        ticket_id: id,
        author_id: opening.author_id.unwrap_or(requester),
        body: opening.text,
        html_body: opening.html,
        public: opening.public,
        audit_id,
        channel: "api".into(),
        created_at: at,
        attachments: files,
    };
    st.next_opening_comment_id += 1;
    let mut events = vec![comment_event(st, &first)];
    let created: [(&str, Value); 8] = [
        ("subject", json!(ticket.subject)),
        ("status", json!(ticket.status)),
        ("priority", json!(ticket.priority)),
        ("type", json!(ticket.kind)),
        ("requester_id", id_text(Some(ticket.requester_id))),
        ("assignee_id", id_text(ticket.assignee_id)),
        ("group_id", id_text(ticket.group_id)),
        ("tags", json!(ticket.tags)),
    ];
    for (field, value) in created {
        let empty = value.is_null() || value.as_array().is_some_and(Vec::is_empty);
        if !empty {
            events.push(field_event(st, "Create", field, value, None));
        }
    }
    st.count_tags(&ticket.tags, &[]);
    st.comments.push(first);
    st.tickets.insert(id, ticket);
    let audit = audit(st, id, &time(&at), events);
    let json = st
        .tickets
        .get(&id)
        .map(|t| st.ticket_json(t))
        .unwrap_or_default();
    Reply::new(201, json!({"ticket": json, "audit": audit}))
        .with_header("location", ticket_location(st, id))
}

/// `PUT /api/v2/tickets/{id}`.
pub fn update_ticket(st: &mut SimState, req: &Req) -> Reply {
    let id = req.num(0);
    let Some(current) = st.tickets.get(&id).cloned() else {
        return not_found();
    };
    let body = req.json().unwrap_or(Value::Null);
    let empty = Map::new();
    let t = body
        .get("ticket")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut errors = Errors::new();
    if current.status == "closed" {
        invalid(
            &mut errors,
            "status",
            "Status: closed prevents ticket update",
            "ClosedPreventsUpdate",
        );
        return record_invalid(&errors);
    }
    if t.get("safe_update").and_then(Value::as_bool) == Some(true)
        && t.get("updated_stamp").and_then(Value::as_str)
            != Some(time(&current.updated_at).as_str())
    {
        return Reply::new(
            409,
            json!({
                "error": "UpdateConflict",
                "description": "Safe Update prevented the update due to outdated ticket data. Please fetch the latest ticket data and try again.",
            }),
        );
    }
    let mut next = current.clone();
    if let Some(subject) = text(t, "subject", &mut errors) {
        match subject {
            Some(s) if !s.trim().is_empty() => next.subject = s,
            _ => invalid(
                &mut errors,
                "subject",
                "Subject: cannot be blank",
                "BlankValue",
            ),
        }
    }
    if let Some(status) = text(t, "status", &mut errors) {
        match status.as_deref() {
            Some("closed") => invalid(
                &mut errors,
                "status",
                "Status: closed is set by Zendesk after solved; solve the ticket instead",
                "InvalidValue",
            ),
            Some(s) if SETTABLE_STATUSES.contains(&s) => next.status = s.to_owned(),
            other => invalid(
                &mut errors,
                "status",
                format!("Status: {} is not valid", other.unwrap_or("null")),
                "InvalidValue",
            ),
        }
    }
    if let Some(priority) = choice(t, "priority", &PRIORITIES, &mut errors) {
        next.priority = priority;
    }
    if let Some(kind) = choice(t, "type", &TYPES, &mut errors) {
        next.kind = kind;
    }
    if let Some(external) = text(t, "external_id", &mut errors) {
        next.external_id = external;
    }
    if let Some(tags) = t.get("tags").and_then(|v| tag_list(v, "tags", &mut errors)) {
        next.tags = tags;
    }
    if let Some(extra) = t
        .get("additional_tags")
        .and_then(|v| tag_list(v, "additional_tags", &mut errors))
    {
        for tag in extra {
            if !next.tags.contains(&tag) {
                next.tags.push(tag);
            }
        }
    }
    if let Some(gone) = t
        .get("remove_tags")
        .and_then(|v| tag_list(v, "remove_tags", &mut errors))
    {
        next.tags.retain(|tag| !gone.contains(tag));
    }
    if let Some(fields) = t
        .get("custom_fields")
        .and_then(|v| custom_fields(v, &mut errors))
    {
        merge_fields(&mut next.custom_fields, fields);
    }
    let assignee = id_field(t, "assignee_id", &mut errors);
    let group = id_field(t, "group_id", &mut errors);
    if let Some(assignee) = assignee {
        next.assignee_id = assignee;
    }
    if let Some(group) = group {
        next.group_id = group;
    }
    // An agent assigned outside the ticket's group takes the ticket to their default group.
    if let (Some(Some(agent)), None) = (assignee, group)
        && next
            .group_id
            .is_some_and(|g| !st.groups_of(agent).contains(&g))
    {
        next.group_id = st.users.get(&agent).and_then(|u| u.default_group_id);
    }
    if assignee.is_some() || group.is_some() {
        check_assignment(st, next.assignee_id, next.group_id, &mut errors);
    }
    let added = t.get("comment").map(|c| comment(c, &mut errors));
    if let Some(None) = added {
        invalid(
            &mut errors,
            "comment",
            "Comment: body cannot be blank",
            "BlankValue",
        );
    }
    let added = added.flatten();
    if let Some(author) = added.as_ref().and_then(|c| c.author_id)
        && !st.users.contains_key(&author)
    {
        invalid(
            &mut errors,
            "comment",
            "Comment: author is invalid",
            "InvalidValue",
        );
    }
    let tokens = added
        .as_ref()
        .map(|c| c.uploads.clone())
        .unwrap_or_default();
    let files = take_uploads(st, &tokens, &mut errors);
    if !errors.is_empty() {
        return record_invalid(&errors);
    }

    let changes: Vec<(&str, Value, Value)> = [
        ("subject", json!(current.subject), json!(next.subject)),
        ("status", json!(current.status), json!(next.status)),
        ("priority", json!(current.priority), json!(next.priority)),
        ("type", json!(current.kind), json!(next.kind)),
        (
            "external_id",
            json!(current.external_id),
            json!(next.external_id),
        ),
        (
            "assignee_id",
            id_text(current.assignee_id),
            id_text(next.assignee_id),
        ),
        (
            "group_id",
            id_text(current.group_id),
            id_text(next.group_id),
        ),
        ("tags", json!(current.tags), json!(next.tags)),
        (
            "custom_fields",
            json!(current.custom_fields),
            json!(next.custom_fields),
        ),
    ]
    .into_iter()
    .filter(|(_, before, after)| before != after)
    .collect();
    if changes.is_empty() && added.is_none() {
        let at = time(&current.updated_at);
        let audit = audit(st, id, &at, Vec::new());
        return Reply::ok(json!({"ticket": st.ticket_json(&current), "audit": audit}));
    }
    let at = st.clock.tick();
    next.updated_at = at;
    let audit_id = st.next_audit_id;
    let mut events = Vec::new();
    if let Some(added) = added {
        let comment = CommentRec {
            id: st.next_comment_id,
            ticket_id: id,
            author_id: added.author_id.unwrap_or(ME),
            body: added.text,
            html_body: added.html,
            public: added.public,
            audit_id,
            channel: "api".into(),
            created_at: at,
            attachments: files,
        };
        st.next_comment_id += 1;
        events.push(comment_event(st, &comment));
        st.comments.push(comment);
    }
    for (field, before, after) in changes {
        if field == "custom_fields" {
            // Zendesk reports custom fields one by one, by field id.
            for changed in after.as_array().into_iter().flatten() {
                if !before.as_array().is_some_and(|b| b.contains(changed)) {
                    let name = changed.get("id").map(Value::to_string).unwrap_or_default();
                    let value = match changed.get("value") {
                        Some(Value::Bool(b)) => json!(b.to_string()),
                        Some(Value::Number(n)) => json!(n.to_string()),
                        Some(other) => other.clone(),
                        None => Value::Null,
                    };
                    events.push(field_event(st, "Change", &name, value, None));
                }
            }
        } else {
            events.push(field_event(st, "Change", field, after, Some(before)));
        }
    }
    st.count_tags(
        &next
            .tags
            .iter()
            .filter(|t| !current.tags.contains(t))
            .cloned()
            .collect::<Vec<_>>(),
        &current
            .tags
            .iter()
            .filter(|t| !next.tags.contains(t))
            .cloned()
            .collect::<Vec<_>>(),
    );
    st.tickets.insert(id, next.clone());
    let audit = audit(st, id, &time(&at), events);
    Reply::ok(json!({"ticket": st.ticket_json(&next), "audit": audit}))
}

/// `POST /api/v2/uploads?filename=..[&token=..]`: the body is the file's bytes, described by
/// `Content-Type`; answers `201` with the upload token (the given one, to add a file to it).
pub fn upload(st: &mut SimState, req: &Req) -> Reply {
    let Some(file_name) = req.param("filename").filter(|n| !n.trim().is_empty()) else {
        return bad_request("InvalidValue", "filename is required");
    };
    let content_type = match req.header("content-type") {
        Some(t) if t.contains('/') && !t.starts_with("application/json") => t.to_owned(),
        _ => {
            return bad_request(
                "InvalidValue",
                "Content-Type must name the file's MIME type",
            );
        }
    };
    let token = match req.param("token") {
        Some(token) if st.uploads.contains_key(token) => token.to_owned(),
        Some(_) => return not_found(),
        None => {
            let token = format!("upload-token-{}", st.next_upload);
            st.next_upload += 1;
            token
        }
    };
    let file = super::store::AttachmentRec {
        id: st.next_attachment_id,
        file_name: file_name.to_owned(),
        content_type,
        content: req.body.clone(),
    };
    st.next_attachment_id += 1;
    let attachment = st.attachment_json(&file);
    let files = st.uploads.entry(token.clone()).or_default();
    files.push(file);
    let files = files.clone();
    let attachments: Vec<Value> = files.iter().map(|a| st.attachment_json(a)).collect();
    Reply::created(json!({"upload": {
        "token": token,
        "expires_at": time(&(st.clock.creation_time() + chrono::Duration::hours(1))),
        "attachment": attachment,
        "attachments": attachments,
    }}))
}
