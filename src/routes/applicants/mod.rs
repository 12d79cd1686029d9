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
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::db::applicants::{ListFilter, Scope};
use crate::domain::{
    ApplicantSort, ApplicantStatus, AssigneeFilter, EmploymentType, MoveTarget, SearchTerms, Stage, Tag,
};
use crate::error::AppError;

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

/// The list's query string as typed (kept for the form and the links).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub job: String,
    pub stage: String,
    pub status: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub assignee: String,
    pub company: String,
    /// Open applicants with no action for this many days (7, 14 or 30).
    pub idle: String,
    /// One of the company's tags.
    pub tag: String,
    pub sort: String,
    pub page: String,
}

/// The choices of the "waiting" filter, in days.
pub const IDLE_DAYS: [i64; 3] = [7, 14, 30];

fn bad(what: &str) -> AppError {
    AppError::Unprocessable(format!("invalid {what} in the applicant filter"))
}

fn optional_id(raw: &str, what: &str) -> Result<Option<i64>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<i64>().ok().filter(|n| *n > 0).map(Some).ok_or_else(|| bad(what))
}

fn optional_enum<T: std::str::FromStr>(raw: &str, what: &str) -> Result<Option<T>, AppError> {
    if raw.trim().is_empty() { Ok(None) } else { raw.trim().parse().map(Some).map_err(|_| bad(what)) }
}

impl ListQuery {
    /// Reads the query string; a value that is not one of the choices is a 422.
    pub fn from_query_string(query: &str) -> Result<ListQuery, AppError> {
        serde_html_form::from_str(query).map_err(|_| bad("query"))
    }

    /// The filter for this user: an employer's list is always their company's,
    /// whatever the URL says.
    pub fn filter(&self, user: &CurrentUser, scope: Scope) -> Result<ListFilter, AppError> {
        let assignee = match self.assignee.trim() {
            "" => AssigneeFilter::Any,
            "none" => AssigneeFilter::Nobody,
            "me" => AssigneeFilter::User(user.id),
            other => AssigneeFilter::User(optional_id(other, "assignee")?.ok_or_else(|| bad("assignee"))?),
        };
        let company_id = match scope {
            Scope::Company(id) => Some(id),
            Scope::Everything => optional_id(&self.company, "company")?,
        };
        let (stage, step_id) = match self.stage.trim() {
            "" => (None, None),
            raw => match MoveTarget::parse(raw).ok_or_else(|| bad("stage"))? {
                MoveTarget::Stage(stage) => (Some(stage), None),
                MoveTarget::Step(id) => (None, Some(id)),
            },
        };
        Ok(ListFilter {
            company_id,
            job_id: optional_id(&self.job, "job")?,
            stage,
            step_id,
            status: optional_enum::<ApplicantStatus>(&self.status, "status")?,
            employment_type: optional_enum::<EmploymentType>(&self.kind, "type")?,
            assignee,
            search: SearchTerms::parse(&self.q),
            idle_days: match self.idle.trim() {
                "" => None,
                raw => Some(raw.parse::<i64>().ok().filter(|d| IDLE_DAYS.contains(d)).ok_or_else(|| bad("idle"))?),
            },
            tag: match self.tag.trim() {
                "" => None,
                raw => Some(Tag::parse(raw).map_err(|_| bad("tag"))?),
            },
            sort: optional_enum::<ApplicantSort>(&self.sort, "sort")?.unwrap_or_default(),
        })
    }

    pub fn page_number(&self) -> Result<i64, AppError> {
        match self.page.trim() {
            "" => Ok(1),
            p => p.parse::<i64>().ok().filter(|n| (1..=100_000).contains(n)).ok_or_else(|| bad("page")),
        }
    }

    /// The query string of these filters (without the page), starting with `?`
    /// when not empty.
    pub fn to_query(&self) -> String {
        let pairs = [
            ("q", self.q.trim()),
            ("job", self.job.trim()),
            ("stage", self.stage.trim()),
            ("status", self.status.trim()),
            ("type", self.kind.trim()),
            ("assignee", self.assignee.trim()),
            ("company", self.company.trim()),
            ("idle", self.idle.trim()),
            ("tag", self.tag.trim()),
            ("sort", self.sort.trim()),
        ];
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
            out.append_pair(k, v);
        }
        let s = out.finish();
        if s.is_empty() { s } else { format!("?{s}") }
    }

    /// The URL of one page of this list.
    pub fn page_url(&self, page: &i64) -> String {
        let base = self.to_query();
        match (*page, base.is_empty()) {
            (1, true) => "/applicants".into(),
            (1, false) => format!("/applicants{base}"),
            (p, true) => format!("/applicants?page={p}"),
            (p, false) => format!("/applicants{base}&page={p}"),
        }
    }

    pub fn is_filtered(&self) -> bool {
        !(self.q.trim().is_empty()
            && self.job.trim().is_empty()
            && self.stage.trim().is_empty()
            && self.status.trim().is_empty()
            && self.kind.trim().is_empty()
            && self.assignee.trim().is_empty()
            && self.company.trim().is_empty()
            && self.idle.trim().is_empty()
            && self.tag.trim().is_empty())
    }
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
    fn list_query_round_trips_through_the_url() {
        let q = ListQuery::from_query_string("q=rust+dev&stage=interview&type=contract&page=3&sort=").unwrap();
        assert_eq!(q.to_query(), "?q=rust+dev&stage=interview&type=contract");
        assert_eq!(q.page_url(&2), "/applicants?q=rust+dev&stage=interview&type=contract&page=2");
        assert_eq!(q.page_number().unwrap(), 3);
        assert_eq!(ListQuery::default().page_url(&1), "/applicants");
    }

    #[test]
    fn crm_next_stays_in_the_crm() {
        assert_eq!(crm_next("/applicants/board?job=3").as_deref(), Some("/applicants/board?job=3"));
        assert_eq!(crm_next("/applicants?page=2").as_deref(), Some("/applicants?page=2"));
        assert_eq!(crm_next("//evil.com"), None);
        assert_eq!(crm_next("/admin"), None);
        assert_eq!(crm_next("/applicantsx"), None);
    }
}
