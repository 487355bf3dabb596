//! The semantics of the fifteen operations, as synchronous methods on the [`Store`].
//!
//! Every write validates its whole input before changing anything, so a failed call leaves the store
//! as it was.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Display;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde_json::Value;
use support_core::{
    AgentQuery, ArticleQuery, Assignment, AuthorKind, Body, CanonicalId, Channel, CloseOptions,
    Comment, CommentQuery, CommentRef, ConnectionInfo, CustomField, CustomFieldInput, Document,
    DocumentKind, Download, Error, ErrorKind, ExternalObjectRef, Mapped, NewComment, NewTag,
    NewTicket, ObjectKind, Operation, Page, Party, PartyRole, Requester, Result, SatisfactionQuery,
    SatisfactionRatingRef, SlaPolicyRef, Tag, TagQuery, TagRef, Ticket, TicketLookup, TicketQuery,
    TicketStatus, TicketUpdate,
};

use crate::PROVIDER;
use crate::paging::page;
use crate::store::{
    Store, StoredFile, TagEntry, attachment_url, check_id, conflict, invalid, memory_id, not_found,
    raw_of, tag_key,
};

/// A file of a new comment or ticket, read into memory.
#[derive(Clone, Debug)]
pub(crate) struct NewFile {
    pub(crate) file_name: String,
    pub(crate) content_type: String,
    pub(crate) bytes: Bytes,
}

/// The name the in-memory provider gives a party's role: the native value of an author kind.
pub(crate) fn role_name(role: PartyRole) -> &'static str {
    match role {
        PartyRole::Customer => "customer",
        PartyRole::Employee => "employee",
        PartyRole::Org => "org",
    }
}

/// Records when a ticket whose status was just set was resolved and closed: the time it became
/// resolved or closed (kept while it stays finished), and nothing once it is reopened.
fn stamp_finish(ticket: &mut Ticket, now: DateTime<Utc>) {
    match ticket.status.canonical {
        TicketStatus::Closed => {
            ticket.resolved_at.get_or_insert(now);
            ticket.closed_at.get_or_insert(now);
        }
        TicketStatus::Resolved => {
            ticket.resolved_at.get_or_insert(now);
            ticket.closed_at = None;
        }
        _ => {
            ticket.resolved_at = None;
            ticket.closed_at = None;
        }
    }
}

/// Pairs a canonical value with its native form; the in-memory provider's native values are the
/// canonical names.
fn mapped<E: Clone + Display>(value: E) -> Mapped<E> {
    let native = value.to_string();
    Mapped::new(value, native)
}

fn is_blank(body: &Body) -> bool {
    body.text.trim().is_empty()
        && body
            .html
            .as_deref()
            .is_none_or(|html| html.trim().is_empty())
}

/// Trims tags, rejects blank ones and drops case-insensitive duplicates (the first spelling wins).
fn normalize_tags(operation: Operation, tags: &[String]) -> Result<Vec<String>> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(tags.len());
    for tag in tags {
        let tag = tag.trim();
        if tag.is_empty() {
            return Err(invalid(operation, "a tag is empty"));
        }
        if seen.insert(tag_key(tag)) {
            out.push(tag.to_owned());
        }
    }
    Ok(out)
}

fn check_custom_fields(operation: Operation, inputs: &[CustomFieldInput]) -> Result<()> {
    match inputs.iter().find(|input| input.name.trim().is_empty()) {
        Some(_) => Err(invalid(operation, "a custom field has an empty name")),
        None => Ok(()),
    }
}

/// Sets each input on the field with that name (or provider id), adding fields not yet present.
fn apply_custom_fields(fields: &mut Vec<CustomField>, inputs: &[CustomFieldInput]) {
    for input in inputs {
        let existing = fields
            .iter_mut()
            .find(|f| f.name == input.name || f.field_id.as_deref() == Some(input.name.as_str()));
        match existing {
            Some(field) => field.value = input.value.clone(),
            None => fields.push(CustomField {
                name: input.name.clone(),
                field_id: None,
                value: input.value.clone(),
            }),
        }
    }
}

/// Who `createTicket` names as requester, once validated.
enum RequesterPlan {
    None,
    Existing(CanonicalId),
    New { email: String, name: Option<String> },
}

impl Store {
    // ----- lookups shared by the operations -----

    fn ticket(&self, operation: Operation, id: &CanonicalId) -> Result<&Ticket> {
        check_id(operation, id, ObjectKind::Ticket, "ticket")?;
        self.tickets.get(id).ok_or_else(|| not_found(operation, id))
    }

    /// The ticket, which must not be closed: closed tickets are read-only.
    fn open_ticket(&self, operation: Operation, id: &CanonicalId) -> Result<&Ticket> {
        let ticket = self.ticket(operation, id)?;
        if ticket.status.canonical == TicketStatus::Closed {
            return Err(conflict(
                operation,
                format!(
                    "ticket `{}` is closed; a closed ticket cannot be changed",
                    id.external_id()
                ),
            ));
        }
        Ok(ticket)
    }

    fn check_agent(&self, operation: Operation, id: &CanonicalId, what: &str) -> Result<()> {
        check_id(operation, id, ObjectKind::Party, what)?;
        match self.agent(id) {
            Some(_) => Ok(()),
            None => Err(invalid(
                operation,
                format!("{what} `{id}` is not an agent of this workspace"),
            )),
        }
    }

    fn check_group(&self, operation: Operation, id: &CanonicalId) -> Result<()> {
        check_id(operation, id, ObjectKind::Group, "group")?;
        match self.groups.contains(id) {
            true => Ok(()),
            false => Err(invalid(operation, format!("group `{id}` does not exist"))),
        }
    }

    /// Validates a comment to add and returns its author (the current user when none is given).
    fn comment_author(
        &self,
        operation: Operation,
        comment: &NewComment,
    ) -> Result<Option<CanonicalId>> {
        if is_blank(&comment.body) {
            return Err(invalid(operation, "the comment body is empty"));
        }
        match &comment.author {
            None => Ok(self.current_user.clone()),
            Some(author) => {
                check_id(operation, author, ObjectKind::Party, "comment author")?;
                match self.person(author) {
                    Some(_) => Ok(Some(author.clone())),
                    None => Err(invalid(
                        operation,
                        format!("comment author `{author}` does not exist"),
                    )),
                }
            }
        }
    }

    /// Stores a validated comment with the next comment id.
    fn push_comment(
        &mut self,
        ticket: &CanonicalId,
        comment: NewComment,
        author: Option<CanonicalId>,
        files: Vec<NewFile>,
        now: DateTime<Utc>,
    ) -> CommentRef {
        let id = Store::allocate(
            &self.id_format,
            &mut self.next_comment_id,
            ObjectKind::Comment,
            |id| self.comments.contains(id),
        );
        self.insert_comment(id, ticket, comment, author, files, now)
    }

    /// Who wrote a comment: the author's role, or (no author) the agent the port acts as.
    fn author_kind(&self, author: Option<&CanonicalId>) -> Mapped<AuthorKind> {
        let role = author
            .and_then(|id| self.parties.get(id))
            .map_or(PartyRole::Employee, |party| party.role);
        let kind = match role {
            PartyRole::Customer => AuthorKind::Customer,
            PartyRole::Employee | PartyRole::Org => AuthorKind::Agent,
        };
        Mapped::new(kind, role_name(role))
    }

    /// Stores the files of a new comment and returns them as its attachments.
    fn store_files(&mut self, files: Vec<NewFile>, now: DateTime<Utc>) -> Vec<Document> {
        let mut attachments = Vec::with_capacity(files.len());
        for file in files {
            let (articles, stored) = (&self.articles, &self.files);
            let id = Store::allocate(
                &self.id_format,
                &mut self.next_attachment_id,
                ObjectKind::Document,
                |id| articles.contains(id) || stored.contains_key(id),
            );
            let mut document = Document::new(id.clone(), DocumentKind::Attachment, Value::Null);
            document.title = Some(file.file_name);
            document.content_type = Some(file.content_type.clone());
            document.size = Some(file.bytes.len() as u64);
            document.url = Some(attachment_url(&id));
            document.created_at = Some(now);
            document.raw = raw_of(&document).into();
            self.files.insert(
                id,
                StoredFile {
                    content_type: Some(file.content_type),
                    bytes: Some(file.bytes),
                },
            );
            attachments.push(document);
        }
        attachments
    }

    fn insert_comment(
        &mut self,
        id: CanonicalId,
        ticket: &CanonicalId,
        comment: NewComment,
        author: Option<CanonicalId>,
        files: Vec<NewFile>,
        now: DateTime<Utc>,
    ) -> CommentRef {
        let author_kind = self.author_kind(author.as_ref());
        let attachments = self.store_files(files, now);
        let mut stored = ExternalObjectRef::new(
            id.clone(),
            Comment {
                author,
                author_kind: Some(author_kind),
                body: comment.body,
                visibility: comment.visibility,
                created_at: Some(now),
                attachments,
            },
            Value::Null,
        )
        .with_parent(ticket.clone());
        let mut raw = raw_of(&stored);
        if !comment.cc.is_empty()
            && let Value::Object(map) = &mut raw
        {
            map.insert("cc".into(), Value::from(comment.cc));
        }
        stored.raw = raw.into();
        self.comments.insert(id, stored.clone());
        stored
    }

    /// Applies a change to a stored ticket, stamps `updated_at` and refreshes its raw JSON.
    fn change_ticket(
        &mut self,
        operation: Operation,
        id: &CanonicalId,
        now: DateTime<Utc>,
        change: impl FnOnce(&mut Ticket),
    ) -> Result<Ticket> {
        let ticket = self
            .tickets
            .get_mut(id)
            .ok_or_else(|| not_found(operation, id))?;
        change(ticket);
        ticket.updated_at = Some(now);
        ticket.raw = raw_of(&*ticket).into();
        Ok(ticket.clone())
    }

    // ----- the operations -----

    pub(crate) fn check_connection(&self) -> ConnectionInfo {
        let user = self
            .current_user
            .as_ref()
            .and_then(|id| self.parties.get(id))
            .cloned();
        ConnectionInfo::new(PROVIDER, Some(PROVIDER.to_owned()), user)
    }

    pub(crate) fn list_tickets(&self, query: &TicketQuery) -> Result<Page<Ticket>> {
        const OP: Operation = Operation::ListTickets;
        if let Some(agent) = &query.assignee {
            check_id(OP, agent, ObjectKind::Party, "assignee filter")?;
        }
        let tickets = self
            .tickets
            .iter()
            .enumerate()
            .filter(|(_, t)| query.matches(t));
        page(OP, "tickets", &query.page, tickets)
    }

    pub(crate) fn get_ticket(&self, lookup: &TicketLookup) -> Result<Ticket> {
        const OP: Operation = Operation::GetTicket;
        match lookup {
            TicketLookup::Id(id) => self.ticket(OP, id).cloned(),
            TicketLookup::External(reference) => {
                let reference = reference.trim();
                if reference.is_empty() {
                    return Err(invalid(OP, "the ticket reference is empty"));
                }
                self.tickets
                    .iter()
                    .find(|t| t.id.external_id() == reference)
                    .or_else(|| {
                        self.tickets
                            .iter()
                            .find(|t| t.number.as_deref() == Some(reference))
                    })
                    .cloned()
                    .ok_or_else(|| {
                        Error::new(ErrorKind::NotFound, PROVIDER)
                            .with_operation(OP)
                            .with_message(format!("no ticket with id or number `{reference}`"))
                    })
            }
        }
    }

    pub(crate) fn create_ticket(&mut self, new: NewTicket, files: Vec<NewFile>) -> Result<Ticket> {
        const OP: Operation = Operation::CreateTicket;
        if let Some(created) = new
            .idempotency_key
            .as_ref()
            .and_then(|key| self.idempotency.get(key))
            .and_then(|id| self.tickets.get(id))
        {
            return Ok(created.clone());
        }
        if new.subject.trim().is_empty() {
            return Err(invalid(OP, "the subject is empty"));
        }
        if is_blank(&new.description) {
            return Err(invalid(OP, "the description is empty"));
        }
        let requester = match &new.requester {
            None => match &self.current_user {
                Some(user) => RequesterPlan::Existing(user.clone()),
                None => RequesterPlan::None,
            },
            Some(Requester::Id(id)) => {
                check_id(OP, id, ObjectKind::Party, "requester")?;
                if self.person(id).is_none() {
                    return Err(invalid(OP, format!("requester `{id}` does not exist")));
                }
                RequesterPlan::Existing(id.clone())
            }
            Some(Requester::Email { email, name }) => {
                let email = email.trim();
                if email.is_empty() || !email.contains('@') {
                    return Err(invalid(OP, format!("`{email}` is not an e-mail address")));
                }
                let known = self.parties.iter().find(|p| {
                    p.role != PartyRole::Org
                        && p.email
                            .as_deref()
                            .is_some_and(|e| e.eq_ignore_ascii_case(email))
                });
                match known {
                    Some(party) => RequesterPlan::Existing(party.id.clone()),
                    None => RequesterPlan::New {
                        email: email.to_owned(),
                        name: name.clone(),
                    },
                }
            }
        };
        if let Some(agent) = &new.assignee {
            self.check_agent(OP, agent, "assignee")?;
        }
        if let Some(group) = &new.group {
            self.check_group(OP, group)?;
        }
        let tags = normalize_tags(OP, &new.tags)?;
        check_custom_fields(OP, &new.custom_fields)?;

        // Valid: from here on nothing fails.
        let now = Utc::now();
        let requester = match requester {
            RequesterPlan::None => None,
            RequesterPlan::Existing(id) => Some(id),
            RequesterPlan::New { email, name } => {
                let id = Store::allocate(
                    &self.id_format,
                    &mut self.next_party_id,
                    ObjectKind::Party,
                    |id| self.parties.contains(id),
                );
                let mut customer = Party::new(id.clone(), PartyRole::Customer, Value::Null);
                customer.name = name;
                customer.email = Some(email);
                customer.active = Some(true);
                customer.created_at = Some(now);
                customer.raw = raw_of(&customer).into();
                self.parties.insert(id.clone(), customer);
                Some(id)
            }
        };
        let organization = requester
            .as_ref()
            .and_then(|id| self.parties.get(id))
            .and_then(|p| p.organization.clone());
        let id = Store::allocate(
            &self.id_format,
            &mut self.next_ticket_id,
            ObjectKind::Ticket,
            |id| self.tickets.contains(id),
        );
        let mut ticket = Ticket::new(
            id.clone(),
            mapped(new.status.unwrap_or(TicketStatus::New)),
            Value::Null,
        );
        ticket.subject = Some(new.subject);
        ticket.description = Some(new.description.clone());
        ticket.priority = new.priority.map(mapped);
        ticket.channel = Some(mapped(Channel::Api));
        ticket.requester = requester.clone();
        ticket.assignee = new.assignee;
        ticket.group = new.group;
        ticket.organization = organization;
        ticket.tags = tags;
        apply_custom_fields(&mut ticket.custom_fields, &new.custom_fields);
        ticket.external_ref = new.external_ref;
        ticket.created_at = Some(now);
        ticket.updated_at = Some(now);
        stamp_finish(&mut ticket, now);
        ticket.raw = raw_of(&ticket).into();
        self.tickets.insert(id.clone(), ticket.clone());

        // The description is the ticket's first public comment. Its id derives from the ticket's so that
        // the comment counter numbers only the comments added afterwards.
        let description_id = memory_id(
            ObjectKind::Comment,
            format!("{}-description", id.external_id()),
        );
        let description_id = if self.comments.contains(&description_id) {
            Store::allocate(
                &self.id_format,
                &mut self.next_comment_id,
                ObjectKind::Comment,
                |id| self.comments.contains(id),
            )
        } else {
            description_id
        };
        let description = NewComment::public("").with_body(new.description);
        self.insert_comment(description_id, &id, description, requester, files, now);

        if let Some(key) = new.idempotency_key {
            self.idempotency.insert(key, id);
        }
        Ok(ticket)
    }

    pub(crate) fn update_ticket(
        &mut self,
        id: &CanonicalId,
        update: TicketUpdate,
    ) -> Result<Ticket> {
        const OP: Operation = Operation::UpdateTicket;
        check_id(OP, id, ObjectKind::Ticket, "ticket")?;
        if update.is_empty() {
            return Err(invalid(OP, "the update changes nothing"));
        }
        self.open_ticket(OP, id)?;
        if update
            .subject
            .as_deref()
            .is_some_and(|s| s.trim().is_empty())
        {
            return Err(invalid(OP, "the subject is empty"));
        }
        let tags = update
            .tags
            .as_deref()
            .map(|tags| normalize_tags(OP, tags))
            .transpose()?;
        check_custom_fields(OP, &update.custom_fields)?;
        let now = Utc::now();
        self.change_ticket(OP, id, now, |ticket| {
            if let Some(subject) = update.subject {
                ticket.subject = Some(subject);
            }
            if let Some(status) = update.status {
                ticket.status = mapped(status);
                stamp_finish(ticket, now);
            }
            if let Some(priority) = update.priority {
                ticket.priority = Some(mapped(priority));
            }
            if let Some(tags) = tags {
                ticket.tags = tags;
            }
            apply_custom_fields(&mut ticket.custom_fields, &update.custom_fields);
        })
    }

    pub(crate) fn close_ticket(
        &mut self,
        id: &CanonicalId,
        options: CloseOptions,
        files: Vec<NewFile>,
    ) -> Result<Ticket> {
        const OP: Operation = Operation::CloseTicket;
        self.open_ticket(OP, id)?;
        let comment = match options.comment {
            Some(comment) => {
                let author = self.comment_author(OP, &comment)?;
                Some((comment, author))
            }
            None => None,
        };
        let now = Utc::now();
        if let Some((comment, author)) = comment {
            self.push_comment(id, comment, author, files, now);
        }
        self.change_ticket(OP, id, now, |ticket| {
            ticket.status = mapped(TicketStatus::Closed);
            stamp_finish(ticket, now);
        })
    }

    pub(crate) fn list_agents(&self, query: &AgentQuery) -> Result<Page<Party>> {
        const OP: Operation = Operation::ListAgents;
        if let Some(group) = &query.group {
            check_id(OP, group, ObjectKind::Group, "group filter")?;
        }
        let agents = self
            .parties
            .iter()
            .enumerate()
            .filter(|(_, p)| p.role == PartyRole::Employee && query.matches(p));
        page(OP, "agents", &query.page, agents)
    }

    pub(crate) fn assign_ticket(
        &mut self,
        id: &CanonicalId,
        assignment: Assignment,
    ) -> Result<Ticket> {
        const OP: Operation = Operation::AssignTicket;
        check_id(OP, id, ObjectKind::Ticket, "ticket")?;
        if assignment.agent.is_none() && assignment.group.is_none() {
            return Err(invalid(
                OP,
                "the assignment names neither an agent nor a group",
            ));
        }
        self.open_ticket(OP, id)?;
        if let Some(agent) = &assignment.agent {
            self.check_agent(OP, agent, "assignee")?;
        }
        if let Some(group) = &assignment.group {
            self.check_group(OP, group)?;
        }
        self.change_ticket(OP, id, Utc::now(), |ticket| {
            if let Some(agent) = assignment.agent {
                ticket.assignee = Some(agent);
            }
            if let Some(group) = assignment.group {
                ticket.group = Some(group);
            }
        })
    }

    pub(crate) fn add_comment(
        &mut self,
        id: &CanonicalId,
        comment: NewComment,
        files: Vec<NewFile>,
    ) -> Result<CommentRef> {
        const OP: Operation = Operation::AddComment;
        self.open_ticket(OP, id)?;
        let author = self.comment_author(OP, &comment)?;
        let now = Utc::now();
        let added = self.push_comment(id, comment, author, files, now);
        self.change_ticket(OP, id, now, |_| {})?;
        Ok(added)
    }

    pub(crate) fn download_attachment(&self, document: &Document) -> Result<Download> {
        const OP: Operation = Operation::DownloadAttachment;
        check_id(OP, &document.id, ObjectKind::Document, "attachment")?;
        let file = self
            .files
            .get(&document.id)
            .ok_or_else(|| not_found(OP, &document.id))?;
        let bytes = file.bytes.clone().ok_or_else(|| {
            Error::new(ErrorKind::NotFound, PROVIDER)
                .with_operation(OP)
                .with_message(format!(
                    "attachment `{}` was seeded without its bytes",
                    document.id.external_id()
                ))
        })?;
        Ok(Download::from_bytes(file.content_type.clone(), bytes))
    }

    pub(crate) fn list_comments(
        &self,
        id: &CanonicalId,
        query: &CommentQuery,
    ) -> Result<Page<CommentRef>> {
        const OP: Operation = Operation::ListComments;
        self.ticket(OP, id)?;
        let comments = self
            .comments
            .iter()
            .enumerate()
            .filter(|(_, c)| c.parent.as_ref() == Some(id) && query.matches(&c.data));
        page(OP, "comments", &query.page, comments)
    }

    /// Every tag, by lower-cased name: those tickets carry, with the number of tickets carrying them,
    /// and those registered by seeding or `createTag`, whose extra count is added.
    fn all_tags(&self) -> Vec<(String, TagRef)> {
        let mut tags: BTreeMap<String, (String, u64)> = BTreeMap::new();
        for ticket in self.tickets.iter() {
            let mut carried = BTreeSet::new();
            for tag in &ticket.tags {
                let key = tag_key(tag);
                if carried.insert(key.clone()) {
                    tags.entry(key).or_insert_with(|| (tag.clone(), 0)).1 += 1;
                }
            }
        }
        for (key, TagEntry { name, extra }) in &self.tags {
            let entry = tags.entry(key.clone()).or_insert_with(|| (name.clone(), 0));
            entry.0.clone_from(name);
            entry.1 = entry.1.saturating_add(*extra);
        }
        tags.into_iter()
            .map(|(key, (name, count))| (key, tag_ref(name, count)))
            .collect()
    }

    pub(crate) fn list_tags(&self, query: &TagQuery) -> Result<Page<TagRef>> {
        let tags = self.all_tags();
        page(
            Operation::ListTags,
            "tags",
            &query.page,
            tags.iter().map(|(key, tag)| (key.clone(), tag)),
        )
    }

    pub(crate) fn create_tag(&mut self, tag: NewTag) -> Result<TagRef> {
        const OP: Operation = Operation::CreateTag;
        let name = tag.name.trim();
        if name.is_empty() {
            return Err(invalid(OP, "the tag name is empty"));
        }
        let key = tag_key(name);
        if self.tags.contains_key(&key) || self.tickets_tagged(&key) > 0 {
            return Err(conflict(OP, format!("tag `{name}` already exists")));
        }
        self.tags.insert(
            key,
            TagEntry {
                name: name.to_owned(),
                extra: 0,
            },
        );
        Ok(tag_ref(name.to_owned(), 0))
    }

    pub(crate) fn get_knowledge_article(&self, id: &CanonicalId) -> Result<Document> {
        const OP: Operation = Operation::GetKnowledgeArticle;
        check_id(OP, id, ObjectKind::Document, "article")?;
        self.articles
            .get(id)
            .cloned()
            .ok_or_else(|| not_found(OP, id))
    }

    pub(crate) fn list_knowledge_articles(&self, query: &ArticleQuery) -> Result<Page<Document>> {
        const OP: Operation = Operation::ListKnowledgeArticles;
        if let Some(category) = &query.category {
            check_id(OP, category, ObjectKind::Category, "category filter")?;
        }
        let articles = self
            .articles
            .iter()
            .enumerate()
            .filter(|(_, a)| query.matches(a));
        page(OP, "articles", &query.page, articles)
    }

    pub(crate) fn get_sla(&self, id: &CanonicalId) -> Result<SlaPolicyRef> {
        const OP: Operation = Operation::GetSla;
        check_id(OP, id, ObjectKind::SlaPolicy, "SLA policy")?;
        self.sla_policies
            .get(id)
            .cloned()
            .ok_or_else(|| not_found(OP, id))
    }

    pub(crate) fn list_satisfaction_ratings(
        &self,
        query: &SatisfactionQuery,
    ) -> Result<Page<SatisfactionRatingRef>> {
        const OP: Operation = Operation::ListSatisfactionRatings;
        if let Some(ticket) = &query.ticket {
            check_id(OP, ticket, ObjectKind::Ticket, "ticket filter")?;
        }
        let ratings = self
            .ratings
            .iter()
            .enumerate()
            .filter(|(_, r)| query.matches(&r.data));
        page(OP, "ratings", &query.page, ratings)
    }
}

fn tag_ref(name: String, count: u64) -> TagRef {
    let mut tag = ExternalObjectRef::new(
        memory_id(ObjectKind::Tag, name.clone()),
        Tag {
            name,
            count: Some(count),
        },
        Value::Null,
    );
    tag.raw = raw_of(&tag).into();
    tag
}
