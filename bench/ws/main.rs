//! WebSocket load tool: many open pages on one JobConnect instance, the
//! server's memory per socket, and how fast a message reaches its pages.
//!
//! Run through `bench/ws/run.sh` (it builds, starts a release server on
//! loopback, raises the file limit and stops everything afterwards):
//!
//! 1. makes a company, an employer, a job and `--users` seekers, each with an
//!    application (rows written straight into the server's database);
//! 2. logs every seeker in over HTTP and opens `--sockets` WebSockets
//!    (`sockets / users` per seeker, like tabs), waiting for each `ready`;
//! 3. reads the server's RSS before and after: the difference / sockets is
//!    the memory per socket;
//! 4. the employer sends `--messages` messages through the real route
//!    (`POST /applicants/{id}/messages`) at `--rate` per second to random
//!    seekers; each arrival on each of the seeker's sockets is timed from
//!    just before the POST (the action) to the frame read by the client.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use diesel::prelude::*;
use futures_util::StreamExt;
use jobconnect::db::{self, Db, applicants, companies, schema, users};
use jobconnect::domain::{ApplicantSource, ApplicantStatus, EmploymentType, Role, Stage};
use tokio::sync::{Mutex, Semaphore};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

#[derive(Parser, Debug)]
#[command(about = "JobConnect WebSocket benchmark (loopback only)")]
struct Args {
    /// The server, e.g. http://127.0.0.1:18105 (must be loopback).
    #[arg(long)]
    base_url: String,
    /// The server's DATABASE_URL (to create the bench rows).
    #[arg(long)]
    database_url: String,
    /// The server's process id (its RSS is read from /proc).
    #[arg(long)]
    server_pid: u32,
    #[arg(long, default_value_t = 10_000)]
    sockets: usize,
    #[arg(long, default_value_t = 1_000)]
    users: usize,
    #[arg(long, default_value_t = 1_000)]
    messages: usize,
    /// Messages per second.
    #[arg(long, default_value_t = 50.0)]
    rate: f64,
    /// Sockets being opened at once.
    #[arg(long, default_value_t = 128)]
    connect_concurrency: usize,
    /// Hard limit on the whole run, in seconds.
    #[arg(long, default_value_t = 600)]
    max_seconds: u64,
}

const PASSWORD: &str = "bench-password-123";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // `cargo bench` passes `--bench`; it is not ours.
    let raw: Vec<String> = std::env::args().filter(|a| a != "--bench").collect();
    if !raw.iter().any(|a| a.starts_with("--base-url")) && !raw.iter().any(|a| a == "--help" || a == "-h") {
        // A bare `cargo bench` (other areas' benchmarks): this one needs a server.
        println!("ws: skipped (needs a running server; use bench/ws/run.sh)");
        return Ok(());
    }
    let args = Args::parse_from(raw);
    let url = url::Url::parse(&args.base_url)?;
    if !matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "::1")) {
        bail!("the benchmark only runs against loopback");
    }
    let limit = Duration::from_secs(args.max_seconds);
    match tokio::time::timeout(limit, run(args)).await {
        Ok(result) => result,
        Err(_) => bail!("the benchmark did not finish within {limit:?}"),
    }
}

fn rss_kib(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).context("no VmRSS")?;
    Ok(line.split_whitespace().nth(1).context("VmRSS value")?.parse()?)
}

struct Fixture {
    employer: String,
    seekers: Vec<(String, i64)>, // user name, applicant id
}

/// Rows straight into the server's database: a company, an employer, a job,
/// and for each seeker an application.
fn create_rows(database_url: &str, users_n: usize) -> anyhow::Result<Fixture> {
    let db = Db::new(database_url, 1)?;
    let mut conn = db.pool().get()?;
    let hash = bcrypt::non_truncating_hash(PASSWORD, 4)?;
    let run = uuid::Uuid::new_v4().simple().to_string()[..8].to_string();
    db::transaction(&mut conn, |c| {
        let now = db::now();
        let company = companies::create(c, &format!("Bench Co {run}"))?;
        let employer = format!("emp{run}");
        users::insert(
            c,
            &users::NewUser {
                email: &format!("{employer}@bench.test"),
                username: &employer,
                password_hash: &hash,
                role: Role::Employer,
                company_id: Some(company.id),
                display_name: "Bench Employer",
                created_at: now,
                updated_at: now,
                email_confirmed: true,
                timezone: "",
            },
        )?;
        let job: i64 = diesel::insert_into(schema::jobs::table)
            .values((
                schema::jobs::company_id.eq(company.id),
                schema::jobs::title.eq("Load Tester"),
                schema::jobs::description.eq("Opens many sockets."),
                schema::jobs::status.eq("open"),
                schema::jobs::published_at.eq(Some(now)),
                schema::jobs::created_at.eq(now),
                schema::jobs::updated_at.eq(now),
            ))
            .returning(schema::jobs::id)
            .get_result(c)?;
        let mut seekers = Vec::with_capacity(users_n);
        for i in 0..users_n {
            let name = format!("s{run}{i}");
            let email = format!("{name}@bench.test");
            let user = users::insert(
                c,
                &users::NewUser {
                    email: &email,
                    username: &name,
                    password_hash: &hash,
                    role: Role::Seeker,
                    company_id: None,
                    display_name: "",
                    created_at: now,
                    updated_at: now,
                    email_confirmed: true,
                    timezone: "",
                },
            )?;
            let applicant = applicants::insert(
                c,
                &applicants::NewApplicant {
                    company_id: company.id,
                    job_id: Some(job),
                    seeker_id: Some(user.id),
                    resume_id: None,
                    name: &name,
                    email: &email,
                    phone: "",
                    current_company: "",
                    position: "",
                    location: "",
                    years_experience: None,
                    status: ApplicantStatus::Open,
                    employment_type: EmploymentType::FullTime,
                    stage: Stage::Applied,
                    source: ApplicantSource::Portal,
                    cover_letter: "",
                    created_at: now,
                    updated_at: now,
                },
            )?;
            seekers.push((name, applicant.id));
        }
        Ok::<_, anyhow::Error>(Fixture { employer, seekers })
    })
}

/// Logs in; returns the cookie header and the session's CSRF token.
async fn log_in(base: &str, login: &str) -> anyhow::Result<(String, String)> {
    use reqwest::cookie::CookieStore;
    let jar = Arc::new(reqwest::cookie::Jar::default());
    let http =
        reqwest::Client::builder().cookie_provider(jar.clone()).redirect(reqwest::redirect::Policy::none()).build()?;
    let page = http.get(format!("{base}/login")).send().await?.text().await?;
    let token = csrf(&page).context("no CSRF token on /login")?;
    let resp = http
        .post(format!("{base}/login"))
        .form(&[("login", login), ("password", PASSWORD), ("csrf_token", &token)])
        .send()
        .await?;
    if resp.status() != 303 {
        bail!("log-in of {login} answered {}", resp.status());
    }
    let cookie = jar.cookies(&base.parse()?).context("no session cookie")?.to_str()?.to_string();
    // The session's token after log-in (a new session, a new token).
    let page = http.get(format!("{base}/notifications")).send().await?.text().await?;
    Ok((cookie, csrf(&page).context("no CSRF token after log-in")?))
}

fn csrf(html: &str) -> Option<String> {
    let start = html.find(r#"<meta name="csrf-token" content=""#)? + r#"<meta name="csrf-token" content=""#.len();
    Some(html[start..].split('"').next()?.to_string())
}

#[derive(Default)]
struct Tally {
    latencies_ms: Vec<f64>,
}

async fn run(args: Args) -> anyhow::Result<()> {
    let base = args.base_url.trim_end_matches('/').to_string();
    let sockets_per_user = args.sockets.div_ceil(args.users).max(1);
    println!(
        "== {} sockets for {} seekers ({} each), {} messages at {}/s",
        args.sockets, args.users, sockets_per_user, args.messages, args.rate
    );

    let started = Instant::now();
    let (database_url, users_n) = (args.database_url.clone(), args.users);
    let fixture = tokio::task::spawn_blocking(move || create_rows(&database_url, users_n)).await??;
    println!("rows: {:.1} s", started.elapsed().as_secs_f64());

    let started = Instant::now();
    // Fewer at once than the per-address throttle lets through (20 password
    // checks from one address in flight): every seeker logs in from 127.0.0.1.
    let gate = Arc::new(Semaphore::new(16));
    let mut logins = Vec::new();
    for (name, _) in &fixture.seekers {
        let (base, name, gate) = (base.clone(), name.clone(), gate.clone());
        logins.push(tokio::spawn(async move {
            let _turn = gate.acquire().await;
            log_in(&base, &name).await.map(|(cookie, _)| cookie)
        }));
    }
    let mut cookies = Vec::new();
    for login in logins {
        cookies.push(login.await??);
    }
    let (employer_cookie, employer_csrf) = log_in(&base, &fixture.employer).await?;
    println!("log-ins: {:.1} s", started.elapsed().as_secs_f64());

    let rss_before = rss_kib(args.server_pid)?;
    let sent: Arc<Mutex<HashMap<u64, Instant>>> = Arc::default();
    let tally: Arc<Mutex<Tally>> = Arc::default();
    let ready = Arc::new(AtomicUsize::new(0));
    let delivered = Arc::new(AtomicUsize::new(0));
    let closed = Arc::new(AtomicUsize::new(0));
    let ws_base = base.replacen("http://", "ws://", 1);

    let started = Instant::now();
    let gate = Arc::new(Semaphore::new(args.connect_concurrency));
    let mut opened = Vec::with_capacity(args.sockets);
    for i in 0..args.sockets {
        let cookie = cookies[i % cookies.len()].clone();
        let (ws_base, origin, gate) = (ws_base.clone(), base.clone(), gate.clone());
        let (sent, tally, ready, delivered, closed) =
            (sent.clone(), tally.clone(), ready.clone(), delivered.clone(), closed.clone());
        opened.push(tokio::spawn(async move {
            let turn = gate.acquire_owned().await.unwrap();
            let mut request = format!("{ws_base}/ws").into_client_request()?;
            request.headers_mut().insert("cookie", HeaderValue::from_str(&cookie)?);
            request.headers_mut().insert("origin", HeaderValue::from_str(&origin)?);
            let (mut stream, _) = tokio_tungstenite::connect_async(request).await?;
            let mut turn = Some(turn);
            tokio::spawn(async move {
                while let Some(frame) = stream.next().await {
                    let Ok(Message::Text(text)) = frame else {
                        if matches!(frame, Ok(Message::Close(_)) | Err(_)) {
                            break;
                        }
                        continue;
                    };
                    let arrived = Instant::now();
                    let Ok(value) = serde_json::from_str::<serde_json::Value>(text.as_str()) else { continue };
                    match value["type"].as_str() {
                        Some("ready") => {
                            turn.take();
                            ready.fetch_add(1, Ordering::Relaxed);
                        }
                        Some("message") => {
                            let seq = value["body"]
                                .as_str()
                                .and_then(|b| b.strip_prefix("bench:"))
                                .and_then(|s| s.parse::<u64>().ok());
                            if let Some(seq) = seq {
                                if let Some(at) = sent.lock().await.get(&seq).copied() {
                                    tally.lock().await.latencies_ms.push((arrived - at).as_secs_f64() * 1000.0);
                                    delivered.fetch_add(1, Ordering::Relaxed);
                                }
                            }
                        }
                        _ => {}
                    }
                }
                closed.fetch_add(1, Ordering::Relaxed);
            });
            Ok::<_, anyhow::Error>(())
        }));
    }
    let mut failed = 0;
    for handle in opened {
        if let Err(e) = handle.await? {
            failed += 1;
            if failed <= 3 {
                eprintln!("a socket did not open: {e}");
            }
        }
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    while ready.load(Ordering::Relaxed) < args.sockets - failed && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let open_secs = started.elapsed().as_secs_f64();
    let open = ready.load(Ordering::Relaxed);
    println!("open: {open} sockets ready in {open_secs:.1} s ({failed} failed to open)");
    // Settle: the largest of a few readings over two seconds.
    let mut rss_after = 0;
    for _ in 0..8 {
        rss_after = rss_after.max(rss_kib(args.server_pid)?);
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let per_socket = (rss_after.saturating_sub(rss_before)) as f64 / open.max(1) as f64;
    println!(
        "server RSS: {:.1} MiB before, {:.1} MiB with {open} sockets -> {per_socket:.1} KiB per socket",
        rss_before as f64 / 1024.0,
        rss_after as f64 / 1024.0
    );

    // Messages through the real route, at a steady rate.
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let mut ticker = tokio::time::interval(Duration::from_secs_f64(1.0 / args.rate));
    let mut expected = 0usize;
    let mut posts = Vec::new();
    let started = Instant::now();
    let mut pick = rand_index(args.users as u64);
    let per_user: Vec<usize> =
        (0..args.users).map(|u| (0..args.sockets).filter(|i| i % args.users == u).count()).collect();
    for seq in 0..args.messages as u64 {
        ticker.tick().await;
        let user = pick() as usize;
        let applicant = fixture.seekers[user].1;
        expected += per_user[user];
        let (http, base, cookie, token, sent) =
            (http.clone(), base.clone(), employer_cookie.clone(), employer_csrf.clone(), sent.clone());
        posts.push(tokio::spawn(async move {
            let start = Instant::now();
            sent.lock().await.insert(seq, start);
            let body = format!("bench:{seq}");
            let resp = http
                .post(format!("{base}/applicants/{applicant}/messages"))
                .header("cookie", cookie)
                .form(&[("body", body.as_str()), ("csrf_token", token.as_str())])
                .send()
                .await?;
            if resp.status() != 303 {
                bail!("sending a message answered {}", resp.status());
            }
            Ok::<_, anyhow::Error>(start.elapsed().as_secs_f64() * 1000.0)
        }));
    }
    let mut post_ms = Vec::with_capacity(posts.len());
    for post in posts {
        post_ms.push(post.await??);
    }
    post_ms.sort_by(|a, b| a.total_cmp(b));
    let post_pct = |p: f64| {
        post_ms.get(((post_ms.len() as f64 * p).ceil() as usize).saturating_sub(1)).copied().unwrap_or(f64::NAN)
    };
    let send_secs = started.elapsed().as_secs_f64();
    let deadline = Instant::now() + Duration::from_secs(15);
    while delivered.load(Ordering::Relaxed) < expected && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut latencies = std::mem::take(&mut tally.lock().await.latencies_ms);
    latencies.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| {
        latencies.get(((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1)).copied().unwrap_or(f64::NAN)
    };
    println!(
        "deliveries: {} of {expected} in {send_secs:.1} s of sending; sockets closed by the server: {}",
        latencies.len(),
        closed.load(Ordering::Relaxed)
    );
    println!(
        "latency action -> frame: p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        pct(0.50),
        pct(0.90),
        pct(0.99),
        latencies.last().copied().unwrap_or(f64::NAN)
    );
    println!(
        "the POST itself (request to 303): p50 {:.1} ms, p99 {:.1} ms; load average {}",
        post_pct(0.50),
        post_pct(0.99),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!(
        "RESULT sockets={open} kib_per_socket={per_socket:.1} rss_before_mib={:.1} rss_after_mib={:.1} deliveries={}/{expected} p50_ms={:.1} p99_ms={:.1} max_ms={:.1}",
        rss_before as f64 / 1024.0,
        rss_after as f64 / 1024.0,
        latencies.len(),
        pct(0.50),
        pct(0.99),
        latencies.last().copied().unwrap_or(f64::NAN)
    );
    if open < args.sockets || latencies.len() < expected {
        bail!("not every socket opened or not every message arrived");
    }
    Ok(())
}

/// A small deterministic pseudo-random index (xorshift), so runs compare.
fn rand_index(n: u64) -> impl FnMut() -> u64 {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % n
    }
}
