//! Workspace-level tests. The crate's documentation is the repository README, so that its examples
//! are compiled by `cargo test`.
#![doc = include_str!("../../README.md")]
