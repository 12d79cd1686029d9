//! What an employer's home page (`/employer`) shows: the day's interviews,
//! who is waiting, who is new, which jobs close soon and the unread messages.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::AnyConnection;
use super::interviews::{self, Upcoming};
use super::messages::{self, Scope};
use super::schema::{applicants, jobs};
use crate::domain::{ApplicantStatus, JobStatus, Stage};

/// How many names or jobs each part lists (the page links to the full list).
pub const SHOWN: i64 = 5;
/// "Closing soon": within this many days.
pub const CLOSING_DAYS: i64 = 7;

/// One applicant who arrived since the last visit.
#[derive(Debug, Clone, Queryable)]
pub struct Arrival {
    pub id: i64,
    pub name: String,
    pub job_title: Option<String>,
    pub created_at: PrimitiveDateTime,
}

/// An open job whose closing date is near.
#[derive(Debug, Clone, Queryable)]
pub struct Closing {
    pub id: i64,
    pub title: String,
    pub closes_at: Option<PrimitiveDateTime>,
}

#[derive(Debug, Clone)]
pub struct Summary {
    /// Scheduled interviews from now to the end of the day.
    pub interviews_today: Vec<Upcoming>,
    /// Every scheduled interview still to come (today's included).
    pub interviews_ahead: usize,
    /// Open applicants still at the first stage, and when the longest-waiting one applied.
    pub waiting: i64,
    pub waiting_since: Option<PrimitiveDateTime>,
    /// Applicants added after `since`, newest first (at most `SHOWN`), and how many.
    pub arrivals: Vec<Arrival>,
    pub arrivals_count: i64,
    pub closing: Vec<Closing>,
    pub unread_messages: i64,
}

/// The summary of `company` at `now`; "today" ends at `day_end`, "new" means after `since`.
pub fn summary(
    conn: &mut AnyConnection,
    company: i64,
    now: PrimitiveDateTime,
    day_end: PrimitiveDateTime,
    since: PrimitiveDateTime,
) -> QueryResult<Summary> {
    let ahead = interviews::upcoming(conn, company, now)?;
    let interviews_ahead = ahead.len();
    let interviews_today = ahead.into_iter().filter(|u| u.interview.starts_at.is_some_and(|at| at < day_end)).collect();

    let live = applicants::table
        .filter(applicants::company_id.eq(company))
        .filter(applicants::status.eq(ApplicantStatus::Open))
        .filter(applicants::withdrawn_at.is_null())
        .filter(applicants::merged_into.is_null());
    let (waiting, waiting_since): (i64, Option<PrimitiveDateTime>) = live
        .filter(applicants::stage.eq(Stage::Applied))
        .select((diesel::dsl::count_star(), diesel::dsl::min(applicants::created_at)))
        .get_result(conn)?;
    let new = live.filter(applicants::created_at.gt(since));
    let arrivals_count = new.count().get_result(conn)?;
    let arrivals = new
        .left_join(jobs::table)
        .order((applicants::created_at.desc(), applicants::id.desc()))
        .limit(SHOWN)
        .select((applicants::id, applicants::name, jobs::title.nullable(), applicants::created_at))
        .load(conn)?;

    let closing = jobs::table
        .filter(jobs::company_id.eq(company))
        .filter(jobs::status.eq(JobStatus::Open))
        .filter(jobs::closes_at.ge(now))
        .filter(jobs::closes_at.lt(now + time::Duration::days(CLOSING_DAYS)))
        .order(jobs::closes_at.asc())
        .limit(SHOWN)
        .select((jobs::id, jobs::title, jobs::closes_at))
        .load(conn)?;

    let unread_messages = messages::unread_count(conn, Scope::Company(company))?;
    Ok(Summary {
        interviews_today,
        interviews_ahead,
        waiting,
        waiting_since,
        arrivals,
        arrivals_count,
        closing,
        unread_messages,
    })
}
