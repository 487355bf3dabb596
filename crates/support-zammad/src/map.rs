//! Zammad objects to canonical ones.
//!
//! Records are read as Zammad's controllers render them: attributes with association ids
//! (`state_id`, `priority_id`, `owner_id`, `group_id`), never names (`expand=true` is not used, see
//! `lookups.rs`). Ids are integers; times are UTC ISO 8601 with milliseconds. Each mapping keeps
//! the record as the canonical object's `raw`. A state maps by its state type, a priority by its
//! name; both keep the instance's name as the native value.

use chrono::{DateTime, Utc};
use serde_json::Value;
use support_core::kit::json;
use support_core::{
    AuthorKind, Availability, Body, CanonicalId, Comment, CommentRef, ConnectionInfo, Document,
    DocumentKind, Mapped, ObjectKind, Operation, Party, PartyRole, Priority, PublishState, Result,
    SlaClock, SlaMetric, SlaPolicy, SlaPolicyRef, SlaTarget, Tag, TagRef, Ticket, TicketSla,
    TicketStatus, Visibility,
};

use crate::PROVIDER;

/// The system user Zammad puts in `owner_id` of an unassigned ticket.
pub(crate) const NOBODY: i64 = 1;

/// A ticket state (`GET /ticket_states`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct State {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) type_id: i64,
    pub(crate) active: bool,
}

/// A ticket priority (`GET /ticket_priorities`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PriorityRecord {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) active: bool,
}

/// The instance's states and priorities.
#[derive(Clone, Debug, Default)]
pub(crate) struct Definitions {
    pub(crate) states: Vec<State>,
    pub(crate) priorities: Vec<PriorityRecord>,
}

impl Definitions {
    pub(crate) fn state(&self, id: i64) -> Option<&State> {
        self.states.iter().find(|s| s.id == id)
    }

    pub(crate) fn priority(&self, id: i64) -> Option<&PriorityRecord> {
        self.priorities.iter().find(|p| p.id == id)
    }

    /// The ids of the states whose type is `status`.
    pub(crate) fn state_ids(&self, status: &TicketStatus) -> Vec<i64> {
        self.states
            .iter()
            .filter(|s| &state_status(s) == status)
            .map(|s| s.id)
            .collect()
    }

    /// The state a write sets for `status`: the first active state of its type (by id), or a
    /// state named as the status says (`Other("pending close")`).
    pub(crate) fn state_for(&self, status: &TicketStatus) -> Option<&State> {
        let mut states: Vec<&State> = self.states.iter().filter(|s| s.active).collect();
        states.sort_by_key(|s| s.id);
        if let TicketStatus::Other(name) = status {
            return states
                .into_iter()
                .find(|s| s.name.eq_ignore_ascii_case(name.trim()));
        }
        // Pending: the reminder state (waits for an agent), not the one that closes by itself.
        states
            .iter()
            .copied()
            .find(|s| {
                &state_status(s) == status && (s.type_id != 4 || status != &TicketStatus::Pending)
            })
            .or_else(|| states.into_iter().find(|s| &state_status(s) == status))
    }

    /// The ids of the priorities that read as `priority`.
    pub(crate) fn priority_ids(&self, priority: &Priority) -> Vec<i64> {
        self.priorities
            .iter()
            .filter(|p| &priority_of(p) == priority)
            .map(|p| p.id)
            .collect()
    }

    /// The priority a write sets for `priority`: the first active one that reads as it.
    pub(crate) fn priority_for(&self, priority: &Priority) -> Option<&PriorityRecord> {
        let mut found: Vec<&PriorityRecord> = self
            .priorities
            .iter()
            .filter(|p| p.active && &priority_of(p) == priority)
            .collect();
        found.sort_by_key(|p| p.id);
        found.into_iter().next()
    }
}

/// The canonical status of a state type (seeded ids: 1 new, 2 open, 3 pending reminder, 4 pending
/// action, 5 closed, 6 merged, 7 removed).
pub(crate) fn status_of_type(type_id: i64, name: &str) -> TicketStatus {
    match type_id {
        1 => TicketStatus::New,
        2 => TicketStatus::Open,
        3 | 4 => TicketStatus::Pending,
        5 | 6 => TicketStatus::Closed,
        _ => TicketStatus::Other(name.to_owned()),
    }
}

fn state_status(state: &State) -> TicketStatus {
    status_of_type(state.type_id, &state.name)
}

/// The canonical priority of a priority record: the seeded `1 low`, `2 normal`, `3 high` by id and
/// name, others by name (`urgent` in it: Urgent).
pub(crate) fn priority_of(priority: &PriorityRecord) -> Priority {
    let name = priority.name.to_ascii_lowercase();
    match (priority.id, name.as_str()) {
        (1, "1 low") => Priority::Low,
        (2, "2 normal") => Priority::Normal,
        (3, "3 high") => Priority::High,
        _ if name.contains("urgent") => Priority::Urgent,
        _ => match name.trim_start_matches(|c: char| c.is_ascii_digit() || c == ' ') {
            "low" => Priority::Low,
            "normal" => Priority::Normal,
            "high" => Priority::High,
            _ => Priority::Other(priority.name.clone()),
        },
    }
}

pub(crate) fn state(raw: &Value) -> Option<State> {
    Some(State {
        id: json::int(raw, "id")?,
        name: json::text(raw, "name")?,
        type_id: json::int(raw, "state_type_id")?,
        active: json::boolean(raw, "active").unwrap_or(true),
    })
}

pub(crate) fn priority(raw: &Value) -> Option<PriorityRecord> {
    Some(PriorityRecord {
        id: json::int(raw, "id")?,
        name: json::text(raw, "name")?,
        active: json::boolean(raw, "active").unwrap_or(true),
    })
}

fn id_of(raw: &Value, what: &str, operation: Operation) -> Result<i64> {
    json::int(raw, "id")
        .ok_or_else(|| json::misshapen(PROVIDER, operation, what, raw, &"it has no integer `id`"))
}

fn reference(raw: &Value, field: &str, kind: ObjectKind) -> Option<CanonicalId> {
    json::int(raw, field).map(|id| CanonicalId::numeric(PROVIDER, kind, id))
}

fn nonblank(raw: &Value, field: &str) -> Option<String> {
    json::text(raw, field).filter(|t| !t.trim().is_empty())
}

/// A ticket. Its tags are not in the record: the port adds them.
pub(crate) fn ticket(
    operation: Operation,
    base_url: &str,
    raw: Value,
    definitions: &Definitions,
) -> Result<Ticket> {
    let id = id_of(&raw, "ticket", operation)?;
    let state_id = json::int(&raw, "state_id");
    let status = match state_id.and_then(|s| definitions.state(s)) {
        Some(state) => Mapped::new(state_status(state), state.name.clone()),
        None => {
            let native = state_id.map(|s| s.to_string()).unwrap_or_default();
            Mapped::new(TicketStatus::Other(native.clone()), native)
        }
    };
    let mut ticket = Ticket::new(
        CanonicalId::numeric(PROVIDER, ObjectKind::Ticket, id),
        status,
        Value::Null,
    );
    ticket.number = json::id_text(&raw, "number");
    ticket.subject = nonblank(&raw, "title");
    ticket.priority = json::int(&raw, "priority_id").map(|p| match definitions.priority(p) {
        Some(record) => Mapped::new(priority_of(record), record.name.clone()),
        None => Mapped::new(Priority::Other(p.to_string()), p.to_string()),
    });
    ticket.requester = reference(&raw, "customer_id", ObjectKind::Party);
    ticket.assignee = json::int(&raw, "owner_id")
        .filter(|o| *o != NOBODY)
        .map(|o| CanonicalId::numeric(PROVIDER, ObjectKind::Party, o));
    ticket.group = reference(&raw, "group_id", ObjectKind::Group);
    ticket.organization = reference(&raw, "organization_id", ObjectKind::Party);
    ticket.created_at = json::time(&raw, "created_at");
    ticket.updated_at = json::time(&raw, "updated_at");
    if ticket.status.canonical == TicketStatus::Closed {
        ticket.closed_at = json::time(&raw, "close_at");
    }
    ticket.url = Some(format!("{base_url}/#ticket/zoom/{id}"));
    ticket.sla = ticket_sla(&raw);
    ticket.raw = raw.into();
    Ok(ticket)
}

/// One escalation clock: `{prefix}_escalation_at` when it is due, breached when
/// `{prefix}_diff_in_min` (target minus time taken) is negative, achieved once `{done}` is set.
fn clock(raw: &Value, due: &str, diff: &str, done: Option<&str>) -> Option<SlaClock> {
    let due_at = json::time(raw, due);
    let diff = json::int(raw, diff);
    let finished = done.and_then(|d| json::time(raw, d)).is_some();
    if due_at.is_none() && diff.is_none() {
        return None;
    }
    let breached = match diff {
        Some(d) => Some(d < 0),
        None => due_at.map(|at| at < Utc::now()),
    };
    let achieved = finished.then(|| !breached.unwrap_or(false));
    Some(
        SlaClock::due(due_at)
            .with_breached(breached)
            .with_achieved(achieved),
    )
}

/// A ticket's SLA clocks from its escalation times. Zammad nulls them all when no SLA applies.
pub(crate) fn ticket_sla(raw: &Value) -> Option<TicketSla> {
    let mut sla = TicketSla::default();
    sla.first_response = clock(
        raw,
        "first_response_escalation_at",
        "first_response_diff_in_min",
        Some("first_response_at"),
    );
    sla.next_response = clock(raw, "update_escalation_at", "update_diff_in_min", None);
    sla.resolution = clock(
        raw,
        "close_escalation_at",
        "close_diff_in_min",
        Some("close_at"),
    );
    if sla.is_empty() {
        return None;
    }
    sla.escalated = Some(
        [&sla.first_response, &sla.next_response, &sla.resolution]
            .into_iter()
            .flatten()
            .any(|c| c.breached == Some(true)),
    );
    Some(sla)
}

/// A user's display name: first and last name, else the login.
fn user_name(raw: &Value) -> Option<String> {
    let parts: Vec<String> = ["firstname", "lastname"]
        .iter()
        .filter_map(|f| nonblank(raw, f))
        .map(|p| p.trim().to_owned())
        .collect();
    if parts.is_empty() {
        nonblank(raw, "login")
    } else {
        Some(parts.join(" "))
    }
}

/// Whether a user is out of office now (`out_of_office` and, when given, between the start and
/// end dates).
fn out_of_office(raw: &Value, now: DateTime<Utc>) -> bool {
    if json::boolean(raw, "out_of_office") != Some(true) {
        return false;
    }
    let day = now.date_naive();
    let date = |field: &str| {
        json::text(raw, field).and_then(|t| {
            chrono::NaiveDate::parse_from_str(t.get(..10).unwrap_or(&t), "%Y-%m-%d").ok()
        })
    };
    date("out_of_office_start_at").is_none_or(|start| start <= day)
        && date("out_of_office_end_at").is_none_or(|end| day <= end)
}

/// A user, as an agent: groups from `group_ids` (keys), the role from `role_ids` named by
/// `role_name`.
pub(crate) fn agent(
    operation: Operation,
    raw: Value,
    role_name: impl Fn(i64) -> Option<String>,
) -> Result<Party> {
    let id = id_of(&raw, "user", operation)?;
    let mut party = Party::new(
        CanonicalId::numeric(PROVIDER, ObjectKind::Party, id),
        PartyRole::Employee,
        Value::Null,
    );
    party.name = user_name(&raw);
    party.email = nonblank(&raw, "email");
    party.phone = nonblank(&raw, "phone").or_else(|| nonblank(&raw, "mobile"));
    party.organization = reference(&raw, "organization_id", ObjectKind::Party);
    party.active = json::boolean(&raw, "active");
    party.created_at = json::time(&raw, "created_at");
    let roles: Vec<String> = raw
        .get("role_ids")
        .and_then(Value::as_array)
        .map(|ids| {
            ids.iter()
                .filter_map(Value::as_i64)
                .filter_map(&role_name)
                .collect()
        })
        .unwrap_or_default();
    party.agent_role = roles
        .iter()
        .find(|r| r.eq_ignore_ascii_case("admin"))
        .or_else(|| roles.iter().find(|r| r.eq_ignore_ascii_case("agent")))
        .or_else(|| roles.first())
        .cloned();
    let mut groups: Vec<i64> = raw
        .get("group_ids")
        .and_then(Value::as_object)
        .map(|g| g.keys().filter_map(|k| k.parse().ok()).collect())
        .unwrap_or_default();
    groups.sort_unstable();
    party.groups = groups
        .into_iter()
        .map(|g| CanonicalId::numeric(PROVIDER, ObjectKind::Group, g))
        .collect();
    let away = out_of_office(&raw, Utc::now());
    party.availability = Some(if away {
        Mapped::new(Availability::Away, "out_of_office")
    } else {
        Mapped::new(Availability::Available, "in_office")
    });
    party.raw = raw.into();
    Ok(party)
}

/// What `check_connection` learned: the instance, and the user the credentials belong to.
pub(crate) fn connection_info(host: &str, raw: Value) -> ConnectionInfo {
    let user = agent(Operation::CheckConnection, raw, |_| None)
        .ok()
        .map(|mut p| {
            p.agent_role = None;
            p.availability = None;
            p
        });
    ConnectionInfo::new(PROVIDER, Some(host.to_owned()), user)
}

/// An entry of the tag list (`{id, name, count}`).
pub(crate) fn tag(operation: Operation, raw: Value) -> Result<TagRef> {
    let id = id_of(&raw, "tag", operation)?;
    let name = nonblank(&raw, "name")
        .ok_or_else(|| json::misshapen(PROVIDER, operation, "tag", &raw, &"it has no `name`"))?;
    let count = json::int(&raw, "count").and_then(|c| u64::try_from(c).ok());
    Ok(TagRef::new(
        CanonicalId::numeric(PROVIDER, ObjectKind::Tag, id),
        Tag { name, count },
        raw,
    ))
}

/// The document id of an article's attachment: what its download needs.
pub(crate) fn attachment_id(ticket: i64, article: i64, attachment: i64) -> String {
    format!("{ticket}-{article}-{attachment}")
}

/// The ticket, article and attachment ids a document id names.
pub(crate) fn attachment_parts(id: &str) -> Option<(i64, i64, i64)> {
    let mut parts = id.split('-').map(|p| p.parse::<i64>().ok());
    let found = (parts.next()??, parts.next()??, parts.next()??);
    parts.next().is_none().then_some(found)
}

fn attachment(base_url: &str, ticket: i64, article: i64, raw: &Value) -> Option<Document> {
    let id = json::int(raw, "id")?;
    let mut document = Document::new(
        CanonicalId::new(
            PROVIDER,
            ObjectKind::Document,
            attachment_id(ticket, article, id),
        ),
        DocumentKind::Attachment,
        raw.clone(),
    );
    document.title = nonblank(raw, "filename");
    document.size = json::int(raw, "size").and_then(|s| u64::try_from(s).ok());
    document.content_type = raw.get("preferences").and_then(|p| {
        ["Content-Type", "Mime-Type", "content_type"]
            .iter()
            .find_map(|k| nonblank(p, k))
    });
    document.url = Some(format!(
        "{base_url}/api/v1/ticket_attachment/{ticket}/{article}/{id}"
    ));
    Some(document)
}

/// A ticket article as a comment.
pub(crate) fn comment(
    operation: Operation,
    base_url: &str,
    ticket: &CanonicalId,
    raw: Value,
) -> Result<CommentRef> {
    let id = id_of(&raw, "article", operation)?;
    let ticket_id = json::int(&raw, "ticket_id")
        .or_else(|| ticket.external_id().parse().ok())
        .unwrap_or_default();
    let text = json::text(&raw, "body").unwrap_or_default();
    let html =
        json::text(&raw, "content_type").is_some_and(|c| c.to_ascii_lowercase().contains("html"));
    let body = if html {
        Body::from_html(text)
    } else {
        Body::text(text)
    };
    let author_kind = json::text(&raw, "sender")
        .or_else(|| {
            json::int(&raw, "sender_id").and_then(|s| {
                Some(
                    match s {
                        1 => "Agent",
                        2 => "Customer",
                        3 => "System",
                        _ => return None,
                    }
                    .to_owned(),
                )
            })
        })
        .map(|sender| {
            let canonical = match sender.to_ascii_lowercase().as_str() {
                "customer" => AuthorKind::Customer,
                "agent" => AuthorKind::Agent,
                "system" => AuthorKind::System,
                other => AuthorKind::Other(other.to_owned()),
            };
            Mapped::new(canonical, sender)
        });
    let attachments = raw
        .get("attachments")
        .and_then(Value::as_array)
        .map(|all| {
            all.iter()
                .filter_map(|a| attachment(base_url, ticket_id, id, a))
                .collect()
        })
        .unwrap_or_default();
    let comment = Comment {
        author: reference(&raw, "created_by_id", ObjectKind::Party)
            .or_else(|| reference(&raw, "origin_by_id", ObjectKind::Party)),
        author_kind,
        body,
        visibility: if json::boolean(&raw, "internal") == Some(true) {
            Visibility::Internal
        } else {
            Visibility::Public
        },
        created_at: json::time(&raw, "created_at"),
        attachments,
    };
    Ok(CommentRef::new(
        CanonicalId::numeric(PROVIDER, ObjectKind::Comment, id),
        comment,
        raw,
    )
    .with_parent(ticket.clone()))
}

/// An SLA: minutes of business time on its calendar for first response, response, update and
/// solution.
pub(crate) fn sla_policy(
    operation: Operation,
    raw: Value,
    business_hours: bool,
) -> Result<SlaPolicyRef> {
    let id = id_of(&raw, "SLA", operation)?;
    let targets = [
        ("first_response_time", SlaMetric::FirstResponse),
        ("response_time", SlaMetric::NextResponse),
        ("update_time", SlaMetric::PeriodicUpdate),
        ("solution_time", SlaMetric::Resolution),
    ]
    .into_iter()
    .filter_map(|(field, metric)| {
        let minutes = json::int(&raw, field).filter(|m| *m > 0)?;
        Some(SlaTarget {
            metric: Mapped::new(metric, field),
            priority: None,
            target: std::time::Duration::from_secs(u64::try_from(minutes).ok()?.saturating_mul(60)),
            business_hours,
        })
    })
    .collect();
    let policy = SlaPolicy {
        name: nonblank(&raw, "name").unwrap_or_else(|| id.to_string()),
        description: None,
        targets,
    };
    Ok(SlaPolicyRef::new(
        CanonicalId::numeric(PROVIDER, ObjectKind::SlaPolicy, id),
        policy,
        raw,
    ))
}

/// Whether a calendar (`business_hours: {mon: {active, timeframes: [["00:00", "23:59"]]}, ...}`)
/// is open all day on every day of the week.
pub(crate) fn calendar_is_round_the_clock(calendar: &Value) -> bool {
    let Some(days) = calendar.get("business_hours").and_then(Value::as_object) else {
        return false;
    };
    let all_day = |day: &Value| {
        json::boolean(day, "active") == Some(true)
            && day
                .get("timeframes")
                .and_then(Value::as_array)
                .is_some_and(|frames| {
                    frames.iter().any(|frame| {
                        let at = |i: usize| frame.get(i).and_then(Value::as_str);
                        at(0) == Some("00:00") && matches!(at(1), Some("23:59" | "24:00"))
                    })
                })
    };
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .all(|d| days.get(*d).is_some_and(all_day))
}

/// A knowledge-base answer in one translation: title and body from the answer's assets.
pub(crate) fn answer(
    operation: Operation,
    base_url: &str,
    answer: &Value,
    translation: &Value,
    content: Option<&Value>,
) -> Result<Document> {
    let id = id_of(answer, "knowledge base answer", operation)?;
    let mut document = Document::new(
        CanonicalId::numeric(PROVIDER, ObjectKind::Document, id),
        DocumentKind::KnowledgeArticle,
        Value::Null,
    );
    document.title = nonblank(translation, "title");
    document.body = content
        .and_then(|c| json::text(c, "body"))
        .map(Body::from_html);
    document.content_type = Some("text/html".to_owned());
    document.locale = translation
        .get("locale")
        .and_then(|l| json::text(l, "locale"))
        .or_else(|| nonblank(translation, "locale"));
    let state = if json::time(answer, "archived_at").is_some() {
        Some(("archived", PublishState::Archived))
    } else if json::time(answer, "published_at").is_some() {
        Some(("published", PublishState::Published))
    } else if json::time(answer, "internal_at").is_some() {
        // Published to agents only.
        Some(("internal", PublishState::Other("internal".to_owned())))
    } else if answer.get("published_at").is_some() {
        Some(("draft", PublishState::Draft))
    } else {
        None
    };
    document.publish_state = state.map(|(native, canonical)| Mapped::new(canonical, native));
    document.categories = reference(answer, "category_id", ObjectKind::Category)
        .into_iter()
        .collect();
    document.author = reference(translation, "created_by_id", ObjectKind::Party);
    document.created_at = json::time(answer, "created_at");
    document.updated_at =
        json::time(translation, "updated_at").or(json::time(answer, "updated_at"));
    let kb = json::int(answer, "knowledge_base_id");
    document.url = kb.map(|kb| {
        format!(
            "{base_url}/#knowledge_base/{kb}/locale/{}/answer/{id}",
            document.locale.clone().unwrap_or_default()
        )
    });
    document.raw = serde_json::json!({
        "answer": answer,
        "translation": translation,
        "content": content,
    })
    .into();
    Ok(document)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn definitions() -> Definitions {
        let states = [
            (1, "new", 1),
            (2, "open", 2),
            (3, "pending reminder", 3),
            (7, "pending close", 4),
            (4, "closed", 5),
            (5, "merged", 6),
            (6, "removed", 7),
            (8, "waiting for parts", 3),
            (9, "resolved", 5),
        ];
        Definitions {
            states: states
                .into_iter()
                .map(|(id, name, type_id)| State {
                    id,
                    name: name.into(),
                    type_id,
                    active: id != 6,
                })
                .collect(),
            priorities: [
                (1, "1 low"),
                (2, "2 normal"),
                (3, "3 high"),
                (4, "4 urgent"),
                (5, "9 whenever"),
            ]
            .into_iter()
            .map(|(id, name)| PriorityRecord {
                id,
                name: name.into(),
                active: true,
            })
            .collect(),
        }
    }

    #[test]
    fn custom_states_map_by_type_and_keep_their_name() {
        let defs = definitions();
        let raw = json!({"id": 7, "number": "31007", "title": "Pump", "state_id": 8,
            "priority_id": 4, "owner_id": 1, "customer_id": 12, "group_id": 3,
            "created_at": "2025-01-22T10:46:58.255Z"});
        let ticket = ticket(Operation::GetTicket, "https://h", raw, &defs).unwrap();
        assert_eq!(ticket.status.canonical, TicketStatus::Pending);
        assert_eq!(ticket.status.native, "waiting for parts");
        let priority = ticket.priority.unwrap();
        assert_eq!(
            (priority.canonical, &*priority.native),
            (Priority::Urgent, "4 urgent")
        );
        assert_eq!(ticket.assignee, None);
        assert_eq!(ticket.requester.unwrap().to_string(), "zammad:party:12");
        assert_eq!(ticket.number.as_deref(), Some("31007"));
        assert!(ticket.created_at.is_some());
        assert_eq!(status_of_type(6, "merged"), TicketStatus::Closed);
        assert_eq!(
            status_of_type(7, "removed"),
            TicketStatus::Other("removed".into())
        );
        assert_eq!(
            priority_of(&defs.priorities[4]),
            Priority::Other("9 whenever".into())
        );
    }

    #[test]
    fn writes_pick_the_first_active_state_of_a_type() {
        let defs = definitions();
        assert_eq!(
            defs.state_for(&TicketStatus::Closed).unwrap().name,
            "closed"
        );
        assert_eq!(
            defs.state_for(&TicketStatus::Pending).unwrap().name,
            "pending reminder"
        );
        assert_eq!(
            defs.state_for(&TicketStatus::Other("pending close".into()))
                .unwrap()
                .id,
            7
        );
        assert_eq!(defs.state_for(&TicketStatus::Other("removed".into())), None);
        assert_eq!(defs.state_ids(&TicketStatus::Closed), vec![4, 5, 9]);
        assert_eq!(defs.priority_for(&Priority::Urgent).unwrap().id, 4);
    }

    #[test]
    fn escalation_times_become_clocks() {
        let raw = json!({"first_response_escalation_at": "2025-01-22T10:00:00Z",
            "first_response_diff_in_min": -5, "first_response_at": "2025-01-22T10:05:00Z",
            "close_escalation_at": "2025-01-23T10:00:00Z", "close_diff_in_min": null,
            "update_escalation_at": null});
        let sla = ticket_sla(&raw).unwrap();
        let first = sla.first_response.unwrap();
        assert_eq!(first.breached, Some(true));
        assert_eq!(first.achieved, Some(false));
        assert!(sla.resolution.unwrap().due_at.is_some());
        assert_eq!(sla.next_response, None);
        assert_eq!(sla.escalated, Some(true));
        assert_eq!(
            ticket_sla(&json!({"first_response_escalation_at": null})),
            None
        );
    }

    #[test]
    fn only_a_calendar_open_all_week_counts_calendar_time() {
        let day = |active: bool, from: &str, to: &str| json!({"active": active, "timeframes": [[from, to]]});
        let week = |sunday: Value| {
            json!({"business_hours": {"mon": day(true, "00:00", "23:59"),
                "tue": day(true, "00:00", "23:59"), "wed": day(true, "00:00", "23:59"),
                "thu": day(true, "00:00", "23:59"), "fri": day(true, "00:00", "23:59"),
                "sat": day(true, "00:00", "24:00"), "sun": sunday}})
        };
        assert!(calendar_is_round_the_clock(&week(day(
            true, "00:00", "23:59"
        ))));
        assert!(!calendar_is_round_the_clock(&week(day(
            false, "00:00", "23:59"
        ))));
        assert!(!calendar_is_round_the_clock(&week(day(
            true, "09:00", "17:00"
        ))));
        assert!(!calendar_is_round_the_clock(&json!({})));
    }

    #[test]
    fn attachment_ids_carry_what_the_download_needs() {
        assert_eq!(
            attachment_parts(&attachment_id(3, 40, 500)),
            Some((3, 40, 500))
        );
        assert_eq!(attachment_parts("3-40"), None);
        assert_eq!(attachment_parts("3-40-5-6"), None);
        assert_eq!(attachment_parts("a-b-c"), None);
    }
}
