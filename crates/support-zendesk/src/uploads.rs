//! Files attached to comments: each is uploaded first (`POST /api/v2/uploads?filename=..`, the
//! file's bytes as the body and its type as `Content-Type`), the files of one comment under one
//! upload token (the first answer's `upload.token`, passed as `token` with the others); the
//! comment then names the token in `uploads`.

use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use serde_json::Value;
use support_core::{Error, ErrorKind, Operation, Result, Upload, UploadLimits};

use crate::PROVIDER;
use crate::port::ZendeskPort;

/// Zendesk's largest attachment: 50 MB.
pub(crate) const MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;

/// What Zendesk accepts.
pub(crate) const LIMITS: UploadLimits = UploadLimits::none().per_file(MAX_FILE_BYTES);

impl ZendeskPort {
    /// Uploads the files of one comment and returns their token (`None` without files). Each
    /// upload is a write of `operation`: retried only when Zendesk provably did not take it, and a
    /// failed one fails the operation before the comment is sent. Files already uploaded by then
    /// are never attached, and Zendesk deletes them when the token expires.
    pub(crate) async fn upload(
        &self,
        operation: Operation,
        files: &[Upload],
    ) -> Result<Option<String>> {
        let mut token: Option<String> = None;
        for file in files {
            let request = self.upload_request(operation, file, token.as_deref())?;
            let answer = self
                .endpoint
                .runtime()
                .send_json(self.endpoint.http(), operation, request)
                .await?;
            let issued = answer
                .pointer("/upload/token")
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty())
                .ok_or_else(|| {
                    Error::new(ErrorKind::Decode, PROVIDER)
                        .with_operation(operation)
                        .with_message(format!(
                            "Zendesk took `{}` but its answer names no upload token; nothing was \
                             sent with it",
                            file.file_name()
                        ))
                })?;
            token.get_or_insert_with(|| issued.to_owned());
        }
        Ok(token)
    }

    fn upload_request(
        &self,
        operation: Operation,
        file: &Upload,
        token: Option<&str>,
    ) -> Result<reqwest::Request> {
        let content_type = HeaderValue::from_str(file.content_type()).map_err(|_| {
            Error::invalid_input(
                PROVIDER,
                format!(
                    "`{}` has the content type `{}`, which is not a MIME type",
                    file.file_name(),
                    file.content_type()
                ),
            )
            .with_operation(operation)
        })?;
        let mut query = vec![("filename", file.file_name())];
        if let Some(token) = token {
            query.push(("token", token));
        }
        let mut request = self
            .endpoint
            .http()
            .post(format!("{}/api/v2/uploads", self.endpoint.base_url()))
            .query(&query)
            .header(CONTENT_TYPE, content_type)
            .body(file.body(PROVIDER, operation)?);
        if !file.is_replayable() {
            // A stream has no length of its own: Zendesk is told the declared one.
            request = request.header(CONTENT_LENGTH, file.len());
        }
        request
            .build()
            .map_err(|e| self.endpoint.runtime().transport_error(operation, e))
    }
}
