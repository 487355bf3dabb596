//! A test runner for `harness = false` test binaries that takes the arguments `cargo test` passes
//! to libtest and prints what libtest prints, so that each scenario is a test of its own: listed
//! by `--list`, picked by a filter, reported by name.
//!
//! It is a few hundred lines rather than a dependency because the usual crate for this pulls a
//! command-line parser and its derive macros into every cold build of the workspace.

use std::collections::VecDeque;
use std::io::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;
use std::time::Instant;

/// One test: a name and what running it finds (`Err` says why it failed).
pub(crate) struct Trial {
    pub(crate) name: String,
    /// `Some(reason)`: listed and reported as ignored, run only with `--ignored`/`--include-ignored`.
    pub(crate) ignored: Option<String>,
    pub(crate) run: Box<dyn FnOnce() -> Result<(), String> + Send>,
}

/// The arguments of a libtest run that this runner honours; others are accepted and ignored.
#[derive(Debug, Default)]
pub(crate) struct Arguments {
    filters: Vec<String>,
    skip: Vec<String>,
    exact: bool,
    list: bool,
    ignored: bool,
    include_ignored: bool,
    quiet: bool,
    threads: Option<usize>,
}

impl Arguments {
    /// This process's arguments.
    pub(crate) fn from_env() -> Self {
        Self::parse(std::env::args().skip(1))
    }

    pub(crate) fn parse(args: impl IntoIterator<Item = String>) -> Self {
        let mut parsed = Self::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) if arg.starts_with("--") => (flag.to_owned(), Some(value)),
                _ => (arg.clone(), None),
            };
            let mut value = || inline.map(str::to_owned).or_else(|| args.next());
            match flag.as_str() {
                "--list" => parsed.list = true,
                "--exact" => parsed.exact = true,
                "--ignored" => parsed.ignored = true,
                "--include-ignored" => parsed.include_ignored = true,
                "-q" | "--quiet" => parsed.quiet = true,
                "--skip" => parsed.skip.extend(value()),
                "--test-threads" => parsed.threads = value().and_then(|v| v.parse().ok()),
                "--format" => parsed.quiet |= value().as_deref() == Some("terse"),
                // Flags that take a value this runner has no use for.
                "--color" | "--logfile" | "-Z" | "--report-time" | "--shuffle-seed" => {
                    drop(value());
                }
                _ if flag.starts_with('-') => {}
                _ => parsed.filters.push(arg),
            }
        }
        parsed
    }

    /// Whether this is `--list`: nothing runs.
    pub(crate) fn lists(&self) -> bool {
        self.list
    }

    /// Whether the run may leave tests out (so that its results are not the whole suite's).
    pub(crate) fn selects(&self) -> bool {
        !self.filters.is_empty() || !self.skip.is_empty() || self.ignored
    }

    fn matches(&self, name: &str) -> bool {
        let hit = |pattern: &String| {
            if self.exact {
                name == pattern
            } else {
                name.contains(pattern.as_str())
            }
        };
        (self.filters.is_empty() || self.filters.iter().any(hit)) && !self.skip.iter().any(hit)
    }
}

/// How a run ended.
#[derive(Debug, Default)]
pub(crate) struct Conclusion {
    pub(crate) passed: usize,
    pub(crate) failed: usize,
    pub(crate) ignored: usize,
    pub(crate) filtered_out: usize,
}

/// Runs (or, with `--list`, lists) the trials the arguments select, printing as libtest does.
pub(crate) fn run(args: &Arguments, trials: Vec<Trial>) -> Conclusion {
    let mut conclusion = Conclusion::default();
    let (selected, filtered): (Vec<Trial>, Vec<Trial>) =
        trials.into_iter().partition(|t| args.matches(&t.name));
    conclusion.filtered_out = filtered.len();
    if args.list {
        for trial in &selected {
            println!("{}: test", trial.name);
        }
        if !args.quiet {
            println!("\n{} tests, 0 benchmarks", selected.len());
        }
        return conclusion;
    }

    let started = Instant::now();
    println!(
        "\nrunning {} test{}",
        selected.len(),
        if selected.len() == 1 { "" } else { "s" }
    );
    let mut queue = VecDeque::new();
    for trial in selected {
        let runs = match &trial.ignored {
            Some(_) => args.ignored || args.include_ignored,
            None => !args.ignored,
        };
        if runs {
            queue.push_back(trial);
        } else {
            report(args, &trial.name, &Verdict::Ignored(trial.ignored.clone()));
            conclusion.ignored += 1;
        }
    }
    let threads = args
        .threads
        .or_else(|| std::env::var("RUST_TEST_THREADS").ok()?.parse().ok())
        .or_else(|| std::thread::available_parallelism().ok().map(usize::from))
        .unwrap_or(1)
        .max(1);
    let queue = Mutex::new(queue);
    let failures = Mutex::new(Vec::new());
    let counts = Mutex::new((0usize, 0usize));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let next = lock(&queue).pop_front();
                    let Some(trial) = next else { break };
                    let verdict = match catch_unwind(AssertUnwindSafe(trial.run)) {
                        Ok(Ok(())) => Verdict::Ok,
                        Ok(Err(why)) => Verdict::Failed(why),
                        Err(panic) => Verdict::Failed(panic_message(panic.as_ref())),
                    };
                    report(args, &trial.name, &verdict);
                    let mut counts = lock(&counts);
                    if let Verdict::Failed(why) = verdict {
                        counts.1 += 1;
                        lock(&failures).push((trial.name, why));
                    } else {
                        counts.0 += 1;
                    }
                }
            });
        }
    });
    (conclusion.passed, conclusion.failed) = *lock(&counts);
    let mut failures = failures.into_inner().unwrap_or_else(|e| e.into_inner());
    failures.sort();
    if args.quiet {
        println!();
    }
    if !failures.is_empty() {
        println!("\nfailures:\n");
        for (name, why) in &failures {
            println!("---- {name} ----\n{why}\n");
        }
        println!("\nfailures:");
        for (name, _) in &failures {
            println!("    {name}");
        }
    }
    println!(
        "\ntest result: {}. {} passed; {} failed; {} ignored; 0 measured; {} filtered out; \
         finished in {:.2}s\n",
        if conclusion.failed == 0 {
            "ok"
        } else {
            "FAILED"
        },
        conclusion.passed,
        conclusion.failed,
        conclusion.ignored,
        conclusion.filtered_out,
        started.elapsed().as_secs_f64()
    );
    conclusion
}

/// Runs the trials on as many threads as the machine has cores, printing nothing: for callers
/// that take the trials' results from what they record. A panicking trial is caught.
pub(crate) fn run_quietly(trials: Vec<Trial>) {
    let threads = std::thread::available_parallelism()
        .map(usize::from)
        .unwrap_or(1)
        .clamp(1, trials.len().max(1));
    let queue = Mutex::new(VecDeque::from(trials));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let next = lock(&queue).pop_front();
                    let Some(trial) = next else { break };
                    let _ = catch_unwind(AssertUnwindSafe(trial.run));
                }
            });
        }
    });
}

enum Verdict {
    Ok,
    Failed(String),
    Ignored(Option<String>),
}

// `print!` rather than a locked stdout, so that libtest captures it when this runner is itself
// under test.
fn report(args: &Arguments, name: &str, verdict: &Verdict) {
    if args.quiet {
        print!(
            "{}",
            match verdict {
                Verdict::Ok => ".",
                Verdict::Failed(_) => "F",
                Verdict::Ignored(_) => "i",
            }
        );
    } else {
        match verdict {
            Verdict::Ok => println!("test {name} ... ok"),
            Verdict::Failed(_) => println!("test {name} ... FAILED"),
            Verdict::Ignored(Some(why)) => println!("test {name} ... ignored, {why}"),
            Verdict::Ignored(None) => println!("test {name} ... ignored"),
        }
    }
    let _ = std::io::stdout().flush();
}

pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    let text = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "the test panicked".to_owned());
    format!("panicked: {text}")
}

/// A trial that panicked while holding a lock left nothing half-written in these collections.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Arguments {
        Arguments::parse(text.split_whitespace().map(str::to_owned))
    }

    #[test]
    fn filters_pick_by_substring_or_exact_name() {
        let all = args("");
        assert!(all.matches("listTickets::paginates") && !all.selects());
        let some = args("paginates --skip=getTicket");
        assert!(some.matches("listTickets::paginates"));
        assert!(!some.matches("getTicket::paginates"));
        assert!(!some.matches("listTickets::filters"));
        assert!(some.selects());
        let exact = args("--exact listTickets::pag");
        assert!(!exact.matches("listTickets::paginates"));
        assert!(args("--exact listTickets::paginates").matches("listTickets::paginates"));
    }

    #[test]
    fn flags_with_values_do_not_become_filters() {
        let parsed = args("--color never --test-threads 2 --format terse -Z unstable-options x");
        assert_eq!(parsed.filters, ["x"]);
        assert_eq!(parsed.threads, Some(2));
        assert!(parsed.quiet);
    }

    #[test]
    fn failures_and_panics_are_counted_and_ignored_trials_not_run() {
        let trial = |name: &str, ignored: Option<&str>, result: Result<(), String>| Trial {
            name: name.to_owned(),
            ignored: ignored.map(str::to_owned),
            run: Box::new(move || result),
        };
        let trials = vec![
            trial("a::pass", None, Ok(())),
            trial("a::fail", None, Err("no".into())),
            trial("a::skip", Some("not here"), Err("ran".into())),
            Trial {
                name: "a::panic".into(),
                ignored: None,
                run: Box::new(|| panic!("boom")),
            },
            trial("b::other", None, Ok(())),
        ];
        let conclusion = run(&args("a:: --test-threads=2"), trials);
        assert_eq!(
            (
                conclusion.passed,
                conclusion.failed,
                conclusion.ignored,
                conclusion.filtered_out
            ),
            (1, 2, 1, 1)
        );
    }
}
