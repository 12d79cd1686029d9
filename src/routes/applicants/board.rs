//! The pipeline of one job as columns, one per stage. Each card carries a
//! small form to move it, so the board works without JavaScript.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::db::applicants::{self, JobChoice, ListRow, Scope};
use crate::db::steps::{self, Choice};
use crate::error::{AppError, AppResult};
use crate::routes::{Page, render};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct BoardQuery {
    job: String,
    company: String,
}

/// A column: a stage, or one of the company's steps.
pub struct Column {
    pub place: Choice,
    pub cards: Vec<ListRow>,
}

#[derive(Template)]
#[template(path = "applicants/board.html")]
struct BoardPage {
    page: Page,
    job: JobChoice,
    company_name: String,
    columns: Vec<Column>,
    /// Where a card may move (the columns, in order).
    choices: Vec<Choice>,
    total: usize,
    return_to: String,
}

impl BoardPage {
    /// A card's move choices (its own bare stage too, when it is at one).
    fn card_choices(&self, card: &ListRow) -> Vec<Choice> {
        steps::choices_at(&self.choices, card.applicant.stage, card.applicant.step_id)
    }
}

/// With no job chosen: the jobs to pick from, with their applicant counts.
#[derive(Template)]
#[template(path = "applicants/board_pick.html")]
struct PickPage {
    page: Page,
    jobs: Vec<(JobChoice, i64)>,
    companies: Vec<(i64, String)>,
    company: Option<i64>,
    is_admin: bool,
}

pub async fn board(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let scope = user.company_scope()?;
    let query: BoardQuery = serde_html_form::from_str(req.query_string())
        .map_err(|_| AppError::Unprocessable("invalid board query".into()))?;
    let job_id = match query.job.trim() {
        "" => None,
        raw => Some(raw.parse::<i64>().map_err(|_| AppError::NotFound)?),
    };
    let Some(job_id) = job_id else {
        let company = match scope {
            Scope::Company(id) => Some(id),
            Scope::Everything => query.company.trim().parse::<i64>().ok(),
        };
        let (jobs, companies) = state
            .db
            .run(move |c| {
                let jobs = applicants::job_choices(c, company)?;
                let ids: Vec<i64> = jobs.iter().map(|j| j.id).collect();
                let counts: std::collections::HashMap<i64, i64> =
                    applicants::counts_by_job(c, &ids)?.into_iter().collect();
                let jobs: Vec<(JobChoice, i64)> = jobs
                    .into_iter()
                    .map(|j| {
                        let n = counts.get(&j.id).copied().unwrap_or(0);
                        (j, n)
                    })
                    .collect();
                let companies = if scope == Scope::Everything { applicants::company_choices(c)? } else { Vec::new() };
                Ok::<_, AppError>((jobs, companies))
            })
            .await?;
        let is_admin = scope == Scope::Everything;
        return render(StatusCode::OK, &PickPage { page, jobs, companies, company, is_admin });
    };
    let (job, company_name, rows, choices) = state
        .db
        .run(move |c| {
            let job = applicants::job_in_scope(c, scope, job_id)?;
            let company = crate::db::companies::find(c, job.company_id)?.name;
            let rows = applicants::of_job(c, job_id)?;
            let choices = steps::move_choices(&steps::of_company(c, job.company_id)?);
            Ok::<_, AppError>((job, company, rows, choices))
        })
        .await?;
    let total = rows.len();
    let mut columns: Vec<Column> = choices.iter().map(|p| Column { place: p.clone(), cards: Vec::new() }).collect();
    for row in rows {
        let (stage, step) = (row.applicant.stage, row.applicant.step_id);
        // At a category whose steps the company named later: the first of them.
        let at = columns
            .iter()
            .position(|col| col.place.holds(&stage, &step))
            .or_else(|| columns.iter().position(|col| col.place.stage == stage))
            .unwrap_or(0);
        columns[at].cards.push(row);
    }
    let return_to = format!("/applicants/board?job={}", job.id);
    render(StatusCode::OK, &BoardPage { page, job, company_name, columns, choices, total, return_to })
}
