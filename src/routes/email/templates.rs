//! A company's e-mail templates, managed by its employers.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::path_id;
use crate::auth::{CsrfForm, CurrentUser, FlashKind, NoFields, TypedSession};
use crate::db::email_templates::{self as templates, EmailTemplate};
use crate::domain::{DisplayText, Stage};
use crate::error::AppResult;
use crate::mail::compose;
use crate::mail::message::header_safe;
use crate::routes::{FieldErrors, Page, render, see_other};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TemplateForm {
    pub name: String,
    pub subject: String,
    pub body: String,
    /// A stage (`Stage`) on which the template is sent by itself, or empty.
    pub auto_stage: String,
}

#[derive(Template)]
#[template(path = "email/templates.html")]
struct ListPage {
    page: Page,
    templates: Vec<EmailTemplate>,
}

#[derive(Template)]
#[template(path = "email/template_form.html")]
struct FormPage {
    page: Page,
    /// None for a new template.
    id: Option<i64>,
    form: TemplateForm,
    errors: FieldErrors,
}

impl FormPage {
    fn action(&self) -> String {
        match self.id {
            Some(id) => format!("/email-templates/{id}/edit"),
            None => "/email-templates/new".into(),
        }
    }

    fn stages(&self) -> &'static [Stage] {
        Stage::ALL
    }
}

pub async fn list(page: Page, user: CurrentUser, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let company = user.employer_company()?;
    let templates = state.db.run(move |c| templates::list(c, company)).await?;
    render(StatusCode::OK, &ListPage { page, templates })
}

pub async fn new_form(page: Page, user: CurrentUser) -> AppResult<HttpResponse> {
    user.employer_company()?;
    let form = TemplateForm::default();
    render(StatusCode::OK, &FormPage { page, id: None, form, errors: FieldErrors::default() })
}

struct Valid {
    name: String,
    subject: String,
    body: String,
    auto_stage: Option<Stage>,
}

fn validate(form: &TemplateForm) -> Result<Valid, FieldErrors> {
    let mut errors = FieldErrors::default();
    let name = errors.check("name", DisplayText::parse(&form.name, 1, 100));
    let subject = form.subject.trim().to_string();
    if subject.is_empty() {
        errors.add("subject", "Write a subject.");
    } else if !header_safe(&subject) {
        errors.add("subject", "A subject is one line: line breaks and control characters are not allowed.");
    } else if subject.chars().count() > 200 {
        errors.add("subject", "A subject has at most 200 characters.");
    } else if let Some(bad) = compose::unknown_placeholders(&subject).first() {
        errors.add("subject", format!("{bad} is not a placeholder. Use {{{{name}}}}, {{{{job}}}} or {{{{company}}}}."));
    }
    let body = compose::normalise_body(&form.body);
    if body.trim().is_empty() {
        errors.add("body", "Write the text of the template.");
    } else if body.chars().count() > 20_000 {
        errors.add("body", "A template has at most 20,000 characters.");
    } else if body.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        errors.add("body", "The text holds control characters; remove them.");
    } else if let Some(bad) = compose::unknown_placeholders(&body).first() {
        errors.add("body", format!("{bad} is not a placeholder. Use {{{{name}}}}, {{{{job}}}} or {{{{company}}}}."));
    }
    let auto_stage = match form.auto_stage.trim() {
        "" => None,
        raw => raw.parse::<Stage>().map_err(|_| errors.add("auto_stage", "Choose one of the stages, or never.")).ok(),
    };
    match name {
        Some(name) if errors.is_empty() => Ok(Valid { name: name.into_inner(), subject, body, auto_stage }),
        _ => Err(errors),
    }
}

pub async fn create(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<TemplateForm>,
) -> AppResult<HttpResponse> {
    let company = user.employer_company()?;
    let valid = match validate(&form) {
        Ok(v) => v,
        Err(errors) => return render(StatusCode::UNPROCESSABLE_ENTITY, &FormPage { page, id: None, form, errors }),
    };
    let created = state
        .db
        .run(move |c| templates::create(c, company, &valid.name, &valid.subject, &valid.body, valid.auto_stage))
        .await?;
    TypedSession::from_request(&req).flash(FlashKind::Success, format!("Template “{}” saved.", created.name));
    Ok(see_other("/email-templates"))
}

pub async fn edit_form(
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let company = user.employer_company()?;
    let id = path_id(&path)?;
    let t = state.db.run(move |c| templates::find(c, company, id)).await?;
    let auto_stage = t.auto_stage.map(|s| s.as_str().to_string()).unwrap_or_default();
    let form = TemplateForm { name: t.name, subject: t.subject, body: t.body, auto_stage };
    render(StatusCode::OK, &FormPage { page, id: Some(id), form, errors: FieldErrors::default() })
}

pub async fn update(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<TemplateForm>,
) -> AppResult<HttpResponse> {
    let company = user.employer_company()?;
    let id = path_id(&path)?;
    // A template of another company is a 404 before any message about the fields.
    state.db.run(move |c| templates::find(c, company, id)).await?;
    let valid = match validate(&form) {
        Ok(v) => v,
        Err(errors) => {
            return render(StatusCode::UNPROCESSABLE_ENTITY, &FormPage { page, id: Some(id), form, errors });
        }
    };
    let name = valid.name.clone();
    state
        .db
        .run(move |c| templates::update(c, company, id, &valid.name, &valid.subject, &valid.body, valid.auto_stage))
        .await?;
    TypedSession::from_request(&req).flash(FlashKind::Success, format!("Template “{name}” saved."));
    Ok(see_other("/email-templates"))
}

pub async fn delete(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    _form: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let company = user.employer_company()?;
    let id = path_id(&path)?;
    let name = state.db.run(move |c| templates::delete(c, company, id)).await?;
    TypedSession::from_request(&req).flash(FlashKind::Info, format!("Template “{name}” deleted."));
    Ok(see_other("/email-templates"))
}
