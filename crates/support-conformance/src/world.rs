//! The standard fixture world every simulator serves and every scenario checks against.
//!
//! The world is one logical world: every record has a small logical number (tickets 101.., agents
//! 301..), rendered as an id in the provider's [`IdScheme`], so that providers with integer ids serve
//! the numbers verbatim and providers with string ids (Salesforce, ServiceNow, Zoho, HubSpot) serve
//! ids shaped like theirs. Times are fixed, so the world is the same on every run.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;
use support_core::{
    AuthorKind, Availability, Body, CanonicalId, Channel, Comment, Document, DocumentKind,
    ExternalObjectRef, Mapped, NewComment, NewTag, NewTicket, ObjectKind, Party, PartyRole,
    Priority, PublishState, Requester, SatisfactionRating, Score, SlaClock, SlaMetric, SlaPolicy,
    SlaTarget, Tag, Ticket, TicketCategory, TicketSla, TicketStatus, TicketUpdate, Visibility,
};

/// What a provider can represent, so the world only holds what its simulator can serve.
#[derive(Clone, Debug)]
pub struct Profile {
    /// Canonical statuses the provider has a native value for; tickets cycle through them.
    pub statuses: Vec<TicketStatus>,
    /// Channels the provider records; tickets cycle through them.
    pub channels: Vec<Channel>,
    /// Whether tickets say where they came from at all (Intercom's tickets do not): when not,
    /// canonical tickets carry no channel.
    pub records_channel: bool,
    /// Whether a ticket may have no priority (some providers always set one).
    pub priority_optional: bool,
    /// Canonical priorities the provider can tell apart on reads; tickets cycle through them in
    /// this order. Empty: the provider has no priority at all (tickets carry none, and writes ask
    /// for none).
    pub priorities: Vec<Priority>,
    /// Whether writes can set a priority (creation and update ask for one only then).
    pub priority_writable: bool,
    /// Whether tickets say which tags they carry (Intercom's tickets do not: tags are attached and
    /// detached, never read back). When not, the world's tickets carry none and writes set none.
    pub ticket_tags: bool,
    /// Whether agents carry an availability.
    pub reports_availability: bool,
    /// The provider's native names of the world's two agent roles, the administrator's and the
    /// other agents'; `None` when agents report no role at all (then agents come without one and
    /// are not listed by role).
    pub agent_roles: Option<[&'static str; 2]>,
    /// Whether the provider honours idempotency keys on ticket creation.
    pub honours_idempotency_keys: bool,
    /// How the provider spells ids.
    pub ids: IdScheme,
    /// Ticket categories the provider's type or category field has; tickets cycle through them
    /// (every fourth has none). Empty: tickets carry no category.
    pub categories: Vec<TicketCategory>,
    /// Whether a finished ticket carries a resolution text.
    pub records_resolution: bool,
    /// Whether finished tickets carry when they were resolved and closed.
    pub records_resolution_times: bool,
    /// Which SLA clocks open tickets carry.
    pub sla_clocks: SlaClocks,
    /// Whether comments say who wrote them: a customer, an agent or the system.
    pub author_kinds: bool,
    /// Whether comments carry attachments (and files can be attached to new ones).
    pub attachments: bool,
    /// Whether attached files are named by their comment and position (`{comment id}-{n}`, from 1)
    /// rather than by ids of their own (Intercom's part attachments have none).
    pub comment_scoped_attachment_ids: bool,
    /// Whether a ticket's first comment is the message that opened it, written when the ticket was
    /// created (Intercom's conversation `source` has no time of its own: it is the
    /// conversation's).
    pub first_comment_opens: bool,
    /// Whether tags have ids of their own (Intercom's); when not, a tag is named by its name.
    pub tag_ids: bool,
    /// Whether satisfaction ratings have ids of their own; when not (Intercom's rating is a member
    /// of its conversation), a rating is named by its ticket's id.
    pub rating_ids: bool,
    /// Whether an SLA policy holds targets per priority (first and next response for each); when
    /// not (a ServiceNow SLA definition is one duration, its conditions say which tickets), the
    /// world's policy is one first-response target of an hour, in calendar hours, for no
    /// particular priority.
    pub sla_targets_by_priority: bool,
    /// Whether draft knowledge articles can be read and listed; when not (HubSpot's site search
    /// indexes published articles only), the world's drafts are out of reach.
    pub article_drafts: bool,
    /// Whether knowledge articles report their categories, author and creation time; when not
    /// (HubSpot's site search indexes none of them), articles come without them and are not
    /// listed by category.
    pub article_details: bool,
    /// Whether a ticket has one owner, an agent or a group, not both (a Salesforce case's
    /// `OwnerId` is a user or a queue): then the world's tickets with an agent have no group, and
    /// assignment sets an agent, then a group, each alone.
    pub one_owner: bool,
    /// Whether the provider throttles for short periods and names the wait (429 with
    /// `Retry-After`). When not (Salesforce's only limit is the daily one, 403
    /// `REQUEST_LIMIT_EXCEEDED`, which names no wait), short throttling is not checked and long
    /// throttling expects `RateLimited` without a wait.
    pub names_throttling_wait: bool,
    /// Whether an SLA policy says its targets at all. When not (a Salesforce entitlement
    /// process's milestone minutes are Metadata API settings, not fields of the `SlaProcess` the
    /// REST API reads), the world's policies have none.
    pub sla_policy_targets: bool,
    /// Whether knowledge-base categories have ids of their own. When not (a Salesforce data
    /// category is named by its unique name, which allows no spaces), a category is named by its
    /// name with underscores for spaces (`Getting_started`).
    pub category_ids: bool,
    /// Whether attached files are named by their ticket, comment and own id
    /// (`{ticket id}-{comment id}-{file id}`): what a provider's download needs when its file URL
    /// names all three (Zammad's `/ticket_attachment/{ticket}/{article}/{file}`).
    pub ticket_scoped_attachment_ids: bool,
    /// Whether the world's single SLA target (when targets are not per priority) counts business
    /// hours: where every SLA runs on a business-hours calendar (Zammad's).
    pub sla_business_hours: bool,
    /// Whether every ticket is in a group (Zammad refuses a ticket without one): the world's
    /// tickets that would have none are in a group, and `createTicket` names the first group.
    pub tickets_need_group: bool,
    /// Whether a comment's files are its ticket's, not the comment's (a Salesforce case comment
    /// holds no files: they are uploaded to the case): then a comment added with a file comes back
    /// and is listed without it, and the ticket holds the file.
    pub comment_files_on_ticket: bool,
}

impl Default for Profile {
    fn default() -> Self {
        Self {
            statuses: TicketStatus::KNOWN.to_vec(),
            channels: vec![
                Channel::Email,
                Channel::Web,
                Channel::Chat,
                Channel::Phone,
                Channel::Api,
            ],
            records_channel: true,
            priority_optional: true,
            priorities: vec![
                Priority::Low,
                Priority::Normal,
                Priority::High,
                Priority::Urgent,
            ],
            priority_writable: true,
            ticket_tags: true,
            reports_availability: true,
            agent_roles: Some(["admin", "agent"]),
            honours_idempotency_keys: true,
            ids: IdScheme::Numeric,
            categories: TicketCategory::KNOWN.to_vec(),
            records_resolution: true,
            records_resolution_times: true,
            sla_clocks: SlaClocks::ALL,
            author_kinds: true,
            attachments: true,
            comment_scoped_attachment_ids: false,
            first_comment_opens: false,
            tag_ids: false,
            rating_ids: true,
            sla_targets_by_priority: true,
            article_drafts: true,
            article_details: true,
            one_owner: false,
            names_throttling_wait: true,
            sla_policy_targets: true,
            category_ids: true,
            ticket_scoped_attachment_ids: false,
            sla_business_hours: false,
            tickets_need_group: false,
            comment_files_on_ticket: false,
        }
    }
}

/// How a provider spells record ids; the world renders its logical numbers in it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum IdScheme {
    /// Integers, served verbatim (`"101"`): Zendesk, Freshdesk.
    #[default]
    Numeric,
    /// Long numeric strings beyond a JSON double's exact range (`"4150868000000000101"`): Zoho,
    /// HubSpot. An adapter that parses them as `f64` (or `i32`) loses them.
    NumericString,
    /// Salesforce's 18-character case-safe ids: a three-character key prefix naming the object
    /// type, twelve characters, and the three-character case checksum (`"500Hs00000AbC101AAA"`-like).
    Salesforce18,
    /// ServiceNow's 32 lowercase hexadecimal `sys_id`.
    Hex32,
}

/// What a record of the world is, for schemes whose ids name their object type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Entity {
    /// An agent group.
    Group,
    /// An agent (a user).
    Agent,
    /// A customer (a contact).
    Customer,
    /// The customers' organisation (an account).
    Organization,
    /// A ticket (a case, an incident).
    Ticket,
    /// A comment.
    Comment,
    /// A knowledge-base category.
    Category,
    /// A knowledge article.
    Article,
    /// An SLA policy.
    SlaPolicy,
    /// A satisfaction rating.
    Rating,
    /// A file attached to a comment.
    Attachment,
    /// A tag ([`Profile::tag_ids`]).
    Tag,
}

impl Entity {
    /// Every entity.
    pub const ALL: [Entity; 12] = [
        Entity::Group,
        Entity::Agent,
        Entity::Customer,
        Entity::Organization,
        Entity::Ticket,
        Entity::Comment,
        Entity::Category,
        Entity::Article,
        Entity::SlaPolicy,
        Entity::Rating,
        Entity::Attachment,
        Entity::Tag,
    ];

    /// The Salesforce key prefix of the object this entity is there.
    fn salesforce_prefix(self) -> &'static str {
        match self {
            Entity::Group => "00G",
            Entity::Agent => "005",
            Entity::Customer => "003",
            Entity::Organization => "001",
            Entity::Ticket => "500",
            Entity::Comment => "00a",
            Entity::Category => "02n",
            Entity::Article => "kA0",
            Entity::SlaPolicy => "552",
            Entity::Rating => "a0R",
            Entity::Attachment => "00P",
            Entity::Tag => "0TO",
        }
    }

    /// A small distinct code, so that hex ids of different tables differ even for equal numbers.
    fn code(self) -> u64 {
        match self {
            Entity::Group => 1,
            Entity::Agent => 2,
            Entity::Customer => 3,
            Entity::Organization => 4,
            Entity::Ticket => 5,
            Entity::Comment => 6,
            Entity::Category => 7,
            Entity::Article => 8,
            Entity::SlaPolicy => 9,
            Entity::Rating => 10,
            Entity::Attachment => 11,
            Entity::Tag => 12,
        }
    }
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const SALESFORCE_CHECKSUM: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

impl IdScheme {
    /// Every scheme.
    pub const ALL: [IdScheme; 4] = [
        IdScheme::Numeric,
        IdScheme::NumericString,
        IdScheme::Salesforce18,
        IdScheme::Hex32,
    ];

    /// The id of the logical record `number` of kind `entity` in this scheme. Distinct
    /// `(entity, number)` pairs give distinct ids in every scheme.
    pub fn render(self, entity: Entity, number: u64) -> String {
        match self {
            IdScheme::Numeric => number.to_string(),
            // Numeric ids are unique across an account in the providers that use this form, so the
            // entity plays no part; the prefix puts them past 2^53.
            IdScheme::NumericString => format!("41508680{number:011}"),
            IdScheme::Salesforce18 => {
                // Mixed case on purpose: the checksum is what lets a case-insensitive system
                // tell two ids apart, and an adapter that lower-cases ids breaks.
                let mut body = String::with_capacity(12);
                body.push_str("Hs0");
                let mut digits = [b'0'; 9];
                let mut rest = number;
                for slot in digits.iter_mut().rev() {
                    *slot = BASE62[(rest % 62) as usize];
                    rest /= 62;
                }
                body.extend(digits.iter().map(|&b| b as char));
                let fifteen = format!("{}{body}", entity.salesforce_prefix());
                let mut id = fifteen.clone();
                id.push_str(&salesforce_suffix(&fifteen));
                id
            }
            IdScheme::Hex32 => format!(
                "{:08x}{:08x}{:016x}",
                0x46d4_4a5e_u32,
                entity.code().wrapping_mul(0x9e37_79b9) as u32,
                number
            ),
        }
    }

    /// Whether `text` is spelled like an id of this scheme (what a simulator's path capture
    /// accepts).
    pub fn matches(self, text: &str) -> bool {
        match self {
            IdScheme::Numeric | IdScheme::NumericString => {
                !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
            }
            IdScheme::Salesforce18 => {
                text.len() == 18
                    && text.bytes().all(|b| b.is_ascii_alphanumeric())
                    && salesforce_suffix(&text[..15]) == text[15..]
            }
            IdScheme::Hex32 => {
                text.len() == 32 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
            }
        }
    }
}

/// Salesforce's case checksum of a 15-character id: for each five-character chunk, the bit
/// pattern of its upper-case letters, as one character.
fn salesforce_suffix(fifteen: &str) -> String {
    fifteen
        .as_bytes()
        .chunks(5)
        .map(|chunk| {
            let bits = chunk
                .iter()
                .enumerate()
                .filter(|(_, b)| b.is_ascii_uppercase())
                .fold(0usize, |acc, (i, _)| acc | (1 << i));
            SALESFORCE_CHECKSUM[bits % 32] as char
        })
        .collect()
}

/// The ids the write scenarios use, rendered in the world's scheme.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteTargets {
    /// The ticket `updateTicket` changes.
    pub update: String,
    /// The ticket `closeTicket` closes.
    pub close: String,
    /// The ticket `assignTicket` assigns, the agent and the group it goes to.
    pub assignment: (String, String, String),
    /// The ticket `addComment` comments on.
    pub comment: String,
    /// The id the provider gives the created ticket.
    pub created_ticket: String,
    /// The ids the provider gives the public and the internal comment.
    pub created_comments: (String, String),
    /// A ticket id that exists nowhere.
    pub missing_ticket: String,
}

/// A group of agents.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupFx {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
}

/// An agent.
#[derive(Clone, Debug, PartialEq)]
pub struct AgentFx {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: String,
    /// Native role name (`admin` or `agent`).
    pub role: String,
    /// Group ids.
    pub groups: Vec<String>,
    /// Availability.
    pub availability: Availability,
}

/// A customer.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomerFx {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: String,
    /// Organisation id.
    pub organization: Option<String>,
}

/// A ticket.
#[derive(Clone, Debug, PartialEq)]
pub struct TicketFx {
    /// Id.
    pub id: String,
    /// Subject.
    pub subject: String,
    /// Description.
    pub description: String,
    /// Status.
    pub status: TicketStatus,
    /// Priority.
    pub priority: Option<Priority>,
    /// Channel.
    pub channel: Channel,
    /// Requester id.
    pub requester: String,
    /// Assignee id.
    pub assignee: Option<String>,
    /// Group id.
    pub group: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Updated.
    pub updated_at: DateTime<Utc>,
    /// Category ([`Profile::categories`]).
    pub category: Option<TicketCategory>,
    /// Resolution text of a finished ticket ([`Profile::records_resolution`]).
    pub resolution: Option<String>,
    /// When a finished ticket was resolved ([`Profile::records_resolution_times`]).
    pub resolved_at: Option<DateTime<Utc>>,
    /// When a closed ticket was closed ([`Profile::records_resolution_times`]).
    pub closed_at: Option<DateTime<Utc>>,
    /// SLA clocks of an open ticket ([`Profile::sla_clocks`]).
    pub sla: Option<TicketSlaFx>,
}

/// How much of one SLA clock a provider reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ClockReport {
    /// Nothing.
    #[default]
    Absent,
    /// When it falls due, but no flag saying it is late.
    Due,
    /// When it falls due and whether it is late.
    DueAndBreach,
}

impl ClockReport {
    /// Whether the clock is reported at all.
    pub fn is_reported(self) -> bool {
        self != ClockReport::Absent
    }
}

/// Which SLA clocks a provider reports on tickets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SlaClocks {
    /// First response.
    pub first_response: ClockReport,
    /// Resolution.
    pub resolution: ClockReport,
    /// Whether the ticket is escalated.
    pub escalation: bool,
}

impl SlaClocks {
    /// Every clock, with its breach.
    pub const ALL: SlaClocks = SlaClocks {
        first_response: ClockReport::DueAndBreach,
        resolution: ClockReport::DueAndBreach,
        escalation: true,
    };
    /// None.
    pub const NONE: SlaClocks = SlaClocks {
        first_response: ClockReport::Absent,
        resolution: ClockReport::Absent,
        escalation: false,
    };

    /// Whether any clock is reported.
    pub fn any(self) -> bool {
        self.first_response.is_reported() || self.resolution.is_reported() || self.escalation
    }
}

/// The SLA clocks of a ticket.
#[derive(Clone, Debug, PartialEq)]
pub struct TicketSlaFx {
    /// When the first reply is due.
    pub first_response_due: DateTime<Utc>,
    /// Whether the first reply is late.
    pub first_response_breached: bool,
    /// When resolution is due.
    pub resolution_due: DateTime<Utc>,
    /// Whether resolution is late.
    pub resolution_breached: bool,
    /// Whether the ticket is escalated (here: when any clock is breached).
    pub escalated: bool,
}

/// A file attached to a comment.
#[derive(Clone, Debug, PartialEq)]
pub struct AttachmentFx {
    /// Id.
    pub id: String,
    /// File name.
    pub file_name: String,
    /// MIME type.
    pub content_type: String,
    /// The bytes.
    pub content: Vec<u8>,
}

/// A comment.
#[derive(Clone, Debug, PartialEq)]
pub struct CommentFx {
    /// Id.
    pub id: String,
    /// Ticket id.
    pub ticket: String,
    /// Author id (an agent or the requester).
    pub author: String,
    /// Text.
    pub body: String,
    /// HTML.
    pub html: String,
    /// Public or internal.
    pub visibility: Visibility,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Who wrote it: the requester is a customer, an agent an agent ([`Profile::author_kinds`]).
    pub author_kind: AuthorKind,
    /// Attached files ([`Profile::attachments`]).
    pub attachments: Vec<AttachmentFx>,
}

/// A knowledge-base category.
#[derive(Clone, Debug, PartialEq)]
pub struct CategoryFx {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
}

/// A knowledge article.
#[derive(Clone, Debug, PartialEq)]
pub struct ArticleFx {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// HTML body.
    pub body_html: String,
    /// Category id.
    pub category: String,
    /// Locale.
    pub locale: String,
    /// Published (else draft).
    pub published: bool,
    /// Author (an agent id).
    pub author: String,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// One SLA target.
#[derive(Clone, Debug, PartialEq)]
pub struct SlaTargetFx {
    /// Metric.
    pub metric: SlaMetric,
    /// Priority.
    pub priority: Priority,
    /// Minutes.
    pub minutes: u64,
    /// Business hours only.
    pub business_hours: bool,
}

/// An SLA policy.
#[derive(Clone, Debug, PartialEq)]
pub struct SlaFx {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Targets.
    pub targets: Vec<SlaTargetFx>,
}

/// A satisfaction rating (good or bad, the common denominator of CSAT scales).
#[derive(Clone, Debug, PartialEq)]
pub struct RatingFx {
    /// Id.
    pub id: String,
    /// Ticket id.
    pub ticket: String,
    /// Requester id.
    pub requester: String,
    /// Assignee id.
    pub assignee: Option<String>,
    /// Good (`true`) or bad.
    pub good: bool,
    /// Comment.
    pub comment: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// The standard world.
#[derive(Clone, Debug)]
pub struct World {
    /// The provider the canonical ids are qualified with.
    pub provider: &'static str,
    /// What the provider can represent.
    pub profile: Profile,
    /// Agent groups.
    pub groups: Vec<GroupFx>,
    /// Agents.
    pub agents: Vec<AgentFx>,
    /// Customers.
    pub customers: Vec<CustomerFx>,
    /// The customers' organisation: (id, name).
    pub organization: (String, String),
    /// Tickets (the last one has a status no provider knows: `escalated`).
    pub tickets: Vec<TicketFx>,
    /// Comments.
    pub comments: Vec<CommentFx>,
    /// Workspace tags with usage counts.
    pub tags: Vec<(String, u64)>,
    /// Knowledge-base categories.
    pub categories: Vec<CategoryFx>,
    /// Articles.
    pub articles: Vec<ArticleFx>,
    /// SLA policies.
    pub sla_policies: Vec<SlaFx>,
    /// Satisfaction ratings.
    pub ratings: Vec<RatingFx>,
    /// The ids the write scenarios use, in the world's id scheme.
    pub targets: WriteTargets,
}

/// The native status value of the world's odd ticket, unknown to every provider.
pub const UNKNOWN_STATUS: &str = "escalated";
/// A ticket id that exists nowhere, under [`IdScheme::Numeric`]; [`World::missing_ticket_id`] is
/// the id in the world's scheme.
pub const MISSING_TICKET_ID: &str = "999999";
/// The page size pagination scenarios use; the world holds more than three pages of tickets.
pub const PAGE_SIZE: u32 = 4;

fn at(hours: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 5, 8, 0, 0)
        .single()
        .unwrap_or_default()
        + chrono::Duration::hours(hours)
}

impl World {
    /// The standard world for a provider.
    pub fn standard(provider: &'static str, profile: Profile) -> Self {
        let scheme = profile.ids;
        let id = |entity: Entity, number: u64| scheme.render(entity, number);
        let groups = vec![
            GroupFx {
                id: id(Entity::Group, 201),
                name: "Tier 1".into(),
            },
            GroupFx {
                id: id(Entity::Group, 202),
                name: "Billing".into(),
            },
        ];
        // Without roles the world still names one, so its agents stay apart; nothing reads it.
        let [admin_role, agent_role] = profile.agent_roles.unwrap_or(["admin", "agent"]);
        let agents = vec![
            AgentFx {
                id: id(Entity::Agent, 301),
                name: "Ada Admin".into(),
                email: "ada@example.com".into(),
                role: admin_role.into(),
                groups: vec![id(Entity::Group, 201), id(Entity::Group, 202)],
                availability: Availability::Available,
            },
            AgentFx {
                id: id(Entity::Agent, 302),
                name: "Ben Agent".into(),
                email: "ben@example.com".into(),
                role: agent_role.into(),
                groups: vec![id(Entity::Group, 201)],
                availability: Availability::Away,
            },
            AgentFx {
                id: id(Entity::Agent, 303),
                name: "Cleo Agent".into(),
                email: "cleo@example.com".into(),
                role: agent_role.into(),
                groups: vec![id(Entity::Group, 202)],
                availability: Availability::Offline,
            },
        ];
        let customers = vec![
            CustomerFx {
                id: id(Entity::Customer, 401),
                name: "Dana Customer".into(),
                email: "dana@customer.example".into(),
                organization: Some(id(Entity::Organization, 501)),
            },
            CustomerFx {
                id: id(Entity::Customer, 402),
                name: "Eli Customer".into(),
                email: "eli@customer.example".into(),
                organization: None,
            },
        ];
        let priorities = [
            Priority::Low,
            Priority::Normal,
            Priority::High,
            Priority::Urgent,
        ];
        let held = &profile.priorities;
        let channels = if profile.channels.is_empty() {
            vec![Channel::Email]
        } else {
            profile.channels.clone()
        };

        let tag_sets: [&[&str]; 3] = [&["billing"], &["vip", "billing"], &["hardware"]];
        let statuses = if profile.statuses.is_empty() {
            vec![TicketStatus::Open]
        } else {
            profile.statuses.clone()
        };
        let mut tickets: Vec<TicketFx> = (0..12)
            .map(|i| TicketFx {
                id: id(Entity::Ticket, 101 + i as u64),
                subject: format!("Conformance ticket {}", 101 + i),
                description: format!("Description of ticket {}", 101 + i),
                status: statuses[i % statuses.len()].clone(),
                priority: (!held.is_empty() && (i % 5 != 4 || !profile.priority_optional))
                    .then(|| held[i % held.len()].clone()),
                channel: channels[i % channels.len()].clone(),
                requester: customers[i % 2].id.clone(),
                assignee: (i % 3 != 2).then(|| agents[i % 3].id.clone()),
                group: ((i % 3 != 2 || profile.tickets_need_group) && !profile.one_owner)
                    .then(|| groups[i % 2].id.clone()),
                tags: if profile.ticket_tags {
                    tag_sets[i % 3].iter().map(|t| t.to_string()).collect()
                } else {
                    Vec::new()
                },
                created_at: at(i as i64),
                updated_at: at(24 + i as i64),
                category: None,
                resolution: None,
                resolved_at: None,
                closed_at: None,
                sla: None,
            })
            .collect();
        for (i, ticket) in tickets.iter_mut().enumerate() {
            ticket.category = (!profile.categories.is_empty() && i % 4 != 3)
                .then(|| profile.categories[i % profile.categories.len()].clone());
            let done = ticket.status.is_done();
            ticket.resolution = (profile.records_resolution && done)
                .then(|| format!("Resolved: fixed for ticket {}", ticket.id));
            ticket.resolved_at =
                (profile.records_resolution_times && done).then_some(ticket.updated_at);
            ticket.closed_at = (profile.records_resolution_times
                && ticket.status == TicketStatus::Closed)
                .then_some(ticket.updated_at);
            ticket.sla = (profile.sla_clocks.any() && !done && i % 2 == 0).then(|| {
                let first_response_breached = i % 4 == 0;
                TicketSlaFx {
                    first_response_due: ticket.created_at + chrono::Duration::hours(1),
                    first_response_breached,
                    resolution_due: ticket.created_at + chrono::Duration::hours(48),
                    resolution_breached: false,
                    escalated: first_response_breached,
                }
            });
        }
        tickets.push(TicketFx {
            id: id(Entity::Ticket, 113),
            subject: "Ticket in a status nobody knows".into(),
            description: "Its native status has no canonical equivalent".into(),
            status: TicketStatus::Other(UNKNOWN_STATUS.into()),
            priority: held
                .iter()
                .find(|p| **p == Priority::Normal)
                .or(held.first())
                .cloned(),
            channel: Channel::Email,
            requester: id(Entity::Customer, 402),
            assignee: None,
            group: profile.tickets_need_group.then(|| groups[0].id.clone()),
            tags: vec![],
            created_at: at(12),
            updated_at: at(36),
            category: None,
            resolution: None,
            resolved_at: None,
            closed_at: None,
            sla: None,
        });
        let mut comments = vec![
            comment(
                id(Entity::Comment, 601),
                id(Entity::Ticket, 101),
                id(Entity::Customer, 401),
                "My invoice is wrong",
                Visibility::Public,
                1,
            ),
            comment(
                id(Entity::Comment, 602),
                id(Entity::Ticket, 101),
                id(Entity::Agent, 301),
                "We are looking into it",
                Visibility::Public,
                2,
            ),
            comment(
                id(Entity::Comment, 603),
                id(Entity::Ticket, 101),
                id(Entity::Agent, 301),
                "Checked the ledger: refund due",
                Visibility::Internal,
                3,
            ),
            comment(
                id(Entity::Comment, 604),
                id(Entity::Ticket, 101),
                id(Entity::Customer, 401),
                "Thanks!",
                Visibility::Public,
                4,
            ),
            comment(
                id(Entity::Comment, 605),
                id(Entity::Ticket, 102),
                id(Entity::Customer, 402),
                "Where is my order?",
                Visibility::Public,
                5,
            ),
        ];
        for comment in &mut comments {
            if customers
                .iter()
                .any(|customer| customer.id == comment.author)
            {
                comment.author_kind = AuthorKind::Customer;
            }
        }
        if profile.first_comment_opens {
            for ticket in &tickets {
                if let Some(first) = comments
                    .iter_mut()
                    .filter(|c| c.ticket == ticket.id)
                    .min_by_key(|c| c.created_at)
                {
                    first.created_at = ticket.created_at;
                }
            }
        }
        if profile.attachments {
            let file_id = if profile.comment_scoped_attachment_ids {
                format!("{}-1", comments[0].id)
            } else if profile.ticket_scoped_attachment_ids {
                format!(
                    "{}-{}-{}",
                    comments[0].ticket,
                    comments[0].id,
                    id(Entity::Attachment, 701)
                )
            } else {
                id(Entity::Attachment, 701)
            };
            comments[0].attachments.push(AttachmentFx {
                id: file_id,
                file_name: "invoice-2024-03.pdf".into(),
                content_type: "application/pdf".into(),
                content: b"%PDF-1.4\n% conformance invoice\n%%EOF\n".to_vec(),
            });
        }
        let tags = vec![
            ("billing".into(), 8),
            ("hardware".into(), 4),
            ("vip".into(), 4),
        ];
        let category = |number: u64, name: &str| CategoryFx {
            id: if profile.category_ids {
                id(Entity::Category, number)
            } else {
                name.replace(' ', "_")
            },
            name: name.into(),
        };
        let categories = vec![category(701, "Getting started"), category(702, "Billing")];
        let article =
            |number: u64, title: &str, body: &str, category: u64, published: bool, hours| {
                ArticleFx {
                    id: id(Entity::Article, number),
                    title: title.into(),
                    body_html: format!("<p>{body}</p>"),
                    category: categories[(category - 701) as usize].id.clone(),
                    locale: "en-us".into(),
                    published,
                    author: id(Entity::Agent, 301),
                    created_at: at(hours),
                }
            };
        let articles = vec![
            article(
                801,
                "Resetting your password",
                "Open settings and choose reset.",
                701,
                true,
                1,
            ),
            article(
                802,
                "Installing the printer driver",
                "Download the driver first.",
                701,
                true,
                2,
            ),
            article(
                803,
                "Understanding your invoice",
                "Each invoice lists every charge.",
                702,
                true,
                3,
            ),
            article(
                804,
                "Requesting a refund",
                "Refunds reach your account in five days.",
                702,
                true,
                4,
            ),
            article(
                805,
                "Draft: new billing portal",
                "The portal is coming soon.",
                702,
                false,
                5,
            ),
        ];
        let sla_policies = vec![SlaFx {
            id: id(Entity::SlaPolicy, 901),
            name: "Standard support".into(),
            description: "Targets for every ticket".into(),
            targets: if !profile.sla_policy_targets {
                Vec::new()
            } else if !profile.sla_targets_by_priority {
                vec![SlaTargetFx {
                    metric: SlaMetric::FirstResponse,
                    priority: Priority::Normal,
                    minutes: 60,
                    business_hours: profile.sla_business_hours,
                }]
            } else {
                priorities
                    .iter()
                    .enumerate()
                    .flat_map(|(i, priority)| {
                        let scale = 4 - i as u64;
                        [
                            SlaTargetFx {
                                metric: SlaMetric::FirstResponse,
                                priority: priority.clone(),
                                minutes: 15 * scale,
                                business_hours: i % 2 == 1,
                            },
                            SlaTargetFx {
                                metric: SlaMetric::NextResponse,
                                priority: priority.clone(),
                                minutes: 60 * scale,
                                business_hours: i % 2 == 1,
                            },
                        ]
                    })
                    .collect()
            },
        }];
        let ratings = (0..5)
            .map(|i| RatingFx {
                id: if profile.rating_ids {
                    id(Entity::Rating, 1001 + i as u64)
                } else {
                    tickets[i].id.clone()
                },
                ticket: tickets[i].id.clone(),
                requester: tickets[i].requester.clone(),
                assignee: tickets[i].assignee.clone(),
                good: i % 3 != 1,
                comment: (i % 2 == 0).then(|| format!("Rating comment {}", 1001 + i)),
                created_at: at(48 + 24 * i as i64),
            })
            .collect();
        World {
            provider,
            profile,
            groups,
            agents,
            customers,
            organization: (id(Entity::Organization, 501), "Customer Org".into()),
            targets: WriteTargets {
                update: id(Entity::Ticket, 102),
                close: id(Entity::Ticket, 103),
                assignment: (
                    id(Entity::Ticket, 104),
                    id(Entity::Agent, 303),
                    id(Entity::Group, 202),
                ),
                comment: id(Entity::Ticket, 105),
                created_ticket: id(Entity::Ticket, 150),
                created_comments: (id(Entity::Comment, 650), id(Entity::Comment, 651)),
                missing_ticket: id(Entity::Ticket, 999_999),
            },
            tickets,
            comments,
            tags,
            categories,
            articles,
            sla_policies,
            ratings,
        }
    }

    /// A canonical id of this world's provider.
    pub fn id(&self, kind: ObjectKind, external: &str) -> CanonicalId {
        CanonicalId::new(self.provider, kind, external)
    }

    /// The ticket with this id.
    pub fn ticket(&self, id: &str) -> Option<&TicketFx> {
        self.tickets.iter().find(|t| t.id == id)
    }

    /// The ticket whose status no provider knows.
    pub fn odd_ticket(&self) -> &TicketFx {
        // `standard` always pushes it last.
        &self.tickets[self.tickets.len() - 1]
    }

    // ----- inputs and expected outcomes of the write scenarios -----

    /// The priority writes ask for when the provider holds `wanted`, else its highest one; `None`
    /// when writes cannot set a priority ([`Profile::priority_writable`], [`Profile::priorities`]).
    fn writable_priority(&self, wanted: Priority) -> Option<Priority> {
        let held = &self.profile.priorities;
        if !self.profile.priority_writable || held.is_empty() {
            return None;
        }
        held.iter().find(|p| **p == wanted).or(held.last()).cloned()
    }

    /// The ticket `createTicket` creates (with a priority only where writes can set one).
    pub fn new_ticket(&self) -> NewTicket {
        let ticket = NewTicket::new("Printer on fire", "The office printer is on fire.")
            .with_requester(Requester::Email {
                email: "dana@customer.example".into(),
                name: Some("Dana Customer".into()),
            });
        let ticket = if self.profile.ticket_tags {
            ticket.with_tag("hardware")
        } else {
            ticket
        };
        let ticket = if self.profile.tickets_need_group {
            ticket.with_group(self.id(ObjectKind::Group, &self.groups[0].id))
        } else {
            ticket
        };
        match self.writable_priority(Priority::Urgent) {
            Some(priority) => ticket.with_priority(priority),
            None => ticket,
        }
    }

    /// The id the provider gives the created ticket, under [`IdScheme::Numeric`];
    /// [`World::created_ticket_id`] is the id in the world's scheme.
    pub const CREATED_TICKET_ID: &'static str = "150";

    /// The ticket `createTicket` returns.
    pub fn created_ticket(&self) -> TicketFx {
        TicketFx {
            id: self.targets.created_ticket.clone(),
            subject: "Printer on fire".into(),
            description: "The office printer is on fire.".into(),
            status: TicketStatus::New,
            priority: self.writable_priority(Priority::Urgent),
            channel: Channel::Api,
            requester: self.profile.ids.render(Entity::Customer, 401),
            assignee: None,
            group: self
                .profile
                .tickets_need_group
                .then(|| self.groups[0].id.clone()),
            tags: if self.profile.ticket_tags {
                vec!["hardware".into()]
            } else {
                Vec::new()
            },
            created_at: at(100),
            updated_at: at(100),
            category: None,
            resolution: None,
            resolved_at: None,
            closed_at: None,
            sla: None,
        }
    }

    /// A creation the provider rejects as invalid: no subject, no description.
    pub fn invalid_ticket(&self) -> NewTicket {
        NewTicket::new("", "")
    }

    /// The ticket `updateTicket` changes, and the change (a priority only where writes can set
    /// one).
    pub fn update(&self) -> (&str, TicketUpdate) {
        let update = TicketUpdate::new().with_subject("Renamed by conformance");
        let update = if self.profile.ticket_tags {
            update.with_tags(["vip", "updated-by-conformance"])
        } else {
            update
        };
        let update = match self.writable_priority(Priority::High) {
            Some(priority) => update.with_priority(priority),
            None => update,
        };
        (&self.targets.update, update)
    }

    /// The ticket `closeTicket` closes, under [`IdScheme::Numeric`]; [`World::close_target`] is the
    /// id in the world's scheme.
    pub const CLOSE_TARGET: &'static str = "103";

    /// The ticket `assignTicket` assigns, and the agent and group it goes to.
    pub fn assignment(&self) -> (&str, &str, &str) {
        let (ticket, agent, group) = &self.targets.assignment;
        (ticket, agent, group)
    }

    /// The ticket `addComment` comments on, and the public and internal comments.
    pub fn new_comments(&self) -> (&str, NewComment, NewComment) {
        (
            &self.targets.comment,
            NewComment::public("Public reply from conformance"),
            NewComment::internal("Internal note from conformance"),
        )
    }

    /// The ids the provider gives the public and internal comment, under [`IdScheme::Numeric`];
    /// [`World::created_comment_ids`] are the ids in the world's scheme.
    pub const CREATED_COMMENT_IDS: (&'static str, &'static str) = ("650", "651");

    /// The ticket `closeTicket` closes.
    pub fn close_target(&self) -> &str {
        &self.targets.close
    }

    /// The id the provider gives the created ticket.
    pub fn created_ticket_id(&self) -> &str {
        &self.targets.created_ticket
    }

    /// The ids the provider gives the public and the internal comment.
    pub fn created_comment_ids(&self) -> (&str, &str) {
        let (public, internal) = &self.targets.created_comments;
        (public, internal)
    }

    /// A ticket id that exists nowhere, spelled as the provider spells ids.
    pub fn missing_ticket_id(&self) -> &str {
        &self.targets.missing_ticket
    }

    /// An id of `entity` that exists nowhere, spelled as the provider spells ids.
    pub fn missing_id(&self, entity: Entity) -> String {
        self.profile.ids.render(entity, 999_999)
    }

    /// The tag `createTag` creates.
    pub fn new_tag(&self) -> NewTag {
        NewTag::new("conformance-created")
    }

    /// The ticket as it is after applying `update()`.
    pub fn updated_ticket(&self) -> Option<TicketFx> {
        let (id, update) = self.update();
        let mut ticket = self.ticket(id)?.clone();
        if let Some(subject) = update.subject {
            ticket.subject = subject;
        }
        if let Some(priority) = update.priority {
            ticket.priority = Some(priority);
        }
        if let Some(tags) = update.tags {
            ticket.tags = tags;
        }
        ticket.updated_at = at(101);
        Some(ticket)
    }

    /// The ticket as it is after closing.
    pub fn closed_ticket(&self, status: TicketStatus) -> Option<TicketFx> {
        let mut ticket = self.ticket(self.close_target())?.clone();
        ticket.status = status;
        ticket.updated_at = at(102);
        Some(ticket)
    }

    /// The ticket as it is after assigning.
    pub fn assigned_ticket(&self) -> Option<TicketFx> {
        let (id, agent, group) = self.assignment();
        let mut ticket = self.ticket(id)?.clone();
        ticket.assignee = Some(agent.into());
        ticket.group = Some(group.into());
        ticket.updated_at = at(103);
        Some(ticket)
    }

    // ----- canonical forms: what adapters must return -----

    /// An agent as a canonical party (raw left `null`; adapters fill it).
    pub fn agent_party(&self, agent: &AgentFx) -> Party {
        let mut party = Party::new(
            self.id(ObjectKind::Party, &agent.id),
            PartyRole::Employee,
            json!(null),
        );
        party.name = Some(agent.name.clone());
        party.email = Some(agent.email.clone());
        party.agent_role = self.profile.agent_roles.map(|_| agent.role.clone());
        party.groups = agent
            .groups
            .iter()
            .map(|g| self.id(ObjectKind::Group, g))
            .collect();
        party.availability = Some(Mapped::new(
            agent.availability.clone(),
            agent.availability.as_str().to_owned(),
        ));
        party.active = Some(true);
        party
    }

    /// A customer as a canonical party.
    pub fn customer_party(&self, customer: &CustomerFx) -> Party {
        let mut party = Party::new(
            self.id(ObjectKind::Party, &customer.id),
            PartyRole::Customer,
            json!(null),
        );
        party.name = Some(customer.name.clone());
        party.email = Some(customer.email.clone());
        party.organization = customer
            .organization
            .as_ref()
            .map(|o| self.id(ObjectKind::Party, o));
        party.active = Some(true);
        party
    }

    /// A ticket as canonical (native values are the canonical names; raw is `null`).
    pub fn canonical_ticket(&self, fx: &TicketFx) -> Ticket {
        let mut ticket = Ticket::new(
            self.id(ObjectKind::Ticket, &fx.id),
            Mapped::new(fx.status.clone(), fx.status.as_str().to_owned()),
            json!(null),
        );
        ticket.subject = Some(fx.subject.clone());
        ticket.description = Some(Body::text(fx.description.clone()));
        ticket.priority = fx
            .priority
            .clone()
            .map(|p| Mapped::new(p.clone(), p.as_str().to_owned()));
        ticket.channel = self
            .profile
            .records_channel
            .then(|| Mapped::new(fx.channel.clone(), fx.channel.as_str().to_owned()));
        ticket.requester = Some(self.id(ObjectKind::Party, &fx.requester));
        ticket.assignee = fx.assignee.as_ref().map(|a| self.id(ObjectKind::Party, a));
        ticket.group = fx.group.as_ref().map(|g| self.id(ObjectKind::Group, g));
        ticket.tags = fx.tags.clone();
        ticket.created_at = Some(fx.created_at);
        ticket.updated_at = Some(fx.updated_at);
        ticket.category = fx
            .category
            .clone()
            .map(|c| Mapped::new(c.clone(), c.as_str().to_owned()));
        ticket.resolution = fx.resolution.clone();
        ticket.resolved_at = fx.resolved_at;
        ticket.closed_at = fx.closed_at;
        let clocks = self.profile.sla_clocks;
        ticket.sla = fx.sla.as_ref().map(|sla| {
            let mut canonical = TicketSla::default();
            let clock = |report: ClockReport, due, breached| match report {
                ClockReport::Absent => None,
                ClockReport::Due => Some(SlaClock::due(Some(due))),
                ClockReport::DueAndBreach => {
                    Some(SlaClock::due(Some(due)).with_breached(Some(breached)))
                }
            };
            canonical.first_response = clock(
                clocks.first_response,
                sla.first_response_due,
                sla.first_response_breached,
            );
            canonical.resolution = clock(
                clocks.resolution,
                sla.resolution_due,
                sla.resolution_breached,
            );
            canonical.escalated = clocks.escalation.then_some(sla.escalated);
            canonical
        });
        ticket
    }

    /// The world's first attached file and the comment carrying it, when the world has one
    /// ([`Profile::attachments`]).
    pub fn first_attachment(&self) -> Option<(&CommentFx, &AttachmentFx)> {
        self.comments
            .iter()
            .find_map(|comment| Some((comment, comment.attachments.first()?)))
    }

    /// A comment as canonical.
    pub fn canonical_comment(&self, fx: &CommentFx) -> ExternalObjectRef<Comment> {
        ExternalObjectRef::new(
            self.id(ObjectKind::Comment, &fx.id),
            Comment {
                author: Some(self.id(ObjectKind::Party, &fx.author)),
                author_kind: self.profile.author_kinds.then(|| {
                    Mapped::new(fx.author_kind.clone(), fx.author_kind.as_str().to_owned())
                }),
                body: Body::text(fx.body.clone()).with_html(fx.html.clone()),
                visibility: fx.visibility,
                created_at: Some(fx.created_at),
                attachments: fx
                    .attachments
                    .iter()
                    .map(|file| {
                        let mut document = Document::new(
                            self.id(ObjectKind::Document, &file.id),
                            DocumentKind::Attachment,
                            json!(null),
                        );
                        document.title = Some(file.file_name.clone());
                        document.content_type = Some(file.content_type.clone());
                        document.size = Some(file.content.len() as u64);
                        document
                    })
                    .collect(),
            },
            json!(null),
        )
        .with_parent(self.id(ObjectKind::Ticket, &fx.ticket))
    }

    /// An article as a canonical document.
    pub fn canonical_article(&self, fx: &ArticleFx) -> Document {
        let mut doc = Document::new(
            self.id(ObjectKind::Document, &fx.id),
            DocumentKind::KnowledgeArticle,
            json!(null),
        );
        doc.title = Some(fx.title.clone());
        doc.body = Some(Body::text(strip_tags(&fx.body_html)).with_html(fx.body_html.clone()));
        doc.locale = Some(fx.locale.clone());
        let state = if fx.published {
            PublishState::Published
        } else {
            PublishState::Draft
        };
        doc.publish_state = Some(Mapped::new(state.clone(), state.as_str().to_owned()));
        if self.profile.article_details {
            doc.categories = vec![self.id(ObjectKind::Category, &fx.category)];
            doc.author = Some(self.id(ObjectKind::Party, &fx.author));
            doc.created_at = Some(fx.created_at);
        }
        doc.updated_at = Some(fx.created_at);
        doc
    }

    /// The provider's id of the workspace tag `name`: its own id where tags have one
    /// ([`Profile::tag_ids`], the world's tags numbered from 5001 in order), else the name.
    pub fn tag_id(&self, name: &str) -> String {
        match self.tags.iter().position(|(tag, _)| tag == name) {
            Some(index) if self.profile.tag_ids => {
                self.profile.ids.render(Entity::Tag, 5001 + index as u64)
            }
            _ => name.to_owned(),
        }
    }

    /// A tag as canonical.
    pub fn canonical_tag(&self, name: &str, count: Option<u64>) -> ExternalObjectRef<Tag> {
        ExternalObjectRef::new(
            self.id(ObjectKind::Tag, &self.tag_id(name)),
            Tag {
                name: name.into(),
                count,
            },
            json!(null),
        )
    }

    /// An SLA policy as canonical.
    pub fn canonical_sla(&self, fx: &SlaFx) -> ExternalObjectRef<SlaPolicy> {
        ExternalObjectRef::new(
            self.id(ObjectKind::SlaPolicy, &fx.id),
            SlaPolicy {
                name: fx.name.clone(),
                description: Some(fx.description.clone()),
                targets: fx
                    .targets
                    .iter()
                    .map(|t| SlaTarget {
                        metric: Mapped::new(t.metric.clone(), t.metric.as_str().to_owned()),
                        priority: self.profile.sla_targets_by_priority.then(|| {
                            Mapped::new(t.priority.clone(), t.priority.as_str().to_owned())
                        }),
                        target: Duration::from_secs(t.minutes * 60),
                        business_hours: t.business_hours,
                    })
                    .collect(),
            },
            json!(null),
        )
    }

    /// A rating as canonical (`good` = 1.0, `bad` = 0.0).
    pub fn canonical_rating(&self, fx: &RatingFx) -> ExternalObjectRef<SatisfactionRating> {
        let native = if fx.good { "good" } else { "bad" };
        ExternalObjectRef::new(
            self.id(ObjectKind::SatisfactionRating, &fx.id),
            SatisfactionRating {
                ticket: Some(self.id(ObjectKind::Ticket, &fx.ticket)),
                score: Score {
                    native: native.into(),
                    normalized: Some(if fx.good { 1.0 } else { 0.0 }),
                },
                comment: fx.comment.clone(),
                requester: Some(self.id(ObjectKind::Party, &fx.requester)),
                assignee: fx.assignee.as_ref().map(|a| self.id(ObjectKind::Party, a)),
                created_at: Some(fx.created_at),
            },
            json!(null),
        )
        .with_parent(self.id(ObjectKind::Ticket, &fx.ticket))
    }
}

fn comment(
    id: String,
    ticket: String,
    author: String,
    body: &str,
    visibility: Visibility,
    hours: i64,
) -> CommentFx {
    CommentFx {
        id,
        ticket,
        author,
        body: body.into(),
        html: format!("<p>{body}</p>"),
        visibility,
        created_at: at(hours),
        // Set once the world knows who its customers are.
        author_kind: AuthorKind::Agent,
        attachments: Vec::new(),
    }
}

/// Drops HTML tags: the plain text of an HTML body as the world defines it.
pub fn strip_tags(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn world(scheme: IdScheme) -> World {
        World::standard(
            "test",
            Profile {
                ids: scheme,
                ..Profile::default()
            },
        )
    }

    #[test]
    fn numeric_world_keeps_the_published_numbers() {
        let world = world(IdScheme::Numeric);
        assert_eq!(world.tickets[0].id, "101");
        assert_eq!(world.close_target(), World::CLOSE_TARGET);
        assert_eq!(world.created_ticket_id(), World::CREATED_TICKET_ID);
        assert_eq!(world.created_comment_ids(), World::CREATED_COMMENT_IDS);
        assert_eq!(world.missing_ticket_id(), MISSING_TICKET_ID);
        assert_eq!(world.update().0, "102");
        assert_eq!(world.assignment(), ("104", "303", "202"));
        assert_eq!(world.new_comments().0, "105");
    }

    #[test]
    fn every_scheme_gives_a_consistent_world() {
        for scheme in IdScheme::ALL {
            let w = world(scheme);
            let groups: HashSet<&str> = w.groups.iter().map(|g| g.id.as_str()).collect();
            let agents: HashSet<&str> = w.agents.iter().map(|a| a.id.as_str()).collect();
            let customers: HashSet<&str> = w.customers.iter().map(|c| c.id.as_str()).collect();
            let tickets: HashSet<&str> = w.tickets.iter().map(|t| t.id.as_str()).collect();
            let categories: HashSet<&str> = w.categories.iter().map(|c| c.id.as_str()).collect();

            let mut all: Vec<&str> = Vec::new();
            all.extend(&groups);
            all.extend(&agents);
            all.extend(&customers);
            all.push(&w.organization.0);
            all.extend(&tickets);
            all.extend(w.comments.iter().map(|c| c.id.as_str()));
            all.extend(&categories);
            all.extend(w.articles.iter().map(|a| a.id.as_str()));
            all.extend(w.sla_policies.iter().map(|s| s.id.as_str()));
            all.extend(w.ratings.iter().map(|r| r.id.as_str()));
            let distinct: HashSet<&str> = all.iter().copied().collect();
            assert_eq!(distinct.len(), all.len(), "{scheme:?}: ids repeat");
            for id in &all {
                assert!(
                    scheme.matches(id),
                    "{scheme:?}: {id:?} is not in the scheme"
                );
            }

            for agent in &w.agents {
                assert!(agent.groups.iter().all(|g| groups.contains(g.as_str())));
            }
            for customer in &w.customers {
                if let Some(org) = &customer.organization {
                    assert_eq!(org, &w.organization.0, "{scheme:?}");
                }
            }
            for t in &w.tickets {
                assert!(customers.contains(t.requester.as_str()), "{scheme:?}");
                assert!(t.assignee.iter().all(|a| agents.contains(a.as_str())));
                assert!(t.group.iter().all(|g| groups.contains(g.as_str())));
            }
            for c in &w.comments {
                assert!(tickets.contains(c.ticket.as_str()), "{scheme:?}");
                let author = c.author.as_str();
                assert!(agents.contains(author) || customers.contains(author));
            }
            for a in &w.articles {
                assert!(categories.contains(a.category.as_str()), "{scheme:?}");
                assert!(agents.contains(a.author.as_str()), "{scheme:?}");
            }
            for r in &w.ratings {
                assert!(tickets.contains(r.ticket.as_str()), "{scheme:?}");
                assert!(customers.contains(r.requester.as_str()), "{scheme:?}");
                assert!(r.assignee.iter().all(|a| agents.contains(a.as_str())));
            }

            let (ticket, agent, group) = w.assignment();
            for target in [w.update().0, w.close_target(), ticket, w.new_comments().0] {
                assert!(
                    tickets.contains(target),
                    "{scheme:?}: {target} is no ticket"
                );
            }
            assert!(
                agents.contains(agent) && groups.contains(group),
                "{scheme:?}"
            );
            assert!(w.updated_ticket().is_some());
            assert!(w.assigned_ticket().is_some());
            assert!(w.closed_ticket(TicketStatus::Closed).is_some());
            assert!(customers.contains(w.created_ticket().requester.as_str()));

            let (public, internal) = w.created_comment_ids();
            let fresh = [
                w.missing_ticket_id(),
                w.created_ticket_id(),
                public,
                internal,
            ];
            for id in fresh {
                assert!(
                    scheme.matches(id),
                    "{scheme:?}: {id:?} is not in the scheme"
                );
                assert!(!distinct.contains(id), "{scheme:?}: {id:?} already exists");
            }
            for entity in Entity::ALL {
                let missing = w.missing_id(entity);
                assert!(scheme.matches(&missing), "{scheme:?}: {missing:?}");
                assert!(!distinct.contains(missing.as_str()), "{scheme:?}");
            }
        }
    }

    #[test]
    fn tags_are_named_by_name_unless_they_have_ids() {
        let by_name = world(IdScheme::Numeric);
        assert_eq!(by_name.tag_id("vip"), "vip");
        for scheme in IdScheme::ALL {
            let w = World::standard(
                "test",
                Profile {
                    ids: scheme,
                    tag_ids: true,
                    ..Profile::default()
                },
            );
            let ids: HashSet<String> = w.tags.iter().map(|(name, _)| w.tag_id(name)).collect();
            assert_eq!(ids.len(), w.tags.len(), "{scheme:?}");
            for id in &ids {
                assert!(scheme.matches(id), "{scheme:?}: {id}");
                assert!(w.tickets.iter().all(|t| &t.id != id), "{scheme:?}: {id}");
            }
            assert_eq!(w.tag_id("not-a-world-tag"), "not-a-world-tag");
        }
    }

    #[test]
    fn sla_policies_can_be_one_target_without_a_priority() {
        let standard = world(IdScheme::Numeric);
        assert_eq!(standard.sla_policies[0].targets.len(), 8);
        let w = World::standard(
            "test",
            Profile {
                sla_targets_by_priority: false,
                ..Profile::default()
            },
        );
        let policy = w.canonical_sla(&w.sla_policies[0]);
        assert_eq!(policy.data.targets.len(), 1);
        assert_eq!(policy.data.targets[0].priority, None);
        assert_eq!(policy.data.targets[0].target, Duration::from_secs(3600));
    }

    #[test]
    fn string_schemes_look_like_their_providers() {
        let sf = IdScheme::Salesforce18.render(Entity::Ticket, 101);
        assert_eq!(sf.len(), 18);
        assert!(sf.starts_with("500"), "{sf}");
        assert!(!IdScheme::Salesforce18.matches(&sf.to_ascii_lowercase()));
        let hex = IdScheme::Hex32.render(Entity::Ticket, 101);
        assert_eq!(hex.len(), 32);
        let zoho = IdScheme::NumericString.render(Entity::Ticket, 101);
        let value: u64 = zoho.parse().unwrap_or_default();
        assert!(value > 1 << 53, "{zoho} fits a double exactly");
        assert_ne!(value as f64 as u64, value, "{zoho} survives a double");
        assert!(!IdScheme::Hex32.matches("101"));
        assert!(!IdScheme::Numeric.matches("abc"));
    }

    #[test]
    fn zammad_shaped_knobs_change_only_what_they_name() {
        let standard = world(IdScheme::Numeric);
        let w = World::standard(
            "test",
            Profile {
                ticket_scoped_attachment_ids: true,
                sla_business_hours: true,
                sla_targets_by_priority: false,
                tickets_need_group: true,
                ..Profile::default()
            },
        );
        let (comment, file) = w.first_attachment().expect("the world has a file");
        assert_eq!(file.id, format!("{}-{}-701", comment.ticket, comment.id));
        assert!(w.sla_policies[0].targets[0].business_hours);
        assert!(w.tickets.iter().all(|t| t.group.is_some()));
        assert!(standard.tickets.iter().any(|t| t.group.is_none()));
        let first = w.groups[0].id.clone();
        assert_eq!(w.created_ticket().group, Some(first.clone()));
        assert_eq!(w.new_ticket().group, Some(w.id(ObjectKind::Group, &first)));
        assert_eq!(standard.new_ticket().group, None);
        let unchanged = |w: &World| {
            w.tickets
                .iter()
                .map(|t| (t.id.clone(), t.assignee.clone(), t.status.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(unchanged(&w), unchanged(&standard));
    }
}
