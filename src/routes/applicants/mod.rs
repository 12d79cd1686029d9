//! The CRM: every page an employer (their company's applicants) or an admin
//! (every company's) uses to run applicants through the pipeline.
//! Templates are in `templates/applicants/`.

mod board;
mod duplicates;
mod export;
mod form;
mod interviews;
mod list;
mod reject;
mod scorecard;
mod show;

use crate::routes::Routes;

use crate::domain::{ApplicantStatus, Stage};

pub fn routes(r: &mut Routes) {
    r.get("/applicants", list::index)
        .get("/applicants/export.csv", export::filtered)
        .post("/applicants/bulk", list::bulk)
        .get("/applicants/board", board::board)
        .get("/applicants/duplicates", duplicates::list)
        .get("/applicants/new", form::new_form)
        .post("/applicants/new", form::create)
        .get("/applicants/{id:\\d+}", show::show)
        .post("/applicants/{id:\\d+}/stage", show::stage)
        .post("/applicants/{id:\\d+}/status", show::status)
        .post("/applicants/{id:\\d+}/type", show::employment_type)
        .post("/applicants/{id:\\d+}/notes", show::add_note)
        .post("/applicants/{id:\\d+}/scorecard", scorecard::rate)
        .post("/applicants/{id:\\d+}/interviews", interviews::propose)
        .post("/applicants/{id:\\d+}/interviews/cancel", interviews::cancel)
        .get("/employer/interviews", interviews::upcoming)
        .post("/applicants/{id:\\d+}/tags", show::add_tag)
        .post("/applicants/{id:\\d+}/tags/remove", show::remove_tag)
        .post("/applicants/{id:\\d+}/assign", show::assign)
        .post("/applicants/{id:\\d+}/merge", duplicates::merge)
        .post("/applicants/{id:\\d+}/unmerge", duplicates::unmerge)
        .post("/applicants/{id:\\d+}/delete", show::delete)
        .get("/applicants/{id:\\d+}/edit", form::edit_form)
        .post("/applicants/{id:\\d+}/edit", form::update);
}

/// CSS class of a stage badge.
pub fn stage_class(stage: &Stage) -> &'static str {
    match stage {
        Stage::Applied => "badge stage stage-applied",
        Stage::Screening => "badge stage stage-screening",
        Stage::Interview => "badge stage stage-interview",
        Stage::Offer => "badge stage stage-offer",
        Stage::Hired => "badge stage stage-hired",
        Stage::Rejected => "badge stage stage-rejected",
    }
}

/// CSS class of a status badge.
pub fn status_class(status: &ApplicantStatus) -> &'static str {
    match status {
        ApplicantStatus::Open => "badge badge-success",
        ApplicantStatus::Pending => "badge badge-warning",
        ApplicantStatus::Closed => "badge",
    }
}

/// A return path after a form, when it stays inside the CRM.
pub fn crm_next(next: &str) -> Option<String> {
    crate::routes::safe_next(Some(next))
        .filter(|n| n == "/applicants" || n.starts_with("/applicants?") || n.starts_with("/applicants/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crm_next_stays_in_the_crm() {
        assert_eq!(crm_next("/applicants/board?job=3").as_deref(), Some("/applicants/board?job=3"));
        assert_eq!(crm_next("/applicants?page=2").as_deref(), Some("/applicants?page=2"));
        assert_eq!(crm_next("//evil.com"), None);
        assert_eq!(crm_next("/admin"), None);
        assert_eq!(crm_next("/applicantsx"), None);
    }
}
