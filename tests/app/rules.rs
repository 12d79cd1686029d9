//! One rule per value (`domain::{phone, money, text}`): every form that asks
//! for a phone number or an amount of money reads it the same way.

use crate::both_backends;
use crate::helpers::TestApp;
use crate::jobs::job_form;

async fn every_form_reads_phones_and_amounts_by_one_rule(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let ann = app.seeker("ann").await;
    let phones = [("+1 555 123 4567 x89", true), ("030/123.45,67", true), ("12", false), ("call me", false)];
    for (i, (phone, good)) in phones.into_iter().enumerate() {
        let profile = ann.post_form("/profile", &[("display_name", "Ann Lee"), ("phone", phone)]).await;
        assert_eq!(profile.status == 303, good, "the profile, {phone:?}: {}", profile.status);
        let email = format!("grace{i}@example.com");
        let applicant = bob
            .post_multipart("/applicants/new", |f| {
                f.text("name", "Grace Hopper")
                    .text("email", email)
                    .text("phone", phone)
                    .text("status", "pending")
                    .text("employment_type", "full_time")
            })
            .await;
        let errors = applicant.select(".field-error");
        assert_eq!(applicant.status == 303, good, "the applicant form, {phone:?}: {} {errors:?}", applicant.status);
    }

    let job = job_form("Welder", &[("salary_min", "60.000"), ("salary_max", "90k")]);
    bob.post_form("/employer/jobs/new", &job).await.assert_status(303);
    let pay = "SELECT salary_min * 1000000000 + salary_max AS n FROM jobs WHERE title = 'Welder'";
    assert_eq!(app.scalar(pay.into()).await, 60_000 * 1_000_000_000 + 90_000);
    ann.post_form("/profile/preferences", &[("salary_min", "60k")]).await.assert_status(303);
    let wanted = format!("SELECT salary_min AS n FROM seeker_preferences WHERE user_id = {}", ann.id);
    assert_eq!(app.scalar(wanted).await, 60_000);
    for bad in ["55.5", "60,00", "100,000,001"] {
        let job = job_form("Fitter", &[("salary_min", bad)]);
        bob.post_form("/employer/jobs/new", &job).await.assert_status(422);
        ann.post_form("/profile/preferences", &[("salary_min", bad)]).await.assert_status(422);
    }
    // The pay filter reads amounts so too.
    let acme = app.company_of(&bob).await;
    app.job(acme, "Turner").salary(Some(70_000), None, "year").insert().await;
    assert!(app.client().get("/jobs?salary_min=60.000").await.text().contains("Turner"));
    assert!(!app.client().get("/jobs?salary_min=80k").await.text().contains("Turner"));
}

both_backends!(every_form_reads_phones_and_amounts_by_one_rule);
