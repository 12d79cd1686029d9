//! What a seeker wants, from their job preferences and the skills of their
//! profile: what "Jobs for you" (`/jobs?for=me`) ranks by, and what each of
//! its cards says it matched.

use super::{EmploymentType, RemoteMode};

/// Km around a wished place that count as near it.
pub const NEAR_KM: u32 = 50;

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Wishes {
    /// Job titles wanted ("Rust Developer").
    pub titles: Vec<String>,
    /// The profile's skills ("SQL", "Kubernetes").
    pub skills: Vec<String>,
    /// Places wanted, as written ("Berlin, Germany").
    pub places: Vec<String>,
    pub remote: Option<RemoteMode>,
    pub types: Vec<EmploymentType>,
    pub categories: Vec<String>,
    /// Least yearly pay, in the site's pay currency.
    pub salary_min: Option<i64>,
}

/// One value a line, or (for skills) a comma.
fn list(text: &str, separator: char) -> Vec<String> {
    text.split(separator)
        .map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|v| !v.is_empty())
        .collect()
}

impl Wishes {
    /// From the stored preferences (lists one value a line) and the
    /// profile's skills (comma-separated).
    pub fn new(
        titles: &str,
        skills: &str,
        places: &str,
        remote: &str,
        types: &str,
        categories: &str,
        salary_min: Option<i64>,
    ) -> Wishes {
        Wishes {
            titles: list(titles, '\n'),
            skills: list(skills, ','),
            places: list(places, '\n'),
            remote: remote.parse().ok(),
            types: types.lines().filter_map(|t| t.trim().parse().ok()).collect(),
            categories: list(categories, '\n'),
            salary_min,
        }
    }

    /// Whether there is anything to look for: a title, a skill or a category.
    pub fn says_what(&self) -> bool {
        !(self.titles.is_empty() && self.skills.is_empty() && self.categories.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_stored_lists() {
        let w = Wishes::new(
            "Rust Developer\n\n  Backend   Engineer ",
            "Rust, SQL,, ",
            "Berlin\n",
            "remote",
            "full_time\nbogus",
            "",
            None,
        );
        assert_eq!(w.titles, ["Rust Developer", "Backend Engineer"]);
        assert_eq!(w.skills, ["Rust", "SQL"]);
        assert_eq!(w.places, ["Berlin"]);
        assert_eq!(w.remote, Some(RemoteMode::Remote));
        assert_eq!(w.types, [EmploymentType::FullTime]);
        assert!(w.says_what());
        assert!(!Wishes::new("", "", "Berlin", "", "", "", Some(1)).says_what());
    }
}
