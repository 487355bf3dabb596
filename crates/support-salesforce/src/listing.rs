//! Listing: SOQL batches and their `nextRecordsUrl` locators are read in `port.rs` (`query`,
//! `query_more`, `query_all`); cursors hold the next locator.
