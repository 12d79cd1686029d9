//! `/admin/outbox`: the e-mails the site sent or failed to, and retrying.

use diesel::prelude::*;
use jobconnect::db::schema::audit_log;

use crate::both_backends;
use crate::helpers::Backend;
use crate::helpers::ReservedPort;
use crate::mail::*;
use crate::smtp::{SmtpServer, spawn_app};

async fn admin_outbox_lists_and_retries_failed_email(backend: Backend) {
    let reserved = ReservedPort::new();
    let port = reserved.port;
    let app = spawn_app(backend, move |s| {
        s.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        s.mail_delivery.max_attempts = 2;
    })
    .await;
    let Hiring { bob, applicant, .. } = hiring(&app).await;
    bob.post_form(&format!("/applicants/{applicant}/email"), &[("subject", "Offer"), ("body", "x"), ("step", "send")])
        .await
        .assert_status(303);
    let id = outbox_rows(&app).await[0].0;
    let (_, _, attempts, error) = wait_for_state(&app, id, "failed").await;
    assert_eq!(attempts, 2);
    assert!(error.unwrap().contains("gave up after 2 attempts"));
    // The employer who wrote it hears of it (not only admins): a
    // notification leading to the applicant, whose timeline shows the error.
    let notes = bob.get("/notifications").await;
    assert!(notes.text().contains("could not be delivered"), "{}", notes.text());
    assert!(
        notes.body.contains(&format!(r#"name="next" value="/applicants/{applicant}""#)),
        "it leads to the applicant"
    );
    let timeline = bob.get(&format!("/applicants/{applicant}")).await;
    assert!(timeline.text().contains("failed") && timeline.text().contains("gave up after 2 attempts"));

    bob.get("/admin/outbox").await.assert_status(404);
    bob.post_form(&format!("/admin/outbox/{id}/retry"), &[]).await.assert_status(404);
    let root = app.admin("root").await;
    let page = root.get("/admin/outbox?state=failed").await;
    page.assert_status(200);
    let rows = page.select("table tbody tr");
    assert_eq!(rows.len(), 1);
    assert!(rows[0].contains("Offer") && rows[0].contains("Failed") && rows[0].contains("gave up"), "{rows:?}");
    assert!(root.get("/admin/outbox?state=sent").await.select("table tbody tr").is_empty());
    root.get(&format!("/admin/outbox/{id}")).await.assert_status(200);

    let smtp = SmtpServer::start_on(reserved).await;
    let retried = root.post_form(&format!("/admin/outbox/{id}/retry"), &[]).await;
    retried.assert_status(303);
    smtp.wait_for_messages(1).await;
    wait_for_state(&app, id, "sent").await;
    assert!(root.get(&format!("/admin/outbox/{id}")).await.text().contains("queued again"));
    let audit = app
        .db
        .run(move |c| {
            audit_log::table
                .filter(audit_log::action.eq("outbox.retry"))
                .select((audit_log::target_id, audit_log::actor_id))
                .load::<(Option<i64>, Option<i64>)>(c)
        })
        .await
        .unwrap();
    assert_eq!(audit, [(Some(id), Some(root.id))]);

    // A sent e-mail is not sent again; an unknown one is a 404.
    root.post_form(&format!("/admin/outbox/{id}/retry"), &[]).await.assert_status(303);
    assert!(root.get(&format!("/admin/outbox/{id}")).await.text().contains("only failed e-mails can be retried"));
    assert_eq!(count_state(&app, "sent").await, 1);
    root.post_form("/admin/outbox/999999/retry", &[]).await.assert_status(404);
    assert_eq!(smtp.messages().len(), 1);
    app.stop().await;
}

both_backends!(backend: admin_outbox_lists_and_retries_failed_email,);
