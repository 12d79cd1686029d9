//! The cards of found jobs, kept in memory so a page of results costs no
//! database work once its jobs have been shown: each with the start of its
//! description (for snippets). A card is forgotten when the index applies a
//! change to its job (a company's name, address or logo changes its jobs
//! too: see the `company_card_changes` migration).
//!
//! A card read from the database is kept only when no change was applied
//! while it was read: otherwise it might be older than that change, which
//! has already forgotten it. The gate makes "still the same version, keep
//! it" and "forget them, then let searches see the change" happen one at a
//! time. (Forgetting after searches could see the change let one of them
//! show, and cache a page with, the card from before it: CI caught that.)

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use time::PrimitiveDateTime;

use super::snippet::READ;
use crate::db::AnyConnection;
use crate::db::jobs::{self, JobCard};

/// Cards kept (each a few KB).
const KEPT: usize = 20_000;

pub struct Card {
    pub card: JobCard,
    /// The description's first `snippet::READ` characters.
    pub text: String,
}

pub struct Cards {
    kept: quick_cache::sync::Cache<i64, Arc<Card>>,
    gate: Mutex<()>,
}

impl Default for Cards {
    fn default() -> Self {
        Cards { kept: quick_cache::sync::Cache::new(KEPT), gate: Mutex::new(()) }
    }
}

impl Cards {
    /// The cards of `ids` that are open at `now`, in that order; `applied`
    /// says which version the index had applied before this began, and
    /// `applied_now` which it has now.
    pub fn of(
        &self,
        conn: &mut AnyConnection,
        ids: &[i64],
        now: PrimitiveDateTime,
        applied: Option<i64>,
        applied_now: impl Fn() -> Option<i64>,
    ) -> diesel::QueryResult<Vec<Arc<Card>>> {
        let mut found: HashMap<i64, Arc<Card>> = ids.iter().filter_map(|id| Some((*id, self.kept.get(id)?))).collect();
        let missing: Vec<i64> = ids.iter().copied().filter(|id| !found.contains_key(id)).collect();
        if !missing.is_empty() {
            let mut texts: HashMap<i64, String> = jobs::descriptions(conn, &missing)?.into_iter().collect();
            let read: Vec<Arc<Card>> = jobs::cards_by_ids(conn, &missing, now)?
                .into_iter()
                .map(|card| {
                    let mut text = texts.remove(&card.job.id).unwrap_or_default();
                    if let Some((cut, _)) = text.char_indices().nth(READ) {
                        text.truncate(cut);
                    }
                    Arc::new(Card { card, text })
                })
                .collect();
            let _gate = self.gate.lock().unwrap_or_else(|e| e.into_inner());
            let keep = applied.is_some() && applied_now() == applied;
            for card in read {
                if keep {
                    self.kept.insert(card.card.job.id, card.clone());
                }
                found.insert(card.card.job.id, card);
            }
        }
        // Past its closing date: the index finds it no more, and neither may a kept card.
        Ok(ids
            .iter()
            .filter_map(|id| found.remove(id))
            .filter(|c| c.card.job.closes_at.is_none_or(|at| at > now))
            .collect())
    }

    /// Forgets the cards of jobs a change was applied to (all: `None`),
    /// then runs `publish` (which makes the change searchable), the gate held
    /// throughout: a search that sees the change finds none of their old
    /// cards, and a card read before it is not kept after.
    pub fn forget_then<T>(&self, ids: Option<&[i64]>, publish: impl FnOnce() -> T) -> T {
        let _gate = self.gate.lock().unwrap_or_else(|e| e.into_inner());
        match ids {
            Some(ids) => {
                for id in ids {
                    self.kept.remove(id);
                }
            }
            None => self.kept.clear(),
        }
        publish()
    }
}
