//! What the search box offers as someone types: job titles and companies
//! that the words typed so far start (the last word as a prefix), and the
//! words of job descriptions (skills, tools) the last word starts, each
//! ranked by how many open jobs have it.

use std::collections::HashMap;

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{Searcher, TantivyDocument, Term};

use super::query::Word;

/// Titles, companies and words offered at most.
const TITLES: usize = 5;
const COMPANIES: usize = 3;
const WORDS: usize = 3;
/// Documents read to find the titles and companies most jobs share.
const READ: usize = 200;
/// Words of the dictionary looked at per segment.
const SCANNED: usize = 5_000;
/// Jobs that must hold a word for it to be offered.
const WORD_MIN_JOBS: u32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Title,
    Company,
    Skill,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    pub text: String,
    pub kind: Kind,
    /// Open jobs with it (among those read, for titles and companies).
    pub jobs: u32,
}

/// Every word but the last as typed, the last also as the start of a word.
fn typed_query(field: Field, words: &[Word]) -> Box<dyn Query> {
    let clauses = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let term = Term::from_field_text(field, &w.written);
            let q: Box<dyn Query> = if i + 1 == words.len() {
                Box::new(FuzzyTermQuery::new_prefix(term, 0, true))
            } else {
                Box::new(TermQuery::new(term, IndexRecordOption::Basic))
            };
            (Occur::Must, q)
        })
        .collect();
    Box::new(BooleanQuery::new(clauses))
}

/// The stored values of `field` among the best documents of `query`, most
/// frequent first (the first seen first among equals; case ignored).
fn frequent(searcher: &Searcher, query: &dyn Query, field: Field, limit: usize) -> tantivy::Result<Vec<(String, u32)>> {
    let found = searcher.search(query, &TopDocs::with_limit(READ))?;
    let mut counts: HashMap<String, (usize, String, u32)> = HashMap::new();
    for (order, (_, address)) in found.into_iter().enumerate() {
        let doc: TantivyDocument = searcher.doc(address)?;
        if let Some(text) = doc.get_first(field).and_then(|v| v.as_str()) {
            let text = text.trim();
            let entry = counts.entry(text.to_lowercase()).or_insert((order, text.to_string(), 0));
            entry.2 += 1;
        }
    }
    let mut list: Vec<(usize, String, u32)> = counts.into_values().collect();
    list.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    Ok(list.into_iter().take(limit).map(|(_, text, n)| (text, n)).collect())
}

/// The terms of `field` that start with `prefix`, held by the most jobs first.
pub fn terms_starting(searcher: &Searcher, field: Field, prefix: &str) -> tantivy::Result<Vec<(String, u32)>> {
    let mut counts: HashMap<String, u32> = HashMap::new();
    for segment in searcher.segment_readers() {
        let index = segment.inverted_index(field)?;
        let mut stream = index.terms().range().ge(prefix.as_bytes()).into_stream()?;
        let mut scanned = 0;
        while stream.advance() && scanned < SCANNED {
            let Ok(word) = std::str::from_utf8(stream.key()) else { continue };
            if !word.starts_with(prefix) {
                break;
            }
            *counts.entry(word.to_string()).or_default() += stream.value().doc_freq;
            scanned += 1;
        }
    }
    let mut list: Vec<(String, u32)> = counts.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(list)
}

/// Suggestions for `words` (as the index has them), titles first.
pub fn suggest(searcher: &Searcher, f: &super::schema::Fields, words: &[Word]) -> tantivy::Result<Vec<Suggestion>> {
    let Some(last) = words.last() else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    for (text, jobs) in frequent(searcher, &*typed_query(f.title_words, words), f.title, TITLES)? {
        out.push(Suggestion { text, kind: Kind::Title, jobs });
    }
    for (text, jobs) in frequent(searcher, &*typed_query(f.company_name, words), f.company_name, COMPANIES)? {
        out.push(Suggestion { text, kind: Kind::Company, jobs });
    }
    // A skill is one word: offered for the first word typed.
    if words.len() == 1 && last.written.chars().count() >= 2 {
        let skills = terms_starting(searcher, f.body_words, &last.written)?
            .into_iter()
            .filter(|(w, n)| *n >= WORD_MIN_JOBS && *w != last.written && w.chars().count() > 2 && !is_stop_word(w))
            .filter(|(w, _)| !out.iter().any(|s| s.text.eq_ignore_ascii_case(w)))
            .take(WORDS)
            .map(|(text, jobs)| Suggestion { text, kind: Kind::Skill, jobs })
            .collect::<Vec<_>>();
        out.extend(skills);
    }
    Ok(out)
}

/// "the", "with", "which": words every description has.
fn is_stop_word(word: &str) -> bool {
    use tantivy::tokenizer::{Language, RawTokenizer, StopWordFilter, TextAnalyzer};
    static STOP: std::sync::LazyLock<TextAnalyzer> = std::sync::LazyLock::new(|| {
        let filter = StopWordFilter::new(Language::English).expect("English stop words are built in");
        TextAnalyzer::builder(RawTokenizer::default()).filter(filter).build()
    });
    !STOP.clone().token_stream(word).advance()
}
