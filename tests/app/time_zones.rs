//! Time zones: a person reads times on their own clock (set at sign-up from
//! the browser, changed on the profile); a company enters closing dates and
//! interview times on its clock (the company profile).

use diesel::prelude::*;
use jobconnect::db::schema::{applicants, companies, jobs, users};

use crate::both_backends;
use crate::helpers::TestApp;

both_backends!(sign_up_keeps_the_browsers_zone, people_read_times_on_their_clock, companies_enter_dates_on_theirs);

async fn zone_of(app: &TestApp, username: &'static str) -> (String, Option<String>) {
    app.db
        .run(move |c| {
            let (zone, company): (String, Option<i64>) = users::table
                .filter(users::username.eq(username))
                .select((users::timezone, users::company_id))
                .first(c)?;
            let company_zone = match company {
                Some(id) => Some(companies::table.find(id).select(companies::timezone).first(c)?),
                None => None,
            };
            Ok::<_, diesel::result::Error>((zone, company_zone))
        })
        .await
        .unwrap()
}

async fn sign_up_keeps_the_browsers_zone(app: &TestApp) {
    for (name, role, zone) in
        [("tokyo", "seeker", "Asia/Tokyo"), ("nyc", "employer", "America/New_York"), ("odd", "seeker", "Not/AZone")]
    {
        let email = format!("{name}@example.com");
        let fields = [
            ("full_name", "Some Body"),
            ("email", email.as_str()),
            ("username", name),
            ("password", "a-long-secret-pass"),
            ("role", role),
            ("company_name", "Big Apple Corp"),
            ("timezone", zone),
        ];
        app.client().post_form("/register", &fields).await.assert_status(303);
    }
    assert_eq!(zone_of(app, "tokyo").await, ("Asia/Tokyo".into(), None));
    let nyc = ("America/New_York".to_string(), Some("America/New_York".to_string()));
    assert_eq!(zone_of(app, "nyc").await, nyc, "a new company starts on its owner's clock");
    assert_eq!(zone_of(app, "odd").await, (String::new(), None), "a guess that is no zone is dropped");
    // The form carries the field the page's script fills.
    let form = app.client().get("/register").await;
    assert_eq!(form.select_attr("input[name=timezone][data-browser-zone]", "value"), vec![""]);
}

async fn people_read_times_on_their_clock(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let ann = app.seeker("ann").await;
    let id = app.insert_applicant(acme, None, "Ann", Some(ann.id)).await;
    let late = time::macros::datetime!(2026-12-10 23:30);
    app.db
        .run(move |c| diesel::update(applicants::table.find(id)).set(applicants::created_at.eq(late)).execute(c))
        .await
        .unwrap();
    let page = format!("/applications/{id}");
    assert!(ann.get(&page).await.text().contains("10 Dec 2026"), "no zone: UTC");

    // The profile's select; a zone it does not know is refused and nothing changes.
    let profile = ann.get("/profile").await;
    assert_eq!(profile.select_attr("select#timezone[data-browser-zone] option[selected]", "value").len(), 0);
    let fields = |zone| vec![("display_name", "Ann"), ("timezone", zone)];
    let refused = ann.post_form("/profile", &fields("Mars/Olympus")).await;
    refused.assert_status(422);
    assert!(refused.text().contains("Choose one of the time zones."));
    assert_eq!(zone_of(app, "ann").await.0, "");
    ann.post_form("/profile", &fields("Asia/Tokyo")).await.assert_status(303);
    assert_eq!(zone_of(app, "ann").await.0, "Asia/Tokyo");
    let profile = ann.get("/profile").await;
    assert_eq!(profile.select_attr("select#timezone option[selected]", "value"), vec!["Asia/Tokyo"]);
    assert!(ann.get(&page).await.text().contains("11 Dec 2026"), "08:30 the next day in Tokyo");
    // The employer, still on UTC, reads the applicant's time on theirs.
    let detail = bob.get(&format!("/applicants/{id}")).await.text();
    assert!(detail.contains("10 Dec 2026, 23:30 UTC"), "{detail}");
    let berlin = bob.post_form("/profile", &[("display_name", "Bob"), ("timezone", "Europe/Berlin")]).await;
    berlin.assert_status(303);
    assert!(bob.get(&format!("/applicants/{id}")).await.text().contains("11 Dec 2026, 00:30 CET"));
}

async fn companies_enter_dates_on_theirs(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let company = |zone| {
        vec![
            ("name", "Acme"),
            ("website", ""),
            ("description", ""),
            ("location", "New York"),
            ("pay_rule", "none"),
            ("timezone", zone),
        ]
    };
    bob.post_form("/employer/company", &company("Atlantis/Lost")).await.assert_status(422);
    bob.post_form("/employer/company", &company("America/New_York")).await.assert_status(303);
    let form = bob.get("/employer/company").await;
    assert_eq!(form.select_attr("select#timezone option[selected]", "value"), vec!["America/New_York"]);

    // A closing date typed as 17:00 in New York is 22:00 UTC in January.
    let job = app.job(acme, "Welder").insert().await;
    let year = time::OffsetDateTime::now_utc().year() + 1;
    let typed = format!("{year}-01-10T17:00");
    let edit = crate::jobs::job_form("Welder", &[("closes_at", &typed)]);
    bob.post_form(&format!("/employer/jobs/{job}/edit"), &edit).await.assert_status(303);
    let stored: Option<time::PrimitiveDateTime> =
        app.db.run(move |c| jobs::table.find(job).select(jobs::closes_at).first(c)).await.unwrap();
    assert_eq!(stored.unwrap().to_string(), format!("{year}-01-10 22:00:00.0"));
    let form = bob.get(&format!("/employer/jobs/{job}/edit")).await;
    assert_eq!(form.select_attr("#closes_at", "value"), vec![format!("{year}-01-10T17:00:00")], "shown as typed");
    assert!(form.text().contains("America/New York time"), "the label names the clock");

    // Interview times are proposed on the company's clock unless chosen otherwise.
    let ann = app.seeker("ann").await;
    let id = app.insert_applicant(acme, Some(job), "Ann", Some(ann.id)).await;
    let page = bob.get(&format!("/applicants/{id}")).await;
    assert_eq!(page.select_attr("select[name=timezone] option[selected]", "value"), vec!["America/New_York"]);
}
