//! Where Zohodesk listings stand: one typed state per listing, and the pager that reads each page.
//!
//! Nothing yet. For each listing the adapter implements, put here a state type that implements
//! `support_core::page::ListingState` (it names its listing, so `Cursor::for_listing` makes cursors
//! that `Cursor::state` refuses for another provider or listing), and read pages through one pager
//! per paging style (offset, page number or cursor) that checks each page is complete.
