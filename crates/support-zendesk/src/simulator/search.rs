//! The subset of Zendesk's ticket search syntax the simulator understands.
//!
//! Terms are separated by spaces and combine with AND: `type:ticket`, `status:X`, `priority:X`,
//! `assignee:ID|email|me|none`, `tags:T` (or `tag:T`), `ticket_type:X` (question, incident,
//! problem, task), `updated>T`, `updated<T`, `created>T`, `created<T` with `T` an ISO 8601 time (`2026-01-05T08:00:00Z`) or a date (`2026-01-05`). Anything
//! else, and a field given twice (whose semantics the simulator does not claim to know), is
//! rejected with `InvalidSearch`.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::store::{ME, SimState, TicketRec};

/// A parsed ticket search.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TicketSearch {
    /// Whether the query named `type:ticket`.
    pub typed: bool,
    pub status: Option<String>,
    pub priority: Option<String>,
    /// `Some(None)`: unassigned.
    pub assignee: Option<Option<u64>>,
    pub tag: Option<String>,
    /// `ticket_type:` (question, incident, problem, task).
    pub ticket_type: Option<String>,
    pub updated_after: Option<DateTime<Utc>>,
    pub updated_before: Option<DateTime<Utc>>,
    pub created_after: Option<DateTime<Utc>>,
    pub created_before: Option<DateTime<Utc>>,
}

/// A time bound: a full timestamp, or a date (whose whole day the bound excludes or includes as
/// Zendesk does: `>DATE` is after that day, `<DATE` before it).
fn bound(value: &str, after: bool) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(value) {
        // `>T` is strictly after T: represent it as "at or after T + 1s" with whole seconds.
        let t = t.with_timezone(&Utc);
        return Ok(if after { t + Duration::seconds(1) } else { t });
    }
    if let Ok(day) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        let day = if after {
            day.succ_opt().unwrap_or(day)
        } else {
            day
        };
        if let Some(midnight) = day.and_hms_opt(0, 0, 0) {
            return Ok(midnight.and_utc());
        }
    }
    Err(format!("{value:?} is not a date or ISO 8601 time"))
}

fn set<T>(slot: &mut Option<T>, value: T, field: &str) -> Result<(), String> {
    if slot.is_some() {
        return Err(format!(
            "`{field}` is given twice; the simulator accepts one term per field"
        ));
    }
    *slot = Some(value);
    Ok(())
}

/// Parses `query`; `state` resolves `assignee:` e-mails.
pub fn parse(query: &str, state: &SimState) -> Result<TicketSearch, String> {
    let mut search = TicketSearch::default();
    let mut typed = None;
    for term in query.split_whitespace() {
        let Some(at) = term.find([':', '>', '<']) else {
            return Err(format!(
                "free-text term {term:?}: the simulator only understands field terms"
            ));
        };
        let (field, rest) = term.split_at(at);
        let op = &rest[..1];
        let value = &rest[1..];
        if value.is_empty() {
            return Err(format!("term {term:?} has no value"));
        }
        match (field.to_ascii_lowercase().as_str(), op) {
            ("type", ":") => {
                if !value.eq_ignore_ascii_case("ticket") {
                    return Err(format!("type:{value}: the simulator only searches tickets"));
                }
                set(&mut typed, true, "type")?;
            }
            ("status", ":") => set(&mut search.status, value.to_ascii_lowercase(), "status")?,
            ("priority", ":") => set(&mut search.priority, value.to_ascii_lowercase(), "priority")?,
            ("assignee", ":") => {
                let who = if value.eq_ignore_ascii_case("none") {
                    None
                } else if value.eq_ignore_ascii_case("me") {
                    Some(ME)
                } else if let Ok(id) = value.parse::<u64>() {
                    Some(id)
                } else if let Some(user) = state.user_by_email(value) {
                    Some(user.id)
                } else {
                    return Err(format!(
                        "assignee:{value}: the simulator accepts an id, an e-mail, `me` or `none`"
                    ));
                };
                set(&mut search.assignee, who, "assignee")?;
            }
            ("ticket_type", ":") => {
                let value = value.to_ascii_lowercase();
                if !["question", "incident", "problem", "task"].contains(&value.as_str()) {
                    return Err(format!(
                        "ticket_type:{value}: the types are question, incident, problem and task"
                    ));
                }
                set(&mut search.ticket_type, value, "ticket_type")?
            }
            ("tags" | "tag", ":") => set(&mut search.tag, value.to_ascii_lowercase(), "tags")?,
            ("updated", ">") => set(&mut search.updated_after, bound(value, true)?, "updated>")?,
            ("updated", "<") => set(&mut search.updated_before, bound(value, false)?, "updated<")?,
            ("created", ">") => set(&mut search.created_after, bound(value, true)?, "created>")?,
            ("created", "<") => set(&mut search.created_before, bound(value, false)?, "created<")?,
            _ => {
                return Err(format!(
                    "term {term:?} is outside the search syntax the simulator serves"
                ));
            }
        }
    }
    search.typed = typed.unwrap_or(false);
    Ok(search)
}

impl TicketSearch {
    pub fn matches(&self, t: &TicketRec) -> bool {
        self.status.as_ref().is_none_or(|s| &t.status == s)
            && self
                .priority
                .as_ref()
                .is_none_or(|p| t.priority.as_ref() == Some(p))
            && self.assignee.is_none_or(|a| t.assignee_id == a)
            && self
                .tag
                .as_ref()
                .is_none_or(|tag| t.tags.iter().any(|x| x.eq_ignore_ascii_case(tag)))
            && self
                .ticket_type
                .as_ref()
                .is_none_or(|k| t.kind.as_ref() == Some(k))
            && self.updated_after.is_none_or(|b| t.updated_at >= b)
            && self.updated_before.is_none_or(|b| t.updated_at < b)
            && self.created_after.is_none_or(|b| t.created_at >= b)
            && self.created_before.is_none_or(|b| t.created_at < b)
    }
}
