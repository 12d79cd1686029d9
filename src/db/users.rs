//! Users: rows, sign-up, log-in lookups, session epochs.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::AnyConnection;
use super::schema::users;
use crate::domain::{CompanyRole, Role};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub username: String,
    pub password_hash: String,
    pub role: Role,
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
    /// False from sign-up until the link e-mailed to the address is opened.
    pub email_confirmed: bool,
    /// An employer's part in the company's team (owner for everyone else).
    pub company_role: CompanyRole,
    /// The IANA zone the person reads times in (empty: UTC).
    pub timezone: String,
}

impl User {
    /// The name shown to other people.
    pub fn name(&self) -> &str {
        if self.display_name.is_empty() { &self.username } else { &self.display_name }
    }

    /// Whether the user may change their company's work, not only read it:
    /// everyone but a viewer of an employer's team.
    pub fn changes_company_work(&self) -> bool {
        !(self.role == Role::Employer && self.company_role == CompanyRole::Viewer)
    }

    /// The first letter of the name, for the avatar placeholder.
    pub fn initial(&self) -> String {
        self.name().chars().next().map(|c| c.to_uppercase().to_string()).unwrap_or_default()
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub username: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub company_id: Option<i64>,
    pub display_name: &'a str,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    pub email_confirmed: bool,
    pub timezone: &'a str,
}

/// A new account: the user and, for an employer, the company they name.
pub struct NewAccount<'a> {
    pub email: &'a str,
    /// The person's full name, as they gave it ("" when not asked).
    pub full_name: &'a str,
    pub username: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub company_name: Option<&'a str>,
    /// False for a sign-up (the e-mailed link confirms it).
    pub email_confirmed: bool,
    /// The browser's zone at sign-up (checked: known or empty); a new
    /// company starts on its owner's clock.
    pub timezone: &'a str,
}

/// Creates the account (and its company). Call it inside a transaction.
pub fn create_account(conn: &mut AnyConnection, account: &NewAccount) -> QueryResult<User> {
    let company_id = match account.company_name {
        Some(name) => {
            let company = super::companies::create(conn, name)?;
            if !account.timezone.is_empty() {
                super::companies::set_timezone(conn, company.id, account.timezone)?;
            }
            Some(company.id)
        }
        None => None,
    };
    let now = super::now();
    insert(
        conn,
        &NewUser {
            email: account.email,
            username: account.username,
            password_hash: account.password_hash,
            role: account.role,
            company_id,
            display_name: account.full_name,
            created_at: now,
            updated_at: now,
            email_confirmed: account.email_confirmed,
            timezone: account.timezone,
        },
    )
}

/// The address is proven (its owner opened a link sent to it).
pub fn confirm_email(conn: &mut AnyConnection, id: i64) -> QueryResult<usize> {
    diesel::update(users::table.find(id)).set(users::email_confirmed.eq(true)).execute(conn)
}

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// The active employers of a company: who is told about its applicants (by
/// notification and by e-mail).
pub fn active_employers(conn: &mut AnyConnection, company_id: i64) -> QueryResult<Vec<User>> {
    users::table
        .filter(users::company_id.eq(company_id).and(users::role.eq(Role::Employer)).and(users::is_active.eq(true)))
        .select(User::as_select())
        .order(users::id)
        .load(conn)
}

pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<User> {
    users::table.find(id).select(User::as_select()).first(conn)
}

/// Finds by e-mail (when the value holds `@`) or by user name, ignoring case.
pub fn find_by_login(conn: &mut AnyConnection, login: &str) -> QueryResult<Option<User>> {
    let login = login.trim().to_lowercase();
    let query = users::table.select(User::as_select());
    if login.contains('@') {
        query.filter(lower(users::email).eq(login)).first(conn).optional()
    } else {
        query.filter(lower(users::username).eq(login)).first(conn).optional()
    }
}

pub fn email_taken(conn: &mut AnyConnection, email: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(users::table.filter(lower(users::email).eq(email.to_lowercase()))))
        .get_result(conn)
}

pub fn username_taken(conn: &mut AnyConnection, username: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(users::table.filter(lower(users::username).eq(username.to_lowercase()))))
        .get_result(conn)
}

pub fn insert(conn: &mut AnyConnection, new: &NewUser) -> QueryResult<User> {
    diesel::insert_into(users::table).values(new).returning(users::all_columns).get_result(conn)
}

pub fn set_password(conn: &mut AnyConnection, id: i64, hash: &str) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((users::password_hash.eq(hash), users::updated_at.eq(super::now())))
        .execute(conn)
}

/// Ends every session of the user: a session stores the epoch it was made in
/// and stops counting once the user's epoch moves on.
pub fn bump_session_epoch(conn: &mut AnyConnection, id: i64) -> QueryResult<i32> {
    diesel::update(users::table.find(id))
        .set(users::session_epoch.eq(users::session_epoch + 1))
        .returning(users::session_epoch)
        .get_result(conn)
}

pub fn record_login(conn: &mut AnyConnection, id: i64) -> QueryResult<usize> {
    diesel::update(users::table.find(id)).set(users::last_login_at.eq(super::now())).execute(conn)
}
