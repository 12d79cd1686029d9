//! Whole journeys through the UI in a real browser, one per role: a seeker
//! from sign-up to a live stage change, an employer from sign-up to an
//! e-mail at a real SMTP server, an admin assigning, deleting and finding
//! both in the audit log. Each runs on SQLite and PostgreSQL.
//!
//! Everything the journey's person does is typed and clicked in Chromium;
//! only the other party (the employer who moves the seeker along, the
//! seeker who applies while the employer watches) acts over HTTP.

use fantoccini::elements::Element;
use fantoccini::{Client, Locator};

use crate::both_backends;
use crate::driver::{Driver, log_in, screenshot};
use crate::fixtures::pdf_with_text;
use crate::helpers::deadline;
use crate::helpers::{Backend, TestApp, link_in, wait_for, wait_for_eml_link};
use crate::smtp::{SmtpServer, spawn_app};

both_backends!(seeker_journey, admin_journey);
both_backends!(backend: employer_journey);

fn tag(app: &TestApp) -> &'static str {
    match app.backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}

/// Waits until the user has `sockets` live sockets open on this instance.
async fn page_is_live(app: &TestApp, user_id: i64, sockets: usize) {
    wait_for("the page's live socket", || async move { (app.hub.local_sockets(user_id) >= sockets).then_some(()) })
        .await;
}

/// Waits for an element matching `css` whose text contains `needle`.
async fn wait_text(browser: &Client, css: &str, needle: &str) -> Element {
    wait_for(&format!("{css} to show “{needle}”"), || async move {
        for element in browser.find_all(Locator::Css(css)).await.ok()? {
            if element.text().await.ok()?.contains(needle) {
                return Some(element);
            }
        }
        None
    })
    .await
}

/// Waits until the browser is on a page whose path satisfies `pred`.
async fn wait_path(browser: &Client, what: &str, pred: impl Fn(&str) -> bool) -> url::Url {
    let pred = &pred;
    wait_for(what, || async move {
        let url = browser.current_url().await.ok()?;
        pred(url.path()).then_some(url)
    })
    .await
}

/// Waits until the page's CSS animations (a toast sliding in, a label
/// flashing) are over, so a screenshot shows the page as it settles.
async fn settled(browser: &Client) {
    wait_for("the page's animations to finish", || async move {
        let running = browser
            .execute("return document.getAnimations().filter(a => a.playState === 'running').length", vec![])
            .await
            .ok()?;
        (running.as_u64() == Some(0)).then_some(())
    })
    .await;
}

/// The number after `prefix` in a path like `/applications/12`.
fn id_after(path: &str, prefix: &str) -> i64 {
    path.strip_prefix(prefix)
        .and_then(|rest| rest.split('/').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no id after {prefix} in {path}"))
}

async fn fill(browser: &Client, css: &str, text: &str) {
    let field = browser.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn click(browser: &Client, css: &str) {
    browser.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).click().await.unwrap();
}

async fn choose(browser: &Client, css: &str, value: &str) {
    browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .select_by_value(value)
        .await
        .unwrap();
}

// ---------------------------------------------------------------------------
// 1. Seeker: register, search, read, apply with a PDF, follow the stage live.
// ---------------------------------------------------------------------------

async fn seeker_journey(app: &TestApp) {
    let Some(mut driver) = Driver::start().await else { return };
    let t = tag(app);
    let erin = app.employer("erin", "Acme Robotics").await;
    let company = app.company_of(&erin).await;
    let job = app
        .job(company, "Embedded Rust Engineer")
        .description("Write the firmware of our warehouse robots in Rust.\n\n- no_std on ARM\n- a friendly team")
        .remote("hybrid")
        .insert()
        .await;
    let other =
        app.job(company, "Office Manager").description("Keep our Berlin office running smoothly.").insert().await;

    let browser = driver.session().await;

    // A refused sign-up (the browser's own checks off, so the server answers):
    // focus lands on the error summary, whose links lead to the fields.
    browser.goto(&app.url("/register")).await.unwrap();
    browser.execute("document.querySelector(\"form[action='/register']\").noValidate = true", vec![]).await.unwrap();
    click(&browser, "form[action='/register'] button[type=submit]").await;
    let summary = wait_text(&browser, ".error-summary", "There is a problem").await;
    let focused = browser.execute("return document.activeElement.classList.contains('error-summary')", vec![]).await;
    assert_eq!(focused.unwrap(), serde_json::json!(true), "the summary takes focus");
    let first = summary.find(Locator::Css("a")).await.unwrap().attr("href").await.unwrap().unwrap_or_default();
    assert!(first.starts_with('#') && browser.find(Locator::Css(&first)).await.is_ok(), "{first} is a field");

    // Register as a job seeker.
    browser.goto(&app.url("/register")).await.unwrap();
    click(&browser, "input[name=role][value=seeker]").await;
    fill(&browser, "#full_name", "Sara Lindqvist").await;
    fill(&browser, "#email", "sara@example.com").await;
    fill(&browser, "#username", "sara").await;
    fill(&browser, "#password", "sara-secret-pass").await;
    assert!(
        !browser.find(Locator::Css("#company_name")).await.unwrap().is_displayed().await.unwrap(),
        "seekers are not asked for a company"
    );
    screenshot(&browser, &format!("journey-seeker-register-{t}.png")).await;
    click(&browser, "form[action='/register'] button[type=submit]").await;
    wait_path(&browser, "the check-your-inbox page", |p| p == "/register/sent").await;
    wait_text(&browser, "h1", "Check your inbox").await;
    screenshot(&browser, &format!("journey-seeker-check-inbox-{t}.png")).await;
    // The link from the e-mail (no SMTP server here: an .eml file), its button.
    let link = wait_for_eml_link(&app.settings.mail_dir, "sara@example.com", "/account/confirm/").await;
    browser.goto(&app.url(&link)).await.unwrap();
    screenshot(&browser, &format!("journey-seeker-confirm-{t}.png")).await;
    click(&browser, &format!("form[action='{link}'] button[type=submit]")).await;
    wait_path(&browser, "the seeker to land on the jobs", |p| p == "/jobs").await;
    wait_text(&browser, ".flashes", "Welcome to JobConnect, sara!").await;
    let sara = app.user_id("sara").await;
    // The page's script sent the browser's time zone with the sign-up.
    let zone = browser.execute("return Intl.DateTimeFormat().resolvedOptions().timeZone", vec![]).await.unwrap();
    let stored = app
        .db
        .run(move |c| {
            use diesel::prelude::*;
            use jobconnect::db::schema::users;
            users::table.find(sara).select(users::timezone).first::<String>(c)
        })
        .await
        .unwrap();
    assert_eq!(serde_json::json!(stored), zone, "the account reads times on the browser's clock");

    // Search with words from the description.
    fill(&browser, "#q", "firmware robots").await;
    click(&browser, "#job-search button[type=submit]").await;
    let url = wait_for("the query in the URL", || async {
        let current = browser.current_url().await.ok()?;
        current.query().is_some_and(|q| q.contains("q=firmware")).then_some(current)
    })
    .await;
    assert_eq!(url.path(), "/jobs");
    let hit = wait_text(&browser, ".job-card-title a", "Embedded Rust Engineer").await;
    let titles = browser.find_all(Locator::Css(".job-card-title a")).await.unwrap();
    assert_eq!(titles.len(), 1, "only the matching job is listed");
    assert!(browser.find(Locator::Css(&format!("a[href='/jobs/{other}']"))).await.is_err(), "no Office Manager");
    screenshot(&browser, &format!("journey-seeker-search-{t}.png")).await;

    // Saving from the list toggles in place: the same document, the same place.
    // (A tall page, so that a jump to the top would show.)
    let mark = "window.sameDocument = true; document.body.style.minHeight = '4000px'; window.scrollTo(0, 40)";
    browser.execute(mark, vec![]).await.unwrap();
    let save = format!("#job-{job} form[data-save-toggle] button");
    click(&browser, &save).await;
    wait_text(&browser, &format!("#job-{job} button.is-saved[aria-pressed=true]"), "Saved").await;
    wait_text(&browser, "[data-save-status]", "Job saved").await;
    let kept = browser.execute("return [window.sameDocument === true, window.scrollY]", vec![]).await.unwrap();
    assert_eq!(kept, serde_json::json!([true, 40]), "no reload, no jump to the top");
    assert_eq!(app.count("saved_jobs").await, 1);
    click(&browser, &save).await;
    wait_text(&browser, &format!("#job-{job} button[aria-pressed=false]"), "Save").await;
    assert_eq!(app.count("saved_jobs").await, 0, "the second press takes it off");

    // Open it.
    hit.click().await.unwrap();
    wait_path(&browser, "the job page", |p| p == format!("/jobs/{job}")).await;
    wait_text(&browser, "h1", "Embedded Rust Engineer").await;
    screenshot(&browser, &format!("journey-seeker-job-{t}.png")).await;

    // Apply with a PDF chosen in the file input.
    click(&browser, &format!("a.apply-now[href='/jobs/{job}/apply']")).await;
    wait_path(&browser, "the apply form", |p| p == format!("/jobs/{job}/apply")).await;
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("sara-cv.pdf");
    std::fs::write(&pdf, pdf_with_text("Sara Svensson, embedded Rust developer")).unwrap();
    browser.find(Locator::Css("#resume")).await.unwrap().send_keys(pdf.to_str().unwrap()).await.unwrap();
    fill(&browser, "#cover_letter", "I have shipped no_std Rust on three robot fleets.").await;
    click(&browser, "input[name=consent]").await;
    screenshot(&browser, &format!("journey-seeker-apply-{t}.png")).await;
    click(&browser, &format!("form[action='/jobs/{job}/apply'] button[type=submit]")).await;
    let url = wait_path(&browser, "the application page", |p| p.starts_with("/applications/")).await;
    let applicant = id_after(url.path(), "/applications/");
    wait_text(&browser, ".flashes", "Your application for Embedded Rust Engineer at Acme Robotics is sent.").await;
    wait_text(&browser, ".resume-sent", "sara-cv.pdf").await;
    let stored = app.applicant(applicant).await.expect("the application is stored");
    assert_eq!((stored.job_id, stored.seeker_id), (Some(job), Some(sara)));
    assert!(stored.resume_id.is_some(), "with the resume");
    screenshot(&browser, &format!("journey-seeker-applied-{t}.png")).await;

    // "My applications" lists it.
    click(&browser, "nav.main-nav a[href='/applications']").await;
    wait_path(&browser, "the applications list", |p| p == "/applications").await;
    wait_text(&browser, ".application-link", "Embedded Rust Engineer").await;
    let stage_css = format!("[data-applicant-stage='{applicant}']");
    let stage = wait_text(&browser, &stage_css, "Applied").await;
    assert!(!stage.attr("class").await.unwrap().unwrap_or_default().contains("live-updated"));
    screenshot(&browser, &format!("journey-seeker-applications-{t}.png")).await;
    page_is_live(app, sara, 1).await;

    // The employer moves the application along (over HTTP).
    erin.post_form(&format!("/applicants/{applicant}/stage"), &[("stage", "interview")]).await.assert_status(303);

    // The open page shows it without a reload: the script updated the label.
    let stage = wait_text(&browser, &stage_css, "Interview").await;
    assert_eq!(stage.attr("data-stage").await.unwrap().as_deref(), Some("interview"));
    let class = stage.attr("class").await.unwrap().unwrap_or_default();
    assert!(class.contains("live-updated"), "updated in place: {class}");
    assert!(class.contains("stage-interview") && !class.contains("stage-applied"), "in the stage's colour: {class}");
    wait_text(&browser, ".toast", "Your application is now at “Interview”").await;
    assert_eq!(browser.current_url().await.unwrap().path(), "/applications");
    settled(&browser).await;
    screenshot(&browser, &format!("journey-seeker-live-stage-{t}.png")).await;
    browser.close().await.unwrap();
}

// ---------------------------------------------------------------------------
// 2. Employer: register with a company, post a job, watch an application
//    arrive, move it, message the seeker, e-mail them through real SMTP.
// ---------------------------------------------------------------------------

async fn employer_journey(backend: Backend) {
    let Some(mut driver) = Driver::start().await else { return };
    let smtp = SmtpServer::start().await;
    let smtp_url = smtp.url();
    let owned = spawn_app(backend, move |s| s.smtp_url = Some(smtp_url)).await;
    let app = &owned;
    let t = tag(app);
    let browser = driver.session().await;

    // Register as an employer naming the company.
    // "Post a job" opens the sign-up with hiring chosen.
    browser.goto(&app.url("/")).await.unwrap();
    click(&browser, "footer a[href='/register?role=employer']").await;
    wait_path(&browser, "the sign-up form", |p| p == "/register").await;
    let hiring = browser.find(Locator::Css("input[name=role][value=employer]")).await.unwrap();
    assert!(hiring.is_selected().await.unwrap(), "the employer role is chosen");
    fill(&browser, "#company_name", "Nordlicht Labs").await;
    fill(&browser, "#full_name", "Nina Berg").await;
    fill(&browser, "#email", "nina@example.com").await;
    fill(&browser, "#username", "nina").await;
    fill(&browser, "#password", "nina-secret-pass").await;
    screenshot(&browser, &format!("journey-employer-register-{t}.png")).await;
    click(&browser, "form[action='/register'] button[type=submit]").await;
    wait_path(&browser, "the check-your-inbox page", |p| p == "/register/sent").await;
    // The confirmation e-mail, through the real SMTP server.
    let welcome = wait_for("the confirmation e-mail", || async {
        smtp.messages().into_iter().find(|m| m.subject() == "Confirm your JobConnect account")
    })
    .await;
    assert_eq!(welcome.rcpt_to(), "nina@example.com");
    let link = link_in(&welcome.text, "/account/confirm/").expect("the e-mail carries the link");
    assert!(welcome.html.as_deref().is_some_and(|h| h.contains(&link)), "in the HTML part too");
    browser.goto(&app.url(&link)).await.unwrap();
    click(&browser, &format!("form[action='{link}'] button[type=submit]")).await;
    wait_path(&browser, "the employer to land on their home", |p| p == "/employer").await;
    wait_text(&browser, ".flashes", "Welcome to JobConnect, nina!").await;
    let nina = app.user_id("nina").await;

    // Post a job: fill the form, save the draft, preview, publish.
    browser.goto(&app.url("/employer/jobs/new")).await.unwrap();
    fill(&browser, "#title", "Platform Engineer (Rust)").await;
    choose(&browser, "#category", "Engineering").await;
    choose(&browser, "#employment_type", "full_time").await;
    click(&browser, "input[name=remote][value=hybrid]").await;
    assert!(!browser.find(Locator::Css("#remote_countries")).await.unwrap().is_displayed().await.unwrap());
    fill(&browser, "#city", "Hamburg").await;
    fill(&browser, "#country", "Germany").await;
    fill(&browser, "#salary_min", "70000").await;
    fill(&browser, "#salary_max", "90000").await;
    choose(&browser, "#salary_currency", "EUR").await;
    choose(&browser, "#salary_period", "year").await;
    fill(
        &browser,
        "#description",
        "Build the platform our customers run their fleets on.\n\nWhat you do:\n- Rust services on PostgreSQL\n- on-call one week in six",
    )
    .await;
    screenshot(&browser, &format!("journey-employer-job-form-{t}.png")).await;
    click(&browser, "form.job-form button[type=submit]").await;
    let url = wait_path(&browser, "the job preview", |p| p.ends_with("/preview")).await;
    let job = id_after(url.path(), "/employer/jobs/");
    wait_text(&browser, ".manage-bar-title", "Draft").await;
    wait_text(&browser, "h1", "Platform Engineer (Rust)").await;
    assert_eq!(app.job_status(job).await, "draft");
    screenshot(&browser, &format!("journey-employer-preview-{t}.png")).await;
    click(&browser, &format!("form[action='/employer/jobs/{job}/publish'] button[type=submit]")).await;
    wait_text(&browser, ".manage-bar-title", "Open").await;
    assert_eq!(app.job_status(job).await, "open");
    browser.find(Locator::Css(&format!("a[href='/jobs/{job}']"))).await.expect("a link to the public page");
    screenshot(&browser, &format!("journey-employer-published-{t}.png")).await;

    // A seeker applies (over HTTP) while the employer's page is open.
    page_is_live(app, nina, 1).await;
    let sam = app.seeker("sam").await;
    let resume = reqwest::multipart::Part::bytes(pdf_with_text("Sam Okafor, platform engineer"))
        .file_name("sam.pdf")
        .mime_str("application/pdf")
        .unwrap();
    let applied = sam
        .post_multipart(&format!("/jobs/{job}/apply"), |form| {
            form.text("cover_letter", "Platforms are my thing.")
                .text("consent", "yes")
                .text("resume_id", "new")
                .part("resume", resume)
        })
        .await;
    applied.assert_status(303);
    let applicant = id_after(applied.location(), "/applications/");

    let toast = wait_text(&browser, ".toast", "New application for Platform Engineer (Rust)").await;
    assert!(toast.text().await.unwrap().contains("sam applied."));
    let count = browser
        .wait()
        .at_most(deadline())
        .for_element(Locator::Css(r#"[data-live-count="notifications"]:not([hidden])"#))
        .await
        .expect("the bell shows the count");
    assert_eq!(count.text().await.unwrap(), "1");
    settled(&browser).await;
    screenshot(&browser, &format!("journey-employer-toast-{t}.png")).await;
    // Done with it: dismiss it (it would cover the bottom of the page).
    toast.find(Locator::Css(".toast-close")).await.unwrap().click().await.unwrap();

    // Open the applicant from the list and move them to screening.
    click(&browser, "nav.main-nav a[href='/applicants']").await;
    wait_path(&browser, "the applicant list", |p| p == "/applicants").await;
    wait_text(&browser, "a.crm-name", "sam").await.click().await.unwrap();
    wait_path(&browser, "the applicant page", |p| p == format!("/applicants/{applicant}")).await;
    wait_text(&browser, "h1", "sam").await;
    wait_text(&browser, ".crm-file", "sam.pdf").await;
    choose(&browser, "#stage", "screening").await;
    click(&browser, &format!("form[action='/applicants/{applicant}/stage'] button[type=submit]")).await;
    wait_text(&browser, ".flashes", "Moved to Screening.").await;
    wait_text(&browser, ".crm-pipeline [aria-current=step]", "Screening").await;
    assert_eq!(app.applicant(applicant).await.unwrap().stage, jobconnect::domain::Stage::Screening);
    screenshot(&browser, &format!("journey-employer-stage-{t}.png")).await;

    // Message the seeker in the application's thread.
    click(&browser, &format!("a[href='/applicants/{applicant}/messages']")).await;
    wait_path(&browser, "the thread", |p| p == format!("/applicants/{applicant}/messages")).await;
    let text = "Hi Sam, thanks for applying! Are you free for a call on Thursday?";
    fill(&browser, "#reply #body", text).await;
    click(&browser, "#reply button[type=submit]").await;
    wait_text(&browser, ".message-ours .message-body", text).await;
    settled(&browser).await;
    screenshot(&browser, &format!("journey-employer-message-{t}.png")).await;
    // The seeker has it on their side of the thread.
    let thread = sam.get(&format!("/applications/{applicant}/messages")).await;
    thread.assert_status(200);
    assert_eq!(thread.select(".message-theirs .message-body"), vec![text.to_string()]);

    // E-mail the applicant from the compose page: write, preview, send.
    click(&browser, &format!("a[href='/applicants/{applicant}']")).await;
    wait_path(&browser, "back on the applicant", |p| p == format!("/applicants/{applicant}")).await;
    click(&browser, &format!("a[href='/applicants/{applicant}/email']")).await;
    wait_path(&browser, "the compose page", |p| p == format!("/applicants/{applicant}/email")).await;
    fill(&browser, "#subject", "Your interview at {{company}}").await;
    fill(&browser, "#body", "Hello {{name}},\n\nplease pick a slot for the {{job}} interview.\n\nNina").await;
    screenshot(&browser, &format!("journey-employer-compose-{t}.png")).await;
    click(&browser, ".actions button[name=step][value=preview]").await;
    wait_text(&browser, ".mail-preview-subject", "Your interview at Nordlicht Labs").await;
    wait_text(&browser, ".mail-preview-body", "Hello sam,").await;
    screenshot(&browser, &format!("journey-employer-email-preview-{t}.png")).await;
    click(&browser, "button[name=step][value=send]").await;
    wait_text(&browser, ".flashes", "Your e-mail to sam is on its way").await;

    // It arrives at the SMTP server, placeholders filled.
    let mail = wait_for("the e-mail at the SMTP server", || async {
        smtp.messages().into_iter().find(|m| m.subject() == "Your interview at Nordlicht Labs")
    })
    .await;
    assert_eq!(mail.rcpt_to(), "sam@example.com");
    assert_eq!(mail.header("reply-to"), Some("nina@example.com"));
    assert!(
        mail.text.contains("Hello sam,") && mail.text.contains("for the Platform Engineer (Rust) interview"),
        "{}",
        mail.text
    );
    // The compose page shows it sent once the worker has reported back.
    wait_for("the e-mail to show as sent", || async {
        browser.refresh().await.ok()?;
        let line = browser.find(Locator::Css(".mail-history li")).await.ok()?.text().await.ok()?;
        (line.contains("Your interview at Nordlicht Labs") && line.contains("Sent")).then_some(())
    })
    .await;
    screenshot(&browser, &format!("journey-employer-email-sent-{t}.png")).await;
    browser.close().await.unwrap();
    drop(driver);
    owned.stop().await;
}

// ---------------------------------------------------------------------------
// 3. Admin: log in, assign an applicant, delete another, read the audit log.
// ---------------------------------------------------------------------------

async fn admin_journey(app: &TestApp) {
    let Some(mut driver) = Driver::start().await else { return };
    let t = tag(app);
    let erin = app.employer("erin", "Acme Robotics").await;
    let company = app.company_of(&erin).await;
    let job = app.open_job(company, "Rust Developer").await;
    let ann = app.insert_applicant(company, Some(job), "Ann Lee", None).await;
    let ben = app.insert_applicant(company, Some(job), "Ben Ortiz", None).await;
    let root = app.admin("root").await;

    let browser = driver.session().await;
    log_in(&browser, app, &root).await;
    wait_path(&browser, "the admin dashboard", |p| p == "/admin").await;
    screenshot(&browser, &format!("journey-admin-dashboard-{t}.png")).await;

    // Open Ann and assign her to Erin.
    click(&browser, "nav.main-nav a[href='/applicants']").await;
    wait_path(&browser, "the applicant list", |p| p == "/applicants").await;
    wait_text(&browser, "a.crm-name", "Ben Ortiz").await;
    screenshot(&browser, &format!("journey-admin-applicants-{t}.png")).await;
    wait_text(&browser, "a.crm-name", "Ann Lee").await.click().await.unwrap();
    wait_path(&browser, "Ann's page", |p| p == format!("/applicants/{ann}")).await;
    choose(&browser, "#assignee", &erin.id.to_string()).await;
    click(&browser, &format!("form[action='/applicants/{ann}/assign'] button[type=submit]")).await;
    wait_text(&browser, ".flashes", "Applicant assigned.").await;
    let assigned =
        browser.find(Locator::XPath("//dl[contains(@class,'crm-details')]/div[dt='Assigned to']/dd")).await.unwrap();
    assert_eq!(assigned.text().await.unwrap(), "erin");
    assert_eq!(app.applicant(ann).await.unwrap().assignee_id, Some(erin.id));
    screenshot(&browser, &format!("journey-admin-assigned-{t}.png")).await;

    // Open Ben and delete him (behind a disclosure; accept a confirm dialog if one shows).
    click(&browser, ".crm-breadcrumb a[href='/applicants']").await;
    wait_path(&browser, "the applicant list", |p| p == "/applicants").await;
    wait_text(&browser, "a.crm-name", "Ben Ortiz").await.click().await.unwrap();
    wait_path(&browser, "Ben's page", |p| p == format!("/applicants/{ben}")).await;
    click(&browser, ".crm-danger summary").await;
    let delete = browser
        .wait()
        .at_most(deadline())
        .for_element(Locator::Css(&format!("form[action='/applicants/{ben}/delete'] button[type=submit]")))
        .await
        .unwrap();
    assert_eq!(delete.text().await.unwrap(), "Delete Ben Ortiz");
    screenshot(&browser, &format!("journey-admin-delete-{t}.png")).await;
    delete.click().await.unwrap();
    if browser.get_alert_text().await.is_ok() {
        browser.accept_alert().await.unwrap();
    }
    wait_path(&browser, "back on the list", |p| p == "/applicants").await;
    wait_text(&browser, ".flashes", "Applicant deleted.").await;
    assert!(browser.find(Locator::Css(&format!("a.crm-name[href='/applicants/{ben}']"))).await.is_err());
    browser.find(Locator::Css(&format!("a.crm-name[href='/applicants/{ann}']"))).await.expect("Ann stays");
    assert!(app.applicant(ben).await.is_none(), "Ben is gone");

    // Both actions are in the audit log.
    click(&browser, "nav.main-nav a[href='/admin']").await;
    wait_path(&browser, "the admin dashboard", |p| p == "/admin").await;
    click(&browser, ".admin-tabs a[href='/admin/audit']").await;
    wait_path(&browser, "the audit log", |p| p == "/admin/audit").await;
    let row = |action: &str, id: i64| {
        format!("//tbody/tr[td/code[.='{action}']][td[contains(., 'applicant #{id}')]][td[.='root']]")
    };
    browser
        .wait()
        .at_most(deadline())
        .for_element(Locator::XPath(&row("applicant.assign", ann)))
        .await
        .expect("the assignment is audited");
    let deleted = browser
        .find(Locator::XPath(&row("applicant.delete", ben)))
        .await
        .expect("the deletion is audited")
        .text()
        .await
        .unwrap();
    // Ids, not the name: an audit line outlives the person's data.
    assert!(deleted.contains(&format!("applicant {ben} of company")) && !deleted.contains("Ben Ortiz"), "{deleted}");
    screenshot(&browser, &format!("journey-admin-audit-{t}.png")).await;
    browser.close().await.unwrap();
}
