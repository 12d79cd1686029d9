//! Log-in, log-out, password change, CSRF, throttling and session expiry
//! (signing up: `register.rs`; the password reset: `reset.rs`).

mod register;
mod reset;

use crate::both_backends;
use crate::helpers::{TestApp, eml_messages, wait_for};

async fn log_in_by_username_and_by_email(app: &TestApp) {
    let ann = app.seeker("ann").await;
    for login in ["ann", "ANN@Example.com"] {
        let client = app.client();
        let resp = client.post_form("/login", &[("login", login), ("password", &ann.password)]).await;
        resp.assert_status(303);
        assert_eq!(resp.location(), "/jobs", "a seeker lands on the jobs");
        assert!(client.get("/").await.text().contains("Log out"), "logged in with {login}");
    }
}

async fn wrong_password_is_refused(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let client = app.client();
    let resp = client.post_form("/login", &[("login", "ann"), ("password", "wrong-password")]).await;
    resp.assert_status(422);
    assert!(resp.text().contains("do not match"));
    assert!(resp.body.contains(r#"value="ann""#), "the log-in name is kept");
    assert!(!client.get("/").await.text().contains("Log out"));
    // Unknown users get the same answer: nothing tells who has an account.
    let unknown = client.post_form("/login", &[("login", "nobody"), ("password", "wrong-password")]).await;
    unknown.assert_status(422);
    assert!(unknown.text().contains("do not match"));
    let _ = ann;
}

async fn login_returns_to_the_page_asked_for(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let client = app.client();
    let resp = client.get("/account/password").await;
    resp.assert_status(303);
    assert_eq!(resp.location(), "/login?next=%2Faccount%2Fpassword");
    let form = client.get(resp.location()).await;
    assert!(form.body.contains(r#"name="next" value="/account/password""#));
    let resp = client
        .post_form("/login", &[("login", "ann"), ("password", &ann.password), ("next", "/account/password")])
        .await;
    assert_eq!(resp.location(), "/account/password");
    // Never to another site.
    let client = app.client();
    let resp =
        client.post_form("/login", &[("login", "ann"), ("password", &ann.password), ("next", "//evil.example")]).await;
    assert_eq!(resp.location(), "/jobs");
}

async fn logout_ends_every_session(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let laptop = app.client();
    laptop.post_form("/login", &[("login", "ann"), ("password", &ann.password)]).await.assert_status(303);
    assert!(laptop.get("/").await.text().contains("Log out"));

    let resp = ann.post_form("/logout", &[]).await;
    resp.assert_status(303);
    assert!(!ann.get("/").await.text().contains("Log out"), "this session ended");
    assert!(!laptop.get("/").await.text().contains("Log out"), "the other session ended too");
    assert_eq!(laptop.get("/account/password").await.status.as_u16(), 303, "back to the log-in page");
}

/// A session ended elsewhere (log-out everywhere): the first page it opens
/// is the log-in form, and that form works the first time (its token is
/// kept, not dropped with the old log-in).
async fn an_ended_sessions_log_in_form_works_first_time(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let laptop = app.client();
    laptop.post_form("/login", &[("login", "ann"), ("password", &ann.password)]).await.assert_status(303);
    ann.post_form("/logout", &[]).await.assert_status(303);
    let form = laptop.get("/login").await;
    form.assert_status(200);
    let token = crate::helpers::csrf_from(&form.body).expect("the form's token");
    let fields = [("login", "ann"), ("password", ann.password.as_str()), ("csrf_token", token.as_str())];
    laptop.post_raw("/login", &fields).await.assert_status(303);
    assert!(laptop.get("/").await.text().contains("Log out"));
}

async fn password_change_ends_other_sessions(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let laptop = app.client();
    laptop.post_form("/login", &[("login", "ann"), ("password", &ann.password)]).await.assert_status(303);

    let wrong = ann
        .post_form(
            "/account/password",
            &[("current_password", "not-it-at-all"), ("new_password", "a-new-long-password")],
        )
        .await;
    wrong.assert_status(422);
    assert!(wrong.text().contains("current password is not right"));
    // Left empty, it says so instead of calling it wrong.
    let empty = ann.post_form("/account/password", &[("current_password", ""), ("new_password", "short")]).await;
    empty.assert_status(422);
    assert!(empty.text().contains("Enter your current password."), "{}", empty.text());
    assert!(!empty.text().contains("not right"));
    assert_eq!(empty.select(".field-error").len(), 2, "the new password's problem too");

    let resp = ann
        .post_form("/account/password", &[("current_password", &ann.password), ("new_password", "a-new-long-password")])
        .await;
    resp.assert_status(303);
    let after = ann.get("/account/password").await;
    after.assert_status(200);
    assert!(after.text().contains("password is changed"), "flash shown, session kept");
    assert!(!laptop.get("/").await.text().contains("Log out"), "the other device is logged out");
    let told = wait_for("the owner's notice", || async {
        eml_messages(&app.settings.mail_dir, "ann@example.com")
            .into_iter()
            .find(|m| m.text.contains("was just changed"))
    })
    .await;
    assert_eq!(told.subject(), "Your JobConnect password was changed");

    let client = app.client();
    client.post_form("/login", &[("login", "ann"), ("password", &ann.password)]).await.assert_status(422);
    client.post_form("/login", &[("login", "ann"), ("password", "a-new-long-password")]).await.assert_status(303);
}

async fn post_without_csrf_token_is_403_and_changes_nothing(app: &TestApp) {
    let client = app.client();
    client.get("/register").await.assert_status(200);
    let fields =
        [("email", "x@example.com"), ("username", "xavier"), ("password", "long-enough-pw"), ("role", "seeker")];
    let resp = client.post_raw("/register", &fields).await;
    resp.assert_status(403);
    let mut forged = fields.to_vec();
    forged.push(("csrf_token", "0000"));
    client.post_raw("/register", &forged).await.assert_status(403);
    assert_eq!(app.count("users").await, 0);

    // Logged in, a forged log-out or password change does nothing either.
    let ann = app.seeker("ann").await;
    ann.post_raw("/logout", &[]).await.assert_status(403);
    ann.post_raw("/account/password", &[("current_password", &ann.password), ("new_password", "hijacked-password")])
        .await
        .assert_status(403);
    assert!(ann.get("/").await.text().contains("Log out"), "still logged in");
    let client = app.client();
    client.post_form("/login", &[("login", "ann"), ("password", &ann.password)]).await.assert_status(303);
}

async fn log_in_is_throttled_per_account(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let client = app.client();
    for _ in 0..5 {
        client.post_form("/login", &[("login", "ann"), ("password", "wrong-password")]).await.assert_status(422);
    }
    let resp = client.post_form("/login", &[("login", "ann"), ("password", &ann.password)]).await;
    resp.assert_status(429);
    assert!(resp.text().contains("Too many failed attempts"));
    assert!(!client.get("/").await.text().contains("Log out"), "even the right password waits");
    assert!(app.count("audit_log").await >= 1, "the throttled attempt is audited");
    // Another account from the same address is not locked by ann's failures.
    let bob = app.seeker("bob").await;
    app.client().post_form("/login", &[("login", "bob"), ("password", &bob.password)]).await.assert_status(303);
}

/// Forty guesses at once (one of them right, the log-in typed as user name
/// or e-mail alike) get no more wrong-password checks than the throttle
/// allows: each attempt is reserved before bcrypt runs.
async fn parallel_guesses_get_no_more_checks_than_the_limit(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let mut clients = Vec::new();
    for _ in 0..40 {
        let client = app.client();
        client.csrf().await;
        clients.push(client);
    }
    let guesses = clients.iter().enumerate().map(|(i, client)| {
        let login = if i % 2 == 0 { "ann" } else { "ANN@example.com" };
        let password = if i == 39 { ann.password.clone() } else { format!("guess-number-{i}") };
        async move { client.post_form("/login", &[("login", login), ("password", &password)]).await.status.as_u16() }
    });
    let answers = futures_util::future::join_all(guesses).await;
    // A right password gives its reservation back, so it may let one more
    // wrong guess be checked after it, never a sixth wrong one.
    let wrong_checked = answers.iter().filter(|s| **s == 422).count();
    assert!(wrong_checked <= 5, "{wrong_checked} wrong guesses of 39 were checked: {answers:?}");
    assert!(answers.iter().filter(|s| **s == 429).count() >= 34, "the rest waits: {answers:?}");
    assert!(answers.iter().all(|s| [303, 422, 429].contains(s)), "{answers:?}");
}

/// The current password asked before a change is a guess like a log-in:
/// the same limit, on the same account.
async fn wrong_current_passwords_are_throttled_like_log_ins(app: &TestApp) {
    let ann = app.seeker("ann").await;
    for _ in 0..5 {
        let resp = ann
            .post_form(
                "/account/password",
                &[("current_password", "a-wrong-guess"), ("new_password", "a-new-long-password")],
            )
            .await;
        resp.assert_status(422);
    }
    let resp = ann
        .post_form("/account/password", &[("current_password", &ann.password), ("new_password", "a-new-long-password")])
        .await;
    resp.assert_status(429);
    assert!(resp.text().contains("Too many wrong passwords"));
    let client = app.client();
    client.post_form("/login", &[("login", "ann@example.com"), ("password", &ann.password)]).await.assert_status(429);
    let hash = app.db.run(move |c| jobconnect::db::users::find(c, ann.id)).await.unwrap().password_hash;
    assert!(bcrypt::verify(&ann.password, &hash).unwrap(), "the password is unchanged");
}

async fn log_in_is_throttled_per_address(app: &TestApp) {
    let client = app.client();
    for i in 0..20 {
        let login = format!("user{i}");
        client.post_form("/login", &[("login", &login), ("password", "wrong-password")]).await.assert_status(422);
    }
    client.post_form("/login", &[("login", "someone-else"), ("password", "wrong-password")]).await.assert_status(429);
}

async fn deactivated_user_is_refused_with_a_clear_message(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let id = ann.id;
    app.db
        .run(move |c| {
            use diesel::prelude::*;
            use jobconnect::db::schema::users;
            diesel::update(users::table.find(id)).set(users::is_active.eq(false)).execute(c)
        })
        .await
        .unwrap();
    assert!(!ann.get("/").await.text().contains("Log out"), "an open session ends");
    let resp = app.client().post_form("/login", &[("login", "ann"), ("password", &ann.password)]).await;
    resp.assert_status(403);
    assert!(resp.text().contains("deactivated"));
}

both_backends!(
    an_ended_sessions_log_in_form_works_first_time,
    log_in_by_username_and_by_email,
    wrong_password_is_refused,
    login_returns_to_the_page_asked_for,
    logout_ends_every_session,
    password_change_ends_other_sessions,
    post_without_csrf_token_is_403_and_changes_nothing,
    log_in_is_throttled_per_account,
    parallel_guesses_get_no_more_checks_than_the_limit,
    wrong_current_passwords_are_throttled_like_log_ins,
    log_in_is_throttled_per_address,
    deactivated_user_is_refused_with_a_clear_message,
);
