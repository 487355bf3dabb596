//! What the instance defines that tickets refer to by id: ticket states (with their state type),
//! priorities, roles, groups and knowledge bases, each read through a [`LookupCache`] and kept for
//! ten minutes.
//!
//! Why not `expand=true`: a state maps by its state TYPE (`state_type_id`), which expand does not
//! give (it adds the state's name only), and expand adds names of every association to every
//! record; two small lists read once serve every page. A state or priority id the cache has not
//! seen (one created since) reloads the lists once.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use support_core::http::HttpRuntime;
use support_core::kit::page::PageShape;
use support_core::kit::{LookupCache, json};
use support_core::{Operation, Result};

use crate::generated::ResponseValue;

use crate::map::{self, Definitions};
use crate::port::ZammadPort;

/// How long definitions are reused.
const DEFINITIONS_FRESH_FOR: Duration = Duration::from_secs(10 * 60);
/// The page size of generic index listings (Zammad's maximum there is 1000).
const INDEX_PAGE: i64 = 1000;
/// The most pages one definition listing reads.
const MAX_INDEX_PAGES: i64 = 100;

/// The cached definitions.
#[derive(Debug)]
pub(crate) struct Lookups {
    definitions: LookupCache<Definitions>,
    roles: LookupCache<HashMap<i64, String>>,
    groups: LookupCache<Vec<(i64, bool)>>,
    knowledge_bases: LookupCache<Vec<i64>>,
}

impl Lookups {
    pub(crate) fn new() -> Self {
        Self {
            definitions: LookupCache::new("ticket states and priorities", DEFINITIONS_FRESH_FOR),
            roles: LookupCache::new("roles", DEFINITIONS_FRESH_FOR),
            groups: LookupCache::new("groups", DEFINITIONS_FRESH_FOR),
            knowledge_bases: LookupCache::new("knowledge bases", DEFINITIONS_FRESH_FOR),
        }
    }
}

/// The records of a listing Zammad answers as a bare array. An answer that is not one (`{}`,
/// an error object) is retried like a transient failure on reads, then fails as `Decode`: never
/// an early end.
pub(crate) async fn rows<R, E, F>(
    runtime: &HttpRuntime,
    operation: Operation,
    noun: &'static str,
    call: F,
) -> Result<Vec<Value>>
where
    F: Future<Output = std::result::Result<ResponseValue<R>, progenitor_client::Error<E>>>,
{
    let page = runtime
        .run_page::<Value, R, E, F>(operation, PageShape::bare_array().item(noun), call)
        .await?;
    Ok(page.into_values())
}

impl ZammadPort {
    /// Every record of a generic index listing (`/ticket_states`, `/roles`, ...), page by page.
    async fn index<F, Fut>(&self, call: F) -> Result<Vec<Value>>
    where
        F: Fn(i64) -> Fut,
        Fut: Future<Output = Result<Vec<Value>>>,
    {
        let mut all = Vec::new();
        for page in 1..=MAX_INDEX_PAGES {
            let items = call(page).await?;
            let full = items.len() as i64 >= INDEX_PAGE;
            all.extend(items);
            if !full {
                break;
            }
        }
        Ok(all)
    }

    async fn load_definitions(&self, operation: Operation) -> Result<Definitions> {
        let runtime = self.endpoint.runtime();
        let states = self
            .index(|page| {
                let call = self
                    .client
                    .list_ticket_states()
                    .page(page)
                    .per_page(INDEX_PAGE);
                rows(runtime, operation, "ticket state", call.send())
            })
            .await?;
        let priorities = self
            .index(|page| {
                let call = self
                    .client
                    .list_ticket_priorities()
                    .page(page)
                    .per_page(INDEX_PAGE);
                rows(runtime, operation, "ticket priority", call.send())
            })
            .await?;
        Ok(Definitions {
            states: states.iter().filter_map(map::state).collect(),
            priorities: priorities.iter().filter_map(map::priority).collect(),
        })
    }

    /// The states and priorities, reloaded when `needed` names a state or priority id they lack.
    pub(crate) async fn definitions(
        &self,
        operation: Operation,
        states: &[i64],
        priorities: &[i64],
    ) -> Result<Arc<Definitions>> {
        self.lookups
            .definitions
            .get_or_load_covering(
                |d| {
                    states.iter().all(|s| d.state(*s).is_some())
                        && priorities.iter().all(|p| d.priority(*p).is_some())
                },
                || self.load_definitions(operation),
            )
            .await
    }

    /// Role names by id.
    pub(crate) async fn roles(&self, operation: Operation) -> Result<Arc<HashMap<i64, String>>> {
        self.lookups
            .roles
            .get_or_load(|| async move {
                let runtime = self.endpoint.runtime();
                let roles = self
                    .index(|page| {
                        let call = self.client.list_roles().page(page).per_page(INDEX_PAGE);
                        rows(runtime, operation, "role", call.send())
                    })
                    .await?;
                Ok(roles
                    .iter()
                    .filter_map(|r| Some((json::int(r, "id")?, json::text(r, "name")?)))
                    .collect())
            })
            .await
    }

    /// The groups (id, active), for a ticket created without one.
    pub(crate) async fn groups(&self, operation: Operation) -> Result<Arc<Vec<(i64, bool)>>> {
        self.lookups
            .groups
            .get_or_load(|| async move {
                let runtime = self.endpoint.runtime();
                let groups = self
                    .index(|page| {
                        let call = self.client.list_groups().page(page).per_page(INDEX_PAGE);
                        rows(runtime, operation, "group", call.send())
                    })
                    .await?;
                let mut found: Vec<(i64, bool)> = groups
                    .iter()
                    .filter_map(|g| {
                        Some((
                            json::int(g, "id")?,
                            json::boolean(g, "active").unwrap_or(true),
                        ))
                    })
                    .collect();
                found.sort_unstable();
                Ok(found)
            })
            .await
    }

    /// The ids of the knowledge bases the user can read (`POST /knowledge_bases/init`).
    pub(crate) async fn knowledge_bases(&self, operation: Operation) -> Result<Arc<Vec<i64>>> {
        self.lookups
            .knowledge_bases
            .get_or_load(|| async move {
                let assets = self.knowledge_assets(operation, Vec::new()).await?;
                let mut ids: Vec<i64> = assets
                    .get("KnowledgeBase")
                    .and_then(Value::as_object)
                    .map(|kbs| kbs.keys().filter_map(|k| k.parse().ok()).collect())
                    .unwrap_or_default();
                ids.sort_unstable();
                Ok(ids)
            })
            .await
    }
}
