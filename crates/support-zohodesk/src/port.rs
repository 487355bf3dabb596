//! [`ZohoDeskPort`]: the `SupportPort` operations over Zoho Desk's REST API (`/api/v1`). Kept thin:
//! listing state lives in `listing.rs`, organization definitions in `lookups.rs`, request bodies
//! in `bodies.rs`, and the mapping to canonical objects in `map.rs`.

use std::fmt;

use chrono::{Duration as TimeDelta, SecondsFormat, Utc};
use reqwest::header::{HeaderName, HeaderValue};
use serde_json::Value;
use support_core::kit::page::{ListingPage, PageShape};
use support_core::kit::{Endpoint, answered_as_asked, applied_but_unreadable, json, tag_pages};
use support_core::{
    AgentQuery, ArticleQuery, Assignment, CanonicalId, Capabilities, CloseOptions, CommentQuery,
    CommentRef, ConnectionInfo, Cursor, Document, Download, Error, ErrorKind, Filter, NewComment,
    NewTag, NewTicket, ObjectKind, Operation, Page, Party, Requester, Result, SatisfactionQuery,
    SatisfactionRatingRef, SlaPolicyRef, SupportPort, TagQuery, TagRef, Ticket, TicketLookup,
    TicketQuery, TicketUpdate, UploadLimits, Visibility, async_trait,
};

use crate::bodies::{self, ContactBody, NewTicketBody, TicketPatch};
use crate::builder::ZohoDeskBuilder;
use crate::files;
use crate::generated::Client;
use crate::generated::types;
use crate::listing::{AgentPages, ArticlePages, CommentPages, TicketPages};
use crate::lookups::{Lookups, data_page};
use crate::{PROVIDER, map};

/// Tickets a page when the caller names no size (Zoho's maximum for `/tickets` and the search).
const TICKET_PAGE: u32 = 100;
/// The largest `from + limit` Zoho serves on `/tickets` (third-party reports; a 422 past it).
pub(crate) const FROM_CAP: u32 = 5_000;
/// The page size of other listings.
const DEFAULT_PAGE: u32 = 50;
/// The most comments or articles a page holds (Zoho's maximum there).
const MAX_PAGE: u32 = 100;
/// The most articles a page holds (Zoho's maximum there).
const MAX_ARTICLE_PAGE: u32 = 50;
/// The most agents a page holds (Zoho's maximum there).
const MAX_AGENT_PAGE: u32 = 200;
/// The most pages of a ticket's files read.
const MAX_FILE_PAGES: u32 = 100;
/// The tag page size per department read (Zoho's maximum there).
const TAG_PAGE: u32 = 100;
/// The tag pages of a department that fit under Zoho's `from` cap: a department with more tags
/// than that cannot be listed whole, which is an error rather than a shortened list.
const MAX_TAG_PAGES: u32 = FROM_CAP / TAG_PAGE;
/// How many per-record reads (a ticket, its tags, an article) run at once.
const READS_AT_ONCE: usize = 8;

/// The header naming the organization.
fn org_header() -> HeaderName {
    HeaderName::from_static("orgid")
}

/// A Zoho Desk organization behind the [`SupportPort`] interface.
///
/// Built with [`ZohoDeskPort::builder`] or [`ZohoDeskPort::from_env`]. [`ZohoDeskPort::client`]
/// gives the generated client for native operations beyond the port, with the same credentials,
/// retries and tracing (pass [`ZohoDeskPort::org_id`] to each call's `org_id`).
pub struct ZohoDeskPort {
    pub(crate) client: Client,
    pub(crate) endpoint: Endpoint,
    pub(crate) org_id: String,
    pub(crate) default_department: Option<String>,
    sla_account: Option<String>,
    capabilities: Capabilities,
    pub(crate) lookups: Lookups,
}

impl fmt::Debug for ZohoDeskPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ZohoDeskPort")
            .field("endpoint", &self.endpoint)
            .field("org_id", &self.org_id)
            .finish_non_exhaustive()
    }
}

/// What the adapter does, and how.
fn capabilities(sla_account: bool) -> Capabilities {
    let caps = Capabilities::new()
        .native(&Operation::ALL)
        .native(&[Operation::DownloadAttachment])
        // Zoho's API description documents no size limit for `POST /api/v1/uploads`; Zoho's 422
        // for a file it refuses reaches the caller as InvalidInput.
        .uploads(UploadLimits::none())
        .emulated(
            Operation::ListTickets,
            "`GET /api/v1/tickets` by creation time, then, past Zoho's 5,000 `from` cap, \
             `GET /api/v1/tickets/search` keyed on `createdTimeRange`; each ticket's tags read \
             with `GET /api/v1/tickets/{id}/tags`; status, priority, tag and category filters \
             applied here",
        )
        .emulated(
            Operation::ListTags,
            "the tags of every department (`GET /api/v1/ticketTags?departmentId=` for each of \
             `GET /api/v1/departments`), merged by name",
        )
        .unsupported(
            Operation::CreateTag,
            "Zoho Desk has no free-standing tags: a tag exists once it is applied to a ticket \
             (`POST /api/v1/tickets/{id}/associateTag`; use update_ticket with tags)",
        )
        .unsupported(
            Operation::ListSatisfactionRatings,
            "Zoho Desk's official API description documents no customer-happiness ratings list \
             (only `GET /api/v1/customerHappinessLinkHolder`); the `/customerHappiness` endpoint \
             third parties describe is not verifiable against Zoho's documentation",
        )
        .native_filters(&[
            Filter::TicketAssignee,
            Filter::TicketUpdatedSince,
            Filter::ArticleCategory,
        ]);
    if sla_account {
        caps.emulated(
            Operation::GetSla,
            "the SLAs bound to the configured customer account (`GET /api/v1/accounts/{id}/sla`), \
             found by id; Zoho's API gives no SLA targets",
        )
    } else {
        caps.unsupported(
            Operation::GetSla,
            "Zoho Desk's API reads SLAs only per customer account \
             (`GET /api/v1/accounts/{accountId}/sla`) and has no read by SLA id: configure the \
             account with sla_account() (SUPPORT_ZOHODESK_SLA_ACCOUNT_ID)",
        )
    }
}

fn invalid(operation: Operation, message: impl Into<String>) -> Error {
    Error::invalid_input(PROVIDER, message).with_operation(operation)
}

/// A Zoho id of `kind` from a canonical id: digits only (it goes into a path).
fn zoho_id(id: &CanonicalId, kind: ObjectKind, operation: Operation) -> Result<String> {
    let native = id.native_id(PROVIDER, kind, operation)?;
    if native.is_empty() || !native.chars().all(|c| c.is_ascii_digit()) {
        return Err(invalid(
            operation,
            format!("`{id}`: Zoho Desk ids are numbers"),
        ));
    }
    Ok(native.to_owned())
}

/// Whether `/tickets` refused a page for its `from` (Zoho's 422 naming the parameter).
fn is_from_cap(error: &Error) -> bool {
    *error.kind() == ErrorKind::InvalidInput
        && error
            .message()
            .is_some_and(|m| m.contains("'from'") || m.contains("`from`"))
}

/// An ISO time as Zoho writes it, with milliseconds.
fn iso(time: chrono::DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The end of an open-ended search range: a day from now.
fn range_end() -> String {
    iso(Utc::now() + TimeDelta::days(1))
}

impl ZohoDeskPort {
    /// Starts configuring a port.
    pub fn builder() -> ZohoDeskBuilder {
        ZohoDeskBuilder::default()
    }

    /// A port configured from `SUPPORT_ZOHODESK_*` variables (see [`ZohoDeskBuilder::from_env`]).
    pub fn from_env() -> Result<Self> {
        ZohoDeskBuilder::default().from_env()?.build()
    }

    pub(crate) fn new(
        endpoint: Endpoint,
        org_id: String,
        default_department: Option<String>,
        sla_account: Option<String>,
    ) -> Self {
        Self {
            client: endpoint.client(Client::new_with_client),
            endpoint,
            org_id,
            default_department,
            capabilities: capabilities(sla_account.is_some()),
            sla_account,
            lookups: Lookups::new(),
        }
    }

    /// The generated client, for Zoho Desk operations beyond the port.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The API's URL (without `/api/v1`).
    pub fn base_url(&self) -> &str {
        self.endpoint.base_url()
    }

    /// The organization every request addresses (the `orgId` header).
    pub fn org_id(&self) -> &str {
        &self.org_id
    }

    fn org(&self) -> String {
        self.org_id.clone()
    }

    fn ticket_id(ticket: &CanonicalId, operation: Operation) -> Result<String> {
        zoho_id(ticket, ObjectKind::Ticket, operation)
    }

    /// A request below the API with the `orgId` header, for the calls the generated client cannot
    /// make (the ticket search, ticket writes).
    pub(crate) fn request(
        &self,
        operation: Operation,
        method: reqwest::Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&impl serde::Serialize>,
    ) -> Result<reqwest::Request> {
        let mut builder = self
            .endpoint
            .http()
            .request(method, format!("{}{path}", self.base_url()))
            .query(query);
        if let Some(body) = body {
            builder = builder.json(body);
        }
        let mut request = builder
            .build()
            .map_err(|e| self.endpoint.runtime().transport_error(operation, e))?;
        let value = HeaderValue::from_str(&self.org_id)
            .map_err(|_| invalid(operation, "the organization id cannot be sent"))?;
        request.headers_mut().insert(org_header(), value);
        Ok(request)
    }

    // ----- tickets -----

    /// `GET /api/v1/tickets/{id}/tags`: the names.
    async fn ticket_tags(&self, operation: Operation, id: &str) -> Result<Vec<String>> {
        let call = self
            .client
            .get_ticket_tags()
            .org_id(self.org())
            .ticket_id(id.to_owned());
        let page = self
            .endpoint
            .runtime()
            .run_page::<Value, _, _, _>(
                operation,
                PageShape::items_at("tags")
                    .item("tag")
                    .empty_when_no_content(),
                call.send(),
            )
            .await?;
        Ok(page
            .into_values()
            .iter()
            .filter_map(|t| json::text(t, "name"))
            .collect())
    }

    /// Maps tickets and reads each one's tags.
    async fn tickets(&self, operation: Operation, rows: Vec<Value>) -> Result<Vec<Ticket>> {
        use futures::stream::{self, StreamExt, TryStreamExt};
        let tickets = support_core::kit::map_each(rows, |row| map::ticket(operation, row))?;
        let ids: Vec<String> = tickets
            .iter()
            .map(|t| t.id.external_id().to_owned())
            .collect();
        let tags: Vec<Vec<String>> = stream::iter(ids)
            .map(|id| async move { self.ticket_tags(operation, &id).await })
            .buffered(READS_AT_ONCE)
            .try_collect()
            .await?;
        Ok(tickets
            .into_iter()
            .zip(tags)
            .map(|(mut ticket, tags)| {
                ticket.tags = tags;
                ticket
            })
            .collect())
    }

    /// The whole records of listed tickets: a listing gives list views (no `description`,
    /// `modifiedTime`, custom fields), so each is read with `GET /api/v1/tickets/{id}`. A ticket
    /// deleted since it was listed is left out.
    async fn full_records(&self, operation: Operation, rows: Vec<Value>) -> Result<Vec<Value>> {
        use futures::stream::{self, StreamExt, TryStreamExt};
        let ids: Vec<String> = rows.iter().filter_map(|r| map::id_of(r, "id")).collect();
        let records: Vec<Option<Value>> = stream::iter(ids)
            .map(|id| async move {
                let call = self.client.get_ticket().org_id(self.org()).ticket_id(id);
                match self
                    .endpoint
                    .runtime()
                    .run_json(operation, None, call.send())
                    .await
                {
                    Ok(raw) if raw.is_object() => Ok(Some(raw)),
                    Ok(_) => Err(map::unexpected(
                        operation,
                        "a ticket's answer is not a ticket",
                    )),
                    Err(e) if *e.kind() == ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(e),
                }
            })
            .buffered(READS_AT_ONCE)
            .try_collect()
            .await?;
        Ok(records.into_iter().flatten().collect())
    }

    /// `GET /api/v1/tickets/{id}`, mapped with its tags.
    async fn read(&self, operation: Operation, id: &str) -> Result<Ticket> {
        let call = self
            .client
            .get_ticket()
            .org_id(self.org())
            .ticket_id(id.to_owned());
        let raw = self
            .endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await?;
        let mut ticket = self.one(operation, raw).await?;
        answered_as_asked(PROVIDER, "Zoho Desk", operation, id, &ticket.id)?;
        ticket.attachments = self.ticket_files(operation, id).await?;
        Ok(ticket)
    }

    /// The ticket's own files (`GET /api/v1/tickets/{id}/attachments`, oldest first, every page):
    /// those attached to the ticket or uploaded with it; comments list theirs.
    async fn ticket_files(&self, operation: Operation, id: &str) -> Result<Vec<Document>> {
        let mut all = Vec::new();
        for page in 0..MAX_FILE_PAGES {
            let call = self
                .client
                .get_ticket_attachments()
                .org_id(self.org())
                .ticket_id(id.to_owned())
                .from((page * MAX_PAGE).to_string())
                .limit(MAX_PAGE.to_string())
                .sort_by(types::GetTicketAttachmentsSortBy::CreatedTime);
            let rows = self
                .endpoint
                .runtime()
                .run_page::<Value, _, _, _>(operation, data_page("attachment"), call.send())
                .await?
                .into_values();
            let full = rows.len() as u32 >= MAX_PAGE;
            for row in rows {
                all.push(map::attachment(&row).ok_or_else(|| {
                    json::misshapen(PROVIDER, operation, "attachment", &row, &"it has no id")
                })?);
            }
            if !full {
                return Ok(all);
            }
        }
        Err(map::unexpected(
            operation,
            "the ticket lists more files than the adapter reads (10,000)",
        ))
    }

    async fn one(&self, operation: Operation, raw: Value) -> Result<Ticket> {
        if !raw.is_object() {
            return Err(map::unexpected(operation, "the answer is not a ticket"));
        }
        self.tickets(operation, vec![raw])
            .await?
            .pop()
            .ok_or_else(|| map::unexpected(operation, "the answer is not a ticket"))
    }

    /// The ticket after a write, read back (a write applied whose answer cannot be read is
    /// `OutcomeUnknown`).
    async fn after_write(&self, operation: Operation, id: &str) -> Result<Ticket> {
        self.read(operation, id)
            .await
            .map_err(|e| applied_but_unreadable(PROVIDER, operation, e))
    }

    /// `PATCH /api/v1/tickets/{id}`. Never retried once sent.
    async fn patch(&self, operation: Operation, id: &str, patch: &TicketPatch) -> Result<Value> {
        let request = self.request(
            operation,
            reqwest::Method::PATCH,
            &format!("/api/v1/tickets/{id}"),
            &[],
            Some(patch),
        )?;
        self.endpoint
            .runtime()
            .send_json(self.endpoint.http(), operation, request)
            .await
    }

    /// Makes a ticket carry exactly `tags`.
    async fn retag(&self, operation: Operation, id: &str, tags: &[String]) -> Result<()> {
        let on = self.ticket_tags(operation, id).await?;
        let wanted: Vec<&str> = tags
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .collect();
        let add: Vec<&str> = wanted
            .iter()
            .copied()
            .filter(|t| !on.iter().any(|o| o.eq_ignore_ascii_case(t)))
            .collect();
        let remove: Vec<&String> = on
            .iter()
            .filter(|o| !wanted.iter().any(|t| o.eq_ignore_ascii_case(t)))
            .collect();
        if !add.is_empty() {
            self.associate(operation, id, &add).await?;
        }
        if !remove.is_empty() {
            let items = remove
                .iter()
                .map(|t| types::DissociateTicketTagsBodyTagsItem::try_from(t.as_str()).map(Some))
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(|e| invalid(operation, format!("a tag Zoho Desk refuses: {e}")))?;
            let call = self
                .client
                .dissociate_ticket_tags()
                .org_id(self.org())
                .ticket_id(id.to_owned())
                .body(Some(types::DissociateTicketTagsBody { tags: Some(items) }));
            self.endpoint
                .runtime()
                .run_json(operation, None, call.send())
                .await?;
        }
        Ok(())
    }

    /// `POST /api/v1/tickets/{id}/associateTag`.
    async fn associate(&self, operation: Operation, id: &str, tags: &[&str]) -> Result<()> {
        let items = tags
            .iter()
            .map(|t| types::AssociateTicketTagsBodyTagsItem::try_from(*t).map(Some))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| invalid(operation, format!("a tag Zoho Desk refuses: {e}")))?;
        let call = self
            .client
            .associate_ticket_tags()
            .org_id(self.org())
            .ticket_id(id.to_owned())
            .body(Some(types::AssociateTicketTagsBody { tags: Some(items) }));
        self.endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await?;
        Ok(())
    }

    /// One page of `GET /api/v1/tickets` (by creation time) or of the search past the cap.
    async fn ticket_page(
        &self,
        operation: Operation,
        state: &TicketPages,
    ) -> Result<ListingPage<Value>> {
        let runtime = self.endpoint.runtime();
        if !state.search {
            let mut call = self
                .client
                .get_tickets()
                .org_id(self.org())
                .from(state.from.to_string())
                .limit(state.limit.to_string())
                .sort_by(types::GetTicketsSortBy::CreatedTime);
            for (name, value) in &state.filters {
                if name == "assignee" {
                    call = call.assignee(value.clone());
                }
            }
            return runtime
                .run_page::<Value, _, _, _>(operation, data_page("ticket"), call.send())
                .await;
        }
        let mut query: Vec<(&str, String)> = vec![
            ("from", state.from.to_string()),
            ("limit", state.limit.to_string()),
            ("sortBy", "createdTime".to_owned()),
        ];
        if let Some(after) = &state.after {
            query.push(("createdTimeRange", format!("{after},{}", range_end())));
        }
        for (name, value) in &state.filters {
            match name.as_str() {
                "assignee" => query.push(("assigneeId", value.clone())),
                "modifiedSince" => {
                    query.push(("modifiedTimeRange", format!("{value},{}", range_end())))
                }
                _ => {}
            }
        }
        let request = self.request(
            operation,
            reqwest::Method::GET,
            "/api/v1/tickets/search",
            &query,
            None::<&()>,
        )?;
        runtime
            .send_page::<Value>(
                self.endpoint.http(),
                operation,
                data_page("ticket"),
                request,
            )
            .await
    }

    // ----- comments -----

    /// `POST /api/v1/tickets/{id}/comments`. Never retried once sent.
    async fn comment_on(
        &self,
        operation: Operation,
        ticket: &CanonicalId,
        id: &str,
        comment: &NewComment,
    ) -> Result<CommentRef> {
        if comment.author.is_some() {
            return Err(invalid(
                operation,
                "Zoho Desk writes comments as the API user; send the comment without an author",
            ));
        }
        if !comment.cc.is_empty() {
            return Err(invalid(
                operation,
                "a Zoho Desk comment copies no one (cc); send it without cc",
            ));
        }
        let (content, content_type) = bodies::content(&comment.body);
        if support_core::kit::html::is_blank(&content) && content.trim().is_empty() {
            return Err(invalid(operation, "a comment needs a body"));
        }
        self.capabilities
            .check_uploads(PROVIDER, operation, &comment.attachments)?;
        let content_type = types::CreateTicketCommentBodyContentType::try_from(content_type)
            .map_err(|e| invalid(operation, e.to_string()))?;
        let content = types::CreateTicketCommentBodyContent::try_from(content.as_str())
            .map_err(|e| invalid(operation, format!("the comment's body: {e}")))?;
        // Each file is uploaded first (`POST /api/v1/uploads`), then named by the comment.
        let uploaded = self.upload_all(operation, &comment.attachments).await?;
        let attachment_ids = (!uploaded.is_empty()).then(|| {
            uploaded
                .iter()
                .map(|u| {
                    Some(types::CreateTicketCommentBodyAttachmentIdsItem::Variant0(
                        u.id.clone(),
                    ))
                })
                .collect()
        });
        let body = types::CreateTicketCommentBody {
            attachment_ids,
            content: Some(content),
            content_type: Some(content_type),
            is_public: Some(comment.visibility == Visibility::Public),
        };
        let call = self
            .client
            .create_ticket_comment()
            .org_id(self.org())
            .ticket_id(id.to_owned())
            .body(Some(body));
        let raw = self
            .endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await
            .map_err(|e| files::with_uploaded(e, &uploaded))?;
        map::comment(operation, ticket, raw)
            .map_err(|e| applied_but_unreadable(PROVIDER, operation, e))
    }

    /// Every SLA bound to the configured account.
    async fn account_slas(&self, operation: Operation, account: &str) -> Result<Vec<Value>> {
        let mut all = Vec::new();
        for page in 0..50u32 {
            let call = self
                .client
                .get_slas_under_account()
                .org_id(self.org())
                .account_id(account.to_owned())
                .from((page * MAX_PAGE).to_string())
                .limit(MAX_PAGE.to_string());
            let rows = self
                .endpoint
                .runtime()
                .run_page::<Value, _, _, _>(operation, data_page("SLA"), call.send())
                .await?
                .into_values();
            let full = rows.len() as u32 >= MAX_PAGE;
            all.extend(rows);
            if !full {
                break;
            }
        }
        Ok(all)
    }
}

#[async_trait]
impl SupportPort for ZohoDeskPort {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    async fn check_connection(&self) -> Result<ConnectionInfo> {
        let operation = Operation::CheckConnection;
        let host = self.endpoint.host();
        let org = self.org_id.clone();
        let call = self.client.get_my_info().org_id(self.org());
        let raw = self
            .endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await
            .map_err(|error| {
                let names_org = error.message().is_some_and(|m| m.contains("orgId"));
                match error.kind() {
                    ErrorKind::Unauthenticated => {
                        let detail = error.message().unwrap_or_default().to_owned();
                        error.with_message(format!(
                            "{host} rejected the credentials ({detail}): check {} or the OAuth \
                             client and refresh token ({}CLIENT_ID, _CLIENT_SECRET, \
                             _REFRESH_TOKEN), and that they belong to this data center \
                             ({}); the API answered, so its URL is right",
                            crate::ENV_ACCESS_TOKEN,
                            crate::ENV_OAUTH_PREFIX,
                            crate::ENV_DATA_CENTER,
                        ))
                    }
                    ErrorKind::InvalidInput | ErrorKind::PermissionDenied | ErrorKind::NotFound
                        if names_org || error.status() == Some(400) =>
                    {
                        let detail = error.message().unwrap_or_default().to_owned();
                        error.with_message(format!(
                            "{host} accepted the credentials but not the organization `{org}` \
                             ({detail}): check {} (GET /api/v1/organizations lists the \
                             organizations the token can reach)",
                            crate::ENV_ORG_ID
                        ))
                    }
                    ErrorKind::PermissionDenied => {
                        let detail = error.message().unwrap_or_default().to_owned();
                        error.with_message(format!(
                            "{host} refused /api/v1/myinfo ({detail}): the token lacks the \
                             Desk.basic.READ scope, or the organization `{org}` is not this \
                             user's"
                        ))
                    }
                    ErrorKind::NotFound | ErrorKind::Decode => error.with_message(format!(
                        "{host} does not answer as Zoho Desk (no /api/v1/myinfo): check {} or \
                         {} (the credentials were not tried)",
                        crate::ENV_DATA_CENTER,
                        crate::ENV_BASE_URL
                    )),
                    ErrorKind::Transport | ErrorKind::Timeout => {
                        let detail = error.message().unwrap_or_default().to_owned();
                        error.with_message(format!(
                            "could not reach {host}: check {} or {} ({detail})",
                            crate::ENV_DATA_CENTER,
                            crate::ENV_BASE_URL
                        ))
                    }
                    _ => error,
                }
            })?;
        if !raw.is_object() || map::id_of(&raw, "id").is_none() {
            return Err(map::unexpected(
                operation,
                format!(
                    "{host} answered /api/v1/myinfo without an agent: check {} (the API's URL)",
                    crate::ENV_BASE_URL
                ),
            ));
        }
        Ok(map::connection_info(&format!("{host} (org {org})"), raw))
    }

    async fn list_tickets(&self, query: TicketQuery) -> Result<Page<Ticket>> {
        let operation = Operation::ListTickets;
        let mut filters: Vec<(String, String)> = Vec::new();
        if let Some(agent) = &query.assignee {
            filters.push((
                "assignee".to_owned(),
                zoho_id(agent, ObjectKind::Party, operation)?,
            ));
        }
        if let Some(since) = query.updated_since {
            filters.push(("modifiedSince".to_owned(), iso(since)));
        }
        let state = Cursor::state::<TicketPages>(query.page.cursor.as_ref(), PROVIDER, operation)?;
        let mut state = match state {
            Some(state) if state.filters == filters => state,
            Some(_) => {
                return Err(invalid(
                    operation,
                    "this cursor belongs to a listing with other filters; start again without a \
                     cursor",
                ));
            }
            None => TicketPages {
                limit: query.page.limit_or(TICKET_PAGE, TICKET_PAGE),
                from: 0,
                // `/tickets` has no modified-time filter: such a listing searches from the start.
                search: query.updated_since.is_some(),
                after: None,
                seen: Vec::new(),
                filters,
            },
        };
        if !(1..=TICKET_PAGE).contains(&state.limit) || state.from > FROM_CAP {
            return Err(invalid(
                operation,
                "this cursor is not one the adapter made",
            ));
        }
        let page = match self.ticket_page(operation, &state).await {
            // The cap met sooner than 5,000 (it is not documented): continue by creation time.
            Err(error) if !state.search && state.from > 0 && is_from_cap(&error) => {
                tracing::debug!(
                    "`/tickets` refused `from` = {}: switching to the search",
                    state.from
                );
                state.search = true;
                state.from = 0;
                self.ticket_page(operation, &state).await?
            }
            outcome => outcome?,
        };
        let rows = page.into_values();
        let full = rows.len() as u32 >= state.limit;
        let mut fresh = Vec::with_capacity(rows.len());
        let before = state.clone();
        for row in rows {
            let Some(id) = map::id_of(&row, "id") else {
                return Err(json::misshapen(
                    PROVIDER,
                    operation,
                    "ticket",
                    &row,
                    &"it has no `id`",
                ));
            };
            let created = json::text(&row, "createdTime").unwrap_or_default();
            if before.search && before.returned(&created, &id) {
                continue;
            }
            state.saw(&created, &id);
            fresh.push(row);
        }
        let next = if !full {
            None
        } else if state.search {
            if state.after == before.after {
                // A page all at one instant: move on within it.
                state.from = state.from.saturating_add(state.limit);
            } else {
                state.from = 0;
            }
            Some(state)
        } else {
            let from = state.from.saturating_add(state.limit);
            if from.saturating_add(state.limit) > FROM_CAP {
                // The next page would cross Zoho's `from` cap: continue by creation time.
                state.search = true;
                state.from = 0;
            } else {
                state.from = from;
            }
            Some(state)
        };
        if let Some(next) = &next
            && next == &before
        {
            return Err(map::unexpected(
                operation,
                "the ticket listing did not move on: Zoho answered the same page again",
            ));
        }
        let fresh = self.full_records(operation, fresh).await?;
        let tickets = self.tickets(operation, fresh).await?;
        Ok(Page::new(
            tickets.into_iter().filter(|t| query.matches(t)).collect(),
            next.map(|s| Cursor::of(PROVIDER, &s)),
        ))
    }

    async fn get_ticket(&self, ticket: &TicketLookup) -> Result<Ticket> {
        let operation = Operation::GetTicket;
        let reference = match ticket {
            TicketLookup::Id(id) => {
                return self.read(operation, &Self::ticket_id(id, operation)?).await;
            }
            TicketLookup::External(reference) => reference.trim(),
        };
        if reference.is_empty() || !reference.chars().all(|c| c.is_ascii_digit()) {
            return Err(invalid(
                operation,
                format!("`{reference}` is not a Zoho Desk ticket id or number"),
            ));
        }
        // A long number is an id; otherwise a ticket number, searched.
        match self.read(operation, reference).await {
            Ok(found) => return Ok(found),
            Err(e) if *e.kind() == ErrorKind::NotFound || *e.kind() == ErrorKind::InvalidInput => {}
            Err(e) => return Err(e),
        }
        let request = self.request(
            operation,
            reqwest::Method::GET,
            "/api/v1/tickets/search",
            &[
                ("ticketNumber", reference.to_owned()),
                ("limit", "10".to_owned()),
            ],
            None::<&()>,
        )?;
        let rows: Vec<Value> = self
            .endpoint
            .runtime()
            .send_page::<Value>(
                self.endpoint.http(),
                operation,
                data_page("ticket"),
                request,
            )
            .await?
            .into_values()
            .into_iter()
            .filter(|r| map::id_of(r, "ticketNumber").as_deref() == Some(reference))
            .collect();
        match rows.len() {
            0 => Err(Error::new(ErrorKind::NotFound, PROVIDER)
                .with_operation(operation)
                .with_message(format!("no ticket has the id or number `{reference}`"))),
            1 => {
                let row = rows.into_iter().next().unwrap_or_default();
                self.one(operation, row).await
            }
            _ => Err(Error::new(ErrorKind::Conflict, PROVIDER)
                .with_operation(operation)
                .with_message(format!(
                    "several tickets have the number `{reference}` (one per department); look \
                     the ticket up by its canonical id"
                ))),
        }
    }

    async fn create_ticket(&self, ticket: NewTicket) -> Result<Ticket> {
        let operation = Operation::CreateTicket;
        if ticket.subject.trim().is_empty() {
            return Err(invalid(operation, "a ticket needs a subject"));
        }
        if ticket.external_ref.is_some() {
            return Err(invalid(
                operation,
                "Zoho Desk tickets have no external reference; store it in a custom field \
                 (custom_fields, `cf_*`) instead",
            ));
        }
        self.capabilities
            .check_uploads(PROVIDER, operation, &ticket.attachments)?;
        let department_id = match &ticket.group {
            Some(group) => zoho_id(group, ObjectKind::Group, operation)?,
            None => self.default_department(operation).await?,
        };
        let mut body = NewTicketBody {
            subject: ticket.subject.trim().to_owned(),
            department_id,
            cf: bodies::custom_fields(&ticket.custom_fields),
            ..NewTicketBody::default()
        };
        let (description, _) = bodies::content(&ticket.description);
        if !description.trim().is_empty() {
            body.description = Some(description);
        }
        match &ticket.requester {
            Some(Requester::Id(customer)) => {
                body.contact_id = Some(zoho_id(customer, ObjectKind::Party, operation)?);
            }
            Some(Requester::Email { email, name }) => {
                let email = email.trim().to_owned();
                // Zoho finds the contact by e-mail, or creates one, which needs a last name.
                let last_name = name
                    .as_deref()
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(|n| n.rsplit(' ').next().unwrap_or(n).to_owned())
                    .unwrap_or_else(|| email.split('@').next().unwrap_or(&email).to_owned());
                body.contact = Some(ContactBody { email, last_name });
            }
            None => {
                return Err(invalid(
                    operation,
                    "a Zoho Desk ticket needs a contact: give the requester (an id or an e-mail)",
                ));
            }
        }
        if let Some(status) = &ticket.status {
            body.status = Some(map::status_label(status).ok_or_else(|| {
                invalid(
                    operation,
                    format!(
                        "Zoho Desk has no status type for `{status}`: use open, on_hold, closed \
                         or a status label"
                    ),
                )
            })?);
        }
        body.priority = ticket.priority.as_ref().map(map::priority_label);
        if let Some(agent) = &ticket.assignee {
            body.assignee_id = Some(zoho_id(agent, ObjectKind::Party, operation)?);
        }
        let tags: Vec<&str> = ticket
            .tags
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .collect();
        // Each file is uploaded first (`POST /api/v1/uploads`), then named by the new ticket.
        let uploaded = self.upload_all(operation, &ticket.attachments).await?;
        if !uploaded.is_empty() {
            body.uploads = Some(uploaded.iter().map(|u| u.id.clone()).collect());
        }
        let request = self
            .request(
                operation,
                reqwest::Method::POST,
                "/api/v1/tickets",
                &[],
                Some(&body),
            )
            .map_err(|e| files::with_uploaded(e, &uploaded))?;
        let raw = self
            .endpoint
            .runtime()
            .send_json(self.endpoint.http(), operation, request)
            .await
            .map_err(|e| files::with_uploaded(e, &uploaded))?;
        let id = map::id_of(&raw, "id").ok_or_else(|| {
            applied_but_unreadable(
                PROVIDER,
                operation,
                map::unexpected(operation, "the created ticket's answer has no id"),
            )
        })?;
        if !tags.is_empty() {
            self.associate(operation, &id, &tags)
                .await
                .map_err(|e| applied_but_unreadable(PROVIDER, operation, e))?;
        }
        self.after_write(operation, &id).await
    }

    async fn update_ticket(&self, ticket: &CanonicalId, update: TicketUpdate) -> Result<Ticket> {
        let operation = Operation::UpdateTicket;
        let id = Self::ticket_id(ticket, operation)?;
        let mut patch = TicketPatch {
            cf: bodies::custom_fields(&update.custom_fields),
            ..TicketPatch::default()
        };
        if let Some(subject) = &update.subject {
            if subject.trim().is_empty() {
                return Err(invalid(operation, "a ticket needs a subject"));
            }
            patch.subject = Some(subject.trim().to_owned());
        }
        if let Some(status) = &update.status {
            patch.status = Some(map::status_label(status).ok_or_else(|| {
                invalid(
                    operation,
                    format!(
                        "Zoho Desk has no status type for `{status}`: use open, on_hold, closed \
                         or a status label"
                    ),
                )
            })?);
        }
        patch.priority = update.priority.as_ref().map(map::priority_label);
        let changed = !patch.is_empty();
        if changed {
            self.patch(operation, &id, &patch).await?;
        }
        if let Some(tags) = &update.tags {
            self.retag(operation, &id, tags).await.map_err(|e| {
                if changed {
                    applied_but_unreadable(PROVIDER, operation, e)
                } else {
                    e
                }
            })?;
        }
        if changed || update.tags.is_some() {
            self.after_write(operation, &id).await
        } else {
            self.read(operation, &id).await
        }
    }

    async fn close_ticket(&self, ticket: &CanonicalId, options: CloseOptions) -> Result<Ticket> {
        let operation = Operation::CloseTicket;
        let id = Self::ticket_id(ticket, operation)?;
        // The closing comment first: a closed ticket still takes comments, but a comment that
        // fails leaves the ticket open, as the caller would expect.
        if let Some(comment) = &options.comment {
            self.comment_on(operation, ticket, &id, comment).await?;
        }
        let item = types::CloseTicketsBodyIdsItem::Variant0(id.clone());
        let call =
            self.client
                .close_tickets()
                .org_id(self.org())
                .body(Some(types::CloseTicketsBody {
                    ids: Some(vec![Some(item)]),
                }));
        let answer = self
            .endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await?;
        // One result per id: `{"results": [{"id", "success", "errors"}]}`.
        let refused = answer
            .get("results")
            .and_then(Value::as_array)
            .and_then(|all| {
                all.iter()
                    .find(|r| map::id_of(r, "id").as_deref() == Some(id.as_str()))
            })
            .filter(|r| json::boolean(r, "success") == Some(false));
        if let Some(result) = refused {
            let code = result
                .get("errors")
                .and_then(|e| json::text(e, "errorCode"))
                .unwrap_or_default();
            let kind = if code == "RESOURCE_NOT_FOUND" {
                ErrorKind::NotFound
            } else {
                ErrorKind::Conflict
            };
            return Err(Error::new(kind, PROVIDER)
                .with_operation(operation)
                .with_code(code)
                .with_message(format!("Zoho Desk did not close ticket {id}")));
        }
        self.after_write(operation, &id).await
    }

    async fn list_agents(&self, query: AgentQuery) -> Result<Page<Party>> {
        let operation = Operation::ListAgents;
        let state = Cursor::state::<AgentPages>(query.page.cursor.as_ref(), PROVIDER, operation)?
            .unwrap_or(AgentPages {
                from: 0,
                limit: query.page.limit_or(DEFAULT_PAGE, MAX_AGENT_PAGE),
            });
        if !(1..=MAX_AGENT_PAGE).contains(&state.limit) {
            return Err(invalid(
                operation,
                "this cursor is not one the adapter made",
            ));
        }
        let call = self
            .client
            .get_agents()
            .org_id(self.org())
            .from(state.from.to_string())
            .limit(state.limit.to_string());
        let rows = self
            .endpoint
            .runtime()
            .run_page::<Value, _, _, _>(operation, data_page("agent"), call.send())
            .await?
            .into_values();
        let full = rows.len() as u32 >= state.limit;
        let agents = support_core::kit::map_each(rows, |row| map::agent(operation, row))?;
        let next = full.then(|| {
            Cursor::of(
                PROVIDER,
                &AgentPages {
                    from: state.from.saturating_add(state.limit),
                    limit: state.limit,
                },
            )
        });
        Ok(Page::new(
            agents.into_iter().filter(|a| query.matches(a)).collect(),
            next,
        ))
    }

    async fn assign_ticket(&self, ticket: &CanonicalId, assignment: Assignment) -> Result<Ticket> {
        let operation = Operation::AssignTicket;
        let id = Self::ticket_id(ticket, operation)?;
        let mut patch = TicketPatch::default();
        if let Some(agent) = &assignment.agent {
            patch.assignee_id = Some(zoho_id(agent, ObjectKind::Party, operation)?);
        }
        let department = assignment
            .group
            .as_ref()
            .map(|group| zoho_id(group, ObjectKind::Group, operation))
            .transpose()?;
        if patch.is_empty() && department.is_none() {
            return Err(invalid(
                operation,
                "an assignment names an agent or a group",
            ));
        }
        // A ticket changes department by moving (`PATCH` takes no `departmentId`); the agent is
        // set after, in the new department.
        if let Some(department) = department {
            let body = types::MoveTicketBody {
                department_id: Some(types::MoveTicketBodyDepartmentId::Variant0(department)),
                forum_id: None,
            };
            let call = self
                .client
                .move_ticket()
                .org_id(self.org())
                .ticket_id(id.clone())
                .body(Some(body));
            self.endpoint
                .runtime()
                .run_json(operation, None, call.send())
                .await?;
        }
        if !patch.is_empty() {
            self.patch(operation, &id, &patch)
                .await
                .map_err(|e| match &assignment.group {
                    // The move was applied; the agent was not set. Say so, keeping the failure.
                    Some(group) => {
                        let detail = e.message().unwrap_or_default().to_owned();
                        e.with_message(format!(
                            "the ticket was moved to department {} but its agent was not set                              ({detail}); assign the agent again",
                            group.external_id()
                        ))
                    }
                    None => e,
                })?;
        }
        self.after_write(operation, &id).await
    }

    async fn add_comment(&self, ticket: &CanonicalId, comment: NewComment) -> Result<CommentRef> {
        let operation = Operation::AddComment;
        let id = Self::ticket_id(ticket, operation)?;
        self.comment_on(operation, ticket, &id, &comment).await
    }

    async fn list_comments(
        &self,
        ticket: &CanonicalId,
        query: CommentQuery,
    ) -> Result<Page<CommentRef>> {
        let operation = Operation::ListComments;
        let id = Self::ticket_id(ticket, operation)?;
        let state = match Cursor::state::<CommentPages>(
            query.page.cursor.as_ref(),
            PROVIDER,
            operation,
        )? {
            Some(state) if state.ticket == id => state,
            Some(_) => {
                return Err(invalid(
                    operation,
                    "this cursor belongs to another ticket's comments; start again without a cursor",
                ));
            }
            None => CommentPages {
                ticket: id.clone(),
                from: 0,
                limit: query.page.limit_or(DEFAULT_PAGE, MAX_PAGE),
            },
        };
        if !(1..=MAX_PAGE).contains(&state.limit) {
            return Err(invalid(
                operation,
                "this cursor is not one the adapter made",
            ));
        }
        let call = self
            .client
            .get_ticket_comments()
            .org_id(self.org())
            .ticket_id(id.clone())
            .from(state.from.to_string())
            .limit(state.limit.to_string())
            .sort_by(types::GetTicketCommentsSortBy::CommentedTime);
        let rows = self
            .endpoint
            .runtime()
            .run_page::<Value, _, _, _>(operation, data_page("comment"), call.send())
            .await?
            .into_values();
        let full = rows.len() as u32 >= state.limit;
        let comments =
            support_core::kit::map_each(rows, |row| map::comment(operation, ticket, row))?;
        let next = full.then(|| {
            Cursor::of(
                PROVIDER,
                &CommentPages {
                    ticket: id.clone(),
                    from: state.from.saturating_add(state.limit),
                    limit: state.limit,
                },
            )
        });
        Ok(Page::new(
            comments
                .into_iter()
                .filter(|c| query.matches(&c.data))
                .collect(),
            next,
        ))
    }

    async fn list_tags(&self, query: TagQuery) -> Result<Page<TagRef>> {
        let operation = Operation::ListTags;
        let limit = query.page.limit_or(DEFAULT_PAGE, 1000) as usize;
        let after = tag_pages::tags_after(PROVIDER, operation, query.page.cursor.as_ref())?;
        let departments = self.departments(operation).await?;
        let mut tags: Vec<TagRef> = Vec::new();
        for department in departments.iter() {
            for page in 0..MAX_TAG_PAGES {
                let call = self
                    .client
                    .get_tickets_tags()
                    .org_id(self.org())
                    .department_id(department.id.clone())
                    .from((page * TAG_PAGE).to_string())
                    .limit(TAG_PAGE.to_string());
                let rows = self
                    .endpoint
                    .runtime()
                    .run_page::<Value, _, _, _>(operation, data_page("tag"), call.send())
                    .await?
                    .into_values();
                let full = rows.len() as u32 >= TAG_PAGE;
                for row in rows {
                    let tag = map::tag(operation, row)?;
                    if !tags
                        .iter()
                        .any(|t| t.data.name.eq_ignore_ascii_case(&tag.data.name))
                    {
                        tags.push(tag);
                    }
                }
                if !full {
                    break;
                }
                if page + 1 == MAX_TAG_PAGES {
                    return Err(Error::new(ErrorKind::Provider { status: 200 }, PROVIDER)
                        .with_operation(operation)
                        .with_message(format!(
                            "department {} has more than {} tags, past what `GET \
                             /api/v1/ticketTags` can page through (`from` is capped); \
                             find tags by name with `GET /api/v1/tags/search` through client()",
                            department.id, FROM_CAP
                        )));
                }
            }
        }
        Ok(tag_pages::tag_page(PROVIDER, tags, after.as_deref(), limit))
    }

    async fn create_tag(&self, _tag: NewTag) -> Result<TagRef> {
        Err(self
            .capabilities
            .unsupported_error(PROVIDER, Operation::CreateTag))
    }

    async fn get_knowledge_article(&self, article: &CanonicalId) -> Result<Document> {
        let operation = Operation::GetKnowledgeArticle;
        let id = zoho_id(article, ObjectKind::Document, operation)?;
        let call = self.client.get_article().org_id(self.org()).id(id.clone());
        let raw = self
            .endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await?;
        let document = map::article(operation, raw)?;
        answered_as_asked(PROVIDER, "Zoho Desk", operation, &id, &document.id)?;
        Ok(document)
    }

    async fn list_knowledge_articles(&self, query: ArticleQuery) -> Result<Page<Document>> {
        let operation = Operation::ListKnowledgeArticles;
        let state = Cursor::state::<ArticlePages>(query.page.cursor.as_ref(), PROVIDER, operation)?
            .unwrap_or(ArticlePages {
                // Articles count `from` from 1, and serve at most 50 a page.
                from: 1,
                limit: query.page.limit_or(MAX_ARTICLE_PAGE, MAX_ARTICLE_PAGE),
            });
        if !(1..=MAX_ARTICLE_PAGE).contains(&state.limit) || state.from < 1 {
            return Err(invalid(
                operation,
                "this cursor is not one the adapter made",
            ));
        }
        let mut call = self
            .client
            .get_articles()
            .org_id(self.org())
            .from(state.from.to_string())
            .limit(state.limit.to_string());
        if let Some(category) = &query.category {
            call = call.category_id(zoho_id(category, ObjectKind::Category, operation)?);
        }
        let rows = self
            .endpoint
            .runtime()
            .run_page::<Value, _, _, _>(operation, data_page("article"), call.send())
            .await?
            .into_values();
        let full = rows.len() as u32 >= state.limit;
        // The list gives each article's summary, not its body (`answer`): each is read.
        let rows = {
            use futures::stream::{self, StreamExt, TryStreamExt};
            let ids: Vec<String> = rows.iter().filter_map(|r| map::id_of(r, "id")).collect();
            let read: Vec<Option<Value>> = stream::iter(ids)
                .map(|id| async move {
                    let call = self.client.get_article().org_id(self.org()).id(id);
                    match self
                        .endpoint
                        .runtime()
                        .run_json(operation, None, call.send())
                        .await
                    {
                        Ok(raw) => Ok(Some(raw)),
                        Err(e) if *e.kind() == ErrorKind::NotFound => Ok(None),
                        Err(e) => Err(e),
                    }
                })
                .buffered(READS_AT_ONCE)
                .try_collect()
                .await?;
            read.into_iter().flatten().collect::<Vec<Value>>()
        };
        let articles = support_core::kit::map_each(rows, |row| map::article(operation, row))?;
        let next = full.then(|| {
            Cursor::of(
                PROVIDER,
                &ArticlePages {
                    from: state.from.saturating_add(state.limit),
                    limit: state.limit,
                },
            )
        });
        Ok(Page::new(
            articles.into_iter().filter(|d| query.matches(d)).collect(),
            next,
        ))
    }

    async fn get_sla(&self, policy: &CanonicalId) -> Result<SlaPolicyRef> {
        let operation = Operation::GetSla;
        let Some(account) = &self.sla_account else {
            return Err(self.capabilities.unsupported_error(PROVIDER, operation));
        };
        let id = zoho_id(policy, ObjectKind::SlaPolicy, operation)?;
        let rows = self.account_slas(operation, account).await?;
        let row = rows
            .into_iter()
            .find(|r| map::id_of(r, "id").as_deref() == Some(id.as_str()))
            .ok_or_else(|| {
                Error::new(ErrorKind::NotFound, PROVIDER)
                    .with_operation(operation)
                    .with_message(format!(
                        "no SLA {id} is bound to the customer account {account}"
                    ))
            })?;
        map::sla_policy(operation, row)
    }

    async fn download_attachment(&self, attachment: &Document) -> Result<Download> {
        let operation = Operation::DownloadAttachment;
        attachment
            .id
            .native_id(PROVIDER, ObjectKind::Document, operation)?;
        let Some(url) = attachment.url.as_deref() else {
            return Err(invalid(
                operation,
                "the attachment has no URL (`href`); pass an attachment as the adapter listed it",
            ));
        };
        let target = reqwest::Url::parse(url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .ok_or_else(|| invalid(operation, format!("`{url}` is not an http(s) URL")))?;
        // Zoho's `href` is on the API host and needs the credentials and the organization; a
        // file served from elsewhere is fetched without either.
        let own =
            reqwest::Url::parse(self.base_url()).is_ok_and(|base| base.origin() == target.origin());
        let mut request = self
            .endpoint
            .http()
            .get(target)
            .build()
            .map_err(|e| self.endpoint.runtime().transport_error(operation, e))?;
        if own && let Ok(value) = HeaderValue::from_str(&self.org_id) {
            request.headers_mut().insert(org_header(), value);
        }
        self.endpoint
            .runtime()
            .send_download(self.endpoint.http(), operation, request, own)
            .await
    }

    async fn list_satisfaction_ratings(
        &self,
        _query: SatisfactionQuery,
    ) -> Result<Page<SatisfactionRatingRef>> {
        Err(self
            .capabilities
            .unsupported_error(PROVIDER, Operation::ListSatisfactionRatings))
    }
}
