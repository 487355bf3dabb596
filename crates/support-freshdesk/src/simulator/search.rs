//! The ticket filter language of `GET /api/v2/search/tickets`, as documented:
//!
//! - conditions `field:value`, with `:>` (greater than or equal) and `:<` (less than or equal) for
//!   numbers and dates, combined with `AND`, `OR` and parentheses;
//! - strings in single quotes (`tag:'vip'`), numbers bare (`status:2`), `null` for "no value"
//!   (`agent_id:null`), dates as `'YYYY-MM-DD'` (`created_at:>'2026-01-05'` includes that whole
//!   day, `created_at:<'2026-01-05'` too);
//! - fields `status`, `priority`, `agent_id`, `group_id`, `tag`, `type`, `created_at`,
//!   `updated_at`, `due_by`, `fr_due_by` and custom fields (`cf_*`). Field names are case
//!   sensitive; `AND` and `OR` are upper case.
//!
//! Anything else (free text, another field, a string where a number belongs, a time of day in a
//! date) is rejected, where Freshdesk answers 400 too or where the simulator does not claim to know
//! its semantics.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::Value;

use super::store::TicketRec;

/// A comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `:`
    Eq,
    /// `:>`, greater than or equal.
    Ge,
    /// `:<`, less than or equal.
    Le,
}

/// A literal.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    Int(i64),
    Text(String),
    Bool(bool),
    Null,
}

/// A field a condition is on.
#[derive(Clone, Debug, PartialEq)]
pub enum Field {
    Status,
    Priority,
    AgentId,
    GroupId,
    Tag,
    Type,
    CreatedAt,
    UpdatedAt,
    DueBy,
    FrDueBy,
    Custom(String),
}

/// One condition.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    Number(Field, Op, i64),
    /// `agent_id:null`, `tag:null`, ...
    Null(Field),
    Text(Field, String),
    Day(Field, Op, NaiveDate),
    Custom(String, Op, Literal),
}

/// A parsed query.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Cond(Condition),
}

struct Parser<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.at..]
    }

    fn skip_spaces(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start().len();
    }

    fn peek(&mut self) -> Option<char> {
        self.skip_spaces();
        self.rest().chars().next()
    }

    fn word(&mut self) -> Option<&'a str> {
        self.skip_spaces();
        let rest = self.rest();
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if len == 0 {
            return None;
        }
        self.at += len;
        Some(&rest[..len])
    }

    /// Consumes `keyword` (`AND`, `OR`) when it comes next as a whole word.
    fn keyword(&mut self, keyword: &str) -> bool {
        self.skip_spaces();
        let rest = self.rest();
        let follows = rest[keyword.len().min(rest.len())..].chars().next();
        if rest.starts_with(keyword) && follows.is_none_or(|c| c.is_whitespace() || c == '(') {
            self.at += keyword.len();
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut left = self.and()?;
        while self.keyword("OR") {
            let right = self.and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut left = self.primary()?;
        while self.keyword("AND") {
            let right = self.primary()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn primary(&mut self) -> Result<Expr, String> {
        if self.peek() == Some('(') {
            self.at += 1;
            let inner = self.or()?;
            if self.peek() != Some(')') {
                return Err(format!("missing `)` at {:?}", self.rest()));
            }
            self.at += 1;
            return Ok(inner);
        }
        let start = self.at;
        let Some(name) = self.word() else {
            return Err(format!("expected a condition at {:?}", self.rest()));
        };
        if !self.rest().starts_with(':') {
            return Err(format!(
                "{:?} is not a `field:value` condition (free text is not searchable)",
                &self.text[start..self.at]
            ));
        }
        self.at += 1;
        let op = match self.rest().chars().next() {
            Some('>') => {
                self.at += 1;
                Op::Ge
            }
            Some('<') => {
                self.at += 1;
                Op::Le
            }
            _ => Op::Eq,
        };
        let literal = self.literal()?;
        condition(name, op, literal).map(Expr::Cond)
    }

    fn literal(&mut self) -> Result<Literal, String> {
        let rest = self.rest();
        if let Some(quoted) = rest.strip_prefix('\'') {
            let Some(end) = quoted.find('\'') else {
                return Err("unterminated string".into());
            };
            self.at += end + 2;
            return Ok(Literal::Text(quoted[..end].to_owned()));
        }
        let len = rest
            .find(|c: char| c.is_whitespace() || c == ')' || c == '(')
            .unwrap_or(rest.len());
        let token = &rest[..len];
        self.at += len;
        match token {
            "" => Err("a condition without a value".into()),
            "null" => Ok(Literal::Null),
            "true" => Ok(Literal::Bool(true)),
            "false" => Ok(Literal::Bool(false)),
            _ => token
                .parse::<i64>()
                .map(Literal::Int)
                .map_err(|_| format!("{token:?} is not a number, `null` or a 'quoted string'")),
        }
    }
}

fn day(field: &str, text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|_| text.len() == 10)
        .ok_or_else(|| format!("{field}: {text:?} is not a date in the format 'YYYY-MM-DD'"))
}

fn condition(name: &str, op: Op, literal: Literal) -> Result<Condition, String> {
    let field = match name {
        "status" => Field::Status,
        "priority" => Field::Priority,
        "agent_id" => Field::AgentId,
        "group_id" => Field::GroupId,
        "tag" => Field::Tag,
        "type" => Field::Type,
        "created_at" => Field::CreatedAt,
        "updated_at" => Field::UpdatedAt,
        "due_by" => Field::DueBy,
        "fr_due_by" => Field::FrDueBy,
        custom if custom.starts_with("cf_") => Field::Custom(custom.to_owned()),
        other => return Err(format!("{other:?} is not a searchable ticket field")),
    };
    match (&field, op, literal) {
        (Field::Status | Field::Priority, op, Literal::Int(n)) => {
            Ok(Condition::Number(field, op, n))
        }
        (Field::AgentId | Field::GroupId, Op::Eq, Literal::Int(n)) => {
            Ok(Condition::Number(field, Op::Eq, n))
        }
        (Field::AgentId | Field::GroupId | Field::Tag | Field::Type, Op::Eq, Literal::Null) => {
            Ok(Condition::Null(field))
        }
        (Field::Tag | Field::Type, Op::Eq, Literal::Text(text)) => Ok(Condition::Text(field, text)),
        (
            Field::CreatedAt | Field::UpdatedAt | Field::DueBy | Field::FrDueBy,
            op,
            Literal::Text(text),
        ) => Ok(Condition::Day(field, op, day(name, &text)?)),
        (Field::Custom(name), op, literal) => match (op, &literal) {
            (Op::Eq, _) | (_, Literal::Int(_)) => Ok(Condition::Custom(name.clone(), op, literal)),
            _ => Err(format!("{name}: `:>` and `:<` need a number")),
        },
        (_, op, literal) => Err(format!(
            "{name}{} {literal:?} is not a valid condition for this field",
            match op {
                Op::Eq => ":",
                Op::Ge => ":>",
                Op::Le => ":<",
            }
        )),
    }
}

/// Parses the query between the double quotes.
pub fn parse(query: &str) -> Result<Expr, String> {
    let mut parser = Parser { text: query, at: 0 };
    let expr = parser.or()?;
    if parser.peek().is_some() {
        return Err(format!("unexpected {:?}", parser.rest()));
    }
    Ok(expr)
}

fn compare(value: i64, op: Op, bound: i64) -> bool {
    match op {
        Op::Eq => value == bound,
        Op::Ge => value >= bound,
        Op::Le => value <= bound,
    }
}

fn on_day(at: &DateTime<Utc>, op: Op, day: NaiveDate) -> bool {
    let start = day.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    let Some(start) = start else { return false };
    let end = start + Duration::days(1);
    match op {
        Op::Eq => *at >= start && *at < end,
        Op::Ge => *at >= start,
        Op::Le => *at < end,
    }
}

fn custom_matches(value: Option<&Value>, op: Op, literal: &Literal) -> bool {
    match (value, literal) {
        (None | Some(Value::Null), Literal::Null) => true,
        (Some(Value::Number(n)), Literal::Int(bound)) => {
            n.as_i64().is_some_and(|n| compare(n, op, *bound))
        }
        (Some(Value::String(s)), Literal::Text(text)) => s.eq_ignore_ascii_case(text),
        (Some(Value::Bool(b)), Literal::Bool(want)) => b == want,
        _ => false,
    }
}

impl Expr {
    pub fn matches(&self, t: &TicketRec) -> bool {
        match self {
            Expr::And(a, b) => a.matches(t) && b.matches(t),
            Expr::Or(a, b) => a.matches(t) || b.matches(t),
            Expr::Cond(c) => match c {
                Condition::Number(Field::Status, op, n) => compare(t.status as i64, *op, *n),
                Condition::Number(Field::Priority, op, n) => compare(t.priority as i64, *op, *n),
                Condition::Number(Field::AgentId, _, n) => t.responder_id == Some(*n as u64),
                Condition::Number(Field::GroupId, _, n) => t.group_id == Some(*n as u64),
                Condition::Null(Field::AgentId) => t.responder_id.is_none(),
                Condition::Null(Field::GroupId) => t.group_id.is_none(),
                Condition::Null(Field::Tag) => t.tags.is_empty(),
                Condition::Null(Field::Type) => t.kind.is_none(),
                Condition::Text(Field::Tag, tag) => {
                    t.tags.iter().any(|x| x.eq_ignore_ascii_case(tag))
                }
                Condition::Text(Field::Type, kind) => t.kind.as_deref() == Some(kind.as_str()),
                Condition::Day(field, op, day) => {
                    let at = match field {
                        Field::CreatedAt => &t.created_at,
                        Field::UpdatedAt => &t.updated_at,
                        Field::DueBy => &t.due_by,
                        _ => &t.fr_due_by,
                    };
                    on_day(at, *op, *day)
                }
                Condition::Custom(name, op, literal) => {
                    custom_matches(t.custom_fields.get(name), *op, literal)
                }
                _ => false,
            },
        }
    }
}
