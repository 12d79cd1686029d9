//! Seekers area: applying, "my applications", withdrawing.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use crate::db::AnyConnection;
use crate::db::schema::{applicant_events, applicant_stages, applicants, companies, jobs};
use crate::domain::{ApplicantStatus, Stage};

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

/// The seeker's newest applications, not withdrawn, with no message yet:
/// where a conversation can start.
pub fn without_thread(conn: &mut AnyConnection, seeker_id: i64, limit: i64) -> QueryResult<Vec<SeekerApplication>> {
    use crate::db::schema::messages;
    let talked = messages::table.select(messages::applicant_id).filter(messages::seeker_id.eq(seeker_id));
    applicants::table
        .inner_join(companies::table)
        .left_join(jobs::table)
        .filter(applicants::seeker_id.eq(seeker_id))
        .filter(applicants::withdrawn_at.is_null())
        .filter(applicants::id.ne_all(talked))
        .order((applicants::created_at.desc(), applicants::id.desc()))
        .limit(limit)
        .select(SeekerApplication::as_select())
        .load(conn)
}

/// Which of these jobs the seeker applied to, and when: `(job id, applied at)`.
pub fn applied_among(
    conn: &mut AnyConnection,
    seeker_id: i64,
    job_ids: &[i64],
) -> QueryResult<Vec<(i64, PrimitiveDateTime)>> {
    if job_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(Option<i64>, PrimitiveDateTime)> = applicants::table
        .filter(applicants::seeker_id.eq(seeker_id))
        .filter(applicants::job_id.eq_any(job_ids))
        .select((applicants::job_id, applicants::created_at))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(job, at)| job.map(|job| (job, at))).collect())
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

/// What a seeker sees happen to their application: stage categories only,
/// never the company's own step names, rejection reasons or notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeekerStep {
    Applied,
    MovedTo(Stage),
    Withdrawn,
}

impl SeekerStep {
    /// The words of the seeker's history and of their data download.
    pub fn describe(&self) -> String {
        match self {
            SeekerStep::Applied => "You applied".into(),
            SeekerStep::MovedTo(stage) => format!("Moved to {}", stage.label()),
            SeekerStep::Withdrawn => "You withdrew the application".into(),
        }
    }
}

/// One entry of the history a seeker sees.
#[derive(Debug, Clone)]
pub struct SeekerEvent {
    pub step: SeekerStep,
    pub created_at: PrimitiveDateTime,
}

/// The seeker's history of an application: when they applied, each stage
/// category it entered (from `applicant_stages`, not the company's timeline
/// text), and a withdrawal, oldest first.
pub fn history_for_seeker(conn: &mut AnyConnection, applicant_id: i64) -> QueryResult<Vec<SeekerEvent>> {
    let own: Vec<(String, PrimitiveDateTime)> = applicant_events::table
        .filter(applicant_events::applicant_id.eq(applicant_id))
        .filter(applicant_events::kind.eq_any(["applied", "withdrawn"]))
        .select((applicant_events::kind, applicant_events::created_at))
        .load(conn)?;
    let moves: Vec<(Stage, PrimitiveDateTime)> = applicant_stages::table
        .filter(applicant_stages::applicant_id.eq(applicant_id))
        .filter(applicant_stages::stage.ne(Stage::Applied))
        .select((applicant_stages::stage, applicant_stages::entered_at))
        .load(conn)?;
    let mut history: Vec<SeekerEvent> = own
        .into_iter()
        .map(|(kind, created_at)| SeekerEvent {
            step: if kind == "applied" { SeekerStep::Applied } else { SeekerStep::Withdrawn },
            created_at,
        })
        .chain(
            moves.into_iter().map(|(stage, created_at)| SeekerEvent { step: SeekerStep::MovedTo(stage), created_at }),
        )
        .collect();
    history.sort_by_key(|e| (e.created_at, e.step != SeekerStep::Applied));
    Ok(history)
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
