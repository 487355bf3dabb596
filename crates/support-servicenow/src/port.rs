//! [`ServiceNowPort`]: the `SupportPort` operations over a ServiceNow instance's Table API (cases
//! in `sn_customerservice_case`) and the CSM Case API (case activities). Kept thin: the keyset
//! walk lives in `listing.rs`, instance definitions in `lookups.rs`, request bodies in `bodies.rs`,
//! and the mapping to canonical objects in `map.rs`.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde_json::Value;
use support_core::kit::{Endpoint, answered_as_asked, applied_but_unreadable, json};
use support_core::{
    AgentQuery, ArticleQuery, Assignment, CanonicalId, Capabilities, CloseOptions, CommentQuery,
    CommentRef, ConnectionInfo, Cursor, Document, Download, Error, ErrorKind, Filter, NewComment,
    NewTag, NewTicket, ObjectKind, Operation, Page, Party, Requester, Result, SatisfactionQuery,
    SatisfactionRatingRef, SlaPolicyRef, SupportPort, TagQuery, TagRef, Ticket, TicketLookup,
    TicketQuery, TicketStatus, TicketUpdate, Visibility, async_trait,
};

use crate::bodies::{self, Columns};
use crate::builder::ServiceNowBuilder;
use crate::generated::Client;
use crate::generated::types::Record;
use crate::listing::{
    ArticleState, CommentOffset, DEFAULT_PAGE, MAX_PAGE, RatingState, TagState, TicketState,
    query_value,
};
use crate::lookups::Lookups;
use crate::{PROVIDER, map};

/// Every read asks for both the value and the label of each column.
pub(crate) const DISPLAY_ALL: &str = "all";
/// The case table.
pub(crate) const CASES: &str = "sn_customerservice_case";
/// The roles that make a user a CSM agent (B2B agent, B2C agent, manager).
pub(crate) const AGENT_ROLES: &str =
    "sn_customerservice_agent,sn_customerservice.consumer_agent,sn_customerservice_manager";
/// How many activity entries one activities request asks for.
const ACTIVITY_PAGE: u32 = 100;
/// The most activity pages read for one case.
const MAX_ACTIVITY_PAGES: usize = 500;
/// What a case closed without a comment is closed with (instances require close notes).
const DEFAULT_CLOSE_NOTES: &str = "Closed through the API.";

/// A ServiceNow instance's Customer Service Management behind the [`SupportPort`] interface.
///
/// Built with [`ServiceNowPort::builder`] or [`ServiceNowPort::from_env`].
/// [`ServiceNowPort::client`] gives the generated client for native operations beyond the port,
/// with the same credentials, retries and tracing.
pub struct ServiceNowPort {
    pub(crate) client: Client,
    pub(crate) endpoint: Endpoint,
    capabilities: Capabilities,
    pub(crate) lookups: Lookups,
    user_name: Option<String>,
}

impl fmt::Debug for ServiceNowPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceNowPort")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

/// What the adapter does, and how.
fn capabilities() -> Capabilities {
    Capabilities::new()
        .native(&Operation::ALL)
        .native(&[Operation::DownloadAttachment])
        .emulated(
            Operation::ListAgents,
            "users holding a CSM agent role (`sys_user_has_role`), deduplicated, with their \
             groups (`sys_user_grmember`)",
        )
        .emulated(
            Operation::ListComments,
            "the case activities' `comments` and `work_notes` entries, paged here",
        )
        .emulated(
            Operation::ListSatisfactionRatings,
            "survey instances triggered by cases (`asmt_assessment_instance`) with their answers \
             (`asmt_metric_result`)",
        )
        .native_filters(&[
            Filter::TicketStatus,
            Filter::TicketPriority,
            Filter::TicketAssignee,
            Filter::TicketUpdatedSince,
        ])
}

fn invalid(operation: Operation, message: impl Into<String>) -> Error {
    Error::invalid_input(PROVIDER, message).with_operation(operation)
}

/// The text of a comment body (journal fields are plain text).
fn plain(body: &support_core::Body) -> String {
    if body.text.trim().is_empty()
        && let Some(html) = &body.html
    {
        return support_core::model::html_to_text(html);
    }
    body.text.clone()
}

impl ServiceNowPort {
    /// Starts configuring a port.
    pub fn builder() -> ServiceNowBuilder {
        ServiceNowBuilder::default()
    }

    /// A port configured from `SUPPORT_SERVICENOW_*` variables (see [`ServiceNowBuilder::from_env`]).
    pub fn from_env() -> Result<Self> {
        ServiceNowBuilder::default().from_env()?.build()
    }

    pub(crate) fn new(endpoint: Endpoint, user_name: Option<String>) -> Self {
        Self {
            client: endpoint.client(Client::new_with_client),
            endpoint,
            capabilities: capabilities(),
            lookups: Lookups::new(),
            user_name,
        }
    }

    /// The generated client, for ServiceNow operations beyond the port.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The instance's base URL.
    pub fn base_url(&self) -> &str {
        self.endpoint.base_url()
    }

    /// A case's `sys_id`, checked.
    fn case_id(ticket: &CanonicalId, operation: Operation) -> Result<&str> {
        let id = ticket.native_id(PROVIDER, ObjectKind::Ticket, operation)?;
        if map::is_sys_id(id) {
            Ok(id)
        } else {
            Err(invalid(
                operation,
                format!("`{id}` is not a case sys_id (32 hexadecimal characters)"),
            ))
        }
    }

    /// A referenced record's `sys_id` (an agent, a group), checked.
    fn ref_id(id: &CanonicalId, kind: ObjectKind, operation: Operation) -> Result<&str> {
        let native = id.native_id(PROVIDER, kind, operation)?;
        if map::is_sys_id(native) {
            Ok(native)
        } else {
            Err(invalid(
                operation,
                format!("`{native}` is not a sys_id (32 hexadecimal characters)"),
            ))
        }
    }

    // ----- records -----

    /// `GET /api/now/table/{table}/{sys_id}`, the record itself.
    async fn get_record(&self, operation: Operation, table: &str, id: &str) -> Result<Value> {
        let call = self
            .client
            .get_record()
            .table_name(table)
            .sys_id(id)
            .sysparm_display_value(DISPLAY_ALL)
            .sysparm_exclude_reference_link(true);
        let answer = self
            .endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await?;
        Self::result(operation, table, answer)
    }

    /// The `result` of a single-record answer.
    fn result(operation: Operation, table: &str, mut answer: Value) -> Result<Value> {
        match answer.get_mut("result").map(Value::take) {
            Some(record @ Value::Object(_)) => Ok(record),
            _ => Err(json::misshapen(
                PROVIDER,
                operation,
                table,
                &answer,
                &"the answer holds no `result` record",
            )),
        }
    }

    /// `POST /api/now/table/{table}`: the record created. Never retried once sent.
    async fn create_record(
        &self,
        operation: Operation,
        table: &str,
        body: Record,
    ) -> Result<Value> {
        let call = self
            .client
            .create_record()
            .table_name(table)
            .sysparm_display_value(DISPLAY_ALL)
            .sysparm_exclude_reference_link(true)
            .body(body);
        let answer = self
            .endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await?;
        Self::result(operation, table, answer)
            .map_err(|e| applied_but_unreadable(PROVIDER, operation, e))
    }

    /// `PATCH /api/now/table/sn_customerservice_case/{sys_id}`: the case as the write left it.
    async fn patch_case(&self, operation: Operation, id: &str, body: Record) -> Result<Value> {
        let call = self
            .client
            .update_record()
            .table_name(CASES)
            .sys_id(id)
            .sysparm_display_value(DISPLAY_ALL)
            .sysparm_exclude_reference_link(true)
            .body(body);
        let answer = self
            .endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await?;
        Self::result(operation, CASES, answer)
            .map_err(|e| applied_but_unreadable(PROVIDER, operation, e))
    }

    // ----- cases -----

    /// Cases with their tags (`label_entry`) and SLA clocks (`task_sla`).
    async fn tickets(&self, operation: Operation, rows: Vec<Value>) -> Result<Vec<Ticket>> {
        let mut tickets = support_core::kit::map_each(rows, |row| map::ticket(operation, row))?;
        if tickets.is_empty() {
            return Ok(tickets);
        }
        let ids: Vec<String> = tickets
            .iter()
            .map(|t| t.id.external_id().to_owned())
            .collect();
        let entries = self
            .rows_in(
                operation,
                "label_entry",
                "table=sn_customerservice_case",
                "table_key",
                &ids,
            )
            .await?;
        let mut tags: HashMap<String, Vec<String>> = HashMap::new();
        for entry in &entries {
            if let (Some(case), Some(name)) =
                (map::value(entry, "table_key"), map::label(entry, "label"))
            {
                tags.entry(case).or_default().push(name);
            }
        }
        let clocks = self
            .rows_in(operation, "task_sla", "", "task", &ids)
            .await?;
        let targets = if clocks.is_empty() {
            None
        } else {
            Some(self.sla_targets(operation).await?)
        };
        for ticket in &mut tickets {
            let id = ticket.id.external_id().to_owned();
            ticket.tags = tags.remove(&id).unwrap_or_default();
            if let Some(targets) = &targets {
                let rows: Vec<(bool, &Value)> = clocks
                    .iter()
                    .filter(|row| map::value(row, "task").as_deref() == Some(id.as_str()))
                    .map(|row| {
                        let response = map::value(row, "sla")
                            .and_then(|sla| targets.get(&sla).copied())
                            .unwrap_or(false);
                        (response, row)
                    })
                    .collect();
                ticket.sla = map::ticket_sla(&rows);
            }
        }
        Ok(tickets)
    }

    /// One case by `sys_id`, with its tags and SLA.
    async fn read(&self, operation: Operation, id: &str) -> Result<Ticket> {
        let raw = self.get_record(operation, CASES, id).await?;
        let ticket = self
            .tickets(operation, vec![raw])
            .await?
            .pop()
            .ok_or_else(|| Error::new(ErrorKind::NotFound, PROVIDER).with_operation(operation))?;
        answered_as_asked(PROVIDER, "ServiceNow", operation, id, &ticket.id)?;
        Ok(ticket)
    }

    /// The case a write answered with, completed with its tags and SLA (a write applied whose
    /// result cannot be read is `OutcomeUnknown`).
    async fn after_write(&self, operation: Operation, raw: Value) -> Result<Ticket> {
        self.tickets(operation, vec![raw])
            .await
            .and_then(|mut t| {
                t.pop().ok_or_else(|| {
                    Error::new(ErrorKind::Decode, PROVIDER).with_operation(operation)
                })
            })
            .map_err(|e| applied_but_unreadable(PROVIDER, operation, e))
    }

    /// The encoded query of a case listing's native filters; `None` when no case can match.
    async fn ticket_filter(&self, query: &TicketQuery) -> Result<Option<String>> {
        let operation = Operation::ListTickets;
        let mut parts = Vec::new();
        if !query.statuses.is_empty() {
            let choices = self.state_choices(operation).await?;
            let mut values: Vec<String> = choices
                .iter()
                .filter(|c| {
                    let canonical = map::status_of(&c.value)
                        .unwrap_or_else(|| TicketStatus::Other(c.label.clone()));
                    query.statuses.contains(&canonical)
                })
                .map(|c| c.value.clone())
                .collect();
            for status in &query.statuses {
                if let Some(value) = crate::lookups::state_value(&choices, status)
                    && map::status_of(&value).is_none_or(|s| &s == status)
                    && !values.contains(&value)
                {
                    values.push(value);
                }
            }
            if values.is_empty() {
                return Ok(None);
            }
            parts.push(format!("stateIN{}", values.join(",")));
        }
        if !query.priorities.is_empty() {
            let mut values: Vec<&str> = Vec::new();
            for priority in &query.priorities {
                match priority {
                    support_core::Priority::Low => values.extend(["4", "5"]),
                    other => values.extend(map::priority_value(other)),
                }
            }
            if values.is_empty() {
                return Ok(None);
            }
            parts.push(format!("priorityIN{}", values.join(",")));
        }
        if let Some(agent) = &query.assignee {
            parts.push(format!(
                "assigned_to={}",
                Self::ref_id(agent, ObjectKind::Party, operation)?
            ));
        }
        if let Some(since) = query.updated_since {
            parts.push(format!("sys_updated_on>={}", map::format_time(since)));
        }
        Ok(Some(parts.join("^")))
    }

    // ----- tags -----

    /// The `label` record named `name` (tag names are case-insensitive), created when missing.
    async fn label_id(&self, operation: Operation, name: &str) -> Result<String> {
        let name = query_value(operation, "tag", name.trim())?;
        let found = self
            .all_rows(operation, "label", &format!("name={name}"))
            .await?;
        if let Some(id) = found
            .iter()
            .find(|l| map::value(l, "name").is_some_and(|n| n.eq_ignore_ascii_case(&name)))
            .and_then(|l| map::value(l, "sys_id"))
        {
            return Ok(id);
        }
        let created = self
            .create_record(operation, "label", bodies::label(&name))
            .await?;
        map::value(&created, "sys_id").ok_or_else(|| {
            applied_but_unreadable(
                PROVIDER,
                operation,
                json::misshapen(PROVIDER, operation, "tag", &created, &"no `sys_id`"),
            )
        })
    }

    /// Makes a case carry exactly `tags` (or adds `tags` when `replace` is false).
    async fn retag(
        &self,
        operation: Operation,
        id: &str,
        tags: &[String],
        replace: bool,
    ) -> Result<()> {
        let entries = self
            .all_rows(
                operation,
                "label_entry",
                &format!("table=sn_customerservice_case^table_key={id}"),
            )
            .await?;
        let on: Vec<(String, String)> = entries
            .iter()
            .filter_map(|e| Some((map::value(e, "sys_id")?, map::label(e, "label")?)))
            .collect();
        for tag in tags {
            if on.iter().any(|(_, name)| name.eq_ignore_ascii_case(tag)) {
                continue;
            }
            let label = self.label_id(operation, tag).await?;
            self.create_record(operation, "label_entry", bodies::label_entry(&label, id))
                .await?;
        }
        if replace {
            for (entry, name) in &on {
                if tags.iter().any(|t| t.eq_ignore_ascii_case(name)) {
                    continue;
                }
                let call = self
                    .client
                    .delete_record()
                    .table_name("label_entry")
                    .sys_id(entry.as_str());
                self.endpoint
                    .runtime()
                    .run_json(operation, None, call.send())
                    .await?;
            }
        }
        Ok(())
    }

    // ----- comments -----

    /// Every journal entry (comments and work notes) and attachment of a case, oldest first.
    async fn activities(&self, operation: Operation, id: &str) -> Result<Vec<Value>> {
        let mut all = Vec::new();
        for page in 0..MAX_ACTIVITY_PAGES {
            let offset = i64::try_from(page)
                .unwrap_or(i64::MAX)
                .saturating_mul(i64::from(ACTIVITY_PAGE));
            let call = self
                .client
                .get_case_activities()
                .id(id)
                .sysparm_activity_type("comments,work_notes,attachment")
                .sysparm_limit(i64::from(ACTIVITY_PAGE))
                .sysparm_offset(offset);
            let answer = self
                .endpoint
                .runtime()
                .run_json(operation, None, call.send())
                .await?;
            let Some(entries) = answer
                .get("result")
                .and_then(|r| r.get("entries"))
                .and_then(Value::as_array)
            else {
                return Err(json::misshapen(
                    PROVIDER,
                    operation,
                    "case activities",
                    &answer,
                    &"the answer holds no `result.entries` list",
                ));
            };
            let full = entries.len() >= ACTIVITY_PAGE as usize;
            all.extend(entries.iter().cloned());
            if !full {
                return Ok(all);
            }
        }
        Ok(all)
    }

    /// The comments among activity entries, oldest first. ServiceNow attaches files to the case,
    /// not to a journal entry: an `attachment` entry written by the same user in the same second
    /// as a comment is that comment's file (an entry naming its file inline is read too).
    fn comments(&self, ticket: &CanonicalId, entries: &[Value]) -> Vec<CommentRef> {
        let mut comments: Vec<CommentRef> = Vec::new();
        for entry in entries {
            let file = entry
                .get("attachment")
                .and_then(|a| map::attachment(self.base_url(), a));
            if json::text(entry, "element").as_deref() == Some("attachment") {
                let (Some(file), Some(user), Some(at)) = (
                    file,
                    json::text(entry, "user_sys_id"),
                    json::text(entry, "sys_created_on"),
                ) else {
                    continue;
                };
                let owner = comments.iter_mut().rev().find(|c| {
                    json::text(c.raw.value(), "user_sys_id").as_deref() == Some(user.as_str())
                        && json::text(c.raw.value(), "sys_created_on").as_deref()
                            == Some(at.as_str())
                });
                if let Some(owner) = owner
                    && !owner.data.attachments.iter().any(|d| d.id == file.id)
                {
                    owner.data.attachments.push(file);
                }
                continue;
            }
            if let Some(comment) = map::comment(ticket, entry, file.into_iter().collect()) {
                comments.push(comment);
            }
        }
        comments
    }

    /// The user behind the credentials, when they are a user name.
    async fn me(&self, operation: Operation) -> Result<Option<Party>> {
        let Some(user) = &self.user_name else {
            // A bearer token does not say whose it is: any read proves it.
            let call = self
                .client
                .list_records()
                .table_name("sys_user")
                .sysparm_limit(1)
                .sysparm_fields("sys_id");
            self.endpoint
                .runtime()
                .run_json(operation, None, call.send())
                .await?;
            return Ok(None);
        };
        let user = query_value(operation, "user name", user)?;
        let call = self
            .client
            .list_records()
            .table_name("sys_user")
            .sysparm_query(format!("user_name={user}"))
            .sysparm_display_value(DISPLAY_ALL)
            .sysparm_exclude_reference_link(true)
            .sysparm_limit(1);
        let answer = self
            .endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await?;
        let Some(rows) = answer.get("result").and_then(Value::as_array) else {
            return Err(json::misshapen(
                PROVIDER,
                operation,
                "user list",
                &answer,
                &"the answer holds no `result` list",
            ));
        };
        match rows.first() {
            Some(row) => Ok(Some(map::agent(operation, row.clone(), Vec::new(), None)?)),
            None => Ok(None),
        }
    }
}

#[async_trait]
impl SupportPort for ServiceNowPort {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    async fn check_connection(&self) -> Result<ConnectionInfo> {
        let operation = Operation::CheckConnection;
        let host = self.endpoint.host();
        let user = self
            .me(operation)
            .await
            .map_err(|error| match error.kind() {
                ErrorKind::Unauthenticated | ErrorKind::PermissionDenied => {
                    error.with_message(format!(
                        "{host} rejected the credentials: check {} and {}, or {} (the instance \
                     answered, so it is right)",
                        crate::ENV_USERNAME,
                        crate::ENV_PASSWORD,
                        crate::ENV_TOKEN
                    ))
                }
                ErrorKind::NotFound | ErrorKind::Decode => error.with_message(format!(
                    "{host} is not a ServiceNow instance's Table API: check {} or {} (the \
                 credentials were not tried)",
                    crate::ENV_INSTANCE,
                    crate::ENV_BASE_URL
                )),
                ErrorKind::Transport | ErrorKind::Timeout => {
                    let detail = error.message().unwrap_or_default().to_owned();
                    error.with_message(format!(
                        "could not reach {host}: check {} or {} ({detail})",
                        crate::ENV_INSTANCE,
                        crate::ENV_BASE_URL
                    ))
                }
                _ => error,
            })?;
        Ok(map::connection_info(&host, user))
    }

    async fn list_tickets(&self, query: TicketQuery) -> Result<Page<Ticket>> {
        let operation = Operation::ListTickets;
        let limit = query.page.limit_or(DEFAULT_PAGE, MAX_PAGE);
        let keyset = support_core::Cursor::state::<TicketState>(
            query.page.cursor.as_ref(),
            PROVIDER,
            operation,
        )?
        .map(|s| s.0)
        .unwrap_or_default();
        let Some(filter) = self.ticket_filter(&query).await? else {
            return Ok(Page::last(Vec::new()));
        };
        let (rows, next) = self
            .keyset_page(operation, CASES, &filter, &keyset, limit)
            .await?;
        let tickets = self.tickets(operation, rows).await?;
        Ok(Page::new(
            tickets.into_iter().filter(|t| query.matches(t)).collect(),
            next.map(|k| Cursor::of(PROVIDER, &TicketState(k))),
        ))
    }

    async fn get_ticket(&self, ticket: &TicketLookup) -> Result<Ticket> {
        let operation = Operation::GetTicket;
        let reference = match ticket {
            TicketLookup::Id(id) => {
                let id = Self::case_id(id, operation)?;
                return self.read(operation, id).await;
            }
            TicketLookup::External(reference) => {
                query_value(operation, "case reference", reference.trim())?
            }
        };
        let mut filter = format!("number={reference}^ORcorrelation_id={reference}");
        if map::is_sys_id(&reference) {
            filter = format!("sys_id={reference}^OR{filter}");
        }
        let call = self
            .client
            .list_records()
            .table_name(CASES)
            .sysparm_query(filter)
            .sysparm_display_value(DISPLAY_ALL)
            .sysparm_exclude_reference_link(true)
            .sysparm_limit(2);
        let answer = self
            .endpoint
            .runtime()
            .run_json(operation, None, call.send())
            .await?;
        let Some(rows) = answer.get("result").and_then(Value::as_array) else {
            return Err(json::misshapen(
                PROVIDER,
                operation,
                "case list",
                &answer,
                &"the answer holds no `result` list",
            ));
        };
        let ids: HashSet<String> = rows
            .iter()
            .filter_map(|r| map::value(r, "sys_id"))
            .collect();
        match rows.as_slice() {
            [] => Err(Error::new(ErrorKind::NotFound, PROVIDER)
                .with_operation(operation)
                .with_message(format!(
                    "no case has the number or correlation id `{reference}`"
                ))),
            [row] => {
                let mut tickets = self.tickets(operation, vec![row.clone()]).await?;
                tickets.pop().ok_or_else(|| {
                    Error::new(ErrorKind::NotFound, PROVIDER).with_operation(operation)
                })
            }
            _ if ids.len() > 1 => Err(Error::new(ErrorKind::Conflict, PROVIDER)
                .with_operation(operation)
                .with_message(format!(
                    "`{reference}` names several cases (a number and another case's correlation \
                     id); look the case up by its sys_id"
                ))),
            [row, ..] => {
                let mut tickets = self.tickets(operation, vec![row.clone()]).await?;
                tickets.pop().ok_or_else(|| {
                    Error::new(ErrorKind::NotFound, PROVIDER).with_operation(operation)
                })
            }
        }
    }

    async fn create_ticket(&self, ticket: NewTicket) -> Result<Ticket> {
        let operation = Operation::CreateTicket;
        if !ticket.attachments.is_empty() {
            return Err(invalid(
                operation,
                "the adapter does not upload files to cases yet; create the case without them",
            ));
        }
        if ticket.subject.trim().is_empty() {
            return Err(invalid(
                operation,
                "a case needs a short description (subject)",
            ));
        }
        let mut columns = Columns::new();
        columns.custom(&ticket.custom_fields);
        columns
            .set("short_description", ticket.subject.trim())
            .set_some(
                "description",
                Some(plain(&ticket.description)).filter(|d| !d.is_empty()),
            )
            .set_some("correlation_id", ticket.external_ref.clone());
        if let Some(priority) = &ticket.priority {
            let value = map::priority_value(priority).ok_or_else(|| {
                invalid(operation, format!("`{priority}` is not a case priority"))
            })?;
            columns.set("priority", value);
        }
        if let Some(status) = &ticket.status {
            columns.set("state", self.state_for(operation, status).await?);
        }
        match &ticket.requester {
            Some(Requester::Id(contact)) => {
                columns.set(
                    "contact",
                    Self::ref_id(contact, ObjectKind::Party, operation)?,
                );
            }
            Some(Requester::Email { email, .. }) => {
                let email = query_value(operation, "e-mail", email.trim())?;
                let found = self
                    .all_rows(operation, "sys_user", &format!("email={email}"))
                    .await?;
                let contact = found.first().and_then(|u| map::value(u, "sys_id")).ok_or_else(|| {
                    invalid(
                        operation,
                        format!(
                            "no user has the e-mail `{email}`: create the contact first and pass its id"
                        ),
                    )
                })?;
                columns.set("contact", contact);
            }
            None => {}
        }
        if let Some(agent) = &ticket.assignee {
            columns.set(
                "assigned_to",
                Self::ref_id(agent, ObjectKind::Party, operation)?,
            );
        }
        if let Some(group) = &ticket.group {
            columns.set(
                "assignment_group",
                Self::ref_id(group, ObjectKind::Group, operation)?,
            );
        }
        let created = self
            .create_record(operation, CASES, columns.record())
            .await?;
        if !ticket.tags.is_empty() {
            let id = map::value(&created, "sys_id").unwrap_or_default();
            self.retag(operation, &id, &ticket.tags, false)
                .await
                .map_err(|e| applied_but_unreadable(PROVIDER, operation, e))?;
        }
        self.after_write(operation, created).await
    }

    async fn update_ticket(&self, ticket: &CanonicalId, update: TicketUpdate) -> Result<Ticket> {
        let operation = Operation::UpdateTicket;
        let id = Self::case_id(ticket, operation)?;
        let mut columns = Columns::new();
        columns.custom(&update.custom_fields);
        if let Some(subject) = &update.subject {
            if subject.trim().is_empty() {
                return Err(invalid(
                    operation,
                    "a case needs a short description (subject)",
                ));
            }
            columns.set("short_description", subject.trim());
        }
        if let Some(priority) = &update.priority {
            let value = map::priority_value(priority).ok_or_else(|| {
                invalid(operation, format!("`{priority}` is not a case priority"))
            })?;
            columns.set("priority", value);
        }
        if let Some(status) = &update.status {
            columns.set("state", self.state_for(operation, status).await?);
            if status.is_done() && !columns.has("close_notes") {
                columns.set("close_notes", DEFAULT_CLOSE_NOTES);
            }
        }
        let answer = if columns.is_empty() {
            None
        } else {
            Some(self.patch_case(operation, id, columns.record()).await?)
        };
        if let Some(tags) = &update.tags {
            self.retag(operation, id, tags, true).await.map_err(|e| {
                if answer.is_some() {
                    applied_but_unreadable(PROVIDER, operation, e)
                } else {
                    e
                }
            })?;
        }
        match answer {
            Some(raw) if update.tags.is_none() => self.after_write(operation, raw).await,
            _ => self
                .read(operation, id)
                .await
                .map_err(|e| applied_but_unreadable(PROVIDER, operation, e)),
        }
    }

    async fn close_ticket(&self, ticket: &CanonicalId, options: CloseOptions) -> Result<Ticket> {
        let operation = Operation::CloseTicket;
        let id = Self::case_id(ticket, operation)?;
        let mut columns = Columns::new();
        columns.set(
            "state",
            self.state_for(operation, &TicketStatus::Closed).await?,
        );
        let notes = match &options.comment {
            Some(comment) => {
                if !comment.attachments.is_empty() {
                    return Err(invalid(operation, "the closing comment cannot carry files"));
                }
                let text = plain(&comment.body);
                let field = match comment.visibility {
                    Visibility::Internal => "work_notes",
                    _ => "comments",
                };
                if !text.trim().is_empty() {
                    columns.set(field, text.clone());
                }
                Some(text).filter(|t| !t.trim().is_empty())
            }
            None => None,
        };
        columns.set(
            "close_notes",
            notes.unwrap_or_else(|| DEFAULT_CLOSE_NOTES.to_owned()),
        );
        let raw = self.patch_case(operation, id, columns.record()).await?;
        self.after_write(operation, raw).await
    }

    async fn list_agents(&self, query: AgentQuery) -> Result<Page<Party>> {
        let operation = Operation::ListAgents;
        let holdings = self
            .all_rows(
                operation,
                "sys_user_has_role",
                &format!("role.nameIN{AGENT_ROLES},admin"),
            )
            .await?;
        // Every role each user holds (one row per user and role, inherited rows included).
        let mut held: HashMap<String, Vec<String>> = HashMap::new();
        let mut order: Vec<String> = Vec::new();
        for holding in &holdings {
            let (Some(user), Some(role)) =
                (map::value(holding, "user"), map::label(holding, "role"))
            else {
                continue;
            };
            if !held.contains_key(&user) {
                order.push(user.clone());
            }
            held.entry(user).or_default().push(role);
        }
        let roles: HashMap<String, String> = held
            .into_iter()
            .filter_map(|(user, roles)| Some((user, map::agent_role(&roles)?)))
            .collect();
        let users: Vec<String> = order
            .into_iter()
            .filter(|u| roles.contains_key(u))
            .collect();
        if users.is_empty() {
            return Ok(Page::last(Vec::new()));
        }
        let records = self
            .rows_in(operation, "sys_user", "", "sys_id", &users)
            .await?;
        let memberships = self
            .rows_in(operation, "sys_user_grmember", "", "user", &users)
            .await?;
        let mut groups: HashMap<String, Vec<String>> = HashMap::new();
        for member in &memberships {
            if let (Some(user), Some(group)) =
                (map::value(member, "user"), map::value(member, "group"))
            {
                groups.entry(user).or_default().push(group);
            }
        }
        let mut agents = Vec::with_capacity(records.len());
        for record in records {
            let id = map::value(&record, "sys_id").unwrap_or_default();
            let role = roles.get(&id).cloned();
            let agent = map::agent(
                operation,
                record,
                groups.remove(&id).unwrap_or_default(),
                role,
            )?;
            if query.matches(&agent) {
                agents.push(agent);
            }
        }
        Ok(Page::last(agents))
    }

    async fn assign_ticket(&self, ticket: &CanonicalId, assignment: Assignment) -> Result<Ticket> {
        let operation = Operation::AssignTicket;
        let id = Self::case_id(ticket, operation)?;
        let (agent, group) = assignment.native_ids(PROVIDER, operation)?;
        let mut columns = Columns::new();
        for (column, value) in [("assigned_to", agent), ("assignment_group", group)] {
            if let Some(value) = value {
                if !map::is_sys_id(value) {
                    return Err(invalid(operation, format!("`{value}` is not a sys_id")));
                }
                columns.set(column, value);
            }
        }
        let raw = self.patch_case(operation, id, columns.record()).await?;
        self.after_write(operation, raw).await
    }

    async fn add_comment(&self, ticket: &CanonicalId, comment: NewComment) -> Result<CommentRef> {
        let operation = Operation::AddComment;
        let id = Self::case_id(ticket, operation)?;
        if !comment.attachments.is_empty() {
            return Err(invalid(
                operation,
                "the adapter does not attach files to comments yet",
            ));
        }
        if !comment.cc.is_empty() {
            return Err(invalid(operation, "case comments take no copies (cc)"));
        }
        if comment.author.is_some() {
            return Err(invalid(
                operation,
                "a journal entry is always written by the integration user; send it without an author",
            ));
        }
        let text = plain(&comment.body);
        if text.trim().is_empty() {
            return Err(invalid(operation, "a comment needs a body"));
        }
        let field = match comment.visibility {
            Visibility::Internal => "work_notes",
            _ => "comments",
        };
        let mut columns = Columns::new();
        columns.set(field, text.clone());
        self.patch_case(operation, id, columns.record()).await?;
        let entries = self
            .activities(operation, id)
            .await
            .map_err(|e| applied_but_unreadable(PROVIDER, operation, e))?;
        self.comments(ticket, &entries)
            .into_iter()
            .rev()
            .find(|c| {
                c.data.visibility == comment.visibility && c.data.body.text.trim() == text.trim()
            })
            .ok_or_else(|| {
                applied_but_unreadable(
                    PROVIDER,
                    operation,
                    Error::new(ErrorKind::Decode, PROVIDER)
                        .with_operation(operation)
                        .with_message("the case's activities do not show the new entry"),
                )
            })
    }

    async fn list_comments(
        &self,
        ticket: &CanonicalId,
        query: CommentQuery,
    ) -> Result<Page<CommentRef>> {
        let operation = Operation::ListComments;
        let id = Self::case_id(ticket, operation)?;
        let limit = query.page.limit_or(DEFAULT_PAGE, MAX_PAGE) as usize;
        let offset = match Cursor::state::<CommentOffset>(
            query.page.cursor.as_ref(),
            PROVIDER,
            operation,
        )? {
            Some(state) if state.ticket == id => state.offset,
            Some(_) => {
                return Err(invalid(
                    operation,
                    "this cursor belongs to another case's comments; start again without a cursor",
                ));
            }
            None => 0,
        };
        let entries = self.activities(operation, id).await?;
        let all: Vec<CommentRef> = self
            .comments(ticket, &entries)
            .into_iter()
            .filter(|c| query.matches(&c.data))
            .collect();
        Ok(Page::window(all, offset, limit, |end| {
            Cursor::of(
                PROVIDER,
                &CommentOffset {
                    ticket: id.to_owned(),
                    offset: end,
                },
            )
        }))
    }

    async fn list_tags(&self, query: TagQuery) -> Result<Page<TagRef>> {
        let operation = Operation::ListTags;
        let limit = query.page.limit_or(DEFAULT_PAGE, MAX_PAGE);
        let keyset = Cursor::state::<TagState>(query.page.cursor.as_ref(), PROVIDER, operation)?
            .map(|s| s.0)
            .unwrap_or_default();
        let (rows, next) = self
            .keyset_page(operation, "label", "active=true", &keyset, limit)
            .await?;
        let tags = support_core::kit::map_each(rows, |row| map::tag(operation, row))?;
        Ok(Page::new(
            tags,
            next.map(|k| Cursor::of(PROVIDER, &TagState(k))),
        ))
    }

    async fn create_tag(&self, tag: NewTag) -> Result<TagRef> {
        let operation = Operation::CreateTag;
        let name = query_value(operation, "tag", tag.name.trim())?;
        let raw = self
            .create_record(operation, "label", bodies::label(&name))
            .await?;
        map::tag(operation, raw).map_err(|e| applied_but_unreadable(PROVIDER, operation, e))
    }

    async fn get_knowledge_article(&self, article: &CanonicalId) -> Result<Document> {
        let operation = Operation::GetKnowledgeArticle;
        let id = Self::ref_id(article, ObjectKind::Document, operation)?;
        let raw = self.get_record(operation, "kb_knowledge", id).await?;
        let document = map::article(operation, raw)?;
        answered_as_asked(PROVIDER, "ServiceNow", operation, id, &document.id)?;
        Ok(document)
    }

    async fn list_knowledge_articles(&self, query: ArticleQuery) -> Result<Page<Document>> {
        let operation = Operation::ListKnowledgeArticles;
        let limit = query.page.limit_or(DEFAULT_PAGE, MAX_PAGE);
        let keyset =
            Cursor::state::<ArticleState>(query.page.cursor.as_ref(), PROVIDER, operation)?
                .map(|s| s.0)
                .unwrap_or_default();
        let mut filter = Vec::new();
        if let Some(category) = &query.category {
            filter.push(format!(
                "kb_category={}",
                Self::ref_id(category, ObjectKind::Category, operation)?
            ));
        }
        let (rows, next) = self
            .keyset_page(operation, "kb_knowledge", &filter.join("^"), &keyset, limit)
            .await?;
        let articles = support_core::kit::map_each(rows, |row| map::article(operation, row))?;
        Ok(Page::new(
            articles.into_iter().filter(|a| query.matches(a)).collect(),
            next.map(|k| Cursor::of(PROVIDER, &ArticleState(k))),
        ))
    }

    async fn get_sla(&self, policy: &CanonicalId) -> Result<SlaPolicyRef> {
        let operation = Operation::GetSla;
        let id = Self::ref_id(policy, ObjectKind::SlaPolicy, operation)?;
        let raw = self.get_record(operation, "contract_sla", id).await?;
        let found = map::sla_policy(operation, raw)?;
        answered_as_asked(PROVIDER, "ServiceNow", operation, id, &found.id)?;
        Ok(found)
    }

    async fn download_attachment(&self, attachment: &Document) -> Result<Download> {
        let operation = Operation::DownloadAttachment;
        let id = Self::ref_id(&attachment.id, ObjectKind::Document, operation)?;
        let url = format!("{}/api/now/attachment/{id}/file", self.base_url());
        self.endpoint.download(operation, &url).await
    }

    async fn list_satisfaction_ratings(
        &self,
        query: SatisfactionQuery,
    ) -> Result<Page<SatisfactionRatingRef>> {
        let operation = Operation::ListSatisfactionRatings;
        let limit = query.page.limit_or(DEFAULT_PAGE, MAX_PAGE);
        let keyset = Cursor::state::<RatingState>(query.page.cursor.as_ref(), PROVIDER, operation)?
            .map(|s| s.0)
            .unwrap_or_default();
        let mut filter = vec![format!("trigger_table={CASES}")];
        if let Some(ticket) = &query.ticket {
            filter.push(format!("trigger_id={}", Self::case_id(ticket, operation)?));
        }
        if let Some(since) = query.since {
            filter.push(format!("sys_created_on>={}", map::format_time(since)));
        }
        if let Some(until) = query.until {
            filter.push(format!("sys_created_on<{}", map::format_time(until)));
        }
        let (rows, next) = self
            .keyset_page(
                operation,
                "asmt_assessment_instance",
                &filter.join("^"),
                &keyset,
                limit,
            )
            .await?;
        let ids: Vec<String> = rows
            .iter()
            .filter_map(|r| map::value(r, "sys_id"))
            .collect();
        let answers = if ids.is_empty() {
            Vec::new()
        } else {
            self.rows_in(operation, "asmt_metric_result", "", "instance", &ids)
                .await?
        };
        let mut ratings = Vec::new();
        for row in rows {
            let id = map::value(&row, "sys_id").unwrap_or_default();
            let mine: Vec<&Value> = answers
                .iter()
                .filter(|a| map::value(a, "instance").as_deref() == Some(id.as_str()))
                .collect();
            if let Some(rating) = map::rating(operation, row, &mine)?
                && query.matches(&rating.data)
            {
                ratings.push(rating);
            }
        }
        Ok(Page::new(
            ratings,
            next.map(|k| Cursor::of(PROVIDER, &RatingState(k))),
        ))
    }
}
