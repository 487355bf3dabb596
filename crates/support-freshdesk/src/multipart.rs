//! `multipart/form-data` bodies as Freshdesk takes files on replies, notes and new tickets
//! (`attachments[]`), with the other fields of the JSON body as form fields, on the kit's
//! [`MultipartForm`] (the generated client speaks JSON only). Files held in memory make a body that
//! can be sent again, so the runtime may repeat a write Freshdesk provably did not process (429, a
//! connection never made); a streamed file makes a body that is sent once.

use serde_json::Value;
use support_core::kit::multipart::MultipartForm;
use support_core::{Operation, Result, Upload};

use crate::PROVIDER;

/// The field that carries files.
const FILES: &str = "attachments[]";

/// A form of the fields of a JSON body and files, as Freshdesk reads them: scalars as they are,
/// arrays as `name[]` once per item, objects (`custom_fields`) as `name[key]`, `null` left out,
/// each file in `attachments[]`.
pub(crate) fn form(operation: Operation, body: &Value, files: &[Upload]) -> Result<MultipartForm> {
    let mut form = MultipartForm::new(PROVIDER);
    if let Some(fields) = body.as_object() {
        for (name, value) in fields {
            match value {
                Value::Null => {}
                Value::Array(items) => {
                    for item in items {
                        form.text(&format!("{name}[]"), &scalar(item));
                    }
                }
                Value::Object(entries) => {
                    for (key, item) in entries {
                        form.text(&format!("{name}[{key}]"), &scalar(item));
                    }
                }
                other => form.text(name, &scalar(other)),
            }
        }
    }
    for file in files {
        form.file(FILES, PROVIDER, operation, file)?;
    }
    Ok(form)
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_and_files_are_parts_of_one_replayable_body() {
        let form = form(
            Operation::AddComment,
            &json!({"body": "<p>hi</p>", "private": true, "cc_emails": ["a@x", "b@x"],
                    "custom_fields": {"cf_a": 1}, "group_id": null}),
            &[Upload::bytes("a\"b.txt", "text/plain", "abc")],
        )
        .unwrap();
        let boundary = form.boundary().to_owned();
        let (body, length) = form.finish();
        let bytes = body.as_bytes().expect("bytes in memory are replayable");
        assert_eq!(bytes.len() as u64, length);
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        for part in [
            "name=\"body\"\r\n\r\n<p>hi</p>\r\n",
            "name=\"private\"\r\n\r\ntrue\r\n",
            "name=\"cc_emails[]\"\r\n\r\na@x\r\n",
            "name=\"cc_emails[]\"\r\n\r\nb@x\r\n",
            "name=\"custom_fields[cf_a]\"\r\n\r\n1\r\n",
            "name=\"attachments[]\"; filename=\"a%22b.txt\"\r\nContent-Type: text/plain\r\n\r\nabc\r\n",
        ] {
            assert!(text.contains(part), "{part:?} in {text}");
        }
        assert!(!text.contains("group_id"));
        assert!(text.ends_with(&format!("--{boundary}--\r\n")));
    }
}
