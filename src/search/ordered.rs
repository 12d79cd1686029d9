//! The first jobs of a search in the order of one fast field (newest, or
//! highest pay), and how many match, in one pass. The largest value of each
//! block of documents is kept per segment: once the page is full, a block
//! whose largest value cannot beat the last kept is passed over without
//! reading a value. The index is built newest first, so a newest-first list
//! reads little more than its page.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, Mutex};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::index::SegmentId;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// Documents per block.
const BLOCK: u32 = 256;

/// The largest value of each block, per segment and field (a segment never
/// changes, so they are computed once; segments merged away are dropped).
#[derive(Default)]
pub struct BlockMaxima(Mutex<HashMap<(SegmentId, &'static str), Arc<Vec<i64>>>>);

impl BlockMaxima {
    fn of(&self, reader: &SegmentReader, field: &'static str, column: &Column<i64>) -> Arc<Vec<i64>> {
        let key = (reader.segment_id(), field);
        if let Some(found) = self.0.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return found.clone();
        }
        let docs = reader.max_doc();
        let maxima: Vec<i64> = (0..docs.div_ceil(BLOCK))
            .map(|block| {
                (block * BLOCK..((block + 1) * BLOCK).min(docs))
                    .filter_map(|doc| column.first(doc))
                    .max()
                    .unwrap_or(i64::MIN)
            })
            .collect();
        let maxima = Arc::new(maxima);
        self.0.lock().unwrap_or_else(|e| e.into_inner()).insert(key, maxima.clone());
        maxima
    }

    /// Forgets segments that are no longer searched.
    pub fn keep_only(&self, live: &[SegmentId]) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).retain(|(id, _), _| live.contains(id));
    }
}

/// The `need` largest values of `field` among the matches, and the match count.
pub struct Ordered<'a> {
    pub field: &'static str,
    pub need: usize,
    pub maxima: &'a BlockMaxima,
}

pub struct OrderedSegment {
    ord: SegmentOrdinal,
    column: Option<Column<i64>>,
    maxima: Arc<Vec<i64>>,
    need: usize,
    kept: BinaryHeap<Reverse<(i64, DocId)>>,
    count: usize,
}

impl Collector for Ordered<'_> {
    type Fruit = (Vec<(i64, DocAddress)>, usize);
    type Child = OrderedSegment;

    fn for_segment(&self, ord: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<OrderedSegment> {
        let column = reader.fast_fields().i64(self.field).ok();
        let maxima = match &column {
            Some(c) => self.maxima.of(reader, self.field, c),
            None => Arc::default(),
        };
        Ok(OrderedSegment { ord, column, maxima, need: self.need, kept: BinaryHeap::new(), count: 0 })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<(Vec<(i64, DocAddress)>, usize)>) -> tantivy::Result<Self::Fruit> {
        let count = fruits.iter().map(|(_, n)| n).sum();
        let mut all: Vec<(i64, DocAddress)> = fruits.into_iter().flat_map(|(found, _)| found).collect();
        all.sort_unstable_by(|a, b| b.0.cmp(&a.0));
        all.truncate(self.need);
        Ok((all, count))
    }
}

impl SegmentCollector for OrderedSegment {
    type Fruit = (Vec<(i64, DocAddress)>, usize);

    fn collect(&mut self, doc: DocId, _: Score) {
        self.count += 1;
        let full = self.kept.len() >= self.need;
        if full && let Some(Reverse((least, _))) = self.kept.peek() {
            let block_max = self.maxima.get((doc / BLOCK) as usize).copied().unwrap_or(i64::MAX);
            if block_max <= *least {
                return;
            }
        }
        let Some(value) = self.column.as_ref().and_then(|c| c.first(doc)) else { return };
        if !full {
            self.kept.push(Reverse((value, doc)));
        } else if self.kept.peek().is_some_and(|Reverse((least, _))| value > *least) {
            self.kept.pop();
            self.kept.push(Reverse((value, doc)));
        }
    }

    /// A buffer of documents (a segment without deletions): passed over at
    /// once when the page is full and none of its blocks can beat it.
    fn collect_block(&mut self, docs: &[DocId]) {
        let (Some(first), Some(last)) = (docs.first(), docs.last()) else { return };
        if self.kept.len() >= self.need
            && let Some(Reverse((least, _))) = self.kept.peek()
            && let Some(maxima) = self.maxima.get((first / BLOCK) as usize..=(last / BLOCK) as usize)
            && maxima.iter().all(|max| max <= least)
        {
            self.count += docs.len();
            return;
        }
        for doc in docs {
            self.collect(*doc, 0.0);
        }
    }

    fn harvest(self) -> Self::Fruit {
        let ord = self.ord;
        let found = self.kept.into_iter().map(|Reverse((value, doc))| (value, DocAddress::new(ord, doc))).collect();
        (found, self.count)
    }
}
