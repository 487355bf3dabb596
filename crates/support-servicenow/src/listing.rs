//! How the Table API's listings are walked.
//!
//! `GET /api/now/table/{table}` pages with `sysparm_limit` / `sysparm_offset` and says in a `Link`
//! header (`rel="next"`) whether rows follow the page. Offsets over a table that changes during the
//! walk skip or repeat rows, so every listing here walks a stable key instead: the encoded query
//! ends with `ORDERBYsys_id`, each page asks for `sys_id>{the last sys_id returned}`, and the
//! offset stays 0. Updating or creating records during the walk cannot move a row already passed.
//!
//! `sysparm_limit` is applied before access checks (ACLs), so a page may come back short, or
//! empty, while rows follow it: the walk ends only on a page without a `rel="next"` link, never
//! on a short page. A page emptied by ACLs gives no key to continue from; the next one then asks
//! for the same key with the offset moved past the rows the ACLs hid.

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use support_core::kit::page::PageShape;
use support_core::{Error, ListingState, Operation, Result};

use crate::port::{DISPLAY_ALL, ServiceNowPort};
use crate::{PROVIDER, map};

/// Items of every Table API listing: `{"result": [...]}`.
pub(crate) const RESULT: PageShape = PageShape::items_at("result").item("record");

/// The page size when the caller names none.
pub(crate) const DEFAULT_PAGE: u32 = 100;
/// The largest page the adapter asks for (ServiceNow documents no maximum; large pages are slow).
pub(crate) const MAX_PAGE: u32 = 1000;
/// The most pages one internal walk (lookups, a page's tags and SLA rows) reads before giving up.
const MAX_WALK_PAGES: usize = 1000;

/// Where a keyset walk stands: after the row `after` (none: from the start), past `skip` rows
/// the ACLs hid since.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Keyset {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) after: Option<String>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub(crate) skip: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// The state of the case listing.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct TicketState(pub(crate) Keyset);

impl ListingState for TicketState {
    const LISTING: &'static str = "tickets";
}

/// The state of the tag listing.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct TagState(pub(crate) Keyset);

impl ListingState for TagState {
    const LISTING: &'static str = "tags";
}

/// The state of the article listing.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct ArticleState(pub(crate) Keyset);

impl ListingState for ArticleState {
    const LISTING: &'static str = "articles";
}

/// The state of the satisfaction-rating listing.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct RatingState(pub(crate) Keyset);

impl ListingState for RatingState {
    const LISTING: &'static str = "satisfaction ratings";
}

/// How many comments of a case were returned already.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct CommentOffset {
    pub(crate) ticket: String,
    pub(crate) offset: usize,
}

impl ListingState for CommentOffset {
    const LISTING: &'static str = "comments";
}

/// The encoded query of one keyset page: the filter, the key condition, the order.
pub(crate) fn keyset_query(filter: &str, keyset: &Keyset) -> String {
    let mut parts: Vec<String> = Vec::new();
    if !filter.is_empty() {
        parts.push(filter.to_owned());
    }
    if let Some(after) = &keyset.after {
        parts.push(format!("sys_id>{after}"));
    }
    parts.push("ORDERBYsys_id".to_owned());
    parts.join("^")
}

/// A value the adapter puts into an encoded query: `^` separates conditions and `,` the members
/// of `IN`, so values holding them (or a line break) are refused rather than sent.
pub(crate) fn query_value(operation: Operation, what: &str, value: &str) -> Result<String> {
    if value.is_empty() || value.contains(['^', '\n', '\r']) {
        return Err(Error::invalid_input(
            PROVIDER,
            format!(
                "{what} `{value}` cannot be searched for: it is empty or holds `^` or a line break"
            ),
        )
        .with_operation(operation));
    }
    Ok(value.to_owned())
}

impl ServiceNowPort {
    /// One page of a table: the rows, and where the next page starts (`None`: the last page).
    pub(crate) async fn keyset_page(
        &self,
        operation: Operation,
        table: &str,
        filter: &str,
        keyset: &Keyset,
        limit: u32,
    ) -> Result<(Vec<Value>, Option<Keyset>)> {
        let call = self
            .client
            .list_records()
            .table_name(table)
            .sysparm_query(keyset_query(filter, keyset))
            .sysparm_display_value(DISPLAY_ALL)
            .sysparm_exclude_reference_link(true)
            .sysparm_limit(i64::from(limit))
            .sysparm_offset(i64::from(keyset.skip));
        let runtime = self.endpoint.runtime();
        let peeked = runtime
            .run_page_peeked(operation, RESULT, call.send())
            .await?;
        let more = peeked.next_link().is_some();
        let rows: Vec<Value> = runtime
            .read_peeked::<IgnoredAny>(operation, &peeked)?
            .into_raws()
            .into_iter()
            .map(|raw| raw.into_value())
            .collect();
        if !more {
            return Ok((rows, None));
        }
        let next = match rows.last().and_then(|row| map::value(row, "sys_id")) {
            Some(last) => Keyset {
                after: Some(last),
                skip: 0,
            },
            // Every row of the page was hidden: step past them.
            None if rows.is_empty() => Keyset {
                after: keyset.after.clone(),
                skip: keyset.skip.saturating_add(limit),
            },
            None => {
                return Err(support_core::kit::json::misshapen(
                    PROVIDER,
                    operation,
                    table,
                    rows.last().unwrap_or(&Value::Null),
                    &"a row has no `sys_id` to continue the listing from",
                ));
            }
        };
        if next == *keyset {
            return Err(Error::new(support_core::ErrorKind::Decode, PROVIDER)
                .with_operation(operation)
                .with_message(format!("the {table} listing did not move on; stopped")));
        }
        Ok((rows, Some(next)))
    }

    /// Every row of a table that `filter` matches, page after page.
    pub(crate) async fn all_rows(
        &self,
        operation: Operation,
        table: &str,
        filter: &str,
    ) -> Result<Vec<Value>> {
        let mut keyset = Keyset::default();
        let mut all = Vec::new();
        for _ in 0..MAX_WALK_PAGES {
            let (rows, next) = self
                .keyset_page(operation, table, filter, &keyset, MAX_PAGE)
                .await?;
            all.extend(rows);
            match next {
                Some(next) => keyset = next,
                None => return Ok(all),
            }
        }
        Err(Error::new(support_core::ErrorKind::Decode, PROVIDER)
            .with_operation(operation)
            .with_message(format!(
                "the {table} listing went on past {MAX_WALK_PAGES} pages; stopped"
            )))
    }

    /// Every row whose `field` is one of `ids` (in chunks, so that queries stay short).
    pub(crate) async fn rows_in(
        &self,
        operation: Operation,
        table: &str,
        filter: &str,
        field: &str,
        ids: &[String],
    ) -> Result<Vec<Value>> {
        let mut all = Vec::new();
        for chunk in ids.chunks(100) {
            let mut query = format!("{field}IN{}", chunk.join(","));
            if !filter.is_empty() {
                query = format!("{filter}^{query}");
            }
            all.extend(self.all_rows(operation, table, &query).await?);
        }
        Ok(all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyset_queries_order_by_sys_id_and_continue_after_the_key() {
        assert_eq!(keyset_query("", &Keyset::default()), "ORDERBYsys_id");
        let after = Keyset {
            after: Some("a".repeat(32)),
            skip: 0,
        };
        assert_eq!(
            keyset_query("state=10", &after),
            format!("state=10^sys_id>{}^ORDERBYsys_id", "a".repeat(32))
        );
    }

    #[test]
    fn values_that_would_change_the_query_are_refused() {
        assert!(query_value(Operation::GetTicket, "number", "CS0001234").is_ok());
        assert!(query_value(Operation::GetTicket, "number", "CS1^ORstate=1").is_err());
        assert!(query_value(Operation::GetTicket, "number", "").is_err());
    }
}
