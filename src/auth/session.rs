//! The session cookie and the user behind it.
//!
//! The cookie (signed and encrypted) holds the user id and the user's session
//! epoch at log-in. Every request compares that epoch with the database, so
//! logging out, changing the password or being deactivated ends every session
//! of that user on every instance at once.

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;

use actix_session::{Session, SessionExt};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use serde::{Deserialize, Serialize};

use crate::db::users::{self, User};
use crate::domain::{CompanyRole, Role};
use crate::error::AppError;
use crate::state::AppState;

const USER_ID: &str = "uid";
const EPOCH: &str = "epoch";
/// When the user logged in (Unix seconds): the server ends the session
/// `SESSION_HOURS` later, whatever the cookie's own expiry says.
const SINCE: &str = "since";
const CSRF: &str = "csrf";
/// The user's log-in before this one (Unix seconds): "new since your last visit".
const PREVIOUS_VISIT: &str = "prev";
const FLASH: &str = "flash";
/// Messages kept for the next page, and the longest one (bytes).
const MAX_FLASHES: usize = 3;
const MAX_FLASH_BYTES: usize = 400;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FlashKind {
    Success,
    Info,
    Error,
}

/// A one-time message shown on the next page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flash {
    pub kind: FlashKind,
    pub text: String,
}

impl Flash {
    pub fn css_class(&self) -> &'static str {
        match self.kind {
            FlashKind::Success => "flash flash-success",
            FlashKind::Info => "flash flash-info",
            FlashKind::Error => "flash flash-error",
        }
    }
}

/// The session with typed accessors; the only place that knows its keys.
pub struct TypedSession(Session);

impl TypedSession {
    pub fn from_request(req: &HttpRequest) -> Self {
        TypedSession(req.get_session())
    }

    /// Starts a fresh session for the user (a new id and a new CSRF token).
    pub fn log_in(&self, user: &User) -> Result<(), AppError> {
        self.0.renew();
        self.0.clear();
        self.insert(USER_ID, user.id)?;
        self.insert(EPOCH, user.session_epoch)?;
        self.insert(SINCE, unix_now())?;
        self.insert(CSRF, new_token())?;
        if let Some(at) = user.last_login_at {
            self.insert(PREVIOUS_VISIT, at.assume_utc().unix_timestamp())?;
        }
        Ok(())
    }

    /// When the user last logged in before this session began (None: never).
    pub fn previous_visit(&self) -> Option<time::PrimitiveDateTime> {
        let seconds = self.0.get::<i64>(PREVIOUS_VISIT).ok().flatten()?;
        let at = time::OffsetDateTime::from_unix_timestamp(seconds).ok()?;
        Some(time::PrimitiveDateTime::new(at.date(), at.time()))
    }

    /// Keeps this session alive after the user's epoch moved on (password change).
    pub fn set_epoch(&self, epoch: i32) -> Result<(), AppError> {
        self.insert(EPOCH, epoch)
    }

    pub fn log_out(&self) {
        self.0.purge();
    }

    /// Ends a log-in found stale (expired, revoked) while serving a page: the
    /// session is emptied under a new key but stays usable, so the form token
    /// the page is about to show is kept (a purged session would drop it, and
    /// the log-in form would then answer "form expired").
    fn forget(&self) {
        self.0.clear();
        self.0.renew();
    }

    /// The session's user and epoch, while the log-in is younger than `ttl`.
    fn user_ref(&self, ttl: std::time::Duration) -> Option<SessionRef> {
        let id = self.0.get::<i64>(USER_ID).ok().flatten()?;
        let epoch = self.0.get::<i32>(EPOCH).ok().flatten()?;
        let since = self.0.get::<i64>(SINCE).ok().flatten()?;
        let expires = since.saturating_add(ttl.as_secs() as i64);
        (unix_now() < expires).then_some(SessionRef { id, epoch, expires })
    }

    /// The session's CSRF token, made on first use.
    pub fn csrf_token(&self) -> Result<String, AppError> {
        if let Some(token) = self.0.get::<String>(CSRF).ok().flatten() {
            return Ok(token);
        }
        let token = new_token();
        self.insert(CSRF, &token)?;
        Ok(token)
    }

    /// The token without making one (a request with no session has none).
    pub fn existing_csrf_token(&self) -> Option<String> {
        self.0.get::<String>(CSRF).ok().flatten()
    }

    /// Queues a message for the next page. Only the last few wait, each cut
    /// to a bounded length: a script posting form after form without reading
    /// a page would otherwise grow the cookie past what browsers keep and
    /// past what the session store accepts (a 500).
    pub fn flash(&self, kind: FlashKind, text: impl Into<String>) {
        let mut text = text.into();
        if text.len() > MAX_FLASH_BYTES {
            let mut cut = MAX_FLASH_BYTES - '…'.len_utf8();
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
            text.push('…');
        }
        let mut list = self.0.get::<Vec<Flash>>(FLASH).ok().flatten().unwrap_or_default();
        list.push(Flash { kind, text });
        let excess = list.len().saturating_sub(MAX_FLASHES);
        list.drain(..excess);
        let _ = self.0.insert(FLASH, list);
    }

    pub fn take_flashes(&self) -> Vec<Flash> {
        self.0.remove_as::<Vec<Flash>>(FLASH).and_then(Result::ok).unwrap_or_default()
    }

    fn insert(&self, key: &str, value: impl Serialize) -> Result<(), AppError> {
        self.0.insert(key, value).map_err(AppError::internal)
    }
}

fn new_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

struct SessionRef {
    id: i64,
    epoch: i32,
    /// Unix seconds.
    expires: i64,
}

/// A logged-in, active user whose session is current.
#[derive(Debug, Clone)]
pub struct CurrentUser(Arc<User>, i64);

impl Deref for CurrentUser {
    type Target = User;
    fn deref(&self) -> &User {
        &self.0
    }
}

impl CurrentUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// When this log-in ends (Unix seconds): a live socket closes then too.
    pub fn session_expires(&self) -> i64 {
        self.1
    }

    /// The user's role is one of `roles`; anything else is a 404, so pages of
    /// other roles are not even confirmed to exist.
    pub fn require(&self, roles: &[Role]) -> Result<(), AppError> {
        if roles.contains(&self.role) { Ok(()) } else { Err(AppError::NotFound) }
    }

    /// The company an employer belongs to (404 for anyone else).
    pub fn employer_company(&self) -> Result<i64, AppError> {
        match (self.role, self.company_id) {
            (Role::Employer, Some(id)) => Ok(id),
            _ => Err(AppError::NotFound),
        }
    }

    /// Whose company records (applicants, …) this user may reach: an
    /// employer their company's, an admin every company's; a seeker none
    /// (404).
    pub fn company_scope(&self) -> Result<crate::domain::CompanyScope, AppError> {
        use crate::domain::CompanyScope;
        match self.role {
            Role::Admin => Ok(CompanyScope::Everything),
            Role::Employer => Ok(CompanyScope::Company(self.employer_company()?)),
            Role::Seeker => Err(AppError::NotFound),
        }
    }
}

/// The user if one is logged in (cached per request).
pub struct MaybeUser(pub Option<CurrentUser>);

/// The request's user, loaded once however many extractors ask (they may
/// ask at the same time: the others wait for the first).
#[derive(Clone, Default)]
struct Loaded(Rc<tokio::sync::OnceCell<Option<CurrentUser>>>);

/// Loads the session's user once per request; a stale, revoked or expired
/// session is purged.
pub async fn load_user(req: &HttpRequest) -> Result<Option<CurrentUser>, AppError> {
    let loaded = {
        let mut extensions = req.extensions_mut();
        match extensions.get::<Loaded>() {
            Some(loaded) => loaded.clone(),
            None => {
                let loaded = Loaded::default();
                extensions.insert(loaded.clone());
                loaded
            }
        }
    };
    loaded.0.get_or_try_init(|| read_user(req)).await.cloned()
}

async fn read_user(req: &HttpRequest) -> Result<Option<CurrentUser>, AppError> {
    let session = TypedSession::from_request(req);
    let state = req.app_data::<web::Data<AppState>>().expect("AppState is registered");
    match session.user_ref(state.settings.limits.session_ttl) {
        None => {
            if session.0.get::<i64>(USER_ID).ok().flatten().is_some() {
                // Expired (or from before log-ins carried their time): gone.
                session.forget();
            }
            Ok(None)
        }
        Some(SessionRef { id, epoch, expires }) => match state.db.run(move |c| users::find(c, id)).await {
            Ok(user) if user.is_active && user.session_epoch == epoch => Ok(Some(CurrentUser(Arc::new(user), expires))),
            Ok(_) | Err(AppError::NotFound) => {
                session.forget();
                Ok(None)
            }
            Err(e) => Err(e),
        },
    }
}

type Fut<T> = Pin<Box<dyn Future<Output = Result<T, AppError>>>>;

impl FromRequest for MaybeUser {
    type Error = AppError;
    type Future = Fut<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(MaybeUser(load_user(&req).await?)) })
    }
}

/// The logged-in user, or the log-in page for a visitor (and back here
/// afterwards).
async fn logged_in(req: &HttpRequest) -> Result<CurrentUser, AppError> {
    load_user(req).await?.ok_or_else(|| AppError::LoginRequired {
        next: if req.method() == actix_web::http::Method::GET {
            req.uri().path_and_query().map(|p| p.to_string()).unwrap_or_else(|| "/".into())
        } else {
            "/".into()
        },
    })
}

/// A request that only reads.
fn reads(req: &HttpRequest) -> bool {
    matches!(*req.method(), actix_web::http::Method::GET | actix_web::http::Method::HEAD)
}

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = Fut<Self>;

    /// The user at work: a viewer of a company's team reads but changes
    /// nothing (`User::changes_company_work`); a refusal is a 404, like
    /// other people's pages. What a handler needs beyond that it says with
    /// its own guard (`OwnAccount`, `CompanyOwner`, `Admin`), never by path.
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let user = logged_in(&req).await?;
            if reads(&req) || user.changes_company_work() { Ok(user) } else { Err(AppError::NotFound) }
        })
    }
}

/// The logged-in user acting on their own account only (log-out, password,
/// profile, own notifications): every team role may.
pub struct OwnAccount(pub CurrentUser);

impl Deref for OwnAccount {
    type Target = CurrentUser;
    fn deref(&self) -> &CurrentUser {
        &self.0
    }
}

impl FromRequest for OwnAccount {
    type Error = AppError;
    type Future = Fut<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(OwnAccount(logged_in(&req).await?)) })
    }
}

/// An owner of an employer's company: its team and its profile. Every one
/// else (recruiters, viewers, other roles) gets a 404.
pub struct CompanyOwner {
    pub user: CurrentUser,
    pub company_id: i64,
}

impl FromRequest for CompanyOwner {
    type Error = AppError;
    type Future = Fut<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let user = logged_in(&req).await?;
            match (user.role, user.company_id, user.company_role) {
                (Role::Employer, Some(company_id), CompanyRole::Owner) => Ok(CompanyOwner { user, company_id }),
                _ => Err(AppError::NotFound),
            }
        })
    }
}

/// An admin. Everyone else, visitors included, gets a 404: admin pages are
/// not advertised.
pub struct Admin(pub CurrentUser);

impl Deref for Admin {
    type Target = CurrentUser;
    fn deref(&self) -> &CurrentUser {
        &self.0
    }
}

impl FromRequest for Admin {
    type Error = AppError;
    type Future = Fut<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            match load_user(&req).await? {
                Some(user) if user.is_admin() => Ok(Admin(user)),
                _ => Err(AppError::NotFound),
            }
        })
    }
}
