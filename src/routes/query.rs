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

/// Page links that keep the other query parameters.
#[derive(Debug, Clone)]
pub struct Pager {
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
    /// The query string without `page`, url-encoded.
    pub base: String,
}

impl Pager {
    pub fn new(page: i64, per_page: i64, total: i64, params: &[(&str, &str)]) -> Self {
        let base = serde_html_form::to_string(params.iter().filter(|(_, v)| !v.is_empty()).collect::<Vec<_>>())
            .unwrap_or_default();
        Pager { page, per_page, total, base }
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }

    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }

    pub fn has_prev(&self) -> bool {
        self.page > 1
    }

    pub fn has_next(&self) -> bool {
        self.page < self.pages()
    }

    pub fn url(&self, page: i64) -> String {
        match (self.base.is_empty(), page) {
            (true, 1) => "?".into(),
            (true, p) => format!("?page={p}"),
            (false, 1) => format!("?{}", self.base),
            (false, p) => format!("?{}&page={p}", self.base),
        }
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
}
