//! The Salesforce org the simulator serves: the fixture world as sObject rows (JSON objects of
//! the documented fields), the open query cursors, and the log of answered requests.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use support_conformance::World;
use support_conformance::sim::{self, RecordedRequest, WriteClock};
use support_core::{AuthorKind, Channel, Priority, TicketStatus, Visibility};

/// One sObject row.
pub type Row = Map<String, Value>;

/// The largest query batch Salesforce returns.
pub const MAX_BATCH: usize = 2000;

/// The case statuses of the org (`CaseStatus`): (API name, closed). `escalated` is the world's
/// status no mapping knows (the org's own value); Salesforce's default `Escalated` is left out so
/// the two cannot be confused.
pub const STATUSES: &[(&str, bool)] = &[
    ("New", false),
    ("Working", false),
    ("Waiting on Customer", false),
    ("On Hold", false),
    ("Closed", true),
    ("escalated", false),
];
/// The milestone type of a case's first-response clock.
pub const MILESTONE_FIRST_RESPONSE: &str = "First Response";
/// The milestone type of a case's resolution clock.
pub const MILESTONE_RESOLUTION: &str = "Resolution";
/// The `Case.Priority` picklist.
pub const PRIORITIES: &[&str] = &["High", "Medium", "Low"];
/// The `Case.Origin` picklist.
pub const ORIGINS: &[&str] = &["Email", "Web", "Phone", "Chat"];

/// Every object the simulator knows and its fields (what SOQL and `fields=` may name).
pub const SCHEMA: &[(&str, &[&str])] = &[
    (
        "Case",
        &[
            "Id",
            "CaseNumber",
            "Subject",
            "Description",
            "Status",
            "Priority",
            "Origin",
            "ContactId",
            "AccountId",
            "SuppliedEmail",
            "SuppliedName",
            "OwnerId",
            "IsClosed",
            "ClosedDate",
            "CreatedDate",
            "LastModifiedDate",
            "EntitlementId",
            "SlaStartDate",
            "IsEscalated",
            "Type",
            "Reason",
            "IsDeleted",
            // The org's custom fields (`CUSTOM_FIELDS`).
            "Product__c",
            "Legacy_Id__c",
            "Escalation_Count__c",
        ],
    ),
    (
        "ContentDocumentLink",
        &[
            "Id",
            "LinkedEntityId",
            "ContentDocumentId",
            "ShareType",
            "Visibility",
        ],
    ),
    (
        "ContentDocument",
        &[
            "Id",
            "Title",
            "FileExtension",
            "FileType",
            "ContentSize",
            "LatestPublishedVersionId",
            "CreatedDate",
        ],
    ),
    (
        "ContentVersion",
        &[
            "Id",
            "ContentDocumentId",
            "Title",
            "PathOnClient",
            "FileExtension",
            "FileType",
            "ContentSize",
            "VersionData",
            "FirstPublishLocationId",
            "IsLatest",
            "CreatedDate",
        ],
    ),
    (
        "Attachment",
        &[
            "Id",
            "ParentId",
            "Name",
            "ContentType",
            "BodyLength",
            "Body",
            "CreatedDate",
        ],
    ),
    (
        "CaseComment",
        &[
            "Id",
            "ParentId",
            "CommentBody",
            "IsPublished",
            "CreatedById",
            "CreatedDate",
            "IsDeleted",
        ],
    ),
    (
        "EmailMessage",
        &[
            "Id",
            "ParentId",
            "Incoming",
            "FromAddress",
            "FromName",
            "ToAddress",
            "Subject",
            "TextBody",
            "HtmlBody",
            "MessageDate",
            "Status",
            "HasAttachment",
            "CreatedById",
            "CreatedDate",
        ],
    ),
    (
        "User",
        &[
            "Id",
            "Name",
            "Email",
            "IsActive",
            "UserType",
            "Username",
            "ProfileId",
            "CreatedDate",
        ],
    ),
    ("Profile", &["Id", "Name", "UserType"]),
    (
        "EmailMessageRelation",
        &[
            "Id",
            "EmailMessageId",
            "RelationId",
            "RelationType",
            "RelationAddress",
        ],
    ),
    (
        "Contact",
        &["Id", "Name", "Email", "AccountId", "CreatedDate"],
    ),
    ("Account", &["Id", "Name"]),
    (
        "Group",
        &["Id", "Name", "DeveloperName", "Type", "CreatedDate"],
    ),
    ("GroupMember", &["Id", "GroupId", "UserOrGroupId"]),
    (
        "CaseStatus",
        &[
            "Id",
            "ApiName",
            "MasterLabel",
            "IsClosed",
            "IsDefault",
            "SortOrder",
        ],
    ),
    (
        "Topic",
        &["Id", "Name", "Description", "TalkingAbout", "CreatedDate"],
    ),
    (
        "TopicAssignment",
        &["Id", "TopicId", "EntityId", "EntityType", "CreatedDate"],
    ),
    (
        "Knowledge__kav",
        &[
            "Id",
            "KnowledgeArticleId",
            "Title",
            "UrlName",
            "Summary",
            "Body__c",
            "Language",
            "PublishStatus",
            "IsLatestVersion",
            "ArticleNumber",
            "CreatedById",
            "CreatedDate",
            "LastPublishedDate",
        ],
    ),
    (
        "Knowledge__DataCategorySelection",
        &[
            "Id",
            "ParentId",
            "DataCategoryGroupName",
            "DataCategoryName",
            "CreatedDate",
        ],
    ),
    (
        "Entitlement",
        &[
            "Id",
            "Name",
            "SlaProcessId",
            "AccountId",
            "StartDate",
            "EndDate",
            "Status",
        ],
    ),
    (
        "SlaProcess",
        &[
            "Id",
            "Name",
            "Description",
            "IsActive",
            "IsVersionDefault",
            "SobjectType",
        ],
    ),
    ("MilestoneType", &["Id", "Name"]),
    (
        "CaseMilestone",
        &[
            "Id",
            "CaseId",
            "MilestoneTypeId",
            "StartDate",
            "TargetDate",
            "CompletionDate",
            "IsCompleted",
            "IsViolated",
            "TargetResponseInMins",
        ],
    ),
];

/// The custom fields of `Case`: API name, label, type (what `GET /sobjects/Case/describe`
/// lists with `custom: true`).
pub const CUSTOM_FIELDS: &[(&str, &str, &str)] = &[
    ("Product__c", "Product", "string"),
    ("Legacy_Id__c", "Legacy Id", "string"),
    ("Escalation_Count__c", "Escalation Count", "double"),
];

/// The fields a create may set, per object (the rest are read-only or unknown: 400).
pub const CREATABLE: &[(&str, &[&str])] = &[
    (
        "Case",
        &[
            "Subject",
            "Description",
            "Status",
            "Priority",
            "Origin",
            "ContactId",
            "AccountId",
            "SuppliedEmail",
            "SuppliedName",
            "OwnerId",
            "EntitlementId",
            "Type",
            "Reason",
            "Product__c",
            "Legacy_Id__c",
            "Escalation_Count__c",
        ],
    ),
    ("CaseComment", &["ParentId", "CommentBody", "IsPublished"]),
    (
        "ContentVersion",
        &[
            "Title",
            "PathOnClient",
            "VersionData",
            "FirstPublishLocationId",
            "Description",
        ],
    ),
    ("Topic", &["Name", "Description"]),
    ("TopicAssignment", &["TopicId", "EntityId"]),
];

/// The fields an update may set (a CaseComment's `ParentId` and a TopicAssignment are fixed).
pub const UPDATABLE: &[(&str, &[&str])] = &[
    (
        "Case",
        &[
            "Subject",
            "Description",
            "Status",
            "Priority",
            "Origin",
            "ContactId",
            "AccountId",
            "SuppliedEmail",
            "SuppliedName",
            "OwnerId",
            "EntitlementId",
            "Type",
            "Reason",
            "Product__c",
            "Legacy_Id__c",
            "Escalation_Count__c",
        ],
    ),
    ("CaseComment", &["CommentBody", "IsPublished"]),
    ("Topic", &["Name", "Description"]),
];

/// The fields of an object, if the simulator knows it (object names are case-insensitive).
pub fn fields_of(object: &str) -> Option<(&'static str, &'static [&'static str])> {
    SCHEMA
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(object))
        .copied()
}

/// The org's data category group: the world's knowledge categories are its categories.
pub const CATEGORY_GROUP: &str = "Help_Center";

/// The key prefix of an object's ids.
pub fn prefix(object: &str) -> &'static str {
    match object {
        "Case" => "500",
        "CaseComment" => "00a",
        "EmailMessage" => "02s",
        "User" => "005",
        "Profile" => "00e",
        "EmailMessageRelation" => "0Rm",
        "Contact" => "003",
        "Account" => "001",
        "Group" => "00G",
        "GroupMember" => "011",
        "CaseStatus" => "01J",
        "Topic" => "0TO",
        "TopicAssignment" => "0FT",
        "Knowledge__kav" => "ka0",
        "Entitlement" => "550",
        "SlaProcess" => "552",
        "MilestoneType" => "557",
        "CaseMilestone" => "5lg",
        "ContentDocument" => "069",
        "ContentVersion" => "068",
        "ContentDocumentLink" => "06A",
        "Attachment" => "00P",
        _ => "0Zz",
    }
}

const CHECKSUM: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// The 18-character form of a 15-character id.
pub fn id18(fifteen: &str) -> String {
    let suffix: String = fifteen
        .as_bytes()
        .chunks(5)
        .map(|chunk| {
            let bits = chunk
                .iter()
                .enumerate()
                .filter(|(_, b)| b.is_ascii_uppercase())
                .fold(0usize, |acc, (i, _)| acc | (1 << i));
            CHECKSUM[bits % 32] as char
        })
        .collect();
    format!("{fifteen}{suffix}")
}

/// A new 18-character id of `object` numbered `n` (mixed case, like the org's).
pub fn new_id(object: &str, n: u64) -> String {
    let mut body = Vec::with_capacity(12);
    let mut rest = n.wrapping_mul(0x9e37_79b9) ^ 0x5bd1e995;
    for _ in 0..8 {
        body.push(BASE62[(rest % 62) as usize]);
        rest /= 62;
    }
    let counter = format!("{n:04}");
    let fifteen = format!(
        "{}{}{}",
        prefix(object),
        String::from_utf8_lossy(&body),
        &counter[counter.len() - 4..]
    );
    id18(&fifteen)
}

/// A datetime as Salesforce serves it (`2026-01-05T08:00:00.000+0000`).
pub fn sf_time(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3f+0000").to_string()
}

/// The native status of a canonical one.
pub fn native_status(status: &TicketStatus) -> String {
    match status {
        TicketStatus::New => "New".into(),
        TicketStatus::Open | TicketStatus::InProgress => "Working".into(),
        TicketStatus::Pending => "Waiting on Customer".into(),
        TicketStatus::OnHold => "On Hold".into(),
        TicketStatus::Closed | TicketStatus::Resolved => "Closed".into(),
        other => other.as_str().to_owned(),
    }
}

/// The native priority of a canonical one.
pub fn native_priority(priority: &Priority) -> &'static str {
    match priority {
        Priority::Low => "Low",
        Priority::Normal => "Medium",
        _ => "High",
    }
}

/// The native origin of a channel.
pub fn native_origin(channel: &Channel) -> Option<&'static str> {
    match channel {
        Channel::Email => Some("Email"),
        Channel::Web => Some("Web"),
        Channel::Phone => Some("Phone"),
        Channel::Chat => Some("Chat"),
        _ => None,
    }
}

/// The org's records.
#[derive(Debug)]
pub struct SimState {
    log: Vec<RecordedRequest>,
    /// Rows per object (API name).
    pub objects: BTreeMap<&'static str, Vec<Row>>,
    /// Open query cursors: locator -> (records, next offset, batch size).
    pub cursors: HashMap<String, (Vec<Value>, usize, usize)>,
    /// The largest batch a query answers (2,000; smaller for tests).
    pub batch_size: usize,
    /// API requests used today (reported in `Sforce-Limit-Info`).
    pub api_used: u64,
    /// The next generated record number.
    pub next: u64,
    /// Times of writes.
    pub clock: WriteClock,
    /// Every SOQL query the simulator answered, as sent.
    pub queries: Vec<String>,
    /// The API user (the world's first agent): the author of comments the API creates.
    pub api_user: String,
    /// Expire the access tokens this server issued right after the next query batch that has
    /// more to follow (once): the token runs out in the middle of a listing.
    pub expire_tokens_mid_listing: bool,
    /// The ids the next created rows of an object get, in order (the world's created ticket and
    /// comments); then generated ones.
    pub planned_ids: HashMap<&'static str, std::collections::VecDeque<String>>,
    /// Every write's headers: (method, path, `Sforce-Auto-Assign`).
    pub auto_assign: Vec<(String, String, Option<String>)>,
    /// The bytes of files: a `ContentVersion`'s `VersionData` or an `Attachment`'s `Body`, by id.
    pub blobs: HashMap<String, Vec<u8>>,
}

impl SimState {
    /// The rows of an object.
    pub fn rows(&self, object: &str) -> &[Row] {
        self.objects.get(object).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Inserts a row, giving it an `Id` when it has none.
    pub fn insert(&mut self, object: &'static str, mut row: Row) -> String {
        let given = row.get("Id").and_then(Value::as_str).map(str::to_owned);
        let id = match given.or_else(|| self.planned_ids.get_mut(object)?.pop_front()) {
            Some(id) => {
                row.insert("Id".into(), json!(id));
                id
            }
            None => {
                self.next += 1;
                let id = new_id(object, self.next);
                row.insert("Id".into(), json!(id));
                id
            }
        };
        self.objects.entry(object).or_default().push(row);
        id
    }

    /// The row of `object` with this id (15 or 18 characters).
    pub fn find(&self, object: &str, id: &str) -> Option<&Row> {
        self.rows(object).iter().find(|r| same_id(r, id))
    }

    /// The row of `object` with this id, to change.
    pub fn find_mut(&mut self, object: &str, id: &str) -> Option<&mut Row> {
        self.objects
            .get_mut(object)?
            .iter_mut()
            .find(|r| same_id(r, id))
    }

    /// Any row with this id, and its object.
    pub fn find_any(&self, id: &str) -> Option<(&'static str, &Row)> {
        self.objects
            .iter()
            .find_map(|(object, rows)| rows.iter().find(|r| same_id(r, id)).map(|r| (*object, r)))
    }

    /// Adds a case (a test hook): the row's fields over a new case's defaults.
    pub fn add_case(&mut self, subject: &str) -> String {
        let now = sf_time(&self.clock.tick());
        self.next += 1;
        let mut row = Row::new();
        row.insert("Subject".into(), json!(subject));
        row.insert("Status".into(), json!("New"));
        row.insert("IsClosed".into(), json!(false));
        row.insert("Priority".into(), json!("Medium"));
        row.insert(
            "CaseNumber".into(),
            json!(format!("{:08}", 1000 + self.next)),
        );
        row.insert("CreatedDate".into(), json!(now));
        row.insert("LastModifiedDate".into(), json!(now));
        self.insert("Case", row)
    }
}

/// Whether a row has this id (15 characters: case-sensitive prefix; 18: case-insensitive).
pub fn same_id(row: &Row, id: &str) -> bool {
    let Some(own) = row.get("Id").and_then(Value::as_str) else {
        return false;
    };
    match id.len() {
        15 => own.starts_with(id),
        18 => own.eq_ignore_ascii_case(id),
        _ => false,
    }
}

/// A row of a JSON object's fields.
pub fn row_of(pairs: Value) -> Row {
    row(pairs)
}

fn row(pairs: Value) -> Row {
    match pairs {
        Value::Object(map) => map,
        _ => Row::new(),
    }
}

impl sim::Account for SimState {
    fn seed(world: World, _base_url: &str) -> Self {
        let mut state = SimState {
            log: Vec::new(),
            objects: BTreeMap::new(),
            cursors: HashMap::new(),
            batch_size: MAX_BATCH,
            api_used: 0,
            next: 0,
            clock: WriteClock::new(&world),
            queries: Vec::new(),
            auto_assign: Vec::new(),
            blobs: HashMap::new(),
            expire_tokens_mid_listing: false,
            planned_ids: HashMap::from([
                ("Case", [world.created_ticket_id().to_owned()].into()),
                (
                    "CaseComment",
                    [
                        world.created_comment_ids().0.to_owned(),
                        world.created_comment_ids().1.to_owned(),
                    ]
                    .into(),
                ),
            ]),
            api_user: world
                .agents
                .first()
                .map(|a| a.id.clone())
                .unwrap_or_default(),
        };
        let setup = sf_time(&sim::setup_time());
        for (order, (name, closed)) in STATUSES.iter().enumerate() {
            state.insert(
                "CaseStatus",
                row(json!({
                    "ApiName": name, "MasterLabel": name, "IsClosed": closed,
                    "IsDefault": order == 0, "SortOrder": order + 1,
                })),
            );
        }
        let account = state.insert("Account", row(json!({"Name": world.organization.1})));
        for group in &world.groups {
            state.insert(
                "Group",
                row(json!({
                    "Id": group.id, "Name": group.name, "Type": "Queue",
                    "DeveloperName": group.name.replace(' ', "_"), "CreatedDate": setup,
                })),
            );
        }
        // A public group, which is not a queue: never an agent group.
        state.insert(
            "Group",
            row(json!({"Name": "All Internal Users", "Type": "Organization", "DeveloperName": "AllInternalUsers", "CreatedDate": setup})),
        );
        let mut profiles: HashMap<String, String> = HashMap::new();
        for agent in &world.agents {
            if !profiles.contains_key(&agent.role) {
                let id = state.insert(
                    "Profile",
                    row(json!({"Name": agent.role, "UserType": "Standard"})),
                );
                profiles.insert(agent.role.clone(), id);
            }
            state.insert(
                "User",
                row(json!({
                    "ProfileId": profiles.get(&agent.role),
                    "Id": agent.id, "Name": agent.name, "Email": agent.email, "IsActive": true,
                    "UserType": "Standard", "Username": agent.email, "CreatedDate": setup,
                })),
            );
            for group in &agent.groups {
                state.insert(
                    "GroupMember",
                    row(json!({"GroupId": group, "UserOrGroupId": agent.id})),
                );
            }
        }
        // Users that are not agents: a deactivated one and an automated one.
        state.insert(
            "User",
            row(json!({"Name": "Former Agent", "Email": "former@example.com", "IsActive": false, "UserType": "Standard", "Username": "former@example.com", "CreatedDate": setup})),
        );
        state.insert(
            "User",
            row(json!({"Name": "Automated Process", "Email": "autoproc@example.com", "IsActive": true, "UserType": "AutomatedProcess", "Username": "autoproc@example.com", "CreatedDate": setup})),
        );
        for customer in &world.customers {
            state.insert(
                "Contact",
                row(json!({
                    "Id": customer.id, "Name": customer.name, "Email": customer.email,
                    "AccountId": customer.organization.as_ref().map(|_| account.clone()),
                    "CreatedDate": setup,
                })),
            );
        }
        let mut topics: HashMap<String, String> = HashMap::new();
        for (name, _) in &world.tags {
            let id = state.insert(
                "Topic",
                row(json!({"Id": world.tag_id(name), "Name": name, "Description": null, "TalkingAbout": 0, "CreatedDate": setup})),
            );
            topics.insert(name.clone(), id);
        }
        for (n, ticket) in world.tickets.iter().enumerate() {
            let status = native_status(&ticket.status);
            let closed = STATUSES.iter().any(|(s, c)| *c && *s == status);
            let owner = ticket.assignee.clone().or_else(|| ticket.group.clone());
            state.insert(
                "Case",
                row(json!({
                    "Id": ticket.id,
                    "CaseNumber": format!("{:08}", n + 1),
                    "Subject": ticket.subject,
                    "Description": ticket.description,
                    "Status": status,
                    "IsClosed": closed,
                    "ClosedDate": if closed { Some(sf_time(&ticket.updated_at)) } else { None },
                    "Priority": ticket.priority.as_ref().map(native_priority),
                    "Origin": native_origin(&ticket.channel),
                    "ContactId": ticket.requester,
                    "AccountId": world
                        .customers
                        .iter()
                        .find(|c| c.id == ticket.requester)
                        .and_then(|c| c.organization.as_ref())
                        .map(|_| account.clone()),
                    "OwnerId": owner,
                    "CreatedDate": sf_time(&ticket.created_at),
                    "LastModifiedDate": sf_time(&ticket.updated_at),
                    "EntitlementId": null,
                    "IsEscalated": false,
                    "IsDeleted": false,
                    // Custom field values: every case has a product and a legacy id; the first
                    // has been escalated twice, the others have no count.
                    "Product__c": if n % 2 == 0 { "Billing Portal" } else { "Hardware" },
                    "Legacy_Id__c": format!("LEG-{:04}", n + 1),
                    "Escalation_Count__c": if n == 0 { Some(2.0) } else { None },
                })),
            );
            for tag in &ticket.tags {
                let topic = match topics.get(tag) {
                    Some(id) => id.clone(),
                    None => {
                        let id = state.insert(
                            "Topic",
                            row(json!({"Name": tag, "TalkingAbout": 0, "CreatedDate": setup})),
                        );
                        topics.insert(tag.clone(), id.clone());
                        id
                    }
                };
                state.insert(
                    "TopicAssignment",
                    row(json!({
                        "TopicId": topic, "EntityId": ticket.id, "EntityType": "Case",
                        "CreatedDate": sf_time(&ticket.created_at),
                    })),
                );
            }
        }
        for comment in &world.comments {
            let at = sf_time(&comment.created_at);
            if comment.author_kind == AuthorKind::Customer {
                let from = world
                    .customers
                    .iter()
                    .find(|c| c.id == comment.author)
                    .map(|c| (c.email.clone(), c.name.clone()))
                    .unwrap_or_default();
                state.insert(
                    "EmailMessage",
                    row(json!({
                        "Id": comment.id, "ParentId": comment.ticket, "Incoming": true,
                        "FromAddress": from.0, "FromName": from.1, "ToAddress": "support@example.com",
                        "Subject": null, "TextBody": comment.body, "HtmlBody": comment.html,
                        "MessageDate": at, "Status": "0", "HasAttachment": false,
                        "CreatedById": comment.author, "CreatedDate": at,
                    })),
                );
                state.insert(
                    "EmailMessageRelation",
                    row(json!({
                        "EmailMessageId": comment.id, "RelationId": comment.author,
                        "RelationType": "FromAddress", "RelationAddress": from.0,
                    })),
                );
                // The mail's files: legacy `Attachment` rows of the email.
                for file in &comment.attachments {
                    let id = state.insert(
                        "Attachment",
                        row(json!({
                            "Id": file.id, "ParentId": comment.id, "Name": file.file_name,
                            "ContentType": file.content_type, "BodyLength": file.content.len(),
                            "Body": format!("/services/data/v64.0/sobjects/Attachment/{}/Body", file.id),
                            "CreatedDate": at,
                        })),
                    );
                    state.blobs.insert(id, file.content.clone());
                }
            } else {
                state.insert(
                    "CaseComment",
                    row(json!({
                        "Id": comment.id, "ParentId": comment.ticket, "CommentBody": comment.body,
                        "IsPublished": comment.visibility == Visibility::Public,
                        "CreatedById": comment.author, "CreatedDate": at, "IsDeleted": false,
                    })),
                );
            }
        }
        for (n, article) in world.articles.iter().enumerate() {
            state.insert(
                "Knowledge__kav",
                row(json!({
                    "Id": article.id,
                    "KnowledgeArticleId": new_id("Knowledge__ka", n as u64 + 1),
                    "Title": article.title,
                    "UrlName": article.title.to_lowercase().replace(' ', "-"),
                    "Summary": null,
                    "Body__c": article.body_html,
                    "Language": article.locale.replace('-', "_"),
                    "PublishStatus": if article.published { "Online" } else { "Draft" },
                    "IsLatestVersion": true,
                    "ArticleNumber": format!("{:09}", n + 1),
                    "CreatedById": article.author,
                    "CreatedDate": sf_time(&article.created_at),
                    "LastPublishedDate": if article.published { Some(sf_time(&article.created_at)) } else { None },
                })),
            );
            // The article's data category, in the org's one category group.
            state.insert(
                "Knowledge__DataCategorySelection",
                row(json!({
                    "Id": new_id("Knowledge__DataCategorySelection", n as u64 + 1),
                    "ParentId": article.id,
                    "DataCategoryGroupName": CATEGORY_GROUP,
                    "DataCategoryName": article.category,
                    "CreatedDate": sf_time(&article.created_at),
                })),
            );
        }
        let mut entitlement = None;
        for sla in &world.sla_policies {
            state.insert(
                "SlaProcess",
                row(json!({
                    "Id": sla.id, "Name": sla.name, "Description": sla.description,
                    "IsActive": true, "IsVersionDefault": true, "SobjectType": "Case",
                })),
            );
            let id = state.insert(
                "Entitlement",
                row(json!({
                    "Name": sla.name, "SlaProcessId": sla.id, "AccountId": account,
                    "StartDate": "2026-01-01", "EndDate": null, "Status": "Active",
                })),
            );
            entitlement.get_or_insert(id);
        }
        // Each case's SLA clocks are CaseMilestones of the milestone types "First Response"
        // and "Resolution", under the first entitlement.
        let first_response = state.insert(
            "MilestoneType",
            row(json!({"Name": MILESTONE_FIRST_RESPONSE})),
        );
        let resolution = state.insert("MilestoneType", row(json!({"Name": MILESTONE_RESOLUTION})));
        for ticket in &world.tickets {
            let Some(sla) = &ticket.sla else { continue };
            if let Some(case) = state.find_mut("Case", &ticket.id) {
                case.insert("EntitlementId".into(), json!(entitlement));
                case.insert("SlaStartDate".into(), json!(sf_time(&ticket.created_at)));
            }
            for (kind, due, breached) in [
                (
                    &first_response,
                    sla.first_response_due,
                    sla.first_response_breached,
                ),
                (&resolution, sla.resolution_due, sla.resolution_breached),
            ] {
                let minutes = (due - ticket.created_at).num_minutes().max(0);
                state.insert(
                    "CaseMilestone",
                    row(json!({
                        "CaseId": ticket.id, "MilestoneTypeId": kind,
                        "StartDate": sf_time(&ticket.created_at), "TargetDate": sf_time(&due),
                        "CompletionDate": null, "IsCompleted": false, "IsViolated": breached,
                        "TargetResponseInMins": minutes,
                    })),
                );
            }
        }
        state
    }

    fn log(&mut self) -> &mut Vec<RecordedRequest> {
        &mut self.log
    }
}

/// The id an 18-character id names whatever its letters' case: the checksum says which of the
/// first 15 characters are upper-case. `None` when it is not such an id.
pub fn restore_case(id: &str) -> Option<String> {
    if id.len() != 18 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let suffix = id[15..].to_ascii_uppercase();
    let mut out: Vec<u8> = id[..15].to_ascii_lowercase().into_bytes();
    for (chunk, c) in suffix.bytes().enumerate() {
        let bits = CHECKSUM.iter().position(|x| *x == c)?;
        for i in 0..5 {
            if bits & (1 << i) != 0 {
                let at = chunk * 5 + i;
                if !out[at].is_ascii_alphabetic() {
                    return None;
                }
                out[at] = out[at].to_ascii_uppercase();
            }
        }
    }
    let fifteen = String::from_utf8(out).ok()?;
    Some(id18(&fifteen))
}
