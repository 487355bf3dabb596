//! Lazy streams over the paged list operations.

use std::collections::HashSet;
use std::future::Future;
use std::hash::{DefaultHasher, Hash, Hasher};

use futures::stream::{self, BoxStream, StreamExt};

use crate::error::{Error, ErrorKind, Result};
use crate::id::CanonicalId;
use crate::model::{CommentRef, Document, Party, SatisfactionRatingRef, TagRef, Ticket};
use crate::page::{Cursor, Page, PageRequest};
use crate::port::SupportPort;
use crate::query::{
    AgentQuery, ArticleQuery, CommentQuery, SatisfactionQuery, TagQuery, TicketQuery,
};

/// Follows cursors from `first` onwards, yielding items one by one.
///
/// Only one page is held at a time, plus a 64-bit fingerprint per cursor seen. If the provider hands
/// out a cursor it handed out before, the stream yields that page's items and then a
/// [`ErrorKind::Decode`] error instead of looping. The stream ends after any error.
pub fn paginate<'a, T, F, Fut>(
    provider: &'static str,
    first: PageRequest,
    fetch: F,
) -> BoxStream<'a, Result<T>>
where
    T: Send + 'a,
    F: FnMut(PageRequest) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T>>> + Send + 'a,
{
    struct State<F> {
        next: Option<PageRequest>,
        seen: HashSet<u64>,
        fetch: F,
    }

    let mut seen = HashSet::new();
    if let Some(cursor) = &first.cursor {
        seen.insert(fingerprint(cursor));
    }
    let state = State {
        next: Some(first),
        seen,
        fetch,
    };
    stream::unfold(state, move |mut state| async move {
        let request = state.next.take()?;
        let limit = request.limit;
        let batch: Vec<Result<T>> = match (state.fetch)(request).await {
            Err(error) => vec![Err(error)],
            Ok(page) => {
                let mut batch: Vec<Result<T>> = page.items.into_iter().map(Ok).collect();
                if let Some(cursor) = page.next {
                    if state.seen.insert(fingerprint(&cursor)) {
                        state.next = Some(PageRequest {
                            limit,
                            cursor: Some(cursor),
                        });
                    } else {
                        batch.push(Err(Error::new(ErrorKind::Decode, provider).with_message(format!(
                            "the provider returned cursor `{cursor}` a second time; stopped instead of looping"
                        ))));
                    }
                }
                batch
            }
        };
        Some((stream::iter(batch), state))
    })
    .flatten()
    .boxed()
}

fn fingerprint(cursor: &Cursor) -> u64 {
    let mut hasher = DefaultHasher::new();
    cursor.hash(&mut hasher);
    hasher.finish()
}

/// Streams over every list operation of a [`SupportPort`], following cursors lazily.
///
/// ```
/// use futures::TryStreamExt;
/// use support_core::{SupportPort, SupportPortExt, TicketQuery, TicketStatus};
///
/// async fn count_pending(port: &dyn SupportPort) -> support_core::Result<usize> {
///     let query = TicketQuery::new().with_status(TicketStatus::Pending).with_limit(100);
///     port.tickets(query).try_fold(0, |n, _| async move { Ok(n + 1) }).await
/// }
/// ```
pub trait SupportPortExt: SupportPort {
    /// Every ticket matching the query.
    fn tickets(&self, query: TicketQuery) -> BoxStream<'_, Result<Ticket>> {
        let first = query.page.clone();
        paginate(self.provider(), first, move |page| {
            self.list_tickets(TicketQuery {
                page,
                ..query.clone()
            })
        })
    }

    /// Every agent matching the query.
    fn agents(&self, query: AgentQuery) -> BoxStream<'_, Result<Party>> {
        let first = query.page.clone();
        paginate(self.provider(), first, move |page| {
            self.list_agents(AgentQuery {
                page,
                ..query.clone()
            })
        })
    }

    /// Every comment of a ticket.
    fn comments<'a>(
        &'a self,
        ticket: &'a CanonicalId,
        query: CommentQuery,
    ) -> BoxStream<'a, Result<CommentRef>> {
        let first = query.page.clone();
        paginate(self.provider(), first, move |page| {
            self.list_comments(
                ticket,
                CommentQuery {
                    page,
                    ..query.clone()
                },
            )
        })
    }

    /// Every tag.
    fn tags(&self, query: TagQuery) -> BoxStream<'_, Result<TagRef>> {
        let first = query.page.clone();
        paginate(self.provider(), first, move |page| {
            self.list_tags(TagQuery { page })
        })
    }

    /// Every knowledge article matching the query.
    fn knowledge_articles(&self, query: ArticleQuery) -> BoxStream<'_, Result<Document>> {
        let first = query.page.clone();
        paginate(self.provider(), first, move |page| {
            self.list_knowledge_articles(ArticleQuery {
                page,
                ..query.clone()
            })
        })
    }

    /// Every satisfaction rating matching the query.
    fn satisfaction_ratings(
        &self,
        query: SatisfactionQuery,
    ) -> BoxStream<'_, Result<SatisfactionRatingRef>> {
        let first = query.page.clone();
        paginate(self.provider(), first, move |page| {
            self.list_satisfaction_ratings(SatisfactionQuery {
                page,
                ..query.clone()
            })
        })
    }
}

impl<P: SupportPort + ?Sized> SupportPortExt for P {}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use futures::TryStreamExt;

    use super::*;

    #[tokio::test]
    async fn follows_cursors_until_the_last_page() {
        let items: Vec<u32> = paginate("test", PageRequest::default(), |page| async move {
            let at: u32 = page.cursor.map_or(0, |c| c.as_str().parse().unwrap_or(0));
            let next = (at < 6).then(|| Cursor::new((at + 3).to_string()));
            Ok(Page::new(vec![at, at + 1, at + 2], next))
        })
        .try_collect()
        .await
        .unwrap();
        assert_eq!(items, (0..9).collect::<Vec<_>>());
    }

    #[tokio::test]
    async fn a_repeated_cursor_ends_the_stream_with_an_error() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = calls.clone();
        let results: Vec<Result<u32>> = paginate("test", PageRequest::default(), move |page| {
            counter.fetch_add(1, Ordering::SeqCst);
            async move {
                // a -> b -> a: a cycle a provider bug could produce
                let next = match page.cursor.as_ref().map(Cursor::as_str) {
                    None => "a",
                    Some("a") => "b",
                    _ => "a",
                };
                Ok(Page::new(vec![1], Some(Cursor::new(next))))
            }
        })
        .collect()
        .await;
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        assert_eq!(results.len(), 4);
        let err = results.last().unwrap().as_ref().unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Decode);
        assert!(err.to_string().contains("cursor `a` a second time"));
    }

    #[tokio::test]
    async fn an_error_ends_the_stream() {
        let results: Vec<Result<u32>> =
            paginate("test", PageRequest::default(), |page| async move {
                match page.cursor {
                    None => Ok(Page::new(vec![1], Some(Cursor::new("x")))),
                    Some(_) => Err(Error::new(ErrorKind::Timeout, "test")),
                }
            })
            .collect()
            .await;
        assert_eq!(results.len(), 2);
        assert!(results[1].is_err());
    }
}
