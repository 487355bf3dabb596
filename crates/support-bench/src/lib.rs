#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

pub mod catalog;
pub mod clients;
pub mod measure;
pub mod server;

pub use catalog::Site;
pub use server::BenchServer;
