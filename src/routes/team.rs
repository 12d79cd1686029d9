//! A company's team (`/employer/team`, owners only: `CompanyOwner`): its
//! members and their roles (owner, recruiter, viewer: `CompanyOwner`,
//! `CurrentUser` and `OwnAccount` enforce them), and invitations by e-mail. An invitation
//! link is signed and expires (`/team/join/{token}`); the invited person
//! makes their account there.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::{CompanyOwner, CsrfForm, FlashKind, TypedSession, client_ip, password};
use crate::db::team::{self, By, Invite, JoinRefused, LastOwner};
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

/// The invitation a token names, if the signature holds and its link still works.
async fn open_invite(state: &AppState, token: &str) -> AppResult<Invite> {
    let id = Invite::id_in(&state.settings.session_key, token).ok_or(AppError::NotFound)?;
    state.db.run(move |c| team::open_invite(c, id)).await?.ok_or(AppError::NotFound)
}

#[derive(Template)]
#[template(path = "team/team.html")]
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

pub async fn show(
    page: Page,
    CompanyOwner { company_id: company, .. }: CompanyOwner,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
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
    CompanyOwner { user, company_id: company }: CompanyOwner,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<InviteForm>,
) -> AppResult<HttpResponse> {
    let mut errors = FieldErrors::default();
    let email = errors.check("email", Email::parse(&form.email));
    let role = errors.check("role", form.role.trim().parse::<CompanyRole>().map_err(|_| "Choose a role."));
    let (Some(email), Some(role)) = (email, role) else {
        let kept = (form.email, form.role);
        return render_team(page, &state, company, StatusCode::UNPROCESSABLE_ENTITY, kept, errors).await;
    };
    // Whether the address has an account already is not said here (the
    // invitee learns it on the link's page): the answer is the same.
    let address = email.as_str().to_string();
    let inviter = user.name().to_string();
    let reply_to = user.email.clone();
    let ip = client_ip(&req);
    let limit = state.settings.limits.invitations;
    let sent = state
        .db
        .run(move |c| {
            let by = By { user_id: user.id, ip: &ip };
            crate::actions::team::invite(c, by, company, &address, role, (&inviter, &reply_to), limit)
        })
        .await?
        .is_ok();
    if !sent {
        errors.add("email", "That is many invitations in an hour: send the rest a little later.");
        let kept = (form.email, form.role);
        return render_team(page, &state, company, StatusCode::TOO_MANY_REQUESTS, kept, errors).await;
    }
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
    CompanyOwner { user, company_id: company }: CompanyOwner,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<MemberForm>,
) -> AppResult<HttpResponse> {
    let id = id_of(&form.invite)?;
    let ip = client_ip(&req);
    if !state.db.run(move |c| team::revoke(c, company, id, By { user_id: user.id, ip: &ip })).await? {
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
    CompanyOwner { user, company_id: company }: CompanyOwner,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<MemberForm>,
) -> AppResult<HttpResponse> {
    let member = id_of(&form.user)?;
    let role = form.role.trim().parse::<CompanyRole>().map_err(|_| AppError::Unprocessable("choose a role".into()))?;
    let ip = client_ip(&req);
    match state.db.run(move |c| team::set_role(c, company, member, role, By { user_id: user.id, ip: &ip })).await? {
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
    CompanyOwner { user, company_id: company }: CompanyOwner,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<MemberForm>,
) -> AppResult<HttpResponse> {
    let member = id_of(&form.user)?;
    let ip = client_ip(&req);
    match state.db.run(move |c| team::remove(c, company, member, By { user_id: user.id, ip: &ip })).await? {
        Ok(()) => {
            state.hub.poke(&[member]);
            TypedSession::from_request(&req).flash(FlashKind::Info, "Removed from the team.");
            Ok(see_other("/employer/team"))
        }
        Err(LastOwner) => last_owner(page, &state, company).await,
    }
}

#[derive(Template)]
#[template(path = "team/join.html")]
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
    let (id, name, ip) = (invite.id, username.as_str().to_string(), client_ip(&req));
    match state.db.run(move |c| team::join(c, id, &name, &hash, &ip)).await? {
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
