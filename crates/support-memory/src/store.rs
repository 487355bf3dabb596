//! The state of an in-memory port: insertion-ordered tables, the tag registry, id counters, and the
//! helpers every operation shares (id checks, errors, raw JSON).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use serde::Serialize;
use serde_json::Value;
use support_core::{
    CanonicalId, CommentRef, Document, Error, ErrorKind, ObjectKind, Operation, Party, PartyRole,
    Result, SatisfactionRatingRef, SlaPolicyRef, Ticket,
};

use crate::PROVIDER;

/// Objects in insertion order with an index by id. Nothing is ever removed, so positions are stable
/// and double as paging keys.
#[derive(Clone, Debug)]
pub(crate) struct Table<T> {
    items: Vec<T>,
    index: HashMap<CanonicalId, usize>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            index: HashMap::new(),
        }
    }
}

impl<T> Table<T> {
    /// Appends an object; `false` (and nothing stored) when the id is taken.
    pub(crate) fn insert(&mut self, id: CanonicalId, item: T) -> bool {
        if self.index.contains_key(&id) {
            return false;
        }
        self.index.insert(id, self.items.len());
        self.items.push(item);
        true
    }

    pub(crate) fn get(&self, id: &CanonicalId) -> Option<&T> {
        self.index.get(id).and_then(|&at| self.items.get(at))
    }

    pub(crate) fn get_mut(&mut self, id: &CanonicalId) -> Option<&mut T> {
        self.index.get(id).and_then(|&at| self.items.get_mut(at))
    }

    pub(crate) fn contains(&self, id: &CanonicalId) -> bool {
        self.index.contains_key(id)
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    pub(crate) fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }
}

/// A group of agents or a knowledge-base category (the table holds its id).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Named {
    /// Its name, when seeded with one.
    #[allow(
        dead_code,
        reason = "no operation returns groups or categories yet; kept for when one does"
    )]
    pub(crate) name: Option<String>,
}

/// A tag registered in the workspace (seeded or created), beyond those merely carried by tickets.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct TagEntry {
    /// The name as registered.
    pub(crate) name: String,
    /// Tickets counted on top of those the store holds: a seeded count larger than the number of
    /// seeded tickets carrying the tag stands for tickets the store does not hold.
    pub(crate) extra: u64,
}

/// A file attached to a comment: what `downloadAttachment` returns.
#[derive(Clone, Debug)]
pub(crate) struct StoredFile {
    /// Its MIME type.
    pub(crate) content_type: Option<String>,
    /// Its bytes; `None` for a seeded attachment whose bytes were not seeded.
    pub(crate) bytes: Option<Bytes>,
}

/// Everything an in-memory port holds.
#[derive(Clone, Debug)]
pub(crate) struct Store {
    /// Agents, customers and organisations.
    pub(crate) parties: Table<Party>,
    pub(crate) groups: Table<Named>,
    pub(crate) categories: Table<Named>,
    pub(crate) tickets: Table<Ticket>,
    /// Every ticket's comments, oldest first.
    pub(crate) comments: Table<CommentRef>,
    /// Registered tags by lower-cased name.
    pub(crate) tags: BTreeMap<String, TagEntry>,
    pub(crate) articles: Table<Document>,
    pub(crate) sla_policies: Table<SlaPolicyRef>,
    pub(crate) ratings: Table<SatisfactionRatingRef>,
    /// The files attached to comments, by document id.
    pub(crate) files: HashMap<CanonicalId, StoredFile>,
    /// Idempotency key of a `createTicket` -> the ticket it created.
    pub(crate) idempotency: HashMap<String, CanonicalId>,
    pub(crate) next_ticket_id: u64,
    pub(crate) next_comment_id: u64,
    pub(crate) next_party_id: u64,
    pub(crate) next_attachment_id: u64,
    /// How a counted number is spelled as an id.
    pub(crate) id_format: IdFormat,
    /// The agent the port acts as: the default comment author, and `check_connection`'s user.
    pub(crate) current_user: Option<CanonicalId>,
}

impl Default for Store {
    fn default() -> Self {
        Self {
            parties: Table::default(),
            groups: Table::default(),
            categories: Table::default(),
            tickets: Table::default(),
            comments: Table::default(),
            tags: BTreeMap::new(),
            articles: Table::default(),
            sla_policies: Table::default(),
            ratings: Table::default(),
            files: HashMap::new(),
            idempotency: HashMap::new(),
            next_ticket_id: 1,
            next_comment_id: 1,
            next_party_id: 1,
            next_attachment_id: 1,
            id_format: IdFormat::default(),
            current_user: None,
        }
    }
}

/// How the ids the port gives new objects are spelled: decimal numbers by default, or the spelling
/// of the provider an application stands the port in for (32-hex, 18-character, ...).
#[derive(Clone)]
pub(crate) struct IdFormat(Arc<dyn Fn(ObjectKind, u64) -> String + Send + Sync>);

impl IdFormat {
    pub(crate) fn new(format: impl Fn(ObjectKind, u64) -> String + Send + Sync + 'static) -> Self {
        Self(Arc::new(format))
    }

    pub(crate) fn spell(&self, kind: ObjectKind, number: u64) -> String {
        (self.0)(kind, number)
    }
}

impl Default for IdFormat {
    fn default() -> Self {
        Self::new(|_, number| number.to_string())
    }
}

impl fmt::Debug for IdFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IdFormat")
    }
}

impl Store {
    /// The agent with this id.
    pub(crate) fn agent(&self, id: &CanonicalId) -> Option<&Party> {
        self.parties
            .get(id)
            .filter(|p| p.role == PartyRole::Employee)
    }

    /// The person (customer or agent, not an organisation) with this id.
    pub(crate) fn person(&self, id: &CanonicalId) -> Option<&Party> {
        self.parties.get(id).filter(|p| p.role != PartyRole::Org)
    }

    /// How many stored tickets carry the tag (compared case-insensitively).
    pub(crate) fn tickets_tagged(&self, key: &str) -> u64 {
        let count = self
            .tickets
            .iter()
            .filter(|t| t.tags.iter().any(|tag| tag.eq_ignore_ascii_case(key)))
            .count();
        u64::try_from(count).unwrap_or(u64::MAX)
    }

    /// The next free decimal id from a counter, skipping ids already taken.
    pub(crate) fn allocate(
        format: &IdFormat,
        next: &mut u64,
        kind: ObjectKind,
        taken: impl Fn(&CanonicalId) -> bool,
    ) -> CanonicalId {
        loop {
            let id = memory_id(kind, format.spell(kind, *next));
            *next = next.wrapping_add(1);
            if !taken(&id) {
                return id;
            }
        }
    }
}

/// Where an attachment can be fetched: a URL naming the in-memory store, read back with
/// `downloadAttachment`.
pub(crate) fn attachment_url(id: &CanonicalId) -> String {
    format!("{PROVIDER}://attachments/{}", id.external_id())
}

pub(crate) fn memory_id(kind: ObjectKind, external_id: impl Into<String>) -> CanonicalId {
    CanonicalId::new(PROVIDER, kind, external_id)
}

/// The key a tag is registered and counted under: ASCII-lower-cased, as `TicketQuery::matches`
/// compares tags.
pub(crate) fn tag_key(name: &str) -> String {
    name.to_ascii_lowercase()
}

/// The serde_json form of a canonical object, without its own `raw` field: what the in-memory
/// provider "sent".
pub(crate) fn raw_of<T: Serialize>(object: &T) -> Value {
    match serde_json::to_value(object) {
        Ok(Value::Object(mut map)) => {
            map.remove("raw");
            Value::Object(map)
        }
        Ok(other) => other,
        Err(error) => serde_json::json!({ "error": error.to_string() }),
    }
}

// ----- errors -----

pub(crate) fn invalid(operation: Operation, message: impl Into<String>) -> Error {
    Error::invalid_input(PROVIDER, message).with_operation(operation)
}

pub(crate) fn not_found(operation: Operation, id: &CanonicalId) -> Error {
    Error::new(ErrorKind::NotFound, PROVIDER)
        .with_operation(operation)
        .with_message(format!("no {} `{}`", id.kind(), id.external_id()))
}

pub(crate) fn conflict(operation: Operation, message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Conflict, PROVIDER)
        .with_operation(operation)
        .with_message(message)
}

/// Why `id` cannot name a `kind` of this provider, if it cannot.
pub(crate) fn id_problem(id: &CanonicalId, kind: ObjectKind, what: &str) -> Option<String> {
    if id.provider() != PROVIDER {
        Some(format!(
            "{what} `{id}` belongs to provider `{}`, not `{PROVIDER}`",
            id.provider()
        ))
    } else if id.kind() != kind {
        Some(format!(
            "{what} `{id}` is a {} id, expected a {kind} id",
            id.kind()
        ))
    } else {
        None
    }
}

/// Checks that `id` is a `kind` id of this provider: an `InvalidInput` error of `operation` if not.
pub(crate) fn check_id(
    operation: Operation,
    id: &CanonicalId,
    kind: ObjectKind,
    what: &str,
) -> Result<()> {
    match id_problem(id, kind, what) {
        Some(problem) => Err(invalid(operation, problem)),
        None => Ok(()),
    }
}
