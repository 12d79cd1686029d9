//! The same request many times at once, on one record: every create-if-absent
//! and every limited write of the data layer. SQLite runs one writer at a
//! time and hides races; PostgreSQL (read committed) shows them, so these are
//! what CI's PostgreSQL run proves. Each answer must be one a person gets
//! one at a time (never a 500), an idempotent action succeeds for every copy
//! and happens once, and a limit holds exactly.

use diesel::prelude::*;
use futures_util::future::join_all;
use jobconnect::db::schema::{applicant_tags, company_steps, email_templates, job_alerts, saved_jobs, users};

use crate::both_backends;
use crate::helpers::{Resp, TestApp, TestUser};

/// How many copies of each request are sent at once.
const AT_ONCE: usize = 24;

/// Posts `forms[i]` to `path` from `user`, all at once; the statuses, sorted.
async fn post_at_once(user: &TestUser, path: &str, forms: Vec<Vec<(String, String)>>) -> Vec<u16> {
    user.csrf().await; // one token for all, fetched before the burst
    let sends = forms.iter().map(|form| async move {
        let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        user.post_form(path, &fields).await
    });
    let answers: Vec<Resp> = join_all(sends).await;
    let mut statuses: Vec<u16> = answers.iter().map(|r| r.status.as_u16()).collect();
    statuses.sort_unstable();
    statuses
}

fn same(form: &[(&str, &str)]) -> Vec<Vec<(String, String)>> {
    (0..AT_ONCE).map(|_| form.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()).collect()
}

fn numbered(field: &str, prefix: &str, extra: &[(&str, &str)]) -> Vec<Vec<(String, String)>> {
    (0..AT_ONCE)
        .map(|n| {
            let mut form = vec![(field.to_string(), format!("{prefix} {n}"))];
            form.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
            form
        })
        .collect()
}

fn count_of(statuses: &[u16], status: u16) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

/// A seeker's double (and 24-fold) click on "Save job": saved once, every
/// click answered as a success.
async fn saving_a_job_many_times_at_once_saves_it_once(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let job = app.open_job(app.company_of(&bob).await, "Rust Engineer").await;
    let ann = app.seeker("ann").await;
    let statuses = post_at_once(&ann, &format!("/jobs/{job}/save"), same(&[])).await;
    assert_eq!(statuses, vec![303; AT_ONCE]);
    let saved: i64 = app.db.run(|c| saved_jobs::table.count().get_result(c)).await.unwrap();
    assert_eq!(saved, 1);
}

/// Tags: one tag added 24 times at once is one row; distinct tags stop at
/// exactly the limit of 20, the rest refused as one at a time would be.
async fn tagging_at_once_keeps_one_row_and_the_limit(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let ann = app.insert_applicant(acme, None, "Ann Lee", None).await;
    let path = format!("/applicants/{ann}/tags");
    let statuses = post_at_once(&bob, &path, same(&[("tag", "rust")])).await;
    assert_eq!(statuses, vec![303; AT_ONCE]);
    let statuses = post_at_once(&bob, &path, numbered("tag", "skill", &[])).await;
    assert_eq!((count_of(&statuses, 303), count_of(&statuses, 422)), (19, AT_ONCE - 19), "{statuses:?}");
    let tags: i64 = app
        .db
        .run(move |c| applicant_tags::table.filter(applicant_tags::applicant_id.eq(ann)).count().get_result(c))
        .await
        .unwrap();
    assert_eq!(tags, 20);
}

/// Job alerts stop at exactly 20 per seeker; one search saved at once is one alert.
async fn alerts_at_once_keep_one_per_search_and_the_limit(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let statuses = post_at_once(&ann, "/alerts", same(&[("query", "q=rust")])).await;
    assert_eq!(statuses, vec![303; AT_ONCE]);
    let distinct = (0..AT_ONCE).map(|n| vec![("query".to_string(), format!("q=alert{n}"))]).collect();
    let statuses = post_at_once(&ann, "/alerts", distinct).await;
    assert_eq!(statuses, vec![303; AT_ONCE], "refusals are a message on the alerts page");
    let alerts: i64 = app.db.run(|c| job_alerts::table.count().get_result(c)).await.unwrap();
    assert_eq!(alerts, jobconnect::db::alerts::MAX_PER_USER);
}

/// Pipeline steps: a name added at once is one step; the company's limit of
/// 40 holds exactly.
async fn pipeline_steps_at_once_keep_names_and_the_limit(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let statuses =
        post_at_once(&bob, "/employer/pipeline", same(&[("name", "Phone screen"), ("category", "screening")])).await;
    assert_eq!((count_of(&statuses, 303), count_of(&statuses, 422)), (1, AT_ONCE - 1), "{statuses:?}");
    for round in 0..2 {
        let forms = numbered("name", &format!("Step {round}"), &[("category", "interview")]);
        let statuses = post_at_once(&bob, "/employer/pipeline", forms).await;
        assert!(statuses.iter().all(|s| [303, 422].contains(s)), "{statuses:?}");
    }
    let steps: i64 = app.db.run(|c| company_steps::table.count().get_result(c)).await.unwrap();
    assert_eq!(steps as usize, jobconnect::db::steps::MAX_STEPS);
}

/// Two people saving a template for the same stage at once: every save
/// succeeds, and the stage has exactly one template afterwards.
async fn stage_templates_saved_at_once_leave_one_per_stage(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let forms = numbered("name", "Welcome", &[("subject", "Hi"), ("body", "Hi {{name}}"), ("auto_stage", "screening")]);
    let statuses = post_at_once(&bob, "/email-templates/new", forms).await;
    assert_eq!(statuses, vec![303; AT_ONCE]);
    let holding: i64 = app
        .db
        .run(|c| email_templates::table.filter(email_templates::auto_stage.eq("screening")).count().get_result(c))
        .await
        .unwrap();
    assert_eq!(holding, 1);
}

/// Screening questions and scorecard criteria stop at exactly their limits.
async fn job_questions_and_criteria_at_once_keep_their_limits(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let job = app.open_job(app.company_of(&bob).await, "Rust Engineer").await;
    let forms = numbered("prompt", "Question number", &[("kind", "text")]);
    let statuses = post_at_once(&bob, &format!("/employer/jobs/{job}/questions"), forms).await;
    assert!(statuses.iter().all(|s| [303, 422].contains(s)), "{statuses:?}");
    assert_eq!(count_of(&statuses, 303), jobconnect::db::screening::MAX_QUESTIONS);
    let statuses =
        post_at_once(&bob, &format!("/employer/jobs/{job}/scorecard"), numbered("name", "Criterion", &[])).await;
    assert!(statuses.iter().all(|s| [303, 422].contains(s)), "{statuses:?}");
    assert_eq!(count_of(&statuses, 303), jobconnect::db::scorecards::MAX_CRITERIA);
}

/// Several invitees choosing the same user name at the same moment: one
/// account, the others told the name is taken (and their links still work).
async fn invitees_choosing_one_name_at_once_get_one_account(app: &TestApp) {
    let bob = app.employer("bob", "Acme").await;
    let n = 6;
    for i in 0..n {
        let email = format!("new{i}@example.com");
        bob.post_form("/employer/team/invite", &[("email", email.as_str()), ("role", "recruiter")])
            .await
            .assert_status(303);
    }
    let mut links = Vec::new();
    for i in 0..n {
        let to = format!("new{i}@example.com");
        links.push(
            crate::helpers::wait_for(&format!("the invitation to {to}"), || async {
                crate::helpers::eml_messages(&app.settings.mail_dir, &to).iter().find_map(|m| {
                    let at = m.text.find("/team/join/")?;
                    Some(m.text[at..].split_whitespace().next()?.to_string())
                })
            })
            .await,
        );
    }
    let clients: Vec<_> = (0..n).map(|_| app.client()).collect();
    for (client, link) in clients.iter().zip(&links) {
        client.get(link).await.assert_status(200);
        client.csrf().await;
    }
    let joins = clients.iter().zip(&links).map(|(client, link)| async move {
        client.post_form(link, &[("username", "samename"), ("password", "a-long-secret-1")]).await.status.as_u16()
    });
    let statuses = join_all(joins).await;
    assert_eq!((count_of(&statuses, 303), count_of(&statuses, 422)), (1, n - 1), "{statuses:?}");
    let named: i64 =
        app.db.run(|c| users::table.filter(users::username.eq("samename")).count().get_result(c)).await.unwrap();
    assert_eq!(named, 1);
    // A refused invitee's link still works, with another name.
    let refused = statuses.iter().position(|s| *s == 422).unwrap();
    let joined = clients[refused]
        .post_form(&links[refused], &[("username", "othername"), ("password", "a-long-secret-1")])
        .await;
    joined.assert_status(303);
}

/// Employers signing up at the same moment with the same company name get
/// companies of distinct addresses (slugs), never a 500.
async fn companies_of_one_name_made_at_once_get_distinct_slugs(app: &TestApp) {
    let n = 8;
    let clients: Vec<_> = (0..n).map(|_| app.client()).collect();
    for client in &clients {
        client.csrf().await;
    }
    let signups = clients.iter().enumerate().map(|(i, client)| async move {
        let (email, name) = (format!("boss{i}@example.com"), format!("boss{i}"));
        let fields = [
            ("full_name", "Boss Person"),
            ("email", email.as_str()),
            ("username", name.as_str()),
            ("password", "a-long-secret-1"),
            ("role", "employer"),
            ("company_name", "Same Name Ltd"),
        ];
        client.post_form("/register", &fields).await.status.as_u16()
    });
    let statuses = join_all(signups).await;
    assert_eq!(statuses, vec![303; n]);
    let slugs: Vec<String> = app
        .db
        .run(|c| {
            use jobconnect::db::schema::companies;
            companies::table.filter(companies::name.eq("Same Name Ltd")).select(companies::slug).load(c)
        })
        .await
        .unwrap();
    let distinct: std::collections::BTreeSet<_> = slugs.iter().collect();
    assert_eq!((slugs.len(), distinct.len()), (n, n), "{slugs:?}");
}

/// More resumes than a seeker may keep, uploaded at once: exactly the limit
/// is kept, the rest refused, and no file is left without its row.
async fn resumes_uploaded_at_once_keep_the_limit(app: &TestApp) {
    let max = jobconnect::routes::resumes::MAX_RESUMES as usize;
    let ann = app.seeker("ann").await;
    ann.csrf().await;
    let pdf = crate::fixtures::pdf_with_text("Resume");
    let sends = (0..max + 4).map(|n| {
        let part = reqwest::multipart::Part::bytes(pdf.clone()).file_name(format!("cv{n}.pdf"));
        ann.post_multipart("/resumes", |form| form.part("resume", part))
    });
    let mut statuses: Vec<u16> = join_all(sends).await.iter().map(|r| r.status.as_u16()).collect();
    statuses.sort_unstable();
    assert_eq!((count_of(&statuses, 303), count_of(&statuses, 422)), (max, 4), "{statuses:?}");
    assert_eq!(app.count("resumes").await, max as i64);
    let stored = std::fs::read_dir(app.settings.upload_dir.join("resumes")).unwrap().count();
    assert_eq!(stored, max, "a refused upload leaves no file");
}

both_backends!(
    resumes_uploaded_at_once_keep_the_limit,
    saving_a_job_many_times_at_once_saves_it_once,
    tagging_at_once_keeps_one_row_and_the_limit,
    alerts_at_once_keep_one_per_search_and_the_limit,
    pipeline_steps_at_once_keep_names_and_the_limit,
    stage_templates_saved_at_once_leave_one_per_stage,
    job_questions_and_criteria_at_once_keep_their_limits,
    invitees_choosing_one_name_at_once_get_one_account,
    companies_of_one_name_made_at_once_get_distinct_slugs,
);
