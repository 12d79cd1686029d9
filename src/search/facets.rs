//! Counting the values of each filter among the jobs a search matches.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// A filter whose values are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facet {
    Remote,
    Kind,
    Category,
    Country,
    /// Published at or after each of the collector's times.
    Posted,
    /// Paying at least each of the collector's amounts.
    Pay,
}

impl Facet {
    pub const ALL: [Facet; 6] =
        [Facet::Remote, Facet::Kind, Facet::Category, Facet::Country, Facet::Posted, Facet::Pay];
    const WORDS: [Facet; 4] = [Facet::Remote, Facet::Kind, Facet::Category, Facet::Country];

    fn field(self) -> &'static str {
        match self {
            Facet::Remote => "remote",
            Facet::Kind => "kind",
            Facet::Category => "category",
            Facet::Country => "country",
            Facet::Posted => "published",
            Facet::Pay => "pay",
        }
    }
}

/// What a count found: per value for the word facets, per threshold for the others.
#[derive(Debug, Clone, Default)]
pub struct Counts {
    pub words: [HashMap<String, u64>; 4],
    pub posted: Vec<u64>,
    pub pay: Vec<u64>,
}

/// Counts `facets` over every matching job.
pub struct Counter {
    pub facets: Vec<Facet>,
    /// Seconds since 1970: "published at or after".
    pub posted_since: Vec<i64>,
    pub pay_bands: Vec<i64>,
}

pub struct SegmentCounter {
    words: Vec<(usize, StrColumn, Vec<u64>)>,
    posted: Option<(Column<i64>, Vec<i64>, Vec<u64>)>,
    pay: Option<(Column<i64>, Vec<i64>, Vec<u64>)>,
}

impl Collector for Counter {
    type Fruit = Counts;
    type Child = SegmentCounter;

    fn for_segment(&self, _: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentCounter> {
        let mut words = Vec::new();
        for (i, facet) in Facet::WORDS.iter().enumerate() {
            if self.facets.contains(facet)
                && let Some(column) = reader.fast_fields().str(facet.field())?
            {
                let n = column.num_terms();
                words.push((i, column, vec![0; n]));
            }
        }
        let thresholds = |facet: Facet, edges: &[i64]| -> tantivy::Result<_> {
            Ok(if self.facets.contains(&facet) {
                Some((reader.fast_fields().i64(facet.field())?, edges.to_vec(), vec![0; edges.len()]))
            } else {
                None
            })
        };
        Ok(SegmentCounter {
            words,
            posted: thresholds(Facet::Posted, &self.posted_since)?,
            pay: thresholds(Facet::Pay, &self.pay_bands)?,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Counts>) -> tantivy::Result<Counts> {
        let mut all = Counts {
            posted: vec![0; self.posted_since.len()],
            pay: vec![0; self.pay_bands.len()],
            ..Default::default()
        };
        for fruit in fruits {
            for (into, from) in all.words.iter_mut().zip(fruit.words) {
                for (value, n) in from {
                    *into.entry(value).or_default() += n;
                }
            }
            for (into, from) in [(&mut all.posted, fruit.posted), (&mut all.pay, fruit.pay)] {
                for (a, b) in into.iter_mut().zip(from) {
                    *a += b;
                }
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentCounter {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, _: Score) {
        for (_, column, counts) in &mut self.words {
            for ord in column.term_ords(doc) {
                counts[ord as usize] += 1;
            }
        }
        for (column, edges, counts) in [&mut self.posted, &mut self.pay].into_iter().flatten() {
            if let Some(value) = column.first(doc) {
                for (edge, n) in edges.iter().zip(counts.iter_mut()) {
                    *n += u64::from(value >= *edge);
                }
            }
        }
    }

    fn harvest(self) -> Counts {
        let mut out = Counts::default();
        for (i, column, counts) in self.words {
            let mut value = String::new();
            for (ord, n) in counts.into_iter().enumerate().filter(|(_, n)| *n > 0) {
                if column.ord_to_str(ord as u64, &mut value).unwrap_or(false) && !value.is_empty() {
                    out.words[i].insert(value.clone(), n);
                }
            }
        }
        out.posted = self.posted.map(|(_, _, n)| n).unwrap_or_default();
        out.pay = self.pay.map(|(_, _, n)| n).unwrap_or_default();
        out
    }
}
