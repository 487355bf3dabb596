//! The Zoho Desk organization the simulator serves: the fixture world in Zoho's own records
//! (departments, agents, contacts, tickets, comments, threads, tags, articles, account SLAs,
//! attachments), the log of answered requests, and the test hooks.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use support_conformance::sim::{self, RecordedRequest, WriteClock, iso_seconds, storage};
use support_conformance::{IdScheme, World};
use support_core::{Channel, Priority, TicketStatus, Visibility};

/// A status of the ticket layout: its label and status type.
pub const STATUSES: &[(&str, &str)] = &[
    ("Open", "Open"),
    ("On Hold", "On Hold"),
    ("Escalated", "Open"),
    ("Awaiting Vendor", "On Hold"),
    ("Closed", "Closed"),
];

/// The priorities of the ticket layout.
pub const PRIORITIES: &[&str] = &["Low", "Medium", "High", "Urgent"];

/// The largest `from` + `limit` a listing accepts (third parties report about 5,000; Zoho does
/// not document the figure).
pub const FROM_CAP: usize = 5000;

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
    /// Tags per ticket id.
    pub tags: BTreeMap<String, Vec<String>>,
    /// Attachments (each with its `ticketId`).
    pub attachments: Vec<Value>,
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
    next_id: u64,
    ids: IdScheme,
    files: String,
}

/// Zoho's label of a canonical status.
pub fn status_label(status: &TicketStatus) -> &'static str {
    match status {
        TicketStatus::Pending | TicketStatus::OnHold => "On Hold",
        TicketStatus::Resolved | TicketStatus::Closed => "Closed",
        _ => "Open",
    }
}

/// The status type of a label (`None` for an unknown label).
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

/// The `ticketNumber` of a ticket id: its logical number.
pub fn ticket_number(id: &str) -> String {
    let n: u64 = id.parse().unwrap_or_default();
    (n % 100_000_000_000).to_string()
}

impl SimState {
    /// A fresh id in the organization's scheme.
    pub fn new_id(&mut self) -> String {
        self.next_id += 1;
        self.ids
            .render(support_conformance::Entity::Ticket, self.next_id)
    }

    /// The next write's time.
    pub fn now(&mut self) -> String {
        iso_millis(&iso_seconds(&self.clock.tick()))
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

    /// Where this simulator's files live.
    pub fn files_prefix(&self) -> &str {
        &self.files
    }
}

/// `2026-01-05T10:00:00Z` as Zoho spells it, `2026-01-05T10:00:00.000Z`.
fn iso_millis(text: &str) -> String {
    match text.strip_suffix('Z') {
        Some(head) if !head.contains('.') => format!("{head}.000Z"),
        _ => text.to_owned(),
    }
}

fn time(t: &chrono::DateTime<chrono::Utc>) -> String {
    iso_millis(&iso_seconds(t))
}

fn split_name(name: &str) -> (String, String) {
    match name.rsplit_once(' ') {
        Some((first, last)) => (first.to_owned(), last.to_owned()),
        None => (String::new(), name.to_owned()),
    }
}

impl sim::Account for SimState {
    fn seed(world: World, _base_url: &str) -> Self {
        let ids = world.profile.ids;
        let files = storage::new_prefix("zohodesk");
        let departments: Vec<Value> = world
            .groups
            .iter()
            .map(|g| {
                json!({
                    "id": g.id, "name": g.name, "description": null, "isEnabled": true,
                    "isDefault": false, "isAssignToTeamEnabled": false, "chatStatus": "AVAILABLE",
                    "hasLogo": false, "isVisibleInCustomerPortal": true, "creatorId": null,
                    "createdTime": "2026-01-01T00:00:00.000Z", "nameInCustomerPortal": g.name,
                })
            })
            .collect();
        let default_department = world
            .groups
            .first()
            .map(|g| g.id.clone())
            .unwrap_or_default();
        let agents = world
            .agents
            .iter()
            .map(|a| {
                let (first, last) = split_name(&a.name);
                json!({
                    "id": a.id, "name": a.name, "firstName": first, "lastName": last,
                    "emailId": a.email, "status": "ACTIVE", "isConfirmed": true,
                    "roleId": null, "profileId": null, "rolePermissionType": if a.role == "admin" { "Admin" } else { "AgentPublic" },
                    "associatedDepartmentIds": a.groups, "photoURL": null, "zuid": a.id,
                    "channelExpert": ["Email"], "langCode": "en_US", "timeZone": "Europe/London",
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
                        "phone": null, "accountId": c.organization, "type": null,
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
        let mut tags = BTreeMap::new();
        let mut threads = Vec::new();
        let tickets = world
            .tickets
            .iter()
            .map(|t| {
                tags.insert(t.id.clone(), t.tags.clone());
                let label = status_label(&t.status);
                let department = t.group.clone().unwrap_or_else(|| default_department.clone());
                threads.push(json!({
                    "id": format!("{}9", t.id), "ticketId": t.id, "channel": "EMAIL",
                    "direction": "in", "isPrivate": false, "visibility": "public",
                    "summary": t.description, "content": t.description, "contentType": "text/plain",
                    "createdTime": time(&t.created_at), "author": {"id": t.requester, "type": "END_USER", "email": contact_email(&t.requester)},
                    "hasAttach": false, "attachmentCount": "0",
                }));
                json!({
                    "id": t.id,
                    "ticketNumber": ticket_number(&t.id),
                    "subject": t.subject,
                    "description": t.description,
                    "status": label,
                    "statusType": status_type(label),
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
                    "webUrl": format!("https://desk.zoho.com/support/sim/ShowHomePage.do#Cases/dv/{}", t.id),
                    "threadCount": "1",
                    "commentCount": world.comments.iter().filter(|c| c.ticket == t.id).count().to_string(),
                    "cf": {},
                })
            })
            .collect();
        let mut attachments = Vec::new();
        let comments = world
            .comments
            .iter()
            .map(|c| {
                let agent = world.agents.iter().any(|a| a.id == c.author);
                for a in &c.attachments {
                    let url = storage::put(&files, &a.id, &a.file_name, &a.content_type, a.content.clone());
                    attachments.push(json!({
                        "id": a.id, "ticketId": c.ticket, "name": a.file_name,
                        "size": a.content.len().to_string(), "isPublic": c.visibility == Visibility::Public,
                        "createdTime": time(&c.created_at), "href": url,
                        "creator": {"id": c.author},
                    }));
                }
                json!({
                    "id": c.id, "ticketId": c.ticket, "content": c.html, "contentType": "html",
                    "isPublic": c.visibility == Visibility::Public,
                    "commentedTime": time(&c.created_at), "modifiedTime": null,
                    "commenterId": c.author,
                    "commenter": {"id": c.author, "name": null, "type": if agent { "AGENT" } else { "END_USER" }},
                    "attachments": [], "mention": [], "impersonatedUser": null,
                })
            })
            .collect();
        let articles = world
            .articles
            .iter()
            .map(|a| {
                let category = world.categories.iter().find(|c| c.id == a.category);
                json!({
                    "id": a.id, "title": a.title, "answer": a.body_html,
                    "summary": a.title, "status": if a.published { "Published" } else { "Draft" },
                    "categoryId": a.category,
                    "category": {"id": a.category, "name": category.map(|c| c.name.clone())},
                    "locale": a.locale, "authorId": a.author,
                    "author": {"id": a.author},
                    "createdTime": time(&a.created_at), "modifiedTime": time(&a.created_at),
                    "permalink": format!("article-{}", a.id),
                    "webUrl": format!("https://desk.zoho.com/portal/kb/articles/article-{}", a.id),
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
                        "id": s.id, "name": s.name, "isActive": true,
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
            attachments,
            articles,
            account_slas,
            from_cap: FROM_CAP,
            expire_tokens_mid_listing: false,
            clock,
            next_id: 90_000,
            ids,
            files,
            world,
        }
    }

    fn log(&mut self) -> &mut Vec<RecordedRequest> {
        &mut self.log
    }
}
