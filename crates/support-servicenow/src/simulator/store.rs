//! The ServiceNow instance the simulator serves: the fixture world as rows of ServiceNow's tables
//! (every value a string, as the Table API stores and returns them), the journal of case comments
//! and work notes, attachment files, the knobs and hooks of tests, and the log of answered
//! requests.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use chrono::{DateTime, Utc};
use support_conformance::sim::{self, RecordedRequest, WriteClock, setup_time};
use support_conformance::world::{Entity, IdScheme, World};
use support_core::{Channel, Priority, TicketCategory, TicketStatus, Visibility};

/// One record: column name to raw value.
pub type Row = BTreeMap<String, String>;

/// The table holding cases.
pub const CASES: &str = "sn_customerservice_case";

/// The tables the Table API serves, with their columns (every row has all of them).
pub const SCHEMA: &[(&str, &[&str])] = &[
    (
        CASES,
        &[
            "sys_id",
            "number",
            "short_description",
            "description",
            "state",
            "priority",
            "contact_type",
            "category",
            "contact",
            "account",
            "assigned_to",
            "assignment_group",
            "opened_at",
            "resolved_at",
            "closed_at",
            "close_notes",
            "resolution_code",
            "active",
            "correlation_id",
            "comments",
            "work_notes",
            "sys_class_name",
            "sys_created_on",
            "sys_updated_on",
            "sys_created_by",
            "sys_updated_by",
            "sys_mod_count",
        ],
    ),
    (
        "sys_user",
        &[
            "sys_id",
            "user_name",
            "name",
            "first_name",
            "last_name",
            "email",
            "active",
            "account",
            "sys_class_name",
            "sys_created_on",
            "sys_updated_on",
        ],
    ),
    (
        "sys_user_has_role",
        &[
            "sys_id",
            "user",
            "role",
            "state",
            "inherited",
            "sys_created_on",
            "sys_updated_on",
        ],
    ),
    (
        "sys_user_group",
        &[
            "sys_id",
            "name",
            "description",
            "active",
            "sys_created_on",
            "sys_updated_on",
        ],
    ),
    (
        "sys_user_grmember",
        &[
            "sys_id",
            "user",
            "group",
            "sys_created_on",
            "sys_updated_on",
        ],
    ),
    (
        "sys_choice",
        &[
            "sys_id",
            "name",
            "element",
            "value",
            "label",
            "sequence",
            "language",
            "inactive",
            "sys_created_on",
            "sys_updated_on",
        ],
    ),
    (
        "label",
        &[
            "sys_id",
            "name",
            "type",
            "viewable_by",
            "active",
            "owner",
            "sys_created_on",
            "sys_updated_on",
        ],
    ),
    (
        "label_entry",
        &[
            "sys_id",
            "label",
            "table",
            "table_key",
            "title",
            "sys_created_on",
            "sys_updated_on",
        ],
    ),
    (
        "kb_knowledge",
        &[
            "sys_id",
            "number",
            "short_description",
            "text",
            "kb_category",
            "kb_knowledge_base",
            "workflow_state",
            "language",
            "author",
            "published",
            "sys_created_on",
            "sys_updated_on",
        ],
    ),
    (
        "kb_category",
        &[
            "sys_id",
            "label",
            "value",
            "parent_table",
            "parent_id",
            "active",
            "sys_created_on",
            "sys_updated_on",
        ],
    ),
    (
        "contract_sla",
        &[
            "sys_id",
            "name",
            "description",
            "type",
            "target",
            "duration",
            "collection",
            "active",
            "sys_created_on",
            "sys_updated_on",
        ],
    ),
    (
        "task_sla",
        &[
            "sys_id",
            "task",
            "sla",
            "stage",
            "has_breached",
            "planned_end_time",
            "start_time",
            "end_time",
            "percentage",
            "business_percentage",
            "active",
            "sys_created_on",
            "sys_updated_on",
        ],
    ),
    (
        "asmt_assessment_instance",
        &[
            "sys_id",
            "number",
            "trigger_table",
            "trigger_id",
            "user",
            "metric_type",
            "state",
            "taken_on",
            "sys_created_on",
            "sys_updated_on",
        ],
    ),
    (
        "asmt_metric_result",
        &[
            "sys_id",
            "instance",
            "metric",
            "actual_value",
            "normalized_value",
            "string_value",
            "sys_created_on",
            "sys_updated_on",
        ],
    ),
    (
        "sys_attachment",
        &[
            "sys_id",
            "file_name",
            "content_type",
            "size_bytes",
            "table_name",
            "table_sys_id",
            "download_link",
            "sys_created_on",
            "sys_created_by",
            "sys_updated_on",
        ],
    ),
    // Held for reference display values and dot-walks; no route serves them.
    ("sys_user_role", &["sys_id", "name", "description"]),
    ("customer_account", &["sys_id", "name", "number"]),
    ("kb_knowledge_base", &["sys_id", "title"]),
    ("asmt_metric_type", &["sys_id", "name"]),
    ("asmt_metric", &["sys_id", "name", "datatype"]),
];

/// Reference fields: table, field, referenced table.
pub const REFERENCES: &[(&str, &str, &str)] = &[
    (CASES, "contact", "sys_user"),
    (CASES, "account", "customer_account"),
    (CASES, "assigned_to", "sys_user"),
    (CASES, "assignment_group", "sys_user_group"),
    ("sys_user", "account", "customer_account"),
    ("sys_user_has_role", "user", "sys_user"),
    ("sys_user_has_role", "role", "sys_user_role"),
    ("sys_user_grmember", "user", "sys_user"),
    ("sys_user_grmember", "group", "sys_user_group"),
    ("label", "owner", "sys_user"),
    ("label_entry", "label", "label"),
    ("kb_knowledge", "kb_category", "kb_category"),
    ("kb_knowledge", "kb_knowledge_base", "kb_knowledge_base"),
    ("kb_knowledge", "author", "sys_user"),
    ("task_sla", "task", CASES),
    ("task_sla", "sla", "contract_sla"),
    ("asmt_assessment_instance", "user", "sys_user"),
    (
        "asmt_assessment_instance",
        "metric_type",
        "asmt_metric_type",
    ),
    ("asmt_metric_result", "instance", "asmt_assessment_instance"),
    ("asmt_metric_result", "metric", "asmt_metric"),
];

/// The columns of `table`, when it is one.
pub fn columns(table: &str) -> Option<&'static [&'static str]> {
    SCHEMA.iter().find(|(t, _)| *t == table).map(|(_, c)| *c)
}

/// The table a reference field points at.
pub fn reference(table: &str, field: &str) -> Option<&'static str> {
    REFERENCES
        .iter()
        .find(|(t, f, _)| *t == table && *f == field)
        .map(|(_, _, target)| *target)
}

/// The column naming a record of `table` in other records' display values.
pub fn display_column(table: &str) -> &'static str {
    match table {
        CASES | "kb_knowledge" | "asmt_assessment_instance" | "customer_account" => "number",
        "sys_user" | "sys_user_group" | "sys_user_role" | "label" | "contract_sla"
        | "asmt_metric_type" | "asmt_metric" => "name",
        "kb_category" => "label",
        "kb_knowledge_base" => "title",
        "sys_attachment" => "file_name",
        _ => "sys_id",
    }
}

/// A timestamp as the Table API's `value`: UTC `YYYY-MM-DD hh:mm:ss`.
pub fn glide_time(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// A case's number: `CS` and seven digits (`CS0000101`).
pub fn case_number(n: u64) -> String {
    format!("CS{n:07}")
}

/// The native state value of a canonical status (the world's unknown status is state 20, whose
/// choice label is the world's unknown status).
pub fn state_value(status: &TicketStatus) -> &'static str {
    match status {
        TicketStatus::New => "1",
        TicketStatus::Open => "10",
        TicketStatus::Pending => "18",
        TicketStatus::Resolved => "6",
        TicketStatus::Closed => "3",
        _ => "20",
    }
}

/// The native priority value of a canonical priority.
pub fn priority_value(priority: &Priority) -> &'static str {
    match priority {
        Priority::Urgent => "1",
        Priority::High => "2",
        Priority::Normal => "3",
        _ => "4",
    }
}

/// The `contact_type` value of a channel.
pub fn channel_value(channel: &Channel) -> &'static str {
    match channel {
        Channel::Email => "email",
        Channel::Phone => "phone",
        Channel::Chat => "chat",
        Channel::Social => "social",
        _ => "web",
    }
}

/// The `category` value of a ticket category.
pub fn category_value(category: &TicketCategory) -> &'static str {
    match category {
        TicketCategory::Question => "question",
        TicketCategory::Billing => "billing",
        _ => "technical",
    }
}

/// The choice lists of cases: table, element, value, label.
pub const CHOICES: &[(&str, &str, &str, &str)] = &[
    (CASES, "state", "1", "New"),
    (CASES, "state", "10", "Open"),
    (CASES, "state", "18", "Awaiting Info"),
    (CASES, "state", "6", "Resolved"),
    (CASES, "state", "3", "Closed"),
    (CASES, "state", "7", "Canceled"),
    (
        CASES,
        "state",
        "20",
        support_conformance::world::UNKNOWN_STATUS,
    ),
    (CASES, "priority", "1", "1 - Critical"),
    (CASES, "priority", "2", "2 - High"),
    (CASES, "priority", "3", "3 - Moderate"),
    (CASES, "priority", "4", "4 - Low"),
    (CASES, "priority", "5", "5 - Planning"),
    (CASES, "contact_type", "email", "Email"),
    (CASES, "contact_type", "phone", "Phone"),
    (CASES, "contact_type", "web", "Web"),
    (CASES, "contact_type", "chat", "Chat"),
    (CASES, "contact_type", "social", "Social"),
    (CASES, "category", "question", "Question"),
    (CASES, "category", "technical", "Technical"),
    (CASES, "category", "billing", "Billing"),
    ("kb_knowledge", "workflow_state", "draft", "Draft"),
    ("kb_knowledge", "workflow_state", "published", "Published"),
    ("kb_knowledge", "workflow_state", "retired", "Retired"),
    ("task_sla", "stage", "in_progress", "In progress"),
    ("task_sla", "stage", "paused", "Paused"),
    ("task_sla", "stage", "completed", "Completed"),
    ("task_sla", "stage", "cancelled", "Cancelled"),
];

/// One journal entry of a case: a comment (`comments`) or a work note (`work_notes`).
#[derive(Clone, Debug, PartialEq)]
pub struct JournalEntry {
    /// Its sys_id.
    pub sys_id: String,
    /// The case's sys_id.
    pub case: String,
    /// `comments` or `work_notes`.
    pub element: String,
    /// The text.
    pub value: String,
    /// When it was written (UTC `YYYY-MM-DD hh:mm:ss`).
    pub created_on: String,
    /// The writer's `sys_user` sys_id.
    pub user: String,
}

/// Runs once, after the listing page it waits for (see [`SimState::after_case_page`]).
pub struct PageHook {
    /// After this many case pages have been answered.
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

/// The instance's records and the knobs of tests.
#[derive(Debug, Default)]
pub struct SimState {
    /// The server's root URL (links are absolute).
    pub base_url: String,
    /// How ids are spelled.
    pub ids: IdScheme,
    /// Rows by table, in insertion order (the order of a listing without `ORDERBY`).
    pub tables: HashMap<String, Vec<Row>>,
    /// Comments and work notes, oldest first.
    pub journal: Vec<JournalEntry>,
    /// Attachment bytes by sys_id.
    pub files: HashMap<String, Vec<u8>>,
    /// The user the credentials act as (the integration user).
    pub me: String,
    /// The time of writes.
    pub clock: Option<WriteClock>,
    /// Numbers of the next created case and journal entry, label and label entry.
    pub next_case: u64,
    /// Next journal entry number.
    pub next_entry: u64,
    /// Next label number.
    pub next_label: u64,
    /// Next label entry number.
    pub next_label_entry: u64,
    /// Cases ACLs hide from the integration user: counted by `sysparm_limit` and `X-Total-Count`,
    /// dropped from pages after the limit is applied, and 404 when read alone.
    pub hidden: HashSet<String>,
    /// `glide.invalid_query.returns_no_rows`: a query with an unknown field matches nothing.
    pub strict_queries: bool,
    /// Query terms dropped as unknown, in the order seen.
    pub ignored_terms: Vec<String>,
    /// Case listing pages answered so far.
    pub case_pages: usize,
    /// Hooks run between case listing pages.
    pub hooks: Vec<PageHook>,
    log: Vec<RecordedRequest>,
}

fn row(pairs: Vec<(&str, String)>) -> Row {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

fn flag(b: bool) -> String {
    if b { "true" } else { "false" }.to_owned()
}

impl SimState {
    /// The id of record `number` of `entity`.
    pub fn id(&self, entity: Entity, number: u64) -> String {
        self.ids.render(entity, number)
    }

    /// Adds a row to `table`, completing it with every column of the table (empty).
    pub fn insert(&mut self, table: &str, mut row: Row) {
        let now = row
            .get("sys_created_on")
            .cloned()
            .unwrap_or_else(|| glide_time(&setup_time()));
        for column in columns(table).unwrap_or(&[]) {
            row.entry((*column).to_owned()).or_default();
        }
        for stamp in ["sys_created_on", "sys_updated_on"] {
            if let Some(value) = row.get_mut(stamp)
                && value.is_empty()
            {
                *value = now.clone();
            }
        }
        self.tables.entry(table.to_owned()).or_default().push(row);
    }

    /// The rows of `table`.
    pub fn rows(&self, table: &str) -> &[Row] {
        self.tables.get(table).map_or(&[], Vec::as_slice)
    }

    /// The row of `table` with this sys_id.
    pub fn find(&self, table: &str, sys_id: &str) -> Option<&Row> {
        self.rows(table)
            .iter()
            .find(|r| r.get("sys_id").map(String::as_str) == Some(sys_id))
    }

    /// The row of `table` with this sys_id, to change.
    pub fn find_mut(&mut self, table: &str, sys_id: &str) -> Option<&mut Row> {
        self.tables
            .get_mut(table)?
            .iter_mut()
            .find(|r| r.get("sys_id").map(String::as_str) == Some(sys_id))
    }

    /// The value of a (dot-walked) field of a row of `table`: `""` when absent or when a
    /// reference on the way is empty.
    pub fn value(&self, table: &str, row: &Row, field: &str) -> String {
        match field.split_once('.') {
            None => row.get(field).cloned().unwrap_or_default(),
            Some((head, rest)) => {
                let Some(target) = reference(table, head) else {
                    return String::new();
                };
                let id = row.get(head).cloned().unwrap_or_default();
                match self.find(target, &id) {
                    Some(next) => self.value(target, next, rest),
                    None => String::new(),
                }
            }
        }
    }

    /// Whether `field` (dot-walked or not) exists on `table`.
    pub fn knows(table: &str, field: &str) -> bool {
        match field.split_once('.') {
            None => columns(table).is_some_and(|c| c.contains(&field)),
            Some((head, rest)) => reference(table, head).is_some_and(|t| Self::knows(t, rest)),
        }
    }

    /// The display value of a (dot-walked) field: a reference's record's display column, a
    /// choice's label, anything else its value.
    pub fn display(&self, table: &str, row: &Row, field: &str) -> String {
        if let Some((head, rest)) = field.split_once('.') {
            let Some(target) = reference(table, head) else {
                return String::new();
            };
            let id = row.get(head).cloned().unwrap_or_default();
            return match self.find(target, &id) {
                Some(next) => self.display(target, next, rest),
                None => String::new(),
            };
        }
        if table == CASES && (field == "comments" || field == "work_notes") {
            return self.journal_text(row.get("sys_id").map_or("", String::as_str), field);
        }
        let value = row.get(field).cloned().unwrap_or_default();
        if value.is_empty() {
            return value;
        }
        if let Some(target) = reference(table, field) {
            return self
                .find(target, &value)
                .map(|r| r.get(display_column(target)).cloned().unwrap_or_default())
                .unwrap_or_default();
        }
        self.choice_label(table, field, &value).unwrap_or(value)
    }

    /// A journal field's display value: its entries newest first, each headed by its time, its
    /// writer and the field's label (its value is empty: journal fields are written, not read).
    pub fn journal_text(&self, case: &str, element: &str) -> String {
        let label = if element == "comments" {
            "Additional comments"
        } else {
            "Work notes"
        };
        self.journal
            .iter()
            .rev()
            .filter(|e| e.case == case && e.element == element)
            .map(|e| {
                let who = self
                    .find("sys_user", &e.user)
                    .and_then(|u| u.get("name").cloned())
                    .unwrap_or_default();
                format!("{} - {who} ({label})\n{}\n\n", e.created_on, e.value)
            })
            .collect()
    }

    /// The label of a choice, from `sys_choice`.
    pub fn choice_label(&self, table: &str, element: &str, value: &str) -> Option<String> {
        self.rows("sys_choice")
            .iter()
            .find(|c| {
                c.get("name").map(String::as_str) == Some(table)
                    && c.get("element").map(String::as_str) == Some(element)
                    && c.get("value").map(String::as_str) == Some(value)
            })
            .and_then(|c| c.get("label").cloned())
    }

    /// Whether a field of `table` has a choice list.
    pub fn has_choices(&self, table: &str, element: &str) -> bool {
        CHOICES
            .iter()
            .any(|(t, e, _, _)| *t == table && *e == element)
    }

    /// The next write time.
    pub fn tick(&mut self) -> String {
        match self.clock.as_mut() {
            Some(clock) => glide_time(&clock.tick()),
            None => glide_time(&setup_time()),
        }
    }

    /// When cases are created.
    pub fn creation_time(&self) -> String {
        self.clock.as_ref().map_or_else(
            || glide_time(&setup_time()),
            |c| glide_time(&c.creation_time()),
        )
    }

    /// Appends a journal entry to a case, written by `user` at `created_on`; its sys_id.
    pub fn journal_entry(
        &mut self,
        case: &str,
        element: &str,
        value: &str,
        user: &str,
        created_on: String,
    ) -> String {
        let sys_id = self.id(Entity::Comment, self.next_entry);
        self.next_entry += 1;
        self.journal.push(JournalEntry {
            sys_id: sys_id.clone(),
            case: case.to_owned(),
            element: element.to_owned(),
            value: value.to_owned(),
            created_on,
            user: user.to_owned(),
        });
        sys_id
    }

    // ----- hooks for tests -----

    /// Hides cases from the integration user, as row-level ACLs do.
    pub fn hide_cases<I: IntoIterator<Item = String>>(&mut self, sys_ids: I) {
        self.hidden.extend(sys_ids);
    }

    /// Runs `hook` once the `after`-th page of a case listing has been answered, before the next
    /// request: how a test changes cases in the middle of a walk.
    pub fn after_case_page(
        &mut self,
        after: usize,
        hook: impl FnOnce(&mut SimState) + Send + 'static,
    ) {
        self.hooks.push(PageHook {
            after,
            run: Box::new(hook),
        });
    }

    /// Runs the hooks due now that `case_pages` pages have been answered.
    pub fn run_hooks(&mut self) {
        let (due, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut self.hooks)
            .into_iter()
            .partition(|h| h.after <= self.case_pages);
        self.hooks = waiting;
        for hook in due {
            (hook.run)(self);
        }
    }

    /// Updates a case as another user would: sets the fields and its `sys_updated_on` to `at`
    /// (UTC `YYYY-MM-DD hh:mm:ss`).
    pub fn touch_case(&mut self, sys_id: &str, fields: &[(&str, &str)], at: &str) {
        if let Some(row) = self.find_mut(CASES, sys_id) {
            for (k, v) in fields {
                row.insert((*k).to_owned(), (*v).to_owned());
            }
            row.insert("sys_updated_on".into(), at.to_owned());
            let count: u64 = row
                .get("sys_mod_count")
                .and_then(|c| c.parse().ok())
                .unwrap_or(0);
            row.insert("sys_mod_count".into(), (count + 1).to_string());
        }
    }

    /// Creates a case as another user would, numbered `number` (its sys_id is the world's
    /// ticket id for that number, so a small number sorts before the world's cases), in state
    /// `state`, created and updated at `at`; its sys_id.
    pub fn add_case(&mut self, number: u64, state: &str, at: &str) -> String {
        let sys_id = self.id(Entity::Ticket, number);
        let requester = self.id(Entity::Customer, 401);
        self.insert(
            CASES,
            row(vec![
                ("sys_id", sys_id.clone()),
                ("number", case_number(number)),
                (
                    "short_description",
                    format!("Case {number} opened meanwhile"),
                ),
                ("description", String::new()),
                ("state", state.to_owned()),
                ("priority", "4".into()),
                ("contact_type", "web".into()),
                ("contact", requester),
                ("opened_at", at.to_owned()),
                ("active", "true".into()),
                ("sys_class_name", CASES.into()),
                ("sys_created_on", at.to_owned()),
                ("sys_updated_on", at.to_owned()),
                ("sys_created_by", "someone.else".into()),
                ("sys_updated_by", "someone.else".into()),
                ("sys_mod_count", "0".into()),
            ]),
        );
        sys_id
    }

    // ----- seeding -----

    fn seed_users(&mut self, world: &World) {
        let setup = glide_time(&setup_time());
        let (org, org_name) = world.organization.clone();
        self.insert(
            "customer_account",
            row(vec![
                ("sys_id", org),
                ("name", org_name),
                ("number", "ACC0000501".into()),
            ]),
        );
        let user_name = |email: &str| email.split('@').next().unwrap_or(email).to_owned();
        for agent in &world.agents {
            let (first, last) = agent.name.split_once(' ').unwrap_or((&agent.name, ""));
            self.insert(
                "sys_user",
                row(vec![
                    ("sys_id", agent.id.clone()),
                    ("user_name", user_name(&agent.email)),
                    ("name", agent.name.clone()),
                    ("first_name", first.to_owned()),
                    ("last_name", last.to_owned()),
                    ("email", agent.email.clone()),
                    ("active", "true".into()),
                    ("sys_class_name", "sys_user".into()),
                    ("sys_created_on", setup.clone()),
                ]),
            );
        }
        // Contacts extend `sys_user` (`customer_contact`): they are `sys_user` rows.
        for customer in &world.customers {
            let (first, last) = customer
                .name
                .split_once(' ')
                .unwrap_or((&customer.name, ""));
            self.insert(
                "sys_user",
                row(vec![
                    ("sys_id", customer.id.clone()),
                    ("user_name", user_name(&customer.email)),
                    ("name", customer.name.clone()),
                    ("first_name", first.to_owned()),
                    ("last_name", last.to_owned()),
                    ("email", customer.email.clone()),
                    ("active", "true".into()),
                    ("account", customer.organization.clone().unwrap_or_default()),
                    ("sys_class_name", "customer_contact".into()),
                    ("sys_created_on", setup.clone()),
                ]),
            );
        }
        // The integration user and an ITIL user: neither holds a CSM agent role.
        self.me = self.id(Entity::Agent, 390);
        for (number, login, name) in [
            (390, "sim-user", "Integration User"),
            (391, "ivy", "Ivy Itil"),
        ] {
            let id = self.id(Entity::Agent, number);
            self.insert(
                "sys_user",
                row(vec![
                    ("sys_id", id),
                    ("user_name", login.into()),
                    ("name", name.into()),
                    ("email", format!("{login}@example.com")),
                    ("active", "true".into()),
                    ("sys_class_name", "sys_user".into()),
                    ("sys_created_on", setup.clone()),
                ]),
            );
        }
        let roles = [
            "admin",
            "sn_customerservice_agent",
            "sn_customerservice.consumer_agent",
            "sn_customerservice_manager",
            "itil",
            "csm_ws_integration",
        ];
        for (i, role) in roles.iter().enumerate() {
            let id = self.id(Entity::Group, 9001 + i as u64);
            self.insert(
                "sys_user_role",
                row(vec![
                    ("sys_id", id),
                    ("name", (*role).into()),
                    ("description", String::new()),
                ]),
            );
        }
        let role = |s: &Self, name: &str| {
            let i = roles.iter().position(|r| *r == name).unwrap_or(0);
            s.id(Entity::Group, 9001 + i as u64)
        };
        // One row per user and role; an admin also holds the agent and manager roles, and the
        // manager role contains the agent role (an inherited row): agents repeat.
        let mut grants: Vec<(String, String, bool)> = Vec::new();
        for agent in &world.agents {
            if agent.role == "admin" {
                grants.push((agent.id.clone(), role(self, "admin"), false));
                grants.push((
                    agent.id.clone(),
                    role(self, "sn_customerservice_manager"),
                    false,
                ));
                grants.push((
                    agent.id.clone(),
                    role(self, "sn_customerservice_agent"),
                    true,
                ));
            } else {
                grants.push((
                    agent.id.clone(),
                    role(self, "sn_customerservice_agent"),
                    false,
                ));
            }
        }
        grants.push((
            self.id(Entity::Agent, 390),
            role(self, "csm_ws_integration"),
            false,
        ));
        grants.push((self.id(Entity::Agent, 391), role(self, "itil"), false));
        for (k, (user, role, inherited)) in grants.into_iter().enumerate() {
            let id = self.id(Entity::Agent, 7001 + k as u64);
            self.insert(
                "sys_user_has_role",
                row(vec![
                    ("sys_id", id),
                    ("user", user),
                    ("role", role),
                    ("state", "active".into()),
                    ("inherited", flag(inherited)),
                    ("sys_created_on", setup.clone()),
                ]),
            );
        }
        for group in &world.groups {
            self.insert(
                "sys_user_group",
                row(vec![
                    ("sys_id", group.id.clone()),
                    ("name", group.name.clone()),
                    ("active", "true".into()),
                    ("sys_created_on", setup.clone()),
                ]),
            );
        }
        let mut k = 0;
        for agent in &world.agents {
            for group in &agent.groups {
                k += 1;
                let id = self.id(Entity::Group, 8000 + k);
                self.insert(
                    "sys_user_grmember",
                    row(vec![
                        ("sys_id", id),
                        ("user", agent.id.clone()),
                        ("group", group.clone()),
                        ("sys_created_on", setup.clone()),
                    ]),
                );
            }
        }
    }

    fn seed_choices(&mut self) {
        for (k, (table, element, value, label)) in CHOICES.iter().enumerate() {
            let id = self.id(Entity::Tag, 8001 + k as u64);
            self.insert(
                "sys_choice",
                row(vec![
                    ("sys_id", id),
                    ("name", (*table).into()),
                    ("element", (*element).into()),
                    ("value", (*value).into()),
                    ("label", (*label).into()),
                    ("sequence", (k * 10).to_string()),
                    ("language", "en".into()),
                    ("inactive", "false".into()),
                ]),
            );
        }
    }

    fn seed_cases(&mut self, world: &World) {
        let user_name = |s: &Self, id: &str| {
            s.find("sys_user", id)
                .and_then(|u| u.get("user_name").cloned())
                .unwrap_or_default()
        };
        for (i, ticket) in world.tickets.iter().enumerate() {
            let number = 101 + i as u64;
            let account = world
                .customers
                .iter()
                .find(|c| c.id == ticket.requester)
                .and_then(|c| c.organization.clone())
                .unwrap_or_default();
            let done = ticket.status.is_done();
            let created_by = user_name(self, &ticket.requester);
            self.insert(
                CASES,
                row(vec![
                    ("sys_id", ticket.id.clone()),
                    ("number", case_number(number)),
                    ("short_description", ticket.subject.clone()),
                    ("description", ticket.description.clone()),
                    ("state", state_value(&ticket.status).into()),
                    (
                        "priority",
                        ticket.priority.as_ref().map_or("4", priority_value).into(),
                    ),
                    ("contact_type", channel_value(&ticket.channel).into()),
                    (
                        "category",
                        ticket.category.as_ref().map_or("", category_value).into(),
                    ),
                    ("contact", ticket.requester.clone()),
                    ("account", account),
                    ("assigned_to", ticket.assignee.clone().unwrap_or_default()),
                    ("assignment_group", ticket.group.clone().unwrap_or_default()),
                    ("opened_at", glide_time(&ticket.created_at)),
                    (
                        "resolved_at",
                        ticket
                            .resolved_at
                            .as_ref()
                            .map(glide_time)
                            .unwrap_or_default(),
                    ),
                    (
                        "closed_at",
                        ticket
                            .closed_at
                            .as_ref()
                            .map(glide_time)
                            .unwrap_or_default(),
                    ),
                    ("close_notes", ticket.resolution.clone().unwrap_or_default()),
                    ("active", flag(!done)),
                    ("sys_class_name", CASES.into()),
                    ("sys_created_on", glide_time(&ticket.created_at)),
                    ("sys_updated_on", glide_time(&ticket.updated_at)),
                    ("sys_created_by", created_by.clone()),
                    ("sys_updated_by", created_by),
                    ("sys_mod_count", "1".into()),
                ]),
            );
        }
        for comment in &world.comments {
            let element = match comment.visibility {
                Visibility::Internal => "work_notes",
                _ => "comments",
            };
            self.journal.push(JournalEntry {
                sys_id: comment.id.clone(),
                case: comment.ticket.clone(),
                element: element.into(),
                value: comment.body.clone(),
                created_on: glide_time(&comment.created_at),
                user: comment.author.clone(),
            });
            for file in &comment.attachments {
                let created_by = user_name(self, &comment.author);
                let link = format!("{}/api/now/attachment/{}/file", self.base_url, file.id);
                self.insert(
                    "sys_attachment",
                    row(vec![
                        ("sys_id", file.id.clone()),
                        ("file_name", file.file_name.clone()),
                        ("content_type", file.content_type.clone()),
                        ("size_bytes", file.content.len().to_string()),
                        ("table_name", CASES.into()),
                        ("table_sys_id", comment.ticket.clone()),
                        ("download_link", link),
                        ("sys_created_on", glide_time(&comment.created_at)),
                        ("sys_created_by", created_by),
                    ]),
                );
                self.files.insert(file.id.clone(), file.content.clone());
            }
        }
    }

    fn seed_tags(&mut self, world: &World) {
        let owner = world.agents[0].id.clone();
        for (name, _) in &world.tags {
            let id = world.tag_id(name);
            // Tags without ids of their own still need a sys_id here.
            let id = if self.ids.matches(&id) {
                id
            } else {
                self.id(Entity::Tag, self.next_label)
            };
            self.next_label += 1;
            self.insert(
                "label",
                row(vec![
                    ("sys_id", id),
                    ("name", name.clone()),
                    ("type", "standard".into()),
                    ("viewable_by", "everyone".into()),
                    ("active", "true".into()),
                    ("owner", owner.clone()),
                ]),
            );
        }
        for ticket in &world.tickets {
            for tag in &ticket.tags {
                self.tag_case(&ticket.id, tag);
            }
        }
    }

    /// The label named `name` (tag names are case-insensitive).
    pub fn label_named(&self, name: &str) -> Option<String> {
        self.rows("label")
            .iter()
            .find(|l| l.get("name").is_some_and(|n| n.eq_ignore_ascii_case(name)))
            .and_then(|l| l.get("sys_id").cloned())
    }

    /// Tags a case with an existing label; the entry's sys_id.
    pub fn tag_case(&mut self, case: &str, name: &str) -> Option<String> {
        let label = self.label_named(name)?;
        let number = self
            .find(CASES, case)
            .and_then(|c| c.get("number").cloned())
            .unwrap_or_default();
        let id = self.id(Entity::Tag, self.next_label_entry);
        self.next_label_entry += 1;
        self.insert(
            "label_entry",
            row(vec![
                ("sys_id", id.clone()),
                ("label", label),
                ("table", CASES.into()),
                ("table_key", case.to_owned()),
                ("title", number),
            ]),
        );
        Some(id)
    }

    fn seed_knowledge(&mut self, world: &World) {
        let setup = glide_time(&setup_time());
        let kb = self.id(Entity::Category, 7900);
        self.insert(
            "kb_knowledge_base",
            row(vec![
                ("sys_id", kb.clone()),
                ("title", "Customer Service".into()),
            ]),
        );
        for category in &world.categories {
            self.insert(
                "kb_category",
                row(vec![
                    ("sys_id", category.id.clone()),
                    ("label", category.name.clone()),
                    ("value", category.name.to_lowercase().replace(' ', "_")),
                    ("parent_table", "kb_knowledge_base".into()),
                    ("parent_id", kb.clone()),
                    ("active", "true".into()),
                    ("sys_created_on", setup.clone()),
                ]),
            );
        }
        for (i, article) in world.articles.iter().enumerate() {
            let state = if article.published {
                "published"
            } else {
                "draft"
            };
            self.insert(
                "kb_knowledge",
                row(vec![
                    ("sys_id", article.id.clone()),
                    ("number", format!("KB{:07}", 10_801 + i)),
                    ("short_description", article.title.clone()),
                    ("text", article.body_html.clone()),
                    ("kb_category", article.category.clone()),
                    ("kb_knowledge_base", kb.clone()),
                    ("workflow_state", state.into()),
                    ("language", article.locale.clone()),
                    ("author", article.author.clone()),
                    (
                        "published",
                        if article.published {
                            article.created_at.format("%Y-%m-%d").to_string()
                        } else {
                            String::new()
                        },
                    ),
                    ("sys_created_on", glide_time(&article.created_at)),
                    ("sys_updated_on", glide_time(&article.created_at)),
                ]),
            );
        }
    }

    fn seed_slas(&mut self, world: &World) {
        let setup = glide_time(&setup_time());
        let duration = |hours: i64| {
            let base = chrono::DateTime::<Utc>::UNIX_EPOCH + chrono::Duration::hours(hours);
            glide_time(&base)
        };
        for policy in &world.sla_policies {
            let minutes = policy.targets.first().map_or(60, |t| t.minutes) as i64;
            let base = chrono::DateTime::<Utc>::UNIX_EPOCH + chrono::Duration::minutes(minutes);
            self.insert(
                "contract_sla",
                row(vec![
                    ("sys_id", policy.id.clone()),
                    ("name", policy.name.clone()),
                    ("description", policy.description.clone()),
                    ("type", "SLA".into()),
                    ("target", "response".into()),
                    ("duration", glide_time(&base)),
                    ("collection", CASES.into()),
                    ("active", "true".into()),
                    ("sys_created_on", setup.clone()),
                ]),
            );
        }
        let response = self.id(Entity::SlaPolicy, 902);
        let resolution = self.id(Entity::SlaPolicy, 903);
        for (id, name, target, hours) in [
            (&response, "Case first response", "response", 1),
            (&resolution, "Case resolution", "resolution", 48),
        ] {
            self.insert(
                "contract_sla",
                row(vec![
                    ("sys_id", id.clone()),
                    ("name", name.into()),
                    ("description", format!("{name} target")),
                    ("type", "SLA".into()),
                    ("target", target.into()),
                    ("duration", duration(hours)),
                    ("collection", CASES.into()),
                    ("active", "true".into()),
                    ("sys_created_on", setup.clone()),
                ]),
            );
        }
        let mut k = 0;
        for ticket in &world.tickets {
            let Some(sla) = &ticket.sla else { continue };
            for (definition, due, breached) in [
                (
                    &response,
                    sla.first_response_due,
                    sla.first_response_breached,
                ),
                (&resolution, sla.resolution_due, sla.resolution_breached),
            ] {
                k += 1;
                let id = self.id(Entity::SlaPolicy, 9500 + k);
                self.insert(
                    "task_sla",
                    row(vec![
                        ("sys_id", id),
                        ("task", ticket.id.clone()),
                        ("sla", definition.clone()),
                        ("stage", "in_progress".into()),
                        ("has_breached", flag(breached)),
                        ("planned_end_time", glide_time(&due)),
                        ("start_time", glide_time(&ticket.created_at)),
                        ("percentage", if breached { "112.5" } else { "42.1" }.into()),
                        (
                            "business_percentage",
                            if breached { "112.5" } else { "42.1" }.into(),
                        ),
                        ("active", "true".into()),
                        ("sys_created_on", glide_time(&ticket.created_at)),
                    ]),
                );
            }
        }
    }

    fn seed_ratings(&mut self, world: &World) {
        let kind = self.id(Entity::Rating, 1900);
        self.insert(
            "asmt_metric_type",
            row(vec![
                ("sys_id", kind.clone()),
                ("name", "Customer Satisfaction".into()),
            ]),
        );
        let overall = self.id(Entity::Rating, 1901);
        let remarks = self.id(Entity::Rating, 1902);
        self.insert(
            "asmt_metric",
            row(vec![
                ("sys_id", overall.clone()),
                ("name", "Overall satisfaction".into()),
                ("datatype", "scale".into()),
            ]),
        );
        self.insert(
            "asmt_metric",
            row(vec![
                ("sys_id", remarks.clone()),
                ("name", "Comments".into()),
                ("datatype", "string".into()),
            ]),
        );
        let mut k = 0;
        for (i, rating) in world.ratings.iter().enumerate() {
            let at = glide_time(&rating.created_at);
            let id = if self.ids.matches(&rating.id) {
                rating.id.clone()
            } else {
                self.id(Entity::Rating, 1001 + i as u64)
            };
            self.insert(
                "asmt_assessment_instance",
                row(vec![
                    ("sys_id", id.clone()),
                    ("number", format!("AINST{:07}", 1001 + i)),
                    ("trigger_table", CASES.into()),
                    ("trigger_id", rating.ticket.clone()),
                    ("user", rating.requester.clone()),
                    ("metric_type", kind.clone()),
                    ("state", "complete".into()),
                    ("taken_on", at.clone()),
                    ("sys_created_on", at.clone()),
                ]),
            );
            let (actual, normalized, label) = if rating.good {
                ("5", "1", "Very satisfied")
            } else {
                ("1", "0", "Very dissatisfied")
            };
            let mut answers = vec![(
                overall.clone(),
                actual.to_owned(),
                normalized.to_owned(),
                label.to_owned(),
            )];
            if let Some(comment) = &rating.comment {
                answers.push((remarks.clone(), "-1".into(), "-1".into(), comment.clone()));
            }
            for (metric, actual, normalized, text) in answers {
                k += 1;
                let answer = self.id(Entity::Rating, 2000 + k);
                self.insert(
                    "asmt_metric_result",
                    row(vec![
                        ("sys_id", answer),
                        ("instance", id.clone()),
                        ("metric", metric),
                        ("actual_value", actual),
                        ("normalized_value", normalized),
                        ("string_value", text),
                        ("sys_created_on", at.clone()),
                    ]),
                );
            }
        }
    }
}

impl sim::Account for SimState {
    fn seed(world: World, base_url: &str) -> Self {
        let mut state = SimState {
            base_url: base_url.trim_end_matches('/').to_owned(),
            ids: world.profile.ids,
            clock: Some(WriteClock::new(&world)),
            next_case: 150,
            next_entry: 650,
            next_label: 5001,
            next_label_entry: 6001,
            ..SimState::default()
        };
        state.seed_choices();
        state.seed_users(&world);
        state.seed_cases(&world);
        state.seed_tags(&world);
        state.seed_knowledge(&world);
        state.seed_slas(&world);
        state.seed_ratings(&world);
        state
    }

    fn log(&mut self) -> &mut Vec<RecordedRequest> {
        &mut self.log
    }
}
