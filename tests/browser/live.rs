//! Live updates seen in a real browser: toasts and counts, messages in an
//! open thread, in two browser sessions at once.

use fantoccini::Locator;

use crate::both_backends;
use crate::driver::{Driver, log_in, screenshot};
use crate::helpers::deadline;
use crate::helpers::{TestApp, wait_for};

both_backends!(employer_sees_a_toast_and_the_count_when_a_seeker_applies, a_message_appears_in_the_open_thread);

fn tag(app: &TestApp) -> &'static str {
    match app.backend {
        crate::helpers::Backend::Sqlite => "sqlite",
        crate::helpers::Backend::Postgres => "postgres",
    }
}

/// Waits until the user's page has its socket open.
async fn page_is_live(app: &TestApp, user_id: i64, sockets: usize) {
    wait_for("the page's live socket", || async { (app.hub.local_sockets(user_id) >= sockets).then_some(()) }).await;
}

async fn employer_sees_a_toast_and_the_count_when_a_seeker_applies(app: &TestApp) {
    let Some(mut driver) = Driver::start().await else { return };
    let erin = app.employer("erin", "Acme Robotics").await;
    let ann = app.seeker("ann").await;
    let job = app.open_job(app.company_of(&erin).await, "Rust Developer").await;

    let browser = driver.session().await;
    log_in(&browser, app, &erin).await;
    browser.goto(&app.url("/")).await.unwrap();
    let count = browser.find(Locator::Css(r#"[data-live-count="notifications"]"#)).await.unwrap();
    assert_eq!(count.attr("hidden").await.unwrap().as_deref(), Some("true"), "no news yet");
    page_is_live(app, erin.id, 1).await;

    // The seeker applies in another session (through the data layer: the
    // apply form belongs to the seekers' area).
    app.apply_through_data_layer(&ann, job).await;

    let toast = browser
        .wait()
        .at_most(deadline())
        .for_element(Locator::XPath("//div[contains(@class,'toast')][contains(., 'ann applied to Rust Developer')]"))
        .await
        .expect("a toast about the application");
    assert!(toast.text().await.unwrap().contains("A new application is waiting"));
    let open = toast.find(Locator::Css("form.toast-open")).await.expect("the toast can open it");
    assert_eq!(open.attr("method").await.unwrap().as_deref(), Some("post"), "following it is a POST");
    let count = browser
        .wait()
        .at_most(deadline())
        .for_element(Locator::Css(r#"[data-live-count="notifications"]:not([hidden])"#))
        .await
        .expect("the bell shows the count");
    assert_eq!(count.text().await.unwrap(), "1");
    let bell = browser.find(Locator::Css(r#"[data-live="bell"]"#)).await.unwrap();
    assert_eq!(bell.attr("aria-label").await.unwrap().as_deref(), Some("Notifications, 1 unread"));
    screenshot(&browser, &format!("live-toast-{}.png", tag(app))).await;

    // The notifications page lists it, unread; opening the page changed nothing.
    browser.goto(&app.url("/notifications")).await.unwrap();
    let item = browser.find(Locator::Css(".notification.is-unread .notification-title")).await.unwrap();
    assert!(item.text().await.unwrap().contains("ann applied to Rust Developer"));
    screenshot(&browser, &format!("notifications-{}.png", tag(app))).await;

    // Following it (a POST with the page's token) marks it read and opens its page.
    item.click().await.unwrap();
    wait_for("the applicant's page", || async {
        browser.current_url().await.ok().filter(|u| u.path().starts_with("/applicants/")).map(|_| ())
    })
    .await;
    browser
        .wait()
        .at_most(deadline())
        .for_element(Locator::Css(r#"[data-live-count="notifications"][hidden]"#))
        .await
        .expect("the bell is clear");
    browser.goto(&app.url("/notifications")).await.unwrap();
    assert!(browser.find(Locator::Css(".notification.is-unread")).await.is_err(), "read now");
    browser.close().await.unwrap();
}

async fn a_message_appears_in_the_open_thread(app: &TestApp) {
    let Some(mut driver) = Driver::start().await else { return };
    let erin = app.employer("erin", "Acme Robotics").await;
    let ann = app.seeker("ann").await;
    let applicant = app.application(&ann, &erin, "Rust Developer").await;

    let seeker = driver.session().await;
    log_in(&seeker, app, &ann).await;
    seeker.goto(&app.url(&format!("/applications/{applicant}/messages"))).await.unwrap();
    page_is_live(app, ann.id, 1).await;
    screenshot(&seeker, &format!("thread-empty-{}.png", tag(app))).await;

    let employer = driver.session().await;
    log_in(&employer, app, &erin).await;
    employer.goto(&app.url(&format!("/applicants/{applicant}/messages"))).await.unwrap();
    employer
        .find(Locator::Css("#body"))
        .await
        .unwrap()
        .send_keys("Hello Ann! Could we talk on Monday at 10?")
        .await
        .unwrap();
    employer.find(Locator::Css("#reply button[type=submit]")).await.unwrap().click().await.unwrap();
    employer.wait().at_most(deadline()).for_element(Locator::Css(".message-ours")).await.expect("the sender sees it");

    // It appears in the seeker's open page without a reload.
    let arrived = seeker
        .wait()
        .at_most(deadline())
        .for_element(Locator::Css(".message-theirs .message-body"))
        .await
        .expect("the message appears live");
    assert_eq!(arrived.text().await.unwrap(), "Hello Ann! Could we talk on Monday at 10?");
    assert!(seeker.find(Locator::Css("[data-thread-empty]")).await.is_err(), "the empty note is gone");
    // The open thread is read at once: the inbox count stays clear.
    wait_for("the thread to be marked read", || async {
        let unread = app
            .db
            .run(move |c| jobconnect::db::messages::unread_count(c, jobconnect::db::messages::Scope::Seeker(ann.id)))
            .await
            .unwrap();
        (unread == 0).then_some(())
    })
    .await;
    screenshot(&seeker, &format!("thread-seeker-{}.png", tag(app))).await;

    // The reply reaches the employer's page, which stayed open after sending.
    page_is_live(app, erin.id, 1).await;
    seeker.find(Locator::Css("#body")).await.unwrap().send_keys("Monday at 10 works for me.").await.unwrap();
    seeker.find(Locator::Css("#reply button[type=submit]")).await.unwrap().click().await.unwrap();
    let reply = employer
        .wait()
        .at_most(deadline())
        .for_element(Locator::XPath("//li[contains(@class,'message-theirs')]//p[contains(., 'Monday at 10 works')]"))
        .await
        .expect("the reply appears live");
    assert_eq!(reply.text().await.unwrap(), "Monday at 10 works for me.");
    screenshot(&employer, &format!("thread-employer-{}.png", tag(app))).await;

    seeker.goto(&app.url("/messages")).await.unwrap();
    seeker.find(Locator::Css(".inbox-item")).await.expect("the inbox lists the thread");
    screenshot(&seeker, &format!("inbox-{}.png", tag(app))).await;

    // A message that arrived while the thread was closed: opening the page
    // with its script marks it read (over the socket) and drops the button.
    erin.post_form(&format!("/applicants/{applicant}/messages"), &[("body", "See you then.")]).await.assert_status(303);
    seeker.goto(&app.url(&format!("/applications/{applicant}/messages"))).await.unwrap();
    wait_for("the script to mark the thread read", || async {
        let gone = seeker.find(Locator::Css("[data-thread-read]")).await.is_err();
        let unread = app
            .db
            .run(move |c| jobconnect::db::messages::unread_count(c, jobconnect::db::messages::Scope::Seeker(ann.id)))
            .await
            .unwrap();
        (gone && unread == 0).then_some(())
    })
    .await;
    seeker.close().await.unwrap();
    employer.close().await.unwrap();
}
