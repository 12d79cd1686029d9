//! Wires the HTTP server: the listener, the middleware (session, security
//! headers, tracing) and the route table around an `AppState`.

use std::net::TcpListener;

use actix_session::SessionMiddleware;
use actix_session::config::PersistentSession;
use actix_session::storage::CookieSessionStore;
use actix_web::ResponseError;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::Server;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::{DefaultHeaders, ErrorHandlers, Next, from_fn};
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use tracing_actix_web::TracingLogger;

use crate::config::Settings;
use crate::db::site_lock::SiteLock;
use crate::error::AppError;
use crate::state::AppState;

pub struct Application {
    port: u16,
    server: Server,
    pub state: web::Data<AppState>,
    /// On SQLite: this process serves the site alone until it stops
    /// (`db::site_lock`).
    site_lock: Option<SiteLock>,
    /// The listening socket, to see the connections not yet accepted.
    listener: TcpListener,
}

impl Application {
    /// Stops accepting, finishes requests in flight (graceful) or drops them.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }
}

/// Content-Security-Policy: scripts and styles only from our own files.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; \
                   form-action 'self'; frame-ancestors 'none'";

/// HSTS for a site served over HTTPS: browsers then never try plain HTTP.
const HSTS: &str = "max-age=31536000; includeSubDomains";

pub fn security_headers(https: bool) -> DefaultHeaders {
    let headers = DefaultHeaders::new();
    let headers = if https { headers.add(("Strict-Transport-Security", HSTS)) } else { headers };
    headers
        .add(("Content-Security-Policy", CSP))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "same-origin"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add(("Permissions-Policy", "camera=(), microphone=(), geolocation=()"))
}

/// No text parameter may hold NUL (PostgreSQL cannot store it, and no person
/// types it): a query string with one is a 422 on every page, before any
/// handler (form fields are refused by their own rules in `domain`).
async fn refuse_nul(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if crate::routes::query::holds_nul(req.query_string()) {
        // An answer, not an error: the outer middleware (headers) sees it.
        let refusal = AppError::Unprocessable("NUL in the query string".into()).error_response();
        return Ok(req.into_response(refusal).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// The socket of systemd-style socket activation (`LISTEN_FDS=1` and
/// `LISTEN_PID` = this process: file descriptor 3), if one was handed over.
/// A restart then keeps the port and queues connections instead of refusing them.
fn inherited_listener() -> anyhow::Result<Option<TcpListener>> {
    use std::os::fd::FromRawFd;
    let ours = std::env::var("LISTEN_PID").ok().and_then(|p| p.parse::<u32>().ok()) == Some(std::process::id());
    if !ours || std::env::var("LISTEN_FDS").ok().as_deref() != Some("1") {
        return Ok(None);
    }
    const FD: i32 = 3;
    // SAFETY: by the protocol fd 3 is a socket given to this process alone.
    // Children (the PDF reader) must not inherit it; it may be bound only.
    let ok = unsafe { libc::fcntl(FD, libc::F_SETFD, libc::FD_CLOEXEC) != -1 && libc::listen(FD, 1024) != -1 };
    if !ok {
        anyhow::bail!("LISTEN_FDS=1 but fd 3 is not a socket: {}", std::io::Error::last_os_error());
    }
    let listener = unsafe { TcpListener::from_raw_fd(FD) };
    tracing::info!(address = ?listener.local_addr()?, "listening on the socket handed over (LISTEN_FDS)");
    Ok(Some(listener))
}

impl Application {
    /// Connects, migrates, starts background work and binds (port 0 picks a free port).
    pub async fn build(mut settings: Settings) -> anyhow::Result<Application> {
        let listener = match inherited_listener()? {
            Some(listener) => listener,
            None => TcpListener::bind(&settings.bind).with_context(|| format!("cannot listen on {}", settings.bind))?,
        };
        let site_lock = SiteLock::take(&settings.database_url, "start another")?;
        let probe = listener.try_clone()?;
        let port = listener.local_addr()?.port();
        if settings.base_url.is_empty() {
            settings.base_url = format!("http://127.0.0.1:{port}");
        }
        let state = web::Data::new(AppState::build(settings).await?);
        state.start_tasks();
        let settings = state.settings.clone();

        let key = Key::from(&settings.session_key);
        let cookie_secure = settings.cookie_secure;
        let https = settings.base_url.starts_with("https://");
        // The cookie lives as long as a log-in may; the server checks the
        // log-in's age itself too (`auth::session`).
        let cookie_ttl = actix_web::cookie::time::Duration::seconds(settings.limits.session_ttl.as_secs() as i64);
        let app_state = state.clone();
        let server = HttpServer::new(move || {
            let session = SessionMiddleware::builder(CookieSessionStore::default(), key.clone())
                .cookie_name("jobconnect_session".into())
                .cookie_secure(cookie_secure)
                .cookie_http_only(true)
                .cookie_same_site(SameSite::Lax)
                .session_lifecycle(PersistentSession::default().session_ttl(cookie_ttl))
                .build();
            App::new()
                .app_data(app_state.clone())
                .wrap(ErrorHandlers::new().handler(StatusCode::NOT_FOUND, crate::routes::page::not_found_in_layout))
                .wrap(session)
                .wrap(from_fn(refuse_nul))
                .wrap(security_headers(https))
                .wrap(TracingLogger::default())
                .configure(crate::routes::configure)
                .default_service(web::to(crate::routes::not_found))
        })
        .workers(settings.workers.max(1))
        .shutdown_timeout(10)
        // SIGTERM and SIGINT are ours (`run_until_stopped`): the connections
        // already waiting to be accepted are answered before the socket closes.
        .disable_signals()
        .listen(listener)?
        .run();
        tracing::info!(port, base_url = %settings.base_url, "JobConnect is listening");
        Ok(Application { port, server, state, site_lock, listener: probe })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGINT/SIGTERM (or its handle's `stop`), then finishes
    /// the requests in flight. On a signal it first accepts every connection
    /// the kernel already queued, so none of them is reset when the listening
    /// socket closes (a restart with socket activation keeps even new ones).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let Application { server, state, site_lock, listener, .. } = self;
        let handle = server.handle();
        let mut server = server;
        let signalled = async {
            stop_signal().await;
            drain_backlog(&listener).await;
            tracing::info!("stopping: answering the requests in flight");
            // Sends the command now; the server below finishes the work.
            drop(handle.stop(true));
        };
        let served = tokio::select! {
            served = &mut server => served,
            () = signalled => server.await,
        };
        // After the last request: the e-mails in flight finish, the rest stay queued.
        state.outbox.shutdown().await;
        drop(site_lock);
        // Last: once its index is free, nothing of this server is held.
        let search = state.search.clone();
        let _ = tokio::task::spawn_blocking(move || search.shutdown()).await;
        served
    }
}

/// SIGTERM or SIGINT.
async fn stop_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) {
        (Ok(mut term), Ok(mut int)) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        }
        _ => std::future::pending().await,
    }
}

/// Waits (at most 2 s) until the kernel holds no connection that the server
/// has not accepted yet, and the accepted ones have had a moment to reach a
/// worker and be read (a connection still on its way from the accept thread
/// to a worker when the stop comes is closed unanswered).
async fn drain_backlog(listener: &TcpListener) {
    use std::time::Duration;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    loop {
        while waiting_connections(listener) > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
        if waiting_connections(listener) == 0 || tokio::time::Instant::now() >= deadline {
            return;
        }
    }
}

/// Connections in the listening socket's accept queue (Linux reports it as
/// `tcpi_unacked` of a listening socket).
fn waiting_connections(listener: &TcpListener) -> u32 {
    use std::os::fd::AsRawFd;
    // SAFETY: a zeroed tcp_info and its size, filled in by the kernel.
    let mut info: libc::tcp_info = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::tcp_info>() as libc::socklen_t;
    let got = unsafe {
        libc::getsockopt(
            listener.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_INFO,
            (&mut info as *mut libc::tcp_info).cast(),
            &mut len,
        )
    };
    if got == 0 { info.tcpi_unacked } else { 0 }
}
