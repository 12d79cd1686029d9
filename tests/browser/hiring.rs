//! The hiring features of one job in a real browser: a seeker answers its
//! screening questions and consents on apply; the employer finds the
//! knock-out by its tag, rates the scorecard and proposes interview times;
//! the seeker picks one; the report draws its charts. Both sides click and
//! type in Chromium; nothing is set over HTTP but the job's setup.

use fantoccini::{Client, Locator};

use crate::both_backends;
use crate::driver::{Driver, log_in, screenshot};
use crate::fixtures::pdf_with_text;
use crate::helpers::{Backend, TestApp, wait_for};

both_backends!(hiring_journey);

async fn wait_text(browser: &Client, css: &str, needle: &str) {
    wait_for(&format!("{css} to show “{needle}”"), || async move {
        for element in browser.find_all(Locator::Css(css)).await.ok()? {
            if element.text().await.ok()?.contains(needle) {
                return Some(());
            }
        }
        None
    })
    .await
}

/// Clicks an element brought to the middle of the window (the sticky header
/// would take a click at the top edge).
async fn click(browser: &Client, css: &str) {
    let element = browser.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
    let arg = serde_json::to_value(&element).unwrap();
    browser.execute("arguments[0].scrollIntoView({block: 'center'})", vec![arg]).await.unwrap();
    element.click().await.unwrap();
}

async fn hiring_journey(app: &TestApp) {
    let Some(mut driver) = Driver::start().await else { return };
    let t = if app.backend == Backend::Sqlite { "sqlite" } else { "postgres" };
    let erin = app.employer("erin", "Acme Robotics").await;
    let company = app.company_of(&erin).await;
    let job = app.open_job(company, "Firmware Engineer").await;
    let permit = "Do you hold a work permit for Germany?";
    let question = [("prompt", permit), ("kind", "yes_no"), ("knockout", "no"), ("required", "on")];
    erin.post_form(&format!("/employer/jobs/{job}/questions"), &question).await.assert_status(303);
    erin.post_form(&format!("/employer/jobs/{job}/scorecard"), &[("name", "Embedded C")]).await.assert_status(303);
    let sara = app.seeker("sara").await;

    // The seeker applies: a PDF, the question (a knock-out answer), consent.
    let seeker = driver.session().await;
    log_in(&seeker, app, &sara).await;
    seeker.goto(&app.url(&format!("/jobs/{job}/apply"))).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("sara-cv.pdf");
    std::fs::write(&pdf, pdf_with_text("Sara Svensson, firmware")).unwrap();
    seeker.find(Locator::Css("#resume")).await.unwrap().send_keys(pdf.to_str().unwrap()).await.unwrap();
    click(&seeker, "fieldset.screening input[value=no]").await;
    click(&seeker, "input[name=consent]").await;
    screenshot(&seeker, &format!("hiring-apply-{t}.png")).await;
    click(&seeker, &format!("form[action='/jobs/{job}/apply'] button[type=submit]")).await;
    wait_text(&seeker, ".flashes", "Your application for Firmware Engineer at Acme Robotics is sent.").await;
    let applicant =
        seeker.current_url().await.unwrap().path().trim_start_matches("/applications/").parse::<i64>().unwrap();

    // The employer finds the flagged applicant by the tag, and reads why.
    let employer = driver.session().await;
    log_in(&employer, app, &erin).await;
    employer.goto(&app.url("/applicants")).await.unwrap();
    click(&employer, ".crm-row-tags a").await;
    wait_text(&employer, "p.muted", "match these filters").await;
    assert!(employer.current_url().await.unwrap().query().unwrap_or("").contains("tag=knock-out"));
    click(&employer, &format!("a.crm-name[href='/applicants/{applicant}']")).await;
    wait_text(&employer, "#screening dd", "Knock-out: for you to decide").await;

    // Rates the scorecard.
    employer.find(Locator::Css("#scorecard select")).await.unwrap().select_by_value("4").await.unwrap();
    employer
        .find(Locator::Css("#scorecard input[type=text]"))
        .await
        .unwrap()
        .send_keys("Knows her registers")
        .await
        .unwrap();
    click(&employer, "#scorecard button[type=submit]").await;
    wait_text(&employer, ".flashes", "Your ratings are saved.").await;
    wait_text(&employer, "#scorecard h2 .badge", "4.0 / 5").await;

    // Proposes a time (the date widget is filled by script: its keystrokes depend on the locale).
    let year = time::OffsetDateTime::now_utc().year() + 1;
    click(&employer, ".interview-new summary").await;
    employer
        .execute(
            "document.getElementById('new-slot1').value = arguments[0]; document.getElementById('new-location').value = 'Room 4';
             document.getElementById('new-timezone').value = 'Europe/Berlin';",
            vec![serde_json::json!(format!("{year}-03-10T10:00"))],
        )
        .await
        .unwrap();
    screenshot(&employer, &format!("hiring-propose-{t}.png")).await;
    click(&employer, ".interview-new button[type=submit]").await;
    wait_text(&employer, ".flashes", "Times proposed").await;

    // The seeker picks it on the application page.
    seeker.goto(&app.url(&format!("/applications/{applicant}"))).await.unwrap();
    wait_text(&seeker, "#interviews legend", "Pick a time").await;
    screenshot(&seeker, &format!("hiring-pick-{t}.png")).await;
    click(&seeker, "#interviews button[type=submit]").await;
    wait_text(&seeker, ".flashes", "Your interview is scheduled").await;
    wait_text(&seeker, "#interviews strong", &format!("10 March {year}, 10:00 (Europe/Berlin)")).await;

    // The employer's upcoming list, and the report's charts as drawn.
    employer.goto(&app.url("/employer/interviews")).await.unwrap();
    wait_text(&employer, "tbody tr", "sara").await;
    employer.goto(&app.url("/reports")).await.unwrap();
    let widths = employer
        .execute(
            "return [...document.querySelectorAll('svg.report-chart rect')].map(r => r.getBoundingClientRect().width)",
            vec![],
        )
        .await
        .unwrap();
    let widths: Vec<f64> = widths.as_array().unwrap().iter().map(|w| w.as_f64().unwrap()).collect();
    assert_eq!(widths.len(), 5 + 2, "{widths:?}");
    assert!(widths[0] > 100.0, "the Applied bar is drawn: {widths:?}");
    let overflow = employer
        .execute("return document.documentElement.scrollWidth > document.documentElement.clientWidth", vec![])
        .await
        .unwrap();
    assert_eq!(overflow, serde_json::json!(false), "the report fits the window");
    screenshot(&employer, &format!("hiring-report-{t}.png")).await;
    employer.close().await.unwrap();
    seeker.close().await.unwrap();
}
