//! [`SalesforcePort`]: the `SupportPort` operations over Salesforce's API. Kept thin: listing state
//! lives in `listing.rs`, account lookups in `lookups.rs`, request bodies in `bodies.rs`, and the
//! mapping to canonical objects in `map.rs`.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;
use std::time::Duration;

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use support_core::kit::page::{ListingPage, PageShape};
use support_core::kit::{Endpoint, LookupCache};
use support_core::{
    AgentQuery, ArticleQuery, Assignment, CanonicalId, Capabilities, CloseOptions, CommentQuery,
    CommentRef, ConnectionInfo, Cursor, Document, Error, ErrorKind, Filter, ListingState,
    NewComment, NewTag, NewTicket, ObjectKind, Operation, Page, Party, Requester, Result,
    SatisfactionQuery, SatisfactionRatingRef, SlaPolicyRef, SupportPort, TagQuery, TagRef, Ticket,
    TicketLookup, TicketQuery, TicketStatus, TicketUpdate, Visibility, async_trait,
};
use support_core::{CustomFieldInput, Download, Upload, UploadLimits};

use crate::builder::SalesforceBuilder;
use crate::generated::{Client, types};
use crate::soql::{API_VERSION, id18, like_contains, literal};
use crate::{PROVIDER, map};

/// A SOQL query's batch: `records`, `done` always, and `nextRecordsUrl` while not `done`. The
/// runtime checks every answer against it, so one that is no batch is retried like a transient
/// failure, then fails as `Decode` with an excerpt.
const QUERY_BATCH: PageShape = PageShape::items_at("records")
    .requires("/done")
    .more_unless("/done", "/nextRecordsUrl")
    .item("record");

/// The reason of operations this release does not implement yet.
const NOT_YET: &str = "not implemented in this release of the Salesforce adapter";

/// The value of `Sforce-Auto-Assign` on every write: the org's case assignment rules must not
/// overwrite the owner a write sets (they run on create and update unless told not to).
const AUTO_ASSIGN: &str = "FALSE";

/// How long the org's case statuses are kept before they are read again.
const STATUS_TTL: Duration = Duration::from_secs(600);

/// How long the custom fields of `Case` (its describe) are kept before they are read again.
const DESCRIBE_TTL: Duration = Duration::from_secs(600);

/// The largest file one upload sends: a `ContentVersion` created with a JSON body carries its
/// `VersionData` in base64, which Salesforce limits to 37.5 MB of the file (50 MB of text) in a
/// non-multipart request.
const MAX_FILE_BYTES: u64 = 37_500_000;

/// Where a SOQL listing stands: the batch it reads (the locator of a `nextRecordsUrl`, or `None`
/// for the query's first batch, which is asked for again) and how many of its records earlier
/// pages took (a page holds at most the caller's limit; a batch up to 2,000 records).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct QueryState {
    #[serde(default)]
    pub(crate) batch: Option<String>,
    #[serde(default)]
    pub(crate) skip: usize,
}

impl ListingState for QueryState {
    const LISTING: &'static str = "tickets";
}

/// Where the agent listing stands.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct AgentState {
    pub(crate) next: String,
}

impl ListingState for AgentState {
    const LISTING: &'static str = "agents";
}

/// Where the topic listing stands.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct TagState {
    pub(crate) next: String,
}

impl ListingState for TagState {
    const LISTING: &'static str = "tags";
}

/// How far a case's thread (comments and emails, merged by time) was returned.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct CommentOffset {
    pub(crate) ticket: String,
    pub(crate) offset: usize,
}

impl ListingState for CommentOffset {
    const LISTING: &'static str = "comments";
}

/// Where the article listing stands.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct ArticleState {
    /// The next batch of the current query (a query locator); none: the drafts' query is next.
    #[serde(default)]
    pub(crate) next: Option<String>,
    /// Whether the listing reached the drafts (after the published articles).
    #[serde(default)]
    pub(crate) drafts: bool,
}

impl ListingState for ArticleState {
    const LISTING: &'static str = "articles";
}

/// How many case ids one `TopicAssignment` query names.
const TOPIC_CHUNK: usize = 200;

/// The most a `CaseComment.CommentBody` holds (bytes).
const MAX_COMMENT_BYTES: usize = 4000;

/// One batch of a SOQL query: its records and the locator of the next batch, if any.
pub(crate) struct Batch {
    pub(crate) records: Vec<Value>,
    pub(crate) next: Option<String>,
}

/// One `CaseStatus` row: the picklist value, whether it counts as closed, and its order.
#[derive(Clone, Debug)]
pub(crate) struct StatusRow {
    pub(crate) value: String,
    pub(crate) closed: bool,
    pub(crate) sort: i64,
}

/// A Salesforce org behind the [`SupportPort`] interface.
///
/// Built with [`SalesforcePort::builder`] or [`SalesforcePort::from_env`]. [`SalesforcePort::client`]
/// gives the generated client for native operations beyond the port, with the same credentials,
/// retries and tracing.
pub struct SalesforcePort {
    client: Client,
    /// The client over the instance URL of the first token answer, when the org's URL was not
    /// given (OAuth through the login host).
    discovered: Option<OnceLock<Client>>,
    endpoint: Endpoint,
    capabilities: Capabilities,
    statuses: LookupCache<Vec<StatusRow>>,
    /// The custom fields of `Case`, from its describe.
    custom_fields: LookupCache<Vec<map::FieldDef>>,
    /// The org's rich-text body field of `Knowledge__kav`, if named.
    knowledge_body_field: Option<String>,
    /// The custom field of `Case` that holds external references, if named.
    external_ref_field: Option<String>,
}

impl fmt::Debug for SalesforcePort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SalesforcePort")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

/// What the adapter supports.
fn capabilities() -> Capabilities {
    let native = [
        Operation::ListTickets,
        Operation::GetTicket,
        Operation::CreateTicket,
        Operation::UpdateTicket,
        Operation::CloseTicket,
        Operation::AssignTicket,
        Operation::AddComment,
        Operation::ListComments,
        Operation::ListAgents,
        Operation::ListTags,
        Operation::CreateTag,
        Operation::GetKnowledgeArticle,
        Operation::ListKnowledgeArticles,
        Operation::GetSla,
    ];
    Operation::ALL
        .into_iter()
        .filter(|operation| !native.contains(operation))
        .fold(Capabilities::new(), |caps, operation| {
            caps.unsupported(operation, NOT_YET)
        })
        .native(&native)
        .unsupported(
            Operation::ListSatisfactionRatings,
            "Salesforce has no native satisfaction rating object (Surveys and Feedback Management \
             are separate licensed products with no documented link to a case)",
        )
        .native(&[Operation::DownloadAttachment])
        .uploads(UploadLimits::none().per_file(MAX_FILE_BYTES))
        .native_filters(&[
            Filter::TicketAssignee,
            Filter::TicketTag,
            Filter::TicketUpdatedSince,
        ])
}

impl SalesforcePort {
    /// Starts configuring a port.
    pub fn builder() -> SalesforceBuilder {
        SalesforceBuilder::default()
    }

    /// A port configured from `SUPPORT_SALESFORCE_*` variables (see [`SalesforceBuilder::from_env`]).
    pub fn from_env() -> Result<Self> {
        SalesforceBuilder::default().from_env()?.build()
    }

    pub(crate) fn new(endpoint: Endpoint, discover: bool) -> Self {
        Self {
            client: endpoint.client(Client::new_with_client),
            discovered: discover.then(OnceLock::new),
            endpoint,
            capabilities: capabilities(),
            statuses: LookupCache::new("case statuses", STATUS_TTL),
            custom_fields: LookupCache::new("case custom fields", DESCRIBE_TTL),
            knowledge_body_field: None,
            external_ref_field: None,
        }
    }

    pub(crate) fn with_external_ref_field(mut self, field: Option<String>) -> Self {
        self.external_ref_field = field;
        self
    }

    pub(crate) fn with_knowledge_body_field(mut self, field: Option<String>) -> Self {
        self.knowledge_body_field = field;
        self
    }

    /// The fields read of an article: the fixed ones and the org's body field, if named.
    fn article_fields(&self) -> String {
        match &self.knowledge_body_field {
            Some(field) => format!("{}, {field}", map::ARTICLE_FIELDS),
            None => map::ARTICLE_FIELDS.to_owned(),
        }
    }

    /// The generated client, for Salesforce operations beyond the port.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The API base URL: the org's, or the login host's until the first token answer names the
    /// org's instance URL.
    pub fn base_url(&self) -> &str {
        match self.discovered.as_ref().and_then(OnceLock::get) {
            Some(client) => progenitor_client::ClientInfo::baseurl(client),
            None => self.endpoint.base_url(),
        }
    }

    /// The client of the org's API: over the URL given to the builder, or over the `instance_url`
    /// of the first token answer when only the login host was known.
    async fn api(&self, operation: Operation) -> Result<&Client> {
        let Some(discovered) = &self.discovered else {
            return Ok(&self.client);
        };
        if let Some(client) = discovered.get() {
            return Ok(client);
        }
        let answer = self
            .endpoint
            .runtime()
            .token_answer(self.endpoint.http(), operation)
            .await?;
        let url = answer
            .as_ref()
            .and_then(|a| a.instance_url())
            .map(|u| u.trim().trim_end_matches('/').to_owned())
            .filter(|u| {
                reqwest::Url::parse(u)
                    .is_ok_and(|p| matches!(p.scheme(), "https" | "http") && p.host_str().is_some())
            })
            .ok_or_else(|| {
                Error::new(ErrorKind::Unauthenticated, PROVIDER)
                    .with_operation(operation)
                    .with_message(
                        "the token answer names no `instance_url`: give the org's URL with \
                         instance_url() or my_domain()",
                    )
            })?;
        Ok(discovered.get_or_init(|| {
            Client::new_with_client(
                &url,
                self.endpoint.http().clone(),
                self.endpoint.runtime().clone(),
            )
        }))
    }

    /// The `Unsupported` error of an operation, with the reason `capabilities()` gives.
    fn unsupported<T>(&self, operation: Operation) -> Result<T> {
        Err(self.capabilities.unsupported_error(PROVIDER, operation))
    }

    fn invalid(&self, operation: Operation, message: impl Into<String>) -> Error {
        Error::invalid_input(PROVIDER, message).with_operation(operation)
    }

    fn decode_error(&self, operation: Operation, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Decode, PROVIDER)
            .with_operation(operation)
            .with_message(message.into())
    }

    /// The 18-character record id of a canonical id of `kind`; anything that is not a 15- or
    /// 18-character Salesforce id is invalid input, never sent.
    fn record_id(
        &self,
        id: &CanonicalId,
        kind: ObjectKind,
        operation: Operation,
    ) -> Result<String> {
        let native = id.native_id(PROVIDER, kind, operation)?;
        id18(native).ok_or_else(|| {
            self.invalid(
                operation,
                format!("`{native}` is not a Salesforce id (15 or 18 letters and digits)"),
            )
        })
    }

    /// Reads one query answer the runtime checked against [`QUERY_BATCH`]: `done`, `records`, and
    /// `nextRecordsUrl` when not done. Anything else is an error, never an early end.
    fn batch(
        &self,
        operation: Operation,
        page: ListingPage<IgnoredAny>,
        asked: Option<&str>,
    ) -> Result<Batch> {
        let answer = page.envelope().clone();
        let Some(done) = answer.get("done").and_then(Value::as_bool) else {
            return Err(self.decode_error(operation, "the query answer has no boolean `done`"));
        };
        let records = page.into_values();
        if done {
            return Ok(Batch {
                records,
                next: None,
            });
        }
        let Some(url) = answer.get("nextRecordsUrl").and_then(Value::as_str) else {
            return Err(self.decode_error(
                operation,
                "the query answer is not `done` but has no `nextRecordsUrl`",
            ));
        };
        let prefix = format!("/services/data/{API_VERSION}/query/");
        let locator = url
            .strip_prefix(&prefix)
            .filter(|l| !l.is_empty() && !l.contains(['/', '?', '#']))
            .ok_or_else(|| {
                self.decode_error(
                    operation,
                    format!("`nextRecordsUrl` is not a query locator under {prefix}: {url}"),
                )
            })?;
        if Some(locator) == asked {
            return Err(self.decode_error(
                operation,
                "Salesforce answered the locator it was asked with: the listing would not move on",
            ));
        }
        Ok(Batch {
            records,
            next: Some(locator.to_owned()),
        })
    }

    /// The first batch of a SOQL query.
    pub(crate) async fn query(&self, operation: Operation, soql: &str) -> Result<Batch> {
        let answer = self
            .endpoint
            .runtime()
            .run_page(
                operation,
                QUERY_BATCH,
                self.api(operation).await?.query().q(soql).send(),
            )
            .await?;
        self.batch(operation, answer, None)
    }

    /// The batch at a locator `nextRecordsUrl` named.
    pub(crate) async fn query_more(&self, operation: Operation, locator: &str) -> Result<Batch> {
        let answer = self
            .endpoint
            .runtime()
            .run_page(
                operation,
                QUERY_BATCH,
                self.api(operation)
                    .await?
                    .query_more()
                    .query_locator(locator)
                    .send(),
            )
            .await?;
        self.batch(operation, answer, Some(locator))
    }

    /// Every record of a SOQL query, following `nextRecordsUrl` until `done`.
    pub(crate) async fn query_all(&self, operation: Operation, soql: &str) -> Result<Vec<Value>> {
        let mut batch = self.query(operation, soql).await?;
        let mut records = std::mem::take(&mut batch.records);
        while let Some(locator) = batch.next.take() {
            batch = self.query_more(operation, &locator).await?;
            records.append(&mut batch.records);
        }
        Ok(records)
    }

    /// The org's case statuses (`CaseStatus`), read once and kept for ten minutes.
    async fn statuses(&self, operation: Operation) -> Result<std::sync::Arc<Vec<StatusRow>>> {
        self.statuses
            .get_or_load(|| async {
                let rows = self
                    .query_all(
                        operation,
                        "SELECT Id, ApiName, MasterLabel, IsClosed, IsDefault, SortOrder \
                         FROM CaseStatus ORDER BY SortOrder",
                    )
                    .await?;
                Ok(rows
                    .iter()
                    .filter_map(|row| {
                        let value = row
                            .get("ApiName")
                            .or_else(|| row.get("MasterLabel"))
                            .and_then(Value::as_str)?
                            .to_owned();
                        Some(StatusRow {
                            value,
                            closed: row.get("IsClosed").and_then(Value::as_bool) == Some(true),
                            sort: row.get("SortOrder").and_then(Value::as_i64).unwrap_or(0),
                        })
                    })
                    .collect())
            })
            .await
    }

    async fn closed_map(&self, operation: Operation) -> Result<HashMap<String, bool>> {
        Ok(self
            .statuses(operation)
            .await?
            .iter()
            .map(|row| (row.value.clone(), row.closed))
            .collect())
    }

    /// Reads one case by its 18-character id.
    async fn read_case(&self, operation: Operation, id: &str) -> Result<Ticket> {
        let closed = self.closed_map(operation).await?;
        let custom = self.custom_defs(operation).await?;
        let soql = format!(
            "SELECT {} FROM Case WHERE Id = {}",
            self.case_fields(&custom),
            literal(id)
        );
        let batch = self.query(operation, &soql).await?;
        let Some(raw) = batch.records.into_iter().next() else {
            return Err(Error::new(ErrorKind::NotFound, PROVIDER)
                .with_operation(operation)
                .with_message(format!("no case has the id {id}")));
        };
        let answered = raw.get("Id").and_then(Value::as_str).unwrap_or_default();
        if !answered.eq_ignore_ascii_case(id) {
            return Err(self.decode_error(
                operation,
                format!("asked for the case {id}, the answer is about {answered:?}"),
            ));
        }
        let ticket = map::ticket(operation, raw, &self.context(&closed, &custom))?;
        let mut tickets = self.with_topics(operation, vec![ticket]).await?;
        tickets
            .pop()
            .ok_or_else(|| self.decode_error(operation, "the case was lost"))
    }

    /// What a case read needs to know of the org.
    fn context<'a>(
        &'a self,
        closed: &'a HashMap<String, bool>,
        custom: &'a [map::FieldDef],
    ) -> map::CaseContext<'a> {
        map::CaseContext {
            closed,
            custom,
            external: self.external_ref_field.as_deref(),
        }
    }

    /// The custom fields of `Case` (`GET /sobjects/Case/describe`, the fields with `custom:
    /// true`), read once and kept for ten minutes.
    async fn custom_defs(
        &self,
        operation: Operation,
    ) -> Result<std::sync::Arc<Vec<map::FieldDef>>> {
        self.custom_fields
            .get_or_load(|| async {
                let describe = self
                    .endpoint
                    .runtime()
                    .run_json(
                        operation,
                        None,
                        self.api(operation)
                            .await?
                            .describe_s_object()
                            .s_object("Case")
                            .send(),
                    )
                    .await?;
                if describe.get("fields").and_then(Value::as_array).is_none() {
                    return Err(
                        self.decode_error(operation, "the describe of Case has no `fields` array")
                    );
                }
                Ok(map::custom_fields(&describe))
            })
            .await
    }

    /// The fields read of a case: the fixed ones, the custom fields of `Case`, and the external
    /// reference field when it is not among them.
    fn case_fields(&self, custom: &[map::FieldDef]) -> String {
        let mut fields = map::CASE_FIELDS.to_owned();
        for def in custom {
            fields.push_str(", ");
            fields.push_str(&def.name);
        }
        if let Some(external) = &self.external_ref_field
            && !custom.iter().any(|d| d.name.eq_ignore_ascii_case(external))
        {
            fields.push_str(", ");
            fields.push_str(external);
        }
        fields
    }

    /// The fields a write sets for custom field values: each named by its API name (or its
    /// label) among the custom fields of `Case`; an unknown one, or one the write may not set (a
    /// formula field, say: `createable` / `updateable` false in the describe), is invalid input,
    /// before anything is sent.
    async fn custom_values(
        &self,
        operation: Operation,
        inputs: &[CustomFieldInput],
        fields: &mut Map<String, Value>,
    ) -> Result<()> {
        let creating = operation == Operation::CreateTicket;
        if inputs.is_empty() {
            return Ok(());
        }
        let defs = self.custom_defs(operation).await?;
        for input in inputs {
            let name = input.name.trim();
            let def = defs
                .iter()
                .find(|d| d.name.eq_ignore_ascii_case(name))
                .or_else(|| defs.iter().find(|d| d.label == name));
            let Some(def) = def else {
                let known = defs
                    .iter()
                    .map(|d| d.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                return Err(self.invalid(
                    operation,
                    format!(
                        "`{name}` is not a custom field of Case (its custom fields: {})",
                        if known.is_empty() { "none" } else { &known }
                    ),
                ));
            };
            let writable = if creating {
                def.createable
            } else {
                def.updateable
            };
            if !writable {
                return Err(self.invalid(
                    operation,
                    format!(
                        "the custom field `{}` of Case cannot be {} (a formula or system field)",
                        def.name,
                        if creating {
                            "set on a new case"
                        } else {
                            "updated"
                        }
                    ),
                ));
            }
            fields.insert(def.name.clone(), input.value.to_json());
        }
        Ok(())
    }

    /// The field an external reference is written to: the builder's `external_ref_field`.
    fn external_field(&self, operation: Operation) -> Result<&str> {
        self.external_ref_field.as_deref().ok_or_else(|| {
            self.invalid(
                operation,
                "Case has no standard external-id field: name the custom field that holds \
                 external references with SalesforcePort::builder().external_ref_field(\"Legacy_Id__c\")",
            )
        })
    }

    /// The REST API root of the org (`https://acme.my.salesforce.com/services/data/v64.0`).
    fn api_root(&self) -> String {
        format!("{}/services/data/{API_VERSION}", self.base_url())
    }

    /// The files of each record of `ids` (cases or emails), by record id: the
    /// `ContentDocumentLink` rows naming them (with their documents' latest published versions)
    /// and their legacy `Attachment` rows, 200 ids a query.
    async fn files_of(
        &self,
        operation: Operation,
        ids: &[String],
    ) -> Result<HashMap<String, Vec<Document>>> {
        let mut files: HashMap<String, Vec<Document>> = HashMap::new();
        let api = self.api_root();
        for chunk in ids.chunks(TOPIC_CHUNK) {
            if chunk.is_empty() {
                continue;
            }
            let list = chunk
                .iter()
                .map(|id| literal(id))
                .collect::<Vec<_>>()
                .join(", ");
            let links = format!(
                "SELECT {} FROM ContentDocumentLink WHERE LinkedEntityId IN ({list})",
                map::LINK_FIELDS
            );
            for row in self.query_all(operation, &links).await? {
                if let Some((entity, file)) = map::content_file(row, &api) {
                    files.entry(entity).or_default().push(file);
                }
            }
            let legacy = format!(
                "SELECT {} FROM Attachment WHERE ParentId IN ({list}) ORDER BY CreatedDate ASC, Id ASC",
                map::ATTACHMENT_FIELDS
            );
            for row in self.query_all(operation, &legacy).await? {
                if let Some((parent, file)) = map::legacy_attachment(row, &api) {
                    files.entry(parent).or_default().push(file);
                }
            }
        }
        for list in files.values_mut() {
            list.sort_by(|a, b| {
                a.created_at
                    .cmp(&b.created_at)
                    .then_with(|| a.id.cmp(&b.id))
            });
        }
        Ok(files)
    }

    /// Uploads each file to a case: `POST /sobjects/ContentVersion` with `Title`, `PathOnClient`,
    /// the bytes as base64 `VersionData` and `FirstPublishLocationId` = the case, which links
    /// the new document to it.
    async fn upload_files(&self, operation: Operation, case: &str, files: &[Upload]) -> Result<()> {
        use base64::Engine as _;
        for file in files {
            let bytes = file.read_all(PROVIDER, operation).await?;
            let mut fields = Map::new();
            fields.insert("Title".into(), json!(file.file_name()));
            fields.insert("PathOnClient".into(), json!(file.file_name()));
            fields.insert(
                "VersionData".into(),
                json!(base64::engine::general_purpose::STANDARD.encode(&bytes)),
            );
            fields.insert("FirstPublishLocationId".into(), json!(case));
            self.create(operation, "ContentVersion", fields).await?;
        }
        Ok(())
    }

    /// `PATCH /sobjects/Case/{id}` with `fields`, without running the assignment rules, then the
    /// case as it is now.
    async fn patch_case(
        &self,
        operation: Operation,
        id: &str,
        fields: Map<String, Value>,
    ) -> Result<Ticket> {
        if !fields.is_empty() {
            self.endpoint
                .runtime()
                .run_json(
                    operation,
                    None,
                    self.api(operation)
                        .await?
                        .update_record()
                        .s_object("Case")
                        .id(id)
                        .sforce_auto_assign(AUTO_ASSIGN)
                        .body(types::Record(fields))
                        .send(),
                )
                .await?;
        }
        self.read_case(operation, id).await
    }

    /// The picklist value a canonical status is written as: the first `CaseStatus` (by
    /// `SortOrder`) whose value maps to it.
    async fn status_value(&self, operation: Operation, status: &TicketStatus) -> Result<String> {
        if let TicketStatus::Other(raw) = status {
            return Ok(raw.clone());
        }
        let rows = self.statuses(operation).await?;
        let closed: HashMap<String, bool> =
            rows.iter().map(|r| (r.value.clone(), r.closed)).collect();
        let mut rows: Vec<&StatusRow> = rows.iter().collect();
        rows.sort_by_key(|r| r.sort);
        rows.iter()
            .find(|row| {
                let mapped = map::status(&row.value, &closed).canonical;
                &mapped == status
                    || (status.is_done() && row.closed && matches!(mapped, TicketStatus::Other(_)))
            })
            .map(|row| row.value.clone())
            .ok_or_else(|| {
                self.invalid(
                    operation,
                    format!("the org has no case status that maps to `{status}`"),
                )
            })
    }

    /// The topics of each case of `ids` (`TopicAssignment` with `Topic.Name`), by case id.
    async fn topics_of(
        &self,
        operation: Operation,
        ids: &[String],
    ) -> Result<HashMap<String, Vec<String>>> {
        let mut topics: HashMap<String, Vec<String>> = HashMap::new();
        for chunk in ids.chunks(TOPIC_CHUNK) {
            let condition = match chunk {
                [one] => format!("EntityId = {}", literal(one)),
                many => format!(
                    "EntityId IN ({})",
                    many.iter()
                        .map(|id| literal(id))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            let soql = format!(
                "SELECT Id, EntityId, TopicId, Topic.Name FROM TopicAssignment WHERE {condition}"
            );
            for row in self.query_all(operation, &soql).await? {
                let name = row
                    .pointer("/Topic/Name")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                if let (Some(case), Some(name)) = (map::record_id(&row, "EntityId"), name) {
                    topics.entry(case).or_default().push(name);
                }
            }
        }
        Ok(topics)
    }

    /// The `CaseMilestone` rows of each case of `ids`, by case id.
    async fn milestones_of(
        &self,
        operation: Operation,
        ids: &[String],
    ) -> Result<HashMap<String, Vec<Value>>> {
        let mut milestones: HashMap<String, Vec<Value>> = HashMap::new();
        for chunk in ids.chunks(TOPIC_CHUNK) {
            let list = chunk
                .iter()
                .map(|id| literal(id))
                .collect::<Vec<_>>()
                .join(", ");
            let soql = format!(
                "SELECT Id, CaseId, MilestoneType.Name, TargetDate, CompletionDate, IsCompleted, \
                 IsViolated FROM CaseMilestone WHERE CaseId IN ({list}) ORDER BY TargetDate ASC"
            );
            for row in self.query_all(operation, &soql).await? {
                if let Some(case) = map::record_id(&row, "CaseId") {
                    milestones.entry(case).or_default().push(row);
                }
            }
        }
        Ok(milestones)
    }

    /// The SOQL of one publish status's article versions (`Online`, or `Draft` when `drafts`),
    /// with the locale and title filters Salesforce applies, every value escaped.
    fn article_soql(&self, query: &ArticleQuery, drafts: bool) -> String {
        let status = if drafts { "Draft" } else { "Online" };
        let mut soql = format!(
            "SELECT {} FROM Knowledge__kav WHERE PublishStatus = {}",
            self.article_fields(),
            literal(status)
        );
        if let Some(locale) = &query.locale {
            // Salesforce writes languages with an underscore (`en_US`).
            soql.push_str(&format!(
                " AND Language = {}",
                literal(&locale.replace('-', "_"))
            ));
        }
        if let Some(search) = query.search.as_deref().filter(|s| !s.trim().is_empty()) {
            soql.push_str(&format!(" AND Title LIKE {}", like_contains(search.trim())));
        }
        // Drafts have no publication date; the creation date orders them.
        let order = if drafts {
            "CreatedDate"
        } else {
            "LastPublishedDate"
        };
        soql.push_str(&format!(" ORDER BY {order} DESC, Id ASC"));
        soql
    }

    /// Fills each article's categories with its data categories: the
    /// `Knowledge__DataCategorySelection` rows of its version (`ParentId`, the selection's
    /// filterable field), each category named by its unique name.
    async fn with_categories(
        &self,
        operation: Operation,
        mut articles: Vec<Document>,
    ) -> Result<Vec<Document>> {
        let ids: Vec<String> = articles
            .iter()
            .map(|a| a.id.external_id().to_owned())
            .collect();
        let mut categories: HashMap<String, Vec<String>> = HashMap::new();
        for chunk in ids.chunks(TOPIC_CHUNK) {
            let condition = match chunk {
                [] => continue,
                [one] => format!("ParentId = {}", literal(one)),
                many => format!(
                    "ParentId IN ({})",
                    many.iter()
                        .map(|id| literal(id))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            let soql = format!(
                "SELECT Id, ParentId, DataCategoryGroupName, DataCategoryName \
                 FROM Knowledge__DataCategorySelection WHERE {condition}"
            );
            for row in self.query_all(operation, &soql).await? {
                let name = row
                    .get("DataCategoryName")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                if let (Some(article), Some(name)) = (map::record_id(&row, "ParentId"), name) {
                    categories.entry(article).or_default().push(name);
                }
            }
        }
        for article in &mut articles {
            let mut names = categories
                .remove(article.id.external_id())
                .unwrap_or_default();
            names.sort();
            article.categories = names
                .into_iter()
                .map(|name| CanonicalId::new(PROVIDER, ObjectKind::Category, name))
                .collect();
        }
        Ok(articles)
    }

    /// Fills each ticket's tags with its topics, its SLA clocks with its milestones, and its files
    /// with the files linked to the case.
    async fn with_topics(
        &self,
        operation: Operation,
        mut tickets: Vec<Ticket>,
    ) -> Result<Vec<Ticket>> {
        if tickets.is_empty() {
            return Ok(tickets);
        }
        let ids: Vec<String> = tickets
            .iter()
            .map(|t| t.id.external_id().to_owned())
            .collect();
        let mut topics = self.topics_of(operation, &ids).await?;
        let mut milestones = self.milestones_of(operation, &ids).await?;
        let mut files = self.files_of(operation, &ids).await?;
        for ticket in &mut tickets {
            ticket.attachments = files.remove(ticket.id.external_id()).unwrap_or_default();
            let mut tags = topics.remove(ticket.id.external_id()).unwrap_or_default();
            tags.sort();
            ticket.tags = tags;
            if let Some(rows) = milestones.remove(ticket.id.external_id()) {
                ticket.sla = map::ticket_sla(&rows);
            }
        }
        Ok(tickets)
    }

    /// Assigns the topic `name` to a case, creating the topic when the org has none by that name.
    async fn assign_topic(&self, operation: Operation, case: &str, name: &str) -> Result<()> {
        let soql = format!("SELECT Id, Name FROM Topic WHERE Name = {}", literal(name));
        let existing = self
            .query(operation, &soql)
            .await?
            .records
            .first()
            .and_then(|row| map::record_id(row, "Id"));
        let topic = match existing {
            Some(id) => id,
            None => {
                let mut fields = Map::new();
                fields.insert("Name".into(), json!(name));
                let saved = self.create(operation, "Topic", fields).await?;
                saved
                    .get("id")
                    .and_then(Value::as_str)
                    .and_then(id18)
                    .ok_or_else(|| {
                        self.decode_error(operation, "the topic create answer has no record `id`")
                    })?
            }
        };
        let mut fields = Map::new();
        fields.insert("TopicId".into(), json!(topic));
        fields.insert("EntityId".into(), json!(case));
        self.create(operation, "TopicAssignment", fields).await?;
        Ok(())
    }

    /// Makes `tags` the case's topics: assigns the missing ones, deletes the assignments of the
    /// others.
    async fn set_topics(&self, operation: Operation, case: &str, tags: &[String]) -> Result<()> {
        let wanted: Vec<&str> = tags
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .collect();
        let soql = format!(
            "SELECT Id, EntityId, TopicId, Topic.Name FROM TopicAssignment WHERE EntityId = {}",
            literal(case)
        );
        let current = self.query_all(operation, &soql).await?;
        let mut present = Vec::new();
        for row in &current {
            let name = row.pointer("/Topic/Name").and_then(Value::as_str);
            let Some(assignment) = map::record_id(row, "Id") else {
                continue;
            };
            match name {
                Some(name) if wanted.contains(&name) => present.push(name.to_owned()),
                _ => {
                    self.endpoint
                        .runtime()
                        .run_json(
                            operation,
                            None,
                            self.api(operation)
                                .await?
                                .delete_record()
                                .s_object("TopicAssignment")
                                .id(&assignment)
                                .send(),
                        )
                        .await?;
                }
            }
        }
        for name in wanted {
            if !present.iter().any(|p| p == name) {
                self.assign_topic(operation, case, name).await?;
                present.push(name.to_owned());
            }
        }
        Ok(())
    }

    /// `POST /sobjects/{object}` without running assignment rules; the save result.
    async fn create(
        &self,
        operation: Operation,
        object: &str,
        fields: Map<String, Value>,
    ) -> Result<Value> {
        self.endpoint
            .runtime()
            .run_json(
                operation,
                None,
                self.api(operation)
                    .await?
                    .create_record()
                    .s_object(object)
                    .sforce_auto_assign(AUTO_ASSIGN)
                    .body(types::Record(fields))
                    .send(),
            )
            .await
    }

    /// The SOQL of a ticket listing: the filters Salesforce applies (assignee, tag, updated
    /// since), every value escaped or checked to be an id. A tag is a topic on the case: a
    /// semi-join on `TopicAssignment` by the topic's name (SOQL's `=` ignores case, as tags do).
    fn ticket_soql(
        &self,
        operation: Operation,
        query: &TicketQuery,
        fields: &str,
    ) -> Result<String> {
        let mut conditions = Vec::new();
        if let Some(assignee) = &query.assignee {
            let id = self.record_id(assignee, ObjectKind::Party, operation)?;
            conditions.push(format!("OwnerId = {}", literal(&id)));
        }
        if let Some(tag) = query.tag.as_deref().map(str::trim) {
            conditions.push(format!(
                "Id IN (SELECT EntityId FROM TopicAssignment WHERE Topic.Name = {})",
                literal(tag)
            ));
        }
        if let Some(since) = query.updated_since {
            conditions.push(format!(
                "LastModifiedDate >= {}",
                since.format("%Y-%m-%dT%H:%M:%SZ")
            ));
        }
        let mut soql = format!("SELECT {fields} FROM Case");
        if !conditions.is_empty() {
            soql.push_str(" WHERE ");
            soql.push_str(&conditions.join(" AND "));
        }
        soql.push_str(" ORDER BY CreatedDate ASC, Id ASC");
        Ok(soql)
    }
}

#[async_trait]
impl SupportPort for SalesforcePort {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    async fn check_connection(&self) -> Result<ConnectionInfo> {
        let operation = Operation::CheckConnection;
        let host = self.endpoint.host();
        self.query(operation, "SELECT Id FROM CaseStatus LIMIT 1")
            .await
            .map_err(|error| match error.kind() {
                ErrorKind::Unauthenticated | ErrorKind::PermissionDenied => {
                    error.with_message(format!(
                        "{host} rejected the credentials: check {} or the OAuth client \
                         variables (the org answered, so its URL is right)",
                        crate::ENV_TOKEN
                    ))
                }
                ErrorKind::NotFound | ErrorKind::Decode => error.with_message(format!(
                    "{host} is not a Salesforce org's REST API ({API_VERSION}): check {}",
                    crate::ENV_INSTANCE_URL
                )),
                ErrorKind::Transport | ErrorKind::Timeout => {
                    let detail = error.message().unwrap_or_default().to_owned();
                    error.with_message(format!(
                        "could not reach {host}: check {} ({detail})",
                        crate::ENV_INSTANCE_URL
                    ))
                }
                _ => error,
            })?;
        Ok(map::connection_info(&host))
    }

    async fn list_tickets(&self, query: TicketQuery) -> Result<Page<Ticket>> {
        let operation = Operation::ListTickets;
        let resumed = Cursor::state::<QueryState>(query.page.cursor.as_ref(), PROVIDER, operation)?;
        let closed = self.closed_map(operation).await?;
        let custom = self.custom_defs(operation).await?;
        let (locator, skip) = match resumed {
            Some(state) => (state.batch, state.skip),
            None => (None, 0),
        };
        let batch = match &locator {
            Some(locator) => self.query_more(operation, locator).await?,
            None => {
                let soql = self.ticket_soql(operation, &query, &self.case_fields(&custom))?;
                self.query(operation, &soql).await?
            }
        };
        let limit = query.page.limit.map_or(usize::MAX, |limit| {
            usize::try_from(limit.max(1)).unwrap_or(usize::MAX)
        });
        let following = batch.next;
        let page = Page::window(batch.records, skip, limit, |at| {
            Cursor::of(
                PROVIDER,
                &QueryState {
                    batch: locator.clone(),
                    skip: at,
                },
            )
        });
        let next = match page.next {
            Some(next) => Some(next),
            None => following.map(|next| {
                Cursor::of(
                    PROVIDER,
                    &QueryState {
                        batch: Some(next),
                        skip: 0,
                    },
                )
            }),
        };
        let tickets = page
            .items
            .into_iter()
            .map(|raw| map::ticket(operation, raw, &self.context(&closed, &custom)))
            .collect::<Result<Vec<_>>>()?;
        let tickets = self.with_topics(operation, tickets).await?;
        Ok(Page::new(
            tickets.into_iter().filter(|t| query.matches(t)).collect(),
            next,
        ))
    }

    async fn get_ticket(&self, ticket: &TicketLookup) -> Result<Ticket> {
        let operation = Operation::GetTicket;
        match ticket {
            TicketLookup::Id(id) => {
                let id = self.record_id(id, ObjectKind::Ticket, operation)?;
                self.read_case(operation, &id).await
            }
            TicketLookup::External(reference) => {
                // A case's record id (15 or 18 characters, key prefix 500) as an outside system
                // keeps it, or a case number (`00001026`).
                if let Some(id) = id18(reference)
                    && id.starts_with("500")
                {
                    return self.read_case(operation, &id).await;
                }
                let closed = self.closed_map(operation).await?;
                let custom = self.custom_defs(operation).await?;
                let fields = self.case_fields(&custom);
                // With an external reference field, its value first; then (and without one) the
                // case number.
                let mut found = None;
                if let Some(field) = &self.external_ref_field {
                    let soql = format!(
                        "SELECT {fields} FROM Case WHERE {field} = {} ORDER BY CreatedDate ASC, \
                         Id ASC LIMIT 2",
                        literal(reference.trim())
                    );
                    let mut records = self.query(operation, &soql).await?.records;
                    if records.len() > 1 {
                        return Err(Error::new(ErrorKind::Conflict, PROVIDER)
                            .with_operation(operation)
                            .with_message(format!(
                                "more than one case has {field} = {}",
                                reference.trim()
                            )));
                    }
                    found = records.pop();
                }
                let number = reference.trim().trim_start_matches('#');
                let raw = match found {
                    Some(raw) => raw,
                    None => {
                        let soql = format!(
                            "SELECT {fields} FROM Case WHERE CaseNumber = {}",
                            literal(number)
                        );
                        let batch = self.query(operation, &soql).await?;
                        let Some(raw) = batch.records.into_iter().next() else {
                            return Err(Error::new(ErrorKind::NotFound, PROVIDER)
                                .with_operation(operation)
                                .with_message(match &self.external_ref_field {
                                    Some(field) => format!(
                                        "no case has {field} = {} or the number {number}",
                                        reference.trim()
                                    ),
                                    None => format!("no case has the number {number}"),
                                }));
                        };
                        raw
                    }
                };
                let ticket = map::ticket(operation, raw, &self.context(&closed, &custom))?;
                let mut tickets = self.with_topics(operation, vec![ticket]).await?;
                tickets
                    .pop()
                    .ok_or_else(|| self.decode_error(operation, "the case was lost"))
            }
        }
    }

    async fn create_ticket(&self, ticket: NewTicket) -> Result<Ticket> {
        let operation = Operation::CreateTicket;
        // Salesforce takes a case without a subject; the port asks for one, as for every provider.
        if ticket.subject.trim().is_empty() {
            return Err(self.invalid(operation, "a ticket needs a subject"));
        }
        self.capabilities
            .check_uploads(PROVIDER, operation, &ticket.attachments)?;
        let mut fields = Map::new();
        if let Some(reference) = &ticket.external_ref {
            let field = self.external_field(operation)?;
            fields.insert(field.to_owned(), json!(reference));
        }
        self.custom_values(operation, &ticket.custom_fields, &mut fields)
            .await?;
        fields.insert("Subject".into(), json!(ticket.subject));
        fields.insert("Description".into(), json!(ticket.description.text));
        match &ticket.requester {
            None => {}
            Some(Requester::Id(contact)) => {
                let id = self.record_id(contact, ObjectKind::Party, operation)?;
                fields.insert("ContactId".into(), json!(id));
            }
            Some(Requester::Email { email, name }) => {
                // Web-to-case fields: the case keeps who asked without a contact.
                fields.insert("SuppliedEmail".into(), json!(email));
                if let Some(name) = name {
                    fields.insert("SuppliedName".into(), json!(name));
                }
            }
        }
        if let Some(status) = &ticket.status {
            fields.insert(
                "Status".into(),
                json!(self.status_value(operation, status).await?),
            );
        }
        if let Some(priority) = &ticket.priority {
            fields.insert("Priority".into(), json!(map::priority_value(priority)));
        }
        match (&ticket.assignee, &ticket.group) {
            (Some(agent), _) => {
                let id = self.record_id(agent, ObjectKind::Party, operation)?;
                fields.insert("OwnerId".into(), json!(id));
            }
            (None, Some(group)) => {
                let id = self.record_id(group, ObjectKind::Group, operation)?;
                fields.insert("OwnerId".into(), json!(id));
            }
            (None, None) => {}
        }
        let saved = self.create(operation, "Case", fields).await?;
        let Some(id) = saved.get("id").and_then(Value::as_str).and_then(id18) else {
            return Err(support_core::kit::applied_but_unreadable(
                PROVIDER,
                operation,
                self.decode_error(operation, "the create answer has no record `id`"),
            ));
        };
        // The case exists from here on: a failure tagging it says so, so that it is not created
        // twice.
        for tag in ticket
            .tags
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
        {
            self.assign_topic(operation, &id, tag)
                .await
                .map_err(|error| {
                    support_core::kit::applied_but_unreadable(PROVIDER, operation, error)
                })?;
        }
        self.upload_files(operation, &id, &ticket.attachments)
            .await
            .map_err(|error| {
                support_core::kit::applied_but_unreadable(PROVIDER, operation, error)
            })?;
        self.read_case(operation, &id).await
    }

    async fn update_ticket(&self, ticket: &CanonicalId, update: TicketUpdate) -> Result<Ticket> {
        let operation = Operation::UpdateTicket;
        let id = self.record_id(ticket, ObjectKind::Ticket, operation)?;
        let mut fields = Map::new();
        self.custom_values(operation, &update.custom_fields, &mut fields)
            .await?;
        if let Some(tags) = &update.tags {
            self.set_topics(operation, &id, tags).await?;
        }
        if let Some(subject) = update.subject {
            fields.insert("Subject".into(), json!(subject));
        }
        if let Some(status) = &update.status {
            fields.insert(
                "Status".into(),
                json!(self.status_value(operation, status).await?),
            );
        }
        if let Some(priority) = &update.priority {
            fields.insert("Priority".into(), json!(map::priority_value(priority)));
        }
        self.patch_case(operation, &id, fields).await
    }

    async fn close_ticket(&self, ticket: &CanonicalId, options: CloseOptions) -> Result<Ticket> {
        let operation = Operation::CloseTicket;
        let id = self.record_id(ticket, ObjectKind::Ticket, operation)?;
        let rows = self.statuses(operation).await?;
        let mut closed: Vec<&StatusRow> = rows.iter().filter(|r| r.closed).collect();
        closed.sort_by_key(|r| r.sort);
        let Some(status) = closed.first() else {
            return Err(Error::new(ErrorKind::Conflict, PROVIDER)
                .with_operation(operation)
                .with_message("the org has no closed case status (CaseStatus.IsClosed)"));
        };
        let value = status.value.clone();
        // The closing comment first: a case comment is added to a closed case too, but a failure
        // then leaves the case open rather than closed without its note.
        if let Some(comment) = options.comment {
            self.add_comment(ticket, comment).await?;
        }
        let mut fields = Map::new();
        fields.insert("Status".into(), json!(value));
        self.patch_case(operation, &id, fields).await
    }

    async fn list_agents(&self, query: AgentQuery) -> Result<Page<Party>> {
        let operation = Operation::ListAgents;
        let resumed = Cursor::state::<AgentState>(query.page.cursor.as_ref(), PROVIDER, operation)?;
        let batch = match resumed {
            Some(state) => self.query_more(operation, &state.next).await?,
            None => {
                let soql = format!(
                    "SELECT {} FROM User WHERE IsActive = true AND UserType = 'Standard' \
                     ORDER BY Name ASC, Id ASC",
                    map::USER_FIELDS
                );
                self.query(operation, &soql).await?
            }
        };
        // Queue membership: the queues, then their members.
        let queues: Vec<String> = self
            .query_all(operation, "SELECT Id, Name FROM Group WHERE Type = 'Queue'")
            .await?
            .iter()
            .filter_map(|q| map::record_id(q, "Id"))
            .collect();
        let mut members: HashMap<String, Vec<CanonicalId>> = HashMap::new();
        if !queues.is_empty() {
            let list = queues
                .iter()
                .map(|q| literal(q))
                .collect::<Vec<_>>()
                .join(", ");
            let soql = format!(
                "SELECT Id, GroupId, UserOrGroupId FROM GroupMember WHERE GroupId IN ({list})"
            );
            for row in self.query_all(operation, &soql).await? {
                if let (Some(group), Some(user)) = (
                    map::record_id(&row, "GroupId"),
                    map::record_id(&row, "UserOrGroupId"),
                ) {
                    members.entry(user).or_default().push(CanonicalId::new(
                        PROVIDER,
                        ObjectKind::Group,
                        group,
                    ));
                }
            }
        }
        let agents = batch
            .records
            .into_iter()
            .filter_map(|raw| {
                let groups = map::record_id(&raw, "Id")
                    .and_then(|id| members.get(&id).cloned())
                    .unwrap_or_default();
                map::agent(raw, groups)
            })
            .filter(|agent| query.matches(agent))
            .collect();
        let next = batch
            .next
            .map(|next| Cursor::of(PROVIDER, &AgentState { next }));
        Ok(Page::new(agents, next))
    }

    async fn assign_ticket(&self, ticket: &CanonicalId, assignment: Assignment) -> Result<Ticket> {
        let operation = Operation::AssignTicket;
        let id = self.record_id(ticket, ObjectKind::Ticket, operation)?;
        // A case has one owner: a user or a queue.
        let owner = match (&assignment.agent, &assignment.group) {
            (Some(_), Some(_)) => {
                return Err(self.invalid(
                    operation,
                    "a case has one owner: assign it to an agent or to a queue, not both",
                ));
            }
            (Some(agent), None) => self.record_id(agent, ObjectKind::Party, operation)?,
            (None, Some(group)) => self.record_id(group, ObjectKind::Group, operation)?,
            (None, None) => {
                return Err(self.invalid(
                    operation,
                    "a case always has an owner: name an agent or a queue",
                ));
            }
        };
        let mut fields = Map::new();
        fields.insert("OwnerId".into(), json!(owner));
        self.patch_case(operation, &id, fields).await
    }

    async fn add_comment(&self, ticket: &CanonicalId, comment: NewComment) -> Result<CommentRef> {
        let operation = Operation::AddComment;
        let id = self.record_id(ticket, ObjectKind::Ticket, operation)?;
        self.capabilities
            .check_uploads(PROVIDER, operation, &comment.attachments)?;
        if comment.author.is_some() || !comment.cc.is_empty() {
            return Err(self.invalid(
                operation,
                "a case comment is written by the authenticated user, with no author or cc of \
                 its own",
            ));
        }
        if comment.body.text.len() > MAX_COMMENT_BYTES {
            return Err(self.invalid(
                operation,
                format!(
                    "a case comment holds at most {MAX_COMMENT_BYTES} bytes; this one has {}",
                    comment.body.text.len()
                ),
            ));
        }
        let mut fields = Map::new();
        fields.insert("ParentId".into(), json!(id));
        fields.insert("CommentBody".into(), json!(comment.body.text));
        fields.insert(
            "IsPublished".into(),
            json!(comment.visibility == Visibility::Public),
        );
        let saved = self
            .endpoint
            .runtime()
            .run_json(
                operation,
                None,
                self.api(operation)
                    .await?
                    .create_record()
                    .s_object("CaseComment")
                    .sforce_auto_assign(AUTO_ASSIGN)
                    .body(types::Record(fields))
                    .send(),
            )
            .await?;
        let unreadable = |this: &Self, what: &str| {
            support_core::kit::applied_but_unreadable(
                PROVIDER,
                operation,
                this.decode_error(operation, what.to_owned()),
            )
        };
        let Some(comment_id) = saved.get("id").and_then(Value::as_str).and_then(id18) else {
            return Err(unreadable(self, "the create answer has no record `id`"));
        };
        let soql = format!(
            "SELECT {} FROM CaseComment WHERE Id = {}",
            map::CASE_COMMENT_FIELDS,
            literal(&comment_id)
        );
        // A case comment holds no files: they are uploaded to the case, after the comment.
        self.upload_files(operation, &id, &comment.attachments)
            .await
            .map_err(|error| {
                support_core::kit::applied_but_unreadable(PROVIDER, operation, error)
            })?;
        let ticket_id = CanonicalId::new(PROVIDER, ObjectKind::Ticket, id);
        self.query(operation, &soql)
            .await?
            .records
            .into_iter()
            .next()
            .and_then(|raw| map::case_comment(&ticket_id, raw))
            .ok_or_else(|| unreadable(self, "the new case comment could not be read back"))
    }

    async fn list_comments(
        &self,
        ticket: &CanonicalId,
        query: CommentQuery,
    ) -> Result<Page<CommentRef>> {
        let operation = Operation::ListComments;
        let id = self.record_id(ticket, ObjectKind::Ticket, operation)?;
        let offset = match Cursor::state::<CommentOffset>(
            query.page.cursor.as_ref(),
            PROVIDER,
            operation,
        )? {
            Some(state) if state.ticket == id => state.offset,
            Some(_) => {
                return Err(self.invalid(operation, "this cursor belongs to another case"));
            }
            None => 0,
        };
        let ticket_id = CanonicalId::new(PROVIDER, ObjectKind::Ticket, id.clone());
        let comments = format!(
            "SELECT {} FROM CaseComment WHERE ParentId = {} ORDER BY CreatedDate ASC, Id ASC",
            map::CASE_COMMENT_FIELDS,
            literal(&id)
        );
        let emails = format!(
            "SELECT {} FROM EmailMessage WHERE ParentId = {} ORDER BY MessageDate ASC, Id ASC",
            map::EMAIL_FIELDS,
            literal(&id)
        );
        let mut all: Vec<CommentRef> = self
            .query_all(operation, &comments)
            .await?
            .into_iter()
            .filter_map(|raw| map::case_comment(&ticket_id, raw))
            .collect();
        let mut mails: Vec<CommentRef> = self
            .query_all(operation, &emails)
            .await?
            .into_iter()
            .filter_map(|raw| map::email(&ticket_id, raw))
            .collect();
        // Who sent incoming mail: the `EmailMessageRelation` of type FromAddress names the
        // contact (or user) the sender's address belongs to.
        let incoming: Vec<String> = mails
            .iter()
            .filter(|m| m.data.author.is_none())
            .map(|m| literal(m.id.external_id()))
            .collect();
        if !incoming.is_empty() {
            let soql = format!(
                "SELECT EmailMessageId, RelationId FROM EmailMessageRelation WHERE EmailMessageId \
                 IN ({}) AND RelationType = 'FromAddress'",
                incoming.join(", ")
            );
            let senders: HashMap<String, String> = self
                .query_all(operation, &soql)
                .await?
                .iter()
                .filter_map(|row| {
                    Some((
                        map::record_id(row, "EmailMessageId")?,
                        map::record_id(row, "RelationId")?,
                    ))
                })
                .collect();
            for mail in mails.iter_mut().filter(|m| m.data.author.is_none()) {
                if let Some(sender) = senders.get(mail.id.external_id()) {
                    mail.data.author = Some(CanonicalId::new(
                        PROVIDER,
                        ObjectKind::Party,
                        sender.clone(),
                    ));
                }
            }
        }
        // Files linked to the emails (content documents, legacy attachments); a case comment
        // holds none.
        let mail_ids: Vec<String> = mails
            .iter()
            .map(|m| m.id.external_id().to_owned())
            .collect();
        let mut files = self.files_of(operation, &mail_ids).await?;
        for mail in &mut mails {
            mail.data.attachments = files.remove(mail.id.external_id()).unwrap_or_default();
        }
        all.extend(mails);
        // One thread, oldest first (a stable sort keeps each object's own order on ties).
        all.sort_by_key(|c| c.data.created_at);
        let all: Vec<CommentRef> = all.into_iter().filter(|c| query.matches(&c.data)).collect();
        let limit = query.page.limit_or(100, 2000) as usize;
        Ok(Page::window(all, offset, limit, |end| {
            Cursor::of(
                PROVIDER,
                &CommentOffset {
                    ticket: id.clone(),
                    offset: end,
                },
            )
        }))
    }

    async fn list_tags(&self, query: TagQuery) -> Result<Page<TagRef>> {
        let operation = Operation::ListTags;
        let resumed = Cursor::state::<TagState>(query.page.cursor.as_ref(), PROVIDER, operation)?;
        let batch = match resumed {
            Some(state) => self.query_more(operation, &state.next).await?,
            None => {
                self.query(
                    operation,
                    "SELECT Id, Name FROM Topic ORDER BY Name ASC, Id ASC",
                )
                .await?
            }
        };
        let tags = batch.records.into_iter().filter_map(map::topic).collect();
        let next = batch
            .next
            .map(|next| Cursor::of(PROVIDER, &TagState { next }));
        Ok(Page::new(tags, next))
    }

    async fn create_tag(&self, tag: NewTag) -> Result<TagRef> {
        let operation = Operation::CreateTag;
        let name = tag.name.trim();
        if name.is_empty() {
            return Err(self.invalid(operation, "a topic needs a name"));
        }
        let mut fields = Map::new();
        fields.insert("Name".into(), json!(name));
        let saved = self
            .endpoint
            .runtime()
            .run_json(
                operation,
                None,
                self.api(operation)
                    .await?
                    .create_record()
                    .s_object("Topic")
                    .sforce_auto_assign(AUTO_ASSIGN)
                    .body(types::Record(fields))
                    .send(),
            )
            .await?;
        let id = saved.get("id").and_then(Value::as_str).and_then(id18);
        let raw = json!({"attributes": {"type": "Topic"}, "Id": id, "Name": name});
        map::topic(raw).ok_or_else(|| {
            support_core::kit::applied_but_unreadable(
                PROVIDER,
                operation,
                self.decode_error(operation, "the create answer has no record `id`"),
            )
        })
    }

    async fn get_knowledge_article(&self, article: &CanonicalId) -> Result<Document> {
        let operation = Operation::GetKnowledgeArticle;
        let id = self.record_id(article, ObjectKind::Document, operation)?;
        let soql = format!(
            "SELECT {} FROM Knowledge__kav WHERE Id = {}",
            self.article_fields(),
            literal(&id)
        );
        let article = self
            .query(operation, &soql)
            .await?
            .records
            .into_iter()
            .next()
            .and_then(|raw| map::article(raw, self.knowledge_body_field.as_deref()))
            .ok_or_else(|| {
                Error::new(ErrorKind::NotFound, PROVIDER)
                    .with_operation(operation)
                    .with_message(format!("no knowledge article version has the id {id}"))
            })?;
        let mut articles = self.with_categories(operation, vec![article]).await?;
        articles
            .pop()
            .ok_or_else(|| self.decode_error(operation, "the article was lost"))
    }

    async fn list_knowledge_articles(&self, query: ArticleQuery) -> Result<Page<Document>> {
        let operation = Operation::ListKnowledgeArticles;
        let resumed =
            Cursor::state::<ArticleState>(query.page.cursor.as_ref(), PROVIDER, operation)?;
        // The published versions, then the drafts: a query of article versions names one
        // publish status (Salesforce documents `PublishStatus='Draft'` queries for users who
        // may read drafts).
        let (drafts, batch) = match resumed {
            Some(ArticleState {
                next: Some(locator),
                drafts,
            }) => (drafts, self.query_more(operation, &locator).await?),
            Some(ArticleState { next: None, drafts }) => (
                drafts,
                self.query(operation, &self.article_soql(&query, drafts))
                    .await?,
            ),
            None => (
                false,
                self.query(operation, &self.article_soql(&query, false))
                    .await?,
            ),
        };
        let body = self.knowledge_body_field.as_deref();
        let articles = batch
            .records
            .into_iter()
            .filter_map(|raw| map::article(raw, body))
            .collect();
        let articles = self.with_categories(operation, articles).await?;
        let next = match batch.next {
            Some(locator) => Some(ArticleState {
                next: Some(locator),
                drafts,
            }),
            None if !drafts => Some(ArticleState {
                next: None,
                drafts: true,
            }),
            None => None,
        };
        // The data category filter is the adapter's: SOQL's `WITH DATA CATEGORY` needs the
        // category's group, which a category's unique name does not say.
        Ok(Page::new(
            articles.into_iter().filter(|a| query.matches(a)).collect(),
            next.map(|state| Cursor::of(PROVIDER, &state)),
        ))
    }

    async fn get_sla(&self, policy: &CanonicalId) -> Result<SlaPolicyRef> {
        let operation = Operation::GetSla;
        let id = self.record_id(policy, ObjectKind::SlaPolicy, operation)?;
        let soql = format!(
            "SELECT Id, Name, Description, IsActive, SobjectType FROM SlaProcess WHERE Id = {}",
            literal(&id)
        );
        self.query(operation, &soql)
            .await?
            .records
            .into_iter()
            .next()
            .and_then(map::sla_process)
            .ok_or_else(|| {
                Error::new(ErrorKind::NotFound, PROVIDER)
                    .with_operation(operation)
                    .with_message(format!("no entitlement process has the id {id}"))
            })
    }

    async fn download_attachment(&self, attachment: &Document) -> Result<Download> {
        let operation = Operation::DownloadAttachment;
        let id = self.record_id(&attachment.id, ObjectKind::Document, operation)?;
        // The key prefix says which object the file is: a content version (068) or a legacy
        // attachment (00P).
        let path = match &id[..3] {
            "068" => format!("ContentVersion/{id}/VersionData"),
            "00P" => format!("Attachment/{id}/Body"),
            _ => {
                return Err(self.invalid(
                    operation,
                    format!(
                        "`{id}` is neither a ContentVersion (068…) nor an Attachment (00P…): pass \
                         a file as the adapter listed it"
                    ),
                ));
            }
        };
        // The org's URL may come from the first token answer.
        self.api(operation).await?;
        let url = format!("{}/sobjects/{path}", self.api_root());
        self.endpoint.download(operation, &url).await
    }

    async fn list_satisfaction_ratings(
        &self,
        _query: SatisfactionQuery,
    ) -> Result<Page<SatisfactionRatingRef>> {
        self.unsupported(Operation::ListSatisfactionRatings)
    }
}
