//! Companies: rows, sign-up's `create`, the public page's lookups and the
//! employer's profile edits.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::AnyConnection;
use super::schema::companies;
use crate::domain::PayRule;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = companies)]
pub struct Company {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub website: String,
    pub description: String,
    pub location: String,
    pub logo_path: Option<String>,
    pub created_at: PrimitiveDateTime,
    pub updated_at: PrimitiveDateTime,
    pub pay_rule: PayRule,
    /// Rejected applicants are anonymised this many days after their last
    /// change (None: kept).
    pub retention_days: Option<i32>,
    /// The IANA zone the team enters closing dates and interview times in (empty: UTC).
    pub timezone: String,
}

pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Company> {
    companies::table.find(id).select(Company::as_select()).first(conn)
}

/// A company by its number or by its slug (`/companies/42`, `/companies/acme`).
pub fn find_by_key(conn: &mut AnyConnection, key: &str) -> QueryResult<Company> {
    // A slug never holds a control character (and PostgreSQL refuses NUL in text).
    if key.chars().any(char::is_control) {
        return Err(diesel::result::Error::NotFound);
    }
    match key.parse::<i64>() {
        Ok(id) => find(conn, id),
        Err(_) => companies::table.filter(companies::slug.eq(key)).select(Company::as_select()).first(conn),
    }
}

/// What an employer edits on the company profile (validated by the form).
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = companies, treat_none_as_null = true)]
pub struct CompanyProfile {
    pub name: String,
    pub website: String,
    pub description: String,
    pub location: String,
    pub pay_rule: PayRule,
    /// Days after which rejected applicants are anonymised (None: kept).
    pub retention_days: Option<i32>,
    /// The zone the team enters dates in (empty: UTC).
    pub timezone: String,
}

/// Writes the profile; the slug stays, so links to the company keep working.
pub fn update_profile(conn: &mut AnyConnection, id: i64, profile: &CompanyProfile) -> QueryResult<Company> {
    diesel::update(companies::table.find(id))
        .set((profile, companies::updated_at.eq(super::now())))
        .returning(companies::all_columns)
        .get_result(conn)
}

/// Points the company at a new logo file; returns the previous one (to delete
/// after commit).
pub fn set_logo(conn: &mut AnyConnection, id: i64, logo_path: &str) -> QueryResult<Option<String>> {
    super::transaction(conn, |conn| {
        let old: Option<String> = companies::table.find(id).select(companies::logo_path).first(conn)?;
        diesel::update(companies::table.find(id))
            .set((companies::logo_path.eq(logo_path), companies::updated_at.eq(super::now())))
            .execute(conn)?;
        Ok(old)
    })
}

/// Companies of one name that may be made at the same moment.
const MAX_SLUG_TRIES: usize = 100;

/// Creates a company with a unique slug made from its name (`acme`, `acme-2`, …).
/// Two companies of one name made at the same moment: the second's insert
/// meets the unique index inside a savepoint and takes the next free slug.
/// The zone the team enters dates in (an IANA name, checked by the caller).
pub fn set_timezone(conn: &mut AnyConnection, id: i64, zone: &str) -> QueryResult<usize> {
    diesel::update(companies::table.find(id)).set(companies::timezone.eq(zone)).execute(conn)
}

pub fn create(conn: &mut AnyConnection, name: &str) -> QueryResult<Company> {
    let base = slugify(name);
    let mut tries = 0;
    loop {
        let taken: Vec<String> = companies::table
            .filter(companies::slug.eq(&base).or(companies::slug.like(format!("{base}-%"))))
            .select(companies::slug)
            .load(conn)?;
        let slug = (1..)
            .map(|n| if n == 1 { base.clone() } else { format!("{base}-{n}") })
            .find(|s| !taken.contains(s))
            .expect("an unused slug exists");
        let now = super::now();
        let inserted = super::transaction(conn, |c| {
            diesel::insert_into(companies::table)
                .values((
                    companies::name.eq(name),
                    companies::slug.eq(slug),
                    companies::created_at.eq(now),
                    companies::updated_at.eq(now),
                ))
                .returning(companies::all_columns)
                .get_result(c)
        });
        match inserted {
            // Each failure means another company of this name committed
            // (the insert waited for it), so the next read sees one more
            // slug taken: as many tries as companies made at once.
            Err(e) if super::is_unique_violation(&e) && tries < MAX_SLUG_TRIES => tries += 1,
            other => return other,
        }
    }
}

/// Lower-case ASCII letters and digits joined by single dashes; never empty.
pub fn slugify(name: &str) -> String {
    let slug = crate::domain::slug(name);
    if slug.is_empty() { "company".into() } else { slug }
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugify_keeps_ascii_words() {
        assert_eq!(super::slugify("Acme & Sons, Ltd."), "acme-sons-ltd");
        assert_eq!(super::slugify("  ***  "), "company");
        assert_eq!(super::slugify("Über GmbH"), "ber-gmbh");
    }
}
