//! `GET,POST /jobs/{id}/apply`: a seeker applies once to an open job with a
//! cover letter and a resume (a new PDF or one already uploaded).
//!
//! The resume row, the applicant record of the company, its first timeline
//! entry and the employers' notifications are written in one transaction; a
//! new file is moved into place just before it and removed if it fails.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::actions::applications::{self, Applied, Letter, Refusal};
use crate::auth::{CurrentUser, FlashKind, TypedSession};
use crate::db::AnyConnection;
use crate::db::applicants;
use crate::db::companies::{self, Company};
use crate::db::jobs::{self, Job};
use crate::db::resumes::{self, Resume};
use crate::db::screening::{self, Question};
use crate::domain::applicant::consent_text;
use crate::domain::{DisplayText, Email, JobStatus, Role};
use crate::error::{AppError, AppResult};
use crate::routes::resumes::{max_size, refusal, too_large_message};
use crate::routes::{FieldErrors, Page, render, see_other};
use crate::state::AppState;
use crate::storage::{self, MultipartForm, Recorded, Upload, UploadSpec};

/// Longest cover letter accepted (characters).
pub const MAX_COVER_LETTER: usize = 10_000;

/// What the apply page can offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyState {
    Open,
    /// Closed, or past its closing date.
    Closed,
    /// Already applied: the application's id.
    Applied(i64),
    /// Logged in as an employer or admin.
    NotSeeker,
}

/// What the company receives about the seeker: shown on the form from the
/// profile, editable there, sent with this application only.
#[derive(Debug, Default, Clone)]
pub struct Details {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub location: String,
}

impl Details {
    fn of(user: &crate::db::users::User) -> Details {
        Details {
            name: user.name().to_string(),
            email: user.email.clone(),
            phone: user.phone.clone(),
            location: user.location.clone(),
        }
    }

    /// The posted fields, each checked; a field the form did not send at all
    /// keeps the profile's value (every page of ours sends all four).
    fn read(received: &MultipartForm, profile: Details, errors: &mut FieldErrors) -> Details {
        let given = |name: &str, kept: String| received.sent(name).map(str::to_string).unwrap_or(kept);
        let mut d = Details {
            name: given("name", profile.name),
            email: given("email", profile.email),
            phone: given("phone", profile.phone),
            location: given("location", profile.location),
        };
        if let Some(name) = errors.check("name", DisplayText::full_name(&d.name)) {
            d.name = name.into_inner();
        }
        if let Some(email) = errors.check("email", Email::parse(&d.email)) {
            d.email = email.as_str().to_string();
        }
        if let Some(phone) = errors.check("phone", crate::domain::phone::parse(&d.phone)) {
            d.phone = phone;
        }
        if let Some(location) = errors.check("location", DisplayText::parse(&d.location, 0, 100)) {
            d.location = location.into_inner();
        }
        d
    }
}

#[derive(Debug, Default, Clone)]
pub struct ApplyForm {
    pub details: Details,
    pub cover_letter: String,
    /// The chosen resume's id, or "new".
    pub resume_id: String,
    /// The screening answers as typed: (question id, answer).
    pub answers: Vec<(i64, String)>,
    /// The consent box was ticked.
    pub consent: bool,
}

impl ApplyForm {
    pub fn answer(&self, question: &i64) -> &str {
        self.answers.iter().find(|(q, _)| q == question).map(|(_, a)| a.as_str()).unwrap_or("")
    }

    pub fn picks(&self, resume: &Resume) -> bool {
        self.resume_id == resume.id.to_string()
    }
}

#[derive(Template)]
#[template(path = "applications/apply.html")]
struct ApplyPage {
    page: Page,
    job: Job,
    company: Company,
    resumes: Vec<Resume>,
    /// The job's screening questions.
    questions: Vec<Question>,
    form: ApplyForm,
    errors: FieldErrors,
    state: ApplyState,
    max_size: String,
}

impl ApplyPage {
    fn applied_id(&self) -> Option<i64> {
        match self.state {
            ApplyState::Applied(id) => Some(id),
            _ => None,
        }
    }

    fn consent_text(&self) -> String {
        consent_text(&self.company.name)
    }

    fn new_file_chosen(&self) -> bool {
        self.form.resume_id == "new" || self.resumes.is_empty()
    }
}

#[derive(Template)]
#[template(path = "applications/apply_closed.html")]
struct ClosedPage {
    page: Page,
}

/// The job, its company and its screening questions, if a seeker may see it
/// (drafts are 404).
async fn visible_job(state: &AppState, job_id: i64) -> AppResult<(Job, Company, Vec<Question>)> {
    let (job, company, questions) = state
        .db
        .run(move |c| {
            let job = jobs::find(c, job_id)?;
            let company = companies::find(c, job.company_id)?;
            let questions = screening::of_job(c, job_id)?;
            Ok::<_, AppError>((job, company, questions))
        })
        .await?;
    if job.status == JobStatus::Draft {
        return Err(AppError::NotFound);
    }
    Ok((job, company, questions))
}

/// Everything the page shows besides the form.
async fn context(state: &AppState, user: &CurrentUser, job: &Job) -> AppResult<(ApplyState, Vec<Resume>)> {
    if user.role != Role::Seeker {
        return Ok((ApplyState::NotSeeker, Vec::new()));
    }
    let (job_id, user_id) = (job.id, user.id);
    let (applied, mine) = state
        .db
        .run(move |c| {
            let applied = applicants::application_to_job(c, job_id, user_id)?;
            let mine = resumes::list_for_user(c, user_id)?;
            Ok::<_, AppError>((applied, mine))
        })
        .await?;
    let mine = mine.into_iter().map(|r| r.resume).collect();
    let apply_state = match applied {
        Some(id) => ApplyState::Applied(id),
        None if !job.is_listed(crate::db::now()) => ApplyState::Closed,
        None => ApplyState::Open,
    };
    Ok((apply_state, mine))
}

fn status_for(state: ApplyState) -> StatusCode {
    match state {
        ApplyState::NotSeeker => StatusCode::FORBIDDEN,
        _ => StatusCode::OK,
    }
}

pub async fn form(
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let (job, company, questions) = visible_job(&state, path.into_inner()).await?;
    // Like the job page: a closed job is shown to its company and admins only.
    // (A form already open when the job closed still gets a clear refusal.)
    let manager = user.is_admin() || user.employer_company().ok() == Some(job.company_id);
    if !job.is_listed(crate::db::now()) && !manager {
        return Err(AppError::NotFound);
    }
    let (apply_state, resumes) = context(&state, &user, &job).await?;
    let form = ApplyForm {
        details: Details::of(&user),
        cover_letter: String::new(),
        resume_id: resumes.first().map(|r| r.id.to_string()).unwrap_or_else(|| "new".into()),
        answers: Vec::new(),
        consent: false,
    };
    let tpl = ApplyPage {
        page,
        job,
        company,
        resumes,
        questions,
        form,
        errors: FieldErrors::default(),
        state: apply_state,
        max_size: max_size(&state),
    };
    render(status_for(apply_state), &tpl)
}

/// The resume an application is made with.
enum ResumeChoice {
    New(Upload),
    Existing(i64),
}

/// Where a refusal is shown on the form, and what it says.
fn shown(refusal: Refusal) -> (&'static str, &'static str) {
    match refusal {
        Refusal::JobClosed => ("job", "This job is no longer accepting applications."),
        Refusal::AlreadyApplied => {
            ("job", "You have already applied to this job. You can follow it in your applications.")
        }
        Refusal::ResumeGone => ("resume", "That resume is no longer in your list. Choose another or upload a PDF."),
        Refusal::TooMany => {
            ("job", "You have sent a lot of applications in the last hour. Take a break and apply again later.")
        }
    }
}

/// What the form sent, read and checked.
struct Read {
    form: ApplyForm,
    choice: Option<ResumeChoice>,
    /// The screening answers, checked: (question, answer, knocked out).
    answers: Vec<(i64, String, bool)>,
    /// The status of a refusal (a file of the wrong kind is 415).
    status: StatusCode,
}

impl Default for Read {
    fn default() -> Self {
        Read { form: ApplyForm::default(), choice: None, answers: Vec::new(), status: StatusCode::UNPROCESSABLE_ENTITY }
    }
}

/// Reads the received form: the screening answers, the details, consent,
/// cover letter and the resume (a new file or one of `resumes`), each
/// problem added to `errors`.
fn read(
    received: &mut MultipartForm,
    user: &CurrentUser,
    questions: &[Question],
    resumes: &[Resume],
    errors: &mut FieldErrors,
) -> Read {
    let mut read = Read::default();
    let form = &mut read.form;
    for q in questions {
        let raw = received.text(&format!("q-{}", q.id)).to_string();
        match q.check(&raw) {
            Ok(Some(answer)) => read.answers.push((q.id, answer.clone(), q.knocks_out(&answer))),
            Ok(None) => {}
            Err(message) if !errors.has("screening") => errors.add("screening", message),
            Err(_) => {}
        }
        form.answers.push((q.id, raw));
    }
    form.details = Details::read(received, Details::of(user), errors);
    form.consent = received.text("consent") == "yes";
    if !form.consent {
        errors.add("consent", "Tick the box to agree, or the application cannot be sent.");
    }
    form.cover_letter = received.text("cover_letter").to_string();
    form.resume_id = received.text("resume_id").trim().to_string();
    if let Some(cover) = errors.check("cover_letter", parse_cover_letter(&form.cover_letter)) {
        form.cover_letter = cover;
    }
    match received.take_file("resume") {
        Some(file) => {
            form.resume_id = "new".into();
            match file.check() {
                Ok(()) => read.choice = Some(ResumeChoice::New(file)),
                Err(problem) => {
                    let (status, message) = refusal(problem, &file);
                    read.status = status;
                    errors.add("resume", message);
                }
            }
        }
        None => match form.resume_id.parse::<i64>() {
            Ok(id) if resumes.iter().any(|r| r.id == id) => read.choice = Some(ResumeChoice::Existing(id)),
            Ok(_) => errors.add("resume", shown(Refusal::ResumeGone).1),
            Err(_) if resumes.is_empty() => errors.add("resume", "Choose your resume: a PDF file."),
            Err(_) => errors.add("resume", "Choose one of your resumes, or upload a PDF."),
        },
    }
    read
}

pub async fn submit(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    payload: Multipart,
) -> AppResult<HttpResponse> {
    // Who and where first: nothing of the body is read for a refused visit.
    let (job, company, questions) = visible_job(&state, path.into_inner()).await?;
    if user.role != Role::Seeker {
        return Err(AppError::Forbidden);
    }
    // A form left open while the job closed: a clear answer, and nothing
    // more of the job than the seeker already had (its page is gone).
    if !job.is_listed(crate::db::now()) {
        return render(StatusCode::UNPROCESSABLE_ENTITY, &ClosedPage { page });
    }
    let mut errors = FieldErrors::default();
    let mut received =
        match crate::auth::csrf::read_multipart(&req, payload, &UploadSpec::pdf("resume", &state.settings)).await {
            Ok(form) => Some(form),
            Err(AppError::PayloadTooLarge) => {
                errors.add("resume", too_large_message(&state));
                None
            }
            Err(e) => return Err(e),
        };
    let (apply_state, resumes) = context(&state, &user, &job).await?;
    let Read { mut form, choice, answers, status } = match received.as_mut() {
        None => Read { status: StatusCode::PAYLOAD_TOO_LARGE, ..Read::default() },
        Some(received) => read(received, &user, &questions, &resumes, &mut errors),
    };
    match apply_state {
        ApplyState::Open => {}
        // Checked above; the tail of a closing date may pass in between.
        ApplyState::Closed => return render(StatusCode::UNPROCESSABLE_ENTITY, &ClosedPage { page }),
        ApplyState::Applied(_) => errors.add("job", shown(Refusal::AlreadyApplied).1),
        ApplyState::NotSeeker => return Err(AppError::Forbidden),
    }
    let refuse = |page, form, errors, status, resumes| {
        let tpl = ApplyPage {
            page,
            job: job.clone(),
            company: company.clone(),
            resumes,
            questions: questions.clone(),
            form,
            errors,
            state: apply_state,
            max_size: max_size(&state),
        };
        render(status, &tpl)
    };
    let choice = match choice {
        Some(choice) if errors.is_empty() => choice,
        _ => return refuse(page, form, errors, status, resumes),
    };

    let d = form.details.clone();
    let (cover, consent) = (form.cover_letter.clone(), consent_text(&company.name));
    let letter = Letter { name: d.name, email: d.email, phone: d.phone, location: d.location, cover, answers, consent };
    let outcome = apply(&state, &user, &job, letter, choice).await?;
    match outcome {
        Ok(applied) => {
            state.hub.poke(&applied.employer_ids);
            state.outbox.wake();
            tracing::info!(applicant_id = applied.applicant_id, job_id = job.id, "application received");
            TypedSession::from_request(&req)
                .flash(FlashKind::Success, format!("Your application for {} at {} is sent.", job.title, company.name));
            Ok(see_other(&format!("/applications/{}", applied.applicant_id)))
        }
        Err(Refusal::JobClosed) => render(StatusCode::UNPROCESSABLE_ENTITY, &ClosedPage { page }),
        Err(refused) => {
            let (field, message) = shown(refused);
            let mut errors = FieldErrors::default();
            errors.add(field, message);
            // The state may have changed under us: show the page as it is now.
            let (apply_state, resumes) = context(&state, &user, &job).await?;
            if form.resume_id != "new" && refused == Refusal::ResumeGone {
                form.resume_id = "new".into();
            }
            let max_size = max_size(&state);
            let tpl = ApplyPage { page, job, company, resumes, questions, form, errors, state: apply_state, max_size };
            let too_many = refused == Refusal::TooMany;
            render(if too_many { StatusCode::TOO_MANY_REQUESTS } else { StatusCode::UNPROCESSABLE_ENTITY }, &tpl)
        }
    }
}

/// A cover letter: optional, at most `MAX_COVER_LETTER` characters
/// (`text::multiline`).
pub fn parse_cover_letter(raw: &str) -> Result<String, String> {
    let value = crate::domain::text::multiline(raw)?;
    if value.chars().count() > MAX_COVER_LETTER {
        return Err(format!(
            "Keep the cover letter under {} characters.",
            crate::format::thousands(&(MAX_COVER_LETTER as i64))
        ));
    }
    Ok(value)
}

/// Writes the application (`actions::applications::apply`), with the new
/// file if one was sent (stored and recorded by `storage::store`). The outer
/// error is a fault; the inner one a refusal.
async fn apply(
    state: &web::Data<AppState>,
    user: &CurrentUser,
    job: &Job,
    letter: Letter,
    choice: ResumeChoice,
) -> AppResult<Result<Applied, Refusal>> {
    let (settings, seeker_id, job_id) = (state.settings.clone(), user.id, job.id);
    let write = move |c: &mut AnyConnection, resume: applications::Resume| {
        applications::apply(c, &settings, seeker_id, job_id, &letter, resume)
    };
    match choice {
        ResumeChoice::Existing(id) => state.db.run(move |c| write(c, applications::Resume::Kept(id))).await,
        ResumeChoice::New(file) => {
            let stored = storage::store(&state.db, file, seeker_id, move |c, file| {
                Ok(write(c, applications::Resume::New(file))?.map(Recorded::from))
            });
            stored.await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_cover_letter;

    #[test]
    fn cover_letters_keep_their_lines() {
        assert_eq!(parse_cover_letter("  Dear team,\r\n\r\nHire me.\t \n").unwrap(), "Dear team,\n\nHire me.");
        assert!(parse_cover_letter(&"x".repeat(10_001)).is_err());
        assert!(parse_cover_letter("bell\u{7}").is_err());
    }
}
