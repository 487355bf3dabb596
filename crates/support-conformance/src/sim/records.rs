//! Helpers for a simulator's account records: the times the world leaves open, timestamps, HTML.

use chrono::{DateTime, Duration, TimeZone, Utc};

use crate::world::World;

/// When the account's untimed records (users, groups, categories, policies) were set up: the world
/// gives them no times, and a fixed one keeps answers the same on every run.
pub fn setup_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

/// A timestamp as ISO 8601 in UTC to the second (`2026-01-05T08:00:00Z`), as most providers write
/// them.
pub fn iso_seconds(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Escapes text for an HTML body.
pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The times writes happen at: tickets are created at the world's creation time, and each later
/// write one hour after the previous one, so the suite's update, close and assign land on the
/// times the world expects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteClock {
    creation: DateTime<Utc>,
    writes: i64,
}

impl WriteClock {
    /// The clock of an account holding `world`.
    pub fn new(world: &World) -> Self {
        Self {
            creation: world.created_ticket().created_at,
            writes: 0,
        }
    }

    /// When tickets are created: `World::created_ticket().created_at`.
    pub fn creation_time(&self) -> DateTime<Utc> {
        self.creation
    }

    /// The time of the next write.
    pub fn tick(&mut self) -> DateTime<Utc> {
        self.writes += 1;
        self.creation + Duration::hours(self.writes)
    }
}
