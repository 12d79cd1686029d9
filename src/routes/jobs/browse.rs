//! `/jobs` (list and search) and `/jobs/{id}` (the job page).

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use time::PrimitiveDateTime;

use super::view::{self, Block, CardView};
use crate::db::companies::Company;
use crate::db::jobs::{self, Job, JobCard, MAX_RESULTS};
use crate::domain::gazetteer;
use crate::domain::{
    CATEGORIES, EmploymentType, FacetCounts, JobListParams, JobStatus, PAY_BANDS, POSTED, RemoteMode, Role,
    SearchQuery, Sort,
};
use crate::error::{AppError, AppResult};
use crate::format;
use crate::routes::query::Query;
use crate::routes::{Page, Pager, html, render};
use crate::search::SuggestionKind;
use crate::state::AppState;

pub const PER_PAGE: i64 = 20;

/// A filter in use, with the link that removes it.
pub struct Chip {
    pub label: String,
    pub remove: String,
}

/// A value of a filter in the side bar: a checkbox (several of a filter
/// may be chosen) or a radio button, with how many jobs it would give.
pub struct FilterOption {
    pub value: String,
    pub label: String,
    /// Unknown while the search index is being built.
    pub count: Option<u64>,
    pub checked: bool,
}

/// One filter of the side bar.
pub struct FilterGroup {
    pub legend: &'static str,
    pub name: &'static str,
    /// Radio buttons (one value, "Any" first) instead of checkboxes.
    pub single: bool,
    pub options: Vec<FilterOption>,
}

/// Countries listed in the side bar (the most frequent, and those chosen).
const COUNTRIES_SHOWN: usize = 12;

/// The filters of the side bar for this search and its counts.
fn filter_groups(p: &JobListParams, facets: Option<&FacetCounts>, currency: &str) -> Vec<FilterGroup> {
    let count =
        |list: fn(&FacetCounts) -> &Vec<(String, u64)>, value: &str| facets.map(|f| FacetCounts::of(list(f), value));
    let option = |value: &str, label: String, count: Option<u64>, chosen: &[String]| FilterOption {
        checked: chosen.iter().any(|c| c == value),
        value: value.to_string(),
        label,
        count,
    };
    let remote = RemoteMode::ALL
        .iter()
        .map(|m| option(m.as_str(), m.label().into(), count(|f| &f.remote, m.as_str()), &p.remote))
        .collect();
    let kinds = EmploymentType::ALL
        .iter()
        .map(|t| option(t.as_str(), t.label().into(), count(|f| &f.employment_type, t.as_str()), &p.employment_type))
        .collect();
    let categories = CATEGORIES
        .iter()
        .map(|c| option(c, c.to_string(), count(|f| &f.category, c), &p.category))
        .filter(|o| o.checked || o.count != Some(0))
        .collect();
    let chosen = p.country();
    let mut codes: Vec<String> = facets.map(|f| f.country.iter().map(|(c, _)| c.clone()).collect()).unwrap_or_default();
    codes.truncate(COUNTRIES_SHOWN);
    codes.extend(chosen.iter().filter(|c| !codes.contains(c)).cloned().collect::<Vec<_>>());
    let countries = codes
        .iter()
        .map(|code| {
            let name = crate::domain::place::country_name(code).unwrap_or_else(|| code.clone());
            option(code, name, count(|f| &f.country, code), &chosen)
        })
        .collect();
    let any = |chosen: bool| FilterOption { value: String::new(), label: "Any".into(), count: None, checked: !chosen };
    let mut posted = vec![any(p.posted().is_some())];
    posted.extend(POSTED.iter().enumerate().map(|(i, (days, label))| FilterOption {
        value: days.to_string(),
        label: label.to_string(),
        count: facets.and_then(|f| f.posted.get(i).copied()),
        checked: p.posted() == Some(*days),
    }));
    let mut pay = vec![any(p.salary_min().is_some())];
    pay.extend(PAY_BANDS.iter().enumerate().map(|(i, band)| FilterOption {
        value: band.to_string(),
        label: format!("{} {}+", currency, format::thousands(band)),
        count: facets.and_then(|f| f.pay.get(i).copied()),
        checked: p.salary_min() == Some(*band),
    }));
    if let Some(min) = p.salary_min().filter(|min| !PAY_BANDS.contains(min)) {
        pay.push(FilterOption {
            value: min.to_string(),
            label: format!("{} {}+", currency, format::thousands(&min)),
            count: None,
            checked: true,
        });
    }
    vec![
        FilterGroup { legend: "Work place", name: "remote", single: false, options: remote },
        FilterGroup { legend: "Employment type", name: "type", single: false, options: kinds },
        FilterGroup { legend: "Category", name: "category", single: false, options: categories },
        FilterGroup { legend: "Country", name: "country", single: false, options: countries },
        FilterGroup { legend: "Date posted", name: "posted", single: true, options: posted },
        FilterGroup { legend: "Yearly pay", name: "salary_min", single: true, options: pay },
    ]
}

#[derive(Template)]
#[template(path = "jobs/list.html")]
struct ListPage {
    page: Page,
    params: JobListParams,
    cards: Vec<CardView>,
    total: i64,
    capped: bool,
    searching: bool,
    first: i64,
    last: i64,
    page_no: i64,
    last_page: i64,
    pager: Pager,
    chips: Vec<Chip>,
    filters: Vec<FilterGroup>,
    sorts: [Sort; 3],
    /// The minimum-pay filter's currency and the date of its exchange rates.
    pay_currency: String,
    rates_date: String,
    /// The distances one may search within.
    radii: &'static [u32],
    /// Cities with open jobs, for the place field's list.
    places: Arc<Vec<String>>,
}

impl ListPage {
    fn radius_selected(&self, km: &u32) -> bool {
        self.params.near().is_some_and(|(chosen, _)| chosen == *km)
            || (self.params.place_unknown() && self.params.radius == km.to_string())
    }

    fn sort_selected(&self, s: &Sort) -> bool {
        self.params.sort() == *s
    }

    /// How the results are ordered, in words.
    fn order(&self) -> &'static str {
        match self.params.sort() {
            Sort::Relevance if !self.params.q.is_empty() => "most relevant first",
            Sort::Pay => "highest pay first",
            _ => "newest first",
        }
    }

    fn max_results(&self) -> String {
        format::thousands(&MAX_RESULTS)
    }

    fn heading(&self) -> String {
        let n = if self.capped {
            format!("More than {}", format::thousands(&MAX_RESULTS))
        } else {
            format::thousands(&self.total)
        };
        let noun = if self.total == 1 { "job" } else { "jobs" };
        if self.searching { format!("{n} {noun} found") } else { format!("{n} open {noun}") }
    }
}

pub async fn list(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    cache: web::Data<jobs::SearchCache>,
) -> AppResult<HttpResponse> {
    let params = JobListParams::parse(req.query_string());
    if params.for_me {
        return for_you(page, &state).await;
    }
    let search = SearchQuery { facets: true, ..params.to_search(PER_PAGE) };
    let searching = !search.words.is_empty() || params.has_filters();
    let seeker = page.user.as_ref().filter(|u| u.role == Role::Seeker).map(|u| u.id);
    let cached = super::cached_search(&state, &cache, search).await?;
    // A visitor without an account sees what the last one saw, with their
    // own CSRF token: the page is rendered once per cached result.
    let visitor = page.user.is_none() && page.flashes.is_empty();
    let (query, token) = (req.query_string(), page.csrf_token.clone());
    if visitor && let Some(shown) = cached.shown(query, &token) {
        return Ok(html(StatusCode::OK, shown));
    }
    let results = &cached.results;
    let (saved, applied) = match seeker {
        Some(user) => {
            let ids: Vec<i64> = results.jobs.iter().map(|j| j.job.id).collect();
            state
                .db
                .run(move |c| {
                    let saved = jobs::saved_among(c, user, &ids)?;
                    Ok::<_, diesel::result::Error>((saved, crate::db::applicants::applied_among(c, user, &ids)?))
                })
                .await?
        }
        None => (Vec::new(), Vec::new()),
    };

    let total = results.total;
    let capped = total > MAX_RESULTS;
    let last_page = ((total.min(MAX_RESULTS) + PER_PAGE - 1) / PER_PAGE).max(1);
    let page_no = params.page;
    let first = (page_no - 1) * PER_PAGE + 1;
    let last = first + results.jobs.len() as i64 - 1;
    let cards: Vec<CardView> =
        results.jobs.iter().map(|card| CardView::for_seeker(card.clone(), &saved, &applied)).collect();
    let pager = Pager::of_pages(page_no, last_page, |n| params.url(n, ""));
    let chips = chips(&params);
    let currency = state.rates.reference().to_string();
    let filters = filter_groups(&params, results.facets.as_deref(), &currency);
    let shown = ListPage {
        page,
        params,
        cards,
        total,
        capped,
        searching,
        first,
        last,
        page_no,
        last_page,
        pager,
        chips,
        filters,
        sorts: Sort::ALL,
        pay_currency: currency,
        rates_date: state.rates.date().to_string(),
        radii: gazetteer::RADII,
        places: state.search.job_cities(),
    }
    .render()?;
    if visitor {
        cached.keep_shown(query, &shown, &token);
    }
    Ok(html(StatusCode::OK, shown))
}

/// Jobs for you shown at most.
const FOR_YOU: usize = 50;

#[derive(Template)]
#[template(path = "jobs/for_you.html")]
struct ForYouPage {
    page: Page,
    fits: Fits,
    /// Whether the seeker has an alert for them.
    alert: bool,
}

impl ForYouPage {
    fn has_wishes(&self) -> bool {
        !matches!(self.fits, Fits::NoWishes)
    }
}

/// What Jobs for you has for a seeker.
pub enum Fits {
    /// No preferences or skills yet: nothing to rank by.
    NoWishes,
    /// The index is being built.
    NotYet,
    /// The best fits first (maybe none).
    Jobs(Vec<CardView>),
}

/// The open jobs that fit a seeker's wishes, best first (`/jobs?for=me`).
pub async fn fits_for(state: &AppState, user_id: i64, limit: usize) -> AppResult<(Fits, bool)> {
    let (index, currency) = (state.search.clone(), state.settings.pay_currency.clone());
    let (found, alert, saved, applied) = state
        .db
        .run(move |c| {
            let alert = crate::db::alerts::exists(c, user_id, FOR_ME)?;
            let Some(wishes) = crate::db::profiles::wishes(c, user_id)? else {
                return Ok::<_, AppError>((None, alert, Vec::new(), Vec::new()));
            };
            let found = index.for_you(c, &wishes, None, limit, crate::db::now(), &currency)?;
            let ids: Vec<i64> = found.iter().flatten().map(|(card, _)| card.job.id).collect();
            let saved = jobs::saved_among(c, user_id, &ids)?;
            let applied = crate::db::applicants::applied_among(c, user_id, &ids)?;
            Ok((Some(found), alert, saved, applied))
        })
        .await?;
    let fits = match found {
        None => Fits::NoWishes,
        Some(None) => Fits::NotYet,
        Some(Some(list)) => Fits::Jobs(
            list.into_iter()
                .map(|(card, why)| CardView { why, ..CardView::for_seeker(card, &saved, &applied) })
                .collect(),
        ),
    };
    Ok((fits, alert))
}

/// The alert of Jobs for you, as stored.
pub const FOR_ME: &str = "for=me";

async fn for_you(page: Page, state: &AppState) -> AppResult<HttpResponse> {
    let user = match page.user.as_ref() {
        Some(user) if user.role == Role::Seeker => user.id,
        Some(_) => return Err(AppError::NotFound),
        None => return Err(AppError::LoginRequired { next: format!("/jobs?{FOR_ME}") }),
    };
    let (fits, alert) = fits_for(state, user, FOR_YOU).await?;
    render(StatusCode::OK, &ForYouPage { page, fits, alert })
}

fn chips(p: &JobListParams) -> Vec<Chip> {
    p.in_use().into_iter().map(|(key, value, label)| Chip { remove: p.url_without(key, &value), label }).collect()
}

/// What the job page needs, shared with the employer's preview.
pub struct JobView {
    pub job: Job,
    pub company: Company,
    pub now: PrimitiveDateTime,
}

impl JobView {
    pub fn blocks(&self) -> Vec<Block> {
        view::blocks(&self.job.description)
    }

    pub fn salary(&self) -> Option<String> {
        view::salary(&self.job)
    }

    pub fn company_path(&self) -> String {
        view::company_path(self.company.id, &self.company.slug)
    }

    pub fn logo_url(&self) -> Option<String> {
        view::logo_url(&self.company)
    }

    pub fn status(&self) -> JobStatus {
        self.job.effective_status(self.now)
    }

    pub fn status_badge(&self) -> &'static str {
        view::status_badge(&self.status())
    }

    pub fn listed(&self) -> bool {
        self.job.is_listed(self.now)
    }

    pub fn posted(&self) -> String {
        self.job.published_at.as_ref().map(format::date).unwrap_or_default()
    }

    pub fn initial(&self) -> String {
        view::initial(&self.company.name)
    }

    pub fn company_teaser(&self) -> String {
        view::teaser(&self.company.description, 260)
    }

    pub fn path(&self) -> String {
        format!("/jobs/{}", self.job.id)
    }

    /// "Closes" while the closing date is ahead, "Closed" once it has passed.
    pub fn closes_label(&self) -> &'static str {
        if self.job.closes_at.is_some_and(|t| t <= self.now) { "Closed" } else { "Closes" }
    }
}

#[derive(Template)]
#[template(path = "jobs/show.html")]
struct ShowPage {
    page: Page,
    v: JobView,
    /// The company's own employer, or an admin, looking at it.
    manager: bool,
    preview: bool,
    saved: bool,
    applied: Option<PrimitiveDateTime>,
    json_ld: Option<serde_json::Value>,
    /// The site's pay currency: pay in another is also shown in it.
    pay_currency: String,
    /// Open jobs like this one (`search::SearchIndex::similar`).
    similar: Vec<JobCard>,
}

/// Similar jobs shown on a job's page.
const SIMILAR: usize = 4;

impl ShowPage {
    /// "about EUR 100,000 a year" for pay in another currency than the site's.
    fn pay_in_site_currency(&self) -> Option<String> {
        let yearly = self.v.job.pay_yearly?;
        (self.v.job.salary_currency != self.pay_currency)
            .then(|| format!("about {} {} a year", self.pay_currency, crate::format::thousands(&yearly)))
    }
}

/// Loads a job for the page: open and closed jobs for everyone (a closed one
/// as "no longer accepting applications"), drafts and jobs an admin took
/// down only for their company's employers and admins (404 for anyone else).
pub async fn load_for_page(state: &AppState, page: &Page, id: i64) -> AppResult<(JobView, bool)> {
    let (job, company) = state.db.run(move |c| jobs::find_with_company(c, id)).await?;
    let now = crate::db::now();
    let manager = page.user.as_ref().is_some_and(|u| u.is_admin() || u.employer_company().ok() == Some(job.company_id));
    let public = job.effective_status(now) == JobStatus::Closed && !job.closed_by_admin;
    if !job.is_listed(now) && !public && !manager {
        return Err(AppError::NotFound);
    }
    Ok((JobView { job, company, now }, manager))
}

pub async fn show(page: Page, state: web::Data<AppState>, path: web::Path<String>) -> AppResult<HttpResponse> {
    let id = super::job_id(&path)?;
    let (v, manager) = load_for_page(&state, &page, id).await?;
    let seeker = page.user.as_ref().filter(|u| u.role == Role::Seeker).map(|u| u.id);
    let (index, job, listed) = (state.search.clone(), v.job.clone(), v.listed());
    let (saved, applied, similar) = state
        .db
        .run(move |c| {
            let (saved, applied) = match seeker {
                Some(user_id) => (!jobs::saved_among(c, user_id, &[id])?.is_empty(), jobs::applied_at(c, user_id, id)?),
                None => (false, None),
            };
            let similar = if listed { index.similar(c, &job, crate::db::now(), SIMILAR)? } else { Vec::new() };
            Ok::<_, AppError>((saved, applied, similar))
        })
        .await?;
    let json_ld = v.listed().then(|| view::json_ld(&v.job, &v.company, &state.settings.base_url));
    // A job that no longer takes applications is gone for search engines
    // (410, noindex) but still readable, for those who applied or follow a link.
    let status = if v.listed() || manager { StatusCode::OK } else { StatusCode::GONE };
    let listed = v.listed();
    let pay_currency = state.rates.reference().to_string();
    let tpl = ShowPage { page, v, manager, preview: false, saved, applied, json_ld, pay_currency, similar };
    let mut response = render(status, &tpl)?;
    if !listed {
        response.headers_mut().insert(HeaderName::from_static("x-robots-tag"), HeaderValue::from_static("noindex"));
    }
    Ok(response)
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct SuggestParams {
    q: String,
}

/// What the search box offers for the words typed so far (JSON, public):
/// `{"suggestions": [{"text", "kind": "title"|"company"|"skill", "jobs", "label"}]}`
/// (`label` says what it is, for the search box's list).
pub async fn suggest(state: web::Data<AppState>, query: Query<SuggestParams>) -> AppResult<HttpResponse> {
    let typed: String = query.0.q.chars().take(100).collect();
    let index = state.search.clone();
    let found = web::block(move || index.suggest(&typed)).await.map_err(AppError::internal)??;
    let suggestions: Vec<serde_json::Value> = found
        .into_iter()
        .map(|s| {
            let what = match s.kind {
                SuggestionKind::Title => "Job title",
                SuggestionKind::Company => "Company",
                SuggestionKind::Skill => "Skill",
            };
            let jobs = if s.jobs == 1 { "job" } else { "jobs" };
            let label = format!("{what} · {} {jobs}", format::thousands(&(s.jobs as i64)));
            serde_json::json!({ "text": s.text, "kind": s.kind, "jobs": s.jobs, "label": label })
        })
        .collect();
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=60"))
        .json(serde_json::json!({ "suggestions": suggestions })))
}

/// Cities whose name starts with what is typed, the largest first (JSON,
/// public): `{"suggestions": [{"text": "Berlin, DE", "label"}]}`.
pub async fn places(query: Query<SuggestParams>) -> HttpResponse {
    let suggestions: Vec<serde_json::Value> = gazetteer::starting(&query.0.q, PLACES)
        .into_iter()
        .map(|city| {
            let country = crate::domain::place::country_name(city.country).unwrap_or_default();
            serde_json::json!({ "text": city.label(), "label": country })
        })
        .collect();
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .json(serde_json::json!({ "suggestions": suggestions }))
}

/// Cities offered for a place typed.
const PLACES: usize = 8;

/// The employer's preview: the page as visitors will see it, with the
/// actions on top.
pub async fn render_preview(page: Page, v: JobView, pay_currency: String) -> AppResult<HttpResponse> {
    let (saved, applied, json_ld, similar) = (false, None, None, Vec::new());
    render(
        StatusCode::OK,
        &ShowPage { page, v, manager: true, preview: true, saved, applied, json_ld, pay_currency, similar },
    )
}
