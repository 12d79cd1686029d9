//! A job's scorecard criteria (`/employer/jobs/{id}/scorecard`), set by its
//! company's employers; its applicants are rated on them (the applicant page).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::{CsrfForm, CurrentUser, FlashKind, TypedSession};
use crate::db::jobs::Job;
use crate::db::scorecards::{self, Criterion, CriterionRefused, MAX_CRITERIA};
use crate::domain::DisplayText;
use crate::error::AppResult;
use crate::routes::{FieldErrors, Page, render, see_other};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "jobs/scorecard.html")]
struct ScorecardPage {
    page: Page,
    job: Job,
    criteria: Vec<Criterion>,
    name: String,
    errors: FieldErrors,
}

impl ScorecardPage {
    fn max(&self) -> usize {
        MAX_CRITERIA
    }
}

async fn managed(state: &AppState, user: &CurrentUser, raw: &str) -> AppResult<(Job, Vec<Criterion>)> {
    super::managed_with(state, user, raw, scorecards::criteria).await
}

pub async fn show(
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let (job, criteria) = managed(&state, &user, &path).await?;
    render(StatusCode::OK, &ScorecardPage { page, job, criteria, name: String::new(), errors: FieldErrors::default() })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CriterionForm {
    pub name: String,
}

pub async fn add(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<CriterionForm>,
) -> AppResult<HttpResponse> {
    let (job, criteria) = managed(&state, &user, &path).await?;
    let refused = match DisplayText::parse(&form.name, 1, 80) {
        Err(message) => Some(message),
        Ok(name) => {
            let (job_id, name) = (job.id, name.into_inner());
            match state.db.run(move |c| scorecards::add_criterion(c, job_id, &name)).await? {
                Ok(_) => None,
                Err(CriterionRefused::NameTaken) => Some("This scorecard has that criterion already.".into()),
                Err(CriterionRefused::TooMany) => Some(format!("A scorecard has at most {MAX_CRITERIA} criteria.")),
            }
        }
    };
    if let Some(message) = refused {
        let mut errors = FieldErrors::default();
        errors.add("name", message);
        let tpl = ScorecardPage { page, job, criteria, name: form.name, errors };
        return render(StatusCode::UNPROCESSABLE_ENTITY, &tpl);
    }
    TypedSession::from_request(&req).flash(FlashKind::Success, "Criterion added.");
    Ok(see_other(&format!("/employer/jobs/{}/scorecard", job.id)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeleteForm {
    pub criterion: String,
}

pub async fn delete(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<DeleteForm>,
) -> AppResult<HttpResponse> {
    let job_id = super::delete_part(&state, &user, &path, &form.criterion, scorecards::delete_criterion).await?;
    TypedSession::from_request(&req).flash(FlashKind::Info, "Criterion deleted, with its ratings.");
    Ok(see_other(&format!("/employer/jobs/{job_id}/scorecard")))
}
