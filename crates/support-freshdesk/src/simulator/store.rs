//! The simulator's account: the world loaded into Freshdesk's own records, and their wire JSON.
//!
//! Field names follow the vendor description's schemas (`Ticket`, `Conversation`, `Agent`, `Role`,
//! `SLAPolicy`, `SatisfactionRating`, `SolutionCategory`, `SolutionFolder`, `SolutionArticle`,
//! `Field`) where they agree with the published documentation, and the documentation where they
//! do not (`ratings` of a satisfaction rating, `choices` of a ticket field).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value, json};
use support_conformance::World;
use support_conformance::sim::{Account, WriteClock};
pub use support_conformance::sim::{RecordedRequest, lock};
pub use support_conformance::sim::{escape_html, iso_seconds as time, setup_time};
use support_conformance::world::strip_tags;
use support_core::{
    Availability, Channel, Priority, SlaMetric, TicketCategory, TicketStatus, Visibility,
};

use support_conformance::sim::storage;

/// The simulator state shared by every mock of one server.
pub type Shared = support_conformance::sim::Shared<SimState>;

/// The authenticated agent (the API key's owner), author of replies and notes.
pub const ME: u64 = 301;

/// The account's support address, the sender of replies.
pub const SUPPORT_EMAIL: &str = "support@simulated.freshdesk.com";

/// A world id (numeric by the world's contract) as a Freshdesk integer id.
pub fn num(id: &str) -> u64 {
    id.parse()
        .unwrap_or_else(|_| panic!("world ids are numeric for Freshdesk, got {id:?}"))
}

/// The status codes Freshdesk ships with: code, agent label, customer label.
pub const DEFAULT_STATUSES: [(u64, &str, &str); 4] = [
    (2, "Open", "Being Processed"),
    (3, "Pending", "Awaiting your Reply"),
    (4, "Resolved", "This ticket has been Resolved"),
    (5, "Closed", "This ticket has been Closed"),
];

/// The first code given to a custom status (`escalated`, the world's odd status).
pub const FIRST_CUSTOM_STATUS: u64 = 17;

/// The native code of a canonical priority; a ticket without one is Low (Freshdesk always has one).
pub fn priority_code(priority: Option<&Priority>) -> u64 {
    match priority {
        None | Some(Priority::Low) => 1,
        Some(Priority::Normal) => 2,
        Some(Priority::High) => 3,
        Some(Priority::Urgent) => 4,
        Some(Priority::Other(raw)) => raw.parse().unwrap_or(1),
    }
}

/// The `source` code of a canonical channel.
pub fn source_code(channel: &Channel) -> u64 {
    match channel {
        Channel::Email => 1,
        Channel::Web | Channel::Api => 2,
        Channel::Phone => 3,
        Channel::Social => 5,
        Channel::Chat => 7,
        Channel::Other(raw) => raw.parse().unwrap_or(2),
    }
}

/// The source codes a ticket may have, by name (the `source` ticket field's choices).
pub const SOURCES: [(&str, u64); 9] = [
    ("Email", 1),
    ("Portal", 2),
    ("Phone", 3),
    ("Twitter", 5),
    ("Facebook", 6),
    ("Chat", 7),
    ("Mobihelp", 8),
    ("Feedback Widget", 9),
    ("Outbound Email", 10),
];

/// The priority codes by name (the `priority` ticket field's choices).
pub const PRIORITIES: [(&str, u64); 4] = [("Low", 1), ("Medium", 2), ("High", 3), ("Urgent", 4)];

/// The ticket types an account ships with.
pub const TICKET_TYPES: [&str; 4] = ["Question", "Incident", "Problem", "Feature Request"];

/// Role ids of the world's native role names.
pub fn role_id(role: &str) -> u64 {
    match role {
        "admin" => 1,
        _ => 2,
    }
}

/// The token of an attachment link: without it the link is refused, as an unsigned URL is.
pub fn attachment_token(id: u64) -> String {
    format!("t{:x}", id.wrapping_mul(2_654_435_761))
}

/// The name of Freshdesk's default ticket type for a category.
pub fn type_name(category: &TicketCategory) -> String {
    match category {
        TicketCategory::Question => "Question".into(),
        TicketCategory::Incident => "Incident".into(),
        TicketCategory::Problem => "Problem".into(),
        TicketCategory::FeatureRequest => "Feature Request".into(),
        TicketCategory::Billing => "Refund".into(),
        other => other.as_str().to_owned(),
    }
}

/// Freshdesk's HTML for a plain-text description.
pub fn description_html(text: &str) -> String {
    format!("<div>{}</div>", escape_html(text).replace('\n', "<br>"))
}

/// The plain text of an HTML body, as `description_text` / `body_text` carry it.
pub fn html_text(html: &str) -> String {
    strip_tags(&html.replace("<br>", "\n"))
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// `(due_by, fr_due_by)` of a ticket of this priority created at `created`: the first policy's
/// resolution and first-response targets, else three days and one day.
pub fn due_times(
    slas: &[SlaRec],
    priority: u64,
    created: DateTime<Utc>,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let target = slas.first().and_then(|p| p.targets.get(&priority));
    let respond = target.and_then(|t| t.respond_within).unwrap_or(24 * 3600);
    let resolve = target.and_then(|t| t.resolve_within).unwrap_or(72 * 3600);
    (
        created + Duration::seconds(resolve as i64),
        created + Duration::seconds(respond as i64),
    )
}

/// A ticket.
#[derive(Clone, Debug, PartialEq)]
pub struct TicketRec {
    pub id: u64,
    pub subject: String,
    /// HTML.
    pub description: String,
    pub description_text: String,
    pub status: u64,
    pub priority: u64,
    pub source: u64,
    pub kind: Option<String>,
    pub requester_id: u64,
    pub responder_id: Option<u64>,
    pub group_id: Option<u64>,
    pub company_id: Option<u64>,
    pub tags: Vec<String>,
    pub custom_fields: Map<String, Value>,
    pub cc_emails: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub due_by: DateTime<Utc>,
    pub fr_due_by: DateTime<Utc>,
    /// Whether the SLA fields are shown (`due_by`, `fr_due_by` are `null` otherwise): world tickets
    /// with SLA clocks, and tickets created here.
    pub sla: bool,
    pub fr_escalated: bool,
    pub is_escalated: bool,
    /// `stats`.
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Files attached on creation.
    pub attachment_ids: Vec<u64>,
}

/// A file attached to a conversation or a ticket; its bytes are in the file storage.
#[derive(Clone, Debug, PartialEq)]
pub struct AttachmentRec {
    pub id: u64,
    pub name: String,
    pub content_type: String,
    pub size: u64,
    /// The signed storage URL the bytes are served from.
    pub storage_url: String,
    pub created_at: DateTime<Utc>,
}

/// A conversation: a reply, a note, or a customer's message.
#[derive(Clone, Debug, PartialEq)]
pub struct ConversationRec {
    pub id: u64,
    pub ticket_id: u64,
    pub user_id: u64,
    /// HTML.
    pub body: String,
    pub body_text: String,
    pub private: bool,
    pub incoming: bool,
    /// 0 reply, 2 note.
    pub source: u64,
    pub to_emails: Vec<String>,
    pub cc_emails: Vec<String>,
    pub bcc_emails: Vec<String>,
    pub from_email: Option<String>,
    pub support_email: Option<String>,
    pub created_at: DateTime<Utc>,
    pub attachment_ids: Vec<u64>,
}

/// A contact (a customer).
#[derive(Clone, Debug, PartialEq)]
pub struct ContactRec {
    pub id: u64,
    pub name: String,
    pub email: String,
    pub company_id: Option<u64>,
}

/// An agent.
#[derive(Clone, Debug, PartialEq)]
pub struct AgentRec {
    pub id: u64,
    pub name: String,
    pub email: String,
    pub role_ids: Vec<u64>,
    pub group_ids: Vec<u64>,
    pub available: bool,
}

/// A group.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupRec {
    pub id: u64,
    pub name: String,
}

/// A company.
#[derive(Clone, Debug, PartialEq)]
pub struct CompanyRec {
    pub id: u64,
    pub name: String,
}

/// A solution category.
#[derive(Clone, Debug, PartialEq)]
pub struct CategoryRec {
    pub id: u64,
    pub name: String,
}

/// A solution folder: one per category, id `category * 10 + 1`.
#[derive(Clone, Debug, PartialEq)]
pub struct FolderRec {
    pub id: u64,
    pub category_id: u64,
    pub name: String,
}

/// A solution article.
#[derive(Clone, Debug, PartialEq)]
pub struct ArticleRec {
    pub id: u64,
    pub title: String,
    /// HTML, as the world has it.
    pub description: String,
    pub folder_id: u64,
    pub category_id: u64,
    /// 1 draft, 2 published.
    pub status: u64,
    pub agent_id: u64,
    pub created_at: DateTime<Utc>,
}

/// The targets of one priority of an SLA policy, in seconds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SlaTargetRec {
    pub respond_within: Option<u64>,
    pub next_respond_within: Option<u64>,
    pub resolve_within: Option<u64>,
    pub business_hours: Option<bool>,
}

/// An SLA policy.
#[derive(Clone, Debug, PartialEq)]
pub struct SlaRec {
    pub id: u64,
    pub name: String,
    pub description: String,
    pub position: u64,
    /// By priority code.
    pub targets: BTreeMap<u64, SlaTargetRec>,
}

/// A satisfaction rating.
#[derive(Clone, Debug, PartialEq)]
pub struct RatingRec {
    pub id: u64,
    pub ticket_id: u64,
    pub user_id: u64,
    pub agent_id: Option<u64>,
    pub group_id: Option<u64>,
    pub good: bool,
    pub feedback: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl Account for SimState {
    fn seed(world: World, base_url: &str) -> Self {
        Self::new(world, base_url)
    }

    fn log(&mut self) -> &mut Vec<RecordedRequest> {
        &mut self.log
    }
}

/// The account the simulator serves.
#[derive(Debug)]
pub struct SimState {
    /// The server's base URL (without `/api/v2`), for links.
    pub base_url: String,
    /// The world the account was loaded from.
    pub world: World,
    /// The account's "now": a day after the latest time in the world. Constant.
    pub now: DateTime<Utc>,
    /// Status code, agent label, customer label; the defaults, then custom ones from 17.
    pub statuses: Vec<(u64, String, String)>,
    /// Tickets by id.
    pub tickets: BTreeMap<u64, TicketRec>,
    /// Every ticket's conversations (replies and notes), in creation order.
    pub conversations: Vec<ConversationRec>,
    /// Contacts (requesters) by id.
    pub contacts: BTreeMap<u64, ContactRec>,
    /// Agents by id.
    pub agents: BTreeMap<u64, AgentRec>,
    /// Agent groups.
    pub groups: Vec<GroupRec>,
    /// Companies.
    pub companies: Vec<CompanyRec>,
    /// Solution categories.
    pub categories: Vec<CategoryRec>,
    /// Solution folders.
    pub folders: Vec<FolderRec>,
    /// Solution articles.
    pub articles: Vec<ArticleRec>,
    /// SLA policies.
    pub slas: Vec<SlaRec>,
    /// Satisfaction ratings.
    pub ratings: Vec<RatingRec>,
    /// The id the next created ticket takes.
    pub next_ticket_id: u64,
    /// Replies and notes: 650, 651, ... (`World::CREATED_COMMENT_IDS`).
    pub next_conversation_id: u64,
    /// The id the next created contact takes.
    pub next_contact_id: u64,
    /// Attachments by id.
    pub attachments: BTreeMap<u64, AttachmentRec>,
    /// The id the next attachment takes.
    pub next_attachment_id: u64,
    /// Where this account's files live in the file storage.
    pub storage_prefix: String,
    /// Writes so far: the n-th update happens at `created_ticket().created_at + n hours`.
    /// When writes happen.
    pub clock: WriteClock,
    /// Every request received, in order.
    pub log: Vec<RecordedRequest>,
}

/// The code of a canonical status, registering a custom status for one Freshdesk lacks.
fn status_code(status: &TicketStatus, statuses: &mut Vec<(u64, String, String)>) -> u64 {
    match status {
        TicketStatus::New | TicketStatus::Open | TicketStatus::InProgress => 2,
        TicketStatus::Pending | TicketStatus::OnHold => 3,
        TicketStatus::Resolved => 4,
        TicketStatus::Closed => 5,
        TicketStatus::Other(raw) => {
            if let Ok(code) = raw.parse::<u64>() {
                return code;
            }
            if let Some((code, _, _)) = statuses.iter().find(|(_, label, _)| label == raw) {
                return *code;
            }
            let code = statuses
                .iter()
                .map(|(c, _, _)| *c + 1)
                .max()
                .unwrap_or(FIRST_CUSTOM_STATUS)
                .max(FIRST_CUSTOM_STATUS);
            let mut customer = raw.clone();
            if let Some(first) = customer.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            statuses.push((code, raw.clone(), customer));
            code
        }
    }
}

impl SimState {
    /// The world loaded as a Freshdesk account reachable at `base_url` (without `/api/v2`).
    pub fn new(world: World, base_url: impl Into<String>) -> Self {
        let base_url = base_url.into().trim_end_matches('/').to_owned();
        let latest = world
            .tickets
            .iter()
            .flat_map(|t| [t.created_at, t.updated_at])
            .chain(world.comments.iter().map(|c| c.created_at))
            .chain(world.ratings.iter().map(|r| r.created_at))
            .chain(world.articles.iter().map(|a| a.created_at))
            .max()
            .unwrap_or_else(setup_time);
        let now = latest + Duration::days(1);

        let mut statuses: Vec<(u64, String, String)> = DEFAULT_STATUSES
            .iter()
            .map(|(c, a, u)| (*c, (*a).to_owned(), (*u).to_owned()))
            .collect();
        let agents: BTreeMap<u64, AgentRec> = world
            .agents
            .iter()
            .map(|a| {
                let rec = AgentRec {
                    id: num(&a.id),
                    name: a.name.clone(),
                    email: a.email.clone(),
                    role_ids: vec![role_id(&a.role)],
                    group_ids: a.groups.iter().map(|g| num(g)).collect(),
                    available: a.availability == Availability::Available,
                };
                (rec.id, rec)
            })
            .collect();
        let contacts: BTreeMap<u64, ContactRec> = world
            .customers
            .iter()
            .map(|c| {
                let rec = ContactRec {
                    id: num(&c.id),
                    name: c.name.clone(),
                    email: c.email.clone(),
                    company_id: c.organization.as_deref().map(num),
                };
                (rec.id, rec)
            })
            .collect();
        let groups = world
            .groups
            .iter()
            .map(|g| GroupRec {
                id: num(&g.id),
                name: g.name.clone(),
            })
            .collect();
        let companies = vec![CompanyRec {
            id: num(&world.organization.0),
            name: world.organization.1.clone(),
        }];
        let slas: Vec<SlaRec> = world
            .sla_policies
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut targets: BTreeMap<u64, SlaTargetRec> = BTreeMap::new();
                // FirstResponse first, so its business-hours flag wins a disagreement.
                let mut ordered: Vec<_> = p.targets.iter().collect();
                ordered.sort_by_key(|t| match t.metric {
                    SlaMetric::FirstResponse => 0,
                    SlaMetric::NextResponse => 1,
                    SlaMetric::Resolution => 2,
                    _ => 3,
                });
                for t in ordered {
                    let entry = targets.entry(priority_code(Some(&t.priority))).or_default();
                    let seconds = Some(t.minutes * 60);
                    match t.metric {
                        SlaMetric::FirstResponse => entry.respond_within = seconds,
                        SlaMetric::NextResponse => entry.next_respond_within = seconds,
                        SlaMetric::Resolution => entry.resolve_within = seconds,
                        _ => continue,
                    }
                    entry.business_hours.get_or_insert(t.business_hours);
                }
                SlaRec {
                    id: num(&p.id),
                    name: p.name.clone(),
                    description: p.description.clone(),
                    position: i as u64 + 1,
                    targets,
                }
            })
            .collect();
        let tickets: BTreeMap<u64, TicketRec> = world
            .tickets
            .iter()
            .map(|t| {
                let requester = num(&t.requester);
                let priority = priority_code(t.priority.as_ref());
                let (due_by, fr_due_by) = due_times(&slas, priority, t.created_at);
                let rec = TicketRec {
                    id: num(&t.id),
                    subject: t.subject.clone(),
                    description: description_html(&t.description),
                    description_text: t.description.clone(),
                    status: status_code(&t.status, &mut statuses),
                    priority,
                    source: source_code(&t.channel),
                    kind: t.category.as_ref().map(type_name),
                    requester_id: requester,
                    responder_id: t.assignee.as_deref().map(num),
                    group_id: t.group.as_deref().map(num),
                    company_id: contacts.get(&requester).and_then(|c| c.company_id),
                    tags: t.tags.clone(),
                    custom_fields: Map::new(),
                    cc_emails: Vec::new(),
                    created_at: t.created_at,
                    updated_at: t.updated_at,
                    due_by: t.sla.as_ref().map_or(due_by, |s| s.resolution_due),
                    fr_due_by: t.sla.as_ref().map_or(fr_due_by, |s| s.first_response_due),
                    sla: t.sla.is_some(),
                    fr_escalated: t.sla.as_ref().is_some_and(|s| s.first_response_breached),
                    is_escalated: t.sla.as_ref().is_some_and(|s| s.escalated),
                    resolved_at: t.resolved_at,
                    closed_at: t.closed_at,
                    attachment_ids: Vec::new(),
                };
                (rec.id, rec)
            })
            .collect();
        let storage_prefix = storage::new_prefix("fd");
        let mut attachments = BTreeMap::new();
        let conversations = world
            .comments
            .iter()
            .map(|c| {
                let attachment_ids = c
                    .attachments
                    .iter()
                    .map(|file| {
                        let id = num(&file.id);
                        let rec = AttachmentRec {
                            id,
                            name: file.file_name.clone(),
                            content_type: file.content_type.clone(),
                            size: file.content.len() as u64,
                            storage_url: storage::put(
                                &storage_prefix,
                                &id.to_string(),
                                &file.file_name,
                                &file.content_type,
                                file.content.clone(),
                            ),
                            created_at: c.created_at,
                        };
                        attachments.insert(id, rec);
                        id
                    })
                    .collect();
                let ticket_id = num(&c.ticket);
                let user_id = num(&c.author);
                let ticket = tickets.get(&ticket_id);
                let requester_email = ticket
                    .and_then(|t| contacts.get(&t.requester_id))
                    .map(|r| r.email.clone());
                let incoming = ticket.is_some_and(|t| t.requester_id == user_id);
                let private = c.visibility == Visibility::Internal;
                ConversationRec {
                    id: num(&c.id),
                    ticket_id,
                    user_id,
                    body: c.html.clone(),
                    body_text: c.body.clone(),
                    private,
                    incoming,
                    source: if private { 2 } else { 0 },
                    to_emails: match (private, incoming) {
                        (true, _) => Vec::new(),
                        (false, true) => vec![SUPPORT_EMAIL.to_owned()],
                        (false, false) => requester_email.clone().into_iter().collect(),
                    },
                    cc_emails: Vec::new(),
                    bcc_emails: Vec::new(),
                    from_email: if incoming { requester_email } else { None },
                    support_email: (!private).then(|| SUPPORT_EMAIL.to_owned()),
                    created_at: c.created_at,
                    attachment_ids,
                }
            })
            .collect();
        let categories = world
            .categories
            .iter()
            .map(|c| CategoryRec {
                id: num(&c.id),
                name: c.name.clone(),
            })
            .collect();
        let folders = world
            .categories
            .iter()
            .map(|c| FolderRec {
                id: num(&c.id) * 10 + 1,
                category_id: num(&c.id),
                name: c.name.clone(),
            })
            .collect();
        let articles = world
            .articles
            .iter()
            .map(|a| ArticleRec {
                id: num(&a.id),
                title: a.title.clone(),
                description: a.body_html.clone(),
                folder_id: num(&a.category) * 10 + 1,
                category_id: num(&a.category),
                status: if a.published { 2 } else { 1 },
                agent_id: num(&a.author),
                created_at: a.created_at,
            })
            .collect();
        let ratings = world
            .ratings
            .iter()
            .map(|r| {
                let ticket_id = num(&r.ticket);
                RatingRec {
                    id: num(&r.id),
                    ticket_id,
                    user_id: num(&r.requester),
                    agent_id: r.assignee.as_deref().map(num),
                    group_id: tickets.get(&ticket_id).and_then(|t| t.group_id),
                    good: r.good,
                    feedback: r.comment.clone(),
                    created_at: r.created_at,
                }
            })
            .collect();
        Self {
            base_url,
            now,
            statuses,
            tickets,
            conversations,
            contacts,
            agents,
            groups,
            companies,
            categories,
            folders,
            articles,
            slas,
            ratings,
            next_ticket_id: num(world.created_ticket_id()),
            next_conversation_id: num(world.created_comment_ids().0),
            next_contact_id: 450,
            next_attachment_id: attachments.keys().max().map_or(800, |id| id.max(&799) + 1),
            attachments,
            storage_prefix,
            clock: WriteClock::new(&world),
            log: Vec::new(),
            world,
        }
    }

    /// A URL on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Every status code the account knows, default and custom.
    pub fn status_codes(&self) -> Vec<u64> {
        self.statuses.iter().map(|(c, _, _)| *c).collect()
    }

    /// A contact or agent by e-mail (agents are contacts too in Freshdesk).
    pub fn user_id_by_email(&self, email: &str) -> Option<u64> {
        self.contacts
            .values()
            .find(|c| c.email.eq_ignore_ascii_case(email))
            .map(|c| c.id)
            .or_else(|| {
                self.agents
                    .values()
                    .find(|a| a.email.eq_ignore_ascii_case(email))
                    .map(|a| a.id)
            })
    }

    /// The e-mail address of a contact or agent.
    pub fn user_email(&self, id: u64) -> Option<String> {
        self.contacts
            .get(&id)
            .map(|c| c.email.clone())
            .or_else(|| self.agents.get(&id).map(|a| a.email.clone()))
    }

    /// Whether `id` names a contact or an agent.
    pub fn is_user(&self, id: u64) -> bool {
        self.contacts.contains_key(&id) || self.agents.contains_key(&id)
    }

    /// The agents of a group.
    pub fn agent_ids_of_group(&self, group: u64) -> Vec<u64> {
        self.agents
            .values()
            .filter(|a| a.group_ids.contains(&group))
            .map(|a| a.id)
            .collect()
    }

    // ----- wire JSON -----

    /// A ticket as the `Ticket` schema; `description` and `description_text` only when asked
    /// (lists and search leave them out unless `include=description`).
    pub fn ticket_json(&self, t: &TicketRec, with_description: bool) -> Value {
        let mut json = json!({
            "id": t.id,
            "subject": t.subject,
            "status": t.status,
            "priority": t.priority,
            "source": t.source,
            "type": t.kind,
            "requester_id": t.requester_id,
            "responder_id": t.responder_id,
            "group_id": t.group_id,
            "company_id": t.company_id,
            "product_id": null,
            "email_config_id": null,
            "to_emails": null,
            "cc_emails": t.cc_emails,
            "fwd_emails": [],
            "reply_cc_emails": t.cc_emails,
            "fr_escalated": t.fr_escalated,
            "spam": false,
            "is_escalated": t.is_escalated,
            "due_by": t.sla.then(|| time(&t.due_by)),
            "fr_due_by": t.sla.then(|| time(&t.fr_due_by)),
            "nr_due_by": null,
            "nr_escalated": false,
            "tags": t.tags,
            "custom_fields": Value::Object(t.custom_fields.clone()),
            "attachments": self.attachments_json(&t.attachment_ids),
            "created_at": time(&t.created_at),
            "updated_at": time(&t.updated_at),
        });
        if with_description && let Value::Object(map) = &mut json {
            map.insert("description".into(), json!(t.description));
            map.insert("description_text".into(), json!(t.description_text));
        }
        json
    }

    /// The `attachments` of a conversation or ticket: each with its `attachment_url`, a link on
    /// this server that hands out the signed storage URL.
    pub fn attachments_json(&self, ids: &[u64]) -> Value {
        ids.iter()
            .filter_map(|id| self.attachments.get(id))
            .map(|a| {
                json!({
                    "id": a.id,
                    "name": a.name,
                    "content_type": a.content_type,
                    "size": a.size,
                    "attachment_url": self.url(&format!("/attachments/{}?token={}", a.id, attachment_token(a.id))),
                    "created_at": time(&a.created_at),
                    "updated_at": time(&a.created_at),
                })
            })
            .collect()
    }

    /// Stores a file uploaded with a write and returns its id.
    pub fn store_attachment(
        &mut self,
        name: &str,
        content_type: &str,
        bytes: Vec<u8>,
        at: DateTime<Utc>,
    ) -> u64 {
        let id = self.next_attachment_id;
        self.next_attachment_id += 1;
        let size = bytes.len() as u64;
        let storage_url = storage::put(
            &self.storage_prefix,
            &id.to_string(),
            name,
            content_type,
            bytes,
        );
        self.attachments.insert(
            id,
            AttachmentRec {
                id,
                name: name.to_owned(),
                content_type: content_type.to_owned(),
                size,
                storage_url,
                created_at: at,
            },
        );
        id
    }

    /// A conversation as the `Conversation` schema.
    pub fn conversation_json(&self, c: &ConversationRec) -> Value {
        let at = time(&c.created_at);
        json!({
            "id": c.id,
            "body": c.body,
            "body_text": c.body_text,
            "incoming": c.incoming,
            "private": c.private,
            "user_id": c.user_id,
            "support_email": c.support_email,
            "source": c.source,
            "ticket_id": c.ticket_id,
            "to_emails": c.to_emails,
            "from_email": c.from_email,
            "cc_emails": c.cc_emails,
            "bcc_emails": c.bcc_emails,
            "attachments": self.attachments_json(&c.attachment_ids),
            "created_at": at,
            "updated_at": at,
        })
    }

    /// An agent as the `Agent` schema, with its `contact`.
    pub fn agent_json(&self, a: &AgentRec) -> Value {
        let setup = time(&setup_time());
        json!({
            "id": a.id,
            "available": a.available,
            "available_since": if a.available { json!(setup) } else { Value::Null },
            "occasional": false,
            "signature": null,
            "ticket_scope": 1,
            "group_ids": a.group_ids,
            "role_ids": a.role_ids,
            "skill_ids": [],
            "type": "support_agent",
            "contact": {
                "active": true,
                "email": a.email,
                "name": a.name,
                "phone": null,
                "mobile": null,
                "job_title": null,
                "language": "en",
                "time_zone": "UTC",
                "last_login_at": null,
                "created_at": setup,
                "updated_at": setup,
            },
            "created_at": setup,
            "updated_at": setup,
        })
    }

    /// A group as the `Group` schema.
    pub fn group_json(&self, g: &GroupRec) -> Value {
        let setup = time(&setup_time());
        json!({
            "id": g.id,
            "name": g.name,
            "description": null,
            "escalate_to": null,
            "unassigned_for": null,
            "business_hour_id": null,
            "group_type": "support_agent_group",
            "auto_ticket_assign": false,
            "agent_ids": self.agent_ids_of_group(g.id),
            "created_at": setup,
            "updated_at": setup,
        })
    }

    /// The account's two roles.
    pub fn roles_json(&self) -> Vec<Value> {
        let setup = time(&setup_time());
        vec![
            json!({
                "id": 1,
                "name": "Admin",
                "description": "Has complete control over the help desk",
                "default": false,
                "agent_type": 1,
                "created_at": setup,
                "updated_at": setup,
            }),
            json!({
                "id": 2,
                "name": "Agent",
                "description": "Can log, view, reply, update and resolve tickets",
                "default": false,
                "agent_type": 1,
                "created_at": setup,
                "updated_at": setup,
            }),
        ]
    }

    /// A solution category as Freshdesk answers it.
    pub fn category_json(&self, c: &CategoryRec) -> Value {
        let setup = time(&setup_time());
        json!({
            "id": c.id,
            "name": c.name,
            "description": null,
            "visible_in_portals": [],
            "created_at": setup,
            "updated_at": setup,
        })
    }

    /// A solution folder as Freshdesk answers it.
    pub fn folder_json(&self, f: &FolderRec) -> Value {
        let setup = time(&setup_time());
        let count = self.articles.iter().filter(|a| a.folder_id == f.id).count();
        json!({
            "id": f.id,
            "name": f.name,
            "description": null,
            "category_id": f.category_id,
            "visibility": 1,
            "articles_count": count,
            "created_at": setup,
            "updated_at": setup,
        })
    }

    /// A solution article as Freshdesk answers it.
    pub fn article_json(&self, a: &ArticleRec) -> Value {
        let at = time(&a.created_at);
        json!({
            "id": a.id,
            "type": 1,
            "category_id": a.category_id,
            "folder_id": a.folder_id,
            "title": a.title,
            "description": a.description,
            "description_text": strip_tags(&a.description),
            "status": a.status,
            "agent_id": a.agent_id,
            "tags": [],
            "seo_data": {},
            "attachments": [],
            "cloud_files": [],
            "hits": 0,
            "thumbs_up": 0,
            "thumbs_down": 0,
            "suggested": 0,
            "feedback_count": 0,
            "created_at": at,
            "updated_at": at,
        })
    }

    /// An SLA policy as the `SLAPolicy` schema: `sla_target` keyed `priority_4` .. `priority_1`.
    pub fn sla_json(&self, p: &SlaRec) -> Value {
        let setup = time(&setup_time());
        let mut targets = Map::new();
        for (priority, t) in p.targets.iter().rev() {
            let mut target = Map::new();
            if let Some(s) = t.respond_within {
                target.insert("respond_within".into(), json!(s));
            }
            if let Some(s) = t.next_respond_within {
                target.insert("next_respond_within".into(), json!(s));
            }
            if let Some(s) = t.resolve_within {
                target.insert("resolve_within".into(), json!(s));
            }
            target.insert(
                "business_hours".into(),
                json!(t.business_hours.unwrap_or(false)),
            );
            target.insert("escalation_enabled".into(), json!(false));
            targets.insert(format!("priority_{priority}"), Value::Object(target));
        }
        json!({
            "id": p.id,
            "name": p.name,
            "description": p.description,
            "active": true,
            "is_default": false,
            "position": p.position,
            "sla_target": Value::Object(targets),
            "applicable_to": {},
            "escalation": {},
            "created_at": setup,
            "updated_at": setup,
        })
    }

    /// A rating as the documented satisfaction rating: `ratings.default_question` is 103 (happy)
    /// or -103 (unhappy) on the classic scale.
    pub fn rating_json(&self, r: &RatingRec) -> Value {
        let at = time(&r.created_at);
        json!({
            "id": r.id,
            "survey_id": 1,
            "user_id": r.user_id,
            "agent_id": r.agent_id,
            "group_id": r.group_id,
            "ticket_id": r.ticket_id,
            "feedback": r.feedback,
            "ratings": {"default_question": if r.good { 103 } else { -103 }},
            "created_at": at,
            "updated_at": at,
        })
    }

    /// The default ticket fields; `status` lists every status code with its agent and customer
    /// labels, custom ones included.
    pub fn ticket_fields_json(&self) -> Vec<Value> {
        let setup = time(&setup_time());
        let field = |id: u64,
                     name: &str,
                     label: &str,
                     kind: &str,
                     position: u64,
                     choices: Value| {
            let mut field = json!({
                "id": id,
                "name": name,
                "label": label,
                "description": label,
                "position": position,
                "required_for_closure": false,
                "required_for_agents": matches!(name, "requester" | "subject" | "status" | "priority"),
                "type": kind,
                "default": true,
                "customers_can_edit": matches!(name, "requester" | "subject" | "description"),
                "label_for_customers": label,
                "required_for_customers": matches!(name, "requester" | "subject"),
                "displayed_to_customers": true,
                "created_at": setup,
                "updated_at": setup,
            });
            if !choices.is_null()
                && let Value::Object(map) = &mut field
            {
                map.insert("choices".into(), choices);
            }
            field
        };
        let mut status_choices = Map::new();
        for (code, agent, customer) in &self.statuses {
            status_choices.insert(code.to_string(), json!([agent, customer]));
        }
        let by_name = |pairs: &[(&str, u64)]| -> Value {
            Value::Object(
                pairs
                    .iter()
                    .map(|(name, code)| ((*name).to_owned(), json!(code)))
                    .collect(),
            )
        };
        let groups: Vec<(&str, u64)> = self
            .groups
            .iter()
            .map(|g| (g.name.as_str(), g.id))
            .collect();
        let agents: Vec<(&str, u64)> = self
            .agents
            .values()
            .map(|a| (a.name.as_str(), a.id))
            .collect();
        let companies: Vec<(&str, u64)> = self
            .companies
            .iter()
            .map(|c| (c.name.as_str(), c.id))
            .collect();
        vec![
            field(
                1001,
                "requester",
                "Search a requester",
                "default_requester",
                1,
                Value::Null,
            ),
            field(
                1002,
                "subject",
                "Subject",
                "default_subject",
                2,
                Value::Null,
            ),
            field(
                1003,
                "ticket_type",
                "Type",
                "default_ticket_type",
                3,
                json!(TICKET_TYPES),
            ),
            field(
                1004,
                "source",
                "Source",
                "default_source",
                4,
                by_name(&SOURCES),
            ),
            field(
                1005,
                "status",
                "Status",
                "default_status",
                5,
                Value::Object(status_choices),
            ),
            field(
                1006,
                "priority",
                "Priority",
                "default_priority",
                6,
                by_name(&PRIORITIES),
            ),
            field(1007, "group", "Group", "default_group", 7, by_name(&groups)),
            field(1008, "agent", "Agent", "default_agent", 8, by_name(&agents)),
            field(
                1009,
                "description",
                "Description",
                "default_description",
                9,
                Value::Null,
            ),
            field(
                1010,
                "company",
                "Company",
                "default_company",
                10,
                by_name(&companies),
            ),
        ]
    }
}
