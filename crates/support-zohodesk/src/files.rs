//! Files: uploaded to Zoho Desk, then named on the comment or ticket that carries them.
//!
//! - `POST /api/v1/uploads` (`multipart/form-data`, one part `file`; scope `Desk.basic.CREATE`)
//!   keeps a file as a temporary attachment and answers its `id` (Zoho's Upload.json,
//!   `uploadFile`). Zoho drops an upload no comment or ticket names within a day.
//! - A new comment names its uploads in `attachmentIds` (`POST /api/v1/tickets/{id}/comments`), a
//!   new ticket in `uploads` (`POST /api/v1/tickets`).
//! - Comments list their files in `attachments: [{id, name, size, href}]`, tickets with
//!   `GET /api/v1/tickets/{id}/attachments`. Zoho gives no media type: it is the file name's
//!   extension's. `href` is on the API host and needs the same `Authorization` and `orgId`
//!   headers as every call; a download sends them only to that host.
//!
//! The multipart body is the kit's [`MultipartForm`] (the generated client speaks JSON only): a file
//! held in memory makes a body that can be sent again, so the runtime may repeat an upload Zoho
//! provably did not process (a 429, a connection never made); a streamed file makes one that is
//! sent once. An upload that may have reached Zoho is never repeated.

use serde_json::Value;
use support_core::kit::json as kjson;
use support_core::kit::multipart::MultipartForm;
use support_core::upload::media_type_for_file_name;
use support_core::{Error, Operation, Result, Upload};

use crate::PROVIDER;
use crate::port::ZohoDeskPort;

/// Where files are uploaded.
pub(crate) const UPLOAD_PATH: &str = "/api/v1/uploads";

/// A file Zoho has received: its upload id and the file name it was sent as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Uploaded {
    pub(crate) id: String,
    pub(crate) file_name: String,
}

/// The files of a write that were uploaded, as an error's explanation: `a.txt (upload 1892…)`.
pub(crate) fn named(uploaded: &[Uploaded]) -> String {
    uploaded
        .iter()
        .map(|u| format!("`{}` (upload {})", u.file_name, u.id))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `error`, saying which files Zoho had already received (temporary uploads it drops within a
/// day when nothing names them).
pub(crate) fn with_uploaded(error: Error, uploaded: &[Uploaded]) -> Error {
    if uploaded.is_empty() {
        return error;
    }
    let detail = error.message().unwrap_or_default().to_owned();
    let files = named(uploaded);
    let message = if *error.kind() == support_core::ErrorKind::OutcomeUnknown {
        // The write may have been applied with them: look before sending it again.
        format!("{detail} (its files were uploaded first: {files})")
    } else {
        format!(
            "{detail} (Zoho Desk had received {files} as temporary uploads; nothing names them, \
             and Zoho drops them within a day: send the write again with the files)"
        )
    };
    error.with_message(message)
}

impl ZohoDeskPort {
    /// `POST /api/v1/uploads` of one file; its upload id.
    pub(crate) async fn upload(&self, operation: Operation, upload: &Upload) -> Result<Uploaded> {
        let mut form = MultipartForm::new(PROVIDER);
        form.file("file", PROVIDER, operation, upload)?;
        let content_type = form.content_type();
        let (body, length) = form.finish();
        let mut request = self.request(
            operation,
            reqwest::Method::POST,
            UPLOAD_PATH,
            &[],
            None::<&()>,
        )?;
        let headers = request.headers_mut();
        if let Ok(value) = reqwest::header::HeaderValue::from_str(&content_type) {
            headers.insert(reqwest::header::CONTENT_TYPE, value);
        }
        headers.insert(reqwest::header::CONTENT_LENGTH, length.into());
        *request.body_mut() = Some(body);
        let raw = self
            .endpoint
            .runtime()
            .send_json(self.endpoint.http(), operation, request)
            .await?;
        let Some(id) = kjson::id_text(&raw, "id") else {
            return Err(support_core::kit::applied_but_unreadable(
                PROVIDER,
                operation,
                kjson::misshapen(
                    PROVIDER,
                    operation,
                    "upload",
                    &raw,
                    &format!("the upload of `{}` has no id", upload.file_name()),
                ),
            ));
        };
        Ok(Uploaded {
            id,
            file_name: upload.file_name().to_owned(),
        })
    }

    /// Uploads every file of a write, in order, after checking them against the declared limits.
    /// A failure names the files uploaded before it.
    pub(crate) async fn upload_all(
        &self,
        operation: Operation,
        uploads: &[Upload],
    ) -> Result<Vec<Uploaded>> {
        use support_core::SupportPort;
        self.capabilities()
            .check_uploads(PROVIDER, operation, uploads)?;
        let mut done = Vec::with_capacity(uploads.len());
        for upload in uploads {
            match self.upload(operation, upload).await {
                Ok(uploaded) => done.push(uploaded),
                Err(error) => return Err(with_uploaded(error, &done)),
            }
        }
        Ok(done)
    }
}

/// The `content_type` of an attachment: the one Zoho gives, else its name's extension's.
pub(crate) fn attachment_type(raw: &Value, name: Option<&str>) -> Option<String> {
    kjson::text(raw, "contentType")
        .filter(|t| !t.trim().is_empty())
        .or_else(|| name.and_then(media_type_for_file_name).map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_files_already_uploaded() {
        let error = Error::new(support_core::ErrorKind::Transport, PROVIDER)
            .with_message("the comment failed");
        let named = with_uploaded(
            error,
            &[Uploaded {
                id: "1892000001008043".into(),
                file_name: "a.txt".into(),
            }],
        );
        let message = named.message().unwrap();
        assert!(message.starts_with("the comment failed"), "{message}");
        assert!(
            message.contains("`a.txt` (upload 1892000001008043)"),
            "{message}"
        );
    }
}
