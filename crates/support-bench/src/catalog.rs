//! The tickets the bench server serves: generated from their id, so every run sends the same bytes
//! and 100,000 tickets cost no memory up front. Tickets carry custom fields and custom statuses, so
//! the adapters' lookups are part of what is measured.

use std::fmt::Write;
use std::ops::Range;

use chrono::{DateTime, Utc};
use serde::Deserialize;

/// The helpdesk a server imitates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Site {
    /// Zendesk: cursor-paged `GET /api/v2/tickets`, custom statuses, ticket fields by id.
    Zendesk,
    /// Freshdesk: `GET /api/v2/tickets` ordered by `updated_at` from `updated_since`, page-numbered,
    /// custom status codes labelled by the status ticket field.
    Freshdesk,
}

impl Site {
    /// Both sites, in the order the bench reports them.
    pub const ALL: [Site; 2] = [Site::Zendesk, Site::Freshdesk];

    /// The site's name in the bench's output.
    pub fn name(self) -> &'static str {
        match self {
            Site::Zendesk => "zendesk",
            Site::Freshdesk => "freshdesk",
        }
    }
}

/// When ticket 0 would have been updated: 2025-01-01T00:00:00Z. Ticket `id` was updated `id` seconds
/// later, so tickets are one second apart in `updated_at` order.
pub const EPOCH: i64 = 1_735_689_600;

/// Freshdesk pages read before the adapter restarts its window from the last `updated_at` seen
/// (the adapter's documented behaviour; the bare client does the same to send the same requests).
pub const FRESHDESK_WINDOW_PAGES: u32 = 100;

/// An RFC 3339 UTC timestamp, seconds precision.
pub fn timestamp(seconds: i64) -> String {
    DateTime::<Utc>::from_timestamp(seconds, 0)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// When ticket `id` was last updated.
pub fn updated_at(id: u64) -> String {
    timestamp(EPOCH + id as i64)
}

/// The first ticket id updated at or after `since`: where a Freshdesk listing from `since` starts.
pub fn first_id_since(since: DateTime<Utc>) -> u64 {
    let seconds = since.timestamp() - EPOCH;
    // A fraction of a second after an instant starts at the next ticket.
    let seconds = if since.timestamp_subsec_nanos() > 0 {
        seconds + 1
    } else {
        seconds
    };
    seconds.max(1) as u64
}

/// Zendesk's opaque cursor after ticket `id`.
pub fn zendesk_cursor(id: u64) -> String {
    format!("eyJvIjoiaWQiLCJ2IjoiaQ{id:010}AAAAA")
}

/// The ticket id a Zendesk cursor continues after, if it is one of ours.
pub fn zendesk_cursor_id(cursor: &str) -> Option<u64> {
    cursor
        .strip_prefix("eyJvIjoiaWQiLCJ2IjoiaQ")?
        .strip_suffix("AAAAA")?
        .parse()
        .ok()
}

/// The ids of one Zendesk page: `size` tickets after `after`, of `total`.
pub fn zendesk_page_ids(after: u64, size: u64, total: u64) -> Range<u64> {
    let start = after.saturating_add(1).min(total + 1);
    start..(after.saturating_add(size).min(total) + 1).max(start)
}

/// The ids of one Freshdesk page: page `page` (from 1) of `per_page` tickets updated at or after
/// ticket `first`'s update, of `total`.
pub fn freshdesk_page_ids(first: u64, page: u32, per_page: u64, total: u64) -> Range<u64> {
    let skip = u64::from(page.saturating_sub(1)).saturating_mul(per_page);
    let start = first.saturating_add(skip).min(total + 1);
    start..start.saturating_add(per_page).min(total + 1)
}

/// One request of a full listing, as the adapter sends it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageRequest {
    /// Path and query, percent-encoded, relative to the server's root.
    pub target: String,
    /// The ids the answer holds.
    pub ids: Range<u64>,
}

/// The ticket pages a full unfiltered listing of `total` tickets asks for, `per_page` at a time,
/// in order: what the bare clients request, the same requests the adapters make.
pub fn listing_plan(site: Site, total: u64, per_page: u64) -> Vec<PageRequest> {
    let mut plan = Vec::new();
    match site {
        Site::Zendesk => {
            let mut after = 0;
            loop {
                let ids = zendesk_page_ids(after, per_page, total);
                let mut target = format!("/api/v2/tickets?include=slas&page%5Bsize%5D={per_page}");
                if after > 0 {
                    let _ = write!(target, "&page%5Bafter%5D={}", zendesk_cursor(after));
                }
                let last = ids.end.saturating_sub(1);
                let more = last < total && !ids.is_empty();
                plan.push(PageRequest { target, ids });
                if !more {
                    break;
                }
                after = last;
            }
        }
        Site::Freshdesk => {
            // The window starts at the epoch, then at the last update seen, skipping that ticket.
            let mut since_id = 0;
            let mut page = 1;
            loop {
                let since = if since_id == 0 {
                    "1970-01-01T00:00:00Z".to_owned()
                } else {
                    updated_at(since_id)
                };
                let first = since_id.max(1);
                let ids = freshdesk_page_ids(first, page, per_page, total);
                let full = ids.end - ids.start == per_page;
                let target = format!(
                    "/api/v2/tickets?include=stats&updated_since={}&order_by=updated_at&order_type=asc&page={page}&per_page={per_page}",
                    since.replace(':', "%3A")
                );
                let last = ids.end.saturating_sub(1);
                plan.push(PageRequest { target, ids });
                if !full {
                    break;
                }
                if page >= FRESHDESK_WINDOW_PAGES {
                    since_id = last;
                    page = 1;
                } else {
                    page += 1;
                }
            }
        }
    }
    plan
}

// ----- the tickets -----

const SUBJECTS: [&str; 8] = [
    "Refund for order not received",
    "Cannot log in after password reset",
    "Invoice shows the wrong VAT number",
    "Shipment stuck in customs for two weeks",
    "Feature request: export reports to CSV",
    "App crashes when uploading a photo",
    "Please cancel my subscription",
    "Damaged item on delivery",
];

const DESCRIPTIONS: [&str; 4] = [
    "Hello, I placed an order three weeks ago and it still has not arrived. The tracking page has not changed since it left the warehouse. Could you check what happened and send a replacement or refund me? Thanks, Sam",
    "Hi team, since this morning none of our agents can sign in: the page reloads after the password step without any message. We tried two browsers and cleared the cookies. This blocks the whole support desk.",
    "Good afternoon. The last two invoices carry our old VAT number although we updated it in the billing settings in March. Our accountant needs corrected invoices before the end of the quarter.",
    "The parcel was delivered today but the box was crushed and the screen of the monitor is cracked. Photos attached. I would like a replacement as soon as possible.",
];

const REGIONS: [&str; 4] = ["emea", "amer", "apac", "latam"];

/// Zendesk custom statuses: id, agent label, status category.
pub const ZENDESK_CUSTOM_STATUSES: [(u64, &str, &str); 6] = [
    (1001, "New", "new"),
    (1002, "Open", "open"),
    (1003, "Waiting on customer", "pending"),
    (1004, "On hold: vendor", "hold"),
    (1005, "Solved", "solved"),
    (1006, "Escalated to engineering", "open"),
];

/// Zendesk custom ticket fields: id, title, type.
pub const ZENDESK_CUSTOM_FIELDS: [(u64, &str, &str); 4] = [
    (360_001, "Region", "tagger"),
    (360_002, "Order value", "decimal"),
    (360_003, "VIP", "checkbox"),
    (360_004, "Order reference", "text"),
];

/// Freshdesk statuses: code, agent label, customer label (6 and 7 are the account's own).
pub const FRESHDESK_STATUSES: [(u64, &str, &str); 6] = [
    (2, "Open", "Being Processed"),
    (3, "Pending", "Awaiting your Reply"),
    (4, "Resolved", "This ticket has been Resolved"),
    (5, "Closed", "This ticket has been Closed"),
    (6, "Waiting on Customer", "Awaiting your Reply"),
    (7, "Waiting on Third Party", "Being Processed"),
];

/// A cheap deterministic mix of a ticket id, to vary fields without a random generator.
fn mix(id: u64) -> u64 {
    let mut x = id.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Writes one Zendesk ticket as `GET /api/v2/tickets` lists it.
fn zendesk_ticket(out: &mut String, id: u64) {
    let m = mix(id);
    let requester = 20_000 + m % 5_000;
    let assignee = 300 + (m >> 8) % 40;
    let group = 200 + (m >> 16) % 6;
    let organization = 500 + (m >> 20) % 300;
    let (custom_status, _, category) = ZENDESK_CUSTOM_STATUSES[(m >> 24) as usize % 6];
    let priority = ["low", "normal", "normal", "high", "urgent"][(m >> 28) as usize % 5];
    let subject = SUBJECTS[(m >> 32) as usize % SUBJECTS.len()];
    let description = DESCRIPTIONS[(m >> 36) as usize % DESCRIPTIONS.len()];
    let region = REGIONS[(m >> 40) as usize % REGIONS.len()];
    let value = (m >> 44) % 100_000;
    let vip = (m >> 50).is_multiple_of(5);
    let reference = if (m >> 52).is_multiple_of(3) {
        "null".to_owned()
    } else {
        format!("\"ORD-{:06}\"", m % 1_000_000)
    };
    let updated = EPOCH + id as i64;
    let created = updated - 3_600 * (1 + (m >> 56) as i64 % 48);
    let fields = format!(
        "[{{\"id\":360001,\"value\":\"{region}\"}},{{\"id\":360002,\"value\":\"{}.{:02}\"}},{{\"id\":360003,\"value\":{vip}}},{{\"id\":360004,\"value\":{reference}}}]",
        value / 100,
        value % 100
    );
    let _ = write!(
        out,
        concat!(
            "{{\"url\":\"https://acme.zendesk.com/api/v2/tickets/{id}.json\",\"id\":{id},\"external_id\":null,",
            "\"via\":{{\"channel\":\"email\",\"source\":{{\"from\":{{}},\"to\":{{}},\"rel\":null}}}},",
            "\"created_at\":\"{created}\",\"updated_at\":\"{updated}\",\"generated_timestamp\":{stamp},",
            "\"type\":\"question\",\"subject\":\"{subject} (#{id})\",\"raw_subject\":\"{subject} (#{id})\",",
            "\"description\":\"{description}\",\"priority\":\"{priority}\",\"status\":\"{category}\",",
            "\"recipient\":\"support@acme.example\",\"requester_id\":{requester},\"submitter_id\":{requester},",
            "\"assignee_id\":{assignee},\"organization_id\":{organization},\"group_id\":{group},",
            "\"collaborator_ids\":[],\"follower_ids\":[],\"email_cc_ids\":[],\"forum_topic_id\":null,",
            "\"problem_id\":null,\"has_incidents\":false,\"is_public\":true,\"due_at\":null,",
            "\"tags\":[\"{region}\",\"{priority}_priority\",\"web_widget\"],",
            "\"custom_fields\":{fields},\"fields\":{fields},\"satisfaction_rating\":null,",
            "\"sharing_agreement_ids\":[],\"custom_status_id\":{custom_status},\"followup_ids\":[],",
            "\"ticket_form_id\":360000100,\"brand_id\":360000001,\"allow_channelback\":false,",
            "\"allow_attachments\":true,\"from_messaging_channel\":false,",
            "\"slas\":{{\"policy_metrics\":[{{\"breach_at\":\"{breach}\",\"stage\":\"{stage}\",",
            "\"metric\":\"first_reply_time\",\"hours\":1,\"minutes\":0,\"days\":0}}]}}}}"
        ),
        breach = timestamp(created + 3_600),
        stage = if matches!(category, "solved" | "closed") {
            "achieved"
        } else {
            "active"
        },
        id = id,
        created = timestamp(created),
        updated = timestamp(updated),
        stamp = updated,
        subject = subject,
        description = description,
        priority = priority,
        category = category,
        requester = requester,
        assignee = assignee,
        organization = organization,
        group = group,
        region = region,
        fields = fields,
        custom_status = custom_status,
    );
}

/// Writes one Freshdesk ticket as `GET /api/v2/tickets` lists it (no description: the listing
/// sends one only when asked to include it).
fn freshdesk_ticket(out: &mut String, id: u64) {
    let m = mix(id);
    let requester = 80_000 + m % 5_000;
    let responder = 4_000 + (m >> 8) % 40;
    let group = 700 + (m >> 16) % 6;
    let company = 900 + (m >> 20) % 300;
    let status = FRESHDESK_STATUSES[(m >> 24) as usize % 6].0;
    let priority = 1 + (m >> 28) % 4;
    let source = [1, 2, 3, 7, 9][(m >> 32) as usize % 5];
    let subject = SUBJECTS[(m >> 36) as usize % SUBJECTS.len()];
    let region = REGIONS[(m >> 40) as usize % REGIONS.len()];
    let value = (m >> 44) % 100_000;
    let vip = (m >> 50).is_multiple_of(5);
    let reference = if (m >> 52).is_multiple_of(3) {
        "null".to_owned()
    } else {
        format!("\"ORD-{:06}\"", m % 1_000_000)
    };
    let updated = EPOCH + id as i64;
    let created = updated - 3_600 * (1 + (m >> 56) as i64 % 48);
    let _ = write!(
        out,
        concat!(
            "{{\"cc_emails\":[],\"fwd_emails\":[],\"reply_cc_emails\":[],\"ticket_cc_emails\":[],",
            "\"fr_escalated\":false,\"spam\":false,\"email_config_id\":null,\"group_id\":{group},",
            "\"priority\":{priority},\"requester_id\":{requester},\"responder_id\":{responder},",
            "\"source\":{source},\"company_id\":{company},\"status\":{status},",
            "\"subject\":\"{subject} (#{id})\",\"support_email\":null,\"to_emails\":null,",
            "\"product_id\":null,\"id\":{id},\"type\":\"Question\",\"due_by\":\"{due}\",",
            "\"fr_due_by\":\"{fr_due}\",\"is_escalated\":false,",
            "\"custom_fields\":{{\"cf_region\":\"{region}\",\"cf_order_value\":{value_units}.{value_cents:02},",
            "\"cf_vip\":{vip},\"cf_order_reference\":{reference}}},",
            "\"created_at\":\"{created}\",\"updated_at\":\"{updated}\",",
            "\"associated_tickets_count\":null,\"tags\":[\"{region}\",\"web_widget\"],",
            "\"nr_due_by\":null,\"nr_escalated\":false,",
            "\"stats\":{{\"agent_responded_at\":\"{responded}\",\"requester_responded_at\":null,",
            "\"first_responded_at\":\"{responded}\",\"status_updated_at\":\"{updated}\",",
            "\"reopened_at\":null,\"resolved_at\":{resolved},\"closed_at\":{closed},",
            "\"pending_since\":null}}}}"
        ),
        responded = timestamp(created + 1_800),
        resolved = if matches!(status, 4 | 5) {
            format!("\"{}\"", timestamp(updated))
        } else {
            "null".to_owned()
        },
        closed = if status == 5 {
            format!("\"{}\"", timestamp(updated))
        } else {
            "null".to_owned()
        },
        group = group,
        priority = priority,
        requester = requester,
        responder = responder,
        source = source,
        company = company,
        status = status,
        subject = subject,
        id = id,
        due = timestamp(created + 3 * 86_400),
        fr_due = timestamp(created + 86_400),
        region = region,
        value_units = value / 100,
        value_cents = value % 100,
        vip = vip,
        reference = reference,
        created = timestamp(created),
        updated = timestamp(updated),
    );
}

/// The body of a Zendesk ticket page holding `ids`, of `total` tickets.
pub fn zendesk_page(ids: Range<u64>, total: u64) -> String {
    let mut out = String::with_capacity(ids.clone().count() * 2_200 + 400);
    out.push_str("{\"tickets\":[");
    let first = ids.start;
    let last = ids.end.saturating_sub(1);
    for id in ids.clone() {
        if id != first {
            out.push(',');
        }
        zendesk_ticket(&mut out, id);
    }
    let has_more = !ids.is_empty() && last < total;
    let (after, before) = if ids.is_empty() {
        ("null".to_owned(), "null".to_owned())
    } else {
        (
            format!("\"{}\"", zendesk_cursor(last)),
            format!("\"{}\"", zendesk_cursor(first)),
        )
    };
    let next = if has_more {
        format!(
            "\"https://acme.zendesk.com/api/v2/tickets.json?page%5Bafter%5D={}&page%5Bsize%5D={}\"",
            zendesk_cursor(last),
            ids.end - ids.start
        )
    } else {
        "null".to_owned()
    };
    let _ = write!(
        out,
        "],\"meta\":{{\"has_more\":{has_more},\"after_cursor\":{after},\"before_cursor\":{before}}},\"links\":{{\"next\":{next},\"prev\":null}}}}"
    );
    out
}

/// The body of a Freshdesk ticket page holding `ids`: a bare array.
pub fn freshdesk_page(ids: Range<u64>) -> String {
    let mut out = String::with_capacity(ids.clone().count() * 1_000 + 2);
    out.push('[');
    let first = ids.start;
    for id in ids {
        if id != first {
            out.push(',');
        }
        freshdesk_ticket(&mut out, id);
    }
    out.push(']');
    out
}

/// The body of the page a [`PageRequest`] asks for.
pub fn page_body(site: Site, ids: Range<u64>, total: u64) -> String {
    match site {
        Site::Zendesk => zendesk_page(ids, total),
        Site::Freshdesk => freshdesk_page(ids),
    }
}

/// `GET /api/v2/custom_statuses` (Zendesk).
pub fn zendesk_custom_statuses() -> String {
    let setup = timestamp(EPOCH - 86_400 * 365);
    let statuses: Vec<String> = ZENDESK_CUSTOM_STATUSES
        .iter()
        .map(|(id, label, category)| {
            format!(
                "{{\"id\":{id},\"url\":\"https://acme.zendesk.com/api/v2/custom_statuses/{id}.json\",\"status_category\":\"{category}\",\"agent_label\":\"{label}\",\"raw_agent_label\":\"{label}\",\"end_user_label\":\"{label}\",\"raw_end_user_label\":\"{label}\",\"description\":\"\",\"raw_description\":\"\",\"end_user_description\":\"\",\"raw_end_user_description\":\"\",\"active\":true,\"default\":{},\"created_at\":\"{setup}\",\"updated_at\":\"{setup}\"}}",
                matches!(id, 1001 | 1002 | 1005)
            )
        })
        .collect();
    format!("{{\"custom_statuses\":[{}]}}", statuses.join(","))
}

/// `GET /api/v2/ticket_fields` (Zendesk): the system fields and the custom ones.
pub fn zendesk_ticket_fields() -> String {
    let setup = timestamp(EPOCH - 86_400 * 365);
    let system = [
        (1, "Subject", "subject"),
        (2, "Description", "description"),
        (3, "Status", "status"),
        (4, "Type", "tickettype"),
        (5, "Priority", "priority"),
        (6, "Group", "group"),
        (7, "Assignee", "assignee"),
    ];
    let fields: Vec<String> = system
        .iter()
        .map(|(id, title, kind)| (*id, *title, *kind, true))
        .chain(
            ZENDESK_CUSTOM_FIELDS
                .iter()
                .map(|(id, title, kind)| (*id, *title, *kind, false)),
        )
        .map(|(id, title, kind, system)| {
            format!(
                "{{\"id\":{id},\"url\":\"https://acme.zendesk.com/api/v2/ticket_fields/{id}.json\",\"type\":\"{kind}\",\"title\":\"{title}\",\"raw_title\":\"{title}\",\"description\":\"{title}\",\"raw_description\":\"{title}\",\"position\":{id},\"active\":true,\"required\":false,\"collapsed_for_agents\":false,\"regexp_for_validation\":null,\"title_in_portal\":\"{title}\",\"raw_title_in_portal\":\"{title}\",\"visible_in_portal\":true,\"editable_in_portal\":false,\"required_in_portal\":false,\"tag\":null,\"created_at\":\"{setup}\",\"updated_at\":\"{setup}\",\"removable\":{}}}",
                !system
            )
        })
        .collect();
    format!(
        "{{\"ticket_fields\":[{}],\"next_page\":null,\"previous_page\":null,\"count\":{}}}",
        fields.join(","),
        fields.len()
    )
}

/// `GET /api/v2/ticket_fields` (Freshdesk): the status field with the account's statuses, and the
/// custom fields.
pub fn freshdesk_ticket_fields() -> String {
    let setup = timestamp(EPOCH - 86_400 * 365);
    let choices: Vec<String> = FRESHDESK_STATUSES
        .iter()
        .map(|(code, agent, customer)| format!("\"{code}\":[\"{agent}\",\"{customer}\"]"))
        .collect();
    let field = |id: u64, name: &str, label: &str, kind: &str, default: bool, choices: &str| {
        format!(
            "{{\"id\":{id},\"name\":\"{name}\",\"label\":\"{label}\",\"description\":\"{label}\",\"position\":{id},\"required_for_closure\":false,\"required_for_agents\":false,\"type\":\"{kind}\",\"default\":{default},\"customers_can_edit\":false,\"label_for_customers\":\"{label}\",\"required_for_customers\":false,\"displayed_to_customers\":false,\"created_at\":\"{setup}\",\"updated_at\":\"{setup}\"{choices}}}"
        )
    };
    let status_choices = format!(",\"choices\":{{{}}}", choices.join(","));
    let fields = [
        field(
            1,
            "requester",
            "Search a requester",
            "default_requester",
            true,
            "",
        ),
        field(2, "subject", "Subject", "default_subject", true, ""),
        field(
            3,
            "status",
            "Status",
            "default_status",
            true,
            &status_choices,
        ),
        field(
            4,
            "priority",
            "Priority",
            "default_priority",
            true,
            ",\"choices\":{\"Low\":1,\"Medium\":2,\"High\":3,\"Urgent\":4}",
        ),
        field(
            10,
            "cf_region",
            "Region",
            "custom_dropdown",
            false,
            ",\"choices\":[\"emea\",\"amer\",\"apac\",\"latam\"]",
        ),
        field(
            11,
            "cf_order_value",
            "Order value",
            "custom_decimal",
            false,
            "",
        ),
        field(12, "cf_vip", "VIP", "custom_checkbox", false, ""),
        field(
            13,
            "cf_order_reference",
            "Order reference",
            "custom_text",
            false,
            "",
        ),
    ];
    format!("[{}]", fields.join(","))
}

// ----- the minimal typed pages of the baselines -----

/// The least a Zendesk ticket page decodes into: what a hand-written client would read.
#[derive(Debug, Deserialize)]
pub struct ZendeskPage {
    /// The tickets.
    pub tickets: Vec<ZendeskTicket>,
    /// Where the listing stands.
    pub meta: ZendeskMeta,
}

/// `meta` of a Zendesk page.
#[derive(Debug, Deserialize)]
pub struct ZendeskMeta {
    /// Whether another page follows.
    pub has_more: bool,
    /// The cursor to it.
    pub after_cursor: Option<String>,
}

/// A minimal Zendesk ticket.
#[derive(Debug, Deserialize)]
pub struct ZendeskTicket {
    /// Its id.
    pub id: u64,
    /// Its subject.
    pub subject: Option<String>,
    /// Its status.
    pub status: Option<String>,
    /// Its priority.
    pub priority: Option<String>,
    /// Who asked.
    pub requester_id: Option<u64>,
    /// Who answers.
    pub assignee_id: Option<u64>,
    /// When it was created.
    pub created_at: String,
    /// When it was last updated.
    pub updated_at: String,
}

/// A minimal Freshdesk ticket (a page is a bare array of them).
#[derive(Debug, Deserialize)]
pub struct FreshdeskTicket {
    /// Its id.
    pub id: u64,
    /// Its subject.
    pub subject: Option<String>,
    /// Its status code.
    pub status: i64,
    /// Its priority code.
    pub priority: i64,
    /// Who asked.
    pub requester_id: Option<u64>,
    /// Who answers.
    pub responder_id: Option<u64>,
    /// When it was created.
    pub created_at: String,
    /// When it was last updated.
    pub updated_at: String,
}

/// Decodes a page into the minimal typed page of `site`, and returns the ids it held (first and
/// last) and how many, so a caller can check it read what it asked for.
pub fn decode_minimal(site: Site, body: &[u8]) -> serde_json::Result<(usize, u64)> {
    match site {
        Site::Zendesk => {
            let page: ZendeskPage = serde_json::from_slice(body)?;
            Ok((page.tickets.len(), page.tickets.last().map_or(0, |t| t.id)))
        }
        Site::Freshdesk => {
            let page: Vec<FreshdeskTicket> = serde_json::from_slice(body)?;
            Ok((page.len(), page.last().map_or(0, |t| t.id)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_pages_are_json_and_decode_into_the_minimal_pages() {
        for site in Site::ALL {
            let body = page_body(site, 1..101, 250);
            let value: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert!(value.is_object() || value.is_array());
            assert_eq!(decode_minimal(site, body.as_bytes()).unwrap(), (100, 100));
        }
        for body in [
            zendesk_custom_statuses(),
            zendesk_ticket_fields(),
            freshdesk_ticket_fields(),
        ] {
            serde_json::from_str::<serde_json::Value>(&body).unwrap();
        }
    }

    #[test]
    fn plans_cover_every_ticket_once() {
        for (site, total, per_page) in [
            (Site::Zendesk, 1_000, 100),
            (Site::Zendesk, 1_050, 100),
            (Site::Freshdesk, 1_000, 100),
            (Site::Freshdesk, 1_000, 5),
            (Site::Freshdesk, 1_003, 5),
        ] {
            let mut seen = 0;
            for request in listing_plan(site, total, per_page) {
                for id in request.ids {
                    if id > seen {
                        assert_eq!(id, seen + 1);
                        seen = id;
                    }
                }
            }
            assert_eq!(seen, total, "{site:?} {total} by {per_page}");
        }
    }

    #[test]
    fn cursors_and_times_read_back() {
        assert_eq!(zendesk_cursor_id(&zendesk_cursor(4_200)), Some(4_200));
        let since: DateTime<Utc> = updated_at(17).parse().unwrap();
        assert_eq!(first_id_since(since), 17);
        assert_eq!(first_id_since(DateTime::UNIX_EPOCH), 1);
    }
}
