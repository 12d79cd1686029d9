//! A job search: the query string of `/jobs` as people type it, and the
//! search it becomes (words split, never query syntax). Shared by the job
//! pages, saved alerts and their e-mailed digests.

use super::{EmploymentType, RemoteMode};

/// Past this a page number is nonsense (and would overflow the offset): page 1.
const MAX_PAGE: i64 = 100_000_000;
/// Words of one search box that count.
const MAX_WORDS: usize = 8;

/// The categories a job can be filed under.
pub const CATEGORIES: &[&str] = &[
    "Engineering",
    "Data",
    "Design",
    "Product",
    "Marketing",
    "Sales",
    "Customer Support",
    "Finance",
    "People & HR",
    "Operations",
    "Healthcare",
    "Education",
    "Legal",
    "Hospitality",
    "Other",
];

/// Currencies offered for salaries.
pub const CURRENCIES: &[&str] = &[
    "USD", "EUR", "GBP", "CHF", "CAD", "AUD", "NZD", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "JPY", "KRW", "SGD",
    "INR", "BRL", "MXN", "ARS", "ILS", "ZAR", "KES",
];

/// The query string of `/jobs`, as typed (shown back in the form and kept in
/// every link). Read leniently: bad percent-encoding or unknown values never
/// fail the page, they just do not filter.
#[derive(Debug, Clone, Default)]
pub struct JobListParams {
    pub q: String,
    pub location: String,
    pub remote: String,
    pub employment_type: String,
    pub category: String,
    pub salary_min: String,
    pub page: i64,
}

impl JobListParams {
    pub fn parse(query_string: &str) -> Self {
        let mut p = JobListParams { page: 1, ..Default::default() };
        // Lossy: invalid UTF-8 becomes U+FFFD, which is not a word character.
        for (key, value) in url::form_urlencoded::parse(query_string.as_bytes()) {
            let value: String = value.chars().filter(|c| !c.is_control()).take(200).collect();
            let value = value.trim().to_string();
            match key.as_ref() {
                "q" => p.q = value,
                "location" => p.location = value,
                "remote" => p.remote = value,
                "type" => p.employment_type = value,
                "category" => p.category = value,
                "salary_min" => p.salary_min = value,
                // Bounded, so no offset arithmetic can overflow.
                "page" => p.page = value.parse::<i64>().ok().filter(|n| (1..=MAX_PAGE).contains(n)).unwrap_or(1),
                _ => {}
            }
        }
        p
    }

    pub fn remote(&self) -> Option<RemoteMode> {
        self.remote.parse().ok()
    }

    pub fn employment_type(&self) -> Option<EmploymentType> {
        self.employment_type.parse().ok()
    }

    pub fn category(&self) -> Option<&'static str> {
        CATEGORIES.iter().copied().find(|c| *c == self.category)
    }

    /// "60000", "60,000" or "60k".
    pub fn salary_min(&self) -> Option<i64> {
        let s = self.salary_min.trim().to_lowercase().replace([',', ' ', '_'], "");
        let (digits, factor) = match s.strip_suffix('k') {
            Some(d) => (d, 1000),
            None => (s.as_str(), 1),
        };
        digits.parse::<i64>().ok().filter(|n| *n > 0 && *n <= 100_000_000).map(|n| n * factor)
    }

    pub fn to_search(&self, per_page: i64) -> SearchQuery {
        SearchQuery {
            words: words(&self.q, MAX_WORDS),
            location: words(&self.location, MAX_WORDS),
            remote: self.remote(),
            employment_type: self.employment_type(),
            category: self.category().map(str::to_string),
            salary_min: self.salary_min(),
            company_id: None,
            after_id: None,
            page: self.page,
            per_page,
        }
    }

    /// `/jobs?…` with these filters, on `page`, leaving out `without`.
    pub fn url(&self, page: i64, without: &str) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in [
            ("q", &self.q),
            ("location", &self.location),
            ("remote", &self.remote),
            ("type", &self.employment_type),
            ("category", &self.category),
            ("salary_min", &self.salary_min),
        ] {
            if !value.is_empty() && key != without {
                s.append_pair(key, value);
            }
        }
        if page > 1 {
            s.append_pair("page", &page.to_string());
        }
        let query = s.finish();
        if query.is_empty() { "/jobs".into() } else { format!("/jobs?{query}") }
    }

    /// The search as a query string without the page (what a job alert keeps).
    pub fn query_string(&self) -> String {
        self.url(1, "").trim_start_matches("/jobs").trim_start_matches('?').to_string()
    }

    /// The current URL (for "come back here" after saving a job).
    pub fn here(&self) -> String {
        self.url(self.page, "")
    }

    pub fn has_filters(&self) -> bool {
        self.remote().is_some()
            || self.employment_type().is_some()
            || self.category().is_some()
            || self.salary_min().is_some()
            || !self.location.is_empty()
    }
}

/// A search as the data layer runs it: words already split (never query syntax).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct SearchQuery {
    /// Words to find anywhere (title, company, location, description); all must match.
    pub words: Vec<String>,
    /// Words the location must contain.
    pub location: Vec<String>,
    pub remote: Option<RemoteMode>,
    pub employment_type: Option<EmploymentType>,
    pub category: Option<String>,
    /// Least yearly pay (hourly and monthly salaries are converted).
    pub salary_min: Option<i64>,
    pub company_id: Option<i64>,
    /// Only jobs with a larger id (posted later): what a job alert has not sent yet.
    pub after_id: Option<i64>,
    /// 1-based.
    pub page: i64,
    pub per_page: i64,
}

/// English words too common to search for: PostgreSQL's `english`
/// configuration drops them, so SQLite must not require them either.
const STOP_WORDS: &[&str] = &[
    "i",
    "me",
    "my",
    "myself",
    "we",
    "our",
    "ours",
    "ourselves",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "he",
    "him",
    "his",
    "himself",
    "she",
    "her",
    "hers",
    "herself",
    "it",
    "its",
    "itself",
    "they",
    "them",
    "their",
    "theirs",
    "themselves",
    "what",
    "which",
    "who",
    "whom",
    "this",
    "that",
    "these",
    "those",
    "am",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "have",
    "has",
    "had",
    "having",
    "do",
    "does",
    "did",
    "doing",
    "a",
    "an",
    "the",
    "and",
    "but",
    "if",
    "or",
    "because",
    "as",
    "until",
    "while",
    "of",
    "at",
    "by",
    "for",
    "with",
    "about",
    "against",
    "between",
    "into",
    "through",
    "during",
    "before",
    "after",
    "above",
    "below",
    "to",
    "from",
    "up",
    "down",
    "in",
    "out",
    "on",
    "off",
    "over",
    "under",
    "again",
    "further",
    "then",
    "once",
    "here",
    "there",
    "when",
    "where",
    "why",
    "how",
    "all",
    "any",
    "both",
    "each",
    "few",
    "more",
    "most",
    "other",
    "some",
    "such",
    "no",
    "nor",
    "not",
    "only",
    "own",
    "same",
    "so",
    "than",
    "too",
    "very",
    "s",
    "t",
    "can",
    "will",
    "just",
    "don",
    "should",
    "now",
];

/// Splits what a person typed into lower-case words: letters and digits only,
/// so quotes, `*`, `:`, `NEAR(`, `&`, `!`, `-` are separators, never syntax.
/// Common English words are left out; at most `max` distinct words of at most
/// 40 characters are kept.
pub fn words(raw: &str, max: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in raw.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        let word: String = word.chars().take(40).flat_map(char::to_lowercase).collect();
        if STOP_WORDS.contains(&word.as_str()) {
            continue;
        }
        if !out.contains(&word) {
            out.push(word);
        }
        if out.len() == max {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_only_letters_and_digits() {
        assert_eq!(
            words(r#"Rust "developer" OR NEAR(x y) *go* a:b & !c -d"#, 20),
            ["rust", "developer", "near", "x", "y", "go", "b", "c", "d"]
        );
        assert!(words("the and of", 8).is_empty());
        assert_eq!(words("Node.js  C++  Müller", 8), ["node", "js", "c", "müller"]);
        assert!(words("\"*:&!-()", 8).is_empty());
        assert_eq!(words("x y z w v", 3), ["x", "y", "z"]);
        assert_eq!(words("Rust rust RUST", 8), ["rust"]);
    }

    #[test]
    fn params_are_read_leniently() {
        let p = JobListParams::parse("q=%FF%FE+rust&page=-3&remote=moon&type=contract&salary_min=60k");
        assert!(p.q.contains("rust"));
        assert_eq!(p.page, 1);
        assert_eq!(p.remote(), None);
        assert_eq!(p.employment_type(), Some(EmploymentType::Contract));
        assert_eq!(p.salary_min(), Some(60_000));
        for page in ["0", "abc", "99999999999999999999999", "", "9223372036854775807"] {
            assert_eq!(JobListParams::parse(&format!("page={page}")).page, 1, "{page}");
        }
    }

    #[test]
    fn urls_keep_the_filters() {
        let p = JobListParams::parse("q=rust+dev&remote=remote&page=3");
        assert_eq!(p.url(2, ""), "/jobs?q=rust+dev&remote=remote&page=2");
        assert_eq!(p.url(1, "remote"), "/jobs?q=rust+dev");
    }
}
