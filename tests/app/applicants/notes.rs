//! Notes and the timeline on the applicant page.

use diesel::prelude::*;
use jobconnect::db::schema::outbox;

use super::two_companies;
use crate::helpers::TestApp;

pub(super) async fn notes_show_author_and_time(app: &TestApp) {
    let two = two_companies(app).await;
    let id = two.ours;
    let resp = two
        .bob
        .post_form(&format!("/applicants/{id}/notes"), &[("body", "Great call.\nSecond round next week.")])
        .await;
    resp.assert_status(303);
    assert_eq!(resp.location(), format!("/applicants/{id}#notes"));
    let page = two.bob.get(&format!("/applicants/{id}")).await;
    let notes = page.select(".crm-note");
    assert_eq!(notes.len(), 1);
    assert!(notes[0].contains("bob") && notes[0].contains("just now") && notes[0].contains("Second round next week."));
    assert!(page.body.contains("<time datetime=\""), "with a machine-readable time");
    // Escaped, never markup.
    two.bob
        .post_form(&format!("/applicants/{id}/notes"), &[("body", "<script>alert(1)</script>")])
        .await
        .assert_status(303);
    let page = two.bob.get(&format!("/applicants/{id}")).await;
    assert!(!page.body.contains("<script>alert(1)</script>"));
    assert!(page.select(".crm-note .crm-text").contains(&"<script>alert(1)</script>".to_string()), "shown as text");
}

pub(super) async fn timeline_shows_email_delivery_state(app: &TestApp) {
    let two = two_companies(app).await;
    let id = two.ours;
    app.db
        .run(move |c| {
            let now = jobconnect::db::now();
            let sent: i64 = diesel::insert_into(outbox::table)
                .values((
                    outbox::recipient.eq("ann.lee@example.com"),
                    outbox::subject.eq("Welcome"),
                    outbox::body_text.eq("Hi"),
                    outbox::state.eq("sent"),
                    outbox::next_attempt_at.eq(now),
                    outbox::created_at.eq(now),
                ))
                .returning(outbox::id)
                .get_result(c)?;
            let failed: i64 = diesel::insert_into(outbox::table)
                .values((
                    outbox::recipient.eq("ann.lee@example.com"),
                    outbox::subject.eq("Interview"),
                    outbox::body_text.eq("Hi"),
                    outbox::state.eq("failed"),
                    outbox::last_error.eq(Some("550 mailbox unavailable")),
                    outbox::next_attempt_at.eq(now),
                    outbox::created_at.eq(now),
                ))
                .returning(outbox::id)
                .get_result(c)?;
            jobconnect::db::applicants::record_event(c, id, None, "email", "Subject: Welcome", Some(sent))?;
            jobconnect::db::applicants::record_event(c, id, None, "email", "Subject: Interview", Some(failed))?;
            jobconnect::db::applicants::record_event(c, id, None, "message", "New message from Ann", None)
        })
        .await
        .unwrap();
    let page = two.bob.get(&format!("/applicants/{id}")).await;
    let items = page.select("#timeline li");
    assert_eq!(items.len(), 3, "{items:?}");
    assert!(items[0].starts_with("Message"), "newest first: {items:?}");
    assert!(items[1].contains("E-mail") && items[1].contains("failed") && items[1].contains("550 mailbox unavailable"));
    assert!(items[2].contains("E-mail") && items[2].contains("sent") && !items[2].contains("Last error"));
}
