//! The listing benchmark: every ticket of an account through each adapter, beside a bare reqwest +
//! serde client and serde decoding the same bytes in memory; then a latency mode and peak memory.
//! See the crate README for what each figure means. Run with
//! `cargo bench -p support-bench --bench listing` (add `-- --quick` for a smoke run).
//!
//! Only the adapters' public API is used, so this file measures any version of them.

use std::future::Future;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use support_bench::catalog::{self, Site};
use support_bench::clients::{self, BareWork, Failure};
use support_bench::measure::{self, median};
use support_bench::server::BenchServer;

/// Sizes and repetitions, from flags or the environment.
#[derive(Clone, Debug)]
struct Options {
    tickets: u64,
    page_size: u64,
    runs: usize,
    latency_runs: usize,
    /// The sites measured: every one unless `--site` names one.
    sites: Vec<Site>,
}

impl Options {
    fn parse(args: &[String]) -> Result<Self, Failure> {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let quick = args.iter().any(|a| a == "--quick") || env("BENCH_QUICK").is_some();
        let mut options = if quick {
            Options {
                tickets: 1_000,
                page_size: 100,
                runs: 3,
                latency_runs: 3,
                sites: Site::ALL.to_vec(),
            }
        } else {
            Options {
                tickets: 10_000,
                page_size: 100,
                runs: 15,
                latency_runs: 3,
                sites: Site::ALL.to_vec(),
            }
        };
        let number = |name: &str, text: &str| -> Result<u64, Failure> {
            text.parse::<u64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("{name} wants a positive number, not {text:?}"))
        };
        for (var, slot) in [
            ("BENCH_TICKETS", &mut options.tickets),
            ("BENCH_PAGE_SIZE", &mut options.page_size),
        ] {
            if let Some(value) = env(var) {
                *slot = number(var, &value)?;
            }
        }
        for (var, slot) in [
            ("BENCH_RUNS", &mut options.runs),
            ("BENCH_LATENCY_RUNS", &mut options.latency_runs),
        ] {
            if let Some(value) = env(var) {
                *slot = number(var, &value)? as usize;
            }
        }
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = |flag: &str| {
                args.next()
                    .ok_or_else(|| format!("{flag} wants a value"))
                    .and_then(|v| number(flag, v))
            };
            match arg.as_str() {
                "--tickets" => options.tickets = value("--tickets")?,
                "--page-size" => options.page_size = value("--page-size")?,
                "--runs" => options.runs = value("--runs")? as usize,
                "--latency-runs" => options.latency_runs = value("--latency-runs")? as usize,
                "--site" => {
                    let name = args.next().ok_or("--site wants a value")?;
                    let site = Site::ALL
                        .into_iter()
                        .find(|s| s.name() == name.as_str())
                        .ok_or_else(|| {
                            let names: Vec<&str> = Site::ALL.iter().map(|s| s.name()).collect();
                            format!("--site is one of {}, not {name:?}", names.join(", "))
                        })?;
                    options.sites = vec![site];
                }
                // `cargo bench` passes `--bench`.
                "--quick" | "--bench" => {}
                other => {
                    return Err(format!(
                        "unknown argument {other:?}; flags: --tickets N --page-size N --runs N --latency-runs N --site NAME --quick"
                    ));
                }
            }
        }
        if options.page_size > 100 {
            return Err("--page-size is at most 100, the providers' largest page".to_owned());
        }
        Ok(options)
    }
}

/// One timed listing: wall time and the client thread's CPU time.
#[derive(Clone, Copy, Debug)]
struct Sample {
    wall: Duration,
    cpu: Option<Duration>,
}

/// The samples of one client over the runs.
#[derive(Debug, Default)]
struct Series(Vec<Sample>);

impl Series {
    fn wall(&self) -> Duration {
        median(&self.0.iter().map(|s| s.wall).collect::<Vec<_>>())
    }

    fn cpu(&self) -> Option<Duration> {
        let cpus: Option<Vec<Duration>> = self.0.iter().map(|s| s.cpu).collect();
        cpus.map(|c| median(&c))
    }
}

/// Times `listing`, which returns how many tickets it saw, and checks the count.
async fn timed<F>(expected: u64, what: &str, listing: F) -> Result<Sample, Failure>
where
    F: Future<Output = Result<u64, Failure>>,
{
    let cpu_before = measure::thread_cpu();
    let started = Instant::now();
    let count = listing.await?;
    let wall = started.elapsed();
    let cpu = measure::thread_cpu()
        .zip(cpu_before)
        .map(|(after, before)| after.saturating_sub(before));
    if count != expected {
        return Err(format!(
            "{what} listed {count} tickets, expected {expected}"
        ));
    }
    Ok(Sample { wall, cpu })
}

/// Decodes every page body into the minimal typed page; returns the distinct tickets they held.
fn decode_pages(site: Site, pages: &[Vec<u8>]) -> Result<u64, Failure> {
    let mut newest = 0;
    let mut count = 0;
    for body in pages {
        let (held, last) = catalog::decode_minimal(site, body)
            .map_err(|e| format!("serde baseline: undecodable page: {e}"))?;
        // Pages hold consecutive ids; a restarted Freshdesk window repeats the last one seen.
        if held > 0 && last > newest {
            let first = (last + 1).saturating_sub(held as u64).max(1);
            count += last - newest.max(first - 1);
        }
        newest = newest.max(last);
    }
    Ok(count)
}

/// The figures of one site.
#[derive(Debug, Default)]
struct SiteFigures {
    serde: Series,
    bare: Series,
    bytes: Series,
    adapter: Series,
    bare_latency: Vec<(Duration, Duration)>,
    adapter_latency: Vec<(Duration, Duration)>,
}

async fn measure_site(site: Site, options: &Options) -> Result<SiteFigures, Failure> {
    let tickets = options.tickets;
    let per_page = options.page_size;
    let server = BenchServer::start(site, tickets)
        .map_err(|e| format!("the {} server does not start: {e}", site.name()))?;
    let pages: Vec<Vec<u8>> = catalog::listing_plan(site, tickets, per_page)
        .into_iter()
        .map(|request| catalog::page_body(site, request.ids, tickets).into_bytes())
        .collect();
    let adapter_name = format!("the {} adapter", site.name());
    let mut figures = SiteFigures::default();

    // One listing each first, untimed: connections, lazy initialisation, allocator growth.
    let client = clients::bare_client()?;
    clients::list_bare(&client, &server, per_page, BareWork::Decode).await?;
    let port = clients::adapter(&server)?;
    clients::list_through_adapter(port.as_ref(), per_page as u32, drop).await?;

    for _ in 0..options.runs {
        figures
            .serde
            .0
            .push(timed(tickets, "serde", async { decode_pages(site, &pages) }).await?);
        for (work, series) in [
            (BareWork::Decode, &mut figures.bare),
            (BareWork::BytesOnly, &mut figures.bytes),
        ] {
            let client = clients::bare_client()?;
            let listing = clients::list_bare(&client, &server, per_page, work);
            series
                .0
                .push(timed(tickets, "the bare client", listing).await?);
        }
        // A new port per run: each listing loads its lookups, as a fresh application would.
        let port = clients::adapter(&server)?;
        let listing = clients::list_through_adapter(port.as_ref(), per_page as u32, drop);
        figures
            .adapter
            .0
            .push(timed(tickets, &adapter_name, listing).await?);
    }

    server.set_latency(true);
    for _ in 0..options.latency_runs {
        let client = clients::bare_client()?;
        server.reset();
        let listing = clients::list_bare(&client, &server, per_page, BareWork::Decode);
        let sample = timed(tickets, "the bare client", listing).await?;
        figures.bare_latency.push((sample.wall, server.injected()));

        let port = clients::adapter(&server)?;
        server.reset();
        let listing = clients::list_through_adapter(port.as_ref(), per_page as u32, drop);
        let sample = timed(tickets, &adapter_name, listing).await?;
        figures
            .adapter_latency
            .push((sample.wall, server.injected()));
    }
    server.set_latency(false);

    if server.refused() > 0 {
        return Err(format!(
            "the {} server refused {} requests (see its log lines above)",
            site.name(),
            server.refused()
        ));
    }
    Ok(figures)
}

/// Peak RSS growth of listing `tickets` tickets through the adapter of `site`, in a child process;
/// `None` where `/proc/self/status` does not tell.
fn memory_in_child(site: Site, tickets: u64, per_page: u64) -> Result<Option<u64>, Failure> {
    let exe = std::env::current_exe().map_err(|e| format!("no path to the bench binary: {e}"))?;
    let output = Command::new(exe)
        .args([
            "--memory-child",
            site.name(),
            &tickets.to_string(),
            &per_page.to_string(),
        ])
        .output()
        .map_err(|e| format!("the memory child does not start: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "the memory child ({} {tickets}) failed: {}{}",
            site.name(),
            stdout,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    stdout
        .lines()
        .find_map(|line| line.strip_prefix("rss_growth_bytes "))
        .map(|value| value.trim().parse().ok())
        .ok_or_else(|| format!("the memory child said nothing usable: {stdout}"))
}

/// The child side of [`memory_in_child`]: its own server, one listing, the growth on stdout.
fn memory_child(args: &[String]) -> Result<(), Failure> {
    let [site, tickets, per_page] = args else {
        return Err("usage: --memory-child <zendesk|freshdesk> <tickets> <per page>".to_owned());
    };
    let site = Site::ALL
        .into_iter()
        .find(|s| s.name() == site)
        .ok_or_else(|| format!("no site {site:?}"))?;
    let tickets: u64 = tickets
        .parse()
        .map_err(|_| format!("{tickets:?} is not a count"))?;
    let per_page: u32 = per_page
        .parse()
        .map_err(|_| format!("{per_page:?} is not a page size"))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("no runtime: {e}"))?;
    runtime.block_on(async {
        let server = BenchServer::start(site, tickets).map_err(|e| format!("no server: {e}"))?;
        let port = clients::adapter(&server)?;
        // Peaks of starting up are not the listing's.
        measure::reset_peak_resident();
        let before = measure::resident();
        let count = clients::list_through_adapter(port.as_ref(), per_page, drop).await?;
        let peak = measure::peak_resident();
        if count != tickets {
            return Err(format!("listed {count} tickets, expected {tickets}"));
        }
        match before.zip(peak) {
            Some((before, peak)) => println!("rss_growth_bytes {}", peak.saturating_sub(before)),
            None => println!("rss_growth_bytes n/a"),
        }
        Ok(())
    })
}

fn per_ticket_us(cpu: Option<Duration>, tickets: u64) -> Option<f64> {
    cpu.map(|c| c.as_secs_f64() * 1e6 / tickets as f64)
}

fn show(value: Option<f64>, decimals: usize, suffix: &str) -> String {
    value.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.decimals$}{suffix}"))
}

fn latency_row(label: &str, samples: &[(Duration, Duration)]) {
    let wall = median(&samples.iter().map(|s| s.0).collect::<Vec<_>>());
    let injected = median(&samples.iter().map(|s| s.1).collect::<Vec<_>>());
    let ratio = (injected > Duration::ZERO).then(|| wall.as_secs_f64() / injected.as_secs_f64());
    println!(
        "  {label:<34}{:>10.0}{:>10.0}{:>10}",
        wall.as_secs_f64() * 1e3,
        injected.as_secs_f64() * 1e3,
        show(ratio, 3, "x")
    );
}

fn report(options: &Options, figures: &[(Site, SiteFigures)]) {
    let tickets = options.tickets;
    println!(
        "listing {tickets} tickets, {} per page, median of {} runs (CPU: client thread, /proc/thread-self/schedstat)",
        options.page_size, options.runs
    );
    println!(
        "  {:<34}{:>10}{:>16}{:>10}{:>14}{:>15}",
        "", "tickets/s", "CPU us/ticket", "vs bare", "beyond HTTP", "mapping/serde"
    );
    for (site, f) in figures {
        let rate = |s: &Series| tickets as f64 / s.wall().as_secs_f64().max(1e-9);
        let serde = per_ticket_us(f.serde.cpu(), tickets);
        let bare = per_ticket_us(f.bare.cpu(), tickets);
        let bytes = per_ticket_us(f.bytes.cpu(), tickets);
        let adapter = per_ticket_us(f.adapter.cpu(), tickets);
        let beyond = adapter.zip(bytes).map(|(a, b)| a - b);
        let mapping = serde.zip(beyond).map(|(s, b)| {
            if b > 0.0 {
                s / b * 100.0
            } else {
                f64::INFINITY
            }
        });
        let name = site.name();
        println!(
            "  {:<34}{:>10.0}{:>16}",
            format!("{name}: serde in memory"),
            rate(&f.serde),
            show(serde, 2, "")
        );
        println!(
            "  {:<34}{:>10.0}{:>16}",
            format!("{name}: bare reqwest + serde"),
            rate(&f.bare),
            show(bare, 2, "")
        );
        println!(
            "  {:<34}{:>10.0}{:>16}",
            format!("{name}: bare reqwest, bytes only"),
            rate(&f.bytes),
            show(bytes, 2, "")
        );
        println!(
            "  {:<34}{:>10.0}{:>16}{:>10}{:>14}{:>15}",
            format!("{name}: adapter"),
            rate(&f.adapter),
            show(adapter, 2, ""),
            show(adapter.zip(bare).map(|(a, b)| a / b), 2, "x"),
            show(beyond, 2, " us"),
            show(mapping, 0, "%"),
        );
    }
    // The machine's speed drifts between runs; within one run the clients are measured moments
    // apart, so the ratio of each run shows how much of the spread is the machine's.
    for (site, f) in figures {
        let per_run: Vec<f64> = f
            .serde
            .0
            .iter()
            .zip(&f.bytes.0)
            .zip(&f.adapter.0)
            .filter_map(|((serde, bytes), adapter)| {
                let beyond = adapter.cpu?.checked_sub(bytes.cpu?)?;
                (!beyond.is_zero()).then(|| {
                    serde
                        .cpu
                        .map(|s| s.as_secs_f64() / beyond.as_secs_f64() * 100.0)
                })?
            })
            .collect();
        if let Some((low, middle, high)) = measure::quartiles(&per_run) {
            println!(
                "  {}: mapping/serde run by run: median {middle:.0}%, middle half {low:.0}-{high:.0}% ({} runs)",
                site.name(),
                per_run.len()
            );
        }
    }
    println!("  targets: adapter vs bare <= 2x, mapping/serde >= 50%");
    println!();
    println!(
        "latency 20-50 ms/page, consumer does nothing, median of {} runs",
        options.latency_runs
    );
    println!(
        "  {:<34}{:>10}{:>10}{:>10}",
        "", "wall ms", "sum ms", "ratio"
    );
    for (site, f) in figures {
        latency_row(
            &format!("{}: bare reqwest + serde", site.name()),
            &f.bare_latency,
        );
        latency_row(&format!("{}: adapter", site.name()), &f.adapter_latency);
    }
    println!("  target: ratio <= 1.03x (sum: the waits the server made)");
}

async fn run(options: Options) -> Result<(), Failure> {
    let mut figures = Vec::new();
    for &site in &options.sites {
        figures.push((site, measure_site(site, &options).await?));
    }
    report(&options, &figures);

    println!();
    let sizes = [options.tickets, options.tickets * 10];
    let short = |n: u64| {
        if n >= 1_000 && n.is_multiple_of(1_000) {
            format!("{}k MiB", n / 1_000)
        } else {
            format!("{n} MiB")
        }
    };
    println!(
        "peak memory: RSS growth while listing, one child process per size{:>12}{:>12}",
        short(sizes[0]),
        short(sizes[1])
    );
    for &site in &options.sites {
        let mut row = format!("  {:<66}", site.name());
        for size in sizes {
            let bytes = memory_in_child(site, size, options.page_size)?;
            let mib = bytes.map(|b| b as f64 / (1024.0 * 1024.0));
            row.push_str(&format!("{:>12}", show(mib, 1, "")));
        }
        println!("{row}");
    }
    println!("  target: flat (about the same MiB for both sizes)");
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = if args.first().map(String::as_str) == Some("--memory-child") {
        memory_child(&args[1..])
    } else {
        Options::parse(&args).and_then(|options| {
            // The clients run here, on this thread, so its CPU time is theirs.
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| format!("no runtime: {e}"))?;
            runtime.block_on(run(options))
        })
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("listing bench failed: {why}");
            ExitCode::FAILURE
        }
    }
}
