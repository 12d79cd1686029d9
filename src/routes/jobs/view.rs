//! What job pages show, computed for templates: salaries, snippets cut into
//! escaped pieces, paths, and the schema.org JSON-LD of a job.

use time::PrimitiveDateTime;

use crate::db::companies::Company;
use crate::db::jobs::{Job, JobCard, MARK_END, MARK_START};
use crate::domain::{EmploymentType, JobStatus, RemoteMode, SalaryPeriod};
use crate::format;

/// A piece of a snippet: plain text, or a matched word (`mark`). Templates
/// escape every piece; only the `<mark>` element around it is ours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    pub mark: bool,
}

/// Splits a snippet marked by the database (\u{2} … \u{3}) into pieces.
pub fn pieces(snippet: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut rest = snippet;
    while let Some(start) = rest.find(MARK_START) {
        if start > 0 {
            out.push(Piece { text: clean(&rest[..start]), mark: false });
        }
        let after = &rest[start + MARK_START.len_utf8()..];
        let end = after.find(MARK_END).unwrap_or(after.len());
        out.push(Piece { text: clean(&after[..end]), mark: true });
        rest = after.get(end + MARK_END.len_utf8()..).unwrap_or("");
    }
    if !rest.is_empty() {
        out.push(Piece { text: clean(rest), mark: false });
    }
    out.retain(|p| !p.text.is_empty());
    out
}

/// One line of text: no stray marks, bullets or line breaks.
fn clean(s: &str) -> String {
    let s: String = s.chars().filter(|c| *c != MARK_START && *c != MARK_END).collect();
    s.replace("\n- ", " · ").replace('\n', " ")
}

/// The first words of a description, for a card without a search snippet:
/// spaces made single, a list item's dash a middle dot, cut at a word after
/// at most `max_chars` characters. Reads no further than it shows (a card
/// is made for every job of every page).
pub fn teaser(description: &str, max_chars: usize) -> String {
    let mut text = String::with_capacity(max_chars + 8);
    let mut chars = 0;
    let lines = description.split('\n').enumerate();
    let words = lines.flat_map(|(i, line)| {
        let item = line.strip_prefix("- ").filter(|_| i > 0);
        item.map(|_| "·").into_iter().chain(item.unwrap_or(line).split_whitespace())
    });
    for word in words.filter(|w| w.chars().any(|c| c != MARK_START && c != MARK_END)) {
        if chars > 0 {
            text.push(' ');
            chars += 1;
        }
        for c in word.chars().filter(|c| *c != MARK_START && *c != MARK_END) {
            text.push(c);
            chars += 1;
        }
        if chars > max_chars {
            break;
        }
    }
    if chars <= max_chars {
        return text;
    }
    let cut: String = text.chars().take(max_chars).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max_chars / 2 => &cut[..i],
        _ => &cut[..],
    };
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':', ' ']))
}

/// "EUR 60,000–75,000 per year", "From USD 40 per hour", or None.
pub fn salary(job: &Job) -> Option<String> {
    let period = job.salary_period.label();
    let cur = &job.salary_currency;
    match (job.salary_min, job.salary_max) {
        (Some(min), Some(max)) if min == max => Some(format!("{cur} {} {period}", format::thousands(&min))),
        (Some(min), Some(max)) => {
            Some(format!("{cur} {}–{} {period}", format::thousands(&min), format::thousands(&max)))
        }
        (Some(min), None) => Some(format!("From {cur} {} {period}", format::thousands(&min))),
        (None, Some(max)) => Some(format!("Up to {cur} {} {period}", format::thousands(&max))),
        (None, None) => None,
    }
}

/// The public path of a company: by slug, unless the slug looks like a number.
pub fn company_path(id: i64, slug: &str) -> String {
    if slug.is_empty() || slug.parse::<i64>().is_ok() {
        format!("/companies/{id}")
    } else {
        format!("/companies/{slug}")
    }
}

/// The logo URL, versioned by the stored name so it can be cached long.
pub fn logo_url(company: &Company) -> Option<String> {
    logo_path_url(company.id, company.logo_path.as_deref())
}

pub fn logo_path_url(company_id: i64, stored: Option<&str>) -> Option<String> {
    let stored = stored?;
    let version: String =
        stored.rsplit('/').next().unwrap_or("").chars().filter(char::is_ascii_alphanumeric).take(12).collect();
    Some(format!("/companies/{company_id}/logo?v={version}"))
}

/// The first letter of a name, for a logo placeholder.
pub fn initial(name: &str) -> String {
    name.chars().find(|c| c.is_alphanumeric()).map(|c| c.to_uppercase().to_string()).unwrap_or_default()
}

/// The CSS class of a status badge.
pub fn status_badge(status: &JobStatus) -> &'static str {
    match status {
        JobStatus::Draft => "badge badge-warning",
        JobStatus::Open => "badge badge-success",
        JobStatus::Closed => "badge",
    }
}

pub fn remote_badge(mode: &RemoteMode) -> &'static str {
    match mode {
        RemoteMode::Remote => "badge badge-primary",
        _ => "badge",
    }
}

/// A card as lists show it.
pub struct CardView {
    pub card: JobCard,
    pub summary: Vec<Piece>,
    pub saved: bool,
    /// When the seeker looking applied to it.
    pub applied: Option<time::PrimitiveDateTime>,
    /// What it matched of the seeker's wishes (Jobs for you).
    pub why: Vec<String>,
}

impl CardView {
    pub fn new(card: JobCard, saved: bool) -> Self {
        let summary = match card.snippet.as_deref() {
            Some(s) if !s.trim().is_empty() => pieces(s),
            _ => vec![Piece { text: teaser(&card.job.description, 220), mark: false }],
        };
        CardView { card, summary, saved, applied: None, why: Vec::new() }
    }

    /// A card as a seeker sees it: whether they saved it, when they applied.
    pub fn for_seeker(card: JobCard, saved: &[i64], applied: &[(i64, time::PrimitiveDateTime)]) -> Self {
        let id = card.job.id;
        let mut view = CardView::new(card, saved.contains(&id));
        view.applied = applied.iter().find(|(job, _)| *job == id).map(|(_, at)| *at);
        view
    }

    pub fn company_path(&self) -> String {
        company_path(self.card.job.company_id, &self.card.company_slug)
    }

    pub fn salary(&self) -> Option<String> {
        salary(&self.card.job)
    }

    pub fn posted(&self) -> String {
        self.card.job.published_at.as_ref().map(format::ago).unwrap_or_default()
    }

    pub fn logo_url(&self) -> Option<String> {
        logo_path_url(self.card.job.company_id, self.card.company_logo.as_deref())
    }

    pub fn initial(&self) -> String {
        initial(&self.card.company_name)
    }
}

fn employment_type_ld(t: EmploymentType) -> &'static str {
    match t {
        EmploymentType::FullTime => "FULL_TIME",
        EmploymentType::PartTime => "PART_TIME",
        EmploymentType::Contract => "CONTRACTOR",
        EmploymentType::Internship => "INTERN",
        EmploymentType::Temporary => "TEMPORARY",
    }
}

fn iso(t: &PrimitiveDateTime) -> String {
    format::iso(t)
}

/// schema.org `JobPosting` for search engines. Rendered with askama's `json`
/// filter, which escapes `<`, `>`, `&` and `'`, so no text can end the script.
pub fn json_ld(job: &Job, company: &Company, base_url: &str) -> serde_json::Value {
    let mut ld = serde_json::json!({
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": job.title,
        "description": job.description,
        "identifier": { "@type": "PropertyValue", "name": company.name, "value": job.id.to_string() },
        "datePosted": job.published_at.as_ref().map(iso),
        "employmentType": employment_type_ld(job.employment_type),
        "industry": job.category,
        "url": format!("{base_url}/jobs/{}", job.id),
        "directApply": true,
        "hiringOrganization": {
            "@type": "Organization",
            "name": company.name,
            "sameAs": (!company.website.is_empty()).then_some(&company.website),
            "logo": logo_url(company).map(|u| format!("{base_url}{u}")),
        },
    });
    if let Some(closes) = &job.closes_at {
        ld["validThrough"] = iso(closes).into();
    }
    if job.remote == RemoteMode::Remote {
        // Google for Jobs: the countries as ISO codes; none named means anywhere.
        ld["jobLocationType"] = "TELECOMMUTE".into();
        let countries: Vec<serde_json::Value> = job
            .remote_countries
            .split_whitespace()
            .map(|code| serde_json::json!({ "@type": "Country", "name": code }))
            .collect();
        if !countries.is_empty() {
            ld["applicantLocationRequirements"] = countries.into();
        }
    } else {
        let mut address = serde_json::json!({ "@type": "PostalAddress" });
        let parts = [("addressLocality", &job.city), ("addressRegion", &job.region), ("addressCountry", &job.country)];
        for (key, value) in parts.into_iter().filter(|(_, v)| !v.is_empty()) {
            address[key] = value.as_str().into();
        }
        if job.city.is_empty() && job.country.is_empty() {
            // A place that could not be read (older free text): its words.
            address["addressLocality"] = job.location.as_str().into();
        }
        ld["jobLocation"] = serde_json::json!({ "@type": "Place", "address": address });
    }
    if job.salary_min.is_some() || job.salary_max.is_some() {
        let unit = match job.salary_period {
            SalaryPeriod::Year => "YEAR",
            SalaryPeriod::Month => "MONTH",
            SalaryPeriod::Hour => "HOUR",
        };
        let mut value = serde_json::json!({ "@type": "QuantitativeValue", "unitText": unit });
        if let Some(min) = job.salary_min {
            value["minValue"] = min.into();
        }
        if let Some(max) = job.salary_max {
            value["maxValue"] = max.into();
        }
        ld["baseSalary"] =
            serde_json::json!({ "@type": "MonetaryAmount", "currency": job.salary_currency, "value": value });
    }
    strip_nulls(&mut ld);
    ld
}

fn strip_nulls(value: &mut serde_json::Value) {
    if let serde_json::Value::Object(map) = value {
        map.retain(|_, v| !v.is_null());
        for v in map.values_mut() {
            strip_nulls(v);
        }
    }
}

/// A description as paragraphs and bullet lists, for the job page.
pub enum Block {
    Heading(String),
    Paragraph(String),
    List(Vec<String>),
}

/// Reads plain text: blank lines separate paragraphs, lines starting with
/// "- " or "* " are bullets, a short line right before a list is a heading.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    for chunk in text.split("\n\n") {
        let mut para: Vec<&str> = Vec::new();
        let mut items: Vec<String> = Vec::new();
        let lines: Vec<&str> = chunk.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        for (i, line) in lines.iter().enumerate() {
            if let Some(item) =
                line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")).or_else(|| line.strip_prefix("• "))
            {
                if !para.is_empty() {
                    out.push(Block::Paragraph(para.join(" ")));
                    para.clear();
                }
                items.push(item.trim().to_string());
                continue;
            }
            if !items.is_empty() {
                out.push(Block::List(std::mem::take(&mut items)));
            }
            let next_is_item =
                lines.get(i + 1).is_some_and(|n| n.starts_with("- ") || n.starts_with("* ") || n.starts_with("• "));
            if next_is_item && para.is_empty() && line.chars().count() <= 60 && !line.ends_with('.') {
                out.push(Block::Heading(line.to_string()));
            } else {
                para.push(line);
            }
        }
        if !para.is_empty() {
            out.push(Block::Paragraph(para.join(" ")));
        }
        if !items.is_empty() {
            out.push(Block::List(items));
        }
    }
    out
}

/// A piece of a description's line: text, or a web address shown as a link.
#[derive(Debug, PartialEq, Eq)]
pub enum Span<'a> {
    Text(&'a str),
    Link(&'a str),
}

/// Splits a line at its web addresses (`linkify`); only http and https
/// become links, so no other scheme (`javascript://…`) ever reaches an href.
pub fn spans(text: &str) -> Vec<Span<'_>> {
    let mut finder = linkify::LinkFinder::new();
    finder.kinds(&[linkify::LinkKind::Url]).url_must_have_scheme(true);
    finder
        .spans(text)
        .map(|span| {
            let s = span.as_str();
            let web = s.get(..8).is_some_and(|p| p.eq_ignore_ascii_case("https://"))
                || s.get(..7).is_some_and(|p| p.eq_ignore_ascii_case("http://"));
            if span.kind().is_some() && web { Span::Link(s) } else { Span::Text(s) }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_addresses_become_links_and_nothing_else_does() {
        assert_eq!(
            spans("Apply at https://acme.example/jobs?id=1. Or (see http://x.example/a_(b))!"),
            vec![
                Span::Text("Apply at "),
                Span::Link("https://acme.example/jobs?id=1"),
                Span::Text(". Or (see "),
                Span::Link("http://x.example/a_(b)"),
                Span::Text(")!"),
            ]
        );
        for hostile in ["javascript://%0aalert(1)", "data://text/html,x", "ftp://files.example/x"] {
            assert_eq!(spans(hostile), vec![Span::Text(hostile)], "{hostile}");
        }
    }

    #[test]
    fn snippets_become_escaped_pieces() {
        let p = pieces("We use \u{2}Rust\u{3} <b>daily</b> and \u{2}rust\u{3}");
        assert_eq!(
            p,
            vec![
                Piece { text: "We use ".into(), mark: false },
                Piece { text: "Rust".into(), mark: true },
                Piece { text: " <b>daily</b> and ".into(), mark: false },
                Piece { text: "rust".into(), mark: true },
            ]
        );
        // A mark left open by a truncated snippet ends at the end.
        assert_eq!(pieces("a \u{2}b").last().unwrap(), &Piece { text: "b".into(), mark: true });
    }

    #[test]
    fn teaser_cuts_at_a_word() {
        assert_eq!(teaser("one two three four five", 12), "one two…");
        assert_eq!(teaser("short", 12), "short");
    }

    #[test]
    fn teaser_makes_one_line() {
        let marked = format!("We {MARK_START}build{MARK_END}:\r\n- one\n-  two  \n\n three\n-four");
        assert_eq!(teaser(&marked, 100), "We build: · one · two three -four");
        assert_eq!(teaser("- first line\n\tsecond", 100), "- first line second");
    }

    #[test]
    fn descriptions_become_blocks() {
        let b = blocks("Intro line.\n\nWhat you do\n- One\n- Two\n\nBye.");
        assert!(matches!(&b[0], Block::Paragraph(p) if p == "Intro line."));
        assert!(matches!(&b[1], Block::Heading(h) if h == "What you do"));
        assert!(matches!(&b[2], Block::List(items) if items.len() == 2));
        assert!(matches!(&b[3], Block::Paragraph(p) if p == "Bye."));
    }
}
