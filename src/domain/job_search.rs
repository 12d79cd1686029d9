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

/// How results are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Sort {
    /// Best match first (newest first when no words are given).
    #[default]
    Relevance,
    Newest,
    /// Highest yearly pay (in the site's currency) first.
    Pay,
}

impl Sort {
    pub const ALL: [Sort; 3] = [Sort::Relevance, Sort::Newest, Sort::Pay];

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Newest => "newest",
            Sort::Pay => "pay",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Relevance => "Best match",
            Sort::Newest => "Newest",
            Sort::Pay => "Highest pay",
        }
    }
}

/// "Posted within": days, and how the filter reads.
pub const POSTED: &[(i64, &str)] = &[(1, "Last 24 hours"), (7, "Last 7 days"), (30, "Last 30 days")];

/// Pay bands a search offers: at least this much a year (site currency).
pub const PAY_BANDS: &[i64] = &[30_000, 50_000, 80_000, 100_000, 150_000];

/// Most values one filter keeps (a URL with more is nonsense).
const MAX_VALUES: usize = 20;

/// The query string of `/jobs`, as typed (shown back in the form and kept in
/// every link). Read leniently: bad percent-encoding or unknown values never
/// fail the page, they just do not filter. Work place, employment type,
/// category and country take several values (`remote=remote&remote=hybrid`).
#[derive(Debug, Clone, Default)]
pub struct JobListParams {
    /// `for=me`: "Jobs for you", ranked from the seeker's preferences.
    pub for_me: bool,
    pub q: String,
    pub location: String,
    /// Km around the place of `location` (one of `gazetteer::RADII`).
    pub radius: String,
    pub remote: Vec<String>,
    pub employment_type: Vec<String>,
    pub category: Vec<String>,
    pub country: Vec<String>,
    pub posted: String,
    pub salary_min: String,
    pub sort: String,
    pub page: i64,
}

/// The keys of the filters that take several values.
const MULTI: &[&str] = &["remote", "type", "category", "country"];

impl JobListParams {
    pub fn parse(query_string: &str) -> Self {
        let mut p = JobListParams { page: 1, ..Default::default() };
        // Lossy: invalid UTF-8 becomes U+FFFD, which is not a word character.
        for (key, value) in url::form_urlencoded::parse(query_string.as_bytes()) {
            let value: String = value.chars().filter(|c| !c.is_control()).take(200).collect();
            let value = value.trim().to_string();
            let list = match key.as_ref() {
                "q" => {
                    p.q = value;
                    continue;
                }
                "location" => {
                    p.location = value;
                    continue;
                }
                "radius" => {
                    p.radius = value;
                    continue;
                }
                "for" => {
                    p.for_me = value == "me";
                    continue;
                }
                "posted" => {
                    p.posted = value;
                    continue;
                }
                "salary_min" => {
                    p.salary_min = value;
                    continue;
                }
                "sort" => {
                    p.sort = value;
                    continue;
                }
                // Bounded, so no offset arithmetic can overflow.
                "page" => {
                    p.page = value.parse::<i64>().ok().filter(|n| (1..=MAX_PAGE).contains(n)).unwrap_or(1);
                    continue;
                }
                "remote" => &mut p.remote,
                "type" => &mut p.employment_type,
                "category" => &mut p.category,
                "country" => &mut p.country,
                _ => continue,
            };
            if !value.is_empty() && !list.contains(&value) && list.len() < MAX_VALUES {
                list.push(value);
            }
        }
        // Jobs for you are the seeker's preferences, nothing else.
        if p.for_me {
            return JobListParams { for_me: true, page: p.page, ..Default::default() };
        }
        p
    }

    pub fn remote(&self) -> Vec<RemoteMode> {
        self.remote.iter().filter_map(|v| v.parse().ok()).collect()
    }

    pub fn employment_type(&self) -> Vec<EmploymentType> {
        self.employment_type.iter().filter_map(|v| v.parse().ok()).collect()
    }

    pub fn category(&self) -> Vec<&'static str> {
        CATEGORIES.iter().copied().filter(|c| self.category.iter().any(|v| v == c)).collect()
    }

    /// ISO 3166-1 alpha-2 codes of known countries.
    pub fn country(&self) -> Vec<String> {
        self.country
            .iter()
            .map(|c| c.to_ascii_uppercase())
            .filter(|c| c.len() == 2 && super::place::country_name(c).is_some())
            .collect()
    }

    /// Posted within this many days.
    pub fn posted(&self) -> Option<i64> {
        POSTED.iter().map(|(days, _)| *days).find(|days| days.to_string() == self.posted)
    }

    pub fn sort(&self) -> Sort {
        Sort::ALL.into_iter().find(|s| s.as_str() == self.sort).unwrap_or_default()
    }

    /// The minimum pay asked for (`money::parse_amount`); none if it is no amount.
    pub fn salary_min(&self) -> Option<i64> {
        super::money::parse_amount(&self.salary_min).ok().flatten()
    }

    pub fn to_search(&self, per_page: i64) -> SearchQuery {
        SearchQuery {
            words: words(&self.q, MAX_WORDS),
            location: words(&self.location, MAX_WORDS),
            near: self.near().map(|(km, city)| Near { city: city.id, km }),
            remote: self.remote(),
            employment_type: self.employment_type(),
            category: self.category().into_iter().map(str::to_string).collect(),
            country: self.country(),
            posted_days: self.posted(),
            salary_min: self.salary_min(),
            sort: self.sort(),
            facets: false,
            company_id: None,
            after_id: None,
            page: self.page,
            per_page,
        }
    }

    /// Every (key, value) of the search, in a fixed order, without the page.
    fn pairs(&self) -> Vec<(&'static str, &str)> {
        let mut pairs = vec![("for", if self.for_me { "me" } else { "" })];
        pairs.extend([("q", self.q.as_str()), ("location", self.location.as_str())]);
        if !self.location.is_empty() && super::gazetteer::radius(&self.radius).is_some() {
            pairs.push(("radius", self.radius.as_str()));
        }
        for (key, values) in MULTI.iter().zip([&self.remote, &self.employment_type, &self.category, &self.country]) {
            pairs.extend(values.iter().map(|v| (*key, v.as_str())));
        }
        pairs.extend([("posted", self.posted.as_str()), ("salary_min", self.salary_min.as_str())]);
        pairs.push(("sort", self.sort.as_str()));
        pairs.retain(|(_, v)| !v.is_empty());
        pairs
    }

    fn url_of<'a>(&'a self, page: i64, keep: impl Fn(&(&str, &str)) -> bool) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in self.pairs().iter().filter(|p| keep(p)) {
            s.append_pair(key, value);
        }
        if page > 1 {
            s.append_pair("page", &page.to_string());
        }
        let query = s.finish();
        if query.is_empty() { "/jobs".into() } else { format!("/jobs?{query}") }
    }

    /// `/jobs?…` with these filters, on `page`, leaving out every value of `without`.
    pub fn url(&self, page: i64, without: &str) -> String {
        self.url_of(page, |(key, _)| *key != without)
    }

    /// Page 1 of this search without one value of a filter (a chip's link).
    pub fn url_without(&self, key: &str, value: &str) -> String {
        // Without a place there is no distance from it.
        self.url_of(1, |(k, v)| !(*k == key && *v == value) && !(key == "location" && *k == "radius"))
    }

    /// The search as a query string without the page (what a job alert keeps).
    pub fn query_string(&self) -> String {
        self.url(1, "").trim_start_matches("/jobs").trim_start_matches('?').to_string()
    }

    /// The current URL (for "come back here" after saving a job).
    pub fn here(&self) -> String {
        self.url(self.page, "")
    }

    /// Each filter value in use: its key, its value as in the URL, and how it reads.
    pub fn in_use(&self) -> Vec<(&'static str, String, String)> {
        let mut out = Vec::new();
        if let Some((km, city)) = self.near() {
            out.push(("location", self.location.clone(), format!("Within {km} km of {}", city.label())));
        } else if !self.location.is_empty() {
            out.push(("location", self.location.clone(), format!("In “{}”", self.location)));
        }
        for r in self.remote() {
            out.push(("remote", r.as_str().to_string(), r.label().to_string()));
        }
        for t in self.employment_type() {
            out.push(("type", t.as_str().to_string(), t.label().to_string()));
        }
        for c in self.category() {
            out.push(("category", c.to_string(), c.to_string()));
        }
        for (raw, code) in self.country.iter().zip(self.country()) {
            out.push(("country", raw.clone(), super::place::country_name(&code).unwrap_or(code)));
        }
        if let Some((days, label)) = POSTED.iter().find(|(d, _)| Some(*d) == self.posted()) {
            out.push(("posted", days.to_string(), label.to_string()));
        }
        if let Some(min) = self.salary_min() {
            out.push(("salary_min", self.salary_min.clone(), format!("{}+ a year", crate::format::thousands(&min))));
        }
        out
    }

    /// The distance asked for and the city it is measured from, when the
    /// place names a city of the gazetteer.
    pub fn near(&self) -> Option<(u32, &'static super::gazetteer::City)> {
        let km = super::gazetteer::radius(&self.radius)?;
        Some((km, super::gazetteer::find(&self.location)?))
    }

    /// A distance asked for around a place that is no city we know.
    pub fn place_unknown(&self) -> bool {
        !self.location.is_empty() && super::gazetteer::radius(&self.radius).is_some() && self.near().is_none()
    }

    pub fn has_filters(&self) -> bool {
        !self.remote().is_empty()
            || !self.employment_type().is_empty()
            || !self.category().is_empty()
            || !self.country().is_empty()
            || self.posted().is_some()
            || self.salary_min().is_some()
            || !self.location.is_empty()
    }
}

/// A search as the data layer runs it: words already split (never query syntax).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct SearchQuery {
    /// Words to find anywhere (title, company, location, description); all must match.
    pub words: Vec<String>,
    /// Words the location must contain (unless `near` says where).
    pub location: Vec<String>,
    /// Jobs within a distance of a city, and remote jobs open to its country.
    pub near: Option<Near>,
    /// Any of these (none: all).
    pub remote: Vec<RemoteMode>,
    pub employment_type: Vec<EmploymentType>,
    pub category: Vec<String>,
    /// ISO 3166-1 alpha-2 codes.
    pub country: Vec<String>,
    /// Published within this many days.
    pub posted_days: Option<i64>,
    /// Least yearly pay (hourly and monthly salaries are converted).
    pub salary_min: Option<i64>,
    pub sort: Sort,
    /// Count the values of each filter too (`FacetCounts`): the job list does.
    pub facets: bool,
    pub company_id: Option<i64>,
    /// Only jobs with a larger id (posted later): what a job alert has not sent yet.
    pub after_id: Option<i64>,
    /// 1-based.
    pub page: i64,
    pub per_page: i64,
}

/// A distance around a city of the gazetteer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Near {
    /// Its GeoNames id.
    pub city: u32,
    pub km: u32,
}

/// How many jobs of a search each filter value would give: for work place,
/// employment type, category and country, the search without that filter's
/// own values (so choosing another adds to it); for date posted and pay,
/// how many of the search without that filter are at least as recent
/// (`POSTED`) or pay at least as much (`PAY_BANDS`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FacetCounts {
    pub remote: Vec<(String, u64)>,
    pub employment_type: Vec<(String, u64)>,
    pub category: Vec<(String, u64)>,
    pub country: Vec<(String, u64)>,
    pub posted: Vec<u64>,
    pub pay: Vec<u64>,
}

impl FacetCounts {
    /// The count of `value` in a list (0 when absent).
    pub fn of(list: &[(String, u64)], value: &str) -> u64 {
        list.iter().find(|(v, _)| v == value).map(|(_, n)| *n).unwrap_or(0)
    }
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
        assert!(p.remote().is_empty());
        assert_eq!(p.employment_type(), [EmploymentType::Contract]);
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
        let p = JobListParams::parse("remote=remote&type=contract&remote=hybrid&remote=remote&country=de&sort=pay");
        assert_eq!(p.remote(), [RemoteMode::Remote, RemoteMode::Hybrid], "several values, each once");
        assert_eq!(p.country(), ["DE"]);
        assert_eq!(p.sort(), Sort::Pay);
        assert_eq!(p.url_without("remote", "remote"), "/jobs?remote=hybrid&type=contract&country=de&sort=pay");
    }
}
