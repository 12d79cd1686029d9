-- Full-text search over jobs: an FTS5 table (its own copy of the text, so
-- snippet() works) kept in sync with jobs and company names by triggers.
-- The rowid of jobs_fts is the job id. Ranking: bm25 with the title weighing
-- most, then company, location, description.
CREATE VIRTUAL TABLE jobs_fts USING fts5(
    title, description, company, location,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO jobs_fts (jobs_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0, 4.0, 2.0)');

INSERT INTO jobs_fts (rowid, title, description, company, location)
SELECT j.id, j.title, j.description, c.name, j.location FROM jobs j JOIN companies c ON c.id = j.company_id;

CREATE TRIGGER jobs_fts_insert AFTER INSERT ON jobs BEGIN
    INSERT INTO jobs_fts (rowid, title, description, company, location)
    VALUES (new.id, new.title, new.description, (SELECT name FROM companies WHERE id = new.company_id), new.location);
END;

CREATE TRIGGER jobs_fts_update AFTER UPDATE OF title, description, location, company_id ON jobs BEGIN
    UPDATE jobs_fts
       SET title = new.title, description = new.description, location = new.location,
           company = (SELECT name FROM companies WHERE id = new.company_id)
     WHERE rowid = new.id;
END;

CREATE TRIGGER jobs_fts_delete AFTER DELETE ON jobs BEGIN
    DELETE FROM jobs_fts WHERE rowid = old.id;
END;

CREATE TRIGGER companies_fts_rename AFTER UPDATE OF name ON companies BEGIN
    UPDATE jobs_fts SET company = new.name WHERE rowid IN (SELECT id FROM jobs WHERE company_id = new.id);
END;

-- Listing open jobs newest first, alone or with one equality filter: partial
-- indexes over open jobs only (closes_at included so expired jobs are skipped
-- without reading the row).
DROP INDEX jobs_open_recent;
CREATE INDEX jobs_listing ON jobs (published_at DESC, id DESC, closes_at) WHERE status = 'open';
CREATE INDEX jobs_listing_remote ON jobs (remote, published_at DESC, id DESC) WHERE status = 'open';
CREATE INDEX jobs_listing_type ON jobs (employment_type, published_at DESC, id DESC) WHERE status = 'open';
CREATE INDEX jobs_listing_category ON jobs (category, published_at DESC, id DESC) WHERE status = 'open';
-- A company page: its open jobs, newest first.
CREATE INDEX jobs_listing_company ON jobs (company_id, published_at DESC, id DESC) WHERE status = 'open';
-- What the closing task looks at: open jobs with a closing date.
CREATE INDEX jobs_to_close ON jobs (closes_at) WHERE status = 'open' AND closes_at IS NOT NULL;
-- A seeker's saved jobs, newest first.
CREATE INDEX saved_jobs_recent ON saved_jobs (user_id, created_at DESC);

-- A counter that moves with every change to jobs or companies: cached search
-- results are valid only for the version they were computed at.
CREATE TABLE jobs_version (id INTEGER PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL);
INSERT INTO jobs_version (id, version) VALUES (1, 0);
CREATE TRIGGER jobs_version_insert AFTER INSERT ON jobs BEGIN
    UPDATE jobs_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER jobs_version_update AFTER UPDATE ON jobs BEGIN
    UPDATE jobs_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER jobs_version_delete AFTER DELETE ON jobs BEGIN
    UPDATE jobs_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER jobs_version_company AFTER UPDATE ON companies BEGIN
    UPDATE jobs_version SET version = version + 1 WHERE id = 1;
END;
