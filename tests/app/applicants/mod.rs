//! The CRM: who sees and changes which applicants, the list (filters, search,
//! sort, pages), CSV export, bulk actions, the board, the applicant page and
//! adding or editing applicants by hand.

mod access;
mod assign;
mod duplicates;
mod interviews;
mod list;
mod manual;
mod notes;
mod pipeline;
mod scorecards;
mod steps;
mod tags;

use diesel::prelude::*;
use jobconnect::db::schema::{applicant_events, notifications};

use crate::both_backends;
use crate::helpers::{Resp, TestApp, TestUser};
use access::{
    employer_cannot_change_another_companys_applicant, employer_never_sees_another_companys_applicants,
    every_post_needs_the_csrf_token, visitors_log_in_first_and_seekers_find_nothing,
};
use assign::{assignment_target_must_be_an_active_employer_of_the_company_or_an_admin, only_admins_assign_and_delete};
use duplicates::duplicates_are_found_and_merged_within_a_company;
use list::{
    admins_find_a_company_by_its_name, admins_see_every_company_and_filter_by_company,
    csv_matches_the_filters_and_defuses_formulas, large_lists_count_to_a_thousand_and_page_in_order,
    list_filters_sorts_and_pages, search_finds_by_name_email_and_resume_words, waiting_applicants_are_pointed_out,
    withdrawn_applications_are_marked,
};
use manual::{
    add_by_hand_with_and_without_a_pdf, admin_delete_removes_a_resume_uploaded_by_hand,
    edit_keeps_the_form_on_bad_input_and_records_what_changed,
};
use notes::{notes_show_author_and_time, timeline_shows_email_delivery_state};
use pipeline::{
    bad_values_are_422_with_the_page_and_change_nothing, board_shows_the_pipeline_and_moves_cards,
    bulk_stage_move_and_export_selected, stage_change_writes_history_and_tells_the_seeker,
};
use scorecards::scorecards_rate_applicants_for_the_company_only;
use steps::company_steps_name_the_pipeline;
use tags::tags_group_applicants_and_filter_the_list;

/// Two companies with one job and one applicant each.
struct Two {
    bob: TestUser,
    eve: TestUser,
    acme: i64,
    globex: i64,
    acme_job: i64,
    globex_job: i64,
    /// Bob's (Acme's) applicant.
    ours: i64,
    /// Eve's (Globex's) applicant.
    theirs: i64,
}

async fn two_companies(app: &TestApp) -> Two {
    let bob = app.employer("bob", "Acme").await;
    let eve = app.employer("eve", "Globex").await;
    let (acme, globex) = (app.company_of(&bob).await, app.company_of(&eve).await);
    let acme_job = app.open_job(acme, "Rust Engineer").await;
    let globex_job = app.open_job(globex, "Secret Project Lead").await;
    let ours = app.insert_applicant(acme, Some(acme_job), "Ann Lee", None).await;
    let theirs = app.insert_applicant(globex, Some(globex_job), "Zoe Hidden", None).await;
    Two { bob, eve, acme, globex, acme_job, globex_job, ours, theirs }
}

/// Names in the applicant table of a list page, in order.
fn names(resp: &Resp) -> Vec<String> {
    resp.select("table.crm-table a.crm-name")
}

/// The `href` of every link on the page, unescaped.
fn hrefs(resp: &Resp) -> Vec<String> {
    let doc = scraper::Html::parse_document(&resp.body);
    let sel = scraper::Selector::parse("a[href]").unwrap();
    doc.select(&sel).filter_map(|a| a.value().attr("href")).map(str::to_string).collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// A CSV download as rows of cells (the byte-order mark removed).
fn csv_rows(body: &str) -> Vec<Vec<String>> {
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).from_reader(body.trim_start_matches('\u{feff}').as_bytes());
    reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect()
}

/// The names (second column) of a CSV export, header excluded.
fn csv_names(body: &str) -> Vec<String> {
    let rows = csv_rows(body);
    assert_eq!(rows[0][1], "Name", "the first line is the header");
    rows[1..].iter().map(|r| r[1].clone()).collect()
}

async fn events(app: &TestApp, id: i64) -> Vec<(String, String)> {
    app.db
        .run(move |c| {
            applicant_events::table
                .filter(applicant_events::applicant_id.eq(id))
                .order(applicant_events::id.asc())
                .select((applicant_events::kind, applicant_events::detail))
                .load::<(String, String)>(c)
        })
        .await
        .unwrap()
}

async fn notifications_of(app: &TestApp, user: i64) -> Vec<(String, String, String)> {
    app.db
        .run(move |c| {
            notifications::table
                .filter(notifications::user_id.eq(user))
                .order(notifications::id.asc())
                .select((notifications::kind, notifications::link, notifications::data))
                .load::<(String, String, String)>(c)
        })
        .await
        .unwrap()
}

/// Everything that could change about an applicant, to prove nothing did.
async fn snapshot(app: &TestApp, id: i64) -> String {
    let a = app.applicant(id).await.expect("the applicant exists");
    format!(
        "{:?}|{}|{}|{}|{}|{}|{:?}|{:?}|{}|{}",
        a.job_id,
        a.name,
        a.email,
        a.phone,
        a.stage.as_str(),
        a.status.as_str(),
        a.employment_type,
        a.assignee_id,
        events(app, id).await.len(),
        app.count("applicant_notes").await,
    )
}

fn files_in(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default()
}

both_backends!(
    waiting_applicants_are_pointed_out,
    visitors_log_in_first_and_seekers_find_nothing,
    employer_never_sees_another_companys_applicants,
    employer_cannot_change_another_companys_applicant,
    only_admins_assign_and_delete,
    assignment_target_must_be_an_active_employer_of_the_company_or_an_admin,
    stage_change_writes_history_and_tells_the_seeker,
    bad_values_are_422_with_the_page_and_change_nothing,
    notes_show_author_and_time,
    timeline_shows_email_delivery_state,
    list_filters_sorts_and_pages,
    search_finds_by_name_email_and_resume_words,
    large_lists_count_to_a_thousand_and_page_in_order,
    csv_matches_the_filters_and_defuses_formulas,
    bulk_stage_move_and_export_selected,
    admins_see_every_company_and_filter_by_company,
    admins_find_a_company_by_its_name,
    tags_group_applicants_and_filter_the_list,
    company_steps_name_the_pipeline,
    scorecards_rate_applicants_for_the_company_only,
    duplicates_are_found_and_merged_within_a_company,
    board_shows_the_pipeline_and_moves_cards,
    withdrawn_applications_are_marked,
    add_by_hand_with_and_without_a_pdf,
    admin_delete_removes_a_resume_uploaded_by_hand,
    edit_keeps_the_form_on_bad_input_and_records_what_changed,
    every_post_needs_the_csrf_token,
);
