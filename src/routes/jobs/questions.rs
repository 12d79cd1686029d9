//! A job's screening questions (`/employer/jobs/{id}/questions`), asked on
//! its apply form; a knock-out answer flags the applicant for a person.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::{CsrfForm, CurrentUser, FlashKind, TypedSession};
use crate::db::jobs::Job;
use crate::db::screening::{self, MAX_QUESTIONS, Question};
use crate::domain::{DisplayText, QuestionKind};
use crate::error::{AppError, AppResult};
use crate::routes::{FieldErrors, Page, render, see_other};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct QuestionForm {
    pub prompt: String,
    pub kind: String,
    /// yes/no: `yes` or `no` flags; number: the minimum; empty: nothing flags.
    pub knockout: String,
    /// A checkbox: present when the question must be answered.
    pub required: String,
}

#[derive(Template)]
#[template(path = "jobs/questions.html")]
struct QuestionsPage {
    page: Page,
    job: Job,
    questions: Vec<Question>,
    form: QuestionForm,
    errors: FieldErrors,
}

impl QuestionsPage {
    fn kinds(&self) -> &'static [QuestionKind] {
        QuestionKind::ALL
    }

    fn max(&self) -> usize {
        MAX_QUESTIONS
    }
}

async fn managed(state: &AppState, user: &CurrentUser, raw: &str) -> AppResult<(Job, Vec<Question>)> {
    super::managed_with(state, user, raw, screening::of_job).await
}

pub async fn show(
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let (job, questions) = managed(&state, &user, &path).await?;
    let form = QuestionForm { required: "on".into(), ..QuestionForm::default() };
    render(StatusCode::OK, &QuestionsPage { page, job, questions, form, errors: FieldErrors::default() })
}

/// The knock-out setting for a kind, or what is wrong with it.
fn knockout_of(kind: QuestionKind, raw: &str) -> Result<Option<String>, &'static str> {
    match (kind, raw.trim()) {
        (_, "") => Ok(None),
        (QuestionKind::YesNo, answer @ ("yes" | "no")) => Ok(Some(answer.to_string())),
        (QuestionKind::YesNo, _) => Err("A yes/no question flags “yes”, “no” or nothing."),
        (QuestionKind::Number, min) => match min.parse::<i64>() {
            Ok(n) if (0..=1_000_000).contains(&n) => Ok(Some(n.to_string())),
            _ => Err("The minimum is a whole number from 0 to 1,000,000."),
        },
        (QuestionKind::Text, _) => Err("A text answer cannot knock out: leave the flag empty."),
    }
}

pub async fn add(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<QuestionForm>,
) -> AppResult<HttpResponse> {
    let (job, questions) = managed(&state, &user, &path).await?;
    let mut errors = FieldErrors::default();
    let prompt = errors.check("prompt", DisplayText::parse(&form.prompt, 3, 200));
    let kind = form.kind.trim().parse::<QuestionKind>().ok();
    if kind.is_none() {
        errors.add("kind", "Choose what the answer is.");
    }
    let knockout = kind.map(|k| knockout_of(k, &form.knockout)).transpose().unwrap_or_else(|message| {
        errors.add("knockout", message);
        None
    });
    if questions.len() >= MAX_QUESTIONS {
        errors.add("prompt", format!("A job asks at most {MAX_QUESTIONS} questions."));
    }
    let (Some(prompt), Some(kind), true) = (prompt, kind, errors.is_empty()) else {
        return render(StatusCode::UNPROCESSABLE_ENTITY, &QuestionsPage { page, job, questions, form, errors });
    };
    let (job_id, required, prompt) = (job.id, !form.required.is_empty(), prompt.into_inner());
    let knockout = knockout.flatten();
    if state.db.run(move |c| screening::add(c, job_id, &prompt, kind, knockout.as_deref(), required)).await?.is_none() {
        return Err(AppError::Unprocessable("this job asks the most questions already".into()));
    }
    TypedSession::from_request(&req).flash(FlashKind::Success, "Question added.");
    Ok(see_other(&format!("/employer/jobs/{job_id}/questions")))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeleteForm {
    pub question: String,
}

pub async fn delete(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<DeleteForm>,
) -> AppResult<HttpResponse> {
    let job_id = super::delete_part(&state, &user, &path, &form.question, screening::delete).await?;
    TypedSession::from_request(&req).flash(FlashKind::Info, "Question deleted, with its answers.");
    Ok(see_other(&format!("/employer/jobs/{job_id}/questions")))
}
