//! Salesforce records to canonical ones.
//!
//! Each mapping starts from the record's JSON as the API returned it (with its
//! `attributes{type,url}`), reads it with the kit's accessors and keeps the JSON as `raw`. Ids are
//! emitted with 18 characters. Status labels map by name where the contract names them and
//! otherwise by `CaseStatus.IsClosed`; native values no mapping knows stay `Other(raw)`.

use std::collections::HashMap;

use serde_json::Value;
use support_core::kit::json;
use support_core::{
    Body, CanonicalId, Channel, ConnectionInfo, Mapped, ObjectKind, Operation, Priority, Result,
    Ticket, TicketStatus,
};

use crate::{PROVIDER, soql};

/// The fields read of a case, in every listing and read.
pub(crate) const CASE_FIELDS: &str = "Id, CaseNumber, Subject, Description, Status, Priority, \
     Origin, OwnerId, ContactId, AccountId, IsClosed, ClosedDate, CreatedDate, LastModifiedDate";

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
    Mapped::new(canonical, label)
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
    Mapped::new(canonical, value)
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
    Mapped::new(canonical, origin)
}

/// A `Case` record.
pub(crate) fn ticket(
    operation: Operation,
    raw: Value,
    closed: &HashMap<String, bool>,
) -> Result<Ticket> {
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
    ticket.created_at = json::time(&raw, "CreatedDate");
    ticket.updated_at = json::time(&raw, "LastModifiedDate");
    ticket.closed_at = json::time(&raw, "ClosedDate");
    ticket.url = raw
        .pointer("/attributes/url")
        .and_then(Value::as_str)
        .map(str::to_owned);
    ticket.raw = raw.into();
    Ok(ticket)
}
