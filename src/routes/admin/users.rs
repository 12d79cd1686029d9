use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::AdminNav;
use crate::actions;
use crate::auth::{Admin, CsrfForm, FlashKind, NoFields, TypedSession, client_ip};
use crate::db::admin::{self, UserFilter, UserRow};
use crate::db::companies;
use crate::db::users::{self, User};
use crate::domain::{CompanyRole, Role};
use crate::error::AppResult;
use crate::routes::query::{page_link, page_number, query_string};
use crate::routes::{FieldErrors, Page, Pager, Query, render, see_other};
use crate::state::AppState;

const PER_PAGE: i64 = 25;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    role: String,
    state: String,
    page: String,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    page: Page,
    nav: AdminNav,
    query: ListQuery,
    rows: Vec<UserRow>,
    pager: Pager,
}

pub async fn list(
    _admin: Admin,
    page: Page,
    state: web::Data<AppState>,
    Query(query): Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let filter = UserFilter {
        q: query.q.chars().take(200).collect(),
        role: query.role.parse().ok(),
        active: match query.state.as_str() {
            "active" => Some(true),
            "deactivated" => Some(false),
            _ => None,
        },
    };
    let number = page_number(&query.page);
    let (rows, total) =
        state.db.run(move |c| admin::search_users(c, &filter, PER_PAGE, (number - 1) * PER_PAGE)).await?;
    let base = query_string(&[("q", &query.q), ("role", &query.role), ("state", &query.state)]);
    let pager = Pager::counted(number, PER_PAGE, total, |p| page_link(&base, p));
    render(StatusCode::OK, &UsersPage { page, nav: AdminNav("users"), query, rows, pager })
}

#[derive(Template)]
#[template(path = "admin/user.html")]
struct UserPage {
    page: Page,
    nav: AdminNav,
    user: User,
    company: Option<companies::Company>,
    /// (id, name, selected) for the company select.
    companies: Vec<(i64, String, bool)>,
    errors: FieldErrors,
}

async fn user_page(state: &AppState, page: Page, id: i64, errors: FieldErrors) -> AppResult<HttpResponse> {
    let (user, company, companies) = state
        .db
        .run(move |c| {
            let user = users::find(c, id)?;
            let company = user.company_id.map(|cid| companies::find(c, cid)).transpose()?;
            Ok::<_, diesel::result::Error>((user, company, admin::company_names(c)?))
        })
        .await?;
    let companies = companies.into_iter().map(|(cid, name)| (cid, name, user.company_id == Some(cid))).collect();
    let status = errors.status();
    render(status, &UserPage { page, nav: AdminNav("users"), user, company, companies, errors })
}

pub async fn show(
    _admin: Admin,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    user_page(&state, page, id.into_inner(), FieldErrors::default()).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RoleForm {
    role: String,
    company_id: String,
    /// The employer's part in the company's team: how an admin gives a
    /// company without an owner a new one.
    company_role: String,
}

pub async fn change_role(
    req: HttpRequest,
    admin: Admin,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<RoleForm>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let Ok(role) = form.role.parse::<Role>() else {
        let mut errors = FieldErrors::default();
        errors.add("role", "Choose a role.");
        return user_page(&state, page, id, errors).await;
    };
    let company_role = match form.company_role.trim() {
        "" => None,
        raw => match raw.parse::<CompanyRole>() {
            Ok(role) => Some(role),
            Err(_) => {
                let mut errors = FieldErrors::default();
                errors.add("company_role", "Choose owner, recruiter or viewer.");
                return user_page(&state, page, id, errors).await;
            }
        },
    };
    let company_id = form.company_id.trim().parse::<i64>().ok();
    let (actor, ip) = (admin.id, client_ip(&req));
    let outcome =
        state.db.run(move |c| actions::admin::set_role(c, actor, &ip, id, role, company_id, company_role)).await?;
    match outcome {
        Ok(()) => {
            // Their sessions ended: open pages lose the socket of the old scope.
            state.hub.poke(&[id]);
            TypedSession::from_request(&req).flash(FlashKind::Success, format!("Role changed to {}.", role.label()));
            Ok(see_other(&format!("/admin/users/{id}")))
        }
        Err((field, message)) => {
            let mut errors = FieldErrors::default();
            errors.add(field, message);
            user_page(&state, page, id, errors).await
        }
    }
}

async fn set_active(
    req: HttpRequest,
    admin: Admin,
    page: Page,
    state: web::Data<AppState>,
    id: i64,
    active: bool,
) -> AppResult<HttpResponse> {
    let (actor, ip) = (admin.id, client_ip(&req));
    let refused = state.db.run(move |c| actions::admin::set_active(c, actor, &ip, id, active)).await?.is_err();
    if refused {
        let mut errors = FieldErrors::default();
        errors.add("active", "This is the last active admin: it cannot be deactivated.");
        return user_page(&state, page, id, errors).await;
    }
    // Their sessions ended: open pages lose their live connection too.
    state.hub.poke(&[id]);
    let text =
        if active { "Account reactivated." } else { "Account deactivated: every session of this user has ended." };
    TypedSession::from_request(&req).flash(FlashKind::Success, text);
    Ok(see_other(&format!("/admin/users/{id}")))
}

pub async fn deactivate(
    req: HttpRequest,
    admin: Admin,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    set_active(req, admin, page, state, id.into_inner(), false).await
}

pub async fn reactivate(
    req: HttpRequest,
    admin: Admin,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    _form: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    set_active(req, admin, page, state, id.into_inner(), true).await
}
