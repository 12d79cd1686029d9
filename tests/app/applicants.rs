//! The CRM: who sees and changes which applicants, the list (filters, search,
//! sort, pages), CSV export, bulk actions, the board, the applicant page and
//! adding or editing applicants by hand.

use diesel::prelude::*;
use jobconnect::db::schema::{applicant_events, applicant_notes, audit_log, notifications, outbox, resumes};
use jobconnect::domain::{ApplicantStatus, EmploymentType, Stage};

use crate::both_backends;
use crate::fixtures::pdf_with_text;
use crate::helpers::{Resp, TestApp, TestUser};

/// Two companies with one job and one applicant each.
struct Two {
    bob: TestUser,
    eve: TestUser,
    acme: i64,
    globex: i64,
    acme_job: i64,
    globex_job: i64,
    /// Bob's (Acme's) applicant.
    ours: i64,
    /// Eve's (Globex's) applicant.
    theirs: i64,
}

async fn two_companies(app: &TestApp) -> Two {
    let bob = app.employer("bob", "Acme").await;
    let eve = app.employer("eve", "Globex").await;
    let (acme, globex) = (app.company_of(&bob).await, app.company_of(&eve).await);
    let acme_job = app.open_job(acme, "Rust Engineer").await;
    let globex_job = app.open_job(globex, "Secret Project Lead").await;
    let ours = app.insert_applicant(acme, Some(acme_job), "Ann Lee", None).await;
    let theirs = app.insert_applicant(globex, Some(globex_job), "Zoe Hidden", None).await;
    Two { bob, eve, acme, globex, acme_job, globex_job, ours, theirs }
}

/// Names in the applicant table of a list page, in order.
fn names(resp: &Resp) -> Vec<String> {
    resp.select("table.crm-table a.crm-name")
}

/// The `href` of every link on the page, unescaped.
fn hrefs(resp: &Resp) -> Vec<String> {
    let doc = scraper::Html::parse_document(&resp.body);
    let sel = scraper::Selector::parse("a[href]").unwrap();
    doc.select(&sel).filter_map(|a| a.value().attr("href")).map(str::to_string).collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// A CSV download as rows of cells (the byte-order mark removed).
fn csv_rows(body: &str) -> Vec<Vec<String>> {
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).from_reader(body.trim_start_matches('\u{feff}').as_bytes());
    reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect()
}

/// The names (second column) of a CSV export, header excluded.
fn csv_names(body: &str) -> Vec<String> {
    let rows = csv_rows(body);
    assert_eq!(rows[0][1], "Name", "the first line is the header");
    rows[1..].iter().map(|r| r[1].clone()).collect()
}

async fn events(app: &TestApp, id: i64) -> Vec<(String, String)> {
    app.db
        .run(move |c| {
            applicant_events::table
                .filter(applicant_events::applicant_id.eq(id))
                .order(applicant_events::id.asc())
                .select((applicant_events::kind, applicant_events::detail))
                .load::<(String, String)>(c)
        })
        .await
        .unwrap()
}

async fn notifications_of(app: &TestApp, user: i64) -> Vec<(String, String, String)> {
    app.db
        .run(move |c| {
            notifications::table
                .filter(notifications::user_id.eq(user))
                .order(notifications::id.asc())
                .select((notifications::kind, notifications::link, notifications::data))
                .load::<(String, String, String)>(c)
        })
        .await
        .unwrap()
}

/// Everything that could change about an applicant, to prove nothing did.
async fn snapshot(app: &TestApp, id: i64) -> String {
    let a = app.applicant(id).await.expect("the applicant exists");
    format!(
        "{:?}|{}|{}|{}|{}|{}|{:?}|{:?}|{}|{}",
        a.job_id,
        a.name,
        a.email,
        a.phone,
        a.stage.as_str(),
        a.status.as_str(),
        a.employment_type,
        a.assignee_id,
        events(app, id).await.len(),
        app.count("applicant_notes").await,
    )
}

fn files_in(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default()
}

// ---- who may see what ----

async fn visitors_log_in_first_and_seekers_find_nothing(app: &TestApp) {
    let two = two_companies(app).await;
    let visitor = app.client();
    let resp = visitor.get("/applicants?stage=interview").await;
    resp.assert_status(303);
    assert!(resp.location().starts_with("/login?next=%2Fapplicants"), "{}", resp.location());
    let sam = app.seeker("sam").await;
    for path in [
        "/applicants".to_string(),
        format!("/applicants/{}", two.ours),
        format!("/applicants/{}/edit", two.ours),
        "/applicants/export.csv".to_string(),
        format!("/applicants/board?job={}", two.acme_job),
        "/applicants/new".to_string(),
    ] {
        sam.get(&path).await.assert_status(404);
    }
    let before = snapshot(app, two.ours).await;
    sam.post_form(&format!("/applicants/{}/stage", two.ours), &[("stage", "hired")]).await.assert_status(404);
    sam.post_form(&format!("/applicants/{}/notes", two.ours), &[("body", "hi")]).await.assert_status(404);
    assert_eq!(snapshot(app, two.ours).await, before);
}

async fn employer_never_sees_another_companys_applicants(app: &TestApp) {
    let two = two_companies(app).await;
    let theirs_resume = app.insert_resume(None, "quantum basket weaving").await;
    app.link_resume(two.theirs, theirs_resume).await;
    app.db
        .run(move |c| {
            diesel::insert_into(applicant_notes::table)
                .values((
                    applicant_notes::applicant_id.eq(two.theirs),
                    applicant_notes::body.eq("private note of Globex"),
                    applicant_notes::created_at.eq(jobconnect::db::now()),
                ))
                .execute(c)
        })
        .await
        .unwrap();

    let list = two.bob.get("/applicants").await;
    list.assert_status(200);
    assert_eq!(names(&list), ["Ann Lee"]);
    assert!(!list.body.contains("Zoe Hidden") && !list.body.contains("Secret Project Lead"));

    // No URL trick widens the list: another company, its job, its applicant's words.
    for path in [
        format!("/applicants?company={}", two.globex),
        format!("/applicants?job={}", two.globex_job),
        "/applicants?q=Zoe".to_string(),
        "/applicants?q=quantum+basket".to_string(),
    ] {
        let resp = two.bob.get(&path).await;
        resp.assert_status(200);
        assert!(!resp.body.contains("Zoe Hidden"), "{path}");
    }
    for path in [
        format!("/applicants/export.csv?company={}", two.globex),
        format!("/applicants/export.csv?job={}", two.globex_job),
        "/applicants/export.csv?q=quantum".to_string(),
        "/applicants/export.csv".to_string(),
    ] {
        let resp = two.bob.get(&path).await;
        resp.assert_status(200);
        assert!(!resp.body.contains("Zoe"), "{path}");
    }
    // Its pages are 404, not 403: their existence is not confirmed.
    for path in [
        format!("/applicants/{}", two.theirs),
        format!("/applicants/{}/edit", two.theirs),
        format!("/applicants/board?job={}", two.globex_job),
        format!("/applicants/{}", two.theirs + 1000),
    ] {
        let resp = two.bob.get(&path).await;
        resp.assert_status(404);
        assert!(!resp.body.contains("private note") && !resp.body.contains("Zoe"), "{path}");
    }
    // Eve sees hers (and finds her by resume words), not Bob's.
    let hers = two.eve.get("/applicants?q=quantum").await;
    assert_eq!(names(&hers), ["Zoe Hidden"]);
    assert_eq!(names(&two.eve.get("/applicants").await), ["Zoe Hidden"]);
}

async fn employer_cannot_change_another_companys_applicant(app: &TestApp) {
    let two = two_companies(app).await;
    let before = snapshot(app, two.theirs).await;
    let id = two.theirs;
    let posts: Vec<(String, Vec<(&str, String)>)> = vec![
        (format!("/applicants/{id}/stage"), vec![("stage", "hired".into())]),
        (format!("/applicants/{id}/status"), vec![("status", "closed".into())]),
        (format!("/applicants/{id}/type"), vec![("employment_type", "contract".into())]),
        (format!("/applicants/{id}/notes"), vec![("body", "sneaky".into())]),
        (
            format!("/applicants/{id}/edit"),
            vec![("name", "Renamed".into()), ("status", "open".into()), ("employment_type", "full_time".into())],
        ),
        (format!("/applicants/{id}/assign"), vec![("assignee", two.bob.id.to_string())]),
        (format!("/applicants/{id}/delete"), vec![]),
        // A selection that slips in another company's applicant changes nobody.
        (
            "/applicants/bulk".into(),
            vec![
                ("ids", two.ours.to_string()),
                ("ids", id.to_string()),
                ("action", "stage".into()),
                ("stage", "offer".into()),
            ],
        ),
        ("/applicants/bulk".into(), vec![("ids", id.to_string()), ("action", "export".into())]),
    ];
    let ours_before = snapshot(app, two.ours).await;
    for (path, fields) in &posts {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let resp = two.bob.post_form(path, &fields).await;
        assert!(matches!(resp.status.as_u16(), 403 | 404), "{path}: {}", resp.status);
        assert!(!resp.body.contains("Zoe"), "{path} leaks nothing");
    }
    assert_eq!(snapshot(app, two.theirs).await, before, "nothing changed for Globex's applicant");
    assert_eq!(snapshot(app, two.ours).await, ours_before, "the bulk move was all or nothing");
    assert_eq!(app.count("audit_log").await, 0);
}

// ---- admin-only actions ----

async fn only_admins_assign_and_delete(app: &TestApp) {
    let two = two_companies(app).await;
    // Bob's forged requests carry a valid token: only his role stops them.
    let before = snapshot(app, two.ours).await;
    two.bob
        .post_form(&format!("/applicants/{}/assign", two.ours), &[("assignee", &two.bob.id.to_string())])
        .await
        .assert_status(404);
    two.bob.post_form(&format!("/applicants/{}/delete", two.ours), &[]).await.assert_status(404);
    two.bob
        .post_form(
            "/applicants/bulk",
            &[("ids", &two.ours.to_string()), ("action", "assign"), ("assignee", &two.bob.id.to_string())],
        )
        .await
        .assert_status(404);
    assert_eq!(snapshot(app, two.ours).await, before);
    assert!(app.applicant(two.ours).await.is_some());
    assert_eq!(app.count("audit_log").await, 0);
    assert!(
        !two.bob.get(&format!("/applicants/{}", two.ours)).await.body.contains("/assign\""),
        "no assign form for employers"
    );

    let root = app.admin("root").await;
    let page = root.get(&format!("/applicants/{}", two.ours)).await;
    page.assert_status(200);
    assert!(page.body.contains(&format!("action=\"/applicants/{}/assign\"", two.ours)));
    let resp =
        root.post_form(&format!("/applicants/{}/assign", two.ours), &[("assignee", &two.bob.id.to_string())]).await;
    resp.assert_status(303);
    assert_eq!(app.applicant(two.ours).await.unwrap().assignee_id, Some(two.bob.id));
    assert!(events(app, two.ours).await.iter().any(|(k, d)| k == "assigned" && d == "Assigned to bob"));
    let notes = notifications_of(app, two.bob.id).await;
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].0, "assignment");
    assert_eq!(notes[0].1, format!("/applicants/{}", two.ours));
    let audit: Vec<(String, Option<i64>, String, Option<i64>)> = app
        .db
        .run(|c| {
            audit_log::table
                .filter(audit_log::action.like("applicant.%"))
                .select((audit_log::action, audit_log::target_id, audit_log::ip, audit_log::actor_id))
                .load(c)
        })
        .await
        .unwrap();
    assert_eq!(audit, [("applicant.assign".to_string(), Some(two.ours), "127.0.0.1".to_string(), Some(root.id))]);
    let mine = two.bob.get("/applicants?assignee=me").await;
    assert_eq!(names(&mine), ["Ann Lee"], "Bob finds what is assigned to him");

    // Delete: notes and history go with it, and it is audited.
    two.bob.post_form(&format!("/applicants/{}/notes", two.ours), &[("body", "a note")]).await.assert_status(303);
    root.post_form(&format!("/applicants/{}/delete", two.ours), &[]).await.assert_status(303);
    assert!(app.applicant(two.ours).await.is_none());
    assert_eq!(app.count("applicant_notes").await, 0);
    assert!(events(app, two.ours).await.is_empty());
    two.bob.get(&format!("/applicants/{}", two.ours)).await.assert_status(404);
    let deleted: i64 = app
        .db
        .run(|c| audit_log::table.filter(audit_log::action.eq("applicant.delete")).count().get_result(c))
        .await
        .unwrap();
    assert_eq!(deleted, 1);
    root.post_form(&format!("/applicants/{}/delete", two.ours), &[]).await.assert_status(404);
}

async fn assignment_target_must_be_an_active_employer_of_the_company_or_an_admin(app: &TestApp) {
    let two = two_companies(app).await;
    let root = app.admin("root").await;
    let other_admin = app.admin("ops").await;
    let sam = app.seeker("sam").await;
    // A colleague of Bob at Acme, then deactivated.
    let carl = app.employer("carl", "Carl Co").await;
    app.db
        .run({
            let (carl, acme) = (carl.id, two.acme);
            move |c| {
                diesel::update(jobconnect::db::schema::users::table.find(carl))
                    .set(jobconnect::db::schema::users::company_id.eq(Some(acme)))
                    .execute(c)
            }
        })
        .await
        .unwrap();
    let path = format!("/applicants/{}/assign", two.ours);
    for (who, target) in [
        ("an employer of another company", two.eve.id.to_string()),
        ("a seeker", sam.id.to_string()),
        ("nobody at all", "999999".to_string()),
        ("garbage", "root".to_string()),
    ] {
        let resp = root.post_form(&path, &[("assignee", &target)]).await;
        resp.assert_status(422);
        assert!(resp.text().contains("Tom") || resp.text().contains("Ann Lee"), "{who}: the page is shown again");
        assert!(resp.body.contains("assignee-error"), "{who}: the message sits by the field");
        assert_eq!(app.applicant(two.ours).await.unwrap().assignee_id, None, "{who}");
    }
    // An active colleague is fine; once deactivated, no longer.
    root.post_form(&path, &[("assignee", &carl.id.to_string())]).await.assert_status(303);
    assert_eq!(app.applicant(two.ours).await.unwrap().assignee_id, Some(carl.id));
    app.deactivate(carl.id).await;
    root.post_form(&path, &[("assignee", "none")]).await.assert_status(303);
    root.post_form(&path, &[("assignee", &carl.id.to_string())]).await.assert_status(422);
    assert_eq!(app.applicant(two.ours).await.unwrap().assignee_id, None);
    // Any active admin may hold any company's applicants.
    root.post_form(&path, &[("assignee", &other_admin.id.to_string())]).await.assert_status(303);
    assert_eq!(app.applicant(two.ours).await.unwrap().assignee_id, Some(other_admin.id));
    let assigns: i64 = app
        .db
        .run(|c| audit_log::table.filter(audit_log::action.eq("applicant.assign")).count().get_result(c))
        .await
        .unwrap();
    assert_eq!(assigns, 3, "only the accepted assignments are audited");

    // Bulk: one selected applicant of another company makes the target invalid for all.
    let resp = root
        .post_form(
            "/applicants/bulk",
            &[
                ("ids", &two.ours.to_string()),
                ("ids", &two.theirs.to_string()),
                ("action", "assign"),
                ("assignee", &two.bob.id.to_string()),
                ("next", "/applicants?stage=applied"),
            ],
        )
        .await;
    resp.assert_status(422);
    assert!(resp.text().contains("active employer of their company"));
    assert_eq!(app.applicant(two.theirs).await.unwrap().assignee_id, None);
    assert_eq!(app.applicant(two.ours).await.unwrap().assignee_id, Some(other_admin.id));
    let resp = root
        .post_form(
            "/applicants/bulk",
            &[
                ("ids", &two.ours.to_string()),
                ("ids", &two.theirs.to_string()),
                ("action", "assign"),
                ("assignee", &root.id.to_string()),
                ("next", "/applicants?stage=applied"),
            ],
        )
        .await;
    resp.assert_status(303);
    assert_eq!(resp.location(), "/applicants?stage=applied");
    assert_eq!(app.applicant(two.theirs).await.unwrap().assignee_id, Some(root.id));
    assert_eq!(app.applicant(two.ours).await.unwrap().assignee_id, Some(root.id));
    assert!(notifications_of(app, root.id).await.is_empty(), "assigning to oneself notifies nobody");
}

// ---- stage, status, type, notes ----

async fn stage_change_writes_history_and_tells_the_seeker(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let job = app.open_job(acme, "Rust Engineer").await;
    let sam = app.seeker("sam").await;
    let id = app.insert_applicant(acme, Some(job), "Sam Seeker", Some(sam.id)).await;
    let manual = app.insert_applicant(acme, Some(job), "Hand Made", None).await;

    let resp = bob.post_form(&format!("/applicants/{id}/stage"), &[("stage", "interview")]).await;
    resp.assert_status(303);
    assert_eq!(resp.location(), format!("/applicants/{id}"));
    assert_eq!(app.applicant(id).await.unwrap().stage, Stage::Interview);
    assert_eq!(events(app, id).await, [("stage".to_string(), "Applied → Interview".to_string())]);
    let told = notifications_of(app, sam.id).await;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].0, "stage");
    assert_eq!(told[0].1, format!("/applications/{id}"));
    let data: serde_json::Value = serde_json::from_str(&told[0].2).unwrap();
    assert_eq!(data, serde_json::json!({"applicant_id": id, "stage": "interview", "label": "Interview"}));

    // The same stage again: no history, no notification.
    bob.post_form(&format!("/applicants/{id}/stage"), &[("stage", "interview")]).await.assert_status(303);
    assert_eq!(events(app, id).await.len(), 1);
    assert_eq!(notifications_of(app, sam.id).await.len(), 1);

    // The page shows the timeline with who did it.
    let page = bob.get(&format!("/applicants/{id}")).await;
    let timeline = page.select("#timeline li");
    assert_eq!(timeline.len(), 1);
    assert!(timeline[0].contains("Stage changed") && timeline[0].contains("Applied → Interview"), "{timeline:?}");
    assert!(timeline[0].contains("by bob"));

    // Someone added by hand has no account to tell.
    bob.post_form(&format!("/applicants/{manual}/stage"), &[("stage", "rejected")]).await.assert_status(303);
    assert_eq!(events(app, manual).await, [("stage".to_string(), "Applied → Rejected".to_string())]);
    assert_eq!(app.count("notifications").await, 1);

    // Status and type changes are history too.
    bob.post_form(&format!("/applicants/{id}/status"), &[("status", "pending")]).await.assert_status(303);
    bob.post_form(&format!("/applicants/{id}/type"), &[("employment_type", "contract")]).await.assert_status(303);
    let a = app.applicant(id).await.unwrap();
    assert_eq!((a.status, a.employment_type), (ApplicantStatus::Pending, EmploymentType::Contract));
    let kinds: Vec<String> = events(app, id).await.into_iter().map(|(k, _)| k).collect();
    assert_eq!(kinds, ["stage", "status", "type"]);
}

async fn bad_values_are_422_with_the_page_and_change_nothing(app: &TestApp) {
    let two = two_companies(app).await;
    let id = two.ours;
    let before = snapshot(app, id).await;
    for (path, field, value) in [
        ("stage", "stage", "promoted"),
        ("status", "status", "maybe"),
        ("type", "employment_type", "freelance"),
        ("notes", "body", "   "),
    ] {
        let resp = two.bob.post_form(&format!("/applicants/{id}/{path}"), &[(field, value)]).await;
        resp.assert_status(422);
        assert!(resp.body.contains(&format!("id=\"{field}-error\"")), "{path}: message next to the field");
        assert!(resp.text().contains("Ann Lee"), "{path}: the applicant page again");
    }
    let long = "x".repeat(5001);
    let resp = two.bob.post_form(&format!("/applicants/{id}/notes"), &[("body", &long)]).await;
    resp.assert_status(422);
    assert!(resp.body.contains(&long), "the draft is kept");
    assert_eq!(snapshot(app, id).await, before);
    two.bob.get("/applicants?stage=promoted").await.assert_status(422);
    two.bob.get("/applicants?page=zero").await.assert_status(422);
    two.bob.get("/applicants?assignee=someone").await.assert_status(422);
    two.bob.get("/applicants/export.csv?sort=sideways").await.assert_status(422);
}

async fn notes_show_author_and_time(app: &TestApp) {
    let two = two_companies(app).await;
    let id = two.ours;
    let resp = two
        .bob
        .post_form(&format!("/applicants/{id}/notes"), &[("body", "Great call.\nSecond round next week.")])
        .await;
    resp.assert_status(303);
    assert_eq!(resp.location(), format!("/applicants/{id}#notes"));
    let page = two.bob.get(&format!("/applicants/{id}")).await;
    let notes = page.select(".crm-note");
    assert_eq!(notes.len(), 1);
    assert!(notes[0].contains("bob") && notes[0].contains("just now") && notes[0].contains("Second round next week."));
    assert!(page.body.contains("<time datetime=\""), "with a machine-readable time");
    // Escaped, never markup.
    two.bob
        .post_form(&format!("/applicants/{id}/notes"), &[("body", "<script>alert(1)</script>")])
        .await
        .assert_status(303);
    let page = two.bob.get(&format!("/applicants/{id}")).await;
    assert!(!page.body.contains("<script>alert(1)</script>"));
    assert!(page.select(".crm-note .crm-text").contains(&"<script>alert(1)</script>".to_string()), "shown as text");
}

async fn timeline_shows_email_delivery_state(app: &TestApp) {
    let two = two_companies(app).await;
    let id = two.ours;
    app.db
        .run(move |c| {
            let now = jobconnect::db::now();
            let sent: i64 = diesel::insert_into(outbox::table)
                .values((
                    outbox::recipient.eq("ann.lee@example.com"),
                    outbox::subject.eq("Welcome"),
                    outbox::body_text.eq("Hi"),
                    outbox::state.eq("sent"),
                    outbox::next_attempt_at.eq(now),
                    outbox::created_at.eq(now),
                ))
                .returning(outbox::id)
                .get_result(c)?;
            let failed: i64 = diesel::insert_into(outbox::table)
                .values((
                    outbox::recipient.eq("ann.lee@example.com"),
                    outbox::subject.eq("Interview"),
                    outbox::body_text.eq("Hi"),
                    outbox::state.eq("failed"),
                    outbox::last_error.eq(Some("550 mailbox unavailable")),
                    outbox::next_attempt_at.eq(now),
                    outbox::created_at.eq(now),
                ))
                .returning(outbox::id)
                .get_result(c)?;
            jobconnect::db::applicants::record_event(c, id, None, "email", "Subject: Welcome", Some(sent))?;
            jobconnect::db::applicants::record_event(c, id, None, "email", "Subject: Interview", Some(failed))?;
            jobconnect::db::applicants::record_event(c, id, None, "message", "New message from Ann", None)
        })
        .await
        .unwrap();
    let page = two.bob.get(&format!("/applicants/{id}")).await;
    let items = page.select("#timeline li");
    assert_eq!(items.len(), 3, "{items:?}");
    assert!(items[0].starts_with("Message"), "newest first: {items:?}");
    assert!(items[1].contains("E-mail") && items[1].contains("failed") && items[1].contains("550 mailbox unavailable"));
    assert!(items[2].contains("E-mail") && items[2].contains("sent") && !items[2].contains("Last error"));
}

// ---- the list ----

async fn list_filters_sorts_and_pages(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let job = app.open_job(acme, "Rust Engineer").await;
    let mut ids = Vec::new();
    for i in 0..30 {
        let id = app.insert_applicant(acme, (i % 2 == 0).then_some(job), &format!("Person {i:02}"), None).await;
        app.set_applicant_state(
            id,
            Stage::ALL[i % 6],
            ApplicantStatus::ALL[i % 3],
            EmploymentType::ALL[i % 5],
            (i % 4 == 0).then_some(bob.id),
        )
        .await;
        ids.push(id);
    }
    let expect = |keep: &dyn Fn(usize) -> bool| -> Vec<String> {
        sorted((0..30).filter(|i| keep(*i)).map(|i| format!("Person {i:02}")).collect())
    };

    let all = bob.get("/applicants").await;
    all.assert_status(200);
    assert!(all.text().contains("30 applicants"));
    let first = names(&all);
    assert_eq!(first.len(), 25, "25 a page");
    assert_eq!(first[0], "Person 29", "newest first");
    let second = bob.get("/applicants?page=2").await;
    assert_eq!(names(&second), ["Person 04", "Person 03", "Person 02", "Person 01", "Person 00"]);
    assert!(names(&bob.get("/applicants?page=3").await).is_empty());

    assert_eq!(sorted(names(&bob.get("/applicants?stage=interview").await)), expect(&|i| i % 6 == 2));
    assert_eq!(sorted(names(&bob.get("/applicants?status=closed").await)), expect(&|i| i % 3 == 2));
    assert_eq!(sorted(names(&bob.get("/applicants?type=internship").await)), expect(&|i| i % 5 == 3));
    assert_eq!(sorted(names(&bob.get(&format!("/applicants?job={job}")).await)), expect(&|i| i % 2 == 0));
    assert_eq!(sorted(names(&bob.get("/applicants?assignee=me").await)), expect(&|i| i % 4 == 0));
    assert_eq!(sorted(names(&bob.get(&format!("/applicants?assignee={}", bob.id)).await)), expect(&|i| i % 4 == 0));
    assert_eq!(sorted(names(&bob.get("/applicants?assignee=none").await)), expect(&|i| i % 4 != 0));
    let combined = bob.get(&format!("/applicants?job={job}&status=open&stage=applied")).await;
    assert_eq!(sorted(names(&combined)), expect(&|i| i % 2 == 0 && i % 3 == 0 && i % 6 == 0));
    assert!(combined.body.contains("value=\"applied\" selected"), "the form shows the filters in use");

    let by_name = bob.get("/applicants?sort=name").await;
    assert_eq!(names(&by_name)[..3], ["Person 00", "Person 01", "Person 02"]);
    let oldest = bob.get("/applicants?sort=oldest&page=2").await;
    assert_eq!(names(&oldest), ["Person 25", "Person 26", "Person 27", "Person 28", "Person 29"]);
    // Pipeline order: every applied before every screening, and so on.
    let by_stage = bob.get("/applicants?sort=stage&status=open").await;
    let stages: Vec<String> = by_stage.select("table.crm-table td span.stage");
    let ranks: Vec<usize> = stages.iter().map(|s| Stage::ALL.iter().position(|x| x.label() == s).unwrap()).collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{stages:?}");
    // Page links keep the filters.
    let paged = bob.get("/applicants?sort=name&type=").await;
    assert!(hrefs(&paged).contains(&"/applicants?sort=name&page=2".to_string()), "pagination keeps the query");
    // No match: a helpful empty state.
    let none = bob.get("/applicants?stage=applied&status=pending").await;
    none.assert_status(200);
    assert!(none.text().contains("No applicants match"));
}

async fn search_finds_by_name_email_and_resume_words(app: &TestApp) {
    let two = two_companies(app).await;
    let (bob, acme) = (&two.bob, two.acme);
    let sam = app.seeker("sam").await;
    let annabel = app.insert_applicant(acme, None, "Annabel Lee", None).await;
    app.insert_applicant(acme, None, "Bob Stone", None).await;
    let carla = app.insert_applicant(acme, None, "Carla Diaz", None).await;
    let dan = app.insert_applicant(acme, None, "Dan Brown", Some(sam.id)).await;
    let carla_cv = app.insert_resume(None, "Kubernetes operator; Terraform and Go. Led a team of 5.").await;
    app.link_resume(carla, carla_cv).await;
    let dan_cv = app.insert_resume(Some(sam.id), "JavaScript developer, React").await;
    app.link_resume(dan, dan_cv).await;
    let globex_cv = app.insert_resume(None, "kubernetes at scale").await;
    app.link_resume(two.theirs, globex_cv).await;

    let find = |q: &str| {
        let path = format!("/applicants?q={}", url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>());
        async move { sorted(names(&bob.get(&path).await)) }
    };
    assert_eq!(find("kubernetes").await, ["Carla Diaz"]);
    assert_eq!(find("KUBERNETES terraform").await, ["Carla Diaz"]);
    assert_eq!(find("kubernetes haskell").await, Vec::<String>::new(), "every word must match");
    assert_eq!(find("ann").await, ["Ann Lee"], "whole words");
    assert_eq!(find("Annabel").await, ["Annabel Lee"]);
    assert_eq!(find("annabel.lee@example.com").await, ["Annabel Lee"]);
    assert_eq!(find("stone").await, ["Bob Stone"]);
    assert_eq!(find("javascript").await, ["Dan Brown"]);
    assert_eq!(find("java").await, Vec::<String>::new(), "resume words match whole");
    assert_eq!(find("example").await.len(), 5, "e-mail parts are words too");
    assert_eq!(find("\"*) OR (NEAR").await, Vec::<String>::new(), "search syntax is just text");
    // The filters the index carries as tags are not words anyone can search for.
    for tag in [format!("company{acme}"), "stageapplied".into(), "statusopen".into(), "assigneenone".into()] {
        assert!(find(&tag).await.is_empty(), "{tag}");
    }
    assert_eq!(find("   ").await.len(), 5, "an empty search lists everyone");
    // Search combines with filters.
    app.set_applicant_state(carla, Stage::Interview, ApplicantStatus::Open, EmploymentType::FullTime, None).await;
    assert_eq!(sorted(names(&bob.get("/applicants?q=kubernetes&stage=interview").await)), ["Carla Diaz"]);
    assert!(names(&bob.get("/applicants?q=kubernetes&stage=offer").await).is_empty());
    assert_eq!(
        sorted(names(&bob.get("/applicants?q=kubernetes&status=open&type=full_time&assignee=none").await)),
        ["Carla Diaz"]
    );
    assert!(names(&bob.get("/applicants?q=kubernetes&assignee=me").await).is_empty());
    assert!(names(&bob.get(&format!("/applicants?q=kubernetes&job={}", two.acme_job)).await).is_empty());
    assert!(names(&bob.get("/applicants?q=kubernetes&type=contract").await).is_empty());

    // The index follows changes: new resume text, a new name.
    app.set_resume_text(carla_cv, "Haskell and Rust").await;
    assert_eq!(find("haskell").await, ["Carla Diaz"]);
    assert!(find("kubernetes").await.is_empty());
    let resp = bob
        .post_form(
            &format!("/applicants/{annabel}/edit"),
            &[
                ("name", "Annabel Quist"),
                ("email", "aq@example.com"),
                ("status", "open"),
                ("employment_type", "full_time"),
            ],
        )
        .await;
    resp.assert_status(303);
    assert_eq!(find("quist").await, ["Annabel Quist"]);
    assert!(find("annabel.lee").await.is_empty());
    // A deleted applicant is no longer found.
    let root = app.admin("root").await;
    root.post_form(&format!("/applicants/{dan}/delete"), &[]).await.assert_status(303);
    assert!(find("javascript").await.is_empty());
}

async fn csv_matches_the_filters_and_defuses_formulas(app: &TestApp) {
    let two = two_companies(app).await;
    let (bob, acme) = (&two.bob, two.acme);
    let mut expected = Vec::new();
    for (i, name) in
        ["=HYPERLINK(\"http://evil\")", "+49 Plus", "-Minus", "@At", "Plain Jane", "Other Stage"].iter().enumerate()
    {
        let id = app.insert_applicant(acme, Some(two.acme_job), name, None).await;
        let stage = if i == 5 { Stage::Offer } else { Stage::Screening };
        app.set_applicant_state(id, stage, ApplicantStatus::Open, EmploymentType::Contract, None).await;
        if i != 5 {
            expected.push(*name);
        }
    }
    let list = bob.get("/applicants?stage=screening&type=contract&sort=name").await;
    let shown = names(&list);
    assert_eq!(shown.len(), 5);
    assert!(
        hrefs(&list).contains(&"/applicants/export.csv?stage=screening&type=contract&sort=name".to_string()),
        "the page links the export of exactly this list"
    );

    let resp = bob.get("/applicants/export.csv?stage=screening&type=contract&sort=name").await;
    resp.assert_status(200);
    assert!(resp.header("content-type").starts_with("text/csv"));
    let disposition = resp.header("content-disposition");
    assert!(disposition.starts_with("attachment;") && disposition.contains(".csv"), "{disposition}");
    let rows = csv_rows(&resp.body);
    assert_eq!(rows[0][..3], ["ID", "Name", "E-mail"]);
    let exported = csv_names(&resp.body);
    // The same applicants, in the same order as the page, formulas defused.
    let defused: Vec<String> =
        shown.iter().map(|n| if n.starts_with(['=', '+', '-', '@']) { format!("'{n}") } else { n.clone() }).collect();
    assert_eq!(exported, defused);
    assert!(exported.contains(&"'=HYPERLINK(\"http://evil\")".to_string()));
    assert!(exported.contains(&"Plain Jane".to_string()));
    for row in &rows[1..] {
        for cell in row {
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "no live formula: {cell:?}");
        }
        assert_eq!(row[10], "Screening");
        assert_eq!(row[12], "Contract");
        assert_eq!(row[8], "Rust Engineer");
        assert_eq!(row[9], "Acme");
    }
    // Unfiltered: every Acme applicant and nobody else.
    let everything = csv_names(&bob.get("/applicants/export.csv").await.body);
    assert_eq!(everything.len(), 7);
    assert!(!everything.iter().any(|n| n.contains("Zoe")));
    // An empty result is still a valid file with its header.
    let empty = bob.get("/applicants/export.csv?q=nobodyatall").await;
    assert_eq!(csv_rows(&empty.body).len(), 1);
}

async fn bulk_stage_move_and_export_selected(app: &TestApp) {
    let two = two_companies(app).await;
    let (bob, acme) = (&two.bob, two.acme);
    let sam = app.seeker("sam").await;
    let a = app.insert_applicant(acme, None, "Alpha", Some(sam.id)).await;
    let b = app.insert_applicant(acme, None, "Beta", None).await;
    let c = app.insert_applicant(acme, None, "Gamma", None).await;
    let resp = bob
        .post_form(
            "/applicants/bulk",
            &[
                ("ids", &a.to_string()),
                ("ids", &b.to_string()),
                ("action", "stage"),
                ("stage", "screening"),
                ("next", "/applicants?sort=name"),
            ],
        )
        .await;
    resp.assert_status(303);
    assert_eq!(resp.location(), "/applicants?sort=name");
    for id in [a, b] {
        assert_eq!(app.applicant(id).await.unwrap().stage, Stage::Screening);
        assert_eq!(events(app, id).await, [("stage".to_string(), "Applied → Screening".to_string())]);
    }
    assert_eq!(app.applicant(c).await.unwrap().stage, Stage::Applied);
    assert_eq!(notifications_of(app, sam.id).await.len(), 1, "the seeker among them is told");
    let flash = bob.get("/applicants").await;
    assert!(flash.text().contains("Moved 2 applicants to Screening."));

    // Nothing selected, or no stage: 422 with the list again.
    let resp = bob.post_form("/applicants/bulk", &[("action", "stage"), ("stage", "offer")]).await;
    resp.assert_status(422);
    assert!(resp.text().contains("Select at least one applicant"));
    let resp = bob.post_form("/applicants/bulk", &[("ids", &c.to_string()), ("action", "stage"), ("stage", "")]).await;
    resp.assert_status(422);
    assert!(resp.body.contains(&format!("value=\"{c}\" id=\"sel-{c}\" checked")), "the selection is kept");
    bob.post_form("/applicants/bulk", &[("ids", "x"), ("action", "stage"), ("stage", "offer")])
        .await
        .assert_status(422);
    bob.post_form("/applicants/bulk", &[("ids", &c.to_string()), ("action", "dance")]).await.assert_status(422);
    assert_eq!(app.applicant(c).await.unwrap().stage, Stage::Applied);
    // Offsite return paths are not followed.
    let resp = bob
        .post_form(
            "/applicants/bulk",
            &[("ids", &c.to_string()), ("action", "stage"), ("stage", "offer"), ("next", "//evil.example")],
        )
        .await;
    assert_eq!(resp.location(), "/applicants");

    let resp = bob
        .post_form("/applicants/bulk", &[("ids", &c.to_string()), ("ids", &a.to_string()), ("action", "export")])
        .await;
    resp.assert_status(200);
    assert!(resp.header("content-disposition").starts_with("attachment;"));
    assert_eq!(sorted(csv_names(&resp.body)), ["Alpha", "Gamma"]);
}

async fn admins_see_every_company_and_filter_by_company(app: &TestApp) {
    let two = two_companies(app).await;
    let root = app.admin("root").await;
    let all = root.get("/applicants").await;
    all.assert_status(200);
    assert_eq!(sorted(names(&all)), ["Ann Lee", "Zoe Hidden"]);
    assert!(all.text().contains("Globex"), "the company is shown");
    assert_eq!(names(&root.get(&format!("/applicants?company={}", two.globex)).await), ["Zoe Hidden"]);
    let by_job = root.get(&format!("/applicants?job={}", two.acme_job)).await;
    assert_eq!(names(&by_job), ["Ann Lee"]);
    assert!(by_job.body.contains(&format!("value=\"{}\" selected", two.acme)), "a job implies its company");
    root.get(&format!("/applicants/{}", two.theirs)).await.assert_status(200);
    root.get(&format!("/applicants/board?job={}", two.globex_job)).await.assert_status(200);
    assert_eq!(sorted(csv_names(&root.get("/applicants/export.csv").await.body)), ["Ann Lee", "Zoe Hidden"]);
    root.post_form(&format!("/applicants/{}/stage", two.theirs), &[("stage", "offer")]).await.assert_status(303);
    assert_eq!(app.applicant(two.theirs).await.unwrap().stage, Stage::Offer);
}

// ---- board ----

async fn board_shows_the_pipeline_and_moves_cards(app: &TestApp) {
    let two = two_companies(app).await;
    let (bob, acme, job) = (&two.bob, two.acme, two.acme_job);
    let b = app.insert_applicant(acme, Some(job), "Ben Offer", None).await;
    app.set_applicant_state(b, Stage::Offer, ApplicantStatus::Open, EmploymentType::FullTime, None).await;
    let w = app.insert_applicant(acme, Some(job), "Wendy Withdrawn", None).await;
    app.withdraw_applicant(w).await;
    app.insert_applicant(acme, None, "No Job", None).await;

    let pick = bob.get("/applicants/board").await;
    pick.assert_status(200);
    assert!(pick.body.contains(&format!("/applicants/board?job={job}")), "jobs to pick from");
    assert!(!pick.body.contains("Secret Project Lead"));

    let board = bob.get(&format!("/applicants/board?job={job}")).await;
    board.assert_status(200);
    let columns = board.select(".crm-column h2");
    assert_eq!(columns, ["Applied", "Screening", "Interview", "Offer", "Hired", "Rejected"]);
    let applied = board.select(".crm-column-applied .crm-card-name");
    assert_eq!(sorted(applied), ["Ann Lee", "Wendy Withdrawn"]);
    assert_eq!(board.select(".crm-column-offer .crm-card-name"), ["Ben Offer"]);
    assert!(!board.body.contains("No Job"));
    assert_eq!(board.select(".crm-card.is-withdrawn .crm-card-name"), ["Wendy Withdrawn"]);
    assert!(board.body.contains(&format!("action=\"/applicants/{}/stage\"", two.ours)), "each card has a move form");

    let back = format!("/applicants/board?job={job}");
    let resp =
        bob.post_form(&format!("/applicants/{}/stage", two.ours), &[("stage", "interview"), ("next", &back)]).await;
    resp.assert_status(303);
    assert_eq!(resp.location(), back);
    let board = bob.get(&back).await;
    assert_eq!(board.select(".crm-column-interview .crm-card-name"), ["Ann Lee"]);
    // Only paths inside the CRM are followed.
    let resp = bob
        .post_form(&format!("/applicants/{}/stage", two.ours), &[("stage", "offer"), ("next", "https://evil.example/")])
        .await;
    assert_eq!(resp.location(), format!("/applicants/{}", two.ours));
    bob.get("/applicants/board?job=abc").await.assert_status(404);
    bob.get("/applicants/board?job=999999").await.assert_status(404);
}

async fn withdrawn_applications_are_marked(app: &TestApp) {
    let two = two_companies(app).await;
    app.withdraw_applicant(two.ours).await;
    let list = two.bob.get("/applicants").await;
    assert!(list.select("tr.is-withdrawn").iter().any(|r| r.contains("Ann Lee") && r.contains("Withdrawn")));
    let page = two.bob.get(&format!("/applicants/{}", two.ours)).await;
    assert!(page.select(".crm-withdrawn").iter().any(|t| t.contains("Application withdrawn")));
    let csv = csv_rows(&two.bob.get("/applicants/export.csv").await.body);
    assert!(!csv[1][17].is_empty(), "the export says when");
}

async fn large_lists_count_to_a_thousand_and_page_in_order(app: &TestApp) {
    let two = two_companies(app).await;
    let bob = &two.bob;
    let ids = app.insert_many_applicants(two.acme, 1100, "Bulk Person").await;
    app.insert_many_applicants(two.globex, 30, "Bulk Person Globex").await;
    let newest_first: Vec<String> = (0..1100).rev().map(|i| format!("Bulk Person {i:04}")).collect();
    for path in ["/applicants?sort=newest", "/applicants?q=bulk", "/applicants?q=bulk+person&status=open"] {
        let first = bob.get(path).await;
        first.assert_status(200);
        assert!(first.text().contains("1,000+ applicants"), "{path}: the count stops at the cap");
        let sep = if path.contains('?') { '&' } else { '?' };
        let second = bob.get(&format!("{path}{sep}page=2")).await;
        let got: Vec<String> = names(&first).into_iter().chain(names(&second)).collect();
        assert_eq!(got, newest_first[..50], "{path}: newest first across pages");
        assert!(hrefs(&second).iter().any(|h| h.ends_with("page=3")), "{path}: a next page is offered");
        let deep = bob.get(&format!("{path}{sep}page=44")).await;
        assert_eq!(names(&deep), newest_first[1075..1100], "{path}: the last page past the count");
        if path.contains("q=") {
            assert!(!hrefs(&deep).iter().any(|h| h.ends_with("page=45")), "{path}: and nothing after it");
        } else {
            assert_eq!(names(&bob.get(&format!("{path}{sep}page=45")).await), ["Ann Lee"], "the oldest comes last");
        }
    }
    // Oldest first, and pipeline order, with a search matching more than the cap.
    let oldest = bob.get("/applicants?q=bulk&sort=oldest").await;
    assert_eq!(names(&oldest)[..3], ["Bulk Person 0000", "Bulk Person 0001", "Bulk Person 0002"]);
    let by_stage = bob.get("/applicants?q=bulk&sort=stage&page=8").await;
    let stages: Vec<String> = by_stage.select("table.crm-table td span.stage");
    assert_eq!(stages.len(), 25);
    // 1100 applicants cycle through six stages: 184 applied, so page 8 (rows 176-200) crosses into screening.
    assert_eq!(stages.iter().filter(|s| *s == "Applied").count(), 9, "{stages:?}");
    assert_eq!(stages.iter().filter(|s| *s == "Screening").count(), 16, "{stages:?}");
    assert_eq!(
        names(&by_stage)[0],
        "Bulk Person 0048",
        "applied, newest first: 1098, 1092, … (row 176 is 1098 - 6 * 175)"
    );
    let by_name = bob.get("/applicants?q=bulk&sort=name&page=2").await;
    assert_eq!(names(&by_name)[0], "Bulk Person 0025");
    // A rarer word among them: exact count, in the chosen order.
    let few = bob.get("/applicants?q=person&stage=hired&sort=name").await;
    assert!(few.text().contains("183 applicants"), "{}", few.text());
    assert_eq!(names(&few)[..2], ["Bulk Person 0004", "Bulk Person 0010"]);
    // Globex's 30 stay out of all of it, and the CSV still holds every row.
    assert!(!bob.get("/applicants?q=globex").await.body.contains("Bulk Person Globex"));
    let csv = csv_names(&bob.get("/applicants/export.csv?q=bulk").await.body);
    assert_eq!(csv.len(), 1100);
    assert_eq!(ids.len(), 1100);
}

// ---- adding and editing by hand ----

async fn add_by_hand_with_and_without_a_pdf(app: &TestApp) {
    let two = two_companies(app).await;
    let bob = &two.bob;
    let form = bob.get("/applicants/new").await;
    form.assert_status(200);
    assert!(form.body.contains("enctype=\"multipart/form-data\""));
    assert!(form.body.contains("Rust Engineer") && !form.body.contains("Secret Project Lead"), "only our jobs");

    let before = app.count("applicants").await;
    let resp = bob
        .post_multipart("/applicants/new", |f| {
            f.text("name", "Grace Hopper")
                .text("email", "Grace@Example.com")
                .text("phone", "+1 (555) 010-0000")
                .text("current_company", "US Navy")
                .text("position", "Rear Admiral")
                .text("location", "Arlington")
                .text("years_experience", "40")
                .text("status", "pending")
                .text("employment_type", "contract")
                .text("job", two.acme_job.to_string())
        })
        .await;
    resp.assert_status(303);
    let id: i64 = resp.location().trim_start_matches("/applicants/").parse().unwrap();
    let a = app.applicant(id).await.unwrap();
    assert_eq!(a.company_id, two.acme);
    assert_eq!((a.email.as_str(), a.years_experience, a.job_id), ("grace@example.com", Some(40), Some(two.acme_job)));
    assert_eq!(
        (a.status, a.employment_type, a.stage),
        (ApplicantStatus::Pending, EmploymentType::Contract, Stage::Applied)
    );
    assert_eq!(a.source.as_str(), "manual");
    assert_eq!(a.resume_id, None);
    assert_eq!(events(app, id).await, [("created".to_string(), "Added by hand".to_string())]);
    assert_eq!(app.count("applicants").await, before + 1);

    // With a PDF: stored under a generated name, its text searchable.
    let pdf = pdf_with_text("Zanzibar logistics expert");
    let resp = bob
        .post_multipart("/applicants/new", |f| {
            f.text("name", "Linus Pdf").text("status", "open").text("employment_type", "full_time").part(
                "resume",
                reqwest::multipart::Part::bytes(pdf)
                    .file_name("../../cv linus.pdf")
                    .mime_str("application/pdf")
                    .unwrap(),
            )
        })
        .await;
    resp.assert_status(303);
    let id: i64 = resp.location().trim_start_matches("/applicants/").parse().unwrap();
    let resume_id = app.applicant(id).await.unwrap().resume_id.expect("the resume is linked");
    let (user_id, file_name, stored_name, text): (Option<i64>, String, String, String) = app
        .db
        .run(move |c| {
            resumes::table
                .find(resume_id)
                .select((resumes::user_id, resumes::file_name, resumes::stored_name, resumes::text_content))
                .first(c)
        })
        .await
        .unwrap();
    assert_eq!(user_id, None);
    assert_eq!(file_name, "cv linus.pdf");
    assert!(stored_name.starts_with("resumes/") && !stored_name.contains("linus"));
    assert!(app.settings.upload_dir.join(&stored_name).is_file());
    assert!(text.contains("Zanzibar"), "{text:?}");
    assert_eq!(names(&bob.get("/applicants?q=zanzibar").await), ["Linus Pdf"]);
    let page = bob.get(&format!("/applicants/{id}")).await;
    assert!(page.body.contains(&format!("href=\"/resumes/{resume_id}\"")), "the page links the resume");
    let download = bob.get(&format!("/resumes/{resume_id}")).await;
    download.assert_status(200);
    assert_eq!(download.header("content-disposition"), r#"attachment; filename="linus-pdf-resume.pdf""#);

    // Not a PDF: refused, the form kept, nothing stored.
    let rows = app.count("applicants").await;
    let resumes_before = app.count("resumes").await;
    let resp = bob
        .post_multipart("/applicants/new", |f| {
            f.text("name", "Mallory")
                .text("email", "mallory@example.com")
                .text("status", "open")
                .text("employment_type", "full_time")
                .part(
                    "resume",
                    reqwest::multipart::Part::bytes(b"MZ\x90\x00 not a pdf".to_vec())
                        .file_name("cv.pdf")
                        .mime_str("application/pdf")
                        .unwrap(),
                )
        })
        .await;
    resp.assert_status(422);
    assert!(resp.body.contains("id=\"resume-error\""));
    assert!(resp.body.contains("value=\"Mallory\"") && resp.body.contains("value=\"mallory@example.com\""));
    assert_eq!(app.count("applicants").await, rows);
    assert_eq!(app.count("resumes").await, resumes_before);
    assert_eq!(files_in(&app.settings.upload_dir.join("resumes")).len(), 1, "only Linus's file");
    assert!(files_in(&app.settings.upload_dir.join("tmp")).is_empty(), "no temporary file left");

    // Bad fields: 422, every message by its field, values kept, a valid PDF not kept either.
    let resp = bob
        .post_multipart("/applicants/new", |f| {
            f.text("name", "")
                .text("email", "not-an-email")
                .text("phone", "call me")
                .text("years_experience", "-3")
                .text("status", "open")
                .text("employment_type", "full_time")
                .text("job", two.globex_job.to_string())
                .part(
                    "resume",
                    reqwest::multipart::Part::bytes(pdf_with_text("x"))
                        .file_name("cv.pdf")
                        .mime_str("application/pdf")
                        .unwrap(),
                )
        })
        .await;
    resp.assert_status(422);
    for field in ["name", "email", "phone", "years_experience", "job"] {
        assert!(resp.body.contains(&format!("id=\"{field}-error\"")), "{field}");
        assert!(resp.body.contains(&format!("aria-describedby=\"{field}-error\"")), "{field}");
    }
    assert!(resp.body.contains("value=\"not-an-email\"") && resp.body.contains("value=\"call me\""));
    assert_eq!(app.count("applicants").await, rows);
    assert_eq!(files_in(&app.settings.upload_dir.join("resumes")).len(), 1);
    assert!(files_in(&app.settings.upload_dir.join("tmp")).is_empty());

    // An admin picks the company first, and its jobs only.
    let root = app.admin("root").await;
    let pick = root.get("/applicants/new").await;
    pick.assert_status(200);
    assert!(pick.text().contains("Globex") && pick.text().contains("Acme"));
    let form = root.get(&format!("/applicants/new?company={}", two.globex)).await;
    assert!(form.body.contains("Secret Project Lead") && !form.body.contains("Rust Engineer"));
    let resp = root
        .post_multipart("/applicants/new", |f| {
            f.text("company_id", two.globex.to_string())
                .text("name", "For Globex")
                .text("status", "open")
                .text("employment_type", "temporary")
        })
        .await;
    resp.assert_status(303);
    assert!(names(&two.eve.get("/applicants").await).contains(&"For Globex".to_string()));
    // An employer cannot aim it at another company.
    let resp = bob
        .post_multipart("/applicants/new", |f| {
            f.text("company_id", two.globex.to_string())
                .text("name", "Sneaky")
                .text("status", "open")
                .text("employment_type", "full_time")
        })
        .await;
    resp.assert_status(303);
    let id: i64 = resp.location().trim_start_matches("/applicants/").parse().unwrap();
    assert_eq!(app.applicant(id).await.unwrap().company_id, two.acme);
}

async fn admin_delete_removes_a_resume_uploaded_by_hand(app: &TestApp) {
    let two = two_companies(app).await;
    let resp = two
        .bob
        .post_multipart("/applicants/new", |f| {
            f.text("name", "Temp Person").text("status", "open").text("employment_type", "full_time").part(
                "resume",
                reqwest::multipart::Part::bytes(pdf_with_text("hello"))
                    .file_name("cv.pdf")
                    .mime_str("application/pdf")
                    .unwrap(),
            )
        })
        .await;
    resp.assert_status(303);
    let id: i64 = resp.location().trim_start_matches("/applicants/").parse().unwrap();
    assert_eq!(files_in(&app.settings.upload_dir.join("resumes")).len(), 1);
    let root = app.admin("root").await;
    root.post_form(&format!("/applicants/{id}/delete"), &[]).await.assert_status(303);
    assert!(app.applicant(id).await.is_none());
    assert_eq!(app.count("resumes").await, 0);
    assert!(files_in(&app.settings.upload_dir.join("resumes")).is_empty(), "the file went with it");
}

async fn edit_keeps_the_form_on_bad_input_and_records_what_changed(app: &TestApp) {
    let two = two_companies(app).await;
    let (bob, id) = (&two.bob, two.ours);
    let form = bob.get(&format!("/applicants/{id}/edit")).await;
    form.assert_status(200);
    assert!(form.body.contains("value=\"Ann Lee\"") && form.body.contains("value=\"ann.lee@example.com\""));
    let before = snapshot(app, id).await;
    let resp = bob
        .post_form(
            &format!("/applicants/{id}/edit"),
            &[
                ("name", "Ann Lee"),
                ("email", "ann@@x"),
                ("years_experience", "many"),
                ("status", "open"),
                ("employment_type", "full_time"),
            ],
        )
        .await;
    resp.assert_status(422);
    assert!(resp.body.contains("value=\"ann@@x\"") && resp.body.contains("value=\"many\""));
    assert!(resp.body.contains("id=\"email-error\"") && resp.body.contains("id=\"years_experience-error\""));
    assert_eq!(snapshot(app, id).await, before);
    let resp = bob
        .post_form(
            &format!("/applicants/{id}/edit"),
            &[
                ("name", "Ann Lee-Smith"),
                ("email", "ann.lee@example.com"),
                ("phone", "+44 20 7946 0000"),
                ("status", "open"),
                ("employment_type", "full_time"),
                ("job", &two.acme_job.to_string()),
            ],
        )
        .await;
    resp.assert_status(303);
    let a = app.applicant(id).await.unwrap();
    assert_eq!((a.name.as_str(), a.phone.as_str()), ("Ann Lee-Smith", "+44 20 7946 0000"));
    assert_eq!(events(app, id).await, [("edited".to_string(), "Changed name, phone".to_string())]);
    // Another company's job cannot be chosen.
    let resp = bob
        .post_form(
            &format!("/applicants/{id}/edit"),
            &[
                ("name", "Ann Lee-Smith"),
                ("status", "open"),
                ("employment_type", "full_time"),
                ("job", &two.globex_job.to_string()),
            ],
        )
        .await;
    resp.assert_status(422);
    assert!(resp.body.contains("id=\"job-error\""));
    assert_eq!(app.applicant(id).await.unwrap().job_id, Some(two.acme_job));
}

// ---- CSRF ----

async fn every_post_needs_the_csrf_token(app: &TestApp) {
    let two = two_companies(app).await;
    let root = app.admin("root").await;
    let id = two.ours;
    let before = snapshot(app, id).await;
    let bob_posts = [
        (format!("/applicants/{id}/stage"), vec![("stage", "hired")]),
        (format!("/applicants/{id}/status"), vec![("status", "closed")]),
        (format!("/applicants/{id}/type"), vec![("employment_type", "contract")]),
        (format!("/applicants/{id}/notes"), vec![("body", "forged")]),
        (
            format!("/applicants/{id}/edit"),
            vec![("name", "Forged"), ("status", "open"), ("employment_type", "full_time")],
        ),
        ("/applicants/bulk".to_string(), vec![("ids", "1"), ("action", "stage"), ("stage", "hired")]),
    ];
    for (path, fields) in &bob_posts {
        two.bob.post_raw(path, fields).await.assert_status(403);
        two.bob
            .post_raw(path, &[fields.as_slice(), &[("csrf_token", "not-the-token")]].concat())
            .await
            .assert_status(403);
    }
    let root_id = root.id.to_string();
    for (path, fields) in [
        (format!("/applicants/{id}/assign"), vec![("assignee", root_id.as_str())]),
        (format!("/applicants/{id}/delete"), vec![]),
        ("/applicants/bulk".to_string(), vec![("ids", "1"), ("action", "assign"), ("assignee", root_id.as_str())]),
    ] {
        root.post_raw(&path, &fields).await.assert_status(403);
    }
    // The multipart form checks the token too, and keeps no file.
    let form = reqwest::multipart::Form::new()
        .text("name", "Forged")
        .text("status", "open")
        .text("employment_type", "full_time")
        .part(
            "resume",
            reqwest::multipart::Part::bytes(pdf_with_text("x"))
                .file_name("cv.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        );
    let resp = crate::helpers::TestClient::read(
        two.bob.http.post(app.url("/applicants/new")).multipart(form).send().await.unwrap(),
    )
    .await;
    resp.assert_status(403);
    assert!(files_in(&app.settings.upload_dir.join("resumes")).is_empty());
    assert!(files_in(&app.settings.upload_dir.join("tmp")).is_empty());
    assert_eq!(snapshot(app, id).await, before);
    assert!(app.applicant(id).await.is_some());
    assert_eq!(app.count("applicants").await, 2);
    let audited: i64 = app
        .db
        .run(|c| audit_log::table.filter(audit_log::action.like("applicant.%")).count().get_result(c))
        .await
        .unwrap();
    assert_eq!(audited, 0);
}

both_backends!(
    visitors_log_in_first_and_seekers_find_nothing,
    employer_never_sees_another_companys_applicants,
    employer_cannot_change_another_companys_applicant,
    only_admins_assign_and_delete,
    assignment_target_must_be_an_active_employer_of_the_company_or_an_admin,
    stage_change_writes_history_and_tells_the_seeker,
    bad_values_are_422_with_the_page_and_change_nothing,
    notes_show_author_and_time,
    timeline_shows_email_delivery_state,
    list_filters_sorts_and_pages,
    search_finds_by_name_email_and_resume_words,
    large_lists_count_to_a_thousand_and_page_in_order,
    csv_matches_the_filters_and_defuses_formulas,
    bulk_stage_move_and_export_selected,
    admins_see_every_company_and_filter_by_company,
    board_shows_the_pipeline_and_moves_cards,
    withdrawn_applications_are_marked,
    add_by_hand_with_and_without_a_pdf,
    admin_delete_removes_a_resume_uploaded_by_hand,
    edit_keeps_the_form_on_bad_input_and_records_what_changed,
    every_post_needs_the_csrf_token,
);
