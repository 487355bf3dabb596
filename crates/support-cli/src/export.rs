//! `support export`: every ticket as JSON Lines, resumable.
//!
//! After each page is written and flushed, `FILE.cursor.json` (next to the output) is replaced
//! atomically (written beside it, then renamed) with the cursor of the next page to read, how many
//! of that page's tickets are already written, the output's byte length and the count. `--resume`
//! truncates the output to that length (dropping a page written only in part) and continues from
//! the cursor: no ticket is lost or repeated.

use std::fs::{File, OpenOptions};
use std::io::{IsTerminal as _, Seek as _, SeekFrom, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::{Deserialize, Serialize};
use support::{CommentQuery, Cursor, PageRequest, SupportPort, Ticket, TicketQuery};

use crate::error::{CliError, Exit};

#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// Write to this file (and keep FILE.cursor.json beside it) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Each ticket with its `comments`, oldest first.
    #[arg(long)]
    comments: bool,
    /// Continue an interrupted export of --output FILE from its FILE.cursor.json.
    #[arg(long, requires = "output")]
    resume: bool,
    /// Stop cleanly after N tickets (a resumable stop).
    #[arg(long, value_name = "N")]
    max_tickets: Option<u64>,
    /// Tickets asked for per page (the provider may clamp it).
    #[arg(long, value_name = "N", default_value_t = 100)]
    page_size: u32,
}

/// The state file: where to continue.
#[derive(Debug, Default, Serialize, Deserialize)]
struct State {
    /// The cursor of the page to read next (`None`: the first page).
    cursor: Option<String>,
    /// How many tickets of that page are already written (a `--max-tickets` stop mid-page).
    skip: usize,
    /// The output's length after the last complete write.
    bytes: u64,
    /// Tickets written.
    count: u64,
    /// Whether the export reached the last page.
    done: bool,
}

fn state_path(output: &Path) -> PathBuf {
    let mut name = output.as_os_str().to_owned();
    name.push(".cursor.json");
    PathBuf::from(name)
}

fn local(what: &str, path: &Path, error: std::io::Error) -> CliError {
    CliError::new(
        Exit::Local,
        format!("cannot {what} {}: {error}", path.display()),
    )
}

fn load_state(path: &Path) -> Result<State, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::new(
            Exit::Local,
            format!(
                "cannot resume: {} cannot be read ({e}); run the export again without --resume",
                path.display()
            ),
        )
    })?;
    serde_json::from_str(&text).map_err(|e| {
        CliError::new(
            Exit::Local,
            format!(
                "cannot resume: {} is not an export state ({e}); run the export again without \
                 --resume",
                path.display()
            ),
        )
    })
}

fn save_state(path: &Path, state: &State) -> Result<(), CliError> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    let temporary = PathBuf::from(temporary);
    let text = serde_json::to_string(state).map_err(CliError::internal)?;
    std::fs::write(&temporary, text).map_err(|e| local("write", &temporary, e))?;
    std::fs::rename(&temporary, path).map_err(|e| local("replace", path, e))
}

/// Where the lines go.
enum Sink {
    Stdout(std::io::Stdout),
    File {
        file: File,
        path: PathBuf,
        state: PathBuf,
    },
}

pub(crate) async fn run(port: &dyn SupportPort, args: &ExportArgs) -> Result<(), CliError> {
    let (mut sink, mut state) = match &args.output {
        None => (Sink::Stdout(std::io::stdout()), State::default()),
        Some(path) => {
            let state_file = state_path(path);
            let state = if args.resume {
                load_state(&state_file)?
            } else {
                State::default()
            };
            if state.done {
                eprintln!(
                    "the export to {} is complete ({} tickets); nothing to resume",
                    path.display(),
                    state.count
                );
                return Ok(());
            }
            let mut file = OpenOptions::new()
                .create(true)
                .write(true)
                .truncate(!args.resume)
                .open(path)
                .map_err(|e| local("open", path, e))?;
            if args.resume {
                file.set_len(state.bytes)
                    .map_err(|e| local("truncate", path, e))?;
                file.seek(SeekFrom::End(0))
                    .map_err(|e| local("seek in", path, e))?;
            }
            let sink = Sink::File {
                file,
                path: path.clone(),
                state: state_file,
            };
            if !args.resume {
                save(&sink, &State::default())?;
            }
            (sink, state)
        }
    };
    let bar = progress(state.count);
    let mut query = TicketQuery::new();
    let result = loop {
        if args.max_tickets.is_some_and(|max| state.count >= max) {
            break Ok(());
        }
        query.page = PageRequest {
            limit: Some(args.page_size.max(1)),
            cursor: state.cursor.clone().map(Cursor::new),
        };
        let page = match port.list_tickets(query.clone()).await {
            Ok(page) => page,
            Err(error) => break Err(CliError::from(error)),
        };
        let available = page.items.len().saturating_sub(state.skip);
        let room = args.max_tickets.map_or(available, |max| {
            usize::try_from(max - state.count)
                .unwrap_or(usize::MAX)
                .min(available)
        });
        let mut text = String::new();
        for ticket in page.items.iter().skip(state.skip).take(room) {
            text.push_str(&line(port, ticket, args.comments).await?);
            text.push('\n');
        }
        write(&mut sink, &bar, text.as_bytes())?;
        state.bytes += text.len() as u64;
        state.count += room as u64;
        bar.set_position(state.count);
        if room < available {
            // Stopped inside the page: the same page again, past what is written.
            state.skip += room;
        } else {
            state.skip = 0;
            match page.next {
                Some(next) => state.cursor = Some(next.as_str().to_owned()),
                None => {
                    state.cursor = None;
                    state.done = true;
                }
            }
        }
        save(&sink, &state)?;
        if state.done {
            break Ok(());
        }
    };
    bar.finish_and_clear();
    result?;
    if let Sink::File { path, .. } = &sink {
        if state.done {
            eprintln!("exported {} tickets to {}", state.count, path.display());
        } else {
            eprintln!(
                "stopped after {} tickets; continue with: support export --output {} --resume",
                state.count,
                path.display()
            );
        }
    }
    Ok(())
}

/// A ticket as one JSON line, with its comments when asked.
async fn line(port: &dyn SupportPort, ticket: &Ticket, comments: bool) -> Result<String, CliError> {
    let mut value = serde_json::to_value(ticket).map_err(CliError::internal)?;
    if comments {
        let mut all = Vec::new();
        let mut query = CommentQuery::default();
        loop {
            let page = port.list_comments(&ticket.id, query.clone()).await?;
            all.extend(page.items);
            match page.next {
                Some(next) => query.page.cursor = Some(next),
                None => break,
            }
        }
        if let Some(object) = value.as_object_mut() {
            object.insert(
                "comments".into(),
                serde_json::to_value(&all).map_err(CliError::internal)?,
            );
        }
    }
    serde_json::to_string(&value).map_err(CliError::internal)
}

fn write(sink: &mut Sink, bar: &ProgressBar, bytes: &[u8]) -> Result<(), CliError> {
    match sink {
        Sink::Stdout(stdout) => bar.suspend(|| {
            let mut stdout = stdout.lock();
            stdout
                .write_all(bytes)
                .and_then(|()| stdout.flush())
                .map_err(CliError::stdout)
        }),
        Sink::File { file, path, .. } => file
            .write_all(bytes)
            .and_then(|()| file.flush())
            .map_err(|e| local("write", path, e)),
    }
}

fn save(sink: &Sink, state: &State) -> Result<(), CliError> {
    match sink {
        Sink::Stdout(_) => Ok(()),
        Sink::File { state: path, .. } => save_state(path, state),
    }
}

/// A counter on stderr when it is a terminal; hidden otherwise.
fn progress(start: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} {pos} tickets exported ({per_sec}, {elapsed})")
    {
        bar.set_style(style);
    }
    bar.set_position(start);
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}
