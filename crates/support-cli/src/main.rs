#![doc = include_str!("../README.md")]
// The help texts are doc comments: `<PROVIDER>` is text there, not HTML.
#![allow(rustdoc::invalid_html_tags)]

mod error;
mod export;
mod settings;
mod tickets;

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand, ValueEnum};
use support::SupportPort;
use support::conformance::{Mode, Suite, matrix};

use crate::error::{CliError, Exit};

/// Operate a helpdesk through one interface: check the connection, list, read and change
/// tickets, export them, run the conformance suite, show what the adapter supports.
///
/// With no settings at all, the in-memory provider seeded with the fixture world is used.
/// Secrets belong in environment variables (SUPPORT_<PROVIDER>_*), never on the command line.
#[derive(Debug, Parser)]
#[command(name = "support", version)]
struct Cli {
    /// Settings file (TOML); default <config dir>/support/config.toml when it exists.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Named profile of the settings file ([profiles.NAME]); default $SUPPORT_PROFILE.
    #[arg(long, global = true, value_name = "NAME")]
    profile: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check the connection: says whether the account or the credentials are wrong.
    Check,
    /// List, read, create, comment on and close tickets.
    Tickets {
        #[command(subcommand)]
        command: tickets::TicketsCommand,
    },
    /// Export every ticket as JSON Lines, resumable after an interruption.
    Export(export::ExportArgs),
    /// Run the conformance suite: offline on the provider's simulator, or live.
    Conformance(ConformanceArgs),
    /// The adapter's capability table: each operation, native, emulated or unsupported.
    Capabilities {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// The resolved settings.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Print the provider and every key, secrets masked.
    Show,
}

#[derive(Debug, Args)]
struct ConformanceArgs {
    /// Run against the configured account (its SUPPORT_<PROVIDER>_* variables) instead of the
    /// simulator.
    #[arg(long)]
    live: bool,
    /// One JSON object per cell instead of the matrix (the summary goes to stderr).
    #[arg(long)]
    json: bool,
}

/// How a command prints what it read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Aligned text.
    Table,
    /// JSON (JSON Lines for listings).
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // A closed stdout (`support tickets list | head`) is not worth a message.
            if error.exit != Exit::Quiet {
                eprintln!("error: {}", error.message);
            }
            ExitCode::from(error.exit.code())
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CliError::new(Exit::Provider, format!("cannot start the runtime: {e}")))
}

fn run(cli: Cli) -> Result<(), CliError> {
    let resolved = settings::resolve(cli.config.as_deref(), cli.profile.as_deref())?;
    match cli.command {
        Command::Config {
            command: ConfigCommand::Show,
        } => {
            print!("{}", settings::show(&resolved));
            Ok(())
        }
        Command::Conformance(args) => conformance(&resolved, &args),
        command => {
            let port = settings::connect(&resolved)?;
            runtime()?.block_on(dispatch(port, command))
        }
    }
}

async fn dispatch(port: Arc<dyn SupportPort>, command: Command) -> Result<(), CliError> {
    match command {
        Command::Check => check(port.as_ref()).await,
        Command::Tickets { command } => tickets::run(port.as_ref(), command).await,
        Command::Export(args) => export::run(port.as_ref(), &args).await,
        Command::Capabilities { format } => capabilities(port.as_ref(), format),
        Command::Conformance(_) | Command::Config { .. } => Ok(()),
    }
}

async fn check(port: &dyn SupportPort) -> Result<(), CliError> {
    let info = port
        .check_connection()
        .await
        .map_err(|e| CliError::from_check(&e))?;
    let account = info
        .account
        .as_deref()
        .unwrap_or("(the configured account)");
    let user = info
        .user
        .as_ref()
        .and_then(|u| u.email.clone().or_else(|| u.name.clone()))
        .unwrap_or_else(|| "(not told)".to_owned());
    out(format_args!(
        "ok: {} account {account}, authenticated as {user}\n",
        info.provider
    ))
}

fn capabilities(port: &dyn SupportPort, format: Format) -> Result<(), CliError> {
    let mut text = String::new();
    let rows: Vec<(&str, &str, String)> = port
        .capabilities()
        .operations()
        .map(|(operation, support)| {
            let (how, detail) = match support {
                support::Support::Native => ("native", String::new()),
                support::Support::Emulated(how) => ("emulated", how.to_string()),
                support::Support::Unsupported(why) => ("unsupported", why.to_string()),
            };
            (operation.name(), how, detail)
        })
        .collect();
    match format {
        Format::Json => {
            for (operation, how, detail) in rows {
                let line = serde_json::json!({
                    "provider": port.provider(),
                    "operation": operation,
                    "support": how,
                    "detail": detail,
                });
                text.push_str(&format!("{line}\n"));
            }
        }
        Format::Table => {
            let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(9).max(9);
            text.push_str(&format!(
                "{:width$}  {:11}  how / why\n",
                "operation", "support"
            ));
            for (operation, how, detail) in rows {
                text.push_str(&format!("{operation:width$}  {how:11}  {detail}\n"));
            }
        }
    }
    out(format_args!("{text}"))
}

fn conformance(resolved: &settings::Resolved, args: &ConformanceArgs) -> Result<(), CliError> {
    let provider = resolved.provider_name();
    let suites: Vec<Suite> = support::conformance::offline_suites(provider).ok_or_else(|| {
        CliError::new(
            Exit::Configuration,
            format!("no conformance suite for provider `{provider}`"),
        )
    })?;
    let mode = if args.live { Mode::Live } else { Mode::Offline };
    // Live, the configured account: the settings as resolved (file, profile, environment), not
    // only the provider's environment variables the suites' own connection reads.
    let suites = match (&resolved.settings, mode) {
        (Some(settings), Mode::Live) => suites
            .into_iter()
            .map(|suite| {
                let settings = settings.clone();
                suite.live_port(move || support::connect(&settings))
            })
            .collect(),
        _ => suites,
    };
    let reports = Suite::report_all(suites, mode);
    if args.json {
        let mut text = String::new();
        for report in &reports {
            for cell in report.cells() {
                let mut value = serde_json::to_value(&cell).map_err(CliError::internal)?;
                if let Some(object) = value.as_object_mut() {
                    object.insert("provider".into(), report.provider.clone().into());
                }
                text.push_str(&format!("{value}\n"));
            }
        }
        out(format_args!("{text}"))?;
        eprintln!("{}", matrix::summary(&reports));
    } else {
        out(format_args!(
            "{}{}\n",
            matrix::table(&reports, mode),
            matrix::summary(&reports)
        ))?;
    }
    let failed = matrix::failed(&reports);
    if failed.is_empty() {
        Ok(())
    } else {
        Err(CliError::new(
            Exit::Conformance,
            format!(
                "conformance failed for: {}; the matrix above names the failing operations",
                failed.join(", ")
            ),
        ))
    }
}

/// Writes to stdout; a closed pipe ends the command quietly.
pub(crate) fn out(args: std::fmt::Arguments<'_>) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_fmt(args)
        .and_then(|()| stdout.flush())
        .map_err(CliError::stdout)
}
