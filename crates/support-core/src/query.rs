//! Options of the port operations: list filters and write inputs.
//!
//! Every struct is `#[non_exhaustive]` with `with_*` setters, so options can grow without breaking
//! callers. Each list query also knows how to test an item ([`TicketQuery::matches`], ...), which is how
//! adapters apply client-side the filters their provider cannot apply.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::id::{CanonicalId, ObjectKind};
use crate::model::{
    Availability, Body, Comment, Document, FieldValue, Party, Priority, SatisfactionRating,
    Sentiment, Ticket, TicketCategory, TicketStatus, Visibility,
};
use crate::page::{Cursor, PageRequest};
use crate::upload::Upload;

macro_rules! paging_setters {
    () => {
        /// Items per page (clamped by the adapter to what the provider allows).
        pub fn with_limit(mut self, limit: u32) -> Self {
            self.page.limit = Some(limit);
            self
        }

        /// Continue from a cursor returned by a previous page.
        pub fn with_cursor(mut self, cursor: Cursor) -> Self {
            self.page.cursor = Some(cursor);
            self
        }
    };
}

/// Filters of `listTickets`. Several statuses or priorities match any of them; all filters combine.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TicketQuery {
    /// Keep tickets in any of these statuses (none = all).
    pub statuses: Vec<TicketStatus>,
    /// Keep tickets with any of these priorities (none = all).
    pub priorities: Vec<Priority>,
    /// Keep tickets assigned to this agent.
    pub assignee: Option<CanonicalId>,
    /// Keep tickets carrying this tag.
    pub tag: Option<String>,
    /// Keep tickets updated at or after this time.
    pub updated_since: Option<DateTime<Utc>>,
    /// Keep tickets in any of these categories (none = all).
    #[serde(default)]
    pub categories: Vec<TicketCategory>,
    /// Paging.
    pub page: PageRequest,
}

impl TicketQuery {
    /// All tickets.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a status to match.
    pub fn with_status(mut self, status: TicketStatus) -> Self {
        self.statuses.push(status);
        self
    }

    /// Adds a priority to match.
    pub fn with_priority(mut self, priority: Priority) -> Self {
        self.priorities.push(priority);
        self
    }

    /// Only tickets assigned to this agent.
    pub fn with_assignee(mut self, agent: CanonicalId) -> Self {
        self.assignee = Some(agent);
        self
    }

    /// Only tickets with this tag.
    pub fn with_tag(mut self, tag: impl Into<String>) -> Self {
        self.tag = Some(tag.into());
        self
    }

    /// Only tickets updated at or after this time.
    pub fn with_updated_since(mut self, since: DateTime<Utc>) -> Self {
        self.updated_since = Some(since);
        self
    }

    /// Adds a category to match (a ticket without a category never matches).
    pub fn with_category(mut self, category: TicketCategory) -> Self {
        self.categories.push(category);
        self
    }

    paging_setters!();

    /// Whether any filter is set.
    pub fn is_filtered(&self) -> bool {
        !self.statuses.is_empty()
            || !self.priorities.is_empty()
            || self.assignee.is_some()
            || self.tag.is_some()
            || self.updated_since.is_some()
            || !self.categories.is_empty()
    }

    /// Whether a ticket passes every filter.
    pub fn matches(&self, ticket: &Ticket) -> bool {
        (self.statuses.is_empty() || self.statuses.contains(&ticket.status.canonical))
            && (self.priorities.is_empty()
                || ticket
                    .priority
                    .as_ref()
                    .is_some_and(|p| self.priorities.contains(&p.canonical)))
            && self
                .assignee
                .as_ref()
                .is_none_or(|agent| ticket.assignee.as_ref() == Some(agent))
            && self
                .tag
                .as_ref()
                .is_none_or(|tag| ticket.tags.iter().any(|t| t.eq_ignore_ascii_case(tag)))
            && self
                .updated_since
                .is_none_or(|since| ticket.updated_at.is_some_and(|at| at >= since))
            && (self.categories.is_empty()
                || ticket
                    .category
                    .as_ref()
                    .is_some_and(|c| self.categories.contains(&c.canonical)))
    }
}

/// How `getTicket` finds a ticket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TicketLookup {
    /// By canonical id.
    Id(CanonicalId),
    /// By a reference the provider knows the ticket by: its own id, its human-facing number where it
    /// has one (ServiceNow `number`, Salesforce `CaseNumber`), or the external id an integrating system
    /// stored on it where the provider keeps one (Zendesk `external_id`). A reference that names two
    /// tickets (one ticket's external id, another's id) is a `Conflict`, never a guess.
    External(String),
}

impl From<CanonicalId> for TicketLookup {
    fn from(id: CanonicalId) -> Self {
        TicketLookup::Id(id)
    }
}

impl From<&CanonicalId> for TicketLookup {
    fn from(id: &CanonicalId) -> Self {
        TicketLookup::Id(id.clone())
    }
}

/// Filters of `listAgents`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AgentQuery {
    /// Keep agents in this group.
    pub group: Option<CanonicalId>,
    /// Keep agents with this native role name (`admin`, `agent`, ...), compared case-insensitively.
    pub role: Option<String>,
    /// Keep agents with this availability.
    pub availability: Option<Availability>,
    /// Paging.
    pub page: PageRequest,
}

impl AgentQuery {
    /// All agents.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only members of this group.
    pub fn with_group(mut self, group: CanonicalId) -> Self {
        self.group = Some(group);
        self
    }

    /// Only agents with this role.
    pub fn with_role(mut self, role: impl Into<String>) -> Self {
        self.role = Some(role.into());
        self
    }

    /// Only agents with this availability.
    pub fn with_availability(mut self, availability: Availability) -> Self {
        self.availability = Some(availability);
        self
    }

    paging_setters!();

    /// Whether an agent passes every filter.
    pub fn matches(&self, agent: &Party) -> bool {
        self.group
            .as_ref()
            .is_none_or(|group| agent.groups.contains(group))
            && self.role.as_ref().is_none_or(|role| {
                agent
                    .agent_role
                    .as_ref()
                    .is_some_and(|r| r.eq_ignore_ascii_case(role))
            })
            && self.availability.as_ref().is_none_or(|availability| {
                agent
                    .availability
                    .as_ref()
                    .is_some_and(|a| &a.canonical == availability)
            })
    }
}

/// Options of `listComments`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CommentQuery {
    /// Keep only comments with this visibility.
    pub visibility: Option<Visibility>,
    /// Paging.
    pub page: PageRequest,
}

impl CommentQuery {
    /// All comments, oldest first.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only public replies or only internal notes.
    pub fn with_visibility(mut self, visibility: Visibility) -> Self {
        self.visibility = Some(visibility);
        self
    }

    paging_setters!();

    /// Whether a comment passes the filter.
    pub fn matches(&self, comment: &Comment) -> bool {
        self.visibility.is_none_or(|v| comment.visibility == v)
    }
}

/// Options of `listTags`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TagQuery {
    /// Paging.
    pub page: PageRequest,
}

impl TagQuery {
    /// All tags.
    pub fn new() -> Self {
        Self::default()
    }

    paging_setters!();
}

/// Filters of `listKnowledgeArticles`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ArticleQuery {
    /// Keep articles in this category (at any depth of the article's category path).
    pub category: Option<CanonicalId>,
    /// Keep articles whose title or body contains this term (case-insensitive).
    pub search: Option<String>,
    /// Keep articles in this locale.
    pub locale: Option<String>,
    /// Paging.
    pub page: PageRequest,
}

impl ArticleQuery {
    /// All articles.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only articles in this category.
    pub fn with_category(mut self, category: CanonicalId) -> Self {
        self.category = Some(category);
        self
    }

    /// Only articles matching this term.
    pub fn with_search(mut self, term: impl Into<String>) -> Self {
        self.search = Some(term.into());
        self
    }

    /// Only articles in this locale.
    pub fn with_locale(mut self, locale: impl Into<String>) -> Self {
        self.locale = Some(locale.into());
        self
    }

    paging_setters!();

    /// Whether an article passes every filter. A provider's full-text search may match more loosely
    /// (stemming, synonyms); this is the client-side test used when the provider has no search.
    pub fn matches(&self, article: &Document) -> bool {
        self.category
            .as_ref()
            .is_none_or(|c| article.categories.contains(c))
            && self.locale.as_ref().is_none_or(|locale| {
                article
                    .locale
                    .as_ref()
                    .is_some_and(|l| l.eq_ignore_ascii_case(locale))
            })
            && self.search.as_ref().is_none_or(|term| {
                let term = term.to_lowercase();
                let contains = |text: &str| text.to_lowercase().contains(&term);
                article.title.as_deref().is_some_and(contains)
                    || article.body.as_ref().is_some_and(|b| {
                        contains(&b.text) || b.html.as_deref().is_some_and(contains)
                    })
            })
    }
}

/// Filters of `listCustomerSatisfactionRatings`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SatisfactionQuery {
    /// Keep ratings of this ticket.
    pub ticket: Option<CanonicalId>,
    /// Keep ratings created at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Keep ratings created before this time.
    pub until: Option<DateTime<Utc>>,
    /// Keep ratings in this sentiment band (unrated surveys never match).
    pub sentiment: Option<Sentiment>,
    /// Paging.
    pub page: PageRequest,
}

impl SatisfactionQuery {
    /// All ratings.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only ratings of this ticket.
    pub fn with_ticket(mut self, ticket: CanonicalId) -> Self {
        self.ticket = Some(ticket);
        self
    }

    /// Only ratings created in `[since, until)`.
    pub fn with_date_range(mut self, since: DateTime<Utc>, until: DateTime<Utc>) -> Self {
        self.since = Some(since);
        self.until = Some(until);
        self
    }

    /// Only ratings in this band.
    pub fn with_sentiment(mut self, sentiment: Sentiment) -> Self {
        self.sentiment = Some(sentiment);
        self
    }

    paging_setters!();

    /// Whether a rating passes every filter.
    pub fn matches(&self, rating: &SatisfactionRating) -> bool {
        self.ticket
            .as_ref()
            .is_none_or(|t| rating.ticket.as_ref() == Some(t))
            && self
                .since
                .is_none_or(|since| rating.created_at.is_some_and(|at| at >= since))
            && self
                .until
                .is_none_or(|until| rating.created_at.is_some_and(|at| at < until))
            && self
                .sentiment
                .is_none_or(|s| rating.score.sentiment() == Some(s))
    }
}

/// Who asked, for a new ticket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Requester {
    /// An existing customer.
    Id(CanonicalId),
    /// A customer by e-mail; the provider finds or creates them.
    Email {
        /// E-mail address.
        email: String,
        /// Display name.
        name: Option<String>,
    },
}

/// A custom-field value to write.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomFieldInput {
    /// The field's name or provider id.
    pub name: String,
    /// The value.
    pub value: FieldValue,
}

/// Input of `createTicket`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NewTicket {
    /// Subject line.
    pub subject: String,
    /// The opening description (the first comment).
    pub description: Body,
    /// Who asked.
    pub requester: Option<Requester>,
    /// Initial status (the provider's default when `None`).
    pub status: Option<TicketStatus>,
    /// Priority.
    pub priority: Option<Priority>,
    /// Tags.
    pub tags: Vec<String>,
    /// Custom fields.
    pub custom_fields: Vec<CustomFieldInput>,
    /// Initial assignee.
    pub assignee: Option<CanonicalId>,
    /// Initial group.
    pub group: Option<CanonicalId>,
    /// An id from the caller's own system, stored where the provider has such a field.
    pub external_ref: Option<String>,
    /// A key that makes retrying this creation safe where the provider honours one; without it, a
    /// creation that may have reached the provider is never retried.
    pub idempotency_key: Option<String>,
    /// Files attached to the opening description (not serialised: they are bytes or a stream).
    #[serde(skip)]
    pub attachments: Vec<Upload>,
}

impl NewTicket {
    /// A ticket with a subject and description.
    pub fn new(subject: impl Into<String>, description: impl Into<String>) -> Self {
        Self {
            subject: subject.into(),
            description: Body::text(description),
            requester: None,
            status: None,
            priority: None,
            tags: Vec::new(),
            custom_fields: Vec::new(),
            assignee: None,
            group: None,
            external_ref: None,
            idempotency_key: None,
            attachments: Vec::new(),
        }
    }

    /// Attaches a file to the opening description.
    pub fn with_attachment(mut self, file: Upload) -> Self {
        self.attachments.push(file);
        self
    }

    /// Sets the description with HTML.
    pub fn with_description(mut self, description: Body) -> Self {
        self.description = description;
        self
    }

    /// Sets the requester.
    pub fn with_requester(mut self, requester: Requester) -> Self {
        self.requester = Some(requester);
        self
    }

    /// Sets the initial status.
    pub fn with_status(mut self, status: TicketStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Sets the priority.
    pub fn with_priority(mut self, priority: Priority) -> Self {
        self.priority = Some(priority);
        self
    }

    /// Adds a tag.
    pub fn with_tag(mut self, tag: impl Into<String>) -> Self {
        self.tags.push(tag.into());
        self
    }

    /// Sets a custom field.
    pub fn with_custom_field(mut self, name: impl Into<String>, value: FieldValue) -> Self {
        self.custom_fields.push(CustomFieldInput {
            name: name.into(),
            value,
        });
        self
    }

    /// Assigns on creation.
    pub fn with_assignee(mut self, agent: CanonicalId) -> Self {
        self.assignee = Some(agent);
        self
    }

    /// Sets the group on creation.
    pub fn with_group(mut self, group: CanonicalId) -> Self {
        self.group = Some(group);
        self
    }

    /// Stores the caller's own id.
    pub fn with_external_ref(mut self, external_ref: impl Into<String>) -> Self {
        self.external_ref = Some(external_ref.into());
        self
    }

    /// Makes retries of this creation safe where the provider honours idempotency keys.
    pub fn with_idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }
}

/// Input of `updateTicket`: only the fields set are changed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TicketUpdate {
    /// New subject.
    pub subject: Option<String>,
    /// New status.
    pub status: Option<TicketStatus>,
    /// New priority.
    pub priority: Option<Priority>,
    /// Replace the tags with these.
    pub tags: Option<Vec<String>>,
    /// Custom fields to set.
    pub custom_fields: Vec<CustomFieldInput>,
}

impl TicketUpdate {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Changes the subject.
    pub fn with_subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// Changes the status.
    pub fn with_status(mut self, status: TicketStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Changes the priority.
    pub fn with_priority(mut self, priority: Priority) -> Self {
        self.priority = Some(priority);
        self
    }

    /// Replaces the tags.
    pub fn with_tags(mut self, tags: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.tags = Some(tags.into_iter().map(Into::into).collect());
        self
    }

    /// Sets a custom field.
    pub fn with_custom_field(mut self, name: impl Into<String>, value: FieldValue) -> Self {
        self.custom_fields.push(CustomFieldInput {
            name: name.into(),
            value,
        });
        self
    }

    /// Whether the update changes nothing.
    pub fn is_empty(&self) -> bool {
        self.subject.is_none()
            && self.status.is_none()
            && self.priority.is_none()
            && self.tags.is_none()
            && self.custom_fields.is_empty()
    }
}

/// Options of `closeTicket`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CloseOptions {
    /// A comment to add while closing.
    pub comment: Option<NewComment>,
}

impl CloseOptions {
    /// Close without comment.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a comment while closing.
    pub fn with_comment(mut self, comment: NewComment) -> Self {
        self.comment = Some(comment);
        self
    }
}

/// Input of `assignTicket`: an agent, a group, or both.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Assignment {
    /// The agent.
    pub agent: Option<CanonicalId>,
    /// The group.
    pub group: Option<CanonicalId>,
}

impl Assignment {
    /// Assign to an agent.
    pub fn agent(agent: CanonicalId) -> Self {
        Self {
            agent: Some(agent),
            group: None,
        }
    }

    /// Assign to a group.
    pub fn group(group: CanonicalId) -> Self {
        Self {
            agent: None,
            group: Some(group),
        }
    }

    /// Also set the group.
    pub fn with_group(mut self, group: CanonicalId) -> Self {
        self.group = Some(group);
        self
    }

    /// The provider's numeric ids of the agent (a [`ObjectKind::Party`]) and the group, checked as
    /// [`CanonicalId::numeric_id`] does; an assignment to neither is invalid input.
    pub fn numeric_ids(
        &self,
        provider: &'static str,
        operation: crate::Operation,
    ) -> Result<(Option<i64>, Option<i64>), crate::Error> {
        self.ids(provider, operation, |id, kind| {
            id.numeric_id(provider, kind, operation)
        })
    }

    /// The provider's own ids of the agent and the group, for providers whose ids are strings;
    /// checked as [`CanonicalId::native_id`] does; an assignment to neither is invalid input.
    pub fn native_ids(
        &self,
        provider: &'static str,
        operation: crate::Operation,
    ) -> Result<(Option<&str>, Option<&str>), crate::Error> {
        self.ids(provider, operation, |id, kind| {
            id.native_id(provider, kind, operation)
        })
    }

    fn ids<'a, T>(
        &'a self,
        provider: &'static str,
        operation: crate::Operation,
        native: impl Fn(&'a CanonicalId, ObjectKind) -> Result<T, crate::Error>,
    ) -> Result<(Option<T>, Option<T>), crate::Error> {
        if self.agent.is_none() && self.group.is_none() {
            return Err(crate::Error::invalid_input(
                provider,
                "assign to an agent, a group, or both",
            )
            .with_operation(operation));
        }
        let agent = self
            .agent
            .as_ref()
            .map(|a| native(a, ObjectKind::Party))
            .transpose()?;
        let group = self
            .group
            .as_ref()
            .map(|g| native(g, ObjectKind::Group))
            .transpose()?;
        Ok((agent, group))
    }
}

/// Input of `addComment`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NewComment {
    /// What it says.
    pub body: Body,
    /// Public reply or internal note.
    pub visibility: Visibility,
    /// Who writes it (the authenticated user when `None`).
    pub author: Option<CanonicalId>,
    /// Extra e-mail recipients of a public reply, where the provider supports them.
    pub cc: Vec<String>,
    /// Files attached to it (not serialised: they are bytes or a stream).
    #[serde(skip)]
    pub attachments: Vec<Upload>,
}

impl NewComment {
    /// A public reply.
    pub fn public(text: impl Into<String>) -> Self {
        Self {
            body: Body::text(text),
            visibility: Visibility::Public,
            author: None,
            cc: Vec::new(),
            attachments: Vec::new(),
        }
    }

    /// An internal note.
    pub fn internal(text: impl Into<String>) -> Self {
        Self {
            visibility: Visibility::Internal,
            ..Self::public(text)
        }
    }

    /// Sets the body, with HTML.
    pub fn with_body(mut self, body: Body) -> Self {
        self.body = body;
        self
    }

    /// Sets the author.
    pub fn with_author(mut self, author: CanonicalId) -> Self {
        self.author = Some(author);
        self
    }

    /// Adds a cc recipient.
    pub fn with_cc(mut self, email: impl Into<String>) -> Self {
        self.cc.push(email.into());
        self
    }

    /// Attaches a file.
    ///
    /// ```
    /// use support_core::{NewComment, Upload};
    ///
    /// let reply = NewComment::public("The log you asked for is attached.")
    ///     .with_attachment(Upload::bytes("install.log", "text/plain", "step 1: ok\n"));
    /// assert_eq!(reply.attachments[0].len(), 11);
    /// ```
    pub fn with_attachment(mut self, file: Upload) -> Self {
        self.attachments.push(file);
        self
    }
}

/// Input of `createTag`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NewTag {
    /// The tag.
    pub name: String,
}

impl NewTag {
    /// A tag with this name.
    pub fn new(name: impl Into<String>) -> Self {
        Self { name: name.into() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use crate::model::Mapped;

    #[test]
    fn assignment_ids_are_checked_numeric_or_string() {
        let op = crate::Operation::AssignTicket;
        let numeric = Assignment::agent(CanonicalId::new("zendesk", ObjectKind::Party, "7"))
            .with_group(CanonicalId::new("zendesk", ObjectKind::Group, "9"));
        assert_eq!(
            numeric.numeric_ids("zendesk", op).unwrap(),
            (Some(7), Some(9))
        );
        let sys_id = "9d385017c611228701d22104cc95c371";
        let string = Assignment::group(CanonicalId::new("servicenow", ObjectKind::Group, sys_id));
        assert_eq!(
            string.native_ids("servicenow", op).unwrap(),
            (None, Some(sys_id))
        );
        let err = string.numeric_ids("servicenow", op).unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::InvalidInput);
        let err = numeric.native_ids("servicenow", op).unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::InvalidInput);
        let err = Assignment::default()
            .numeric_ids("zendesk", op)
            .unwrap_err();
        assert_eq!(err.operation(), Some(op));
    }

    fn ticket(status: TicketStatus, priority: Option<Priority>, tags: &[&str]) -> Ticket {
        let mut t = Ticket::new(
            CanonicalId::new("memory", ObjectKind::Ticket, "1"),
            Mapped::new(status.clone(), status.as_str().to_owned()),
            serde_json::Value::Null,
        );
        t.priority = priority.map(|p| Mapped::new(p.clone(), p.as_str().to_owned()));
        t.tags = tags.iter().map(|s| s.to_string()).collect();
        t
    }

    #[test]
    fn ticket_filters_combine() {
        let t = ticket(TicketStatus::Open, Some(Priority::High), &["vip"]);
        assert!(TicketQuery::new().matches(&t));
        assert!(
            TicketQuery::new()
                .with_status(TicketStatus::Pending)
                .with_status(TicketStatus::Open)
                .matches(&t)
        );
        assert!(
            !TicketQuery::new()
                .with_status(TicketStatus::Open)
                .with_priority(Priority::Low)
                .matches(&t)
        );
        assert!(TicketQuery::new().with_tag("VIP").matches(&t));
        assert!(!ticket(TicketStatus::Open, None, &[]).matches_priority_free());
    }

    impl Ticket {
        fn matches_priority_free(&self) -> bool {
            TicketQuery::new()
                .with_priority(Priority::Normal)
                .matches(self)
        }
    }
}
