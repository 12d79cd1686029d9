//! Every route of the route table, every other method, tampered session cookies and odd headers.

use std::collections::BTreeSet;
use std::time::Instant;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::BoxedStrategy;
use reqwest::Method;

use super::checks::{accepted, check_response, snapshot, stored_files_are_sound, unchanged};
use super::search::{encode_query, query_pairs};
use super::upload::{Kind, UploadCase, encode_multipart, upload_case};
use super::urlencoded::{FormCase, content_type, csrf, encode_form, extra_fields};
use super::values::{Bytes, Field, Val, field, hostile, named_as};
use super::{Stats, apply, check_property, post_ok, scalar, send};
use crate::helpers::{TestApp, TestClient, TestUser};

/// Every field name any form reads.
const ALL_FIELDS: &[&str] = &[
    "email",
    "username",
    "password",
    "role",
    "company_name",
    "login",
    "next",
    "current_password",
    "new_password",
    "display_name",
    "headline",
    "location",
    "phone",
    "skills",
    "employment_types",
    "locations",
    "remote",
    "salary_min",
    "categories",
    "title",
    "description",
    "employment_type",
    "category",
    "salary_max",
    "salary_currency",
    "salary_period",
    "closes_at",
    "name",
    "website",
    "cover_letter",
    "resume_id",
    "current_company",
    "position",
    "years_experience",
    "status",
    "job",
    "company_id",
    "body",
    "stage",
    "assignee",
    "ids",
    "action",
    "subject",
    "template_id",
    "step",
    "query",
    "q",
    "page",
    "type",
    "sort",
    "state",
    "actor",
    "target",
    "from",
    "to",
    "template",
    "company",
    "tag",
    "reason",
    "auto_stage",
    "idle",
    "direction",
    "other",
    "criterion",
    "question",
    "prompt",
    "knockout",
    "required",
    "consent",
    "retention_days",
    "interview",
    "slot",
    "slot1",
    "slot2",
    "slot3",
    "timezone",
    "duration",
    "invite",
    "user",
];

/// What a path parameter of the route table is filled with.
const SWEEP_IDS: &[&str] = &[
    "1",
    "2",
    "3",
    "0",
    "-1",
    "abc",
    "9223372036854775807",
    "9223372036854775808",
    "%00",
    "%FF%FE",
    "..%2F..%2FCargo.toml",
    "1.0",
    "%2B1",
    "a%2Fb",
    "1%0D%0ASet-Cookie:%20x=y",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "ghijklmnopqrstuvwxyzghijklmnopqrstuvwxyzghijklmnopqrstuvwxyzghij",
];

const STATIC_PATHS: &[&str] = &[
    "css/app.css",
    "js/live.js",
    "../Cargo.toml",
    "..%2F..%2FCargo.toml",
    "%2e%2e/%2e%2e/Cargo.toml",
    "js/../../src/main.rs",
    "%2Fetc%2Fpasswd",
    "css/app.css%00.js",
    "....//....//Cargo.toml",
    "..\\..\\Cargo.toml",
    "",
];

fn fill_pattern(pattern: &str, value: &str) -> String {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = start + rest[start..].find('}').expect("a closed placeholder");
        out.push_str(value);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

#[derive(Clone, Debug)]
enum SweepBody {
    Empty,
    Form(FormCase),
    Upload(UploadCase),
}

#[derive(Clone, Debug)]
struct SweepCase {
    path: String,
    query: Vec<(Bytes, Val)>,
    body: SweepBody,
}

fn sweep_case(pattern: &'static str, post: bool) -> BoxedStrategy<SweepCase> {
    let values = if pattern.contains("{path") { STATIC_PATHS } else { SWEEP_IDS };
    let path = select(values).prop_map(move |v| fill_pattern(pattern, v));
    let fields = vec((select(ALL_FIELDS), field(hostile())), 0..6);
    // (The sweep knows no form: its fields are any names with any values.)
    let form = (fields, extra_fields(), csrf(), content_type()).prop_map(|(fields, extra, csrf, ct)| {
        SweepBody::Form(FormCase { path: (0, String::new()), fields, extra, csrf, ct })
    });
    let text: Vec<Field> =
        ["cover_letter", "resume_id", "name", "company_id"].iter().map(|n| named_as(n, field(hostile()))).collect();
    let upload = prop_oneof![
        upload_case(vec![String::new()], "resume", Kind::Pdf, &text),
        upload_case(vec![String::new()], "avatar", Kind::Image, &text),
        upload_case(vec![String::new()], "logo", Kind::Image, &text),
    ]
    .prop_map(SweepBody::Upload);
    let body = if post {
        prop_oneof![3 => form, 1 => upload, 1 => Just(SweepBody::Empty)].boxed()
    } else {
        Just(SweepBody::Empty).boxed()
    };
    (path, query_pairs(ALL_FIELDS), body).prop_map(|(path, query, body)| SweepCase { path, query, body }).boxed()
}

/// One route of the table, as one user (None: a new visitor each time).
async fn sweep_route(
    app: &TestApp,
    method: &Method,
    pattern: &'static str,
    who: (&str, Option<&TestClient>),
    cases: u32,
    stats: &Stats,
) {
    let handle = tokio::runtime::Handle::current();
    let label = format!("{method} {pattern} as {}", who.0);
    let post = *method == Method::POST;
    check_property(app, &label, cases, sweep_case(pattern, post), |case| {
        handle.block_on(async {
            let fresh;
            let client = match who.1 {
                Some(client) => client,
                None => {
                    fresh = app.client();
                    &fresh
                }
            };
            let token = client.csrf().await;
            let query = encode_query(&case.query);
            let url = if query.is_empty() { case.path.clone() } else { format!("{}?{query}", case.path) };
            let before = snapshot(app).await;
            let resp = match &case.body {
                SweepBody::Empty => send(client, method.clone(), &url, None, None).await,
                SweepBody::Form(form) => {
                    send(client, method.clone(), &url, form.ct.header(), Some(encode_form(form, &token, ""))).await
                }
                SweepBody::Upload(upload) => {
                    let (ct, body) = encode_multipart(upload, &token, app.settings.max_upload_bytes as usize);
                    send(client, method.clone(), &url, ct.as_deref(), Some(body)).await
                }
            }?;
            stats.record(&resp);
            check_response(&resp)?;
            if pattern.starts_with("/static/")
                && resp.status == 200
                && (resp.body.contains("[package]") || resp.body.contains("fn main"))
            {
                return Err(format!("{url} served a file from outside static/"));
            }
            if !post || !accepted(&resp) {
                unchanged(app, &before, &resp).await
            } else {
                stats.accept();
                stored_files_are_sound(app).await
            }
        })
    });
}

pub(super) async fn every_route_survives_hostile_requests(app: &TestApp) {
    // Made first, so the small ids the sweep fills in are theirs.
    let _victims =
        (app.seeker("victim1").await, app.employer("victim2", "Victim Co").await, app.seeker("victim3").await);
    let victim_co = scalar(app, "SELECT MIN(id) FROM companies".into()).await;
    for i in 0..3 {
        app.open_job(victim_co, &format!("Victim Role {i}")).await;
        app.insert_applicant(victim_co, None, &format!("Victim {i}"), None).await;
    }
    let ann = app.seeker("ann").await;
    let bob = app.employer("bob", "Acme").await;
    let root = app.admin("root").await;
    let acme = app.company_of(&bob).await;
    let job = app.open_job(acme, "Rust Developer").await;
    apply(&ann, job).await;
    post_ok(&bob, "/email-templates/new", &[("name", "Hello"), ("subject", "Hi"), ("body", "Hello {{name}}")]).await;
    post_ok(&ann, "/alerts", &[("query", "q=rust")]).await;

    let table = jobconnect::routes::table();
    assert!(table.len() > 40, "the route table lists every route");
    // Routes that take people or records away run last.
    let destructive = |p: &str| ["delete", "deactivate", "/role", "/logout", "/withdraw"].iter().any(|d| p.contains(d));
    let (last, first): (Vec<_>, Vec<_>) = table.iter().cloned().partition(|(_, p)| destructive(p));
    let users: [(&str, Option<&TestClient>); 4] = [
        ("a visitor", None),
        ("a seeker", Some(&ann.client)),
        ("an employer", Some(&bob.client)),
        ("an admin", Some(&root.client)),
    ];
    let stats = Stats::default();
    let started = Instant::now();
    for (method, pattern) in first.iter().chain(&last) {
        let method = Method::from_bytes(method.as_str().as_bytes()).expect("an HTTP method");
        for who in users {
            if *pattern == "/logout" && who.1.is_some() {
                continue; // log-out is fuzzed with fresh log-ins (accounts)
            }
            let cases = if method == Method::POST { 4 } else { 3 };
            sweep_route(app, &method, pattern, who, cases, &stats).await;
        }
    }
    stats.report(app, &format!("every route of the table ({} routes, 4 users)", table.len()), started.elapsed(), 0);

    // Every other method on every route: refused, never a failure, never a change.
    let patterns: BTreeSet<&str> = table.iter().map(|(_, p)| *p).collect();
    let methods = ["HEAD", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"];
    let started = Instant::now();
    for pattern in &patterns {
        for method in methods {
            let path = fill_pattern(pattern, if pattern.contains("{path") { "css/app.css" } else { "1" });
            let before = snapshot(app).await;
            let resp = send(&root, Method::from_bytes(method.as_bytes()).unwrap(), &path, None, None)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            if resp.status != 405 {
                check_response(&resp).unwrap_or_else(|e| panic!("{method} {path}: {e}"));
            }
            unchanged(app, &before, &resp).await.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        }
    }
    eprintln!(
        "hostile [{:?}] {} other methods on {} paths in {:.1?}",
        app.backend,
        methods.len(),
        patterns.len(),
        started.elapsed()
    );
    hostile_cookies_and_headers(app, &ann).await;
}

/// What a session cookie is replaced with.
#[derive(Clone, Debug)]
enum Cookie {
    None,
    Real,
    /// The real value with one character changed.
    Flipped(usize),
    Truncated(usize),
    Garbage(String),
    Huge(usize),
}

#[derive(Clone, Debug)]
struct HeaderCase {
    path: &'static str,
    post: bool,
    cookie: Cookie,
    host: Option<&'static str>,
    forwarded_for: Option<&'static str>,
    origin: Option<&'static str>,
}

/// Garbage and tampered session cookies, odd Host, forwarding and Origin
/// headers: at worst a visitor, never a 500, never someone else's session.
async fn hostile_cookies_and_headers(app: &TestApp, user: &TestUser) {
    let login = app.client();
    let resp = login.post_form("/login", &[("login", &user.username), ("password", &user.password)]).await;
    assert_eq!(resp.status, 303);
    let set = resp.header("set-cookie").to_string();
    let (name, value) = set.split(';').next().unwrap().split_once('=').expect("a session cookie");
    let (name, value) = (name.to_string(), value.to_string());
    let csrf = login.csrf().await;
    let raw = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let handle = tokio::runtime::Handle::current();
    let strategy = (
        select(&["/", "/profile", "/applicants", "/jobs", "/admin", "/login", "/notifications"][..]),
        any::<bool>(),
        prop_oneof![
            1 => Just(Cookie::None),
            2 => Just(Cookie::Real),
            3 => (0usize..400).prop_map(Cookie::Flipped),
            2 => (0usize..400).prop_map(Cookie::Truncated),
            2 => "[!#-+--:<-\\[-~]{0,200}".prop_map(Cookie::Garbage),
            1 => (4000usize..12000).prop_map(Cookie::Huge),
        ],
        select(&[None, Some("evil.example"), Some("127.0.0.1:1"), Some("[::1]"), Some("a..b"), Some("x:y:z")][..]),
        select(&[None, Some("1.2.3.4"), Some("<script>, 999.999.999.999"), Some("::1, unknown"), Some("")][..]),
        select(&[None, Some("https://evil.example"), Some("null"), Some("http://127.0.0.1")][..]),
    )
        .prop_map(|(path, post, cookie, host, forwarded_for, origin)| HeaderCase {
            path,
            post,
            cookie,
            host,
            forwarded_for,
            origin,
        });
    let stats = Stats::default();
    let started = Instant::now();
    check_property(app, "tampered cookies and odd headers", 96, strategy, |case| {
        handle.block_on(async {
            let cookie = match &case.cookie {
                Cookie::None => None,
                Cookie::Real => Some(value.clone()),
                Cookie::Flipped(at) => {
                    let mut v = value.clone().into_bytes();
                    let at = at % v.len();
                    v[at] = if v[at] == b'A' { b'B' } else { b'A' };
                    Some(String::from_utf8(v).unwrap())
                }
                Cookie::Truncated(n) => Some(value[..n % value.len()].to_string()),
                Cookie::Garbage(g) => Some(g.clone()),
                Cookie::Huge(n) => Some("A".repeat(*n)),
            };
            let url = format!("{}{}", app.address, case.path);
            let mut request = if case.post {
                raw.post(&url)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(format!("csrf_token={csrf}"))
            } else {
                raw.get(&url)
            };
            if let Some(c) = &cookie {
                request = request.header("cookie", format!("{name}={c}"));
            }
            for (header, value) in
                [("host", case.host), ("x-forwarded-for", case.forwarded_for), ("origin", case.origin)]
            {
                if let Some(v) = value {
                    request = request.header(header, v);
                }
            }
            let resp = match request.send().await {
                Ok(resp) => TestClient::read(resp).await,
                Err(e) => return Err(format!("no answer: {:?}", e.without_url())),
            };
            stats.record(&resp);
            let status = resp.status.as_u16();
            // A header section too large to read is refused as such.
            if status == 431 && matches!(case.cookie, Cookie::Huge(_)) {
                return Ok(());
            }
            check_response(&resp)?;
            let tampered =
                !matches!(case.cookie, Cookie::Real | Cookie::None) && cookie.as_deref() != Some(value.as_str());
            if tampered && case.path == "/profile" && !case.post && status == 200 {
                return Err("a tampered session cookie still opens the profile".into());
            }
            Ok(())
        })
    });
    stats.report(app, "tampered cookies and odd headers", started.elapsed(), 0);
}
