use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{invalid_link, landing_for, link_is_valid};
use crate::actions::account::{self, SIGNUP, SignUp};
use crate::auth::{CsrfForm, FlashKind, NoFields, TypedSession, client_ip, password};
use crate::db::audit;
use crate::db::outbox::LinkKind;
use crate::db::tokens;
use crate::db::{self, users};
use crate::domain::{DisplayText, Email, Password, Role, Username};
use crate::error::AppResult;
use crate::routes::{FieldErrors, Page, honeypot, render, see_other};
use crate::state::AppState;

/// The sign-up fields. Anything else sent (an `is_admin`, a `company_id`) is
/// not read; `role` can only be seeker or employer.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RegisterForm {
    pub full_name: String,
    pub email: String,
    pub username: String,
    pub password: String,
    pub role: String,
    pub company_name: String,
    /// The browser's time zone, filled by the page's script (see `domain::zone`).
    pub timezone: String,
    /// The honeypot: empty from people (see `routes::honeypot`).
    pub website: String,
}

#[derive(Template)]
#[template(path = "account/register.html")]
struct RegisterPage {
    page: Page,
    form: RegisterForm,
    errors: FieldErrors,
}

/// `/register?role=employer`: the "Post a job" and "Start hiring" links.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RoleQuery {
    role: String,
}

pub async fn form(page: Page, query: web::Query<RoleQuery>) -> AppResult<HttpResponse> {
    if let Some(user) = &page.user {
        return Ok(see_other(landing_for(user.role)));
    }
    let role = if query.role == "employer" { "employer" } else { "seeker" };
    let form = RegisterForm { role: role.into(), ..Default::default() };
    render(StatusCode::OK, &RegisterPage { page, form, errors: FieldErrors::default() })
}

struct Valid {
    full_name: DisplayText,
    email: Email,
    username: Username,
    password: Password,
    role: Role,
    company: Option<DisplayText>,
}

fn validate(form: &RegisterForm) -> Result<Valid, FieldErrors> {
    let mut errors = FieldErrors::default();
    let full_name = errors.check("full_name", DisplayText::full_name(&form.full_name));
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
    match (full_name, email, username, password, role) {
        (Some(full_name), Some(email), Some(username), Some(password), Some(role)) if errors.is_empty() => {
            Ok(Valid { full_name, email, username, password, role, company })
        }
        _ => Err(errors),
    }
}

const WINDOW: time::Duration = time::Duration::hours(1);

/// Signs up. Whether the address already has an account is not revealed:
/// both get "check your inbox", and the bcrypt hash is computed either way.
/// A new account works once the link e-mailed to its address is opened.
pub async fn submit(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<RegisterForm>,
) -> AppResult<HttpResponse> {
    let ip = client_ip(&req);
    if honeypot::caught(&state, &form.website, SIGNUP, &ip).await? {
        return Ok(see_other("/register/sent"));
    }
    let valid = match validate(&form) {
        Ok(v) => v,
        Err(errors) => return refuse(page, form, errors),
    };
    let limit = state.settings.limits.signups_per_address;
    let since = db::now() - WINDOW;
    let (address, name) = (ip.clone(), valid.username.as_str().to_string());
    let (throttled, name_taken) = state
        .db
        .run(move |c| {
            let throttled = audit::count_from(c, SIGNUP, &address, since)? >= limit;
            Ok::<_, diesel::result::Error>((throttled, users::username_taken(c, &name)?))
        })
        .await?;
    if throttled {
        tracing::warn!(%ip, "sign-ups throttled");
        let mut errors = FieldErrors::default();
        errors.add("email", "Too many sign-ups from your network. Wait an hour and try again.");
        return render_form(StatusCode::TOO_MANY_REQUESTS, page, form, errors);
    }
    // A user name is public (it is how people log in and are shown): saying
    // it is taken reveals nothing private.
    if name_taken {
        let mut errors = FieldErrors::default();
        errors.add("username", "This user name is taken. Try another.");
        return refuse(page, form, errors);
    }
    let hash = password::hash(valid.password.expose().to_string(), state.settings.bcrypt_cost).await?;
    let (email, username) = (valid.email.as_str().to_string(), valid.username.as_str().to_string());
    let (role, company) = (valid.role, valid.company.map(DisplayText::into_inner));
    let full_name = valid.full_name.into_inner();
    let timezone = crate::domain::zone::known_or_empty(&form.timezone);
    let settings = state.settings.clone();
    let created = state
        .db
        .run(move |c| {
            let account = users::NewAccount {
                email: &email,
                full_name: &full_name,
                username: &username,
                password_hash: &hash,
                role,
                company_name: company.as_deref(),
                email_confirmed: false,
                timezone: &timezone,
            };
            account::sign_up(c, &settings, &account, &ip, since)
        })
        .await?;
    match created {
        Ok(SignUp::Created(user_id)) => tracing::info!(user_id, role = role.as_str(), "user signed up"),
        Ok(SignUp::AddressTaken) => tracing::info!("sign-up with a registered address: owner told"),
        Err(account::NameTaken) => {
            let mut errors = FieldErrors::default();
            errors.add("username", "This user name was just taken. Try another.");
            return refuse(page, form, errors);
        }
    }
    state.outbox.wake();
    let session = TypedSession::from_request(&req);
    session.flash(
        FlashKind::Info,
        format!("We have sent an e-mail to {}. Open the link in it to finish signing up.", valid.email.as_str()),
    );
    Ok(see_other("/register/sent"))
}

fn refuse(page: Page, form: RegisterForm, errors: FieldErrors) -> AppResult<HttpResponse> {
    render_form(StatusCode::UNPROCESSABLE_ENTITY, page, form, errors)
}

fn render_form(status: StatusCode, page: Page, mut form: RegisterForm, errors: FieldErrors) -> AppResult<HttpResponse> {
    form.password.clear();
    render(status, &RegisterPage { page, form, errors })
}

#[derive(Template)]
#[template(path = "account/check_email.html")]
struct CheckEmailPage {
    page: Page,
}

/// "Check your inbox", after a sign-up.
pub async fn sent(page: Page) -> AppResult<HttpResponse> {
    render(StatusCode::OK, &CheckEmailPage { page })
}

#[derive(Template)]
#[template(path = "account/confirm.html")]
struct ConfirmPage {
    page: Page,
    token: String,
}

/// The link of the confirmation e-mail: a page with one button (a GET
/// changes nothing, so a mail scanner that opens links confirms nothing).
pub async fn confirm_form(page: Page, state: web::Data<AppState>, token: web::Path<String>) -> AppResult<HttpResponse> {
    let token = token.into_inner();
    if !link_is_valid(&state, LinkKind::ConfirmEmail, &token).await? {
        return invalid_link(page, LinkKind::ConfirmEmail);
    }
    render(StatusCode::OK, &ConfirmPage { page, token })
}

/// Confirms the address and logs the new account in.
pub async fn confirm(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
    _form: CsrfForm<NoFields>,
) -> AppResult<HttpResponse> {
    let token = token.into_inner();
    if !tokens::well_formed(&token) {
        return invalid_link(page, LinkKind::ConfirmEmail);
    }
    let ip = client_ip(&req);
    let confirmed = state.db.run(move |c| account::confirm_email(c, &token, &ip)).await?;
    let Some(user) = confirmed else { return invalid_link(page, LinkKind::ConfirmEmail) };
    tracing::info!(user_id = user.id, "e-mail address confirmed");
    let session = TypedSession::from_request(&req);
    session.log_in(&user)?;
    session.flash(FlashKind::Success, format!("Welcome to JobConnect, {}! Your account is ready.", user.username));
    Ok(see_other(landing_for(user.role)))
}
