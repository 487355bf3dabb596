//! The Zoho Desk organization the simulator serves: the fixture world in Zoho's own records
//! (departments, agents, contacts, tickets, comments, threads, tags, articles, account SLAs,
//! files: uploads, the tickets' own and the comments'), the log of answered requests, and the test hooks.
//!
//! Record shapes follow the examples of Zoho's description (`Ticket.json`, `TicketComment.json`,
//! `Thread.json`, `TicketTag.json`, `Agent.json`, `Department.json`, `Article.json`,
//! `AccountSla.json`), with times as ISO 8601 with milliseconds (`2026-01-05T08:00:00.000Z`,
//! what the API sends; the description's examples print some as epoch milliseconds) and ids as
//! long numeric strings.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use support_conformance::sim::{self, RecordedRequest, WriteClock, iso_seconds};
use support_conformance::{Entity, IdScheme, World};
use support_core::{Channel, Priority, TicketStatus, Visibility};

/// The statuses of the ticket layout: label and status type. A status is a per-department label
/// of one of three types (Open, On Hold, Closed); `In Progress` and `Awaiting Vendor` are custom
/// labels of the standard types.
pub const STATUSES: &[(&str, &str)] = &[
    ("Open", "Open"),
    ("In Progress", "Open"),
    ("On Hold", "On Hold"),
    ("Awaiting Vendor", "On Hold"),
    ("Closed", "Closed"),
];

/// The priorities of the ticket layout (labels; `Medium` is the canonical Normal).
pub const PRIORITIES: &[&str] = &["Low", "Medium", "High", "Urgent"];

/// The channels a ticket can come from.
pub const CHANNELS: &[&str] = &[
    "Email", "Phone", "Chat", "Web", "Forums", "Twitter", "Facebook",
];

/// The largest `from` + `limit` a listing accepts (third parties report failures past about
/// 5,000; Zoho does not document the figure).
pub const FROM_CAP: usize = 5000;

/// A tag of a department: name, id, when it was first applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DepartmentTag {
    /// The name, as first applied.
    pub name: String,
    /// Its id.
    pub id: String,
    /// When it was first applied.
    pub created: String,
}

/// The organization's records.
#[derive(Debug)]
pub struct SimState {
    log: Vec<RecordedRequest>,
    /// The world it was seeded from.
    pub world: World,
    /// Departments (`{id, name, ...}`).
    pub departments: Vec<Value>,
    /// Agents.
    pub agents: Vec<Value>,
    /// Contacts, by id.
    pub contacts: BTreeMap<String, Value>,
    /// Tickets in creation order.
    pub tickets: Vec<Value>,
    /// Comments (each with its `ticketId`).
    pub comments: Vec<Value>,
    /// Threads (each with its `ticketId` and full `content`).
    pub threads: Vec<Value>,
    /// Tag names per ticket id.
    pub tags: BTreeMap<String, Vec<String>>,
    /// Tags per department id: a tag exists once applied to a ticket of the department, and
    /// stays when no ticket carries it any more (`ticketCount` 0).
    pub department_tags: BTreeMap<String, Vec<DepartmentTag>>,
    /// The tickets' own files (`GET /tickets/{id}/attachments`), each with its `ticketId`; a
    /// comment's files are its `attachments`.
    pub attachments: Vec<Value>,
    /// Uploads not yet referenced by a comment or a new ticket (`POST /api/v1/uploads`), by id:
    /// the record the upload answered.
    pub uploads: BTreeMap<String, Value>,
    /// Every file's bytes, by attachment id (an upload keeps its id once attached).
    pub files: BTreeMap<String, StoredFile>,
    /// Articles (with full `answer`).
    pub articles: Vec<Value>,
    /// The account's SLAs (`accountId`, records).
    pub account_slas: (String, Vec<Value>),
    /// The largest `from` + `limit` listings accept (test hook; [`FROM_CAP`] by default).
    pub from_cap: usize,
    /// Test hook: expire the issued access tokens right after the next ticket page with more to
    /// follow.
    pub expire_tokens_mid_listing: bool,
    clock: WriteClock,
    next_ticket: u64,
    next_comment: u64,
    next_other: u64,
    ids: IdScheme,
    base_url: String,
}

/// A file's content type (the multipart part's) and bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredFile {
    /// The content type it was uploaded with.
    pub content_type: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// Zoho's label of a canonical status (`None`: the world's status no layout has).
pub fn status_label(status: &TicketStatus) -> Option<&'static str> {
    match status {
        TicketStatus::New | TicketStatus::Open => Some("Open"),
        TicketStatus::Pending | TicketStatus::OnHold => Some("On Hold"),
        TicketStatus::Resolved | TicketStatus::Closed => Some("Closed"),
        _ => None,
    }
}

/// The status type of a label (`None` for a label the layout does not have).
pub fn status_type(label: &str) -> Option<&'static str> {
    STATUSES.iter().find(|(l, _)| *l == label).map(|(_, t)| *t)
}

fn priority_label(priority: &Priority) -> &'static str {
    match priority {
        Priority::Low => "Low",
        Priority::High => "High",
        Priority::Urgent => "Urgent",
        _ => "Medium",
    }
}

fn channel_label(channel: &Channel) -> &'static str {
    match channel {
        Channel::Chat => "Chat",
        Channel::Phone => "Phone",
        Channel::Web => "Web",
        _ => "Email",
    }
}

/// The `ticketNumber` of a ticket id: its logical number (the world's number).
pub fn ticket_number(id: &str) -> String {
    let n: u64 = id.parse().unwrap_or_default();
    (n % 100_000_000_000).to_string()
}

/// `2026-01-05T10:00:00Z` as Zoho spells it, `2026-01-05T10:00:00.000Z`.
pub fn iso_millis(text: &str) -> String {
    match text.strip_suffix('Z') {
        Some(head) if !head.contains('.') => format!("{head}.000Z"),
        _ => text.to_owned(),
    }
}

/// A time as Zoho spells it.
pub fn time(t: &DateTime<Utc>) -> String {
    iso_millis(&iso_seconds(t))
}

fn split_name(name: &str) -> (String, String) {
    match name.rsplit_once(' ') {
        Some((first, last)) => (first.to_owned(), last.to_owned()),
        None => (String::new(), name.to_owned()),
    }
}

/// The number an id of the world's scheme renders (`IdScheme::NumericString` pads a prefix).
fn number_of(id: &str) -> u64 {
    id.parse::<u64>().unwrap_or_default() % 100_000_000_000
}

impl SimState {
    /// A fresh id for a contact, thread or tag.
    pub fn new_id(&mut self) -> String {
        self.next_other += 1;
        self.ids.render(Entity::Ticket, self.next_other)
    }

    /// The id of the next created ticket: the world's `created_ticket_id` first.
    pub fn new_ticket_id(&mut self) -> String {
        let id = self.ids.render(Entity::Ticket, self.next_ticket);
        self.next_ticket += 1;
        id
    }

    /// The id of the next created comment: the world's `created_comment_ids` first.
    pub fn new_comment_id(&mut self) -> String {
        let id = self.ids.render(Entity::Comment, self.next_comment);
        self.next_comment += 1;
        id
    }

    /// The next write's time.
    pub fn now(&mut self) -> String {
        time(&self.clock.tick())
    }

    /// The time tickets are created at (`World::created_ticket().created_at`).
    pub fn creation_time(&self) -> String {
        time(&self.clock.creation_time())
    }

    /// The ticket with this id.
    pub fn ticket(&self, id: &str) -> Option<&Value> {
        self.tickets.iter().find(|t| t["id"] == id)
    }

    /// The ticket with this id, to change.
    pub fn ticket_mut(&mut self, id: &str) -> Option<&mut Value> {
        self.tickets.iter_mut().find(|t| t["id"] == id)
    }

    /// The agent with this id.
    pub fn agent(&self, id: &str) -> Option<&Value> {
        self.agents.iter().find(|a| a["id"] == id)
    }

    /// The department with this id.
    pub fn department(&self, id: &str) -> Option<&Value> {
        self.departments.iter().find(|d| d["id"] == id)
    }

    /// The API host's URL (`http://127.0.0.1:port`): files' `href`s are on it.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The `href` of a file at `path` (`/api/v1/...`) on the API host.
    pub fn href(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Records `names` as tags of `department` (created now unless they exist, matched without
    /// regard to case).
    pub fn register_tags(&mut self, department: &str, names: &[String], now: &str) {
        for name in names {
            let known = self
                .department_tags
                .get(department)
                .is_some_and(|list| list.iter().any(|t| t.name.eq_ignore_ascii_case(name)));
            if !known {
                let id = self.new_id();
                self.department_tags
                    .entry(department.to_owned())
                    .or_default()
                    .push(DepartmentTag {
                        name: name.clone(),
                        id,
                        created: now.to_owned(),
                    });
            }
        }
    }

    /// The tag record of `name` in the ticket's department (`{id, name, tagType}`).
    pub fn tag_record(&self, department: &str, name: &str) -> Value {
        let id = self
            .department_tags
            .get(department)
            .and_then(|list| list.iter().find(|t| t.name.eq_ignore_ascii_case(name)))
            .map(|t| t.id.clone());
        json!({"id": id, "name": name, "tagType": "MANUAL"})
    }

    /// How many tickets of `department` carry the tag `name`.
    pub fn tag_count(&self, department: &str, name: &str) -> usize {
        self.tickets
            .iter()
            .filter(|t| t["departmentId"] == department)
            .filter(|t| {
                self.tags
                    .get(t["id"].as_str().unwrap_or_default())
                    .is_some_and(|tags| tags.iter().any(|x| x.eq_ignore_ascii_case(name)))
            })
            .count()
    }

    /// The body Zoho posts to a webhook subscribed to `event` (`Ticket_Add`, `Ticket_Update`,
    /// `Ticket_Comment_Add`, ...) about this ticket: an array of one event, `{eventType, orgId,
    /// eventTime (epoch milliseconds, a string), payload (the ticket), prevState (for an update:
    /// the members that changed, as they were)}`. The shape is the webhook guide's
    /// (desk.zoho.com/support/WebhookDocument.do); the description has subscriptions only.
    /// Deliveries carry no signature and no custom header.
    pub fn webhook_delivery(
        &self,
        event: &str,
        ticket: &str,
        prev_state: Option<Value>,
    ) -> Option<Value> {
        let payload = self.ticket(ticket)?.clone();
        let millis = chrono::DateTime::parse_from_rfc3339(payload["modifiedTime"].as_str()?)
            .ok()?
            .timestamp_millis();
        let mut item = json!({
            "eventType": event,
            "orgId": super::ORG_ID,
            "eventTime": millis.to_string(),
            "payload": payload,
        });
        if let Some(prev) = prev_state {
            item["prevState"] = prev;
        }
        Some(json!([item]))
    }

    /// Attaches a file to a ticket directly (as `POST /tickets/{id}/attachments` does), for a test
    /// (`no_hidden_caps.rs`): its attachment id.
    pub fn add_ticket_file(
        &mut self,
        ticket: &str,
        name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> String {
        let id = self.new_id();
        let at = self.creation_time();
        let creator = self
            .agents
            .first()
            .map(|a| a["id"].clone())
            .unwrap_or(Value::Null);
        self.files.insert(
            id.clone(),
            StoredFile {
                content_type: content_type.to_owned(),
                bytes: bytes.to_vec(),
            },
        );
        let href = self.href(&format!(
            "/api/v1/tickets/{ticket}/attachments/{id}/content"
        ));
        self.attachments.push(json!({
            "id": id, "ticketId": ticket, "name": name, "size": bytes.len().to_string(),
            "isPublic": true, "previewurl": null, "createdTime": at, "creatorId": creator,
            "creator": {"id": creator, "type": "AGENT"}, "href": href,
        }));
        id
    }

    /// Adds a ticket created by a test (`no_hidden_caps.rs`), in the first department, created at
    /// `created` and not changed since.
    pub fn add_ticket(&mut self, subject: &str, created: &DateTime<Utc>) -> String {
        let id = self.new_id();
        let department = self.departments[0]["id"].clone();
        let contact = self.contacts.keys().next().cloned().unwrap_or_default();
        let at = time(created);
        self.tickets.push(json!({
            "id": id, "ticketNumber": ticket_number(&id), "subject": subject,
            "description": null, "status": "Open", "statusType": "Open", "priority": null,
            "channel": "Email", "departmentId": department, "assigneeId": null, "teamId": null,
            "contactId": contact, "email": null, "createdTime": at, "modifiedTime": at,
            "closedTime": null, "dueDate": null, "isEscalated": false, "isSpam": false,
            "category": null, "threadCount": "0", "commentCount": "0", "cf": {},
        }));
        self.tags.insert(id.clone(), Vec::new());
        id
    }
}

impl sim::Account for SimState {
    fn seed(world: World, base_url: &str) -> Self {
        let ids = world.profile.ids;
        let base_url = base_url.trim_end_matches('/').to_owned();
        let setup = time(&sim::setup_time());
        let departments: Vec<Value> = world
            .groups
            .iter()
            .enumerate()
            .map(|(i, g)| {
                json!({
                    "id": g.id, "name": g.name, "description": null, "isEnabled": true,
                    "isDefault": i == 0, "isAssignToTeamEnabled": false, "chatStatus": "AVAILABLE",
                    "hasLogo": false, "isVisibleInCustomerPortal": true, "creatorId": null,
                    "createdTime": setup, "nameInCustomerPortal": g.name,
                })
            })
            .collect();
        let default_department = world
            .groups
            .first()
            .map(|g| g.id.clone())
            .unwrap_or_default();
        let agent_name = |id: &str| {
            world
                .agents
                .iter()
                .find(|a| a.id == id)
                .map(|a| a.name.clone())
        };
        let agents = world
            .agents
            .iter()
            .map(|a| {
                let (first, last) = split_name(&a.name);
                json!({
                    "id": a.id, "name": a.name, "firstName": first, "lastName": last,
                    "emailId": a.email, "status": "ACTIVE", "isConfirmed": true,
                    "roleId": null, "profileId": null,
                    "rolePermissionType": if a.role == "admin" { "Admin" } else { "AgentPublic" },
                    "associatedDepartmentIds": a.groups, "associatedChatDepartmentIds": [],
                    "photoURL": null, "zuid": number_of(&a.id).to_string(),
                    "channelExpert": ["Email"], "langCode": "en_US", "countryCode": "en_US",
                    "timeZone": "Europe/London", "isZiaAgent": false,
                })
            })
            .collect();
        let contacts = world
            .customers
            .iter()
            .map(|c| {
                let (first, last) = split_name(&c.name);
                (
                    c.id.clone(),
                    json!({
                        "id": c.id, "firstName": first, "lastName": last, "email": c.email,
                        "phone": null, "mobile": null, "accountId": c.organization,
                        "type": null, "isSpam": false,
                    }),
                )
            })
            .collect::<BTreeMap<_, _>>();
        let contact_email = |id: &str| {
            world
                .customers
                .iter()
                .find(|c| c.id == id)
                .map(|c| c.email.clone())
        };
        let mut next_other = 900_000;
        let mut tags = BTreeMap::new();
        let mut department_tags: BTreeMap<String, Vec<DepartmentTag>> = BTreeMap::new();
        let mut threads = Vec::new();
        let tickets = world
            .tickets
            .iter()
            .map(|t| {
                tags.insert(t.id.clone(), t.tags.clone());
                // The world's status no layout has: a label of no known type.
                let (label, ty) = match (&t.status, status_label(&t.status)) {
                    (_, Some(label)) => (label.to_owned(), status_type(label)),
                    (TicketStatus::Other(native), None) => (native.clone(), None),
                    (other, None) => (format!("{other:?}"), None),
                };
                let department = t.group.clone().unwrap_or_else(|| default_department.clone());
                for tag in &t.tags {
                    let list = department_tags.entry(department.clone()).or_default();
                    if !list.iter().any(|x| x.name.eq_ignore_ascii_case(tag)) {
                        next_other += 1;
                        list.push(DepartmentTag {
                            name: tag.clone(),
                            id: ids.render(Entity::Tag, next_other),
                            created: time(&t.created_at),
                        });
                    }
                }
                next_other += 1;
                threads.push(json!({
                    "id": ids.render(Entity::Comment, next_other), "ticketId": t.id,
                    "channel": "EMAIL", "direction": "in", "isDescriptionThread": true,
                    "canReply": true, "visibility": "public", "summary": t.description,
                    "content": t.description, "contentType": "text/plain",
                    "createdTime": time(&t.created_at),
                    "author": {"id": t.requester, "type": "END_USER", "email": contact_email(&t.requester)},
                    "fromEmailAddress": contact_email(&t.requester),
                    "hasAttach": false, "attachmentCount": "0", "attachments": [], "status": "SUCCESS",
                }));
                json!({
                    "id": t.id,
                    "ticketNumber": ticket_number(&t.id),
                    "subject": t.subject,
                    "description": t.description,
                    "status": label,
                    "statusType": ty,
                    "priority": t.priority.as_ref().map(priority_label),
                    "channel": channel_label(&t.channel),
                    "departmentId": department,
                    "assigneeId": t.assignee,
                    "teamId": null,
                    "contactId": t.requester,
                    "email": contact_email(&t.requester),
                    "createdTime": time(&t.created_at),
                    "modifiedTime": time(&t.updated_at),
                    "closedTime": t.closed_at.as_ref().map(time),
                    "dueDate": null,
                    "isEscalated": false,
                    "isSpam": false,
                    "category": null,
                    "language": "English",
                    "webUrl": format!("https://desk.zoho.com/support/sim/ShowHomePage.do#Cases/dv/{}", t.id),
                    "threadCount": "1",
                    "commentCount": world.comments.iter().filter(|c| c.ticket == t.id).count().to_string(),
                    "cf": {},
                })
            })
            .collect();
        // Workspace tags no ticket carries any more live in the first department.
        for (name, _) in &world.tags {
            let carried = department_tags
                .values()
                .any(|list| list.iter().any(|t| t.name.eq_ignore_ascii_case(name)));
            if !carried {
                next_other += 1;
                department_tags
                    .entry(default_department.clone())
                    .or_default()
                    .push(DepartmentTag {
                        name: name.clone(),
                        id: ids.render(Entity::Tag, next_other),
                        created: setup.clone(),
                    });
            }
        }
        let mut files = BTreeMap::new();
        let comments = world
            .comments
            .iter()
            .map(|c| {
                let agent = world.agents.iter().any(|a| a.id == c.author);
                let name = agent_name(&c.author).or_else(|| {
                    world
                        .customers
                        .iter()
                        .find(|x| x.id == c.author)
                        .map(|x| x.name.clone())
                });
                // A comment's files, as `TicketComment.json`'s example lists them: `{size, name,
                // id, href}` (and `previewurl`), the href on the API host.
                let attachments: Vec<Value> = c
                    .attachments
                    .iter()
                    .map(|a| {
                        files.insert(
                            a.id.clone(),
                            StoredFile {
                                content_type: a.content_type.clone(),
                                bytes: a.content.clone(),
                            },
                        );
                        json!({
                            "id": a.id, "name": a.file_name, "size": a.content.len().to_string(),
                            "href": format!(
                                "{base_url}/api/v1/tickets/{}/comments/{}/attachments/{}/content",
                                c.ticket, c.id, a.id
                            ),
                            "previewurl": null,
                        })
                    })
                    .collect();
                json!({
                    "id": c.id, "ticketId": c.ticket, "content": c.html, "contentType": "html",
                    "isPublic": c.visibility == Visibility::Public,
                    "commentedTime": time(&c.created_at), "modifiedTime": null,
                    "commenterId": c.author,
                    "commenter": {
                        "id": c.author, "name": name, "photoURL": null,
                        "type": if agent { "AGENT" } else { "END_USER" },
                    },
                    "attachments": attachments, "mention": [],
                })
            })
            .collect();
        let articles = world
            .articles
            .iter()
            .map(|a| {
                let category = world.categories.iter().find(|c| c.id == a.category);
                let author = json!({"id": a.author, "name": agent_name(&a.author), "photoURL": null, "status": "ACTIVE"});
                let status = if a.published { "Published" } else { "Draft" };
                json!({
                    "id": a.id, "title": a.title, "answer": a.body_html,
                    "summary": a.title, "status": status, "latestVersionStatus": status,
                    "categoryId": a.category, "rootCategoryId": a.category,
                    "category": {"id": a.category, "name": category.map(|c| c.name.clone()), "locale": a.locale},
                    "departmentId": default_department,
                    "locale": a.locale, "sourceLocale": a.locale, "permission": "ALL",
                    "authorId": a.author, "author": author,
                    "ownerId": a.author, "owner": author, "creatorId": a.author, "createdBy": author,
                    "createdTime": time(&a.created_at), "modifiedTime": time(&a.created_at),
                    "permalink": format!("article-{}", a.id),
                    "webUrl": format!("https://desk.zoho.com/support/sim/ShowHomePage.do#Solutions/dv/{}/{}", a.id, a.locale),
                    "portalUrl": format!("https://desk.zoho.com/portal/sim/{}/kb/articles/article-{}", a.locale, a.id),
                    "isTrashed": false, "isTemplate": false, "viewCount": "0", "likeCount": "0",
                    "dislikeCount": "0", "commentCount": "0", "attachmentCount": "0",
                    "latestVersion": "1.0", "latestPublishedVersion": if a.published { json!("1.0") } else { Value::Null },
                })
            })
            .collect();
        let account_slas = (
            world.organization.0.clone(),
            world
                .sla_policies
                .iter()
                .map(|s| {
                    json!({
                        "id": s.id, "slaName": s.name, "isActive": true,
                        "department": {"id": default_department, "name": world.groups.first().map(|g| g.name.clone())},
                    })
                })
                .collect(),
        );
        let clock = WriteClock::new(&world);
        Self {
            log: Vec::new(),
            departments,
            agents,
            contacts,
            tickets,
            comments,
            threads,
            tags,
            department_tags,
            attachments: Vec::new(),
            uploads: BTreeMap::new(),
            files,
            articles,
            account_slas,
            from_cap: FROM_CAP,
            expire_tokens_mid_listing: false,
            clock,
            next_ticket: number_of(world.created_ticket_id()),
            next_comment: number_of(world.created_comment_ids().0),
            next_other,
            ids,
            base_url,
            world,
        }
    }

    fn log(&mut self) -> &mut Vec<RecordedRequest> {
        &mut self.log
    }
}
