//! What the account defines that Zendesk objects refer to by id: custom statuses, ticket fields,
//! agents' group memberships and Help Center sections, each read through a [`LookupCache`].
//!
//! Statuses and fields only enrich mapping: when they cannot be read (a plan without the feature, a
//! role without access) mapping goes on without them, and a 403 or 404 is remembered for the time to
//! live rather than asked again on every page.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde::de::IgnoredAny;
use support_core::kit::page::PageShape;
use support_core::kit::{self, LookupCache};
use support_core::{Document, Operation, RawJson, Result, Ticket};

use crate::generated::types;
use crate::listing::{MAX_PAGE, cursor_shape, walk};
use crate::map::{self, AccountLookups, CustomStatus};
use crate::port::ZendeskPort;

/// The account's custom statuses (one unpaginated answer).
const CUSTOM_STATUSES: PageShape = PageShape::items_at("custom_statuses").item("custom status");
/// The account's ticket fields (one unpaginated answer).
const TICKET_FIELDS: PageShape = PageShape::items_at("ticket_fields").item("ticket field");
/// A page of group memberships.
const MEMBERSHIPS: PageShape = cursor_shape("group_memberships").item("group membership");
/// A page of Help Center sections.
const SECTIONS: PageShape = cursor_shape("sections").item("section");

/// Agents' group ids, by agent id.
pub(crate) type AgentGroups = HashMap<i64, Vec<i64>>;

/// How long custom statuses, ticket fields and sections are reused.
const DEFINITIONS_FRESH_FOR: Duration = Duration::from_secs(10 * 60);
/// How long group memberships read for an agent listing are reused: long enough for one listing's
/// pages to share them, short enough to see membership changes.
const MEMBERSHIPS_FRESH_FOR: Duration = Duration::from_secs(60);

/// The caches of one port.
#[derive(Debug)]
pub(crate) struct Lookups {
    custom_statuses: LookupCache<HashMap<i64, CustomStatus>>,
    ticket_fields: LookupCache<HashMap<i64, String>>,
    memberships: LookupCache<AgentGroups>,
    sections: LookupCache<HashMap<i64, i64>>,
}

impl Lookups {
    pub(crate) fn new() -> Self {
        Self {
            custom_statuses: LookupCache::new("custom statuses", DEFINITIONS_FRESH_FOR),
            ticket_fields: LookupCache::new("ticket fields", DEFINITIONS_FRESH_FOR),
            memberships: LookupCache::new("group memberships", MEMBERSHIPS_FRESH_FOR),
            sections: LookupCache::new("sections", DEFINITIONS_FRESH_FOR),
        }
    }
}

impl ZendeskPort {
    /// Custom statuses by id, read when a ticket uses one.
    async fn custom_statuses(
        &self,
        operation: Operation,
        needed: bool,
    ) -> Arc<HashMap<i64, CustomStatus>> {
        if !needed {
            return Arc::default();
        }
        self.lookups
            .custom_statuses
            .get_or_default(|| async {
                let page = self
                    .endpoint
                    .runtime()
                    .run_page::<IgnoredAny, _, _, _>(
                        operation,
                        CUSTOM_STATUSES,
                        self.client.list_custom_statuses().send(),
                    )
                    .await?;
                Ok(page
                    .items()
                    .iter()
                    .filter_map(|s| {
                        let status: types::CustomStatusObject = s.raw.decode().ok()?;
                        Some((
                            status.id?,
                            CustomStatus {
                                label: status.agent_label.or(status.raw_agent_label)?,
                                category: status.status_category?,
                            },
                        ))
                    })
                    .collect())
            })
            .await
    }

    /// Ticket field titles by id, read when a ticket has custom fields or one is written by title.
    pub(crate) async fn ticket_fields(
        &self,
        operation: Operation,
        needed: bool,
    ) -> Arc<HashMap<i64, String>> {
        if !needed {
            return Arc::default();
        }
        self.lookups
            .ticket_fields
            .get_or_default(|| async {
                // Unpaginated, the endpoint returns every field.
                let page = self
                    .endpoint
                    .runtime()
                    .run_page::<IgnoredAny, _, _, _>(
                        operation,
                        TICKET_FIELDS,
                        self.client.list_ticket_fields().send(),
                    )
                    .await?;
                Ok(page
                    .items()
                    .iter()
                    .filter_map(|f| {
                        let field: types::TicketFieldObject = f.raw.decode().ok()?;
                        Some((field.id?, field.title.or(field.raw_title)?))
                    })
                    .collect())
            })
            .await
    }

    /// Tickets, with the custom statuses and field titles their mapping needs.
    pub(crate) async fn tickets(
        &self,
        operation: Operation,
        natives: Vec<(map::TicketView, RawJson)>,
    ) -> Result<Vec<Ticket>> {
        let custom_status = natives
            .iter()
            .any(|(native, _)| native.custom_status_id.is_some());
        let custom_fields = natives
            .iter()
            .any(|(native, _)| native.custom_fields.as_ref().is_some_and(|f| !f.is_empty()));
        let lookups = AccountLookups {
            statuses: self.custom_statuses(operation, custom_status).await,
            fields: self.ticket_fields(operation, custom_fields).await,
        };
        kit::map_each(natives, |(native, raw)| {
            map::ticket_from_view(operation, native, raw, &lookups)
        })
    }

    /// Agents' groups, from every group membership of the account.
    pub(crate) async fn group_memberships(&self, operation: Operation) -> Result<Arc<AgentGroups>> {
        self.lookups
            .memberships
            .get_or_load(|| async {
                let memberships = walk(|after| async move {
                    let mut call = self
                        .client
                        .list_group_memberships()
                        .page_size(i64::from(MAX_PAGE));
                    if let Some(cursor) = after {
                        call = call.page_after(cursor);
                    }
                    self.endpoint
                        .runtime()
                        .run_page::<types::GroupMembershipObject, _, _, _>(
                            operation,
                            MEMBERSHIPS,
                            call.send(),
                        )
                        .await
                })
                .await?;
                let mut groups = AgentGroups::new();
                for (membership, _) in map::natives(operation, "group membership", memberships)? {
                    if let (Some(user), Some(group)) = (membership.user_id, membership.group_id) {
                        groups.entry(user).or_default().push(group);
                    }
                }
                Ok(groups)
            })
            .await
    }

    /// Help Center sections to their categories, read again when an unknown section turns up.
    async fn sections(
        &self,
        operation: Operation,
        wanted: &[i64],
    ) -> Result<Arc<HashMap<i64, i64>>> {
        if wanted.is_empty() {
            return Ok(Arc::default());
        }
        self.lookups
            .sections
            .get_or_load_covering(
                |known| wanted.iter().all(|s| known.contains_key(s)),
                || async {
                    let raws = walk(|after| async move {
                        let mut query = vec![("page[size]", MAX_PAGE.to_string())];
                        if let Some(cursor) = after {
                            query.push(("page[after]", cursor));
                        }
                        self.endpoint
                            .get_page::<types::SectionObject>(
                                operation,
                                SECTIONS,
                                "/api/v2/help_center/sections",
                                &query,
                            )
                            .await
                    })
                    .await?;
                    let mut sections = HashMap::new();
                    for (section, _) in map::natives(operation, "section", raws)? {
                        if let (Some(id), Some(category)) = (section.id, section.category_id) {
                            sections.insert(id, category);
                        }
                    }
                    Ok(sections)
                },
            )
            .await
    }

    /// Articles, with the categories of their sections.
    pub(crate) async fn articles(
        &self,
        operation: Operation,
        natives: Vec<(types::ArticleObject, RawJson)>,
    ) -> Result<Vec<Document>> {
        let wanted: Vec<i64> = natives
            .iter()
            .filter_map(|(native, _)| native.section_id)
            .collect();
        let sections = self.sections(operation, &wanted).await?;
        natives
            .into_iter()
            .map(|(native, raw)| map::article_from_native(operation, native, raw, &sections))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use httpmock::Method::GET;
    use httpmock::MockServer;
    use serde_json::json;
    use support_core::{SupportPort, TicketQuery};

    use crate::ZendeskPort;

    #[tokio::test]
    async fn unreadable_ticket_fields_are_asked_for_once_across_a_hundred_pages() {
        let server = MockServer::start_async().await;
        let fields = server
            .mock_async(|when, then| {
                when.method(GET).path("/api/v2/ticket_fields");
                then.status(403).json_body(
                    json!({"error": "Forbidden", "description": "You do not have access"}),
                );
            })
            .await;
        let tickets = server
            .mock_async(|when, then| {
                when.method(GET).path("/api/v2/tickets");
                then.status(200).json_body(json!({
                    "tickets": [{"id": 7, "status": "open", "custom_fields": [{"id": 360, "value": "red"}]}],
                    "meta": {"has_more": true, "after_cursor": "more"}
                }));
            })
            .await;
        let port = ZendeskPort::builder()
            .base_url(server.base_url())
            .api_token("agent@example.com", "token")
            .build()
            .unwrap();
        let mut cursor = None;
        for _ in 0..100 {
            let page = port
                .list_tickets(match cursor.take() {
                    Some(cursor) => TicketQuery::new().with_cursor(cursor),
                    None => TicketQuery::new(),
                })
                .await
                .unwrap();
            // Without titles the field keeps its id as its name.
            assert_eq!(page.items[0].custom_fields[0].name, "360");
            cursor = page.next;
        }
        tickets.assert_calls_async(100).await;
        fields.assert_calls_async(1).await;
    }
}
