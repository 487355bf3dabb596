//! Request bodies: Table API records are JSON objects keyed by column name, holding raw values
//! (choice values, `sys_id`s of references), never labels.

use serde_json::{Map, Value};
use support_core::{CustomFieldInput, FieldValue};

use crate::generated::types::Record;

/// A record under construction.
#[derive(Debug, Default)]
pub(crate) struct Columns(Map<String, Value>);

impl Columns {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Sets a column to a text value.
    pub(crate) fn set(&mut self, column: &str, value: impl Into<String>) -> &mut Self {
        self.0
            .insert(column.to_owned(), Value::String(value.into()));
        self
    }

    /// Sets a column when a value is given.
    pub(crate) fn set_some(&mut self, column: &str, value: Option<impl Into<String>>) -> &mut Self {
        if let Some(value) = value {
            self.set(column, value);
        }
        self
    }

    /// Writes custom fields as the columns they name (`category`, `contact_type`, `account`,
    /// `u_custom`), their values as text.
    pub(crate) fn custom(&mut self, fields: &[CustomFieldInput]) -> &mut Self {
        for field in fields {
            let value = match &field.value {
                FieldValue::Null => Value::String(String::new()),
                other => match other.to_json() {
                    Value::String(text) => Value::String(text),
                    Value::Bool(b) => Value::String(b.to_string()),
                    Value::Number(n) => Value::String(n.to_string()),
                    Value::Array(items) => Value::String(
                        items
                            .iter()
                            .map(|i| match i {
                                Value::String(s) => s.clone(),
                                other => other.to_string(),
                            })
                            .collect::<Vec<_>>()
                            .join(","),
                    ),
                    other => other,
                },
            };
            self.0.insert(field.name.clone(), value);
        }
        self
    }

    pub(crate) fn has(&self, column: &str) -> bool {
        self.0.contains_key(column)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn record(self) -> Record {
        Record(self.0)
    }
}

/// A tag (`label`) named `name`.
pub(crate) fn label(name: &str) -> Record {
    let mut columns = Columns::new();
    columns.set("name", name);
    columns.record()
}

/// The entry that puts the tag `label` on the case `case`.
pub(crate) fn label_entry(label: &str, case: &str) -> Record {
    let mut columns = Columns::new();
    columns
        .set("label", label)
        .set("table", "sn_customerservice_case")
        .set("table_key", case);
    columns.record()
}
