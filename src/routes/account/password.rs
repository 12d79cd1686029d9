use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::{CsrfForm, CurrentUser, FlashKind, TypedSession, password};
use crate::db::{self, users};
use crate::domain::Password;
use crate::error::AppResult;
use crate::routes::{FieldErrors, Page, render, see_other};
use crate::startup::AppState;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    pub current_password: String,
    pub new_password: String,
}

#[derive(Template)]
#[template(path = "account/password.html")]
struct PasswordPage {
    page: Page,
    errors: FieldErrors,
}

pub async fn form(page: Page, _user: CurrentUser) -> AppResult<HttpResponse> {
    render(StatusCode::OK, &PasswordPage { page, errors: FieldErrors::default() })
}

/// Changes the password and ends every other session of the user.
pub async fn submit(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> AppResult<HttpResponse> {
    let mut errors = FieldErrors::default();
    let current_ok =
        password::verify(form.current_password.clone(), Some(user.password_hash.clone()), state.settings.bcrypt_cost)
            .await?;
    if !current_ok {
        errors.add("current_password", "Your current password is not right.");
    }
    let new = errors.check("new_password", Password::parse(&form.new_password));
    let Some(new) = new.filter(|_| errors.is_empty()) else {
        return render(StatusCode::UNPROCESSABLE_ENTITY, &PasswordPage { page, errors });
    };
    let hash = password::hash(new.expose().to_string(), state.settings.bcrypt_cost).await?;
    let id = user.id;
    let epoch = state
        .db
        .run(move |c| {
            db::transaction(c, |c| {
                users::set_password(c, id, &hash)?;
                users::bump_session_epoch(c, id)
            })
        })
        .await?;
    let session = TypedSession::from_request(&req);
    session.set_epoch(epoch)?;
    session.flash(FlashKind::Success, "Your password is changed. Other devices have been logged out.");
    Ok(see_other("/account/password"))
}
