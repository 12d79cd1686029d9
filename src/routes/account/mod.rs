//! Sign-up (with e-mail confirmation), log-in, log-out, password change.

mod login;
mod password;
mod privacy;
mod register;
mod reset;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;

use crate::db::outbox::LinkKind;
use crate::db::tokens;
use crate::domain::Role;
use crate::error::AppResult;
use crate::routes::{Page, Routes, render};
use crate::state::AppState;

pub use login::reserve_attempt;

pub fn routes(r: &mut Routes) {
    r.get("/register", register::form)
        .post("/register", register::submit)
        .get("/register/sent", register::sent)
        .get("/account/confirm/{token}", register::confirm_form)
        .post("/account/confirm/{token}", register::confirm)
        .get("/login", login::form)
        .post("/login", login::submit)
        .post("/logout", login::logout)
        .get("/account/password", password::form)
        .post("/account/password", password::submit)
        .get("/password/forgot", reset::forgot_form)
        .post("/password/forgot", reset::forgot_submit)
        .get("/password/reset/{token}", reset::reset_form)
        .post("/password/reset/{token}", reset::reset_submit)
        .get("/account/privacy", privacy::show)
        .get("/account/data.zip", privacy::download)
        .post("/account/erase", privacy::erase);
}

/// Where a user lands after signing up or logging in.
pub fn landing_for(role: Role) -> &'static str {
    match role {
        Role::Seeker => "/jobs",
        Role::Employer => "/employer",
        Role::Admin => "/admin",
    }
}

/// The token of a one-time link (`kind`) is well formed, unused and not expired.
pub async fn link_is_valid(state: &AppState, kind: LinkKind, token: &str) -> AppResult<bool> {
    if !tokens::well_formed(token) {
        return Ok(false);
    }
    let token = token.to_string();
    Ok(state.db.run(move |c| tokens::valid_user(c, kind, &token)).await?.is_some())
}

#[derive(Template)]
#[template(path = "account/link_invalid.html")]
struct InvalidLinkPage {
    page: Page,
    kind: LinkKind,
}

/// Expired, used and unknown links look the same (404).
pub fn invalid_link(page: Page, kind: LinkKind) -> AppResult<HttpResponse> {
    render(StatusCode::NOT_FOUND, &InvalidLinkPage { page, kind })
}
