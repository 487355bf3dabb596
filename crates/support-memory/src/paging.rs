//! Cursor paging over the store's ordered listings.
//!
//! Every listing is a sequence of `(key, item)` in ascending key order: the item's position in its
//! table (tables only grow, so positions are stable) or, for tags, the lower-cased name. A cursor holds
//! the listing's name and the key of the last item handed out; the next page starts after that key, so
//! items added meanwhile are neither skipped nor repeated.

use serde::Serialize;
use serde::de::DeserializeOwned;
use support_core::{Cursor, Operation, Page, PageRequest, Result};

use crate::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PROVIDER};

/// One page of `items` (already filtered, in ascending key order) for `request`.
pub(crate) fn page<'a, K, T>(
    operation: Operation,
    listing: &str,
    request: &PageRequest,
    items: impl Iterator<Item = (K, &'a T)>,
) -> Result<Page<T>>
where
    K: Serialize + DeserializeOwned + PartialOrd,
    T: Clone + 'a,
{
    let limit =
        usize::try_from(request.limit_or(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)).unwrap_or(usize::MAX);
    let after = Cursor::listing_state::<K>(request.cursor.as_ref(), PROVIDER, operation, listing)?;
    let mut rest = items.filter(|(key, _)| after.as_ref().is_none_or(|after| key > after));
    let mut out = Vec::new();
    let mut last = None;
    for (key, item) in rest.by_ref() {
        out.push(item.clone());
        last = Some(key);
        if out.len() == limit {
            break;
        }
    }
    let more = out.len() == limit && rest.next().is_some();
    let next = match last {
        Some(key) if more => Some(Cursor::for_listing(PROVIDER, listing, &key)),
        _ => None,
    };
    Ok(Page::new(out, next))
}

#[cfg(test)]
mod tests {
    use support_core::ErrorKind;

    use super::*;

    fn request(limit: u32, cursor: Option<Cursor>) -> PageRequest {
        PageRequest {
            limit: Some(limit),
            cursor,
        }
    }

    #[test]
    fn pages_follow_keys_and_the_last_page_has_no_cursor() {
        let items: Vec<u32> = (0..5).collect();
        let listing = || items.iter().enumerate();
        let first = page(Operation::ListTickets, "t", &request(2, None), listing()).unwrap();
        assert_eq!(first.items, vec![0, 1]);
        let second = page(
            Operation::ListTickets,
            "t",
            &request(2, first.next),
            listing(),
        )
        .unwrap();
        assert_eq!(second.items, vec![2, 3]);
        let third = page(
            Operation::ListTickets,
            "t",
            &request(2, second.next),
            listing(),
        )
        .unwrap();
        assert_eq!(third.items, vec![4]);
        assert!(third.next.is_none());
        let exact = page(Operation::ListTickets, "t", &request(5, None), listing()).unwrap();
        assert!(exact.next.is_none(), "no cursor to an empty page");
    }

    #[test]
    fn foreign_damaged_or_mismatched_cursors_are_invalid_input() {
        let items = [1u8];
        for cursor in [
            Cursor::new("garbage!"),
            Cursor::encode(&("other", 0usize)),
            Cursor::encode(&("t", "x")),
        ] {
            let err = page(
                Operation::ListTickets,
                "t",
                &request(2, Some(cursor)),
                items.iter().enumerate(),
            )
            .unwrap_err();
            assert_eq!(err.kind(), &ErrorKind::InvalidInput);
            assert_eq!(err.operation(), Some(Operation::ListTickets));
        }
    }
}
