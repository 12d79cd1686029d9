//! The piece of a description that shows why a job matched, with the
//! matched words marked (`db::jobs::MARK_START` … `MARK_END`).

use tantivy::tokenizer::TextAnalyzer;

use super::query::{Unit, Word};
use crate::db::jobs::{MARK_END, MARK_START};

/// Words a snippet shows.
const WINDOW: usize = 28;
/// How far into a description a snippet looks (characters).
pub const READ: usize = 2000;

/// Letters of the longest word compared (the analysers drop longer ones).
const LONGEST: usize = 48;

/// Whether two words are at most `max` edits apart (no allocation: every
/// text word of a snippet is compared).
fn within(a: &str, b: &str, max: u8) -> bool {
    let (a_len, b_len) = (a.chars().count(), b.chars().count());
    if a_len.abs_diff(b_len) > max as usize || b_len >= LONGEST {
        return false;
    }
    let mut previous = [0usize; LONGEST];
    let mut row = [0usize; LONGEST];
    for (j, slot) in previous.iter_mut().enumerate().take(b_len + 1) {
        *slot = j;
    }
    for (i, ca) in a.chars().enumerate() {
        row[0] = i + 1;
        for (j, cb) in b.chars().enumerate() {
            row[j + 1] = (previous[j] + usize::from(ca != cb)).min(previous[j + 1] + 1).min(row[j] + 1);
        }
        std::mem::swap(&mut previous, &mut row);
    }
    previous[b_len] <= max as usize
}

/// Whether a word of the text (as written) is one of those searched: its
/// prefix, a near spelling or the same stem. The stem is made only when it
/// can match, as stemming every word of every description on a page is what
/// a page would spend its time on: an English stem is its word's start but
/// for its last letter ("happi" of "happy"; the few exceptions, like "die"
/// of "dying", go unmarked).
fn matches(word: &Word, written: &str, stem: &mut impl FnMut() -> String) -> bool {
    let start = word.stem.char_indices().last().map_or(0, |(i, _)| i).max(1).min(word.stem.len());
    (word.prefix && written.starts_with(&word.written))
        || (word.typos > 0 && within(written, &word.written, word.typos))
        || (written.starts_with(&word.stem[..start]) && stem() == word.stem)
}

/// The best window of `text` for these words, marked; `None` when no word shows.
pub fn snippet(words: &mut TextAnalyzer, stems: &mut TextAnalyzer, text: &str, units: &[Unit]) -> Option<String> {
    let wanted: Vec<&Word> = units
        .iter()
        .flat_map(|u| match u {
            Unit::Word(w) => vec![w],
            Unit::AnyOf(members) => members.iter().flatten().collect(),
        })
        .collect();
    let cut = text.char_indices().nth(READ).map(|(i, _)| i);
    let text = &text[..cut.unwrap_or(text.len())];
    // Each word of the text: where it is and whether it matched.
    let mut tokens: Vec<(usize, usize, bool)> = Vec::new();
    let mut stream = words.token_stream(text);
    while stream.advance() {
        let t = stream.token();
        let mut stemmed: Option<String> = None;
        let mut stem = || {
            stemmed
                .get_or_insert_with(|| {
                    let mut s = stems.token_stream(&text[t.offset_from..t.offset_to]);
                    if s.advance() { s.token().text.clone() } else { t.text.clone() }
                })
                .clone()
        };
        let hit = wanted.iter().any(|w| matches(w, &t.text, &mut stem));
        tokens.push((t.offset_from, t.offset_to, hit));
    }
    let hits: Vec<usize> = (0..tokens.len()).filter(|&i| tokens[i].2).collect();
    if hits.is_empty() {
        return None;
    }
    // The window holding the most matches (the earliest of equals), starting
    // a few words before its first.
    let mut best = (0, hits[0]);
    for (k, &start) in hits.iter().enumerate() {
        let count = hits[k..].iter().take_while(|&&h| h < start + WINDOW).count();
        if count > best.0 {
            best = (count, start);
        }
    }
    let first = best.1.saturating_sub(4);
    let last = (first + WINDOW).min(tokens.len()) - 1;
    let mut out = String::new();
    if first > 0 {
        out.push('…');
    }
    let mut at = tokens[first].0;
    for &(from, to, hit) in &tokens[first..=last] {
        out.push_str(&text[at..from]);
        if hit {
            out.push(MARK_START);
            out.push_str(&text[from..to]);
            out.push(MARK_END);
        } else {
            out.push_str(&text[from..to]);
        }
        at = to;
    }
    if last + 1 < tokens.len() || cut.is_some() {
        out.push('…');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_stems_typos_and_prefixes() {
        let (mut words, mut stems) = (super::super::schema::words_analyzer(), super::super::schema::stems_analyzer());
        let word = |written: &str, stem: &str, typos: u8, prefix: bool| Word {
            written: written.into(),
            stem: stem.into(),
            typos,
            prefix,
        };
        let units = vec![
            Unit::Word(word("developer", "develop", 2, false)),
            Unit::Word(word("happy", "happi", 0, false)),
            Unit::Word(word("kub", "kub", 0, true)),
        ];
        let text = "Developers who are happier run Kubernetes; a devloper too, and happy so.";
        let marked = snippet(&mut words, &mut stems, text, &units).unwrap();
        let marks: Vec<&str> =
            marked.split(MARK_START).skip(1).map(|piece| piece.split(MARK_END).next().unwrap()).collect();
        assert_eq!(marks, ["Developers", "Kubernetes", "devloper", "happy"]);
    }

    #[test]
    fn edit_distance() {
        assert!(within("python", "pyhton", 2));
        assert!(!within("python", "pyhton", 1));
        assert!(within("rust", "rust", 0));
        assert!(within("kotlin", "kotln", 1));
        assert!(!within("java", "javascript", 2));
    }
}
