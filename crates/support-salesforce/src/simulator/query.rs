//! The SOQL subset the simulator evaluates: `SELECT f[, ...] FROM Object [WHERE cond] [ORDER BY
//! f [ASC|DESC] [NULLS FIRST|LAST][, ...]] [LIMIT n] [OFFSET n]`, conditions `=, !=, <>, <, >,
//! <=, >=, LIKE, IN (...), NOT IN (...)` joined by `AND`/`OR`, `NOT` and parentheses; string
//! literals in single quotes with the documented escapes (`\' \" \\ \n \r \t \b \f \_ \%`, any
//! other backslash is an error); dates, datetimes, numbers, `true`/`false`/`null` unquoted.
//! Keywords are case-insensitive; text compares case-insensitively, as SOQL does; a 15-character
//! id literal matches the 18-character id it abbreviates.

use std::cmp::Ordering;

use serde_json::Value;

/// A literal of a condition.
#[derive(Clone, Debug, PartialEq)]
pub enum Lit {
    /// A quoted string (unescaped).
    Text(String),
    /// A number.
    Num(f64),
    /// `true` / `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// A date or datetime, as written (`2026-01-05`, `2026-01-05T08:00:00Z`).
    Date(String),
}

/// A `WHERE` condition.
#[derive(Clone, Debug, PartialEq)]
pub enum Cond {
    /// `field op literal`.
    Cmp(String, String, Lit),
    /// `field [NOT] IN (literals)`.
    In(String, bool, Vec<Lit>),
    /// `field [NOT] IN (SELECT f FROM Object ...)`: a semi-join (anti-join).
    Sub(String, bool, Box<Soql>),
    /// Both.
    And(Box<Cond>, Box<Cond>),
    /// Either.
    Or(Box<Cond>, Box<Cond>),
    /// Not.
    Not(Box<Cond>),
}

/// A parsed query.
#[derive(Clone, Debug, PartialEq)]
pub struct Soql {
    /// The selected fields, as written (`Owner.Name`).
    pub fields: Vec<String>,
    /// The object.
    pub object: String,
    /// The condition.
    pub filter: Option<Cond>,
    /// `(field, descending, nulls_last)`.
    pub order: Vec<(String, bool, bool)>,
    /// `LIMIT`.
    pub limit: Option<usize>,
    /// `OFFSET`.
    pub offset: Option<usize>,
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Word(String),
    Text(String),
    Op(String),
    Comma,
    Open,
    Close,
}

fn tokens(q: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = q.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == ',' {
            out.push(Tok::Comma);
            i += 1;
        } else if c == '(' {
            out.push(Tok::Open);
            i += 1;
        } else if c == ')' {
            out.push(Tok::Close);
            i += 1;
        } else if c == '\'' {
            let mut text = String::new();
            i += 1;
            loop {
                let Some(&c) = chars.get(i) else {
                    return Err("unterminated string literal".into());
                };
                i += 1;
                match c {
                    '\'' => break,
                    '\\' => {
                        let Some(&e) = chars.get(i) else {
                            return Err("unterminated escape".into());
                        };
                        i += 1;
                        let unescaped = match e {
                            'n' => '\n',
                            'r' => '\r',
                            't' => '\t',
                            'b' => '\u{8}',
                            'f' => '\u{c}',
                            '\'' | '"' | '\\' => e,
                            // Kept escaped: LIKE reads them as literal `_` and `%`.
                            '_' | '%' => {
                                text.push('\\');
                                e
                            }
                            _ => return Err(format!("Invalid escape sequence \\{e}")),
                        };
                        text.push(unescaped);
                    }
                    _ => text.push(c),
                }
            }
            out.push(Tok::Text(text));
        } else if "=<>!".contains(c) {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let op = if ["!=", "<>", "<=", ">="].contains(&two.as_str()) {
                two
            } else if c == '!' {
                return Err("unexpected '!'".into());
            } else {
                c.to_string()
            };
            i += op.len();
            out.push(Tok::Op(op));
        } else if c.is_alphanumeric() || "_.-:+".contains(c) {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || "_.-:+".contains(chars[i])) {
                i += 1;
            }
            out.push(Tok::Word(chars[start..i].iter().collect()));
        } else {
            return Err(format!("unexpected token: '{c}'"));
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }
    fn keyword(&mut self, k: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Word(w)) if w.eq_ignore_ascii_case(k)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn expect(&mut self, k: &str) -> Result<(), String> {
        if self.keyword(k) {
            Ok(())
        } else {
            Err(format!("expecting {k}, found {:?}", self.peek()))
        }
    }
    fn field(&mut self) -> Result<String, String> {
        match self.next() {
            Some(Tok::Word(w)) if is_field(&w) => Ok(w),
            other => Err(format!("expecting a field name, found {other:?}")),
        }
    }
    fn number(&mut self) -> Result<usize, String> {
        match self.next() {
            Some(Tok::Word(w)) => w.parse().map_err(|_| format!("not a number: {w}")),
            other => Err(format!("expecting a number, found {other:?}")),
        }
    }
    fn literal(&mut self) -> Result<Lit, String> {
        match self.next() {
            Some(Tok::Text(t)) => Ok(Lit::Text(t)),
            Some(Tok::Word(w)) => {
                let lower = w.to_ascii_lowercase();
                if lower == "true" || lower == "false" {
                    Ok(Lit::Bool(lower == "true"))
                } else if lower == "null" {
                    Ok(Lit::Null)
                } else if is_date(&w) {
                    Ok(Lit::Date(w))
                } else if let Ok(n) = w.parse::<f64>() {
                    Ok(Lit::Num(n))
                } else {
                    Err(format!("unexpected token: '{w}'"))
                }
            }
            other => Err(format!("expecting a value, found {other:?}")),
        }
    }
    fn or(&mut self) -> Result<Cond, String> {
        let mut left = self.and()?;
        while self.keyword("OR") {
            left = Cond::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }
    fn and(&mut self) -> Result<Cond, String> {
        let mut left = self.unary()?;
        while self.keyword("AND") {
            left = Cond::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }
    fn unary(&mut self) -> Result<Cond, String> {
        if self.keyword("NOT") {
            return Ok(Cond::Not(Box::new(self.unary()?)));
        }
        if self.peek() == Some(&Tok::Open) {
            self.pos += 1;
            let inner = self.or()?;
            return match self.next() {
                Some(Tok::Close) => Ok(inner),
                other => Err(format!("expecting ')', found {other:?}")),
            };
        }
        let field = self.field()?;
        let negated = self.keyword("NOT");
        if self.keyword("IN") {
            if self.next() != Some(Tok::Open) {
                return Err("expecting '(' after IN".into());
            }
            if matches!(self.peek(), Some(Tok::Word(w)) if w.eq_ignore_ascii_case("SELECT")) {
                let start = self.pos;
                let mut depth = 0usize;
                loop {
                    match self.next() {
                        Some(Tok::Open) => depth += 1,
                        Some(Tok::Close) if depth == 0 => break,
                        Some(Tok::Close) => depth -= 1,
                        Some(_) => {}
                        None => return Err("unterminated semi-join".into()),
                    }
                }
                let inner = Parser {
                    toks: self.toks[start..self.pos - 1].to_vec(),
                    pos: 0,
                };
                let sub = inner.query()?;
                if sub.fields.len() != 1 {
                    return Err("a semi-join selects one field".into());
                }
                return Ok(Cond::Sub(field, negated, Box::new(sub)));
            }
            let mut values = vec![self.literal()?];
            loop {
                match self.next() {
                    Some(Tok::Comma) => values.push(self.literal()?),
                    Some(Tok::Close) => break,
                    other => return Err(format!("expecting ',' or ')', found {other:?}")),
                }
            }
            return Ok(Cond::In(field, negated, values));
        }
        if negated {
            return Err("expecting IN after NOT".into());
        }
        let op = match self.next() {
            Some(Tok::Op(op)) => op,
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("LIKE") => "LIKE".into(),
            other => Err(format!("expecting an operator, found {other:?}"))?,
        };
        let value = self.literal()?;
        if op == "LIKE" && !matches!(value, Lit::Text(_)) {
            return Err("LIKE needs a string".into());
        }
        Ok(Cond::Cmp(
            field,
            if op == "<>" { "!=".into() } else { op },
            value,
        ))
    }
}

fn is_field(w: &str) -> bool {
    !w.is_empty()
        && w.split('.').all(|part| {
            part.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

fn is_date(w: &str) -> bool {
    let b = w.as_bytes();
    b.len() >= 10 && b[4] == b'-' && b[7] == b'-' && b[..4].iter().all(u8::is_ascii_digit)
}

const RESERVED: &[&str] = &[
    "SELECT", "FROM", "WHERE", "ORDER", "BY", "LIMIT", "OFFSET", "AND", "OR", "NOT", "IN", "LIKE",
];

/// Parses a query, or says why it is malformed.
pub fn parse(q: &str) -> Result<Soql, String> {
    Parser {
        toks: tokens(q)?,
        pos: 0,
    }
    .query()
}

impl Parser {
    fn query(mut self) -> Result<Soql, String> {
        let p = &mut self;
        p.expect("SELECT")?;
        let mut fields = vec![p.field()?];
        while p.peek() == Some(&Tok::Comma) {
            p.pos += 1;
            fields.push(p.field()?);
        }
        if fields
            .iter()
            .any(|f| RESERVED.iter().any(|r| r.eq_ignore_ascii_case(f)))
        {
            return Err("unexpected token in field list".into());
        }
        p.expect("FROM")?;
        let object = p.field()?;
        let filter = if p.keyword("WHERE") {
            Some(p.or()?)
        } else {
            None
        };
        let mut order = Vec::new();
        if p.keyword("ORDER") {
            p.expect("BY")?;
            loop {
                let f = p.field()?;
                let desc = if p.keyword("DESC") {
                    true
                } else {
                    p.keyword("ASC");
                    false
                };
                // Nulls come first unless said (SOQL reference, ORDER BY: "By default, null
                // values are sorted first"), in either direction.
                let mut nulls_last = false;
                if p.keyword("NULLS") {
                    nulls_last = if p.keyword("LAST") {
                        true
                    } else {
                        p.expect("FIRST")?;
                        false
                    };
                }
                order.push((f, desc, nulls_last));
                if p.peek() == Some(&Tok::Comma) {
                    p.pos += 1;
                } else {
                    break;
                }
            }
        }
        let limit = if p.keyword("LIMIT") {
            Some(p.number()?)
        } else {
            None
        };
        let offset = if p.keyword("OFFSET") {
            Some(p.number()?)
        } else {
            None
        };
        if let Some(t) = p.peek() {
            return Err(format!("unexpected token: {t:?}"));
        }
        Ok(Soql {
            fields,
            object,
            filter,
            order,
            limit,
            offset,
        })
    }
}

/// Whether two ids name the same record (15 characters are compared case-sensitively with the
/// first 15 of the other).
fn same_id(a: &str, b: &str) -> bool {
    match (a.len(), b.len()) {
        (18, 18) => a.eq_ignore_ascii_case(b),
        (15, 18) => b.starts_with(a),
        (18, 15) => a.starts_with(b),
        _ => a == b,
    }
}

fn looks_like_id(s: &str) -> bool {
    (s.len() == 15 || s.len() == 18) && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Compares a row's value with a literal; `None` when either is null or they do not compare.
pub fn compare(value: &Value, lit: &Lit) -> Option<Ordering> {
    match (value, lit) {
        (Value::Null, _) | (_, Lit::Null) => None,
        (Value::String(s), Lit::Text(t)) => {
            if looks_like_id(s) && looks_like_id(t) && same_id(s, t) {
                return Some(Ordering::Equal);
            }
            Some(s.to_lowercase().cmp(&t.to_lowercase()))
        }
        (Value::String(s), Lit::Date(d)) => Some(s.as_str().cmp(&normal_date(d, s))),
        (Value::Number(n), Lit::Num(m)) => n.as_f64().and_then(|n| n.partial_cmp(m)),
        (Value::Bool(b), Lit::Bool(c)) => Some(b.cmp(c)),
        _ => None,
    }
}

/// A literal as the stored form (`2026-01-05T08:00:00.000+0000`), to compare as text.
fn normal_date(lit: &str, stored: &str) -> String {
    if lit.len() == 10 {
        return if stored.len() == 10 {
            lit.to_owned()
        } else {
            format!("{lit}T00:00:00.000+0000")
        };
    }
    match chrono::DateTime::parse_from_rfc3339(lit) {
        Ok(t) => t
            .with_timezone(&chrono::Utc)
            .format("%Y-%m-%dT%H:%M:%S%.3f+0000")
            .to_string(),
        Err(_) => lit.to_owned(),
    }
}

/// Whether a `LIKE` pattern (`%` any run, `_` one character, `\%`/`\_` literal) matches,
/// case-insensitively.
pub fn like(text: &str, pattern: &str) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum P {
        Any,
        One,
        Char(char),
    }
    let mut parts = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        parts.push(match c {
            '%' => P::Any,
            '_' => P::One,
            '\\' => P::Char(chars.next().unwrap_or('\\')),
            c => P::Char(c),
        });
    }
    let text: Vec<char> = text.to_lowercase().chars().collect();
    fn go(t: &[char], p: &[P]) -> bool {
        match p.first() {
            None => t.is_empty(),
            Some(P::Any) => (0..=t.len()).any(|i| go(&t[i..], &p[1..])),
            Some(P::One) => !t.is_empty() && go(&t[1..], &p[1..]),
            Some(P::Char(c)) => {
                t.first()
                    .is_some_and(|x| c.to_lowercase().eq(std::iter::once(*x)))
                    && go(&t[1..], &p[1..])
            }
        }
    }
    go(&text, &parts)
}

/// Evaluates a condition; `get` reads a (possibly relationship) field of the row, `sub` answers
/// a semi-join's values.
pub fn eval(cond: &Cond, get: &dyn Fn(&str) -> Value, sub: &dyn Fn(&Soql) -> Vec<Value>) -> bool {
    match cond {
        Cond::And(a, b) => eval(a, get, sub) && eval(b, get, sub),
        Cond::Or(a, b) => eval(a, get, sub) || eval(b, get, sub),
        Cond::Not(a) => !eval(a, get, sub),
        Cond::Sub(field, negated, query) => {
            let v = get(field);
            let found = sub(query).iter().any(|w| match w.as_str() {
                Some(text) => compare(&v, &Lit::Text(text.to_owned())) == Some(Ordering::Equal),
                None => false,
            });
            found != *negated
        }
        Cond::In(field, negated, values) => {
            let v = get(field);
            let found = values
                .iter()
                .any(|l| compare(&v, l) == Some(Ordering::Equal));
            found != *negated
        }
        Cond::Cmp(field, op, lit) => {
            let v = get(field);
            if matches!(lit, Lit::Null) {
                return (op == "=") == v.is_null();
            }
            if op == "LIKE" {
                return match (&v, lit) {
                    (Value::String(s), Lit::Text(p)) => like(s, p),
                    _ => false,
                };
            }
            let Some(ord) = compare(&v, lit) else {
                return op == "!=" && !v.is_null();
            };
            match op.as_str() {
                "=" => ord == Ordering::Equal,
                "!=" => ord != Ordering::Equal,
                "<" => ord == Ordering::Less,
                ">" => ord == Ordering::Greater,
                "<=" => ord != Ordering::Greater,
                ">=" => ord != Ordering::Less,
                _ => false,
            }
        }
    }
}

/// Every field a condition names.
pub fn cond_fields(cond: &Cond, out: &mut Vec<String>) {
    match cond {
        Cond::And(a, b) | Cond::Or(a, b) => {
            cond_fields(a, out);
            cond_fields(b, out);
        }
        Cond::Not(a) => cond_fields(a, out),
        Cond::In(f, _, _) | Cond::Cmp(f, _, _) | Cond::Sub(f, _, _) => out.push(f.clone()),
    }
}

/// Orders two values as `ORDER BY` does (text case-insensitively).
pub fn order_values(a: &Value, b: &Value, nulls_last: bool) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => {
            if nulls_last {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        (_, Value::Null) => {
            if nulls_last {
                Ordering::Less
            } else {
                Ordering::Greater
            }
        }
        (Value::String(x), Value::String(y)) => x.to_lowercase().cmp(&y.to_lowercase()),
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ => Ordering::Equal,
    }
}

/// Every semi-join of a condition.
pub fn sub_queries<'a>(cond: &'a Cond, out: &mut Vec<&'a Soql>) {
    match cond {
        Cond::And(a, b) | Cond::Or(a, b) => {
            sub_queries(a, out);
            sub_queries(b, out);
        }
        Cond::Not(a) => sub_queries(a, out),
        Cond::Sub(_, _, q) => out.push(q),
        Cond::In(..) | Cond::Cmp(..) => {}
    }
}
