//! The job search engine: an embedded tantivy index, one per instance
//! (`SEARCH_INDEX_DIR`), kept in step with the database.
//!
//! Every change to a job writes a `job_changes` row in its own transaction
//! (triggers; see the `job_changes` migration), tagged with the data version
//! it made. The index applies the changes in version order and commits the
//! last version applied with its documents (the commit's payload), so an
//! instance that restarts, or a new one, continues where its index stands.
//! It is woken by the jobs notice on PostgreSQL (every instance hears it),
//! by a search that finds it behind, and by a short poll. An index that is
//! missing, unreadable, of another layout or of another `reindex` epoch is
//! rebuilt in the background; until then searches run on the database
//! (`db::jobs::search`), so pages keep working.

mod cards;
mod facets;
mod for_you;
mod ordered;
mod query;
mod schema;
mod snippet;
mod suggest;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::Context;
use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, SegmentReader};
use time::PrimitiveDateTime;
use tokio::sync::{Notify, watch};

use crate::db::jobs::{self, IndexState, JobCard, MAX_RESULTS, SearchResults};
use crate::db::site_lock::Flock;
use crate::db::{AnyConnection, Db};
use crate::domain::{FacetCounts, PAY_BANDS, POSTED, SearchQuery, Sort, Wishes};
use crate::error::AppError;
use facets::{Counter, Counts, Facet};
pub use query::Synonyms;
use query::{Analysers, Unit};
use schema::Fields;
pub use suggest::{Kind as SuggestionKind, Suggestion};

/// The shipped synonym list (`SEARCH_SYNONYMS_FILE` replaces it).
pub const SYNONYMS: &str = include_str!("synonyms.txt");

/// Memory the index writer may fill before it writes a segment.
const WRITER_MEMORY: usize = 128 * 1024 * 1024;
/// Jobs holding a word for it to count as common (see `analyse`).
const COMMON: u64 = 200;
/// Jobs read from the database per step of a build or catch-up.
const BATCH: i64 = 5_000;

/// What a commit records: the layout and epoch it was built with, and the
/// data version it has applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Applied {
    layout: u32,
    epoch: i64,
    version: i64,
}

/// The index of this instance (cheap to clone).
#[derive(Clone)]
pub struct SearchIndex(Arc<Inner>);

struct Inner {
    dir: PathBuf,
    /// Held until `shutdown`: one process per index folder.
    lock: Mutex<Option<std::fs::File>>,
    reader: IndexReader,
    /// `None` after `shutdown`.
    writer: Mutex<Option<IndexWriter>>,
    fields: Fields,
    synonyms: Synonyms,
    /// What the searchable commit holds; `None` while (re)building.
    applied: watch::Sender<Option<Applied>>,
    wake: Notify,
    /// Facet counts by search (without page and order), searcher generation
    /// and minute: every page and order of a search shares them until the
    /// next commit.
    facets: quick_cache::sync::Cache<(SearchQuery, u64, i64), Arc<FacetCounts>>,
    /// Per segment, the largest `newest` and `pay_order` of each block of documents.
    maxima: ordered::BlockMaxima,
    /// The cards of jobs found lately.
    cards: cards::Cards,
    /// The cities with open jobs, by searcher generation (`job_cities`).
    cities: Mutex<(u64, Arc<Vec<String>>)>,
    /// The earliest closing time in the index, by searcher generation (`closing`).
    soonest: Mutex<(u64, i64)>,
}

/// Cities offered in the place field's list without a script.
const JOB_CITIES: usize = 50;

/// Searches whose facet counts are kept.
const FACETS_KEPT: usize = 2_000;

/// A search's words as the index has them, and its location's.
type Analysed = (Vec<Unit>, Vec<query::Word>);

/// One page of a search: the job ids in order, and how many match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hits {
    pub ids: Vec<i64>,
    pub total: i64,
}

impl SearchIndex {
    /// Opens this instance's index, or starts an empty one (to be built by
    /// the first `sync`) when there is none or it cannot be read.
    pub fn open(dir: &Path, synonyms_file: Option<&Path>) -> anyhow::Result<SearchIndex> {
        let synonyms = match synonyms_file {
            Some(path) => Synonyms::parse(
                &std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?,
            ),
            None => Synonyms::parse(SYNONYMS),
        };
        let lock = lock(dir)?;
        let fields = Fields::new();
        let (index, applied) = match Self::open_existing(dir, &fields) {
            Ok(found) => found,
            Err(e) => {
                if dir.exists() {
                    tracing::warn!(error = %e, dir = %dir.display(), "search index unreadable: rebuilding it");
                    std::fs::remove_dir_all(dir).with_context(|| format!("cannot remove {}", dir.display()))?;
                }
                std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
                let index = Index::create_in_dir(dir, fields.schema.clone())?;
                register(&index);
                (index, None)
            }
        };
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).clamp(1, 4);
        let writer = index.writer_with_num_threads(threads, WRITER_MEMORY)?;
        Ok(SearchIndex(Arc::new(Inner {
            dir: dir.to_path_buf(),
            lock: Mutex::new(Some(lock)),
            reader,
            writer: Mutex::new(Some(writer)),
            fields,
            synonyms,
            applied: watch::Sender::new(applied),
            wake: Notify::new(),
            facets: quick_cache::sync::Cache::new(FACETS_KEPT),
            maxima: ordered::BlockMaxima::default(),
            cities: Mutex::new((u64::MAX, Arc::default())),
            soonest: Mutex::new((u64::MAX, i64::MIN)),
            cards: cards::Cards::default(),
        })))
    }

    /// An index of this layout whose documents can be read, and what it applied.
    fn open_existing(dir: &Path, fields: &Fields) -> anyhow::Result<(Index, Option<Applied>)> {
        let index = Index::open_in_dir(dir)?;
        register(&index);
        let applied: Applied = serde_json::from_str(index.load_metas()?.payload.as_deref().unwrap_or_default())
            .context("no applied version")?;
        anyhow::ensure!(applied.layout == schema::LAYOUT && index.schema() == fields.schema, "another layout");
        // Every segment opens and every document is counted.
        let searcher = index.reader()?.searcher();
        searcher.search(&tantivy::query::AllQuery, &Count)?;
        Ok((index, Some(applied)))
    }

    pub fn dir(&self) -> &Path {
        &self.0.dir
    }

    /// The data version the index has applied; `None` while it is being built.
    pub fn applied(&self) -> Option<i64> {
        self.0.applied.borrow().map(|a| a.version)
    }

    /// Asks the task of `spawn` to catch up now.
    pub fn wake(&self) {
        self.0.wake.notify_one();
    }

    /// Waits until the index has applied `version`, at most `within`.
    pub async fn caught_up(&self, version: i64, within: Duration) -> bool {
        self.wake();
        let mut rx = self.0.applied.subscribe();
        let reached = rx.wait_for(|a| a.is_some_and(|a| a.version >= version));
        matches!(tokio::time::timeout(within, reached).await, Ok(Ok(_)))
    }

    /// One page of `q`: ranked by relevance when words are given (exact
    /// matches first, then near ones; the newer first among equals), else
    /// newest first. With a `counter`, the same pass counts its facets.
    fn search(
        &self,
        searcher: &Searcher,
        q: &SearchQuery,
        (units, location): &Analysed,
        now: PrimitiveDateTime,
        counter: Option<Counter>,
    ) -> tantivy::Result<(Hits, Option<Counts>)> {
        let query = query::build(&self.0.fields, q, units, location, now, self.closing(searcher, now));
        let per_page = q.per_page.clamp(1, 100) as usize;
        let offset = ((q.page.max(1) - 1) as usize).saturating_mul(per_page).min(MAX_RESULTS as usize);
        let top = TopDocs::with_limit(per_page).and_offset(offset);
        let (found, total, counts): (Vec<DocAddress>, usize, _) = match (q.sort, units.is_empty()) {
            (Sort::Relevance, false) => {
                let ((found, total), counts) = searcher.search(&query, &((ties_to_newer(top), Count), counter))?;
                (found.into_iter().map(|(_, a)| a).collect(), total, counts)
            }
            (sort, _) => {
                let field = if sort == Sort::Pay { "pay_order" } else { "newest" };
                let ordered = ordered::Ordered { field, need: offset + per_page, maxima: &self.0.maxima };
                // Alone, it passes over whole blocks (see `collect_block`).
                let ((found, total), counts) = match counter {
                    Some(counter) => searcher.search(&query, &(ordered, Some(counter)))?,
                    None => (searcher.search(&query, &ordered)?, None),
                };
                (found.into_iter().skip(offset).map(|(_, a)| a).collect(), total, counts)
            }
        };
        Ok((Hits { ids: ids(searcher, &found), total: total as i64 }, counts))
    }

    /// What counts the facets of `q`: the filters not in use, counted over
    /// the search itself (the pass that finds the page); and, for each
    /// filter in use, the search without it, whose count gives that
    /// filter's values (see `FacetCounts`).
    fn facet_passes(q: &SearchQuery, now: PrimitiveDateTime) -> (Counter, Vec<(Facet, SearchQuery)>) {
        let mut without = Vec::new();
        let mut unfiltered = Vec::new();
        for facet in Facet::ALL {
            let mut other = q.clone();
            let in_use = match facet {
                Facet::Remote => !std::mem::take(&mut other.remote).is_empty(),
                Facet::Kind => !std::mem::take(&mut other.employment_type).is_empty(),
                Facet::Category => !std::mem::take(&mut other.category).is_empty(),
                Facet::Country => !std::mem::take(&mut other.country).is_empty(),
                Facet::Posted => other.posted_days.take().is_some(),
                Facet::Pay => other.salary_min.take().is_some(),
            };
            if in_use { without.push((facet, other)) } else { unfiltered.push(facet) }
        }
        (Self::counter(unfiltered, now), without)
    }

    fn counter(facets: Vec<Facet>, now: PrimitiveDateTime) -> Counter {
        Counter {
            facets,
            posted_since: POSTED.iter().map(|(days, _)| schema::seconds(now) - days * 86_400).collect(),
            pay_bands: PAY_BANDS.to_vec(),
        }
    }

    /// The facet counts of a search, from the counts of its own pass and
    /// one more pass for each filter in use.
    fn finish_facets(
        &self,
        searcher: &Searcher,
        (units, location): &Analysed,
        now: PrimitiveDateTime,
        mut counts: Counts,
        without: Vec<(Facet, SearchQuery)>,
    ) -> tantivy::Result<FacetCounts> {
        for (facet, other) in without {
            let query = query::build(&self.0.fields, &other, units, location, now, self.closing(searcher, now));
            let mut own = searcher.search(&query, &Self::counter(vec![facet], now))?;
            match facet {
                Facet::Posted => counts.posted = own.posted,
                Facet::Pay => counts.pay = own.pay,
                _ => {
                    let i = facet as usize;
                    counts.words[i] = std::mem::take(&mut own.words[i]);
                }
            }
        }
        let sorted = |map: &std::collections::HashMap<String, u64>| {
            let mut list: Vec<(String, u64)> = map.iter().map(|(v, n)| (v.clone(), *n)).collect();
            list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            list
        };
        Ok(FacetCounts {
            remote: sorted(&counts.words[0]),
            employment_type: sorted(&counts.words[1]),
            category: sorted(&counts.words[2]),
            country: sorted(&counts.words[3]),
            posted: counts.posted,
            pay: counts.pay,
        })
    }

    /// The words of a search as the index has them. A word that many jobs
    /// hold as typed looks for no typos or longer words: its exact matches
    /// fill the first pages anyway, and near ones would only cost time.
    fn analyse(&self, q: &SearchQuery) -> Analysed {
        let mut a = analysers();
        let mut units = a.units(&q.words, &self.0.synonyms);
        let searcher = self.0.reader.searcher();
        let f = &self.0.fields;
        let held_by = |field, text: &str| searcher.doc_freq(&tantivy::Term::from_field_text(field, text)).unwrap_or(0);
        for unit in &mut units {
            let words: Vec<&mut query::Word> = match unit {
                Unit::Word(w) => vec![w],
                Unit::AnyOf(members) => members.iter_mut().flatten().collect(),
            };
            for w in words {
                if held_by(f.title, &w.stem) + held_by(f.body, &w.stem) >= COMMON {
                    w.typos = 0;
                    w.prefix = false;
                }
            }
        }
        let location = q.location.iter().filter_map(|w| a.word(w, false)).collect();
        (units, location)
    }

    /// A page of results: the cards of the hits, with snippets for a word
    /// search, and the facet counts when asked for (kept for every page and
    /// order of the search until the next commit).
    pub fn results(
        &self,
        conn: &mut AnyConnection,
        q: &SearchQuery,
        now: PrimitiveDateTime,
    ) -> Result<SearchResults, AppError> {
        let applied = self.applied();
        let words = self.analyse(q);
        let searcher = self.0.reader.searcher();
        let key = q.facets.then(|| {
            let search = SearchQuery { page: 1, per_page: 0, sort: Sort::Relevance, ..q.clone() };
            (search, searcher.generation().generation_id(), schema::seconds(now) / 60)
        });
        let kept = key.as_ref().and_then(|key| self.0.facets.get(key));
        let (counter, without) = match (&key, &kept) {
            (Some(_), None) => {
                let (counter, without) = Self::facet_passes(q, now);
                (Some(counter), without)
            }
            _ => (None, Vec::new()),
        };
        let (hits, counts) = self.search(&searcher, q, &words, now, counter).map_err(AppError::internal)?;
        let facets = match (key, kept, counts) {
            (_, Some(kept), _) => Some(kept),
            (Some(key), None, Some(counts)) => {
                let facets = self.finish_facets(&searcher, &words, now, counts, without).map_err(AppError::internal)?;
                let facets = Arc::new(facets);
                self.0.facets.insert(key, facets.clone());
                Some(facets)
            }
            _ => None,
        };
        let found = self.0.cards.of(conn, &hits.ids, now, applied, || self.applied())?;
        let mut a = analysers();
        let cards = found
            .iter()
            .map(|c| {
                let mut card = c.card.clone();
                if !q.words.is_empty() {
                    card.snippet = snippet::snippet(&mut a.words, &mut a.stems, &c.text, &words.0);
                }
                card
            })
            .collect();
        Ok(SearchResults { jobs: cards, total: hits.total, facets })
    }

    /// What to offer in the search box for what is typed so far.
    pub fn suggest(&self, typed: &str) -> Result<Vec<Suggestion>, AppError> {
        let mut a = analysers();
        let words: Vec<query::Word> =
            crate::domain::job_search::words(typed, 8).iter().filter_map(|w| a.word(w, false)).collect();
        suggest::suggest(&self.0.reader.searcher(), &self.0.fields, &words).map_err(AppError::internal)
    }

    /// Whether a job of the index may be past its closing date at `now` (the
    /// closing task closes it soon after, and the index then drops it).
    fn closing(&self, searcher: &Searcher, now: PrimitiveDateTime) -> bool {
        let generation = searcher.generation().generation_id();
        let mut kept = self.0.soonest.lock().unwrap_or_else(|e| e.into_inner());
        if kept.0 != generation {
            let soonest = searcher
                .segment_readers()
                .iter()
                .map(|s| s.fast_fields().i64("closes").map_or(i64::MIN, |c| c.min_value()));
            *kept = (generation, soonest.min().unwrap_or(i64::MAX));
        }
        kept.1 <= schema::seconds(now)
    }

    /// The cities with the most open jobs ("Berlin, DE"), most first: the
    /// place field's list when no script fills it. Kept until the next commit.
    pub fn job_cities(&self) -> Arc<Vec<String>> {
        let searcher = self.0.reader.searcher();
        let generation = searcher.generation().generation_id();
        let mut kept = self.0.cities.lock().unwrap_or_else(|e| e.into_inner());
        if kept.0 != generation {
            let cities = suggest::terms_starting(&searcher, self.0.fields.city, "")
                .unwrap_or_default()
                .into_iter()
                .filter_map(|(id, _)| crate::domain::gazetteer::by_id(id.parse().ok()?))
                .take(JOB_CITIES)
                .map(|city| city.label())
                .collect();
            *kept = (generation, Arc::new(cities));
        }
        kept.1.clone()
    }

    /// Up to `limit` open jobs for a seeker with these wishes, best first,
    /// each with what it matched (`for_you`); `after`: only jobs with a
    /// larger id. None while the index is being built.
    pub fn for_you(
        &self,
        conn: &mut AnyConnection,
        wishes: &Wishes,
        after: Option<i64>,
        limit: usize,
        now: PrimitiveDateTime,
        currency: &str,
    ) -> Result<Option<Vec<(JobCard, Vec<String>)>>, AppError> {
        if self.applied().is_none() {
            return Ok(None);
        }
        let mut a = analysers();
        let wanted = for_you::analyse(&mut a, wishes);
        let searcher = self.0.reader.searcher();
        let closing_at = self.closing(&searcher, now).then(|| schema::seconds(now));
        let query = for_you::build(&self.0.fields, wishes, &wanted, closing_at, after);
        let found = searcher.search(&query, &ties_to_newer(TopDocs::with_limit(limit))).map_err(AppError::internal)?;
        let addresses: Vec<DocAddress> = found.into_iter().map(|(_, a)| a).collect();
        let ids = ids(&searcher, &addresses);
        let cards = jobs::cards_by_ids(conn, &ids, now)?;
        let descriptions: std::collections::HashMap<i64, String> =
            jobs::descriptions(conn, &ids)?.into_iter().collect();
        Ok(Some(
            cards
                .into_iter()
                .map(|card| {
                    let text = descriptions.get(&card.job.id).map_or("", String::as_str);
                    let why = for_you::reasons(&mut a, wishes, &wanted, &card.job, text, currency);
                    (card, why)
                })
                .collect(),
        ))
    }

    /// Up to `limit` open jobs like `job`, the most alike first (none while
    /// the index is being built).
    pub fn similar(
        &self,
        conn: &mut AnyConnection,
        job: &jobs::Job,
        now: PrimitiveDateTime,
        limit: usize,
    ) -> Result<Vec<JobCard>, AppError> {
        if self.applied().is_none() {
            return Ok(Vec::new());
        }
        let searcher = self.0.reader.searcher();
        let closes_after = self.closing(&searcher, now).then(|| schema::seconds(now));
        let job_text = (job.id, job.title.as_str(), job.description.as_str());
        let query = query::like(&searcher, &self.0.fields, &mut analysers().stems, job_text, closes_after);
        let found = searcher.search(&query, &TopDocs::with_limit(limit)).map_err(AppError::internal)?;
        let addresses: Vec<DocAddress> = found.into_iter().map(|(_, a)| a).collect();
        Ok(jobs::cards_by_ids(conn, &ids(&searcher, &addresses), now)?)
    }

    /// Brings the index up to the database: rebuilds it when it must, else
    /// applies the changes since its last commit. Returns the version applied.
    pub fn sync(&self, conn: &mut AnyConnection) -> anyhow::Result<i64> {
        let state = jobs::index_state(conn)?;
        let current = *self.0.applied.borrow();
        match current {
            Some(a) if a.epoch == state.index_epoch && a.version + 1 >= state.changes_from => {
                if a.version >= state.version {
                    return Ok(a.version);
                }
                let changed = jobs::changed_jobs(conn, a.version, state.version)?;
                let mut writer = self.0.writer.lock().unwrap_or_else(|e| e.into_inner());
                let writer = writer.as_mut().context("the search index was shut down")?;
                for ids in changed.chunks(BATCH as usize) {
                    for id in ids {
                        writer.delete_term(self.0.fields.id_term(*id));
                    }
                    for row in jobs::open_rows(conn, ids)? {
                        writer.add_document(self.0.fields.document(&row))?;
                    }
                }
                self.commit(writer, state, Some(&changed))
            }
            _ => self.rebuild(conn, state),
        }
    }

    /// Indexes every open job again (searches use the database meanwhile).
    fn rebuild(&self, conn: &mut AnyConnection, state: IndexState) -> anyhow::Result<i64> {
        let started = Instant::now();
        self.0.applied.send_replace(None);
        let mut writer = self.0.writer.lock().unwrap_or_else(|e| e.into_inner());
        let writer = writer.as_mut().context("the search index was shut down")?;
        writer.delete_all_documents()?;
        let (mut before, mut count) = (i64::MAX, 0);
        loop {
            let rows = jobs::open_rows_before(conn, before, BATCH)?;
            let Some(last) = rows.last() else { break };
            before = last.0.id;
            count += rows.len();
            for row in &rows {
                writer.add_document(self.0.fields.document(row))?;
            }
        }
        let version = self.commit(writer, state, None)?;
        tracing::info!(jobs = count, seconds = started.elapsed().as_secs_f64(), "search index built");
        Ok(version)
    }

    /// Commits what the writer holds and makes it searchable. The cards of
    /// the jobs changed (`None`: all) are forgotten in the same step, before
    /// any search can see the commit (`cards::Cards::forget_then`).
    fn commit(&self, writer: &mut IndexWriter, state: IndexState, changed: Option<&[i64]>) -> anyhow::Result<i64> {
        let applied = Applied { layout: schema::LAYOUT, epoch: state.index_epoch, version: state.version };
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&serde_json::to_string(&applied)?);
        commit.commit()?;
        self.0.cards.forget_then(changed, || -> anyhow::Result<i64> {
            self.0.reader.reload()?;
            let live: Vec<_> = self.0.reader.searcher().segment_readers().iter().map(|s| s.segment_id()).collect();
            self.0.maxima.keep_only(&live);
            self.0.applied.send_replace(Some(applied));
            Ok(applied.version)
        })
    }

    /// Keeps the index in step, in the background: catches up when woken
    /// (a search that found it behind, the jobs notice) or every `poll`.
    pub fn spawn(&self, db: Db, poll: Duration) {
        let (index, known) = (self.clone(), db.jobs_version().clone());
        tokio::spawn(async move {
            while !index.is_shut_down() {
                let step = index.clone();
                let pool = db.pool().clone();
                let done = tokio::task::spawn_blocking(move || -> anyhow::Result<i64> {
                    let mut conn = pool.get()?;
                    step.sync(&mut conn)
                })
                .await;
                match done {
                    Ok(Ok(_)) => {}
                    Ok(Err(_)) if index.is_shut_down() => return,
                    Ok(Err(e)) => tracing::warn!(error = %e, "search index: catching up failed, trying again"),
                    Err(e) => tracing::error!(error = %e, "search index task failed"),
                }
                tokio::select! {
                    _ = index.0.wake.notified() => {}
                    _ = known.changed() => {}
                    _ = tokio::time::sleep(poll) => {}
                }
            }
        });
    }

    fn is_shut_down(&self) -> bool {
        self.0.lock.lock().unwrap_or_else(|e| e.into_inner()).is_none()
    }

    /// Stops keeping the index in step: the work in hand finishes, the
    /// writer's threads end and the folder is free for the next server
    /// (searches still read the last commit). Blocks.
    pub fn shutdown(&self) {
        let writer = self.0.writer.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(writer) = writer
            && let Err(e) = writer.wait_merging_threads()
        {
            tracing::warn!(error = %e, "search index: merging did not finish");
        }
        self.0.lock.lock().unwrap_or_else(|e| e.into_inner()).take();
        self.wake();
    }

    /// Documents in the searchable commit, and the bytes its files take.
    pub fn size(&self) -> (u64, u64) {
        let docs = self.0.reader.searcher().num_docs();
        let bytes = std::fs::read_dir(&self.0.dir)
            .map(|d| d.filter_map(|e| e.ok()?.metadata().ok()).map(|m| m.len()).sum())
            .unwrap_or(0);
        (docs, bytes)
    }
}

/// An exclusive lock on `<dir>.lock`, taken before the folder is read (or
/// removed to be rebuilt).
fn lock(dir: &Path) -> anyhow::Result<std::fs::File> {
    match crate::db::site_lock::exclusive(&PathBuf::from(format!("{}.lock", dir.display())))? {
        Flock::Taken(file) => Ok(file),
        Flock::Held(_) => anyhow::bail!(
            "the search index {} is in use by another process: each instance needs its own SEARCH_INDEX_DIR",
            dir.display()
        ),
    }
}

fn register(index: &Index) {
    index.tokenizers().register(schema::WORDS, schema::words_analyzer());
    index.tokenizers().register(schema::STEMS, schema::stems_analyzer());
}

fn analysers() -> Analysers {
    Analysers { words: schema::words_analyzer(), stems: schema::stems_analyzer() }
}

/// The best documents by score; among equals the newer job first.
fn ties_to_newer(top: TopDocs) -> impl Collector<Fruit = Vec<((f32, Option<i64>), DocAddress)>> {
    top.tweak_score(move |seg: &SegmentReader| {
        let newest = seg.fast_fields().i64("newest").ok();
        move |doc, score: f32| (score, newest.as_ref().and_then(|c| c.first(doc)))
    })
}

/// The job ids of found documents, in their order.
fn ids(searcher: &Searcher, addresses: &[DocAddress]) -> Vec<i64> {
    let mut columns = std::collections::HashMap::new();
    addresses
        .iter()
        .filter_map(|a| {
            let column = columns
                .entry(a.segment_ord)
                .or_insert_with(|| searcher.segment_reader(a.segment_ord).fast_fields().u64("id").ok())
                .as_ref()?;
            column.first(a.doc_id).map(|id| id as i64)
        })
        .collect()
}
