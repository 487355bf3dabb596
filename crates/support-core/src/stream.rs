//! Streams over the paged list operations, fetching ahead of the consumer.
//!
//! A [`Listing`] follows cursors from a first page onwards and yields items one by one, strictly in
//! order. While the consumer works on one page, the request for the next is already in flight, so the
//! provider's latency overlaps the consumer's work instead of adding to it. How far it runs ahead is
//! bounded by [`Listing::ahead`]: one page by default ([`Listing::DEFAULT_AHEAD`]); `ahead(0)` fetches
//! a page only once the consumer has asked for an item beyond the previous one, as a plain lazy
//! stream would.
//!
//! A page can also be handed over lazily ([`paginate_lazily`], [`LazyPage`]): its cursor read first,
//! its items produced when the consumer reaches them, so that decoding and mapping them overlaps the
//! next page's request instead of delaying it.
//!
//! The fetches borrow the port, so they are not spawned: the listing drives the request in flight
//! itself, each time it is polled. A consumer that spends longer than the adapter's request timeout
//! (30 s by default) on one page without polling the listing lets that request time out; it is then
//! sent again, as any read that timed out is.
//!
//! ```
//! use futures::TryStreamExt;
//! use support_core::{SupportPort, SupportPortExt, TicketQuery};
//!
//! async fn subjects(port: &dyn SupportPort) -> support_core::Result<Vec<Option<String>>> {
//!     // Two pages may be requested before they are needed; `ahead(0)` requests none.
//!     let tickets = port.tickets(TicketQuery::new()).ahead(2);
//!     tickets.map_ok(|ticket| ticket.subject).try_collect().await
//! }
//! ```

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::future::Future;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};

use futures::future::{BoxFuture, FutureExt};
use futures::stream::{FusedStream, Stream};
use futures::task::AtomicWaker;

use crate::error::{Error, ErrorKind, Result};
use crate::id::CanonicalId;
use crate::model::{CommentRef, Document, Party, SatisfactionRatingRef, TagRef, Ticket};
use crate::page::{Cursor, Page, PageRequest};
use crate::port::SupportPort;
use crate::query::{
    AgentQuery, ArticleQuery, CommentQuery, SatisfactionQuery, TagQuery, TicketQuery,
};

type Fetch<'a, T> = Box<dyn FnMut(PageRequest) -> BoxFuture<'a, Result<Batch<'a, T>>> + Send + 'a>;

/// One page of a listing whose items are produced only when the consumer reaches them, returned by
/// the fetches of [`paginate_lazily`]: the cursor to the next page is known as soon as the page
/// arrives, so the next page can be asked for before this one's items are decoded and mapped.
pub struct LazyPage<'a, T> {
    items: BoxFuture<'a, Result<Vec<T>>>,
    next: Option<Cursor>,
}

impl<'a, T> LazyPage<'a, T> {
    /// A page whose items `items` produces when first polled, and the cursor to the next page
    /// (`None` on the last). An error from `items` is yielded in the items' place and ends the
    /// listing.
    pub fn new(
        items: impl Future<Output = Result<Vec<T>>> + Send + 'a,
        next: Option<Cursor>,
    ) -> Self {
        Self {
            items: items.boxed(),
            next,
        }
    }
}

impl<T> fmt::Debug for LazyPage<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LazyPage")
            .field("next", &self.next)
            .finish_non_exhaustive()
    }
}

/// A received page: its items, ready or still to be produced, and the cursor to the next.
struct Batch<'a, T> {
    items: Items<'a, T>,
    next: Option<Cursor>,
}

enum Items<'a, T> {
    Ready(std::vec::IntoIter<T>),
    Later(BoxFuture<'a, Result<Vec<T>>>),
}

impl<T> Items<'_, T> {
    fn is_used_up(&self) -> bool {
        matches!(self, Items::Ready(items) if items.len() == 0)
    }
}

/// Follows cursors from `first` onwards, yielding items one by one; see [`Listing`].
///
/// ```
/// use futures::TryStreamExt;
/// use support_core::{Cursor, Page, PageRequest, paginate};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let numbers: Vec<u32> = paginate("example", PageRequest::default(), |page| async move {
///     Ok(match page.cursor {
///         None => Page::new(vec![1, 2], Some(Cursor::new("second"))),
///         Some(_) => Page::new(vec![3], None),
///     })
/// })
/// .try_collect()
/// .await?;
/// assert_eq!(numbers, [1, 2, 3]);
/// # Ok(())
/// # })
/// # }
/// ```
pub fn paginate<'a, T, F, Fut>(
    provider: &'static str,
    first: PageRequest,
    mut fetch: F,
) -> Listing<'a, T>
where
    T: Send + 'a,
    F: FnMut(PageRequest) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T>>> + Send + 'a,
{
    Listing::new(
        provider,
        first,
        Box::new(move |request| {
            fetch(request)
                .map(|page| {
                    page.map(|page| Batch {
                        items: Items::Ready(page.items.into_iter()),
                        next: page.next,
                    })
                })
                .boxed()
        }),
    )
}

/// Like [`paginate`], for pages whose items are produced when the consumer reaches them
/// ([`LazyPage`]): the request for the next page goes out before the current page's items are
/// decoded and mapped, so that work overlaps the provider's latency instead of adding to it.
pub fn paginate_lazily<'a, T, F, Fut>(
    provider: &'static str,
    first: PageRequest,
    mut fetch: F,
) -> Listing<'a, T>
where
    T: Send + 'a,
    F: FnMut(PageRequest) -> Fut + Send + 'a,
    Fut: Future<Output = Result<LazyPage<'a, T>>> + Send + 'a,
{
    Listing::new(
        provider,
        first,
        Box::new(move |request| {
            fetch(request)
                .map(|page| {
                    page.map(|page| Batch {
                        items: Items::Later(page.items),
                        next: page.next,
                    })
                })
                .boxed()
        }),
    )
}

impl<'a, T> Listing<'a, T> {
    fn new(provider: &'static str, first: PageRequest, fetch: Fetch<'a, T>) -> Self {
        let mut seen = HashSet::new();
        if let Some(cursor) = &first.cursor {
            seen.insert(fingerprint(cursor));
        }
        let woken = Arc::new(FetchWoken::default());
        Listing {
            provider,
            fetch,
            fetch_waker: Waker::from(woken.clone()),
            woken,
            limit: first.limit,
            next: Some(first),
            in_flight: None,
            pages: VecDeque::new(),
            failure: None,
            seen,
            ahead: Listing::<T>::DEFAULT_AHEAD,
            just_sent: false,
        }
    }
}

/// Every item of a paged listing, in order: a [`Stream`] that follows cursors and fetches ahead.
///
/// Returned by [`paginate`] and by every [`SupportPortExt`] method. Items come out in the order of
/// their pages and, within a page, in the provider's order. When a page arrives, the request for the
/// next one is sent at once, as long as fewer than [`ahead`](Listing::ahead) pages are held beyond the
/// one being consumed, so at most `1 + ahead` pages are held at a time, plus a 64-bit fingerprint per
/// cursor seen. A consumer that stops early has caused at most `ahead` requests beyond the page of its
/// last item.
///
/// If the provider hands out a cursor it handed out before, that cursor is not fetched: the listing
/// yields the items before it, then an [`ErrorKind::Decode`] error, instead of looping. A failed fetch
/// is yielded after every item of the pages before it. The listing ends after any error and fetches
/// nothing more.
pub struct Listing<'a, T> {
    provider: &'static str,
    fetch: Fetch<'a, T>,
    limit: Option<u32>,
    /// The request for the page after the last one received, until it is sent.
    next: Option<PageRequest>,
    in_flight: Option<BoxFuture<'a, Result<Batch<'a, T>>>>,
    /// Whether the request in flight asked to be polled again, and the consumer to wake when it does.
    woken: Arc<FetchWoken>,
    /// The waker the request in flight is polled with: [`FetchWoken`].
    fetch_waker: Waker,
    /// Received pages, oldest first; the front one is being consumed, and is dropped once the consumer
    /// asks for an item beyond it.
    pages: VecDeque<Items<'a, T>>,
    /// Yielded once every page before it has been consumed; then the listing ends.
    failure: Option<Error>,
    seen: HashSet<u64>,
    ahead: usize,
    /// Whether a request was sent since the listing last returned `Pending`: on a current-thread
    /// runtime it reaches the wire only once the task yields, so a lazy page yields once before
    /// producing its items.
    just_sent: bool,
}

impl<'a, T> Listing<'a, T> {
    /// How many pages a listing fetches beyond the one being consumed unless told otherwise.
    pub const DEFAULT_AHEAD: usize = 1;

    /// Sets how many pages beyond the one being consumed may be fetched before the consumer asks for
    /// them: `0` fetches each page only when the consumer has asked for an item beyond the previous
    /// page; `n` keeps up to `n` further pages requested or waiting, so up to `1 + n` pages are held.
    pub fn ahead(mut self, pages: usize) -> Self {
        self.ahead = pages;
        self
    }

    /// Sends the next request while there is room, and takes in every page that has arrived.
    ///
    /// The request in flight is polled only when it asked to be (its waker was called), not on
    /// every item the consumer takes: polling a pending request costs as much as mapping an item.
    fn drive(&mut self, cx: &mut Context<'_>) {
        self.woken.consumer.register(cx.waker());
        loop {
            if self.in_flight.is_none() {
                // `pages` counts the page being consumed, so up to `ahead` more may be requested.
                if self.pages.len() > self.ahead {
                    return;
                }
                let Some(request) = self.next.take() else {
                    return;
                };
                self.in_flight = Some((self.fetch)(request));
                self.just_sent = true;
                // Polled as soon as it is created, so the request goes out now rather than on the
                // next ask.
                self.woken.flag.store(true, Ordering::Release);
            }
            if !self.woken.flag.swap(false, Ordering::AcqRel) {
                return;
            }
            let Some(fetch) = self.in_flight.as_mut() else {
                return;
            };
            let mut fetch_cx = Context::from_waker(&self.fetch_waker);
            let Poll::Ready(outcome) = fetch.as_mut().poll(&mut fetch_cx) else {
                return;
            };
            self.in_flight = None;
            self.receive(outcome);
        }
    }

    fn receive(&mut self, outcome: Result<Batch<'a, T>>) {
        let page = match outcome {
            Ok(page) => page,
            Err(error) => {
                self.failure = Some(error);
                return;
            }
        };
        if !page.items.is_used_up() {
            self.pages.push_back(page.items);
        }
        let Some(cursor) = page.next else {
            return;
        };
        if self.seen.insert(fingerprint(&cursor)) {
            self.next = Some(PageRequest {
                limit: self.limit,
                cursor: Some(cursor),
            });
        } else {
            self.failure = Some(Error::new(ErrorKind::Decode, self.provider).with_message(format!(
                "the provider returned cursor `{cursor}` a second time; stopped instead of looping"
            )));
        }
    }
}

impl<T> Stream for Listing<'_, T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            // Asking again means the consumer is done with every item handed out so far.
            while this.pages.front().is_some_and(Items::is_used_up) {
                this.pages.pop_front();
            }
            this.drive(cx);
            match this.pages.front_mut() {
                Some(Items::Ready(items)) => {
                    if let Some(item) = items.next() {
                        return Poll::Ready(Some(Ok(item)));
                    }
                }
                Some(Items::Later(items)) => {
                    if this.just_sent {
                        // Let the connection write the request just sent before this page's
                        // items take the thread.
                        this.just_sent = false;
                        cx.waker().wake_by_ref();
                        return Poll::Pending;
                    }
                    match items.as_mut().poll(cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(Ok(items)) => {
                            if let Some(front) = this.pages.front_mut() {
                                *front = Items::Ready(items.into_iter());
                            }
                        }
                        Poll::Ready(Err(error)) => {
                            this.pages.clear();
                            this.next = None;
                            this.in_flight = None;
                            this.failure = None;
                            return Poll::Ready(Some(Err(error)));
                        }
                    }
                }
                None => break,
            }
        }
        if let Some(error) = this.failure.take() {
            this.next = None;
            return Poll::Ready(Some(Err(error)));
        }
        if this.in_flight.is_some() {
            // Its waker wakes the consumer registered by `drive`.
            this.just_sent = false;
            return Poll::Pending;
        }
        Poll::Ready(None)
    }
}

impl<T> FusedStream for Listing<'_, T> {
    fn is_terminated(&self) -> bool {
        self.next.is_none()
            && self.in_flight.is_none()
            && self.failure.is_none()
            && self.pages.iter().all(Items::is_used_up)
    }
}

// Nothing is pinned in place: the fetches and lazy pages are boxed futures, the other pages plain values.
impl<T> Unpin for Listing<'_, T> {}

impl<T> fmt::Debug for Listing<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Listing")
            .field("provider", &self.provider)
            .field("ahead", &self.ahead)
            .field("pages_held", &self.pages.len())
            .field("in_flight", &self.in_flight.is_some())
            .field("failed", &self.failure.is_some())
            .field("terminated", &self.is_terminated())
            .finish_non_exhaustive()
    }
}

/// The waker of a listing's request in flight: notes that the request wants to be polled again, and
/// wakes the consumer, whose next poll of the listing polls the request.
#[derive(Debug, Default)]
struct FetchWoken {
    flag: AtomicBool,
    consumer: AtomicWaker,
}

impl Wake for FetchWoken {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.flag.store(true, Ordering::Release);
        self.consumer.wake();
    }
}

fn fingerprint(cursor: &Cursor) -> u64 {
    let mut hasher = DefaultHasher::new();
    cursor.hash(&mut hasher);
    hasher.finish()
}

/// Streams over every list operation of a [`SupportPort`], following cursors and fetching one page ahead
/// ([`Listing::ahead`] changes that).
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
    /// Every ticket matching the query (the port's [`ticket_listing`](SupportPort::ticket_listing)).
    fn tickets(&self, query: TicketQuery) -> Listing<'_, Ticket> {
        self.ticket_listing(query)
    }

    /// Every agent matching the query.
    fn agents(&self, query: AgentQuery) -> Listing<'_, Party> {
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
    ) -> Listing<'a, CommentRef> {
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
    fn tags(&self, query: TagQuery) -> Listing<'_, TagRef> {
        let first = query.page.clone();
        paginate(self.provider(), first, move |page| {
            self.list_tags(TagQuery { page })
        })
    }

    /// Every knowledge article matching the query.
    fn knowledge_articles(&self, query: ArticleQuery) -> Listing<'_, Document> {
        let first = query.page.clone();
        paginate(self.provider(), first, move |page| {
            self.list_knowledge_articles(ArticleQuery {
                page,
                ..query.clone()
            })
        })
    }

    /// Every satisfaction rating matching the query.
    fn satisfaction_ratings(&self, query: SatisfactionQuery) -> Listing<'_, SatisfactionRatingRef> {
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
    use std::time::Duration;

    use futures::{StreamExt, TryStreamExt};
    use tokio::time::{Instant, sleep};

    use super::*;

    /// The request in flight is polled when its waker asks, not once per item the consumer takes:
    /// a page of a thousand items costs the next page's request two polls, not a thousand.
    #[tokio::test(start_paused = true)]
    async fn a_request_in_flight_is_polled_when_it_asks_not_on_every_item() {
        let polls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = polls.clone();
        let items: Vec<u32> = paginate("test", PageRequest::default(), move |page| {
            let polls = counted.clone();
            async move {
                if page.cursor.is_none() {
                    return Ok(Page::new((0..1000).collect(), Some(Cursor::new("next"))));
                }
                let mut wait = Box::pin(tokio::time::sleep(std::time::Duration::from_millis(10)));
                futures::future::poll_fn(|cx| {
                    polls.fetch_add(1, Ordering::SeqCst);
                    wait.as_mut().poll(cx)
                })
                .await;
                Ok(Page::new(vec![1000], None))
            }
        })
        .try_collect()
        .await
        .unwrap();
        assert_eq!(items.len(), 1001);
        assert!(polls.load(Ordering::SeqCst) <= 3, "{polls:?} polls");
    }

    /// Item `index` of page `page`.
    type Numbered = (usize, usize);

    /// A provider with `sizes.len()` pages of `sizes[page]` items, answering page `page` after
    /// `latency_ms[page % len]` milliseconds (at once for 0), counting its fetches.
    struct Book {
        sizes: Vec<usize>,
        latency_ms: Vec<u64>,
        fetches: Arc<AtomicUsize>,
        /// Requests sent and not answered yet; sending one while another is unanswered panics.
        unanswered: Arc<AtomicUsize>,
        /// When set: one more than the page of the consumer's latest item (0 before any); a fetch of a
        /// page more than `ahead + 1` pages beyond the consumer's latest item panics.
        progress: Option<(Arc<AtomicUsize>, usize)>,
    }

    impl Book {
        fn new(sizes: &[usize], latency_ms: &[u64]) -> Self {
            Self {
                sizes: sizes.to_vec(),
                latency_ms: latency_ms.to_vec(),
                fetches: Arc::new(AtomicUsize::new(0)),
                unanswered: Arc::new(AtomicUsize::new(0)),
                progress: None,
            }
        }

        fn expected(&self) -> Vec<Numbered> {
            (self.sizes.iter().enumerate())
                .flat_map(|(page, &size)| (0..size).map(move |index| (page, index)))
                .collect()
        }

        fn listing(&self, ahead: usize) -> Listing<'static, Numbered> {
            let sizes = self.sizes.clone();
            let latency_ms = self.latency_ms.clone();
            let fetches = self.fetches.clone();
            let unanswered = self.unanswered.clone();
            let progress = self.progress.clone();
            paginate("test", PageRequest::default(), move |request| {
                let page: usize = request.cursor.map_or(0, |c| c.as_str().parse().unwrap());
                fetches.fetch_add(1, Ordering::SeqCst);
                // One request at a time: a throttled page holds back every page after it.
                assert_eq!(
                    unanswered.fetch_add(1, Ordering::SeqCst),
                    0,
                    "page {page} sent early"
                );
                let unanswered = unanswered.clone();
                if let Some((consumed, ahead)) = &progress {
                    let consumed = consumed.load(Ordering::SeqCst);
                    assert!(
                        page <= consumed + ahead,
                        "page {page} requested while the consumer is on page {consumed} (1-based)"
                    );
                }
                let items = (0..sizes[page]).map(|index| (page, index)).collect();
                let next = (page + 1 < sizes.len()).then(|| Cursor::new((page + 1).to_string()));
                let latency = Duration::from_millis(latency_ms[page % latency_ms.len()]);
                async move {
                    if !latency.is_zero() {
                        sleep(latency).await;
                    }
                    unanswered.fetch_sub(1, Ordering::SeqCst);
                    Ok(Page::new(items, next))
                }
            })
            .ahead(ahead)
        }

        fn fetches(&self) -> usize {
            self.fetches.load(Ordering::SeqCst)
        }
    }

    /// Lists ten pages of three items, each answered after 100 ms, with 50 ms of work after each
    /// page's last item; returns the (paused) clock time the listing took.
    async fn ten_slow_pages(ahead: usize) -> Duration {
        let book = Book::new(&[3; 10], &[100]);
        let start = Instant::now();
        let mut listing = book.listing(ahead);
        let mut items = Vec::new();
        while let Some(item) = listing.next().await {
            let (page, index) = item.unwrap();
            items.push((page, index));
            if index == 2 {
                sleep(Duration::from_millis(50)).await;
            }
        }
        assert_eq!(items, book.expected());
        assert_eq!(book.fetches(), 10);
        start.elapsed()
    }

    #[tokio::test(start_paused = true)]
    async fn fetching_ahead_overlaps_page_latency_with_the_consumers_work() {
        // Every fetch after the first runs while the consumer works: 10 x 100 ms + the last 50 ms.
        let overlapped = ten_slow_pages(1).await;
        assert!(
            overlapped >= Duration::from_millis(1050) && overlapped < Duration::from_millis(1100),
            "{overlapped:?}"
        );
        // Lazy: every page's latency adds to the consumer's work, 10 x (100 + 50) ms.
        let lazy = ten_slow_pages(0).await;
        assert!(
            lazy >= Duration::from_millis(1500) && lazy < Duration::from_millis(1550),
            "{lazy:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_default_is_one_page_ahead() {
        assert_eq!(Listing::<Numbered>::DEFAULT_AHEAD, 1);
        let fetches = Arc::new(AtomicUsize::new(0));
        let counter = fetches.clone();
        let mut listing = paginate("test", PageRequest::default(), move |_| {
            let page = counter.fetch_add(1, Ordering::SeqCst);
            async move {
                Ok(Page::new(
                    vec![page],
                    Some(Cursor::new((page + 1).to_string())),
                ))
            }
        });
        assert_eq!(listing.next().await.unwrap().unwrap(), 0);
        assert_eq!(fetches.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_consumer_that_stops_after_one_item_caused_one_fetch_plus_ahead() {
        for ahead in 0..=3 {
            // Pages answered at once: everything allowed ahead arrives during the first ask.
            let book = Book::new(&[2; 10], &[0]);
            let mut listing = book.listing(ahead);
            assert_eq!(listing.next().await.unwrap().unwrap(), (0, 0));
            drop(listing);
            assert_eq!(book.fetches(), 1 + ahead, "ahead {ahead}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_consumer_that_waits_on_its_first_page_caused_one_fetch_plus_ahead() {
        for ahead in 0..=3 {
            let book = Book::new(&[5; 10], &[100]);
            let mut listing = book.listing(ahead);
            // Four items of the first page, long enough apart for every page allowed ahead to arrive.
            for index in 0..4 {
                assert_eq!(listing.next().await.unwrap().unwrap(), (0, index));
                sleep(Duration::from_secs(1)).await;
            }
            drop(listing);
            assert_eq!(book.fetches(), 1 + ahead, "ahead {ahead}");
        }
    }

    /// A lazy listing of `pages` pages of three numbers each; the items of page `n` record, when they
    /// are produced, how many fetches had started by then. Page 2's items fail when `fail_page_2`.
    fn lazy_book(
        pages: u32,
        fail_page_2: bool,
        started: Arc<AtomicUsize>,
        produced_after: Arc<std::sync::Mutex<Vec<usize>>>,
    ) -> Listing<'static, u32> {
        paginate_lazily("test", PageRequest::default(), move |request| {
            let started = started.clone();
            let produced_after = produced_after.clone();
            async move {
                let page: u32 = request
                    .cursor
                    .map_or(0, |c| c.as_str().parse().unwrap_or(0));
                started.fetch_add(1, Ordering::SeqCst);
                sleep(Duration::from_millis(10)).await;
                let next = (page + 1 < pages).then(|| Cursor::new((page + 1).to_string()));
                let items = async move {
                    produced_after
                        .lock()
                        .unwrap()
                        .push(started.load(Ordering::SeqCst));
                    if fail_page_2 && page == 2 {
                        return Err(Error::new(ErrorKind::Decode, "test").with_message("page 2"));
                    }
                    Ok((0..3).map(|i| page * 10 + i).collect())
                };
                Ok(LazyPage::new(items, next))
            }
        })
    }

    #[tokio::test(start_paused = true)]
    async fn a_lazy_page_is_produced_after_the_next_page_was_asked_for() {
        let started = Arc::new(AtomicUsize::new(0));
        let produced_after = Arc::new(std::sync::Mutex::new(Vec::new()));
        let items: Vec<u32> = lazy_book(4, false, started.clone(), produced_after.clone())
            .try_collect()
            .await
            .unwrap();
        assert_eq!(items, [0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32]);
        let page = LazyPage::new(async { Ok(vec![1]) }, Some(Cursor::new("c")));
        assert_eq!(
            format!("{page:?}"),
            r#"LazyPage { next: Some(Cursor("c")), .. }"#
        );
        // Page n's items were produced once page n + 1 had been asked for (the last page has none).
        assert_eq!(*produced_after.lock().unwrap(), [2, 3, 4, 4]);
        assert_eq!(started.load(Ordering::SeqCst), 4);
    }

    #[tokio::test(start_paused = true)]
    async fn a_lazy_page_that_fails_ends_the_listing_after_the_items_before_it() {
        let started = Arc::new(AtomicUsize::new(0));
        let produced_after = Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut listing = lazy_book(6, true, started.clone(), produced_after.clone());
        let mut items = Vec::new();
        let error = loop {
            match listing.next().await {
                Some(Ok(item)) => items.push(item),
                Some(Err(error)) => break error,
                None => panic!("the listing ended without the error"),
            }
        };
        assert_eq!(items, [0, 1, 2, 10, 11, 12]);
        assert!(error.to_string().contains("page 2"), "{error}");
        assert!(listing.next().await.is_none());
        assert!(listing.is_terminated());
        // Page 3 had been asked for when page 2 failed; nothing after.
        assert_eq!(started.load(Ordering::SeqCst), 4);
    }

    #[tokio::test(start_paused = true)]
    async fn items_come_out_in_order_across_pages() {
        for ahead in [0, 1, 3] {
            let book = Book::new(&[3, 1, 4, 1, 5, 9, 2, 6], &[30, 0, 70, 10, 0, 50]);
            let mut listing = book.listing(ahead);
            let mut items = Vec::new();
            while let Some(item) = listing.next().await {
                let (page, index) = item.unwrap();
                items.push((page, index));
                sleep(Duration::from_millis(((page * 7 + index * 3) % 20) as u64)).await;
            }
            assert_eq!(items, book.expected(), "ahead {ahead}");
            assert_eq!(book.fetches(), 8, "ahead {ahead}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn every_page_is_listed_in_order_within_the_bound() {
        let mut rng = fastrand::Rng::with_seed(9);
        for case in 0..200 {
            let pages = rng.usize(1..=8);
            let sizes: Vec<usize> = (0..pages).map(|_| rng.usize(0..=4)).collect();
            let latency_ms: Vec<u64> = (0..pages).map(|_| rng.u64(0..=3) * 10).collect();
            let ahead = rng.usize(0..=4);
            let pause_ms = rng.u64(0..=2) * 10;
            let mut book = Book::new(&sizes, &latency_ms);
            // Empty pages hold no items and do not count towards the bound.
            let consumed = Arc::new(AtomicUsize::new(0));
            if sizes.iter().all(|&size| size > 0) {
                book.progress = Some((consumed.clone(), ahead));
            }
            let mut listing = book.listing(ahead);
            let mut items = Vec::new();
            while let Some(item) = listing.next().await {
                let (page, index) = item.unwrap();
                consumed.store(page + 1, Ordering::SeqCst);
                items.push((page, index));
                sleep(Duration::from_millis(pause_ms)).await;
            }
            let context =
                format!("case {case}: sizes {sizes:?}, latency {latency_ms:?}, ahead {ahead}");
            assert_eq!(items, book.expected(), "{context}");
            assert_eq!(book.fetches(), pages, "{context}");
            assert!(listing.is_terminated(), "{context}");
            assert!(listing.next().await.is_none(), "{context}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_repeated_cursor_ahead_of_the_consumer_is_reported_after_the_items_before_it() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = calls.clone();
        let mut listing = paginate("test", PageRequest::default(), move |page| {
            counter.fetch_add(1, Ordering::SeqCst);
            async move {
                sleep(Duration::from_millis(10)).await;
                // a -> b -> a: a cycle a provider bug could produce
                Ok(match page.cursor.as_ref().map(Cursor::as_str) {
                    None => Page::new(vec![1, 2], Some(Cursor::new("a"))),
                    Some("a") => Page::new(vec![3, 4], Some(Cursor::new("b"))),
                    _ => Page::new(vec![5], Some(Cursor::new("a"))),
                })
            }
        })
        .ahead(1);
        let mut results = Vec::new();
        while let Some(result) = listing.next().await {
            results.push(result);
            // A slow consumer: the cycle is found while earlier pages are still held.
            sleep(Duration::from_millis(100)).await;
        }
        let items: Vec<u32> = results
            .iter()
            .filter_map(|r| r.as_ref().ok().copied())
            .collect();
        assert_eq!(items, [1, 2, 3, 4, 5]);
        assert_eq!(results.len(), 6);
        let err = results[5].as_ref().unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Decode);
        assert!(err.to_string().contains("cursor `a` a second time"));
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_fetch_ahead_is_reported_after_the_items_before_it() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = calls.clone();
        let mut listing = paginate("test", PageRequest::default(), move |page| {
            counter.fetch_add(1, Ordering::SeqCst);
            async move {
                match page.cursor.as_ref().map(Cursor::as_str) {
                    None => Ok(Page::new(vec![1, 2, 3], Some(Cursor::new("x")))),
                    Some("x") => {
                        sleep(Duration::from_millis(10)).await;
                        Ok(Page::new(vec![4, 5], Some(Cursor::new("y"))))
                    }
                    // Fails at once, while the consumer still works on the first page.
                    _ => Err(Error::new(ErrorKind::Timeout, "test")),
                }
            }
        })
        .ahead(1);
        let mut results = Vec::new();
        while let Some(result) = listing.next().await {
            results.push(result);
            sleep(Duration::from_millis(100)).await;
        }
        let items: Vec<u32> = results
            .iter()
            .filter_map(|r| r.as_ref().ok().copied())
            .collect();
        assert_eq!(items, [1, 2, 3, 4, 5]);
        assert_eq!(results.len(), 6);
        assert_eq!(results[5].as_ref().unwrap_err().kind(), &ErrorKind::Timeout);
        assert!(listing.next().await.is_none());
        assert_eq!(
            calls.load(Ordering::SeqCst),
            3,
            "nothing is fetched after an error"
        );
    }

    #[tokio::test]
    async fn follows_cursors_until_the_last_page() {
        let items: Vec<u32> = paginate("test", PageRequest::default(), |page| async move {
            let at: u32 = page.cursor.map_or(0, |c| c.as_str().parse().unwrap_or(0));
            let next = (at < 6).then(|| Cursor::new((at + 3).to_string()));
            Ok(Page::new(vec![at, at + 1, at + 2], next))
        })
        // Still a `BoxStream` where one is wanted.
        .boxed()
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
