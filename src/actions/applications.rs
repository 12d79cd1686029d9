//! A seeker's applications: apply, withdraw.

use diesel::QueryResult;

use super::{Notice, tell_employers};
use crate::config::Settings;
use crate::db::applicants::{self, NewApplicant};
use crate::db::limits::{self, Limited};
use crate::db::resumes::{self, NewResume};
use crate::db::{self, AnyConnection, jobs, screening, users};
use crate::domain::{ApplicantSource, ApplicantStatus, NotificationKind, Stage};
use crate::storage::StoredFile;

/// What the seeker sends besides the resume, checked.
pub struct Letter {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub location: String,
    pub cover: String,
    /// The screening answers: (question, answer, knocked out).
    pub answers: Vec<(i64, String, bool)>,
    /// The consent agreed to, as shown.
    pub consent: String,
}

/// The resume an application is made with.
pub enum Resume<'a> {
    /// One of the seeker's kept resumes.
    Kept(i64),
    /// A file just stored (`storage::store`): its row is written here.
    New(&'a StoredFile),
}

/// Why an application was refused (nothing written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    JobClosed,
    AlreadyApplied,
    /// The kept resume chosen was deleted meanwhile.
    ResumeGone,
    /// `APPLICATIONS_PER_HOUR` reached.
    TooMany,
}

pub struct Applied {
    pub applicant_id: i64,
    /// The employers told (to poke after the commit).
    pub employer_ids: Vec<i64>,
}

enum Stop {
    Refused(Refusal),
    Db(diesel::result::Error),
}

impl From<diesel::result::Error> for Stop {
    fn from(e: diesel::result::Error) -> Self {
        Stop::Db(e)
    }
}

/// Applies to an open job: the applicant, its resume, consent, history and
/// screening answers, the employers' notifications and the e-mails to both
/// sides, in one transaction.
pub fn apply(
    c: &mut AnyConnection,
    settings: &Settings,
    seeker_id: i64,
    job_id: i64,
    letter: &Letter,
    resume: Resume,
) -> QueryResult<Result<Applied, Refusal>> {
    match db::transaction(c, |c| write(c, settings, seeker_id, job_id, letter, resume)) {
        Ok(applied) => Ok(Ok(applied)),
        Err(Stop::Refused(refusal)) => Ok(Err(refusal)),
        // Two submissions racing: the unique index decides.
        Err(Stop::Db(e)) if db::is_unique_violation(&e) => Ok(Err(Refusal::AlreadyApplied)),
        Err(Stop::Db(e)) => Err(e),
    }
}

fn write(
    c: &mut AnyConnection,
    settings: &Settings,
    seeker_id: i64,
    job_id: i64,
    letter: &Letter,
    resume: Resume,
) -> Result<Applied, Stop> {
    let job = jobs::find(c, job_id)?;
    let now = db::now();
    if !job.is_listed(now) {
        return Err(Stop::Refused(Refusal::JobClosed));
    }
    if applicants::application_to_job(c, job_id, seeker_id)?.is_some() {
        return Err(Stop::Refused(Refusal::AlreadyApplied));
    }
    if !limits::allows(c, Limited::Applications, seeker_id, settings.limits.applications_per_hour)? {
        return Err(Stop::Refused(Refusal::TooMany));
    }
    let resume_id = match resume {
        Resume::Kept(id) if resumes::lock_own(c, id, seeker_id)? => id,
        Resume::Kept(_) => return Err(Stop::Refused(Refusal::ResumeGone)),
        Resume::New(file) => {
            let row = NewResume {
                user_id: Some(seeker_id),
                file_name: &file.display_name,
                stored_name: &file.name,
                size_bytes: file.size,
                text_content: &file.text,
                created_at: now,
            };
            resumes::insert(c, &row)?.id
        }
    };
    let seeker = users::find(c, seeker_id)?;
    let applicant = applicants::insert(
        c,
        &NewApplicant {
            company_id: job.company_id,
            job_id: Some(job.id),
            seeker_id: Some(seeker.id),
            resume_id: Some(resume_id),
            name: &letter.name,
            email: &letter.email,
            phone: &letter.phone,
            current_company: "",
            position: &job.title,
            location: &letter.location,
            years_experience: None,
            status: ApplicantStatus::Open,
            employment_type: job.employment_type,
            stage: Stage::Applied,
            source: ApplicantSource::Portal,
            cover_letter: &letter.cover,
            created_at: now,
            updated_at: now,
        },
    )?;
    applicants::record_consent(c, applicant.id, &letter.consent, now)?;
    applicants::record_event(c, applicant.id, Some(seeker.id), "applied", &job.title, None)?;
    screening::record(c, job.company_id, job.id, applicant.id, &letter.answers)?;
    let employer_ids = tell_employers(
        c,
        job.company_id,
        &Notice {
            kind: NotificationKind::Application,
            title: &format!("New application for {}", job.title),
            body: &format!("{} applied.", letter.name),
            link: &format!("/applicants/{}", applicant.id),
            data: serde_json::json!({ "applicant_id": applicant.id, "job_id": job.id }).to_string(),
        },
    )?;
    crate::mail::notices::application_received(c, settings, applicant.id)?;
    Ok(Applied { applicant_id: applicant.id, employer_ids })
}

/// Withdraws the seeker's application: it stays in the company's list,
/// marked withdrawn and closed, and its employers are told. `None`: not the
/// seeker's. Already withdrawn: nobody is told again.
pub fn withdraw(c: &mut AnyConnection, application_id: i64, seeker_id: i64) -> QueryResult<Option<Vec<i64>>> {
    db::transaction(c, |c| {
        let Some(application) = applicants::find_for_seeker(c, application_id, seeker_id)? else {
            return Ok(None);
        };
        let Some(company_id) = applicants::withdraw(c, application_id, seeker_id)? else {
            return Ok(Some(Vec::new()));
        };
        applicants::record_event(c, application_id, Some(seeker_id), "withdrawn", "", None)?;
        let seeker = users::find(c, seeker_id)?;
        let notice = Notice {
            kind: NotificationKind::Withdrawn,
            title: &format!("Application withdrawn: {}", application.title()),
            body: &format!("{} withdrew their application.", seeker.name()),
            link: &format!("/applicants/{application_id}"),
            data: serde_json::json!({ "applicant_id": application_id, "job_id": application.job_id }).to_string(),
        };
        tell_employers(c, company_id, &notice).map(Some)
    })
}
