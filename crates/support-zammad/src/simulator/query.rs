//! The subset of the search `query` (Elasticsearch `query_string` syntax, default operator AND)
//! the simulator understands: `field:value`, `field:"quoted value"`, `field:(a OR b)`,
//! comparisons `field:>N`, `>=`, `<`, `<=`, ranges `field:[a TO b]` / `{a TO b}`, bare words
//! (full text over the title, the number and the articles), `AND`, `OR`, `NOT` and parentheses;
//! terms side by side are joined by AND. Zammad deletes every `*` from the query before it
//! searches (`can_search.rb`), so wildcards and open ranges (`[a TO *]`) do not survive.
//!
//! As in Lucene's syntax, a `:` inside a bare value must be escaped (`\\:`) or the value quoted
//! (a range's ends need neither).
//!
//! A term on a field no record has matches nothing (Elasticsearch finds no value there); the
//! store records such terms so tests can assert none was sent.

use chrono::{DateTime, NaiveDate, Utc};

/// A parsed query.
#[derive(Clone, Debug, PartialEq)]
pub enum Query {
    /// Every record (a blank query).
    All,
    /// Both.
    And(Box<Query>, Box<Query>),
    /// Either.
    Or(Box<Query>, Box<Query>),
    /// Not.
    Not(Box<Query>),
    /// A field term.
    Field(String, Value),
    /// A bare word or phrase.
    Text(String),
}

/// What a field term asks.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Equal to (case-insensitive for text; a word of a text field matches).
    Is(String),
    /// A comparison: `>`, `>=`, `<`, `<=`.
    Compare(&'static str, String),
    /// A range with inclusive (`[`/`]`) or exclusive (`{`/`}`) ends.
    Range(String, bool, String, bool),
    /// Any of these.
    AnyOf(Vec<Value>),
    /// All of these.
    AllOf(Vec<Value>),
}

/// A field's value on a record.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue {
    /// An integer.
    Num(i64),
    /// Text.
    Text(String),
    /// A time.
    Time(DateTime<Utc>),
}

/// Parses a query (after Zammad deleted its `*`); `Err` for syntax the simulator cannot read,
/// which Elasticsearch would refuse.
pub fn parse(query: &str) -> Result<Query, String> {
    let query = query.replace('*', "");
    let tokens = tokenize(&query)?;
    if tokens.is_empty() {
        return Ok(Query::All);
    }
    let mut parser = Parser { tokens, at: 0 };
    let q = parser.or()?;
    if parser.at < parser.tokens.len() {
        return Err(format!("unexpected {:?}", parser.tokens[parser.at]));
    }
    Ok(q)
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Open,
    Close,
    Word(String),
    Quoted(String),
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            tokens.push(Token::Open);
            i += 1;
        } else if c == ')' {
            tokens.push(Token::Close);
            i += 1;
        } else if c == '"' {
            let end = chars[i + 1..]
                .iter()
                .position(|&c| c == '"')
                .ok_or("unterminated quote")?;
            tokens.push(Token::Quoted(chars[i + 1..i + 1 + end].iter().collect()));
            i += end + 2;
        } else {
            let mut word = String::new();
            while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '(' && chars[i] != ')'
            {
                if chars[i] == '\\' && i + 1 < chars.len() {
                    // An escaped character stays in the word, escape and all.
                    word.push(chars[i]);
                    word.push(chars[i + 1]);
                    i += 2;
                    continue;
                }
                if chars[i] == '"' {
                    // `field:"quoted value"`
                    let end = chars[i + 1..]
                        .iter()
                        .position(|&c| c == '"')
                        .ok_or("unterminated quote")?;
                    word.push('"');
                    word.extend(&chars[i + 1..i + 1 + end]);
                    word.push('"');
                    i += end + 2;
                    continue;
                }
                if chars[i] == '[' || chars[i] == '{' {
                    // A range runs to its closing bracket, spaces included.
                    let end = chars[i..]
                        .iter()
                        .position(|&c| c == ']' || c == '}')
                        .ok_or("unterminated range")?;
                    word.extend(&chars[i..=i + end]);
                    i += end + 1;
                    continue;
                }
                word.push(chars[i]);
                i += 1;
            }
            tokens.push(Token::Word(word));
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn is_word(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(w)) if w == word)
    }

    fn or(&mut self) -> Result<Query, String> {
        let mut q = self.and()?;
        while self.is_word("OR") || self.is_word("||") {
            self.at += 1;
            q = Query::Or(Box::new(q), Box::new(self.and()?));
        }
        Ok(q)
    }

    fn and(&mut self) -> Result<Query, String> {
        let mut q = self.unary()?;
        loop {
            if self.is_word("AND") || self.is_word("&&") {
                self.at += 1;
            } else if self.peek().is_none()
                || self.peek() == Some(&Token::Close)
                || self.is_word("OR")
                || self.is_word("||")
            {
                return Ok(q);
            }
            q = Query::And(Box::new(q), Box::new(self.unary()?));
        }
    }

    fn unary(&mut self) -> Result<Query, String> {
        match self.peek().cloned() {
            Some(Token::Word(w)) if w == "!" => {
                self.at += 1;
                Ok(Query::Not(Box::new(self.unary()?)))
            }
            Some(Token::Word(w)) if w == "NOT" => {
                self.at += 1;
                Ok(Query::Not(Box::new(self.unary()?)))
            }
            Some(Token::Open) => {
                self.at += 1;
                let q = self.or()?;
                if self.peek() != Some(&Token::Close) {
                    return Err("unbalanced parenthesis".into());
                }
                self.at += 1;
                Ok(q)
            }
            Some(Token::Quoted(text)) => {
                self.at += 1;
                Ok(Query::Text(text))
            }
            Some(Token::Word(word))
                if (word.starts_with('-') || word.starts_with('!')) && word.len() > 1 =>
            {
                // `-term` / `!term`: the rest read again as a term, negated.
                self.tokens[self.at] = Token::Word(word[1..].to_owned());
                Ok(Query::Not(Box::new(self.unary()?)))
            }
            Some(Token::Word(word)) => {
                self.at += 1;
                match word.split_once(':') {
                    Some((field, "")) if self.peek() == Some(&Token::Open) => {
                        self.at += 1;
                        let value = self.values()?;
                        Ok(Query::Field(field.to_owned(), value))
                    }
                    Some((field, value)) if !field.is_empty() => {
                        Ok(Query::Field(field.to_owned(), value_of(value)?))
                    }
                    _ => Ok(Query::Text(word)),
                }
            }
            Some(Token::Close) => Err("unexpected )".into()),
            None => Err("unexpected end of query".into()),
        }
    }

    /// The values of `field:(...)` up to the closing parenthesis.
    fn values(&mut self) -> Result<Value, String> {
        let mut any: Vec<Value> = Vec::new();
        let mut all: Vec<Value> = Vec::new();
        loop {
            match self.peek().cloned() {
                Some(Token::Close) => {
                    self.at += 1;
                    break;
                }
                Some(Token::Word(w)) if w == "OR" || w == "||" => {
                    self.at += 1;
                    any.push(collapse(std::mem::take(&mut all)));
                }
                Some(Token::Word(w)) if w == "AND" || w == "&&" => self.at += 1,
                Some(Token::Word(w)) => {
                    self.at += 1;
                    all.push(value_of(&w)?);
                }
                Some(Token::Quoted(q)) => {
                    self.at += 1;
                    all.push(Value::Is(q));
                }
                Some(Token::Open) | None => return Err("bad value list".into()),
            }
        }
        any.push(collapse(all));
        Ok(if any.len() == 1 {
            any.remove(0)
        } else {
            Value::AnyOf(any)
        })
    }
}

fn collapse(mut all: Vec<Value>) -> Value {
    if all.len() == 1 {
        all.remove(0)
    } else {
        Value::AllOf(all)
    }
}

fn value_of(text: &str) -> Result<Value, String> {
    if text.is_empty() {
        return Err("a field without a value".into());
    }
    if let Some(q) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        return Ok(Value::Is(q.to_owned()));
    }
    for op in [">=", "<=", ">", "<"] {
        if let Some(rest) = text.strip_prefix(op) {
            if rest.is_empty() {
                return Err(format!("{op} without a value"));
            }
            let rest = match rest.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
                Some(quoted) => quoted.to_owned(),
                None => term(rest)?,
            };
            return Ok(Value::Compare(op, rest));
        }
    }
    if let Some(open) = text.chars().next().filter(|c| *c == '[' || *c == '{') {
        let close = text.chars().last().unwrap_or(' ');
        if close != ']' && close != '}' {
            return Err("bad range".into());
        }
        let inner = &text[1..text.len() - 1];
        let (low, high) = inner.split_once(" TO ").ok_or("a range without TO")?;
        let (low, high) = (low.trim(), high.trim());
        if low.is_empty() || high.is_empty() {
            // `[a TO *]` after Zammad deleted the `*`.
            return Err("a range with an empty end".into());
        }
        return Ok(Value::Range(
            low.to_owned(),
            open == '[',
            high.to_owned(),
            close == ']',
        ));
    }
    Ok(Value::Is(term(text)?))
}

/// A bare term: Lucene's reserved `:` must be escaped (`2026-01-06T17\:00\:00Z`), else
/// Elasticsearch cannot parse the query; escapes are dropped.
fn term(text: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            ':' => return Err(format!("unescaped ':' in {text:?}")),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// Reads a time as Elasticsearch reads a date: RFC 3339, or a plain date (midnight UTC).
pub fn time(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

fn compare(have: &FieldValue, want: &str) -> Option<std::cmp::Ordering> {
    match have {
        FieldValue::Num(n) => want.parse::<i64>().ok().map(|w| n.cmp(&w)),
        FieldValue::Time(t) => time(want).map(|w| t.cmp(&w)),
        FieldValue::Text(s) => Some(s.to_lowercase().cmp(&want.to_lowercase())),
    }
}

impl Value {
    /// Whether one of a field's values matches.
    pub fn matches(&self, values: &[FieldValue]) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        match self {
            Value::Is(want) => values.iter().any(|v| match v {
                FieldValue::Text(s) => {
                    s.eq_ignore_ascii_case(want)
                        || s.split_whitespace().any(|w| w.eq_ignore_ascii_case(want))
                }
                other => compare(other, want) == Some(Equal),
            }),
            Value::Compare(op, want) => values.iter().any(|v| {
                let o = compare(v, want);
                match *op {
                    ">" => o == Some(Greater),
                    ">=" => matches!(o, Some(Greater | Equal)),
                    "<" => o == Some(Less),
                    _ => matches!(o, Some(Less | Equal)),
                }
            }),
            Value::Range(low, low_in, high, high_in) => values.iter().any(|v| {
                let lo = compare(v, low);
                let hi = compare(v, high);
                let above = lo == Some(Greater) || (*low_in && lo == Some(Equal));
                let below = hi == Some(Less) || (*high_in && hi == Some(Equal));
                above && below
            }),
            Value::AnyOf(all) => all.iter().any(|v| v.matches(values)),
            Value::AllOf(all) => all.iter().all(|v| v.matches(values)),
        }
    }
}

impl Query {
    /// Whether a record matches: `field` gives a field's values (`None`: no such field), `text`
    /// whether a word or phrase is in its text.
    pub fn matches(
        &self,
        field: &dyn Fn(&str) -> Option<Vec<FieldValue>>,
        text: &dyn Fn(&str) -> bool,
    ) -> bool {
        match self {
            Query::All => true,
            Query::And(a, b) => a.matches(field, text) && b.matches(field, text),
            Query::Or(a, b) => a.matches(field, text) || b.matches(field, text),
            Query::Not(q) => !q.matches(field, text),
            Query::Field(name, value) => field(name).is_some_and(|values| value.matches(&values)),
            Query::Text(word) => text(word),
        }
    }

    /// The fields the query names.
    pub fn fields(&self) -> Vec<String> {
        match self {
            Query::All | Query::Text(_) => Vec::new(),
            Query::And(a, b) | Query::Or(a, b) => {
                let mut f = a.fields();
                f.extend(b.fields());
                f
            }
            Query::Not(q) => q.fields(),
            Query::Field(name, _) => vec![name.clone()],
        }
    }
}
