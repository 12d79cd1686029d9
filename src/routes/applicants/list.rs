//! The applicant list (filters, search, sort, pages) and its bulk actions.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{ListQuery, crm_next, scope_of};
use crate::auth::{CsrfForm, CurrentUser, FlashKind, TypedSession, client_ip};
use crate::db::applicants::{self as crm, AssignRefused, JobChoice, ListRow, Person, Scope};
use crate::domain::{ApplicantSort, ApplicantStatus, EmploymentType, Stage};
use crate::error::{AppError, AppResult};
use crate::routes::{FieldErrors, Page, render, see_other};
use crate::state::AppState;

pub const PER_PAGE: i64 = 25;

#[derive(Template)]
#[template(path = "applicants/list.html")]
struct ListPage {
    page: Page,
    query: ListQuery,
    rows: Vec<ListRow>,
    total: i64,
    /// More match than were counted ("1,000+").
    capped: bool,
    has_next: bool,
    page_no: i64,
    pages: i64,
    jobs: Vec<JobChoice>,
    /// The company has more jobs than the filter offers.
    more_jobs: bool,
    companies: Vec<(i64, String)>,
    people: Vec<Person>,
    is_admin: bool,
    errors: FieldErrors,
    selected: Vec<i64>,
    bulk_stage: String,
    bulk_assignee: String,
    /// On the unfiltered first page of a company's list: how many open
    /// applicants have waited `IDLE_DAYS[0]` days or more with nothing done.
    idle: i64,
}

impl ListPage {
    fn idle_days(&self) -> [i64; 3] {
        super::IDLE_DAYS
    }

    fn first_shown(&self) -> i64 {
        if self.rows.is_empty() { 0 } else { (self.page_no - 1) * PER_PAGE + 1 }
    }

    fn last_shown(&self) -> i64 {
        (self.page_no - 1) * PER_PAGE + self.rows.len() as i64
    }

    fn export_url(&self) -> String {
        format!("/applicants/export.csv{}", self.query.to_query())
    }

    fn return_url(&self) -> String {
        self.query.page_url(&self.page_no)
    }

    fn cap(&self) -> String {
        crate::format::thousands(&crm::COUNT_CAP)
    }

    /// "1,234 applicants", or "1,000+ applicants" past the count.
    fn count_label(&self) -> String {
        match (self.capped, self.total) {
            (true, _) => format!("{}+ applicants", crate::format::thousands(&crm::COUNT_CAP)),
            (false, 1) => "1 applicant".into(),
            (false, n) => format!("{} applicants", crate::format::thousands(&n)),
        }
    }

    /// Page numbers to offer: the first, the last, and two on each side of
    /// this one; 0 stands for a gap.
    fn page_links(&self) -> Vec<i64> {
        let mut out = Vec::new();
        for p in 1..=self.pages {
            if p == 1 || p == self.pages || (p - self.page_no).abs() <= 2 {
                out.push(p);
            } else if out.last() != Some(&0) {
                out.push(0);
            }
        }
        out
    }

    fn is_selected(&self, id: &i64) -> bool {
        self.selected.contains(id)
    }

    fn prev_url(&self) -> String {
        self.query.page_url(&(self.page_no - 1))
    }

    fn next_url(&self) -> String {
        self.query.page_url(&(self.page_no + 1))
    }

    fn stages(&self) -> &'static [Stage] {
        Stage::ALL
    }

    fn statuses(&self) -> &'static [ApplicantStatus] {
        ApplicantStatus::ALL
    }

    fn kinds(&self) -> &'static [EmploymentType] {
        EmploymentType::ALL
    }

    fn sorts(&self) -> &'static [ApplicantSort] {
        ApplicantSort::ALL
    }

    fn id_selected(&self, raw: &str, id: &i64) -> bool {
        raw.trim() == id.to_string()
    }
}

pub async fn index(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let query = ListQuery::from_query_string(req.query_string())?;
    render_list(
        page,
        &state,
        &user,
        query,
        StatusCode::OK,
        FieldErrors::default(),
        Vec::new(),
        String::new(),
        String::new(),
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn render_list(
    page: Page,
    state: &AppState,
    user: &CurrentUser,
    mut query: ListQuery,
    status: StatusCode,
    errors: FieldErrors,
    selected: Vec<i64>,
    bulk_stage: String,
    bulk_assignee: String,
) -> AppResult<HttpResponse> {
    let scope = scope_of(user)?;
    let mut filter = query.filter(user, scope)?;
    let page_no = query.page_number()?;
    let is_admin = scope == Scope::Everything;
    let remind = !query.is_filtered() && page_no == 1;
    let (listing, jobs, more_jobs, companies, people, company, idle) = state
        .db
        .run(move |c| {
            // An admin who picked a job without a company sees that job's company.
            if let (Scope::Everything, None, Some(job)) = (scope, filter.company_id, filter.job_id) {
                if let Ok(job) = crm::job_in_scope(c, scope, job) {
                    filter.company_id = Some(job.company_id);
                }
            }
            let listing = crm::list_page(c, &filter, page_no, PER_PAGE)?;
            let (jobs, more_jobs) = crm::job_filter_choices(c, filter.company_id, filter.job_id)?;
            let companies = if is_admin { crm::company_choices(c)? } else { Vec::new() };
            let people = crm::assignable_people(c, filter.company_id)?;
            let idle = match filter.company_id {
                Some(company) if remind => crm::idle_count(c, company, super::IDLE_DAYS[0])?,
                _ => 0,
            };
            Ok::<_, AppError>((listing, jobs, more_jobs, companies, people, filter.company_id, idle))
        })
        .await?;
    if is_admin && query.company.trim().is_empty() {
        if let Some(company) = company {
            query.company = company.to_string();
        }
    }
    let capped = listing.total_is_capped();
    // Past the count, the pages run as far as this one (and the next, if any).
    let counted = listing.total.min(crm::COUNT_CAP);
    let pages = ((counted + PER_PAGE - 1) / PER_PAGE).max(page_no).max(1);
    let pages = if listing.has_next { pages.max(page_no + 1) } else { pages };
    let (rows, total, has_next) = (listing.rows, listing.total, listing.has_next);
    let tpl = ListPage {
        page,
        query,
        rows,
        total,
        capped,
        has_next,
        page_no,
        pages,
        jobs,
        more_jobs,
        companies,
        people,
        is_admin,
        errors,
        selected,
        bulk_stage,
        bulk_assignee,
        idle,
    };
    render(status, &tpl)
}

/// The bulk bar: the selected applicants and what to do with them.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BulkForm {
    pub ids: Vec<i64>,
    pub action: String,
    pub stage: String,
    /// Required for the rejected stage (`RejectionReason`).
    pub reason: String,
    pub assignee: String,
    /// The list page to return to (with its filters).
    pub next: String,
}

pub async fn bulk(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<BulkForm>,
) -> AppResult<HttpResponse> {
    let scope = scope_of(&user)?;
    let next = crm_next(&form.next).unwrap_or_else(|| "/applicants".into());
    let list_query = || -> AppResult<ListQuery> {
        match next.split_once('?') {
            Some(("/applicants", qs)) => ListQuery::from_query_string(qs),
            _ => Ok(ListQuery::default()),
        }
    };
    let refuse = |field: &'static str, message: &str| {
        let mut errors = FieldErrors::default();
        errors.add(field, message);
        errors
    };
    let mut errors = FieldErrors::default();
    if form.ids.is_empty() {
        errors = refuse("ids", "Select at least one applicant first.");
    }
    match form.action.as_str() {
        "stage" => {
            let stage = form.stage.parse::<Stage>().ok();
            if stage.is_none() {
                errors.add("stage", "Choose the stage to move them to.");
            }
            let (Some(stage), true) = (stage, errors.is_empty()) else {
                return render_list(
                    page,
                    &state,
                    &user,
                    list_query()?,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    errors,
                    form.ids,
                    form.stage,
                    form.assignee,
                )
                .await;
            };
            let Ok(reason) = super::reject::reason_for(stage, &form.reason) else {
                let mut hidden: Vec<(String, String)> = vec![
                    ("action".into(), "stage".into()),
                    ("stage".into(), stage.as_str().into()),
                    ("next".into(), next.clone()),
                ];
                hidden.extend(form.ids.iter().map(|id| ("ids".to_string(), id.to_string())));
                let ids = form.ids.clone();
                let action = "/applicants/bulk".to_string();
                return super::reject::ask(page, &state, scope, ids, action, hidden, &form.reason, next).await;
            };
            let ids = form.ids.clone();
            let actor = user.id;
            let changed = state.db.run(move |c| crm::move_to_stage(c, scope, &ids, stage, reason, actor)).await?;
            state.hub.poke(&changed.notified);
            TypedSession::from_request(&req).flash(
                FlashKind::Success,
                match changed.count {
                    1 => format!("Moved 1 applicant to {}.", stage.label()),
                    n => format!("Moved {n} applicants to {}.", stage.label()),
                },
            );
            Ok(see_other(&next))
        }
        "assign" => {
            if scope != Scope::Everything {
                return Err(AppError::NotFound);
            }
            let target = match form.assignee.trim() {
                "" => {
                    errors.add("assignee", "Choose who to assign them to.");
                    None
                }
                "none" => Some(None),
                raw => match raw.parse::<i64>() {
                    Ok(id) => Some(Some(id)),
                    Err(_) => {
                        errors.add("assignee", "Choose who to assign them to.");
                        None
                    }
                },
            };
            let (Some(target), true) = (target, errors.is_empty()) else {
                return render_list(
                    page,
                    &state,
                    &user,
                    list_query()?,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    errors,
                    form.ids,
                    form.stage,
                    form.assignee,
                )
                .await;
            };
            let (ids, actor, ip) = (form.ids.clone(), user.id, client_ip(&req));
            let outcome = state.db.run(move |c| crm::assign(c, scope, &ids, target, actor, &ip)).await?;
            match outcome {
                Ok(changed) => {
                    state.hub.poke(&changed.notified);
                    TypedSession::from_request(&req).flash(
                        FlashKind::Success,
                        match changed.count {
                            1 => "Assigned 1 applicant.".to_string(),
                            n => format!("Assigned {n} applicants."),
                        },
                    );
                    Ok(see_other(&next))
                }
                Err(AssignRefused::NotAllowedTarget) => {
                    let errors = refuse(
                        "assignee",
                        "Applicants can only be assigned to an admin or an active employer of their company.",
                    );
                    render_list(
                        page,
                        &state,
                        &user,
                        list_query()?,
                        StatusCode::UNPROCESSABLE_ENTITY,
                        errors,
                        form.ids,
                        form.stage,
                        form.assignee,
                    )
                    .await
                }
            }
        }
        "export" => {
            if !errors.is_empty() {
                return render_list(
                    page,
                    &state,
                    &user,
                    list_query()?,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    errors,
                    form.ids,
                    form.stage,
                    form.assignee,
                )
                .await;
            }
            let ids = form.ids.clone();
            let ids = state.db.run(move |c| crm::all_in_scope(c, scope, &ids)).await?;
            Ok(super::export::csv_response(state.clone(), ids, "applicants-selected"))
        }
        _ => Err(AppError::Unprocessable("unknown bulk action".into())),
    }
}
