//! Companies of the site: the list, and a company's profile and employers.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::AdminNav;
use crate::auth::{Admin, CsrfForm, FlashKind, TypedSession};
use crate::db::admin::{self, CompanyRow};
use crate::db::companies::{self, Company};
use crate::db::users::User;
use crate::error::AppResult;
use crate::routes::companies::{CompanyForm, save_profile};
use crate::routes::jobs::view;
use crate::routes::query::{page_link, page_number, query_string};
use crate::routes::{FieldErrors, Page, Pager, Query, render, see_other};
use crate::state::AppState;

const PER_PAGE: i64 = 25;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    page: String,
}

#[derive(Template)]
#[template(path = "admin/companies.html")]
struct CompaniesPage {
    page: Page,
    nav: AdminNav,
    query: ListQuery,
    rows: Vec<CompanyRow>,
    pager: Pager,
}

pub async fn list(
    _admin: Admin,
    page: Page,
    state: web::Data<AppState>,
    Query(query): Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let q: String = query.q.chars().take(200).collect();
    let number = page_number(&query.page);
    let (rows, total) =
        state.db.run(move |c| admin::search_companies(c, &q, PER_PAGE, (number - 1) * PER_PAGE)).await?;
    let base = query_string(&[("q", &query.q)]);
    let pager = Pager::counted(number, PER_PAGE, total, |p| page_link(&base, p));
    render(StatusCode::OK, &CompaniesPage { page, nav: AdminNav("companies"), query, rows, pager })
}

#[derive(Template)]
#[template(path = "admin/company.html")]
struct CompanyPage {
    page: Page,
    nav: AdminNav,
    company: Company,
    employers: Vec<User>,
    form: CompanyForm,
    errors: FieldErrors,
}

impl CompanyPage {
    fn public_path(&self) -> String {
        view::company_path(self.company.id, &self.company.slug)
    }
}

async fn company_page(
    state: &AppState,
    page: Page,
    id: i64,
    form: Option<CompanyForm>,
    errors: FieldErrors,
) -> AppResult<HttpResponse> {
    let (company, employers) = state
        .db
        .run(move |c| Ok::<_, diesel::result::Error>((companies::find(c, id)?, admin::employers_of(c, id)?)))
        .await?;
    let form = form.unwrap_or_else(|| CompanyForm::from_company(&company));
    let status = errors.status();
    render(status, &CompanyPage { page, nav: AdminNav("companies"), company, employers, form, errors })
}

pub async fn show(
    _admin: Admin,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    company_page(&state, page, id.into_inner(), None, FieldErrors::default()).await
}

pub async fn update(
    req: HttpRequest,
    admin: Admin,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<CompanyForm>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    match form.validate() {
        Ok(profile) => {
            let company = save_profile(&req, &state, admin.id, id, profile).await?;
            TypedSession::from_request(&req)
                .flash(FlashKind::Success, format!("Saved the profile of {}.", company.name));
            Ok(see_other(&format!("/admin/companies/{id}")))
        }
        Err(errors) => company_page(&state, page, id, Some(form), errors).await,
    }
}
