//! `/password/forgot` and `/password/reset/{token}`: the e-mailed link.

use diesel::prelude::*;
use jobconnect::db::schema::{audit_log, password_resets};
use jobconnect::db::{self};

use crate::both_backends;
use crate::helpers::{Backend, TestApp, wait_for};
use crate::mail::*;

async fn password_reset_link_works_once_and_ends_other_sessions(backend: Backend) {
    let (app, smtp) = app_sending_on_demand(backend).await;
    let ann = app.seeker("ann").await;
    let laptop = app.client();
    laptop.post_form("/login", &[("login", "ann"), ("password", &ann.password)]).await.assert_status(303);

    let visitor = app.client();
    visitor.get("/password/forgot").await.assert_status(200);
    let asked = visitor.post_form("/password/forgot", &[("email", "ANN@example.com")]).await;
    asked.assert_status(303);
    assert_eq!(asked.location(), "/password/forgot");
    let answer = visitor.get("/password/forgot").await.text();
    assert!(answer.contains("we have sent it a link"), "{answer}");

    let mail = delivered(&app, &smtp, 1).await.remove(0);
    assert_eq!(mail.rcpt_to(), "ann@example.com");
    assert_eq!(mail.subject(), "Reset your JobConnect password");
    let start = mail.text.find(&format!("{}/password/reset/", app.settings.base_url)).expect("the link is in the text");
    let link: String = mail.text[start..].chars().take_while(|c| !c.is_whitespace()).collect();
    let path = link.trim_start_matches(&app.settings.base_url).to_string();
    let token = path.rsplit('/').next().unwrap().to_string();
    let stored: String =
        app.db.run(|c| password_resets::table.select(password_resets::token_hash).first(c)).await.unwrap();
    assert_ne!(stored, token, "only a hash is stored");
    assert_eq!(stored, jobconnect::db::tokens::hash(&token));

    visitor.get(&path).await.assert_status(200);
    let short = visitor.post_form(&path, &[("new_password", "short")]).await;
    short.assert_status(422);
    assert!(short.text().contains("at least 10 characters"));
    let done = visitor.post_form(&path, &[("new_password", "a-brand-new-password")]).await;
    done.assert_status(303);
    assert_eq!(done.location(), "/login");
    assert!(visitor.get("/login").await.text().contains("Your password is changed"));
    assert!(!laptop.get("/").await.text().contains("Log out"), "the other session ended");
    assert!(!ann.get("/").await.text().contains("Log out"), "and this one");

    // The link works once.
    let again = visitor.get(&path).await;
    again.assert_status(404);
    assert!(again.text().contains("no longer works"));
    visitor.post_form(&path, &[("new_password", "another-new-password")]).await.assert_status(404);
    let client = app.client();
    client.post_form("/login", &[("login", "ann"), ("password", &ann.password)]).await.assert_status(422);
    client.post_form("/login", &[("login", "ann"), ("password", "a-brand-new-password")]).await.assert_status(303);
    let audited = app
        .db
        .run(|c| {
            audit_log::table
                .filter(audit_log::action.eq_any(["password.reset_requested", "password.reset"]))
                .count()
                .get_result::<i64>(c)
        })
        .await
        .unwrap();
    assert_eq!(audited, 2);

    // An unknown address gets the same answer, and no e-mail.
    let before = app.count("outbox").await;
    let unknown = visitor.post_form("/password/forgot", &[("email", "nobody@example.com")]).await;
    unknown.assert_status(303);
    assert!(
        visitor
            .get("/password/forgot")
            .await
            .text()
            .contains("If an account uses nobody@example.com, we have sent it a link")
    );
    assert_eq!(app.count("outbox").await, before);
    let invalid = visitor.post_form("/password/forgot", &[("email", "not an address")]).await;
    invalid.assert_status(422);
    assert!(invalid.body.contains(r#"value="not an address""#));
    app.stop().await;
}

async fn password_reset_link_expires(backend: Backend) {
    let (app, smtp) = app_sending_on_demand(backend).await;
    let ann = app.seeker("ann").await;
    let visitor = app.client();
    visitor.post_form("/password/forgot", &[("email", "ann@example.com")]).await.assert_status(303);
    let mail = delivered(&app, &smtp, 1).await.remove(0);
    let start = mail.text.find("/password/reset/").unwrap();
    let path: String = mail.text[start..].chars().take_while(|c| !c.is_whitespace()).collect();
    app.db
        .run(|c| {
            diesel::update(password_resets::table)
                .set(password_resets::expires_at.eq(db::now() - time::Duration::minutes(1)))
                .execute(c)
        })
        .await
        .unwrap();
    visitor.get(&path).await.assert_status(404);
    visitor.post_form(&path, &[("new_password", "a-brand-new-password")]).await.assert_status(404);
    let client = app.client();
    client.post_form("/login", &[("login", "ann"), ("password", &ann.password)]).await.assert_status(303);
    app.client().get("/password/reset/not-a-token").await.assert_status(404);
    app.stop().await;
}

async fn password_reset_requests_are_limited(app: &TestApp) {
    app.seeker("ann").await;
    let visitor = app.client();
    for _ in 0..4 {
        visitor.post_form("/password/forgot", &[("email", "ann@example.com")]).await.assert_status(303);
    }
    assert_eq!(app.count("outbox").await, 3, "three links an hour per account");
    // Each link's token is made when its e-mail is sent, one per e-mail.
    wait_for("a token for each e-mail sent", || async {
        (count_state(app, "sent").await == 3 && app.count("password_resets").await == 3).then_some(())
    })
    .await;
    for i in 4..10 {
        let email = format!("someone{i}@example.com");
        visitor.post_form("/password/forgot", &[("email", &email)]).await.assert_status(303);
    }
    let throttled = visitor.post_form("/password/forgot", &[("email", "ann@example.com")]).await;
    throttled.assert_status(429);
    assert!(throttled.text().contains("Too many requests"));
    assert_eq!(app.count("password_resets").await, 3);
}

both_backends!(backend: password_reset_link_works_once_and_ends_other_sessions, password_reset_link_expires,);

both_backends!(password_reset_requests_are_limited,);
