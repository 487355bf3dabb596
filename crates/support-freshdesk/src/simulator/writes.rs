//! `POST /api/v2/tickets`, `PUT /api/v2/tickets/{id}`, `POST /api/v2/tickets/{id}/reply` and
//! `POST /api/v2/tickets/{id}/notes`: validation as Freshdesk answers it (400 `Validation failed`
//! with one entry per field: `missing_field`, `invalid_value`, `datatype_mismatch`,
//! `invalid_field`), and the stored effect.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use support_conformance::sim::unknown_members;

use super::http::{FieldError, Reply, Req, not_found, validation_failed};
use super::routes::parse_time;
use super::store::{
    ContactRec, ConversationRec, ME, PRIORITIES, SOURCES, SUPPORT_EMAIL, SimState, TICKET_TYPES,
    TicketRec, description_html, due_times, html_text,
};

type Errors = Vec<FieldError>;

/// Fields a ticket creation may carry.
const CREATE_FIELDS: &[&str] = &[
    "name",
    "requester_id",
    "email",
    "facebook_id",
    "phone",
    "twitter_id",
    "unique_external_id",
    "subject",
    "type",
    "status",
    "priority",
    "description",
    "responder_id",
    "cc_emails",
    "custom_fields",
    "due_by",
    "email_config_id",
    "fr_due_by",
    "group_id",
    "parent_id",
    "product_id",
    "source",
    "tags",
    "company_id",
    "internal_agent_id",
    "internal_group_id",
    "lookup_parameter",
];

/// Fields a ticket update may carry.
const UPDATE_FIELDS: &[&str] = &[
    "name",
    "requester_id",
    "email",
    "facebook_id",
    "phone",
    "twitter_id",
    "unique_external_id",
    "subject",
    "type",
    "status",
    "priority",
    "description",
    "responder_id",
    "custom_fields",
    "due_by",
    "email_config_id",
    "fr_due_by",
    "group_id",
    "parent_id",
    "product_id",
    "source",
    "tags",
    "company_id",
    "internal_agent_id",
    "internal_group_id",
];

const BLANK: &str = "It should not be blank as this is a mandatory field";
const REQUESTER_FIELDS: &str = "Please fill at least 1 of email, phone, requester_id, twitter_id, facebook_id, unique_external_id attributes";

fn body(req: &Req) -> Map<String, Value> {
    match req.json() {
        Some(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

fn unknown_fields(body: &Map<String, Value>, allowed: &[&str], errors: &mut Errors) {
    errors.extend(
        unknown_members(body, allowed)
            .into_iter()
            .map(FieldError::invalid_field),
    );
}

/// A string field: absent `None`, null `Some(None)`.
fn text(b: &Map<String, Value>, name: &str, errors: &mut Errors) -> Option<Option<String>> {
    match b.get(name)? {
        Value::Null => Some(None),
        Value::String(s) => Some(Some(s.clone())),
        other => {
            errors.push(FieldError::mismatch(name, other, "String"));
            None
        }
    }
}

/// A mandatory, non-blank string (`subject`, `description`, `body`): `required` says whether an
/// absent one is an error.
fn mandatory_text(
    b: &Map<String, Value>,
    name: &str,
    required: bool,
    errors: &mut Errors,
) -> Option<String> {
    match text(b, name, errors) {
        None if !b.contains_key(name) && required => {
            errors.push(FieldError::missing(name, "It should be a/an String"));
            None
        }
        None => None,
        Some(None) => {
            errors.push(FieldError::invalid(name, BLANK));
            None
        }
        Some(Some(s)) if html_text(&s).trim().is_empty() => {
            errors.push(FieldError::invalid(name, BLANK));
            None
        }
        Some(Some(s)) => Some(s),
    }
}

/// An integer field: absent `None`, null `Some(None)`.
fn integer(b: &Map<String, Value>, name: &str, errors: &mut Errors) -> Option<Option<u64>> {
    match b.get(name)? {
        Value::Null => Some(None),
        Value::Number(n) if n.as_u64().is_some() => Some(n.as_u64()),
        other => {
            errors.push(FieldError::mismatch(name, other, "Positive Integer"));
            None
        }
    }
}

/// An enumerated integer (`status`, `priority`, `source`).
fn code(
    b: &Map<String, Value>,
    name: &str,
    allowed: &[u64],
    required: bool,
    errors: &mut Errors,
) -> Option<u64> {
    let list: Vec<String> = allowed.iter().map(u64::to_string).collect();
    let message = format!("It should be one of these values: '{}'", list.join(","));
    if !b.contains_key(name) {
        if required {
            errors.push(FieldError::missing(name, message));
        }
        return None;
    }
    match integer(b, name, errors) {
        Some(Some(value)) if allowed.contains(&value) => Some(value),
        Some(_) => {
            errors.push(FieldError::invalid(name, message));
            None
        }
        None => None,
    }
}

fn string_list(b: &Map<String, Value>, name: &str, errors: &mut Errors) -> Option<Vec<String>> {
    match b.get(name)? {
        Value::Array(items) => {
            let strings: Option<Vec<String>> = items
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect();
            if strings.is_none() {
                errors.push(FieldError::invalid(
                    name,
                    "It should contain elements of type String only",
                ));
            }
            strings
        }
        other => {
            errors.push(FieldError::mismatch(name, other, "Array"));
            None
        }
    }
}

fn emails(b: &Map<String, Value>, name: &str, errors: &mut Errors) -> Option<Vec<String>> {
    let list = string_list(b, name, errors)?;
    if list.iter().any(|e| !valid_email(e)) {
        errors.push(FieldError::invalid(
            name,
            "It should contain elements that are valid email addresses",
        ));
        return None;
    }
    Some(list)
}

fn valid_email(email: &str) -> bool {
    email
        .split_once('@')
        .is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.'))
}

fn time_field(b: &Map<String, Value>, name: &str, errors: &mut Errors) -> Option<DateTime<Utc>> {
    let text = text(b, name, errors)??;
    match parse_time(name, &text) {
        Ok(t) => Some(t),
        Err(_) => {
            errors.push(FieldError::invalid(
                name,
                "It should be in the 'valid date time' format",
            ));
            None
        }
    }
}

/// Tags, unique, in order; empty ones dropped.
fn tags(b: &Map<String, Value>, errors: &mut Errors) -> Option<Vec<String>> {
    let list = string_list(b, "tags", errors)?;
    if list.iter().any(|t| t.chars().count() > 32) {
        errors.push(FieldError::invalid(
            "tags",
            "It should only contain elements that have maximum of 32 characters",
        ));
        return None;
    }
    let mut unique: Vec<String> = Vec::new();
    for tag in list {
        let tag = tag.trim().to_owned();
        if !tag.is_empty() && !unique.iter().any(|u| u.eq_ignore_ascii_case(&tag)) {
            unique.push(tag);
        }
    }
    Some(unique)
}

/// Custom fields: an object whose keys are custom field names (`cf_*`).
fn custom_fields(b: &Map<String, Value>, errors: &mut Errors) -> Option<Map<String, Value>> {
    match b.get("custom_fields")? {
        Value::Object(map) => {
            let unknown: Vec<&String> = map.keys().filter(|k| !k.starts_with("cf_")).collect();
            if unknown.is_empty() {
                Some(map.clone())
            } else {
                errors.extend(unknown.into_iter().map(|k| FieldError::invalid_field(k)));
                None
            }
        }
        other => {
            errors.push(FieldError::mismatch(
                "custom_fields",
                other,
                "key/value pair",
            ));
            None
        }
    }
}

/// The fields create and update share, validated.
#[derive(Debug, Default)]
struct Changes {
    subject: Option<String>,
    description: Option<String>,
    status: Option<u64>,
    priority: Option<u64>,
    source: Option<u64>,
    kind: Option<Option<String>>,
    responder: Option<Option<u64>>,
    group: Option<Option<u64>>,
    company: Option<Option<u64>>,
    tags: Option<Vec<String>>,
    custom_fields: Option<Map<String, Value>>,
    due_by: Option<DateTime<Utc>>,
    fr_due_by: Option<DateTime<Utc>>,
    requester: Option<u64>,
    /// A requester to create: name, email.
    new_requester: Option<(String, String)>,
}

fn changes(st: &SimState, b: &Map<String, Value>, creating: bool, errors: &mut Errors) -> Changes {
    let mut c = Changes {
        subject: mandatory_text(b, "subject", creating, errors),
        description: mandatory_text(b, "description", creating, errors),
        status: code(b, "status", &st.status_codes(), creating, errors),
        priority: code(
            b,
            "priority",
            &PRIORITIES.map(|(_, code)| code),
            creating,
            errors,
        ),
        source: code(b, "source", &SOURCES.map(|(_, code)| code), false, errors),
        tags: tags(b, errors),
        custom_fields: custom_fields(b, errors),
        due_by: time_field(b, "due_by", errors),
        fr_due_by: time_field(b, "fr_due_by", errors),
        ..Changes::default()
    };
    if let Some(kind) = text(b, "type", errors) {
        if kind.as_deref().is_some_and(|k| !TICKET_TYPES.contains(&k)) {
            errors.push(FieldError::invalid(
                "type",
                format!(
                    "It should be one of these values: '{}'",
                    TICKET_TYPES.join(",")
                ),
            ));
        } else {
            c.kind = Some(kind);
        }
    }
    if let Some(responder) = integer(b, "responder_id", errors) {
        if responder.is_some_and(|r| !st.agents.contains_key(&r)) {
            errors.push(FieldError::invalid(
                "responder_id",
                "There is no agent matching the given responder_id",
            ));
        } else {
            c.responder = Some(responder);
        }
    }
    if let Some(group) = integer(b, "group_id", errors) {
        if group.is_some_and(|g| !st.groups.iter().any(|x| x.id == g)) {
            errors.push(FieldError::invalid(
                "group_id",
                "There is no group matching the given group_id",
            ));
        } else {
            c.group = Some(group);
        }
    }
    if let Some(company) = integer(b, "company_id", errors) {
        if company.is_some_and(|id| !st.companies.iter().any(|x| x.id == id)) {
            errors.push(FieldError::invalid(
                "company_id",
                "There is no company matching the given company_id",
            ));
        } else {
            c.company = Some(company);
        }
    }
    for ignored in [
        "email_config_id",
        "parent_id",
        "product_id",
        "internal_agent_id",
        "internal_group_id",
    ] {
        if let Some(Some(_)) = integer(b, ignored, errors) {
            errors.push(FieldError::invalid(
                ignored,
                format!("There is no record matching the given {ignored}"),
            ));
        }
    }
    for ignored in [
        "name",
        "phone",
        "twitter_id",
        "facebook_id",
        "unique_external_id",
        "lookup_parameter",
    ] {
        text(b, ignored, errors);
    }
    // The requester: an existing contact by id, or by e-mail (a new contact when none has it).
    let requester_id = integer(b, "requester_id", errors);
    let email = text(b, "email", errors);
    match (requester_id, email) {
        (Some(Some(id)), _) => {
            if st.is_user(id) {
                c.requester = Some(id);
            } else {
                errors.push(FieldError::invalid(
                    "requester_id",
                    "There is no contact matching the given requester_id",
                ));
            }
        }
        (_, Some(Some(email))) => {
            if !valid_email(&email) {
                errors.push(FieldError::invalid(
                    "email",
                    "It should be a valid email address",
                ));
            } else if let Some(id) = st.user_id_by_email(&email) {
                c.requester = Some(id);
            } else {
                let name = b
                    .get("name")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_owned());
                c.new_requester = Some((name, email));
            }
        }
        _ => {
            let other_identity = ["phone", "twitter_id", "facebook_id", "unique_external_id"]
                .iter()
                .any(|k| b.get(*k).is_some_and(|v| !v.is_null()));
            if other_identity {
                errors.push(FieldError::invalid(
                    "requester_id",
                    "The simulator identifies requesters by requester_id or email only",
                ));
            } else if creating {
                errors.push(FieldError::missing("requester_id", REQUESTER_FIELDS));
            }
        }
    }
    c
}

/// The stored HTML of a description: as sent, in a `<div>` when it is plain text.
fn stored_html(text: &str) -> String {
    if text.contains('<') {
        text.to_owned()
    } else {
        description_html(text)
    }
}

fn resolve_requester(st: &mut SimState, c: &Changes) -> Option<u64> {
    if let Some((name, email)) = &c.new_requester {
        let id = st.next_contact_id;
        st.next_contact_id += 1;
        st.contacts.insert(
            id,
            ContactRec {
                id,
                name: name.clone(),
                email: email.clone(),
                company_id: None,
            },
        );
        return Some(id);
    }
    c.requester
}

/// `POST /api/v2/tickets`: subject, description, status, priority and a requester are mandatory.
/// The ticket is created at `World::created_ticket().created_at`; its description is the
/// description (not a conversation). 201 with the ticket.
pub fn create_ticket(st: &mut SimState, req: &Req) -> Reply {
    let b = body(req);
    let mut errors = Vec::new();
    unknown_fields(&b, CREATE_FIELDS, &mut errors);
    let cc = b
        .contains_key("cc_emails")
        .then(|| emails(&b, "cc_emails", &mut errors))
        .flatten();
    let c = changes(st, &b, true, &mut errors);
    if !errors.is_empty() {
        return validation_failed(errors);
    }
    let Some(requester_id) = resolve_requester(st, &c) else {
        return validation_failed(vec![FieldError::missing("requester_id", REQUESTER_FIELDS)]);
    };
    let id = st.next_ticket_id;
    st.next_ticket_id += 1;
    let created = st.clock.creation_time();
    let priority = c.priority.unwrap_or(1);
    let (due_by, fr_due_by) = due_times(&st.slas, priority, created);
    let description = stored_html(c.description.as_deref().unwrap_or_default());
    let company_id = c
        .company
        .flatten()
        .or_else(|| st.contacts.get(&requester_id).and_then(|r| r.company_id));
    let ticket = TicketRec {
        id,
        subject: c.subject.unwrap_or_default(),
        description_text: html_text(&description),
        description,
        status: c.status.unwrap_or(2),
        priority,
        source: c.source.unwrap_or(2),
        kind: c.kind.flatten(),
        requester_id,
        responder_id: c.responder.flatten(),
        group_id: c.group.flatten(),
        company_id,
        tags: c.tags.unwrap_or_default(),
        custom_fields: c.custom_fields.unwrap_or_default(),
        cc_emails: cc.unwrap_or_default(),
        created_at: created,
        updated_at: created,
        due_by: c.due_by.unwrap_or(due_by),
        fr_due_by: c.fr_due_by.unwrap_or(fr_due_by),
        sla: true,
        fr_escalated: false,
        is_escalated: false,
        resolved_at: None,
        closed_at: None,
        attachment_ids: Vec::new(),
    };
    let json = st.ticket_json(&ticket, true);
    st.tickets.insert(id, ticket);
    Reply::created(json)
}

/// `PUT /api/v2/tickets/{id}`: the fields given change (tags are replaced, custom fields merged);
/// `updated_at` moves to the next write time. 200 with the ticket.
pub fn update_ticket(st: &mut SimState, req: &Req) -> Reply {
    let id = req.num(0);
    if !st.tickets.contains_key(&id) {
        return not_found();
    }
    let b = body(req);
    let mut errors = Vec::new();
    unknown_fields(&b, UPDATE_FIELDS, &mut errors);
    let c = changes(st, &b, false, &mut errors);
    if !errors.is_empty() {
        return validation_failed(errors);
    }
    let requester = resolve_requester(st, &c);
    let at = st.clock.tick();
    let requester_company = requester.and_then(|r| st.contacts.get(&r).and_then(|x| x.company_id));
    let Some(t) = st.tickets.get_mut(&id) else {
        return not_found();
    };
    if let Some(subject) = c.subject {
        t.subject = subject;
    }
    if let Some(description) = c.description {
        t.description = stored_html(&description);
        t.description_text = html_text(&t.description);
    }
    if let Some(status) = c.status {
        if status != t.status {
            match status {
                4 => t.resolved_at = Some(at),
                5 => {
                    t.resolved_at.get_or_insert(at);
                    t.closed_at = Some(at);
                }
                _ => {}
            }
        }
        t.status = status;
    }
    if let Some(priority) = c.priority {
        t.priority = priority;
    }
    if let Some(source) = c.source {
        t.source = source;
    }
    if let Some(kind) = c.kind {
        t.kind = kind;
    }
    if let Some(responder) = c.responder {
        t.responder_id = responder;
    }
    if let Some(group) = c.group {
        t.group_id = group;
    }
    if let Some(requester) = requester {
        t.requester_id = requester;
        t.company_id = requester_company;
    }
    if let Some(company) = c.company {
        t.company_id = company;
    }
    if let Some(tags) = c.tags {
        t.tags = tags;
    }
    if let Some(fields) = c.custom_fields {
        t.custom_fields.extend(fields);
    }
    if let Some(due_by) = c.due_by {
        t.due_by = due_by;
    }
    if let Some(fr_due_by) = c.fr_due_by {
        t.fr_due_by = fr_due_by;
    }
    t.updated_at = at;
    let t = t.clone();
    Reply::ok(st.ticket_json(&t, true))
}

/// Adds a conversation to a ticket at the next write time, which the ticket's `updated_at` takes.
fn add_conversation(st: &mut SimState, mut conversation: ConversationRec) -> Reply {
    let at = st.clock.tick();
    conversation.id = st.next_conversation_id;
    st.next_conversation_id += 1;
    conversation.created_at = at;
    if let Some(t) = st.tickets.get_mut(&conversation.ticket_id) {
        t.updated_at = at;
    }
    let json = st.conversation_json(&conversation);
    st.conversations.push(conversation);
    Reply::created(json)
}

/// `user_id`: the author, an agent; the API key's agent by default.
fn author(st: &SimState, b: &Map<String, Value>, errors: &mut Errors) -> u64 {
    match integer(b, "user_id", errors) {
        Some(Some(id)) if st.is_user(id) => id,
        Some(Some(_)) => {
            errors.push(FieldError::invalid(
                "user_id",
                "There is no contact matching the given user_id",
            ));
            ME
        }
        _ => ME,
    }
}

/// `POST /api/v2/tickets/{id}/reply`: a public reply, sent to the requester. 201 with the
/// conversation (source 0).
pub fn reply(st: &mut SimState, req: &Req) -> Reply {
    let ticket_id = req.num(0);
    let Some(requester_id) = st.tickets.get(&ticket_id).map(|t| t.requester_id) else {
        return not_found();
    };
    let b = body(req);
    let mut errors = Vec::new();
    unknown_fields(
        &b,
        &["body", "cc_emails", "bcc_emails", "from_email", "user_id"],
        &mut errors,
    );
    let html = mandatory_text(&b, "body", true, &mut errors);
    let cc = b
        .contains_key("cc_emails")
        .then(|| emails(&b, "cc_emails", &mut errors))
        .flatten();
    let bcc = b
        .contains_key("bcc_emails")
        .then(|| emails(&b, "bcc_emails", &mut errors))
        .flatten();
    let from = text(&b, "from_email", &mut errors).flatten();
    let user_id = author(st, &b, &mut errors);
    if !errors.is_empty() {
        return validation_failed(errors);
    }
    let html = html.unwrap_or_default();
    let conversation = ConversationRec {
        id: 0,
        ticket_id,
        user_id,
        body_text: html_text(&html),
        body: html,
        private: false,
        incoming: false,
        source: 0,
        to_emails: st.user_email(requester_id).into_iter().collect(),
        cc_emails: cc.unwrap_or_default(),
        bcc_emails: bcc.unwrap_or_default(),
        from_email: Some(from.unwrap_or_else(|| SUPPORT_EMAIL.to_owned())),
        support_email: Some(SUPPORT_EMAIL.to_owned()),
        created_at: st.clock.creation_time(),
        attachment_ids: Vec::new(),
    };
    add_conversation(st, conversation)
}

/// `POST /api/v2/tickets/{id}/notes`: a note, private unless `private: false`. 201 with the
/// conversation (source 2).
pub fn note(st: &mut SimState, req: &Req) -> Reply {
    let ticket_id = req.num(0);
    if !st.tickets.contains_key(&ticket_id) {
        return not_found();
    }
    let b = body(req);
    let mut errors = Vec::new();
    unknown_fields(
        &b,
        &["body", "private", "incoming", "notify_emails", "user_id"],
        &mut errors,
    );
    let html = mandatory_text(&b, "body", true, &mut errors);
    let mut flag = |name: &str, default: bool| match b.get(name) {
        None => default,
        Some(Value::Bool(value)) => *value,
        Some(other) => {
            errors.push(FieldError::mismatch(name, other, "Boolean"));
            default
        }
    };
    let private = flag("private", true);
    let incoming = flag("incoming", false);
    let notify = b
        .contains_key("notify_emails")
        .then(|| emails(&b, "notify_emails", &mut errors))
        .flatten();
    let user_id = author(st, &b, &mut errors);
    if !errors.is_empty() {
        return validation_failed(errors);
    }
    let html = html.unwrap_or_default();
    let conversation = ConversationRec {
        id: 0,
        ticket_id,
        user_id,
        body_text: html_text(&html),
        body: html,
        private,
        incoming,
        source: 2,
        to_emails: notify.unwrap_or_default(),
        cc_emails: Vec::new(),
        bcc_emails: Vec::new(),
        from_email: None,
        support_email: None,
        created_at: st.clock.creation_time(),
        attachment_ids: Vec::new(),
    };
    add_conversation(st, conversation)
}
