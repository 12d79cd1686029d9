//! Interviews: the company proposes times in a time zone, the seeker picks
//! one in the app, both get a calendar invite (RFC 5545) by e-mail; proposing
//! other times or cancelling sends its cancellation, each with a higher
//! SEQUENCE, and the company lists what is coming.

use diesel::prelude::*;
use jobconnect::db::schema::{interview_slots, interviews, notifications};

use crate::both_backends;
use crate::helpers::Backend;
use crate::mail::app_with_smtp;

fn calendar_line<'a>(ics: &'a str, name: &str) -> &'a str {
    // The test server's copy has its line ends normalised.
    ics.lines().find(|l| l.starts_with(name)).unwrap_or_else(|| panic!("{name} in\n{ics}"))
}

async fn interviews_are_proposed_picked_and_sent_as_invites(backend: Backend) {
    let (app, smtp) = app_with_smtp(backend).await;
    let bob = app.employer("bob", "Acme").await;
    let eve = app.employer("eve", "Globex").await;
    let acme = app.company_of(&bob).await;
    let job = app.open_job(acme, "Rust Engineer").await;
    let ann = app.seeker("ann").await;
    let id = app.insert_applicant(acme, Some(job), "Ann", Some(ann.id)).await;
    let by_hand = app.insert_applicant(acme, Some(job), "Manual Mo", None).await;
    let year = time::OffsetDateTime::now_utc().year() + 1;
    let (winter, summer) = (format!("{year}-01-14T14:30"), format!("{year}-07-15T09:00"));
    let propose = |slots: Vec<String>, zone: &'static str, location: &'static str, interview: Option<i64>| {
        let mut fields: Vec<(String, String)> = vec![
            ("timezone".into(), zone.into()),
            ("duration".into(), "45".into()),
            ("location".into(), location.into()),
        ];
        fields.extend(slots.into_iter().enumerate().map(|(i, s)| (format!("slot{}", i + 1), s)));
        fields.extend(interview.map(|i| ("interview".to_string(), i.to_string())));
        fields
    };
    let post = |path: String, fields: Vec<(String, String)>| {
        let bob = &bob;
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            bob.post_form(&path, &pairs).await
        }
    };
    let path = format!("/applicants/{id}/interviews");
    let video = "Video call: https://meet.example/abc";

    // Refused, each with its reason and nothing stored.
    for (fields, says) in [
        (propose(vec!["2001-01-01T10:00".into()], "Europe/Berlin", video, None), "has passed"),
        (propose(vec![winter.clone()], "Mars/Olympus", video, None), "time zone"),
        (propose(vec![winter.clone()], "Europe/Berlin", "", None), "Say where"),
        (propose(vec![], "Europe/Berlin", video, None), "at least one time"),
        (propose(vec!["soon".into()], "Europe/Berlin", video, None), "Enter a date and a time"),
    ] {
        let resp = post(path.clone(), fields).await;
        resp.assert_status(422);
        assert!(
            resp.select("#interview-error").iter().any(|e| e.contains(says)),
            "{says}: {:?}",
            resp.select("#interview-error")
        );
    }
    let manual =
        post(format!("/applicants/{by_hand}/interviews"), propose(vec![winter.clone()], "Europe/Berlin", video, None))
            .await;
    manual.assert_status(422);
    let theirs = propose(vec![winter.clone()], "Europe/Berlin", video, None);
    let pairs: Vec<(&str, &str)> = theirs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    eve.post_form(&path, &pairs).await.assert_status(404);
    assert_eq!(app.count("interviews").await, 0);

    // Proposed: the candidate is asked to pick, the times in words.
    post(path.clone(), propose(vec![winter.clone(), summer.clone()], "Europe/Berlin", video, None))
        .await
        .assert_status(303);
    let mails = smtp.wait_for_messages(1).await;
    assert_eq!(mails[0].rcpt_to(), "ann@example.com");
    assert_eq!(mails[0].subject(), "Pick a time for your interview: Rust Engineer at Acme");
    assert!(mails[0].text.contains(&format!("14 January {year}, 14:30 (Europe/Berlin)")), "{}", mails[0].text);
    assert!(mails[0].calendar.is_none());
    let page = ann.get(&format!("/applications/{id}")).await;
    let offered = page.select("#interviews label.choice span");
    assert_eq!(offered.len(), 2, "{offered:?}");
    assert!(offered[1].contains(&format!("15 July {year}, 09:00 (Europe/Berlin)")));
    // Ann reads UTC (no zone of her own): each time also on her clock.
    assert!(offered[1].ends_with("15 July, 07:00 your time"), "{}", offered[1]);
    let (interview, first_slot): (i64, i64) = app
        .db
        .run(move |c| {
            interview_slots::table
                .inner_join(interviews::table)
                .filter(interviews::applicant_id.eq(id))
                .order(interview_slots::starts_at)
                .select((interviews::id, interview_slots::id))
                .first(c)
        })
        .await
        .unwrap();

    // Picked: both get the invite, in UTC, version 1.
    let pick =
        |slot: i64| vec![("interview".to_string(), interview.to_string()), ("slot".to_string(), slot.to_string())];
    let as_pairs = |v: &Vec<(String, String)>| v.iter().map(|(k, x)| (k.clone(), x.clone())).collect::<Vec<_>>();
    let sent = as_pairs(&pick(first_slot));
    let pairs: Vec<(&str, &str)> = sent.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let stranger = app.seeker("stranger").await;
    stranger.post_form(&format!("/applications/{id}/interview"), &pairs).await.assert_status(404);
    ann.post_form(&format!("/applications/{id}/interview"), &pairs).await.assert_status(303);
    let mails = smtp.wait_for_messages(3).await;
    let mut invited: Vec<&str> = mails[1..].iter().map(|m| m.rcpt_to()).collect();
    invited.sort();
    assert_eq!(invited, ["ann@example.com", "bob@example.com"]);
    let ics = mails[1].calendar.clone().expect("a calendar invite");
    assert_eq!(calendar_line(&ics, "METHOD:"), "METHOD:REQUEST");
    assert_eq!(
        calendar_line(&ics, "DTSTART:"),
        format!("DTSTART:{year}0114T133000Z"),
        "14:30 in Berlin in winter is 13:30 UTC"
    );
    assert_eq!(calendar_line(&ics, "DTEND:"), format!("DTEND:{year}0114T141500Z"));
    assert_eq!(calendar_line(&ics, "SEQUENCE:"), "SEQUENCE:1");
    let uid = calendar_line(&ics, "UID:").to_string();
    assert!(uid.starts_with(&format!("UID:interview-{interview}@")));
    assert!(mails[1].subject().starts_with("Interview: Rust Engineer at Acme, "));
    // Picked once only; the interviewer is told and lists it.
    ann.post_form(&format!("/applications/{id}/interview"), &pairs).await.assert_status(422);
    let told: i64 = app
        .db
        .run(move |c| notifications::table.filter(notifications::kind.eq("interview")).count().get_result(c))
        .await
        .unwrap();
    assert_eq!(told, 1);
    let upcoming = bob.get("/employer/interviews").await;
    assert_eq!(upcoming.select("tbody tr td a"), ["Ann"]);
    assert!(eve.get("/employer/interviews").await.select("tbody tr").is_empty());

    // Other times: the calendar event is cancelled (version 2), the candidate picks again (version 3).
    let other = format!("{year}-02-02T10:00");
    post(path.clone(), propose(vec![other], "America/New_York", "Room 4", Some(interview))).await.assert_status(303);
    let mails = smtp.wait_for_messages(6).await;
    let cancels: Vec<_> = mails[3..].iter().filter_map(|m| m.calendar.clone()).collect();
    assert_eq!(cancels.len(), 2, "both calendars lose the old time");
    assert!(cancels.iter().all(|c| calendar_line(c, "METHOD:") == "METHOD:CANCEL"
        && calendar_line(c, "SEQUENCE:") == "SEQUENCE:2"
        && c.contains(&uid)));
    let new_slot: i64 = app
        .db
        .run(move |c| {
            interview_slots::table
                .filter(interview_slots::interview_id.eq(interview))
                .select(interview_slots::id)
                .first(c)
        })
        .await
        .unwrap();
    let sent = as_pairs(&pick(new_slot));
    let pairs: Vec<(&str, &str)> = sent.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    ann.post_form(&format!("/applications/{id}/interview"), &pairs).await.assert_status(303);
    let mails = smtp.wait_for_messages(8).await;
    let ics = mails[6].calendar.clone().expect("the new invite");
    assert_eq!(calendar_line(&ics, "DTSTART:"), format!("DTSTART:{year}0202T150000Z"), "10:00 in New York in winter");
    assert_eq!(calendar_line(&ics, "SEQUENCE:"), "SEQUENCE:3");

    // Cancelled: both calendars drop it; nothing upcoming.
    let cancel = [("interview", interview.to_string())];
    let pairs: Vec<(&str, &str)> = cancel.iter().map(|(k, v)| (*k, v.as_str())).collect();
    bob.post_form(&format!("/applicants/{id}/interviews/cancel"), &pairs).await.assert_status(303);
    let mails = smtp.wait_for_messages(10).await;
    assert!(mails[8..].iter().all(|m| m.calendar.as_deref().is_some_and(|c| calendar_line(c, "SEQUENCE:")
        == "SEQUENCE:4"
        && calendar_line(c, "METHOD:") == "METHOD:CANCEL")));
    assert!(bob.get("/employer/interviews").await.select("tbody tr").is_empty());
    bob.post_form(&format!("/applicants/{id}/interviews/cancel"), &pairs).await.assert_status(422);
    app.stop().await;
}

both_backends!(backend: interviews_are_proposed_picked_and_sent_as_invites);
