#![allow(dead_code)] // shared by every area; not every test uses every helper
//! The test harness: the real app on a free port with its own database, and
//! clients that keep cookies, do not follow redirects and fill in CSRF tokens.

use std::sync::OnceLock;
use std::time::Duration;

use diesel::{Connection, PgConnection, RunQueryDsl};
use jobconnect::config::Settings;
use jobconnect::db::Db;
use jobconnect::domain::Role;
use jobconnect::startup::Application;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates one test per backend for each scenario `async fn name(app:
/// &TestApp)`, or, after `backend:`, for scenarios `async fn name(backend:
/// Backend)` that start their own app (`TestApp::builder`) and servers.
#[macro_export]
macro_rules! both_backends {
    (backend: $($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::helpers::Backend::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if $crate::helpers::postgres_url().is_none() {
                    eprintln!("PostgreSQL: not run (set TEST_POSTGRES_URL to run it)");
                    return;
                }
                super::$name($crate::helpers::Backend::Postgres).await;
            }
        }
    )+};
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::helpers::TestApp::spawn($crate::helpers::Backend::Sqlite).await;
                super::$name(&app).await;
                app.stop().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(app) = $crate::helpers::TestApp::spawn_postgres().await else { return };
                super::$name(&app).await;
                app.stop().await;
            }
        }
    )+};
}

/// The `Cookie` header a client with `jar` sends to `app`.
pub fn cookie_header(app: &TestApp, jar: &reqwest::cookie::Jar) -> String {
    use reqwest::cookie::CookieStore;
    let cookies = jar.cookies(&app.url("/").parse().unwrap()).expect("a session cookie");
    cookies.to_str().unwrap().to_string()
}

/// A write lock a test holds (`TestApp::hold_writes`); dropped, it is released.
pub struct WritesHeld {
    release: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for WritesHeld {
    fn drop(&mut self) {
        drop(self.release.take());
        if let Some(thread) = self.thread.take() {
            thread.join().expect("the lock's thread ends");
        }
    }
}

pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub backend: Backend,
    pub settings: Settings,
    pub db: Db,
    /// The instance's live hub (to poke, count sockets, shut sockets down).
    pub hub: jobconnect::realtime::Hub,
    /// The instance's job search index.
    pub search: jobconnect::search::SearchIndex,
    handle: actix_web::dev::ServerHandle,
    pg_database: Option<String>,
    _dir: tempfile::TempDir,
}

/// Settings for a test instance: fast bcrypt, one worker, everything under `dir`.
pub fn test_settings(dir: &std::path::Path, database_url: String) -> Settings {
    Settings {
        database_url,
        bind: "127.0.0.1:0".into(),
        base_url: String::new(),
        data_dir: dir.to_path_buf(),
        upload_dir: dir.join("uploads"),
        mail_dir: dir.join("mail"),
        session_key: vec![7u8; 64],
        cookie_secure: false,
        smtp_url: None,
        mail_from: "JobConnect <no-reply@jobconnect.test>".into(),
        max_upload_bytes: 1024 * 1024,
        max_image_bytes: 256 * 1024,
        max_form_bytes: 64 * 1024,
        upload_deadline: std::time::Duration::from_secs(300),
        bcrypt_cost: 4,
        db_pool_size: 4,
        workers: 1,
        trust_proxy: false,
        background_workers: true,
        mail_delivery: Default::default(),
        // The suite signs up from one address, and applies and writes, many
        // times over; the tests of the limits lower them again.
        limits: jobconnect::config::Limits {
            signups_per_address: 100_000,
            applications_per_hour: 100_000,
            messages_per_hour: 100_000,
            ..Default::default()
        },
        job_cache: true,
        pay_currency: "EUR".into(),
        exchange_rates_file: None,
        search_index_dir: dir.join("search-index"),
        search_synonyms_file: None,
    }
}

/// The maintenance URL of the PostgreSQL server tests may use. Unset: the
/// PostgreSQL runs are reported as not run; in CI that is a failure.
pub fn postgres_url() -> Option<String> {
    let url = std::env::var("TEST_POSTGRES_URL").ok().filter(|u| !u.is_empty());
    if url.is_none() && std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        panic!("CI requires TEST_POSTGRES_URL: the PostgreSQL runs are mandatory there");
    }
    url
}

fn with_database(url: &str, name: &str) -> String {
    let mut u = url::Url::parse(url).expect("TEST_POSTGRES_URL is a URL");
    u.set_path(&format!("/{name}"));
    u.to_string()
}

/// One migrated template database per migration set, copied for every test.
fn postgres_template(admin_url: &str) -> String {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    TEMPLATE
        .get_or_init(|| {
            let mut hash = 0u64;
            for entry in walk(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres"))) {
                for b in std::fs::read(&entry).unwrap().iter().chain(entry.to_string_lossy().as_bytes()) {
                    hash = hash.wrapping_mul(1_099_511_628_211).wrapping_add(*b as u64);
                }
            }
            let name = format!("jc_tpl_{hash:016x}");
            let mut admin = PgConnection::establish(admin_url)
                .unwrap_or_else(|e| panic!("PostgreSQL at TEST_POSTGRES_URL is unreachable: {e}"));
            let exists: i64 = diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!(
                "SELECT count(*) FROM pg_database WHERE datname = '{name}'"
            ))
            .get_result(&mut admin)
            .unwrap();
            if exists == 0 {
                let building = format!("{name}_build_{}", std::process::id());
                diesel::sql_query(format!("CREATE DATABASE {building}")).execute(&mut admin).unwrap();
                Db::new(&with_database(admin_url, &building), 1)
                    .unwrap()
                    .migrate()
                    .expect("migrations run on PostgreSQL");
                // Another test binary may have won the race: then keep theirs.
                if diesel::sql_query(format!("ALTER DATABASE {building} RENAME TO {name}")).execute(&mut admin).is_err()
                {
                    let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"))
                        .execute(&mut admin);
                }
            }
            name
        })
        .clone()
}

/// Creates a migrated PostgreSQL database (copied from the template):
/// (url, name), or None when PostgreSQL is not configured.
pub async fn fresh_postgres_database() -> Option<(String, String)> {
    let Some(admin_url) = postgres_url() else {
        eprintln!("PostgreSQL: not run (set TEST_POSTGRES_URL to run it)");
        return None;
    };
    let name = format!("jc_test_{}", uuid::Uuid::new_v4().simple());
    let url = with_database(&admin_url, &name);
    let created = name.clone();
    tokio::task::spawn_blocking(move || {
        let template = postgres_template(&admin_url);
        let mut admin = PgConnection::establish(&admin_url).unwrap();
        diesel::sql_query(format!("CREATE DATABASE {created} TEMPLATE {template}")).execute(&mut admin).unwrap();
    })
    .await
    .unwrap();
    Some((url, name))
}

/// Runs SQL on the PostgreSQL server as the test administrator.
pub fn postgres_admin(sql: &str) {
    let url = postgres_url().expect("TEST_POSTGRES_URL is set");
    let mut admin = PgConnection::establish(&url).unwrap();
    diesel::sql_query(sql).execute(&mut admin).unwrap_or_else(|e| panic!("{sql}: {e}"));
}

pub fn drop_postgres_database(name: &str) {
    if let Some(admin_url) = postgres_url() {
        if let Ok(mut admin) = PgConnection::establish(&admin_url) {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin);
        }
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() { out.extend(walk(&path)) } else { out.push(path) }
    }
    out
}

/// A fresh database for `backend`: its URL, and the PostgreSQL database to
/// drop (a clone of the migrated template), or None for PostgreSQL when it
/// is not configured. SQLite's is a file in `dir`.
pub async fn fresh_database(backend: Backend, dir: &std::path::Path) -> Option<(String, Option<String>)> {
    match backend {
        Backend::Sqlite => Some((format!("sqlite://{}", dir.join("test.db").display()), None)),
        Backend::Postgres => fresh_postgres_database().await.map(|(url, name)| (url, Some(name))),
    }
}

/// A test app with settings of the test's own (crates.io's
/// `TestApp::init().with_config(…)`): `TestApp::builder(backend)
/// .settings(|s| …).spawn()`. A PostgreSQL app gets a fresh database cloned
/// from the migrated template.
pub struct TestAppBuilder {
    backend: Backend,
    tweaks: Vec<SettingsTweak>,
}

/// A change to the settings a test app starts with.
type SettingsTweak = Box<dyn FnOnce(&mut Settings) + Send>;

impl TestAppBuilder {
    /// Changes the settings the app starts with (after `test_settings`).
    pub fn settings(mut self, tweak: impl FnOnce(&mut Settings) + Send + 'static) -> Self {
        self.tweaks.push(Box::new(tweak));
        self
    }

    pub async fn spawn(self) -> TestApp {
        self.try_spawn().await.expect("TEST_POSTGRES_URL is set")
    }

    /// The app, or None for PostgreSQL when it is not configured.
    pub async fn try_spawn(self) -> Option<TestApp> {
        let dir = tempfile::tempdir().unwrap();
        let (url, pg_database) = fresh_database(self.backend, dir.path()).await?;
        let mut settings = test_settings(dir.path(), url);
        for tweak in self.tweaks {
            tweak(&mut settings);
        }
        let app = TestApp::start(self.backend, settings, pg_database, dir).await;
        app.index_built().await;
        Some(app)
    }
}

impl TestApp {
    pub fn builder(backend: Backend) -> TestAppBuilder {
        TestAppBuilder { backend, tweaks: Vec::new() }
    }

    pub async fn spawn(backend: Backend) -> TestApp {
        Self::builder(backend).spawn().await
    }

    /// A fresh PostgreSQL database for this test, or None when PostgreSQL is not configured.
    pub async fn spawn_postgres() -> Option<TestApp> {
        Self::builder(Backend::Postgres).try_spawn().await
    }

    /// Waits (with a deadline) until the search index is built. A new site
    /// builds it in the background at start and the database answers
    /// searches until then, without typos or synonyms: a test asking what
    /// only the index answers would race the build.
    pub async fn index_built(&self) {
        let within = deadline();
        assert!(self.search.caught_up(0, within).await, "the search index was built within {within:?}");
    }

    /// Starts an app on given settings (a second instance on the same database, say).
    pub async fn start(
        backend: Backend,
        settings: Settings,
        pg_database: Option<String>,
        dir: tempfile::TempDir,
    ) -> TestApp {
        // `TEST_LOG=warn cargo test …` shows the app's log (the cause of a 500, say).
        if let Ok(filter) = std::env::var("TEST_LOG") {
            let _ = tracing_subscriber::fmt().with_env_filter(filter).with_test_writer().try_init();
        }
        let app = Application::build(settings).await.expect("the app starts");
        let port = app.port();
        let settings = (*app.state.settings).clone();
        let db = app.state.db.clone();
        let hub = app.state.hub.clone();
        let search = app.state.search.clone();
        let handle = app.handle();
        tokio::spawn(app.run_until_stopped());
        TestApp {
            address: format!("http://127.0.0.1:{port}"),
            port,
            backend,
            settings,
            db,
            hub,
            search,
            handle,
            pg_database,
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// A browser-like client with its own cookie jar.
    pub fn client(&self) -> TestClient {
        TestClient {
            base: self.address.clone(),
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .timeout(deadline())
                .build()
                .unwrap(),
            csrf: std::sync::Mutex::new(None),
        }
    }

    /// A fresh log-in of `user` by a client whose cookie a test can read
    /// (`cookie_header`), for what a test sends by hand.
    pub async fn log_in_with_jar(&self, user: &TestUser) -> (reqwest::Client, std::sync::Arc<reqwest::cookie::Jar>) {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let login = http.get(self.url("/login")).send().await.unwrap().text().await.unwrap();
        let token = csrf_from(&login).expect("the log-in page has a token");
        let resp = http
            .post(self.url("/login"))
            .form(&[("login", user.username.as_str()), ("password", user.password.as_str()), ("csrf_token", &token)])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 303, "log-in of {}", user.username);
        (http, jar)
    }

    /// Counts the rows of a table, to prove that a refused request changed nothing.
    pub async fn count(&self, table: &'static str) -> i64 {
        self.scalar(format!("SELECT count(*) FROM {table}")).await
    }

    /// Sends every e-mail that is due, here and now, as the outbox worker
    /// would (for an app started with `background_workers = false`); how many.
    pub async fn deliver_outbox(&self) -> usize {
        let settings = std::sync::Arc::new(self.settings.clone());
        jobconnect::mail::worker::deliver_due(&self.db, &settings, &self.hub).await.expect("the outbox is delivered")
    }

    /// Holds the write lock of `table` (on SQLite, of the whole file) until
    /// the guard is dropped: the app's writes to it wait meanwhile (on SQLite
    /// for at most its busy timeout, 5 s), its reads do not.
    pub async fn hold_writes(&self, table: &'static str) -> WritesHeld {
        use diesel::connection::SimpleConnection;
        let lock = match self.backend {
            Backend::Sqlite => "BEGIN IMMEDIATE".to_string(),
            Backend::Postgres => format!("BEGIN; LOCK TABLE {table} IN EXCLUSIVE MODE"),
        };
        let pool = self.db.pool().clone();
        let (held, release) = (tokio::sync::oneshot::channel(), std::sync::mpsc::channel::<()>());
        let thread = std::thread::spawn(move || {
            let mut conn = pool.get().expect("a connection");
            conn.batch_execute(&lock).expect("the lock");
            let _ = held.0.send(());
            let _ = release.1.recv();
            conn.batch_execute("ROLLBACK").expect("the lock released");
        });
        held.1.await.expect("the lock is held");
        WritesHeld { release: Some(release.0), thread: Some(thread) }
    }

    /// The one number a query answers.
    pub async fn scalar(&self, query: String) -> i64 {
        self.db.run(move |c| diesel::dsl::sql::<diesel::sql_types::BigInt>(&query).get_result::<i64>(c)).await.unwrap()
    }

    /// A job seeker called `name`, logged in (see `account`).
    pub async fn seeker(&self, name: &str) -> TestUser {
        self.account(name, Role::Seeker, None).await
    }

    /// An employer of a new company, logged in.
    pub async fn employer(&self, name: &str, company: &str) -> TestUser {
        self.account(name, Role::Employer, Some(company)).await
    }

    /// An account with a confirmed address, made as a confirmed sign-up
    /// leaves it (`db::users::create_account`, no e-mail), then logged in
    /// through the log-in form. Signing up itself, with its e-mailed link,
    /// is the subject of `account::sign_up_*` (see `sign_up`).
    pub async fn account(&self, name: &str, role: Role, company: Option<&str>) -> TestUser {
        let email = format!("{name}@example.com");
        let password = format!("{name}-secret-pass");
        let hash = jobconnect::auth::password::hash(password.clone(), self.settings.bcrypt_cost).await.unwrap();
        let (e, n, c) = (email.clone(), name.to_string(), company.map(str::to_string));
        let id = self
            .db
            .run(move |conn| {
                jobconnect::db::transaction(conn, |conn| {
                    jobconnect::db::users::create_account(
                        conn,
                        &jobconnect::db::users::NewAccount {
                            email: &e,
                            full_name: "",
                            username: &n,
                            password_hash: &hash,
                            role,
                            company_name: c.as_deref(),
                            email_confirmed: true,
                            timezone: "",
                        },
                    )
                })
            })
            .await
            .unwrap()
            .id;
        let client = self.client();
        let resp = client.post_form("/login", &[("login", name), ("password", &password)]).await;
        assert_eq!(resp.status, StatusCode::SEE_OTHER, "logging {name} in failed: {}", resp.body);
        TestUser { client, id, username: name.into(), email, password }
    }

    /// Signs up through the form, as a visitor does: "check your inbox", the
    /// link from the e-mail (written as an `.eml` file: no SMTP server), its
    /// page, its button. Returns the new user, logged in by the link.
    pub async fn sign_up(&self, name: &str, role: &str, company: &str) -> TestUser {
        let client = self.client();
        let email = format!("{name}@example.com");
        let password = format!("{name}-secret-pass");
        let full_name = format!("{name} Fullname");
        let fields = [
            ("full_name", full_name.as_str()),
            ("email", email.as_str()),
            ("username", name),
            ("password", password.as_str()),
            ("role", role),
            ("company_name", company),
        ];
        let resp = client.post_form("/register", &fields).await;
        assert_eq!(resp.status, StatusCode::SEE_OTHER, "signing up {name} failed: {}", resp.body);
        assert_eq!(resp.location(), "/register/sent");
        let link = wait_for_eml_link(&self.settings.mail_dir, &email, "/account/confirm/").await;
        client.get(&link).await.assert_status(200);
        let confirmed = client.post_form(&link, &[]).await;
        assert_eq!(confirmed.status, StatusCode::SEE_OTHER, "confirming {name} failed: {}", confirmed.body);
        client.forget_csrf();
        let id = self.user_id(name).await;
        TestUser { client, id, username: name.into(), email, password }
    }

    /// Creates an admin the only way one can be made (the command) and logs them in.
    pub async fn admin(&self, name: &str) -> TestUser {
        let settings = self.settings.clone();
        let (email, password) = (format!("{name}@example.com"), format!("{name}-secret-pass"));
        let (e, n, p) = (email.clone(), name.to_string(), password.clone());
        tokio::task::spawn_blocking(move || jobconnect::commands::create_admin(&settings, Some(e), Some(n), Some(p)))
            .await
            .unwrap()
            .expect("create-admin works");
        let client = self.client();
        let resp = client.post_form("/login", &[("login", name), ("password", &password)]).await;
        assert_eq!(resp.status, StatusCode::SEE_OTHER, "admin log-in failed: {}", resp.body);
        let id = self.user_id(name).await;
        TestUser { client, id, username: name.into(), email, password }
    }

    pub async fn user_id(&self, username: &str) -> i64 {
        let username = username.to_string();
        self.db
            .run(move |c| jobconnect::db::users::find_by_login(c, &username))
            .await
            .unwrap()
            .expect("the user exists")
            .id
    }

    /// Stops the server and drops the test database.
    pub async fn stop(mut self) {
        self.hub.shutdown();
        self.handle.stop(false).await;
        self.drop_database();
    }

    fn drop_database(&mut self) {
        if let Some(name) = self.pg_database.take() {
            drop_postgres_database(&name);
        }
    }

    /// The name of this test's PostgreSQL database.
    pub fn pg_database(&self) -> Option<&str> {
        self.pg_database.as_deref()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.drop_database();
    }
}

pub struct TestUser {
    pub client: TestClient,
    pub id: i64,
    pub username: String,
    pub email: String,
    pub password: String,
}

impl std::ops::Deref for TestUser {
    type Target = TestClient;
    fn deref(&self) -> &TestClient {
        &self.client
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Resp {
    pub fn location(&self) -> &str {
        self.headers.get("location").and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    /// The visible text of the page, whitespace collapsed.
    pub fn text(&self) -> String {
        let doc = scraper::Html::parse_document(&self.body);
        doc.root_element().text().collect::<Vec<_>>().join(" ").split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The elements matching a CSS selector, as their text.
    pub fn select(&self, selector: &str) -> Vec<String> {
        let doc = scraper::Html::parse_document(&self.body);
        let sel = scraper::Selector::parse(selector).expect("a valid selector");
        doc.select(&sel)
            .map(|e| e.text().collect::<Vec<_>>().join(" ").split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    }

    /// The values of an attribute on the elements matching a selector (decoded).
    pub fn select_attr(&self, selector: &str, attr: &str) -> Vec<String> {
        let doc = scraper::Html::parse_document(&self.body);
        let sel = scraper::Selector::parse(selector).expect("a valid selector");
        doc.select(&sel).filter_map(|e| e.value().attr(attr).map(str::to_string)).collect()
    }

    pub fn assert_status(&self, expected: u16) -> &Self {
        assert_eq!(self.status.as_u16(), expected, "unexpected status; body:\n{}", truncate(&self.body));
        self
    }
}

fn truncate(s: &str) -> &str {
    match s.char_indices().nth(3000) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

pub fn csrf_from(html: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(r#"meta[name="csrf-token"]"#).unwrap();
    doc.select(&sel).next().and_then(|e| e.value().attr("content")).map(str::to_string)
}

pub struct TestClient {
    pub base: String,
    pub http: reqwest::Client,
    csrf: std::sync::Mutex<Option<String>>,
}

impl TestClient {
    pub async fn get(&self, path: &str) -> Resp {
        Self::read(self.http.get(format!("{}{}", self.base, path)).send().await.unwrap()).await
    }

    pub async fn read(resp: reqwest::Response) -> Resp {
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.text().await.unwrap_or_default();
        Resp { status, headers, body }
    }

    /// The session's CSRF token, as a page shows it (fetched once, then kept).
    pub async fn csrf(&self) -> String {
        if let Some(token) = self.csrf.lock().unwrap().clone() {
            return token;
        }
        let page = self.get("/").await;
        let token = csrf_from(&page.body)
            .unwrap_or_else(|| panic!("every page carries the CSRF token: {} {}", page.status, page.body));
        *self.csrf.lock().unwrap() = Some(token.clone());
        token
    }

    /// Log-in and log-out start a new session with a new token.
    pub fn forget_csrf(&self) {
        *self.csrf.lock().unwrap() = None;
    }

    /// Posts a url-encoded form with the session's CSRF token added.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let token = self.csrf().await;
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        let resp = self.post_raw(path, &all).await;
        if path == "/login" || path == "/logout" || path == "/register" {
            self.forget_csrf();
        }
        resp
    }

    /// Posts exactly these fields (no token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let body = serde_html_form::to_string(fields).unwrap();
        Self::read(
            self.http
                .post(format!("{}{}", self.base, path))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// Posts a multipart form: `build` adds the parts to a form that already
    /// holds the CSRF token.
    pub async fn post_multipart(
        &self,
        path: &str,
        build: impl FnOnce(reqwest::multipart::Form) -> reqwest::multipart::Form,
    ) -> Resp {
        let token = self.csrf().await;
        let form = build(reqwest::multipart::Form::new().text("csrf_token", token));
        Self::read(self.http.post(format!("{}{}", self.base, path)).multipart(form).send().await.unwrap()).await
    }
}

/// The e-mails to `to` that the app wrote as `.eml` files into `mail_dir`
/// (an e-mail may be listed while it is still being written: it is then
/// incomplete, and a later look finds it whole).
pub fn eml_messages(mail_dir: &std::path::Path, to: &str) -> Vec<crate::smtp::Mail> {
    let Ok(entries) = std::fs::read_dir(mail_dir) else { return Vec::new() };
    entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .filter_map(|e| std::fs::read(e.path()).ok())
        .map(|raw| crate::smtp::Mail::parse(&raw))
        .filter(|m| m.header("to").is_some_and(|t| t.contains(to)))
        .collect()
}

/// The path of a one-time link (`prefix` + 64 hex digits) in an e-mail text.
pub fn link_in(text: &str, prefix: &str) -> Option<String> {
    let start = text.find(prefix)?;
    let token: String = text[start + prefix.len()..].chars().take_while(char::is_ascii_hexdigit).collect();
    (token.len() == 64).then(|| format!("{prefix}{token}"))
}

/// Waits for an `.eml` e-mail to `to` with a link starting `prefix`; its path.
pub async fn wait_for_eml_link(mail_dir: &std::path::Path, to: &str, prefix: &str) -> String {
    wait_for(&format!("an e-mail to {to} with a {prefix} link"), || async {
        eml_messages(mail_dir, to).iter().find_map(|m| link_in(&m.text, prefix))
    })
    .await
}

/// How long any test waits for a condition before it fails: generous, so a
/// loaded machine is slow, not red (`TEST_DEADLINE_SECS`, default 120).
pub fn deadline() -> Duration {
    let secs = std::env::var("TEST_DEADLINE_SECS").ok().and_then(|v| v.parse().ok()).unwrap_or(120);
    Duration::from_secs(secs)
}

/// Polls `check` until it returns `Ok`, or returns its last error once the
/// deadline has passed. The one way a test waits: never a fixed sleep.
pub async fn poll<T, E, F, Fut>(mut check: F) -> Result<T, E>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, E>>,
{
    let give_up = tokio::time::Instant::now() + deadline();
    let mut pause = Duration::from_millis(10);
    loop {
        match check().await {
            Ok(v) => return Ok(v),
            Err(e) if tokio::time::Instant::now() >= give_up => return Err(e),
            Err(_) => {}
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(100));
    }
}

/// Waits until `check` returns Some, or panics after the deadline with `what`.
pub async fn wait_for<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    match poll(|| {
        let next = check();
        async move { next.await.ok_or(()) }
    })
    .await
    {
        Ok(v) => v,
        Err(()) => panic!("timed out after {:?} waiting for {what}", deadline()),
    }
}

/// A loopback port this test holds from the start: bound, not listening
/// (connections are refused), until a server process is handed the socket
/// as its file descriptor 3 and listens on it. Never "pick a free port,
/// release it, start a server on it": in between, another test can take the
/// port, and then one test's e-mails went to another's server.
pub struct ReservedPort {
    socket: socket2::Socket,
    pub port: u16,
}

impl Default for ReservedPort {
    fn default() -> Self {
        Self::new()
    }
}

impl ReservedPort {
    pub fn new() -> ReservedPort {
        use socket2::{Domain, Socket, Type};
        let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        // A server restarted on it may bind while old connections linger.
        socket.set_reuse_address(true).unwrap();
        socket.bind(&std::net::SocketAddr::from(([127, 0, 0, 1], 0)).into()).unwrap();
        let port = socket.local_addr().unwrap().as_socket().unwrap().port();
        ReservedPort { socket, port }
    }

    /// Starts listening on the reserved port (connections queue from now on)
    /// and returns a listener for it.
    pub fn listen(&self) -> std::net::TcpListener {
        self.socket.listen(128).unwrap();
        let listener: std::net::TcpListener = self.socket.try_clone().unwrap().into();
        listener.set_nonblocking(true).unwrap();
        listener
    }

    /// `command` gets the socket as file descriptor 3 (the convention of
    /// systemd's socket activation, which the app understands).
    pub fn pass_to<'a>(&self, command: &'a mut std::process::Command) -> &'a mut std::process::Command {
        use std::os::fd::AsRawFd;
        use std::os::unix::process::CommandExt;
        let fd = self.socket.as_raw_fd();
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            command.pre_exec(move || {
                let ok = if fd == 3 { libc::fcntl(3, libc::F_SETFD, 0) != -1 } else { libc::dup2(fd, 3) != -1 };
                if ok { Ok(()) } else { Err(std::io::Error::last_os_error()) }
            })
        }
    }
}
