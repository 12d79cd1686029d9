//! Scorecards: the criteria a job's applicants are rated on, and each
//! interviewer's rating (1 to 5, with a comment) of an applicant on each.
//! Only the company and admins read them (they reach the applicant page).

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::AnyConnection;
use super::schema::{scorecard_criteria, scorecard_ratings, users};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = scorecard_criteria)]
pub struct Criterion {
    pub id: i64,
    pub job_id: i64,
    pub name: String,
    pub position: i32,
    pub created_at: PrimitiveDateTime,
}

/// Criteria one job may have.
pub const MAX_CRITERIA: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CriterionRefused {
    NameTaken,
    TooMany,
}

pub fn criteria(conn: &mut AnyConnection, job_id: i64) -> QueryResult<Vec<Criterion>> {
    scorecard_criteria::table
        .filter(scorecard_criteria::job_id.eq(job_id))
        .order((scorecard_criteria::position.asc(), scorecard_criteria::id.asc()))
        .select(Criterion::as_select())
        .load(conn)
}

pub fn add_criterion(
    conn: &mut AnyConnection,
    job_id: i64,
    name: &str,
) -> QueryResult<Result<Criterion, CriterionRefused>> {
    // The job's lock: the limit and the name check hold when two add at once.
    super::transaction(conn, |conn| {
        super::lock::take(conn, super::lock::Row::Job(job_id))?;
        let existing = criteria(conn, job_id)?;
        if existing.len() >= MAX_CRITERIA {
            return Ok(Err(CriterionRefused::TooMany));
        }
        if existing.iter().any(|c| c.name.to_lowercase() == name.to_lowercase()) {
            return Ok(Err(CriterionRefused::NameTaken));
        }
        let position = existing.iter().map(|c| c.position).max().unwrap_or(0) + 1;
        diesel::insert_into(scorecard_criteria::table)
            .values((
                scorecard_criteria::job_id.eq(job_id),
                scorecard_criteria::name.eq(name),
                scorecard_criteria::position.eq(position),
                scorecard_criteria::created_at.eq(super::now()),
            ))
            .returning(scorecard_criteria::all_columns)
            .get_result::<Criterion>(conn)
            .map(Ok)
    })
}

/// Deletes a criterion of this job (its ratings go with it); false when it is none of its.
pub fn delete_criterion(conn: &mut AnyConnection, job_id: i64, id: i64) -> QueryResult<bool> {
    let n = diesel::delete(
        scorecard_criteria::table.filter(scorecard_criteria::id.eq(id).and(scorecard_criteria::job_id.eq(job_id))),
    )
    .execute(conn)?;
    Ok(n == 1)
}

/// One interviewer's rating on one criterion.
#[derive(Debug, Clone)]
pub struct Rating {
    pub criterion_id: i64,
    pub rater_id: i64,
    pub rater_name: String,
    pub score: i32,
    pub comment: String,
    pub rated_at: PrimitiveDateTime,
}

/// Every rating of an applicant, oldest first.
pub fn ratings(conn: &mut AnyConnection, applicant_id: i64) -> QueryResult<Vec<Rating>> {
    let rows: Vec<(i64, i64, String, String, i32, String, PrimitiveDateTime)> = scorecard_ratings::table
        .inner_join(users::table)
        .filter(scorecard_ratings::applicant_id.eq(applicant_id))
        .order((scorecard_ratings::rated_at.asc(), scorecard_ratings::rater_id.asc()))
        .select((
            scorecard_ratings::criterion_id,
            scorecard_ratings::rater_id,
            users::display_name,
            users::username,
            scorecard_ratings::score,
            scorecard_ratings::comment,
            scorecard_ratings::rated_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(criterion_id, rater_id, display, username, score, comment, rated_at)| Rating {
            criterion_id,
            rater_id,
            rater_name: if display.is_empty() { username } else { display },
            score,
            comment,
            rated_at,
        })
        .collect())
}

/// A rater's scores of an applicant, replacing theirs on the same criteria.
pub fn rate(
    conn: &mut AnyConnection,
    applicant_id: i64,
    rater_id: i64,
    scores: &[(i64, i32, String)],
) -> QueryResult<()> {
    super::transaction(conn, |c| {
        let now = super::now();
        for (criterion, score, comment) in scores {
            // One rating per rater and criterion: a second one replaces it (also when two arrive at once).
            let upsert = diesel::sql_query(
                "INSERT INTO scorecard_ratings (applicant_id, criterion_id, rater_id, score, comment, rated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (applicant_id, criterion_id, rater_id) \
                 DO UPDATE SET score = excluded.score, comment = excluded.comment, rated_at = excluded.rated_at",
            )
            .bind::<diesel::sql_types::BigInt, _>(applicant_id)
            .bind::<diesel::sql_types::BigInt, _>(criterion)
            .bind::<diesel::sql_types::BigInt, _>(rater_id)
            .bind::<diesel::sql_types::Integer, _>(score)
            .bind::<diesel::sql_types::Text, _>(comment)
            .bind::<diesel::sql_types::Timestamp, _>(now);
            upsert.execute(c)?;
        }
        Ok(())
    })
}
