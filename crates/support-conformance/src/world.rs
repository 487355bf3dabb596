//! The standard fixture world every simulator serves and every scenario checks against.
//!
//! Ids are numeric strings so that providers with integer ids can serve them verbatim. Times are fixed,
//! so the world is the same on every run.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;
use support_core::{
    Availability, Body, CanonicalId, Channel, Comment, Document, DocumentKind, ExternalObjectRef,
    Mapped, NewComment, NewTag, NewTicket, ObjectKind, Party, PartyRole, Priority, PublishState,
    Requester, SatisfactionRating, Score, SlaMetric, SlaPolicy, SlaTarget, Tag, Ticket,
    TicketStatus, TicketUpdate, Visibility,
};

/// What a provider can represent, so the world only holds what its simulator can serve.
#[derive(Clone, Debug)]
pub struct Profile {
    /// Canonical statuses the provider has a native value for; tickets cycle through them.
    pub statuses: Vec<TicketStatus>,
    /// Channels the provider records; tickets cycle through them.
    pub channels: Vec<Channel>,
    /// Whether a ticket may have no priority (some providers always set one).
    pub priority_optional: bool,
    /// Whether agents carry an availability.
    pub reports_availability: bool,
    /// Whether the provider honours idempotency keys on ticket creation.
    pub honours_idempotency_keys: bool,
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
            priority_optional: true,
            reports_availability: true,
            honours_idempotency_keys: true,
        }
    }
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
}

/// The native status value of the world's odd ticket, unknown to every provider.
pub const UNKNOWN_STATUS: &str = "escalated";
/// A ticket id that exists nowhere.
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
        let groups = vec![
            GroupFx {
                id: "201".into(),
                name: "Tier 1".into(),
            },
            GroupFx {
                id: "202".into(),
                name: "Billing".into(),
            },
        ];
        let agents = vec![
            AgentFx {
                id: "301".into(),
                name: "Ada Admin".into(),
                email: "ada@example.com".into(),
                role: "admin".into(),
                groups: vec!["201".into(), "202".into()],
                availability: Availability::Available,
            },
            AgentFx {
                id: "302".into(),
                name: "Ben Agent".into(),
                email: "ben@example.com".into(),
                role: "agent".into(),
                groups: vec!["201".into()],
                availability: Availability::Away,
            },
            AgentFx {
                id: "303".into(),
                name: "Cleo Agent".into(),
                email: "cleo@example.com".into(),
                role: "agent".into(),
                groups: vec!["202".into()],
                availability: Availability::Offline,
            },
        ];
        let customers = vec![
            CustomerFx {
                id: "401".into(),
                name: "Dana Customer".into(),
                email: "dana@customer.example".into(),
                organization: Some("501".into()),
            },
            CustomerFx {
                id: "402".into(),
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
                id: (101 + i).to_string(),
                subject: format!("Conformance ticket {}", 101 + i),
                description: format!("Description of ticket {}", 101 + i),
                status: statuses[i % statuses.len()].clone(),
                priority: (i % 5 != 4 || !profile.priority_optional)
                    .then(|| priorities[i % 4].clone()),
                channel: channels[i % channels.len()].clone(),
                requester: customers[i % 2].id.clone(),
                assignee: (i % 3 != 2).then(|| agents[i % 3].id.clone()),
                group: (i % 3 != 2).then(|| groups[i % 2].id.clone()),
                tags: tag_sets[i % 3].iter().map(|t| t.to_string()).collect(),
                created_at: at(i as i64),
                updated_at: at(24 + i as i64),
            })
            .collect();
        tickets.push(TicketFx {
            id: "113".into(),
            subject: "Ticket in a status nobody knows".into(),
            description: "Its native status has no canonical equivalent".into(),
            status: TicketStatus::Other(UNKNOWN_STATUS.into()),
            priority: Some(Priority::Normal),
            channel: Channel::Email,
            requester: "402".into(),
            assignee: None,
            group: None,
            tags: vec![],
            created_at: at(12),
            updated_at: at(36),
        });
        let comments = vec![
            comment(
                "601",
                "101",
                "401",
                "My invoice is wrong",
                Visibility::Public,
                1,
            ),
            comment(
                "602",
                "101",
                "301",
                "We are looking into it",
                Visibility::Public,
                2,
            ),
            comment(
                "603",
                "101",
                "301",
                "Checked the ledger: refund due",
                Visibility::Internal,
                3,
            ),
            comment("604", "101", "401", "Thanks!", Visibility::Public, 4),
            comment(
                "605",
                "102",
                "402",
                "Where is my order?",
                Visibility::Public,
                5,
            ),
        ];
        let tags = vec![
            ("billing".into(), 8),
            ("hardware".into(), 4),
            ("vip".into(), 4),
        ];
        let categories = vec![
            CategoryFx {
                id: "701".into(),
                name: "Getting started".into(),
            },
            CategoryFx {
                id: "702".into(),
                name: "Billing".into(),
            },
        ];
        let article =
            |id: &str, title: &str, body: &str, category: &str, published: bool, hours| ArticleFx {
                id: id.into(),
                title: title.into(),
                body_html: format!("<p>{body}</p>"),
                category: category.into(),
                locale: "en-us".into(),
                published,
                author: "301".into(),
                created_at: at(hours),
            };
        let articles = vec![
            article(
                "801",
                "Resetting your password",
                "Open settings and choose reset.",
                "701",
                true,
                1,
            ),
            article(
                "802",
                "Installing the printer driver",
                "Download the driver first.",
                "701",
                true,
                2,
            ),
            article(
                "803",
                "Understanding your invoice",
                "Each invoice lists every charge.",
                "702",
                true,
                3,
            ),
            article(
                "804",
                "Requesting a refund",
                "Refunds reach your account in five days.",
                "702",
                true,
                4,
            ),
            article(
                "805",
                "Draft: new billing portal",
                "The portal is coming soon.",
                "702",
                false,
                5,
            ),
        ];
        let sla_policies = vec![SlaFx {
            id: "901".into(),
            name: "Standard support".into(),
            description: "Targets for every ticket".into(),
            targets: priorities
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
                .collect(),
        }];
        let ratings = (0..5)
            .map(|i| RatingFx {
                id: (1001 + i).to_string(),
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
            organization: ("501".into(), "Customer Org".into()),
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

    /// The ticket `createTicket` creates.
    pub fn new_ticket(&self) -> NewTicket {
        NewTicket::new("Printer on fire", "The office printer is on fire.")
            .with_priority(Priority::Urgent)
            .with_tag("hardware")
            .with_requester(Requester::Email {
                email: "dana@customer.example".into(),
                name: Some("Dana Customer".into()),
            })
    }

    /// The id the provider gives the created ticket.
    pub const CREATED_TICKET_ID: &'static str = "150";

    /// The ticket `createTicket` returns.
    pub fn created_ticket(&self) -> TicketFx {
        TicketFx {
            id: Self::CREATED_TICKET_ID.into(),
            subject: "Printer on fire".into(),
            description: "The office printer is on fire.".into(),
            status: TicketStatus::New,
            priority: Some(Priority::Urgent),
            channel: Channel::Api,
            requester: "401".into(),
            assignee: None,
            group: None,
            tags: vec!["hardware".into()],
            created_at: at(100),
            updated_at: at(100),
        }
    }

    /// A creation the provider rejects as invalid: no subject, no description.
    pub fn invalid_ticket(&self) -> NewTicket {
        NewTicket::new("", "")
    }

    /// The ticket `updateTicket` changes, and the change.
    pub fn update(&self) -> (&'static str, TicketUpdate) {
        (
            "102",
            TicketUpdate::new()
                .with_subject("Renamed by conformance")
                .with_priority(Priority::High)
                .with_tags(["vip", "updated-by-conformance"]),
        )
    }

    /// The ticket `closeTicket` closes.
    pub const CLOSE_TARGET: &'static str = "103";

    /// The ticket `assignTicket` assigns, and the agent and group it goes to.
    pub fn assignment(&self) -> (&'static str, &'static str, &'static str) {
        ("104", "303", "202")
    }

    /// The ticket `addComment` comments on, and the public and internal comments.
    pub fn new_comments(&self) -> (&'static str, NewComment, NewComment) {
        (
            "105",
            NewComment::public("Public reply from conformance"),
            NewComment::internal("Internal note from conformance"),
        )
    }

    /// The ids the provider gives the public and internal comment.
    pub const CREATED_COMMENT_IDS: (&'static str, &'static str) = ("650", "651");

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
        let mut ticket = self.ticket(Self::CLOSE_TARGET)?.clone();
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
        party.agent_role = Some(agent.role.clone());
        party.groups = agent
            .groups
            .iter()
            .map(|g| self.id(ObjectKind::Group, g))
            .collect();
        party.availability = Some(Mapped::new(
            agent.availability.clone(),
            agent.availability.as_str(),
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
            Mapped::new(fx.status.clone(), fx.status.as_str()),
            json!(null),
        );
        ticket.subject = Some(fx.subject.clone());
        ticket.description = Some(Body::text(fx.description.clone()));
        ticket.priority = fx
            .priority
            .clone()
            .map(|p| Mapped::new(p.clone(), p.as_str()));
        ticket.channel = Some(Mapped::new(fx.channel.clone(), fx.channel.as_str()));
        ticket.requester = Some(self.id(ObjectKind::Party, &fx.requester));
        ticket.assignee = fx.assignee.as_ref().map(|a| self.id(ObjectKind::Party, a));
        ticket.group = fx.group.as_ref().map(|g| self.id(ObjectKind::Group, g));
        ticket.tags = fx.tags.clone();
        ticket.created_at = Some(fx.created_at);
        ticket.updated_at = Some(fx.updated_at);
        ticket
    }

    /// A comment as canonical.
    pub fn canonical_comment(&self, fx: &CommentFx) -> ExternalObjectRef<Comment> {
        ExternalObjectRef::new(
            self.id(ObjectKind::Comment, &fx.id),
            Comment {
                author: Some(self.id(ObjectKind::Party, &fx.author)),
                body: Body::text(fx.body.clone()).with_html(fx.html.clone()),
                visibility: fx.visibility,
                created_at: Some(fx.created_at),
                attachments: Vec::new(),
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
        doc.publish_state = Some(Mapped::new(state.clone(), state.as_str()));
        doc.categories = vec![self.id(ObjectKind::Category, &fx.category)];
        doc.author = Some(self.id(ObjectKind::Party, &fx.author));
        doc.created_at = Some(fx.created_at);
        doc.updated_at = Some(fx.created_at);
        doc
    }

    /// A tag as canonical.
    pub fn canonical_tag(&self, name: &str, count: Option<u64>) -> ExternalObjectRef<Tag> {
        ExternalObjectRef::new(
            self.id(ObjectKind::Tag, name),
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
                        metric: Mapped::new(t.metric.clone(), t.metric.as_str()),
                        priority: Some(Mapped::new(t.priority.clone(), t.priority.as_str())),
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
    id: &str,
    ticket: &str,
    author: &str,
    body: &str,
    visibility: Visibility,
    hours: i64,
) -> CommentFx {
    CommentFx {
        id: id.into(),
        ticket: ticket.into(),
        author: author.into(),
        body: body.into(),
        html: format!("<p>{body}</p>"),
        visibility,
        created_at: at(hours),
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
