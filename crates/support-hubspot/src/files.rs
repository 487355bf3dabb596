//! Files of comments, kept in HubSpot's file manager (Files API v3).
//!
//! - Notes name their files in `hs_attachment_ids` (file ids separated by `;`); inbox thread
//!   messages in `attachments` (`{type: FILE, fileId, name, url, fileUsageType}`). A file's name,
//!   extension, size and URL are read with `GET /files/v3/files/{fileId}`, once per distinct id of
//!   a listing page (the Files API reference shows no batch read by id). The content type is the
//!   extension's media type: HubSpot's file `type` is a category (`DOCUMENT`, `IMG`, …), not a
//!   media type.
//! - New files are uploaded with `POST /files/v3/files` (multipart/form-data: `file`, `options`
//!   `{"access": "PRIVATE"}` and `folderPath`), then named by id on the note
//!   (`hs_attachment_ids`) or the thread message (`attachments: [{type: FILE, fileId}]`).
//! - A download asks for the file's signed URL (`GET /files/v3/files/{fileId}/signed-url`) and
//!   fetches it from HubSpot's file storage, another origin, without the credentials.

use std::collections::HashMap;

use serde_json::Value;
use support_core::kit::json as kjson;
use support_core::kit::multipart::MultipartForm;
use support_core::upload::media_type_for_extension;
use support_core::{
    CanonicalId, Document, DocumentKind, Download, ErrorKind, ObjectKind, Operation, Result, Upload,
};

use crate::PROVIDER;
use crate::port::HubSpotPort;

/// The file-manager folder uploads go to (created by HubSpot when missing).
pub(crate) const UPLOAD_FOLDER: &str = "/support-attachments";

/// The upload path of the Files API.
pub(crate) const UPLOAD_PATH: &str = "/files/v3/files";

/// The file ids of a note's `hs_attachment_ids` (`;`-separated).
pub(crate) fn note_file_ids(raw: &Value) -> Vec<String> {
    crate::map::property(raw, "hs_attachment_ids")
        .map(|ids| {
            ids.split(';')
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The file ids of a thread message's `attachments` of type `FILE`.
pub(crate) fn message_file_ids(raw: &Value) -> Vec<String> {
    raw.get("attachments")
        .and_then(Value::as_array)
        .map(|all| {
            all.iter()
                .filter(|a| kjson::text(a, "type").as_deref() == Some("FILE"))
                .filter_map(|a| kjson::id_text(a, "fileId"))
                .collect()
        })
        .unwrap_or_default()
}

/// A file-manager file (`GET /files/v3/files/{fileId}`, or the upload's answer) as an attachment:
/// its name with its extension, the extension's media type, its size and URL.
pub(crate) fn file(operation: Operation, raw: Value) -> Result<Document> {
    let Some(id) = kjson::id_text(&raw, "id") else {
        return Err(kjson::misshapen(
            PROVIDER,
            operation,
            "file",
            &raw,
            &"it has no id",
        ));
    };
    let extension = kjson::text(&raw, "extension").filter(|e| !e.trim().is_empty());
    let name = kjson::text(&raw, "name").filter(|n| !n.trim().is_empty());
    let mut document = Document::new(
        CanonicalId::new(PROVIDER, ObjectKind::Document, id),
        DocumentKind::Attachment,
        Value::Null,
    );
    document.title = match (name, &extension) {
        (Some(name), Some(ext))
            if !name
                .to_ascii_lowercase()
                .ends_with(&format!(".{}", ext.to_ascii_lowercase())) =>
        {
            Some(format!("{name}.{ext}"))
        }
        (name, _) => name,
    };
    document.content_type = extension
        .as_deref()
        .and_then(media_type_for_extension)
        .map(str::to_owned);
    document.size = kjson::int(&raw, "size").and_then(|s| u64::try_from(s).ok());
    document.url = kjson::text(&raw, "url").or_else(|| kjson::text(&raw, "defaultHostingUrl"));
    document.raw = raw.into();
    Ok(document)
}

impl HubSpotPort {
    /// The files `ids` (each read once), by id. A file HubSpot no longer has (404) is left out:
    /// its id stays in the comment's `raw`.
    pub(crate) async fn files(
        &self,
        operation: Operation,
        ids: impl IntoIterator<Item = &str>,
    ) -> Result<HashMap<String, Document>> {
        let mut found = HashMap::new();
        let mut asked = std::collections::BTreeSet::new();
        for id in ids {
            if !asked.insert(id.to_owned()) {
                continue;
            }
            let raw = match self
                .endpoint
                .runtime()
                .run_json(
                    operation,
                    None,
                    self.client.get_file().file_id(id.to_owned()).send(),
                )
                .await
            {
                Ok(raw) => raw,
                Err(error) if error.kind() == &ErrorKind::NotFound => continue,
                Err(error) => return Err(error),
            };
            found.insert(id.to_owned(), file(operation, raw)?);
        }
        Ok(found)
    }

    /// Uploads `upload` to the file manager as a private file; the file as an attachment.
    pub(crate) async fn upload(&self, operation: Operation, upload: &Upload) -> Result<Document> {
        let mut form = MultipartForm::new(PROVIDER);
        form.text("options", r#"{"access":"PRIVATE"}"#);
        form.text("folderPath", UPLOAD_FOLDER);
        form.text("fileName", upload.file_name());
        form.file("file", PROVIDER, operation, upload)?;
        let content_type = form.content_type();
        let (body, length) = form.finish();
        let request = self
            .endpoint
            .http()
            .post(format!("{}{UPLOAD_PATH}", self.endpoint.base_url()))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .header(reqwest::header::CONTENT_LENGTH, length)
            .body(body)
            .build()
            .map_err(|error| self.endpoint.runtime().transport_error(operation, error))?;
        let raw = self
            .endpoint
            .runtime()
            .send_json(self.endpoint.http(), operation, request)
            .await?;
        file(operation, raw)
    }

    /// Uploads every file of a write, in order; their documents.
    pub(crate) async fn upload_all(
        &self,
        operation: Operation,
        uploads: &[Upload],
    ) -> Result<Vec<Document>> {
        let mut files = Vec::with_capacity(uploads.len());
        for upload in uploads {
            files.push(self.upload(operation, upload).await?);
        }
        Ok(files)
    }

    /// `downloadAttachment`: the file's signed URL, then the file from HubSpot's storage.
    pub(crate) async fn download_file(
        &self,
        operation: Operation,
        attachment: &Document,
    ) -> Result<Download> {
        let id = attachment
            .id
            .numeric_id(PROVIDER, ObjectKind::Document, operation)?;
        let signed = self
            .endpoint
            .runtime()
            .run_json(
                operation,
                None,
                self.client
                    .get_file_signed_url()
                    .file_id(id.to_string())
                    .send(),
            )
            .await?;
        let Some(url) = kjson::text(&signed, "url") else {
            return Err(kjson::misshapen(
                PROVIDER,
                operation,
                "signed URL",
                &signed,
                &"it has no url",
            ));
        };
        self.endpoint.download(operation, &url).await
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_file_is_an_attachment_named_with_its_extension() {
        let raw = json!({"id": "88001", "name": "invoice-2024-03", "extension": "pdf",
            "size": 37, "type": "DOCUMENT", "access": "PRIVATE",
            "url": "https://f.hubspotusercontent.net/hubfs/1/invoice-2024-03.pdf"});
        let d = file(Operation::ListComments, raw).unwrap();
        assert_eq!(d.id.to_string(), "hubspot:document:88001");
        assert_eq!(d.title.as_deref(), Some("invoice-2024-03.pdf"));
        assert_eq!(d.content_type.as_deref(), Some("application/pdf"));
        assert_eq!(d.size, Some(37));
        assert!(d.url.is_some());
    }

    #[test]
    fn notes_and_messages_name_their_files() {
        let note = json!({"id": "1", "properties": {"hs_attachment_ids": "11; 12;"}});
        assert_eq!(note_file_ids(&note), ["11", "12"]);
        let message = json!({"id": "m", "attachments": [
            {"type": "FILE", "fileId": "21", "fileUsageType": "OTHER"},
            {"type": "QUICK_REPLIES", "quickReplies": []}]});
        assert_eq!(message_file_ids(&message), ["21"]);
    }
}
