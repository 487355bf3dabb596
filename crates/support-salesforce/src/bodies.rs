//! Request bodies: the writes' fields are built in `port.rs` as `types::Record` (a free map of
//! sObject fields, as the sObject row resources take).
