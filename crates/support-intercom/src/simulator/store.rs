//! The Intercom workspace the simulator serves: the fixture world as Intercom's own records, both
//! as tickets and as conversations (the same numbers name a ticket and the conversation linked to
//! it), and their wire JSON as the vendor description's schemas spell them (`ticket`,
//! `ticket_part`, `conversation`, `conversation_part`, `admin`, `team`, `tag`, `article`,
//! `collection`, `contact`).

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use support_conformance::World;
use support_conformance::sim::pager::CursorBook;
use support_conformance::sim::{Account, RecordedRequest, WriteClock, setup_time};
use support_core::{Availability, Channel, Priority, TicketCategory, TicketStatus, Visibility};

use support_conformance::sim::storage;

/// The admin the simulator's token belongs to (`GET /me`).
pub const ME: &str = "301";

/// The workspace's id (`app.id_code`).
pub const APP_ID_CODE: &str = "sim4pp01";

/// Ticket states: id, category, label, archived. The archived resolved state comes before the live
/// one, so "the first resolved state" has to skip it; `escalated` is a category Intercom does not
/// document (the world's status nobody knows).
pub const TICKET_STATES: [(&str, &str, &str, bool); 6] = [
    ("8001", "submitted", "Submitted", false),
    ("8002", "in_progress", "In progress", false),
    ("8003", "waiting_on_customer", "Waiting on customer", false),
    ("8004", "resolved", "Closed (old workflow)", true),
    ("8005", "resolved", "Resolved", false),
    ("8006", "escalated", "escalated", false),
];

/// Ticket types: id, name, category, archived. The archived Customer type comes first, so "the
/// first Customer type" has to skip it; the last type has no category (the world's tickets without
/// one).
pub const TICKET_TYPES: [(&str, &str, Option<&str>, bool); 5] = [
    ("8100", "Old questions", Some("Customer"), true),
    ("8101", "Question", Some("Customer"), false),
    ("8102", "Back-office task", Some("Back-office"), false),
    ("8103", "Bug", Some("Tracker"), false),
    ("8104", "Uncategorised", None, false),
];

/// The first id given to a created part (the world's created comment ids).
const FIRST_PART_ID: u64 = 650;

/// Unix seconds.
pub fn unix(t: &DateTime<Utc>) -> i64 {
    t.timestamp()
}

/// Who wrote a part: Intercom's author type and the id.
#[derive(Clone, Debug, PartialEq)]
pub struct Author {
    /// `user`, `lead`, `admin`, `bot` or `team`.
    pub kind: String,
    /// The contact's or admin's id.
    pub id: String,
}

/// A file on a part.
#[derive(Clone, Debug, PartialEq)]
pub struct Attachment {
    /// File name.
    pub name: String,
    /// MIME type.
    pub content_type: String,
    /// Size in bytes.
    pub size: u64,
    /// The signed URL on the storage origin.
    pub url: String,
}

/// A ticket part or conversation part (or a conversation's source).
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    /// Id.
    pub id: String,
    /// `comment`, `note`, `close`, `assignment`, `ticket_state_updated_by_admin`, ...
    pub part_type: String,
    /// HTML body; `None` for events without text.
    pub body: Option<String>,
    /// Author.
    pub author: Author,
    /// Unix seconds.
    pub created_at: i64,
    /// Files.
    pub attachments: Vec<Attachment>,
}

/// A ticket.
#[derive(Clone, Debug)]
pub struct TicketRec {
    /// Intercom's `id`.
    pub id: String,
    /// The human `ticket_id`.
    pub number: String,
    /// `_default_title_`.
    pub title: String,
    /// `_default_description_`.
    pub description: String,
    /// Ticket state id.
    pub state: String,
    /// Ticket type id.
    pub ticket_type: String,
    /// The contact.
    pub contact: String,
    /// Admin assignee.
    pub admin: Option<String>,
    /// Team assignee.
    pub team: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
    /// Tag ids (attached and detached; a ticket does not show them).
    pub tags: Vec<String>,
    /// Parts.
    pub parts: Vec<Part>,
}

/// A conversation rating.
#[derive(Clone, Debug)]
pub struct RatingRec {
    /// 1 to 5.
    pub score: u8,
    /// The customer's remark.
    pub remark: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
    /// The contact who rated.
    pub contact: String,
    /// The admin rated.
    pub teammate: Option<String>,
}

/// A conversation.
#[derive(Clone, Debug)]
pub struct ConvRec {
    /// Id.
    pub id: String,
    /// Title.
    pub title: Option<String>,
    /// `open`, `snoozed`, `closed` (or the world's unknown status).
    pub state: String,
    /// `none`, `low`, `medium`, `high`, `urgent`.
    pub priority: String,
    /// The contact.
    pub contact: String,
    /// Admin assignee.
    pub admin: Option<String>,
    /// Team assignee.
    pub team: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
    /// Unix seconds, while snoozed.
    pub snoozed_until: Option<i64>,
    /// Tag ids.
    pub tags: Vec<String>,
    /// `conversation`, `email`, `phone_call`, ...
    pub source_type: String,
    /// The subject of the first message.
    pub subject: String,
    /// The first message.
    pub source: Part,
    /// Later parts.
    pub parts: Vec<Part>,
    /// `sla_applied.sla_status`, when an SLA applies.
    pub sla: Option<&'static str>,
    /// `conversation_rating`.
    pub rating: Option<RatingRec>,
}

/// An admin.
#[derive(Clone, Debug)]
pub struct AdminRec {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: String,
    /// Away.
    pub away: bool,
    /// Team ids.
    pub teams: Vec<String>,
    /// The role's name (`Admin`, `Agent`).
    pub role: String,
}

/// A contact.
#[derive(Clone, Debug)]
pub struct ContactRec {
    /// Id.
    pub id: String,
    /// Name.
    pub name: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// `user` or `lead`.
    pub role: String,
    /// Unix seconds.
    pub created_at: i64,
}

/// The workspace.
#[derive(Debug)]
pub struct SimState {
    log: Vec<RecordedRequest>,
    /// The world it was seeded from.
    pub world: World,
    /// Tickets.
    pub tickets: Vec<TicketRec>,
    /// Conversations.
    pub conversations: Vec<ConvRec>,
    /// Admins.
    pub admins: Vec<AdminRec>,
    /// Teams: id, name.
    pub teams: Vec<(String, String)>,
    /// Contacts.
    pub contacts: Vec<ContactRec>,
    /// Tags: id, name.
    pub tags: Vec<(String, String)>,
    /// Cursors handed out by searches and listings.
    pub cursors: CursorBook,
    /// When writes happen.
    pub clock: WriteClock,
    /// The storage prefix of this workspace's files.
    pub storage_prefix: String,
    next_record: u64,
    next_part: u64,
    next_other: u64,
}

impl Account for SimState {
    fn seed(world: World, _base_url: &str) -> Self {
        Self::from_world(world)
    }

    fn log(&mut self) -> &mut Vec<RecordedRequest> {
        &mut self.log
    }
}

/// The ticket state a canonical status is held in.
pub fn state_of(status: &TicketStatus) -> &'static str {
    match status {
        TicketStatus::New => "8001",
        TicketStatus::Open | TicketStatus::InProgress => "8002",
        TicketStatus::Pending | TicketStatus::OnHold => "8003",
        TicketStatus::Resolved | TicketStatus::Closed => "8005",
        _ => "8006",
    }
}

/// A conversation's `state` for a canonical status.
pub fn conversation_state(status: &TicketStatus) -> String {
    match status {
        TicketStatus::New | TicketStatus::Open | TicketStatus::InProgress => "open".into(),
        TicketStatus::Pending | TicketStatus::OnHold => "snoozed".into(),
        TicketStatus::Resolved | TicketStatus::Closed => "closed".into(),
        TicketStatus::Other(raw) => raw.clone(),
    }
}

/// A conversation's `priority` for a canonical priority.
pub fn priority_value(priority: Option<&Priority>) -> &'static str {
    match priority {
        None => "none",
        Some(Priority::Low) => "low",
        Some(Priority::Normal) => "medium",
        Some(Priority::High) => "high",
        Some(Priority::Urgent) => "urgent",
        Some(_) => "none",
    }
}

/// A conversation's `source.type` for a canonical channel.
pub fn source_type(channel: &Channel) -> &'static str {
    match channel {
        Channel::Email => "email",
        Channel::Phone => "phone_call",
        Channel::Social => "facebook",
        _ => "conversation",
    }
}

/// The ticket type of a category.
pub fn type_of(category: Option<&TicketCategory>) -> &'static str {
    match category {
        None => "8104",
        Some(TicketCategory::Task) => "8102",
        Some(TicketCategory::Problem) => "8103",
        Some(_) => "8101",
    }
}

impl SimState {
    /// The world as Intercom's records.
    pub fn from_world(world: World) -> Self {
        let storage_prefix = storage::new_prefix("ic");
        let customers: Vec<&str> = world.customers.iter().map(|c| c.id.as_str()).collect();
        let author = |id: &str| Author {
            kind: if customers.contains(&id) {
                "user".into()
            } else {
                "admin".into()
            },
            id: id.to_owned(),
        };
        let part_of = |fx: &support_conformance::world::CommentFx| Part {
            id: fx.id.clone(),
            part_type: match fx.visibility {
                Visibility::Internal => "note".into(),
                _ => "comment".into(),
            },
            body: Some(fx.html.clone()),
            author: author(&fx.author),
            created_at: unix(&fx.created_at),
            attachments: fx
                .attachments
                .iter()
                .map(|file| Attachment {
                    name: file.file_name.clone(),
                    content_type: file.content_type.clone(),
                    size: file.content.len() as u64,
                    url: storage::put(
                        &storage_prefix,
                        &file.id,
                        &file.file_name,
                        &file.content_type,
                        file.content.clone(),
                    ),
                })
                .collect(),
        };
        let admins = world
            .agents
            .iter()
            .map(|a| AdminRec {
                id: a.id.clone(),
                name: a.name.clone(),
                email: a.email.clone(),
                away: a.availability != Availability::Available,
                teams: a.groups.clone(),
                role: if a.role == "admin" {
                    "Admin".into()
                } else {
                    "Agent".into()
                },
            })
            .collect();
        let teams = world
            .groups
            .iter()
            .map(|g| (g.id.clone(), g.name.clone()))
            .collect();
        let contacts = world
            .customers
            .iter()
            .map(|c| ContactRec {
                id: c.id.clone(),
                name: Some(c.name.clone()),
                email: Some(c.email.clone()),
                role: "user".into(),
                created_at: unix(&setup_time()),
            })
            .collect();
        let tags: Vec<(String, String)> = world
            .tags
            .iter()
            .enumerate()
            .map(|(i, (name, _))| {
                let id = if world.profile.tag_ids {
                    world.tag_id(name)
                } else {
                    (5001 + i).to_string()
                };
                (id, name.clone())
            })
            .collect();
        let tag_ids = |names: &[String]| -> Vec<String> {
            names
                .iter()
                .filter_map(|n| tags.iter().find(|(_, t)| t == n).map(|(id, _)| id.clone()))
                .collect()
        };
        let mut event = 7000u64;
        let mut tickets = Vec::new();
        let mut conversations = Vec::new();
        for (i, fx) in world.tickets.iter().enumerate() {
            let mut parts: Vec<Part> = world
                .comments
                .iter()
                .filter(|c| c.ticket == fx.id)
                .map(part_of)
                .collect();
            // An event without a body: listed by Intercom among the parts, never a comment.
            event += 1;
            let state_event = Part {
                id: event.to_string(),
                part_type: "ticket_state_updated_by_admin".into(),
                body: None,
                author: author(&world.agents[0].id),
                created_at: unix(&fx.created_at) + 1800,
                attachments: Vec::new(),
            };
            let mut ticket_parts = parts.clone();
            ticket_parts.push(state_event);
            ticket_parts.sort_by_key(|p| p.created_at);
            let number = (i + 1).to_string();
            tickets.push(TicketRec {
                id: fx.id.clone(),
                number,
                title: fx.subject.clone(),
                description: fx.description.clone(),
                state: state_of(&fx.status).into(),
                ticket_type: type_of(fx.category.as_ref()).into(),
                contact: fx.requester.clone(),
                admin: fx.assignee.clone(),
                team: fx.group.clone(),
                created_at: unix(&fx.created_at),
                updated_at: unix(&fx.updated_at),
                tags: tag_ids(&fx.tags),
                parts: ticket_parts,
            });
            // The conversation: its first message is the ticket's first comment (else its
            // description), later comments its parts, and an assignment event without a body.
            let source = if parts.is_empty() {
                Part {
                    id: (9000 + i as u64).to_string(),
                    part_type: "source".into(),
                    body: Some(format!("<p>{}</p>", fx.description)),
                    author: author(&fx.requester),
                    created_at: unix(&fx.created_at),
                    attachments: Vec::new(),
                }
            } else {
                parts.remove(0)
            };
            event += 1;
            parts.push(Part {
                id: event.to_string(),
                part_type: "assignment".into(),
                body: None,
                author: author(&world.agents[0].id),
                created_at: unix(&fx.created_at) + 1800,
                attachments: Vec::new(),
            });
            parts.sort_by_key(|p| p.created_at);
            let rating = world
                .ratings
                .iter()
                .find(|r| r.ticket == fx.id)
                .map(|r| RatingRec {
                    score: if r.good { 5 } else { 1 },
                    remark: r.comment.clone(),
                    created_at: unix(&r.created_at),
                    contact: r.requester.clone(),
                    teammate: r.assignee.clone(),
                });
            conversations.push(ConvRec {
                id: fx.id.clone(),
                title: Some(fx.subject.clone()),
                state: conversation_state(&fx.status),
                priority: priority_value(fx.priority.as_ref()).into(),
                contact: fx.requester.clone(),
                admin: fx.assignee.clone(),
                team: fx.group.clone(),
                created_at: unix(&fx.created_at),
                updated_at: unix(&fx.updated_at),
                snoozed_until: None,
                tags: tag_ids(&fx.tags),
                source_type: source_type(&fx.channel).into(),
                subject: fx.subject.clone(),
                source,
                parts,
                sla: fx
                    .sla
                    .as_ref()
                    .map(|sla| if sla.escalated { "missed" } else { "active" }),
                rating,
            });
        }
        let clock = WriteClock::new(&world);
        Self {
            log: Vec::new(),
            world,
            tickets,
            conversations,
            admins,
            teams,
            contacts,
            tags,
            cursors: CursorBook::new(),
            clock,
            storage_prefix,
            next_record: 150,
            next_part: FIRST_PART_ID,
            next_other: 9500,
        }
    }

    /// The id of the next created ticket or conversation (the world's created ticket id first).
    pub fn next_record_id(&mut self) -> String {
        let id = self.next_record;
        self.next_record += 1;
        id.to_string()
    }

    /// The id of the next created part (the world's created comment ids first).
    pub fn next_part_id(&mut self) -> String {
        let id = self.next_part;
        self.next_part += 1;
        id.to_string()
    }

    /// The id of the next other record (contact, tag, message).
    pub fn next_other_id(&mut self) -> String {
        let id = self.next_other;
        self.next_other += 1;
        id.to_string()
    }

    /// The admin with this id.
    pub fn admin(&self, id: &str) -> Option<&AdminRec> {
        self.admins.iter().find(|a| a.id == id)
    }

    /// The contact with this id.
    pub fn contact(&self, id: &str) -> Option<&ContactRec> {
        self.contacts.iter().find(|c| c.id == id)
    }

    /// A tag's name.
    pub fn tag_name(&self, id: &str) -> Option<&str> {
        self.tags
            .iter()
            .find(|(t, _)| t == id)
            .map(|(_, n)| n.as_str())
    }

    // ----- wire JSON -----

    fn author_json(&self, author: &Author) -> Value {
        let (name, email) = match author.kind.as_str() {
            "admin" => self
                .admin(&author.id)
                .map(|a| (Some(a.name.clone()), Some(a.email.clone())))
                .unwrap_or_default(),
            _ => self
                .contact(&author.id)
                .map(|c| (c.name.clone(), c.email.clone()))
                .unwrap_or_default(),
        };
        json!({"type": author.kind, "id": author.id, "name": name, "email": email})
    }

    fn attachments_json(attachments: &[Attachment]) -> Value {
        attachments
            .iter()
            .map(|a| {
                json!({
                    "type": "upload",
                    "name": a.name,
                    "url": a.url,
                    "content_type": a.content_type,
                    "filesize": a.size,
                    "width": null,
                    "height": null,
                })
            })
            .collect()
    }

    /// A `ticket_part`.
    pub fn ticket_part_json(&self, part: &Part) -> Value {
        let mut value = json!({
            "type": "ticket_part",
            "id": part.id,
            "part_type": part.part_type,
            "body": part.body,
            "created_at": part.created_at,
            "updated_at": part.created_at,
            "author": self.author_json(&part.author),
            "attachments": Self::attachments_json(&part.attachments),
            "redacted": false,
        });
        if part.part_type == "ticket_state_updated_by_admin" {
            value["ticket_state"] = json!("submitted");
            value["previous_ticket_state"] = json!("submitted");
        }
        value
    }

    /// A `conversation_part`.
    pub fn conversation_part_json(&self, part: &Part) -> Value {
        json!({
            "type": "conversation_part",
            "id": part.id,
            "part_type": part.part_type,
            "body": part.body,
            "created_at": part.created_at,
            "updated_at": part.created_at,
            "notified_at": part.created_at,
            "assigned_to": null,
            "author": self.author_json(&part.author),
            "attachments": Self::attachments_json(&part.attachments),
            "external_id": null,
            "redacted": false,
        })
    }

    /// A ticket state (`ticket_state`).
    pub fn state_json(id: &str) -> Value {
        let (id, category, label, _) = TICKET_STATES
            .iter()
            .find(|s| s.0 == id)
            .copied()
            .unwrap_or(TICKET_STATES[0]);
        json!({
            "type": "ticket_state",
            "id": id,
            "category": category,
            "internal_label": label,
            "external_label": label,
        })
    }

    /// A ticket type (`ticket_type`).
    pub fn type_json(id: &str) -> Value {
        let (id, name, category, archived) = TICKET_TYPES
            .iter()
            .find(|t| t.0 == id)
            .copied()
            .unwrap_or(TICKET_TYPES[1]);
        let created = unix(&setup_time());
        json!({
            "type": "ticket_type",
            "id": id,
            "category": category,
            "name": name,
            "description": format!("{name} tickets"),
            "icon": "🎟️",
            "workspace_id": APP_ID_CODE,
            "archived": archived,
            "created_at": created,
            "updated_at": created,
            "ticket_type_attributes": {"type": "list", "data": [
                {"type": "ticket_type_attribute", "id": format!("{id}1"), "name": "_default_title_",
                 "data_type": "string", "required_to_create": true, "ticket_type_id": id.parse::<u64>().unwrap_or_default()},
                {"type": "ticket_type_attribute", "id": format!("{id}2"), "name": "_default_description_",
                 "data_type": "string", "required_to_create": true, "ticket_type_id": id.parse::<u64>().unwrap_or_default()},
            ]},
        })
    }

    /// Whether a ticket is open: its state is not a resolved one.
    pub fn ticket_open(ticket: &TicketRec) -> bool {
        TICKET_STATES
            .iter()
            .find(|s| s.0 == ticket.state)
            .is_none_or(|s| s.1 != "resolved")
    }

    /// A `ticket`.
    pub fn ticket_json(&self, ticket: &TicketRec) -> Value {
        let category = TICKET_TYPES
            .iter()
            .find(|t| t.0 == ticket.ticket_type)
            .and_then(|t| t.2);
        let parts: Vec<Value> = ticket
            .parts
            .iter()
            .map(|p| self.ticket_part_json(p))
            .collect();
        json!({
            "type": "ticket",
            "id": ticket.id,
            "ticket_id": ticket.number,
            "category": category,
            "ticket_attributes": {
                "_default_title_": ticket.title,
                "_default_description_": ticket.description,
            },
            "ticket_state": Self::state_json(&ticket.state),
            "ticket_type": Self::type_json(&ticket.ticket_type),
            "contacts": {"type": "contact.list", "contacts": [
                {"type": "contact", "id": ticket.contact, "external_id": null}
            ]},
            "admin_assignee_id": id_or_zero(ticket.admin.as_deref()),
            "team_assignee_id": id_or_zero(ticket.team.as_deref()),
            "created_at": ticket.created_at,
            "updated_at": ticket.updated_at,
            "open": Self::ticket_open(ticket),
            "snoozed_until": null,
            "linked_objects": {"type": "list", "data": [
                {"type": "conversation", "id": ticket.id, "category": null}
            ], "total_count": 1, "has_more": false},
            "ticket_parts": {
                "type": "ticket_part.list",
                "total_count": parts.len(),
                "ticket_parts": parts,
            },
            "is_shared": true,
            "previous_ticket_state_id": null,
        })
    }

    fn tag_json(&self, id: &str, applied_at: i64) -> Value {
        json!({
            "type": "tag",
            "id": id,
            "name": self.tag_name(id),
            "applied_at": applied_at,
            "applied_by": {"type": "admin", "id": ME},
        })
    }

    /// A `conversation`: with its parts (`GET /conversations/{id}` and writes) or without (lists
    /// and searches).
    pub fn conversation_json(&self, c: &ConvRec, with_parts: bool) -> Value {
        let teammates: Vec<Value> = c
            .admin
            .iter()
            .map(|a| json!({"type": "admin", "id": a}))
            .collect();
        let mut value = json!({
            "type": "conversation",
            "id": c.id,
            "title": c.title,
            "created_at": c.created_at,
            "updated_at": c.updated_at,
            "waiting_since": null,
            "snoozed_until": c.snoozed_until,
            "open": c.state == "open",
            "state": c.state,
            "read": true,
            "priority": c.priority,
            "admin_assignee_id": id_or_zero(c.admin.as_deref()),
            "team_assignee_id": id_or_zero(c.team.as_deref()),
            "company": null,
            "tags": {"type": "tag.list", "tags": c.tags.iter().map(|t| self.tag_json(t, c.created_at)).collect::<Vec<_>>()},
            "conversation_rating": c.rating.as_ref().map(|r| json!({
                "rating": r.score,
                "remark": r.remark,
                "created_at": r.created_at,
                "updated_at": r.created_at,
                "contact": {"type": "contact", "id": r.contact, "external_id": null},
                "teammate": r.teammate.as_ref().map(|t| json!({"type": "admin", "id": t})),
            })),
            "source": {
                "type": c.source_type,
                "id": c.source.id,
                "delivered_as": "customer_initiated",
                "subject": c.subject,
                "body": c.source.body,
                "author": self.author_json(&c.source.author),
                "attachments": Self::attachments_json(&c.source.attachments),
                "url": null,
                "redacted": false,
            },
            "contacts": {"type": "contact.list", "contacts": [
                {"type": "contact", "id": c.contact, "external_id": null}
            ]},
            "teammates": {"type": "admin.list", "teammates": teammates},
            "custom_attributes": {},
            "first_contact_reply": null,
            "sla_applied": c.sla.map(|status| json!({
                "type": "conversation_sla_summary",
                "sla_name": "Standard support",
                "sla_status": status,
            })),
            "statistics": null,
            "linked_objects": {"type": "list", "data": [
                {"type": "ticket", "id": c.id, "category": "Customer"}
            ], "total_count": 1, "has_more": false},
            "ai_agent_participated": false,
        });
        if with_parts {
            let parts: Vec<Value> = c
                .parts
                .iter()
                .map(|p| self.conversation_part_json(p))
                .collect();
            value["conversation_parts"] = json!({
                "type": "conversation_part.list",
                "total_count": parts.len(),
                "conversation_parts": parts,
            });
        }
        value
    }

    /// An `admin`.
    pub fn admin_json(&self, a: &AdminRec) -> Value {
        json!({
            "type": "admin",
            "id": a.id,
            "name": a.name,
            "email": a.email,
            "job_title": null,
            "away_mode_enabled": a.away,
            "away_mode_reassign": false,
            "has_inbox_seat": true,
            "team_ids": a.teams.iter().filter_map(|t| t.parse::<u64>().ok()).collect::<Vec<_>>(),
            "avatar": null,
            "role": {
                "type": "role",
                "id": if a.role == "Admin" { "1" } else { "2" },
                "name": a.role,
            },
        })
    }

    /// A `contact`.
    pub fn contact_json(c: &ContactRec) -> Value {
        json!({
            "type": "contact",
            "id": c.id,
            "workspace_id": APP_ID_CODE,
            "external_id": null,
            "role": c.role,
            "email": c.email,
            "phone": null,
            "name": c.name,
            "created_at": c.created_at,
            "updated_at": c.created_at,
        })
    }

    /// An `article` (`article_list_item`).
    pub fn article_json(&self, a: &support_conformance::world::ArticleFx) -> Value {
        let created = unix(&a.created_at);
        json!({
            "type": "article",
            "id": a.id,
            "workspace_id": APP_ID_CODE,
            "title": a.title,
            "description": null,
            "body": a.body_html,
            "author_id": a.author.parse::<u64>().unwrap_or_default(),
            "state": if a.published { "published" } else { "draft" },
            "created_at": created,
            "updated_at": created,
            "url": format!("https://help.example.com/en/articles/{}", a.id),
            "parent_id": a.category.parse::<u64>().unwrap_or_default(),
            "parent_ids": [a.category.parse::<u64>().unwrap_or_default()],
            "parent_type": "collection",
            // The world's locale as it is (Intercom's own are `en`, `pt-BR`, ...).
            "default_locale": a.locale,
        })
    }

    /// A help-centre `collection`.
    pub fn collection_json(c: &support_conformance::world::CategoryFx) -> Value {
        let created = unix(&setup_time());
        json!({
            "id": c.id,
            "workspace_id": APP_ID_CODE,
            "name": c.name,
            "description": null,
            "created_at": created,
            "updated_at": created,
            "url": format!("https://help.example.com/en/collections/{}", c.id),
            "icon": "book-bookmark",
            "order": 1,
            "default_locale": "en",
            "parent_id": null,
            "help_center_id": 1,
        })
    }
}

/// An assignee id as Intercom's integer, `0` for none.
fn id_or_zero(id: Option<&str>) -> u64 {
    id.and_then(|i| i.parse().ok()).unwrap_or(0)
}
