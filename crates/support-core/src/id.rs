//! Provider-qualified canonical identifiers.

use std::borrow::Cow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What a [`CanonicalId`] points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ObjectKind {
    /// A ticket, case or conversation.
    Ticket,
    /// A customer, agent or organisation.
    Party,
    /// An attachment or knowledge article.
    Document,
    /// A comment, reply or note on a ticket.
    Comment,
    /// A tag.
    Tag,
    /// An SLA policy.
    SlaPolicy,
    /// A customer-satisfaction rating.
    SatisfactionRating,
    /// A group, team or department of agents.
    Group,
    /// A knowledge-base category, section or folder.
    Category,
}

impl ObjectKind {
    /// Every kind, in a stable order.
    pub const ALL: [ObjectKind; 9] = [
        ObjectKind::Ticket,
        ObjectKind::Party,
        ObjectKind::Document,
        ObjectKind::Comment,
        ObjectKind::Tag,
        ObjectKind::SlaPolicy,
        ObjectKind::SatisfactionRating,
        ObjectKind::Group,
        ObjectKind::Category,
    ];

    /// The kind's name as it appears inside a canonical id.
    pub const fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Ticket => "ticket",
            ObjectKind::Party => "party",
            ObjectKind::Document => "document",
            ObjectKind::Comment => "comment",
            ObjectKind::Tag => "tag",
            ObjectKind::SlaPolicy => "sla_policy",
            ObjectKind::SatisfactionRating => "satisfaction_rating",
            ObjectKind::Group => "group",
            ObjectKind::Category => "category",
        }
    }
}

impl fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ObjectKind {
    type Err = IdParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ObjectKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == s)
            .ok_or_else(|| IdParseError(format!("unknown object kind `{s}`")))
    }
}

/// A stable, provider-qualified identifier: `{provider}:{kind}:{external id}`.
///
/// The external id is the provider's own id, kept verbatim (it may itself contain `:`).
///
/// ```
/// use support_core::{CanonicalId, ObjectKind};
///
/// let id: CanonicalId = "zendesk:ticket:35436".parse()?;
/// assert_eq!(id.provider(), "zendesk");
/// assert_eq!(id.kind(), ObjectKind::Ticket);
/// assert_eq!(id.external_id(), "35436");
/// assert_eq!(id.to_string(), "zendesk:ticket:35436");
/// # Ok::<(), support_core::IdParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CanonicalId {
    provider: Cow<'static, str>,
    kind: ObjectKind,
    external_id: ExternalId,
}

impl CanonicalId {
    /// Builds an id from its parts.
    ///
    /// The provider name is lower-cased; it may hold only `a-z`, `0-9`, `-` and `_`, and neither it nor
    /// the external id may be empty. Use [`CanonicalId::try_new`] for untrusted input.
    pub fn new(provider: &str, kind: ObjectKind, external_id: impl Into<String>) -> Self {
        // Adapters build several ids per object they map: a well-formed provider name is taken as
        // it is, without the checks' copies.
        let provider = if is_provider_name(provider) {
            provider.to_owned()
        } else {
            sanitize_provider(provider)
        };
        Self {
            provider: Cow::Owned(provider),
            kind,
            external_id: ExternalId::from(external_id.into()),
        }
    }

    /// [`CanonicalId::new`] for a provider name known at compile time (an adapter's `PROVIDER`),
    /// which the id then refers to instead of copying: adapters build several ids per object they
    /// map.
    pub fn from_static(
        provider: &'static str,
        kind: ObjectKind,
        external_id: impl Into<String>,
    ) -> Self {
        if !is_provider_name(provider) {
            return Self::new(provider, kind, external_id);
        }
        Self {
            provider: Cow::Borrowed(provider),
            kind,
            external_id: ExternalId::from(external_id.into()),
        }
    }

    /// [`CanonicalId::from_static`] for a numeric external id (`zendesk:ticket:42`), built without
    /// allocating: mapping a ticket builds five of them.
    pub fn numeric(provider: &'static str, kind: ObjectKind, external_id: i64) -> Self {
        if !is_provider_name(provider) {
            return Self::new(provider, kind, external_id.to_string());
        }
        Self {
            provider: Cow::Borrowed(provider),
            kind,
            external_id: ExternalId::number(external_id),
        }
    }

    /// Builds an id from its parts, rejecting an empty or malformed provider or an empty external id.
    pub fn try_new(
        provider: &str,
        kind: ObjectKind,
        external_id: impl Into<String>,
    ) -> Result<Self, IdParseError> {
        let provider = provider.to_ascii_lowercase();
        if provider.is_empty()
            || !provider
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        {
            return Err(IdParseError(format!("invalid provider name `{provider}`")));
        }
        let external_id = external_id.into();
        if external_id.is_empty() {
            return Err(IdParseError("empty external id".into()));
        }
        Ok(Self {
            provider: provider.into(),
            kind,
            external_id: ExternalId::from(external_id),
        })
    }

    /// The provider that owns the object (`zendesk`, `memory`, ...).
    pub fn provider(&self) -> &str {
        &self.provider
    }

    /// What kind of object this is.
    pub fn kind(&self) -> ObjectKind {
        self.kind
    }

    /// The provider's own id for the object.
    pub fn external_id(&self) -> &str {
        self.external_id.as_str()
    }

    /// The provider's own id, once the id is checked to be `provider`'s and of `kind`: an id of
    /// another provider or of another kind is invalid input, never sent. For providers whose ids are
    /// strings (Salesforce's 18-character ids, ServiceNow's `sys_id`).
    pub fn native_id(
        &self,
        provider: &'static str,
        kind: ObjectKind,
        operation: crate::Operation,
    ) -> Result<&str, crate::Error> {
        if self.provider != provider || self.kind != kind {
            return Err(crate::Error::invalid_input(
                provider,
                format!("`{self}` is not a {provider} {kind} id"),
            )
            .with_operation(operation));
        }
        Ok(self.external_id.as_str())
    }

    /// The provider's numeric id, once the id is checked to be `provider`'s and of `kind`: an id of
    /// another provider, of another kind, or not a number is invalid input, never sent.
    pub fn numeric_id(
        &self,
        provider: &'static str,
        kind: ObjectKind,
        operation: crate::Operation,
    ) -> Result<i64, crate::Error> {
        self.native_id(provider, kind, operation)?
            .parse()
            .map_err(|_| {
                crate::Error::invalid_input(
                    provider,
                    format!("`{self}`: {provider} ids are numbers"),
                )
                .with_operation(operation)
            })
    }
}

/// A provider's own id, kept inline when it is short (numeric ids always are), so that building an
/// id does not allocate.
#[derive(Clone)]
enum ExternalId {
    Inline { len: u8, bytes: [u8; INLINE_ID] },
    Heap(Box<str>),
}

/// The longest external id kept inline.
const INLINE_ID: usize = 22;

impl ExternalId {
    /// `n` in decimal, written digit by digit: listings build several ids per item, and the
    /// formatting machinery costs more than the rest of building one.
    fn number(n: i64) -> Self {
        let mut digits = [0u8; 20];
        let mut start = digits.len();
        let mut rest = n.unsigned_abs();
        loop {
            start -= 1;
            digits[start] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        // An i64 takes at most 20 bytes with its sign: it always fits.
        let mut bytes = [0u8; INLINE_ID];
        let sign = usize::from(n < 0);
        bytes[0] = b'-';
        let len = sign + digits.len() - start;
        bytes[sign..len].copy_from_slice(&digits[start..]);
        Self::Inline {
            len: len as u8,
            bytes,
        }
    }

    fn as_str(&self) -> &str {
        match self {
            ExternalId::Inline { len, bytes } => bytes
                .get(..usize::from(*len))
                .and_then(|text| std::str::from_utf8(text).ok())
                .unwrap_or_default(),
            ExternalId::Heap(text) => text,
        }
    }
}

impl From<String> for ExternalId {
    fn from(text: String) -> Self {
        if text.len() > INLINE_ID {
            return ExternalId::Heap(text.into_boxed_str());
        }
        let mut bytes = [0u8; INLINE_ID];
        bytes[..text.len()].copy_from_slice(text.as_bytes());
        ExternalId::Inline {
            len: u8::try_from(text.len()).unwrap_or(0),
            bytes,
        }
    }
}

impl PartialEq for ExternalId {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for ExternalId {}

impl Hash for ExternalId {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialOrd for ExternalId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ExternalId {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl fmt::Debug for ExternalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

/// Whether `provider` is a provider name as ids spell it: lowercase ASCII letters, digits, `-`, `_`.
fn is_provider_name(provider: &str) -> bool {
    !provider.is_empty()
        && provider
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

fn sanitize_provider(provider: &str) -> String {
    let cleaned: String = provider
        .to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '_')
        .collect();
    if cleaned.is_empty() {
        "unknown".into()
    } else {
        cleaned
    }
}

impl fmt::Display for CanonicalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}",
            self.provider,
            self.kind,
            self.external_id.as_str()
        )
    }
}

impl FromStr for CanonicalId {
    type Err = IdParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut parts = s.splitn(3, ':');
        let (Some(provider), Some(kind), Some(external_id)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return Err(IdParseError(format!(
                "`{s}` is not of the form provider:kind:external_id"
            )));
        };
        if provider.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(IdParseError(format!(
                "provider `{provider}` must be lower-case"
            )));
        }
        CanonicalId::try_new(provider, kind.parse()?, external_id)
    }
}

impl TryFrom<String> for CanonicalId {
    type Error = IdParseError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<CanonicalId> for String {
    fn from(value: CanonicalId) -> Self {
        value.to_string()
    }
}

/// A string that is not a valid [`CanonicalId`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid canonical id: {0}")]
pub struct IdParseError(String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_names_are_cleaned_and_checked() {
        assert_eq!(
            CanonicalId::new("Zen-Desk_2 x!", ObjectKind::Ticket, "1").provider(),
            "zen-desk_2x"
        );
        assert_eq!(
            CanonicalId::numeric("Zen Desk", ObjectKind::Ticket, 7).provider(),
            "zendesk"
        );
        assert!(CanonicalId::try_new("zen-desk_2", ObjectKind::Ticket, "1").is_ok());
        for bad in ["", "zen desk", "zen!", "zen:desk"] {
            assert!(
                CanonicalId::try_new(bad, ObjectKind::Ticket, "1").is_err(),
                "{bad}"
            );
        }
        let hash = |id: &CanonicalId| {
            let mut hasher = std::hash::DefaultHasher::new();
            id.hash(&mut hasher);
            hasher.finish()
        };
        let seven = CanonicalId::numeric("zendesk", ObjectKind::Ticket, 7);
        assert_eq!(
            hash(&seven),
            hash(&CanonicalId::new("zendesk", ObjectKind::Ticket, "7"))
        );
        assert_ne!(
            hash(&seven),
            hash(&CanonicalId::numeric("zendesk", ObjectKind::Ticket, 8))
        );
    }

    #[test]
    fn numeric_and_long_external_ids_read_back_as_given() {
        for n in [0, 7, -42, i64::MAX, i64::MIN] {
            let id = CanonicalId::numeric("zendesk", ObjectKind::Ticket, n);
            assert_eq!(id.external_id(), n.to_string());
            assert_eq!(
                id,
                CanonicalId::new("zendesk", ObjectKind::Ticket, n.to_string())
            );
        }
        let long = "0061t00000AbCdEfGhIjKlMnOpQrStUvWxYz-and-more";
        let id = CanonicalId::new("salesforce", ObjectKind::Ticket, long);
        assert_eq!(id.external_id(), long);
        assert_eq!(id.to_string(), format!("salesforce:ticket:{long}"));
        let exactly = "a".repeat(INLINE_ID);
        let id = CanonicalId::new("p", ObjectKind::Tag, exactly.clone());
        assert_eq!(id.external_id(), exactly);
        let short = CanonicalId::new("p", ObjectKind::Tag, "b");
        assert!(id < short && id != short);
        assert_eq!(format!("{short:?}").matches("\"b\"").count(), 1);
    }

    #[test]
    fn ids_from_a_static_provider_name_equal_those_from_new() {
        let from_static = CanonicalId::from_static("zendesk", ObjectKind::Ticket, "7");
        let built = CanonicalId::new("zendesk", ObjectKind::Ticket, "7");
        assert_eq!(from_static, built);
        assert_eq!(from_static.to_string(), "zendesk:ticket:7");
        let mut hashed = std::collections::HashSet::new();
        hashed.insert(built);
        assert!(hashed.contains(&from_static));
        // A name that is not one is cleaned as `new` cleans it.
        assert_eq!(
            CanonicalId::from_static("Zen Desk", ObjectKind::Ticket, "7"),
            CanonicalId::new("Zen Desk", ObjectKind::Ticket, "7")
        );
        assert_eq!(
            CanonicalId::from_static("Zen Desk", ObjectKind::Ticket, "7").provider(),
            "zendesk"
        );
    }

    #[test]
    fn every_kind_round_trips_through_display_and_from_str() {
        for kind in ObjectKind::ALL {
            let id = CanonicalId::new("zendesk", kind, "a:b:c");
            let parsed: CanonicalId = id.to_string().parse().unwrap();
            assert_eq!(parsed, id);
            assert_eq!(parsed.external_id(), "a:b:c");
        }
    }

    #[test]
    fn serde_uses_the_string_form() {
        let id = CanonicalId::new("memory", ObjectKind::Party, "agent-1");
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"memory:party:agent-1\"");
        assert_eq!(serde_json::from_str::<CanonicalId>(&json).unwrap(), id);
    }

    #[test]
    fn numeric_ids_check_provider_kind_and_digits() {
        let op = crate::Operation::GetTicket;
        let id = CanonicalId::new("zendesk", ObjectKind::Ticket, "42");
        assert_eq!(
            id.numeric_id("zendesk", ObjectKind::Ticket, op).unwrap(),
            42
        );
        for (provider, kind, id) in [
            ("freshdesk", ObjectKind::Ticket, id.clone()),
            ("zendesk", ObjectKind::Party, id.clone()),
            (
                "zendesk",
                ObjectKind::Ticket,
                CanonicalId::new("zendesk", ObjectKind::Ticket, "4x"),
            ),
        ] {
            let err = id.numeric_id(provider, kind, op).unwrap_err();
            assert_eq!(err.kind(), &crate::ErrorKind::InvalidInput);
            assert_eq!(err.operation(), Some(op));
        }
    }

    #[test]
    fn malformed_ids_are_rejected_not_panicked_on() {
        for bad in [
            "",
            "zendesk",
            "zendesk:ticket",
            "zendesk:ticket:",
            ":ticket:1",
            "zendesk:nope:1",
            "Zen desk:ticket:1",
        ] {
            assert!(bad.parse::<CanonicalId>().is_err(), "{bad:?} parsed");
        }
    }

    proptest::proptest! {
        /// Numeric ids read as the number's decimal spelling, whatever the number.
        #[test]
        fn numeric_ids_spell_their_number(n in proptest::num::i64::ANY) {
            let id = CanonicalId::numeric("acme", ObjectKind::Ticket, n);
            proptest::prop_assert_eq!(id.external_id(), n.to_string());
        }
    }

    #[test]
    fn numeric_ids_at_the_ends_of_the_range() {
        for n in [0, 7, -7, 10, i64::MAX, i64::MIN] {
            let id = CanonicalId::numeric("acme", ObjectKind::Ticket, n);
            assert_eq!(id.external_id(), n.to_string());
            assert_eq!(id.to_string(), format!("acme:ticket:{n}"));
        }
    }
}
