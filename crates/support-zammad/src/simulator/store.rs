//! The Zammad instance the simulator serves: the fixture world in Zammad's own records (the
//! JSON each endpoint renders, `attributes_with_association_ids`), the knobs and hooks of tests,
//! and the log of answered requests.
//!
//! Seeded records (ids are the world's numbers, so its canonical ids are Zammad's ids):
//! - roles 1 `Admin`, 2 `Agent` (holds `ticket.agent`), 3 `Customer` (`db/seeds/roles.rb`);
//! - user 1 (`-`, the system user, owner of unassigned tickets), the world's agents (the
//!   administrator holds `Admin` and `Agent`, the others `Agent`; `group_ids` `{"201": ["full"]}`,
//!   `out_of_office` true for an agent who is away) and customers (`Customer`; `organization_id`);
//! - groups 201, 202; organisation 501;
//! - the seeded ticket states 1..7 with their `state_type_id`, plus 8 `escalated` (a custom state
//!   of type 7 `removed`, for the world's unknown status); priorities `1 low`, `2 normal`,
//!   `3 high`, and `4 urgent` (admin-made);
//! - tickets 101..113 (`number` = 31000 + id; a ticket always has a priority; unassigned tickets
//!   are owned by user 1), their articles (world comments, with the world's file on the first),
//!   tags (`tag_list` items 5001.. in the world's order, then new ones);
//! - knowledge base 1 (locale 1, `en-us`), categories 701, 702 (translations 7701, 7702), answers
//!   801..805 (translations 8801.., contents 9801..; drafts have neither `published_at` nor
//!   `internal_at`);
//! - calendar 1 (business hours) and SLA 901, first response in 60 business minutes.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value, json};
use support_conformance::sim::{self, RecordedRequest, WriteClock, setup_time};
use support_conformance::{IdScheme, World};
use support_core::{Availability, Channel, Priority, TicketStatus, Visibility};

use super::query::{FieldValue, Query};

/// A timestamp as Zammad writes them: ISO 8601 UTC with milliseconds.
pub fn ts(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// The `number` of the ticket with this id.
pub fn ticket_number(id: u64) -> String {
    (31_000 + id).to_string()
}

/// The system user (`-`): owner of unassigned tickets, never listed by user search.
pub const SYSTEM_USER: u64 = 1;
/// The knowledge base.
pub const KNOWLEDGE_BASE: u64 = 1;
/// Its one locale.
pub const KB_LOCALE: u64 = 1;
/// The state `closeTicket` should pick: the first active state of type `closed`.
pub const CLOSED_STATE: u64 = 4;

/// Seeded ticket states: id, name, `state_type_id`, `next_state_id`, active.
pub const STATES: &[(u64, &str, u64, Option<u64>, bool)] = &[
    (1, "new", 1, None, true),
    (2, "open", 2, None, true),
    (3, "pending reminder", 3, None, true),
    (4, "closed", 5, None, true),
    (5, "merged", 6, None, true),
    (6, "removed", 7, None, false),
    (7, "pending close", 4, Some(4), true),
    (8, "escalated", 7, None, true),
];

/// Priorities: id, name.
pub const PRIORITIES: &[(u64, &str)] = &[
    (1, "1 low"),
    (2, "2 normal"),
    (3, "3 high"),
    (4, "4 urgent"),
];

/// Roles: id, name, permissions.
pub const ROLES: &[(u64, &str, &[&str])] = &[
    (
        1,
        "Admin",
        &[
            "admin",
            "user_preferences",
            "report",
            "knowledge_base.editor",
        ],
    ),
    (
        2,
        "Agent",
        &[
            "ticket.agent",
            "chat.agent",
            "cti.agent",
            "knowledge_base.reader",
        ],
    ),
    (3, "Customer", &["ticket.customer", "user_preferences"]),
];

/// Article types: id, name (`db/seeds/ticket_article_types.rb`, the ones the world uses).
pub const ARTICLE_TYPES: &[(u64, &str)] = &[
    (1, "email"),
    (2, "sms"),
    (3, "chat"),
    (5, "phone"),
    (10, "note"),
    (11, "web"),
];

/// Article senders: id, name.
pub const SENDERS: &[(u64, &str)] = &[(1, "Agent"), (2, "Customer"), (3, "System")];

/// Runs once, after the listing page it waits for (see [`SimState::after_ticket_page`]).
pub struct PageHook {
    /// After this many ticket pages (`GET /tickets` or `/tickets/search`) were answered.
    pub after: usize,
    /// What it does.
    pub run: Box<dyn FnOnce(&mut SimState) + Send>,
}

impl fmt::Debug for PageHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageHook")
            .field("after", &self.after)
            .finish_non_exhaustive()
    }
}

/// A stored file: its article, name, type and bytes.
#[derive(Clone, Debug)]
pub struct StoredFile {
    /// The article carrying it.
    pub article: u64,
    /// The file name.
    pub filename: String,
    /// Its content type.
    pub content_type: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// The instance's records and the knobs of tests.
#[derive(Debug, Default)]
pub struct SimState {
    /// The server's root URL.
    pub base_url: String,
    /// Users by id (agents, customers, the system user).
    pub users: BTreeMap<u64, Value>,
    /// Groups by id.
    pub groups: BTreeMap<u64, Value>,
    /// Organisations by id.
    pub organizations: BTreeMap<u64, Value>,
    /// Tickets by id (their JSON as `GET /tickets/{id}` renders it).
    pub tickets: BTreeMap<u64, Value>,
    /// Articles by id, with `attachments`.
    pub articles: BTreeMap<u64, Value>,
    /// Stored files by id.
    pub files: BTreeMap<u64, StoredFile>,
    /// Tag items: id and name.
    pub tag_items: Vec<(u64, String)>,
    /// Tags of each ticket, in the order added.
    pub ticket_tags: BTreeMap<u64, Vec<String>>,
    /// Knowledge-base categories, their translations, answers, answer translations, contents.
    pub kb_categories: BTreeMap<u64, Value>,
    /// Category translations.
    pub kb_category_translations: BTreeMap<u64, Value>,
    /// Answers.
    pub kb_answers: BTreeMap<u64, Value>,
    /// Answer translations.
    pub kb_answer_translations: BTreeMap<u64, Value>,
    /// Answer translation contents.
    pub kb_contents: BTreeMap<u64, Value>,
    /// SLAs by id.
    pub slas: BTreeMap<u64, Value>,
    /// Calendars by id.
    pub calendars: BTreeMap<u64, Value>,
    /// The user the credentials act as.
    pub me: u64,
    /// The time of writes.
    pub clock: Option<WriteClock>,
    /// Next ticket, article, file and tag item ids.
    pub next_ticket: u64,
    /// Next article id.
    pub next_article: u64,
    /// Next stored file id.
    pub next_file: u64,
    /// Next tag item id.
    pub next_tag: u64,
    /// Tickets the search index does not hold (yet): `/tickets/search` does not find them,
    /// `GET /tickets` does.
    pub unindexed: HashSet<u64>,
    /// Search terms on fields no ticket has, in the order seen.
    pub ignored_terms: Vec<String>,
    /// Ticket listing pages answered so far (`GET /tickets` and `/tickets/search`).
    pub ticket_pages: usize,
    /// Hooks run between ticket listing pages.
    pub hooks: Vec<PageHook>,
    log: Vec<RecordedRequest>,
}

fn id_of(text: &str) -> u64 {
    text.parse().unwrap_or_default()
}

fn state_of(status: &TicketStatus) -> u64 {
    match status {
        TicketStatus::New => 1,
        TicketStatus::Open => 2,
        TicketStatus::Pending => 3,
        TicketStatus::Closed => 4,
        _ => 8,
    }
}

fn priority_of(priority: &Priority) -> u64 {
    match priority {
        Priority::Low => 1,
        Priority::High => 3,
        Priority::Urgent => 4,
        _ => 2,
    }
}

fn article_type_of(channel: &Channel) -> u64 {
    match channel {
        Channel::Phone => 5,
        Channel::Web => 11,
        Channel::Chat => 3,
        _ => 1,
    }
}

/// The name of an article type id.
pub fn article_type_name(id: u64) -> &'static str {
    ARTICLE_TYPES
        .iter()
        .find(|(i, _)| *i == id)
        .map_or("note", |(_, n)| n)
}

/// The name of a sender id.
pub fn sender_name(id: u64) -> &'static str {
    SENDERS
        .iter()
        .find(|(i, _)| *i == id)
        .map_or("Agent", |(_, n)| n)
}

impl SimState {
    /// A number field of a record.
    pub fn num(record: &Value, field: &str) -> u64 {
        record
            .get(field)
            .and_then(Value::as_u64)
            .unwrap_or_default()
    }

    /// The time of the next write.
    pub fn tick(&mut self) -> String {
        match self.clock.as_mut() {
            Some(clock) => ts(&clock.tick()),
            None => ts(&setup_time()),
        }
    }

    /// When tickets are created.
    pub fn creation_time(&self) -> String {
        ts(&self
            .clock
            .as_ref()
            .map_or_else(setup_time, WriteClock::creation_time))
    }

    /// Adds the writers' logins next to their ids, as `attributes_with_association_names` does.
    pub fn name_writers(&self, article: &mut Value) {
        for (id, name) in [
            ("created_by_id", "created_by"),
            ("updated_by_id", "updated_by"),
        ] {
            let login = self
                .users
                .get(&Self::num(article, id))
                .and_then(|u| u["login"].as_str())
                .unwrap_or("-")
                .to_owned();
            article[name] = json!(login);
        }
    }

    /// Whether a user holds a permission through one of its roles.
    pub fn has_permission(&self, user: &Value, permission: &str) -> bool {
        let roles = user.get("role_ids").and_then(Value::as_array);
        roles.into_iter().flatten().any(|r| {
            ROLES.iter().any(|(id, _, perms)| {
                Some(*id) == r.as_u64()
                    && perms
                        .iter()
                        .any(|p| *p == permission || permission.starts_with(&format!("{p}.")))
            })
        })
    }

    /// The tags of a ticket.
    pub fn tags_of(&self, ticket: u64) -> Vec<String> {
        self.ticket_tags.get(&ticket).cloned().unwrap_or_default()
    }

    /// Adds a tag to a ticket, creating the tag item if needed; false when it was there.
    pub fn add_tag(&mut self, ticket: u64, name: &str) -> bool {
        self.tag_item(name);
        let tags = self.ticket_tags.entry(ticket).or_default();
        if tags.iter().any(|t| t == name) {
            return false;
        }
        tags.push(name.to_owned());
        true
    }

    /// The id of the tag item `name`, created if needed.
    pub fn tag_item(&mut self, name: &str) -> u64 {
        if let Some((id, _)) = self.tag_items.iter().find(|(_, n)| n == name) {
            return *id;
        }
        let id = self.next_tag;
        self.next_tag += 1;
        self.tag_items.push((id, name.to_owned()));
        id
    }

    /// How many tickets carry the tag.
    pub fn tag_count(&self, name: &str) -> usize {
        self.ticket_tags
            .values()
            .filter(|tags| tags.iter().any(|t| t == name))
            .count()
    }

    /// The values of a search field on a ticket (`None`: Zammad's index has no such field).
    pub fn field(&self, ticket: &Value, field: &str) -> Option<Vec<FieldValue>> {
        let id = Self::num(ticket, "id");
        let num = |name: &str| {
            Some(
                ticket
                    .get(name)
                    .and_then(Value::as_i64)
                    .map(FieldValue::Num)
                    .into_iter()
                    .collect(),
            )
        };
        let time = |name: &str| {
            Some(
                ticket
                    .get(name)
                    .and_then(Value::as_str)
                    .and_then(super::query::time)
                    .map(FieldValue::Time)
                    .into_iter()
                    .collect(),
            )
        };
        let text = |s: Option<&str>| {
            Some(
                s.map(|s| FieldValue::Text(s.to_owned()))
                    .into_iter()
                    .collect(),
            )
        };
        match field {
            "id" | "state_id" | "priority_id" | "owner_id" | "group_id" | "customer_id"
            | "organization_id" | "created_by_id" | "updated_by_id" | "article_count" => num(field),
            "number" => text(ticket.get("number").and_then(Value::as_str)),
            "title" => text(ticket.get("title").and_then(Value::as_str)),
            "created_at"
            | "updated_at"
            | "close_at"
            | "pending_time"
            | "escalation_at"
            | "first_response_escalation_at"
            | "close_escalation_at"
            | "last_contact_at" => time(field),
            "tags" => Some(self.tags_of(id).into_iter().map(FieldValue::Text).collect()),
            // Since Zammad 4.0 associations are indexed as whole objects: `state.name`,
            // `priority.name`, `owner.email`; a bare `state:` matches nothing.
            "state.id" => num("state_id"),
            "state.name" => {
                let state = Self::num(ticket, "state_id");
                text(STATES.iter().find(|s| s.0 == state).map(|s| s.1))
            }
            "state.state_type_id" => {
                let state = Self::num(ticket, "state_id");
                Some(
                    STATES
                        .iter()
                        .find(|s| s.0 == state)
                        .map(|s| FieldValue::Num(s.2 as i64))
                        .into_iter()
                        .collect(),
                )
            }
            "priority.id" => num("priority_id"),
            "priority.name" => {
                let p = Self::num(ticket, "priority_id");
                text(PRIORITIES.iter().find(|s| s.0 == p).map(|s| s.1))
            }
            "group.id" => num("group_id"),
            "group.name" => {
                let g = Self::num(ticket, "group_id");
                text(
                    self.groups
                        .get(&g)
                        .and_then(|g| g.get("name"))
                        .and_then(Value::as_str),
                )
            }
            "organization.id" => num("organization_id"),
            "owner.id" | "owner.email" | "owner.login" | "customer.id" | "customer.email"
            | "customer.login" => {
                let (role, attribute) = field.split_once('.').unwrap_or_default();
                let user = self.users.get(&Self::num(ticket, &format!("{role}_id")));
                match attribute {
                    "id" => num(&format!("{role}_id")),
                    _ => text(user.and_then(|u| u[attribute].as_str())),
                }
            }
            "create_article_type" => {
                let t = Self::num(ticket, "create_article_type_id");
                text(ARTICLE_TYPES.iter().find(|a| a.0 == t).map(|a| a.1))
            }
            _ => None,
        }
    }

    /// Whether a bare word or phrase is in a ticket's title, number or articles.
    pub fn text_match(&self, ticket: &Value, word: &str) -> bool {
        let word = word.to_lowercase();
        let id = Self::num(ticket, "id");
        let has = |v: Option<&Value>| {
            v.and_then(Value::as_str)
                .is_some_and(|s| s.to_lowercase().contains(&word))
        };
        has(ticket.get("title"))
            || has(ticket.get("number"))
            || self.articles.values().any(|a| {
                Self::num(a, "ticket_id") == id
                    && (has(a.get("body")) || has(a.get("subject")) || has(a.get("from")))
            })
    }

    /// The tickets a search finds (indexed ones only), recording terms on unknown fields.
    pub fn search(&mut self, query: &Query) -> Vec<Value> {
        for field in query.fields() {
            let known = self
                .tickets
                .values()
                .next()
                .is_none_or(|t| self.field(t, &field).is_some());
            if !known && !self.ignored_terms.contains(&field) {
                self.ignored_terms.push(field);
            }
        }
        self.tickets
            .values()
            .filter(|t| !self.unindexed.contains(&Self::num(t, "id")))
            .filter(|t| query.matches(&|f| self.field(t, f), &|w| self.text_match(t, w)))
            .cloned()
            .collect()
    }

    // ----- hooks for tests -----

    /// Runs `hook` once the `after`-th ticket listing page (`GET /tickets` or
    /// `/tickets/search`) has been answered, before the next request: how a test changes tickets
    /// in the middle of a walk.
    pub fn after_ticket_page(
        &mut self,
        after: usize,
        hook: impl FnOnce(&mut SimState) + Send + 'static,
    ) {
        self.hooks.push(PageHook {
            after,
            run: Box::new(hook),
        });
    }

    /// Runs the hooks due now that `ticket_pages` pages have been answered.
    pub fn run_hooks(&mut self) {
        let (due, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut self.hooks)
            .into_iter()
            .partition(|h| h.after <= self.ticket_pages);
        self.hooks = waiting;
        for hook in due {
            (hook.run)(self);
        }
    }

    /// Updates a ticket as another user would: sets the fields and its `updated_at` to `at`.
    pub fn touch_ticket(&mut self, id: u64, fields: Value, at: DateTime<Utc>) {
        if let (Some(ticket), Some(fields)) = (self.tickets.get_mut(&id), fields.as_object()) {
            for (k, v) in fields {
                ticket[k] = v.clone();
            }
            ticket["updated_at"] = json!(ts(&at));
            ticket["updated_by_id"] = json!(303);
        }
    }

    /// Creates a ticket as another user would, with this id (a small id sorts before the world's
    /// tickets), in state `state_id`, created and updated at `at`, carrying `tags`.
    pub fn add_ticket(&mut self, id: u64, state_id: u64, tags: &[&str], at: DateTime<Utc>) {
        let ticket = ticket_json(TicketSeed {
            id,
            title: format!("Ticket {id} opened meanwhile"),
            state: state_id,
            priority: 2,
            group: Some(201),
            owner: None,
            customer: 401,
            organization: Some(501),
            article_type: 11,
            created: ts(&at),
            updated: ts(&at),
            created_by: 401,
        });
        self.tickets.insert(id, ticket);
        for tag in tags {
            self.add_tag(id, tag);
        }
    }

    // ----- seeding -----

    fn seed_users(&mut self, world: &World) {
        let setup = ts(&setup_time());
        let user = |id: u64, name: &str, email: &str, roles: Vec<u64>, groups: Value| {
            let (first, last) = name.split_once(' ').unwrap_or((name, ""));
            json!({
                "id": id,
                "organization_id": null,
                "login": email,
                "firstname": first,
                "lastname": last,
                "email": email,
                "image": null,
                "image_source": null,
                "web": "",
                "phone": "",
                "fax": "",
                "mobile": "",
                "department": "",
                "street": "",
                "zip": "",
                "city": "",
                "country": "",
                "address": "",
                "vip": false,
                "verified": false,
                "active": true,
                "note": "",
                "last_login": null,
                "source": null,
                "login_failed": 0,
                "out_of_office": false,
                "out_of_office_start_at": null,
                "out_of_office_end_at": null,
                "out_of_office_replacement_id": null,
                "preferences": {},
                "updated_by_id": 1,
                "created_by_id": 1,
                "created_at": setup,
                "updated_at": setup,
                "role_ids": roles,
                "two_factor_preferences": [],
                "organization_ids": [],
                "authorization_ids": [],
                "overview_sorting_ids": [],
                "group_ids": groups,
            })
        };
        let mut system = user(SYSTEM_USER, "-", "", vec![], json!({}));
        system["login"] = json!("-");
        self.users.insert(SYSTEM_USER, system);
        for (i, agent) in world.agents.iter().enumerate() {
            let id = id_of(&agent.id);
            let roles = if i == 0 { vec![1, 2] } else { vec![2] };
            let groups: Map<String, Value> = agent
                .groups
                .iter()
                .map(|g| (g.clone(), json!(["full"])))
                .collect();
            let mut record = user(id, &agent.name, &agent.email, roles, Value::Object(groups));
            if agent.availability == Availability::Away {
                record["out_of_office"] = json!(true);
                record["out_of_office_start_at"] = json!("2026-01-01");
                record["out_of_office_end_at"] = json!("2026-12-31");
                record["out_of_office_replacement_id"] = json!(id_of(&world.agents[0].id));
            }
            record["last_login"] = json!(ts(&setup_time()));
            self.users.insert(id, record);
        }
        for customer in &world.customers {
            let id = id_of(&customer.id);
            let mut record = user(id, &customer.name, &customer.email, vec![3], json!({}));
            if let Some(org) = &customer.organization {
                record["organization_id"] = json!(id_of(org));
            }
            self.users.insert(id, record);
        }
        let (org_id, org_name) = &world.organization;
        self.organizations.insert(
            id_of(org_id),
            json!({
                "id": id_of(org_id), "name": org_name, "shared": true, "domain": "",
                "domain_assignment": false, "active": true, "vip": false, "note": "",
                "updated_by_id": 1, "created_by_id": 1, "created_at": setup, "updated_at": setup,
            }),
        );
        for group in &world.groups {
            let id = id_of(&group.id);
            self.groups.insert(
                id,
                json!({
                    "id": id, "signature_id": null, "email_address_id": null,
                    "name": group.name, "name_last": group.name, "parent_id": null,
                    "assignment_timeout": null, "follow_up_possible": "yes",
                    "reopen_time_in_days": null, "follow_up_assignment": true, "active": true,
                    "shared_drafts": true, "note": "", "updated_by_id": 1, "created_by_id": 1,
                    "created_at": setup, "updated_at": setup,
                }),
            );
        }
    }

    fn seed_tickets(&mut self, world: &World) {
        for fx in &world.tickets {
            let id = id_of(&fx.id);
            let customer = id_of(&fx.requester);
            let organization = world
                .customers
                .iter()
                .find(|c| c.id == fx.requester)
                .and_then(|c| c.organization.as_deref())
                .map(id_of);
            let mut ticket = ticket_json(TicketSeed {
                id,
                title: fx.subject.clone(),
                state: state_of(&fx.status),
                priority: fx.priority.as_ref().map_or(2, priority_of),
                group: fx.group.as_deref().map(id_of),
                owner: fx.assignee.as_deref().map(id_of),
                customer,
                organization,
                article_type: article_type_of(&fx.channel),
                created: ts(&fx.created_at),
                updated: ts(&fx.updated_at),
                created_by: customer,
            });
            if fx.status == TicketStatus::Pending {
                ticket["pending_time"] = json!(ts(&(fx.updated_at + Duration::days(3))));
            }
            if fx.status == TicketStatus::Closed {
                ticket["close_at"] = json!(ts(&fx.updated_at));
            }
            if let Some(sla) = &fx.sla {
                // Zammad computes the diff (target minus minutes taken) once a clock stops; the
                // simulator serves it for both clocks so a breach shows: negative = breached.
                let fr = ts(&sla.first_response_due);
                let close = ts(&sla.resolution_due);
                ticket["first_response_escalation_at"] = json!(fr);
                ticket["first_response_in_min"] =
                    json!(if sla.first_response_breached { 90 } else { 30 });
                ticket["first_response_diff_in_min"] =
                    json!(if sla.first_response_breached { -30 } else { 30 });
                ticket["close_escalation_at"] = json!(close);
                ticket["close_in_min"] = json!(if sla.resolution_breached { 2940 } else { 60 });
                ticket["close_diff_in_min"] =
                    json!(if sla.resolution_breached { -60 } else { 2820 });
                ticket["escalation_at"] = json!(fr);
            }
            self.tickets.insert(id, ticket);
            for tag in &fx.tags {
                self.add_tag(id, tag);
            }
        }
    }

    fn seed_articles(&mut self, world: &World) {
        for c in &world.comments {
            let id = id_of(&c.id);
            let ticket = id_of(&c.ticket);
            let author = id_of(&c.author);
            let customer = world.customers.iter().any(|x| x.id == c.author);
            let (type_id, sender_id) = match (c.visibility, customer) {
                (Visibility::Internal, _) => (10, 1),
                (_, true) => (1, 2),
                (_, false) => (1, 1),
            };
            let attachments: Vec<Value> = c
                .attachments
                .iter()
                .map(|file| {
                    let file_id = file.id.rsplit('-').next().map(id_of).unwrap_or_default();
                    self.files.insert(
                        file_id,
                        StoredFile {
                            article: id,
                            filename: file.file_name.clone(),
                            content_type: file.content_type.clone(),
                            bytes: file.content.clone(),
                        },
                    );
                    attachment_json(
                        file_id,
                        &file.file_name,
                        &file.content_type,
                        file.content.len(),
                    )
                })
                .collect();
            let from = self
                .users
                .get(&author)
                .map(display_from)
                .unwrap_or_default();
            let mut article = article_json(ArticleSeed {
                id,
                ticket,
                type_id,
                sender_id,
                from,
                to: String::new(),
                subject: None,
                content_type: "text/html".into(),
                body: c.html.clone(),
                internal: c.visibility == Visibility::Internal,
                author,
                at: ts(&c.created_at),
                attachments,
            });
            self.name_writers(&mut article);
            self.articles.insert(id, article);
            if let Some(t) = self.tickets.get_mut(&ticket) {
                let count = Self::num(t, "article_count") + 1;
                t["article_count"] = json!(count);
                if let Some(ids) = t["article_ids"].as_array_mut() {
                    ids.push(json!(id));
                }
            }
        }
    }

    fn seed_tags(&mut self, world: &World) {
        // Tag items exist in the world's order (ids 5001..) before tickets use them.
        let mut items = Vec::new();
        for (i, (name, _)) in world.tags.iter().enumerate() {
            items.push((5001 + i as u64, name.clone()));
        }
        self.next_tag = 5001 + items.len() as u64;
        self.tag_items = items;
    }

    fn seed_knowledge(&mut self, world: &World) {
        let setup = ts(&setup_time());
        for (i, category) in world.categories.iter().enumerate() {
            let id = id_of(&category.id);
            let translation = 7000 + id;
            self.kb_categories.insert(
                id,
                json!({
                    "id": id, "knowledge_base_id": KNOWLEDGE_BASE, "parent_id": null,
                    "category_icon": "f115", "position": i, "created_at": setup,
                    "updated_at": setup, "translation_ids": [translation],
                    "child_ids": [], "answer_ids": [],
                }),
            );
            self.kb_category_translations.insert(
                translation,
                json!({
                    "id": translation, "title": category.name, "kb_locale_id": KB_LOCALE,
                    "category_id": id, "created_at": setup, "updated_at": setup,
                }),
            );
        }
        for (i, article) in world.articles.iter().enumerate() {
            let id = id_of(&article.id);
            let category = id_of(&article.category);
            let author = id_of(&article.author);
            let translation = 8000 + id;
            let content = 9000 + id;
            let at = ts(&article.created_at);
            self.kb_answers.insert(
                id,
                json!({
                    "id": id, "category_id": category, "promoted": false,
                    "promoted_order": null, "internal_note": null, "position": i,
                    "archived_at": null, "archived_by_id": null,
                    "internal_at": null, "internal_by_id": null,
                    "published_at": if article.published { json!(at) } else { json!(null) },
                    "published_by_id": if article.published { json!(author) } else { json!(null) },
                    "created_at": at, "updated_at": at,
                    "translation_ids": [translation], "attachments": [], "tags": [],
                }),
            );
            if let Some(ids) = self
                .kb_categories
                .get_mut(&category)
                .and_then(|c| c["answer_ids"].as_array_mut())
            {
                ids.push(json!(id));
            }
            self.kb_answer_translations.insert(
                translation,
                json!({
                    "id": translation, "title": article.title, "kb_locale_id": KB_LOCALE,
                    "answer_id": id, "content_id": content, "created_by_id": author,
                    "updated_by_id": author, "created_at": at, "updated_at": at,
                }),
            );
            self.kb_contents
                .insert(content, json!({"id": content, "body": article.body_html}));
        }
    }

    fn seed_slas(&mut self, world: &World) {
        let setup = ts(&setup_time());
        self.calendars.insert(
            1,
            json!({
                "id": 1, "name": "Default", "timezone": "Europe/Berlin",
                "business_hours": {
                    "mon": {"active": true, "timeframes": [["09:00", "17:00"]]},
                    "tue": {"active": true, "timeframes": [["09:00", "17:00"]]},
                    "wed": {"active": true, "timeframes": [["09:00", "17:00"]]},
                    "thu": {"active": true, "timeframes": [["09:00", "17:00"]]},
                    "fri": {"active": true, "timeframes": [["09:00", "17:00"]]},
                    "sat": {"active": false, "timeframes": [["10:00", "14:00"]]},
                    "sun": {"active": false, "timeframes": [["10:00", "14:00"]]},
                },
                "default": true, "ical_url": null, "public_holidays": {},
                "last_log": null, "last_sync": null, "updated_by_id": 1, "created_by_id": 1,
                "created_at": setup, "updated_at": setup,
            }),
        );
        for policy in &world.sla_policies {
            let id = id_of(&policy.id);
            let minutes = |metric: support_core::SlaMetric| {
                policy
                    .targets
                    .iter()
                    .find(|t| t.metric == metric)
                    .map(|t| t.minutes)
            };
            self.slas.insert(
                id,
                json!({
                    "id": id, "calendar_id": 1, "name": policy.name,
                    "first_response_time": minutes(support_core::SlaMetric::FirstResponse),
                    "response_time": null,
                    "update_time": minutes(support_core::SlaMetric::NextResponse),
                    "update_type": minutes(support_core::SlaMetric::NextResponse).map(|_| "update"),
                    "solution_time": minutes(support_core::SlaMetric::Resolution),
                    "condition": {"ticket.state_id": {"operator": "is", "value": ["1", "2", "3", "7"]}},
                    "updated_by_id": 1, "created_by_id": 1,
                    "created_at": setup, "updated_at": setup,
                }),
            );
        }
    }
}

/// What a ticket is seeded from.
pub struct TicketSeed {
    /// Id.
    pub id: u64,
    /// Title.
    pub title: String,
    /// State id.
    pub state: u64,
    /// Priority id.
    pub priority: u64,
    /// Group id.
    pub group: Option<u64>,
    /// Owner (none: the system user).
    pub owner: Option<u64>,
    /// Customer.
    pub customer: u64,
    /// Organisation.
    pub organization: Option<u64>,
    /// `create_article_type_id`.
    pub article_type: u64,
    /// Created at.
    pub created: String,
    /// Updated at.
    pub updated: String,
    /// Creator.
    pub created_by: u64,
}

/// A ticket as `GET /tickets/{id}` renders it.
pub fn ticket_json(seed: TicketSeed) -> Value {
    json!({
        "id": seed.id,
        "group_id": seed.group,
        "priority_id": seed.priority,
        "state_id": seed.state,
        "organization_id": seed.organization,
        "number": ticket_number(seed.id),
        "title": seed.title,
        "owner_id": seed.owner.unwrap_or(SYSTEM_USER),
        "customer_id": seed.customer,
        "note": null,
        "first_response_at": null,
        "first_response_escalation_at": null,
        "first_response_in_min": null,
        "first_response_diff_in_min": null,
        "close_at": null,
        "close_escalation_at": null,
        "close_in_min": null,
        "close_diff_in_min": null,
        "update_escalation_at": null,
        "update_in_min": null,
        "update_diff_in_min": null,
        "last_close_at": null,
        "last_contact_at": seed.created,
        "last_contact_agent_at": null,
        "last_contact_customer_at": seed.created,
        "last_owner_update_at": null,
        "create_article_type_id": seed.article_type,
        "create_article_sender_id": 2,
        "article_count": 0,
        "escalation_at": null,
        "pending_time": null,
        "type": null,
        "time_unit": null,
        "preferences": {},
        "updated_by_id": seed.created_by,
        "created_by_id": seed.created_by,
        "created_at": seed.created,
        "updated_at": seed.updated,
        "article_ids": [],
        "ticket_time_accounting_ids": [],
    })
}

/// What an article is seeded from.
pub struct ArticleSeed {
    /// Id.
    pub id: u64,
    /// Its ticket.
    pub ticket: u64,
    /// Type id.
    pub type_id: u64,
    /// Sender id.
    pub sender_id: u64,
    /// `from`.
    pub from: String,
    /// `to`.
    pub to: String,
    /// Subject.
    pub subject: Option<String>,
    /// `text/html` or `text/plain`.
    pub content_type: String,
    /// Body.
    pub body: String,
    /// Internal.
    pub internal: bool,
    /// Writer.
    pub author: u64,
    /// When.
    pub at: String,
    /// `attachments`.
    pub attachments: Vec<Value>,
}

/// An article as `GET /ticket_articles/by_ticket/{id}` renders it (with association names).
pub fn article_json(seed: ArticleSeed) -> Value {
    json!({
        "id": seed.id,
        "ticket_id": seed.ticket,
        "type_id": seed.type_id,
        "sender_id": seed.sender_id,
        "from": seed.from,
        "to": seed.to,
        "cc": null,
        "subject": seed.subject,
        "reply_to": null,
        "message_id": null,
        "message_id_md5": null,
        "in_reply_to": null,
        "content_type": seed.content_type,
        "references": null,
        "body": seed.body,
        "internal": seed.internal,
        "preferences": {},
        "updated_by_id": seed.author,
        "created_by_id": seed.author,
        "origin_by_id": null,
        "created_at": seed.at,
        "updated_at": seed.at,
        "attachments": seed.attachments,
        "type": article_type_name(seed.type_id),
        "sender": sender_name(seed.sender_id),
        "time_unit": null,
    })
}

/// An article's attachment entry (`size` is a string, as the store keeps it).
pub fn attachment_json(id: u64, filename: &str, content_type: &str, size: usize) -> Value {
    json!({
        "id": id,
        "filename": filename,
        "size": size.to_string(),
        "preferences": {"Content-Type": content_type, "Mime-Type": content_type},
    })
}

/// `Firstname Lastname <email>`, as an article's `from`.
pub fn display_from(user: &Value) -> String {
    let name = format!(
        "{} {}",
        user["firstname"].as_str().unwrap_or(""),
        user["lastname"].as_str().unwrap_or("")
    );
    format!("{} <{}>", name.trim(), user["email"].as_str().unwrap_or(""))
}

impl sim::Account for SimState {
    fn seed(world: World, base_url: &str) -> Self {
        debug_assert_eq!(world.profile.ids, IdScheme::Numeric);
        let mut state = SimState {
            base_url: base_url.to_owned(),
            me: id_of(&world.agents[0].id),
            clock: Some(WriteClock::new(&world)),
            next_ticket: id_of(world.created_ticket_id()),
            next_article: id_of(world.created_comment_ids().0),
            next_file: 702,
            ..SimState::default()
        };
        state.seed_users(&world);
        state.seed_tags(&world);
        state.seed_tickets(&world);
        state.seed_articles(&world);
        state.seed_knowledge(&world);
        state.seed_slas(&world);
        state
    }

    fn log(&mut self) -> &mut Vec<RecordedRequest> {
        &mut self.log
    }
}
