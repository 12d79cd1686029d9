//! Profiles (the personal fields of `users`), profile pictures and a seeker's
//! job preferences.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::AnyConnection;
use super::schema::{applicants, seeker_preferences, users};

/// The fields a person edits on their profile.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = users)]
pub struct ProfileChanges<'a> {
    pub display_name: &'a str,
    pub headline: &'a str,
    pub location: &'a str,
    pub phone: &'a str,
    pub skills: &'a str,
    pub timezone: &'a str,
    pub updated_at: PrimitiveDateTime,
}

pub fn update(conn: &mut AnyConnection, user_id: i64, changes: &ProfileChanges) -> QueryResult<usize> {
    diesel::update(users::table.find(user_id)).set(changes).execute(conn)
}

/// Sets (or clears) the picture and returns the one it replaces, so the
/// caller can remove that file once the change is committed.
pub fn set_avatar(conn: &mut AnyConnection, user_id: i64, stored_name: Option<&str>) -> QueryResult<Option<String>> {
    super::transaction(conn, |c| {
        let old: Option<String> = users::table.find(user_id).select(users::avatar_path).first(c)?;
        diesel::update(users::table.find(user_id))
            .set((users::avatar_path.eq(stored_name), users::updated_at.eq(super::now())))
            .execute(c)?;
        Ok(old)
    })
}

/// Who may see a person's picture: themselves, admins, and the employers of
/// a company they applied to (withdrawn applications included).
pub fn may_see_avatar(conn: &mut AnyConnection, owner_id: i64, viewer: &super::users::User) -> QueryResult<bool> {
    use crate::domain::Role;
    if viewer.id == owner_id || viewer.role == Role::Admin {
        return Ok(true);
    }
    match (viewer.role, viewer.company_id) {
        (Role::Employer, Some(company_id)) => diesel::select(diesel::dsl::exists(
            applicants::table.filter(applicants::seeker_id.eq(owner_id)).filter(applicants::company_id.eq(company_id)),
        ))
        .get_result(conn),
        _ => Ok(false),
    }
}

/// What kind of work a seeker is looking for. Lists are stored as text with
/// one value per line (enum values for employment types).
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = seeker_preferences, treat_none_as_null = true)]
pub struct Preferences {
    pub user_id: i64,
    /// Job titles wanted, one a line.
    pub titles: String,
    pub employment_types: String,
    pub locations: String,
    /// A `RemoteMode` value, or "" for any.
    pub remote: String,
    pub salary_min: Option<i64>,
    pub categories: String,
    pub updated_at: PrimitiveDateTime,
}

pub fn preferences(conn: &mut AnyConnection, user_id: i64) -> QueryResult<Option<Preferences>> {
    seeker_preferences::table.find(user_id).select(Preferences::as_select()).first(conn).optional()
}

/// Inserts or replaces the seeker's preferences (one row per seeker).
pub fn save_preferences(conn: &mut AnyConnection, prefs: &Preferences) -> QueryResult<()> {
    use seeker_preferences::dsl::user_id;
    // `ON CONFLICT` is not available through the multi-connection.
    crate::db::sql::on_backend!(conn, |c| {
        diesel::insert_into(seeker_preferences::table)
            .values(prefs)
            .on_conflict(user_id)
            .do_update()
            .set(prefs)
            .execute(c)
    })?;
    Ok(())
}

/// What a seeker wants ("Jobs for you"): the preferences with the profile's
/// skills. None when the seeker has saved no preferences and no skills.
pub fn wishes(conn: &mut AnyConnection, user_id: i64) -> QueryResult<Option<crate::domain::Wishes>> {
    use crate::domain::Wishes;
    let skills: String = users::table.find(user_id).select(users::skills).first(conn)?;
    Ok(match preferences(conn, user_id)? {
        Some(p) => Some(Wishes::new(
            &p.titles,
            &skills,
            &p.locations,
            &p.remote,
            &p.employment_types,
            &p.categories,
            p.salary_min,
        )),
        None if skills.trim().is_empty() => None,
        None => Some(Wishes::new("", &skills, "", "", "", "", None)),
    })
}
