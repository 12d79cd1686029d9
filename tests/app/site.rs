//! The whole site: headers, health, error pages, static files.

use crate::helpers::{Backend, TestApp};
use crate::{both_backends, each_backend};

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
    healthz_checks_the_database,
    static_files_are_served_with_cache_headers,
    pages_render_for_visitors,
    oversized_form_is_413,
    nul_in_any_text_parameter_is_a_422,
);

each_backend!(an_https_site_sends_hsts);
