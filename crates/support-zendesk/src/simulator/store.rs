//! The simulator's account: the world loaded into Zendesk's own records, and their wire JSON.
//!
//! Field names follow the vendor OpenAPI schemas (`TicketObject`, `UserObject`,
//! `TicketCommentObject`, `GroupObject`, `GroupMembershipObject`, `TagListTagObject`,
//! `ArticleObject`, `SectionObject`, `SLAPolicyObject`, `SatisfactionRatingObject`).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use support_conformance::World;
use support_conformance::sim::pager::CursorBook;
use support_conformance::sim::{Account, WriteClock};
pub use support_conformance::sim::{RecordedRequest, lock};
pub use support_conformance::sim::{escape_html, iso_seconds as time, setup_time};
use support_conformance::world::strip_tags;
use support_core::{Channel, Priority, SlaMetric, TicketStatus, Visibility};

/// The simulator state shared by every mock of one server.
pub type Shared = support_conformance::sim::Shared<SimState>;

/// The authenticated agent (the API token's owner) and default comment author.
pub const ME: u64 = 301;

/// A world id (numeric by the world's contract) as a Zendesk integer id.
pub fn num(id: &str) -> u64 {
    id.parse()
        .unwrap_or_else(|_| panic!("world ids are numeric for Zendesk, got {id:?}"))
}

/// The native value of a canonical status.
pub fn status_wire(status: &TicketStatus) -> String {
    match status {
        TicketStatus::New => "new".into(),
        TicketStatus::Open | TicketStatus::InProgress => "open".into(),
        TicketStatus::Pending => "pending".into(),
        TicketStatus::OnHold => "hold".into(),
        TicketStatus::Resolved => "solved".into(),
        TicketStatus::Closed => "closed".into(),
        TicketStatus::Other(raw) => raw.clone(),
    }
}

/// The native value of a canonical priority.
pub fn priority_wire(priority: &Priority) -> String {
    match priority {
        Priority::Other(raw) => raw.clone(),
        known => known.as_str().to_owned(),
    }
}

/// The `via.channel` of a canonical channel (Zendesk calls phone `voice`; social is one network).
pub fn channel_wire(channel: &Channel) -> String {
    match channel {
        Channel::Email => "email".into(),
        Channel::Web => "web".into(),
        Channel::Chat => "chat".into(),
        Channel::Phone => "voice".into(),
        Channel::Api => "api".into(),
        Channel::Social => "twitter".into(),
        Channel::Other(raw) => raw.clone(),
    }
}

/// The `policy_metrics[].metric` name of a canonical SLA metric.
pub fn metric_wire(metric: &SlaMetric) -> String {
    match metric {
        SlaMetric::FirstResponse => "first_reply_time".into(),
        SlaMetric::NextResponse => "next_reply_time".into(),
        SlaMetric::Resolution => "full_resolution_time".into(),
        SlaMetric::PeriodicUpdate => "periodic_update_time".into(),
        SlaMetric::AgentWorkTime => "agent_work_time".into(),
        SlaMetric::RequesterWaitTime => "requester_wait_time".into(),
        SlaMetric::Other(raw) => raw.clone(),
    }
}

/// Zendesk wraps every comment's HTML in its comment container.
pub fn comment_html(inner: &str) -> String {
    format!(r#"<div class="zd-comment" dir="auto">{inner}</div>"#)
}

fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

/// A ticket.
#[derive(Clone, Debug, PartialEq)]
pub struct TicketRec {
    pub id: u64,
    pub external_id: Option<String>,
    pub kind: Option<String>,
    pub subject: String,
    pub description: String,
    pub priority: Option<String>,
    pub status: String,
    pub requester_id: u64,
    pub submitter_id: u64,
    pub assignee_id: Option<u64>,
    pub group_id: Option<u64>,
    pub organization_id: Option<u64>,
    pub tags: Vec<String>,
    pub custom_fields: Vec<Value>,
    pub channel: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The first-reply SLA target running on the ticket: when it is breached.
    pub first_reply_breach_at: Option<DateTime<Utc>>,
}

/// A ticket comment.
#[derive(Clone, Debug, PartialEq)]
pub struct CommentRec {
    pub id: u64,
    pub ticket_id: u64,
    pub author_id: u64,
    /// Plain text.
    pub body: String,
    pub html_body: String,
    pub public: bool,
    pub audit_id: u64,
    pub channel: String,
    pub created_at: DateTime<Utc>,
    pub attachments: Vec<AttachmentRec>,
}

/// A file attached to a comment, or uploaded and waiting for one.
#[derive(Clone, Debug, PartialEq)]
pub struct AttachmentRec {
    pub id: u64,
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// A user: admin, agent or end-user.
#[derive(Clone, Debug, PartialEq)]
pub struct UserRec {
    pub id: u64,
    pub name: String,
    pub email: String,
    pub role: String,
    pub organization_id: Option<u64>,
    pub default_group_id: Option<u64>,
    pub created_at: DateTime<Utc>,
}

impl UserRec {
    pub fn is_agent(&self) -> bool {
        self.role == "admin" || self.role == "agent"
    }
}

/// A group.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupRec {
    pub id: u64,
    pub name: String,
    pub default: bool,
}

/// An agent's membership of a group.
#[derive(Clone, Debug, PartialEq)]
pub struct MembershipRec {
    pub id: u64,
    pub user_id: u64,
    pub group_id: u64,
    pub default: bool,
}

/// A Help Center section: one per world category, id `category * 10 + 1`.
#[derive(Clone, Debug, PartialEq)]
pub struct SectionRec {
    pub id: u64,
    pub category_id: u64,
    pub name: String,
}

/// A Help Center article.
#[derive(Clone, Debug, PartialEq)]
pub struct ArticleRec {
    pub id: u64,
    pub title: String,
    /// HTML, as the world has it.
    pub body: String,
    pub locale: String,
    pub author_id: u64,
    pub section_id: u64,
    pub draft: bool,
    pub created_at: DateTime<Utc>,
}

/// An SLA policy.
#[derive(Clone, Debug, PartialEq)]
pub struct SlaRec {
    pub id: u64,
    pub title: String,
    pub description: String,
    pub position: u64,
    /// `(priority, metric, target minutes, business hours)`.
    pub metrics: Vec<(String, String, u64, bool)>,
}

/// A satisfaction rating.
#[derive(Clone, Debug, PartialEq)]
pub struct RatingRec {
    pub id: u64,
    pub ticket_id: u64,
    pub requester_id: u64,
    pub assignee_id: Option<u64>,
    pub group_id: Option<u64>,
    pub score: String,
    pub comment: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A ticket created with an `Idempotency-Key`: the request body and the answer first given.
#[derive(Clone, Debug, PartialEq)]
pub struct IdempotentCreate {
    pub request: Value,
    pub status: u16,
    pub response: Value,
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
    /// The server's base URL, for the `url` fields and pagination links.
    pub base_url: String,
    /// The world the account was loaded from.
    pub world: World,
    /// Tickets by id.
    pub tickets: BTreeMap<u64, TicketRec>,
    /// Every ticket's comments, in creation order.
    pub comments: Vec<CommentRec>,
    /// Agents and end users by id.
    pub users: BTreeMap<u64, UserRec>,
    /// Agent groups.
    pub groups: Vec<GroupRec>,
    /// Which agents belong to which groups.
    pub memberships: Vec<MembershipRec>,
    /// Tag usage counts.
    pub tag_counts: BTreeMap<String, u64>,
    /// Help Center sections.
    pub sections: Vec<SectionRec>,
    /// Help Center articles.
    pub articles: Vec<ArticleRec>,
    /// SLA policies.
    pub slas: Vec<SlaRec>,
    /// Satisfaction ratings.
    pub ratings: Vec<RatingRec>,
    /// The id the next created ticket takes.
    pub next_ticket_id: u64,
    /// Comments added by updates: 650, 651, ... (`World::CREATED_COMMENT_IDS`).
    pub next_comment_id: u64,
    /// The opening comments of created tickets, numbered apart so that updates' comments keep
    /// the ids the world expects.
    pub next_opening_comment_id: u64,
    /// The id the next created user (a new requester) takes.
    pub next_user_id: u64,
    /// The id the next audit takes.
    pub next_audit_id: u64,
    /// Audit events other than comments.
    pub next_event_id: u64,
    /// Writes so far: the n-th update happens at `created_ticket().created_at + n hours`.
    /// When writes happen.
    pub clock: WriteClock,
    /// Cursors handed out (anything else is rejected).
    pub cursors: CursorBook,
    /// Creates by idempotency key, to answer a repeated key with the same ticket.
    pub idempotency: HashMap<String, IdempotentCreate>,
    /// Files uploaded under each upload token, until a comment names the token.
    pub uploads: HashMap<String, Vec<AttachmentRec>>,
    /// The number of the next upload token.
    pub next_upload: u64,
    /// The id the next uploaded file takes.
    pub next_attachment_id: u64,
    /// Every request received, in order.
    pub log: Vec<RecordedRequest>,
}

impl SimState {
    /// The world loaded as a Zendesk account reachable at `base_url`.
    pub fn new(world: World, base_url: impl Into<String>) -> Self {
        let base_url = base_url.into().trim_end_matches('/').to_owned();
        let setup = setup_time();
        let mut users = BTreeMap::new();
        let mut memberships = Vec::new();
        let mut membership_id = 1101;
        for agent in &world.agents {
            let id = num(&agent.id);
            users.insert(
                id,
                UserRec {
                    id,
                    name: agent.name.clone(),
                    email: agent.email.clone(),
                    role: agent.role.clone(),
                    organization_id: None,
                    default_group_id: agent.groups.first().map(|g| num(g)),
                    created_at: setup,
                },
            );
            for (i, group) in agent.groups.iter().enumerate() {
                memberships.push(MembershipRec {
                    id: membership_id,
                    user_id: id,
                    group_id: num(group),
                    default: i == 0,
                });
                membership_id += 1;
            }
        }
        for customer in &world.customers {
            let id = num(&customer.id);
            users.insert(
                id,
                UserRec {
                    id,
                    name: customer.name.clone(),
                    email: customer.email.clone(),
                    role: "end-user".into(),
                    organization_id: customer.organization.as_deref().map(num),
                    default_group_id: None,
                    created_at: setup,
                },
            );
        }
        let groups = world
            .groups
            .iter()
            .enumerate()
            .map(|(i, g)| GroupRec {
                id: num(&g.id),
                name: g.name.clone(),
                default: i == 0,
            })
            .collect();
        let tickets: BTreeMap<u64, TicketRec> = world
            .tickets
            .iter()
            .map(|t| {
                let requester = num(&t.requester);
                let rec = TicketRec {
                    id: num(&t.id),
                    external_id: None,
                    kind: t.category.as_ref().map(|c| c.as_str().to_owned()),
                    subject: t.subject.clone(),
                    description: t.description.clone(),
                    priority: t.priority.as_ref().map(priority_wire),
                    status: status_wire(&t.status),
                    requester_id: requester,
                    submitter_id: requester,
                    assignee_id: t.assignee.as_deref().map(num),
                    group_id: t.group.as_deref().map(num),
                    organization_id: users.get(&requester).and_then(|u| u.organization_id),
                    tags: t.tags.clone(),
                    custom_fields: Vec::new(),
                    channel: channel_wire(&t.channel),
                    created_at: t.created_at,
                    updated_at: t.updated_at,
                    first_reply_breach_at: t.sla.as_ref().map(|s| s.first_response_due),
                };
                (rec.id, rec)
            })
            .collect();
        let mut audit_id = 5001;
        let comments = world
            .comments
            .iter()
            .map(|c| {
                let ticket_id = num(&c.ticket);
                let author_id = num(&c.author);
                let requester = tickets.get(&ticket_id).map(|t| t.requester_id);
                let channel = if Some(author_id) == requester {
                    tickets
                        .get(&ticket_id)
                        .map(|t| t.channel.clone())
                        .unwrap_or_else(|| "web".into())
                } else {
                    "web".into()
                };
                audit_id += 1;
                CommentRec {
                    id: num(&c.id),
                    ticket_id,
                    author_id,
                    body: c.body.clone(),
                    html_body: comment_html(&c.html),
                    public: c.visibility == Visibility::Public,
                    audit_id,
                    channel,
                    created_at: c.created_at,
                    attachments: c
                        .attachments
                        .iter()
                        .map(|a| AttachmentRec {
                            id: num(&a.id),
                            file_name: a.file_name.clone(),
                            content_type: a.content_type.clone(),
                            content: a.content.clone(),
                        })
                        .collect(),
                }
            })
            .collect();
        let sections = world
            .categories
            .iter()
            .map(|c| SectionRec {
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
                body: a.body_html.clone(),
                locale: a.locale.clone(),
                author_id: num(&a.author),
                section_id: num(&a.category) * 10 + 1,
                draft: !a.published,
                created_at: a.created_at,
            })
            .collect();
        let slas = world
            .sla_policies
            .iter()
            .enumerate()
            .map(|(i, p)| SlaRec {
                id: num(&p.id),
                title: p.name.clone(),
                description: p.description.clone(),
                position: i as u64 + 1,
                metrics: p
                    .targets
                    .iter()
                    .map(|t| {
                        (
                            priority_wire(&t.priority),
                            metric_wire(&t.metric),
                            t.minutes,
                            t.business_hours,
                        )
                    })
                    .collect(),
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
                    requester_id: num(&r.requester),
                    assignee_id: r.assignee.as_deref().map(num),
                    group_id: tickets.get(&ticket_id).and_then(|t| t.group_id),
                    score: if r.good { "good" } else { "bad" }.into(),
                    comment: r.comment.clone(),
                    created_at: r.created_at,
                }
            })
            .collect();
        let tag_counts = world.tags.iter().cloned().collect();
        Self {
            base_url,
            tickets,
            comments,
            users,
            groups,
            memberships,
            tag_counts,
            sections,
            articles,
            slas,
            ratings,
            next_ticket_id: num(world.created_ticket_id()),
            next_comment_id: num(world.created_comment_ids().0),
            next_opening_comment_id: 10_001,
            next_user_id: 450,
            next_audit_id: 7001,
            next_event_id: 8001,
            clock: WriteClock::new(&world),
            cursors: CursorBook::new(),
            idempotency: HashMap::new(),
            uploads: HashMap::new(),
            next_upload: 1,
            next_attachment_id: 9001,
            log: Vec::new(),
            world,
        }
    }

    /// The absolute URL of `path` on the simulator.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The user with this e-mail address, compared without case.
    pub fn user_by_email(&self, email: &str) -> Option<&UserRec> {
        self.users
            .values()
            .find(|u| u.email.eq_ignore_ascii_case(email))
    }

    /// The groups a user belongs to.
    pub fn groups_of(&self, user_id: u64) -> Vec<u64> {
        self.memberships
            .iter()
            .filter(|m| m.user_id == user_id)
            .map(|m| m.group_id)
            .collect()
    }

    /// The satisfaction rating of a ticket, if any.
    pub fn rating_of_ticket(&self, ticket_id: u64) -> Option<&RatingRec> {
        self.ratings.iter().find(|r| r.ticket_id == ticket_id)
    }

    /// Updates the tag usage counts for tags added to and removed from one ticket.
    pub fn count_tags(&mut self, added: &[String], removed: &[String]) {
        for tag in removed {
            if let Some(count) = self.tag_counts.get_mut(tag) {
                *count = count.saturating_sub(1);
                if *count == 0 {
                    self.tag_counts.remove(tag);
                }
            }
        }
        for tag in added {
            *self.tag_counts.entry(tag.clone()).or_insert(0) += 1;
        }
    }

    // ----- wire JSON -----

    fn via(channel: &str) -> Value {
        json!({"channel": channel, "source": {"from": {}, "to": {}, "rel": null}})
    }

    /// A ticket as `TicketObject`.
    pub fn ticket_json(&self, t: &TicketRec) -> Value {
        let satisfaction = self
            .rating_of_ticket(t.id)
            .map(|r| json!({"id": r.id, "score": r.score, "comment": r.comment}));
        json!({
            "url": self.url(&format!("/api/v2/tickets/{}.json", t.id)),
            "id": t.id,
            "external_id": t.external_id,
            "via": Self::via(&t.channel),
            "created_at": time(&t.created_at),
            "updated_at": time(&t.updated_at),
            "generated_timestamp": t.updated_at.timestamp(),
            "type": t.kind,
            "subject": t.subject,
            "raw_subject": t.subject,
            "description": t.description,
            "priority": t.priority,
            "status": t.status,
            "recipient": null,
            "requester_id": t.requester_id,
            "submitter_id": t.submitter_id,
            "assignee_id": t.assignee_id,
            "organization_id": t.organization_id,
            "group_id": t.group_id,
            "collaborator_ids": [],
            "follower_ids": [],
            "email_cc_ids": [],
            "forum_topic_id": null,
            "problem_id": null,
            "has_incidents": false,
            "is_public": true,
            "due_at": null,
            "tags": t.tags,
            "custom_fields": t.custom_fields,
            "fields": t.custom_fields,
            "satisfaction_rating": satisfaction,
            "sharing_agreement_ids": [],
            "custom_status_id": null,
            "followup_ids": [],
            "ticket_form_id": null,
            "brand_id": 1,
            "from_messaging_channel": false,
        })
    }

    /// The `slas` sideload of a ticket (`include=slas`), placed in the ticket object: the policy
    /// metrics running on it. The simulator's tickets run a first-reply target only, `active`
    /// until replied (Zendesk keeps a missed target `active`; its `breach_at` is then past).
    pub fn slas_json(&self, t: &TicketRec) -> Value {
        let metrics: Vec<Value> = t
            .first_reply_breach_at
            .iter()
            .map(|at| {
                json!({
                    "breach_at": time(at),
                    "stage": "active",
                    "metric": "first_reply_time",
                    "hours": 1,
                })
            })
            .collect();
        json!({"policy_metrics": metrics})
    }

    /// A ticket as `TicketObject`, with the sideloads named by `include` that go inside it.
    pub fn ticket_json_including(&self, t: &TicketRec, include: &[&str]) -> Value {
        let mut json = self.ticket_json(t);
        if include.contains(&"slas")
            && let Value::Object(map) = &mut json
        {
            map.insert("slas".into(), self.slas_json(t));
        }
        json
    }

    /// A user as `UserObject`.
    pub fn user_json(&self, u: &UserRec) -> Value {
        let agent = u.is_agent();
        json!({
            "id": u.id,
            "url": self.url(&format!("/api/v2/users/{}.json", u.id)),
            "name": u.name,
            "email": u.email,
            "created_at": time(&u.created_at),
            "updated_at": time(&u.created_at),
            "time_zone": "UTC",
            "iana_time_zone": "Etc/UTC",
            "phone": null,
            "shared_phone_number": null,
            "photo": null,
            "locale_id": 1,
            "locale": "en-US",
            "organization_id": u.organization_id,
            "role": u.role,
            "verified": true,
            "external_id": null,
            "tags": [],
            "alias": null,
            "active": true,
            "shared": false,
            "shared_agent": false,
            "last_login_at": null,
            "two_factor_auth_enabled": false,
            "signature": null,
            "details": "",
            "notes": "",
            "role_type": null,
            "custom_role_id": null,
            "moderator": agent,
            "ticket_restriction": if agent { Value::Null } else { json!("requested") },
            "only_private_comments": false,
            "restricted_agent": !agent,
            "suspended": false,
            "default_group_id": u.default_group_id,
            "report_csv": false,
            "user_fields": {},
        })
    }

    /// Where an attachment's bytes are served: `/attachments/token/{token}/?name={file_name}`
    /// (the simulator's tokens are the attachments' ids).
    pub fn content_url(&self, a: &AttachmentRec) -> String {
        let name = support_conformance::sim::encode_component(
            &a.file_name,
            support_conformance::sim::QueryEncoding::Percent,
        );
        self.url(&format!("/attachments/token/{}/?name={name}", a.id))
    }

    /// An attachment as `AttachmentObject`.
    pub fn attachment_json(&self, a: &AttachmentRec) -> Value {
        json!({
            "id": a.id,
            "url": self.url(&format!("/api/v2/attachments/{}.json", a.id)),
            "file_name": a.file_name,
            "content_url": self.content_url(a),
            "mapped_content_url": self.content_url(a),
            "content_type": a.content_type,
            "size": a.content.len(),
            "width": null,
            "height": null,
            "inline": false,
            "deleted": false,
            "malware_access_override": false,
            "malware_scan_result": "malware_not_found",
            "thumbnails": [],
        })
    }

    /// The attachment whose content URL carries this token, on a comment or still pending.
    pub fn attachment_by_token(&self, token: u64) -> Option<&AttachmentRec> {
        self.comments
            .iter()
            .flat_map(|c| &c.attachments)
            .chain(self.uploads.values().flatten())
            .find(|a| a.id == token)
    }

    /// A comment as `TicketCommentObject`.
    pub fn comment_json(&self, c: &CommentRec) -> Value {
        json!({
            "id": c.id,
            "type": "Comment",
            "author_id": c.author_id,
            "body": c.body,
            "html_body": c.html_body,
            "plain_body": c.body,
            "public": c.public,
            "attachments": c.attachments.iter().map(|a| self.attachment_json(a)).collect::<Vec<_>>(),
            "audit_id": c.audit_id,
            "via": Self::via(&c.channel),
            "created_at": time(&c.created_at),
            "metadata": {"system": {}, "custom": {}},
        })
    }

    /// A group as `GroupObject`.
    pub fn group_json(&self, g: &GroupRec) -> Value {
        let setup = time(&setup_time());
        json!({
            "url": self.url(&format!("/api/v2/groups/{}.json", g.id)),
            "id": g.id,
            "is_public": true,
            "name": g.name,
            "description": "",
            "default": g.default,
            "deleted": false,
            "created_at": setup,
            "updated_at": setup,
        })
    }

    /// A membership as `GroupMembershipObject`.
    pub fn membership_json(&self, m: &MembershipRec) -> Value {
        let setup = time(&setup_time());
        json!({
            "url": self.url(&format!("/api/v2/group_memberships/{}.json", m.id)),
            "id": m.id,
            "user_id": m.user_id,
            "group_id": m.group_id,
            "default": m.default,
            "created_at": setup,
            "updated_at": setup,
        })
    }

    /// An article as `ArticleObject`.
    pub fn article_json(&self, a: &ArticleRec) -> Value {
        let at = time(&a.created_at);
        json!({
            "id": a.id,
            "url": self.url(&format!("/api/v2/help_center/{}/articles/{}.json", a.locale, a.id)),
            "html_url": self.url(&format!("/hc/{}/articles/{}-{}", a.locale, a.id, slug(&a.title))),
            "author_id": a.author_id,
            "comments_disabled": false,
            "draft": a.draft,
            "promoted": false,
            "position": 0,
            "vote_sum": 0,
            "vote_count": 0,
            "section_id": a.section_id,
            "created_at": at,
            "updated_at": at,
            "edited_at": at,
            "title": a.title,
            "source_locale": a.locale,
            "locale": a.locale,
            "outdated": false,
            "outdated_locales": [],
            "permission_group_id": 1,
            "user_segment_id": null,
            "user_segment_ids": [],
            "label_names": [],
            "content_tag_ids": [],
            "body": a.body,
        })
    }

    /// A section as `SectionObject`.
    pub fn section_json(&self, s: &SectionRec) -> Value {
        let setup = time(&setup_time());
        json!({
            "id": s.id,
            "url": self.url(&format!("/api/v2/help_center/en-us/sections/{}.json", s.id)),
            "html_url": self.url(&format!("/hc/en-us/sections/{}-{}", s.id, slug(&s.name))),
            "category_id": s.category_id,
            "position": 0,
            "created_at": setup,
            "updated_at": setup,
            "name": s.name,
            "description": "",
            "locale": "en-us",
            "source_locale": "en-us",
            "outdated": false,
            "parent_section_id": null,
            "theme_template": "section_page",
        })
    }

    /// An SLA policy as `SLAPolicyObject`.
    pub fn sla_json(&self, p: &SlaRec) -> Value {
        let setup = time(&setup_time());
        let metrics: Vec<Value> = p
            .metrics
            .iter()
            .map(|(priority, metric, target, business_hours)| {
                json!({
                    "priority": priority,
                    "metric": metric,
                    "target": target,
                    "business_hours": business_hours,
                })
            })
            .collect();
        json!({
            "url": self.url(&format!("/api/v2/slas/policies/{}.json", p.id)),
            "id": p.id,
            "title": p.title,
            "description": p.description,
            "position": p.position,
            "filter": {"all": [], "any": []},
            "policy_metrics": metrics,
            "created_at": setup,
            "updated_at": setup,
        })
    }

    /// A rating as `SatisfactionRatingObject`.
    pub fn rating_json(&self, r: &RatingRec) -> Value {
        let at = time(&r.created_at);
        json!({
            "url": self.url(&format!("/api/v2/satisfaction_ratings/{}.json", r.id)),
            "id": r.id,
            "assignee_id": r.assignee_id,
            "group_id": r.group_id,
            "requester_id": r.requester_id,
            "ticket_id": r.ticket_id,
            "score": r.score,
            "comment": r.comment,
            "reason": null,
            "reason_id": null,
            "created_at": at,
            "updated_at": at,
        })
    }

    /// An article's plain text, for search.
    pub fn article_text(a: &ArticleRec) -> String {
        strip_tags(&a.body)
    }
}
