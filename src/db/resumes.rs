//! Resumes: the stored PDF files of seekers (and of applicants added by hand).

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::AnyConnection;
use super::schema::{applicants, resumes};
use super::users::User;
use crate::domain::Role;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = resumes)]
pub struct Resume {
    pub id: i64,
    /// The seeker it belongs to; None for a resume an employer uploaded with
    /// an applicant added by hand.
    pub user_id: Option<i64>,
    /// The client's file name, sanitised: display text only.
    pub file_name: String,
    /// Where it is, relative to `UPLOAD_DIR` (a generated name).
    pub stored_name: String,
    pub size_bytes: i64,
    pub text_content: String,
    pub created_at: PrimitiveDateTime,
    pub deleted_at: Option<PrimitiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = resumes)]
pub struct NewResume<'a> {
    pub user_id: Option<i64>,
    pub file_name: &'a str,
    pub stored_name: &'a str,
    pub size_bytes: i64,
    pub text_content: &'a str,
    pub created_at: PrimitiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, new: &NewResume) -> QueryResult<Resume> {
    diesel::insert_into(resumes::table).values(new).returning(resumes::all_columns).get_result(conn)
}

/// Keeps a new resume of a seeker who has fewer than `max` (counted under a
/// lock on the seeker, so uploads at once cannot pass it together); `None`
/// when they have `max` already (nothing written).
pub fn insert_within(conn: &mut AnyConnection, new: &NewResume, max: i64) -> QueryResult<Option<Resume>> {
    let owner = new.user_id.expect("a seeker's resume");
    super::transaction(conn, |c| {
        super::lock::take(c, super::lock::Row::User(owner))?;
        if count_for_user(c, owner)? >= max {
            return Ok(None);
        }
        insert(c, new).map(Some)
    })
}

pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Resume> {
    resumes::table.find(id).select(Resume::as_select()).first(conn)
}

/// A resume in its owner's list, with how many applications carry it.
#[derive(Debug, Clone)]
pub struct ListedResume {
    pub resume: Resume,
    pub applications: i64,
}

/// The seeker's resumes (hidden ones left out), newest first.
pub fn list_for_user(conn: &mut AnyConnection, user_id: i64) -> QueryResult<Vec<ListedResume>> {
    let rows: Vec<Resume> = resumes::table
        .filter(resumes::user_id.eq(user_id))
        .filter(resumes::deleted_at.is_null())
        .order(resumes::id.desc())
        .select(Resume::as_select())
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let counts: Vec<(Option<i64>, i64)> = applicants::table
        .filter(applicants::resume_id.eq_any(&ids))
        .group_by(applicants::resume_id)
        .select((applicants::resume_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|resume| {
            let applications = counts.iter().find(|(id, _)| *id == Some(resume.id)).map(|(_, n)| *n).unwrap_or(0);
            ListedResume { resume, applications }
        })
        .collect())
}

/// How many resumes the seeker keeps (hidden ones not counted).
pub fn count_for_user(conn: &mut AnyConnection, user_id: i64) -> QueryResult<i64> {
    resumes::table.filter(resumes::user_id.eq(user_id)).filter(resumes::deleted_at.is_null()).count().get_result(conn)
}

/// The resume if `viewer` may download it: its owner (until they delete it),
/// admins, and the employers of a company it was submitted to. Anyone else
/// gets `None`, exactly as if it did not exist.
pub fn find_for_viewer(conn: &mut AnyConnection, id: i64, viewer: &User) -> QueryResult<Option<Resume>> {
    let Some(resume) = resumes::table.find(id).select(Resume::as_select()).first(conn).optional()? else {
        return Ok(None);
    };
    let allowed = match viewer.role {
        Role::Admin => true,
        _ if resume.user_id == Some(viewer.id) && resume.deleted_at.is_none() => true,
        Role::Employer => match viewer.company_id {
            Some(company_id) => diesel::select(diesel::dsl::exists(
                applicants::table.filter(applicants::resume_id.eq(id)).filter(applicants::company_id.eq(company_id)),
            ))
            .get_result(conn)?,
            None => false,
        },
        _ => false,
    };
    Ok(allowed.then_some(resume))
}

/// The name of the person a resume is about: its seeker, or for a resume
/// added by hand, the applicant it came with (what a download is named after).
pub fn person_name(conn: &mut AnyConnection, resume: &Resume) -> QueryResult<String> {
    use super::schema::users;
    let name = match resume.user_id {
        Some(user_id) => users::table
            .find(user_id)
            .select((users::display_name, users::username))
            .first::<(String, String)>(conn)
            .optional()?
            .map(|(display, username)| if display.is_empty() { username } else { display }),
        None => applicants::table
            .filter(applicants::resume_id.eq(resume.id))
            .select(applicants::name)
            .first::<String>(conn)
            .optional()?,
    };
    Ok(name.unwrap_or_default())
}

/// Locks one of the seeker's own, not deleted resumes for the rest of the
/// transaction (a no-op update takes the row lock on PostgreSQL), so a
/// concurrent delete waits and then sees the application that uses it.
pub fn lock_own(conn: &mut AnyConnection, id: i64, user_id: i64) -> QueryResult<bool> {
    let n = diesel::update(
        resumes::table.find(id).filter(resumes::user_id.eq(user_id)).filter(resumes::deleted_at.is_null()),
    )
    .set(resumes::deleted_at.eq(None::<PrimitiveDateTime>))
    .execute(conn)?;
    Ok(n == 1)
}

/// What deleting a resume did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deleted {
    /// Gone from the database: remove the file (after commit).
    Removed { stored_name: String },
    /// An application uses it: hidden from the seeker, kept for the company.
    Hidden,
}

/// Deletes one of the seeker's resumes: removed when no application uses
/// it, otherwise only hidden (`deleted_at`). `None` if it is not theirs.
pub fn delete_own(conn: &mut AnyConnection, id: i64, user_id: i64) -> QueryResult<Option<Deleted>> {
    super::transaction(conn, |c| {
        // Hide first: the update locks the row, so an application being made
        // with this resume either commits before (and is seen below) or
        // finds the resume gone.
        let hidden = diesel::update(
            resumes::table.find(id).filter(resumes::user_id.eq(user_id)).filter(resumes::deleted_at.is_null()),
        )
        .set(resumes::deleted_at.eq(super::now()))
        .returning(resumes::stored_name)
        .get_result::<String>(c)
        .optional()?;
        let Some(stored_name) = hidden else { return Ok(None) };
        let used: bool = diesel::select(diesel::dsl::exists(applicants::table.filter(applicants::resume_id.eq(id))))
            .get_result(c)?;
        if used {
            return Ok(Some(Deleted::Hidden));
        }
        diesel::delete(resumes::table.find(id)).execute(c)?;
        Ok(Some(Deleted::Removed { stored_name }))
    })
}
