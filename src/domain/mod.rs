//! Validated values: once parsed, a value of these types is known to be good.

mod account;
pub mod applicant;
pub mod applicant_list;
mod enums;
pub mod gazetteer;
pub mod interview;
pub mod job_search;
pub mod money;
pub mod phone;
pub mod place;
mod scope;
pub mod signed;
pub mod text;
pub mod wishes;
pub mod zone;

pub use account::{DisplayText, Email, Password, Username};
pub use applicant::{ApplicantFields, ApplicantSort, AssigneeFilter, MoveTarget, RawApplicantFields, SearchTerms, Tag};
pub use applicant_list::{ApplicantFilter, ApplicantListParams};
pub use enums::*;
pub use job_search::{CATEGORIES, CURRENCIES, FacetCounts, JobListParams, Near, PAY_BANDS, POSTED, SearchQuery, Sort};
pub use scope::CompanyScope;
pub use wishes::Wishes;

/// Lower-case ASCII words joined by `-`, about 60 characters at most: for
/// addresses and file names. Empty when the text has no ASCII letter or digit.
pub fn slug(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.len() >= 60 {
            break;
        }
    }
    slug.trim_end_matches('-').to_string()
}

/// A value stored as TEXT that is one of a fixed set, with a label for people.
/// Generates `as_str`, `label`, `ALL`, `FromStr`, `Display`, serde and diesel
/// (Text) conversions.
#[macro_export]
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $value:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, diesel::AsExpression, diesel::FromSqlRow)]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $value),+ }
            }

            pub fn label(&self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::domain::UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s { $($value => Ok($name::$variant),)+ _ => Err($crate::domain::UnknownValue(stringify!($name))) }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.label()) }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> { s.serialize_str(self.as_str()) }
        }

        impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut diesel::serialize::Output<'b, '_, DB>) -> diesel::serialize::Result {
                self.as_str().to_sql(out)
            }
        }

        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let s = String::from_sql(bytes)?;
                Ok(s.parse()?)
            }
        }
    };
}

/// A text value that is not one of an enum's values.
#[derive(Debug, Clone, thiserror::Error)]
#[error("not a valid {0}")]
pub struct UnknownValue(pub &'static str);
