//! realtime: the WebSocket, notifications and messaging, on both backends;
//! two instances on one PostgreSQL database at the end.

#[path = "realtime_support.rs"]
mod support;

use std::time::Duration;

use serde_json::json;
use support::{LiveSocket, open_ws, session_cookie};

use crate::both_backends;
use crate::helpers::{TestApp, wait_for};

both_backends!(
    anonymous_socket_is_refused,
    socket_from_another_site_is_refused,
    the_right_user_gets_the_event_and_no_one_else,
    a_message_reaches_the_other_side_and_no_stranger,
    reconnecting_replays_what_was_missed_exactly_once,
    a_page_without_cursors_starts_from_now,
    thread_acl_hides_other_peoples_threads,
    manual_applicant_has_no_thread,
    offline_recipient_gets_an_email_online_one_does_not,
    seeker_message_notifies_every_employer_of_the_company,
    empty_or_forged_message_is_refused_and_nothing_stored,
    a_thread_is_read_when_marked_or_answered_not_when_opened,
    a_notification_is_read_when_followed_not_when_its_page_opens,
    seen_frame_from_an_open_thread_marks_it_read,
    a_viewers_seen_frame_marks_nothing_read,
    notifications_page_lists_unread_first_and_marks_read,
    mark_all_read_clears_the_bell_on_every_open_page,
    stage_notification_carries_its_label,
    dead_socket_is_closed_and_forgotten,
    a_client_that_reads_nothing_is_closed_not_buffered,
    logging_out_everywhere_ends_open_sockets,
    deactivation_by_an_admin_ends_open_sockets,
    every_change_of_scope_ends_the_users_open_sockets,
    shutdown_closes_sockets_with_going_away,
);

crate::both_backends!(backend: one_user_holds_at_most_the_cap_of_open_sockets, a_session_ends_on_the_server_when_its_time_is_up);

async fn anonymous_socket_is_refused(app: &TestApp) {
    assert_eq!(open_ws(app, None, Some(&app.address), "").await.err(), Some(401));
    // A cookie that is not a session is no better.
    assert_eq!(open_ws(app, Some("jobconnect_session=forged"), Some(&app.address), "").await.err(), Some(401));
    assert_eq!(app.hub.local_socket_total(), 0);
}

async fn socket_from_another_site_is_refused(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let cookie = session_cookie(app, &ann).await;
    for origin in [Some("http://evil.example"), Some("null"), None] {
        assert_eq!(open_ws(app, Some(&cookie), origin, "").await.err(), Some(403), "origin {origin:?}");
    }
    let other_port = format!("http://127.0.0.1:{}", app.port + 1);
    assert_eq!(open_ws(app, Some(&cookie), Some(&other_port), "").await.err(), Some(403));
    // The same cookie from the site's own page is fine.
    let (socket, _) = LiveSocket::connect(app, &cookie, None).await;
    drop(socket);
}

async fn the_right_user_gets_the_event_and_no_one_else(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let bob = app.seeker("bob").await;
    let (mut ann_ws, _) = LiveSocket::connect(app, &session_cookie(app, &ann).await, None).await;
    let (mut bob_ws, _) = LiveSocket::connect(app, &session_cookie(app, &bob).await, None).await;

    let id = app.notify(ann.id, "stage", "Your application moved on", json!(null)).await;
    let (frame, _) = ann_ws.next_of("notification").await;
    assert_eq!(frame["id"], id);
    assert_eq!(frame["title"], "Your application moved on");
    assert_eq!(frame["kind"], "stage");
    ann_ws.counts(1, 0).await;

    // Bob's socket saw nothing of it: the next thing it gets is his own.
    let marker = app.notify(bob.id, "stage", "For Bob", json!(null)).await;
    let (frame, skipped) = bob_ws.next_of("notification").await;
    assert_eq!(frame["id"], marker, "Bob receives only his own notification");
    assert!(skipped.iter().all(|f| f["type"] == "counts"), "nothing else reached Bob: {skipped:?}");
}

async fn a_message_reaches_the_other_side_and_no_stranger(app: &TestApp) {
    let emp = app.employer("erin", "Acme").await;
    let ann = app.seeker("ann").await;
    let carl = app.seeker("carl").await;
    let applicant = app.application(&ann, &emp, "Rust Developer").await;
    let (mut ann_ws, _) = LiveSocket::connect(app, &session_cookie(app, &ann).await, None).await;
    let (mut emp_ws, _) = LiveSocket::connect(app, &session_cookie(app, &emp).await, None).await;
    let (mut carl_ws, _) = LiveSocket::connect(app, &session_cookie(app, &carl).await, None).await;

    let resp =
        emp.post_form(&format!("/applicants/{applicant}/messages"), &[("body", "Hello Ann, free on Monday?")]).await;
    resp.assert_status(303);
    assert_eq!(resp.location(), format!("/applicants/{applicant}/messages#reply"));

    // The seeker: a notification (kind message) and the message itself.
    let (note, _) = ann_ws.next_of("notification").await;
    assert_eq!(note["kind"], "message");
    assert_eq!(note["title"], "New message from Acme");
    assert_eq!(note["link"], format!("/applications/{applicant}/messages"));
    assert_eq!(note["data"]["applicant_id"], applicant);
    let (msg, _) = ann_ws.next_of("message").await;
    assert_eq!(msg["thread"], applicant);
    assert_eq!(msg["body"], "Hello Ann, free on Monday?");
    assert_eq!(msg["sender"], "erin");
    assert_eq!(msg["ours"], false);
    ann_ws.counts(1, 1).await;

    // The sender's own page gets the message (for an open thread), no notification.
    let (mine, skipped) = emp_ws.next_of("message").await;
    assert_eq!(mine["id"], msg["id"]);
    assert_eq!(mine["ours"], true);
    assert!(skipped.iter().all(|f| f["type"] != "notification"));

    // The applicant's timeline has the message.
    let events: i64 = app
        .db
        .run(move |c| {
            use diesel::prelude::*;
            use jobconnect::db::schema::applicant_events as e;
            e::table.filter(e::applicant_id.eq(applicant)).filter(e::kind.eq("message")).count().get_result(c)
        })
        .await
        .unwrap();
    assert_eq!(events, 1);

    // A stranger's socket got nothing.
    let marker = app.notify(carl.id, "stage", "For Carl", json!(null)).await;
    let (frame, skipped) = carl_ws.next_of("notification").await;
    assert_eq!(frame["id"], marker);
    assert!(skipped.iter().all(|f| f["type"] == "counts"), "{skipped:?}");
}

async fn reconnecting_replays_what_was_missed_exactly_once(app: &TestApp) {
    let emp = app.employer("erin", "Acme").await;
    let ann = app.seeker("ann").await;
    let applicant = app.application(&ann, &emp, "Designer").await;
    let cookie = session_cookie(app, &ann).await;
    let (mut ws, _) = LiveSocket::connect(app, &cookie, None).await;
    let first = app.notify(ann.id, "stage", "Seen live", json!(null)).await;
    assert_eq!(ws.next_of("notification").await.0["id"], first);
    let (seen_n, seen_m) = (ws.notification, ws.message);
    ws.stream.close(None).await.unwrap();
    wait_for("the socket to leave the hub", || async { (app.hub.local_sockets(ann.id) == 0).then_some(()) }).await;

    // While the page is away: two notifications and a message.
    let missed_a = app.notify(ann.id, "stage", "Missed A", json!(null)).await;
    let missed_b = app.notify(ann.id, "stage", "Missed B", json!(null)).await;
    emp.post_form(&format!("/applicants/{applicant}/messages"), &[("body", "While you were away")])
        .await
        .assert_status(303);

    let (mut ws, replayed) = LiveSocket::connect(app, &cookie, Some((seen_n, seen_m))).await;
    let notes: Vec<&str> =
        replayed.iter().filter(|f| f["type"] == "notification").map(|f| f["title"].as_str().unwrap()).collect();
    assert_eq!(notes, ["Missed A", "Missed B", "New message from Acme"], "each missed notification once, in order");
    let ids: Vec<i64> =
        replayed.iter().filter(|f| f["type"] == "notification").map(|f| f["id"].as_i64().unwrap()).collect();
    assert!(ids[0] == missed_a && ids[1] == missed_b && !ids.contains(&first));
    let bodies: Vec<&str> =
        replayed.iter().filter(|f| f["type"] == "message").map(|f| f["body"].as_str().unwrap()).collect();
    assert_eq!(bodies, ["While you were away"]);

    // After the replay only what is new arrives: not the replayed ones again.
    let next = app.notify(ann.id, "stage", "After the replay", json!(null)).await;
    let (frame, skipped) = ws.next_of("notification").await;
    assert_eq!(frame["id"], next);
    assert!(skipped.iter().all(|f| f["type"] == "counts"), "{skipped:?}");

    // A third page from the newest ids replays nothing at all.
    let (_, again) = LiveSocket::connect(app, &cookie, Some((ws.notification, ws.message))).await;
    assert!(again.iter().all(|f| f["type"] == "counts"), "nothing replayed twice: {again:?}");
}

async fn a_page_without_cursors_starts_from_now(app: &TestApp) {
    let ann = app.seeker("ann").await;
    app.notify(ann.id, "stage", "Old news", json!(null)).await;
    let cookie = session_cookie(app, &ann).await;
    let (ws, before) = LiveSocket::connect(app, &cookie, None).await;
    assert!(before.iter().all(|f| f["type"] == "counts"), "old news is not replayed: {before:?}");
    assert_eq!(before[0]["notifications"], 1, "but the counts are right");
    assert!(ws.notification > 0);
    // The page renders the same cursors into the bell for live.js.
    let page = ann.get("/notifications").await;
    assert!(page.body.contains(&format!(r#"data-live="bell" data-after="{}""#, ws.notification)), "{}", page.body);
}

async fn thread_acl_hides_other_peoples_threads(app: &TestApp) {
    let emp = app.employer("erin", "Acme").await;
    let other_emp = app.employer("olga", "Other Corp").await;
    let ann = app.seeker("ann").await;
    let bob = app.seeker("bob").await;
    let applicant = app.application(&ann, &emp, "Rust Developer").await;
    let seeker_url = format!("/applications/{applicant}/messages");
    let company_url = format!("/applicants/{applicant}/messages");

    ann.get(&seeker_url).await.assert_status(200);
    emp.get(&company_url).await.assert_status(200);
    let admin = app.admin("root").await;
    admin.get(&company_url).await.assert_status(200);

    for (who, url) in [
        (&bob, &seeker_url),
        (&bob, &company_url),
        (&other_emp, &company_url),
        (&other_emp, &seeker_url),
        (&ann, &company_url),
        (&emp, &seeker_url),
    ] {
        who.get(url).await.assert_status(404);
        who.post_form(url, &[("body", "sneaky")]).await.assert_status(404);
    }
    for url in ["/applications/999999/messages", "/applicants/999999/messages", "/applicants/abc/messages"] {
        emp.get(url).await.assert_status(404);
        ann.get(url).await.assert_status(404);
    }
    assert_eq!(app.count("messages").await, 0, "nothing stored by the refused posts");
    let visitor = app.client().get(&seeker_url).await;
    visitor.assert_status(303);
    assert!(visitor.location().starts_with("/login"));
}

async fn manual_applicant_has_no_thread(app: &TestApp) {
    let emp = app.employer("erin", "Acme").await;
    let company = app.company_of(&emp).await;
    let manual = app.insert_applicant(company, None, "Found Elsewhere", None).await;
    emp.get(&format!("/applicants/{manual}/messages")).await.assert_status(404);
    emp.post_form(&format!("/applicants/{manual}/messages"), &[("body", "hi")]).await.assert_status(404);
    app.admin("root").await.get(&format!("/applicants/{manual}/messages")).await.assert_status(404);
    assert_eq!(app.count("messages").await, 0);
}

async fn outbox_for(app: &TestApp, to: &str) -> Vec<(String, String)> {
    let to = to.to_string();
    app.db
        .run(move |c| {
            use diesel::prelude::*;
            use jobconnect::db::schema::outbox;
            outbox::table
                .filter(outbox::recipient.eq(to))
                .order(outbox::id.asc())
                .select((outbox::subject, outbox::body_text))
                .load::<(String, String)>(c)
        })
        .await
        .unwrap()
}

async fn offline_recipient_gets_an_email_online_one_does_not(app: &TestApp) {
    let emp = app.employer("erin", "Acme").await;
    let ann = app.seeker("ann").await;
    let applicant = app.application(&ann, &emp, "Rust Developer").await;
    let url = format!("/applicants/{applicant}/messages");

    // Ann has no page open: the message is e-mailed too.
    emp.post_form(&url, &[("body", "Are you free on Monday?")]).await.assert_status(303);
    let mails = outbox_for(app, &ann.email).await;
    assert_eq!(mails.len(), 1, "one e-mail for the offline seeker");
    assert_eq!(mails[0].0, "New message from erin (Acme) about Rust Developer", "{:?}", mails[0]);
    assert!(mails[0].1.contains("Are you free on Monday?"));
    assert!(mails[0].1.contains(&format!("{}/applications/{applicant}/messages", app.address)));

    // With a page open she sees it live instead.
    let (mut ws, _) = LiveSocket::connect(app, &session_cookie(app, &ann).await, None).await;
    emp.post_form(&url, &[("body", "Great, see you then.")]).await.assert_status(303);
    assert_eq!(ws.next_of("message").await.0["body"], "Great, see you then.");
    assert_eq!(outbox_for(app, &ann.email).await.len(), 1, "no e-mail while she is online");
    // The employer (the sender) never gets an e-mail about their own message.
    assert!(outbox_for(app, &emp.email).await.is_empty());

    // Once her page is closed, e-mails resume.
    drop(ws);
    wait_for("the presence row to go", || async {
        let online = app.db.run(move |c| jobconnect::db::presence::online_among(c, &[ann.id])).await.unwrap();
        (online.is_empty() && app.hub.local_sockets(ann.id) == 0).then_some(())
    })
    .await;
    emp.post_form(&url, &[("body", "Still there?")]).await.assert_status(303);
    assert_eq!(outbox_for(app, &ann.email).await.len(), 2);
}

async fn seeker_message_notifies_every_employer_of_the_company(app: &TestApp) {
    let erin = app.employer("erin", "Acme").await;
    let ann = app.seeker("ann").await;
    let applicant = app.application(&ann, &erin, "Rust Developer").await;
    // A colleague of Erin's at the same company.
    let company = app.company_of(&erin).await;
    let fred = app.employer("fred", "Fred's Own").await;
    let fred_id = fred.id;
    app.db
        .run(move |c| {
            use diesel::prelude::*;
            use jobconnect::db::schema::users;
            diesel::update(users::table.find(fred_id)).set(users::company_id.eq(Some(company))).execute(c)
        })
        .await
        .unwrap();
    let (mut erin_ws, _) = LiveSocket::connect(app, &session_cookie(app, &erin).await, None).await;

    ann.post_form(&format!("/applications/{applicant}/messages"), &[("body", "Any news?")]).await.assert_status(303);
    let (note, _) = erin_ws.next_of("notification").await;
    assert_eq!(note["title"], "New message from ann");
    assert_eq!(note["link"], format!("/applicants/{applicant}/messages"));
    assert_eq!(erin_ws.next_of("message").await.0["from_seeker"], true);
    erin_ws.counts(1, 1).await;

    // Fred was not online: notified and e-mailed; Erin was online: notified only.
    let fred_notes = app.db.run(move |c| jobconnect::db::notifications::unread_count(c, fred_id)).await.unwrap();
    assert_eq!(fred_notes, 1);
    assert_eq!(outbox_for(app, &fred.email).await.len(), 1);
    assert!(outbox_for(app, &erin.email).await.is_empty());
    assert!(outbox_for(app, &ann.email).await.is_empty(), "no e-mail to the sender");
    // The company side's inbox count, on a page.
    let page = fred.get("/messages").await;
    assert_eq!(page.select(r#"[data-live-count="messages"]"#), ["1"]);
}

async fn empty_or_forged_message_is_refused_and_nothing_stored(app: &TestApp) {
    let emp = app.employer("erin", "Acme").await;
    let ann = app.seeker("ann").await;
    let applicant = app.application(&ann, &emp, "Rust Developer").await;
    let url = format!("/applications/{applicant}/messages");
    let resp = ann.post_form(&url, &[("body", "   \n ")]).await;
    resp.assert_status(422);
    assert!(resp.text().contains("Write a message first."));
    assert!(resp.body.contains(r#"aria-invalid="true""#));
    let long = "x".repeat(5001);
    let resp = ann.post_form(&url, &[("body", &long)]).await;
    resp.assert_status(422);
    assert!(resp.body.contains(&long), "the text is kept for the user to shorten");
    ann.post_raw(&url, &[("body", "no token")]).await.assert_status(403);
    ann.post_raw(&url, &[("body", "bad token"), ("csrf_token", "nope")]).await.assert_status(403);
    assert_eq!(app.count("messages").await, 0);
    assert_eq!(app.count("notifications").await, 0);
    assert_eq!(app.count("outbox").await, 0);
}

/// Opening a thread (a GET) marks nothing read: the "Mark as read" button
/// does, and so does replying (live.js marks an open thread read over the
/// socket: `seen_frame_from_an_open_thread_marks_it_read`).
async fn a_thread_is_read_when_marked_or_answered_not_when_opened(app: &TestApp) {
    let emp = app.employer("erin", "Acme").await;
    let ann = app.seeker("ann").await;
    let applicant = app.application(&ann, &emp, "Rust Developer").await;
    emp.post_form(&format!("/applicants/{applicant}/messages"), &[("body", "First <b>line</b>\nSecond line")])
        .await
        .assert_status(303);

    let inbox = ann.get("/messages").await;
    inbox.assert_status(200);
    assert_eq!(inbox.select(r#"[data-live-count="messages"]"#), ["1"]);
    assert_eq!(inbox.select(r#"[data-live-count="notifications"]"#), ["1"]);
    assert_eq!(inbox.select(".inbox-item.is-unread .inbox-title strong"), ["Acme"]);
    assert!(inbox.text().contains("1 new"));

    let thread_path = format!("/applications/{applicant}/messages");
    let thread = ann.get(&thread_path).await;
    thread.assert_status(200);
    assert!(thread.body.contains(&format!(r#"data-thread="{applicant}""#)));
    assert!(!thread.body.contains("<b>line</b>"), "user text is escaped");
    assert_eq!(thread.select(".message-body"), ["First <b>line</b> Second line"]);
    assert_eq!(thread.select(".message-theirs .message-sender"), ["erin"]);
    assert_eq!(thread.select(r#"[data-live-count="messages"]"#), ["1"], "opening changed nothing");
    assert!(thread.body.contains(&format!(r#"action="{thread_path}/read""#)), "a button marks it read");
    assert_eq!(ann.get("/messages").await.select(".inbox-item.is-unread").len(), 1);

    let marked = ann.post_form(&format!("{thread_path}/read"), &[]).await;
    marked.assert_status(303);
    assert_eq!(marked.location(), thread_path);
    let thread = ann.get(&thread_path).await;
    assert!(thread.body.contains(r#"data-live-count="messages" hidden"#));
    assert!(
        thread.body.contains(r#"data-live-count="notifications" hidden"#),
        "the message notification is settled too"
    );
    assert!(!thread.body.contains(&format!(r#"action="{thread_path}/read""#)), "nothing left to mark");
    let inbox = ann.get("/messages").await;
    assert!(inbox.select(".inbox-item.is-unread").is_empty());
    assert!(inbox.text().contains("First <b>line</b> Second line"));

    // The employer's side: Ann's reply is unread there, opened or not,
    // until the employer answers it.
    ann.post_form(&thread_path, &[("body", "Thanks!")]).await.assert_status(303);
    let their = emp.get("/messages").await;
    assert_eq!(their.select(".inbox-item.is-unread .inbox-title strong"), ["ann"]);
    assert!(their.text().contains("Thanks!"));
    let page = emp.get(&format!("/applicants/{applicant}/messages")).await;
    assert_eq!(page.select(".message-ours .message-body"), ["First <b>line</b> Second line"]);
    assert_eq!(page.select(".message-theirs .message-body"), ["Thanks!"]);
    assert_eq!(emp.get("/messages").await.select(".inbox-item.is-unread").len(), 1);
    emp.post_form(&format!("/applicants/{applicant}/messages"), &[("body", "You are welcome.")])
        .await
        .assert_status(303);
    assert!(emp.get("/messages").await.select(".inbox-item.is-unread").is_empty(), "replying marks it read");
    // Nobody else can mark Ann's thread: it is not theirs to see.
    let cid = app.seeker("cid").await;
    cid.post_form(&format!("{thread_path}/read"), &[]).await.assert_status(404);
}

/// Opening the page a notification leads to marks nothing: following the
/// notification (a POST from the list, the bell or a toast) does.
async fn a_notification_is_read_when_followed_not_when_its_page_opens(app: &TestApp) {
    let erin = app.employer("erin", "Acme").await;
    let ann = app.seeker("ann").await;
    let job = app.open_job(app.company_of(&erin).await, "Rust Developer").await;
    let (mut ws, _) = LiveSocket::connect(app, &session_cookie(app, &erin).await, None).await;
    let applicant = app.apply_through_data_layer(&ann, job).await;
    ws.counts(1, 0).await;

    let page = erin.get(&format!("/applicants/{applicant}")).await;
    page.assert_status(200);
    assert_eq!(page.select(r#"[data-live-count="notifications"]"#), ["1"], "still unread after the GET");
    let list = erin.get("/notifications").await;
    let action = list
        .body
        .split("action=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_string())
        .find(|a| a.starts_with("/notifications/") && a.ends_with("/read"))
        .expect("the notification is a form that posts");

    // Someone else cannot follow (or learn of) erin's notification.
    ann.post_form(&action, &[("next", "/")]).await.assert_status(404);
    let followed = erin.post_form(&action, &[("next", &format!("/applicants/{applicant}"))]).await;
    followed.assert_status(303);
    assert_eq!(followed.location(), format!("/applicants/{applicant}"));
    ws.counts(0, 0).await;
}

async fn seen_frame_from_an_open_thread_marks_it_read(app: &TestApp) {
    let emp = app.employer("erin", "Acme").await;
    let ann = app.seeker("ann").await;
    let bob = app.seeker("bob").await;
    let applicant = app.application(&ann, &emp, "Rust Developer").await;
    let (mut ws, _) = LiveSocket::connect(app, &session_cookie(app, &ann).await, None).await;
    emp.post_form(&format!("/applicants/{applicant}/messages"), &[("body", "Hi")]).await.assert_status(303);
    ws.counts(1, 1).await;
    // Another seeker cannot mark Ann's thread read.
    let (mut bob_ws, _) = LiveSocket::connect(app, &session_cookie(app, &bob).await, None).await;
    bob_ws.send_json(json!({"type": "seen", "thread": applicant})).await;
    ws.send_json(json!({"type": "seen", "thread": applicant})).await;
    ws.counts(0, 0).await;
    let unread = app
        .db
        .run(move |c| jobconnect::db::messages::unread_count(c, jobconnect::db::messages::Scope::Seeker(ann.id)))
        .await
        .unwrap();
    assert_eq!(unread, 0);
    // Nonsense frames are ignored and the socket stays useful.
    ws.send_json(json!({"type": "whatever"})).await;
    ws.stream.send(tokio_tungstenite::tungstenite::Message::text("not json")).await.unwrap();
    let id = app.notify(ann.id, "stage", "Still alive", json!(null)).await;
    assert_eq!(ws.next_of("notification").await.0["id"], id);
}

/// The socket obeys the page's permissions: a viewer of the company's team
/// may not mark its threads read (`POST …/messages/read` is a 404 for them),
/// so their `seen` frame changes nothing; a recruiter's does.
async fn a_viewers_seen_frame_marks_nothing_read(app: &TestApp) {
    let emp = app.employer("erin", "Acme").await;
    let ann = app.seeker("ann").await;
    let applicant = app.application(&ann, &emp, "Rust Developer").await;
    let company = app.company_of(&emp).await;
    let vic = app.team_member("vic", company, "viewer").await;
    let rita = app.team_member("rita", company, "recruiter").await;
    ann.post_form(&format!("/applications/{applicant}/messages"), &[("body", "Hello")]).await.assert_status(303);
    let unread = || async move {
        app.db
            .run(move |c| jobconnect::db::messages::unread_count(c, jobconnect::db::messages::Scope::Company(company)))
            .await
            .unwrap()
    };
    assert_eq!(unread().await, 1);
    vic.post_form(&format!("/applicants/{applicant}/messages/read"), &[]).await.assert_status(404);

    let (mut ws, _) = LiveSocket::connect(app, &session_cookie(app, &vic).await, None).await;
    ws.send_json(json!({"type": "seen", "thread": applicant})).await;
    ws.round_trip().await;
    assert_eq!(unread().await, 1, "a viewer's seen frame marks nothing read");

    let (mut ws, _) = LiveSocket::connect(app, &session_cookie(app, &rita).await, None).await;
    ws.send_json(json!({"type": "seen", "thread": applicant})).await;
    ws.round_trip().await;
    assert_eq!(unread().await, 0, "a recruiter's does");
}

use futures_util::SinkExt;

async fn notifications_page_lists_unread_first_and_marks_read(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let bob = app.seeker("bob").await;
    let old = app.notify(ann.id, "stage", "Older one", json!(null)).await;
    let newer = app.notify(ann.id, "application", "Newer one", json!(null)).await;
    let bobs = app.notify(bob.id, "stage", "Bob's", json!(null)).await;
    ann.post_form(&format!("/notifications/{newer}/read"), &[]).await.assert_status(303);

    let page = ann.get("/notifications").await;
    page.assert_status(200);
    assert_eq!(page.select(".notification-title"), ["Unread: Older one", "Newer one"], "unread first");
    assert_eq!(page.select(".notification.is-unread .notification-title"), ["Unread: Older one"]);
    assert_eq!(page.select(r#"[data-live-count="notifications"]"#), ["1"]);
    assert!(!page.text().contains("Bob's"));

    // Opening one marks it read and follows its link; only a local link is followed.
    let resp = ann.post_form(&format!("/notifications/{old}/read"), &[("next", "/notifications?from=bell")]).await;
    resp.assert_status(303);
    assert_eq!(resp.location(), "/notifications?from=bell");
    let resp = ann.post_form(&format!("/notifications/{old}/read"), &[("next", "https://evil.example/")]).await;
    assert_eq!(resp.location(), "/notifications");
    assert_eq!(ann.get("/").await.select(r#"[data-live-count="notifications"]"#), ["0"]);

    // Someone else's notification: 404, unchanged.
    ann.post_form(&format!("/notifications/{bobs}/read"), &[]).await.assert_status(404);
    ann.post_form("/notifications/nope/read", &[]).await.assert_status(404);
    ann.post_raw(&format!("/notifications/{old}/read"), &[]).await.assert_status(403);
    assert_eq!(bob.get("/").await.select(r#"[data-live-count="notifications"]"#), ["1"]);
    // Visitors are sent to log in.
    assert_eq!(app.client().get("/notifications").await.status, 303);
}

async fn mark_all_read_clears_the_bell_on_every_open_page(app: &TestApp) {
    let ann = app.seeker("ann").await;
    for i in 0..3 {
        app.notify(ann.id, "stage", &format!("News {i}"), json!(null)).await;
    }
    let (mut ws, before) = LiveSocket::connect(app, &session_cookie(app, &ann).await, None).await;
    assert_eq!(before, [json!({"type": "counts", "notifications": 3, "messages": 0})]);
    let resp = ann.post_form("/notifications/read-all", &[]).await;
    resp.assert_status(303);
    ws.counts(0, 0).await;
    let page = ann.get("/notifications").await;
    assert!(page.text().contains("All notifications are marked as read."));
    assert!(page.text().contains("You are all caught up."));
    assert!(page.select(".notification.is-unread").is_empty());
    assert_eq!(page.select(".notification").len(), 3);
}

async fn stage_notification_carries_its_label(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let (mut ws, _) = LiveSocket::connect(app, &session_cookie(app, &ann).await, None).await;
    app.notify(
        ann.id,
        "stage",
        "Moved to Interview",
        json!({"applicant_id": 42, "stage": "interview", "label": "Interview"}),
    )
    .await;
    let (frame, _) = ws.next_of("notification").await;
    assert_eq!(frame["data"], json!({"applicant_id": 42, "stage": "interview", "label": "Interview"}));
}

async fn dead_socket_is_closed_and_forgotten(app: &TestApp) {
    let ann = app.seeker("ann").await;
    app.hub.set_heartbeat(Duration::from_millis(100), Duration::from_millis(1000));
    let cookie = session_cookie(app, &ann).await;
    // A client that never reads never answers pings.
    let silent = open_ws(app, Some(&cookie), Some(&app.address), "").await.unwrap();
    wait_for("the socket to register", || async { (app.hub.local_sockets(ann.id) == 1).then_some(()) }).await;
    wait_for("the dead socket to be dropped", || async { (app.hub.local_sockets(ann.id) == 0).then_some(()) }).await;
    drop(silent);
    // A live client answers the pings and stays.
    let (mut ws, _) = LiveSocket::connect(app, &cookie, None).await;
    let id = app.notify(ann.id, "stage", "ping survivors", json!(null)).await;
    // Reading keeps answering pings for longer than the dead-after time.
    let deadline = tokio::time::Instant::now() + Duration::from_millis(1600);
    assert_eq!(ws.next_of("notification").await.0["id"], id);
    while tokio::time::Instant::now() < deadline {
        let _ = tokio::time::timeout_at(deadline, futures_util::StreamExt::next(&mut ws.stream)).await;
    }
    assert_eq!(app.hub.local_sockets(ann.id), 1, "an answering socket is kept");
}

async fn a_client_that_reads_nothing_is_closed_not_buffered(app: &TestApp) {
    let ann = app.seeker("ann").await;
    app.hub.set_send_timeout(Duration::from_millis(300));
    // A backlog (12 MB) far larger than the socket's queue and the network buffers.
    let id = ann.id;
    app.db
        .run(move |c| {
            let body = "x".repeat(40_000);
            jobconnect::db::transaction(c, |c| {
                for i in 0..300 {
                    jobconnect::db::notifications::create(
                        c,
                        &jobconnect::db::notifications::NewNotification {
                            user_id: id,
                            kind: jobconnect::domain::NotificationKind::Stage,
                            title: &format!("Backlog {i}"),
                            body: &body,
                            link: "/notifications",
                            data: String::new(),
                        },
                    )?;
                }
                Ok::<_, diesel::result::Error>(())
            })
        })
        .await
        .unwrap();
    let cookie = session_cookie(app, &ann).await;
    // Asks for everything and then reads nothing.
    let silent = open_ws(app, Some(&cookie), Some(&app.address), "?notification=0&message=0").await.unwrap();
    wait_for("the socket to register", || async { (app.hub.local_sockets(ann.id) == 1).then_some(()) }).await;
    wait_for("the slow socket to be closed", || async { (app.hub.local_sockets(ann.id) == 0).then_some(()) }).await;
    drop(silent);
    // A reader that keeps up gets the whole backlog, in order.
    let (_, replayed) = LiveSocket::connect(app, &cookie, Some((0, 0))).await;
    let titles: Vec<&str> =
        replayed.iter().filter(|f| f["type"] == "notification").map(|f| f["title"].as_str().unwrap()).collect();
    assert_eq!(titles.len(), 300);
    assert_eq!((titles[0], titles[299]), ("Backlog 0", "Backlog 299"));
}

async fn logging_out_everywhere_ends_open_sockets(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let (mut ws, _) = LiveSocket::connect(app, &session_cookie(app, &ann).await, None).await;
    // Logging out (on another page) ends every session of Ann's, this
    // socket's too, without waiting for news to arrive for it.
    ann.post_form("/logout", &[]).await.assert_status(303);
    assert_eq!(ws.closed().await, (Some(1008), vec![]), "closed, nothing sent");
    wait_for("the hub to forget it", || async { (app.hub.local_sockets(ann.id) == 0).then_some(()) }).await;
}

async fn deactivation_by_an_admin_ends_open_sockets(app: &TestApp) {
    let root = app.admin("root").await;
    let ann = app.seeker("ann").await;
    let (mut ws, _) = LiveSocket::connect(app, &session_cookie(app, &ann).await, None).await;
    root.post_form(&format!("/admin/users/{}/deactivate", ann.id), &[]).await.assert_status(303);
    assert_eq!(ws.closed().await.0, Some(1008), "her open page loses its socket at once");
    wait_for("the hub to forget it", || async { (app.hub.local_sockets(ann.id) == 0).then_some(()) }).await;
}

/// A socket keeps the scope of the session it was opened with, so every
/// change of scope ends it: a new role, a new company, a new password.
async fn every_change_of_scope_ends_the_users_open_sockets(app: &TestApp) {
    let root = app.admin("root").await;
    let erin = app.employer("erin", "Acme").await;
    let other = app.company_of(&app.employer("olga", "Other Co").await).await;
    let role = format!("/admin/users/{}/role", erin.id);
    let changes: [(&str, Vec<(&str, String)>); 3] = [
        ("another company", vec![("role", "employer".into()), ("company_id", other.to_string())]),
        ("a new role", vec![("role", "seeker".into())]),
        ("an employer again", vec![("role", "employer".into()), ("company_id", other.to_string())]),
    ];
    for (what, fields) in changes {
        let (mut ws, _) = LiveSocket::connect(app, &session_cookie(app, &erin).await, None).await;
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        root.post_form(&role, &fields).await.assert_status(303);
        assert_eq!(ws.closed().await.0, Some(1008), "{what} ends the socket of the old scope");
    }
    assert!(!erin.get("/").await.text().contains("Log out"), "and the sessions of the old scope");

    let (mut ws, _) = LiveSocket::connect(app, &session_cookie(app, &erin).await, None).await;
    let laptop = app.client();
    laptop.post_form("/login", &[("login", "erin"), ("password", &erin.password)]).await.assert_status(303);
    laptop
        .post_form(
            "/account/password",
            &[("current_password", &erin.password), ("new_password", "a-new-long-password")],
        )
        .await
        .assert_status(303);
    assert_eq!(ws.closed().await.0, Some(1008), "a new password ends the other devices' sockets");
    wait_for("the hub to forget them", || async { (app.hub.local_sockets(erin.id) == 0).then_some(()) }).await;
}

/// One user cannot fill the server with sockets: past the cap the upgrade
/// is refused (429) until one of theirs closes; others are not affected.
async fn one_user_holds_at_most_the_cap_of_open_sockets(backend: crate::helpers::Backend) {
    let app = crate::smtp::spawn_app(backend, |s| s.limits.sockets_per_user = 3).await;
    let ann = app.seeker("ann").await;
    let cookie = session_cookie(&app, &ann).await;
    let mut open = Vec::new();
    for _ in 0..3 {
        open.push(LiveSocket::connect(&app, &cookie, None).await.0);
    }
    assert_eq!(open_ws(&app, Some(&cookie), Some(&app.address), "").await.err(), Some(429));
    assert_eq!(app.hub.local_sockets(ann.id), 3);
    let bob = app.seeker("bob").await;
    LiveSocket::connect(&app, &session_cookie(&app, &bob).await, None).await;

    drop(open.pop());
    wait_for("a slot to free up", || async { (app.hub.local_sockets(ann.id) < 3).then_some(()) }).await;
    LiveSocket::connect(&app, &cookie, None).await;
    app.stop().await;
}

/// A log-in lasts `SESSION_HOURS` on the server, whatever the browser does
/// with the cookie: a replayed cookie is refused after that, and an open
/// socket of that session closes.
async fn a_session_ends_on_the_server_when_its_time_is_up(backend: crate::helpers::Backend) {
    // Long enough for a log-in, a page and a socket on a busy machine.
    let app = crate::smtp::spawn_app(backend, |s| s.limits.session_ttl = Duration::from_secs(10)).await;
    app.hub.set_heartbeat(Duration::from_millis(200), Duration::from_secs(60));
    let ann = app.seeker("ann").await;
    let cookie = session_cookie(&app, &ann).await;
    let replay = || async {
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let resp = http.get(app.url("/account/password")).header("cookie", &cookie).send().await.unwrap();
        crate::helpers::TestClient::read(resp).await
    };
    replay().await.assert_status(200);
    let (mut ws, _) = LiveSocket::connect(&app, &cookie, None).await;
    assert_eq!(ws.closed().await.0, Some(1008), "the socket ends with its session");
    let expired = replay().await;
    expired.assert_status(303);
    assert!(expired.location().starts_with("/login"), "the same cookie no longer logs anyone in");
    assert_eq!(open_ws(&app, Some(&cookie), Some(&app.address), "").await.err(), Some(401));
    app.stop().await;
}

async fn shutdown_closes_sockets_with_going_away(app: &TestApp) {
    let ann = app.seeker("ann").await;
    let (mut ws, _) = LiveSocket::connect(app, &session_cookie(app, &ann).await, None).await;
    app.hub.shutdown();
    assert_eq!(ws.closed().await, (Some(1001), vec![]));
    wait_for("the hub to empty", || async { (app.hub.local_socket_total() == 0).then_some(()) }).await;
}

// ---- Two instances on one PostgreSQL database ---------------------------

/// Runs a scenario on two instances of one PostgreSQL database (not run
/// without TEST_POSTGRES_URL; mandatory in CI).
async fn two_instances<F, Fut>(scenario: F)
where
    F: FnOnce(TestApp, TestApp) -> Fut,
    Fut: std::future::Future<Output = (TestApp, TestApp)>,
{
    let Some(a) = TestApp::spawn_postgres().await else { return };
    let b = a.second_instance().await;
    let (a, b) = scenario(a, b).await;
    b.stop().await;
    a.stop().await;
}

async fn listener_of(app: &TestApp) -> Option<i32> {
    let name = jobconnect::realtime::bridge::application_name(app.hub.instance_id());
    app.db
        .run(move |c| {
            use diesel::prelude::*;
            #[derive(QueryableByName)]
            struct Pid {
                #[diesel(sql_type = diesel::sql_types::Integer)]
                pid: i32,
            }
            diesel::sql_query(
                "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()",
            )
            .bind::<diesel::sql_types::Text, _>(name)
            .load::<Pid>(c)
            .map(|rows| rows.first().map(|r| r.pid))
        })
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_action_on_one_instance_reaches_a_socket_on_another() {
    two_instances(|a, b| async move {
        let emp = a.employer("erin", "Acme").await;
        let ann = a.seeker("ann").await;
        let applicant = a.application(&ann, &emp, "Rust Developer").await;
        wait_for("B to listen", || async { listener_of(&b).await }).await;
        // Ann's page is served by B; the session cookie is valid on both.
        let (mut ws, _) = LiveSocket::connect(&b, &session_cookie(&a, &ann).await, None).await;

        // A notification stored and poked on A.
        let id = a.notify(ann.id, "stage", "From instance A", json!(null)).await;
        let (frame, _) = ws.next_of("notification").await;
        assert_eq!(frame["id"], id);

        // A message sent through A's route.
        emp.post_form(&format!("/applicants/{applicant}/messages"), &[("body", "Hello across instances")])
            .await
            .assert_status(303);
        assert_eq!(ws.next_of("message").await.0["body"], "Hello across instances");
        // Ann was online on B: A knew it and sent no e-mail.
        assert!(outbox_for(&a, &ann.email).await.is_empty(), "online on another instance means no e-mail");
        (a, b)
    })
    .await;
}

/// An admin on instance A demotes an employer whose page is open on B: the
/// socket on B closes (the poke crosses instances; B's socket sees the new epoch).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_change_on_one_instance_ends_a_socket_on_another() {
    two_instances(|a, b| async move {
        let root = a.admin("root").await;
        let erin = a.employer("erin", "Acme").await;
        wait_for("B to listen", || async { listener_of(&b).await }).await;
        let (mut ws, _) = LiveSocket::connect(&b, &session_cookie(&a, &erin).await, None).await;
        root.post_form(&format!("/admin/users/{}/role", erin.id), &[("role", "seeker")]).await.assert_status(303);
        assert_eq!(ws.closed().await.0, Some(1008), "the demoted employer's page on B loses its socket");
        (a, b)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_listen_connection_is_re_established_and_pages_catch_up() {
    two_instances(|a, b| async move {
        let ann = a.seeker("ann").await;
        let cookie = session_cookie(&a, &ann).await;
        let first = wait_for("B to listen", || async { listener_of(&b).await }).await;
        let (mut ws, _) = LiveSocket::connect(&b, &cookie, None).await;

        // Cut B's LISTEN connection, and store news at once (its NOTIFY may be lost).
        a.db.run(move |c| diesel::sql_query(format!("SELECT pg_terminate_backend({first})")).execute(c)).await.unwrap();
        let id = a.notify(ann.id, "stage", "While B was deaf", json!(null)).await;
        assert_eq!(ws.next_of("notification").await.0["id"], id, "re-synced after the reconnect");
        let again = wait_for("B to listen again", || async { listener_of(&b).await.filter(|pid| *pid != first) }).await;
        assert_ne!(again, first);
        let id = a.notify(ann.id, "stage", "After the reconnect", json!(null)).await;
        assert_eq!(ws.next_of("notification").await.0["id"], id);
        (a, b)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_instance_delivers_its_own_events_once() {
    two_instances(|a, b| async move {
        let ann = a.seeker("ann").await;
        let cookie = session_cookie(&a, &ann).await;
        wait_for("A to listen", || async { listener_of(&a).await }).await;
        let (mut on_a, _) = LiveSocket::connect(&a, &cookie, None).await;
        let (mut on_b, _) = LiveSocket::connect(&b, &cookie, None).await;
        let first = a.notify(ann.id, "stage", "One", json!(null)).await;
        let second = a.notify(ann.id, "stage", "Two", json!(null)).await;
        for ws in [&mut on_a, &mut on_b] {
            assert_eq!(ws.next_of("notification").await.0["id"], first);
            let (frame, skipped) = ws.next_of("notification").await;
            assert_eq!(frame["id"], second, "no repeat of the first: {skipped:?}");
        }
        (a, b)
    })
    .await;
}

use diesel::RunQueryDsl;
