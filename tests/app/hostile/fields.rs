//! The field sets of the app's forms (jobs, profiles, templates, applicants, id lists) and the values they share.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::BoxedStrategy;

use super::urlencoded::Form;
use super::values::{Bytes, Field, IMG, SCRIPT, Val, field, hostile, ok, re, text};

pub(super) const TYPES: &[&str] = &["full_time", "part_time", "contract", "internship", "temporary"];
pub(super) const STAGES: &[&str] = &["applied", "screening", "interview", "offer", "hired", "rejected"];
pub(super) const REDIRECTS: &[&str] = &[
    "",
    "/jobs",
    "/applicants",
    "//evil.example",
    "https://evil.example/",
    "/\\evil.example",
    "/%2F%2Fevil.example",
    "/jobs?q=é",
    "/😀",
    "/applicants?q=Zoë",
    "/jobs?q=a\u{a0}b",
];
pub(super) const DESCRIPTION_MARKUP: &str =
    "<script>alert(1)</script> \"><img src=x onerror=alert(1)> — a role on a friendly team, in Berlin.";

/// Closing dates from tomorrow to about ten months ahead, as the form writes them.
fn closing_dates() -> BoxedStrategy<Vec<u8>> {
    let now = jobconnect::db::now();
    prop_oneof![
        1 => Just(Vec::new()),
        3 => (1i64..300, any::<bool>()).prop_map(move |(days, with_time)| {
            let at = now + time::Duration::days(days);
            let text = if with_time {
                at.format(time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]"))
            } else {
                at.format(time::macros::format_description!("[year]-[month]-[day]"))
            };
            text.unwrap().into_bytes()
        }),
    ]
    .boxed()
}

pub(super) fn with_job_fields(form: Form<'_>) -> Form<'_> {
    form.field("title", text("[A-Z][a-z]{3,12} (Developer|Engineer|Designer)"))
        .field("description", prop_oneof![re("[A-Z][a-z ,.\\n]{40,300}"), ok(&[DESCRIPTION_MARKUP])].boxed())
        .field("location", text("(Berlin|Paris|Lisbon|Remote, Europe)"))
        .field("remote", ok(&["onsite", "hybrid", "remote"]))
        .field("employment_type", ok(TYPES))
        .field("category", ok(jobconnect::domain::CATEGORIES))
        .field("salary_min", ok(&["", "40000", "40,000", "50 000"]))
        .field("salary_max", ok(&["", "90000", "100,000"]))
        .field("salary_currency", ok(jobconnect::domain::CURRENCIES))
        .field("salary_period", ok(&["year", "month", "hour"]))
        .field("closes_at", closing_dates())
}

pub(super) fn with_profile_fields(form: Form<'_>) -> Form<'_> {
    form.field("display_name", text("[A-Z][a-z]{1,10}( [A-Z][a-z]{1,10})?"))
        .field("headline", text("[A-Za-z ]{0,40}"))
        .field("location", text("(Berlin|Paris|Lisbon)?"))
        .field("phone", re("(\\+49 [0-9]{2} [0-9]{5,8})?"))
        .field("skills", text("([A-Za-z]{2,8}(, [A-Za-z]{2,8}){0,4})?"))
}

pub(super) fn with_template_fields(form: Form<'_>) -> Form<'_> {
    form.field("name", text("[A-Z][a-z]{2,12}( follow-up)?"))
        .field(
            "subject",
            prop_oneof![re("[A-Z][a-z ]{2,30}"), ok(&["Hello {{name}}", "About {{job}} at {{company}}", IMG])].boxed(),
        )
        .field(
            "body",
            prop_oneof![
                re("[A-Z][a-z ,.\\n]{1,200}"),
                ok(&["Dear {{name}},\n\nThank you for applying to {{job}}.", SCRIPT])
            ]
            .boxed(),
        )
        .field("auto_stage", ok(&["", "", "interview", "rejected", "party"]))
}

/// The applicant fields of the CRM form (url-encoded or multipart).
pub(super) fn applicant_fields() -> Vec<(&'static str, BoxedStrategy<Vec<u8>>)> {
    vec![
        ("name", text("[A-Z][a-z]{2,10} [A-Z][a-z]{2,10}")),
        ("email", prop_oneof![re("[a-z]{3,10}@example\\.com"), ok(&[""])].boxed()),
        ("phone", re("(\\+1 [0-9]{3} [0-9]{7})?")),
        ("current_company", text("([A-Z][a-z]{2,10} Inc)?")),
        ("position", text("([A-Z][a-z]{2,10} Engineer)?")),
        ("location", text("(Berlin|Austin)?")),
        ("years_experience", ok(&["", "0", "3", "12", "70"])),
        ("status", ok(&["open", "pending", "closed"])),
        ("employment_type", ok(TYPES)),
    ]
}

pub(super) fn with_applicant_fields(mut form: Form<'_>) -> Form<'_> {
    for (name, valid) in applicant_fields() {
        form = form.field(name, valid);
    }
    form
}

/// A list of ids (`ids=1&ids=2`): good ones, or with others' and malformed ones among them.
pub(super) fn ids_field(name: &'static str, good: Vec<String>, bad: &[&str]) -> Field {
    let many = |ids: Vec<String>| {
        vec(select(ids), 1..4).prop_map(|v| Val::Many(v.into_iter().map(|s| Bytes(s.into_bytes())).collect()))
    };
    let all: Vec<String> = good.iter().cloned().chain(bad.iter().map(|s| s.to_string())).collect();
    Field {
        name,
        valid: many(good).boxed(),
        any: prop_oneof![4 => many(all), 1 => field(hostile()), 1 => Just(Val::Missing)].boxed(),
    }
}

pub(super) fn strings(ids: &[i64], more: &[&str]) -> Vec<String> {
    ids.iter().map(|i| i.to_string()).chain(more.iter().map(|s| s.to_string())).collect()
}
