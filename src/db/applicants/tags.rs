//! Tags on applicants: a company's own words for groups of candidates, added
//! and removed one by one or for a selection, and offered back as a filter.

use std::collections::HashMap;

use diesel::prelude::*;

use super::Scope;
use super::pipeline::load_all_in_scope;
use crate::db::AnyConnection;
use crate::db::schema::applicant_tags;
use crate::domain::Tag;

/// Why tags were not added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagRefused {
    /// This applicant already carries `Tag::MAX_PER_APPLICANT` tags.
    TooMany(String),
}

/// Adds a tag to applicants, all or nothing: NotFound when any id is outside
/// the scope. Returns how many did not carry it yet. Adding a tag is not an
/// action on the candidate, so it does not move `updated_at` (the waiting
/// filter) nor write the timeline.
pub fn add(conn: &mut AnyConnection, scope: Scope, ids: &[i64], tag: &Tag) -> QueryResult<Result<usize, TagRefused>> {
    crate::db::transaction(conn, |c| {
        let found = load_all_in_scope(c, scope, ids)?;
        // The limit counts each applicant's tags: lock them first, in id
        // order (two bulk taggings never wait on each other in a circle).
        let mut locked: Vec<i64> = found.iter().map(|a| a.id).collect();
        locked.sort_unstable();
        for id in &locked {
            crate::db::lock::take(c, crate::db::lock::Row::Applicant(*id))?;
        }
        let carried = of_applicants(c, &locked)?;
        let mut added = 0;
        for applicant in &found {
            let tags = carried.get(&applicant.id).map(Vec::as_slice).unwrap_or_default();
            if tags.iter().any(|t| t == tag.as_str()) {
                continue;
            }
            if tags.len() >= Tag::MAX_PER_APPLICANT {
                return Ok(Err(TagRefused::TooMany(applicant.name.clone())));
            }
            // Two people tagging at once: the second insert finds the row.
            added += diesel::sql_query(
                "INSERT INTO applicant_tags (applicant_id, company_id, tag, created_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind::<diesel::sql_types::BigInt, _>(applicant.id)
            .bind::<diesel::sql_types::BigInt, _>(applicant.company_id)
            .bind::<diesel::sql_types::Text, _>(tag.as_str())
            .bind::<diesel::sql_types::Timestamp, _>(crate::db::now())
            .execute(c)?;
        }
        Ok(Ok(added))
    })
}

/// Removes a tag from applicants of the scope (NotFound when any id is
/// outside it); returns how many carried it.
pub fn remove(conn: &mut AnyConnection, scope: Scope, ids: &[i64], tag: &Tag) -> QueryResult<usize> {
    crate::db::transaction(conn, |c| {
        let found: Vec<i64> = load_all_in_scope(c, scope, ids)?.into_iter().map(|a| a.id).collect();
        diesel::delete(
            applicant_tags::table
                .filter(applicant_tags::applicant_id.eq_any(&found))
                .filter(applicant_tags::tag.eq(tag.as_str())),
        )
        .execute(c)
    })
}

/// The tags of these applicants, each list in alphabetical order.
pub fn of_applicants(conn: &mut AnyConnection, ids: &[i64]) -> QueryResult<HashMap<i64, Vec<String>>> {
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(i64, String)> = applicant_tags::table
            .filter(applicant_tags::applicant_id.eq_any(chunk))
            .select((applicant_tags::applicant_id, applicant_tags::tag))
            .order((applicant_tags::applicant_id, applicant_tags::tag))
            .load(conn)?;
        for (id, tag) in rows {
            out.entry(id).or_default().push(tag);
        }
    }
    Ok(out)
}

/// How many tags a company's filter offers at most.
pub const COMPANY_TAGS: i64 = 200;

/// The tags a company uses, alphabetical, with how many applicants carry each.
pub fn of_company(conn: &mut AnyConnection, company_id: i64) -> QueryResult<Vec<(String, i64)>> {
    applicant_tags::table
        .filter(applicant_tags::company_id.eq(company_id))
        .group_by(applicant_tags::tag)
        .select((applicant_tags::tag, diesel::dsl::count_star()))
        .order(applicant_tags::tag)
        .limit(COMPANY_TAGS)
        .load(conn)
}
