//! The company's own pipeline steps: named places inside the six stages,
//! offered by every move form, shown as board columns, filtered by, and told
//! to nobody outside the company.

use diesel::prelude::*;
use jobconnect::db::schema::company_steps;
use jobconnect::domain::Stage;

use super::{events, names, notifications_of, two_companies};
use crate::helpers::TestApp;

async fn step_id(app: &TestApp, name: &'static str) -> i64 {
    app.db
        .run(move |c| company_steps::table.filter(company_steps::name.eq(name)).select(company_steps::id).first(c))
        .await
        .unwrap()
}

pub(super) async fn company_steps_name_the_pipeline(app: &TestApp) {
    let two = two_companies(app).await;
    let bob = &two.bob;
    let sam = app.seeker("sam").await;
    let portal = app.insert_applicant(two.acme, Some(two.acme_job), "Sam Seeker", Some(sam.id)).await;
    for (name, category) in [("Phone screen", "screening"), ("Take-home task", "screening"), ("Onsite", "interview")] {
        let resp = bob.post_form("/employer/pipeline", &[("name", name), ("category", category)]).await;
        resp.assert_status(303);
    }
    two.eve.post_form("/employer/pipeline", &[("name", "Their step"), ("category", "offer")]).await.assert_status(303);
    // A name taken (in any case), no name, no stage: 422 with the form, nothing stored.
    for (name, category, says) in [
        ("phone SCREEN", "screening", "has a step of that name already"),
        ("  ", "screening", ""),
        ("Fine name", "party", "Choose the stage"),
    ] {
        let resp = bob.post_form("/employer/pipeline", &[("name", name), ("category", category)]).await;
        resp.assert_status(422);
        assert!(resp.text().contains(says), "{name}: {}", resp.text());
    }
    assert_eq!(app.count("company_steps").await, 4);
    let (phone, take_home, onsite, theirs) = (
        step_id(app, "Phone screen").await,
        step_id(app, "Take-home task").await,
        step_id(app, "Onsite").await,
        step_id(app, "Their step").await,
    );

    // Order inside a stage: the take-home first.
    bob.post_form(&format!("/employer/pipeline/{take_home}/move"), &[("direction", "up")]).await.assert_status(303);
    let page = bob.get("/employer/pipeline").await;
    let order: Vec<String> = page.select(".pipeline-stage-screening .pipeline-step label");
    assert_eq!(order, ["Name of the step Take-home task", "Name of the step Phone screen"]);
    assert!(!page.text().contains("Their step"), "another company's steps are not shown");

    // The applicant page offers the steps instead of their bare stage...
    let show = bob.get(&format!("/applicants/{portal}")).await;
    let options = show.select("select#stage option");
    assert!(options.contains(&"Screening: Phone screen".to_string()), "{options:?}");
    assert!(options.contains(&"Applied".to_string()) && !options.contains(&"Screening".to_string()), "{options:?}");
    // ...but one already at the bare stage sees it, chosen, so "Move" moves nothing by itself.
    let early = app.insert_applicant(two.acme, Some(two.acme_job), "Early Bird", None).await;
    let early_id = early.to_string();
    let screening = [("ids", early_id.as_str()), ("action", "stage"), ("stage", "screening")];
    bob.post_form("/applicants/bulk", &screening).await.assert_status(303);
    let early_page = bob.get(&format!("/applicants/{early}")).await;
    assert_eq!(early_page.select("select#stage option[selected]"), ["Screening"]);
    let board = bob.get(&format!("/applicants/board?job={}", two.acme_job)).await;
    assert_eq!(board.select(&format!("select#move-{early} option[selected]")), ["Screening"]);

    // Moving to a step: the stage is its category, the timeline names the step,
    // the seeker hears of the stage once, not of the steps inside it.
    bob.post_form(
        "/email-templates/new",
        &[("name", "Hi"), ("subject", "Hi"), ("body", "Hi {{name}}"), ("auto_stage", "screening")],
    )
    .await
    .assert_status(303);
    let to = |id: i64| format!("step-{id}");
    let (phone_step, take_home_step) = (to(phone), to(take_home));
    let told = [("stage", phone_step.as_str()), ("tell", "yes")];
    bob.post_form(&format!("/applicants/{portal}/stage"), &told).await.assert_status(303);
    let moved = app.applicant(portal).await.unwrap();
    assert_eq!((moved.stage, moved.step_id), (Stage::Screening, Some(phone)));
    bob.post_form(&format!("/applicants/{portal}/stage"), &[("stage", take_home_step.as_str()), ("tell", "yes")])
        .await
        .assert_status(303);
    let timeline: Vec<String> = events(app, portal).await.into_iter().filter(|e| e.0 == "stage").map(|e| e.1).collect();
    assert_eq!(timeline, ["Applied → Phone screen", "Phone screen → Take-home task"]);
    let told = notifications_of(app, sam.id).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0].2.contains("\"label\":\"Screening\""), "the seeker sees the stage: {}", told[0].2);
    assert_eq!(app.count("outbox").await, 1, "the stage's e-mail greets those who enter it, once");

    // The list: the row says the step; filters by stage and by step.
    let list = bob.get("/applicants?stage=screening").await;
    assert_eq!(names(&list), ["Early Bird", "Sam Seeker"]);
    assert!(list.select("table.crm-table td span.stage").contains(&"Take-home task".to_string()));
    assert_eq!(names(&bob.get(&format!("/applicants?stage=step-{take_home}")).await), ["Sam Seeker"]);
    assert!(names(&bob.get(&format!("/applicants?stage=step-{phone}")).await).is_empty());
    assert_eq!(names(&bob.get(&format!("/applicants?stage=step-{take_home}&q=sam")).await), ["Sam Seeker"]);
    bob.get("/applicants?stage=step-x").await.assert_status(422);

    // A selection to a step; another company's step moves nobody.
    let ours = two.ours.to_string();
    let bulk = [("ids", ours.as_str()), ("action", "stage"), ("stage", &to(onsite))];
    bob.post_form("/applicants/bulk", &bulk).await.assert_status(303);
    assert_eq!(app.applicant(two.ours).await.unwrap().step_id, Some(onsite));
    let stray = [("ids", ours.as_str()), ("action", "stage"), ("stage", &to(theirs))];
    bob.post_form("/applicants/bulk", &stray).await.assert_status(422);
    bob.post_form(&format!("/applicants/{ours}/stage"), &[("stage", &to(theirs))]).await.assert_status(422);
    assert_eq!(app.applicant(two.ours).await.unwrap().step_id, Some(onsite), "nothing moved");

    // The board: one column per step, and per stage without steps.
    let board = bob.get(&format!("/applicants/board?job={}", two.acme_job)).await;
    let columns: Vec<String> = board.select(".crm-column-head h2");
    assert_eq!(
        columns,
        [
            "Applied",
            "Take-home task Screening",
            "Phone screen Screening",
            "Onsite Interview",
            "Offer",
            "Hired",
            "Rejected"
        ]
    );

    // Renamed (not to a name taken); deleted: its applicants stay in its stage.
    let resp = bob.post_form(&format!("/employer/pipeline/{take_home}/rename"), &[("name", "onsite")]).await;
    resp.assert_status(422);
    assert!(resp.text().contains("has a step of that name already"));
    bob.post_form(&format!("/employer/pipeline/{take_home}/rename"), &[("name", "Case study")])
        .await
        .assert_status(303);
    assert!(
        bob.get(&format!("/applicants/{portal}"))
            .await
            .select(".crm-badges .stage")
            .contains(&"Case study".to_string())
    );
    bob.post_form(&format!("/employer/pipeline/{take_home}/delete"), &[]).await.assert_status(303);
    let kept = app.applicant(portal).await.unwrap();
    assert_eq!((kept.stage, kept.step_id), (Stage::Screening, None));
    assert!(bob.get("/applicants").await.select("table.crm-table td span.stage").contains(&"Screening".to_string()));
}
