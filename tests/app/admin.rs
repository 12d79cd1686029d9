//! admin: the guard on every /admin route, user management, the audit log.

use crate::both_backends;
use crate::helpers::{TestApp, TestClient};

/// A concrete path for a route pattern (`{id}` → 1).
pub fn concrete(pattern: &str) -> String {
    pattern.split('/').map(|seg| if seg.starts_with('{') { "1" } else { seg }).collect::<Vec<_>>().join("/")
}

async fn audit_rows(app: &TestApp, action: &'static str) -> i64 {
    app.db
        .run(move |c| {
            use diesel::prelude::*;
            use jobconnect::db::schema::audit_log;
            audit_log::table.filter(audit_log::action.eq(action)).count().get_result::<i64>(c)
        })
        .await
        .unwrap()
}

async fn is_active(app: &TestApp, id: i64) -> bool {
    app.db.run(move |c| jobconnect::db::users::find(c, id)).await.unwrap().is_active
}

async fn every_admin_route_is_404_for_everyone_else(app: &TestApp) {
    let admin_routes: Vec<_> =
        jobconnect::routes::table().into_iter().filter(|(_, p)| p.starts_with("/admin")).collect();
    assert!(admin_routes.len() >= 8, "the route table lists the admin pages: {admin_routes:?}");
    let visitor = app.client();
    let seeker = app.seeker("ann").await;
    let employer = app.employer("bob", "Acme").await;
    let users_before = app.count("audit_log").await;
    let who: [(&str, &TestClient); 3] =
        [("visitor", &visitor), ("seeker", &seeker.client), ("employer", &employer.client)];
    for (method, pattern) in &admin_routes {
        let path = concrete(pattern);
        for (name, client) in who {
            let resp = if method == "GET" {
                client.get(&path).await
            } else {
                client.post_form(&path, &[("role", "admin")]).await
            };
            assert_eq!(resp.status.as_u16(), 404, "{method} {path} as {name} must be 404");
        }
    }
    assert_eq!(app.count("audit_log").await, users_before, "nothing happened");
    assert!(!seeker.get("/").await.text().contains("Admin"), "no admin link for others");
}

async fn dashboard_shows_the_site_counts(app: &TestApp) {
    let root = app.admin("root").await;
    app.seeker("ann").await;
    app.seeker("cid").await;
    let bob = app.employer("bob", "Acme").await;
    let company = app.company_of(&bob).await;
    let job = app.open_job(company, "Rust engineer").await;
    app.insert_applicant(company, Some(job), "Ann Lee", Some(app.user_id("ann").await)).await;
    let resp = root.get("/admin").await;
    resp.assert_status(200);
    let stat = |label: &str| -> String {
        resp.select(".stat")
            .into_iter()
            .find(|s| s.starts_with(label))
            .unwrap_or_else(|| panic!("a {label} card"))
            .trim_start_matches(label)
            .split_whitespace()
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(stat("Job seekers"), "2");
    assert_eq!(stat("Employers"), "1");
    assert_eq!(stat("Admins"), "1");
    assert_eq!(stat("Open jobs"), "1");
    assert_eq!(stat("Applications this week"), "1");
}

async fn admin_finds_users_by_name_role_and_state(app: &TestApp) {
    let root = app.admin("root").await;
    app.seeker("ann_lee").await;
    app.seeker("annabel").await;
    app.employer("bob", "Acme").await;
    let names = |html: &crate::helpers::Resp| html.select("tbody tr td:first-child a");
    let resp = root.get("/admin/users?q=ANN").await;
    resp.assert_status(200);
    let mut found = names(&resp);
    found.sort();
    assert_eq!(found, ["ann_lee", "annabel"]);
    assert_eq!(names(&root.get("/admin/users?role=employer").await), ["bob"]);
    // LIKE wildcards in the search are taken literally.
    assert_eq!(names(&root.get("/admin/users?q=ann_").await), ["ann_lee"]);
    assert!(names(&root.get("/admin/users?q=%25").await).is_empty());
    // A mangled query string still answers the plain list.
    root.get("/admin/users?page=abc&role=x&role=y&q=%FF").await.assert_status(200);
}

async fn role_change_needs_a_company_for_employers_and_is_audited(app: &TestApp) {
    let root = app.admin("root").await;
    let ann = app.seeker("ann").await;
    let bob = app.employer("bob", "Acme").await;
    let company = app.company_of(&bob).await;
    let path = format!("/admin/users/{}/role", ann.id);
    let resp = root.post_form(&path, &[("role", "employer"), ("company_id", "")]).await;
    resp.assert_status(422);
    assert!(resp.text().contains("belongs to a company"));
    root.post_form(&path, &[("role", "superuser")]).await.assert_status(422);
    assert_eq!(audit_rows(app, "user.role_changed").await, 0);

    let resp = root.post_form(&path, &[("role", "employer"), ("company_id", &company.to_string())]).await;
    resp.assert_status(303);
    let user = app.db.run(move |c| jobconnect::db::users::find(c, ann.id)).await.unwrap();
    assert_eq!((user.role.as_str(), user.company_id), ("employer", Some(company)));
    assert_eq!(audit_rows(app, "user.role_changed").await, 1);
    // Her sessions of the old role end at once; the next log-in has the new one.
    assert!(!ann.get("/").await.text().contains("Log out"), "the old session ended");
    let again = app.client();
    again.post_form("/login", &[("login", "ann"), ("password", &ann.password)]).await.assert_status(303);
    assert!(again.get("/").await.text().contains("Applicants"), "the new role applies");
}

/// An admin's close is moderation: the job's company cannot undo it.
async fn an_employer_cannot_reopen_a_job_an_admin_closed(app: &TestApp) {
    let root = app.admin("root").await;
    let bob = app.employer("bob", "Acme").await;
    let company = app.company_of(&bob).await;
    let moderated = app.open_job(company, "Too good to be true").await;
    let own = app.open_job(company, "Office manager").await;
    root.post_form(&format!("/admin/jobs/{moderated}/close"), &[]).await.assert_status(303);
    bob.post_form(&format!("/employer/jobs/{own}/close"), &[]).await.assert_status(303);

    let list = bob.get("/employer/jobs?status=closed").await;
    assert!(list.text().contains("Closed by an administrator"));
    assert!(!list.body.contains(&format!("/employer/jobs/{moderated}/reopen")), "no reopen button for it");
    assert!(list.body.contains(&format!("/employer/jobs/{own}/reopen")), "but for the job bob closed");
    for action in ["reopen", "publish"] {
        let resp = bob.post_form(&format!("/employer/jobs/{moderated}/{action}"), &[]).await;
        resp.assert_status(303);
        assert!(bob.get(resp.location()).await.text().contains("An administrator closed this job"));
        assert_eq!(app.job_status(moderated).await, "closed", "{action} changes nothing");
    }
    bob.post_form(&format!("/employer/jobs/{own}/reopen"), &[]).await.assert_status(303);
    assert_eq!(app.job_status(own).await, "open");
}

async fn the_last_active_admin_cannot_be_demoted_or_deactivated(app: &TestApp) {
    let root = app.admin("root").await;
    let me = format!("/admin/users/{}", root.id);
    let resp = root.post_form(&format!("{me}/role"), &[("role", "seeker")]).await;
    resp.assert_status(422);
    assert!(resp.text().contains("last active admin"));
    root.post_form(&format!("{me}/deactivate"), &[]).await.assert_status(422);
    assert!(is_active(app, root.id).await);

    // With a second admin, the first may step down.
    let second = app.admin("second").await;
    root.post_form(&format!("/admin/users/{}/deactivate", second.id), &[]).await.assert_status(303);
    root.post_form(&format!("{me}/role"), &[("role", "seeker")]).await.assert_status(422);
    root.post_form(&format!("/admin/users/{}/reactivate", second.id), &[]).await.assert_status(303);
    root.post_form(&format!("{me}/role"), &[("role", "seeker")]).await.assert_status(303);
    assert_eq!(root.get("/admin").await.status.as_u16(), 404, "no longer an admin");
}

async fn deactivation_ends_sessions_and_refuses_log_in(app: &TestApp) {
    let root = app.admin("root").await;
    let ann = app.seeker("ann").await;
    assert!(ann.get("/").await.text().contains("Log out"));
    root.post_raw(&format!("/admin/users/{}/deactivate", ann.id), &[]).await.assert_status(403);
    assert!(is_active(app, ann.id).await, "no CSRF token, no change");

    let resp = root.post_form(&format!("/admin/users/{}/deactivate", ann.id), &[]).await;
    resp.assert_status(303);
    assert!(!is_active(app, ann.id).await);
    assert!(!ann.get("/").await.text().contains("Log out"), "her open session ended at once");
    let login = app.client().post_form("/login", &[("login", "ann"), ("password", &ann.password)]).await;
    login.assert_status(403);
    assert!(login.text().contains("deactivated"));
    assert_eq!(audit_rows(app, "user.deactivated").await, 1);

    root.post_form(&format!("/admin/users/{}/reactivate", ann.id), &[]).await.assert_status(303);
    app.client().post_form("/login", &[("login", "ann"), ("password", &ann.password)]).await.assert_status(303);
    assert_eq!(audit_rows(app, "user.reactivated").await, 1);
}

async fn audit_log_filters_and_exports_formula_safe_csv(app: &TestApp) {
    let root = app.admin("root").await;
    let ann = app.seeker("ann").await;
    for _ in 0..2 {
        root.post_form(&format!("/admin/users/{}/deactivate", ann.id), &[]).await.assert_status(303);
        root.post_form(&format!("/admin/users/{}/reactivate", ann.id), &[]).await.assert_status(303);
    }
    // A value that a spreadsheet would run, in a field that reaches the log.
    app.db
        .run(|c| {
            jobconnect::db::audit::record(
                c,
                jobconnect::db::audit::AuditRecord {
                    actor_id: None,
                    action: "test.formula",
                    target_type: "user",
                    target_id: None,
                    detail: "=HYPERLINK(\"http://evil\")".into(),
                    ip: "",
                },
            )
        })
        .await
        .unwrap();
    let resp = root.get("/admin/audit?action=user.deactivated").await;
    resp.assert_status(200);
    assert_eq!(resp.select("tbody tr").len(), 2);
    assert!(resp.text().contains("root"), "the actor is named");
    assert_eq!(root.get("/admin/audit?actor=nobody").await.select("tbody tr").len(), 0);

    let csv = root.get("/admin/audit.csv?action=user.deactivated").await;
    csv.assert_status(200);
    assert!(csv.header("content-type").starts_with("text/csv"));
    assert!(csv.header("content-disposition").contains("attachment"));
    assert_eq!(csv.body.lines().count(), 3, "a header and the two matching rows:\n{}", csv.body);
    let all = root.get("/admin/audit.csv").await;
    assert!(all.body.contains("'=HYPERLINK"), "formulas are defused:\n{}", all.body);
    assert!(!all.body.contains(",=HYPERLINK"));
}

async fn admin_closes_and_deletes_any_companys_job_and_each_is_audited(app: &TestApp) {
    let root = app.admin("root").await;
    let bob = app.employer("bob", "Acme").await;
    let company = app.company_of(&bob).await;
    let job = app.open_job(company, "Rust engineer").await;
    let other = app.open_job(company, "Office manager").await;
    let draft = app.insert_job(company, "Draft role", "draft").await;
    let ann = app.seeker("ann").await;
    let applicant = app.insert_applicant(company, Some(job), "Ann Lee", Some(ann.id)).await;

    let rows = |resp: &crate::helpers::Resp| resp.select("tbody tr td:first-child a");
    let resp = root.get("/admin/jobs?q=RUST").await;
    resp.assert_status(200);
    assert_eq!(rows(&resp), ["Rust engineer"]);
    assert_eq!(rows(&root.get("/admin/jobs?q=acme").await).len(), 3, "the company name matches too");
    assert_eq!(rows(&root.get("/admin/jobs?status=draft").await), ["Draft role"]);
    root.get("/admin/jobs?status=nonsense&page=-3&q=%FF").await.assert_status(200);

    // The employer cannot use the moderation routes, even with a valid token.
    bob.post_form(&format!("/admin/jobs/{other}/delete"), &[]).await.assert_status(404);
    assert_eq!(app.job_status(other).await, "open");

    let resp = root.post_form(&format!("/admin/jobs/{job}/close"), &[("next", "/admin/jobs?q=rust")]).await;
    resp.assert_status(303);
    assert_eq!(resp.location(), "/admin/jobs?q=rust");
    assert_eq!(app.job_status(job).await, "closed");
    assert_eq!(audit_rows(app, "job.closed").await, 1);
    // Closing a job that is not open changes nothing and writes no audit row.
    root.post_form(&format!("/admin/jobs/{draft}/close"), &[]).await.assert_status(303);
    assert_eq!(app.job_status(draft).await, "draft");
    assert!(root.get("/admin/jobs").await.text().contains("is not open"));
    assert_eq!(audit_rows(app, "job.closed").await, 1);
    // An outside address is not followed.
    let resp = root.post_form(&format!("/admin/jobs/{other}/close"), &[("next", "//evil.example/")]).await;
    assert_eq!(resp.location(), "/admin/jobs");

    root.post_raw(&format!("/admin/jobs/{job}/delete"), &[]).await.assert_status(403);
    root.post_form(&format!("/admin/jobs/{job}/delete"), &[]).await.assert_status(303);
    assert_eq!(root.get(&format!("/jobs/{job}")).await.status.as_u16(), 404, "gone");
    let kept = app.applicant(applicant).await.expect("the applicant stays");
    assert_eq!(kept.job_id, None);
    assert_eq!(audit_rows(app, "job.deleted").await, 1);
    root.post_form(&format!("/admin/jobs/{job}/delete"), &[]).await.assert_status(404);
    assert_eq!(audit_rows(app, "job.deleted").await, 1);
    let log = root.get("/admin/audit?action=job.deleted").await;
    assert!(log.text().contains("Rust engineer (Acme)"), "the audit row names the job");
}

async fn admin_edits_a_company_and_sees_its_employers(app: &TestApp) {
    let root = app.admin("root").await;
    let bob = app.employer("bob", "Acme Robotics").await;
    app.employer("eve", "Globex").await;
    let company = app.company_of(&bob).await;

    let list = root.get("/admin/companies?q=ROBO").await;
    list.assert_status(200);
    assert_eq!(list.select("tbody tr td:first-child a"), ["Acme Robotics"]);
    assert_eq!(root.get("/admin/companies").await.select("tbody tr").len(), 2);

    let path = format!("/admin/companies/{company}");
    let page = root.get(&path).await;
    page.assert_status(200);
    assert!(page.text().contains("@bob"), "its employers are listed");
    assert!(!page.text().contains("@eve"));

    let resp =
        root.post_form(&path, &[("name", ""), ("website", "javascript:alert(1)"), ("description", "Kept")]).await;
    resp.assert_status(422);
    assert!(resp.text().contains("Kept"), "the form keeps what was typed");
    assert_eq!(audit_rows(app, "company.update").await, 0);

    let resp =
        root.post_form(&path, &[("name", "Acme Robots"), ("website", "acme.example"), ("location", "Berlin")]).await;
    resp.assert_status(303);
    let saved = app.db.run(move |c| jobconnect::db::companies::find(c, company)).await.unwrap();
    assert_eq!((saved.name.as_str(), saved.location.as_str()), ("Acme Robots", "Berlin"));
    assert_eq!(audit_rows(app, "company.update").await, 1);
    root.get("/admin/companies/999999").await.assert_status(404);
    bob.get(&path).await.assert_status(404);
}

both_backends!(
    every_admin_route_is_404_for_everyone_else,
    dashboard_shows_the_site_counts,
    admin_finds_users_by_name_role_and_state,
    role_change_needs_a_company_for_employers_and_is_audited,
    an_employer_cannot_reopen_a_job_an_admin_closed,
    the_last_active_admin_cannot_be_demoted_or_deactivated,
    deactivation_ends_sessions_and_refuses_log_in,
    audit_log_filters_and_exports_formula_safe_csv,
    admin_closes_and_deletes_any_companys_job_and_each_is_audited,
    admin_edits_a_company_and_sees_its_employers,
);
