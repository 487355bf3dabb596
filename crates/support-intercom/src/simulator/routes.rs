//! Intercom's endpoints, in matching order: method, path (`{}` for an id), the query parameters
//! (`Params`) and body (`BodyRule`) each accepts, and its handler. Every route first checks the
//! `Intercom-Version` header (`http::check_version`); bodies are checked by the handlers, which
//! answer Intercom's `error.list`.

use serde_json::{Map, Value, json};
use support_conformance::sim::pager::{KeysetFrom, keyset_page, positive_param};
use support_conformance::sim::{BodyRule, Params, Route};
use support_conformance::world::strip_tags;

use super::http::{
    Reply, Req, check_version, data_invalid, error, not_found, object_body, only_members,
    parameter_invalid, parameter_not_found,
};
use super::search::{self, CONTACT_FIELDS, CONVERSATION_FIELDS, TICKET_FIELDS, Val};
use super::store::{
    APP_ID_CODE, Author, ConvRec, ME, Part, SimState, TICKET_STATES, TICKET_TYPES, TicketRec,
};

/// The default page of searches and `GET /conversations`.
pub const DEFAULT_PER_PAGE: usize = 20;
/// The largest page of searches and `GET /conversations`.
pub const MAX_PER_PAGE: usize = 150;
/// The default page of `GET /articles`.
pub const ARTICLES_PER_PAGE: usize = 25;
/// The largest page of `GET /articles`.
pub const MAX_ARTICLES_PER_PAGE: usize = 250;

const fn route(
    method: &'static str,
    pattern: &'static str,
    params: Params,
    handler: fn(&mut SimState, &Req) -> Reply,
) -> Route<SimState> {
    Route::new(method, pattern, params, BodyRule::Any, handler).checked(check_version)
}

const NONE: Params = Params::NONE;

/// Every endpoint the simulator serves.
pub static ROUTES: &[Route<SimState>] = &[
    // The scaffold's placeholder endpoint, until the adapter's connection check moves to
    // `GET /me`: not Intercom's, and answered without the version check. Drop it then.
    route("GET", "/me", NONE, me),
    route("GET", "/admins", NONE, admins),
    route("GET", "/teams", NONE, teams),
    route("GET", "/tags", NONE, list_tags),
    route("POST", "/tags", NONE, create_tag),
    route("GET", "/ticket_types", NONE, ticket_types),
    route("GET", "/ticket_states", NONE, ticket_states),
    route("POST", "/tickets/search", NONE, search_tickets),
    route("POST", "/tickets", NONE, create_ticket),
    route("GET", "/tickets/{}", NONE, get_ticket),
    route("PUT", "/tickets/{}", NONE, update_ticket),
    route("POST", "/tickets/{}/reply", NONE, reply_ticket),
    route("POST", "/tickets/{}/tags", NONE, tag_ticket),
    route("DELETE", "/tickets/{}/tags/{}", NONE, untag_ticket),
    route(
        "GET",
        "/conversations",
        Params::allowed(&["per_page", "starting_after"]),
        list_conversations,
    ),
    route("POST", "/conversations/search", NONE, search_conversations),
    route("POST", "/conversations", NONE, create_conversation),
    route(
        "GET",
        "/conversations/{}",
        Params::allowed(&["display_as", "include_translations"]),
        get_conversation,
    ),
    route(
        "PUT",
        "/conversations/{}",
        Params::allowed(&["display_as"]),
        update_conversation,
    ),
    route("POST", "/conversations/{}/parts", NONE, manage_conversation),
    route("POST", "/conversations/{}/reply", NONE, reply_conversation),
    route("POST", "/conversations/{}/tags", NONE, tag_conversation),
    route(
        "DELETE",
        "/conversations/{}/tags/{}",
        NONE,
        untag_conversation,
    ),
    route("POST", "/contacts/search", NONE, search_contacts),
    route("POST", "/contacts", NONE, create_contact),
    route(
        "GET",
        "/articles",
        Params::allowed(&["page", "per_page"]),
        list_articles,
    ),
    route("GET", "/articles/{}", NONE, get_article),
    route("GET", "/help_center/collections", NONE, collections),
];

// ----- helpers -----

/// An id given as a string or an integer.
fn id_text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The acting admin of a write: `admin_id` must name an admin.
fn acting_admin(state: &SimState, body: &Map<String, Value>) -> Result<String, Reply> {
    let id =
        id_text(body.get("admin_id")).ok_or_else(|| parameter_not_found("admin_id is required"))?;
    if state.admin(&id).is_none() {
        return Err(not_found("Admin"));
    }
    Ok(id)
}

/// One page of `items` (keyed by numeric id) after the cursor `after`, `per_page` long, with
/// Intercom's `pages` object (`next` while more follow).
fn cursor_page(
    state: &mut SimState,
    scope: &str,
    items: Vec<(u64, Value)>,
    per_page: usize,
    after: Option<&str>,
) -> Result<(Vec<Value>, Value, usize), Reply> {
    let total = items.len();
    let from = match after {
        None => KeysetFrom::Start,
        Some(cursor) => {
            let key = state
                .cursors
                .redeem(scope, "next", cursor)
                .and_then(|k| k.as_u64())
                .ok_or_else(|| parameter_invalid("starting_after is not a valid cursor"))?;
            KeysetFrom::After(key)
        }
    };
    let before = match &from {
        KeysetFrom::After(key) => items.iter().filter(|(k, _)| k <= key).count(),
        _ => 0,
    };
    let (page, more) = keyset_page(items, from, per_page);
    let mut pages = json!({
        "type": "pages",
        "page": before / per_page + 1,
        "per_page": per_page,
        "total_pages": total.div_ceil(per_page).max(1),
    });
    if more && let Some((last, _)) = page.last() {
        let cursor = state.cursors.issue(scope, "next", &json!(last));
        pages["next"] = json!({"per_page": per_page, "starting_after": cursor});
    }
    Ok((page.into_iter().map(|(_, v)| v).collect(), pages, total))
}

/// `pagination` of a search body: `per_page` (1 to 150, 20 by default) and `starting_after`.
fn pagination(body: &Map<String, Value>) -> Result<(usize, Option<String>), Reply> {
    let Some(paging) = body.get("pagination") else {
        return Ok((DEFAULT_PER_PAGE, None));
    };
    if paging.is_null() {
        return Ok((DEFAULT_PER_PAGE, None));
    }
    let paging = paging
        .as_object()
        .ok_or_else(|| parameter_invalid("pagination must be an object"))?;
    only_members(paging, &["per_page", "starting_after"])?;
    let per_page = match paging.get("per_page") {
        None | Some(Value::Null) => DEFAULT_PER_PAGE,
        Some(value) => match value.as_u64() {
            Some(n) if (1..=MAX_PER_PAGE as u64).contains(&n) => n as usize,
            _ => {
                return Err(parameter_invalid(format!(
                    "per_page must be an integer from 1 to {MAX_PER_PAGE}"
                )));
            }
        },
    };
    let after = match paging.get("starting_after") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(parameter_invalid("starting_after must be a string")),
    };
    Ok((per_page, after))
}

fn key(id: &str) -> u64 {
    id.parse().unwrap_or_default()
}

fn strs(values: impl IntoIterator<Item = impl Into<String>>) -> Val {
    Val::Strs(values.into_iter().map(Into::into).collect())
}

fn opt(value: Option<&str>) -> Val {
    value.map_or(Val::Null, |v| strs([v]))
}

/// A reply's body text: admin or contact, `comment`/`note`/`quick_reply`, with its files.
struct NewPart {
    part_type: String,
    body: Option<String>,
    author: Author,
    attachment_urls: Vec<String>,
    /// `attachment_files`: name, content type, bytes.
    files: Vec<(String, String, Vec<u8>)>,
}

/// Standard base64 (with or without padding); `None` for anything else.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let bytes: Vec<u8> = text.trim_end_matches('=').bytes().collect();
    if bytes.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut acc = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            acc |= value(c)? << (18 - 6 * i);
        }
        let n = chunk.len() - 1;
        out.extend_from_slice(&acc.to_be_bytes()[1..=n]);
    }
    Some(out)
}

/// `attachment_files`: at most 10 `{content_type, data (base64), name}`.
fn attachment_files(body: &Map<String, Value>) -> Result<Vec<(String, String, Vec<u8>)>, Reply> {
    let Some(files) = body.get("attachment_files") else {
        return Ok(Vec::new());
    };
    let files = files
        .as_array()
        .filter(|f| f.len() <= 10)
        .ok_or_else(|| parameter_invalid("attachment_files takes at most 10 files"))?;
    files
        .iter()
        .map(|file| {
            let file = file
                .as_object()
                .ok_or_else(|| parameter_invalid("a file is {content_type, data, name}"))?;
            only_members(file, &["content_type", "data", "name"])?;
            let text = |name: &str| {
                file.get(name)
                    .and_then(Value::as_str)
                    .filter(|v| !v.is_empty())
                    .ok_or_else(|| parameter_invalid(format!("a file's {name} is required")))
            };
            let data = base64_decode(text("data")?)
                .ok_or_else(|| parameter_invalid("a file's data must be base64"))?;
            Ok((
                text("name")?.to_owned(),
                text("content_type")?.to_owned(),
                data,
            ))
        })
        .collect()
}

fn parse_reply(
    state: &SimState,
    body: &Map<String, Value>,
    ticket: bool,
) -> Result<NewPart, Reply> {
    let kind = body
        .get("type")
        .and_then(Value::as_str)
        .ok_or_else(|| parameter_not_found("type is required"))?;
    let message_type = body
        .get("message_type")
        .and_then(Value::as_str)
        .ok_or_else(|| parameter_not_found("message_type is required"))?;
    let text = body.get("body").and_then(Value::as_str).map(str::to_owned);
    let author = if kind == "admin" {
        let mut allowed = vec![
            "message_type",
            "type",
            "body",
            "admin_id",
            "created_at",
            "reply_options",
            "attachment_urls",
            "attachment_files",
        ];
        if ticket {
            allowed.push("skip_notifications");
        }
        only_members(body, &allowed)?;
        if !["comment", "note", "quick_reply"].contains(&message_type) {
            return Err(parameter_invalid(format!(
                "message_type {message_type} is not valid"
            )));
        }
        if message_type != "quick_reply" && text.as_deref().is_none_or(|t| t.trim().is_empty()) {
            return Err(parameter_invalid("body is required for comments and notes"));
        }
        Author {
            kind: "admin".into(),
            id: acting_admin(state, body)?,
        }
    } else if ["user", "lead", "contact"].contains(&kind) {
        let mut allowed = vec![
            "message_type",
            "type",
            "body",
            "intercom_user_id",
            "user_id",
            "email",
            "created_at",
            "attachment_urls",
            "reply_options",
        ];
        if ticket {
            allowed.push("skip_notifications");
        }
        only_members(body, &allowed)?;
        if message_type != "comment" {
            return Err(parameter_invalid("a contact's reply is a comment"));
        }
        if text.as_deref().is_none_or(|t| t.trim().is_empty()) {
            return Err(parameter_invalid("body is required"));
        }
        let contact = if let Some(id) = id_text(body.get("intercom_user_id")) {
            state.contact(&id).map(|c| c.id.clone())
        } else if let Some(email) = body.get("email").and_then(Value::as_str) {
            state
                .contacts
                .iter()
                .find(|c| c.email.as_deref() == Some(email))
                .map(|c| c.id.clone())
        } else {
            return Err(parameter_not_found(
                "intercom_user_id, user_id or email is required",
            ));
        };
        Author {
            kind: "user".into(),
            id: contact.ok_or_else(|| not_found("User"))?,
        }
    } else {
        return Err(parameter_invalid(format!("type {kind} is not valid")));
    };
    let attachment_urls: Vec<String> = match body.get("attachment_urls") {
        None => Vec::new(),
        Some(Value::Array(urls)) if urls.len() <= 10 => urls
            .iter()
            .map(|u| u.as_str().map(str::to_owned))
            .collect::<Option<_>>()
            .ok_or_else(|| parameter_invalid("attachment_urls must be URLs"))?,
        Some(_) => {
            return Err(parameter_invalid("attachment_urls takes at most 10 URLs"));
        }
    };
    let files = if kind == "admin" {
        attachment_files(body)?
    } else {
        Vec::new()
    };
    Ok(NewPart {
        part_type: message_type.to_owned(),
        body: text,
        author,
        attachment_urls,
        files,
    })
}

impl NewPart {
    /// The part, its uploaded files stored under `prefix` (named `{part id}-{n}`).
    fn into_part(self, id: String, created_at: i64, prefix: &str) -> Part {
        let mut attachments: Vec<super::store::Attachment> = self
            .files
            .into_iter()
            .enumerate()
            .map(
                |(i, (name, content_type, bytes))| super::store::Attachment {
                    url: support_conformance::sim::storage::put(
                        prefix,
                        &format!("{id}-{}", i + 1),
                        &name,
                        &content_type,
                        bytes.clone(),
                    ),
                    size: bytes.len() as u64,
                    name,
                    content_type,
                },
            )
            .collect();
        attachments.extend(self.attachment_urls.into_iter().map(|url| {
            super::store::Attachment {
                name: url
                    .split('?')
                    .next()
                    .and_then(|u| u.rsplit('/').next())
                    .unwrap_or("file")
                    .to_owned(),
                content_type: "application/octet-stream".into(),
                size: 0,
                url,
            }
        }));
        Part {
            id,
            part_type: self.part_type,
            body: self.body,
            author: self.author,
            created_at,
            attachments,
        }
    }
}

// ----- workspace -----

fn me(state: &mut SimState, _req: &Req) -> Reply {
    let Some(admin) = state.admin(ME) else {
        return not_found("Admin");
    };
    let mut value = state.admin_json(admin);
    value["email_verified"] = json!(true);
    value["avatar"] = json!({"type": "avatar", "image_url": null});
    value["app"] = json!({
        "type": "app",
        "id_code": APP_ID_CODE,
        "name": "Simulated workspace",
        "region": "US",
        "timezone": "Europe/Dublin",
        "created_at": super::store::unix(&support_conformance::sim::setup_time()),
        "identity_verification": false,
    });
    Reply::ok(value)
}

fn admins(state: &mut SimState, _req: &Req) -> Reply {
    let admins: Vec<Value> = state.admins.iter().map(|a| state.admin_json(a)).collect();
    Reply::ok(json!({"type": "admin.list", "admins": admins}))
}

fn teams(state: &mut SimState, _req: &Req) -> Reply {
    let teams: Vec<Value> = state
        .teams
        .iter()
        .map(|(id, name)| {
            let members: Vec<u64> = state
                .admins
                .iter()
                .filter(|a| a.teams.contains(id))
                .filter_map(|a| a.id.parse().ok())
                .collect();
            json!({"type": "team", "id": id, "name": name, "admin_ids": members})
        })
        .collect();
    Reply::ok(json!({"type": "team.list", "teams": teams}))
}

fn list_tags(state: &mut SimState, _req: &Req) -> Reply {
    let data: Vec<Value> = state
        .tags
        .iter()
        .map(|(id, name)| json!({"type": "tag", "id": id, "name": name}))
        .collect();
    Reply::ok(json!({"type": "list", "data": data}))
}

/// `POST /tags`: creates the tag, or (names are case-insensitive) answers the existing one; with
/// `id`, renames that tag.
fn create_tag(state: &mut SimState, req: &Req) -> Reply {
    let body = match object_body(req) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    if let Err(reply) = only_members(&body, &["name", "id"]) {
        return reply;
    }
    let Some(name) = body
        .get("name")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|n| !n.is_empty())
    else {
        return parameter_not_found("name is required");
    };
    if let Some(id) = id_text(body.get("id")) {
        let Some(tag) = state.tags.iter_mut().find(|(t, _)| *t == id) else {
            return not_found("Tag");
        };
        tag.1 = name.to_owned();
        return Reply::ok(json!({"type": "tag", "id": id, "name": name}));
    }
    if let Some((id, existing)) = state
        .tags
        .iter()
        .find(|(_, t)| t.eq_ignore_ascii_case(name))
    {
        return Reply::ok(json!({"type": "tag", "id": id, "name": existing}));
    }
    let id = state.next_other_id();
    state.tags.push((id.clone(), name.to_owned()));
    Reply::ok(json!({"type": "tag", "id": id, "name": name}))
}

fn ticket_types(_state: &mut SimState, _req: &Req) -> Reply {
    let data: Vec<Value> = TICKET_TYPES
        .iter()
        .map(|t| {
            let mut value = SimState::type_json(t.0);
            value["ticket_states"] = json!({"type": "list", "data": TICKET_STATES
                .iter()
                .map(|s| SimState::state_json(s.0))
                .collect::<Vec<_>>()});
            value
        })
        .collect();
    Reply::ok(json!({"type": "list", "data": data}))
}

fn ticket_states(_state: &mut SimState, _req: &Req) -> Reply {
    let types: Vec<Value> = TICKET_TYPES
        .iter()
        .map(|t| json!({"type": "ticket_type", "id": t.0, "name": t.1, "category": t.2}))
        .collect();
    let data: Vec<Value> = TICKET_STATES
        .iter()
        .map(|s| {
            let mut value = SimState::state_json(s.0);
            value["archived"] = json!(s.3);
            value["ticket_types"] = json!({"type": "list", "data": types});
            value
        })
        .collect();
    Reply::ok(json!({"type": "list", "data": data}))
}

// ----- tickets -----

fn ticket_field(ticket: &TicketRec, field: &str) -> Val {
    let category = TICKET_TYPES
        .iter()
        .find(|t| t.0 == ticket.ticket_type)
        .and_then(|t| t.2);
    match field {
        "id" => strs([ticket.id.as_str()]),
        "created_at" => Val::Int(ticket.created_at),
        "updated_at" => Val::Int(ticket.updated_at),
        "title" => strs([ticket.title.as_str()]),
        "description" => strs([ticket.description.as_str()]),
        // Searched by a term per category, not by the category's name.
        "category" => opt(category.map(|c| match c {
            "Customer" => "request",
            "Back-office" => "task",
            _ => "tracker",
        })),
        "ticket_type_id" => strs([ticket.ticket_type.as_str()]),
        "contact_ids" => strs([ticket.contact.as_str()]),
        "teammate_ids" => Val::Strs(ticket.admin.iter().cloned().collect()),
        "admin_assignee_id" => strs([ticket.admin.as_deref().unwrap_or("0")]),
        "team_assignee_id" => strs([ticket.team.as_deref().unwrap_or("0")]),
        "open" => Val::Bool(SimState::ticket_open(ticket)),
        // A state by its id or its category.
        "state" => {
            let category = TICKET_STATES
                .iter()
                .find(|s| s.0 == ticket.state)
                .map_or("", |s| s.1);
            strs([ticket.state.as_str(), category])
        }
        _ => Val::Null,
    }
}

fn search_tickets(state: &mut SimState, req: &Req) -> Reply {
    let body = match object_body(req) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    if let Err(reply) = only_members(&body, &["query", "pagination"]) {
        return reply;
    }
    let Some(query) = body.get("query") else {
        return parameter_not_found("query is required");
    };
    let query = match search::parse(query, TICKET_FIELDS, true) {
        Ok(query) => query,
        Err(reply) => return reply,
    };
    let (per_page, after) = match pagination(&body) {
        Ok(paging) => paging,
        Err(reply) => return reply,
    };
    let items: Vec<(u64, Value)> = state
        .tickets
        .iter()
        .filter(|t| search::matches(&query, &|field| ticket_field(t, field)))
        .map(|t| (key(&t.id), state.ticket_json(t)))
        .collect();
    let scope = format!(
        "tickets {}",
        body.get("query").map(Value::to_string).unwrap_or_default()
    );
    match cursor_page(state, &scope, items, per_page, after.as_deref()) {
        Ok((tickets, pages, total)) => Reply::ok(json!({
            "type": "ticket.list",
            "tickets": tickets,
            "total_count": total,
            "pages": pages,
        })),
        Err(reply) => reply,
    }
}

fn get_ticket(state: &mut SimState, req: &Req) -> Reply {
    match state.tickets.iter().find(|t| t.id == req.id(0)) {
        Some(ticket) => Reply::ok(state.ticket_json(ticket)),
        None => not_found("Ticket"),
    }
}

/// Title and description from `ticket_attributes`; other attributes are unknown to the types.
fn ticket_attributes(
    attributes: Option<&Value>,
) -> Result<(Option<String>, Option<String>), Reply> {
    let Some(attributes) = attributes else {
        return Ok((None, None));
    };
    let attributes = attributes
        .as_object()
        .ok_or_else(|| parameter_invalid("ticket_attributes must be an object"))?;
    if let Some(unknown) = attributes
        .keys()
        .find(|k| *k != "_default_title_" && *k != "_default_description_")
    {
        return Err(parameter_invalid(format!(
            "{unknown} is not an attribute of this ticket type"
        )));
    }
    let text = |name: &str| -> Result<Option<String>, Reply> {
        match attributes.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(parameter_invalid(format!("{name} must be a string"))),
        }
    };
    Ok((text("_default_title_")?, text("_default_description_")?))
}

fn create_ticket(state: &mut SimState, req: &Req) -> Reply {
    let body = match object_body(req) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    if let Err(reply) = only_members(
        &body,
        &[
            "ticket_type_id",
            "contacts",
            "ticket_attributes",
            "company_id",
            "created_at",
            "assignment",
            "conversation_to_link_id",
            "skip_notifications",
        ],
    ) {
        return reply;
    }
    let Some(type_id) = id_text(body.get("ticket_type_id")) else {
        return parameter_not_found("ticket_type_id is required");
    };
    match TICKET_TYPES.iter().find(|t| t.0 == type_id) {
        None => return not_found("Ticket type"),
        Some(t) if t.3 => return parameter_invalid("The ticket type is archived"),
        Some(_) => {}
    }
    let contacts = match body.get("contacts").and_then(Value::as_array) {
        Some(contacts) if contacts.len() == 1 => contacts,
        Some(_) => return parameter_invalid("contacts takes exactly one contact"),
        None => return parameter_not_found("contacts is required"),
    };
    let (title, description) = match ticket_attributes(body.get("ticket_attributes")) {
        Ok(attributes) => attributes,
        Err(reply) => return reply,
    };
    let (Some(title), Some(description)) = (
        title.filter(|t| !t.trim().is_empty()),
        description.filter(|d| !d.trim().is_empty()),
    ) else {
        return parameter_invalid(
            "_default_title_ and _default_description_ are required to create a ticket",
        );
    };
    let (mut admin, mut team) = (None, None);
    if let Some(assignment) = body.get("assignment") {
        let Some(assignment) = assignment.as_object() else {
            return parameter_invalid("assignment must be an object");
        };
        if let Err(reply) = only_members(assignment, &["admin_assignee_id", "team_assignee_id"]) {
            return reply;
        }
        admin = id_text(assignment.get("admin_assignee_id"));
        team = id_text(assignment.get("team_assignee_id"));
        if admin.as_deref().is_some_and(|a| state.admin(a).is_none()) {
            return not_found("Admin");
        }
        if team
            .as_deref()
            .is_some_and(|t| !state.teams.iter().any(|(id, _)| id == t))
        {
            return not_found("Team");
        }
    }
    let contact = contacts[0].as_object();
    let contact = match contact {
        Some(c) if c.len() == 1 => c,
        _ => return parameter_invalid("a contact is {id}, {external_id} or {email}"),
    };
    let contact_id = if let Some(id) = id_text(contact.get("id")) {
        match state.contact(&id) {
            Some(c) => c.id.clone(),
            None => return not_found("User"),
        }
    } else if let Some(email) = contact.get("email").and_then(Value::as_str) {
        match state
            .contacts
            .iter()
            .find(|c| c.email.as_deref() == Some(email))
        {
            Some(c) => c.id.clone(),
            None => {
                let id = state.next_other_id();
                state.contacts.push(super::store::ContactRec {
                    id: id.clone(),
                    name: None,
                    email: Some(email.to_owned()),
                    role: "user".into(),
                    created_at: super::store::unix(&state.clock.creation_time()),
                });
                id
            }
        }
    } else if contact.contains_key("external_id") {
        return not_found("User");
    } else {
        return parameter_invalid("a contact is {id}, {external_id} or {email}");
    };
    let id = state.next_record_id();
    let created = super::store::unix(&state.clock.creation_time());
    let number = (state.tickets.len() + 1).to_string();
    let ticket = TicketRec {
        id,
        number,
        title,
        description,
        state: "8001".into(),
        ticket_type: type_id,
        contact: contact_id,
        admin,
        team,
        created_at: created,
        updated_at: created,
        tags: Vec::new(),
        parts: Vec::new(),
    };
    let reply = Reply::ok(state.ticket_json(&ticket));
    state.tickets.push(ticket);
    reply
}

fn update_ticket(state: &mut SimState, req: &Req) -> Reply {
    let body = match object_body(req) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    if let Err(reply) = only_members(
        &body,
        &[
            "ticket_attributes",
            "ticket_state_id",
            "company_id",
            "open",
            "is_shared",
            "snoozed_until",
            "admin_id",
            "assignee_id",
            "skip_notifications",
        ],
    ) {
        return reply;
    }
    let Some(index) = state.tickets.iter().position(|t| t.id == req.id(0)) else {
        return not_found("Ticket");
    };
    let (title, description) = match ticket_attributes(body.get("ticket_attributes")) {
        Ok(attributes) => attributes,
        Err(reply) => return reply,
    };
    if title.as_deref().is_some_and(|t| t.trim().is_empty()) {
        return parameter_invalid("_default_title_ cannot be blank");
    }
    if body.contains_key("admin_id") && acting_admin(state, &body).is_err() {
        return not_found("Admin");
    }
    let mut new_state = None;
    if let Some(state_id) = body.get("ticket_state_id") {
        let Some(state_id) = id_text(Some(state_id)) else {
            return parameter_invalid("ticket_state_id must be an id");
        };
        match TICKET_STATES.iter().find(|s| s.0 == state_id) {
            None => return not_found("Ticket state"),
            Some(s) if s.3 => return data_invalid("The ticket state is archived"),
            Some(s) => new_state = Some(s.0),
        }
    }
    match body.get("open") {
        None => {}
        Some(Value::Bool(false)) if new_state.is_none() => new_state = Some("8005"),
        Some(Value::Bool(true)) if new_state.is_none() => new_state = Some("8001"),
        Some(Value::Bool(_)) => {}
        Some(_) => return parameter_invalid("open must be a boolean"),
    }
    let mut assignee = None;
    if let Some(value) = body.get("assignee_id") {
        let Some(id) = id_text(Some(value)) else {
            return parameter_invalid("assignee_id must be an id");
        };
        if !body.contains_key("admin_id") {
            return parameter_not_found("admin_id is required to assign a ticket");
        }
        if id == "0" {
            assignee = Some((None, None));
        } else if state.admin(&id).is_some() {
            assignee = Some((Some(Some(id)), None));
        } else if state.teams.iter().any(|(t, _)| *t == id) {
            assignee = Some((None, Some(Some(id))));
        } else {
            return not_found("Assignee");
        }
    }
    let now = super::store::unix(&state.clock.tick());
    let ticket = &mut state.tickets[index];
    if let Some(title) = title {
        ticket.title = title;
    }
    if let Some(description) = description {
        ticket.description = description;
    }
    if let Some(new_state) = new_state {
        ticket.state = new_state.to_owned();
    }
    match assignee {
        Some((None, None)) => {
            ticket.admin = None;
            ticket.team = None;
        }
        Some((admin, team)) => {
            if let Some(admin) = admin {
                ticket.admin = admin;
            }
            if let Some(team) = team {
                ticket.team = team;
            }
        }
        None => {}
    }
    ticket.updated_at = now;
    let ticket = state.tickets[index].clone();
    Reply::ok(state.ticket_json(&ticket))
}

fn reply_ticket(state: &mut SimState, req: &Req) -> Reply {
    let body = match object_body(req) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    let Some(index) = state.tickets.iter().position(|t| t.id == req.id(0)) else {
        return not_found("Ticket");
    };
    let new = match parse_reply(state, &body, true) {
        Ok(new) => new,
        Err(reply) => return reply,
    };
    let id = state.next_part_id();
    let now = super::store::unix(&state.clock.tick());
    let part = new.into_part(id, now, &state.storage_prefix);
    let reply = Reply::ok(state.ticket_part_json(&part));
    let ticket = &mut state.tickets[index];
    ticket.parts.push(part);
    ticket.updated_at = now;
    reply
}

/// `{id, admin_id}`: the tag to attach, by whom.
fn tag_to_attach(state: &SimState, req: &Req) -> Result<String, Reply> {
    let body = object_body(req)?;
    only_members(&body, &["id", "admin_id"])?;
    let tag = id_text(body.get("id")).ok_or_else(|| parameter_not_found("id is required"))?;
    acting_admin(state, &body)?;
    if state.tag_name(&tag).is_none() {
        return Err(not_found("Tag"));
    }
    Ok(tag)
}

/// `{admin_id}` of a detach.
fn detaching_admin(state: &SimState, req: &Req) -> Result<(), Reply> {
    let body = object_body(req)?;
    only_members(&body, &["admin_id"])?;
    acting_admin(state, &body).map(|_| ())
}

fn tag_reply(state: &SimState, tag: &str) -> Reply {
    Reply::ok(json!({"type": "tag", "id": tag, "name": state.tag_name(tag)}))
}

fn tag_ticket(state: &mut SimState, req: &Req) -> Reply {
    let Some(index) = state.tickets.iter().position(|t| t.id == req.id(0)) else {
        return not_found("Ticket");
    };
    match tag_to_attach(state, req) {
        Ok(tag) => {
            let tags = &mut state.tickets[index].tags;
            if !tags.contains(&tag) {
                tags.push(tag.clone());
            }
            tag_reply(state, &tag)
        }
        Err(reply) => reply,
    }
}

fn untag_ticket(state: &mut SimState, req: &Req) -> Reply {
    let Some(index) = state.tickets.iter().position(|t| t.id == req.id(0)) else {
        return not_found("Ticket");
    };
    if let Err(reply) = detaching_admin(state, req) {
        return reply;
    }
    let tag = req.id(1).to_owned();
    if !state.tickets[index].tags.contains(&tag) {
        return not_found("Tag");
    }
    state.tickets[index].tags.retain(|t| *t != tag);
    tag_reply(state, &tag)
}

// ----- conversations -----

fn conversation_field(c: &ConvRec, field: &str) -> Val {
    let number =
        |id: &Option<String>| Val::Int(id.as_deref().and_then(|i| i.parse().ok()).unwrap_or(0));
    match field {
        "id" => strs([c.id.as_str()]),
        "created_at" => Val::Int(c.created_at),
        "updated_at" => Val::Int(c.updated_at),
        "source.type" => strs([c.source_type.as_str()]),
        "source.id" => strs([c.source.id.as_str()]),
        "source.delivered_as" => strs(["customer_initiated"]),
        "source.subject" => strs([c.subject.as_str()]),
        // Each word of the body on its own.
        "source.body" => strs(
            c.source
                .body
                .as_deref()
                .unwrap_or("")
                .replace("<p>", " ")
                .replace("</p>", " ")
                .split_whitespace()
                .map(str::to_owned)
                .collect::<Vec<_>>(),
        ),
        "source.author.id" => strs([c.source.author.id.as_str()]),
        "source.author.type" => strs([c.source.author.kind.as_str()]),
        "contact_ids" => strs([c.contact.as_str()]),
        "teammate_ids" => Val::Strs(c.admin.iter().cloned().collect()),
        "admin_assignee_id" => number(&c.admin),
        "team_assignee_id" => number(&c.team),
        "open" => Val::Bool(c.state == "open"),
        "read" => Val::Bool(true),
        "state" => strs([c.state.as_str()]),
        "snoozed_until" => c.snoozed_until.map_or(Val::Null, Val::Int),
        "tag_ids" => Val::Strs(c.tags.clone()),
        "priority" => strs([c.priority.as_str()]),
        "ai_agent_participated" => Val::Bool(false),
        _ => match (field, &c.rating) {
            ("conversation_rating.score", Some(r)) => Val::Int(i64::from(r.score)),
            ("conversation_rating.requested_at" | "conversation_rating.replied_at", Some(r)) => {
                Val::Int(r.created_at)
            }
            ("conversation_rating.remark", Some(r)) => opt(r.remark.as_deref()),
            ("conversation_rating.contact_id", Some(r)) => strs([r.contact.as_str()]),
            ("conversation_rating.admin_d", Some(r)) => opt(r.teammate.as_deref()),
            _ => Val::Null,
        },
    }
}

fn list_conversations(state: &mut SimState, req: &Req) -> Reply {
    let per_page = match positive_param(req, "per_page", DEFAULT_PER_PAGE, Some(MAX_PER_PAGE)) {
        Ok(n) => n,
        Err(_) => {
            return parameter_invalid(format!(
                "per_page must be an integer from 1 to {MAX_PER_PAGE}"
            ));
        }
    };
    let items: Vec<(u64, Value)> = state
        .conversations
        .iter()
        .map(|c| (key(&c.id), state.conversation_json(c, false)))
        .collect();
    let after = req.param("starting_after").map(str::to_owned);
    match cursor_page(state, "conversations", items, per_page, after.as_deref()) {
        Ok((conversations, pages, total)) => Reply::ok(json!({
            "type": "conversation.list",
            "conversations": conversations,
            "total_count": total,
            "pages": pages,
        })),
        Err(reply) => reply,
    }
}

fn search_conversations(state: &mut SimState, req: &Req) -> Reply {
    let body = match object_body(req) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    if let Err(reply) = only_members(&body, &["query", "pagination"]) {
        return reply;
    }
    let Some(query) = body.get("query") else {
        return parameter_not_found("query is required");
    };
    let query = match search::parse(query, CONVERSATION_FIELDS, false) {
        Ok(query) => query,
        Err(reply) => return reply,
    };
    let (per_page, after) = match pagination(&body) {
        Ok(paging) => paging,
        Err(reply) => return reply,
    };
    let items: Vec<(u64, Value)> = state
        .conversations
        .iter()
        .filter(|c| search::matches(&query, &|field| conversation_field(c, field)))
        .map(|c| (key(&c.id), state.conversation_json(c, false)))
        .collect();
    let scope = format!(
        "conversations {}",
        body.get("query").map(Value::to_string).unwrap_or_default()
    );
    match cursor_page(state, &scope, items, per_page, after.as_deref()) {
        Ok((conversations, pages, total)) => Reply::ok(json!({
            "type": "conversation.list",
            "conversations": conversations,
            "total_count": total,
            "pages": pages,
        })),
        Err(reply) => reply,
    }
}

fn get_conversation(state: &mut SimState, req: &Req) -> Reply {
    match state.conversations.iter().find(|c| c.id == req.id(0)) {
        Some(c) => full_conversation(state, c, req),
        None => not_found("Conversation"),
    }
}

/// A conversation with its parts, as `display_as` asks: `plaintext` strips the bodies' HTML.
fn full_conversation(state: &SimState, c: &ConvRec, req: &Req) -> Reply {
    let mut value = state.conversation_json(c, true);
    match req.param("display_as") {
        None => {}
        Some("plaintext") => {
            let plain = |body: &mut Value| {
                if let Some(text) = body.as_str() {
                    *body = json!(strip_tags(text));
                }
            };
            plain(&mut value["source"]["body"]);
            if let Some(parts) = value["conversation_parts"]["conversation_parts"].as_array_mut() {
                for part in parts {
                    plain(&mut part["body"]);
                }
            }
        }
        Some(other) => return parameter_invalid(format!("display_as {other} is not valid")),
    }
    Reply::ok(value)
}

/// `POST /conversations`: a contact's message starts a conversation; the answer is the message.
fn create_conversation(state: &mut SimState, req: &Req) -> Reply {
    let body = match object_body(req) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    if let Err(reply) = only_members(
        &body,
        &["from", "body", "subject", "attachment_urls", "created_at"],
    ) {
        return reply;
    }
    let Some(from) = body.get("from").and_then(Value::as_object) else {
        return parameter_not_found("from is required");
    };
    if let Err(reply) = only_members(from, &["type", "id"]) {
        return reply;
    }
    let kind = from.get("type").and_then(Value::as_str).unwrap_or("");
    if !["user", "lead", "contact"].contains(&kind) {
        return parameter_invalid("from.type must be user, lead or contact");
    }
    let Some(contact) = id_text(from.get("id")) else {
        return parameter_not_found("from.id is required");
    };
    if state.contact(&contact).is_none() {
        return not_found("User");
    }
    let Some(text) = body
        .get("body")
        .and_then(Value::as_str)
        .filter(|b| !b.trim().is_empty())
    else {
        return parameter_invalid("body is required");
    };
    let subject = body
        .get("subject")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let id = state.next_record_id();
    let message = state.next_other_id();
    let created = super::store::unix(&state.clock.creation_time());
    state.conversations.push(ConvRec {
        id: id.clone(),
        title: None,
        state: "open".into(),
        priority: "none".into(),
        contact: contact.clone(),
        admin: None,
        team: None,
        created_at: created,
        updated_at: created,
        snoozed_until: None,
        tags: Vec::new(),
        source_type: "conversation".into(),
        subject,
        source: Part {
            id: message.clone(),
            part_type: "source".into(),
            body: Some(text.to_owned()),
            author: Author {
                kind: "user".into(),
                id: contact,
            },
            created_at: created,
            attachments: Vec::new(),
        },
        parts: Vec::new(),
        sla: None,
        rating: None,
    });
    Reply::ok(json!({
        "type": "user_message",
        "id": message,
        "created_at": created,
        "body": text,
        "message_type": "inapp",
        "conversation_id": id,
    }))
}

fn update_conversation(state: &mut SimState, req: &Req) -> Reply {
    let body = match object_body(req) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    if let Err(reply) = only_members(&body, &["read", "title", "custom_attributes", "company_id"]) {
        return reply;
    }
    let Some(index) = state.conversations.iter().position(|c| c.id == req.id(0)) else {
        return not_found("Conversation");
    };
    let title = match body.get("title") {
        None => None,
        Some(Value::String(t)) => Some(t.clone()),
        Some(_) => return parameter_invalid("title must be a string"),
    };
    let now = super::store::unix(&state.clock.tick());
    let c = &mut state.conversations[index];
    if let Some(title) = title {
        c.title = Some(title);
    }
    c.updated_at = now;
    let c = state.conversations[index].clone();
    full_conversation(state, &c, req)
}

/// `POST /conversations/{id}/parts`: close, snooze, open or assign.
fn manage_conversation(state: &mut SimState, req: &Req) -> Reply {
    let body = match object_body(req) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    let Some(index) = state.conversations.iter().position(|c| c.id == req.id(0)) else {
        return not_found("Conversation");
    };
    let message_type = body
        .get("message_type")
        .and_then(Value::as_str)
        .unwrap_or("");
    let allowed: &[&str] = match message_type {
        "close" => &["message_type", "type", "admin_id", "body"],
        "snoozed" => &["message_type", "admin_id", "snoozed_until"],
        "open" => &["message_type", "admin_id"],
        "assignment" => &["message_type", "type", "admin_id", "assignee_id", "body"],
        _ => {
            return parameter_invalid("message_type must be close, snoozed, open or assignment");
        }
    };
    if let Err(reply) = only_members(&body, allowed) {
        return reply;
    }
    let admin = match acting_admin(state, &body) {
        Ok(admin) => admin,
        Err(reply) => return reply,
    };
    let kind = body.get("type").and_then(Value::as_str);
    let text = body.get("body").and_then(Value::as_str).map(str::to_owned);
    let mut snooze = None;
    let mut assign: Option<(bool, Option<String>)> = None;
    match message_type {
        "close" if kind != Some("admin") => return parameter_invalid("type must be admin"),
        "snoozed" => match body.get("snoozed_until").and_then(Value::as_i64) {
            Some(until) => snooze = Some(until),
            None => return parameter_not_found("snoozed_until is required"),
        },
        "assignment" => {
            let Some(assignee) = id_text(body.get("assignee_id")) else {
                return parameter_not_found("assignee_id is required");
            };
            let team = match kind {
                Some("admin") => false,
                Some("team") => true,
                _ => return parameter_invalid("type must be admin or team"),
            };
            let known = assignee == "0"
                || if team {
                    state.teams.iter().any(|(t, _)| *t == assignee)
                } else {
                    state.admin(&assignee).is_some()
                };
            if !known {
                return not_found(if team { "Team" } else { "Admin" });
            }
            assign = Some((team, (assignee != "0").then_some(assignee)));
        }
        _ => {}
    }
    let id = state.next_part_id();
    let now = super::store::unix(&state.clock.tick());
    let c = &mut state.conversations[index];
    match message_type {
        "close" => c.state = "closed".into(),
        "snoozed" => {
            c.state = "snoozed".into();
            c.snoozed_until = snooze;
        }
        "open" => {
            c.state = "open".into();
            c.snoozed_until = None;
        }
        _ => {}
    }
    if let Some((team, assignee)) = assign {
        if team {
            c.team = assignee;
        } else {
            c.admin = assignee;
        }
    }
    c.parts.push(Part {
        id,
        part_type: message_type.to_owned(),
        body: text,
        author: Author {
            kind: "admin".into(),
            id: admin,
        },
        created_at: now,
        attachments: Vec::new(),
    });
    c.updated_at = now;
    let c = state.conversations[index].clone();
    Reply::ok(state.conversation_json(&c, true))
}

fn reply_conversation(state: &mut SimState, req: &Req) -> Reply {
    let body = match object_body(req) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    let Some(index) = state.conversations.iter().position(|c| c.id == req.id(0)) else {
        return not_found("Conversation");
    };
    let new = match parse_reply(state, &body, false) {
        Ok(new) => new,
        Err(reply) => return reply,
    };
    let id = state.next_part_id();
    let now = super::store::unix(&state.clock.tick());
    let part = new.into_part(id, now, &state.storage_prefix);
    let c = &mut state.conversations[index];
    c.parts.push(part);
    c.updated_at = now;
    let c = state.conversations[index].clone();
    Reply::ok(state.conversation_json(&c, true))
}

fn tag_conversation(state: &mut SimState, req: &Req) -> Reply {
    let Some(index) = state.conversations.iter().position(|c| c.id == req.id(0)) else {
        return not_found("Conversation");
    };
    match tag_to_attach(state, req) {
        Ok(tag) => {
            let tags = &mut state.conversations[index].tags;
            if !tags.contains(&tag) {
                tags.push(tag.clone());
            }
            tag_reply(state, &tag)
        }
        Err(reply) => reply,
    }
}

fn untag_conversation(state: &mut SimState, req: &Req) -> Reply {
    let Some(index) = state.conversations.iter().position(|c| c.id == req.id(0)) else {
        return not_found("Conversation");
    };
    if let Err(reply) = detaching_admin(state, req) {
        return reply;
    }
    let tag = req.id(1).to_owned();
    if !state.conversations[index].tags.contains(&tag) {
        return not_found("Tag");
    }
    state.conversations[index].tags.retain(|t| *t != tag);
    tag_reply(state, &tag)
}

// ----- contacts -----

fn search_contacts(state: &mut SimState, req: &Req) -> Reply {
    let body = match object_body(req) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    if let Err(reply) = only_members(&body, &["query", "pagination", "sort"]) {
        return reply;
    }
    let Some(query) = body.get("query") else {
        return parameter_not_found("query is required");
    };
    let query = match search::parse(query, CONTACT_FIELDS, false) {
        Ok(query) => query,
        Err(reply) => return reply,
    };
    let (per_page, after) = match pagination(&body) {
        Ok(paging) => paging,
        Err(reply) => return reply,
    };
    let items: Vec<(u64, Value)> = state
        .contacts
        .iter()
        .filter(|c| {
            search::matches(&query, &|field| match field {
                "id" => strs([c.id.as_str()]),
                "role" => strs([c.role.as_str()]),
                "name" => opt(c.name.as_deref()),
                "email" => opt(c.email.as_deref()),
                "created_at" => Val::Int(c.created_at),
                _ => Val::Null,
            })
        })
        .map(|c| (key(&c.id), SimState::contact_json(c)))
        .collect();
    let scope = format!(
        "contacts {}",
        body.get("query").map(Value::to_string).unwrap_or_default()
    );
    match cursor_page(state, &scope, items, per_page, after.as_deref()) {
        Ok((data, pages, total)) => Reply::ok(json!({
            "type": "list",
            "data": data,
            "total_count": total,
            "pages": pages,
        })),
        Err(reply) => reply,
    }
}

fn create_contact(state: &mut SimState, req: &Req) -> Reply {
    let body = match object_body(req) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    if let Err(reply) = only_members(
        &body,
        &[
            "role",
            "external_id",
            "email",
            "email_verified",
            "phone",
            "name",
            "avatar",
            "signed_up_at",
            "last_seen_at",
            "owner_id",
            "unsubscribed_from_emails",
            "custom_attributes",
        ],
    ) {
        return reply;
    }
    let email = body.get("email").and_then(Value::as_str).map(str::to_owned);
    if email.is_none() && !body.contains_key("external_id") && !body.contains_key("role") {
        return parameter_invalid("A contact needs an email, an external_id or a role");
    }
    if let Some(existing) = email.as_deref().and_then(|e| {
        state
            .contacts
            .iter()
            .find(|c| c.email.as_deref() == Some(e))
    }) {
        return error(
            409,
            "conflict",
            format!(
                "A contact matching those details already exists with id={}",
                existing.id
            ),
        );
    }
    let role = match body.get("role").and_then(Value::as_str) {
        None | Some("user") => "user",
        Some("lead") => "lead",
        Some(_) => return parameter_invalid("role must be user or lead"),
    };
    let contact = super::store::ContactRec {
        id: state.next_other_id(),
        name: body.get("name").and_then(Value::as_str).map(str::to_owned),
        email,
        role: role.into(),
        created_at: super::store::unix(&state.clock.creation_time()),
    };
    let reply = Reply::ok(SimState::contact_json(&contact));
    state.contacts.push(contact);
    reply
}

// ----- articles -----

fn list_articles(state: &mut SimState, req: &Req) -> Reply {
    let page = match positive_param(req, "page", 1, None) {
        Ok(page) => page,
        Err(_) => return parameter_invalid("page must be a positive integer"),
    };
    let per_page = match positive_param(
        req,
        "per_page",
        ARTICLES_PER_PAGE,
        Some(MAX_ARTICLES_PER_PAGE),
    ) {
        Ok(n) => n,
        Err(_) => {
            return parameter_invalid(format!(
                "per_page must be an integer from 1 to {MAX_ARTICLES_PER_PAGE}"
            ));
        }
    };
    // Newest first.
    let mut articles: Vec<&support_conformance::world::ArticleFx> =
        state.world.articles.iter().collect();
    articles.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    let total = articles.len();
    let data: Vec<Value> = articles
        .into_iter()
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .map(|a| state.article_json(a))
        .collect();
    Reply::ok(json!({
        "type": "list",
        "pages": {
            "type": "pages",
            "page": page,
            "per_page": per_page,
            "total_pages": total.div_ceil(per_page),
        },
        "total_count": total,
        "data": data,
    }))
}

fn get_article(state: &mut SimState, req: &Req) -> Reply {
    match state.world.articles.iter().find(|a| a.id == req.id(0)) {
        Some(article) => Reply::ok(state.article_json(article)),
        None => not_found("Article"),
    }
}

fn collections(state: &mut SimState, _req: &Req) -> Reply {
    let data: Vec<Value> = state
        .world
        .categories
        .iter()
        .map(SimState::collection_json)
        .collect();
    let total = data.len();
    Reply::ok(json!({
        "type": "list",
        "data": data,
        "total_count": total,
        "pages": {"type": "pages", "page": 1, "per_page": 50, "total_pages": 1},
    }))
}
