//! Feeds for crawlers and job boards: `/jobs.xml` (RSS 2.0, the newest
//! listed jobs), `/feeds/indeed.xml` (every listed job, Indeed's XML,
//! streamed), `/sitemap.xml` (an index of `/sitemaps/companies.xml` and
//! `/sitemaps/jobs-N.xml`). All answer `304 Not Modified` to a client that
//! holds the current version (`ETag`, the jobs data version, or
//! `Last-Modified`, when it last moved).

use actix_web::http::StatusCode;
use actix_web::http::header::{self, EntityTag, HttpDate, IfModifiedSince, IfNoneMatch};
use actix_web::web::Bytes;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, HttpResponseBuilder, web};
use time::PrimitiveDateTime;
use time::format_description::well_known::Rfc2822;

use crate::db::jobs::feed::{self, FeedJob, FeedStamp};
use crate::error::{AppError, AppResult};
use crate::routes::Routes;
use crate::state::AppState;

pub fn routes(r: &mut Routes) {
    r.get("/jobs.xml", rss)
        .get("/feeds/indeed.xml", indeed)
        .get("/sitemap.xml", sitemap_index)
        .get("/sitemaps/{file}", sitemap_file);
}

/// Items in the RSS feed.
const RSS_ITEMS: i64 = 50;
/// Jobs per window of the streamed Indeed feed.
const WINDOW: i64 = 500;
/// URLs per sitemap file (the protocol allows 50,000).
const SITEMAP_URLS: i64 = 10_000;

/// Text for XML content or attributes.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Not allowed in XML 1.0 at all (control characters, U+FFFE, U+FFFF).
            c if (c.is_control() && !matches!(c, '\n' | '\t' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {}
            c => out.push(c),
        }
    }
    out
}

fn rfc2822(at: PrimitiveDateTime) -> String {
    at.assume_utc().format(&Rfc2822).unwrap_or_default()
}

fn day(at: PrimitiveDateTime) -> String {
    at.date().to_string()
}

/// A feed's validators: its entity tag and its last change.
fn validators(kind: &str, stamp: FeedStamp) -> (EntityTag, HttpDate) {
    let etag = EntityTag::new_weak(format!("{kind}-{}", stamp.version));
    // Whole seconds: what an HTTP date holds, so a date sent back compares equal.
    let at = stamp.changed_at.replace_nanosecond(0).unwrap_or(stamp.changed_at);
    (etag, HttpDate::from(std::time::SystemTime::from(at.assume_utc())))
}

/// The stamp of every feed, and a 304 when the client holds the current one.
async fn validated(req: &HttpRequest, state: &AppState, kind: &str) -> AppResult<(FeedStamp, Option<HttpResponse>)> {
    let stamp = state.db.run(feed::stamp).await?;
    let (etag, modified) = validators(kind, stamp);
    let fresh = match req.get_header::<IfNoneMatch>() {
        Some(IfNoneMatch::Any) => true,
        Some(IfNoneMatch::Items(tags)) => tags.iter().any(|t| t.weak_eq(&etag)),
        // Only without an entity tag does the date decide (RFC 9110 §13.1.3).
        None => req.get_header::<IfModifiedSince>().is_some_and(|since| since.0 >= modified),
    };
    let not_modified = fresh.then(|| with_validators(HttpResponse::NotModified(), &etag, modified).finish());
    Ok((stamp, not_modified))
}

fn with_validators(mut builder: HttpResponseBuilder, etag: &EntityTag, modified: HttpDate) -> HttpResponseBuilder {
    builder
        .insert_header(header::ETag(etag.clone()))
        .insert_header(header::LastModified(modified))
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"));
    builder
}

fn xml_response(kind: &str, stamp: FeedStamp, content_type: &str) -> HttpResponseBuilder {
    let (etag, modified) = validators(kind, stamp);
    let mut builder = with_validators(HttpResponse::build(StatusCode::OK), &etag, modified);
    builder.content_type(content_type);
    builder
}

fn base(state: &AppState) -> String {
    state.settings.base_url.trim_end_matches('/').to_string()
}

/// `GET /jobs.xml`: the newest listed jobs as RSS 2.0.
pub async fn rss(req: HttpRequest, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let (stamp, not_modified) = validated(&req, &state, "rss").await?;
    if let Some(response) = not_modified {
        return Ok(response);
    }
    let now = crate::db::now();
    let jobs = state.db.run(move |c| feed::listed_after(c, now, None, RSS_ITEMS)).await?;
    let base = base(&state);
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n\
         <title>JobConnect: the newest jobs</title>\n<link>{base}/jobs</link>\n\
         <atom:link href=\"{base}/jobs.xml\" rel=\"self\" type=\"application/rss+xml\"/>\n\
         <description>Open positions posted on JobConnect</description>\n<language>en</language>\n\
         <lastBuildDate>{}</lastBuildDate>\n",
        rfc2822(stamp.changed_at)
    );
    for FeedJob { job, company, .. } in &jobs {
        let link = format!("{base}/jobs/{}", job.id);
        let summary: String = job.description.chars().take(600).collect();
        xml.push_str(&format!(
            "<item>\n<title>{}</title>\n<link>{link}</link>\n<guid isPermaLink=\"true\">{link}</guid>\n\
             <pubDate>{}</pubDate>\n<category>{}</category>\n<description>{}</description>\n</item>\n",
            esc(&format!("{} at {company}", job.title)),
            rfc2822(job.published_at.unwrap_or(job.created_at)),
            esc(&job.category),
            esc(&format!("{} · {} · {}\n\n{summary}", job.location, job.remote.label(), job.employment_type.label())),
        ));
    }
    xml.push_str("</channel>\n</rss>\n");
    Ok(xml_response("rss", stamp, "application/rss+xml; charset=utf-8").body(xml))
}

fn indeed_job(base: &str, j: &FeedJob) -> String {
    let job = &j.job;
    let salary = match (job.salary_min, job.salary_max) {
        (Some(min), Some(max)) => format!("{min}-{max} {} {}", job.salary_currency, job.salary_period.label()),
        (Some(n), None) | (None, Some(n)) => format!("{n} {} {}", job.salary_currency, job.salary_period.label()),
        (None, None) => String::new(),
    };
    let mut out = format!(
        "<job>\n<title>{}</title>\n<date>{}</date>\n<referencenumber>{}</referencenumber>\n<url>{base}/jobs/{}</url>\n\
         <company>{}</company>\n<sourcename>{}</sourcename>\n<city>{}</city>\n<description>{}</description>\n\
         <jobtype>{}</jobtype>\n<category>{}</category>\n",
        esc(&job.title),
        rfc2822(job.published_at.unwrap_or(job.created_at)),
        job.id,
        job.id,
        esc(&j.company),
        esc(&j.company),
        esc(&job.location),
        esc(&job.description),
        job.employment_type.as_str().replace('_', ""),
        esc(&job.category),
    );
    if !salary.is_empty() {
        out.push_str(&format!("<salary>{}</salary>\n", esc(&salary)));
    }
    if job.remote.as_str() != "onsite" {
        out.push_str(&format!("<remotetype>{}</remotetype>\n", esc(job.remote.label())));
    }
    if let Some(closes) = job.closes_at {
        out.push_str(&format!("<expirationdate>{}</expirationdate>\n", rfc2822(closes)));
    }
    out.push_str("</job>\n");
    out
}

/// `GET /feeds/indeed.xml`: every listed job in Indeed's XML format, read
/// and sent a window at a time.
pub async fn indeed(req: HttpRequest, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let (stamp, not_modified) = validated(&req, &state, "indeed").await?;
    if let Some(response) = not_modified {
        return Ok(response);
    }
    let now = crate::db::now();
    let head = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<source>\n<publisher>JobConnect</publisher>\n\
         <publisherurl>{}</publisherurl>\n<lastBuildDate>{}</lastBuildDate>\n",
        esc(&base(&state)),
        rfc2822(stamp.changed_at)
    );
    // State: the next window starts after this job; None once the last was sent.
    let start: Option<Option<(PrimitiveDateTime, i64)>> = Some(None);
    let stream =
        futures_util::stream::unfold((state.clone(), start, Some(head)), move |(state, after, head)| async move {
            let after = after?;
            let base = base(&state);
            let window = state.db.run(move |c| feed::listed_after(c, now, after, WINDOW)).await;
            let (bytes, next) = match window {
                Ok(jobs) => {
                    let mut text = head.unwrap_or_default();
                    text.extend(jobs.iter().map(|j| indeed_job(&base, j)));
                    let next = match jobs.last() {
                        Some(last) if jobs.len() as i64 == WINDOW => {
                            Some(Some((last.job.published_at.unwrap_or(last.job.created_at), last.job.id)))
                        }
                        _ => {
                            text.push_str("</source>\n");
                            None
                        }
                    };
                    (Ok(Bytes::from(text)), next)
                }
                Err(e) => {
                    tracing::error!(error = %e, "the Indeed feed stopped");
                    (Err(actix_web::Error::from(e)), None)
                }
            };
            Some((bytes, (state, next, None)))
        });
    Ok(xml_response("indeed", stamp, "application/xml; charset=utf-8").streaming(stream))
}

/// `GET /sitemap.xml`: the index of the sitemap files.
pub async fn sitemap_index(req: HttpRequest, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let (stamp, not_modified) = validated(&req, &state, "sitemap").await?;
    if let Some(response) = not_modified {
        return Ok(response);
    }
    let now = crate::db::now();
    let listed = state.db.run(move |c| feed::listed_count(c, now)).await?;
    let (base, lastmod) = (base(&state), day(stamp.changed_at));
    let files = (listed + SITEMAP_URLS - 1) / SITEMAP_URLS;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let names = std::iter::once("companies".to_string()).chain((1..=files).map(|n| format!("jobs-{n}")));
    for name in names {
        xml.push_str(&format!(
            "<sitemap><loc>{base}/sitemaps/{name}.xml</loc><lastmod>{lastmod}</lastmod></sitemap>\n"
        ));
    }
    xml.push_str("</sitemapindex>\n");
    Ok(xml_response("sitemap", stamp, "application/xml; charset=utf-8").body(xml))
}

fn urlset(urls: impl Iterator<Item = (String, PrimitiveDateTime)>) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (loc, at) in urls {
        xml.push_str(&format!("<url><loc>{}</loc><lastmod>{}</lastmod></url>\n", esc(&loc), day(at)));
    }
    xml.push_str("</urlset>\n");
    xml
}

/// `GET /sitemaps/companies.xml` (every company's page) and
/// `GET /sitemaps/jobs-N.xml` (the N-th window of listed jobs, by id).
pub async fn sitemap_file(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let name = path.into_inner();
    let name = name.strip_suffix(".xml").ok_or(AppError::NotFound)?;
    let jobs_window = match name {
        "companies" => None,
        other => Some(
            other
                .strip_prefix("jobs-")
                .and_then(|n| n.parse::<i64>().ok())
                .filter(|n| (1..=10_000).contains(n))
                .ok_or(AppError::NotFound)?,
        ),
    };
    let (stamp, not_modified) = validated(&req, &state, name).await?;
    if let Some(response) = not_modified {
        return Ok(response);
    }
    let (base, now) = (base(&state), crate::db::now());
    let urls: Vec<(String, PrimitiveDateTime)> = match jobs_window {
        None => {
            let companies = state.db.run(feed::companies).await?;
            companies.into_iter().map(|(slug, at)| (format!("{base}/companies/{slug}"), at)).collect()
        }
        Some(n) => {
            let ids = state.db.run(move |c| feed::listed_ids(c, now, (n - 1) * SITEMAP_URLS, SITEMAP_URLS)).await?;
            if ids.is_empty() && n > 1 {
                return Err(AppError::NotFound);
            }
            ids.into_iter().map(|(id, at)| (format!("{base}/jobs/{id}"), at)).collect()
        }
    };
    Ok(xml_response(name, stamp, "application/xml; charset=utf-8").body(urlset(urls.into_iter())))
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn xml_text_is_escaped_and_stripped_of_what_xml_forbids() {
        assert_eq!(esc("R&D <b>\"x\" 'y'</b>\u{0}\u{8}\n"), "R&amp;D &lt;b&gt;&quot;x&quot; &apos;y&apos;&lt;/b&gt;\n");
        assert_eq!(esc("a\u{FFFE}b\u{FFFF}c\u{FFFD}"), "abc\u{FFFD}");
    }
}
