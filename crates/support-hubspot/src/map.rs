//! HubSpot objects to canonical ones.
//!
//! A ticket is a CRM object `{id, properties: {name: "value" | null}, createdAt, updatedAt,
//! archived}`; every property value is a string. The JSON as received is kept as `raw`, so the
//! properties the mapping does not read stay reachable there.

use chrono::{DateTime, TimeZone, Utc};
use serde_json::Value;
use support_core::kit::json;
use support_core::{
    Body, CanonicalId, ConnectionInfo, CustomField, Error, ExternalObjectRef, FieldValue, Mapped,
    ObjectKind, Operation, Party, PartyRole, Priority, SatisfactionRating, SatisfactionRatingRef,
    Score, SlaClock, Ticket, TicketCategory, TicketSla, TicketStatus,
};

use support_core::{Channel, Document, DocumentKind};

use crate::PROVIDER;
use crate::lookups::{Pipelines, PropertyDef, TicketProperties};

/// The SLA due-date properties (time to first response, next response, close), read where the
/// account has them.
pub(crate) const SLA_PROPERTIES: [&str; 3] = [
    "hs_time_to_first_response_sla_at",
    "hs_time_to_next_response_sla_at",
    "hs_time_to_close_sla_at",
];

/// The ticket properties every read asks for (`properties=`): HubSpot returns only those asked
/// for, plus `hs_object_id`, `createdate` and `hs_lastmodifieddate`.
pub(crate) const TICKET_PROPERTIES: [&str; 16] = [
    "subject",
    "source_type",
    "content",
    "hs_pipeline",
    "hs_pipeline_stage",
    "hs_ticket_priority",
    "hubspot_owner_id",
    "hubspot_team_id",
    "hs_ticket_category",
    "createdate",
    "hs_lastmodifieddate",
    "closed_date",
    "hs_resolution",
    SLA_PROPERTIES[0],
    SLA_PROPERTIES[1],
    SLA_PROPERTIES[2],
];

/// [`TICKET_PROPERTIES`] as the comma-separated query value.
pub(crate) fn ticket_properties() -> String {
    TICKET_PROPERTIES.join(",")
}

/// A property's value, when set and not blank.
pub(crate) fn property(raw: &Value, name: &str) -> Option<String> {
    raw.get("properties")
        .and_then(|p| p.get(name))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// A time property: ISO 8601, or milliseconds since the epoch (both occur).
pub(crate) fn time_property(raw: &Value, name: &str) -> Option<DateTime<Utc>> {
    let text = property(raw, name)?;
    match text.parse::<i64>() {
        Ok(ms) => Utc.timestamp_millis_opt(ms).single(),
        Err(_) => json::parse_time(Some(&text)),
    }
}

/// The canonical priority of `hs_ticket_priority`.
pub(crate) fn priority(native: &str) -> Priority {
    match native.to_ascii_uppercase().as_str() {
        "LOW" => Priority::Low,
        "MEDIUM" => Priority::Normal,
        "HIGH" => Priority::High,
        "URGENT" => Priority::Urgent,
        _ => Priority::Other(native.to_owned()),
    }
}

/// The `hs_ticket_priority` value of a canonical priority.
pub(crate) fn priority_value(priority: &Priority) -> Option<&'static str> {
    Some(match priority {
        Priority::Low => "LOW",
        Priority::Normal => "MEDIUM",
        Priority::High => "HIGH",
        Priority::Urgent => "URGENT",
        _ => return None,
    })
}

/// A custom property's value typed by the property's `type`: `number` a whole or decimal number,
/// `bool` a checkbox, a multiple-choice `enumeration` (`fieldType: checkbox`) its `;`-separated
/// choices; dates, date-times, single choices and text as HubSpot wrote them.
pub(crate) fn custom_value(def: &PropertyDef, text: &str) -> FieldValue {
    match def.kind.as_str() {
        "number" => text
            .parse::<i64>()
            .map(FieldValue::Integer)
            .or_else(|_| text.parse::<f64>().map(FieldValue::Number))
            .unwrap_or_else(|_| FieldValue::Text(text.to_owned())),
        "bool" | "booleancheckbox" => match text.to_ascii_lowercase().as_str() {
            "true" => FieldValue::Bool(true),
            "false" => FieldValue::Bool(false),
            _ => FieldValue::Text(text.to_owned()),
        },
        "enumeration" if def.multiple() => FieldValue::List(
            text.split(';')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
                .collect(),
        ),
        _ => FieldValue::Text(text.to_owned()),
    }
}

/// The property value (HubSpot's text) a custom field's `value` is written as, or why it cannot
/// be: numbers for `number`, true/false for `bool`, the property's options for `enumeration`.
pub(crate) fn custom_write(def: &PropertyDef, value: &FieldValue) -> Result<String, String> {
    let text = match value {
        FieldValue::Null => return Ok(String::new()),
        FieldValue::Bool(b) => b.to_string(),
        FieldValue::Integer(n) => n.to_string(),
        FieldValue::Number(n) => n.to_string(),
        FieldValue::Text(t) => t.clone(),
        FieldValue::List(items) if def.multiple() => items.join(";"),
        FieldValue::List(_) => {
            return Err(format!(
                "custom property `{}` takes one value, not a list",
                def.name
            ));
        }
        _ => {
            return Err(format!(
                "custom property `{}` takes text, a number or a choice, not a structure",
                def.name
            ));
        }
    };
    match def.kind.as_str() {
        "number" if text.parse::<f64>().is_err() => Err(format!(
            "custom property `{}` takes a number, not `{text}`",
            def.name
        )),
        "bool" | "booleancheckbox"
            if !matches!(text.to_ascii_lowercase().as_str(), "true" | "false") =>
        {
            Err(format!(
                "custom property `{}` takes true or false, not `{text}`",
                def.name
            ))
        }
        "enumeration" => {
            let values: Vec<&str> = if def.multiple() {
                text.split(';')
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .collect()
            } else {
                vec![text.as_str()]
            };
            let unknown = values
                .into_iter()
                .find(|v| !def.options.iter().any(|o| o == v));
            match unknown {
                Some(v) => Err(format!(
                    "`{v}` is not an option of custom property `{}` (options: {})",
                    def.name,
                    def.options.join(", ")
                )),
                None => Ok(text),
            }
        }
        _ => Ok(text),
    }
}

/// A ticket, its status read from its stage in the account's `pipelines`, its custom fields from
/// the account's own `properties` it carries.
pub(crate) fn ticket(
    operation: Operation,
    raw: Value,
    pipelines: &Pipelines,
    properties: &TicketProperties,
) -> Result<Ticket, Error> {
    let Some(id) = json::id_text(&raw, "id") else {
        return Err(json::misshapen(
            PROVIDER,
            operation,
            "ticket",
            &raw,
            &"it has no id",
        ));
    };
    let stage_id = property(&raw, "hs_pipeline_stage");
    let pipeline = property(&raw, "hs_pipeline");
    let status = match stage_id.as_deref() {
        Some(stage_id) => match pipelines.stage(pipeline.as_deref(), stage_id) {
            Some(stage) => Mapped::new(stage.status(), stage.label.clone()),
            None => Mapped::new(
                TicketStatus::Other(stage_id.to_owned()),
                stage_id.to_owned(),
            ),
        },
        None => Mapped::new(TicketStatus::Other(String::new()), ""),
    };
    let mut ticket = Ticket::new(
        CanonicalId::new(PROVIDER, ObjectKind::Ticket, &id),
        status,
        Value::Null,
    );
    ticket.subject = property(&raw, "subject");
    ticket.description = property(&raw, "content").map(Body::text);
    ticket.priority = property(&raw, "hs_ticket_priority").map(|p| Mapped::new(priority(&p), p));
    // `associations=contacts`: the first associated contact is the requester.
    ticket.requester = raw
        .get("associations")
        .and_then(|a| a.get("contacts"))
        .and_then(|c| c.get("results"))
        .and_then(Value::as_array)
        .and_then(|r| r.first())
        .and_then(|c| json::id_text(c, "id"))
        .map(|contact| CanonicalId::new(PROVIDER, ObjectKind::Party, contact));
    ticket.assignee = property(&raw, "hubspot_owner_id")
        .map(|owner| CanonicalId::new(PROVIDER, ObjectKind::Party, owner));
    ticket.group = property(&raw, "hubspot_team_id")
        .map(|team| CanonicalId::new(PROVIDER, ObjectKind::Group, team));
    ticket.channel = property(&raw, "source_type").map(|source| {
        let channel = match source.to_ascii_uppercase().as_str() {
            "EMAIL" => Channel::Email,
            "CHAT" => Channel::Chat,
            "PHONE" => Channel::Phone,
            "FORM" => Channel::Web,
            _ => Channel::Other(source.clone()),
        };
        Mapped::new(channel, source)
    });
    ticket.category = property(&raw, "hs_ticket_category")
        .map(|c| Mapped::new(TicketCategory::Other(c.clone()), c));
    ticket.created_at = time_property(&raw, "createdate").or_else(|| json::time(&raw, "createdAt"));
    ticket.updated_at =
        time_property(&raw, "hs_lastmodifieddate").or_else(|| json::time(&raw, "updatedAt"));
    ticket.closed_at = time_property(&raw, "closed_date");
    ticket.resolution = property(&raw, "hs_resolution");
    ticket.sla = sla(&raw);
    ticket.custom_fields = properties
        .custom()
        .filter_map(|def| {
            let text = raw
                .get("properties")
                .and_then(|p| p.get(&def.name))
                .and_then(Value::as_str)
                .filter(|v| !v.is_empty())?;
            Some(CustomField {
                name: def.label.clone(),
                field_id: Some(def.name.clone()),
                value: custom_value(def, text),
            })
        })
        .collect();
    ticket.raw = raw.into();
    Ok(ticket)
}

/// The SLA clocks of a ticket's due-date properties; `None` when the account has none set.
fn sla(raw: &Value) -> Option<TicketSla> {
    let [first, next, close] = SLA_PROPERTIES.map(|name| time_property(raw, name));
    if first.is_none() && next.is_none() && close.is_none() {
        return None;
    }
    let mut sla = TicketSla::default();
    sla.first_response = first.map(|due| SlaClock::due(Some(due)));
    sla.next_response = next.map(|due| SlaClock::due(Some(due)));
    sla.resolution = close.map(|due| SlaClock::due(Some(due)));
    Some(sla)
}

/// An owner (`/crm/v3/owners`) as an agent; its teams are its groups.
pub(crate) fn owner(operation: Operation, raw: Value) -> Result<Party, Error> {
    let Some(id) = json::id_text(&raw, "id") else {
        return Err(json::misshapen(
            PROVIDER,
            operation,
            "owner",
            &raw,
            &"it has no id",
        ));
    };
    let mut party = Party::new(
        CanonicalId::new(PROVIDER, ObjectKind::Party, id),
        PartyRole::Employee,
        Value::Null,
    );
    let name = [json::text(&raw, "firstName"), json::text(&raw, "lastName")]
        .into_iter()
        .flatten()
        .filter(|n| !n.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    party.name = (!name.is_empty()).then_some(name);
    party.email = json::text(&raw, "email");
    party.active = json::boolean(&raw, "archived").map(|archived| !archived);
    party.created_at = json::time(&raw, "createdAt");
    party.groups = raw
        .get("teams")
        .and_then(Value::as_array)
        .map(|teams| {
            teams
                .iter()
                .filter_map(|t| json::id_text(t, "id"))
                .map(|id| CanonicalId::new(PROVIDER, ObjectKind::Group, id))
                .collect()
        })
        .unwrap_or_default();
    party.raw = raw.into();
    Ok(party)
}

/// The feedback-submission properties read (`properties=`).
pub(crate) const FEEDBACK_PROPERTIES: [&str; 6] = [
    "hs_value",
    "hs_survey_type",
    "hs_content",
    "hs_submission_timestamp",
    "hs_createdate",
    "hs_response_group",
];

/// A feedback submission as a satisfaction rating: the score is `hs_value`, normalised by the
/// survey type's scale where it is known (NPS 0-10, CES 1-7, CSAT 1-5); other surveys keep only the native
/// value.
pub(crate) fn feedback(operation: Operation, raw: Value) -> Result<SatisfactionRatingRef, Error> {
    let Some(id) = json::id_text(&raw, "id") else {
        return Err(json::misshapen(
            PROVIDER,
            operation,
            "feedback submission",
            &raw,
            &"it has no id",
        ));
    };
    let native = property(&raw, "hs_value").unwrap_or_default();
    let value = native.parse::<f64>().ok();
    let normalized = match (property(&raw, "hs_survey_type").as_deref(), value) {
        (Some("NPS"), Some(v)) if (0.0..=10.0).contains(&v) => Some(v / 10.0),
        (Some("CES"), Some(v)) if (1.0..=7.0).contains(&v) => Some((v - 1.0) / 6.0),
        (Some("CSAT"), Some(v)) if (1.0..=5.0).contains(&v) => Some((v - 1.0) / 4.0),
        _ => None,
    };
    let associated = |kind: &str, as_kind: ObjectKind| {
        raw.get("associations")
            .and_then(|a| a.get(kind))
            .and_then(|c| c.get("results"))
            .and_then(Value::as_array)
            .and_then(|r| r.first())
            .and_then(|c| json::id_text(c, "id"))
            .map(|id| CanonicalId::new(PROVIDER, as_kind, id))
    };
    let rating = SatisfactionRating {
        ticket: associated("tickets", ObjectKind::Ticket),
        score: Score { native, normalized },
        comment: property(&raw, "hs_content"),
        requester: associated("contacts", ObjectKind::Party),
        assignee: None,
        created_at: time_property(&raw, "hs_submission_timestamp")
            .or_else(|| time_property(&raw, "hs_createdate"))
            .or_else(|| json::time(&raw, "createdAt")),
    };
    Ok(ExternalObjectRef::new(
        CanonicalId::new(PROVIDER, ObjectKind::SatisfactionRating, id),
        rating,
        raw,
    ))
}

/// A site-search result of type `KNOWLEDGE_ARTICLE` as a knowledge article (the indexed title,
/// description as body, URL, language and publication date).
pub(crate) fn article_result(operation: Operation, raw: Value) -> Result<Document, Error> {
    let Some(id) = json::id_text(&raw, "id") else {
        return Err(json::misshapen(
            PROVIDER,
            operation,
            "article",
            &raw,
            &"it has no id",
        ));
    };
    let mut document = Document::new(
        CanonicalId::new(PROVIDER, ObjectKind::Document, id),
        DocumentKind::KnowledgeArticle,
        Value::Null,
    );
    document.title = json::text(&raw, "title").map(|t| support_core::kit::html::html_to_text(&t));
    document.body = json::text(&raw, "description").map(Body::from_html);
    document.url = json::text(&raw, "url");
    document.locale = json::text(&raw, "language");
    document.publish_state = Some(published());
    document.updated_at =
        json::int(&raw, "publishedDate").and_then(|ms| Utc.timestamp_millis_opt(ms).single());
    document.raw = raw.into();
    Ok(document)
}

/// An indexed-data answer (`{id, type, fields: {name: {name, value, values, metadataField}}}`) as
/// a knowledge article: title from the `title` field, body from `html` (else `description`), URL
/// from `url`.
pub(crate) fn article_indexed(operation: Operation, raw: Value) -> Result<Document, Error> {
    let Some(id) = json::id_text(&raw, "id") else {
        return Err(json::misshapen(
            PROVIDER,
            operation,
            "article",
            &raw,
            &"it has no id",
        ));
    };
    let field = |name: &str| {
        raw.get("fields")
            .and_then(|f| f.get(name))
            .and_then(|f| f.get("value"))
            .and_then(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
    };
    let mut document = Document::new(
        CanonicalId::new(PROVIDER, ObjectKind::Document, id),
        DocumentKind::KnowledgeArticle,
        Value::Null,
    );
    document.title = field("title");
    document.body = field("html")
        .or_else(|| field("description"))
        .map(Body::from_html);
    document.url = field("url");
    document.locale = field("language");
    document.publish_state = Some(published());
    document.raw = raw.into();
    Ok(document)
}

/// Site search indexes published content only: every article it returns is published.
fn published() -> support_core::Mapped<support_core::PublishState> {
    support_core::Mapped::new(support_core::PublishState::Published, "published")
}

/// What `check_connection` learned: the API host answered with tickets readable by the token.
pub(crate) fn connection_info(host: &str) -> ConnectionInfo {
    ConnectionInfo::new(PROVIDER, Some(host.to_owned()), None)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_ticket_maps_its_properties_and_keeps_the_json() {
        let pipelines = Pipelines::from_json(
            &json!({"results": [{"id": "0", "label": "Support", "stages": [
            {"id": "4", "label": "Closed", "displayOrder": 3, "metadata": {"ticketState": "CLOSED"}}]}]}),
        );
        let raw = json!({"id": "512", "createdAt": "2026-01-02T03:04:05.678Z", "archived": false,
            "properties": {"subject": "Printer", "content": "It jams", "hs_pipeline": "0",
                "hs_pipeline_stage": "4", "hs_ticket_priority": "MEDIUM", "hubspot_owner_id": "90",
                "hubspot_team_id": null, "closed_date": "2026-01-03T00:00:00Z",
                "hs_lastmodifieddate": "1767409200000", "hs_time_to_close_sla_at": "2026-01-05T00:00:00Z",
                "x_custom": "kept"}});
        let t = ticket(
            Operation::GetTicket,
            raw,
            &pipelines,
            &TicketProperties::default(),
        )
        .unwrap();
        assert_eq!(t.id.to_string(), "hubspot:ticket:512");
        assert_eq!(t.status, Mapped::new(TicketStatus::Closed, "Closed"));
        assert_eq!(t.priority, Some(Mapped::new(Priority::Normal, "MEDIUM")));
        assert_eq!(t.assignee.unwrap().to_string(), "hubspot:party:90");
        assert_eq!(t.group, None);
        assert_eq!(t.description.unwrap().text, "It jams");
        assert_eq!(
            t.created_at.unwrap().to_rfc3339(),
            "2026-01-02T03:04:05.678+00:00"
        );
        assert_eq!(t.updated_at.unwrap().timestamp_millis(), 1_767_409_200_000);
        assert!(t.closed_at.is_some());
        assert!(t.sla.unwrap().resolution.unwrap().due_at.is_some());
        assert_eq!(t.raw.value()["properties"]["x_custom"], "kept");
    }

    #[test]
    fn an_unknown_stage_is_other_with_its_id() {
        let raw = json!({"id": "1", "properties": {"hs_pipeline_stage": "999"}});
        let t = ticket(
            Operation::GetTicket,
            raw,
            &Pipelines::default(),
            &TicketProperties::default(),
        )
        .unwrap();
        assert_eq!(
            t.status,
            Mapped::new(TicketStatus::Other("999".into()), "999")
        );
    }

    #[test]
    fn an_owner_is_an_agent_with_its_teams() {
        let raw = json!({"id": "90", "email": "a@example.com", "firstName": "Ada", "lastName": "L",
            "userId": 7, "archived": false, "teams": [{"id": "5", "name": "T", "primary": true}]});
        let p = owner(Operation::ListAgents, raw).unwrap();
        assert_eq!(p.id.to_string(), "hubspot:party:90");
        assert_eq!(p.name.as_deref(), Some("Ada L"));
        assert_eq!(p.groups[0].to_string(), "hubspot:group:5");
        assert_eq!(p.active, Some(true));
    }
}
