-- Every change to a job is also a row here, written by the same statement
-- (so in the same transaction): the search index applies them in order
-- (src/search). A row's version is the data version the change made.
CREATE TABLE job_changes (
    version BIGINT NOT NULL,
    job_id BIGINT NOT NULL,
    PRIMARY KEY (version, job_id)
) WITHOUT ROWID;
-- `reindex` moves the epoch: the index rebuilds. Changes below
-- `changes_from` were pruned: an index older than that rebuilds too.
ALTER TABLE jobs_version ADD COLUMN index_epoch BIGINT NOT NULL DEFAULT 0;
ALTER TABLE jobs_version ADD COLUMN changes_from BIGINT NOT NULL DEFAULT 0;

-- The bump and the change in one trigger: the change carries the new version.
DROP TRIGGER jobs_version_insert;
DROP TRIGGER jobs_version_update;
DROP TRIGGER jobs_version_delete;
DROP TRIGGER jobs_version_company;
CREATE TRIGGER jobs_version_insert AFTER INSERT ON jobs BEGIN
    UPDATE jobs_version SET version = version + 1 WHERE id = 1;
    INSERT OR IGNORE INTO job_changes (version, job_id) SELECT version, NEW.id FROM jobs_version WHERE id = 1;
END;
CREATE TRIGGER jobs_version_update AFTER UPDATE ON jobs BEGIN
    UPDATE jobs_version SET version = version + 1 WHERE id = 1;
    INSERT OR IGNORE INTO job_changes (version, job_id) SELECT version, NEW.id FROM jobs_version WHERE id = 1;
END;
CREATE TRIGGER jobs_version_delete AFTER DELETE ON jobs BEGIN
    UPDATE jobs_version SET version = version + 1 WHERE id = 1;
    INSERT OR IGNORE INTO job_changes (version, job_id) SELECT version, OLD.id FROM jobs_version WHERE id = 1;
END;
CREATE TRIGGER jobs_version_company AFTER UPDATE ON companies BEGIN
    UPDATE jobs_version SET version = version + 1 WHERE id = 1;
    INSERT OR IGNORE INTO job_changes (version, job_id)
        SELECT v.version, j.id FROM jobs_version v JOIN jobs j ON j.company_id = NEW.id
        WHERE v.id = 1 AND NEW.name IS NOT OLD.name;
END;
