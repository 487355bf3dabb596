//! Intercom's search queries (`POST /tickets/search`, `/conversations/search`, `/contacts/search`):
//! a single filter `{field, operator, value}` or a group `{operator: AND|OR, value: [...]}`, nested
//! at most two groups deep, at most 15 filters a group, only the documented fields, each with the
//! operators its type takes. Anything else is 400 `parameter_invalid`.
//!
//! `>` and `<` are "greater (or equal)" and "lower (or equal)", as the operator table documents.
//! Dates and integers take a number or a string of digits; booleans `true`/`false` or their
//! strings.

use serde_json::Value;

use super::http::{Reply, parameter_invalid};

/// The most filters in one AND or OR group.
pub const MAX_GROUP: usize = 15;
/// The most groups nested in one another.
pub const MAX_NESTING: usize = 2;

/// A searchable field's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A string (ids included).
    Str,
    /// A Unix timestamp.
    Date,
    /// An integer.
    Int,
    /// A boolean.
    Bool,
}

/// The fields `POST /tickets/search` documents.
pub const TICKET_FIELDS: &[(&str, Kind)] = &[
    ("id", Kind::Str),
    ("created_at", Kind::Date),
    ("updated_at", Kind::Date),
    ("title", Kind::Str),
    ("description", Kind::Str),
    ("category", Kind::Str),
    ("ticket_type_id", Kind::Str),
    ("contact_ids", Kind::Str),
    ("teammate_ids", Kind::Str),
    ("admin_assignee_id", Kind::Str),
    ("team_assignee_id", Kind::Str),
    ("open", Kind::Bool),
    ("state", Kind::Str),
    ("snoozed_until", Kind::Date),
];

/// The fields `POST /conversations/search` documents.
pub const CONVERSATION_FIELDS: &[(&str, Kind)] = &[
    ("id", Kind::Str),
    ("created_at", Kind::Date),
    ("updated_at", Kind::Date),
    ("source.type", Kind::Str),
    ("source.id", Kind::Str),
    ("source.delivered_as", Kind::Str),
    ("source.subject", Kind::Str),
    ("source.body", Kind::Str),
    ("source.author.id", Kind::Str),
    ("source.author.type", Kind::Str),
    ("source.author.name", Kind::Str),
    ("source.author.email", Kind::Str),
    ("source.url", Kind::Str),
    ("contact_ids", Kind::Str),
    ("teammate_ids", Kind::Str),
    ("admin_assignee_id", Kind::Int),
    ("team_assignee_id", Kind::Int),
    ("channel_initiated", Kind::Str),
    ("open", Kind::Bool),
    ("read", Kind::Bool),
    ("state", Kind::Str),
    ("waiting_since", Kind::Date),
    ("snoozed_until", Kind::Date),
    ("tag_ids", Kind::Str),
    ("priority", Kind::Str),
    ("statistics.time_to_assignment", Kind::Int),
    ("statistics.time_to_admin_reply", Kind::Int),
    ("statistics.time_to_first_close", Kind::Int),
    ("statistics.time_to_last_close", Kind::Int),
    ("statistics.median_time_to_reply", Kind::Int),
    ("statistics.first_contact_reply_at", Kind::Date),
    ("statistics.first_assignment_at", Kind::Date),
    ("statistics.first_admin_reply_at", Kind::Date),
    ("statistics.first_close_at", Kind::Date),
    ("statistics.last_assignment_at", Kind::Date),
    ("statistics.last_assignment_admin_reply_at", Kind::Date),
    ("statistics.last_contact_reply_at", Kind::Date),
    ("statistics.last_admin_reply_at", Kind::Date),
    ("statistics.last_close_at", Kind::Date),
    ("statistics.last_closed_by_id", Kind::Str),
    ("statistics.count_reopens", Kind::Int),
    ("statistics.count_assignments", Kind::Int),
    ("statistics.count_conversation_parts", Kind::Int),
    ("conversation_rating.requested_at", Kind::Date),
    ("conversation_rating.replied_at", Kind::Date),
    ("conversation_rating.score", Kind::Int),
    ("conversation_rating.remark", Kind::Str),
    ("conversation_rating.contact_id", Kind::Str),
    ("conversation_rating.admin_d", Kind::Str),
    ("ai_agent_participated", Kind::Bool),
];

/// The contact fields the simulator searches on (of the many Intercom documents).
pub const CONTACT_FIELDS: &[(&str, Kind)] = &[
    ("id", Kind::Str),
    ("role", Kind::Str),
    ("name", Kind::Str),
    ("email", Kind::Str),
    ("external_id", Kind::Str),
    ("created_at", Kind::Date),
];

/// A field's value on one record.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    /// Strings (several for `contact_ids`, `tag_ids`, ...).
    Strs(Vec<String>),
    /// A number.
    Int(i64),
    /// A boolean.
    Bool(bool),
    /// No value.
    Null,
}

/// A validated query.
#[derive(Clone, Debug, PartialEq)]
pub enum Query {
    /// One filter.
    Filter {
        /// The field.
        field: String,
        /// Its type.
        kind: Kind,
        /// The operator.
        operator: String,
        /// The value.
        value: Value,
    },
    /// `AND` (true) or `OR` (false) of these.
    Group(bool, Vec<Query>),
}

/// The operators a field of `kind` takes (`<=`/`>=` only on `created_at` of tickets, as the
/// tickets search documents).
fn operators(kind: Kind, field: &str, extra_created_at: bool) -> &'static [&'static str] {
    match kind {
        Kind::Str => &["=", "!=", "IN", "NIN", "~", "!~", "^", "$"],
        Kind::Date if extra_created_at && field == "created_at" => {
            &["=", "!=", "IN", "NIN", ">", "<", ">=", "<="]
        }
        Kind::Date | Kind::Int => &["=", "!=", "IN", "NIN", ">", "<"],
        Kind::Bool => &["=", "!=", "IN", "NIN"],
    }
}

/// Parses and checks a query against the documented `fields`.
pub fn parse(
    query: &Value,
    fields: &[(&str, Kind)],
    extra_created_at: bool,
) -> Result<Query, Reply> {
    parse_at(query, fields, extra_created_at, 0)
}

fn parse_at(
    query: &Value,
    fields: &[(&str, Kind)],
    extra: bool,
    depth: usize,
) -> Result<Query, Reply> {
    let Some(object) = query.as_object() else {
        return Err(parameter_invalid("query must be an object"));
    };
    let operator = object
        .get("operator")
        .and_then(Value::as_str)
        .ok_or_else(|| parameter_invalid("operator is required"))?;
    if let Some(unknown) = object
        .keys()
        .find(|k| !["field", "operator", "value"].contains(&k.as_str()))
    {
        return Err(parameter_invalid(format!(
            "{unknown} is not a valid query parameter"
        )));
    }
    if operator == "AND" || operator == "OR" {
        if object.contains_key("field") {
            return Err(parameter_invalid("a group of filters has no field"));
        }
        if depth >= MAX_NESTING {
            return Err(parameter_invalid(format!(
                "Nesting is limited to {MAX_NESTING} levels"
            )));
        }
        let items = object
            .get("value")
            .and_then(Value::as_array)
            .ok_or_else(|| parameter_invalid("an AND or OR query needs an array of filters"))?;
        if items.is_empty() {
            return Err(parameter_invalid("an AND or OR query needs filters"));
        }
        if items.len() > MAX_GROUP {
            return Err(parameter_invalid(format!(
                "A query can have at most {MAX_GROUP} filters in each AND or OR group"
            )));
        }
        let parsed = items
            .iter()
            .map(|item| parse_at(item, fields, extra, depth + 1))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(Query::Group(operator == "AND", parsed));
    }
    let field = object
        .get("field")
        .and_then(Value::as_str)
        .ok_or_else(|| parameter_invalid("field is required"))?;
    let kind = fields
        .iter()
        .find(|(name, _)| *name == field)
        .map(|(_, kind)| *kind)
        .ok_or_else(|| parameter_invalid(format!("{field} is not a searchable field")))?;
    if !operators(kind, field, extra).contains(&operator) {
        return Err(parameter_invalid(format!(
            "The operator {operator} is not supported for the field {field}"
        )));
    }
    let value = object
        .get("value")
        .cloned()
        .ok_or_else(|| parameter_invalid("value is required"))?;
    let list = operator == "IN" || operator == "NIN";
    match (&value, list) {
        (Value::Array(items), true) if !items.is_empty() => {
            for item in items {
                check_value(kind, field, item)?;
            }
        }
        (_, true) => {
            return Err(parameter_invalid(format!(
                "{operator} needs an array of values"
            )));
        }
        (Value::Array(_), false) => {
            return Err(parameter_invalid(format!(
                "{operator} needs a single value for {field}"
            )));
        }
        (item, false) => check_value(kind, field, item)?,
    }
    Ok(Query::Filter {
        field: field.to_owned(),
        kind,
        operator: operator.to_owned(),
        value,
    })
}

fn check_value(kind: Kind, field: &str, value: &Value) -> Result<(), Reply> {
    let ok = match kind {
        Kind::Str => value.is_string() || value.is_i64() || value.is_u64() || value.is_null(),
        Kind::Date | Kind::Int => number(value).is_some(),
        Kind::Bool => boolean(value).is_some(),
    };
    if ok {
        Ok(())
    } else {
        Err(parameter_invalid(format!(
            "The value {value} is not valid for the field {field}"
        )))
    }
}

fn number(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn boolean(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s == "true" => Some(true),
        Value::String(s) if s == "false" => Some(false),
        _ => None,
    }
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Whether a record whose fields `get` reads matches the query.
pub fn matches(query: &Query, get: &dyn Fn(&str) -> Val) -> bool {
    match query {
        Query::Group(true, items) => items.iter().all(|q| matches(q, get)),
        Query::Group(false, items) => items.iter().any(|q| matches(q, get)),
        Query::Filter {
            field,
            kind,
            operator,
            value,
        } => {
            let actual = get(field);
            let equals = |wanted: &Value| equal(*kind, &actual, wanted);
            match operator.as_str() {
                "=" => equals(value),
                "!=" => !equals(value),
                "IN" => value.as_array().is_some_and(|v| v.iter().any(equals)),
                "NIN" => !value.as_array().is_some_and(|v| v.iter().any(equals)),
                ">" | ">=" => compare(&actual, value).is_some_and(|o| o.is_ge()),
                "<" | "<=" => compare(&actual, value).is_some_and(|o| o.is_le()),
                "~" | "!~" | "^" | "$" => {
                    let (Val::Strs(strings), Some(wanted)) = (&actual, text(value)) else {
                        return operator.starts_with('!');
                    };
                    let wanted = wanted.to_lowercase();
                    let hit = strings.iter().any(|s| {
                        let s = s.to_lowercase();
                        match operator.as_str() {
                            "^" => s.starts_with(&wanted),
                            "$" => s.ends_with(&wanted),
                            _ => s.contains(&wanted),
                        }
                    });
                    if operator == "!~" { !hit } else { hit }
                }
                _ => false,
            }
        }
    }
}

fn equal(kind: Kind, actual: &Val, wanted: &Value) -> bool {
    match (kind, actual) {
        (_, Val::Null) => wanted.is_null(),
        (Kind::Str, Val::Strs(strings)) => text(wanted).is_some_and(|w| strings.contains(&w)),
        (Kind::Date | Kind::Int, Val::Int(n)) => number(wanted) == Some(*n),
        (Kind::Bool, Val::Bool(b)) => boolean(wanted) == Some(*b),
        _ => false,
    }
}

fn compare(actual: &Val, wanted: &Value) -> Option<std::cmp::Ordering> {
    match actual {
        Val::Int(n) => Some(n.cmp(&number(wanted)?)),
        _ => None,
    }
}
