#![allow(dead_code)] // shared with the browser tests; not every user uses every tool
//! Live-update test tools, shared by tests/app/realtime.rs and the browser
//! tests (tests/browser includes this file): a WebSocket client that logs in
//! like a page, a second instance on the same database, and the data-layer
//! stand-ins for other areas' actions (an application, a notification).

use futures_util::{SinkExt, StreamExt};
use jobconnect::db::{self, applicants, notifications};
use serde_json::Value;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use crate::helpers::{TestApp, TestUser};

impl TestApp {
    /// Another instance of the app on the same database (and session key),
    /// as a load balancer would have beside this one.
    pub async fn second_instance(&self) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = crate::helpers::test_settings(dir.path(), self.settings.database_url.clone());
        settings.session_key = self.settings.session_key.clone();
        settings.background_workers = false;
        TestApp::start(self.backend, settings, None, dir).await
    }

    /// An application of `seeker` to a new open job of the employer's company
    /// (rows only: the apply form is another area's). Returns the applicant id.
    pub async fn application(&self, seeker: &TestUser, employer: &TestUser, job_title: &str) -> i64 {
        let company = self.company_of(employer).await;
        let job = self.open_job(company, job_title).await;
        self.insert_applicant(company, Some(job), &seeker.username, Some(seeker.id)).await
    }

    /// What the apply form does for live pages, through the data layer: the
    /// applicant row, an `application` notification for each employer of the
    /// company, commit, then the poke. Returns the applicant id.
    pub async fn apply_through_data_layer(&self, seeker: &TestUser, job_id: i64) -> i64 {
        let (seeker_id, name) = (seeker.id, seeker.username.clone());
        let (applicant, employers) = self
            .db
            .run(move |c| {
                db::transaction(c, |c| {
                    let job = db::jobs::find(c, job_id)?;
                    let now = db::now();
                    let email = format!("{name}@example.com");
                    let applicant = applicants::insert(
                        c,
                        &applicants::NewApplicant {
                            company_id: job.company_id,
                            job_id: Some(job.id),
                            seeker_id: Some(seeker_id),
                            resume_id: None,
                            name: &name,
                            email: &email,
                            phone: "",
                            current_company: "",
                            position: "",
                            location: "",
                            years_experience: None,
                            status: jobconnect::domain::ApplicantStatus::Open,
                            employment_type: jobconnect::domain::EmploymentType::FullTime,
                            stage: jobconnect::domain::Stage::Applied,
                            source: jobconnect::domain::ApplicantSource::Portal,
                            cover_letter: "I would love to join.",
                            created_at: now,
                            updated_at: now,
                        },
                    )?;
                    use diesel::prelude::*;
                    use jobconnect::db::schema::users;
                    let employers: Vec<i64> =
                        users::table.filter(users::company_id.eq(job.company_id)).select(users::id).load(c)?;
                    let title = format!("{name} applied to {}", job.title);
                    let data = serde_json::json!({"applicant_id": applicant.id, "job_id": job.id}).to_string();
                    for employer in &employers {
                        notifications::create(
                            c,
                            &notifications::NewNotification {
                                user_id: *employer,
                                kind: jobconnect::domain::NotificationKind::Application,
                                title: &title,
                                body: "A new application is waiting in your pipeline.",
                                link: &format!("/applicants/{}", applicant.id),
                                data: data.clone(),
                            },
                        )?;
                    }
                    Ok::<_, diesel::result::Error>((applicant.id, employers))
                })
            })
            .await
            .unwrap();
        self.hub.poke(&employers);
        applicant
    }

    /// Stores a notification for a user and pokes them, as every area does.
    pub async fn notify(&self, user_id: i64, kind: &'static str, title: &str, data: Value) -> i64 {
        let title = title.to_string();
        let id = self
            .db
            .run(move |c| {
                notifications::create(
                    c,
                    &notifications::NewNotification {
                        user_id,
                        kind: kind.parse().expect("a kind of notification"),
                        title: &title,
                        body: "",
                        link: "/notifications",
                        data: if data.is_null() { String::new() } else { data.to_string() },
                    },
                )
            })
            .await
            .unwrap();
        self.hub.poke(&[user_id]);
        id
    }
}

/// The session cookie of a fresh log-in of `user` (a page's socket sends it).
pub async fn session_cookie(app: &TestApp, user: &TestUser) -> String {
    let (_, jar) = app.log_in_with_jar(user).await;
    crate::helpers::cookie_header(app, &jar)
}

pub type Stream = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A page's WebSocket.
pub struct LiveSocket {
    pub stream: Stream,
    /// Ids the page has seen, as live.js keeps them.
    pub notification: i64,
    pub message: i64,
}

/// Opens `/ws` with these headers; Err(status) when the upgrade is refused.
pub async fn open_ws(app: &TestApp, cookie: Option<&str>, origin: Option<&str>, query: &str) -> Result<Stream, u16> {
    let mut request = format!("ws://127.0.0.1:{}/ws{query}", app.port).into_client_request().unwrap();
    if let Some(cookie) = cookie {
        request.headers_mut().insert("cookie", HeaderValue::from_str(cookie).unwrap());
    }
    if let Some(origin) = origin {
        request.headers_mut().insert("origin", HeaderValue::from_str(origin).unwrap());
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((stream, _)) => Ok(stream),
        Err(WsError::Http(resp)) => Err(resp.status().as_u16()),
        Err(e) => panic!("WebSocket connect failed: {e}"),
    }
}

impl LiveSocket {
    /// Connects as `user` from the site's own origin, from these cursors
    /// (None: from now), and waits for the server's `ready`.
    pub async fn connect(app: &TestApp, cookie: &str, cursors: Option<(i64, i64)>) -> (LiveSocket, Vec<Value>) {
        let query = match cursors {
            Some((n, m)) => format!("?notification={n}&message={m}"),
            None => String::new(),
        };
        let stream = open_ws(app, Some(cookie), Some(&app.address), &query).await.expect("the socket opens");
        let mut socket = LiveSocket { stream, notification: 0, message: 0 };
        let mut before = Vec::new();
        loop {
            let frame = socket.next_frame().await;
            if frame["type"] == "ready" {
                socket.notification = frame["notification"].as_i64().unwrap();
                socket.message = frame["message"].as_i64().unwrap();
                return (socket, before);
            }
            before.push(frame);
        }
    }

    /// The next JSON frame (pings are answered by the client library).
    pub async fn next_frame(&mut self) -> Value {
        let deadline = tokio::time::Instant::now() + crate::helpers::deadline();
        loop {
            let msg = tokio::time::timeout_at(deadline, self.stream.next())
                .await
                .unwrap_or_else(|_| panic!("no frame within {:?}", crate::helpers::deadline()));
            match msg {
                Some(Ok(Message::Text(text))) => {
                    let frame: Value = serde_json::from_str(text.as_str()).expect("frames are JSON");
                    if frame["type"] == "notification" {
                        self.notification = self.notification.max(frame["id"].as_i64().unwrap());
                    }
                    if frame["type"] == "message" {
                        self.message = self.message.max(frame["id"].as_i64().unwrap());
                    }
                    return frame;
                }
                Some(Ok(Message::Close(close))) => panic!("the server closed the socket: {close:?}"),
                Some(Ok(_)) => continue,
                Some(Err(e)) => panic!("socket error: {e}"),
                None => panic!("the socket ended"),
            }
        }
    }

    /// The next frame of a type, skipping others (counts…); the skipped ones
    /// are returned too, to check them.
    pub async fn next_of(&mut self, kind: &str) -> (Value, Vec<Value>) {
        let mut skipped = Vec::new();
        loop {
            let frame = self.next_frame().await;
            if frame["type"] == kind {
                return (frame, skipped);
            }
            skipped.push(frame);
        }
    }

    /// Waits until the unread counts are these.
    pub async fn counts(&mut self, notifications: i64, messages: i64) {
        loop {
            let (frame, _) = self.next_of("counts").await;
            if frame["notifications"] == notifications && frame["messages"] == messages {
                return;
            }
        }
    }

    /// Sends a ping and waits for its pong: the server reads a socket's
    /// frames in order, so every frame sent before has been handled.
    pub async fn round_trip(&mut self) {
        self.stream.send(Message::Ping(b"sync".to_vec().into())).await.unwrap();
        let deadline = tokio::time::Instant::now() + crate::helpers::deadline();
        loop {
            match tokio::time::timeout_at(deadline, self.stream.next()).await.expect("a pong in time") {
                Some(Ok(Message::Pong(bytes))) if bytes.as_ref() == b"sync" => return,
                Some(Ok(Message::Close(close))) => panic!("the server closed the socket: {close:?}"),
                Some(Ok(_)) => continue,
                Some(Err(e)) => panic!("socket error: {e}"),
                None => panic!("the socket ended"),
            }
        }
    }

    pub async fn send_json(&mut self, value: Value) {
        self.stream.send(Message::text(value.to_string())).await.unwrap();
    }

    /// Waits for the server to close the socket; returns the close code and
    /// the text frames that came before it.
    pub async fn closed(&mut self) -> (Option<u16>, Vec<String>) {
        let deadline = tokio::time::Instant::now() + crate::helpers::deadline();
        let mut frames = Vec::new();
        loop {
            match tokio::time::timeout_at(deadline, self.stream.next()).await.expect("closed in time") {
                Some(Ok(Message::Close(frame))) => return (frame.map(|f| u16::from(f.code)), frames),
                Some(Ok(Message::Text(text))) => frames.push(text.to_string()),
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return (None, frames),
            }
        }
    }
}
