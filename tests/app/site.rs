//! The whole site: headers, health, error pages, static files.

use crate::both_backends;
use crate::helpers::{Backend, TestApp};

async fn every_page_carries_security_headers(app: &TestApp) {
    let client = app.client();
    for path in ["/", "/login", "/register", "/no-such-page", "/healthz"] {
        let resp = client.get(path).await;
        let csp = resp.header("content-security-policy");
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{path}: CSP without inline script"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: no framing");
        assert_eq!(resp.header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(resp.header("referrer-policy"), "same-origin", "{path}");
        assert_eq!(resp.header("strict-transport-security"), "", "{path}: no HSTS over plain HTTP");
    }
}

/// Over HTTPS (`BASE_URL=https://…`) every answer asks browsers to keep to it.
async fn an_https_site_sends_hsts(backend: Backend) {
    let app = crate::smtp::spawn_app(backend, |s| {
        s.base_url = "https://jobs.example".into();
        s.cookie_secure = false;
    })
    .await;
    for path in ["/", "/no-such-page", "/healthz"] {
        let resp = app.client().get(path).await;
        assert_eq!(resp.header("strict-transport-security"), "max-age=31536000; includeSubDomains", "{path}");
    }
    app.stop().await;
}

/// No text parameter may carry NUL (PostgreSQL cannot store it): a query,
/// a form field or a multipart field with one is a 422 that changes nothing.
async fn nul_in_any_text_parameter_is_a_422(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let root = app.admin("root").await;
    for path in ["/applicants?company=%00", "/applicants?q=a%00b", "/admin/users?q=%00", "/admin/jobs?q=x%00"] {
        root.get(path).await.assert_status(422);
    }
    for path in ["/jobs?q=%00", "/jobs?location=%00", "/?%00=1"] {
        app.client().get(path).await.assert_status(422);
    }
    let name_before = app.count("applicants").await;
    bob.post_form("/employer/company", &[("name", "Acme\0Evil")]).await.assert_status(422);
    let resp =
        bob.post_multipart("/applicants/new", |f| f.text("name", "Ann\0Lee").text("email", "ann@example.com")).await;
    resp.assert_status(422);
    assert_eq!(app.count("applicants").await, name_before, "nothing stored");
    let company = app.company_of(&bob).await;
    let name = app.db.run(move |c| jobconnect::db::companies::find(c, company)).await.unwrap().name;
    assert_eq!(name, "Acme");
}

async fn session_cookie_is_http_only_and_same_site(app: &TestApp) {
    let resp = app.client().get("/login").await;
    let cookie = resp
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("jobconnect_session="));
    let cookie = cookie.expect("a session cookie is set for the form token");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
}

async fn unknown_page_is_a_real_404_page(app: &TestApp) {
    let resp = app.client().get("/no/such/page").await;
    resp.assert_status(404);
    assert!(resp.header("content-type").starts_with("text/html"));
    assert!(resp.text().contains("Page not found"));
    assert!(resp.body.contains("/static/css/app.css"), "styled like every page");
    assert!(resp.select("details.user-menu").is_empty(), "a visitor has no account menu");
    assert!(resp.header("set-cookie").is_empty(), "a visitor's 404 starts no session");

    // Someone logged in keeps the header: their menu, their links, their live feed.
    let bob = app.employer("bob", "Acme").await;
    for path in ["/no/such/page", "/applicants/999999", "/jobs/not-a-number"] {
        let resp = bob.get(path).await;
        resp.assert_status(404);
        assert!(resp.text().contains("Page not found"), "{path}");
        assert_eq!(resp.select("details.user-menu summary").len(), 1, "{path}: the account menu");
        assert!(!resp.select(r#"nav.main-nav a[href="/applicants"]"#).is_empty(), "{path}: the employer's links");
        assert!(resp.header("cache-control").contains("no-store"), "{path}");
    }
}

/// The home page says how many jobs are open, not a slogan.
async fn home_counts_the_open_jobs(app: &TestApp) {
    let lead = |resp: crate::helpers::Resp| resp.select(".hero .lead").join(" ");
    assert!(lead(app.client().get("/").await).starts_with("New jobs are posted here"), "none open yet");
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    for title in ["Rust Engineer", "Data Engineer"] {
        app.open_job(acme, title).await;
    }
    app.job(acme, "Draft").status("draft").insert().await;
    let text = lead(app.client().get("/").await);
    assert!(text.starts_with("2 open jobs from companies that hire here."), "{text}");
}

async fn healthz_checks_the_database(app: &TestApp) {
    let resp = app.client().get("/healthz").await;
    resp.assert_status(200);
    let body: serde_json::Value = serde_json::from_str(&resp.body).unwrap();
    assert_eq!(body["database"], "ok");
}

async fn static_files_are_served_with_cache_headers(app: &TestApp) {
    let client = app.client();
    let home = client.get("/").await;
    let href = home
        .body
        .split("href=\"")
        .find(|s| s.starts_with("/static/css/app.css"))
        .expect("the stylesheet link")
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let css = client.get(&href).await;
    css.assert_status(200);
    assert!(css.header("content-type").starts_with("text/css"));
    assert!(css.header("cache-control").contains("max-age=31536000"));
    assert!(css.body.contains("--primary"));
    client.get("/static/../Cargo.toml").await.assert_status(404);
    client.get("/static/nope.js").await.assert_status(404);
}

async fn pages_render_for_visitors(app: &TestApp) {
    let client = app.client();
    for (path, text) in [("/", "Find the job"), ("/login", "Welcome back"), ("/register", "Create your account")] {
        let resp = client.get(path).await;
        resp.assert_status(200);
        assert!(resp.text().contains(text), "{path} shows {text:?}");
        assert!(resp.body.contains(r#"name="csrf_token""#) || path == "/", "{path} forms carry the token");
    }
}

async fn oversized_form_is_413(app: &TestApp) {
    let client = app.client();
    let big = "x".repeat(app.settings.max_form_bytes + 1);
    let resp = client.post_form("/login", &[("login", &big), ("password", "whatever-pass")]).await;
    resp.assert_status(413);
    assert_eq!(app.count("login_failures").await, 0, "nothing recorded");
}

both_backends!(
    every_page_carries_security_headers,
    session_cookie_is_http_only_and_same_site,
    unknown_page_is_a_real_404_page,
    home_counts_the_open_jobs,
    healthz_checks_the_database,
    static_files_are_served_with_cache_headers,
    pages_render_for_visitors,
    oversized_form_is_413,
    nul_in_any_text_parameter_is_a_422,
);

/// An upload whose body trickles in is cut off at `UPLOAD_DEADLINE_SECS`:
/// 408, and no temporary file is left behind.
async fn a_trickled_upload_is_cut_off_at_its_deadline(backend: Backend) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = crate::smtp::spawn_app(backend, |s| s.upload_deadline = std::time::Duration::from_secs(2)).await;
    let ann = app.seeker("ann").await;
    // A browser's cookie and the form token that goes with it.
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let http = reqwest::Client::builder().cookie_provider(jar.clone()).build().unwrap();
    let login = http.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    let token = crate::helpers::csrf_from(&login).unwrap();
    let fields = [("login", "ann"), ("password", ann.password.as_str()), ("csrf_token", token.as_str())];
    http.post(app.url("/login")).form(&fields).send().await.unwrap();
    let page = http.get(app.url("/resumes")).send().await.unwrap().text().await.unwrap();
    let token = crate::helpers::csrf_from(&page).unwrap();
    use reqwest::cookie::CookieStore;
    let cookie = jar.cookies(&app.url("/").parse().unwrap()).unwrap().to_str().unwrap().to_string();

    let head = format!(
        "--b\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n--b\r\n\
         Content-Disposition: form-data; name=\"resume\"; filename=\"cv.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n"
    );
    let request = format!(
        "POST /resumes HTTP/1.1\r\nHost: {}\r\nCookie: {cookie}\r\nContent-Type: multipart/form-data; boundary=b\r\n\
         Content-Length: 100000\r\nConnection: close\r\n\r\n{head}",
        app.address.trim_start_matches("http://")
    );
    let mut stream = tokio::net::TcpStream::connect(app.address.trim_start_matches("http://")).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    // Nothing more is sent: the answer comes when the deadline passes.
    let mut answer = vec![0; 64];
    let read =
        tokio::time::timeout(crate::helpers::deadline(), stream.read(&mut answer)).await.expect("an answer").unwrap();
    let status = String::from_utf8_lossy(&answer[..read]).to_string();
    assert!(status.starts_with("HTTP/1.1 408"), "{status}");
    let left: Vec<_> =
        std::fs::read_dir(app.settings.upload_dir.join("tmp")).map(|d| d.flatten().collect()).unwrap_or_default();
    assert!(left.is_empty(), "no temporary file stays: {left:?}");
    assert_eq!(app.count("resumes").await, 0);
    app.stop().await;
}

both_backends!(backend: an_https_site_sends_hsts, a_trickled_upload_is_cut_off_at_its_deadline);
