#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

pub mod compare;
pub mod harness;
pub mod matrix;
pub mod registry;
pub mod report;
mod runner;
pub mod scenarios;
pub mod sim;
pub mod suites;
pub mod unsupported_port;
pub mod world;

pub use harness::{AfterHeaders, Fault, Faulted, Harness, RequestCounter, Simulator};
pub use registry::Suite;
pub use report::{
    Cell, CellResult, LIVE_VAR, Mode, Outcome, REPORT_DIR_VAR, Report, ScenarioResult, columns,
    live_requested,
};
pub use scenarios::run;
pub use unsupported_port::UnsupportedPort;
pub use world::{ClockReport, Entity, IdScheme, Profile, SlaClocks, World};
