//! What an adapter can do, declared per operation and per filter.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::upload::{Upload, UploadLimits};

/// The fifteen port operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Operation {
    /// `listTickets`
    ListTickets,
    /// `getTicket`
    GetTicket,
    /// `createTicket`
    CreateTicket,
    /// `updateTicket`
    UpdateTicket,
    /// `closeTicket`
    CloseTicket,
    /// `listAgents`
    ListAgents,
    /// `assignTicket`
    AssignTicket,
    /// `addComment`
    AddComment,
    /// `listComments`
    ListComments,
    /// `listTags`
    ListTags,
    /// `createTag`
    CreateTag,
    /// `getKnowledgeArticle`
    GetKnowledgeArticle,
    /// `listKnowledgeArticles`
    ListKnowledgeArticles,
    /// `getSLA`
    GetSla,
    /// `listCustomerSatisfactionRatings`
    ListSatisfactionRatings,
    /// `checkConnection`: not one of the catalog's fifteen operations (and not in [`Operation::ALL`]),
    /// but every adapter has it, and its errors name it.
    CheckConnection,
    /// `downloadAttachment`: an attachment's bytes, with the adapter's credentials. Beyond the
    /// catalog's fifteen (not in [`Operation::ALL`]); declared like them.
    DownloadAttachment,
}

impl Operation {
    /// All operations in catalog order.
    pub const ALL: [Operation; 15] = [
        Operation::ListTickets,
        Operation::GetTicket,
        Operation::CreateTicket,
        Operation::UpdateTicket,
        Operation::CloseTicket,
        Operation::ListAgents,
        Operation::AssignTicket,
        Operation::AddComment,
        Operation::ListComments,
        Operation::ListTags,
        Operation::CreateTag,
        Operation::GetKnowledgeArticle,
        Operation::ListKnowledgeArticles,
        Operation::GetSla,
        Operation::ListSatisfactionRatings,
    ];

    /// The catalog name (`listTickets`, `getSLA`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            Operation::ListTickets => "listTickets",
            Operation::GetTicket => "getTicket",
            Operation::CreateTicket => "createTicket",
            Operation::UpdateTicket => "updateTicket",
            Operation::CloseTicket => "closeTicket",
            Operation::ListAgents => "listAgents",
            Operation::AssignTicket => "assignTicket",
            Operation::AddComment => "addComment",
            Operation::ListComments => "listComments",
            Operation::ListTags => "listTags",
            Operation::CreateTag => "createTag",
            Operation::GetKnowledgeArticle => "getKnowledgeArticle",
            Operation::ListKnowledgeArticles => "listKnowledgeArticles",
            Operation::GetSla => "getSLA",
            Operation::ListSatisfactionRatings => "listCustomerSatisfactionRatings",
            Operation::CheckConnection => "checkConnection",
            Operation::DownloadAttachment => "downloadAttachment",
        }
    }

    /// Whether repeating the operation has no further effect. Reads are idempotent; writes are not, and
    /// the HTTP runtime retries them only when the provider provably did not process them.
    pub const fn is_idempotent(self) -> bool {
        !matches!(
            self,
            Operation::CreateTicket
                | Operation::UpdateTicket
                | Operation::CloseTicket
                | Operation::AssignTicket
                | Operation::AddComment
                | Operation::CreateTag
        )
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Operation {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Operation::ALL
            .into_iter()
            .find(|op| op.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown operation `{s}`"))
    }
}

/// How an adapter provides an operation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "support", content = "detail", rename_all = "snake_case")]
pub enum Support {
    /// Backed by the provider's own endpoint.
    Native,
    /// Built from other endpoints; the text says how.
    Emulated(Cow<'static, str>),
    /// The provider has no API for it; the text says why. The operation returns
    /// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported).
    Unsupported(Cow<'static, str>),
}

impl Support {
    /// Whether the operation can be called.
    pub fn is_supported(&self) -> bool {
        !matches!(self, Support::Unsupported(_))
    }
}

/// A filter of a list operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Filter {
    /// Tickets by status.
    TicketStatus,
    /// Tickets by priority.
    TicketPriority,
    /// Tickets by assignee.
    TicketAssignee,
    /// Tickets by tag.
    TicketTag,
    /// Tickets updated since a time.
    TicketUpdatedSince,
    /// Tickets by category.
    TicketCategory,
    /// Agents by group.
    AgentGroup,
    /// Agents by role.
    AgentRole,
    /// Agents by availability.
    AgentAvailability,
    /// Articles by category.
    ArticleCategory,
    /// Articles by search term.
    ArticleSearch,
    /// Ratings by ticket.
    RatingTicket,
    /// Ratings by date range.
    RatingDateRange,
    /// Ratings by score.
    RatingScore,
}

impl Filter {
    /// Every filter.
    pub const ALL: [Filter; 14] = [
        Filter::TicketStatus,
        Filter::TicketPriority,
        Filter::TicketAssignee,
        Filter::TicketTag,
        Filter::TicketUpdatedSince,
        Filter::TicketCategory,
        Filter::AgentGroup,
        Filter::AgentRole,
        Filter::AgentAvailability,
        Filter::ArticleCategory,
        Filter::ArticleSearch,
        Filter::RatingTicket,
        Filter::RatingDateRange,
        Filter::RatingScore,
    ];
}

/// What an adapter declares it can do.
///
/// Every operation starts unsupported; an adapter declares what it implements. Filters not declared
/// native are applied client-side by the adapter, so results honour every filter either way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capabilities {
    operations: BTreeMap<Operation, Support>,
    native_filters: BTreeSet<Filter>,
    /// `None`: files cannot be attached to comments or tickets.
    #[serde(default)]
    uploads: Option<UploadLimits>,
}

impl Default for Capabilities {
    fn default() -> Self {
        Self::new()
    }
}

impl Capabilities {
    /// Nothing supported yet.
    pub fn new() -> Self {
        Self {
            operations: Operation::ALL
                .into_iter()
                .chain([Operation::DownloadAttachment])
                .map(|op| {
                    (
                        op,
                        Support::Unsupported(Cow::Borrowed("not implemented by this adapter")),
                    )
                })
                .collect(),
            native_filters: BTreeSet::new(),
            uploads: None,
        }
    }

    /// Declares that files can be attached to new comments and tickets, within these limits.
    pub fn uploads(mut self, limits: UploadLimits) -> Self {
        self.uploads = Some(limits);
        self
    }

    /// The limits of attached files; `None` when files cannot be attached.
    pub fn upload_limits(&self) -> Option<&UploadLimits> {
        self.uploads.as_ref()
    }

    /// Checks the files of one write before anything is sent: an
    /// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported) error when the adapter cannot attach
    /// files, an [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) one naming what is too
    /// large. No files is always fine.
    pub fn check_uploads(
        &self,
        provider: &'static str,
        operation: Operation,
        files: &[Upload],
    ) -> crate::Result<()> {
        if files.is_empty() {
            return Ok(());
        }
        match &self.uploads {
            Some(limits) => limits.check(provider, operation, files),
            None => Err(crate::Error::new(crate::ErrorKind::Unsupported, provider)
                .with_operation(operation)
                .with_message(format!(
                    "{provider} cannot attach files to {}; send it without them, or link to them",
                    operation.name()
                ))),
        }
    }

    /// Declares operations as native.
    pub fn native(mut self, operations: &[Operation]) -> Self {
        for op in operations {
            self.operations.insert(*op, Support::Native);
        }
        self
    }

    /// Declares an operation emulated, saying how.
    pub fn emulated(mut self, operation: Operation, how: impl Into<Cow<'static, str>>) -> Self {
        self.operations
            .insert(operation, Support::Emulated(how.into()));
        self
    }

    /// Declares an operation unsupported, saying why.
    pub fn unsupported(mut self, operation: Operation, why: impl Into<Cow<'static, str>>) -> Self {
        self.operations
            .insert(operation, Support::Unsupported(why.into()));
        self
    }

    /// Declares filters applied by the provider itself.
    pub fn native_filters(mut self, filters: &[Filter]) -> Self {
        self.native_filters.extend(filters.iter().copied());
        self
    }

    /// How an operation is provided. `checkConnection` is part of every adapter.
    pub fn support(&self, operation: Operation) -> &Support {
        static NATIVE: Support = Support::Native;
        // Every catalog operation is inserted by `new`, so this fallback is never reached for them.
        static UNSUPPORTED: Support = Support::Unsupported(Cow::Borrowed("not declared"));
        if operation == Operation::CheckConnection {
            return &NATIVE;
        }
        self.operations.get(&operation).unwrap_or(&UNSUPPORTED)
    }

    /// The error an operation declared unsupported returns, with the declared reason.
    pub fn unsupported_error(&self, provider: &'static str, operation: Operation) -> crate::Error {
        let why = match self.support(operation) {
            Support::Unsupported(why) => why.as_ref(),
            _ => "declared supported",
        };
        crate::Error::unsupported(provider, operation, why)
    }

    /// Whether the provider applies the filter server-side.
    pub fn is_native_filter(&self, filter: Filter) -> bool {
        self.native_filters.contains(&filter)
    }

    /// All operations with their support, in catalog order.
    pub fn operations(&self) -> impl Iterator<Item = (Operation, &Support)> {
        Operation::ALL.into_iter().map(|op| (op, self.support(op)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_parse_from_their_catalog_names() {
        for op in Operation::ALL {
            assert_eq!(op.name().parse::<Operation>().unwrap(), op);
        }
        assert_eq!(
            Operation::ALL
                .iter()
                .filter(|op| op.is_idempotent())
                .count(),
            9
        );
    }

    #[test]
    fn files_are_refused_unless_uploads_are_declared_and_then_checked_against_the_limits() {
        use crate::upload::{Upload, UploadLimits};
        let op = Operation::AddComment;
        let files = [Upload::bytes(
            "a.bin",
            "application/octet-stream",
            vec![0; 8],
        )];
        let none = Capabilities::new();
        assert_eq!(none.upload_limits(), None);
        assert!(none.check_uploads("acme", op, &[]).is_ok());
        let refused = none.check_uploads("acme", op, &files).unwrap_err();
        assert_eq!(refused.kind(), &crate::ErrorKind::Unsupported);
        assert!(
            refused
                .to_string()
                .contains("acme cannot attach files to addComment"),
            "{refused}"
        );
        let limits = UploadLimits::none().per_file(4);
        let declared = Capabilities::new().uploads(limits);
        assert_eq!(declared.upload_limits(), Some(&limits));
        let too_big = declared.check_uploads("acme", op, &files).unwrap_err();
        assert_eq!(too_big.kind(), &crate::ErrorKind::InvalidInput);
        let roomy = Capabilities::new().uploads(UploadLimits::none().per_file(8));
        assert!(roomy.check_uploads("acme", op, &files).is_ok());
        assert_eq!(
            declared.support(Operation::DownloadAttachment),
            &Support::Unsupported("not implemented by this adapter".into())
        );
    }

    #[test]
    fn undeclared_operations_are_unsupported() {
        let caps = Capabilities::new()
            .native(&[Operation::GetTicket])
            .unsupported(Operation::CreateTag, "tags exist once applied");
        assert_eq!(caps.support(Operation::GetTicket), &Support::Native);
        assert!(!caps.support(Operation::ListTags).is_supported());
        assert_eq!(
            caps.support(Operation::CreateTag),
            &Support::Unsupported("tags exist once applied".into())
        );
    }
}
