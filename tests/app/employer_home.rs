//! `/employer`: where an employer lands — today's interviews, who waits for
//! a first look, who is new since the last visit, jobs closing soon and
//! unread messages, of their own company only.

use diesel::prelude::*;
use jobconnect::db::schema::{applicants, interviews};
use jobconnect::domain::{ApplicantStatus, EmploymentType, Stage};

use crate::both_backends;
use crate::helpers::TestApp;

async fn schedule(app: &TestApp, applicant: i64, at: time::PrimitiveDateTime) {
    app.db
        .run(move |c| {
            let now = jobconnect::db::now();
            diesel::insert_into(interviews::table)
                .values((
                    interviews::applicant_id.eq(applicant),
                    interviews::status.eq("scheduled"),
                    interviews::duration_minutes.eq(30),
                    interviews::location.eq("Video call"),
                    interviews::timezone.eq("UTC"),
                    interviews::starts_at.eq(Some(at)),
                    interviews::sequence.eq(0),
                    interviews::created_at.eq(now),
                    interviews::updated_at.eq(now),
                ))
                .execute(c)
        })
        .await
        .unwrap();
}

async fn applied_at(app: &TestApp, applicant: i64, at: time::PrimitiveDateTime) {
    app.db
        .run(move |c| diesel::update(applicants::table.find(applicant)).set(applicants::created_at.eq(at)).execute(c))
        .await
        .unwrap();
}

async fn an_employer_lands_on_the_days_work(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let eve = app.employer("eve", "Globex").await;
    let acme = app.company_of(&bob).await;
    let globex = app.company_of(&eve).await;
    let now = jobconnect::db::now();
    let rust = app.job(acme, "Rust Engineer").closes_at(now + time::Duration::days(3)).insert().await;
    app.job(acme, "Office Manager").closes_at(now + time::Duration::days(30)).insert().await;
    app.job(globex, "Globex Closing Role").closes_at(now + time::Duration::days(2)).insert().await;

    // Before bob's last log-in: one applicant from a month ago, one from two days ago who moved on.
    let olga = app.insert_applicant(acme, Some(rust), "Old Olga", None).await;
    applied_at(app, olga, now - time::Duration::days(30)).await;
    let sam = app.insert_applicant(acme, Some(rust), "Screened Sam", None).await;
    applied_at(app, sam, now - time::Duration::days(2)).await;
    app.set_applicant_state(sam, Stage::Screening, ApplicantStatus::Open, EmploymentType::FullTime, None).await;
    schedule(app, sam, now + time::Duration::days(3)).await;

    // The log-in after the first one remembers the first: "since your last visit".
    let laptop = app.client();
    let resp = laptop.post_form("/login", &[("login", "bob"), ("password", &bob.password)]).await;
    resp.assert_status(303);
    assert_eq!(resp.location(), "/employer", "an employer lands on their home");
    let nina = app.insert_applicant(acme, Some(rust), "New Nina", None).await;
    app.insert_applicant(globex, None, "Globex Gus", None).await;
    let day_end = now.replace_time(time::Time::MIDNIGHT) + time::Duration::days(1);
    let soon = jobconnect::db::now() + time::Duration::minutes(5);
    let today = soon < day_end;
    if today {
        schedule(app, nina, soon).await;
    }

    let home = laptop.get("/employer").await;
    home.assert_status(200);
    let text = home.text();
    assert!(text.contains("New since your last visit"), "{text}");
    let arrivals = home.select("#arrivals + ul li a");
    assert_eq!(arrivals, vec!["New Nina"], "only who came after the last log-in");
    let waiting = home.select("a[href^='/applicants?stage=applied'] .stat-value");
    assert_eq!(waiting, vec!["2"], "Olga and Nina wait at the first stage; Sam moved on");
    let closing = home.select("#closing + ul li a");
    assert_eq!(closing, vec!["Rust Engineer"], "closing within 7 days, of this company only");
    let interviews = home.select("a[href='/employer/interviews'] .stat-note");
    assert_eq!(interviews, vec![if today { "2 to come in all" } else { "1 to come in all" }]);
    if today {
        assert_eq!(home.select("#today + ul li a"), vec!["New Nina"]);
    }
    assert!(!text.contains("Globex"), "nothing of another company");

    // Seekers and admins have no such page; the first log-in has no "last visit".
    let ann = app.seeker("ann").await;
    ann.client.get("/employer").await.assert_status(404);
    let first = bob.client.get("/employer").await;
    assert!(first.text().contains("New this week"), "no previous visit: the week's arrivals");
    assert_eq!(first.select("#arrivals + ul li a"), vec!["New Nina", "Screened Sam"]);
}

both_backends!(an_employer_lands_on_the_days_work);
