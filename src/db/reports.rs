//! Hiring reports of a company or one of its jobs: the funnel (how many
//! reached each stage), time to hire, and where applicants came from.

use std::collections::HashMap;

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::AnyConnection;
use super::schema::{applicant_stages, applicants};
use crate::domain::applicant::stage_rank;
use crate::domain::{ApplicantSource, Stage};

/// The pipeline's path, in order (rejected is off it).
pub const PATH: [Stage; 5] = [Stage::Applied, Stage::Screening, Stage::Interview, Stage::Offer, Stage::Hired];

#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Applicants counted (merged records are not).
    pub total: i64,
    /// How many reached each stage of `PATH` (moving past a stage counts as reaching it).
    pub funnel: Vec<(Stage, i64)>,
    /// How many are rejected now.
    pub rejected: i64,
    /// Days from application to hire, of each hired applicant, sorted.
    pub days_to_hire: Vec<f64>,
    /// Per source: applicants and hires.
    pub sources: Vec<(ApplicantSource, i64, i64)>,
}

impl Report {
    pub fn hired(&self) -> i64 {
        self.funnel.last().map(|(_, n)| *n).unwrap_or(0)
    }

    pub fn median_days_to_hire(&self) -> Option<f64> {
        let d = &self.days_to_hire;
        match d.len() {
            0 => None,
            n if n % 2 == 1 => Some(d[n / 2]),
            n => Some((d[n / 2 - 1] + d[n / 2]) / 2.0),
        }
    }

    pub fn mean_days_to_hire(&self) -> Option<f64> {
        (!self.days_to_hire.is_empty()).then(|| self.days_to_hire.iter().sum::<f64>() / self.days_to_hire.len() as f64)
    }
}

/// The report of a company's applicants, or of one job's.
pub fn report(conn: &mut AnyConnection, company_id: i64, job_id: Option<i64>) -> QueryResult<Report> {
    let mut query = applicants::table
        .filter(applicants::company_id.eq(company_id))
        .filter(applicants::merged_into.is_null())
        .select((applicants::id, applicants::stage, applicants::source, applicants::created_at))
        .into_boxed();
    if let Some(job) = job_id {
        query = query.filter(applicants::job_id.eq(job));
    }
    let people: Vec<(i64, Stage, ApplicantSource, PrimitiveDateTime)> = query.load(conn)?;
    let ids: Vec<i64> = people.iter().map(|p| p.0).collect();
    // Each applicant's furthest stage on the path, and when it was hired.
    let mut furthest: HashMap<i64, usize> = HashMap::new();
    let mut hired_at: HashMap<i64, PrimitiveDateTime> = HashMap::new();
    for chunk in ids.chunks(500) {
        let entered: Vec<(i64, Stage, PrimitiveDateTime)> = applicant_stages::table
            .filter(applicant_stages::applicant_id.eq_any(chunk))
            .select((applicant_stages::applicant_id, applicant_stages::stage, applicant_stages::entered_at))
            .load(conn)?;
        for (id, stage, at) in entered {
            if stage != Stage::Rejected {
                let rank = furthest.entry(id).or_insert(0);
                *rank = (*rank).max(stage_rank(stage));
            }
            if stage == Stage::Hired {
                let first = hired_at.entry(id).or_insert(at);
                *first = (*first).min(at);
            }
        }
    }
    let mut report = Report { total: people.len() as i64, ..Report::default() };
    let mut reached = [0i64; PATH.len()];
    let mut sources: Vec<(ApplicantSource, i64, i64)> = ApplicantSource::ALL.iter().map(|s| (*s, 0, 0)).collect();
    for (id, stage, source, created_at) in &people {
        let now_at = if *stage == Stage::Rejected { 0 } else { stage_rank(*stage) };
        let rank = furthest.get(id).copied().unwrap_or(0).max(now_at);
        for r in reached.iter_mut().take(rank + 1) {
            *r += 1;
        }
        if *stage == Stage::Rejected {
            report.rejected += 1;
        }
        let was_hired = rank == stage_rank(Stage::Hired);
        if let Some(entry) = sources.iter_mut().find(|(s, ..)| s == source) {
            entry.1 += 1;
            entry.2 += i64::from(was_hired);
        }
        if let Some(at) = hired_at.get(id) {
            report.days_to_hire.push((*at - *created_at).as_seconds_f64() / 86_400.0);
        }
    }
    report.days_to_hire.sort_by(f64::total_cmp);
    report.funnel = PATH.iter().copied().zip(reached).collect();
    report.sources = sources;
    Ok(report)
}
