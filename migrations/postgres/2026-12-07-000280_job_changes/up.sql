-- Every change to a job is also a row here, written by the same statement
-- (so in the same transaction): each instance's search index applies them
-- in order (src/search). A row's version is the data version the change
-- made; versions are taken under the jobs_version row lock, held to the
-- commit, so they are ordered as the commits are: once version V is seen,
-- every change up to V is visible.
CREATE TABLE job_changes (
    version BIGINT NOT NULL,
    job_id BIGINT NOT NULL,
    PRIMARY KEY (version, job_id)
);
-- `reindex` moves the epoch: every instance rebuilds its index. Changes
-- below `changes_from` were pruned: an index older than that rebuilds too.
ALTER TABLE jobs_version ADD COLUMN index_epoch BIGINT NOT NULL DEFAULT 0;
ALTER TABLE jobs_version ADD COLUMN changes_from BIGINT NOT NULL DEFAULT 0;

CREATE OR REPLACE FUNCTION jobs_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    now_at BIGINT;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM changed) THEN
        RETURN NULL;
    END IF;
    UPDATE jobs_version SET version = version + 1 WHERE id = 1 RETURNING version INTO now_at;
    INSERT INTO job_changes (version, job_id) SELECT now_at, id FROM changed;
    PERFORM pg_notify('jobconnect_jobs', now_at::text);
    RETURN NULL;
END
$$;

-- A company's name is in its jobs' index entries: a rename changes them.
CREATE FUNCTION jobs_version_company() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    now_at BIGINT;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM changed) THEN
        RETURN NULL;
    END IF;
    UPDATE jobs_version SET version = version + 1 WHERE id = 1 RETURNING version INTO now_at;
    INSERT INTO job_changes (version, job_id)
        SELECT now_at, j.id FROM changed c JOIN before b ON b.id = c.id JOIN jobs j ON j.company_id = c.id
        WHERE c.name IS DISTINCT FROM b.name;
    PERFORM pg_notify('jobconnect_jobs', now_at::text);
    RETURN NULL;
END
$$;
DROP TRIGGER jobs_version_company ON companies;
CREATE TRIGGER jobs_version_company AFTER UPDATE ON companies
    REFERENCING OLD TABLE AS before NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION jobs_version_company();
