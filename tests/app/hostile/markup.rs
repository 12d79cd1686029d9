//! Stored markup shown escaped on every page, and flash messages piling up in the session cookie.

use proptest::collection::vec;
use proptest::prelude::*;

use super::checks::{check_html, check_response, last_id, texts};
use super::fields::DESCRIPTION_MARKUP;
use super::values::{IMG, IMG_ESCAPED, SCRIPT, SCRIPT_ESCAPED, enc, shows_escaped};
use super::{check_property, get, post_ok};
use crate::fixtures::pdf_with_text;
use crate::helpers::{TestApp, TestClient, TestUser};

/// Markup typed into every free-text field is stored as typed and shown only
/// escaped, on every page that shows it, to every role.
pub(super) async fn stored_markup_is_shown_escaped_everywhere(app: &TestApp) {
    use reqwest::multipart::Part;
    let root = app.admin("root").await;
    let bob = app.employer("bob", SCRIPT).await;
    let ann = app.seeker("ann").await;
    let visitor = app.client();
    let acme = app.company_of(&bob).await;

    post_ok(
        &ann,
        "/profile",
        &[("display_name", IMG), ("headline", SCRIPT), ("location", IMG), ("phone", ""), ("skills", SCRIPT)],
    )
    .await;
    let description = format!("{SCRIPT}\n\n{IMG}");
    post_ok(
        &bob,
        "/employer/company",
        &[("name", SCRIPT), ("website", "https://acme.example"), ("description", &description), ("location", IMG)],
    )
    .await;
    post_ok(
        &bob,
        "/employer/jobs/new",
        &[
            ("title", SCRIPT),
            ("description", DESCRIPTION_MARKUP),
            ("location", IMG),
            ("remote", "remote"),
            ("employment_type", "full_time"),
            ("category", "Engineering"),
            ("salary_min", ""),
            ("salary_max", ""),
            ("salary_currency", "EUR"),
            ("salary_period", "year"),
            ("closes_at", ""),
        ],
    )
    .await;
    let job = last_id(app, "jobs").await;
    post_ok(&bob, &format!("/employer/jobs/{job}/publish"), &[]).await;

    let resp = ann
        .post_multipart("/resumes", |f| {
            f.part(
                "resume",
                Part::bytes(pdf_with_text(SCRIPT)).file_name(format!("{IMG}.pdf")).mime_str("application/pdf").unwrap(),
            )
        })
        .await;
    assert_eq!(resp.status, 303, "a resume named with markup: {}", resp.text());
    let resume = last_id(app, "resumes").await;
    let resp = ann
        .post_multipart(&format!("/jobs/{job}/apply"), |f| {
            f.text("cover_letter", format!("{SCRIPT}\n{IMG}"))
                .text("consent", "yes")
                .text("resume_id", resume.to_string())
        })
        .await;
    assert_eq!(resp.status, 303, "an application: {}", resp.text());
    let application: i64 = resp.location().trim_start_matches("/applications/").parse().unwrap();
    let query = format!("q={}&location={}", enc(SCRIPT.as_bytes()), enc(IMG.as_bytes()));
    post_ok(&ann, "/alerts", &[("query", &query)]).await;
    post_ok(&ann, &format!("/applications/{application}/messages"), &[("body", SCRIPT)]).await;

    post_ok(&bob, &format!("/applicants/{application}/messages"), &[("body", IMG)]).await;
    post_ok(&bob, &format!("/applicants/{application}/notes"), &[("body", &format!("{SCRIPT} {IMG}"))]).await;
    post_ok(&bob, &format!("/applicants/{application}/stage"), &[("stage", "interview")]).await;
    let resp = bob
        .post_multipart("/applicants/new", |f| {
            f.text("name", SCRIPT)
                .text("email", "mark@example.com")
                .text("current_company", IMG)
                .text("position", SCRIPT)
                .text("location", IMG)
                .text("years_experience", "3")
                .text("status", "open")
                .text("employment_type", "contract")
                .part(
                    "resume",
                    Part::bytes(pdf_with_text(IMG))
                        .file_name(format!("{SCRIPT}.pdf"))
                        .mime_str("application/pdf")
                        .unwrap(),
                )
        })
        .await;
    assert_eq!(resp.status, 303, "an applicant added by hand: {}", resp.text());
    let manual: i64 = resp.location().trim_start_matches("/applicants/").parse().unwrap();
    post_ok(&bob, "/email-templates/new", &[("name", SCRIPT), ("subject", IMG), ("body", SCRIPT)]).await;
    let template = last_id(app, "email_templates").await;
    let body = format!("Dear {{{{name}}}}, {SCRIPT}");
    post_ok(
        &bob,
        &format!("/applicants/{manual}/email"),
        &[("subject", IMG), ("body", &body), ("template_id", ""), ("step", "send")],
    )
    .await;
    let email = last_id(app, "outbox").await;

    // The log-in form shows the name back (and the audit log keeps it once throttled).
    for _ in 0..7 {
        let resp = visitor.post_form("/login", &[("login", SCRIPT), ("password", "not-the-password")]).await;
        check_response(&resp).unwrap();
        assert!(shows_escaped(&resp.body, SCRIPT_ESCAPED), "the log-in form shows the name escaped");
    }
    // A refused form shows the values back, escaped.
    let resp = bob.post_form("/employer/jobs/new", &[("title", SCRIPT), ("description", IMG)]).await;
    assert_eq!(resp.status, 422);
    check_response(&resp).unwrap();
    assert!(
        shows_escaped(&resp.body, SCRIPT_ESCAPED) && shows_escaped(&resp.body, IMG_ESCAPED),
        "the refused form keeps the values"
    );

    let pages: Vec<(&TestClient, String)> = vec![
        (&visitor, "/".into()),
        (&visitor, "/jobs".into()),
        (&visitor, format!("/jobs/{job}")),
        (&visitor, format!("/jobs?q={}", enc(SCRIPT.as_bytes()))),
        (&visitor, format!("/jobs?location={}", enc(IMG.as_bytes()))),
        (&visitor, format!("/companies/{acme}")),
        (&ann, "/profile".into()),
        (&ann, "/resumes".into()),
        (&ann, "/applications".into()),
        (&ann, format!("/applications/{application}")),
        (&ann, format!("/applications/{application}/messages")),
        (&ann, "/messages".into()),
        (&ann, "/notifications".into()),
        (&ann, "/alerts".into()),
        (&ann, format!("/jobs/{job}")),
        (&bob, "/".into()),
        (&bob, "/applicants".into()),
        (&bob, format!("/applicants?q={}", enc(SCRIPT.as_bytes()))),
        (&bob, "/applicants/board".into()),
        (&bob, format!("/applicants/{application}")),
        (&bob, format!("/applicants/{application}/messages")),
        (&bob, format!("/applicants/{application}/edit")),
        (&bob, format!("/applicants/{manual}")),
        (&bob, format!("/applicants/{manual}/edit")),
        (&bob, format!("/applicants/{manual}/email")),
        (&bob, format!("/applicants/{manual}/email?template={template}")),
        (&bob, "/messages".into()),
        (&bob, "/notifications".into()),
        (&bob, "/email-templates".into()),
        (&bob, format!("/email-templates/{template}/edit")),
        (&bob, "/employer/company".into()),
        (&bob, "/employer/jobs".into()),
        (&bob, format!("/employer/jobs/{job}/edit")),
        (&bob, format!("/employer/jobs/{job}/preview")),
        (&root, "/admin/users".into()),
        (&root, format!("/admin/users?q={}", enc(SCRIPT.as_bytes()))),
        (&root, format!("/admin/users/{}", ann.id)),
        (&root, format!("/users/{}/profile", ann.id)),
        (&root, "/admin/audit".into()),
        (&root, format!("/admin/audit?actor={}&action={}", enc(SCRIPT.as_bytes()), enc(IMG.as_bytes()))),
        (&root, "/admin/outbox".into()),
        (&root, format!("/admin/outbox/{email}")),
        (&root, "/applicants".into()),
        (&root, format!("/applicants/{manual}")),
    ];
    // The dashboard shows counts only: checked for raw markup, not for the values.
    let dashboard = root.get("/admin").await;
    check_response(&dashboard).unwrap();
    let mut blind = Vec::new();
    for (client, path) in &pages {
        let page = client.get(path).await;
        check_response(&page).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(page.status, 200, "{path}");
        if !shows_escaped(&page.body, SCRIPT_ESCAPED) && !shows_escaped(&page.body, IMG_ESCAPED) {
            blind.push(path.clone());
        }
    }
    assert!(blind.is_empty(), "these pages should show the stored markup, escaped, and do not: {blind:?}");

    // The JSON-LD of the job page holds the title as data.
    let page = visitor.get(&format!("/jobs/{job}")).await;
    let ld = page.select(r#"script[type="application/ld+json"]"#);
    let ld: serde_json::Value = serde_json::from_str(ld.first().expect("the job page has JSON-LD")).unwrap();
    assert_eq!(ld["title"], SCRIPT, "{ld}");
    // The CSV export is data too: markup stays as typed, formulas are defused.
    let csv = bob.get("/applicants/export.csv").await;
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").starts_with("text/csv"), "{}", csv.header("content-type"));
    // E-mails with an HTML part escape what people typed.
    for html in texts(app, "SELECT body_html FROM outbox WHERE body_html IS NOT NULL").await {
        check_html(&html).unwrap_or_else(|e| panic!("an e-mail's HTML: {e}"));
    }
}

/// Flash messages carry what people typed. A script that posts form after
/// form without reading the pages in between piles them up in the session
/// cookie (the forms without a page of their own do not take them): that
/// must never break the session (a 500, or a cookie browsers drop).
pub(super) async fn accepted_posts_without_reading_the_pages_keep_the_session_working(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let job = app.open_job(acme, "Rust Developer").await;
    let other = app.open_job(acme, "Data Engineer").await;
    let handle = tokio::runtime::Handle::current();

    #[derive(Clone, Debug)]
    enum Step {
        Save,
        Unsave,
        Alert(String),
        Close,
        Reopen,
    }
    let step = prop_oneof![
        Just(Step::Save),
        Just(Step::Unsave),
        "[a-zé😀<>\"& ]{20,200}".prop_map(Step::Alert),
        Just(Step::Close),
        Just(Step::Reopen),
    ];
    check_property(app, "posts without reading a page", 6, vec(step, 40..120), |steps| {
        handle.block_on(async {
            for step in &steps {
                let (who, path, fields): (&TestUser, String, Vec<(&str, String)>) = match step {
                    // (`job` opens and closes; `other` stays open to be saved.)
                    Step::Save => (&ann, format!("/jobs/{other}/save"), vec![]),
                    Step::Unsave => (&ann, format!("/jobs/{other}/unsave"), vec![]),
                    Step::Alert(q) => (&ann, "/alerts".into(), vec![("query", format!("q={}", enc(q.as_bytes())))]),
                    Step::Close => (&bob, format!("/employer/jobs/{job}/close"), vec![]),
                    Step::Reopen => (&bob, format!("/employer/jobs/{job}/reopen"), vec![]),
                };
                let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let resp = who.post_form(&path, &fields).await;
                check_response(&resp).map_err(|e| format!("{step:?}: {e}"))?;
                if resp.status != 303 {
                    return Err(format!("{step:?} answered {}", resp.status));
                }
                let cookie = resp.header("set-cookie").len();
                if cookie > 4096 {
                    return Err(format!("after {step:?} the session cookie is {cookie} bytes: browsers drop it"));
                }
            }
            for who in [&ann, &bob] {
                let page = get(who, "/").await?;
                check_response(&page)?;
                if page.status != 200 {
                    return Err(format!("the next page answered {}", page.status));
                }
            }
            Ok(())
        })
    });
}
