//! Whole rows with explicit ids, and the bulk insert both generators use:
//! multi-row INSERTs on SQLite, binary COPY on PostgreSQL.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use crate::db::AnyConnection;
use crate::db::schema::{applicants, companies, jobs, resumes, users};

#[derive(Insertable)]
#[diesel(table_name = companies, treat_none_as_default_value = false)]
pub struct CompanyRow {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub website: String,
    pub description: String,
    pub location: String,
    pub logo_path: Option<String>,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = users, treat_none_as_default_value = false)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub username: String,
    pub password_hash: String,
    pub role: String,
    pub company_id: Option<i64>,
    pub display_name: String,
    pub headline: String,
    pub location: String,
    pub phone: String,
    pub skills: String,
    pub avatar_path: Option<String>,
    pub is_active: bool,
    pub session_epoch: i32,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    pub last_login_at: Option<PrimitiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = jobs, treat_none_as_default_value = false)]
pub struct JobRow {
    pub id: i64,
    pub company_id: i64,
    pub created_by: Option<i64>,
    pub title: String,
    pub description: String,
    pub location: String,
    pub remote: String,
    pub employment_type: String,
    pub category: String,
    pub salary_min: Option<i64>,
    pub salary_max: Option<i64>,
    pub salary_currency: String,
    pub salary_period: String,
    pub status: String,
    pub closes_at: Option<PrimitiveDateTime>,
    pub published_at: Option<PrimitiveDateTime>,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    pub city: String,
    pub region: String,
    pub country: String,
    pub remote_countries: String,
    pub pay_yearly: Option<i64>,
}

#[derive(Insertable)]
#[diesel(table_name = resumes, treat_none_as_default_value = false)]
pub struct ResumeRow {
    pub id: i64,
    pub user_id: Option<i64>,
    pub file_name: String,
    pub stored_name: String,
    pub size_bytes: i64,
    pub text_content: String,
    pub created_at: PrimitiveDateTime,
    pub deleted_at: Option<PrimitiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = applicants, treat_none_as_default_value = false)]
pub struct ApplicantRow {
    pub id: i64,
    pub company_id: i64,
    pub job_id: Option<i64>,
    pub seeker_id: Option<i64>,
    pub resume_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub current_company: String,
    pub position: String,
    pub location: String,
    pub years_experience: Option<i32>,
    pub status: String,
    pub employment_type: String,
    pub stage: String,
    pub source: String,
    pub cover_letter: String,
    pub withdrawn_at: Option<PrimitiveDateTime>,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
}

/// Inserts rows in large batches: SQLite takes at most 32,766 bound values
/// per statement; PostgreSQL streams them with COPY.
macro_rules! bulk_insert_fn {
    ($name:ident, $row:ty, $table:path, $columns:expr) => {
        pub fn $name(conn: &mut AnyConnection, rows: &[$row]) -> QueryResult<()> {
            match conn {
                AnyConnection::Sqlite(c) => {
                    for chunk in rows.chunks(32_000 / $columns) {
                        diesel::insert_into($table).values(chunk).execute(c)?;
                    }
                }
                AnyConnection::Postgresql(c) => {
                    for chunk in rows.chunks(20_000) {
                        diesel::copy_from($table).from_insertable(chunk).execute(c)?;
                    }
                }
            }
            Ok(())
        }
    };
}

bulk_insert_fn!(insert_companies, CompanyRow, companies::table, 9);
bulk_insert_fn!(insert_users, UserRow, users::table, 17);
bulk_insert_fn!(insert_jobs, JobRow, jobs::table, 23);
bulk_insert_fn!(insert_resumes, ResumeRow, resumes::table, 8);
bulk_insert_fn!(insert_applicants, ApplicantRow, applicants::table, 21);

/// The next free id of each table (ids are given explicitly so rows can
/// refer to each other before they are written).
pub struct NextIds {
    pub company: i64,
    pub user: i64,
    pub job: i64,
    pub resume: i64,
    pub applicant: i64,
}

pub fn next_ids(conn: &mut AnyConnection) -> QueryResult<NextIds> {
    use diesel::dsl::max;
    Ok(NextIds {
        company: companies::table.select(max(companies::id)).first::<Option<i64>>(conn)?.unwrap_or(0) + 1,
        user: users::table.select(max(users::id)).first::<Option<i64>>(conn)?.unwrap_or(0) + 1,
        job: jobs::table.select(max(jobs::id)).first::<Option<i64>>(conn)?.unwrap_or(0) + 1,
        resume: resumes::table.select(max(resumes::id)).first::<Option<i64>>(conn)?.unwrap_or(0) + 1,
        applicant: applicants::table.select(max(applicants::id)).first::<Option<i64>>(conn)?.unwrap_or(0) + 1,
    })
}

/// After explicit ids, PostgreSQL's sequences must move past them.
pub fn fix_sequences(conn: &mut AnyConnection) -> QueryResult<()> {
    if let AnyConnection::Postgresql(c) = conn {
        for table in ["companies", "users", "jobs", "resumes", "applicants"] {
            diesel::sql_query(format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT MAX(id) FROM {table}), 1))"
            ))
            .execute(c)?;
        }
    }
    Ok(())
}
