//! The employer's jobs: the list with applicant counts, the form to create
//! and edit, the preview, and publish / close / reopen. Every job is looked
//! up within the employer's own company: another company's job is a 404.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::browse::{JobView, render_preview};
use super::form::JobForm;
use super::view;
use crate::auth::{CsrfForm, CurrentUser, FlashKind, TypedSession};
use crate::db::jobs::{self, Job, ManagedJob, Scope, StatusCounts, TransitionRefused};
use crate::db::{self, companies};
use crate::domain::{CATEGORIES, CURRENCIES};
use crate::domain::{EmploymentType, JobStatus, PayRule, RemoteMode, SalaryPeriod};
use crate::error::{AppError, AppResult};
use crate::routes::{FieldErrors, NextQuery, Page, Pager, render, safe_next, see_other};
use crate::state::AppState;

const PER_PAGE: i64 = 50;

pub struct ManagedView {
    pub item: ManagedJob,
    pub status: JobStatus,
}

impl ManagedView {
    pub fn job(&self) -> &Job {
        &self.item.job
    }
}

#[derive(Template)]
#[template(path = "jobs/employer_list.html")]
struct ListPage {
    page: Page,
    company_name: String,
    company_path: String,
    items: Vec<ManagedView>,
    counts: StatusCounts,
    filter: String,
    page_no: i64,
    pager: Pager,
}

impl ListPage {
    fn tab_url(&self, status: &str) -> String {
        if status.is_empty() { "/employer/jobs".into() } else { format!("/employer/jobs?status={status}") }
    }

    /// This page of the list, for a button to return to.
    fn return_url(&self) -> String {
        list_url(&self.filter, self.page_no)
    }
}

/// Page `n` of the employer's list of jobs with this status filter.
fn list_url(filter: &str, n: i64) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    if !filter.is_empty() {
        s.append_pair("status", filter);
    }
    s.append_pair("page", &n.to_string());
    format!("/employer/jobs?{}", s.finish())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    status: String,
    page: String,
}

pub async fn list(
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let company_id = user.employer_company()?;
    let status: Option<JobStatus> = query.status.parse().ok();
    let page_no = crate::routes::query::page_number(&query.page);
    let (company, (list, total), counts) = state
        .db
        .run(move |c| {
            let company = crate::db::companies::find(c, company_id)?;
            let list = jobs::list_managed(c, Scope::Company(company_id), status, page_no, PER_PAGE)?;
            let counts = jobs::status_counts(c, company_id)?;
            Ok::<_, AppError>((company, list, counts))
        })
        .await?;
    let now = crate::db::now();
    let items = list.into_iter().map(|item| ManagedView { status: item.job.effective_status(now), item }).collect();
    let filter = status.map(|s| s.as_str().to_string()).unwrap_or_default();
    render(
        StatusCode::OK,
        &ListPage {
            page,
            company_path: view::company_path(company.id, &company.slug),
            company_name: company.name,
            items,
            counts,
            pager: Pager::counted(page_no, PER_PAGE, total, |n| list_url(&filter, n)),
            filter,
            page_no,
        },
    )
}

#[derive(Template)]
#[template(path = "jobs/form.html")]
struct FormPage {
    page: Page,
    /// None for a new job.
    job: Option<Job>,
    form: JobForm,
    errors: FieldErrors,
    /// The company's pay-transparency rule (the Pay section says what it demands).
    pay_rule: PayRule,
    /// The company's clock: the closing date is entered on it (empty: UTC).
    zone: String,
}

impl FormPage {
    fn action(&self) -> String {
        match &self.job {
            Some(job) => format!("/employer/jobs/{}/edit", job.id),
            None => "/employer/jobs/new".into(),
        }
    }

    fn remote_modes(&self) -> &'static [RemoteMode] {
        RemoteMode::ALL
    }

    fn employment_types(&self) -> &'static [EmploymentType] {
        EmploymentType::ALL
    }

    fn periods(&self) -> &'static [SalaryPeriod] {
        SalaryPeriod::ALL
    }

    fn categories(&self) -> &'static [&'static str] {
        CATEGORIES
    }

    fn currencies(&self) -> &'static [&'static str] {
        CURRENCIES
    }

    fn is_category(&self, c: &str) -> bool {
        self.form.category == c
    }

    fn is_currency(&self, c: &str) -> bool {
        self.form.salary_currency == c
    }

    fn min_closing(&self) -> String {
        super::form::format_closes_at(&crate::db::now(), &self.zone)
    }

    fn zone_label(&self) -> String {
        if self.zone.is_empty() { "UTC".into() } else { self.zone.replace('_', " ") }
    }
}

/// Why a job ad needs its pay range.
fn pay_range_message(rule: PayRule) -> String {
    format!("Job ads under {} must state the pay: give a minimum and a maximum salary.", rule.label())
}

/// The company's pay rule and time zone, which the job form follows.
async fn rules_of(state: &AppState, company_id: i64) -> AppResult<(PayRule, String)> {
    let company = state.db.run(move |c| companies::find(c, company_id)).await?;
    Ok((company.pay_rule, company.timezone))
}

pub async fn new_form(page: Page, user: CurrentUser, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let (pay_rule, zone) = rules_of(&state, user.employer_company()?).await?;
    let form = JobForm::blank();
    render(StatusCode::OK, &FormPage { page, job: None, form, errors: FieldErrors::default(), pay_rule, zone })
}

pub async fn create(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<JobForm>,
) -> AppResult<HttpResponse> {
    let company_id = user.employer_company()?;
    let (pay_rule, zone) = rules_of(&state, company_id).await?;
    let fields = match form.validate(crate::db::now(), None, &zone, &state.rates) {
        Ok(fields) => fields,
        Err(errors) => {
            let tpl = FormPage { page, job: None, form, errors, pay_rule, zone };
            return render(StatusCode::UNPROCESSABLE_ENTITY, &tpl);
        }
    };
    let user_id = user.id;
    let job = state.db.run(move |c| jobs::create_draft(c, company_id, Some(user_id), &fields)).await?;
    tracing::info!(job_id = job.id, company_id, "job draft created");
    TypedSession::from_request(&req)
        .flash(FlashKind::Success, "Draft saved. This is how your job will look; publish it when it is ready.");
    Ok(see_other(&format!("/employer/jobs/{}/preview", job.id)))
}

pub async fn edit_form(
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let scope = Scope::Company(user.employer_company()?);
    let id = super::job_id(&path)?;
    let job = state.db.run(move |c| jobs::find_managed(c, id, scope)).await?;
    let (pay_rule, zone) = rules_of(&state, job.company_id).await?;
    let form = JobForm::from_job(&job, &zone);
    let errors = FieldErrors::default();
    render(StatusCode::OK, &FormPage { page, job: Some(job), form, errors, pay_rule, zone })
}

pub async fn update(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<JobForm>,
) -> AppResult<HttpResponse> {
    let scope = Scope::Company(user.employer_company()?);
    let id = super::job_id(&path)?;
    let (job, company) = state
        .db
        .run(move |c| {
            let job = jobs::find_managed(c, id, scope)?;
            let company = companies::find(c, job.company_id)?;
            Ok::<_, AppError>((job, company))
        })
        .await?;
    let (pay_rule, zone) = (company.pay_rule, company.timezone);
    let fields = match form.validate(crate::db::now(), job.closes_at, &zone, &state.rates) {
        // A live ad keeps its pay range where the company's rule demands one.
        Ok(fields)
            if job.status == JobStatus::Open
                && pay_rule.requires_pay_range()
                && (fields.salary_min.is_none() || fields.salary_max.is_none()) =>
        {
            let mut errors = FieldErrors::default();
            errors.add("salary_min", pay_range_message(pay_rule));
            let tpl = FormPage { page, job: Some(job), form, errors, pay_rule, zone };
            return render(StatusCode::UNPROCESSABLE_ENTITY, &tpl);
        }
        Ok(fields) => fields,
        Err(errors) => {
            let tpl = FormPage { page, job: Some(job), form, errors, pay_rule, zone };
            return render(StatusCode::UNPROCESSABLE_ENTITY, &tpl);
        }
    };
    let closing_changed = fields.closes_at != job.closes_at;
    let job = state.db.run(move |c| jobs::update(c, id, scope, &fields)).await?;
    if closing_changed {
        crate::background::closing::wake();
    }
    let session = TypedSession::from_request(&req);
    if job.status == JobStatus::Draft {
        session.flash(FlashKind::Success, "Changes saved. Publish the job when it is ready.");
        Ok(see_other(&format!("/employer/jobs/{id}/preview")))
    } else {
        session.flash(FlashKind::Success, "Changes saved.");
        Ok(see_other(&format!("/employer/jobs/{id}/preview")))
    }
}

pub async fn preview(
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let scope = Scope::Company(user.employer_company()?);
    let id = super::job_id(&path)?;
    let (job, company) = state
        .db
        .run(move |c| {
            let (job, company) = jobs::find_with_company(c, id)?;
            if !scope.allows(job.company_id) {
                return Err(AppError::NotFound);
            }
            Ok((job, company))
        })
        .await?;
    render_preview(page, JobView { job, company, now: crate::db::now() }, state.rates.reference().to_string()).await
}

/// Where a status button sends the employer back to.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ActionForm {
    next: String,
    /// Closing: e-mail the job's open applicants that it closed ("on").
    notify_applicants: String,
}

async fn change(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: ActionForm,
    to: JobStatus,
    done: &'static str,
) -> AppResult<HttpResponse> {
    let scope = Scope::Company(user.employer_company()?);
    let id = super::job_id(&path)?;
    let notify = to == JobStatus::Closed && !form.notify_applicants.is_empty();
    let (settings, user_id) = (state.settings.clone(), user.id);
    // The change and the e-mails to its applicants commit together.
    let (result, told) = state
        .db
        .run(move |c| crate::actions::jobs::change_status(c, &settings, user_id, scope, id, to, notify))
        .await?;
    let session = TypedSession::from_request(&req);
    match result {
        Ok(job) => {
            tracing::info!(job_id = id, status = job.status.as_str(), user_id = user.id, told, "job status changed");
            if job.closes_at.is_some() {
                crate::background::closing::wake();
            }
            if told > 0 {
                state.outbox.wake();
            }
            let told = match told {
                _ if !notify => String::new(),
                0 => " No open applicant had an address to tell.".to_string(),
                1 => " Its open applicant is told by e-mail.".to_string(),
                n => format!(" Its {n} open applicants are told by e-mail."),
            };
            session.flash(FlashKind::Success, format!("{done}{told}"));
        }
        Err(TransitionRefused::ClosingDatePassed) => session.flash(
            FlashKind::Error,
            "The closing date of this job has passed. Change or remove it, then publish again.",
        ),
        Err(TransitionRefused::ClosedByAdmin) => session.flash(
            FlashKind::Error,
            "An administrator closed this job, so it cannot be reopened. Contact the site's administrators.",
        ),
        Err(TransitionRefused::PayRangeRequired(rule)) => {
            session.flash(FlashKind::Error, format!("{} Edit the job, then publish again.", pay_range_message(rule)))
        }
        Err(TransitionRefused::WrongStatus(status)) => {
            session.flash(FlashKind::Error, format!("This job is {} already.", status.label().to_lowercase()))
        }
    }
    let back = safe_next(Some(&form.next)).unwrap_or_else(|| "/employer/jobs".into());
    Ok(see_other(&back))
}

pub async fn publish(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<ActionForm>,
) -> AppResult<HttpResponse> {
    change(req, user, state, path, form, JobStatus::Open, "Published: the job is live on JobConnect.").await
}

#[derive(Template)]
#[template(path = "jobs/close.html")]
struct ClosePage {
    page: Page,
    job: Job,
    /// Applicants still in the running, who may be told.
    open_applicants: i64,
    /// Where Cancel (and the close) returns to.
    back: String,
}

/// Asks before closing a live job: it stops taking applications at once.
pub async fn close_form(
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<NextQuery>,
) -> AppResult<HttpResponse> {
    // A viewer may not close it: no page asks them to.
    if !user.changes_company_work() {
        return Err(AppError::NotFound);
    }
    let (job, open_applicants) = super::managed_with(&state, &user, &path, db::applicants::count_open_of_job).await?;
    if job.status != JobStatus::Open {
        return Ok(see_other(&format!("/employer/jobs/{}/preview", job.id)));
    }
    let back = safe_next(query.next.as_deref()).unwrap_or_else(|| "/employer/jobs".into());
    render(StatusCode::OK, &ClosePage { page, job, open_applicants, back })
}

pub async fn close(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<ActionForm>,
) -> AppResult<HttpResponse> {
    change(req, user, state, path, form, JobStatus::Closed, "Closed: the job no longer takes applications.").await
}

pub async fn reopen(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<ActionForm>,
) -> AppResult<HttpResponse> {
    change(req, user, state, path, form, JobStatus::Open, "Reopened: the job is live again.").await
}
