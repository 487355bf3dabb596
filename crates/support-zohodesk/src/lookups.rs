//! What the organization defines that the port needs by id: its departments (a new ticket needs
//! one; tags are listed per department), read through a [`LookupCache`] and kept for ten minutes.

use std::time::Duration;

use serde_json::Value;
use support_core::kit::page::PageShape;
use support_core::kit::{LookupCache, json};
use support_core::{Operation, Result};

use crate::port::ZohoDeskPort;

/// How long the departments are reused.
const FRESH_FOR: Duration = Duration::from_secs(10 * 60);
/// The page size of the department listing (Zoho's maximum there is 200).
const DEPARTMENT_PAGE: u32 = 200;
/// The most department pages read.
const MAX_DEPARTMENT_PAGES: u32 = 25;

/// A department: its id and whether it is enabled.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Department {
    pub(crate) id: String,
    pub(crate) enabled: bool,
}

/// The cached definitions.
#[derive(Debug)]
pub(crate) struct Lookups {
    departments: LookupCache<Vec<Department>>,
}

impl Lookups {
    pub(crate) fn new() -> Self {
        Self {
            departments: LookupCache::new("departments", FRESH_FOR),
        }
    }
}

/// The shape of Zoho's listings: `{"data": [...]}`, or `204 No Content` when empty.
pub(crate) fn data_page(noun: &'static str) -> PageShape {
    PageShape::items_at("data")
        .item(noun)
        .empty_when_no_content()
}

impl ZohoDeskPort {
    /// Every department the user can see (`GET /api/v1/departments`), oldest first.
    pub(crate) async fn departments(
        &self,
        operation: Operation,
    ) -> Result<std::sync::Arc<Vec<Department>>> {
        self.lookups
            .departments
            .get_or_load(|| async move {
                let mut all = Vec::new();
                for page in 0..MAX_DEPARTMENT_PAGES {
                    let call = self
                        .client
                        .get_departments()
                        .org_id(self.org_id.clone())
                        .from((page * DEPARTMENT_PAGE).to_string())
                        .limit(DEPARTMENT_PAGE.to_string());
                    let rows = self
                        .endpoint
                        .runtime()
                        .run_page::<Value, _, _, _>(operation, data_page("department"), call.send())
                        .await?
                        .into_values();
                    let full = rows.len() as u32 >= DEPARTMENT_PAGE;
                    all.extend(rows.iter().filter_map(|row| {
                        Some(Department {
                            id: json::id_text(row, "id")?,
                            enabled: json::boolean(row, "isEnabled").unwrap_or(true),
                        })
                    }));
                    if !full {
                        break;
                    }
                }
                Ok(all)
            })
            .await
    }

    /// The department a new ticket goes to: the builder's default, else the first enabled one.
    pub(crate) async fn default_department(&self, operation: Operation) -> Result<String> {
        if let Some(id) = &self.default_department {
            return Ok(id.clone());
        }
        let departments = self.departments(operation).await?;
        departments
            .iter()
            .find(|d| d.enabled)
            .or_else(|| departments.first())
            .map(|d| d.id.clone())
            .ok_or_else(|| {
                support_core::Error::invalid_input(
                    crate::PROVIDER,
                    "the organization has no department the user can see; give the ticket a \
                     group (a department id) or set default_department()",
                )
                .with_operation(operation)
            })
    }
}
