//! Every page at a phone's width (390 × 844): no page may be wider than the
//! screen. The tour (tests/app/tour.rs) visits each HTML page of the route
//! table as the role that uses it and this test measures the document's
//! scroll width; a new page route must join the tour.

use fantoccini::Client;
use serde_json::Value;

use crate::both_backends;
use crate::driver::{Driver, log_in, screenshot};
use crate::helpers::TestApp;

both_backends!(no_page_is_wider_than_a_phone);

/// Visits `pages` (route pattern, path) in `browser` and returns the ones wider than the window.
async fn too_wide(browser: &Client, app: &TestApp, who: &str, pages: &[(&str, String)]) -> Vec<String> {
    let mut wide = Vec::new();
    for (pattern, path) in pages {
        browser.goto(&app.url(path)).await.unwrap();
        let measure = "const w = window.innerWidth;
            const clipped = e => { for (let p = e.parentElement; p; p = p.parentElement) {
              if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX)) return true; } return false; };
            const over = [...document.querySelectorAll('body *')]
              .filter(e => e.getBoundingClientRect().right > w + 1 && !clipped(e))
              .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : ''));
            return [document.documentElement.scrollWidth, w, document.querySelector('h1')?.textContent ?? '', over];";
        let got = browser.execute(measure, vec![]).await.unwrap();
        let (scroll, width) = (got[0].as_u64().unwrap(), got[1].as_u64().unwrap());
        assert!(width <= 400, "the window is a phone's ({width} px)");
        let heading = got[2].as_str().unwrap_or_default().trim().to_string();
        assert!(!heading.is_empty(), "{who} {path} ({pattern}) has a heading");
        if scroll > width {
            let name = format!("phone-too-wide-{who}-{}.png", path.trim_matches('/').replace(['/', '?', '='], "-"));
            screenshot(browser, &name).await;
            wide.push(format!("{who} {path}: {scroll} px > {width} px, {}", Value::to_string(&got[3])));
        }
    }
    wide
}

async fn no_page_is_wider_than_a_phone(app: &TestApp) {
    let Some(mut driver) = Driver::start().await else { return };
    let tour = crate::tour::set_up(app).await;
    assert!(tour.missing().is_empty(), "pages missing from the tour: {:?}", tour.missing());
    let mut wide = Vec::new();
    for (who, user, pages) in &tour.stops {
        let browser = driver.phone(390, 844).await;
        if let Some(user) = user {
            log_in(&browser, app, tour.user(*user)).await;
        }
        wide.extend(too_wide(&browser, app, who, pages).await);
        browser.close().await.unwrap();
    }
    assert!(wide.is_empty(), "pages wider than a 390 px phone:\n{}", wide.join("\n"));
}
