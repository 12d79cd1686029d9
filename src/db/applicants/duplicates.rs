//! Duplicate candidates within a company (the same e-mail in any case, or
//! the same phone number written differently) and the merge that hides one
//! record behind another. A merge never crosses companies, moves nothing
//! and deletes nothing, so undoing it gives back exactly what was there.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::{Applicant, ListRow, Scope, event, find_in_scope, record_event, rows_by_ids};
use crate::db::AnyConnection;
use crate::db::audit::{self, AuditRecord};
use crate::db::schema::applicants;

/// A phone number reduced to what identifies it: the characters
/// `parse_phone` allows, less the separators. The migration `duplicates`
/// indexes this very expression; `phone_key` is the same in Rust.
pub const PHONE_KEY: &str = "replace(replace(replace(replace(replace(replace(replace(replace(replace(lower(phone), \
                             ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), '.', ''), ',', ''), '/', ''), 'x', '')";

/// Shorter keys (an extension alone, a typo) identify nobody.
const MIN_PHONE_KEY: usize = 7;

pub fn phone_key(phone: &str) -> String {
    phone.to_lowercase().chars().filter(|c| !" -()+.,/x".contains(*c)).collect()
}

fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Another record of the company that looks like the same person, and why.
#[derive(Debug, Clone)]
pub struct Duplicate {
    pub row: ListRow,
    pub same_email: bool,
    pub same_phone: bool,
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// The records of the applicant's company, not merged, with its e-mail or
/// phone (at most 20, oldest first), less the same seeker's applications to
/// other jobs.
pub fn of(conn: &mut AnyConnection, applicant: &Applicant) -> QueryResult<Vec<Duplicate>> {
    let (email, phone) = (email_key(&applicant.email), phone_key(&applicant.phone));
    let phone = if phone.chars().count() >= MIN_PHONE_KEY { phone } else { String::new() };
    if email.is_empty() && phone.is_empty() {
        return Ok(Vec::new());
    }
    // Each side matches the expression of its index; an empty key matches nothing.
    let query = diesel::sql_query(format!(
        "SELECT id FROM applicants WHERE company_id = $1 AND id <> $2 AND merged_into IS NULL \
         AND ((lower(email) = $3 AND $3 <> '') OR ({PHONE_KEY} = $4 AND $4 <> '')) ORDER BY id LIMIT 20"
    ))
    .bind::<BigInt, _>(applicant.company_id)
    .bind::<BigInt, _>(applicant.id)
    .bind::<Text, _>(&email)
    .bind::<Text, _>(&phone);
    let ids: Vec<i64> = crate::db::sql::on_backend!(conn, |c| query.load::<Id>(c))?.into_iter().map(|r| r.id).collect();
    Ok(rows_by_ids(conn, &ids)?
        .into_iter()
        // One seeker's applications to two jobs are two applications, not a duplicate.
        .filter(|row| {
            !(applicant.seeker_id.is_some()
                && row.applicant.seeker_id == applicant.seeker_id
                && row.applicant.job_id != applicant.job_id)
        })
        .map(|row| Duplicate {
            same_email: !email.is_empty() && email_key(&row.applicant.email) == email,
            same_phone: !phone.is_empty() && phone_key(&row.applicant.phone) == phone,
            row,
        })
        .collect())
}

/// Groups of a company's records that share an e-mail or a phone (at most
/// `GROUPS`), each oldest first: the duplicates page.
pub fn groups(conn: &mut AnyConnection, company_id: i64) -> QueryResult<Vec<Vec<ListRow>>> {
    let keys = |key: &str, min: usize| {
        format!(
            "SELECT min(id) AS id FROM applicants WHERE company_id = $1 AND merged_into IS NULL \
             AND length({key}) >= {min} GROUP BY {key} HAVING count(*) > 1 ORDER BY min(id) LIMIT {GROUPS}"
        )
    };
    let mut firsts: Vec<i64> = Vec::new();
    for sql in [keys("lower(email)", 3), keys(PHONE_KEY, MIN_PHONE_KEY)] {
        let query = diesel::sql_query(sql).bind::<BigInt, _>(company_id);
        let found = match &mut *conn {
            AnyConnection::Sqlite(c) => query.load::<Id>(c)?,
            AnyConnection::Postgresql(c) => query.load::<Id>(c)?,
        };
        firsts.extend(found.into_iter().map(|r| r.id));
    }
    firsts.sort_unstable();
    firsts.dedup();
    let mut groups: Vec<Vec<ListRow>> = Vec::new();
    let mut seen: Vec<i64> = Vec::new();
    for first in rows_by_ids(conn, &firsts)? {
        if seen.contains(&first.applicant.id) {
            continue;
        }
        let others = of(conn, &first.applicant)?;
        if others.is_empty() {
            continue;
        }
        seen.extend(others.iter().map(|d| d.row.applicant.id));
        let mut group = vec![first];
        group.extend(others.into_iter().map(|d| d.row));
        groups.push(group);
        if groups.len() >= GROUPS {
            break;
        }
    }
    Ok(groups)
}

/// Groups the duplicates page shows at most.
pub const GROUPS: usize = 100;

/// The records merged into this one.
pub fn merged_into(conn: &mut AnyConnection, id: i64) -> QueryResult<Vec<ListRow>> {
    let ids: Vec<i64> = applicants::table
        .filter(applicants::merged_into.eq(id))
        .order(applicants::id.asc())
        .select(applicants::id)
        .load(conn)?;
    rows_by_ids(conn, &ids)
}

/// Why a merge was not done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MergeRefused {
    Itself,
    /// The record to keep is itself merged into another.
    KeptIsMerged,
    /// The other record is merged already.
    AlreadyMerged,
    /// Records are merged into the other one: undo those first.
    HasMerged,
}

impl MergeRefused {
    pub fn message(&self) -> &'static str {
        match self {
            MergeRefused::Itself => "A record cannot be merged into itself.",
            MergeRefused::KeptIsMerged => "This record is merged into another: merge into that one instead.",
            MergeRefused::AlreadyMerged => "That record is merged already.",
            MergeRefused::HasMerged => "Other records are merged into that one: undo those merges first.",
        }
    }
}

/// Hides `other` behind `keep`, both of the scope and of one company (else
/// NotFound: a merge never crosses companies). Both timelines say so.
pub fn merge(
    conn: &mut AnyConnection,
    scope: Scope,
    keep: i64,
    other: i64,
    actor_id: i64,
    ip: &str,
) -> QueryResult<Result<(), MergeRefused>> {
    crate::db::transaction(conn, |c| {
        let kept = find_in_scope(c, scope, keep)?;
        let folded = find_in_scope(c, scope, other)?;
        if kept.company_id != folded.company_id {
            return Err(diesel::result::Error::NotFound);
        }
        let refused = if keep == other {
            Some(MergeRefused::Itself)
        } else if kept.merged_into.is_some() {
            Some(MergeRefused::KeptIsMerged)
        } else if folded.merged_into.is_some() {
            Some(MergeRefused::AlreadyMerged)
        } else if !merged_into(c, other)?.is_empty() {
            Some(MergeRefused::HasMerged)
        } else {
            None
        };
        if let Some(refused) = refused {
            return Ok(Err(refused));
        }
        // Only if nobody merged it meanwhile.
        let done = diesel::update(applicants::table.find(other).filter(applicants::merged_into.is_null()))
            .set((applicants::merged_into.eq(keep), applicants::merged_at.eq(crate::db::now())))
            .execute(c)?;
        if done == 0 {
            return Ok(Err(MergeRefused::AlreadyMerged));
        }
        record_event(
            c,
            keep,
            Some(actor_id),
            event::MERGED,
            &format!("{} (#{other}) merged into this record", folded.name),
            None,
        )?;
        record_event(c, other, Some(actor_id), event::MERGED, &format!("Merged into {} (#{keep})", kept.name), None)?;
        audit_merge(
            c,
            actor_id,
            "applicant.merge",
            other,
            format!("#{other} into #{keep} of company {}", kept.company_id),
            ip,
        )?;
        Ok(Ok(()))
    })
}

/// Brings a merged record back as it was; false when it was not merged.
pub fn unmerge(conn: &mut AnyConnection, scope: Scope, id: i64, actor_id: i64, ip: &str) -> QueryResult<bool> {
    crate::db::transaction(conn, |c| {
        let folded = find_in_scope(c, scope, id)?;
        let Some(keep) = folded.merged_into else { return Ok(false) };
        let done = diesel::update(applicants::table.find(id).filter(applicants::merged_into.eq(keep)))
            .set((applicants::merged_into.eq(None::<i64>), applicants::merged_at.eq(None::<time::PrimitiveDateTime>)))
            .execute(c)?;
        if done == 0 {
            return Ok(false);
        }
        record_event(
            c,
            keep,
            Some(actor_id),
            event::MERGED,
            &format!("Merge of {} (#{id}) undone", folded.name),
            None,
        )?;
        record_event(c, id, Some(actor_id), event::MERGED, &format!("Merge into #{keep} undone"), None)?;
        audit_merge(c, actor_id, "applicant.unmerge", id, format!("#{id} out of #{keep}"), ip)?;
        Ok(true)
    })
}

fn audit_merge(
    c: &mut AnyConnection,
    actor: i64,
    action: &'static str,
    target: i64,
    detail: String,
    ip: &str,
) -> QueryResult<()> {
    let entry =
        AuditRecord { actor_id: Some(actor), action, target_type: "applicant", target_id: Some(target), detail, ip };
    audit::record(c, entry)
}
