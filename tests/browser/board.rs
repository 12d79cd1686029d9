//! The pipeline board in a real browser: cards move by keyboard (the
//! handle: Space, arrows, Space; Escape cancels) and by drag and drop, in
//! place; a move that needs more (a rejection's reason) becomes the form's
//! own page; each move is stored as the card's select would store it.

use fantoccini::key::Key;
use fantoccini::{Client, Locator};

use crate::both_backends;
use crate::driver::{Driver, log_in, screenshot};
use crate::helpers::{Backend, TestApp, wait_for};

both_backends!(cards_move_by_keyboard_and_by_drag_and_drop);

async fn stage_of(app: &TestApp, id: i64) -> String {
    app.applicant(id).await.unwrap().stage.as_str().to_string()
}

async fn wait_stage(app: &TestApp, id: i64, stage: &str) {
    wait_for(&format!("applicant {id} at {stage}"), || async move { (stage_of(app, id).await == stage).then_some(()) })
        .await;
}

async fn count(browser: &Client, place: &str) -> String {
    let css = format!("[data-place='{place}'] [data-count]");
    let text = browser.find(Locator::Css(&css)).await.unwrap().text().await.unwrap();
    text.split_whitespace().next().unwrap_or_default().to_string()
}

async fn press(browser: &Client, card: i64, keys: &[Key]) {
    let handle = browser.find(Locator::Css(&format!("[data-card='{card}'] .crm-card-handle"))).await.unwrap();
    for key in keys {
        handle.send_keys(&char::from(key.clone()).to_string()).await.unwrap();
    }
}

/// A drag from the card to the column, as the browser fires it for a mouse.
async fn drag(browser: &Client, card: i64, place: &str) {
    let script = "const card = document.querySelector(arguments[0]);
        const column = document.querySelector(arguments[1]);
        const data = new DataTransfer();
        const fire = (el, type) => el.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
        fire(card, 'dragstart'); fire(column, 'dragover'); fire(column, 'drop'); fire(card, 'dragend');";
    let args = vec![format!("[data-card='{card}']").into(), format!("[data-place='{place}'] .crm-cards").into()];
    browser.execute(script, args).await.unwrap();
}

async fn cards_move_by_keyboard_and_by_drag_and_drop(app: &TestApp) {
    let Some(mut driver) = Driver::start().await else { return };
    let t = if app.backend == Backend::Sqlite { "sqlite" } else { "postgres" };
    let bob = app.employer("bob", "Acme").await;
    let acme = app.company_of(&bob).await;
    let job = app.open_job(acme, "Welder").await;
    let ann = app.insert_applicant(acme, Some(job), "Ann", None).await;
    let ben = app.insert_applicant(acme, Some(job), "Ben", None).await;
    let cy = app.insert_applicant(acme, Some(job), "Cy", None).await;

    let browser = driver.session().await;
    log_in(&browser, app, &bob).await;
    let board = format!("/applicants/board?job={job}");
    browser.goto(&app.url(&board)).await.unwrap();
    browser.execute("window.sameDocument = true", vec![]).await.unwrap();
    assert_eq!(count(&browser, "applied").await, "3");

    // Keyboard: pick Ann up, one column right, drop.
    press(&browser, ann, &[Key::Space, Key::Right, Key::Space]).await;
    wait_stage(app, ann, "screening").await;
    let status = browser.find(Locator::Css("[data-board-status]")).await.unwrap();
    wait_for("the move to be announced", || async {
        status.text().await.ok()?.contains("Moved to Screening").then_some(())
    })
    .await;
    assert_eq!((count(&browser, "applied").await, count(&browser, "screening").await), ("2".into(), "1".into()));
    let focused = browser.execute("return document.activeElement.closest('[data-card]').dataset.card", vec![]).await;
    assert_eq!(focused.unwrap(), serde_json::json!(ann.to_string()), "focus stays on the moved card");

    // Escape puts a picked-up card back; nothing is stored.
    press(&browser, ann, &[Key::Space, Key::Right, Key::Right, Key::Escape]).await;
    let home = browser.find(Locator::Css(&format!("[data-place='screening'] [data-card='{ann}']"))).await;
    assert!(home.is_ok(), "Ann is back in Screening");
    assert_eq!(stage_of(app, ann).await, "screening");

    // Mouse: drag Ben onto Interview.
    drag(&browser, ben, "interview").await;
    wait_stage(app, ben, "interview").await;
    assert_eq!(count(&browser, "interview").await, "1");
    let same = browser.execute("return window.sameDocument === true", vec![]).await.unwrap();
    assert_eq!(same, serde_json::json!(true), "every move so far happened in place");
    screenshot(&browser, &format!("board-moved-{t}.png")).await;

    // A rejection needs its reason: the drop becomes the form's own page.
    drag(&browser, cy, "rejected").await;
    wait_for("the reason page", || async {
        let url = browser.current_url().await.ok()?;
        (url.path() == format!("/applicants/{cy}/stage")).then_some(())
    })
    .await;
    assert!(browser.find(Locator::Css("select[name=reason], input[name=reason]")).await.is_ok(), "asks why");
    assert_eq!(stage_of(app, cy).await, "applied", "nothing moves before the reason");
    browser.close().await.unwrap();
}
