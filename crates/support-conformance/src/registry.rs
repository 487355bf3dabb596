//! One registration per adapter: its `tests/conformance.rs` (a `harness = false` test) names how to
//! start its harness and how to reach a live account, and [`Suite::run`] registers every scenario
//! that applies as a test of its own.
//!
//! ```no_run
//! use support_conformance::{Suite, UnsupportedPort};
//! # struct MySimulator;
//! # impl support_conformance::Harness for MySimulator {
//! #     fn port(&self) -> std::sync::Arc<dyn support_core::SupportPort> { unimplemented!() }
//! #     fn world(&self) -> Option<&support_conformance::World> { None }
//! #     fn simulator(&self) -> Option<&dyn support_conformance::Simulator> { None }
//! # }
//! # impl MySimulator { async fn start() -> Self { MySimulator } }
//! # fn from_env() -> Result<UnsupportedPort, String> { Ok(UnsupportedPort::new("acme")) }
//!
//! fn main() -> std::process::ExitCode {
//!     Suite::new("acme")
//!         .offline(MySimulator::start) // async: a simulator serving the standard world
//!         .live(from_env) // the adapter's port from `SUPPORT_ACME_*`
//!         .run()
//! }
//! ```
//!
//! `cargo test -p support-acme --test conformance` then lists `listTickets::paginates`,
//! `getTicket::not_found`, ... and runs them in parallel; `cargo test -p support-acme --test
//! conformance paginates` runs one. Each test starts a fresh harness on its own runtime, so a
//! test's writes never reach another's reads. Offline, that runtime's clock is paused (the
//! simulators' ports have no request timeout, and `Retry-After` waits pass at once); live, time is
//! real.
//!
//! With `SUPPORT_CONFORMANCE_LIVE=1` the live tests replace the offline ones; when the live
//! account cannot be reached from the environment (variables missing), one ignored test says why.
//! When every test ran and `SUPPORT_CONFORMANCE_REPORT_DIR` is set, the outcomes are written as the
//! [`Report`] that `cargo xtask conformance` reads.
//!
//! A program runs the same scenarios in-process with [`Suite::report`] (or [`Suite::report_all`]
//! for several rows), which returns the [`Report`]s instead of printing test lines and exiting:
//! no libtest arguments, no environment variables, the mode given. [`crate::matrix`] prints them
//! as `cargo xtask conformance` does.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use support_core::SupportPort;

use crate::harness::{Harness, Simulator};
use crate::report::{Mode, Outcome, Report, ScenarioResult, live_requested};
use crate::runner::{self, Arguments, Trial, panic_message};
use crate::scenarios::{execute, plan};
use crate::world::World;

type Boxed<T> = Pin<Box<dyn Future<Output = T>>>;
type Start = Arc<dyn Fn() -> Boxed<Result<Box<dyn Harness>, String>> + Send + Sync>;
type Connect = Arc<dyn Fn() -> Result<Box<dyn Harness>, String> + Send + Sync>;
type Extra =
    Arc<dyn for<'a> Fn(&'a dyn Harness) -> Pin<Box<dyn Future<Output = ()> + 'a>> + Send + Sync>;

/// An adapter's conformance registration: how to start its offline harness and reach its live
/// account.
#[must_use = "a suite does nothing until `run` or `report`"]
pub struct Suite {
    provider: String,
    offline: Option<Start>,
    live: Option<Connect>,
    live_is_offline: bool,
    stubs_allowed: bool,
    extra: Vec<(String, Extra)>,
}

impl std::fmt::Debug for Suite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Suite")
            .field("provider", &self.provider)
            .field("offline", &self.offline.is_some())
            .field("live", &self.live.is_some())
            .field("live_is_offline", &self.live_is_offline)
            .field("stubs_allowed", &self.stubs_allowed)
            .field(
                "extra",
                &self.extra.iter().map(|(name, _)| name).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Suite {
    /// A suite for the adapter whose `provider()` is `provider`.
    pub fn new(provider: impl Into<String>) -> Self {
        Self {
            provider: provider.into(),
            offline: None,
            live: None,
            live_is_offline: false,
            stubs_allowed: false,
            extra: Vec::new(),
        }
    }

    /// The provider name this suite's row carries.
    pub fn provider(&self) -> &str {
        &self.provider
    }

    /// How to start the offline harness (a simulator serving the standard world); called once per
    /// test, on that test's runtime.
    pub fn offline<H, F>(mut self, start: impl Fn() -> F + Send + Sync + 'static) -> Self
    where
        H: Harness + 'static,
        F: Future<Output = H> + 'static,
    {
        self.offline = Some(Arc::new(move || {
            let started = start();
            Box::pin(async move { Ok(Box::new(started.await) as Box<dyn Harness>) })
        }));
        self
    }

    /// How to reach the live account: typically the adapter's `from_env`, whose error names the
    /// variables that are missing.
    pub fn live<P, E>(mut self, connect: impl Fn() -> Result<P, E> + Send + Sync + 'static) -> Self
    where
        P: SupportPort + 'static,
        E: std::fmt::Display,
    {
        self.live = Some(Arc::new(move || {
            connect()
                .map(|port| Box::new(LivePort(Arc::new(port))) as Box<dyn Harness>)
                .map_err(|error| error.to_string())
        }));
        self
    }

    /// Runs live against the port `connect` builds (an application's settings through a facade,
    /// say) instead of the suite's own live connection.
    pub fn live_port<E>(
        mut self,
        connect: impl Fn() -> Result<Arc<dyn SupportPort>, E> + Send + Sync + 'static,
    ) -> Self
    where
        E: std::fmt::Display,
    {
        self.live = Some(Arc::new(move || {
            connect()
                .map(|port| Box::new(LivePort(port)) as Box<dyn Harness>)
                .map_err(|error| error.to_string())
        }));
        self
    }

    /// For a provider without a remote account (the in-memory one): its live run is the offline
    /// one, reported as live.
    pub fn live_is_offline(mut self) -> Self {
        self.live_is_offline = true;
        self
    }

    /// Lets operations be declared unsupported as "not implemented" (a scaffold in progress); a
    /// finished adapter must say why the provider cannot do them.
    pub fn allow_stubs(mut self) -> Self {
        self.stubs_allowed = true;
        self
    }

    /// Registers a test of the adapter's own against a fresh offline harness (it fails by
    /// panicking, as a `#[test]` does). It runs offline only: its harness is the simulator's.
    pub fn test<F>(mut self, name: impl Into<String>, test: F) -> Self
    where
        F: AsyncFn(&dyn Harness) + Send + Sync + 'static,
    {
        let test = Arc::new(test);
        let extra: Extra = Arc::new(move |harness| {
            let test = test.clone();
            Box::pin(async move { test(harness).await })
        });
        self.extra.push((name.into(), extra));
        self
    }

    /// Registers the tests, runs those the command line selects (as `cargo test` passes them),
    /// writes the report when every test ran, and returns the exit code libtest would.
    pub fn run(self) -> ExitCode {
        Self::run_all(vec![self])
    }

    /// Several rows from one test target (one adapter with two modes, each its own provider
    /// name): each suite's tests are named `{provider}::{operation}::{scenario}` when there is more
    /// than one, they run together, and each suite writes its own `{provider}.json` when every test
    /// ran.
    pub fn run_all(suites: Vec<Suite>) -> ExitCode {
        let args = Arguments::from_env();
        let mode = if live_requested() {
            Mode::Live
        } else {
            Mode::Offline
        };
        let prefixed = suites.len() > 1;
        let mut all_trials = Vec::new();
        let mut rows = Vec::new();
        for suite in &suites {
            let (trials, results) = suite.trials(mode, true);
            all_trials.extend(trials.into_iter().map(|mut trial| {
                if prefixed {
                    trial.name = format!("{}::{}", suite.provider, trial.name);
                }
                trial
            }));
            rows.push((suite.provider.clone(), results, mode));
        }
        let conclusion = runner::run(&args, all_trials);
        if args.lists() {
            return ExitCode::SUCCESS;
        }
        let partial = args.selects() || conclusion.filtered_out > 0;
        if partial && std::env::var_os(crate::report::REPORT_DIR_VAR).is_some() {
            eprintln!("conformance report not written: only part of the suite ran");
        }
        for (provider, results, mode) in rows {
            let report = Report {
                provider,
                mode,
                scenarios: results.finish(),
            };
            if !partial {
                report.write_if_requested();
            }
        }
        if conclusion.failed == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(101)
        }
    }

    /// Runs every scenario in this process and returns what they found, as the row of the
    /// matrix: offline on the simulator (or in memory), or live on the account the suite's `live`
    /// connection reaches (a report of every operation skipped, with the reason, when it cannot be
    /// reached). The environment is not read for the mode, nothing is printed and the process
    /// does not exit; a failing or panicking scenario is a failed result in the report. Tests
    /// registered with [`Suite::test`] are the test target's own and do not run here.
    ///
    /// A blocking call that needs no runtime: each scenario runs on a runtime of its own (with
    /// its clock paused offline), on threads of its own, so it may be called from `main` or from
    /// inside a tokio runtime (where `tokio::task::spawn_blocking` keeps it off the async
    /// workers).
    pub fn report(self, mode: Mode) -> Report {
        let mut reports = Self::report_all(vec![self], mode);
        reports.pop().unwrap_or_else(|| Report {
            provider: String::new(),
            mode,
            scenarios: Vec::new(),
        })
    }

    /// [`Suite::report`] for several suites, their scenarios run together (as many at once as the
    /// machine has cores); one report per suite, in order.
    pub fn report_all(suites: Vec<Suite>, mode: Mode) -> Vec<Report> {
        // Planning starts a harness on a runtime of its own: off the caller's thread, which may
        // be inside a runtime already.
        std::thread::scope(|scope| {
            scope
                .spawn(move || report_all_here(suites, mode))
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    }

    /// Where this run's harnesses come from: `Ok((start, paused clock))`, or why the live account
    /// cannot be reached.
    fn source(&self, mode: Mode) -> Result<(Start, bool), String> {
        if mode == Mode::Offline || self.live_is_offline {
            let missing = || format!("{} registers no offline harness", self.provider);
            let start = self.offline.clone().ok_or_else(missing)?;
            return Ok((start, true));
        }
        let connect = self
            .live
            .clone()
            .ok_or_else(|| format!("{} registers no live mode", self.provider))?;
        // Once up front, so that missing variables show as one skipped test, not as every test
        // failing.
        connect()?;
        let start: Start = Arc::new(move || {
            let harness = connect();
            Box::pin(async move { harness })
        });
        Ok((start, false))
    }

    /// The tests and the results they will record; `as_tests`: for the test runner (with the
    /// adapter's own tests, saying on stderr why a live run cannot start), else for a report.
    fn trials(&self, mode: Mode, as_tests: bool) -> (Vec<Trial>, Results) {
        let results = Results::default();
        let (start, paused) = match self.source(mode) {
            Ok(source) => source,
            Err(why) if mode == Mode::Offline => {
                results.record(0, every_operation_failed("harness", &why));
                let trial = Trial {
                    name: "harness".to_owned(),
                    ignored: None,
                    run: Box::new(move || Err(why)),
                };
                return (vec![trial], results);
            }
            Err(why) => {
                if as_tests {
                    eprintln!("{why}");
                }
                let skipped = Report::live_skipped(&self.provider, &why);
                results.record(0, skipped.scenarios);
                let trial = Trial {
                    name: "live".to_owned(),
                    ignored: Some(why),
                    run: Box::new(|| Ok(())),
                };
                return (vec![trial], results);
            }
        };
        let steps = match runtime(paused) {
            Ok(rt) => rt.block_on(async {
                let harness = start().await?;
                let port = harness.port();
                Ok(plan(
                    port.capabilities(),
                    harness.world(),
                    harness.simulator().is_some(),
                    self.stubs_allowed,
                ))
            }),
            Err(error) => Err(format!("no tokio runtime: {error}")),
        };
        let steps = match steps {
            Ok(steps) => steps,
            Err(why) => {
                // One failing test rather than a panic: the harness could not be set up at all.
                results.record(0, every_operation_failed("harness", &why));
                let trial = Trial {
                    name: "harness".to_owned(),
                    ignored: None,
                    run: Box::new(move || Err(why)),
                };
                return (vec![trial], results);
            }
        };
        let extra = self
            .extra
            .iter()
            .filter(|_| paused && as_tests)
            .map(|(name, test)| {
                let start = start.clone();
                let test = test.clone();
                Trial {
                    name: name.clone(),
                    ignored: None,
                    run: Box::new(move || {
                        let rt = runtime(paused).map_err(|e| format!("no tokio runtime: {e}"))?;
                        rt.block_on(async {
                            let harness = start().await?;
                            test(harness.as_ref()).await;
                            Ok(())
                        })
                    }),
                }
            });
        let trials = steps
            .into_iter()
            .enumerate()
            .map(|(index, step)| {
                let name = step.test_name();
                if let Some(skipped) = step.skipped() {
                    let why = match &skipped.outcome {
                        Outcome::Skipped(why) => why.clone(),
                        _ => String::new(),
                    };
                    results.record(index, vec![skipped]);
                    return Trial {
                        name,
                        ignored: Some(why),
                        run: Box::new(|| Ok(())),
                    };
                }
                let start = start.clone();
                let results = results.clone();
                Trial {
                    name,
                    ignored: None,
                    run: Box::new(move || {
                        let found = catch_unwind(AssertUnwindSafe(|| {
                            runtime(paused)
                                .map_err(|e| format!("no tokio runtime: {e}"))
                                .and_then(|rt| {
                                    rt.block_on(async {
                                        let harness = start().await?;
                                        Ok(execute(&step, harness.as_ref()).await)
                                    })
                                })
                        }))
                        .unwrap_or_else(|panic| Err(panic_message(panic.as_ref())))
                        .unwrap_or_else(|why| step.failed(&why));
                        let failed: Vec<String> = found
                            .iter()
                            .filter_map(|r| match &r.outcome {
                                Outcome::Fail(why) => Some(why.clone()),
                                _ => None,
                            })
                            .collect();
                        results.record(index, found);
                        match failed.first() {
                            Some(why) => Err(why.clone()),
                            None => Ok(()),
                        }
                    }),
                }
            })
            .chain(extra)
            .collect();
        (trials, results)
    }
}

/// [`Suite::report_all`] on the current thread, which is in no runtime.
fn report_all_here(suites: Vec<Suite>, mode: Mode) -> Vec<Report> {
    let mut queue = Vec::new();
    let mut rows = Vec::new();
    for suite in &suites {
        let planned = catch_unwind(AssertUnwindSafe(|| suite.trials(mode, false)));
        let (trials, results) = planned.unwrap_or_else(|panic| {
            let results = Results::default();
            let why = panic_message(panic.as_ref());
            results.record(0, every_operation_failed("harness", &why));
            (Vec::new(), results)
        });
        // Ignored trials recorded their results (skips) when planned.
        queue.extend(trials.into_iter().filter(|trial| trial.ignored.is_none()));
        rows.push((suite.provider.clone(), results));
    }
    runner::run_quietly(queue);
    rows.into_iter()
        .map(|(provider, results)| Report {
            provider,
            mode,
            scenarios: results.finish(),
        })
        .collect()
}

/// One failure per column of the matrix, for a suite that could not run at all.
fn every_operation_failed(scenario: &str, why: &str) -> Vec<ScenarioResult> {
    crate::report::columns()
        .into_iter()
        .map(|(operation, _)| ScenarioResult {
            scenario: scenario.to_owned(),
            operation,
            outcome: Outcome::Fail(why.to_owned()),
        })
        .collect()
}

/// A current-thread runtime per test: paused offline, so that every test has its own clock.
fn runtime(paused: bool) -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(paused)
        .build()
}

/// The results the tests recorded, kept in step order so that the report reads as a single run.
#[derive(Clone, Default)]
struct Results(Arc<Mutex<Vec<StepResults>>>);

/// A step's index in the plan, and what it found.
type StepResults = (usize, Vec<ScenarioResult>);

impl Results {
    fn record(&self, step: usize, results: Vec<ScenarioResult>) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((step, results));
    }

    fn finish(&self) -> Vec<ScenarioResult> {
        let mut all = std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()));
        all.sort_by_key(|(step, _)| *step);
        all.into_iter().flat_map(|(_, results)| results).collect()
    }
}

/// A live account: the port, no world, no simulator.
struct LivePort(Arc<dyn SupportPort>);

impl Harness for LivePort {
    fn port(&self) -> Arc<dyn SupportPort> {
        self.0.clone()
    }

    fn world(&self) -> Option<&World> {
        None
    }

    fn simulator(&self) -> Option<&dyn Simulator> {
        None
    }
}
