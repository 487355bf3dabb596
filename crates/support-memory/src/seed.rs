//! [`MemoryPortBuilder`]: seeding a [`MemoryPort`] with canonical objects.

use std::collections::HashMap;
use std::fmt;

use bytes::Bytes;
use serde::Serialize;
use support_core::{
    CanonicalId, CommentRef, Document, DocumentKind, Error, ObjectKind, Party, PartyRole, Result,
    SatisfactionRatingRef, SlaPolicyRef, Ticket,
};

use crate::port::MemoryPort;
use crate::store::{
    IdFormat, Named, Store, StoredFile, TagEntry, attachment_url, id_problem, raw_of, tag_key,
};
use crate::{DEFAULT_UPLOAD_LIMIT, PROVIDER};

/// Seeds a [`MemoryPort`] with canonical objects.
///
/// The `with_*` methods only collect; [`build`](MemoryPortBuilder::build) checks everything and fails
/// with an [`ErrorKind::InvalidInput`](support_core::ErrorKind::InvalidInput) error when:
///
/// - an id (of an object or of an object it refers to) belongs to another provider than `memory`, or
///   is of the wrong kind (a ticket id that is not `memory:ticket:…`);
/// - two objects of a kind share an id, or two tags a name (compared case-insensitively);
/// - a party is given to [`with_agent`](Self::with_agent) / [`with_customer`](Self::with_customer) /
///   [`with_organization`](Self::with_organization) with another role;
/// - a comment has no parent ticket, or its parent was not seeded;
/// - an article is not a [`DocumentKind::KnowledgeArticle`];
/// - a comment's attachment is not a [`DocumentKind::Attachment`], or two attachments (or an
///   attachment and an article) share an id, or bytes are seeded for an attachment no comment has;
/// - the [current user](Self::with_current_user) is not a seeded agent.
///
/// Other references (a ticket's requester, a rating's ticket, ...) need not exist. Groups listed in an
/// agent's `groups` and categories listed in an article's `categories` are registered (without a name)
/// when not seeded explicitly. An object seeded with a `null` `raw` gets its serde_json form as raw.
///
/// The builder is `Clone`: build it several times for several independent helpdesks with the same data.
#[derive(Clone)]
pub struct MemoryPortBuilder {
    parties: Vec<(Option<PartyRole>, Party)>,
    groups: Vec<(CanonicalId, String)>,
    categories: Vec<(CanonicalId, String)>,
    tickets: Vec<Ticket>,
    comments: Vec<CommentRef>,
    tags: Vec<(String, u64)>,
    articles: Vec<Document>,
    sla_policies: Vec<SlaPolicyRef>,
    ratings: Vec<SatisfactionRatingRef>,
    attachment_bytes: HashMap<CanonicalId, Bytes>,
    upload_limit: u64,
    next_ticket_id: u64,
    next_comment_id: u64,
    next_party_id: u64,
    id_format: IdFormat,
    current_user: Option<CanonicalId>,
}

impl Default for MemoryPortBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for MemoryPortBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryPortBuilder")
            .field("parties", &self.parties.len())
            .field("groups", &self.groups.len())
            .field("tickets", &self.tickets.len())
            .field("comments", &self.comments.len())
            .field("tags", &self.tags.len())
            .field("categories", &self.categories.len())
            .field("articles", &self.articles.len())
            .field("sla_policies", &self.sla_policies.len())
            .field("ratings", &self.ratings.len())
            .field("attachment_bytes", &self.attachment_bytes.len())
            .field("upload_limit", &self.upload_limit)
            .field("next_ticket_id", &self.next_ticket_id)
            .field("next_comment_id", &self.next_comment_id)
            .field("next_party_id", &self.next_party_id)
            .field(
                "current_user",
                &self.current_user.as_ref().map(ToString::to_string),
            )
            .finish()
    }
}

impl MemoryPortBuilder {
    /// The keys [`from_settings`](Self::from_settings) reads: none. The in-memory port has no
    /// account, credentials or HTTP client, so not even the common options apply.
    pub const SETTINGS: &'static [support_core::SettingSpec] = &[];

    /// Accepts settings with no options (`provider = "memory"` alone): the in-memory port is
    /// configured by seeding, in code. Any key is refused, naming it.
    ///
    /// ```
    /// use support_core::Settings;
    /// use support_memory::MemoryPort;
    ///
    /// let port = MemoryPort::builder().from_settings(&Settings::new("memory"))?.build()?;
    /// # let _ = port;
    /// assert!(MemoryPort::builder().from_settings(&Settings::new("memory").with("base_url", "x")).is_err());
    /// # Ok::<(), support_core::Error>(())
    /// ```
    pub fn from_settings(self, settings: &support_core::Settings) -> Result<Self> {
        settings.check_known(Self::SETTINGS)?;
        Ok(self)
    }

    /// An empty builder; new ids are counted from 1.
    pub fn new() -> Self {
        Self {
            parties: Vec::new(),
            groups: Vec::new(),
            categories: Vec::new(),
            tickets: Vec::new(),
            comments: Vec::new(),
            tags: Vec::new(),
            articles: Vec::new(),
            sla_policies: Vec::new(),
            ratings: Vec::new(),
            attachment_bytes: HashMap::new(),
            upload_limit: DEFAULT_UPLOAD_LIMIT,
            next_ticket_id: 1,
            next_comment_id: 1,
            next_party_id: 1,
            id_format: IdFormat::default(),
            current_user: None,
        }
    }

    /// Adds an agent (role [`PartyRole::Employee`]); `listAgents` lists agents in the order added.
    pub fn with_agent(mut self, agent: Party) -> Self {
        self.parties.push((Some(PartyRole::Employee), agent));
        self
    }

    /// Adds a customer (role [`PartyRole::Customer`]).
    pub fn with_customer(mut self, customer: Party) -> Self {
        self.parties.push((Some(PartyRole::Customer), customer));
        self
    }

    /// Adds an organisation (role [`PartyRole::Org`]).
    pub fn with_organization(mut self, organization: Party) -> Self {
        self.parties.push((Some(PartyRole::Org), organization));
        self
    }

    /// Adds a party of any role.
    pub fn with_party(mut self, party: Party) -> Self {
        self.parties.push((None, party));
        self
    }

    /// Adds a group of agents (`memory:group:…`).
    pub fn with_group(mut self, id: CanonicalId, name: impl Into<String>) -> Self {
        self.groups.push((id, name.into()));
        self
    }

    /// Adds a ticket; `listTickets` lists tickets in the order added, created ones last.
    pub fn with_ticket(mut self, ticket: Ticket) -> Self {
        self.tickets.push(ticket);
        self
    }

    /// Adds a comment to the ticket named by its `parent`. Comments are listed oldest first (by
    /// `created_at`, then in the order added).
    pub fn with_comment(mut self, comment: CommentRef) -> Self {
        self.comments.push(comment);
        self
    }

    /// The bytes of a seeded comment's attachment (a [`Document`] of its `attachments`, by id), which
    /// `downloadAttachment` returns. An attachment seeded without bytes is listed, but downloading it
    /// is `NotFound`. Seeded attachments without a `url` get `memory://attachments/{id}`, and without
    /// a `size` the length of these bytes.
    pub fn with_attachment_bytes(
        mut self,
        attachment: CanonicalId,
        bytes: impl Into<Bytes>,
    ) -> Self {
        self.attachment_bytes.insert(attachment, bytes.into());
        self
    }

    /// The largest file, in bytes, that can be attached to a new comment or ticket (default
    /// [`DEFAULT_UPLOAD_LIMIT`]); a larger one is refused with `InvalidInput` before anything is
    /// stored. `capabilities().upload_limits()` reports it.
    pub fn with_upload_limit(mut self, bytes: u64) -> Self {
        self.upload_limit = bytes;
        self
    }

    /// Registers a workspace tag used by `count` tickets.
    ///
    /// Tags carried by seeded tickets need not be registered. When the seeded tickets carrying the tag
    /// are fewer than `count`, the difference stands for tickets the store does not hold: it is kept,
    /// and `listTags` reports it plus the tickets carrying the tag at the time of listing.
    pub fn with_tag(mut self, name: impl Into<String>, count: u64) -> Self {
        self.tags.push((name.into(), count));
        self
    }

    /// Adds a knowledge-base category (`memory:category:…`).
    pub fn with_category(mut self, id: CanonicalId, name: impl Into<String>) -> Self {
        self.categories.push((id, name.into()));
        self
    }

    /// Adds a knowledge article.
    pub fn with_article(mut self, article: Document) -> Self {
        self.articles.push(article);
        self
    }

    /// Adds an SLA policy.
    pub fn with_sla_policy(mut self, policy: SlaPolicyRef) -> Self {
        self.sla_policies.push(policy);
        self
    }

    /// Adds a satisfaction rating.
    pub fn with_rating(mut self, rating: SatisfactionRatingRef) -> Self {
        self.ratings.push(rating);
        self
    }

    /// The number the next created ticket gets as id (default 1); ids already taken are skipped.
    pub fn with_next_ticket_id(mut self, next: u64) -> Self {
        self.next_ticket_id = next;
        self
    }

    /// The number the next comment added by `addComment` or `closeTicket` gets as id (default 1); ids
    /// already taken are skipped. A ticket's description comment is `{ticket id}-description` instead.
    pub fn with_next_comment_id(mut self, next: u64) -> Self {
        self.next_comment_id = next;
        self
    }

    /// The number the next customer created by `createTicket` (requester by e-mail) gets as id
    /// (default 1); ids already taken are skipped.
    pub fn with_next_party_id(mut self, next: u64) -> Self {
        self.next_party_id = next;
        self
    }

    /// How the ids of created tickets, comments and customers are spelled: `format(kind, number)` for
    /// the counted number (default: the number in decimal). An application standing the port in for
    /// a provider whose ids are not numbers (32-hex, 18-character) gets ids shaped like that
    /// provider's:
    ///
    /// ```
    /// use support_core::{NewTicket, ObjectKind, SupportPort};
    /// use support_memory::MemoryPort;
    ///
    /// # tokio_test_block(async {
    /// let port = MemoryPort::builder()
    ///     .with_id_format(|_kind: ObjectKind, number| format!("{number:032x}"))
    ///     .build()?;
    /// let ticket = port.create_ticket(NewTicket::new("Printer", "On fire")).await?;
    /// assert_eq!(ticket.id.external_id(), "00000000000000000000000000000001");
    /// # Ok::<(), support_core::Error>(())
    /// # });
    /// # fn tokio_test_block<F: std::future::Future>(f: F) -> F::Output {
    /// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
    /// # }
    /// ```
    pub fn with_id_format(
        mut self,
        format: impl Fn(ObjectKind, u64) -> String + Send + Sync + 'static,
    ) -> Self {
        self.id_format = IdFormat::new(format);
        self
    }

    /// The agent the port acts as: the author of comments added without one, the requester of tickets
    /// created without one, and the user `check_connection` reports.
    pub fn with_current_user(mut self, agent: CanonicalId) -> Self {
        self.current_user = Some(agent);
        self
    }

    /// Checks the seed and builds the port.
    pub fn build(self) -> Result<MemoryPort> {
        let upload_limit = self.upload_limit;
        self.into_store()
            .map(|store| MemoryPort::from_store(store, upload_limit))
    }

    fn into_store(mut self) -> Result<Store> {
        let mut store = Store {
            next_ticket_id: self.next_ticket_id,
            next_comment_id: self.next_comment_id,
            next_party_id: self.next_party_id,
            id_format: self.id_format.clone(),
            ..Store::default()
        };

        for (id, name) in self.groups {
            check(&id, ObjectKind::Group, "group")?;
            insert(
                &mut store.groups,
                "group",
                id.clone(),
                Named { name: Some(name) },
            )?;
        }
        for (role, mut party) in self.parties {
            check(&party.id, ObjectKind::Party, "party")?;
            if let Some(role) = role
                && party.role != role
            {
                return Err(seed_error(format!(
                    "party `{}` has role {:?}, expected {role:?}",
                    party.id, party.role
                )));
            }
            check_ref(
                party.organization.as_ref(),
                ObjectKind::Party,
                "organization",
            )?;
            for group in &party.groups {
                check(group, ObjectKind::Group, "group")?;
                if !store.groups.contains(group) {
                    store.groups.insert(group.clone(), Named { name: None });
                }
            }
            fill_raw(&mut party, |p| &mut p.raw);
            insert(&mut store.parties, "party", party.id.clone(), party)?;
        }
        if let Some(user) = &self.current_user {
            check(user, ObjectKind::Party, "current user")?;
            if store.agent(user).is_none() {
                return Err(seed_error(format!(
                    "the current user `{user}` is not a seeded agent"
                )));
            }
        }
        store.current_user = self.current_user;

        for mut ticket in self.tickets {
            check(&ticket.id, ObjectKind::Ticket, "ticket")?;
            check_ref(ticket.requester.as_ref(), ObjectKind::Party, "requester")?;
            check_ref(ticket.assignee.as_ref(), ObjectKind::Party, "assignee")?;
            check_ref(
                ticket.organization.as_ref(),
                ObjectKind::Party,
                "organization",
            )?;
            check_ref(ticket.group.as_ref(), ObjectKind::Group, "group")?;
            fill_raw(&mut ticket, |t| &mut t.raw);
            insert(&mut store.tickets, "ticket", ticket.id.clone(), ticket)?;
        }

        let mut comments = self.comments;
        comments.sort_by_key(|c| c.data.created_at);
        for mut comment in comments {
            check(&comment.id, ObjectKind::Comment, "comment")?;
            let Some(parent) = &comment.parent else {
                return Err(seed_error(format!(
                    "comment `{}` has no parent ticket",
                    comment.id
                )));
            };
            check(parent, ObjectKind::Ticket, "parent ticket")?;
            if !store.tickets.contains(parent) {
                return Err(seed_error(format!(
                    "comment `{}` belongs to ticket `{parent}`, which was not seeded",
                    comment.id
                )));
            }
            check_ref(comment.data.author.as_ref(), ObjectKind::Party, "author")?;
            for attachment in &mut comment.data.attachments {
                check(&attachment.id, ObjectKind::Document, "attachment")?;
                if attachment.kind != DocumentKind::Attachment {
                    return Err(seed_error(format!(
                        "document `{}` of comment `{}` is not an attachment",
                        attachment.id, comment.id
                    )));
                }
                if store.files.contains_key(&attachment.id) {
                    return Err(seed_error(format!(
                        "two attachments have the id `{}`",
                        attachment.id
                    )));
                }
                let bytes = self.attachment_bytes.remove(&attachment.id);
                if attachment.url.is_none() {
                    attachment.url = Some(attachment_url(&attachment.id));
                }
                if attachment.size.is_none() {
                    attachment.size = bytes.as_ref().map(|b| b.len() as u64);
                }
                fill_raw(attachment, |a| &mut a.raw);
                store.files.insert(
                    attachment.id.clone(),
                    StoredFile {
                        content_type: attachment.content_type.clone(),
                        bytes,
                    },
                );
            }
            fill_raw(&mut comment, |c| &mut c.raw);
            insert(&mut store.comments, "comment", comment.id.clone(), comment)?;
        }

        if let Some(id) = self.attachment_bytes.keys().next() {
            return Err(seed_error(format!(
                "bytes are seeded for attachment `{id}`, which no seeded comment has"
            )));
        }

        for (name, count) in self.tags {
            let name = name.trim().to_owned();
            if name.is_empty() {
                return Err(seed_error("a tag name is empty"));
            }
            let key = tag_key(&name);
            if store.tags.contains_key(&key) {
                return Err(seed_error(format!("tag `{name}` is seeded twice")));
            }
            let extra = count.saturating_sub(store.tickets_tagged(&key));
            store.tags.insert(key, TagEntry { name, extra });
        }

        for (id, name) in self.categories {
            check(&id, ObjectKind::Category, "category")?;
            insert(
                &mut store.categories,
                "category",
                id.clone(),
                Named { name: Some(name) },
            )?;
        }
        for mut article in self.articles {
            check(&article.id, ObjectKind::Document, "article")?;
            if article.kind != DocumentKind::KnowledgeArticle {
                return Err(seed_error(format!(
                    "document `{}` is not a knowledge article",
                    article.id
                )));
            }
            check_ref(article.author.as_ref(), ObjectKind::Party, "author")?;
            if store.files.contains_key(&article.id) {
                return Err(seed_error(format!(
                    "article `{}` has the id of an attachment",
                    article.id
                )));
            }
            for category in &article.categories {
                check(category, ObjectKind::Category, "category")?;
                if !store.categories.contains(category) {
                    store
                        .categories
                        .insert(category.clone(), Named { name: None });
                }
            }
            fill_raw(&mut article, |a| &mut a.raw);
            insert(&mut store.articles, "article", article.id.clone(), article)?;
        }

        for mut policy in self.sla_policies {
            check(&policy.id, ObjectKind::SlaPolicy, "SLA policy")?;
            fill_raw(&mut policy, |p| &mut p.raw);
            insert(
                &mut store.sla_policies,
                "SLA policy",
                policy.id.clone(),
                policy,
            )?;
        }
        for mut rating in self.ratings {
            check(&rating.id, ObjectKind::SatisfactionRating, "rating")?;
            check_ref(rating.parent.as_ref(), ObjectKind::Ticket, "rated ticket")?;
            check_ref(
                rating.data.ticket.as_ref(),
                ObjectKind::Ticket,
                "rated ticket",
            )?;
            check_ref(
                rating.data.requester.as_ref(),
                ObjectKind::Party,
                "requester",
            )?;
            check_ref(rating.data.assignee.as_ref(), ObjectKind::Party, "assignee")?;
            fill_raw(&mut rating, |r| &mut r.raw);
            insert(&mut store.ratings, "rating", rating.id.clone(), rating)?;
        }
        Ok(store)
    }
}

fn seed_error(message: impl Into<String>) -> Error {
    Error::invalid_input(
        PROVIDER,
        format!("cannot seed the memory port: {}", message.into()),
    )
}

fn check(id: &CanonicalId, kind: ObjectKind, what: &str) -> Result<()> {
    match id_problem(id, kind, what) {
        Some(problem) => Err(seed_error(problem)),
        None => Ok(()),
    }
}

fn check_ref(id: Option<&CanonicalId>, kind: ObjectKind, what: &str) -> Result<()> {
    id.map_or(Ok(()), |id| check(id, kind, what))
}

fn insert<T>(
    table: &mut crate::store::Table<T>,
    what: &str,
    id: CanonicalId,
    item: T,
) -> Result<()> {
    let shown = id.to_string();
    if table.insert(id, item) {
        Ok(())
    } else {
        Err(seed_error(format!(
            "two {what} objects have the id `{shown}`"
        )))
    }
}

/// Sets a `null` raw to the object's serde_json form.
fn fill_raw<T: Serialize>(object: &mut T, raw: impl Fn(&mut T) -> &mut support_core::RawJson) {
    if raw(object).is_null() {
        let value = raw_of(&*object);
        *raw(object) = value.into();
    }
}
