//! The applicant list (filters, search, sort, pages) and its bulk actions.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::crm_next;
use crate::actions::pipeline::{self, Letter, Moved};
use crate::auth::{CsrfForm, CurrentUser, FlashKind, TypedSession, client_ip};
use crate::db::applicants::tags::TagRefused;
use crate::db::applicants::{self, AssignRefused, JobChoice, ListRow, Person, Scope};
use crate::db::email_templates::EmailTemplate;
use crate::db::steps::{self, Choice, Step};
use crate::domain::ApplicantListParams;
use crate::domain::applicant_list::IDLE_DAYS;
use crate::domain::{ApplicantSort, ApplicantStatus, EmploymentType, MoveTarget, Tag};
use crate::error::{AppError, AppResult};
use crate::routes::{FieldErrors, Page, Pager, render, see_other};
use crate::state::AppState;

pub const PER_PAGE: i64 = 25;

#[derive(Template)]
#[template(path = "applicants/list.html")]
struct ListPage {
    page: Page,
    query: ApplicantListParams,
    rows: Vec<ListRow>,
    total: i64,
    /// More match than were counted ("1,000+").
    capped: bool,
    page_no: i64,
    pager: Pager,
    jobs: Vec<JobChoice>,
    /// The company has more jobs than the filter offers.
    more_jobs: bool,
    /// The admin's company filter as shown: the company's name, or what was typed.
    company_shown: String,
    people: Vec<Person>,
    /// The company's tags (the tag filter and the bulk bar offer them).
    tags: Vec<(String, i64)>,
    /// The company's e-mail templates (a bulk move may send one).
    templates: Vec<EmailTemplate>,
    /// The stage filter's options, and where the bulk bar moves to (the
    /// company's steps; the categories alone without a company).
    filter_choices: Vec<Choice>,
    move_choices: Vec<Choice>,
    is_admin: bool,
    errors: FieldErrors,
    /// What the bulk bar sent, when it comes back refused.
    bulk: BulkForm,
    /// On the unfiltered first page of a company's list: how many open
    /// applicants have waited `IDLE_DAYS[0]` days or more with nothing done.
    idle: i64,
}

impl ListPage {
    fn idle_days(&self) -> [i64; 3] {
        IDLE_DAYS
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
        crate::format::thousands(&applicants::COUNT_CAP)
    }

    /// "1,234 applicants", or "1,000+ applicants" past the count.
    fn count_label(&self) -> String {
        match (self.capped, self.total) {
            (true, _) => format!("{}+ applicants", crate::format::thousands(&applicants::COUNT_CAP)),
            (false, 1) => "1 applicant".into(),
            (false, n) => format!("{} applicants", crate::format::thousands(&n)),
        }
    }

    /// This list filtered by a tag.
    fn tag_url(&self, tag: &str) -> String {
        let mut query = self.query.clone();
        query.tag = tag.to_string();
        query.page_url(&1)
    }

    fn is_selected(&self, id: &i64) -> bool {
        self.bulk.ids.contains(id)
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

    /// "Tell them" is ticked on a fresh page, and as left when the form comes back.
    fn tells(&self) -> bool {
        self.errors.is_empty() || !self.bulk.tell.is_empty()
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
    let query = ApplicantListParams::from_query_string(req.query_string())?;
    render_list(page, &state, &user, query, StatusCode::OK, FieldErrors::default(), BulkForm::default()).await
}

async fn render_list(
    page: Page,
    state: &AppState,
    user: &CurrentUser,
    mut query: ApplicantListParams,
    status: StatusCode,
    mut errors: FieldErrors,
    bulk: BulkForm,
) -> AppResult<HttpResponse> {
    let scope = user.company_scope()?;
    let is_admin = scope == Scope::Everything;
    // An admin may type a company's name instead of choosing among thousands.
    let typed_company =
        (is_admin && query.company.trim().parse::<i64>().is_err()).then(|| query.company.trim().to_string());
    let typed_company = typed_company.filter(|t| !t.is_empty());
    if typed_company.is_some() {
        query.company.clear();
    }
    let mut filter = query.filter(user.id, scope)?;
    let page_no = query.page_number()?;
    let remind = !query.is_filtered() && typed_company.is_none() && page_no == 1;
    let loaded = state
        .db
        .run(move |c| {
            if let Some(typed) = &typed_company {
                match applicants::company_named(c, typed)? {
                    Ok(id) => filter.company_id = Some(id),
                    Err(message) => return Ok::<_, AppError>(Err((message, typed.clone()))),
                }
            }
            // An admin who picked a job without a company sees that job's company.
            if let (Scope::Everything, None, Some(job)) = (scope, filter.company_id, filter.job_id) {
                if let Ok(job) = applicants::job_in_scope(c, scope, job) {
                    filter.company_id = Some(job.company_id);
                }
            }
            let listing = applicants::list_page(c, &filter, page_no, PER_PAGE)?;
            let (jobs, more_jobs) = applicants::job_filter_choices(c, filter.company_id, filter.job_id)?;
            let people = applicants::assignable_people(c, filter.company_id)?;
            let mut context =
                ListContext { listing, jobs, more_jobs, people, company: filter.company_id, ..Default::default() };
            if let Some(company) = filter.company_id {
                if is_admin {
                    context.company_shown = crate::db::companies::find(c, company)?.name;
                }
                context.tags = applicants::tags::of_company(c, company)?;
                context.templates = crate::db::email_templates::list(c, company)?;
                context.steps = steps::of_company(c, company)?;
                if remind {
                    context.idle = applicants::idle_count(c, company, IDLE_DAYS[0])?;
                }
            }
            Ok(Ok(context))
        })
        .await?;
    let context = match loaded {
        Ok(context) => context,
        Err((message, typed)) => {
            errors.add("company", message);
            // Kept as typed: the page says "no applicants match", its links repeat it.
            query.company = typed.clone();
            ListContext { company_shown: typed, ..Default::default() }
        }
    };
    let ListContext { listing, jobs, more_jobs, people, company, company_shown, tags, templates, steps, idle } =
        context;
    if is_admin && query.company.trim().is_empty() {
        if let Some(company) = company {
            query.company = company.to_string();
        }
    }
    let status = if errors.is_empty() { status } else { StatusCode::UNPROCESSABLE_ENTITY };
    let capped = listing.total_is_capped();
    // Past the count, the pages run as far as this one (and the next, if any).
    let counted = listing.total.min(applicants::COUNT_CAP);
    let pages = ((counted + PER_PAGE - 1) / PER_PAGE).max(page_no).max(1);
    let pages = if listing.has_next { pages.max(page_no + 1) } else { pages };
    let pager = Pager::of_pages(page_no, pages, |p| query.page_url(&p)).capped(capped);
    let (rows, total) = (listing.rows, listing.total);
    let tpl = ListPage {
        page,
        query,
        rows,
        total,
        capped,
        page_no,
        pager,
        jobs,
        more_jobs,
        company_shown,
        people,
        tags,
        templates,
        filter_choices: steps::filter_choices(&steps),
        move_choices: steps::move_choices(&steps),
        is_admin,
        errors,
        bulk,
        idle,
    };
    render(status, &tpl)
}

/// What the list page shows besides its query: the page of applicants, the
/// filters' choices, and (with a company) its tags, templates, steps and
/// idle applicants.
#[derive(Default)]
struct ListContext {
    listing: applicants::Listing,
    jobs: Vec<JobChoice>,
    /// The company has more jobs than the filter offers.
    more_jobs: bool,
    people: Vec<Person>,
    company: Option<i64>,
    /// The admin's company filter as shown: the company's name, or what was typed.
    company_shown: String,
    tags: Vec<(String, i64)>,
    templates: Vec<EmailTemplate>,
    steps: Vec<Step>,
    idle: i64,
}

/// The bulk bar: the selected applicants and what to do with them.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BulkForm {
    pub ids: Vec<i64>,
    /// `stage`, `assign`, `tag`, `untag` or `export`.
    pub action: String,
    pub stage: String,
    /// Required for the rejected stage (`RejectionReason`).
    pub reason: String,
    /// With a stage move: one of the company's e-mail templates, sent to
    /// each applicant moved (empty: the stage's own; `none`: none).
    pub template: String,
    /// With a stage move: "Tell the candidates" ticked (otherwise no e-mail).
    pub tell: String,
    pub assignee: String,
    pub tag: String,
    /// The list page to return to (with its filters).
    pub next: String,
}

/// What a bulk action came to.
enum Outcome {
    /// Done: back to the list with this message.
    Done(String),
    /// Refused: the list again with the errors and the selection (422).
    Refused(FieldErrors),
    /// A move to the rejected stage without a reason: ask for one, and send
    /// these fields again with it.
    AskReason(Vec<(String, String)>),
    /// The CSV of the selection.
    Reply(HttpResponse),
}

fn refused(field: &'static str, message: &str) -> Outcome {
    let mut errors = FieldErrors::default();
    errors.add(field, message);
    Outcome::Refused(errors)
}

fn counted(n: usize, one: &str, many: &str) -> String {
    if n == 1 { one.to_string() } else { many.replace("{n}", &n.to_string()) }
}

pub async fn bulk(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<BulkForm>,
) -> AppResult<HttpResponse> {
    let scope = user.company_scope()?;
    let next = crm_next(&form.next).unwrap_or_else(|| "/applicants".into());
    let outcome = if form.ids.is_empty() {
        refused("ids", "Select at least one applicant first.")
    } else {
        match form.action.as_str() {
            "stage" => move_stage(&state, &user, scope, &form, &next).await?,
            "assign" => assign(&req, &state, &user, scope, &form).await?,
            "tag" | "untag" => tag(&state, scope, &form).await?,
            "export" => {
                let ids = form.ids.clone();
                let ids = state.db.run(move |c| applicants::all_in_scope(c, scope, &ids)).await?;
                Outcome::Reply(super::export::csv_response(state.clone(), ids, "applicants-selected"))
            }
            _ => return Err(AppError::Unprocessable("unknown bulk action".into())),
        }
    };
    match outcome {
        Outcome::Done(message) => {
            TypedSession::from_request(&req).flash(FlashKind::Success, message);
            Ok(see_other(&next))
        }
        Outcome::Reply(response) => Ok(response),
        Outcome::AskReason(hidden) => {
            let (ids, action) = (form.ids.clone(), "/applicants/bulk".to_string());
            super::reject::ask(page, &state, scope, ids, action, hidden, &form.reason, next).await
        }
        Outcome::Refused(errors) => {
            let query = match next.split_once('?') {
                Some(("/applicants", qs)) => ApplicantListParams::from_query_string(qs)?,
                _ => ApplicantListParams::default(),
            };
            render_list(page, &state, &user, query, StatusCode::UNPROCESSABLE_ENTITY, errors, form).await
        }
    }
}

/// Moves the selection to a stage (asking why, for the rejected stage) and,
/// with a template chosen, e-mails each one moved, in the same transaction.
async fn move_stage(
    state: &AppState,
    user: &CurrentUser,
    scope: Scope,
    form: &BulkForm,
    next: &str,
) -> AppResult<Outcome> {
    let place = match MoveTarget::parse(&form.stage) {
        Some(target) => state.db.run(move |c| applicants::place_of(c, scope, target)).await?,
        None => None,
    };
    let Some(place) = place else {
        return Ok(refused("stage", "Choose the stage to move them to."));
    };
    let Some(letter) = Letter::parse(&form.template) else {
        return Ok(refused("template", "Choose one of your company's templates."));
    };
    let letter = if form.tell.is_empty() { Letter::Nothing } else { letter };
    let Ok(reason) = super::reject::reason_for(place.stage, &form.reason) else {
        let mut hidden: Vec<(String, String)> = vec![
            ("action".into(), "stage".into()),
            ("stage".into(), form.stage.trim().into()),
            ("template".into(), form.template.trim().into()),
            ("tell".into(), form.tell.clone()),
            ("next".into(), next.to_string()),
        ];
        hidden.extend(form.ids.iter().map(|id| ("ids".to_string(), id.to_string())));
        return Ok(Outcome::AskReason(hidden));
    };
    let (ids, actor, reply_to, settings) = (form.ids.clone(), user.id, user.email.clone(), state.settings.clone());
    let label = place.label().to_string();
    let moved = state
        .db
        .run(move |c| pipeline::move_to_stage(c, scope, &ids, &place, reason, actor, &reply_to, letter, &settings))
        .await?;
    let Ok(Moved { changed, emailed }) = moved else {
        return Ok(refused("template", "Choose one of the templates of these applicants' company."));
    };
    state.hub.poke(&changed.notified);
    if emailed > 0 {
        state.outbox.wake();
    }
    let mut message = counted(changed.count, "Moved 1 applicant", "Moved {n} applicants") + " to " + &label + ".";
    if emailed > 0 {
        message += &counted(emailed, " 1 e-mail is on its way.", " {n} e-mails are on their way.");
    }
    Ok(Outcome::Done(message))
}

/// Admins only: assigns the selection to a person (or to nobody).
async fn assign(
    req: &HttpRequest,
    state: &AppState,
    user: &CurrentUser,
    scope: Scope,
    form: &BulkForm,
) -> AppResult<Outcome> {
    if scope != Scope::Everything {
        return Err(AppError::NotFound);
    }
    let target = match form.assignee.trim() {
        "none" => None,
        raw => match raw.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => return Ok(refused("assignee", "Choose who to assign them to.")),
        },
    };
    let (ids, actor, ip) = (form.ids.clone(), user.id, client_ip(req));
    match state.db.run(move |c| applicants::assign(c, scope, &ids, target, actor, &ip)).await? {
        Ok(changed) => {
            state.hub.poke(&changed.notified);
            Ok(Outcome::Done(counted(changed.count, "Assigned 1 applicant.", "Assigned {n} applicants.")))
        }
        Err(AssignRefused::NotAllowedTarget) => Ok(refused(
            "assignee",
            "Applicants can only be assigned to an admin or an active employer of their company.",
        )),
    }
}

/// Puts a tag on the selection, or takes it off.
async fn tag(state: &AppState, scope: Scope, form: &BulkForm) -> AppResult<Outcome> {
    let tag = match Tag::parse(&form.tag) {
        Ok(tag) => tag,
        Err(message) => return Ok(refused("tag", &message)),
    };
    let (ids, label) = (form.ids.clone(), tag.as_str().to_string());
    if form.action == "untag" {
        let n = state.db.run(move |c| applicants::tags::remove(c, scope, &ids, &tag)).await?;
        return Ok(Outcome::Done(
            counted(n, "Took “{t}” off 1 applicant.", "Took “{t}” off {n} applicants.").replace("{t}", &label),
        ));
    }
    match state.db.run(move |c| applicants::tags::add(c, scope, &ids, &tag)).await? {
        Ok(n) => Ok(Outcome::Done(
            counted(n, "Tagged 1 applicant “{t}”.", "Tagged {n} applicants “{t}”.").replace("{t}", &label),
        )),
        Err(TagRefused::TooMany(name)) => Ok(refused(
            "tag",
            &format!("{name} already carries {} tags, the most an applicant may.", Tag::MAX_PER_APPLICANT),
        )),
    }
}
