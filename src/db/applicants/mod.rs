//! Applicants: every application and every candidate added by hand, with
//! their notes and history (the CRM's queries live here).

mod choices;
pub mod duplicates;
mod list;
mod manual;
mod notes;
mod pipeline;
mod seeker;
pub mod tags;

use diesel::prelude::*;
use diesel::sql_types::Text;
use time::PrimitiveDateTime;

use super::AnyConnection;
use super::schema::{applicant_events, applicants, companies, resumes};
use crate::domain::{ApplicantSource, ApplicantStatus, EmploymentType, MoveTarget, RejectionReason, Stage};

pub use choices::{
    JOB_FILTER_CHOICES, JobChoice, Person, assignable_people, can_hold, company_choices, company_named, job_choices,
    job_filter_choices, job_in_scope,
};
pub use list::{COUNT_CAP, ListRow, Listing, counts_by_job, idle_count, list_page, matching_ids, of_job, rows_by_ids};
pub use manual::{ManualApplicant, create_manual, job_of_company, update_fields};
pub use notes::{EventRow, NoteRow, add_note, notes, timeline};
pub use pipeline::{
    AssignRefused, Changed, Place, all_in_scope, assign, delete, move_to_stage, set_employment_type, set_status,
};
pub use seeker::{
    SeekerApplication, SeekerEvent, SeekerStep, application_to_job, applied_among, find_for_seeker, history_for_seeker,
    list_for_seeker, withdraw, without_thread,
};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = applicants)]
pub struct Applicant {
    pub id: i64,
    pub company_id: i64,
    pub job_id: Option<i64>,
    /// The seeker's account, for applications made on the portal.
    pub seeker_id: Option<i64>,
    pub resume_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub current_company: String,
    pub position: String,
    pub location: String,
    pub years_experience: Option<i32>,
    pub status: ApplicantStatus,
    pub employment_type: EmploymentType,
    pub stage: Stage,
    pub source: ApplicantSource,
    pub cover_letter: String,
    pub withdrawn_at: Option<PrimitiveDateTime>,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    /// Why, while at the rejected stage.
    pub rejection_reason: Option<RejectionReason>,
    /// The company's own step within `stage`, if it has named one.
    pub step_id: Option<i64>,
    /// The record of the same company this one was merged into (hidden
    /// behind it, kept whole so the merge can be undone), and when.
    pub merged_into: Option<i64>,
    pub merged_at: Option<PrimitiveDateTime>,
    /// The consent text the seeker agreed to when applying, and when.
    pub consent: String,
    pub consented_at: Option<PrimitiveDateTime>,
    /// When its personal data was erased (the seeker's erasure, or the
    /// company's retention period).
    pub erased_at: Option<PrimitiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = applicants)]
pub struct NewApplicant<'a> {
    pub company_id: i64,
    pub job_id: Option<i64>,
    pub seeker_id: Option<i64>,
    pub resume_id: Option<i64>,
    pub name: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub current_company: &'a str,
    pub position: &'a str,
    pub location: &'a str,
    pub years_experience: Option<i32>,
    pub status: ApplicantStatus,
    pub employment_type: EmploymentType,
    pub stage: Stage,
    pub source: ApplicantSource,
    pub cover_letter: &'a str,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, new: &NewApplicant) -> QueryResult<Applicant> {
    diesel::insert_into(applicants::table).values(new).returning(applicants::all_columns).get_result(conn)
}

/// Stores the consent given with an application (its text, and when).
pub fn record_consent(conn: &mut AnyConnection, id: i64, text: &str, at: PrimitiveDateTime) -> QueryResult<()> {
    diesel::update(applicants::table.find(id))
        .set((applicants::consent.eq(text), applicants::consented_at.eq(Some(at))))
        .execute(conn)
        .map(|_| ())
}

/// The applicants of a job still in the running: open and not withdrawn.
pub fn open_of_job(conn: &mut AnyConnection, job_id: i64) -> QueryResult<Vec<Applicant>> {
    applicants::table
        .filter(applicants::job_id.eq(job_id))
        .filter(applicants::status.eq(ApplicantStatus::Open).and(applicants::withdrawn_at.is_null()))
        .filter(applicants::merged_into.is_null())
        .order(applicants::id.asc())
        .select(Applicant::as_select())
        .load(conn)
}

/// How many applicants of a job are still in the running (see `open_of_job`).
pub fn count_open_of_job(conn: &mut AnyConnection, job_id: i64) -> QueryResult<i64> {
    applicants::table
        .filter(applicants::job_id.eq(job_id))
        .filter(applicants::status.eq(ApplicantStatus::Open).and(applicants::withdrawn_at.is_null()))
        .filter(applicants::merged_into.is_null())
        .count()
        .get_result(conn)
}

pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Applicant> {
    applicants::table.find(id).select(Applicant::as_select()).first(conn)
}

/// One line of an applicant's timeline. Write it in the transaction of the
/// change. Something was done, so the applicant's `updated_at` moves too (the
/// "no action for N days" filter and the "recently updated" order read it).
pub fn record_event(
    conn: &mut AnyConnection,
    applicant_id: i64,
    actor_id: Option<i64>,
    kind: &str,
    detail: &str,
    outbox_id: Option<i64>,
) -> QueryResult<()> {
    diesel::insert_into(applicant_events::table)
        .values((
            applicant_events::applicant_id.eq(applicant_id),
            applicant_events::actor_id.eq(actor_id),
            applicant_events::kind.eq(kind),
            applicant_events::detail.eq(detail),
            applicant_events::outbox_id.eq(outbox_id),
            applicant_events::created_at.eq(super::now()),
        ))
        .execute(conn)?;
    diesel::update(applicants::table.find(applicant_id)).set(applicants::updated_at.eq(super::now())).execute(conn)?;
    Ok(())
}

// ---- the CRM (applicant management) ----

/// The kinds of timeline rows this area writes (mail and messages add theirs).
pub mod event {
    pub const CREATED: &str = "created";
    pub const STAGE: &str = "stage";
    pub const STATUS: &str = "status";
    pub const TYPE: &str = "type";
    pub const ASSIGNED: &str = "assigned";
    pub const EDITED: &str = "edited";
    pub const MERGED: &str = "merged";
}

/// Whose applicants a user may reach (`CurrentUser::company_scope`).
pub use crate::domain::CompanyScope as Scope;

diesel::define_sql_function!(fn lower(x: Text) -> Text);

fn person_name(display: Option<String>, username: Option<String>) -> Option<String> {
    match (display, username) {
        (Some(d), _) if !d.is_empty() => Some(d),
        (_, u) => u,
    }
}

/// An applicant the scope may reach; anything else is NotFound.
pub fn find_in_scope(conn: &mut AnyConnection, scope: Scope, id: i64) -> QueryResult<Applicant> {
    let applicant = find(conn, id)?;
    if scope.allows(applicant.company_id) { Ok(applicant) } else { Err(diesel::result::Error::NotFound) }
}

/// Everything the applicant page shows beside notes and timeline.
#[derive(Debug, Clone)]
pub struct Detail {
    pub applicant: Applicant,
    pub company_name: String,
    pub job_title: Option<String>,
    pub assignee_name: Option<String>,
    /// The linked resume's id and file name.
    pub resume: Option<(i64, String)>,
    pub tags: Vec<String>,
    /// The company's name for the applicant's step, when at one.
    pub step_name: Option<String>,
    /// The company's clock (interview times are proposed on it; empty: UTC).
    pub company_timezone: String,
}

impl Detail {
    /// Where the applicant is, as the company calls it.
    pub fn stage_label(&self) -> &str {
        self.step_name.as_deref().unwrap_or(self.applicant.stage.label())
    }
}

/// The place a move form points to, for applicants of the scope: None when
/// it is no stage, or a step of no company the scope reaches.
pub fn place_of(conn: &mut AnyConnection, scope: Scope, target: MoveTarget) -> QueryResult<Option<Place>> {
    let id = match target {
        MoveTarget::Stage(stage) => return Ok(Some(Place::stage(stage))),
        MoveTarget::Step(id) => id,
    };
    let step = match scope.company() {
        Some(company) => crate::db::steps::find(conn, company, id),
        None => crate::db::steps::find_any(conn, id),
    };
    Ok(step.optional()?.map(Place::step))
}

pub fn detail(conn: &mut AnyConnection, scope: Scope, id: i64) -> QueryResult<Detail> {
    let applicant = find_in_scope(conn, scope, id)?;
    let row = rows_by_ids(conn, &[id])?.pop().ok_or(diesel::result::Error::NotFound)?;
    let resume = match applicant.resume_id {
        Some(rid) => resumes::table
            .find(rid)
            .select((resumes::id, resumes::file_name))
            .first::<(i64, String)>(conn)
            .optional()?,
        None => None,
    };
    let company_timezone = companies::table.find(applicant.company_id).select(companies::timezone).first(conn)?;
    Ok(Detail {
        applicant,
        company_timezone,
        company_name: row.company_name,
        job_title: row.job_title,
        assignee_name: row.assignee_name,
        resume,
        tags: row.tags,
        step_name: row.step_name,
    })
}
