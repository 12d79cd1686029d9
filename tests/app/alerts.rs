//! Job alerts: saving searches, and the daily digest of new matches.

use diesel::prelude::*;
use jobconnect::db::schema::{job_alerts, outbox};
use jobconnect::mail::digest::send_due;

use crate::both_backends;
use crate::helpers::TestApp;

async fn alert_count(app: &TestApp) -> i64 {
    app.count("job_alerts").await
}

/// Digests due `days` from now, as the background task would send them.
async fn send_digests(app: &TestApp, days: i64) -> usize {
    let settings = std::sync::Arc::new(app.settings.clone());
    send_due(&app.db, &settings, &app.search, jobconnect::db::now() + time::Duration::days(days)).await.unwrap()
}

async fn outbox_to(app: &TestApp, to: &str) -> Vec<(String, String)> {
    let to = to.to_string();
    app.db
        .run(move |c| {
            outbox::table
                .filter(outbox::recipient.eq(to))
                .order(outbox::id)
                .select((outbox::subject, outbox::body_text))
                .load::<(String, String)>(c)
        })
        .await
        .unwrap()
}

async fn seeker_saves_searches_as_alerts(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let jobs = ann.get("/jobs?q=rust&remote=remote").await;
    assert!(jobs.body.contains("E-mail me new jobs for this search"), "offered on a search");
    assert!(!ann.get("/jobs").await.body.contains("E-mail me new jobs"), "not for the whole list");

    let resp = ann.post_form("/alerts", &[("query", "remote=remote&q=Rust&page=3")]).await;
    resp.assert_status(303);
    assert_eq!(resp.location(), "/alerts");
    let page = ann.get("/alerts").await;
    page.assert_status(200);
    assert!(page.text().contains("Alert saved"), "{}", page.text());
    assert_eq!(page.select(".alert-search"), ["Rust · Remote"]);
    let stored: String = app.db.run(|c| job_alerts::table.select(job_alerts::query).first::<String>(c)).await.unwrap();
    assert_eq!(stored, "q=Rust&remote=remote", "kept canonical, without the page");

    // The same search again is one alert; an empty search is not an alert.
    ann.post_form("/alerts", &[("query", "q=Rust&remote=remote")]).await.assert_status(303);
    assert!(ann.get("/alerts").await.text().contains("already have an alert"));
    ann.post_form("/alerts", &[("query", "page=2&bogus=1")]).await.assert_status(422);
    assert_eq!(alert_count(app).await, 1);
}

async fn alerts_are_for_their_seeker_only(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let cid = app.seeker("cid").await;
    let bob = app.employer("bob", "Acme").await;
    ann.post_form("/alerts", &[("query", "q=rust")]).await.assert_status(303);
    let id: i64 = app.db.run(|c| job_alerts::table.select(job_alerts::id).first::<i64>(c)).await.unwrap();
    assert!(cid.get("/alerts").await.select(".alert-search").is_empty(), "another seeker sees none");
    cid.post_form(&format!("/alerts/{id}/delete"), &[]).await.assert_status(404);
    bob.get("/alerts").await.assert_status(404);
    bob.post_form("/alerts", &[("query", "q=rust")]).await.assert_status(404);
    assert_eq!(app.client().get("/alerts").await.status.as_u16(), 303, "visitors log in first");
    ann.post_raw(&format!("/alerts/{id}/delete"), &[]).await.assert_status(403);
    assert_eq!(alert_count(app).await, 1, "nothing changed");
    ann.post_form(&format!("/alerts/{id}/delete"), &[]).await.assert_status(303);
    assert_eq!(alert_count(app).await, 0);
}

async fn digest_sends_new_matches_once_a_day(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let bob = app.employer("bob", "Acme").await;
    let company = app.company_of(&bob).await;
    app.open_job(company, "Senior Rust Engineer").await;
    ann.post_form("/alerts", &[("query", "q=rust")]).await.assert_status(303);
    assert_eq!(send_digests(app, 0).await, 0, "jobs from before the alert are not news");

    let first = app.open_job(company, "Rust Developer").await;
    app.open_job(company, "Rust Platform Lead").await;
    app.open_job(company, "Office Manager").await;
    app.insert_job(company, "Rust Draft", "draft").await;
    assert_eq!(send_digests(app, 1).await, 1);
    let mails = outbox_to(app, &ann.email).await;
    assert_eq!(mails.len(), 1);
    let (subject, body) = &mails[0];
    assert_eq!(subject, "2 new jobs for “rust”");
    assert!(body.contains("Rust Developer") && body.contains("Rust Platform Lead"), "{body}");
    assert!(!body.contains("Office Manager") && !body.contains("Draft") && !body.contains("Senior"), "{body}");
    assert!(body.contains(&format!("{}/jobs/{first}", app.settings.base_url)), "{body}");

    assert_eq!(send_digests(app, 1).await, 0, "at most one a day");
    assert_eq!(send_digests(app, 3).await, 0, "nothing new, no e-mail");
    assert_eq!(outbox_to(app, &ann.email).await.len(), 1);
}

/// The digest asks the search engine of the job list: a typo and a synonym
/// find there what they find on the page.
async fn digest_finds_what_the_page_finds(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let bob = app.employer("bob", "Acme").await;
    let company = app.company_of(&bob).await;
    ann.post_form("/alerts", &[("query", "q=devloper")]).await.assert_status(303);
    ann.post_form("/alerts", &[("query", "q=js")]).await.assert_status(303);
    app.open_job(company, "Backend Developer").await;
    app.open_job(company, "JavaScript Engineer").await;
    app.open_job(company, "Office Manager").await;
    for (query, title) in [("devloper", "Backend Developer"), ("js", "JavaScript Engineer")] {
        let page = ann.get(&format!("/jobs?q={query}")).await;
        assert_eq!(page.select(".job-card-title"), [title], "the page finds it for “{query}”");
    }
    assert_eq!(send_digests(app, 1).await, 2);
    let mails = outbox_to(app, &ann.email).await;
    let bodies: Vec<&str> = mails.iter().map(|(_, body)| body.as_str()).collect();
    assert!(bodies.iter().any(|b| b.contains("Backend Developer") && !b.contains("JavaScript")), "{bodies:?}");
    assert!(bodies.iter().any(|b| b.contains("JavaScript Engineer") && !b.contains("Backend")), "{bodies:?}");
    assert!(!bodies.iter().any(|b| b.contains("Office Manager")), "{bodies:?}");
}

async fn concurrent_senders_send_each_digest_once(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let company = app.company_of(&bob).await;
    let mut seekers = Vec::new();
    for i in 0..6 {
        let s = app.seeker(&format!("seeker{i}")).await;
        s.post_form("/alerts", &[("query", "q=engineer")]).await.assert_status(303);
        seekers.push(s);
    }
    app.open_job(company, "Data Engineer").await;
    let (a, b) = tokio::join!(send_digests(app, 1), send_digests(app, 1));
    assert_eq!(a + b, 6, "each alert sent by exactly one sender ({a} + {b})");
    for s in &seekers {
        assert_eq!(outbox_to(app, &s.email).await.len(), 1);
    }
}

both_backends!(
    seeker_saves_searches_as_alerts,
    alerts_are_for_their_seeker_only,
    digest_sends_new_matches_once_a_day,
    digest_finds_what_the_page_finds,
    concurrent_senders_send_each_digest_once,
);
