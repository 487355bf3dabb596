//! The HubSpot account the simulator serves: the fixture world as HubSpot CRM records (tickets
//! with string properties, owners, the Support pipeline, notes associated to tickets, feedback
//! submissions, knowledge articles in site search), and the log of answered requests.

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};
use support_conformance::World;
use support_conformance::sim::{self, RecordedRequest, WriteClock, storage};

use super::files::SimFile;
use support_core::{Channel, Priority, TicketStatus, Visibility};

/// The id of the account's only ticket pipeline (HubSpot's default Support pipeline).
pub const PIPELINE: &str = "0";

/// The stages of the Support pipeline: id, label, display order, `metadata.ticketState`
/// (`None`: a stage without one, as documented possible for ticket pipelines).
pub const STAGES: &[(&str, &str, i64, Option<&str>)] = &[
    ("1", "New", 0, Some("OPEN")),
    ("2", "Waiting on contact", 1, Some("OPEN")),
    ("3", "Waiting on us", 2, Some("OPEN")),
    ("4", "Closed", 3, Some("CLOSED")),
    ("5", support_conformance::world::UNKNOWN_STATUS, 4, None),
];

/// The ticket properties the account defines (others are `PROPERTY_DOESNT_EXIST`).
pub const TICKET_PROPERTIES: &[&str] = &[
    "subject",
    "content",
    "hs_pipeline",
    "hs_pipeline_stage",
    "hs_ticket_priority",
    "hubspot_owner_id",
    "hubspot_team_id",
    "hs_ticket_category",
    "source_type",
    "createdate",
    "hs_lastmodifieddate",
    "closed_date",
    "hs_object_id",
    "hs_time_to_first_response_sla_at",
    "hs_time_to_first_response_sla_status",
    "hs_time_to_close_sla_at",
    "hs_time_to_close_sla_status",
    // The account's own properties (CUSTOM_PROPERTIES).
    "order_number",
    "vip_customer",
    "product_line",
    "affected_regions",
    "renewal_date",
    "days_to_renewal",
];

/// A custom property: name, label, `type`, `fieldType`, option values, calculated.
pub type CustomProperty = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    bool,
);

/// The account's own ticket properties (`hubspotDefined` absent): name, label, `type`,
/// `fieldType`, option values, and whether it is calculated (read-only).
pub const CUSTOM_PROPERTIES: &[CustomProperty] = &[
    (
        "order_number",
        "Order number",
        "number",
        "number",
        &[],
        false,
    ),
    (
        "vip_customer",
        "VIP customer",
        "bool",
        "booleancheckbox",
        &["true", "false"],
        false,
    ),
    (
        "product_line",
        "Product line",
        "enumeration",
        "select",
        &["hardware", "software", "services"],
        false,
    ),
    (
        "affected_regions",
        "Affected regions",
        "enumeration",
        "checkbox",
        &["emea", "amer", "apac"],
        false,
    ),
    ("renewal_date", "Renewal date", "date", "date", &[], false),
    (
        "days_to_renewal",
        "Days to renewal",
        "number",
        "calculation_equation",
        &[],
        true,
    ),
];

/// The custom property values of the world's ticket at position `n`.
pub fn custom_values(n: usize) -> Vec<(&'static str, Option<String>)> {
    vec![
        ("order_number", Some((5_000 + n).to_string())),
        ("vip_customer", Some(n.is_multiple_of(3).to_string())),
        (
            "product_line",
            Some(["hardware", "software", "services"][n % 3].to_owned()),
        ),
        (
            "affected_regions",
            n.is_multiple_of(2).then(|| "emea;apac".to_owned()),
        ),
        (
            "renewal_date",
            (n % 4 == 1).then(|| "2027-06-30".to_owned()),
        ),
        ("days_to_renewal", (n % 4 == 1).then(|| "211".to_owned())),
    ]
}

/// Properties set by HubSpot only.
pub const READ_ONLY: &[&str] = &[
    "createdate",
    "hs_lastmodifieddate",
    "closed_date",
    "hs_object_id",
    "hs_time_to_first_response_sla_at",
    "hs_time_to_first_response_sla_status",
    "hs_time_to_close_sla_at",
    "hs_time_to_close_sla_status",
    "days_to_renewal",
];

/// The hard cap of results one search query reaches (`after` + `limit` past it is a 400).
pub const SEARCH_CAP: usize = 10_000;

/// HubSpot's timestamp spelling: ISO 8601 UTC with milliseconds.
pub fn hs_time(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The stage id of a canonical status.
pub fn stage_of(status: &TicketStatus) -> &'static str {
    match status {
        TicketStatus::New => "1",
        TicketStatus::Pending => "2",
        TicketStatus::Closed => "4",
        TicketStatus::Other(_) => "5",
        _ => "3",
    }
}

/// `hs_ticket_priority` of a canonical priority.
pub fn priority_of(priority: &Priority) -> &'static str {
    match priority {
        Priority::Low => "LOW",
        Priority::High => "HIGH",
        Priority::Urgent => "URGENT",
        _ => "MEDIUM",
    }
}

/// `source_type` of a canonical channel.
pub fn source_of(channel: &Channel) -> &'static str {
    match channel {
        Channel::Email => "EMAIL",
        Channel::Chat => "CHAT",
        Channel::Phone => "PHONE",
        _ => "FORM",
    }
}

/// One CRM object: its id, string properties, times and the objects associated to it.
#[derive(Clone, Debug)]
pub struct CrmObject {
    /// The numeric string id.
    pub id: String,
    /// Every property the object has a value for.
    pub properties: BTreeMap<String, String>,
    /// `createdAt`.
    pub created: DateTime<Utc>,
    /// `updatedAt`.
    pub updated: DateTime<Utc>,
}

impl CrmObject {
    /// The object as the CRM API returns it, with the properties asked for (plus `hs_object_id`,
    /// `createdate` and `hs_lastmodifieddate`, which HubSpot always returns); properties asked for
    /// that the object has no value for come back as `null`.
    pub fn render(&self, asked: &[String]) -> Value {
        let mut properties = serde_json::Map::new();
        properties.insert("hs_object_id".into(), json!(self.id));
        properties.insert("createdate".into(), json!(hs_time(&self.created)));
        properties.insert("hs_lastmodifieddate".into(), json!(hs_time(&self.updated)));
        for name in asked {
            if properties.contains_key(name) {
                continue;
            }
            properties.insert(name.clone(), json!(self.properties.get(name)));
        }
        json!({
            "id": self.id,
            "properties": properties,
            "createdAt": hs_time(&self.created),
            "updatedAt": hs_time(&self.updated),
            "archived": false,
        })
    }
}

/// The account's records.
#[derive(Debug)]
pub struct SimState {
    log: Vec<RecordedRequest>,
    /// The world it was seeded from.
    pub world: World,
    /// Tickets by id, in id order.
    pub tickets: BTreeMap<u128, CrmObject>,
    /// Notes by id.
    pub notes: BTreeMap<u128, CrmObject>,
    /// Note ids associated to each ticket id (association type 228).
    pub ticket_notes: BTreeMap<String, Vec<String>>,
    /// Feedback submissions by id.
    pub feedback: BTreeMap<u128, CrmObject>,
    /// The next id a create gives.
    pub next_id: u128,
    /// The time writes stamp.
    pub clock: WriteClock,
    /// Answer every request with the daily-limit 429 (`policyName: DAILY`).
    pub daily_limit_spent: bool,
    /// Search requests answered (the search endpoints have their own limit).
    pub searches: usize,
    /// The next this many searches get the search endpoints' own per-second 429.
    pub search_throttled: usize,
    /// Each ticket's requester: the contact associated to it.
    pub requesters: BTreeMap<String, String>,
    /// Each feedback submission's associated ticket and contact.
    pub feedback_links: BTreeMap<String, (String, String)>,
    /// Contacts created through `POST /crm/v3/objects/contacts`: id, e-mail address, properties.
    pub new_contacts: Vec<(String, String, BTreeMap<String, String>)>,
    /// Tags created through the object-tags API.
    pub new_tags: Vec<String>,
    /// Messages of each ticket's inbox thread (keyed by thread id), oldest first.
    pub messages: BTreeMap<String, Vec<Value>>,
    /// The next id a note or a message gets (one sequence, as the world numbers comments).
    pub next_comment_id: u128,
    /// The file manager's files by id.
    pub files: BTreeMap<String, SimFile>,
    /// The next id an upload gets.
    pub next_file_id: u128,
    /// This account's prefix on the kit's signed file storage.
    pub storage_prefix: String,
}

impl SimState {
    /// Adds a ticket with these properties, created (and last modified) at `at`; returns its id.
    pub fn add_ticket(
        &mut self,
        properties: BTreeMap<String, String>,
        at: DateTime<Utc>,
    ) -> String {
        let id = self.next_id;
        self.next_id += 1;
        let object = CrmObject {
            id: id.to_string(),
            properties,
            created: at,
            updated: at,
        };
        self.tickets.insert(id, object);
        id.to_string()
    }

    /// The stage of `id`, if the pipeline has it.
    pub fn stage(
        id: &str,
    ) -> Option<&'static (&'static str, &'static str, i64, Option<&'static str>)> {
        STAGES.iter().find(|s| s.0 == id)
    }

    /// The ticket `id`, if it exists.
    pub fn ticket(&self, id: &str) -> Option<&CrmObject> {
        id.parse::<u128>().ok().and_then(|n| self.tickets.get(&n))
    }

    /// The ticket `id`, mutably.
    pub fn ticket_mut(&mut self, id: &str) -> Option<&mut CrmObject> {
        id.parse::<u128>()
            .ok()
            .and_then(|n| self.tickets.get_mut(&n))
    }

    /// The inbox thread of ticket `id` (every ticket came in through the help desk inbox).
    pub fn thread_of(&self, ticket: &str) -> Option<String> {
        self.ticket(ticket)?;
        thread_id(ticket)
    }

    /// The ticket whose thread `thread` is.
    pub fn ticket_of_thread(&self, thread: &str) -> Option<String> {
        self.tickets
            .values()
            .find(|t| thread_id(&t.id).as_deref() == Some(thread))
            .map(|t| t.id.clone())
    }

    /// The actor id of an owner (`A-{userId}`) or of a contact (`V-{contactId}`).
    pub fn actor_of(&self, person: &str) -> String {
        match self.world.agents.iter().position(|a| a.id == person) {
            Some(n) => format!("A-{}", 9_000_000 + n),
            None => format!("V-{person}"),
        }
    }

    /// The id of the contact with e-mail address `email` (case-insensitive), world or created.
    pub fn contact_by_email(&self, email: &str) -> Option<String> {
        self.world
            .customers
            .iter()
            .find(|c| c.email.eq_ignore_ascii_case(email))
            .map(|c| c.id.clone())
            .or_else(|| {
                self.new_contacts
                    .iter()
                    .find(|c| c.1.eq_ignore_ascii_case(email))
                    .map(|c| c.0.clone())
            })
    }

    /// Whether an owner of this id exists.
    pub fn owner_exists(&self, id: &str) -> bool {
        self.world.agents.iter().any(|a| a.id == id)
    }
}

fn props(pairs: &[(&str, Option<String>)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .filter_map(|(k, v)| v.clone().map(|v| ((*k).to_owned(), v)))
        .collect()
}

impl sim::Account for SimState {
    fn seed(world: World, _base_url: &str) -> Self {
        let mut tickets = BTreeMap::new();
        let mut max_id = 0u128;
        for (n, t) in world.tickets.iter().enumerate() {
            let closed = matches!(t.status, TicketStatus::Closed).then(|| hs_time(&t.updated_at));
            let (frt, ttc) = match &t.sla {
                Some(sla) => (
                    Some(hs_time(&sla.first_response_due)),
                    Some(hs_time(&sla.resolution_due)),
                ),
                None => (None, None),
            };
            let mut properties = props(&[
                ("subject", Some(t.subject.clone())),
                ("content", Some(t.description.clone())),
                ("hs_pipeline", Some(PIPELINE.to_owned())),
                ("hs_pipeline_stage", Some(stage_of(&t.status).to_owned())),
                (
                    "hs_ticket_priority",
                    t.priority.as_ref().map(|p| priority_of(p).to_owned()),
                ),
                ("hubspot_owner_id", t.assignee.clone()),
                ("hubspot_team_id", t.group.clone()),
                ("source_type", Some(source_of(&t.channel).to_owned())),
                ("closed_date", closed),
                ("hs_time_to_first_response_sla_at", frt),
                ("hs_time_to_close_sla_at", ttc),
            ]);
            properties.extend(props(&custom_values(n)));
            let id: u128 = t.id.parse().unwrap_or_default();
            max_id = max_id.max(id);
            tickets.insert(
                id,
                CrmObject {
                    id: t.id.clone(),
                    properties,
                    created: t.created_at,
                    updated: t.updated_at,
                },
            );
        }
        let storage_prefix = storage::new_prefix("hs");
        let mut files = BTreeMap::new();
        for c in &world.comments {
            for a in &c.attachments {
                files.insert(
                    a.id.clone(),
                    SimFile::store(
                        &storage_prefix,
                        &a.id,
                        &a.file_name,
                        &a.content_type,
                        a.content.clone(),
                        "PRIVATE",
                        c.created_at,
                    ),
                );
            }
        }
        let file_ids = |c: &support_conformance::world::CommentFx| -> Vec<String> {
            c.attachments.iter().map(|a| a.id.clone()).collect()
        };
        let mut notes = BTreeMap::new();
        let mut ticket_notes: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut messages: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        let agents: Vec<String> = world.agents.iter().map(|a| a.id.clone()).collect();
        for c in world
            .comments
            .iter()
            .filter(|c| c.visibility == Visibility::Public)
        {
            let Some(thread) = thread_id(&c.ticket) else {
                continue;
            };
            let (actor, direction) = match agents.iter().position(|a| *a == c.author) {
                Some(n) => (format!("A-{}", 9_000_000 + n), "OUTGOING"),
                None => (format!("V-{}", c.author), "INCOMING"),
            };
            let mut m = message(&c.id, &actor, direction, &c.body, &c.html, &c.created_at);
            m["attachments"] = json!(
                file_ids(c)
                    .iter()
                    .filter_map(|id| files.get(id))
                    .map(SimFile::as_message_attachment)
                    .collect::<Vec<_>>()
            );
            messages.entry(thread).or_default().push(m);
        }
        for c in world
            .comments
            .iter()
            .filter(|c| c.visibility == Visibility::Internal)
        {
            let id: u128 = c.id.parse().unwrap_or_default();
            max_id = max_id.max(id);
            notes.insert(
                id,
                CrmObject {
                    id: c.id.clone(),
                    properties: props(&[
                        ("hs_note_body", Some(c.html.clone())),
                        ("hs_timestamp", Some(hs_time(&c.created_at))),
                        ("hubspot_owner_id", Some(c.author.clone())),
                        (
                            "hs_attachment_ids",
                            Some(file_ids(c).join(";")).filter(|ids| !ids.is_empty()),
                        ),
                    ]),
                    created: c.created_at,
                    updated: c.created_at,
                },
            );
            ticket_notes
                .entry(c.ticket.clone())
                .or_default()
                .push(c.id.clone());
        }
        let mut feedback = BTreeMap::new();
        for r in &world.ratings {
            let id: u128 = r.id.parse().unwrap_or_default();
            max_id = max_id.max(id);
            feedback.insert(
                id,
                CrmObject {
                    id: r.id.clone(),
                    properties: props(&[
                        ("hs_survey_type", Some("CSAT".into())),
                        ("hs_value", Some(if r.good { "5" } else { "1" }.into())),
                        ("hs_content", r.comment.clone()),
                        ("hs_survey_channel", Some("EMAIL".into())),
                        ("hs_submission_timestamp", Some(hs_time(&r.created_at))),
                    ]),
                    created: r.created_at,
                    updated: r.created_at,
                },
            );
        }
        let requesters = world
            .tickets
            .iter()
            .map(|t| (t.id.clone(), t.requester.clone()))
            .collect();
        let feedback_links = world
            .ratings
            .iter()
            .map(|r| (r.id.clone(), (r.ticket.clone(), r.requester.clone())))
            .collect();
        let next_comment_id = world
            .created_comment_ids()
            .0
            .parse::<u128>()
            .unwrap_or(max_id + 2_000);
        let next_id = world
            .created_ticket_id()
            .parse::<u128>()
            .unwrap_or(max_id + 1_000);
        let clock = WriteClock::new(&world);
        Self {
            log: Vec::new(),
            world,
            tickets,
            notes,
            ticket_notes,
            feedback,
            next_id,
            clock,
            daily_limit_spent: false,
            searches: 0,
            search_throttled: 0,
            requesters,
            new_tags: Vec::new(),
            new_contacts: Vec::new(),
            messages,
            next_comment_id,
            feedback_links,
            files,
            next_file_id: max_id + 50_000,
            storage_prefix,
        }
    }

    fn log(&mut self) -> &mut Vec<RecordedRequest> {
        &mut self.log
    }
}

/// The inbox thread id of a ticket: its own number moved past every world id.
pub fn thread_id(ticket: &str) -> Option<String> {
    let n: u128 = ticket.parse().ok()?;
    Some((n + 7_000).to_string())
}

/// The channel of the account's help desk email inbox (`originalChannelId`).
pub const CHANNEL_ID: &str = "1002";
/// The channel account of that inbox (`originalChannelAccountId`).
pub const CHANNEL_ACCOUNT_ID: &str = "71530";

/// One inbox message as `GET .../threads/{id}/messages` returns it.
pub fn message(
    id: &str,
    actor: &str,
    direction: &str,
    text: &str,
    html: &str,
    at: &DateTime<Utc>,
) -> Value {
    json!({
        "id": id,
        "type": "MESSAGE",
        "createdAt": hs_time(at),
        "createdBy": actor,
        "client": {"clientType": "HUBSPOT"},
        "senders": [{"actorId": actor, "deliveryIdentifier": null}],
        "recipients": [],
        "archived": false,
        "text": text,
        "richText": html,
        "attachments": [],
        "truncationStatus": "NOT_TRUNCATED",
        "status": {"statusType": "SENT"},
        "direction": direction,
        "channelId": CHANNEL_ID,
        "channelAccountId": CHANNEL_ACCOUNT_ID,
    })
}
