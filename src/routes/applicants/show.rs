//! One applicant: details, cover letter, resume, notes, timeline, and the
//! forms that change them (stage, status, type, note; admins: assign, delete).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::scorecard::Scorecard;
use super::{crm_next, reject};
use crate::actions::pipeline::{self, Letter};
use crate::auth::{Admin, CsrfForm, CurrentUser, FlashKind, NoFields, TypedSession, client_ip};
use crate::db::applicants::duplicates::{self, Duplicate};
use crate::db::applicants::tags::TagRefused;
use crate::db::applicants::{self, AssignRefused, Detail, EventRow, ListRow, NoteRow, Person, Scope};
use crate::db::interviews::{self, Interview, Slot};
use crate::db::scorecards;
use crate::db::screening::{self, Answer};
use crate::db::steps::{self, Choice};
use crate::domain::applicant::parse_note;
use crate::domain::{ApplicantStatus, EmploymentType, MoveTarget, Stage, Tag};
use crate::error::{AppError, AppResult};
use crate::routes::{FieldErrors, Page, render, see_other};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "applicants/show.html")]
struct ShowPage {
    page: Page,
    d: Detail,
    notes: Vec<NoteRow>,
    events: Vec<EventRow>,
    people: Vec<Person>,
    is_admin: bool,
    errors: FieldErrors,
    kept: Kept,
    /// The tags the company already uses (offered when tagging).
    company_tags: Vec<(String, i64)>,
    /// Where the move form may take the applicant.
    choices: Vec<Choice>,
    /// Other records of the company that look like the same person.
    duplicates: Vec<Duplicate>,
    /// Records merged into this one.
    merged: Vec<ListRow>,
    /// When this record is merged: the one it is merged into (id, name).
    merged_into: Option<(i64, String)>,
    /// The job's scorecard, when it has criteria.
    scorecard: Option<Scorecard>,
    /// The answers to the job's screening questions.
    answers: Vec<Answer>,
    /// The applicant's interviews, newest first, with their proposed times.
    interviews: Vec<(Interview, Vec<Slot>)>,
}

/// A field of a form read as pairs (the scorecard, an interview proposal), or "".
pub(super) fn pair<'a>(fields: &'a [(String, String)], key: &str) -> &'a str {
    fields.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()).unwrap_or("")
}

/// The applicant page again (422), a pairs form refused with `message` on
/// `field` and shown as it was sent.
pub(super) async fn refuse_pairs(
    page: Page,
    state: &AppState,
    scope: Scope,
    id: i64,
    field: &'static str,
    message: String,
    fields: Vec<(String, String)>,
) -> AppResult<HttpResponse> {
    let mut errors = FieldErrors::default();
    errors.add(field, message);
    let kept = Kept { fields, ..Kept::default() };
    render_show(page, state, scope, id, StatusCode::UNPROCESSABLE_ENTITY, errors, kept).await
}

/// The records the page links to: where it may move, its look-alikes, merges.
struct Linked {
    choices: Vec<Choice>,
    duplicates: Vec<Duplicate>,
    merged: Vec<ListRow>,
    merged_into: Option<(i64, String)>,
    scorecard: Option<Scorecard>,
    answers: Vec<Answer>,
    interviews: Vec<(Interview, Vec<Slot>)>,
}

/// What a refused form sent, shown again beside its error.
#[derive(Debug, Default)]
pub(super) struct Kept {
    pub note: String,
    pub assignee: String,
    pub tag: String,
    /// The fields of a form sent as pairs (the scorecard, an interview proposal).
    pub fields: Vec<(String, String)>,
}

impl ShowPage {
    /// The line under the name: position and current company, unless the
    /// position only repeats the job applied for.
    fn headline(&self) -> String {
        let a = &self.d.applicant;
        let position = if self.d.job_title.as_deref() == Some(a.position.as_str()) { "" } else { &a.position };
        match (position.is_empty(), a.current_company.is_empty()) {
            (false, false) => format!("{position} at {}", a.current_company),
            (false, true) => position.to_string(),
            (true, false) => a.current_company.clone(),
            (true, true) => String::new(),
        }
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

    /// A field of a refused form (an interview proposal), as typed.
    fn kept_field(&self, key: &str) -> &str {
        pair(&self.kept.fields, key)
    }

    fn zones(&self) -> Vec<&str> {
        crate::domain::zone::choices(self.default_zone())
    }

    /// The zone a proposal starts in: the company's, else the viewer's, else UTC.
    fn default_zone(&self) -> &str {
        let own = self.page.user.as_ref().map_or("", |u| u.timezone.as_str());
        [self.d.company_timezone.as_str(), own].into_iter().find(|z| !z.is_empty()).unwrap_or("UTC")
    }

    fn durations(&self) -> [i32; 5] {
        crate::domain::interview::DURATIONS
    }

    /// The scorecard form's score for a criterion: as typed, else the viewer's own.
    fn score_of(&self, criterion: &i64) -> String {
        self.kept_or_mine(&format!("score-{criterion}"), criterion, |(score, _)| score.to_string())
    }

    fn comment_of(&self, criterion: &i64) -> String {
        self.kept_or_mine(&format!("comment-{criterion}"), criterion, |(_, comment)| comment.clone())
    }

    fn kept_or_mine(&self, key: &str, criterion: &i64, mine: impl Fn(&(i32, String)) -> String) -> String {
        if self.kept.fields.iter().any(|(k, _)| k.starts_with("score-") || k.starts_with("comment-")) {
            return self.kept.fields.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default();
        }
        self.scorecard.as_ref().and_then(|s| s.mine.get(criterion)).map(mine).unwrap_or_default()
    }

    fn assign_selected(&self, id: &i64) -> bool {
        if self.kept.assignee.is_empty() {
            self.d.applicant.assignee_id == Some(*id)
        } else {
            self.kept.assignee == id.to_string()
        }
    }

    /// Where the applicant is in the pipeline, as "step n of 5" for people
    /// (rejected is off the path).
    fn pipeline_position(&self) -> usize {
        crate::domain::applicant::stage_rank(self.d.applicant.stage)
    }
}

/// What a timeline row is called on the page.
pub fn event_label(kind: &str) -> String {
    match kind {
        applicants::event::CREATED => "Added".into(),
        applicants::event::STAGE => "Stage changed".into(),
        applicants::event::STATUS => "Status changed".into(),
        applicants::event::TYPE => "Employment type changed".into(),
        applicants::event::ASSIGNED => "Assignment".into(),
        applicants::event::EDITED => "Details edited".into(),
        applicants::event::MERGED => "Merge".into(),
        "scorecard" => "Scorecard".into(),
        "screening" => "Screening questions".into(),
        "interview" => "Interview".into(),
        "applied" => "Applied".into(),
        "withdrawn" => "Withdrawn".into(),
        "email" => "E-mail".into(),
        "message" => "Message".into(),
        other => {
            let mut chars = other.replace(['_', '.'], " ").chars().collect::<Vec<_>>();
            if let Some(first) = chars.first_mut() {
                *first = first.to_ascii_uppercase();
            }
            chars.into_iter().collect()
        }
    }
}

/// The CSS class of an e-mail's delivery state.
pub fn email_state_class(state: &str) -> &'static str {
    match state {
        "sent" => "badge badge-success",
        "failed" => "badge badge-danger",
        _ => "badge badge-warning",
    }
}

pub(super) async fn render_show(
    page: Page,
    state: &AppState,
    scope: Scope,
    id: i64,
    status: StatusCode,
    errors: FieldErrors,
    kept: Kept,
) -> AppResult<HttpResponse> {
    let viewer = page.user.as_ref().map(|u| u.id);
    let (d, notes, events, people, company_tags, more) = state
        .db
        .run(move |c| {
            let d = applicants::detail(c, scope, id)?;
            let notes = applicants::notes(c, id)?;
            let events = applicants::timeline(c, id)?;
            let people = if scope == Scope::Everything {
                applicants::assignable_people(c, Some(d.applicant.company_id))?
            } else {
                Vec::new()
            };
            let company_tags = applicants::tags::of_company(c, d.applicant.company_id)?;
            let choices = steps::move_choices(&steps::of_company(c, d.applicant.company_id)?);
            let choices = steps::choices_at(&choices, d.applicant.stage, d.applicant.step_id);
            let (duplicates, merged_into) = match d.applicant.merged_into {
                None => (duplicates::of(c, &d.applicant)?, None),
                Some(keep) => (Vec::new(), Some((keep, applicants::find(c, keep)?.name))),
            };
            let merged = duplicates::merged_into(c, id)?;
            let criteria = match d.applicant.job_id {
                Some(job) => scorecards::criteria(c, job)?,
                None => Vec::new(),
            };
            let ratings = if criteria.is_empty() { Vec::new() } else { scorecards::ratings(c, id)? };
            let scorecard = super::scorecard::card(criteria, ratings, viewer);
            let answers = screening::answers(c, id)?;
            let interviews = interviews::of_applicant(c, id)?;
            let more = Linked { choices, duplicates, merged, merged_into, scorecard, answers, interviews };
            Ok::<_, AppError>((d, notes, events, people, company_tags, more))
        })
        .await?;
    let is_admin = scope == Scope::Everything;
    let Linked { choices, duplicates, merged, merged_into, scorecard, answers, interviews } = more;
    let tpl = ShowPage {
        page,
        d,
        notes,
        events,
        people,
        is_admin,
        errors,
        kept,
        company_tags,
        choices,
        duplicates,
        merged,
        merged_into,
        scorecard,
        answers,
        interviews,
    };
    render(status, &tpl)
}

pub async fn show(
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let scope = user.company_scope()?;
    render_show(page, &state, scope, path.into_inner(), StatusCode::OK, FieldErrors::default(), Kept::default()).await
}

fn back_to(id: i64, next: &str) -> String {
    crm_next(next).unwrap_or_else(|| format!("/applicants/{id}"))
}

fn one_error(field: &'static str, message: &str) -> FieldErrors {
    let mut errors = FieldErrors::default();
    errors.add(field, message);
    errors
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StageForm {
    pub stage: String,
    /// Required for the rejected stage (`RejectionReason`).
    pub reason: String,
    /// "Tell the candidate" ticked: the stage's e-mail goes out.
    pub tell: String,
    pub next: String,
}

pub async fn stage(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<StageForm>,
) -> AppResult<HttpResponse> {
    let scope = user.company_scope()?;
    let id = path.into_inner();
    let target = MoveTarget::parse(&form.stage);
    let place = match target {
        Some(target) => state.db.run(move |c| applicants::place_of(c, scope, target)).await?,
        None => None,
    };
    let Some(place) = place else {
        let errors = one_error("stage", "Choose one of the pipeline stages.");
        return render_show(page, &state, scope, id, StatusCode::UNPROCESSABLE_ENTITY, errors, Kept::default()).await;
    };
    let Ok(reason) = reject::reason_for(place.stage, &form.reason) else {
        let hidden = vec![
            ("stage".to_string(), form.stage.trim().to_string()),
            ("tell".to_string(), form.tell.clone()),
            ("next".to_string(), form.next.clone()),
        ];
        let (action, back) = (format!("/applicants/{id}/stage"), back_to(id, &form.next));
        return reject::ask(page, &state, scope, vec![id], action, hidden, &form.reason, back).await;
    };
    let label = place.label().to_string();
    let (actor, reply_to, settings) = (user.id, user.email.clone(), state.settings.clone());
    let letter = if form.tell.is_empty() { Letter::Nothing } else { Letter::ForStage };
    let moved = state
        .db
        .run(move |c| pipeline::move_to_stage(c, scope, &[id], &place, reason, actor, &reply_to, letter, &settings))
        .await?
        .map_err(|_| AppError::NotFound)?;
    state.hub.poke(&moved.changed.notified);
    if moved.emailed > 0 {
        state.outbox.wake();
    }
    let sent = if moved.emailed > 0 { " The candidate is told by e-mail." } else { "" };
    let message = format!("Moved to {label}.{sent}");
    if crate::routes::page::wants_json(&req) {
        // The board's script moved the card already; it shows the message.
        return Ok(HttpResponse::Ok().json(serde_json::json!({ "moved": moved.changed.count > 0, "message": message })));
    }
    if moved.changed.count > 0 {
        TypedSession::from_request(&req).flash(FlashKind::Success, message);
    }
    Ok(see_other(&back_to(id, &form.next)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StatusForm {
    pub status: String,
}

pub async fn status(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<StatusForm>,
) -> AppResult<HttpResponse> {
    let scope = user.company_scope()?;
    let id = path.into_inner();
    let Ok(status) = form.status.parse::<ApplicantStatus>() else {
        let errors = one_error("status", "Choose open, pending or closed.");
        return render_show(page, &state, scope, id, StatusCode::UNPROCESSABLE_ENTITY, errors, Kept::default()).await;
    };
    let actor = user.id;
    if state.db.run(move |c| applicants::set_status(c, scope, id, status, actor)).await? {
        TypedSession::from_request(&req).flash(FlashKind::Success, format!("Status set to {}.", status.label()));
    }
    Ok(see_other(&format!("/applicants/{id}")))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TypeForm {
    pub employment_type: String,
}

pub async fn employment_type(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<TypeForm>,
) -> AppResult<HttpResponse> {
    let scope = user.company_scope()?;
    let id = path.into_inner();
    let Ok(kind) = form.employment_type.parse::<EmploymentType>() else {
        let errors = one_error("employment_type", "Choose an employment type.");
        return render_show(page, &state, scope, id, StatusCode::UNPROCESSABLE_ENTITY, errors, Kept::default()).await;
    };
    let actor = user.id;
    if state.db.run(move |c| applicants::set_employment_type(c, scope, id, kind, actor)).await? {
        TypedSession::from_request(&req).flash(FlashKind::Success, format!("Employment type set to {}.", kind.label()));
    }
    Ok(see_other(&format!("/applicants/{id}")))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NoteForm {
    pub body: String,
}

pub async fn add_note(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<NoteForm>,
) -> AppResult<HttpResponse> {
    let scope = user.company_scope()?;
    let id = path.into_inner();
    let body = match parse_note(&form.body) {
        Ok(body) => body,
        Err(message) => {
            let errors = one_error("body", &message);
            return render_show(
                page,
                &state,
                scope,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                Kept { note: form.body, ..Kept::default() },
            )
            .await;
        }
    };
    let author = user.id;
    state.db.run(move |c| applicants::add_note(c, scope, id, &body, author)).await?;
    TypedSession::from_request(&req).flash(FlashKind::Success, "Note added.");
    Ok(see_other(&format!("/applicants/{id}#notes")))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TagForm {
    pub tag: String,
}

/// Tags the applicant (a tag it carries already is left as it is).
pub async fn add_tag(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<TagForm>,
) -> AppResult<HttpResponse> {
    let scope = user.company_scope()?;
    let id = path.into_inner();
    let refused = match Tag::parse(&form.tag) {
        Err(message) => Some(message),
        Ok(tag) => match state.db.run(move |c| applicants::tags::add(c, scope, &[id], &tag)).await? {
            Ok(_) => None,
            Err(TagRefused::TooMany(_)) => {
                Some(format!("An applicant carries at most {} tags.", Tag::MAX_PER_APPLICANT))
            }
        },
    };
    if let Some(message) = refused {
        let kept = Kept { tag: form.tag, ..Kept::default() };
        let errors = one_error("tag", &message);
        return render_show(page, &state, scope, id, StatusCode::UNPROCESSABLE_ENTITY, errors, kept).await;
    }
    TypedSession::from_request(&req).flash(FlashKind::Success, "Tag added.");
    Ok(see_other(&format!("/applicants/{id}#tags")))
}

/// Takes a tag off the applicant.
pub async fn remove_tag(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<TagForm>,
) -> AppResult<HttpResponse> {
    let scope = user.company_scope()?;
    let id = path.into_inner();
    let tag = Tag::parse(&form.tag).ok();
    let removed = state
        .db
        .run(move |c| {
            // Someone else's applicant is a 404 whatever the form holds.
            applicants::find_in_scope(c, scope, id)?;
            tag.map(|tag| applicants::tags::remove(c, scope, &[id], &tag)).transpose()
        })
        .await?
        .ok_or_else(|| AppError::Unprocessable("invalid tag".into()))?;
    if removed > 0 {
        TypedSession::from_request(&req).flash(FlashKind::Success, "Tag removed.");
    }
    Ok(see_other(&format!("/applicants/{id}#tags")))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AssignForm {
    /// A user id, or "none" to unassign.
    pub assignee: String,
}

/// Admins only (everyone else: 404, and nothing changes).
pub async fn assign(
    req: HttpRequest,
    page: Page,
    admin: Admin,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<AssignForm>,
) -> AppResult<HttpResponse> {
    let scope = admin.company_scope()?;
    let id = path.into_inner();
    let target = match form.assignee.trim() {
        "none" => Some(None),
        raw => raw.parse::<i64>().ok().map(Some),
    };
    let Some(target) = target else {
        let errors = one_error("assignee", "Choose who to assign this applicant to.");
        return render_show(
            page,
            &state,
            scope,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            Kept { assignee: form.assignee, ..Kept::default() },
        )
        .await;
    };
    let (actor, ip) = (admin.id, client_ip(&req));
    match state.db.run(move |c| applicants::assign(c, scope, &[id], target, actor, &ip)).await? {
        Ok(changed) => {
            state.hub.poke(&changed.notified);
            let text = if target.is_some() { "Applicant assigned." } else { "Applicant unassigned." };
            TypedSession::from_request(&req).flash(FlashKind::Success, text);
            Ok(see_other(&format!("/applicants/{id}")))
        }
        Err(AssignRefused::NotAllowedTarget) => {
            let errors = one_error("assignee", "Choose an admin or an active employer of this applicant's company.");
            let kept = Kept { assignee: form.assignee, ..Kept::default() };
            render_show(page, &state, scope, id, StatusCode::UNPROCESSABLE_ENTITY, errors, kept).await
        }
    }
}

/// Admins only. Notes and history go with the applicant; a resume uploaded
/// by hand for this applicant alone is deleted with its file.
pub async fn delete(
    req: HttpRequest,
    admin: Admin,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let scope = admin.company_scope()?;
    let id = path.into_inner();
    let (actor, ip) = (admin.id, client_ip(&req));
    let orphan = state.db.run(move |c| applicants::delete(c, scope, id, actor, &ip)).await?;
    if let Some(path) = orphan.and_then(|name| crate::storage::stored_path(&state.settings.upload_dir, &name)) {
        if let Err(e) = tokio::fs::remove_file(&path).await {
            tracing::warn!(error = %e, path = %path.display(), "could not remove the resume of a deleted applicant");
        }
    }
    TypedSession::from_request(&req).flash(FlashKind::Success, "Applicant deleted.");
    Ok(see_other("/applicants"))
}
