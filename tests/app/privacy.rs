//! Personal data (GDPR): consent stored with each application, a seeker's
//! download of everything kept about them, the erasure of an account, and
//! the company's retention period for rejected applicants.

use std::io::Read;

use diesel::prelude::*;
use jobconnect::db::schema::{applicants, audit_log, resumes};

use crate::both_backends;
use crate::helpers::{Resp, TestApp, TestUser};
use crate::seekers::pdf_part;

async fn apply(who: &TestUser, job: i64, consent: &str) -> Resp {
    let consent = consent.to_string();
    who.post_multipart(&format!("/jobs/{job}/apply"), move |form| {
        form.text("cover_letter", "Hello, I am Ann.")
            .text("consent", consent)
            .text("resume_id", "new")
            .part("resume", pdf_part("Ann Lee, Rust developer"))
    })
    .await
}

async fn applied_id(resp: &Resp) -> i64 {
    resp.location().trim_start_matches("/applications/").parse().expect("the application's page")
}

async fn consent_is_asked_and_kept_with_the_application(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let job = app.open_job(app.company_of(&bob).await, "Rust Engineer").await;
    let ann = app.seeker("ann").await;
    let form = ann.get(&format!("/jobs/{job}/apply")).await;
    assert!(form.select("label.choice span").iter().any(|t| t.starts_with("I agree that Acme and JobConnect")));
    let before = app.count("applicants").await;
    for refused in ["", "no"] {
        let resp = apply(&ann, job, refused).await;
        resp.assert_status(422);
        assert_eq!(resp.select("#consent-error").len(), 1);
    }
    assert_eq!(app.count("applicants").await, before, "nothing stored without consent");
    let id = applied_id(&apply(&ann, job, "yes").await).await;
    let stored = app.applicant(id).await.unwrap();
    assert!(stored.consent.starts_with("I agree that Acme and JobConnect store"), "{}", stored.consent);
    assert!(stored.consented_at.is_some());
    let page = bob.get(&format!("/applicants/{id}")).await;
    assert!(page.select(".crm-details dt").contains(&"Consent".to_string()));
}

async fn a_seeker_downloads_and_erases_their_data(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let job = app.open_job(app.company_of(&bob).await, "Rust Engineer").await;
    let ann = app.seeker("ann").await;
    let id = applied_id(&apply(&ann, job, "yes").await).await;
    bob.post_form(&format!("/applicants/{id}/notes"), &[("body", "Ann seemed keen.")]).await.assert_status(303);
    bob.post_form(&format!("/applicants/{id}/messages"), &[("body", "Hello Ann, when can we talk?")])
        .await
        .assert_status(303);
    ann.post_form(&format!("/jobs/{job}/save"), &[]).await;
    bob.post_form(&format!("/applicants/{id}/stage"), &[("stage", "interview")]).await.assert_status(303);

    // The download: data.json and the resume as uploaded.
    let zip = ann.http.get(format!("{}/account/data.zip", ann.base)).send().await.unwrap();
    assert_eq!(zip.status(), 200);
    assert_eq!(zip.headers()["content-type"], "application/zip");
    let bytes = zip.bytes().await.unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a zip file");
    let mut json = String::new();
    archive.by_name("data.json").unwrap().read_to_string(&mut json).unwrap();
    let data: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(data["account"]["email"], "ann@example.com");
    assert_eq!(data["applications"][0]["company"], "Acme");
    assert_eq!(data["applications"][0]["stage"], "Interview");
    assert!(data["applications"][0]["consent"].as_str().unwrap().starts_with("I agree"));
    assert_eq!(data["applications"][0]["messages"][0]["body"], "Hello Ann, when can we talk?");
    assert_eq!(data["saved_jobs"][0]["job_id"], job);
    let in_archive = data["resumes"][0]["in_archive"].as_str().unwrap().to_string();
    let mut pdf = Vec::new();
    archive.by_name(&in_archive).unwrap().read_to_end(&mut pdf).unwrap();
    assert!(pdf.starts_with(b"%PDF"), "the resume itself");
    assert!(!json.contains("Ann seemed keen"), "the company's notes are not the seeker's data");
    bob.get("/account/data.zip").await.assert_status(404);
    bob.get("/account/privacy").await.assert_status(404);

    // Erasure: the password first; a wrong one erases nothing.
    let stored: String = app
        .db
        .run(move |c| resumes::table.filter(resumes::user_id.eq(ann_id(c))).select(resumes::stored_name).first(c))
        .await
        .unwrap();
    let file = app.settings.upload_dir.join(&stored);
    assert!(file.exists());
    let wrong = ann.post_form("/account/erase", &[("current_password", "not-my-password")]).await;
    wrong.assert_status(422);
    assert_eq!(app.applicant(id).await.unwrap().name, "ann");
    let resp = ann.post_form("/account/erase", &[("current_password", &ann.password)]).await;
    resp.assert_status(303);
    assert_eq!(resp.location(), "/");
    assert!(ann.get("/applications").await.location().starts_with("/login"), "logged out");
    let again = app.client().post_form("/login", &[("login", "ann"), ("password", &ann.password)]).await;
    again.assert_status(422);
    let erased = app.applicant(id).await.unwrap();
    assert_eq!(
        (erased.name.as_str(), erased.email.as_str(), erased.cover_letter.as_str()),
        ("Erased applicant", "", "")
    );
    assert_eq!((erased.resume_id, erased.seeker_id), (None, None));
    assert!(erased.erased_at.is_some());
    assert_eq!(erased.stage.as_str(), "interview", "how far it went is kept");
    assert!(!file.exists(), "the resume file is deleted");
    assert_eq!(app.count("applicant_notes").await, 0);
    assert_eq!(app.count("messages").await, 0);
    assert_eq!(app.count("saved_jobs").await, 0);
    let audit: Vec<(String, String, String)> = app
        .db
        .run(|c| audit_log::table.select((audit_log::action, audit_log::detail, audit_log::ip)).load(c))
        .await
        .unwrap();
    assert!(audit.contains(&("account.erase".to_string(), String::new(), String::new())), "{audit:?}");
    let page = bob.get(&format!("/applicants/{id}")).await;
    assert!(page.text().contains("Erased applicant") && !page.text().contains("ann@example.com"));
}

fn ann_id(c: &mut jobconnect::db::AnyConnection) -> i64 {
    use jobconnect::db::schema::users;
    users::table.filter(users::username.eq("ann")).select(users::id).first(c).unwrap()
}

async fn rejected_applicants_are_erased_after_the_retention_period(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let mut profile =
        vec![("name", "Acme"), ("website", ""), ("description", ""), ("location", ""), ("pay_rule", "none")];
    profile.push(("retention_days", "5"));
    bob.post_form("/employer/company", &profile).await.assert_status(422);
    profile.pop();
    profile.push(("retention_days", "30"));
    bob.post_form("/employer/company", &profile).await.assert_status(303);
    let old_rejected = app.insert_applicant(acme, None, "Old Rejected", None).await;
    let new_rejected = app.insert_applicant(acme, None, "New Rejected", None).await;
    let old_open = app.insert_applicant(acme, None, "Old Open", None).await;
    let globex = app.company_of(&app.employer("eve", "Globex").await).await;
    let elsewhere = app.insert_applicant(globex, None, "Globex Rejected", None).await;
    let now = jobconnect::db::now();
    for (id, stage, days) in [
        (old_rejected, "rejected", 40),
        (new_rejected, "rejected", 10),
        (old_open, "applied", 40),
        (elsewhere, "rejected", 400),
    ] {
        app.db
            .run(move |c| {
                diesel::update(applicants::table.find(id))
                    .set((applicants::stage.eq(stage), applicants::updated_at.eq(now - time::Duration::days(days))))
                    .execute(c)
            })
            .await
            .unwrap();
    }
    let done = jobconnect::background::retention::run_once(&app.db, &app.settings).await.unwrap();
    assert_eq!(done, 1);
    assert_eq!(app.applicant(old_rejected).await.unwrap().name, "Erased applicant");
    for (id, name) in [(new_rejected, "New Rejected"), (old_open, "Old Open"), (elsewhere, "Globex Rejected")] {
        assert_eq!(app.applicant(id).await.unwrap().name, name, "kept");
    }
    assert_eq!(jobconnect::background::retention::run_once(&app.db, &app.settings).await.unwrap(), 0, "once");
}

/// Every text column of every table (name, column), read from the database's
/// own catalogue, so a table added later is searched too.
async fn text_columns(app: &TestApp) -> Vec<(String, String)> {
    #[derive(QueryableByName)]
    struct Column {
        #[diesel(sql_type = diesel::sql_types::Text)]
        table_name: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        column_name: String,
    }
    app.db
        .run(|c| match c {
            jobconnect::db::AnyConnection::Postgresql(pg) => diesel::sql_query(
                "SELECT table_name::text AS table_name, column_name::text AS column_name \
                 FROM information_schema.columns WHERE table_schema = 'public' \
                 AND data_type IN ('text', 'character varying')",
            )
            .load::<Column>(pg),
            jobconnect::db::AnyConnection::Sqlite(lite) => diesel::sql_query(
                "SELECT m.name AS table_name, p.name AS column_name FROM sqlite_master m \
                 JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND upper(p.type) LIKE '%TEXT%' \
                 AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '%_fts%'",
            )
            .load::<Column>(lite),
        })
        .await
        .unwrap()
        .into_iter()
        .map(|col| (col.table_name, col.column_name))
        .collect()
}

/// Where any of `markers` is still written: "table.column holds marker".
async fn where_found(app: &TestApp, markers: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (table, column) in text_columns(app).await {
        for marker in markers {
            let query =
                format!("SELECT count(*) FROM {table} WHERE lower({column}) LIKE '%{}%'", marker.to_lowercase());
            let n = app.db.run(move |c| diesel::dsl::sql::<diesel::sql_types::BigInt>(&query).get_result::<i64>(c));
            if n.await.unwrap() > 0 {
                found.push(format!("{table}.{column} holds {marker:?}"));
            }
        }
    }
    found
}

/// After an erasure nothing in the database holds the person's name, address,
/// phone, message text, cover letter or resume text: the employers'
/// notifications, the outbox, the audit log and the timeline included.
async fn erasure_leaves_nothing_of_the_person_in_any_table(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let job = app.open_job(app.company_of(&bob).await, "Rust Engineer").await;
    let root = app.admin("root").await;
    let zed = app.sign_up("zedmarker", "seeker", "").await;
    let profile = [
        ("display_name", "Zed Secretname"),
        ("headline", "Rust developer"),
        ("location", "Leeds"),
        ("phone", "+44 20 7946 0958"),
        ("skills", "rust"),
    ];
    zed.post_form("/profile", &profile).await.assert_status(303);
    let resp = zed
        .post_multipart(&format!("/jobs/{job}/apply"), |form| {
            form.text("cover_letter", "CoverMarkerZq: I am Zed Secretname.")
                .text("consent", "yes")
                .text("resume_id", "new")
                .part("resume", pdf_part("ResumeMarkerZq Zed Secretname"))
        })
        .await;
    resp.assert_status(303);
    let id = applied_id(&resp).await;
    bob.post_form(&format!("/applicants/{id}/messages"), &[("body", "Hello Zed Secretname, when can we talk?")])
        .await
        .assert_status(303);
    zed.post_form(&format!("/applications/{id}/messages"), &[("body", "MsgMarkerZq: Tuesday works.")])
        .await
        .assert_status(303);
    bob.post_form(&format!("/applicants/{id}/notes"), &[("body", "Zed Secretname seemed keen.")])
        .await
        .assert_status(303);
    bob.post_form(&format!("/applicants/{id}/stage"), &[("stage", "interview")]).await.assert_status(303);
    bob.post_form(
        &format!("/applicants/{id}/email"),
        &[("subject", "Hello {{name}}"), ("body", "Dear {{name}}"), ("step", "send")],
    )
    .await
    .assert_status(303);
    root.post_form(&format!("/applicants/{id}/assign"), &[("assignee", bob.id.to_string().as_str())])
        .await
        .assert_status(303);
    let markers = ["Secretname", "zedmarker", "7946 0958", "CoverMarkerZq", "MsgMarkerZq", "ResumeMarkerZq"];
    assert!(where_found(app, &markers).await.len() >= 6, "the scenario wrote every marker somewhere");

    zed.post_form("/account/erase", &[("current_password", zed.password.as_str())]).await.assert_status(303);
    let left = where_found(app, &markers).await;
    assert!(left.is_empty(), "after erasure:\n{}", left.join("\n"));
    assert_eq!(app.applicant(id).await.unwrap().stage.as_str(), "interview", "the stage facts stay");
}

/// The same for an applicant anonymised by the company's retention period.
async fn retention_leaves_nothing_of_the_applicant_in_any_table(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let root = app.admin("root").await;
    let id = app.insert_applicant(acme, None, "Yan Hiddenname", None).await;
    app.db
        .run(move |c| {
            diesel::update(applicants::table.find(id))
                .set((applicants::email.eq("yanmarker@example.com"), applicants::phone.eq("+1 202 555 0143")))
                .execute(c)
        })
        .await
        .unwrap();
    bob.post_form(&format!("/applicants/{id}/notes"), &[("body", "Yan Hiddenname called.")]).await.assert_status(303);
    bob.post_form(
        &format!("/applicants/{id}/email"),
        &[("subject", "Hello {{name}}"), ("body", "Dear {{name}}"), ("step", "send")],
    )
    .await
    .assert_status(303);
    root.post_form(&format!("/applicants/{id}/assign"), &[("assignee", bob.id.to_string().as_str())])
        .await
        .assert_status(303);
    bob.post_form(&format!("/applicants/{id}/stage"), &[("stage", "rejected"), ("reason", "experience")])
        .await
        .assert_status(303);
    app.db
        .run(move |c| {
            use jobconnect::db::schema::companies;
            diesel::update(companies::table.find(acme)).set(companies::retention_days.eq(Some(30))).execute(c)?;
            diesel::update(applicants::table.find(id))
                .set(applicants::updated_at.eq(jobconnect::db::now() - time::Duration::days(40)))
                .execute(c)
        })
        .await
        .unwrap();
    let markers = ["Hiddenname", "yanmarker", "555 0143"];
    assert!(where_found(app, &markers).await.len() >= 3);
    assert_eq!(jobconnect::background::retention::run_once(&app.db, &app.settings).await.unwrap(), 1);
    let left = where_found(app, &markers).await;
    assert!(left.is_empty(), "after the retention period:\n{}", left.join("\n"));
}

/// Nobody can block an erasure by taking the erased account's names first;
/// sign-ups never confirmed are deleted once their link has expired.
async fn erasure_cannot_be_blocked_and_unconfirmed_sign_ups_expire(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let squatter = app.client();
    for (username, email) in [
        (format!("erased-{}", ann.id), format!("erased-{}@erased.invalid", ann.id)),
        (format!("erased:{}", ann.id), format!("erased:{}@erased.invalid", ann.id)),
    ] {
        let fields = [
            ("full_name", "Sly Squatter"),
            ("email", email.as_str()),
            ("username", username.as_str()),
            ("password", "squatter-pass-1"),
            ("role", "seeker"),
        ];
        squatter.post_form("/register", &fields).await;
    }
    assert_eq!(app.count("users").await, 2, "one sign-up got in; the name with ':' cannot be made");
    ann.post_form("/account/erase", &[("current_password", ann.password.as_str())]).await.assert_status(303);

    // Three days later the unconfirmed sign-up is gone; confirmed accounts stay.
    let old = jobconnect::db::now() - time::Duration::days(3);
    app.db
        .run(move |c| {
            use jobconnect::db::schema::users;
            diesel::update(users::table.filter(users::email_confirmed.eq(false)))
                .set(users::created_at.eq(old))
                .execute(c)
        })
        .await
        .unwrap();
    jobconnect::background::retention::run_once(&app.db, &app.settings).await.unwrap();
    assert_eq!(app.count("users").await, 1, "the erased account's row stays, the stale sign-up goes");
}

/// A seeker's history and download show stage categories only: never the
/// company's own step names nor why it rejected them.
async fn seekers_see_stage_categories_only(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let job = app.open_job(app.company_of(&bob).await, "Rust Engineer").await;
    let ann = app.seeker("ann").await;
    let id = applied_id(&apply(&ann, job, "yes").await).await;
    bob.post_form("/employer/pipeline", &[("name", "Culture doubts - HM"), ("category", "screening")])
        .await
        .assert_status(303);
    let step: i64 = app
        .db
        .run(|c| {
            use jobconnect::db::schema::company_steps;
            company_steps::table.select(company_steps::id).first(c)
        })
        .await
        .unwrap();
    bob.post_form(&format!("/applicants/{id}/stage"), &[("stage", format!("step-{step}").as_str())])
        .await
        .assert_status(303);
    bob.post_form(&format!("/applicants/{id}/stage"), &[("stage", "rejected"), ("reason", "salary")])
        .await
        .assert_status(303);

    let page = ann.get(&format!("/applications/{id}")).await;
    let history: Vec<String> = page
        .select(".timeline li span")
        .into_iter()
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(history, ["You applied", "Moved to Screening", "Moved to Rejected"]);
    let zip = ann.http.get(format!("{}/account/data.zip", ann.base)).send().await.unwrap().bytes().await.unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip.to_vec())).unwrap();
    let mut json = String::new();
    archive.by_name("data.json").unwrap().read_to_string(&mut json).unwrap();
    for secret in ["Culture doubts", "Salary", "salary"] {
        assert!(!page.body.contains(secret), "the page names {secret:?}");
        assert!(!json.contains(secret), "data.json names {secret:?}");
    }
    assert!(json.contains("Moved to Screening") && json.contains("Moved to Rejected"), "{json}");
}

/// The download holds everything kept about the seeker: screening answers,
/// job preferences and the profile picture too.
async fn the_download_holds_answers_preferences_and_picture(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let job = app.open_job(app.company_of(&bob).await, "Rust Engineer").await;
    let questions = format!("/employer/jobs/{job}/questions");
    bob.post_form(&questions, &[("prompt", "Years of Rust experience"), ("kind", "number"), ("required", "on")])
        .await
        .assert_status(303);
    let question: i64 = app
        .db
        .run(|c| {
            use jobconnect::db::schema::screening_questions;
            screening_questions::table.select(screening_questions::id).first(c)
        })
        .await
        .unwrap();
    let ann = app.seeker("ann").await;
    let resp = ann
        .post_multipart(&format!("/jobs/{job}/apply"), move |form| {
            form.text("cover_letter", "Hello")
                .text("consent", "yes")
                .text(format!("q-{question}"), "7")
                .text("resume_id", "new")
                .part("resume", pdf_part("Ann Lee"))
        })
        .await;
    resp.assert_status(303);
    let prefs = [
        ("titles", "Welder"),
        ("employment_types", "contract"),
        ("locations", "Leeds"),
        ("remote", "remote"),
        ("salary_min", "50000"),
        ("categories", ""),
    ];
    ann.post_form("/profile/preferences", &prefs).await.assert_status(303);
    let picture =
        reqwest::multipart::Part::bytes(crate::seekers::png()).file_name("me.png").mime_str("image/png").unwrap();
    ann.post_multipart("/profile/avatar", |f| f.part("avatar", picture)).await.assert_status(303);

    let zip = ann.http.get(format!("{}/account/data.zip", ann.base)).send().await.unwrap().bytes().await.unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip.to_vec())).unwrap();
    let mut json = String::new();
    archive.by_name("data.json").unwrap().read_to_string(&mut json).unwrap();
    let data: serde_json::Value = serde_json::from_str(&json).unwrap();
    let answers = &data["applications"][0]["screening_answers"];
    assert_eq!(answers, &serde_json::json!([{"question": "Years of Rust experience", "answer": "7"}]));
    assert_eq!(data["job_preferences"]["locations"], "Leeds");
    assert_eq!(data["job_preferences"]["titles"], "Welder");
    assert_eq!(data["job_preferences"]["salary_min"], 50000);
    let in_archive = data["account"]["picture_in_archive"].as_str().expect("the picture is named").to_string();
    let mut bytes = Vec::new();
    archive.by_name(&in_archive).unwrap().read_to_end(&mut bytes).unwrap();
    assert!(bytes.starts_with(b"\x89PNG"), "the picture itself");
}

both_backends!(
    the_download_holds_answers_preferences_and_picture,
    seekers_see_stage_categories_only,
    erasure_cannot_be_blocked_and_unconfirmed_sign_ups_expire,
    erasure_leaves_nothing_of_the_person_in_any_table,
    retention_leaves_nothing_of_the_applicant_in_any_table,
    consent_is_asked_and_kept_with_the_application,
    a_seeker_downloads_and_erases_their_data,
    rejected_applicants_are_erased_after_the_retention_period,
);
