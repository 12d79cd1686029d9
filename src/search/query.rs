//! A search as the index runs it: the words (with synonyms, typos and the
//! last word as a prefix) and the filters.

use std::ops::Bound;

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, RangeQuery, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::TextAnalyzer;
use time::PrimitiveDateTime;

use super::schema::{ANYWHERE, Fields, seconds};
use crate::domain::{SearchQuery, gazetteer};

/// How much a title match weighs against one in the description.
const TITLE_BOOST: f32 = 3.0;
/// The constant scores of near matches (typos, prefixes): below any exact
/// match's BM25 score, so exact matches come first.
const NEAR_TITLE: f32 = 0.3;
const NEAR_BODY: f32 = 0.1;

/// A word as the index has it: as written and as a stem.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub written: String,
    pub stem: String,
    /// Typos allowed: 1 from 5 letters, 2 from 9.
    pub typos: u8,
    /// Also matches the words it starts (the last word typed).
    pub prefix: bool,
}

/// One thing the search asks for: a word, or a group of synonyms (any
/// member, each member all of its words).
#[derive(Debug, Clone, PartialEq)]
pub enum Unit {
    Word(Word),
    AnyOf(Vec<Vec<Word>>),
}

/// Synonym groups: each member a list of words.
#[derive(Debug, Clone, Default)]
pub struct Synonyms(Vec<Vec<Vec<String>>>);

impl Synonyms {
    /// Reads the list: one group per line, members separated by commas,
    /// `#` starts a comment.
    pub fn parse(text: &str) -> Synonyms {
        let groups = text
            .lines()
            .map(|line| line.split('#').next().unwrap_or(""))
            .map(|line| {
                line.split(',')
                    .map(|member| crate::domain::job_search::words(member, 8))
                    .filter(|words| !words.is_empty())
                    .collect::<Vec<_>>()
            })
            .filter(|group| group.len() > 1)
            .collect();
        Synonyms(groups)
    }

    /// The longest member of a group that `words` starts with: (its length, the group).
    fn longest_at(&self, words: &[String]) -> Option<(usize, &Vec<Vec<String>>)> {
        self.0
            .iter()
            .flat_map(|group| group.iter().map(move |member| (member, group)))
            .filter(|(member, _)| words.starts_with(member))
            .max_by_key(|(member, _)| member.len())
            .map(|(member, group)| (member.len(), group))
    }
}

/// Cuts words as the index does.
pub struct Analysers {
    pub words: TextAnalyzer,
    pub stems: TextAnalyzer,
}

impl Analysers {
    fn first_token(analyser: &mut TextAnalyzer, text: &str) -> Option<String> {
        let mut stream = analyser.token_stream(text);
        stream.advance().then(|| stream.token().text.clone())
    }

    pub fn word(&mut self, raw: &str, prefix: bool) -> Option<Word> {
        let written = Self::first_token(&mut self.words, raw)?;
        let stem = Self::first_token(&mut self.stems, raw).unwrap_or_else(|| written.clone());
        let letters = written.chars().count();
        Some(Word { typos: typos(letters), written, stem, prefix: prefix && letters >= 2 })
    }

    /// The units of the words typed: synonym groups found (longest first),
    /// the last word a prefix unless it belongs to a group.
    pub fn units(&mut self, words: &[String], synonyms: &Synonyms) -> Vec<Unit> {
        let mut units = Vec::new();
        let mut i = 0;
        while i < words.len() {
            if let Some((len, group)) = synonyms.longest_at(&words[i..]) {
                let members = group
                    .iter()
                    .map(|member| member.iter().filter_map(|w| self.word(w, false)).collect::<Vec<_>>())
                    .filter(|m| !m.is_empty())
                    .collect();
                units.push(Unit::AnyOf(members));
                i += len;
            } else {
                if let Some(word) = self.word(&words[i], i + 1 == words.len()) {
                    units.push(Unit::Word(word));
                }
                i += 1;
            }
        }
        units
    }
}

/// Edits a word of this many letters may have and still match.
fn typos(letters: usize) -> u8 {
    match letters {
        9.. => 2,
        5..=8 => 1,
        _ => 0,
    }
}

fn boxed(q: impl Query) -> Box<dyn Query> {
    Box::new(q)
}

pub(super) fn boost(q: impl Query, by: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(boxed(q), by))
}

/// Documents holding any of `terms`. A union of term queries: tantivy's
/// `TermSetQuery` builds an FST of its terms for every search, which took a
/// seventh of a search's time with a filter or two.
pub(super) fn any_term(terms: impl IntoIterator<Item = Term>) -> Box<dyn Query> {
    let mut any: Vec<(Occur, Box<dyn Query>)> =
        terms.into_iter().map(|t| (Occur::Should, boxed(TermQuery::new(t, IndexRecordOption::Basic)))).collect();
    match any.len() {
        1 => any.remove(0).1,
        _ => Box::new(BooleanQuery::new(any)),
    }
}

/// A filter: matches or not, adds nothing to the score.
pub(super) fn filter(q: impl Query) -> (Occur, Box<dyn Query>) {
    (Occur::Must, Box::new(ConstScoreQuery::new(boxed(q), 0.0)))
}

pub(super) fn word_query(f: &Fields, w: &Word) -> Box<dyn Query> {
    let title = Term::from_field_text(f.title, &w.stem);
    let body = Term::from_field_text(f.body, &w.stem);
    let mut any: Vec<(Occur, Box<dyn Query>)> = vec![
        (Occur::Should, boost(TermQuery::new(title, IndexRecordOption::WithFreqs), TITLE_BOOST)),
        (Occur::Should, boxed(TermQuery::new(body, IndexRecordOption::WithFreqs))),
    ];
    let title = Term::from_field_text(f.title_words, &w.written);
    let body = Term::from_field_text(f.body_words, &w.written);
    if w.typos > 0 {
        any.push((Occur::Should, boost(FuzzyTermQuery::new(title.clone(), w.typos, true), NEAR_TITLE)));
        any.push((Occur::Should, boost(FuzzyTermQuery::new(body.clone(), w.typos, true), NEAR_BODY)));
    }
    if w.prefix {
        any.push((Occur::Should, boost(FuzzyTermQuery::new_prefix(title, 0, true), NEAR_TITLE)));
        any.push((Occur::Should, boost(FuzzyTermQuery::new_prefix(body, 0, true), NEAR_BODY)));
    }
    Box::new(BooleanQuery::new(any))
}

fn unit_query(f: &Fields, unit: &Unit) -> Box<dyn Query> {
    match unit {
        Unit::Word(w) => word_query(f, w),
        Unit::AnyOf(members) => Box::new(BooleanQuery::new(
            members
                .iter()
                .map(|words| {
                    let all = words.iter().map(|w| (Occur::Must, word_query(f, w))).collect();
                    (Occur::Should, boxed(BooleanQuery::new(all)))
                })
                .collect(),
        )),
    }
}

/// Words of a job that count in finding others like it.
const LIKE_TERMS: usize = 20;

/// Open jobs like one with this title and description, other than `id`:
/// the words that set it apart (a word's count in it times its rarity
/// among the jobs, the title's words counting three times), any of them.
/// (tantivy's MoreLikeThisQuery panics when a word's count of documents
/// still holds deleted ones, as it does between merges.)
pub fn like(
    searcher: &tantivy::Searcher,
    f: &Fields,
    stems: &mut TextAnalyzer,
    job: (i64, &str, &str),
    closes_after: Option<i64>,
) -> Box<dyn Query> {
    let (id, title, description) = job;
    let mut counts: std::collections::HashMap<String, f32> = std::collections::HashMap::new();
    for (text, weight) in [(title, TITLE_BOOST), (description, 1.0)] {
        let mut stream = stems.token_stream(text);
        while stream.advance() {
            if stream.token().text.chars().count() > 1 {
                *counts.entry(stream.token().text.clone()).or_default() += weight;
            }
        }
    }
    let docs = searcher.num_docs().max(1) as f32;
    let mut scored: Vec<(String, f32)> = counts
        .into_iter()
        .filter_map(|(word, count)| {
            let held = searcher.doc_freq(&Term::from_field_text(f.body, &word)).ok()?
                + searcher.doc_freq(&Term::from_field_text(f.title, &word)).ok()?;
            // Held by this job alone (or by no other): it finds nothing else.
            (held > 1).then(|| (word, count * (1.0 + docs / held as f32).ln()))
        })
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let any: Vec<(Occur, Box<dyn Query>)> = scored
        .into_iter()
        .take(LIKE_TERMS)
        .flat_map(|(word, weight)| {
            let term = |field| TermQuery::new(Term::from_field_text(field, &word), IndexRecordOption::WithFreqs);
            [(Occur::Should, boost(term(f.title), weight * TITLE_BOOST)), (Occur::Should, boost(term(f.body), weight))]
        })
        .collect();
    let mut all = vec![
        (Occur::Must, boxed(BooleanQuery::new(any))),
        (Occur::MustNot, boxed(TermQuery::new(Term::from_field_u64(f.id, id as u64), IndexRecordOption::Basic))),
    ];
    if let Some(now) = closes_after {
        all.push(filter(i64_range(f.closes, Bound::Excluded(now))));
    }
    Box::new(BooleanQuery::new(all))
}

/// Jobs in a city within `km` of `centre`, and remote jobs open to people
/// of its country (or anywhere).
pub(super) fn near(f: &Fields, (centre, km): (&gazetteer::City, u32)) -> BooleanQuery {
    let cities = gazetteer::within(centre, km).into_iter().map(|id| Term::from_field_text(f.city, &id.to_string()));
    let remote = [centre.country, ANYWHERE].map(|c| Term::from_field_text(f.remote_in, c));
    BooleanQuery::new(vec![(Occur::Should, any_term(cities)), (Occur::Should, any_term(remote))])
}

pub(super) fn i64_range(field: tantivy::schema::Field, from: Bound<i64>) -> RangeQuery {
    let term = |v: i64| Term::from_field_i64(field, v);
    RangeQuery::new(from.map(term), Bound::Unbounded)
}

/// The whole query: every unit required, the location's words required in
/// the place, the filters, and only jobs not past their closing date.
/// `closing`: some job in the index may be past its closing date (else that
/// filter is left out: it would read every job's date for nothing).
pub fn build(
    f: &Fields,
    q: &SearchQuery,
    units: &[Unit],
    location: &[Word],
    now: PrimitiveDateTime,
    closing: bool,
) -> Box<dyn Query> {
    let mut all: Vec<(Occur, Box<dyn Query>)> = units.iter().map(|u| (Occur::Must, unit_query(f, u))).collect();
    if let Some(centre) = q.near.and_then(|n| gazetteer::by_id(n.city).map(|c| (c, n.km))) {
        all.push(filter(near(f, centre)));
    } else {
        for w in location {
            all.push(filter(TermQuery::new(Term::from_field_text(f.place, &w.written), IndexRecordOption::Basic)));
        }
    }
    if closing {
        all.push(filter(i64_range(f.closes, Bound::Excluded(seconds(now)))));
    }
    let any_of =
        |field, values: Vec<&str>| filter(any_term(values.into_iter().map(|v| Term::from_field_text(field, v))));
    if !q.remote.is_empty() {
        all.push(any_of(f.remote, q.remote.iter().map(|r| r.as_str()).collect()));
    }
    if !q.employment_type.is_empty() {
        all.push(any_of(f.kind, q.employment_type.iter().map(|t| t.as_str()).collect()));
    }
    if !q.category.is_empty() {
        all.push(any_of(f.category, q.category.iter().map(String::as_str).collect()));
    }
    if !q.country.is_empty() {
        all.push(any_of(f.country, q.country.iter().map(String::as_str).collect()));
    }
    if let Some(days) = q.posted_days {
        all.push(filter(i64_range(f.published, Bound::Included(seconds(now) - days * 86_400))));
    }
    if let Some(min) = q.salary_min {
        all.push(filter(i64_range(f.pay, Bound::Included(min))));
    }
    if let Some(company) = q.company_id {
        all.push(filter(TermQuery::new(Term::from_field_u64(f.company, company as u64), IndexRecordOption::Basic)));
    }
    if let Some(after) = q.after_id {
        let term = |v: i64| Term::from_field_u64(f.id, v as u64);
        all.push(filter(RangeQuery::new(Bound::Excluded(term(after)), Bound::Unbounded)));
    }
    if all.is_empty() {
        return Box::new(AllQuery);
    }
    Box::new(BooleanQuery::new(all))
}
