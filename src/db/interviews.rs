//! Interviews: times the company proposes for an applicant (slots), the one
//! the seeker picks, and every change after (each raises `sequence`, the
//! version of the calendar invite).

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::AnyConnection;
use super::schema::{applicants, interview_slots, interviews, jobs};

crate::text_enum! {
    InterviewStatus {
        Proposed => "proposed", "Waiting for the candidate to pick a time";
        Scheduled => "scheduled", "Scheduled";
        Cancelled => "cancelled", "Cancelled";
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = interviews)]
pub struct Interview {
    pub id: i64,
    pub applicant_id: i64,
    pub proposed_by: Option<i64>,
    pub status: InterviewStatus,
    pub duration_minutes: i32,
    pub location: String,
    /// The IANA zone times are shown in (`domain::zone::OFFERED`).
    pub timezone: String,
    /// The picked time (UTC), once scheduled.
    pub starts_at: Option<PrimitiveDateTime>,
    pub sequence: i32,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = interview_slots)]
pub struct Slot {
    pub id: i64,
    pub interview_id: i64,
    pub starts_at: PrimitiveDateTime,
}

/// Where and how long, and the times offered.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub slots: Vec<PrimitiveDateTime>,
    pub duration_minutes: i32,
    pub location: String,
    pub timezone: String,
}

fn add_slots(c: &mut AnyConnection, interview: i64, slots: &[PrimitiveDateTime]) -> QueryResult<()> {
    for at in slots {
        diesel::insert_into(interview_slots::table)
            .values((interview_slots::interview_id.eq(interview), interview_slots::starts_at.eq(at)))
            .execute(c)?;
    }
    Ok(())
}

pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Interview> {
    interviews::table.find(id).select(Interview::as_select()).first(conn)
}

/// A new interview, waiting for the seeker to pick one of the slots.
pub fn propose(conn: &mut AnyConnection, applicant_id: i64, by: i64, p: &Proposal) -> QueryResult<Interview> {
    let now = super::now();
    let interview: Interview = diesel::insert_into(interviews::table)
        .values((
            interviews::applicant_id.eq(applicant_id),
            interviews::proposed_by.eq(Some(by)),
            interviews::status.eq(InterviewStatus::Proposed),
            interviews::duration_minutes.eq(p.duration_minutes),
            interviews::location.eq(&p.location),
            interviews::timezone.eq(&p.timezone),
            interviews::created_at.eq(now),
            interviews::updated_at.eq(now),
        ))
        .returning(interviews::all_columns)
        .get_result(conn)?;
    add_slots(conn, interview.id, &p.slots)?;
    Ok(interview)
}

/// New times for an interview (proposed or scheduled): the seeker picks again.
pub fn repropose(conn: &mut AnyConnection, id: i64, p: &Proposal) -> QueryResult<Interview> {
    diesel::delete(interview_slots::table.filter(interview_slots::interview_id.eq(id))).execute(conn)?;
    add_slots(conn, id, &p.slots)?;
    diesel::update(interviews::table.find(id))
        .set((
            interviews::status.eq(InterviewStatus::Proposed),
            interviews::duration_minutes.eq(p.duration_minutes),
            interviews::location.eq(&p.location),
            interviews::timezone.eq(&p.timezone),
            interviews::starts_at.eq(None::<PrimitiveDateTime>),
            interviews::sequence.eq(interviews::sequence + 1),
            interviews::updated_at.eq(super::now()),
        ))
        .returning(interviews::all_columns)
        .get_result(conn)
}

/// The seeker's pick: None when the interview is not waiting for one (picked
/// or cancelled meanwhile) or the slot is not one of its own.
pub fn pick(conn: &mut AnyConnection, id: i64, slot: i64) -> QueryResult<Option<Interview>> {
    let Some(at) = interview_slots::table
        .filter(interview_slots::id.eq(slot).and(interview_slots::interview_id.eq(id)))
        .select(interview_slots::starts_at)
        .first::<PrimitiveDateTime>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    diesel::update(interviews::table.find(id).filter(interviews::status.eq(InterviewStatus::Proposed)))
        .set((
            interviews::status.eq(InterviewStatus::Scheduled),
            interviews::starts_at.eq(Some(at)),
            interviews::sequence.eq(interviews::sequence + 1),
            interviews::updated_at.eq(super::now()),
        ))
        .returning(interviews::all_columns)
        .get_result(conn)
        .optional()
}

/// Cancels an interview that is not cancelled yet; returns it cancelled
/// (the time it had is kept, for the calendar's cancellation).
pub fn cancel(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<Interview>> {
    diesel::update(interviews::table.find(id).filter(interviews::status.ne(InterviewStatus::Cancelled)))
        .set((
            interviews::status.eq(InterviewStatus::Cancelled),
            interviews::sequence.eq(interviews::sequence + 1),
            interviews::updated_at.eq(super::now()),
        ))
        .returning(interviews::all_columns)
        .get_result(conn)
        .optional()
}

/// An applicant's interviews, newest first, each with its slots.
pub fn of_applicant(conn: &mut AnyConnection, applicant_id: i64) -> QueryResult<Vec<(Interview, Vec<Slot>)>> {
    let list: Vec<Interview> = interviews::table
        .filter(interviews::applicant_id.eq(applicant_id))
        .order(interviews::id.desc())
        .select(Interview::as_select())
        .load(conn)?;
    let ids: Vec<i64> = list.iter().map(|i| i.id).collect();
    let slots: Vec<Slot> = interview_slots::table
        .filter(interview_slots::interview_id.eq_any(&ids))
        .order(interview_slots::starts_at.asc())
        .select(Slot::as_select())
        .load(conn)?;
    Ok(list
        .into_iter()
        .map(|i| {
            let own = slots.iter().filter(|s| s.interview_id == i.id).cloned().collect();
            (i, own)
        })
        .collect())
}

/// A scheduled interview on the company's upcoming list.
#[derive(Debug, Clone)]
pub struct Upcoming {
    pub interview: Interview,
    pub applicant_name: String,
    pub job_title: Option<String>,
}

/// The company's scheduled interviews from `now` on, soonest first.
pub fn upcoming(conn: &mut AnyConnection, company_id: i64, now: PrimitiveDateTime) -> QueryResult<Vec<Upcoming>> {
    let rows: Vec<(Interview, String, Option<String>)> = interviews::table
        .inner_join(applicants::table.left_join(jobs::table))
        .filter(applicants::company_id.eq(company_id))
        .filter(interviews::status.eq(InterviewStatus::Scheduled))
        .filter(interviews::starts_at.ge(now))
        .order(interviews::starts_at.asc())
        .limit(200)
        .select((Interview::as_select(), applicants::name, jobs::title.nullable()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(interview, applicant_name, job_title)| Upcoming { interview, applicant_name, job_title })
        .collect())
}
