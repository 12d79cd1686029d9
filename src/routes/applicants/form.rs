//! Adding an applicant by hand (with an optional PDF resume) and editing one.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::{CsrfForm, CurrentUser, FlashKind, TypedSession};
use crate::db::AnyConnection;
use crate::db::applicants::{self, JobChoice, ManualApplicant, Scope};
use crate::db::resumes::NewResume;
use crate::domain::{ApplicantFields, ApplicantSource, ApplicantStatus, EmploymentType, RawApplicantFields};
use crate::error::{AppError, AppResult};
use crate::routes::{FieldErrors, Page, render, see_other};
use crate::state::AppState;
use crate::storage::{self, Recorded, StoredFile, UploadSpec};

/// The fields as typed, kept to re-render the form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ApplicantForm {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub current_company: String,
    pub position: String,
    pub location: String,
    pub years_experience: String,
    pub status: String,
    pub employment_type: String,
    pub job: String,
    pub company_id: String,
}

impl ApplicantForm {
    fn from_multipart(form: &storage::MultipartForm) -> Self {
        let text = |name: &str| form.text(name).to_string();
        ApplicantForm {
            name: text("name"),
            email: text("email"),
            phone: text("phone"),
            current_company: text("current_company"),
            position: text("position"),
            location: text("location"),
            years_experience: text("years_experience"),
            status: text("status"),
            employment_type: text("employment_type"),
            job: text("job"),
            company_id: text("company_id"),
        }
    }

    fn fields(&self, errors: &mut FieldErrors) -> Option<ApplicantFields> {
        let raw = RawApplicantFields {
            name: &self.name,
            email: &self.email,
            phone: &self.phone,
            current_company: &self.current_company,
            position: &self.position,
            location: &self.location,
            years_experience: &self.years_experience,
            status: &self.status,
            employment_type: &self.employment_type,
        };
        match ApplicantFields::parse(&raw) {
            Ok(fields) => Some(fields),
            Err(list) => {
                for (field, message) in list {
                    errors.add(field, message);
                }
                None
            }
        }
    }
}

#[derive(Template)]
#[template(path = "applicants/form.html")]
struct FormPage {
    page: Page,
    form: ApplicantForm,
    errors: FieldErrors,
    /// None: a new applicant; Some: editing this one.
    editing: Option<i64>,
    company_name: String,
    jobs: Vec<JobChoice>,
    /// Whether the job can be chosen (new applicants, and those added by hand).
    job_editable: bool,
    max_upload_mb: u64,
}

impl FormPage {
    fn statuses(&self) -> &'static [ApplicantStatus] {
        ApplicantStatus::ALL
    }

    fn kinds(&self) -> &'static [EmploymentType] {
        EmploymentType::ALL
    }
}

/// An admin adding an applicant picks the company first.
#[derive(Template)]
#[template(path = "applicants/new_pick.html")]
struct PickCompanyPage {
    page: Page,
    companies: Vec<(i64, String)>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct NewQuery {
    company: String,
}

/// The company a new applicant goes to: an employer's own; for an admin the
/// one chosen (None while not chosen or unknown).
async fn target_company(state: &AppState, scope: Scope, raw: &str) -> AppResult<Option<(i64, String)>> {
    let id = match scope {
        Scope::Company(id) => id,
        Scope::Everything => match raw.trim().parse::<i64>() {
            Ok(id) => id,
            Err(_) => return Ok(None),
        },
    };
    match state.db.run(move |c| crate::db::companies::find(c, id)).await {
        Ok(company) => Ok(Some((company.id, company.name))),
        Err(AppError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

fn max_mb(state: &AppState) -> u64 {
    state.settings.max_upload_bytes.div_ceil(1024 * 1024)
}

async fn render_new(
    page: Page,
    state: &AppState,
    status: StatusCode,
    company: (i64, String),
    form: ApplicantForm,
    errors: FieldErrors,
) -> AppResult<HttpResponse> {
    let company_id = company.0;
    let jobs = state.db.run(move |c| applicants::job_choices(c, Some(company_id))).await?;
    let tpl = FormPage {
        page,
        form,
        errors,
        editing: None,
        company_name: company.1,
        jobs,
        job_editable: true,
        max_upload_mb: max_mb(state),
    };
    render(status, &tpl)
}

pub async fn new_form(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let scope = user.company_scope()?;
    let query: NewQuery = serde_html_form::from_str(req.query_string()).unwrap_or_default();
    let Some(company) = target_company(&state, scope, &query.company).await? else {
        let companies = state.db.run(applicants::company_choices).await?;
        return render(StatusCode::OK, &PickCompanyPage { page, companies });
    };
    let form = ApplicantForm {
        status: ApplicantStatus::Open.as_str().into(),
        employment_type: EmploymentType::FullTime.as_str().into(),
        company_id: company.0.to_string(),
        ..Default::default()
    };
    render_new(page, &state, StatusCode::OK, company, form, FieldErrors::default()).await
}

/// Checks the optional job: one of the company's jobs, or none.
async fn check_job(state: &AppState, raw: &str, company_id: i64, errors: &mut FieldErrors) -> AppResult<Option<i64>> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let Ok(job) = raw.parse::<i64>() else {
        errors.add("job", "Choose one of the company's jobs, or none.");
        return Ok(None);
    };
    if state.db.run(move |c| applicants::job_of_company(c, job, company_id)).await? {
        Ok(Some(job))
    } else {
        errors.add("job", "Choose one of the company's jobs, or none.");
        Ok(None)
    }
}

pub async fn create(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    payload: Multipart,
) -> AppResult<HttpResponse> {
    let scope = user.company_scope()?;
    let mut multipart =
        crate::auth::csrf::read_multipart(&req, payload, &UploadSpec::pdf("resume", &state.settings)).await?;
    let form = ApplicantForm::from_multipart(&multipart);
    let Some(company) = target_company(&state, scope, &form.company_id).await? else {
        return Err(AppError::Unprocessable("no such company".into()));
    };
    let mut errors = FieldErrors::default();
    let fields = form.fields(&mut errors);
    let job_id = check_job(&state, &form.job, company.0, &mut errors).await?;
    let upload = multipart.take_file("resume");
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if let Some(upload) = &upload {
        if let Err(problem) = upload.check() {
            errors.add("resume", problem.message(upload.kind));
            status = problem.form_status();
        }
    }
    let Some(fields) = fields.filter(|_| errors.is_empty()) else {
        // The upload (if any) is dropped here: its temporary file goes with it.
        return render_new(page, &state, status, company, form, errors).await;
    };
    let (company_id, actor, limit) = (company.0, user.id, state.settings.limits.hand_added);
    // None: as many added this hour as the limit allows (nothing written).
    let create = move |c: &mut AnyConnection, file: Option<&StoredFile>| {
        let resume = file.map(|file| NewResume {
            user_id: None,
            file_name: &file.display_name,
            stored_name: &file.name,
            size_bytes: file.size,
            text_content: &file.text,
            created_at: crate::db::now(),
        });
        applicants::create_manual(
            c,
            &ManualApplicant { company_id, job_id, fields: &fields, resume, actor_id: actor, limit },
        )
    };
    let created = match upload {
        Some(upload) => {
            let stored = storage::store(&state.db, upload, user.id, move |c, file| {
                Ok(create(c, Some(file))?.map(Recorded::from).ok_or(()))
            });
            stored.await?.ok()
        }
        None => state.db.run(move |c| create(c, None)).await?,
    };
    let Some(applicant) = created else {
        errors.add("name", "That is many applicants added in an hour: add the rest a little later.");
        return render_new(page, &state, StatusCode::TOO_MANY_REQUESTS, company, form, errors).await;
    };
    TypedSession::from_request(&req).flash(FlashKind::Success, format!("{} was added.", applicant.name));
    Ok(see_other(&format!("/applicants/{}", applicant.id)))
}

async fn render_edit(
    page: Page,
    state: &AppState,
    scope: Scope,
    id: i64,
    status: StatusCode,
    form: Option<ApplicantForm>,
    errors: FieldErrors,
) -> AppResult<HttpResponse> {
    let (detail, jobs) = state
        .db
        .run(move |c| {
            let detail = applicants::detail(c, scope, id)?;
            let jobs = applicants::job_choices(c, Some(detail.applicant.company_id))?;
            Ok::<_, AppError>((detail, jobs))
        })
        .await?;
    let a = &detail.applicant;
    let form = form.unwrap_or_else(|| ApplicantForm {
        name: a.name.clone(),
        email: a.email.clone(),
        phone: a.phone.clone(),
        current_company: a.current_company.clone(),
        position: a.position.clone(),
        location: a.location.clone(),
        years_experience: a.years_experience.map(|y| y.to_string()).unwrap_or_default(),
        status: a.status.as_str().into(),
        employment_type: a.employment_type.as_str().into(),
        job: a.job_id.map(|j| j.to_string()).unwrap_or_default(),
        company_id: a.company_id.to_string(),
    });
    let tpl = FormPage {
        page,
        form,
        errors,
        editing: Some(id),
        company_name: detail.company_name,
        jobs,
        job_editable: a.source == ApplicantSource::Manual,
        max_upload_mb: max_mb(state),
    };
    render(status, &tpl)
}

pub async fn edit_form(
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let scope = user.company_scope()?;
    render_edit(page, &state, scope, path.into_inner(), StatusCode::OK, None, FieldErrors::default()).await
}

pub async fn update(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<ApplicantForm>,
) -> AppResult<HttpResponse> {
    let scope = user.company_scope()?;
    let id = path.into_inner();
    let current = state.db.run(move |c| applicants::find_in_scope(c, scope, id)).await?;
    let mut errors = FieldErrors::default();
    let fields = form.fields(&mut errors);
    let job_id = if current.source == ApplicantSource::Manual {
        check_job(&state, &form.job, current.company_id, &mut errors).await?
    } else {
        current.job_id
    };
    let Some(fields) = fields.filter(|_| errors.is_empty()) else {
        return render_edit(page, &state, scope, id, StatusCode::UNPROCESSABLE_ENTITY, Some(form), errors).await;
    };
    let actor = user.id;
    let changed = state.db.run(move |c| applicants::update_fields(c, scope, id, &fields, job_id, actor)).await?;
    let text = if changed { "Changes saved." } else { "Nothing was changed." };
    TypedSession::from_request(&req).flash(if changed { FlashKind::Success } else { FlashKind::Info }, text);
    Ok(see_other(&format!("/applicants/{id}")))
}
