//! The canonical objects: [`Ticket`], [`Party`], [`Document`] and [`ExternalObjectRef`].
//!
//! Every object keeps the provider's JSON in `raw` (a [`RawJson`]), and every mapped enum keeps the native value
//! beside the canonical one ([`Mapped`]), so nothing the provider sent is lost.

use std::borrow::Cow;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::id::CanonicalId;
use crate::raw::RawJson;

/// A canonical value together with the provider's native value it was mapped from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mapped<E> {
    /// The canonical value.
    pub canonical: E,
    /// The provider's own value, verbatim (`"hold"`, `"3"`, a custom status label, ...). A value
    /// the adapter knows in advance (a built-in status code) is borrowed, not copied: mapping a
    /// ticket builds several of these.
    pub native: Cow<'static, str>,
}

impl<E> Mapped<E> {
    /// Pairs a canonical value with its native origin: a `&'static str` is kept as it is, a
    /// `String` is moved in.
    pub fn new(canonical: E, native: impl Into<Cow<'static, str>>) -> Self {
        Self {
            canonical,
            native: native.into(),
        }
    }
}

macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal,)* }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value with no canonical equivalent, kept verbatim.
            Other(String),
        }

        impl $name {
            /// Every named (non-`Other`) value.
            pub const KNOWN: &'static [$name] = &[$($name::$variant,)*];

            /// The canonical name (`snake_case`), or the raw value for `Other`.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)*
                    $name::Other(raw) => raw,
                }
            }

            /// Parses a canonical name; anything else becomes `Other(raw)`.
            pub fn from_canonical(text: &str) -> Self {
                match text {
                    $($text => $name::$variant,)*
                    other => $name::Other(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                Ok(Self::from_canonical(&text))
            }
        }
    };
}

open_enum! {
    /// The lifecycle state of a ticket.
    TicketStatus {
        /// Received, not yet looked at.
        New => "new",
        /// Being worked on / awaiting the agent.
        Open => "open",
        /// Awaiting the customer.
        Pending => "pending",
        /// Awaiting a third party.
        OnHold => "on_hold",
        /// Actively being worked on.
        InProgress => "in_progress",
        /// Solved; may still be reopened.
        Resolved => "resolved",
        /// Finished; normally read-only.
        Closed => "closed",
    }
}

impl TicketStatus {
    /// Whether the ticket is finished (resolved or closed).
    pub fn is_done(&self) -> bool {
        matches!(self, TicketStatus::Resolved | TicketStatus::Closed)
    }
}

open_enum! {
    /// How urgent a ticket is.
    Priority {
        /// Low.
        Low => "low",
        /// Normal / medium.
        Normal => "normal",
        /// High.
        High => "high",
        /// Urgent / critical.
        Urgent => "urgent",
    }
}

open_enum! {
    /// Where a ticket came from.
    Channel {
        /// E-mail.
        Email => "email",
        /// Live chat or messaging.
        Chat => "chat",
        /// Phone or voice.
        Phone => "phone",
        /// A web form or the help centre.
        Web => "web",
        /// A social network.
        Social => "social",
        /// The provider's API.
        Api => "api",
    }
}

open_enum! {
    /// An agent's availability to take work.
    Availability {
        /// Online and taking work.
        Available => "available",
        /// Online but not taking work.
        Away => "away",
        /// Offline.
        Offline => "offline",
    }
}

open_enum! {
    /// The publication state of a knowledge article.
    PublishState {
        /// Not visible to customers.
        Draft => "draft",
        /// Visible to customers.
        Published => "published",
        /// Withdrawn.
        Archived => "archived",
    }
}

open_enum! {
    /// What an SLA target measures.
    SlaMetric {
        /// Time to the first public agent reply.
        FirstResponse => "first_response",
        /// Time to each following agent reply.
        NextResponse => "next_response",
        /// Time to resolution.
        Resolution => "resolution",
        /// Time between public updates.
        PeriodicUpdate => "periodic_update",
        /// Time agents spend working on the ticket.
        AgentWorkTime => "agent_work_time",
        /// Time the requester waits.
        RequesterWaitTime => "requester_wait_time",
    }
}

open_enum! {
    /// What kind of request a ticket is: the provider's ticket type or category.
    TicketCategory {
        /// A question about how something works.
        Question => "question",
        /// Something broke for this customer.
        Incident => "incident",
        /// The cause behind one or more incidents.
        Problem => "problem",
        /// Work to be done.
        Task => "task",
        /// Invoices, payments, refunds.
        Billing => "billing",
        /// A technical fault or configuration request.
        Technical => "technical",
        /// Access, login or account settings.
        Account => "account",
        /// A request for something the product does not do yet.
        FeatureRequest => "feature_request",
        /// Anything else the provider names as general.
        General => "general",
    }
}

open_enum! {
    /// Who wrote a comment.
    AuthorKind {
        /// The customer (requester, contact, end user).
        Customer => "customer",
        /// An agent or admin.
        Agent => "agent",
        /// The helpdesk itself: a trigger, automation, rule or integration.
        System => "system",
    }
}

/// One SLA clock of a ticket: when its target falls due and where it stands.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SlaClock {
    /// When the target falls due (UTC); `None` where the provider does not say or the clock is
    /// paused.
    pub due_at: Option<DateTime<Utc>>,
    /// Whether the target was missed, as the provider reports it (never computed from the clock).
    pub breached: Option<bool>,
    /// Whether the target was met (the reply sent, the ticket resolved), as the provider reports it.
    pub achieved: Option<bool>,
}

impl SlaClock {
    /// A clock due at a time; breach and achievement unknown.
    pub fn due(due_at: Option<DateTime<Utc>>) -> Self {
        Self {
            due_at,
            ..Self::default()
        }
    }

    /// Sets whether the target was missed.
    pub fn with_breached(mut self, breached: Option<bool>) -> Self {
        self.breached = breached;
        self
    }

    /// Sets whether the target was met.
    pub fn with_achieved(mut self, achieved: Option<bool>) -> Self {
        self.achieved = achieved;
        self
    }
}

/// A ticket's SLA state, as far as the provider exposes it: the policy applied and the clocks
/// running against it. Fields the provider does not report stay `None`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TicketSla {
    /// The SLA policy applied (readable with `get_sla` where the provider has policies).
    pub policy: Option<CanonicalId>,
    /// Time to the first agent reply.
    pub first_response: Option<SlaClock>,
    /// Time to the next agent reply.
    pub next_response: Option<SlaClock>,
    /// Time to resolution.
    pub resolution: Option<SlaClock>,
    /// Whether the provider has escalated the ticket (typically for a missed target).
    pub escalated: Option<bool>,
}

impl TicketSla {
    /// Whether any clock is reported breached.
    pub fn any_breached(&self) -> bool {
        [&self.first_response, &self.next_response, &self.resolution]
            .into_iter()
            .flatten()
            .any(|clock| clock.breached == Some(true))
    }

    /// Whether the provider reported anything at all.
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}

/// Text of a ticket description, comment or article: plain text and, where the provider has it, HTML.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Body {
    /// Plain text.
    pub text: String,
    /// HTML, when the provider keeps it.
    pub html: Option<String>,
}

impl Body {
    /// A plain-text body.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            html: None,
        }
    }

    /// Adds the HTML form.
    pub fn with_html(mut self, html: impl Into<String>) -> Self {
        self.html = Some(html.into());
        self
    }

    /// A body from HTML, with its plain text derived: tags dropped, the common entities decoded.
    pub fn from_html(html: impl Into<String>) -> Self {
        let html = html.into();
        Self {
            text: html_to_text(&html),
            html: Some(html),
        }
    }
}

/// The plain text of HTML: tags dropped, the common entities decoded, whitespace kept as is.
pub fn html_to_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// A typed custom-field value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum FieldValue {
    /// No value.
    Null,
    /// A checkbox.
    Bool(bool),
    /// A whole number.
    Integer(i64),
    /// A decimal number.
    Number(f64),
    /// Text, a single choice, or a date kept as the provider wrote it.
    Text(String),
    /// Several choices.
    List(Vec<String>),
    /// Any other structure, verbatim.
    Json(Value),
}

impl FieldValue {
    /// Types a JSON value: scalars and lists of strings get their own variant, the rest stays JSON.
    pub fn from_json(value: &Value) -> Self {
        match value {
            Value::Null => FieldValue::Null,
            Value::Bool(b) => FieldValue::Bool(*b),
            Value::Number(n) => n
                .as_i64()
                .map(FieldValue::Integer)
                .or_else(|| n.as_f64().map(FieldValue::Number))
                .unwrap_or_else(|| FieldValue::Json(value.clone())),
            Value::String(s) => FieldValue::Text(s.clone()),
            Value::Array(items) => items
                .iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .map(FieldValue::List)
                .unwrap_or_else(|| FieldValue::Json(value.clone())),
            Value::Object(_) => FieldValue::Json(value.clone()),
        }
    }

    /// [`FieldValue::from_json`] for a value the caller owns: its text moves instead of being copied.
    pub fn from_json_owned(value: Value) -> Self {
        match value {
            Value::String(s) => FieldValue::Text(s),
            Value::Array(items) if items.iter().all(Value::is_string) => FieldValue::List(
                items
                    .into_iter()
                    .filter_map(|item| match item {
                        Value::String(s) => Some(s),
                        _ => None,
                    })
                    .collect(),
            ),
            other => FieldValue::from_json(&other),
        }
    }

    /// The value as JSON, the inverse of [`FieldValue::from_json`].
    pub fn to_json(&self) -> Value {
        match self {
            FieldValue::Null => Value::Null,
            FieldValue::Bool(b) => Value::Bool(*b),
            FieldValue::Integer(i) => Value::from(*i),
            FieldValue::Number(n) => Value::from(*n),
            FieldValue::Text(s) => Value::String(s.clone()),
            FieldValue::List(items) => Value::from(items.clone()),
            FieldValue::Json(v) => v.clone(),
        }
    }
}

/// A tenant-defined field on a ticket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomField {
    /// The field's name (its key or title; the provider's id when it has no name).
    pub name: String,
    /// The provider's id for the field, when it differs from the name.
    pub field_id: Option<String>,
    /// The value.
    pub value: FieldValue,
}

/// A ticket, case or conversation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Ticket {
    /// Canonical id (`{provider}:ticket:{external id}`).
    pub id: CanonicalId,
    /// The human-facing number, where the provider has one distinct from the id.
    pub number: Option<String>,
    /// Subject line.
    pub subject: Option<String>,
    /// The opening description.
    pub description: Option<Body>,
    /// Lifecycle state.
    pub status: Mapped<TicketStatus>,
    /// Priority, when set.
    pub priority: Option<Mapped<Priority>>,
    /// Where it came from.
    pub channel: Option<Mapped<Channel>>,
    /// The customer who asked.
    pub requester: Option<CanonicalId>,
    /// The agent it is assigned to.
    pub assignee: Option<CanonicalId>,
    /// The group it is assigned to.
    pub group: Option<CanonicalId>,
    /// The customer's organisation.
    pub organization: Option<CanonicalId>,
    /// Tags.
    pub tags: Vec<String>,
    /// Custom fields by name.
    pub custom_fields: Vec<CustomField>,
    /// An id the caller's own system gave the ticket, where the provider stores one.
    pub external_ref: Option<String>,
    /// Creation time (UTC).
    pub created_at: Option<DateTime<Utc>>,
    /// Last update (UTC).
    pub updated_at: Option<DateTime<Utc>>,
    /// Link to the ticket in the provider (API or agent UI).
    pub url: Option<String>,
    /// What kind of request it is (the provider's ticket type or category).
    pub category: Option<Mapped<TicketCategory>>,
    /// How it was resolved, where the provider records a resolution text.
    pub resolution: Option<String>,
    /// When it was resolved (UTC), where the provider records it; never guessed from the status.
    pub resolved_at: Option<DateTime<Utc>>,
    /// When it was closed (UTC), where the provider records it; never guessed from the status.
    pub closed_at: Option<DateTime<Utc>>,
    /// Its SLA clocks, where the provider exposes them.
    pub sla: Option<TicketSla>,
    /// Files attached to the ticket itself rather than to one of its comments, where the provider
    /// keeps them there (Freshdesk keeps a new ticket's files beside its description); providers
    /// whose description is a comment list them on that comment instead.
    pub attachments: Vec<Document>,
    /// The provider's JSON, as received.
    pub raw: RawJson,
}

impl Ticket {
    /// A ticket with only the required parts set; adapters fill the rest field by field.
    pub fn new(id: CanonicalId, status: Mapped<TicketStatus>, raw: impl Into<RawJson>) -> Self {
        Self {
            id,
            number: None,
            subject: None,
            description: None,
            status,
            priority: None,
            channel: None,
            requester: None,
            assignee: None,
            group: None,
            organization: None,
            tags: Vec::new(),
            custom_fields: Vec::new(),
            external_ref: None,
            created_at: None,
            updated_at: None,
            url: None,
            category: None,
            resolution: None,
            resolved_at: None,
            closed_at: None,
            sla: None,
            attachments: Vec::new(),
            raw: raw.into(),
        }
    }

    /// The custom field with this name, if present.
    pub fn custom_field(&self, name: &str) -> Option<&FieldValue> {
        self.custom_fields
            .iter()
            .find(|field| field.name == name)
            .map(|field| &field.value)
    }
}

/// The role a [`Party`] plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyRole {
    /// A customer / requester / contact.
    Customer,
    /// An agent / admin / staff member.
    Employee,
    /// An organisation / company / account.
    Org,
}

/// A customer, agent or organisation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Party {
    /// Canonical id (`{provider}:party:{external id}`).
    pub id: CanonicalId,
    /// Customer, employee or org.
    pub role: PartyRole,
    /// Display name.
    pub name: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// The organisation a person belongs to.
    pub organization: Option<CanonicalId>,
    /// The provider's role name for an agent (`admin`, `agent`, a custom role, ...).
    pub agent_role: Option<String>,
    /// Groups an agent belongs to.
    pub groups: Vec<CanonicalId>,
    /// An agent's availability, when the provider reports it.
    pub availability: Option<Mapped<Availability>>,
    /// Whether the account is active (not suspended or deleted).
    pub active: Option<bool>,
    /// Creation time (UTC).
    pub created_at: Option<DateTime<Utc>>,
    /// The provider's JSON, as received.
    pub raw: RawJson,
}

impl Party {
    /// A party with only the required parts set.
    pub fn new(id: CanonicalId, role: PartyRole, raw: impl Into<RawJson>) -> Self {
        Self {
            id,
            role,
            name: None,
            email: None,
            phone: None,
            organization: None,
            agent_role: None,
            groups: Vec::new(),
            availability: None,
            active: None,
            created_at: None,
            raw: raw.into(),
        }
    }
}

/// What a [`Document`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// A file attached to a ticket or comment.
    Attachment,
    /// A knowledge-base article.
    KnowledgeArticle,
}

/// An attachment or a knowledge article.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Document {
    /// Canonical id (`{provider}:document:{external id}`).
    pub id: CanonicalId,
    /// Attachment or knowledge article.
    pub kind: DocumentKind,
    /// Title or file name.
    pub title: Option<String>,
    /// Article body.
    pub body: Option<Body>,
    /// MIME type of an attachment.
    pub content_type: Option<String>,
    /// Size in bytes of an attachment.
    pub size: Option<u64>,
    /// Where to fetch or view it.
    pub url: Option<String>,
    /// Locale of an article (`en-us`, ...).
    pub locale: Option<String>,
    /// Publication state of an article.
    pub publish_state: Option<Mapped<PublishState>>,
    /// Categories, sections or folders holding an article, outermost first.
    pub categories: Vec<CanonicalId>,
    /// Author.
    pub author: Option<CanonicalId>,
    /// Creation time (UTC).
    pub created_at: Option<DateTime<Utc>>,
    /// Last update (UTC).
    pub updated_at: Option<DateTime<Utc>>,
    /// The provider's JSON, as received.
    pub raw: RawJson,
}

impl Document {
    /// A document with only the required parts set.
    pub fn new(id: CanonicalId, kind: DocumentKind, raw: impl Into<RawJson>) -> Self {
        Self {
            id,
            kind,
            title: None,
            body: None,
            content_type: None,
            size: None,
            url: None,
            locale: None,
            publish_state: None,
            categories: Vec::new(),
            author: None,
            created_at: None,
            updated_at: None,
            raw: raw.into(),
        }
    }
}

/// A provider object that the canonical model references rather than owns: comments, tags, SLA
/// policies, satisfaction ratings. `data` holds its typed canonical payload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExternalObjectRef<T> {
    /// Canonical id (provider and kind are part of it).
    pub id: CanonicalId,
    /// The object it belongs to (a comment's ticket, for instance).
    pub parent: Option<CanonicalId>,
    /// Link to the object in the provider.
    pub url: Option<String>,
    /// The typed payload.
    pub data: T,
    /// The provider's JSON, as received.
    pub raw: RawJson,
}

impl<T> ExternalObjectRef<T> {
    /// A reference with the given id and payload.
    pub fn new(id: CanonicalId, data: T, raw: impl Into<RawJson>) -> Self {
        Self {
            id,
            parent: None,
            url: None,
            data,
            raw: raw.into(),
        }
    }

    /// Sets the parent object.
    pub fn with_parent(mut self, parent: CanonicalId) -> Self {
        self.parent = Some(parent);
        self
    }

    /// The provider's id for the object.
    pub fn external_id(&self) -> &str {
        self.id.external_id()
    }
}

/// Who can see a comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// A reply the customer sees.
    Public,
    /// An internal note only agents see.
    Internal,
}

/// A comment, reply or note on a ticket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    /// Who wrote it.
    pub author: Option<CanonicalId>,
    /// Whether a customer, an agent or the helpdesk itself wrote it; the native value is what it
    /// was read from (the author's role, a direction flag, a source).
    pub author_kind: Option<Mapped<AuthorKind>>,
    /// What it says.
    pub body: Body,
    /// Public reply or internal note.
    pub visibility: Visibility,
    /// When it was written (UTC).
    pub created_at: Option<DateTime<Utc>>,
    /// Attached files: name (`title`), content type, size and URL of each; read their bytes
    /// with [`SupportPort::download_attachment`](crate::SupportPort::download_attachment).
    pub attachments: Vec<Document>,
}

/// A tag.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    /// The tag as applied to tickets.
    pub name: String,
    /// How many tickets carry it, when the provider says.
    pub count: Option<u64>,
}

/// One target of an SLA policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlaTarget {
    /// What is measured.
    pub metric: Mapped<SlaMetric>,
    /// The ticket priority the target applies to; `None` applies to all.
    pub priority: Option<Mapped<Priority>>,
    /// The target time.
    #[serde(with = "duration_seconds")]
    pub target: Duration,
    /// Whether only business hours count.
    pub business_hours: bool,
}

/// An SLA policy and its targets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlaPolicy {
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Targets per metric and priority.
    pub targets: Vec<SlaTarget>,
}

impl SlaPolicy {
    /// The target for a metric at a priority, falling back to an all-priority target.
    pub fn target(&self, metric: &SlaMetric, priority: &Priority) -> Option<&SlaTarget> {
        let for_metric = || {
            self.targets
                .iter()
                .filter(|t| &t.metric.canonical == metric)
        };
        for_metric()
            .find(|t| {
                t.priority
                    .as_ref()
                    .is_some_and(|p| &p.canonical == priority)
            })
            .or_else(|| for_metric().find(|t| t.priority.is_none()))
    }
}

/// A satisfaction score: the provider's value and, when it is a rating, a normalised form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// The provider's value (`good`, `4`, ...).
    pub native: String,
    /// The score on a 0.0 (worst) to 1.0 (best) scale; `None` when no rating was given (a survey
    /// offered but unanswered).
    pub normalized: Option<f64>,
}

/// A coarse reading of a [`Score`], used to filter ratings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sentiment {
    /// Normalised score at or above 2/3.
    Positive,
    /// Between the two.
    Neutral,
    /// Normalised score at or below 1/3.
    Negative,
}

impl Score {
    /// The sentiment band of the normalised score, if rated.
    pub fn sentiment(&self) -> Option<Sentiment> {
        let score = self.normalized?;
        Some(if score >= 2.0 / 3.0 {
            Sentiment::Positive
        } else if score <= 1.0 / 3.0 {
            Sentiment::Negative
        } else {
            Sentiment::Neutral
        })
    }
}

/// A customer-satisfaction rating.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SatisfactionRating {
    /// The ticket rated.
    pub ticket: Option<CanonicalId>,
    /// The score.
    pub score: Score,
    /// The customer's comment.
    pub comment: Option<String>,
    /// The customer who rated.
    pub requester: Option<CanonicalId>,
    /// The agent rated.
    pub assignee: Option<CanonicalId>,
    /// When it was given (UTC).
    pub created_at: Option<DateTime<Utc>>,
}

/// A comment as returned by the port.
pub type CommentRef = ExternalObjectRef<Comment>;
/// A tag as returned by the port.
pub type TagRef = ExternalObjectRef<Tag>;
/// An SLA policy as returned by the port.
pub type SlaPolicyRef = ExternalObjectRef<SlaPolicy>;
/// A satisfaction rating as returned by the port.
pub type SatisfactionRatingRef = ExternalObjectRef<SatisfactionRating>;

mod duration_seconds {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(
        value: &Duration,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(value.as_secs())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Duration, D::Error> {
        u64::deserialize(deserializer).map(Duration::from_secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_canonical_names_become_other() {
        assert_eq!(
            TicketStatus::from_canonical("on_hold"),
            TicketStatus::OnHold
        );
        assert_eq!(
            TicketStatus::from_canonical("escalated"),
            TicketStatus::Other("escalated".into())
        );
        let json = serde_json::to_string(&Priority::Other("p0".into())).unwrap();
        assert_eq!(json, "\"p0\"");
    }

    #[test]
    fn html_bodies_get_their_plain_text() {
        let body = Body::from_html("<p>Fish &amp; chips &lt;3</p>");
        assert_eq!(body.text, "Fish & chips <3");
        assert_eq!(body.html.as_deref(), Some("<p>Fish &amp; chips &lt;3</p>"));
    }

    #[test]
    fn field_values_round_trip_through_json() {
        for raw in [
            serde_json::json!(null),
            serde_json::json!(true),
            serde_json::json!(42),
            serde_json::json!(1.5),
            serde_json::json!("x"),
            serde_json::json!(["a", "b"]),
            serde_json::json!([1, "a"]),
            serde_json::json!({"k": 1}),
        ] {
            assert_eq!(FieldValue::from_json(&raw).to_json(), raw);
            assert_eq!(
                FieldValue::from_json_owned(raw.clone()),
                FieldValue::from_json(&raw)
            );
        }
    }

    #[test]
    fn sla_target_falls_back_to_all_priorities() {
        let target = |priority: Option<Priority>, minutes: u64| SlaTarget {
            metric: Mapped::new(SlaMetric::FirstResponse, "first_reply_time"),
            priority: priority.map(|p| Mapped::new(p.clone(), p.as_str().to_owned())),
            target: Duration::from_secs(minutes * 60),
            business_hours: false,
        };
        let policy = SlaPolicy {
            name: "p".into(),
            description: None,
            targets: vec![target(Some(Priority::Urgent), 15), target(None, 60)],
        };
        let urgent = policy
            .target(&SlaMetric::FirstResponse, &Priority::Urgent)
            .unwrap();
        assert_eq!(urgent.target, Duration::from_secs(900));
        let low = policy
            .target(&SlaMetric::FirstResponse, &Priority::Low)
            .unwrap();
        assert_eq!(low.target, Duration::from_secs(3600));
        assert!(
            policy
                .target(&SlaMetric::Resolution, &Priority::Low)
                .is_none()
        );
    }
}
