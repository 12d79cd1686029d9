//! Query strings of list pages: parsed leniently. A mangled or hostile query
//! (duplicate keys, invalid UTF-8, wrong types) falls back to the defaults,
//! so a bookmark never breaks a page.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;

use crate::error::AppError;

pub struct Query<T>(pub T);

impl<T: DeserializeOwned + Default> FromRequest for Query<T> {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Query(serde_html_form::from_str(&without_control_characters(req.query_string())).unwrap_or_default())))
    }
}

/// The query string with control characters dropped from every key and
/// value: no filter means one, and PostgreSQL refuses NUL in text.
fn without_control_characters(query: &str) -> String {
    let clean = |s: std::borrow::Cow<'_, str>| s.chars().filter(|c| !c.is_control()).collect::<String>();
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(query.as_bytes()).map(|(k, v)| (clean(k), clean(v))).collect();
    serde_html_form::to_string(&pairs).unwrap_or_default()
}

/// Whether a query string has a NUL in any name or value, however it is
/// written: the whole request is refused (422) before any handler.
pub fn holds_nul(query: &str) -> bool {
    url::form_urlencoded::parse(query.as_bytes()).any(|(k, v)| k.contains('\0') || v.contains('\0'))
}

/// A 1-based page number from a query value; anything odd is page 1.
pub fn page_number(raw: &str) -> i64 {
    raw.trim().parse::<i64>().ok().filter(|p| *p >= 1 && *p <= 1_000_000).unwrap_or(1)
}

/// The links of a paged list, one shape on every paged page
/// (templates/pager.html): previous and next and, when the number of pages
/// is known, the first, the last and two on each side of this one, with
/// gaps between.
#[derive(Debug, Clone)]
pub struct Pager {
    pub page: i64,
    /// The rows of all pages (0 when not counted).
    pub total: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
    /// Numbered links, `None` for a gap; empty for a single page, or when
    /// the pages are not counted.
    pub links: Vec<Option<PageLink>>,
    /// More pages may follow the last one offered (the count stopped at its cap).
    pub capped: bool,
}

#[derive(Debug, Clone)]
pub struct PageLink {
    pub number: i64,
    pub url: String,
    pub current: bool,
}

impl Pager {
    /// Page `page` of `total` rows, `per_page` to a page; `url` links a page.
    pub fn counted(page: i64, per_page: i64, total: i64, url: impl Fn(i64) -> String) -> Pager {
        let last = ((total + per_page - 1) / per_page).max(1);
        Pager { total, ..Pager::of_pages(page, last, url) }
    }

    /// Page `page` of `last`.
    pub fn of_pages(page: i64, last: i64, url: impl Fn(i64) -> String) -> Pager {
        let mut links = Vec::new();
        if last > 1 {
            let mut numbers: Vec<i64> = vec![1, last];
            numbers.extend((page - 2).max(1)..=(page + 2).min(last));
            numbers.sort_unstable();
            numbers.dedup();
            let mut previous = 0;
            for number in numbers {
                if number > previous + 1 {
                    links.push(None);
                }
                links.push(Some(PageLink { number, url: url(number), current: number == page }));
                previous = number;
            }
        }
        let prev = (page > 1).then(|| url(page - 1));
        let next = (page < last).then(|| url(page + 1));
        Pager { page, total: 0, prev, next, links, capped: false }
    }

    /// Page `page` of a list that is not counted: `has_next` says whether
    /// another follows.
    pub fn uncounted(page: i64, has_next: bool, url: impl Fn(i64) -> String) -> Pager {
        let (prev, next) = ((page > 1).then(|| url(page - 1)), has_next.then(|| url(page + 1)));
        Pager { page, total: 0, prev, next, links: Vec::new(), capped: false }
    }

    /// Marks the count as stopped at its cap: more pages may follow.
    pub fn capped(self, capped: bool) -> Pager {
        Pager { capped, ..self }
    }

    /// Whether there is another page to go to.
    pub fn shown(&self) -> bool {
        self.prev.is_some() || self.next.is_some()
    }
}

/// The query string of `params`, empty values left out, url-encoded.
pub fn query_string(params: &[(&str, &str)]) -> String {
    serde_html_form::to_string(params.iter().filter(|(_, v)| !v.is_empty()).collect::<Vec<_>>()).unwrap_or_default()
}

/// The link to page `page` of a list whose other parameters are `base` (a
/// query string): page 1 has no `page`.
pub fn page_link(base: &str, page: i64) -> String {
    match (base.is_empty(), page) {
        (true, 1) => "?".into(),
        (true, p) => format!("?page={p}"),
        (false, 1) => format!("?{base}"),
        (false, p) => format!("?{base}&page={p}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_never_reach_a_filter() {
        #[derive(Debug, Default, serde::Deserialize)]
        #[serde(default)]
        struct Filter {
            q: String,
            page: String,
        }
        let clean = super::without_control_characters("q=a%00b%0D%0A&page=2&q2=%FF");
        let filter: Filter = serde_html_form::from_str(&clean).unwrap();
        assert_eq!((filter.q.as_str(), filter.page.as_str()), ("ab", "2"));
    }

    #[test]
    fn pages_around_this_one_with_the_first_and_the_last() {
        let numbers = |p: super::Pager| p.links.iter().map(|l| l.as_ref().map_or(0, |l| l.number)).collect::<Vec<_>>();
        let url = |n: i64| format!("?page={n}");
        assert_eq!(numbers(super::Pager::of_pages(1, 1, url)), Vec::<i64>::new());
        assert_eq!(numbers(super::Pager::of_pages(6, 50, url)), vec![1, 0, 4, 5, 6, 7, 8, 0, 50]);
        assert_eq!(numbers(super::Pager::of_pages(1, 3, url)), vec![1, 2, 3]);
        let counted = super::Pager::counted(2, 20, 41, url);
        assert_eq!((counted.prev.as_deref(), counted.next.as_deref()), (Some("?page=1"), Some("?page=3")));
        let last = super::Pager::uncounted(4, false, url);
        assert_eq!((last.prev.as_deref(), last.next, last.links.len()), (Some("?page=3"), None, 0));
        assert_eq!(super::page_link("q=a", 1), "?q=a");
        assert_eq!(super::page_link("", 2), "?page=2");
    }
}
