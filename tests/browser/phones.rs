//! Every page at a phone's width (390 × 844): no page may be wider than the
//! screen. The tour visits each HTML page of the route table as the role
//! that uses it, with data on it (a long link in a job ad, an applicant, a
//! thread), and measures the document's scroll width. A new page route
//! must join the tour or the short list of routes that are not pages.

use fantoccini::Client;
use serde_json::Value;

use crate::both_backends;
use crate::driver::{Driver, log_in, screenshot};
use crate::helpers::{TestApp, TestUser};

both_backends!(no_page_is_wider_than_a_phone);

/// GET routes that answer with something else than a page.
const NOT_PAGES: &[&str] = &[
    "/account/data.zip",
    "/admin/audit.csv",
    "/applicants/export.csv",
    "/companies/{key}/logo",
    "/feeds/indeed.xml",
    "/healthz",
    "/jobs.xml",
    "/reports.csv",
    "/resumes/{id}",
    "/sitemap.xml",
    "/sitemaps/{file}",
    "/static/{path:.*}",
    "/users/{id}/avatar",
    "/ws",
];

const LONG_LINK: &str = "https://careers.acme.example/apply/engineering/embedded/2026/very-long-reference-\
                         ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz?utm_source=jobconnect";

/// Visits `pages` (route pattern, path) in `browser` and returns the ones wider than the window.
async fn too_wide(browser: &Client, app: &TestApp, who: &str, pages: &[(&str, String)]) -> Vec<String> {
    let mut wide = Vec::new();
    for (pattern, path) in pages {
        browser.goto(&app.url(path)).await.unwrap();
        let measure = "const w = window.innerWidth;
            const clipped = e => { for (let p = e.parentElement; p; p = p.parentElement) {
              if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX)) return true; } return false; };
            const over = [...document.querySelectorAll('body *')]
              .filter(e => e.getBoundingClientRect().right > w + 1 && !clipped(e))
              .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : ''));
            return [document.documentElement.scrollWidth, w, document.querySelector('h1')?.textContent ?? '', over];";
        let got = browser.execute(measure, vec![]).await.unwrap();
        let (scroll, width) = (got[0].as_u64().unwrap(), got[1].as_u64().unwrap());
        assert!(width <= 400, "the window is a phone's ({width} px)");
        let heading = got[2].as_str().unwrap_or_default().trim().to_string();
        assert!(!heading.is_empty(), "{who} {path} ({pattern}) has a heading");
        if scroll > width {
            let name = format!("phone-too-wide-{who}-{}.png", path.trim_matches('/').replace(['/', '?', '='], "-"));
            screenshot(browser, &name).await;
            wide.push(format!("{who} {path}: {scroll} px > {width} px, {}", Value::to_string(&got[3])));
        }
    }
    wide
}

async fn no_page_is_wider_than_a_phone(app: &TestApp) {
    let Some(mut driver) = Driver::start().await else { return };
    let bob = app.employer("bob", "Acme Robotics").await;
    let acme = app.company_of(&bob).await;
    let description = format!("Build our robots.\n\nApply through {LONG_LINK} or read\nTOKEN{}", "x".repeat(120));
    let job = app.job(acme, "Embedded Rust Engineer with a rather long title").description(&description).insert().await;
    let other = app.job(acme, "Office Manager").insert().await;
    let ann = app.seeker("ann").await;
    let applicant = app.insert_applicant(acme, Some(job), "Ann Applicant-Withaverylongfamilyname", Some(ann.id)).await;
    bob.post_form(&format!("/applicants/{applicant}/messages"), &[("body", LONG_LINK)]).await.assert_status(303);
    let fields = [("name", "Invitation"), ("subject", "Come and talk"), ("body", LONG_LINK), ("auto_stage", "")];
    bob.post_form("/email-templates/new", &fields).await.assert_status(303);
    let root = app.admin("root").await;
    let template = app.max_id("email_templates").await;
    let outbox = app.max_id("outbox").await;
    let slug = app.company_slug(acme).await;

    let visitor: Vec<(&str, String)> = vec![
        ("/", "/".into()),
        ("/jobs", "/jobs".into()),
        ("/jobs/{id}", format!("/jobs/{job}")),
        ("/companies/{key}", format!("/companies/{slug}")),
        ("/login", "/login".into()),
        ("/register", "/register?role=employer".into()),
        ("/register/sent", "/register/sent".into()),
        ("/password/forgot", "/password/forgot".into()),
        ("/password/reset/{token}", "/password/reset/not-a-token".into()),
        ("/account/confirm/{token}", "/account/confirm/not-a-token".into()),
        ("/team/join/{token}", "/team/join/not-a-token".into()),
    ];
    let seeker: Vec<(&str, String)> = vec![
        ("/jobs", "/jobs?q=robots&remote=onsite".into()),
        ("/jobs/{id}", format!("/jobs/{job}")),
        ("/jobs/{id}/apply", format!("/jobs/{other}/apply")),
        ("/applications", "/applications".into()),
        ("/applications/{id}", format!("/applications/{applicant}")),
        ("/applications/{id}/messages", format!("/applications/{applicant}/messages")),
        ("/messages", "/messages".into()),
        ("/notifications", "/notifications".into()),
        ("/saved-jobs", "/saved-jobs".into()),
        ("/resumes", "/resumes".into()),
        ("/alerts", "/alerts".into()),
        ("/profile", "/profile".into()),
        ("/profile/preferences", "/profile/preferences".into()),
        ("/account/password", "/account/password".into()),
        ("/account/privacy", "/account/privacy".into()),
    ];
    let employer: Vec<(&str, String)> = vec![
        ("/employer", "/employer".into()),
        ("/employer/jobs", "/employer/jobs".into()),
        ("/employer/jobs/new", "/employer/jobs/new".into()),
        ("/employer/jobs/{id}/edit", format!("/employer/jobs/{job}/edit")),
        ("/employer/jobs/{id}/preview", format!("/employer/jobs/{job}/preview")),
        ("/employer/jobs/{id}/close", format!("/employer/jobs/{job}/close")),
        ("/employer/jobs/{id}/questions", format!("/employer/jobs/{job}/questions")),
        ("/employer/jobs/{id}/scorecard", format!("/employer/jobs/{job}/scorecard")),
        ("/employer/company", "/employer/company".into()),
        ("/employer/team", "/employer/team".into()),
        ("/employer/pipeline", "/employer/pipeline".into()),
        ("/employer/interviews", "/employer/interviews".into()),
        ("/applicants", "/applicants".into()),
        ("/applicants/board", "/applicants/board".into()),
        ("/applicants/duplicates", "/applicants/duplicates".into()),
        ("/applicants/new", "/applicants/new".into()),
        ("/applicants/{id:\\d+}", format!("/applicants/{applicant}")),
        ("/applicants/{id:\\d+}/edit", format!("/applicants/{applicant}/edit")),
        ("/applicants/{id}/email", format!("/applicants/{applicant}/email")),
        ("/applicants/{id}/messages", format!("/applicants/{applicant}/messages")),
        ("/email-templates", "/email-templates".into()),
        ("/email-templates/new", "/email-templates/new".into()),
        ("/email-templates/{id}/edit", format!("/email-templates/{template}/edit")),
        ("/reports", "/reports".into()),
    ];
    let admin: Vec<(&str, String)> = vec![
        ("/admin", "/admin".into()),
        ("/admin/users", "/admin/users".into()),
        ("/admin/users/{id}", format!("/admin/users/{}", ann.id)),
        ("/users/{id}/profile", format!("/users/{}/profile", ann.id)),
        ("/admin/companies", "/admin/companies".into()),
        ("/admin/companies/{id}", format!("/admin/companies/{acme}")),
        ("/admin/jobs", "/admin/jobs".into()),
        ("/admin/outbox", "/admin/outbox".into()),
        ("/admin/outbox/{id}", format!("/admin/outbox/{outbox}")),
        ("/admin/audit", "/admin/audit".into()),
    ];

    // Every page of the route table is on the tour.
    let toured: Vec<&str> = [&visitor, &seeker, &employer, &admin].iter().flat_map(|l| l.iter().map(|(p, _)| *p)).collect();
    let missing: Vec<&str> = jobconnect::routes::table()
        .into_iter()
        .filter(|(method, _)| method == actix_web::http::Method::GET)
        .map(|(_, pattern)| pattern)
        .filter(|p| !toured.contains(p) && !NOT_PAGES.contains(p))
        .collect();
    assert!(missing.is_empty(), "pages missing from the phone tour: {missing:?}");

    let mut wide = Vec::new();
    let tours: [(&str, Option<&TestUser>, &Vec<(&str, String)>); 4] =
        [("visitor", None, &visitor), ("seeker", Some(&ann), &seeker), ("employer", Some(&bob), &employer), ("admin", Some(&root), &admin)];
    for (who, user, pages) in tours {
        let browser = driver.phone(390, 844).await;
        if let Some(user) = user {
            log_in(&browser, app, user).await;
        }
        wide.extend(too_wide(&browser, app, who, pages).await);
        browser.close().await.unwrap();
    }
    assert!(wide.is_empty(), "pages wider than a 390 px phone:\n{}", wide.join("\n"));
}
