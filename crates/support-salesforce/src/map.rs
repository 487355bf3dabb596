//! Salesforce records to canonical ones.
//!
//! Each mapping starts from the record's JSON as the API returned it (with its
//! `attributes{type,url}`), reads it with the kit's accessors and keeps the JSON as `raw`. Ids are
//! emitted with 18 characters. Status labels map by name where the contract names them and
//! otherwise by `CaseStatus.IsClosed`; native values no mapping knows stay `Other(raw)`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::Value;
use support_core::kit::json;
use support_core::{
    AuthorKind, Body, CanonicalId, Channel, Comment, CommentRef, ConnectionInfo, CustomField,
    Document, DocumentKind, FieldValue, Mapped, ObjectKind, Operation, Party, PartyRole, Priority,
    PublishState, Result, SlaClock, SlaPolicy, SlaPolicyRef, Tag, TagRef, Ticket, TicketSla,
    TicketStatus, Visibility,
};

use crate::{PROVIDER, soql};

/// The fields read of a case, in every listing and read.
pub(crate) const CASE_FIELDS: &str = "Id, CaseNumber, Subject, Description, Status, Priority, \
     Origin, OwnerId, ContactId, AccountId, IsClosed, ClosedDate, CreatedDate, LastModifiedDate";

/// A date-time field as Salesforce writes it (`2013-05-20T20:49:32.000+0000`: an offset without a
/// colon), or in RFC 3339.
pub(crate) fn time(raw: &Value, field: &str) -> Option<DateTime<Utc>> {
    let text = raw.get(field)?.as_str()?;
    DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z")
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| json::parse_time(Some(text)))
}

/// What `check_connection` learned: the org's host.
pub(crate) fn connection_info(host: &str) -> ConnectionInfo {
    ConnectionInfo::new(PROVIDER, Some(host.to_owned()), None)
}

/// A record's id, as 18 characters.
pub(crate) fn record_id(raw: &Value, field: &str) -> Option<String> {
    json::text(raw, field).and_then(|id| soql::id18(&id))
}

/// The case status of a label, by the org's `CaseStatus` rows (`closed` holds each value's
/// `IsClosed`).
pub(crate) fn status(label: &str, closed: &HashMap<String, bool>) -> Mapped<TicketStatus> {
    let canonical = match label {
        "New" => TicketStatus::New,
        "Working" | "Escalated" => TicketStatus::Open,
        "On Hold" => TicketStatus::OnHold,
        "Waiting on Customer" => TicketStatus::Pending,
        "Closed" => TicketStatus::Closed,
        other => match closed.get(other) {
            Some(true) => TicketStatus::Closed,
            _ => TicketStatus::Other(other.to_owned()),
        },
    };
    Mapped::new(canonical, label.to_owned())
}

/// The case priority of a picklist value.
pub(crate) fn priority(value: &str) -> Mapped<Priority> {
    let canonical = match value {
        "High" => Priority::High,
        "Medium" => Priority::Normal,
        "Low" => Priority::Low,
        "Critical" | "Urgent" => Priority::Urgent,
        other => Priority::Other(other.to_owned()),
    };
    Mapped::new(canonical, value.to_owned())
}

/// The picklist value a canonical priority is written as.
pub(crate) fn priority_value(priority: &Priority) -> &str {
    match priority {
        Priority::High => "High",
        Priority::Normal => "Medium",
        Priority::Low => "Low",
        Priority::Urgent => "Critical",
        Priority::Other(raw) => raw,
    }
}

/// The channel of a case's `Origin` picklist value.
fn channel(origin: &str) -> Mapped<Channel> {
    let canonical = match origin {
        "Email" => Channel::Email,
        "Phone" => Channel::Phone,
        "Web" => Channel::Web,
        "Chat" => Channel::Chat,
        other => Channel::Other(other.to_owned()),
    };
    Mapped::new(canonical, origin.to_owned())
}

/// A custom field of `Case` (`custom: true` in the object's describe, an API name ending `__c`).
#[derive(Clone, Debug)]
pub(crate) struct FieldDef {
    /// The API name (`Legacy_Id__c`).
    pub(crate) name: String,
    /// The label (`Legacy Id`).
    pub(crate) label: String,
    /// Whether a create may set it (`createable`; a formula or roll-up field may not).
    pub(crate) createable: bool,
    /// Whether an update may set it (`updateable`).
    pub(crate) updateable: bool,
}

/// The custom fields of an object's describe (`fields[]` with `custom: true`).
pub(crate) fn custom_fields(describe: &Value) -> Vec<FieldDef> {
    describe
        .get("fields")
        .and_then(Value::as_array)
        .map(|fields| {
            fields
                .iter()
                .filter(|f| f.get("custom").and_then(Value::as_bool) == Some(true))
                .filter_map(|f| {
                    let name = f.get("name").and_then(Value::as_str)?;
                    // The name enters SOQL: an API name and nothing else.
                    let valid = name.ends_with("__c")
                        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                    valid.then(|| FieldDef {
                        name: name.to_owned(),
                        label: f
                            .get("label")
                            .and_then(Value::as_str)
                            .unwrap_or(name)
                            .to_owned(),
                        createable: f.get("createable").and_then(Value::as_bool) != Some(false),
                        updateable: f.get("updateable").and_then(Value::as_bool) != Some(false),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// What a case read knows of the org: its statuses (`IsClosed` per value), the custom fields of
/// `Case`, and the field holding external references, if one is set.
pub(crate) struct CaseContext<'a> {
    pub(crate) closed: &'a HashMap<String, bool>,
    pub(crate) custom: &'a [FieldDef],
    pub(crate) external: Option<&'a str>,
}

/// A `Case` record.
pub(crate) fn ticket(
    operation: Operation,
    raw: Value,
    context: &CaseContext<'_>,
) -> Result<Ticket> {
    let closed = context.closed;
    let Some(id) = record_id(&raw, "Id") else {
        return Err(json::misshapen(
            PROVIDER,
            operation,
            "case",
            &raw,
            &"it has no 15- or 18-character `Id`",
        ));
    };
    let label = json::text(&raw, "Status").unwrap_or_default();
    let mut status = status(&label, closed);
    if matches!(status.canonical, TicketStatus::Other(_))
        && json::boolean(&raw, "IsClosed") == Some(true)
    {
        status = Mapped::new(TicketStatus::Closed, label.clone());
    }
    let mut ticket = Ticket::new(
        CanonicalId::new(PROVIDER, ObjectKind::Ticket, id),
        status,
        Value::Null,
    );
    ticket.number = json::text(&raw, "CaseNumber");
    ticket.subject = json::text(&raw, "Subject");
    ticket.description = json::text(&raw, "Description").map(Body::text);
    ticket.priority = json::text(&raw, "Priority").map(|p| priority(&p));
    ticket.channel = json::text(&raw, "Origin").map(|o| channel(&o));
    if let Some(owner) = record_id(&raw, "OwnerId") {
        // The owner is a user (key prefix 005) or a queue (00G).
        if owner.starts_with("00G") {
            ticket.group = Some(CanonicalId::new(PROVIDER, ObjectKind::Group, owner));
        } else {
            ticket.assignee = Some(CanonicalId::new(PROVIDER, ObjectKind::Party, owner));
        }
    }
    ticket.requester =
        record_id(&raw, "ContactId").map(|id| CanonicalId::new(PROVIDER, ObjectKind::Party, id));
    ticket.organization =
        record_id(&raw, "AccountId").map(|id| CanonicalId::new(PROVIDER, ObjectKind::Party, id));
    ticket.created_at = time(&raw, "CreatedDate");
    ticket.updated_at = time(&raw, "LastModifiedDate");
    ticket.closed_at = time(&raw, "ClosedDate");
    ticket.url = raw
        .pointer("/attributes/url")
        .and_then(Value::as_str)
        .map(str::to_owned);
    ticket.custom_fields = context
        .custom
        .iter()
        .map(|def| CustomField {
            name: def.label.clone(),
            field_id: Some(def.name.clone()),
            value: FieldValue::from_json(raw.get(&def.name).unwrap_or(&Value::Null)),
        })
        .collect();
    ticket.external_ref = context.external.and_then(|field| json::text(&raw, field));
    ticket.raw = raw.into();
    Ok(ticket)
}

/// The fields read of a case comment.
pub(crate) const CASE_COMMENT_FIELDS: &str =
    "Id, ParentId, CommentBody, IsPublished, CreatedById, CreatedDate";
/// The fields read of an email of a case.
pub(crate) const EMAIL_FIELDS: &str = "Id, ParentId, Incoming, FromAddress, FromName, Subject, TextBody, HtmlBody, MessageDate, \
     CreatedById, CreatedDate";
/// The fields read of a user.
pub(crate) const USER_FIELDS: &str =
    "Id, Name, Email, IsActive, UserType, Profile.Name, CreatedDate";

/// A `CaseComment` (`IsPublished`: public, else internal), written by a user.
pub(crate) fn case_comment(ticket: &CanonicalId, raw: Value) -> Option<CommentRef> {
    let id = record_id(&raw, "Id")?;
    let visibility = if json::boolean(&raw, "IsPublished") == Some(true) {
        Visibility::Public
    } else {
        Visibility::Internal
    };
    let comment = Comment {
        author: record_id(&raw, "CreatedById")
            .map(|id| CanonicalId::new(PROVIDER, ObjectKind::Party, id)),
        author_kind: Some(Mapped::new(AuthorKind::Agent, "CaseComment")),
        body: Body::text(json::text(&raw, "CommentBody").unwrap_or_default()),
        visibility,
        created_at: time(&raw, "CreatedDate"),
        attachments: Vec::new(),
    };
    Some(
        CommentRef::new(
            CanonicalId::new(PROVIDER, ObjectKind::Comment, id),
            comment,
            raw,
        )
        .with_parent(ticket.clone()),
    )
}

/// An `EmailMessage` of a case: incoming mail is the customer's, outgoing an agent's; both are
/// public.
pub(crate) fn email(ticket: &CanonicalId, raw: Value) -> Option<CommentRef> {
    let id = record_id(&raw, "Id")?;
    let incoming = json::boolean(&raw, "Incoming") == Some(true);
    let body = match (json::text(&raw, "TextBody"), json::text(&raw, "HtmlBody")) {
        (Some(text), Some(html)) => Body::text(text).with_html(html),
        (Some(text), None) => Body::text(text),
        (None, Some(html)) => Body::from_html(html),
        (None, None) => Body::text(""),
    };
    let (kind, native) = if incoming {
        (AuthorKind::Customer, "EmailMessage.Incoming: true")
    } else {
        (AuthorKind::Agent, "EmailMessage.Incoming: false")
    };
    let author = if incoming {
        None
    } else {
        record_id(&raw, "CreatedById").map(|id| CanonicalId::new(PROVIDER, ObjectKind::Party, id))
    };
    let comment = Comment {
        author,
        author_kind: Some(Mapped::new(kind, native)),
        body,
        visibility: Visibility::Public,
        created_at: time(&raw, "MessageDate").or_else(|| time(&raw, "CreatedDate")),
        attachments: Vec::new(),
    };
    Some(
        CommentRef::new(
            CanonicalId::new(PROVIDER, ObjectKind::Comment, id),
            comment,
            raw,
        )
        .with_parent(ticket.clone()),
    )
}

/// An active standard `User`, an agent; `groups` are the queues they belong to.
pub(crate) fn agent(raw: Value, groups: Vec<CanonicalId>) -> Option<Party> {
    let id = record_id(&raw, "Id")?;
    let mut party = Party::new(
        CanonicalId::new(PROVIDER, ObjectKind::Party, id),
        PartyRole::Employee,
        Value::Null,
    );
    party.name = json::text(&raw, "Name");
    party.email = json::text(&raw, "Email");
    party.active = json::boolean(&raw, "IsActive");
    // The user's profile ("System Administrator", "Standard User", or the org's own) is its role.
    party.agent_role = raw
        .pointer("/Profile/Name")
        .and_then(Value::as_str)
        .map(str::to_owned);
    party.created_at = time(&raw, "CreatedDate");
    party.groups = groups;
    party.raw = raw.into();
    Some(party)
}

/// A `Topic`, the tags of cases.
pub(crate) fn topic(raw: Value) -> Option<TagRef> {
    let id = record_id(&raw, "Id")?;
    let name = json::text(&raw, "Name")?;
    Some(TagRef::new(
        CanonicalId::new(PROVIDER, ObjectKind::Tag, id),
        Tag { name, count: None },
        raw,
    ))
}

/// The fields read of a knowledge article version.
pub(crate) const ARTICLE_FIELDS: &str = "Id, KnowledgeArticleId, Title, Summary, UrlName, Language, \
     PublishStatus, CreatedById, CreatedDate, LastPublishedDate";

/// A published `Knowledge__kav` row, a knowledge article: its body is the org's rich-text
/// `body_field` when named (body fields are org-defined), else the standard `Summary`.
pub(crate) fn article(raw: Value, body_field: Option<&str>) -> Option<Document> {
    let id = record_id(&raw, "Id")?;
    let mut doc = Document::new(
        CanonicalId::new(PROVIDER, ObjectKind::Document, id),
        DocumentKind::KnowledgeArticle,
        Value::Null,
    );
    doc.title = json::text(&raw, "Title");
    doc.body = match body_field {
        Some(field) => json::text(&raw, field).map(Body::from_html),
        None => json::text(&raw, "Summary").map(Body::text),
    };
    // Salesforce's language codes (`en_US`) as locale tags (`en-us`).
    doc.locale = json::text(&raw, "Language").map(|l| l.replace('_', "-").to_ascii_lowercase());
    doc.author =
        record_id(&raw, "CreatedById").map(|id| CanonicalId::new(PROVIDER, ObjectKind::Party, id));
    doc.publish_state = json::text(&raw, "PublishStatus").map(|s| {
        let canonical = match s.as_str() {
            "Online" => PublishState::Published,
            "Draft" => PublishState::Draft,
            "Archived" => PublishState::Archived,
            other => PublishState::Other(other.to_owned()),
        };
        Mapped::new(canonical, s)
    });
    doc.created_at = time(&raw, "CreatedDate");
    doc.url = raw
        .pointer("/attributes/url")
        .and_then(Value::as_str)
        .map(str::to_owned);
    doc.raw = raw.into();
    Some(doc)
}

/// An `SlaProcess` (entitlement process). Its milestone targets live in the Metadata API's
/// `EntitlementProcess`, not in this object: the policy lists none.
pub(crate) fn sla_process(raw: Value) -> Option<SlaPolicyRef> {
    let id = record_id(&raw, "Id")?;
    let policy = SlaPolicy {
        name: json::text(&raw, "Name").unwrap_or_else(|| id.clone()),
        description: json::text(&raw, "Description"),
        targets: Vec::new(),
    };
    Some(SlaPolicyRef::new(
        CanonicalId::new(PROVIDER, ObjectKind::SlaPolicy, id),
        policy,
        raw,
    ))
}

/// A case's SLA clocks from its `CaseMilestone` rows: a milestone type whose name speaks of a
/// response is the first-response clock, one that speaks of resolution (or closing) the resolution
/// clock (milestone types are org-defined).
pub(crate) fn ticket_sla(milestones: &[Value]) -> Option<TicketSla> {
    let mut sla = TicketSla::default();
    for row in milestones {
        let name = row
            .pointer("/MilestoneType/Name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_ascii_lowercase();
        let clock = SlaClock::due(time(row, "TargetDate"))
            .with_breached(json::boolean(row, "IsViolated"))
            .with_achieved(
                json::boolean(row, "IsCompleted")
                    .map(|done| done && json::boolean(row, "IsViolated") != Some(true)),
            );
        if name.contains("response") {
            sla.first_response.get_or_insert(clock);
        } else if name.contains("resol") || name.contains("close") {
            sla.resolution.get_or_insert(clock);
        }
    }
    (sla.first_response.is_some() || sla.resolution.is_some()).then_some(sla)
}

/// The fields read of a file linked to a case or an email (`ContentDocumentLink`, with its
/// document's latest published `ContentVersion`).
pub(crate) const LINK_FIELDS: &str = "Id, LinkedEntityId, ContentDocumentId, \
     ContentDocument.LatestPublishedVersionId, ContentDocument.LatestPublishedVersion.Title, \
     ContentDocument.LatestPublishedVersion.FileExtension, \
     ContentDocument.LatestPublishedVersion.ContentSize, \
     ContentDocument.LatestPublishedVersion.FileType, \
     ContentDocument.LatestPublishedVersion.CreatedDate";
/// The fields read of a legacy `Attachment`.
pub(crate) const ATTACHMENT_FIELDS: &str =
    "Id, ParentId, Name, ContentType, BodyLength, CreatedDate";

/// The MIME type of a file extension (Salesforce records files' extensions and its own file
/// types, not MIME types).
pub(crate) fn mime_of(extension: &str) -> &'static str {
    match extension.to_ascii_lowercase().as_str() {
        "pdf" => "application/pdf",
        "txt" | "text" => "text/plain",
        "csv" => "text/csv",
        "htm" | "html" => "text/html",
        "xml" => "application/xml",
        "json" => "application/json",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "zip" => "application/zip",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "eml" => "message/rfc822",
        _ => "application/octet-stream",
    }
}

/// A file linked to a record (`ContentDocumentLink`): the record's id and the file, named by its
/// latest published `ContentVersion` (whose `VersionData` downloads it). `api` is the REST API
/// root (`https://acme.my.salesforce.com/services/data/v64.0`).
pub(crate) fn content_file(raw: Value, api: &str) -> Option<(String, Document)> {
    let entity = record_id(&raw, "LinkedEntityId")?;
    let version_id = raw
        .pointer("/ContentDocument/LatestPublishedVersionId")
        .and_then(Value::as_str)
        .and_then(soql::id18)?;
    let version = raw
        .pointer("/ContentDocument/LatestPublishedVersion")
        .cloned()
        .unwrap_or(Value::Null);
    let extension = json::text(&version, "FileExtension");
    let title = json::text(&version, "Title").map(|title| match &extension {
        // A version's title is the file's name, usually without its extension.
        Some(ext)
            if !title
                .to_ascii_lowercase()
                .ends_with(&format!(".{}", ext.to_ascii_lowercase())) =>
        {
            format!("{title}.{ext}")
        }
        _ => title,
    });
    let mut doc = Document::new(
        CanonicalId::new(PROVIDER, ObjectKind::Document, version_id.clone()),
        DocumentKind::Attachment,
        Value::Null,
    );
    doc.title = title;
    doc.content_type = extension.as_deref().map(|ext| mime_of(ext).to_owned());
    doc.size = version.get("ContentSize").and_then(Value::as_u64);
    doc.url = Some(format!(
        "{api}/sobjects/ContentVersion/{version_id}/VersionData"
    ));
    doc.created_at = time(&version, "CreatedDate");
    doc.raw = raw.into();
    Some((entity, doc))
}

/// A legacy `Attachment` of a record (`ParentId`), downloaded from its `Body`.
pub(crate) fn legacy_attachment(raw: Value, api: &str) -> Option<(String, Document)> {
    let parent = record_id(&raw, "ParentId")?;
    let id = record_id(&raw, "Id")?;
    let mut doc = Document::new(
        CanonicalId::new(PROVIDER, ObjectKind::Document, id.clone()),
        DocumentKind::Attachment,
        Value::Null,
    );
    doc.title = json::text(&raw, "Name");
    doc.content_type = json::text(&raw, "ContentType");
    doc.size = raw.get("BodyLength").and_then(Value::as_u64);
    doc.url = Some(format!("{api}/sobjects/Attachment/{id}/Body"));
    doc.created_at = time(&raw, "CreatedDate");
    doc.raw = raw.into();
    Some((parent, doc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn salesforce_date_times_are_read() {
        let raw = serde_json::json!({"a": "2013-05-20T20:49:32.000+0000", "b": "2013-05-20T22:49:32.000+0200"});
        assert_eq!(time(&raw, "a"), time(&raw, "b"));
        assert_eq!(
            time(&raw, "a").map(|t| t.to_rfc3339()),
            Some("2013-05-20T20:49:32+00:00".to_owned())
        );
    }
}
