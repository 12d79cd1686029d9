//! Duplicate candidates: the company's groups of records sharing an e-mail
//! or a phone, and the merge (and its undo) from an applicant's page.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::crm_next;
use crate::auth::{CsrfForm, CurrentUser, FlashKind, TypedSession, client_ip};
use crate::db::applicants::duplicates::{self, MergeRefused};
use crate::db::applicants::{ListRow, Scope};
use crate::error::{AppError, AppResult};
use crate::routes::{Page, render, see_other};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "applicants/duplicates.html")]
struct DuplicatesPage {
    page: Page,
    /// None: an admin who has not chosen a company.
    company: Option<(i64, String)>,
    groups: Vec<Vec<ListRow>>,
}

impl DuplicatesPage {
    fn cap(&self) -> usize {
        duplicates::GROUPS
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CompanyQuery {
    company: String,
}

/// `GET /applicants/duplicates` (admins: `?company=ID`).
pub async fn list(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let query: CompanyQuery = serde_html_form::from_str(req.query_string()).unwrap_or_default();
    let company = match user.company_scope()? {
        Scope::Company(id) => Some(id),
        Scope::Everything => match query.company.trim() {
            "" => None,
            raw => Some(raw.parse::<i64>().map_err(|_| AppError::NotFound)?),
        },
    };
    let (company, groups) = state
        .db
        .run(move |c| {
            let Some(id) = company else { return Ok::<_, AppError>((None, Vec::new())) };
            let name = crate::db::companies::find(c, id)?.name;
            Ok((Some((id, name)), duplicates::groups(c, id)?))
        })
        .await?;
    render(StatusCode::OK, &DuplicatesPage { page, company, groups })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MergeForm {
    /// The record to hide behind this one.
    pub other: String,
    pub next: String,
}

/// `POST /applicants/{id}/merge`: `other` goes behind this record.
pub async fn merge(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<MergeForm>,
) -> AppResult<HttpResponse> {
    let scope = user.company_scope()?;
    let keep = path.into_inner();
    let other = form.other.trim().parse::<i64>().ok().filter(|id| *id > 0);
    let (actor, ip) = (user.id, client_ip(&req));
    let done = state
        .db
        .run(move |c| {
            // Someone else's record is a 404 whatever the form holds.
            crate::db::applicants::find_in_scope(c, scope, keep)?;
            other.map(|other| duplicates::merge(c, scope, keep, other, actor, &ip)).transpose()
        })
        .await?
        .ok_or_else(|| AppError::Unprocessable("choose the record to merge".into()))?;
    let session = TypedSession::from_request(&req);
    match done {
        Ok(()) => {
            session.flash(FlashKind::Success, "Merged. The other record is kept whole below, and can be brought back.")
        }
        Err(MergeRefused::AlreadyMerged) => session.flash(FlashKind::Info, MergeRefused::AlreadyMerged.message()),
        Err(refused) => return Err(AppError::Unprocessable(refused.message().into())),
    }
    Ok(see_other(&crm_next(&form.next).unwrap_or_else(|| format!("/applicants/{keep}#merged"))))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UnmergeForm {
    pub next: String,
}

/// `POST /applicants/{id}/unmerge`: the record comes back as it was.
pub async fn unmerge(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<UnmergeForm>,
) -> AppResult<HttpResponse> {
    let scope = user.company_scope()?;
    let id = path.into_inner();
    let (actor, ip) = (user.id, client_ip(&req));
    if state.db.run(move |c| duplicates::unmerge(c, scope, id, actor, &ip)).await? {
        TypedSession::from_request(&req).flash(FlashKind::Success, "Merge undone: the record is back in the list.");
    }
    Ok(see_other(&crm_next(&form.next).unwrap_or_else(|| format!("/applicants/{id}"))))
}
