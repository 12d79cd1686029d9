//! Seekers area: applying, "my applications", withdrawing.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use crate::db::AnyConnection;
use crate::db::schema::{applicant_events, applicants, companies, jobs, users};
use crate::domain::{ApplicantStatus, JobStatus, Role, Stage};

/// Timeline entries a seeker sees about their own application: not the
/// company's notes, assignments or e-mails.
pub const SEEKER_VISIBLE_EVENTS: &[&str] = &["applied", "stage", "stage_changed", "withdrawn"];

/// One line of a seeker's "my applications" (an applicant joined to its
/// company and, if it still exists, its job).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = applicants)]
pub struct SeekerApplication {
    pub id: i64,
    pub job_id: Option<i64>,
    /// None when the job has been deleted since.
    #[diesel(select_expression = jobs::title.nullable())]
    #[diesel(select_expression_type = diesel::dsl::Nullable<jobs::title>)]
    pub job_title: Option<String>,
    /// The title the job had when the seeker applied.
    pub position: String,
    #[diesel(select_expression = companies::name)]
    pub company_name: String,
    #[diesel(select_expression = companies::slug)]
    pub company_slug: String,
    pub stage: Stage,
    pub status: ApplicantStatus,
    pub withdrawn_at: Option<PrimitiveDateTime>,
    pub created_at: PrimitiveDateTime,
}

impl SeekerApplication {
    pub fn title(&self) -> &str {
        self.job_title.as_deref().unwrap_or(&self.position)
    }
}

/// A page of the seeker's applications, newest first, and the total.
pub fn list_for_seeker(
    conn: &mut AnyConnection,
    seeker_id: i64,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<SeekerApplication>, i64)> {
    let total = applicants::table.filter(applicants::seeker_id.eq(seeker_id)).count().get_result(conn)?;
    let rows = applicants::table
        .inner_join(companies::table)
        .left_join(jobs::table)
        .filter(applicants::seeker_id.eq(seeker_id))
        .order((applicants::created_at.desc(), applicants::id.desc()))
        .limit(limit)
        .offset(offset)
        .select(SeekerApplication::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// The seeker's own application (None for anyone else's).
pub fn find_for_seeker(conn: &mut AnyConnection, id: i64, seeker_id: i64) -> QueryResult<Option<SeekerApplication>> {
    applicants::table
        .inner_join(companies::table)
        .left_join(jobs::table)
        .filter(applicants::id.eq(id))
        .filter(applicants::seeker_id.eq(seeker_id))
        .select(SeekerApplication::as_select())
        .first(conn)
        .optional()
}

/// One entry of the history a seeker sees.
#[derive(Debug, Clone, Queryable)]
pub struct SeekerEvent {
    pub kind: String,
    pub detail: String,
    pub created_at: PrimitiveDateTime,
}

impl SeekerEvent {
    /// The stage this entry moved to, when it is a stage change.
    pub fn stage(&self) -> Option<Stage> {
        if self.kind == "applied" {
            return Some(Stage::Applied);
        }
        if !self.kind.starts_with("stage") {
            return None;
        }
        // "interview", or "screening -> interview": the last word is the new stage.
        let last = self.detail.rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).find(|w| !w.is_empty());
        last.and_then(|w| w.to_lowercase().parse().ok())
    }
}

pub fn history_for_seeker(conn: &mut AnyConnection, applicant_id: i64) -> QueryResult<Vec<SeekerEvent>> {
    applicant_events::table
        .filter(applicant_events::applicant_id.eq(applicant_id))
        .filter(applicant_events::kind.eq_any(SEEKER_VISIBLE_EVENTS))
        .order(applicant_events::id.asc())
        .select((applicant_events::kind, applicant_events::detail, applicant_events::created_at))
        .load(conn)
}

/// The seeker's application to this job, if there is one.
pub fn application_to_job(conn: &mut AnyConnection, job_id: i64, seeker_id: i64) -> QueryResult<Option<i64>> {
    applicants::table
        .filter(applicants::job_id.eq(job_id))
        .filter(applicants::seeker_id.eq(seeker_id))
        .select(applicants::id)
        .first(conn)
        .optional()
}

/// True when the job takes applications now: open and not past its closing date.
pub fn job_accepts_applications(status: JobStatus, closes_at: Option<PrimitiveDateTime>) -> bool {
    status == JobStatus::Open && closes_at.is_none_or(|t| t > crate::db::now())
}

/// The active employers of a company: who is told about its applicants.
pub fn active_employer_ids(conn: &mut AnyConnection, company_id: i64) -> QueryResult<Vec<i64>> {
    users::table
        .filter(users::company_id.eq(company_id))
        .filter(users::role.eq(Role::Employer))
        .filter(users::is_active.eq(true))
        .select(users::id)
        .load(conn)
}

/// Marks the seeker's application withdrawn (status closed). Returns the
/// company, or None when it is not theirs or already withdrawn.
pub fn withdraw(conn: &mut AnyConnection, id: i64, seeker_id: i64) -> QueryResult<Option<i64>> {
    let now = crate::db::now();
    diesel::update(
        applicants::table
            .find(id)
            .filter(applicants::seeker_id.eq(seeker_id))
            .filter(applicants::withdrawn_at.is_null()),
    )
    .set((
        applicants::withdrawn_at.eq(now),
        applicants::status.eq(ApplicantStatus::Closed),
        applicants::updated_at.eq(now),
    ))
    .returning(applicants::company_id)
    .get_result(conn)
    .optional()
}
