#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod capabilities;
pub mod error;
pub mod http;
pub mod id;
pub mod kit;
pub mod model;
pub mod page;
pub mod port;
pub mod query;
pub mod raw;
pub mod settings;
pub mod stream;
pub mod upload;
pub mod webhook;

pub use async_trait::async_trait;
pub use capabilities::{Capabilities, Filter, Operation, Support};
pub use error::{Error, ErrorKind, Result};
pub use id::{CanonicalId, IdParseError, ObjectKind};
pub use model::{
    AuthorKind, Availability, Body, Channel, Comment, CommentRef, CustomField, Document,
    DocumentKind, ExternalObjectRef, FieldValue, Mapped, Party, PartyRole, Priority, PublishState,
    SatisfactionRating, SatisfactionRatingRef, Score, Sentiment, SlaClock, SlaMetric, SlaPolicy,
    SlaPolicyRef, SlaTarget, Tag, TagRef, Ticket, TicketCategory, TicketSla, TicketStatus,
    Visibility,
};
pub use page::{Cursor, ListingState, Page, PageRequest};
pub use port::{ConnectionInfo, SupportPort};
pub use query::{
    AgentQuery, ArticleQuery, Assignment, CloseOptions, CommentQuery, CustomFieldInput, NewComment,
    NewTag, NewTicket, Requester, SatisfactionQuery, TagQuery, TicketLookup, TicketQuery,
    TicketUpdate,
};
pub use raw::RawJson;
pub use settings::{SettingSpec, Settings};
pub use stream::{LazyPage, Listing, SupportPortExt, paginate, paginate_lazily};
pub use upload::{Download, Upload, UploadLimits};
