//! "Jobs for you": a seeker's wishes (`domain::Wishes`) as a query, and
//! what each job found matched of them, in words.
//!
//! A job must match something the seeker does (a title's words, a skill, a
//! category) and, when places are given, be near one of them (or remote and
//! open to its country); the work place, employment types and pay wanted
//! only rank it higher.

use std::collections::HashSet;
use std::ops::Bound;

use tantivy::Term;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::TextAnalyzer;

use super::query::{self, Analysers, Word};
use super::schema::Fields;
use crate::db::jobs::Job;
use crate::domain::wishes::NEAR_KM;
use crate::domain::{RemoteMode, Wishes, gazetteer, place};

/// How much a whole title wanted weighs against one skill.
const TITLE_WEIGHT: f32 = 2.0;
/// The lift of a job of the work place, type or pay wanted.
const LIFT: f32 = 1.0;

/// A place wished for: a city of the gazetteer, or words of a place.
enum Place {
    City(&'static gazetteer::City),
    Words(String, Vec<Word>),
}

/// The wishes' words as the index has them (exact: no typos, no prefixes).
pub struct Wanted {
    titles: Vec<(String, Vec<Word>)>,
    skills: Vec<(String, Word)>,
    places: Vec<Place>,
}

pub fn analyse(a: &mut Analysers, w: &Wishes) -> Wanted {
    let mut exact = |text: &str| -> Vec<Word> {
        crate::domain::job_search::words(text, 8)
            .iter()
            .filter_map(|w| a.word(w, false))
            .map(|w| Word { typos: 0, ..w })
            .collect()
    };
    let titles = w.titles.iter().map(|t| (t.clone(), exact(t))).filter(|(_, w)| !w.is_empty()).collect();
    let skills = w.skills.iter().filter_map(|s| Some((s.clone(), exact(s).into_iter().next()?))).collect();
    let places = w
        .places
        .iter()
        .map(|p| match gazetteer::find(p) {
            Some(city) => Place::City(city),
            None => Place::Words(p.clone(), exact(p)),
        })
        .collect();
    Wanted { titles, skills, places }
}

/// A skill of two letters or fewer.
fn is_short(word: &Word) -> bool {
    word.written.chars().count() <= 2
}

fn lift(q: impl Query) -> (Occur, Box<dyn Query>) {
    (Occur::Should, Box::new(ConstScoreQuery::new(Box::new(q), LIFT)))
}

/// The query of `w`; `after`: only jobs with a larger id (an alert's new ones).
pub fn build(f: &Fields, w: &Wishes, wanted: &Wanted, closing_at: Option<i64>, after: Option<i64>) -> Box<dyn Query> {
    let mut what: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (_, words) in &wanted.titles {
        let all = words.iter().map(|w| (Occur::Must, query::word_query(f, w))).collect();
        what.push((Occur::Should, query::boost(BooleanQuery::new(all), TITLE_WEIGHT)));
    }
    for (_, word) in &wanted.skills {
        let q = if is_short(word) {
            // "Go", "R": everyday words in prose, so only in the title.
            let term = Term::from_field_text(f.title, &word.stem);
            Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
        } else {
            query::word_query(f, word)
        };
        what.push((Occur::Should, q));
    }
    if !w.categories.is_empty() {
        let terms = w.categories.iter().map(|c| Term::from_field_text(f.category, c));
        what.push(lift(query::any_term(terms)));
    }
    let mut all: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if !what.is_empty() {
        all.push((Occur::Must, Box::new(BooleanQuery::new(what))));
    }
    let places: Vec<(Occur, Box<dyn Query>)> = wanted
        .places
        .iter()
        .map(|p| -> (Occur, Box<dyn Query>) {
            match p {
                Place::City(city) => (Occur::Should, Box::new(query::near(f, (city, NEAR_KM)))),
                Place::Words(_, words) => {
                    let terms = words.iter().map(|w| {
                        let term = Term::from_field_text(f.place, &w.written);
                        (Occur::Must, Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>)
                    });
                    (Occur::Should, Box::new(BooleanQuery::new(terms.collect())))
                }
            }
        })
        .collect();
    if !places.is_empty() {
        all.push(query::filter(BooleanQuery::new(places)));
    }
    if let Some(mode) = w.remote {
        all.push(lift(TermQuery::new(Term::from_field_text(f.remote, mode.as_str()), IndexRecordOption::Basic)));
    }
    if !w.types.is_empty() {
        all.push(lift(query::any_term(w.types.iter().map(|t| Term::from_field_text(f.kind, t.as_str())))));
    }
    if let Some(min) = w.salary_min {
        all.push(lift(query::i64_range(f.pay, Bound::Included(min))));
    }
    if let Some(now) = closing_at {
        all.push(query::filter(query::i64_range(f.closes, Bound::Excluded(now))));
    }
    if let Some(after) = after {
        let term = |v: i64| Term::from_field_u64(f.id, v as u64);
        all.push(query::filter(tantivy::query::RangeQuery::new(Bound::Excluded(term(after)), Bound::Unbounded)));
    }
    Box::new(BooleanQuery::new(all))
}

fn stems(analyser: &mut TextAnalyzer, texts: &[&str]) -> HashSet<String> {
    let mut out = HashSet::new();
    for text in texts {
        let mut stream = analyser.token_stream(text);
        while stream.advance() {
            out.insert(stream.token().text.clone());
        }
    }
    out
}

/// What `job` (with its whole `description`) matched of the wishes, in
/// words: "Title like “Rust Developer”", "Skills: Rust, SQL", "Near Berlin
/// (27 km)", "Remote", "Full-time", …
pub fn reasons(
    a: &mut Analysers,
    w: &Wishes,
    wanted: &Wanted,
    job: &Job,
    description: &str,
    currency: &str,
) -> Vec<String> {
    let mut out = Vec::new();
    let in_title = stems(&mut a.stems, &[&job.title]);
    if let Some((title, _)) = wanted.titles.iter().find(|(_, words)| words.iter().all(|w| in_title.contains(&w.stem))) {
        out.push(format!("Title like “{title}”"));
    }
    let anywhere = stems(&mut a.stems, &[&job.title, description]);
    let skills: Vec<&str> = wanted
        .skills
        .iter()
        .filter(|(_, w)| if is_short(w) { in_title.contains(&w.stem) } else { anywhere.contains(&w.stem) })
        .map(|(s, _)| s.as_str())
        .collect();
    if !skills.is_empty() {
        out.push(format!("Skills: {}", skills.join(", ")));
    }
    if w.categories.contains(&job.category) {
        out.push(job.category.clone());
    }
    if let Some(place) = place_reason(wanted, job) {
        out.push(place);
    }
    if w.remote == Some(job.remote) {
        out.push(job.remote.label().to_string());
    }
    if w.types.contains(&job.employment_type) {
        out.push(job.employment_type.label().to_string());
    }
    if let (Some(min), Some(pay)) = (w.salary_min, job.pay_yearly)
        && pay >= min
    {
        out.push(format!("Pays {currency} {}+ a year", crate::format::thousands(&min)));
    }
    out
}

/// How the job is near a place wished for.
fn place_reason(wanted: &Wanted, job: &Job) -> Option<String> {
    let city = gazetteer::locate(if job.city.is_empty() { &job.location } else { &job.city }, &job.country);
    let open_to = |country: &str| job.remote_countries.is_empty() || job.remote_countries.contains(country);
    wanted.places.iter().find_map(|p| match p {
        Place::City(wish) if job.remote == RemoteMode::Remote && open_to(wish.country) => {
            let whom = place::country_name(wish.country).unwrap_or_else(|| wish.country.to_string());
            Some(if job.remote_countries.is_empty() {
                "Remote, from anywhere".into()
            } else {
                format!("Remote, open to {whom}")
            })
        }
        Place::City(wish) => {
            let km = city.filter(|_| job.remote != RemoteMode::Remote)?.km_to(wish);
            (km <= f64::from(NEAR_KM)).then(|| format!("Near {} ({} km)", wish.name, km.round() as i64))
        }
        Place::Words(text, words) => {
            let location = crate::domain::gazetteer::key(&job.location);
            words.iter().all(|w| location.split(' ').any(|l| l == w.written)).then(|| format!("In {text}"))
        }
    })
}
