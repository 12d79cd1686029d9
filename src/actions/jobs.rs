//! A company's jobs changing state.

use diesel::QueryResult;

use crate::config::Settings;
use crate::db::jobs::{self, Job, Scope, TransitionRefused};
use crate::db::{self, AnyConnection};
use crate::domain::JobStatus;
use crate::mail::notices;

/// Publishes, closes or reopens a job of `scope`; closing may e-mail its open
/// applicants (`tell_applicants`), in the same transaction. Returns the
/// change (or why it cannot be made) and how many were e-mailed.
pub fn change_status(
    c: &mut AnyConnection,
    settings: &Settings,
    actor: i64,
    scope: Scope,
    id: i64,
    to: JobStatus,
    tell_applicants: bool,
) -> QueryResult<(Result<Job, TransitionRefused>, usize)> {
    db::transaction(c, |c| {
        let result = jobs::change_status(c, id, scope, to)?;
        let told = match result {
            Ok(_) if tell_applicants && to == JobStatus::Closed => notices::job_closed(c, settings, id, actor)?,
            _ => 0,
        };
        Ok((result, told))
    })
}
