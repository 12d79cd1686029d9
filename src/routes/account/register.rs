use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::landing_for;
use crate::auth::{CsrfForm, FlashKind, TypedSession, password};
use crate::db::{self, companies, users};
use crate::domain::{DisplayText, Email, Password, Role, Username};
use crate::error::{AppError, AppResult};
use crate::routes::{FieldErrors, Page, render, see_other};
use crate::startup::AppState;

/// The sign-up fields. Anything else sent (an `is_admin`, a `company_id`) is
/// not read; `role` can only be seeker or employer.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RegisterForm {
    pub email: String,
    pub username: String,
    pub password: String,
    pub role: String,
    pub company_name: String,
}

#[derive(Template)]
#[template(path = "account/register.html")]
struct RegisterPage {
    page: Page,
    form: RegisterForm,
    errors: FieldErrors,
}

pub async fn form(page: Page) -> AppResult<HttpResponse> {
    if let Some(user) = &page.user {
        return Ok(see_other(landing_for(user.role)));
    }
    let form = RegisterForm { role: "seeker".into(), ..Default::default() };
    render(StatusCode::OK, &RegisterPage { page, form, errors: FieldErrors::default() })
}

struct Valid {
    email: Email,
    username: Username,
    password: Password,
    role: Role,
    company: Option<DisplayText>,
}

fn validate(form: &RegisterForm) -> Result<Valid, FieldErrors> {
    let mut errors = FieldErrors::default();
    let email = errors.check("email", Email::parse(&form.email));
    let username = errors.check("username", Username::parse(&form.username));
    let password = errors.check("password", Password::parse(&form.password));
    let role = match form.role.as_str() {
        "seeker" => Some(Role::Seeker),
        "employer" => Some(Role::Employer),
        _ => {
            errors.add("role", "Choose whether you are looking for a job or hiring.");
            None
        }
    };
    let company = if role == Some(Role::Employer) {
        errors.check(
            "company_name",
            DisplayText::parse(&form.company_name, 2, 100).map_err(|e| format!("Company name: {e}")),
        )
    } else {
        None
    };
    match (email, username, password, role) {
        (Some(email), Some(username), Some(password), Some(role)) if errors.is_empty() => {
            Ok(Valid { email, username, password, role, company })
        }
        _ => Err(errors),
    }
}

pub async fn submit(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    CsrfForm(mut form): CsrfForm<RegisterForm>,
) -> AppResult<HttpResponse> {
    let valid = match validate(&form) {
        Ok(v) => v,
        Err(errors) => {
            form.password.clear();
            return render(StatusCode::UNPROCESSABLE_ENTITY, &RegisterPage { page, form, errors });
        }
    };
    let hash = password::hash(valid.password.expose().to_string(), state.settings.bcrypt_cost).await?;
    let (email, username) = (valid.email.as_str().to_string(), valid.username.as_str().to_string());
    let (role, company) = (valid.role, valid.company.map(DisplayText::into_inner));
    let created = state
        .db
        .run(move |c| {
            db::transaction(c, |c| {
                let mut errors = FieldErrors::default();
                if users::email_taken(c, &email)? {
                    errors.add("email", "An account with this e-mail address already exists. Log in instead?");
                }
                if users::username_taken(c, &username)? {
                    errors.add("username", "This user name is taken. Try another.");
                }
                if !errors.is_empty() {
                    return Ok::<_, AppError>(Err(errors));
                }
                let company_id = match &company {
                    Some(name) => Some(companies::create(c, name)?.id),
                    None => None,
                };
                let now = db::now();
                let user = users::insert(
                    c,
                    &users::NewUser {
                        email: &email,
                        username: &username,
                        password_hash: &hash,
                        role,
                        company_id,
                        display_name: "",
                        created_at: now,
                        updated_at: now,
                    },
                )
                .map_err(|e| {
                    // Two sign-ups racing for one name: the index decides.
                    if db::is_unique_violation(&e) { AppError::Unprocessable("taken".into()) } else { e.into() }
                })?;
                Ok(Ok(user))
            })
        })
        .await;
    let user = match created {
        Ok(Ok(user)) => user,
        Ok(Err(errors)) => {
            form.password.clear();
            return render(StatusCode::UNPROCESSABLE_ENTITY, &RegisterPage { page, form, errors });
        }
        Err(AppError::Unprocessable(_)) => {
            let mut errors = FieldErrors::default();
            errors.add("email", "This e-mail address or user name was just taken. Try again.");
            form.password.clear();
            return render(StatusCode::UNPROCESSABLE_ENTITY, &RegisterPage { page, form, errors });
        }
        Err(e) => return Err(e),
    };
    tracing::info!(user_id = user.id, role = user.role.as_str(), "user registered");
    let session = TypedSession::from_request(&req);
    session.log_in(&user)?;
    session.flash(FlashKind::Success, format!("Welcome to JobConnect, {}!", user.username));
    Ok(see_other(landing_for(user.role)))
}
