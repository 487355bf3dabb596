//! Field-by-field comparison of what an adapter returned with what the world says, listing every
//! difference rather than stopping at the first.

use std::collections::BTreeSet;
use std::fmt::Debug;

use support_core::{
    Comment, Document, ExternalObjectRef, Party, SatisfactionRating, SlaClock, SlaPolicy, Ticket,
    TicketSla,
};

use crate::world::Profile;

/// Differences found so far.
#[derive(Debug, Default)]
pub struct Diff {
    what: String,
    lines: Vec<String>,
}

impl Diff {
    /// Starts a comparison of the named object.
    pub fn of(what: impl Into<String>) -> Self {
        Self {
            what: what.into(),
            lines: Vec::new(),
        }
    }

    /// Records a difference when the values differ.
    pub fn eq<T: PartialEq + Debug + ?Sized>(&mut self, field: &str, expected: &T, actual: &T) {
        if expected != actual {
            self.lines
                .push(format!("{field}: expected {expected:?}, got {actual:?}"));
        }
    }

    /// Records a difference when a condition does not hold.
    pub fn check(&mut self, field: &str, holds: bool, explain: impl FnOnce() -> String) {
        if !holds {
            self.lines.push(format!("{field}: {}", explain()));
        }
    }

    /// `Ok` when nothing differs, otherwise every difference.
    pub fn finish(self) -> Result<(), String> {
        if self.lines.is_empty() {
            Ok(())
        } else {
            Err(format!("{}: {}", self.what, self.lines.join(", ")))
        }
    }
}

fn raw_kept(diff: &mut Diff, raw: &support_core::RawJson) {
    diff.check("raw", raw.value().is_object(), || {
        format!("the provider's JSON object is not kept (got {raw})")
    });
}

fn set<T: Ord + Clone>(items: &[T]) -> BTreeSet<T> {
    items.iter().cloned().collect()
}

/// Compares a ticket. Native values, url, number, organisation, custom fields and description are the
/// provider's business; the rest must match.
pub fn ticket(expected: &Ticket, actual: &Ticket) -> Result<(), String> {
    let mut diff = Diff::of(format!("ticket {}", expected.id));
    diff.eq("id", &expected.id, &actual.id);
    diff.eq("subject", &expected.subject, &actual.subject);
    diff.eq(
        "status",
        &expected.status.canonical,
        &actual.status.canonical,
    );
    diff.eq(
        "priority",
        &expected.priority.as_ref().map(|p| &p.canonical),
        &actual.priority.as_ref().map(|p| &p.canonical),
    );
    diff.eq(
        "channel",
        &expected.channel.as_ref().map(|c| &c.canonical),
        &actual.channel.as_ref().map(|c| &c.canonical),
    );
    diff.eq("requester", &expected.requester, &actual.requester);
    diff.eq("assignee", &expected.assignee, &actual.assignee);
    diff.eq("group", &expected.group, &actual.group);
    diff.eq("tags", &set(&expected.tags), &set(&actual.tags));
    diff.eq("created_at", &expected.created_at, &actual.created_at);
    diff.eq("updated_at", &expected.updated_at, &actual.updated_at);
    raw_kept(&mut diff, &actual.raw);
    diff.finish()
}

/// Compares what a ticket says beyond its base fields, as far as the provider's profile has it:
/// category (when the profile has categories), resolution text, resolved and closed times, and
/// each SLA clock the profile reports (due time and breach; escalation, where a ticket without
/// clocks counts as not escalated). Fields whose knob is off are not compared.
pub fn ticket_details(expected: &Ticket, actual: &Ticket, profile: &Profile) -> Result<(), String> {
    let mut diff = Diff::of(format!("ticket {}", expected.id));
    if !profile.categories.is_empty() {
        diff.eq(
            "category",
            &expected.category.as_ref().map(|c| &c.canonical),
            &actual.category.as_ref().map(|c| &c.canonical),
        );
    }
    if profile.records_resolution {
        diff.eq("resolution", &expected.resolution, &actual.resolution);
    }
    if profile.records_resolution_times {
        diff.eq("resolved_at", &expected.resolved_at, &actual.resolved_at);
        diff.eq("closed_at", &expected.closed_at, &actual.closed_at);
    }
    let clocks = profile.sla_clocks;
    let clock = |sla: &Option<TicketSla>, which: fn(&TicketSla) -> &Option<SlaClock>| {
        sla.as_ref()
            .and_then(|sla| which(sla).as_ref())
            .map(|clock| (clock.due_at, clock.breached))
    };
    if clocks.first_response.is_reported() {
        diff.eq(
            "sla.first_response (due, breached)",
            &clock(&expected.sla, |s| &s.first_response),
            &clock(&actual.sla, |s| &s.first_response),
        );
    }
    if clocks.resolution.is_reported() {
        diff.eq(
            "sla.resolution (due, breached)",
            &clock(&expected.sla, |s| &s.resolution),
            &clock(&actual.sla, |s| &s.resolution),
        );
    }
    if clocks.escalation {
        let escalated =
            |sla: &Option<TicketSla>| sla.as_ref().and_then(|sla| sla.escalated).unwrap_or(false);
        diff.eq(
            "sla.escalated",
            &escalated(&expected.sla),
            &escalated(&actual.sla),
        );
    }
    diff.finish()
}

/// Compares an agent or customer.
pub fn party(expected: &Party, actual: &Party, with_availability: bool) -> Result<(), String> {
    let mut diff = Diff::of(format!("party {}", expected.id));
    diff.eq("id", &expected.id, &actual.id);
    diff.eq("role", &expected.role, &actual.role);
    diff.eq("name", &expected.name, &actual.name);
    diff.eq("email", &expected.email, &actual.email);
    diff.eq(
        "agent_role",
        &expected.agent_role.as_ref().map(|r| r.to_lowercase()),
        &actual.agent_role.as_ref().map(|r| r.to_lowercase()),
    );
    diff.eq("groups", &set(&expected.groups), &set(&actual.groups));
    if with_availability {
        diff.eq(
            "availability",
            &expected.availability.as_ref().map(|a| &a.canonical),
            &actual.availability.as_ref().map(|a| &a.canonical),
        );
    }
    raw_kept(&mut diff, &actual.raw);
    diff.finish()
}

/// Compares a comment: id, parent, author, text, visibility, time.
pub fn comment(
    expected: &ExternalObjectRef<Comment>,
    actual: &ExternalObjectRef<Comment>,
) -> Result<(), String> {
    let mut diff = Diff::of(format!("comment {}", expected.id));
    diff.eq("id", &expected.id, &actual.id);
    diff.eq("parent", &expected.parent, &actual.parent);
    diff.eq("author", &expected.data.author, &actual.data.author);
    diff.eq(
        "body.text",
        expected.data.body.text.trim(),
        actual.data.body.text.trim(),
    );
    diff.eq(
        "visibility",
        &expected.data.visibility,
        &actual.data.visibility,
    );
    diff.eq(
        "created_at",
        &expected.data.created_at,
        &actual.data.created_at,
    );
    raw_kept(&mut diff, &actual.raw);
    diff.finish()
}

/// Compares what a comment says beyond its base fields, as far as the provider's profile has it:
/// who wrote it ([`comment_author_kind`]) and its attachments ([`comment_attachments`]).
pub fn comment_details(
    expected: &ExternalObjectRef<Comment>,
    actual: &ExternalObjectRef<Comment>,
    profile: &Profile,
) -> Result<(), String> {
    if profile.author_kinds {
        comment_author_kind(expected, actual)?;
    }
    if profile.attachments {
        comment_attachments(expected, actual)?;
    }
    Ok(())
}

/// Compares who wrote a comment: customer, agent or system.
pub fn comment_author_kind(
    expected: &ExternalObjectRef<Comment>,
    actual: &ExternalObjectRef<Comment>,
) -> Result<(), String> {
    let mut diff = Diff::of(format!("comment {}", expected.id));
    diff.eq(
        "author_kind",
        &expected.data.author_kind.as_ref().map(|k| &k.canonical),
        &actual.data.author_kind.as_ref().map(|k| &k.canonical),
    );
    diff.finish()
}

/// Compares a comment's attachments: id, file name, content type and size of each, in order, and
/// a URL to fetch each from.
pub fn comment_attachments(
    expected: &ExternalObjectRef<Comment>,
    actual: &ExternalObjectRef<Comment>,
) -> Result<(), String> {
    let mut diff = Diff::of(format!("comment {}", expected.id));
    let files = |comment: &ExternalObjectRef<Comment>| -> Vec<_> {
        comment
            .data
            .attachments
            .iter()
            .map(|file| {
                (
                    file.id.clone(),
                    file.title.clone(),
                    file.content_type.clone(),
                    file.size,
                )
            })
            .collect()
    };
    diff.eq(
        "attachments (id, file name, content type, size)",
        &files(expected),
        &files(actual),
    );
    for file in &actual.data.attachments {
        diff.check("attachment url", file.url.is_some(), || {
            format!("{} has no URL", file.id)
        });
    }
    diff.finish()
}

/// Compares a knowledge article.
pub fn article(expected: &Document, actual: &Document) -> Result<(), String> {
    let mut diff = Diff::of(format!("article {}", expected.id));
    diff.eq("id", &expected.id, &actual.id);
    diff.eq("kind", &expected.kind, &actual.kind);
    diff.eq("title", &expected.title, &actual.title);
    let expected_html = expected.body.as_ref().and_then(|b| b.html.clone());
    let actual_html = actual.body.as_ref().and_then(|b| b.html.clone());
    diff.eq("body.html", &expected_html, &actual_html);
    diff.eq(
        "body.text",
        &expected.body.as_ref().map(|b| b.text.trim().to_owned()),
        &actual.body.as_ref().map(|b| b.text.trim().to_owned()),
    );
    // Some providers keep articles per language without naming the language on the article.
    if actual.locale.is_some() {
        diff.eq("locale", &expected.locale, &actual.locale);
    }
    diff.eq(
        "publish_state",
        &expected.publish_state.as_ref().map(|s| &s.canonical),
        &actual.publish_state.as_ref().map(|s| &s.canonical),
    );
    for category in &expected.categories {
        diff.check("categories", actual.categories.contains(category), || {
            format!("{category} missing from {:?}", actual.categories)
        });
    }
    diff.eq("author", &expected.author, &actual.author);
    diff.eq("created_at", &expected.created_at, &actual.created_at);
    raw_kept(&mut diff, &actual.raw);
    diff.finish()
}

/// Compares an SLA policy: every expected target must be present with the same duration and hours.
pub fn sla(
    expected: &ExternalObjectRef<SlaPolicy>,
    actual: &ExternalObjectRef<SlaPolicy>,
) -> Result<(), String> {
    let mut diff = Diff::of(format!("SLA policy {}", expected.id));
    diff.eq("id", &expected.id, &actual.id);
    diff.eq("name", &expected.data.name, &actual.data.name);
    for target in &expected.data.targets {
        let priority = target.priority.as_ref().map(|p| &p.canonical);
        let found = actual.data.targets.iter().find(|t| {
            t.metric.canonical == target.metric.canonical
                && t.priority.as_ref().map(|p| &p.canonical) == priority
        });
        match found {
            None => diff.check("targets", false, || {
                format!("no {} target for {priority:?}", target.metric.canonical)
            }),
            Some(found) => {
                diff.eq("target", &target.target, &found.target);
                diff.eq(
                    "business_hours",
                    &target.business_hours,
                    &found.business_hours,
                );
            }
        }
    }
    raw_kept(&mut diff, &actual.raw);
    diff.finish()
}

/// Compares a satisfaction rating.
pub fn rating(
    expected: &ExternalObjectRef<SatisfactionRating>,
    actual: &ExternalObjectRef<SatisfactionRating>,
) -> Result<(), String> {
    let mut diff = Diff::of(format!("rating {}", expected.id));
    diff.eq("id", &expected.id, &actual.id);
    diff.eq("ticket", &expected.data.ticket, &actual.data.ticket);
    diff.eq(
        "score.normalized",
        &expected.data.score.normalized,
        &actual.data.score.normalized,
    );
    diff.eq("comment", &expected.data.comment, &actual.data.comment);
    diff.eq(
        "created_at",
        &expected.data.created_at,
        &actual.data.created_at,
    );
    raw_kept(&mut diff, &actual.raw);
    diff.finish()
}
