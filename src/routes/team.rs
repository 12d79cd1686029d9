//! A company's team (`/employer/team`, owners only): its members and their
//! roles (owner, recruiter, viewer: enforced for every request by
//! `auth::session::team_allows`), and invitations by e-mail. An invitation
//! link is signed and expires (`/team/join/{token}`); the invited person
//! makes their account there.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::{CsrfForm, CurrentUser, FlashKind, TypedSession, password, signed};
use crate::db::mail::{self as outbox, OutgoingEmail, Sender};
use crate::db::team::{self, Invite, JoinRefused, LastOwner};
use crate::db::users::User;
use crate::domain::{CompanyRole, Email, Password, Username};
use crate::error::{AppError, AppResult};
use crate::routes::{FieldErrors, Page, Routes, render, see_other};
use crate::state::AppState;

pub fn routes(r: &mut Routes) {
    r.get("/employer/team", show)
        .post("/employer/team/invite", invite)
        .post("/employer/team/revoke", revoke)
        .post("/employer/team/role", set_role)
        .post("/employer/team/remove", remove)
        .get("/team/join/{token}", join_form)
        .post("/team/join/{token}", join);
}

const PURPOSE: &str = "team-invite";

/// The signed token of an invitation: its id and expiry, signed.
fn token(state: &AppState, invite: &Invite) -> String {
    let payload = format!("{}-{}", invite.id, invite.expires_at.assume_utc().unix_timestamp());
    signed::sign(&state.settings.session_key, PURPOSE, &payload)
}

/// The invitation a token names, if the signature holds and it is still open.
async fn open_invite(state: &AppState, token: &str) -> AppResult<Invite> {
    let payload = signed::verify(&state.settings.session_key, PURPOSE, token).ok_or(AppError::NotFound)?;
    let id = payload.split('-').next().and_then(|id| id.parse::<i64>().ok()).ok_or(AppError::NotFound)?;
    let invite = state.db.run(move |c| team::find_invite(c, id)).await?;
    if invite.is_open(crate::db::now()) { Ok(invite) } else { Err(AppError::NotFound) }
}

#[derive(Template)]
#[template(path = "companies/team.html")]
struct TeamPage {
    page: Page,
    members: Vec<User>,
    invites: Vec<Invite>,
    email: String,
    role: String,
    errors: FieldErrors,
}

impl TeamPage {
    fn roles(&self) -> &'static [CompanyRole] {
        CompanyRole::ALL
    }

    fn is_me(&self, id: &i64) -> bool {
        self.page.user.as_ref().is_some_and(|me| me.id == *id)
    }
}

async fn render_team(
    page: Page,
    state: &AppState,
    company: i64,
    status: StatusCode,
    (email, role): (String, String),
    errors: FieldErrors,
) -> AppResult<HttpResponse> {
    let now = crate::db::now();
    let (members, invites) = state
        .db
        .run(move |c| Ok::<_, AppError>((team::members(c, company)?, team::open_invites(c, company, now)?)))
        .await?;
    render(status, &TeamPage { page, members, invites, email, role, errors })
}

pub async fn show(page: Page, user: CurrentUser, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let company = user.employer_company()?;
    render_team(page, &state, company, StatusCode::OK, (String::new(), "recruiter".into()), FieldErrors::default())
        .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InviteForm {
    pub email: String,
    pub role: String,
}

pub async fn invite(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<InviteForm>,
) -> AppResult<HttpResponse> {
    let company = user.employer_company()?;
    let mut errors = FieldErrors::default();
    let email = errors.check("email", Email::parse(&form.email));
    let role = errors.check("role", form.role.trim().parse::<CompanyRole>().map_err(|_| "Choose a role."));
    let (Some(email), Some(role)) = (email, role) else {
        let kept = (form.email, form.role);
        return render_team(page, &state, company, StatusCode::UNPROCESSABLE_ENTITY, kept, errors).await;
    };
    let (address, by) = (email.as_str().to_string(), user.id);
    let taken_address = address.clone();
    if state.db.run(move |c| crate::db::users::email_taken(c, &taken_address)).await? {
        errors.add("email", "That address has an account already: invitations are for new accounts.");
        let kept = (form.email, form.role);
        return render_team(page, &state, company, StatusCode::UNPROCESSABLE_ENTITY, kept, errors).await;
    }
    let base = state.settings.base_url.trim_end_matches('/').to_string();
    let inviter = user.name().to_string();
    let reply_to = user.email.clone();
    let signer = state.clone();
    state
        .db
        .run(move |c| {
            crate::db::transaction(c, |c| {
                let invite = team::invite(c, company, &address, role, by)?;
                let company_name = crate::db::companies::find(c, company)?.name;
                let link = format!("{base}/team/join/{}", token(&signer, &invite));
                let text = format!(
                    "Hello,\n\n{inviter} invites you to join {company_name} on JobConnect as {}.\n\nMake your account here (the link works for {} days):\n{link}\n",
                    role.label().to_lowercase(),
                    team::INVITE_DAYS
                );
                let email = OutgoingEmail {
                    to: address.clone(),
                    to_name: String::new(),
                    subject: format!("Join {company_name} on JobConnect"),
                    text,
                    html: None,
                    applicant_id: None,
                };
                outbox::enqueue_from(c, &email, &Sender { name: Some(&company_name), reply_to: Some(&reply_to) })
            })
        })
        .await?;
    state.outbox.wake();
    TypedSession::from_request(&req).flash(FlashKind::Success, "Invitation sent.");
    Ok(see_other("/employer/team"))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MemberForm {
    pub invite: String,
    pub user: String,
    pub role: String,
}

fn id_of(raw: &str) -> AppResult<i64> {
    raw.trim().parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| AppError::Unprocessable("choose someone".into()))
}

pub async fn revoke(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<MemberForm>,
) -> AppResult<HttpResponse> {
    let company = user.employer_company()?;
    let id = id_of(&form.invite)?;
    if !state.db.run(move |c| team::revoke(c, company, id)).await? {
        return Err(AppError::NotFound);
    }
    TypedSession::from_request(&req).flash(FlashKind::Info, "Invitation revoked: its link no longer works.");
    Ok(see_other("/employer/team"))
}

fn last_owner(
    page: Page,
    state: &AppState,
    company: i64,
) -> impl std::future::Future<Output = AppResult<HttpResponse>> + '_ {
    let mut errors = FieldErrors::default();
    errors.add("team", "The company needs an owner: make someone else owner first.");
    render_team(page, state, company, StatusCode::UNPROCESSABLE_ENTITY, (String::new(), "recruiter".into()), errors)
}

pub async fn set_role(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<MemberForm>,
) -> AppResult<HttpResponse> {
    let company = user.employer_company()?;
    let member = id_of(&form.user)?;
    let role = form.role.trim().parse::<CompanyRole>().map_err(|_| AppError::Unprocessable("choose a role".into()))?;
    match state.db.run(move |c| team::set_role(c, company, member, role)).await? {
        Ok(()) => {
            state.hub.poke(&[member]);
            TypedSession::from_request(&req).flash(FlashKind::Success, format!("Role set to {}.", role.label()));
            Ok(see_other("/employer/team"))
        }
        Err(LastOwner) => last_owner(page, &state, company).await,
    }
}

pub async fn remove(
    req: HttpRequest,
    page: Page,
    user: CurrentUser,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<MemberForm>,
) -> AppResult<HttpResponse> {
    let company = user.employer_company()?;
    let member = id_of(&form.user)?;
    match state.db.run(move |c| team::remove(c, company, member)).await? {
        Ok(()) => {
            state.hub.poke(&[member]);
            TypedSession::from_request(&req).flash(FlashKind::Info, "Removed from the team.");
            Ok(see_other("/employer/team"))
        }
        Err(LastOwner) => last_owner(page, &state, company).await,
    }
}

#[derive(Template)]
#[template(path = "companies/join.html")]
struct JoinPage {
    page: Page,
    invite: Invite,
    company: String,
    token: String,
    username: String,
    errors: FieldErrors,
}

async fn render_join(
    page: Page,
    state: &AppState,
    invite: Invite,
    token: String,
    username: String,
    errors: FieldErrors,
) -> AppResult<HttpResponse> {
    let company_id = invite.company_id;
    let company = state.db.run(move |c| crate::db::companies::find(c, company_id)).await?.name;
    let status = errors.status();
    render(status, &JoinPage { page, invite, company, token, username, errors })
}

pub async fn join_form(page: Page, state: web::Data<AppState>, path: web::Path<String>) -> AppResult<HttpResponse> {
    let token = path.into_inner();
    let invite = open_invite(&state, &token).await?;
    render_join(page, &state, invite, token, String::new(), FieldErrors::default()).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct JoinForm {
    pub username: String,
    pub password: String,
}

pub async fn join(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<JoinForm>,
) -> AppResult<HttpResponse> {
    let token = path.into_inner();
    let invite = open_invite(&state, &token).await?;
    let mut errors = FieldErrors::default();
    let username = errors.check("username", Username::parse(&form.username));
    let secret = errors.check("password", Password::parse(&form.password));
    let (Some(username), Some(secret)) = (username, secret) else {
        return render_join(page, &state, invite, token, form.username, errors).await;
    };
    let hash = password::hash(secret.expose().to_string(), state.settings.bcrypt_cost).await?;
    let (id, name) = (invite.id, username.as_str().to_string());
    match state.db.run(move |c| team::join(c, id, &name, &hash)).await? {
        Ok(user) => {
            let session = TypedSession::from_request(&req);
            session.log_in(&user)?;
            session.flash(FlashKind::Success, "Welcome to the team.");
            Ok(see_other("/applicants"))
        }
        Err(JoinRefused::Closed) => Err(AppError::NotFound),
        Err(JoinRefused::EmailTaken) => {
            errors.add("username", "The invited address has an account already: log in with it.");
            render_join(page, &state, invite, token, form.username, errors).await
        }
        Err(JoinRefused::UsernameTaken) => {
            errors.add("username", "That user name is taken; choose another.");
            render_join(page, &state, invite, token, form.username, errors).await
        }
    }
}
