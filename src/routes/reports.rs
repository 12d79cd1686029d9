//! Hiring reports (`/reports`, `/reports.csv`): the funnel from application
//! to hire, time to hire and sources, of the employer's company or one of
//! its jobs (admins: `?company=ID`). Charts are SVG drawn here, each with a
//! table of the same numbers beside it.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::db::applicants::{self, JobChoice, Scope};
use crate::db::reports::{self, Report};
use crate::error::{AppError, AppResult};
use crate::routes::{Page, Routes, render};
use crate::state::AppState;

pub fn routes(r: &mut Routes) {
    r.get("/reports", show).get("/reports.csv", csv);
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ReportQuery {
    company: String,
    job: String,
}

/// What a report is of.
struct Subject {
    company: Option<(i64, String)>,
    job: Option<JobChoice>,
    jobs: Vec<JobChoice>,
}

fn id_of(raw: &str) -> AppResult<Option<i64>> {
    match raw.trim() {
        "" => Ok(None),
        raw => raw.parse::<i64>().ok().filter(|n| *n > 0).map(Some).ok_or(AppError::NotFound),
    }
}

/// The report asked for, of what the user may see (404 otherwise).
async fn load(req: &HttpRequest, user: &CurrentUser, state: &AppState) -> AppResult<(Subject, Option<Report>)> {
    let query: ReportQuery = serde_html_form::from_str(req.query_string())
        .map_err(|_| AppError::Unprocessable("invalid report query".into()))?;
    let scope = user.company_scope()?;
    let (job, asked_company) = (id_of(&query.job)?, id_of(&query.company)?);
    state
        .db
        .run(move |c| {
            let job = job.map(|id| applicants::job_in_scope(c, scope, id)).transpose()?;
            let company = match (scope, &job) {
                (Scope::Company(id), _) => Some(id),
                (Scope::Everything, Some(job)) => Some(job.company_id),
                (Scope::Everything, None) => asked_company,
            };
            let Some(company) = company else {
                return Ok((Subject { company: None, job: None, jobs: Vec::new() }, None));
            };
            let name = crate::db::companies::find(c, company)?.name;
            let report = reports::report(c, company, job.as_ref().map(|j| j.id))?;
            let (jobs, _) = applicants::job_filter_choices(c, Some(company), job.as_ref().map(|j| j.id))?;
            Ok::<_, AppError>((Subject { company: Some((company, name)), job, jobs }, Some(report)))
        })
        .await
}

#[derive(Template)]
#[template(path = "reports/show.html")]
struct ReportPage {
    page: Page,
    subject: Subject,
    report: Option<Report>,
    is_admin: bool,
}

/// One bar of a chart.
pub struct Bar {
    pub label: String,
    pub value: i64,
    /// Of the chart's largest value, 0–100.
    pub width: f64,
    /// What the bar says beside it ("42 · 35 %").
    pub note: String,
}

impl ReportPage {
    fn funnel_bars(&self) -> Vec<Bar> {
        let Some(r) = &self.report else { return Vec::new() };
        let top = r.funnel.first().map(|(_, n)| *n).unwrap_or(0).max(1);
        r.funnel
            .iter()
            .map(|(stage, n)| Bar {
                label: stage.label().to_string(),
                value: *n,
                width: *n as f64 * 100.0 / top as f64,
                note: format!("{n} · {}", percent(*n, top)),
            })
            .collect()
    }

    fn source_bars(&self) -> Vec<Bar> {
        let Some(r) = &self.report else { return Vec::new() };
        let top = r.sources.iter().map(|(_, n, _)| *n).max().unwrap_or(0).max(1);
        r.sources
            .iter()
            .map(|(source, n, hired)| Bar {
                label: source.label().to_string(),
                value: *n,
                width: *n as f64 * 100.0 / top as f64,
                note: format!("{n} · {hired} hired"),
            })
            .collect()
    }

    /// "Of the previous stage" for row `i` of the funnel.
    fn step_rate(&self, i: &usize) -> String {
        let Some(r) = &self.report else { return String::new() };
        match i.checked_sub(1).and_then(|p| r.funnel.get(p)) {
            Some((_, before)) => percent(r.funnel[*i].1, *before),
            None => "—".into(),
        }
    }

    fn of_applied(&self, n: &i64) -> String {
        let top = self.report.as_ref().and_then(|r| r.funnel.first()).map(|(_, n)| *n).unwrap_or(0);
        percent(*n, top)
    }

    fn csv_url(&self) -> String {
        match (&self.subject.job, &self.subject.company) {
            (Some(job), _) => format!("/reports.csv?job={}", job.id),
            (None, Some((id, _))) if self.is_admin => format!("/reports.csv?company={id}"),
            _ => "/reports.csv".into(),
        }
    }
}

fn percent(n: i64, of: i64) -> String {
    if of == 0 { "—".into() } else { format!("{:.0} %", n as f64 * 100.0 / of as f64) }
}

/// Days, as people read them.
pub fn days(d: &f64) -> String {
    if *d < 1.0 { "under a day".into() } else { format!("{:.1} days", d) }
}

pub async fn show(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let (subject, report) = load(&req, &user, &state).await?;
    let is_admin = user.is_admin();
    render(StatusCode::OK, &ReportPage { page, subject, report, is_admin })
}

/// The same numbers as CSV: one line per figure.
pub async fn csv(req: HttpRequest, user: CurrentUser, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let (subject, report) = load(&req, &user, &state).await?;
    let report = report.ok_or(AppError::NotFound)?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut write = |row: [&str; 4]| out.write_record(row).map_err(AppError::internal);
    write(["section", "item", "count", "percent of applied"])?;
    let top = report.funnel.first().map(|(_, n)| *n).unwrap_or(0);
    for (stage, n) in &report.funnel {
        write(["funnel", stage.label(), &n.to_string(), &percent(*n, top)])?;
    }
    write(["funnel", "Rejected (now)", &report.rejected.to_string(), &percent(report.rejected, top)])?;
    for (source, n, hired) in &report.sources {
        write(["source", source.label(), &n.to_string(), &percent(*n, top)])?;
        write(["source hired", source.label(), &hired.to_string(), &percent(*hired, *n)])?;
    }
    let hires = report.days_to_hire.len().to_string();
    let median = report.median_days_to_hire().map(|d| format!("{d:.1}")).unwrap_or_default();
    let mean = report.mean_days_to_hire().map(|d| format!("{d:.1}")).unwrap_or_default();
    write(["time to hire", "hires", &hires, ""])?;
    write(["time to hire", "median days", &median, ""])?;
    write(["time to hire", "mean days", &mean, ""])?;
    let bytes = out.into_inner().map_err(|e| AppError::internal(e.into_error()))?;
    let name = match &subject.job {
        Some(job) => format!("report-job-{}", job.id),
        None => "report".to_string(),
    };
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{name}.csv\"")))
        .insert_header(("Cache-Control", "no-store"))
        .body(bytes))
}
