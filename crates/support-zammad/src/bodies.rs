//! Request bodies Zammad takes for the port's writes, as the generated client's types.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use support_core::{Body, CustomFieldInput, Operation, Result, Upload};

use crate::PROVIDER;
use crate::generated::types::{ArticleFields, ArticleWrite, TicketWrite, UploadAttachment};

/// An article body and its `content_type`: the HTML when the body has some, else the text.
pub(crate) fn content(body: &Body) -> (String, &'static str) {
    match &body.html {
        Some(html) if !html.trim().is_empty() => (html.clone(), "text/html"),
        _ => (body.text.clone(), "text/plain"),
    }
}

/// Files attached inline: `{filename, data (base64), "mime-type"}`.
pub(crate) async fn uploads(
    operation: Operation,
    files: &[Upload],
) -> Result<Vec<UploadAttachment>> {
    let mut found = Vec::with_capacity(files.len());
    for file in files {
        let bytes = file.read_all(PROVIDER, operation).await?;
        found.push(UploadAttachment {
            filename: file.file_name().to_owned(),
            data: STANDARD.encode(&bytes),
            mime_type: file.content_type().to_owned(),
        });
    }
    Ok(found)
}

/// An empty ticket write, with custom attributes by name.
pub(crate) fn ticket_write(custom: &[CustomFieldInput]) -> TicketWrite {
    let mut write = TicketWrite {
        article: None,
        customer: None,
        customer_id: None,
        group_id: None,
        owner_id: None,
        priority_id: None,
        state_id: None,
        tags: None,
        title: None,
        extra: serde_json::Map::new(),
    };
    for field in custom {
        write
            .extra
            .insert(field.name.clone(), field.value.to_json());
    }
    write
}

/// The article of a ticket write (the opening message, a closing comment).
pub(crate) fn ticket_article(
    subject: Option<String>,
    body: &Body,
    internal: bool,
    attachments: Vec<UploadAttachment>,
) -> ArticleFields {
    let (text, content_type) = content(body);
    ArticleFields {
        attachments,
        body: Some(text),
        cc: None,
        content_type: Some(content_type.to_owned()),
        internal: Some(internal),
        sender: None,
        subject,
        to: None,
        type_: Some("note".to_owned()),
    }
}

/// A new article on a ticket.
pub(crate) fn article(
    ticket_id: i64,
    body: &Body,
    kind: &str,
    internal: bool,
    to: Option<String>,
    cc: Option<String>,
    attachments: Vec<UploadAttachment>,
) -> ArticleWrite {
    let (text, content_type) = content(body);
    ArticleWrite {
        attachments,
        body: text,
        cc,
        content_type: Some(content_type.to_owned()),
        internal: Some(internal),
        sender: Some("Agent".to_owned()),
        subject: None,
        ticket_id,
        to,
        type_: Some(kind.to_owned()),
    }
}
