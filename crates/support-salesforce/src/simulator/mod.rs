//! A stateful simulator of a Salesforce org's REST API (`/services/data/v64.0`: SOQL `query` with
//! `nextRecordsUrl` batches, sObject rows) on an `httpmock` server (loopback only), serving the
//! conformance suite's standard world in Salesforce's documented wire format and checking the
//! requests it receives. Written from Salesforce's documentation (REST API Developer Guide, SOQL
//! and SOSL Reference, Object Reference), not from the adapter.
//!
//! Built on the kit (`support_conformance::sim`): this module holds Salesforce's wire format only.
//!
//! - `POST /services/oauth2/token` (form body; refresh-token grant with [`REFRESH_TOKEN`],
//!   client-credentials grant; client id and secret in the form or HTTP Basic) issues access
//!   tokens valid on this server only, answers `instance_url` = this server and no
//!   `expires_in`; errors are 400 `{error, error_description}`. [`expire_access_tokens`] expires
//!   them; `SimState::expire_tokens_mid_listing` does so right after the next query batch with
//!   more to follow; [`issued_tokens`] counts issues (renewals).
//! - Every other request must carry `Authorization: Bearer` with [`TOKEN`] or an issued, live
//!   token; anything else is 401
//!   `[{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]`
//!   (`http.rs`). Errors are arrays of `{errorCode, message, fields}`; every answered request
//!   carries `Sforce-Limit-Info: api-usage=n/15000`; a throttling fault is 403
//!   `REQUEST_LIMIT_EXCEEDED` (no `Retry-After`: Salesforce sends none).
//! - `GET /services/data/v64.0/query?q=<SOQL>` evaluates the SOQL subset of `query.rs` over the
//!   org's rows (`store.rs`); a malformed query is 400 `MALFORMED_QUERY`, an unknown object 400
//!   `INVALID_TYPE`, an unknown field (selected, filtered or ordered) 400 `INVALID_FIELD`.
//!   Answers are `{totalSize, done, records, nextRecordsUrl?}` with at most
//!   `SimState::batch_size` records (2,000; set it smaller in tests); `nextRecordsUrl` is
//!   `/services/data/v64.0/query/<locator>-<offset>` and can be read again while its cursor
//!   lives (Salesforce keeps a locator's results for two days after the query), an unknown one
//!   is 400 `INVALID_QUERY_LOCATOR`.
//!   Relationship fields (`Owner.Name`) follow the `...Id` field and nest as objects; semi-joins
//!   (`Id IN (SELECT EntityId FROM TopicAssignment WHERE Topic.Name = '...')`) are evaluated;
//!   `Sforce-Query-Options: batchSize=n` is honoured within 200..=2,000. Nulls sort first in
//!   either direction unless `NULLS LAST`. `SimState::queries` records every query as sent.
//! - SLA: `SlaProcess` rows are the world's policies, each with an `Entitlement`; cases with
//!   clocks carry `EntitlementId` and two `CaseMilestone`s, of the `MilestoneType`s
//!   "First Response" and "Resolution" (`TargetDate`, `IsViolated`).
//! - Custom fields: `Case` has `Product__c`, `Legacy_Id__c` (text) and `Escalation_Count__c`
//!   (number), valued on the world's cases; `GET /sobjects/Case/describe` lists every field of
//!   `Case` with `custom`, `label`, `type`, `createable`, `updateable`.
//! - Files: the world's attachment is a legacy `Attachment` of its comment's `EmailMessage`
//!   (`ParentId`), its bytes at `GET /sobjects/Attachment/{id}/Body`; `POST
//!   /sobjects/ContentVersion` (JSON, `PathOnClient` required, `VersionData` base64) creates the
//!   version, its `ContentDocument` and, with `FirstPublishLocationId`, the `ContentDocumentLink`
//!   to that record; its bytes at `GET /sobjects/ContentVersion/{id}/VersionData`. A
//!   `ContentDocumentLink` query without a filter on `LinkedEntityId` or `ContentDocumentId` is
//!   400 `MALFORMED_QUERY`. Salesforce serves files from the instance itself, not another origin,
//!   so `sim::storage` does not apply.
//! - `GET /sobjects/{Object}/{id}` (`fields=` allowed) for every object of the contract;
//!   `GET /limits` (`DailyApiRequests`);
//!   `POST /sobjects/{Case|CaseComment|Topic|TopicAssignment|ContentVersion}` answers 201
//!   `{id, success, errors}`;
//!   `PATCH /sobjects/{Case|CaseComment|Topic}/{id}` answers 204; `DELETE` of a TopicAssignment 204.
//!   Ids in paths and bodies may be 15 characters; the simulator stores and answers 18.
//! - Writes of a case without `Sforce-Auto-Assign: FALSE` run the org's assignment rule, which
//!   gives the case to the first queue (the owner just set is lost), as an org with an active
//!   assignment rule does; `SimState::auto_assign` records the header of every case write.
//!
//! Stricter than Salesforce on purpose: unknown query parameters do not match a route (httpmock's
//! 404), and on `query` they are 400 `MALFORMED_QUERY`; `Status`, `Priority` and `Origin` are restricted picklists (400
//! `INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST`); references to missing records or an inactive user
//! are 400 `FIELD_INTEGRITY_EXCEPTION`; read-only fields in a body are 400
//! `INVALID_FIELD_FOR_INSERT_UPDATE`. Assumed where the documentation is silent: the org's
//! knowledge article body is the rich-text field `Body__c` of `Knowledge__kav`.
//!
//! Test infrastructure, not part of the adapter: compiled only with the crate's `simulator`
//! feature. The crate's tests reach it through a self dev-dependency (`use
//! support_salesforce::simulator;`), so it is compiled once for all of them; [`suites`] are the
//! conformance suites its `tests/conformance.rs` runs, and that an offline run elsewhere can run
//! in-process (`Suite::report`).

// Test infrastructure: a fixture or request the simulator cannot handle fails loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod http;
pub mod outbound;
mod query;
mod routes;
mod store;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};
use std::time::Duration;

use support_conformance::sim::{self, Credentials, FaultTarget, Route, Simulated, Wire};

use crate::SalesforcePort;
use routes::SOBJECTS;
use support_conformance::{IdScheme, Profile, SlaClocks, World};
use support_core::{Channel, Operation, Priority, SupportPort, TicketStatus};

pub use http::{
    API_VERSION, CLIENT_ID, CLIENT_SECRET, DAILY_LIMIT, DATA, REFRESH_TOKEN, Reply, Req,
    authorization,
};
pub use store::{MAX_BATCH, SimState, id18, sf_time};

/// Builds the adapter's port for a base URL and an API token.
pub type PortFactory = Arc<dyn Fn(&str, &str) -> Arc<dyn SupportPort> + Send + Sync>;

/// The API token the simulator accepts.
pub const TOKEN: &str = "sim-token";
/// The API token of the port with bad credentials.
pub const WRONG_TOKEN: &str = "wrong-token";

/// Salesforce ports against the simulator, with quick backoff and this per-attempt timeout (`None`
/// under a paused clock, which fires every timer while the runtime waits on a socket).
pub fn port_factory(request_timeout: Option<Duration>) -> PortFactory {
    Arc::new(move |base_url: &str, token: &str| {
        sim::built(
            SalesforcePort::builder()
                .instance_url(base_url)
                .access_token(token)
                .knowledge_body_field("Body__c")
                .request_timeout(request_timeout)
                .retry_policy(sim::quick_retries())
                .build(),
        )
    })
}

/// The standard world as a Salesforce org holds it (the contract's mapping decisions):
/// 18-character ids (`IdScheme::Salesforce18`); `CaseStatus` New -> New, Working -> Open,
/// Waiting on Customer -> Pending, On Hold -> OnHold, Closed -> Closed (closed by `IsClosed`), the
/// world's unknown status an org value of its own; priorities High, Medium (Normal), Low, and
/// optional; `Origin` Email, Web, Chat, Phone; tags are Topics with ids of their own; no
/// category, no availability, no idempotency keys; comments are CaseComments (agents) and
/// incoming EmailMessages (customers), whose author kinds are not compared; SLA policies are
/// entitlement processes without targets per priority (milestone minutes are not SlaProcess
/// fields); no SLA clocks; files on comments (the customer's email carries the world's file; a
/// case comment holds none, so a new comment's files are its case's); a case has one owner (a user or a queue); the only
/// throttling is the daily limit, which names no wait; an agent's role is its user profile;
/// knowledge categories are data categories, named by their unique names.
pub fn salesforce_world() -> World {
    World::standard(
        crate::PROVIDER,
        Profile {
            statuses: vec![
                TicketStatus::New,
                TicketStatus::Open,
                TicketStatus::Pending,
                TicketStatus::OnHold,
                TicketStatus::Closed,
            ],
            channels: vec![Channel::Email, Channel::Web, Channel::Chat, Channel::Phone],
            records_channel: true,
            priority_optional: true,
            priorities: vec![Priority::Low, Priority::Normal, Priority::High],
            priority_writable: true,
            ticket_tags: true,
            reports_availability: false,
            // A user's profile is its role: "System Administrator" and "Standard User" are
            // standard ones.
            agent_roles: Some(["System Administrator", "Standard User"]),
            honours_idempotency_keys: false,
            ids: IdScheme::Salesforce18,
            categories: Vec::new(),
            records_resolution: false,
            records_resolution_times: false,
            sla_clocks: SlaClocks::NONE,
            author_kinds: false,
            attachments: true,
            comment_scoped_attachment_ids: false,
            first_comment_opens: false,
            tag_ids: true,
            rating_ids: true,
            sla_targets_by_priority: false,
            one_owner: true,
            names_throttling_wait: false,
            sla_policy_targets: false,
            category_ids: false,
            article_drafts: true,
            article_details: true,
            ticket_scoped_attachment_ids: false,
            sla_business_hours: false,
            tickets_need_group: false,
            comment_files_on_ticket: true,
        },
    )
}

/// The `Host` of a base URL.
fn host_of(base_url: &str) -> String {
    base_url
        .trim_start_matches("http://")
        .trim_start_matches("https://")
        .split('/')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// Expires every access token `/services/oauth2/token` issued on the server at `base_url`: the
/// next request with one is 401 `INVALID_SESSION_ID`.
pub fn expire_access_tokens(base_url: &str) {
    http::expire(&host_of(base_url));
}

/// How many access tokens the server at `base_url` issued.
pub fn issued_tokens(base_url: &str) -> usize {
    http::issued_count(&host_of(base_url))
}

/// Salesforce's wire format for the kit.
#[derive(Debug)]
pub struct SalesforceWire;

/// The Salesforce simulator as the conformance suite's `Harness` and `Simulator`.
pub type SalesforceSimulator = Simulated<SalesforceWire>;

impl Wire for SalesforceWire {
    type State = SimState;
    type Factory = PortFactory;

    /// `Sforce-Limit-Info` on every answered request: the org's API usage, counted across the
    /// simulators of this test binary.
    fn answer_headers() -> Vec<(String, String)> {
        static USED: AtomicU64 = AtomicU64::new(0);
        let used = USED.fetch_add(1, AtomicOrdering::Relaxed) + 1;
        vec![(
            "sforce-limit-info".into(),
            format!("api-usage={used}/{DAILY_LIMIT}"),
        )]
    }

    /// Ids may be 15 characters (read as the 18-character id they abbreviate); a query locator
    /// path `/query/<locator>-<offset>` is matched by its locator.
    fn normalize_path(path: &str) -> String {
        path.split('/')
            .map(|segment| {
                if let Some((locator, offset)) = segment.split_once('-')
                    && path.starts_with("/services/data/v64.0/query/")
                    && !offset.is_empty()
                    && offset.bytes().all(|b| b.is_ascii_digit())
                {
                    return locator.to_owned();
                }
                if segment.len() == 15
                    && segment.bytes().all(|b| b.is_ascii_alphanumeric())
                    && segment.bytes().any(|b| b.is_ascii_digit())
                {
                    return id18(segment);
                }
                if segment.len() == 18
                    && segment.bytes().any(|b| b.is_ascii_digit())
                    && let Some(id) = store::restore_case(segment)
                {
                    return id;
                }
                segment.to_owned()
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    fn throttled(_wait: Duration) -> Option<Reply> {
        Some(http::throttled())
    }

    fn broken_pages(operation: Operation) -> Vec<String> {
        match operation {
            Operation::ListTickets => vec![
                r#"{"totalSize":9,"done":false,"records":[]}"#.into(),
                r#"{"totalSize":9,"done":true,"records":null}"#.into(),
            ],
            _ => Vec::new(),
        }
    }

    fn routes() -> &'static [Route<SimState>] {
        routes::ROUTES
    }

    fn authorized(req: &Req) -> bool {
        if req.path == routes::TOKEN_PATH {
            return true;
        }
        let Some(token) = req
            .header("authorization")
            .and_then(|v| support_core::http::authorization_param(v, "Bearer"))
        else {
            return false;
        };
        token == TOKEN || http::live(req.header("host").unwrap_or_default(), token)
    }

    fn unauthenticated() -> Reply {
        http::unauthenticated()
    }

    fn port(
        factory: &PortFactory,
        base_url: &str,
        credentials: Credentials,
    ) -> Arc<dyn SupportPort> {
        let token = match credentials {
            Credentials::Accepted => TOKEN,
            Credentials::Rejected => WRONG_TOKEN,
        };
        factory(base_url, token)
    }

    /// The endpoint each operation's scenario input hits. Every read of the contract is a SOQL
    /// query, so a read's fault hits the first query the operation sends (whichever object it
    /// reads), except a case listing's and a case read's, which hit the query of cases (not the
    /// org's case statuses or the cases' topics they also read); writes hit their sObject row.
    fn fault_target(world: &World, operation: Operation) -> FaultTarget {
        use FaultTarget::{Exact, Patterns, QueryHolding};
        let case = |id: &str| format!("{SOBJECTS}/Case/{id}");
        let query = || Exact("GET", routes::QUERY.to_owned());
        match operation {
            Operation::CreateTicket => Exact("POST", format!("{SOBJECTS}/Case")),
            Operation::UpdateTicket => Exact("PATCH", case(world.update().0)),
            Operation::CloseTicket => Exact("PATCH", case(world.close_target())),
            Operation::AssignTicket => Exact("PATCH", case(world.assignment().0)),
            Operation::AddComment => Exact("POST", format!("{SOBJECTS}/CaseComment")),
            Operation::CreateTag => Exact("POST", format!("{SOBJECTS}/Topic")),
            Operation::ListTickets => QueryHolding("GET", routes::QUERY, " FROM Case "),
            Operation::DownloadAttachment => Patterns(
                "GET",
                vec![
                    "/services/data/v64.0/sobjects/Attachment/{}/Body",
                    "/services/data/v64.0/sobjects/ContentVersion/{}/VersionData",
                ],
            ),
            Operation::GetTicket => QueryHolding("GET", routes::QUERY, " FROM Case WHERE Id = "),
            Operation::GetKnowledgeArticle => Patterns(
                "GET",
                vec![
                    routes::QUERY,
                    "/services/data/v64.0/sobjects/Knowledge__kav/{}",
                ],
            ),
            Operation::GetSla => Patterns(
                "GET",
                vec![routes::QUERY, "/services/data/v64.0/sobjects/SlaProcess/{}"],
            ),
            Operation::CheckConnection => Patterns("GET", vec![routes::QUERY, routes::LIMITS]),
            _ => query(),
        }
    }
}

/// The conformance suite: offline on this simulator serving [`salesforce_world`] (a fresh one per
/// scenario), live on the account [`crate::SalesforcePort::from_env`] reaches.
pub fn suite() -> support_conformance::Suite {
    support_conformance::Suite::new(crate::PROVIDER)
        // No request timeout: the suite runs on a paused clock, which fires every timer while the
        // runtime waits on a socket.
        .offline(|| SalesforceSimulator::start(salesforce_world(), port_factory(None)))
        .live(crate::SalesforcePort::from_env)
}

/// Every conformance row of this crate: [`suite`] alone.
pub fn suites() -> Vec<support_conformance::Suite> {
    vec![suite()]
}
