//! A ticket's comments: internal notes (CRM notes associated with the ticket) and public messages
//! of the ticket's conversations inbox thread.
//!
//! - Adding an internal comment creates a note with its note→ticket association (type 228) in one
//!   request. Adding a public one sends a `MESSAGE` to the ticket's thread
//!   (`GET /conversations/v3/conversations/threads?associatedTicketId=…&association=TICKET`, then
//!   `POST …/threads/{threadId}/messages`) on the thread's own channel, from the author's (or the
//!   ticket owner's) agent actor `A-{userId}`, to the thread contact's e-mail address. A ticket
//!   without a thread takes no public reply: that is an error, never a note in its place.
//! - Files (`files.rs`) are uploaded before the note or message that names them: a note by
//!   `hs_attachment_ids`, a message by `attachments: [{type: FILE, fileId}]`; listed comments
//!   carry their files' details, each file read once per page.
//! - Listing merges the ticket's notes with its thread's messages (`type: MESSAGE` only; internal
//!   thread comments and system entries are left out) by time. HubSpot pages the two separately
//!   and the note associations in no time order, so each page reads both whole and continues
//!   after the last comment listed (its time and id), which the cursor keeps.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use support_core::kit::json as kjson;
use support_core::page::ListingState;
use support_core::{
    AuthorKind, Body, CanonicalId, Comment, CommentQuery, CommentRef, Cursor, Document, Error,
    ErrorKind, ExternalObjectRef, Mapped, NewComment, ObjectKind, Operation, Page, Result,
    SupportPort, Visibility,
};

use crate::generated::types;
use crate::listing::{DEFAULT_PAGE, MAX_PAGE};
use crate::port::HubSpotPort;
use crate::{PROVIDER, bodies, files, map};

/// Note associations read per request (the v4 association listing's largest page).
const ASSOCIATION_PAGE: i32 = 500;
/// Notes read per batch request.
const NOTE_BATCH: usize = 100;
/// Thread messages read per request.
const MESSAGE_PAGE: i32 = 100;
/// The most pages one source is read for (a guard against a provider that never ends).
const MAX_PAGES: usize = 10_000;

/// The note properties a comment is read with.
const NOTE_PROPERTIES: [&str; 4] = [
    "hs_note_body",
    "hs_timestamp",
    "hubspot_owner_id",
    "hs_attachment_ids",
];

/// Where a ticket's comment listing goes on: after the comment listed last.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct CommentsAfter {
    /// Its time, epoch milliseconds.
    pub(crate) at_ms: i64,
    /// Its id.
    pub(crate) id: String,
}

impl ListingState for CommentsAfter {
    const LISTING: &'static str = "ticket-comments";
}

/// The order of comments: time, then id (numeric ids by value).
fn order_key(comment: &CommentRef) -> (i64, usize, String) {
    let id = comment.external_id().to_owned();
    (
        comment
            .data
            .created_at
            .map_or(i64::MIN, |t| t.timestamp_millis()),
        id.len(),
        id,
    )
}

impl HubSpotPort {
    /// `addComment`: an internal note, or a public message of the ticket's inbox thread.
    pub(crate) async fn add_ticket_comment(
        &self,
        operation: Operation,
        id: &str,
        comment: NewComment,
    ) -> Result<CommentRef> {
        self.capabilities()
            .check_uploads(PROVIDER, operation, &comment.attachments)?;
        match comment.visibility {
            Visibility::Internal => self.add_note(operation, id, comment).await,
            Visibility::Public => self.send_message(operation, id, comment).await,
        }
    }

    /// Creates a note associated with ticket `id` in one request (`POST /crm/v3/objects/notes`).
    async fn add_note(
        &self,
        operation: Operation,
        id: &str,
        comment: NewComment,
    ) -> Result<CommentRef> {
        let html = comment
            .body
            .html
            .clone()
            .unwrap_or_else(|| support_core::kit::html::text_to_html(&comment.body.text));
        let mut request = bodies::note(id, &html, Utc::now().timestamp_millis());
        if let Some(author) = &comment.author {
            let owner = author.numeric_id(PROVIDER, ObjectKind::Party, operation)?;
            request["properties"]["hubspot_owner_id"] = json!(owner.to_string());
        }
        // Files first: the note names them by id.
        let files = self.upload_all(operation, &comment.attachments).await?;
        if !files.is_empty() {
            let ids: Vec<&str> = files.iter().map(|f| f.id.external_id()).collect();
            request["properties"]["hs_attachment_ids"] = json!(ids.join(";"));
        }
        let body: types::ObjectInputForCreate = bodies::typed(operation, request)?;
        let raw = self
            .endpoint
            .runtime()
            .run_json(operation, None, self.client.create_note().body(body).send())
            .await?;
        let files = files
            .into_iter()
            .map(|f| (f.id.external_id().to_owned(), f))
            .collect();
        let note = note(operation, raw, &files).map_err(|error| {
            support_core::kit::applied_but_unreadable(PROVIDER, operation, error)
        })?;
        Ok(note.with_parent(CanonicalId::new(PROVIDER, ObjectKind::Ticket, id)))
    }

    /// Sends a public message to the inbox thread of ticket `id`.
    async fn send_message(
        &self,
        operation: Operation,
        id: &str,
        comment: NewComment,
    ) -> Result<CommentRef> {
        if !comment.cc.is_empty() {
            return Err(invalid(
                operation,
                "copies of a HubSpot inbox reply are not sent by this adapter; send the reply \
                 without cc",
            ));
        }
        let Some(thread) = self.threads(operation, id).await?.into_iter().next() else {
            return Err(invalid(
                operation,
                format!(
                    "HubSpot ticket {id} has no conversations inbox thread, so a public reply \
                     cannot be sent (notes are internal); add the comment as internal, or reply \
                     from the inbox conversation the ticket came from"
                ),
            ));
        };
        let (Some(thread_id), Some(channel), Some(channel_account)) = (
            kjson::id_text(&thread, "id"),
            kjson::id_text(&thread, "originalChannelId"),
            kjson::id_text(&thread, "originalChannelAccountId"),
        ) else {
            return Err(kjson::misshapen(
                PROVIDER,
                operation,
                "thread",
                &thread,
                &"it has no id, originalChannelId or originalChannelAccountId",
            ));
        };
        let sender = self.sender_actor(operation, id, &comment, &thread).await?;
        let recipient = self.recipient(operation, id, &thread).await?;
        // Files first: the message names them by id.
        let files = self.upload_all(operation, &comment.attachments).await?;
        let attachments: Vec<Value> = files
            .iter()
            .map(|f| json!({"type": "FILE", "fileId": f.id.external_id()}))
            .collect();
        let text = if comment.body.text.trim().is_empty() {
            comment
                .body
                .html
                .clone()
                .map(|html| Body::from_html(html).text)
                .unwrap_or_default()
        } else {
            comment.body.text.clone()
        };
        let html = comment
            .body
            .html
            .clone()
            .unwrap_or_else(|| support_core::kit::html::text_to_html(&text));
        let body: types::MessageEgg = bodies::typed(
            operation,
            json!({
                "type": "MESSAGE",
                "text": text,
                "richText": html,
                "senderActorId": sender,
                "channelId": channel,
                "channelAccountId": channel_account,
                "recipients": [recipient],
                "attachments": attachments,
            }),
        )?;
        let raw = self
            .endpoint
            .runtime()
            .run_json(
                operation,
                None,
                self.client
                    .send_thread_message()
                    .thread_id(thread_id)
                    .body(body)
                    .send(),
            )
            .await?;
        let owners = self.owner_users(operation, &[], &[]).await.ok();
        let files = files
            .into_iter()
            .map(|f| (f.id.external_id().to_owned(), f))
            .collect();
        let message = message(operation, raw, owners.as_deref(), &files).map_err(|error| {
            support_core::kit::applied_but_unreadable(PROVIDER, operation, error)
        })?;
        Ok(message.with_parent(CanonicalId::new(PROVIDER, ObjectKind::Ticket, id)))
    }

    /// The inbox threads of ticket `id` (normally one), as HubSpot answers them.
    async fn threads(&self, operation: Operation, id: &str) -> Result<Vec<Value>> {
        let ticket: i64 = id.parse().map_err(|_| {
            invalid(
                operation,
                format!("`{id}` is not a HubSpot ticket id (ticket ids are numbers)"),
            )
        })?;
        let raw = self
            .endpoint
            .runtime()
            .run_json(
                operation,
                None,
                self.client
                    .list_threads()
                    .associated_ticket_id(ticket)
                    .association("TICKET")
                    .limit(100)
                    .send(),
            )
            .await?;
        let Some(results) = raw.get("results").and_then(Value::as_array) else {
            return Err(kjson::misshapen(
                PROVIDER,
                operation,
                "thread page",
                &raw,
                &"no results",
            ));
        };
        // With `association=TICKET` each thread names its ticket: keep only this ticket's.
        Ok(results
            .iter()
            .filter(|t| {
                t.pointer("/threadAssociations/associatedTicketId")
                    .and_then(|v| {
                        v.as_str()
                            .map(str::to_owned)
                            .or_else(|| v.as_i64().map(|n| n.to_string()))
                    })
                    .is_none_or(|ticket| ticket == id)
            })
            .cloned()
            .collect())
    }

    /// The agent actor a reply is sent as: the comment's author, else the ticket's owner, else the
    /// agent the thread is assigned to.
    async fn sender_actor(
        &self,
        operation: Operation,
        id: &str,
        comment: &NewComment,
        thread: &Value,
    ) -> Result<String> {
        let owner = match &comment.author {
            Some(author) => Some(
                author
                    .numeric_id(PROVIDER, ObjectKind::Party, operation)?
                    .to_string(),
            ),
            None => {
                let ticket = self
                    .endpoint
                    .runtime()
                    .run_json(
                        operation,
                        None,
                        self.client
                            .get_ticket()
                            .ticket_id(id)
                            .properties("hubspot_owner_id")
                            .send(),
                    )
                    .await?;
                map::property(&ticket, "hubspot_owner_id")
            }
        };
        let Some(owner) = owner else {
            if let Some(assigned) =
                kjson::text(thread, "assignedTo").filter(|a| a.starts_with("A-"))
            {
                return Ok(assigned);
            }
            return Err(invalid(
                operation,
                format!(
                    "HubSpot ticket {id} has no owner and its inbox thread no assigned agent: \
                     name the comment's author (an owner) to send the reply as"
                ),
            ));
        };
        let owners = self.owner_users(operation, &[owner.as_str()], &[]).await?;
        match owners.user_of(&owner) {
            Some(user) => Ok(format!("A-{user}")),
            None => Err(invalid(
                operation,
                format!(
                    "HubSpot owner {owner} is not an active owner with a user, so it cannot \
                     send an inbox reply: name another author"
                ),
            )),
        }
    }

    /// The recipient of a reply: the thread's contact, by e-mail address.
    async fn recipient(&self, operation: Operation, id: &str, thread: &Value) -> Result<Value> {
        let Some(contact) = kjson::id_text(thread, "associatedContactId") else {
            return Err(invalid(
                operation,
                format!("the inbox thread of HubSpot ticket {id} names no contact to reply to"),
            ));
        };
        let raw = self
            .endpoint
            .runtime()
            .run_json(
                operation,
                None,
                self.client
                    .get_contact()
                    .contact_id(contact.clone())
                    .properties("email,firstname,lastname")
                    .send(),
            )
            .await
            .map_err(|error| match error.kind() {
                ErrorKind::NotFound => error.with_message(format!(
                    "the inbox thread of HubSpot ticket {id} belongs to visitor {contact}, who is \
                     not a CRM contact with an e-mail address; reply from the inbox"
                )),
                _ => error,
            })?;
        let Some(email) = map::property(&raw, "email") else {
            return Err(invalid(
                operation,
                format!(
                    "contact {contact} of HubSpot ticket {id}'s inbox thread has no e-mail \
                     address to reply to"
                ),
            ));
        };
        let name = [
            map::property(&raw, "firstname"),
            map::property(&raw, "lastname"),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
        let mut recipient = json!({
            "actorId": format!("V-{contact}"),
            "deliveryIdentifiers": [{"type": "HS_EMAIL_ADDRESS", "value": email}],
        });
        if !name.is_empty() {
            recipient["name"] = json!(name);
        }
        Ok(recipient)
    }

    /// `listComments`: notes and thread messages of ticket `id`, oldest first.
    pub(crate) async fn list_ticket_comments(
        &self,
        operation: Operation,
        ticket: &CanonicalId,
        id: &str,
        query: CommentQuery,
    ) -> Result<Page<CommentRef>> {
        let limit = query.page.limit_or(DEFAULT_PAGE, MAX_PAGE) as usize;
        let after =
            Cursor::state::<CommentsAfter>(query.page.cursor.as_ref(), PROVIDER, operation)?;
        let mut all = Vec::new();
        let notes = if query.visibility != Some(Visibility::Public) {
            self.notes(operation, id).await?
        } else {
            Vec::new()
        };
        let messages = if query.visibility != Some(Visibility::Internal) {
            self.messages(operation, id).await?
        } else {
            Vec::new()
        };
        // Each file of the listing read once.
        let file_ids: Vec<String> = notes
            .iter()
            .flat_map(files::note_file_ids)
            .chain(messages.iter().flat_map(files::message_file_ids))
            .collect();
        let files = self
            .files(operation, file_ids.iter().map(String::as_str))
            .await?;
        for raw in notes {
            all.push(note(operation, raw, &files)?);
        }
        if !messages.is_empty() {
            let users: BTreeSet<String> = messages
                .iter()
                .filter_map(|m| {
                    sender_actor(m).and_then(|a| a.strip_prefix("A-").map(str::to_owned))
                })
                .collect();
            let owners = if users.is_empty() {
                None
            } else {
                let users: Vec<&str> = users.iter().map(String::as_str).collect();
                Some(self.owner_users(operation, &[], &users).await?)
            };
            for raw in messages {
                all.push(message(operation, raw, owners.as_deref(), &files)?);
            }
        }
        all.sort_by_key(order_key);
        let mut seen = BTreeSet::new();
        let mut rest = all.into_iter().filter(|c| {
            seen.insert(c.id.clone())
                && query.matches(&c.data)
                && after
                    .as_ref()
                    .is_none_or(|a| order_key(c) > (a.at_ms, a.id.len(), a.id.clone()))
        });
        let items: Vec<CommentRef> = rest
            .by_ref()
            .take(limit)
            .map(|c| c.with_parent(ticket.clone()))
            .collect();
        let more = rest.next().is_some();
        let next = match items.last() {
            Some(last) if more => {
                let (at_ms, _, id) = order_key(last);
                Some(Cursor::of(PROVIDER, &CommentsAfter { at_ms, id }))
            }
            _ => None,
        };
        Ok(Page::new(items, next))
    }

    /// Every note associated with ticket `id`, as HubSpot answers them.
    async fn notes(&self, operation: Operation, id: &str) -> Result<Vec<Value>> {
        let mut ids: Vec<String> = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut call = self
                .client
                .list_associations()
                .object_type("tickets")
                .object_id(id)
                .to_object_type("notes")
                .limit(ASSOCIATION_PAGE);
            if let Some(after) = &after {
                call = call.after(after.clone());
            }
            let raw = self
                .endpoint
                .runtime()
                .run_json(operation, None, call.send())
                .await?;
            let (results, next) = page_parts(operation, &raw, "association page")?;
            ids.extend(
                results
                    .iter()
                    .filter_map(|r| kjson::id_text(r, "toObjectId"))
                    .filter(|n| !ids.contains(n))
                    .collect::<Vec<_>>(),
            );
            match next {
                None => break,
                Some(next) if after.as_deref() == Some(next.as_str()) => {
                    return Err(repeated(operation, "note associations"));
                }
                Some(next) => after = Some(next),
            }
        }
        let mut notes = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(NOTE_BATCH) {
            let body: types::BatchReadInput = bodies::typed(
                operation,
                json!({
                    "inputs": chunk.iter().map(|id| json!({"id": id})).collect::<Vec<_>>(),
                    "properties": NOTE_PROPERTIES,
                }),
            )?;
            let raw = self
                .endpoint
                .runtime()
                .run_json(
                    operation,
                    None,
                    self.client.batch_read_notes().body(body).send(),
                )
                .await?;
            let (results, _) = page_parts(operation, &raw, "note batch")?;
            notes.extend(results);
        }
        Ok(notes)
    }

    /// The public messages (`type: MESSAGE`) of ticket `id`'s inbox threads.
    async fn messages(&self, operation: Operation, id: &str) -> Result<Vec<Value>> {
        let mut messages = Vec::new();
        for thread in self.threads(operation, id).await? {
            let Some(thread_id) = kjson::id_text(&thread, "id") else {
                return Err(kjson::misshapen(
                    PROVIDER,
                    operation,
                    "thread",
                    &thread,
                    &"it has no id",
                ));
            };
            let mut after: Option<String> = None;
            for _ in 0..MAX_PAGES {
                let mut call = self
                    .client
                    .list_thread_messages()
                    .thread_id(thread_id.clone())
                    .limit(MESSAGE_PAGE);
                if let Some(after) = &after {
                    call = call.after(after.clone());
                }
                let raw = self
                    .endpoint
                    .runtime()
                    .run_json(operation, None, call.send())
                    .await?;
                let (results, next) = page_parts(operation, &raw, "message page")?;
                messages.extend(
                    results
                        .into_iter()
                        .filter(|m| kjson::text(m, "type").as_deref() == Some("MESSAGE")),
                );
                match next {
                    None => break,
                    Some(next) if after.as_deref() == Some(next.as_str()) => {
                        return Err(repeated(operation, "thread messages"));
                    }
                    Some(next) => after = Some(next),
                }
            }
        }
        Ok(messages)
    }
}

fn invalid(operation: Operation, message: impl Into<String>) -> Error {
    Error::invalid_input(PROVIDER, message).with_operation(operation)
}

fn repeated(operation: Operation, what: &str) -> Error {
    Error::new(ErrorKind::Decode, PROVIDER)
        .with_operation(operation)
        .with_message(format!(
            "HubSpot answered the same page cursor twice while listing {what}"
        ))
}

/// A page's `results` and `paging.next.after`.
fn page_parts(
    operation: Operation,
    raw: &Value,
    what: &str,
) -> Result<(Vec<Value>, Option<String>)> {
    let results = raw
        .get("results")
        .and_then(Value::as_array)
        .cloned()
        .ok_or_else(|| kjson::misshapen(PROVIDER, operation, what, raw, &"no results"))?;
    let next = raw
        .pointer("/paging/next")
        .and_then(|n| kjson::id_text(n, "after"));
    Ok((results, next))
}

/// The files of `ids` found in `files`, in order.
fn attachments(ids: Vec<String>, files: &HashMap<String, Document>) -> Vec<Document> {
    ids.iter().filter_map(|id| files.get(id).cloned()).collect()
}

/// A note as an internal comment: written by its owner (`hubspot_owner_id`), an agent; its files
/// are those of `hs_attachment_ids` found in `files`.
pub(crate) fn note(
    operation: Operation,
    raw: Value,
    files: &HashMap<String, Document>,
) -> Result<CommentRef> {
    let Some(id) = kjson::id_text(&raw, "id") else {
        return Err(kjson::misshapen(
            PROVIDER,
            operation,
            "note",
            &raw,
            &"it has no id",
        ));
    };
    let html = map::property(&raw, "hs_note_body").unwrap_or_default();
    let owner = map::property(&raw, "hubspot_owner_id");
    let comment = Comment {
        author: owner
            .as_ref()
            .map(|owner| CanonicalId::new(PROVIDER, ObjectKind::Party, owner)),
        author_kind: owner.map(|_| Mapped::new(AuthorKind::Agent, "owner")),
        body: Body::from_html(html),
        visibility: Visibility::Internal,
        created_at: map::time_property(&raw, "hs_timestamp")
            .or_else(|| kjson::time(&raw, "createdAt")),
        attachments: attachments(files::note_file_ids(&raw), files),
    };
    Ok(ExternalObjectRef::new(
        CanonicalId::new(PROVIDER, ObjectKind::Comment, id),
        comment,
        raw,
    ))
}

/// The first sender's actor id of a message.
fn sender_actor(raw: &Value) -> Option<String> {
    raw.get("senders")
        .and_then(Value::as_array)
        .and_then(|s| s.iter().find_map(|s| kjson::text(s, "actorId")))
        .or_else(|| kjson::text(raw, "createdBy"))
}

/// A thread message as a public comment. Its author is its sender's actor: `A-{userId}` an agent
/// (the owner with that user id), `V-{contactId}` a contact; other actors (bots, integrations,
/// the system) are the helpdesk itself.
pub(crate) fn message(
    operation: Operation,
    raw: Value,
    owners: Option<&crate::lookups::OwnerUsers>,
    files: &HashMap<String, Document>,
) -> Result<CommentRef> {
    let Some(id) = kjson::id_text(&raw, "id") else {
        return Err(kjson::misshapen(
            PROVIDER,
            operation,
            "message",
            &raw,
            &"it has no id",
        ));
    };
    let actor = sender_actor(&raw);
    let (author, kind) = match actor.as_deref().and_then(|a| a.split_once('-')) {
        Some(("A", user)) => (
            owners
                .and_then(|o| o.owner_of(user))
                .map(|owner| CanonicalId::new(PROVIDER, ObjectKind::Party, owner)),
            Some(AuthorKind::Agent),
        ),
        Some(("V", contact)) if !contact.is_empty() => (
            Some(CanonicalId::new(PROVIDER, ObjectKind::Party, contact)),
            Some(AuthorKind::Customer),
        ),
        Some(("S" | "B" | "I" | "L", _)) => (None, Some(AuthorKind::System)),
        _ => (None, None),
    };
    let text = kjson::text(&raw, "text").unwrap_or_default();
    let body = match kjson::text(&raw, "richText").filter(|h| !h.trim().is_empty()) {
        Some(html) if text.trim().is_empty() => Body::from_html(html),
        Some(html) => Body::text(text).with_html(html),
        None => Body::text(text),
    };
    let created_at: Option<DateTime<Utc>> = kjson::time(&raw, "createdAt");
    let comment = Comment {
        author,
        author_kind: kind
            .zip(actor)
            .map(|(kind, actor)| Mapped::new(kind, actor)),
        body,
        visibility: Visibility::Public,
        created_at,
        attachments: attachments(files::message_file_ids(&raw), files),
    };
    Ok(ExternalObjectRef::new(
        CanonicalId::new(PROVIDER, ObjectKind::Comment, id),
        comment,
        raw,
    ))
}
