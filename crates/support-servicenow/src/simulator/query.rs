//! ServiceNow's encoded queries (`sysparm_query`): conditions joined by `^` (AND), `^OR` (OR,
//! binding tighter than AND), `^NQ` (a new query whose rows are added), and `ORDERBY` /
//! `ORDERBYDESC` terms. Operators: `=`, `!=`, `>`, `>=`, `<`, `<=`, `IN`, `NOT IN`, `LIKE`,
//! `NOT LIKE`, `STARTSWITH`, `ENDSWITH`, `ISEMPTY`, `ISNOTEMPTY`; fields may be dot-walked through
//! reference fields (`role.name`). `^^` is a literal `^`; a trailing `^EQ` is ignored.
//!
//! Like ServiceNow (with `glide.invalid_query.returns_no_rows` off, its default), a condition on a
//! field the table does not have is dropped rather than refused; the simulator records every
//! dropped term, so tests can assert that none was, and `strict` (the property on) makes such a
//! query match nothing.

use std::cmp::Ordering;

/// An operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `IN` a comma-separated list.
    In,
    /// `NOT IN`
    NotIn,
    /// `LIKE`: contains.
    Like,
    /// `NOT LIKE`
    NotLike,
    /// `STARTSWITH`
    StartsWith,
    /// `ENDSWITH`
    EndsWith,
    /// `ISEMPTY`
    IsEmpty,
    /// `ISNOTEMPTY`
    IsNotEmpty,
}

/// Operators as spelled, longest first where one is a prefix of another.
const OPS: &[(&str, Op)] = &[
    ("ISNOTEMPTY", Op::IsNotEmpty),
    ("ISEMPTY", Op::IsEmpty),
    ("STARTSWITH", Op::StartsWith),
    ("ENDSWITH", Op::EndsWith),
    ("NOT LIKE", Op::NotLike),
    ("NOT IN", Op::NotIn),
    ("LIKE", Op::Like),
    ("IN", Op::In),
    ("!=", Op::Ne),
    (">=", Op::Ge),
    ("<=", Op::Le),
    ("=", Op::Eq),
    (">", Op::Gt),
    ("<", Op::Lt),
];

/// One condition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cond {
    /// The field, dot-walked or not.
    pub field: String,
    /// The operator.
    pub op: Op,
    /// The value as written (`javascript:gs.dateGenerate('d','t')` already turned into `d t`).
    pub value: String,
}

/// A parsed encoded query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    /// `^NQ`-separated queries; each is a conjunction of disjunctions.
    pub queries: Vec<Vec<Vec<Cond>>>,
    /// Sort keys: field, descending.
    pub order: Vec<(String, bool)>,
    /// Terms dropped because their field is unknown or they do not parse.
    pub ignored: Vec<String>,
}

/// Splits on `^`, keeping `^^` as a literal `^`.
fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '^' {
            if chars.peek() == Some(&'^') {
                chars.next();
                current.push('^');
            } else {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push(c);
        }
    }
    out.push(current);
    out
}

/// `javascript:gs.dateGenerate('2026-01-05','08:00:00')` as `2026-01-05 08:00:00`; anything else
/// as it is.
fn literal(value: &str) -> String {
    let Some(args) = value
        .strip_prefix("javascript:gs.dateGenerate(")
        .and_then(|v| v.strip_suffix(')'))
    else {
        return value.to_owned();
    };
    let parts: Vec<String> = args
        .split(',')
        .map(|p| p.trim().trim_matches('\'').trim_matches('"').to_owned())
        .collect();
    match parts.as_slice() {
        [date, time] => format!("{date} {time}"),
        [date] => format!("{date} 00:00:00"),
        _ => value.to_owned(),
    }
}

fn condition(term: &str) -> Option<Cond> {
    let end = term
        .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.'))
        .unwrap_or(term.len());
    let (field, rest) = term.split_at(end);
    if field.is_empty() {
        return None;
    }
    let (spelled, op) = OPS.iter().find(|(s, _)| rest.starts_with(s))?;
    let value = &rest[spelled.len()..];
    if matches!(op, Op::IsEmpty | Op::IsNotEmpty) && !value.is_empty() {
        return None;
    }
    Some(Cond {
        field: field.to_owned(),
        op: *op,
        value: literal(value),
    })
}

/// Parses `text`; `known(field)` says whether a (dot-walked) field exists.
pub fn parse(text: &str, known: impl Fn(&str) -> bool) -> Query {
    let mut query = Query::default();
    let mut current: Vec<Vec<Cond>> = Vec::new();
    for term in terms(text) {
        let mut term = term.as_str();
        if term.is_empty() || term == "EQ" {
            continue;
        }
        if let Some(rest) = term.strip_prefix("NQ") {
            if !current.is_empty() {
                query.queries.push(std::mem::take(&mut current));
            }
            term = rest;
            if term.is_empty() {
                continue;
            }
        }
        if let Some(field) = term.strip_prefix("ORDERBYDESC") {
            if known(field) {
                query.order.push((field.to_owned(), true));
            } else {
                query.ignored.push(term.to_owned());
            }
            continue;
        }
        if let Some(field) = term.strip_prefix("ORDERBY") {
            if known(field) {
                query.order.push((field.to_owned(), false));
            } else {
                query.ignored.push(term.to_owned());
            }
            continue;
        }
        let (alternative, body) = match term.strip_prefix("OR") {
            Some(body) => (true, body),
            None => (false, term),
        };
        match condition(body).filter(|c| known(&c.field)) {
            Some(cond) => match current.last_mut() {
                Some(group) if alternative => group.push(cond),
                _ => current.push(vec![cond]),
            },
            None => query.ignored.push(term.to_owned()),
        }
    }
    if !current.is_empty() {
        query.queries.push(current);
    }
    query
}

/// Compares two field values: as numbers when both are, else as text.
pub fn compare(a: &str, b: &str) -> Ordering {
    match (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
        (Ok(x), Ok(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        _ => a.cmp(b),
    }
}

impl Cond {
    /// Whether a row whose field has `actual` meets the condition. Values are compared as
    /// written: the Table API documents column names, operators and values as case-sensitive.
    pub fn holds(&self, actual: &str) -> bool {
        let wanted = self.value.as_str();
        match self.op {
            Op::Eq => actual == self.value,
            Op::Ne => actual != self.value,
            Op::Gt => compare(actual, &self.value) == Ordering::Greater,
            Op::Ge => compare(actual, &self.value) != Ordering::Less,
            Op::Lt => compare(actual, &self.value) == Ordering::Less,
            Op::Le => compare(actual, &self.value) != Ordering::Greater,
            Op::In => self.value.split(',').any(|v| v.trim() == actual),
            Op::NotIn => !self.value.split(',').any(|v| v.trim() == actual),
            Op::Like => actual.contains(wanted),
            Op::NotLike => !actual.contains(wanted),
            Op::StartsWith => actual.starts_with(wanted),
            Op::EndsWith => actual.ends_with(wanted),
            Op::IsEmpty => actual.is_empty(),
            Op::IsNotEmpty => !actual.is_empty(),
        }
    }
}

impl Query {
    /// Whether a row matches: `value(field)` is the row's (dot-walked) value of a field.
    pub fn matches(&self, value: impl Fn(&str) -> String) -> bool {
        self.queries.is_empty()
            || self.queries.iter().any(|query| {
                query
                    .iter()
                    .all(|group| group.iter().any(|cond| cond.holds(&value(&cond.field))))
            })
    }
}
