//! The applicant list's query (`/applicants?…`): what the URL says, read
//! leniently for the links and strictly for the filter (a value that is not
//! one of the choices is a 422), and the filter it becomes for the query
//! (`db::applicants::list_page`). The job list's are `job_search`.

use serde::Deserialize;

use super::{
    ApplicantSort, ApplicantStatus, AssigneeFilter, CompanyScope, EmploymentType, MoveTarget, SearchTerms, Stage, Tag,
};
use crate::error::AppError;

/// The list's query string as typed (kept for the form and the links).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ApplicantListParams {
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

impl ApplicantListParams {
    /// Reads the query string; a value that is not one of the choices is a 422.
    pub fn from_query_string(query: &str) -> Result<ApplicantListParams, AppError> {
        serde_html_form::from_str(query).map_err(|_| bad("query"))
    }

    /// The filter for this user: an employer's list is always their company's,
    /// whatever the URL says.
    pub fn filter(&self, user_id: i64, scope: CompanyScope) -> Result<ApplicantFilter, AppError> {
        let assignee = match self.assignee.trim() {
            "" => AssigneeFilter::Any,
            "none" => AssigneeFilter::Nobody,
            "me" => AssigneeFilter::User(user_id),
            other => AssigneeFilter::User(optional_id(other, "assignee")?.ok_or_else(|| bad("assignee"))?),
        };
        let company_id = match scope {
            CompanyScope::Company(id) => Some(id),
            CompanyScope::Everything => optional_id(&self.company, "company")?,
        };
        let (stage, step_id) = match self.stage.trim() {
            "" => (None, None),
            raw => match MoveTarget::parse(raw).ok_or_else(|| bad("stage"))? {
                MoveTarget::Stage(stage) => (Some(stage), None),
                MoveTarget::Step(id) => (None, Some(id)),
            },
        };
        Ok(ApplicantFilter {
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

/// What the applicant list shows: every filter of the page, already checked.
#[derive(Debug, Clone, Default)]
pub struct ApplicantFilter {
    /// The employer's company, or the company an admin chose (None: every company).
    pub company_id: Option<i64>,
    pub job_id: Option<i64>,
    pub stage: Option<Stage>,
    /// One of the company's own steps.
    pub step_id: Option<i64>,
    pub status: Option<ApplicantStatus>,
    pub employment_type: Option<EmploymentType>,
    pub assignee: AssigneeFilter,
    pub search: Option<SearchTerms>,
    /// Only open applicants with no action (no change, no timeline line) for this many days.
    pub idle_days: Option<i64>,
    /// Only applicants carrying this tag.
    pub tag: Option<Tag>,
    pub sort: ApplicantSort,
}

impl ApplicantFilter {
    /// The full-text paths count by the index's tag words alone, which know
    /// nothing of waiting time, of the company's tags or of its steps: a
    /// search with any of them takes the general path.
    pub fn full_text_alone(&self) -> bool {
        self.idle_days.is_none() && self.tag.is_none() && self.step_id.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_query_round_trips_through_the_url() {
        let q =
            ApplicantListParams::from_query_string("q=rust+dev&stage=interview&type=contract&page=3&sort=").unwrap();
        assert_eq!(q.to_query(), "?q=rust+dev&stage=interview&type=contract");
        assert_eq!(q.page_url(&2), "/applicants?q=rust+dev&stage=interview&type=contract&page=2");
        assert_eq!(q.page_number().unwrap(), 3);
        assert_eq!(ApplicantListParams::default().page_url(&1), "/applicants");
    }
}
