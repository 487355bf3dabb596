//! Files: attached to new comments and tickets, listed back, and downloaded byte for byte.

use futures::TryStreamExt;
use support_core::{
    CanonicalId, CommentQuery, CommentRef, Document, ErrorKind, NewComment, ObjectKind, Operation,
    SupportPort, SupportPortExt, TicketLookup, Upload,
};

use super::{Check, expect_kind, fail, ids};
use crate::world::World;

/// The file the scenarios attach.
const NOTE_NAME: &str = "conformance-note.txt";
const NOTE_TYPE: &str = "text/plain";
const NOTE: &[u8] = b"Attached by the conformance suite.\n";

fn note() -> Upload {
    Upload::bytes(NOTE_NAME, NOTE_TYPE, NOTE)
}

async fn comments_of(
    port: &dyn SupportPort,
    ticket: &CanonicalId,
) -> Result<Vec<CommentRef>, String> {
    port.comments(ticket, CommentQuery::new())
        .try_collect()
        .await
        .map_err(|e| format!("listComments of {ticket} failed: {e}"))
}

/// The one attachment of a comment, which must be the note.
fn the_note<'a>(what: &str, comment: &'a CommentRef) -> Result<&'a Document, String> {
    the_file(what, &comment.data.attachments)
}

/// The one file of a list, which must be the note.
fn the_file<'a>(what: &str, files: &'a [Document]) -> Result<&'a Document, String> {
    ensure!(
        files.len() == 1,
        "{what}: expected the one file attached, got {} attachment(s)",
        files.len()
    );
    let file = &files[0];
    let mut diff = crate::compare::Diff::of(format!("{what} {}", file.id));
    diff.eq("file name", &Some(NOTE_NAME), &file.title.as_deref());
    diff.eq(
        "content type",
        &Some(NOTE_TYPE),
        &file.content_type.as_deref(),
    );
    diff.eq("size", &Some(NOTE.len() as u64), &file.size);
    diff.check("url", file.url.is_some(), || "no URL".to_owned());
    diff.finish()?;
    Ok(file)
}

/// Downloads a file and checks its bytes.
async fn downloads_as(port: &dyn SupportPort, file: &Document, expected: &[u8]) -> Check {
    let download = port
        .download_attachment(file)
        .await
        .or_else(|e| fail(&format!("downloadAttachment of {}", file.id), e))?;
    let bytes = download
        .bytes()
        .await
        .or_else(|e| fail(&format!("reading the download of {}", file.id), e))?;
    ensure!(
        bytes.as_ref() == expected,
        "the download of {} is {} bytes that differ from the {} attached",
        file.id,
        bytes.len(),
        expected.len()
    );
    Ok(())
}

/// Whether the adapter declares `downloadAttachment`.
fn downloads(port: &dyn SupportPort) -> bool {
    port.capabilities()
        .support(Operation::DownloadAttachment)
        .is_supported()
}

/// A comment with a small file comes back with it (file name, content type, size, URL), its
/// ticket's comments list it, and (where downloads are supported) it downloads byte for byte.
/// Where the provider's comments hold no files ([`Profile::comment_files_on_ticket`]), the comment
/// comes back without any and the file is its ticket's own: once, on the ticket `getTicket` reads.
///
/// [`Profile::comment_files_on_ticket`]: crate::world::Profile::comment_files_on_ticket
pub async fn add_comment_with_attachment(port: &dyn SupportPort, world: &World) -> Check {
    let (ticket, _, _) = world.new_comments();
    let ticket_id = world.id(ObjectKind::Ticket, ticket);
    let added = port
        .add_comment(
            &ticket_id,
            NewComment::public("A file from conformance").with_attachment(note()),
        )
        .await
        .or_else(|e| fail("addComment with a file", e))?;
    let listed = comments_of(port, &ticket_id).await?;
    let found = listed
        .iter()
        .find(|c| c.id == added.id)
        .ok_or_else(|| format!("the added comment {} is not listed", added.id))?;
    let file = if world.profile.comment_files_on_ticket {
        ensure!(
            added.data.attachments.is_empty() && found.data.attachments.is_empty(),
            "the added comment {} holds files ({:?} added, {:?} listed), where comments hold none",
            added.id,
            added.data.attachments,
            found.data.attachments
        );
        let fetched = port
            .get_ticket(&TicketLookup::Id(ticket_id.clone()))
            .await
            .or_else(|e| fail("getTicket of the commented ticket", e))?;
        let notes: Vec<Document> = fetched
            .attachments
            .into_iter()
            .filter(|d| d.title.as_deref() == Some(NOTE_NAME))
            .collect();
        the_file("the file the comment left on its ticket", &notes)?.clone()
    } else {
        the_note("the added comment's file", &added)?;
        the_note("the listed comment's file", found)?.clone()
    };
    if downloads(port) {
        downloads_as(port, &file, NOTE).await?;
    }
    Ok(())
}

/// A file over the declared size limit is refused with `InvalidInput` naming it, before anything
/// is sent: its content is never read, and the ticket's comments are unchanged.
pub async fn add_comment_refuses_oversized_attachment(
    port: &dyn SupportPort,
    world: &World,
) -> Check {
    let limits = port
        .capabilities()
        .upload_limits()
        .copied()
        .ok_or("no upload limits declared")?;
    let limit = limits
        .per_file
        .or(limits.per_write)
        .ok_or("no size limit declared")?;
    let (ticket, _, _) = world.new_comments();
    let ticket_id = world.id(ObjectKind::Ticket, ticket);
    let before = comments_of(port, &ticket_id).await?;
    // A stream that fails if read: the refusal must come from the declared size alone.
    let too_large = Upload::stream(
        "too-large.bin",
        "application/octet-stream",
        limit.saturating_add(1),
        futures::stream::iter([Err(std::io::Error::other(
            "a file over the limit must not be read",
        ))]),
    );
    let error = expect_kind(
        "addComment with a file over the limit",
        port.add_comment(
            &ticket_id,
            NewComment::public("A file too large").with_attachment(too_large),
        )
        .await
        .map(|c| c.id),
        &ErrorKind::InvalidInput,
    )?;
    ensure!(
        error.to_string().contains("too-large.bin") || limits.per_file.is_none(),
        "the error does not name the file: {error}"
    );
    let after = comments_of(port, &ticket_id).await?;
    ensure!(
        ids(&after, |c| &c.id) == ids(&before, |c| &c.id),
        "the ticket's comments changed: {:?} before, {:?} after",
        ids(&before, |c| &c.id),
        ids(&after, |c| &c.id)
    );
    Ok(())
}

/// A ticket created with a file shows it on its comments, and (where downloads are supported) it
/// downloads byte for byte.
pub async fn create_ticket_with_attachment(port: &dyn SupportPort, world: &World) -> Check {
    let ticket = port
        .create_ticket(world.new_ticket().with_attachment(note()))
        .await
        .or_else(|e| fail("createTicket with a file", e))?;
    // The file is the ticket's own (as Freshdesk keeps it) or its opening comment's (as Zendesk
    // does): in exactly one of the two places.
    let fetched = port
        .get_ticket(&TicketLookup::Id(ticket.id.clone()))
        .await
        .or_else(|e| fail("getTicket of the created ticket", e))?;
    let listed = comments_of(port, &ticket.id).await?;
    let carrying: Vec<&CommentRef> = listed
        .iter()
        .filter(|c| !c.data.attachments.is_empty())
        .collect();
    let file = match (fetched.attachments.as_slice(), carrying.as_slice()) {
        ([], [comment]) => the_note("the created ticket's file", comment)?,
        ([_, ..], []) => {
            ensure!(
                ticket.attachments == fetched.attachments,
                "the created ticket lists {:?} as created and {:?} as fetched",
                ticket.attachments,
                fetched.attachments
            );
            the_file("the created ticket's file", &fetched.attachments)?
        }
        (own, comments) => {
            return Err(format!(
                "expected the file once, on the created ticket {} or on one of its comments; the \
                 ticket lists {} file(s) and {} comment(s) carry files",
                ticket.id,
                own.len(),
                comments.len()
            ));
        }
    };
    if downloads(port) {
        downloads_as(port, file, NOTE).await?;
    }
    Ok(())
}

/// The world's file (on the first comment that has one), found through `listComments` of its
/// ticket, downloads byte for byte.
pub async fn download_attachment_world_file(port: &dyn SupportPort, world: &World) -> Check {
    let (fx, file_fx) = world
        .first_attachment()
        .ok_or("the world has no attachment")?;
    let listed = comments_of(port, &world.id(ObjectKind::Ticket, &fx.ticket)).await?;
    let comment_id = world.id(ObjectKind::Comment, &fx.id);
    let comment = listed
        .iter()
        .find(|c| c.id == comment_id)
        .ok_or_else(|| format!("comment {comment_id} is not listed"))?;
    let file_id = world.id(ObjectKind::Document, &file_fx.id);
    let file = comment
        .data
        .attachments
        .iter()
        .find(|d| d.id == file_id)
        .ok_or_else(|| format!("comment {comment_id} does not list attachment {file_id}"))?;
    let download = port
        .download_attachment(file)
        .await
        .or_else(|e| fail(&format!("downloadAttachment of {file_id}"), e))?;
    if let Some(content_type) = &download.content_type {
        ensure!(
            content_type.starts_with(&file_fx.content_type),
            "{} downloads as {content_type}, not {}",
            file_fx.file_name,
            file_fx.content_type
        );
    }
    let bytes = download
        .bytes()
        .await
        .or_else(|e| fail(&format!("reading the download of {file_id}"), e))?;
    ensure!(
        bytes.as_ref() == file_fx.content.as_slice(),
        "{} downloads as {} bytes that differ from the world's {}",
        file_fx.file_name,
        bytes.len(),
        file_fx.content.len()
    );
    Ok(())
}
