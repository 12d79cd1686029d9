//! Faults: the database going away while the app runs, and the server
//! restarted (SIGTERM) under load.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::helpers::{
    ReservedPort, TestApp, csrf_from, drop_postgres_database, fresh_postgres_database, postgres_admin, wait_for,
    wait_for_eml_link,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_outage_answers_503_and_recovers_by_itself() {
    let Some(app) = TestApp::spawn_postgres().await else { return };
    let ann = app.seeker("ann").await;
    let db = app.pg_database().unwrap().to_string();
    let visitor = app.client();
    visitor.csrf().await;

    postgres_admin(&format!("ALTER DATABASE {db} ALLOW_CONNECTIONS false"));
    postgres_admin(&format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{db}'"));
    let page = ann.get("/").await;
    page.assert_status(503);
    assert!(page.text().contains("Temporarily unavailable"), "a real page explains it");
    app.client().get("/healthz").await.assert_status(503);
    visitor.post_form("/login", &[("login", "ann"), ("password", &ann.password)]).await.assert_status(503);

    postgres_admin(&format!("ALTER DATABASE {db} ALLOW_CONNECTIONS true"));
    let client = app.client();
    wait_for("the app to reconnect", || async { (client.get("/healthz").await.status.as_u16() == 200).then_some(()) })
        .await;
    let home = ann.get("/").await;
    home.assert_status(200);
    assert!(home.text().contains("Log out"), "sessions survive the outage");
    app.stop().await;
}

/// The real binary, started as a separate process on a socket this test
/// holds (socket activation: fd 3, `LISTEN_FDS`, `LISTEN_PID`), so a restart
/// serves the same port and no other test can take it in between.
struct ServerProcess {
    child: Child,
}

impl ServerProcess {
    async fn start(database_url: &str, data_dir: &std::path::Path, socket: &ReservedPort) -> ServerProcess {
        let mut command = Command::new("sh");
        // LISTEN_PID must be the server's own pid: `exec` keeps the shell's.
        command
            .args(["-c", r#"LISTEN_PID=$$ LISTEN_FDS=1 exec "$0" serve"#, env!("CARGO_BIN_EXE_jobconnect")])
            .env("DATABASE_URL", database_url)
            .env("DATA_DIR", data_dir)
            .env("BCRYPT_COST", "4")
            // Every simulated seeker signs up from 127.0.0.1.
            .env("SIGNUPS_PER_ADDRESS_HOUR", "1000000")
            .env("WORKERS", "2")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let child = socket.pass_to(&mut command).spawn().expect("the server binary starts");
        let server = ServerProcess { child };
        let http = reqwest::Client::new();
        let url = format!("http://127.0.0.1:{}/healthz", socket.port);
        wait_for("the server to answer", || async {
            let ok = http.get(&url).send().await.map(|r| r.status().is_success()).unwrap_or(false);
            ok.then_some(())
        })
        .await;
        server
    }

    /// SIGTERM, then wait for a graceful exit.
    async fn terminate(mut self) {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
        let status = wait_for("the server to exit", || {
            let status = self.child.try_wait().unwrap();
            async move { status }
        })
        .await;
        assert!(status.success() || status.code().is_none(), "clean exit: {status:?}");
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the load loop was told was done (2xx/3xx), to find in the database.
#[derive(Default)]
struct Acknowledged {
    users: Vec<String>,
    applications: Vec<String>,
    messages: Vec<String>,
}

/// One simulated seeker: signs up, opens the link the server e-mailed
/// (written to `mail_dir`), applies to `job` with a PDF, writes a message in
/// the application's thread. Stops at the first step that fails (the server
/// may be down), recording every step that was acknowledged. An acknowledged
/// sign-up's e-mail must arrive, restart or not (it waits in the outbox).
async fn seeker_round(base: &str, mail_dir: &Path, job: i64, name: &str, done: &mut Acknowledged) -> Option<()> {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let ok = |r: &reqwest::Response| r.status().is_success() || r.status().is_redirection();
    let page = client.get(format!("{base}/register")).send().await.ok()?;
    let token = csrf_from(&page.text().await.ok()?)?;
    let form = [
        ("csrf_token", token.as_str()),
        ("email", &format!("{name}@example.com")),
        ("username", name),
        ("password", "load-test-password"),
        ("role", "seeker"),
    ];
    let resp = client.post(format!("{base}/register")).form(&form).send().await.ok()?;
    if !ok(&resp) {
        return None;
    }
    done.users.push(name.to_string());
    let link = wait_for_eml_link(mail_dir, &format!("{name}@example.com"), "/account/confirm/").await;
    let resp = client.post(format!("{base}{link}")).form(&[("csrf_token", token.as_str())]).send().await.ok()?;
    if !ok(&resp) {
        return None;
    }

    // A new session after the link logged in: the page shows its token.
    let page = client.get(format!("{base}/jobs/{job}/apply")).send().await.ok()?;
    let token = csrf_from(&page.text().await.ok()?)?;
    let resume = reqwest::multipart::Part::bytes(crate::fixtures::pdf_with_text(name))
        .file_name("resume.pdf")
        .mime_str("application/pdf")
        .unwrap();
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", token.clone())
        .text("cover_letter", format!("Cover letter of {name}"))
        .text("consent", "yes")
        .part("resume", resume);
    let resp = client.post(format!("{base}/jobs/{job}/apply")).multipart(form).send().await.ok()?;
    if !ok(&resp) {
        return None;
    }
    done.applications.push(name.to_string());
    let location = resp.headers().get("location")?.to_str().ok()?.to_string();

    let body = format!("Message from {name}");
    let form = [("csrf_token", token.as_str()), ("body", body.as_str())];
    let resp = client.post(format!("{base}{location}/messages")).form(&form).send().await.ok()?;
    if !ok(&resp) {
        return None;
    }
    done.messages.push(body);
    Some(())
}

/// What the database holds: user names, user names with an application, message bodies.
async fn stored(db: &jobconnect::db::Db) -> (Vec<String>, Vec<String>, Vec<String>) {
    db.run(|c| {
        use diesel::prelude::*;
        use jobconnect::db::schema::{applicants, messages, users};
        let names = users::table.select(users::username).load::<String>(c)?;
        let applied = applicants::table
            .inner_join(users::table.on(applicants::seeker_id.eq(users::id.nullable())))
            .select(users::username)
            .load::<String>(c)?;
        let bodies = messages::table.select(messages::body).load::<String>(c)?;
        Ok::<_, diesel::result::Error>((names, applied, bodies))
    })
    .await
    .unwrap()
}

/// Seekers keep registering, applying and messaging while the server is
/// stopped with SIGTERM and started again: every request that was answered
/// 2xx/3xx is in the database afterwards.
async fn restart_under_load(database_url: String) {
    let dir = tempfile::tempdir().unwrap();
    let socket = ReservedPort::new();
    let port = socket.port;
    let server = ServerProcess::start(&database_url, dir.path(), &socket).await;
    let db = jobconnect::db::Db::new(&database_url, 2).unwrap();
    let job = open_job(&db).await;
    let mail_dir = dir.path().join("mail");
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for w in 0..4 {
        let (stop, mail_dir) = (stop.clone(), mail_dir.clone());
        workers.push(tokio::spawn(async move {
            let base = format!("http://127.0.0.1:{port}");
            let mut done = Acknowledged::default();
            for round in 0..500 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                if seeker_round(&base, &mail_dir, job, &format!("load{w}x{round}"), &mut done).await.is_none() {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
            done
        }));
    }
    let messages = |db: jobconnect::db::Db| async move { stored(&db).await.2.len() };
    wait_for("messages before the restart", || {
        let db = db.clone();
        async move { (messages(db).await >= 8).then_some(()) }
    })
    .await;
    server.terminate().await;
    let server = ServerProcess::start(&database_url, dir.path(), &socket).await;
    let before = messages(db.clone()).await;
    wait_for("messages after the restart", || {
        let db = db.clone();
        async move { (messages(db).await >= before + 8).then_some(()) }
    })
    .await;
    stop.store(true, Ordering::Relaxed);
    let mut done = Acknowledged::default();
    for w in workers {
        let d = w.await.unwrap();
        done.users.extend(d.users);
        done.applications.extend(d.applications);
        done.messages.extend(d.messages);
    }
    server.terminate().await;
    let (names, applied, bodies) = stored(&db).await;
    assert!(done.messages.len() >= 16, "the load went through: {} messages", done.messages.len());
    let lost =
        |acked: &[String], stored: &[String]| acked.iter().filter(|a| !stored.contains(a)).cloned().collect::<Vec<_>>();
    assert_eq!(lost(&done.users, &names), Vec::<String>::new(), "acknowledged sign-ups missing");
    assert_eq!(lost(&done.applications, &applied), Vec::<String>::new(), "acknowledged applications missing");
    assert_eq!(lost(&done.messages, &bodies), Vec::<String>::new(), "acknowledged messages missing");
}

/// An open job of a new company, made in the database (the setup, not the subject).
async fn open_job(db: &jobconnect::db::Db) -> i64 {
    db.run(|c| {
        use diesel::prelude::*;
        use jobconnect::db::schema::jobs;
        let company = jobconnect::db::companies::create(c, "Load Test Ltd")?;
        let now = jobconnect::db::now();
        diesel::insert_into(jobs::table)
            .values((
                jobs::company_id.eq(company.id),
                jobs::title.eq("Load tester"),
                jobs::description.eq("Applies under load."),
                jobs::status.eq("open"),
                jobs::published_at.eq(Some(now)),
                jobs::created_at.eq(now),
                jobs::updated_at.eq(now),
            ))
            .returning(jobs::id)
            .get_result::<i64>(c)
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_restarted_under_load_keeps_every_acknowledged_write_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    restart_under_load(format!("sqlite://{}", dir.path().join("load.db").display())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_restarted_under_load_keeps_every_acknowledged_write_postgres() {
    let Some((url, name)) = fresh_postgres_database().await else { return };
    restart_under_load(url).await;
    drop_postgres_database(&name);
}
