//! Browsing and search: the cards of `/jobs`, a company's open jobs and the
//! home page, and how many match. One function, [`search`], whose SQL is
//! written once per backend (FTS5 on SQLite, tsvector + GIN on PostgreSQL).

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use time::PrimitiveDateTime;

use super::Job;
use crate::db::AnyConnection;
use crate::db::schema::jobs;
use crate::db::sql::{Arg, Backend, Sql};
use crate::domain::{SearchQuery, Sort};

/// A job in a list, with what the list shows of its company, and the
/// highlighted snippet of a search (matches between \u{2} and \u{3}).
/// In lists the description holds only its first few hundred characters.
#[derive(Debug, Clone, QueryableByName)]
pub struct JobCard {
    #[diesel(embed)]
    pub job: Job,
    #[diesel(sql_type = Text)]
    pub company_name: String,
    #[diesel(sql_type = Text)]
    pub company_slug: String,
    /// The stored logo of the company, if it has one.
    #[diesel(sql_type = Nullable<Text>)]
    pub company_logo: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub snippet: Option<String>,
}

/// Marks around the matched words in snippets.
pub const MARK_START: char = '\u{2}';
pub const MARK_END: char = '\u{3}';

/// The most results a search pages through: counting and skipping stay cheap,
/// and nobody reads past page 50 (a narrower search is offered instead).
pub const MAX_RESULTS: i64 = 1000;

#[derive(Debug, Clone)]
pub struct SearchResults {
    pub jobs: Vec<JobCard>,
    /// Matches counted up to `MAX_RESULTS + 1` (more means "more than MAX_RESULTS")
    /// by the database; all of them by the search index.
    pub total: i64,
    /// Counts of each filter's values (the search index, when asked).
    pub facets: Option<std::sync::Arc<crate::domain::FacetCounts>>,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The job columns of a card (description cut short: lists show a teaser).
const CARD_COLUMNS: &str = "j.id, j.company_id, j.created_by, j.title, substr(j.description, 1, 400) AS description, \
     j.location, j.remote, j.employment_type, j.category, j.salary_min, j.salary_max, j.salary_currency, \
     j.salary_period, j.status, j.closes_at, j.published_at, j.created_at, j.updated_at, j.closed_by_admin, \
     j.city, j.region, j.country, j.remote_countries, j.pay_yearly, \
     c.name AS company_name, c.slug AS company_slug, c.logo_path AS company_logo";

/// The conditions every listed job meets, and the filters (not the text match).
fn push_filters(sql: &mut Sql, q: &SearchQuery, now: PrimitiveDateTime) {
    sql.push("j.status = 'open' AND (j.closes_at IS NULL OR j.closes_at > ").arg(Arg::Time(now)).push(")");
    let any_of = |sql: &mut Sql, column: &str, values: Vec<String>| {
        if values.is_empty() {
            return;
        }
        sql.push(" AND ").push(column).push(" IN (");
        for (i, v) in values.into_iter().enumerate() {
            sql.push(if i == 0 { "" } else { ", " }).arg(Arg::Text(v));
        }
        sql.push(")");
    };
    any_of(sql, "j.remote", q.remote.iter().map(|r| r.as_str().to_string()).collect());
    any_of(sql, "j.employment_type", q.employment_type.iter().map(|t| t.as_str().to_string()).collect());
    any_of(sql, "j.category", q.category.clone());
    // A job counts in its country and, when remote, in those it allows.
    for (i, code) in q.country.iter().enumerate() {
        sql.push(if i == 0 { " AND (j.country = " } else { " OR j.country = " }).arg(Arg::Text(code.clone()));
        sql.push(" OR (' ' || j.remote_countries || ' ') LIKE ").arg(Arg::Text(format!("% {code} %")));
    }
    if !q.country.is_empty() {
        sql.push(")");
    }
    if let Some(days) = q.posted_days {
        sql.push(" AND j.published_at > ").arg(Arg::Time(now - time::Duration::days(days)));
    }
    if let Some(min) = q.salary_min {
        sql.push(" AND j.pay_yearly >= ").arg(Arg::Int(min));
    }
    if let Some(company) = q.company_id {
        sql.push(" AND j.company_id = ").arg(Arg::Int(company));
    }
    if let Some(id) = q.after_id {
        sql.push(" AND j.id > ").arg(Arg::Int(id));
    }
}

/// The id of the newest job (0 when there is none).
pub fn max_id(conn: &mut AnyConnection) -> QueryResult<i64> {
    jobs::table.select(diesel::dsl::max(jobs::id)).first::<Option<i64>>(conn).map(|id| id.unwrap_or(0))
}

/// FTS5 query text: every word quoted (a string, never an operator), all
/// required; location words restricted to the location column.
fn fts5_match(q: &SearchQuery) -> String {
    let quote = |w: &String| format!("\"{}\"", w.replace('"', "\"\""));
    let mut parts = Vec::new();
    if !q.words.is_empty() {
        parts.push(format!("({})", q.words.iter().map(quote).collect::<Vec<_>>().join(" ")));
    }
    if !q.location.is_empty() {
        parts.push(format!("{{location}} : ({})", q.location.iter().map(quote).collect::<Vec<_>>().join(" ")));
    }
    parts.join(" AND ")
}

/// PostgreSQL `to_tsquery` text for the location: each word a quoted lexeme
/// of weight C (the location's), all required.
fn pg_location_query(words: &[String]) -> String {
    words.iter().map(|w| format!("'{}':C", w.replace('\'', "''").replace('\\', ""))).collect::<Vec<_>>().join(" & ")
}

/// How many of the newest matches a word search ranks: relevance decides the
/// order among the 1,001 newest matching jobs (after the filters). Ranking
/// every match of a common word ("team" is in most jobs) would cost time in
/// proportion to the whole table; this keeps a search's cost bounded, and
/// paging stops at `MAX_RESULTS` anyway.
const CANDIDATES: i64 = MAX_RESULTS + 1;

/// PostgreSQL looks for the newest matches among the newest ids first (a
/// bitmap AND of the text index and the primary key), and in the whole table
/// only when that window holds too few: rows far back are never read for a
/// common word, and a rare one (few matches anywhere) costs two cheap looks.
const PG_WINDOWS: &[Option<i64>] = &[Some(20_000), None];

/// Open jobs matching the search, best first (by relevance when words were
/// given, else newest first), one page of them, and how many match (counted
/// up to `MAX_RESULTS + 1`). Text match, filters and ranking run in one
/// statement per page; the SQL of each backend is written out here.
pub fn search(conn: &mut AnyConnection, q: &SearchQuery, now: PrimitiveDateTime) -> QueryResult<SearchResults> {
    let per_page = q.per_page.clamp(1, 100);
    let page = q.page.max(1);
    let offset = (page - 1).saturating_mul(per_page);
    if offset >= MAX_RESULTS {
        let total = count(conn, q, now)?;
        return Ok(SearchResults { jobs: Vec::new(), total, facets: None });
    }
    if q.words.is_empty() && q.location.is_empty() {
        return list_newest(conn, q, now, per_page, offset);
    }
    match conn {
        AnyConnection::Sqlite(_) => {
            let sql = sqlite_text_search(q, now, per_page, offset);
            let rows = sql.load::<RankedCard>(conn)?;
            finish(conn, q, now, offset, rows)
        }
        AnyConnection::Postgresql(_) => {
            let max_id: i64 = jobs::table.select(diesel::dsl::max(jobs::id)).first::<Option<i64>>(conn)?.unwrap_or(0);
            crate::db::transaction(conn, |conn| {
                // The bitmap AND of text index and id range is what makes this
                // fast; left alone the planner walks the id index and reads
                // every row's large vector.
                if let AnyConnection::Postgresql(c) = conn {
                    diesel::sql_query("SET LOCAL enable_indexscan = off").execute(c)?;
                }
                let mut rows = Vec::new();
                for window in PG_WINDOWS {
                    let lowest = window.map(|w| max_id - w).filter(|lowest| *lowest > 0);
                    rows = pg_text_search(q, now, per_page, offset, lowest).load::<RankedCard>(conn)?;
                    let candidates = rows.first().map(|r| r.candidates).unwrap_or(0);
                    if lowest.is_none() || candidates >= CANDIDATES {
                        break;
                    }
                    // Fewer than enough in this window (or an empty page): look further back.
                }
                finish(conn, q, now, offset, rows)
            })
        }
    }
}

/// A card of a word search, with the number of candidates it was ranked among.
#[derive(QueryableByName)]
struct RankedCard {
    #[diesel(embed)]
    card: JobCard,
    #[diesel(sql_type = BigInt)]
    candidates: i64,
}

fn finish(
    conn: &mut AnyConnection,
    q: &SearchQuery,
    now: PrimitiveDateTime,
    offset: i64,
    rows: Vec<RankedCard>,
) -> QueryResult<SearchResults> {
    let total = match rows.first() {
        Some(r) => r.candidates,
        // The first page of all the candidates is empty: nothing matches.
        None if offset == 0 => 0,
        // A later page says nothing of the others: count them.
        None => count(conn, q, now)?,
    };
    Ok(SearchResults { jobs: rows.into_iter().map(|r| r.card).collect(), total, facets: None })
}

/// Newest first, no words: one index walk (skipping to the page over the
/// index only), then the page's rows.
fn list_newest(
    conn: &mut AnyConnection,
    q: &SearchQuery,
    now: PrimitiveDateTime,
    per_page: i64,
    offset: i64,
) -> QueryResult<SearchResults> {
    let total = count(conn, q, now)?;
    if offset >= total {
        return Ok(SearchResults { jobs: Vec::new(), total, facets: None });
    }
    let order = match q.sort {
        Sort::Pay => " ORDER BY coalesce(j.pay_yearly, 0) DESC, j.published_at DESC, j.id DESC",
        _ => " ORDER BY j.published_at DESC, j.id DESC",
    };
    let mut sql = Sql::new(Backend::of(conn));
    sql.push("SELECT ").push(CARD_COLUMNS).push(", NULL AS snippet FROM (SELECT j.id FROM jobs j WHERE ");
    push_filters(&mut sql, q, now);
    sql.push(order).push(" LIMIT ").arg(Arg::Int(per_page));
    sql.push(" OFFSET ").arg(Arg::Int(offset));
    sql.push(") p JOIN jobs j ON j.id = p.id JOIN companies c ON c.id = j.company_id");
    sql.push(order);
    Ok(SearchResults { jobs: sql.load::<JobCard>(conn)?, total, facets: None })
}

/// The cards of `ids` that are still listed, in the order of `ids` (a page
/// the search index found).
pub fn cards_by_ids(conn: &mut AnyConnection, ids: &[i64], now: PrimitiveDateTime) -> QueryResult<Vec<JobCard>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(Backend::of(conn));
    sql.push("SELECT ")
        .push(CARD_COLUMNS)
        .push(", NULL AS snippet FROM jobs j JOIN companies c ON c.id = j.company_id");
    sql.push(" WHERE j.status = 'open' AND (j.closes_at IS NULL OR j.closes_at > ").arg(Arg::Time(now)).push(")");
    sql.push(" AND j.id IN (");
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.arg(Arg::Int(*id));
    }
    sql.push(")");
    let mut cards = sql.load::<JobCard>(conn)?;
    cards.sort_by_key(|c| ids.iter().position(|id| *id == c.job.id));
    Ok(cards)
}

/// The full descriptions of `ids` (for search snippets).
pub fn descriptions(conn: &mut AnyConnection, ids: &[i64]) -> QueryResult<Vec<(i64, String)>> {
    jobs::table.filter(jobs::id.eq_any(ids)).select((jobs::id, jobs::description)).load(conn)
}

/// How many jobs match, counted no further than `MAX_RESULTS + 1`.
fn count(conn: &mut AnyConnection, q: &SearchQuery, now: PrimitiveDateTime) -> QueryResult<i64> {
    let backend = Backend::of(conn);
    let text = !q.words.is_empty() || !q.location.is_empty();
    let mut sql = Sql::new(backend);
    sql.push("SELECT count(*) AS n FROM (SELECT 1 FROM ");
    match (text, backend) {
        (false, _) => {
            sql.push("jobs j WHERE ");
        }
        (true, Backend::Sqlite) => {
            sql.push("jobs_fts f JOIN jobs j ON j.id = f.rowid WHERE jobs_fts MATCH ").arg(Arg::Text(fts5_match(q)));
            sql.push(" AND ");
        }
        (true, Backend::Postgres) => {
            sql.push("jobs j WHERE j.search @@ ");
            push_pg_tsquery(&mut sql, q);
            sql.push(" AND ");
        }
    }
    push_filters(&mut sql, q, now);
    if !text && q.company_id.is_none() {
        // In index order, so the walk uses the listing index and stops early.
        sql.push(" ORDER BY j.published_at DESC, j.id DESC");
    }
    sql.push(" LIMIT ").arg(Arg::Int(MAX_RESULTS + 1)).push(") matches");
    Ok(sql.load::<Count>(conn)?.first().map(|c| c.n).unwrap_or(0))
}

/// SQLite: the newest matches straight from the FTS index (rowid order, so
/// it stops after `CANDIDATES`), bm25 for those only, the page in rank order,
/// and snippets for the page only.
fn sqlite_text_search(q: &SearchQuery, now: PrimitiveDateTime, per_page: i64, offset: i64) -> Sql {
    let ranked = !q.words.is_empty();
    let matching = fts5_match(q);
    let mut sql = Sql::new(Backend::Sqlite);
    sql.push("WITH candidates AS MATERIALIZED (SELECT f.rowid AS id, ");
    // Ascending: bm25 is negative, the better the lower.
    sql.push(match q.sort {
        Sort::Pay => "-coalesce(j.pay_yearly, 0)",
        Sort::Relevance if ranked => "f.rank",
        _ => "0.0",
    });
    sql.push(
        " AS score, j.published_at AS published FROM jobs_fts f JOIN jobs j ON j.id = f.rowid WHERE jobs_fts MATCH ",
    );
    sql.arg(Arg::Text(matching.clone())).push(" AND ");
    push_filters(&mut sql, q, now);
    sql.push(" ORDER BY f.rowid DESC LIMIT ").arg(Arg::Int(CANDIDATES)).push(")");
    sql.push(" SELECT ").push(CARD_COLUMNS);
    if ranked {
        sql.push(", snippet(jobs_fts, 1, char(2), char(3), '…', 24) AS snippet");
    } else {
        sql.push(", NULL AS snippet");
    }
    sql.push(", (SELECT count(*) FROM candidates) AS candidates");
    sql.push(" FROM (SELECT * FROM candidates ORDER BY score, published DESC, id DESC LIMIT ").arg(Arg::Int(per_page));
    sql.push(" OFFSET ").arg(Arg::Int(offset)).push(") p");
    sql.push(" JOIN jobs_fts ON jobs_fts.rowid = p.id JOIN jobs j ON j.id = p.id");
    sql.push(" JOIN companies c ON c.id = j.company_id WHERE jobs_fts MATCH ").arg(Arg::Text(matching));
    sql.push(" ORDER BY p.score, p.published DESC, p.id DESC");
    sql
}

/// PostgreSQL: the newest matches (ids above `lowest`, when given), ranked by
/// the small title/company/location vector (title weighs most; a match in
/// the description only ranks after them), headlines for the page only.
fn pg_text_search(q: &SearchQuery, now: PrimitiveDateTime, per_page: i64, offset: i64, lowest: Option<i64>) -> Sql {
    let ranked = !q.words.is_empty();
    let mut sql = Sql::new(Backend::Postgres);
    // The newest matches first, then the rank of those only (a common word
    // matches thousands of rows in the window; ranking them all costs).
    sql.push("WITH newest AS MATERIALIZED (SELECT j.id, j.published_at AS published, j.search_head AS head");
    sql.push(", coalesce(j.pay_yearly, 0) AS pay");
    sql.push(" FROM jobs j WHERE j.search @@ ");
    push_pg_tsquery(&mut sql, q);
    if let Some(lowest) = lowest {
        sql.push(" AND j.id > ").arg(Arg::Int(lowest));
    }
    sql.push(" AND ");
    push_filters(&mut sql, q, now);
    sql.push(" ORDER BY j.id DESC LIMIT ").arg(Arg::Int(CANDIDATES)).push("),");
    sql.push(" candidates AS MATERIALIZED (SELECT id, ");
    match q.sort {
        Sort::Pay => {
            sql.push("pay::real");
        }
        Sort::Relevance if ranked => {
            sql.push("ts_rank('{0.1, 0.2, 0.4, 1.0}', head, ");
            push_pg_tsquery(&mut sql, q);
            sql.push(")");
        }
        _ => {
            sql.push("0.0::real");
        }
    }
    sql.push(" AS score, published FROM newest)");
    sql.push(" SELECT ").push(CARD_COLUMNS);
    if ranked {
        sql.push(", ts_headline('english', j.description, plainto_tsquery('english', ")
            .arg(Arg::Text(q.words.join(" ")))
            .push("), ")
            .arg(Arg::Text(format!(
                "StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=28, MinWords=12, ShortWord=2, \
                 MaxFragments=2, FragmentDelimiter=\" … \""
            )))
            .push(") AS snippet");
    } else {
        sql.push(", NULL AS snippet");
    }
    sql.push(", (SELECT count(*) FROM candidates) AS candidates");
    sql.push(" FROM (SELECT * FROM candidates ORDER BY score DESC, published DESC, id DESC LIMIT ")
        .arg(Arg::Int(per_page));
    sql.push(" OFFSET ").arg(Arg::Int(offset)).push(") p");
    sql.push(" JOIN jobs j ON j.id = p.id JOIN companies c ON c.id = j.company_id");
    sql.push(" ORDER BY p.score DESC, p.published DESC, p.id DESC");
    sql
}

/// The PostgreSQL tsquery of a search: the words (as plain text, so no
/// operator survives) and the location's weight-C words.
fn push_pg_tsquery(sql: &mut Sql, q: &SearchQuery) {
    let words = (!q.words.is_empty()).then(|| q.words.join(" "));
    let location = (!q.location.is_empty()).then(|| pg_location_query(&q.location));
    match (words, location) {
        (Some(w), Some(l)) => {
            sql.push("(plainto_tsquery('english', ").arg(Arg::Text(w));
            sql.push(") && to_tsquery('english', ").arg(Arg::Text(l)).push("))");
        }
        (Some(w), None) => {
            sql.push("plainto_tsquery('english', ").arg(Arg::Text(w)).push(")");
        }
        (None, Some(l)) => {
            sql.push("to_tsquery('english', ").arg(Arg::Text(l)).push(")");
        }
        (None, None) => {
            sql.push("''::tsquery");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fts5_query_quotes_every_word() {
        let q = SearchQuery {
            words: vec!["rust".into(), "near".into()],
            location: vec!["berlin".into()],
            ..Default::default()
        };
        assert_eq!(fts5_match(&q), r#"("rust" "near") AND {location} : ("berlin")"#);
    }

    #[test]
    fn pg_location_query_is_weighted_lexemes() {
        assert_eq!(pg_location_query(&["new".into(), "york".into()]), "'new':C & 'york':C");
    }
}
