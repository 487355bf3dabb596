//! Pages of a list a provider answers whole (all its tags in one or a few reads): sorted by name
//! and cut after the name the cursor holds, so that a resumed listing neither repeats nor skips a
//! name when the list changes between pages.

use serde::{Deserialize, Serialize};

use crate::{Cursor, ListingState, Operation, Page, Result, TagRef};

/// Where a tag listing stands: after a tag name.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TagsAfter {
    /// The last name returned.
    pub after: String,
}

impl ListingState for TagsAfter {
    const LISTING: &'static str = "tags";
}

/// The name after which a tag listing's `cursor` goes on; `None` for the first page. A cursor of
/// another listing or provider is an error.
pub fn tags_after(
    provider: &'static str,
    operation: Operation,
    cursor: Option<&Cursor>,
) -> Result<Option<String>> {
    Ok(Cursor::state::<TagsAfter>(cursor, provider, operation)?.map(|state| state.after))
}

/// The page of `tags` (a whole list) after the name `after`, `limit` at most, in name order, with
/// a cursor when more follow.
pub fn tag_page(
    provider: &'static str,
    mut tags: Vec<TagRef>,
    after: Option<&str>,
    limit: usize,
) -> Page<TagRef> {
    tags.sort_by(|a, b| a.data.name.cmp(&b.data.name));
    tags.retain(|t| after.is_none_or(|a| t.data.name.as_str() > a));
    let more = tags.len() > limit;
    tags.truncate(limit);
    let next = more.then(|| tags.last()).flatten().map(|t| {
        Cursor::of(
            provider,
            &TagsAfter {
                after: t.data.name.clone(),
            },
        )
    });
    Page::new(tags, next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CanonicalId, ExternalObjectRef, ObjectKind, Tag};

    fn tag(name: &str) -> TagRef {
        ExternalObjectRef::new(
            CanonicalId::new("acme", ObjectKind::Tag, name),
            Tag {
                name: name.into(),
                count: None,
            },
            serde_json::json!({ "name": name }),
        )
    }

    fn names(page: &Page<TagRef>) -> Vec<&str> {
        page.items.iter().map(|t| t.data.name.as_str()).collect()
    }

    #[test]
    fn pages_walk_the_names_in_order_and_end_without_a_cursor() {
        let all = || vec![tag("c"), tag("a"), tag("d"), tag("b")];
        let first = tag_page("acme", all(), None, 3);
        assert_eq!(names(&first), ["a", "b", "c"]);
        let after = tags_after("acme", Operation::ListTags, first.next.as_ref()).unwrap();
        assert_eq!(after.as_deref(), Some("c"));
        let second = tag_page("acme", all(), after.as_deref(), 3);
        assert_eq!(names(&second), ["d"]);
        assert!(second.next.is_none());
        let exact = tag_page("acme", all(), None, 4);
        assert!(exact.next.is_none(), "no cursor to an empty page");
    }

    #[test]
    fn a_name_added_before_the_cursor_is_not_returned_again() {
        let first = tag_page("acme", vec![tag("b"), tag("d")], None, 1);
        let after = tags_after("acme", Operation::ListTags, first.next.as_ref()).unwrap();
        let second = tag_page(
            "acme",
            vec![tag("a"), tag("b"), tag("d")],
            after.as_deref(),
            5,
        );
        assert_eq!(names(&second), ["d"]);
    }

    #[test]
    fn another_providers_cursor_is_refused() {
        let page = tag_page("other", vec![tag("a"), tag("b")], None, 1);
        assert!(tags_after("acme", Operation::ListTags, page.next.as_ref()).is_err());
    }
}
