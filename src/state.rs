//! What every handler can reach: the database, the settings, this
//! instance's live hub and its outbox signal. Built once at start-up; the
//! services below it (mail, realtime, storage, background) are handed the
//! parts they need, never the whole.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use crate::config::Settings;
use crate::db::{Db, data_fixes};
use crate::domain::money::Rates;
use crate::mail::OutboxSignal;
use crate::realtime::Hub;
use crate::search::SearchIndex;

pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub hub: Hub,
    /// Wakes this instance's outbox worker after a commit that queued e-mail.
    pub outbox: OutboxSignal,
    /// Exchange rates and the site's pay currency (`domain::money`).
    pub rates: Arc<Rates>,
    /// This instance's job search index (`crate::search`).
    pub search: SearchIndex,
}

impl AppState {
    /// Connects and migrates the database and prepares the upload folder
    /// (removing the temporary files a crash may have left).
    pub async fn build(settings: Settings) -> anyhow::Result<AppState> {
        // A mistyped mail server or sender fails at start, not at the first e-mail.
        crate::mail::transport::check_settings(&settings)?;
        let settings = Arc::new(settings);
        std::fs::create_dir_all(&settings.upload_dir)
            .with_context(|| format!("cannot create UPLOAD_DIR {}", settings.upload_dir.display()))?;
        let rates = Arc::new(Rates::load(settings.exchange_rates_file.as_deref(), &settings.pay_currency)?);
        let db = Db::new(&settings.database_url, settings.db_pool_size)?;
        db.migrate_or_wait().await?;
        // Yearly pay in the site's currency, recomputed once per rate table.
        let fix = rates.clone();
        let name = format!("pay {}", rates.version());
        match db.run(move |c| data_fixes::once(c, &name, |c| crate::db::jobs::normalise_pay(c, &fix))).await {
            Ok(_) => {}
            // A database that has not answered yet: the next start does it.
            Err(e @ crate::error::AppError::Unavailable(_)) => {
                tracing::warn!(error = %e, "yearly pay not recomputed yet: the next start tries again")
            }
            Err(e) => return Err(anyhow::anyhow!("recomputing the yearly pay failed: {e}")),
        }
        crate::storage::clean_temporary(&settings.upload_dir);
        let search = SearchIndex::open(&settings.search_index_dir, settings.search_synonyms_file.as_deref())?;
        Ok(AppState { db, settings, hub: Hub::new(), outbox: OutboxSignal::new(), rates, search })
    }

    /// Starts what runs beside the server: the hub's tasks and, unless
    /// `BACKGROUND_WORKERS=false`, the background tasks.
    pub fn start_tasks(&self) {
        self.hub.start(self.db.clone(), &self.settings);
        // PostgreSQL's notice wakes the index; SQLite's counter is read in-process.
        let poll = if self.db.is_postgres() { Duration::from_secs(2) } else { Duration::from_millis(100) };
        self.search.spawn(self.db.clone(), poll);
        if self.settings.background_workers {
            crate::background::spawn(&self.db, &self.settings, &self.outbox, &self.hub, &self.search);
        }
    }
}
