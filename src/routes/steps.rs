//! The company's own pipeline (`/employer/pipeline`): named steps inside the
//! six stage categories, added, renamed, ordered and deleted by its employers.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::{CsrfForm, CurrentUser, FlashKind, NoFields, TypedSession};
use crate::db::steps::{self, MAX_STEPS, Step, StepRefused};
use crate::domain::{DisplayText, Stage};
use crate::error::{AppError, AppResult};
use crate::routes::{FieldErrors, Page, Routes, render, see_other};
use crate::state::AppState;

pub fn routes(r: &mut Routes) {
    r.get("/employer/pipeline", show)
        .post("/employer/pipeline", add)
        .post("/employer/pipeline/{id:\\d+}/rename", rename)
        .post("/employer/pipeline/{id:\\d+}/move", shift)
        .post("/employer/pipeline/{id:\\d+}/delete", delete);
}

const NAME_CHARS: usize = 40;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StepForm {
    pub name: String,
    pub category: String,
}

#[derive(Template)]
#[template(path = "steps/pipeline.html")]
struct PipelinePage {
    page: Page,
    steps: Vec<Step>,
    /// The add form as sent, when refused.
    form: StepForm,
    /// The step whose rename was refused, with what was typed.
    renaming: Option<(i64, String)>,
    errors: FieldErrors,
}

impl PipelinePage {
    fn stages(&self) -> &'static [Stage] {
        Stage::ALL
    }

    fn steps_in(&self, stage: &Stage) -> Vec<&Step> {
        self.steps.iter().filter(|s| s.category == *stage).collect()
    }

    fn max_steps(&self) -> usize {
        MAX_STEPS
    }
}

async fn render_page(
    page: Page,
    state: &AppState,
    company: i64,
    status: StatusCode,
    form: StepForm,
    renaming: Option<(i64, String)>,
    errors: FieldErrors,
) -> AppResult<HttpResponse> {
    let steps = state.db.run(move |c| steps::of_company(c, company)).await?;
    render(status, &PipelinePage { page, steps, form, renaming, errors })
}

pub async fn show(page: Page, user: CurrentUser, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let company = user.employer_company()?;
    render_page(page, &state, company, StatusCode::OK, StepForm::default(), None, FieldErrors::default()).await
}

fn refusal(refused: StepRefused) -> String {
    match refused {
        StepRefused::NameTaken => "Your pipeline has a step of that name already.".into(),
        StepRefused::TooMany => format!("A pipeline has at most {MAX_STEPS} steps."),
    }
}

pub async fn add(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<StepForm>,
) -> AppResult<HttpResponse> {
    let company = user.employer_company()?;
    let mut errors = FieldErrors::default();
    let name = errors.check("name", DisplayText::parse(&form.name, 1, NAME_CHARS));
    let category = form.category.trim().parse::<Stage>().ok();
    if category.is_none() {
        errors.add("category", "Choose the stage this step belongs to.");
    }
    let (Some(name), Some(category)) = (name, category) else {
        return render_page(page, &state, company, StatusCode::UNPROCESSABLE_ENTITY, form, None, errors).await;
    };
    let name = name.into_inner();
    let shown = name.clone();
    match state.db.run(move |c| steps::create(c, company, &name, category)).await? {
        Ok(_) => {
            TypedSession::from_request(&req)
                .flash(FlashKind::Success, format!("Step “{shown}” added to {}.", category.label()));
            Ok(see_other("/employer/pipeline"))
        }
        Err(refused) => {
            errors.add("name", refusal(refused));
            render_page(page, &state, company, StatusCode::UNPROCESSABLE_ENTITY, form, None, errors).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RenameForm {
    pub name: String,
}

pub async fn rename(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<RenameForm>,
) -> AppResult<HttpResponse> {
    let company = user.employer_company()?;
    let id = path.into_inner();
    // Another company's step is a 404 before any word about the name.
    state.db.run(move |c| steps::find(c, company, id)).await?;
    let refused = match DisplayText::parse(&form.name, 1, NAME_CHARS) {
        Err(message) => Some(message),
        Ok(name) => {
            let name = name.into_inner();
            state.db.run(move |c| steps::rename(c, company, id, &name)).await?.err().map(refusal)
        }
    };
    if let Some(message) = refused {
        let mut errors = FieldErrors::default();
        errors.add("rename", message);
        let renaming = Some((id, form.name));
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return render_page(page, &state, company, status, StepForm::default(), renaming, errors).await;
    }
    TypedSession::from_request(&req).flash(FlashKind::Success, "Step renamed.");
    Ok(see_other("/employer/pipeline"))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ShiftForm {
    /// `up` or `down`.
    pub direction: String,
}

pub async fn shift(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<ShiftForm>,
) -> AppResult<HttpResponse> {
    let company = user.employer_company()?;
    let id = path.into_inner();
    let up = match form.direction.as_str() {
        "up" => true,
        "down" => false,
        _ => {
            state.db.run(move |c| steps::find(c, company, id)).await?;
            return Err(AppError::Unprocessable("move a step up or down".into()));
        }
    };
    state.db.run(move |c| steps::shift(c, company, id, up)).await?;
    Ok(see_other(&format!("/employer/pipeline#step-{id}")))
}

pub async fn delete(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let company = user.employer_company()?;
    let id = path.into_inner();
    let name = state.db.run(move |c| steps::delete(c, company, id)).await?;
    TypedSession::from_request(&req)
        .flash(FlashKind::Info, format!("Step “{name}” deleted; its applicants stay in its stage."));
    Ok(see_other("/employer/pipeline"))
}
