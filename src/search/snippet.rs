//! The piece of a description that shows why a job matched, with the
//! matched words marked (`db::jobs::MARK_START` … `MARK_END`).

use tantivy::tokenizer::TextAnalyzer;

use super::query::{Unit, Word};
use crate::db::jobs::{MARK_END, MARK_START};

/// Words a snippet shows.
const WINDOW: usize = 28;
/// How far into a description a snippet looks.
const READ: usize = 4000;

/// Whether two words are at most `max` edits apart.
fn within(a: &str, b: &str, max: u8) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > max as usize {
        return false;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut row = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            row[j + 1] = (previous[j] + usize::from(ca != cb)).min(previous[j + 1] + 1).min(row[j] + 1);
        }
        previous = row;
    }
    previous[b.len()] <= max as usize
}

fn matches(word: &Word, written: &str, stem: &str) -> bool {
    stem == word.stem
        || (word.typos > 0 && within(written, &word.written, word.typos))
        || (word.prefix && written.starts_with(&word.written))
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
        let stem = {
            let mut s = stems.token_stream(&text[t.offset_from..t.offset_to]);
            if s.advance() { s.token().text.clone() } else { t.text.clone() }
        };
        let hit = wanted.iter().any(|w| matches(w, &t.text, &stem));
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
    fn edit_distance() {
        assert!(within("python", "pyhton", 2));
        assert!(!within("python", "pyhton", 1));
        assert!(within("rust", "rust", 0));
        assert!(within("kotlin", "kotln", 1));
        assert!(!within("java", "javascript", 2));
    }
}
