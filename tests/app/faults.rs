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
    async fn terminate(self) {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
        self.terminate_after_signal().await;
    }

    /// Waits for a graceful exit after a signal already sent.
    async fn terminate_after_signal(mut self) {
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
        ("full_name", "Load Tester"),
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

/// A small tmpfs of its own, mounted for one test and unmounted when
/// dropped: a disk that can be filled. Mounting needs root, as CI runs;
/// elsewhere the test says "not run".
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(bytes: u64) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if mounted {
            return Some(SmallDisk { dir });
        }
        if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
            panic!("CI runs as root: mounting a small tmpfs for the disk-full test must work");
        }
        eprintln!("disk full: not run (mounting a small tmpfs needs root)");
        None
    }

    /// Fills the disk to the last byte.
    fn fill(&self) {
        use std::io::Write;
        let mut filler = std::fs::File::create(self.dir.path().join("filler")).unwrap();
        while filler.write_all(&[0u8; 4096]).is_ok() {}
        let _ = filler.write_all(&[0u8; 1]);
    }

    fn free(&self) {
        std::fs::remove_file(self.dir.path().join("filler")).unwrap();
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.dir.path()).status();
    }
}

/// A full upload disk: a resume, an application with a new resume and a
/// picture each answer 507 with their form kept, store nothing (no row, no
/// file), and `/healthz` says so; once there is room, uploads work again.
async fn a_full_upload_disk_answers_507_and_keeps_the_form(backend: crate::helpers::Backend) {
    let Some(disk) = SmallDisk::mount(2 * 1024 * 1024) else { return };
    let uploads = disk.dir.path().join("uploads");
    let dir = uploads.clone();
    let app = crate::smtp::spawn_app(backend, move |s| s.upload_dir = dir).await;
    let bob = app.employer("bob", "Acme").await;
    let job = app.open_job(app.company_of(&bob).await, "Rust Engineer").await;
    let ann = app.seeker("ann").await;
    let pdf = || crate::seekers::pdf_part("Ann Lee, Rust developer");
    std::fs::create_dir_all(uploads.join("tmp")).unwrap();
    disk.fill();

    let resume = ann.post_multipart("/resumes", |f| f.part("resume", pdf())).await;
    resume.assert_status(507);
    assert!(resume.text().contains("no room for files just now"), "{}", resume.text());
    let applied = crate::seekers::apply_with_file(&ann, job, "My letter, kept", pdf()).await;
    applied.assert_status(507);
    assert!(applied.body.contains("My letter, kept"), "the cover letter is kept");
    let picture =
        reqwest::multipart::Part::bytes(crate::seekers::png()).file_name("me.png").mime_str("image/png").unwrap();
    ann.post_multipart("/profile/avatar", |f| f.part("avatar", picture)).await.assert_status(507);
    assert_eq!((app.count("resumes").await, app.count("applicants").await), (0, 0));
    let left: Vec<_> = walk(&uploads);
    assert!(left.is_empty(), "no file of any of them stays: {left:?}");
    let health = app.client().get("/healthz").await;
    health.assert_status(200);
    let body: serde_json::Value = serde_json::from_str(&health.body).unwrap();
    assert_eq!((body["uploads"].as_str(), body["upload_free_bytes"].as_u64()), (Some("full"), Some(0)), "{body}");

    disk.free();
    ann.post_multipart("/resumes", |f| f.part("resume", pdf())).await.assert_status(303);
    crate::seekers::apply_with_file(&ann, job, "My letter", pdf()).await.assert_status(303);
    let body: serde_json::Value = serde_json::from_str(&app.client().get("/healthz").await.body).unwrap();
    assert_eq!(body["uploads"], "low", "a 2 MiB disk is low on room: {body}");
    app.stop().await;
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() { out.extend(walk(&path)) } else { out.push(path) }
    }
    out
}

crate::both_backends!(backend: a_full_upload_disk_answers_507_and_keeps_the_form);

/// `serve` on a PostgreSQL server that does not answer yet starts anyway:
/// pages that need the database answer 503 (and `/healthz` says so), and the
/// migrations run as soon as the database comes up, then pages work.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_starts_while_postgres_is_down_and_migrates_when_it_comes_up() {
    let Some(admin_url) = crate::helpers::postgres_url() else {
        eprintln!("PostgreSQL: not run (set TEST_POSTGRES_URL to run it)");
        return;
    };
    // An empty database, not the migrated template: the migrations must run.
    let name = format!("jc_down_{}", uuid::Uuid::new_v4().simple());
    postgres_admin(&format!("CREATE DATABASE {name}"));
    postgres_admin(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"));
    let mut url = url::Url::parse(&admin_url).unwrap();
    url.set_path(&format!("/{name}"));
    let dir = tempfile::tempdir().unwrap();
    let settings = crate::helpers::test_settings(dir.path(), url.to_string());
    let app = TestApp::start(crate::helpers::Backend::Postgres, settings, Some(name.clone()), dir).await;
    let visitor = app.client();
    visitor.get("/jobs").await.assert_status(503);
    let health = visitor.get("/healthz").await;
    health.assert_status(503);
    assert!(health.body.contains("unreachable"), "{}", health.body);

    postgres_admin(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"));
    wait_for("the app to migrate and serve", || async {
        (visitor.get("/healthz").await.status.as_u16() == 200).then_some(())
    })
    .await;
    visitor.get("/jobs").await.assert_status(200);
    let ann = app.seeker("ann").await;
    ann.get("/applications").await.assert_status(200);
    app.stop().await;
}

/// One server per SQLite site: a second `serve` on the same file is refused
/// with a message naming the running process, and so is `migrate`;
/// `create-admin` may run beside it. Once the first stops, a server starts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_server_on_one_sqlite_site_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("site.db").display());
    let settings = crate::helpers::test_settings(dir.path(), url);
    let first = jobconnect::startup::Application::build(settings.clone()).await.expect("the first server starts");
    let second = jobconnect::startup::Application::build(settings.clone()).await;
    let refusal = format!("{:#}", second.err().expect("a second server is refused"));
    assert!(refusal.contains("is serving the SQLite database"), "{refusal}");
    assert!(refusal.contains(&format!("process {}", std::process::id())), "names the running process: {refusal}");
    let migrate = settings.clone();
    let refusal = tokio::task::spawn_blocking(move || jobconnect::commands::migrate(&migrate)).await.unwrap();
    assert!(format!("{:#}", refusal.unwrap_err()).contains("before you migrate"));
    let admin = settings.clone();
    tokio::task::spawn_blocking(move || {
        jobconnect::commands::create_admin(
            &admin,
            Some("root@example.com".into()),
            Some("root".into()),
            Some("a-long-secret-1".into()),
        )
    })
    .await
    .unwrap()
    .expect("create-admin runs beside the server");
    let handle = first.handle();
    let running = tokio::spawn(first.run_until_stopped());
    handle.stop(true).await;
    running.await.unwrap().unwrap();
    let again = jobconnect::startup::Application::build(settings).await;
    assert!(again.is_ok(), "the lock goes with the server: {:?}", again.err());
}

/// SIGTERM while connections wait in the kernel's queue (the server was
/// paused with SIGSTOP while they arrived): each of them is answered before
/// the listening socket closes, none is reset. The server holds the only
/// copy of its socket here, as with `BIND` (with socket activation the
/// manager's copy would keep them for the next server anyway).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_answers_the_connections_already_waiting() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("site.db").display());
    let socket = ReservedPort::new();
    let port = socket.port;
    let server = ServerProcess::start(&url, dir.path(), &socket).await;
    drop(socket);
    let pid = server.child.id() as i32;
    // SAFETY: signals to the child this test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGSTOP) }, 0);
    let mut waiting = Vec::new();
    for _ in 0..20 {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").await.unwrap();
        waiting.push(stream);
    }
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    assert_eq!(unsafe { libc::kill(pid, libc::SIGCONT) }, 0);
    for (n, mut stream) in waiting.into_iter().enumerate() {
        let mut answer = Vec::new();
        let read = tokio::time::timeout(crate::helpers::deadline(), stream.read_to_end(&mut answer)).await;
        let head = String::from_utf8_lossy(&answer[..answer.len().min(12)]).to_string();
        assert!(matches!(read, Ok(Ok(_))) && head == "HTTP/1.1 200", "connection {n}: {read:?}, {head:?}");
    }
    server.terminate_after_signal().await;
}
