//! `support tickets ...`.

use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, Subcommand};
use support::{
    CanonicalId, CloseOptions, NewComment, NewTicket, ObjectKind, PageRequest, Priority, Requester,
    SupportPort, Ticket, TicketLookup, TicketQuery, TicketStatus,
};

use crate::error::{CliError, Exit};
use crate::{Format, out};

#[derive(Debug, Subcommand)]
pub(crate) enum TicketsCommand {
    /// List tickets, most filters applied by the provider.
    List(ListArgs),
    /// One ticket, by canonical id (zendesk:ticket:123) or the provider's own id (123).
    Get {
        /// The ticket.
        id: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Create a ticket.
    Create {
        /// Subject line.
        #[arg(long)]
        subject: String,
        /// The opening description.
        #[arg(long)]
        body: String,
        /// The requester, found or created by e-mail.
        #[arg(long, value_name = "EMAIL")]
        requester_email: Option<String>,
        /// low, normal, high or urgent.
        #[arg(long)]
        priority: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Add a comment (a public reply unless --private).
    Comment {
        /// The ticket.
        id: String,
        /// What it says.
        #[arg(long)]
        body: String,
        /// An internal note instead of a public reply.
        #[arg(long)]
        private: bool,
    },
    /// Close a ticket, optionally with a public comment.
    Close {
        /// The ticket.
        id: String,
        /// A public reply added while closing.
        #[arg(long)]
        comment: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// new, open, pending, on_hold, in_progress, resolved or closed (repeatable).
    #[arg(long)]
    status: Vec<String>,
    /// low, normal, high or urgent (repeatable).
    #[arg(long)]
    priority: Vec<String>,
    /// The agent, by canonical id or the provider's own id.
    #[arg(long)]
    assignee: Option<String>,
    /// Updated at or after: RFC 3339 (2024-05-01T12:00:00Z) or a date (2024-05-01, UTC).
    #[arg(long, value_name = "TIME", value_parser = parse_since)]
    updated_since: Option<DateTime<Utc>>,
    /// At most this many tickets.
    #[arg(long, default_value_t = 100)]
    limit: usize,
    /// Output format (json: one canonical ticket per line).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

fn parse_since(text: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Ok(time.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .map(|time| time.and_utc())
        .ok_or_else(|| {
            format!("`{text}` is neither RFC 3339 (2024-05-01T12:00:00Z) nor a date (2024-05-01)")
        })
}

fn status(text: &str) -> Result<TicketStatus, CliError> {
    let status = TicketStatus::from_canonical(text.trim());
    if TicketStatus::KNOWN.contains(&status) {
        Ok(status)
    } else {
        Err(usage(format!(
            "unknown status `{text}`: use one of {}",
            names(TicketStatus::KNOWN.iter().map(TicketStatus::as_str))
        )))
    }
}

fn priority(text: &str) -> Result<Priority, CliError> {
    let priority = Priority::from_canonical(text.trim());
    if Priority::KNOWN.contains(&priority) {
        Ok(priority)
    } else {
        Err(usage(format!(
            "unknown priority `{text}`: use one of {}",
            names(Priority::KNOWN.iter().map(Priority::as_str))
        )))
    }
}

fn names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(", ")
}

/// A bad argument value found after parsing: a usage error, like clap's.
fn usage(message: String) -> CliError {
    CliError::new(Exit::Usage, message)
}

/// A canonical id (`zendesk:ticket:123`) or the provider's own id (`123`).
pub(crate) fn id(
    port: &dyn SupportPort,
    kind: ObjectKind,
    text: &str,
) -> Result<CanonicalId, CliError> {
    let text = text.trim();
    if text.matches(':').count() >= 2 {
        let id: CanonicalId = text
            .parse()
            .map_err(|e| usage(format!("bad id `{text}`: {e}")))?;
        if id.kind() != kind {
            return Err(usage(format!("`{text}` is not a {} id", kind.as_str())));
        }
        return Ok(id);
    }
    if text.is_empty() {
        return Err(usage(
            "an empty id: give the canonical id or the provider's own".into(),
        ));
    }
    Ok(CanonicalId::new(port.provider(), kind, text))
}

pub(crate) async fn run(port: &dyn SupportPort, command: TicketsCommand) -> Result<(), CliError> {
    match command {
        TicketsCommand::List(args) => list(port, args).await,
        TicketsCommand::Get { id: text, format } => {
            let id = id(port, ObjectKind::Ticket, &text)?;
            let ticket = port.get_ticket(&TicketLookup::Id(id)).await?;
            print_ticket(&ticket, format)
        }
        TicketsCommand::Create {
            subject,
            body,
            requester_email,
            priority: wanted,
            format,
        } => {
            let mut ticket = NewTicket::new(subject, body);
            ticket.requester = requester_email.map(|email| Requester::Email { email, name: None });
            ticket.priority = wanted.as_deref().map(priority).transpose()?;
            let created = port.create_ticket(ticket).await?;
            print_ticket(&created, format)
        }
        TicketsCommand::Comment {
            id: text,
            body,
            private,
        } => {
            let id = id(port, ObjectKind::Ticket, &text)?;
            let comment = if private {
                NewComment::internal(body)
            } else {
                NewComment::public(body)
            };
            let created = port.add_comment(&id, comment).await?;
            out(format_args!("added comment {} to {id}\n", created.id))
        }
        TicketsCommand::Close {
            id: text,
            comment,
            format,
        } => {
            let id = id(port, ObjectKind::Ticket, &text)?;
            let mut options = CloseOptions::new();
            if let Some(comment) = comment {
                options = options.with_comment(NewComment::public(comment));
            }
            let closed = port.close_ticket(&id, options).await?;
            print_ticket(&closed, format)
        }
    }
}

async fn list(port: &dyn SupportPort, args: ListArgs) -> Result<(), CliError> {
    let mut query = TicketQuery::new();
    for text in &args.status {
        query = query.with_status(status(text)?);
    }
    for text in &args.priority {
        query = query.with_priority(priority(text)?);
    }
    if let Some(text) = &args.assignee {
        query = query.with_assignee(id(port, ObjectKind::Party, text)?);
    }
    query.updated_since = args.updated_since;
    let mut tickets: Vec<Ticket> = Vec::new();
    let mut cursor = None;
    while tickets.len() < args.limit {
        let want = u32::try_from(args.limit - tickets.len())
            .unwrap_or(u32::MAX)
            .min(100);
        query.page = PageRequest {
            limit: Some(want),
            cursor: cursor.take(),
        };
        let page = port.list_tickets(query.clone()).await?;
        tickets.extend(page.items);
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    tickets.truncate(args.limit);
    let mut text = String::new();
    match args.format {
        Format::Json => {
            for ticket in &tickets {
                text.push_str(&serde_json::to_string(ticket).map_err(CliError::internal)?);
                text.push('\n');
            }
        }
        Format::Table => {
            let rows: Vec<[String; 5]> = tickets.iter().map(row).collect();
            let width = |i: usize, title: &str| {
                rows.iter()
                    .map(|r| r[i].chars().count())
                    .chain([title.len()])
                    .max()
                    .unwrap_or(0)
            };
            let (w0, w1, w2, w3) = (
                width(0, "id"),
                width(1, "status"),
                width(2, "priority"),
                width(3, "subject"),
            );
            text.push_str(&format!(
                "{:w0$}  {:w1$}  {:w2$}  {:w3$}  updated\n",
                "id", "status", "priority", "subject"
            ));
            for [id, status, priority, subject, updated] in rows {
                text.push_str(&format!(
                    "{id:w0$}  {status:w1$}  {priority:w2$}  {subject:w3$}  {updated}\n"
                ));
            }
        }
    }
    out(format_args!("{text}"))
}

/// A table row: id, status, priority, subject (truncated), updated.
fn row(ticket: &Ticket) -> [String; 5] {
    let subject = ticket.subject.as_deref().unwrap_or("");
    let subject = if subject.chars().count() > 48 {
        format!("{}…", subject.chars().take(47).collect::<String>())
    } else {
        subject.to_owned()
    };
    [
        ticket.id.to_string(),
        ticket.status.canonical.to_string(),
        ticket
            .priority
            .as_ref()
            .map_or_else(|| "-".to_owned(), |p| p.canonical.to_string()),
        subject,
        ticket.updated_at.map_or_else(
            || "-".to_owned(),
            |t| t.format("%Y-%m-%d %H:%M").to_string(),
        ),
    ]
}

fn print_ticket(ticket: &Ticket, format: Format) -> Result<(), CliError> {
    match format {
        Format::Json => out(format_args!(
            "{}\n",
            serde_json::to_string(ticket).map_err(CliError::internal)?
        )),
        Format::Table => {
            let [id, status, priority, subject, updated] = row(ticket);
            let mut text = format!(
                "id:        {id}\nstatus:    {status}\npriority:  {priority}\nsubject:   {}\nupdated:   {updated}\n",
                ticket.subject.as_deref().unwrap_or(&subject)
            );
            if let Some(requester) = &ticket.requester {
                text.push_str(&format!("requester: {requester}\n"));
            }
            if let Some(assignee) = &ticket.assignee {
                text.push_str(&format!("assignee:  {assignee}\n"));
            }
            if !ticket.tags.is_empty() {
                text.push_str(&format!("tags:      {}\n", ticket.tags.join(", ")));
            }
            if let Some(url) = &ticket.url {
                text.push_str(&format!("url:       {url}\n"));
            }
            out(format_args!("{text}"))
        }
    }
}
