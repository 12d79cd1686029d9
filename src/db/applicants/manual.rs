//! Applicants added and edited by hand.

use diesel::prelude::*;

use super::{Applicant, NewApplicant, Scope, event, find_in_scope, insert, record_event};
use crate::db::AnyConnection;
use crate::db::resumes::NewResume;
use crate::db::schema::{applicants, jobs};
use crate::domain::{ApplicantFields, ApplicantSource, Stage};

/// True when the job belongs to the company.
pub fn job_of_company(conn: &mut AnyConnection, job_id: i64, company_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(jobs::table.find(job_id).filter(jobs::company_id.eq(company_id))))
        .get_result(conn)
}

/// An applicant added by hand, with an optional uploaded resume.
pub struct ManualApplicant<'a> {
    pub company_id: i64,
    pub job_id: Option<i64>,
    pub fields: &'a ApplicantFields,
    pub resume: Option<NewResume<'a>>,
    pub actor_id: i64,
    /// Applicants one user, and one company, may add by hand per hour.
    pub limit: crate::config::PerHour,
}

/// Adds an applicant by hand, or None when the actor or the company has
/// added as many as `new.limit` allows this hour (nothing written).
pub fn create_manual(conn: &mut AnyConnection, new: &ManualApplicant) -> QueryResult<Option<Applicant>> {
    crate::db::transaction(conn, |c| {
        let writer = (new.actor_id, Some(new.company_id));
        if !crate::db::limits::allows_more(c, crate::db::limits::Limited::HandAdded, writer, new.limit, 1)? {
            return Ok(None);
        }
        let resume_id = match &new.resume {
            Some(resume) => Some(crate::db::resumes::insert(c, resume)?.id),
            None => None,
        };
        let now = crate::db::now();
        let f = new.fields;
        let applicant = insert(
            c,
            &NewApplicant {
                company_id: new.company_id,
                job_id: new.job_id,
                seeker_id: None,
                resume_id,
                name: &f.name,
                email: &f.email,
                phone: &f.phone,
                current_company: &f.current_company,
                position: &f.position,
                location: &f.location,
                years_experience: f.years_experience,
                status: f.status,
                employment_type: f.employment_type,
                stage: Stage::Applied,
                source: ApplicantSource::Manual,
                cover_letter: "",
                created_at: now,
                updated_at: now,
            },
        )?;
        record_event(c, applicant.id, Some(new.actor_id), event::CREATED, "Added by hand", None)?;
        Ok(Some(applicant))
    })
}

/// Saves edited fields (and the job, for applicants added by hand) with a
/// history row naming what changed. Returns false when nothing changed.
pub fn update_fields(
    conn: &mut AnyConnection,
    scope: Scope,
    id: i64,
    fields: &ApplicantFields,
    job_id: Option<i64>,
    actor_id: i64,
) -> QueryResult<bool> {
    crate::db::transaction(conn, |c| {
        let a = find_in_scope(c, scope, id)?;
        let job_id = if a.source == ApplicantSource::Manual { job_id } else { a.job_id };
        let mut what: Vec<&str> = Vec::new();
        let mut note = |changed: bool, label: &'static str| {
            if changed {
                what.push(label)
            }
        };
        note(a.name != fields.name, "name");
        note(a.email != fields.email, "e-mail");
        note(a.phone != fields.phone, "phone");
        note(a.current_company != fields.current_company, "company");
        note(a.position != fields.position, "position");
        note(a.location != fields.location, "location");
        note(a.years_experience != fields.years_experience, "years of experience");
        note(a.status != fields.status, "status");
        note(a.employment_type != fields.employment_type, "employment type");
        note(a.job_id != job_id, "job");
        if what.is_empty() {
            return Ok(false);
        }
        diesel::update(applicants::table.find(id))
            .set((
                applicants::name.eq(&fields.name),
                applicants::email.eq(&fields.email),
                applicants::phone.eq(&fields.phone),
                applicants::current_company.eq(&fields.current_company),
                applicants::position.eq(&fields.position),
                applicants::location.eq(&fields.location),
                applicants::years_experience.eq(fields.years_experience),
                applicants::status.eq(fields.status),
                applicants::employment_type.eq(fields.employment_type),
                applicants::job_id.eq(job_id),
                applicants::updated_at.eq(crate::db::now()),
            ))
            .execute(c)?;
        record_event(c, id, Some(actor_id), event::EDITED, &format!("Changed {}", what.join(", ")), None)?;
        Ok(true)
    })
}
