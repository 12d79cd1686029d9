//! Ratings of an applicant against their job's scorecard.

use diesel::QueryResult;

use crate::db::{self, AnyConnection, applicants, scorecards};

/// Saves `rater`'s scores (criterion, score, comment) and writes the line on
/// the applicant's timeline.
pub fn rate(c: &mut AnyConnection, applicant_id: i64, rater: i64, scores: &[(i64, i32, String)]) -> QueryResult<()> {
    db::transaction(c, |c| {
        scorecards::rate(c, applicant_id, rater, scores)?;
        let detail = match scores.len() {
            1 => "Rated on 1 criterion".to_string(),
            n => format!("Rated on {n} criteria"),
        };
        applicants::record_event(c, applicant_id, Some(rater), "scorecard", &detail, None)
    })
}
